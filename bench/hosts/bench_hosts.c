/* bench_hosts: events per second into the host engine (c2d_hosts), no flow
 * table: ended sessions (beaconing pairs, browsing, failed attempts), DNS
 * responses (NOERROR with answers, NXDOMAIN random names that the DGA
 * ensemble scores), HTTP requests (raw header blocks the HTTP model scores,
 * and host/uri-only events), the ranking of the whole engine, and memory per
 * tracked host and per destination pair from c2d_hosts_stats.memory_bytes.
 * Every input is generated here before timing; times are this thread's CPU
 * time (CLOCK_THREAD_CPUTIME_ID), best of --repeats runs, each run on a new
 * engine. `c2d scan` vs ndpiReader on a capture is run.py, next to this file.
 *
 * Run:  cmake -B build-bench -DC2D_BUILD_BENCH=ON -DC2D_BUILD_TESTS=OFF \
 *         -DCMAKE_BUILD_TYPE=RelWithDebInfo && cmake --build build-bench -j2 --target bench_hosts
 *       build-bench/bench/hosts/bench_hosts [--hosts N] [--sessions N] [--dns N] [--http N]
 *                                           [--repeats R] [--max-pairs N]
 * Prints `name value unit` lines. */
#define _POSIX_C_SOURCE 200809L
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "c2detect.h"

static double cpu_s(void) {
    struct timespec t;
    clock_gettime(CLOCK_THREAD_CPUTIME_ID, &t);
    return (double)t.tv_sec + (double)t.tv_nsec / 1e9;
}

static uint64_t rng_state = 0x9e3779b97f4a7c15ull;
static uint32_t rnd(void) { /* xorshift64* */
    rng_state ^= rng_state >> 12;
    rng_state ^= rng_state << 25;
    rng_state ^= rng_state >> 27;
    return (uint32_t)((rng_state * 0x2545f4914f6cdd1dull) >> 32);
}
static double rnd01(void) { return (double)rnd() / 4294967296.0; }

static void v4(uint8_t out[16], uint32_t a) {
    memset(out, 0, 10);
    out[10] = 0xff;
    out[11] = 0xff;
    out[12] = (uint8_t)(a >> 24);
    out[13] = (uint8_t)(a >> 16);
    out[14] = (uint8_t)(a >> 8);
    out[15] = (uint8_t)a;
}
/* internal host i: 10.0.0.0/8 */
static uint32_t host_ip(uint32_t i) { return 0x0a000000u | (i + 1); }
/* external destination d: spread over 16.0.0.0 - 79.255.255.255, never private */
static uint32_t dest_ip(uint32_t d) { return 0x10000000u + d * 2654435761u % 0x40000000u; }

static const uint64_t T0 = UINT64_C(1700000000) * 1000000000u;

static c2d_hosts *engine(int builtin_models, uint32_t max_pairs, size_t budget, uint32_t max_hosts) {
    c2d_hosts_config cfg;
    c2d_hosts_config_default(&cfg);
    cfg.builtin_models = builtin_models;
    if (max_pairs) cfg.max_pairs_per_host = max_pairs;
    if (budget) cfg.memory_budget = budget;
    if (max_hosts) cfg.max_hosts = max_hosts;
    c2d_hosts *h = NULL;
    c2d_status st = c2d_hosts_new(&cfg, NULL, &h);
    if (st != C2D_OK) {
        fprintf(stderr, "c2d_hosts_new: %s\n", c2d_strerror(st));
        exit(1);
    }
    return h;
}

static void session_at(c2d_session *s, uint32_t host, uint32_t dst, uint16_t port, uint64_t ts, int kind) {
    memset(s, 0, sizeof *s);
    s->size = sizeof *s;
    s->ip_version = 4;
    s->proto = 6;
    v4(s->orig_h, host_ip(host));
    v4(s->resp_h, dest_ip(dst));
    s->orig_p = (uint16_t)(1024 + rnd() % 60000);
    s->resp_p = port;
    s->ts_ns = ts;
    s->local_orig = 1;
    if (kind == 2) { /* failed attempt: S0 or REJ, no payload */
        int rej = rnd() & 1;
        s->conn_state = rej ? C2D_CONN_REJ : C2D_CONN_S0;
        s->orig_tcp_flags = 0x02;
        s->resp_tcp_flags = rej ? 0x14 : 0;
        s->orig_pkts = rej ? 1 : 1 + rnd() % 3;
        s->resp_pkts = rej ? 1 : 0;
        s->orig_ip_bytes = 60 * s->orig_pkts;
        s->resp_ip_bytes = 40 * s->resp_pkts;
        s->last_ns = ts + (rej ? 1000000u : 3000000000u);
    } else { /* complete session; beacons are small and regular, browsing is larger */
        uint64_t ob = kind == 0 ? 180 + rnd() % 40 : 300 + rnd() % 2000;
        uint64_t rb = kind == 0 ? 90 + rnd() % 40 : 1000 + rnd() % 200000;
        s->conn_state = C2D_CONN_SF;
        s->orig_tcp_flags = 0x1b;
        s->resp_tcp_flags = 0x1b;
        s->orig_data_pkts = 1 + ob / 1400;
        s->resp_data_pkts = 1 + rb / 1400;
        s->orig_pkts = s->orig_data_pkts + 3;
        s->resp_pkts = s->resp_data_pkts + 2;
        s->orig_bytes = ob;
        s->resp_bytes = rb;
        s->orig_ip_bytes = ob + 40 * s->orig_pkts;
        s->resp_ip_bytes = rb + 40 * s->resp_pkts;
        s->orig_min_payload = (uint32_t)(ob < 1400 ? ob : 1400);
        s->orig_max_payload = s->orig_min_payload;
        s->resp_min_payload = (uint32_t)(rb < 1400 ? rb : 1400);
        s->resp_max_payload = s->resp_min_payload;
        s->orig_mean_payload = (double)ob / (double)s->orig_data_pkts;
        s->resp_mean_payload = (double)rb / (double)s->resp_data_pkts;
        s->last_ns = ts + (kind == 0 ? 200000000u : 1000000000u + rnd() % 30000000000u);
        s->counted = 1;
        s->avg_payload_len = (double)(ob + rb) / (double)(s->orig_data_pkts + s->resp_data_pkts);
        s->in_out_ratio = (double)(rb + 1) / (double)(ob + 1);
    }
    s->duration = (double)(s->last_ns - s->ts_ns) / 1e9;
    s->end_reason = kind == 2 ? C2D_END_IDLE : C2D_END_FIN;
}

/* ------------------------------------------------------------ sessions
 * Over 12 h (inside the 24 h window, nothing ages out): 5 % of the hosts
 * beacon to one C2 address every 60 s +- 5 s (a third of those get S0 replies:
 * a dead server); every host browses a popular set of 20000 destinations
 * (Zipf-like) and some rare ones; 10 % of the events are failed attempts to
 * random addresses. Events are generated in time order. */
static c2d_session *make_sessions(uint32_t hosts, size_t n, size_t *n_beacon) {
    c2d_session *v = malloc(n * sizeof *v);
    if (!v) exit(1);
    uint32_t beaconers = hosts / 20 ? hosts / 20 : 1;
    uint64_t span = UINT64_C(12) * 3600 * 1000000000u;
    uint64_t beacon_period = UINT64_C(60) * 1000000000u;
    /* beacon events share of the total: beaconers * span / period */
    size_t nb = (size_t)((double)beaconers * (double)(span / beacon_period));
    if (nb > n / 4) nb = n / 4;
    uint64_t step = span / n;
    size_t bi = 0;
    *n_beacon = 0;
    for (size_t i = 0; i < n; i++) {
        uint64_t ts = T0 + i * step;
        c2d_session *s = &v[i];
        if (bi < nb && (double)i * (double)nb >= (double)bi * (double)n) { /* spread evenly */
            uint32_t b = (uint32_t)(bi % beaconers);
            bi++;
            int dead = b % 3 == 0;
            session_at(s, b, 0x3000000u + b, 443, ts, dead ? 2 : 0);
            if (dead) s->conn_state = C2D_CONN_S0, s->resp_pkts = 0, s->resp_tcp_flags = 0;
            ++*n_beacon;
            continue;
        }
        uint32_t host = rnd() % hosts;
        double r = rnd01();
        if (r < 0.10) {
            session_at(s, host, rnd() % 0x1000000u, (uint16_t)(r < 0.05 ? 445 : 1 + rnd() % 65535), ts, 2);
        } else {
            /* Zipf-ish popular destination: d = 20000^u - 1; 10 % rare ones */
            uint32_t d;
            if (rnd01() < 0.9) {
                double u = rnd01();
                d = (uint32_t)(pow(20000.0, u) - 1.0);
            } else {
                d = 20000 + rnd() % 0x800000u;
            }
            session_at(s, host, 0x100000u + d, rnd() % 4 ? 443 : 80, ts, 1);
        }
    }
    return v;
}

/* ----------------------------------------------------------------- DNS */
static const char *const words[] = {"cloud", "news", "shop", "mail", "cdn", "static", "api", "img", "video",
                                    "weather", "bank", "sport", "game", "music", "travel", "photo", "search",
                                    "office", "update", "login", "market", "health", "auto", "home", "food"};
static const char *const tlds[] = {"com", "net", "org", "de", "co.uk", "io", "fr", "info"};
enum { N_WORDS = sizeof words / sizeof words[0], N_TLDS = sizeof tlds / sizeof tlds[0] };

typedef struct dns_in {
    c2d_dns_event ev;
    c2d_dns_message *msg;
} dns_in;

/* nx_share of the responses are NXDOMAIN for random 10-20 letter .com/.net/.org
 * names (a DGA's failures); the rest resolve one of 50000 plausible names
 * (word + word + number under a real TLD, with www./cdn./api. prefixes) to
 * 1-4 addresses. */
static dns_in *make_dns(uint32_t hosts, size_t n, double nx_share) {
    dns_in *v = calloc(n, sizeof *v);
    c2d_dns_message *m = calloc(n, sizeof *m);
    if (!v || !m) exit(1);
    uint64_t step = UINT64_C(12) * 3600 * 1000000000u / n;
    for (size_t i = 0; i < n; i++) {
        c2d_dns_message *msg = &m[i];
        msg->size = sizeof *msg;
        msg->is_response = 1;
        msg->qdcount = 1;
        msg->qtype = 1;
        msg->qclass = 1;
        msg->id = (uint16_t)rnd();
        msg->flags = 0x8180;
        if (rnd01() < nx_share) {
            msg->rcode = C2D_DNS_RCODE_NXDOMAIN;
            msg->flags = 0x8183;
            int len = 10 + (int)(rnd() % 11);
            for (int k = 0; k < len; k++) msg->qname[k] = (char)('a' + rnd() % 26);
            snprintf(msg->qname + len, sizeof msg->qname - (size_t)len, ".%s", tlds[rnd() % 3]);
        } else {
            uint32_t d = (uint32_t)(pow(50000.0, rnd01()) - 1.0);
            static const char *const sub[] = {"www.", "", "cdn.", "api.", "mail.", "static."};
            snprintf(msg->qname, sizeof msg->qname, "%s%s%s%u.%s", sub[d % 6], words[d % N_WORDS],
                     words[(d / N_WORDS) % N_WORDS], d / (N_WORDS * N_WORDS), tlds[(d / 7) % N_TLDS]);
            msg->n_addrs = 1 + d % 4;
            msg->ancount = (uint16_t)msg->n_addrs;
            for (uint32_t a = 0; a < msg->n_addrs; a++) {
                msg->addrs[a].ip_version = 4;
                v4(msg->addrs[a].addr, dest_ip(0x100000u + d * 4 + a));
                msg->addrs[a].ttl = 300;
            }
        }
        msg->qname_len = (uint32_t)strlen(msg->qname);
        dns_in *e = &v[i];
        e->msg = msg;
        e->ev.size = sizeof e->ev;
        e->ev.ts_ns = T0 + i * step;
        e->ev.ip_version = 4;
        e->ev.transport = 17;
        e->ev.client_port = (uint16_t)(1024 + rnd() % 60000);
        v4(e->ev.client_addr, host_ip(rnd() % hosts));
        v4(e->ev.server_addr, 0x0a0000feu);
        e->ev.message = msg;
    }
    return v;
}

/* ---------------------------------------------------------------- HTTP */
typedef struct http_in {
    c2d_http_event ev;
    char *buf;
} http_in;

/* Header blocks: 70 % browser GETs (8-11 fields, real Chrome/Firefox UA),
 * 15 % API/JSON POSTs, 15 % short C2-like POSTs (few fields, odd UA, random
 * path). host_only: no header block, only Host and target (Zeek http.log). */
static http_in *make_http(uint32_t hosts, size_t n, int host_only) {
    http_in *v = calloc(n, sizeof *v);
    if (!v) exit(1);
    static const char *const ua[] = {
        "Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/119.0.0.0 "
        "Safari/537.36",
        "Mozilla/5.0 (X11; Linux x86_64; rv:120.0) Gecko/20100101 Firefox/120.0",
        "Mozilla/5.0 (Macintosh; Intel Mac OS X 10_15_7) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/17.1 "
        "Safari/605.1.15"};
    static const char *const paths[] = {"/", "/index.html", "/static/js/app.", "/images/logo", "/api/v2/items/",
                                        "/news/2023/11/article-", "/search?q=", "/css/main."};
    uint64_t step = UINT64_C(12) * 3600 * 1000000000u / n;
    char tmp[2048], hostname[128], uri[256];
    for (size_t i = 0; i < n; i++) {
        uint32_t d = (uint32_t)(pow(20000.0, rnd01()) - 1.0);
        double r = rnd01();
        snprintf(hostname, sizeof hostname, "%s%s%u.%s", words[d % N_WORDS], words[(d / N_WORDS) % N_WORDS],
                 d / (N_WORDS * N_WORDS), tlds[(d / 7) % N_TLDS]);
        if (r < 0.85)
            snprintf(uri, sizeof uri, "%s%u%s", paths[rnd() % 8], rnd() % 100000, rnd() & 1 ? ".js" : "");
        else {
            int k = snprintf(uri, sizeof uri, "/");
            for (int j = 0; j < 16; j++) uri[k++] = "abcdefghijklmnopqrstuvwxyz0123456789"[rnd() % 36];
            snprintf(uri + k, sizeof uri - (size_t)k, ".php");
        }
        int len = 0;
        if (r < 0.70)
            len = snprintf(tmp, sizeof tmp,
                           "GET %s HTTP/1.1\r\nHost: %s\r\nConnection: keep-alive\r\nUpgrade-Insecure-Requests: 1\r\n"
                           "User-Agent: %s\r\nAccept: text/html,application/xhtml+xml,application/xml;q=0.9,image/"
                           "avif,image/webp,*/*;q=0.8\r\nReferer: http://%s/\r\nAccept-Encoding: gzip, deflate\r\n"
                           "Accept-Language: en-US,en;q=0.9\r\nCookie: sid=%08x%08x; pref=%u\r\n\r\n",
                           uri, hostname, ua[rnd() % 3], hostname, rnd(), rnd(), rnd() % 1000);
        else if (r < 0.85)
            len = snprintf(tmp, sizeof tmp,
                           "POST %s HTTP/1.1\r\nHost: %s\r\nUser-Agent: %s\r\nContent-Type: application/json\r\n"
                           "Accept: application/json\r\nContent-Length: %u\r\nOrigin: https://%s\r\n"
                           "Accept-Encoding: gzip, deflate, br\r\n\r\n",
                           uri, hostname, ua[rnd() % 3], 20 + rnd() % 2000, hostname);
        else
            len = snprintf(tmp, sizeof tmp,
                           "POST %s HTTP/1.0\r\nHost: %u.%u.%u.%u\r\nUser-Agent: Mozilla/4.0 (compatible; MSIE "
                           "7.0; Windows NT 6.1)\r\nContent-Length: %u\r\nCache-Control: no-cache\r\n\r\n",
                           uri, 45 + rnd() % 100, rnd() % 256, rnd() % 256, rnd() % 256, 64 + rnd() % 256);
        http_in *e = &v[i];
        e->ev.size = sizeof e->ev;
        e->ev.ts_ns = T0 + i * step;
        v4(e->ev.client_addr, host_ip(rnd() % hosts));
        v4(e->ev.server_addr, dest_ip(0x100000u + d));
        e->ev.server_port = 80;
        if (host_only) {
            size_t hl = strlen(hostname), ul = strlen(uri);
            e->buf = malloc(hl + ul + 2);
            if (!e->buf) exit(1);
            memcpy(e->buf, hostname, hl + 1);
            memcpy(e->buf + hl + 1, uri, ul + 1);
            e->ev.host = e->buf;
            e->ev.host_len = hl;
            e->ev.uri = e->buf + hl + 1;
            e->ev.uri_len = ul;
        } else {
            e->buf = malloc((size_t)len);
            if (!e->buf) exit(1);
            memcpy(e->buf, tmp, (size_t)len);
            e->ev.header = e->buf;
            e->ev.header_len = (size_t)len;
        }
    }
    return v;
}

/* --------------------------------------------------------------- timing */
static int repeats = 3;

static void print_rate(const char *name, size_t n, double best) {
    printf("%s_events_per_s %.0f events/s\n", name, (double)n / best);
    printf("%s_ns_per_event %.1f ns\n", name, best * 1e9 / (double)n);
}

static void feed_sessions(c2d_hosts *h, const c2d_session *v, size_t n) {
    for (size_t i = 0; i < n; i++) c2d_hosts_add_session(h, &v[i]);
}
static void feed_dns(c2d_hosts *h, const dns_in *v, size_t n) {
    for (size_t i = 0; i < n; i++) c2d_hosts_add_dns(h, &v[i].ev);
}
static void feed_http(c2d_hosts *h, const http_in *v, size_t n) {
    for (size_t i = 0; i < n; i++) c2d_hosts_add_http(h, &v[i].ev);
}

static double bench_sessions(const c2d_session *v, size_t n, uint32_t max_pairs, size_t budget,
                             c2d_hosts_stats *st) {
    double best = 1e30;
    for (int r = 0; r < repeats; r++) {
        c2d_hosts *h = engine(1, max_pairs, budget, 0);
        double t0 = cpu_s();
        feed_sessions(h, v, n);
        double t = cpu_s() - t0;
        if (t < best) best = t;
        st->size = sizeof *st;
        c2d_hosts_stats_get(h, st);
        c2d_hosts_free(h);
    }
    return best;
}

static double bench_dns(const dns_in *v, size_t n, int models, c2d_hosts_stats *st) {
    double best = 1e30;
    for (int r = 0; r < repeats; r++) {
        c2d_hosts *h = engine(models, 0, 0, 0);
        double t0 = cpu_s();
        feed_dns(h, v, n);
        double t = cpu_s() - t0;
        if (t < best) best = t;
        st->size = sizeof *st;
        c2d_hosts_stats_get(h, st);
        c2d_hosts_free(h);
    }
    return best;
}

static double bench_http(const http_in *v, size_t n, int models, c2d_hosts_stats *st) {
    double best = 1e30;
    for (int r = 0; r < repeats; r++) {
        c2d_hosts *h = engine(models, 0, 0, 0);
        double t0 = cpu_s();
        feed_http(h, v, n);
        double t = cpu_s() - t0;
        if (t < best) best = t;
        st->size = sizeof *st;
        c2d_hosts_stats_get(h, st);
        c2d_hosts_free(h);
    }
    return best;
}

/* --------------------------------------------------------------- memory */
/* One session per pair: host i, pair k -> destination (i * pairs + k), port 443. */
static size_t memory_with(uint32_t hosts, uint32_t pairs_per_host, c2d_hosts_stats *st) {
    uint32_t mp = pairs_per_host < 512 ? 512 : pairs_per_host;
    c2d_hosts *h = engine(0, mp, (size_t)4 << 30, hosts < 65536 ? 65536 : hosts);
    c2d_session s;
    uint64_t ts = T0;
    for (uint32_t k = 0; k < pairs_per_host; k++)
        for (uint32_t i = 0; i < hosts; i++) {
            session_at(&s, i, (uint32_t)((uint64_t)i * pairs_per_host + k) & 0x3fffffffu, 443, ts, 1);
            ts += 1000;
            c2d_hosts_add_session(h, &s);
        }
    st->size = sizeof *st;
    c2d_hosts_stats_get(h, st);
    c2d_hosts_free(h);
    return st->memory_bytes;
}

static void free_dns(dns_in *v) {
    if (v) free(v[0].msg); /* one array of messages per make_dns */
    free(v);
}
static void free_http(http_in *v, size_t n) {
    for (size_t i = 0; i < n; i++) free(v[i].buf);
    free(v);
}

static void memory_line(const char *name, uint32_t hosts, uint32_t pairs) {
    c2d_hosts_stats one, many;
    size_t m1 = memory_with(hosts, 1, &one);
    size_t mk = memory_with(hosts, pairs, &many);
    uint64_t total = (uint64_t)hosts * pairs;
    if (many.pairs_tracked != total || many.hosts_tracked != hosts)
        fprintf(stderr, "warning: %s: %llu of %llu pairs, %llu of %u hosts tracked\n", name,
                (unsigned long long)many.pairs_tracked, (unsigned long long)total,
                (unsigned long long)many.hosts_tracked, hosts);
    printf("%s_%ux%u_memory %zu bytes\n", name, hosts, pairs, mk);
    printf("%s_%ux%u_bytes_per_pair %.1f bytes\n", name, hosts, pairs,
           pairs > 1 ? (double)(mk - m1) / (double)((uint64_t)hosts * (pairs - 1)) : 0.0);
    printf("%s_%ux%u_bytes_per_pair_all_in %.1f bytes\n", name, hosts, pairs, (double)mk / (double)total);
}

int main(int argc, char **argv) {
    uint32_t hosts = 2000, max_pairs = 0;
    size_t n_sess = 1000000, n_dns = 300000, n_http = 200000;
    int skip_memory = 0;
    for (int i = 1; i < argc; i++) {
        int more = i + 1 < argc;
        if (!strcmp(argv[i], "--hosts") && more) hosts = (uint32_t)strtoul(argv[++i], NULL, 10);
        else if (!strcmp(argv[i], "--sessions") && more) n_sess = strtoul(argv[++i], NULL, 10);
        else if (!strcmp(argv[i], "--dns") && more) n_dns = strtoul(argv[++i], NULL, 10);
        else if (!strcmp(argv[i], "--http") && more) n_http = strtoul(argv[++i], NULL, 10);
        else if (!strcmp(argv[i], "--repeats") && more) repeats = atoi(argv[++i]);
        else if (!strcmp(argv[i], "--max-pairs") && more) max_pairs = (uint32_t)strtoul(argv[++i], NULL, 10);
        else if (!strcmp(argv[i], "--no-memory")) skip_memory = 1;
        else {
            fprintf(stderr, "usage: bench_hosts [--hosts N] [--sessions N] [--dns N] [--http N] [--repeats R] "
                            "[--max-pairs N] [--no-memory]\n");
            return 2;
        }
    }
    if (!hosts || !n_sess || !n_dns || !n_http || repeats < 1) return 2;

    /* engine creation: the built-in DGA ensemble and HTTP model are loaded here */
    double best_new = 1e30, best_new0 = 1e30;
    for (int r = 0; r < repeats; r++) {
        double t0 = cpu_s();
        c2d_hosts *h = engine(1, 0, 0, 0);
        double t1 = cpu_s();
        c2d_hosts_free(h);
        double t2 = cpu_s();
        h = engine(0, 0, 0, 0);
        double t3 = cpu_s();
        c2d_hosts_free(h);
        if (t1 - t0 < best_new) best_new = t1 - t0;
        if (t3 - t2 < best_new0) best_new0 = t3 - t2;
    }
    printf("hosts_new_builtin_models %.3f ms\nhosts_new_no_models %.3f ms\n", best_new * 1e3, best_new0 * 1e3);

    c2d_hosts_stats st;
    size_t n_beacon = 0;
    c2d_session *sess = make_sessions(hosts, n_sess, &n_beacon);
    printf("sessions_input %zu sessions\nsessions_hosts %u hosts\nsessions_beacon_share %.3f fraction\n", n_sess,
           hosts, (double)n_beacon / (double)n_sess);
    /* default budget (256 MiB): the pairs of the rare destinations and failed
     * attempts fill it, and the engine evicts; then a 2 GiB budget that holds them */
    static const char *const sess_names[2] = {"sessions", "sessions_budget_2g"};
    for (int b = 0; b < 2; b++) {
        double t = bench_sessions(sess, n_sess, max_pairs, b ? (size_t)2 << 30 : 0, &st);
        print_rate(sess_names[b], n_sess, t);
        printf("%s_pairs_tracked %llu pairs\n%s_pairs_evicted_cap %llu pairs\n%s_pairs_evicted_budget %llu pairs\n"
               "%s_memory %zu bytes\n",
               sess_names[b], (unsigned long long)st.pairs_tracked, sess_names[b],
               (unsigned long long)st.pairs_evicted_cap, sess_names[b], (unsigned long long)st.pairs_evicted_budget,
               sess_names[b], st.memory_bytes);
    }

    dns_in *dns = make_dns(hosts, n_dns, 0.2);
    dns_in *nx = make_dns(hosts, n_dns, 1.0);
    dns_in *ok = make_dns(hosts, n_dns, 0.0);
    double t_mix1 = bench_dns(dns, n_dns, 1, &st);
    print_rate("dns_mixed_20pct_nx_models", n_dns, t_mix1);
    double t_mix0 = bench_dns(dns, n_dns, 0, &st);
    print_rate("dns_mixed_20pct_nx_no_models", n_dns, t_mix0);
    double t_nx1 = bench_dns(nx, n_dns, 1, &st);
    print_rate("dns_nxdomain_models", n_dns, t_nx1);
    printf("dns_nxdomain_names_dropped %llu names\n", (unsigned long long)st.names_dropped);
    double t_nx0 = bench_dns(nx, n_dns, 0, &st);
    print_rate("dns_nxdomain_no_models", n_dns, t_nx0);
    double t_ok1 = bench_dns(ok, n_dns, 1, &st);
    print_rate("dns_noerror_models", n_dns, t_ok1);
    double t_ok0 = bench_dns(ok, n_dns, 0, &st);
    print_rate("dns_noerror_no_models", n_dns, t_ok0);
    printf("dga_model_cost_per_nxdomain %.1f ns\n", (t_nx1 - t_nx0) * 1e9 / (double)n_dns);
    printf("ratio_dns_nxdomain_models_vs_no_models %.2f x\n", t_nx1 / t_nx0);

    http_in *hh = make_http(hosts, n_http, 0);
    http_in *hu = make_http(hosts, n_http, 1);
    double t_h1 = bench_http(hh, n_http, 1, &st);
    print_rate("http_headers_models", n_http, t_h1);
    printf("http_headers_not_request %llu events\n", (unsigned long long)st.http_not_request);
    double t_h0 = bench_http(hh, n_http, 0, &st);
    print_rate("http_headers_no_models", n_http, t_h0);
    double t_hu = bench_http(hu, n_http, 1, &st);
    print_rate("http_host_uri_only", n_http, t_hu);
    printf("http_model_cost_per_request %.1f ns\n", (t_h1 - t_h0) * 1e9 / (double)n_http);

    /* the whole engine: every input above into one engine, then rank */
    double best_feed = 1e30, best_rank = 1e30, best_rank_all = 1e30;
    size_t ranked = 0, ranked_all = 0;
    for (int r = 0; r < repeats; r++) {
        c2d_hosts *h = engine(1, max_pairs, 0, 0);
        double t0 = cpu_s();
        feed_sessions(h, sess, n_sess);
        feed_dns(h, dns, n_dns);
        feed_http(h, hh, n_http);
        double t1 = cpu_s();
        c2d_hosts_rank(h, 0, &ranked);
        double t2 = cpu_s();
        c2d_hosts_rank(h, 1, &ranked_all);
        double t3 = cpu_s();
        if (t1 - t0 < best_feed) best_feed = t1 - t0;
        if (t2 - t1 < best_rank) best_rank = t2 - t1;
        if (t3 - t2 < best_rank_all) best_rank_all = t3 - t2;
        st.size = sizeof st;
        c2d_hosts_stats_get(h, &st);
        c2d_hosts_free(h);
    }
    print_rate("engine_all_inputs", n_sess + n_dns + n_http, best_feed);
    printf("engine_hosts_tracked %llu hosts\nengine_pairs_tracked %llu pairs\nengine_memory %zu bytes\n",
           (unsigned long long)st.hosts_tracked, (unsigned long long)st.pairs_tracked, st.memory_bytes);
    printf("rank_hosts_ranked %zu hosts\nrank_time %.3f ms\n", ranked, best_rank * 1e3);
    printf("rank_include_ok_hosts %zu hosts\nrank_include_ok_time %.3f ms\nrank_include_ok_per_host %.0f ns\n",
           ranked_all, best_rank_all * 1e3, ranked_all ? best_rank_all * 1e9 / (double)ranked_all : 0.0);
    printf("rank_include_ok_per_pair %.0f ns\n",
           st.pairs_tracked ? best_rank_all * 1e9 / (double)st.pairs_tracked : 0.0);

    if (!skip_memory) {
        c2d_hosts_stats e;
        c2d_hosts *h = engine(0, 0, (size_t)4 << 30, 65536);
        e.size = sizeof e;
        c2d_hosts_stats_get(h, &e);
        c2d_hosts_free(h);
        printf("memory_empty_engine %zu bytes\n", e.memory_bytes);
        /* per tracked host: hosts with 4 pairs each; slope between two host counts */
        static const uint32_t host_sizes[] = {2500, 25000, 250000};
        size_t prev_m = e.memory_bytes;
        uint32_t prev_h = 0;
        for (int k = 0; k < 3; k++) {
            c2d_hosts_stats s4;
            size_t m = memory_with(host_sizes[k], 4, &s4);
            printf("memory_hosts_%ux4_memory %zu bytes\n", host_sizes[k], m);
            printf("memory_hosts_%ux4_bytes_per_host %.1f bytes\n", host_sizes[k],
                   (double)(m - prev_m) / (double)(host_sizes[k] - prev_h));
            prev_m = m;
            prev_h = host_sizes[k];
        }
        memory_line("memory_one_host", 1, 10000);
        memory_line("memory_one_host", 1, 100000);
        memory_line("memory_one_host", 1, 1000000);
        memory_line("memory_many_hosts", 1000, 10);
        memory_line("memory_many_hosts", 1000, 100);
        memory_line("memory_many_hosts", 1000, 1000);
    }
    free(sess);
    free_dns(dns);
    free_dns(nx);
    free_dns(ok);
    free_http(hh, n_http);
    free_http(hu, n_http);
    return 0;
}
