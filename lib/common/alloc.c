/* Allocation through the caller's allocator, and whole-file reads. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>

#include "internal.h"

static void *default_alloc(void *ctx, size_t n) {
    (void)ctx;
    return malloc(n);
}
static void default_free(void *ctx, void *p) {
    (void)ctx;
    free(p);
}

c2d_status c2d__allocator_init(c2d_allocator *dst, const c2d_allocator *src) {
    if (!src) {
        dst->size = sizeof *dst;
        dst->alloc = default_alloc;
        dst->free = default_free;
        dst->ctx = NULL;
        return C2D_OK;
    }
    if (src->size < sizeof *src || !src->alloc || !src->free) return C2D_ERR_INVALID_ARG;
    *dst = *src;
    dst->size = sizeof *dst;
    return C2D_OK;
}

void *c2d__alloc(const c2d_allocator *a, size_t n) {
    return a->alloc(a->ctx, n ? n : 1);
}

void *c2d__calloc(const c2d_allocator *a, size_t n, size_t size) {
    size_t total;
    if (c2d__mul_overflows(n, size, &total)) return NULL;
    void *p = c2d__alloc(a, total);
    if (p) memset(p, 0, total ? total : 1);
    return p;
}

void c2d__free(const c2d_allocator *a, void *p) {
    if (p) a->free(a->ctx, p);
}

c2d_status c2d__read_file(const c2d_allocator *a, const char *path, size_t max_len,
                          void **block, const uint8_t **data, size_t *len) {
    *block = NULL;
    *data = NULL;
    *len = 0;
    FILE *f = fopen(path, "rb");
    if (!f) return C2D_ERR_IO;
    c2d_status st = C2D_OK;
    long end = -1;
    if (fseek(f, 0, SEEK_END) == 0) end = ftell(f);
    if (end < 0 || fseek(f, 0, SEEK_SET) != 0) {
        fclose(f);
        return C2D_ERR_IO;
    }
    if ((unsigned long)end > max_len) {
        fclose(f);
        return C2D_ERR_LIMIT;
    }
    size_t n = (size_t)end;
    uint8_t *b = c2d__alloc(a, n + 64);
    if (!b) {
        fclose(f);
        return C2D_ERR_NOMEM;
    }
    uint8_t *d = b + ((64 - ((uintptr_t)b & 63)) & 63);
    if (n && fread(d, 1, n, f) != n) st = C2D_ERR_IO;
    /* the file grew while we read it: refuse rather than take half of it */
    if (st == C2D_OK && fgetc(f) != EOF) st = C2D_ERR_IO;
    fclose(f);
    if (st != C2D_OK) {
        c2d__free(a, b);
        return st;
    }
    *block = b;
    *data = d;
    *len = n;
    return C2D_OK;
}
