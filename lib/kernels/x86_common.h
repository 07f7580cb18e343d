/* libc2detect internal: helpers shared by the x86 kernels (compiled with at
 * least -mavx2): horizontal sums, exact vector requantisation, tile output. */
#ifndef C2D_KERNELS_X86_COMMON_H
#define C2D_KERNELS_X86_COMMON_H

#include <immintrin.h>
#include <string.h>

#include "kernels.h"

/* Sum each of 8 vectors: lane i of the result is the total of v_i. (Eight
 * named values rather than an array, which gcc would keep in memory.) */
static inline __m256i c2d__reduce8(__m256i v0, __m256i v1, __m256i v2, __m256i v3, __m256i v4,
                                   __m256i v5, __m256i v6, __m256i v7) {
    const __m256i h01 = _mm256_hadd_epi32(v0, v1), h23 = _mm256_hadd_epi32(v2, v3);
    const __m256i h45 = _mm256_hadd_epi32(v4, v5), h67 = _mm256_hadd_epi32(v6, v7);
    const __m256i a = _mm256_hadd_epi32(h01, h23), b = _mm256_hadd_epi32(h45, h67);
    return _mm256_add_epi32(_mm256_permute2x128_si256(a, b, 0x20),
                            _mm256_permute2x128_si256(a, b, 0x31));
}

/* Requantisation of 8 int32 lanes with per-lane parameters (kernels.h):
 * 64-bit products of even and odd lanes, plus 2^(shift-1), keep the high
 * dword (an arithmetic >> 32), then an arithmetic >> (shift - 32). */
static inline __m256i c2d__requant8(__m256i acc, __m256i mult, __m256i shift, __m256i zp, __m256i lo) {
    const __m256i one = _mm256_set1_epi64x(1);
    const __m256i lo32 = _mm256_set1_epi64x(0xFFFFFFFF);
    const __m256i sh_even = _mm256_and_si256(shift, lo32), sh_odd = _mm256_srli_epi64(shift, 32);
    const __m256i r_even = _mm256_sllv_epi64(one, _mm256_sub_epi64(sh_even, one));
    const __m256i r_odd = _mm256_sllv_epi64(one, _mm256_sub_epi64(sh_odd, one));
    const __m256i p_even = _mm256_add_epi64(_mm256_mul_epi32(acc, mult), r_even);
    const __m256i p_odd = _mm256_add_epi64(
        _mm256_mul_epi32(_mm256_srli_epi64(acc, 32), _mm256_srli_epi64(mult, 32)), r_odd);
    const __m256i hi = _mm256_blend_epi32(_mm256_srli_epi64(p_even, 32), p_odd, 0xAA);
    __m256i v = _mm256_srav_epi32(hi, _mm256_sub_epi32(shift, _mm256_set1_epi32(32)));
    v = _mm256_add_epi32(v, zp);
    v = _mm256_max_epi32(v, lo);
    return _mm256_min_epi32(v, _mm256_set1_epi32(255));
}

/* Broadcast the parameter pair of channels o, o+1 to all four pairs of lanes. */
static inline __m256i c2d__pair(const int32_t *p) {
    int64_t v;
    memcpy(&v, p, sizeof v);
    return _mm256_set1_epi64x(v);
}

/* Writes a 4-row x 2-channel tile whose accumulators (bias included) are in
 * lanes r0o0 r0o1 r1o0 r1o1 r2o0 r2o1 r3o0 r3o1, in the kernel's mode. */
static inline void c2d__emit_4x2(const c2d__conv_args *a, uint32_t r0, uint32_t o0, __m256i sums) {
    enum { ROWS = 4, OUTS = 2 };
    switch (a->mode) {
    case C2D__CONV_ROWS_U8: {
        const __m256i v = c2d__requant8(sums, c2d__pair(a->mult + o0), c2d__pair(a->shift + o0),
                                   _mm256_set1_epi32(a->zp_out), _mm256_set1_epi32(a->lo));
        const __m128i w16 = _mm_packus_epi32(_mm256_castsi256_si128(v), _mm256_extracti128_si256(v, 1));
        const __m128i b8 = _mm_packus_epi16(w16, w16);
        const uint32_t lo4 = (uint32_t)_mm_cvtsi128_si32(b8);
        const uint32_t hi4 = (uint32_t)_mm_extract_epi32(b8, 1);
        const uint16_t px[4] = {(uint16_t)lo4, (uint16_t)(lo4 >> 16), (uint16_t)hi4,
                                (uint16_t)(hi4 >> 16)};
        for (int r = 0; r < ROWS; r++)
            memcpy(a->y + (size_t)(r0 + (uint32_t)r) * a->y_stride + o0, &px[r], 2);
        break;
    }
    case C2D__CONV_MAX_I32: {
        __m256i m = _mm256_max_epi32(sums, _mm256_shuffle_epi32(sums, 0x4E));
        m = _mm256_max_epi32(m, _mm256_permute2x128_si256(m, m, 0x01));
        const __m128i prev = _mm_loadl_epi64((const __m128i *)(const void *)(a->y32 + o0));
        _mm_storel_epi64((__m128i *)(void *)(a->y32 + o0),
                         _mm_max_epi32(prev, _mm256_castsi256_si128(m)));
        break;
    }
    case C2D__CONV_ROWS_I32: {
        int32_t t[8];
        _mm256_storeu_si256((__m256i *)(void *)t, sums);
        for (int r = 0; r < ROWS; r++)
            for (int o = 0; o < OUTS; o++)
                a->y32[(size_t)(r0 + (uint32_t)r) * a->n_out + o0 + (uint32_t)o] = t[r * 2 + o];
        break;
    }
    }
}

#endif
