/* HTTP module: tokenizer golden vectors (also checked against the Python twin in
 * bindings/python/tests/test_http_tokens.py), edge cases, limits, token names. */
#include "helpers.h"

#include <math.h>
#include <stdbool.h>
#include <stdlib.h>

#define SEQ C2D_HTTP_SEQ_LEN

static const char sality1[] =
    "GET /sobaka1.gif?12db3cf=98861835 HTTP/1.1\r\n"
    "User-Agent: Mozilla/4.0 (compatible; MSIE 7.0b; Windows NT 6.0)\r\n"
    "Host: padrup.com\r\n"
    "Cache-Control: no-cache\r\n"
    "Cookie: jsessionid=85b50d8fab658ecb9f79aa4de6039c87\r\n\r\n";
static const uint16_t sality1_ids[] = {
    1, 16, 32, 40, 45, 47, 589, 294, 48, 49, 529, 50, 517, 67, 192, 512, 512, 193, 194,
    512, 525, 218, 219, 512, 512, 4, 66, 789, 348, 4, 74, 273, 4, 76, 470, 533, 4, 2};

/* absolute target, IPv4, bare LF, empty value + obs-fold, a line without colon,
 * a duplicate field, a body after the blank line */
static const char odd[] =
    "POST http://1.2.3.4:80/a/b.php?x&y=1#frag HTTP/1.0\nHost: 1.2.3.4\nX-Foo:\n  folded value\n"
    "bad line here\nHost: x\n\nbody";
static const uint16_t odd_ids[] = {
    1, 17, 33, 41, 345, 13, 513, 45, 338, 45, 47, 869, 359, 48, 49, 234, 49, 884, 50, 512, 51,
    757, 66, 13, 4, 65, 795, 970, 5, 4, 9, 760, 679, 715, 4, 66, 6, 234, 4, 2, 8, 10};

static const char partial[] = "CONNECT a.b:443";
static const uint16_t partial_ids[] = {1, 22, 34, 42, 338, 869, 514, 3};

/* Tokenize from a heap copy of exactly len bytes so ASan catches any over-read. */
static c2d_status tok(const char *s, size_t len, uint16_t *ids, size_t *n) {
    char *copy = malloc(len ? len : 1);
    assert_non_null(copy);
    if (len) memcpy(copy, s, len);
    c2d_status st = c2d_http_tokenize(copy, len, ids, SEQ, n);
    free(copy);
    return st;
}

static void check_golden(const char *s, const uint16_t *want, size_t want_n) {
    uint16_t ids[SEQ];
    size_t n = 999;
    assert_int_equal(tok(s, strlen(s), ids, &n), C2D_OK);
    assert_int_equal(n, want_n);
    assert_memory_equal(ids, want, want_n * sizeof *want);
    for (size_t i = n; i < SEQ; i++) assert_int_equal(ids[i], 0);
}

static void test_golden(void **state) {
    (void)state;
    check_golden(sality1, sality1_ids, sizeof sality1_ids / sizeof sality1_ids[0]);
    check_golden(odd, odd_ids, sizeof odd_ids / sizeof odd_ids[0]);
    check_golden(partial, partial_ids, sizeof partial_ids / sizeof partial_ids[0]);
}

static void test_not_request(void **state) {
    (void)state;
    uint16_t ids[SEQ];
    size_t n = 7;
    assert_int_equal(tok("", 0, ids, &n), C2D_ERR_HTTP_NOT_REQUEST);
    assert_int_equal(n, 0);
    assert_int_equal(tok("\r\n\r\n", 4, ids, &n), C2D_ERR_HTTP_NOT_REQUEST);
    assert_int_equal(tok(" GET / HTTP/1.1\r\n", 17, ids, &n), C2D_ERR_HTTP_NOT_REQUEST);
    assert_int_equal(tok("G(T / HTTP/1.1\r\n", 16, ids, &n), C2D_ERR_HTTP_NOT_REQUEST);
    char longm[40];
    memset(longm, 'A', 33);
    memcpy(longm + 33, " / x", 4);
    assert_int_equal(tok(longm, 37, ids, &n), C2D_ERR_HTTP_NOT_REQUEST);
    for (size_t i = 0; i < SEQ; i++) assert_int_equal(ids[i], 0);
    /* 32 characters is still a method; leading blank lines are skipped */
    assert_int_equal(tok(longm + 1, 36, ids, &n), C2D_OK);
    assert_int_equal(ids[1], 29); /* METHOD_OTHER */
    assert_int_equal(tok("\r\n\nget / http/1.1", 17, ids, &n), C2D_OK);
    assert_int_equal(ids[1], 16);
    assert_int_equal(ids[2], 32);
}

static void test_args(void **state) {
    (void)state;
    uint16_t ids[SEQ];
    size_t n = 5;
    assert_int_equal(c2d_http_tokenize(sality1, 10, NULL, SEQ, &n), C2D_ERR_INVALID_ARG);
    assert_int_equal(c2d_http_tokenize(NULL, 10, ids, SEQ, &n), C2D_ERR_INVALID_ARG);
    assert_int_equal(c2d_http_tokenize(sality1, 10, ids, SEQ - 1, &n), C2D_ERR_BUFFER_TOO_SMALL);
    assert_int_equal(c2d_http_tokenize(NULL, 0, ids, SEQ, NULL), C2D_ERR_HTTP_NOT_REQUEST);
    assert_int_equal(c2d_http_tokenize(sality1, strlen(sality1), ids, SEQ, NULL), C2D_OK);
}

/* Every prefix of a block tokenizes (truncation) and a prefix ending inside the
 * header gives PARTIAL as its last structural id. */
static void test_prefixes(void **state) {
    (void)state;
    uint16_t ids[SEQ];
    size_t n;
    size_t len = strlen(sality1);
    for (size_t k = 1; k < len - 1; k++) {
        assert_int_equal(tok(sality1, k, ids, &n), C2D_OK);
        assert_true(n >= 5 && n <= SEQ);
        assert_int_equal(ids[n - 1], 3); /* PARTIAL */
    }
    assert_int_equal(tok(sality1, len, ids, &n), C2D_OK);
    assert_int_equal(ids[n - 1], 2); /* EOH */
}

/* Long values are cut by the water-filling rule: every field keeps its name,
 * the sequence is full, and TRUNC ends it. */
static void test_truncation_keeps_fields(void **state) {
    (void)state;
    static char buf[64 * 1024];
    size_t off = (size_t)snprintf(buf, sizeof buf, "GET /%s HTTP/1.1\r\n", "a/b/c/d");
    for (int f = 0; f < 20; f++) {
        off += (size_t)snprintf(buf + off, sizeof buf - off, "Host: ");
        for (int w = 0; w < 100; w++) off += (size_t)snprintf(buf + off, sizeof buf - off, "w%d ", w);
        off += (size_t)snprintf(buf + off, sizeof buf - off, "\r\n");
    }
    off += (size_t)snprintf(buf + off, sizeof buf - off, "\r\n");
    uint16_t ids[SEQ];
    size_t n;
    assert_int_equal(tok(buf, off, ids, &n), C2D_OK);
    int names = 0, seps = 0;
    for (size_t i = 0; i < n; i++) {
        names += ids[i] == 66;
        seps += ids[i] == 4;
    }
    assert_int_equal(names, 20);
    assert_int_equal(seps, 20);
    assert_int_equal(ids[n - 1], 11); /* TRUNC */
    assert_int_equal(ids[n - 2], 2);  /* EOH */
    assert_true(n >= SEQ - 21);       /* budget used up to less than one round */
}

static void test_many_fields(void **state) {
    (void)state;
    static char buf[8192];
    size_t off = (size_t)snprintf(buf, sizeof buf, "GET / HTTP/1.1\r\n");
    for (int f = 0; f < 60; f++)
        off += (size_t)snprintf(buf + off, sizeof buf - off, "Accept: x\r\n");
    uint16_t ids[SEQ];
    size_t n;
    assert_int_equal(tok(buf, off, ids, &n), C2D_OK);
    int seps = 0, dups = 0;
    for (size_t i = 0; i < n; i++) {
        seps += ids[i] == 4;
        dups += ids[i] == 6;
    }
    assert_int_equal(seps, C2D_HTTP_MAX_FIELDS);
    assert_int_equal(dups, C2D_HTTP_MAX_FIELDS - 1);
    assert_int_equal(ids[n - 2], 3);  /* PARTIAL: no blank line */
    assert_int_equal(ids[n - 1], 12); /* MANYFIELDS */
}

static void test_token_names(void **state) {
    (void)state;
    char buf[C2D_HTTP_TOKEN_NAME_MAX];
    assert_int_equal(c2d_http_token_name(16, buf, sizeof buf), C2D_OK);
    assert_string_equal(buf, "GET");
    assert_int_equal(c2d_http_token_name(67, buf, sizeof buf), C2D_OK);
    assert_string_equal(buf, "name:user-agent");
    assert_int_equal(c2d_http_token_name(192, buf, sizeof buf), C2D_OK);
    assert_string_equal(buf, "w:mozilla");
    assert_int_equal(c2d_http_token_name(533, buf, sizeof buf), C2D_OK);
    assert_string_equal(buf, "s:hexl:25-32");
    assert_int_equal(c2d_http_token_name(789, buf, sizeof buf), C2D_OK);
    assert_string_equal(buf, "h:149");
    assert_int_equal(c2d_http_token_name(13, buf, sizeof buf), C2D_OK);
    assert_string_equal(buf, "IPV4");
    assert_int_equal(c2d_http_token_name(1024, buf, sizeof buf), C2D_ERR_INVALID_ARG);
    assert_int_equal(c2d_http_token_name(16, NULL, 4), C2D_ERR_INVALID_ARG);
    assert_int_equal(c2d_http_token_name(67, buf, 5), C2D_ERR_BUFFER_TOO_SMALL);
    assert_string_equal(buf, "name");
    for (unsigned id = 0; id < C2D_HTTP_VOCAB_SIZE; id++)
        assert_int_equal(c2d_http_token_name(id, buf, sizeof buf), C2D_OK);
}

static void test_status_text(void **state) {
    (void)state;
    assert_string_equal(c2d_status_name(C2D_ERR_HTTP_NOT_REQUEST), "C2D_ERR_HTTP_NOT_REQUEST");
    assert_string_equal(c2d_strerror(C2D_ERR_HTTP_NOT_REQUEST), "not an HTTP request line");
}

/* ------------------------------------------------------------------ scoring */
/* Unit 42's four seed headers (defanging removed) and the variants of Tables 1-3;
 * the same set as c2detect.http_eval.table_variants(). None of them is in the
 * training data (http_gen drops anything resembling them). */
typedef struct field {
    const char *name, *value;
} field;

typedef struct seed_header {
    const char *name, *method, *uri, *rc; /* rc: Referer (Emotet) or Cache-Control (Sality) */
    field fields[8];
    size_t n;
    const char *uri2, *host2, *ua2, *referer2;
} seed_header;

#define EMOTET_UA                                                                                  \
    "Mozilla/4.0 (compatible; MSIE 7.0; Windows NT 6.1; WOW64; Trident/4.0; SLCC2; .NET CLR "      \
    "2.0.50727; .NET CLR 3.5.30729; .NET CLR 3.0.30729; Media Center PC 6.0; .NET CLR 1.1.4322; "  \
    ".NET4.0C; .NET4.0E; InfoPath.3)"

static const seed_header seeds[] = {
    {"emotet1", "POST", "/r1s4dvgwanu1ov8qku/e6qj08nos8kh/o7rhpr2xi05tkkp/", "Referer",
     {{"DNT", "0"},
      {"Referer", "90.160.138.175/r1s4dvgwanu1ov8qku/e6qj08nos8kh/o7rhpr2xi05tkkp/"},
      {"Content-Type", "multipart/form-data; boundary=----------------------1BetPUScZnIzXogZ6qQcQ8"},
      {"User-Agent", EMOTET_UA},
      {"Host", "90.160.138.175"},
      {"Content-Length", "5556"},
      {"Connection", "Keep-Alive"},
      {"Cache-Control", "no-cache"}},
     8, "/q8zk2mw0rtb7/x3p1nv9c/l0d5yh6e2af/", "41.77.134.9",
     "Mozilla/4.0 (compatible; MSIE 8.0; Windows NT 6.1; Trident/4.0; SLCC2; .NET CLR 2.0.50727; "
     ".NET CLR 3.5.30729; .NET CLR 3.0.30729; Media Center PC 6.0)",
     "41.77.134.9/q8zk2mw0rtb7/x3p1nv9c/l0d5yh6e2af/"},
    {"emotet2", "POST", "/kl4or/ok48hg/a5msy52s4i4uuac7dm/pzudacb2/a51azs1nbhzmu5m/p0f6wimb1tcqvn0/",
     "Referer",
     {{"DNT", "0"},
      {"Referer", "184.66.18.83/kl4or/ok48hg/a5msy52s4i4uuac7dm/pzudacb2/a51azs1nbhzmu5m/p0f6wimb1tcqvn0/"},
      {"Content-Type", "multipart/form-data; boundary=---------O8dHD39IM"},
      {"User-Agent", EMOTET_UA},
      {"Host", "184.66.18.83"},
      {"Content-Length", "6916"},
      {"Connection", "Keep-Alive"},
      {"Cache-Control", "no-cache"}},
     8, "/b7tq1/mm20ze/h6xpl0d4k2w/", "103.12.201.77",
     "Mozilla/5.0 (Windows NT 6.1; WOW64; Trident/7.0; rv:11.0) like Gecko",
     "103.12.201.77/b7tq1/mm20ze/h6xpl0d4k2w/"},
    {"sality1", "GET", "/sobaka1.gif?12db3cf=98861835", "Cache-Control",
     {{"User-Agent", "Mozilla/4.0 (compatible; MSIE 7.0b; Windows NT 6.0)"},
      {"Host", "padrup.com"},
      {"Cache-Control", "no-cache"},
      {"Cookie", "jsessionid=85b50d8fab658ecb9f79aa4de6039c87"}},
     4, "/nobata2.gif?52ad3pf=77952613", "kuzlomet.com",
     "Mozilla/4.0 (compatible; MSIE 8.0; Windows NT 5.1; Trident/4.0)", NULL},
    {"sality2", "GET", "/sobaka.aspx?24c1882=115624326", "Cache-Control",
     {{"User-Agent", "Mozilla/4.0 (compatible; MSIE 7.0b; Windows NT 6.0)"},
      {"Host", "padrup.com"},
      {"Cache-Control", "no-cache"},
      {"Cookie", "jsessionid=a2b0f43b9876d289325c3f13a7f8f95b"}},
     4, "/nobata.aspx?37fa092=904411287", "tresmal.net",
     "Mozilla/4.0 (compatible; MSIE 6.0; Windows NT 5.1; SV1)", NULL},
};

/* Render a block: `drop` names a field left out, `change`/`to` a value replaced,
 * `order` (NULL-terminated) fields moved to the front in that order. */
static size_t render(char *buf, size_t cap, const seed_header *h, const char *uri, const char *drop,
                     const char *change, const char *to, const char *const *order) {
    size_t off = (size_t)snprintf(buf, cap, "%s %s HTTP/1.1\r\n", h->method, uri);
    for (int pass = 0; pass < 2; pass++) {
        for (size_t oi = 0; pass == 0 && order && order[oi]; oi++)
            for (size_t i = 0; i < h->n; i++)
                if (!strcmp(h->fields[i].name, order[oi]))
                    off += (size_t)snprintf(buf + off, cap - off, "%s: %s\r\n", h->fields[i].name,
                                            h->fields[i].value);
        for (size_t i = 0; pass == 1 && i < h->n; i++) {
            const field *f = &h->fields[i];
            bool moved = false;
            for (size_t oi = 0; order && order[oi]; oi++) moved |= !strcmp(f->name, order[oi]);
            if (moved || (drop && !strcmp(f->name, drop))) continue;
            const char *v = (change && !strcmp(f->name, change)) ? to : f->value;
            off += (size_t)snprintf(buf + off, cap - off, "%s: %s\r\n", f->name, v);
        }
    }
    off += (size_t)snprintf(buf + off, cap - off, "\r\n");
    return off;
}

static bool has_field(const seed_header *h, const char *name) {
    for (size_t i = 0; i < h->n; i++)
        if (!strcmp(h->fields[i].name, name)) return true;
    return false;
}

static double score_of(const c2d_model *m, const char *b, size_t len) {
    double s = -1;
    assert_int_equal(c2d_http_score(m, b, len, &s), C2D_OK);
    assert_true(s >= 0.0 && s <= 1.0);
    return s;
}

/* Tables 1-3: every variant of the four headers scores above the shipped threshold. */
static void test_unit42_tables(void **state) {
    (void)state;
    c2d_model *m = NULL;
    assert_int_equal(c2d_model_builtin("http", NULL, &m), C2D_OK);
    double thr = 0;
    assert_int_equal(c2d_http_threshold(m, &thr), C2D_OK);
    assert_true(thr > 0.0 && thr < 1.0);
    static char buf[4096];
    int variants = 0;
    for (size_t k = 0; k < sizeof seeds / sizeof seeds[0]; k++) {
        const seed_header *h = &seeds[k];
        /* whole header */
        assert_true(score_of(m, buf, render(buf, sizeof buf, h, h->uri, NULL, NULL, NULL, NULL)) >= thr);
        variants++;
        /* Table 1: removed (uri-path: the target becomes "/") */
        assert_true(score_of(m, buf, render(buf, sizeof buf, h, "/", NULL, NULL, NULL, NULL)) >= thr);
        variants++;
        static const char *const removable[] = {"Host", "User-Agent", "Referer"};
        for (size_t r = 0; r < 3; r++) {
            if (!has_field(h, removable[r])) continue;
            double s = score_of(m, buf, render(buf, sizeof buf, h, h->uri, removable[r], NULL, NULL, NULL));
            if (s < thr) print_error("%s without %s: %f < %f\n", h->name, removable[r], s, thr);
            assert_true(s >= thr);
            variants++;
        }
        /* Table 2: changed */
        assert_true(score_of(m, buf, render(buf, sizeof buf, h, h->uri2, NULL, NULL, NULL, NULL)) >= thr);
        variants++;
        const char *const change[][2] = {{"Host", h->host2}, {"User-Agent", h->ua2}, {"Referer", h->referer2}};
        for (size_t c = 0; c < 3; c++) {
            if (!change[c][1] || !has_field(h, change[c][0])) continue;
            double s = score_of(m, buf, render(buf, sizeof buf, h, h->uri, NULL, change[c][0], change[c][1], NULL));
            if (s < thr) print_error("%s with changed %s: %f < %f\n", h->name, change[c][0], s, thr);
            assert_true(s >= thr);
            variants++;
        }
        /* Table 3: reordered (UP|H|R/C|UA), (UP|H|UA|R/C), (UP|UA|H|R/C) */
        const char *const orders[3][4] = {{"Host", h->rc, "User-Agent", NULL},
                                          {"Host", "User-Agent", h->rc, NULL},
                                          {"User-Agent", "Host", h->rc, NULL}};
        for (size_t o = 0; o < 3; o++) {
            double s = score_of(m, buf, render(buf, sizeof buf, h, h->uri, NULL, NULL, NULL, orders[o]));
            if (s < thr) print_error("%s reordered %zu: %f < %f\n", h->name, o, s, thr);
            assert_true(s >= thr);
            variants++;
        }
    }
    assert_int_equal(variants, 4 * 1 + 4 * 1 + 2 * 3 + 2 * 2 + 4 * 1 + 2 * 3 + 2 * 2 + 4 * 3);
    c2d_model_free(m);
}

/* A plain browser request stays below the threshold; batch equals single calls;
 * non-requests give NaN in a batch and NOT_REQUEST singly; wrong models are refused. */
static void test_score_api(void **state) {
    (void)state;
    c2d_model *m = NULL;
    assert_int_equal(c2d_model_builtin("http", NULL, &m), C2D_OK);
    static const char browser[] =
        "GET /news/world/ HTTP/1.1\r\nHost: www.bbc.co.uk\r\nConnection: keep-alive\r\n"
        "Upgrade-Insecure-Requests: 1\r\nUser-Agent: Mozilla/5.0 (Windows NT 10.0; Win64; x64) "
        "AppleWebKit/537.36 (KHTML, like Gecko) Chrome/124.0.0.0 Safari/537.36\r\nAccept: "
        "text/html,application/xhtml+xml,application/xml;q=0.9,image/avif,image/webp,image/apng,*/*;"
        "q=0.8\r\nAccept-Encoding: gzip, deflate\r\nAccept-Language: en-GB,en;q=0.9\r\n\r\n";
    int c2 = -1;
    double s = -1, thr = 0;
    assert_int_equal(c2d_http_threshold(m, &thr), C2D_OK);
    assert_int_equal(c2d_http_classify(m, browser, strlen(browser), &c2, &s), C2D_OK);
    assert_int_equal(c2, 0);
    assert_true(s < thr);
    assert_int_equal(c2d_http_classify(m, sality1, strlen(sality1), &c2, &s), C2D_OK);
    assert_int_equal(c2, 1);

    const void *blocks[3] = {browser, "\x01\x02", sality1};
    size_t lens[3] = {strlen(browser), 2, strlen(sality1)};
    double scores[3];
    size_t need = 0;
    assert_int_equal(c2d_http_scratch_size(m, &need), C2D_OK);
    assert_true(need > 0 && need <= C2D_HTTP_STACK_SCRATCH);
    char *scratch = malloc(need + 1);
    assert_non_null(scratch);
    assert_int_equal(c2d_http_score_batch(m, blocks, lens, 3, scratch + 1, need - 2, scores),
                     C2D_ERR_BUFFER_TOO_SMALL);
    assert_int_equal(c2d_http_score_batch(m, blocks, lens, 3, scratch, need, scores), C2D_OK);
    double single = 0;
    assert_int_equal(c2d_http_score(m, browser, lens[0], &single), C2D_OK);
    assert_true(scores[0] == single);
    assert_true(isnan(scores[1]));
    assert_int_equal(c2d_http_score(m, sality1, lens[2], &single), C2D_OK);
    assert_true(scores[2] == single);
    assert_int_equal(c2d_http_score(m, "\x01\x02", 2, &single), C2D_ERR_HTTP_NOT_REQUEST);
    assert_true(single == 0.0);
    assert_int_equal(c2d_http_score_batch(m, blocks, lens, 0, NULL, 0, NULL), C2D_OK);
    assert_int_equal(c2d_http_score_batch(m, NULL, lens, 3, scratch, need, scores), C2D_ERR_INVALID_ARG);
    assert_int_equal(c2d_http_score(NULL, browser, 10, &single), C2D_ERR_INVALID_ARG);
    assert_int_equal(c2d_http_classify(m, browser, 10, NULL, NULL), C2D_ERR_INVALID_ARG);
    free(scratch);

    /* a forest model is refused */
    c2d_model *forest = NULL;
    assert_int_equal(c2d_model_builtin("test", NULL, &forest), C2D_OK);
    assert_int_equal(c2d_http_score(forest, browser, 10, &single), C2D_ERR_KIND_MISMATCH);
    assert_int_equal(c2d_http_scratch_size(forest, &need), C2D_ERR_KIND_MISMATCH);
    c2d_model_free(forest);
    /* a CNN of another schema is refused */
    c2d_model *other = NULL;
    assert_int_equal(c2d_model_load_file(C2D_TEST_DIR "/fuzz/corpus/cnn/cnn_golden.c2dm", NULL, &other), C2D_OK);
    assert_int_equal(c2d_http_score(other, browser, 10, &single), C2D_ERR_SCHEMA_MISMATCH);
    assert_int_equal(c2d_http_scratch_size(other, &need), C2D_ERR_SCHEMA_MISMATCH);
    c2d_model_free(other);
    c2d_model_free(m);
}

int main(void) {
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_golden),          cmocka_unit_test(test_not_request),
        cmocka_unit_test(test_args),            cmocka_unit_test(test_prefixes),
        cmocka_unit_test(test_truncation_keeps_fields), cmocka_unit_test(test_many_fields),
        cmocka_unit_test(test_token_names),     cmocka_unit_test(test_status_text),
        cmocka_unit_test(test_unit42_tables),   cmocka_unit_test(test_score_api),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
