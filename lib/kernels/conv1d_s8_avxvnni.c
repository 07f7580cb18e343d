/* AVX-VNNI Conv1d/dense kernel: the 256-bit VEX form of vpdpbusd, for CPUs
 * that have it without AVX-512 (and used on this level's cap when they have
 * both). u8 activations times s8 weights, four products added into int32 with
 * no intermediate saturation: the same integers as the scalar kernel.
 *
 * Weights packed at model load as wp[block][quad][8 channels][4] (int8, zero
 * filled to a multiple of 8 channels and 4 window positions); outer-product
 * tiles of up to 4 rows (3 with clang, see TILE_ROWS_N) x 3 blocks of 8
 * channels (12 ymm accumulators, 3 weight registers, 1 broadcast: the 16
 * registers of AVX2). Without packed
 * weights the layer is packed into the caller's workspace when it fits, else
 * the AVX2 kernel (vpmaddwd) runs it.
 *
 * The library's build gives ISA flags by file suffix (lib/CMakeLists.txt) and
 * has none for this one, so the functions here carry the target attribute
 * themselves; the file is empty outside x86-64. */
#if defined(__x86_64__) || defined(_M_X64)
#include <immintrin.h>
#include <string.h>

#include "kernels.h"

#if defined(__clang__)
#pragma clang attribute push(__attribute__((target("avx2,fma,avxvnni"))), apply_to = function)
#else
#pragma GCC push_options
#pragma GCC target("avx2,fma,avxvnni")
/* gcc -O3 (CMake's Release) turns the tiles' register accumulators into stack
 * traffic on every step, at a third of the -O2 speed; -O2 keeps them. */
#pragma GCC optimize("no-tree-partial-pre")
#endif

#include "x86_common.h"

/* 4 rows x 3 blocks uses all 16 registers; clang 14 then spills one
 * accumulator and shuffles the others every step (23.6k instead of 34.7k seq/s
 * unfolded on the reference net), so clang builds take 3 rows (gcc: 40k with
 * 4 rows, 35.8k with 3). */
#if defined(__clang__)
#define TILE_ROWS_N 3
#else
#define TILE_ROWS_N 4
#endif
enum { BLOCK = 8, QUAD = 4, TILE_ROWS = TILE_ROWS_N, TILE_BLOCKS = 3 };

/* full unrolling of the tiles' constant-trip loops (x86_avx512_common.h) */
#if defined(__clang__)
#define UNROLL _Pragma("clang loop unroll(full)")
#else
#define UNROLL _Pragma("GCC unroll 8")
#endif

static size_t packed_bytes(uint32_t n_out, uint32_t kdim) {
    const size_t blocks = ((size_t)n_out + BLOCK - 1) / BLOCK, quads = ((size_t)kdim + QUAD - 1) / QUAD;
    return blocks * quads * BLOCK * QUAD;
}

size_t c2d__pack_len_avxvnni(uint32_t n_out, uint32_t kdim) {
    return packed_bytes(n_out, kdim) / sizeof(int16_t);
}

void c2d__pack_avxvnni(const int8_t *w, uint32_t n_out, uint32_t kdim, int16_t *dst) {
    int8_t *p = (int8_t *)(void *)dst;
    const uint32_t blocks = (n_out + BLOCK - 1) / BLOCK, quads = (kdim + QUAD - 1) / QUAD;
    memset(p, 0, packed_bytes(n_out, kdim));
    for (uint32_t b = 0; b < blocks; b++)
        for (uint32_t q = 0; q < quads; q++)
            for (uint32_t c = 0; c < BLOCK && b * BLOCK + c < n_out; c++)
                for (uint32_t j = 0; j < QUAD && q * QUAD + j < kdim; j++)
                    p[(((size_t)b * quads + q) * BLOCK + c) * QUAD + j] =
                        w[(size_t)(b * BLOCK + c) * kdim + q * QUAD + j];
}

/* The 4 activation bytes of window positions i..i+3, those past kdim as zero
 * (never read past the window: the caller's buffer may end there). */
static inline __m256i bcast_quad(const uint8_t *x, uint32_t i, uint32_t kdim) {
    int32_t v = 0;
    memcpy(&v, x + i, kdim - i >= QUAD ? QUAD : kdim - i);
    return _mm256_set1_epi32(v);
}

/* 8 int32 parameters of channels o0.., zero past n_out. */
static inline __m256i load8(const int32_t *p, uint32_t o0, uint32_t n_out) {
    if (o0 + BLOCK <= n_out) return _mm256_loadu_si256((const __m256i *)(const void *)(p + o0));
    int32_t t[BLOCK] = {0};
    memcpy(t, p + o0, (n_out - o0) * sizeof *t);
    return _mm256_loadu_si256((const __m256i *)(const void *)t);
}

/* The per-channel parts of c2d__requant8 (x86_common.h) for channels o0..,
 * prepared once per block instead of once per row. */
typedef struct rq8 {
    __m256i mult, mult_odd, round_even, round_odd, shift_m32;
} rq8;

static inline rq8 rq8_for(const c2d__conv_args *a, uint32_t o0) {
    const __m256i one = _mm256_set1_epi64x(1);
    const __m256i shift = load8(a->shift, o0, a->n_out);
    rq8 q;
    q.mult = load8(a->mult, o0, a->n_out);
    q.mult_odd = _mm256_srli_epi64(q.mult, 32);
    q.round_even = _mm256_sllv_epi64(
        one, _mm256_sub_epi64(_mm256_and_si256(shift, _mm256_set1_epi64x(0xFFFFFFFF)), one));
    q.round_odd = _mm256_sllv_epi64(one, _mm256_sub_epi64(_mm256_srli_epi64(shift, 32), one));
    q.shift_m32 = _mm256_sub_epi32(shift, _mm256_set1_epi32(32));
    return q;
}

static inline __m256i rq8_apply(const c2d__conv_args *a, __m256i acc, const rq8 *q) {
    const __m256i p_even = _mm256_add_epi64(_mm256_mul_epi32(acc, q->mult), q->round_even);
    const __m256i p_odd =
        _mm256_add_epi64(_mm256_mul_epi32(_mm256_srli_epi64(acc, 32), q->mult_odd), q->round_odd);
    const __m256i hi = _mm256_blend_epi32(_mm256_srli_epi64(p_even, 32), p_odd, 0xAA);
    __m256i v = _mm256_add_epi32(_mm256_srav_epi32(hi, q->shift_m32), _mm256_set1_epi32(a->zp_out));
    v = _mm256_max_epi32(v, _mm256_set1_epi32(a->lo));
    return _mm256_min_epi32(v, _mm256_set1_epi32(255));
}

/* Row r, channels o0.. (accumulators with bias) in ROWS_U8 (requantised with
 * `rq`) or ROWS_I32 mode. */
static inline void emit_row8(const c2d__conv_args *a, uint32_t r, uint32_t o0, __m256i v,
                             const rq8 *rq) {
    const uint32_t n = a->n_out - o0 < BLOCK ? a->n_out - o0 : BLOCK;
    if (a->mode == C2D__CONV_ROWS_U8) {
        const __m256i q = rq8_apply(a, v, rq);
        const __m128i w16 = _mm_packus_epi32(_mm256_castsi256_si128(q), _mm256_extracti128_si256(q, 1));
        const __m128i b8 = _mm_packus_epi16(w16, w16);
        uint8_t *y = a->y + (size_t)r * a->y_stride + o0;
        if (n == BLOCK) {
            _mm_storel_epi64((__m128i *)(void *)y, b8);
        } else {
            uint8_t t[16];
            _mm_storeu_si128((__m128i *)(void *)t, b8);
            memcpy(y, t, n);
        }
    } else {
        int32_t *y = a->y32 + (size_t)r * a->n_out + o0;
        if (n == BLOCK) {
            _mm256_storeu_si256((__m256i *)(void *)y, v);
        } else {
            int32_t t[BLOCK];
            _mm256_storeu_si256((__m256i *)(void *)t, v);
            memcpy(y, t, n * sizeof *t);
        }
    }
}

/* Running max of channels o0.. in y32 (C2D__CONV_MAX_I32). */
static inline void emit_max8(const c2d__conv_args *a, uint32_t o0, __m256i v) {
    int32_t *y = a->y32 + o0;
    if (o0 + BLOCK <= a->n_out) {
        _mm256_storeu_si256((__m256i *)(void *)y,
                            _mm256_max_epi32(_mm256_loadu_si256((const __m256i *)(const void *)y), v));
        return;
    }
    int32_t t[BLOCK];
    _mm256_storeu_si256((__m256i *)(void *)t, v);
    for (uint32_t o = 0; o0 + o < a->n_out; o++)
        if (t[o] > y[o]) y[o] = t[o];
}

/* One tile: rows r0 .. r0+R-1, blocks b0 .. b0+NB-1 (constants after inlining,
 * so the accumulators are registers). */
static inline __attribute__((always_inline)) void tile(const c2d__conv_args *a, const int8_t *wp,
                                                       uint32_t r0, uint32_t b0, const int R,
                                                       const int NB) {
    const uint32_t kdim = a->kdim, quads = (kdim + QUAD - 1) / QUAD, full = kdim / QUAD;
    const size_t wstride = (size_t)quads * BLOCK * QUAD;
    const int8_t *w0 = wp + (size_t)b0 * wstride;
    const uint8_t *x = a->x + (size_t)r0 * a->x_stride;
    const size_t xs = a->x_stride;
    __m256i acc[TILE_ROWS][TILE_BLOCKS];
    UNROLL
    for (int r = 0; r < R; r++)
        UNROLL
        for (int b = 0; b < NB; b++) acc[r][b] = _mm256_setzero_si256();
    for (uint32_t q = 0; q < full; q++) {
        __m256i w[TILE_BLOCKS];
        UNROLL
        for (int b = 0; b < NB; b++)
            w[b] = _mm256_loadu_si256((const __m256i *)(const void *)(w0 + (size_t)b * wstride + (size_t)q * 32));
        UNROLL
        for (int r = 0; r < R; r++) {
            int32_t v;
            memcpy(&v, x + (size_t)r * xs + (size_t)q * QUAD, 4);
            const __m256i xb = _mm256_set1_epi32(v);
            UNROLL
            for (int b = 0; b < NB; b++) acc[r][b] = _mm256_dpbusd_avx_epi32(acc[r][b], xb, w[b]);
        }
    }
    if (full < quads) {
        UNROLL
        for (int r = 0; r < R; r++) {
            const __m256i xb = bcast_quad(x + (size_t)r * xs, full * QUAD, kdim);
            UNROLL
            for (int b = 0; b < NB; b++)
                acc[r][b] = _mm256_dpbusd_avx_epi32(
                    acc[r][b], xb,
                    _mm256_loadu_si256((const __m256i *)(const void *)(w0 + (size_t)b * wstride + (size_t)full * 32)));
        }
    }
    UNROLL
    for (int b = 0; b < NB; b++) {
        const uint32_t o0 = (b0 + (uint32_t)b) * BLOCK;
        const __m256i bias = load8(a->bias, o0, a->n_out);
        if (a->mode == C2D__CONV_MAX_I32) {
            __m256i mx = acc[0][b];
            UNROLL
            for (int r = 1; r < R; r++) mx = _mm256_max_epi32(mx, acc[r][b]);
            emit_max8(a, o0, _mm256_add_epi32(mx, bias));
        } else if (a->mode == C2D__CONV_ROWS_U8) {
            const rq8 q = rq8_for(a, o0);
            UNROLL
            for (int r = 0; r < R; r++)
                emit_row8(a, r0 + (uint32_t)r, o0, _mm256_add_epi32(acc[r][b], bias), &q);
        } else {
            UNROLL
            for (int r = 0; r < R; r++)
                emit_row8(a, r0 + (uint32_t)r, o0, _mm256_add_epi32(acc[r][b], bias), NULL);
        }
    }
}

#define TILE_FN(R, NB) \
    static void tile_##R##_##NB(const c2d__conv_args *a, const int8_t *wp, uint32_t r0, uint32_t b0) { \
        tile(a, wp, r0, b0, R, NB); \
    }
#define TILE_FNS(R) TILE_FN(R, 1) TILE_FN(R, 2) TILE_FN(R, 3)
TILE_FNS(1) TILE_FNS(2) TILE_FNS(3)
#if TILE_ROWS_N == 4
TILE_FNS(4)
#endif

typedef void (*tile_fn)(const c2d__conv_args *a, const int8_t *wp, uint32_t r0, uint32_t b0);
#define TILE_ROW(R) {tile_##R##_1, tile_##R##_2, tile_##R##_3}
static const tile_fn tiles[TILE_ROWS][TILE_BLOCKS] = {TILE_ROW(1), TILE_ROW(2), TILE_ROW(3),
#if TILE_ROWS_N == 4
                                                       TILE_ROW(4)
#endif
};

void c2d__conv1d_s8_avxvnni(const c2d__conv_args *a) {
    const int8_t *wp = (const int8_t *)(const void *)a->wp;
    if (!wp) {
        /* pack into the workspace when it is big enough, else the AVX2 kernel */
        const size_t need = c2d__pack_len_avxvnni(a->n_out, a->kdim);
        if (!a->tmp16 || a->tmp16_len < need) {
            c2d__conv1d_s8_avx2(a);
            return;
        }
        c2d__pack_avxvnni(a->w, a->n_out, a->kdim, a->tmp16);
        wp = (const int8_t *)(const void *)a->tmp16;
    }
    const uint32_t blocks = (a->n_out + BLOCK - 1) / BLOCK;
    for (uint32_t b0 = 0; b0 < blocks; b0 += TILE_BLOCKS) {
        const uint32_t nb = blocks - b0 < TILE_BLOCKS ? blocks - b0 : TILE_BLOCKS;
        uint32_t r0 = 0;
        for (; r0 + TILE_ROWS <= a->n_rows; r0 += TILE_ROWS) tiles[TILE_ROWS - 1][nb - 1](a, wp, r0, b0);
        if (r0 < a->n_rows) tiles[a->n_rows - r0 - 1][nb - 1](a, wp, r0, b0);
    }
}

#if defined(__clang__)
#pragma clang attribute pop
#else
#pragma GCC pop_options
#endif

#else
typedef int c2d__avxvnni_unused; /* ISO C forbids an empty translation unit */
#endif
