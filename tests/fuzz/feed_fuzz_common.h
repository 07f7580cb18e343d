/* Shared body of the feed fuzz harnesses: load the bytes in one format, check
 * the report adds up, finalise, and look a few values up (also the loaded
 * indicators' own values, which must match themselves). */
#ifndef FEED_FUZZ_COMMON_H
#define FEED_FUZZ_COMMON_H

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "c2detect.h"
#include "fuzz_alloc.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static void feed_fuzz_one(const uint8_t *data, size_t size, c2d_ioc_format fmt) {
    c2d_iocdb *db = NULL;
    const c2d_allocator *a = fuzz_allocator(data, size);
    if (c2d_iocdb_new(a, &db) != C2D_OK) return;
    c2d_ioc_load_options o = {.size = sizeof o, .format = fmt, .family = "fuzz"};
    c2d_ioc_load_report r = {.size = sizeof r};
    c2d_status st = c2d_iocdb_load_memory(db, data, size, &o, &r);
    if (a && st == C2D_ERR_NOMEM) {
        /* what loaded before the failure stays, and the store stays usable */
        if (c2d_iocdb_count(db, C2D_IOC_UNKNOWN) != r.loaded) abort();
        st = c2d_iocdb_finalize(db);
        if (st == C2D_ERR_NOMEM) st = c2d_iocdb_finalize(db); /* unfinalised, retry allowed */
        if (st != C2D_OK) abort(); /* only one allocation ever fails */
        c2d_iocdb_free(db);
        fuzz_alloc_check(a);
        return;
    }
    if (st != C2D_OK && st != C2D_ERR_MALFORMED && st != C2D_ERR_FEED_COLUMN && st != C2D_ERR_IOC_EMPTY_FEED &&
        st != C2D_ERR_IOC_UNKNOWN_FORMAT && st != C2D_ERR_IOC_COMPRESSED)
        abort();
    if (st == C2D_OK && r.loaded == 0) abort(); /* an empty load is an error */
    if ((st == C2D_ERR_IOC_EMPTY_FEED || st == C2D_ERR_IOC_UNKNOWN_FORMAT ||
         st == C2D_ERR_IOC_COMPRESSED) && r.loaded != 0)
        abort();
    if ((st == C2D_ERR_IOC_UNKNOWN_FORMAT || st == C2D_ERR_IOC_COMPRESSED) && r.lines != 0) abort();
    /* a header without a needed column stops a CSV load before any indicator */
    if (st == C2D_ERR_FEED_COLUMN && (fmt != C2D_IOC_FORMAT_CSV || r.loaded || r.rejected < 1)) abort();
    if (fmt != C2D_IOC_FORMAT_THREATFOX_JSON && r.loaded + r.rejected + r.skipped != r.lines) abort();
    st = c2d_iocdb_finalize(db);
    if (a && st == C2D_ERR_NOMEM) st = c2d_iocdb_finalize(db); /* unfinalised, retry allowed */
    if (st != C2D_OK) abort();
    uint32_t ids[4];
    size_t n;
    for (uint32_t id = 0; id < r.loaded && id < 64; id++) {
        c2d_ioc_info in = {.size = sizeof in};
        if (c2d_iocdb_get(db, id, &in) != C2D_OK) abort();
        if (c2d_iocdb_match_text(db, in.value, strlen(in.value), ids, 4, &n) != C2D_OK) abort();
        if (n == 0) abort(); /* a stored indicator must match its own value */
    }
    (void)c2d_iocdb_match_ipv4(db, 0x01020304, 443, ids, 4, &n);
    (void)c2d_iocdb_match_domain(db, "a.b.example", 11, ids, 4, &n);
    (void)c2d_iocdb_match_text(db, (const char *)data, size > 300 ? 300 : size, ids, 4, &n);
    c2d_iocdb_free(db);
    fuzz_alloc_check(a);
}

#endif
