/* libc2detect: the host engine. Evidence about each internal host gathered over
 * time from sessions, DNS events and HTTP requests (or a flow table that makes
 * them from packets): beacons per destination, fan-out, DGA names and NXDOMAIN
 * bursts, IOC hits on every address and name, HTTP C2 headers and session
 * classes; fused into a host score and verdict with the evidence that made it.
 * Definitions of every detector and of the fusion: docs/hosts.md. */
#ifndef C2DETECT_HOSTS_H
#define C2DETECT_HOSTS_H

#include <stddef.h>
#include <stdint.h>

#include "c2detect/common.h"
#include "c2detect/dga.h"
#include "c2detect/flow.h"
#include "c2detect/geo.h"
#include "c2detect/ioc.h"
#include "c2detect/model.h"

#ifdef __cplusplus
extern "C" {
#endif

/* One host engine. Holds bounded state per internal host and per (host,
 * destination) pair; everything it allocates counts against the memory budget
 * of its configuration, and what the caps make it drop is counted
 * (c2d_hosts_stats). Belongs to one thread at a time; models, IOC stores and
 * MMDB readers it borrows may be shared by any number of engines.
 * Since 0.2.0. */
typedef struct c2d_hosts c2d_hosts;

/* Settings of an engine. Caller-owned; fill with c2d_hosts_config_default()
 * (which sets `size`), change what you need, pass to c2d_hosts_new(). The
 * engine copies it; borrowed models and stores must outlive the engine. */
typedef struct c2d_hosts_config {
    size_t size;
    /* ---- caps */
    uint32_t max_hosts;            /* internal hosts tracked at once; default 65536, max 1 << 24 */
    uint32_t max_pairs_per_host;   /* (host, destination) pairs per host; default 512 */
    size_t memory_budget;          /* bytes the engine may hold in all; default 256 MiB, min 1 MiB */
    uint64_t window_ns;            /* analysis window: state older than this before the newest
                                      event is aged out; default 24 h */
    /* ---- beacon (docs/hosts.md, "Beacons") */
    uint32_t beacon_min_attempts;  /* attempts (after merging) before a pair is scored; default 8 */
    uint64_t beacon_merge_ns;      /* attempts to one pair starting within this of the previous
                                      one are one attempt (parallel opens, SYN retries); default 1 s */
    double beacon_threshold;       /* pair score at or above which a beacon is evidence; default 0.80 */
    /* ---- fan-out */
    uint32_t fanout_min_destinations; /* distinct external addresses with failed or payload-less
                                         attempts in one fan-out window; default 64 */
    uint64_t fanout_window_ns;     /* default 300 s */
    /* ---- DGA names and NXDOMAIN (docs/hosts.md, "DGA names") */
    uint32_t dga_min_names;        /* distinct flagged registrable domains for dga_names; default 3 */
    uint32_t nxdomain_min;         /* distinct NXDOMAIN names in one window for nxdomain_burst; default 20 */
    uint64_t nxdomain_window_ns;   /* default 600 s */
    /* ---- verdicts: host score thresholds (fitted, docs/models/hosts.md) */
    double alert_threshold;        /* default: the fitted value */
    double suspicious_threshold;   /* default: the fitted value */
    /* ---- models and stores (borrowed; see `builtin_models`) */
    const c2d_dga_ensemble *dga;   /* NULL: the built-in ensemble when builtin_models is 1 */
    const c2d_model *http;         /* NULL: the built-in "http" model when builtin_models is 1 */
    const c2d_iocdb *ioc;          /* finalised store, or NULL (no IOC evidence) */
    const c2d_geodb *geo;          /* MMDB with country data, or NULL (no rare_country evidence) */
    int builtin_models;            /* 1 (default): load the built-in DGA ensemble and HTTP model
                                      for those left NULL; 0: a NULL model disables its detector */
    uint32_t new_domain_days;      /* a domain registered fewer days than this before it is
                                      looked up is new (new_domain evidence); default 30 */
} c2d_hosts_config;

/* Fill `c` with the defaults listed above (including c->size); NULL is a
 * no-op. Thread-safe. Since 0.2.0. */
C2D_API void c2d_hosts_config_default(c2d_hosts_config *c);

/* Create an engine (config NULL = defaults). Returns C2D_OK, C2D_ERR_INVALID_ARG
 * (NULL out, config->size too small, a cap of 0 or above its maximum, a
 * threshold outside [0, 1], suspicious above alert, a bad allocator),
 * C2D_ERR_LIMIT (memory_budget below 1 MiB), C2D_ERR_NOMEM, or the status of
 * loading a built-in model. On error *out is NULL. Since 0.2.0. */
C2D_API c2d_status c2d_hosts_new(const c2d_hosts_config *config, const c2d_allocator *alloc,
                                 c2d_hosts **out);

/* Release the engine; NULL is a no-op. Since 0.2.0. */
C2D_API void c2d_hosts_free(c2d_hosts *h);

/* Add a local (internal) network in CIDR form, like
 * c2d_flowtable_add_local_net(); at most 64. While none is added, the private
 * ranges count as local: 10/8, 172.16/12, 192.168/16, 100.64/10, 169.254/16,
 * fc00::/7, fe80::/10. Only local hosts get evidence. Returns C2D_OK,
 * C2D_ERR_INVALID_ARG, C2D_ERR_MALFORMED, C2D_ERR_LIMIT. Since 0.2.0. */
C2D_API c2d_status c2d_hosts_add_local_net(c2d_hosts *h, const char *cidr);

/* Allow-list one destination: an IP address, a CIDR range, a domain name
 * ("example.com" matches it and every name below it) or a wildcard
 * ("*.example.com", which matches example.com too). Applied when the report
 * is made: evidence whose destination or name is allowed is left out (and
 * counted in c2d_hosts_stats.allowed_evidence); state keeps being gathered,
 * so changing the list changes the next report. Returns C2D_OK,
 * C2D_ERR_INVALID_ARG, C2D_ERR_MALFORMED, C2D_ERR_LIMIT (over 65536 entries),
 * C2D_ERR_NOMEM. Since 0.2.0. */
C2D_API c2d_status c2d_hosts_allow(c2d_hosts *h, const char *pattern);

/* Tell the engine when a domain was registered (Unix seconds UTC), e.g. from
 * WHOIS/RDAP or a newly-registered-domains feed: a later DNS name, SNI or
 * HTTP Host under it, looked up fewer than new_domain_days after that, is
 * new_domain evidence (seed 003: "domain registered days ago"). The name is
 * reduced to its registrable domain; a second call for it replaces the date.
 * At most 1 << 20 domains (their table counts against the memory budget).
 * Returns C2D_OK, C2D_ERR_INVALID_ARG (NULL, registered <= 0), a
 * C2D_ERR_NAME_* status (see c2d_dga_normalize), C2D_ERR_LIMIT (table full or
 * budget reached). Since 0.2.0. */
C2D_API c2d_status c2d_hosts_domain_registered(c2d_hosts *h, const char *domain, int64_t registered);

/* ------------------------------------------------------------------ inputs */
/* Every input is optional: a firewall with sessions only calls
 * c2d_hosts_add_session, a resolver only c2d_hosts_add_dns. Inputs should come
 * in roughly increasing time; the newest timestamp seen is the engine's clock.
 * No input call allocates once the engine's pools are warm, and none fails on
 * a full table: what a cap drops is counted. */

/* An ended session (from a flow table, a firewall, or a Zeek conn.log row),
 * INCLUDING attempts that carried no payload (S0, REJ, half-open): a dead or
 * refusing C2 server produces only those. The internal side is the originator
 * when it is local, else the responder when that is local (inbound). When
 * orig_prefix holds an HTTP request, it is scored as c2d_hosts_add_http would;
 * when it holds a TLS ClientHello (and resp_prefix the server's reply), the
 * SNI names the destination and is matched and DGA-scored, JA3/JA3S/JA4 and
 * the certificate SHA-1 are matched against the IOC store, and a missing SNI
 * or a self-signed certificate is a weak signal (tls.h, docs/hosts.md).
 * Returns C2D_OK, C2D_ERR_INVALID_ARG (NULL, size too small). Since 0.2.0. */
C2D_API c2d_status c2d_hosts_add_session(c2d_hosts *h, const c2d_session *session);

/* A DNS response (query name, rcode, A/AAAA answers) seen by a client. Queries
 * without a response count only as lookups. Returns C2D_OK,
 * C2D_ERR_INVALID_ARG. Since 0.2.0. */
C2D_API c2d_status c2d_hosts_add_dns(c2d_hosts *h, const c2d_dns_event *event);

/* One HTTP request. Give the raw header block (request line and fields) when
 * you have it; it is scored by the HTTP model only when it begins with a valid
 * request line (method, SP, target, SP, "HTTP/1.x"), and its Host and target
 * are read from it. Without a header block (Zeek http.log), give host and uri
 * and only IOC matching applies. Since 0.2.0. */
typedef struct c2d_http_event {
    size_t size;                 /* sizeof(c2d_http_event) */
    uint64_t ts_ns;
    uint8_t client_addr[16];     /* IPv4 mapped */
    uint8_t server_addr[16];
    uint16_t server_port;
    const void *header;          /* raw request bytes, or NULL */
    size_t header_len;
    const char *host;            /* Host header value, or NULL (read from header) */
    size_t host_len;
    const char *uri;             /* request target, or NULL (read from header) */
    size_t uri_len;
} c2d_http_event;

/* Returns C2D_OK (also for bytes that are not HTTP: they give no HTTP
 * evidence and are counted in c2d_hosts_stats.http_not_request),
 * C2D_ERR_INVALID_ARG. Since 0.2.0. */
C2D_API c2d_status c2d_hosts_add_http(c2d_hosts *h, const c2d_http_event *event);

/* Make a flow table feed this engine: its session and DNS callbacks are set
 * to the engine's (replacing the table's callbacks). For HTTP evidence the
 * table must keep payload prefixes (settings.payload_prefix_len, e.g. 4096).
 * The table must not be used after the engine is freed unless it is detached
 * with c2d_flowtable_set_session_callback(ft, NULL, NULL) and the DNS one.
 * Returns C2D_OK, C2D_ERR_INVALID_ARG. Since 0.2.0. */
C2D_API c2d_status c2d_hosts_attach(c2d_hosts *h, c2d_flowtable *ft);

/* ------------------------------------------------------------------ report */
typedef enum c2d_verdict {
    C2D_VERDICT_OK = 0,
    C2D_VERDICT_SUSPICIOUS = 1,
    C2D_VERDICT_ALERT = 2
} c2d_verdict;

/* Evidence kinds. Values are fixed forever; names (c2d_evidence_kind_name)
 * are the "kind" strings of c2d scan's JSON. */
typedef enum c2d_evidence_kind {
    C2D_EVIDENCE_BEACON = 1,         /* regular attempts to one ip:port or name:port */
    C2D_EVIDENCE_FANOUT = 2,         /* many distinct external addresses, failed/payload-less */
    C2D_EVIDENCE_DGA_NAMES = 3,      /* distinct registrable domains the DGA ensemble flags */
    C2D_EVIDENCE_NXDOMAIN_BURST = 4, /* many distinct NXDOMAIN names in a short window */
    C2D_EVIDENCE_IOC = 5,            /* an address or name matched an indicator */
    C2D_EVIDENCE_HTTP_C2 = 6,        /* request headers above the HTTP model's threshold */
    C2D_EVIDENCE_C2_CANDIDATE = 7,   /* sessions the Fujitsu rule calls C&C */
    C2D_EVIDENCE_UPLOAD = 8,         /* sessions sending much more than they receive */
    C2D_EVIDENCE_RARE_COUNTRY = 9,   /* sessions to a country few hosts here contact */
    C2D_EVIDENCE_TLS_NO_SNI = 10,    /* TLS ClientHellos without SNI to a bare address */
    C2D_EVIDENCE_TLS_CERT = 11,      /* self-signed server certificates (TLS <= 1.2, in clear) */
    C2D_EVIDENCE_NEW_DOMAIN = 12,    /* names under domains registered days ago (c2d_hosts_domain_registered) */
    C2D_EVIDENCE_KIND_COUNT_ = 13    /* not a kind: one past the last */
} c2d_evidence_kind;

/* Static lower-case name: "beacon", "fanout", "dga_names", "nxdomain_burst",
 * "ioc", "http_c2", "c2_candidate", "upload", "rare_country", "tls_no_sni",
 * "tls_cert", "new_domain"; "unknown" otherwise. Since 0.2.0. */
C2D_API const char *c2d_evidence_kind_name(c2d_evidence_kind kind);

/* Compute host scores and order: hosts with evidence by descending score
 * (ties: more evidence, then address). Call after the inputs, before the
 * calls below; any later input call invalidates the ranking and every string
 * the calls below returned. *n_hosts (may be NULL) = hosts ranked (all tracked
 * hosts when `include_ok` is 1, else those with a verdict above ok).
 * Ages out state older than the window first. The ranking (about 48 bytes
 * per ranked host and 1 KiB per evidence item) comes from the engine's
 * allocator outside the memory budget, so a full engine still reports.
 * Returns C2D_OK, C2D_ERR_INVALID_ARG, C2D_ERR_NOMEM (no ranking).
 * Since 0.2.0. */
C2D_API c2d_status c2d_hosts_rank(c2d_hosts *h, int include_ok, size_t *n_hosts);

/* One ranked host. Set `size = sizeof(c2d_host_report)`. */
typedef struct c2d_host_report {
    size_t size;
    uint8_t addr[16];            /* IPv4 mapped */
    double score;                /* [0, 1] */
    c2d_verdict verdict;
    uint64_t first_ns, last_ns;  /* first and last event of this host in the window */
    uint64_t sessions;           /* sessions seen, attempts included */
    uint64_t dns_responses;
    uint64_t http_requests;
    uint32_t n_evidence;         /* items for c2d_hosts_evidence, strongest first */
    uint32_t pairs;              /* destination pairs tracked */
    uint64_t pairs_evicted;      /* pairs of this host dropped by its cap or the budget */
} c2d_host_report;

/* Host `index` (0 = most suspicious) of the last c2d_hosts_rank. Returns
 * C2D_OK, C2D_ERR_INVALID_ARG, C2D_ERR_NOT_FOUND (index past the end),
 * C2D_ERR_STATE (no ranking, or inputs since). Since 0.2.0. */
C2D_API c2d_status c2d_hosts_host(const c2d_hosts *h, size_t index, c2d_host_report *out);

/* One evidence item: what triggered it, where, when and why. Strings are
 * NUL-terminated, owned by the engine (or the IOC store), valid until the
 * next input call, c2d_hosts_rank or free; "" when not applicable. Set
 * `size = sizeof(c2d_evidence)`. */
typedef struct c2d_evidence {
    size_t size;
    c2d_evidence_kind kind;
    double weight;               /* its part of the host score (fusion, docs/hosts.md) */
    double score;                /* the detector's own strength in [0, 1] */
    int has_dst;                 /* 1 when dst_addr/dst_port say where */
    uint8_t dst_addr[16];
    uint16_t dst_port;           /* 0 when not applicable */
    const char *name;            /* destination name: DNS name, Host, SNI; or "" */
    uint64_t count;              /* attempts, names, sessions, requests or hits */
    uint64_t first_ns, last_ns;
    /* beacon */
    double interval_s;           /* median interval between attempts */
    double interval_mad_s;       /* median absolute deviation of the intervals */
    double skew_score, dispersion_score, size_score, coverage_score; /* parts, [0, 1] */
    uint64_t attempts_no_payload;/* attempts that carried no payload byte */
    /* ioc */
    const char *via;             /* "ip", "ip_port", "dns", "dns_answer", "http_host", "url",
                                    "sni", "ja3", "ja3s", "ja4", "cert_sha1" */
    const char *indicator;       /* the indicator's value */
    const char *family;          /* its family, or "" */
    const char *source;          /* the feed it came from, or "" */
    /* dga_names / nxdomain_burst / fanout / http_c2 / rare_country: examples */
    const char *examples;        /* up to a few names, URLs or countries, comma-separated */
    uint64_t distinct;           /* distinct names / destinations / countries */
} c2d_evidence;

/* Evidence item `item` (0 = strongest) of ranked host `index`. Returns C2D_OK,
 * C2D_ERR_INVALID_ARG, C2D_ERR_NOT_FOUND, C2D_ERR_STATE. Since 0.2.0. */
C2D_API c2d_status c2d_hosts_evidence(const c2d_hosts *h, size_t index, size_t item,
                                      c2d_evidence *out);

/* The fusion's inputs for ranked host `index`: x[k] in [0, 1] is the strength
 * of evidence kind k (x[0] unused; docs/hosts.md, "Fusion"), before weights
 * and before the allow-list. For fitting the weights (c2detect.train.hosts)
 * and for callers that fuse on their own. n must be at least
 * C2D_EVIDENCE_KIND_COUNT_. Returns C2D_OK, C2D_ERR_INVALID_ARG,
 * C2D_ERR_BUFFER_TOO_SMALL, C2D_ERR_NOT_FOUND, C2D_ERR_STATE. Since 0.2.0. */
C2D_API c2d_status c2d_hosts_strengths(const c2d_hosts *h, size_t index, double *x, size_t n);

/* Counters of everything bounded. Set `size = sizeof(c2d_hosts_stats)`. */
typedef struct c2d_hosts_stats {
    size_t size;
    uint64_t sessions, dns_events, http_events;   /* inputs accepted */
    uint64_t not_local;          /* inputs with no local side (ignored) */
    uint64_t http_not_request;   /* c2d_hosts_add_http inputs whose bytes were not a request line */
    /* hosts: created = tracked + evicted + aged_out */
    uint64_t hosts_created;
    uint64_t hosts_tracked;      /* now */
    uint64_t hosts_evicted;      /* dropped at max_hosts or the budget (least recent activity first) */
    uint64_t hosts_aged_out;     /* dropped for leaving the window */
    /* pairs: created = tracked + evicted_cap + evicted_budget + with_host + aged_out */
    uint64_t pairs_created;
    uint64_t pairs_tracked;      /* now */
    uint64_t pairs_evicted_cap;  /* dropped at max_pairs_per_host (least recently used first) */
    uint64_t pairs_evicted_budget; /* dropped because the memory budget was reached */
    uint64_t pairs_with_host;    /* dropped with their host (evicted or aged out) */
    uint64_t pairs_aged_out;     /* dropped for leaving the window */
    uint64_t pairs_refused;      /* attempts not recorded: no pair could be had within the budget */
    uint64_t inputs_refused;     /* inputs not recorded: no host record could be had within the budget */
    uint64_t names_dropped;      /* DNS names not kept (per-host name sets full, or the budget) */
    uint64_t ioc_hits_dropped;   /* distinct indicator hits beyond the per-host list of 8 */
    uint64_t allowed_evidence;   /* evidence items left out by the allow-list at the last rank */
    size_t memory_bytes;         /* held now */
    size_t memory_budget;
} c2d_hosts_stats;

/* Copy the counters. Returns C2D_OK or C2D_ERR_INVALID_ARG. Since 0.2.0. */
C2D_API c2d_status c2d_hosts_stats_get(const c2d_hosts *h, c2d_hosts_stats *out);

#ifdef __cplusplus
}
#endif
#endif /* C2DETECT_HOSTS_H */
