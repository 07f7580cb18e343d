/* AVX-512 VNNI Conv1d/dense kernel. vpdpbusd multiplies u8 activations by s8
 * weights and adds groups of four products into int32 with no intermediate
 * saturation, so the result equals the scalar kernel exactly.
 *
 * With weights packed at model load (c2d__pack_avx512vnni): outer-product
 * tiles of up to 6 rows x 4 blocks of 16 output channels (24 zmm
 * accumulators). Per group of 4 input positions the tile broadcasts each row's
 * 4 activation bytes once and issues one 512-bit vpdpbusd per (row, block)
 * against the block's 64 weight bytes; lanes are output channels, so there are
 * no horizontal sums and the outputs are stored 16 channels at a time.
 * Without packed weights: 256-bit dot-product tiles of 4 rows x 2 channels
 * with masked tail loads (the layout of the int8 weights as stored). */
/* tests/cnn_vnni_emu compiles this file for AVX2 CPUs with the 256-bit
 * intrinsics of the unpacked path modelled in C; it defines C2D__VNNI_EMU to
 * leave out the packed path, which only a VNNI CPU can check (test_cnn). */
#ifdef C2D__VNNI_EMU
#include "x86_common.h"
#else
#include "x86_avx512_common.h"

/* ---------------------------------------------------------------- packing */

enum { QUAD = 4, TILE_ROWS = 6, TILE_BLOCKS = 4 };
#define BLOCK C2D__BLOCK16

/* Packed layout, int8 bytes in the int16 buffer the registry hands out:
 * wp[block][quad][channel][4] with block = o / 16, quad = i / 4, zero-filled
 * to a multiple of 16 channels and of 4 window positions. The u8 shift (the
 * activations' +128) is already in the bias (lib/model/cnn.c), so nothing
 * else is needed at run time. */
static size_t packed_bytes(uint32_t n_out, uint32_t kdim) {
    const size_t blocks = ((size_t)n_out + BLOCK - 1) / BLOCK, quads = ((size_t)kdim + QUAD - 1) / QUAD;
    return blocks * quads * BLOCK * QUAD;
}

size_t c2d__pack_len_avx512vnni(uint32_t n_out, uint32_t kdim) {
    return packed_bytes(n_out, kdim) / sizeof(int16_t) + 32; /* + 64 bytes of slack */
}

void c2d__pack_avx512vnni(const int8_t *w, uint32_t n_out, uint32_t kdim, int16_t *dst) {
    int8_t *p = (int8_t *)(void *)dst;
    const uint32_t blocks = (n_out + BLOCK - 1) / BLOCK, quads = (kdim + QUAD - 1) / QUAD;
    memset(p, 0, packed_bytes(n_out, kdim));
    for (uint32_t b = 0; b < blocks; b++)
        for (uint32_t q = 0; q < quads; q++)
            for (uint32_t c = 0; c < BLOCK; c++) {
                const uint32_t o = b * BLOCK + c;
                if (o >= n_out) break;
                for (uint32_t j = 0; j < QUAD && q * QUAD + j < kdim; j++)
                    p[(((size_t)b * quads + q) * BLOCK + c) * QUAD + j] =
                        w[(size_t)o * kdim + q * QUAD + j];
            }
}

/* ----------------------------------------------------- packed outer tiles */

/* The 4 activation bytes of positions 4q..4q+3 of a window, the ones past
 * kdim read as zero (never past the window: the caller's buffer may end). */
static inline __m512i bcast_quad(const uint8_t *x, uint32_t i, uint32_t kdim) {
    int32_t v = 0;
    memcpy(&v, x + i, kdim - i >= QUAD ? QUAD : kdim - i);
    return _mm512_set1_epi32(v);
}

/* One tile: rows r0 .. r0+R-1, blocks b0 .. b0+NB-1. R and NB are constants
 * at every call site, so the accumulator array becomes registers. */
static inline __attribute__((always_inline)) void tile(const c2d__conv_args *a, uint32_t r0,
                                                       uint32_t b0, const int R, const int NB) {
    const uint32_t kdim = a->kdim, quads = (kdim + QUAD - 1) / QUAD, full = kdim / QUAD;
    const int8_t *wp = (const int8_t *)(const void *)a->wp + (size_t)b0 * quads * BLOCK * QUAD;
    const size_t wstride = (size_t)quads * BLOCK * QUAD; /* bytes between blocks */
    const uint8_t *x = a->x + (size_t)r0 * a->x_stride;
    const size_t xs = a->x_stride;
    __m512i acc[TILE_ROWS][TILE_BLOCKS];
    C2D__UNROLL
    for (int r = 0; r < R; r++)
        C2D__UNROLL
        for (int b = 0; b < NB; b++) acc[r][b] = _mm512_setzero_si512();
    for (uint32_t q = 0; q < full; q++) {
        __m512i w[TILE_BLOCKS];
        C2D__UNROLL
        for (int b = 0; b < NB; b++)
            w[b] = _mm512_loadu_si512((const void *)(wp + (size_t)b * wstride + (size_t)q * 64));
        C2D__UNROLL
        for (int r = 0; r < R; r++) {
            int32_t v;
            memcpy(&v, x + (size_t)r * xs + (size_t)q * QUAD, 4);
            const __m512i xb = _mm512_set1_epi32(v);
            C2D__UNROLL
            for (int b = 0; b < NB; b++) acc[r][b] = _mm512_dpbusd_epi32(acc[r][b], xb, w[b]);
        }
    }
    if (full < quads) {
        C2D__UNROLL
        for (int r = 0; r < R; r++) {
            const __m512i xb = bcast_quad(x + (size_t)r * xs, full * QUAD, kdim);
            C2D__UNROLL
            for (int b = 0; b < NB; b++)
                acc[r][b] = _mm512_dpbusd_epi32(
                    acc[r][b], xb,
                    _mm512_loadu_si512((const void *)(wp + (size_t)b * wstride + (size_t)full * 64)));
        }
    }
    C2D__UNROLL
    for (int b = 0; b < NB; b++) {
        const uint32_t o0 = (b0 + (uint32_t)b) * BLOCK;
        const __mmask16 m = c2d__block_mask16(a->n_out, o0);
        const __m512i bias = _mm512_maskz_loadu_epi32(m, a->bias + o0);
        if (a->mode == C2D__CONV_MAX_I32) {
            __m512i mx = _mm512_add_epi32(acc[0][b], bias);
            C2D__UNROLL
            for (int r = 1; r < R; r++) mx = _mm512_max_epi32(mx, _mm512_add_epi32(acc[r][b], bias));
            const __m512i prev = _mm512_maskz_loadu_epi32(m, a->y32 + o0);
            _mm512_mask_storeu_epi32(a->y32 + o0, m, _mm512_max_epi32(prev, mx));
        } else {
            const c2d__rq16 q = c2d__rq16_for(a, o0, m);
            C2D__UNROLL
            for (int r = 0; r < R; r++)
                c2d__emit_row16(a, r0 + (uint32_t)r, o0, m, _mm512_add_epi32(acc[r][b], bias), &q);
        }
    }
}

#define TILE_FN(R, NB) \
    static void tile_##R##_##NB(const c2d__conv_args *a, uint32_t r0, uint32_t b0) { \
        tile(a, r0, b0, R, NB); \
    }
#define TILE_FNS(R) TILE_FN(R, 1) TILE_FN(R, 2) TILE_FN(R, 3) TILE_FN(R, 4)
TILE_FNS(1) TILE_FNS(2) TILE_FNS(3) TILE_FNS(4) TILE_FNS(5) TILE_FNS(6)

typedef void (*tile_fn)(const c2d__conv_args *a, uint32_t r0, uint32_t b0);
#define TILE_ROW(R) {tile_##R##_1, tile_##R##_2, tile_##R##_3, tile_##R##_4}
static const tile_fn tiles[TILE_ROWS][TILE_BLOCKS] = {TILE_ROW(1), TILE_ROW(2), TILE_ROW(3),
                                                       TILE_ROW(4), TILE_ROW(5), TILE_ROW(6)};

static void conv_packed(const c2d__conv_args *a) {
    const uint32_t blocks = (a->n_out + BLOCK - 1) / BLOCK;
    /* block groups outside, rows inside: a group's weights stay in L1 */
    for (uint32_t b0 = 0; b0 < blocks; b0 += TILE_BLOCKS) {
        const uint32_t nb = blocks - b0 < TILE_BLOCKS ? blocks - b0 : TILE_BLOCKS;
        uint32_t r0 = 0;
        for (; r0 + TILE_ROWS <= a->n_rows; r0 += TILE_ROWS) tiles[TILE_ROWS - 1][nb - 1](a, r0, b0);
        if (r0 < a->n_rows) tiles[a->n_rows - r0 - 1][nb - 1](a, r0, b0);
    }
}

#endif /* C2D__VNNI_EMU */

/* ------------------------------------------- unpacked dot-product tiles */

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

static void conv_unpacked(const c2d__conv_args *a) {
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

void c2d__conv1d_s8_avx512vnni(const c2d__conv_args *a) {
#ifndef C2D__VNNI_EMU
    if (a->wp) {
        conv_packed(a);
        return;
    }
#endif
    conv_unpacked(a);
}
