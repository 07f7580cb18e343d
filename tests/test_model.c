/* Model container and forest engine: loading, validation of hostile bytes,
 * metadata, ISA cap, exact predictions, and out-of-memory paths. */
#include <float.h>
#include <math.h>

#include "helpers.h"
#include "common/internal.h"
#include "model/model_internal.h"

static uint8_t *golden(size_t *len) {
    uint8_t *b = test_read_file(test_path("golden/forest3.c2dm"), len);
    assert_non_null(b);
    return b;
}

/* Recompute the header CRC (and optionally one section's CRC) after a test
 * edits bytes on purpose, so the edit reaches the structural validation. */
static void reseal(uint8_t *b, size_t len) {
    uint32_t n = c2d__ld_u32le(b + 28);
    for (uint32_t i = 0; i < n && 64 + 32 * (i + 1) <= len; i++) {
        uint8_t *e = b + 64 + 32 * i;
        uint64_t off = c2d__ld_u64le(e + 8), size = c2d__ld_u64le(e + 16);
        if (off <= len && size <= len - off) {
            uint32_t c = c2d__crc32c(0, b + off, (size_t)size);
            memcpy(e + 24, &c, 4); /* tests run on little-endian hosts */
        }
    }
    uint8_t hdr[64];
    memcpy(hdr, b, 64);
    memset(hdr + 44, 0, 4);
    uint32_t crc = c2d__crc32c(0, hdr, 64);
    if (64 + 32 * (size_t)n <= len) crc = c2d__crc32c(crc, b + 64, 32 * (size_t)n);
    memcpy(b + 44, &crc, 4);
}

static c2d_status load(const uint8_t *b, size_t len) {
    c2d_model *m = NULL;
    c2d_status st = c2d_model_load_memory(b, len, NULL, &m);
    if (st == C2D_OK) assert_non_null(m);
    else assert_null(m);
    c2d_model_free(m);
    return st;
}

static uint8_t *section(uint8_t *b, uint32_t type, size_t *size) {
    uint32_t n = c2d__ld_u32le(b + 28);
    for (uint32_t i = 0; i < n; i++) {
        uint8_t *e = b + 64 + 32 * i;
        if (c2d__ld_u32le(e) == type) {
            *size = (size_t)c2d__ld_u64le(e + 16);
            return b + c2d__ld_u64le(e + 8);
        }
    }
    fail_msg("section %u missing", type);
    return NULL;
}

static void test_version_and_status_text(void **state) {
    (void)state;
    assert_int_equal(c2d_version_number(), C2D_VERSION_NUMBER);
    assert_string_equal(c2d_version_string(), C2D_VERSION_STRING);
    assert_string_equal(c2d_strerror(C2D_ERR_CHECKSUM), "checksum mismatch: data is corrupt");
    assert_string_equal(c2d_status_name(C2D_ERR_TRUNCATED), "C2D_ERR_TRUNCATED");
    assert_string_equal(c2d_status_name(C2D_OK), "C2D_OK");
    assert_string_equal(c2d_strerror((c2d_status)-999), "unknown status");
    assert_int_equal(C2D_ERR_INVALID_ARG, -1);
    assert_int_equal(C2D_ERR_STATE, -15);
}

static void test_crc32c_check_value(void **state) {
    (void)state;
    assert_int_equal(c2d__crc32c(0, "123456789", 9), 0xE3069283u);
    /* in pieces gives the same value */
    assert_int_equal(c2d__crc32c(c2d__crc32c(0, "1234", 4), "56789", 5), 0xE3069283u);
}

static void test_cpu_and_isa_names(void **state) {
    (void)state;
    const c2d_isa best = c2d_cpu_best_isa();
    const unsigned f = c2d_cpu_features();
    if (best == C2D_ISA_AVX512VNNI) assert_true(f & C2D_CPU_AVX512VNNI);
    if (best == C2D_ISA_AVX2) assert_true(f & C2D_CPU_AVX2);
    assert_int_equal(c2d_cpu_features(), f); /* cached, stable */
    assert_string_equal(c2d_isa_name(C2D_ISA_AVX2), "avx2");
    assert_string_equal(c2d_isa_name(C2D_ISA_AVX512VNNI), "avx512vnni");
    assert_string_equal(c2d_isa_name((c2d_isa)77), "unknown");
}

static void test_builtin_test_model(void **state) {
    (void)state;
    /* other modules embed their models too: "test" is one of the names */
    int found_test = 0;
    for (size_t i = 0; c2d_model_builtin_name(i); i++)
        found_test |= strcmp(c2d_model_builtin_name(i), "test") == 0;
    assert_true(found_test);
    c2d_model *m = NULL;
    assert_int_equal(c2d_model_builtin("nope", NULL, &m), C2D_ERR_NOT_FOUND);
    assert_null(m);
    assert_int_equal(c2d_model_builtin("test", NULL, &m), C2D_OK);
    c2d_model_summary s = {.size = sizeof s};
    assert_int_equal(c2d_model_info(m, &s), C2D_OK);
    assert_int_equal(s.kind, C2D_MODEL_FOREST);
    assert_string_equal(s.schema, "test-v1");
    assert_string_equal(s.name, "builtin-test");
    assert_int_equal(s.n_inputs, 3);
    assert_int_equal(s.n_classes, 2);
    assert_int_equal(s.n_trees, 2);
    assert_int_equal(s.max_depth, 2);
    assert_int_equal(s.n_nodes, 8);
    assert_true(s.threshold == 0.5);
    assert_true(s.threshold_fpr == 0.01);
    assert_int_equal(s.isa, C2D_ISA_SCALAR);

    /* the hand-worked predictions of c2detect/testmodels.py */
    const float rows[4][3] = {{0, 0, 0}, {1, 0, -2}, {0, 3, 0}, {0.5f, 2.0f, -1.0f}};
    const float want[4] = {0.5f, 0.25f, 0.875f, 0.375f};
    float p[2];
    for (int i = 0; i < 4; i++) {
        assert_int_equal(c2d_forest_predict(m, rows[i], 3, p, 2), C2D_OK);
        assert_true(p[1] == want[i]);
        assert_true(p[0] == 1.0f - want[i]);
    }
    /* NaN goes right at every split, as in scikit-learn: tree0 -> 0.0, tree1 -> 0.75 */
    const float nan_row[3] = {NAN, NAN, NAN};
    assert_int_equal(c2d_forest_predict(m, nan_row, 3, p, 2), C2D_OK);
    assert_true(p[1] == 0.375f);
    /* wrong lengths and NULLs */
    assert_int_equal(c2d_forest_predict(m, rows[0], 2, p, 2), C2D_ERR_INVALID_ARG);
    assert_int_equal(c2d_forest_predict(m, rows[0], 3, p, 1), C2D_ERR_INVALID_ARG);
    assert_int_equal(c2d_forest_predict(NULL, rows[0], 3, p, 2), C2D_ERR_INVALID_ARG);
    assert_int_equal(c2d_forest_predict(m, NULL, 3, p, 2), C2D_ERR_INVALID_ARG);
    c2d_model_free(m);
    c2d_model_free(NULL);
}

static void test_batch_equals_single(void **state) {
    (void)state;
    size_t len;
    uint8_t *b = golden(&len);
    c2d_model *m = NULL;
    assert_int_equal(c2d_model_load_memory(b, len, NULL, &m), C2D_OK);
    /* 37 rows with a stride of 3 floats (one unused) exercise partial blocks */
    float rows[37 * 3], out[37 * 4], one[3];
    for (int i = 0; i < 37; i++) {
        rows[i * 3] = (float)(i % 5) * 0.5f;
        rows[i * 3 + 1] = (float)(i % 7) - 1.0f + (i == 3 ? 4.0f : 0.0f);
        rows[i * 3 + 2] = -12345.0f;
    }
    assert_int_equal(c2d_forest_predict_batch(m, rows, 37, 3, out, 4), C2D_OK);
    for (int i = 0; i < 37; i++) {
        assert_int_equal(c2d_forest_predict(m, rows + i * 3, 2, one, 3), C2D_OK);
        assert_memory_equal(one, out + i * 4, sizeof one);
        float sum = one[0] + one[1] + one[2];
        assert_true(fabsf(sum - 1.0f) < 1e-6f);
    }
    /* row (0, 0): tree0 [1,0,0], tree1 [.5,.5,0], tree2 [.2,.3,.5] -> mean */
    const float r0[2] = {0, 0};
    assert_int_equal(c2d_forest_predict(m, r0, 2, one, 3), C2D_OK);
    assert_true(one[0] == (float)((1.0 + 0.5 + 0.2) / 3));
    assert_true(one[1] == (float)((0.0 + 0.5 + 0.3) / 3));
    assert_true(one[2] == (float)((0.0 + 0.0 + 0.5) / 3));
    /* row (2, 6): tree0 [0,0,1], tree1 [0,.5,.5], tree2 */
    const float r1[2] = {2, 6};
    assert_int_equal(c2d_forest_predict(m, r1, 2, one, 3), C2D_OK);
    assert_true(one[2] == (float)((1.0 + 0.5 + 0.5) / 3));
    assert_int_equal(c2d_forest_predict_batch(m, rows, 0, 3, out, 4), C2D_OK);
    assert_int_equal(c2d_forest_predict_batch(m, rows, 2, 1, out, 4), C2D_ERR_INVALID_ARG);
    assert_int_equal(c2d_forest_predict_batch(m, rows, 2, 3, out, 2), C2D_ERR_INVALID_ARG);

    const char *text = NULL;
    double num = 0;
    assert_int_equal(c2d_model_meta_text(m, "trained_on", &text), C2D_OK);
    assert_string_equal(text, "nothing: hand-made");
    assert_int_equal(c2d_model_meta_text(m, "missing", &text), C2D_ERR_NOT_FOUND);
    assert_int_equal(c2d_model_meta_number(m, "name", &num), C2D_ERR_KIND_MISMATCH);
    c2d_model_summary s = {.size = sizeof s};
    assert_int_equal(c2d_model_info(m, &s), C2D_OK);
    assert_true(isnan(s.threshold));
    assert_string_equal(s.description, "");
    s.size = 8;
    assert_int_equal(c2d_model_info(m, &s), C2D_ERR_INVALID_ARG);
    c2d_model_free(m);
    free(b);
}

static void test_isa_cap_param(void **state) {
    (void)state;
    c2d_model *m = NULL;
    assert_int_equal(c2d_model_builtin("test", NULL, &m), C2D_OK);
    int v = -1;
    assert_int_equal(c2d_model_get_param(m, C2D_MODEL_PARAM_ISA_CAP, &v), C2D_OK);
    assert_int_equal(v, C2D_ISA_BEST);
    assert_int_equal(c2d_model_set_param(m, C2D_MODEL_PARAM_ISA_CAP, C2D_ISA_SCALAR), C2D_OK);
    assert_int_equal(c2d_model_get_param(m, C2D_MODEL_PARAM_ISA_CAP, &v), C2D_OK);
    assert_int_equal(v, C2D_ISA_SCALAR);
    assert_int_equal(c2d_model_set_param(m, C2D_MODEL_PARAM_ISA_CAP, 42), C2D_ERR_INVALID_ARG);
    assert_int_equal(c2d_model_set_param(m, (c2d_model_param)99, 0), C2D_ERR_INVALID_ARG);
    assert_int_equal(c2d_model_set_param(NULL, C2D_MODEL_PARAM_ISA_CAP, 0), C2D_ERR_INVALID_ARG);
    c2d_model_free(m);
}

static void test_load_file_paths(void **state) {
    (void)state;
    c2d_model *m = NULL;
    assert_int_equal(c2d_model_load_file(test_path("golden/forest3.c2dm"), NULL, &m), C2D_OK);
    c2d_model_free(m);
    assert_int_equal(c2d_model_load_file(test_path("golden/no-such-file"), NULL, &m), C2D_ERR_IO);
    assert_null(m);
    assert_int_equal(c2d_model_load_file(NULL, NULL, &m), C2D_ERR_INVALID_ARG);
    assert_int_equal(c2d_model_load_file(test_path("golden/forest3.c2dm"), NULL, NULL),
                     C2D_ERR_INVALID_ARG);
    c2d_allocator bad = {.size = 4};
    assert_int_equal(c2d_model_load_file(test_path("golden/forest3.c2dm"), &bad, &m),
                     C2D_ERR_INVALID_ARG);
    /* a text file is not a model */
    assert_int_equal(c2d_model_load_file(test_path("CMakeLists.txt"), NULL, &m), C2D_ERR_BAD_MAGIC);
}

/* Every allocation failure returns C2D_ERR_NOMEM and leaks nothing. */
static void test_out_of_memory_every_step(void **state) {
    (void)state;
    long steps = 0;
    for (long k = 1; k < 64; k++) {
        test_alloc ta;
        test_alloc_init(&ta, k);
        c2d_model *m = NULL;
        c2d_status st = c2d_model_load_file(test_path("golden/forest3.c2dm"), &ta.api, &m);
        if (st == C2D_OK) {
            c2d_model_free(m);
            assert_int_equal(ta.live, 0);
            steps = k;
            break;
        }
        assert_int_equal(st, C2D_ERR_NOMEM);
        assert_null(m);
        assert_int_equal(ta.live, 0);
    }
    assert_true(steps > 4); /* file buffer, handle, nodes, roots, depths, scratch */
    /* with no failures the counting allocator balances */
    test_alloc ta;
    test_alloc_init(&ta, 0);
    c2d_model *m = NULL;
    assert_int_equal(c2d_model_builtin("test", &ta.api, &m), C2D_OK);
    assert_true(ta.live > 0);
    c2d_model_free(m);
    assert_int_equal(ta.live, 0);
}

/* Every truncation is refused, with TRUNCATED whenever the header announces more. */
static void test_every_truncation_refused(void **state) {
    (void)state;
    size_t len;
    uint8_t *b = golden(&len);
    for (size_t n = 0; n < len; n++) {
        uint8_t *copy = malloc(n ? n : 1);
        memcpy(copy, b, n);
        c2d_status st = load(copy, n);
        if (n >= 8) assert_int_equal(st, C2D_ERR_TRUNCATED);
        else assert_true(st == C2D_ERR_TRUNCATED);
        free(copy);
    }
    /* a byte more is not ignored */
    uint8_t *longer = malloc(len + 1);
    memcpy(longer, b, len);
    longer[len] = 0;
    assert_int_equal(load(longer, len + 1), C2D_ERR_MALFORMED);
    free(longer);
    free(b);
}

/* Any single flipped bit is caught (CRC or structure), never loaded as is. */
static void test_every_bit_flip_refused(void **state) {
    (void)state;
    size_t len;
    uint8_t *b = golden(&len);
    for (size_t i = 0; i < len; i++) {
        for (int bit = 0; bit < 8; bit++) {
            b[i] ^= (uint8_t)(1u << bit);
            c2d_status st = load(b, len);
            b[i] ^= (uint8_t)(1u << bit);
            assert_int_not_equal(st, C2D_OK); /* padding too: it must be zero */
        }
    }
    assert_int_equal(load(b, len), C2D_OK);
    free(b);
}

/* Bytes of a model file that are alignment padding (not header, table or a
 * section); marks[i] = 1 for those. Returns how many. */
static size_t padding_map(const uint8_t *b, size_t len, uint8_t *marks) {
    memset(marks, 1, len);
    uint32_t n = c2d__ld_u32le(b + 28);
    memset(marks, 0, 64 + 32 * (size_t)n);
    for (uint32_t s = 0; s < n; s++) {
        uint64_t off = c2d__ld_u64le(b + 64 + 32 * s + 8);
        uint64_t sz = c2d__ld_u64le(b + 64 + 32 * s + 16);
        memset(marks + off, 0, (size_t)sz);
    }
    size_t count = 0;
    for (size_t i = 0; i < len; i++) count += marks[i];
    return count;
}

/* The built-in models (the files embedded from lib/models/) have zero
 * padding, load, and refuse every padding byte set to any of a few values
 * with C2D_ERR_MALFORMED; the section CRCs do not cover padding. */
static void test_padding_must_be_zero(void **state) {
    (void)state;
    static const char *const files[] = {"dga-cnn.c2dm", "dga-fanci.c2dm", "http.c2dm",
                                        "ioc-family.c2dm", "test.c2dm"};
    size_t total_pad = 0;
    for (size_t f = 0; f < sizeof files / sizeof files[0]; f++) {
        char rel[128];
        snprintf(rel, sizeof rel, "../lib/models/%s", files[f]);
        size_t len = 0;
        uint8_t *b = test_read_file(test_path(rel), &len);
        assert_non_null(b);
        assert_int_equal(load(b, len), C2D_OK);
        uint8_t *marks = malloc(len);
        size_t n_pad = padding_map(b, len, marks);
        total_pad += n_pad;
        for (size_t i = 0; i < len; i++) {
            if (!marks[i]) continue;
            assert_int_equal(b[i], 0);
            static const uint8_t vals[] = {0x01, 0x80, 0xFF};
            for (size_t v = 0; v < sizeof vals; v++) {
                b[i] = vals[v];
                assert_int_equal(load(b, len), C2D_ERR_MALFORMED);
            }
            b[i] = 0;
        }
        assert_int_equal(load(b, len), C2D_OK);
        free(marks);
        free(b);
    }
    assert_true(total_pad > 64); /* the models do have padding to test */
    /* the golden forest: padding between sections and after the table */
    size_t len = 0;
    uint8_t *b = golden(&len);
    uint8_t *marks = malloc(len);
    assert_true(padding_map(b, len, marks) > 0);
    free(marks);
    free(b);
}

typedef struct edit_case {
    const char *what;
    uint32_t section; /* 0 = header */
    size_t offset;
    uint32_t value;
    int width;
    c2d_status want;
} edit_case;

/* Structural edits with valid CRCs: each one gets its precise status. */
static void test_structural_edits(void **state) {
    (void)state;
    static const edit_case cases[] = {
        {"format major 2", 0, 8, 2, 2, C2D_ERR_UNSUPPORTED_VERSION},
        {"header size", 0, 12, 72, 4, C2D_ERR_MALFORMED},
        {"file size huge", 0, 16, 0x7fffffff, 4, C2D_ERR_LIMIT},
        {"kind 7", 0, 24, 7, 4, C2D_ERR_MALFORMED},
        {"kind cnn with forest sections", 0, 24, 2, 4, C2D_ERR_MALFORMED},
        {"too many sections", 0, 28, 65, 4, C2D_ERR_LIMIT},
        {"flags", 0, 40, 1, 4, C2D_ERR_MALFORMED},
        {"reserved", 0, 50, 1, 1, C2D_ERR_MALFORMED},
        {"n_features 0", 16, 0, 0, 4, C2D_ERR_MALFORMED},
        {"n_classes 1", 16, 4, 1, 4, C2D_ERR_MALFORMED},
        {"n_classes 129", 16, 4, 129, 4, C2D_ERR_LIMIT},
        {"n_trees 4", 16, 8, 4, 4, C2D_ERR_MALFORMED},
        {"n_outputs 1 for 3 classes", 16, 12, 1, 4, C2D_ERR_MALFORMED},
        {"n_nodes 10", 16, 16, 10, 4, C2D_ERR_MALFORMED},
        {"tree 1 first node", 17, 8, 4, 4, C2D_ERR_MALFORMED},
        {"tree 0 count 0", 17, 4, 0, 4, C2D_ERR_MALFORMED},
        {"feature out of range", 18, 0, 2, 2, C2D_ERR_MALFORMED},
        {"child points back (cycle)", 18, 8, 0, 4, C2D_ERR_MALFORMED},
        {"child past tree end", 18, 8, 4, 4, C2D_ERR_MALFORMED},
        {"node flags", 18, 2, 1, 2, C2D_ERR_MALFORMED},
        {"threshold NaN", 18, 4, 0x7fc00000, 4, C2D_ERR_MALFORMED},
        {"threshold inf", 18, 4, 0x7f800000, 4, C2D_ERR_MALFORMED},
        {"leaf index skips", 18, 12 + 8, 5, 4, C2D_ERR_MALFORMED},
        {"grandchild reachable twice", 18, 24 + 8, 1, 4, C2D_ERR_MALFORMED},
        {"leaf value 2.0", 19, 0, 0x40000000, 4, C2D_ERR_MALFORMED},
        {"leaf value NaN", 19, 4, 0x7fc00000, 4, C2D_ERR_MALFORMED},
        {"leaf value negative", 19, 8, 0xbf800000, 4, C2D_ERR_MALFORMED},
        {"meta count huge", 1, 0, 100000, 4, C2D_ERR_LIMIT},
        {"meta key char", 1, 12, 'A', 1, C2D_ERR_MALFORMED},
    };
    size_t len;
    uint8_t *orig = golden(&len);
    for (size_t c = 0; c < sizeof cases / sizeof cases[0]; c++) {
        uint8_t *b = malloc(len);
        memcpy(b, orig, len);
        uint8_t *p;
        size_t size = len;
        p = cases[c].section ? section(b, cases[c].section, &size) : b;
        assert_true(cases[c].offset + (size_t)cases[c].width <= size);
        uint32_t v = cases[c].value;
        memcpy(p + cases[c].offset, &v, (size_t)cases[c].width);
        reseal(b, len);
        c2d_status st = load(b, len);
        if (st != cases[c].want)
            fail_msg("%s: got %s, want %s", cases[c].what, c2d_status_name(st),
                     c2d_status_name(cases[c].want));
        free(b);
    }
    free(orig);
}

static void test_section_table_edits(void **state) {
    (void)state;
    size_t len;
    uint8_t *orig = golden(&len);
    uint8_t *b = malloc(len);
    struct { size_t at; uint64_t v; c2d_status want; const char *what; } cases[] = {
        {64 + 8, 65, C2D_ERR_MALFORMED, "unaligned offset"},
        {64 + 8, 0, C2D_ERR_MALFORMED, "offset inside the table"},
        {64 + 16, 1u << 20, C2D_ERR_TRUNCATED, "size past the end"},
        {64 + 8, (uint64_t)-64, C2D_ERR_TRUNCATED, "offset overflow"},
        {64 + 0, 2, C2D_ERR_MALFORMED, "unknown section type"},
        {64 + 32 + 0, 1, C2D_ERR_MALFORMED, "duplicate section type"},
        {64 + 32 + 8, 0, C2D_ERR_MALFORMED, "overlapping sections"},
    };
    for (size_t c = 0; c < sizeof cases / sizeof cases[0]; c++) {
        memcpy(b, orig, len);
        if (strcmp(cases[c].what, "overlapping sections") == 0)
            memcpy(b + cases[c].at, b + 64 + 8, 8); /* second entry = first's offset */
        else if (cases[c].at % 8 == 0 && cases[c].at % 32 != 0)
            memcpy(b + cases[c].at, &cases[c].v, 8);
        else {
            uint32_t v = (uint32_t)cases[c].v;
            memcpy(b + cases[c].at, &v, 4);
        }
        /* reseal only the header: section CRCs must stay those of the real bytes */
        uint8_t hdr[64];
        memcpy(hdr, b, 64);
        memset(hdr + 44, 0, 4);
        uint32_t n = c2d__ld_u32le(b + 28);
        uint32_t crc = c2d__crc32c(c2d__crc32c(0, hdr, 64), b + 64, 32 * (size_t)n);
        memcpy(b + 44, &crc, 4);
        c2d_status st = load(b, len);
        if (st != cases[c].want)
            fail_msg("%s: got %s, want %s", cases[c].what, c2d_status_name(st),
                     c2d_status_name(cases[c].want));
    }
    /* bad magic, and a header CRC mismatch */
    memcpy(b, orig, len);
    b[0] = 'X';
    assert_int_equal(load(b, len), C2D_ERR_BAD_MAGIC);
    memcpy(b, orig, len);
    b[64 + 16] ^= 1;
    assert_int_equal(load(b, len), C2D_ERR_CHECKSUM);
    assert_int_equal(load(NULL, 0), C2D_ERR_TRUNCATED);
    c2d_model *m = NULL;
    assert_int_equal(c2d_model_load_memory(NULL, 5, NULL, &m), C2D_ERR_INVALID_ARG);
    assert_int_equal(c2d_model_load_memory(orig, len, NULL, NULL), C2D_ERR_INVALID_ARG);
    free(b);
    free(orig);
}

/* Every file of the committed corrupt-model corpus is refused. */
static void test_corrupt_corpus_refused(void **state) {
    (void)state;
    static const char *files[] = {
        "corrupt/model/bitflip_node.c2dm", "corrupt/model/cycle.c2dm",
        "corrupt/model/truncated_half.c2dm", "corrupt/model/bad_offset.c2dm",
        "corrupt/model/empty.c2dm", "corrupt/model/zero_header.c2dm",
    };
    for (size_t i = 0; i < sizeof files / sizeof files[0]; i++) {
        size_t len;
        uint8_t *b = test_read_file(test_path(files[i]), &len);
        if (!b) fail_msg("missing corpus file %s", files[i]);
        c2d_status st = load(b, len);
        if (st == C2D_OK) fail_msg("%s was accepted", files[i]);
        free(b);
    }
}

/* Every built-in forest walks an 8-byte compact copy of its nodes; a forest
 * whose child offsets do not fit walks the 16-byte nodes. Both walks must give
 * the same bits: drop the compact copy of each built-in forest and compare,
 * single and batch, on rows with NaN, infinities and extreme values. */
static void test_forest_walks_agree(void **state) {
    (void)state;
    int forests = 0;
    for (size_t b = 0; c2d_model_builtin_name(b); b++) {
        c2d_model *m = NULL;
        assert_int_equal(c2d_model_builtin(c2d_model_builtin_name(b), NULL, &m), C2D_OK);
        if (m->kind != C2D_MODEL_FOREST) {
            c2d_model_free(m);
            continue;
        }
        forests++;
        assert_non_null(m->forest.compact); /* the fast walk is what users get */
        const size_t nf = m->forest.n_features, nc = m->forest.n_classes, rows = 777;
        float *x = malloc(rows * nf * sizeof *x);
        float *p0 = malloc(rows * nc * sizeof *p0), *p1 = malloc(rows * nc * sizeof *p1);
        float *q0 = malloc(nc * sizeof *q0), *q1 = malloc(nc * sizeof *q1);
        uint64_t rng = 0x853C49E6748FEA9Bu + b;
        for (size_t i = 0; i < rows * nf; i++) {
            rng = rng * 6364136223846793005u + 1442695040888963407u;
            const uint32_t r = (uint32_t)(rng >> 33);
            x[i] = r % 17 == 0 ? NAN : r % 19 == 0 ? INFINITY : r % 23 == 0 ? -INFINITY
                 : r % 29 == 0 ? -FLT_MAX : (float)(r % 2000) / 10.0f - 20.0f;
        }
        assert_int_equal(c2d_forest_predict_batch(m, x, rows, nf, p0, nc), C2D_OK);
        assert_int_equal(c2d_forest_predict(m, x + 5 * nf, nf, q0, nc), C2D_OK);
        c2d__free(&m->alloc, m->forest.compact);
        m->forest.compact = NULL;
        assert_int_equal(c2d_forest_predict_batch(m, x, rows, nf, p1, nc), C2D_OK);
        assert_int_equal(c2d_forest_predict(m, x + 5 * nf, nf, q1, nc), C2D_OK);
        assert_memory_equal(p0, p1, rows * nc * sizeof *p0);
        assert_memory_equal(q0, q1, nc * sizeof *q0);
        assert_memory_equal(q0, p0 + 5 * nc, nc * sizeof *q0);
        free(x);
        free(p0);
        free(p1);
        free(q0);
        free(q1);
        c2d_model_free(m);
    }
    assert_true(forests >= 2);
}

int main(void) {
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_version_and_status_text),
        cmocka_unit_test(test_crc32c_check_value),
        cmocka_unit_test(test_cpu_and_isa_names),
        cmocka_unit_test(test_builtin_test_model),
        cmocka_unit_test(test_batch_equals_single),
        cmocka_unit_test(test_forest_walks_agree),
        cmocka_unit_test(test_isa_cap_param),
        cmocka_unit_test(test_load_file_paths),
        cmocka_unit_test(test_out_of_memory_every_step),
        cmocka_unit_test(test_every_truncation_refused),
        cmocka_unit_test(test_every_bit_flip_refused),
        cmocka_unit_test(test_padding_must_be_zero),
        cmocka_unit_test(test_structural_edits),
        cmocka_unit_test(test_section_table_edits),
        cmocka_unit_test(test_corrupt_corpus_refused),
    };
    return cmocka_run_group_tests_name("model", tests, NULL, NULL);
}
