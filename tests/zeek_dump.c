/* zeek_dump: reads a Zeek log (file or stdin) with the C reader and prints one
 * text line per event, reject and the final report, in the format the Python
 * twin's test (bindings/python/tests/test_zeek.py) prints for its own rows.
 * An optional second argument is the kind given to the reader (c2d_zeek_log). */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "c2detect.h"

static void put_bytes(const char *p, size_t n) {
    for (size_t i = 0; i < n; i++) {
        unsigned char c = (unsigned char)p[i];
        if (c <= ' ' || c >= 0x7f || c == '%') printf("%%%02x", c);
        else putchar(c);
    }
}

static void put_addr(const uint8_t a[16]) {
    char buf[64];
    c2d_addr_format(a, buf, sizeof buf);
    fputs(buf, stdout);
}

static void on_session(void *user, const c2d_session *s) {
    (void)user;
    printf("S %llu ", (unsigned long long)s->ts_ns);
    put_addr(s->orig_h);
    printf(" %u ", s->orig_p);
    put_addr(s->resp_h);
    printf(" %u %u %u %llu %.9f %llu %llu %llu %llu %llu %llu %s %u %u %llu %llu %d %d %d %.6f %.6f %s\n",
           s->resp_p, s->proto, s->ip_version, (unsigned long long)s->last_ns, s->duration,
           (unsigned long long)s->orig_bytes, (unsigned long long)s->resp_bytes,
           (unsigned long long)s->orig_pkts, (unsigned long long)s->resp_pkts,
           (unsigned long long)s->orig_ip_bytes, (unsigned long long)s->resp_ip_bytes,
           c2d_conn_state_name(s->conn_state), s->orig_tcp_flags, s->resp_tcp_flags,
           (unsigned long long)s->orig_data_pkts, (unsigned long long)s->resp_data_pkts, s->local_orig,
           s->local_resp, s->counted, s->avg_payload_len, s->in_out_ratio, c2d_end_reason_name(s->end_reason));
}

static void on_dns(void *user, const c2d_dns_event *ev) {
    (void)user;
    const c2d_dns_message *m = ev->message;
    printf("D %llu ", (unsigned long long)ev->ts_ns);
    put_addr(ev->client_addr);
    printf(" %u ", ev->client_port);
    put_addr(ev->server_addr);
    printf(" %u %u q=", ev->transport, ev->ip_version);
    put_bytes(m->qname, m->qname_len);
    printf(" %u %u %u %u %u %u %u %u %u", m->qdcount, m->qtype, m->qclass, m->rcode, m->is_response,
           m->flags, m->id, m->ancount, m->n_addrs);
    for (uint32_t i = 0; i < m->n_addrs; i++) {
        putchar(' ');
        put_addr(m->addrs[i].addr);
        printf("/%u/%u", m->addrs[i].ip_version, m->addrs[i].ttl);
    }
    putchar('\n');
}

static void on_http(void *user, const c2d_http_event *ev) {
    (void)user;
    printf("H %llu ", (unsigned long long)ev->ts_ns);
    put_addr(ev->client_addr);
    putchar(' ');
    put_addr(ev->server_addr);
    printf(" %u ", ev->server_port);
    if (ev->host) put_bytes(ev->host, ev->host_len);
    else putchar('-');
    putchar(' ');
    if (ev->uri) put_bytes(ev->uri, ev->uri_len);
    else putchar('-');
    putchar('\n');
}

static void on_reject(void *user, uint64_t line, c2d_status why, const char *reason) {
    (void)user;
    (void)reason;
    printf("R %llu %s\n", (unsigned long long)line, c2d_status_name(why));
}

int main(int argc, char **argv) {
    if (argc != 2 && argc != 3) {
        fprintf(stderr, "usage: zeek_dump FILE|- [KIND 0-5]\n");
        return 2;
    }
    c2d_zeek_log kind = argc == 3 ? (c2d_zeek_log)atoi(argv[2]) : C2D_ZEEK_UNKNOWN;
    c2d_zeek_callbacks cb = {sizeof cb, on_session, on_dns, on_http, on_reject, NULL};
    c2d_zeek_report rep;
    rep.size = sizeof rep;
    c2d_status st;
    if (strcmp(argv[1], "-") == 0) {
        c2d_zeek_reader *r;
        if (c2d_zeek_reader_new(kind, &cb, NULL, &r) != C2D_OK) return 1;
        char buf[4096];
        size_t n;
        while ((n = fread(buf, 1, sizeof buf, stdin)) > 0)
            if (c2d_zeek_reader_feed(r, buf, n) != C2D_OK) break;
        st = c2d_zeek_reader_finish(r, &rep);
        c2d_zeek_reader_free(r);
    } else {
        st = c2d_zeek_read_file(argv[1], kind, &cb, NULL, &rep);
        if (st == C2D_ERR_IO) {
            fprintf(stderr, "zeek_dump: cannot read %s\n", argv[1]);
            return 1;
        }
    }
    printf("E %s %s %d %llu %llu %llu %llu %llu %llu %llu %llu %llu\n", c2d_status_name(st),
           c2d_zeek_log_name(rep.log), rep.json, (unsigned long long)rep.lines,
           (unsigned long long)rep.records, (unsigned long long)rep.rejected,
           (unsigned long long)rep.skipped, (unsigned long long)rep.unconverted,
           (unsigned long long)rep.blocks, (unsigned long long)rep.dns_answers_other,
           (unsigned long long)rep.dns_answers_over_cap, (unsigned long long)rep.error_line);
    return 0;
}
