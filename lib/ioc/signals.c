/* Weak signals around IOCs: port facts (seed 002), domain age and the
 * per-client destination-country rarity counter (seed 003), and the
 * ioc-family-v1 feature row. */
#include <string.h>

#include "ioc/ioc_internal.h"

static bool digits_contain(unsigned port, const char *pat) {
    char d[12];
    int n = 0;
    char r[12];
    unsigned p = port;
    do { r[n++] = (char)('0' + p % 10); p /= 10; } while (p);
    for (int i = 0; i < n; i++) d[i] = r[n - 1 - i];
    d[n] = 0;
    return strstr(d, pat) != NULL;
}

int c2d_port_possible_http(unsigned port) { return digits_contain(port, "80"); }
int c2d_port_possible_https(unsigned port) { return digits_contain(port, "443"); }

c2d_status c2d_domain_newly_registered(int64_t registered, int64_t now, unsigned threshold_days,
                                       int *newly) {
    if (!newly || registered <= 0) return C2D_ERR_INVALID_ARG;
    *newly = (now - registered) < (int64_t)threshold_days * 86400 ? 1 : 0;
    return C2D_OK;
}

/* ------------------------------------------------------ country rarity */
/* Open-addressing table of (client, country) -> count. Country 0 is the
 * client's total. Empty slot: cc == 0xFFFF. */
typedef struct cc_slot {
    uint64_t client;
    uint32_t count;
    uint16_t cc;
    uint16_t pad;
} cc_slot;

struct c2d_country_counter {
    c2d_allocator alloc;
    cc_slot *slots;
    size_t mask, used, max_used;
};

#define CC_EMPTY 0xFFFF

c2d_status c2d_country_counter_new(const c2d_allocator *alloc, size_t max_pairs,
                                   c2d_country_counter **out) {
    if (!out) return C2D_ERR_INVALID_ARG;
    *out = NULL;
    if (max_pairs == 0 || max_pairs > ((size_t)1 << 26)) return C2D_ERR_INVALID_ARG;
    c2d_allocator a;
    c2d_status st = c2d__allocator_init(&a, alloc);
    if (st) return st;
    size_t nslots = 16;
    while (nslots < max_pairs * 4) nslots *= 2; /* pairs + client totals, load <= 1/2 */
    c2d_country_counter *cc = c2d__calloc(&a, 1, sizeof *cc);
    if (!cc) return C2D_ERR_NOMEM;
    cc->alloc = a;
    cc->slots = c2d__alloc(&a, nslots * sizeof(cc_slot));
    if (!cc->slots) {
        c2d__free(&a, cc);
        return C2D_ERR_NOMEM;
    }
    for (size_t i = 0; i < nslots; i++) cc->slots[i].cc = CC_EMPTY;
    cc->mask = nslots - 1;
    cc->max_used = max_pairs * 2;
    *out = cc;
    return C2D_OK;
}

void c2d_country_counter_free(c2d_country_counter *cc) {
    if (!cc) return;
    c2d_allocator a = cc->alloc;
    c2d__free(&a, cc->slots);
    c2d__free(&a, cc);
}

static int cc_code(const char *iso2) {
    if (!iso2) return -1;
    int a = iso2[0], b = a ? iso2[1] : 0;
    if (a >= 'a' && a <= 'z') a -= 32;
    if (b >= 'a' && b <= 'z') b -= 32;
    if (a < 'A' || a > 'Z' || b < 'A' || b > 'Z' || iso2[2]) return -1;
    return 1 + (a - 'A') * 26 + (b - 'A');
}

static size_t cc_find(const c2d_country_counter *cc, uint64_t client, uint16_t code) {
    uint64_t h = (client ^ ((uint64_t)code << 48)) * 0x9E3779B97F4A7C15ULL;
    size_t i = (size_t)(h >> 32) & cc->mask;
    while (cc->slots[i].cc != CC_EMPTY &&
           !(cc->slots[i].client == client && cc->slots[i].cc == code))
        i = (i + 1) & cc->mask;
    return i;
}

c2d_status c2d_country_counter_observe(c2d_country_counter *cc, uint64_t client,
                                       const char *iso2) {
    int code = cc_code(iso2);
    if (!cc || code < 0) return C2D_ERR_INVALID_ARG;
    size_t ip = cc_find(cc, client, (uint16_t)code), it = cc_find(cc, client, 0);
    size_t need = (cc->slots[ip].cc == CC_EMPTY) + (cc->slots[it].cc == CC_EMPTY);
    if (cc->used + need > cc->max_used) return C2D_ERR_LIMIT;
    if (cc->slots[it].cc == CC_EMPTY) {
        cc->slots[it] = (cc_slot){client, 0, 0, 0};
        cc->used++;
        ip = cc_find(cc, client, (uint16_t)code); /* the insert may have taken its slot */
    }
    if (cc->slots[ip].cc == CC_EMPTY) {
        cc->slots[ip] = (cc_slot){client, 0, (uint16_t)code, 0};
        cc->used++;
    }
    if (cc->slots[ip].count < 0xFFFFFFFFu) cc->slots[ip].count++;
    if (cc->slots[it].count < 0xFFFFFFFFu) cc->slots[it].count++;
    return C2D_OK;
}

c2d_status c2d_country_counter_rarity(const c2d_country_counter *cc, uint64_t client,
                                      const char *iso2, double *rarity, uint64_t *seen,
                                      uint64_t *total) {
    int code = cc_code(iso2);
    if (!cc || code < 0 || !rarity) return C2D_ERR_INVALID_ARG;
    size_t ip = cc_find(cc, client, (uint16_t)code), it = cc_find(cc, client, 0);
    uint64_t n_kc = cc->slots[ip].cc == CC_EMPTY ? 0 : cc->slots[ip].count;
    uint64_t n_k = cc->slots[it].cc == CC_EMPTY ? 0 : cc->slots[it].count;
    *rarity = 1.0 - ((double)n_kc + 1.0) / ((double)n_k + 2.0);
    if (seen) *seen = n_kc;
    if (total) *total = n_k;
    return C2D_OK;
}

/* ------------------------------------------------- ioc-family-v1 row */
c2d_status c2d_ioc_family_features(uint32_t addr, uint16_t port, const char *iso2, uint32_t asn,
                                   float *row, size_t row_len) {
    if (!row) return C2D_ERR_INVALID_ARG;
    if (row_len < C2D_IOC_FAMILY_N_FEATURES) return C2D_ERR_BUFFER_TOO_SMALL;
    unsigned ndig = 0, seen = 0, distinct = 0;
    unsigned p = port;
    do {
        unsigned d = p % 10;
        if (!(seen >> d & 1)) distinct++;
        seen |= 1u << d;
        ndig++;
        p /= 10;
    } while (p);
    int code = cc_code(iso2 && iso2[0] ? iso2 : NULL);
    row[0] = (float)port;
    row[1] = (float)c2d_port_possible_http(port);
    row[2] = (float)c2d_port_possible_https(port);
    row[3] = port < 1024 ? 0.0f : port < 49152 ? 1.0f : 2.0f;
    row[4] = (float)ndig;
    row[5] = (float)(port % 10);
    row[6] = (float)distinct;
    row[7] = code < 0 ? -1.0f : (float)(code - 1);
    row[8] = (float)asn;
    row[9] = (float)(addr >> 24);
    row[10] = (float)(addr >> 16);
    row[11] = (float)(addr >> 8);
    return C2D_OK;
}
