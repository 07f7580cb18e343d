/* DNS message parser (RFC 1035 section 4): header, first question, answer
 * records. Names are decompressed with backward-only pointers and hard caps. */
#include "c2detect/dns.h"
#include "common/internal.h"

#define DNS_MAX_POINTERS 127
#define DNS_MAX_WIRE_NAME 255

/* Read the name at *pos. When `text` is non-NULL the name is written there in
 * presentation form (lower case, escaped). *pos moves past the name as it
 * appears at its first location (pointer = 2 bytes). */
static c2d_status read_name(const uint8_t *m, size_t len, size_t *pos, char *text, uint32_t *text_len) {
    size_t p = *pos;
    size_t end_of_first = 0;   /* where parsing resumes after the first pointer */
    bool jumped = false;
    size_t wire = 1;           /* the root byte */
    size_t out = 0;
    int pointers = 0;
    size_t limit = p;          /* pointers must target offsets below this */
    for (;;) {
        if (p >= len) return C2D_ERR_TRUNCATED;
        uint8_t b = m[p];
        if ((b & 0xc0u) == 0xc0u) {
            if (p + 1 >= len) return C2D_ERR_TRUNCATED;
            size_t target = (size_t)(b & 0x3fu) << 8 | m[p + 1];
            if (!jumped) {
                end_of_first = p + 2;
                jumped = true;
            }
            /* strictly backwards from the current label start: no loop possible */
            if (target >= limit || ++pointers > DNS_MAX_POINTERS) return C2D_ERR_DNS_NAME;
            p = target;
            limit = target;
            continue;
        }
        if ((b & 0xc0u) != 0) return C2D_ERR_DNS_NAME; /* 0x40/0x80 label types */
        if (b == 0) {
            p++;
            break;
        }
        if (p + 1u + b > len) return C2D_ERR_TRUNCATED;
        wire += 1u + b;
        if (wire > DNS_MAX_WIRE_NAME) return C2D_ERR_DNS_NAME;
        if (text) {
            if (out) text[out++] = '.';
            for (size_t i = 0; i < b; i++) {
                uint8_t ch = m[p + 1 + i];
                if (ch >= 'A' && ch <= 'Z') ch = (uint8_t)(ch - 'A' + 'a');
                if (ch < 0x21 || ch > 0x7e || ch == '.' || ch == '\\') {
                    text[out++] = '\\';
                    text[out++] = (char)('0' + ch / 100);
                    text[out++] = (char)('0' + ch / 10 % 10);
                    text[out++] = (char)('0' + ch % 10);
                } else {
                    text[out++] = (char)ch;
                }
            }
        }
        p += 1u + b;
        if (!jumped) limit = p;
    }
    if (text) {
        text[out] = 0;
        *text_len = (uint32_t)out;
    }
    *pos = jumped ? end_of_first : p;
    return C2D_OK;
}

c2d_status c2d_dns_parse(const void *msg, size_t len, c2d_dns_message *o) {
    if (!o || o->size < sizeof *o || (!msg && len)) return C2D_ERR_INVALID_ARG;
    size_t sz = o->size;
    o->size = sz;
    o->id = o->flags = 0;
    o->is_response = o->opcode = o->rcode = o->truncated = 0;
    o->qdcount = o->ancount = o->nscount = o->arcount = 0;
    o->qtype = o->qclass = 0;
    o->qname_len = 0;
    o->qname[0] = 0;
    o->n_addrs = 0;
    const uint8_t *m = (const uint8_t *)msg;
    if (len < 12) return C2D_ERR_TRUNCATED;
    o->id = c2d__ld_u16be(m);
    o->flags = c2d__ld_u16be(m + 2);
    o->is_response = (uint8_t)(o->flags >> 15);
    o->opcode = (uint8_t)((o->flags >> 11) & 15u);
    o->truncated = (uint8_t)((o->flags >> 9) & 1u);
    o->rcode = (uint8_t)(o->flags & 15u);
    o->qdcount = c2d__ld_u16be(m + 4);
    o->ancount = c2d__ld_u16be(m + 6);
    o->nscount = c2d__ld_u16be(m + 8);
    o->arcount = c2d__ld_u16be(m + 10);
    size_t pos = 12;
    for (uint32_t q = 0; q < o->qdcount; q++) {
        c2d_status st = read_name(m, len, &pos, q == 0 ? o->qname : NULL, &o->qname_len);
        if (st != C2D_OK) {
            if (q == 0) {
                o->qname[0] = 0; /* a half-written name is not kept */
                o->qname_len = 0;
            }
            return st;
        }
        if (!c2d__span_ok(pos, 4, len)) return C2D_ERR_TRUNCATED;
        if (q == 0) {
            o->qtype = c2d__ld_u16be(m + pos);
            o->qclass = c2d__ld_u16be(m + pos + 2);
        }
        pos += 4;
    }
    for (uint32_t a = 0; a < o->ancount; a++) {
        c2d_status st = read_name(m, len, &pos, NULL, NULL);
        if (st != C2D_OK) return st;
        if (!c2d__span_ok(pos, 10, len)) return C2D_ERR_TRUNCATED;
        uint16_t type = c2d__ld_u16be(m + pos);
        uint16_t klass = c2d__ld_u16be(m + pos + 2);
        uint32_t ttl = c2d__ld_u32be(m + pos + 4);
        uint16_t rdlen = c2d__ld_u16be(m + pos + 8);
        pos += 10;
        if (!c2d__span_ok(pos, rdlen, len)) return C2D_ERR_TRUNCATED;
        if (klass == 1 && (type == 1 || type == 28)) {
            if (rdlen != (type == 1 ? 4u : 16u)) return C2D_ERR_MALFORMED;
            if (o->n_addrs < C2D_DNS_MAX_ADDRS) {
                uint8_t *dst = o->addrs[o->n_addrs].addr;
                if (type == 1) {
                    memset(dst, 0, 10);
                    dst[10] = dst[11] = 0xff;
                    memcpy(dst + 12, m + pos, 4);
                } else {
                    memcpy(dst, m + pos, 16);
                }
                o->addrs[o->n_addrs].ip_version = type == 1 ? 4 : 6;
                o->addrs[o->n_addrs].ttl = ttl;
                o->n_addrs++;
            }
        }
        pos += rdlen;
    }
    return C2D_OK;
}
