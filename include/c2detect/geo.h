/* libc2detect: IP geolocation and ASN enrichment. A reader of MaxMind DB
 * (.mmdb) files, and a range table for IPv4 ASN CSV files. See docs/geo.md. */
#ifndef C2DETECT_GEO_H
#define C2DETECT_GEO_H

#include "common.h"

#ifdef __cplusplus
extern "C" {
#endif

/* =================================================================== MMDB */

/* An opened, validated MaxMind DB. Opaque and immutable: once open, any
 * number of threads may look up and decode through one handle at the same
 * time with no locking. Lookups and value reads allocate nothing. */
typedef struct c2d_geodb c2d_geodb;

/* Deepest nesting of maps/arrays a path or an iterator may descend into, and
 * the longest path c2d_geodb_get() accepts. Deeper data gives
 * C2D_ERR_MMDB_DEPTH. */
#define C2D_GEO_MAX_DEPTH 64

/* Largest file c2d_geodb_open_file() reads (the format's offsets are 32-bit). */
#define C2D_GEO_MAX_FILE_BYTES ((size_t)0xFFFFFFFFu)

/* Type of a decoded value. The numbers are the MaxMind DB type codes and are
 * fixed forever. Pointers are followed by the decoder and never appear. */
typedef enum c2d_geo_type {
    C2D_GEO_NONE = 0,     /* no value (a fresh struct) */
    C2D_GEO_STRING = 2,   /* UTF-8, `bytes`/`count`, not NUL-terminated */
    C2D_GEO_DOUBLE = 3,   /* `f64` */
    C2D_GEO_BYTES = 4,    /* raw bytes, `bytes`/`count` */
    C2D_GEO_UINT16 = 5,   /* `u64` */
    C2D_GEO_UINT32 = 6,   /* `u64` */
    C2D_GEO_MAP = 7,      /* `count` key/value pairs: iterate or c2d_geodb_value_get() */
    C2D_GEO_INT32 = 8,    /* `i32` */
    C2D_GEO_UINT64 = 9,   /* `u64` */
    C2D_GEO_UINT128 = 10, /* `u128_high`:`u64` (high and low 64 bits) */
    C2D_GEO_ARRAY = 11,   /* `count` elements */
    C2D_GEO_BOOL = 14,    /* `u64` is 0 or 1 */
    C2D_GEO_FLOAT = 15    /* `f32` (and widened into `f64`) */
} c2d_geo_type;

/* One decoded value. Caller-allocated (usually on the stack): set
 * `size = sizeof(c2d_geo_value)` before the first call that fills it. Only
 * the fields named by `type` are meaningful. `bytes` points into the
 * database's memory and stays valid until c2d_geodb_free(). The `internal_`
 * fields locate a map's or array's children; do not change them. Since 0.1.0. */
typedef struct c2d_geo_value {
    size_t size;
    c2d_geo_type type;
    uint32_t count;        /* STRING/BYTES: length in bytes; MAP: pairs; ARRAY: elements */
    const uint8_t *bytes;  /* STRING/BYTES: the bytes (NULL when count is 0 is allowed) */
    uint64_t u64;          /* UINT16, UINT32, UINT64, BOOL; low half of UINT128 */
    uint64_t u128_high;    /* UINT128: high 64 bits */
    int32_t i32;           /* INT32 */
    float f32;             /* FLOAT */
    double f64;            /* DOUBLE, FLOAT */
    uint32_t internal_pos;
    uint16_t internal_depth;
    uint8_t internal_section;
} c2d_geo_value;

/* Result of a lookup. Caller-allocated: set `size = sizeof(c2d_geo_result)`.
 * Since 0.1.0. */
typedef struct c2d_geo_result {
    size_t size;
    int found;             /* 1: the network has a data record; 0: no data for it */
    unsigned prefix_len;   /* length of the matching network's prefix in the
                            * address's own family: 0..32 for an IPv4 lookup
                            * (also in an IPv6 database), 0..128 for IPv6 */
    uint32_t data_offset;  /* offset of the record in the data section when found
                            * (equal to libmaxminddb's entry.offset); records
                            * with the same offset are the same data */
} c2d_geo_result;

/* Database metadata, filled by c2d_geodb_info(). Set
 * `size = sizeof(c2d_geodb_summary)`. Since 0.1.0. */
typedef struct c2d_geodb_summary {
    size_t size;
    uint32_t node_count;         /* search-tree nodes */
    uint16_t record_size;        /* 24, 28 or 32 bits */
    uint16_t ip_version;         /* 4 or 6 */
    uint16_t format_major;       /* always 2 */
    uint16_t format_minor;
    uint64_t build_epoch;        /* seconds since 1970, 0 when absent */
    const char *database_type;   /* NUL-terminated copy owned by the handle ("" when absent) */
    size_t file_bytes;           /* whole file */
    size_t data_section_bytes;   /* data section (between tree separator and metadata) */
    unsigned ipv4_start_depth;   /* IPv6 trees: bits walked to the IPv4 subtree (96 normally) */
} c2d_geodb_summary;

/* Open a MaxMind DB file. The file is read into one block from `alloc`
 * (malloc when NULL) and validated (see c2d_geodb_open_memory). On success
 * *out owns a new handle (release with c2d_geodb_free). Returns C2D_OK;
 * C2D_ERR_INVALID_ARG (NULL path/out, allocator with a too-small size field);
 * C2D_ERR_IO; C2D_ERR_NOMEM; C2D_ERR_LIMIT (over C2D_GEO_MAX_FILE_BYTES); and
 * every status of c2d_geodb_open_memory(). *out is NULL on error. Thread-safe.
 * Since 0.1.0. */
C2D_API c2d_status c2d_geodb_open_file(const char *path, const c2d_allocator *alloc,
                                       c2d_geodb **out);

/* Open a MaxMind DB held in the caller's memory, without copying it: `data`
 * must stay valid and unchanged until c2d_geodb_free() (it may be a read-only
 * mapping; no alignment needed). Validation: the metadata marker within the
 * last 128 KiB, the metadata map (node_count, record_size 24/28/32,
 * ip_version 4/6, binary_format_major_version 2 are required and type-checked),
 * the search tree's size against the file, and every record of every tree
 * node (each is a node, "empty", or an offset inside the data section).
 * The handle allocates prefix tables of the first 16 address bits: 320 KiB
 * (IPv4 database) or 640 KiB (IPv6 database, IPv4 and IPv6 tables).
 * Returns C2D_OK; C2D_ERR_INVALID_ARG; C2D_ERR_NOMEM; C2D_ERR_LIMIT (len over
 * C2D_GEO_MAX_FILE_BYTES); C2D_ERR_BAD_MAGIC (no metadata marker);
 * C2D_ERR_UNSUPPORTED_VERSION (major version not 2); C2D_ERR_MMDB_METADATA
 * (also for undecodable metadata); C2D_ERR_MMDB_TREE. *out is NULL on error.
 * Thread-safe. Since 0.1.0. */
C2D_API c2d_status c2d_geodb_open_memory(const void *data, size_t len,
                                         const c2d_allocator *alloc, c2d_geodb **out);

/* Release a handle (and the file copy c2d_geodb_open_file made). NULL is a
 * no-op. No other thread may be using `db`. Since 0.1.0. */
C2D_API void c2d_geodb_free(c2d_geodb *db);

/* Fill *info from the metadata. Returns C2D_OK or C2D_ERR_INVALID_ARG (NULL,
 * or info->size too small). Thread-safe. Since 0.1.0. */
C2D_API c2d_status c2d_geodb_info(const c2d_geodb *db, c2d_geodb_summary *info);

/* Look up an IPv4 address given as a host-order integer (8.8.8.8 is
 * 0x08080808). In an IPv6 database the IPv4 subtree (::a.b.c.d) is used.
 * Returns C2D_OK (with r->found 0 or 1); C2D_ERR_INVALID_ARG; C2D_ERR_MMDB_TREE
 * (the tree is deeper than the address: a loop). Allocates nothing;
 * thread-safe. Since 0.1.0. */
C2D_API c2d_status c2d_geodb_lookup_ipv4(const c2d_geodb *db, uint32_t addr,
                                         c2d_geo_result *r);

/* Look up an IPv6 address (16 bytes, network order). Returns C2D_OK;
 * C2D_ERR_INVALID_ARG; C2D_ERR_MMDB_IPV6_IN_IPV4 (an IPv4-only database);
 * C2D_ERR_MMDB_TREE (the tree is deeper than 128 bits: a loop). Allocates nothing;
 * thread-safe. Since 0.1.0. */
C2D_API c2d_status c2d_geodb_lookup_ipv6(const c2d_geodb *db, const uint8_t addr[16],
                                         c2d_geo_result *r);

/* Look up an address in text ("8.8.8.8", "2001:db8::1", "::ffff:1.2.3.4").
 * Dotted quads are strict (four decimal parts 0..255, no leading zeros); an
 * IPv4 text uses c2d_geodb_lookup_ipv4. Returns what those return, and
 * C2D_ERR_INVALID_ARG for text that is not an address. Thread-safe.
 * Since 0.1.0. */
C2D_API c2d_status c2d_geodb_lookup(const c2d_geodb *db, const char *ip, c2d_geo_result *r);

/* Parse an address text as c2d_geodb_lookup() does: *family is 4 (addr[0..3]
 * filled, network order) or 6 (addr[0..15]). Returns C2D_OK or
 * C2D_ERR_INVALID_ARG. Thread-safe. Since 0.1.0. */
C2D_API c2d_status c2d_geo_parse_ip(const char *text, int *family, uint8_t addr[16]);

/* Decode the data record of a found result into *out (a map in most
 * databases). Returns C2D_OK; C2D_ERR_INVALID_ARG; C2D_ERR_NOT_FOUND (r->found
 * is 0); C2D_ERR_MMDB_DATA; C2D_ERR_MMDB_POINTER. Thread-safe. Since 0.1.0. */
C2D_API c2d_status c2d_geodb_record(const c2d_geodb *db, const c2d_geo_result *r,
                                    c2d_geo_value *out);

/* The metadata map as a value (walk it like a record). Returns C2D_OK,
 * C2D_ERR_INVALID_ARG. Thread-safe. Since 0.1.0. */
C2D_API c2d_status c2d_geodb_metadata(const c2d_geodb *db, c2d_geo_value *out);

/* Follow `path` (n_path steps) from the record of a found result: a step is
 * a map key, or an array index in decimal ("0", "1"; "-1" is the last
 * element). Example: {"country", "iso_code"}. n_path 0 gives the record.
 * Returns C2D_OK; C2D_ERR_INVALID_ARG (NULL, n_path > C2D_GEO_MAX_DEPTH);
 * C2D_ERR_NOT_FOUND (not found, key absent, index out of range, a step into
 * a scalar); C2D_ERR_MMDB_DATA; C2D_ERR_MMDB_POINTER; C2D_ERR_MMDB_DEPTH.
 * Allocates nothing; thread-safe. Since 0.1.0. */
C2D_API c2d_status c2d_geodb_get(const c2d_geodb *db, const c2d_geo_result *r,
                                 const char *const *path, size_t n_path, c2d_geo_value *out);

/* As c2d_geodb_get() but starting from a decoded map/array `from` (a record,
 * the metadata or any value inside them). `out` may be `from`. Since 0.1.0. */
C2D_API c2d_status c2d_geodb_value_get(const c2d_geodb *db, const c2d_geo_value *from,
                                       const char *const *path, size_t n_path,
                                       c2d_geo_value *out);

/* Iterator over a map's pairs or an array's elements. Caller-allocated; no
 * size field (it is filled wholly by c2d_geodb_iter_init). Since 0.1.0. */
typedef struct c2d_geo_iter {
    uint32_t internal_pos;
    uint32_t remaining;    /* children not yet returned */
    uint16_t internal_depth;
    uint8_t internal_section;
    uint8_t is_map;
} c2d_geo_iter;

/* Start iterating `container` (a MAP or ARRAY value). Returns C2D_OK,
 * C2D_ERR_INVALID_ARG (NULL or not a container), C2D_ERR_MMDB_DEPTH (the
 * children would be deeper than C2D_GEO_MAX_DEPTH). Since 0.1.0. */
C2D_API c2d_status c2d_geodb_iter_init(const c2d_geo_value *container, c2d_geo_iter *it);

/* Next child: for a map `key` gets the key (a STRING) and `value` its
 * value; for an array `key` is left alone (may be NULL) and `value` gets the
 * element. Returns C2D_OK; C2D_ERR_NOT_FOUND at the end; C2D_ERR_INVALID_ARG;
 * C2D_ERR_MMDB_DATA; C2D_ERR_MMDB_POINTER (then the iterator is finished).
 * Allocates nothing; an iterator belongs to one thread. Since 0.1.0. */
C2D_API c2d_status c2d_geodb_iter_next(const c2d_geodb *db, c2d_geo_iter *it,
                                       c2d_geo_value *key, c2d_geo_value *value);

/* Country ISO 3166-1 alpha-2 code of a found result, copied with a NUL into
 * iso[3]. Reads the first present of "country"/"iso_code" (GeoIP2/GeoLite2),
 * "country_code" (ip-location-db), "registered_country"/"iso_code".
 * Returns C2D_OK; C2D_ERR_INVALID_ARG; C2D_ERR_NOT_FOUND (none present, or
 * r->found 0); C2D_ERR_GEO_TYPE (present but not a 2-byte string); decoder
 * errors as c2d_geodb_get(). Thread-safe. Since 0.1.0. */
C2D_API c2d_status c2d_geodb_country(const c2d_geodb *db, const c2d_geo_result *r,
                                     char iso[3]);

/* Autonomous system number of a found result from "autonomous_system_number"
 * (GeoLite2-ASN, ip-location-db ASN files) or "asn": any unsigned type whose
 * value fits 32 bits. Returns C2D_OK; C2D_ERR_INVALID_ARG; C2D_ERR_NOT_FOUND;
 * C2D_ERR_GEO_TYPE; decoder errors. Thread-safe. Since 0.1.0. */
C2D_API c2d_status c2d_geodb_asn(const c2d_geodb *db, const c2d_geo_result *r, uint32_t *asn);

/* AS organisation of a found result from "autonomous_system_organization"
 * or "as_organization", copied with a NUL into buf[cap]; *len (may be NULL)
 * gets the length without the NUL, also when the buffer is too small.
 * Returns C2D_OK; C2D_ERR_INVALID_ARG; C2D_ERR_NOT_FOUND; C2D_ERR_GEO_TYPE;
 * C2D_ERR_BUFFER_TOO_SMALL (cap <= length; buf gets a truncated copy when
 * cap > 0); decoder errors. Thread-safe. Since 0.1.0. */
C2D_API c2d_status c2d_geodb_as_org(const c2d_geodb *db, const c2d_geo_result *r, char *buf,
                                    size_t cap, size_t *len);

/* data_offsets[i] of c2d_geodb_lookup_ipv4_batch() for an address whose
 * network has no data record. Since 0.2.0. */
#define C2D_GEO_NO_RECORD 0xFFFFFFFFu

/* Look up `n` IPv4 addresses (host order, as c2d_geodb_lookup_ipv4) in one
 * call, for arrays of addresses (bindings, log pipelines). For each i:
 *   data_offsets[i]  the record's data offset, or C2D_GEO_NO_RECORD;
 *   prefix_lens[i]   the matching network's prefix length (0..32);
 *   iso2[2i], iso2[2i+1]  the country code as c2d_geodb_country() reads it,
 *                    or two NUL bytes when there is none (no record, no
 *                    country key, or not a 2-byte string);
 *   asns[i]          the AS number as c2d_geodb_asn() reads it, 0 when none.
 * Every output may be NULL (not computed; without iso2 and asns no record is
 * decoded). A record shared by consecutive addresses is decoded once.
 * *n_done (may be NULL) gets the number of addresses completed: n on success,
 * else the index of the failing address (outputs before it are filled).
 * Returns C2D_OK (also for n == 0); C2D_ERR_INVALID_ARG (NULL db, NULL addrs
 * with n > 0); C2D_ERR_MMDB_TREE, C2D_ERR_MMDB_DATA, C2D_ERR_MMDB_POINTER,
 * C2D_ERR_MMDB_DEPTH for the first address whose lookup or record decoding
 * fails. Allocates nothing; thread-safe. Since 0.2.0. */
C2D_API c2d_status c2d_geodb_lookup_ipv4_batch(const c2d_geodb *db, const uint32_t *addrs,
                                               size_t n, uint32_t *data_offsets,
                                               uint8_t *prefix_lens, char *iso2, uint32_t *asns,
                                               size_t *n_done);

/* As c2d_geodb_lookup_ipv4_batch() for `n` IPv4 addresses given as text:
 * strict dotted quads (as c2d_geodb_lookup reads them) separated by '\n' (one
 * '\n' after the last is allowed), in text[0..len): the cheap way in from
 * languages whose strings are slow to convert one by one (join them with '\n'). The text must hold exactly n addresses. Returns what
 * c2d_geodb_lookup_ipv4_batch() returns, and C2D_ERR_MALFORMED (an item that
 * is not a dotted quad: a '\r', a space, IPv6, an empty line) and
 * C2D_ERR_TRUNCATED (the text holds fewer than n addresses), with *n_done
 * the index of that item; C2D_ERR_MALFORMED with *n_done == n when text
 * follows the n-th address (the outputs are then filled but belong to a
 * miscounted list). Allocates nothing; thread-safe. Since 0.2.0. */
C2D_API c2d_status c2d_geodb_lookup_ipv4_text_batch(const c2d_geodb *db, const char *text,
                                                    size_t len, size_t n, uint32_t *data_offsets,
                                                    uint8_t *prefix_lens, char *iso2,
                                                    uint32_t *asns, size_t *n_done);

/* ====================================================== ASN range table */

/* IPv4 ranges to AS number and organisation, built from CSV text with lines
 * `range_start,range_end,asn,org` (the ip-location-db `asn-ipv4.csv` shape;
 * org may be quoted with "" escapes). Opaque, immutable, shareable by any
 * number of threads; lookups allocate nothing. */
typedef struct c2d_asntable c2d_asntable;

/* Line numbers of malformed lines kept in c2d_asntable_stats. */
#define C2D_ASN_BAD_LINES_KEPT 16

/* Loading statistics. Set `size = sizeof(c2d_asntable_stats)`. Since 0.1.0. */
typedef struct c2d_asntable_stats {
    size_t size;
    uint64_t lines;          /* lines read (blank lines included) */
    uint64_t ranges;         /* ranges in the table */
    uint64_t malformed;      /* lines rejected (bad address, start > end, bad ASN, bad quoting, IPv6) */
    uint64_t overlapping;    /* ranges starting inside an earlier one: trimmed, or dropped when nothing is left */
    uint64_t bad_lines[C2D_ASN_BAD_LINES_KEPT]; /* 1-based numbers of the first malformed/overlapping lines */
    unsigned n_bad_lines;    /* entries used in bad_lines */
    size_t distinct_orgs;    /* organisation names stored once each */
    size_t bytes;            /* memory held by the table */
} c2d_asntable_stats;

/* Build a table from CSV text (`len` bytes, need not be NUL-terminated; the
 * text is not kept). Malformed lines are counted and skipped, the rest
 * loads; a table with zero ranges is still returned. Overlaps: after sorting
 * by start, a range beginning inside an earlier one is trimmed to begin after
 * it (the earlier range wins), and counted. A UTF-8 byte-order mark at the
 * start and CRLF line ends are accepted (since 0.2.0). `stats` may be NULL.
 * Returns C2D_OK; C2D_ERR_INVALID_ARG; C2D_ERR_NOMEM; C2D_ERR_LIMIT (over
 * 2^32 - 1 bytes of text or lines). *out is NULL on error. Thread-safe.
 * Since 0.1.0. */
C2D_API c2d_status c2d_asntable_load_memory(const char *text, size_t len,
                                            const c2d_allocator *alloc, c2d_asntable **out,
                                            c2d_asntable_stats *stats);

/* As c2d_asntable_load_memory() from a plain-text CSV file (decompress .gz
 * files first). Also returns C2D_ERR_IO. Since 0.1.0. */
C2D_API c2d_status c2d_asntable_load_file(const char *path, const c2d_allocator *alloc,
                                          c2d_asntable **out, c2d_asntable_stats *stats);

/* Release a table; NULL is a no-op. Since 0.1.0. */
C2D_API void c2d_asntable_free(c2d_asntable *t);

/* Find the range holding `addr` (host order). On success *asn gets the AS
 * number and *org and *org_len the organisation (NUL-terminated, owned by the
 * table; "" when the line had none); any out-pointer may be NULL.
 * Returns C2D_OK; C2D_ERR_NOT_FOUND; C2D_ERR_INVALID_ARG (NULL table).
 * Allocates nothing; thread-safe. Since 0.1.0. */
C2D_API c2d_status c2d_asntable_lookup(const c2d_asntable *t, uint32_t addr, uint32_t *asn,
                                       const char **org, size_t *org_len);

#ifdef __cplusplus
}
#endif
#endif /* C2DETECT_GEO_H */
