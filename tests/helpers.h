/* Shared by every cmocka suite: a counting allocator that can be told to fail
 * the N-th allocation (for out-of-memory paths), and small file helpers. */
#ifndef C2D_TEST_HELPERS_H
#define C2D_TEST_HELPERS_H

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "c2detect.h"

/* Counting allocator: `fail_at` = k makes the k-th allocation (1-based) and
 * every later one fail; 0 never fails. With `fail_only` set, only the k-th
 * fails and every later one succeeds (a transient failure: the handle must
 * stay usable). With `use_budget` set, an allocation that would take the live
 * bytes over `budget` fails (libuv-style; raise the budget step by step).
 * `live` counts outstanding blocks, `failures` the NULLs returned. */
typedef struct test_alloc {
    c2d_allocator api;
    long calls, live, fail_at;
    size_t bytes_live, bytes_peak;
    int fail_only, use_budget;
    size_t budget;
    long failures;
} test_alloc;

typedef struct test_alloc_hdr {
    size_t n;
    size_t pad; /* keep 16-byte alignment of the user block */
} test_alloc_hdr;

static void *test_alloc_fn(void *ctx, size_t n) {
    test_alloc *t = (test_alloc *)ctx;
    t->calls++;
    if (t->fail_at && (t->fail_only ? t->calls == t->fail_at : t->calls >= t->fail_at)) {
        t->failures++;
        return NULL;
    }
    if (t->use_budget && (n > t->budget || t->bytes_live > t->budget - n)) {
        t->failures++;
        return NULL;
    }
    test_alloc_hdr *h = (test_alloc_hdr *)malloc(sizeof *h + n);
    if (!h) return NULL;
    h->n = n;
    t->live++;
    t->bytes_live += n;
    if (t->bytes_live > t->bytes_peak) t->bytes_peak = t->bytes_live;
    return h + 1;
}

static void test_free_fn(void *ctx, void *p) {
    test_alloc *t = (test_alloc *)ctx;
    test_alloc_hdr *h = (test_alloc_hdr *)p - 1;
    t->live--;
    t->bytes_live -= h->n;
    free(h);
}

static inline void test_alloc_init(test_alloc *t, long fail_at) {
    memset(t, 0, sizeof *t);
    t->api.size = sizeof t->api;
    t->api.alloc = test_alloc_fn;
    t->api.free = test_free_fn;
    t->api.ctx = t;
    t->fail_at = fail_at;
}

/* Fail exactly the k-th allocation (1-based); every other one succeeds. */
static inline void test_alloc_init_fail_only(test_alloc *t, long k) {
    test_alloc_init(t, k);
    t->fail_only = 1;
}

/* Fail any allocation that would take the live bytes over `budget`. */
static inline void test_alloc_init_budget(test_alloc *t, size_t budget) {
    test_alloc_init(t, 0);
    t->use_budget = 1;
    t->budget = budget;
}

/* Read a whole file; returns malloc'd bytes (caller frees) or NULL. */
static inline uint8_t *test_read_file(const char *path, size_t *len) {
    *len = 0;
    FILE *f = fopen(path, "rb");
    if (!f) return NULL;
    fseek(f, 0, SEEK_END);
    long n = ftell(f);
    fseek(f, 0, SEEK_SET);
    uint8_t *b = (uint8_t *)malloc(n > 0 ? (size_t)n : 1);
    if (b && n > 0 && fread(b, 1, (size_t)n, f) != (size_t)n) {
        free(b);
        b = NULL;
    }
    fclose(f);
    *len = b ? (size_t)n : 0;
    return b;
}

/* Path of a file under tests/ in the source tree (C2D_TEST_DIR is set by CMake). */
static inline const char *test_path(const char *rel) {
    static char buf[4096];
    snprintf(buf, sizeof buf, "%s/%s", C2D_TEST_DIR, rel);
    return buf;
}

#endif
