/* Tests of the Zeek log reader (lib/zeek): TSV header directives, JSON lines,
 * column matching by name, exact rejects by line number and status, chunking
 * at every byte, bounded lines, and (with --shared-data) every Zeek log of the
 * shared data with exact record counts. */
#define _POSIX_C_SOURCE 200809L
#include <dirent.h>
#include <math.h>
#include <stdbool.h>
#include <sys/stat.h>
#include <unistd.h>

#include "helpers.h"

/* ------------------------------------------------------------ recorder */
/* Callbacks write one text line per event into a buffer, so two runs can be
 * compared as strings and single fields checked from the kept copies. */
typedef struct rec {
    char text[1 << 16];
    size_t len;
    int n_sessions, n_dns, n_http, n_rejects;
    c2d_session sessions[8];
    c2d_dns_message dns[8];
    c2d_dns_event dns_ev[8];
    char http_host[8][64], http_uri[8][64];
    int http_host_null[8], http_uri_null[8];
    size_t http_host_len[8], http_uri_len[8];
    c2d_http_event http[8];
    uint64_t reject_line[32];
    c2d_status reject_why[32];
} rec;

static void add(rec *r, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
static void add(rec *r, const char *fmt, ...) {
    va_list ap;
    va_start(ap, fmt);
    int n = vsnprintf(r->text + r->len, sizeof r->text - r->len, fmt, ap);
    va_end(ap);
    if (n > 0) r->len += (size_t)n < sizeof r->text - r->len ? (size_t)n : sizeof r->text - r->len - 1;
}

static void addr_text(const uint8_t a[16], char *buf) { c2d_addr_format(a, buf, 64); }

static void on_session(void *u, const c2d_session *s) {
    rec *r = (rec *)u;
    char o[64], p[64];
    addr_text(s->orig_h, o);
    addr_text(s->resp_h, p);
    add(r, "S %llu %s %u %s %u %u %llu %llu %llu %llu %llu %d %u %u %llu %llu %d %d %.6f %.6f\n",
        (unsigned long long)s->ts_ns, o, s->orig_p, p, s->resp_p, s->proto, (unsigned long long)s->last_ns,
        (unsigned long long)s->orig_bytes, (unsigned long long)s->resp_bytes,
        (unsigned long long)s->orig_pkts, (unsigned long long)s->resp_pkts, (int)s->conn_state,
        s->orig_tcp_flags, s->resp_tcp_flags, (unsigned long long)s->orig_data_pkts,
        (unsigned long long)s->resp_data_pkts, s->local_orig, s->local_resp, s->avg_payload_len, s->in_out_ratio);
    if (r->n_sessions < 8) r->sessions[r->n_sessions] = *s;
    r->n_sessions++;
}

static void on_dns(void *u, const c2d_dns_event *ev) {
    rec *r = (rec *)u;
    char c[64], s[64];
    addr_text(ev->client_addr, c);
    addr_text(ev->server_addr, s);
    const c2d_dns_message *m = ev->message;
    add(r, "D %llu %s %u %s %s %u %u %u %u %u %u", (unsigned long long)ev->ts_ns, c, ev->client_port, s,
        m->qname, m->qtype, m->rcode, m->is_response, m->flags, m->ancount, m->n_addrs);
    for (uint32_t i = 0; i < m->n_addrs; i++) {
        addr_text(m->addrs[i].addr, c);
        add(r, " %s/%u", c, m->addrs[i].ttl);
    }
    add(r, "\n");
    if (r->n_dns < 8) {
        r->dns[r->n_dns] = *m;
        r->dns_ev[r->n_dns] = *ev;
    }
    r->n_dns++;
}

static void on_http(void *u, const c2d_http_event *ev) {
    rec *r = (rec *)u;
    char c[64], s[64];
    addr_text(ev->client_addr, c);
    addr_text(ev->server_addr, s);
    add(r, "H %llu %s %s %u %.*s %.*s\n", (unsigned long long)ev->ts_ns, c, s, ev->server_port,
        ev->host ? (int)ev->host_len : 1, ev->host ? ev->host : "-", ev->uri ? (int)ev->uri_len : 1,
        ev->uri ? ev->uri : "-");
    int i = r->n_http;
    if (i < 8) {
        r->http[i] = *ev;
        r->http_host_null[i] = ev->host == NULL;
        r->http_uri_null[i] = ev->uri == NULL;
        r->http_host_len[i] = ev->host_len;
        r->http_uri_len[i] = ev->uri_len;
        if (ev->host && ev->host_len < 64) memcpy(r->http_host[i], ev->host, ev->host_len);
        if (ev->uri && ev->uri_len < 64) memcpy(r->http_uri[i], ev->uri, ev->uri_len);
    }
    r->n_http++;
}

static void on_reject(void *u, uint64_t line, c2d_status why, const char *reason) {
    rec *r = (rec *)u;
    add(r, "R %llu %d %s\n", (unsigned long long)line, (int)why, reason);
    if (r->n_rejects < 32) {
        r->reject_line[r->n_rejects] = line;
        r->reject_why[r->n_rejects] = why;
    }
    r->n_rejects++;
}

static c2d_zeek_callbacks callbacks(rec *r) {
    c2d_zeek_callbacks cb = {sizeof cb, on_session, on_dns, on_http, on_reject, r};
    return cb;
}

/* Read `text` split at the given chunk sizes (0 = all at once). */
static c2d_status run_split(const char *text, size_t len, c2d_zeek_log kind, size_t split, size_t step,
                            rec *r, c2d_zeek_report *rep) {
    memset(r, 0, sizeof *r);
    c2d_zeek_callbacks cb = callbacks(r);
    c2d_zeek_reader *zr = NULL;
    assert_int_equal(c2d_zeek_reader_new(kind, &cb, NULL, &zr), C2D_OK);
    c2d_status st = C2D_OK;
    if (step) {
        for (size_t i = 0; i < len && st == C2D_OK; i += step)
            st = c2d_zeek_reader_feed(zr, text + i, len - i < step ? len - i : step);
    } else if (split) {
        st = c2d_zeek_reader_feed(zr, text, split);
        if (st == C2D_OK) st = c2d_zeek_reader_feed(zr, text + split, len - split);
    } else {
        st = c2d_zeek_reader_feed(zr, text, len);
    }
    memset(rep, 0, sizeof *rep);
    rep->size = sizeof *rep;
    c2d_status fin = c2d_zeek_reader_finish(zr, rep);
    if (st == C2D_OK) assert_int_equal(fin, C2D_OK);
    else assert_int_equal(fin, st);
    c2d_zeek_reader_free(zr);
    return fin;
}

static c2d_status run(const char *text, c2d_zeek_log kind, rec *r, c2d_zeek_report *rep) {
    return run_split(text, strlen(text), kind, 0, 0, r, rep);
}

/* ---------------------------------------------------------------- logs */

#define CONN_HEADER                                                                                     \
    "#separator \\x09\n"                                                                               \
    "#set_separator\t,\n"                                                                               \
    "#empty_field\t(empty)\n"                                                                           \
    "#unset_field\t-\n"                                                                                 \
    "#path\tconn\n"                                                                                     \
    "#open\t2020-09-13-12-00-00\n"                                                                      \
    "#fields\tts\tuid\tid.orig_h\tid.orig_p\tid.resp_h\tid.resp_p\tproto\tservice\tduration\torig_bytes\t" \
    "resp_bytes\tconn_state\tlocal_orig\tlocal_resp\tmissed_bytes\thistory\torig_pkts\torig_ip_bytes\t"    \
    "resp_pkts\tresp_ip_bytes\ttunnel_parents\tlabel\tdetailedlabel\n"                                    \
    "#types\ttime\tstring\taddr\tport\taddr\tport\tenum\tstring\tinterval\tcount\tcount\tstring\tbool\t"   \
    "bool\tcount\tstring\tcount\tcount\tcount\tcount\tset[string]\tstring\tstring\n"

static const char CONN_LOG[] =
    CONN_HEADER
    "1600000000.123456\tC1\t10.0.0.5\t49152\t203.0.113.9\t8080\ttcp\t-\t2.500000\t300\t1200\tSF\tT\tF\t0\t"
    "ShADadFf\t10\t820\t8\t1620\t(empty)\tMalicious\tC&C\n"
    "1600000001.000000\tC2\t10.0.0.5\t5353\t8.8.8.8\t53\tudp\tdns\t0.010000\t40\t120\tSF\t-\t-\t0\tDd\t1\t68\t"
    "1\t148\t(empty)\tBenign\t(empty)\n"
    "1600000001.500000\tC3\t10.0.0.5\t8\t8.8.8.8\t0\ticmp\t-\t0.001000\t56\t56\tOTH\tT\tF\t0\t-\t1\t84\t1\t84\t"
    "(empty)\tBenign\t(empty)\n"
    "1600000002.5\tC4\t10.0.0.5\t49153\t203.0.113.9\t8080\ttcp\t-\t-\t-\t-\tS0\tT\tF\t0\tS\t1\t60\t0\t0\t"
    "(empty)\tMalicious\tC&C\n"
    "1600000003.000000\tC5\t2001:db8::5\t40000\t2001:db8:1::80\t443\ttcp\tssl\t1.000000\t0\t0\tREJ\t-\t-\t0\t"
    "Sr\t1\t80\t1\t60\t(empty)\tBackground\t(empty)\n"
    "#close\t2020-09-13-13-00-00\n";

static void test_conn_tsv_all_directives(void **state) {
    (void)state;
    static rec r;
    c2d_zeek_report rep;
    assert_int_equal(run(CONN_LOG, C2D_ZEEK_UNKNOWN, &r, &rep), C2D_OK);
    assert_int_equal(rep.log, C2D_ZEEK_CONN);
    assert_int_equal(rep.json, 0);
    assert_int_equal(rep.lines, 14);
    assert_int_equal(rep.records, 5);
    assert_int_equal(rep.unconverted, 1); /* the icmp row */
    assert_int_equal(rep.rejected, 0);
    assert_int_equal(rep.skipped, 9);
    assert_int_equal(rep.blocks, 1);
    assert_int_equal(rep.error, C2D_OK);
    assert_int_equal(r.n_sessions, 4);

    const c2d_session *s = &r.sessions[0];
    assert_int_equal(s->size, sizeof *s);
    assert_int_equal(s->ts_ns, 1600000000123456000ull);
    assert_int_equal(s->last_ns, 1600000002623456000ull);
    assert_true(fabs(s->duration - 2.5) < 1e-12);
    assert_int_equal(s->ip_version, 4);
    assert_int_equal(s->proto, 6);
    char a[64];
    addr_text(s->orig_h, a);
    assert_string_equal(a, "10.0.0.5");
    addr_text(s->resp_h, a);
    assert_string_equal(a, "203.0.113.9");
    assert_int_equal(s->orig_p, 49152);
    assert_int_equal(s->resp_p, 8080);
    assert_int_equal(s->orig_bytes, 300);
    assert_int_equal(s->resp_bytes, 1200);
    assert_int_equal(s->orig_pkts, 10);
    assert_int_equal(s->resp_pkts, 8);
    assert_int_equal(s->orig_ip_bytes, 820);
    assert_int_equal(s->resp_ip_bytes, 1620);
    assert_int_equal(s->conn_state, C2D_CONN_SF);
    assert_int_equal(s->end_reason, C2D_END_FIN);
    /* ShADadFf: S A F from the originator, h a f from the responder */
    assert_int_equal(s->orig_tcp_flags, C2D_TCP_SYN | C2D_TCP_ACK | C2D_TCP_FIN);
    assert_int_equal(s->resp_tcp_flags, C2D_TCP_SYN | C2D_TCP_ACK | C2D_TCP_FIN);
    /* data packets: packets minus one per control letter (S/H, A, F, R) */
    assert_int_equal(s->orig_data_pkts, 7);
    assert_int_equal(s->resp_data_pkts, 5);
    assert_true(fabs(s->orig_mean_payload - 300.0 / 7.0) < 1e-12);
    assert_true(fabs(s->resp_mean_payload - 240.0) < 1e-12);
    assert_int_equal(s->local_orig, 1);
    assert_int_equal(s->local_resp, 0);
    assert_int_equal(s->counted, 1);
    assert_true(fabs(s->avg_payload_len - 125.0) < 1e-12);
    assert_true(fabs(s->in_out_ratio - 1201.0 / 301.0) < 1e-12);
    assert_null(s->orig_prefix);
    assert_int_equal(s->orig_prefix_len, 0);
    assert_int_equal(s->orig_min_payload, 0);
    assert_int_equal(s->orig_max_payload, 0);

    s = &r.sessions[1]; /* udp, local_* unset: private ranges decide */
    assert_int_equal(s->proto, 17);
    assert_int_equal(s->orig_tcp_flags, 0);
    assert_int_equal(s->orig_data_pkts, 1);
    assert_int_equal(s->resp_data_pkts, 1);
    assert_int_equal(s->local_orig, 1);
    assert_int_equal(s->local_resp, 0);
    assert_true(fabs(s->avg_payload_len - 80.0) < 1e-12);

    s = &r.sessions[2]; /* unset duration and bytes: a payload-less attempt */
    assert_int_equal(s->ts_ns, 1600000002500000000ull);
    assert_int_equal(s->last_ns, s->ts_ns);
    assert_int_equal(s->orig_bytes, 0);
    assert_int_equal(s->counted, 0);
    assert_int_equal(s->orig_data_pkts, 0);
    assert_true(s->avg_payload_len == 0.0);
    assert_true(s->in_out_ratio == 1.0);
    assert_int_equal(s->conn_state, C2D_CONN_S0);
    assert_int_equal(s->end_reason, C2D_END_IDLE);
    assert_int_equal(s->orig_tcp_flags, C2D_TCP_SYN);
    assert_int_equal(s->resp_tcp_flags, 0);

    s = &r.sessions[3]; /* IPv6, REJ */
    assert_int_equal(s->ip_version, 6);
    addr_text(s->resp_h, a);
    assert_string_equal(a, "2001:db8:1::80");
    assert_int_equal(s->conn_state, C2D_CONN_REJ);
    assert_int_equal(s->end_reason, C2D_END_RST);
    assert_int_equal(s->resp_tcp_flags, C2D_TCP_RST);
    assert_int_equal(s->local_orig, 0); /* 2001:db8::/32 is not a private range */
}

/* The same first session as JSON with an ISO 8601 ts, kind from the keys. */
static const char CONN_JSON[] =
    "{\"ts\":\"2020-09-13T12:26:40.123456Z\",\"uid\":\"C1\",\"id.orig_h\":\"10.0.0.5\",\"id.orig_p\":49152,"
    "\"id.resp_h\":\"203.0.113.9\",\"id.resp_p\":8080,\"proto\":\"tcp\",\"duration\":2.5,\"orig_bytes\":300,"
    "\"resp_bytes\":1200,\"conn_state\":\"SF\",\"local_orig\":true,\"local_resp\":false,\"missed_bytes\":0,"
    "\"history\":\"ShADadFf\",\"orig_pkts\":10,\"orig_ip_bytes\":820,\"resp_pkts\":8,\"resp_ip_bytes\":1620,"
    "\"tunnel_parents\":[],\"label\":\"Malicious\",\"nested\":{\"a\":[1,{\"b\":null}]}}\n"
    "{\"ts\":1600000002.5,\"id.orig_h\":\"10.0.0.5\",\"id.orig_p\":49153,\"id.resp_h\":\"203.0.113.9\","
    "\"id.resp_p\":8080,\"proto\":\"tcp\",\"conn_state\":\"S0\",\"local_orig\":true,\"local_resp\":false,"
    "\"history\":\"S\",\"orig_pkts\":1,\"orig_ip_bytes\":60,\"resp_pkts\":0,\"resp_ip_bytes\":0}\n";

static void test_conn_json_matches_tsv(void **state) {
    (void)state;
    static rec t, j;
    c2d_zeek_report rt, rj;
    assert_int_equal(run(CONN_LOG, C2D_ZEEK_UNKNOWN, &t, &rt), C2D_OK);
    assert_int_equal(run(CONN_JSON, C2D_ZEEK_UNKNOWN, &j, &rj), C2D_OK);
    assert_int_equal(rj.log, C2D_ZEEK_CONN);
    assert_int_equal(rj.json, 1);
    assert_int_equal(rj.records, 2);
    assert_int_equal(rj.rejected, 0);
    assert_int_equal(rj.blocks, 0);
    /* the TSV text of sessions 1 and 3 (the S0 attempt) equals the JSON text */
    char *l1 = strchr(t.text, '\n'), *l2 = strchr(l1 + 1, '\n'), *l3 = strchr(l2 + 1, '\n');
    size_t n1 = (size_t)(l1 - t.text) + 1, n3 = (size_t)(l3 - l2);
    char want[4096];
    snprintf(want, sizeof want, "%.*s%.*s", (int)n1, t.text, (int)n3, l2 + 1);
    assert_string_equal(j.text, want);
}

static const char DNS_CUSTOM_SEPS[] =
    "#separator \\x7c\n"
    "#set_separator|;\n"
    "#empty_field|EMPTY\n"
    "#unset_field|NONE\n"
    "#path|dns\n"
    "#fields|ts|uid|id.orig_h|id.orig_p|id.resp_h|id.resp_p|proto|trans_id|query|qclass|qtype|rcode|AA|TC|RD|RA|"
    "answers|TTLs|label\n"
    "#types|time|string|addr|port|addr|port|enum|count|string|count|count|count|bool|bool|bool|bool|"
    "vector[string]|vector[interval]|string\n"
    "1600000004.000001|C6|10.0.0.5|5000|10.0.0.1|53|udp|4660|a\\x7cB\\x09.Example.org.|1|1|0|F|F|T|T|"
    "x\\x3by.example;198.51.100.1;2001:db8::7|5.0;10.000000;20.5|a label with spaces\n"
    "1600000005|C7|10.0.0.5|5001|10.0.0.1|53|tcp|2|NONE|NONE|NONE|3|F|F|T|F|EMPTY|EMPTY|NONE\n"
    "1600000006|C8|10.0.0.5|5002|10.0.0.1|53|udp|3|q.example|1|28|NONE|F|F|T|F|NONE|NONE|x\n";

static void test_dns_custom_separators_and_escapes(void **state) {
    (void)state;
    static rec r;
    c2d_zeek_report rep;
    assert_int_equal(run(DNS_CUSTOM_SEPS, C2D_ZEEK_DNS, &r, &rep), C2D_OK);
    assert_int_equal(rep.log, C2D_ZEEK_DNS);
    assert_int_equal(rep.records, 3);
    assert_int_equal(rep.rejected, 0);
    assert_int_equal(rep.dns_answers_other, 1);
    assert_int_equal(r.n_dns, 3);
    const c2d_dns_message *m = &r.dns[0];
    /* \x7c is the escaped separator '|', \x09 a tab (written \009), case folded, dot dropped */
    assert_string_equal(m->qname, "a|b\\009.example.org");
    assert_int_equal(m->qname_len, strlen("a|b\\009.example.org"));
    assert_int_equal(m->qdcount, 1);
    assert_int_equal(m->qtype, 1);
    assert_int_equal(m->qclass, 1);
    assert_int_equal(m->id, 4660);
    assert_int_equal(m->is_response, 1);
    assert_int_equal(m->rcode, 0);
    assert_int_equal(m->flags, 0x8180);
    assert_int_equal(m->ancount, 3);
    assert_int_equal(m->n_addrs, 2);
    char a[64];
    addr_text(m->addrs[0].addr, a);
    assert_string_equal(a, "198.51.100.1");
    assert_int_equal(m->addrs[0].ip_version, 4);
    assert_int_equal(m->addrs[0].ttl, 10);
    addr_text(m->addrs[1].addr, a);
    assert_string_equal(a, "2001:db8::7");
    assert_int_equal(m->addrs[1].ip_version, 6);
    assert_int_equal(m->addrs[1].ttl, 20);
    assert_int_equal(r.dns_ev[0].transport, 17);
    assert_int_equal(r.dns_ev[0].client_port, 5000);
    assert_int_equal(r.dns_ev[0].ts_ns, 1600000004000001000ull);

    m = &r.dns[1]; /* unset query, NXDOMAIN, over TCP, empty answers */
    assert_string_equal(m->qname, "");
    assert_int_equal(m->qdcount, 0);
    assert_int_equal(m->rcode, 3);
    assert_int_equal(m->is_response, 1);
    assert_int_equal(m->ancount, 0);
    assert_int_equal(m->flags, 0x8103);
    assert_int_equal(r.dns_ev[1].transport, 6);

    m = &r.dns[2]; /* no rcode: a query without a response */
    assert_int_equal(m->is_response, 0);
    assert_int_equal(m->flags, 0x0100);
    assert_int_equal(m->qtype, 28);
}

static void test_dns_json_and_answer_cap(void **state) {
    (void)state;
    static rec r;
    c2d_zeek_report rep;
    char text[4096];
    int n = snprintf(text, sizeof text, "%s",
                     "{\"ts\":1600000003.5,\"uid\":\"C5\",\"id.orig_h\":\"10.0.0.5\",\"id.orig_p\":5353,"
                     "\"id.resp_h\":\"10.0.0.1\",\"id.resp_p\":53,\"proto\":\"udp\",\"trans_id\":4660,"
                     "\"query\":\"WWW.Ex\\u0061mple.COM\",\"qclass\":1,\"qtype\":1,\"rcode\":0,\"AA\":false,"
                     "\"TC\":false,\"RD\":true,\"RA\":true,\"answers\":[\"cdn.example.net\",\"192.0.2.7\","
                     "\"2001:db8::7\"],\"TTLs\":[300.0,60.0,30.0],\"rejected\":false}\n"
                     "{\"ts\":1600000004,\"id.orig_h\":\"10.0.0.5\",\"id.orig_p\":5354,\"id.resp_h\":\"10.0.0.1\","
                     "\"id.resp_p\":53,\"query\":\"many.example\",\"rcode\":0,\"answers\":[");
    for (int i = 0; i < 18; i++) n += snprintf(text + n, sizeof text - (size_t)n, "%s\"192.0.2.%d\"", i ? "," : "", i + 1);
    snprintf(text + n, sizeof text - (size_t)n, "]}\n");
    assert_int_equal(run(text, C2D_ZEEK_UNKNOWN, &r, &rep), C2D_OK);
    assert_int_equal(rep.log, C2D_ZEEK_DNS);
    assert_int_equal(rep.records, 2);
    assert_int_equal(rep.dns_answers_other, 1);
    assert_int_equal(rep.dns_answers_over_cap, 2);
    assert_string_equal(r.dns[0].qname, "www.example.com");
    assert_int_equal(r.dns[0].n_addrs, 2);
    assert_int_equal(r.dns[0].addrs[0].ttl, 60);
    assert_int_equal(r.dns[0].addrs[1].ttl, 30);
    assert_int_equal(r.dns[0].flags, 0x8180);
    assert_int_equal(r.dns[1].n_addrs, C2D_DNS_MAX_ADDRS);
    assert_int_equal(r.dns[1].ancount, 18);
    assert_int_equal(r.dns[1].addrs[15].ttl, 0); /* no TTLs key */
}

static void test_http_unset_empty_escaped(void **state) {
    (void)state;
    static rec r;
    c2d_zeek_report rep;
    const char *log =
        "#separator \\x09\n#set_separator\t,\n#empty_field\t(empty)\n#unset_field\t-\n#path\thttp\n"
        "#fields\tts\tuid\tid.orig_h\tid.orig_p\tid.resp_h\tid.resp_p\ttrans_depth\tmethod\thost\turi\tlabel\n"
        "#types\ttime\tstring\taddr\tport\taddr\tport\tcount\tstring\tstring\tstring\tstring\n"
        "1600000010.5\tC1\t10.0.0.5\t49160\t198.51.100.20\t80\t1\tGET\tevil.example\t/a\\x09b?c=1\tx\n"
        "1600000011\tC2\t10.0.0.5\t49161\t198.51.100.20\t8080\t1\tGET\t-\t(empty)\tx\n"
        /* RITA's test data ends every line with one more separator */
        "1600000012\tC3\t10.0.0.5\t49162\t198.51.100.21\t80\t1\tGET\tb.example\t/\\\\x\tx\t\n";
    assert_int_equal(run(log, C2D_ZEEK_UNKNOWN, &r, &rep), C2D_OK);
    assert_int_equal(rep.log, C2D_ZEEK_HTTP);
    assert_int_equal(rep.records, 3);
    assert_int_equal(rep.rejected, 0);
    assert_int_equal(r.n_http, 3);
    assert_int_equal(r.http[0].ts_ns, 1600000010500000000ull);
    assert_int_equal(r.http[0].server_port, 80);
    assert_null(r.http[0].header);
    assert_int_equal(r.http_host_len[0], 12);
    assert_memory_equal(r.http_host[0], "evil.example", 12);
    assert_int_equal(r.http_uri_len[0], 8);
    assert_memory_equal(r.http_uri[0], "/a\tb?c=1", 8);
    assert_true(r.http_host_null[1]);   /* "-" unset: NULL */
    assert_false(r.http_uri_null[1]);   /* "(empty)": an empty string */
    assert_int_equal(r.http_uri_len[1], 0);
    assert_int_equal(r.http[1].server_port, 8080);
    assert_int_equal(r.http_uri_len[2], 3); /* "\\" is one backslash */
    assert_memory_equal(r.http_uri[2], "/\\x", 3);
}

/* Header lines 1-8, data from line 9; each bad line has its own status. */
static const char BAD_LINES[] =
    CONN_HEADER
    "1600000000\tC1\t10.0.0.5\t1\t203.0.113.9\t80\ttcp\t-\t1.0\t1\t1\tSF\tT\tF\t0\tShADadFf\t5\t1\t5\t1\t-\tx\ty\n"
    "1600000000\tC1\t10.0.0.5\t1\t203.0.113.9\t80\ttcp\t-\t1.0\t1\t1\tSF\tT\tF\t0\tShADadFf\t5\t1\t5\t1\t-\tx\n"
    "1600000000\tC1\t10.0.0.5\t70000\t203.0.113.9\t80\ttcp\t-\t1.0\t1\t1\tSF\tT\tF\t0\tS\t5\t1\t5\t1\t-\tx\ty\n"
    "1600000000\tC1\t10.0.0.300\t1\t203.0.113.9\t80\ttcp\t-\t1.0\t1\t1\tSF\tT\tF\t0\tS\t5\t1\t5\t1\t-\tx\ty\n"
    "1600000000\tC1\t10.0.0.5\t1\t203.0.113.9\t80\ttcp\t-\t1.0\t1\t1\tXX\tT\tF\t0\tS\t5\t1\t5\t1\t-\tx\ty\n"
    "1600000000\tC1\t10.0.0.5\t1\t203.0.113.9\t80\ttcp\t-\t1.0\t1\t1\tSF\tY\tF\t0\tS\t5\t1\t5\t1\t-\tx\ty\n"
    "-\tC1\t10.0.0.5\t1\t203.0.113.9\t80\ttcp\t-\t1.0\t1\t1\tSF\tT\tF\t0\tS\t5\t1\t5\t1\t-\tx\ty\n"
    "16e8\tC1\t10.0.0.5\t1\t203.0.113.9\t80\ttcp\t-\t1.0\t1\t1\tSF\tT\tF\t0\tS\t5\t1\t5\t1\t-\tx\ty\n"
    "1600000000\tC1\t10.0.0.5\t1\t203.0.113.9\t80\ttcp\t-\t-1.0\t1\t1\tSF\tT\tF\t0\tS\t5\t1\t5\t1\t-\tx\ty\n"
    "1600000000\tC1\t10.0.0.5\t1\t203.0.113.9\t80\ttcp\t-\t1.0\t18446744073709551616\t1\tSF\tT\tF\t0\tS\t5\t1\t5\t1\t-\tx\ty\n"
    "1600000000\tC1\t10.0.0.5\t1\t203.0.113.9\t80\ttcp\t-\t1.0\t1\t1\tSF\tT\tF\t0\tS\t5\t1\t5\t1\t-\tx\ty\textra\n"
    "1600000001\tC9\t10.0.0.5\t2\t203.0.113.9\t80\ttcp\t-\t1.0\t1\t1\tSF\tT\tF\t0\tS\t5\t1\t5\t1\t-\tx\ty\n"
    "\n"
    "   \n"
    "#close\t2020\n";

static void test_bad_lines_exact_statuses(void **state) {
    (void)state;
    static rec r;
    c2d_zeek_report rep;
    assert_int_equal(run(BAD_LINES, C2D_ZEEK_UNKNOWN, &r, &rep), C2D_OK);
    static const uint64_t lines[] = {10, 11, 12, 13, 14, 15, 16, 17, 18, 19};
    static const c2d_status why[] = {C2D_ERR_ZEEK_FIELD_COUNT, C2D_ERR_ZEEK_NUMBER, C2D_ERR_ZEEK_ADDR,
                                     C2D_ERR_ZEEK_VALUE, C2D_ERR_ZEEK_VALUE, C2D_ERR_ZEEK_NUMBER,
                                     C2D_ERR_ZEEK_NUMBER, C2D_ERR_ZEEK_NUMBER, C2D_ERR_ZEEK_NUMBER,
                                     C2D_ERR_ZEEK_FIELD_COUNT};
    assert_int_equal(r.n_rejects, 10);
    for (int i = 0; i < 10; i++) {
        assert_int_equal(r.reject_line[i], lines[i]);
        assert_int_equal(r.reject_why[i], why[i]);
        assert_int_equal(rep.first_rejected[i], lines[i]);
    }
    assert_int_equal(rep.first_rejected[10], 0);
    assert_int_equal(rep.rejected, 10);
    assert_int_equal(rep.records, 2);
    assert_int_equal(r.n_sessions, 2);
    assert_int_equal(rep.skipped, 8 + 3);
    assert_int_equal(rep.lines, 23);
    assert_int_equal(rep.lines, rep.records + rep.rejected + rep.skipped);
    assert_non_null(strstr(r.text, "R 11 -165 column id.orig_p: not a port\n"));
    assert_non_null(strstr(r.text, "R 13 -167 column conn_state: unknown conn_state\n"));
    assert_non_null(strstr(r.text, "R 15 -165 column ts: unset\n"));
}

static void test_missing_column_and_kinds(void **state) {
    (void)state;
    static rec r;
    c2d_zeek_report rep;
    /* dns without answers: the whole file is an error at the #fields line */
    const char *no_answers = "#separator \\x09\n#path\tdns\n"
                             "#fields\tts\tid.orig_h\tid.orig_p\tid.resp_h\tid.resp_p\tquery\tqtype\trcode\n"
                             "1\t10.0.0.1\t1\t10.0.0.2\t53\ta.example\t1\t0\n";
    assert_int_equal(run(no_answers, C2D_ZEEK_UNKNOWN, &r, &rep), C2D_ERR_ZEEK_MISSING_COLUMN);
    assert_int_equal(rep.error, C2D_ERR_ZEEK_MISSING_COLUMN);
    assert_int_equal(rep.error_line, 3);
    assert_int_equal(rep.error_offset, strlen("#separator \\x09\n#path\tdns\n"));
    assert_int_equal(rep.lines, 2);
    assert_int_equal(rep.records, 0);
    assert_int_equal(r.n_dns, 0);

    assert_int_equal(run(CONN_LOG, C2D_ZEEK_DNS, &r, &rep), C2D_ERR_ZEEK_LOG_MISMATCH);
    assert_int_equal(rep.error_line, 7);
    assert_int_equal(run("#separator \\x09\n#path\tweird\n#fields\tts\tname\n1\tx\n", C2D_ZEEK_UNKNOWN, &r, &rep),
                     C2D_ERR_ZEEK_UNKNOWN_LOG);
    assert_int_equal(run("#separator \\x09\n#fields\tts\tfoo\n1\tx\n", C2D_ZEEK_UNKNOWN, &r, &rep),
                     C2D_ERR_ZEEK_UNKNOWN_LOG);
    /* a path this library does not know, read as the kind the caller gives */
    char cl[4096];
    const char *at = strstr(CONN_LOG, "#path\tconn\n");
    snprintf(cl, sizeof cl, "%.*s#path\tconn_long\n%s", (int)(at - CONN_LOG), CONN_LOG, at + 11);
    assert_int_equal(run(cl, C2D_ZEEK_UNKNOWN, &r, &rep), C2D_ERR_ZEEK_UNKNOWN_LOG);
    assert_int_equal(run(cl, C2D_ZEEK_CONN, &r, &rep), C2D_OK);
    assert_int_equal(rep.records, 5);
    assert_int_equal(run("{\"_path\":\"conn_long\",\"ts\":1}\n{\"_path\":\"dns\",\"ts\":1}\n", C2D_ZEEK_X509, &r,
                         &rep),
                     C2D_OK);
    assert_int_equal(rep.records, 1);
    assert_int_equal(r.reject_why[0], C2D_ERR_ZEEK_LOG_MISMATCH);
    /* no #path: the kind from the column names */
    assert_int_equal(run("#fields\tts\tid.orig_h\tid.orig_p\tid.resp_h\tid.resp_p\thost\turi\n"
                         "1\t10.0.0.1\t1\t10.0.0.2\t80\th\t/\n",
                         C2D_ZEEK_UNKNOWN, &r, &rep),
                     C2D_OK);
    assert_int_equal(rep.log, C2D_ZEEK_HTTP);
    assert_int_equal(r.n_http, 1);
    /* data before any #fields */
    assert_int_equal(run("1\t2\t3\n", C2D_ZEEK_UNKNOWN, &r, &rep), C2D_ERR_ZEEK_HEADER);
    assert_int_equal(rep.error_line, 1);
    /* bad directives */
    assert_int_equal(run("#separator \\x09\\x09\n", C2D_ZEEK_UNKNOWN, &r, &rep), C2D_ERR_ZEEK_HEADER);
    assert_int_equal(run("#separator \\x09\n#fields ts\n", C2D_ZEEK_UNKNOWN, &r, &rep), C2D_ERR_ZEEK_HEADER);
    assert_int_equal(run("#separator \\x09\n#path\thttp\n#fields\tts\tid.orig_h\tid.orig_p\tid.resp_h\tid.resp_p\t"
                         "host\turi\n#types\ttime\taddr\n",
                         C2D_ZEEK_UNKNOWN, &r, &rep),
                     C2D_ERR_ZEEK_HEADER);
    /* unknown comments are skipped */
    assert_int_equal(run("#separator \\x09\n#a comment\n#path\thttp\n#fieldsX\n", C2D_ZEEK_UNKNOWN, &r, &rep), C2D_OK);
    assert_int_equal(rep.skipped, 4);
    assert_int_equal(rep.log, C2D_ZEEK_UNKNOWN);
    /* gzip bytes */
    const char gz[] = "\x1f\x8b\x08\x00\x00\x00\x00\x00\n";
    assert_int_equal(run_split(gz, sizeof gz - 1, C2D_ZEEK_UNKNOWN, 0, 1, &r, &rep), C2D_ERR_UNSUPPORTED);
    /* JSON: unknown keys and a _path of another kind */
    assert_int_equal(run("{\"a\":1}\n", C2D_ZEEK_UNKNOWN, &r, &rep), C2D_ERR_ZEEK_UNKNOWN_LOG);
    assert_int_equal(run("{\"_path\":\"files\",\"ts\":1}\n", C2D_ZEEK_UNKNOWN, &r, &rep), C2D_ERR_ZEEK_UNKNOWN_LOG);
    assert_int_equal(run("{\"_path\":\"conn\",\"ts\":1}\n", C2D_ZEEK_HTTP, &r, &rep), C2D_ERR_ZEEK_LOG_MISMATCH);
    assert_int_equal(run("{\"_path\":\"x509\",\"ts\":1}\n{\"_path\":\"ssl\",\"ts\":2}\n{\"ts\":3}\n",
                         C2D_ZEEK_UNKNOWN, &r, &rep),
                     C2D_OK);
    assert_int_equal(rep.log, C2D_ZEEK_X509);
    assert_int_equal(rep.records, 2);
    assert_int_equal(rep.unconverted, 2);
    assert_int_equal(r.reject_line[0], 2);
    assert_int_equal(r.reject_why[0], C2D_ERR_ZEEK_LOG_MISMATCH);
}

static void test_json_rejects(void **state) {
    (void)state;
    static rec r;
    c2d_zeek_report rep;
    const char *text =
        "{\"ts\":1600000000,\"id.orig_h\":\"10.0.0.5\",\"id.orig_p\":1,\"id.resp_h\":\"10.0.0.1\",\"id.resp_p\":80,"
        "\"host\":\"a.example\",\"uri\":\"/\"}\n"                          /* 1 ok: http from keys */
        "{\"ts\":1600000000,\"id.orig_h\":\"10.0.0.5\",\"id.orig_p\":1,\n" /* 2 cut */
        "[1,2]\n"                                                          /* 3 not an object */
        "{\"ts\":1600000000,\"id.orig_h\":\"10.0.0.5\"}\n"                 /* 4 ports missing */
        "{\"ts\":1600000000,\"id.orig_h\":\"10.0.0.5\",\"id.orig_p\":1,\"id.resp_h\":\"10.0.0.1\",\"id.resp_p\":80,"
        "\"host\":[\"x\"]}\n"                                              /* 5 host is an array */
        "{\"ts\":1,\"x\":\"\\ud800\"}\n"                                    /* 6 lone surrogate */
        "{\"ts\":1,\"x\":\"a\tb\"}\n"                                       /* 7 raw control byte */
        "{\"ts\":1} x\n"                                                    /* 8 text after */
        "{\"ts\":NaN}\n"                                                    /* 9 not JSON */
        "{\"ts\":1e3,\"id.orig_h\":\"10.0.0.5\",\"id.orig_p\":1,\"id.resp_h\":\"10.0.0.1\",\"id.resp_p\":80}\n" /* 10 */
        "{\"ts\":\"1969-12-31T23:59:59Z\",\"id.orig_h\":\"10.0.0.5\",\"id.orig_p\":1,\"id.resp_h\":\"10.0.0.1\","
        "\"id.resp_p\":80}\n"                                              /* 11 before 1970 */
        "# a comment\n"                                                    /* 12 skipped */
        "{\"ts\":\"2020-09-13T14:26:40+02:00\",\"id.orig_h\":\"10.0.0.5\",\"id.orig_p\":1,\"id.resp_h\":\"10.0.0.1\","
        "\"id.resp_p\":80,\"host\":null,\"uri\":\"/\\u00e9\\ud83d\\ude00\"}\n"; /* 13 ok */
    assert_int_equal(run(text, C2D_ZEEK_UNKNOWN, &r, &rep), C2D_OK);
    static const c2d_status why[] = {C2D_ERR_ZEEK_JSON,  C2D_ERR_ZEEK_JSON,   C2D_ERR_ZEEK_NUMBER,
                                     C2D_ERR_ZEEK_VALUE, C2D_ERR_ZEEK_JSON,   C2D_ERR_ZEEK_JSON,
                                     C2D_ERR_ZEEK_JSON,  C2D_ERR_ZEEK_JSON,   C2D_ERR_ZEEK_NUMBER,
                                     C2D_ERR_ZEEK_NUMBER};
    static const uint64_t lines[] = {2, 3, 4, 5, 6, 7, 8, 9, 10, 11};
    assert_int_equal(r.n_rejects, 10);
    for (int i = 0; i < 10; i++) {
        assert_int_equal(r.reject_line[i], lines[i]);
        assert_int_equal(r.reject_why[i], why[i]);
    }
    assert_int_equal(rep.records, 2);
    assert_int_equal(rep.skipped, 1);
    assert_int_equal(rep.lines, 13);
    assert_int_equal(r.http[1].ts_ns, 1600000000000000000ull);
    assert_true(r.http_host_null[1]);
    assert_int_equal(r.http_uri_len[1], 7);
    assert_memory_equal(r.http_uri[1], "/\xc3\xa9\xf0\x9f\x98\x80", 7);
}

/* Two header blocks (rotation): columns reordered, an extra one, new separator. */
static const char TWO_BLOCKS[] =
    CONN_HEADER
    "1600000000.123456\tC1\t10.0.0.5\t49152\t203.0.113.9\t8080\ttcp\t-\t2.500000\t300\t1200\tSF\tT\tF\t0\t"
    "ShADadFf\t10\t820\t8\t1620\t(empty)\tMalicious\tC&C\n"
    "#close\t2020-09-13-13-00-00\n"
    "#separator \\x2c\n"
    "#set_separator,;\n"
    "#path,conn\n"
    "#fields,uid,ts,proto,id.resp_h,id.resp_p,id.orig_h,id.orig_p,orig_bytes,resp_bytes,orig_pkts,resp_pkts,"
    "conn_state,history,vlan\n"
    "C2,1600000100,tcp,203.0.113.9,8080,10.0.0.5,49200,0,0,1,0,S0,S,7\n";

static void test_two_blocks(void **state) {
    (void)state;
    static rec r;
    c2d_zeek_report rep;
    assert_int_equal(run(TWO_BLOCKS, C2D_ZEEK_CONN, &r, &rep), C2D_OK);
    assert_int_equal(rep.blocks, 2);
    assert_int_equal(rep.records, 2);
    assert_int_equal(rep.rejected, 0);
    assert_int_equal(r.n_sessions, 2);
    assert_int_equal(r.sessions[0].orig_bytes, 300);
    assert_int_equal(r.sessions[1].ts_ns, 1600000100000000000ull);
    assert_int_equal(r.sessions[1].orig_p, 49200);
    assert_int_equal(r.sessions[1].resp_p, 8080);
    assert_int_equal(r.sessions[1].conn_state, C2D_CONN_S0);
    assert_int_equal(r.sessions[1].local_orig, 1); /* local_orig not a column: private range */
    /* a second block of another kind stops the reader */
    char text[4096];
    snprintf(text, sizeof text, "%s#separator \\x09\n#path\tdns\n#fields\tts\n", CONN_LOG);
    assert_int_equal(run(text, C2D_ZEEK_UNKNOWN, &r, &rep), C2D_ERR_ZEEK_LOG_MISMATCH);
    assert_int_equal(rep.records, 5);
    assert_int_equal(rep.error_line, 17);
}

/* Every split point, and byte by byte, give exactly the one-shot result. */
static void test_chunking_every_byte(void **state) {
    (void)state;
    static rec whole, part;
    c2d_zeek_report rw, rp;
    const char *inputs[] = {BAD_LINES, TWO_BLOCKS, CONN_JSON, DNS_CUSTOM_SEPS};
    for (size_t k = 0; k < sizeof inputs / sizeof inputs[0]; k++) {
        size_t len = strlen(inputs[k]);
        /* also without the final newline: finish parses the last line */
        for (size_t cut = 0; cut < 2; cut++) {
            size_t n = len - cut;
            run_split(inputs[k], n, C2D_ZEEK_UNKNOWN, 0, 0, &whole, &rw);
            assert_true(rw.records > 0);
            for (size_t i = 1; i < n; i++) {
                run_split(inputs[k], n, C2D_ZEEK_UNKNOWN, i, 0, &part, &rp);
                assert_string_equal(part.text, whole.text);
                assert_memory_equal(&rp, &rw, sizeof rp);
            }
            run_split(inputs[k], n, C2D_ZEEK_UNKNOWN, 0, 1, &part, &rp);
            assert_string_equal(part.text, whole.text);
            assert_memory_equal(&rp, &rw, sizeof rp);
        }
    }
}

static void test_line_cap_and_crlf(void **state) {
    (void)state;
    static rec r, r1;
    c2d_zeek_report rep, rep1;
    const char *head = "#separator \\x09\n#path\thttp\n#fields\tts\tid.orig_h\tid.orig_p\tid.resp_h\tid.resp_p\t"
                       "host\turi\n";
    const char *good = "1600000000\t10.0.0.5\t1\t10.0.0.1\t80\th.example\t/ok\r\n";
    size_t long_len = C2D_ZEEK_MAX_LINE + 10;
    size_t total = strlen(head) + long_len + 1 + strlen(good) + strlen(head) + 2;
    char *text = (char *)malloc(total + 1);
    assert_non_null(text);
    size_t o = 0;
    memcpy(text + o, head, strlen(head));
    o += strlen(head);
    int n = snprintf(text + o, total - o, "1600000000\t10.0.0.5\t1\t10.0.0.1\t80\th\t/");
    o += (size_t)n;
    memset(text + o, 'a', long_len - (size_t)n);
    o += long_len - (size_t)n;
    text[o++] = '\n';
    memcpy(text + o, good, strlen(good));
    o += strlen(good);
    assert_int_equal(run_split(text, o, C2D_ZEEK_UNKNOWN, 0, 0, &r, &rep), C2D_OK);
    assert_int_equal(rep.rejected, 1);
    assert_int_equal(r.reject_line[0], 4);
    assert_int_equal(r.reject_why[0], C2D_ERR_ZEEK_LINE_TOO_LONG);
    assert_int_equal(rep.records, 1);
    assert_int_equal(r.http_uri_len[0], 3); /* the \r before \n is not part of the value */
    /* byte by byte (the long line is assembled across feeds) and as a last line */
    assert_int_equal(run_split(text, o, C2D_ZEEK_UNKNOWN, 0, 1, &r1, &rep1), C2D_OK);
    assert_string_equal(r1.text, r.text);
    assert_int_equal(run_split(text, o - strlen(good) - 1, C2D_ZEEK_UNKNOWN, 0, 4096, &r1, &rep1), C2D_OK);
    assert_int_equal(rep1.rejected, 1);
    assert_int_equal(rep1.lines, 4);
    /* a line of exactly the cap is accepted */
    o = strlen(head);
    n = snprintf(text + o, total - o, "1600000000\t10.0.0.5\t1\t10.0.0.1\t80\th\t/");
    memset(text + o + n, 'b', C2D_ZEEK_MAX_LINE - (size_t)n);
    o += C2D_ZEEK_MAX_LINE;
    text[o++] = '\n';
    assert_int_equal(run_split(text, o, C2D_ZEEK_UNKNOWN, 0, 0, &r1, &rep1), C2D_OK);
    assert_int_equal(rep1.rejected, 0);
    assert_int_equal(rep1.records, 1);
    free(text);
}

static void test_ssl_x509_counted(void **state) {
    (void)state;
    static rec r;
    c2d_zeek_report rep;
    const char *ssl = "#separator \\x09\n#path\tssl\n#fields\tts\tuid\tid.orig_h\tid.orig_p\tid.resp_h\tid.resp_p\t"
                      "version\tserver_name\n"
                      "1\tC1\t10.0.0.5\t1\t10.0.0.1\t443\tTLSv12\ta.example\n"
                      "2\tC2\t10.0.0.5\tx\t10.0.0.1\t443\tTLSv12\ta.example\n";
    assert_int_equal(run(ssl, C2D_ZEEK_UNKNOWN, &r, &rep), C2D_OK);
    assert_int_equal(rep.log, C2D_ZEEK_SSL);
    assert_int_equal(rep.records, 1);
    assert_int_equal(rep.unconverted, 1);
    assert_int_equal(rep.rejected, 1);
    assert_int_equal(r.reject_why[0], C2D_ERR_ZEEK_NUMBER);
    assert_int_equal(r.n_sessions + r.n_dns + r.n_http, 0);
    const char *x509 = "{\"ts\":1,\"fingerprint\":\"ab\",\"certificate.version\":3}\n";
    assert_int_equal(run(x509, C2D_ZEEK_UNKNOWN, &r, &rep), C2D_OK);
    assert_int_equal(rep.log, C2D_ZEEK_X509);
    assert_int_equal(rep.unconverted, 1);
}

static void test_api_and_oom(void **state) {
    (void)state;
    c2d_zeek_reader *zr = (c2d_zeek_reader *)1;
    c2d_zeek_callbacks cb = {sizeof cb, NULL, NULL, NULL, NULL, NULL};
    assert_int_equal(c2d_zeek_reader_new(C2D_ZEEK_UNKNOWN, NULL, NULL, NULL), C2D_ERR_INVALID_ARG);
    assert_int_equal(c2d_zeek_reader_new((c2d_zeek_log)6, NULL, NULL, &zr), C2D_ERR_INVALID_ARG);
    assert_null(zr);
    cb.size = 8;
    assert_int_equal(c2d_zeek_reader_new(C2D_ZEEK_UNKNOWN, &cb, NULL, &zr), C2D_ERR_INVALID_ARG);
    cb.size = sizeof cb;
    c2d_zeek_reader_free(NULL);
    assert_string_equal(c2d_zeek_log_name(C2D_ZEEK_X509), "x509");
    assert_string_equal(c2d_zeek_log_name((c2d_zeek_log)99), "unknown");
    assert_string_equal(c2d_status_name(C2D_ERR_ZEEK_JSON), "C2D_ERR_ZEEK_JSON");
    assert_string_equal(c2d_strerror(C2D_ERR_ZEEK_MISSING_COLUMN), "Zeek log lacks a required column");
    for (long fail = 1; fail <= 3; fail++) {
        test_alloc ta;
        test_alloc_init(&ta, fail);
        assert_int_equal(c2d_zeek_reader_new(C2D_ZEEK_UNKNOWN, &cb, &ta.api, &zr), C2D_ERR_NOMEM);
        assert_null(zr);
        assert_int_equal(ta.live, 0);
    }
    test_alloc ta;
    test_alloc_init(&ta, 0);
    assert_int_equal(c2d_zeek_reader_new(C2D_ZEEK_UNKNOWN, NULL, &ta.api, &zr), C2D_OK);
    assert_int_equal(ta.calls, 3);
    assert_int_equal(c2d_zeek_reader_feed(zr, NULL, 1), C2D_ERR_INVALID_ARG);
    assert_int_equal(c2d_zeek_reader_feed(zr, NULL, 0), C2D_OK);
    assert_int_equal(c2d_zeek_reader_feed(zr, CONN_LOG, strlen(CONN_LOG)), C2D_OK);
    long calls = ta.calls;
    c2d_zeek_report rep;
    rep.size = 8;
    assert_int_equal(c2d_zeek_reader_finish(zr, &rep), C2D_ERR_INVALID_ARG);
    rep.size = sizeof rep;
    assert_int_equal(c2d_zeek_reader_finish(zr, &rep), C2D_OK);
    assert_int_equal(ta.calls, calls); /* feed and finish allocate nothing */
    assert_int_equal(rep.records, 5);
    assert_int_equal(rep.bytes, strlen(CONN_LOG));
    assert_int_equal(c2d_zeek_reader_feed(zr, "x", 1), C2D_ERR_STATE);
    assert_int_equal(c2d_zeek_reader_finish(zr, &rep), C2D_OK);
    assert_int_equal(rep.records, 5);
    assert_true(ta.bytes_peak < 2 * C2D_ZEEK_MAX_LINE + 8192);
    c2d_zeek_reader_free(zr);
    assert_int_equal(ta.live, 0);
}

/* A flood of bytes without a newline, and a header too wide, cost no memory. */
static void test_bounded_memory(void **state) {
    (void)state;
    test_alloc ta;
    test_alloc_init(&ta, 0);
    c2d_zeek_reader *zr;
    static rec r;
    memset(&r, 0, sizeof r);
    c2d_zeek_callbacks cb = callbacks(&r);
    assert_int_equal(c2d_zeek_reader_new(C2D_ZEEK_UNKNOWN, &cb, &ta.api, &zr), C2D_OK);
    long calls = ta.calls;
    size_t peak = ta.bytes_peak;
    char *junk = (char *)malloc(1 << 20);
    assert_non_null(junk);
    memset(junk, 'x', 1 << 20);
    for (int i = 0; i < 16; i++) assert_int_equal(c2d_zeek_reader_feed(zr, junk, 1 << 20), C2D_OK);
    assert_int_equal(c2d_zeek_reader_feed(zr, "\n", 1), C2D_OK);
    assert_int_equal(ta.calls, calls);
    assert_int_equal(ta.bytes_peak, peak);
    c2d_zeek_report rep;
    rep.size = sizeof rep;
    assert_int_equal(c2d_zeek_reader_finish(zr, &rep), C2D_OK);
    assert_int_equal(rep.rejected, 1);
    assert_int_equal(r.reject_why[0], C2D_ERR_ZEEK_LINE_TOO_LONG);
    assert_int_equal(rep.bytes, 16u * (1u << 20) + 1u);
    c2d_zeek_reader_free(zr);
    free(junk);
    /* 257 columns */
    char hdr[4096];
    size_t o = (size_t)snprintf(hdr, sizeof hdr, "#fields");
    for (int i = 0; i < 257; i++) o += (size_t)snprintf(hdr + o, sizeof hdr - o, "\tc%d", i);
    snprintf(hdr + o, sizeof hdr - o, "\n");
    assert_int_equal(run(hdr, C2D_ZEEK_CONN, &r, &rep), C2D_ERR_ZEEK_HEADER);
    assert_int_equal(run("#separator \\x09\n#unset_field\t\n", C2D_ZEEK_UNKNOWN, &r, &rep), C2D_ERR_ZEEK_HEADER);
    assert_int_equal(run("#separator \\x09\n#set_separator\t,;\n", C2D_ZEEK_UNKNOWN, &r, &rep), C2D_ERR_ZEEK_HEADER);
}

static void test_zeek_read_file(void **state) {
    (void)state;
    static rec r, f;
    c2d_zeek_report rr, rf;
    char path[] = "/tmp/c2d_zeek_XXXXXX";
    int fd = mkstemp(path);
    assert_true(fd >= 0);
    size_t len = strlen(BAD_LINES);
    assert_int_equal(write(fd, BAD_LINES, len), (ssize_t)len);
    close(fd);
    run(BAD_LINES, C2D_ZEEK_UNKNOWN, &r, &rr);
    memset(&f, 0, sizeof f);
    c2d_zeek_callbacks cb = callbacks(&f);
    rf.size = sizeof rf;
    assert_int_equal(c2d_zeek_read_file(path, C2D_ZEEK_UNKNOWN, &cb, NULL, &rf), C2D_OK);
    assert_string_equal(f.text, r.text);
    assert_memory_equal(&rf, &rr, sizeof rf);
    unlink(path);
    assert_int_equal(c2d_zeek_read_file(path, C2D_ZEEK_UNKNOWN, &cb, NULL, &rf), C2D_ERR_IO);
    assert_int_equal(c2d_zeek_read_file(NULL, C2D_ZEEK_UNKNOWN, &cb, NULL, &rf), C2D_ERR_INVALID_ARG);
}

/* ------------------------------------------------ shared data (--shared-data) */
/* Every Zeek log under the shared data, decompressed by gzip (and tar) and
 * streamed into the reader, against data-line counts made by this test from
 * the same bytes: lines neither blank nor starting with '#'. */

typedef struct count_ctx {
    uint64_t data_lines;
    int at_line_start, line_has_text, line_is_comment;
} count_ctx;

static void count_bytes(count_ctx *c, const char *p, size_t n) {
    for (size_t i = 0; i < n; i++) {
        char ch = p[i];
        if (ch == '\n') {
            if (c->line_has_text && !c->line_is_comment) c->data_lines++;
            c->at_line_start = 1;
            c->line_has_text = 0;
            c->line_is_comment = 0;
            continue;
        }
        if (c->at_line_start && ch == '#') c->line_is_comment = 1;
        if (ch != ' ' && ch != '\t' && ch != '\r') c->line_has_text = 1;
        c->at_line_start = 0;
    }
}

static int shared_failures;

/* `log_hint`: the kind expected from the name, UNKNOWN for logs this library
 * does not read (they must fail with C2D_ERR_ZEEK_UNKNOWN_LOG). */
static void check_stream(const char *name, FILE *in, c2d_zeek_log expect) {
    c2d_zeek_reader *zr;
    if (c2d_zeek_reader_new(C2D_ZEEK_UNKNOWN, NULL, NULL, &zr) != C2D_OK) abort();
    count_ctx cc = {0, 1, 0, 0};
    char buf[8192];
    size_t n;
    while ((n = fread(buf, 1, sizeof buf, in)) > 0) {
        count_bytes(&cc, buf, n);
        (void)c2d_zeek_reader_feed(zr, buf, n);
    }
    count_bytes(&cc, "\n", 1);
    c2d_zeek_report rep;
    rep.size = sizeof rep;
    c2d_status st = c2d_zeek_reader_finish(zr, &rep);
    c2d_zeek_reader_free(zr);
    int ok;
    if (expect == C2D_ZEEK_UNKNOWN)
        ok = st == C2D_ERR_ZEEK_UNKNOWN_LOG && rep.records == 0;
    else
        ok = st == C2D_OK && rep.log == expect && rep.records == cc.data_lines && rep.rejected == 0 &&
             rep.lines == rep.records + rep.skipped;
    printf("%s %-60s %-7s %-6s records %llu of %llu data lines, rejected %llu, unconverted %llu%s\n",
           ok ? "ok  " : "FAIL", name, c2d_status_name(st) + 4, c2d_zeek_log_name(rep.log),
           (unsigned long long)rep.records, (unsigned long long)cc.data_lines, (unsigned long long)rep.rejected,
           (unsigned long long)rep.unconverted, rep.json ? " (json)" : "");
    if (!ok) shared_failures++;
}

/* The kind a file name says: the word before ".log" (or ".labeled.log")
 * after the last '_' or '/', e.g. "..._dnscat2-..._http.log.gz" is http. */
static c2d_zeek_log expect_of(const char *name) {
    const char *base = strrchr(name, '/');
    base = base ? base + 1 : name;
    const char *end = strstr(base, ".labeled.log");
    if (!end) end = strstr(base, ".log");
    if (!end) return C2D_ZEEK_UNKNOWN;
    const char *word = end;
    while (word > base && word[-1] != '_') word--;
    for (int k = C2D_ZEEK_CONN; k <= C2D_ZEEK_X509; k++) {
        const char *kn = c2d_zeek_log_name((c2d_zeek_log)k);
        if ((size_t)(end - word) == strlen(kn) && !memcmp(word, kn, strlen(kn))) return (c2d_zeek_log)k;
    }
    return C2D_ZEEK_UNKNOWN;
}

static int run_shared_data(void) {
    const char *root = getenv("C2D_SHARED_DATA_DIR"); /* a worktree elsewhere can point at the data */
    if (!root || !*root) root = C2D_SHARED_DATA_DIR;
    static const char *dirs[] = {"flows", "tls", "http"};
    struct stat st;
    if (stat(root, &st) != 0 || system("gzip --version > /dev/null 2>&1") != 0 ||
        system("tar --version > /dev/null 2>&1") != 0) {
        printf("shared data or gzip/tar missing: skipped\n");
        return 77;
    }
    int files = 0;
    for (size_t d = 0; d < 3; d++) {
        char dir[4096];
        snprintf(dir, sizeof dir, "%s/%s", root, dirs[d]);
        DIR *dh = opendir(dir);
        if (!dh) continue;
        struct dirent *e;
        while ((e = readdir(dh))) {
            const char *nm = e->d_name;
            size_t l = strlen(nm);
            char path[8192], cmd[8400];
            snprintf(path, sizeof path, "%s/%s", dir, nm);
            if (l > 7 && !strcmp(nm + l - 7, ".log.gz")) {
            } else if (l > 12 && !strcmp(nm + l - 12, ".log.json.gz")) {
            } else if (l > 7 && strstr(nm, "zeek_logs") && !strcmp(nm + l - 7, ".tar.gz")) {
                char tmp[] = "/tmp/c2d_zeek_shared_XXXXXX";
                if (!mkdtemp(tmp)) return 1;
                snprintf(cmd, sizeof cmd, "tar xzf '%s' -C '%s' && find '%s' -name '*.log' | sort", path, tmp, tmp);
                FILE *ls = popen(cmd, "r");
                char member[4096];
                while (ls && fgets(member, sizeof member, ls)) {
                    member[strcspn(member, "\n")] = 0;
                    FILE *in = fopen(member, "rb");
                    if (!in) continue;
                    char label[4200];
                    snprintf(label, sizeof label, "%s:%s", nm, member + strlen(tmp) + 1);
                    check_stream(label, in, expect_of(member));
                    fclose(in);
                    files++;
                }
                if (ls) pclose(ls);
                snprintf(cmd, sizeof cmd, "rm -rf '%s'", tmp);
                if (system(cmd) != 0) return 1;
                continue;
            } else {
                continue;
            }
            snprintf(cmd, sizeof cmd, "gzip -dc '%s'", path);
            FILE *in = popen(cmd, "r");
            if (!in) return 1;
            check_stream(nm, in, expect_of(nm));
            pclose(in);
            files++;
        }
        closedir(dh);
    }
    printf("%d Zeek logs, %d failures\n", files, shared_failures);
    if (files == 0) return 77;
    return shared_failures ? 1 : 0;
}

int main(int argc, char **argv) {
    if (argc > 1 && !strcmp(argv[1], "--shared-data")) return run_shared_data();
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_conn_tsv_all_directives),
        cmocka_unit_test(test_conn_json_matches_tsv),
        cmocka_unit_test(test_dns_custom_separators_and_escapes),
        cmocka_unit_test(test_dns_json_and_answer_cap),
        cmocka_unit_test(test_http_unset_empty_escaped),
        cmocka_unit_test(test_bad_lines_exact_statuses),
        cmocka_unit_test(test_missing_column_and_kinds),
        cmocka_unit_test(test_json_rejects),
        cmocka_unit_test(test_two_blocks),
        cmocka_unit_test(test_chunking_every_byte),
        cmocka_unit_test(test_line_cap_and_crlf),
        cmocka_unit_test(test_ssl_x509_counted),
        cmocka_unit_test(test_api_and_oom),
        cmocka_unit_test(test_zeek_read_file),
        cmocka_unit_test(test_bounded_memory),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
