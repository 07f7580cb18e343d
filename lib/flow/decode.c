/* Packet decoding: link layer -> IPv4/IPv6 -> TCP/UDP/ICMP, every length checked
 * against the captured bytes; and text <-> 16-byte address conversion. */
#include <stdio.h>

#include "c2detect/flow.h"
#include "common/internal.h"

#define ETH_IPV4 0x0800u
#define ETH_IPV6 0x86ddu

static void map_v4(uint8_t dst[16], const uint8_t *v4) {
    memset(dst, 0, 10);
    dst[10] = 0xff;
    dst[11] = 0xff;
    memcpy(dst + 12, v4, 4);
}

/* Transport header at p (len captured bytes); `avail` = transport bytes per IP. */
static c2d_status decode_l4(const uint8_t *p, uint32_t len, uint32_t avail, c2d_packet *o) {
    switch (o->ip_proto) {
    case 6: {
        if (len < 20) return C2D_ERR_PKT_TRUNCATED;
        uint32_t hl = (uint32_t)(p[12] >> 4) * 4u;
        if (hl < 20 || hl > avail) return C2D_ERR_PKT_MALFORMED;
        if (hl > len) return C2D_ERR_PKT_TRUNCATED;
        o->src_port = c2d__ld_u16be(p);
        o->dst_port = c2d__ld_u16be(p + 2);
        o->tcp_flags = p[13] & 0x3fu;
        o->payload_len = avail - hl;
        o->payload_caplen = len - hl < o->payload_len ? len - hl : o->payload_len;
        o->payload = o->payload_caplen ? p + hl : NULL;
        return C2D_OK;
    }
    case 17: {
        if (len < 8) return C2D_ERR_PKT_TRUNCATED;
        if (avail < 8) return C2D_ERR_PKT_MALFORMED;
        uint32_t ulen = c2d__ld_u16be(p + 4);
        o->src_port = c2d__ld_u16be(p);
        o->dst_port = c2d__ld_u16be(p + 2);
        /* 0 is legal for IPv6 jumbograms; otherwise the UDP length wins when shorter */
        uint32_t plen = avail - 8;
        if (ulen != 0) {
            if (ulen < 8) return C2D_ERR_PKT_MALFORMED;
            if (ulen - 8 < plen) plen = ulen - 8;
        }
        o->payload_len = plen;
        o->payload_caplen = len - 8 < plen ? len - 8 : plen;
        o->payload = o->payload_caplen ? p + 8 : NULL;
        return C2D_OK;
    }
    case 1:
    case 58:
        if (len < 4) return C2D_ERR_PKT_TRUNCATED;
        o->src_port = p[0];
        o->dst_port = p[1];
        o->payload_len = avail >= 4 ? avail - 4 : 0;
        o->payload_caplen = len - 4 < o->payload_len ? len - 4 : o->payload_len;
        o->payload = o->payload_caplen ? p + 4 : NULL;
        return C2D_OK;
    default:
        o->payload_len = avail;
        o->payload_caplen = len < avail ? len : avail;
        o->payload = o->payload_caplen ? p : NULL;
        return C2D_OK;
    }
}

static c2d_status decode_ipv4(const uint8_t *p, uint32_t len, c2d_packet *o) {
    if (len < 20) return C2D_ERR_PKT_TRUNCATED;
    if ((p[0] >> 4) != 4) return C2D_ERR_PKT_MALFORMED;
    uint32_t ihl = (uint32_t)(p[0] & 15u) * 4u;
    if (ihl < 20) return C2D_ERR_PKT_MALFORMED;
    if (ihl > len) return C2D_ERR_PKT_TRUNCATED;
    uint32_t total = c2d__ld_u16be(p + 2);
    /* 0 happens with TCP segmentation offload: take what was captured */
    if (total == 0) total = len;
    if (total < ihl) return C2D_ERR_PKT_MALFORMED;
    o->ip_version = 4;
    o->ip_proto = p[9];
    o->ip_bytes = total;
    map_v4(o->src_addr, p + 12);
    map_v4(o->dst_addr, p + 16);
    uint16_t frag = c2d__ld_u16be(p + 6);
    if ((frag & 0x1fffu) != 0) return C2D_ERR_PKT_FRAGMENT;
    uint32_t caplen = len < total ? len : total; /* drop Ethernet padding */
    return decode_l4(p + ihl, caplen - ihl, total - ihl, o);
}

static c2d_status decode_ipv6(const uint8_t *p, uint32_t len, c2d_packet *o) {
    if (len < 40) return C2D_ERR_PKT_TRUNCATED;
    if ((p[0] >> 4) != 6) return C2D_ERR_PKT_MALFORMED;
    uint32_t plen = c2d__ld_u16be(p + 4);
    if (plen == 0) plen = len - 40; /* jumbogram or offload */
    o->ip_version = 6;
    o->ip_bytes = plen + 40;
    memcpy(o->src_addr, p + 8, 16);
    memcpy(o->dst_addr, p + 24, 16);
    uint8_t next = p[6];
    uint32_t caplen = len - 40 < plen ? len - 40 : plen;
    uint32_t off = 40;          /* into p */
    uint32_t avail = plen;      /* bytes after the current header per the IPv6 length */
    for (int hops = 0; hops < 16; hops++) {
        uint32_t hl;
        switch (next) {
        case 0:   /* hop-by-hop */
        case 43:  /* routing */
        case 60:  /* destination options */
            if (caplen < 8) return C2D_ERR_PKT_TRUNCATED;
            hl = ((uint32_t)p[off + 1] + 1u) * 8u;
            break;
        case 51:  /* AH: length in 4-byte units minus 2 */
            if (caplen < 8) return C2D_ERR_PKT_TRUNCATED;
            hl = ((uint32_t)p[off + 1] + 2u) * 4u;
            break;
        case 44:  /* fragment */
            if (caplen < 8) return C2D_ERR_PKT_TRUNCATED;
            hl = 8;
            if (avail < hl) return C2D_ERR_PKT_MALFORMED;
            if ((c2d__ld_u16be(p + off + 2) & 0xfff8u) != 0) {
                o->ip_proto = p[off];
                return C2D_ERR_PKT_FRAGMENT;
            }
            break;
        default:
            o->ip_proto = next;
            if (next == 59 || next == 50) return C2D_ERR_PKT_UNSUPPORTED; /* no next header, ESP */
            return decode_l4(p + off, caplen, avail, o);
        }
        if (hl > avail) return C2D_ERR_PKT_MALFORMED;
        if (hl > caplen) return C2D_ERR_PKT_TRUNCATED;
        next = p[off];
        off += hl;
        caplen -= hl;
        avail -= hl;
    }
    return C2D_ERR_PKT_MALFORMED; /* absurd header chain */
}

static c2d_status decode_l3(uint32_t ethertype, const uint8_t *p, uint32_t len, c2d_packet *o) {
    if (ethertype == ETH_IPV4) return decode_ipv4(p, len, o);
    if (ethertype == ETH_IPV6) return decode_ipv6(p, len, o);
    return C2D_ERR_PKT_UNSUPPORTED;
}

static c2d_status decode_raw(const uint8_t *p, uint32_t len, c2d_packet *o) {
    if (len < 1) return C2D_ERR_PKT_TRUNCATED;
    unsigned v = p[0] >> 4;
    if (v == 4) return decode_ipv4(p, len, o);
    if (v == 6) return decode_ipv6(p, len, o);
    return C2D_ERR_PKT_MALFORMED;
}

c2d_status c2d_packet_decode(uint32_t linktype, const uint8_t *data, uint32_t caplen,
                             uint64_t ts_ns, c2d_packet *o) {
    if (!o || o->size < sizeof *o || (!data && caplen)) return C2D_ERR_INVALID_ARG;
    size_t sz = o->size;
    memset(o, 0, sizeof *o);
    o->size = sz;
    o->ts_ns = ts_ns;
    const uint8_t *p = data;
    uint32_t len = caplen;
    switch (linktype) {
    case C2D_LINKTYPE_ETHERNET: {
        if (len < 14) return C2D_ERR_PKT_TRUNCATED;
        uint32_t et = c2d__ld_u16be(p + 12);
        p += 14;
        len -= 14;
        while (et == 0x8100u || et == 0x88a8u || et == 0x9100u) {
            if (o->vlan_depth >= 4) return C2D_ERR_PKT_MALFORMED;
            if (len < 4) return C2D_ERR_PKT_TRUNCATED;
            et = c2d__ld_u16be(p + 2);
            p += 4;
            len -= 4;
            o->vlan_depth++;
        }
        return decode_l3(et, p, len, o);
    }
    case C2D_LINKTYPE_LINUX_SLL:
        if (len < 16) return C2D_ERR_PKT_TRUNCATED;
        return decode_l3(c2d__ld_u16be(p + 14), p + 16, len - 16, o);
    case C2D_LINKTYPE_LINUX_SLL2:
        if (len < 20) return C2D_ERR_PKT_TRUNCATED;
        return decode_l3(c2d__ld_u16be(p), p + 20, len - 20, o);
    case C2D_LINKTYPE_RAW:
    case 12: /* DLT_RAW as written by some BSDs */
        return decode_raw(p, len, o);
    case C2D_LINKTYPE_IPV4:
        return decode_ipv4(p, len, o);
    case C2D_LINKTYPE_IPV6:
        return decode_ipv6(p, len, o);
    case C2D_LINKTYPE_NULL:
    case C2D_LINKTYPE_LOOP: {
        if (len < 4) return C2D_ERR_PKT_TRUNCATED;
        /* family is host order for NULL: accept either order */
        uint32_t fam = linktype == C2D_LINKTYPE_LOOP ? c2d__ld_u32be(p) : c2d__ld_u32le(p);
        if (linktype == C2D_LINKTYPE_NULL && fam > 0xffffu) fam = c2d__ld_u32be(p);
        if (fam == 2) return decode_ipv4(p + 4, len - 4, o);
        if (fam == 24 || fam == 28 || fam == 30) return decode_ipv6(p + 4, len - 4, o);
        return C2D_ERR_PKT_UNSUPPORTED;
    }
    default:
        return C2D_ERR_PKT_UNSUPPORTED;
    }
}

/* ------------------------------------------------------------ addresses */

c2d_status c2d_addr_format(const uint8_t a[16], char *buf, size_t buflen) {
    if (!a || !buf || buflen == 0) return C2D_ERR_INVALID_ARG;
    char tmp[48];
    static const uint8_t mapped[12] = {0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0xff, 0xff};
    if (!memcmp(a, mapped, 12)) {
        snprintf(tmp, sizeof tmp, "%u.%u.%u.%u", a[12], a[13], a[14], a[15]);
    } else {
        uint16_t w[8];
        for (int i = 0; i < 8; i++) w[i] = c2d__ld_u16be(a + 2 * i);
        /* RFC 5952: compress the longest run (>= 2) of zero words, first on ties */
        int best = -1, best_len = 0;
        for (int i = 0; i < 8;) {
            if (w[i] != 0) { i++; continue; }
            int j = i;
            while (j < 8 && w[j] == 0) j++;
            if (j - i > best_len && j - i >= 2) { best = i; best_len = j - i; }
            i = j;
        }
        size_t n = 0;
        for (int i = 0; i < 8; i++) {
            if (i == best) {
                n += (size_t)snprintf(tmp + n, sizeof tmp - n, "::");
                i += best_len - 1;
                continue;
            }
            if (n > 0 && tmp[n - 1] != ':') tmp[n++] = ':';
            n += (size_t)snprintf(tmp + n, sizeof tmp - n, "%x", w[i]);
        }
        tmp[n] = 0;
    }
    size_t l = strlen(tmp);
    if (l + 1 > buflen) return C2D_ERR_BUFFER_TOO_SMALL;
    memcpy(buf, tmp, l + 1);
    return C2D_OK;
}

static bool parse_v4(const char *s, uint8_t out[4]) {
    for (int i = 0; i < 4; i++) {
        if (*s < '0' || *s > '9') return false;
        unsigned v = 0;
        int digits = 0;
        while (*s >= '0' && *s <= '9') {
            v = v * 10u + (unsigned)(*s++ - '0');
            if (++digits > 3 || v > 255) return false;
        }
        out[i] = (uint8_t)v;
        if (i < 3 && *s++ != '.') return false;
    }
    return *s == 0;
}

static int hexval(char ch) {
    if (ch >= '0' && ch <= '9') return ch - '0';
    if (ch >= 'a' && ch <= 'f') return ch - 'a' + 10;
    if (ch >= 'A' && ch <= 'F') return ch - 'A' + 10;
    return -1;
}

static bool parse_v6(const char *s, uint8_t out[16]) {
    uint16_t head[8], tail[8];
    int nh = 0, nt = 0;
    bool gap = false;
    if (s[0] == ':') {
        if (s[1] != ':') return false;
        gap = true;
        s += 2;
    }
    while (*s) {
        /* an embedded IPv4 tail */
        const char *dot = strchr(s, '.');
        if (dot && !strchr(s, ':')) {
            uint8_t v4[4];
            if (!parse_v4(s, v4)) return false;
            uint16_t *arr = gap ? tail : head;
            int *n = gap ? &nt : &nh;
            if (*n > 6) return false;
            arr[(*n)++] = (uint16_t)(v4[0] << 8 | v4[1]);
            arr[(*n)++] = (uint16_t)(v4[2] << 8 | v4[3]);
            s += strlen(s);
            break;
        }
        unsigned v = 0;
        int digits = 0;
        int h;
        while ((h = hexval(*s)) >= 0) {
            v = v << 4 | (unsigned)h;
            if (++digits > 4) return false;
            s++;
        }
        if (digits == 0) return false;
        if (gap) {
            if (nt >= 8) return false;
            tail[nt++] = (uint16_t)v;
        } else {
            if (nh >= 8) return false;
            head[nh++] = (uint16_t)v;
        }
        if (*s == ':') {
            s++;
            if (*s == ':') {
                if (gap) return false;
                gap = true;
                s++;
            } else if (*s == 0) {
                return false;
            }
        } else if (*s != 0) {
            return false;
        }
    }
    if (gap ? nh + nt > 7 : nh != 8) return false;
    memset(out, 0, 16);
    for (int i = 0; i < nh; i++) { out[2 * i] = (uint8_t)(head[i] >> 8); out[2 * i + 1] = (uint8_t)head[i]; }
    for (int i = 0; i < nt; i++) {
        int k = 8 - nt + i;
        out[2 * k] = (uint8_t)(tail[i] >> 8);
        out[2 * k + 1] = (uint8_t)tail[i];
    }
    return true;
}

c2d_status c2d_addr_parse(const char *text, uint8_t addr[16]) {
    if (!text || !addr) return C2D_ERR_INVALID_ARG;
    uint8_t v4[4];
    if (strchr(text, ':') == NULL) {
        if (!parse_v4(text, v4)) return C2D_ERR_MALFORMED;
        map_v4(addr, v4);
        return C2D_OK;
    }
    return parse_v6(text, addr) ? C2D_OK : C2D_ERR_MALFORMED;
}
