/* libFuzzer harness for c2d_iocdb_match_text_batch: any text against a small
 * fixed store must give a status with *n_done in range, and per value the same
 * answer as c2d_iocdb_match_text on that line (the oracle). */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "c2detect.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

#define MAX_ITEMS 64

static const char store_feed[] =
    "evil.example\n203.0.113.7\n203.0.113.8:995\n198.51.100.0/24\n2001:db8::/32\n"
    "[2001:db8::5]:443\nhttp://bad.example/gate.php?id=1\n/panel/login.php\n";

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
    static c2d_iocdb *db;
    if (!db) {
        c2d_ioc_load_options o = {.size = sizeof o, .format = C2D_IOC_FORMAT_LIST};
        if (c2d_iocdb_new(NULL, &db) != C2D_OK ||
            c2d_iocdb_load_memory(db, store_feed, strlen(store_feed), &o, NULL) != C2D_OK ||
            c2d_iocdb_finalize(db) != C2D_OK)
            abort();
    }
    const char *text = (const char *)data;
    size_t lines = 1;
    for (size_t i = 0; i < size; i++) lines += data[i] == '\n';
    const size_t tries[3] = {lines - 1, lines, lines + 1};
    uint32_t best[MAX_ITEMS], counts[MAX_ITEMS];
    c2d_status sts[MAX_ITEMS];
    for (int t = 0; t < 3; t++) {
        size_t k = tries[t];
        if (k > MAX_ITEMS) continue;
        size_t done = 99999;
        c2d_status st = c2d_iocdb_match_text_batch(db, text, size, k, best, counts, sts, &done);
        if (done > k) abort();
        if (st != C2D_OK) {
            if (st != C2D_ERR_TRUNCATED && st != C2D_ERR_MALFORMED) abort();
            if (st == C2D_ERR_TRUNCATED && done == k) abort();
            if (st == C2D_ERR_MALFORMED && done != k) abort();
            continue;
        }
        size_t pos = 0;
        for (size_t i = 0; i < k; i++) {
            const char *nl = memchr(text + pos, '\n', size - pos);
            size_t len = nl ? (size_t)(nl - (text + pos)) : size - pos;
            uint32_t id = C2D_IOC_NO_MATCH;
            size_t total = 0;
            c2d_status one = c2d_iocdb_match_text(db, text + pos, len, &id, 1, &total);
            if (one != sts[i]) abort();
            if (one == C2D_OK && (counts[i] != total || best[i] != (total ? id : C2D_IOC_NO_MATCH)))
                abort();
            if (one != C2D_OK && (counts[i] != 0 || best[i] != C2D_IOC_NO_MATCH)) abort();
            pos += len + 1;
        }
    }
    return 0;
}
