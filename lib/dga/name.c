/* Query-name normalisation and the public-suffix split (Public Suffix List trie
 * generated at build time by generate.cmake). Allocation-free, locale-free. */
#include <string.h>

#include "dga/dga_internal.h"

const uint8_t c2d__sym_index[128] = {
    ['-'] = 0, ['0'] = 1, ['1'] = 2, ['2'] = 3, ['3'] = 4, ['4'] = 5, ['5'] = 6, ['6'] = 7,
    ['7'] = 8, ['8'] = 9, ['9'] = 10, ['_'] = 11, ['a'] = 12, ['b'] = 13, ['c'] = 14,
    ['d'] = 15, ['e'] = 16, ['f'] = 17, ['g'] = 18, ['h'] = 19, ['i'] = 20, ['j'] = 21,
    ['k'] = 22, ['l'] = 23, ['m'] = 24, ['n'] = 25, ['o'] = 26, ['p'] = 27, ['q'] = 28,
    ['r'] = 29, ['s'] = 30, ['t'] = 31, ['u'] = 32, ['v'] = 33, ['w'] = 34, ['x'] = 35,
    ['y'] = 36, ['z'] = 37};

/* The normalised form of each input byte: a-z, 0-9, '-', '_' (A-Z lower-cased),
 * '.' for the label separator, 0 for a byte a name may not hold. */
static const char name_byte[256] = {
    ['-'] = '-', ['.'] = '.', ['_'] = '_', ['0'] = '0', ['1'] = '1', ['2'] = '2', ['3'] = '3',
    ['4'] = '4', ['5'] = '5', ['6'] = '6', ['7'] = '7', ['8'] = '8', ['9'] = '9', ['a'] = 'a',
    ['b'] = 'b', ['c'] = 'c', ['d'] = 'd', ['e'] = 'e', ['f'] = 'f', ['g'] = 'g', ['h'] = 'h',
    ['i'] = 'i', ['j'] = 'j', ['k'] = 'k', ['l'] = 'l', ['m'] = 'm', ['n'] = 'n', ['o'] = 'o',
    ['p'] = 'p', ['q'] = 'q', ['r'] = 'r', ['s'] = 's', ['t'] = 't', ['u'] = 'u', ['v'] = 'v',
    ['w'] = 'w', ['x'] = 'x', ['y'] = 'y', ['z'] = 'z', ['A'] = 'a', ['B'] = 'b', ['C'] = 'c',
    ['D'] = 'd', ['E'] = 'e', ['F'] = 'f', ['G'] = 'g', ['H'] = 'h', ['I'] = 'i', ['J'] = 'j',
    ['K'] = 'k', ['L'] = 'l', ['M'] = 'm', ['N'] = 'n', ['O'] = 'o', ['P'] = 'p', ['Q'] = 'q',
    ['R'] = 'r', ['S'] = 's', ['T'] = 't', ['U'] = 'u', ['V'] = 'v', ['W'] = 'w', ['X'] = 'x',
    ['Y'] = 'y', ['Z'] = 'z'};

c2d_status c2d__dname_parse(const char *name, size_t len, c2d__dname *d) {
    if (len > 0 && name[len - 1] == '.') len--;
    if (len == 0) return C2D_ERR_NAME_EMPTY;
    if (len > C2D_DGA_MAX_NAME) return C2D_ERR_NAME_TOO_LONG;
    /* Left to right, so the first fault in the name decides the status: a bad
     * byte where it stands, a label's length at the dot (or end) closing it. */
    size_t n = 0, start = 0;
    for (size_t i = 0; i < len; i++) {
        char c = name_byte[(uint8_t)name[i]];
        if (c == '.') {
            size_t l = i - start;
            if (l == 0) return C2D_ERR_NAME_EMPTY_LABEL;
            if (l > C2D_DGA_MAX_LABEL) return C2D_ERR_NAME_LABEL_TOO_LONG;
            d->label_off[n] = (uint8_t)start;
            d->label_len[n] = (uint8_t)l;
            n++;
            start = i + 1;
        } else if (!c) {
            return C2D_ERR_NAME_BAD_CHAR;
        }
        d->text[i] = c;
    }
    size_t l = len - start;
    if (l == 0) return C2D_ERR_NAME_EMPTY_LABEL;
    if (l > C2D_DGA_MAX_LABEL) return C2D_ERR_NAME_LABEL_TOO_LONG;
    d->label_off[n] = (uint8_t)start;
    d->label_len[n] = (uint8_t)l;
    n++;
    d->text[len] = '\0';
    d->len = len;
    d->n_labels = n;
    c2d__dname_split(d);
    return C2D_OK;
}

/* Child of `node` labelled (s, n), or -1. Children are sorted by bytes, shorter
 * first; the root's children are first narrowed down by their first two bytes,
 * those of a node with many children (com, jp, ...) by their first byte. */
static long psl_child(const c2d__psl_node *node, const char *s, size_t n) {
    size_t lo = node->first_child, hi = lo + node->n_children;
    if (node == &c2d__psl_nodes[0]) {
        /* Top-level labels are 2..max_tld_len bytes (generate.cmake checks). */
        if (n < 2 || n > c2d__psl_max_tld_len) return -1;
        size_t k = (size_t)c2d__sym_index[(uint8_t)s[0] & 127u] * 38u +
                   c2d__sym_index[(uint8_t)s[1] & 127u];
        if (!((c2d__psl_root_lengths[k] >> n) & 1u)) return -1; /* no TLD of this length here */
        lo = c2d__psl_root_first[k];
        hi = c2d__psl_root_first[k + 1];
    } else if (node->child_index != C2D__PSL_NO_INDEX) {
        size_t k = c2d__sym_index[(uint8_t)s[0] & 127u];
        if (n >= 2) {
            /* No child starts with these two bytes: a miss without any compare
             * (a DGA label under com, say). */
            const uint32_t *prefix = c2d__psl_child_prefix + (size_t)node->child_index * 46u;
            size_t k2 = k * 38u + c2d__sym_index[(uint8_t)s[1] & 127u];
            if (!((prefix[k2 >> 5] >> (k2 & 31u)) & 1u)) return -1;
        }
        const uint16_t *first = c2d__psl_child_first + (size_t)node->child_index * 39u;
        hi = lo + first[k + 1];
        lo += first[k];
    }
    while (lo < hi) {
        size_t mid = lo + (hi - lo) / 2;
        const c2d__psl_node *c = &c2d__psl_nodes[mid];
        /* Labels are a few bytes: an inline loop beats a memcmp call. */
        const unsigned char *a = (const unsigned char *)c2d__psl_labels + c->label_off;
        size_t m = c->label_len < n ? c->label_len : n, k = 0;
        while (k < m && a[k] == (unsigned char)s[k]) k++;
        int cmp = k < m ? (int)a[k] - (int)(unsigned char)s[k]
                        : (c->label_len > n) - (c->label_len < n);
        if (cmp == 0) return (long)mid;
        if (cmp < 0)
            lo = mid + 1;
        else
            hi = mid;
    }
    return -1;
}

int c2d__psl_is_tld(const char *label, size_t len) {
    long i = psl_child(&c2d__psl_nodes[0], label, len);
    return i >= 0 && (c2d__psl_nodes[i].flags & C2D__PSL_RULE);
}

/* Walks the labels right to left. The longest matching rule wins, except that a
 * matching exception rule "!a.b.c" always wins and makes "b.c" the suffix; a
 * wildcard "*.b.c" matches any one label left of "b.c". No match: the implicit
 * rule "*" (the last label alone). */
void c2d__dname_split(c2d__dname *d) {
    const c2d__psl_node *node = &c2d__psl_nodes[0];
    size_t best = 0, k = 0;
    while (k < d->n_labels) {
        size_t li = d->n_labels - 1 - k;
        long ci = psl_child(node, d->text + d->label_off[li], d->label_len[li]);
        const c2d__psl_node *child = ci >= 0 ? &c2d__psl_nodes[ci] : NULL;
        if (node->flags & C2D__PSL_WILDCARD) {
            if (child && (child->flags & C2D__PSL_EXCEPTION)) {
                best = k;
                break;
            }
            best = k + 1;
        }
        if (!child) break;
        node = child;
        k++;
        if ((node->flags & C2D__PSL_RULE) && k > best) best = k;
    }
    d->suffix_listed = best > 0;
    d->n_suffix_labels = best > 0 ? best : 1;
}

c2d_status c2d_dga_normalize(const char *name, size_t len, char *out, size_t out_cap,
                             size_t *out_len) {
    if (!name && len) return C2D_ERR_INVALID_ARG;
    if (!out || !out_len) return C2D_ERR_INVALID_ARG;
    c2d__dname d;
    c2d_status st = c2d__dname_parse(name, len, &d);
    if (st != C2D_OK) return st;
    *out_len = d.len;
    if (out_cap < d.len + 1) return C2D_ERR_BUFFER_TOO_SMALL;
    memcpy(out, d.text, d.len + 1);
    return C2D_OK;
}

c2d_status c2d_dga_split(const char *name, size_t len, c2d_domain_parts *parts) {
    if ((!name && len) || !parts || parts->size < sizeof(c2d_domain_parts))
        return C2D_ERR_INVALID_ARG;
    c2d__dname d;
    c2d_status st = c2d__dname_parse(name, len, &d);
    if (st != C2D_OK) return st;
    size_t first_suffix = d.n_labels - d.n_suffix_labels;
    parts->name_len = d.len;
    parts->n_labels = d.n_labels;
    parts->n_suffix_labels = d.n_suffix_labels;
    parts->suffix_listed = d.suffix_listed;
    parts->suffix_off = d.label_off[first_suffix];
    parts->suffix_len = d.len - parts->suffix_off;
    if (first_suffix > 0) {
        parts->registrable_off = d.label_off[first_suffix - 1];
        parts->registrable_len = d.len - parts->registrable_off;
        parts->subdomain_len = parts->registrable_off > 0 ? parts->registrable_off - 1 : 0;
    } else {
        parts->registrable_off = 0;
        parts->registrable_len = 0;
        parts->subdomain_len = 0;
    }
    return C2D_OK;
}
