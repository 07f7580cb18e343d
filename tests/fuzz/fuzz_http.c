/* libFuzzer harness for the HTTP tokenizer: any bytes give OK or NOT_REQUEST, the
 * sequence is within the vocabulary, PAD-filled after n, and names resolve. */
#include <stdint.h>
#include <stdlib.h>

#include "c2detect.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
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
    return 0;
}
