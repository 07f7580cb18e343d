/* Streaming pcap / pcapng reader: a file goes through one fixed buffer, a memory
 * capture is read in place; every length is checked before it is used. */
#include <stdio.h>

#include "c2detect/flow.h"
#include "common/internal.h"

/* File buffer: one record (frame + largest header + pcapng options) must fit. */
#define CAP_BUF_SIZE (C2D_CAPTURE_MAX_FRAME + 65536u)
/* Largest pcapng block kept whole; larger non-packet blocks are skipped. */
#define CAP_MAX_BLOCK (CAP_BUF_SIZE - 64u)

enum cap_format { CAP_PCAP, CAP_PCAPNG };

typedef struct cap_iface {
    uint32_t linktype;
    uint32_t snaplen;
    uint8_t tsresol;      /* if_tsresol byte: bit 7 set = power of 2 */
    int64_t tsoffset_s;   /* if_tsoffset seconds */
} cap_iface;

struct c2d_capture {
    c2d_allocator alloc;
    enum cap_format format;
    /* source: memory, or a FILE through buf */
    const uint8_t *mem;
    size_t mem_len;
    FILE *file;
    uint8_t *buf;
    size_t buf_pos, buf_end;
    uint64_t offset;      /* bytes consumed */
    c2d_status sticky;    /* C2D_OK, or END / the error every later call returns */
    bool big_endian;      /* pcap: file byte order; pcapng: current section's */
    bool nanosecond;
    uint32_t pcap_linktype;
    /* pcapng (current section) */
    uint32_t n_ifaces;
    cap_iface ifaces[C2D_CAPTURE_MAX_INTERFACES];
};

/* ------------------------------------------------------------- source */

/* Make n bytes at the read position available; *p points at them.
 * Returns C2D_OK, C2D_CAPTURE_END (nothing left and n > 0 at a record start
 * when `at_start`), C2D_ERR_TRUNCATED, C2D_ERR_IO. */
static c2d_status src_peek(c2d_capture *c, size_t n, const uint8_t **p, bool at_start) {
    if (c->file == NULL) {
        size_t left = c->mem_len - c->offset;
        if (n > left) return (at_start && left == 0) ? C2D_CAPTURE_END : C2D_ERR_TRUNCATED;
        *p = c->mem + c->offset;
        return C2D_OK;
    }
    if (n > CAP_BUF_SIZE) return C2D_ERR_LIMIT;
    size_t have = c->buf_end - c->buf_pos;
    if (have < n) {
        memmove(c->buf, c->buf + c->buf_pos, have);
        c->buf_pos = 0;
        c->buf_end = have;
        while (c->buf_end < n) {
            size_t got = fread(c->buf + c->buf_end, 1, CAP_BUF_SIZE - c->buf_end, c->file);
            if (got == 0) {
                if (ferror(c->file)) return C2D_ERR_IO;
                break;
            }
            c->buf_end += got;
        }
        have = c->buf_end;
        if (have < n) return (at_start && have == 0) ? C2D_CAPTURE_END : C2D_ERR_TRUNCATED;
    }
    *p = c->buf + c->buf_pos;
    return C2D_OK;
}

/* Consume n bytes (which may exceed what is buffered: the rest is skipped). */
static c2d_status src_skip(c2d_capture *c, uint64_t n) {
    if (c->file == NULL) {
        if (n > c->mem_len - c->offset) return C2D_ERR_TRUNCATED;
        c->offset += n;
        return C2D_OK;
    }
    uint64_t have = c->buf_end - c->buf_pos;
    if (n <= have) {
        c->buf_pos += (size_t)n;
        c->offset += n;
        return C2D_OK;
    }
    uint64_t rest = n - have;
    const uint64_t start = c->offset;
    c->offset += have;
    c->buf_pos = c->buf_end = 0;
    while (rest > 0) {
        size_t want = rest < CAP_BUF_SIZE ? (size_t)rest : CAP_BUF_SIZE;
        size_t got = fread(c->buf, 1, want, c->file);
        if (got == 0) {
            /* as the memory path: the offset stays at the record that is cut */
            c->offset = start;
            return ferror(c->file) ? C2D_ERR_IO : C2D_ERR_TRUNCATED;
        }
        rest -= got;
        c->offset += got;
    }
    return C2D_OK;
}

static uint16_t cap_u16(const c2d_capture *c, const uint8_t *p) {
    return c->big_endian ? c2d__ld_u16be(p) : c2d__ld_u16le(p);
}
static uint32_t cap_u32(const c2d_capture *c, const uint8_t *p) {
    return c->big_endian ? c2d__ld_u32be(p) : c2d__ld_u32le(p);
}

/* ------------------------------------------------------------- headers */

static c2d_status open_pcap_header(c2d_capture *c, const uint8_t *h) {
    uint32_t magic = c2d__ld_u32le(h);
    switch (magic) {
    case 0xa1b2c3d4u: c->big_endian = false; c->nanosecond = false; break;
    case 0xa1b23c4du: c->big_endian = false; c->nanosecond = true; break;
    case 0xd4c3b2a1u: c->big_endian = true; c->nanosecond = false; break;
    case 0x4d3cb2a1u: c->big_endian = true; c->nanosecond = true; break;
    default: return C2D_ERR_BAD_MAGIC;
    }
    if (cap_u16(c, h + 4) != 2) return C2D_ERR_UNSUPPORTED_VERSION;
    /* LinkType is the low 16 bits; the upper bits carry FCS information */
    c->pcap_linktype = cap_u32(c, h + 20) & 0xffffu;
    c->format = CAP_PCAP;
    return C2D_OK;
}

/* Read a pcapng Section Header Block at the read position. */
static c2d_status read_shb(c2d_capture *c) {
    const uint8_t *p;
    c2d_status st = src_peek(c, 12, &p, false);
    if (st != C2D_OK) return st;
    uint32_t bom = c2d__ld_u32le(p + 8);
    if (bom == 0x1a2b3c4du) c->big_endian = false;
    else if (bom == 0x4d3c2b1au) c->big_endian = true;
    else return C2D_ERR_BAD_MAGIC;
    uint32_t total = cap_u32(c, p + 4);
    if (total < 28 || (total & 3u)) return C2D_ERR_MALFORMED;
    st = src_peek(c, 16, &p, false);
    if (st != C2D_OK) return st;
    if (cap_u16(c, p + 12) != 1) return C2D_ERR_UNSUPPORTED_VERSION;
    c->n_ifaces = 0;
    c->format = CAP_PCAPNG;
    return src_skip(c, total);
}

static void iface_options(c2d_capture *c, cap_iface *ifc, const uint8_t *o, size_t len) {
    size_t pos = 0;
    while (pos + 4 <= len) {
        uint16_t code = cap_u16(c, o + pos);
        uint16_t olen = cap_u16(c, o + pos + 2);
        pos += 4;
        if (code == 0 || olen > len - pos) break;
        if (code == 9 && olen >= 1) ifc->tsresol = o[pos];
        if (code == 14 && olen >= 8) {
            uint64_t v = c->big_endian ? c2d__ld_u64be(o + pos) : c2d__ld_u64le(o + pos);
            ifc->tsoffset_s = (int64_t)v;
        }
        pos += ((size_t)olen + 3u) & ~(size_t)3u;
    }
}

/* Timestamp units of an interface to nanoseconds since the epoch. */
static uint64_t iface_ts_ns(const cap_iface *ifc, uint64_t units) {
    uint64_t ns;
    uint8_t r = ifc->tsresol;
    if (r & 0x80u) {
        unsigned bits = r & 0x7fu;
        if (bits > 63) bits = 63;
        uint64_t secs = units >> bits;
        uint64_t frac = units & ((bits ? (UINT64_C(1) << bits) : 1u) - 1u);
        if (bits > 30) { frac >>= (bits - 30); bits = 30; }
        ns = secs * UINT64_C(1000000000) + ((frac * UINT64_C(1000000000)) >> bits);
    } else {
        unsigned dec = r > 19 ? 19 : r;
        uint64_t pow = 1;
        for (unsigned i = 0; i < dec; i++) pow *= 10u;
        uint64_t secs = units / pow, frac = units % pow;
        if (dec <= 9) {
            uint64_t mul = 1;
            for (unsigned i = dec; i < 9; i++) mul *= 10u;
            ns = secs * UINT64_C(1000000000) + frac * mul;
        } else {
            uint64_t div = 1;
            for (unsigned i = 9; i < dec; i++) div *= 10u;
            ns = secs * UINT64_C(1000000000) + frac / div;
        }
    }
    return ns + (uint64_t)ifc->tsoffset_s * UINT64_C(1000000000);
}

/* ---------------------------------------------------------------- open */

static c2d_status cap_open_common(c2d_capture *c) {
    const uint8_t *p;
    c2d_status st = src_peek(c, 4, &p, true);
    if (st == C2D_CAPTURE_END) return C2D_ERR_TRUNCATED;
    if (st != C2D_OK) return st;
    uint32_t m = c2d__ld_u32le(p);
    if (m == 0x0a0d0d0au) return read_shb(c);
    st = src_peek(c, 24, &p, false);
    if (st != C2D_OK) {
        bool known = m == 0xa1b2c3d4u || m == 0xa1b23c4du || m == 0xd4c3b2a1u || m == 0x4d3cb2a1u;
        return known ? st : C2D_ERR_BAD_MAGIC;
    }
    st = open_pcap_header(c, p);
    if (st != C2D_OK) return st;
    return src_skip(c, 24);
}

static c2d_status cap_new(const c2d_allocator *alloc, c2d_capture **out) {
    c2d_allocator a;
    c2d_status st = c2d__allocator_init(&a, alloc);
    if (st != C2D_OK) return st;
    c2d_capture *c = c2d__calloc(&a, 1, sizeof *c);
    if (!c) return C2D_ERR_NOMEM;
    c->alloc = a;
    *out = c;
    return C2D_OK;
}

c2d_status c2d_capture_open_file(const char *path, const c2d_allocator *alloc, c2d_capture **out) {
    if (out) *out = NULL;
    if (!path || !out) return C2D_ERR_INVALID_ARG;
    c2d_capture *c;
    c2d_status st = cap_new(alloc, &c);
    if (st != C2D_OK) return st;
    c->buf = c2d__alloc(&c->alloc, CAP_BUF_SIZE);
    if (!c->buf) {
        c2d_capture_free(c);
        return C2D_ERR_NOMEM;
    }
    c->file = fopen(path, "rb");
    if (!c->file) {
        c2d_capture_free(c);
        return C2D_ERR_IO;
    }
    st = cap_open_common(c);
    if (st != C2D_OK) {
        c2d_capture_free(c);
        return st;
    }
    *out = c;
    return C2D_OK;
}

c2d_status c2d_capture_open_memory(const void *data, size_t len, const c2d_allocator *alloc,
                                   c2d_capture **out) {
    if (out) *out = NULL;
    if ((!data && len) || !out) return C2D_ERR_INVALID_ARG;
    c2d_capture *c;
    c2d_status st = cap_new(alloc, &c);
    if (st != C2D_OK) return st;
    c->mem = (const uint8_t *)data;
    c->mem_len = len;
    st = cap_open_common(c);
    if (st != C2D_OK) {
        c2d_capture_free(c);
        return st;
    }
    *out = c;
    return C2D_OK;
}

void c2d_capture_free(c2d_capture *c) {
    if (!c) return;
    if (c->file) fclose(c->file);
    if (c->buf) c2d__free(&c->alloc, c->buf);
    c2d_allocator a = c->alloc;
    c2d__free(&a, c);
}

uint64_t c2d_capture_offset(const c2d_capture *c) {
    return c ? c->offset : 0;
}

/* ---------------------------------------------------------------- next */

static c2d_status next_pcap(c2d_capture *c, c2d_frame *f) {
    const uint8_t *p;
    c2d_status st = src_peek(c, 16, &p, true);
    if (st != C2D_OK) return st;
    uint32_t sec = cap_u32(c, p), frac = cap_u32(c, p + 4);
    uint32_t incl = cap_u32(c, p + 8), orig = cap_u32(c, p + 12);
    if (incl > C2D_CAPTURE_MAX_FRAME) return C2D_ERR_LIMIT;
    st = src_peek(c, 16u + incl, &p, false);
    if (st != C2D_OK) return st;
    if (frac >= (c->nanosecond ? 1000000000u : 1000000u)) return C2D_ERR_MALFORMED;
    f->ts_ns = (uint64_t)sec * UINT64_C(1000000000) + (c->nanosecond ? frac : (uint64_t)frac * 1000u);
    f->linktype = c->pcap_linktype;
    f->interface_id = 0;
    f->caplen = incl;
    f->wirelen = orig < incl ? incl : orig;
    f->data = p + 16;
    return src_skip(c, 16u + incl);
}

/* One pcapng block; *got is set when it was a packet. */
static c2d_status next_pcapng_block(c2d_capture *c, c2d_frame *f, bool *got) {
    const uint8_t *p;
    c2d_status st = src_peek(c, 8, &p, true);
    if (st != C2D_OK) return st;
    uint32_t type = cap_u32(c, p);
    if (type == 0x0a0d0d0au) return read_shb(c);
    uint32_t total = cap_u32(c, p + 4);
    if (total < 12 || (total & 3u)) return C2D_ERR_MALFORMED;
    bool wanted = type == 1 || type == 2 || type == 3 || type == 6;
    if (!wanted) return src_skip(c, total);
    if (total > CAP_MAX_BLOCK) return C2D_ERR_LIMIT;
    st = src_peek(c, total, &p, false);
    if (st != C2D_OK) return st;
    if (cap_u32(c, p + total - 4) != total) return C2D_ERR_MALFORMED;
    const uint8_t *body = p + 8;
    size_t blen = total - 12u;
    if (type == 1) { /* Interface Description Block */
        if (blen < 8) return C2D_ERR_MALFORMED;
        if (c->n_ifaces >= C2D_CAPTURE_MAX_INTERFACES) return C2D_ERR_LIMIT;
        cap_iface *ifc = &c->ifaces[c->n_ifaces++];
        ifc->linktype = cap_u16(c, body);
        ifc->snaplen = cap_u32(c, body + 4);
        ifc->tsresol = 6;
        ifc->tsoffset_s = 0;
        iface_options(c, ifc, body + 8, blen - 8);
        return src_skip(c, total);
    }
    uint32_t ifid, caplen, wirelen;
    uint64_t units = 0;
    const uint8_t *data;
    size_t room;
    if (type == 6 || type == 2) { /* Enhanced / obsolete Packet Block */
        if (blen < 20) return C2D_ERR_MALFORMED;
        ifid = type == 6 ? cap_u32(c, body) : cap_u16(c, body);
        units = (uint64_t)cap_u32(c, body + 4) << 32 | cap_u32(c, body + 8);
        caplen = cap_u32(c, body + 12);
        wirelen = cap_u32(c, body + 16);
        data = body + 20;
        room = blen - 20;
    } else { /* Simple Packet Block: interface 0, no timestamp */
        if (blen < 4) return C2D_ERR_MALFORMED;
        ifid = 0;
        wirelen = cap_u32(c, body);
        data = body + 4;
        room = blen - 4;
        caplen = wirelen;
        if (c->n_ifaces > 0 && c->ifaces[0].snaplen && caplen > c->ifaces[0].snaplen)
            caplen = c->ifaces[0].snaplen;
        if (caplen > room) caplen = (uint32_t)room;
    }
    if (ifid >= c->n_ifaces) return C2D_ERR_MALFORMED;
    if (caplen > room) return C2D_ERR_MALFORMED;
    if (caplen > C2D_CAPTURE_MAX_FRAME) return C2D_ERR_LIMIT;
    const cap_iface *ifc = &c->ifaces[ifid];
    f->ts_ns = type == 3 ? 0 : iface_ts_ns(ifc, units);
    f->linktype = ifc->linktype;
    f->interface_id = ifid;
    f->caplen = caplen;
    f->wirelen = wirelen < caplen ? caplen : wirelen;
    f->data = data;
    *got = true;
    /* `data` stays valid: skipping inside the buffer does not move bytes */
    return src_skip(c, total);
}

c2d_status c2d_capture_next(c2d_capture *c, c2d_frame *f) {
    if (!c || !f || f->size < sizeof *f) return C2D_ERR_INVALID_ARG;
    if (c->sticky != C2D_OK) return c->sticky;
    c2d_status st;
    if (c->format == CAP_PCAP) {
        st = next_pcap(c, f);
    } else {
        bool got = false;
        do {
            st = next_pcapng_block(c, f, &got);
        } while (st == C2D_OK && !got);
    }
    if (st != C2D_OK) c->sticky = st;
    return st;
}
