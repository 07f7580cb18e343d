/* libFuzzer harness for the HTTP tokenizer and scorer: any bytes give OK or
 * NOT_REQUEST, the sequence is within the vocabulary, PAD-filled after n, names
 * resolve, and the built-in model scores the bytes to a probability. */
#include <math.h>
#include <stdint.h>
#include <stdlib.h>

#include "c2detect.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
    static c2d_model *model; /* loaded once, read-only afterwards */
    uint16_t ids[C2D_HTTP_SEQ_LEN];
    size_t n = 0;
    c2d_status st = c2d_http_tokenize(data, size, ids, C2D_HTTP_SEQ_LEN, &n);
    if (st != C2D_OK && st != C2D_ERR_HTTP_NOT_REQUEST) abort();
    if (n > C2D_HTTP_SEQ_LEN) abort();
    char name[C2D_HTTP_TOKEN_NAME_MAX];
    for (size_t i = 0; i < C2D_HTTP_SEQ_LEN; i++) {
        if (ids[i] >= C2D_HTTP_VOCAB_SIZE) abort();
        if (i >= n && ids[i] != 0) abort();
        if (i < n && c2d_http_token_name(ids[i], name, sizeof name) != C2D_OK) abort();
    }
    if (!model && c2d_model_builtin("http", NULL, &model) != C2D_OK) return 0;
    double score = -1;
    c2d_status st2 = c2d_http_score(model, data, size, &score);
    if (st2 != st) abort();
    if (!(score >= 0.0 && score <= 1.0)) abort();
    return 0;
}
