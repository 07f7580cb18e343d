/* c2d tls FILE [--payload N] [--capacity N]: one JSON line per TCP session
 * whose client began a TLS handshake (ClientHello, ServerHello, certificate). */
#include <stdlib.h>
#include <string.h>

#include "commands.h"

static void json_string(const char *s) {
    putchar('"');
    for (; *s; s++) {
        unsigned char ch = (unsigned char)*s;
        if (ch == '"' || ch == '\\') printf("\\%c", ch);
        else if (ch < 0x20 || ch > 0x7e) printf("\\u%04x", ch);
        else putchar(ch);
    }
    putchar('"');
}

static const char *version_name(uint16_t v) {
    switch (v) {
    case 0x0304: return "TLSv1.3";
    case 0x0303: return "TLSv1.2";
    case 0x0302: return "TLSv1.1";
    case 0x0301: return "TLSv1.0";
    case 0x0300: return "SSLv3";
    default: return "unknown";
    }
}

/* The version the server chose, or the client's best offer without a server. */
static uint16_t session_version(const c2d_tls_info *t) {
    if (t->server.present) return t->server.selected_version ? t->server.selected_version : t->server.version;
    uint16_t v = 0;
    for (uint32_t i = 0; i < t->client.n_versions; i++)
        if (!c2d_tls_is_grease(t->client.versions[i]) && t->client.versions[i] > v) v = t->client.versions[i];
    return v ? v : t->client.version;
}

void c2d_cli_print_tls_fields(const c2d_tls_info *t) {
    char hex[65];
    printf(",\"sni\":");
    json_string(t->client.sni);
    printf(",\"ja3\":\"%s\",\"ja3s\":\"%s\",\"ja4\":\"%s\"", t->ja3_md5, t->ja3s_md5, t->ja4);
    hex[0] = '\0';
    if (t->certs.n_certs) {
        static const char d[] = "0123456789abcdef";
        for (int i = 0; i < 20; i++) {
            hex[2 * i] = d[t->certs.certs[0].sha1[i] >> 4];
            hex[2 * i + 1] = d[t->certs.certs[0].sha1[i] & 15];
        }
        hex[40] = '\0';
    }
    printf(",\"cert_sha1\":\"%s\"", hex);
}

typedef struct tls_ctx {
    c2d_tls_info info;
    uint64_t tcp_sessions, with_prefix, handshakes, not_tls, damaged;
} tls_ctx;

static void hex_digest(const uint8_t *p, int n, char *out) {
    static const char d[] = "0123456789abcdef";
    for (int i = 0; i < n; i++) {
        out[2 * i] = d[p[i] >> 4];
        out[2 * i + 1] = d[p[i] & 15];
    }
    out[2 * n] = '\0';
}

static void on_session(void *user, const c2d_session *s) {
    tls_ctx *ctx = (tls_ctx *)user;
    if (s->proto != 6) return;
    ctx->tcp_sessions++;
    if (!s->orig_prefix_len) return;
    ctx->with_prefix++;
    c2d_tls_info *t = &ctx->info;
    c2d_status st = c2d_tls_parse_session(s, t);
    if (st == C2D_ERR_TLS_NOT_HANDSHAKE || st == C2D_ERR_UNSUPPORTED) {
        ctx->not_tls++;
        return;
    }
    if (st != C2D_OK) ctx->damaged++;
    else ctx->handshakes++;
    char oh[48], rh[48];
    c2d_addr_format(s->orig_h, oh, sizeof oh);
    c2d_addr_format(s->resp_h, rh, sizeof rh);
    const char *lb = s->ip_version == 6 ? "[" : "", *rb = s->ip_version == 6 ? "]" : "";
    printf("{\"type\":\"tls\",\"ts\":%llu.%09llu,\"client\":\"%s%s%s:%u\",\"server\":\"%s%s%s:%u\",",
           (unsigned long long)(s->ts_ns / 1000000000u), (unsigned long long)(s->ts_ns % 1000000000u), lb, oh, rb,
           s->orig_p, lb, rh, rb, s->resp_p);
    printf("\"client_status\":\"%s\",\"server_status\":\"%s\",\"version\":\"%s\"",
           c2d_status_name(t->client_status), c2d_status_name(t->server_status),
           t->client.present ? version_name(session_version(t)) : "");
    printf(",\"sni\":");
    json_string(t->client.sni);
    printf(",\"alpn\":");
    json_string(t->client.n_alpn ? t->client.alpn[0] : "");
    printf(",\"ja3\":\"%s\",\"ja3_md5\":\"%s\",\"ja3s\":\"%s\",\"ja3s_md5\":\"%s\",\"ja4\":\"%s\"", t->ja3,
           t->ja3_md5, t->ja3s, t->ja3s_md5, t->ja4);
    char sha1[41] = "", sha256[65] = "";
    if (t->certs.n_certs) {
        hex_digest(t->certs.certs[0].sha1, 20, sha1);
        hex_digest(t->certs.certs[0].sha256, 32, sha256);
    }
    printf(",\"certs\":%u,\"cert_sha1\":\"%s\",\"cert_sha256\":\"%s\",\"subject_cn\":", t->certs.n_certs, sha1,
           sha256);
    json_string(t->certs.subject_cn);
    printf(",\"issuer_cn\":");
    json_string(t->certs.issuer_cn);
    printf(",\"self_signed\":%s}\n", t->certs.n_certs && t->certs.self_signed ? "true" : "false");
}

static int usage(FILE *to) {
    fprintf(to, "usage: c2d tls FILE.pcap[ng] [--payload N] [--capacity N]\n"
                "  one JSON line per TCP session that starts a TLS handshake;\n"
                "  --payload: bytes kept of each direction's start (default 16384, max 65536)\n"
                "  --capacity: sessions held at once (default 8192)\n");
    return to == stdout ? 0 : 2;
}

int c2d_cmd_tls(int argc, char **argv) {
    const char *path = NULL;
    c2d_flow_settings set;
    c2d_flow_settings_default(&set);
    set.payload_prefix_len = 16384;
    set.capacity = 8192;
    for (int i = 1; i < argc; i++) {
        if (!strcmp(argv[i], "--help") || !strcmp(argv[i], "-h")) return usage(stdout);
        if (!strcmp(argv[i], "--payload") && i + 1 < argc) set.payload_prefix_len = (uint32_t)strtoul(argv[++i], NULL, 10);
        else if (!strcmp(argv[i], "--capacity") && i + 1 < argc) set.capacity = (uint32_t)strtoul(argv[++i], NULL, 10);
        else if ((argv[i][0] != '-' || !strcmp(argv[i], "-")) && !path) path = argv[i];
        else return usage(stderr);
    }
    if (!path) return usage(stderr);
    tls_ctx *ctx = calloc(1, sizeof *ctx);
    if (!ctx) return c2d_cli_fail("memory", C2D_ERR_NOMEM);
    ctx->info.size = sizeof ctx->info;
    c2d_capture *cap = NULL;
    c2d_cli_input keep = {0};
    if (c2d_cli_open_capture(path, &cap, &keep)) { /* "-" and gzip too */
        free(ctx);
        return 1;
    }
    c2d_status st;
    c2d_flowtable *ft = NULL;
    st = c2d_flowtable_new(&set, NULL, &ft);
    if (st != C2D_OK) {
        c2d_capture_free(cap);
        c2d_cli_input_free(&keep);
        free(ctx);
        return c2d_cli_fail("flow table", st);
    }
    c2d_flowtable_set_session_callback(ft, on_session, ctx);
    c2d_frame fr = {.size = sizeof fr};
    uint64_t next_expire = 0;
    while ((st = c2d_capture_next(cap, &fr)) == C2D_OK) {
        c2d_flowtable_add_frame(ft, &fr);
        if (fr.ts_ns >= next_expire) {
            c2d_flowtable_expire(ft, fr.ts_ns);
            next_expire = fr.ts_ns + 1000000000u;
        }
    }
    c2d_flowtable_flush(ft);
    int rc = 0;
    if (st != C2D_CAPTURE_END) {
        fprintf(stderr, "c2d: warning: %s: input damaged at byte offset %llu: %s (%s)\n", path,
                (unsigned long long)c2d_capture_offset(cap), c2d_strerror(st), c2d_status_name(st));
        rc = 3;
    }
    fprintf(stderr,
            "c2d: %llu TCP sessions, %llu with client payload: %llu TLS handshakes, %llu damaged or cut "
            "handshakes, %llu not TLS\n",
            (unsigned long long)ctx->tcp_sessions, (unsigned long long)ctx->with_prefix,
            (unsigned long long)ctx->handshakes, (unsigned long long)ctx->damaged,
            (unsigned long long)ctx->not_tls);
    c2d_flowtable_free(ft);
    c2d_capture_free(cap);
    c2d_cli_input_free(&keep);
    free(ctx);
    return rc;
}
