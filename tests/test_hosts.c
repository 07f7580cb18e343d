/* Host engine: beacons (with and without payload, refused attempts), merged
 * retransmissions, the allow-list, fan-out, IOC matching on every name, HTTP
 * evidence only from request lines, DGA names, caps and their counters under a
 * flood, the ranking's states, and allocation failures. */
#include "helpers.h"

#include <math.h>

#define SEC 1000000000ull
#define T0 (1790000000ull * SEC)

static uint64_t lcg_state;
static uint32_t lcg(void) {
    lcg_state = lcg_state * 6364136223846793005ull + 1442695040888963407ull;
    return (uint32_t)(lcg_state >> 33);
}
static double uniform(void) { return (double)lcg() / 2147483648.0; } /* [0, 1) */

static void v4(uint8_t a[16], unsigned x0, unsigned x1, unsigned x2, unsigned x3) {
    memset(a, 0, 16);
    a[10] = a[11] = 0xff;
    a[12] = (uint8_t)x0, a[13] = (uint8_t)x1, a[14] = (uint8_t)x2, a[15] = (uint8_t)x3;
}

static c2d_session session_to(const uint8_t src[16], uint16_t sport, const uint8_t dst[16], uint16_t dport,
                              uint64_t ts, uint64_t orig_bytes, uint64_t resp_bytes) {
    c2d_session s;
    memset(&s, 0, sizeof s);
    s.size = sizeof s;
    s.ip_version = 4;
    s.proto = 6;
    memcpy(s.orig_h, src, 16);
    memcpy(s.resp_h, dst, 16);
    s.orig_p = sport;
    s.resp_p = dport;
    s.ts_ns = ts;
    s.last_ns = ts + SEC / 10;
    s.duration = 0.1;
    s.orig_bytes = orig_bytes;
    s.resp_bytes = resp_bytes;
    s.orig_pkts = 3 + (orig_bytes > 0);
    s.resp_pkts = 2 + (resp_bytes > 0);
    s.orig_data_pkts = orig_bytes > 0;
    s.resp_data_pkts = resp_bytes > 0;
    s.counted = orig_bytes + resp_bytes > 0;
    s.conn_state = s.counted ? C2D_CONN_SF : C2D_CONN_REJ;
    s.avg_payload_len = s.counted ? (double)(orig_bytes + resp_bytes) / (double)(s.orig_data_pkts + s.resp_data_pkts) : 0;
    s.in_out_ratio = (resp_bytes + 1.0) / (orig_bytes + 1.0);
    return s;
}

static c2d_hosts *engine(c2d_hosts_config *cfg) {
    c2d_hosts_config c;
    if (!cfg) {
        c2d_hosts_config_default(&c);
        c.builtin_models = 0;
        cfg = &c;
    }
    c2d_hosts *h = NULL;
    assert_int_equal(c2d_hosts_new(cfg, NULL, &h), C2D_OK);
    return h;
}

/* Number of items of a kind for ranked host 0, the first one copied into *e. */
static unsigned items_of(const c2d_hosts *h, size_t host, c2d_evidence_kind kind, c2d_evidence *e) {
    c2d_host_report r = {.size = sizeof r};
    if (c2d_hosts_host(h, host, &r) != C2D_OK) return 0;
    unsigned n = 0;
    for (uint32_t i = 0; i < r.n_evidence; i++) {
        c2d_evidence x = {.size = sizeof x};
        assert_int_equal(c2d_hosts_evidence(h, host, i, &x), C2D_OK);
        if (x.kind == kind) {
            if (n == 0 && e) *e = x;
            n++;
        }
    }
    return n;
}

/* ------------------------------------------------------------- config */
static void test_config(void **state) {
    (void)state;
    c2d_hosts_config c;
    c2d_hosts_config_default(&c);
    assert_int_equal(c.size, sizeof c);
    assert_int_equal(c.max_hosts, 65536);
    assert_int_equal(c.max_pairs_per_host, 512);
    assert_int_equal(c.memory_budget, (size_t)256 << 20);
    assert_int_equal(c.beacon_min_attempts, 8);
    assert_int_equal(c.builtin_models, 1);
    c2d_hosts_config_default(NULL);
    c2d_hosts *h = (c2d_hosts *)1;
    assert_int_equal(c2d_hosts_new(&c, NULL, NULL), C2D_ERR_INVALID_ARG);
    c2d_hosts_config bad = c;
    bad.size = 8;
    assert_int_equal(c2d_hosts_new(&bad, NULL, &h), C2D_ERR_INVALID_ARG);
    assert_null(h);
    bad = c;
    bad.max_hosts = 0;
    assert_int_equal(c2d_hosts_new(&bad, NULL, &h), C2D_ERR_INVALID_ARG);
    bad = c;
    bad.suspicious_threshold = 0.9;
    bad.alert_threshold = 0.5;
    assert_int_equal(c2d_hosts_new(&bad, NULL, &h), C2D_ERR_INVALID_ARG);
    bad = c;
    bad.beacon_threshold = NAN;
    assert_int_equal(c2d_hosts_new(&bad, NULL, &h), C2D_ERR_INVALID_ARG);
    bad = c;
    bad.memory_budget = 1000;
    assert_int_equal(c2d_hosts_new(&bad, NULL, &h), C2D_ERR_LIMIT);
    c2d_allocator small = {.size = 4};
    assert_int_equal(c2d_hosts_new(&c, &small, &h), C2D_ERR_INVALID_ARG);
    c2d_hosts_free(NULL);
    h = engine(NULL);
    assert_int_equal(c2d_hosts_add_local_net(h, "10.1.0.0/16"), C2D_OK);
    assert_int_equal(c2d_hosts_add_local_net(h, "10.1.0.0/33"), C2D_ERR_MALFORMED);
    assert_int_equal(c2d_hosts_add_local_net(h, "not-an-address"), C2D_ERR_MALFORMED);
    assert_int_equal(c2d_hosts_add_local_net(NULL, "10.0.0.0/8"), C2D_ERR_INVALID_ARG);
    assert_int_equal(c2d_hosts_allow(h, "*.example.com"), C2D_OK);
    assert_int_equal(c2d_hosts_allow(h, "198.51.100.0/24"), C2D_OK);
    assert_int_equal(c2d_hosts_allow(h, "bad..name"), C2D_ERR_MALFORMED);
    assert_int_equal(c2d_hosts_allow(h, "*."), C2D_ERR_MALFORMED);
    assert_string_equal(c2d_evidence_kind_name(C2D_EVIDENCE_BEACON), "beacon");
    assert_string_equal(c2d_evidence_kind_name(C2D_EVIDENCE_NXDOMAIN_BURST), "nxdomain_burst");
    assert_string_equal(c2d_evidence_kind_name((c2d_evidence_kind)99), "unknown");
    c2d_hosts_free(h);
}

/* ------------------------------------------------------------- beacons */
static void feed_beacon(c2d_hosts *h, const uint8_t *src, const uint8_t *dst, uint16_t port, unsigned n,
                        double period, double jitter, int payload) {
    for (unsigned i = 0; i < n; i++) {
        double t = period * i + (uniform() * 2 - 1) * jitter;
        c2d_session s = session_to(src, (uint16_t)(40000 + i), dst, port, T0 + (uint64_t)((t + 10) * 1e9),
                                   payload ? 180 + (lcg() % 5) : 0, payload ? 240 : 0);
        assert_int_equal(c2d_hosts_add_session(h, &s), C2D_OK);
    }
}

static void test_beacon_with_payload(void **state) {
    (void)state;
    lcg_state = 1;
    c2d_hosts *h = engine(NULL);
    uint8_t src[16], dst[16];
    v4(src, 10, 0, 0, 5);
    v4(dst, 198, 51, 100, 10);
    feed_beacon(h, src, dst, 8443, 40, 30.0, 2.0, 1);
    size_t n = 0;
    assert_int_equal(c2d_hosts_rank(h, 0, &n), C2D_OK);
    assert_int_equal(n, 1);
    c2d_evidence e = {.size = sizeof e};
    assert_int_equal(items_of(h, 0, C2D_EVIDENCE_BEACON, &e), 1);
    assert_int_equal(e.has_dst, 1);
    assert_memory_equal(e.dst_addr, dst, 16);
    assert_int_equal(e.dst_port, 8443);
    assert_int_equal(e.count, 40);
    assert_int_equal(e.distinct, 40); /* all within the ring of 48 */
    assert_int_equal(e.attempts_no_payload, 0);
    assert_true(fabs(e.interval_s - 30.0) < 1.0);
    assert_true(e.score >= 0.80);
    assert_true(e.coverage_score > 0.99);
    c2d_host_report r = {.size = sizeof r};
    assert_int_equal(c2d_hosts_host(h, 0, &r), C2D_OK);
    assert_memory_equal(r.addr, src, 16);
    assert_int_equal(r.sessions, 40);
    assert_true(r.score > 0);
    c2d_hosts_free(h);
}

static void test_beacon_refused_attempts(void **state) {
    (void)state;
    lcg_state = 2;
    c2d_hosts *h = engine(NULL);
    uint8_t src[16], dst[16];
    v4(src, 192, 168, 1, 20);
    v4(dst, 203, 0, 113, 5);
    feed_beacon(h, src, dst, 8080, 200, 3.0, 0.05, 0); /* a dead C2 retried every 3 s */
    assert_int_equal(c2d_hosts_rank(h, 0, NULL), C2D_OK);
    c2d_evidence e = {.size = sizeof e};
    assert_int_equal(items_of(h, 0, C2D_EVIDENCE_BEACON, &e), 1);
    assert_int_equal(e.count, 200);
    assert_int_equal(e.attempts_no_payload, 200);
    assert_int_equal(e.distinct, 48); /* the ring holds the last 48 attempts */
    assert_true(fabs(e.interval_s - 3.0) < 0.1);
    assert_true(e.size_score == 1.0);
    assert_true(e.score >= 0.95);
    c2d_hosts_free(h);
}

/* Every attempt retransmitted twice within a second, attempts at random times:
 * one attempt each, no beacon. */
static void test_retransmissions_are_one_attempt(void **state) {
    (void)state;
    lcg_state = 3;
    c2d_hosts *h = engine(NULL);
    uint8_t src[16], dst[16];
    v4(src, 10, 0, 0, 6);
    v4(dst, 198, 51, 100, 11);
    double t = 0;
    for (unsigned i = 0; i < 16; i++) {
        t += 5 + uniform() * 300; /* irregular */
        for (unsigned r = 0; r < 3; r++) {
            c2d_session s = session_to(src, (uint16_t)(41000 + i * 3 + r), dst, 443,
                                       T0 + (uint64_t)((t + 0.4 * r) * 1e9), 0, 0);
            assert_int_equal(c2d_hosts_add_session(h, &s), C2D_OK);
        }
    }
    assert_int_equal(c2d_hosts_rank(h, 1, NULL), C2D_OK);
    assert_int_equal(items_of(h, 0, C2D_EVIDENCE_BEACON, NULL), 0);
    c2d_hosts_free(h);
    /* the same retransmissions around strictly periodic attempts still beacon */
    h = engine(NULL);
    for (unsigned i = 0; i < 16; i++)
        for (unsigned r = 0; r < 3; r++) {
            c2d_session s = session_to(src, (uint16_t)(41000 + i * 3 + r), dst, 443,
                                       T0 + (uint64_t)((60.0 * i + 0.4 * r) * 1e9), 0, 0);
            assert_int_equal(c2d_hosts_add_session(h, &s), C2D_OK);
        }
    assert_int_equal(c2d_hosts_rank(h, 0, NULL), C2D_OK);
    c2d_evidence e = {.size = sizeof e};
    assert_int_equal(items_of(h, 0, C2D_EVIDENCE_BEACON, &e), 1);
    assert_int_equal(e.count, 48);
    assert_int_equal(e.distinct, 16);
    assert_true(fabs(e.interval_s - 60.0) < 0.01);
    c2d_hosts_free(h);
}

static c2d_dns_message dns_answer(const char *name, uint8_t rcode, const uint8_t *addr) {
    c2d_dns_message m;
    memset(&m, 0, sizeof m);
    m.size = sizeof m;
    m.is_response = 1;
    m.rcode = rcode;
    m.qdcount = 1;
    m.qtype = 1;
    snprintf(m.qname, sizeof m.qname, "%s", name);
    m.qname_len = (uint32_t)strlen(m.qname);
    if (addr) {
        m.n_addrs = 1;
        m.addrs[0].ip_version = 4;
        memcpy(m.addrs[0].addr, addr, 16);
        m.addrs[0].ttl = 300;
    }
    return m;
}

static void feed_dns(c2d_hosts *h, const uint8_t *client, uint64_t ts, const char *name, uint8_t rcode,
                     const uint8_t *addr) {
    c2d_dns_message m = dns_answer(name, rcode, addr);
    c2d_dns_event ev = {.size = sizeof ev, .ts_ns = ts, .ip_version = 4, .transport = 17, .client_port = 5353,
                        .message = &m};
    memcpy(ev.client_addr, client, 16);
    v4(ev.server_addr, 10, 0, 0, 1);
    assert_int_equal(c2d_hosts_add_dns(h, &ev), C2D_OK);
}

/* An hourly update check to an allow-listed name is left out, and counted. */
static void test_allowlisted_update_check(void **state) {
    (void)state;
    lcg_state = 4;
    uint8_t src[16], dst[16];
    v4(src, 10, 0, 0, 7);
    v4(dst, 198, 51, 100, 30);
    for (int allow = 0; allow < 2; allow++) {
        c2d_hosts *h = engine(NULL);
        if (allow) assert_int_equal(c2d_hosts_allow(h, "*.vendor.example"), C2D_OK);
        feed_dns(h, src, T0, "update.vendor.example", 0, dst);
        feed_beacon(h, src, dst, 443, 20, 3600.0, 5.0, 1);
        assert_int_equal(c2d_hosts_rank(h, 1, NULL), C2D_OK);
        c2d_evidence e = {.size = sizeof e};
        assert_int_equal(items_of(h, 0, C2D_EVIDENCE_BEACON, &e), allow ? 0 : 1);
        c2d_hosts_stats st = {.size = sizeof st};
        assert_int_equal(c2d_hosts_stats_get(h, &st), C2D_OK);
        if (!allow) {
            assert_string_equal(e.name, "update.vendor.example"); /* the name pair, not the address one */
            assert_int_equal(st.allowed_evidence, 0);
        } else {
            assert_int_equal(st.allowed_evidence, 2); /* the name pair and the address pair */
            size_t n = 9;
            assert_int_equal(c2d_hosts_rank(h, 0, &n), C2D_OK); /* the host drops out of the ranking */
            assert_int_equal(n, 0);
            assert_int_equal(c2d_hosts_stats_get(h, &st), C2D_OK);
            assert_int_equal(st.allowed_evidence, 2); /* and its items are still counted */
        }
        c2d_hosts_free(h);
    }
    /* "*.vendor.example" matches vendor.example itself, and not notvendor.example */
    c2d_hosts *h = engine(NULL);
    assert_int_equal(c2d_hosts_allow(h, "*.vendor.example"), C2D_OK);
    feed_dns(h, src, T0, "notvendor.example", 0, dst);
    feed_beacon(h, src, dst, 443, 20, 600.0, 1.0, 1);
    assert_int_equal(c2d_hosts_rank(h, 1, NULL), C2D_OK);
    assert_int_equal(items_of(h, 0, C2D_EVIDENCE_BEACON, NULL), 1);
    c2d_hosts_free(h);
    h = engine(NULL);
    assert_int_equal(c2d_hosts_allow(h, "*.vendor.example"), C2D_OK);
    feed_dns(h, src, T0, "vendor.example", 0, dst);
    feed_beacon(h, src, dst, 443, 20, 600.0, 1.0, 1);
    assert_int_equal(c2d_hosts_rank(h, 1, NULL), C2D_OK);
    assert_int_equal(items_of(h, 0, C2D_EVIDENCE_BEACON, NULL), 0);
    c2d_hosts_free(h);
}

/* Human-like traffic (exponential gaps, varied sizes) is not a beacon. */
static void test_irregular_is_not_beacon(void **state) {
    (void)state;
    lcg_state = 5;
    c2d_hosts *h = engine(NULL);
    uint8_t src[16], dst[16];
    v4(src, 10, 0, 0, 8);
    v4(dst, 198, 51, 100, 12);
    double t = 0;
    for (unsigned i = 0; i < 40; i++) {
        t += -log(1.0 - uniform()) * 120.0;
        c2d_session s = session_to(src, (uint16_t)(42000 + i), dst, 443, T0 + (uint64_t)(t * 1e9),
                                   300 + lcg() % 5000, 1000 + lcg() % 100000);
        assert_int_equal(c2d_hosts_add_session(h, &s), C2D_OK);
    }
    assert_int_equal(c2d_hosts_rank(h, 1, NULL), C2D_OK);
    assert_int_equal(items_of(h, 0, C2D_EVIDENCE_BEACON, NULL), 0);
    c2d_hosts_free(h);
}

/* ------------------------------------------------------------- fan-out */
static void test_fanout(void **state) {
    (void)state;
    c2d_hosts *h = engine(NULL);
    uint8_t src[16], dst[16];
    v4(src, 10, 0, 0, 9);
    for (unsigned i = 0; i < 300; i++) {
        v4(dst, 100 + i / 250, 20, (i / 7) % 256, (i * 37) % 256);
        c2d_session s = session_to(src, (uint16_t)(43000 + i), dst, 23, T0 + i * (SEC / 5), 0, 0);
        s.conn_state = C2D_CONN_S0;
        assert_int_equal(c2d_hosts_add_session(h, &s), C2D_OK);
    }
    assert_int_equal(c2d_hosts_rank(h, 0, NULL), C2D_OK);
    c2d_evidence e = {.size = sizeof e};
    assert_int_equal(items_of(h, 0, C2D_EVIDENCE_FANOUT, &e), 1);
    assert_int_equal(e.count, 300);
    assert_int_equal(e.dst_port, 23);
    assert_true(e.distinct >= 270 && e.distinct <= 330); /* linear counting over 1024 bits */
    assert_true(e.score == 1.0);
    c2d_hosts_free(h);
    /* 30 destinations stay under the default 64 */
    h = engine(NULL);
    for (unsigned i = 0; i < 30; i++) {
        v4(dst, 100, 20, 1, i);
        c2d_session s = session_to(src, (uint16_t)(43000 + i), dst, 23, T0 + i * SEC, 0, 0);
        assert_int_equal(c2d_hosts_add_session(h, &s), C2D_OK);
    }
    assert_int_equal(c2d_hosts_rank(h, 1, NULL), C2D_OK);
    assert_int_equal(items_of(h, 0, C2D_EVIDENCE_FANOUT, NULL), 0);
    c2d_hosts_free(h);
}

/* ---------------------------------------------------------------- IOC */
static c2d_iocdb *store(void) {
    c2d_iocdb *db = NULL;
    assert_int_equal(c2d_iocdb_new(NULL, &db), C2D_OK);
    const char *values[] = {"bad.example", "http://cdn.bad.example/gate.php", "203.0.113.9", "evil.example",
                            "198.51.100.77:4444"};
    const char *fams[] = {"FamA", "FamB", "FamC", "FamD", "FamE"};
    for (int i = 0; i < 5; i++) {
        c2d_ioc_entry e;
        memset(&e, 0, sizeof e);
        e.size = sizeof e;
        e.value = values[i];
        e.family = fams[i];
        e.source = "unit";
        assert_int_equal(c2d_iocdb_add(db, &e), C2D_OK);
    }
    assert_int_equal(c2d_iocdb_finalize(db), C2D_OK);
    return db;
}

static void test_ioc_every_name(void **state) {
    (void)state;
    c2d_iocdb *db = store();
    c2d_hosts_config c;
    c2d_hosts_config_default(&c);
    c.builtin_models = 0;
    c.ioc = db;
    c2d_hosts *h = engine(&c);
    uint8_t cli[16], a[16], b[16];
    v4(cli, 10, 0, 0, 11);
    v4(a, 203, 0, 113, 9);
    v4(b, 198, 51, 100, 77);
    feed_dns(h, cli, T0, "x.evil.example", 0, NULL);                 /* via dns */
    feed_dns(h, cli, T0 + SEC, "innocent.example", 0, a);            /* via dns_answer */
    c2d_http_event ev = {.size = sizeof ev, .ts_ns = T0 + 2 * SEC, .server_port = 80,
                         .host = "cdn.bad.example", .host_len = 15, .uri = "/gate.php", .uri_len = 9};
    memcpy(ev.client_addr, cli, 16);
    v4(ev.server_addr, 198, 51, 100, 5);
    assert_int_equal(c2d_hosts_add_http(h, &ev), C2D_OK);         /* via http_host and url */
    c2d_session s = session_to(cli, 50000, b, 4444, T0 + 3 * SEC, 10, 10);
    assert_int_equal(c2d_hosts_add_session(h, &s), C2D_OK);        /* via ip_port */
    assert_int_equal(c2d_hosts_rank(h, 0, NULL), C2D_OK);
    c2d_host_report r = {.size = sizeof r};
    assert_int_equal(c2d_hosts_host(h, 0, &r), C2D_OK);
    assert_int_equal(r.verdict, C2D_VERDICT_ALERT);
    struct { const char *via, *indicator, *family, *name; } want[] = {
        {"dns", "evil.example", "FamD", "x.evil.example"},
        {"dns_answer", "203.0.113.9", "FamC", "innocent.example"},
        {"http_host", "bad.example", "FamA", "cdn.bad.example"},
        {"url", "http://cdn.bad.example/gate.php", "FamB", "http://cdn.bad.example/gate.php"},
        {"ip_port", "198.51.100.77:4444", "FamE", ""},
    };
    unsigned found = 0;
    for (uint32_t i = 0; i < r.n_evidence; i++) {
        c2d_evidence e = {.size = sizeof e};
        assert_int_equal(c2d_hosts_evidence(h, 0, i, &e), C2D_OK);
        if (e.kind != C2D_EVIDENCE_IOC) continue;
        for (unsigned k = 0; k < 5; k++)
            if (!strcmp(e.via, want[k].via)) {
                assert_string_equal(e.indicator, want[k].indicator);
                assert_string_equal(e.family, want[k].family);
                assert_string_equal(e.name, want[k].name);
                assert_string_equal(e.source, "unit");
                assert_int_equal(e.count, 1);
                found |= 1u << k;
            }
    }
    assert_int_equal(found, 0x1f);
    assert_int_equal(items_of(h, 0, C2D_EVIDENCE_IOC, NULL), 5);
    c2d_hosts_free(h);
    c2d_iocdb_free(db);
}

/* --------------------------------------------------------------- HTTP */
static const char sality[] =
    "GET /sobaka1.gif?12db3cf=98861835 HTTP/1.1\r\n"
    "User-Agent: Mozilla/4.0 (compatible; MSIE 7.0b; Windows NT 6.0)\r\n"
    "Host: padrup.com\r\n"
    "Cache-Control: no-cache\r\n"
    "Cookie: jsessionid=85b50d8fab658ecb9f79aa4de6039c87\r\n\r\n";

static void test_http_only_from_request_lines(void **state) {
    (void)state;
    c2d_model *http = NULL;
    assert_int_equal(c2d_model_builtin("http", NULL, &http), C2D_OK);
    c2d_hosts_config c;
    c2d_hosts_config_default(&c);
    c.builtin_models = 0;
    c.http = http;
    c2d_hosts *h = engine(&c);
    uint8_t cli[16], srv[16];
    v4(cli, 10, 0, 0, 12);
    v4(srv, 198, 51, 100, 40);
    const char *not_http[] = {"NICK bot123\r\nUSER bot 0 * :bot\r\nJOIN #c2\r\n",
                              "\x16\x03\x01\x02\x00\x01\x00\x01\xfc\x03\x03",
                              "GET /x HTTP/2.0\r\nHost: a\r\n\r\n", "GET  /x HTTP/1.1\r\n\r\n",
                              "GET /x HTTP/1.1"};
    for (unsigned i = 0; i < 5; i++) {
        c2d_http_event ev = {.size = sizeof ev, .ts_ns = T0 + i * SEC, .server_port = 6667,
                             .header = not_http[i], .header_len = strlen(not_http[i])};
        memcpy(ev.client_addr, cli, 16);
        memcpy(ev.server_addr, srv, 16);
        assert_int_equal(c2d_hosts_add_http(h, &ev), C2D_OK);
        /* and as a session's first bytes */
        c2d_session s = session_to(cli, (uint16_t)(51000 + i), srv, 6667, T0 + i * SEC, 60, 60);
        s.orig_prefix = (const uint8_t *)not_http[i];
        s.orig_prefix_len = (uint32_t)strlen(not_http[i]);
        assert_int_equal(c2d_hosts_add_session(h, &s), C2D_OK);
    }
    assert_int_equal(c2d_hosts_rank(h, 1, NULL), C2D_OK);
    assert_int_equal(items_of(h, 0, C2D_EVIDENCE_HTTP_C2, NULL), 0);
    c2d_host_report r = {.size = sizeof r};
    assert_int_equal(c2d_hosts_host(h, 0, &r), C2D_OK);
    assert_int_equal(r.http_requests, 5); /* the add_http calls; the sessions' bytes were not requests */
    c2d_hosts_stats st = {.size = sizeof st};
    assert_int_equal(c2d_hosts_stats_get(h, &st), C2D_OK);
    assert_int_equal(st.http_not_request, 5);
    /* a Sality request as a session's first bytes is HTTP C2 evidence */
    c2d_session s = session_to(cli, 52000, srv, 80, T0 + 10 * SEC, sizeof sality - 1, 300);
    s.orig_prefix = (const uint8_t *)sality;
    s.orig_prefix_len = sizeof sality - 1;
    assert_int_equal(c2d_hosts_add_session(h, &s), C2D_OK);
    assert_int_equal(c2d_hosts_rank(h, 0, NULL), C2D_OK);
    c2d_evidence e = {.size = sizeof e};
    assert_int_equal(items_of(h, 0, C2D_EVIDENCE_HTTP_C2, &e), 1);
    assert_int_equal(e.count, 1);
    assert_memory_equal(e.dst_addr, srv, 16);
    assert_int_equal(e.dst_port, 80);
    assert_string_equal(e.examples, "http://padrup.com/sobaka1.gif?12db3cf=98861835");
    double thr;
    assert_int_equal(c2d_http_threshold(http, &thr), C2D_OK);
    assert_true(e.score >= thr);
    c2d_hosts_free(h);
    c2d_model_free(http);
}

/* ---------------------------------------------------------------- DGA */
static void test_dga_names_and_nxdomain(void **state) {
    (void)state;
    c2d_dga_ensemble *dga = NULL;
    assert_int_equal(c2d_dga_ensemble_builtin(NULL, &dga), C2D_OK);
    c2d_hosts_config c;
    c2d_hosts_config_default(&c);
    c.builtin_models = 0;
    c.dga = dga;
    c.nxdomain_min = 10;
    c2d_hosts *h = engine(&c);
    uint8_t cli[16];
    v4(cli, 10, 0, 0, 13);
    const char *names[] = {"kq3vx7tplm2z.com", "xjwqpzlkrtvbn.net", "qzkxjvwpmnbr.org", "bvcxzqwplkjh.info",
                           "mnbvxzqwrtpl.biz", "plkjhgfdsazxcv.com", "wqzxrtyplkmnb.net", "zxcvbnmqwrtpk.org",
                           "rtyuiopqwzxcv.info", "hgfdsazxcvbnmq.biz", "www.wikipedia.org", "mail.google.com"};
    unsigned flagged = 0;
    for (unsigned i = 0; i < 12; i++) {
        float s;
        int is_dga = 0;
        c2d_domain_parts p = {.size = sizeof p};
        assert_int_equal(c2d_dga_split(names[i], strlen(names[i]), &p), C2D_OK);
        assert_int_equal(c2d_dga_ensemble_classify(dga, NULL, names[i] + p.registrable_off, p.registrable_len, NAN,
                                                   &s, &is_dga), C2D_OK);
        flagged += is_dga != 0;
        feed_dns(h, cli, T0 + i * SEC, names[i], i < 10 ? C2D_DNS_RCODE_NXDOMAIN : 0, NULL);
        feed_dns(h, cli, T0 + i * SEC + 1, names[i], i < 10 ? C2D_DNS_RCODE_NXDOMAIN : 0, NULL); /* repeat */
    }
    assert_true(flagged >= 3);
    assert_int_equal(c2d_hosts_rank(h, 0, NULL), C2D_OK);
    c2d_evidence e = {.size = sizeof e};
    assert_int_equal(items_of(h, 0, C2D_EVIDENCE_DGA_NAMES, &e), 1);
    assert_int_equal(e.distinct, flagged); /* repeats count once */
    assert_int_equal(items_of(h, 0, C2D_EVIDENCE_NXDOMAIN_BURST, &e), 1);
    assert_int_equal(e.distinct, 10);
    assert_int_equal(e.count, 20); /* every NXDOMAIN answer */
    c2d_hosts_free(h);
    c2d_dga_ensemble_free(dga);
}

/* --------------------------------------------------------- new domains */
static void test_new_domain(void **state) {
    (void)state;
    c2d_hosts *h = engine(NULL);
    int64_t now = (int64_t)(T0 / SEC);
    assert_int_equal(c2d_hosts_domain_registered(h, "fresh-domain.example", now - 2 * 86400), C2D_OK);
    assert_int_equal(c2d_hosts_domain_registered(h, "www.old-domain.example", now - 100 * 86400), C2D_OK);
    assert_int_equal(c2d_hosts_domain_registered(h, "x", 0), C2D_ERR_INVALID_ARG);
    assert_int_equal(c2d_hosts_domain_registered(h, "bad..name", now), C2D_ERR_NAME_EMPTY_LABEL);
    assert_int_equal(c2d_hosts_domain_registered(NULL, "a.example", now), C2D_ERR_INVALID_ARG);
    uint8_t a[16], b[16];
    v4(a, 10, 0, 0, 20);
    v4(b, 10, 0, 0, 21);
    feed_dns(h, a, T0, "cdn.FRESH-domain.example", 0, NULL);
    feed_dns(h, a, T0 + SEC, "fresh-domain.example", 0, NULL);
    feed_dns(h, b, T0, "old-domain.example", 0, NULL);
    feed_dns(h, b, T0, "fresh-domain.example", C2D_DNS_RCODE_NXDOMAIN, NULL); /* not resolved: not a lookup of it */
    assert_int_equal(c2d_hosts_rank(h, 1, NULL), C2D_OK);
    for (size_t i = 0; i < 2; i++) {
        c2d_host_report r = {.size = sizeof r};
        assert_int_equal(c2d_hosts_host(h, i, &r), C2D_OK);
        c2d_evidence e = {.size = sizeof e};
        unsigned n = items_of(h, i, C2D_EVIDENCE_NEW_DOMAIN, &e);
        if (!memcmp(r.addr, a, 16)) {
            assert_int_equal(n, 1);
            assert_string_equal(e.name, "cdn.FRESH-domain.example"); /* as observed; matched in any case */
            assert_int_equal(e.count, 2);
            assert_int_equal(e.distinct, 1);
            assert_true(e.score == 0.5);
        } else {
            assert_int_equal(n, 0);
        }
    }
    c2d_hosts_free(h);
}

/* ------------------------------------------------------- caps and flood */
static void test_pair_cap(void **state) {
    (void)state;
    c2d_hosts_config c;
    c2d_hosts_config_default(&c);
    c.builtin_models = 0;
    c.max_pairs_per_host = 4;
    c2d_hosts *h = engine(&c);
    uint8_t cli[16], dst[16];
    v4(cli, 10, 0, 0, 14);
    for (unsigned i = 0; i < 10; i++) {
        v4(dst, 198, 51, 100, i);
        c2d_session s = session_to(cli, (uint16_t)(53000 + i), dst, 443, T0 + i * SEC, 10, 10);
        assert_int_equal(c2d_hosts_add_session(h, &s), C2D_OK);
    }
    c2d_hosts_stats st = {.size = sizeof st};
    assert_int_equal(c2d_hosts_stats_get(h, &st), C2D_OK);
    assert_int_equal(st.pairs_created, 10);
    assert_int_equal(st.pairs_tracked, 4);
    assert_int_equal(st.pairs_evicted_cap, 6);
    assert_int_equal(c2d_hosts_rank(h, 1, NULL), C2D_OK);
    c2d_host_report r = {.size = sizeof r};
    assert_int_equal(c2d_hosts_host(h, 0, &r), C2D_OK);
    assert_int_equal(r.pairs, 4);
    assert_int_equal(r.pairs_evicted, 6);
    c2d_hosts_free(h);
}

/* A million internal hosts and ten million destinations through a 64 MiB
 * budget: memory stays under it and every dropped record is counted. */
static void test_flood_within_budget(void **state) {
    (void)state;
    c2d_hosts_config c;
    c2d_hosts_config_default(&c);
    c.builtin_models = 0;
    c.max_hosts = 1u << 20;
    c.memory_budget = (size_t)64 << 20;
    c2d_hosts *h = engine(&c);
    uint8_t cli[16], dst[16];
    uint64_t sessions = 10000000;
    for (uint64_t i = 0; i < sessions; i++) {
        uint32_t host = (uint32_t)(i % 1000000u);
        v4(cli, 10, host >> 16, (host >> 8) & 255, host & 255);
        v4(dst, 11, (i >> 16) & 255, (i >> 8) & 255, i & 255); /* every destination new */
        c2d_session s = session_to(cli, (uint16_t)i, dst, 443, T0 + i * 1000, 10, 10);
        assert_int_equal(c2d_hosts_add_session(h, &s), C2D_OK);
    }
    c2d_hosts_stats st = {.size = sizeof st};
    assert_int_equal(c2d_hosts_stats_get(h, &st), C2D_OK);
    assert_true(st.memory_bytes <= c.memory_budget);
    assert_int_equal(st.memory_budget, c.memory_budget);
    assert_int_equal(st.sessions, sessions);
    assert_int_equal(st.hosts_created, st.hosts_tracked + st.hosts_evicted + st.hosts_aged_out);
    assert_true(st.hosts_created >= 1000000);
    assert_int_equal(st.pairs_created + 0, st.pairs_tracked + st.pairs_evicted_cap + st.pairs_evicted_budget +
                                               st.pairs_with_host + st.pairs_aged_out);
    if (st.pairs_created + st.pairs_refused + st.inputs_refused != sessions)
        fprintf(stderr, "created %llu refused %llu inputs_refused %llu evicted hosts %llu\n",
                (unsigned long long)st.pairs_created, (unsigned long long)st.pairs_refused,
                (unsigned long long)st.inputs_refused, (unsigned long long)st.hosts_evicted);
    assert_int_equal(st.pairs_created + st.pairs_refused + st.inputs_refused, sessions); /* every session was a new pair */
    assert_true(st.pairs_evicted_budget + st.pairs_with_host > 0);
    assert_int_equal(c2d_hosts_rank(h, 0, NULL), C2D_OK);
    assert_int_equal(c2d_hosts_stats_get(h, &st), C2D_OK);
    assert_true(st.memory_bytes <= c.memory_budget);
    c2d_hosts_free(h);
}

/* ---------------------------------------------------------- the ranking */
static void test_rank_states(void **state) {
    (void)state;
    c2d_hosts *h = engine(NULL);
    c2d_host_report r = {.size = sizeof r};
    c2d_evidence e = {.size = sizeof e};
    double x[C2D_EVIDENCE_KIND_COUNT_];
    assert_int_equal(c2d_hosts_host(h, 0, &r), C2D_ERR_STATE);
    uint8_t a[16], b[16];
    v4(a, 10, 0, 0, 15);
    v4(b, 8, 8, 8, 8);
    c2d_session s = session_to(b, 1, b, 2, T0, 1, 1); /* neither side local */
    assert_int_equal(c2d_hosts_add_session(h, &s), C2D_OK);
    s = session_to(a, 1, b, 443, T0, 200, 200000); /* a download: no evidence */
    assert_int_equal(c2d_hosts_add_session(h, &s), C2D_OK);
    size_t n = 9;
    assert_int_equal(c2d_hosts_rank(h, 0, &n), C2D_OK);
    assert_int_equal(n, 0);
    assert_int_equal(c2d_hosts_rank(h, 1, &n), C2D_OK);
    assert_int_equal(n, 1);
    assert_int_equal(c2d_hosts_host(h, 0, &r), C2D_OK);
    assert_int_equal(r.verdict, C2D_VERDICT_OK);
    assert_int_equal(r.n_evidence, 0);
    assert_int_equal(c2d_hosts_host(h, 1, &r), C2D_ERR_NOT_FOUND);
    assert_int_equal(c2d_hosts_evidence(h, 0, 0, &e), C2D_ERR_NOT_FOUND);
    assert_int_equal(c2d_hosts_strengths(h, 0, x, 3), C2D_ERR_BUFFER_TOO_SMALL);
    assert_int_equal(c2d_hosts_strengths(h, 0, x, C2D_EVIDENCE_KIND_COUNT_), C2D_OK);
    c2d_host_report small = {.size = 8};
    assert_int_equal(c2d_hosts_host(h, 0, &small), C2D_ERR_INVALID_ARG);
    assert_int_equal(c2d_hosts_add_session(h, &s), C2D_OK); /* an input invalidates the ranking */
    assert_int_equal(c2d_hosts_host(h, 0, &r), C2D_ERR_STATE);
    c2d_hosts_stats st = {.size = sizeof st};
    assert_int_equal(c2d_hosts_stats_get(h, &st), C2D_OK);
    assert_int_equal(st.not_local, 1);
    assert_int_equal(st.sessions, 2);
    c2d_session bad = s;
    bad.size = 4;
    assert_int_equal(c2d_hosts_add_session(h, &bad), C2D_ERR_INVALID_ARG);
    assert_int_equal(c2d_hosts_add_session(h, NULL), C2D_ERR_INVALID_ARG);
    assert_int_equal(c2d_hosts_add_dns(h, NULL), C2D_ERR_INVALID_ARG);
    assert_int_equal(c2d_hosts_add_http(NULL, NULL), C2D_ERR_INVALID_ARG);
    assert_int_equal(c2d_hosts_attach(h, NULL), C2D_ERR_INVALID_ARG);
    c2d_hosts_free(h);
}

/* The window: a host not seen for longer than window_ns is aged out. */
static void test_window_ages_out(void **state) {
    (void)state;
    c2d_hosts_config c;
    c2d_hosts_config_default(&c);
    c.builtin_models = 0;
    c.window_ns = 3600 * SEC;
    c2d_hosts *h = engine(&c);
    uint8_t a[16], b[16], d[16];
    v4(a, 10, 0, 0, 16);
    v4(b, 10, 0, 0, 17);
    v4(d, 198, 51, 100, 1);
    c2d_session s = session_to(a, 1, d, 443, T0, 1, 1);
    assert_int_equal(c2d_hosts_add_session(h, &s), C2D_OK);
    s = session_to(b, 1, d, 443, T0 + 7200 * SEC, 1, 1);
    assert_int_equal(c2d_hosts_add_session(h, &s), C2D_OK);
    size_t n;
    assert_int_equal(c2d_hosts_rank(h, 1, &n), C2D_OK);
    assert_int_equal(n, 1);
    c2d_host_report r = {.size = sizeof r};
    assert_int_equal(c2d_hosts_host(h, 0, &r), C2D_OK);
    assert_memory_equal(r.addr, b, 16);
    c2d_hosts_stats st = {.size = sizeof st};
    assert_int_equal(c2d_hosts_stats_get(h, &st), C2D_OK);
    assert_int_equal(st.hosts_aged_out, 1);
    assert_int_equal(st.pairs_with_host, 1);
    c2d_hosts_free(h);
}

/* -------------------------------------------------- allocation failures */
static void test_oom_sweep(void **state) {
    (void)state;
    /* without models every allocation is the engine's; with the built-in models
     * (whose loaders have their own sweeps) the first few and the engine's own */
    long total = 0;
    {
        test_alloc ta;
        test_alloc_init(&ta, 0);
        c2d_hosts *h = NULL;
        assert_int_equal(c2d_hosts_new(NULL, &ta.api, &h), C2D_OK);
        total = ta.calls;
        c2d_hosts_free(h);
        assert_int_equal(ta.live, 0);
    }
    for (int builtin = 0; builtin < 2; builtin++) {
        c2d_hosts_config c;
        c2d_hosts_config_default(&c);
        c.builtin_models = builtin;
        long k = 1;
        for (;; k++) {
            if (builtin && k == 6) k = total - 12;
            test_alloc ta;
            test_alloc_init(&ta, k);
            c2d_hosts *h = NULL;
            c2d_status st = c2d_hosts_new(&c, &ta.api, &h);
            if (st == C2D_OK) {
                c2d_hosts_free(h);
                assert_int_equal(ta.live, 0);
                break;
            }
            assert_int_equal(st, C2D_ERR_NOMEM);
            assert_null(h);
            assert_int_equal(ta.live, 0);
        }
        assert_true(k > 5);
    }
    /* inputs under an allocator that fails from the k-th call on: no crash,
     * nothing leaked, and what could not be kept is counted */
    for (long k = 1; k < 40; k++) {
        test_alloc ta;
        test_alloc_init(&ta, 0);
        c2d_hosts_config c;
        c2d_hosts_config_default(&c);
        c.builtin_models = 0;
        c2d_hosts *h = NULL;
        assert_int_equal(c2d_hosts_new(&c, &ta.api, &h), C2D_OK);
        ta.fail_at = ta.calls + k;
        uint8_t a[16], d[16];
        for (unsigned i = 0; i < 1500; i++) {
            v4(a, 10, 0, i / 256, i % 256);
            v4(d, 198, 51, 100, i % 256);
            c2d_session s = session_to(a, (uint16_t)i, d, 443, T0 + i * SEC, 1, 1);
            assert_int_equal(c2d_hosts_add_session(h, &s), C2D_OK);
            feed_dns(h, a, T0 + i * SEC, "nx.example", C2D_DNS_RCODE_NXDOMAIN, NULL);
        }
        c2d_status st = c2d_hosts_rank(h, 1, NULL);
        assert_true(st == C2D_OK || st == C2D_ERR_NOMEM);
        c2d_hosts_stats hs = {.size = sizeof hs};
        assert_int_equal(c2d_hosts_stats_get(h, &hs), C2D_OK);
        assert_int_equal(hs.sessions, 1500);
        assert_int_equal(hs.hosts_created, hs.hosts_tracked + hs.hosts_evicted + hs.hosts_aged_out);
        c2d_hosts_free(h);
        assert_int_equal(ta.live, 0);
    }
}

int main(void) {
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_config),
        cmocka_unit_test(test_beacon_with_payload),
        cmocka_unit_test(test_beacon_refused_attempts),
        cmocka_unit_test(test_retransmissions_are_one_attempt),
        cmocka_unit_test(test_allowlisted_update_check),
        cmocka_unit_test(test_irregular_is_not_beacon),
        cmocka_unit_test(test_fanout),
        cmocka_unit_test(test_ioc_every_name),
        cmocka_unit_test(test_http_only_from_request_lines),
        cmocka_unit_test(test_dga_names_and_nxdomain),
        cmocka_unit_test(test_new_domain),
        cmocka_unit_test(test_pair_cap),
        cmocka_unit_test(test_flood_within_budget),
        cmocka_unit_test(test_rank_states),
        cmocka_unit_test(test_window_ages_out),
        cmocka_unit_test(test_oom_sweep),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
