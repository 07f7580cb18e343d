/* The indicator store: records and interned strings while building, then
 * open-addressing hash indexes built once by finalize and read lock-free. */
#include <stdlib.h>
#include <string.h>

#include "ioc/ioc_internal.h"

#define NIL 0xFFFFFFFFu
/* A chain head with this bit is the chain's only record: a walk stops without
 * reading next[] (one memory access less for the common single-record key).
 * Record ids stay below 2^31 - 1, so a flagged id never equals NIL. */
#define ONLY 0x80000000u
#define ID_OF(h) ((h) & ~ONLY)

/* Prepend record i to the chain at *head. */
static void chain_push(uint32_t *next, uint32_t *head, uint32_t i) {
    if (*head == NIL) {
        next[i] = NIL;
        *head = i | ONLY;
    } else {
        next[i] = ID_OF(*head);
        *head = i;
    }
}
#define MAX_RECORDS 0x7FFFFFFFu

typedef struct rec {
    uint32_t value;      /* arena offset of the normalised text */
    uint32_t family;     /* family id, 0 none */
    uint32_t threat, source, tags; /* misc intern offsets + 1, 0 none */
    uint32_t first_seen, last_seen;
    uint32_t addr;       /* IPv4 address, or index of the IPv6 address */
    uint16_t port;
    uint8_t type, confidence, prefix, is_v6;
    uint16_t value_len;  /* min(length, 65535): ranks domain matches without touching the text */
} rec;

typedef struct bytebuf { /* growable byte buffer */
    uint8_t *p;
    size_t len, cap;
} bytebuf;

typedef struct strtab {   /* interned strings: offsets into `text`, hash index */
    bytebuf text;
    uint32_t *off;        /* id -> offset (id 0 unused) */
    uint32_t *count;      /* id -> indicators using it (families) */
    size_t n, cap, count_cap; /* off and count grow apart: either may fail alone */
    uint32_t *slots;      /* hash slot -> id, 0 empty */
    size_t nslots;
} strtab;

/* IPv4 slot: exact-IP chain, and the ip:port records of that IP: kept inline
 * when they all share one port (the common case), else in the (ip, port) table. */
typedef struct slot32 {
    uint32_t key, head;
    uint32_t port_head;  /* chain of ip:port records when n_ports == 1 */
    uint16_t port;
    uint16_t n_ports;    /* 0 none, 1 inline, 2 = several (look in t64) */
} slot32;
typedef struct slot64 { uint64_t key; uint32_t head, pad; } slot64;
typedef struct slotstr { uint32_t hash, head; } slotstr;

struct c2d_iocdb {
    c2d_allocator alloc;
    bool finalized;
    rec *recs;
    size_t n, cap;
    bytebuf arena;            /* normalised values, NUL-terminated */
    uint8_t (*v6)[16];
    size_t n_v6, cap_v6;
    strtab families, misc;
    size_t count_by_type[C2D_IOC_TYPE_COUNT];
    /* indexes (finalize) */
    uint32_t *next;       /* next record with the same index key (finalize); apart from
                             the records so chain walks touch a dense 4-byte array */
    slot32 *t4; size_t t4_mask;
    uint64_t *v4_filter; size_t v4_filter_mask; /* one bit per hashed IPv4 key: most misses stop here */
    slot64 *t64; size_t t64_mask;
    slotstr *ts; size_t ts_mask;
    uint64_t *str_filter; size_t str_filter_mask; /* as v4_filter, for string keys */
    uint64_t v4_cidr_lens[1];   /* bit L: some IPv4 CIDR of length L (0..32) */
    uint64_t v6_cidr_lens[3];   /* bits 0..128 */
    uint16_t *ports;            /* distinct ip:port ports, sorted */
    size_t n_ports;
    uint32_t *port_start;       /* n_ports + 1 offsets into port_fam/port_cnt */
    uint32_t *port_fam, *port_cnt;
    uint32_t *port_total;       /* ip:port indicators per port (index as ports) */
    size_t n_port_fam;
};

/* ----------------------------------------------------------------- helpers */
static bool buf_reserve(const c2d_allocator *a, void **p, size_t *cap, size_t elem, size_t need) {
    if (need <= *cap) return true;
    size_t ncap = *cap ? *cap : 16, bytes;
    while (ncap < need) {
        if (ncap > SIZE_MAX / 2) return false;
        ncap *= 2;
    }
    if (c2d__mul_overflows(ncap, elem, &bytes)) return false;
    void *q = c2d__alloc(a, bytes);
    if (!q) return false;
    if (*p) {
        memcpy(q, *p, *cap * elem);
        c2d__free(a, *p);
    }
    *p = q;
    *cap = ncap;
    return true;
}

static uint64_t mix64(uint64_t x) {
    x ^= x >> 33;
    x *= 0xff51afd7ed558ccdULL;
    x ^= x >> 33;
    x *= 0xc4ceb9fe1a85ec53ULL;
    x ^= x >> 33;
    return x;
}

static uint32_t hash_str(const char *s, size_t n) {
    uint64_t h = 0x9E3779B97F4A7C15ULL ^ n;
    while (n >= 8) {
        uint64_t w;
        memcpy(&w, s, 8);
        h = (h ^ w) * 0x100000001B3ULL;
        h ^= h >> 29;
        s += 8;
        n -= 8;
    }
    uint64_t w = 0;
    memcpy(&w, s, n);
    h = (h ^ w) * 0x100000001B3ULL;
    return (uint32_t)(mix64(h) >> 32);
}

static size_t pow2_at_least(size_t n) {
    size_t p = 16;
    while (p < n) p *= 2;
    return p;
}

/* ------------------------------------------------------------ interning */
static const char *strtab_get(const strtab *t, uint32_t id) {
    return id && id <= t->n ? (const char *)t->text.p + t->off[id] : "";
}

static bool strtab_rehash(const c2d_allocator *a, strtab *t, size_t nslots) {
    uint32_t *s = c2d__calloc(a, nslots, sizeof *s);
    if (!s) return false;
    for (uint32_t id = 1; id <= t->n; id++) {
        const char *str = (const char *)t->text.p + t->off[id];
        size_t i = hash_str(str, strlen(str)) & (nslots - 1);
        while (s[i]) i = (i + 1) & (nslots - 1);
        s[i] = id;
    }
    c2d__free(a, t->slots);
    t->slots = s;
    t->nslots = nslots;
    return true;
}

/* Intern `s` (NUL-terminated, non-empty); *id = its id. */
static c2d_status strtab_intern(const c2d_allocator *a, strtab *t, const char *s, uint32_t *id) {
    size_t n = strlen(s);
    uint32_t h = hash_str(s, n);
    if (t->nslots) {
        for (size_t i = h & (t->nslots - 1); t->slots[i]; i = (i + 1) & (t->nslots - 1)) {
            const char *o = (const char *)t->text.p + t->off[t->slots[i]];
            if (strcmp(o, s) == 0) {
                *id = t->slots[i];
                return C2D_OK;
            }
        }
    }
    if (t->n + 1 >= MAX_RECORDS || t->text.len + n + 1 > 0xFFFFFFFFu) return C2D_ERR_LIMIT;
    if ((t->n + 2) * 2 > t->nslots && !strtab_rehash(a, t, pow2_at_least((t->n + 2) * 4)))
        return C2D_ERR_NOMEM;
    /* Each buffer keeps its own capacity: when one growth fails after the other
     * succeeded, the next call must not write past the one that did not grow. */
    if (!buf_reserve(a, (void **)&t->off, &t->cap, sizeof *t->off, t->n + 2) ||
        !buf_reserve(a, (void **)&t->count, &t->count_cap, sizeof *t->count, t->n + 2))
        return C2D_ERR_NOMEM;
    if (!buf_reserve(a, (void **)&t->text.p, &t->text.cap, 1, t->text.len + n + 1))
        return C2D_ERR_NOMEM;
    uint32_t nid = (uint32_t)++t->n;
    t->off[nid] = (uint32_t)t->text.len;
    t->count[nid] = 0;
    memcpy(t->text.p + t->text.len, s, n + 1);
    t->text.len += n + 1;
    size_t i = h & (t->nslots - 1);
    while (t->slots[i]) i = (i + 1) & (t->nslots - 1);
    t->slots[i] = nid;
    *id = nid;
    return C2D_OK;
}

static void strtab_free(const c2d_allocator *a, strtab *t) {
    c2d__free(a, t->text.p);
    c2d__free(a, t->off);
    c2d__free(a, t->count);
    c2d__free(a, t->slots);
}

/* -------------------------------------------------------------- lifecycle */
c2d_status c2d_iocdb_new(const c2d_allocator *alloc, c2d_iocdb **out) {
    if (!out) return C2D_ERR_INVALID_ARG;
    *out = NULL;
    c2d_allocator a;
    c2d_status st = c2d__allocator_init(&a, alloc);
    if (st) return st;
    c2d_iocdb *db = c2d__calloc(&a, 1, sizeof *db);
    if (!db) return C2D_ERR_NOMEM;
    db->alloc = a;
    *out = db;
    return C2D_OK;
}

static void free_indexes(c2d_iocdb *db) {
    const c2d_allocator *a = &db->alloc;
    c2d__free(a, db->t4);
    c2d__free(a, db->next);
    c2d__free(a, db->v4_filter);
    c2d__free(a, db->str_filter);
    c2d__free(a, db->t64);
    c2d__free(a, db->ts);
    c2d__free(a, db->port_start);
    c2d__free(a, db->ports);
    c2d__free(a, db->port_fam);
    c2d__free(a, db->port_cnt);
    c2d__free(a, db->port_total);
    db->t4 = NULL; db->t64 = NULL; db->ts = NULL; db->v4_filter = NULL; db->next = NULL;
    db->str_filter = NULL;
    db->port_start = db->port_fam = db->port_cnt = db->port_total = NULL;
    db->ports = NULL;
}

void c2d_iocdb_free(c2d_iocdb *db) {
    if (!db) return;
    c2d_allocator a = db->alloc;
    free_indexes(db);
    c2d__free(&a, db->recs);
    c2d__free(&a, db->arena.p);
    c2d__free(&a, db->v6);
    strtab_free(&a, &db->families);
    strtab_free(&a, &db->misc);
    c2d__free(&a, db);
}

const c2d_allocator *c2d__iocdb_allocator(const c2d_iocdb *db) { return &db->alloc; }
bool c2d__iocdb_finalized(const c2d_iocdb *db) { return db->finalized; }

static c2d_status intern_opt(c2d_iocdb *db, strtab *t, const char *s, uint32_t *id) {
    *id = 0;
    if (!s || !*s) return C2D_OK;
    return strtab_intern(&db->alloc, t, s, id);
}

static uint32_t clamp_time(int64_t t) {
    return t > 0 && t <= (int64_t)0xFFFFFFFFu ? (uint32_t)t : 0;
}

c2d_status c2d__iocdb_add_value(c2d_iocdb *db, const c2d__ioc_value *v, const char *family,
                                const char *threat, const char *source, const char *tags,
                                unsigned confidence, int64_t first_seen, int64_t last_seen) {
    if (db->finalized) return C2D_ERR_STATE;
    if (db->n >= MAX_RECORDS || db->arena.len + v->len + 1 > 0xFFFFFFFFu) return C2D_ERR_LIMIT;
    const c2d_allocator *a = &db->alloc;
    if (!buf_reserve(a, (void **)&db->recs, &db->cap, sizeof(rec), db->n + 1)) return C2D_ERR_NOMEM;
    if (!buf_reserve(a, (void **)&db->arena.p, &db->arena.cap, 1, db->arena.len + v->len + 1))
        return C2D_ERR_NOMEM;
    if (v->is_v6 && !buf_reserve(a, (void **)&db->v6, &db->cap_v6, 16, db->n_v6 + 1))
        return C2D_ERR_NOMEM;
    uint32_t fam, thr, src, tg;
    c2d_status st;
    if ((st = intern_opt(db, &db->families, family, &fam)) ||
        (st = intern_opt(db, &db->misc, threat, &thr)) ||
        (st = intern_opt(db, &db->misc, source, &src)) ||
        (st = intern_opt(db, &db->misc, tags, &tg)))
        return st; /* interned strings may stay; no record refers to them yet */
    rec *r = &db->recs[db->n];
    memset(r, 0, sizeof *r);
    r->value = (uint32_t)db->arena.len;
    memcpy(db->arena.p + db->arena.len, v->text, v->len);
    db->arena.p[db->arena.len + v->len] = 0;
    db->arena.len += v->len + 1;
    r->family = fam;
    r->threat = thr;
    r->source = src;
    r->tags = tg;
    r->first_seen = clamp_time(first_seen);
    r->last_seen = clamp_time(last_seen);
    r->port = v->port;
    r->value_len = (uint16_t)(v->len > 0xFFFF ? 0xFFFF : v->len);
    r->type = (uint8_t)v->type;
    r->confidence = (uint8_t)(confidence > 100 ? 100 : confidence);
    r->prefix = v->prefix;
    r->is_v6 = v->is_v6;
    if (v->is_v6) {
        memcpy(db->v6[db->n_v6], v->v6, 16);
        r->addr = (uint32_t)db->n_v6++;
    } else {
        r->addr = v->v4;
    }
    if (fam) db->families.count[fam]++;
    db->count_by_type[v->type]++;
    db->n++;
    return C2D_OK;
}

c2d_status c2d_iocdb_add(c2d_iocdb *db, const c2d_ioc_entry *e) {
    if (!db || !e || e->size < sizeof *e || !e->value || e->confidence > 100 ||
        (unsigned)e->type >= C2D_IOC_TYPE_COUNT)
        return C2D_ERR_INVALID_ARG;
    if (db->finalized) return C2D_ERR_STATE;
    c2d__ioc_value *pv = c2d__alloc(&db->alloc, sizeof *pv);
    if (!pv) return C2D_ERR_NOMEM;
    c2d_status st = c2d__ioc_parse_value(e->value, strlen(e->value), e->type, pv);
    if (!st && e->type != C2D_IOC_UNKNOWN && e->type != pv->type) st = C2D_ERR_MALFORMED;
    if (!st)
        st = c2d__iocdb_add_value(db, pv, e->family, e->threat_type, e->source, e->tags,
                                  e->confidence, e->first_seen, e->last_seen);
    c2d__free(&db->alloc, pv);
    return st;
}

/* --------------------------------------------------------------- finalize */
static uint64_t key64_ipport(uint32_t ip, uint16_t port) {
    return 1ULL << 56 | (uint64_t)ip << 16 | port;
}
static uint64_t key64_cidr(uint32_t net, unsigned len) {
    return 2ULL << 56 | (uint64_t)len << 32 | net;
}
static size_t h32(uint32_t k) { return (size_t)((k * 0x9E3779B97F4A7C15ULL) >> 32); }
static size_t filter_bit(uint32_t k) { return (size_t)((k * 0xD6E8FEB86659FD93ULL) >> 32); }
static size_t h64(uint64_t k) { return (size_t)(mix64(k)); }

static const char *rec_text(const c2d_iocdb *db, const rec *r) {
    return (const char *)db->arena.p + r->value;
}


static int cmp_u64(const void *x, const void *y) {
    uint64_t a = *(const uint64_t *)x, b = *(const uint64_t *)y;
    return a < b ? -1 : a > b;
}

/* Insertion sort of (family, count) runs: count desc, then family id asc
 * (a port has few families). */
static void sort_runs(uint32_t *fam, uint32_t *cnt, size_t n) {
    for (size_t k = 1; k < n; k++) {
        uint32_t fk = fam[k], ck = cnt[k];
        size_t m = k;
        for (; m > 0 && (cnt[m - 1] < ck || (cnt[m - 1] == ck && fam[m - 1] > fk)); m--) {
            fam[m] = fam[m - 1];
            cnt[m] = cnt[m - 1];
        }
        fam[m] = fk;
        cnt[m] = ck;
    }
}

/* Port -> family table from the ip:port records: distinct ports sorted (binary
 * searched), each with its (family, count) runs, most frequent first. */
static c2d_status build_port_table(c2d_iocdb *db) {
    const c2d_allocator *a = &db->alloc;
    size_t n_ipport = db->count_by_type[C2D_IOC_IP_PORT];
    if (n_ipport == 0) return C2D_OK; /* no table: every port has no family */
    uint64_t *pairs = c2d__calloc(a, n_ipport, sizeof *pairs);
    if (!pairs) return C2D_ERR_NOMEM;
    size_t np = 0;
    for (size_t i = 0; i < db->n; i++) {
        const rec *r = &db->recs[i];
        if (r->type == C2D_IOC_IP_PORT) pairs[np++] = (uint64_t)r->port << 32 | r->family;
    }
    qsort(pairs, np, sizeof *pairs, cmp_u64);
    size_t n_ports = 0, n_runs = 0;
    for (size_t i = 0; i < np; i++) {
        if (i == 0 || pairs[i] >> 32 != pairs[i - 1] >> 32) n_ports++;
        if (i == 0 || pairs[i] != pairs[i - 1]) n_runs++;
    }
    db->ports = c2d__calloc(a, n_ports, sizeof *db->ports);
    db->port_start = c2d__calloc(a, n_ports + 1, sizeof(uint32_t));
    db->port_total = c2d__calloc(a, n_ports, sizeof(uint32_t));
    db->port_fam = c2d__calloc(a, n_runs, sizeof(uint32_t));
    db->port_cnt = c2d__calloc(a, n_runs, sizeof(uint32_t));
    if (!db->ports || !db->port_start || !db->port_total || !db->port_fam || !db->port_cnt) {
        c2d__free(a, pairs);
        return C2D_ERR_NOMEM;
    }
    size_t pi = 0, out = 0;
    for (size_t i = 0; i < np;) {
        uint16_t port = (uint16_t)(pairs[i] >> 32);
        size_t first = out, j = i;
        db->ports[pi] = port;
        db->port_start[pi] = (uint32_t)out;
        while (j < np && (uint16_t)(pairs[j] >> 32) == port) {
            size_t k = j;
            while (k < np && pairs[k] == pairs[j]) k++;
            db->port_fam[out] = (uint32_t)pairs[j];
            db->port_cnt[out] = (uint32_t)(k - j);
            out++;
            j = k;
        }
        db->port_total[pi] = (uint32_t)(j - i);
        sort_runs(db->port_fam + first, db->port_cnt + first, out - first);
        pi++;
        i = j;
    }
    db->port_start[pi] = (uint32_t)out;
    db->n_ports = n_ports;
    db->n_port_fam = out;
    c2d__free(a, pairs);
    return C2D_OK;
}

static uint32_t v6_text_hash(const uint8_t a[16], unsigned len, bool cidr, char *tmp, size_t *n) {
    size_t t = c2d__format_ipv6(a, tmp);
    if (cidr) {
        char d[4];
        int nd = 0;
        unsigned p = len;
        do { d[nd++] = (char)('0' + p % 10); p /= 10; } while (p);
        tmp[t++] = '/';
        while (nd) tmp[t++] = d[--nd];
        tmp[t] = 0;
    }
    *n = t;
    return hash_str(tmp, t);
}

static void shrink(const c2d_allocator *a, void **p, size_t *cap, size_t elem, size_t n) {
    if (n == 0 || n == *cap) return;
    void *q = c2d__alloc(a, n * elem);
    if (!q) return;
    memcpy(q, *p, n * elem);
    c2d__free(a, *p);
    *p = q;
    *cap = n;
}

c2d_status c2d_iocdb_finalize(c2d_iocdb *db) {
    if (!db) return C2D_ERR_INVALID_ARG;
    if (db->finalized) return C2D_ERR_STATE;
    const c2d_allocator *a = &db->alloc;
    size_t n4 = 0, n64 = 0, ns = 0;
    for (size_t i = 0; i < db->n; i++) {
        const rec *r = &db->recs[i];
        if (!r->is_v6 && r->type == C2D_IOC_IP) n4++;
        else if (!r->is_v6 && r->type == C2D_IOC_IP_PORT) n4++, n64++;
        else if (!r->is_v6 && r->type == C2D_IOC_CIDR) n64++;
        else ns++;
    }
    size_t s4 = pow2_at_least(n4 + n4 / 2 + 1), s64 = pow2_at_least(n64 * 2 + 1),
           ss = pow2_at_least(ns * 2 + 1);
    db->t4 = c2d__alloc(a, s4 * sizeof(slot32));
    db->t64 = c2d__alloc(a, s64 * sizeof(slot64));
    db->ts = c2d__alloc(a, ss * sizeof(slotstr));
    size_t fbits = pow2_at_least(n4 * 16 + 64);
    db->v4_filter = c2d__calloc(a, fbits / 64, sizeof(uint64_t));
    db->next = c2d__alloc(a, (db->n ? db->n : 1) * sizeof(uint32_t));
    size_t sbits = pow2_at_least(ns * 16 + 64);
    db->str_filter = c2d__calloc(a, sbits / 64, sizeof(uint64_t));
    if (!db->t4 || !db->t64 || !db->ts || !db->v4_filter || !db->next || !db->str_filter)
        goto nomem;
    db->str_filter_mask = sbits - 1;
    db->v4_filter_mask = fbits - 1;
    for (size_t i = 0; i < s4; i++) {
        db->t4[i].head = db->t4[i].port_head = NIL;
        db->t4[i].port = db->t4[i].n_ports = 0;
    }
    for (size_t i = 0; i < s64; i++) db->t64[i].head = NIL;
    for (size_t i = 0; i < ss; i++) db->ts[i].head = NIL;
    db->t4_mask = s4 - 1;
    db->t64_mask = s64 - 1;
    db->ts_mask = ss - 1;
    db->v4_cidr_lens[0] = 0;
    memset(db->v6_cidr_lens, 0, sizeof db->v6_cidr_lens);
    for (size_t i = db->n; i-- > 0;) { /* reverse, so chains come out in id order */
        rec *r = &db->recs[i];
        if (!r->is_v6 && (r->type == C2D_IOC_IP || r->type == C2D_IOC_IP_PORT)) {
            size_t h = h32(r->addr) & db->t4_mask;
            slot32 *sl;
            while (sl = &db->t4[h], (sl->head != NIL || sl->n_ports) && sl->key != r->addr)
                h = (h + 1) & db->t4_mask;
            sl->key = r->addr;
            size_t fb = filter_bit(r->addr) & db->v4_filter_mask;
            db->v4_filter[fb / 64] |= 1ULL << (fb % 64);
            if (r->type == C2D_IOC_IP) {
                chain_push(db->next, &sl->head, (uint32_t)i);
                continue;
            }
            if (sl->n_ports == 0 || (sl->n_ports == 1 && sl->port == r->port)) {
                sl->n_ports = 1;
                sl->port = r->port;
                chain_push(db->next, &sl->port_head, (uint32_t)i);
                continue;
            }
            if (sl->n_ports == 1) { /* a second port: move the inline chain to t64 */
                uint64_t k0 = key64_ipport(r->addr, sl->port);
                size_t h0 = h64(k0) & db->t64_mask;
                while (db->t64[h0].head != NIL && db->t64[h0].key != k0) h0 = (h0 + 1) & db->t64_mask;
                db->t64[h0].key = k0;
                db->t64[h0].head = sl->port_head;
                sl->port_head = NIL;
                sl->n_ports = 2;
            }
        }
        if (!r->is_v6 && (r->type == C2D_IOC_CIDR || r->type == C2D_IOC_IP_PORT)) {
            uint64_t k = r->type == C2D_IOC_IP_PORT ? key64_ipport(r->addr, r->port)
                                                    : key64_cidr(r->addr, r->prefix);
            if (r->type == C2D_IOC_CIDR) db->v4_cidr_lens[0] |= 1ULL << r->prefix;
            size_t h = h64(k) & db->t64_mask;
            while (db->t64[h].head != NIL && db->t64[h].key != k) h = (h + 1) & db->t64_mask;
            db->t64[h].key = k;
            chain_push(db->next, &db->t64[h].head, (uint32_t)i);
        } else {
            const char *t = rec_text(db, r);
            uint32_t hv = hash_str(t, strlen(t));
            if (r->type == C2D_IOC_CIDR) db->v6_cidr_lens[r->prefix / 64] |= 1ULL << (r->prefix % 64);
            size_t h = hv & db->ts_mask;
            while (db->ts[h].head != NIL &&
                   (db->ts[h].hash != hv || strcmp(rec_text(db, &db->recs[ID_OF(db->ts[h].head)]), t) != 0))
                h = (h + 1) & db->ts_mask;
            db->ts[h].hash = hv;
            size_t fb = filter_bit(hv) & db->str_filter_mask;
            db->str_filter[fb / 64] |= 1ULL << (fb % 64);
            chain_push(db->next, &db->ts[h].head, (uint32_t)i);
        }
    }
    c2d_status st = build_port_table(db);
    if (st) goto fail;
    /* give back the growth slack of the build phase (best effort) */
    shrink(a, (void **)&db->recs, &db->cap, sizeof(rec), db->n);
    shrink(a, (void **)&db->arena.p, &db->arena.cap, 1, db->arena.len);
    db->finalized = true;
    return C2D_OK;
nomem:
    st = C2D_ERR_NOMEM;
fail:
    free_indexes(db);
    return st;
}

/* ----------------------------------------------------------------- queries */
size_t c2d_iocdb_count(const c2d_iocdb *db, c2d_ioc_type type) {
    if (!db) return 0;
    if (type == C2D_IOC_UNKNOWN) return db->n;
    if ((unsigned)type >= C2D_IOC_TYPE_COUNT) return 0;
    return db->count_by_type[type];
}

size_t c2d_iocdb_memory_bytes(const c2d_iocdb *db) {
    if (!db) return 0;
    size_t b = sizeof *db + db->cap * sizeof(rec) + db->arena.cap + db->cap_v6 * 16;
    const strtab *ts[2] = {&db->families, &db->misc};
    for (int k = 0; k < 2; k++)
        b += ts[k]->text.cap + (ts[k]->cap + ts[k]->count_cap) * 4 + ts[k]->nslots * 4;
    if (db->finalized)
        b += db->n * 4 + (db->t4_mask + 1) * sizeof(slot32) + (db->v4_filter_mask + 1) / 8 +
             (db->str_filter_mask + 1) / 8 + (db->t64_mask + 1) * sizeof(slot64) +
             (db->ts_mask + 1) * sizeof(slotstr) +
             db->n_ports * 10 + 4 + db->n_port_fam * 8;
    return b;
}

c2d_status c2d_iocdb_family(const c2d_iocdb *db, unsigned id, const char **name,
                            size_t *n_indicators) {
    if (!db) return C2D_ERR_INVALID_ARG;
    if (id == 0 || id > db->families.n) return C2D_ERR_NOT_FOUND;
    if (name) *name = strtab_get(&db->families, id);
    if (n_indicators) *n_indicators = db->families.count[id];
    return C2D_OK;
}

c2d_status c2d_iocdb_get(const c2d_iocdb *db, uint32_t id, c2d_ioc_info *info) {
    if (!db || !info || info->size < sizeof *info) return C2D_ERR_INVALID_ARG;
    if (id >= db->n) return C2D_ERR_NOT_FOUND;
    const rec *r = &db->recs[id];
    info->type = (c2d_ioc_type)r->type;
    info->value = rec_text(db, r);
    info->family = strtab_get(&db->families, r->family);
    info->threat_type = strtab_get(&db->misc, r->threat);
    info->source = strtab_get(&db->misc, r->source);
    info->tags = strtab_get(&db->misc, r->tags);
    info->confidence = r->confidence;
    info->first_seen = r->first_seen;
    info->last_seen = r->last_seen;
    info->prefix_len = r->type == C2D_IOC_CIDR || r->type == C2D_IOC_IP ? r->prefix : 0;
    info->port = r->port;
    info->family_id = r->family;
    return C2D_OK;
}

const char *c2d_ioc_type_name(c2d_ioc_type type) {
    switch (type) {
    case C2D_IOC_IP: return "ip";
    case C2D_IOC_CIDR: return "cidr";
    case C2D_IOC_IP_PORT: return "ip:port";
    case C2D_IOC_DOMAIN: return "domain";
    case C2D_IOC_URL: return "url";
    case C2D_IOC_URL_PATH: return "url-path";
    case C2D_IOC_JA3: return "ja3";
    case C2D_IOC_JA4: return "ja4";
    case C2D_IOC_CERT_SHA1: return "cert-sha1";
    default: return "unknown";
    }
}

/* ---------------------------------------------------------------- matching */
typedef struct out_ids {
    uint32_t *ids;
    size_t cap, n;
} out_ids;

static uint64_t rank(const c2d_iocdb *db, uint32_t id) {
    const rec *r = &db->recs[id];
    unsigned spec;
    switch (r->type) {
    case C2D_IOC_IP_PORT: spec = 255; break;
    case C2D_IOC_URL: spec = 255; break;
    case C2D_IOC_IP: spec = 254; break;
    case C2D_IOC_URL_PATH: spec = 253; break;
    case C2D_IOC_CIDR: spec = r->prefix; break;
    default: spec = r->value_len > 252 ? 252 : r->value_len;
    }
    return (uint64_t)spec << 48 | (uint64_t)r->confidence << 40 | (uint64_t)r->last_seen << 8;
}

static bool better(const c2d_iocdb *db, uint32_t x, uint32_t y) {
    uint64_t rx = rank(db, x), ry = rank(db, y);
    return rx != ry ? rx > ry : x < y;
}

static void emit_one(const c2d_iocdb *db, uint32_t id, out_ids *o) {
    size_t k = o->n < o->cap ? o->n : o->cap;
    o->n++;
    if (!o->cap) return;
    size_t i = k;
    while (i > 0 && better(db, id, o->ids[i - 1])) i--;
    if (i >= o->cap) return;
    if (k == o->cap) k--;
    memmove(o->ids + i + 1, o->ids + i, (k - i) * sizeof *o->ids);
    o->ids[i] = id;
}

static void emit_chain(const c2d_iocdb *db, uint32_t id, out_ids *o) {
    for (; id != NIL; id = db->next[id]) {
        if (id & ONLY) {
            emit_one(db, ID_OF(id), o);
            return;
        }
        emit_one(db, id, o);
    }
}

static const slot32 *find4(const c2d_iocdb *db, uint32_t addr) {
    size_t fb = filter_bit(addr) & db->v4_filter_mask;
    if (!(db->v4_filter[fb / 64] >> (fb % 64) & 1)) return NULL;
    size_t h = h32(addr) & db->t4_mask;
    for (;; h = (h + 1) & db->t4_mask) {
        const slot32 *s = &db->t4[h];
        if (s->head == NIL && !s->n_ports) return NULL;
        if (s->key == addr) return s;
    }
}

static uint32_t find64(const c2d_iocdb *db, uint64_t k) {
    size_t h = h64(k) & db->t64_mask;
    for (;; h = (h + 1) & db->t64_mask) {
        const slot64 *s = &db->t64[h];
        if (s->head == NIL) return NIL;
        if (s->key == k) return s->head;
    }
}

static uint32_t find_str(const c2d_iocdb *db, const char *t, size_t n, c2d_ioc_type type) {
    uint32_t hv = hash_str(t, n);
    size_t fb = filter_bit(hv) & db->str_filter_mask;
    if (!(db->str_filter[fb / 64] >> (fb % 64) & 1)) return NIL;
    size_t h = hv & db->ts_mask;
    for (;; h = (h + 1) & db->ts_mask) {
        const slotstr *s = &db->ts[h];
        if (s->head == NIL) return NIL;
        if (s->hash == hv) {
            const rec *r = &db->recs[ID_OF(s->head)];
            const char *o = rec_text(db, r);
            if (r->type == type && strncmp(o, t, n) == 0 && o[n] == 0) return s->head;
        }
    }
}

static bool check_query(const c2d_iocdb *db, uint32_t *ids, size_t cap, size_t *n_total,
                        c2d_status *st) {
    if (!db || !n_total || (!ids && cap)) {
        *st = C2D_ERR_INVALID_ARG;
        return false;
    }
    *n_total = 0;
    if (!db->finalized) {
        *st = C2D_ERR_STATE;
        return false;
    }
    return true;
}

static void match4(const c2d_iocdb *db, uint32_t addr, uint16_t port, out_ids *o) {
    const slot32 *s4 = find4(db, addr);
    if (s4) {
        if (port && s4->n_ports == 1) {
            if (s4->port == port) emit_chain(db, s4->port_head, o);
        } else if (port && s4->n_ports) {
            emit_chain(db, find64(db, key64_ipport(addr, port)), o);
        }
        emit_chain(db, s4->head, o);
    }
    uint64_t lens = db->v4_cidr_lens[0];
    while (lens) {
        unsigned len = 63u - (unsigned)__builtin_clzll(lens);
        lens &= ~(1ULL << len);
        uint32_t net = len ? addr & (uint32_t)(0xFFFFFFFFu << (32 - len)) : 0;
        emit_chain(db, find64(db, key64_cidr(net, len)), o);
    }
}

c2d_status c2d_iocdb_match_ipv4(const c2d_iocdb *db, uint32_t addr, uint16_t port,
                                uint32_t *ids, size_t cap, size_t *n_total) {
    c2d_status st;
    if (!check_query(db, ids, cap, n_total, &st)) return st;
    out_ids o = {ids, cap, 0};
    match4(db, addr, port, &o);
    *n_total = o.n;
    return C2D_OK;
}

#if defined(__GNUC__) || defined(__clang__)
#  define PREFETCH(p) __builtin_prefetch(p)
#else
#  define PREFETCH(p) ((void)(p))
#endif

c2d_status c2d_iocdb_match_ipv4_batch(const c2d_iocdb *db, const uint32_t *addrs,
                                      const uint16_t *ports, size_t n, uint32_t *best,
                                      uint32_t *counts) {
    if (!db || (n && (!addrs || !best))) return C2D_ERR_INVALID_ARG;
    if (!db->finalized) return C2D_ERR_STATE;
    enum { AHEAD_FILTER = 24, AHEAD_SLOT = 12, AHEAD_CHAIN = 4 };
    for (size_t i = 0; i < n; i++) {
        /* two-stage prefetch: the filter word far ahead, the slot (when the
         * filter says "maybe") nearer */
        if (i + AHEAD_FILTER < n) {
            size_t fb = filter_bit(addrs[i + AHEAD_FILTER]) & db->v4_filter_mask;
            PREFETCH(&db->v4_filter[fb / 64]);
        }
        if (i + AHEAD_SLOT < n) {
            uint32_t a = addrs[i + AHEAD_SLOT];
            size_t fb = filter_bit(a) & db->v4_filter_mask;
            if (db->v4_filter[fb / 64] >> (fb % 64) & 1) PREFETCH(&db->t4[h32(a) & db->t4_mask]);
        }
        if (i + AHEAD_CHAIN < n) { /* third stage: what the (now cached) slot points to */
            uint32_t a = addrs[i + AHEAD_CHAIN];
            size_t fb = filter_bit(a) & db->v4_filter_mask;
            if (db->v4_filter[fb / 64] >> (fb % 64) & 1) {
                const slot32 *sl = &db->t4[h32(a) & db->t4_mask];
                if (sl->key == a) {
                    uint16_t p = ports ? ports[i + AHEAD_CHAIN] : 0;
                    if (sl->head != NIL && !(sl->head & ONLY)) PREFETCH(&db->next[sl->head]);
                    if (p && sl->n_ports == 1 && sl->port == p && !(sl->port_head & ONLY))
                        PREFETCH(&db->next[sl->port_head]);
                    if (p && sl->n_ports == 2)
                        PREFETCH(&db->t64[h64(key64_ipport(a, p)) & db->t64_mask]);
                }
            }
        }
        uint32_t id = C2D_IOC_NO_MATCH;
        out_ids o = {&id, 1, 0};
        match4(db, addrs[i], ports ? ports[i] : 0, &o);
        best[i] = o.n ? id : C2D_IOC_NO_MATCH;
        if (counts) counts[i] = (uint32_t)(o.n > 0xFFFFFFFFu ? 0xFFFFFFFFu : o.n);
    }
    return C2D_OK;
}

static void match6(const c2d_iocdb *db, const uint8_t addr[16], uint16_t port, out_ids *o) {
    char tmp[64];
    size_t n;
    if (!db->count_by_type[C2D_IOC_IP] && !db->count_by_type[C2D_IOC_IP_PORT] &&
        !db->count_by_type[C2D_IOC_CIDR])
        return;
    if (port) {
        tmp[0] = '[';
        n = 1 + c2d__format_ipv6(addr, tmp + 1);
        tmp[n++] = ']';
        char d[6];
        int nd = 0;
        for (unsigned p = port; p; p /= 10) d[nd++] = (char)('0' + p % 10);
        tmp[n++] = ':';
        while (nd) tmp[n++] = d[--nd];
        tmp[n] = 0;
        emit_chain(db, find_str(db, tmp, n, C2D_IOC_IP_PORT), o);
    }
    n = c2d__format_ipv6(addr, tmp);
    emit_chain(db, find_str(db, tmp, n, C2D_IOC_IP), o);
    for (int len = 128; len >= 0; len--) {
        if (!(db->v6_cidr_lens[len / 64] >> (len % 64) & 1)) continue;
        uint8_t m[16];
        memcpy(m, addr, 16);
        for (int b = len; b < 128; b++) m[b / 8] &= (uint8_t)~(0x80u >> (b % 8));
        v6_text_hash(m, (unsigned)len, true, tmp, &n);
        emit_chain(db, find_str(db, tmp, n, C2D_IOC_CIDR), o);
    }
}

c2d_status c2d_iocdb_match_ipv6(const c2d_iocdb *db, const uint8_t addr[16], uint16_t port,
                                uint32_t *ids, size_t cap, size_t *n_total) {
    c2d_status st;
    if (!addr) return C2D_ERR_INVALID_ARG;
    if (!check_query(db, ids, cap, n_total, &st)) return st;
    out_ids o = {ids, cap, 0};
    match6(db, addr, port, &o);
    *n_total = o.n;
    return C2D_OK;
}

static c2d_status match_domain(const c2d_iocdb *db, const char *name, size_t len, out_ids *o) {
    char buf[C2D__IOC_MAX_DOMAIN + 2];
    if (len && name[len - 1] == '.') len--;
    if (len > C2D__IOC_MAX_DOMAIN) return C2D_ERR_LIMIT;
    if (!db->count_by_type[C2D_IOC_DOMAIN] || len == 0) return C2D_OK;
    for (size_t i = 0; i < len; i++) {
        char c = name[i];
        buf[i] = (char)(c >= 'A' && c <= 'Z' ? c + 32 : c);
    }
    buf[len] = 0;
    size_t i = 0;
    for (;;) {
        emit_chain(db, find_str(db, buf + i, len - i, C2D_IOC_DOMAIN), o);
        const char *dot = memchr(buf + i, '.', len - i);
        if (!dot) break;
        i = (size_t)(dot - buf) + 1;
        if (i >= len) break;
    }
    return C2D_OK;
}

c2d_status c2d_iocdb_match_domain(const c2d_iocdb *db, const char *name, size_t len,
                                  uint32_t *ids, size_t cap, size_t *n_total) {
    c2d_status st;
    if (!name) return C2D_ERR_INVALID_ARG;
    if (!check_query(db, ids, cap, n_total, &st)) return st;
    out_ids o = {ids, cap, 0};
    st = match_domain(db, name, len, &o);
    *n_total = o.n;
    return st;
}

/* URL and URL-path indicators for a normalised URL `u` (n bytes). */
static void match_url_norm(const c2d_iocdb *db, const char *u, size_t n, out_ids *o) {
    if (db->count_by_type[C2D_IOC_URL]) emit_chain(db, find_str(db, u, n, C2D_IOC_URL), o);
    if (!db->count_by_type[C2D_IOC_URL_PATH]) return;
    const char *p = strstr(u, "://");
    if (!p) return;
    p = memchr(p + 3, '/', n - (size_t)(p + 3 - u));
    if (!p) return;
    size_t pn = n - (size_t)(p - u);
    emit_chain(db, find_str(db, p, pn, C2D_IOC_URL_PATH), o);
    const char *q = memchr(p, '?', pn);
    if (q) emit_chain(db, find_str(db, p, (size_t)(q - p), C2D_IOC_URL_PATH), o);
}

c2d_status c2d_iocdb_match_url(const c2d_iocdb *db, const char *url, size_t len, uint32_t *ids,
                               size_t cap, size_t *n_total) {
    c2d_status st;
    if (!url) return C2D_ERR_INVALID_ARG;
    if (!check_query(db, ids, cap, n_total, &st)) return st;
    char buf[C2D__IOC_MAX_URL + 1];
    size_t n;
    st = c2d_ioc_normalize_url(url, len, buf, sizeof buf, &n);
    if (st == C2D_ERR_BUFFER_TOO_SMALL) return C2D_ERR_LIMIT;
    if (st) return st;
    out_ids o = {ids, cap, 0};
    match_url_norm(db, buf, n, &o);
    *n_total = o.n;
    return C2D_OK;
}

/* Match the host[:port] of a normalised URL (after "scheme://[userinfo@]"). */
static void match_url_host(const c2d_iocdb *db, const char *u, size_t n, out_ids *o) {
    const char *p = strstr(u, "://");
    if (!p) return;
    p += 3;
    const char *end = p;
    while (end < u + n && *end != '/') end++;
    for (const char *q = p; q < end; q++)
        if (*q == '@') p = q + 1;
    unsigned port = strncmp(u, "https:", 6) == 0 ? 443 : 80;
    const char *hend = end;
    if (*p == '[') {
        const char *rb = memchr(p, ']', (size_t)(end - p));
        if (!rb) return;
        uint8_t a6[16];
        if (rb + 1 < end && rb[1] == ':') port = (unsigned)strtoul(rb + 2, NULL, 10);
        if (c2d__parse_ipv6(p + 1, (size_t)(rb - p - 1), a6)) match6(db, a6, (uint16_t)port, o);
        return;
    }
    const char *colon = memchr(p, ':', (size_t)(end - p));
    if (colon) {
        hend = colon;
        port = (unsigned)strtoul(colon + 1, NULL, 10);
    }
    uint32_t a4;
    if (c2d__parse_ipv4(p, (size_t)(hend - p), &a4)) match4(db, a4, (uint16_t)port, o);
    else (void)match_domain(db, p, (size_t)(hend - p), o);
}

c2d_status c2d_iocdb_match_text(const c2d_iocdb *db, const char *value, size_t len,
                                uint32_t *ids, size_t cap, size_t *n_total) {
    c2d_status st;
    if (!value) return C2D_ERR_INVALID_ARG;
    if (!check_query(db, ids, cap, n_total, &st)) return st;
    c2d__ioc_value pv; /* ~4 KiB of stack: lookups allocate nothing */
    c2d__ioc_value *v = &pv;
    st = c2d__ioc_parse_value(value, len, C2D_IOC_UNKNOWN, v);
    if (st) return st;
    out_ids o = {ids, cap, 0};
    switch (v->type) {
    case C2D_IOC_IP:
    case C2D_IOC_IP_PORT:
        if (v->is_v6) match6(db, v->v6, v->port, &o);
        else match4(db, v->v4, v->port, &o);
        break;
    case C2D_IOC_DOMAIN:
        st = match_domain(db, v->text, v->len, &o);
        break;
    case C2D_IOC_URL:
        match_url_norm(db, v->text, v->len, &o);
        match_url_host(db, v->text, v->len, &o);
        break;
    case C2D_IOC_URL_PATH:
        emit_chain(db, find_str(db, v->text, v->len, C2D_IOC_URL_PATH), &o);
        break;
    case C2D_IOC_CIDR:
        if (v->is_v6) emit_chain(db, find_str(db, v->text, v->len, C2D_IOC_CIDR), &o);
        else emit_chain(db, find64(db, key64_cidr(v->v4, v->prefix)), &o);
        break;
    default:
        break;
    }
    *n_total = o.n;
    return st;
}

c2d_status c2d_iocdb_match_fingerprint(const c2d_iocdb *db, c2d_ioc_type type,
                                       const char *value, size_t len, uint32_t *ids, size_t cap,
                                       size_t *n_total) {
    c2d_status st;
    if (!value || (type != C2D_IOC_JA3 && type != C2D_IOC_JA4 && type != C2D_IOC_CERT_SHA1))
        return C2D_ERR_INVALID_ARG;
    if (!check_query(db, ids, cap, n_total, &st)) return st;
    if (len > 64) return C2D_ERR_MALFORMED;
    c2d__ioc_value pv;
    st = c2d__ioc_parse_value(value, len, type, &pv);
    if (st) return st;
    out_ids o = {ids, cap, 0};
    if (db->count_by_type[type]) {
        /* a chain holds every record of one text; keep those of this type */
        for (uint32_t id = find_str(db, pv.text, pv.len, type); id != NIL; id = db->next[id]) {
            uint32_t i = ID_OF(id);
            if (db->recs[i].type == type) emit_one(db, i, &o);
            if (id & ONLY) break;
        }
    }
    *n_total = o.n;
    return C2D_OK;
}

c2d_status c2d_iocdb_port_families(const c2d_iocdb *db, uint16_t port, unsigned *family_ids,
                                   uint32_t *counts, size_t cap, size_t *n_total,
                                   size_t *n_port) {
    if (!db || !n_total || (cap && (!family_ids || !counts))) return C2D_ERR_INVALID_ARG;
    *n_total = 0;
    if (n_port) *n_port = 0;
    if (!db->finalized) return C2D_ERR_STATE;
    size_t lo = 0, hi = db->n_ports;
    while (lo < hi) {
        size_t mid = lo + (hi - lo) / 2;
        if (db->ports[mid] < port) lo = mid + 1;
        else hi = mid;
    }
    if (lo == db->n_ports || db->ports[lo] != port) return C2D_OK;
    size_t b = db->port_start[lo], e = db->port_start[lo + 1];
    for (size_t i = b; i < e && i - b < cap; i++) {
        family_ids[i - b] = db->port_fam[i];
        counts[i - b] = db->port_cnt[i];
    }
    *n_total = e - b;
    if (n_port) *n_port = db->port_total[lo];
    return C2D_OK;
}
