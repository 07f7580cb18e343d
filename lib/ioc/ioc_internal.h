/* Internal declarations shared by the IOC store files: value parsing and
 * normalisation (parse.c), the store (store.c), the feed loaders (loaders.c). */
#ifndef C2D_IOC_INTERNAL_H
#define C2D_IOC_INTERNAL_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "c2detect/ioc.h"
#include "common/internal.h"

#define C2D__IOC_MAX_DOMAIN 253
#define C2D__IOC_MAX_URL 4096
#define C2D__IOC_MAX_VALUE 4200 /* normalised value buffer: URL + slack */

/* A parsed indicator value: type, canonical text and binary address. */
typedef struct c2d__ioc_value {
    c2d_ioc_type type;
    bool is_v6;
    uint8_t prefix;   /* CIDR length; 32/128 for IP */
    uint16_t port;    /* IP_PORT */
    uint32_t v4;      /* host order */
    uint8_t v6[16];
    size_t len;       /* of text */
    char text[C2D__IOC_MAX_VALUE];
} c2d__ioc_value;

/* Strict dotted-quad IPv4; true on success. */
bool c2d__parse_ipv4(const char *s, size_t n, uint32_t *out);
/* IPv6 text (with :: and embedded IPv4); true on success. */
bool c2d__parse_ipv6(const char *s, size_t n, uint8_t out[16]);
/* Canonical IPv6 text (RFC 5952); buffer >= 46 bytes; returns length. */
size_t c2d__format_ipv6(const uint8_t a[16], char *out);
size_t c2d__format_ipv4(uint32_t a, char *out);
/* Lower-case and validate a domain name into out (>= 254 bytes). */
bool c2d__normalize_domain(const char *s, size_t n, char *out, size_t *out_len);
/* Parse `s` as an indicator of type `hint` (UNKNOWN: infer; URL: force URL).
 * Returns C2D_OK, C2D_ERR_MALFORMED, C2D_ERR_LIMIT. */
c2d_status c2d__ioc_parse_value(const char *s, size_t n, c2d_ioc_type hint, c2d__ioc_value *v);
/* "YYYY-MM-DD[ T]HH:MM:SS[ UTC|Z]" or "YYYY-MM-DD" -> Unix seconds; empty,
 * "None", "null" -> 0. False when malformed. */
bool c2d__parse_time(const char *s, size_t n, int64_t *out);

/* Add a parsed value with attributes (strings may be NULL). */
c2d_status c2d__iocdb_add_value(c2d_iocdb *db, const c2d__ioc_value *v, const char *family,
                                const char *threat, const char *source, const char *tags,
                                unsigned confidence, int64_t first_seen, int64_t last_seen);
const c2d_allocator *c2d__iocdb_allocator(const c2d_iocdb *db);
bool c2d__iocdb_finalized(const c2d_iocdb *db);

#endif
