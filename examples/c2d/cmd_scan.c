/* c2d scan: the host engine (c2d_hosts) over a capture or a directory of Zeek
 * logs. Prints one JSON line per host, most suspicious first (docs/scan.md
 * gives the keys), and a summary of what was read and what every cap dropped
 * on stderr. */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "commands.h"
#include "scan_input.h"

enum { MAX_OPTS = 64, PREFIX_BYTES = 4096 };

/* ------------------------------------------------------------ JSON out */
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

/* UTC civil date of a day count since 1970-01-01 (Howard Hinnant's days_from_civil
 * inverse, written out), so no time_t/gmtime_r is needed. */
static void civil_from_days(int64_t z, int64_t *y, unsigned *m, unsigned *d) {
    z += 719468;
    int64_t era = (z >= 0 ? z : z - 146096) / 146097;
    unsigned doe = (unsigned)(z - era * 146097);
    unsigned yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
    unsigned doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    unsigned mp = (5 * doy + 2) / 153;
    *d = doy - (153 * mp + 2) / 5 + 1;
    *m = mp < 10 ? mp + 3 : mp - 9;
    *y = (int64_t)yoe + era * 400 + (*m <= 2);
}

static void json_time(FILE *out, uint64_t ns) {
    uint64_t sec = ns / 1000000000ull;
    int64_t y;
    unsigned m, d, sod = (unsigned)(sec % 86400);
    civil_from_days((int64_t)(sec / 86400), &y, &m, &d);
    fprintf(out, "\"%04lld-%02u-%02uT%02u:%02u:%02u.%03uZ\"", (long long)y, m, d, sod / 3600, sod / 60 % 60,
            sod % 60, (unsigned)(ns / 1000000ull % 1000u));
}

static void json_dst(FILE *out, const uint8_t addr[16], uint16_t port) {
    char a[64];
    if (c2d_addr_format(addr, a, sizeof a) != C2D_OK) snprintf(a, sizeof a, "?");
    char buf[80];
    if (strchr(a, ':')) snprintf(buf, sizeof buf, "[%s]:%u", a, port);
    else snprintf(buf, sizeof buf, "%s:%u", a, port);
    json_string(out, buf);
}

static const char *verdict_name(c2d_verdict v) {
    return v == C2D_VERDICT_ALERT ? "alert" : v == C2D_VERDICT_SUSPICIOUS ? "suspicious" : "ok";
}

static void print_evidence(FILE *out, const c2d_evidence *e) {
    fprintf(out, "{\"kind\":\"%s\",\"weight\":%.3f,\"score\":%.3f", c2d_evidence_kind_name(e->kind), e->weight,
            e->score);
    if (e->has_dst) {
        fprintf(out, ",\"dst\":");
        json_dst(out, e->dst_addr, e->dst_port);
    } else if (e->dst_port) {
        fprintf(out, ",\"port\":%u", e->dst_port);
    }
    if (e->name[0]) {
        fprintf(out, ",\"name\":");
        json_string(out, e->name);
    }
    switch (e->kind) {
    case C2D_EVIDENCE_BEACON:
        fprintf(out,
                ",\"count\":%llu,\"attempts\":%llu,\"no_payload\":%llu,\"interval_s\":%.3f,"
                "\"interval_mad_s\":%.3f,\"parts\":{\"skew\":%.3f,\"dispersion\":%.3f,\"size\":%.3f,"
                "\"coverage\":%.3f}",
                (unsigned long long)e->count, (unsigned long long)e->distinct,
                (unsigned long long)e->attempts_no_payload, e->interval_s, e->interval_mad_s, e->skew_score,
                e->dispersion_score, e->size_score, e->coverage_score);
        break;
    case C2D_EVIDENCE_IOC:
        fprintf(out, ",\"via\":\"%s\",\"indicator\":", e->via);
        json_string(out, e->indicator);
        fprintf(out, ",\"family\":");
        json_string(out, e->family);
        fprintf(out, ",\"source\":");
        json_string(out, e->source);
        fprintf(out, ",\"count\":%llu", (unsigned long long)e->count);
        break;
    case C2D_EVIDENCE_DGA_NAMES:
        fprintf(out, ",\"names\":%llu,\"nxdomain\":%llu", (unsigned long long)e->distinct,
                (unsigned long long)e->count);
        break;
    case C2D_EVIDENCE_NXDOMAIN_BURST:
        fprintf(out, ",\"names\":%llu,\"nxdomain_total\":%llu", (unsigned long long)e->distinct,
                (unsigned long long)e->count);
        break;
    case C2D_EVIDENCE_FANOUT:
        fprintf(out, ",\"destinations\":%llu,\"attempts\":%llu", (unsigned long long)e->distinct,
                (unsigned long long)e->count);
        break;
    case C2D_EVIDENCE_RARE_COUNTRY:
        fprintf(out, ",\"country\":");
        json_string(out, e->examples);
        fprintf(out, ",\"sessions\":%llu,\"hosts_with_country\":%llu", (unsigned long long)e->count,
                (unsigned long long)e->distinct);
        break;
    default:
        fprintf(out, ",\"count\":%llu", (unsigned long long)e->count);
        break;
    }
    if (e->examples[0] && e->kind != C2D_EVIDENCE_RARE_COUNTRY) {
        fprintf(out, e->kind == C2D_EVIDENCE_HTTP_C2 ? ",\"url\":" : ",\"examples\":");
        json_string(out, e->examples);
    }
    if (e->first_ns) {
        fprintf(out, ",\"first\":");
        json_time(out, e->first_ns);
        fprintf(out, ",\"last\":");
        json_time(out, e->last_ns);
    }
    fputc('}', out);
}

static void print_host(FILE *out, const c2d_hosts *h, size_t i, int strengths) {
    c2d_host_report r = {.size = sizeof r};
    if (c2d_hosts_host(h, i, &r) != C2D_OK) return;
    char a[64];
    if (c2d_addr_format(r.addr, a, sizeof a) != C2D_OK) snprintf(a, sizeof a, "?");
    fprintf(out, "{\"host\":");
    json_string(out, a);
    fprintf(out, ",\"score\":%.3f,\"verdict\":\"%s\",\"first\":", r.score, verdict_name(r.verdict));
    json_time(out, r.first_ns);
    fprintf(out, ",\"last\":");
    json_time(out, r.last_ns);
    fprintf(out, ",\"sessions\":%llu,\"dns_responses\":%llu,\"http_requests\":%llu,\"evidence\":[",
            (unsigned long long)r.sessions, (unsigned long long)r.dns_responses,
            (unsigned long long)r.http_requests);
    for (uint32_t k = 0; k < r.n_evidence; k++) {
        c2d_evidence e = {.size = sizeof e};
        if (c2d_hosts_evidence(h, i, k, &e) != C2D_OK) continue;
        if (k) fputc(',', out);
        print_evidence(out, &e);
    }
    fputc(']', out);
    if (r.pairs_evicted) fprintf(out, ",\"pairs_evicted\":%llu", (unsigned long long)r.pairs_evicted);
    if (strengths) {
        double x[C2D_EVIDENCE_KIND_COUNT_];
        if (c2d_hosts_strengths(h, i, x, C2D_EVIDENCE_KIND_COUNT_) == C2D_OK) {
            fprintf(out, ",\"x\":{");
            for (int k = 1; k < C2D_EVIDENCE_KIND_COUNT_; k++)
                fprintf(out, "%s\"%s\":%.4f", k > 1 ? "," : "", c2d_evidence_kind_name((c2d_evidence_kind)k), x[k]);
            fputc('}', out);
        }
    }
    fputs("}\n", out);
}

/* ------------------------------------------------------------- options */
static int load_allow_file(c2d_hosts *h, const char *path) {
    FILE *f = strcmp(path, "-") ? fopen(path, "r") : stdin;
    if (!f) {
        fprintf(stderr, "c2d scan: cannot read allow-list %s\n", path);
        return 1;
    }
    char line[512];
    unsigned long n = 0;
    int rc = 0;
    while (fgets(line, sizeof line, f)) {
        n++;
        char *p = line;
        while (*p == ' ' || *p == '\t') p++;
        char *e = p + strlen(p);
        while (e > p && (e[-1] == '\n' || e[-1] == '\r' || e[-1] == ' ' || e[-1] == '\t')) *--e = 0;
        if (!*p || *p == '#') continue;
        c2d_status st = c2d_hosts_allow(h, p);
        if (st != C2D_OK) {
            fprintf(stderr, "c2d scan: %s:%lu: '%s': %s\n", path, n, p, c2d_strerror(st));
            rc = 1;
            break;
        }
    }
    if (f != stdin) fclose(f);
    return rc;
}

int c2d_cmd_scan(int argc, char **argv) {
    const char *path = NULL, *zeek = NULL, *geo_path = NULL;
    const char *feeds[MAX_OPTS], *locals[MAX_OPTS], *allows[MAX_OPTS], *allow_files[MAX_OPTS];
    int n_feeds = 0, n_locals = 0, n_allows = 0, n_allow_files = 0, all = 0, strengths = 0;
    for (int i = 1; i < argc; i++) {
        const char *a = argv[i];
        int more = i + 1 < argc;
        if (!strcmp(a, "--feed") && more && n_feeds < MAX_OPTS) feeds[n_feeds++] = argv[++i];
        else if (!strcmp(a, "--local") && more && n_locals < MAX_OPTS) locals[n_locals++] = argv[++i];
        else if (!strcmp(a, "--allow") && more && n_allows < MAX_OPTS) allows[n_allows++] = argv[++i];
        else if (!strcmp(a, "--allow-file") && more && n_allow_files < MAX_OPTS) allow_files[n_allow_files++] = argv[++i];
        else if (!strcmp(a, "--geo") && more && !geo_path) geo_path = argv[++i];
        else if (!strcmp(a, "--zeek") && more && !zeek) zeek = argv[++i];
        else if (!strcmp(a, "--all")) all = 1;
        else if (!strcmp(a, "--strengths")) strengths = 1;
        else if ((a[0] == '-' && a[1]) || path) return c2d_cli_usage("scan");
        else path = a;
    }
    if (!path == !zeek) return c2d_cli_usage("scan");

    c2d_iocdb *ioc = NULL;
    c2d_geodb *geo = NULL;
    c2d_cli_input geo_bytes = {0};
    c2d_hosts *h = NULL;
    int rc = 1;
    c2d_status st;
    if (n_feeds) {
        if ((st = c2d_iocdb_new(NULL, &ioc)) != C2D_OK) { c2d_cli_fail("ioc store", st); goto done; }
        for (int i = 0; i < n_feeds; i++)
            if (c2d_scan_load_feed(ioc, feeds[i]) != 0) goto done;
        if ((st = c2d_iocdb_finalize(ioc)) != C2D_OK) { c2d_cli_fail("ioc store", st); goto done; }
    }
    if (geo_path && c2d_cli_open_geo(geo_path, &geo, &geo_bytes)) goto done;
    c2d_hosts_config cfg;
    c2d_hosts_config_default(&cfg);
    cfg.ioc = ioc;
    cfg.geo = geo;
    if ((st = c2d_hosts_new(&cfg, NULL, &h)) != C2D_OK) { c2d_cli_fail("host engine", st); goto done; }
    for (int i = 0; i < n_locals; i++)
        if ((st = c2d_hosts_add_local_net(h, locals[i])) != C2D_OK) { c2d_cli_fail(locals[i], st); goto done; }
    for (int i = 0; i < n_allows; i++)
        if ((st = c2d_hosts_allow(h, allows[i])) != C2D_OK) { c2d_cli_fail(allows[i], st); goto done; }
    for (int i = 0; i < n_allow_files; i++)
        if (load_allow_file(h, allow_files[i])) goto done;

    c2d_scan_input in = {.hosts = h, .locals = locals, .n_locals = n_locals, .prefix_bytes = PREFIX_BYTES};
    int read_rc = zeek ? c2d_scan_read_zeek(&in, zeek) : c2d_scan_read_capture(&in, path);
    if (read_rc == 1) goto done;

    size_t n = 0;
    if ((st = c2d_hosts_rank(h, all, &n)) != C2D_OK) { c2d_cli_fail("ranking hosts", st); goto done; }
    for (size_t i = 0; i < n; i++) print_host(stdout, h, i, strengths);
    fflush(stdout); /* hosts before the summary when both go to one place */

    c2d_hosts_stats hs = {.size = sizeof hs};
    c2d_hosts_stats_get(h, &hs);
    fprintf(stderr, "c2d scan: %s; %llu sessions, %llu DNS responses, %llu HTTP requests into the engine; "
                    "%zu hosts reported of %llu tracked\n",
            in.summary, (unsigned long long)hs.sessions, (unsigned long long)hs.dns_events,
            (unsigned long long)hs.http_events, n, (unsigned long long)hs.hosts_tracked);
    if (hs.hosts_evicted || hs.pairs_evicted_cap || hs.pairs_evicted_budget || hs.pairs_refused ||
        hs.names_dropped || hs.ioc_hits_dropped || hs.hosts_aged_out || hs.pairs_aged_out)
        fprintf(stderr,
                "c2d scan: caps: %llu hosts evicted (max %u hosts), %llu destination pairs evicted at the "
                "per-host cap (%u), %llu at the memory budget (%zu bytes), %llu attempts not recorded, "
                "%llu names not kept, %llu indicator hits not kept, %llu hosts and %llu pairs aged out of the window\n",
                (unsigned long long)hs.hosts_evicted, cfg.max_hosts, (unsigned long long)hs.pairs_evicted_cap,
                cfg.max_pairs_per_host, (unsigned long long)hs.pairs_evicted_budget, cfg.memory_budget,
                (unsigned long long)hs.pairs_refused, (unsigned long long)hs.names_dropped,
                (unsigned long long)hs.ioc_hits_dropped, (unsigned long long)hs.hosts_aged_out,
                (unsigned long long)hs.pairs_aged_out);
    if (hs.allowed_evidence)
        fprintf(stderr, "c2d scan: %llu evidence items left out by the allow-list\n",
                (unsigned long long)hs.allowed_evidence);
    if (hs.http_not_request)
        fprintf(stderr, "c2d scan: %llu first payloads were not HTTP requests (no HTTP evidence from them)\n",
                (unsigned long long)hs.http_not_request);
    rc = read_rc; /* 0, or 3 when the input was damaged */
done:
    c2d_hosts_free(h);
    c2d_geodb_free(geo);
    c2d_cli_input_free(&geo_bytes);
    c2d_iocdb_free(ioc);
    return rc;
}
