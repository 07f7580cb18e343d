/* The host engine's state and inputs: hosts and (host, destination) pairs in
 * budget-counted pools with open-addressing indexes, the address -> name map
 * from DNS answers, and what each input (session, DNS, HTTP) adds. Fusion and
 * the report are in report.c; the beacon statistic in beacon.c. */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "c2detect/http.h"
#include "hosts/hosts_internal.h"

/* ------------------------------------------------------------- hashing */
static uint64_t mix64(uint64_t x) {
    x ^= x >> 33;
    x *= 0xff51afd7ed558ccdull;
    x ^= x >> 33;
    x *= 0xc4ceb9fe1a85ec53ull;
    x ^= x >> 33;
    return x;
}

static uint64_t hash_bytes(const void *p, size_t n, uint64_t seed) {
    const uint8_t *b = p;
    uint64_t h = 1469598103934665603ull ^ seed;
    for (size_t i = 0; i < n; i++) h = (h ^ b[i]) * 1099511628211ull;
    return mix64(h);
}

static uint64_t next_random(c2d_hosts *h) {
    h->rng += 0x9e3779b97f4a7c15ull;
    return mix64(h->rng);
}

/* -------------------------------------------------------------- memory */
void *c2d__hosts_mem(c2d_hosts *h, size_t n) {
    if (n > h->cfg.memory_budget || h->memory > h->cfg.memory_budget - n) return NULL;
    void *p = c2d__calloc(&h->alloc, 1, n);
    if (p) h->memory += n;
    return p;
}

void c2d__hosts_unmem(c2d_hosts *h, void *p, size_t n) {
    if (!p) return;
    c2d__free(&h->alloc, p);
    h->memory -= n;
}

/* --------------------------------------------------------------- pools */
static void *pool_at(const c2d__pool *p, uint32_t id) {
    return (char *)p->chunks[id / C2D__HOSTS_CHUNK] + (size_t)(id % C2D__HOSTS_CHUNK) * p->rec_size;
}

static c2d_status pool_init(c2d_hosts *h, c2d__pool *p, size_t rec_size, uint32_t max_records) {
    p->rec_size = rec_size;
    p->max_chunks = (max_records + C2D__HOSTS_CHUNK - 1) / C2D__HOSTS_CHUNK;
    if (p->max_chunks == 0) p->max_chunks = 1;
    if (p->max_chunks > C2D__HOSTS_MAX_CHUNKS) p->max_chunks = C2D__HOSTS_MAX_CHUNKS;
    p->chunks = c2d__hosts_mem(h, p->max_chunks * sizeof *p->chunks);
    p->free_head = C2D__HOSTS_NONE;
    return p->chunks ? C2D_OK : C2D_ERR_NOMEM;
}

static void pool_release(c2d_hosts *h, c2d__pool *p) {
    if (!p->chunks) return;
    for (uint32_t i = 0; i < p->n_chunks; i++) c2d__hosts_unmem(h, p->chunks[i], C2D__HOSTS_CHUNK * p->rec_size);
    c2d__hosts_unmem(h, p->chunks, p->max_chunks * sizeof *p->chunks);
    p->chunks = NULL;
}

/* A zeroed record id, or NONE when the pool is at its cap or the budget. */
static uint32_t pool_take(c2d_hosts *h, c2d__pool *p) {
    uint32_t id;
    if (p->free_head != C2D__HOSTS_NONE) {
        id = p->free_head;
        memcpy(&p->free_head, pool_at(p, id), sizeof p->free_head);
    } else {
        if (p->used == p->n_chunks * C2D__HOSTS_CHUNK) {
            if (p->n_chunks == p->max_chunks) return C2D__HOSTS_NONE;
            void *c = c2d__hosts_mem(h, C2D__HOSTS_CHUNK * p->rec_size);
            if (!c) return C2D__HOSTS_NONE;
            p->chunks[p->n_chunks++] = c;
        }
        id = p->used++;
    }
    memset(pool_at(p, id), 0, p->rec_size);
    p->live++;
    return id;
}

static void pool_give(c2d__pool *p, uint32_t id) {
    void *r = pool_at(p, id);
    memset(r, 0, p->rec_size);
    memcpy(r, &p->free_head, sizeof p->free_head);
    p->free_head = id;
    p->live--;
}

c2d__host *c2d__hosts_host_at(const c2d_hosts *h, uint32_t id) { return pool_at(&h->hosts, id); }
c2d__pair *c2d__hosts_pair_at(const c2d_hosts *h, uint32_t id) { return pool_at(&h->pairs, id); }

/* -------------------------------------------------------------- indexes */
static c2d_status index_init(c2d_hosts *h, c2d__index *ix, uint32_t cap) {
    ix->slots = c2d__hosts_mem(h, (size_t)cap * sizeof *ix->slots);
    ix->mask = cap - 1;
    ix->count = 0;
    return ix->slots ? C2D_OK : C2D_ERR_NOMEM;
}

/* Grow to twice the size when 3/4 full; false when the budget refuses (the
 * index keeps working, only fuller). */
typedef uint64_t (*key_hash_fn)(const c2d_hosts *h, uint32_t id);

static bool index_grow(c2d_hosts *h, c2d__index *ix, key_hash_fn kh, uint32_t max_cap) {
    uint32_t cap = ix->mask + 1;
    if (cap >= max_cap) return false;
    uint32_t ncap = cap * 2;
    uint32_t *ns = c2d__hosts_mem(h, (size_t)ncap * sizeof *ns);
    if (!ns) return false;
    for (uint32_t i = 0; i < cap; i++) {
        uint32_t v = ix->slots[i];
        if (!v) continue;
        uint32_t j = (uint32_t)kh(h, v - 1) & (ncap - 1);
        while (ns[j]) j = (j + 1) & (ncap - 1);
        ns[j] = v;
    }
    c2d__hosts_unmem(h, ix->slots, (size_t)cap * sizeof *ix->slots);
    ix->slots = ns;
    ix->mask = ncap - 1;
    return true;
}

static void index_remove(c2d_hosts *h, c2d__index *ix, uint32_t id, key_hash_fn kh) {
    uint32_t i = (uint32_t)kh(h, id) & ix->mask;
    while (ix->slots[i] && ix->slots[i] != id + 1) i = (i + 1) & ix->mask;
    if (!ix->slots[i]) return;
    ix->slots[i] = 0;
    ix->count--;
    /* backward-shift: move later members of the run into the hole when their home allows */
    uint32_t hole = i;
    for (uint32_t j = (i + 1) & ix->mask; ix->slots[j]; j = (j + 1) & ix->mask) {
        uint32_t home = (uint32_t)kh(h, ix->slots[j] - 1) & ix->mask;
        bool movable = hole <= j ? (home <= hole || home > j) : (home <= hole && home > j);
        if (movable) {
            ix->slots[hole] = ix->slots[j];
            ix->slots[j] = 0;
            hole = j;
        }
    }
}

static uint64_t host_key_hash(const c2d_hosts *h, uint32_t id) {
    return hash_bytes(c2d__hosts_host_at(h, id)->addr, 16, 0);
}

static uint64_t pair_key_hash(const c2d_hosts *h, uint32_t id) {
    return c2d__hosts_pair_at(h, id)->key_hash;
}

static uint64_t pair_hash(uint32_t host, int by_name, const uint8_t addr[16], const char *name,
                          uint16_t port) {
    uint64_t seed = (uint64_t)host << 20 ^ (uint64_t)port << 1 ^ (uint64_t)by_name;
    return by_name ? hash_bytes(name, strlen(name), seed) : hash_bytes(addr, 16, seed);
}

/* --------------------------------------------------------------- config */
void c2d_hosts_config_default(c2d_hosts_config *c) {
    if (!c) return;
    memset(c, 0, sizeof *c);
    c->size = sizeof *c;
    c->max_hosts = 65536;
    c->max_pairs_per_host = 512;
    c->memory_budget = (size_t)256 << 20;
    c->window_ns = 24ull * 3600 * 1000000000ull;
    c->beacon_min_attempts = 8;
    c->beacon_merge_ns = 1000000000ull;
    c->beacon_threshold = 0.80;
    c->fanout_min_destinations = 64;
    c->fanout_window_ns = 300ull * 1000000000ull;
    c->dga_min_names = 3;
    c->nxdomain_min = 20;
    c->nxdomain_window_ns = 600ull * 1000000000ull;
    c->alert_threshold = c2d__hosts_alert_threshold;
    c->suspicious_threshold = c2d__hosts_suspicious_threshold;
    c->builtin_models = 1;
    c->new_domain_days = 30;
}

static bool config_ok(const c2d_hosts_config *c) {
    if (c->size < sizeof *c) return false;
    if (c->max_hosts == 0 || c->max_hosts > (1u << 24)) return false;
    if (c->max_pairs_per_host == 0 || c->max_pairs_per_host > (1u << 20)) return false;
    if (c->window_ns == 0 || c->beacon_merge_ns > 3600ull * 1000000000ull) return false;
    if (c->beacon_min_attempts < 3 || c->beacon_min_attempts > C2D__HOSTS_RING) return false;
    if (c->fanout_min_destinations == 0 || c->fanout_window_ns == 0) return false;
    if (c->dga_min_names == 0 || c->nxdomain_min == 0 || c->nxdomain_window_ns == 0) return false;
    if (!(c->beacon_threshold >= 0 && c->beacon_threshold <= 1)) return false;
    if (!(c->alert_threshold >= 0 && c->alert_threshold <= 1)) return false;
    if (!(c->suspicious_threshold >= 0 && c->suspicious_threshold <= c->alert_threshold)) return false;
    if (c->new_domain_days == 0 || c->new_domain_days > 36500) return false;
    return true;
}

void c2d_hosts_free(c2d_hosts *h) {
    if (!h) return;
    c2d_allocator a = h->alloc;
    c2d__hosts_drop_ranking(h);
    for (uint32_t i = 0; i < h->hosts.used; i++) {
        c2d__host *x = c2d__hosts_host_at(h, i);
        if (!x->used) continue;
        if (x->ioc) c2d__hosts_unmem(h, x->ioc, C2D__HOSTS_IOC_HITS * sizeof *x->ioc);
        if (x->names) c2d__hosts_unmem(h, x->names, sizeof *x->names);
        if (x->fan) c2d__hosts_unmem(h, x->fan, sizeof *x->fan);
        if (x->http) c2d__hosts_unmem(h, x->http, sizeof *x->http);
        if (x->tls) c2d__hosts_unmem(h, x->tls, sizeof *x->tls);
        if (x->newdom) c2d__hosts_unmem(h, x->newdom, sizeof *x->newdom);
    }
    pool_release(h, &h->hosts);
    pool_release(h, &h->pairs);
    c2d__hosts_unmem(h, h->host_index.slots, (size_t)(h->host_index.mask + 1) * sizeof(uint32_t));
    c2d__hosts_unmem(h, h->pair_index.slots, (size_t)(h->pair_index.mask + 1) * sizeof(uint32_t));
    c2d__hosts_unmem(h, h->dns, (size_t)(h->dns_mask + 1) * sizeof *h->dns);
    c2d__hosts_unmem(h, h->dga_cache, (size_t)(h->dga_cache_mask + 1) * sizeof *h->dga_cache);
    if (h->regdates) c2d__hosts_unmem(h, h->regdates, (size_t)(h->regdates_mask + 1) * sizeof *h->regdates);
    if (h->allow) c2d__free(&a, h->allow);
    c2d_dga_ensemble_free(h->own_dga);
    c2d_model_free(h->own_http);
    c2d__free(&a, h);
}

c2d_status c2d_hosts_new(const c2d_hosts_config *config, const c2d_allocator *alloc, c2d_hosts **out) {
    if (!out) return C2D_ERR_INVALID_ARG;
    *out = NULL;
    c2d_hosts_config def;
    if (!config) {
        c2d_hosts_config_default(&def);
        config = &def;
    }
    if (!config_ok(config)) return C2D_ERR_INVALID_ARG;
    if (config->memory_budget < ((size_t)1 << 20)) return C2D_ERR_LIMIT;
    c2d_allocator a;
    c2d_status st = c2d__allocator_init(&a, alloc);
    if (st != C2D_OK) return st;
    c2d_hosts *h = c2d__calloc(&a, 1, sizeof *h);
    if (!h) return C2D_ERR_NOMEM;
    h->alloc = a;
    h->cfg = *config;
    h->cfg.size = sizeof h->cfg;
    h->rng = 0x2545f4914f6cdd1dull;
    c2d_session_rules_default(&h->rules);
    h->stats.size = sizeof h->stats;
    h->dga = config->dga;
    h->http = config->http;
    if (config->builtin_models) {
        if (!h->dga) {
            if ((st = c2d_dga_ensemble_builtin(alloc, &h->own_dga)) != C2D_OK) goto fail;
            h->dga = h->own_dga;
        }
        if (!h->http) {
            if ((st = c2d_model_builtin("http", alloc, &h->own_http)) != C2D_OK) goto fail;
            h->http = h->own_http;
        }
    }
    if (h->http && (st = c2d_http_threshold(h->http, &h->http_threshold)) != C2D_OK) goto fail;
    uint32_t max_pairs = (uint32_t)(config->memory_budget / sizeof(c2d__pair));
    st = C2D_ERR_NOMEM;
    if (pool_init(h, &h->hosts, sizeof(c2d__host), config->max_hosts) != C2D_OK) goto fail;
    if (pool_init(h, &h->pairs, sizeof(c2d__pair), max_pairs) != C2D_OK) goto fail;
    if (index_init(h, &h->host_index, 1024) != C2D_OK) goto fail;
    if (index_init(h, &h->pair_index, 4096) != C2D_OK) goto fail;
    h->dns_mask = 4095;
    if (!(h->dns = c2d__hosts_mem(h, (size_t)(h->dns_mask + 1) * sizeof *h->dns))) goto fail;
    h->dga_cache_mask = 8191;
    if (!(h->dga_cache = c2d__hosts_mem(h, (size_t)(h->dga_cache_mask + 1) * sizeof *h->dga_cache))) goto fail;
    *out = h;
    return C2D_OK;
fail:
    c2d_hosts_free(h);
    return st;
}

/* ----------------------------------------------------------- local nets */
bool c2d__hosts_prefix_match(const uint8_t *a, const uint8_t *net, uint32_t bits) {
    uint32_t whole = bits / 8, rest = bits % 8;
    if (memcmp(a, net, whole)) return false;
    if (rest == 0) return true;
    uint8_t m = (uint8_t)(0xffu << (8 - rest));
    return (a[whole] & m) == (net[whole] & m);
}

static bool is_mapped(const uint8_t a[16]) {
    static const uint8_t mapped[12] = {0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0xff, 0xff};
    return !memcmp(a, mapped, 12);
}

bool c2d__hosts_is_local(const c2d_hosts *h, const uint8_t a[16]) {
    if (h->n_nets) {
        for (uint32_t i = 0; i < h->n_nets; i++)
            if (c2d__hosts_prefix_match(a, h->nets[i].addr, h->nets[i].prefix)) return true;
        return false;
    }
    if (is_mapped(a)) {
        const uint8_t *v = a + 12;
        return v[0] == 10 || (v[0] == 172 && (v[1] & 0xf0u) == 16) || (v[0] == 192 && v[1] == 168) ||
               (v[0] == 100 && (v[1] & 0xc0u) == 64) || (v[0] == 169 && v[1] == 254);
    }
    return (a[0] & 0xfeu) == 0xfc || (a[0] == 0xfe && (a[1] & 0xc0u) == 0x80);
}

/* Multicast (224/4, ff00::/8) and the limited broadcast address. */
static bool is_group(const uint8_t a[16]) {
    if (is_mapped(a)) return (a[12] & 0xf0u) == 0xe0u || (a[12] == 255 && a[13] == 255 && a[14] == 255 && a[15] == 255);
    return a[0] == 0xff;
}

/* "addr[/bits]" -> 16-byte address and prefix over the 16 bytes. */
static c2d_status parse_cidr(const char *cidr, uint8_t addr[16], uint32_t *prefix) {
    char text[64];
    size_t l = strlen(cidr);
    if (l == 0 || l >= sizeof text) return C2D_ERR_MALFORMED;
    memcpy(text, cidr, l + 1);
    char *slash = strchr(text, '/');
    long bits = -1;
    if (slash) {
        *slash = 0;
        const char *e = slash + 1;
        if (*e < '0' || *e > '9') return C2D_ERR_MALFORMED;
        bits = 0;
        while (*e >= '0' && *e <= '9' && bits <= 128) bits = bits * 10 + (*e++ - '0');
        if (*e) return C2D_ERR_MALFORMED;
    }
    if (c2d_addr_parse(text, addr) != C2D_OK) return C2D_ERR_MALFORMED;
    bool v4 = strchr(text, ':') == NULL;
    long maxbits = v4 ? 32 : 128;
    if (bits < 0) bits = maxbits;
    if (bits > maxbits) return C2D_ERR_MALFORMED;
    *prefix = (uint32_t)(v4 ? 96 + bits : bits);
    return C2D_OK;
}

c2d_status c2d_hosts_add_local_net(c2d_hosts *h, const char *cidr) {
    if (!h || !cidr) return C2D_ERR_INVALID_ARG;
    c2d__local_net n;
    c2d_status st = parse_cidr(cidr, n.addr, &n.prefix);
    if (st != C2D_OK) return st;
    if (h->n_nets >= C2D__HOSTS_MAX_LOCAL) return C2D_ERR_LIMIT;
    h->nets[h->n_nets++] = n;
    return C2D_OK;
}

/* ----------------------------------------------------------- allow-list */
static bool name_ok(const char *s) {
    size_t n = strlen(s);
    if (n == 0 || n > 253) return false;
    for (size_t i = 0; i < n; i++) {
        unsigned char c = (unsigned char)s[i];
        if (!((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '-' ||
              c == '_' || c == '.'))
            return false;
        if (c == '.' && (i == 0 || s[i - 1] == '.')) return false;
    }
    return true;
}

c2d_status c2d_hosts_allow(c2d_hosts *h, const char *pattern) {
    if (!h || !pattern) return C2D_ERR_INVALID_ARG;
    c2d__allow e;
    memset(&e, 0, sizeof e);
    if (parse_cidr(pattern, e.addr, &e.prefix) == C2D_OK) {
        e.is_addr = 1;
    } else {
        const char *p = pattern;
        if (p[0] == '*' && p[1] == '.') p += 2;
        size_t n = strlen(p);
        while (n > 0 && p[n - 1] == '.') n--;
        if (n == 0 || n >= sizeof e.name) return C2D_ERR_MALFORMED;
        for (size_t i = 0; i < n; i++) e.name[i] = (char)((p[i] >= 'A' && p[i] <= 'Z') ? p[i] + 32 : p[i]);
        e.name[n] = 0;
        if (!name_ok(e.name)) return C2D_ERR_MALFORMED;
    }
    if (h->n_allow == h->cap_allow) {
        if (h->cap_allow >= 65536) return C2D_ERR_LIMIT;
        uint32_t ncap = h->cap_allow ? h->cap_allow * 2 : 16;
        c2d__allow *na = c2d__alloc(&h->alloc, ncap * sizeof *na);
        if (!na) return C2D_ERR_NOMEM;
        if (h->n_allow) memcpy(na, h->allow, h->n_allow * sizeof *na);
        if (h->allow) c2d__free(&h->alloc, h->allow);
        h->allow = na;
        h->cap_allow = ncap;
    }
    h->allow[h->n_allow++] = e;
    h->ranked_valid = 0;
    return C2D_OK;
}

/* ---------------------------------------------------------- host records */
static void free_pair(c2d_hosts *h, uint32_t pid) {
    c2d__pair *p = c2d__hosts_pair_at(h, pid);
    c2d__host *x = c2d__hosts_host_at(h, p->host);
    if (p->prev != C2D__HOSTS_NONE) c2d__hosts_pair_at(h, p->prev)->next = p->next;
    else x->pairs_head = p->next;
    if (p->next != C2D__HOSTS_NONE) c2d__hosts_pair_at(h, p->next)->prev = p->prev;
    else x->pairs_tail = p->prev;
    x->n_pairs--;
    index_remove(h, &h->pair_index, pid, pair_key_hash);
    pool_give(&h->pairs, pid);
    h->stats.pairs_tracked--;
}

static void free_host(c2d_hosts *h, uint32_t hid) {
    c2d__host *x = c2d__hosts_host_at(h, hid);
    while (x->pairs_head != C2D__HOSTS_NONE) {
        free_pair(h, x->pairs_head);
        h->stats.pairs_with_host++;
    }
    if (x->ioc) c2d__hosts_unmem(h, x->ioc, C2D__HOSTS_IOC_HITS * sizeof *x->ioc);
    if (x->names) c2d__hosts_unmem(h, x->names, sizeof *x->names);
    if (x->fan) c2d__hosts_unmem(h, x->fan, sizeof *x->fan);
    if (x->http) c2d__hosts_unmem(h, x->http, sizeof *x->http);
    if (x->tls) c2d__hosts_unmem(h, x->tls, sizeof *x->tls);
    if (x->newdom) c2d__hosts_unmem(h, x->newdom, sizeof *x->newdom);
    index_remove(h, &h->host_index, hid, host_key_hash);
    pool_give(&h->hosts, hid);
    h->stats.hosts_tracked--;
}

/* Evict the host, among a few sampled, whose last activity is oldest. */
static bool evict_one_host(c2d_hosts *h, uint32_t keep) {
    uint32_t best = C2D__HOSTS_NONE;
    uint64_t best_ns = UINT64_MAX;
    if (h->hosts.used == 0) return false;
    for (int tries = 0; tries < 64; tries++) {
        uint32_t id = (uint32_t)(next_random(h) % h->hosts.used);
        c2d__host *x = c2d__hosts_host_at(h, id);
        if (!x->used || id == keep) continue;
        if (x->last_ns < best_ns) {
            best_ns = x->last_ns;
            best = id;
        }
        if (tries >= 16 && best != C2D__HOSTS_NONE) break;
    }
    if (best == C2D__HOSTS_NONE) return false;
    free_host(h, best);
    h->stats.hosts_evicted++;
    return true;
}

static uint32_t host_get(c2d_hosts *h, const uint8_t addr[16], uint64_t ts) {
    uint64_t hv = hash_bytes(addr, 16, 0);
    c2d__index *ix = &h->host_index;
    uint32_t i = (uint32_t)hv & ix->mask;
    while (ix->slots[i]) {
        uint32_t id = ix->slots[i] - 1;
        if (!memcmp(c2d__hosts_host_at(h, id)->addr, addr, 16)) return id;
        i = (i + 1) & ix->mask;
    }
    /* new host: the index must have room (it grows at 3/4; when the budget
     * refuses, it may fill to 7/8 before new hosts are refused) */
    if ((ix->count + 1) * 4 > (ix->mask + 1) * 3 && !index_grow(h, ix, host_key_hash, 1u << 26) &&
        (ix->count + 1) * 8 > (ix->mask + 1) * 7 && !evict_one_host(h, C2D__HOSTS_NONE))
        return C2D__HOSTS_NONE;
    if (h->hosts.live >= h->cfg.max_hosts && !evict_one_host(h, C2D__HOSTS_NONE)) return C2D__HOSTS_NONE;
    uint32_t id = pool_take(h, &h->hosts);
    if (id == C2D__HOSTS_NONE) {
        if (!evict_one_host(h, C2D__HOSTS_NONE)) return C2D__HOSTS_NONE;
        id = pool_take(h, &h->hosts);
        if (id == C2D__HOSTS_NONE) return C2D__HOSTS_NONE;
    }
    c2d__host *x = c2d__hosts_host_at(h, id);
    memcpy(x->addr, addr, 16);
    x->used = 1;
    x->pairs_head = x->pairs_tail = C2D__HOSTS_NONE;
    x->first_ns = x->last_ns = ts;
    i = (uint32_t)hv & ix->mask;
    while (ix->slots[i]) i = (i + 1) & ix->mask;
    ix->slots[i] = id + 1;
    ix->count++;
    h->stats.hosts_tracked++;
    h->stats.hosts_created++;
    return id;
}

static void touch_host(c2d_hosts *h, c2d__host *x, uint64_t ts) {
    if (ts < x->first_ns) x->first_ns = ts;
    if (ts > x->last_ns) x->last_ns = ts;
    if (ts > h->now_ns) h->now_ns = ts;
}

/* The host record an input is about (made when new), touched at `ts`; NULL,
 * counted in inputs_refused, when none can be had. Any input invalidates the
 * ranking. */
static c2d__host *input_host(c2d_hosts *h, const uint8_t addr[16], uint64_t ts, uint32_t *id) {
    h->ranked_valid = 0;
    uint32_t hid = host_get(h, addr, ts);
    if (hid == C2D__HOSTS_NONE) {
        h->stats.inputs_refused++;
        return NULL;
    }
    c2d__host *x = c2d__hosts_host_at(h, hid);
    touch_host(h, x, ts);
    if (id) *id = hid;
    return x;
}

/* The pair of (host, key), made when missing; NONE when no record can be had. */
static uint32_t pair_get(c2d_hosts *h, uint32_t hid, int by_name, const uint8_t addr[16],
                         const char *name, uint16_t port, uint64_t ts) {
    uint64_t hv = pair_hash(hid, by_name, addr, name, port);
    c2d__index *ix = &h->pair_index;
    uint32_t i = (uint32_t)hv & ix->mask;
    while (ix->slots[i]) {
        uint32_t id = ix->slots[i] - 1;
        c2d__pair *p = c2d__hosts_pair_at(h, id);
        if (p->key_hash == hv && p->host == hid && p->by_name == by_name && p->port == port &&
            (by_name ? !strcmp(p->name, name) : !memcmp(p->addr, addr, 16))) {
            /* most recently used first */
            c2d__host *x = c2d__hosts_host_at(h, hid);
            if (x->pairs_head != id) {
                c2d__hosts_pair_at(h, p->prev)->next = p->next;
                if (p->next != C2D__HOSTS_NONE) c2d__hosts_pair_at(h, p->next)->prev = p->prev;
                else x->pairs_tail = p->prev;
                p->prev = C2D__HOSTS_NONE;
                p->next = x->pairs_head;
                c2d__hosts_pair_at(h, x->pairs_head)->prev = id;
                x->pairs_head = id;
            }
            return id;
        }
        i = (i + 1) & ix->mask;
    }
    c2d__host *x = c2d__hosts_host_at(h, hid);
    if ((ix->count + 1) * 4 > (ix->mask + 1) * 3 && !index_grow(h, ix, pair_key_hash, 1u << 28) &&
        (ix->count + 1) * 8 > (ix->mask + 1) * 7) {
        /* the index cannot grow: make room by dropping this host's least recent pair */
        if (x->pairs_tail == C2D__HOSTS_NONE) {
            h->stats.pairs_refused++;
            return C2D__HOSTS_NONE;
        }
        free_pair(h, x->pairs_tail);
        x->pairs_evicted++;
        h->stats.pairs_evicted_budget++;
    }
    if (x->n_pairs >= h->cfg.max_pairs_per_host) {
        free_pair(h, x->pairs_tail);
        x->pairs_evicted++;
        h->stats.pairs_evicted_cap++;
    }
    uint32_t id = pool_take(h, &h->pairs);
    if (id == C2D__HOSTS_NONE) {
        /* budget: drop the oldest of a few sampled pairs of any host */
        for (int round = 0; round < 4 && id == C2D__HOSTS_NONE; round++) {
            uint32_t best = C2D__HOSTS_NONE;
            uint64_t best_ns = UINT64_MAX;
            for (int tries = 0; tries < 16 && h->pairs.used; tries++) {
                uint32_t c = (uint32_t)(next_random(h) % h->pairs.used);
                c2d__pair *q = c2d__hosts_pair_at(h, c);
                if (q->host == C2D__HOSTS_NONE || q->host == hid || q->last_ns == 0) continue;
                if (q->last_ns < best_ns) best_ns = q->last_ns, best = c;
            }
            if (best == C2D__HOSTS_NONE) break;
            c2d__hosts_host_at(h, c2d__hosts_pair_at(h, best)->host)->pairs_evicted++;
            free_pair(h, best);
            h->stats.pairs_evicted_budget++;
            id = pool_take(h, &h->pairs);
        }
        if (id == C2D__HOSTS_NONE) {
            h->stats.pairs_refused++;
            return C2D__HOSTS_NONE;
        }
    }
    c2d__pair *p = c2d__hosts_pair_at(h, id);
    p->host = hid;
    p->by_name = (uint8_t)by_name;
    p->port = port;
    if (addr) memcpy(p->addr, addr, 16);
    if (name) {
        size_t n = strlen(name);
        if (n >= C2D__HOSTS_NAME) n = C2D__HOSTS_NAME - 1;
        memcpy(p->name, name, n);
        p->name[n] = 0;
    }
    p->key_hash = hv;
    p->first_ns = p->last_ns = p->base_ns = ts;
    p->prev = C2D__HOSTS_NONE;
    p->next = x->pairs_head;
    if (x->pairs_head != C2D__HOSTS_NONE) c2d__hosts_pair_at(h, x->pairs_head)->prev = id;
    x->pairs_head = id;
    if (x->pairs_tail == C2D__HOSTS_NONE) x->pairs_tail = id;
    x->n_pairs++;
    i = (uint32_t)hv & ix->mask;
    while (ix->slots[i]) i = (i + 1) & ix->mask;
    ix->slots[i] = id + 1;
    ix->count++;
    h->stats.pairs_tracked++;
    h->stats.pairs_created++;
    return id;
}

/* Record one attempt (session start) with its originator bytes. */
static void pair_attempt(c2d__pair *p, uint64_t ts, uint64_t orig_bytes, uint16_t sport) {
    if (ts < p->base_ns) {
        /* an earlier start than any kept: shift the ring's base back */
        uint64_t d = (p->base_ns - ts) / 1000000u;
        for (uint32_t i = 0; i < p->n_times; i++)
            p->times_ms[i] = p->times_ms[i] + d > UINT32_MAX ? UINT32_MAX : (uint32_t)(p->times_ms[i] + d);
        p->base_ns = ts;
    }
    uint64_t rel = (ts - p->base_ns) / 1000000u;
    if (rel > UINT32_MAX) {
        /* over 49 days after the base: restart the ring here */
        p->base_ns = ts;
        p->n_times = p->pos = 0;
        rel = 0;
    }
    p->times_ms[p->pos] = (uint32_t)rel;
    p->sizes[p->pos] = orig_bytes > UINT32_MAX ? UINT32_MAX : (uint32_t)orig_bytes;
    p->sports[p->pos] = sport;
    p->pos = (p->pos + 1) % C2D__HOSTS_RING;
    if (p->n_times < C2D__HOSTS_RING) p->n_times++;
    if (ts < p->first_ns) p->first_ns = ts;
    if (ts > p->last_ns) p->last_ns = ts;
}

/* ------------------------------------------------------------ IOC hits */
static const char *const via_names[] = {"ip",  "ip_port", "dns", "dns_answer", "http_host", "url",
                                        "sni", "ja3",     "ja3s", "ja4",        "cert_sha1"};
enum { VIA_IP, VIA_IP_PORT, VIA_DNS, VIA_DNS_ANSWER, VIA_HTTP_HOST, VIA_URL, VIA_SNI, VIA_JA3, VIA_JA3S, VIA_JA4,
       VIA_CERT_SHA1 };

const char *c2d__hosts_via_name(unsigned via);
const char *c2d__hosts_via_name(unsigned via) {
    return via < sizeof via_names / sizeof *via_names ? via_names[via] : "unknown";
}

static void add_ioc_hit(c2d_hosts *h, c2d__host *x, uint32_t id, unsigned via, const uint8_t *addr,
                        uint16_t port, const char *name, uint64_t ts) {
    if (!x->ioc) {
        x->ioc = c2d__hosts_mem(h, C2D__HOSTS_IOC_HITS * sizeof *x->ioc);
        if (!x->ioc) {
            x->ioc_dropped++;
            h->stats.ioc_hits_dropped++;
            return;
        }
    }
    for (uint32_t i = 0; i < x->n_ioc; i++) {
        c2d__ioc_hit *e = &x->ioc[i];
        if (e->id == id && e->via == via) {
            e->count++;
            if (ts < e->first_ns) e->first_ns = ts;
            if (ts > e->last_ns) e->last_ns = ts;
            return;
        }
    }
    if (x->n_ioc == C2D__HOSTS_IOC_HITS) {
        x->ioc_dropped++;
        h->stats.ioc_hits_dropped++;
        return;
    }
    c2d__ioc_hit *e = &x->ioc[x->n_ioc++];
    e->id = id;
    e->via = (uint8_t)via;
    e->count = 1;
    e->first_ns = e->last_ns = ts;
    if (addr) {
        e->has_dst = 1;
        memcpy(e->addr, addr, 16);
        e->port = port;
    }
    if (name) {
        size_t n = strlen(name);
        if (n >= sizeof e->name) n = sizeof e->name - 1;
        memcpy(e->name, name, n);
        e->name[n] = 0;
    }
}

static void match_addr(c2d_hosts *h, c2d__host *x, const uint8_t addr[16], uint16_t port, unsigned via,
                       const char *name, uint64_t ts) {
    if (!h->cfg.ioc) return;
    uint32_t ids[1];
    size_t total = 0;
    if (c2d_iocdb_match_addr(h->cfg.ioc, addr, port, ids, 1, &total) != C2D_OK || total == 0) return;
    c2d_ioc_info info = {.size = sizeof info};
    unsigned v = via;
    if (via == VIA_IP && c2d_iocdb_get(h->cfg.ioc, ids[0], &info) == C2D_OK && info.type == C2D_IOC_IP_PORT)
        v = VIA_IP_PORT;
    add_ioc_hit(h, x, ids[0], v, addr, port, name, ts);
}

static void match_name(c2d_hosts *h, c2d__host *x, const char *name, size_t len, unsigned via,
                       const uint8_t *addr, uint16_t port, uint64_t ts) {
    if (!h->cfg.ioc || len == 0) return;
    uint32_t ids[1];
    size_t total = 0;
    c2d_status st = via == VIA_URL ? c2d_iocdb_match_url(h->cfg.ioc, name, len, ids, 1, &total)
                                   : c2d_iocdb_match_text(h->cfg.ioc, name, len, ids, 1, &total);
    if (st != C2D_OK || total == 0) return;
    char buf[C2D__HOSTS_NAME];
    size_t n = len < sizeof buf - 1 ? len : sizeof buf - 1;
    memcpy(buf, name, n);
    buf[n] = 0;
    add_ioc_hit(h, x, ids[0], via, addr, port, buf, ts);
}

/* ------------------------------------------------------- address -> name */
static c2d__dns_slot *dns_slot(const c2d_hosts *h, const uint8_t addr[16]) {
    return &h->dns[hash_bytes(addr, 16, 7) & h->dns_mask];
}

static const char *name_of(const c2d_hosts *h, const uint8_t addr[16], uint64_t ts) {
    const c2d__dns_slot *s = dns_slot(h, addr);
    if (!s->name[0] || memcmp(s->addr, addr, 16)) return NULL;
    if (ts + 0 < s->ts_ns && s->ts_ns - ts > h->cfg.window_ns) return NULL;
    return s->name;
}

/* -------------------------------------------------------------- sessions */
static void fanout_observe(c2d_hosts *h, c2d__host *x, const uint8_t dst[16], uint16_t port, uint64_t ts) {
    c2d__fanout *f = x->fan;
    if (!f) {
        if (!(f = x->fan = c2d__hosts_mem(h, sizeof *f))) {
            h->stats.inputs_refused++;
            return;
        }
        f->window_start = f->first_ns = ts;
    }
    if (ts >= f->window_start + h->cfg.fanout_window_ns || ts < f->window_start) {
        memset(f->bits, 0, sizeof f->bits);
        f->window_start = f->first_ns = ts;
    }
    uint64_t hv = hash_bytes(dst, 16, 11);
    f->bits[(hv % C2D__HOSTS_FANOUT_BITS) / 32] |= 1u << (hv % 32);
    f->last_ns = ts;
    f->port = port;
    f->attempts++;
    /* linear counting estimate of distinct destinations in this window */
    uint32_t zeros = 0;
    for (uint32_t i = 0; i < C2D__HOSTS_FANOUT_BITS / 32; i++) zeros += 32 - (uint32_t)__builtin_popcount(f->bits[i]);
    double m = C2D__HOSTS_FANOUT_BITS;
    double est = zeros ? -m * log((double)zeros / m) : m * log(m);
    uint32_t e = (uint32_t)(est + 0.5);
    if (e > f->best) {
        f->best = e;
        f->best_first_ns = f->first_ns;
        f->best_last_ns = ts;
    }
}

static bool is_http_request_line(const uint8_t *p, size_t n);
static bool tls_observe(c2d_hosts *h, c2d__host *x, const c2d_session *s);
static void http_observe(c2d_hosts *h, c2d__host *x, const c2d_http_event *ev);

static void country_observe(c2d_hosts *h, c2d__host *x, const uint8_t dst[16]) {
    if (!h->cfg.geo) return;
    c2d_geo_result r;
    memset(&r, 0, sizeof r);
    if (c2d_geodb_lookup_ipv6(h->cfg.geo, dst, &r) != C2D_OK) return;
    char iso[3];
    if (c2d_geodb_country(h->cfg.geo, &r, iso) != C2D_OK) return;
    if (!(iso[0] >= 'A' && iso[0] <= 'Z' && iso[1] >= 'A' && iso[1] <= 'Z' && iso[2] == 0)) return;
    uint16_t code = (uint16_t)((iso[0] - 'A') * 26 + (iso[1] - 'A'));
    for (uint8_t i = 0; i < x->n_country; i++)
        if (x->country[i] == code) {
            x->country_sessions[i]++;
            return;
        }
    if (x->n_country == 0) h->hosts_with_country++;
    if (x->n_country == C2D__HOSTS_COUNTRIES) return;
    x->country[x->n_country] = code;
    x->country_sessions[x->n_country++] = 1;
    h->country_hosts[code]++;
}

c2d_status c2d_hosts_add_session(c2d_hosts *h, const c2d_session *s) {
    if (!h || !s || s->size < offsetof(c2d_session, resp_prefix_len) + sizeof s->resp_prefix_len)
        return C2D_ERR_INVALID_ARG;
    bool lo = c2d__hosts_is_local(h, s->orig_h), lr = c2d__hosts_is_local(h, s->resp_h);
    if (!lo && !lr) {
        h->stats.not_local++;
        return C2D_OK;
    }
    h->stats.sessions++;
    bool inbound = !lo;
    uint32_t hid;
    c2d__host *x = input_host(h, inbound ? s->resp_h : s->orig_h, s->ts_ns, &hid);
    if (!x) return C2D_OK;
    touch_host(h, x, s->last_ns);
    x->sessions++;
    /* evidence is about what a host opens to the outside: not inbound, not to
     * another local host, not to multicast or broadcast groups */
    if (inbound || lr || is_group(s->resp_h)) return C2D_OK;
    c2d_session_class cls = C2D_SESSION_OTHER;
    if (s->proto == 6) (void)c2d_session_classify(s, &h->rules, &cls); /* the Fujitsu rule is about TCP */
    bool payload = s->orig_bytes + s->resp_bytes > 0;
    const char *name = name_of(h, s->resp_h, s->ts_ns);
    bool tls = s->proto == 6 && s->orig_prefix && s->orig_prefix_len && s->orig_prefix[0] == 0x16 &&
               tls_observe(h, x, s);
    if (tls && h->tls.client.sni[0]) name = h->tls.client.sni; /* what the client asked for */
    uint32_t pid = pair_get(h, hid, 0, s->resp_h, NULL, s->resp_p, s->ts_ns);
    if (pid != C2D__HOSTS_NONE) {
        c2d__pair *p = c2d__hosts_pair_at(h, pid);
        pair_attempt(p, s->ts_ns, s->orig_bytes, s->orig_p);
        p->sessions++;
        if (!payload) p->no_payload++;
        if (cls == C2D_SESSION_C2_CANDIDATE) p->c2_candidates++;
        if (cls == C2D_SESSION_UPLOAD) p->uploads++;
        if (name) {
            size_t n = strlen(name);
            memcpy(p->name, name, n + 1);
        }
    }
    if (name) {
        uint32_t nid = pair_get(h, hid, 1, s->resp_h, name, s->resp_p, s->ts_ns);
        if (nid != C2D__HOSTS_NONE) {
            c2d__pair *p = c2d__hosts_pair_at(h, nid);
            pair_attempt(p, s->ts_ns, s->orig_bytes, s->orig_p);
            memcpy(p->addr, s->resp_h, 16);
            p->sessions++;
            if (!payload) p->no_payload++;
        }
    }
    if (cls == C2D_SESSION_C2_CANDIDATE) x->c2_candidates++;
    if (cls == C2D_SESSION_UPLOAD) x->uploads++;
    bool failed = !payload || s->conn_state == C2D_CONN_REJ || s->conn_state == C2D_CONN_S0 ||
                  s->conn_state == C2D_CONN_RSTOS0 || s->conn_state == C2D_CONN_SH;
    if (failed && s->proto == 6) fanout_observe(h, x, s->resp_h, s->resp_p, s->ts_ns);
    match_addr(h, x, s->resp_h, s->resp_p, VIA_IP, name, s->ts_ns);
    if (payload) country_observe(h, x, s->resp_h);
    if (s->orig_prefix && s->orig_prefix_len && is_http_request_line(s->orig_prefix, s->orig_prefix_len)) {
        c2d_http_event ev = {.size = sizeof ev, .ts_ns = s->ts_ns, .server_port = s->resp_p,
                             .header = s->orig_prefix, .header_len = s->orig_prefix_len};
        memcpy(ev.client_addr, s->orig_h, 16);
        memcpy(ev.server_addr, s->resp_h, 16);
        h->stats.http_events++;
        x->http_requests++;
        http_observe(h, x, &ev);
    }
    return C2D_OK;
}

/* -------------------------------------------------------- new domains */
/* The registrable domain of a name (or the name itself when it has none). */
static bool registrable_of(const char *name, size_t len, const char **reg, size_t *reg_len) {
    c2d_domain_parts parts = {.size = sizeof parts};
    if (c2d_dga_split(name, len, &parts) != C2D_OK) return false;
    *reg = name + (parts.registrable_len ? parts.registrable_off : 0);
    *reg_len = parts.registrable_len ? parts.registrable_len : parts.name_len;
    return true;
}

static uint64_t domain_key(const char *reg, size_t len) {
    char low[256];
    size_t n = len < sizeof low ? len : sizeof low;
    for (size_t i = 0; i < n; i++) low[i] = (char)(reg[i] >= 'A' && reg[i] <= 'Z' ? reg[i] + 32 : reg[i]);
    while (n && low[n - 1] == '.') n--;
    uint64_t k = hash_bytes(low, n, 17);
    return k ? k : 1;
}

static c2d__regdate *regdate_slot(const c2d_hosts *h, uint64_t key) {
    for (uint32_t i = (uint32_t)key & h->regdates_mask;; i = (i + 1) & h->regdates_mask)
        if (h->regdates[i].hash == key || h->regdates[i].hash == 0) return &h->regdates[i];
}

c2d_status c2d_hosts_domain_registered(c2d_hosts *h, const char *domain, int64_t registered) {
    if (!h || !domain || registered <= 0) return C2D_ERR_INVALID_ARG;
    size_t len = strlen(domain);
    char norm[256];
    size_t nlen = 0;
    c2d_status st = c2d_dga_normalize(domain, len, norm, sizeof norm, &nlen);
    if (st != C2D_OK) return st;
    const char *reg;
    size_t reg_len;
    if (!registrable_of(norm, nlen, &reg, &reg_len)) return C2D_ERR_MALFORMED;
    if (!h->regdates || (h->n_regdates + 1) * 4 > (h->regdates_mask + 1) * 3) {
        uint32_t cap = h->regdates ? (h->regdates_mask + 1) * 2 : 1024;
        if (cap > (1u << 21)) return C2D_ERR_LIMIT; /* 1 << 20 domains at 3/4 load */
        c2d__regdate *t = c2d__hosts_mem(h, (size_t)cap * sizeof *t);
        if (!t) return C2D_ERR_LIMIT;
        c2d__regdate *old = h->regdates;
        uint32_t old_cap = old ? h->regdates_mask + 1 : 0;
        h->regdates = t;
        h->regdates_mask = cap - 1;
        for (uint32_t i = 0; i < old_cap; i++)
            if (old[i].hash) *regdate_slot(h, old[i].hash) = old[i];
        if (old) c2d__hosts_unmem(h, old, (size_t)old_cap * sizeof *old);
    }
    uint64_t key = domain_key(reg, reg_len);
    c2d__regdate *slot = regdate_slot(h, key);
    if (!slot->hash) h->n_regdates++;
    slot->hash = key;
    slot->registered = registered;
    h->ranked_valid = 0;
    return C2D_OK;
}

/* A name a host looked up, named in a ClientHello or sent as Host. */
static void newdomain_observe(c2d_hosts *h, c2d__host *x, const char *name, size_t len, uint64_t ts) {
    if (!h->regdates || !len) return;
    const char *reg;
    size_t reg_len;
    if (!registrable_of(name, len, &reg, &reg_len)) return;
    uint64_t key = domain_key(reg, reg_len);
    const c2d__regdate *slot = regdate_slot(h, key);
    if (!slot->hash) return;
    int64_t now = (int64_t)(ts / 1000000000ull);
    if (now - slot->registered >= (int64_t)h->cfg.new_domain_days * 86400) return;
    c2d__newdom *d = x->newdom;
    if (!d) {
        if (!(d = x->newdom = c2d__hosts_mem(h, sizeof *d))) {
            h->stats.inputs_refused++;
            return;
        }
        d->first_ns = ts;
    }
    d->count++;
    d->last_ns = ts;
    uint32_t k32 = (uint32_t)key ? (uint32_t)key : 1;
    bool seen = false;
    for (uint32_t i = 0; i < d->distinct && i < 8; i++) seen |= d->hash[i] == k32;
    if (!seen) {
        if (d->distinct < 8) d->hash[d->distinct] = k32;
        if (d->distinct == 0) {
            size_t n = len < sizeof d->example - 1 ? len : sizeof d->example - 1;
            memcpy(d->example, name, n);
            d->example[n] = 0;
            d->registered = slot->registered;
        }
        d->distinct++;
    }
}

/* ------------------------------------------------------------------ TLS */
static void dga_observe(c2d_hosts *h, c2d__host *x, const char *name, size_t len, bool nx, uint64_t ts);

static void fingerprint_hit(c2d_hosts *h, c2d__host *x, c2d_ioc_type type, const char *value, unsigned via,
                            const c2d_session *s, const char *name) {
    if (!h->cfg.ioc || !value[0]) return;
    uint32_t ids[1];
    size_t total = 0;
    if (c2d_iocdb_match_fingerprint(h->cfg.ioc, type, value, strlen(value), ids, 1, &total) != C2D_OK || !total)
        return;
    add_ioc_hit(h, x, ids[0], via, s->resp_h, s->resp_p, name, s->ts_ns);
}

static void hex_of(const uint8_t *b, size_t n, char *out) {
    static const char digits[] = "0123456789abcdef";
    for (size_t i = 0; i < n; i++) out[2 * i] = digits[b[i] >> 4], out[2 * i + 1] = digits[b[i] & 15];
    out[2 * n] = 0;
}

static c2d__tls_signals *tls_signals(c2d_hosts *h, c2d__host *x) {
    if (!x->tls && !(x->tls = c2d__hosts_mem(h, sizeof *x->tls))) h->stats.inputs_refused++;
    return x->tls;
}

/* A session whose first client bytes are a TLS handshake: true when a
 * ClientHello was read (h->tls holds it). */
static bool tls_observe(c2d_hosts *h, c2d__host *x, const c2d_session *s) {
    c2d_tls_info *t = &h->tls;
    memset(t, 0, sizeof *t);
    t->size = sizeof *t;
    (void)c2d_tls_parse_session(s, t);
    if (!t->client.present) return false;
    const char *sni = t->client.sni;
    size_t sni_len = strlen(sni);
    if (sni_len) {
        match_name(h, x, sni, sni_len, VIA_SNI, s->resp_h, s->resp_p, s->ts_ns);
        newdomain_observe(h, x, sni, sni_len, s->ts_ns);
        c2d_domain_parts parts = {.size = sizeof parts};
        if (c2d_dga_split(sni, sni_len, &parts) == C2D_OK && parts.registrable_len > 0)
            dga_observe(h, x, sni + parts.registrable_off, parts.registrable_len, false, s->ts_ns);
    } else {
        c2d__tls_signals *g = tls_signals(h, x);
        if (g) {
            if (!g->no_sni) g->no_sni_first_ns = s->ts_ns;
            g->no_sni++;
            g->no_sni_last_ns = s->ts_ns;
            memcpy(g->no_sni_dst, s->resp_h, 16);
            g->no_sni_port = s->resp_p;
        }
    }
    const char *label = sni_len ? sni : NULL;
    fingerprint_hit(h, x, C2D_IOC_JA3, t->ja3_md5, VIA_JA3, s, label);
    fingerprint_hit(h, x, C2D_IOC_JA3, t->ja3s_md5, VIA_JA3S, s, label);
    fingerprint_hit(h, x, C2D_IOC_JA4, t->ja4, VIA_JA4, s, label);
    for (uint32_t i = 0; i < t->certs.n_certs && i < C2D_TLS_MAX_CERTS; i++) {
        char hex[41];
        hex_of(t->certs.certs[i].sha1, 20, hex);
        fingerprint_hit(h, x, C2D_IOC_CERT_SHA1, hex, VIA_CERT_SHA1, s, label);
    }
    if (t->certs.present && t->certs.self_signed) {
        c2d__tls_signals *g = tls_signals(h, x);
        if (g) {
            if (!g->self_signed) g->cert_first_ns = s->ts_ns;
            g->self_signed++;
            g->cert_last_ns = s->ts_ns;
            memcpy(g->cert_dst, s->resp_h, 16);
            g->cert_port = s->resp_p;
            snprintf(g->cert_cn, sizeof g->cert_cn, "%s", t->certs.subject_cn);
        }
    }
    return true;
}

/* ------------------------------------------------------------------ DNS */
static uint32_t name_hash32(const char *s, size_t n) {
    uint32_t v = (uint32_t)hash_bytes(s, n, 3);
    return v ? v : 1;
}

/* Insert into a set of 32-bit hashes; true when it was not there. A full set
 * answers "seen" (counted by the caller as dropped). */
static bool set_insert(uint32_t *set, uint32_t v, bool *full) {
    uint32_t i = v & (C2D__HOSTS_NAMESET - 1);
    for (uint32_t probe = 0; probe < C2D__HOSTS_NAMESET; probe++, i = (i + 1) & (C2D__HOSTS_NAMESET - 1)) {
        if (set[i] == v) return false;
        if (set[i] == 0) {
            set[i] = v;
            return true;
        }
    }
    *full = true;
    return false;
}

static c2d__nameset *names_of(c2d_hosts *h, c2d__host *x) {
    if (!x->names) {
        x->names = c2d__hosts_mem(h, sizeof *x->names);
        if (!x->names) h->stats.names_dropped++;
    }
    return x->names;
}

static void copy_example(char ex[][C2D__HOSTS_NAME], uint32_t have, const char *name) {
    if (have >= C2D__HOSTS_EXAMPLES) return;
    size_t n = strlen(name);
    if (n >= C2D__HOSTS_NAME) n = C2D__HOSTS_NAME - 1;
    memcpy(ex[have], name, n);
    ex[have][n] = 0;
}

/* DGA verdict of a registrable domain through a small direct-mapped cache:
 * bits 63..32 the name's hash, bit 31 valid, bit 30 flagged, bits 29..0 the
 * score in units of 2^-29. */
static bool dga_flag(c2d_hosts *h, const char *name, size_t len, float *score) {
    uint32_t key = name_hash32(name, len);
    uint64_t *slot = &h->dga_cache[key & h->dga_cache_mask];
    if ((*slot & (1ull << 31)) && (uint32_t)(*slot >> 32) == key) {
        *score = (float)((double)(*slot & ((1u << 30) - 1)) / (double)(1u << 29));
        return (*slot >> 30) & 1;
    }
    int is_dga = 0;
    float s = 0;
    if (c2d_dga_ensemble_classify(h->dga, NULL, name, len, NAN, &s, &is_dga) != C2D_OK || !(s >= 0)) {
        s = 0;
        is_dga = 0;
    }
    if (s > 1) s = 1;
    *slot = (uint64_t)key << 32 | 1ull << 31 | (uint64_t)(is_dga != 0) << 30 |
            (uint64_t)((double)s * (double)(1u << 29));
    *score = s;
    return is_dga != 0;
}

c2d_status c2d_hosts_add_dns(c2d_hosts *h, const c2d_dns_event *ev) {
    if (!h || !ev || ev->size < sizeof *ev || !ev->message) return C2D_ERR_INVALID_ARG;
    const c2d_dns_message *m = ev->message;
    if (!c2d__hosts_is_local(h, ev->client_addr)) {
        h->stats.not_local++;
        return C2D_OK;
    }
    if (!m->is_response) return C2D_OK;
    h->stats.dns_events++;
    c2d__host *x = input_host(h, ev->client_addr, ev->ts_ns, NULL);
    if (!x) return C2D_OK;
    x->dns_responses++;
    const char *qend = memchr(m->qname, 0, sizeof m->qname);
    size_t qlen = qend ? (size_t)(qend - m->qname) : sizeof m->qname;
    if (qlen == 0) return C2D_OK;
    /* answers: remember which name each address came from, match them */
    for (uint32_t i = 0; i < m->n_addrs && i < C2D_DNS_MAX_ADDRS; i++) {
        c2d__dns_slot *s = dns_slot(h, m->addrs[i].addr);
        memcpy(s->addr, m->addrs[i].addr, 16);
        s->ts_ns = ev->ts_ns;
        size_t n = qlen < C2D__HOSTS_NAME - 1 ? qlen : C2D__HOSTS_NAME - 1;
        memcpy(s->name, m->qname, n);
        s->name[n] = 0;
        match_addr(h, x, m->addrs[i].addr, 0, VIA_DNS_ANSWER, m->qname, ev->ts_ns);
    }
    match_name(h, x, m->qname, qlen, VIA_DNS, NULL, 0, ev->ts_ns);
    bool nx = m->rcode == C2D_DNS_RCODE_NXDOMAIN;
    if (!nx) newdomain_observe(h, x, m->qname, qlen, ev->ts_ns);
    c2d_domain_parts parts = {.size = sizeof parts};
    const char *reg = m->qname;
    size_t reg_len = qlen;
    if (c2d_dga_split(m->qname, qlen, &parts) == C2D_OK && parts.registrable_len > 0) {
        reg = m->qname + parts.registrable_off;
        reg_len = parts.registrable_len;
    }
    if (nx) {
        c2d__nameset *ns = names_of(h, x);
        if (ns) {
            ns->nx_total++;
            if (ev->ts_ns >= ns->nx_window_start + h->cfg.nxdomain_window_ns || ev->ts_ns < ns->nx_window_start) {
                memset(ns->nx_hash, 0, sizeof ns->nx_hash);
                ns->nx_window_start = ev->ts_ns;
                ns->nx_window_count = 0;
                ns->nx_cur_first_ns = ev->ts_ns;
            }
            bool full = false;
            if (set_insert(ns->nx_hash, name_hash32(m->qname, qlen), &full)) {
                copy_example(ns->nx_cur_examples, ns->nx_window_count, m->qname);
                ns->nx_window_count++;
                ns->nx_cur_last_ns = ev->ts_ns;
                if (ns->nx_window_count > ns->nx_best) {
                    ns->nx_best = ns->nx_window_count;
                    ns->nx_best_first_ns = ns->nx_cur_first_ns;
                    ns->nx_best_last_ns = ev->ts_ns;
                    memcpy(ns->nx_examples, ns->nx_cur_examples, sizeof ns->nx_examples);
                }
            }
            if (full) h->stats.names_dropped++;
        }
    }
    dga_observe(h, x, reg, reg_len, nx, ev->ts_ns);
    return C2D_OK;
}

/* A registrable domain a host looked up (or named in a ClientHello). */
static void dga_observe(c2d_hosts *h, c2d__host *x, const char *reg, size_t reg_len, bool nx, uint64_t ts) {
    if (!h->dga) return;
    float score = 0;
    if (!dga_flag(h, reg, reg_len, &score)) return;
    c2d__nameset *ns = names_of(h, x);
    if (!ns) return;
    bool full = false;
    if (set_insert(ns->dga_hash, name_hash32(reg, reg_len), &full)) {
        char buf[C2D__HOSTS_NAME];
        size_t n = reg_len < sizeof buf - 1 ? reg_len : sizeof buf - 1;
        memcpy(buf, reg, n);
        buf[n] = 0;
        copy_example(ns->dga_examples, ns->n_dga, buf);
        if (ns->n_dga == 0) ns->dga_first_ns = ts;
        ns->n_dga++;
        ns->dga_score_sum += score;
        ns->dga_last_ns = ts;
        if (nx) ns->dga_nx++;
    }
    if (full) h->stats.names_dropped++;
}

/* ------------------------------------------------------------------ HTTP */
static bool is_tchar(uint8_t c) {
    return (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') ||
           (c && strchr("!#$%&'*+-.^_`|~", c));
}

/* method SP target SP "HTTP/1." digit, then CR LF or LF */
static bool is_http_request_line(const uint8_t *p, size_t n) {
    size_t i = 0;
    while (i < n && i < 32 && is_tchar(p[i])) i++;
    if (i == 0 || i >= n || p[i] != ' ') return false;
    size_t t = ++i;
    while (i < n && p[i] > ' ' && p[i] < 0x7f) i++;
    if (i == t || i >= n || p[i] != ' ') return false;
    i++;
    if (n - i < 8 || memcmp(p + i, "HTTP/1.", 7) || p[i + 7] < '0' || p[i + 7] > '9') return false;
    i += 8;
    return i < n && (p[i] == '\n' || (p[i] == '\r' && i + 1 < n && p[i + 1] == '\n'));
}

/* The value of header field `field` (case-insensitive) in a header block. */
static bool header_value(const uint8_t *p, size_t n, const char *field, const char **v, size_t *vlen) {
    size_t fl = strlen(field);
    size_t i = 0;
    while (i < n && p[i] != '\n') i++; /* skip the request line */
    while (++i < n) {
        size_t ls = i;
        while (i < n && p[i] != '\n') i++;
        size_t le = i;
        if (le > ls && p[le - 1] == '\r') le--;
        if (le == ls) return false; /* end of headers */
        if (le - ls > fl && p[ls + fl] == ':') {
            size_t k = 0;
            while (k < fl && ((p[ls + k] | 0x20) == (field[k] | 0x20))) k++;
            if (k == fl) {
                size_t a = ls + fl + 1;
                while (a < le && (p[a] == ' ' || p[a] == '\t')) a++;
                size_t b = le;
                while (b > a && (p[b - 1] == ' ' || p[b - 1] == '\t')) b--;
                *v = (const char *)p + a;
                *vlen = b - a;
                return true;
            }
        }
    }
    return false;
}

static void http_observe(c2d_hosts *h, c2d__host *x, const c2d_http_event *ev) {
    const char *host = ev->host, *uri = ev->uri;
    size_t host_len = host ? ev->host_len : 0, uri_len = uri ? ev->uri_len : 0;
    const uint8_t *hdr = ev->header;
    bool request = hdr && ev->header_len && is_http_request_line(hdr, ev->header_len);
    if (hdr && ev->header_len && !request) {
        h->stats.http_not_request++;
        return;
    }
    if (request) {
        if (!uri) {
            size_t a = 0;
            while (hdr[a] != ' ') a++;
            size_t b = ++a;
            while (hdr[b] != ' ') b++;
            uri = (const char *)hdr + a;
            uri_len = b - a;
        }
        if (!host) header_value(hdr, ev->header_len, "host", &host, &host_len);
    }
    char hostbuf[C2D__HOSTS_NAME];
    size_t hl = 0;
    if (host && host_len) {
        hl = host_len < sizeof hostbuf - 1 ? host_len : sizeof hostbuf - 1;
        memcpy(hostbuf, host, hl);
    }
    hostbuf[hl] = 0;
    /* a Host that is an address literal was matched as the session's destination */
    uint8_t lit[16];
    char bare[C2D__HOSTS_NAME];
    memcpy(bare, hostbuf, hl + 1);
    char *colon = strrchr(bare, ':');
    if (colon && !strchr(bare, ']') && strchr(bare, ':') == colon) *colon = 0;
    bool literal = c2d_addr_parse(bare[0] == '[' ? bare + 1 : bare, lit) == C2D_OK;
    if (hl && !literal) {
        match_name(h, x, hostbuf, hl, VIA_HTTP_HOST, ev->server_addr, ev->server_port, ev->ts_ns);
        char *hc = strrchr(hostbuf, ':'); /* "name:port" */
        newdomain_observe(h, x, hostbuf, hc ? (size_t)(hc - hostbuf) : hl, ev->ts_ns);
    }
    char url[C2D__HOSTS_NAME * 2];
    url[0] = 0;
    if (uri && uri_len) {
        int w;
        if (uri_len >= 7 && !memcmp(uri, "http://", 7))
            w = snprintf(url, sizeof url, "%.*s", (int)uri_len, uri);
        else if (hl)
            w = snprintf(url, sizeof url, "http://%s%.*s", hostbuf, (int)uri_len, uri);
        else {
            char a[64];
            if (c2d_addr_format(ev->server_addr, a, sizeof a) != C2D_OK) a[0] = 0;
            w = snprintf(url, sizeof url, "http://%s:%u%.*s", a, ev->server_port, (int)uri_len, uri);
        }
        if (w > 0 && (size_t)w < sizeof url) match_name(h, x, url, (size_t)w, VIA_URL, ev->server_addr, ev->server_port, ev->ts_ns);
        else url[sizeof url - 1] = 0;
    }
    if (!request || !h->http) return;
    double score = 0;
    if (c2d_http_score(h->http, hdr, ev->header_len, &score) != C2D_OK) return;
    if (score > x->http_max) x->http_max = score;
    if (score < h->http_threshold) return;
    c2d__http *e = x->http;
    if (!e) {
        if (!(e = x->http = c2d__hosts_mem(h, sizeof *e))) {
            h->stats.inputs_refused++;
            return;
        }
        e->first_ns = ev->ts_ns;
    }
    e->count++;
    e->last_ns = ev->ts_ns;
    if (score > e->best || !e->example[0]) {
        e->best = score;
        memcpy(e->dst, ev->server_addr, 16);
        e->port = ev->server_port;
        snprintf(e->example, sizeof e->example, "%s", url);
    }
}

c2d_status c2d_hosts_add_http(c2d_hosts *h, const c2d_http_event *ev) {
    if (!h || !ev || ev->size < sizeof *ev || (!ev->header && ev->header_len) ||
        (!ev->host && ev->host_len) || (!ev->uri && ev->uri_len))
        return C2D_ERR_INVALID_ARG;
    if (!c2d__hosts_is_local(h, ev->client_addr)) {
        h->stats.not_local++;
        return C2D_OK;
    }
    h->stats.http_events++;
    c2d__host *x = input_host(h, ev->client_addr, ev->ts_ns, NULL);
    if (!x) return C2D_OK;
    x->http_requests++;
    http_observe(h, x, ev);
    return C2D_OK;
}

/* ---------------------------------------------------------- attachment */
static void on_session_cb(void *user, const c2d_session *s) { (void)c2d_hosts_add_session(user, s); }
static void on_dns_cb(void *user, const c2d_dns_event *ev) { (void)c2d_hosts_add_dns(user, ev); }

c2d_status c2d_hosts_attach(c2d_hosts *h, c2d_flowtable *ft) {
    if (!h || !ft) return C2D_ERR_INVALID_ARG;
    c2d_flowtable_set_session_callback(ft, on_session_cb, h);
    c2d_flowtable_set_dns_callback(ft, on_dns_cb, h);
    return C2D_OK;
}

/* ------------------------------------------------------------- ageing */
void c2d__hosts_age_out(c2d_hosts *h) {
    if (h->now_ns < h->cfg.window_ns) return;
    uint64_t horizon = h->now_ns - h->cfg.window_ns;
    for (uint32_t i = 0; i < h->hosts.used; i++) {
        c2d__host *x = c2d__hosts_host_at(h, i);
        if (!x->used) continue;
        if (x->last_ns < horizon) {
            free_host(h, i);
            h->stats.hosts_aged_out++;
            continue;
        }
        while (x->pairs_tail != C2D__HOSTS_NONE && c2d__hosts_pair_at(h, x->pairs_tail)->last_ns < horizon) {
            free_pair(h, x->pairs_tail);
            h->stats.pairs_aged_out++;
        }
    }
}

c2d_status c2d_hosts_stats_get(const c2d_hosts *h, c2d_hosts_stats *out) {
    if (!h || !out || out->size < sizeof *out) return C2D_ERR_INVALID_ARG;
    *out = h->stats;
    out->size = sizeof *out;
    out->memory_bytes = h->memory;
    out->memory_budget = h->cfg.memory_budget;
    return C2D_OK;
}
