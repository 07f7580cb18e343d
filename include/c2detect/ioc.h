/* libc2detect: indicator-of-compromise store (IPs, CIDR ranges, ip:port, domains,
 * URLs) with feed loaders, port facts, weak signals and the IOC family features.
 * This header is part of the public API. */
#ifndef C2DETECT_IOC_H
#define C2DETECT_IOC_H

#include <stddef.h>
#include <stdint.h>

#include "common.h"

#ifdef __cplusplus
extern "C" {
#endif

/* ------------------------------------------------------------------- types */
/* Indicator types. Values are fixed forever. Since 0.1.0. */
typedef enum c2d_ioc_type {
    C2D_IOC_UNKNOWN = 0, /* as an input: infer the type from the value's text */
    C2D_IOC_IP = 1,      /* one IPv4 or IPv6 address */
    C2D_IOC_CIDR = 2,    /* an address range "net/len"; the longest prefix matches first */
    C2D_IOC_IP_PORT = 3, /* "a.b.c.d:port" or "[v6]:port" */
    C2D_IOC_DOMAIN = 4,  /* a name; matches itself and every name below it at a label boundary */
    C2D_IOC_URL = 5,     /* a URL, compared after normalisation (see c2d_ioc_normalize_url) */
    C2D_IOC_URL_PATH = 6, /* a host-less path trail "/gate.php" (maltrail): matches any URL
                            whose normalised path, or path?query, is exactly it */
    /* TLS fingerprints (since 0.2.0). Never inferred from text (a 32- or
     * 40-digit hex string may be a file hash): give the type, or load a feed
     * whose header names it. Matched exactly with c2d_iocdb_match_fingerprint. */
    C2D_IOC_JA3 = 7,      /* a JA3 or JA3S MD5: 32 hex digits, stored lower-case */
    C2D_IOC_JA4 = 8,      /* a TLS-client JA4, e.g. "t13d1516h2_8daaf6152771_e5627efa2ab1";
                             its two hashes stored lower-case */
    C2D_IOC_CERT_SHA1 = 9 /* a certificate's SHA-1 over its DER: 40 hex digits, lower-case */
} c2d_ioc_type;

/* Number of types (one past the highest value); 10 since 0.2.0, 7 before. */
#define C2D_IOC_TYPE_COUNT 10
/* Types of 0.1.0 (C2D_IOC_UNKNOWN..C2D_IOC_URL_PATH): the length of
 * c2d_ioc_load_report.by_type, which keeps its 0.1.0 layout. Since 0.2.0. */
#define C2D_IOC_TYPE_COUNT_V1 7

/* Static lower-case name of a type ("ip", "cidr", "ip:port", "domain", "url",
 * "url-path", "ja3", "ja4", "cert-sha1", "unknown"). Never NULL. Thread-safe.
 * Since 0.1.0 (the last three since 0.2.0). */
C2D_API const char *c2d_ioc_type_name(c2d_ioc_type type);

/* One indicator to add (caller-owned; strings are copied by the store).
 * Set `size = sizeof(c2d_ioc_entry)`. NULL strings mean "none". Times are Unix
 * seconds UTC, 0 = unknown. `confidence` is 0..100. Since 0.1.0. */
typedef struct c2d_ioc_entry {
    size_t size;
    c2d_ioc_type type;       /* C2D_IOC_UNKNOWN: inferred from `value` */
    const char *value;       /* NUL-terminated indicator text */
    const char *family;      /* malware family, e.g. "QakBot" (interned) */
    const char *threat_type; /* e.g. "botnet_cc", "payload_delivery" (interned) */
    const char *source;      /* feed name, e.g. "threatfox" (interned) */
    const char *tags;        /* free text, e.g. "exe,Qakbot" (interned) */
    unsigned confidence;
    int64_t first_seen;
    int64_t last_seen;
} c2d_ioc_entry;

/* What the store knows about one indicator; filled by c2d_iocdb_get.
 * Set `size = sizeof(c2d_ioc_info)`. Every string points into the store, is
 * NUL-terminated, never NULL ("" when absent) and lives as long as the store.
 * Since 0.1.0. */
typedef struct c2d_ioc_info {
    size_t size;
    c2d_ioc_type type;
    const char *value;       /* normalised text: lower-case domain, canonical IP, normalised URL */
    const char *family;
    const char *threat_type;
    const char *source;
    const char *tags;
    unsigned confidence;
    int64_t first_seen;
    int64_t last_seen;
    unsigned prefix_len;     /* CIDR prefix length; 32/128 for an IP; 0 otherwise */
    unsigned port;           /* ip:port only, else 0 */
    unsigned family_id;      /* index usable with c2d_iocdb_family; 0 = no family */
} c2d_ioc_info;

/* ------------------------------------------------------------------- store */
/* An indicator store. Life cycle:
 *   1. c2d_iocdb_new, then any number of c2d_iocdb_add / c2d_iocdb_load_*
 *      (one thread at a time);
 *   2. c2d_iocdb_finalize builds the lookup indexes; from then on the store is
 *      immutable and every const function may be called from any number of
 *      threads at once, without locks; lookups allocate nothing.
 * Adding to a finalised store is refused (C2D_ERR_STATE). To refresh feeds,
 * build a NEW store in the background, finalise it, publish its pointer
 * atomically (e.g. C11 atomic_store of a `c2d_iocdb *`), and free the old one
 * only after every reader that may hold it has finished (reference count,
 * RCU grace period, or "swap then wait one scan interval"). Since 0.1.0. */
typedef struct c2d_iocdb c2d_iocdb;

/* Create an empty store. `alloc` NULL = malloc. On success *out owns the store
 * (free with c2d_iocdb_free). Returns C2D_OK, C2D_ERR_INVALID_ARG, C2D_ERR_NOMEM.
 * Since 0.1.0. */
C2D_API c2d_status c2d_iocdb_new(const c2d_allocator *alloc, c2d_iocdb **out);

/* Free a store and everything it owns; NULL is a no-op. No reader may still
 * use it or any string obtained from it. Since 0.1.0. */
C2D_API void c2d_iocdb_free(c2d_iocdb *db);

/* Add one indicator (before finalize). The value is normalised; a value that
 * does not parse as its type gives C2D_ERR_MALFORMED and adds nothing.
 * Returns C2D_OK, C2D_ERR_INVALID_ARG (NULL, bad size, confidence > 100),
 * C2D_ERR_MALFORMED, C2D_ERR_LIMIT (over 2^31 indicators or 4 GiB of text),
 * C2D_ERR_STATE (already finalised), C2D_ERR_NOMEM (the store is unchanged).
 * Since 0.1.0. */
C2D_API c2d_status c2d_iocdb_add(c2d_iocdb *db, const c2d_ioc_entry *entry);

/* Feed formats for the loaders. Values are fixed forever. Since 0.1.0. */
typedef enum c2d_ioc_format {
    C2D_IOC_FORMAT_AUTO = 0,      /* guess from the first bytes (see docs/ioc.md) */
    C2D_IOC_FORMAT_CSV = 1,       /* header-driven CSV: ThreatFox CSV export (its
                                     "# \"first_seen_utc\",..." header comment, ", "
                                     separators, quoted fields), the ThreatFox ip:port
                                     CSV (first_seen_utc,ioc_id,ip,port,...), the
                                     maltrail CSV (family,indicator,indicator_type), and
                                     (since 0.2.0) the abuse.ch SSLBL JA3 CSV
                                     ("# ja3_md5,Firstseen,Lastseen,Listingreason") and
                                     certificate CSV ("SHA1,ListingReason,ListingDate",
                                     M/D/YYYY H:MM dates); family = Listingreason */
    C2D_IOC_FORMAT_THREATFOX_JSON = 2, /* ThreatFox JSON export {"id":[{...}],...} */
    C2D_IOC_FORMAT_LIST = 3       /* one indicator per line, '#' comments, type inferred;
                                     maltrail trail files are lists (family = caller's) */
} c2d_ioc_format;

/* Called once per rejected line, in line order (1-based line numbers), with a
 * static reason text. Runs on the loading thread. Since 0.1.0. */
typedef void (*c2d_ioc_reject_fn)(void *ctx, uint64_t line, const char *reason);

/* Loader options (caller-owned; may be NULL for defaults). Set
 * `size = sizeof(c2d_ioc_load_options)`. Defaults apply to lines that do not
 * carry the field themselves. Since 0.1.0. */
typedef struct c2d_ioc_load_options {
    size_t size;
    c2d_ioc_format format;
    const char *family;       /* LIST: family of every line (default none) */
    const char *source;       /* source name stored with each indicator (default: format name) */
    const char *threat_type;  /* default threat type (default none) */
    unsigned confidence;      /* default confidence when the feed has none (0 = use 50) */
    c2d_ioc_reject_fn on_reject; /* optional */
    void *reject_ctx;
} c2d_ioc_load_options;

#define C2D_IOC_REPORT_LINES 16

/* What a load did (filled by the loaders; caller-owned). Set
 * `size = sizeof(c2d_ioc_load_report)`. Every input line is counted in exactly
 * one of loaded, rejected, skipped (comments, blank, header). A report of the
 * 0.1.0 size (without by_type_tls) is still accepted and filled up to its size.
 * Since 0.1.0. */
typedef struct c2d_ioc_load_report {
    size_t size;
    c2d_ioc_format format;      /* the format used (after AUTO) */
    uint64_t lines;             /* physical lines seen (JSON: records) */
    uint64_t loaded;            /* indicators added */
    uint64_t rejected;          /* malformed lines/records */
    uint64_t skipped;           /* comments, blank lines, header lines */
    uint64_t unsupported;       /* well-formed but of a type the store does not hold
                                   (hashes); also counted in `skipped` */
    uint64_t by_type[C2D_IOC_TYPE_COUNT_V1];       /* loaded per type of 0.1.0 */
    uint64_t first_rejected[C2D_IOC_REPORT_LINES]; /* line numbers of the first rejects */
    uint64_t by_type_tls[3];    /* loaded C2D_IOC_JA3, C2D_IOC_JA4, C2D_IOC_CERT_SHA1
                                   (index type - C2D_IOC_JA3); since 0.2.0 */
} c2d_ioc_load_report;

/* Load a feed from memory (before finalize). Malformed lines are counted,
 * reported (report and on_reject) and skipped; the rest loads. A JSON syntax
 * error stops the JSON loader at that point (the record number is reported,
 * what was read before stays loaded) and returns C2D_ERR_MALFORMED.
 * A UTF-8 byte-order mark at the start and CRLF line ends are accepted in
 * every format; CSV header names are matched after trimming blanks, in any
 * ASCII case. A CSV header that names columns but lacks one its format needs
 * (no indicator column; a ThreatFox header, recognised by `ioc_id`, without
 * first_seen_utc, threat_type, a family column or, for the full export,
 * ioc_type, last_seen_utc or confidence_level) stops the load with
 * C2D_ERR_FEED_COLUMN (since 0.2.0): the header line is counted as rejected
 * with a reason naming the column, nothing of the feed is loaded.
 * `report` may be NULL. Returns C2D_OK (even with rejected lines),
 * C2D_ERR_INVALID_ARG, C2D_ERR_MALFORMED (JSON only), C2D_ERR_FEED_COLUMN
 * (CSV only), C2D_ERR_STATE,
 * C2D_ERR_LIMIT, C2D_ERR_NOMEM (indicators added before the failure stay).
 * Since 0.2.0 also (nothing is added and `report` counts what was read):
 * C2D_ERR_IOC_EMPTY_FEED when no line yields an indicator (empty input, only
 * comments or headers, every line rejected); C2D_ERR_IOC_COMPRESSED when the
 * bytes start with a gzip, xz, bzip2, zstd or zip signature;
 * C2D_ERR_IOC_UNKNOWN_FORMAT when the first 4 KiB hold a NUL or another
 * control byte than tab, CR, LF, FF, VT (binary data). Before 0.2.0 such
 * input returned C2D_OK with nothing loaded. Since 0.1.0. */
C2D_API c2d_status c2d_iocdb_load_memory(c2d_iocdb *db, const void *data, size_t len,
                                         const c2d_ioc_load_options *options,
                                         c2d_ioc_load_report *report);

/* As c2d_iocdb_load_memory, from a file (plain text; decompress first: a
 * compressed file gives C2D_ERR_IOC_COMPRESSED). Also returns C2D_ERR_IO.
 * Since 0.1.0. */
C2D_API c2d_status c2d_iocdb_load_file(c2d_iocdb *db, const char *path,
                                       const c2d_ioc_load_options *options,
                                       c2d_ioc_load_report *report);

/* Build the lookup indexes and the port -> family table; the store becomes
 * read-only. Calling it twice is C2D_ERR_STATE. Returns C2D_OK,
 * C2D_ERR_INVALID_ARG, C2D_ERR_STATE, C2D_ERR_NOMEM (the store stays
 * unfinalised and may be freed or finalised again). Since 0.1.0. */
C2D_API c2d_status c2d_iocdb_finalize(c2d_iocdb *db);

/* Number of indicators of a type (C2D_IOC_UNKNOWN: all); 0 for NULL or an
 * unknown type. Thread-safe after finalize. Since 0.1.0. */
C2D_API size_t c2d_iocdb_count(const c2d_iocdb *db, c2d_ioc_type type);

/* Bytes the store holds from its allocator (0 for NULL). Thread-safe after
 * finalize. Since 0.1.0. */
C2D_API size_t c2d_iocdb_memory_bytes(const c2d_iocdb *db);

/* Interned family `id` (1-based; ids are dense 1..n). *name points into the
 * store; *n_indicators counts indicators of that family. Returns C2D_OK,
 * C2D_ERR_INVALID_ARG, C2D_ERR_NOT_FOUND (id out of range). Since 0.1.0. */
C2D_API c2d_status c2d_iocdb_family(const c2d_iocdb *db, unsigned id, const char **name,
                                    size_t *n_indicators);

/* Attributes of indicator `id` (from a match). Returns C2D_OK,
 * C2D_ERR_INVALID_ARG (NULL, small size), C2D_ERR_NOT_FOUND. Thread-safe.
 * Since 0.1.0. */
C2D_API c2d_status c2d_iocdb_get(const c2d_iocdb *db, uint32_t id, c2d_ioc_info *info);

/* ----------------------------------------------------------------- lookups */
/* Every lookup writes the ids of ALL matching indicators, best first, into
 * ids[0..min(cap, total)) and the total number of matches to *n_total (so
 * total > cap means only the best `cap` were written). Best first means: more
 * specific first (ip:port, then exact IP, then CIDR by descending prefix
 * length; for domains the longest matching suffix first), then higher
 * confidence, then later last_seen, then lower id. `ids` may be NULL when cap
 * is 0. They allocate nothing, take no lock and are safe from any number of
 * threads on a finalised store. Return C2D_OK (also when nothing matches),
 * C2D_ERR_INVALID_ARG, C2D_ERR_STATE (not finalised). Since 0.1.0. */

/* IPv4 address `addr` in host order (1.2.3.4 = 0x01020304); `port` 0 means no
 * port known (ip:port indicators cannot match). Since 0.1.0. */
C2D_API c2d_status c2d_iocdb_match_ipv4(const c2d_iocdb *db, uint32_t addr, uint16_t port,
                                        uint32_t *ids, size_t cap, size_t *n_total);

/* Many IPv4 lookups at once, for packet batches: for each i, best[i] = the
 * best matching id (as the first id of c2d_iocdb_match_ipv4) or
 * C2D_IOC_NO_MATCH, and counts[i] (may be NULL) = the number of matches.
 * `ports` may be NULL (no port known for any). Same results as n single
 * calls; faster because the next addresses' index slots are prefetched while
 * the current ones are read. Returns C2D_OK, C2D_ERR_INVALID_ARG,
 * C2D_ERR_STATE. Allocates nothing; thread-safe. Since 0.1.0. */
#define C2D_IOC_NO_MATCH 0xFFFFFFFFu
C2D_API c2d_status c2d_iocdb_match_ipv4_batch(const c2d_iocdb *db, const uint32_t *addrs,
                                              const uint16_t *ports, size_t n, uint32_t *best,
                                              uint32_t *counts);

/* IPv6 address (16 bytes, network order); `port` as for IPv4. Since 0.1.0. */
C2D_API c2d_status c2d_iocdb_match_ipv6(const c2d_iocdb *db, const uint8_t addr[16],
                                        uint16_t port, uint32_t *ids, size_t cap,
                                        size_t *n_total);

/* An address in the flow table's 16-byte form (IPv4 mapped ::ffff:a.b.c.d is
 * looked up as IPv4, anything else as IPv6); `port` as for IPv4. The same
 * results as c2d_iocdb_match_ipv4 / _ipv6 on the converted address.
 * Since 0.2.0. */
C2D_API c2d_status c2d_iocdb_match_addr(const c2d_iocdb *db, const uint8_t addr[16],
                                        uint16_t port, uint32_t *ids, size_t cap,
                                        size_t *n_total);

/* A domain name (any case, optional trailing dot, at most 253 bytes; longer
 * names give C2D_ERR_LIMIT). Since 0.1.0. */
C2D_API c2d_status c2d_iocdb_match_domain(const c2d_iocdb *db, const char *name, size_t len,
                                          uint32_t *ids, size_t cap, size_t *n_total);

/* A URL, normalised first (at most 4096 bytes after normalisation, else
 * C2D_ERR_LIMIT; unparseable: C2D_ERR_MALFORMED). URL indicators and URL-path
 * indicators (on the path, and on path?query) match; use c2d_iocdb_match_text
 * to also match the URL's host. Since 0.1.0. */
C2D_API c2d_status c2d_iocdb_match_url(const c2d_iocdb *db, const char *url, size_t len,
                                       uint32_t *ids, size_t cap, size_t *n_total);

/* Any observed value as text: "1.2.3.4", "1.2.3.4:443", "[::1]:80", "2001:db8::1",
 * "a.evil.example", "http://a.evil.example/x". A URL matches URL indicators
 * and its host (as domain or IP, with its port). Also C2D_ERR_MALFORMED,
 * C2D_ERR_LIMIT. Since 0.1.0. */
C2D_API c2d_status c2d_iocdb_match_text(const c2d_iocdb *db, const char *value, size_t len,
                                        uint32_t *ids, size_t cap, size_t *n_total);

/* A TLS fingerprint observed in traffic: `type` is C2D_IOC_JA3 (a JA3 or
 * JA3S MD5, hex in any case), C2D_IOC_JA4 or C2D_IOC_CERT_SHA1 (hex in any
 * case), compared exactly with the stored indicators of that type. Same
 * output contract as the other lookups. Also C2D_ERR_MALFORMED (a value not of
 * the type's shape). Since 0.2.0. */
C2D_API c2d_status c2d_iocdb_match_fingerprint(const c2d_iocdb *db, c2d_ioc_type type,
                                               const char *value, size_t len, uint32_t *ids,
                                               size_t cap, size_t *n_total);

/* Many c2d_iocdb_match_text() lookups in one call: `n` observed values
 * separated by '\n' (one '\n' after the last is allowed; "a\n" with n 2 is
 * "a" and an empty value), in text[0..len): the cheap way in from languages
 * whose strings are slow to pass one by one. For each i: best[i] = the best
 * matching id or C2D_IOC_NO_MATCH, counts[i] = the number of matches; either
 * may be NULL. A value that does not parse
 * (C2D_ERR_MALFORMED, C2D_ERR_LIMIT, as c2d_iocdb_match_text) is recorded in
 * statuses[i] (C2D_OK for the others) with no match, and the batch goes on;
 * when `statuses` is NULL it stops the batch instead. *n_done (may be NULL)
 * gets the number of values completed (n on success, else the failing index).
 * Returns C2D_OK; C2D_ERR_INVALID_ARG (NULL db, NULL text with len > 0);
 * C2D_ERR_STATE (not finalised); C2D_ERR_TRUNCATED (fewer than n values);
 * C2D_ERR_MALFORMED with *n_done == n when text follows the n-th value (the
 * outputs then belong to a miscounted list); without `statuses`, the first
 * value's error. Allocates nothing; thread-safe. Since 0.2.0. */
C2D_API c2d_status c2d_iocdb_match_text_batch(const c2d_iocdb *db, const char *text, size_t len,
                                              size_t n, uint32_t *best, uint32_t *counts,
                                              c2d_status *statuses, size_t *n_done);

/* Normalise a URL as the store does: scheme and host lower-case, default port
 * (:80 for http, :443 for https) removed, percent-encoded unreserved characters
 * (A-Z a-z 0-9 - . _ ~) decoded, other percent escapes upper-cased, a bare '%'
 * written "%25" (normalising twice changes nothing), trailing dots of the host
 * removed, empty path
 * becomes "/", fragment dropped, a missing scheme becomes "http://" (maltrail
 * trails). Writes a NUL-terminated string; *out_len excludes the NUL. Returns
 * C2D_OK, C2D_ERR_INVALID_ARG, C2D_ERR_MALFORMED (no host, bad port),
 * C2D_ERR_BUFFER_TOO_SMALL (*out_len = needed length). Thread-safe.
 * Since 0.1.0. */
C2D_API c2d_status c2d_ioc_normalize_url(const char *url, size_t len, char *out, size_t cap,
                                         size_t *out_len);

/* -------------------------------------------------------------- port facts */
/* 1 when the port's decimal digits contain "80" (80, 8080, 10080, 180...),
 * else 0 (seed 002's possible_http). Since 0.1.0. */
C2D_API int c2d_port_possible_http(unsigned port);

/* 1 when the port's decimal digits contain "443" (443, 8443, 4433...). Since 0.1.0. */
C2D_API int c2d_port_possible_https(unsigned port);

/* Families seen on `port` among the store's ip:port indicators, most frequent
 * first (ties: lower family id; id 0 counts indicators without a family; see
 * c2d_iocdb_family for names). Writes up to `cap` family ids / counts;
 * *n_total = number of distinct families on that port; *n_port (optional) =
 * number of ip:port indicators on that port. Finalised store only.
 * Returns C2D_OK, C2D_ERR_INVALID_ARG, C2D_ERR_STATE. Thread-safe. Since 0.1.0. */
C2D_API c2d_status c2d_iocdb_port_families(const c2d_iocdb *db, uint16_t port,
                                           unsigned *family_ids, uint32_t *counts,
                                           size_t cap, size_t *n_total, size_t *n_port);

/* Domain age: *newly = 1 when the domain was registered less than
 * `threshold_days` days before `now` (both Unix seconds; a registration in the
 * future counts as new), else 0. Returns C2D_OK, C2D_ERR_INVALID_ARG (NULL
 * out, registered <= 0). Since 0.1.0. */
C2D_API c2d_status c2d_domain_newly_registered(int64_t registered, int64_t now,
                                               unsigned threshold_days, int *newly);

/* ----------------------------------------------- country rarity per client */
/* A small per-deployment counter of which destination countries each internal
 * client contacts. Owned by one thread at a time (no internal locking).
 * Rarity of country C for client K, after n_K observations of which n_KC went
 * to C:  rarity = 1 - (n_KC + 1) / (n_K + 2)   (Laplace-smoothed share), so a
 * country never seen from a client with a long history scores near 1, and a
 * client with no history scores 0.5. See docs/ioc.md. Since 0.1.0. */
typedef struct c2d_country_counter c2d_country_counter;

/* Create a counter holding at most `max_pairs` (client, country) pairs.
 * Returns C2D_OK, C2D_ERR_INVALID_ARG (max_pairs 0 or > 2^26), C2D_ERR_NOMEM.
 * Since 0.1.0. */
C2D_API c2d_status c2d_country_counter_new(const c2d_allocator *alloc, size_t max_pairs,
                                           c2d_country_counter **out);

/* Free; NULL is a no-op. No other thread may use it. Since 0.1.0. */
C2D_API void c2d_country_counter_free(c2d_country_counter *cc);

/* Count one contact of `client` (any 64-bit key, e.g. an IPv4 address) to
 * country `iso2` (two ASCII letters, any case). Allocates nothing. Returns
 * C2D_OK, C2D_ERR_INVALID_ARG (bad code), C2D_ERR_LIMIT (table full; the
 * contact is not counted). Since 0.1.0. */
C2D_API c2d_status c2d_country_counter_observe(c2d_country_counter *cc, uint64_t client,
                                               const char *iso2);

/* Rarity (formula above) of `iso2` for `client` in [0, 1]; *seen (optional) =
 * n_KC, *total (optional) = n_K. Returns C2D_OK, C2D_ERR_INVALID_ARG. Since 0.1.0. */
C2D_API c2d_status c2d_country_counter_rarity(const c2d_country_counter *cc, uint64_t client,
                                              const char *iso2, double *rarity,
                                              uint64_t *seen, uint64_t *total);

/* ------------------------------------------------ IOC family model features */
#define C2D_IOC_FAMILY_N_FEATURES 12

/* Feature row of schema `ioc-family-v1` (docs/features.md) for an IPv4 ip:port
 * IOC: `addr` host order, `iso2` two letters or NULL/"" when unknown, `asn` 0
 * when unknown. Writes C2D_IOC_FAMILY_N_FEATURES floats. Allocates nothing.
 * Returns C2D_OK, C2D_ERR_INVALID_ARG, C2D_ERR_BUFFER_TOO_SMALL. Since 0.1.0. */
C2D_API c2d_status c2d_ioc_family_features(uint32_t addr, uint16_t port, const char *iso2,
                                           uint32_t asn, float *row, size_t row_len);

#ifdef __cplusplus
}
#endif
#endif /* C2DETECT_IOC_H */
