/* libFuzzer harness for the CNN sections of a .c2dm: any bytes give a status,
 * never a crash; a CNN that loads must run every ISA it can on valid tokens
 * (token ids derived from the input) inside the scratch size it reported. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "c2detect.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
    c2d_model *m = NULL;
    if (c2d_model_load_memory(data, size, NULL, &m) != C2D_OK) return 0;
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
    return 0;
}
