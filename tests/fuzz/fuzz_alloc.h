/* Allocation-failure mode for the harnesses: with C2D_FUZZ_FAIL_ALLOC=1 in the
 * environment, fuzz_allocator() returns an allocator that fails exactly one
 * allocation, the k-th, with k (1..32) taken from a hash of the input so each
 * input always fails at the same point and mutations move it. Without it,
 * NULL (malloc). The harness must then accept C2D_ERR_NOMEM wherever the API
 * documents it, and fuzz_alloc_check() catches leaks of the failure paths. */
#ifndef C2D_FUZZ_ALLOC_H
#define C2D_FUZZ_ALLOC_H
#include <stdint.h>
#include <stdlib.h>

#include "c2detect.h"

typedef struct fuzz_alloc_state {
    c2d_allocator api;
    long calls, fail_at, live;
} fuzz_alloc_state;

static void *fuzz_alloc_fn(void *ctx, size_t n) {
    fuzz_alloc_state *s = (fuzz_alloc_state *)ctx;
    if (++s->calls == s->fail_at) return NULL;
    void *p = malloc(n ? n : 1);
    if (p) s->live++;
    return p;
}

static void fuzz_free_fn(void *ctx, void *p) {
    fuzz_alloc_state *s = (fuzz_alloc_state *)ctx;
    if (p) s->live--;
    free(p);
}

static fuzz_alloc_state fuzz_alloc_st;

static const c2d_allocator *fuzz_allocator(const uint8_t *data, size_t size) {
    static int mode = -1;
    if (mode < 0) {
        const char *e = getenv("C2D_FUZZ_FAIL_ALLOC");
        mode = e && *e && *e != '0';
    }
    if (!mode) return NULL;
    uint32_t h = 2166136261u;
    for (size_t i = 0; i < size && i < 64; i++) h = (h ^ data[i]) * 16777619u;
    fuzz_alloc_st.api.size = sizeof fuzz_alloc_st.api;
    fuzz_alloc_st.api.alloc = fuzz_alloc_fn;
    fuzz_alloc_st.api.free = fuzz_free_fn;
    fuzz_alloc_st.api.ctx = &fuzz_alloc_st;
    fuzz_alloc_st.calls = 0;
    fuzz_alloc_st.live = 0;
    fuzz_alloc_st.fail_at = 1 + (long)(h % 32u);
    return &fuzz_alloc_st.api;
}

/* After everything made with the allocator is freed: nothing may be left. */
static void fuzz_alloc_check(const c2d_allocator *a) {
    if (a && fuzz_alloc_st.live != 0) abort();
}
#endif
