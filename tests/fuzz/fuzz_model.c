/* libFuzzer harness for the .c2dm loader: any bytes must give a status, never a
 * crash; a model that loads must predict without touching memory it does not own. */
#include <stdint.h>
#include <stdlib.h>

#include "c2detect.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
    c2d_model *m = NULL;
    if (c2d_model_load_memory(data, size, NULL, &m) != C2D_OK) return 0;
    c2d_model_summary s = {.size = sizeof s};
    if (c2d_model_info(m, &s) == C2D_OK && s.kind == C2D_MODEL_FOREST && s.n_inputs <= 4096) {
        float row[4096];
        float proba[128];
        for (uint32_t i = 0; i < s.n_inputs; i++) row[i] = (float)(i % 7) - 3.0f;
        (void)c2d_forest_predict(m, row, s.n_inputs, proba, 128);
    }
    c2d_model_free(m);
    return 0;
}
