/* CNN engine: every kernel against the scalar reference on random and extreme
 * inputs, golden logits of a fixed model on every ISA this CPU runs, the API's
 * error paths, corrupt models, and out-of-memory during load. */
#include "helpers.h"

#include <math.h>
#include <threads.h>

#include "cnn_check.h"
#include "common/internal.h"
#include "model/model_internal.h"

static void check_kernel_set(c2d_isa isa) {
    const c2d__kernel_set *ks = c2d__kernel_set_for(isa);
    if (!ks) {
        print_message("SKIP %s kernels: not compiled for this architecture\n", c2d_isa_name(isa));
        skip();
    }
    if ((c2d_cpu_features() & ks->cpu_features) != ks->cpu_features) {
        print_message("SKIP %s: this CPU lacks the instructions, the kernel was compiled "
                      "but NOT executed\n", ks->name);
        skip();
    }
    assert_int_equal(cnn_check_kernel_set(ks), 0);
}

static void test_kernel_scalar_registered(void **state) {
    (void)state;
    assert_non_null(c2d__kernel_set_for(C2D_ISA_SCALAR));
    assert_int_equal(c2d__kernel_sets[0].isa, C2D_ISA_SCALAR);
    assert_null(c2d__kernel_set_for(C2D_ISA_BEST));
    /* the requantisation at its documented limits */
    assert_int_equal(c2d__requant_u8(0, 0, 32, 7, 0), 7);
    assert_int_equal(c2d__requant_u8(1 << 30, INT32_MAX, 32, 0, 0), 255);
    assert_int_equal(c2d__requant_u8(-(1 << 30), INT32_MAX, 32, 255, 0), 0);
    assert_int_equal(c2d__requant_u8(3, 1 << 30, 32, 100, 0), 101);  /* 0.75 rounds up */
    assert_int_equal(c2d__requant_u8(2, 1 << 30, 32, 100, 0), 101);  /* 0.5 rounds up */
    assert_int_equal(c2d__requant_u8(-2, 1 << 30, 32, 100, 0), 100); /* -0.5 rounds up */
    assert_int_equal(c2d__requant_u8(-3, 1 << 30, 32, 100, 0), 99);  /* -0.75 */
    assert_int_equal(c2d__requant_u8(-3, 1 << 30, 32, 100, 100), 100); /* ReLU clamp */
}
static void test_kernel_avx2(void **state) {
    (void)state;
    check_kernel_set(C2D_ISA_AVX2);
}
static void test_kernel_avx512vnni(void **state) {
    (void)state;
    check_kernel_set(C2D_ISA_AVX512VNNI);
}
static void test_kernel_avxvnni(void **state) {
    (void)state;
    check_kernel_set(C2D_ISA_AVXVNNI);
}
static void test_kernel_neon(void **state) {
    (void)state;
    check_kernel_set(C2D_ISA_NEON);
}

/* A cap allows its level and those below it in the x86-64 order
 * SCALAR < AVX2 < AVXVNNI < AVX512VNNI, whatever the enum's numbers; the model
 * then runs the best level under the cap that this CPU has. */
static void test_isa_cap_order(void **state) {
    (void)state;
    assert_string_equal(c2d_isa_name(C2D_ISA_AVXVNNI), "avxvnni");
    assert_int_equal(C2D_ISA_AVXVNNI, 4); /* appended: values are fixed forever */
    size_t len;
    uint8_t *blob = read_all(C2D_TEST_DIR "/golden/cnn_golden.c2dm", &len);
    assert_non_null(blob);
    c2d_model *m = NULL;
    assert_int_equal(c2d_model_load_memory(blob, len, NULL, &m), C2D_OK);
    const unsigned f = c2d_cpu_features();
    const int has2 = (f & (C2D_CPU_AVX2 | C2D_CPU_FMA)) == (C2D_CPU_AVX2 | C2D_CPU_FMA);
    const int hasv = has2 && (f & C2D_CPU_AVXVNNI);
    const unsigned v512 = C2D_CPU_AVX512F | C2D_CPU_AVX512BW | C2D_CPU_AVX512VL | C2D_CPU_AVX512VNNI;
    const int has512 = (f & v512) == v512;
    if (!has2 || c2d_cpu_best_isa() == C2D_ISA_NEON) {
        c2d_model_free(m);
        free(blob);
        print_message("SKIP cap order: no AVX2 on this CPU\n");
        skip();
    }
    const c2d_isa lower2 = C2D_ISA_AVX2;
    const c2d_isa lowerv = hasv ? C2D_ISA_AVXVNNI : lower2;
    const struct { int cap; c2d_isa runs; } want[] = {
        {C2D_ISA_SCALAR, C2D_ISA_SCALAR},
        {C2D_ISA_AVX2, C2D_ISA_AVX2},
        {C2D_ISA_AVXVNNI, lowerv},
        {C2D_ISA_AVX512VNNI, has512 ? C2D_ISA_AVX512VNNI : lowerv},
        {C2D_ISA_BEST, has512 ? C2D_ISA_AVX512VNNI : lowerv},
    };
    for (size_t i = 0; i < sizeof want / sizeof want[0]; i++) {
        assert_int_equal(c2d_model_set_param(m, C2D_MODEL_PARAM_ISA_CAP, want[i].cap), C2D_OK);
        c2d_model_summary s = {.size = sizeof s};
        assert_int_equal(c2d_model_info(m, &s), C2D_OK);
        assert_string_equal(c2d_isa_name(s.isa), c2d_isa_name(want[i].runs));
    }
    assert_int_equal(c2d_cpu_best_isa(), want[4].runs);
    assert_int_equal(c2d_model_set_param(m, C2D_MODEL_PARAM_ISA_CAP, 5), C2D_ERR_INVALID_ARG);
    if (!hasv) print_message("note: this CPU has no AVX-VNNI: its cap ran as avx2\n");
    c2d_model_free(m);
    free(blob);
}

/* ------------------------------------------------------- golden model */
typedef struct golden {
    uint8_t *blob;
    size_t len;
    uint32_t n_seqs, seq_len, n_logits;
    uint16_t tokens[64 * 32];
    float logits[64 * 8];
} golden;

static golden *load_golden(void) {
    golden *g = calloc(1, sizeof *g);
    g->blob = read_all(C2D_TEST_DIR "/golden/cnn_golden.c2dm", &g->len);
    assert_non_null(g->blob);
    FILE *f = fopen(C2D_TEST_DIR "/golden/cnn_golden.txt", "r");
    assert_non_null(f);
    char line[256];
    assert_non_null(fgets(line, sizeof line, f)); /* comment */
    assert_int_equal(fscanf(f, "%u %u %u", &g->n_seqs, &g->seq_len, &g->n_logits), 3);
    assert_true(g->n_seqs <= 64 && g->seq_len <= 32 && g->n_logits <= 8);
    for (uint32_t i = 0; i < g->n_seqs * g->seq_len; i++) {
        unsigned t;
        assert_int_equal(fscanf(f, "%u", &t), 1);
        g->tokens[i] = (uint16_t)t;
    }
    for (uint32_t i = 0; i < g->n_seqs * g->n_logits; i++) {
        unsigned bits;
        assert_int_equal(fscanf(f, "%x", &bits), 1);
        uint32_t b32 = bits;
        memcpy(&g->logits[i], &b32, 4);
    }
    fclose(f);
    return g;
}
static void free_golden(golden *g) {
    free(g->blob);
    free(g);
}

static void test_golden_every_isa(void **state) {
    (void)state;
    golden *g = load_golden();
    c2d_model *m = NULL;
    assert_int_equal(c2d_model_load_memory(g->blob, g->len, NULL, &m), C2D_OK);
    c2d_model_summary s = {.size = sizeof s};
    assert_int_equal(c2d_model_info(m, &s), C2D_OK);
    assert_int_equal(s.kind, C2D_MODEL_CNN);
    assert_int_equal(s.n_inputs, 20);
    assert_int_equal(s.n_classes, 3);
    assert_string_equal(s.name, "cnn-golden");
    c2d_cnn_shape_info sh = {.size = sizeof sh};
    assert_int_equal(c2d_cnn_shape(m, &sh), C2D_OK);
    assert_int_equal(sh.seq_len, 20);
    assert_int_equal(sh.vocab, 50);
    assert_int_equal(sh.n_logits, 3);
    /* conv 20x10x36 + 19x17x20 + 16x9x60 + 20x5x12, dense 31x7 + 7x3 */
    assert_int_equal(sh.macs, 7200u + 6460u + 8640u + 1200u + 217u + 21u);
    size_t scratch_len;
    assert_int_equal(c2d_cnn_scratch_size(m, &scratch_len), C2D_OK);
    assert_int_equal(scratch_len, sh.scratch_bytes);
    uint8_t *scratch = malloc(scratch_len + 1);
    float out[64 * 8];
    int ran = 0;
    const int caps[] = {C2D_ISA_SCALAR, C2D_ISA_AVX2, C2D_ISA_AVXVNNI, C2D_ISA_AVX512VNNI,
                        C2D_ISA_NEON, C2D_ISA_BEST};
    for (size_t ci = 0; ci < sizeof caps / sizeof caps[0]; ci++) {
        if (c2d_model_set_param(m, C2D_MODEL_PARAM_ISA_CAP, caps[ci]) != C2D_OK) continue;
        assert_int_equal(c2d_model_info(m, &s), C2D_OK);
        if (caps[ci] != C2D_ISA_BEST && (int)s.isa != caps[ci]) {
            print_message("note: cap %s runs as %s on this CPU\n",
                          c2d_isa_name((c2d_isa)caps[ci]), c2d_isa_name(s.isa));
        }
        /* whole batch, scratch deliberately misaligned */
        memset(out, 0, sizeof out);
        assert_int_equal(c2d_cnn_predict(m, g->tokens, g->n_seqs, scratch + 1, scratch_len,
                                         C2D_CNN_LOGITS, out, 64 * 8),
                         C2D_OK);
        assert_memory_equal(out, g->logits, g->n_seqs * g->n_logits * sizeof(float));
        /* one at a time gives the same bits */
        for (uint32_t q = 0; q < g->n_seqs; q++) {
            float one[8];
            assert_int_equal(c2d_cnn_predict(m, g->tokens + q * g->seq_len, 1, scratch,
                                             scratch_len, C2D_CNN_LOGITS, one, 3),
                             C2D_OK);
            assert_memory_equal(one, g->logits + q * g->n_logits, 3 * sizeof(float));
        }
        ran++;
    }
    assert_true(ran >= 2);
    /* probabilities: softmax of the logits */
    assert_int_equal(c2d_model_set_param(m, C2D_MODEL_PARAM_ISA_CAP, C2D_ISA_BEST), C2D_OK);
    assert_int_equal(c2d_cnn_predict(m, g->tokens, 1, scratch, scratch_len, C2D_CNN_PROBA, out, 3),
                     C2D_OK);
    double mx = fmax(fmax(g->logits[0], g->logits[1]), g->logits[2]), sum = 0, e[3];
    for (int c = 0; c < 3; c++) sum += e[c] = exp((double)g->logits[c] - mx);
    for (int c = 0; c < 3; c++) assert_float_equal(out[c], e[c] / sum, 1e-6);
    free(scratch);
    c2d_model_free(m);
    free_golden(g);
}

/* Predicts the golden batch with the model's current settings on every ISA
 * this CPU runs; returns how many ISAs ran. */
static int golden_every_isa(c2d_model *m, const golden *g) {
    size_t scratch_len;
    assert_int_equal(c2d_cnn_scratch_size(m, &scratch_len), C2D_OK);
    uint8_t *scratch = malloc(scratch_len);
    float out[64 * 8];
    int ran = 0;
    const int caps[] = {C2D_ISA_SCALAR, C2D_ISA_AVX2, C2D_ISA_AVXVNNI, C2D_ISA_AVX512VNNI,
                        C2D_ISA_NEON};
    for (size_t ci = 0; ci < sizeof caps / sizeof caps[0]; ci++) {
        if (c2d_model_set_param(m, C2D_MODEL_PARAM_ISA_CAP, caps[ci]) != C2D_OK) continue;
        memset(out, 0, sizeof out);
        assert_int_equal(c2d_cnn_predict(m, g->tokens, g->n_seqs, scratch, scratch_len,
                                         C2D_CNN_LOGITS, out, 64 * 8),
                         C2D_OK);
        assert_memory_equal(out, g->logits, g->n_seqs * g->n_logits * sizeof(float));
        ran++;
    }
    assert_int_equal(c2d_model_set_param(m, C2D_MODEL_PARAM_ISA_CAP, C2D_ISA_BEST), C2D_OK);
    free(scratch);
    return ran;
}

/* Folding the embedding-reading convolutions into lookup tables changes cost
 * and memory, never a bit of output: golden logits with all, some and none of
 * the branches folded, on every ISA. */
static void test_fold_settings(void **state) {
    (void)state;
    golden *g = load_golden();
    c2d_model *m = NULL;
    assert_int_equal(c2d_model_load_memory(g->blob, g->len, NULL, &m), C2D_OK);
    int v = -1;
    assert_int_equal(c2d_model_get_param(m, C2D_MODEL_PARAM_CNN_FOLD_KIB, &v), C2D_OK);
    assert_int_equal(v, 8192);
    const size_t all = c2d__cnn_fold_bytes(m);
    /* golden (c2detect.cnn_golden): the first convs of the 3 branches fold,
     * k 3 x 10, k 5 x 9, k 1 x 5 channels; tables (vocab 50 + pad row) x k x cout int32 */
    assert_int_equal(all, 51u * 4 * (3 * 10 + 5 * 9 + 1 * 5));
    size_t scratch_folded, scratch_plain;
    assert_int_equal(c2d_cnn_scratch_size(m, &scratch_folded), C2D_OK);
    assert_true(golden_every_isa(m, g) >= 1);

    assert_int_equal(c2d_model_set_param(m, C2D_MODEL_PARAM_CNN_FOLD_KIB, -1), C2D_ERR_INVALID_ARG);
    assert_int_equal(c2d_model_set_param(m, C2D_MODEL_PARAM_CNN_FOLD_KIB, C2D__FOLD_MAX_KIB + 1),
                     C2D_ERR_INVALID_ARG);
    assert_int_equal(c2d_model_get_param(m, C2D_MODEL_PARAM_CNN_FOLD_KIB, &v), C2D_OK);
    assert_int_equal(v, 8192);
    assert_int_equal(c2d__cnn_fold_bytes(m), all);

    assert_int_equal(c2d_model_set_param(m, C2D_MODEL_PARAM_CNN_FOLD_KIB, 0), C2D_OK);
    assert_int_equal(c2d__cnn_fold_bytes(m), 0);
    assert_int_equal(c2d_cnn_scratch_size(m, &scratch_plain), C2D_OK);
    assert_true(scratch_plain > scratch_folded); /* embedding rows and int16 workspace */
    assert_true(golden_every_isa(m, g) >= 1);

    /* budgets that fold some branches only (in layer order, while they fit) */
    int partial = 0;
    for (int kib = 1; kib <= 20; kib++) {
        assert_int_equal(c2d_model_set_param(m, C2D_MODEL_PARAM_CNN_FOLD_KIB, kib), C2D_OK);
        const size_t b = c2d__cnn_fold_bytes(m);
        assert_true(b <= (size_t)kib * 1024u && b <= all);
        if (b > 0 && b < all) {
            partial++;
            assert_true(golden_every_isa(m, g) >= 1);
        }
    }
    assert_true(partial > 0);
    c2d_model_free(m);

    /* out of memory while refolding: C2D_ERR_NOMEM, the model keeps working unfolded */
    test_alloc ta;
    test_alloc_init(&ta, 0);
    assert_int_equal(c2d_model_load_memory(g->blob, g->len, &ta.api, &m), C2D_OK);
    assert_int_equal(c2d_model_set_param(m, C2D_MODEL_PARAM_CNN_FOLD_KIB, 0), C2D_OK);
    ta.fail_at = ta.calls + 2; /* the second table fails */
    assert_int_equal(c2d_model_set_param(m, C2D_MODEL_PARAM_CNN_FOLD_KIB, 8192), C2D_ERR_NOMEM);
    assert_int_equal(c2d__cnn_fold_bytes(m), 0);
    ta.fail_at = 0;
    assert_true(golden_every_isa(m, g) >= 1);
    c2d_model_free(m);
    assert_int_equal(ta.live, 0);

    /* forests accept the setting and ignore it */
    c2d_model *f = NULL;
    assert_int_equal(c2d_model_builtin("test", NULL, &f), C2D_OK);
    assert_int_equal(c2d_model_set_param(f, C2D_MODEL_PARAM_CNN_FOLD_KIB, 0), C2D_OK);
    c2d_model_free(f);
    free_golden(g);
}

/* One model shared by several threads, each with its own scratch: every call
 * must give the golden bits. */
typedef struct thread_job {
    const c2d_model *m;
    const golden *g;
    int mismatches;
} thread_job;

static int thread_main(void *arg) {
    thread_job *j = arg;
    size_t n;
    if (c2d_cnn_scratch_size(j->m, &n) != C2D_OK) return 1;
    void *scratch = malloc(n);
    float out[64 * 8];
    for (int it = 0; it < 50; it++) {
        if (c2d_cnn_predict(j->m, j->g->tokens, j->g->n_seqs, scratch, n, C2D_CNN_LOGITS, out,
                            64 * 8) != C2D_OK ||
            memcmp(out, j->g->logits, j->g->n_seqs * j->g->n_logits * sizeof(float)) != 0)
            j->mismatches++;
    }
    free(scratch);
    return 0;
}

static void test_shared_model_threads(void **state) {
    (void)state;
    golden *g = load_golden();
    c2d_model *m = NULL;
    assert_int_equal(c2d_model_load_memory(g->blob, g->len, NULL, &m), C2D_OK);
    enum { N = 4 };
    thrd_t th[N];
    thread_job jobs[N];
    for (int i = 0; i < N; i++) {
        jobs[i] = (thread_job){m, g, 0};
        assert_int_equal(thrd_create(&th[i], thread_main, &jobs[i]), thrd_success);
    }
    for (int i = 0; i < N; i++) {
        int rc = -1;
        assert_int_equal(thrd_join(th[i], &rc), thrd_success);
        assert_int_equal(rc, 0);
        assert_int_equal(jobs[i].mismatches, 0);
    }
    c2d_model_free(m);
    free_golden(g);
}

static void test_api_errors(void **state) {
    (void)state;
    golden *g = load_golden();
    c2d_model *m = NULL;
    assert_int_equal(c2d_model_load_memory(g->blob, g->len, NULL, &m), C2D_OK);
    size_t n;
    assert_int_equal(c2d_cnn_scratch_size(m, &n), C2D_OK);
    uint8_t *scratch = malloc(n);
    float out[16];
    assert_int_equal(c2d_cnn_scratch_size(NULL, &n), C2D_ERR_INVALID_ARG);
    assert_int_equal(c2d_cnn_scratch_size(m, NULL), C2D_ERR_INVALID_ARG);
    c2d_cnn_shape_info sh = {.size = 4};
    assert_int_equal(c2d_cnn_shape(m, &sh), C2D_ERR_INVALID_ARG);
    assert_int_equal(c2d_cnn_predict(NULL, g->tokens, 1, scratch, n, C2D_CNN_LOGITS, out, 16),
                     C2D_ERR_INVALID_ARG);
    assert_int_equal(c2d_cnn_predict(m, NULL, 1, scratch, n, C2D_CNN_LOGITS, out, 16),
                     C2D_ERR_INVALID_ARG);
    assert_int_equal(c2d_cnn_predict(m, g->tokens, 1, NULL, n, C2D_CNN_LOGITS, out, 16),
                     C2D_ERR_INVALID_ARG);
    assert_int_equal(c2d_cnn_predict(m, g->tokens, 1, scratch, n, C2D_CNN_LOGITS, NULL, 16),
                     C2D_ERR_INVALID_ARG);
    assert_int_equal(c2d_cnn_predict(m, g->tokens, 1, scratch, n, (c2d_cnn_output)7, out, 16),
                     C2D_ERR_INVALID_ARG);
    assert_int_equal(c2d_cnn_predict(m, g->tokens, 1, scratch, n, C2D_CNN_LOGITS, out, 2),
                     C2D_ERR_INVALID_ARG);
    assert_int_equal(c2d_cnn_predict(m, g->tokens, 2, scratch, n, C2D_CNN_PROBA, out, 5),
                     C2D_ERR_INVALID_ARG);
    assert_int_equal(c2d_cnn_predict(m, g->tokens, SIZE_MAX / 2, scratch, n, C2D_CNN_PROBA, out,
                                     16),
                     C2D_ERR_INVALID_ARG);
    assert_int_equal(c2d_cnn_predict(m, g->tokens, 1, scratch, n - 1, C2D_CNN_LOGITS, out, 16),
                     C2D_ERR_BUFFER_TOO_SMALL);
    assert_int_equal(c2d_cnn_predict(m, NULL, 0, NULL, 0, C2D_CNN_LOGITS, NULL, 0), C2D_OK);
    uint16_t bad[20];
    memcpy(bad, g->tokens, sizeof bad);
    bad[19] = 50;
    assert_int_equal(c2d_cnn_predict(m, bad, 1, scratch, n, C2D_CNN_LOGITS, out, 16),
                     C2D_ERR_CNN_TOKEN);
    assert_string_equal(c2d_status_name(C2D_ERR_CNN_TOKEN), "C2D_ERR_CNN_TOKEN");
    bad[19] = 49;
    assert_int_equal(c2d_cnn_predict(m, bad, 1, scratch, n, C2D_CNN_LOGITS, out, 16), C2D_OK);
    /* a forest is not a CNN */
    c2d_model *f = NULL;
    assert_int_equal(c2d_model_builtin("test", NULL, &f), C2D_OK);
    assert_int_equal(c2d_cnn_scratch_size(f, &n), C2D_ERR_KIND_MISMATCH);
    sh.size = sizeof sh;
    assert_int_equal(c2d_cnn_shape(f, &sh), C2D_ERR_KIND_MISMATCH);
    assert_int_equal(c2d_cnn_predict(f, g->tokens, 1, scratch, n, C2D_CNN_LOGITS, out, 16),
                     C2D_ERR_KIND_MISMATCH);
    float row[64] = {0};
    float proba[8];
    assert_int_equal(c2d_forest_predict(m, row, 20, proba, 8), C2D_ERR_KIND_MISMATCH);
    c2d_model_free(f);
    free(scratch);
    c2d_model_free(m);
    free_golden(g);
}

/* Patch a section of the golden model and fix every CRC, so the CNN validator
 * (not the checksum) has to catch the change. */
static const uint8_t *section_of(const uint8_t *b, uint32_t type, size_t *len, size_t *entry) {
    const uint32_t n = c2d__ld_u32le(b + 28);
    for (uint32_t i = 0; i < n; i++) {
        const uint8_t *e = b + 64 + 32 * i;
        if (c2d__ld_u32le(e) == type) {
            *len = (size_t)c2d__ld_u64le(e + 16);
            *entry = 64 + 32 * i;
            return b + c2d__ld_u64le(e + 8);
        }
    }
    return NULL;
}
static void put32(uint8_t *p, uint32_t v) {
    p[0] = (uint8_t)v;
    p[1] = (uint8_t)(v >> 8);
    p[2] = (uint8_t)(v >> 16);
    p[3] = (uint8_t)(v >> 24);
}
static void fix_crcs(uint8_t *b) {
    const uint32_t n = c2d__ld_u32le(b + 28);
    for (uint32_t i = 0; i < n; i++) {
        uint8_t *e = b + 64 + 32 * i;
        put32(e + 24, c2d__crc32c(0, b + c2d__ld_u64le(e + 8), (size_t)c2d__ld_u64le(e + 16)));
    }
    put32(b + 44, 0);
    uint32_t crc = c2d__crc32c(0, b, 64);
    crc = c2d__crc32c(crc, b + 64, 32 * (size_t)n);
    put32(b + 44, crc);
}

typedef struct patch {
    uint32_t section, offset, size; /* size 1 or 4 */
    int64_t value;
    c2d_status expect;
} patch;

static void test_corrupt_models(void **state) {
    (void)state;
    golden *g = load_golden();
    static const patch patches[] = {
        {32, 0, 4, 2, C2D_ERR_UNSUPPORTED_VERSION},
        {32, 4, 4, 0, C2D_ERR_MALFORMED},        /* seq_len 0 */
        {32, 4, 4, 5000, C2D_ERR_LIMIT},         /* seq_len over 4096 */
        {32, 4, 4, 2, C2D_ERR_MALFORMED},        /* too short for the valid convs */
        {32, 8, 4, 70000, C2D_ERR_LIMIT},        /* vocab */
        {32, 8, 4, 49, C2D_ERR_MALFORMED},       /* embed section size mismatch */
        {32, 12, 4, 2000, C2D_ERR_LIMIT},        /* dim */
        {32, 16, 4, 2, C2D_ERR_MALFORMED},       /* branches vs layers */
        {32, 16, 4, 9, C2D_ERR_LIMIT},
        {32, 20, 4, 5, C2D_ERR_MALFORMED},       /* layer table size */
        {32, 28, 4, 4, C2D_ERR_MALFORMED},       /* n_logits vs last layer */
        {32, 32, 4, 128, C2D_ERR_MALFORMED},     /* embed zero point */
        {32, 40, 1, 1, C2D_ERR_MALFORMED},       /* reserved */
        {34, 0, 1, 2, C2D_ERR_MALFORMED},        /* conv marked dense */
        {34, 1, 1, 1, C2D_ERR_MALFORMED},        /* first branch is not 0 */
        {34, 2, 1, 8, C2D_ERR_MALFORMED},        /* kernel 8 */
        {34, 2, 1, 0, C2D_ERR_MALFORMED},        /* kernel 0 */
        {34, 3, 1, 2, C2D_ERR_MALFORMED},        /* padding mode */
        {34, 4, 1, 2, C2D_ERR_MALFORMED},        /* relu flag */
        {34, 5, 1, 1, C2D_ERR_MALFORMED},        /* reserved */
        {34, 8, 4, 11, C2D_ERR_MALFORMED},       /* cin != embed dim */
        {34, 12, 4, 0, C2D_ERR_MALFORMED},       /* cout 0 */
        {34, 12, 4, 1025, C2D_ERR_LIMIT},
        {34, 16, 4, 0, C2D_ERR_MALFORMED},       /* zp_in != embed zp */
        {34, 20, 4, 200, C2D_ERR_MALFORMED},     /* zp_out out of int8 */
        {34, 24, 4, 32, C2D_ERR_MALFORMED},      /* weight offset not aligned */
        {34, 24, 4, 1 << 20, C2D_ERR_MALFORMED}, /* weight offset past the end */
        {34, 28, 4, 2, C2D_ERR_MALFORMED},       /* param offset not aligned */
        {34, 28, 4, 1 << 20, C2D_ERR_MALFORMED},
        {34, 32 + 20, 4, 0, C2D_ERR_MALFORMED},  /* conv 2 zp_out != ... chain (zp_in of next) */
        {34, 96 + 20, 4, 0, C2D_ERR_MALFORMED},  /* concat zero points differ */
        {34, 96 + 12, 4, 6, C2D_ERR_MALFORMED},  /* concat width != dense input */
        {34, 160 + 4, 1, 1, C2D_ERR_MALFORMED},  /* ReLU on the logits */
        {34, 160 + 2, 1, 3, C2D_ERR_MALFORMED},  /* dense kernel 3 */
        {35, 0, 1, 0x80, C2D_ERR_MALFORMED},     /* weight -128 */
        {36, 0, 4, (1 << 30) + 1, C2D_ERR_MALFORMED},     /* bias too large */
        {36, 40, 4, 0x80000000u, C2D_ERR_MALFORMED},       /* mult < 0 */
        {36, 80, 4, 31, C2D_ERR_MALFORMED},               /* shift < 32 */
        {36, 80, 4, 63, C2D_ERR_MALFORMED},               /* shift > 62 */
    };
    uint8_t *b = malloc(g->len);
    for (size_t i = 0; i < sizeof patches / sizeof patches[0]; i++) {
        const patch *p = &patches[i];
        memcpy(b, g->blob, g->len);
        size_t slen, entry;
        uint8_t *sec = (uint8_t *)(uintptr_t)section_of(b, p->section, &slen, &entry);
        assert_non_null(sec);
        assert_true(p->offset + p->size <= slen);
        if (p->size == 1) sec[p->offset] = (uint8_t)p->value;
        else put32(sec + p->offset, (uint32_t)p->value);
        fix_crcs(b);
        c2d_model *m = (c2d_model *)1;
        const c2d_status st = c2d_model_load_memory(b, g->len, NULL, &m);
        if (st != p->expect)
            print_message("patch %zu (section %u offset %u): got %s\n", i, p->section, p->offset,
                          c2d_status_name(st));
        assert_int_equal(st, p->expect);
        assert_null(m);
    }
    /* a missing section */
    memcpy(b, g->blob, g->len);
    size_t slen, entry;
    assert_non_null(section_of(b, 36, &slen, &entry));
    put32(b + entry, 37); /* PARAMS relabelled as an unknown CNN section */
    fix_crcs(b);
    c2d_model *m = NULL;
    assert_int_equal(c2d_model_load_memory(b, g->len, NULL, &m), C2D_ERR_MALFORMED);
    free(b);
    free_golden(g);
}

static void test_load_oom(void **state) {
    (void)state;
    golden *g = load_golden();
    int ok = 0;
    for (long k = 1; k < 40 && !ok; k++) {
        test_alloc ta;
        test_alloc_init(&ta, k);
        c2d_model *m = NULL;
        const c2d_status st = c2d_model_load_memory(g->blob, g->len, &ta.api, &m);
        if (st == C2D_OK) {
            ok = 1;
            assert_true(k > 3); /* handle, state, layers, params */
            c2d_model_free(m);
        } else {
            assert_int_equal(st, C2D_ERR_NOMEM);
            assert_null(m);
        }
        assert_int_equal(ta.live, 0);
    }
    assert_true(ok);
    free_golden(g);
}

int main(void) {
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_kernel_scalar_registered),
        cmocka_unit_test(test_kernel_avx2),
        cmocka_unit_test(test_kernel_avx512vnni),
        cmocka_unit_test(test_kernel_avxvnni),
        cmocka_unit_test(test_isa_cap_order),
        cmocka_unit_test(test_kernel_neon),
        cmocka_unit_test(test_golden_every_isa),
        cmocka_unit_test(test_fold_settings),
        cmocka_unit_test(test_shared_model_threads),
        cmocka_unit_test(test_api_errors),
        cmocka_unit_test(test_corrupt_models),
        cmocka_unit_test(test_load_oom),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
