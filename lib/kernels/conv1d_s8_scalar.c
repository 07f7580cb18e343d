/* Scalar Conv1d/dense kernel: the reference every SIMD kernel must match bit
 * for bit (plain int32 sums, requantisation per row). */
#include "kernels.h"

void c2d__conv1d_s8_scalar(const c2d__conv_args *a) {
    for (uint32_t r = 0; r < a->n_rows; r++) {
        const uint8_t *x = a->x + (size_t)r * a->x_stride;
        for (uint32_t o = 0; o < a->n_out; o++) {
            const int8_t *w = a->w + (size_t)o * a->kdim;
            int32_t acc = a->bias[o];
            for (uint32_t i = 0; i < a->kdim; i++) acc += (int32_t)w[i] * (int32_t)x[i];
            c2d__conv_emit(a, r, o, acc);
        }
    }
}
