/* AVX2 Conv1d/dense kernel. vpmaddubsw would saturate its int16 pair sums
 * (255*127*2 > 32767), so both operands are widened to int16 and multiplied
 * with vpmaddwd, whose pair sums are exact in int32: the result equals the
 * scalar kernel bit for bit. On Zen 3 this costs the same multiplier uops per
 * MAC as vpmaddubsw followed by the vpmaddwd widening it would need anyway. */
#include "x86_common.h"

#define ROWS 4
#define OUTS 2

static inline __m256i load_u8x16(const uint8_t *p) {
    return _mm256_cvtepu8_epi16(_mm_loadu_si128((const __m128i *)(const void *)p));
}
static inline __m256i load_s8x16(const int8_t *p) {
    return _mm256_cvtepi8_epi16(_mm_loadu_si128((const __m128i *)(const void *)p));
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

static inline void block_4x2(const c2d__conv_args *a, uint32_t r0, uint32_t o0) {
    const uint32_t kdim = a->kdim, kv = kdim & ~15u;
    const uint8_t *x[ROWS];
    const int8_t *w[OUTS];
    for (int r = 0; r < ROWS; r++) x[r] = a->x + (size_t)(r0 + (uint32_t)r) * a->x_stride;
    for (int o = 0; o < OUTS; o++) w[o] = a->w + (size_t)(o0 + (uint32_t)o) * kdim;
    __m256i a00 = _mm256_setzero_si256(), a01 = a00, a10 = a00, a11 = a00, a20 = a00,
            a21 = a00, a30 = a00, a31 = a00;
    for (uint32_t i = 0; i < kv; i += 16) {
        const __m256i w0 = load_s8x16(w[0] + i), w1 = load_s8x16(w[1] + i);
        __m256i xv = load_u8x16(x[0] + i);
        a00 = _mm256_add_epi32(a00, _mm256_madd_epi16(xv, w0));
        a01 = _mm256_add_epi32(a01, _mm256_madd_epi16(xv, w1));
        xv = load_u8x16(x[1] + i);
        a10 = _mm256_add_epi32(a10, _mm256_madd_epi16(xv, w0));
        a11 = _mm256_add_epi32(a11, _mm256_madd_epi16(xv, w1));
        xv = load_u8x16(x[2] + i);
        a20 = _mm256_add_epi32(a20, _mm256_madd_epi16(xv, w0));
        a21 = _mm256_add_epi32(a21, _mm256_madd_epi16(xv, w1));
        xv = load_u8x16(x[3] + i);
        a30 = _mm256_add_epi32(a30, _mm256_madd_epi16(xv, w0));
        a31 = _mm256_add_epi32(a31, _mm256_madd_epi16(xv, w1));
    }
    /* lanes: r0o0 r0o1 r1o0 r1o1 r2o0 r2o1 r3o0 r3o1 */
    __m256i sums = _mm256_add_epi32(c2d__reduce8(a00, a01, a10, a11, a20, a21, a30, a31),
                                    c2d__pair(a->bias + o0));
    if (kv != kdim) {
        int32_t t[8];
        for (int r = 0; r < ROWS; r++)
            for (int o = 0; o < OUTS; o++) t[r * 2 + o] = tail_dot(w[o], x[r], kv, kdim);
        sums = _mm256_add_epi32(sums, _mm256_loadu_si256((const __m256i *)(const void *)t));
    }
    c2d__emit_4x2(a, r0, o0, sums);
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

/* The same tile on int16 copies (x16: the input span, w16: the weights, both
 * widened once per call), so the inner loop has no widening shuffles. */
static inline void block_4x2_i16(const c2d__conv_args *a, const int16_t *x16, const int16_t *w16,
                                 uint32_t r0, uint32_t o0) {
    const uint32_t kdim = a->kdim, kv = kdim & ~15u;
    const int16_t *x0 = x16 + (size_t)r0 * a->x_stride, *x1 = x0 + a->x_stride;
    const int16_t *x2 = x1 + a->x_stride, *x3 = x2 + a->x_stride;
    const int16_t *w0p = w16 + (size_t)o0 * kdim, *w1p = w0p + kdim;
    __m256i a00 = _mm256_setzero_si256(), a01 = a00, a10 = a00, a11 = a00, a20 = a00,
            a21 = a00, a30 = a00, a31 = a00;
#define LD(p) _mm256_loadu_si256((const __m256i *)(const void *)(p))
    for (uint32_t i = 0; i < kv; i += 16) {
        const __m256i w0 = LD(w0p + i), w1 = LD(w1p + i);
        __m256i xv = LD(x0 + i);
        a00 = _mm256_add_epi32(a00, _mm256_madd_epi16(xv, w0));
        a01 = _mm256_add_epi32(a01, _mm256_madd_epi16(xv, w1));
        xv = LD(x1 + i);
        a10 = _mm256_add_epi32(a10, _mm256_madd_epi16(xv, w0));
        a11 = _mm256_add_epi32(a11, _mm256_madd_epi16(xv, w1));
        xv = LD(x2 + i);
        a20 = _mm256_add_epi32(a20, _mm256_madd_epi16(xv, w0));
        a21 = _mm256_add_epi32(a21, _mm256_madd_epi16(xv, w1));
        xv = LD(x3 + i);
        a30 = _mm256_add_epi32(a30, _mm256_madd_epi16(xv, w0));
        a31 = _mm256_add_epi32(a31, _mm256_madd_epi16(xv, w1));
    }
#undef LD
    __m256i sums = _mm256_add_epi32(c2d__reduce8(a00, a01, a10, a11, a20, a21, a30, a31),
                                    c2d__pair(a->bias + o0));
    if (kv != kdim) {
        const int16_t *xs[4] = {x0, x1, x2, x3}, *ws[2] = {w0p, w1p};
        int32_t t[8];
        for (int r = 0; r < ROWS; r++)
            for (int o = 0; o < OUTS; o++) {
                int32_t d = 0;
                for (uint32_t i = kv; i < kdim; i++) d += (int32_t)ws[o][i] * (int32_t)xs[r][i];
                t[r * 2 + o] = d;
            }
        sums = _mm256_add_epi32(sums, _mm256_loadu_si256((const __m256i *)(const void *)t));
    }
    c2d__emit_4x2(a, r0, o0, sums);
}

static void widen_u8(int16_t *dst, const uint8_t *src, size_t n) {
    size_t i = 0;
    for (; i + 16 <= n; i += 16) _mm256_storeu_si256((__m256i *)(void *)(dst + i), load_u8x16(src + i));
    for (; i < n; i++) dst[i] = src[i];
}
static void widen_s8(int16_t *dst, const int8_t *src, size_t n) {
    size_t i = 0;
    for (; i + 16 <= n; i += 16) _mm256_storeu_si256((__m256i *)(void *)(dst + i), load_s8x16(src + i));
    for (; i < n; i++) dst[i] = src[i];
}

void c2d__conv1d_s8_avx2(const c2d__conv_args *a) {
    /* Widening once per call pays off when each weight is reused over many rows. */
    if (a->tmp16 && a->n_rows >= 16 && a->n_out >= OUTS &&
        a->tmp16_len >= c2d__conv_tmp16_len(a->n_rows, a->x_stride, a->kdim, a->n_out)) {
        const size_t span = (size_t)(a->n_rows - 1) * a->x_stride + a->kdim;
        int16_t *x16 = a->tmp16, *w16 = a->tmp16 + span;
        widen_u8(x16, a->x, span);
        widen_s8(w16, a->w, (size_t)a->n_out * a->kdim);
        const uint32_t rows_main = a->n_rows - a->n_rows % ROWS;
        const uint32_t outs_main = a->n_out - a->n_out % OUTS;
        for (uint32_t r = 0; r < rows_main; r += ROWS) {
            for (uint32_t o = 0; o < outs_main; o += OUTS) block_4x2_i16(a, x16, w16, r, o);
            for (uint32_t o = outs_main; o < a->n_out; o++)
                for (uint32_t rr = r; rr < r + ROWS; rr++) block_1x1(a, rr, o);
        }
        for (uint32_t r = rows_main; r < a->n_rows; r++)
            for (uint32_t o = 0; o < a->n_out; o++) block_1x1(a, r, o);
        return;
    }
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
