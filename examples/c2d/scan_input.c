/* Inputs of c2d scan (scan_input.h). */
#define _POSIX_C_SOURCE 200809L /* opendir for --zeek DIR */
#include <dirent.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "commands.h"
#include "scan_input.h"

int c2d_scan_load_feed(c2d_iocdb *ioc, const char *path) {
    c2d_ioc_load_report report = {.size = sizeof report};
    if (c2d_cli_load_feed(ioc, path, NULL, &report)) return 1; /* unreadable, or no indicator */
    if (report.rejected)
        fprintf(stderr, "c2d scan: %s: %llu lines rejected (first at line %llu)\n", path,
                (unsigned long long)report.rejected, (unsigned long long)report.first_rejected[0]);
    return 0;
}

int c2d_scan_read_capture(c2d_scan_input *in, const char *path) {
    c2d_flow_settings fs;
    c2d_flow_settings_default(&fs);
    fs.payload_prefix_len = in->prefix_bytes;
    c2d_flowtable *ft = NULL;
    c2d_capture *cap = NULL;
    c2d_cli_input keep = {0};
    int rc = 1;
    c2d_status st;
    if ((st = c2d_flowtable_new(&fs, NULL, &ft)) != C2D_OK) { c2d_cli_fail("flow table", st); goto done; }
    for (int i = 0; i < in->n_locals; i++)
        if ((st = c2d_flowtable_add_local_net(ft, in->locals[i])) != C2D_OK) { c2d_cli_fail(in->locals[i], st); goto done; }
    if ((st = c2d_hosts_attach(in->hosts, ft)) != C2D_OK) { c2d_cli_fail("host engine", st); goto done; }
    if (c2d_cli_open_capture(path, &cap, &keep)) goto done; /* "-" and gzip too */
    c2d_frame frame = {.size = sizeof frame};
    uint64_t last_expire = 0, frames = 0;
    while ((st = c2d_capture_next(cap, &frame)) == C2D_OK) {
        frames++;
        (void)c2d_flowtable_add_frame(ft, &frame); /* decode failures are counted in the stats */
        if (frame.ts_ns - last_expire > 1000000000ull) {
            c2d_flowtable_expire(ft, frame.ts_ns);
            last_expire = frame.ts_ns;
        }
    }
    rc = 0;
    if (st != C2D_CAPTURE_END) {
        if (frames == 0) {
            c2d_cli_fail(path, st);
            rc = 1;
            goto done;
        }
        rc = c2d_cli_damaged(path, (unsigned long long)c2d_capture_offset(cap), st); /* exit 3 */
        fprintf(stderr, "c2d scan: %llu frames were read before that; the hosts below are from them\n",
                (unsigned long long)frames);
    }
    c2d_flowtable_flush(ft);
    c2d_flow_stats fst = {.size = sizeof fst};
    c2d_flowtable_stats(ft, &fst);
    snprintf(in->summary, sizeof in->summary,
             "%llu frames, %llu sessions, %llu DNS messages (%llu unparsable), %llu sessions evicted from the "
             "flow table (capacity %u)",
             (unsigned long long)fst.frames, (unsigned long long)fst.sessions_ended,
             (unsigned long long)fst.dns_messages, (unsigned long long)fst.dns_errors,
             (unsigned long long)fst.sessions_evicted, fst.capacity);
done:
    c2d_capture_free(cap);
    c2d_cli_input_free(&keep);
    c2d_flowtable_free(ft);
    return rc;
}

/* --------------------------------------------------------------- Zeek */
/* One log of a Zeek directory: a push reader fed in chunks, whichever log's
 * last event is oldest going next, so that DNS answers reach the engine
 * before the sessions that use them and the input is roughly in time order. */
typedef struct zeek_log {
    const char *kind_name;
    c2d_zeek_log kind;
    char path[4096];
    FILE *f;                       /* plain files are streamed */
    c2d_cli_input whole;           /* gzip files are read whole (decompressed) */
    size_t pos;
    c2d_zeek_reader *r;
    c2d_hosts *hosts;
    uint64_t last_ts, rejected_reported;
    int done;
    c2d_zeek_report report;
} zeek_log;

static void zk_session(void *user, const c2d_session *s) {
    zeek_log *z = user;
    if (s->ts_ns > z->last_ts) z->last_ts = s->ts_ns;
    (void)c2d_hosts_add_session(z->hosts, s);
}
static void zk_dns(void *user, const c2d_dns_event *ev) {
    zeek_log *z = user;
    if (ev->ts_ns > z->last_ts) z->last_ts = ev->ts_ns;
    (void)c2d_hosts_add_dns(z->hosts, ev);
}
static void zk_http(void *user, const c2d_http_event *ev) {
    zeek_log *z = user;
    if (ev->ts_ns > z->last_ts) z->last_ts = ev->ts_ns;
    (void)c2d_hosts_add_http(z->hosts, ev);
}
static void zk_reject(void *user, uint64_t line, c2d_status why, const char *reason) {
    zeek_log *z = user;
    if (z->rejected_reported++ < 10)
        fprintf(stderr, "c2d scan: %s:%llu: line rejected: %s (%s)\n", z->path, (unsigned long long)line, reason,
                c2d_status_name(why));
}

/* The first entry of DIR named <kind>.log, <kind>.log.labeled, <kind>.labeled.log or
 * <kind>.json / <kind>.log.json; 0 when there is none. */
static int find_log(const char *dir, const char *kind, char *out, size_t cap) {
    static const char *const suffixes[] = {".log",    ".log.labeled",    ".labeled.log",    ".log.json",    ".json",
                                           ".log.gz", ".log.labeled.gz", ".labeled.log.gz", ".log.json.gz", ".json.gz"};
    DIR *d = opendir(dir);
    if (!d) return -1;
    int found = 0;
    for (size_t k = 0; k < sizeof suffixes / sizeof *suffixes && !found; k++) {
        char want[64];
        snprintf(want, sizeof want, "%s%s", kind, suffixes[k]);
        rewinddir(d);
        for (struct dirent *e; (e = readdir(d)) != NULL;)
            if (!strcmp(e->d_name, want)) {
                snprintf(out, cap, "%s/%s", dir, e->d_name);
                found = 1;
                break;
            }
    }
    closedir(d);
    return found;
}

int c2d_scan_read_zeek(c2d_scan_input *in, const char *dir) {
    zeek_log logs[3] = {{.kind_name = "conn", .kind = C2D_ZEEK_CONN},
                        {.kind_name = "dns", .kind = C2D_ZEEK_DNS},
                        {.kind_name = "http", .kind = C2D_ZEEK_HTTP}};
    int rc = 1, n_open = 0, damaged = 0;
    static char chunk[1 << 16];
    for (int i = 0; i < 3; i++) {
        zeek_log *z = &logs[i];
        z->hosts = in->hosts;
        z->done = 1;
        int f = find_log(dir, z->kind_name, z->path, sizeof z->path);
        if (f < 0) {
            fprintf(stderr, "c2d scan: --zeek %s: cannot read the directory\n", dir);
            goto done;
        }
        if (f == 0) continue;
        size_t pl = strlen(z->path);
        if (pl > 3 && !strcmp(z->path + pl - 3, ".gz")) {
            if (c2d_cli_read(z->path, &z->whole)) goto done;
        } else if (!(z->f = fopen(z->path, "rb"))) {
            fprintf(stderr, "c2d scan: cannot read %s\n", z->path);
            goto done;
        }
        c2d_zeek_callbacks cb = {.size = sizeof cb, .on_session = zk_session, .on_dns = zk_dns,
                                 .on_http = zk_http, .on_reject = zk_reject, .user = z};
        c2d_status st = c2d_zeek_reader_new(z->kind, &cb, NULL, &z->r);
        if (st != C2D_OK) { c2d_cli_fail(z->path, st); goto done; }
        z->done = 0;
        n_open++;
    }
    if (n_open == 0) {
        fprintf(stderr, "c2d scan: --zeek %s: no conn.log, dns.log or http.log there\n", dir);
        goto done;
    }
    for (;;) {
        zeek_log *next = NULL;
        for (int i = 0; i < 3; i++)
            if (!logs[i].done && (!next || logs[i].last_ts < next->last_ts)) next = &logs[i];
        if (!next) break;
        size_t got;
        const void *bytes = chunk;
        if (next->f) {
            got = fread(chunk, 1, sizeof chunk, next->f);
        } else {
            got = next->whole.len - next->pos < sizeof chunk ? next->whole.len - next->pos : sizeof chunk;
            bytes = next->whole.data + next->pos;
            next->pos += got;
        }
        c2d_status st = C2D_OK;
        if (got) st = c2d_zeek_reader_feed(next->r, bytes, got);
        if (st == C2D_OK && got < sizeof chunk) {
            if (next->f && ferror(next->f)) {
                fprintf(stderr, "c2d scan: %s: read error\n", next->path);
                goto done;
            }
            next->done = 1;
        }
        if (st != C2D_OK) next->done = 1;
        if (next->done) {
            next->report.size = sizeof next->report;
            c2d_status fin = c2d_zeek_reader_finish(next->r, &next->report);
            if (fin == C2D_ERR_UNSUPPORTED) {
                fprintf(stderr, "c2d scan: %s: compressed: decompress it first (gzip -d)\n", next->path);
                goto done;
            }
            if (fin != C2D_OK) {
                fprintf(stderr, "c2d scan: warning: %s: reading stopped at line %llu (byte %llu): %s (%s); "
                                "results below are for what was read\n",
                        next->path, (unsigned long long)next->report.error_line,
                        (unsigned long long)next->report.error_offset, c2d_strerror(fin), c2d_status_name(fin));
                damaged = 1;
            }
        }
    }
    size_t off = 0;
    off += (size_t)snprintf(in->summary + off, sizeof in->summary - off, "Zeek logs in %s:", dir);
    for (int i = 0; i < 3 && off < sizeof in->summary; i++) {
        const zeek_log *z = &logs[i];
        if (!z->r) continue;
        off += (size_t)snprintf(in->summary + off, sizeof in->summary - off,
                                " %s %llu records (%llu rejected, %llu not events)", z->kind_name,
                                (unsigned long long)z->report.records, (unsigned long long)z->report.rejected,
                                (unsigned long long)z->report.unconverted);
        if (z->report.records == 0 && z->report.error == C2D_OK)
            fprintf(stderr, "c2d scan: warning: %s yields no record\n", z->path);
    }
    rc = damaged ? 3 : 0;
done:
    for (int i = 0; i < 3; i++) {
        if (logs[i].f) fclose(logs[i].f);
        c2d_cli_input_free(&logs[i].whole);
        c2d_zeek_reader_free(logs[i].r);
    }
    return rc;
}
