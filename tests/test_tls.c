/* TLS module: own MD5/SHA-1/SHA-256 against the standard vectors, the
 * ClientHello/ServerHello/Certificate parser on hand-built handshakes (split,
 * GREASE, no SNI, TLS 1.3, a 16 KiB record, a certificate chain), JA3/JA3S/JA4
 * exact values, and truncations and bit flips rejected with precise statuses. */
#include "helpers.h"

#include <stdbool.h>
#include <stddef.h>

#include "tls/tls_internal.h"

/* Certificates made with openssl for this test: a v3 CA "Test Root CA"
 * (O=Test Org), a v1 leaf "c2.example.net" (C=JP) it signed, and a
 * self-signed "Self Signed Host" (all P-256). */
static const uint8_t leaf_der[335] = {
    0x30,0x82,0x01,0x4b,0x30,0x81,0xf1,0x02,0x14,0x37,0xf4,0x19,0x1a,0x75,0xf3,0x41,
    0x5b,0x8e,0xe1,0x34,0x72,0x60,0xe8,0x37,0xf5,0xb2,0xd4,0xa9,0x2e,0x30,0x0a,0x06,
    0x08,0x2a,0x86,0x48,0xce,0x3d,0x04,0x03,0x02,0x30,0x2a,0x31,0x11,0x30,0x0f,0x06,
    0x03,0x55,0x04,0x0a,0x0c,0x08,0x54,0x65,0x73,0x74,0x20,0x4f,0x72,0x67,0x31,0x15,
    0x30,0x13,0x06,0x03,0x55,0x04,0x03,0x0c,0x0c,0x54,0x65,0x73,0x74,0x20,0x52,0x6f,
    0x6f,0x74,0x20,0x43,0x41,0x30,0x1e,0x17,0x0d,0x32,0x36,0x31,0x32,0x30,0x34,0x32,
    0x30,0x34,0x38,0x35,0x31,0x5a,0x17,0x0d,0x32,0x37,0x31,0x32,0x30,0x34,0x32,0x30,
    0x34,0x38,0x35,0x31,0x5a,0x30,0x26,0x31,0x0b,0x30,0x09,0x06,0x03,0x55,0x04,0x06,
    0x13,0x02,0x4a,0x50,0x31,0x17,0x30,0x15,0x06,0x03,0x55,0x04,0x03,0x0c,0x0e,0x63,
    0x32,0x2e,0x65,0x78,0x61,0x6d,0x70,0x6c,0x65,0x2e,0x6e,0x65,0x74,0x30,0x59,0x30,
    0x13,0x06,0x07,0x2a,0x86,0x48,0xce,0x3d,0x02,0x01,0x06,0x08,0x2a,0x86,0x48,0xce,
    0x3d,0x03,0x01,0x07,0x03,0x42,0x00,0x04,0x29,0xea,0x41,0x26,0x3c,0x8b,0x2e,0x95,
    0x0f,0xba,0xa8,0xe8,0xf3,0xbe,0xc8,0x51,0x1a,0x80,0x71,0x82,0x8a,0xd8,0xac,0xaa,
    0xef,0x77,0xa5,0x49,0x1f,0x7f,0xce,0x3c,0x8e,0x66,0xf2,0x7c,0x4e,0x48,0xce,0x94,
    0x55,0x19,0x20,0x8d,0xab,0xbe,0x01,0x9a,0xf3,0xed,0x2d,0x3c,0xa7,0xc9,0xf9,0xb3,
    0x29,0xaa,0xd3,0xb1,0x14,0x79,0x4f,0xf9,0x30,0x0a,0x06,0x08,0x2a,0x86,0x48,0xce,
    0x3d,0x04,0x03,0x02,0x03,0x49,0x00,0x30,0x46,0x02,0x21,0x00,0xdb,0x56,0x13,0xe1,
    0x47,0xb4,0xd1,0x0c,0x0e,0x30,0x9e,0xbb,0xf1,0x9b,0x45,0x49,0xf6,0x28,0xd7,0xb4,
    0x1e,0xd2,0x09,0x43,0x58,0xc2,0x72,0x15,0xa9,0x92,0x8c,0xfa,0x02,0x21,0x00,0xa1,
    0x0b,0x84,0xcd,0x1c,0x17,0xab,0xd5,0x5f,0x44,0x19,0x25,0x7a,0x22,0x96,0x90,0x71,
    0xe5,0x2e,0xeb,0x0b,0x4a,0xee,0xa6,0x81,0xfe,0x05,0xd6,0x38,0x19,0xcd,0x82,
};
static const uint8_t ca_der[430] = {
    0x30,0x82,0x01,0xaa,0x30,0x82,0x01,0x4f,0xa0,0x03,0x02,0x01,0x02,0x02,0x14,0x00,
    0xa4,0x20,0xca,0x34,0xb1,0xc9,0x5d,0x97,0x89,0xc3,0x40,0xe2,0xdf,0xad,0x5d,0x94,
    0xf3,0x3c,0x8d,0x30,0x0a,0x06,0x08,0x2a,0x86,0x48,0xce,0x3d,0x04,0x03,0x02,0x30,
    0x2a,0x31,0x11,0x30,0x0f,0x06,0x03,0x55,0x04,0x0a,0x0c,0x08,0x54,0x65,0x73,0x74,
    0x20,0x4f,0x72,0x67,0x31,0x15,0x30,0x13,0x06,0x03,0x55,0x04,0x03,0x0c,0x0c,0x54,
    0x65,0x73,0x74,0x20,0x52,0x6f,0x6f,0x74,0x20,0x43,0x41,0x30,0x1e,0x17,0x0d,0x32,
    0x36,0x31,0x32,0x30,0x34,0x32,0x30,0x34,0x38,0x35,0x31,0x5a,0x17,0x0d,0x33,0x36,
    0x31,0x32,0x30,0x31,0x32,0x30,0x34,0x38,0x35,0x31,0x5a,0x30,0x2a,0x31,0x11,0x30,
    0x0f,0x06,0x03,0x55,0x04,0x0a,0x0c,0x08,0x54,0x65,0x73,0x74,0x20,0x4f,0x72,0x67,
    0x31,0x15,0x30,0x13,0x06,0x03,0x55,0x04,0x03,0x0c,0x0c,0x54,0x65,0x73,0x74,0x20,
    0x52,0x6f,0x6f,0x74,0x20,0x43,0x41,0x30,0x59,0x30,0x13,0x06,0x07,0x2a,0x86,0x48,
    0xce,0x3d,0x02,0x01,0x06,0x08,0x2a,0x86,0x48,0xce,0x3d,0x03,0x01,0x07,0x03,0x42,
    0x00,0x04,0x61,0x0d,0xc8,0xf2,0x11,0x6b,0xb0,0xb5,0x81,0xf1,0xa7,0xc3,0x84,0x05,
    0x2b,0xfc,0x7b,0x2c,0x5b,0xa1,0x10,0x10,0xa0,0x6c,0x35,0xda,0x2e,0x90,0xed,0x1a,
    0x62,0x08,0xe5,0x9c,0x9e,0xa5,0xc0,0x04,0xaf,0x09,0xaf,0x7e,0x68,0x67,0x7f,0x41,
    0x54,0x94,0x7b,0xd5,0xce,0xb5,0xe6,0x38,0xae,0x4b,0xa5,0x46,0xe2,0xc3,0x12,0xfb,
    0x47,0x53,0xa3,0x53,0x30,0x51,0x30,0x1d,0x06,0x03,0x55,0x1d,0x0e,0x04,0x16,0x04,
    0x14,0x35,0x34,0xfc,0xc5,0x29,0x34,0x44,0x6d,0xed,0x35,0x18,0x78,0x49,0xfe,0xe5,
    0xdd,0x91,0xd8,0x63,0x89,0x30,0x1f,0x06,0x03,0x55,0x1d,0x23,0x04,0x18,0x30,0x16,
    0x80,0x14,0x35,0x34,0xfc,0xc5,0x29,0x34,0x44,0x6d,0xed,0x35,0x18,0x78,0x49,0xfe,
    0xe5,0xdd,0x91,0xd8,0x63,0x89,0x30,0x0f,0x06,0x03,0x55,0x1d,0x13,0x01,0x01,0xff,
    0x04,0x05,0x30,0x03,0x01,0x01,0xff,0x30,0x0a,0x06,0x08,0x2a,0x86,0x48,0xce,0x3d,
    0x04,0x03,0x02,0x03,0x49,0x00,0x30,0x46,0x02,0x21,0x00,0x98,0x73,0xa8,0x17,0xdc,
    0xce,0xce,0xdb,0x1b,0x37,0xe6,0xe2,0x15,0x6c,0xb9,0x02,0x7d,0xb6,0xd8,0xc9,0x5c,
    0x42,0x49,0xf4,0xae,0xb2,0xc1,0xe1,0x74,0x07,0x18,0xa7,0x02,0x21,0x00,0xdb,0x04,
    0x53,0x1f,0x04,0x78,0x6d,0x8a,0xd4,0x95,0xe6,0xd4,0xec,0x47,0x03,0x60,0x18,0x70,
    0x92,0x44,0x59,0x64,0x2b,0xfe,0xae,0x6f,0x82,0xc9,0x52,0xe0,0x1c,0x4f,
};
static const uint8_t self_der[399] = {
    0x30,0x82,0x01,0x8b,0x30,0x82,0x01,0x31,0xa0,0x03,0x02,0x01,0x02,0x02,0x14,0x1d,
    0xe5,0xfe,0xb2,0x32,0xe8,0x1b,0xdd,0x24,0x72,0x9f,0x87,0xd1,0xc1,0x07,0x85,0x7b,
    0xa7,0xeb,0x6c,0x30,0x0a,0x06,0x08,0x2a,0x86,0x48,0xce,0x3d,0x04,0x03,0x02,0x30,
    0x1b,0x31,0x19,0x30,0x17,0x06,0x03,0x55,0x04,0x03,0x0c,0x10,0x53,0x65,0x6c,0x66,
    0x20,0x53,0x69,0x67,0x6e,0x65,0x64,0x20,0x48,0x6f,0x73,0x74,0x30,0x1e,0x17,0x0d,
    0x32,0x36,0x31,0x32,0x30,0x34,0x32,0x30,0x34,0x38,0x35,0x31,0x5a,0x17,0x0d,0x32,
    0x37,0x30,0x31,0x30,0x33,0x32,0x30,0x34,0x38,0x35,0x31,0x5a,0x30,0x1b,0x31,0x19,
    0x30,0x17,0x06,0x03,0x55,0x04,0x03,0x0c,0x10,0x53,0x65,0x6c,0x66,0x20,0x53,0x69,
    0x67,0x6e,0x65,0x64,0x20,0x48,0x6f,0x73,0x74,0x30,0x59,0x30,0x13,0x06,0x07,0x2a,
    0x86,0x48,0xce,0x3d,0x02,0x01,0x06,0x08,0x2a,0x86,0x48,0xce,0x3d,0x03,0x01,0x07,
    0x03,0x42,0x00,0x04,0x29,0xea,0x41,0x26,0x3c,0x8b,0x2e,0x95,0x0f,0xba,0xa8,0xe8,
    0xf3,0xbe,0xc8,0x51,0x1a,0x80,0x71,0x82,0x8a,0xd8,0xac,0xaa,0xef,0x77,0xa5,0x49,
    0x1f,0x7f,0xce,0x3c,0x8e,0x66,0xf2,0x7c,0x4e,0x48,0xce,0x94,0x55,0x19,0x20,0x8d,
    0xab,0xbe,0x01,0x9a,0xf3,0xed,0x2d,0x3c,0xa7,0xc9,0xf9,0xb3,0x29,0xaa,0xd3,0xb1,
    0x14,0x79,0x4f,0xf9,0xa3,0x53,0x30,0x51,0x30,0x1d,0x06,0x03,0x55,0x1d,0x0e,0x04,
    0x16,0x04,0x14,0xa7,0x44,0xfc,0xc7,0xde,0xe1,0x41,0x31,0x0f,0x57,0xd7,0x59,0xc5,
    0x68,0x23,0x80,0x70,0x5b,0x9b,0xd8,0x30,0x1f,0x06,0x03,0x55,0x1d,0x23,0x04,0x18,
    0x30,0x16,0x80,0x14,0xa7,0x44,0xfc,0xc7,0xde,0xe1,0x41,0x31,0x0f,0x57,0xd7,0x59,
    0xc5,0x68,0x23,0x80,0x70,0x5b,0x9b,0xd8,0x30,0x0f,0x06,0x03,0x55,0x1d,0x13,0x01,
    0x01,0xff,0x04,0x05,0x30,0x03,0x01,0x01,0xff,0x30,0x0a,0x06,0x08,0x2a,0x86,0x48,
    0xce,0x3d,0x04,0x03,0x02,0x03,0x48,0x00,0x30,0x45,0x02,0x21,0x00,0xf8,0xb2,0x00,
    0xa6,0xb6,0x41,0xbe,0xff,0x0e,0x4b,0xa0,0xdd,0x76,0xd2,0x82,0x78,0x08,0x25,0x81,
    0x6f,0xfe,0xf6,0x26,0x02,0xe8,0x38,0x29,0x52,0xcc,0x74,0x36,0x26,0x02,0x20,0x25,
    0x5a,0x06,0x74,0x30,0xea,0xf1,0xf3,0xed,0xbb,0x76,0xb4,0x5e,0x6f,0x94,0x14,0x65,
    0x04,0x44,0x30,0xb2,0xa2,0x7f,0x50,0xfe,0xd7,0x1e,0x18,0x1c,0xad,0x46,0xbc,
};

/* ------------------------------------------------------------- hashes */
static void hex_of(const uint8_t *d, size_t n, char *out) { c2d__hex(d, n, out); }

static void md5_hex(const void *p, size_t n, char out[33]) {
    uint8_t d[16];
    c2d__md5(p, n, d);
    hex_of(d, 16, out);
}
static void sha1_hex(const void *p, size_t n, char out[41]) {
    uint8_t d[20];
    c2d__sha1(p, n, d);
    hex_of(d, 20, out);
}
static void sha256_hex(const void *p, size_t n, char out[65]) {
    uint8_t d[32];
    c2d__sha256(p, n, d);
    hex_of(d, 32, out);
}

static void test_md5_rfc1321(void **state) {
    (void)state;
    static const struct { const char *in, *out; } v[] = {
        {"", "d41d8cd98f00b204e9800998ecf8427e"},
        {"a", "0cc175b9c0f1b6a831c399e269772661"},
        {"abc", "900150983cd24fb0d6963f7d28e17f72"},
        {"message digest", "f96b697d7cb7938d525a2f31aaf161d0"},
        {"abcdefghijklmnopqrstuvwxyz", "c3fcd3d76192e4007dfb496cca67e13b"},
        {"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789", "d174ab98d277d9f5a5611c2c9f419d9f"},
        {"12345678901234567890123456789012345678901234567890123456789012345678901234567890",
         "57edf4a22be3c955ac49da2e2107b67a"},
    };
    char h[33];
    for (size_t i = 0; i < sizeof v / sizeof v[0]; i++) {
        md5_hex(v[i].in, strlen(v[i].in), h);
        assert_string_equal(h, v[i].out);
    }
}

static void test_sha_fips(void **state) {
    (void)state;
    const char *abc = "abc";
    const char *two = "abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopq"; /* 448 bits: two blocks after padding */
    const char *four = "abcdefghbcdefghicdefghijdefghijkefghijklfghijklmghijklmnhijklmno"
                       "ijklmnopjklmnopqklmnopqrlmnopqrsmnopqrstnopqrstu"; /* 896 bits */
    char h1[41], h2[65];
    sha1_hex("", 0, h1);
    assert_string_equal(h1, "da39a3ee5e6b4b0d3255bfef95601890afd80709");
    sha1_hex(abc, 3, h1);
    assert_string_equal(h1, "a9993e364706816aba3e25717850c26c9cd0d89d");
    sha1_hex(two, strlen(two), h1);
    assert_string_equal(h1, "84983e441c3bd26ebaae4aa1f95129e5e54670f1");
    sha1_hex(four, strlen(four), h1);
    assert_string_equal(h1, "a49b2446a02c645bf419f995b67091253a04a259");
    sha256_hex("", 0, h2);
    assert_string_equal(h2, "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855");
    sha256_hex(abc, 3, h2);
    assert_string_equal(h2, "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
    sha256_hex(two, strlen(two), h2);
    assert_string_equal(h2, "248d6a61d20638b8e5c026930c3e6039a33ce45964ff2167f6ecedd419db06c1");
    sha256_hex(four, strlen(four), h2);
    assert_string_equal(h2, "cf5b16a778af8380036ce59e7b0492370b249b11e8f07a51afac45037afee9d1");
}

/* A million 'a' fed in uneven pieces (1..997 bytes) through the streaming API. */
static void test_million_a(void **state) {
    (void)state;
    static uint8_t buf[1000];
    memset(buf, 'a', sizeof buf);
    c2d__md5_ctx m;
    c2d__sha1_ctx s1;
    c2d__sha256_ctx s2;
    c2d__md5_init(&m);
    c2d__sha1_init(&s1);
    c2d__sha256_init(&s2);
    size_t left = 1000000, step = 1;
    while (left) {
        size_t n = step < left ? step : left;
        c2d__md5_update(&m, buf, n);
        c2d__sha1_update(&s1, buf, n);
        c2d__sha256_update(&s2, buf, n);
        left -= n;
        step = step * 7 % 997 + 1;
    }
    uint8_t d[32];
    char h[65];
    c2d__md5_final(&m, d);
    hex_of(d, 16, h);
    assert_string_equal(h, "7707d6ae4e027c70eea2a935c2296f21");
    c2d__sha1_final(&s1, d);
    hex_of(d, 20, h);
    assert_string_equal(h, "34aa973cd4c4daa4f61eeb2bdbad27316534016f");
    c2d__sha256_final(&s2, d);
    hex_of(d, 32, h);
    assert_string_equal(h, "cdc76e5c9914fb9281a1c7e284d73e67f1809a48a497200e046d39ccc7112cd0");
}

/* Every length 0..200 around the 55/56/64-byte padding edges: pieces equal one shot. */
static void test_hash_pieces(void **state) {
    (void)state;
    uint8_t in[200];
    for (int i = 0; i < 200; i++) in[i] = (uint8_t)(i * 31 + 7);
    for (size_t n = 0; n <= sizeof in; n++) {
        uint8_t a[32], b[32];
        c2d__sha256(in, n, a);
        c2d__sha256_ctx c;
        c2d__sha256_init(&c);
        for (size_t i = 0; i < n; i++) c2d__sha256_update(&c, in + i, 1);
        c2d__sha256_final(&c, b);
        assert_memory_equal(a, b, 32);
        uint8_t m1[16], m2[16];
        c2d__md5(in, n, m1);
        c2d__md5_ctx mc;
        c2d__md5_init(&mc);
        c2d__md5_update(&mc, in, n / 3);
        c2d__md5_update(&mc, in + n / 3, n - n / 3);
        c2d__md5_final(&mc, m2);
        assert_memory_equal(m1, m2, 16);
    }
}

/* ---------------------------------------------------- handshake builder */
typedef struct wb {
    uint8_t b[70000];
    size_t n;
} wb;

static void w8(wb *w, unsigned v) { w->b[w->n++] = (uint8_t)v; }
static void w16(wb *w, unsigned v) { w8(w, v >> 8); w8(w, v & 0xff); }
static void w24(wb *w, unsigned v) { w8(w, v >> 16); w16(w, v & 0xffff); }
static void wbytes(wb *w, const void *p, size_t n) { memcpy(w->b + w->n, p, n); w->n += n; }
static void wzero(wb *w, size_t n) { memset(w->b + w->n, 0, n); w->n += n; }
static size_t open_len(wb *w, int bytes) { size_t at = w->n; w->n += (size_t)bytes; return at; }
static void close_len(wb *w, size_t at, int bytes) {
    size_t len = w->n - at - (size_t)bytes;
    for (int i = bytes - 1; i >= 0; i--, len >>= 8) w->b[at + (size_t)i] = (uint8_t)len;
}

typedef struct ch_opts {
    int sni;            /* add server_name example.com */
    int alpn;           /* add ALPN h2, http/1.1 */
    int tls13;          /* add supported_versions GREASE, 1.3, 1.2 */
    size_t padding;     /* padding extension body length (0: none) */
    unsigned n_extra_ciphers; /* ciphers 0x0100.. appended */
} ch_opts;

/* The JA4 specification's example client (ciphers, extension order, signature
 * algorithms), with GREASE in ciphers, extensions, groups and versions. */
static void build_client_hello(wb *w, const ch_opts *o) {
    static const uint16_t ciphers[] = {0x0a0a, 0x1301, 0x1302, 0x1303, 0xc02b, 0xc02f, 0xc02c, 0xc030,
                                       0xcca9, 0xcca8, 0xc013, 0xc014, 0x009c, 0x009d, 0x002f, 0x0035};
    static const uint16_t sigs[] = {0x0403, 0x0804, 0x0401, 0x0503, 0x0805, 0x0501, 0x0806, 0x0601};
    w8(w, 1);
    size_t hl = open_len(w, 3);
    w16(w, 0x0303);
    for (int i = 0; i < 32; i++) w8(w, (unsigned)i);
    w8(w, 32);
    for (int i = 0; i < 32; i++) w8(w, 0xee);
    size_t cl = open_len(w, 2);
    for (size_t i = 0; i < sizeof ciphers / 2; i++) w16(w, ciphers[i]);
    for (unsigned i = 0; i < o->n_extra_ciphers; i++) w16(w, 0x0100 + i);
    close_len(w, cl, 2);
    w8(w, 1);
    w8(w, 0);
    size_t xl = open_len(w, 2);
    w16(w, 0x1a1a); w16(w, 0);                              /* GREASE */
    w16(w, 0x001b); w16(w, 3); w8(w, 2); w16(w, 2);         /* compress_certificate */
    if (o->sni) {
        w16(w, 0x0000);
        size_t e = open_len(w, 2), l = open_len(w, 2);
        w8(w, 0);
        w16(w, 11);
        wbytes(w, "example.com", 11);
        close_len(w, l, 2);
        close_len(w, e, 2);
    }
    w16(w, 0x0033); w16(w, 2); w16(w, 0);                   /* key_share (empty list) */
    if (o->alpn) {
        w16(w, 0x0010);
        size_t e = open_len(w, 2), l = open_len(w, 2);
        w8(w, 2); wbytes(w, "h2", 2);
        w8(w, 8); wbytes(w, "http/1.1", 8);
        close_len(w, l, 2);
        close_len(w, e, 2);
    }
    w16(w, 0x4469); w16(w, 5); w16(w, 3); w8(w, 2); wbytes(w, "h2", 2); /* ALPS */
    w16(w, 0x0017); w16(w, 0);                              /* extended_master_secret */
    w16(w, 0x002d); w16(w, 2); w8(w, 1); w8(w, 1);          /* psk_key_exchange_modes */
    w16(w, 0x000d);                                         /* signature_algorithms */
    w16(w, 2 + sizeof sigs);
    w16(w, sizeof sigs);
    for (size_t i = 0; i < sizeof sigs / 2; i++) w16(w, sigs[i]);
    w16(w, 0x0005); w16(w, 5); w8(w, 1); w16(w, 0); w16(w, 0); /* status_request */
    w16(w, 0x0023); w16(w, 0);                              /* session_ticket */
    w16(w, 0x0012); w16(w, 0);                              /* signed_certificate_timestamp */
    if (o->tls13) {
        w16(w, 0x002b); w16(w, 7); w8(w, 6); w16(w, 0x2a2a); w16(w, 0x0304); w16(w, 0x0303);
    }
    w16(w, 0xff01); w16(w, 1); w8(w, 0);                    /* renegotiation_info */
    w16(w, 0x000b); w16(w, 2); w8(w, 1); w8(w, 0);          /* ec_point_formats */
    w16(w, 0x000a); w16(w, 10); w16(w, 8);                  /* supported_groups */
    w16(w, 0x3a3a); w16(w, 0x001d); w16(w, 0x0017); w16(w, 0x0018);
    if (o->padding) {
        w16(w, 0x0015);
        w16(w, (unsigned)o->padding);
        wzero(w, o->padding);
    }
    close_len(w, xl, 2);
    close_len(w, hl, 3);
}

/* Wrap handshake bytes in records of type 22, cutting after each offset of
 * `cuts` (ascending, inside (0, n)). */
static void wrap_records(wb *out, const uint8_t *hs, size_t n, const size_t *cuts, size_t n_cuts) {
    size_t at = 0;
    for (size_t i = 0; i <= n_cuts; i++) {
        size_t end = i < n_cuts ? cuts[i] : n;
        w8(out, 22);
        w16(out, 0x0301);
        w16(out, (unsigned)(end - at));
        wbytes(out, hs + at, end - at);
        at = end;
    }
}

static wb g_hs, g_rec;
static c2d_tls_info g_info;

static c2d_status parse_client_opts(const ch_opts *o, const size_t *cuts, size_t n_cuts) {
    g_hs.n = g_rec.n = 0;
    build_client_hello(&g_hs, o);
    wrap_records(&g_rec, g_hs.b, g_hs.n, cuts, n_cuts);
    memset(&g_info, 0xa5, sizeof g_info);
    g_info.size = sizeof g_info;
    return c2d_tls_parse_client(g_rec.b, g_rec.n, &g_info);
}

static const char spec_ja3[] =
    "771,4865-4866-4867-49195-49199-49196-49200-52393-52392-49171-49172-156-157-47-53,"
    "27-0-51-16-17513-23-45-13-5-35-18-43-65281-11-10-21,29-23-24,0";

static void check_spec_client(const c2d_tls_info *t) {
    const c2d_tls_client_hello *c = &t->client;
    assert_int_equal(c->present, 1);
    assert_int_equal(c->version, 0x0303);
    assert_int_equal(c->record_version, 0x0301);
    assert_int_equal(c->session_id_len, 32);
    assert_int_equal(c->n_ciphers, 16);
    assert_int_equal(c->ciphers[0], 0x0a0a);
    assert_int_equal(c->ciphers[15], 0x0035);
    assert_int_equal(c->n_extensions, 17);
    assert_int_equal(c->extensions[0], 0x1a1a);
    assert_int_equal(c->extensions[2], 0x0000);
    assert_int_equal(c->extensions[16], 0x0015);
    assert_int_equal(c->n_groups, 4);
    assert_int_equal(c->groups[0], 0x3a3a);
    assert_int_equal(c->groups[1], 0x001d);
    assert_int_equal(c->n_point_formats, 1);
    assert_int_equal(c->point_formats[0], 0);
    assert_int_equal(c->n_sig_algs, 8);
    assert_int_equal(c->sig_algs[7], 0x0601);
    assert_int_equal(c->n_versions, 3);
    assert_int_equal(c->versions[1], 0x0304);
    assert_int_equal(c->has_sni, 1);
    assert_string_equal(c->sni, "example.com");
    assert_int_equal(c->sni_len, 11);
    assert_int_equal(c->has_alpn, 1);
    assert_int_equal(c->n_alpn, 2);
    assert_string_equal(c->alpn[0], "h2");
    assert_string_equal(c->alpn[1], "http/1.1");
    assert_int_equal(c->alpn_len[1], 8);
    assert_int_equal(c->grease, 4); /* one each in ciphers, extensions, groups, versions */
    assert_int_equal(c->ciphers_over + c->extensions_over + c->groups_over + c->sig_algs_over, 0);
    assert_string_equal(t->ja3, spec_ja3);
    assert_string_equal(t->ja3_md5, "c000e2caf3a25423f9de6c8a4b12a975");
    /* the JA4 specification's own example value */
    assert_string_equal(t->ja4, "t13d1516h2_8daaf6152771_e5627efa2ab1");
}

static void test_client_spec_example(void **state) {
    (void)state;
    ch_opts o = {.sni = 1, .alpn = 1, .tls13 = 1, .padding = 17};
    assert_int_equal(parse_client_opts(&o, NULL, 0), C2D_OK);
    assert_int_equal(g_info.client_status, C2D_OK);
    assert_int_equal(g_info.client.records, 1);
    assert_int_equal(g_info.client.length, g_hs.n - 4);
    check_spec_client(&g_info);
}

/* The same ClientHello cut into three records at awkward places (inside the
 * handshake header, inside the SNI extension) and as two TCP segments gives
 * exactly the same result. */
static void test_client_split(void **state) {
    (void)state;
    ch_opts o = {.sni = 1, .alpn = 1, .tls13 = 1, .padding = 17};
    size_t cuts[] = {2, 120, 133};
    assert_int_equal(parse_client_opts(&o, cuts, 3), C2D_OK);
    assert_int_equal(g_info.client.records, 4);
    check_spec_client(&g_info);
    /* a second handshake message after the ClientHello in its last record is ignored */
    g_hs.n = g_rec.n = 0;
    build_client_hello(&g_hs, &o);
    w8(&g_hs, 20); w24(&g_hs, 2); w16(&g_hs, 0xabcd);
    wrap_records(&g_rec, g_hs.b, g_hs.n, cuts, 1);
    assert_int_equal(c2d_tls_parse_client(g_rec.b, g_rec.n, &g_info), C2D_OK);
    check_spec_client(&g_info);
}

static void test_client_no_sni_tls12(void **state) {
    (void)state;
    ch_opts o = {0};
    assert_int_equal(parse_client_opts(&o, NULL, 0), C2D_OK);
    assert_int_equal(g_info.client.has_sni, 0);
    assert_string_equal(g_info.client.sni, "");
    assert_int_equal(g_info.client.has_alpn, 0);
    assert_int_equal(g_info.client.n_alpn, 0);
    assert_int_equal(g_info.client.n_versions, 0);
    assert_int_equal(g_info.client.n_extensions, 13);
    assert_string_equal(g_info.ja3, "771,4865-4866-4867-49195-49199-49196-49200-52393-52392-49171-49172-156-157-47-53,"
                                    "27-51-17513-23-45-13-5-35-18-65281-11-10,29-23-24,0");
    assert_string_equal(g_info.ja3_md5, "cb6f9207715f747f641fdbb95c796bb7");
    assert_string_equal(g_info.ja4, "t12i151200_8daaf6152771_af836fbd7786");
}

/* A ClientHello filling one 16 KiB record exactly, then one spanning two full records. */
static void test_client_16k_record(void **state) {
    (void)state;
    ch_opts o = {.sni = 1, .alpn = 1, .tls13 = 1};
    g_hs.n = 0;
    build_client_hello(&g_hs, &o);
    size_t base = g_hs.n;
    o.padding = 16384 - base - 4;
    assert_int_equal(parse_client_opts(&o, NULL, 0), C2D_OK);
    assert_int_equal(g_rec.n, 16384 + 5);
    assert_int_equal(g_info.client.records, 1);
    assert_int_equal(g_info.client.extensions[g_info.client.n_extensions - 1], 0x0015);
    check_spec_client(&g_info);
    o.padding = 20000;
    size_t cut[] = {16384};
    assert_int_equal(parse_client_opts(&o, cut, 1), C2D_OK);
    assert_int_equal(g_info.client.records, 2);
    check_spec_client(&g_info);
    /* one record over 2^14 + 2048 bytes is refused */
    o.padding = 18500;
    assert_int_equal(parse_client_opts(&o, NULL, 0), C2D_ERR_TLS_RECORD);
}

/* Every cut of the bytes, split or not, is C2D_ERR_TRUNCATED. */
static void test_client_truncations(void **state) {
    (void)state;
    ch_opts o = {.sni = 1, .alpn = 1, .tls13 = 1, .padding = 3};
    size_t cuts[] = {7, 64, 200};
    for (int split = 0; split < 2; split++) {
        assert_int_equal(parse_client_opts(&o, cuts, split ? 3 : 0), C2D_OK);
        size_t full = g_rec.n;
        for (size_t n = 0; n < full; n++) {
            c2d_status st = c2d_tls_parse_client(g_rec.b, n, &g_info);
            if (st != C2D_ERR_TRUNCATED) fail_msg("cut at %zu of %zu (split %d): %s", n, full, split, c2d_status_name(st));
            assert_int_equal(g_info.client.present, 0);
            assert_string_equal(g_info.ja3, "");
        }
    }
}

static c2d_status parse_flipped(size_t at, uint8_t value) {
    static uint8_t copy[sizeof g_rec.b];
    memcpy(copy, g_rec.b, g_rec.n);
    copy[at] = value;
    return c2d_tls_parse_client(copy, g_rec.n, &g_info);
}

static void test_client_bad_fields(void **state) {
    (void)state;
    ch_opts o = {.sni = 1, .alpn = 1, .tls13 = 1};
    assert_int_equal(parse_client_opts(&o, NULL, 0), C2D_OK);
    /* record: type, version, length */
    assert_int_equal(parse_flipped(0, 23), C2D_ERR_TLS_NOT_HANDSHAKE);
    assert_int_equal(parse_flipped(1, 2), C2D_ERR_TLS_RECORD);
    assert_int_equal(parse_flipped(2, 9), C2D_ERR_TLS_RECORD);
    memcpy(g_hs.b, g_rec.b, g_rec.n);
    g_rec.b[3] = 0; g_rec.b[4] = 0;
    assert_int_equal(c2d_tls_parse_client(g_rec.b, g_rec.n, &g_info), C2D_ERR_TLS_RECORD);
    memcpy(g_rec.b, g_hs.b, g_rec.n);
    /* handshake type, session id length, odd cipher list length */
    assert_int_equal(parse_flipped(5, 2), C2D_ERR_TLS_NOT_CLIENT_HELLO);
    assert_int_equal(parse_flipped(5 + 4 + 2 + 32, 33), C2D_ERR_TLS_HANDSHAKE);
    size_t cs = 5 + 4 + 2 + 32 + 1 + 32;
    assert_int_equal(parse_flipped(cs + 1, 0x21), C2D_ERR_TLS_HANDSHAKE);
    /* cipher list longer than the message */
    assert_int_equal(parse_flipped(cs, 0x7f), C2D_ERR_TLS_HANDSHAKE);
    /* no compression method */
    assert_int_equal(parse_flipped(cs + 2 + 32, 0), C2D_ERR_TLS_HANDSHAKE);
    /* server_name list longer than its extension */
    size_t x = cs + 2 + 32 + 2 + 2; /* first extension type */
    x += 4 + 0 + 4 + 3;             /* GREASE (empty), compress_certificate */
    assert_int_equal(g_rec.b[x], 0); assert_int_equal(g_rec.b[x + 1], 0); /* SNI type */
    assert_int_equal(parse_flipped(x + 5, 0x20), C2D_ERR_TLS_EXTENSION);
    /* extension longer than the extensions block */
    assert_int_equal(parse_flipped(x + 2, 0x40), C2D_ERR_TLS_EXTENSION);
    /* an SSL 2.0 CLIENT-HELLO is recognised and not parsed */
    static const uint8_t v2[] = {0x80, 0x2e, 0x01, 0x00, 0x02, 0x00, 0x15};
    assert_int_equal(c2d_tls_parse_client(v2, sizeof v2, &g_info), C2D_ERR_UNSUPPORTED);
    /* a warning alert first is skipped, a fatal one is not */
    static uint8_t with_alert[sizeof g_rec.b];
    memcpy(with_alert, (const uint8_t[]){21, 3, 3, 0, 2, 1, 112}, 7);
    memcpy(with_alert + 7, g_rec.b, g_rec.n);
    assert_int_equal(c2d_tls_parse_client(with_alert, g_rec.n + 7, &g_info), C2D_OK);
    with_alert[5] = 2;
    assert_int_equal(c2d_tls_parse_client(with_alert, g_rec.n + 7, &g_info), C2D_ERR_TLS_NOT_HANDSHAKE);
}

/* Every single-bit flip of the handshake gives OK or one of the documented
 * statuses, never anything else (and, under ASan, no bad access). */
static void test_client_bit_flips(void **state) {
    (void)state;
    ch_opts o = {.sni = 1, .alpn = 1, .tls13 = 1, .padding = 5};
    size_t cuts[] = {100};
    assert_int_equal(parse_client_opts(&o, cuts, 1), C2D_OK);
    unsigned ok = 0, errors = 0;
    for (size_t at = 0; at < g_rec.n; at++) {
        for (int bit = 0; bit < 8; bit++) {
            c2d_status st = parse_flipped(at, (uint8_t)(g_rec.b[at] ^ (1u << bit)));
            switch (st) {
            case C2D_OK: ok++; break;
            case C2D_ERR_TRUNCATED: case C2D_ERR_TLS_NOT_HANDSHAKE: case C2D_ERR_TLS_RECORD:
            case C2D_ERR_TLS_NOT_CLIENT_HELLO: case C2D_ERR_TLS_HANDSHAKE: case C2D_ERR_TLS_EXTENSION:
            case C2D_ERR_UNSUPPORTED:
                errors++;
                break;
            default: fail_msg("flip %zu.%d: %s", at, bit, c2d_status_name(st));
            }
        }
    }
    /* the 64 bytes of random and session id alone give 512 accepted flips */
    assert_true(ok >= 512);
    assert_true(errors >= 100);
}

/* More ciphers than C2D_TLS_MAX_CIPHERS: counted, and no JA3/JA4 is made. */
static void test_client_caps(void **state) {
    (void)state;
    ch_opts o = {.sni = 1, .n_extra_ciphers = 600};
    assert_int_equal(parse_client_opts(&o, (size_t[]){700}, 1), C2D_OK);
    assert_int_equal(g_info.client.n_ciphers, C2D_TLS_MAX_CIPHERS);
    assert_int_equal(g_info.client.ciphers_over, 616 - C2D_TLS_MAX_CIPHERS);
    assert_string_equal(g_info.ja3, "");
    assert_string_equal(g_info.ja3_md5, "");
    assert_string_equal(g_info.ja4, "");
    assert_int_equal(c2d_tls_fingerprint(&g_info), C2D_ERR_LIMIT);
    assert_string_equal(g_info.client.sni, "example.com");
}

/* JA4's ALPN characters: alphanumeric, hex fallback, single byte, GREASE. */
static void test_ja4_alpn_rules(void **state) {
    (void)state;
    ch_opts o = {.sni = 1, .alpn = 1, .tls13 = 1};
    assert_int_equal(parse_client_opts(&o, NULL, 0), C2D_OK);
    g_info.server.present = 0; /* parse_client left the (0xa5-filled) server half alone */
    static const struct { uint8_t first, last, len; const char *want; } v[] = {
        {'h', '2', 2, "h2"}, {0x30, 0xab, 2, "3b"}, {0xab, 0xcd, 2, "ad"}, {'x', 'x', 1, "xx"},
        {0x0a, 0x0a, 2, "00"}, {0x0a, 0x0a, 3, "0a"}, {'h', '1', 0, "00"}};
    for (size_t i = 0; i < sizeof v / sizeof v[0]; i++) {
        g_info.client.alpn_first_last[0] = v[i].first;
        g_info.client.alpn_first_last[1] = v[i].last;
        g_info.client.alpn_len[0] = v[i].len;
        assert_int_equal(c2d_tls_fingerprint(&g_info), C2D_OK);
        char got[3] = {g_info.ja4[8], g_info.ja4[9], 0};
        assert_string_equal(got, v[i].want);
    }
    /* only GREASE in supported_versions: the legacy version counts */
    for (uint32_t i = 0; i < g_info.client.n_versions; i++) g_info.client.versions[i] = 0x5a5a;
    assert_int_equal(c2d_tls_fingerprint(&g_info), C2D_OK);
    assert_memory_equal(g_info.ja4, "t12d", 4);
    g_info.client.n_versions = 0;
    g_info.client.version = 0x0300;
    c2d_tls_fingerprint(&g_info);
    assert_memory_equal(g_info.ja4, "ts3d", 4);
    /* no cipher and no extension but SNI/ALPN: zero hashes */
    g_info.client.n_ciphers = 0;
    g_info.client.n_extensions = 2;
    g_info.client.extensions[0] = 0;
    g_info.client.extensions[1] = 16;
    c2d_tls_fingerprint(&g_info);
    assert_string_equal(g_info.ja4 + 4, "000200_000000000000_000000000000");
}

/* ------------------------------------------------------ server side */
typedef struct sh_opts {
    int tls13;
    const uint8_t *certs[3];
    size_t cert_len[3];
    int n_certs;
} sh_opts;

static void build_server_flight(wb *w, const sh_opts *o) {
    w8(w, 2);
    size_t hl = open_len(w, 3);
    w16(w, 0x0303);
    for (int i = 0; i < 32; i++) w8(w, (unsigned)(i * 3));
    w8(w, 0);
    w16(w, o->tls13 ? 0x1301 : 0xc02f);
    w8(w, 0);
    size_t xl = open_len(w, 2);
    if (o->tls13) {
        w16(w, 0x002b); w16(w, 2); w16(w, 0x0304);
        w16(w, 0x0033); w16(w, 4); w16(w, 0x001d); w16(w, 0);
    } else {
        w16(w, 0xff01); w16(w, 1); w8(w, 0);
        w16(w, 0x0000); w16(w, 0);
        w16(w, 0x000b); w16(w, 2); w8(w, 1); w8(w, 0);
        w16(w, 0x0010); w16(w, 5); w16(w, 3); w8(w, 2); wbytes(w, "h2", 2);
        w16(w, 0x0017); w16(w, 0);
    }
    close_len(w, xl, 2);
    close_len(w, hl, 3);
    if (o->n_certs) {
        w8(w, 11);
        size_t ml = open_len(w, 3), ll = open_len(w, 3);
        for (int i = 0; i < o->n_certs; i++) {
            w24(w, (unsigned)o->cert_len[i]);
            wbytes(w, o->certs[i], o->cert_len[i]);
        }
        close_len(w, ll, 3);
        close_len(w, ml, 3);
        w8(w, 14); w24(w, 0); /* ServerHelloDone */
    }
}

static c2d_status parse_server_opts(const sh_opts *o, const size_t *cuts, size_t n_cuts) {
    g_hs.n = g_rec.n = 0;
    build_server_flight(&g_hs, o);
    wrap_records(&g_rec, g_hs.b, g_hs.n, cuts, n_cuts);
    memset(&g_info, 0x5a, sizeof g_info);
    g_info.size = sizeof g_info;
    return c2d_tls_parse_server(g_rec.b, g_rec.n, &g_info);
}

static void digest_hex(const uint8_t *d, size_t n, char *out) { c2d__hex(d, n, out); }

static void test_server_chain(void **state) {
    (void)state;
    sh_opts o = {.certs = {leaf_der, ca_der}, .cert_len = {sizeof leaf_der, sizeof ca_der}, .n_certs = 2};
    for (int split = 0; split < 2; split++) {
        size_t cuts[] = {70, 300, 600};
        /* unsplit: ServerHello, Certificate and ServerHelloDone share one record */
        assert_int_equal(parse_server_opts(&o, cuts, split ? 3 : 0), C2D_OK);
        const c2d_tls_server_hello *s = &g_info.server;
        assert_int_equal(s->present, 1);
        assert_int_equal(s->version, 0x0303);
        assert_int_equal(s->cipher, 0xc02f);
        assert_int_equal(s->selected_version, 0);
        assert_int_equal(s->n_extensions, 5);
        assert_string_equal(s->alpn, "h2");
        assert_string_equal(g_info.ja3s, "771,49199,65281-0-11-16-23");
        assert_string_equal(g_info.ja3s_md5, "5d79edf64e03689ff559a54e9d9487bc");
        const c2d_tls_certificates *c = &g_info.certs;
        assert_int_equal(c->present, 1);
        assert_int_equal(c->n_certs, 2);
        assert_int_equal(c->certs_over, 0);
        char h[65];
        assert_int_equal(c->certs[0].der_len, sizeof leaf_der);
        digest_hex(c->certs[0].sha1, 20, h);
        assert_string_equal(h, "9db59949368d2aa3fb76de637885cb2f9c3b8410");
        digest_hex(c->certs[0].sha256, 32, h);
        assert_string_equal(h, "83b6dc4544bf215775082f4ae04bb53f844bea71922c6dc08f03b1cf10ba4198");
        digest_hex(c->certs[1].sha1, 20, h);
        assert_string_equal(h, "f37472355f2d07866a0fa724d0462e6f571d6713");
        digest_hex(c->certs[1].sha256, 32, h);
        assert_string_equal(h, "58005d7a241d0aca926416a67cef8373f25116442c50aad1846a7a7868f97afd");
        assert_int_equal(c->leaf_status, C2D_OK);
        assert_string_equal(c->subject_cn, "c2.example.net");
        assert_string_equal(c->issuer_cn, "Test Root CA");
        assert_int_equal(c->self_signed, 0);
        assert_int_equal(g_info.server_status, C2D_OK);
    }
}

static void test_server_self_signed_and_tls13(void **state) {
    (void)state;
    sh_opts o = {.certs = {self_der}, .cert_len = {sizeof self_der}, .n_certs = 1};
    assert_int_equal(parse_server_opts(&o, NULL, 0), C2D_OK);
    assert_string_equal(g_info.certs.subject_cn, "Self Signed Host");
    assert_string_equal(g_info.certs.issuer_cn, "Self Signed Host");
    assert_int_equal(g_info.certs.self_signed, 1);
    char h[41];
    digest_hex(g_info.certs.certs[0].sha1, 20, h);
    assert_string_equal(h, "4d8841b92e4ae57560e97255365e75d62e72882b");
    /* TLS 1.3: ServerHello, then ChangeCipherSpec and encrypted records */
    sh_opts t = {.tls13 = 1};
    g_hs.n = g_rec.n = 0;
    build_server_flight(&g_hs, &t);
    wrap_records(&g_rec, g_hs.b, g_hs.n, NULL, 0);
    wbytes(&g_rec, (const uint8_t[]){20, 3, 3, 0, 1, 1, 23, 3, 3, 0, 4, 9, 9, 9, 9}, 15);
    assert_int_equal(c2d_tls_parse_server(g_rec.b, g_rec.n, &g_info), C2D_OK);
    assert_int_equal(g_info.server.selected_version, 0x0304);
    assert_int_equal(g_info.server.cipher, 0x1301);
    assert_int_equal(g_info.certs.present, 0);
    assert_int_equal(g_info.certs.n_certs, 0);
    assert_string_equal(g_info.ja3s, "771,4865,43-51");
    assert_string_equal(g_info.ja3s_md5, "f4febc55ea12b31ae17cfb7e614afda8");
}

static void test_server_truncated_and_bad(void **state) {
    (void)state;
    sh_opts o = {.certs = {leaf_der, ca_der}, .cert_len = {sizeof leaf_der, sizeof ca_der}, .n_certs = 2};
    assert_int_equal(parse_server_opts(&o, NULL, 0), C2D_OK);
    size_t full = g_rec.n;
    /* cut inside the second certificate: the leaf is still digested */
    size_t leaf_end = 5 + 4 + 2 + 32 + 1 + 2 + 1 + 2 + 28 + 4 + 3 + 3 + sizeof leaf_der;
    for (size_t n = leaf_end; n < leaf_end + 3 + sizeof ca_der; n += 37) {
        assert_int_equal(c2d_tls_parse_server(g_rec.b, n, &g_info), C2D_ERR_TRUNCATED);
        assert_int_equal(g_info.server.present, 1);
        assert_int_equal(g_info.certs.n_certs, 1);
        assert_string_equal(g_info.certs.subject_cn, "c2.example.net");
        assert_string_equal(g_info.ja3s_md5, "5d79edf64e03689ff559a54e9d9487bc");
    }
    /* a cut inside the ServerHello is truncation with nothing present */
    for (size_t n = 0; n < 5 + 4 + 40; n++) {
        assert_int_equal(c2d_tls_parse_server(g_rec.b, n, &g_info), C2D_ERR_TRUNCATED);
        assert_int_equal(g_info.server.present, 0);
    }
    /* first message a ClientHello */
    static uint8_t copy[sizeof g_rec.b];
    memcpy(copy, g_rec.b, full);
    copy[5] = 1;
    assert_int_equal(c2d_tls_parse_server(copy, full, &g_info), C2D_ERR_TLS_NOT_SERVER_HELLO);
    /* leaf certificate with a wrong outer tag: digested, names not read */
    memcpy(copy, g_rec.b, full);
    size_t leaf_at = leaf_end - sizeof leaf_der;
    assert_int_equal(copy[leaf_at], 0x30);
    copy[leaf_at] = 0x31;
    assert_int_equal(c2d_tls_parse_server(copy, full, &g_info), C2D_OK);
    assert_int_equal(g_info.certs.leaf_status, C2D_ERR_TLS_DER);
    assert_string_equal(g_info.certs.subject_cn, "");
    uint8_t d[20];
    c2d__sha1(copy + leaf_at, sizeof leaf_der, d);
    assert_memory_equal(g_info.certs.certs[0].sha1, d, 20);
    assert_int_equal(g_info.certs.n_certs, 2);
    /* a certificate longer than the list */
    memcpy(copy, g_rec.b, full);
    copy[leaf_at - 2] = (uint8_t)(copy[leaf_at - 2] + 4);
    assert_int_equal(c2d_tls_parse_server(copy, full, &g_info), C2D_ERR_TLS_CERTIFICATE);
    /* supported_versions of the wrong length in a ServerHello */
    sh_opts t = {.tls13 = 1};
    g_hs.n = g_rec.n = 0;
    build_server_flight(&g_hs, &t);
    g_hs.b[4 + 2 + 32 + 1 + 2 + 1 + 2 + 3] = 3;
    wrap_records(&g_rec, g_hs.b, g_hs.n, NULL, 0);
    assert_int_equal(c2d_tls_parse_server(g_rec.b, g_rec.n, &g_info), C2D_ERR_TLS_EXTENSION);
}

/* The DER walk alone: names of both test certificates, and every cut refused. */
static void test_der_walk(void **state) {
    (void)state;
    char subject[128], issuer[128];
    int self = -1;
    c2d__hs s;
    c2d__hs_init_raw(&s, ca_der, sizeof ca_der);
    assert_int_equal(c2d__der_cert_names(&s, sizeof ca_der, subject, issuer, sizeof subject, &self), C2D_OK);
    assert_string_equal(subject, "Test Root CA");
    assert_string_equal(issuer, "Test Root CA");
    assert_int_equal(self, 1);
    assert_int_equal(s.off, sizeof ca_der);
    for (size_t n = 0; n < sizeof leaf_der; n++) {
        c2d__hs_init_raw(&s, leaf_der, n);
        c2d_status st = c2d__der_cert_names(&s, n, subject, issuer, sizeof subject, &self);
        /* the walk stops at the subject; bytes after it are only skipped */
        if (n < 0xf4 + 3) {
            if (st != C2D_ERR_TLS_DER) fail_msg("cut %zu: %s", n, c2d_status_name(st));
            assert_string_equal(subject, "");
        }
    }
    /* a common name longer than the buffer is cut, NUL-terminated */
    c2d__hs_init_raw(&s, leaf_der, sizeof leaf_der);
    assert_int_equal(c2d__der_cert_names(&s, sizeof leaf_der, subject, issuer, 5, &self), C2D_OK);
    assert_string_equal(subject, "c2.e");
    assert_string_equal(issuer, "Test");
}

/* ---------------------------------------------------------- session */
static void test_parse_session(void **state) {
    (void)state;
    static wb client, server;
    ch_opts co = {.sni = 1, .alpn = 1, .tls13 = 1, .padding = 17};
    client.n = server.n = g_hs.n = 0;
    build_client_hello(&g_hs, &co);
    wrap_records(&client, g_hs.b, g_hs.n, (size_t[]){50}, 1);
    sh_opts so = {.certs = {leaf_der, ca_der}, .cert_len = {sizeof leaf_der, sizeof ca_der}, .n_certs = 2};
    g_hs.n = 0;
    build_server_flight(&g_hs, &so);
    wrap_records(&server, g_hs.b, g_hs.n, NULL, 0);
    c2d_session s;
    memset(&s, 0, sizeof s);
    s.size = sizeof s;
    s.proto = 6;
    s.orig_prefix = client.b;
    s.orig_prefix_len = (uint32_t)client.n;
    s.resp_prefix = server.b;
    s.resp_prefix_len = (uint32_t)server.n;
    g_info.size = sizeof g_info;
    assert_int_equal(c2d_tls_parse_session(&s, &g_info), C2D_OK);
    check_spec_client(&g_info);
    assert_int_equal(g_info.server_status, C2D_OK);
    assert_string_equal(g_info.ja3s_md5, "5d79edf64e03689ff559a54e9d9487bc");
    assert_string_equal(g_info.certs.subject_cn, "c2.example.net");
    /* no server bytes */
    s.resp_prefix_len = 0;
    assert_int_equal(c2d_tls_parse_session(&s, &g_info), C2D_OK);
    assert_int_equal(g_info.server_status, C2D_ERR_NOT_FOUND);
    assert_int_equal(g_info.server.present, 0);
    assert_string_equal(g_info.ja3s, "");
    assert_string_equal(g_info.ja4, "t13d1516h2_8daaf6152771_e5627efa2ab1");
    /* UDP, or no client bytes */
    s.proto = 17;
    assert_int_equal(c2d_tls_parse_session(&s, &g_info), C2D_ERR_NOT_FOUND);
    assert_int_equal(g_info.client.present, 0);
    assert_string_equal(g_info.ja3, "");
    s.proto = 6;
    s.orig_prefix_len = 0;
    assert_int_equal(c2d_tls_parse_session(&s, &g_info), C2D_ERR_NOT_FOUND);
    /* arguments */
    assert_int_equal(c2d_tls_parse_session(NULL, &g_info), C2D_ERR_INVALID_ARG);
    assert_int_equal(c2d_tls_parse_session(&s, NULL), C2D_ERR_INVALID_ARG);
    g_info.size = sizeof g_info - 1;
    assert_int_equal(c2d_tls_parse_client(client.b, client.n, &g_info), C2D_ERR_INVALID_ARG);
    assert_int_equal(c2d_tls_fingerprint(&g_info), C2D_ERR_INVALID_ARG);
    g_info.size = sizeof g_info;
    assert_int_equal(c2d_tls_parse_client(NULL, 3, &g_info), C2D_ERR_INVALID_ARG);
    assert_int_equal(c2d_tls_parse_client(NULL, 0, &g_info), C2D_ERR_TRUNCATED);
}

static void test_grease_and_status(void **state) {
    (void)state;
    unsigned n = 0;
    for (unsigned v = 0; v <= 0xffff; v++) n += (unsigned)c2d_tls_is_grease((uint16_t)v);
    assert_int_equal(n, 16);
    assert_true(c2d_tls_is_grease(0x0a0a));
    assert_true(c2d_tls_is_grease(0xfafa));
    assert_false(c2d_tls_is_grease(0x0a1a));
    assert_string_equal(c2d_status_name(C2D_ERR_TLS_DER), "C2D_ERR_TLS_DER");
    assert_string_equal(c2d_status_name(C2D_ERR_TLS_NOT_HANDSHAKE), "C2D_ERR_TLS_NOT_HANDSHAKE");
    assert_int_equal(C2D_ERR_TLS_NOT_HANDSHAKE, -170);
    assert_int_equal(C2D_ERR_TLS_DER, -177);
    assert_string_not_equal(c2d_strerror(C2D_ERR_TLS_EXTENSION), "unknown status");
}


/* -------------------------------------------------- IOC store: SSLBL */
static const char sslbl_ja3_csv[] =
    "################################################################\n"
    "# abuse.ch Suricata JA3 Fingerprint Blacklist (CSV)            #\n"
    "################################################################\n"
    "#\n"
    "# ja3_md5,Firstseen,Lastseen,Listingreason\n"
    "b386946a5a44d1ddcc843bc75336dfce,2017-07-14 18:08:15,2019-07-27 20:42:54,Dridex\n"
    "8991A387E4CC841740F25D6F5139F92D,2017-07-14 19:02:03,2019-07-28 00:34:38,Adware\n"
    "not-a-hash,2017-07-14 19:02:03,2019-07-28 00:34:38,Broken\n"
    "1aa7bf8b97e540ca5edd75f7b8384bfa,2017-07-14 19:02:03,Tuesday,Broken\n"
    "# Number of entries: 2\n";

static const char sslbl_cert_csv[] =
    "\xef\xbb\xbfSHA1,ListingReason,ListingDate\r\n"
    "19e664f09401bf648b6ea57719e34ad795f3b6cb,AsyncRAT C&C,12/22/2023 6:58\r\n"
    "9DB59949368D2AA3FB76DE637885CB2F9C3B8410,Test C&C,1/2/2023 16:05\r\n"
    "19e664f09401bf648b6ea57719e34ad795f3b6cb,AsyncRAT C&C,13/22/2023 6:58\r\n"
    "19e664f09401bf648b6ea57719e34ad795f3b6c,AsyncRAT C&C,12/22/2023 6:58\r\n"
    "19e664f09401bf648b6ea57719e34ad795f3b6cb,AsyncRAT C&C\r\n";

static void test_ioc_sslbl_feeds(void **state) {
    (void)state;
    c2d_iocdb *db = NULL;
    assert_int_equal(c2d_iocdb_new(NULL, &db), C2D_OK);
    c2d_ioc_load_report r = {.size = sizeof r};
    assert_int_equal(c2d_iocdb_load_memory(db, sslbl_ja3_csv, sizeof sslbl_ja3_csv - 1, NULL, &r), C2D_OK);
    assert_int_equal(r.format, C2D_IOC_FORMAT_CSV);
    assert_int_equal(r.lines, 10);
    assert_int_equal(r.loaded, 2);
    assert_int_equal(r.rejected, 2);
    assert_int_equal(r.skipped, 6);
    assert_int_equal(r.first_rejected[0], 8);
    assert_int_equal(r.first_rejected[1], 9);
    assert_int_equal(r.by_type_tls[C2D_IOC_JA3 - C2D_IOC_JA3], 2);
    for (int t = 0; t < C2D_IOC_TYPE_COUNT_V1; t++) assert_int_equal(r.by_type[t], 0);
    /* a report of the 0.1.0 size is accepted and nothing past it is written */
    struct { c2d_ioc_load_report rep; } old;
    memset(&old, 0x77, sizeof old);
    old.rep.size = offsetof(c2d_ioc_load_report, by_type_tls);
    assert_int_equal(c2d_iocdb_load_memory(db, sslbl_cert_csv, sizeof sslbl_cert_csv - 1, NULL, &old.rep), C2D_OK);
    assert_int_equal(old.rep.size, offsetof(c2d_ioc_load_report, by_type_tls));
    assert_int_equal(old.rep.lines, 6);
    assert_int_equal(old.rep.loaded, 2);
    assert_int_equal(old.rep.rejected, 3);
    assert_int_equal(old.rep.skipped, 1);
    assert_int_equal(old.rep.first_rejected[0], 4);
    assert_int_equal(old.rep.first_rejected[1], 5);
    assert_int_equal(old.rep.first_rejected[2], 6);
    assert_int_equal(old.rep.by_type_tls[2], 0x7777777777777777ULL);
    old.rep.size = offsetof(c2d_ioc_load_report, by_type_tls) - 1;
    assert_int_equal(c2d_iocdb_load_memory(db, sslbl_cert_csv, 10, NULL, &old.rep), C2D_ERR_INVALID_ARG);
    /* a JA4 added by hand; fingerprints are never inferred from bare text */
    c2d_ioc_entry e = {.size = sizeof e, .type = C2D_IOC_JA4, .value = "t13d1516h2_8DAAF6152771_e5627efa2ab1",
                       .family = "TestKit"};
    assert_int_equal(c2d_iocdb_add(db, &e), C2D_OK);
    e.value = "t13d1516h2_8daaf6152771";
    assert_int_equal(c2d_iocdb_add(db, &e), C2D_ERR_MALFORMED);
    e.type = C2D_IOC_UNKNOWN;
    e.value = "b386946a5a44d1ddcc843bc75336dfce";
    c2d_iocdb_add(db, &e); /* whatever it is inferred as, it is not a JA3 */
    assert_int_equal(c2d_iocdb_finalize(db), C2D_OK);
    assert_int_equal(c2d_iocdb_count(db, C2D_IOC_JA3), 2);
    assert_int_equal(c2d_iocdb_count(db, C2D_IOC_CERT_SHA1), 2);
    assert_int_equal(c2d_iocdb_count(db, C2D_IOC_JA4), 1);

    uint32_t ids[4];
    size_t n = 99;
    assert_int_equal(c2d_iocdb_match_fingerprint(db, C2D_IOC_JA3, "B386946A5A44D1DDCC843BC75336DFCE", 32, ids, 4, &n), C2D_OK);
    assert_int_equal(n, 1);
    c2d_ioc_info info = {.size = sizeof info};
    assert_int_equal(c2d_iocdb_get(db, ids[0], &info), C2D_OK);
    assert_int_equal(info.type, C2D_IOC_JA3);
    assert_string_equal(info.value, "b386946a5a44d1ddcc843bc75336dfce");
    assert_string_equal(info.family, "Dridex");
    assert_int_equal(info.first_seen, 1500055695); /* 2017-07-14 18:08:15 UTC */
    assert_int_equal(info.last_seen, 1564260174);  /* 2019-07-27 20:42:54 UTC */
    assert_int_equal(c2d_iocdb_match_fingerprint(db, C2D_IOC_JA3, "8991a387e4cc841740f25d6f5139f92d", 32, ids, 4, &n), C2D_OK);
    assert_int_equal(n, 1);
    assert_int_equal(c2d_iocdb_match_fingerprint(db, C2D_IOC_CERT_SHA1, "9db59949368d2aa3fb76de637885cb2f9c3b8410", 40, ids, 4, &n), C2D_OK);
    assert_int_equal(n, 1);
    assert_int_equal(c2d_iocdb_get(db, ids[0], &info), C2D_OK);
    assert_string_equal(info.family, "Test C&C");
    assert_int_equal(info.first_seen, 1672675500); /* 2023-01-02 16:05 UTC */
    assert_string_equal(c2d_ioc_type_name(info.type), "cert-sha1");
    assert_int_equal(c2d_iocdb_match_fingerprint(db, C2D_IOC_JA4, "t13d1516h2_8daaf6152771_e5627efa2ab1", 36, ids, 4, &n), C2D_OK);
    assert_int_equal(n, 1);
    assert_int_equal(c2d_iocdb_get(db, ids[0], &info), C2D_OK);
    assert_string_equal(info.value, "t13d1516h2_8daaf6152771_e5627efa2ab1");
    assert_string_equal(c2d_ioc_type_name(C2D_IOC_JA4), "ja4");
    /* the same text as another type does not match */
    assert_int_equal(c2d_iocdb_match_fingerprint(db, C2D_IOC_CERT_SHA1, "b386946a5a44d1ddcc843bc75336dfce", 32, ids, 4, &n), C2D_ERR_MALFORMED);
    assert_int_equal(c2d_iocdb_match_fingerprint(db, C2D_IOC_JA3, "00000000000000000000000000000000", 32, ids, 4, &n), C2D_OK);
    assert_int_equal(n, 0);
    assert_int_equal(c2d_iocdb_match_fingerprint(db, C2D_IOC_DOMAIN, "x", 1, ids, 4, &n), C2D_ERR_INVALID_ARG);
    assert_int_equal(c2d_iocdb_match_fingerprint(db, C2D_IOC_JA3, "zz", 2, ids, 4, &n), C2D_ERR_MALFORMED);
    assert_int_equal(c2d_iocdb_match_fingerprint(NULL, C2D_IOC_JA3, "zz", 2, ids, 4, &n), C2D_ERR_INVALID_ARG);
    c2d_iocdb_free(db);
}

/* The real SSLBL copies, when present: every line loads or is a comment. */
static void test_ioc_sslbl_shared(void **state) {
    (void)state;
    const char *paths[2] = {"/tmp/c2d_test_tls_ja3.csv", "/tmp/c2d_test_tls_cert.csv"};
    /* C2D_SHARED_DATA (environment) overrides the build's ../shared/data */
    const char *dir = getenv("C2D_SHARED_DATA") ? getenv("C2D_SHARED_DATA") : C2D_SHARED_DATA_DIR;
    char gz[2][900];
    snprintf(gz[0], sizeof gz[0], "%s/tls/sslbl_ja3_fingerprints_2020-04-09.csv.gz", dir);
    snprintf(gz[1], sizeof gz[1], "%s/tls/sslbl_cert_sha1_blacklist_to_2023-12-22.csv.gz", dir);
    FILE *f = fopen(gz[0], "rb");
    if (!f) skip();
    fclose(f);
    for (int i = 0; i < 2; i++) {
        char cmd[2048];
        snprintf(cmd, sizeof cmd, "gzip -dc '%s' > '%s'", gz[i], paths[i]);
        if (system(cmd) != 0) skip();
    }
    c2d_iocdb *db = NULL;
    assert_int_equal(c2d_iocdb_new(NULL, &db), C2D_OK);
    c2d_ioc_load_report r = {.size = sizeof r};
    assert_int_equal(c2d_iocdb_load_file(db, paths[0], NULL, &r), C2D_OK);
    assert_int_equal(r.rejected, 0);
    assert_int_equal(r.loaded, r.by_type_tls[0]);
    assert_true(r.loaded > 50);
    assert_int_equal(c2d_iocdb_load_file(db, paths[1], NULL, &r), C2D_OK);
    assert_int_equal(r.rejected, 0);
    assert_int_equal(r.loaded, r.by_type_tls[2]);
    assert_int_equal(r.skipped, 1);
    assert_true(r.loaded > 5000);
    assert_int_equal(c2d_iocdb_finalize(db), C2D_OK);
    c2d_iocdb_free(db);
    remove(paths[0]);
    remove(paths[1]);
}

/* ------------------------------------- real handshakes (shared data) */
typedef struct real_hs {
    uint8_t client[16384], server[16384];
    uint32_t client_len, server_len;
    int found;
} real_hs;

static void keep_first_tls(void *user, const c2d_session *s) {
    real_hs *r = (real_hs *)user;
    if (r->found || s->proto != 6 || s->orig_prefix_len < 6 || s->orig_prefix[0] != 22) return;
    memcpy(r->client, s->orig_prefix, s->orig_prefix_len);
    memcpy(r->server, s->resp_prefix, s->resp_prefix_len);
    r->client_len = s->orig_prefix_len;
    r->server_len = s->resp_prefix_len;
    r->found = 1;
}

/* The curl session of pcap/ndpi_443-curl.pcap (TLS 1.2, two certificates):
 * exact fields (as tshark shows them), then every truncation of both sides and
 * every bit flip of the ClientHello get documented statuses. */
static void test_real_handshake(void **state) {
    (void)state;
    const char *dir = getenv("C2D_SHARED_DATA") ? getenv("C2D_SHARED_DATA") : C2D_SHARED_DATA_DIR;
    char path[900];
    snprintf(path, sizeof path, "%s/pcap/ndpi_443-curl.pcap", dir);
    c2d_capture *cap = NULL;
    if (c2d_capture_open_file(path, NULL, &cap) != C2D_OK) skip();
    static real_hs r;
    memset(&r, 0, sizeof r);
    c2d_flow_settings set;
    c2d_flow_settings_default(&set);
    set.payload_prefix_len = 16384;
    set.capacity = 64;
    c2d_flowtable *ft = NULL;
    assert_int_equal(c2d_flowtable_new(&set, NULL, &ft), C2D_OK);
    c2d_flowtable_set_session_callback(ft, keep_first_tls, &r);
    c2d_frame fr = {.size = sizeof fr};
    while (c2d_capture_next(cap, &fr) == C2D_OK) c2d_flowtable_add_frame(ft, &fr);
    c2d_flowtable_flush(ft);
    c2d_flowtable_free(ft);
    c2d_capture_free(cap);
    assert_int_equal(r.found, 1);

    g_info.size = sizeof g_info;
    assert_int_equal(c2d_tls_parse_client(r.client, r.client_len, &g_info), C2D_OK);
    assert_string_equal(g_info.client.sni, "www.ntop.org");
    assert_string_equal(g_info.ja3_md5, "2a26b1a62e40d25d4de3babc9d532f30");
    assert_int_equal(c2d_tls_parse_server(r.server, r.server_len, &g_info), C2D_OK);
    assert_string_equal(g_info.ja3s, "771,49199,65281-0-11-16");
    assert_string_equal(g_info.ja3s_md5, "ae53107a2e47ea20c72ac44821a728bf");
    assert_int_equal(g_info.certs.n_certs, 2);
    assert_string_equal(g_info.certs.subject_cn, "www.ntop.org");
    assert_string_equal(g_info.certs.issuer_cn, "Let's Encrypt Authority X3");
    assert_int_equal(g_info.certs.self_signed, 0);
    char h[41];
    c2d__hex(g_info.certs.certs[0].sha1, 20, h);
    assert_string_equal(h, "dba7e43e6dbb21ab684735e80b8f15dfdbc7c96f");

    /* truncations: TRUNCATED up to the end of the ClientHello's record (517
     * bytes in one record), OK from there on (the client's later records) */
    uint32_t ch_end = 5u + (uint32_t)(r.client[3] << 8 | r.client[4]);
    assert_int_equal(ch_end, 517);
    for (uint32_t n = 0; n <= r.client_len; n++) {
        c2d_status st = c2d_tls_parse_client(r.client, n, &g_info);
        if (st != (n < ch_end ? C2D_ERR_TRUNCATED : C2D_OK)) fail_msg("client cut at %u: %s", n, c2d_status_name(st));
    }
    assert_int_equal(c2d_tls_parse_client(r.client, r.client_len, &g_info), C2D_OK);
    /* the server side: a record with the ServerHello, then one with the
     * Certificate. Cut inside the first: TRUNCATED; at its end: OK without
     * certificates (nothing says one follows); inside the Certificate:
     * TRUNCATED; from its end on: OK with both certificates. */
    uint32_t sh_end = 5u + (uint32_t)(r.server[3] << 8 | r.server[4]);
    assert_int_equal(r.server[5], 2);
    assert_int_equal(r.server[sh_end], 22);
    assert_int_equal(r.server[sh_end + 5], 11);
    uint32_t cert_end = sh_end + 5u + 4u +
                        (uint32_t)(r.server[sh_end + 6] << 16 | r.server[sh_end + 7] << 8 | r.server[sh_end + 8]);
    for (uint32_t n = 0; n <= r.server_len; n++) {
        c2d_status st = c2d_tls_parse_server(r.server, n, &g_info);
        c2d_status want = n < sh_end ? C2D_ERR_TRUNCATED : n == sh_end ? C2D_OK
                          : n < cert_end ? C2D_ERR_TRUNCATED : C2D_OK;
        if (st != want) fail_msg("server cut at %u: %s", n, c2d_status_name(st));
        if (n >= cert_end) assert_int_equal(g_info.certs.n_certs, 2);
        if (n <= sh_end) assert_int_equal(g_info.certs.n_certs, 0);
    }
    /* bit flips of the ClientHello */
    static uint8_t copy[16384];
    unsigned flips_ok = 0, flips_bad = 0;
    for (uint32_t at = 0; at < ch_end; at++) {
        for (int bit = 0; bit < 8; bit++) {
            memcpy(copy, r.client, ch_end);
            copy[at] ^= (uint8_t)(1u << bit);
            c2d_status st = c2d_tls_parse_client(copy, ch_end, &g_info);
            switch (st) {
            case C2D_OK: flips_ok++; break;
            case C2D_ERR_TRUNCATED: case C2D_ERR_TLS_NOT_HANDSHAKE: case C2D_ERR_TLS_RECORD:
            case C2D_ERR_TLS_NOT_CLIENT_HELLO: case C2D_ERR_TLS_HANDSHAKE: case C2D_ERR_TLS_EXTENSION:
            case C2D_ERR_UNSUPPORTED:
                flips_bad++;
                break;
            default: fail_msg("flip %u.%d: %s", at, bit, c2d_status_name(st));
            }
        }
    }
    assert_true(flips_ok >= 8 * 32); /* every flip of the random is accepted */
    assert_true(flips_bad > 0);
}

int main(void) {
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_md5_rfc1321),
        cmocka_unit_test(test_sha_fips),
        cmocka_unit_test(test_million_a),
        cmocka_unit_test(test_hash_pieces),
        cmocka_unit_test(test_client_spec_example),
        cmocka_unit_test(test_client_split),
        cmocka_unit_test(test_client_no_sni_tls12),
        cmocka_unit_test(test_client_16k_record),
        cmocka_unit_test(test_client_truncations),
        cmocka_unit_test(test_client_bad_fields),
        cmocka_unit_test(test_client_bit_flips),
        cmocka_unit_test(test_client_caps),
        cmocka_unit_test(test_ja4_alpn_rules),
        cmocka_unit_test(test_server_chain),
        cmocka_unit_test(test_server_self_signed_and_tls13),
        cmocka_unit_test(test_server_truncated_and_bad),
        cmocka_unit_test(test_der_walk),
        cmocka_unit_test(test_parse_session),
        cmocka_unit_test(test_grease_and_status),
        cmocka_unit_test(test_ioc_sslbl_feeds),
        cmocka_unit_test(test_ioc_sslbl_shared),
        cmocka_unit_test(test_real_handshake),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
