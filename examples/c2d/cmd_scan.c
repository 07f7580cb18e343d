/* c2d scan: the whole pipeline on a capture. Sessions from the flow table are
 * classified by the session rules, their first request bytes scored by the HTTP
 * model, their destinations matched against IOC feeds; DNS answers give DGA
 * scores and NXDOMAIN counts. Evidence is combined per internal host and the
 * hosts are printed as JSON lines, most suspicious first (docs/scan.md). */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "commands.h"

enum { MAX_HOSTS = 4096, MAX_DESTS = 8, MAX_EXAMPLES = 3, EXAMPLE_BYTES = 256, PREFIX_BYTES = 4096 };

typedef struct dest_count {
    uint8_t addr[16];
    uint16_t port;
    unsigned c2_candidates;
} dest_count;

typedef struct host {
    int used;
    uint8_t addr[16];
    unsigned sessions, c2_candidates, downloads, uploads, inbound;
    unsigned http_requests, http_c2;
    double http_max;
    unsigned dns_queries, nxdomain, dga_names;
    char dga_examples[MAX_EXAMPLES][EXAMPLE_BYTES]; /* truncated if longer */
    unsigned ioc_hits;
    char ioc_example[160];
    dest_count dests[MAX_DESTS];
    unsigned n_dests;
} host;

typedef struct scan {
    host *hosts;
    unsigned n_hosts, dropped_hosts;
    const c2d_dga_ensemble *dga;
    const c2d_model *http;
    double http_threshold;
    const c2d_iocdb *ioc;
    c2d_session_rules rules;
    unsigned sessions_total;
    int verbose_sessions;
} scan;

static uint32_t addr_hash(const uint8_t a[16]) {
    uint32_t h = 2166136261u;
    for (int i = 0; i < 16; i++) h = (h ^ a[i]) * 16777619u;
    return h;
}

static host *host_get(scan *s, const uint8_t a[16]) {
    uint32_t i = addr_hash(a) % MAX_HOSTS;
    for (unsigned probe = 0; probe < MAX_HOSTS; probe++, i = (i + 1) % MAX_HOSTS) {
        host *h = &s->hosts[i];
        if (h->used && memcmp(h->addr, a, 16) == 0) return h;
        if (!h->used) {
            h->used = 1;
            memcpy(h->addr, a, 16);
            s->n_hosts++;
            return h;
        }
    }
    s->dropped_hosts++;
    return NULL;
}

static void json_string(FILE *out, const char *s) {
    fputc('"', out);
    for (; *s; s++) {
        unsigned char c = (unsigned char)*s;
        if (c == '"' || c == '\\') fprintf(out, "\\%c", c);
        else if (c < 0x20 || c >= 0x7f) fprintf(out, "\\u%04x", c);
        else fputc(c, out);
    }
    fputc('"', out);
}

static void addr_text(const uint8_t a[16], char *buf, size_t cap) {
    if (c2d_addr_format(a, buf, cap) != C2D_OK) snprintf(buf, cap, "?");
}

static int is_ipv4_mapped(const uint8_t a[16]) {
    static const uint8_t prefix[12] = {0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0xff, 0xff};
    return memcmp(a, prefix, 12) == 0;
}

static void match_destination(scan *s, host *h, const c2d_session *ss) {
    if (!s->ioc) return;
    uint32_t ids[4];
    size_t total = 0;
    c2d_status st;
    if (is_ipv4_mapped(ss->resp_h)) {
        uint32_t v4 = (uint32_t)ss->resp_h[12] << 24 | (uint32_t)ss->resp_h[13] << 16 |
                      (uint32_t)ss->resp_h[14] << 8 | ss->resp_h[15];
        st = c2d_iocdb_match_ipv4(s->ioc, v4, ss->resp_p, ids, 4, &total);
    } else {
        st = c2d_iocdb_match_ipv6(s->ioc, ss->resp_h, ss->resp_p, ids, 4, &total);
    }
    if (st != C2D_OK || total == 0) return;
    h->ioc_hits++;
    if (!h->ioc_example[0]) {
        c2d_ioc_info info = {.size = sizeof info};
        if (c2d_iocdb_get(s->ioc, ids[0], &info) == C2D_OK)
            snprintf(h->ioc_example, sizeof h->ioc_example, "%s (%s, %s)", info.value,
                     info.family[0] ? info.family : "unknown family",
                     info.threat_type[0] ? info.threat_type : "unknown threat");
    }
}

static void on_session(void *user, const c2d_session *ss) {
    scan *s = user;
    c2d_session_class cls;
    /* the session rules are about TCP sessions (Fujitsu); UDP is seen through DNS */
    if (ss->proto != 6) return;
    if (c2d_session_classify(ss, &s->rules, &cls) != C2D_OK || cls == C2D_SESSION_NOT_COUNTED) return;
    s->sessions_total++;
    /* evidence belongs to the internal side: the originator unless it is inbound */
    const uint8_t *inside = cls == C2D_SESSION_INBOUND ? ss->resp_h : ss->orig_h;
    host *h = host_get(s, inside);
    if (!h) return;
    h->sessions++;
    switch (cls) {
    case C2D_SESSION_INBOUND: h->inbound++; break;
    case C2D_SESSION_DOWNLOAD: h->downloads++; break;
    case C2D_SESSION_UPLOAD: h->uploads++; break;
    case C2D_SESSION_C2_CANDIDATE: {
        h->c2_candidates++;
        unsigned i = 0;
        for (; i < h->n_dests; i++)
            if (h->dests[i].port == ss->resp_p && memcmp(h->dests[i].addr, ss->resp_h, 16) == 0) break;
        if (i == h->n_dests && h->n_dests < MAX_DESTS) {
            memcpy(h->dests[i].addr, ss->resp_h, 16);
            h->dests[i].port = ss->resp_p;
            h->n_dests++;
        }
        if (i < h->n_dests) h->dests[i].c2_candidates++;
        break;
    }
    default: break;
    }
    if (cls != C2D_SESSION_INBOUND) match_destination(s, h, ss);
    /* requests the internal host sent (not those sent to it from outside) */
    if (s->http && cls != C2D_SESSION_INBOUND && ss->orig_prefix_len > 0) {
        double score;
        if (c2d_http_score(s->http, ss->orig_prefix, ss->orig_prefix_len, &score) == C2D_OK) {
            h->http_requests++;
            if (score > h->http_max) h->http_max = score;
            if (score >= s->http_threshold) h->http_c2++;
        }
    }
    if (s->verbose_sessions) {
        char o[64], r[64];
        addr_text(ss->orig_h, o, sizeof o);
        addr_text(ss->resp_h, r, sizeof r);
        fprintf(stderr, "session %s:%u -> %s:%u %s avg_payload=%.1f in/out=%.2f\n", o, ss->orig_p, r,
                ss->resp_p, c2d_session_class_name(cls), ss->avg_payload_len, ss->in_out_ratio);
    }
}

static void on_dns(void *user, const c2d_dns_event *ev) {
    scan *s = user;
    const c2d_dns_message *m = ev->message;
    if (!m->is_response || m->qname_len == 0) return;
    host *h = host_get(s, ev->client_addr);
    if (!h) return;
    h->dns_queries++;
    if (m->rcode == C2D_DNS_RCODE_NXDOMAIN) h->nxdomain++;
    if (!s->dga) return;
    float score;
    int is_dga = 0;
    if (c2d_dga_ensemble_classify(s->dga, NULL, m->qname, m->qname_len, NAN, &score, &is_dga) ==
            C2D_OK &&
        is_dga) {
        if (h->dga_names < MAX_EXAMPLES)
            snprintf(h->dga_examples[h->dga_names], sizeof h->dga_examples[0], "%.*s",
                     (int)sizeof h->dga_examples[0] - 1, m->qname);
        h->dga_names++;
    }
}

/* Evidence weights (docs/scan.md); combined as 1 - prod(1 - w). */
typedef struct reason {
    const char *name;
    double weight;
} reason;

static double host_score(const host *h, reason *reasons, int *n) {
    *n = 0;
    unsigned beacon = 0;
    for (unsigned i = 0; i < h->n_dests; i++)
        if (h->dests[i].c2_candidates > beacon) beacon = h->dests[i].c2_candidates;
    if (h->ioc_hits) reasons[(*n)++] = (reason){"ioc_match", 0.6};
    if (h->http_c2) reasons[(*n)++] = (reason){"http_c2_headers", 0.5};
    if (h->dga_names >= 3) reasons[(*n)++] = (reason){"dga_names", 0.4};
    else if (h->dga_names) reasons[(*n)++] = (reason){"dga_name", 0.15};
    if (h->nxdomain >= 10) reasons[(*n)++] = (reason){"nxdomain_burst", 0.25};
    if (beacon >= 3) reasons[(*n)++] = (reason){"repeated_c2_candidate_sessions", 0.3};
    else if (h->c2_candidates) reasons[(*n)++] = (reason){"c2_candidate_session", 0.05};
    double keep = 1.0;
    for (int i = 0; i < *n; i++) keep *= 1.0 - reasons[i].weight;
    return 1.0 - keep;
}

static int by_score_desc(const void *a, const void *b) {
    const double x = *(const double *)a, y = *(const double *)b;
    return (x < y) - (x > y);
}

static void print_host(const host *h, double score, const reason *reasons, int n) {
    char a[64];
    addr_text(h->addr, a, sizeof a);
    printf("{\"host\":");
    json_string(stdout, a);
    printf(",\"score\":%.3f,\"reasons\":[", score);
    for (int i = 0; i < n; i++) printf("%s\"%s\"", i ? "," : "", reasons[i].name);
    printf("],\"sessions\":%u,\"c2_candidate_sessions\":%u,\"downloads\":%u,\"uploads\":%u,"
           "\"inbound\":%u,\"http_requests\":%u,\"http_c2\":%u,\"http_max_score\":%.4f,"
           "\"dns_answers\":%u,\"nxdomain\":%u,\"dga_names\":%u,\"dga_examples\":[",
           h->sessions, h->c2_candidates, h->downloads, h->uploads, h->inbound, h->http_requests,
           h->http_c2, h->http_max, h->dns_queries, h->nxdomain, h->dga_names);
    for (unsigned i = 0; i < h->dga_names && i < MAX_EXAMPLES; i++) {
        if (i) printf(",");
        json_string(stdout, h->dga_examples[i]);
    }
    printf("],\"ioc_hits\":%u", h->ioc_hits);
    if (h->ioc_example[0]) {
        printf(",\"ioc_example\":");
        json_string(stdout, h->ioc_example);
    }
    unsigned best = 0;
    for (unsigned i = 1; i < h->n_dests; i++)
        if (h->dests[i].c2_candidates > h->dests[best].c2_candidates) best = i;
    if (h->n_dests) {
        char d[64];
        addr_text(h->dests[best].addr, d, sizeof d);
        printf(",\"top_c2_candidate_destination\":\"%s:%u\"", d, h->dests[best].port);
    }
    printf("}\n");
}

static int usage(void) {
    fprintf(stderr,
            "usage: c2d scan [--feed FILE]... [--local CIDR]... [--all] [--sessions] CAPTURE\n"
            "  hosts as JSON lines, most suspicious first; --all also prints hosts with no evidence\n");
    return 2;
}

int c2d_cmd_scan(int argc, char **argv) {
    const char *path = NULL, *feeds[16], *locals[16];
    int n_feeds = 0, n_locals = 0, all = 0, verbose = 0;
    for (int i = 1; i < argc; i++) {
        if (!strcmp(argv[i], "--feed") && i + 1 < argc && n_feeds < 16) feeds[n_feeds++] = argv[++i];
        else if (!strcmp(argv[i], "--local") && i + 1 < argc && n_locals < 16) locals[n_locals++] = argv[++i];
        else if (!strcmp(argv[i], "--all")) all = 1;
        else if (!strcmp(argv[i], "--sessions")) verbose = 1;
        else if (argv[i][0] == '-' || path) return usage();
        else path = argv[i];
    }
    if (!path) return usage();

    scan s = {0};
    s.verbose_sessions = verbose;
    c2d_session_rules_default(&s.rules);
    s.hosts = calloc(MAX_HOSTS, sizeof *s.hosts);
    if (!s.hosts) return c2d_cli_fail("scan", C2D_ERR_NOMEM);
    c2d_dga_ensemble *dga = NULL;
    c2d_model *http = NULL;
    c2d_iocdb *ioc = NULL;
    c2d_capture *cap = NULL;
    c2d_flowtable *ft = NULL;
    int rc = 1;
    c2d_status st;
    if ((st = c2d_dga_ensemble_builtin(NULL, &dga)) != C2D_OK) { c2d_cli_fail("built-in DGA ensemble", st); goto done; }
    if ((st = c2d_model_builtin("http", NULL, &http)) != C2D_OK) { c2d_cli_fail("built-in http model", st); goto done; }
    if ((st = c2d_http_threshold(http, &s.http_threshold)) != C2D_OK) { c2d_cli_fail("http model threshold", st); goto done; }
    s.dga = dga;
    s.http = http;
    if (n_feeds) {
        if ((st = c2d_iocdb_new(NULL, &ioc)) != C2D_OK) { c2d_cli_fail("ioc store", st); goto done; }
        for (int i = 0; i < n_feeds; i++) {
            c2d_ioc_load_report report = {.size = sizeof report};
            st = c2d_iocdb_load_file(ioc, feeds[i], NULL, &report);
            if (st != C2D_OK) { c2d_cli_fail(feeds[i], st); goto done; }
        }
        if ((st = c2d_iocdb_finalize(ioc)) != C2D_OK) { c2d_cli_fail("ioc store", st); goto done; }
        s.ioc = ioc;
    }
    c2d_flow_settings fs;
    c2d_flow_settings_default(&fs);
    fs.payload_prefix_len = PREFIX_BYTES;
    if ((st = c2d_flowtable_new(&fs, NULL, &ft)) != C2D_OK) { c2d_cli_fail("flow table", st); goto done; }
    for (int i = 0; i < n_locals; i++)
        if ((st = c2d_flowtable_add_local_net(ft, locals[i])) != C2D_OK) { c2d_cli_fail(locals[i], st); goto done; }
    c2d_flowtable_set_session_callback(ft, on_session, &s);
    c2d_flowtable_set_dns_callback(ft, on_dns, &s);
    if ((st = c2d_capture_open_file(path, NULL, &cap)) != C2D_OK) { c2d_cli_fail(path, st); goto done; }
    c2d_frame frame = {.size = sizeof frame};
    uint64_t last_expire = 0;
    while ((st = c2d_capture_next(cap, &frame)) == C2D_OK) {
        (void)c2d_flowtable_add_frame(ft, &frame); /* decode failures are counted in the stats */
        if (frame.ts_ns - last_expire > 1000000000ull) {
            c2d_flowtable_expire(ft, frame.ts_ns);
            last_expire = frame.ts_ns;
        }
    }
    if (st != C2D_CAPTURE_END) { c2d_cli_fail(path, st); goto done; }
    c2d_flowtable_flush(ft);

    /* rank hosts: (score, index) pairs sorted by score */
    double (*order)[2] = calloc(s.n_hosts ? s.n_hosts : 1, sizeof *order);
    if (!order) { c2d_cli_fail("scan", C2D_ERR_NOMEM); goto done; }
    unsigned n = 0;
    reason reasons[8];
    int nr;
    for (unsigned i = 0; i < MAX_HOSTS; i++) {
        if (!s.hosts[i].used) continue;
        order[n][0] = host_score(&s.hosts[i], reasons, &nr);
        order[n][1] = (double)i;
        n++;
    }
    qsort(order, n, sizeof *order, by_score_desc);
    for (unsigned k = 0; k < n; k++) {
        const host *h = &s.hosts[(unsigned)order[k][1]];
        double score = host_score(h, reasons, &nr);
        if (score > 0 || all) print_host(h, score, reasons, nr);
    }
    free(order);
    fflush(stdout); /* hosts before the summary when both go to one place */
    c2d_flow_stats stats = {.size = sizeof stats};
    c2d_flowtable_stats(ft, &stats);
    fprintf(stderr, "c2d scan: %llu frames, %u sessions counted, %llu DNS messages, %u hosts%s\n",
            (unsigned long long)stats.frames, s.sessions_total,
            (unsigned long long)stats.dns_messages, s.n_hosts,
            s.dropped_hosts ? " (host table full: some evidence dropped)" : "");
    rc = 0;
done:
    c2d_capture_free(cap);
    c2d_flowtable_free(ft);
    c2d_iocdb_free(ioc);
    c2d_dga_ensemble_free(dga);
    c2d_model_free(http);
    free(s.hosts);
    return rc;
}
