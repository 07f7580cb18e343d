/* libc2detect internal: helpers shared by the AVX-512 VNNI kernels (compiled
 * with the AVX-512 F/BW/VL/VNNI flags): exact 16-lane requantisation, channel
 * masks and the output of one row of 16 channels. */
#ifndef C2D_KERNELS_X86_AVX512_COMMON_H
#define C2D_KERNELS_X86_AVX512_COMMON_H

#include "x86_common.h"

#define C2D__BLOCK16 16

/* Full unrolling of loops whose trip count is a constant after inlining, so
 * that accumulator arrays live in registers (clang 14 reads `GCC unroll` but
 * did not unroll these loops with it: 26 % of the gcc speed). */
#if defined(__clang__)
#define C2D__UNROLL _Pragma("clang loop unroll(full)")
#else
#define C2D__UNROLL _Pragma("GCC unroll 8")
#endif

/* gcc's partial redundancy elimination (-ftree-partial-pre, on at -O3) turns
 * the tiles' register accumulators into stack stores on every step: half the
 * speed of -O2. Kernel files that include this header opt out. */
#if defined(__GNUC__) && !defined(__clang__)
#pragma GCC optimize("no-tree-partial-pre")
#endif

/* Exact requantisation of 16 lanes (kernels.h), the AVX2 sequence widened:
 * 64-bit products of even and odd lanes plus 2^(shift-1), the high dwords (an
 * arithmetic >> 32), then an arithmetic >> (shift - 32). The per-channel parts
 * are prepared once per block of channels (c2d__rq16_prep), not per row. */
typedef struct c2d__rq16 {
    __m512i mult, mult_odd, round_even, round_odd, shift_m32, zp, lo;
} c2d__rq16;

static inline c2d__rq16 c2d__rq16_prep(__m512i mult, __m512i shift, int32_t zp, int32_t lo) {
    const __m512i one = _mm512_set1_epi64(1);
    const __m512i sh_even = _mm512_and_si512(shift, _mm512_set1_epi64(0xFFFFFFFF));
    const __m512i sh_odd = _mm512_srli_epi64(shift, 32);
    c2d__rq16 q;
    q.mult = mult;
    q.mult_odd = _mm512_srli_epi64(mult, 32);
    q.round_even = _mm512_sllv_epi64(one, _mm512_sub_epi64(sh_even, one));
    q.round_odd = _mm512_sllv_epi64(one, _mm512_sub_epi64(sh_odd, one));
    q.shift_m32 = _mm512_sub_epi32(shift, _mm512_set1_epi32(32));
    q.zp = _mm512_set1_epi32(zp);
    q.lo = _mm512_set1_epi32(lo);
    return q;
}

static inline __m512i c2d__rq16_apply(__m512i acc, const c2d__rq16 *q) {
    const __m512i p_even = _mm512_add_epi64(_mm512_mul_epi32(acc, q->mult), q->round_even);
    const __m512i p_odd =
        _mm512_add_epi64(_mm512_mul_epi32(_mm512_srli_epi64(acc, 32), q->mult_odd), q->round_odd);
    const __m512i hi = _mm512_mask_blend_epi32(0xAAAA, _mm512_srli_epi64(p_even, 32), p_odd);
    __m512i v = _mm512_add_epi32(_mm512_srav_epi32(hi, q->shift_m32), q->zp);
    v = _mm512_max_epi32(v, q->lo);
    return _mm512_min_epi32(v, _mm512_set1_epi32(255));
}

/* The requantisation constants of channels o0.. (masked past n_out). */
static inline c2d__rq16 c2d__rq16_for(const c2d__conv_args *a, uint32_t o0, __mmask16 m) {
    return c2d__rq16_prep(_mm512_maskz_loadu_epi32(m, a->mult + o0),
                          _mm512_maskz_loadu_epi32(m, a->shift + o0), a->zp_out, a->lo);
}

static inline __mmask16 c2d__block_mask16(uint32_t n_out, uint32_t o0) {
    const uint32_t n = n_out - o0;
    return n >= C2D__BLOCK16 ? (__mmask16)0xFFFF : (__mmask16)((1u << n) - 1);
}

/* Writes one row's accumulators (bias included) of a block: requantised
 * with `q` (C2D__CONV_ROWS_U8) or as they are (C2D__CONV_ROWS_I32); a max
 * pool is reduced by the caller. */
static inline void c2d__emit_row16(const c2d__conv_args *a, uint32_t r, uint32_t o0, __mmask16 m,
                                   __m512i v, const c2d__rq16 *q) {
    if (a->mode == C2D__CONV_ROWS_U8)
        _mm_mask_storeu_epi8(a->y + (size_t)r * a->y_stride + o0, m,
                             _mm512_cvtepi32_epi8(c2d__rq16_apply(v, q)));
    else
        _mm512_mask_storeu_epi32(a->y32 + (size_t)r * a->n_out + o0, m, v);
}

#endif
