/* libc2detect internal helpers shared by every module: allocation through the
 * caller's allocator, overflow-checked sizes, bounds-checked byte readers. */
#ifndef C2D_INTERNAL_H
#define C2D_INTERNAL_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include "c2detect/common.h"

#if defined(__GNUC__) || defined(__clang__)
#  define C2D_LIKELY(x) __builtin_expect(!!(x), 1)
#  define C2D_UNLIKELY(x) __builtin_expect(!!(x), 0)
#else
#  define C2D_LIKELY(x) (x)
#  define C2D_UNLIKELY(x) (x)
#endif

/* ------------------------------------------------------------- allocation */
/* Copy a caller's allocator (NULL or too-small size field -> error/default).
 * Returns C2D_OK or C2D_ERR_INVALID_ARG. */
c2d_status c2d__allocator_init(c2d_allocator *dst, const c2d_allocator *src);
void *c2d__alloc(const c2d_allocator *a, size_t n);
/* n*size bytes, zeroed; NULL on overflow or failure. */
void *c2d__calloc(const c2d_allocator *a, size_t n, size_t size);
void c2d__free(const c2d_allocator *a, void *p);

/* ----------------------------------------------------- overflow-safe sizes */
static inline bool c2d__add_overflows(size_t a, size_t b, size_t *out) {
    return __builtin_add_overflow(a, b, out);
}
static inline bool c2d__mul_overflows(size_t a, size_t b, size_t *out) {
    return __builtin_mul_overflow(a, b, out);
}
/* true when [off, off+len) lies inside [0, total) without overflow */
static inline bool c2d__span_ok(uint64_t off, uint64_t len, uint64_t total) {
    return off <= total && len <= total - off;
}

/* ------------------------------------------- byte loads (caller checked span) */
static inline uint16_t c2d__ld_u16le(const uint8_t *p) {
    return (uint16_t)(p[0] | (uint16_t)p[1] << 8);
}
static inline uint32_t c2d__ld_u32le(const uint8_t *p) {
    return (uint32_t)p[0] | (uint32_t)p[1] << 8 | (uint32_t)p[2] << 16 | (uint32_t)p[3] << 24;
}
static inline uint64_t c2d__ld_u64le(const uint8_t *p) {
    return (uint64_t)c2d__ld_u32le(p) | (uint64_t)c2d__ld_u32le(p + 4) << 32;
}
static inline uint16_t c2d__ld_u16be(const uint8_t *p) {
    return (uint16_t)((uint16_t)p[0] << 8 | p[1]);
}
static inline uint32_t c2d__ld_u32be(const uint8_t *p) {
    return (uint32_t)p[0] << 24 | (uint32_t)p[1] << 16 | (uint32_t)p[2] << 8 | (uint32_t)p[3];
}
static inline uint64_t c2d__ld_u64be(const uint8_t *p) {
    return (uint64_t)c2d__ld_u32be(p) << 32 | (uint64_t)c2d__ld_u32be(p + 4);
}
static inline float c2d__ld_f32le(const uint8_t *p) {
    uint32_t u = c2d__ld_u32le(p);
    float f;
    memcpy(&f, &u, sizeof f);
    return f;
}
static inline double c2d__ld_f64le(const uint8_t *p) {
    uint64_t u = c2d__ld_u64le(p);
    double d;
    memcpy(&d, &u, sizeof d);
    return d;
}

/* ------------------------------------------------ bounds-checked cursor */
/* A read cursor over untrusted bytes. Reads past the end set `bad` and return
 * 0; check `bad` once after a group of reads. */
typedef struct c2d__cursor {
    const uint8_t *p;
    size_t len;
    size_t pos;
    bool bad;
} c2d__cursor;

static inline void c2d__cursor_init(c2d__cursor *c, const void *p, size_t len) {
    c->p = (const uint8_t *)p;
    c->len = len;
    c->pos = 0;
    c->bad = false;
}
static inline const uint8_t *c2d__cursor_take(c2d__cursor *c, size_t n) {
    if (c->bad || n > c->len - c->pos) {
        c->bad = true;
        return NULL;
    }
    const uint8_t *q = c->p + c->pos;
    c->pos += n;
    return q;
}
static inline uint8_t c2d__rd_u8(c2d__cursor *c) {
    const uint8_t *q = c2d__cursor_take(c, 1);
    return q ? q[0] : 0;
}
static inline uint16_t c2d__rd_u16le(c2d__cursor *c) {
    const uint8_t *q = c2d__cursor_take(c, 2);
    return q ? c2d__ld_u16le(q) : 0;
}
static inline uint32_t c2d__rd_u32le(c2d__cursor *c) {
    const uint8_t *q = c2d__cursor_take(c, 4);
    return q ? c2d__ld_u32le(q) : 0;
}
static inline uint64_t c2d__rd_u64le(c2d__cursor *c) {
    const uint8_t *q = c2d__cursor_take(c, 8);
    return q ? c2d__ld_u64le(q) : 0;
}
static inline uint16_t c2d__rd_u16be(c2d__cursor *c) {
    const uint8_t *q = c2d__cursor_take(c, 2);
    return q ? c2d__ld_u16be(q) : 0;
}
static inline uint32_t c2d__rd_u32be(c2d__cursor *c) {
    const uint8_t *q = c2d__cursor_take(c, 4);
    return q ? c2d__ld_u32be(q) : 0;
}

/* ------------------------------------------------------------------ misc */
/* CRC-32C (Castagnoli), reflected, init/xor-out 0xFFFFFFFF. `crc` is the value
 * returned by a previous call (0 to start), so data can be fed in pieces. */
uint32_t c2d__crc32c(uint32_t crc, const void *data, size_t len);

/* Read a whole file (at most `max_len` bytes) into a block from `a`. *data is
 * the content, 64-byte aligned inside the block; free *block with c2d__free.
 * Returns C2D_OK, C2D_ERR_IO, C2D_ERR_NOMEM, C2D_ERR_LIMIT. */
c2d_status c2d__read_file(const c2d_allocator *a, const char *path, size_t max_len,
                          void **block, const uint8_t **data, size_t *len);

#endif /* C2D_INTERNAL_H */
