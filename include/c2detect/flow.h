/* libc2detect: capture input (pcap/pcapng), packet decoding, the flow table
 * that turns packets into bidirectional sessions, session features after the
 * Fujitsu C&C study and the session rules. DNS parsing is in dns.h.
 * Feature definitions: docs/features.md, "Session features". */
#ifndef C2DETECT_FLOW_H
#define C2DETECT_FLOW_H

#include <stddef.h>
#include <stdint.h>

#include "c2detect/common.h"
#include "c2detect/dns.h"

#ifdef __cplusplus
extern "C" {
#endif

/* ============================================================== capture */

/* Link types (tcpdump.org LINKTYPE_ values) the decoder reads. */
#define C2D_LINKTYPE_NULL 0        /* BSD loopback, 4-byte host-order family */
#define C2D_LINKTYPE_ETHERNET 1
#define C2D_LINKTYPE_RAW 101       /* raw IPv4 or IPv6 */
#define C2D_LINKTYPE_LOOP 108      /* OpenBSD loopback, network-order family */
#define C2D_LINKTYPE_LINUX_SLL 113
#define C2D_LINKTYPE_IPV4 228
#define C2D_LINKTYPE_IPV6 229
#define C2D_LINKTYPE_LINUX_SLL2 276

/* Largest frame the reader accepts (libpcap's maximum snapshot length). */
#define C2D_CAPTURE_MAX_FRAME 262144u
/* Largest number of pcapng interfaces per section. */
#define C2D_CAPTURE_MAX_INTERFACES 256u

/* A capture reader over a pcap (both byte orders, micro- and nanosecond) or
 * pcapng file (SHB, IDB, EPB, SPB, OPB; several sections and interfaces, per
 * interface link type, if_tsresol and if_tsoffset). Streaming: a file is read
 * through one fixed buffer, so memory does not grow with the file. Belongs to
 * one thread at a time. Since 0.1.0. */
typedef struct c2d_capture c2d_capture;

/* One captured frame. Filled by c2d_capture_next(); `data` points into the
 * reader (or the caller's memory buffer) and is valid until the next call on
 * the reader or its free. Set `size = sizeof(c2d_frame)` before the call. */
typedef struct c2d_frame {
    size_t size;
    uint64_t ts_ns;          /* nanoseconds since the Unix epoch */
    uint32_t linktype;       /* LINKTYPE_ of the frame's interface */
    uint32_t interface_id;   /* pcapng interface index in its section; 0 for pcap */
    uint32_t caplen;         /* bytes at data */
    uint32_t wirelen;        /* original length on the wire */
    const uint8_t *data;
} c2d_frame;

/* Open a capture file by path. The file stays open until c2d_capture_free().
 * Returns C2D_OK (*out set), C2D_ERR_INVALID_ARG (NULL path/out, bad allocator),
 * C2D_ERR_IO, C2D_ERR_NOMEM, C2D_ERR_TRUNCATED (shorter than a file header),
 * C2D_ERR_BAD_MAGIC (neither pcap nor pcapng), C2D_ERR_UNSUPPORTED_VERSION,
 * C2D_ERR_MALFORMED. On error *out is NULL. Since 0.1.0. */
C2D_API c2d_status c2d_capture_open_file(const char *path, const c2d_allocator *alloc,
                                         c2d_capture **out);

/* Open a capture held in memory. The bytes are NOT copied: they must stay
 * valid and unchanged until c2d_capture_free(). Same statuses as
 * c2d_capture_open_file() except C2D_ERR_IO. Since 0.1.0. */
C2D_API c2d_status c2d_capture_open_memory(const void *data, size_t len,
                                           const c2d_allocator *alloc, c2d_capture **out);

/* Next frame. Returns C2D_OK (*frame filled), C2D_CAPTURE_END at a clean end of
 * input (and on every later call), or an error that is sticky (every later
 * call returns it too): C2D_ERR_TRUNCATED (input ends inside a record),
 * C2D_ERR_MALFORMED (impossible length, unknown interface, ...),
 * C2D_ERR_LIMIT (a frame above C2D_CAPTURE_MAX_FRAME or too many interfaces),
 * C2D_ERR_BAD_MAGIC / C2D_ERR_UNSUPPORTED_VERSION (bad pcapng section header),
 * C2D_ERR_IO, C2D_ERR_INVALID_ARG (NULL argument or frame->size too small).
 * Non-packet pcapng blocks are skipped. Allocates nothing. Since 0.1.0. */
C2D_API c2d_status c2d_capture_next(c2d_capture *cap, c2d_frame *frame);

/* Bytes of input consumed so far (for progress display); 0 for NULL.
 * Since 0.1.0. */
C2D_API uint64_t c2d_capture_offset(const c2d_capture *cap);

/* Close and release. NULL is a no-op. Since 0.1.0. */
C2D_API void c2d_capture_free(c2d_capture *cap);

/* ============================================================== decoding */

/* A decoded packet. IPv4 addresses are stored IPv4-mapped (::ffff:a.b.c.d) so
 * every address is 16 bytes; `ip_version` says which family it came from.
 * Fill `size = sizeof(c2d_packet)` before c2d_packet_decode(). A caller that
 * decodes by itself may fill one and give it to c2d_flowtable_add_packet(). */
typedef struct c2d_packet {
    size_t size;
    uint64_t ts_ns;
    uint8_t ip_version;      /* 4 or 6 */
    uint8_t ip_proto;        /* 6 TCP, 17 UDP, 1 ICMP, 58 ICMPv6, or another IP protocol */
    uint8_t tcp_flags;       /* TCP flag byte (FIN 0x01 SYN 0x02 RST 0x04 PSH 0x08 ACK 0x10 URG 0x20) */
    uint8_t vlan_depth;      /* number of 802.1Q/802.1ad tags removed */
    uint16_t src_port;       /* TCP/UDP ports; ICMP: type in src_port, code in dst_port */
    uint16_t dst_port;
    uint8_t src_addr[16];
    uint8_t dst_addr[16];
    uint32_t ip_bytes;       /* IP datagram length from the IP header (header included) */
    uint32_t payload_len;    /* transport payload length per the IP/TCP/UDP headers */
    uint32_t payload_caplen; /* bytes of payload actually captured (<= payload_len) */
    const uint8_t *payload;  /* captured payload (into the frame), NULL when none */
} c2d_packet;

/* TCP flag bits of c2d_packet.tcp_flags and c2d_session.orig_tcp_flags. */
#define C2D_TCP_FIN 0x01u
#define C2D_TCP_SYN 0x02u
#define C2D_TCP_RST 0x04u
#define C2D_TCP_PSH 0x08u
#define C2D_TCP_ACK 0x10u
#define C2D_TCP_URG 0x20u

/* Decode one frame of the given link type: Ethernet (with up to 4 802.1Q /
 * 802.1ad tags), Linux cooked SLL and SLL2, raw IPv4/IPv6, BSD/OpenBSD
 * loopback; IPv4 with options and fragments; IPv6 with hop-by-hop, routing,
 * destination-options, fragment and AH extension headers; TCP, UDP, ICMP,
 * ICMPv6. Every length is checked against `caplen`. `out->payload` points into
 * `data`. Thread-safe, allocates nothing. Returns C2D_OK or:
 * C2D_ERR_PKT_TRUNCATED (a header is cut by the capture length),
 * C2D_ERR_PKT_MALFORMED (a header field is impossible),
 * C2D_ERR_PKT_UNSUPPORTED (link type, EtherType or IPv6 header not decoded,
 * e.g. ARP), C2D_ERR_PKT_FRAGMENT (a non-first IP fragment: addresses are
 * filled, ports are not), C2D_ERR_INVALID_ARG. Since 0.1.0. */
C2D_API c2d_status c2d_packet_decode(uint32_t linktype, const uint8_t *data, uint32_t caplen,
                                     uint64_t ts_ns, c2d_packet *out);

/* ============================================================ addresses */

/* Write a 16-byte address as text: dotted quad for IPv4-mapped addresses,
 * RFC 5952 form otherwise. `buf` gets at most 46 bytes including the NUL.
 * Returns C2D_OK, C2D_ERR_INVALID_ARG, C2D_ERR_BUFFER_TOO_SMALL. Thread-safe.
 * Since 0.1.0. */
C2D_API c2d_status c2d_addr_format(const uint8_t addr[16], char *buf, size_t buflen);

/* Parse "a.b.c.d" or an IPv6 text address into 16 bytes (IPv4 mapped).
 * Returns C2D_OK, C2D_ERR_INVALID_ARG, C2D_ERR_MALFORMED. Since 0.1.0. */
C2D_API c2d_status c2d_addr_parse(const char *text, uint8_t addr[16]);

/* ============================================================ flow table */

/* One flow table: bidirectional TCP and UDP sessions keyed by the 5-tuple.
 * Fixed capacity set at creation; the session entries and their index are
 * allocated by c2d_flowtable_new(). Payload prefixes (payload_prefix_len > 0)
 * take memory only for sessions that carry payload: a session gets its block
 * on its first payload byte, from slabs the table allocates as it needs them
 * (up to memory_budget) and keeps until it is freed; an ended session's block
 * is reused. The hash is keyed (SipHash-1-3) with a per-table random seed.
 * Belongs to one thread at a time; use one table per thread. Since 0.1.0. */
typedef struct c2d_flowtable c2d_flowtable;

/* What a flow table does when a cap is reached (c2d_flow_settings.at_cap).
 * Values are fixed forever. Since 0.2.0. */
typedef enum c2d_flow_cap_policy {
    /* Make room: end the idle-longest session (reason C2D_END_EVICTED). At the
     * session cap any session; at the memory budget the idle-longest session
     * holding a payload prefix block. The 0.1 behaviour; the default. */
    C2D_FLOW_CAP_EVICT_IDLE = 0,
    /* Keep what is tracked: at the session cap a packet that would start a
     * session is not accumulated (counted in dropped_packets; DNS in it is still
     * parsed); at the memory budget a new session is tracked without a payload
     * prefix (counted in prefix_dropped). */
    C2D_FLOW_CAP_DROP_NEW = 1
} c2d_flow_cap_policy;

/* Settings of a flow table. Caller-owned; set `size` via
 * c2d_flow_settings_default(), which fills every default. A caller built
 * against an older header passes its smaller size: the fields it does not
 * know take their defaults. */
typedef struct c2d_flow_settings {
    size_t size;
    uint32_t capacity;              /* sessions held at once, 1..(1 << 26); default 65536 */
    uint32_t payload_prefix_len;    /* first N payload bytes kept per direction; 0 = off (default), max 65536 */
    uint64_t tcp_idle_timeout_ns;   /* TCP with no packet for this long ends (reason idle); default 300 s */
    uint64_t tcp_closed_timeout_ns; /* after FIN from both sides or an RST, ends this long after the last packet; default 5 s */
    uint64_t udp_idle_timeout_ns;   /* UDP idle timeout; default 60 s */
    uint64_t hash_seed[2];          /* SipHash key; {0, 0} (default) = random per table */
    int parse_dns;                  /* 1 (default): parse UDP/TCP port 53 payloads and report DNS events */
    /* Since 0.2.0 */
    uint64_t memory_budget;         /* bytes the table may hold in all (memory_bytes); 0 (default) = no
                                       limit beyond capacity. Session entries and index are reserved at
                                       creation and must fit (C2D_ERR_LIMIT otherwise); payload-prefix
                                       slabs are allocated while they fit */
    c2d_flow_cap_policy at_cap;     /* at the session cap or the memory budget; default C2D_FLOW_CAP_EVICT_IDLE */
} c2d_flow_settings;

/* Fill `s` with the defaults listed above (including s->size); NULL is a
 * no-op. Thread-safe. Since 0.1.0. */
C2D_API void c2d_flow_settings_default(c2d_flow_settings *s);

/* How a session ended. */
typedef enum c2d_end_reason {
    C2D_END_IDLE = 0,      /* idle timeout (c2d_flowtable_expire or a late packet on the tuple) */
    C2D_END_FIN = 1,       /* both sides sent FIN, then the closed timeout passed or the tuple was reused */
    C2D_END_RST = 2,       /* an RST was seen, then the closed timeout passed or the tuple was reused */
    C2D_END_EVICTED = 3,   /* the table was full and this was the idle-longest session */
    C2D_END_FLUSH = 4      /* c2d_flowtable_flush(), e.g. end of the capture */
} c2d_end_reason;

/* Zeek conn_state values (see docs/features.md for the exact rules here). */
typedef enum c2d_conn_state {
    C2D_CONN_S0 = 0, C2D_CONN_S1, C2D_CONN_SF, C2D_CONN_REJ, C2D_CONN_S2, C2D_CONN_S3,
    C2D_CONN_RSTO, C2D_CONN_RSTR, C2D_CONN_RSTOS0, C2D_CONN_RSTRH, C2D_CONN_SH,
    C2D_CONN_SHR, C2D_CONN_OTH
} c2d_conn_state;

/* Session classes of the rules (Fujitsu study). */
typedef enum c2d_session_class {
    C2D_SESSION_NOT_COUNTED = 0, /* no payload byte flowed: not a session for the study */
    C2D_SESSION_INBOUND = 1,     /* opened from outside */
    C2D_SESSION_C2_CANDIDATE = 2,/* opened from inside, short packets, in ~ out */
    C2D_SESSION_DOWNLOAD = 3,    /* opened from inside, long packets, in >> out */
    C2D_SESSION_UPLOAD = 4,      /* opened from inside, out >> in */
    C2D_SESSION_OTHER = 5
} c2d_session_class;

/* A session as reported when it ends. Filled by the library; valid only during
 * the callback that receives it (copy what you keep). Field names follow
 * Zeek's conn.log where one exists. "orig" is the initiator (the sender of a
 * SYN without ACK, else the first sender), "resp" the responder. */
typedef struct c2d_session {
    size_t size;                 /* sizeof(c2d_session) of the library */
    uint8_t ip_version;          /* 4 or 6 */
    uint8_t proto;               /* 6 TCP or 17 UDP */
    uint8_t orig_tcp_flags;      /* OR of TCP flags the originator sent */
    uint8_t resp_tcp_flags;
    uint8_t orig_h[16];          /* originator address (IPv4 mapped) */
    uint8_t resp_h[16];
    uint16_t orig_p, resp_p;
    uint64_t ts_ns;              /* first packet */
    uint64_t last_ns;            /* last packet */
    double duration;             /* seconds, (last_ns - ts_ns) / 1e9 */
    uint64_t orig_pkts, resp_pkts;
    uint64_t orig_bytes, resp_bytes;        /* transport payload bytes */
    uint64_t orig_ip_bytes, resp_ip_bytes;  /* IP bytes, headers included */
    uint64_t orig_data_pkts, resp_data_pkts;/* packets with >= 1 payload byte */
    uint32_t orig_min_payload, orig_max_payload; /* over payload-carrying packets; 0 when none */
    uint32_t resp_min_payload, resp_max_payload;
    double orig_mean_payload, resp_mean_payload; /* bytes / data_pkts; 0 when none */
    c2d_conn_state conn_state;
    c2d_end_reason end_reason;
    int local_orig, local_resp;  /* 1 when the address is in the table's local networks */
    /* Fujitsu features */
    int counted;                 /* 1 when orig_bytes + resp_bytes >= 1 */
    double avg_payload_len;      /* (orig_bytes+resp_bytes)/(orig_data_pkts+resp_data_pkts); 0 when none */
    double in_out_ratio;         /* (resp_bytes + 1) / (orig_bytes + 1) */
    /* first payload bytes (settings.payload_prefix_len), in arrival order per direction;
     * the pointers are NULL (and the lengths 0) when the session kept no prefix: no
     * payload, prefixes off, or one refused at a cap (c2d_flow_stats.prefix_dropped) */
    const uint8_t *orig_prefix;
    uint32_t orig_prefix_len;
    const uint8_t *resp_prefix;
    uint32_t resp_prefix_len;
} c2d_session;

/* Called once for every ended session, from inside add_packet/add_frame
 * (eviction, tuple reuse, late packet past the timeout), expire or flush. It
 * must not call back into the same table. */
typedef void (*c2d_session_fn)(void *user, const c2d_session *session);

/* A DNS message seen by the table. Valid only during the callback. */
typedef struct c2d_dns_event {
    size_t size;
    uint64_t ts_ns;
    uint8_t ip_version;
    uint8_t transport;           /* 17 UDP or 6 TCP */
    uint16_t client_port;        /* the side that is not port 53 */
    uint8_t client_addr[16];
    uint8_t server_addr[16];
    const c2d_dns_message *message;
} c2d_dns_event;

typedef void (*c2d_dns_fn)(void *user, const c2d_dns_event *event);

/* Counters of a table. Set `size = sizeof(c2d_flow_stats)`; a caller built
 * against an older header passes its smaller size and gets the fields it
 * knows. Every session ended early and every packet or prefix not kept is
 * counted by cause. */
typedef struct c2d_flow_stats {
    size_t size;
    uint64_t frames;             /* frames given to add_frame */
    uint64_t packets;            /* packets accumulated into sessions */
    uint64_t truncated;          /* decode: C2D_ERR_PKT_TRUNCATED */
    uint64_t malformed;          /* decode: C2D_ERR_PKT_MALFORMED */
    uint64_t unsupported;        /* decode: C2D_ERR_PKT_UNSUPPORTED (e.g. ARP) */
    uint64_t fragments;          /* non-first IP fragments */
    uint64_t not_tcp_udp;        /* decoded IP packets of another protocol (ICMP, ...) */
    uint64_t sessions_started;
    uint64_t sessions_ended;
    uint64_t sessions_evicted;   /* ended with C2D_END_EVICTED: evicted_capacity + evicted_memory */
    uint64_t dns_messages;       /* DNS messages parsed */
    uint64_t dns_errors;         /* port-53 payloads that did not parse */
    uint32_t active;             /* sessions now in the table */
    uint32_t capacity;
    size_t memory_bytes;         /* bytes allocated by the table now (grows with payload-prefix slabs) */
    /* Since 0.2.0 */
    uint64_t evicted_capacity;   /* sessions evicted because `capacity` sessions were held (evict policy) */
    uint64_t evicted_memory;     /* sessions evicted to free a payload-prefix block under memory_budget */
    uint64_t dropped_packets;    /* packets not accumulated: they would have started a session in a
                                    full table (drop-new policy) */
    uint64_t prefix_dropped;     /* sessions tracked without a payload prefix: budget reached (drop-new
                                    policy, or evict policy with no block holder to evict), or the
                                    allocator failed */
    uint64_t prefix_alloc_failed;/* slab allocations the allocator refused (those sessions are also in
                                    prefix_dropped) */
    size_t memory_peak;          /* highest memory_bytes so far */
    size_t prefix_bytes;         /* of memory_bytes, payload-prefix slabs */
} c2d_flow_stats;

/* Create a table. `settings` NULL = defaults. Allocates the session entries
 * and index up front (about 186 bytes per session of capacity, 16 more with a
 * payload prefix); payload-prefix blocks (2 * payload_prefix_len rounded up to
 * 8 bytes per session with payload) come later from slabs of up to 64 KiB
 * (at least one block; a 16-byte header each), each allocated only while
 * memory_bytes + slab <= memory_budget (a last slab is cut to what fits).
 * Returns C2D_OK, C2D_ERR_INVALID_ARG (NULL out, settings->size smaller than
 * the 0.1 struct, capacity 0 or above 1 << 26, payload_prefix_len above
 * 65536, unknown at_cap, bad allocator), C2D_ERR_LIMIT (memory_budget below
 * what the entries and index need, or below one prefix slab), C2D_ERR_NOMEM.
 * Since 0.1.0; memory_budget and at_cap since 0.2.0. */
C2D_API c2d_status c2d_flowtable_new(const c2d_flow_settings *settings,
                                     const c2d_allocator *alloc, c2d_flowtable **out);

/* Release the table without reporting its sessions (call flush first to get
 * them). NULL is a no-op. Since 0.1.0. */
C2D_API void c2d_flowtable_free(c2d_flowtable *ft);

/* Add a local (home) network in CIDR form ("10.0.0.0/8", "2001:db8::/32"),
 * like Zeek's Site::local_nets; at most 64. While none is added, the private
 * ranges count as local: 10/8, 172.16/12, 192.168/16, 100.64/10, 127/8,
 * 169.254/16, fc00::/7, fe80::/10, ::1. Returns C2D_OK, C2D_ERR_INVALID_ARG,
 * C2D_ERR_MALFORMED, C2D_ERR_LIMIT. Since 0.1.0. */
C2D_API c2d_status c2d_flowtable_add_local_net(c2d_flowtable *ft, const char *cidr);

/* Set (or clear with NULL) the ended-session callback; `user` is passed back
 * unchanged and must outlive its use. NULL ft is a no-op. Since 0.1.0. */
C2D_API void c2d_flowtable_set_session_callback(c2d_flowtable *ft, c2d_session_fn fn, void *user);

/* Set (or clear with NULL) the DNS callback, called for every DNS message
 * (queries and responses) seen on port 53. NULL ft is a no-op. Since 0.1.0. */
C2D_API void c2d_flowtable_set_dns_callback(c2d_flowtable *ft, c2d_dns_fn fn, void *user);

/* Accumulate one decoded packet. Allocates nothing, except a payload-prefix
 * slab when a session needs a block and none is free (a refused allocation
 * is counted, never fatal: the session goes without a prefix). Returns C2D_OK, or
 * C2D_ERR_PKT_UNSUPPORTED when it is neither TCP nor UDP (counted in
 * not_tcp_udp), C2D_ERR_INVALID_ARG. Since 0.1.0. */
C2D_API c2d_status c2d_flowtable_add_packet(c2d_flowtable *ft, const c2d_packet *pkt);

/* Accumulate `n` decoded packets, the same as calling add_packet on each in
 * order, but faster: hashes of a few packets are computed ahead and their
 * table slots prefetched. Packets that are neither TCP nor UDP are counted in
 * not_tcp_udp and skipped, as are those with a too small `size`. *n_added
 * (may be NULL) gets the number accumulated. Allocates as add_packet. Returns C2D_OK
 * or C2D_ERR_INVALID_ARG (NULL table, NULL pkts with n > 0). Since 0.1.0. */
C2D_API c2d_status c2d_flowtable_add_packets(c2d_flowtable *ft, const c2d_packet *pkts, size_t n,
                                             size_t *n_added);

/* Decode a frame (c2d_packet_decode) and accumulate it. Allocates as add_packet.
 * Returns C2D_OK; or, counted in the stats and not fatal to the table:
 * C2D_ERR_PKT_TRUNCATED, C2D_ERR_PKT_MALFORMED, C2D_ERR_PKT_UNSUPPORTED
 * (undecoded link/network layer, or an IP protocol other than TCP/UDP),
 * C2D_ERR_PKT_FRAGMENT; C2D_ERR_INVALID_ARG (NULL, frame->size too small).
 * Since 0.1.0. */
C2D_API c2d_status c2d_flowtable_add_frame(c2d_flowtable *ft, const c2d_frame *frame);

/* End every session whose timeout has passed at `now_ns` (callback reason
 * idle, fin or rst). Call it regularly, e.g. once per second of capture time.
 * Costs only the sessions it ends. NULL is a no-op. Since 0.1.0. */
C2D_API void c2d_flowtable_expire(c2d_flowtable *ft, uint64_t now_ns);

/* End every session, idle-longest first (reason flush, or fin/rst for closed
 * ones), and empty the table; it stays usable. NULL is a no-op. Since 0.1.0. */
C2D_API void c2d_flowtable_flush(c2d_flowtable *ft);

/* Copy the counters. Returns C2D_OK or C2D_ERR_INVALID_ARG. Since 0.1.0. */
C2D_API c2d_status c2d_flowtable_stats(const c2d_flowtable *ft, c2d_flow_stats *out);

/* ======================================================== session rules */

/* Thresholds of the session rules; fill with c2d_session_rules_default(). */
typedef struct c2d_session_rules {
    size_t size;
    double c2_max_avg_payload;  /* avg_payload_len <= this is "short packets"; default 100 (the paper's other data set needed 200) */
    double c2_max_imbalance;    /* in ~ out: max(in,out)/min(in,out) <= this, with +1 smoothing; default 4 */
    double download_min_ratio;  /* in >> out: in_out_ratio >= this; default 10 */
    double upload_min_ratio;    /* out >> in: 1/in_out_ratio >= this; default 10 */
} c2d_session_rules;

/* Fill the defaults above (including r->size); NULL is a no-op. Since 0.1.0. */
C2D_API void c2d_session_rules_default(c2d_session_rules *r);

/* Classify an ended session (rules NULL = defaults), in this order:
 * not counted -> NOT_COUNTED; originator not local and responder local ->
 * INBOUND; avg_payload_len <= c2_max_avg_payload and imbalance <=
 * c2_max_imbalance -> C2_CANDIDATE; avg_payload_len > c2_max_avg_payload and
 * in_out_ratio >= download_min_ratio -> DOWNLOAD; 1/in_out_ratio >=
 * upload_min_ratio -> UPLOAD; else OTHER. Thread-safe, allocates nothing.
 * Returns C2D_OK or C2D_ERR_INVALID_ARG. Since 0.1.0. */
C2D_API c2d_status c2d_session_classify(const c2d_session *session,
                                        const c2d_session_rules *rules,
                                        c2d_session_class *out);

/* Static lower-case names ("not_counted", "inbound", "c2_candidate",
 * "download", "upload", "other"; "S0".."OTH"; "idle", "fin", "rst",
 * "evicted", "flush"); "unknown" otherwise. Since 0.1.0. */
C2D_API const char *c2d_session_class_name(c2d_session_class c);
C2D_API const char *c2d_conn_state_name(c2d_conn_state s);
C2D_API const char *c2d_end_reason_name(c2d_end_reason r);

#ifdef __cplusplus
}
#endif
#endif /* C2DETECT_FLOW_H */
