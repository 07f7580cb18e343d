/* Zeek log reader: a push parser over TSV (with its # header blocks) or JSON
 * lines that matches columns by name and turns conn/dns/http rows into
 * sessions, DNS events and HTTP events. Mapping and rules: docs/zeek.md. */
#include <stdio.h>
#include <string.h>

#include "c2detect/zeek.h"
#include "common/internal.h"

/* ------------------------------------------------------------- columns */

enum {
    K_CONN = 1u << C2D_ZEEK_CONN,
    K_DNS = 1u << C2D_ZEEK_DNS,
    K_HTTP = 1u << C2D_ZEEK_HTTP,
    K_SSL = 1u << C2D_ZEEK_SSL,
    K_X509 = 1u << C2D_ZEEK_X509,
    K_IDS = K_CONN | K_DNS | K_HTTP | K_SSL
};

typedef enum col {
    C_TS, C_ORIG_H, C_ORIG_P, C_RESP_H, C_RESP_P, C_PROTO,
    C_DURATION, C_ORIG_BYTES, C_RESP_BYTES, C_CONN_STATE, C_LOCAL_ORIG, C_LOCAL_RESP,
    C_HISTORY, C_ORIG_PKTS, C_ORIG_IP_BYTES, C_RESP_PKTS, C_RESP_IP_BYTES,
    C_TRANS_ID, C_QUERY, C_QCLASS, C_QTYPE, C_RCODE, C_AA, C_TC, C_RD, C_RA, C_ANSWERS, C_TTLS,
    C_HOST, C_URI,
    C_COUNT
} col;

static const struct {
    const char *name;
    unsigned used;     /* kinds that read it */
    unsigned required; /* kinds whose TSV #fields must list it */
} COLS[C_COUNT] = {
    [C_TS] = {"ts", K_IDS | K_X509, K_IDS | K_X509},
    [C_ORIG_H] = {"id.orig_h", K_IDS, K_IDS},
    [C_ORIG_P] = {"id.orig_p", K_IDS, K_IDS},
    [C_RESP_H] = {"id.resp_h", K_IDS, K_IDS},
    [C_RESP_P] = {"id.resp_p", K_IDS, K_IDS},
    [C_PROTO] = {"proto", K_CONN | K_DNS, K_CONN},
    [C_DURATION] = {"duration", K_CONN, 0},
    [C_ORIG_BYTES] = {"orig_bytes", K_CONN, K_CONN},
    [C_RESP_BYTES] = {"resp_bytes", K_CONN, K_CONN},
    [C_CONN_STATE] = {"conn_state", K_CONN, K_CONN},
    [C_LOCAL_ORIG] = {"local_orig", K_CONN, 0},
    [C_LOCAL_RESP] = {"local_resp", K_CONN, 0},
    [C_HISTORY] = {"history", K_CONN, 0},
    [C_ORIG_PKTS] = {"orig_pkts", K_CONN, K_CONN},
    [C_ORIG_IP_BYTES] = {"orig_ip_bytes", K_CONN, 0},
    [C_RESP_PKTS] = {"resp_pkts", K_CONN, K_CONN},
    [C_RESP_IP_BYTES] = {"resp_ip_bytes", K_CONN, 0},
    [C_TRANS_ID] = {"trans_id", K_DNS, 0},
    [C_QUERY] = {"query", K_DNS, K_DNS},
    [C_QCLASS] = {"qclass", K_DNS, 0},
    [C_QTYPE] = {"qtype", K_DNS, K_DNS},
    [C_RCODE] = {"rcode", K_DNS, K_DNS},
    [C_AA] = {"AA", K_DNS, 0},
    [C_TC] = {"TC", K_DNS, 0},
    [C_RD] = {"RD", K_DNS, 0},
    [C_RA] = {"RA", K_DNS, 0},
    [C_ANSWERS] = {"answers", K_DNS, K_DNS},
    [C_TTLS] = {"TTLs", K_DNS, 0},
    [C_HOST] = {"host", K_HTTP, K_HTTP},
    [C_URI] = {"uri", K_HTTP, K_HTTP},
};

/* Names that tell the kind of a log without a #path (docs/zeek.md, "Kind"). */
enum {
    H_X509 = 1u << 0,  /* fingerprint, certificate.* */
    H_DNS = 1u << 1,   /* query */
    H_HTTP = 1u << 2,  /* method, uri */
    H_SSL = 1u << 3,   /* cipher, server_name, established */
    H_CONN = 1u << 4   /* conn_state, history, orig_ip_bytes */
};

static unsigned hint_of(const char *s, size_t n) {
#define EQ(lit) (n == sizeof(lit) - 1 && !memcmp(s, lit, n))
    if (EQ("fingerprint") || (n > 12 && !memcmp(s, "certificate.", 12))) return H_X509;
    if (EQ("query")) return H_DNS;
    if (EQ("method") || EQ("uri")) return H_HTTP;
    if (EQ("cipher") || EQ("server_name") || EQ("established")) return H_SSL;
    if (EQ("conn_state") || EQ("history") || EQ("orig_ip_bytes")) return H_CONN;
#undef EQ
    return 0;
}

static c2d_zeek_log kind_of_hints(unsigned h) {
    if (h & H_X509) return C2D_ZEEK_X509;
    if (h & H_DNS) return C2D_ZEEK_DNS;
    if (h & H_HTTP) return C2D_ZEEK_HTTP;
    if (h & H_SSL) return C2D_ZEEK_SSL;
    if (h & H_CONN) return C2D_ZEEK_CONN;
    return C2D_ZEEK_UNKNOWN;
}

static c2d_zeek_log kind_of_path(const char *s, size_t n) {
    for (int k = C2D_ZEEK_CONN; k <= C2D_ZEEK_X509; k++) {
        const char *name = c2d_zeek_log_name((c2d_zeek_log)k);
        if (strlen(name) == n && !memcmp(name, s, n)) return (c2d_zeek_log)k;
    }
    return C2D_ZEEK_UNKNOWN;
}

static int col_of_name(const char *s, size_t n) {
    for (int c = 0; c < C_COUNT; c++)
        if (strlen(COLS[c].name) == n && !memcmp(COLS[c].name, s, n)) return c;
    return -1;
}

const char *c2d_zeek_log_name(c2d_zeek_log kind) {
    switch (kind) {
    case C2D_ZEEK_CONN: return "conn";
    case C2D_ZEEK_DNS: return "dns";
    case C2D_ZEEK_HTTP: return "http";
    case C2D_ZEEK_SSL: return "ssl";
    case C2D_ZEEK_X509: return "x509";
    default: return "unknown";
    }
}

/* --------------------------------------------------------------- reader */

typedef enum vkind {
    V_UNSET = 0, /* "-" in TSV, absent key or null in JSON */
    V_EMPTY,     /* "(empty)" in TSV */
    V_TSV,       /* TSV field text, \x escapes not yet decoded */
    V_JSTR,      /* JSON string body (between the quotes), escapes not decoded */
    V_JLIT,      /* JSON number, true or false */
    V_JARR,      /* JSON array text with its brackets */
    V_JOBJ       /* JSON object: no column takes one */
} vkind;

typedef struct val {
    vkind kind;
    const char *p;
    size_t n;
} val;

typedef struct span {
    const char *p;
    size_t n;
} span;

enum { MODE_NONE = 0, MODE_TSV = 1, MODE_JSON = 2 };
#define SCRATCH_LEN (C2D_ZEEK_MAX_LINE + 64u)
#define JSON_MAX_DEPTH 64

struct c2d_zeek_reader {
    c2d_allocator alloc;
    c2d_zeek_callbacks cb;
    c2d_zeek_log want, log;
    int mode, finished;
    c2d_status fatal;
    uint64_t fatal_line, fatal_off;
    c2d_zeek_report rep;
    /* the line being assembled across feeds */
    char *line;
    size_t line_len;
    int line_over;
    uint64_t lineno, offset, line_off;
    /* decoded values of the current line */
    char *scratch;
    size_t scr_used;
    /* TSV block */
    char sep, set_sep;
    char empty[33], unset[33];
    size_t empty_len, unset_len;
    int path_seen, have_fields, have_types;
    c2d_zeek_log path_kind;
    uint32_t ncols, ntypes;
    int8_t field_col[C2D_ZEEK_MAX_COLUMNS];
    /* per line */
    val vals[C_COUNT];
    const char *fstart[C2D_ZEEK_MAX_COLUMNS + 2];
    char reason[192];
    c2d_dns_message msg;
};

static void block_defaults(c2d_zeek_reader *r) {
    r->sep = '\t';
    r->set_sep = ',';
    memcpy(r->empty, "(empty)", 8);
    r->empty_len = 7;
    memcpy(r->unset, "-", 2);
    r->unset_len = 1;
    r->path_seen = 0;
    r->path_kind = C2D_ZEEK_UNKNOWN;
    r->have_fields = 0;
    r->have_types = 0;
    r->ncols = 0;
}

c2d_status c2d_zeek_reader_new(c2d_zeek_log kind, const c2d_zeek_callbacks *cb,
                               const c2d_allocator *alloc, c2d_zeek_reader **out) {
    if (out) *out = NULL;
    if (!out || (int)kind < C2D_ZEEK_UNKNOWN || kind > C2D_ZEEK_X509) return C2D_ERR_INVALID_ARG;
    if (cb && cb->size < sizeof(c2d_zeek_callbacks)) return C2D_ERR_INVALID_ARG;
    c2d_allocator a;
    c2d_status st = c2d__allocator_init(&a, alloc);
    if (st != C2D_OK) return st;
    c2d_zeek_reader *r = (c2d_zeek_reader *)c2d__calloc(&a, 1, sizeof *r);
    if (!r) return C2D_ERR_NOMEM;
    r->alloc = a;
    r->line = (char *)c2d__alloc(&a, C2D_ZEEK_MAX_LINE + 1u);
    r->scratch = (char *)c2d__alloc(&a, SCRATCH_LEN);
    if (!r->line || !r->scratch) {
        c2d_zeek_reader_free(r);
        return C2D_ERR_NOMEM;
    }
    if (cb) r->cb = *cb;
    r->want = kind;
    r->log = C2D_ZEEK_UNKNOWN;
    block_defaults(r);
    *out = r;
    return C2D_OK;
}

void c2d_zeek_reader_free(c2d_zeek_reader *r) {
    if (!r) return;
    c2d_allocator a = r->alloc;
    if (r->line) c2d__free(&a, r->line);
    if (r->scratch) c2d__free(&a, r->scratch);
    c2d__free(&a, r);
}

/* ------------------------------------------------------ rejects, fatals */

/* Count a rejected line and report it: "column <column>: <msg>", or <msg>. */
static void reject(c2d_zeek_reader *r, c2d_status why, const char *column, const char *msg) {
    r->rep.rejected++;
    for (unsigned i = 0; i < C2D_ZEEK_FIRST_REJECTED; i++)
        if (!r->rep.first_rejected[i]) {
            r->rep.first_rejected[i] = r->lineno;
            break;
        }
    if (r->cb.on_reject) {
        snprintf(r->reason, sizeof r->reason, "%s%s%s%s", column ? "column " : "", column ? column : "",
                 column ? ": " : "", msg);
        r->cb.on_reject(r->cb.user, r->lineno, why, r->reason);
    }
}

static void fail(c2d_zeek_reader *r, c2d_status why) {
    r->fatal = why;
    r->fatal_line = r->lineno;
    r->fatal_off = r->line_off;
}

/* -------------------------------------------------------------- decoding */

static int hexv(char c) {
    if (c >= '0' && c <= '9') return c - '0';
    if (c >= 'a' && c <= 'f') return c - 'a' + 10;
    if (c >= 'A' && c <= 'F') return c - 'A' + 10;
    return -1;
}

/* Zeek TSV escapes: \xHH is the byte HH, \\ a backslash; any other
 * backslash stays as it is. Output never longer than input. */
static size_t tsv_unescape(const char *s, size_t n, char *out) {
    size_t o = 0;
    for (size_t i = 0; i < n; i++) {
        if (s[i] == '\\' && i + 3 < n && s[i + 1] == 'x' && hexv(s[i + 2]) >= 0 && hexv(s[i + 3]) >= 0) {
            out[o++] = (char)(hexv(s[i + 2]) * 16 + hexv(s[i + 3]));
            i += 3;
        } else if (s[i] == '\\' && i + 1 < n && s[i + 1] == '\\') {
            out[o++] = '\\';
            i += 1;
        } else {
            out[o++] = s[i];
        }
    }
    return o;
}

static void put_utf8(uint32_t cp, char *out, size_t *o) {
    if (cp < 0x80) {
        out[(*o)++] = (char)cp;
    } else if (cp < 0x800) {
        out[(*o)++] = (char)(0xC0 | (cp >> 6));
        out[(*o)++] = (char)(0x80 | (cp & 0x3F));
    } else if (cp < 0x10000) {
        out[(*o)++] = (char)(0xE0 | (cp >> 12));
        out[(*o)++] = (char)(0x80 | ((cp >> 6) & 0x3F));
        out[(*o)++] = (char)(0x80 | (cp & 0x3F));
    } else {
        out[(*o)++] = (char)(0xF0 | (cp >> 18));
        out[(*o)++] = (char)(0x80 | ((cp >> 12) & 0x3F));
        out[(*o)++] = (char)(0x80 | ((cp >> 6) & 0x3F));
        out[(*o)++] = (char)(0x80 | (cp & 0x3F));
    }
}

static int hex4(const char *s, uint32_t *v) {
    uint32_t x = 0;
    for (int i = 0; i < 4; i++) {
        int h = hexv(s[i]);
        if (h < 0) return 0;
        x = x * 16u + (uint32_t)h;
    }
    *v = x;
    return 1;
}

/* Decode a JSON string body already checked by the scanner (so every escape
 * is complete and surrogates are paired). \uXXXX becomes UTF-8: at most 6
 * input bytes give at most 4 output bytes, so the output is never longer. */
static size_t json_unescape(const char *s, size_t n, char *out) {
    size_t o = 0;
    for (size_t i = 0; i < n; i++) {
        if (s[i] != '\\') {
            out[o++] = s[i];
            continue;
        }
        char e = s[++i];
        switch (e) {
        case 'b': out[o++] = '\b'; break;
        case 'f': out[o++] = '\f'; break;
        case 'n': out[o++] = '\n'; break;
        case 'r': out[o++] = '\r'; break;
        case 't': out[o++] = '\t'; break;
        case 'u': {
            uint32_t cp = 0, lo = 0;
            (void)hex4(s + i + 1, &cp);
            i += 4;
            if (cp >= 0xD800 && cp < 0xDC00) {
                (void)hex4(s + i + 3, &lo);
                cp = 0x10000u + ((cp - 0xD800u) << 10) + (lo - 0xDC00u);
                i += 6;
            }
            put_utf8(cp, out, &o);
            break;
        }
        default: out[o++] = e; break; /* " \ / */
        }
    }
    return o;
}

/* Decoded text of a scalar value. Returns 1 with *out set, 0 when unset,
 * -1 when the value is an array or object. */
static int get_text(c2d_zeek_reader *r, col c, span *out) {
    const val *v = &r->vals[c];
    switch (v->kind) {
    case V_UNSET: return 0;
    case V_EMPTY: out->p = ""; out->n = 0; return 1;
    case V_JLIT:
        if (v->n == 4 && !memcmp(v->p, "true", 4)) {
            out->p = "T";
            out->n = 1;
        } else if (v->n == 5 && !memcmp(v->p, "false", 5)) {
            out->p = "F";
            out->n = 1;
        } else {
            out->p = v->p;
            out->n = v->n;
        }
        return 1;
    case V_TSV:
    case V_JSTR: {
        if (!memchr(v->p, '\\', v->n)) {
            out->p = v->p;
            out->n = v->n;
            return 1;
        }
        if (v->n > SCRATCH_LEN - r->scr_used) return -1; /* cannot happen: values do not overlap */
        char *dst = r->scratch + r->scr_used;
        size_t n = v->kind == V_TSV ? tsv_unescape(v->p, v->n, dst) : json_unescape(v->p, v->n, dst);
        r->scr_used += n;
        out->p = dst;
        out->n = n;
        return 1;
    }
    default: return -1;
    }
}

/* Elements of a vector/set value: TSV text split at the set separator (then
 * unescaped), a JSON array's elements, or one scalar as a one-element list. */
typedef struct vec_iter {
    const char *p, *end;
    int kind; /* 0 done, 1 TSV, 2 JSON array, 3 single scalar pending */
} vec_iter;

static void vec_begin(c2d_zeek_reader *r, col c, vec_iter *it) {
    const val *v = &r->vals[c];
    it->p = v->p;
    it->end = v->p ? v->p + v->n : NULL; /* unset values have no text */
    switch (v->kind) {
    case V_TSV: it->kind = 1; break;
    case V_JARR: it->kind = 2; it->p++; it->end--; break; /* inside the brackets */
    case V_JSTR:
    case V_JLIT: it->kind = 3; break;
    default: it->kind = 0; break;
    }
}

static const char *skip_ws(const char *p, const char *end) {
    while (p < end && (*p == ' ' || *p == '\t' || *p == '\n' || *p == '\r')) p++;
    return p;
}

/* Returns 1 with an element, 0 at the end, -1 for a nested array/object. */
static int vec_next(c2d_zeek_reader *r, vec_iter *it, col c, span *out) {
    char *dst = r->scratch + r->scr_used;
    if (it->kind == 1) {
        if (!it->p) return 0;
        const char *e = memchr(it->p, r->set_sep, (size_t)(it->end - it->p));
        const char *stop = e ? e : it->end;
        size_t n = (size_t)(stop - it->p);
        if (n > SCRATCH_LEN - r->scr_used) return -1;
        out->n = tsv_unescape(it->p, n, dst);
        out->p = dst;
        r->scr_used += out->n;
        it->p = e ? e + 1 : NULL;
        return 1;
    }
    if (it->kind == 3) {
        it->kind = 0;
        return get_text(r, c, out);
    }
    if (it->kind != 2) return 0;
    const char *p = skip_ws(it->p, it->end);
    if (p >= it->end) return 0;
    if (*p == ',') p = skip_ws(p + 1, it->end);
    if (*p == '"') {
        const char *q = p + 1;
        while (*q != '"') q += *q == '\\' ? 2 : 1;
        size_t n = (size_t)(q - p - 1);
        if (n > SCRATCH_LEN - r->scr_used) return -1;
        out->n = json_unescape(p + 1, n, dst);
        out->p = dst;
        r->scr_used += out->n;
        it->p = q + 1;
        return 1;
    }
    if (*p == '[' || *p == '{') return -1;
    const char *q = p;
    while (q < it->end && *q != ',' && *q != ' ' && *q != '\t' && *q != '\r' && *q != '\n') q++;
    if (q - p == 4 && !memcmp(p, "null", 4)) {
        out->p = "-";
        out->n = 1;
    } else {
        out->p = p;
        out->n = (size_t)(q - p);
    }
    it->p = q;
    return 1;
}

/* -------------------------------------------------------------- numbers */

static int parse_count(span s, uint64_t *out) {
    if (!s.n) return 0;
    uint64_t v = 0;
    for (size_t i = 0; i < s.n; i++) {
        if (s.p[i] < '0' || s.p[i] > '9') return 0;
        unsigned d = (unsigned)(s.p[i] - '0');
        if (v > (UINT64_MAX - d) / 10u) return 0;
        v = v * 10u + d;
    }
    *out = v;
    return 1;
}

/* "S[.F]" seconds (no sign, no exponent) to nanoseconds; digits of F past
 * the ninth are dropped. */
static int parse_decimal_ns(span s, uint64_t *out) {
    size_t i = 0;
    uint64_t sec = 0;
    if (!s.n) return 0;
    while (i < s.n && s.p[i] >= '0' && s.p[i] <= '9') {
        unsigned d = (unsigned)(s.p[i] - '0');
        if (sec > (UINT64_MAX / 1000000000u - d) / 10u) return 0;
        sec = sec * 10u + d;
        i++;
    }
    if (i == 0) return 0;
    uint64_t frac = 0;
    unsigned digits = 0;
    if (i < s.n && s.p[i] == '.') {
        i++;
        size_t start = i;
        while (i < s.n && s.p[i] >= '0' && s.p[i] <= '9') {
            if (digits < 9) {
                frac = frac * 10u + (unsigned)(s.p[i] - '0');
                digits++;
            }
            i++;
        }
        if (i == start) return 0;
    }
    if (i != s.n) return 0;
    while (digits < 9) {
        frac *= 10u;
        digits++;
    }
    uint64_t ns = sec * 1000000000u;
    if (ns > UINT64_MAX - frac) return 0;
    *out = ns + frac;
    return 1;
}

static int digits_at(span s, size_t at, size_t n, unsigned *v) {
    if (at + n > s.n) return 0;
    unsigned x = 0;
    for (size_t i = 0; i < n; i++) {
        char c = s.p[at + i];
        if (c < '0' || c > '9') return 0;
        x = x * 10u + (unsigned)(c - '0');
    }
    *v = x;
    return 1;
}

/* Days from 1970-01-01 to a proleptic Gregorian date (Howard Hinnant's
 * days_from_civil algorithm). */
static int64_t days_from_civil(int64_t y, unsigned m, unsigned d) {
    y -= m <= 2;
    const int64_t era = (y >= 0 ? y : y - 399) / 400;
    const unsigned yoe = (unsigned)(y - era * 400);
    const unsigned doy = (153u * (m + (m > 2 ? (unsigned)-3 : 9u)) + 2u) / 5u + d - 1u;
    const unsigned doe = yoe * 365u + yoe / 4u - yoe / 100u + doy;
    return era * 146097 + (int64_t)doe - 719468;
}

/* Zeek's ISO 8601 timestamps: YYYY-MM-DDTHH:MM:SS[.F][Z|+HH:MM|-HH:MM|+HHMM]
 * (no zone = UTC). Before 1970 is refused. */
static int parse_iso8601_ns(span s, uint64_t *out) {
    unsigned y, mo, d, h, mi, se;
    if (!digits_at(s, 0, 4, &y) || s.n < 19 || s.p[4] != '-' || !digits_at(s, 5, 2, &mo) ||
        s.p[7] != '-' || !digits_at(s, 8, 2, &d) || (s.p[10] != 'T' && s.p[10] != ' ') ||
        !digits_at(s, 11, 2, &h) || s.p[13] != ':' || !digits_at(s, 14, 2, &mi) || s.p[16] != ':' ||
        !digits_at(s, 17, 2, &se))
        return 0;
    if (mo < 1 || mo > 12 || d < 1 || d > 31 || h > 23 || mi > 59 || se > 60) return 0;
    size_t i = 19;
    uint64_t frac = 0;
    if (i < s.n && s.p[i] == '.') {
        i++;
        size_t start = i;
        unsigned digits = 0;
        while (i < s.n && s.p[i] >= '0' && s.p[i] <= '9') {
            if (digits < 9) {
                frac = frac * 10u + (unsigned)(s.p[i] - '0');
                digits++;
            }
            i++;
        }
        if (i == start) return 0;
        while (digits < 9) {
            frac *= 10u;
            digits++;
        }
    }
    int64_t zone = 0;
    if (i < s.n && s.p[i] == 'Z') {
        i++;
    } else if (i < s.n && (s.p[i] == '+' || s.p[i] == '-')) {
        int neg = s.p[i] == '-';
        unsigned zh, zm;
        if (!digits_at(s, i + 1, 2, &zh)) return 0;
        i += 3;
        if (i < s.n && s.p[i] == ':') i++;
        if (!digits_at(s, i, 2, &zm)) return 0;
        i += 2;
        if (zh > 23 || zm > 59) return 0;
        zone = (int64_t)(zh * 3600u + zm * 60u) * (neg ? -1 : 1);
    }
    if (i != s.n) return 0;
    int64_t secs = days_from_civil((int64_t)y, mo, d) * 86400 + (int64_t)(h * 3600u + mi * 60u + se) - zone;
    if (secs < 0) return 0;
    *out = (uint64_t)secs * 1000000000u + frac;
    return 1;
}

static int parse_time_ns(span s, uint64_t *out) {
    if (s.n >= 19 && s.p[4] == '-') return parse_iso8601_ns(s, out);
    return parse_decimal_ns(s, out);
}

static int parse_addr(span s, uint8_t addr[16]) {
    char buf[64];
    if (s.n == 0 || s.n >= sizeof buf || memchr(s.p, 0, s.n)) return 0;
    memcpy(buf, s.p, s.n);
    buf[s.n] = 0;
    return c2d_addr_parse(buf, addr) == C2D_OK;
}

/* ------------------------------------------------------- field getters */
/* Each returns 1 on success (the value or its default), 0 after rejecting
 * the line with a status naming the column. */

static int need_time(c2d_zeek_reader *r, col c, uint64_t *ns) {
    span s;
    int g = get_text(r, c, &s);
    if (g == 0) {
        reject(r, C2D_ERR_ZEEK_NUMBER, COLS[c].name, "unset");
        return 0;
    }
    if (g < 0 || !parse_time_ns(s, ns)) {
        reject(r, C2D_ERR_ZEEK_NUMBER, COLS[c].name, "not a time");
        return 0;
    }
    return 1;
}

static int opt_interval(c2d_zeek_reader *r, col c, uint64_t *ns) {
    span s;
    int g = get_text(r, c, &s);
    *ns = 0;
    if (g == 0) return 1;
    if (g < 0 || !parse_decimal_ns(s, ns)) {
        reject(r, C2D_ERR_ZEEK_NUMBER, COLS[c].name, "not an interval");
        return 0;
    }
    return 1;
}

static int opt_count(c2d_zeek_reader *r, col c, uint64_t max, uint64_t *v) {
    span s;
    int g = get_text(r, c, &s);
    *v = 0;
    if (g == 0) return 1;
    if (g < 0 || !parse_count(s, v) || *v > max) {
        reject(r, C2D_ERR_ZEEK_NUMBER, COLS[c].name, "not a count in range");
        return 0;
    }
    return 1;
}

static int need_port(c2d_zeek_reader *r, col c, uint16_t *port) {
    span s;
    uint64_t v = 0;
    int g = get_text(r, c, &s);
    if (g == 0) {
        reject(r, C2D_ERR_ZEEK_NUMBER, COLS[c].name, "unset");
        return 0;
    }
    if (g < 0 || !parse_count(s, &v) || v > 65535u) {
        reject(r, C2D_ERR_ZEEK_NUMBER, COLS[c].name, "not a port");
        return 0;
    }
    *port = (uint16_t)v;
    return 1;
}

static int need_addr(c2d_zeek_reader *r, col c, uint8_t addr[16]) {
    span s;
    int g = get_text(r, c, &s);
    if (g == 0) {
        reject(r, C2D_ERR_ZEEK_ADDR, COLS[c].name, "unset");
        return 0;
    }
    if (g < 0 || !parse_addr(s, addr)) {
        reject(r, C2D_ERR_ZEEK_ADDR, COLS[c].name, "not an address");
        return 0;
    }
    return 1;
}

/* T/F; *v = -1 when unset. */
static int opt_bool(c2d_zeek_reader *r, col c, int *v) {
    span s;
    int g = get_text(r, c, &s);
    *v = -1;
    if (g == 0) return 1;
    if (g > 0 && s.n == 1 && (s.p[0] == 'T' || s.p[0] == 'F')) {
        *v = s.p[0] == 'T';
        return 1;
    }
    reject(r, C2D_ERR_ZEEK_VALUE, COLS[c].name, "not T or F");
    return 0;
}

/* ------------------------------------------------------------ conn rows */

static int is_private(const uint8_t a[16]) {
    static const uint8_t mapped[12] = {0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0xff, 0xff};
    if (!memcmp(a, mapped, 12)) {
        const uint8_t *v = a + 12;
        return v[0] == 10 || (v[0] == 172 && (v[1] & 0xf0u) == 16) || (v[0] == 192 && v[1] == 168) ||
               (v[0] == 100 && (v[1] & 0xc0u) == 64) || v[0] == 127 || (v[0] == 169 && v[1] == 254);
    }
    static const uint8_t loop6[16] = {0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 1};
    return (a[0] & 0xfeu) == 0xfc || (a[0] == 0xfe && (a[1] & 0xc0u) == 0x80) || !memcmp(a, loop6, 16);
}

static const char *const CONN_STATES[] = {"S0", "S1", "SF", "REJ", "S2", "S3", "RSTO",
                                          "RSTR", "RSTOS0", "RSTRH", "SH", "SHR", "OTH"};

/* Zeek history letters: upper case for the originator, lower for the
 * responder. Flags: S SYN, H SYN+ACK, A ACK, F FIN, R RST. Control packets
 * (for the data-packet approximation): one per letter among S/H, A, F, R. */
static void history_flags(span h, uint8_t *of, uint8_t *rf, unsigned *octl, unsigned *rctl) {
    unsigned seen[2] = {0, 0};
    uint8_t fl[2] = {0, 0};
    for (size_t i = 0; i < h.n; i++) {
        char ch = h.p[i];
        int dir = ch >= 'a' && ch <= 'z';
        char up = dir ? (char)(ch - 32) : ch;
        switch (up) {
        case 'S': fl[dir] |= C2D_TCP_SYN; seen[dir] |= 1u; break;
        case 'H': fl[dir] |= C2D_TCP_SYN | C2D_TCP_ACK; seen[dir] |= 1u; break;
        case 'A': fl[dir] |= C2D_TCP_ACK; seen[dir] |= 2u; break;
        case 'F': fl[dir] |= C2D_TCP_FIN; seen[dir] |= 4u; break;
        case 'R': fl[dir] |= C2D_TCP_RST; seen[dir] |= 8u; break;
        default: break;
        }
    }
    *of = fl[0];
    *rf = fl[1];
    *octl = (unsigned)__builtin_popcount(seen[0]);
    *rctl = (unsigned)__builtin_popcount(seen[1]);
}

/* Packets that carried payload, which conn.log does not give (docs/zeek.md). */
static uint64_t data_pkts(uint8_t proto, uint64_t bytes, uint64_t pkts, unsigned ctl) {
    if (!bytes) return 0;
    if (proto != 6) return pkts ? pkts : 1;
    uint64_t d = pkts > ctl ? pkts - ctl : 0;
    return d ? d : 1;
}

static void conn_row(c2d_zeek_reader *r) {
    c2d_session s;
    memset(&s, 0, sizeof s);
    s.size = sizeof s;
    uint64_t dur_ns = 0;
    span t;
    if (!need_time(r, C_TS, &s.ts_ns) || !need_addr(r, C_ORIG_H, s.orig_h) ||
        !need_port(r, C_ORIG_P, &s.orig_p) || !need_addr(r, C_RESP_H, s.resp_h) ||
        !need_port(r, C_RESP_P, &s.resp_p) || !opt_interval(r, C_DURATION, &dur_ns) ||
        !opt_count(r, C_ORIG_BYTES, UINT64_MAX, &s.orig_bytes) ||
        !opt_count(r, C_RESP_BYTES, UINT64_MAX, &s.resp_bytes) ||
        !opt_count(r, C_ORIG_PKTS, UINT64_MAX, &s.orig_pkts) ||
        !opt_count(r, C_RESP_PKTS, UINT64_MAX, &s.resp_pkts) ||
        !opt_count(r, C_ORIG_IP_BYTES, UINT64_MAX, &s.orig_ip_bytes) ||
        !opt_count(r, C_RESP_IP_BYTES, UINT64_MAX, &s.resp_ip_bytes))
        return;
    if (dur_ns > UINT64_MAX - s.ts_ns) {
        reject(r, C2D_ERR_ZEEK_NUMBER, "duration", "ts + duration overflows");
        return;
    }
    s.last_ns = s.ts_ns + dur_ns;
    s.duration = (double)dur_ns / 1e9;
    int g = get_text(r, C_CONN_STATE, &t);
    s.conn_state = C2D_CONN_OTH;
    if (g != 0) {
        int found = -1;
        for (int i = 0; g > 0 && i < (int)(sizeof CONN_STATES / sizeof CONN_STATES[0]); i++)
            if (strlen(CONN_STATES[i]) == t.n && !memcmp(CONN_STATES[i], t.p, t.n)) found = i;
        if (found < 0) {
            reject(r, C2D_ERR_ZEEK_VALUE, "conn_state", "unknown conn_state");
            return;
        }
        s.conn_state = (c2d_conn_state)found;
    }
    int lo, lr;
    if (!opt_bool(r, C_LOCAL_ORIG, &lo) || !opt_bool(r, C_LOCAL_RESP, &lr)) return;
    span hist = {"", 0};
    g = get_text(r, C_HISTORY, &hist);
    if (g < 0) {
        reject(r, C2D_ERR_ZEEK_VALUE, "history", "not a string");
        return;
    }
    if (g == 0) hist.n = 0;
    span proto;
    g = get_text(r, C_PROTO, &proto);
    if (g < 0) {
        reject(r, C2D_ERR_ZEEK_VALUE, "proto", "not a string");
        return;
    }
    /* a valid row of another protocol (icmp, unset) is a record without an event */
    if (g == 0 || !((proto.n == 3 && !memcmp(proto.p, "tcp", 3)) || (proto.n == 3 && !memcmp(proto.p, "udp", 3)))) {
        r->rep.records++;
        r->rep.unconverted++;
        return;
    }
    s.proto = proto.p[0] == 't' ? 6 : 17;
    static const uint8_t mapped[12] = {0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0xff, 0xff};
    s.ip_version = memcmp(s.orig_h, mapped, 12) ? 6 : 4;
    unsigned octl = 0, rctl = 0;
    if (s.proto == 6) history_flags(hist, &s.orig_tcp_flags, &s.resp_tcp_flags, &octl, &rctl);
    s.orig_data_pkts = data_pkts(s.proto, s.orig_bytes, s.orig_pkts, octl);
    s.resp_data_pkts = data_pkts(s.proto, s.resp_bytes, s.resp_pkts, rctl);
    s.orig_mean_payload = s.orig_data_pkts ? (double)s.orig_bytes / (double)s.orig_data_pkts : 0.0;
    s.resp_mean_payload = s.resp_data_pkts ? (double)s.resp_bytes / (double)s.resp_data_pkts : 0.0;
    switch (s.conn_state) {
    case C2D_CONN_SF: s.end_reason = C2D_END_FIN; break;
    case C2D_CONN_REJ: case C2D_CONN_RSTO: case C2D_CONN_RSTR: case C2D_CONN_RSTOS0:
    case C2D_CONN_RSTRH: s.end_reason = C2D_END_RST; break;
    default: s.end_reason = C2D_END_IDLE; break;
    }
    s.local_orig = lo >= 0 ? lo : is_private(s.orig_h);
    s.local_resp = lr >= 0 ? lr : is_private(s.resp_h);
    uint64_t bytes = s.orig_bytes + s.resp_bytes, dp = s.orig_data_pkts + s.resp_data_pkts;
    if (bytes < s.orig_bytes) bytes = UINT64_MAX;
    s.counted = bytes >= 1;
    s.avg_payload_len = dp ? (double)bytes / (double)dp : 0.0;
    s.in_out_ratio = ((double)s.resp_bytes + 1.0) / ((double)s.orig_bytes + 1.0);
    r->rep.records++;
    if (r->cb.on_session) r->cb.on_session(r->cb.user, &s);
}

/* ------------------------------------------------------------- dns rows */

/* Query name in the form of c2d_dns_message.qname: lower case, no trailing
 * dot, bytes outside '!'..'~' and a backslash written as \DDD. */
static int put_qname(c2d_dns_message *m, span q) {
    size_t n = q.n, o = 0;
    if (n && q.p[n - 1] == '.') n--;
    for (size_t i = 0; i < n; i++) {
        unsigned char ch = (unsigned char)q.p[i];
        if (ch >= 'A' && ch <= 'Z') ch = (unsigned char)(ch + 32);
        if (ch < '!' || ch > '~' || ch == '\\') {
            if (o + 4 >= C2D_DNS_NAME_BUF) return 0;
            m->qname[o++] = '\\';
            m->qname[o++] = (char)('0' + ch / 100);
            m->qname[o++] = (char)('0' + ch / 10 % 10);
            m->qname[o++] = (char)('0' + ch % 10);
        } else {
            if (o + 1 >= C2D_DNS_NAME_BUF) return 0;
            m->qname[o++] = (char)ch;
        }
    }
    m->qname[o] = 0;
    m->qname_len = (uint32_t)o;
    return 1;
}

static void dns_row(c2d_zeek_reader *r) {
    c2d_dns_event ev;
    c2d_dns_message *m = &r->msg;
    memset(&ev, 0, sizeof ev);
    memset(m, 0, sizeof *m);
    ev.size = sizeof ev;
    m->size = sizeof *m;
    uint16_t sport = 0;
    uint64_t id = 0, qclass = 0, qtype = 0, rcode = 0;
    int aa, tc, rd, ra;
    if (!need_time(r, C_TS, &ev.ts_ns) || !need_addr(r, C_ORIG_H, ev.client_addr) ||
        !need_port(r, C_ORIG_P, &ev.client_port) || !need_addr(r, C_RESP_H, ev.server_addr) ||
        !need_port(r, C_RESP_P, &sport) || !opt_count(r, C_TRANS_ID, 65535u, &id) ||
        !opt_count(r, C_QCLASS, 65535u, &qclass) || !opt_count(r, C_QTYPE, 65535u, &qtype) ||
        !opt_count(r, C_RCODE, 255u, &rcode) || !opt_bool(r, C_AA, &aa) || !opt_bool(r, C_TC, &tc) ||
        !opt_bool(r, C_RD, &rd) || !opt_bool(r, C_RA, &ra))
        return;
    span t;
    int g = get_text(r, C_PROTO, &t);
    if (g < 0) {
        reject(r, C2D_ERR_ZEEK_VALUE, "proto", "not a string");
        return;
    }
    ev.transport = g > 0 && t.n == 3 && !memcmp(t.p, "tcp", 3) ? 6 : 17;
    static const uint8_t mapped[12] = {0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0xff, 0xff};
    ev.ip_version = memcmp(ev.client_addr, mapped, 12) ? 6 : 4;
    g = get_text(r, C_QUERY, &t);
    if (g < 0) {
        reject(r, C2D_ERR_ZEEK_VALUE, "query", "not a string");
        return;
    }
    if (g > 0) {
        if (!put_qname(m, t)) {
            reject(r, C2D_ERR_ZEEK_VALUE, "query", "name too long");
            return;
        }
        m->qdcount = 1;
    }
    m->id = (uint16_t)id;
    m->qtype = (uint16_t)qtype;
    m->qclass = (uint16_t)qclass;
    int has_rcode = r->vals[C_RCODE].kind != V_UNSET;
    m->is_response = (uint8_t)has_rcode;
    m->rcode = (uint8_t)rcode;
    m->truncated = (uint8_t)(tc > 0);
    m->flags = (uint16_t)((has_rcode ? 0x8000u : 0u) | (aa > 0 ? 0x0400u : 0u) | (tc > 0 ? 0x0200u : 0u) |
                          (rd > 0 ? 0x0100u : 0u) | (ra > 0 ? 0x0080u : 0u) | (rcode & 0x0fu));
    /* answers and TTLs in step: a kept address takes the TTL at its index;
     * every TTL must be an interval, also past the last answer */
    vec_iter ai, ti;
    span e, te;
    uint64_t nans = 0, other = 0, over = 0;
    int more_ttl = 1;
    vec_begin(r, C_ANSWERS, &ai);
    vec_begin(r, C_TTLS, &ti);
    for (;;) {
        int k = vec_next(r, &ai, C_ANSWERS, &e);
        if (k < 0) {
            reject(r, C2D_ERR_ZEEK_VALUE, "answers", "nested value");
            return;
        }
        uint64_t ttl_ns = 0;
        int has_ttl = 0;
        if (more_ttl) {
            int kt = vec_next(r, &ti, C_TTLS, &te);
            if (kt == 0) more_ttl = 0;
            else if (kt < 0 || !parse_decimal_ns(te, &ttl_ns)) {
                reject(r, C2D_ERR_ZEEK_NUMBER, "TTLs", "not an interval");
                return;
            } else has_ttl = 1;
        }
        if (k == 0) {
            if (!more_ttl) break;
            continue; /* TTLs left over: checked, not used */
        }
        uint8_t a[16];
        if (!parse_addr(e, a)) {
            other++;
        } else if (m->n_addrs >= C2D_DNS_MAX_ADDRS) {
            over++;
        } else {
            uint32_t i = m->n_addrs++;
            uint64_t sec = has_ttl ? ttl_ns / 1000000000u : 0;
            memcpy(m->addrs[i].addr, a, 16);
            m->addrs[i].ip_version = memcmp(a, mapped, 12) ? 6 : 4;
            m->addrs[i].ttl = sec > UINT32_MAX ? UINT32_MAX : (uint32_t)sec;
        }
        nans++;
    }
    m->ancount = nans > 65535u ? 65535u : (uint16_t)nans;
    r->rep.dns_answers_other += other;
    r->rep.dns_answers_over_cap += over;
    ev.message = m;
    r->rep.records++;
    if (r->cb.on_dns) r->cb.on_dns(r->cb.user, &ev);
}

/* ------------------------------------------------------------ http rows */

static void http_row(c2d_zeek_reader *r) {
    c2d_http_event ev;
    memset(&ev, 0, sizeof ev);
    ev.size = sizeof ev;
    uint16_t cport = 0;
    if (!need_time(r, C_TS, &ev.ts_ns) || !need_addr(r, C_ORIG_H, ev.client_addr) ||
        !need_port(r, C_ORIG_P, &cport) || !need_addr(r, C_RESP_H, ev.server_addr) ||
        !need_port(r, C_RESP_P, &ev.server_port))
        return;
    span h, u;
    int gh = get_text(r, C_HOST, &h), gu = get_text(r, C_URI, &u);
    if (gh < 0 || gu < 0) {
        reject(r, C2D_ERR_ZEEK_VALUE, gh < 0 ? "host" : "uri", "not a string");
        return;
    }
    if (gh > 0) {
        ev.host = h.p;
        ev.host_len = h.n;
    }
    if (gu > 0) {
        ev.uri = u.p;
        ev.uri_len = u.n;
    }
    r->rep.records++;
    if (r->cb.on_http) r->cb.on_http(r->cb.user, &ev);
}

/* ssl and x509: checked and counted; the TLS work adds events later */
static void other_row(c2d_zeek_reader *r, c2d_zeek_log kind) {
    uint64_t ts;
    uint8_t a[16];
    uint16_t p;
    if (!need_time(r, C_TS, &ts)) return;
    if (kind == C2D_ZEEK_SSL && (!need_addr(r, C_ORIG_H, a) || !need_port(r, C_ORIG_P, &p) ||
                                 !need_addr(r, C_RESP_H, a) || !need_port(r, C_RESP_P, &p)))
        return;
    r->rep.records++;
    r->rep.unconverted++;
}

static void convert(c2d_zeek_reader *r) {
    switch (r->log) {
    case C2D_ZEEK_CONN: conn_row(r); break;
    case C2D_ZEEK_DNS: dns_row(r); break;
    case C2D_ZEEK_HTTP: http_row(r); break;
    default: other_row(r, r->log); break;
    }
}

/* Decide the log kind of a block (TSV) or of the file (JSON); on failure the
 * reader is stopped. `path_kind`/`path_given`: from #path or "_path". */
static int settle_kind(c2d_zeek_reader *r, int path_given, c2d_zeek_log path_kind, unsigned hints) {
    c2d_zeek_log k;
    if (path_given && path_kind != C2D_ZEEK_UNKNOWN) {
        k = path_kind;
    } else if (r->want != C2D_ZEEK_UNKNOWN) {
        /* the caller's kind wins over a path this library does not know
         * (Corelight's conn_long, a renamed stream): the columns decide */
        k = r->want;
    } else if (path_given) {
        fail(r, C2D_ERR_ZEEK_UNKNOWN_LOG);
        return 0;
    } else {
        k = r->want;
        k = kind_of_hints(hints);
        if (k == C2D_ZEEK_UNKNOWN) {
            fail(r, C2D_ERR_ZEEK_UNKNOWN_LOG);
            return 0;
        }
    }
    if ((r->want != C2D_ZEEK_UNKNOWN && k != r->want) || (r->log != C2D_ZEEK_UNKNOWN && k != r->log)) {
        fail(r, C2D_ERR_ZEEK_LOG_MISMATCH);
        return 0;
    }
    r->log = k;
    return 1;
}

/* ------------------------------------------------------------------ TSV */

/* Header values: \xHH escapes and \t (RITA writes "#separator \t"). */
static int header_value(const char *s, size_t n, char *out, size_t cap, size_t *len) {
    size_t o = 0;
    for (size_t i = 0; i < n; i++) {
        char ch = s[i];
        if (ch == '\\' && i + 3 < n && s[i + 1] == 'x' && hexv(s[i + 2]) >= 0 && hexv(s[i + 3]) >= 0) {
            ch = (char)(hexv(s[i + 2]) * 16 + hexv(s[i + 3]));
            i += 3;
        } else if (ch == '\\' && i + 1 < n && s[i + 1] == 't') {
            ch = '\t';
            i += 1;
        }
        if (o >= cap) return 0;
        out[o++] = ch;
    }
    *len = o;
    return 1;
}

static int split_count(const char *p, size_t n, char sep) {
    int k = 1;
    for (size_t i = 0; i < n; i++) k += p[i] == sep;
    return k;
}

static void tsv_fields(c2d_zeek_reader *r, const char *p, size_t n) {
    int k = split_count(p, n, r->sep);
    if (k > (int)C2D_ZEEK_MAX_COLUMNS) {
        fail(r, C2D_ERR_ZEEK_HEADER);
        return;
    }
    unsigned hints = 0;
    int8_t tmp[C2D_ZEEK_MAX_COLUMNS];
    int present[C_COUNT];
    memset(present, 0, sizeof present);
    const char *q = p, *end = p + n;
    for (int i = 0; i < k; i++) {
        const char *e = memchr(q, r->sep, (size_t)(end - q));
        if (!e) e = end;
        size_t len = (size_t)(e - q);
        hints |= hint_of(q, len);
        int c = col_of_name(q, len);
        tmp[i] = -1;
        if (c >= 0 && !present[c]) { /* the first of duplicate names counts */
            present[c] = 1;
            tmp[i] = (int8_t)c;
        }
        q = e + 1;
    }
    if (!settle_kind(r, r->path_seen, r->path_kind, hints)) return;
    unsigned kb = 1u << r->log;
    for (int c = 0; c < C_COUNT; c++)
        if ((COLS[c].required & kb) && !present[c]) {
            fail(r, C2D_ERR_ZEEK_MISSING_COLUMN);
            return;
        }
    for (int i = 0; i < k; i++)
        r->field_col[i] = (tmp[i] >= 0 && (COLS[tmp[i]].used & kb)) ? tmp[i] : -1;
    r->ncols = (uint32_t)k;
    r->have_fields = 1;
    r->rep.blocks++;
    if (r->have_types && r->ntypes != r->ncols) fail(r, C2D_ERR_ZEEK_HEADER);
}

/* A header or comment line (starts with '#'). */
static void tsv_header(c2d_zeek_reader *r, const char *p, size_t n) {
    static const char sepd[] = "#separator";
    size_t sl = sizeof sepd - 1;
    if (n >= sl && !memcmp(p, sepd, sl) && (n == sl || p[sl] == ' ')) {
        char v[8];
        size_t vl = 0;
        if (n <= sl + 1 || !header_value(p + sl + 1, n - sl - 1, v, sizeof v, &vl) || vl != 1) {
            fail(r, C2D_ERR_ZEEK_HEADER);
            return;
        }
        block_defaults(r);
        r->sep = v[0];
        return;
    }
    static const char *const names[] = {"#set_separator", "#empty_field", "#unset_field", "#path",
                                        "#fields", "#types", "#open", "#close"};
    for (int d = 0; d < (int)(sizeof names / sizeof names[0]); d++) {
        size_t dl = strlen(names[d]);
        if (n < dl || memcmp(p, names[d], dl)) continue;
        if (n > dl && p[dl] != r->sep && p[dl] != ' ') continue; /* a longer name: a comment */
        if (n == dl || p[dl] != r->sep) {
            fail(r, C2D_ERR_ZEEK_HEADER);
            return;
        }
        const char *v = p + dl + 1;
        size_t vn = n - dl - 1, len = 0;
        switch (d) {
        case 0: {
            char b[8];
            if (!header_value(v, vn, b, sizeof b, &len) || len != 1) {
                fail(r, C2D_ERR_ZEEK_HEADER);
                return;
            }
            r->set_sep = b[0];
            return;
        }
        case 1:
        case 2: {
            char *dst = d == 1 ? r->empty : r->unset;
            if (!header_value(v, vn, dst, 32, &len) || len == 0) {
                fail(r, C2D_ERR_ZEEK_HEADER);
                return;
            }
            dst[len] = 0;
            if (d == 1) r->empty_len = len;
            else r->unset_len = len;
            return;
        }
        case 3:
            r->path_seen = 1;
            r->path_kind = kind_of_path(v, vn);
            return;
        case 4: tsv_fields(r, v, vn); return;
        case 5:
            r->ntypes = (uint32_t)split_count(v, vn, r->sep);
            r->have_types = 1;
            if (r->have_fields && r->ntypes != r->ncols) fail(r, C2D_ERR_ZEEK_HEADER);
            return;
        default: return; /* #open, #close */
        }
    }
}

static void tsv_line(c2d_zeek_reader *r, const char *p, size_t n) {
    if (!r->have_fields) {
        fail(r, C2D_ERR_ZEEK_HEADER);
        return;
    }
    uint32_t k = 0;
    const char *q = p, *end = p + n;
    r->fstart[k++] = q;
    for (const char *e; (e = memchr(q, r->sep, (size_t)(end - q))) != NULL; q = e + 1) {
        if (k > r->ncols) {
            k++;
            break;
        }
        r->fstart[k++] = e + 1;
    }
    /* one trailing separator (an empty extra field) is tolerated: RITA writes it */
    int trailing = k == r->ncols + 1 && r->fstart[k - 1] == end;
    if (k != r->ncols && !trailing) {
        reject(r, C2D_ERR_ZEEK_FIELD_COUNT, NULL,
               k > r->ncols ? "more fields than #fields names" : "fewer fields than #fields names");
        return;
    }
    memset(r->vals, 0, sizeof r->vals);
    for (uint32_t i = 0; i < r->ncols; i++) {
        int c = r->field_col[i];
        if (c < 0) continue;
        const char *fs = r->fstart[i];
        const char *fe = i + 1 < k ? r->fstart[i + 1] - 1 : end;
        size_t fl = (size_t)(fe - fs);
        val *v = &r->vals[c];
        if (fl == r->unset_len && !memcmp(fs, r->unset, fl)) v->kind = V_UNSET;
        else if (fl == r->empty_len && !memcmp(fs, r->empty, fl)) v->kind = V_EMPTY;
        else {
            v->kind = V_TSV;
            v->p = fs;
            v->n = fl;
        }
    }
    convert(r);
}

/* ----------------------------------------------------------------- JSON */

typedef struct jscan {
    const char *p, *end;
} jscan;

/* Check a JSON string starting at the opening quote; on success s->p is past
 * the closing quote and body and blen give is the text between the quotes. */
static int js_string(jscan *s, const char **body, size_t *blen) {
    const char *p = s->p + 1;
    *body = p;
    while (p < s->end) {
        unsigned char c = (unsigned char)*p;
        if (c == '"') {
            *blen = (size_t)(p - *body);
            s->p = p + 1;
            return 1;
        }
        if (c < 0x20) return 0;
        if (c == '\\') {
            if (p + 1 >= s->end) return 0;
            char e = p[1];
            if (e == 'u') {
                uint32_t cp, lo;
                if (s->end - p < 6 || !hex4(p + 2, &cp)) return 0;
                p += 6;
                if (cp >= 0xDC00 && cp < 0xE000) return 0; /* lone low surrogate */
                if (cp >= 0xD800 && cp < 0xDC00) {
                    if (s->end - p < 6 || p[0] != '\\' || p[1] != 'u' || !hex4(p + 2, &lo) || lo < 0xDC00 ||
                        lo >= 0xE000)
                        return 0;
                    p += 6;
                }
                continue;
            }
            if (!strchr("\"\\/bfnrt", e) || e == 0) return 0;
            p += 2;
            continue;
        }
        p++;
    }
    return 0;
}

static int js_number(jscan *s) {
    const char *p = s->p;
    if (p < s->end && *p == '-') p++;
    if (p >= s->end) return 0;
    if (*p == '0') p++;
    else if (*p >= '1' && *p <= '9') while (p < s->end && *p >= '0' && *p <= '9') p++;
    else return 0;
    if (p < s->end && *p == '.') {
        p++;
        if (p >= s->end || *p < '0' || *p > '9') return 0;
        while (p < s->end && *p >= '0' && *p <= '9') p++;
    }
    if (p < s->end && (*p == 'e' || *p == 'E')) {
        p++;
        if (p < s->end && (*p == '+' || *p == '-')) p++;
        if (p >= s->end || *p < '0' || *p > '9') return 0;
        while (p < s->end && *p >= '0' && *p <= '9') p++;
    }
    s->p = p;
    return 1;
}

static int js_value(jscan *s, int depth, val *out);

static int js_container(jscan *s, int depth, int obj) {
    if (depth > JSON_MAX_DEPTH) return 0;
    char close = obj ? '}' : ']';
    s->p = skip_ws(s->p + 1, s->end);
    if (s->p < s->end && *s->p == close) {
        s->p++;
        return 1;
    }
    for (;;) {
        val v;
        if (obj) {
            const char *b;
            size_t bl;
            if (s->p >= s->end || *s->p != '"' || !js_string(s, &b, &bl)) return 0;
            s->p = skip_ws(s->p, s->end);
            if (s->p >= s->end || *s->p != ':') return 0;
            s->p = skip_ws(s->p + 1, s->end);
        }
        if (!js_value(s, depth + 1, &v)) return 0;
        s->p = skip_ws(s->p, s->end);
        if (s->p >= s->end) return 0;
        if (*s->p == close) {
            s->p++;
            return 1;
        }
        if (*s->p != ',') return 0;
        s->p = skip_ws(s->p + 1, s->end);
    }
}

static int js_value(jscan *s, int depth, val *out) {
    if (s->p >= s->end) return 0;
    const char *start = s->p;
    char c = *s->p;
    if (c == '"') {
        out->kind = V_JSTR;
        return js_string(s, &out->p, &out->n);
    }
    if (c == '{' || c == '[') {
        if (!js_container(s, depth, c == '{')) return 0;
        out->kind = c == '{' ? V_JOBJ : V_JARR;
    } else if (c == 't' || c == 'f' || c == 'n') {
        const char *w = c == 't' ? "true" : c == 'f' ? "false" : "null";
        size_t wl = strlen(w);
        if ((size_t)(s->end - s->p) < wl || memcmp(s->p, w, wl)) return 0;
        s->p += wl;
        out->kind = c == 'n' ? V_UNSET : V_JLIT;
    } else {
        if (!js_number(s)) return 0;
        out->kind = V_JLIT;
    }
    out->p = start;
    out->n = (size_t)(s->p - start);
    return 1;
}

static void json_line(c2d_zeek_reader *r, const char *p, size_t n) {
    jscan s = {p, p + n};
    memset(r->vals, 0, sizeof r->vals);
    s.p = skip_ws(s.p, s.end);
    unsigned hints = 0;
    int path_given = 0;
    c2d_zeek_log path_kind = C2D_ZEEK_UNKNOWN;
    const char *bad = "not an object";
    if (s.p >= s.end || *s.p != '{') goto bad_json;
    s.p = skip_ws(s.p + 1, s.end);
    if (s.p < s.end && *s.p == '}') {
        s.p++;
    } else {
        for (;;) {
            const char *kb;
            size_t kl;
            val v;
            bad = "bad key";
            if (s.p >= s.end || *s.p != '"' || !js_string(&s, &kb, &kl)) goto bad_json;
            s.p = skip_ws(s.p, s.end);
            if (s.p >= s.end || *s.p != ':') goto bad_json;
            s.p = skip_ws(s.p + 1, s.end);
            bad = "bad value";
            if (!js_value(&s, 1, &v)) goto bad_json;
            char key[64];
            size_t klen = 0;
            if (kl < sizeof key) { /* longer keys match no column */
                klen = memchr(kb, '\\', kl) ? json_unescape(kb, kl, key) : kl;
                if (klen == kl && !memchr(kb, '\\', kl)) memcpy(key, kb, kl);
                hints |= hint_of(key, klen);
                int c = col_of_name(key, klen);
                if (c >= 0) r->vals[c] = v; /* a repeated key: the last one counts */
                if (klen == 5 && !memcmp(key, "_path", 5)) {
                    path_given = v.kind != V_UNSET;
                    path_kind = C2D_ZEEK_UNKNOWN;
                    if (v.kind == V_JSTR && !memchr(v.p, '\\', v.n)) path_kind = kind_of_path(v.p, v.n);
                }
            }
            s.p = skip_ws(s.p, s.end);
            bad = "expected , or }";
            if (s.p >= s.end) goto bad_json;
            if (*s.p == '}') {
                s.p++;
                break;
            }
            if (*s.p != ',') goto bad_json;
            s.p = skip_ws(s.p + 1, s.end);
        }
    }
    bad = "text after the object";
    if (skip_ws(s.p, s.end) != s.end) goto bad_json;
    if (r->log == C2D_ZEEK_UNKNOWN) {
        if (!settle_kind(r, path_given, path_kind, hints)) return;
    } else if (path_given && path_kind != r->log && (path_kind != C2D_ZEEK_UNKNOWN || r->want == C2D_ZEEK_UNKNOWN)) {
        reject(r, C2D_ERR_ZEEK_LOG_MISMATCH, "_path", "not the kind of the first record");
        return;
    }
    /* columns of other kinds are not read */
    unsigned kbit = 1u << r->log;
    for (int c = 0; c < C_COUNT; c++)
        if (!(COLS[c].used & kbit)) r->vals[c].kind = V_UNSET;
    convert(r);
    return;
bad_json:
    reject(r, C2D_ERR_ZEEK_JSON, NULL, bad);
}

/* ---------------------------------------------------------------- lines */

static void process_line(c2d_zeek_reader *r, const char *p, size_t n, int over) {
    r->lineno++;
    r->scr_used = 0;
    if (over) {
        reject(r, C2D_ERR_ZEEK_LINE_TOO_LONG, NULL, "line longer than C2D_ZEEK_MAX_LINE bytes");
        return;
    }
    if (n && p[n - 1] == '\r') n--;
    if (r->lineno == 1 && n >= 2 && (unsigned char)p[0] == 0x1f && (unsigned char)p[1] == 0x8b) {
        fail(r, C2D_ERR_UNSUPPORTED);
        return;
    }
    size_t i = 0;
    while (i < n && (p[i] == ' ' || p[i] == '\t')) i++;
    if (i == n) {
        r->rep.skipped++;
        return;
    }
    if (p[0] == '#') {
        if (r->mode == MODE_NONE) r->mode = MODE_TSV;
        if (r->mode == MODE_TSV) tsv_header(r, p, n);
        if (!r->fatal) r->rep.skipped++;
        return;
    }
    if (r->mode == MODE_NONE) r->mode = p[0] == '{' ? MODE_JSON : MODE_TSV;
    if (r->mode == MODE_JSON) json_line(r, p, n);
    else tsv_line(r, p, n);
}

static void append(c2d_zeek_reader *r, const char *p, size_t n) {
    if (r->line_over) return;
    if (n > C2D_ZEEK_MAX_LINE - r->line_len) {
        r->line_over = 1;
        return;
    }
    memcpy(r->line + r->line_len, p, n);
    r->line_len += n;
}

c2d_status c2d_zeek_reader_feed(c2d_zeek_reader *r, const void *data, size_t len) {
    if (!r || (!data && len)) return C2D_ERR_INVALID_ARG;
    if (r->fatal) return r->fatal;
    if (r->finished) return C2D_ERR_STATE;
    const char *p = (const char *)data;
    r->rep.bytes += len;
    while (len && !r->fatal) {
        const char *nl = memchr(p, '\n', len);
        if (!nl) {
            if (!r->line_len && !r->line_over) r->line_off = r->offset;
            append(r, p, len);
            r->offset += len;
            break;
        }
        size_t seg = (size_t)(nl - p);
        if (!r->line_len && !r->line_over) {
            r->line_off = r->offset;
            process_line(r, p, seg, seg > C2D_ZEEK_MAX_LINE);
        } else {
            append(r, p, seg);
            process_line(r, r->line, r->line_len, r->line_over);
        }
        r->line_len = 0;
        r->line_over = 0;
        r->offset += seg + 1;
        p += seg + 1;
        len -= seg + 1;
    }
    return r->fatal;
}

c2d_status c2d_zeek_reader_finish(c2d_zeek_reader *r, c2d_zeek_report *report) {
    if (!r || (report && report->size < sizeof *report)) return C2D_ERR_INVALID_ARG;
    if (!r->finished && !r->fatal && (r->line_len || r->line_over))
        process_line(r, r->line, r->line_len, r->line_over);
    r->line_len = 0;
    r->line_over = 0;
    r->finished = 1;
    if (report) {
        size_t sz = report->size;
        *report = r->rep;
        report->size = sz;
        report->log = r->log;
        report->json = r->mode == MODE_JSON;
        report->lines = r->fatal ? r->fatal_line - 1 : r->lineno;
        report->error = r->fatal;
        report->error_line = r->fatal ? r->fatal_line : 0;
        report->error_offset = r->fatal ? r->fatal_off : 0;
        if (r->fatal) report->bytes = r->fatal_off; /* the same for any chunking */
    }
    return r->fatal;
}

c2d_status c2d_zeek_read_file(const char *path, c2d_zeek_log kind, const c2d_zeek_callbacks *cb,
                              const c2d_allocator *alloc, c2d_zeek_report *report) {
    if (!path || (report && report->size < sizeof *report)) return C2D_ERR_INVALID_ARG;
    c2d_zeek_reader *r;
    c2d_status st = c2d_zeek_reader_new(kind, cb, alloc, &r);
    if (st != C2D_OK) return st;
    FILE *f = fopen(path, "rb");
    if (!f) {
        c2d_zeek_reader_free(r);
        return C2D_ERR_IO;
    }
    char *buf = (char *)c2d__alloc(&r->alloc, 65536);
    if (!buf) {
        fclose(f);
        c2d_zeek_reader_free(r);
        return C2D_ERR_NOMEM;
    }
    size_t got;
    int io = 0;
    while ((got = fread(buf, 1, 65536, f)) > 0)
        if (c2d_zeek_reader_feed(r, buf, got) != C2D_OK) break;
    if (ferror(f)) io = 1;
    fclose(f);
    c2d__free(&r->alloc, buf);
    st = c2d_zeek_reader_finish(r, report);
    c2d_zeek_reader_free(r);
    return io ? C2D_ERR_IO : st;
}
