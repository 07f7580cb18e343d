/* AVX2 Conv1d/dense kernel. vpmaddubsw would saturate its int16 pair sums
 * (255*127*2 > 32767), so both operands are widened to int16 and multiplied
 * with vpmaddwd, whose pair sums are exact in int32: the result equals the
 * scalar kernel bit for bit. On Zen 3 this costs the same multiplier uops per
 * MAC as vpmaddubsw followed by the vpmaddwd widening it would need anyway. */
#include <immintrin.h>
#include <string.h>

#include "kernels.h"

#define ROWS 4
#define OUTS 2

static inline __m256i load_u8x16(const uint8_t *p) {
    return _mm256_cvtepu8_epi16(_mm_loadu_si128((const __m128i *)(const void *)p));
}
static inline __m256i load_s8x16(const int8_t *p) {
    return _mm256_cvtepi8_epi16(_mm_loadu_si128((const __m128i *)(const void *)p));
}

/* Sum each of 8 vectors: lane i of the result is the total of v[i]. */
static inline __m256i reduce8(const __m256i v[8]) {
    const __m256i h01 = _mm256_hadd_epi32(v[0], v[1]), h23 = _mm256_hadd_epi32(v[2], v[3]);
    const __m256i h45 = _mm256_hadd_epi32(v[4], v[5]), h67 = _mm256_hadd_epi32(v[6], v[7]);
    const __m256i a = _mm256_hadd_epi32(h01, h23), b = _mm256_hadd_epi32(h45, h67);
    return _mm256_add_epi32(_mm256_permute2x128_si256(a, b, 0x20),
                            _mm256_permute2x128_si256(a, b, 0x31));
}

static inline int32_t hsum(__m256i v) {
    __m128i s = _mm_add_epi32(_mm256_castsi256_si128(v), _mm256_extracti128_si256(v, 1));
    s = _mm_add_epi32(s, _mm_shuffle_epi32(s, 0x4E));
    s = _mm_add_epi32(s, _mm_shuffle_epi32(s, 0xB1));
    return _mm_cvtsi128_si32(s);
}

/* Scalar part of the dot products past the last full 16-byte block. */
static inline int32_t tail_dot(const int8_t *w, const uint8_t *x, uint32_t from, uint32_t kdim) {
    int32_t s = 0;
    for (uint32_t i = from; i < kdim; i++) s += (int32_t)w[i] * (int32_t)x[i];
    return s;
}

/* Requantisation of 8 int32 lanes with per-lane parameters (kernels.h):
 * 64-bit products of even and odd lanes, plus 2^(shift-1), keep the high
 * dword (an arithmetic >> 32), then an arithmetic >> (shift - 32). */
static inline __m256i requant8(__m256i acc, __m256i mult, __m256i shift, __m256i zp, __m256i lo) {
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
static inline __m256i pair(const int32_t *p) {
    int64_t v;
    memcpy(&v, p, sizeof v);
    return _mm256_set1_epi64x(v);
}

static inline void block_4x2(const c2d__conv_args *a, uint32_t r0, uint32_t o0) {
    const uint32_t kdim = a->kdim, kv = kdim & ~15u;
    const uint8_t *x[ROWS];
    const int8_t *w[OUTS];
    for (int r = 0; r < ROWS; r++) x[r] = a->x + (size_t)(r0 + (uint32_t)r) * a->x_stride;
    for (int o = 0; o < OUTS; o++) w[o] = a->w + (size_t)(o0 + (uint32_t)o) * kdim;
    __m256i acc[ROWS * OUTS];
    for (int i = 0; i < ROWS * OUTS; i++) acc[i] = _mm256_setzero_si256();
    for (uint32_t i = 0; i < kv; i += 16) {
        const __m256i w0 = load_s8x16(w[0] + i), w1 = load_s8x16(w[1] + i);
        for (int r = 0; r < ROWS; r++) {
            const __m256i xv = load_u8x16(x[r] + i);
            acc[r * 2] = _mm256_add_epi32(acc[r * 2], _mm256_madd_epi16(xv, w0));
            acc[r * 2 + 1] = _mm256_add_epi32(acc[r * 2 + 1], _mm256_madd_epi16(xv, w1));
        }
    }
    /* lanes: r0o0 r0o1 r1o0 r1o1 r2o0 r2o1 r3o0 r3o1 */
    __m256i sums = _mm256_add_epi32(reduce8(acc), pair(a->bias + o0));
    if (kv != kdim) {
        int32_t t[8];
        for (int r = 0; r < ROWS; r++)
            for (int o = 0; o < OUTS; o++) t[r * 2 + o] = tail_dot(w[o], x[r], kv, kdim);
        sums = _mm256_add_epi32(sums, _mm256_loadu_si256((const __m256i *)(const void *)t));
    }
    switch (a->mode) {
    case C2D__CONV_ROWS_U8: {
        const __m256i v = requant8(sums, pair(a->mult + o0), pair(a->shift + o0),
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

static inline void block_1x1(const c2d__conv_args *a, uint32_t r, uint32_t o) {
    const uint32_t kdim = a->kdim, kv = kdim & ~15u;
    const uint8_t *x = a->x + (size_t)r * a->x_stride;
    const int8_t *w = a->w + (size_t)o * kdim;
    __m256i acc = _mm256_setzero_si256();
    for (uint32_t i = 0; i < kv; i += 16)
        acc = _mm256_add_epi32(acc, _mm256_madd_epi16(load_u8x16(x + i), load_s8x16(w + i)));
    const int32_t s = hsum(acc) + a->bias[o] + tail_dot(w, x, kv, kdim);
    c2d__conv_emit(a, r, o, s);
}

void c2d__conv1d_s8_avx2(const c2d__conv_args *a) {
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
