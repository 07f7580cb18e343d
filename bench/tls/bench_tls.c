/* TLS evidence throughput, single thread: handshakes parsed per second
 * (c2d_tls_parse_client, and client + server with c2d_tls_parse_session:
 * ClientHello, ServerHello, certificate digests and names, JA3/JA3S/JA4) and
 * fingerprints per second (c2d_tls_fingerprint alone: JA3 + JA3S + JA4 from
 * parsed hellos). The handshakes are the TCP sessions of the captures given
 * whose client starts with a ClientHello (first 16 KiB of each direction).
 * Peer: nDPI's TLS dissector fed the same bytes as IPv4/TCP packets (a fresh
 * flow per handshake, three-way handshake included), until it has the
 * client's JA3, in the same run.
 * usage: bench_tls [--seconds S] CAPTURE...
 * run:   see bench/tls/README.md */
#define _DEFAULT_SOURCE 1 /* u_char etc. in nDPI headers; clock_gettime */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "c2detect.h"

#ifdef C2D_BENCH_HAVE_NDPI
#include <ndpi/ndpi_api.h>
#endif

typedef struct hs {
    uint8_t *client, *server;
    uint32_t client_len, server_len;
    char ja3_md5[33];
} hs;

typedef struct collect {
    hs *v;
    size_t n, cap;
    c2d_tls_info info;
} collect;

static double cpu_now(void) {
    struct timespec ts;
    clock_gettime(CLOCK_THREAD_CPUTIME_ID, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec * 1e-9;
}

static void on_session(void *user, const c2d_session *s) {
    collect *c = (collect *)user;
    if (s->proto != 6 || !s->orig_prefix_len) return;
    if (c2d_tls_parse_client(s->orig_prefix, s->orig_prefix_len, &c->info) != C2D_OK) return;
    if (c->n == c->cap) {
        c->cap = c->cap ? 2 * c->cap : 256;
        c->v = realloc(c->v, c->cap * sizeof *c->v);
        if (!c->v) exit(1);
    }
    hs *h = &c->v[c->n++];
    h->client_len = s->orig_prefix_len;
    h->server_len = s->resp_prefix_len;
    h->client = malloc(h->client_len);
    h->server = malloc(h->server_len ? h->server_len : 1);
    if (!h->client || !h->server) exit(1);
    memcpy(h->client, s->orig_prefix, h->client_len);
    if (h->server_len) memcpy(h->server, s->resp_prefix, h->server_len);
    memcpy(h->ja3_md5, c->info.ja3_md5, 33);
}

static int load(const char *path, collect *c) {
    c2d_capture *cap = NULL;
    if (c2d_capture_open_file(path, NULL, &cap) != C2D_OK) return -1;
    c2d_flow_settings set;
    c2d_flow_settings_default(&set);
    set.payload_prefix_len = 16384;
    set.capacity = 4096;
    c2d_flowtable *ft = NULL;
    if (c2d_flowtable_new(&set, NULL, &ft) != C2D_OK) return -1;
    c2d_flowtable_set_session_callback(ft, on_session, c);
    c2d_frame fr = {.size = sizeof fr};
    while (c2d_capture_next(cap, &fr) == C2D_OK) c2d_flowtable_add_frame(ft, &fr);
    c2d_flowtable_flush(ft);
    c2d_flowtable_free(ft);
    c2d_capture_free(cap);
    return 0;
}

#ifdef C2D_BENCH_HAVE_NDPI
/* IPv4 + TCP packet with `len` payload bytes into buf; returns its length. */
static unsigned short make_packet(uint8_t *buf, int from_client, uint8_t flags, uint32_t seq, uint32_t ack,
                                  const uint8_t *payload, size_t len) {
    static const uint8_t cli[4] = {10, 0, 0, 5}, srv[4] = {203, 0, 113, 7};
    size_t total = 20 + 20 + len;
    memset(buf, 0, 40);
    buf[0] = 0x45;
    buf[2] = (uint8_t)(total >> 8);
    buf[3] = (uint8_t)total;
    buf[8] = 64;
    buf[9] = 6;
    memcpy(buf + 12, from_client ? cli : srv, 4);
    memcpy(buf + 16, from_client ? srv : cli, 4);
    uint8_t *t = buf + 20;
    uint16_t sp = from_client ? 49152 : 443, dp = from_client ? 443 : 49152;
    t[0] = (uint8_t)(sp >> 8); t[1] = (uint8_t)sp; t[2] = (uint8_t)(dp >> 8); t[3] = (uint8_t)dp;
    for (int i = 0; i < 4; i++) {
        t[4 + i] = (uint8_t)(seq >> (24 - 8 * i));
        t[8 + i] = (uint8_t)(ack >> (24 - 8 * i));
    }
    t[12] = 0x50;
    t[13] = flags;
    t[14] = 0xff; t[15] = 0xff;
    if (len) memcpy(buf + 40, payload, len);
    return (unsigned short)total;
}

/* One handshake through a fresh nDPI flow: SYN, SYN-ACK, ACK, the client's
 * bytes in 1460-byte segments, then the server's; stops once nDPI has the
 * client's JA3 and (when the server sent bytes) the server's. Returns 1 when
 * nDPI's client JA3 equals ours. */
static int ndpi_one(struct ndpi_detection_module_struct *nd, struct ndpi_flow_struct *flow, const hs *h) {
    static uint8_t pkt[1600];
    memset(flow, 0, SIZEOF_FLOW_STRUCT);
    uint64_t t = 1000;
    uint32_t cs = 100, ss = 900;
    ndpi_detection_process_packet(nd, flow, pkt, make_packet(pkt, 1, 0x02, cs, 0, NULL, 0), t++);
    ndpi_detection_process_packet(nd, flow, pkt, make_packet(pkt, 0, 0x12, ss, cs + 1, NULL, 0), t++);
    ndpi_detection_process_packet(nd, flow, pkt, make_packet(pkt, 1, 0x10, cs + 1, ss + 1, NULL, 0), t++);
    cs++, ss++;
    for (size_t at = 0; at < h->client_len && !flow->protos.tls_quic.ja3_client[0]; at += 1460) {
        size_t n = h->client_len - at < 1460 ? h->client_len - at : 1460;
        ndpi_detection_process_packet(nd, flow, pkt, make_packet(pkt, 1, 0x18, cs, ss, h->client + at, n), t++);
        cs += (uint32_t)n;
    }
    for (size_t at = 0; at < h->server_len && !flow->protos.tls_quic.ja3_server[0]; at += 1460) {
        size_t n = h->server_len - at < 1460 ? h->server_len - at : 1460;
        ndpi_detection_process_packet(nd, flow, pkt, make_packet(pkt, 0, 0x18, ss, cs, h->server + at, n), t++);
        ss += (uint32_t)n;
    }
    int same = strcmp(flow->protos.tls_quic.ja3_client, h->ja3_md5) == 0;
    ndpi_free_flow_data(flow);
    memset(flow, 0, SIZEOF_FLOW_STRUCT); /* so the final ndpi_flow_free frees nothing twice */
    return same;
}
#endif

int main(int argc, char **argv) {
    double seconds = 2.0;
    collect c;
    memset(&c, 0, sizeof c);
    c.info.size = sizeof c.info;
    int files = 0;
    for (int i = 1; i < argc; i++) {
        if (!strcmp(argv[i], "--seconds") && i + 1 < argc) {
            seconds = atof(argv[++i]);
            continue;
        }
        if (load(argv[i], &c) != 0) {
            fprintf(stderr, "bench_tls: cannot read %s\n", argv[i]);
            return 1;
        }
        files++;
    }
    if (!files || !c.n) {
        fprintf(stderr, "usage: bench_tls [--seconds S] CAPTURE... (captures with TLS handshakes)\n");
        return 2;
    }
    size_t bytes = 0, with_server = 0;
    for (size_t i = 0; i < c.n; i++) {
        bytes += c.v[i].client_len + c.v[i].server_len;
        with_server += c.v[i].server_len > 0;
    }
    printf("handshakes %zu count\n", c.n);
    printf("handshakes_with_server_bytes %zu count\n", with_server);
    printf("mean_bytes_per_handshake %.0f bytes\n", (double)bytes / (double)c.n);

    static c2d_tls_info info;
    info.size = sizeof info;
    c2d_session s;
    memset(&s, 0, sizeof s);
    s.size = sizeof s;
    s.proto = 6;

    /* client side only */
    size_t done = 0;
    double t0 = cpu_now(), t;
    unsigned ok = 0;
    do {
        for (size_t i = 0; i < c.n; i++) ok += c2d_tls_parse_client(c.v[i].client, c.v[i].client_len, &info) == C2D_OK;
        done += c.n;
    } while ((t = cpu_now() - t0) < seconds);
    double client_rate = (double)done / t;
    printf("client_hellos_parsed %.0f /s\n", client_rate);

    /* both sides */
    done = 0;
    t0 = cpu_now();
    do {
        for (size_t i = 0; i < c.n; i++) {
            s.orig_prefix = c.v[i].client;
            s.orig_prefix_len = c.v[i].client_len;
            s.resp_prefix = c.v[i].server;
            s.resp_prefix_len = c.v[i].server_len;
            ok += c2d_tls_parse_session(&s, &info) == C2D_OK;
        }
        done += c.n;
    } while ((t = cpu_now() - t0) < seconds);
    double session_rate = (double)done / t;
    printf("handshakes_parsed %.0f /s\n", session_rate);
    printf("handshake_parse_bytes %.1f MB/s\n", session_rate * (double)bytes / (double)c.n / 1e6);

    /* fingerprints alone, from parsed hellos */
    c2d_tls_info *parsed = malloc(c.n * sizeof *parsed);
    if (!parsed) return 1;
    for (size_t i = 0; i < c.n; i++) {
        parsed[i].size = sizeof parsed[i];
        s.orig_prefix = c.v[i].client;
        s.orig_prefix_len = c.v[i].client_len;
        s.resp_prefix = c.v[i].server;
        s.resp_prefix_len = c.v[i].server_len;
        c2d_tls_parse_session(&s, &parsed[i]);
    }
    done = 0;
    t0 = cpu_now();
    do {
        for (size_t i = 0; i < c.n; i++) ok += c2d_tls_fingerprint(&parsed[i]) == C2D_OK;
        done += c.n;
    } while ((t = cpu_now() - t0) < seconds);
    printf("fingerprint_sets %.0f /s\n", (double)done / t);
    /* each set is a JA3 and a JA4, plus a JA3S where the server answered */
    printf("fingerprints %.0f /s\n", (double)done * (2.0 + (double)with_server / (double)c.n) / t);
    if (!ok) return 1;

#ifdef C2D_BENCH_HAVE_NDPI
    struct ndpi_detection_module_struct *nd = ndpi_init_detection_module(ndpi_no_prefs);
    NDPI_PROTOCOL_BITMASK all;
    NDPI_BITMASK_SET_ALL(all);
    ndpi_set_protocol_detection_bitmask2(nd, &all);
    ndpi_finalize_initialization(nd);
    struct ndpi_flow_struct *flow = ndpi_flow_malloc(SIZEOF_FLOW_STRUCT);
    size_t same = 0;
    for (size_t i = 0; i < c.n; i++) same += (size_t)ndpi_one(nd, flow, &c.v[i]);
    printf("ndpi_same_ja3 %zu of %zu\n", same, c.n);
    done = 0;
    t0 = cpu_now();
    do {
        for (size_t i = 0; i < c.n; i++) ndpi_one(nd, flow, &c.v[i]);
        done += c.n;
    } while ((t = cpu_now() - t0) < seconds);
    double ndpi_rate = (double)done / t;
    printf("ndpi_handshakes %.0f /s\n", ndpi_rate);
    printf("ratio_handshakes_vs_ndpi %.2f x\n", session_rate / ndpi_rate);
    ndpi_flow_free(flow);
    ndpi_exit_detection_module(nd);
#else
    printf("ndpi_handshakes unavailable -\n");
#endif
    for (size_t i = 0; i < c.n; i++) {
        free(c.v[i].client);
        free(c.v[i].server);
    }
    free(c.v);
    free(parsed);
    return 0;
}
