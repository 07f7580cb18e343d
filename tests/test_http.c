/* HTTP module: tokenizer golden vectors (also checked against the Python twin in
 * bindings/python/tests/test_http_tokens.py), edge cases, limits, token names. */
#include "helpers.h"

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

int main(void) {
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_golden),          cmocka_unit_test(test_not_request),
        cmocka_unit_test(test_args),            cmocka_unit_test(test_prefixes),
        cmocka_unit_test(test_truncation_keeps_fields), cmocka_unit_test(test_many_fields),
        cmocka_unit_test(test_token_names),     cmocka_unit_test(test_status_text),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
