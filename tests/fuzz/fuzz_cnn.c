/* libFuzzer harness for the CNN sections of a .c2dm: any bytes give a status,
 * never a crash; a CNN that loads must run every ISA it can on valid tokens
 * (token ids derived from the input) inside the scratch size it reported.
 * CRCs of a copy are fixed up first, so mutations reach the CNN validator
 * instead of stopping at the checksum. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "c2detect.h"
#include "common/internal.h"

static void put32(uint8_t *p, uint32_t v) {
    for (int i = 0; i < 4; i++) p[i] = (uint8_t)(v >> (8 * i));
}

static void fix_crcs(uint8_t *b, size_t len) {
    if (len < 64) return;
    const uint32_t n = c2d__ld_u32le(b + 28);
    if (n > 64 || 64 + 32 * (size_t)n > len) return;
    for (uint32_t i = 0; i < n; i++) {
        uint8_t *e = b + 64 + 32 * i;
        const uint64_t off = c2d__ld_u64le(e + 8), sz = c2d__ld_u64le(e + 16);
        if (c2d__span_ok(off, sz, len)) put32(e + 24, c2d__crc32c(0, b + off, (size_t)sz));
    }
    put32(b + 44, 0);
    put32(b + 44, c2d__crc32c(c2d__crc32c(0, b, 64), b + 64, 32 * (size_t)n));
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
    uint8_t *copy = malloc(size ? size : 1);
    if (!copy) return 0;
    if (size) memcpy(copy, data, size);
    fix_crcs(copy, size);
    c2d_model *m = NULL;
    if (c2d_model_load_memory(copy, size, NULL, &m) != C2D_OK) {
        free(copy);
        return 0;
    }
    c2d_cnn_shape_info sh = {.size = sizeof sh};
    if (c2d_cnn_shape(m, &sh) == C2D_OK && sh.seq_len <= 4096 && sh.scratch_bytes <= (64u << 20)) {
        uint16_t *tok = malloc(2 * (size_t)sh.seq_len * sizeof *tok);
        void *scratch = malloc(sh.scratch_bytes);
        float *out = malloc(2 * (size_t)sh.n_classes * sizeof *out);
        if (tok && scratch && out) {
            for (size_t i = 0; i < 2 * (size_t)sh.seq_len; i++)
                tok[i] = (uint16_t)((size ? data[i % size] * 257u + i : i) % sh.vocab);
            const int caps[] = {C2D_ISA_SCALAR, C2D_ISA_BEST};
            for (int c = 0; c < 2; c++) {
                if (c2d_model_set_param(m, C2D_MODEL_PARAM_ISA_CAP, caps[c]) != C2D_OK) continue;
                (void)c2d_cnn_predict(m, tok, 2, scratch, sh.scratch_bytes, C2D_CNN_PROBA, out,
                                      2 * (size_t)sh.n_classes);
            }
        }
        free(tok);
        free(scratch);
        free(out);
    }
    c2d_model_free(m);
    free(copy);
    return 0;
}
