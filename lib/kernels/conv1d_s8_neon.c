/* NEON (aarch64) Conv1d/dense kernel: activations (u8) and weights (s8) are
 * widened to int16 and multiplied into int32 with vmlal_s16, which is exact,
 * so the result equals the scalar kernel bit for bit. Layers with many rows
 * are widened once per call into the caller's workspace (tmp16), so the tile
 * loop only loads and multiplies. */
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

static inline int32x4_t mac8x2(int32x4_t acc, int16x8_t x, int16x8_t w) {
    acc = vmlal_s16(acc, vget_low_s16(x), vget_low_s16(w));
    return vmlal_s16(acc, vget_high_s16(x), vget_high_s16(w));
}

/* Full 4x2 tile over int16 copies (x16: input span, w16: weights). */
static inline void block_i16(const c2d__conv_args *a, const int16_t *x16, const int16_t *w16,
                             uint32_t r0, uint32_t o0) {
    const uint32_t kdim = a->kdim, kv = kdim & ~7u;
    const int16_t *x[ROWS], *w[OUTS];
    for (uint32_t r = 0; r < ROWS; r++) x[r] = x16 + (size_t)(r0 + r) * a->x_stride;
    for (uint32_t o = 0; o < OUTS; o++) w[o] = w16 + (size_t)(o0 + o) * kdim;
    int32x4_t acc[ROWS * OUTS];
    for (int i = 0; i < ROWS * OUTS; i++) acc[i] = vdupq_n_s32(0);
    for (uint32_t i = 0; i < kv; i += 8) {
        const int16x8_t w0 = vld1q_s16(w[0] + i), w1 = vld1q_s16(w[1] + i);
        for (uint32_t r = 0; r < ROWS; r++) {
            const int16x8_t xv = vld1q_s16(x[r] + i);
            acc[r * OUTS] = mac8x2(acc[r * OUTS], xv, w0);
            acc[r * OUTS + 1] = mac8x2(acc[r * OUTS + 1], xv, w1);
        }
    }
    for (uint32_t r = 0; r < ROWS; r++)
        for (uint32_t o = 0; o < OUTS; o++) {
            int32_t s = vaddvq_s32(acc[r * OUTS + o]) + a->bias[o0 + o];
            for (uint32_t i = kv; i < kdim; i++) s += (int32_t)w[o][i] * (int32_t)x[r][i];
            c2d__conv_emit(a, r0 + r, o0 + o, s);
        }
}

void c2d__conv1d_s8_neon(const c2d__conv_args *a) {
    if (a->tmp16 && a->n_rows >= 16 && a->n_out >= OUTS &&
        a->tmp16_len >= c2d__conv_tmp16_len(a->n_rows, a->x_stride, a->kdim, a->n_out)) {
        const size_t span = (size_t)(a->n_rows - 1) * a->x_stride + a->kdim;
        const size_t wn = (size_t)a->n_out * a->kdim;
        int16_t *x16 = a->tmp16, *w16 = a->tmp16 + span;
        size_t i = 0;
        for (; i + 8 <= span; i += 8) vst1q_s16(x16 + i, vreinterpretq_s16_u16(vmovl_u8(vld1_u8(a->x + i))));
        for (; i < span; i++) x16[i] = a->x[i];
        for (i = 0; i + 8 <= wn; i += 8) vst1q_s16(w16 + i, vmovl_s8(vld1_s8(a->w + i)));
        for (; i < wn; i++) w16[i] = a->w[i];
        const uint32_t rows_main = a->n_rows - a->n_rows % ROWS;
        const uint32_t outs_main = a->n_out - a->n_out % OUTS;
        for (uint32_t r = 0; r < rows_main; r += ROWS)
            for (uint32_t o = 0; o < outs_main; o += OUTS) block_i16(a, x16, w16, r, o);
        /* the edges (rows past the last full tile, the odd channel) */
        for (uint32_t r = 0; r < a->n_rows; r += ROWS) {
            const uint32_t nr = a->n_rows - r < ROWS ? a->n_rows - r : ROWS;
            for (uint32_t o = (r < rows_main ? outs_main : 0); o < a->n_out; o += OUTS) {
                const uint32_t no = a->n_out - o < OUTS ? a->n_out - o : OUTS;
                block(a, r, nr, o, no);
            }
        }
        return;
    }
    for (uint32_t r = 0; r < a->n_rows; r += ROWS) {
        const uint32_t nr = a->n_rows - r < ROWS ? a->n_rows - r : ROWS;
        for (uint32_t o = 0; o < a->n_out; o += OUTS) {
            const uint32_t no = a->n_out - o < OUTS ? a->n_out - o : OUTS;
            block(a, r, nr, o, no);
        }
    }
}
