/* libc2detect: many IOC text lookups in one call (c2d_iocdb_match_text_batch),
 * for bindings and log pipelines that hold observed values as text lines. */
#include <string.h>

#include "c2detect/ioc.h"

c2d_status c2d_iocdb_match_text_batch(const c2d_iocdb *db, const char *text, size_t len, size_t n,
                                      uint32_t *best, uint32_t *counts, c2d_status *statuses,
                                      size_t *n_done) {
    if (n_done) *n_done = 0;
    if (!db || (!text && len > 0)) return C2D_ERR_INVALID_ARG;
    size_t pos = 0;
    int after_newline = 1; /* the text's start counts as after a separator */
    for (size_t i = 0; i < n; i++) {
        if (pos >= len && !after_newline) {
            if (n_done) *n_done = i;
            return C2D_ERR_TRUNCATED;
        }
        const char *line = text + pos;
        const char *nl = memchr(line, '\n', len - pos);
        size_t line_len = nl ? (size_t)(nl - line) : len - pos;
        pos += line_len + (nl ? 1 : 0);
        after_newline = nl != NULL;
        uint32_t id = C2D_IOC_NO_MATCH;
        size_t total = 0;
        c2d_status st = c2d_iocdb_match_text(db, line, line_len, &id, 1, &total);
        if (st == C2D_ERR_INVALID_ARG || st == C2D_ERR_STATE) {
            /* about the store, not the value: every item would fail alike */
            if (n_done) *n_done = i;
            return st;
        }
        if (st != C2D_OK) {
            if (!statuses) {
                if (n_done) *n_done = i;
                return st;
            }
            id = C2D_IOC_NO_MATCH;
            total = 0;
        }
        if (statuses) statuses[i] = st;
        if (best) best[i] = total ? id : C2D_IOC_NO_MATCH;
        if (counts) counts[i] = total > UINT32_MAX ? UINT32_MAX : (uint32_t)total;
    }
    if (n_done) *n_done = n;
    /* more text than n values: the count and the text disagree */
    return pos < len ? C2D_ERR_MALFORMED : C2D_OK;
}
