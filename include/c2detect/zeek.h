/* libc2detect: a push reader for Zeek logs (conn, dns, http; ssl and x509
 * recognised and counted) in Zeek's TSV format or as JSON lines, turning rows
 * into the inputs of the host engine: c2d_session, c2d_dns_event and
 * c2d_http_event. Columns and keys are matched by name. The mapping, the
 * approximations and every reason a line is rejected: docs/zeek.md. */
#ifndef C2DETECT_ZEEK_H
#define C2DETECT_ZEEK_H

#include <stddef.h>
#include <stdint.h>

#include "c2detect/common.h"
#include "c2detect/dns.h"
#include "c2detect/flow.h"
#include "c2detect/hosts.h"

#ifdef __cplusplus
extern "C" {
#endif

/* Longest line the reader accepts, newline excluded. A longer line is
 * rejected (C2D_ERR_ZEEK_LINE_TOO_LONG) and the reader goes on with the next
 * one; memory never grows with the input. Since 0.2.0. */
#define C2D_ZEEK_MAX_LINE 65536u
/* Most columns of one #fields line (more: C2D_ERR_ZEEK_HEADER). Since 0.2.0. */
#define C2D_ZEEK_MAX_COLUMNS 256u
/* Line numbers kept in c2d_zeek_report.first_rejected. Since 0.2.0. */
#define C2D_ZEEK_FIRST_REJECTED 16u

/* Kinds of log. Values are fixed forever. Since 0.2.0. */
typedef enum c2d_zeek_log {
    C2D_ZEEK_UNKNOWN = 0,
    C2D_ZEEK_CONN = 1,   /* conn.log: one c2d_session per tcp/udp row */
    C2D_ZEEK_DNS = 2,    /* dns.log: one c2d_dns_event per row */
    C2D_ZEEK_HTTP = 3,   /* http.log: one c2d_http_event per row */
    C2D_ZEEK_SSL = 4,    /* ssl.log: rows checked and counted, no event yet */
    C2D_ZEEK_X509 = 5    /* x509.log: rows checked and counted, no event yet */
} c2d_zeek_log;

/* Static name of a kind ("conn", "dns", "http", "ssl", "x509"; "unknown"
 * otherwise): the #path value Zeek writes. Thread-safe. Since 0.2.0. */
C2D_API const char *c2d_zeek_log_name(c2d_zeek_log kind);

/* Where rows go. Caller-owned, copied by c2d_zeek_reader_new(); set
 * `size = sizeof(c2d_zeek_callbacks)`. Every callback may be NULL. The record
 * a callback receives, and every pointer inside it (the DNS message, HTTP host
 * and uri, the reason text), is valid only during that call: copy what you
 * keep. Callbacks run on the thread that calls feed/finish and must not call
 * back into the same reader. Since 0.2.0. */
typedef struct c2d_zeek_callbacks {
    size_t size;
    void (*on_session)(void *user, const c2d_session *s);   /* conn.log tcp/udp rows */
    void (*on_dns)(void *user, const c2d_dns_event *ev);    /* dns.log rows */
    void (*on_http)(void *user, const c2d_http_event *ev);  /* http.log rows: host, uri; header NULL */
    /* every rejected line: its 1-based line number, the status and a short
     * text naming the column and the fault (NUL-terminated) */
    void (*on_reject)(void *user, uint64_t line, c2d_status why, const char *reason);
    void *user;                                             /* passed back unchanged */
} c2d_zeek_callbacks;

/* Totals of one input. Set `size = sizeof(c2d_zeek_report)`; filled by
 * c2d_zeek_reader_finish() and c2d_zeek_read_file(). Every line is exactly one
 * of: a record, rejected, or skipped (lines = records + rejected + skipped;
 * after a fatal error the lines from error_line on are not counted). Since 0.2.0. */
typedef struct c2d_zeek_report {
    size_t size;
    c2d_zeek_log log;        /* the kind that was read (UNKNOWN when no header or record decided it) */
    int json;                /* 1: JSON lines; 0: TSV */
    uint64_t lines;          /* lines seen, the last one without a newline included */
    uint64_t records;        /* data lines that parsed: events given + unconverted */
    uint64_t rejected;       /* lines rejected (each reported through on_reject) */
    uint64_t skipped;        /* header, comment (#...) and blank lines */
    uint64_t unconverted;    /* records that give no event: conn rows whose proto is not
                                tcp/udp (icmp, unset), every ssl and x509 row */
    uint64_t blocks;         /* TSV header blocks (#fields lines); 0 for JSON */
    uint64_t dns_answers_other;   /* dns answers that are not addresses (names, TXT, ...) */
    uint64_t dns_answers_over_cap;/* address answers past C2D_DNS_MAX_ADDRS in a row */
    uint64_t bytes;          /* bytes fed; after a fatal error, bytes before the line that caused it */
    c2d_status error;        /* the fatal error that stopped reading, or C2D_OK */
    uint64_t error_line;     /* its line number (0 when none) */
    uint64_t error_offset;   /* byte offset of the start of that line */
    uint64_t first_rejected[C2D_ZEEK_FIRST_REJECTED]; /* line numbers of the first rejects, 0 = unused */
} c2d_zeek_report;

/* A push reader over one log. Feed it the bytes of a file (or a decompressed
 * stream) in chunks of any size; lines may span chunks. It holds two buffers
 * of C2D_ZEEK_MAX_LINE + 1 bytes and a few KB more, allocated by _new; feed
 * allocates nothing. Belongs to one thread at a time. Since 0.2.0. */
typedef struct c2d_zeek_reader c2d_zeek_reader;

/* Create a reader. `kind` UNKNOWN: the kind comes from the #path header (TSV)
 * or, for JSON lines, from "_path" or the keys of the first record (see
 * docs/zeek.md); another kind: the log must be of that kind
 * (C2D_ERR_ZEEK_LOG_MISMATCH when its path names another one; a path this
 * library does not know, e.g. conn_long, is read as `kind`). `cb` may be NULL (count only);
 * `alloc` NULL = malloc. Returns C2D_OK, C2D_ERR_INVALID_ARG (NULL out, kind
 * out of range, cb->size too small, bad allocator), C2D_ERR_NOMEM. On error
 * *out is NULL. Since 0.2.0. */
C2D_API c2d_status c2d_zeek_reader_new(c2d_zeek_log kind, const c2d_zeek_callbacks *cb,
                                       const c2d_allocator *alloc, c2d_zeek_reader **out);

/* Feed the next `len` bytes. Complete lines are parsed and their callbacks
 * called before this returns. A malformed line is rejected, counted and
 * reported, and does not make this fail. Returns C2D_OK, C2D_ERR_INVALID_ARG
 * (NULL reader, NULL data with len > 0), C2D_ERR_STATE (after finish), or a
 * fatal error that stops the reader and is returned again by every later feed
 * and by finish: C2D_ERR_ZEEK_HEADER (bad header directive, #types not
 * matching #fields, a TSV data line before any #fields),
 * C2D_ERR_ZEEK_MISSING_COLUMN (a required column is not in #fields),
 * C2D_ERR_ZEEK_UNKNOWN_LOG (a #path, "_path" or set of keys this library does
 * not read, e.g. weird or httpheaders), C2D_ERR_ZEEK_LOG_MISMATCH (another
 * kind than asked for, or a later TSV block of another kind),
 * C2D_ERR_UNSUPPORTED (gzip bytes: decompress first). Since 0.2.0. */
C2D_API c2d_status c2d_zeek_reader_feed(c2d_zeek_reader *r, const void *data, size_t len);

/* End of input: parse a last line that has no newline and fill `report`
 * (may be NULL). Later feeds return C2D_ERR_STATE; finish may be called again
 * and fills the same report. Returns C2D_OK, the reader's fatal error (the
 * report is filled all the same), C2D_ERR_INVALID_ARG (NULL reader,
 * report->size too small). Since 0.2.0. */
C2D_API c2d_status c2d_zeek_reader_finish(c2d_zeek_reader *r, c2d_zeek_report *report);

/* Release a reader. NULL is a no-op. Since 0.2.0. */
C2D_API void c2d_zeek_reader_free(c2d_zeek_reader *r);

/* Read a plain-text log file (not gzip: C2D_ERR_UNSUPPORTED) through a fixed
 * 64 KiB buffer with a reader as above, and fill `report` (may be NULL).
 * Returns C2D_OK (rejected lines are in the report, not an error), C2D_ERR_IO
 * (open or read failed), C2D_ERR_INVALID_ARG, C2D_ERR_NOMEM, or a fatal error
 * of c2d_zeek_reader_feed. Thread-safe for different reports. Since 0.2.0. */
C2D_API c2d_status c2d_zeek_read_file(const char *path, c2d_zeek_log kind,
                                      const c2d_zeek_callbacks *cb, const c2d_allocator *alloc,
                                      c2d_zeek_report *report);

#ifdef __cplusplus
}
#endif
#endif /* C2DETECT_ZEEK_H */
