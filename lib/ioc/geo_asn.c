/* IPv4 ASN range table from `range_start,range_end,asn,org` CSV text: ranges
 * sorted by start for binary search, organisation names stored once each. */
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>

#include "c2detect/geo.h"
#include "common/internal.h"

typedef struct asn_range {
    uint32_t start, end, asn, org; /* org: offset of a NUL-terminated name */
} asn_range;

typedef struct build_range {
    asn_range r;
    uint32_t line;
} build_range;

/* first[p]: number of ranges starting below p << 16, for p = 0..65536; a
 * lookup binary-searches only the ranges of its /16 and the one before. */
#define ASN_INDEX_SIZE 65537u

struct c2d_asntable {
    c2d_allocator alloc;
    asn_range *ranges;
    size_t n;
    uint32_t *first;
    char *names;
    size_t names_len, names_cap;
    size_t distinct;
};

/* Interning table of name offsets (open addressing; UINT32_MAX is empty). */
typedef struct intern {
    uint32_t *slot;
    size_t cap; /* power of two */
} intern;

static uint64_t hash_bytes(const char *s, size_t n) {
    uint64_t h = 1469598103934665603ull; /* FNV-1a */
    for (size_t i = 0; i < n; i++) h = (h ^ (uint8_t)s[i]) * 1099511628211ull;
    return h;
}

static c2d_status intern_grow(c2d_asntable *t, intern *in) {
    size_t cap = in->cap ? in->cap * 2 : 1024;
    uint32_t *slot = c2d__calloc(&t->alloc, cap, sizeof *slot);
    if (!slot) return C2D_ERR_NOMEM;
    memset(slot, 0xFF, cap * sizeof *slot);
    for (size_t i = 0; i < in->cap; i++) {
        uint32_t off = in->slot[i];
        if (off == UINT32_MAX) continue;
        const char *s = t->names + off;
        size_t h = (size_t)hash_bytes(s, strlen(s)) & (cap - 1);
        while (slot[h] != UINT32_MAX) h = (h + 1) & (cap - 1);
        slot[h] = off;
    }
    c2d__free(&t->alloc, in->slot);
    in->slot = slot;
    in->cap = cap;
    return C2D_OK;
}

/* Offset of `s` (n bytes, no NUL inside) in the names arena, adding it once. */
static c2d_status intern_name(c2d_asntable *t, intern *in, const char *s, size_t n, uint32_t *off) {
    if ((t->distinct + 1) * 2 > in->cap) {
        c2d_status st = intern_grow(t, in);
        if (st != C2D_OK) return st;
    }
    size_t h = (size_t)hash_bytes(s, n) & (in->cap - 1);
    while (in->slot[h] != UINT32_MAX) {
        const char *c = t->names + in->slot[h];
        if (strncmp(c, s, n) == 0 && c[n] == 0) {
            *off = in->slot[h];
            return C2D_OK;
        }
        h = (h + 1) & (in->cap - 1);
    }
    if (n + 1 > t->names_cap - t->names_len) {
        size_t cap = t->names_cap ? t->names_cap : 4096;
        while (n + 1 > cap - t->names_len) {
            if (cap > SIZE_MAX / 2) return C2D_ERR_LIMIT;
            cap *= 2;
        }
        if (cap > UINT32_MAX) return C2D_ERR_LIMIT;
        char *names = c2d__alloc(&t->alloc, cap);
        if (!names) return C2D_ERR_NOMEM;
        if (t->names_len) memcpy(names, t->names, t->names_len);
        c2d__free(&t->alloc, t->names);
        t->names = names;
        t->names_cap = cap;
    }
    *off = (uint32_t)t->names_len;
    if (n) memcpy(t->names + t->names_len, s, n);
    t->names[t->names_len + n] = 0;
    t->names_len += n + 1;
    in->slot[h] = *off;
    t->distinct++;
    return C2D_OK;
}

static bool parse_ipv4_field(const char *s, size_t n, uint32_t *out) {
    char buf[16];
    if (n == 0 || n >= sizeof buf) return false;
    memcpy(buf, s, n);
    buf[n] = 0;
    int family;
    uint8_t a[16];
    if (c2d_geo_parse_ip(buf, &family, a) != C2D_OK || family != 4) return false;
    *out = c2d__ld_u32be(a);
    return true;
}

static bool parse_u32_field(const char *s, size_t n, uint32_t *out) {
    if (n == 0 || n > 10) return false;
    uint64_t v = 0;
    for (size_t i = 0; i < n; i++) {
        if (s[i] < '0' || s[i] > '9') return false;
        v = v * 10 + (uint64_t)(s[i] - '0');
    }
    if (v > UINT32_MAX) return false;
    *out = (uint32_t)v;
    return true;
}

/* Split one line (without its newline) into its fields. The organisation is
 * unescaped into `org` (capacity >= n). false for a malformed line. */
static bool parse_line(const char *s, size_t n, build_range *br, char *org, size_t *org_len) {
    const char *f[3];
    size_t fl[3], pos = 0;
    if (n && s[n - 1] == '\r') n--;
    for (int i = 0; i < 3; i++) {
        const char *c = memchr(s + pos, ',', n - pos);
        if (!c) return false;
        f[i] = s + pos;
        fl[i] = (size_t)(c - (s + pos));
        pos = (size_t)(c - s) + 1;
    }
    if (!parse_ipv4_field(f[0], fl[0], &br->r.start) || !parse_ipv4_field(f[1], fl[1], &br->r.end) ||
        !parse_u32_field(f[2], fl[2], &br->r.asn) || br->r.start > br->r.end)
        return false;
    size_t k = 0;
    if (pos < n && s[pos] == '"') {
        pos++;
        for (;;) {
            if (pos >= n) return false; /* unterminated quote */
            if (s[pos] == '"') {
                if (pos + 1 < n && s[pos + 1] == '"') {
                    org[k++] = '"';
                    pos += 2;
                    continue;
                }
                pos++;
                break;
            }
            org[k++] = s[pos++];
        }
        if (pos != n) return false; /* text after the closing quote */
    } else {
        for (; pos < n; pos++) {
            if (s[pos] == '"') return false;
            org[k++] = s[pos];
        }
    }
    if (memchr(org, 0, k)) return false;
    *org_len = k;
    return true;
}

static int cmp_build(const void *a, const void *b) {
    const build_range *x = a, *y = b;
    if (x->r.start != y->r.start) return x->r.start < y->r.start ? -1 : 1;
    return x->line < y->line ? -1 : x->line > y->line;
}

static void note_bad(c2d_asntable_stats *s, uint64_t line) {
    if (s->n_bad_lines < C2D_ASN_BAD_LINES_KEPT) s->bad_lines[s->n_bad_lines++] = line;
}

void c2d_asntable_free(c2d_asntable *t) {
    if (!t) return;
    c2d_allocator a = t->alloc;
    c2d__free(&a, t->ranges);
    c2d__free(&a, t->first);
    c2d__free(&a, t->names);
    c2d__free(&a, t);
}

static c2d_status build(c2d_asntable *t, const char *text, size_t len, c2d_asntable_stats *s) {
    size_t max_lines = 1;
    for (size_t i = 0; i < len; i++) max_lines += text[i] == '\n';
    if (max_lines > UINT32_MAX) return C2D_ERR_LIMIT;
    build_range *br = c2d__calloc(&t->alloc, max_lines, sizeof *br);
    char *org = c2d__alloc(&t->alloc, len + 1);
    intern in = {0};
    c2d_status st = (br && org) ? C2D_OK : C2D_ERR_NOMEM;
    size_t n = 0, pos = 0;
    uint32_t line = 0;
    /* an empty name is always offset 0 */
    uint32_t empty_off;
    if (st == C2D_OK) st = intern_name(t, &in, "", 0, &empty_off);
    while (st == C2D_OK && pos < len) {
        const char *nl = memchr(text + pos, '\n', len - pos);
        size_t end = nl ? (size_t)(nl - text) : len;
        const char *l = text + pos;
        size_t ll = end - pos;
        line++;
        s->lines++;
        pos = end + 1;
        if (ll == 0 || (ll == 1 && l[0] == '\r')) continue; /* blank line */
        size_t org_len;
        if (!parse_line(l, ll, &br[n], org, &org_len)) {
            s->malformed++;
            note_bad(s, line);
            continue;
        }
        br[n].line = line;
        st = intern_name(t, &in, org, org_len, &br[n].r.org);
        n++;
    }
    if (st == C2D_OK) {
        bool sorted = true;
        for (size_t i = 1; i < n && sorted; i++) sorted = cmp_build(&br[i - 1], &br[i]) < 0;
        if (!sorted) qsort(br, n, sizeof *br, cmp_build);
        t->ranges = c2d__calloc(&t->alloc, n ? n : 1, sizeof *t->ranges);
        if (!t->ranges) st = C2D_ERR_NOMEM;
    }
    if (st == C2D_OK) {
        size_t m = 0;
        for (size_t i = 0; i < n; i++) {
            asn_range r = br[i].r;
            if (m && r.start <= t->ranges[m - 1].end) {
                s->overlapping++;
                note_bad(s, br[i].line);
                if (r.end <= t->ranges[m - 1].end) continue; /* nothing left */
                r.start = t->ranges[m - 1].end + 1;
            }
            t->ranges[m++] = r;
        }
        t->n = m;
        t->first = c2d__calloc(&t->alloc, ASN_INDEX_SIZE, sizeof *t->first);
        if (!t->first) st = C2D_ERR_NOMEM;
    }
    if (st == C2D_OK) {
        size_t i = 0;
        for (uint64_t p = 0; p < ASN_INDEX_SIZE; p++) {
            while (i < t->n && t->ranges[i].start < p << 16) i++;
            t->first[p] = (uint32_t)i;
        }
    }
    c2d__free(&t->alloc, br);
    c2d__free(&t->alloc, org);
    c2d__free(&t->alloc, in.slot);
    return st;
}

c2d_status c2d_asntable_load_memory(const char *text, size_t len, const c2d_allocator *alloc,
                                    c2d_asntable **out, c2d_asntable_stats *stats) {
    if (out) *out = NULL;
    if (!out || (!text && len) || (stats && stats->size < sizeof *stats)) return C2D_ERR_INVALID_ARG;
    if (len > UINT32_MAX) return C2D_ERR_LIMIT;
    if (len >= 3 && memcmp(text, "\xEF\xBB\xBF", 3) == 0) { /* UTF-8 BOM: not part of line 1 */
        text += 3;
        len -= 3;
    }
    c2d_allocator a;
    c2d_status st = c2d__allocator_init(&a, alloc);
    if (st != C2D_OK) return st;
    c2d_asntable_stats local;
    memset(&local, 0, sizeof local);
    local.size = sizeof local;
    c2d_asntable *t = c2d__calloc(&a, 1, sizeof *t);
    if (!t) return C2D_ERR_NOMEM;
    t->alloc = a;
    st = build(t, text, len, &local);
    if (st != C2D_OK) {
        c2d_asntable_free(t);
        return st;
    }
    local.ranges = t->n;
    local.distinct_orgs = t->distinct;
    local.bytes = sizeof *t + (t->n ? t->n : 1) * sizeof *t->ranges + t->names_cap +
                  ASN_INDEX_SIZE * sizeof *t->first;
    if (stats) *stats = local;
    *out = t;
    return C2D_OK;
}

c2d_status c2d_asntable_load_file(const char *path, const c2d_allocator *alloc, c2d_asntable **out,
                                  c2d_asntable_stats *stats) {
    if (out) *out = NULL;
    if (!path || !out || (stats && stats->size < sizeof *stats)) return C2D_ERR_INVALID_ARG;
    c2d_allocator a;
    c2d_status st = c2d__allocator_init(&a, alloc);
    if (st != C2D_OK) return st;
    void *block;
    const uint8_t *data;
    size_t len;
    st = c2d__read_file(&a, path, UINT32_MAX, &block, &data, &len);
    if (st != C2D_OK) return st;
    st = c2d_asntable_load_memory((const char *)data, len, alloc, out, stats);
    c2d__free(&a, block);
    return st;
}

c2d_status c2d_asntable_lookup(const c2d_asntable *t, uint32_t addr, uint32_t *asn, const char **org,
                               size_t *org_len) {
    if (!t) return C2D_ERR_INVALID_ARG;
    /* last range whose start <= addr: one of this /16's ranges, or the last
     * range starting before the /16 */
    uint32_t p = addr >> 16;
    size_t begin = t->first[p] ? t->first[p] - 1u : 0, lo = begin, hi = t->first[p + 1];
    while (lo < hi) {
        size_t mid = lo + (hi - lo) / 2;
        if (t->ranges[mid].start <= addr) lo = mid + 1;
        else hi = mid;
    }
    if (lo == begin || t->ranges[lo - 1].end < addr) return C2D_ERR_NOT_FOUND;
    const asn_range *r = &t->ranges[lo - 1];
    if (asn) *asn = r->asn;
    if (org) *org = t->names + r->org;
    if (org_len) *org_len = strlen(t->names + r->org);
    return C2D_OK;
}
