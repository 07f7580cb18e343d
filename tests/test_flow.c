/* Tests of the capture reader, decoder, flow table, session rules and DNS parser.
 * Every capture here is built by the test itself; the real captures in
 * ../shared/data/pcap are checked against counts from tshark (skipped when absent). */
#define _POSIX_C_SOURCE 200809L
#include <math.h>
#include <stdbool.h>

#include "helpers.h"

#include <stddef.h>

/* ------------------------------------------------------------ builders */

typedef struct wbuf {
    uint8_t *d;
    size_t n, cap;
} wbuf;

static void wb_init(wbuf *b, size_t cap) {
    b->d = (uint8_t *)calloc(1, cap);
    b->n = 0;
    b->cap = cap;
    assert_non_null(b->d);
}
static void put(wbuf *b, const void *p, size_t n) {
    assert_true(b->n + n <= b->cap);
    memcpy(b->d + b->n, p, n);
    b->n += n;
}
static void put8(wbuf *b, unsigned v) { uint8_t x = (uint8_t)v; put(b, &x, 1); }
static void put16be(wbuf *b, unsigned v) { put8(b, v >> 8); put8(b, v); }
static void put32be(wbuf *b, uint32_t v) { put16be(b, v >> 16); put16be(b, v & 0xffff); }
static void put16le(wbuf *b, unsigned v) { put8(b, v); put8(b, v >> 8); }
static void put32le(wbuf *b, uint32_t v) { put16le(b, v & 0xffff); put16le(b, v >> 16); }
static void put32(wbuf *b, uint32_t v, bool be) { if (be) put32be(b, v); else put32le(b, v); }
static void put16(wbuf *b, unsigned v, bool be) { if (be) put16be(b, v); else put16le(b, v); }

typedef struct pkt_spec {
    int v6;                 /* IPv6 instead of IPv4 */
    int vlans;              /* 802.1Q tags */
    int v6_ext;             /* IPv6: add hop-by-hop + destination options + fragment(first) */
    const char *src, *dst;
    uint16_t sp, dp;
    uint8_t proto;          /* 6 or 17 */
    uint8_t flags;
    const uint8_t *payload;
    size_t plen;
} pkt_spec;

/* The IP datagram of a spec (no link layer). */
static void build_ip(wbuf *b, const pkt_spec *s) {
    uint8_t src[16], dst[16];
    assert_int_equal(c2d_addr_parse(s->src, src), C2D_OK);
    assert_int_equal(c2d_addr_parse(s->dst, dst), C2D_OK);
    size_t l4 = (s->proto == 6 ? 20 : 8) + s->plen;
    if (!s->v6) {
        put8(b, 0x45); put8(b, 0); put16be(b, (unsigned)(20 + l4)); put16be(b, 1); put16be(b, 0);
        put8(b, 64); put8(b, s->proto); put16be(b, 0);
        put(b, src + 12, 4); put(b, dst + 12, 4);
    } else {
        size_t ext = s->v6_ext ? 8 + 16 + 8 : 0;
        put32be(b, 0x60000000u); put16be(b, (unsigned)(ext + l4));
        put8(b, s->v6_ext ? 0 : s->proto); put8(b, 64);
        put(b, src, 16); put(b, dst, 16);
        if (s->v6_ext) {
            /* hop-by-hop (8 bytes, PadN), dest options (16 bytes), fragment offset 0 + M */
            put8(b, 60); put8(b, 0); put8(b, 1); put8(b, 4); put32be(b, 0);
            put8(b, 44); put8(b, 1); put8(b, 1); put8(b, 12); for (int i = 0; i < 12; i++) put8(b, 0);
            put8(b, s->proto); put8(b, 0); put16be(b, 1); put32be(b, 0x1234);
        }
    }
    if (s->proto == 6) {
        put16be(b, s->sp); put16be(b, s->dp); put32be(b, 1000); put32be(b, 0);
        put8(b, 0x50); put8(b, s->flags); put16be(b, 65535); put16be(b, 0); put16be(b, 0);
    } else {
        put16be(b, s->sp); put16be(b, s->dp); put16be(b, (unsigned)(8 + s->plen)); put16be(b, 0);
    }
    if (s->plen) put(b, s->payload, s->plen);
}

/* Ethernet frame with optional VLAN tags. */
static size_t build_eth(uint8_t *out, size_t cap, const pkt_spec *s) {
    wbuf b = {out, 0, cap};
    static const uint8_t macs[12] = {2, 0, 0, 0, 0, 1, 2, 0, 0, 0, 0, 2};
    put(&b, macs, 12);
    for (int i = 0; i < s->vlans; i++) { put16be(&b, i == 0 && s->vlans > 1 ? 0x88a8 : 0x8100); put16be(&b, 100u + (unsigned)i); }
    put16be(&b, s->v6 ? 0x86dd : 0x0800);
    build_ip(&b, s);
    return b.n;
}

/* pcap file: le/be byte order, micro/nano seconds. */
static void pcap_header(wbuf *b, bool be, bool nano, uint32_t linktype) {
    put32(b, nano ? 0xa1b23c4du : 0xa1b2c3d4u, be);
    put16(b, 2, be); put16(b, 4, be); put32(b, 0, be); put32(b, 0, be); put32(b, 65535, be); put32(b, linktype, be);
}
static void pcap_record(wbuf *b, bool be, bool nano, uint64_t ts_ns, const uint8_t *f, size_t n) {
    put32(b, (uint32_t)(ts_ns / 1000000000u), be);
    put32(b, (uint32_t)(nano ? ts_ns % 1000000000u : ts_ns % 1000000000u / 1000u), be);
    put32(b, (uint32_t)n, be); put32(b, (uint32_t)n, be);
    put(b, f, n);
}

/* pcapng pieces (little-endian) */
static void ng_shb(wbuf *b) {
    put32le(b, 0x0a0d0d0a); put32le(b, 28); put32le(b, 0x1a2b3c4d); put16le(b, 1); put16le(b, 0);
    put32le(b, 0xffffffffu); put32le(b, 0xffffffffu); put32le(b, 28);
}
static void ng_idb(wbuf *b, unsigned linktype, int tsresol) {
    uint32_t len = 20 + (tsresol >= 0 ? 8 + 4 : 0);
    put32le(b, 1); put32le(b, len); put16le(b, linktype); put16le(b, 0); put32le(b, 262144);
    if (tsresol >= 0) { put16le(b, 9); put16le(b, 1); put8(b, (unsigned)tsresol); put8(b, 0); put8(b, 0); put8(b, 0); put32le(b, 0); }
    put32le(b, len);
}
static void ng_epb(wbuf *b, uint32_t ifid, uint64_t units, const uint8_t *f, size_t n) {
    size_t padded = (n + 3) & ~(size_t)3;
    uint32_t len = (uint32_t)(32 + padded);
    put32le(b, 6); put32le(b, len); put32le(b, ifid); put32le(b, (uint32_t)(units >> 32));
    put32le(b, (uint32_t)units); put32le(b, (uint32_t)n); put32le(b, (uint32_t)n);
    put(b, f, n);
    for (size_t i = n; i < padded; i++) put8(b, 0);
    put32le(b, len);
}

static const uint8_t http_get[] = "GET /index.html HTTP/1.1\r\nHost: example.com\r\n\r\n";

/* ------------------------------------------------------- capture tests */

static void check_two_frames(const uint8_t *data, size_t len, uint32_t linktype, uint64_t ts0, uint64_t ts1) {
    c2d_capture *cap = NULL;
    assert_int_equal(c2d_capture_open_memory(data, len, NULL, &cap), C2D_OK);
    c2d_frame f = {.size = sizeof f};
    assert_int_equal(c2d_capture_next(cap, &f), C2D_OK);
    assert_int_equal(f.linktype, linktype);
    assert_true(f.ts_ns == ts0);
    assert_int_equal(c2d_capture_next(cap, &f), C2D_OK);
    assert_true(f.ts_ns == ts1);
    c2d_packet p = {.size = sizeof p};
    assert_int_equal(c2d_packet_decode(f.linktype, f.data, f.caplen, f.ts_ns, &p), C2D_OK);
    assert_int_equal(p.dst_port, 80);
    assert_int_equal(p.payload_len, sizeof http_get - 1);
    assert_memory_equal(p.payload, http_get, sizeof http_get - 1);
    assert_int_equal(c2d_capture_next(cap, &f), C2D_CAPTURE_END);
    assert_int_equal(c2d_capture_next(cap, &f), C2D_CAPTURE_END);
    assert_true(c2d_capture_offset(cap) == len);
    c2d_capture_free(cap);
}

static void test_pcap_both_flavours(void **state) {
    (void)state;
    uint8_t frame[2048];
    pkt_spec s = {.src = "10.0.0.1", .dst = "198.51.100.7", .sp = 40000, .dp = 80, .proto = 6,
                  .flags = C2D_TCP_ACK | C2D_TCP_PSH, .payload = http_get, .plen = sizeof http_get - 1};
    size_t n = build_eth(frame, sizeof frame, &s);
    for (int be = 0; be < 2; be++) {
        for (int nano = 0; nano < 2; nano++) {
            wbuf b;
            wb_init(&b, 8192);
            pcap_header(&b, be, nano, 1);
            uint64_t t0 = UINT64_C(1700000000123456000), t1 = UINT64_C(1700000001000001000) + (nano ? 789 : 0);
            pcap_record(&b, be, nano, t0, frame, n);
            pcap_record(&b, be, nano, t1, frame, n);
            check_two_frames(b.d, b.n, 1, t0, t1);
            free(b.d);
        }
    }
}

static void test_pcap_file_streaming(void **state) {
    (void)state;
    uint8_t frame[2048];
    pkt_spec s = {.src = "10.0.0.1", .dst = "198.51.100.7", .sp = 40000, .dp = 80, .proto = 6,
                  .flags = C2D_TCP_ACK, .payload = http_get, .plen = sizeof http_get - 1};
    size_t n = build_eth(frame, sizeof frame, &s);
    /* 3000 records = about 300 KB, more than one read buffer: exercises refills */
    wbuf b;
    wb_init(&b, 3000 * (n + 16) + 64);
    pcap_header(&b, false, false, 1);
    for (int i = 0; i < 3000; i++) pcap_record(&b, false, false, (uint64_t)i * 1000u, frame, n);
    char path[] = "/tmp/c2d_test_flow_XXXXXX";
    int fd = mkstemp(path);
    assert_true(fd >= 0);
    FILE *f = fdopen(fd, "wb");
    assert_int_equal(fwrite(b.d, 1, b.n, f), b.n);
    fclose(f);
    test_alloc ta;
    test_alloc_init(&ta, 0);
    c2d_capture *cap = NULL;
    assert_int_equal(c2d_capture_open_file(path, &ta.api, &cap), C2D_OK);
    c2d_frame fr = {.size = sizeof fr};
    int count = 0;
    c2d_status st;
    while ((st = c2d_capture_next(cap, &fr)) == C2D_OK) {
        assert_int_equal(fr.caplen, n);
        assert_true(fr.ts_ns == (uint64_t)count * 1000u);
        count++;
    }
    assert_int_equal(st, C2D_CAPTURE_END);
    assert_int_equal(count, 3000);
    assert_int_equal(ta.calls, 2); /* handle + one fixed buffer, whatever the file size */
    c2d_capture_free(cap);
    assert_int_equal(ta.live, 0);
    /* out of memory at each allocation */
    for (long k = 1; k <= 2; k++) {
        test_alloc_init(&ta, k);
        assert_int_equal(c2d_capture_open_file(path, &ta.api, &cap), C2D_ERR_NOMEM);
        assert_null(cap);
        assert_int_equal(ta.live, 0);
    }
    assert_int_equal(c2d_capture_open_file("/nonexistent/x.pcap", NULL, &cap), C2D_ERR_IO);
    remove(path);
    free(b.d);
}

/* A block cut short in the middle of a skipped (non-packet) block: the file
 * and the memory reader both stop with TRUNCATED at the cut block's offset
 * (the file reader used to report the end of the file). */
static void test_cut_block_offset_file_and_memory(void **state) {
    (void)state;
    uint8_t frame[2048];
    pkt_spec s = {.src = "10.0.0.1", .dst = "198.51.100.7", .sp = 40000, .dp = 80, .proto = 6,
                  .flags = C2D_TCP_ACK, .payload = http_get, .plen = sizeof http_get - 1};
    size_t n = build_eth(frame, sizeof frame, &s);
    wbuf b;
    wb_init(&b, 4096);
    ng_shb(&b);
    ng_idb(&b, 1, -1);
    ng_epb(&b, 0, 1000, frame, n);
    const size_t cut_at = b.n;
    put32le(&b, 5);    /* Interface Statistics Block: skipped, not read */
    put32le(&b, 1000); /* announces 1000 bytes; 100 follow */
    for (int i = 0; i < 92; i++) put8(&b, 0);
    char path[] = "/tmp/c2d_test_cut_XXXXXX";
    int fd = mkstemp(path);
    assert_true(fd >= 0);
    FILE *f = fdopen(fd, "wb");
    assert_int_equal(fwrite(b.d, 1, b.n, f), b.n);
    fclose(f);
    for (int mode = 0; mode < 2; mode++) {
        c2d_capture *cap = NULL;
        assert_int_equal(mode ? c2d_capture_open_memory(b.d, b.n, NULL, &cap)
                              : c2d_capture_open_file(path, NULL, &cap), C2D_OK);
        c2d_frame fr = {.size = sizeof fr};
        assert_int_equal(c2d_capture_next(cap, &fr), C2D_OK);
        assert_int_equal(fr.caplen, n);
        assert_int_equal(c2d_capture_next(cap, &fr), C2D_ERR_TRUNCATED);
        assert_int_equal(c2d_capture_offset(cap), cut_at);
        assert_int_equal(c2d_capture_next(cap, &fr), C2D_ERR_TRUNCATED); /* sticky */
        assert_int_equal(c2d_capture_offset(cap), cut_at);
        c2d_capture_free(cap);
    }
    remove(path);
    free(b.d);
}

static void test_pcapng_two_interfaces(void **state) {
    (void)state;
    uint8_t eth[2048], raw[2048];
    pkt_spec s = {.src = "10.0.0.1", .dst = "198.51.100.7", .sp = 40000, .dp = 80, .proto = 6,
                  .flags = C2D_TCP_ACK, .payload = http_get, .plen = sizeof http_get - 1};
    size_t ne = build_eth(eth, sizeof eth, &s);
    wbuf rb = {raw, 0, sizeof raw};
    s.src = "2001:db8::1";
    s.dst = "2001:db8::2";
    s.v6 = 1;
    build_ip(&rb, &s);
    wbuf b;
    wb_init(&b, 16384);
    ng_shb(&b);
    ng_idb(&b, 1, -1);     /* Ethernet, default microseconds */
    ng_idb(&b, 101, 9);    /* raw IP, nanoseconds */
    /* an unknown block (type 0x0bad) is skipped */
    put32le(&b, 0x0bad); put32le(&b, 16); put32le(&b, 0xdeadbeef); put32le(&b, 16);
    ng_epb(&b, 0, UINT64_C(1700000000000001), eth, ne);
    ng_epb(&b, 1, UINT64_C(1700000000000000005), raw, rb.n);
    c2d_capture *cap = NULL;
    assert_int_equal(c2d_capture_open_memory(b.d, b.n, NULL, &cap), C2D_OK);
    c2d_frame f = {.size = sizeof f};
    assert_int_equal(c2d_capture_next(cap, &f), C2D_OK);
    assert_int_equal(f.linktype, 1);
    assert_int_equal(f.interface_id, 0);
    assert_true(f.ts_ns == UINT64_C(1700000000000001000));
    assert_int_equal(f.caplen, ne);
    assert_int_equal(c2d_capture_next(cap, &f), C2D_OK);
    assert_int_equal(f.linktype, 101);
    assert_int_equal(f.interface_id, 1);
    assert_true(f.ts_ns == UINT64_C(1700000000000000005));
    c2d_packet p = {.size = sizeof p};
    assert_int_equal(c2d_packet_decode(f.linktype, f.data, f.caplen, f.ts_ns, &p), C2D_OK);
    assert_int_equal(p.ip_version, 6);
    assert_int_equal(p.payload_len, sizeof http_get - 1);
    assert_int_equal(c2d_capture_next(cap, &f), C2D_CAPTURE_END);
    c2d_capture_free(cap);

    /* the same through a file, with a 600 KB unknown block (larger than the
     * reader's buffer) between the packets: skipped by streaming */
    wbuf big;
    wb_init(&big, b.n + 700000);
    put(&big, b.d, b.n - (32 + ((rb.n + 3) & ~(size_t)3)));
    put32le(&big, 0x0bad); put32le(&big, 600012);
    for (int i = 0; i < 600000 / 4; i++) put32le(&big, (uint32_t)i);
    put32le(&big, 600012);
    ng_epb(&big, 1, UINT64_C(1700000000000000005), raw, rb.n);
    char path[] = "/tmp/c2d_test_flow_ng_XXXXXX";
    int fd = mkstemp(path);
    assert_true(fd >= 0);
    FILE *fp = fdopen(fd, "wb");
    assert_int_equal(fwrite(big.d, 1, big.n, fp), big.n);
    fclose(fp);
    assert_int_equal(c2d_capture_open_file(path, NULL, &cap), C2D_OK);
    assert_int_equal(c2d_capture_next(cap, &f), C2D_OK);
    assert_int_equal(f.interface_id, 0);
    assert_int_equal(c2d_capture_next(cap, &f), C2D_OK);
    assert_int_equal(f.interface_id, 1);
    assert_true(f.ts_ns == UINT64_C(1700000000000000005));
    assert_int_equal(c2d_packet_decode(f.linktype, f.data, f.caplen, f.ts_ns, &p), C2D_OK);
    assert_int_equal(p.payload_len, sizeof http_get - 1);
    assert_int_equal(c2d_capture_next(cap, &f), C2D_CAPTURE_END);
    assert_true(c2d_capture_offset(cap) == big.n);
    c2d_capture_free(cap);
    remove(path);
    free(big.d);

    /* an EPB for an interface that was never described */
    wbuf bad;
    wb_init(&bad, 4096);
    ng_shb(&bad);
    ng_idb(&bad, 1, -1);
    ng_epb(&bad, 3, 0, eth, ne);
    assert_int_equal(c2d_capture_open_memory(bad.d, bad.n, NULL, &cap), C2D_OK);
    assert_int_equal(c2d_capture_next(cap, &f), C2D_ERR_MALFORMED);
    assert_int_equal(c2d_capture_next(cap, &f), C2D_ERR_MALFORMED); /* sticky */
    c2d_capture_free(cap);
    free(bad.d);
    free(b.d);
}

/* A big-endian section with a binary timestamp resolution (2^-10 s) and a
 * tsoffset of 100 s, followed by a little-endian section. */
static void test_pcapng_big_endian_sections(void **state) {
    (void)state;
    uint8_t eth[2048];
    pkt_spec s = {.src = "10.0.0.1", .dst = "198.51.100.7", .sp = 40000, .dp = 80, .proto = 6,
                  .flags = C2D_TCP_ACK, .payload = http_get, .plen = sizeof http_get - 1};
    size_t ne = build_eth(eth, sizeof eth, &s);
    size_t padded = (ne + 3) & ~(size_t)3;
    wbuf b;
    wb_init(&b, 8192);
    put32be(&b, 0x0a0d0d0a); put32be(&b, 28); put32be(&b, 0x1a2b3c4d); put16be(&b, 1); put16be(&b, 0);
    put32be(&b, 0xffffffffu); put32be(&b, 0xffffffffu); put32be(&b, 28);
    put32be(&b, 1); put32be(&b, 20 + 8 + 12 + 4); put16be(&b, 1); put16be(&b, 0); put32be(&b, 0);
    put16be(&b, 9); put16be(&b, 1); put8(&b, 0x8a); put8(&b, 0); put8(&b, 0); put8(&b, 0);
    put16be(&b, 14); put16be(&b, 8); put32be(&b, 0); put32be(&b, 100);
    put32be(&b, 0);
    put32be(&b, 20 + 8 + 12 + 4);
    uint32_t len = (uint32_t)(32 + padded);
    uint64_t units = (UINT64_C(1700000000) << 10) | 512; /* +0.5 s */
    put32be(&b, 6); put32be(&b, len); put32be(&b, 0); put32be(&b, (uint32_t)(units >> 32));
    put32be(&b, (uint32_t)units); put32be(&b, (uint32_t)ne); put32be(&b, (uint32_t)ne);
    put(&b, eth, ne);
    for (size_t i = ne; i < padded; i++) put8(&b, 0);
    put32be(&b, len);
    ng_shb(&b);
    ng_idb(&b, 113, -1);
    c2d_capture *cap = NULL;
    assert_int_equal(c2d_capture_open_memory(b.d, b.n, NULL, &cap), C2D_OK);
    c2d_frame f = {.size = sizeof f};
    assert_int_equal(c2d_capture_next(cap, &f), C2D_OK);
    assert_int_equal(f.linktype, 1);
    assert_true(f.ts_ns == UINT64_C(1700000100500000000));
    assert_int_equal(f.caplen, ne);
    c2d_packet p = {.size = sizeof p};
    assert_int_equal(c2d_packet_decode(f.linktype, f.data, f.caplen, f.ts_ns, &p), C2D_OK);
    assert_int_equal(p.src_port, 40000);
    /* the second section has one interface, no packets */
    assert_int_equal(c2d_capture_next(cap, &f), C2D_CAPTURE_END);
    c2d_capture_free(cap);
    free(b.d);
}

static void test_capture_corrupt(void **state) {
    (void)state;
    c2d_capture *cap = NULL;
    const uint8_t junk[24] = {1, 2, 3, 4};
    assert_int_equal(c2d_capture_open_memory(junk, sizeof junk, NULL, &cap), C2D_ERR_BAD_MAGIC);
    assert_int_equal(c2d_capture_open_memory(junk, 2, NULL, &cap), C2D_ERR_TRUNCATED);
    assert_int_equal(c2d_capture_open_memory(NULL, 0, NULL, &cap), C2D_ERR_TRUNCATED);
    assert_int_equal(c2d_capture_open_memory(junk, 4, NULL, NULL), C2D_ERR_INVALID_ARG);
    wbuf b;
    wb_init(&b, 4096);
    pcap_header(&b, false, false, 1);
    assert_int_equal(c2d_capture_open_memory(b.d, 20, NULL, &cap), C2D_ERR_TRUNCATED);
    /* record announcing more than the frame limit */
    put32le(&b, 0); put32le(&b, 0); put32le(&b, C2D_CAPTURE_MAX_FRAME + 1); put32le(&b, 10);
    assert_int_equal(c2d_capture_open_memory(b.d, b.n, NULL, &cap), C2D_OK);
    c2d_frame f = {.size = sizeof f};
    assert_int_equal(c2d_capture_next(cap, &f), C2D_ERR_LIMIT);
    c2d_capture_free(cap);
    /* record cut in the middle */
    b.n = 24;
    put32le(&b, 0); put32le(&b, 0); put32le(&b, 100); put32le(&b, 100); put32le(&b, 7);
    assert_int_equal(c2d_capture_open_memory(b.d, b.n, NULL, &cap), C2D_OK);
    assert_int_equal(c2d_capture_next(cap, &f), C2D_ERR_TRUNCATED);
    f.size = 4;
    assert_int_equal(c2d_capture_next(cap, &f), C2D_ERR_INVALID_ARG);
    c2d_capture_free(cap);
    /* pcap version 3 */
    b.n = 0;
    pcap_header(&b, false, false, 1);
    b.d[4] = 3;
    assert_int_equal(c2d_capture_open_memory(b.d, b.n, NULL, &cap), C2D_ERR_UNSUPPORTED_VERSION);
    c2d_capture_free(NULL);
    free(b.d);
}

/* ------------------------------------------------------- decode tests */

static void test_decode_vlan_ipv6_ext_truncation(void **state) {
    (void)state;
    uint8_t frame[2048];
    c2d_packet p = {.size = sizeof p};
    pkt_spec s = {.vlans = 2, .src = "192.0.2.1", .dst = "192.0.2.2", .sp = 5353, .dp = 53, .proto = 17,
                  .payload = (const uint8_t *)"abcd", .plen = 4};
    size_t n = build_eth(frame, sizeof frame, &s);
    assert_int_equal(c2d_packet_decode(1, frame, (uint32_t)n, 7, &p), C2D_OK);
    assert_int_equal(p.vlan_depth, 2);
    assert_int_equal(p.ip_proto, 17);
    assert_int_equal(p.src_port, 5353);
    assert_int_equal(p.dst_port, 53);
    assert_int_equal(p.ip_bytes, 20 + 8 + 4);
    assert_int_equal(p.payload_len, 4);
    char txt[64];
    assert_int_equal(c2d_addr_format(p.src_addr, txt, sizeof txt), C2D_OK);
    assert_string_equal(txt, "192.0.2.1");
    /* Ethernet padding is not payload */
    memset(frame + n, 0xee, 20);
    assert_int_equal(c2d_packet_decode(1, frame, (uint32_t)n + 20, 7, &p), C2D_OK);
    assert_int_equal(p.payload_len, 4);

    pkt_spec s6 = {.v6 = 1, .v6_ext = 1, .src = "2001:db8::10", .dst = "2001:db8:0:1::20", .sp = 1234, .dp = 443,
                   .proto = 6, .flags = C2D_TCP_SYN, .payload = http_get, .plen = 10};
    n = build_eth(frame, sizeof frame, &s6);
    assert_int_equal(c2d_packet_decode(1, frame, (uint32_t)n, 0, &p), C2D_OK);
    assert_int_equal(p.ip_version, 6);
    assert_int_equal(p.ip_proto, 6);
    assert_int_equal(p.dst_port, 443);
    assert_int_equal(p.tcp_flags, C2D_TCP_SYN);
    assert_int_equal(p.payload_len, 10);
    assert_int_equal(p.ip_bytes, 40 + 32 + 20 + 10);
    assert_int_equal(c2d_addr_format(p.dst_addr, txt, sizeof txt), C2D_OK);
    assert_string_equal(txt, "2001:db8:0:1::20");
    /* every cut of the frame inside the headers is TRUNCATED, never a crash */
    size_t hdrs = 14 + 40 + 32 + 20;
    for (size_t cut = 0; cut < hdrs; cut++)
        assert_int_equal(c2d_packet_decode(1, frame, (uint32_t)cut, 0, &p), C2D_ERR_PKT_TRUNCATED);
    /* cut inside the payload: decodes, payload_caplen < payload_len */
    assert_int_equal(c2d_packet_decode(1, frame, (uint32_t)hdrs + 3, 0, &p), C2D_OK);
    assert_int_equal(p.payload_len, 10);
    assert_int_equal(p.payload_caplen, 3);
    /* non-first IPv6 fragment */
    frame[14 + 40 + 8 + 16 + 3] = 0x08; /* fragment offset 1 */
    assert_int_equal(c2d_packet_decode(1, frame, (uint32_t)n, 0, &p), C2D_ERR_PKT_FRAGMENT);
    /* IPv4 with 8 bytes of options (IHL 7): ports and payload found past them */
    {
        uint8_t opt[256];
        wbuf ob = {opt, 0, sizeof opt};
        pkt_spec so = {.src = "10.1.1.1", .dst = "10.1.1.2", .sp = 1111, .dp = 2222, .proto = 17,
                       .payload = (const uint8_t *)"xyz", .plen = 3};
        build_ip(&ob, &so);
        uint8_t with[256];
        memcpy(with, opt, 20);
        with[0] = 0x47;
        with[2] = 0; with[3] = (uint8_t)(ob.n + 8);
        memset(with + 20, 1, 8); /* NOP options */
        memcpy(with + 28, opt + 20, ob.n - 20);
        assert_int_equal(c2d_packet_decode(C2D_LINKTYPE_RAW, with, (uint32_t)ob.n + 8, 0, &p), C2D_OK);
        assert_int_equal(p.src_port, 1111);
        assert_int_equal(p.dst_port, 2222);
        assert_int_equal(p.ip_bytes, ob.n + 8);
        assert_int_equal(p.payload_len, 3);
        assert_memory_equal(p.payload, "xyz", 3);
        assert_int_equal(c2d_packet_decode(C2D_LINKTYPE_IPV4, with, 27, 0, &p), C2D_ERR_PKT_TRUNCATED);
    }
    /* IPv4 non-first fragment, bad IHL, ARP, unknown link type */
    pkt_spec s4 = {.src = "10.1.1.1", .dst = "10.1.1.2", .sp = 1, .dp = 2, .proto = 17};
    n = build_eth(frame, sizeof frame, &s4);
    frame[14 + 7] = 0x10;
    assert_int_equal(c2d_packet_decode(1, frame, (uint32_t)n, 0, &p), C2D_ERR_PKT_FRAGMENT);
    frame[14 + 7] = 0;
    frame[14] = 0x44;
    assert_int_equal(c2d_packet_decode(1, frame, (uint32_t)n, 0, &p), C2D_ERR_PKT_MALFORMED);
    frame[14] = 0x45;
    frame[12] = 0x08; frame[13] = 0x06;
    assert_int_equal(c2d_packet_decode(1, frame, (uint32_t)n, 0, &p), C2D_ERR_PKT_UNSUPPORTED);
    assert_int_equal(c2d_packet_decode(9999, frame, (uint32_t)n, 0, &p), C2D_ERR_PKT_UNSUPPORTED);
    /* Linux SLL and SLL2 and the BSD loopback */
    uint8_t sll[256];
    memset(sll, 0, sizeof sll);
    sll[14] = 0x08; sll[15] = 0x00;
    memcpy(sll + 16, frame + 14, n - 14);
    assert_int_equal(c2d_packet_decode(C2D_LINKTYPE_LINUX_SLL, sll, (uint32_t)(n + 2), 0, &p), C2D_OK);
    assert_int_equal(p.dst_port, 2);
    memset(sll, 0, 20);
    sll[0] = 0x08;
    memcpy(sll + 20, frame + 14, n - 14);
    assert_int_equal(c2d_packet_decode(C2D_LINKTYPE_LINUX_SLL2, sll, (uint32_t)(n + 6), 0, &p), C2D_OK);
    assert_int_equal(p.dst_port, 2);
    memset(sll, 0, 4);
    sll[0] = 2;
    memcpy(sll + 4, frame + 14, n - 14);
    assert_int_equal(c2d_packet_decode(C2D_LINKTYPE_NULL, sll, (uint32_t)(n - 10), 0, &p), C2D_OK);
    assert_int_equal(p.dst_port, 2);
    p.size = 3;
    assert_int_equal(c2d_packet_decode(1, frame, (uint32_t)n, 0, &p), C2D_ERR_INVALID_ARG);
}

static void test_addr_text(void **state) {
    (void)state;
    static const char *const good[] = {"0.0.0.0", "255.255.255.255", "::", "::1", "2001:db8::1",
                                       "fe80::1:2:3:4", "1:2:3:4:5:6:7:8", "2001:db8:0:1::20", "::ffff:1.2.3.4"};
    static const char *const expect[] = {"0.0.0.0", "255.255.255.255", "::", "::1", "2001:db8::1",
                                         "fe80::1:2:3:4", "1:2:3:4:5:6:7:8", "2001:db8:0:1::20", "1.2.3.4"};
    for (size_t i = 0; i < sizeof good / sizeof good[0]; i++) {
        uint8_t a[16];
        char t[64];
        assert_int_equal(c2d_addr_parse(good[i], a), C2D_OK);
        assert_int_equal(c2d_addr_format(a, t, sizeof t), C2D_OK);
        assert_string_equal(t, expect[i]);
    }
    static const char *const bad[] = {"", "1.2.3", "1.2.3.256", "1.2.3.4.5", ":::", "1::2::3", "12345::",
                                      "1:2:3:4:5:6:7:8:9", "g::1", "1.2.3.04x", "2001:db8:"};
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        uint8_t a[16];
        assert_int_equal(c2d_addr_parse(bad[i], a), C2D_ERR_MALFORMED);
    }
    uint8_t a[16];
    char small[4];
    assert_int_equal(c2d_addr_parse("10.0.0.1", a), C2D_OK);
    assert_int_equal(c2d_addr_format(a, small, sizeof small), C2D_ERR_BUFFER_TOO_SMALL);
}

/* ------------------------------------------------------- session tests */

#define MAX_SEEN 64
typedef struct seen {
    int n;
    c2d_session s[MAX_SEEN];
    uint8_t orig_prefix[MAX_SEEN][32];
    uint8_t resp_prefix[MAX_SEEN][32];
    int dns_n, nxdomain;
    char last_qname[C2D_DNS_NAME_BUF];
    char last_client[64];
} seen;

static void on_session(void *user, const c2d_session *s) {
    seen *sn = (seen *)user;
    assert_true(sn->n < MAX_SEEN);
    sn->s[sn->n] = *s;
    if (s->orig_prefix_len) memcpy(sn->orig_prefix[sn->n], s->orig_prefix, s->orig_prefix_len < 32 ? s->orig_prefix_len : 32);
    if (s->resp_prefix_len) memcpy(sn->resp_prefix[sn->n], s->resp_prefix, s->resp_prefix_len < 32 ? s->resp_prefix_len : 32);
    sn->n++;
}

static void on_dns(void *user, const c2d_dns_event *ev) {
    seen *sn = (seen *)user;
    sn->dns_n++;
    if (ev->message->is_response && ev->message->rcode == C2D_DNS_RCODE_NXDOMAIN) sn->nxdomain++;
    snprintf(sn->last_qname, sizeof sn->last_qname, "%s", ev->message->qname);
    c2d_addr_format(ev->client_addr, sn->last_client, sizeof sn->last_client);
}

static c2d_flowtable *table(uint32_t capacity, uint32_t prefix, seen *sn) {
    c2d_flow_settings set;
    c2d_flow_settings_default(&set);
    set.capacity = capacity;
    set.payload_prefix_len = prefix;
    set.hash_seed[0] = 1;
    set.hash_seed[1] = 2;
    c2d_flowtable *ft = NULL;
    assert_int_equal(c2d_flowtable_new(&set, NULL, &ft), C2D_OK);
    memset(sn, 0, sizeof *sn);
    c2d_flowtable_set_session_callback(ft, on_session, sn);
    c2d_flowtable_set_dns_callback(ft, on_dns, sn);
    return ft;
}

static c2d_status feed(c2d_flowtable *ft, uint64_t ts, const char *src, uint16_t sp, const char *dst, uint16_t dp,
                       uint8_t proto, uint8_t flags, const void *payload, size_t plen) {
    uint8_t frame[2048];
    pkt_spec s = {.src = src, .dst = dst, .sp = sp, .dp = dp, .proto = proto, .flags = flags,
                  .payload = (const uint8_t *)payload, .plen = plen};
    s.v6 = strchr(src, ':') != NULL;
    size_t n = build_eth(frame, sizeof frame, &s);
    c2d_frame f = {.size = sizeof f, .ts_ns = ts, .linktype = 1, .caplen = (uint32_t)n, .wirelen = (uint32_t)n, .data = frame};
    return c2d_flowtable_add_frame(ft, &f);
}

#define S(x) ((uint64_t)(x) * UINT64_C(1000000000))
#define C "10.0.0.5"
#define SRV "203.0.113.9"

static void tcp_handshake(c2d_flowtable *ft, uint64_t t) {
    assert_int_equal(feed(ft, t, C, 50000, SRV, 8080, 6, C2D_TCP_SYN, NULL, 0), C2D_OK);
    assert_int_equal(feed(ft, t + 1000, SRV, 8080, C, 50000, 6, C2D_TCP_SYN | C2D_TCP_ACK, NULL, 0), C2D_OK);
    assert_int_equal(feed(ft, t + 2000, C, 50000, SRV, 8080, 6, C2D_TCP_ACK, NULL, 0), C2D_OK);
}

static void test_session_fin_close(void **state) {
    (void)state;
    seen sn;
    c2d_flowtable *ft = table(16, 8, &sn);
    uint8_t req[100], resp[300];
    memset(req, 'q', sizeof req);
    memset(resp, 'r', sizeof resp);
    memcpy(req, "HELLO", 5);
    tcp_handshake(ft, S(100));
    feed(ft, S(101), C, 50000, SRV, 8080, 6, C2D_TCP_ACK | C2D_TCP_PSH, req, 100);
    feed(ft, S(101) + 5, C, 50000, SRV, 8080, 6, C2D_TCP_ACK | C2D_TCP_PSH, req, 20);
    feed(ft, S(102), SRV, 8080, C, 50000, 6, C2D_TCP_ACK | C2D_TCP_PSH, resp, 300);
    feed(ft, S(103), C, 50000, SRV, 8080, 6, C2D_TCP_ACK | C2D_TCP_FIN, NULL, 0);
    feed(ft, S(103) + 10, SRV, 8080, C, 50000, 6, C2D_TCP_ACK | C2D_TCP_FIN, NULL, 0);
    feed(ft, S(103) + 20, C, 50000, SRV, 8080, 6, C2D_TCP_ACK, NULL, 0);
    c2d_flowtable_expire(ft, S(104)); /* within the 5 s closed timeout */
    assert_int_equal(sn.n, 0);
    c2d_flowtable_expire(ft, S(109));
    assert_int_equal(sn.n, 1);
    const c2d_session *s = &sn.s[0];
    char t[64];
    c2d_addr_format(s->orig_h, t, sizeof t);
    assert_string_equal(t, C);
    assert_int_equal(s->orig_p, 50000);
    assert_int_equal(s->resp_p, 8080);
    assert_int_equal(s->proto, 6);
    assert_int_equal(s->end_reason, C2D_END_FIN);
    assert_int_equal(s->conn_state, C2D_CONN_SF);
    assert_int_equal(s->orig_pkts, 6);
    assert_int_equal(s->resp_pkts, 3);
    assert_int_equal(s->orig_bytes, 120);
    assert_int_equal(s->resp_bytes, 300);
    assert_int_equal(s->orig_ip_bytes, 6 * 40 + 120);
    assert_int_equal(s->resp_ip_bytes, 3 * 40 + 300);
    assert_int_equal(s->orig_data_pkts, 2);
    assert_int_equal(s->resp_data_pkts, 1);
    assert_int_equal(s->orig_min_payload, 20);
    assert_int_equal(s->orig_max_payload, 100);
    assert_true(s->orig_mean_payload == 60.0);
    assert_true(s->resp_mean_payload == 300.0);
    assert_true(s->ts_ns == S(100));
    assert_true(s->last_ns == S(103) + 20);
    assert_true(fabs(s->duration - 3.00000002) < 1e-12);
    assert_int_equal(s->counted, 1);
    assert_true(s->avg_payload_len == 140.0);
    assert_true(s->in_out_ratio == 301.0 / 121.0);
    assert_int_equal(s->local_orig, 1);
    assert_int_equal(s->local_resp, 0);
    assert_int_equal(s->orig_tcp_flags, C2D_TCP_SYN | C2D_TCP_ACK | C2D_TCP_PSH | C2D_TCP_FIN);
    assert_int_equal(s->orig_prefix_len, 8);
    assert_memory_equal(sn.orig_prefix[0], "HELLOqqq", 8);
    assert_int_equal(s->resp_prefix_len, 8);
    assert_memory_equal(sn.resp_prefix[0], "rrrrrrrr", 8);
    c2d_session_class cls;
    assert_int_equal(c2d_session_classify(s, NULL, &cls), C2D_OK);
    assert_int_equal(cls, C2D_SESSION_OTHER); /* 140 B/pkt > 100, ratio 2.5 < 10 */
    c2d_flow_stats st = {.size = sizeof st};
    assert_int_equal(c2d_flowtable_stats(ft, &st), C2D_OK);
    assert_int_equal(st.sessions_started, 1);
    assert_int_equal(st.sessions_ended, 1);
    assert_int_equal(st.active, 0);
    assert_int_equal(st.packets, 9);
    c2d_flowtable_free(ft);
}

static void test_session_rst_reuse_and_no_payload(void **state) {
    (void)state;
    seen sn;
    c2d_flowtable *ft = table(16, 0, &sn);
    /* no payload: handshake then RST from the originator */
    tcp_handshake(ft, S(10));
    feed(ft, S(11), C, 50000, SRV, 8080, 6, C2D_TCP_RST | C2D_TCP_ACK, NULL, 0);
    /* same tuple reused by a new SYN: the first session ends at once (rst) */
    tcp_handshake(ft, S(12));
    assert_int_equal(sn.n, 1);
    assert_int_equal(sn.s[0].end_reason, C2D_END_RST);
    assert_int_equal(sn.s[0].conn_state, C2D_CONN_RSTO);
    assert_int_equal(sn.s[0].counted, 0);
    assert_true(sn.s[0].avg_payload_len == 0.0);
    c2d_session_class cls;
    c2d_session_classify(&sn.s[0], NULL, &cls);
    assert_int_equal(cls, C2D_SESSION_NOT_COUNTED);
    /* second one: short balanced exchange (C&C-like), responder RST */
    feed(ft, S(13), C, 50000, SRV, 8080, 6, C2D_TCP_ACK | C2D_TCP_PSH, "PING :abc\r\n", 11);
    feed(ft, S(14), SRV, 8080, C, 50000, 6, C2D_TCP_ACK | C2D_TCP_PSH, "PONG :abc\r\n", 11);
    feed(ft, S(15), SRV, 8080, C, 50000, 6, C2D_TCP_RST, NULL, 0);
    c2d_flowtable_flush(ft);
    assert_int_equal(sn.n, 2);
    assert_int_equal(sn.s[1].end_reason, C2D_END_RST);
    assert_int_equal(sn.s[1].conn_state, C2D_CONN_RSTR);
    assert_int_equal(sn.s[1].counted, 1);
    assert_true(sn.s[1].avg_payload_len == 11.0);
    c2d_session_classify(&sn.s[1], NULL, &cls);
    assert_int_equal(cls, C2D_SESSION_C2_CANDIDATE);
    /* SYN only: S0; rejected: REJ */
    feed(ft, S(20), C, 50001, SRV, 22, 6, C2D_TCP_SYN, NULL, 0);
    feed(ft, S(20), C, 50002, SRV, 23, 6, C2D_TCP_SYN, NULL, 0);
    feed(ft, S(20) + 1, SRV, 23, C, 50002, 6, C2D_TCP_RST | C2D_TCP_ACK, NULL, 0);
    c2d_flowtable_flush(ft);
    assert_int_equal(sn.n, 4);
    int s0 = sn.s[2].resp_p == 22 ? 2 : 3;
    assert_int_equal(sn.s[s0].conn_state, C2D_CONN_S0);
    assert_int_equal(sn.s[s0].end_reason, C2D_END_FLUSH);
    assert_int_equal(sn.s[5 - s0].conn_state, C2D_CONN_REJ);
    c2d_flowtable_free(ft);
}

static void test_session_initiator_and_udp(void **state) {
    (void)state;
    seen sn;
    c2d_flowtable *ft = table(16, 0, &sn);
    /* the SYN-ACK is seen first: its receiver is the originator */
    feed(ft, S(1), SRV, 443, C, 40000, 6, C2D_TCP_SYN | C2D_TCP_ACK, NULL, 0);
    feed(ft, S(1) + 1, C, 40000, SRV, 443, 6, C2D_TCP_ACK, "x", 1);
    /* UDP from outside to a local host: inbound */
    feed(ft, S(2), "198.51.100.1", 5000, "192.168.1.9", 6000, 17, 0, "hello", 5);
    feed(ft, S(3), "192.168.1.9", 6000, "198.51.100.1", 5000, 17, 0, "world!", 6);
    c2d_flowtable_expire(ft, S(30)); /* nothing idle long enough yet */
    assert_int_equal(sn.n, 0);
    c2d_flowtable_expire(ft, S(64)); /* UDP 60 s */
    assert_int_equal(sn.n, 1);
    const c2d_session *u = &sn.s[0];
    char t[64];
    c2d_addr_format(u->orig_h, t, sizeof t);
    assert_string_equal(t, "198.51.100.1");
    assert_int_equal(u->proto, 17);
    assert_int_equal(u->end_reason, C2D_END_IDLE);
    assert_int_equal(u->conn_state, C2D_CONN_SF);
    assert_int_equal(u->orig_bytes, 5);
    assert_int_equal(u->resp_bytes, 6);
    assert_int_equal(u->orig_ip_bytes, 33);
    assert_int_equal(u->local_orig, 0);
    assert_int_equal(u->local_resp, 1);
    c2d_session_class cls;
    c2d_session_classify(u, NULL, &cls);
    assert_int_equal(cls, C2D_SESSION_INBOUND);
    c2d_flowtable_expire(ft, S(302));
    assert_int_equal(sn.n, 2);
    c2d_addr_format(sn.s[1].orig_h, t, sizeof t);
    assert_string_equal(t, C);
    assert_int_equal(sn.s[1].orig_p, 40000);
    assert_int_equal(sn.s[1].conn_state, C2D_CONN_OTH);
    assert_int_equal(sn.s[1].end_reason, C2D_END_IDLE);
    /* a late packet on an idle tuple starts a new session and ends the old */
    feed(ft, S(400), C, 1, SRV, 2, 17, 0, "a", 1);
    feed(ft, S(500), C, 1, SRV, 2, 17, 0, "b", 1);
    assert_int_equal(sn.n, 3);
    assert_int_equal(sn.s[2].end_reason, C2D_END_IDLE);
    assert_int_equal(sn.s[2].orig_pkts, 1);
    /* ICMP is counted, not tracked */
    c2d_packet p = {.size = sizeof p, .ip_version = 4, .ip_proto = 1};
    assert_int_equal(c2d_flowtable_add_packet(ft, &p), C2D_ERR_PKT_UNSUPPORTED);
    c2d_flow_stats st = {.size = sizeof st};
    c2d_flowtable_stats(ft, &st);
    assert_int_equal(st.not_tcp_udp, 1);
    assert_int_equal(st.active, 1);
    c2d_flowtable_free(ft);
}

/* Timeouts per class: an older open TCP session stays while a newer closed
 * one ends after the closed timeout and a UDP one after the UDP timeout. */
static void test_timeouts_per_class(void **state) {
    (void)state;
    seen sn;
    c2d_flowtable *ft = table(16, 0, &sn);
    tcp_handshake(ft, S(0));                                           /* A: open */
    feed(ft, S(1), C, 50001, SRV, 25, 6, C2D_TCP_SYN, NULL, 0);        /* B */
    feed(ft, S(1), SRV, 25, C, 50001, 6, C2D_TCP_SYN | C2D_TCP_ACK, NULL, 0);
    feed(ft, S(2), C, 50001, SRV, 25, 6, C2D_TCP_FIN | C2D_TCP_ACK, "q", 1);
    feed(ft, S(2), SRV, 25, C, 50001, 6, C2D_TCP_FIN | C2D_TCP_ACK, NULL, 0);
    feed(ft, S(3), C, 7, SRV, 53, 17, 0, "x", 1);                       /* U */
    c2d_flowtable_expire(ft, S(7));
    assert_int_equal(sn.n, 0);
    c2d_flowtable_expire(ft, S(8));
    assert_int_equal(sn.n, 1);
    assert_int_equal(sn.s[0].resp_p, 25);
    assert_int_equal(sn.s[0].end_reason, C2D_END_FIN);
    assert_int_equal(sn.s[0].conn_state, C2D_CONN_SF);
    c2d_flowtable_expire(ft, S(64));
    assert_int_equal(sn.n, 2);
    assert_int_equal(sn.s[1].proto, 17);
    c2d_flowtable_expire(ft, S(300));
    assert_int_equal(sn.n, 2);
    c2d_flowtable_expire(ft, S(301));
    assert_int_equal(sn.n, 3);
    assert_int_equal(sn.s[2].resp_p, 8080);
    assert_int_equal(sn.s[2].end_reason, C2D_END_IDLE);
    assert_int_equal(sn.s[2].conn_state, C2D_CONN_S1);
    c2d_flowtable_free(ft);
}

static void test_eviction_and_local_nets(void **state) {
    (void)state;
    seen sn;
    c2d_flowtable *ft = table(2, 0, &sn);
    assert_int_equal(c2d_flowtable_add_local_net(ft, "203.0.113.0/24"), C2D_OK);
    assert_int_equal(c2d_flowtable_add_local_net(ft, "2001:db8::/32"), C2D_OK);
    assert_int_equal(c2d_flowtable_add_local_net(ft, "10.0.0.0/33"), C2D_ERR_MALFORMED);
    assert_int_equal(c2d_flowtable_add_local_net(ft, "10.0.0/8"), C2D_ERR_MALFORMED);
    assert_int_equal(c2d_flowtable_add_local_net(ft, "10.0.0.0/"), C2D_ERR_MALFORMED);
    feed(ft, S(1), "203.0.113.1", 1000, "8.8.8.8", 53, 17, 0, "a", 1);
    feed(ft, S(2), "203.0.113.2", 1000, "8.8.8.8", 53, 17, 0, "b", 1);
    feed(ft, S(3), "203.0.113.1", 1000, "8.8.8.8", 53, 17, 0, "c", 1); /* refreshes flow 1 */
    feed(ft, S(4), "2001:db8::5", 1000, "2001:4860::8888", 53, 17, 0, "d", 1);
    assert_int_equal(sn.n, 1);
    assert_int_equal(sn.s[0].end_reason, C2D_END_EVICTED);
    char t[64];
    c2d_addr_format(sn.s[0].orig_h, t, sizeof t);
    assert_string_equal(t, "203.0.113.2"); /* the idle-longest */
    assert_int_equal(sn.s[0].local_orig, 1);
    c2d_flowtable_flush(ft);
    assert_int_equal(sn.n, 3);
    for (int i = 1; i < 3; i++) {
        assert_int_equal(sn.s[i].end_reason, C2D_END_FLUSH);
        assert_int_equal(sn.s[i].local_orig, 1);
        assert_int_equal(sn.s[i].local_resp, 0);
    }
    c2d_flow_stats st = {.size = sizeof st};
    c2d_flowtable_stats(ft, &st);
    assert_int_equal(st.sessions_evicted, 1);
    for (int i = 2; i < 64; i++) assert_int_equal(c2d_flowtable_add_local_net(ft, "192.0.2.0/24"), C2D_OK);
    assert_int_equal(c2d_flowtable_add_local_net(ft, "192.0.2.0/24"), C2D_ERR_LIMIT);
    c2d_flowtable_free(ft);
}

/* ------------------------------------------------------- caps as policy */
static c2d_flowtable *table_with(const c2d_flow_settings *set, seen *sn) {
    c2d_flowtable *ft = NULL;
    assert_int_equal(c2d_flowtable_new(set, NULL, &ft), C2D_OK);
    memset(sn, 0, sizeof *sn);
    c2d_flowtable_set_session_callback(ft, on_session, sn);
    return ft;
}

static size_t fixed_bytes(const c2d_flow_settings *set) {
    c2d_flowtable *ft = NULL;
    assert_int_equal(c2d_flowtable_new(set, NULL, &ft), C2D_OK);
    c2d_flow_stats st = {.size = sizeof st};
    assert_int_equal(c2d_flowtable_stats(ft, &st), C2D_OK);
    c2d_flowtable_free(ft);
    return st.memory_bytes;
}

/* Eight UDP sessions from 10.0.0.1..8, one payload packet each, a second apart. */
static void eight_sessions(c2d_flowtable *ft) {
    for (int i = 1; i <= 8; i++) {
        char src[32];
        snprintf(src, sizeof src, "10.0.0.%d", i);
        assert_int_equal(feed(ft, S(i), src, 1000, "198.51.100.1", 4444, 17, 0, "payload", 7), C2D_OK);
    }
}

/* Memory budget: prefix blocks are 2 * 1024 bytes; a budget with room for one
 * slab of exactly five blocks. Evict policy ends the idle-longest holder for
 * each new payload session beyond five; drop-new tracks them without prefix. */
static void test_memory_budget_policies(void **state) {
    (void)state;
    c2d_flow_settings set;
    c2d_flow_settings_default(&set);
    set.capacity = 16;
    set.payload_prefix_len = 1024;
    set.hash_seed[0] = 1;
    const size_t fixed = fixed_bytes(&set);
    set.memory_budget = fixed + 16 + 5 * 2048;
    seen sn;
    c2d_flowtable *ft = table_with(&set, &sn);
    eight_sessions(ft);
    c2d_flow_stats st = {.size = sizeof st};
    assert_int_equal(c2d_flowtable_stats(ft, &st), C2D_OK);
    assert_int_equal(st.evicted_memory, 3);
    assert_int_equal(st.evicted_capacity, 0);
    assert_int_equal(st.sessions_evicted, 3);
    assert_int_equal(st.prefix_dropped, 0);
    assert_int_equal(st.prefix_bytes, 16 + 5 * 2048);
    assert_int_equal(st.memory_bytes, set.memory_budget);
    assert_int_equal(st.memory_peak, set.memory_budget);
    assert_int_equal(st.active, 5);
    assert_int_equal(sn.n, 3);
    for (int i = 0; i < 3; i++) { /* 10.0.0.1, .2, .3: idle-longest first, prefixes intact */
        char t[64];
        c2d_addr_format(sn.s[i].orig_h, t, sizeof t);
        char want[32];
        snprintf(want, sizeof want, "10.0.0.%d", i + 1);
        assert_string_equal(t, want);
        assert_int_equal(sn.s[i].end_reason, C2D_END_EVICTED);
        assert_int_equal(sn.s[i].orig_prefix_len, 7);
        assert_memory_equal(sn.orig_prefix[i], "payload", 7);
    }
    c2d_flowtable_free(ft);

    set.at_cap = C2D_FLOW_CAP_DROP_NEW;
    ft = table_with(&set, &sn);
    eight_sessions(ft);
    assert_int_equal(c2d_flowtable_stats(ft, &st), C2D_OK);
    assert_int_equal(st.evicted_memory, 0);
    assert_int_equal(st.sessions_evicted, 0);
    assert_int_equal(st.prefix_dropped, 3);
    assert_int_equal(st.prefix_alloc_failed, 0);
    assert_int_equal(st.active, 8);
    c2d_flowtable_flush(ft);
    assert_int_equal(sn.n, 8);
    int with = 0, without = 0;
    for (int i = 0; i < 8; i++) {
        assert_int_equal(sn.s[i].orig_bytes, 7); /* every session is still counted */
        if (sn.s[i].orig_prefix_len == 7) with++;
        else if (sn.s[i].orig_prefix_len == 0 && sn.s[i].orig_prefix == NULL) without++;
    }
    assert_int_equal(with, 5);
    assert_int_equal(without, 3);
    c2d_flowtable_free(ft);

    /* a budget below the entries, or below one block, is refused */
    c2d_flowtable *bad = NULL;
    set.memory_budget = fixed - 1;
    assert_int_equal(c2d_flowtable_new(&set, NULL, &bad), C2D_ERR_LIMIT);
    set.memory_budget = fixed + 16 + 2047;
    assert_int_equal(c2d_flowtable_new(&set, NULL, &bad), C2D_ERR_LIMIT);
    assert_null(bad);
    set.at_cap = (c2d_flow_cap_policy)2;
    set.memory_budget = 0;
    assert_int_equal(c2d_flowtable_new(&set, NULL, &bad), C2D_ERR_INVALID_ARG);
}

/* Session cap with drop-new: packets that would start a session are counted
 * and not accumulated; packets of tracked sessions still are. */
static void test_capacity_drop_new(void **state) {
    (void)state;
    c2d_flow_settings set;
    c2d_flow_settings_default(&set);
    set.capacity = 4;
    set.at_cap = C2D_FLOW_CAP_DROP_NEW;
    seen sn;
    c2d_flowtable *ft = table_with(&set, &sn);
    eight_sessions(ft);
    eight_sessions(ft); /* again: the first four add packets, the last four drop again */
    c2d_flow_stats st = {.size = sizeof st};
    assert_int_equal(c2d_flowtable_stats(ft, &st), C2D_OK);
    assert_int_equal(st.dropped_packets, 8);
    assert_int_equal(st.packets, 8);
    assert_int_equal(st.sessions_started, 4);
    assert_int_equal(st.sessions_evicted, 0);
    assert_int_equal(st.evicted_capacity, 0);
    c2d_flowtable_flush(ft);
    assert_int_equal(sn.n, 4);
    for (int i = 0; i < 4; i++) assert_int_equal(sn.s[i].orig_pkts, 2);
    c2d_flowtable_free(ft);
    /* evict (the default) instead: four evictions by capacity per pass */
    set.at_cap = C2D_FLOW_CAP_EVICT_IDLE;
    ft = table_with(&set, &sn);
    eight_sessions(ft);
    assert_int_equal(c2d_flowtable_stats(ft, &st), C2D_OK);
    assert_int_equal(st.evicted_capacity, 4);
    assert_int_equal(st.sessions_evicted, 4);
    assert_int_equal(st.dropped_packets, 0);
    c2d_flowtable_free(ft);
}

/* A caller built against 0.1 passes the smaller settings and stats structs:
 * settings past its size take their defaults, stats past its size are not
 * written. */
static void test_older_struct_sizes(void **state) {
    (void)state;
    c2d_flow_settings set;
    memset(&set, 0xAB, sizeof set); /* the fields an old caller does not have are garbage */
    c2d_flow_settings_default(&set);
    set.memory_budget = 12345; /* would be refused (LIMIT) if it were read */
    set.at_cap = (c2d_flow_cap_policy)77;
    set.size = offsetof(c2d_flow_settings, memory_budget);
    c2d_flowtable *ft = NULL;
    assert_int_equal(c2d_flowtable_new(&set, NULL, &ft), C2D_OK);
    set.size = offsetof(c2d_flow_settings, memory_budget) - 1;
    c2d_flowtable *ft2 = NULL;
    assert_int_equal(c2d_flowtable_new(&set, NULL, &ft2), C2D_ERR_INVALID_ARG);
    union { c2d_flow_stats st; uint8_t raw[sizeof(c2d_flow_stats)]; } u;
    memset(&u, 0xCD, sizeof u);
    const size_t v1 = offsetof(c2d_flow_stats, evicted_capacity);
    u.st.size = v1;
    assert_int_equal(c2d_flowtable_stats(ft, &u.st), C2D_OK);
    assert_int_equal(u.st.size, v1);
    assert_int_equal(u.st.capacity, 65536);
    for (size_t i = v1; i < sizeof u; i++) assert_int_equal(u.raw[i], 0xCD);
    u.st.size = v1 - 1;
    assert_int_equal(c2d_flowtable_stats(ft, &u.st), C2D_ERR_INVALID_ARG);
    c2d_flowtable_free(ft);
}

static void test_rules(void **state) {
    (void)state;
    c2d_session s;
    memset(&s, 0, sizeof s);
    s.size = sizeof s;
    s.counted = 1;
    s.local_orig = 1;
    c2d_session_class cls;
    struct { double avg; uint64_t out, in; int lo, lr; c2d_session_class want; } cases[] = {
        {50, 1000, 1200, 1, 0, C2D_SESSION_C2_CANDIDATE},
        {100, 1000, 3999, 1, 0, C2D_SESSION_C2_CANDIDATE},
        {100.5, 1000, 1000, 1, 0, C2D_SESSION_OTHER},
        {800, 400, 100000, 1, 0, C2D_SESSION_DOWNLOAD},
        {800, 64000, 300, 1, 0, C2D_SESSION_UPLOAD},
        {50, 100, 5000, 1, 0, C2D_SESSION_OTHER},      /* short but unbalanced, not long: other */
        {50, 1000, 1000, 0, 1, C2D_SESSION_INBOUND},
        {50, 1000, 1000, 0, 0, C2D_SESSION_C2_CANDIDATE}, /* both outside: not inbound */
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        s.avg_payload_len = cases[i].avg;
        s.orig_bytes = cases[i].out;
        s.resp_bytes = cases[i].in;
        s.in_out_ratio = ((double)s.resp_bytes + 1) / ((double)s.orig_bytes + 1);
        s.local_orig = cases[i].lo;
        s.local_resp = cases[i].lr;
        assert_int_equal(c2d_session_classify(&s, NULL, &cls), C2D_OK);
        assert_int_equal(cls, cases[i].want);
    }
    /* the paper's other data set: threshold 200 */
    c2d_session_rules r;
    c2d_session_rules_default(&r);
    r.c2_max_avg_payload = 200;
    s.avg_payload_len = 150;
    s.orig_bytes = s.resp_bytes = 1000;
    s.in_out_ratio = 1;
    s.local_orig = 1;
    assert_int_equal(c2d_session_classify(&s, &r, &cls), C2D_OK);
    assert_int_equal(cls, C2D_SESSION_C2_CANDIDATE);
    assert_int_equal(c2d_session_classify(&s, NULL, &cls), C2D_OK);
    assert_int_equal(cls, C2D_SESSION_OTHER);
    r.size = 1;
    assert_int_equal(c2d_session_classify(&s, &r, &cls), C2D_ERR_INVALID_ARG);
    assert_string_equal(c2d_session_class_name(C2D_SESSION_C2_CANDIDATE), "c2_candidate");
    assert_string_equal(c2d_conn_state_name(C2D_CONN_RSTOS0), "RSTOS0");
    assert_string_equal(c2d_end_reason_name(C2D_END_EVICTED), "evicted");
    assert_string_equal(c2d_end_reason_name((c2d_end_reason)99), "unknown");
}

static void test_flowtable_oom_and_args(void **state) {
    (void)state;
    c2d_flow_settings set;
    c2d_flow_settings_default(&set);
    set.capacity = 100;
    set.payload_prefix_len = 16;
    c2d_flowtable *ft = NULL;
    /* handle, entries, LRU links, slots, prefix block pointers, holder links */
    for (long k = 1; k <= 6; k++) {
        test_alloc ta;
        test_alloc_init(&ta, k);
        assert_int_equal(c2d_flowtable_new(&set, &ta.api, &ft), C2D_ERR_NOMEM);
        assert_null(ft);
        assert_int_equal(ta.live, 0);
    }
    test_alloc ta;
    test_alloc_init(&ta, 7);
    assert_int_equal(c2d_flowtable_new(&set, &ta.api, &ft), C2D_OK);
    c2d_flow_stats st = {.size = sizeof st};
    c2d_flowtable_stats(ft, &st);
    assert_true(st.memory_bytes == ta.bytes_live); /* no prefix memory before any payload */
    assert_int_equal(st.prefix_bytes, 0);
    c2d_flowtable_free(ft);
    assert_int_equal(ta.live, 0);
    set.capacity = 0;
    assert_int_equal(c2d_flowtable_new(&set, NULL, &ft), C2D_ERR_INVALID_ARG);
    set.capacity = 10;
    set.payload_prefix_len = 65537;
    assert_int_equal(c2d_flowtable_new(&set, NULL, &ft), C2D_ERR_INVALID_ARG);
    set.size = 8;
    assert_int_equal(c2d_flowtable_new(&set, NULL, &ft), C2D_ERR_INVALID_ARG);
    c2d_flowtable_free(NULL);
}

typedef struct digest {
    uint64_t h, n;
} digest;

static void digest_session(void *user, const c2d_session *s) {
    digest *d = (digest *)user;
    const uint64_t v[] = {s->orig_h[15], s->orig_p, s->resp_p, s->proto, s->orig_pkts, s->resp_pkts,
                          s->orig_bytes, s->resp_bytes, s->end_reason, s->conn_state, s->ts_ns, s->last_ns};
    for (size_t i = 0; i < sizeof v / sizeof v[0]; i++) d->h = (d->h ^ v[i]) * UINT64_C(0x100000001b3);
    d->n++;
}

/* The batch call gives exactly the sessions of one add_packet per packet,
 * including eviction order in a table too small for the flows. */
static void test_add_packets_same_as_add_packet(void **state) {
    (void)state;
    enum { N = 5000 };
    c2d_packet *pk = calloc(N, sizeof *pk);
    assert_non_null(pk);
    uint32_t rng = 7;
    for (int i = 0; i < N; i++) {
        rng = rng * 1664525u + 1013904223u;
        c2d_packet *p = &pk[i];
        p->size = sizeof *p;
        p->ts_ns = (uint64_t)i * 1000000u;
        p->ip_version = 4;
        p->ip_proto = (rng >> 28) == 0 ? 1 : (rng >> 27) & 1 ? 6 : 17;
        p->src_addr[10] = p->src_addr[11] = p->dst_addr[10] = p->dst_addr[11] = 0xff;
        int flow = (int)((rng >> 8) % 300);
        int rev = (rng >> 20) & 1;
        uint8_t *cl = rev ? p->dst_addr : p->src_addr, *sv = rev ? p->src_addr : p->dst_addr;
        cl[12] = 10; cl[15] = (uint8_t)flow;
        sv[12] = 192; sv[13] = 0; sv[14] = 2; sv[15] = 1;
        p->src_port = rev ? 80 : (uint16_t)(1000 + flow);
        p->dst_port = rev ? (uint16_t)(1000 + flow) : 80;
        p->tcp_flags = (uint8_t)((rng >> 4) & 0x1f);
        p->payload_len = (rng >> 12) % 300;
        p->ip_bytes = 40 + p->payload_len;
    }
    seen a, b;
    c2d_flowtable *fa = table(64, 0, &a), *fb = table(64, 0, &b);
    digest da = {UINT64_C(0xcbf29ce484222325), 0}, db = da;
    c2d_flowtable_set_session_callback(fa, digest_session, &da);
    c2d_flowtable_set_session_callback(fb, digest_session, &db);
    (void)a;
    (void)b;
    for (int i = 0; i < N; i++) c2d_flowtable_add_packet(fa, &pk[i]);
    size_t added = 0;
    assert_int_equal(c2d_flowtable_add_packets(fb, pk, N, &added), C2D_OK);
    c2d_flowtable_flush(fa);
    c2d_flowtable_flush(fb);
    assert_true(da.n == db.n);
    assert_true(da.h == db.h);
    assert_true(da.n > 300);
    c2d_flow_stats sa = {.size = sizeof sa}, sb = {.size = sizeof sb};
    c2d_flowtable_stats(fa, &sa);
    c2d_flowtable_stats(fb, &sb);
    assert_true(sa.packets == added);
    assert_true(sa.packets == sb.packets);
    assert_true(sa.not_tcp_udp == sb.not_tcp_udp);
    assert_true(sa.sessions_started == sb.sessions_started);
    assert_true(sa.sessions_evicted == sb.sessions_evicted);
    assert_true(sa.sessions_evicted > 0);
    c2d_flowtable_free(fa);
    c2d_flowtable_free(fb);
    assert_int_equal(c2d_flowtable_add_packets(NULL, pk, 1, NULL), C2D_ERR_INVALID_ARG);
    free(pk);
}

/* The table against a naive model (linear arrays, evict the least recently
 * seen) on a random UDP workload with constant eviction: every ended session
 * must come out in the same order with the same packet count. A lookup that
 * misses after a backward-shift deletion would show as an extra session. */
typedef struct model_out {
    int n;
    uint16_t port[60000];
    uint64_t pkts[60000];
} model_out;

static void record_model(void *user, const c2d_session *s) {
    model_out *o = (model_out *)user;
    assert_true(o->n < 60000);
    o->port[o->n] = s->orig_p;
    o->pkts[o->n] = s->orig_pkts;
    o->n++;
}

static void test_table_matches_reference_model(void **state) {
    (void)state;
    enum { CAP = 64, FLOWS = 200, PKTS = 60000 };
    static model_out got, want;
    got.n = want.n = 0;
    int m_flow[CAP];
    uint64_t m_last[CAP], m_pkts[CAP];
    int m_n = 0;
    c2d_flow_settings set;
    c2d_flow_settings_default(&set);
    set.capacity = CAP;
    set.parse_dns = 0;
    c2d_flowtable *ft = NULL;
    assert_int_equal(c2d_flowtable_new(&set, NULL, &ft), C2D_OK);
    c2d_flowtable_set_session_callback(ft, record_model, &got);
    c2d_packet p;
    memset(&p, 0, sizeof p);
    p.size = sizeof p;
    p.ip_version = 4;
    p.ip_proto = 17;
    p.src_addr[10] = p.src_addr[11] = p.dst_addr[10] = p.dst_addr[11] = 0xff;
    p.src_addr[12] = 10;
    p.dst_addr[12] = 192;
    p.dst_port = 9;
    uint32_t rng = 99;
    for (uint64_t t = 1; t <= PKTS; t++) {
        rng = rng * 1664525u + 1013904223u;
        /* skewed: half the packets go to 20 hot flows */
        int f = (rng >> 31) ? (int)((rng >> 8) % 20) : (int)((rng >> 8) % FLOWS);
        p.ts_ns = t;
        p.src_port = (uint16_t)(1000 + f);
        assert_int_equal(c2d_flowtable_add_packet(ft, &p), C2D_OK);
        int k = -1;
        for (int i = 0; i < m_n; i++)
            if (m_flow[i] == f) k = i;
        if (k < 0) {
            if (m_n == CAP) {
                int old = 0;
                for (int i = 1; i < m_n; i++)
                    if (m_last[i] < m_last[old]) old = i;
                want.port[want.n] = (uint16_t)(1000 + m_flow[old]);
                want.pkts[want.n++] = m_pkts[old];
                m_flow[old] = m_flow[m_n - 1];
                m_last[old] = m_last[m_n - 1];
                m_pkts[old] = m_pkts[m_n - 1];
                m_n--;
            }
            k = m_n++;
            m_flow[k] = f;
            m_pkts[k] = 0;
        }
        m_last[k] = t;
        m_pkts[k]++;
    }
    c2d_flowtable_flush(ft);
    while (m_n > 0) {
        int old = 0;
        for (int i = 1; i < m_n; i++)
            if (m_last[i] < m_last[old]) old = i;
        want.port[want.n] = (uint16_t)(1000 + m_flow[old]);
        want.pkts[want.n++] = m_pkts[old];
        m_flow[old] = m_flow[m_n - 1];
        m_last[old] = m_last[m_n - 1];
        m_pkts[old] = m_pkts[m_n - 1];
        m_n--;
    }
    assert_int_equal(got.n, want.n);
    assert_true(want.n > 10000);
    for (int i = 0; i < want.n; i++) {
        if (got.port[i] != want.port[i] || got.pkts[i] != want.pkts[i])
            fail_msg("session %d: port %u pkts %llu, model port %u pkts %llu", i, got.port[i],
                     (unsigned long long)got.pkts[i], want.port[i], (unsigned long long)want.pkts[i]);
    }
    c2d_flowtable_free(ft);
}

/* 10 million distinct flows against a 1024-session table: memory stays at what
 * c2d_flowtable_new() allocated (no allocation per packet), every flow is
 * started once and all but the last 1024 are evicted. C2D_FLOOD_FLOWS can
 * lower the count for quick runs. */
static void count_session(void *user, const c2d_session *s) {
    (void)s;
    (*(uint64_t *)user)++;
}

static void test_flood_10m_flows(void **state) {
    (void)state;
    uint64_t flows = 10000000;
    const char *env = getenv("C2D_FLOOD_FLOWS");
    if (env && *env) flows = strtoull(env, NULL, 10);
    test_alloc ta;
    test_alloc_init(&ta, 0);
    c2d_flow_settings set;
    c2d_flow_settings_default(&set);
    set.capacity = 1024;
    set.payload_prefix_len = 64;
    c2d_flowtable *ft = NULL;
    assert_int_equal(c2d_flowtable_new(&set, &ta.api, &ft), C2D_OK);
    const long calls_after_new = ta.calls;
    const size_t bytes_after_new = ta.bytes_live;
    /* bound: entries + LRU links + slots (+ 16 B with prefixes), documented as about 186 B per
     * session; prefixes come later */
    assert_true(bytes_after_new < 1024u * (186u + 16u) + 8192u);
    uint64_t ended = 0;
    c2d_flowtable_set_session_callback(ft, count_session, &ended);
    c2d_packet p;
    memset(&p, 0, sizeof p);
    p.size = sizeof p;
    p.ip_version = 4;
    p.ip_proto = 6;
    p.tcp_flags = C2D_TCP_SYN;
    p.ip_bytes = 60;
    p.payload_len = p.payload_caplen = 20;
    static const uint8_t pl[20] = "0123456789abcdefghij";
    p.payload = pl;
    p.src_addr[10] = p.src_addr[11] = p.dst_addr[10] = p.dst_addr[11] = 0xff;
    p.dst_addr[12] = 198;
    p.dst_addr[13] = 51;
    p.dst_addr[14] = 100;
    p.dst_port = 443;
    for (uint64_t i = 0; i < flows; i++) {
        p.ts_ns = i * 1000u;
        p.src_addr[12] = 10;
        p.src_addr[13] = (uint8_t)(i >> 16);
        p.src_addr[14] = (uint8_t)(i >> 8);
        p.src_addr[15] = (uint8_t)i;
        p.src_port = (uint16_t)(1024u + (i >> 24));
        if (c2d_flowtable_add_packet(ft, &p) != C2D_OK) fail();
    }
    /* 1024 sessions hold a 128-byte block at once: three 64 KiB slabs of 511
     * blocks (16-byte header), allocated by the first 1024 flows; the other
     * flows reuse the blocks of the sessions they evict */
    const size_t slab = 16u + 511u * 128u;
    assert_int_equal(ta.calls, calls_after_new + 3);
    assert_true(ta.bytes_peak == bytes_after_new + 3u * slab);
    c2d_flow_stats st = {.size = sizeof st};
    c2d_flowtable_stats(ft, &st);
    assert_int_equal(st.prefix_bytes, 3u * slab);
    assert_int_equal(st.memory_bytes, ta.bytes_live);
    assert_int_equal(st.memory_peak, ta.bytes_peak);
    assert_true(st.evicted_capacity == st.sessions_evicted);
    assert_int_equal(st.evicted_memory, 0);
    assert_int_equal(st.prefix_dropped, 0);
    assert_true(st.sessions_started == flows);
    assert_true(st.sessions_evicted == (flows > 1024 ? flows - 1024 : 0));
    assert_int_equal(st.active, flows > 1024 ? 1024 : flows);
    assert_true(ended == st.sessions_evicted);
    c2d_flowtable_flush(ft);
    assert_true(ended == flows);
    c2d_flowtable_free(ft);
    assert_int_equal(ta.live, 0);
}

/* ------------------------------------------------------------ DNS */

/* A response for xkqjz7f.example.com, NXDOMAIN, with an SOA in the authority
 * section whose names use compression pointers. */
static size_t build_nxdomain(uint8_t *out, size_t cap) {
    wbuf b = {out, 0, cap};
    put16be(&b, 0xbeef); put16be(&b, 0x8183); /* QR RD RA, rcode 3 */
    put16be(&b, 1); put16be(&b, 0); put16be(&b, 1); put16be(&b, 0);
    put8(&b, 7); put(&b, "XkQjz7F", 7); put8(&b, 7); put(&b, "example", 7); put8(&b, 3); put(&b, "com", 3); put8(&b, 0);
    put16be(&b, 1); put16be(&b, 1);
    /* SOA: owner = pointer to "example.com" at offset 12 + 8 = 20 */
    put16be(&b, 0xc014); put16be(&b, 6); put16be(&b, 1); put32be(&b, 900);
    put16be(&b, 2 + 2 + 20 + 2 + 2 + 4);
    put8(&b, 2); put(&b, "ns", 2); put16be(&b, 0xc014);
    put8(&b, 2); put(&b, "hm", 2); put16be(&b, 0xc014);
    for (int i = 0; i < 5; i++) put32be(&b, 1);
    return b.n;
}

static void test_dns_parse(void **state) {
    (void)state;
    uint8_t m[512];
    c2d_dns_message d;
    d.size = sizeof d;
    size_t n = build_nxdomain(m, sizeof m);
    assert_int_equal(c2d_dns_parse(m, n, &d), C2D_OK);
    assert_int_equal(d.id, 0xbeef);
    assert_int_equal(d.is_response, 1);
    assert_int_equal(d.rcode, C2D_DNS_RCODE_NXDOMAIN);
    assert_int_equal(d.qtype, 1);
    assert_string_equal(d.qname, "xkqjz7f.example.com");
    assert_int_equal(d.qname_len, 19);
    assert_int_equal(d.nscount, 1);
    assert_int_equal(d.n_addrs, 0);
    for (size_t cut = 0; cut < 12 + 21 + 4; cut++) assert_int_equal(c2d_dns_parse(m, cut, &d), C2D_ERR_TRUNCATED);

    /* answers: CNAME (pointer) then A and AAAA, all owners compressed */
    wbuf b = {m, 0, sizeof m};
    put16be(&b, 7); put16be(&b, 0x8180); put16be(&b, 1); put16be(&b, 3); put16be(&b, 0); put16be(&b, 0);
    put8(&b, 3); put(&b, "www", 3); put8(&b, 1); put(&b, "x", 1); put8(&b, 0); put16be(&b, 1); put16be(&b, 1);
    put16be(&b, 0xc00c); put16be(&b, 5); put16be(&b, 1); put32be(&b, 60); put16be(&b, 2); put16be(&b, 0xc010);
    put16be(&b, 0xc010); put16be(&b, 1); put16be(&b, 1); put32be(&b, 61); put16be(&b, 4); put32be(&b, 0xc0000201);
    put16be(&b, 0xc010); put16be(&b, 28); put16be(&b, 1); put32be(&b, 62); put16be(&b, 16);
    put32be(&b, 0x20010db8); put32be(&b, 0); put32be(&b, 0); put32be(&b, 1);
    assert_int_equal(c2d_dns_parse(m, b.n, &d), C2D_OK);
    assert_string_equal(d.qname, "www.x");
    assert_int_equal(d.n_addrs, 2);
    char t[64];
    c2d_addr_format(d.addrs[0].addr, t, sizeof t);
    assert_string_equal(t, "192.0.2.1");
    assert_int_equal(d.addrs[0].ttl, 61);
    c2d_addr_format(d.addrs[1].addr, t, sizeof t);
    assert_string_equal(t, "2001:db8::1");
    assert_int_equal(d.addrs[1].ip_version, 6);
    /* A record with a 5-byte address */
    m[b.n - 16 - 2 - 10 - 4 - 1] = 5;
    assert_int_equal(c2d_dns_parse(m, b.n, &d), C2D_ERR_MALFORMED);

    /* pointer loop, self pointer, forward pointer, bad label type, over-long name, escapes */
    uint8_t loop[] = {0, 1, 0, 0, 0, 1, 0, 0, 0, 0, 0, 0, 1, 'a', 0xc0, 12, 0, 1, 0, 1};
    assert_int_equal(c2d_dns_parse(loop, sizeof loop, &d), C2D_ERR_DNS_NAME);
    uint8_t self[] = {0, 1, 0, 0, 0, 1, 0, 0, 0, 0, 0, 0, 0xc0, 12, 0, 1, 0, 1};
    assert_int_equal(c2d_dns_parse(self, sizeof self, &d), C2D_ERR_DNS_NAME);
    uint8_t fwd[] = {0, 1, 0, 0, 0, 1, 0, 0, 0, 0, 0, 0, 0xc0, 16, 0, 1, 1, 'a', 0, 0, 1, 0, 1};
    assert_int_equal(c2d_dns_parse(fwd, sizeof fwd, &d), C2D_ERR_DNS_NAME);
    uint8_t ext[] = {0, 1, 0, 0, 0, 1, 0, 0, 0, 0, 0, 0, 0x41, 0, 0, 1, 0, 1};
    assert_int_equal(c2d_dns_parse(ext, sizeof ext, &d), C2D_ERR_DNS_NAME);
    uint8_t longname[12 + 5 * 64 + 5];
    memset(longname, 0, sizeof longname);
    longname[5] = 1;
    for (int i = 0; i < 5; i++) {
        longname[12 + i * 64] = 63;
        memset(longname + 12 + i * 64 + 1, 'a', 63);
    }
    assert_int_equal(c2d_dns_parse(longname, sizeof longname, &d), C2D_ERR_DNS_NAME);
    uint8_t esc[] = {0, 1, 0, 0, 0, 1, 0, 0, 0, 0, 0, 0, 3, 'a', '.', 0x07, 0, 0, 1, 0, 1};
    assert_int_equal(c2d_dns_parse(esc, sizeof esc, &d), C2D_OK);
    assert_string_equal(d.qname, "a\\046\\007");
    d.size = 0;
    assert_int_equal(c2d_dns_parse(esc, sizeof esc, &d), C2D_ERR_INVALID_ARG);
}

static void test_dns_events_nxdomain(void **state) {
    (void)state;
    seen sn;
    c2d_flowtable *ft = table(16, 0, &sn);
    uint8_t m[512];
    size_t n = build_nxdomain(m, sizeof m);
    uint8_t q[64];
    memcpy(q, m, 12 + 21 + 4);
    q[2] = 0x01; q[3] = 0x00; q[8] = 0; q[9] = 0;
    feed(ft, S(1), "192.168.1.50", 33333, "192.168.1.1", 53, 17, 0, q, 12 + 21 + 4);
    feed(ft, S(1) + 100, "192.168.1.1", 53, "192.168.1.50", 33333, 17, 0, m, n);
    feed(ft, S(2), "192.168.1.1", 53, "192.168.1.50", 33334, 17, 0, m, n);
    feed(ft, S(3), "192.168.1.1", 53, "192.168.1.50", 33335, 17, 0, "\x01\x02", 2); /* bad */
    assert_int_equal(sn.dns_n, 3);
    assert_int_equal(sn.nxdomain, 2);
    assert_string_equal(sn.last_client, "192.168.1.50");
    /* over TCP: 2-byte length prefix; a segment holding only part of a message is skipped */
    uint8_t tcpmsg[600];
    tcpmsg[0] = (uint8_t)(n >> 8);
    tcpmsg[1] = (uint8_t)n;
    memcpy(tcpmsg + 2, m, n);
    feed(ft, S(4), "2001:db8::53", 53, "2001:db8::50", 40000, 6, C2D_TCP_ACK | C2D_TCP_PSH, tcpmsg, n + 2);
    assert_string_equal(sn.last_client, "2001:db8::50");
    feed(ft, S(4), "2001:db8::53", 53, "2001:db8::50", 40001, 6, C2D_TCP_ACK | C2D_TCP_PSH, tcpmsg, n);
    assert_int_equal(sn.dns_n, 4);
    assert_int_equal(sn.nxdomain, 3);
    assert_string_equal(sn.last_qname, "xkqjz7f.example.com");
    c2d_flow_stats st = {.size = sizeof st};
    c2d_flowtable_stats(ft, &st);
    assert_int_equal(st.dns_messages, 4);
    assert_int_equal(st.dns_errors, 1);
    c2d_flowtable_flush(ft);
    assert_int_equal(sn.n, 5);
    c2d_flowtable_free(ft);
}

/* ------------------------------------------------- real captures */

/* Expected counts, from TShark 4.0.17 (Debian 12) run on each file when this
 * test was written:
 *   TCP sessions  `tshark -r FILE -q -z conv,tcp | grep -c '<->'`
 *   UDP sessions  `tshark -r FILE -q -z conv,udp | grep -c '<->'`
 *   DNS responses `tshark -r FILE -Y 'dns.flags.response==1' | wc -l`
 *   NXDOMAIN      `tshark -r FILE -Y 'dns.flags.rcode==3' | wc -l`
 *   A answers     `tshark -r FILE -Y 'dns.flags.response==1' -T fields -e dns.a | tr , '\n' | grep -c .` */
static const struct { const char *file; int tcp, udp, dns_resp, nxdomain, a_answers; } real_counts[] = {
    {"ndpi_chrome.pcap", 6, 0, 0, 0, 0},
    {"ndpi_emotet.pcap", 6, 0, 0, 0, 0},
    {"ndpi_ftp.pcap", 3, 0, 0, 0, 0},
    {"ndpi_malware.pcap", 4, 1, 1, 0, 1},
    {"ndpi_teamviewer.pcap", 1, 1, 0, 0, 0},
    {"ndpi_tls_heur__trojan-tcp-tls.pcapng", 3, 7, 8, 0, 16},
    {"ndpi_dns_exfiltration.pcap", 0, 1, 150, 0, 0},
    {"slips_test-cc-capture-1.pcap", 299, 0, 0, 0, 0},
    {"slips_test-cc-capture-2.pcap", 22, 239, 248, 117, 99},
};

typedef struct tcp_count {
    int tcp, udp, counted, dns_resp, nxdomain, a_answers;
} tcp_count;

static void count_tcp(void *user, const c2d_session *s) {
    tcp_count *c = (tcp_count *)user;
    if (s->proto == 6) c->tcp++;
    if (s->proto == 17) c->udp++;
    if (s->counted) c->counted++;
}

static void count_dns(void *user, const c2d_dns_event *ev) {
    tcp_count *c = (tcp_count *)user;
    if (!ev->message->is_response) return;
    c->dns_resp++;
    if (ev->message->rcode == C2D_DNS_RCODE_NXDOMAIN) c->nxdomain++;
    for (uint32_t i = 0; i < ev->message->n_addrs; i++) c->a_answers += ev->message->addrs[i].ip_version == 4;
}

static void test_real_captures(void **state) {
    (void)state;
    char path[4096];
    snprintf(path, sizeof path, "%s/pcap/ndpi_chrome.pcap", C2D_SHARED_DATA_DIR);
    FILE *probe = fopen(path, "rb");
    if (!probe) skip();
    fclose(probe);
    for (size_t i = 0; i < sizeof real_counts / sizeof real_counts[0]; i++) {
        snprintf(path, sizeof path, "%s/pcap/%s", C2D_SHARED_DATA_DIR, real_counts[i].file);
        c2d_capture *cap = NULL;
        assert_int_equal(c2d_capture_open_file(path, NULL, &cap), C2D_OK);
        c2d_flowtable *ft = NULL;
        assert_int_equal(c2d_flowtable_new(NULL, NULL, &ft), C2D_OK);
        tcp_count c = {0, 0, 0, 0, 0, 0};
        c2d_flowtable_set_session_callback(ft, count_tcp, &c);
        c2d_flowtable_set_dns_callback(ft, count_dns, &c);
        c2d_frame f = {.size = sizeof f};
        c2d_status st;
        while ((st = c2d_capture_next(cap, &f)) == C2D_OK) c2d_flowtable_add_frame(ft, &f);
        assert_int_equal(st, C2D_CAPTURE_END);
        c2d_flowtable_flush(ft);
        c2d_flow_stats fs = {.size = sizeof fs};
        c2d_flowtable_stats(ft, &fs);
        assert_int_equal(fs.truncated + fs.malformed, 0);
        if (c.tcp != real_counts[i].tcp) fail_msg("%s: %d TCP sessions, tshark %d", real_counts[i].file, c.tcp, real_counts[i].tcp);
        if (real_counts[i].udp >= 0 && c.udp != real_counts[i].udp)
            fail_msg("%s: %d UDP sessions, tshark %d", real_counts[i].file, c.udp, real_counts[i].udp);
        if (real_counts[i].dns_resp >= 0 && c.dns_resp != real_counts[i].dns_resp)
            fail_msg("%s: %d DNS responses, tshark %d", real_counts[i].file, c.dns_resp, real_counts[i].dns_resp);
        if (c.nxdomain != real_counts[i].nxdomain)
            fail_msg("%s: %d NXDOMAIN, tshark %d", real_counts[i].file, c.nxdomain, real_counts[i].nxdomain);
        if (real_counts[i].a_answers >= 0 && c.a_answers != real_counts[i].a_answers)
            fail_msg("%s: %d A answers, tshark %d", real_counts[i].file, c.a_answers, real_counts[i].a_answers);
        c2d_flowtable_free(ft);
        c2d_capture_free(cap);
    }
}

int main(void) {
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_pcap_both_flavours),
        cmocka_unit_test(test_memory_budget_policies),
        cmocka_unit_test(test_capacity_drop_new),
        cmocka_unit_test(test_older_struct_sizes),
        cmocka_unit_test(test_pcap_file_streaming),
        cmocka_unit_test(test_pcapng_two_interfaces),
        cmocka_unit_test(test_cut_block_offset_file_and_memory),
        cmocka_unit_test(test_pcapng_big_endian_sections),
        cmocka_unit_test(test_capture_corrupt),
        cmocka_unit_test(test_decode_vlan_ipv6_ext_truncation),
        cmocka_unit_test(test_addr_text),
        cmocka_unit_test(test_session_fin_close),
        cmocka_unit_test(test_session_rst_reuse_and_no_payload),
        cmocka_unit_test(test_session_initiator_and_udp),
        cmocka_unit_test(test_timeouts_per_class),
        cmocka_unit_test(test_eviction_and_local_nets),
        cmocka_unit_test(test_rules),
        cmocka_unit_test(test_flowtable_oom_and_args),
        cmocka_unit_test(test_dns_parse),
        cmocka_unit_test(test_dns_events_nxdomain),
        cmocka_unit_test(test_real_captures),
        cmocka_unit_test(test_add_packets_same_as_add_packet),
        cmocka_unit_test(test_table_matches_reference_model),
        cmocka_unit_test(test_flood_10m_flows),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
