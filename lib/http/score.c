/* HTTP header blocks -> C2 score with an http-tokens-v1 CNN model: tokenize, then
 * c2d_cnn_predict. No allocation: one sequence at a time through caller scratch. */
#include <math.h>
#include <string.h>

#include "c2detect/cnn.h"
#include "c2detect/http.h"
#include "common/internal.h"

/* tokens live at the start of the scratch, the CNN's scratch after them */
#define TOKENS_BYTES (C2D_HTTP_SEQ_LEN * sizeof(uint16_t))

static c2d_status check_model(const c2d_model *model, size_t *cnn_scratch) {
    c2d_model_summary s = {.size = sizeof s};
    c2d_status st = c2d_model_info(model, &s);
    if (st != C2D_OK) return st;
    if (s.kind != C2D_MODEL_CNN) return C2D_ERR_KIND_MISMATCH;
    if (strcmp(s.schema, "http-tokens-v1") != 0) return C2D_ERR_SCHEMA_MISMATCH;
    c2d_cnn_shape_info sh = {.size = sizeof sh};
    st = c2d_cnn_shape(model, &sh);
    if (st != C2D_OK) return st;
    if (sh.seq_len != C2D_HTTP_SEQ_LEN || sh.vocab < C2D_HTTP_VOCAB_SIZE || sh.n_classes != 2)
        return C2D_ERR_SCHEMA_MISMATCH;
    *cnn_scratch = sh.scratch_bytes;
    return C2D_OK;
}

c2d_status c2d_http_scratch_size(const c2d_model *model, size_t *bytes) {
    if (!model || !bytes) return C2D_ERR_INVALID_ARG;
    size_t cnn = 0;
    c2d_status st = check_model(model, &cnn);
    if (st != C2D_OK) return st;
    if (c2d__add_overflows(cnn, TOKENS_BYTES, bytes)) return C2D_ERR_LIMIT;
    return C2D_OK;
}

/* Score one block with the model already checked. */
static c2d_status score_one(const c2d_model *model, const void *data, size_t len, uint8_t *scratch,
                            size_t scratch_size, double *score) {
    uint16_t *tokens = (uint16_t *)(void *)scratch;
    c2d_status st = c2d_http_tokenize(data, len, tokens, C2D_HTTP_SEQ_LEN, NULL);
    if (st != C2D_OK) return st;
    float proba[2];
    st = c2d_cnn_predict(model, tokens, 1, scratch + TOKENS_BYTES, scratch_size - TOKENS_BYTES,
                         C2D_CNN_PROBA, proba, 2);
    if (st != C2D_OK) return st;
    *score = (double)proba[1];
    return C2D_OK;
}

c2d_status c2d_http_score(const c2d_model *model, const void *data, size_t len, double *score) {
    if (score) *score = 0.0;
    if (!model || !score || (!data && len)) return C2D_ERR_INVALID_ARG;
    size_t need = 0;
    c2d_status st = c2d_http_scratch_size(model, &need);
    if (st != C2D_OK) return st;
    if (need > C2D_HTTP_STACK_SCRATCH) return C2D_ERR_LIMIT;
    _Alignas(64) uint8_t scratch[C2D_HTTP_STACK_SCRATCH];
    st = score_one(model, data, len, scratch, sizeof scratch, score);
    if (st != C2D_OK) *score = 0.0;
    return st;
}

c2d_status c2d_http_score_batch(const c2d_model *model, const void *const *blocks,
                                const size_t *lens, size_t n, void *scratch, size_t scratch_size,
                                double *scores) {
    if (!model) return C2D_ERR_INVALID_ARG;
    size_t need = 0;
    c2d_status st = c2d_http_scratch_size(model, &need);
    if (st != C2D_OK) return st;
    if (n == 0) return C2D_OK;
    if (!blocks || !lens || !scores || !scratch) return C2D_ERR_INVALID_ARG;
    for (size_t i = 0; i < n; i++)
        if (!blocks[i] && lens[i]) return C2D_ERR_INVALID_ARG;
    if (scratch_size < need) return C2D_ERR_BUFFER_TOO_SMALL;
    /* the token slot must be 2-byte aligned: skip one byte when it is not */
    uint8_t *base = (uint8_t *)scratch;
    size_t size = scratch_size;
    if ((uintptr_t)base % 2) {
        if (size - 1 < need) return C2D_ERR_BUFFER_TOO_SMALL;
        base++;
        size--;
    }
    for (size_t i = 0; i < n; i++) {
        st = score_one(model, blocks[i], lens[i], base, size, &scores[i]);
        if (st == C2D_ERR_HTTP_NOT_REQUEST)
            scores[i] = NAN;
        else if (st != C2D_OK)
            return st;
    }
    return C2D_OK;
}

c2d_status c2d_http_threshold(const c2d_model *model, double *threshold) {
    if (!model || !threshold) return C2D_ERR_INVALID_ARG;
    c2d_model_summary s = {.size = sizeof s};
    c2d_status st = c2d_model_info(model, &s);
    if (st != C2D_OK) return st;
    *threshold = isnan(s.threshold) ? 0.5 : s.threshold;
    return C2D_OK;
}

c2d_status c2d_http_classify(const c2d_model *model, const void *data, size_t len, int *is_c2,
                             double *score) {
    if (is_c2) *is_c2 = 0;
    if (!is_c2) return C2D_ERR_INVALID_ARG;
    double s = 0.0, thr = 0.5;
    c2d_status st = c2d_http_threshold(model, &thr);
    if (st != C2D_OK) return st;
    st = c2d_http_score(model, data, len, &s);
    if (score) *score = s;
    if (st != C2D_OK) return st;
    *is_c2 = s >= thr;
    return C2D_OK;
}
