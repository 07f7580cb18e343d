/* Flow-table throughput, single thread: (1) accumulating pre-decoded packets,
 * (2) a whole pcap held in memory, decoding included; and ndpiReader (Debian
 * libndpi-bin) on the same file in the same run. The 1 M-packet / 10 k-flow
 * capture is generated here at run time and deleted afterwards.
 *
 * Run:  cmake -B build-bench -DC2D_BUILD_BENCH=ON -DCMAKE_BUILD_TYPE=Release \
 *       && cmake --build build-bench -j2 --target bench_flow \
 *       && build-bench/bench/flow/bench_flow [--packets N] [--flows N] [--keep FILE]
 * Prints `name value unit` lines. */
#define _POSIX_C_SOURCE 200809L
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <time.h>
#include <unistd.h>

#include "c2detect.h"

/* Wall time, and this thread's CPU time: on a shared, oversubscribed machine
 * the CPU time is the steadier measure of single-thread throughput. */
static int use_cpu_clock = 0;
static double now_s(void) {
    struct timespec t;
    clock_gettime(use_cpu_clock ? CLOCK_THREAD_CPUTIME_ID : CLOCK_MONOTONIC, &t);
    return (double)t.tv_sec + (double)t.tv_nsec / 1e9;
}

static double children_cpu_s(void) {
    struct rusage ru;
    getrusage(RUSAGE_CHILDREN, &ru);
    return (double)ru.ru_utime.tv_sec + ru.ru_utime.tv_usec / 1e6 + (double)ru.ru_stime.tv_sec +
           ru.ru_stime.tv_usec / 1e6;
}

static uint32_t lcg(uint32_t *s) {
    *s = *s * 1664525u + 1013904223u;
    return *s >> 8;
}

static void be16(uint8_t *p, unsigned v) { p[0] = (uint8_t)(v >> 8); p[1] = (uint8_t)v; }
static void be32(uint8_t *p, uint32_t v) { be16(p, v >> 16); be16(p + 2, v & 0xffff); }
static void le32(uint8_t *p, uint32_t v) { p[0] = (uint8_t)v; p[1] = (uint8_t)(v >> 8); p[2] = (uint8_t)(v >> 16); p[3] = (uint8_t)(v >> 24); }

/* Packet k (0..per_flow-1) of flow f: handshake, data both ways, FIN exchange. */
static size_t make_frame(uint8_t *o, uint32_t f, uint32_t k, uint32_t per_flow, uint32_t *rng) {
    int from_client;
    uint8_t flags;
    uint32_t plen = 0;
    if (k == 0) { from_client = 1; flags = 0x02; }
    else if (k == 1) { from_client = 0; flags = 0x12; }
    else if (k == 2) { from_client = 1; flags = 0x10; }
    else if (k == per_flow - 3) { from_client = 1; flags = 0x11; }
    else if (k == per_flow - 2) { from_client = 0; flags = 0x11; }
    else if (k == per_flow - 1) { from_client = 1; flags = 0x10; }
    else { from_client = (int)(k & 1); flags = 0x18; plen = lcg(rng) % 200; }
    memset(o, 0, 54 + plen);
    o[0] = 2; o[5] = 1; o[6] = 2; o[11] = 2;
    be16(o + 12, 0x0800);
    uint8_t *ip = o + 14;
    ip[0] = 0x45;
    be16(ip + 2, 40 + plen);
    ip[8] = 64;
    ip[9] = 6;
    uint8_t cli[4] = {10, (uint8_t)(f >> 16), (uint8_t)(f >> 8), (uint8_t)f};
    uint8_t srv[4] = {198, 51, 100, (uint8_t)(1 + f % 200)};
    memcpy(ip + 12, from_client ? cli : srv, 4);
    memcpy(ip + 16, from_client ? srv : cli, 4);
    uint8_t *tcp = ip + 20;
    unsigned cport = 1024 + f % 60000, sport = (f & 1) ? 443 : 80;
    be16(tcp, from_client ? cport : sport);
    be16(tcp + 2, from_client ? sport : cport);
    be32(tcp + 4, k);
    tcp[12] = 0x50;
    tcp[13] = flags;
    be16(tcp + 14, 65535);
    for (uint32_t i = 0; i < plen; i++) tcp[20 + i] = (uint8_t)('a' + i % 26);
    return 54 + plen;
}

static uint8_t *make_pcap(uint32_t packets, uint32_t flows, size_t *len) {
    uint32_t per_flow = packets / flows;
    size_t cap = 24 + (size_t)packets * (16 + 54 + 200);
    uint8_t *b = malloc(cap);
    if (!b) return NULL;
    le32(b, 0xa1b2c3d4u);
    b[4] = 2; b[5] = 0; b[6] = 4; b[7] = 0;
    memset(b + 8, 0, 8);
    le32(b + 16, 65535);
    le32(b + 20, 1);
    size_t n = 24;
    uint32_t rng = 12345;
    for (uint32_t i = 0; i < packets; i++) {
        uint32_t f = i % flows, k = i / flows;
        uint64_t ts_us = UINT64_C(1700000000000000) + (uint64_t)i * 10u;
        size_t fl = make_frame(b + n + 16, f, k, per_flow, &rng);
        le32(b + n, (uint32_t)(ts_us / 1000000u));
        le32(b + n + 4, (uint32_t)(ts_us % 1000000u));
        le32(b + n + 8, (uint32_t)fl);
        le32(b + n + 12, (uint32_t)fl);
        n += 16 + fl;
    }
    *len = n;
    return b;
}

static void count_cb(void *u, const c2d_session *s) {
    (void)s;
    (*(uint64_t *)u)++;
}

static c2d_flowtable *new_table(uint32_t capacity, uint64_t *ended) {
    c2d_flow_settings set;
    c2d_flow_settings_default(&set);
    set.capacity = capacity;
    c2d_flowtable *ft = NULL;
    if (c2d_flowtable_new(&set, NULL, &ft) != C2D_OK) exit(1);
    c2d_flowtable_set_session_callback(ft, count_cb, ended);
    return ft;
}

/* Value before `unit` on the line of `out` that starts with `key`, K/M scaled. */
static double parse_ndpi(const char *out, const char *key) {
    const char *p = strstr(out, key);
    if (!p) return -1;
    p += strlen(key);
    while (*p == ' ' || *p == ':' || *p == '\t') p++;
    char *end;
    double v = strtod(p, &end);
    while (*end == ' ') end++;
    if (*end == 'K') v *= 1e3;
    else if (*end == 'M') v *= 1e6;
    else if (*end == 'G') v *= 1e9;
    return v;
}

int main(int argc, char **argv) {
    uint32_t packets = 1000000, flows = 10000;
    const char *keep = NULL;
    for (int i = 1; i < argc; i++) {
        if (!strcmp(argv[i], "--packets") && i + 1 < argc) packets = (uint32_t)strtoul(argv[++i], NULL, 10);
        else if (!strcmp(argv[i], "--flows") && i + 1 < argc) flows = (uint32_t)strtoul(argv[++i], NULL, 10);
        else if (!strcmp(argv[i], "--keep") && i + 1 < argc) keep = argv[++i];
        else { fprintf(stderr, "usage: bench_flow [--packets N] [--flows N] [--keep FILE]\n"); return 2; }
    }
    if (flows == 0 || packets / flows < 6) { fprintf(stderr, "need >= 6 packets per flow\n"); return 2; }
    packets = packets / flows * flows;
    size_t len;
    uint8_t *pcap = make_pcap(packets, flows, &len);
    if (!pcap) return 1;
    char path[256];
    if (keep) snprintf(path, sizeof path, "%s", keep);
    else snprintf(path, sizeof path, "/tmp/c2d_bench_flow_%ld.pcap", (long)getpid());
    FILE *f = fopen(path, "wb");
    if (!f || fwrite(pcap, 1, len, f) != len) { fprintf(stderr, "cannot write %s\n", path); return 1; }
    fclose(f);
    printf("capture_packets %u packets\ncapture_flows %u flows\ncapture_bytes %zu bytes\n", packets, flows, len);

    uint32_t capacity = flows + flows / 2;
    /* pre-decode every frame */
    c2d_packet *pk = malloc((size_t)packets * sizeof *pk);
    if (!pk) return 1;
    c2d_capture *cap = NULL;
    if (c2d_capture_open_memory(pcap, len, NULL, &cap) != C2D_OK) return 1;
    c2d_frame fr = {.size = sizeof fr};
    uint32_t n = 0;
    while (n < packets && c2d_capture_next(cap, &fr) == C2D_OK) {
        pk[n].size = sizeof pk[n];
        if (c2d_packet_decode(fr.linktype, fr.data, fr.caplen, fr.ts_ns, &pk[n]) == C2D_OK) n++;
    }
    c2d_capture_free(cap);

    double acc_pps[2], pcap_pps[2];
    for (int clk = 0; clk < 2; clk++) {
    use_cpu_clock = clk;
    double best_acc = 1e30, best_pcap = 1e30, best_batch = 1e30, best_pcap_batch = 1e30;
    uint64_t sessions = 0;
    size_t table_bytes = 0;
    for (int run = 0; run < 5; run++) {
        uint64_t ended = 0;
        c2d_flowtable *ft = new_table(capacity, &ended);
        double t0 = now_s();
        for (uint32_t i = 0; i < n; i++) c2d_flowtable_add_packet(ft, &pk[i]);
        double t1 = now_s();
        c2d_flowtable_flush(ft);
        if (t1 - t0 < best_acc) best_acc = t1 - t0;
        c2d_flowtable_free(ft);

        ft = new_table(capacity, &ended);
        t0 = now_s();
        c2d_flowtable_add_packets(ft, pk, n, NULL);
        t1 = now_s();
        c2d_flowtable_flush(ft);
        if (t1 - t0 < best_batch) best_batch = t1 - t0;
        c2d_flowtable_free(ft);

        /* pcap in memory, decoded 32 frames at a time into add_packets */
        ft = new_table(capacity, &ended);
        t0 = now_s();
        if (c2d_capture_open_memory(pcap, len, NULL, &cap) != C2D_OK) return 1;
        c2d_packet batch[32];
        size_t nb = 0;
        while (c2d_capture_next(cap, &fr) == C2D_OK) {
            batch[nb].size = sizeof batch[nb];
            if (c2d_packet_decode(fr.linktype, fr.data, fr.caplen, fr.ts_ns, &batch[nb]) == C2D_OK) nb++;
            if (nb == 32) {
                c2d_flowtable_add_packets(ft, batch, nb, NULL);
                nb = 0;
            }
        }
        c2d_flowtable_add_packets(ft, batch, nb, NULL);
        c2d_flowtable_flush(ft);
        c2d_capture_free(cap);
        t1 = now_s();
        if (t1 - t0 < best_pcap_batch) best_pcap_batch = t1 - t0;
        c2d_flowtable_free(ft);

        ended = 0;
        ft = new_table(capacity, &ended);
        t0 = now_s();
        if (c2d_capture_open_memory(pcap, len, NULL, &cap) != C2D_OK) return 1;
        while (c2d_capture_next(cap, &fr) == C2D_OK) c2d_flowtable_add_frame(ft, &fr);
        c2d_flowtable_flush(ft);
        c2d_capture_free(cap);
        t1 = now_s();
        if (t1 - t0 < best_pcap) best_pcap = t1 - t0;
        c2d_flow_stats st = {.size = sizeof st};
        c2d_flowtable_stats(ft, &st);
        table_bytes = st.memory_bytes;
        sessions = ended;
        c2d_flowtable_free(ft);
    }
    acc_pps[clk] = n / best_batch;
    pcap_pps[clk] = packets / best_pcap_batch;
    const char *sfx = clk ? "_cpu" : "";
    printf("flow_sessions %llu sessions\n", (unsigned long long)sessions);
    printf("flow_accumulate_predecoded_add_packet%s %.0f packets/s\n", sfx, n / best_acc);
    printf("flow_accumulate_predecoded%s %.0f packets/s\n", sfx, acc_pps[clk]);
    printf("flow_pcap_in_memory_with_decode_add_frame%s %.0f packets/s\n", sfx, packets / best_pcap);
    printf("flow_pcap_in_memory_with_decode%s %.0f packets/s\n", sfx, pcap_pps[clk]);
    printf("flow_table_bytes %zu bytes\n", table_bytes);
    printf("flow_bytes_per_session %.1f bytes\n", (double)table_bytes / capacity);

    }
    use_cpu_clock = 0;
    /* ndpiReader on the same file */
    char cmd[512];
    snprintf(cmd, sizeof cmd, "ndpiReader -i '%s' 2>&1", path);
    double t0 = now_s(), c0 = children_cpu_s();
    FILE *pp = popen(cmd, "r");
    static char out[1 << 16];
    size_t got = 0;
    if (pp) {
        size_t r;
        while ((r = fread(out + got, 1, sizeof out - 1 - got, pp)) > 0) got += r;
        pclose(pp);
    }
    double wall = now_s() - t0, cpu = children_cpu_s() - c0;
    out[got] = 0;
    double ndpi_pps = parse_ndpi(out, "nDPI throughput");
    double ndpi_flow_mem = parse_ndpi(out, "Flow Memory (per flow)");
    if (ndpi_pps > 0) {
        printf("ndpireader_throughput %.0f packets/s\n", ndpi_pps);
        printf("ndpireader_wall %.0f packets/s\n", packets / wall);
        printf("ndpireader_bytes_per_flow %.0f bytes\n", ndpi_flow_mem);
        printf("ndpireader_process_cpu %.0f packets/s\n", packets / cpu);
        printf("ratio_pcap_vs_ndpireader %.2f x\n", pcap_pps[0] / ndpi_pps);
        printf("ratio_accumulate_vs_ndpireader %.2f x\n", acc_pps[0] / ndpi_pps);
        printf("ratio_pcap_cpu_vs_ndpireader_process_cpu %.2f x\n", pcap_pps[1] / (packets / cpu));
    } else {
        printf("ndpireader_throughput unavailable -\n");
    }
    if (!keep) remove(path);
    free(pk);
    free(pcap);
    return 0;
}
