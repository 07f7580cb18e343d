/* Shared by tests/test_cnn.c and the NEON runner (tests/cnn_neon/): every
 * kernel against the scalar reference on random and extreme inputs. Plain C,
 * no test framework, so it also builds for aarch64 without cmocka. */
#ifndef C2D_TEST_CNN_CHECK_H
#define C2D_TEST_CNN_CHECK_H

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "kernels/kernels.h"

/* ------------------------------------------------------------ utilities */
static uint64_t rng_state = 0x9E3779B97F4A7C15u;
static uint32_t rnd(void) {
    rng_state ^= rng_state << 13;
    rng_state ^= rng_state >> 7;
    rng_state ^= rng_state << 17;
    return (uint32_t)(rng_state >> 11);
}
static int32_t rnd_range(int32_t lo, int32_t hi) { /* inclusive */
    return (int32_t)((int64_t)lo + (int64_t)(rnd() % ((uint32_t)((int64_t)hi - lo) + 1u)));
}

static uint8_t *read_all(const char *path, size_t *len) {
    FILE *f = fopen(path, "rb");
    if (!f) return NULL;
    fseek(f, 0, SEEK_END);
    long n = ftell(f);
    fseek(f, 0, SEEK_SET);
    uint8_t *b = malloc((size_t)n + 1);
    if (b && fread(b, 1, (size_t)n, f) != (size_t)n) {
        free(b);
        b = NULL;
    }
    fclose(f);
    *len = (size_t)n;
    return b;
}

/* Outputs that differ between two runs of one mode (u8 rows, the n_out
 * pooled maxima, or int32 rows). */
static size_t count_diffs(c2d__conv_mode mode, const uint8_t *y0, const uint8_t *y1,
                          const int32_t *z0, const int32_t *z1, size_t ylen, uint32_t n_out) {
    size_t diff = 0;
    if (mode == C2D__CONV_ROWS_U8) {
        for (size_t i = 0; i < ylen; i++) diff += y0[i] != y1[i];
    } else {
        const size_t n = mode == C2D__CONV_MAX_I32 ? n_out : ylen;
        for (size_t i = 0; i < n; i++) diff += z0[i] != z1[i];
    }
    return diff;
}

typedef struct conv_case {
    uint32_t n_rows, k, cin, n_out;
    int extreme; /* 0 random, 1 all max, 2 all min, 3 mixed ends */
} conv_case;

/* Runs `ks` and the scalar kernel on one case in every mode; returns the
 * number of differing outputs. */
static size_t compare_case(const c2d__kernel_set *ks, const conv_case *c) {
    const uint32_t kdim = c->k * c->cin;
    const size_t xlen = ((size_t)c->n_rows + c->k - 1) * c->cin;
    uint8_t *x = malloc(xlen);
    int8_t *w = malloc((size_t)c->n_out * kdim);
    int32_t *bias = malloc(c->n_out * sizeof *bias), *mult = malloc(c->n_out * sizeof *mult);
    int32_t *shift = malloc(c->n_out * sizeof *shift);
    const size_t ylen = (size_t)c->n_rows * c->n_out;
    uint8_t *y0 = malloc(ylen), *y1 = malloc(ylen);
    int32_t *z0 = malloc(ylen * sizeof *z0), *z1 = malloc(ylen * sizeof *z1);
    /* the optional workspace, given to most calls (kernels must work without it) */
    const size_t tmp_len = c2d__conv_tmp16_len(c->n_rows, c->cin, kdim, c->n_out);
    int16_t *tmp = malloc(tmp_len * sizeof *tmp);
    int16_t *packed = NULL; /* the set's load-time weight layout, when it has one */
    for (size_t i = 0; i < xlen; i++)
        x[i] = c->extreme == 1 ? 255 : c->extreme == 2 ? 0 : c->extreme == 3 ? (rnd() & 1) * 255
                                                                                : (uint8_t)rnd();
    for (size_t i = 0; i < (size_t)c->n_out * kdim; i++)
        w[i] = (int8_t)(c->extreme == 1 ? 127 : c->extreme == 2 ? -127
                        : c->extreme == 3 ? ((rnd() & 1) ? 127 : -127) : rnd_range(-127, 127));
    for (uint32_t o = 0; o < c->n_out; o++) {
        bias[o] = c->extreme ? ((o & 1) ? (1 << 30) : -(1 << 30)) : rnd_range(-100000, 100000);
        mult[o] = o % 3 == 0 ? INT32_MAX : rnd_range(0, INT32_MAX);
        shift[o] = o % 4 == 0 ? C2D__SHIFT_MAX : o % 4 == 1 ? C2D__SHIFT_MIN : rnd_range(32, 50);
    }
    if (ks->pack) {
        packed = malloc(ks->pack_len(c->n_out, kdim) * sizeof *packed);
        ks->pack(w, c->n_out, kdim, packed);
    }
    size_t diff = 0;
    for (int mode = 0; mode < 3; mode++) {
        c2d__conv_args a = {.x = x, .x_stride = c->cin, .n_rows = c->n_rows, .kdim = kdim,
                            .n_out = c->n_out, .w = w, .bias = bias, .mult = mult,
                            .shift = shift, .zp_out = mode == 0 ? 0 : 255,
                            .lo = (int32_t)(rnd() % 256), .mode = (c2d__conv_mode)mode,
                            .y_stride = c->n_out,
                            .tmp16 = (rnd() % 4) ? tmp : NULL, .tmp16_len = tmp_len};
        if (a.lo > a.zp_out && mode == 0) a.lo = 0;
        c2d__conv_args b = a;
        b.wp = (rnd() % 2) ? packed : NULL;
        if (b.wp && b.tmp16 && rnd() % 2) /* with packed weights the input span is enough */
            b.tmp16_len = c2d__conv_tmp16_x_len(c->n_rows, c->cin, kdim);
        memset(y0, 0xAA, ylen);
        memset(y1, 0x55, ylen);
        for (size_t i = 0; i < ylen; i++) z0[i] = z1[i] = INT32_MIN;
        a.y = y0;
        a.y32 = z0;
        b.y = y1;
        b.y32 = z1;
        c2d__conv1d_s8_scalar(&a);
        ks->conv(&b);
        diff += count_diffs((c2d__conv_mode)mode, y0, y1, z0, z1, ylen, c->n_out);
    }
    free(x);
    free(w);
    free(bias);
    free(mult);
    free(shift);
    free(y0);
    free(y1);
    free(z0);
    free(z1);
    free(tmp);
    free(packed);
    return diff;
}

typedef struct fold_case {
    uint32_t seq_len, vocab, k, n_out;
    int same;    /* 'same' padding (pad_l = (k-1)/2) or 'valid' */
    int extreme; /* 0 random table, 1 all at the largest magnitude */
    int runs;    /* 1: the first 3/4 of the tokens are one token (left padding) */
} fold_case;

/* Runs the set's fold kernel and the scalar one on one case in every mode;
 * returns the number of differing outputs. */
static size_t compare_fold_case(const c2d__kernel_set *ks, const fold_case *c) {
    const size_t words = ((size_t)c->vocab + 1) * c->k * c->n_out;
    int32_t *table = malloc(words * sizeof *table);
    uint16_t *tok = malloc(c->seq_len * sizeof *tok);
    /* |entry| <= 1024 * 127 * 255, the largest a real embedding can give */
    const int32_t big = 1024 * 127 * 255;
    for (size_t i = 0; i < words; i++)
        table[i] = c->extreme ? ((rnd() & 1) ? big : -big) : rnd_range(-big, big);
    for (uint32_t t = 0; t < c->seq_len; t++)
        tok[t] = (uint16_t)(c->runs && t < c->seq_len * 3 / 4 ? c->vocab - 1 : rnd() % c->vocab);
    const uint32_t pad_l = c->same ? (c->k - 1) / 2 : 0;
    const uint32_t n_rows = c->same ? c->seq_len : c->seq_len - c->k + 1;
    int32_t *bias = malloc(c->n_out * sizeof *bias), *mult = malloc(c->n_out * sizeof *mult);
    int32_t *shift = malloc(c->n_out * sizeof *shift);
    for (uint32_t o = 0; o < c->n_out; o++) {
        bias[o] = c->extreme ? ((o & 1) ? (1 << 30) : -(1 << 30)) : rnd_range(-100000, 100000);
        mult[o] = o % 3 == 0 ? INT32_MAX : rnd_range(0, INT32_MAX);
        shift[o] = o % 4 == 0 ? C2D__SHIFT_MAX : o % 4 == 1 ? C2D__SHIFT_MIN : rnd_range(32, 50);
    }
    const size_t ylen = (size_t)n_rows * c->n_out;
    uint8_t *y0 = malloc(ylen), *y1 = malloc(ylen);
    int32_t *z0 = malloc(ylen * sizeof *z0), *z1 = malloc(ylen * sizeof *z1);
    size_t diff = 0;
    for (int mode = 0; mode < 3; mode++) {
        c2d__fold_args a = {.table = table, .tok = tok, .seq_len = c->seq_len,
                            .pad_row = c->vocab, .k = c->k, .pad_l = pad_l,
                            .out = {.n_rows = n_rows, .n_out = c->n_out, .bias = bias,
                                    .mult = mult, .shift = shift,
                                    .zp_out = mode == 0 ? (int32_t)(rnd() % 256) : 0,
                                    .lo = 0, .mode = (c2d__conv_mode)mode,
                                    .y_stride = c->n_out}};
        a.out.lo = (int32_t)(rnd() % 2) * a.out.zp_out; /* with and without ReLU */
        c2d__fold_args b = a;
        memset(y0, 0xAA, ylen);
        memset(y1, 0x55, ylen);
        for (size_t i = 0; i < ylen; i++) z0[i] = z1[i] = INT32_MIN;
        a.out.y = y0;
        a.out.y32 = z0;
        b.out.y = y1;
        b.out.y32 = z1;
        c2d__fold_s8_scalar(&a);
        ks->fold(&b);
        diff += count_diffs((c2d__conv_mode)mode, y0, y1, z0, z1, ylen, c->n_out);
    }
    free(table);
    free(tok);
    free(bias);
    free(mult);
    free(shift);
    free(y0);
    free(y1);
    free(z0);
    free(z1);
    return diff;
}

/* Fixed shapes (the reference architecture, widest windows, tails) and 150
 * random ones; returns the number of outputs that differ from scalar. */
static size_t cnn_check_kernel_set(const c2d__kernel_set *ks) {
    static const conv_case fixed[] = {
        {256, 5, 32, 64, 0}, {254, 3, 64, 64, 0}, {1, 1, 64, 1, 0}, {1, 1, 1, 1, 0},
        {7, 7, 1024, 3, 1},  {5, 7, 1024, 5, 2},  {9, 3, 33, 17, 3}, {3, 1, 15, 2, 1},
        {4, 2, 16, 2, 2},    {13, 4, 17, 31, 3},
    };
    size_t diff = 0;
    for (size_t i = 0; i < sizeof fixed / sizeof fixed[0]; i++) diff += compare_case(ks, &fixed[i]);
    for (int i = 0; i < 150; i++) {
        conv_case c = {(uint32_t)rnd_range(1, 40), (uint32_t)rnd_range(1, 7),
                       (uint32_t)rnd_range(1, 130), (uint32_t)rnd_range(1, 40), rnd_range(0, 3)};
        diff += compare_case(ks, &c);
    }
    /* the folded first convolution: reference shapes, channel tails, both paddings */
    static const fold_case folds[] = {
        {256, 256, 5, 64, 0, 0, 0}, {256, 1024, 3, 64, 1, 0, 0}, {256, 1024, 5, 64, 1, 0, 0},
        {7, 3, 7, 33, 1, 1, 0},     {7, 3, 7, 5, 0, 1, 0},       {1, 1, 1, 1, 1, 0, 0},
        {20, 50, 4, 39, 1, 1, 0},   {64, 41, 2, 64, 0, 0, 1},    {64, 41, 5, 64, 0, 0, 1},
        {64, 41, 3, 64, 1, 0, 1},   {64, 2, 4, 70, 1, 1, 1},     {9, 1, 3, 17, 1, 0, 0},
    };
    /* requantisation of pooled vectors at the parameter limits */
    for (int i = 0; i < 40; i++) {
        const uint32_t n = (uint32_t)rnd_range(1, 70);
        int32_t acc[70], mult[70], shift[70];
        uint8_t y0[70], y1[70];
        for (uint32_t o = 0; o < n; o++) {
            acc[o] = (i & 1) ? ((rnd() & 1) ? INT32_MAX : INT32_MIN) : (int32_t)rnd();
            mult[o] = o % 3 == 0 ? INT32_MAX : rnd_range(0, INT32_MAX);
            shift[o] = o % 4 == 0 ? C2D__SHIFT_MAX : o % 4 == 1 ? C2D__SHIFT_MIN : rnd_range(32, 50);
        }
        const int32_t zp = (int32_t)(rnd() % 256), lo = (rnd() & 1) ? zp : 0;
        c2d__requant_s8_scalar(acc, n, mult, shift, zp, lo, y0);
        ks->requant(acc, n, mult, shift, zp, lo, y1);
        for (uint32_t o = 0; o < n; o++) diff += y0[o] != y1[o];
    }
    for (size_t i = 0; i < sizeof folds / sizeof folds[0]; i++)
        diff += compare_fold_case(ks, &folds[i]);
    for (int i = 0; i < 60; i++) {
        fold_case c = {(uint32_t)rnd_range(7, 80), (uint32_t)rnd_range(1, 300),
                       (uint32_t)rnd_range(1, 7), (uint32_t)rnd_range(1, 70),
                       rnd_range(0, 1), rnd_range(0, 1), rnd_range(0, 1)};
        diff += compare_fold_case(ks, &c);
    }
    return diff;
}

#endif
