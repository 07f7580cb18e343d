/* cmocka suite for the geo module: the MMDB reader on databases written here by
 * a tiny writer (every type, every record size, hostile variants), on the
 * shared MaxMind test files when present, and the ASN CSV range table. */
#include <pthread.h>
#include <stdbool.h>

#include "helpers.h"

/* ================================================================ writer */
typedef struct wbuf {
    uint8_t *p;
    size_t len, cap;
} wbuf;

static void w_raw(wbuf *b, const void *p, size_t n) {
    if (b->len + n > b->cap) {
        b->cap = (b->len + n) * 2 + 64;
        b->p = realloc(b->p, b->cap);
        assert_non_null(b->p);
    }
    memcpy(b->p + b->len, p, n);
    b->len += n;
}
static void w_u8(wbuf *b, unsigned v) {
    uint8_t c = (uint8_t)v;
    w_raw(b, &c, 1);
}
static void w_be(wbuf *b, uint64_t v, unsigned n) {
    for (unsigned i = 0; i < n; i++) w_u8(b, (unsigned)(v >> (8 * (n - 1 - i))));
}
/* control byte(s) for a non-pointer type */
static void w_ctrl(wbuf *b, unsigned type, uint32_t size) {
    unsigned t = type > 7 ? 0 : type;
    unsigned s5 = size < 29 ? size : size < 285 ? 29 : size < 65821 ? 30 : 31;
    w_u8(b, t << 5 | s5);
    if (type > 7) w_u8(b, type - 7);
    if (s5 == 29) w_be(b, size - 29, 1);
    if (s5 == 30) w_be(b, size - 285, 2);
    if (s5 == 31) w_be(b, size - 65821, 3);
}
static void w_str(wbuf *b, const char *s) {
    w_ctrl(b, 2, (uint32_t)strlen(s));
    w_raw(b, s, strlen(s));
}
static unsigned min_bytes(uint64_t v) {
    unsigned n = 0;
    while (v) n++, v >>= 8;
    return n;
}
static void w_uint(wbuf *b, unsigned type, uint64_t v) {
    unsigned n = min_bytes(v);
    w_ctrl(b, type, n);
    w_be(b, v, n);
}
static void w_ptr(wbuf *b, uint32_t target) {
    if (target < 2048) {
        w_u8(b, 0x20 | (target >> 8));
        w_be(b, target & 0xFF, 1);
    } else if (target < 2048 + 524288) {
        uint32_t v = target - 2048;
        w_u8(b, 0x28 | (v >> 16));
        w_be(b, v & 0xFFFF, 2);
    } else if (target < 526336u + 134217728u) {
        uint32_t v = target - 526336;
        w_u8(b, 0x30 | (v >> 24));
        w_be(b, v & 0xFFFFFF, 3);
    } else {
        w_u8(b, 0x38);
        w_be(b, target, 4);
    }
}

/* Search tree under construction: records are -1 empty, >= 0 node index, or
 * data offsets tagged with DATA_TAG. */
#define DATA_TAG (1ll << 40)
typedef struct tree {
    int64_t (*rec)[2];
    size_t n, cap;
} tree;

static size_t t_node(tree *t) {
    if (t->n == t->cap) {
        t->cap = t->cap * 2 + 16;
        t->rec = realloc(t->rec, t->cap * sizeof *t->rec);
        assert_non_null(t->rec);
    }
    t->rec[t->n][0] = t->rec[t->n][1] = -1;
    return t->n++;
}
/* Insert network `addr`/`bits` (addr: 16 bytes, the tree's first bit is
 * addr[0]'s top bit) pointing at data offset `off`. */
static void t_insert(tree *t, const uint8_t *addr, unsigned bits, uint32_t off) {
    if (!t->n) t_node(t);
    size_t node = 0;
    for (unsigned i = 0; i < bits; i++) {
        unsigned bit = (addr[i >> 3] >> (7 - (i & 7))) & 1;
        if (i + 1 == bits) {
            t->rec[node][bit] = DATA_TAG + off;
            return;
        }
        int64_t r = t->rec[node][bit];
        if (r < 0 || r >= DATA_TAG) {
            size_t nn = t_node(t);
            /* a shorter network already here covers both halves below */
            if (r >= DATA_TAG) t->rec[nn][0] = t->rec[nn][1] = r;
            t->rec[node][bit] = (int64_t)nn;
            r = (int64_t)nn;
        }
        node = (size_t)r;
    }
}

static uint32_t rec_value(const tree *t, int64_t r) {
    if (r < 0) return (uint32_t)t->n;
    if (r >= DATA_TAG) return (uint32_t)(t->n + 16 + (uint64_t)(r - DATA_TAG));
    return (uint32_t)r;
}

typedef struct dbspec {
    unsigned record_size, ip_version, major;
    bool omit_node_count;
} dbspec;

/* Whole file: tree, 16 zero bytes, `data`, marker, metadata. */
static uint8_t *w_file(const tree *t, const wbuf *data, dbspec s, size_t *len) {
    wbuf f = {0};
    for (size_t i = 0; i < t->n; i++) {
        uint32_t l = rec_value(t, t->rec[i][0]), r = rec_value(t, t->rec[i][1]);
        if (s.record_size == 24) {
            w_be(&f, l, 3);
            w_be(&f, r, 3);
        } else if (s.record_size == 28) {
            w_be(&f, l & 0xFFFFFF, 3);
            w_u8(&f, (l >> 24) << 4 | (r >> 24));
            w_be(&f, r & 0xFFFFFF, 3);
        } else {
            w_be(&f, l, 4);
            w_be(&f, r, 4);
        }
    }
    static const uint8_t zero[16];
    w_raw(&f, zero, 16);
    w_raw(&f, data->p, data->len);
    w_raw(&f, "\xAB\xCD\xEFMaxMind.com", 14);
    w_ctrl(&f, 7, s.omit_node_count ? 6 : 7);
    if (!s.omit_node_count) {
        w_str(&f, "node_count");
        w_uint(&f, 6, t->n);
    }
    w_str(&f, "record_size");
    w_uint(&f, 5, s.record_size);
    w_str(&f, "ip_version");
    w_uint(&f, 5, s.ip_version);
    w_str(&f, "database_type");
    w_str(&f, "c2d-test");
    w_str(&f, "binary_format_major_version");
    w_uint(&f, 5, s.major);
    w_str(&f, "binary_format_minor_version");
    w_uint(&f, 5, 0);
    w_str(&f, "build_epoch");
    w_uint(&f, 9, 1700000000);
    *len = f.len;
    return f.p;
}

static void v4_in(uint8_t a[16], bool v6tree, uint8_t b0, uint8_t b1, uint8_t b2, uint8_t b3) {
    memset(a, 0, 16);
    uint8_t *p = v6tree ? a + 12 : a;
    p[0] = b0, p[1] = b1, p[2] = b2, p[3] = b3;
}

/* The record every type test reads, at data offset `*root`. */
static void w_all_types(wbuf *d, uint32_t *root) {
    uint32_t shared = (uint32_t)d->len;
    w_str(d, "shared string");
    uint32_t key_ptr = (uint32_t)d->len;
    w_str(d, "utf8_string");
    *root = (uint32_t)d->len;
    w_ctrl(d, 7, 15);
    w_ptr(d, key_ptr); /* a key through a pointer */
    w_str(d, "unicode! \xe2\x98\xaf");
    w_str(d, "double");
    w_ctrl(d, 3, 8);
    uint64_t u;
    double dv = 42.123456;
    memcpy(&u, &dv, 8);
    w_be(d, u, 8);
    w_str(d, "float");
    w_ctrl(d, 15, 4);
    float fv = 1.1f;
    uint32_t u32;
    memcpy(&u32, &fv, 4);
    w_be(d, u32, 4);
    w_str(d, "bytes");
    w_ctrl(d, 4, 4);
    w_be(d, 0x0000002A, 4);
    w_str(d, "uint16");
    w_uint(d, 5, 100);
    w_str(d, "uint32");
    w_uint(d, 6, 268435456);
    w_str(d, "int32");
    w_ctrl(d, 8, 4);
    w_be(d, (uint32_t)-268435456, 4);
    w_str(d, "int32_short");
    w_ctrl(d, 8, 3);
    w_be(d, 0xFFFFFF, 3); /* short int32: zero-extended */
    w_str(d, "uint64");
    w_uint(d, 9, 1152921504606846976ull);
    w_str(d, "uint128");
    w_ctrl(d, 10, 16);
    w_be(d, 0x0100000000000000ull, 8);
    w_be(d, 0x0000000000000005ull, 8);
    w_str(d, "boolean");
    w_ctrl(d, 14, 1);
    w_str(d, "false");
    w_ctrl(d, 14, 0);
    w_str(d, "array");
    w_ctrl(d, 11, 3);
    w_uint(d, 6, 1);
    w_ptr(d, shared);
    w_ctrl(d, 7, 1);
    w_str(d, "deep");
    w_str(d, "x");
    w_str(d, "shared");
    w_ptr(d, shared);
    w_str(d, "long");
    w_ctrl(d, 2, 300); /* 2-byte size form */
    for (int i = 0; i < 300; i++) w_u8(d, 'a' + i % 26);
}

/* A database with the all-types record at 1.1.1.0/24 (or ::1.1.1.0/120),
 * country maps at 2.2.0.0/16 and 2.2.2.0/24, and 2001:db8::/32 in v6. */
static uint8_t *make_db(unsigned record_size, unsigned ip_version, size_t *len) {
    wbuf d = {0};
    uint32_t all;
    w_all_types(&d, &all);
    uint32_t gb = (uint32_t)d.len;
    w_ctrl(&d, 7, 2);
    w_str(&d, "country");
    w_ctrl(&d, 7, 1);
    w_str(&d, "iso_code");
    w_str(&d, "GB");
    w_str(&d, "autonomous_system_number");
    w_uint(&d, 6, 64496);
    uint32_t jp = (uint32_t)d.len;
    w_ctrl(&d, 7, 2);
    w_str(&d, "country_code");
    w_str(&d, "JP");
    w_str(&d, "autonomous_system_organization");
    w_str(&d, "Example \"Org\" KK");
    uint32_t v6 = (uint32_t)d.len;
    w_ctrl(&d, 7, 1);
    w_str(&d, "registered_country");
    w_ctrl(&d, 7, 1);
    w_str(&d, "iso_code");
    w_str(&d, "DE");
    tree t = {0};
    bool v6t = ip_version == 6;
    uint8_t a[16];
    unsigned off = v6t ? 96 : 0;
    v4_in(a, v6t, 1, 1, 1, 0);
    t_insert(&t, a, off + 24, all);
    v4_in(a, v6t, 2, 2, 0, 0);
    t_insert(&t, a, off + 16, gb);
    v4_in(a, v6t, 2, 2, 2, 0);
    t_insert(&t, a, off + 24, jp);
    if (v6t) {
        memset(a, 0, 16);
        a[0] = 0x20, a[1] = 0x01, a[2] = 0x0d, a[3] = 0xb8;
        t_insert(&t, a, 32, v6);
    }
    uint8_t *f = w_file(&t, &d, (dbspec){record_size, ip_version, 2, false}, len);
    free(t.rec);
    free(d.p);
    return f;
}

static c2d_geodb *open_mem(const uint8_t *p, size_t n) {
    c2d_geodb *db = NULL;
    assert_int_equal(c2d_geodb_open_memory(p, n, NULL, &db), C2D_OK);
    assert_non_null(db);
    return db;
}

static c2d_geo_result lookup_text(const c2d_geodb *db, const char *ip) {
    c2d_geo_result r = {.size = sizeof r};
    assert_int_equal(c2d_geodb_lookup(db, ip, &r), C2D_OK);
    return r;
}

static c2d_geo_value get1(const c2d_geodb *db, const c2d_geo_result *r, const char *k1, const char *k2) {
    const char *path[2] = {k1, k2};
    c2d_geo_value v = {.size = sizeof v};
    assert_int_equal(c2d_geodb_get(db, r, path, k2 ? 2 : 1, &v), C2D_OK);
    return v;
}

static void assert_str(const c2d_geo_value *v, const char *s) {
    assert_int_equal(v->type, C2D_GEO_STRING);
    assert_int_equal(v->count, strlen(s));
    assert_memory_equal(v->bytes, s, strlen(s));
}

/* ================================================================ tests */

static void check_types(const c2d_geodb *db, const char *ip) {
    c2d_geo_result r = lookup_text(db, ip);
    assert_int_equal(r.found, 1);
    assert_int_equal(r.prefix_len, 24);
    c2d_geo_value v = get1(db, &r, "utf8_string", NULL);
    assert_str(&v, "unicode! \xe2\x98\xaf");
    v = get1(db, &r, "double", NULL);
    assert_int_equal(v.type, C2D_GEO_DOUBLE);
    assert_true(v.f64 == 42.123456);
    v = get1(db, &r, "float", NULL);
    assert_int_equal(v.type, C2D_GEO_FLOAT);
    assert_true(v.f32 == 1.1f);
    v = get1(db, &r, "bytes", NULL);
    assert_int_equal(v.type, C2D_GEO_BYTES);
    assert_int_equal(v.count, 4);
    assert_memory_equal(v.bytes, "\0\0\0\x2a", 4);
    v = get1(db, &r, "uint16", NULL);
    assert_int_equal(v.type, C2D_GEO_UINT16);
    assert_int_equal(v.u64, 100);
    v = get1(db, &r, "uint32", NULL);
    assert_int_equal(v.type, C2D_GEO_UINT32);
    assert_int_equal(v.u64, 268435456);
    v = get1(db, &r, "int32", NULL);
    assert_int_equal(v.type, C2D_GEO_INT32);
    assert_int_equal(v.i32, -268435456);
    v = get1(db, &r, "int32_short", NULL);
    assert_int_equal(v.i32, 16777215);
    v = get1(db, &r, "uint64", NULL);
    assert_int_equal(v.type, C2D_GEO_UINT64);
    assert_true(v.u64 == 1152921504606846976ull);
    v = get1(db, &r, "uint128", NULL);
    assert_int_equal(v.type, C2D_GEO_UINT128);
    assert_true(v.u128_high == 0x0100000000000000ull && v.u64 == 5);
    v = get1(db, &r, "boolean", NULL);
    assert_int_equal(v.type, C2D_GEO_BOOL);
    assert_int_equal(v.u64, 1);
    v = get1(db, &r, "false", NULL);
    assert_int_equal(v.u64, 0);
    v = get1(db, &r, "array", NULL);
    assert_int_equal(v.type, C2D_GEO_ARRAY);
    assert_int_equal(v.count, 3);
    v = get1(db, &r, "array", "1");
    assert_str(&v, "shared string");
    v = get1(db, &r, "array", "-1");
    assert_int_equal(v.type, C2D_GEO_MAP);
    const char *deep[] = {"array", "2", "deep"};
    assert_int_equal(c2d_geodb_get(db, &r, deep, 3, &v), C2D_OK);
    assert_str(&v, "x");
    v = get1(db, &r, "shared", NULL);
    assert_str(&v, "shared string");
    v = get1(db, &r, "long", NULL);
    assert_int_equal(v.count, 300);
    assert_int_equal(v.bytes[299], 'a' + 299 % 26);
    /* absent things */
    const char *miss[][2] = {{"nope", NULL}, {"array", "3"}, {"array", "-4"}, {"array", "x"}, {"uint16", "a"}};
    for (size_t i = 0; i < 5; i++)
        assert_int_equal(c2d_geodb_get(db, &r, miss[i], miss[i][1] ? 2 : 1, &v), C2D_ERR_NOT_FOUND);
    /* iteration sees 15 pairs in file order */
    c2d_geo_value rec = {.size = sizeof rec}, k = {.size = sizeof k}, x = {.size = sizeof x};
    assert_int_equal(c2d_geodb_record(db, &r, &rec), C2D_OK);
    assert_int_equal(rec.type, C2D_GEO_MAP);
    assert_int_equal(rec.count, 15);
    c2d_geo_iter it;
    assert_int_equal(c2d_geodb_iter_init(&rec, &it), C2D_OK);
    int n = 0;
    while (c2d_geodb_iter_next(db, &it, &k, &x) == C2D_OK) {
        if (n == 0) assert_str(&k, "utf8_string");
        if (n == 14) assert_str(&k, "long");
        n++;
    }
    assert_int_equal(n, 15);
    assert_int_equal(c2d_geodb_iter_next(db, &it, &k, &x), C2D_ERR_NOT_FOUND);
}

static void check_networks(const c2d_geodb *db, unsigned ip_version) {
    /* 2.2.0.0/16 holds 2.2.2.0/24, so the tree splits the /16 and 2.2.9.9
     * ends where it leaves 2.2.2.0's path: bit 21 */
    c2d_geo_result r = lookup_text(db, "2.2.9.9");
    assert_int_equal(r.found, 1);
    assert_int_equal(r.prefix_len, 21);
    char iso[3];
    assert_int_equal(c2d_geodb_country(db, &r, iso), C2D_OK);
    assert_string_equal(iso, "GB");
    uint32_t asn = 0;
    assert_int_equal(c2d_geodb_asn(db, &r, &asn), C2D_OK);
    assert_int_equal(asn, 64496);
    char org[64];
    assert_int_equal(c2d_geodb_as_org(db, &r, org, sizeof org, NULL), C2D_ERR_NOT_FOUND);
    r = lookup_text(db, "2.2.2.200");
    assert_int_equal(r.prefix_len, 24);
    assert_int_equal(c2d_geodb_country(db, &r, iso), C2D_OK);
    assert_string_equal(iso, "JP");
    size_t len = 0;
    assert_int_equal(c2d_geodb_as_org(db, &r, org, sizeof org, &len), C2D_OK);
    assert_string_equal(org, "Example \"Org\" KK");
    assert_int_equal(len, 16);
    assert_int_equal(c2d_geodb_as_org(db, &r, org, 8, &len), C2D_ERR_BUFFER_TOO_SMALL);
    assert_string_equal(org, "Example");
    assert_int_equal(len, 16);
    assert_int_equal(c2d_geodb_asn(db, &r, &asn), C2D_ERR_NOT_FOUND);
    /* 2.3.0.0 is outside every network: the walk ends at 2.2.0.0/15's sibling */
    r = lookup_text(db, "2.3.0.0");
    assert_int_equal(r.found, 0);
    assert_int_equal(r.prefix_len, 16);
    assert_int_equal(c2d_geodb_country(db, &r, iso), C2D_ERR_NOT_FOUND);
    r = lookup_text(db, "128.0.0.1");
    assert_int_equal(r.found, 0);
    assert_int_equal(r.prefix_len, 1);
    /* the same answer through the integer call */
    c2d_geo_result r2 = {.size = sizeof r2};
    assert_int_equal(c2d_geodb_lookup_ipv4(db, 0x02020202u, &r2), C2D_OK);
    assert_int_equal(r2.found, 1);
    assert_int_equal(r2.prefix_len, 24);
    if (ip_version == 6) {
        r = lookup_text(db, "2001:db8:1::5");
        assert_int_equal(r.found, 1);
        assert_int_equal(r.prefix_len, 32);
        assert_int_equal(c2d_geodb_country(db, &r, iso), C2D_OK);
        assert_string_equal(iso, "DE");
        r = lookup_text(db, "::2.2.2.1"); /* the IPv4 subtree seen from IPv6 */
        assert_int_equal(r.found, 1);
        assert_int_equal(r.prefix_len, 120);
        r = lookup_text(db, "2001:db9::");
        assert_int_equal(r.found, 0);
    } else {
        assert_int_equal(c2d_geodb_lookup(db, "2001:db8::1", &r), C2D_ERR_MMDB_IPV6_IN_IPV4);
    }
}

static void test_sizes_and_versions(void **state) {
    (void)state;
    static const unsigned sizes[] = {24, 28, 32};
    for (int s = 0; s < 3; s++)
        for (unsigned ipv = 4; ipv <= 6; ipv += 2) {
            size_t n;
            uint8_t *f = make_db(sizes[s], ipv, &n);
            c2d_geodb *db = open_mem(f, n);
            c2d_geodb_summary info = {.size = sizeof info};
            assert_int_equal(c2d_geodb_info(db, &info), C2D_OK);
            assert_int_equal(info.record_size, sizes[s]);
            assert_int_equal(info.ip_version, ipv);
            assert_int_equal(info.format_major, 2);
            assert_true(info.build_epoch == 1700000000);
            assert_string_equal(info.database_type, "c2d-test");
            assert_int_equal(info.ipv4_start_depth, ipv == 6 ? 96 : 0);
            check_types(db, ipv == 6 ? "1.1.1.77" : "1.1.1.1");
            check_networks(db, ipv);
            /* the metadata reads like a record */
            c2d_geo_value m = {.size = sizeof m};
            assert_int_equal(c2d_geodb_metadata(db, &m), C2D_OK);
            const char *p[] = {"database_type"};
            assert_int_equal(c2d_geodb_value_get(db, &m, p, 1, &m), C2D_OK);
            assert_str(&m, "c2d-test");
            c2d_geodb_free(db);
            free(f);
        }
}

/* 28-bit records use their shared middle nibbles only above 2^24: put the
 * data beyond a 16 MiB blob so both records of the root carry high bits. */
static void test_record28_high_bits(void **state) {
    (void)state;
    wbuf d = {0};
    uint32_t big = 17u << 20;
    w_ctrl(&d, 4, big);
    d.p = realloc(d.p, d.len + big + 64);
    assert_non_null(d.p);
    memset(d.p + d.len, 0x55, big);
    d.len += big;
    d.cap = d.len + 64;
    uint32_t a_off = (uint32_t)d.len;
    w_str(&d, "left");
    uint32_t b_off = (uint32_t)d.len;
    w_str(&d, "right");
    tree t = {0};
    uint8_t a[16] = {0};
    t_insert(&t, a, 1, a_off);
    a[0] = 0x80;
    t_insert(&t, a, 1, b_off);
    size_t n;
    uint8_t *f = w_file(&t, &d, (dbspec){28, 4, 2, false}, &n);
    c2d_geodb *db = open_mem(f, n);
    c2d_geo_result r = {.size = sizeof r};
    c2d_geo_value v = {.size = sizeof v};
    assert_int_equal(c2d_geodb_lookup_ipv4(db, 0x01000000u, &r), C2D_OK);
    assert_int_equal(r.data_offset, a_off);
    assert_int_equal(r.prefix_len, 1);
    assert_int_equal(c2d_geodb_record(db, &r, &v), C2D_OK);
    assert_str(&v, "left");
    assert_int_equal(c2d_geodb_lookup_ipv4(db, 0xC0000000u, &r), C2D_OK);
    assert_int_equal(r.data_offset, b_off);
    assert_int_equal(c2d_geodb_record(db, &r, &v), C2D_OK);
    assert_str(&v, "right");
    c2d_geodb_free(db);
    free(f);
    free(d.p);
    free(t.rec);
}

/* Build a one-record database whose data section is `d` and whose record
 * points at offset `root`; returns the status of open, and the db. */
static c2d_status open_custom(const wbuf *d, uint32_t root, dbspec s, c2d_geodb **db, uint8_t **file) {
    tree t = {0};
    uint8_t a[16] = {0};
    t_insert(&t, a, 1, root);
    size_t n;
    *file = w_file(&t, d, s, &n);
    free(t.rec);
    return c2d_geodb_open_memory(*file, n, NULL, db);
}

static c2d_status get_status(const wbuf *d, uint32_t root, const char *k1) {
    c2d_geodb *db = NULL;
    uint8_t *f;
    assert_int_equal(open_custom(d, root, (dbspec){24, 4, 2, false}, &db, &f), C2D_OK);
    c2d_geo_result r = {.size = sizeof r};
    assert_int_equal(c2d_geodb_lookup_ipv4(db, 1, &r), C2D_OK);
    assert_int_equal(r.found, 1);
    c2d_geo_value v = {.size = sizeof v};
    const char *path[] = {k1};
    c2d_status st = c2d_geodb_get(db, &r, path, k1 ? 1 : 0, &v);
    c2d_geodb_free(db);
    free(f);
    return st;
}

static void test_hostile_data(void **state) {
    (void)state;
    wbuf d = {0};
    /* pointer to a pointer */
    w_ctrl(&d, 7, 1);
    w_str(&d, "k");
    w_ptr(&d, (uint32_t)d.len + 2);
    w_ptr(&d, 0);
    assert_int_equal(get_status(&d, 0, "k"), C2D_ERR_MMDB_POINTER);
    d.len = 0;
    /* pointer past the data section */
    w_ctrl(&d, 7, 1);
    w_str(&d, "k");
    w_ptr(&d, 5000);
    assert_int_equal(get_status(&d, 0, "k"), C2D_ERR_MMDB_POINTER);
    d.len = 0;
    /* a key that is not a string */
    w_ctrl(&d, 7, 1);
    w_uint(&d, 6, 7);
    w_str(&d, "v");
    assert_int_equal(get_status(&d, 0, "k"), C2D_ERR_MMDB_DATA);
    d.len = 0;
    /* string longer than the section */
    w_ctrl(&d, 2, 200);
    w_raw(&d, "abc", 3);
    assert_int_equal(get_status(&d, 0, NULL), C2D_ERR_MMDB_DATA);
    d.len = 0;
    /* double of 4 bytes, uint16 of 3 bytes, end marker, extended type 0 */
    w_ctrl(&d, 3, 4);
    w_be(&d, 0, 4);
    assert_int_equal(get_status(&d, 0, NULL), C2D_ERR_MMDB_DATA);
    d.len = 0;
    w_ctrl(&d, 5, 3);
    w_be(&d, 1, 3);
    assert_int_equal(get_status(&d, 0, NULL), C2D_ERR_MMDB_DATA);
    d.len = 0;
    w_ctrl(&d, 13, 0);
    w_u8(&d, 0);
    assert_int_equal(get_status(&d, 0, NULL), C2D_ERR_MMDB_DATA);
    d.len = 0;
    w_u8(&d, 0x01);
    w_u8(&d, 0x00);
    assert_int_equal(get_status(&d, 0, NULL), C2D_ERR_MMDB_DATA);
    d.len = 0;
    /* a map announcing 1000 pairs but holding one: a later key runs off the end */
    w_ctrl(&d, 7, 1000);
    w_str(&d, "a");
    w_str(&d, "b");
    assert_int_equal(get_status(&d, 0, "zz"), C2D_ERR_MMDB_DATA);
    d.len = 0;
    /* a map whose value points back at the map itself: a path is bounded by
     * its length, an iterator by the depth limit */
    w_ctrl(&d, 7, 1);
    w_str(&d, "self");
    w_ptr(&d, 0);
    c2d_geodb *db = NULL;
    uint8_t *f;
    assert_int_equal(open_custom(&d, 0, (dbspec){24, 4, 2, false}, &db, &f), C2D_OK);
    c2d_geo_result r = {.size = sizeof r};
    assert_int_equal(c2d_geodb_lookup_ipv4(db, 1, &r), C2D_OK);
    const char *selfs[C2D_GEO_MAX_DEPTH + 1];
    for (int i = 0; i <= C2D_GEO_MAX_DEPTH; i++) selfs[i] = "self";
    c2d_geo_value v = {.size = sizeof v}, k = {.size = sizeof k};
    assert_int_equal(c2d_geodb_get(db, &r, selfs, C2D_GEO_MAX_DEPTH, &v), C2D_OK);
    assert_int_equal(v.type, C2D_GEO_MAP);
    assert_int_equal(c2d_geodb_value_get(db, &v, selfs, 1, &v), C2D_ERR_MMDB_DEPTH);
    assert_int_equal(c2d_geodb_get(db, &r, selfs, C2D_GEO_MAX_DEPTH + 1, &v), C2D_ERR_INVALID_ARG);
    assert_int_equal(c2d_geodb_record(db, &r, &v), C2D_OK);
    int levels = 0;
    c2d_status st = C2D_OK;
    for (;;) {
        c2d_geo_iter it;
        st = c2d_geodb_iter_init(&v, &it);
        if (st != C2D_OK) break;
        assert_int_equal(c2d_geodb_iter_next(db, &it, &k, &v), C2D_OK);
        levels++;
    }
    assert_int_equal(st, C2D_ERR_MMDB_DEPTH);
    assert_int_equal(levels, C2D_GEO_MAX_DEPTH);
    c2d_geodb_free(db);
    free(f);
    free(d.p);
}

static void test_hostile_files(void **state) {
    (void)state;
    wbuf d = {0};
    w_str(&d, "x");
    c2d_geodb *db = (c2d_geodb *)&d; /* must be reset to NULL on error */
    uint8_t *f;
    assert_int_equal(open_custom(&d, 0, (dbspec){24, 4, 3, false}, &db, &f), C2D_ERR_UNSUPPORTED_VERSION);
    assert_null(db);
    free(f);
    assert_int_equal(open_custom(&d, 0, (dbspec){24, 4, 2, true}, &db, &f), C2D_ERR_MMDB_METADATA);
    free(f);
    assert_int_equal(open_custom(&d, 0, (dbspec){20, 4, 2, false}, &db, &f), C2D_ERR_MMDB_METADATA);
    free(f);
    assert_int_equal(open_custom(&d, 0, (dbspec){24, 5, 2, false}, &db, &f), C2D_ERR_MMDB_METADATA);
    free(f);
    /* record pointing past the data section, and into the separator */
    assert_int_equal(open_custom(&d, 100, (dbspec){24, 4, 2, false}, &db, &f), C2D_ERR_MMDB_TREE);
    free(f);
    size_t n;
    tree t = {0};
    t_node(&t);
    t.rec[0][0] = DATA_TAG; /* fixed up below to node_count + 3 */
    f = w_file(&t, &d, (dbspec){24, 4, 2, false}, &n);
    f[2] = 1 + 3; /* node_count is 1: record 4 lies in the 16-byte separator */
    assert_int_equal(c2d_geodb_open_memory(f, n, NULL, &db), C2D_ERR_MMDB_TREE);
    free(f);
    /* a tree that loops on itself: node 0 -> node 0 */
    t.rec[0][0] = 0;
    t.rec[0][1] = 0;
    f = w_file(&t, &d, (dbspec){24, 6, 2, false}, &n);
    db = open_mem(f, n);
    c2d_geo_result r = {.size = sizeof r};
    uint8_t zero[16] = {0};
    assert_int_equal(c2d_geodb_lookup_ipv6(db, zero, &r), C2D_ERR_MMDB_TREE);
    assert_int_equal(c2d_geodb_lookup_ipv4(db, 0x01020304u, &r), C2D_ERR_MMDB_TREE);
    c2d_geodb_free(db);
    free(f);
    free(t.rec);
    /* no marker; the marker only; a tree bigger than the file; truncations */
    static const uint8_t junk[64] = {1, 2, 3};
    assert_int_equal(c2d_geodb_open_memory(junk, sizeof junk, NULL, &db), C2D_ERR_BAD_MAGIC);
    assert_int_equal(c2d_geodb_open_memory(NULL, 0, NULL, &db), C2D_ERR_BAD_MAGIC);
    assert_int_equal(c2d_geodb_open_memory("\xAB\xCD\xEFMaxMind.com", 14, NULL, &db), C2D_ERR_MMDB_METADATA);
    f = make_db(24, 6, &n);
    for (size_t cut = 0; cut < n; cut += 7) {
        c2d_status st = c2d_geodb_open_memory(f + cut, n - cut, NULL, &db);
        if (cut == 0) {
            assert_int_equal(st, C2D_OK);
            c2d_geodb_free(db);
        } else {
            assert_true(st < 0);
            assert_null(db);
        }
    }
    free(f);
    free(d.p);
    /* argument checks */
    assert_int_equal(c2d_geodb_open_memory(junk, 4, NULL, NULL), C2D_ERR_INVALID_ARG);
    assert_int_equal(c2d_geodb_open_file(NULL, NULL, &db), C2D_ERR_INVALID_ARG);
    assert_int_equal(c2d_geodb_open_file("/nonexistent/x.mmdb", NULL, &db), C2D_ERR_IO);
    assert_int_equal(c2d_geodb_lookup_ipv4(NULL, 1, &r), C2D_ERR_INVALID_ARG);
    c2d_geodb_free(NULL);
}

/* c2d_geodb_lookup_ipv4_batch gives per address what the single calls give,
 * decodes a shared record once, and stops at the first undecodable record. */
static void test_lookup_batch(void **state) {
    (void)state;
    for (unsigned ipv = 4; ipv <= 6; ipv += 2) {
        size_t n;
        uint8_t *f = make_db(24, ipv, &n);
        c2d_geodb *db = open_mem(f, n);
        const uint32_t addrs[] = {0x02020909u, 0x0202090Au, 0x020202C8u, 0x02030000u,
                                  0x80000001u, 0x01010101u, 0x02020909u};
        enum { N = sizeof addrs / sizeof addrs[0] };
        uint32_t offsets[N], asns[N];
        uint8_t plen[N];
        char iso[2 * N];
        size_t done = 99;
        assert_int_equal(c2d_geodb_lookup_ipv4_batch(db, addrs, N, offsets, plen, iso, asns, &done),
                         C2D_OK);
        assert_int_equal(done, N);
        for (size_t i = 0; i < N; i++) {
            c2d_geo_result r = {.size = sizeof r};
            assert_int_equal(c2d_geodb_lookup_ipv4(db, addrs[i], &r), C2D_OK);
            assert_int_equal(offsets[i], r.found ? r.data_offset : C2D_GEO_NO_RECORD);
            assert_int_equal(plen[i], r.prefix_len);
        }
        assert_memory_equal(iso, "GBGBJP\0\0\0\0\0\0GB", 2 * N);
        const uint32_t want_asn[N] = {64496, 64496, 0, 0, 0, 0, 64496};
        assert_memory_equal(asns, want_asn, sizeof want_asn);
        assert_int_equal(plen[0], 21);
        assert_int_equal(plen[2], 24);
        assert_int_equal(offsets[3], C2D_GEO_NO_RECORD);
        /* outputs may be left out; n == 0 and argument errors */
        uint32_t only_asn[N];
        assert_int_equal(c2d_geodb_lookup_ipv4_batch(db, addrs, N, NULL, NULL, NULL, only_asn, NULL),
                         C2D_OK);
        assert_memory_equal(only_asn, want_asn, sizeof want_asn);
        assert_int_equal(c2d_geodb_lookup_ipv4_batch(db, NULL, 0, NULL, NULL, NULL, NULL, &done),
                         C2D_OK);
        assert_int_equal(done, 0);
        assert_int_equal(c2d_geodb_lookup_ipv4_batch(db, NULL, 1, offsets, NULL, NULL, NULL, &done),
                         C2D_ERR_INVALID_ARG);
        assert_int_equal(c2d_geodb_lookup_ipv4_batch(NULL, addrs, 1, offsets, NULL, NULL, NULL, NULL),
                         C2D_ERR_INVALID_ARG);
        c2d_geodb_free(db);
        free(f);
    }
    /* the same addresses as text lines */
    {
        size_t n;
        uint8_t *f = make_db(24, 4, &n);
        c2d_geodb *db = open_mem(f, n);
        static const char text[] = "2.2.9.9\n2.2.9.10\n2.2.2.200\n2.3.0.0\n128.0.0.1\n1.1.1.1\n2.2.9.9";
        enum { N = 7 };
        uint32_t offsets[N], asns[N], want_off[N];
        char iso[2 * N];
        size_t done = 99;
        assert_int_equal(c2d_geodb_lookup_ipv4_text_batch(db, text, strlen(text), N, offsets, NULL,
                                                          iso, asns, &done), C2D_OK);
        assert_int_equal(done, N);
        assert_memory_equal(iso, "GBGBJP\0\0\0\0\0\0GB", 2 * N);
        const uint32_t want_asn[N] = {64496, 64496, 0, 0, 0, 0, 64496};
        assert_memory_equal(asns, want_asn, sizeof want_asn);
        const uint32_t addrs[N] = {0x02020909u, 0x0202090Au, 0x020202C8u, 0x02030000u,
                                   0x80000001u, 0x01010101u, 0x02020909u};
        assert_int_equal(c2d_geodb_lookup_ipv4_batch(db, addrs, N, want_off, NULL, NULL, NULL, NULL),
                         C2D_OK);
        assert_memory_equal(offsets, want_off, sizeof want_off);
        /* a trailing newline is allowed; after it comes an empty item (not an
         * address), and past the end of the text TRUNCATED */
        assert_int_equal(c2d_geodb_lookup_ipv4_text_batch(db, "2.2.9.9\n", 8, 1, offsets, NULL,
                                                          NULL, NULL, &done), C2D_OK);
        assert_int_equal(c2d_geodb_lookup_ipv4_text_batch(db, "2.2.9.9\n", 8, 2, offsets, NULL,
                                                          NULL, NULL, &done), C2D_ERR_MALFORMED);
        assert_int_equal(done, 1);
        assert_int_equal(c2d_geodb_lookup_ipv4_text_batch(db, "2.2.9.9", 7, 2, offsets, NULL,
                                                          NULL, NULL, &done), C2D_ERR_TRUNCATED);
        assert_int_equal(done, 1);
        /* more addresses than n: refused, after the n looked up */
        assert_int_equal(c2d_geodb_lookup_ipv4_text_batch(db, "2.2.9.9\n1.1.1.1", 15, 1, offsets,
                                                          NULL, NULL, NULL, &done), C2D_ERR_MALFORMED);
        assert_int_equal(done, 1);
        assert_int_equal(c2d_geodb_lookup_ipv4_text_batch(db, "2.2.9.9\n\n", 9, 1, offsets, NULL,
                                                          NULL, NULL, &done), C2D_ERR_MALFORMED);
        assert_int_equal(done, 1);
        /* items that are not strict dotted quads */
        static const char *const bad[] = {"1.1.1.1\n01.2.3.4", "1.1.1.1\n1.2.3.4\r", "1.1.1.1\n\n",
                                          "1.1.1.1\n::1", "1.1.1.1\n1.2.3.256", "1.1.1.1\n1.2.3"};
        for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
            done = 99;
            assert_int_equal(c2d_geodb_lookup_ipv4_text_batch(db, bad[i], strlen(bad[i]), 2, offsets,
                                                              NULL, NULL, NULL, &done),
                             C2D_ERR_MALFORMED);
            assert_int_equal(done, 1);
        }
        assert_int_equal(c2d_geodb_lookup_ipv4_text_batch(db, NULL, 0, 0, NULL, NULL, NULL, NULL, &done),
                         C2D_OK);
        assert_int_equal(c2d_geodb_lookup_ipv4_text_batch(db, NULL, 5, 1, NULL, NULL, NULL, NULL, &done),
                         C2D_ERR_INVALID_ARG);
        c2d_geodb_free(db);
        free(f);
    }
    /* a record whose map key is not a string: the batch stops there */
    wbuf d = {0};
    w_ctrl(&d, 7, 1);
    w_uint(&d, 6, 7);
    w_str(&d, "v");
    c2d_geodb *db = NULL;
    uint8_t *f;
    assert_int_equal(open_custom(&d, 0, (dbspec){24, 4, 2, false}, &db, &f), C2D_OK);
    const uint32_t addrs[] = {0x80000001u, 1u, 0x80000002u};
    uint32_t offsets[3] = {7, 7, 7};
    char iso[6];
    size_t done = 99;
    assert_int_equal(c2d_geodb_lookup_ipv4_batch(db, addrs, 3, offsets, NULL, iso, NULL, &done),
                     C2D_ERR_MMDB_DATA);
    assert_int_equal(done, 1);
    assert_int_equal(offsets[0], C2D_GEO_NO_RECORD);
    assert_memory_equal(iso, "\0\0", 2);
    /* without decoding the same addresses are only looked up */
    assert_int_equal(c2d_geodb_lookup_ipv4_batch(db, addrs, 3, offsets, NULL, NULL, NULL, &done),
                     C2D_OK);
    assert_int_equal(done, 3);
    assert_int_equal(offsets[1], 0);
    c2d_geodb_free(db);
    free(f);
    free(d.p);
}

static void test_parse_ip(void **state) {
    (void)state;
    int fam;
    uint8_t a[16];
    assert_int_equal(c2d_geo_parse_ip("8.8.4.255", &fam, a), C2D_OK);
    assert_int_equal(fam, 4);
    assert_memory_equal(a, "\x08\x08\x04\xff", 4);
    assert_int_equal(c2d_geo_parse_ip("2001:db8::ff00:42:8329", &fam, a), C2D_OK);
    assert_int_equal(fam, 6);
    assert_memory_equal(a, "\x20\x01\x0d\xb8\0\0\0\0\0\0\xff\x00\x00\x42\x83\x29", 16);
    assert_int_equal(c2d_geo_parse_ip("::ffff:1.2.3.4", &fam, a), C2D_OK);
    assert_memory_equal(a, "\0\0\0\0\0\0\0\0\0\0\xff\xff\x01\x02\x03\x04", 16);
    assert_int_equal(c2d_geo_parse_ip("::", &fam, a), C2D_OK);
    assert_int_equal(c2d_geo_parse_ip("1::", &fam, a), C2D_OK);
    assert_int_equal(a[1], 1);
    assert_int_equal(c2d_geo_parse_ip("1:2:3:4:5:6:7:8", &fam, a), C2D_OK);
    assert_int_equal(a[15], 8);
    static const char *bad[] = {"", "1.2.3", "1.2.3.4.5", "256.1.1.1", "01.1.1.1", "1.1.1.1 ", "1..1.1",
                                ":::", "1:2:3:4:5:6:7:8:9", "1::2::3", "12345::", "1:", ":1", "g::",
                                "1:2:3:4:5:6:7:1.2.3.4", "::1.2.3", "1.2.3.4::"};
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++)
        assert_int_equal(c2d_geo_parse_ip(bad[i], &fam, a), C2D_ERR_INVALID_ARG);
}

static void test_oom(void **state) {
    (void)state;
    size_t n;
    uint8_t *f = make_db(24, 6, &n);
    long needed = 0;
    for (long k = 1; k < 50; k++) {
        test_alloc ta;
        test_alloc_init(&ta, k);
        c2d_geodb *db = NULL;
        c2d_status st = c2d_geodb_open_memory(f, n, &ta.api, &db);
        if (st == C2D_OK) {
            needed = k;
            c2d_geodb_free(db);
            assert_int_equal(ta.live, 0);
            break;
        }
        assert_int_equal(st, C2D_ERR_NOMEM);
        assert_null(db);
        assert_int_equal(ta.live, 0);
    }
    assert_int_equal(needed, 4); /* handle, database_type, prefix tables, then success */
    /* lookups, getters and iteration allocate nothing */
    test_alloc counting;
    test_alloc_init(&counting, 0);
    c2d_geodb *db = NULL;
    assert_int_equal(c2d_geodb_open_memory(f, n, &counting.api, &db), C2D_OK);
    long calls = counting.calls;
    for (uint32_t a = 0; a < 100000; a++) {
        c2d_geo_result r = {.size = sizeof r};
        assert_int_equal(c2d_geodb_lookup_ipv4(db, 0x01010000u + a * 7u, &r), C2D_OK);
        char iso[3];
        (void)c2d_geodb_country(db, &r, iso);
    }
    check_types(db, "1.1.1.1");
    assert_int_equal(counting.calls, calls);
    c2d_geodb_free(db);
    assert_int_equal(counting.live, 0);
    free(f);
    static const char csv[] = "1.0.0.0,1.0.0.255,13335,\"Cloudflare, Inc.\"\n1.0.4.0,1.0.7.255,38803,Gtelecom\n";
    for (long k = 1; k < 50; k++) {
        test_alloc ta;
        test_alloc_init(&ta, k);
        c2d_asntable *t = NULL;
        c2d_status st = c2d_asntable_load_memory(csv, sizeof csv - 1, &ta.api, &t, NULL);
        if (st == C2D_OK) {
            c2d_asntable_free(t);
            assert_int_equal(ta.live, 0);
            break;
        }
        assert_int_equal(st, C2D_ERR_NOMEM);
        assert_null(t);
        assert_int_equal(ta.live, 0);
    }
}

/* ---------------------------------------------------- shared threads */
typedef struct thread_arg {
    const c2d_geodb *db;
    uint32_t seed;
    long mismatches;
} thread_arg;

static void *lookup_thread(void *p) {
    thread_arg *a = p;
    uint32_t x = a->seed;
    for (int i = 0; i < 200000; i++) {
        x = x * 1664525u + 1013904223u;
        uint32_t addr = (x & 0x0101FFFFu) | 0x01000000u; /* 1.x.x.x and 1.1.x.x */
        c2d_geo_result r = {.size = sizeof r};
        if (c2d_geodb_lookup_ipv4(a->db, addr, &r) != C2D_OK) a->mismatches++;
        bool in = (addr >> 8) == 0x010101u;
        if (r.found != (int)in || (in && r.prefix_len != 24)) a->mismatches++;
    }
    return NULL;
}

static void test_threads(void **state) {
    (void)state;
    size_t n;
    uint8_t *f = make_db(32, 6, &n);
    c2d_geodb *db = open_mem(f, n);
    pthread_t th[4];
    thread_arg args[4];
    for (int i = 0; i < 4; i++) {
        args[i] = (thread_arg){db, (uint32_t)i * 7919u + 1u, 0};
        assert_int_equal(pthread_create(&th[i], NULL, lookup_thread, &args[i]), 0);
    }
    for (int i = 0; i < 4; i++) {
        pthread_join(th[i], NULL);
        assert_int_equal(args[i].mismatches, 0);
    }
    c2d_geodb_free(db);
    free(f);
}

/* ------------------------------------------------------ shared files */
static c2d_geodb *open_shared(const char *rel) {
    char path[4096];
    snprintf(path, sizeof path, "%s/geo/%s", C2D_SHARED_DATA_DIR, rel);
    FILE *probe = fopen(path, "rb");
    if (!probe) return NULL;
    fclose(probe);
    c2d_geodb *db = NULL;
    assert_int_equal(c2d_geodb_open_file(path, NULL, &db), C2D_OK);
    return db;
}

static void test_shared_files(void **state) {
    (void)state;
    c2d_geodb *db = open_shared("maxmind_test_mmdb/MaxMind-DB-test-decoder.mmdb");
    if (!db) skip();
    c2d_geo_result r = lookup_text(db, "1.1.1.1");
    c2d_geo_value v = get1(db, &r, "utf8_string", NULL);
    assert_str(&v, "unicode! \xe2\x98\xaf - \xe2\x99\xab");
    v = get1(db, &r, "int32", NULL);
    assert_int_equal(v.i32, -268435456);
    v = get1(db, &r, "uint128", NULL);
    assert_true(v.u128_high == 0x0100000000000000ull && v.u64 == 0);
    v = get1(db, &r, "double", NULL);
    assert_true(v.f64 == 42.123456);
    const char *p[] = {"map", "mapX", "arrayX", "2"};
    assert_int_equal(c2d_geodb_get(db, &r, p, 4, &v), C2D_OK);
    assert_int_equal(v.type, C2D_GEO_UINT32);
    assert_int_equal(v.u64, 9);
    c2d_geodb_free(db);

    db = open_shared("maxmind_test_mmdb/GeoLite2-ASN-Test.mmdb");
    assert_non_null(db);
    r = lookup_text(db, "1.128.0.1");
    assert_int_equal(r.prefix_len, 11);
    uint32_t asn;
    char org[64];
    assert_int_equal(c2d_geodb_asn(db, &r, &asn), C2D_OK);
    assert_int_equal(asn, 1221);
    assert_int_equal(c2d_geodb_as_org(db, &r, org, sizeof org, NULL), C2D_OK);
    assert_string_equal(org, "Telstra Pty Ltd");
    c2d_geodb_free(db);

    db = open_shared("maxmind_test_mmdb/GeoLite2-City-Test.mmdb");
    assert_non_null(db);
    r = lookup_text(db, "81.2.69.142");
    v = get1(db, &r, "city", "names");
    v = get1(db, &r, "location", "latitude");
    assert_true(v.f64 == 51.5142);
    const char *sub[] = {"subdivisions", "0", "iso_code"};
    r = lookup_text(db, "2.125.160.216");
    assert_int_equal(c2d_geodb_get(db, &r, sub, 3, &v), C2D_OK);
    assert_str(&v, "ENG");
    sub[1] = "-1";
    assert_int_equal(c2d_geodb_get(db, &r, sub, 3, &v), C2D_OK);
    assert_str(&v, "WBK");
    char iso[3];
    assert_int_equal(c2d_geodb_country(db, &r, iso), C2D_OK);
    assert_string_equal(iso, "GB");
    c2d_geodb_free(db);

    char path[4096];
    snprintf(path, sizeof path, "%s/geo/maxmind_test_mmdb/MaxMind-DB-test-broken-pointers-24.mmdb",
             C2D_SHARED_DATA_DIR);
    assert_int_equal(c2d_geodb_open_file(path, NULL, &db), C2D_ERR_MMDB_TREE);

    db = open_shared("geo-whois-asn-country.mmdb");
    assert_non_null(db);
    r = lookup_text(db, "1.1.1.1");
    assert_int_equal(r.prefix_len, 24);
    assert_int_equal(c2d_geodb_country(db, &r, iso), C2D_OK);
    assert_string_equal(iso, "AU");
    r = lookup_text(db, "2001:4860:4860::8888");
    assert_int_equal(r.prefix_len, 32);
    assert_int_equal(c2d_geodb_country(db, &r, iso), C2D_OK);
    assert_string_equal(iso, "US");
    c2d_geodb_summary info = {.size = sizeof info};
    assert_int_equal(c2d_geodb_info(db, &info), C2D_OK);
    assert_int_equal(info.node_count, 1306595);
    assert_string_equal(info.database_type, "country ipvAll");
    c2d_geodb_free(db);
}

/* ================================================================ ASN CSV */
static void test_asn_csv(void **state) {
    (void)state;
    static const char csv[] =
        "1.0.0.0,1.0.0.255,13335,\"Cloudflare, Inc.\"\n"
        "2.26.200.0,2.26.215.255,201907,\"LLC \"\"SPUTNIK\"\"\"\r\n"
        "\n"
        "1.0.4.0,1.0.7.255,38803,Gtelecom Pty Ltd\n"      /* out of order */
        "1.0.8.0,1.0.8.9,1,\"unterminated\n"              /* line 5: bad */
        "1.0.9.0,1.0.8.0,2,start after end\n"             /* line 6: bad */
        "1.0.10.0,1.0.10.255,99999999999,too big\n"       /* line 7: bad */
        "::1,::2,3,ipv6\n"                                /* line 8: bad */
        "1.0.6.0,1.0.12.255,4,overlaps the end\n"         /* line 9: trimmed to 1.0.8.0 */
        "1.0.5.0,1.0.5.9,5,inside\n"                      /* line 10: dropped */
        "9.9.9.9,9.9.9.9,6,\n"                            /* empty org */
        "1.0.16.0,1.0.16.255,2519,Gtelecom Pty Ltd";      /* no final newline */
    c2d_asntable *t = NULL;
    c2d_asntable_stats s = {.size = sizeof s};
    assert_int_equal(c2d_asntable_load_memory(csv, sizeof csv - 1, NULL, &t, &s), C2D_OK);
    assert_int_equal(s.lines, 12);
    assert_int_equal(s.malformed, 4);
    assert_int_equal(s.overlapping, 2);
    assert_int_equal(s.ranges, 6);
    assert_int_equal(s.n_bad_lines, 6);
    static const uint64_t bad[] = {5, 6, 7, 8, 10, 9}; /* overlaps in start order */
    for (int i = 0; i < 6; i++) assert_int_equal(s.bad_lines[i], bad[i]);
    assert_int_equal(s.distinct_orgs, 6); /* "", Cloudflare, SPUTNIK, Gtelecom, overlaps, (inside is dropped but interned) */
    uint32_t asn;
    const char *org;
    size_t len;
    assert_int_equal(c2d_asntable_lookup(t, 0x01000001u, &asn, &org, &len), C2D_OK);
    assert_int_equal(asn, 13335);
    assert_string_equal(org, "Cloudflare, Inc.");
    assert_int_equal(len, 16);
    assert_int_equal(c2d_asntable_lookup(t, 0x021AC801u, &asn, &org, NULL), C2D_OK);
    assert_int_equal(asn, 201907);
    assert_string_equal(org, "LLC \"SPUTNIK\"");
    assert_int_equal(c2d_asntable_lookup(t, 0x01000505u, &asn, &org, NULL), C2D_OK);
    assert_int_equal(asn, 38803);
    assert_int_equal(c2d_asntable_lookup(t, 0x01000808u, &asn, &org, NULL), C2D_OK);
    assert_int_equal(asn, 4);
    assert_int_equal(c2d_asntable_lookup(t, 0x09090909u, &asn, &org, NULL), C2D_OK);
    assert_string_equal(org, "");
    assert_int_equal(c2d_asntable_lookup(t, 0x01001010u, &asn, NULL, NULL), C2D_OK);
    assert_int_equal(asn, 2519);
    assert_int_equal(c2d_asntable_lookup(t, 0x01000100u, &asn, &org, NULL), C2D_ERR_NOT_FOUND);
    assert_int_equal(c2d_asntable_lookup(t, 0, &asn, &org, NULL), C2D_ERR_NOT_FOUND);
    assert_int_equal(c2d_asntable_lookup(t, 0xFFFFFFFFu, &asn, &org, NULL), C2D_ERR_NOT_FOUND);
    c2d_asntable_free(t);
    c2d_asntable_free(NULL);
    /* empty text: an empty table */
    assert_int_equal(c2d_asntable_load_memory("", 0, NULL, &t, &s), C2D_OK);
    assert_int_equal(s.ranges, 0);
    assert_int_equal(c2d_asntable_lookup(t, 1, &asn, NULL, NULL), C2D_ERR_NOT_FOUND);
    c2d_asntable_free(t);
    assert_int_equal(c2d_asntable_load_file("/nonexistent.csv", NULL, &t, NULL), C2D_ERR_IO);
    assert_int_equal(c2d_asntable_load_memory(NULL, 5, NULL, &t, NULL), C2D_ERR_INVALID_ARG);
}

static void test_asn_shared(void **state) {
    (void)state;
    char gz[4096], cmd[8192];
    snprintf(gz, sizeof gz, "%s/geo/asn-ipv4.csv.gz", C2D_SHARED_DATA_DIR);
    FILE *probe = fopen(gz, "rb");
    if (!probe) skip();
    fclose(probe);
    const char *tmp = "test_geo_asn-ipv4.csv"; /* in ctest's working directory (the build tree) */
    snprintf(cmd, sizeof cmd, "gzip -dc '%s' > '%s'", gz, tmp);
    if (system(cmd) != 0) skip();
    c2d_asntable *t = NULL;
    c2d_asntable_stats s = {.size = sizeof s};
    assert_int_equal(c2d_asntable_load_file(tmp, NULL, &t, &s), C2D_OK);
    remove(tmp);
    assert_int_equal(s.lines, 411961);
    assert_int_equal(s.malformed, 0);
    assert_int_equal(s.overlapping, 1); /* 215.0.0.0-215.1.3.255 starts inside 214.95.0.0-215.0.255.255 */
    assert_int_equal(s.bad_lines[0] > 0, 1);
    assert_int_equal(s.ranges, 411961);
    uint32_t asn;
    const char *org;
    assert_int_equal(c2d_asntable_lookup(t, 0x01010101u, &asn, &org, NULL), C2D_OK);
    assert_int_equal(asn, 13335);
    assert_string_equal(org, "Cloudflare, Inc.");
    assert_int_equal(c2d_asntable_lookup(t, 0x021AC801u, &asn, &org, NULL), C2D_OK);
    assert_string_equal(org, "LLC \"SPUTNIK\"");
    assert_int_equal(c2d_asntable_lookup(t, 0xD7000001u, &asn, &org, NULL), C2D_OK); /* 215.0.0.1 */
    assert_int_equal(asn, 749);
    assert_int_equal(c2d_asntable_lookup(t, 0xD7010001u, &asn, &org, NULL), C2D_OK); /* 215.1.0.1 */
    assert_int_equal(asn, 721);
    c2d_asntable_free(t);
}

int main(void) {
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_sizes_and_versions),
        cmocka_unit_test(test_record28_high_bits),
        cmocka_unit_test(test_hostile_data),
        cmocka_unit_test(test_hostile_files),
        cmocka_unit_test(test_parse_ip),
        cmocka_unit_test(test_lookup_batch),
        cmocka_unit_test(test_oom),
        cmocka_unit_test(test_threads),
        cmocka_unit_test(test_shared_files),
        cmocka_unit_test(test_asn_csv),
        cmocka_unit_test(test_asn_shared),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
