/* IOC store throughput: lookups/s for IPv4, ip:port, domain suffix and URL on
 * the loaded maltrail + ThreatFox feeds. Run (repo root, after building with
 * -DC2D_BUILD_BENCH=ON in build/):
 *   gzip -dc ../shared/data/ioc/maltrail_static_malware_trails.csv.gz > build/maltrail.csv
 *   gzip -dc ../shared/data/ioc/threatfox_ipport_before_2026-06-01.csv.gz > build/threatfox_ipport.csv
 *   build/bench/ioc/bench_ioc build/maltrail.csv build/threatfox_ipport.csv
 * Prints `name value unit` lines. Queries: half are values stored in the feed
 * (hits), half random (mostly misses), shuffled; each lookup returns up to 4 ids. */
#define _POSIX_C_SOURCE 200809L
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "c2detect.h"

#define NQ (1u << 20)

/* CPU time of this thread: the shared machine deschedules us, wall time would
 * measure the other jobs too (wall-clock load time is printed separately). */
static double now_s(void) {
    struct timespec ts;
    clock_gettime(CLOCK_THREAD_CPUTIME_ID, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec * 1e-9;
}

static uint64_t rng = 0x9E3779B97F4A7C15ULL;
static uint32_t rnd(void) {
    rng ^= rng << 13;
    rng ^= rng >> 7;
    rng ^= rng << 17;
    return (uint32_t)(rng >> 16);
}

static uint32_t parse4(const char *s) {
    unsigned a, b, c, d;
    if (sscanf(s, "%u.%u.%u.%u", &a, &b, &c, &d) != 4) return 0;
    return a << 24 | b << 16 | c << 8 | d;
}

int main(int argc, char **argv) {
    if (argc < 2) {
        fprintf(stderr, "usage: %s FEED...\n", argv[0]);
        return 2;
    }
    c2d_iocdb *db;
    if (c2d_iocdb_new(NULL, &db)) return 1;
    struct timespec w0, w1;
    clock_gettime(CLOCK_MONOTONIC, &w0);
    double t0 = now_s();
    for (int i = 1; i < argc; i++) {
        c2d_ioc_load_report r = {.size = sizeof r};
        c2d_status st = c2d_iocdb_load_file(db, argv[i], NULL, &r);
        if (st) {
            fprintf(stderr, "%s: %s\n", argv[i], c2d_strerror(st));
            return 1;
        }
    }
    if (c2d_iocdb_finalize(db)) return 1;
    double t1 = now_s();
    clock_gettime(CLOCK_MONOTONIC, &w1);
    size_t total = c2d_iocdb_count(db, C2D_IOC_UNKNOWN);
    printf("load_and_index_cpu %.3f s\n", t1 - t0);
    printf("load_and_index_wall %.3f s\n",
           (double)(w1.tv_sec - w0.tv_sec) + (double)(w1.tv_nsec - w0.tv_nsec) * 1e-9);
    printf("indicators %zu count\n", total);
    printf("store_memory %.1f MiB\n", (double)c2d_iocdb_memory_bytes(db) / 1048576.0);

    /* query sets: stored values (hits) + random values */
    uint32_t *q4 = malloc(NQ * sizeof *q4), *qp_ip = malloc(NQ * sizeof *qp_ip);
    uint16_t *qp_port = malloc(NQ * sizeof *qp_port);
    char **qd = malloc(NQ * sizeof *qd), **qu = malloc(NQ * sizeof *qu);
    char *dstore = malloc((size_t)NQ * 80), *ustore = malloc((size_t)NQ * 160);
    if (!q4 || !qp_ip || !qp_port || !qd || !qu || !dstore || !ustore) return 1;
    uint32_t *ip_ids = malloc(total * sizeof *ip_ids), *pp_ids = malloc(total * sizeof *pp_ids),
             *d_ids = malloc(total * sizeof *d_ids), *u_ids = malloc(total * sizeof *u_ids);
    size_t n_ip = 0, n_pp = 0, n_d = 0, n_u = 0;
    for (uint32_t id = 0; id < total; id++) {
        c2d_ioc_info in = {.size = sizeof in};
        c2d_iocdb_get(db, id, &in);
        if (in.type == C2D_IOC_IP && !strchr(in.value, ':')) ip_ids[n_ip++] = id;
        else if (in.type == C2D_IOC_IP_PORT && in.value[0] != '[') pp_ids[n_pp++] = id;
        else if (in.type == C2D_IOC_DOMAIN) d_ids[n_d++] = id;
        else if (in.type == C2D_IOC_URL && strlen(in.value) < 150) u_ids[n_u++] = id;
    }
    for (uint32_t i = 0; i < NQ; i++) {
        c2d_ioc_info in = {.size = sizeof in};
        int hit = i & 1;
        /* IPv4 addresses: stored IPs and the IPs of stored ip:port */
        if (hit && (n_ip || n_pp)) {
            uint32_t id = (rnd() & 1 && n_ip) || !n_pp ? ip_ids[rnd() % n_ip] : pp_ids[rnd() % n_pp];
            c2d_iocdb_get(db, id, &in);
            q4[i] = parse4(in.value);
        } else {
            q4[i] = rnd() << 8 ^ rnd();
        }
        if (hit && n_pp) {
            c2d_iocdb_get(db, pp_ids[rnd() % n_pp], &in);
            qp_ip[i] = parse4(in.value);
            qp_port[i] = (uint16_t)in.port;
        } else {
            qp_ip[i] = rnd() << 8 ^ rnd();
            qp_port[i] = (uint16_t)(rnd() | 1);
        }
        qd[i] = dstore + (size_t)i * 80;
        if (hit && n_d) {
            c2d_iocdb_get(db, d_ids[rnd() % n_d], &in);
            snprintf(qd[i], 80, "www.%.70s", in.value);
        } else {
            snprintf(qd[i], 80, "host%u.example%u.com", rnd(), rnd() % 1000);
        }
        qu[i] = ustore + (size_t)i * 160;
        if (hit && n_u) {
            c2d_iocdb_get(db, u_ids[rnd() % n_u], &in);
            snprintf(qu[i], 160, "%s", in.value);
        } else {
            snprintf(qu[i], 160, "http://host%u.example.com/path/%u.php?id=%u", rnd(), rnd(), rnd());
        }
    }
    uint32_t ids[4];
    size_t n, matched = 0;
    const int reps = 8;
    double t;

    t = now_s();
    for (int r = 0; r < reps; r++)
        for (uint32_t i = 0; i < NQ; i++) {
            c2d_iocdb_match_ipv4(db, q4[i], 0, ids, 4, &n);
            matched += n;
        }
    t = now_s() - t;
    printf("ipv4_lookups %.2f Mlookups/s\n", reps * (double)NQ / t / 1e6);
    printf("ipv4_target_ratio %.2f x (target 30 M/s)\n", reps * (double)NQ / t / 30e6);

    t = now_s();
    for (int r = 0; r < reps; r++)
        for (uint32_t i = 0; i < NQ; i++) {
            c2d_iocdb_match_ipv4(db, qp_ip[i], qp_port[i], ids, 4, &n);
            matched += n;
        }
    t = now_s() - t;
    printf("ipport_lookups %.2f Mlookups/s\n", reps * (double)NQ / t / 1e6);
    printf("ipport_target_ratio %.2f x (target 30 M/s)\n", reps * (double)NQ / t / 30e6);

    /* the same lookups split: stored values only (odd i) and random only (even i) */
    for (int pass = 0; pass < 2; pass++) {
        t = now_s();
        for (int r = 0; r < reps; r++)
            for (uint32_t i = (uint32_t)pass; i < NQ; i += 2) {
                c2d_iocdb_match_ipv4(db, q4[i], 0, ids, 4, &n);
                matched += n;
            }
        t = now_s() - t;
        printf("ipv4_lookups_%s %.2f Mlookups/s\n", pass ? "stored" : "random",
               reps * (double)(NQ / 2) / t / 1e6);
        t = now_s();
        for (int r = 0; r < reps; r++)
            for (uint32_t i = (uint32_t)pass; i < NQ; i += 2) {
                c2d_iocdb_match_ipv4(db, qp_ip[i], qp_port[i], ids, 4, &n);
                matched += n;
            }
        t = now_s() - t;
        printf("ipport_lookups_%s %.2f Mlookups/s\n", pass ? "stored" : "random",
               reps * (double)(NQ / 2) / t / 1e6);
    }

    /* batch API (prefetching), same queries */
    uint32_t *best = malloc(NQ * sizeof *best), *cnts = malloc(NQ * sizeof *cnts);
    uint32_t *b4 = malloc(NQ / 2 * sizeof *b4), *bp = malloc(NQ / 2 * sizeof *bp);
    uint16_t *bpp = malloc(NQ / 2 * sizeof *bpp);
    if (!best || !cnts || !b4 || !bp || !bpp) return 1;
    t = now_s();
    for (int r = 0; r < reps; r++) c2d_iocdb_match_ipv4_batch(db, q4, NULL, NQ, best, cnts);
    t = now_s() - t;
    printf("ipv4_batch_lookups %.2f Mlookups/s\n", reps * (double)NQ / t / 1e6);
    t = now_s();
    for (int r = 0; r < reps; r++) c2d_iocdb_match_ipv4_batch(db, qp_ip, qp_port, NQ, best, cnts);
    t = now_s() - t;
    printf("ipport_batch_lookups %.2f Mlookups/s\n", reps * (double)NQ / t / 1e6);
    for (uint32_t i = 0; i < NQ / 2; i++) {
        b4[i] = q4[2 * i + 1];
        bp[i] = qp_ip[2 * i + 1];
        bpp[i] = qp_port[2 * i + 1];
    }
    t = now_s();
    for (int r = 0; r < reps; r++) c2d_iocdb_match_ipv4_batch(db, b4, NULL, NQ / 2, best, cnts);
    t = now_s() - t;
    printf("ipv4_batch_lookups_stored %.2f Mlookups/s\n", reps * (double)(NQ / 2) / t / 1e6);
    t = now_s();
    for (int r = 0; r < reps; r++) c2d_iocdb_match_ipv4_batch(db, bp, bpp, NQ / 2, best, cnts);
    t = now_s() - t;
    printf("ipport_batch_lookups_stored %.2f Mlookups/s\n", reps * (double)(NQ / 2) / t / 1e6);
    for (uint32_t i = 0; i < NQ / 2; i++) matched += cnts[i];
    free(best); free(cnts); free(b4); free(bp); free(bpp);

    size_t *dl = malloc(NQ * sizeof *dl), *ul = malloc(NQ * sizeof *ul);
    for (uint32_t i = 0; i < NQ; i++) {
        dl[i] = strlen(qd[i]);
        ul[i] = strlen(qu[i]);
    }
    t = now_s();
    for (int r = 0; r < 2; r++)
        for (uint32_t i = 0; i < NQ; i++) {
            c2d_iocdb_match_domain(db, qd[i], dl[i], ids, 4, &n);
            matched += n;
        }
    t = now_s() - t;
    printf("domain_suffix_lookups %.2f Mlookups/s\n", 2 * (double)NQ / t / 1e6);

    t = now_s();
    for (int r = 0; r < 2; r++)
        for (uint32_t i = 0; i < NQ; i++) {
            c2d_iocdb_match_url(db, qu[i], ul[i], ids, 4, &n);
            matched += n;
        }
    t = now_s() - t;
    printf("url_lookups %.2f Mlookups/s\n", 2 * (double)NQ / t / 1e6);
    printf("matches_checksum %zu count\n", matched);
    c2d_iocdb_free(db);
    free(q4); free(qp_ip); free(qp_port); free(qd); free(qu); free(dstore); free(ustore);
    free(ip_ids); free(pp_ids); free(d_ids); free(u_ids); free(dl); free(ul);
    return 0;
}
