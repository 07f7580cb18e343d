/* Host engine internals shared by its files: the tables (engine.c), the beacon
 * statistic (beacon.c) and fusion + report (report.c). */
#ifndef C2D_HOSTS_INTERNAL_H
#define C2D_HOSTS_INTERNAL_H

#include <stdbool.h>
#include <stdint.h>

#include "c2detect/hosts.h"
#include "c2detect/tls.h"
#include "common/internal.h"

#define C2D__HOSTS_NONE 0xFFFFFFFFu
#define C2D__HOSTS_RING 48u          /* attempt times kept per pair (most recent) */
#define C2D__HOSTS_NAME 128u         /* bytes kept of a destination name, NUL included */
#define C2D__HOSTS_CHUNK 1024u       /* records per pool chunk */
#define C2D__HOSTS_MAX_CHUNKS 65536u
#define C2D__HOSTS_IOC_HITS 8u       /* distinct indicators remembered per host */
#define C2D__HOSTS_NAMESET 256u      /* distinct names per host per name set */
#define C2D__HOSTS_EXAMPLES 3u
#define C2D__HOSTS_FANOUT_BITS 1024u /* linear-counting bitmap per fan-out window */
#define C2D__HOSTS_COUNTRIES 8u
#define C2D__HOSTS_MAX_LOCAL 64u

/* One (host, destination) pair: an ip:port, or a name:port when the
 * destination's name is known from the host's DNS answers. */
typedef struct c2d__pair {
    uint32_t host;                 /* owning host record, NONE when free */
    uint32_t prev, next;           /* the host's pairs, most recently used first */
    uint8_t by_name;               /* 1: keyed by (name, port); 0: by (addr, port) */
    uint8_t ioc_checked;
    uint16_t port;
    uint8_t addr[16];              /* the address (by_name: the last one used) */
    uint64_t key_hash;
    char name[C2D__HOSTS_NAME];    /* the key (by_name) or the last resolved name */
    uint64_t first_ns, last_ns;
    uint64_t sessions;             /* sessions reported (before merging) */
    uint64_t no_payload;           /* sessions with no payload byte */
    uint64_t c2_candidates, uploads;
    uint64_t base_ns;              /* times[] are milliseconds after this */
    uint32_t n_times, pos;         /* ring of attempt start times */
    uint32_t times_ms[C2D__HOSTS_RING];
    uint32_t sizes[C2D__HOSTS_RING]; /* originator payload bytes of each session */
    uint16_t sports[C2D__HOSTS_RING]; /* originator port: a retry of one attempt keeps it */
} c2d__pair;

typedef struct c2d__ioc_hit {
    uint32_t id;
    uint8_t via;                   /* index into the via names */
    uint8_t has_dst;
    uint16_t port;
    uint8_t addr[16];
    char name[C2D__HOSTS_NAME];
    uint64_t count, first_ns, last_ns;
} c2d__ioc_hit;

/* Distinct-name sets, allocated for a host on its first DNS name of note. */
typedef struct c2d__nameset {
    uint32_t dga_hash[C2D__HOSTS_NAMESET]; /* flagged registrable domains (0 = empty slot) */
    uint32_t n_dga;
    uint64_t dga_seen;             /* distinct registrable domains scored */
    double dga_score_sum;          /* over flagged ones */
    uint64_t dga_first_ns, dga_last_ns;
    uint32_t dga_nx;               /* flagged ones that were NXDOMAIN */
    char dga_examples[C2D__HOSTS_EXAMPLES][C2D__HOSTS_NAME];
    uint32_t nx_hash[C2D__HOSTS_NAMESET];  /* NXDOMAIN names in the current window */
    uint32_t nx_window_count;
    uint64_t nx_window_start;
    uint32_t nx_best;              /* most distinct NXDOMAIN names in one window */
    uint64_t nx_best_first_ns, nx_best_last_ns, nx_total;
    char nx_examples[C2D__HOSTS_EXAMPLES][C2D__HOSTS_NAME];
    char nx_cur_examples[C2D__HOSTS_EXAMPLES][C2D__HOSTS_NAME];
    uint64_t nx_cur_first_ns, nx_cur_last_ns;
} c2d__nameset;

/* Fan-out state, allocated for hosts with failed or payload-less attempts. */
typedef struct c2d__fanout {
    uint64_t window_start, first_ns, last_ns;
    uint32_t bits[C2D__HOSTS_FANOUT_BITS / 32];
    uint32_t best;                 /* best estimate over windows */
    uint64_t best_first_ns, best_last_ns;
    uint64_t attempts;
    uint16_t port;                 /* most recent port of a failed attempt */
} c2d__fanout;

/* HTTP C2 evidence, allocated on a host's first request above the threshold. */
typedef struct c2d__http {
    uint64_t count;
    double best;
    uint64_t first_ns, last_ns;
    uint8_t dst[16];
    uint16_t port;
    char example[C2D__HOSTS_NAME * 2];
} c2d__http;

/* TLS weak signals, allocated on a host's first one. */
typedef struct c2d__tls_signals {
    uint64_t no_sni, no_sni_first_ns, no_sni_last_ns;
    uint8_t no_sni_dst[16];
    uint16_t no_sni_port;
    uint64_t self_signed, cert_first_ns, cert_last_ns;
    uint8_t cert_dst[16];
    uint16_t cert_port;
    char cert_cn[C2D__HOSTS_NAME];
} c2d__tls_signals;

/* new_domain evidence of a host, allocated on its first name under a new domain. */
typedef struct c2d__newdom {
    uint64_t count, first_ns, last_ns;
    uint32_t hash[8];              /* distinct registrable domains (first 8) */
    uint32_t distinct;
    int64_t registered;            /* of the example */
    char example[C2D__HOSTS_NAME];
} c2d__newdom;

/* Registration dates: open addressing on the registrable domain's 64-bit hash. */
typedef struct c2d__regdate {
    uint64_t hash;                 /* 0 = empty */
    int64_t registered;
} c2d__regdate;

typedef struct c2d__host {
    uint8_t addr[16];
    uint8_t used;
    uint32_t pairs_head, pairs_tail, n_pairs;
    uint64_t pairs_evicted;
    uint64_t first_ns, last_ns;
    uint64_t sessions, dns_responses, http_requests;
    /* session classes */
    uint64_t c2_candidates, uploads;
    c2d__fanout *fan;              /* allocated on the first failed attempt */
    c2d__http *http;               /* allocated on the first HTTP C2 request */
    c2d__tls_signals *tls;         /* allocated on the first TLS weak signal */
    c2d__newdom *newdom;           /* allocated on the first name under a new domain */
    double http_max;               /* highest HTTP score seen */
    /* IOC */
    c2d__ioc_hit *ioc;             /* C2D__HOSTS_IOC_HITS, allocated on the first hit */
    uint32_t n_ioc;
    uint64_t ioc_dropped;
    /* DNS */
    c2d__nameset *names;
    /* countries (rare_country) */
    uint16_t country[C2D__HOSTS_COUNTRIES];
    uint32_t country_sessions[C2D__HOSTS_COUNTRIES];
    uint8_t n_country;
} c2d__host;

/* A growable pool of fixed-size records in chunks of C2D__HOSTS_CHUNK. */
typedef struct c2d__pool {
    size_t rec_size;
    void **chunks;
    uint32_t n_chunks, max_chunks;
    uint32_t used;                 /* records ever handed out (high-water mark) */
    uint32_t free_head;            /* freed records (first 4 bytes link) */
    uint32_t live;
} c2d__pool;

/* Open-addressing index (linear probing, backward-shift deletion) of record ids. */
typedef struct c2d__index {
    uint32_t *slots;               /* record id + 1, 0 = empty */
    uint32_t mask;                 /* capacity - 1 */
    uint32_t count;
} c2d__index;

typedef struct c2d__local_net {
    uint8_t addr[16];
    uint32_t prefix;
} c2d__local_net;

typedef struct c2d__dns_slot {
    uint8_t addr[16];
    uint64_t ts_ns;
    char name[C2D__HOSTS_NAME];
} c2d__dns_slot;

typedef struct c2d__allow {
    uint8_t is_addr;
    uint8_t addr[16];
    uint32_t prefix;               /* bits, over the 16-byte form */
    char name[256];                /* domain without "*." */
} c2d__allow;

typedef struct c2d__ranked_item {
    c2d_evidence ev;
    char name[C2D__HOSTS_NAME];
    char examples[C2D__HOSTS_EXAMPLES * C2D__HOSTS_NAME + 8];
} c2d__ranked_item;

typedef struct c2d__ranked {
    uint8_t addr[16];              /* for the tie order */
    uint32_t host;
    double score;
    uint32_t first_item, n_items;
} c2d__ranked;

struct c2d_hosts {
    c2d_allocator alloc;
    c2d_hosts_config cfg;
    c2d_dga_ensemble *own_dga;
    c2d_model *own_http;
    const c2d_dga_ensemble *dga;
    const c2d_model *http;
    double http_threshold;
    c2d_session_rules rules;
    c2d_tls_info tls;              /* scratch of add_session (an engine is one thread's) */
    c2d__local_net nets[C2D__HOSTS_MAX_LOCAL];
    uint32_t n_nets;
    c2d__allow *allow;
    uint32_t n_allow, cap_allow;
    c2d__pool hosts, pairs;
    c2d__index host_index, pair_index;
    c2d__dns_slot *dns;            /* address -> name, direct-mapped */
    uint32_t dns_mask;
    c2d__regdate *regdates;        /* c2d_hosts_domain_registered, allocated on first use */
    uint32_t regdates_mask, n_regdates;
    uint64_t *dga_cache;           /* (name hash << 32 | score bits), direct-mapped */
    uint32_t dga_cache_mask;
    uint32_t country_hosts[26 * 26];
    uint32_t hosts_with_country;
    uint64_t now_ns;
    uint64_t rng;
    size_t memory;
    c2d_hosts_stats stats;
    /* last ranking */
    int ranked_valid;
    c2d__ranked *ranked;
    size_t n_ranked;
    c2d__ranked_item *items;
    size_t n_items;
};

/* ------------------------------------------------------------ engine.c */
c2d__host *c2d__hosts_host_at(const c2d_hosts *h, uint32_t id);
c2d__pair *c2d__hosts_pair_at(const c2d_hosts *h, uint32_t id);
void *c2d__hosts_mem(c2d_hosts *h, size_t n);      /* budget-counted calloc */
void c2d__hosts_unmem(c2d_hosts *h, void *p, size_t n);
bool c2d__hosts_is_local(const c2d_hosts *h, const uint8_t a[16]);
bool c2d__hosts_prefix_match(const uint8_t *a, const uint8_t *net, uint32_t bits);
void c2d__hosts_age_out(c2d_hosts *h);

/* ------------------------------------------------------------ beacon.c */
/* The beacon statistic of one pair (docs/hosts.md, "Beacons"). */
typedef struct c2d__beacon {
    uint32_t attempts;             /* after merging, within the ring */
    double score, skew_score, dispersion_score, size_score, coverage_score;
    double interval_s, interval_mad_s;
} c2d__beacon;

/* times_ms / sizes / sports: n entries in any order; merge_ms: starts closer
 * than this to the previous start are one attempt, and so are sessions from
 * the same originator port within C2D__HOSTS_RETRY_MS (a retried handshake
 * logged as a new connection); pair_span_ns / host_span_ns for coverage.
 * Returns false when fewer than min_attempts attempts remain. */
#define C2D__HOSTS_RETRY_MS 60000u
bool c2d__beacon_score(const uint32_t *times_ms, const uint32_t *sizes, const uint16_t *sports, uint32_t n,
                       uint32_t merge_ms, uint32_t min_attempts, uint64_t pair_span_ns,
                       uint64_t host_span_ns, c2d__beacon *out);

/* Median / quartiles of a sorted array of doubles. */
double c2d__quantile_sorted(const double *v, size_t n, double q);

/* ------------------------------------------------------------ report.c */
/* The fitted fusion (lib/hosts/weights.c, written by c2detect.train.hosts). */
extern const double c2d__hosts_weight[C2D_EVIDENCE_KIND_COUNT_];
extern const double c2d__hosts_alert_threshold;
extern const double c2d__hosts_suspicious_threshold;
void c2d__hosts_drop_ranking(c2d_hosts *h);

/* The strength x in [0, 1] of each kind for one host (the fusion's inputs);
 * also what c2d_hosts_features exposes for fitting. */
void c2d__hosts_strengths(const c2d_hosts *h, const c2d__host *host, double x[C2D_EVIDENCE_KIND_COUNT_]);

#endif /* C2D_HOSTS_INTERNAL_H */
