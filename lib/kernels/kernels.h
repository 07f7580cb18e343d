/* libc2detect internal: the int8 kernels (one file per op x ISA), their shared
 * arithmetic and the registry that feeds dispatch, tests and benchmarks. */
#ifndef C2D_KERNELS_H
#define C2D_KERNELS_H

#include <stddef.h>
#include <stdint.h>

#include "c2detect/common.h"

/* Activations inside the engine are uint8: u = q + 128 for an int8 value q,
 * so the u8 x s8 instructions (vpmaddubsw, vpdpbusd) take them directly. The
 * int8 zero point z becomes z + 128 and the bias absorbs -(z + 128) * sum(w).
 *
 * Requantisation of an int32 accumulator `acc` for output channel o (exact,
 * the same on every ISA; docs/kernels.md):
 *   v = ((int64)acc * mult[o] + 2^(shift[o]-1)) >> shift[o]   (arithmetic shift)
 *   y = clamp(v + zp_out, lo, 255)
 * with 0 <= mult < 2^31 and 32 <= shift <= 62, so the product and the
 * rounding term fit in int64 and v fits in int32. */
#define C2D__SHIFT_MIN 32
#define C2D__SHIFT_MAX 62

static inline uint8_t c2d__requant_u8(int32_t acc, int32_t mult, int32_t shift, int32_t zp_out,
                                      int32_t lo) {
    const int64_t p = (int64_t)acc * mult + ((int64_t)1 << (shift - 1));
    /* >> on a negative int64 is an arithmetic shift with every compiler we
     * support (gcc, clang); the SIMD kernels rely on the same floor division. */
    int32_t v = (int32_t)(p >> shift) + zp_out;
    if (v < lo) v = lo;
    if (v > 255) v = 255;
    return (uint8_t)v;
}

/* What a convolution kernel writes. */
typedef enum c2d__conv_mode {
    C2D__CONV_ROWS_U8 = 0, /* requantised u8 rows: y + r*y_stride, n_out bytes */
    C2D__CONV_MAX_I32 = 1, /* y32[o] = max(y32[o], acc[r][o]) over rows (global max pool;
                              requantisation is monotone, so it is applied once after) */
    C2D__CONV_ROWS_I32 = 2 /* raw accumulators: y32 + r*n_out */
} c2d__conv_mode;

/* One Conv1d (stride 1) as a GEMM over overlapping windows: output row r is
 * acc[r][o] = bias[o] + sum_{i < kdim} w[o*kdim + i] * x[r*x_stride + i].
 * With channels-last activations (x_stride = C_in) and kdim = k*C_in the window
 * of row r is contiguous, so no im2col copy is needed. A dense layer is the
 * case n_rows = 1, kdim = inputs. */
typedef struct c2d__conv_args {
    const uint8_t *x;
    size_t x_stride;
    uint32_t n_rows;
    uint32_t kdim;
    uint32_t n_out;
    const int8_t *w;       /* n_out x kdim, any alignment, values in [-127, 127] */
    const int32_t *bias;   /* n_out, already holds -(zp_in_u8) * sum(w[o]) */
    const int32_t *mult;   /* n_out (ROWS_U8 only) */
    const int32_t *shift;  /* n_out (ROWS_U8 only) */
    int32_t zp_out;        /* u8 domain (ROWS_U8 only) */
    int32_t lo;            /* lower clamp, u8 domain: zp_out with ReLU, else 0 */
    c2d__conv_mode mode;
    uint8_t *y;
    size_t y_stride;
    int32_t *y32;
    /* Optional kernel workspace (in the caller's scratch, 64-byte aligned):
     * tmp16_len int16 elements, at least c2d__conv_tmp16_len(). A kernel may
     * widen the input span and the weights into it once per call instead of
     * once per tile; kernels that do not need it ignore it; NULL is allowed. */
    int16_t *tmp16;
    size_t tmp16_len;
    /* Optional weights already repacked at model load by the kernel set's
     * `pack` (c2d__kernel_set), or NULL: the kernel then repacks per call. */
    const int16_t *wp;
} c2d__conv_args;

/* int16 elements of workspace that let a kernel widen a whole layer: the
 * input span ((n_rows - 1) * x_stride + kdim, plus 2 for an odd last pair) and
 * the weights repacked with channels rounded up to 8 and windows to even. */
static inline size_t c2d__conv_tmp16_len(uint32_t n_rows, size_t x_stride, uint32_t kdim,
                                         uint32_t n_out) {
    return (size_t)(n_rows - 1) * x_stride + kdim + 2 + (((size_t)n_out + 7) & ~(size_t)7) *
                                                           ((size_t)kdim + 1) + 16;
}

/* The part of that workspace that holds the widened input span alone: enough
 * when the weights come packed (c2d__conv_args.wp). */
static inline size_t c2d__conv_tmp16_x_len(uint32_t n_rows, size_t x_stride, uint32_t kdim) {
    return (size_t)(n_rows - 1) * x_stride + kdim + 2 + 16;
}

typedef void (*c2d__conv_fn)(const c2d__conv_args *a);

/* A Conv1d that reads the token embedding directly, folded at model load into
 * a lookup table (lib/model/cnn.c, docs/kernels.md):
 *   table[(v*k + j)*n_out + o] = sum_c w[o*kdim + j*D + c] * u(E[v][c])
 * for every token v, and for v = pad_row (= vocab) the embedding zero point,
 * which is what padding positions hold. Output row r is then
 *   acc[r][o] = bias[o] + sum_{j < k} table[(tok(r + j - pad_l)*k + j)*n_out + o]
 * with tok(p) = pad_row outside [0, seq_len): the same int32 accumulator as the
 * convolution (integer sums are associative), for k*n_out additions per row
 * instead of k*D*n_out multiply-adds. */
typedef struct c2d__fold_args {
    const int32_t *table;
    const uint16_t *tok;  /* seq_len token ids, each < pad_row */
    uint32_t seq_len, pad_row, k, pad_l;
    c2d__conv_args out;   /* n_rows, n_out, bias, mode and the mode's outputs; x, w unused */
} c2d__fold_args;

typedef void (*c2d__fold_fn)(const c2d__fold_args *f);

/* Requantisation of a pooled vector: y[o] = c2d__requant_u8(acc[o], mult[o],
 * shift[o], zp_out, lo) for o < n. */
typedef void (*c2d__requant_fn)(const int32_t *acc, uint32_t n, const int32_t *mult,
                                const int32_t *shift, int32_t zp_out, int32_t lo, uint8_t *y);

/* Weight repacking done once at model load for a kernel set's conv layers:
 * pack_len gives the int16 elements, pack writes them (layout is the kernel's
 * business). Both NULL for sets that read the int8 weights as they are. */
typedef size_t (*c2d__pack_len_fn)(uint32_t n_out, uint32_t kdim);
typedef void (*c2d__pack_fn)(const int8_t *w, uint32_t n_out, uint32_t kdim, int16_t *dst);

/* The table row index of sequence position p (pad_row outside the sequence). */
static inline uint32_t c2d__fold_token(const c2d__fold_args *f, int64_t p) {
    return (p < 0 || p >= (int64_t)f->seq_len) ? f->pad_row : f->tok[p];
}

/* The k table rows output row r adds (rows[j] for window position j). */
static inline void c2d__fold_rows(const c2d__fold_args *f, uint32_t r, const int32_t **rows) {
    for (uint32_t j = 0; j < f->k; j++) {
        const uint32_t v = c2d__fold_token(f, (int64_t)r + j - f->pad_l);
        rows[j] = f->table + ((size_t)v * f->k + j) * f->out.n_out;
    }
}

/* Registry entry: one kernel set per ISA. */
typedef struct c2d__kernel_set {
    const char *name;       /* "conv1d_s8_avx2" */
    c2d_isa isa;
    unsigned cpu_features;  /* C2D_CPU_* bits the kernels need */
    c2d__conv_fn conv;
    c2d__fold_fn fold;
    c2d__pack_len_fn pack_len;
    c2d__pack_fn pack;
    c2d__requant_fn requant;
} c2d__kernel_set;

/* Every kernel set compiled into this build, scalar first. */
extern const c2d__kernel_set c2d__kernel_sets[];
extern const size_t c2d__kernel_set_count;

/* The set for `isa`, or NULL when this build has none for it. Does not look
 * at the CPU: callers check cpu_features. */
const c2d__kernel_set *c2d__kernel_set_for(c2d_isa isa);

void c2d__conv1d_s8_scalar(const c2d__conv_args *a);
void c2d__fold_s8_scalar(const c2d__fold_args *f);
void c2d__requant_s8_scalar(const int32_t *acc, uint32_t n, const int32_t *mult,
                            const int32_t *shift, int32_t zp_out, int32_t lo, uint8_t *y);
#if defined(__x86_64__) || defined(_M_X64)
void c2d__conv1d_s8_avx2(const c2d__conv_args *a);
void c2d__fold_s8_avx2(const c2d__fold_args *f);
void c2d__requant_s8_avx2(const int32_t *acc, uint32_t n, const int32_t *mult,
                          const int32_t *shift, int32_t zp_out, int32_t lo, uint8_t *y);
size_t c2d__pack_len_avx2(uint32_t n_out, uint32_t kdim);
void c2d__pack_avx2(const int8_t *w, uint32_t n_out, uint32_t kdim, int16_t *dst);
void c2d__conv1d_s8_avx512vnni(const c2d__conv_args *a);
size_t c2d__pack_len_avx512vnni(uint32_t n_out, uint32_t kdim);
void c2d__pack_avx512vnni(const int8_t *w, uint32_t n_out, uint32_t kdim, int16_t *dst);
void c2d__fold_s8_avx512vnni(const c2d__fold_args *f);
void c2d__conv1d_s8_avxvnni(const c2d__conv_args *a);
size_t c2d__pack_len_avxvnni(uint32_t n_out, uint32_t kdim);
void c2d__pack_avxvnni(const int8_t *w, uint32_t n_out, uint32_t kdim, int16_t *dst);
#endif
#if defined(__aarch64__)
void c2d__conv1d_s8_neon(const c2d__conv_args *a);
#endif

/* Shared tail handling for the SIMD kernels: emit one accumulator. */
static inline void c2d__conv_emit(const c2d__conv_args *a, uint32_t r, uint32_t o, int32_t acc) {
    switch (a->mode) {
    case C2D__CONV_ROWS_U8:
        a->y[(size_t)r * a->y_stride + o] =
            c2d__requant_u8(acc, a->mult[o], a->shift[o], a->zp_out, a->lo);
        break;
    case C2D__CONV_MAX_I32:
        if (acc > a->y32[o]) a->y32[o] = acc;
        break;
    case C2D__CONV_ROWS_I32:
        a->y32[(size_t)r * a->n_out + o] = acc;
        break;
    }
}

#endif /* C2D_KERNELS_H */
