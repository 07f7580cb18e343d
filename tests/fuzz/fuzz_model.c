/* libFuzzer harness for the .c2dm loader: any bytes must give a status, never a
 * crash. Each input is tried as is and again with its CRCs recomputed, so that
 * mutations reach the structural checks behind the checksums. A model that
 * loads must predict without touching memory it does not own. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "c2detect.h"
#include "common/internal.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static void try_load(const uint8_t *data, size_t size) {
    c2d_model *m = NULL;
    if (c2d_model_load_memory(data, size, NULL, &m) != C2D_OK) return;
    c2d_model_summary s = {.size = sizeof s};
    if (c2d_model_info(m, &s) == C2D_OK && s.kind == C2D_MODEL_FOREST && s.n_inputs <= 4096) {
        static float rows[3 * 4096];
        float proba[3 * 128];
        for (uint32_t i = 0; i < 3 * s.n_inputs; i++) rows[i] = (float)(i % 7) - 3.0f;
        (void)c2d_forest_predict(m, rows, s.n_inputs, proba, 128);
        (void)c2d_forest_predict_batch(m, rows, 3, s.n_inputs, proba, 128);
    }
    c2d_model_free(m);
}

static void reseal(uint8_t *b, size_t len) {
    if (len < 64) return;
    uint32_t n = c2d__ld_u32le(b + 28);
    if (n > 64 || 64 + 32 * (size_t)n > len) return;
    for (uint32_t i = 0; i < n; i++) {
        uint8_t *e = b + 64 + 32 * i;
        uint64_t off = c2d__ld_u64le(e + 8), sz = c2d__ld_u64le(e + 16);
        if (c2d__span_ok(off, sz, len)) {
            uint32_t c = c2d__crc32c(0, b + off, (size_t)sz);
            for (int k = 0; k < 4; k++) e[24 + k] = (uint8_t)(c >> (8 * k));
        }
    }
    uint8_t hdr[64];
    memcpy(hdr, b, 64);
    memset(hdr + 44, 0, 4);
    uint32_t crc = c2d__crc32c(c2d__crc32c(0, hdr, 64), b + 64, 32 * (size_t)n);
    for (int k = 0; k < 4; k++) b[44 + k] = (uint8_t)(crc >> (8 * k));
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
    try_load(data, size);
    uint8_t *copy = malloc(size ? size : 1);
    if (!copy) return 0;
    memcpy(copy, data, size);
    reseal(copy, size);
    try_load(copy, size);
    free(copy);
    return 0;
}
