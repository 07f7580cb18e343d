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

/* Scalar folded first convolution (kernels.h, c2d__fold_args): the oracle for
 * the SIMD fold kernels; on aarch64 the compiler vectorises it for NEON. */
void c2d__fold_s8_scalar(const c2d__fold_args *f) {
    const c2d__conv_args *a = &f->out;
    const int32_t *rows[8];
    for (uint32_t r = 0; r < a->n_rows; r++) {
        c2d__fold_rows(f, r, rows);
        for (uint32_t o = 0; o < a->n_out; o++) {
            int32_t acc = a->bias[o];
            for (uint32_t j = 0; j < f->k; j++) acc += rows[j][o];
            c2d__conv_emit(a, r, o, acc);
        }
    }
}

void c2d__requant_s8_scalar(const int32_t *acc, uint32_t n, const int32_t *mult,
                            const int32_t *shift, int32_t zp_out, int32_t lo, uint8_t *y) {
    for (uint32_t o = 0; o < n; o++) y[o] = c2d__requant_u8(acc[o], mult[o], shift[o], zp_out, lo);
}
