/* libc2detect internal: helpers shared by the AVX-512 VNNI kernels (compiled
 * with the AVX-512 F/BW/VL/VNNI flags): exact 16-lane requantisation, channel
 * masks and the output of one row of 16 channels. */
#ifndef C2D_KERNELS_X86_AVX512_COMMON_H
#define C2D_KERNELS_X86_AVX512_COMMON_H

#include "x86_common.h"

#define C2D__BLOCK16 16

/* Full unrolling of loops whose trip count is a constant after inlining, so
 * that accumulator arrays live in registers (gcc and clang read this pragma). */
#define C2D__UNROLL _Pragma("GCC unroll 8")

/* gcc's partial redundancy elimination (-ftree-partial-pre, on at -O3) turns
 * the tiles' register accumulators into stack stores on every step: half the
 * speed of -O2. Kernel files that include this header opt out. */
#if defined(__GNUC__) && !defined(__clang__)
#pragma GCC optimize("no-tree-partial-pre")
#endif

/* Exact requantisation of 16 lanes (kernels.h): the AVX2 sequence widened. */
static inline __m512i c2d__requant16(__m512i acc, __m512i mult, __m512i shift, __m512i zp, __m512i lo) {
    const __m512i one = _mm512_set1_epi64(1);
    const __m512i lo32 = _mm512_set1_epi64(0xFFFFFFFF);
    const __m512i sh_even = _mm512_and_si512(shift, lo32), sh_odd = _mm512_srli_epi64(shift, 32);
    const __m512i r_even = _mm512_sllv_epi64(one, _mm512_sub_epi64(sh_even, one));
    const __m512i r_odd = _mm512_sllv_epi64(one, _mm512_sub_epi64(sh_odd, one));
    const __m512i p_even = _mm512_add_epi64(_mm512_mul_epi32(acc, mult), r_even);
    const __m512i p_odd = _mm512_add_epi64(
        _mm512_mul_epi32(_mm512_srli_epi64(acc, 32), _mm512_srli_epi64(mult, 32)), r_odd);
    const __m512i hi = _mm512_mask_blend_epi32(0xAAAA, _mm512_srli_epi64(p_even, 32), p_odd);
    __m512i v = _mm512_srav_epi32(hi, _mm512_sub_epi32(shift, _mm512_set1_epi32(32)));
    v = _mm512_add_epi32(v, zp);
    v = _mm512_max_epi32(v, lo);
    return _mm512_min_epi32(v, _mm512_set1_epi32(255));
}

static inline __mmask16 c2d__block_mask16(uint32_t n_out, uint32_t o0) {
    const uint32_t n = n_out - o0;
    return n >= C2D__BLOCK16 ? (__mmask16)0xFFFF : (__mmask16)((1u << n) - 1);
}

/* Writes one row's accumulators (bias included) of a block in the call's mode;
 * C2D__CONV_ROWS_U8 or C2D__CONV_ROWS_I32 (a max pool is reduced by the caller). */
static inline void c2d__emit_row16(const c2d__conv_args *a, uint32_t r, uint32_t o0, __mmask16 m,
                              __m512i v) {
    if (a->mode == C2D__CONV_ROWS_U8) {
        const __m512i q = c2d__requant16(v, _mm512_maskz_loadu_epi32(m, a->mult + o0),
                                    _mm512_maskz_loadu_epi32(m, a->shift + o0),
                                    _mm512_set1_epi32(a->zp_out), _mm512_set1_epi32(a->lo));
        _mm_mask_storeu_epi8(a->y + (size_t)r * a->y_stride + o0, m, _mm512_cvtepi32_epi8(q));
    } else {
        _mm512_mask_storeu_epi32(a->y32 + (size_t)r * a->n_out + o0, m, v);
    }
}

#endif
