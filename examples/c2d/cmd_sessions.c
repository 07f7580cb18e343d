/* c2d sessions FILE [--dns] [--local CIDR]... [--capacity N] [--payload N] [--c2-max-avg B]
 * One JSON line per ended session (and per DNS answer with --dns). A TCP session
 * that starts with a TLS ClientHello also gets sni, ja3, ja3s, ja4 (JA3/JA3S as
 * MD5) and cert_sha1 (leaf), or tls_status when it began TLS but could not be
 * read (e.g. cut by the prefix); --payload (default 4096, 0 = off) is how many
 * bytes of each direction's start are kept for that. A summary line with every
 * cap's cost ends the output. Exit 0, 1 runtime error, 2 usage, 3 the
 * capture is damaged (what was read is printed; stderr names file, offset and
 * status). */
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "commands.h"

typedef struct sessions_ctx {
    c2d_session_rules rules;
    int dns;
    uint64_t printed;
    c2d_tls_info tls; /* TLS fields of sessions that start with a ClientHello */
} sessions_ctx;

static void flags_text(uint8_t f, char out[8]) {
    static const char letters[] = "FSRPAU";
    int n = 0;
    for (int i = 0; i < 6; i++)
        if (f & (1u << i)) out[n++] = letters[i];
    out[n] = 0;
}

static void print_json_string(const char *s) {
    putchar('"');
    for (; *s; s++) {
        unsigned char ch = (unsigned char)*s;
        if (ch == '"' || ch == '\\') printf("\\%c", ch);
        else if (ch < 0x20 || ch > 0x7e) printf("\\u%04x", ch);
        else putchar(ch);
    }
    putchar('"');
}

static void on_session(void *user, const c2d_session *s) {
    sessions_ctx *ctx = (sessions_ctx *)user;
    char oh[48], rh[48], of[8], rf[8];
    c2d_addr_format(s->orig_h, oh, sizeof oh);
    c2d_addr_format(s->resp_h, rh, sizeof rh);
    flags_text(s->orig_tcp_flags, of);
    flags_text(s->resp_tcp_flags, rf);
    c2d_session_class cls;
    c2d_session_classify(s, &ctx->rules, &cls);
    printf("{\"type\":\"session\",\"ts\":%llu.%09llu,\"proto\":\"%s\",\"orig_h\":\"%s\",\"orig_p\":%u,"
           "\"resp_h\":\"%s\",\"resp_p\":%u,\"duration\":%.6f,"
           "\"orig_pkts\":%llu,\"orig_bytes\":%llu,\"orig_ip_bytes\":%llu,\"orig_data_pkts\":%llu,"
           "\"resp_pkts\":%llu,\"resp_bytes\":%llu,\"resp_ip_bytes\":%llu,\"resp_data_pkts\":%llu,"
           "\"orig_min_payload\":%u,\"orig_max_payload\":%u,\"orig_mean_payload\":%.3f,"
           "\"resp_min_payload\":%u,\"resp_max_payload\":%u,\"resp_mean_payload\":%.3f,"
           "\"orig_flags\":\"%s\",\"resp_flags\":\"%s\",\"conn_state\":\"%s\",\"end_reason\":\"%s\","
           "\"local_orig\":%s,\"local_resp\":%s,\"counted\":%s,\"avg_payload_len\":%.3f,"
           "\"in_out_ratio\":%.6g,\"class\":\"%s\"",
           (unsigned long long)(s->ts_ns / 1000000000u), (unsigned long long)(s->ts_ns % 1000000000u),
           s->proto == 6 ? "tcp" : "udp", oh, s->orig_p, rh, s->resp_p, s->duration,
           (unsigned long long)s->orig_pkts, (unsigned long long)s->orig_bytes,
           (unsigned long long)s->orig_ip_bytes, (unsigned long long)s->orig_data_pkts,
           (unsigned long long)s->resp_pkts, (unsigned long long)s->resp_bytes,
           (unsigned long long)s->resp_ip_bytes, (unsigned long long)s->resp_data_pkts,
           s->orig_min_payload, s->orig_max_payload, s->orig_mean_payload, s->resp_min_payload,
           s->resp_max_payload, s->resp_mean_payload, of, rf, c2d_conn_state_name(s->conn_state),
           c2d_end_reason_name(s->end_reason), s->local_orig ? "true" : "false",
           s->local_resp ? "true" : "false", s->counted ? "true" : "false", s->avg_payload_len,
           s->in_out_ratio, c2d_session_class_name(cls));
    if (s->proto == 6 && s->orig_prefix_len) {
        c2d_status tst = c2d_tls_parse_session(s, &ctx->tls);
        if (tst == C2D_OK) c2d_cli_print_tls_fields(&ctx->tls);
        else if (tst != C2D_ERR_TLS_NOT_HANDSHAKE && tst != C2D_ERR_UNSUPPORTED)
            printf(",\"tls_status\":\"%s\"", c2d_status_name(tst)); /* began TLS, could not be read */
    }
    printf("}\n");
    ctx->printed++;
}

static void on_dns(void *user, const c2d_dns_event *ev) {
    sessions_ctx *ctx = (sessions_ctx *)user;
    const c2d_dns_message *m = ev->message;
    if (!ctx->dns || !m->is_response) return;
    char ch[48], sh[48];
    c2d_addr_format(ev->client_addr, ch, sizeof ch);
    c2d_addr_format(ev->server_addr, sh, sizeof sh);
    printf("{\"type\":\"dns\",\"ts\":%llu.%09llu,\"client\":\"%s\",\"client_port\":%u,\"server\":\"%s\","
           "\"transport\":\"%s\",\"id\":%u,\"qname\":",
           (unsigned long long)(ev->ts_ns / 1000000000u), (unsigned long long)(ev->ts_ns % 1000000000u), ch,
           ev->client_port, sh, ev->transport == 6 ? "tcp" : "udp", m->id);
    print_json_string(m->qname);
    printf(",\"qtype\":%u,\"rcode\":%u,\"nxdomain\":%s,\"answers\":[", m->qtype, m->rcode,
           m->rcode == C2D_DNS_RCODE_NXDOMAIN ? "true" : "false");
    for (uint32_t i = 0; i < m->n_addrs; i++) {
        char a[48];
        c2d_addr_format(m->addrs[i].addr, a, sizeof a);
        printf("%s\"%s\"", i ? "," : "", a);
    }
    printf("]}\n");
}

int c2d_cmd_sessions(int argc, char **argv) {
    const char *path = NULL;
    sessions_ctx ctx;
    memset(&ctx, 0, sizeof ctx);
    c2d_session_rules_default(&ctx.rules);
    ctx.tls.size = sizeof ctx.tls;
    c2d_flow_settings set;
    c2d_flow_settings_default(&set);
    set.payload_prefix_len = 4096; /* enough for a ClientHello and most servers' leaf certificate */
    const char *nets[64];
    int n_nets = 0;
    int help = 0, bad = 0;
    for (int i = 1; i < argc; i++) {
        if (!strcmp(argv[i], "--help") || !strcmp(argv[i], "-h")) help = 1;
        else if (!strcmp(argv[i], "--dns")) ctx.dns = 1;
        else if (!strcmp(argv[i], "--memory-budget") && i + 1 < argc) set.memory_budget = strtoull(argv[++i], NULL, 10);
        else if (!strcmp(argv[i], "--at-cap") && i + 1 < argc) {
            const char *v = argv[++i];
            if (!strcmp(v, "evict")) set.at_cap = C2D_FLOW_CAP_EVICT_IDLE;
            else if (!strcmp(v, "drop")) set.at_cap = C2D_FLOW_CAP_DROP_NEW;
            else bad = 1;
        }
        else if (!strcmp(argv[i], "--local") && i + 1 < argc && n_nets < 64) nets[n_nets++] = argv[++i];
        else if (!strcmp(argv[i], "--capacity") && i + 1 < argc) set.capacity = (uint32_t)strtoul(argv[++i], NULL, 10);
        else if (!strcmp(argv[i], "--payload") && i + 1 < argc) set.payload_prefix_len = (uint32_t)strtoul(argv[++i], NULL, 10);
        else if (!strcmp(argv[i], "--c2-max-avg") && i + 1 < argc) ctx.rules.c2_max_avg_payload = strtod(argv[++i], NULL);
        else if ((argv[i][0] != '-' || !strcmp(argv[i], "-")) && !path) path = argv[i];
        else bad = 1, i = argc;
    }
    if (help || !path || bad) return c2d_cli_usage("sessions"); /* main.c answers --help itself */
    c2d_flowtable *ft = NULL;
    c2d_status st = c2d_flowtable_new(&set, NULL, &ft);
    if (st != C2D_OK) return c2d_cli_fail("flow table", st);
    for (int i = 0; i < n_nets; i++) {
        st = c2d_flowtable_add_local_net(ft, nets[i]);
        if (st != C2D_OK) {
            c2d_flowtable_free(ft);
            return c2d_cli_fail(nets[i], st);
        }
    }
    c2d_capture *cap = NULL;
    c2d_cli_input keep;
    if (c2d_cli_open_capture(path, &cap, &keep)) {
        c2d_flowtable_free(ft);
        return C2D_EXIT_ERROR;
    }
    c2d_flowtable_set_session_callback(ft, on_session, &ctx);
    c2d_flowtable_set_dns_callback(ft, on_dns, &ctx);
    long file_size = keep.data ? (long)keep.len : -1;
    FILE *f = keep.data ? NULL : fopen(path, "rb");
    if (f) {
        if (fseek(f, 0, SEEK_END) == 0) file_size = ftell(f);
        fclose(f);
    }
    const int progress = isatty(2) && file_size > (64L << 20);
    c2d_frame fr = {.size = sizeof fr};
    uint64_t next_expire = 0, frames = 0;
    while ((st = c2d_capture_next(cap, &fr)) == C2D_OK) {
        c2d_flowtable_add_frame(ft, &fr);
        /* expire once per second of capture time */
        if (fr.ts_ns >= next_expire) {
            c2d_flowtable_expire(ft, fr.ts_ns);
            next_expire = fr.ts_ns + 1000000000u;
        }
        if (progress && (++frames & 0xfffff) == 0)
            fprintf(stderr, "\rc2d: %3.0f%%", 100.0 * (double)c2d_capture_offset(cap) / (double)file_size);
    }
    if (progress) fprintf(stderr, "\r        \r");
    /* a damaged capture still gives the sessions of what was read */
    c2d_flowtable_flush(ft);
    /* sessions read before the damage were printed: warn with the offset, exit 3 */
    int rc = C2D_EXIT_OK;
    if (st != C2D_CAPTURE_END)
        rc = c2d_cli_damaged(keep.data ? keep.name : path,
                             (unsigned long long)c2d_capture_offset(cap), st);
    c2d_flow_stats fs = {.size = sizeof fs};
    c2d_flowtable_stats(ft, &fs);
    printf("{\"type\":\"summary\",\"frames\":%llu,\"packets\":%llu,\"sessions\":%llu,"
           "\"evicted\":%llu,\"evicted_capacity\":%llu,\"evicted_memory\":%llu,"
           "\"dropped_packets\":%llu,\"prefix_dropped\":%llu,\"memory_peak\":%llu,"
           "\"input_status\":\"%s\",\"input_offset\":%llu}\n",
           (unsigned long long)fs.frames, (unsigned long long)fs.packets,
           (unsigned long long)fs.sessions_ended, (unsigned long long)fs.sessions_evicted,
           (unsigned long long)fs.evicted_capacity, (unsigned long long)fs.evicted_memory,
           (unsigned long long)fs.dropped_packets, (unsigned long long)fs.prefix_dropped,
           (unsigned long long)fs.memory_peak,
           st == C2D_CAPTURE_END ? "C2D_OK" : c2d_status_name(st),
           (unsigned long long)c2d_capture_offset(cap));
    fflush(stdout);
    fprintf(stderr,
            "c2d: %llu frames, %llu packets in sessions, %llu sessions, %llu truncated, %llu malformed, "
            "%llu unsupported, %llu fragments, %llu other IP, %llu DNS messages (%llu bad)\n",
            (unsigned long long)fs.frames, (unsigned long long)fs.packets, (unsigned long long)fs.sessions_ended,
            (unsigned long long)fs.truncated, (unsigned long long)fs.malformed,
            (unsigned long long)fs.unsupported, (unsigned long long)fs.fragments,
            (unsigned long long)fs.not_tcp_udp, (unsigned long long)fs.dns_messages,
            (unsigned long long)fs.dns_errors);
    fprintf(stderr,
            "c2d: caps: %llu sessions evicted (%llu at capacity %u, %llu for memory), %llu packets "
            "dropped (table full), %llu payload prefixes dropped; memory peak %llu bytes\n",
            (unsigned long long)fs.sessions_evicted, (unsigned long long)fs.evicted_capacity,
            fs.capacity, (unsigned long long)fs.evicted_memory, (unsigned long long)fs.dropped_packets,
            (unsigned long long)fs.prefix_dropped, (unsigned long long)fs.memory_peak);
    if (st == C2D_ERR_IO) {
        rc = c2d_cli_fail(path, st);
    } else if (st != C2D_CAPTURE_END) {
        fprintf(stderr, "c2d: warning: the results above cover the %llu frames before byte %llu\n",
                (unsigned long long)fs.frames, (unsigned long long)c2d_capture_offset(cap));
        rc = C2D_EXIT_DAMAGED;
    }
    c2d_flowtable_free(ft);
    c2d_capture_free(cap);
    c2d_cli_input_free(&keep);
    return rc;
}
