/* Shared by the pcap and pcapng harnesses: read every frame of a capture held
 * in memory into a small flow table (decoder, sessions, DNS all exercised). */
#ifndef C2D_FUZZ_COMMON_FLOW_H
#define C2D_FUZZ_COMMON_FLOW_H
#include <stdint.h>
#include <stdlib.h>

#include "c2detect.h"

static void fuzz_ignore_session(void *user, const c2d_session *s) {
    c2d_session_class c;
    (void)user;
    (void)c2d_session_classify(s, NULL, &c);
}

static void fuzz_ignore_dns(void *user, const c2d_dns_event *ev) {
    (void)user;
    (void)ev;
}

static inline void fuzz_read_capture(const uint8_t *data, size_t size) {
    c2d_capture *cap = NULL;
    if (c2d_capture_open_memory(data, size, NULL, &cap) != C2D_OK) return;
    c2d_flow_settings set;
    c2d_flow_settings_default(&set);
    set.capacity = 8;
    set.payload_prefix_len = 16;
    set.hash_seed[0] = 1;
    c2d_flowtable *ft = NULL;
    if (c2d_flowtable_new(&set, NULL, &ft) != C2D_OK) {
        c2d_capture_free(cap);
        return;
    }
    c2d_flowtable_set_session_callback(ft, fuzz_ignore_session, NULL);
    c2d_flowtable_set_dns_callback(ft, fuzz_ignore_dns, NULL);
    c2d_frame f = {.size = sizeof f};
    for (int i = 0; i < 100000 && c2d_capture_next(cap, &f) == C2D_OK; i++) {
        c2d_flowtable_add_frame(ft, &f);
        if ((i & 15) == 0) c2d_flowtable_expire(ft, f.ts_ns);
    }
    c2d_flowtable_flush(ft);
    c2d_flowtable_free(ft);
    c2d_capture_free(cap);
}
#endif
