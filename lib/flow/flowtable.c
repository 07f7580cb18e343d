/* Flow table: open addressing (linear probing, backward-shift deletion) over a
 * fixed entry pool, SipHash-1-3 keyed per table, an LRU list for eviction and
 * timeouts. Entries are allocated in c2d_flowtable_new(); payload-prefix
 * blocks come from slabs allocated on demand under the memory budget. */
#include <stddef.h>
#include <math.h>
#include <stdio.h>
#include <time.h>

#include "c2detect/flow.h"
#include "common/internal.h"

#define MAX_LOCAL_NETS 64
#define NIL UINT32_MAX
#define NS_PER_S UINT64_C(1000000000)

typedef struct flow_key {
    uint8_t a_addr[16];   /* canonical order: (a_addr, a_port) < (b_addr, b_port) */
    uint8_t b_addr[16];
    uint16_t a_port, b_port;
    uint8_t proto, ip_version, pad[2];
} flow_key;

typedef struct dir_stats {
    uint64_t pkts, bytes, ip_bytes, data_pkts;
    uint32_t min_payload, max_payload;
    uint32_t prefix_len;
    uint8_t tcp_flags;
    uint8_t pad[3];
} dir_stats;

/* entry flags */
#define F_ORIG_IS_A 0x01u
#define F_FIN_ORIG 0x02u
#define F_FIN_RESP 0x04u
#define F_RST 0x08u
#define F_NO_PREFIX 0x10u /* this session was refused a prefix block: do not ask again */

typedef struct flow_entry {
    flow_key key;
    uint64_t first_ns, last_ns;
    uint32_t hash;
    uint8_t flags;
    uint8_t list;                 /* which LRU list holds it (L_*) */
    uint8_t pad[2];
    dir_stats dir[2];             /* 0 = originator, 1 = responder */
} flow_entry;

/* LRU links live apart from the entries: relinking touches neighbours, and
 * 8-byte links stay in cache where 150-byte entries would not */
typedef struct lru_link {
    uint32_t prev, next;          /* next doubles as the free-list link */
} lru_link;

/* One LRU list per timeout class, so every list has one timeout and
 * expire() stops at the first live entry of each list. */
enum { L_TCP = 0, L_TCP_CLOSED = 1, L_UDP = 2, N_LISTS = 3 };

typedef struct slot {
    uint32_t hash;
    uint32_t idx1;                /* entry index + 1; 0 = empty */
} slot;

/* A slab of payload-prefix blocks; blocks follow the header. */
typedef struct prefix_slab {
    struct prefix_slab *next;
    size_t bytes;
} prefix_slab;
#define SLAB_HEADER 16u
#define SLAB_BYTES 65536u

typedef struct local_net {
    uint8_t addr[16];
    uint32_t prefix;              /* bits over the 16-byte form */
} local_net;

struct c2d_flowtable {
    c2d_allocator alloc;
    c2d_flow_settings set;
    uint64_t k0, k1;              /* SipHash key */
    flow_entry *entries;
    lru_link *lru;
    slot *slots;
    uint32_t mask;
    uint32_t count;
    uint32_t free_head;
    uint32_t lru_head[N_LISTS], lru_tail[N_LISTS]; /* head = most recent */
    /* payload prefixes (payload_prefix_len > 0) */
    uint8_t **blk;                /* per entry: its block (orig then resp half) or NULL */
    lru_link *plru;               /* block holders, most recently active first */
    uint32_t plru_head, plru_tail;
    uint8_t *free_blk;            /* free blocks, linked through their first 8 bytes */
    prefix_slab *slabs;
    size_t blk_bytes;             /* 2 * payload_prefix_len rounded up to 8 */
    size_t fixed_bytes;           /* everything but the slabs */
    uint32_t n_nets;
    local_net nets[MAX_LOCAL_NETS];
    c2d_session_fn on_session;
    void *session_user;
    c2d_dns_fn on_dns;
    void *dns_user;
    c2d_flow_stats stats;
    c2d_dns_message dns;          /* scratch for DNS events */
};

/* ------------------------------------------------------------- SipHash */

static inline uint64_t rotl64(uint64_t x, int b) {
    return (x << b) | (x >> (64 - b));
}

#define SIPROUND                                                   \
    do {                                                           \
        v0 += v1; v1 = rotl64(v1, 13); v1 ^= v0; v0 = rotl64(v0, 32); \
        v2 += v3; v3 = rotl64(v3, 16); v3 ^= v2;                   \
        v0 += v3; v3 = rotl64(v3, 21); v3 ^= v0;                   \
        v2 += v1; v1 = rotl64(v1, 17); v1 ^= v2; v2 = rotl64(v2, 32); \
    } while (0)

/* SipHash-1-3 of exactly sizeof(flow_key) = 40 bytes (five words). */
static uint64_t siphash13_key(uint64_t k0, uint64_t k1, const flow_key *key) {
    const uint8_t *in = (const uint8_t *)key;
    uint64_t v0 = k0 ^ UINT64_C(0x736f6d6570736575);
    uint64_t v1 = k1 ^ UINT64_C(0x646f72616e646f6d);
    uint64_t v2 = k0 ^ UINT64_C(0x6c7967656e657261);
    uint64_t v3 = k1 ^ UINT64_C(0x7465646279746573);
    for (size_t i = 0; i < sizeof *key; i += 8) {
        uint64_t m = c2d__ld_u64le(in + i);
        v3 ^= m;
        SIPROUND;
        v0 ^= m;
    }
    uint64_t b = (uint64_t)sizeof *key << 56;
    v3 ^= b;
    SIPROUND;
    v0 ^= b;
    v2 ^= 0xff;
    SIPROUND;
    SIPROUND;
    SIPROUND;
    return v0 ^ v1 ^ v2 ^ v3;
}

static void random_seed(c2d_flowtable *ft) {
    uint64_t s[2] = {0, 0};
    FILE *f = fopen("/dev/urandom", "rb");
    if (f) {
        if (fread(s, 1, sizeof s, f) != sizeof s) s[0] = s[1] = 0;
        fclose(f);
    }
    /* fallback mixing: time, clock and the table's address */
    s[0] ^= (uint64_t)time(NULL) * UINT64_C(0x9e3779b97f4a7c15);
    s[1] ^= (uint64_t)(uintptr_t)ft ^ ((uint64_t)clock() << 32);
    ft->k0 = s[0];
    ft->k1 = s[1];
}

/* ------------------------------------------------------------ settings */

void c2d_flow_settings_default(c2d_flow_settings *s) {
    if (!s) return;
    memset(s, 0, sizeof *s);
    s->size = sizeof *s;
    s->capacity = 65536;
    s->payload_prefix_len = 0;
    s->tcp_idle_timeout_ns = 300 * NS_PER_S;
    s->tcp_closed_timeout_ns = 5 * NS_PER_S;
    s->udp_idle_timeout_ns = 60 * NS_PER_S;
    s->parse_dns = 1;
    s->memory_budget = 0;
    s->at_cap = C2D_FLOW_CAP_EVICT_IDLE;
}

/* Sizes of the 0.1 structs: a caller built against 0.1 passes these. */
#define SETTINGS_V1_SIZE offsetof(c2d_flow_settings, memory_budget)
#define STATS_V1_SIZE offsetof(c2d_flow_stats, evicted_capacity)

c2d_status c2d_flowtable_new(const c2d_flow_settings *settings, const c2d_allocator *alloc,
                             c2d_flowtable **out) {
    if (out) *out = NULL;
    if (!out) return C2D_ERR_INVALID_ARG;
    c2d_flow_settings s;
    c2d_flow_settings_default(&s);
    if (settings) {
        if (settings->size < SETTINGS_V1_SIZE) return C2D_ERR_INVALID_ARG;
        /* fields past the caller's size keep their defaults */
        memcpy(&s, settings, settings->size < sizeof s ? settings->size : sizeof s);
        s.size = sizeof s;
    }
    if (s.capacity == 0 || s.capacity > (1u << 26) || s.payload_prefix_len > 65536u ||
        (s.at_cap != C2D_FLOW_CAP_EVICT_IDLE && s.at_cap != C2D_FLOW_CAP_DROP_NEW))
        return C2D_ERR_INVALID_ARG;
    /* what the entries and index take, checked against the budget before any allocation */
    uint32_t nslots = 2;
    while (nslots < 2u * s.capacity) nslots <<= 1;
    const size_t per_entry = sizeof(flow_entry) + sizeof(lru_link) +
                             (s.payload_prefix_len ? sizeof(uint8_t *) + sizeof(lru_link) : 0);
    const size_t fixed = sizeof(c2d_flowtable) + (size_t)s.capacity * per_entry +
                         (size_t)nslots * sizeof(slot);
    const size_t blk_bytes = ((size_t)s.payload_prefix_len * 2u + 7u) & ~(size_t)7u;
    if (s.memory_budget && (fixed > s.memory_budget ||
                            (blk_bytes && s.memory_budget - fixed < SLAB_HEADER + blk_bytes)))
        return C2D_ERR_LIMIT;
    c2d_allocator a;
    c2d_status st = c2d__allocator_init(&a, alloc);
    if (st != C2D_OK) return st;
    c2d_flowtable *ft = c2d__calloc(&a, 1, sizeof *ft);
    if (!ft) return C2D_ERR_NOMEM;
    ft->alloc = a;
    ft->set = s;
    /* slots: power of two >= 2 * capacity keeps probe runs short */
    ft->mask = nslots - 1;
    ft->entries = c2d__calloc(&a, s.capacity, sizeof *ft->entries);
    ft->lru = c2d__calloc(&a, s.capacity, sizeof *ft->lru);
    ft->slots = c2d__calloc(&a, nslots, sizeof *ft->slots);
    if (!ft->entries || !ft->slots || !ft->lru) {
        c2d_flowtable_free(ft);
        return C2D_ERR_NOMEM;
    }
    ft->plru_head = ft->plru_tail = NIL;
    if (s.payload_prefix_len) {
        ft->blk = c2d__calloc(&a, s.capacity, sizeof *ft->blk);
        ft->plru = c2d__calloc(&a, s.capacity, sizeof *ft->plru);
        if (!ft->blk || !ft->plru) {
            c2d_flowtable_free(ft);
            return C2D_ERR_NOMEM;
        }
        ft->blk_bytes = blk_bytes;
    }
    ft->fixed_bytes = fixed;
    for (uint32_t i = 0; i < s.capacity; i++) ft->lru[i].next = i + 1 < s.capacity ? i + 1 : NIL;
    ft->free_head = 0;
    for (int l = 0; l < N_LISTS; l++) ft->lru_head[l] = ft->lru_tail[l] = NIL;
    if (s.hash_seed[0] == 0 && s.hash_seed[1] == 0) random_seed(ft);
    else {
        ft->k0 = s.hash_seed[0];
        ft->k1 = s.hash_seed[1];
    }
    ft->stats.size = sizeof ft->stats;
    ft->stats.capacity = s.capacity;
    ft->stats.memory_bytes = ft->stats.memory_peak = fixed;
    ft->dns.size = sizeof ft->dns;
    *out = ft;
    return C2D_OK;
}

void c2d_flowtable_free(c2d_flowtable *ft) {
    if (!ft) return;
    c2d_allocator a = ft->alloc;
    c2d__free(&a, ft->entries);
    c2d__free(&a, ft->lru);
    c2d__free(&a, ft->slots);
    c2d__free(&a, ft->blk);
    c2d__free(&a, ft->plru);
    for (prefix_slab *sl = ft->slabs, *next; sl; sl = next) {
        next = sl->next;
        c2d__free(&a, sl);
    }
    c2d__free(&a, ft);
}

void c2d_flowtable_set_session_callback(c2d_flowtable *ft, c2d_session_fn fn, void *user) {
    if (!ft) return;
    ft->on_session = fn;
    ft->session_user = user;
}

void c2d_flowtable_set_dns_callback(c2d_flowtable *ft, c2d_dns_fn fn, void *user) {
    if (!ft) return;
    ft->on_dns = fn;
    ft->dns_user = user;
}

c2d_status c2d_flowtable_stats(const c2d_flowtable *ft, c2d_flow_stats *out) {
    if (!ft || !out || out->size < STATS_V1_SIZE) return C2D_ERR_INVALID_ARG;
    c2d_flow_stats st = ft->stats;
    st.active = ft->count;
    const size_t n = out->size < sizeof st ? out->size : sizeof st;
    st.size = n;
    memcpy(out, &st, n); /* an older caller's smaller struct: only what it knows */
    return C2D_OK;
}

/* ---------------------------------------------------------- local nets */

c2d_status c2d_flowtable_add_local_net(c2d_flowtable *ft, const char *cidr) {
    if (!ft || !cidr) return C2D_ERR_INVALID_ARG;
    char text[64];
    size_t l = strlen(cidr);
    if (l >= sizeof text) return C2D_ERR_MALFORMED;
    memcpy(text, cidr, l + 1);
    char *slash = strchr(text, '/');
    long bits = -1;
    if (slash) {
        *slash = 0;
        char *e = slash + 1;
        if (*e < '0' || *e > '9') return C2D_ERR_MALFORMED;
        bits = 0;
        while (*e >= '0' && *e <= '9' && bits <= 128) bits = bits * 10 + (*e++ - '0');
        if (*e) return C2D_ERR_MALFORMED;
    }
    local_net n;
    if (c2d_addr_parse(text, n.addr) != C2D_OK) return C2D_ERR_MALFORMED;
    bool v4 = strchr(text, ':') == NULL;
    long maxbits = v4 ? 32 : 128;
    if (bits < 0) bits = maxbits;
    if (bits > maxbits) return C2D_ERR_MALFORMED;
    n.prefix = (uint32_t)(v4 ? 96 + bits : bits);
    if (ft->n_nets >= MAX_LOCAL_NETS) return C2D_ERR_LIMIT;
    ft->nets[ft->n_nets++] = n;
    return C2D_OK;
}

static bool prefix_match(const uint8_t *a, const uint8_t *net, uint32_t bits) {
    uint32_t whole = bits / 8, rest = bits % 8;
    if (memcmp(a, net, whole)) return false;
    if (rest == 0) return true;
    uint8_t m = (uint8_t)(0xffu << (8 - rest));
    return (a[whole] & m) == (net[whole] & m);
}

static bool is_local(const c2d_flowtable *ft, const uint8_t a[16]) {
    if (ft->n_nets) {
        for (uint32_t i = 0; i < ft->n_nets; i++)
            if (prefix_match(a, ft->nets[i].addr, ft->nets[i].prefix)) return true;
        return false;
    }
    static const uint8_t mapped[12] = {0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0xff, 0xff};
    if (!memcmp(a, mapped, 12)) {
        const uint8_t *v = a + 12;
        return v[0] == 10 || (v[0] == 172 && (v[1] & 0xf0u) == 16) || (v[0] == 192 && v[1] == 168) ||
               (v[0] == 100 && (v[1] & 0xc0u) == 64) || v[0] == 127 || (v[0] == 169 && v[1] == 254);
    }
    static const uint8_t loop6[16] = {0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 1};
    return (a[0] & 0xfeu) == 0xfc || (a[0] == 0xfe && (a[1] & 0xc0u) == 0x80) || !memcmp(a, loop6, 16);
}

/* ------------------------------------------------------------ sessions */

static c2d_conn_state conn_state_of(const flow_entry *e) {
    uint8_t of = e->dir[0].tcp_flags, rf = e->dir[1].tcp_flags;
    if (e->key.proto != 6) return e->dir[1].pkts ? C2D_CONN_SF : C2D_CONN_S0;
    bool syn = (of & C2D_TCP_SYN) != 0;
    bool synack = (rf & C2D_TCP_SYN) && (rf & C2D_TCP_ACK);
    bool orst = (of & C2D_TCP_RST) != 0, rrst = (rf & C2D_TCP_RST) != 0;
    bool ofin = (of & C2D_TCP_FIN) != 0, rfin = (rf & C2D_TCP_FIN) != 0;
    if (syn && !synack) {
        if (rrst) return C2D_CONN_REJ;
        if (orst) return C2D_CONN_RSTOS0;
        if (ofin) return C2D_CONN_SH;
        return C2D_CONN_S0;
    }
    if (syn && synack) {
        if (orst) return C2D_CONN_RSTO;
        if (rrst) return C2D_CONN_RSTR;
        if (ofin && rfin) return C2D_CONN_SF;
        if (ofin) return C2D_CONN_S2;
        if (rfin) return C2D_CONN_S3;
        return C2D_CONN_S1;
    }
    if (synack) {
        if (rrst) return C2D_CONN_RSTRH;
        if (rfin) return C2D_CONN_SHR;
    }
    return C2D_CONN_OTH;
}

static void fill_dir(const dir_stats *d, uint64_t *pkts, uint64_t *bytes, uint64_t *ipb, uint64_t *dp,
                     uint32_t *mn, uint32_t *mx, double *mean) {
    *pkts = d->pkts;
    *bytes = d->bytes;
    *ipb = d->ip_bytes;
    *dp = d->data_pkts;
    *mn = d->data_pkts ? d->min_payload : 0;
    *mx = d->max_payload;
    *mean = d->data_pkts ? (double)d->bytes / (double)d->data_pkts : 0.0;
}

static void report(c2d_flowtable *ft, uint32_t idx, c2d_end_reason why) {
    flow_entry *e = &ft->entries[idx];
    ft->stats.sessions_ended++;
    if (why == C2D_END_EVICTED) ft->stats.sessions_evicted++;
    if (!ft->on_session) return;
    c2d_session s;
    memset(&s, 0, sizeof s);
    s.size = sizeof s;
    s.ip_version = e->key.ip_version;
    s.proto = e->key.proto;
    bool orig_a = (e->flags & F_ORIG_IS_A) != 0;
    memcpy(s.orig_h, orig_a ? e->key.a_addr : e->key.b_addr, 16);
    memcpy(s.resp_h, orig_a ? e->key.b_addr : e->key.a_addr, 16);
    s.orig_p = orig_a ? e->key.a_port : e->key.b_port;
    s.resp_p = orig_a ? e->key.b_port : e->key.a_port;
    s.orig_tcp_flags = e->dir[0].tcp_flags;
    s.resp_tcp_flags = e->dir[1].tcp_flags;
    s.ts_ns = e->first_ns;
    s.last_ns = e->last_ns;
    s.duration = (double)(e->last_ns - e->first_ns) / 1e9;
    fill_dir(&e->dir[0], &s.orig_pkts, &s.orig_bytes, &s.orig_ip_bytes, &s.orig_data_pkts,
             &s.orig_min_payload, &s.orig_max_payload, &s.orig_mean_payload);
    fill_dir(&e->dir[1], &s.resp_pkts, &s.resp_bytes, &s.resp_ip_bytes, &s.resp_data_pkts,
             &s.resp_min_payload, &s.resp_max_payload, &s.resp_mean_payload);
    s.conn_state = conn_state_of(e);
    s.end_reason = why;
    s.local_orig = is_local(ft, s.orig_h);
    s.local_resp = is_local(ft, s.resp_h);
    uint64_t bytes = s.orig_bytes + s.resp_bytes, dp = s.orig_data_pkts + s.resp_data_pkts;
    s.counted = bytes >= 1;
    s.avg_payload_len = dp ? (double)bytes / (double)dp : 0.0;
    s.in_out_ratio = ((double)s.resp_bytes + 1.0) / ((double)s.orig_bytes + 1.0);
    if (ft->blk && ft->blk[idx]) {
        s.orig_prefix = ft->blk[idx];
        s.resp_prefix = s.orig_prefix + ft->set.payload_prefix_len;
        s.orig_prefix_len = e->dir[0].prefix_len;
        s.resp_prefix_len = e->dir[1].prefix_len;
    }
    ft->on_session(ft->session_user, &s);
}

static void lru_unlink(c2d_flowtable *ft, uint32_t i) {
    lru_link *e = &ft->lru[i];
    unsigned l = ft->entries[i].list;
    if (e->prev != NIL) ft->lru[e->prev].next = e->next;
    else ft->lru_head[l] = e->next;
    if (e->next != NIL) ft->lru[e->next].prev = e->prev;
    else ft->lru_tail[l] = e->prev;
}

static void lru_push_head(c2d_flowtable *ft, uint32_t i, unsigned l) {
    lru_link *e = &ft->lru[i];
    ft->entries[i].list = (uint8_t)l;
    e->prev = NIL;
    e->next = ft->lru_head[l];
    if (ft->lru_head[l] != NIL) ft->lru[ft->lru_head[l]].prev = i;
    ft->lru_head[l] = i;
    if (ft->lru_tail[l] == NIL) ft->lru_tail[l] = i;
}

/* The block-holder list: same shape as the timeout lists, one list. */
static void plru_unlink(c2d_flowtable *ft, uint32_t i) {
    lru_link *e = &ft->plru[i];
    if (e->prev != NIL) ft->plru[e->prev].next = e->next;
    else ft->plru_head = e->next;
    if (e->next != NIL) ft->plru[e->next].prev = e->prev;
    else ft->plru_tail = e->prev;
}

static void plru_push_head(c2d_flowtable *ft, uint32_t i) {
    lru_link *e = &ft->plru[i];
    e->prev = NIL;
    e->next = ft->plru_head;
    if (ft->plru_head != NIL) ft->plru[ft->plru_head].prev = i;
    ft->plru_head = i;
    if (ft->plru_tail == NIL) ft->plru_tail = i;
}

static void block_put(c2d_flowtable *ft, uint8_t *b) {
    memcpy(b, &ft->free_blk, sizeof ft->free_blk);
    ft->free_blk = b;
}

/* A new slab under the budget (cut to what fits): 1 done, 0 the budget has
 * no room, -1 the allocator refused. */
static int slab_grow(c2d_flowtable *ft) {
    size_t n = (SLAB_BYTES - SLAB_HEADER) / ft->blk_bytes;
    if (n == 0) n = 1;
    if (ft->set.memory_budget) {
        const uint64_t used = ft->stats.memory_bytes;
        const uint64_t room = ft->set.memory_budget > used ? ft->set.memory_budget - used : 0;
        if (room < SLAB_HEADER + ft->blk_bytes) return 0;
        if (SLAB_HEADER + n * ft->blk_bytes > room) n = (size_t)((room - SLAB_HEADER) / ft->blk_bytes);
    }
    const size_t bytes = SLAB_HEADER + n * ft->blk_bytes;
    prefix_slab *sl = c2d__alloc(&ft->alloc, bytes);
    if (!sl) {
        ft->stats.prefix_alloc_failed++;
        return -1;
    }
    sl->next = ft->slabs;
    sl->bytes = bytes;
    ft->slabs = sl;
    uint8_t *first = (uint8_t *)sl + SLAB_HEADER;
    for (size_t k = n; k-- > 0;) block_put(ft, first + k * ft->blk_bytes);
    ft->stats.prefix_bytes += bytes;
    ft->stats.memory_bytes += bytes;
    if (ft->stats.memory_bytes > ft->stats.memory_peak) ft->stats.memory_peak = ft->stats.memory_bytes;
    return 1;
}

static void end_entry(c2d_flowtable *ft, uint32_t i, c2d_end_reason why);

/* A prefix block for entry idx: a free one, a new slab, or (evict policy)
 * the block of the idle-longest holder; NULL when the session goes without. */
static uint8_t *block_get(c2d_flowtable *ft, uint32_t idx) {
    if (!ft->free_blk && slab_grow(ft) == 0 && ft->set.at_cap == C2D_FLOW_CAP_EVICT_IDLE &&
        ft->plru_tail != NIL) {
        ft->stats.evicted_memory++;
        end_entry(ft, ft->plru_tail, C2D_END_EVICTED); /* gives its block back */
    }
    uint8_t *b = ft->free_blk;
    if (!b) {
        ft->stats.prefix_dropped++;
        ft->entries[idx].flags |= F_NO_PREFIX;
        return NULL;
    }
    memcpy(&ft->free_blk, b, sizeof ft->free_blk);
    ft->blk[idx] = b;
    plru_push_head(ft, idx);
    return b;
}

/* Remove entry i from the hash (backward-shift deletion), the LRU list, and
 * return it (and its prefix block) to the free lists. */
static void remove_entry(c2d_flowtable *ft, uint32_t i) {
    uint32_t mask = ft->mask;
    uint32_t s = ft->entries[i].hash & mask;
    while (ft->slots[s].idx1 != i + 1) s = (s + 1) & mask;
    /* s is the hole; pull back any later entry of the cluster whose probe run
     * [home, j] includes the hole */
    uint32_t j = s;
    for (;;) {
        j = (j + 1) & mask;
        if (ft->slots[j].idx1 == 0) break;
        uint32_t home = ft->slots[j].hash & mask;
        if (((j - home) & mask) >= ((j - s) & mask)) {
            ft->slots[s] = ft->slots[j];
            s = j;
        }
    }
    ft->slots[s].idx1 = 0;
    ft->slots[s].hash = 0;
    lru_unlink(ft, i);
    if (ft->blk && ft->blk[i]) {
        plru_unlink(ft, i);
        block_put(ft, ft->blk[i]);
        ft->blk[i] = NULL;
    }
    ft->lru[i].next = ft->free_head;
    ft->free_head = i;
    ft->count--;
}

static c2d_end_reason closed_reason(const flow_entry *e) {
    if (e->flags & F_RST) return C2D_END_RST;
    if ((e->flags & (F_FIN_ORIG | F_FIN_RESP)) == (F_FIN_ORIG | F_FIN_RESP)) return C2D_END_FIN;
    return C2D_END_IDLE;
}

static bool is_closed(const flow_entry *e) {
    return (e->flags & F_RST) || (e->flags & (F_FIN_ORIG | F_FIN_RESP)) == (F_FIN_ORIG | F_FIN_RESP);
}

static unsigned list_of(const flow_entry *e) {
    if (e->key.proto != 6) return L_UDP;
    return is_closed(e) ? L_TCP_CLOSED : L_TCP;
}

/* The idle-longest session: the oldest of the three list tails. */
static uint32_t idle_longest(const c2d_flowtable *ft) {
    uint32_t best = NIL;
    for (int l = 0; l < N_LISTS; l++) {
        uint32_t t = ft->lru_tail[l];
        if (t != NIL && (best == NIL || ft->entries[t].last_ns < ft->entries[best].last_ns)) best = t;
    }
    return best;
}

static uint64_t timeout_of(const c2d_flowtable *ft, const flow_entry *e) {
    if (e->key.proto != 6) return ft->set.udp_idle_timeout_ns;
    return is_closed(e) ? ft->set.tcp_closed_timeout_ns : ft->set.tcp_idle_timeout_ns;
}

static void end_entry(c2d_flowtable *ft, uint32_t i, c2d_end_reason why) {
    report(ft, i, why);
    remove_entry(ft, i);
}

/* ----------------------------------------------------------- accumulate */

static void accumulate(c2d_flowtable *ft, uint32_t idx, const c2d_packet *p, int dir) {
    flow_entry *e = &ft->entries[idx];
    dir_stats *d = &e->dir[dir];
    d->pkts++;
    d->ip_bytes += p->ip_bytes;
    uint32_t pl = p->payload_len;
    if (pl) {
        d->bytes += pl;
        if (d->data_pkts == 0 || pl < d->min_payload) d->min_payload = pl;
        if (pl > d->max_payload) d->max_payload = pl;
        d->data_pkts++;
        uint32_t cap = ft->set.payload_prefix_len;
        if (cap && d->prefix_len < cap && p->payload_caplen && p->payload &&
            !(e->flags & F_NO_PREFIX)) {
            uint8_t *b = ft->blk[idx] ? ft->blk[idx] : block_get(ft, idx);
            if (b) {
                uint32_t take = cap - d->prefix_len;
                if (take > p->payload_caplen) take = p->payload_caplen;
                memcpy(b + (size_t)dir * cap + d->prefix_len, p->payload, take);
                d->prefix_len += take;
            }
        }
    }
    if (p->ip_proto == 6) {
        d->tcp_flags |= p->tcp_flags;
        if (p->tcp_flags & C2D_TCP_RST) e->flags |= F_RST;
        if (p->tcp_flags & C2D_TCP_FIN) e->flags |= dir == 0 ? F_FIN_ORIG : F_FIN_RESP;
    }
    if (p->ts_ns > e->last_ns) e->last_ns = p->ts_ns;
    unsigned l = list_of(e);
    if (l != e->list || ft->lru_head[l] != idx) {
        lru_unlink(ft, idx);
        lru_push_head(ft, idx, l);
    }
    if (ft->blk && ft->blk[idx] && ft->plru_head != idx) {
        plru_unlink(ft, idx);
        plru_push_head(ft, idx);
    }
}

static void dns_event(c2d_flowtable *ft, const c2d_packet *p) {
    const uint8_t *msg = p->payload;
    size_t len = p->payload_caplen;
    if (p->ip_proto == 6) {
        /* TCP: only a message whose 2-byte length prefix and body fit in this segment */
        if (len < 2) return;
        size_t mlen = c2d__ld_u16be(msg);
        if (mlen > len - 2) return;
        msg += 2;
        len = mlen;
    }
    if (c2d_dns_parse(msg, len, &ft->dns) != C2D_OK) {
        ft->stats.dns_errors++;
        return;
    }
    ft->stats.dns_messages++;
    if (!ft->on_dns) return;
    c2d_dns_event ev;
    memset(&ev, 0, sizeof ev);
    ev.size = sizeof ev;
    ev.ts_ns = p->ts_ns;
    ev.ip_version = p->ip_version;
    ev.transport = p->ip_proto;
    bool server_is_dst = p->dst_port == 53;
    memcpy(ev.client_addr, server_is_dst ? p->src_addr : p->dst_addr, 16);
    memcpy(ev.server_addr, server_is_dst ? p->dst_addr : p->src_addr, 16);
    ev.client_port = server_is_dst ? p->src_port : p->dst_port;
    ev.message = &ft->dns;
    ft->on_dns(ft->dns_user, &ev);
}

static inline void make_key(const c2d_packet *p, flow_key *k, int *src_is_a) {
    int c = memcmp(p->src_addr, p->dst_addr, 16);
    if (c == 0) c = (p->src_port > p->dst_port) - (p->src_port < p->dst_port);
    *src_is_a = c <= 0;
    memcpy(k->a_addr, *src_is_a ? p->src_addr : p->dst_addr, 16);
    memcpy(k->b_addr, *src_is_a ? p->dst_addr : p->src_addr, 16);
    k->a_port = *src_is_a ? p->src_port : p->dst_port;
    k->b_port = *src_is_a ? p->dst_port : p->src_port;
    k->proto = p->ip_proto;
    k->ip_version = p->ip_version;
    k->pad[0] = k->pad[1] = 0;
}

static inline bool key_eq(const flow_key *x, const flow_key *y) {
    uint64_t d = 0;
    const uint8_t *a = (const uint8_t *)x, *b = (const uint8_t *)y;
    for (size_t i = 0; i < sizeof *x; i += 8) {
        uint64_t u, v;
        memcpy(&u, a + i, 8);
        memcpy(&v, b + i, 8);
        d |= u ^ v;
    }
    return d == 0;
}

static void add_keyed(c2d_flowtable *ft, const c2d_packet *p, const flow_key *k, uint32_t h, int src_is_a) {
    uint32_t mask = ft->mask;
    uint32_t s = h & mask;
    uint32_t idx = NIL;
    while (ft->slots[s].idx1 != 0) {
        if (ft->slots[s].hash == h && key_eq(&ft->entries[ft->slots[s].idx1 - 1].key, k)) {
            idx = ft->slots[s].idx1 - 1;
            break;
        }
        s = (s + 1) & mask;
    }
    bool pure_syn = p->ip_proto == 6 && (p->tcp_flags & (C2D_TCP_SYN | C2D_TCP_ACK)) == C2D_TCP_SYN;
    if (idx != NIL) {
        flow_entry *e = &ft->entries[idx];
        bool timed_out = p->ts_ns > e->last_ns && p->ts_ns - e->last_ns > timeout_of(ft, e);
        /* a new SYN on a closed tuple is a new connection (port reuse) */
        bool reused = pure_syn && is_closed(e);
        if (timed_out || reused) {
            end_entry(ft, idx, is_closed(e) ? closed_reason(e) : C2D_END_IDLE);
            idx = NIL;
        }
    }
    if (idx == NIL && ft->count == ft->set.capacity) {
        if (ft->set.at_cap == C2D_FLOW_CAP_DROP_NEW) {
            ft->stats.dropped_packets++;
            goto dns;
        }
        ft->stats.evicted_capacity++;
        end_entry(ft, idle_longest(ft), C2D_END_EVICTED);
    }
    if (idx == NIL) {
        idx = ft->free_head;
        flow_entry *e = &ft->entries[idx];
        ft->free_head = ft->lru[idx].next;
        memset(e, 0, sizeof *e);
        e->key = *k;
        e->hash = h;
        e->first_ns = e->last_ns = p->ts_ns;
        /* the originator is the sender, except for a SYN-ACK seen first */
        bool synack = p->ip_proto == 6 && (p->tcp_flags & (C2D_TCP_SYN | C2D_TCP_ACK)) ==
                                               (C2D_TCP_SYN | C2D_TCP_ACK);
        bool orig_is_src = !synack;
        if ((orig_is_src && src_is_a) || (!orig_is_src && !src_is_a)) e->flags |= F_ORIG_IS_A;
        /* insert into the first empty slot of the probe run */
        s = h & mask;
        while (ft->slots[s].idx1 != 0) s = (s + 1) & mask;
        ft->slots[s].hash = h;
        ft->slots[s].idx1 = idx + 1;
        lru_push_head(ft, idx, p->ip_proto == 6 ? L_TCP : L_UDP);
        ft->count++;
        ft->stats.sessions_started++;
    }
    flow_entry *e = &ft->entries[idx];
    int dir = ((e->flags & F_ORIG_IS_A) != 0) == (src_is_a != 0) ? 0 : 1;
    accumulate(ft, idx, p, dir);
    ft->stats.packets++;
dns:
    if (ft->set.parse_dns && p->payload_caplen && p->payload && (p->src_port == 53 || p->dst_port == 53))
        dns_event(ft, p);
}

c2d_status c2d_flowtable_add_packet(c2d_flowtable *ft, const c2d_packet *p) {
    if (!ft || !p || p->size < sizeof *p) return C2D_ERR_INVALID_ARG;
    if (p->ip_proto != 6 && p->ip_proto != 17) {
        ft->stats.not_tcp_udp++;
        return C2D_ERR_PKT_UNSUPPORTED;
    }
    flow_key k;
    int src_is_a;
    make_key(p, &k, &src_is_a);
    add_keyed(ft, p, &k, (uint32_t)siphash13_key(ft->k0, ft->k1, &k), src_is_a);
    return C2D_OK;
}

#if defined(__GNUC__) || defined(__clang__)
#  define C2D_PREFETCH(p) __builtin_prefetch(p)
#else
#  define C2D_PREFETCH(p) ((void)(p))
#endif

/* Software pipeline: packet i+AHEAD is hashed and its slot prefetched, packet
 * i+AHEAD/2 has its entry prefetched (from what the slot holds now: a hint
 * only), packet i is processed with a full lookup. */
#define AHEAD 16

typedef struct pending {
    flow_key key;
    uint32_t hash;
    int src_is_a;
    int ok;
} pending;

static inline void prep(c2d_flowtable *ft, const c2d_packet *p, pending *q) {
    q->ok = p->size >= sizeof *p && (p->ip_proto == 6 || p->ip_proto == 17);
    if (!q->ok) return;
    make_key(p, &q->key, &q->src_is_a);
    q->hash = (uint32_t)siphash13_key(ft->k0, ft->k1, &q->key);
    C2D_PREFETCH(&ft->slots[q->hash & ft->mask]);
}

c2d_status c2d_flowtable_add_packets(c2d_flowtable *ft, const c2d_packet *pkts, size_t n, size_t *n_added) {
    if (n_added) *n_added = 0;
    if (!ft || (!pkts && n)) return C2D_ERR_INVALID_ARG;
    size_t added = 0;
    pending ring[AHEAD];
    for (size_t j = 0; j < n && j < AHEAD; j++) prep(ft, &pkts[j], &ring[j]);
    for (size_t i = 0; i < n; i++) {
        if (i + AHEAD / 2 < n) {
            const pending *q = &ring[(i + AHEAD / 2) % AHEAD];
            if (q->ok) {
                uint32_t i1 = ft->slots[q->hash & ft->mask].idx1;
                if (i1) {
                    const char *e = (const char *)&ft->entries[i1 - 1];
                    C2D_PREFETCH(e);
                    C2D_PREFETCH(e + 64);
                    C2D_PREFETCH(e + sizeof(flow_entry) - 1);
                }
            }
        }
        pending *q = &ring[i % AHEAD];
        const c2d_packet *p = &pkts[i];
        if (q->ok) {
            add_keyed(ft, p, &q->key, q->hash, q->src_is_a);
            added++;
        } else if (p->size >= sizeof *p) {
            ft->stats.not_tcp_udp++;
        }
        if (i + AHEAD < n) prep(ft, &pkts[i + AHEAD], q);
    }
    if (n_added) *n_added = added;
    return C2D_OK;
}

c2d_status c2d_flowtable_add_frame(c2d_flowtable *ft, const c2d_frame *f) {
    if (!ft || !f || f->size < sizeof *f) return C2D_ERR_INVALID_ARG;
    ft->stats.frames++;
    c2d_packet p;
    p.size = sizeof p;
    c2d_status st = c2d_packet_decode(f->linktype, f->data, f->caplen, f->ts_ns, &p);
    switch (st) {
    case C2D_OK: return c2d_flowtable_add_packet(ft, &p);
    case C2D_ERR_PKT_TRUNCATED: ft->stats.truncated++; break;
    case C2D_ERR_PKT_MALFORMED: ft->stats.malformed++; break;
    case C2D_ERR_PKT_UNSUPPORTED: ft->stats.unsupported++; break;
    case C2D_ERR_PKT_FRAGMENT: ft->stats.fragments++; break;
    default: break;
    }
    return st;
}

void c2d_flowtable_expire(c2d_flowtable *ft, uint64_t now) {
    if (!ft) return;
    const uint64_t timeouts[N_LISTS] = {ft->set.tcp_idle_timeout_ns, ft->set.tcp_closed_timeout_ns,
                                        ft->set.udp_idle_timeout_ns};
    for (int l = 0; l < N_LISTS; l++) {
        uint32_t i = ft->lru_tail[l];
        while (i != NIL) {
            const flow_entry *e = &ft->entries[i];
            /* entries ahead in a list are more recent: none of them can expire */
            if (e->last_ns >= now || now - e->last_ns <= timeouts[l]) break;
            uint32_t prev = ft->lru[i].prev;
            end_entry(ft, i, l == L_TCP_CLOSED ? closed_reason(e) : C2D_END_IDLE);
            i = prev;
        }
    }
}

void c2d_flowtable_flush(c2d_flowtable *ft) {
    if (!ft) return;
    uint32_t i;
    while ((i = idle_longest(ft)) != NIL)
        end_entry(ft, i, is_closed(&ft->entries[i]) ? closed_reason(&ft->entries[i]) : C2D_END_FLUSH);
}

/* --------------------------------------------------------------- rules */

void c2d_session_rules_default(c2d_session_rules *r) {
    if (!r) return;
    r->size = sizeof *r;
    r->c2_max_avg_payload = 100.0;
    r->c2_max_imbalance = 4.0;
    r->download_min_ratio = 10.0;
    r->upload_min_ratio = 10.0;
}

c2d_status c2d_session_classify(const c2d_session *s, const c2d_session_rules *rules, c2d_session_class *out) {
    if (!s || !out || s->size < sizeof *s) return C2D_ERR_INVALID_ARG;
    c2d_session_rules r;
    c2d_session_rules_default(&r);
    if (rules) {
        if (rules->size < sizeof r) return C2D_ERR_INVALID_ARG;
        r = *rules;
    }
    if (!s->counted) {
        *out = C2D_SESSION_NOT_COUNTED;
        return C2D_OK;
    }
    if (!s->local_orig && s->local_resp) {
        *out = C2D_SESSION_INBOUND;
        return C2D_OK;
    }
    double ratio = s->in_out_ratio; /* (in + 1) / (out + 1) */
    double imbalance = ratio >= 1.0 ? ratio : 1.0 / ratio;
    if (s->avg_payload_len <= r.c2_max_avg_payload && imbalance <= r.c2_max_imbalance)
        *out = C2D_SESSION_C2_CANDIDATE;
    else if (s->avg_payload_len > r.c2_max_avg_payload && ratio >= r.download_min_ratio)
        *out = C2D_SESSION_DOWNLOAD;
    else if (1.0 / ratio >= r.upload_min_ratio)
        *out = C2D_SESSION_UPLOAD;
    else
        *out = C2D_SESSION_OTHER;
    return C2D_OK;
}

const char *c2d_session_class_name(c2d_session_class c) {
    static const char *const names[] = {"not_counted", "inbound", "c2_candidate", "download", "upload", "other"};
    return (unsigned)c < sizeof names / sizeof names[0] ? names[c] : "unknown";
}

const char *c2d_conn_state_name(c2d_conn_state s) {
    static const char *const names[] = {"S0", "S1", "SF", "REJ", "S2", "S3", "RSTO",
                                        "RSTR", "RSTOS0", "RSTRH", "SH", "SHR", "OTH"};
    return (unsigned)s < sizeof names / sizeof names[0] ? names[s] : "unknown";
}

const char *c2d_end_reason_name(c2d_end_reason r) {
    static const char *const names[] = {"idle", "fin", "rst", "evicted", "flush"};
    return (unsigned)r < sizeof names / sizeof names[0] ? names[r] : "unknown";
}
