/* MMDB lookups/s of libc2detect and libmaxminddb on the same random addresses,
 * in the same run, and the ratio; plus lookup+country decode, IPv6, and the
 * ASN CSV range table. Usage: bench_geo [MMDB] [ASN_CSV] (see README.md). */
#define _POSIX_C_SOURCE 200809L
#include <maxminddb.h>
#include <netinet/in.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <time.h>

#include "c2detect.h"

#define N_ADDR (1u << 21)
#define ROUNDS 9

static double now(void) {
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + ts.tv_nsec * 1e-9;
}

static uint64_t rng = 0x243F6A8885A308D3ull;
static uint64_t rnd(void) {
    rng ^= rng << 13;
    rng ^= rng >> 7;
    rng ^= rng << 17;
    return rng;
}

static volatile uint64_t sink;

/* Shared by the measured loops. */
static c2d_geodb *g_db;
static MMDB_s g_mm;
static uint32_t *g_v4;
static struct sockaddr_in *g_sa4;
static uint8_t (*g_v6)[16];
static struct sockaddr_in6 *g_sa6;
static c2d_asntable *g_asn;

static void c2d_v4(void) {
    uint64_t s = 0;
    c2d_geo_result r = {.size = sizeof r};
    for (uint32_t i = 0; i < N_ADDR; i++) {
        c2d_geodb_lookup_ipv4(g_db, g_v4[i], &r);
        s += r.data_offset;
    }
    sink = s;
}
static void mm_v4(void) {
    uint64_t s = 0;
    int err;
    for (uint32_t i = 0; i < N_ADDR; i++) {
        MMDB_lookup_result_s lr = MMDB_lookup_sockaddr(&g_mm, (struct sockaddr *)&g_sa4[i], &err);
        s += lr.entry.offset;
    }
    sink = s;
}
/* the same lookups over only 4096 distinct addresses: the tree paths they
 * use stay in cache, so this measures the per-step work, not memory latency */
static void c2d_v4_hot(void) {
    uint64_t s = 0;
    c2d_geo_result r = {.size = sizeof r};
    for (uint32_t i = 0; i < N_ADDR; i++) {
        c2d_geodb_lookup_ipv4(g_db, g_v4[i & 4095u], &r);
        s += r.data_offset;
    }
    sink = s;
}
static void mm_v4_hot(void) {
    uint64_t s = 0;
    int err;
    for (uint32_t i = 0; i < N_ADDR; i++) {
        MMDB_lookup_result_s lr = MMDB_lookup_sockaddr(&g_mm, (struct sockaddr *)&g_sa4[i & 4095u], &err);
        s += lr.entry.offset;
    }
    sink = s;
}
static void c2d_v4_country(void) {
    static const char *const path_cc[] = {"country_code"};
    uint64_t s = 0;
    c2d_geo_result r = {.size = sizeof r};
    c2d_geo_value v = {.size = sizeof v};
    for (uint32_t i = 0; i < N_ADDR; i++) {
        c2d_geodb_lookup_ipv4(g_db, g_v4[i], &r);
        if (r.found && c2d_geodb_get(g_db, &r, path_cc, 1, &v) == C2D_OK) s += v.bytes[0];
    }
    sink = s;
}
static void mm_v4_country(void) {
    uint64_t s = 0;
    int err;
    MMDB_entry_data_s d;
    for (uint32_t i = 0; i < N_ADDR; i++) {
        MMDB_lookup_result_s lr = MMDB_lookup_sockaddr(&g_mm, (struct sockaddr *)&g_sa4[i], &err);
        if (lr.found_entry && MMDB_get_value(&lr.entry, &d, "country_code", NULL) == MMDB_SUCCESS &&
            d.has_data)
            s += (uint8_t)d.utf8_string[0];
    }
    sink = s;
}
static void c2d_v6(void) {
    uint64_t s = 0;
    c2d_geo_result r = {.size = sizeof r};
    for (uint32_t i = 0; i < N_ADDR; i++) {
        c2d_geodb_lookup_ipv6(g_db, g_v6[i], &r);
        s += r.data_offset;
    }
    sink = s;
}
static void mm_v6(void) {
    uint64_t s = 0;
    int err;
    for (uint32_t i = 0; i < N_ADDR; i++) {
        MMDB_lookup_result_s lr = MMDB_lookup_sockaddr(&g_mm, (struct sockaddr *)&g_sa6[i], &err);
        s += lr.entry.offset;
    }
    sink = s;
}
static void c2d_asn(void) {
    uint64_t x = 0;
    uint32_t asn = 0;
    for (uint32_t i = 0; i < N_ADDR; i++)
        if (c2d_asntable_lookup(g_asn, g_v4[i], &asn, NULL, NULL) == C2D_OK) x += asn;
    sink = x;
}

/* Run a and b alternately ROUNDS times (so both see the same machine load)
 * and keep each one's best time, as lookups per second. */
static void pair(void (*a)(void), void (*b)(void), double *rate_a, double *rate_b) {
    double best_a = 1e30, best_b = 1e30;
    for (int round = 0; round < ROUNDS; round++) {
        double t0 = now();
        a();
        double t1 = now();
        if (b) b();
        double t2 = now();
        if (t1 - t0 < best_a) best_a = t1 - t0;
        if (t2 - t1 < best_b) best_b = t2 - t1;
    }
    *rate_a = N_ADDR / best_a;
    if (b) *rate_b = N_ADDR / best_b;
}

int main(int argc, char **argv) {
    const char *path = argc > 1 ? argv[1] : C2D_SHARED_DATA_DIR "/geo/geo-whois-asn-country.mmdb";
    const char *csv = argc > 2 ? argv[2] : NULL;
    MMDB_s mm;
    if (MMDB_open(path, MMDB_MODE_MMAP, &mm) != MMDB_SUCCESS) {
        fprintf(stderr, "cannot open %s with libmaxminddb\n", path);
        return 1;
    }
    c2d_geodb *db = NULL;
    double t0 = now();
    c2d_status st = c2d_geodb_open_file(path, NULL, &db);
    double open_ms = (now() - t0) * 1e3;
    if (st != C2D_OK) {
        fprintf(stderr, "c2d_geodb_open_file: %s\n", c2d_strerror(st));
        return 1;
    }
    printf("c2d_open_validate %.1f ms\n", open_ms);

    uint32_t *v4 = malloc(N_ADDR * sizeof *v4);
    struct sockaddr_in *sa4 = calloc(N_ADDR, sizeof *sa4);
    uint8_t(*v6)[16] = malloc(N_ADDR * sizeof *v6);
    struct sockaddr_in6 *sa6 = calloc(N_ADDR, sizeof *sa6);
    if (!v4 || !sa4 || !v6 || !sa6) return 1;
    for (uint32_t i = 0; i < N_ADDR; i++) {
        v4[i] = (uint32_t)rnd();
        sa4[i].sin_family = AF_INET;
        sa4[i].sin_addr.s_addr = htonl(v4[i]);
        uint64_t h = (rnd() & 0x0FFFFFFFFFFFFFFFull) | 0x2000000000000000ull, l = rnd();
        for (int k = 0; k < 8; k++) v6[i][k] = (uint8_t)(h >> (56 - 8 * k)), v6[i][8 + k] = (uint8_t)(l >> (56 - 8 * k));
        sa6[i].sin6_family = AF_INET6;
        memcpy(&sa6[i].sin6_addr, v6[i], 16);
    }

    /* agreement on every address first */
    long agree = 0, found = 0;
    for (uint32_t i = 0; i < N_ADDR; i++) {
        int err;
        MMDB_lookup_result_s lr = MMDB_lookup_sockaddr(&mm, (struct sockaddr *)&sa4[i], &err);
        c2d_geo_result r = {.size = sizeof r};
        c2d_geodb_lookup_ipv4(db, v4[i], &r);
        agree += lr.found_entry == r.found && (!r.found || lr.entry.offset == r.data_offset);
        found += r.found;
    }
    printf("ipv4_agree %ld of %u\n", agree, N_ADDR);
    printf("ipv4_found %ld of %u\n", found, N_ADDR);

    double rc_v4, rm_v4, rc_cc, rm_cc, rc_v6, rm_v6;
    g_db = db;
    g_mm = mm;
    g_v4 = v4;
    g_sa4 = sa4;
    g_v6 = v6;
    g_sa6 = sa6;
    pair(c2d_v4, mm_v4, &rc_v4, &rm_v4);
    printf("c2d_ipv4_lookups %.0f lookups/s\n", rc_v4);
    printf("libmaxminddb_ipv4_lookups %.0f lookups/s\n", rm_v4);
    printf("ipv4_lookup_ratio %.2f x\n", rc_v4 / rm_v4);
    double rc_hot, rm_hot;
    pair(c2d_v4_hot, mm_v4_hot, &rc_hot, &rm_hot);
    printf("c2d_ipv4_lookups_hot4096 %.0f lookups/s\n", rc_hot);
    printf("libmaxminddb_ipv4_lookups_hot4096 %.0f lookups/s\n", rm_hot);
    printf("ipv4_lookup_hot4096_ratio %.2f x\n", rc_hot / rm_hot);
    pair(c2d_v4_country, mm_v4_country, &rc_cc, &rm_cc);
    printf("c2d_ipv4_lookup_country %.0f lookups/s\n", rc_cc);
    printf("libmaxminddb_ipv4_lookup_country %.0f lookups/s\n", rm_cc);
    printf("ipv4_lookup_country_ratio %.2f x\n", rc_cc / rm_cc);
    pair(c2d_v6, mm_v6, &rc_v6, &rm_v6);
    printf("c2d_ipv6_lookups %.0f lookups/s\n", rc_v6);
    printf("libmaxminddb_ipv6_lookups %.0f lookups/s\n", rm_v6);
    printf("ipv6_lookup_ratio %.2f x\n", rc_v6 / rm_v6);

    if (csv) {
        c2d_asntable *t = NULL;
        c2d_asntable_stats s = {.size = sizeof s};
        t0 = now();
        st = c2d_asntable_load_file(csv, NULL, &t, &s);
        double load_ms = (now() - t0) * 1e3;
        if (st != C2D_OK) {
            fprintf(stderr, "c2d_asntable_load_file: %s\n", c2d_strerror(st));
            return 1;
        }
        printf("asn_load %.1f ms\n", load_ms);
        printf("asn_ranges %llu ranges\n", (unsigned long long)s.ranges);
        printf("asn_memory %zu bytes\n", s.bytes);
        double asn_rate;
        g_asn = t;
        pair(c2d_asn, NULL, &asn_rate, NULL);
        printf("c2d_asn_table_lookups %.0f lookups/s\n", asn_rate);
        c2d_asntable_free(t);
    }
    c2d_geodb_free(db);
    MMDB_close(&g_mm);
    free(v4);
    free(sa4);
    free(v6);
    free(sa6);
    return 0;
}
