/* libFuzzer harness for the host engine's inputs: the bytes are a program of
 * sessions (with hostile first payload bytes: HTTP and TLS are parsed from
 * them), DNS responses and HTTP events with fuzzed addresses, times, names and
 * counts, into an engine with small caps; then the report is walked. Checks:
 * no crash, the record counters add up, memory stays within the budget, every
 * evidence string is NUL-terminated and the kinds are known. With
 * C2D_FUZZ_FAIL_ALLOC=1 one allocation fails (fuzz_alloc.h) and the engine
 * must keep working. The HTTP model is the built-in one (loaded once). */
#include <stdlib.h>
#include <string.h>

#include "c2detect.h"
#include "fuzz_alloc.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

typedef struct reader {
    const uint8_t *p;
    size_t n, i;
} reader;

static uint8_t u8(reader *r) { return r->i < r->n ? r->p[r->i++] : 0; }
static uint32_t u32(reader *r) {
    uint32_t v = 0;
    for (int k = 0; k < 4; k++) v = v << 8 | u8(r);
    return v;
}
static const uint8_t *take(reader *r, size_t want, size_t *got) {
    size_t left = r->n - r->i;
    *got = want < left ? want : left;
    const uint8_t *q = r->p + r->i;
    r->i += *got;
    return q;
}

/* An address: mostly from a few local and external ones so that pairs repeat. */
static void addr(reader *r, uint8_t a[16]) {
    uint8_t sel = u8(r);
    memset(a, 0, 16);
    if (sel & 0x80) { /* IPv6, local (fe80::/10, fc00::/7) or not */
        a[0] = sel & 1 ? 0xfe : sel & 2 ? 0xfd : 0x20;
        a[1] = sel & 1 ? 0x80 : 0x01;
        a[15] = u8(r);
        return;
    }
    a[10] = a[11] = 0xff;
    a[12] = sel & 1 ? 10 : sel & 2 ? 192 : sel & 4 ? 224 : (uint8_t)(1 + (sel >> 3));
    a[13] = sel & 2 ? 168 : 0;
    a[14] = 0;
    a[15] = u8(r) & 0x1f;
}

static void name(reader *r, char *out, size_t cap) {
    size_t n;
    const uint8_t *q = take(r, u8(r) % 48, &n);
    if (n >= cap) n = cap - 1;
    memcpy(out, q, n);
    out[n] = 0; /* may contain any byte but NUL-terminated, as c2d_dns_message.qname */
}

static c2d_model *http_model(void) {
    static c2d_model *m;
    static int tried;
    if (!tried) {
        tried = 1;
        if (c2d_model_builtin("http", NULL, &m) != C2D_OK) m = NULL;
    }
    return m;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
    const c2d_allocator *a = fuzz_allocator(data, size);
    c2d_hosts_config cfg;
    c2d_hosts_config_default(&cfg);
    cfg.builtin_models = 0;
    cfg.http = http_model();
    cfg.max_hosts = 8;
    cfg.max_pairs_per_host = 4;
    cfg.memory_budget = (size_t)1 << 20;
    cfg.window_ns = 3600ull * 1000000000ull;
    c2d_hosts *h = NULL;
    c2d_status st = c2d_hosts_new(&cfg, a, &h);
    if (st != C2D_OK) {
        if (!(a && st == C2D_ERR_NOMEM)) abort();
        fuzz_alloc_check(a);
        return 0;
    }
    reader r = {data, size, 0};
    uint64_t t = 1790000000ull * 1000000000ull;
    if (u8(&r) & 1) (void)c2d_hosts_allow(h, "*.example");
    while (r.i < r.n) {
        uint8_t op = u8(&r);
        t += (uint64_t)(u8(&r)) * 250000000ull; /* up to 64 s on */
        if (op % 3 == 0) {
            c2d_session s;
            memset(&s, 0, sizeof s);
            s.size = sizeof s;
            s.proto = op & 8 ? 17 : 6;
            addr(&r, s.orig_h);
            addr(&r, s.resp_h);
            s.orig_p = (uint16_t)u32(&r);
            s.resp_p = (uint16_t)(op & 16 ? 443 : 80);
            s.ts_ns = t;
            s.last_ns = t + u8(&r) * 1000000ull;
            s.orig_bytes = u8(&r) & 1 ? u32(&r) : 0;
            s.resp_bytes = u8(&r) & 1 ? u32(&r) : 0;
            s.orig_data_pkts = s.orig_bytes > 0;
            s.resp_data_pkts = s.resp_bytes > 0;
            s.counted = s.orig_bytes + s.resp_bytes > 0;
            s.conn_state = (c2d_conn_state)(u8(&r) % 13);
            size_t n;
            s.orig_prefix = take(&r, u8(&r), &n);
            s.orig_prefix_len = (uint32_t)n;
            if (op & 32) {
                s.resp_prefix = take(&r, u8(&r) * 4u, &n);
                s.resp_prefix_len = (uint32_t)n;
            }
            if (c2d_hosts_add_session(h, &s) != C2D_OK) abort();
        } else if (op % 3 == 1) {
            c2d_dns_message m;
            memset(&m, 0, sizeof m);
            m.size = sizeof m;
            m.is_response = op & 8 ? 0 : 1;
            m.rcode = u8(&r) & 3;
            name(&r, m.qname, sizeof m.qname);
            m.qname_len = (uint32_t)strlen(m.qname);
            m.n_addrs = u8(&r) % (C2D_DNS_MAX_ADDRS + 1);
            for (uint32_t i = 0; i < m.n_addrs; i++) addr(&r, m.addrs[i].addr);
            c2d_dns_event ev = {.size = sizeof ev, .ts_ns = t, .message = &m};
            addr(&r, ev.client_addr);
            if (c2d_hosts_add_dns(h, &ev) != C2D_OK) abort();
            if (op & 16) (void)c2d_hosts_domain_registered(h, m.qname, (int64_t)(t / 1000000000ull) - u8(&r) * 86400);
        } else {
            char host[64], uri[64];
            name(&r, host, sizeof host);
            name(&r, uri, sizeof uri);
            c2d_http_event ev = {.size = sizeof ev, .ts_ns = t, .server_port = 80};
            addr(&r, ev.client_addr);
            addr(&r, ev.server_addr);
            size_t n;
            if (op & 8) {
                ev.header = take(&r, u8(&r) * 2u, &n);
                ev.header_len = n;
            } else {
                ev.host = host;
                ev.host_len = strlen(host);
                ev.uri = uri;
                ev.uri_len = strlen(uri);
            }
            if (c2d_hosts_add_http(h, &ev) != C2D_OK) abort();
        }
    }
    size_t n = 0;
    st = c2d_hosts_rank(h, (int)(size & 1), &n);
    if (st != C2D_OK && !(a && st == C2D_ERR_NOMEM)) abort();
    for (size_t i = 0; st == C2D_OK && i < n; i++) {
        c2d_host_report rep = {.size = sizeof rep};
        if (c2d_hosts_host(h, i, &rep) != C2D_OK) abort();
        if (!(rep.score >= 0 && rep.score <= 1)) abort();
        for (uint32_t k = 0; k < rep.n_evidence; k++) {
            c2d_evidence e = {.size = sizeof e};
            if (c2d_hosts_evidence(h, i, k, &e) != C2D_OK) abort();
            if (e.kind < 1 || e.kind >= C2D_EVIDENCE_KIND_COUNT_) abort();
            if (!strcmp(c2d_evidence_kind_name(e.kind), "unknown")) abort();
            if (strlen(e.name) > 4096 || strlen(e.examples) > 4096 || !e.via || !e.indicator) abort();
        }
    }
    c2d_hosts_stats hs = {.size = sizeof hs};
    if (c2d_hosts_stats_get(h, &hs) != C2D_OK) abort();
    if (hs.memory_bytes > hs.memory_budget) abort();
    if (hs.hosts_created != hs.hosts_tracked + hs.hosts_evicted + hs.hosts_aged_out) abort();
    if (hs.pairs_created != hs.pairs_tracked + hs.pairs_evicted_cap + hs.pairs_evicted_budget +
                                hs.pairs_with_host + hs.pairs_aged_out)
        abort();
    c2d_hosts_free(h);
    fuzz_alloc_check(a);
    return 0;
}
