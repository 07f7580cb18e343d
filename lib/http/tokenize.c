/* HTTP/1.x request header block -> http-tokens-v1 ids (docs/http_tokens.md).
 * Two walks over the bytes, no allocation: the first counts each unit's value
 * tokens (target, then every field), the second emits them under the per-unit cap
 * that fits the sequence (water-filling), so every field keeps its name token. */
#include <stdbool.h>
#include <stdio.h>
#include <string.h>

#include "common/internal.h"
#include "http_internal.h"

typedef struct tk {
    bool emit;                 /* false: counting walk, true: emitting walk */
    uint16_t *out;             /* emitting walk: the sequence */
    size_t n;                  /* emitted ids */
    uint32_t cap;              /* emitting walk: value tokens per unit */
    size_t unit;               /* 0 = target, 1.. = fields */
    uint32_t unit_emitted;
    uint32_t counts[C2D_HTTP_MAX_FIELDS + 1];  /* value tokens per unit (saturating) */
    size_t structural;         /* counting walk: structural ids */
    bool truncated;
} tk;

static void put_struct(tk *t, uint16_t id) {
    if (t->emit)
        t->out[t->n++] = id;
    else
        t->structural++;
}

static void put_value(tk *t, uint16_t id) {
    if (!t->emit) {
        if (t->counts[t->unit] < UINT32_MAX) t->counts[t->unit]++;
        return;
    }
    if (t->unit_emitted < t->cap) {
        t->out[t->n++] = id;
        t->unit_emitted++;
    }
}

static void begin_unit(tk *t, size_t unit) {
    t->unit = unit;
    t->unit_emitted = 0;
    if (!t->emit) t->counts[unit] = 0;
}

/* ------------------------------------------------------------------ words */
static bool is_delim(uint8_t b) {
    switch (b) {
    case ' ': case '\t': case ';': case ',': case '(': case ')': case '/': case '=':
    case ':': case '"': case '\'': case '.': case '&': case '?': case '[': case ']':
    case '<': case '>': case '{': case '}': case '\\': case '@': case '|': case '!':
    case '*': case '%': case '#':
        return true;
    default:
        return false;
    }
}

static bool is_word_byte(uint8_t b) { return b > 0x20 && b != 0x7f && !is_delim(b); }
static bool is_digit(uint8_t b) { return b >= '0' && b <= '9'; }
static uint8_t lower(uint8_t b) { return (b >= 'A' && b <= 'Z') ? (uint8_t)(b + 32) : b; }

static uint32_t fnv1a_lower(const uint8_t *s, size_t n) {
    uint32_t h = 0x811C9DC5u;
    for (size_t i = 0; i < n; i++) {
        h ^= lower(s[i]);
        h *= 0x01000193u;
    }
    return h;
}

/* Case-insensitive lookup in a table sorted by bytes of lower-case text. */
static int vocab_find(const c2d__http_vocab_entry *tab, size_t count, const uint8_t *s, size_t n) {
    if (n == 0 || n > C2D__HT_MAX_KNOWN) return -1;
    uint8_t low[C2D__HT_MAX_KNOWN];
    for (size_t i = 0; i < n; i++) low[i] = lower(s[i]);
    size_t lo = 0, hi = count;
    while (lo < hi) {
        size_t mid = lo + (hi - lo) / 2;
        const c2d__http_vocab_entry *e = &tab[mid];
        size_t m = e->len < n ? e->len : n;
        int c = memcmp(e->text, low, m);
        if (c == 0) c = (e->len > n) - (e->len < n);
        if (c == 0) return e->id;
        if (c < 0)
            lo = mid + 1;
        else
            hi = mid;
    }
    return -1;
}

static unsigned len_bucket(size_t n) {
    static const size_t hi[] = {6, 8, 12, 16, 24, 32, 64};
    if (n <= 4) return (unsigned)(n - 1);
    for (unsigned i = 0; i < 7; i++)
        if (n <= hi[i]) return 4 + i;
    return 11;
}

static unsigned char_class(const uint8_t *w, size_t n) {
    bool dig = false, low = false, up = false, oth = false, hexonly = true;
    for (size_t i = 0; i < n; i++) {
        uint8_t b = w[i];
        if (is_digit(b)) {
            dig = true;
        } else if (b >= 'a' && b <= 'z') {
            low = true;
            if (b > 'f') hexonly = false;
        } else if (b >= 'A' && b <= 'Z') {
            up = true;
            if (b > 'F') hexonly = false;
        } else {
            oth = true;
        }
    }
    if (oth) return 9;
    if (dig && !low && !up) return 0;
    if (dig && hexonly && low != up) return low ? 1 : 2;
    if (!dig) return (low && !up) ? 3 : (up && !low) ? 4 : 5;
    return (low && !up) ? 6 : (up && !low) ? 7 : 8;
}

static uint16_t word_token(const uint8_t *w, size_t n) {
    int id = vocab_find(c2d__http_words, c2d__http_words_count, w, n);
    if (id >= 0) return (uint16_t)id;
    unsigned cls = char_class(w, n);
    if (cls >= 3 && cls <= 5 && n <= 16)
        return (uint16_t)(C2D__HT_HASH_BASE + fnv1a_lower(w, n) % C2D__HT_HASH_BUCKETS);
    return (uint16_t)(C2D__HT_SHAPE_BASE + cls * 12 + len_bucket(n));
}

/* End of a dotted quad starting at i that is not followed by a word byte or '.';
 * 0 when there is none (a quad never ends at 0). */
static size_t ipv4_end(const uint8_t *s, size_t n, size_t i) {
    for (int part = 0; part < 4; part++) {
        size_t j = i;
        while (j < n && j - i < 3 && is_digit(s[j])) j++;
        if (j == i) return 0;
        if (j < n && is_digit(s[j])) return 0;
        i = j;
        if (part < 3) {
            if (i >= n || s[i] != '.') return 0;
            i++;
        }
    }
    if (i < n && (is_word_byte(s[i]) || s[i] == '.')) return 0;
    return i;
}

static void words(tk *t, const uint8_t *s, size_t n) {
    size_t i = 0;
    while (i < n) {
        if (!is_word_byte(s[i])) {
            i++;
            continue;
        }
        if (is_digit(s[i]) && (i == 0 || s[i - 1] != '.')) {
            size_t e = ipv4_end(s, n, i);
            if (e) {
                put_value(t, C2D__HT_IPV4);
                i = e;
                continue;
            }
        }
        size_t j = i;
        while (j < n && is_word_byte(s[j])) j++;
        put_value(t, word_token(s + i, j - i));
        i = j;
    }
}

/* ----------------------------------------------------------------- target */
static const uint8_t *find_byte(const uint8_t *s, size_t n, uint8_t b) {
    return n ? (const uint8_t *)memchr(s, b, n) : NULL;
}

static void path_tokens(tk *t, const uint8_t *p, size_t n) {
    if (n && p[0] == '/') {
        p++;
        n--;
    }
    /* index of the last non-empty segment, by its start offset */
    size_t last_start = SIZE_MAX;
    for (size_t i = 0, start = 0; i <= n; i++) {
        if (i == n || p[i] == '/') {
            if (i > start) last_start = start;
            start = i + 1;
        }
    }
    for (size_t i = 0, start = 0; i <= n; i++) {
        if (i != n && p[i] != '/') continue;
        const uint8_t *seg = p + start;
        size_t len = i - start;
        if (len == 0) {
            put_value(t, C2D__HT_SEG_EMPTY);
        } else {
            put_value(t, C2D__HT_SEG);
            if (start == last_start && find_byte(seg, len, '.')) put_value(t, C2D__HT_EXT);
            words(t, seg, len);
        }
        start = i + 1;
    }
}

static bool scheme_byte(uint8_t b) {
    return (b >= 'A' && b <= 'Z') || (b >= 'a' && b <= 'z') || b == '+' || b == '-' || b == '.';
}

/* Emits the target's value tokens; returns its kind token. */
static uint16_t target_tokens(tk *t, const uint8_t *s, size_t n) {
    if (n == 0) return C2D__HT_T_EMPTY;
    if (n == 1 && s[0] == '*') return C2D__HT_T_ASTERISK;
    const uint8_t *hash = find_byte(s, n, '#');
    size_t before_frag = hash ? (size_t)(hash - s) : n;
    const uint8_t *q = find_byte(s, before_frag, '?');
    size_t path_len = q ? (size_t)(q - s) : before_frag;
    uint16_t kind = C2D__HT_T_ORIGIN;
    if (path_len && s[0] == '/') {
        path_tokens(t, s, path_len);
    } else {
        size_t sep = SIZE_MAX;
        for (size_t i = 0; i + 3 <= path_len; i++)
            if (s[i] == ':' && s[i + 1] == '/' && s[i + 2] == '/') {
                sep = i;
                break;
            }
        bool scheme = sep != SIZE_MAX && sep > 0;
        for (size_t i = 0; scheme && i < sep; i++) scheme = scheme_byte(s[i]);
        if (scheme) {
            kind = C2D__HT_T_ABSOLUTE;
            words(t, s, sep);
            const uint8_t *rest = s + sep + 3;
            size_t rest_len = path_len - sep - 3;
            const uint8_t *sl = find_byte(rest, rest_len, '/');
            if (!sl) {
                words(t, rest, rest_len);
            } else {
                words(t, rest, (size_t)(sl - rest));
                path_tokens(t, sl, rest_len - (size_t)(sl - rest));
            }
        } else {
            kind = C2D__HT_T_AUTHORITY;
            words(t, s, path_len);
        }
    }
    if (q) {
        put_value(t, C2D__HT_QUERY);
        const uint8_t *qs = q + 1;
        size_t qn = before_frag - path_len - 1;
        for (size_t i = 0, start = 0; i <= qn; i++) {
            if (i != qn && qs[i] != '&') continue;
            const uint8_t *pair = qs + start;
            size_t len = i - start;
            start = i + 1;
            if (!len) continue;
            put_value(t, C2D__HT_QKEY);
            const uint8_t *eq = find_byte(pair, len, '=');
            if (!eq) {
                words(t, pair, len);
            } else {
                words(t, pair, (size_t)(eq - pair));
                put_value(t, C2D__HT_QVAL);
                words(t, eq + 1, len - (size_t)(eq - pair) - 1);
            }
        }
    }
    if (hash) {
        put_value(t, C2D__HT_FRAG);
        words(t, hash + 1, n - before_frag - 1);
    }
    return kind;
}

/* ------------------------------------------------------------------ lines */
typedef struct line {
    const uint8_t *p;
    size_t len;    /* without CR LF / LF (and a trailing CR of a partial line) */
    size_t next;   /* offset after the terminator */
    bool bare_lf;  /* terminated by LF without CR */
    bool complete; /* has a terminator */
} line;

static bool next_line(const uint8_t *d, size_t len, size_t pos, line *l) {
    if (pos >= len) return false;
    const uint8_t *nl = find_byte(d + pos, len - pos, '\n');
    l->p = d + pos;
    if (nl) {
        l->len = (size_t)(nl - (d + pos));
        l->next = (size_t)(nl - d) + 1;
        l->complete = true;
    } else {
        l->len = len - pos;
        l->next = len;
        l->complete = false;
    }
    l->bare_lf = l->complete;
    if (l->len && l->p[l->len - 1] == '\r') {
        l->len--;
        l->bare_lf = false;
    }
    return true;
}

static bool is_ows(uint8_t b) { return b == ' ' || b == '\t'; }

static void trim(const uint8_t **s, size_t *n) {
    while (*n && is_ows((*s)[0])) {
        (*s)++;
        (*n)--;
    }
    while (*n && is_ows((*s)[*n - 1])) (*n)--;
}

static bool is_tchar(uint8_t b) {
    if ((b >= '0' && b <= '9') || (b >= 'a' && b <= 'z') || (b >= 'A' && b <= 'Z')) return true;
    return b && strchr("!#$%&'*+-.^_`|~", b) != NULL;
}

static const char *const method_names[] = {"GET", "POST", "HEAD", "PUT", "DELETE", "OPTIONS",
                                           "CONNECT", "TRACE", "PATCH", "M-SEARCH", "NOTIFY",
                                           "SUBSCRIBE", "PROPFIND"};

static uint16_t method_token(const uint8_t *m, size_t n) {
    for (size_t i = 0; i < sizeof method_names / sizeof method_names[0]; i++) {
        const char *name = method_names[i];
        if (strlen(name) != n) continue;
        size_t k = 0;
        while (k < n && lower(m[k]) == lower((uint8_t)name[k])) k++;
        if (k == n) return (uint16_t)(C2D__HT_METHOD_BASE + i);
    }
    return C2D__HT_METHOD_OTHER;
}

static bool ieq_prefix(const uint8_t *s, size_t n, const char *lit) {
    size_t m = strlen(lit);
    if (n < m) return false;
    for (size_t i = 0; i < m; i++)
        if (lower(s[i]) != (uint8_t)lit[i]) return false;
    return true;
}

/* One walk over the block. Returns C2D_OK or C2D_ERR_HTTP_NOT_REQUEST. */
static c2d_status walk(tk *t, const uint8_t *d, size_t len) {
    size_t pos = 0;
    while (pos < len && (d[pos] == '\r' || d[pos] == '\n')) pos++;
    line l;
    if (!next_line(d, len, pos, &l)) return C2D_ERR_HTTP_NOT_REQUEST;
    bool any_lf = l.bare_lf;
    size_t k = 0;
    while (k < l.len && !is_ows(l.p[k])) k++;
    if (k < 1 || k > 32) return C2D_ERR_HTTP_NOT_REQUEST;
    for (size_t i = 0; i < k; i++)
        if (!is_tchar(l.p[i])) return C2D_ERR_HTTP_NOT_REQUEST;
    uint16_t method = method_token(l.p, k);
    const uint8_t *rest = l.p + k;
    size_t rest_len = l.len - k;
    trim(&rest, &rest_len);
    uint16_t version = C2D__HT_VNONE;
    const uint8_t *target = rest;
    size_t target_len = rest_len;
    size_t sp = rest_len;  /* index of the last SP/HTAB, rest_len if none */
    for (size_t i = rest_len; i-- > 0;)
        if (is_ows(rest[i])) {
            sp = i;
            break;
        }
    const uint8_t *last = sp == rest_len ? rest : rest + sp + 1;
    size_t last_len = sp == rest_len ? rest_len : rest_len - sp - 1;
    if (ieq_prefix(last, last_len, "http/")) {
        target_len = sp == rest_len ? 0 : sp;
        trim(&target, &target_len);
        if (last_len == 8 && ieq_prefix(last, 8, "http/1.1"))
            version = C2D__HT_V11;
        else if (last_len == 8 && ieq_prefix(last, 8, "http/1.0"))
            version = C2D__HT_V10;
        else
            version = C2D__HT_VOTHER;
    }
    put_struct(t, C2D__HT_BOS);
    put_struct(t, method);
    put_struct(t, version);
    /* the kind token precedes the target's values but is only known after them:
     * reserve its slot */
    size_t kind_slot = t->n;
    put_struct(t, C2D__HT_PAD);
    begin_unit(t, 0);
    uint16_t kind = target_tokens(t, target, target_len);
    if (t->emit) t->out[kind_slot] = kind;

    bool ended = false, body = false, many = false;
    uint32_t seen[C2D_HTTP_MAX_FIELDS];
    size_t n_seen = 0, n_fields = 0;
    pos = l.next;
    if (l.complete) {
        while (next_line(d, len, pos, &l)) {
            any_lf |= l.bare_lf;
            pos = l.next;
            if (l.len == 0) {
                if (l.complete) {
                    ended = true;
                    body = pos < len;
                }
                break;
            }
            /* continuation lines of this field (obs-fold) */
            line cont[1];
            size_t fold_pos = pos;
            bool folded = false;
            bool dropped = n_fields >= C2D_HTTP_MAX_FIELDS;
            if (dropped) many = true;
            const uint8_t *c = find_byte(l.p, l.len, ':');
            const uint8_t *name = l.p;
            size_t name_len = c ? (size_t)(c - l.p) : 0;
            while (name_len && is_ows(name[name_len - 1])) name_len--;
            if (!dropped) {
                begin_unit(t, ++n_fields);
                if (!c || name_len == 0) {
                    put_struct(t, C2D__HT_BADLINE);
                    words(t, l.p, l.len);
                } else {
                    int id = vocab_find(c2d__http_names, c2d__http_names_count, name, name_len);
                    if (id < 0)
                        id = ieq_prefix(name, name_len, "x-") ? C2D__HT_NAME_UNKNOWN_X
                                                               : C2D__HT_NAME_UNKNOWN;
                    put_struct(t, (uint16_t)id);
                    uint32_t h = fnv1a_lower(name, name_len);
                    bool dup = false;
                    for (size_t i = 0; i < n_seen; i++) dup |= seen[i] == h;
                    if (dup) put_struct(t, C2D__HT_DUP);
                    seen[n_seen++] = h;
                    const uint8_t *v = c + 1;
                    size_t vn = l.len - (size_t)(c - l.p) - 1;
                    trim(&v, &vn);
                    words(t, v, vn);
                }
            }
            while (next_line(d, len, fold_pos, &cont[0]) && cont[0].len &&
                   is_ows(cont[0].p[0])) {
                any_lf |= cont[0].bare_lf;
                folded = true;
                if (!dropped) words(t, cont[0].p, cont[0].len);
                fold_pos = cont[0].next;
            }
            pos = fold_pos;
            if (!dropped) {
                if (folded) put_struct(t, C2D__HT_FOLD);
                if (t->counts[t->unit] == 0) put_struct(t, C2D__HT_EMPTY);
                put_struct(t, C2D__HT_SEP);
            }
        }
    }
    put_struct(t, ended ? C2D__HT_EOH : C2D__HT_PARTIAL);
    if (any_lf) put_struct(t, C2D__HT_LF);
    if (body) put_struct(t, C2D__HT_BODY);
    if (many) put_struct(t, C2D__HT_MANYFIELDS);
    if (t->emit && t->truncated) put_struct(t, C2D__HT_TRUNC);
    t->unit = n_fields; /* number of field units, read back by the caller */
    return C2D_OK;
}

c2d_status c2d_http_tokenize(const void *data, size_t len, uint16_t *tokens, size_t capacity,
                             size_t *n_tokens) {
    if (n_tokens) *n_tokens = 0;
    if (!tokens || (!data && len)) return C2D_ERR_INVALID_ARG;
    if (capacity < C2D_HTTP_SEQ_LEN) return C2D_ERR_BUFFER_TOO_SMALL;
    memset(tokens, 0, C2D_HTTP_SEQ_LEN * sizeof *tokens);
    const uint8_t *d = (const uint8_t *)data;
    tk t;
    memset(&t, 0, sizeof t);
    c2d_status st = walk(&t, d, len);
    if (st != C2D_OK) return st;
    size_t units = t.unit + 1;
    /* structural ids + the TRUNC slot always fit (see docs: at most 249) */
    size_t budget = C2D_HTTP_SEQ_LEN - t.structural - 1;
    uint64_t total = 0;
    uint32_t cap = 0;
    for (size_t u = 0; u < units; u++) {
        total += t.counts[u];
        if (t.counts[u] > cap) cap = t.counts[u];
    }
    if (total > budget) {
        uint32_t lo = 0, hi = cap;
        while (lo < hi) {
            uint32_t mid = lo + (hi - lo + 1) / 2;
            uint64_t s = 0;
            for (size_t u = 0; u < units; u++) s += t.counts[u] < mid ? t.counts[u] : mid;
            if (s <= budget)
                lo = mid;
            else
                hi = mid - 1;
        }
        cap = lo;
    }
    tk e;
    memcpy(&e, &t, sizeof e);
    e.emit = true;
    e.out = tokens;
    e.n = 0;
    e.cap = cap;
    for (size_t u = 0; u < units; u++) e.truncated |= t.counts[u] > cap;
    (void)walk(&e, d, len);
    if (n_tokens) *n_tokens = e.n;
    return C2D_OK;
}

/* ------------------------------------------------------------------ names */
static const char *const flag_names[] = {"PAD", "BOS", "EOH", "PARTIAL", "SEP", "FOLD", "DUP",
                                         "EMPTY", "LF", "BADLINE", "BODY", "TRUNC",
                                         "MANYFIELDS", "IPV4"};
static const char *const target_names[] = {"T_ORIGIN", "T_ABSOLUTE", "T_AUTHORITY", "T_ASTERISK",
                                           "T_EMPTY", "SEG", "SEG_EMPTY", "EXT", "QUERY", "QKEY",
                                           "QVAL", "FRAG"};
static const char *const shape_classes[] = {"dig", "hexl", "hexu", "low", "up",
                                            "mixc", "alnl", "alnu", "alnm", "oth"};
static const char *const len_buckets[] = {"1", "2", "3", "4", "5-6", "7-8",
                                          "9-12", "13-16", "17-24", "25-32", "33-64", "65+"};

c2d_status c2d_http_token_name(unsigned id, char *buf, size_t cap) {
    if (!buf || id >= C2D_HTTP_VOCAB_SIZE) return C2D_ERR_INVALID_ARG;
    char tmp[C2D_HTTP_TOKEN_NAME_MAX + 16];
    size_t n_names = c2d__http_name_text_count, n_words = c2d__http_word_text_count;
    if (id < sizeof flag_names / sizeof flag_names[0])
        snprintf(tmp, sizeof tmp, "%s", flag_names[id]);
    else if (id >= C2D__HT_METHOD_BASE && id < C2D__HT_METHOD_OTHER)
        snprintf(tmp, sizeof tmp, "%s", method_names[id - C2D__HT_METHOD_BASE]);
    else if (id == C2D__HT_METHOD_OTHER)
        snprintf(tmp, sizeof tmp, "METHOD_OTHER");
    else if (id == C2D__HT_V11)
        snprintf(tmp, sizeof tmp, "HTTP/1.1");
    else if (id == C2D__HT_V10)
        snprintf(tmp, sizeof tmp, "HTTP/1.0");
    else if (id == C2D__HT_VNONE)
        snprintf(tmp, sizeof tmp, "no-version");
    else if (id == C2D__HT_VOTHER)
        snprintf(tmp, sizeof tmp, "HTTP/other");
    else if (id >= C2D__HT_T_ORIGIN && id <= C2D__HT_FRAG)
        snprintf(tmp, sizeof tmp, "%s", target_names[id - C2D__HT_T_ORIGIN]);
    else if (id == C2D__HT_NAME_UNKNOWN)
        snprintf(tmp, sizeof tmp, "name:?");
    else if (id == C2D__HT_NAME_UNKNOWN_X)
        snprintf(tmp, sizeof tmp, "name:x-?");
    else if (id >= C2D__HT_NAME_BASE + 2 && id < C2D__HT_NAME_BASE + 2 + n_names)
        snprintf(tmp, sizeof tmp, "name:%s", c2d__http_name_text[id - C2D__HT_NAME_BASE - 2]);
    else if (id >= C2D__HT_WORD_BASE && id < C2D__HT_WORD_BASE + n_words)
        snprintf(tmp, sizeof tmp, "w:%s", c2d__http_word_text[id - C2D__HT_WORD_BASE]);
    else if (id >= C2D__HT_SHAPE_BASE && id < C2D__HT_SHAPE_BASE + 120)
        snprintf(tmp, sizeof tmp, "s:%s:%s", shape_classes[(id - C2D__HT_SHAPE_BASE) / 12],
                 len_buckets[(id - C2D__HT_SHAPE_BASE) % 12]);
    else if (id >= C2D__HT_HASH_BASE)
        snprintf(tmp, sizeof tmp, "h:%u", id - C2D__HT_HASH_BASE);
    else
        snprintf(tmp, sizeof tmp, "reserved:%u", id);
    size_t n = strlen(tmp);
    if (cap == 0) return C2D_ERR_BUFFER_TOO_SMALL;
    if (n >= cap) {
        memcpy(buf, tmp, cap - 1);
        buf[cap - 1] = '\0';
        return C2D_ERR_BUFFER_TOO_SMALL;
    }
    memcpy(buf, tmp, n + 1);
    return C2D_OK;
}
