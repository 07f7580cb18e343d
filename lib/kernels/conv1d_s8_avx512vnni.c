/* AVX-512 VNNI Conv1d/dense kernel (256-bit vpdpbusd, AVX512VL): multiplies u8
 * activations by s8 weights and adds groups of four products into int32 with
 * no intermediate saturation, so no widening is needed and the result equals
 * the scalar kernel exactly. Same 4-row x 2-channel tiling, horizontal sums and
 * requantisation as the AVX2 kernel (x86_common.h); the window tail is read
 * with zero-filling masked loads (zeros add nothing). */
#include "x86_common.h"

#define ROWS 4
#define OUTS 2

static inline __mmask32 tail_mask(uint32_t n) {
    return n >= 32 ? ~(__mmask32)0 : (((__mmask32)1 << n) - 1);
}

static inline __m256i load32(const void *p, __mmask32 m) {
    return _mm256_maskz_loadu_epi8(m, p);
}

static inline void block_4x2(const c2d__conv_args *a, uint32_t r0, uint32_t o0) {
    const uint32_t kdim = a->kdim;
    const uint8_t *x[ROWS];
    const int8_t *w[OUTS];
    for (int r = 0; r < ROWS; r++) x[r] = a->x + (size_t)(r0 + (uint32_t)r) * a->x_stride;
    for (int o = 0; o < OUTS; o++) w[o] = a->w + (size_t)(o0 + (uint32_t)o) * kdim;
    __m256i a00 = _mm256_setzero_si256(), a01 = a00, a10 = a00, a11 = a00, a20 = a00,
            a21 = a00, a30 = a00, a31 = a00;
    for (uint32_t i = 0; i < kdim; i += 32) {
        const __mmask32 m = tail_mask(kdim - i);
        const __m256i w0 = load32(w[0] + i, m), w1 = load32(w[1] + i, m);
        __m256i xv = load32(x[0] + i, m);
        a00 = _mm256_dpbusd_epi32(a00, xv, w0);
        a01 = _mm256_dpbusd_epi32(a01, xv, w1);
        xv = load32(x[1] + i, m);
        a10 = _mm256_dpbusd_epi32(a10, xv, w0);
        a11 = _mm256_dpbusd_epi32(a11, xv, w1);
        xv = load32(x[2] + i, m);
        a20 = _mm256_dpbusd_epi32(a20, xv, w0);
        a21 = _mm256_dpbusd_epi32(a21, xv, w1);
        xv = load32(x[3] + i, m);
        a30 = _mm256_dpbusd_epi32(a30, xv, w0);
        a31 = _mm256_dpbusd_epi32(a31, xv, w1);
    }
    c2d__emit_4x2(a, r0, o0,
                  _mm256_add_epi32(c2d__reduce8(a00, a01, a10, a11, a20, a21, a30, a31),
                                   c2d__pair(a->bias + o0)));
}

static inline void block_1x1(const c2d__conv_args *a, uint32_t r, uint32_t o) {
    const uint32_t kdim = a->kdim;
    const uint8_t *x = a->x + (size_t)r * a->x_stride;
    const int8_t *w = a->w + (size_t)o * kdim;
    __m256i acc = _mm256_setzero_si256();
    for (uint32_t i = 0; i < kdim; i += 32) {
        const __mmask32 m = tail_mask(kdim - i);
        acc = _mm256_dpbusd_epi32(acc, load32(x + i, m), load32(w + i, m));
    }
    __m128i s = _mm_add_epi32(_mm256_castsi256_si128(acc), _mm256_extracti128_si256(acc, 1));
    s = _mm_add_epi32(s, _mm_shuffle_epi32(s, 0x4E));
    s = _mm_add_epi32(s, _mm_shuffle_epi32(s, 0xB1));
    c2d__conv_emit(a, r, o, _mm_cvtsi128_si32(s) + a->bias[o]);
}

void c2d__conv1d_s8_avx512vnni(const c2d__conv_args *a) {
    const uint32_t rows_main = a->n_rows - a->n_rows % ROWS;
    const uint32_t outs_main = a->n_out - a->n_out % OUTS;
    for (uint32_t r = 0; r < rows_main; r += ROWS) {
        for (uint32_t o = 0; o < outs_main; o += OUTS) block_4x2(a, r, o);
        for (uint32_t o = outs_main; o < a->n_out; o++)
            for (uint32_t rr = r; rr < r + ROWS; rr++) block_1x1(a, rr, o);
    }
    for (uint32_t r = rows_main; r < a->n_rows; r++)
        for (uint32_t o = 0; o < a->n_out; o++) block_1x1(a, r, o);
}
