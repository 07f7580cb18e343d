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

static void widen_u8(int16_t *dst, const uint8_t *src, size_t n) {
    size_t i = 0;
    for (; i + 16 <= n; i += 16) _mm256_storeu_si256((__m256i *)(void *)(dst + i), load_u8x16(src + i));
    for (; i < n; i++) dst[i] = src[i];
}

/* ---- outer-product path (layers with many rows): lanes are 8 consecutive
 * output channels, so there are no horizontal sums. Weights are repacked (at
 * model load by c2d__pack_avx2, else per call into tmp16) into
 * wp[block][pair][channel][2] (int16, zero-padded to 8 channels and an even
 * window) and each row's input pair (x[2p], x[2p+1]) is broadcast:
 * acc[r][block] += vpmaddwd(broadcast(x pair), wp[block][pair]). */
static inline __attribute__((always_inline)) void outer_emit(const c2d__conv_args *a, uint32_t r, uint32_t o0, __m256i v,
                              __m256i *vmax) {
    if (o0 + 8 > a->n_out) { /* channel tail: lane by lane */
        int32_t t[8];
        _mm256_storeu_si256((__m256i *)(void *)t, v);
        for (uint32_t j = 0; o0 + j < a->n_out; j++) c2d__conv_emit(a, r, o0 + j, t[j]);
        return;
    }
    switch (a->mode) {
    case C2D__CONV_ROWS_U8: {
        const __m256i q = c2d__requant8(
            v, _mm256_loadu_si256((const __m256i *)(const void *)(a->mult + o0)),
            _mm256_loadu_si256((const __m256i *)(const void *)(a->shift + o0)),
            _mm256_set1_epi32(a->zp_out), _mm256_set1_epi32(a->lo));
        const __m128i w16 = _mm_packus_epi32(_mm256_castsi256_si128(q), _mm256_extracti128_si256(q, 1));
        _mm_storel_epi64((__m128i *)(void *)(a->y + (size_t)r * a->y_stride + o0),
                         _mm_packus_epi16(w16, w16));
        break;
    }
    case C2D__CONV_MAX_I32:
        *vmax = _mm256_max_epi32(*vmax, v);
        break;
    case C2D__CONV_ROWS_I32:
        _mm256_storeu_si256((__m256i *)(void *)(a->y32 + (size_t)r * a->n_out + o0), v);
        break;
    }
}

static inline __m256i outer_bias(const c2d__conv_args *a, uint32_t o0) {
    if (o0 + 8 <= a->n_out) return _mm256_loadu_si256((const __m256i *)(const void *)(a->bias + o0));
    int32_t t[8] = {0};
    for (uint32_t j = 0; o0 + j < a->n_out; j++) t[j] = a->bias[o0 + j];
    return _mm256_loadu_si256((const __m256i *)(const void *)t);
}

/* The full 4-row x 2-block tile's inner loop in assembly: gcc 12 keeps the
 * eight accumulators of the C loop below in rotating registers and adds eight
 * vmovdqa per pair, which fill the dispatch width this loop needs for its
 * multiplies. Same arithmetic as the C loop: per pair p,
 * acc[r][j] += vpmaddwd(broadcast(x_r[2p], x_r[2p+1]), w_j[p]). */
static inline __attribute__((always_inline)) void tile_4x2_loop(
    const int16_t *x0, size_t x_stride, const int16_t *w0, const int16_t *w1, uint32_t n_pairs,
    __m256i acc[4][2]) {
    __m256i a0 = acc[0][0], a1 = acc[0][1], a2 = acc[1][0], a3 = acc[1][1];
    __m256i a4 = acc[2][0], a5 = acc[2][1], a6 = acc[3][0], a7 = acc[3][1];
    const int16_t *x1 = x0 + x_stride, *x2 = x1 + x_stride, *x3 = x2 + x_stride;
    size_t i = 0;                           /* byte offset into the x rows: 4 per pair */
    const size_t end = (size_t)n_pairs * 4; /* n_pairs >= 1 */
    __asm__("1:\n\t"
            "vmovdqu (%[w0],%[i],8), %%ymm12\n\t"
            "vmovdqu (%[w1],%[i],8), %%ymm13\n\t"
            "vpbroadcastd (%[x0],%[i]), %%ymm14\n\t"
            "vpmaddwd %%ymm12, %%ymm14, %%ymm15\n\t"
            "vpaddd %%ymm15, %[a0], %[a0]\n\t"
            "vpmaddwd %%ymm13, %%ymm14, %%ymm14\n\t"
            "vpaddd %%ymm14, %[a1], %[a1]\n\t"
            "vpbroadcastd (%[x1],%[i]), %%ymm14\n\t"
            "vpmaddwd %%ymm12, %%ymm14, %%ymm15\n\t"
            "vpaddd %%ymm15, %[a2], %[a2]\n\t"
            "vpmaddwd %%ymm13, %%ymm14, %%ymm14\n\t"
            "vpaddd %%ymm14, %[a3], %[a3]\n\t"
            "vpbroadcastd (%[x2],%[i]), %%ymm14\n\t"
            "vpmaddwd %%ymm12, %%ymm14, %%ymm15\n\t"
            "vpaddd %%ymm15, %[a4], %[a4]\n\t"
            "vpmaddwd %%ymm13, %%ymm14, %%ymm14\n\t"
            "vpaddd %%ymm14, %[a5], %[a5]\n\t"
            "vpbroadcastd (%[x3],%[i]), %%ymm14\n\t"
            "vpmaddwd %%ymm12, %%ymm14, %%ymm15\n\t"
            "vpaddd %%ymm15, %[a6], %[a6]\n\t"
            "vpmaddwd %%ymm13, %%ymm14, %%ymm14\n\t"
            "vpaddd %%ymm14, %[a7], %[a7]\n\t"
            "add $4, %[i]\n\t"
            "cmp %[end], %[i]\n\t"
            "jb 1b\n\t"
            : [a0] "+x"(a0), [a1] "+x"(a1), [a2] "+x"(a2), [a3] "+x"(a3), [a4] "+x"(a4),
              [a5] "+x"(a5), [a6] "+x"(a6), [a7] "+x"(a7), [i] "+r"(i)
            : [x0] "r"(x0), [x1] "r"(x1), [x2] "r"(x2), [x3] "r"(x3), [w0] "r"(w0),
              [w1] "r"(w1), [end] "r"(end)
            : "xmm12", "xmm13", "xmm14", "xmm15", "cc", "memory");
    acc[0][0] = a0, acc[0][1] = a1, acc[1][0] = a2, acc[1][1] = a3;
    acc[2][0] = a4, acc[2][1] = a5, acc[3][0] = a6, acc[3][1] = a7;
}

/* Up to 4 rows x 2 channel blocks; nr, nb are compile-time constants after inlining. */
static inline __attribute__((always_inline)) void outer_tile(
    const c2d__conv_args *a, const int16_t *x16, const int16_t *wp, uint32_t n_pairs,
    uint32_t r0, uint32_t b0, const int nr, const int nb, __m256i *vmax) {
    __m256i acc[4][2];
    const int16_t *x[4];
    const int16_t *w[2];
    for (int j = 0; j < nb; j++) {
        const __m256i bias = outer_bias(a, (b0 + (uint32_t)j) * 8);
        w[j] = wp + (size_t)(b0 + (uint32_t)j) * n_pairs * 16;
        for (int r = 0; r < nr; r++) acc[r][j] = bias;
    }
    for (int r = 0; r < nr; r++) x[r] = x16 + (size_t)(r0 + (uint32_t)r) * a->x_stride;
    if (nr == 4 && nb == 2) {
        tile_4x2_loop(x[0], a->x_stride, w[0], w[1], n_pairs, acc);
    } else {
    for (uint32_t p = 0; p < n_pairs; p++) {
        __m256i wv[2];
        for (int j = 0; j < nb; j++)
            wv[j] = _mm256_loadu_si256((const __m256i *)(const void *)(w[j] + (size_t)p * 16));
        for (int r = 0; r < nr; r++) {
            int32_t pairv;
            memcpy(&pairv, x[r] + 2 * (size_t)p, sizeof pairv);
            const __m256i xv = _mm256_set1_epi32(pairv);
            for (int j = 0; j < nb; j++)
                acc[r][j] = _mm256_add_epi32(acc[r][j], _mm256_madd_epi16(xv, wv[j]));
        }
    }
    }
    for (int j = 0; j < nb; j++)
        for (int r = 0; r < nr; r++)
            outer_emit(a, r0 + (uint32_t)r, (b0 + (uint32_t)j) * 8, acc[r][j], &vmax[j]);
}

size_t c2d__pack_len_avx2(uint32_t n_out, uint32_t kdim) {
    return (((size_t)n_out + 7) / 8) * (((size_t)kdim + 1) / 2) * 16;
}

/* wp[block][pair][channel][2], int16, zero-padded to 8 channels and an even window. */
void c2d__pack_avx2(const int8_t *w, uint32_t n_out, uint32_t kdim, int16_t *wp) {
    const uint32_t n_pairs = (kdim + 1) / 2, n_blocks = (n_out + 7) / 8;
    for (uint32_t b = 0; b < n_blocks; b++)
        for (uint32_t p = 0; p < n_pairs; p++)
            for (uint32_t j = 0; j < 8; j++)
                for (uint32_t t = 0; t < 2; t++) {
                    const uint32_t o = b * 8 + j, k = 2 * p + t;
                    wp[(((size_t)b * n_pairs + p) * 8 + j) * 2 + t] =
                        (int16_t)(o < n_out && k < kdim ? w[(size_t)o * kdim + k] : 0);
                }
}

static void conv_outer(const c2d__conv_args *a) {
    const uint32_t kdim = a->kdim, n_pairs = (kdim + 1) / 2, n_blocks = (a->n_out + 7) / 8;
    const size_t span = (size_t)(a->n_rows - 1) * a->x_stride + kdim;
    int16_t *x16 = a->tmp16;
    const int16_t *wp = a->wp;
    widen_u8(x16, a->x, span);
    x16[span] = x16[span + 1] = 0; /* read (times a zero weight) by an odd last pair */
    if (!wp) {
        c2d__pack_avx2(a->w, a->n_out, kdim, a->tmp16 + span + 2);
        wp = a->tmp16 + span + 2;
    }
    const uint32_t rows_main = a->n_rows & ~3u, blocks_main = n_blocks & ~1u;
    for (uint32_t b = 0; b < n_blocks; b += 2) {
        __m256i vmax[2] = {_mm256_set1_epi32(INT32_MIN), _mm256_set1_epi32(INT32_MIN)};
        if (b < blocks_main) {
            for (uint32_t r = 0; r < rows_main; r += 4) outer_tile(a, x16, wp, n_pairs, r, b, 4, 2, vmax);
            for (uint32_t r = rows_main; r < a->n_rows; r++) outer_tile(a, x16, wp, n_pairs, r, b, 1, 2, vmax);
        } else {
            for (uint32_t r = 0; r < rows_main; r += 4) outer_tile(a, x16, wp, n_pairs, r, b, 4, 1, vmax);
            for (uint32_t r = rows_main; r < a->n_rows; r++) outer_tile(a, x16, wp, n_pairs, r, b, 1, 1, vmax);
        }
        if (a->mode == C2D__CONV_MAX_I32) {
            for (uint32_t j = 0; j < 2 && b + j < n_blocks; j++) {
                const uint32_t o0 = (b + j) * 8;
                if (o0 + 8 > a->n_out) continue; /* the tail went through c2d__conv_emit */
                __m256i *dst = (__m256i *)(void *)(a->y32 + o0);
                _mm256_storeu_si256(dst, _mm256_max_epi32(_mm256_loadu_si256(dst), vmax[j]));
            }
        }
    }
}

void c2d__conv1d_s8_avx2(const c2d__conv_args *a) {
    /* outer products for layers with many rows, and for any layer (dense
     * ones too) whose weights were packed at load */
    if (a->tmp16 &&
        ((a->wp && a->tmp16_len >= c2d__conv_tmp16_x_len(a->n_rows, a->x_stride, a->kdim)) ||
         (a->n_rows >= 16 &&
          a->tmp16_len >= c2d__conv_tmp16_len(a->n_rows, a->x_stride, a->kdim, a->n_out)))) {
        conv_outer(a);
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

/* ---- folded first convolution (kernels.h, c2d__fold_args).
 *
 * Row r's window is the k positions ending at q = r + k - 1 - pad_l. `run`
 * counts how many positions up to q hold the same token: when run > k the
 * window lies in a run of one token that also covers row r - 1's window (e.g.
 * the padding of a short input), so row r has row r - 1's accumulators. */
typedef struct fold_run {
    int64_t q, run;
    uint32_t v_last;
} fold_run;

static inline fold_run fold_run_start(const c2d__fold_args *f) {
    fold_run t = {(int64_t)f->k - 1 - (int64_t)f->pad_l, 1, 0};
    t.v_last = c2d__fold_token(f, t.q);
    while (t.run < (int64_t)f->k && c2d__fold_token(f, t.q - t.run) == t.v_last) t.run++;
    return t;
}

/* Moves to the next row; returns 1 when that row repeats the previous one. */
static inline int fold_run_next(const c2d__fold_args *f, fold_run *t) {
    const uint32_t v = c2d__fold_token(f, ++t->q);
    t->run = v == t->v_last ? t->run + 1 : 1;
    t->v_last = v;
    return t->run > (int64_t)f->k;
}

/* Row outputs (ROWS_U8 / ROWS_I32, a branch with more layers): per row, k table
 * rows added in blocks of 8 channels, up to 4 blocks at a time (nb is a
 * compile-time constant after inlining); a repeated row re-emits the previous
 * accumulators without summing. */
static inline __attribute__((always_inline)) void fold_rows_group(const c2d__fold_args *f,
                                                                  uint32_t o0, const int nb) {
    const c2d__conv_args *a = &f->out;
    __m256i bias[4], acc[4], unused_max[4];
    for (int b = 0; b < nb; b++) bias[b] = outer_bias(a, o0 + 8 * (uint32_t)b);
    const int32_t *rows[8];
    fold_run t = fold_run_start(f);
    for (uint32_t r = 0; r < a->n_rows; r++) {
        if (r == 0 || !fold_run_next(f, &t)) {
            c2d__fold_rows(f, r, rows);
            for (int b = 0; b < nb; b++) acc[b] = bias[b];
            for (uint32_t j = 0; j < f->k; j++)
                for (int b = 0; b < nb; b++)
                    acc[b] = _mm256_add_epi32(
                        acc[b],
                        _mm256_loadu_si256((const __m256i *)(const void *)(rows[j] + o0 + 8 * b)));
        }
        for (int b = 0; b < nb; b++)
            outer_emit(a, r, o0 + 8 * (uint32_t)b, acc[b], &unused_max[b]);
    }
}

static void fold_rows_out(const c2d__fold_args *f) {
    const uint32_t full = f->out.n_out / 8;
    uint32_t b = 0;
    for (; b + 4 <= full; b += 4) fold_rows_group(f, b * 8, 4);
    switch (full - b) {
    case 3: fold_rows_group(f, b * 8, 3); break;
    case 2: fold_rows_group(f, b * 8, 2); break;
    case 1: fold_rows_group(f, b * 8, 1); break;
    default: break;
    }
}

/* Max-pool mode, the usual case (a branch of one convolution): per kept row,
 * the sums of two channel blocks at a time go straight into the running maxima
 * in y32; a repeated row adds nothing to a maximum. K is a compile-time
 * constant after inlining (fold_max dispatches on it), so the window loop
 * unrolls and the table row pointers stay in registers. */
static inline __attribute__((always_inline)) void fold_max_k(const c2d__fold_args *f,
                                                             const int K) {
    const c2d__conv_args *a = &f->out;
    const uint32_t full = a->n_out / 8;
    const int32_t *rows[8];
    fold_run t = fold_run_start(f);
    for (uint32_t r = 0; r < a->n_rows; r++) {
        if (r > 0 && fold_run_next(f, &t)) continue;
        c2d__fold_rows(f, r, rows);
        uint32_t b = 0;
        for (; b + 2 <= full; b += 2) {
            __m256i s0 = _mm256_loadu_si256((const __m256i *)(const void *)(a->bias + 8 * b));
            __m256i s1 = _mm256_loadu_si256((const __m256i *)(const void *)(a->bias + 8 * b + 8));
            for (int j = 0; j < K; j++) {
                s0 = _mm256_add_epi32(s0, _mm256_loadu_si256((const __m256i *)(const void *)(rows[j] + 8 * b)));
                s1 = _mm256_add_epi32(s1, _mm256_loadu_si256((const __m256i *)(const void *)(rows[j] + 8 * b + 8)));
            }
            __m256i *d = (__m256i *)(void *)(a->y32 + 8 * b);
            _mm256_storeu_si256(d, _mm256_max_epi32(_mm256_loadu_si256(d), s0));
            _mm256_storeu_si256(d + 1, _mm256_max_epi32(_mm256_loadu_si256(d + 1), s1));
        }
        if (b < full) {
            __m256i s0 = _mm256_loadu_si256((const __m256i *)(const void *)(a->bias + 8 * b));
            for (int j = 0; j < K; j++)
                s0 = _mm256_add_epi32(s0, _mm256_loadu_si256((const __m256i *)(const void *)(rows[j] + 8 * b)));
            __m256i *d = (__m256i *)(void *)(a->y32 + 8 * b);
            _mm256_storeu_si256(d, _mm256_max_epi32(_mm256_loadu_si256(d), s0));
        }
    }
}

static void fold_max(const c2d__fold_args *f) {
    switch (f->k) {
    case 1: fold_max_k(f, 1); break;
    case 2: fold_max_k(f, 2); break;
    case 3: fold_max_k(f, 3); break;
    case 4: fold_max_k(f, 4); break;
    case 5: fold_max_k(f, 5); break;
    case 6: fold_max_k(f, 6); break;
    default: fold_max_k(f, 7); break; /* k <= 7 (MAX_KERNEL) */
    }
}

void c2d__requant_s8_avx2(const int32_t *acc, uint32_t n, const int32_t *mult,
                          const int32_t *shift, int32_t zp_out, int32_t lo, uint8_t *y) {
    uint32_t o = 0;
    const __m256i zp = _mm256_set1_epi32(zp_out), lov = _mm256_set1_epi32(lo);
    for (; o + 8 <= n; o += 8) {
        const __m256i q = c2d__requant8(
            _mm256_loadu_si256((const __m256i *)(const void *)(acc + o)),
            _mm256_loadu_si256((const __m256i *)(const void *)(mult + o)),
            _mm256_loadu_si256((const __m256i *)(const void *)(shift + o)), zp, lov);
        const __m128i w16 = _mm_packus_epi32(_mm256_castsi256_si128(q), _mm256_extracti128_si256(q, 1));
        _mm_storel_epi64((__m128i *)(void *)(y + o), _mm_packus_epi16(w16, w16));
    }
    for (; o < n; o++) y[o] = c2d__requant_u8(acc[o], mult[o], shift[o], zp_out, lo);
}

void c2d__fold_s8_avx2(const c2d__fold_args *f) {
    const c2d__conv_args *a = &f->out;
    if (a->mode == C2D__CONV_MAX_I32)
        fold_max(f);
    else
        fold_rows_out(f);
    const uint32_t full = a->n_out / 8;
    if (full * 8 == a->n_out) return;
    const int32_t *rows[8]; /* channels past the last full block, every row */
    for (uint32_t r = 0; r < a->n_rows; r++) {
        c2d__fold_rows(f, r, rows);
        for (uint32_t o = full * 8; o < a->n_out; o++) {
            int32_t acc = a->bias[o];
            for (uint32_t j = 0; j < f->k; j++) acc += rows[j][o];
            c2d__conv_emit(a, r, o, acc);
        }
    }
}
