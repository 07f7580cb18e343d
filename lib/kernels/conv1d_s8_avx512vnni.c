/* AVX-512 VNNI Conv1d/dense kernel: vpdpbusd multiplies u8 activations by s8
 * weights and adds groups of four products into int32 with no intermediate
 * saturation, so the result equals the scalar kernel exactly. The window tail
 * is read with a zero-filling masked load (zeros add nothing). */
#include <immintrin.h>

#include "kernels.h"

#define ROWS 4
#define OUTS 2

static inline __mmask64 tail_mask(uint32_t n) {
    return n >= 64 ? ~(__mmask64)0 : (((__mmask64)1 << n) - 1);
}

static inline void block(const c2d__conv_args *a, uint32_t r0, uint32_t nr, uint32_t o0,
                         uint32_t no) {
    const uint32_t kdim = a->kdim;
    __m512i acc[ROWS * OUTS];
    for (int i = 0; i < ROWS * OUTS; i++) acc[i] = _mm512_setzero_si512();
    for (uint32_t i = 0; i < kdim; i += 64) {
        const __mmask64 m = tail_mask(kdim - i);
        __m512i wv[OUTS];
        for (uint32_t o = 0; o < OUTS; o++)
            wv[o] = o < no ? _mm512_maskz_loadu_epi8(m, a->w + (size_t)(o0 + o) * kdim + i)
                           : _mm512_setzero_si512();
        for (uint32_t r = 0; r < ROWS; r++) {
            if (r >= nr) break;
            const __m512i xv = _mm512_maskz_loadu_epi8(m, a->x + (size_t)(r0 + r) * a->x_stride + i);
            for (uint32_t o = 0; o < OUTS; o++)
                acc[r * OUTS + o] = _mm512_dpbusd_epi32(acc[r * OUTS + o], xv, wv[o]);
        }
    }
    for (uint32_t r = 0; r < nr; r++)
        for (uint32_t o = 0; o < no; o++)
            c2d__conv_emit(a, r0 + r, o0 + o,
                           _mm512_reduce_add_epi32(acc[r * OUTS + o]) + a->bias[o0 + o]);
}

void c2d__conv1d_s8_avx512vnni(const c2d__conv_args *a) {
    for (uint32_t r = 0; r < a->n_rows; r += ROWS) {
        const uint32_t nr = a->n_rows - r < ROWS ? a->n_rows - r : ROWS;
        for (uint32_t o = 0; o < a->n_out; o += OUTS) {
            const uint32_t no = a->n_out - o < OUTS ? a->n_out - o : OUTS;
            block(a, r, nr, o, no);
        }
    }
}
