/* Host engine report: evidence items per host from its state, the allow-list,
 * the fitted fusion (noisy-OR over per-kind strengths, weights in weights.c)
 * and the ranking. Definitions: docs/hosts.md. */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "hosts/hosts_internal.h"

const char *c2d__hosts_via_name(unsigned via);

#define MAX_ITEMS 24u
#define MAX_BEACON_ITEMS 4u

const char *c2d_evidence_kind_name(c2d_evidence_kind kind) {
    switch (kind) {
    case C2D_EVIDENCE_BEACON: return "beacon";
    case C2D_EVIDENCE_FANOUT: return "fanout";
    case C2D_EVIDENCE_DGA_NAMES: return "dga_names";
    case C2D_EVIDENCE_NXDOMAIN_BURST: return "nxdomain_burst";
    case C2D_EVIDENCE_IOC: return "ioc";
    case C2D_EVIDENCE_HTTP_C2: return "http_c2";
    case C2D_EVIDENCE_C2_CANDIDATE: return "c2_candidate";
    case C2D_EVIDENCE_UPLOAD: return "upload";
    case C2D_EVIDENCE_RARE_COUNTRY: return "rare_country";
    case C2D_EVIDENCE_TLS_NO_SNI: return "tls_no_sni";
    case C2D_EVIDENCE_TLS_CERT: return "tls_cert";
    case C2D_EVIDENCE_NEW_DOMAIN: return "new_domain";
    default: return "unknown";
    }
}

/* ------------------------------------------------------------ allow-list */
static bool name_allowed(const c2d_hosts *h, const char *name) {
    if (!name || !name[0]) return false;
    size_t n = strlen(name);
    while (n > 0 && name[n - 1] == '.') n--;
    for (uint32_t i = 0; i < h->n_allow; i++) {
        const c2d__allow *a = &h->allow[i];
        if (a->is_addr) continue;
        size_t l = strlen(a->name);
        if (l > n) continue;
        const char *tail = name + (n - l);
        bool eq = true;
        for (size_t k = 0; k < l && eq; k++) {
            char c = tail[k];
            if (c >= 'A' && c <= 'Z') c = (char)(c + 32);
            eq = c == a->name[k];
        }
        if (eq && (l == n || name[n - l - 1] == '.')) return true;
    }
    return false;
}

static bool addr_allowed(const c2d_hosts *h, const uint8_t addr[16]) {
    for (uint32_t i = 0; i < h->n_allow; i++)
        if (h->allow[i].is_addr && c2d__hosts_prefix_match(addr, h->allow[i].addr, h->allow[i].prefix))
            return true;
    return false;
}

/* --------------------------------------------------------------- items */
typedef struct build {
    const c2d_hosts *h;
    c2d__ranked_item *items; /* NULL: count only */
    uint32_t n;
    double strength[C2D_EVIDENCE_KIND_COUNT_];
    uint64_t allowed;
    c2d__ranked_item scratch;  /* where counting passes write */
} build;

static c2d__ranked_item *item_new(build *b, c2d_evidence_kind kind, double x) {
    if (b->n >= MAX_ITEMS) return NULL;
    c2d__ranked_item *it = b->items ? &b->items[b->n] : &b->scratch;
    memset(it, 0, sizeof *it);
    b->n++;
    it->ev.size = sizeof it->ev;
    it->ev.kind = kind;
    it->ev.score = x;
    it->ev.weight = c2d__hosts_weight[kind] * x;
    if (x > b->strength[kind]) b->strength[kind] = x;
    return it;
}

static void set_name(c2d__ranked_item *it, const char *name) {
    snprintf(it->name, sizeof it->name, "%s", name ? name : "");
}

static void set_examples(c2d__ranked_item *it, const char ex[][C2D__HOSTS_NAME], uint32_t n) {
    size_t off = 0;
    it->examples[0] = 0;
    for (uint32_t i = 0; i < n && i < C2D__HOSTS_EXAMPLES; i++) {
        int w = snprintf(it->examples + off, sizeof it->examples - off, "%s%s", i ? "," : "", ex[i]);
        if (w < 0 || (size_t)w >= sizeof it->examples - off) break;
        off += (size_t)w;
    }
}

static double ramp(double v, double at_half) { /* v = at_half -> 0.5, 2 * at_half -> 1 */
    double x = v / (2.0 * at_half);
    return x > 1 ? 1 : x;
}

typedef struct beacon_pick {
    uint32_t pid;
    c2d__beacon b;
} beacon_pick;

static void beacon_items(build *b, const c2d__host *x) {
    const c2d_hosts *h = b->h;
    beacon_pick best[MAX_BEACON_ITEMS];
    uint32_t nb = 0;
    uint64_t host_span = x->last_ns - x->first_ns;
    uint32_t merge_ms = (uint32_t)(h->cfg.beacon_merge_ns / 1000000u);
    for (uint32_t pid = x->pairs_head; pid != C2D__HOSTS_NONE; pid = c2d__hosts_pair_at(h, pid)->next) {
        const c2d__pair *p = c2d__hosts_pair_at(h, pid);
        if (p->n_times < h->cfg.beacon_min_attempts) continue;
        c2d__beacon bs;
        if (!c2d__beacon_score(p->times_ms, p->sizes, p->sports, p->n_times, merge_ms, h->cfg.beacon_min_attempts,
                               p->last_ns - p->first_ns, host_span, &bs))
            continue;
        if (bs.score < h->cfg.beacon_threshold) continue;
        if (addr_allowed(h, p->addr) || name_allowed(h, p->name)) {
            b->allowed++;
            continue;
        }
        /* keep the strongest few; a name pair and an address pair of the same
         * destination are one beacon: the name pair is kept */
        bool dup = false;
        for (uint32_t i = 0; i < nb; i++) {
            const c2d__pair *q = c2d__hosts_pair_at(h, best[i].pid);
            if (q->port == p->port && q->by_name != p->by_name && p->name[0] && !strcmp(q->name, p->name)) {
                dup = true;
                if (p->by_name) best[i] = (beacon_pick){pid, bs};
                break;
            }
        }
        if (dup) continue;
        if (nb < MAX_BEACON_ITEMS) {
            best[nb++] = (beacon_pick){pid, bs};
        } else {
            uint32_t w = 0;
            for (uint32_t i = 1; i < nb; i++) if (best[i].b.score < best[w].b.score) w = i;
            if (bs.score > best[w].b.score) best[w] = (beacon_pick){pid, bs};
        }
    }
    for (uint32_t i = 0; i < nb; i++) {
        const c2d__pair *p = c2d__hosts_pair_at(h, best[i].pid);
        c2d__ranked_item *it = item_new(b, C2D_EVIDENCE_BEACON, best[i].b.score);
        if (!it) return;
        it->ev.has_dst = 1;
        memcpy(it->ev.dst_addr, p->addr, 16);
        it->ev.dst_port = p->port;
        set_name(it, p->name);
        it->ev.count = p->sessions;
        it->ev.distinct = best[i].b.attempts;
        it->ev.first_ns = p->first_ns;
        it->ev.last_ns = p->last_ns;
        it->ev.interval_s = best[i].b.interval_s;
        it->ev.interval_mad_s = best[i].b.interval_mad_s;
        it->ev.skew_score = best[i].b.skew_score;
        it->ev.dispersion_score = best[i].b.dispersion_score;
        it->ev.size_score = best[i].b.size_score;
        it->ev.coverage_score = best[i].b.coverage_score;
        it->ev.attempts_no_payload = p->no_payload;
    }
}

/* The pair with the most sessions of a class (c2_candidates or uploads). */
static const c2d__pair *top_pair(const c2d_hosts *h, const c2d__host *x, bool uploads) {
    const c2d__pair *top = NULL;
    for (uint32_t pid = x->pairs_head; pid != C2D__HOSTS_NONE; pid = c2d__hosts_pair_at(h, pid)->next) {
        const c2d__pair *p = c2d__hosts_pair_at(h, pid);
        if (p->by_name) continue;
        uint64_t v = uploads ? p->uploads : p->c2_candidates;
        if (v && (!top || v > (uploads ? top->uploads : top->c2_candidates))) top = p;
    }
    return top;
}

static void class_item(build *b, const c2d__host *x, bool uploads) {
    const c2d_hosts *h = b->h;
    uint64_t total = uploads ? x->uploads : x->c2_candidates;
    if (!total) return;
    const c2d__pair *p = top_pair(h, x, uploads);
    if (p && (addr_allowed(h, p->addr) || name_allowed(h, p->name))) {
        b->allowed++;
        return;
    }
    uint64_t best = p ? (uploads ? p->uploads : p->c2_candidates) : total;
    c2d__ranked_item *it = item_new(b, uploads ? C2D_EVIDENCE_UPLOAD : C2D_EVIDENCE_C2_CANDIDATE,
                                    ramp((double)best, 5.0));
    if (!it) return;
    it->ev.count = total;
    if (p) {
        it->ev.has_dst = 1;
        memcpy(it->ev.dst_addr, p->addr, 16);
        it->ev.dst_port = p->port;
        set_name(it, p->name);
        it->ev.first_ns = p->first_ns;
        it->ev.last_ns = p->last_ns;
        it->ev.distinct = best;
    }
}

static void ioc_items(build *b, const c2d__host *x) {
    const c2d_hosts *h = b->h;
    for (uint32_t i = 0; i < x->n_ioc; i++) {
        const c2d__ioc_hit *e = &x->ioc[i];
        if ((e->has_dst && addr_allowed(h, e->addr)) || name_allowed(h, e->name)) {
            b->allowed++;
            continue;
        }
        c2d_ioc_info info = {.size = sizeof info};
        if (c2d_iocdb_get(h->cfg.ioc, e->id, &info) != C2D_OK) continue;
        c2d__ranked_item *it = item_new(b, C2D_EVIDENCE_IOC, 1.0);
        if (!it) return;
        it->ev.has_dst = e->has_dst;
        memcpy(it->ev.dst_addr, e->addr, 16);
        it->ev.dst_port = e->port;
        set_name(it, e->name);
        it->ev.count = e->count;
        it->ev.first_ns = e->first_ns;
        it->ev.last_ns = e->last_ns;
        it->ev.via = c2d__hosts_via_name(e->via);
        it->ev.indicator = info.value;
        it->ev.family = info.family;
        it->ev.source = info.source;
    }
}

static void rare_country_item(build *b, const c2d__host *x) {
    const c2d_hosts *h = b->h;
    if (h->hosts_with_country < 20 || x->n_country == 0) return;
    double best_share = 1.0;
    int best = -1;
    for (uint8_t i = 0; i < x->n_country; i++) {
        double share = (double)h->country_hosts[x->country[i]] / (double)h->hosts_with_country;
        if (share < best_share) best_share = share, best = i;
    }
    if (best < 0 || best_share >= 0.05) return;
    c2d__ranked_item *it = item_new(b, C2D_EVIDENCE_RARE_COUNTRY, 1.0 - best_share / 0.05);
    if (!it) return;
    unsigned code = x->country[best];
    snprintf(it->examples, sizeof it->examples, "%c%c", 'A' + code / 26, 'A' + code % 26);
    it->ev.count = x->country_sessions[best];
    it->ev.distinct = h->country_hosts[code];
}

/* An item about one destination, or NULL (counted in `allowed`) when the
 * allow-list holds its address or `allow_name`, or when the host's items are full. */
static c2d__ranked_item *dst_item(build *b, c2d_evidence_kind kind, double x, const uint8_t addr[16],
                                  uint16_t port, const char *allow_name, uint64_t count, uint64_t first_ns,
                                  uint64_t last_ns) {
    if (addr_allowed(b->h, addr) || name_allowed(b->h, allow_name)) {
        b->allowed++;
        return NULL;
    }
    c2d__ranked_item *it = item_new(b, kind, x);
    if (!it) return NULL;
    it->ev.has_dst = 1;
    memcpy(it->ev.dst_addr, addr, 16);
    it->ev.dst_port = port;
    it->ev.count = count;
    it->ev.first_ns = first_ns;
    it->ev.last_ns = last_ns;
    return it;
}

static void host_items(build *b, const c2d__host *x) {
    const c2d_hosts *h = b->h;
    memset(b->strength, 0, sizeof b->strength);
    b->n = 0;
    beacon_items(b, x);
    ioc_items(b, x);
    const c2d__http *hp = x->http;
    if (hp) {
        c2d__ranked_item *it = dst_item(b, C2D_EVIDENCE_HTTP_C2, hp->best, hp->dst, hp->port, NULL, hp->count,
                                        hp->first_ns, hp->last_ns);
        if (it) snprintf(it->examples, sizeof it->examples, "%s", hp->example);
    }
    const c2d__fanout *f = x->fan;
    if (f && f->best >= h->cfg.fanout_min_destinations) {
        c2d__ranked_item *it = item_new(b, C2D_EVIDENCE_FANOUT, ramp(f->best, h->cfg.fanout_min_destinations));
        if (it) {
            it->ev.distinct = f->best;
            it->ev.count = f->attempts;
            it->ev.dst_port = f->port;
            it->ev.first_ns = f->best_first_ns;
            it->ev.last_ns = f->best_last_ns;
        }
    }
    const c2d__nameset *ns = x->names;
    if (ns && ns->n_dga >= h->cfg.dga_min_names) {
        c2d__ranked_item *it = item_new(b, C2D_EVIDENCE_DGA_NAMES, ramp(ns->n_dga, h->cfg.dga_min_names));
        if (it) {
            it->ev.distinct = ns->n_dga;
            it->ev.count = ns->dga_nx; /* of them NXDOMAIN */
            it->ev.first_ns = ns->dga_first_ns;
            it->ev.last_ns = ns->dga_last_ns;
            set_examples(it, ns->dga_examples, ns->n_dga);
        }
    }
    if (ns && ns->nx_best >= h->cfg.nxdomain_min) {
        c2d__ranked_item *it = item_new(b, C2D_EVIDENCE_NXDOMAIN_BURST, ramp(ns->nx_best, h->cfg.nxdomain_min));
        if (it) {
            it->ev.distinct = ns->nx_best;
            it->ev.count = ns->nx_total;
            it->ev.first_ns = ns->nx_best_first_ns;
            it->ev.last_ns = ns->nx_best_last_ns;
            set_examples(it, ns->nx_examples, ns->nx_best);
        }
    }
    class_item(b, x, false);
    class_item(b, x, true);
    rare_country_item(b, x);
    const c2d__tls_signals *t = x->tls;
    if (t && t->no_sni)
        (void)dst_item(b, C2D_EVIDENCE_TLS_NO_SNI, ramp((double)t->no_sni, 5.0), t->no_sni_dst, t->no_sni_port, NULL,
                       t->no_sni, t->no_sni_first_ns, t->no_sni_last_ns);
    const c2d__newdom *nd = x->newdom;
    if (nd && nd->count) {
        if (name_allowed(h, nd->example)) {
            b->allowed++;
        } else {
            c2d__ranked_item *it = item_new(b, C2D_EVIDENCE_NEW_DOMAIN, ramp((double)nd->distinct, 1.0));
            if (it) {
                set_name(it, nd->example);
                it->ev.count = nd->count;
                it->ev.distinct = nd->distinct;
                it->ev.first_ns = nd->first_ns;
                it->ev.last_ns = nd->last_ns;
            }
        }
    }
    if (t && t->self_signed) {
        c2d__ranked_item *it = dst_item(b, C2D_EVIDENCE_TLS_CERT, ramp((double)t->self_signed, 2.0), t->cert_dst,
                                        t->cert_port, t->cert_cn, t->self_signed, t->cert_first_ns, t->cert_last_ns);
        if (it) snprintf(it->examples, sizeof it->examples, "%s", t->cert_cn);
    }
}

static double fuse(const double strength[C2D_EVIDENCE_KIND_COUNT_]) {
    double keep = 1.0;
    for (int k = 1; k < C2D_EVIDENCE_KIND_COUNT_; k++) keep *= 1.0 - c2d__hosts_weight[k] * strength[k];
    return 1.0 - keep;
}

/* ------------------------------------------------------------- ranking */
/* The ranking lives outside the state's memory budget (hosts.h says why). */
void c2d__hosts_drop_ranking(c2d_hosts *h) {
    if (h->ranked) c2d__free(&h->alloc, h->ranked);
    if (h->items) c2d__free(&h->alloc, h->items);
    h->ranked = NULL;
    h->items = NULL;
    h->n_ranked = h->n_items = 0;
    h->ranked_valid = 0;
}

static int item_cmp(const void *a, const void *b) {
    const c2d__ranked_item *x = a, *y = b;
    if (x->ev.weight != y->ev.weight) return x->ev.weight < y->ev.weight ? 1 : -1;
    return (int)x->ev.kind - (int)y->ev.kind;
}

static int ranked_cmp(const void *a, const void *b) {
    const c2d__ranked *x = a, *y = b;
    if (x->score != y->score) return x->score < y->score ? 1 : -1;
    if (x->n_items != y->n_items) return x->n_items < y->n_items ? 1 : -1;
    return memcmp(x->addr, y->addr, 16);
}

static void fix_strings(c2d__ranked_item *it) {
    it->ev.name = it->name;
    it->ev.examples = it->examples;
    if (!it->ev.via) it->ev.via = "";
    if (!it->ev.indicator) it->ev.indicator = "";
    if (!it->ev.family) it->ev.family = "";
    if (!it->ev.source) it->ev.source = "";
}

c2d_status c2d_hosts_rank(c2d_hosts *h, int include_ok, size_t *n_hosts) {
    if (!h) return C2D_ERR_INVALID_ARG;
    c2d__hosts_drop_ranking(h);
    c2d__hosts_age_out(h);
    build b = {.h = h};
    size_t n = 0, cap = 0, total_items = 0;
    for (uint32_t i = 0; i < h->hosts.used; i++) {
        const c2d__host *x = c2d__hosts_host_at(h, i);
        if (!x->used) continue;
        host_items(&b, x);
        double score = fuse(b.strength);
        if (score < h->cfg.suspicious_threshold && !include_ok) continue;
        if (n == cap) {
            size_t ncap = cap ? cap * 2 : 64;
            c2d__ranked *nr = c2d__calloc(&h->alloc, ncap, sizeof *nr);
            if (!nr) {
                c2d__hosts_drop_ranking(h);
                return C2D_ERR_NOMEM;
            }
            if (n) memcpy(nr, h->ranked, n * sizeof *nr);
            if (h->ranked) c2d__free(&h->alloc, h->ranked);
            h->ranked = nr;
            cap = ncap;
        }
        h->ranked[n] = (c2d__ranked){.host = i, .score = score, .n_items = b.n};
        memcpy(h->ranked[n].addr, x->addr, 16);
        n++;
        total_items += b.n;
    }
    h->n_ranked = n;
    uint64_t allowed = b.allowed; /* over every host, ranked or not */
    h->items = c2d__calloc(&h->alloc, total_items + 1, sizeof *h->items);
    if (!h->items) {
        c2d__hosts_drop_ranking(h);
        return C2D_ERR_NOMEM;
    }
    h->n_items = total_items;
    /* second pass: store the items (host_items is deterministic) */
    size_t off = 0;
    b.allowed = 0;
    for (size_t r = 0; r < n; r++) {
        b.items = h->items + off;
        host_items(&b, c2d__hosts_host_at(h, h->ranked[r].host));
        h->ranked[r].first_item = (uint32_t)off;
        h->ranked[r].n_items = b.n;
        qsort(b.items, b.n, sizeof *b.items, item_cmp);
        for (uint32_t k = 0; k < b.n; k++) fix_strings(&b.items[k]);
        off += b.n;
    }
    h->stats.allowed_evidence = allowed;
    if (n) qsort(h->ranked, n, sizeof *h->ranked, ranked_cmp);
    h->ranked_valid = 1;
    if (n_hosts) *n_hosts = n;
    return C2D_OK;
}

static c2d_status ranked_at(const c2d_hosts *h, size_t index, const c2d__ranked **out) {
    if (!h) return C2D_ERR_INVALID_ARG;
    if (!h->ranked_valid) return C2D_ERR_STATE;
    if (index >= h->n_ranked) return C2D_ERR_NOT_FOUND;
    *out = &h->ranked[index];
    return C2D_OK;
}

c2d_status c2d_hosts_host(const c2d_hosts *h, size_t index, c2d_host_report *out) {
    if (!out || out->size < sizeof *out) return C2D_ERR_INVALID_ARG;
    const c2d__ranked *r;
    c2d_status st = ranked_at(h, index, &r);
    if (st != C2D_OK) return st;
    const c2d__host *x = c2d__hosts_host_at(h, r->host);
    memset(out, 0, sizeof *out);
    out->size = sizeof *out;
    memcpy(out->addr, x->addr, 16);
    out->score = r->score;
    out->verdict = r->score >= h->cfg.alert_threshold        ? C2D_VERDICT_ALERT
                   : r->score >= h->cfg.suspicious_threshold ? C2D_VERDICT_SUSPICIOUS
                                                             : C2D_VERDICT_OK;
    out->first_ns = x->first_ns;
    out->last_ns = x->last_ns;
    out->sessions = x->sessions;
    out->dns_responses = x->dns_responses;
    out->http_requests = x->http_requests;
    out->n_evidence = r->n_items;
    out->pairs = x->n_pairs;
    out->pairs_evicted = x->pairs_evicted;
    return C2D_OK;
}

c2d_status c2d_hosts_evidence(const c2d_hosts *h, size_t index, size_t item, c2d_evidence *out) {
    if (!out || out->size < sizeof *out) return C2D_ERR_INVALID_ARG;
    const c2d__ranked *r;
    c2d_status st = ranked_at(h, index, &r);
    if (st != C2D_OK) return st;
    if (item >= r->n_items) return C2D_ERR_NOT_FOUND;
    *out = h->items[r->first_item + item].ev;
    return C2D_OK;
}

c2d_status c2d_hosts_strengths(const c2d_hosts *h, size_t index, double *x, size_t n) {
    if (!x) return C2D_ERR_INVALID_ARG;
    const c2d__ranked *r;
    c2d_status st = ranked_at(h, index, &r);
    if (st != C2D_OK) return st;
    if (n < C2D_EVIDENCE_KIND_COUNT_) return C2D_ERR_BUFFER_TOO_SMALL;
    for (size_t k = 0; k < n; k++) x[k] = 0;
    for (uint32_t i = 0; i < r->n_items; i++) {
        const c2d_evidence *e = &h->items[r->first_item + i].ev;
        if (e->score > x[e->kind]) x[e->kind] = e->score;
    }
    return C2D_OK;
}
