/* MD5 (RFC 1321), SHA-1 and SHA-256 (FIPS 180-4), written for this library so
 * it needs nothing beyond libc. Used for JA3/JA3S and certificate digests,
 * never for security decisions. */
#include <string.h>

#include "../common/internal.h"
#include "tls_internal.h"

static inline uint32_t rol32(uint32_t x, unsigned n) { return (x << n) | (x >> (32u - n)); }
static inline uint32_t ror32(uint32_t x, unsigned n) { return (x >> n) | (x << (32u - n)); }

/* ------------------------------------------------------------------ MD5 */
static const uint32_t md5_k[64] = {
    0xd76aa478,0xe8c7b756,0x242070db,0xc1bdceee,0xf57c0faf,0x4787c62a,0xa8304613,0xfd469501,
    0x698098d8,0x8b44f7af,0xffff5bb1,0x895cd7be,0x6b901122,0xfd987193,0xa679438e,0x49b40821,
    0xf61e2562,0xc040b340,0x265e5a51,0xe9b6c7aa,0xd62f105d,0x02441453,0xd8a1e681,0xe7d3fbc8,
    0x21e1cde6,0xc33707d6,0xf4d50d87,0x455a14ed,0xa9e3e905,0xfcefa3f8,0x676f02d9,0x8d2a4c8a,
    0xfffa3942,0x8771f681,0x6d9d6122,0xfde5380c,0xa4beea44,0x4bdecfa9,0xf6bb4b60,0xbebfbc70,
    0x289b7ec6,0xeaa127fa,0xd4ef3085,0x04881d05,0xd9d4d039,0xe6db99e5,0x1fa27cf8,0xc4ac5665,
    0xf4292244,0x432aff97,0xab9423a7,0xfc93a039,0x655b59c3,0x8f0ccc92,0xffeff47d,0x85845dd1,
    0x6fa87e4f,0xfe2ce6e0,0xa3014314,0x4e0811a1,0xf7537e82,0xbd3af235,0x2ad7d2bb,0xeb86d391};
static const uint8_t md5_r[64] = {
    7,12,17,22,7,12,17,22,7,12,17,22,7,12,17,22, 5,9,14,20,5,9,14,20,5,9,14,20,5,9,14,20,
    4,11,16,23,4,11,16,23,4,11,16,23,4,11,16,23, 6,10,15,21,6,10,15,21,6,10,15,21,6,10,15,21};

static void md5_block(uint32_t *h, const uint8_t *p) {
    uint32_t m[16];
    for (int i = 0; i < 16; i++) m[i] = c2d__ld_u32le(p + 4 * i);
    uint32_t a = h[0], b = h[1], c = h[2], d = h[3];
    for (unsigned i = 0; i < 64; i++) {
        uint32_t f;
        unsigned g;
        if (i < 16) { f = (b & c) | (~b & d); g = i; }
        else if (i < 32) { f = (d & b) | (~d & c); g = (5 * i + 1) & 15; }
        else if (i < 48) { f = b ^ c ^ d; g = (3 * i + 5) & 15; }
        else { f = c ^ (b | ~d); g = (7 * i) & 15; }
        uint32_t t = d;
        d = c;
        c = b;
        b = b + rol32(a + f + md5_k[i] + m[g], md5_r[i]);
        a = t;
    }
    h[0] += a; h[1] += b; h[2] += c; h[3] += d;
}

void c2d__md5_init(c2d__md5_ctx *c) {
    c->h[0] = 0x67452301; c->h[1] = 0xefcdab89; c->h[2] = 0x98badcfe; c->h[3] = 0x10325476;
    c->total = 0;
    c->fill = 0;
}

/* Shared buffering of the three 64-byte-block hashes. */
#define HASH_UPDATE(ctx, data, len, block_fn)                                   \
    do {                                                                        \
        const uint8_t *in_ = (const uint8_t *)(data);                           \
        size_t n_ = (len);                                                      \
        (ctx)->total += n_;                                                     \
        if ((ctx)->fill) {                                                      \
            size_t take_ = 64 - (ctx)->fill < n_ ? 64 - (ctx)->fill : n_;       \
            memcpy((ctx)->buf + (ctx)->fill, in_, take_);                       \
            (ctx)->fill += take_; in_ += take_; n_ -= take_;                    \
            if ((ctx)->fill < 64) break;                                        \
            block_fn((ctx)->h, (ctx)->buf);                                     \
            (ctx)->fill = 0;                                                    \
        }                                                                       \
        while (n_ >= 64) { block_fn((ctx)->h, in_); in_ += 64; n_ -= 64; }      \
        if (n_) { memcpy((ctx)->buf, in_, n_); (ctx)->fill = n_; }              \
    } while (0)

void c2d__md5_update(c2d__md5_ctx *c, const void *data, size_t len) {
    if (len) HASH_UPDATE(c, data, len, md5_block);
}

/* Pad with 0x80, zeros and the 64-bit bit length (little- or big-endian). */
static void pad_final(uint32_t *h, uint8_t *buf, size_t fill, uint64_t total, int big_endian,
                      void (*block)(uint32_t *, const uint8_t *)) {
    uint64_t bits = total * 8u;
    buf[fill++] = 0x80;
    if (fill > 56) {
        memset(buf + fill, 0, 64 - fill);
        block(h, buf);
        fill = 0;
    }
    memset(buf + fill, 0, 56 - fill);
    for (int i = 0; i < 8; i++)
        buf[56 + i] = (uint8_t)(big_endian ? bits >> (56 - 8 * i) : bits >> (8 * i));
    block(h, buf);
}


void c2d__md5_final(c2d__md5_ctx *c, uint8_t out[16]) {
    pad_final(c->h, c->buf, c->fill, c->total, 0, md5_block);
    for (int i = 0; i < 4; i++) {
        out[4 * i] = (uint8_t)c->h[i];
        out[4 * i + 1] = (uint8_t)(c->h[i] >> 8);
        out[4 * i + 2] = (uint8_t)(c->h[i] >> 16);
        out[4 * i + 3] = (uint8_t)(c->h[i] >> 24);
    }
}

static void put_be32(uint8_t *o, uint32_t v) {
    o[0] = (uint8_t)(v >> 24); o[1] = (uint8_t)(v >> 16); o[2] = (uint8_t)(v >> 8); o[3] = (uint8_t)v;
}

/* ---------------------------------------------------------------- SHA-1 */
static void sha1_block(uint32_t *h, const uint8_t *p) {
    uint32_t w[80];
    for (int i = 0; i < 16; i++) w[i] = c2d__ld_u32be(p + 4 * i);
    for (int i = 16; i < 80; i++) w[i] = rol32(w[i - 3] ^ w[i - 8] ^ w[i - 14] ^ w[i - 16], 1);
    uint32_t a = h[0], b = h[1], c = h[2], d = h[3], e = h[4];
    for (int i = 0; i < 80; i++) {
        uint32_t f, k;
        if (i < 20) { f = (b & c) | (~b & d); k = 0x5a827999; }
        else if (i < 40) { f = b ^ c ^ d; k = 0x6ed9eba1; }
        else if (i < 60) { f = (b & c) | (b & d) | (c & d); k = 0x8f1bbcdc; }
        else { f = b ^ c ^ d; k = 0xca62c1d6; }
        uint32_t t = rol32(a, 5) + f + e + k + w[i];
        e = d; d = c; c = rol32(b, 30); b = a; a = t;
    }
    h[0] += a; h[1] += b; h[2] += c; h[3] += d; h[4] += e;
}

void c2d__sha1_init(c2d__sha1_ctx *c) {
    c->h[0] = 0x67452301; c->h[1] = 0xefcdab89; c->h[2] = 0x98badcfe;
    c->h[3] = 0x10325476; c->h[4] = 0xc3d2e1f0;
    c->total = 0;
    c->fill = 0;
}
void c2d__sha1_update(c2d__sha1_ctx *c, const void *data, size_t len) {
    if (len) HASH_UPDATE(c, data, len, sha1_block);
}
void c2d__sha1_final(c2d__sha1_ctx *c, uint8_t out[20]) {
    pad_final(c->h, c->buf, c->fill, c->total, 1, sha1_block);
    for (int i = 0; i < 5; i++) put_be32(out + 4 * i, c->h[i]);
}

/* -------------------------------------------------------------- SHA-256 */
static const uint32_t sha256_k[64] = {
    0x428a2f98,0x71374491,0xb5c0fbcf,0xe9b5dba5,0x3956c25b,0x59f111f1,0x923f82a4,0xab1c5ed5,
    0xd807aa98,0x12835b01,0x243185be,0x550c7dc3,0x72be5d74,0x80deb1fe,0x9bdc06a7,0xc19bf174,
    0xe49b69c1,0xefbe4786,0x0fc19dc6,0x240ca1cc,0x2de92c6f,0x4a7484aa,0x5cb0a9dc,0x76f988da,
    0x983e5152,0xa831c66d,0xb00327c8,0xbf597fc7,0xc6e00bf3,0xd5a79147,0x06ca6351,0x14292967,
    0x27b70a85,0x2e1b2138,0x4d2c6dfc,0x53380d13,0x650a7354,0x766a0abb,0x81c2c92e,0x92722c85,
    0xa2bfe8a1,0xa81a664b,0xc24b8b70,0xc76c51a3,0xd192e819,0xd6990624,0xf40e3585,0x106aa070,
    0x19a4c116,0x1e376c08,0x2748774c,0x34b0bcb5,0x391c0cb3,0x4ed8aa4a,0x5b9cca4f,0x682e6ff3,
    0x748f82ee,0x78a5636f,0x84c87814,0x8cc70208,0x90befffa,0xa4506ceb,0xbef9a3f7,0xc67178f2};

static void sha256_block(uint32_t *h, const uint8_t *p) {
    uint32_t w[64];
    for (int i = 0; i < 16; i++) w[i] = c2d__ld_u32be(p + 4 * i);
    for (int i = 16; i < 64; i++) {
        uint32_t s0 = ror32(w[i - 15], 7) ^ ror32(w[i - 15], 18) ^ (w[i - 15] >> 3);
        uint32_t s1 = ror32(w[i - 2], 17) ^ ror32(w[i - 2], 19) ^ (w[i - 2] >> 10);
        w[i] = w[i - 16] + s0 + w[i - 7] + s1;
    }
    uint32_t a = h[0], b = h[1], c = h[2], d = h[3], e = h[4], f = h[5], g = h[6], hh = h[7];
    for (int i = 0; i < 64; i++) {
        uint32_t S1 = ror32(e, 6) ^ ror32(e, 11) ^ ror32(e, 25);
        uint32_t ch = (e & f) ^ (~e & g);
        uint32_t t1 = hh + S1 + ch + sha256_k[i] + w[i];
        uint32_t S0 = ror32(a, 2) ^ ror32(a, 13) ^ ror32(a, 22);
        uint32_t maj = (a & b) ^ (a & c) ^ (b & c);
        uint32_t t2 = S0 + maj;
        hh = g; g = f; f = e; e = d + t1; d = c; c = b; b = a; a = t1 + t2;
    }
    h[0] += a; h[1] += b; h[2] += c; h[3] += d; h[4] += e; h[5] += f; h[6] += g; h[7] += hh;
}

void c2d__sha256_init(c2d__sha256_ctx *c) {
    static const uint32_t iv[8] = {0x6a09e667,0xbb67ae85,0x3c6ef372,0xa54ff53a,
                                   0x510e527f,0x9b05688c,0x1f83d9ab,0x5be0cd19};
    memcpy(c->h, iv, sizeof iv);
    c->total = 0;
    c->fill = 0;
}
void c2d__sha256_update(c2d__sha256_ctx *c, const void *data, size_t len) {
    if (len) HASH_UPDATE(c, data, len, sha256_block);
}
void c2d__sha256_final(c2d__sha256_ctx *c, uint8_t out[32]) {
    pad_final(c->h, c->buf, c->fill, c->total, 1, sha256_block);
    for (int i = 0; i < 8; i++) put_be32(out + 4 * i, c->h[i]);
}

/* ------------------------------------------------------------- one-shot */
void c2d__md5(const void *data, size_t len, uint8_t out[16]) {
    c2d__md5_ctx c;
    c2d__md5_init(&c);
    c2d__md5_update(&c, data, len);
    c2d__md5_final(&c, out);
}
void c2d__sha1(const void *data, size_t len, uint8_t out[20]) {
    c2d__sha1_ctx c;
    c2d__sha1_init(&c);
    c2d__sha1_update(&c, data, len);
    c2d__sha1_final(&c, out);
}
void c2d__sha256(const void *data, size_t len, uint8_t out[32]) {
    c2d__sha256_ctx c;
    c2d__sha256_init(&c);
    c2d__sha256_update(&c, data, len);
    c2d__sha256_final(&c, out);
}

void c2d__hex(const uint8_t *in, size_t n, char *out) {
    static const char digits[] = "0123456789abcdef";
    for (size_t i = 0; i < n; i++) {
        out[2 * i] = digits[in[i] >> 4];
        out[2 * i + 1] = digits[in[i] & 15];
    }
    out[2 * n] = '\0';
}
