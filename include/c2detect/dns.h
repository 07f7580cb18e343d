/* libc2detect: DNS message parsing (RFC 1035) for DNS events: query name, type,
 * response code and answer addresses, with name-compression loop and bound
 * checks. The flow table calls it on port-53 traffic (see flow.h). */
#ifndef C2DETECT_DNS_H
#define C2DETECT_DNS_H

#include <stddef.h>
#include <stdint.h>

#include "c2detect/common.h"

#ifdef __cplusplus
extern "C" {
#endif

/* Most A/AAAA answers kept per message (others are checked, not kept). */
#define C2D_DNS_MAX_ADDRS 16
/* Room for the longest name in presentation form (255 wire bytes, each may
 * become a 4-byte \DDD escape) plus the NUL. */
#define C2D_DNS_NAME_BUF 1024

#define C2D_DNS_RCODE_NOERROR 0
#define C2D_DNS_RCODE_SERVFAIL 2
#define C2D_DNS_RCODE_NXDOMAIN 3

/* One parsed DNS message. Caller-allocated (about 1.4 KB): set
 * `size = sizeof(c2d_dns_message)` before c2d_dns_parse(). */
typedef struct c2d_dns_message {
    size_t size;
    uint16_t id;
    uint16_t flags;           /* header flag word as sent */
    uint8_t is_response;      /* QR bit */
    uint8_t opcode;
    uint8_t rcode;            /* 3 = NXDOMAIN */
    uint8_t truncated;        /* TC bit */
    uint16_t qdcount, ancount, nscount, arcount;
    uint16_t qtype, qclass;   /* of the first question; 0 when there is none */
    uint32_t qname_len;       /* strlen(qname) */
    /* first question's name, lower-cased, no trailing dot ("" for the root),
     * bytes outside '!'..'~' and '.' '\\' inside a label written as \DDD */
    char qname[C2D_DNS_NAME_BUF];
    uint32_t n_addrs;         /* A/AAAA answers kept, <= C2D_DNS_MAX_ADDRS */
    struct {
        uint8_t ip_version;   /* 4 (A) or 6 (AAAA) */
        uint8_t addr[16];     /* IPv4 mapped ::ffff:a.b.c.d */
        uint32_t ttl;
    } addrs[C2D_DNS_MAX_ADDRS];
} c2d_dns_message;

/* Parse one DNS message (UDP payload, or a TCP message without its 2-byte
 * length). Reads the header, the first question, and every answer record
 * (names checked, A/AAAA kept); authority and additional records are not
 * read. Compression pointers must point strictly backwards, at most 127 are
 * followed, and a name is at most 255 bytes. Thread-safe; allocates nothing.
 * Returns C2D_OK, C2D_ERR_INVALID_ARG (NULL, out->size too small),
 * C2D_ERR_TRUNCATED (message ends inside a field), C2D_ERR_DNS_NAME (bad label
 * type, forward or looping pointer, name too long), C2D_ERR_MALFORMED (A/AAAA
 * with the wrong data length). On error *out holds what was read.
 * Since 0.1.0. */
C2D_API c2d_status c2d_dns_parse(const void *msg, size_t len, c2d_dns_message *out);

#ifdef __cplusplus
}
#endif
#endif /* C2DETECT_DNS_H */
