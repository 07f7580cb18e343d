/* libc2detect TLS module internals: the library's own MD5, SHA-1 and SHA-256
 * (libc only; used for JA3/JA3S and certificate digests) and the DER walk. */
#ifndef C2D_TLS_INTERNAL_H
#define C2D_TLS_INTERNAL_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "c2detect/common.h"

/* Streaming hashes: init, update any number of times, final (writes the
 * digest; the context must be re-initialised before reuse). */
typedef struct c2d__md5_ctx {
    uint32_t h[4];
    uint64_t total;
    uint8_t buf[64];
    size_t fill;
} c2d__md5_ctx;
void c2d__md5_init(c2d__md5_ctx *c);
void c2d__md5_update(c2d__md5_ctx *c, const void *data, size_t len);
void c2d__md5_final(c2d__md5_ctx *c, uint8_t out[16]);

typedef struct c2d__sha1_ctx {
    uint32_t h[5];
    uint64_t total;
    uint8_t buf[64];
    size_t fill;
} c2d__sha1_ctx;
void c2d__sha1_init(c2d__sha1_ctx *c);
void c2d__sha1_update(c2d__sha1_ctx *c, const void *data, size_t len);
void c2d__sha1_final(c2d__sha1_ctx *c, uint8_t out[20]);

typedef struct c2d__sha256_ctx {
    uint32_t h[8];
    uint64_t total;
    uint8_t buf[64];
    size_t fill;
} c2d__sha256_ctx;
void c2d__sha256_init(c2d__sha256_ctx *c);
void c2d__sha256_update(c2d__sha256_ctx *c, const void *data, size_t len);
void c2d__sha256_final(c2d__sha256_ctx *c, uint8_t out[32]);

/* One-shot forms. */
void c2d__md5(const void *data, size_t len, uint8_t out[16]);
void c2d__sha1(const void *data, size_t len, uint8_t out[20]);
void c2d__sha256(const void *data, size_t len, uint8_t out[32]);

/* Lower-case hex of `n` bytes into `out` (2n+1 bytes, NUL-terminated). */
void c2d__hex(const uint8_t *in, size_t n, char *out);

/* ------------------------------------------------- handshake byte stream */
/* Reads the payload of consecutive TLS handshake records as one stream,
 * without copying: a message may cross record boundaries anywhere. In raw
 * mode (c2d__hs_init_raw) the bytes are the stream itself (a bare DER
 * certificate). `off` is the logical offset in the stream; callers bound
 * nested structures by comparing it with the structure's end. The first
 * stream error (record header or end of bytes) is kept in `err`. While `tap`
 * is set every byte read is also fed to the SHA-1 and SHA-256 contexts. */
typedef struct c2d__hs {
    const uint8_t *d;
    size_t len;
    size_t pos;           /* next byte in d */
    size_t rec_end;       /* end of the current record's payload in d */
    uint64_t off;         /* bytes of stream read so far */
    c2d_status err;
    int raw;
    uint32_t records;     /* handshake record headers read */
    uint32_t skipped_alerts; /* warning alerts skipped before the first handshake record */
    uint16_t first_record_version;
    int tap;
    c2d__sha1_ctx tap_sha1;
    c2d__sha256_ctx tap_sha256;
    c2d__sha256_ctx *extra;   /* when non-NULL, also fed every byte read */
} c2d__hs;

void c2d__hs_init(c2d__hs *s, const uint8_t *d, size_t len);
void c2d__hs_init_raw(c2d__hs *s, const uint8_t *d, size_t len);
/* Bytes read into dst (dst NULL: skipped). false on a stream error. */
bool c2d__hs_read(c2d__hs *s, uint8_t *dst, size_t n);
bool c2d__hs_skip(c2d__hs *s, uint64_t n);
/* Big-endian integers of 1..4 bytes; 0 after an error. */
uint32_t c2d__hs_uint_slow(c2d__hs *s, unsigned nbytes);
static inline uint32_t c2d__hs_uint(c2d__hs *s, unsigned nbytes) {
    /* fast path: inside the current record, nothing tapped */
    size_t end = s->rec_end < s->len ? s->rec_end : s->len;
    if (!s->err && !s->tap && !s->extra && s->pos < end && nbytes <= end - s->pos && nbytes - 1u < 4u) {
        const uint8_t *p = s->d + s->pos;
        uint32_t v = 0;
        for (unsigned i = 0; i < nbytes; i++) v = v << 8 | p[i];
        s->pos += nbytes;
        s->off += nbytes;
        return v;
    }
    return c2d__hs_uint_slow(s, nbytes);
}
/* true when the stream has no byte left in the current record and no
 * further handshake record header follows (end of the handshake flight). */
bool c2d__hs_at_end(c2d__hs *s);

/* Walk a certificate's DER from the stream (exactly `len` bytes are consumed
 * unless the stream fails): subject/issuer commonName and whether subject ==
 * issuer. Returns C2D_OK, C2D_ERR_TLS_DER, or the stream's error. cn buffers
 * hold cn_cap bytes including the NUL. */
c2d_status c2d__der_cert_names(c2d__hs *s, uint64_t len, char *subject_cn, char *issuer_cn,
                               size_t cn_cap, int *self_signed);

/* The two halves of c2d_tls_fingerprint (info->size already checked). */
struct c2d_tls_info;
c2d_status c2d__tls_fingerprint_client(struct c2d_tls_info *info);
c2d_status c2d__tls_fingerprint_server(struct c2d_tls_info *info);

#endif /* C2D_TLS_INTERNAL_H */
