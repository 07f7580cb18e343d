/* Inputs of c2d scan (scan_input.h). */
#include <stdio.h>
#include <string.h>

#include "commands.h"
#include "scan_input.h"

int c2d_scan_load_feed(c2d_iocdb *ioc, const char *path) {
    c2d_ioc_load_report report = {.size = sizeof report};
    c2d_status st = c2d_iocdb_load_file(ioc, path, NULL, &report);
    if (st != C2D_OK) return c2d_cli_fail(path, st);
    if (report.rejected)
        fprintf(stderr, "c2d scan: %s: %llu lines rejected (first at line %llu)\n", path,
                (unsigned long long)report.rejected, (unsigned long long)report.first_rejected[0]);
    if (report.loaded == 0) {
        fprintf(stderr, "c2d scan: %s: the feed yields no indicator (%llu lines read, %llu rejected, %llu skipped)\n",
                path, (unsigned long long)report.lines, (unsigned long long)report.rejected,
                (unsigned long long)report.skipped);
        return 1;
    }
    return 0;
}

int c2d_scan_read_capture(c2d_scan_input *in, const char *path) {
    c2d_flow_settings fs;
    c2d_flow_settings_default(&fs);
    fs.payload_prefix_len = in->prefix_bytes;
    c2d_flowtable *ft = NULL;
    c2d_capture *cap = NULL;
    int rc = 1;
    c2d_status st;
    if ((st = c2d_flowtable_new(&fs, NULL, &ft)) != C2D_OK) { c2d_cli_fail("flow table", st); goto done; }
    for (int i = 0; i < in->n_locals; i++)
        if ((st = c2d_flowtable_add_local_net(ft, in->locals[i])) != C2D_OK) { c2d_cli_fail(in->locals[i], st); goto done; }
    if ((st = c2d_hosts_attach(in->hosts, ft)) != C2D_OK) { c2d_cli_fail("host engine", st); goto done; }
    if ((st = c2d_capture_open_file(path, NULL, &cap)) != C2D_OK) { c2d_cli_fail(path, st); goto done; }
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
        fprintf(stderr, "c2d scan: warning: %s: input damaged at byte %llu after %llu frames: %s (%s); "
                        "results below are for what was read\n",
                path, (unsigned long long)c2d_capture_offset(cap), (unsigned long long)frames,
                c2d_strerror(st), c2d_status_name(st));
        rc = 3;
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
    c2d_flowtable_free(ft);
    return rc;
}

int c2d_scan_read_zeek(c2d_scan_input *in, const char *dir) {
    (void)in;
    fprintf(stderr, "c2d scan: --zeek %s: Zeek logs are not readable by this build\n", dir);
    return 1;
}
