/* AVX-512 folded first convolution (kernels.h, c2d__fold_args): per output
 * row, the k table rows of its window added 16 channels per zmm, up to 4
 * blocks (64 channels) per pass, channel tails by masked loads; the same int32
 * sums as the scalar fold kernel. A row whose window lies in a run of one
 * token (the padding of a short input) repeats the previous row's sums, so it
 * is not summed again, and under a global max pool it is skipped. The
 * AVX2 fold kernel is bound by its 8-lane adds and per-8-channel requantisation
 * once vpdpbusd makes the convolution itself cheap. */
#include "x86_avx512_common.h"

#define BLOCK C2D__BLOCK16
enum { GROUP = 4 };

static inline const __m512i *row_at(const int32_t *row, uint32_t o0) {
    return (const __m512i *)(const void *)(row + o0);
}

/* Blocks b0 .. b0+NB-1 of every row, window length K (both constants after
 * inlining). `run` counts the equal tokens ending at the window's last
 * position q = r + K - 1 - pad_l; more than K means row r repeats row r - 1. */
static inline __attribute__((always_inline)) void fold_group(const c2d__fold_args *f, uint32_t b0,
                                                             const int NB, const int K) {
    const c2d__conv_args *a = &f->out;
    __m512i bias[GROUP], acc[GROUP], mx[GROUP];
    __mmask16 m[GROUP];
    c2d__rq16 q16[GROUP];
    C2D__UNROLL
    for (int b = 0; b < NB; b++) {
        m[b] = c2d__block_mask16(a->n_out, (b0 + (uint32_t)b) * BLOCK);
        bias[b] = _mm512_maskz_loadu_epi32(m[b], a->bias + (b0 + (uint32_t)b) * BLOCK);
        mx[b] = _mm512_set1_epi32(INT32_MIN);
        /* mult and shift are only given for u8 rows */
        q16[b] = a->mode == C2D__CONV_ROWS_U8
                     ? c2d__rq16_for(a, (b0 + (uint32_t)b) * BLOCK, m[b])
                     : c2d__rq16_prep(_mm512_setzero_si512(), _mm512_setzero_si512(), 0, 0);
        acc[b] = bias[b];
    }
    int64_t q = (int64_t)K - 1 - (int64_t)f->pad_l, run = 1;
    uint32_t v_last = c2d__fold_token(f, q);
    while (run < K && c2d__fold_token(f, q - run) == v_last) run++;
    for (uint32_t r = 0; r < a->n_rows; r++, q++) {
        if (r) {
            const uint32_t v = c2d__fold_token(f, q);
            run = v == v_last ? run + 1 : 1;
            v_last = v;
        }
        const int repeat = r && run > K;
        if (!repeat) {
            const int32_t *rows[8];
            c2d__fold_rows(f, r, rows);
            C2D__UNROLL
            for (int b = 0; b < NB; b++) {
                const uint32_t o0 = (b0 + (uint32_t)b) * BLOCK;
                __m512i s = _mm512_add_epi32(bias[b], _mm512_maskz_loadu_epi32(m[b], row_at(rows[0], o0)));
                C2D__UNROLL
                for (int j = 1; j < K; j++)
                    s = _mm512_add_epi32(s, _mm512_maskz_loadu_epi32(m[b], row_at(rows[j], o0)));
                acc[b] = s;
            }
        } else if (a->mode == C2D__CONV_MAX_I32) {
            continue;
        }
        C2D__UNROLL
        for (int b = 0; b < NB; b++) {
            if (a->mode == C2D__CONV_MAX_I32)
                mx[b] = _mm512_max_epi32(mx[b], acc[b]);
            else
                c2d__emit_row16(a, r, (b0 + (uint32_t)b) * BLOCK, m[b], acc[b], &q16[b]);
        }
    }
    if (a->mode == C2D__CONV_MAX_I32) {
        C2D__UNROLL
        for (int b = 0; b < NB; b++) {
            int32_t *d = a->y32 + (b0 + (uint32_t)b) * BLOCK;
            _mm512_mask_storeu_epi32(d, m[b], _mm512_max_epi32(_mm512_maskz_loadu_epi32(m[b], d), mx[b]));
        }
    }
}

#define FOLD_FN(NB, K) \
    static void fold_##NB##_##K(const c2d__fold_args *f, uint32_t b0) { fold_group(f, b0, NB, K); }
#define FOLD_FNS(NB) \
    FOLD_FN(NB, 1) FOLD_FN(NB, 2) FOLD_FN(NB, 3) FOLD_FN(NB, 4) FOLD_FN(NB, 5) FOLD_FN(NB, 6) \
    FOLD_FN(NB, 7)
FOLD_FNS(1) FOLD_FNS(2) FOLD_FNS(3) FOLD_FNS(4)

typedef void (*fold_fn)(const c2d__fold_args *f, uint32_t b0);
#define FOLD_ROW(NB) {fold_##NB##_1, fold_##NB##_2, fold_##NB##_3, fold_##NB##_4, \
                      fold_##NB##_5, fold_##NB##_6, fold_##NB##_7}
static const fold_fn folds[GROUP][7] = {FOLD_ROW(1), FOLD_ROW(2), FOLD_ROW(3), FOLD_ROW(4)};

void c2d__fold_s8_avx512vnni(const c2d__fold_args *f) {
    const uint32_t blocks = (f->out.n_out + BLOCK - 1) / BLOCK;
    /* k <= 7 (the engine's MAX_KERNEL) */
    for (uint32_t b0 = 0; b0 < blocks; b0 += GROUP) {
        const uint32_t nb = blocks - b0 < GROUP ? blocks - b0 : GROUP;
        folds[nb - 1][f->k - 1](f, b0);
    }
}
