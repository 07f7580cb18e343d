/* libFuzzer harness for the Zeek log reader: any bytes give a status; the
 * same input fed whole and in small chunks gives the same report; every
 * line is counted once; events hold only readable, bounded values. */
#include <stdlib.h>
#include <string.h>

#include "c2detect.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static volatile unsigned sink;

static void touch(const char *p, size_t n) {
    unsigned s = 0;
    for (size_t i = 0; i < n; i++) s += (unsigned char)p[i];
    sink += s;
}

static void on_session(void *u, const c2d_session *s) {
    (void)u;
    if (s->proto != 6 && s->proto != 17) abort();
    if (s->last_ns < s->ts_ns || s->orig_data_pkts > (s->orig_pkts ? s->orig_pkts : 1)) abort();
    if (s->counted != (s->orig_bytes || s->resp_bytes)) abort();
}

static void on_dns(void *u, const c2d_dns_event *ev) {
    (void)u;
    const c2d_dns_message *m = ev->message;
    if (m->n_addrs > C2D_DNS_MAX_ADDRS || m->qname_len >= C2D_DNS_NAME_BUF) abort();
    if (strlen(m->qname) != m->qname_len) abort();
}

static void on_http(void *u, const c2d_http_event *ev) {
    (void)u;
    if (ev->host) touch(ev->host, ev->host_len);
    if (ev->uri) touch(ev->uri, ev->uri_len);
    if (ev->host_len > C2D_ZEEK_MAX_LINE || ev->uri_len > C2D_ZEEK_MAX_LINE) abort();
}

static void on_reject(void *u, uint64_t line, c2d_status why, const char *reason) {
    (void)u;
    if (!line || why >= 0 || !reason) abort();
    touch(reason, strlen(reason));
}

static c2d_status read_all(const uint8_t *data, size_t size, c2d_zeek_log kind, size_t chunk,
                           c2d_zeek_report *rep) {
    c2d_zeek_callbacks cb = {sizeof cb, on_session, on_dns, on_http, on_reject, NULL};
    c2d_zeek_reader *r;
    if (c2d_zeek_reader_new(kind, &cb, NULL, &r) != C2D_OK) abort();
    for (size_t i = 0; i < size; i += chunk)
        if (c2d_zeek_reader_feed(r, data + i, size - i < chunk ? size - i : chunk) != C2D_OK) break;
    memset(rep, 0, sizeof *rep);
    rep->size = sizeof *rep;
    c2d_status st = c2d_zeek_reader_finish(r, rep);
    c2d_zeek_reader_free(r);
    if (rep->lines != rep->records + rep->rejected + rep->skipped) abort();
    if (rep->unconverted > rep->records || rep->error != st) abort();
    return st;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
    c2d_zeek_report whole, parts;
    c2d_zeek_log kind = (c2d_zeek_log)(size % 6);
    for (int pass = 0; pass < 2; pass++) {
        c2d_zeek_log k = pass ? kind : C2D_ZEEK_UNKNOWN;
        c2d_status a = read_all(data, size, k, size ? size : 1, &whole);
        c2d_status b = read_all(data, size, k, 1 + size % 13, &parts);
        if (a != b || memcmp(&whole, &parts, sizeof whole)) abort();
    }
    return 0;
}
