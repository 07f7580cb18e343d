/* Cross-check of the c2d MMDB reader against libmaxminddb (built only when
 * libmaxminddb is installed; see tests/extra_geo.cmake).
 *   geo_compare random FILE N4 N6   N4 random IPv4 and N6 random IPv6 lookups:
 *                                   found, prefix, offset and the whole record
 *   geo_compare files DIR           every *.mmdb in DIR: open agreement,
 *                                   metadata, and full records of many addresses
 * Exit 0 when every answer is identical, 1 on a difference, 77 to skip. */
#define _POSIX_C_SOURCE 200809L
#include <arpa/inet.h>
#include <dirent.h>
#include <maxminddb.h>
#include <netinet/in.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>

#include "c2detect.h"

/* ------------------------------------------------ canonical text dumps */
typedef struct sbuf {
    char *p;
    size_t len, cap;
} sbuf;

static void sb_printf(sbuf *b, const char *fmt, ...) {
    va_list ap;
    for (;;) {
        va_start(ap, fmt);
        int n = vsnprintf(b->p + b->len, b->cap - b->len, fmt, ap);
        va_end(ap);
        if (n >= 0 && (size_t)n < b->cap - b->len) {
            b->len += (size_t)n;
            return;
        }
        b->cap = b->cap * 2 + (size_t)n + 64;
        b->p = realloc(b->p, b->cap);
        if (!b->p) abort();
    }
}

static void sb_bytes(sbuf *b, const uint8_t *p, size_t n) {
    sb_printf(b, "\"");
    for (size_t i = 0; i < n; i++) sb_printf(b, (p[i] >= 32 && p[i] < 127 && p[i] != '"' && p[i] != '\\') ? "%c" : "\\x%02x", p[i]);
    sb_printf(b, "\"");
}

/* libmaxminddb's entry list -> text; returns the next list element */
static MMDB_entry_data_list_s *dump_mmdb(sbuf *b, MMDB_entry_data_list_s *e) {
    if (!e) {
        sb_printf(b, "<short>");
        return NULL;
    }
    MMDB_entry_data_s *d = &e->entry_data;
    switch (d->type) {
    case MMDB_DATA_TYPE_MAP: {
        uint32_t n = d->data_size;
        sb_printf(b, "{%u:", n);
        e = e->next;
        for (uint32_t i = 0; i < n; i++) {
            if (!e) break;
            sb_bytes(b, (const uint8_t *)e->entry_data.utf8_string, e->entry_data.data_size);
            sb_printf(b, "=");
            e = dump_mmdb(b, e->next);
            sb_printf(b, ",");
        }
        sb_printf(b, "}");
        return e;
    }
    case MMDB_DATA_TYPE_ARRAY: {
        uint32_t n = d->data_size;
        sb_printf(b, "[%u:", n);
        e = e->next;
        for (uint32_t i = 0; i < n; i++) {
            e = dump_mmdb(b, e);
            sb_printf(b, ",");
        }
        sb_printf(b, "]");
        return e;
    }
    case MMDB_DATA_TYPE_UTF8_STRING: sb_printf(b, "s"); sb_bytes(b, (const uint8_t *)d->utf8_string, d->data_size); break;
    case MMDB_DATA_TYPE_BYTES: sb_printf(b, "b"); sb_bytes(b, d->bytes, d->data_size); break;
    case MMDB_DATA_TYPE_DOUBLE: sb_printf(b, "d%.17g", d->double_value); break;
    case MMDB_DATA_TYPE_FLOAT: sb_printf(b, "f%.9g", (double)d->float_value); break;
    case MMDB_DATA_TYPE_UINT16: sb_printf(b, "u16:%u", (unsigned)d->uint16); break;
    case MMDB_DATA_TYPE_UINT32: sb_printf(b, "u32:%u", (unsigned)d->uint32); break;
    case MMDB_DATA_TYPE_INT32: sb_printf(b, "i32:%d", (int)d->int32); break;
    case MMDB_DATA_TYPE_UINT64: sb_printf(b, "u64:%llu", (unsigned long long)d->uint64); break;
    case MMDB_DATA_TYPE_UINT128:
        sb_printf(b, "u128:%016llx%016llx", (unsigned long long)(d->uint128 >> 64),
                  (unsigned long long)(uint64_t)d->uint128);
        break;
    case MMDB_DATA_TYPE_BOOLEAN: sb_printf(b, "bool:%d", d->boolean ? 1 : 0); break;
    default: sb_printf(b, "?%u", d->type); break;
    }
    return e->next;
}

/* c2d value -> the same text; returns a status */
static c2d_status dump_c2d(sbuf *b, const c2d_geodb *db, const c2d_geo_value *v) {
    c2d_status st;
    switch (v->type) {
    case C2D_GEO_MAP:
    case C2D_GEO_ARRAY: {
        int map = v->type == C2D_GEO_MAP;
        sb_printf(b, map ? "{%u:" : "[%u:", v->count);
        c2d_geo_iter it;
        if ((st = c2d_geodb_iter_init(v, &it)) != C2D_OK) return st;
        c2d_geo_value k = {.size = sizeof k}, x = {.size = sizeof x};
        while ((st = c2d_geodb_iter_next(db, &it, &k, &x)) == C2D_OK) {
            if (map) {
                sb_bytes(b, k.bytes, k.count);
                sb_printf(b, "=");
            }
            if ((st = dump_c2d(b, db, &x)) != C2D_OK) return st;
            sb_printf(b, ",");
        }
        if (st != C2D_ERR_NOT_FOUND) return st;
        sb_printf(b, map ? "}" : "]");
        return C2D_OK;
    }
    case C2D_GEO_STRING: sb_printf(b, "s"); sb_bytes(b, v->bytes, v->count); break;
    case C2D_GEO_BYTES: sb_printf(b, "b"); sb_bytes(b, v->bytes, v->count); break;
    case C2D_GEO_DOUBLE: sb_printf(b, "d%.17g", v->f64); break;
    case C2D_GEO_FLOAT: sb_printf(b, "f%.9g", (double)v->f32); break;
    case C2D_GEO_UINT16: sb_printf(b, "u16:%u", (unsigned)v->u64); break;
    case C2D_GEO_UINT32: sb_printf(b, "u32:%u", (unsigned)v->u64); break;
    case C2D_GEO_INT32: sb_printf(b, "i32:%d", (int)v->i32); break;
    case C2D_GEO_UINT64: sb_printf(b, "u64:%llu", (unsigned long long)v->u64); break;
    case C2D_GEO_UINT128:
        sb_printf(b, "u128:%016llx%016llx", (unsigned long long)v->u128_high, (unsigned long long)v->u64);
        break;
    case C2D_GEO_BOOL: sb_printf(b, "bool:%d", (int)v->u64); break;
    default: sb_printf(b, "?%u", (unsigned)v->type); break;
    }
    return C2D_OK;
}

/* ------------------------------------------------------------ lookups */
static uint64_t rng_state = 0x9E3779B97F4A7C15ull;
static uint64_t rnd(void) {
    uint64_t x = rng_state;
    x ^= x << 13;
    x ^= x >> 7;
    x ^= x << 17;
    return rng_state = x;
}

static long n_checked, n_found, n_diff;

/* Compare one address; family 4 or 6, a = 4 or 16 bytes. */
static void compare_one(MMDB_s *mm, const c2d_geodb *db, int family, const uint8_t *a,
                        int with_records) {
    struct sockaddr_in s4;
    struct sockaddr_in6 s6;
    const struct sockaddr *sa;
    if (family == 4) {
        memset(&s4, 0, sizeof s4);
        s4.sin_family = AF_INET;
        memcpy(&s4.sin_addr, a, 4);
        sa = (const struct sockaddr *)&s4;
    } else {
        memset(&s6, 0, sizeof s6);
        s6.sin6_family = AF_INET6;
        memcpy(&s6.sin6_addr, a, 16);
        sa = (const struct sockaddr *)&s6;
    }
    int mmerr = 0;
    MMDB_lookup_result_s lr = MMDB_lookup_sockaddr(mm, sa, &mmerr);
    c2d_geo_result r = {.size = sizeof r};
    c2d_status st = family == 4 ? c2d_geodb_lookup_ipv4(db, (uint32_t)a[0] << 24 | (uint32_t)a[1] << 16 | (uint32_t)a[2] << 8 | a[3], &r)
                                : c2d_geodb_lookup_ipv6(db, a, &r);
    char text[64];
    inet_ntop(family == 4 ? AF_INET : AF_INET6, a, text, sizeof text);
    n_checked++;
    if (mmerr != MMDB_SUCCESS || st != C2D_OK) {
        if ((mmerr != MMDB_SUCCESS) != (st != C2D_OK)) {
            n_diff++;
            if (n_diff < 20) printf("DIFF %s: libmaxminddb %s, c2d %s\n", text, MMDB_strerror(mmerr), c2d_status_name(st));
        }
        return;
    }
    unsigned mm_prefix = lr.netmask;
    if (family == 4 && mm->metadata.ip_version == 6) mm_prefix = mm_prefix >= 96 ? mm_prefix - 96 : 0;
    int same = (lr.found_entry != 0) == (r.found != 0) && mm_prefix == r.prefix_len &&
               (!r.found || lr.entry.offset == r.data_offset);
    if (!same) {
        n_diff++;
        if (n_diff < 20)
            printf("DIFF %s: libmaxminddb found=%d /%u off=%u, c2d found=%d /%u off=%u\n", text,
                   lr.found_entry, mm_prefix, lr.entry.offset, r.found, r.prefix_len, r.data_offset);
        return;
    }
    if (!r.found) return;
    n_found++;
    if (!with_records) return;
    sbuf x = {0}, y = {0};
    sb_printf(&x, "");
    sb_printf(&y, "");
    MMDB_entry_data_list_s *list = NULL;
    int e1 = MMDB_get_entry_data_list(&lr.entry, &list);
    if (e1 == MMDB_SUCCESS) dump_mmdb(&x, list);
    MMDB_free_entry_data_list(list);
    c2d_geo_value v = {.size = sizeof v};
    c2d_status e2 = c2d_geodb_record(db, &r, &v);
    if (e2 == C2D_OK) e2 = dump_c2d(&y, db, &v);
    if ((e1 != MMDB_SUCCESS) != (e2 != C2D_OK) || (e1 == MMDB_SUCCESS && strcmp(x.p, y.p))) {
        n_diff++;
        if (n_diff < 20)
            printf("DIFF record %s:\n  libmaxminddb %s %s\n  c2d          %s %s\n", text,
                   MMDB_strerror(e1), x.p, c2d_status_name(e2), y.p);
    }
    free(x.p);
    free(y.p);
}

static int run_random(const char *path, long n4, long n6) {
    MMDB_s mm;
    if (MMDB_open(path, MMDB_MODE_MMAP, &mm) != MMDB_SUCCESS) {
        printf("SKIP: libmaxminddb cannot open %s\n", path);
        return 77;
    }
    c2d_geodb *db = NULL;
    c2d_status st = c2d_geodb_open_file(path, NULL, &db);
    if (st != C2D_OK) {
        printf("FAIL: c2d cannot open %s: %s\n", path, c2d_status_name(st));
        return 1;
    }
    uint8_t a[16];
    for (long i = 0; i < n4; i++) {
        uint32_t v = (uint32_t)rnd();
        a[0] = (uint8_t)(v >> 24), a[1] = (uint8_t)(v >> 16), a[2] = (uint8_t)(v >> 8), a[3] = (uint8_t)v;
        compare_one(&mm, db, 4, a, 1);
    }
    for (long i = 0; i < n6; i++) {
        uint64_t h = rnd(), l = rnd();
        /* most of the draws inside 2000::/4, where data lives */
        if (i % 4) h = (h & 0x0FFFFFFFFFFFFFFFull) | 0x2000000000000000ull;
        for (int k = 0; k < 8; k++) a[k] = (uint8_t)(h >> (56 - 8 * k)), a[8 + k] = (uint8_t)(l >> (56 - 8 * k));
        compare_one(&mm, db, 6, a, 1);
    }
    printf("%s: %ld lookups compared (%ld with data), %ld differences\n", path, n_checked, n_found, n_diff);
    c2d_geodb_free(db);
    MMDB_close(&mm);
    return n_diff ? 1 : 0;
}

static int compare_file(const char *path) {
    MMDB_s mm;
    int mmopen = MMDB_open(path, MMDB_MODE_MMAP, &mm);
    c2d_geodb *db = NULL;
    c2d_status st = c2d_geodb_open_file(path, NULL, &db);
    long before = n_diff;
    printf("%s: libmaxminddb open %s, c2d open %s\n", path, MMDB_strerror(mmopen), c2d_status_name(st));
    if (mmopen != MMDB_SUCCESS || st != C2D_OK) {
        if (mmopen == MMDB_SUCCESS) MMDB_close(&mm);
        c2d_geodb_free(db);
        /* c2d may be stricter at open (it checks the whole tree) but never laxer */
        if (mmopen != MMDB_SUCCESS && st == C2D_OK) n_diff++;
        return 0;
    }
    /* metadata: the whole map */
    sbuf x = {0}, y = {0};
    sb_printf(&x, "");
    sb_printf(&y, "");
    MMDB_entry_data_list_s *list = NULL;
    if (MMDB_get_metadata_as_entry_data_list(&mm, &list) == MMDB_SUCCESS) dump_mmdb(&x, list);
    MMDB_free_entry_data_list(list);
    c2d_geo_value v = {.size = sizeof v};
    if (c2d_geodb_metadata(db, &v) == C2D_OK) dump_c2d(&y, db, &v);
    if (strcmp(x.p, y.p)) {
        n_diff++;
        printf("DIFF metadata:\n  %s\n  %s\n", x.p, y.p);
    }
    free(x.p);
    free(y.p);
    /* every /24 of IPv4 space in steps, the first addresses of each /8, and IPv6 samples */
    uint8_t a[16];
    for (uint64_t v4 = 0; v4 <= 0xFFFFFFFFu; v4 += 0x00010301u) {
        a[0] = (uint8_t)(v4 >> 24), a[1] = (uint8_t)(v4 >> 16), a[2] = (uint8_t)(v4 >> 8), a[3] = (uint8_t)v4;
        compare_one(&mm, db, 4, a, 1);
    }
    for (uint32_t hi = 0; hi < 256; hi++)
        for (uint32_t lo = 0; lo < 64; lo++) {
            a[0] = (uint8_t)hi, a[1] = 0, a[2] = 0, a[3] = (uint8_t)lo;
            compare_one(&mm, db, 4, a, 1);
        }
    /* the networks the MaxMind test databases describe */
    static const uint8_t firsts[] = {1, 2, 12, 67, 81, 89, 149, 175, 202, 216, 223};
    for (size_t f = 0; f < sizeof firsts; f++)
        for (uint32_t b = 0; b < 256; b++)
            for (uint32_t c = 0; c < 256; c += 15) {
                a[0] = firsts[f], a[1] = (uint8_t)b, a[2] = (uint8_t)c, a[3] = (uint8_t)(b ^ c);
                compare_one(&mm, db, 4, a, 1);
            }
    for (uint32_t d4 = 0; d4 < 256; d4++) {
        a[0] = 1, a[1] = 1, a[2] = 1, a[3] = (uint8_t)d4;
        compare_one(&mm, db, 4, a, 1);
    }
    if (mm.metadata.ip_version == 6) {
        static const char *fixed[] = {"::", "::1", "::1.1.1.1", "::ffff:1.1.1.1", "2001::", "2001:0:101::",
                                      "2002:101:101::", "::2:0:0", "::2:0:40", "::2:0:50", "::2:0:58",
                                      "::1:ffff:ffff", "2001:db8::", "2c0f:ff40::1", "2a02:cf40::"};
        for (size_t i = 0; i < sizeof fixed / sizeof fixed[0]; i++) {
            inet_pton(AF_INET6, fixed[i], a);
            compare_one(&mm, db, 6, a, 1);
        }
        for (int i = 0; i < 20000; i++) {
            uint64_t h = rnd(), l = rnd();
            int shift = (int)(rnd() % 128);
            /* addresses with few set bits reach the small test trees' data */
            if (shift < 64) h = 0, l >>= shift;
            else h >>= (shift - 64);
            for (int k = 0; k < 8; k++) a[k] = (uint8_t)(h >> (56 - 8 * k)), a[8 + k] = (uint8_t)(l >> (56 - 8 * k));
            compare_one(&mm, db, 6, a, 1);
        }
    }
    printf("  %ld differences\n", n_diff - before);
    c2d_geodb_free(db);
    MMDB_close(&mm);
    return 0;
}

static int run_files(const char *dir) {
    DIR *d = opendir(dir);
    if (!d) {
        printf("SKIP: no %s\n", dir);
        return 77;
    }
    struct dirent *e;
    char path[4096];
    int nfiles = 0;
    while ((e = readdir(d))) {
        size_t n = strlen(e->d_name);
        if (n < 5 || strcmp(e->d_name + n - 5, ".mmdb")) continue;
        snprintf(path, sizeof path, "%s/%s", dir, e->d_name);
        compare_file(path);
        nfiles++;
    }
    closedir(d);
    printf("%d files, %ld lookups compared (%ld with data), %ld differences\n", nfiles, n_checked, n_found, n_diff);
    if (!nfiles) return 77;
    return n_diff ? 1 : 0;
}

int main(int argc, char **argv) {
    if (argc == 5 && !strcmp(argv[1], "random")) return run_random(argv[2], atol(argv[3]), atol(argv[4]));
    if (argc == 3 && !strcmp(argv[1], "files")) return run_files(argv[2]);
    fprintf(stderr, "usage: geo_compare random FILE N4 N6 | files DIR\n");
    return 2;
}
