/* NEON (aarch64) Conv1d/dense kernel: activations (u8) and weights (s8) are
 * widened to int16 and multiplied into int32 with vmlal_s16, which is exact,
 * so the result equals the scalar kernel bit for bit. */
#include <arm_neon.h>

#include "kernels.h"

#define ROWS 4
#define OUTS 2

static inline int32_t tail_dot(const int8_t *w, const uint8_t *x, uint32_t from, uint32_t kdim) {
    int32_t s = 0;
    for (uint32_t i = from; i < kdim; i++) s += (int32_t)w[i] * (int32_t)x[i];
    return s;
}

static inline int32x4_t mac16(int32x4_t acc, uint8x16_t x, int8x16_t w) {
    const int16x8_t xl = vreinterpretq_s16_u16(vmovl_u8(vget_low_u8(x)));
    const int16x8_t xh = vreinterpretq_s16_u16(vmovl_u8(vget_high_u8(x)));
    const int16x8_t wl = vmovl_s8(vget_low_s8(w)), wh = vmovl_s8(vget_high_s8(w));
    acc = vmlal_s16(acc, vget_low_s16(xl), vget_low_s16(wl));
    acc = vmlal_s16(acc, vget_high_s16(xl), vget_high_s16(wl));
    acc = vmlal_s16(acc, vget_low_s16(xh), vget_low_s16(wh));
    return vmlal_s16(acc, vget_high_s16(xh), vget_high_s16(wh));
}

static inline void block(const c2d__conv_args *a, uint32_t r0, uint32_t nr, uint32_t o0,
                         uint32_t no) {
    const uint32_t kdim = a->kdim, kv = kdim & ~15u;
    int32x4_t acc[ROWS * OUTS];
    for (int i = 0; i < ROWS * OUTS; i++) acc[i] = vdupq_n_s32(0);
    const int8_t *w[OUTS];
    const uint8_t *x[ROWS];
    for (uint32_t o = 0; o < OUTS; o++) w[o] = a->w + (size_t)(o0 + (o < no ? o : 0)) * kdim;
    for (uint32_t r = 0; r < ROWS; r++) x[r] = a->x + (size_t)(r0 + (r < nr ? r : 0)) * a->x_stride;
    for (uint32_t i = 0; i < kv; i += 16) {
        int8x16_t wv[OUTS];
        for (uint32_t o = 0; o < OUTS; o++) wv[o] = vld1q_s8(w[o] + i);
        for (uint32_t r = 0; r < ROWS; r++) {
            const uint8x16_t xv = vld1q_u8(x[r] + i);
            for (uint32_t o = 0; o < OUTS; o++) acc[r * OUTS + o] = mac16(acc[r * OUTS + o], xv, wv[o]);
        }
    }
    for (uint32_t r = 0; r < nr; r++)
        for (uint32_t o = 0; o < no; o++) {
            const int32_t s = vaddvq_s32(acc[r * OUTS + o]) + a->bias[o0 + o] +
                              tail_dot(w[o], x[r], kv, kdim);
            c2d__conv_emit(a, r0 + r, o0 + o, s);
        }
}

void c2d__conv1d_s8_neon(const c2d__conv_args *a) {
    for (uint32_t r = 0; r < a->n_rows; r += ROWS) {
        const uint32_t nr = a->n_rows - r < ROWS ? a->n_rows - r : ROWS;
        for (uint32_t o = 0; o < a->n_out; o += OUTS) {
            const uint32_t no = a->n_out - o < OUTS ? a->n_out - o : OUTS;
            block(a, r, nr, o, no);
        }
    }
}
