/* Feed loaders: header-driven CSV (ThreatFox CSV export, ThreatFox ip:port CSV,
 * maltrail CSV), ThreatFox JSON export, plain lists / maltrail trail files.
 * Bad lines are counted, reported by line number and skipped. */
#include <stddef.h>
#include <stdio.h>
#include <string.h>

#include "ioc/ioc_internal.h"

#define MAX_FIELDS 32
#define MAX_LINE (1u << 20)
#define FIELD_CAP 8192

enum col {
    COL_VALUE, COL_IP, COL_PORT, COL_TYPE, COL_THREAT, COL_FAMILY, COL_FAMILY2, COL_FIRST,
    COL_LAST, COL_CONF, COL_TAGS, COL_N
};

typedef struct load_ctx {
    c2d_iocdb *db;
    const c2d_ioc_load_options *opt;
    c2d_ioc_load_report *rep;
    const char *source;
    unsigned confidence;
    c2d__ioc_value *val;
    char *scratch;        /* line copy / field text */
    size_t scratch_cap;
    bool is_list;         /* the caller's family applies to LIST lines only */
} load_ctx;

static void reject(load_ctx *c, uint64_t line, const char *why) {
    if (c->rep->rejected < C2D_IOC_REPORT_LINES) c->rep->first_rejected[c->rep->rejected] = line;
    c->rep->rejected++;
    if (c->opt && c->opt->on_reject) c->opt->on_reject(c->opt->reject_ctx, line, why);
}

static bool is_null_text(const char *s) {
    return !*s || strcmp(s, "None") == 0 || strcmp(s, "null") == 0;
}

/* Type hint from a feed's type column; -1 = a type the store does not hold. */
static int type_hint(const char *t) {
    if (!*t) return C2D_IOC_UNKNOWN;
    if (strcmp(t, "url") == 0) return C2D_IOC_URL;
    if (strcmp(t, "ja3") == 0 || strcmp(t, "ja3_md5") == 0 || strcmp(t, "ja3s") == 0)
        return C2D_IOC_JA3;
    if (strcmp(t, "ja4") == 0) return C2D_IOC_JA4;
    if (strcmp(t, "cert_sha1") == 0 || strcmp(t, "cert-sha1") == 0 || strcmp(t, "x509_sha1") == 0)
        return C2D_IOC_CERT_SHA1;
    if (strcmp(t, "domain") == 0 || strcmp(t, "ip:port") == 0 || strcmp(t, "ip") == 0 ||
        strcmp(t, "ipv4") == 0 || strcmp(t, "ipv6") == 0 || strcmp(t, "cidr") == 0)
        return C2D_IOC_UNKNOWN;
    if (strstr(t, "hash") || strcmp(t, "md5") == 0 || strcmp(t, "sha256") == 0 ||
        strcmp(t, "sha1") == 0)
        return -1;
    return -2; /* unknown type name */
}

/* Add one indicator from text fields; returns false with *why on a bad line,
 * or a non-OK *fatal status (NOMEM/LIMIT) that stops the load. */
static bool add_fields(load_ctx *c, uint64_t line, const char *value, size_t value_len,
                       const char *type, const char *family, const char *threat,
                       const char *first, const char *last, const char *conf, const char *tags,
                       c2d_status *fatal) {
    *fatal = C2D_OK;
    int hint = type_hint(type ? type : "");
    if (hint == -1) {
        c->rep->skipped++;
        c->rep->unsupported++;
        return true;
    }
    if (hint == -2) {
        reject(c, line, "unknown indicator type");
        return true;
    }
    int64_t t1 = 0, t2 = 0;
    unsigned confidence = c->confidence;
    if ((first && !c2d__parse_time(first, strlen(first), &t1)) ||
        (last && !c2d__parse_time(last, strlen(last), &t2))) {
        reject(c, line, "bad timestamp");
        return true;
    }
    if (conf && !is_null_text(conf)) {
        unsigned v = 0;
        size_t k = 0;
        for (; conf[k] >= '0' && conf[k] <= '9' && k < 4; k++) v = v * 10 + (unsigned)(conf[k] - '0');
        if (k == 0 || conf[k] || v > 100) {
            reject(c, line, "bad confidence");
            return true;
        }
        confidence = v;
    }
    /* "value   # note" (maltrail's trail comments survive in its CSV): no indicator
     * holds whitespace, so everything from whitespace + '#' on is a comment */
    for (size_t k = 1; k < value_len; k++)
        if (value[k] == '#' && (value[k - 1] == ' ' || value[k - 1] == '\t')) {
            value_len = k;
            break;
        }
    c2d_status st = c2d__ioc_parse_value(value, value_len, (c2d_ioc_type)hint, c->val);
    if (st) {
        reject(c, line, st == C2D_ERR_LIMIT ? "indicator too long" : "bad indicator value");
        return true;
    }
    if (family && is_null_text(family)) family = NULL;
    if ((!family || !*family) && c->is_list) family = c->opt ? c->opt->family : NULL;
    if (threat && is_null_text(threat)) threat = NULL;
    if (!threat) threat = c->opt ? c->opt->threat_type : NULL;
    if (tags && is_null_text(tags)) tags = NULL;
    st = c2d__iocdb_add_value(c->db, c->val, family, threat, c->source, tags, confidence, t1, t2);
    if (st) {
        *fatal = st;
        return false;
    }
    c->rep->loaded++;
    if (c->val->type < C2D_IOC_TYPE_COUNT_V1) c->rep->by_type[c->val->type]++;
    else if (c->rep->size >= sizeof *c->rep) c->rep->by_type_tls[c->val->type - C2D_IOC_JA3]++;
    return true;
}

/* ------------------------------------------------------------------- CSV */
/* Split a line (copied into `out`, which needs n + 1 bytes: every output byte
 * is an input byte or a NUL standing for a consumed comma or the end) into fields: whitespace around fields is
 * dropped, quoted fields may contain commas and "" for a quote. */
static int split_csv(const char *s, size_t n, char *out, char **fields, int max) {
    int nf = 0;
    size_t i = 0, o = 0;
    for (;;) {
        if (nf == max) return -1;
        while (i < n && (s[i] == ' ' || s[i] == '\t')) i++;
        fields[nf++] = out + o;
        if (i < n && s[i] == '"') {
            i++;
            for (;;) {
                if (i >= n) return -2; /* unterminated quote */
                if (s[i] == '"') {
                    if (i + 1 < n && s[i + 1] == '"') {
                        out[o++] = '"';
                        i += 2;
                        continue;
                    }
                    i++;
                    break;
                }
                out[o++] = s[i++];
            }
            while (i < n && (s[i] == ' ' || s[i] == '\t')) i++;
            if (i < n && s[i] != ',') return -2;
        } else {
            size_t start = o;
            while (i < n && s[i] != ',') {
                if (s[i] == '"') return -2;
                out[o++] = s[i++];
            }
            while (o > start && (out[o - 1] == ' ' || out[o - 1] == '\t')) o--;
        }
        out[o++] = 0;
        if (i >= n) break;
        i++; /* comma */
    }
    return nf;
}

/* Column of a header name, matched after trimming blanks (and a stray CR)
 * and ignoring ASCII case. */
static int col_of(const char *name) {
    while (*name == ' ' || *name == '\t') name++;
    size_t n = strlen(name);
    while (n && (name[n - 1] == ' ' || name[n - 1] == '\t' || name[n - 1] == '\r')) n--;
    static const struct { const char *name; int col; } map[] = {
        {"ioc_value", COL_VALUE}, {"ioc", COL_VALUE}, {"indicator", COL_VALUE},
        {"value", COL_VALUE}, {"ip", COL_IP}, {"port", COL_PORT},
        {"ioc_type", COL_TYPE}, {"indicator_type", COL_TYPE}, {"type", COL_TYPE},
        {"threat_type", COL_THREAT}, {"malware_printable", COL_FAMILY},
        {"family", COL_FAMILY}, {"fk_malware", COL_FAMILY2}, {"malware", COL_FAMILY2},
        {"first_seen_utc", COL_FIRST}, {"first_seen", COL_FIRST},
        {"last_seen_utc", COL_LAST}, {"last_seen", COL_LAST},
        {"confidence_level", COL_CONF}, {"confidence", COL_CONF}, {"tags", COL_TAGS},
        /* abuse.ch SSLBL: JA3 and certificate CSVs (names compared lower-cased) */
        {"ja3_md5", COL_VALUE}, {"sha1", COL_VALUE}, {"firstseen", COL_FIRST},
        {"lastseen", COL_LAST}, {"listingreason", COL_FAMILY}, {"listingdate", COL_FIRST},
    };
    for (size_t i = 0; i < sizeof map / sizeof map[0]; i++) {
        const char *m = map[i].name;
        size_t k = 0;
        for (; k < n && m[k]; k++) {
            char c = name[k];
            if (c >= 'A' && c <= 'Z') c = (char)(c + 32);
            if (c != m[k]) break;
        }
        if (k == n && !m[k]) return map[i].col;
    }
    return -1;
}

static bool is_name(const char *field, const char *want) {
    while (*field == ' ' || *field == '\t') field++;
    size_t n = strlen(want);
    for (size_t k = 0; k < n; k++) {
        char c = field[k];
        if (c >= 'A' && c <= 'Z') c = (char)(c + 32);
        if (c != want[k]) return false;
    }
    for (field += n; *field; field++)
        if (*field != ' ' && *field != '\t' && *field != '\r') return false;
    return true;
}

typedef struct csv_layout {
    int idx[COL_N]; /* field index of each column, -1 absent */
    int n_fields;
    const char *fixed_type; /* type of every value when the header names it (SSLBL) */
    bool us_dates;          /* SSLBL certificate CSV: "M/D/YYYY H:MM" */
} csv_layout;

/* Is this line a header, and does it hold what its format needs? Returns 1
 * (header, *L set), 0 (no field names a column: not a header) or -1 with
 * *missing naming the first expected column it lacks. The indicator is the
 * value column, else ip + port, else ip alone. A ThreatFox header (it has
 * ioc_id) must also have its first-seen, threat-type and family columns, and
 * the full export its type, last-seen and confidence columns: without them
 * every indicator would load with a silent default. */
static int layout_from_header(char **f, int nf, csv_layout *L, const char **missing) {
    csv_layout t;
    for (int k = 0; k < COL_N; k++) t.idx[k] = -1;
    t.n_fields = nf;
    t.fixed_type = NULL;
    t.us_dates = false;
    bool named = false, threatfox = false;
    for (int i = 0; i < nf; i++) {
        int col = col_of(f[i]); /* trimmed, any case */
        if (col >= 0 && t.idx[col] < 0) t.idx[col] = i;
        if (is_name(f[i], "ja3_md5")) t.fixed_type = "ja3";
        if (is_name(f[i], "sha1")) t.fixed_type = "cert_sha1";
        if (is_name(f[i], "listingdate")) t.us_dates = true;
        named |= col >= 0;
        threatfox |= is_name(f[i], "ioc_id");
    }
    if (!named && !threatfox) return 0;
    *missing = NULL;
    if (t.idx[COL_VALUE] < 0 && t.idx[COL_IP] < 0)
        *missing = "header has no indicator column (ioc_value, ioc, indicator, value or ip)";
    else if (t.idx[COL_VALUE] < 0 && t.idx[COL_PORT] < 0 && threatfox)
        *missing = "ThreatFox header has ip but no port column";
    else if (threatfox && t.idx[COL_FIRST] < 0)
        *missing = "ThreatFox header has no first_seen_utc column";
    else if (threatfox && t.idx[COL_THREAT] < 0)
        *missing = "ThreatFox header has no threat_type column";
    else if (threatfox && t.idx[COL_FAMILY] < 0 && t.idx[COL_FAMILY2] < 0)
        *missing = "ThreatFox header has no malware_printable or fk_malware column";
    else if (threatfox && t.idx[COL_VALUE] >= 0 && t.idx[COL_TYPE] < 0)
        *missing = "ThreatFox header has no ioc_type column";
    else if (threatfox && t.idx[COL_VALUE] >= 0 && t.idx[COL_LAST] < 0)
        *missing = "ThreatFox header has no last_seen_utc column";
    else if (threatfox && t.idx[COL_VALUE] >= 0 && t.idx[COL_CONF] < 0)
        *missing = "ThreatFox header has no confidence_level column";
    if (*missing) return -1;
    *L = t;
    return 1;
}

static void layout_threatfox_default(csv_layout *L) {
    /* first_seen_utc,ioc_id,ioc_value,ioc_type,threat_type,fk_malware,malware_alias,
     * malware_printable,last_seen_utc,confidence_level,reference,tags,anonymous,reporter */
    static const int d[COL_N] = {2, -1, -1, 3, 4, 7, 5, 0, 8, 9, 11};
    memcpy(L->idx, d, sizeof d);
    L->n_fields = 14;
    L->fixed_type = NULL;
    L->us_dates = false;
}

typedef struct line_iter {
    const char *p, *end;
    uint64_t no;
} line_iter;

static bool next_line(line_iter *it, const char **s, size_t *n) {
    if (it->p >= it->end) return false;
    const char *nl = memchr(it->p, '\n', (size_t)(it->end - it->p));
    const char *e = nl ? nl : it->end;
    *s = it->p;
    *n = (size_t)(e - it->p);
    if (*n && (*s)[*n - 1] == '\r') (*n)--;
    it->p = nl ? nl + 1 : it->end;
    it->no++;
    return true;
}

static const char *fld(char **f, const csv_layout *L, int col) {
    return L->idx[col] >= 0 ? f[L->idx[col]] : NULL;
}

/* "M/D/YYYY H:MM[:SS]" (SSLBL certificate CSV) as "YYYY-MM-DD HH:MM:SS";
 * false when it is not of that shape. */
static bool us_date(const char *s, char out[40]) {
    unsigned v[6] = {0};
    int k = 0, digits = 0;
    for (const char *p = s;; p++) {
        if (*p >= '0' && *p <= '9') {
            if (++digits > 4) return false;
            v[k] = v[k] * 10 + (unsigned)(*p - '0');
            continue;
        }
        char want = k < 2 ? '/' : k == 2 ? ' ' : ':';
        if (!digits) return false;
        if (*p == 0) {
            k++;
            break;
        }
        if (*p != want || k == 5) return false;
        k++;
        digits = 0;
    }
    if (k < 5 || v[0] < 1 || v[0] > 12 || v[1] < 1 || v[1] > 31 || v[2] < 1970 || v[3] > 23 ||
        v[4] > 59 || v[5] > 60)
        return false;
    snprintf(out, 40, "%04u-%02u-%02u %02u:%02u:%02u", v[2], v[0], v[1], v[3], v[4], v[5]);
    return true;
}

static c2d_status load_csv(load_ctx *c, const char *data, size_t len) {
    if (len >= 3 && (unsigned char)data[0] == 0xEF && (unsigned char)data[1] == 0xBB &&
        (unsigned char)data[2] == 0xBF)
        data += 3, len -= 3; /* UTF-8 byte-order mark (SSLBL certificate CSV) */
    line_iter it = {data, data + len, 0};
    const char *s;
    size_t n;
    csv_layout L;
    bool have_layout = false;
    char *fields[MAX_FIELDS];
    while (next_line(&it, &s, &n)) {
        c->rep->lines++;
        if (n > MAX_LINE || memchr(s, 0, n)) {
            reject(c, it.no, n > MAX_LINE ? "line too long" : "NUL byte in line");
            continue;
        }
        size_t k = 0;
        while (k < n && (s[k] == ' ' || s[k] == '\t')) k++;
        if (k == n) {
            c->rep->skipped++;
            continue;
        }
        if (s[k] == '#') { /* comment; ThreatFox puts its header in one */
            k++;
            while (k < n && (s[k] == ' ' || s[k] == '\t')) k++;
            if (!have_layout && k < n && (s[k] == '"' || s[k] == 'f' || s[k] == 'j')) {
                int nf = split_csv(s + k, n - k, c->scratch, fields, MAX_FIELDS);
                const char *missing;
                int h = nf > 0 ? layout_from_header(fields, nf, &L, &missing) : 0;
                if (h < 0) {
                    reject(c, it.no, missing);
                    return C2D_ERR_FEED_COLUMN;
                }
                if (h > 0) have_layout = true;
            }
            c->rep->skipped++;
            continue;
        }
        int nf = split_csv(s, n, c->scratch, fields, MAX_FIELDS);
        if (nf < 0) {
            reject(c, it.no, nf == -1 ? "too many fields" : "bad quoting");
            continue;
        }
        if (!have_layout) {
            have_layout = true;
            const char *missing;
            int h = layout_from_header(fields, nf, &L, &missing);
            if (h < 0) {
                reject(c, it.no, missing);
                return C2D_ERR_FEED_COLUMN;
            }
            if (h > 0) {
                c->rep->skipped++;
                continue;
            }
            layout_threatfox_default(&L);
        }
        if (nf != L.n_fields) {
            reject(c, it.no, "wrong number of fields");
            continue;
        }
        const char *value = fld(fields, &L, COL_VALUE);
        char ipport[80];
        if (!value && L.idx[COL_PORT] < 0) value = fld(fields, &L, COL_IP);
        if (!value) {
            const char *ip = fld(fields, &L, COL_IP), *port = fld(fields, &L, COL_PORT);
            int w = strchr(ip, ':') ? snprintf(ipport, sizeof ipport, "[%s]:%s", ip, port)
                                    : snprintf(ipport, sizeof ipport, "%s:%s", ip, port);
            if (w < 0 || (size_t)w >= sizeof ipport) {
                reject(c, it.no, "bad indicator value");
                continue;
            }
            value = ipport;
        }
        const char *family = fld(fields, &L, COL_FAMILY);
        if (!family || is_null_text(family)) family = fld(fields, &L, COL_FAMILY2);
        const char *first = fld(fields, &L, COL_FIRST);
        char iso[40];
        if (L.us_dates && first && *first) {
            if (!us_date(first, iso)) {
                reject(c, it.no, "bad timestamp");
                continue;
            }
            first = iso;
        }
        c2d_status fatal;
        add_fields(c, it.no, value, strlen(value), L.fixed_type ? L.fixed_type : fld(fields, &L, COL_TYPE),
                   family, fld(fields, &L, COL_THREAT), first,
                   fld(fields, &L, COL_LAST), fld(fields, &L, COL_CONF),
                   fld(fields, &L, COL_TAGS), &fatal);
        if (fatal) return fatal;
    }
    return C2D_OK;
}

/* ------------------------------------------------------------------ list */
static c2d_status load_list(load_ctx *c, const char *data, size_t len) {
    line_iter it = {data, data + len, 0};
    const char *s;
    size_t n;
    while (next_line(&it, &s, &n)) {
        c->rep->lines++;
        if (memchr(s, 0, n)) {
            reject(c, it.no, "NUL byte in line");
            continue;
        }
        /* a trailing " # comment" (whitespace before '#') is not part of the value */
        for (size_t k = 1; k < n; k++)
            if (s[k] == '#' && (s[k - 1] == ' ' || s[k - 1] == '\t')) {
                n = k;
                break;
            }
        while (n && (s[0] == ' ' || s[0] == '\t')) s++, n--;
        while (n && (s[n - 1] == ' ' || s[n - 1] == '\t')) n--;
        if (n == 0 || s[0] == '#') {
            c->rep->skipped++;
            continue;
        }
        c2d_status fatal;
        add_fields(c, it.no, s, n, NULL, NULL, NULL, NULL, NULL, NULL, NULL, &fatal);
        if (fatal) return fatal;
    }
    return C2D_OK;
}

/* ------------------------------------------------------------------ JSON */
enum jf { JF_VALUE, JF_TYPE, JF_THREAT, JF_FAMILY, JF_FAMILY2, JF_FIRST, JF_LAST, JF_CONF,
          JF_TAGS, JF_N };

typedef struct jrec {
    char *f[JF_N];
    size_t n[JF_N];
    bool set[JF_N];
    bool bad;           /* a field too long or of the wrong kind */
} jrec;

typedef struct jparser {
    const char *p, *end;
    uint64_t line;
    load_ctx *c;
    c2d_status fatal;
    char *fieldbuf;     /* JF_N * FIELD_CAP, shared by every object */
    uint64_t writes;    /* field stores so far: tells an object that a nested one
                           overwrote the shared field buffer */
} jparser;

#define JSON_MAX_DEPTH 32

static void jws(jparser *j) {
    while (j->p < j->end && (*j->p == ' ' || *j->p == '\t' || *j->p == '\n' || *j->p == '\r')) {
        if (*j->p == '\n') j->line++;
        j->p++;
    }
}

static int jhex4(const char *p) {
    int v = 0;
    for (int k = 0; k < 4; k++) {
        int c = p[k], d;
        if (c >= '0' && c <= '9') d = c - '0';
        else if (c >= 'a' && c <= 'f') d = c - 'a' + 10;
        else if (c >= 'A' && c <= 'F') d = c - 'A' + 10;
        else return -1;
        v = v * 16 + d;
    }
    return v;
}

static size_t put_utf8(char *o, unsigned cp) {
    if (cp < 0x80) { o[0] = (char)cp; return 1; }
    if (cp < 0x800) { o[0] = (char)(0xC0 | cp >> 6); o[1] = (char)(0x80 | (cp & 63)); return 2; }
    if (cp < 0x10000) {
        o[0] = (char)(0xE0 | cp >> 12); o[1] = (char)(0x80 | (cp >> 6 & 63));
        o[2] = (char)(0x80 | (cp & 63));
        return 3;
    }
    o[0] = (char)(0xF0 | cp >> 18); o[1] = (char)(0x80 | (cp >> 12 & 63));
    o[2] = (char)(0x80 | (cp >> 6 & 63)); o[3] = (char)(0x80 | (cp & 63));
    return 4;
}

/* Parse a string at j->p (on the quote). Stores up to cap-1 bytes into out
 * (NULL: discard); *too_long when it did not fit. False on syntax error. */
static bool jstring(jparser *j, char *out, size_t cap, size_t *len, bool *too_long) {
    size_t o = 0;
    *too_long = false;
    j->p++;
    for (;;) {
        if (j->p >= j->end) return false;
        unsigned char ch = (unsigned char)*j->p;
        if (ch == '"') { j->p++; break; }
        if (ch < 0x20) return false;
        char tmp[4];
        size_t tn = 1;
        if (ch == '\\') {
            if (j->end - j->p < 2) return false;
            char e = j->p[1];
            j->p += 2;
            switch (e) {
            case '"': tmp[0] = '"'; break;
            case '\\': tmp[0] = '\\'; break;
            case '/': tmp[0] = '/'; break;
            case 'b': tmp[0] = '\b'; break;
            case 'f': tmp[0] = '\f'; break;
            case 'n': tmp[0] = '\n'; break;
            case 'r': tmp[0] = '\r'; break;
            case 't': tmp[0] = '\t'; break;
            case 'u': {
                if (j->end - j->p < 4) return false;
                int cp = jhex4(j->p);
                if (cp < 0) return false;
                j->p += 4;
                if (cp >= 0xD800 && cp <= 0xDBFF) {
                    if (j->end - j->p < 6 || j->p[0] != '\\' || j->p[1] != 'u') return false;
                    int lo = jhex4(j->p + 2);
                    if (lo < 0xDC00 || lo > 0xDFFF) return false;
                    j->p += 6;
                    cp = 0x10000 + ((cp - 0xD800) << 10) + (lo - 0xDC00);
                } else if (cp >= 0xDC00 && cp <= 0xDFFF) {
                    return false;
                }
                if (cp == 0) return false; /* no NUL inside stored text */
                tn = put_utf8(tmp, (unsigned)cp);
                break;
            }
            default: return false;
            }
        } else {
            tmp[0] = (char)ch;
            j->p++;
        }
        if (out) {
            if (o + tn < cap) {
                memcpy(out + o, tmp, tn);
                o += tn;
            } else {
                *too_long = true;
            }
        }
    }
    if (out) out[o] = 0;
    if (len) *len = o;
    return true;
}

static bool jvalue(jparser *j, int depth);

static bool jliteral(jparser *j, const char *lit) {
    size_t n = strlen(lit);
    if ((size_t)(j->end - j->p) < n || memcmp(j->p, lit, n) != 0) return false;
    j->p += n;
    return true;
}

static bool jnumber(jparser *j, char *out, size_t cap, size_t *len) {
    const char *s = j->p;
    if (j->p < j->end && *j->p == '-') j->p++;
    size_t digits = 0;
    while (j->p < j->end && ((*j->p >= '0' && *j->p <= '9') || *j->p == '.' || *j->p == 'e' ||
                             *j->p == 'E' || *j->p == '+' || *j->p == '-')) {
        j->p++;
        digits++;
    }
    if (!digits) return false;
    size_t n = (size_t)(j->p - s);
    if (out) {
        if (n >= cap) n = cap - 1;
        memcpy(out, s, n);
        out[n] = 0;
        *len = n;
    }
    return true;
}

static int jkey_field(const char *k) {
    static const struct { const char *name; int f; } map[] = {
        {"ioc_value", JF_VALUE}, {"ioc", JF_VALUE}, {"ioc_type", JF_TYPE},
        {"threat_type", JF_THREAT}, {"malware_printable", JF_FAMILY},
        {"malware", JF_FAMILY2}, {"fk_malware", JF_FAMILY2},
        {"first_seen_utc", JF_FIRST}, {"first_seen", JF_FIRST},
        {"last_seen_utc", JF_LAST}, {"last_seen", JF_LAST},
        {"confidence_level", JF_CONF}, {"tags", JF_TAGS},
    };
    for (size_t i = 0; i < sizeof map / sizeof map[0]; i++)
        if (strcmp(k, map[i].name) == 0) return map[i].f;
    return -1;
}

/* Value of a record field: string, number, null, or (tags) an array of strings. */
static bool jfield(jparser *j, jrec *r, int f, int depth) {
    char *out = r->f[f];
    bool too_long = false;
    if (j->p >= j->end) return false;
    r->set[f] = true;
    r->n[f] = 0;
    out[0] = 0;
    j->writes++;
    if (*j->p == '"') {
        if (!jstring(j, out, FIELD_CAP, &r->n[f], &too_long)) return false;
        if (too_long || memchr(out, 0, r->n[f])) r->bad = true;
        return true;
    }
    if (*j->p == 'n') return jliteral(j, "null");
    if (*j->p == '-' || (*j->p >= '0' && *j->p <= '9')) return jnumber(j, out, FIELD_CAP, &r->n[f]);
    if (*j->p == '[' && f == JF_TAGS) {
        j->p++;
        jws(j);
        size_t o = 0;
        if (j->p < j->end && *j->p == ']') { j->p++; return true; }
        for (;;) {
            jws(j);
            if (j->p >= j->end) return false;
            if (*j->p != '"') {
                if (!jvalue(j, depth + 1)) return false;
                r->bad = true;
            } else {
                size_t n;
                if (o && o + 1 < FIELD_CAP) out[o++] = ',';
                if (!jstring(j, out + o, FIELD_CAP - o, &n, &too_long)) return false;
                if (too_long) r->bad = true;
                o += n;
            }
            jws(j);
            if (j->p < j->end && *j->p == ',') { j->p++; continue; }
            if (j->p < j->end && *j->p == ']') { j->p++; break; }
            return false;
        }
        r->n[f] = o;
        return true;
    }
    r->bad = true; /* object/array/bool where text was expected */
    return jvalue(j, depth + 1);
}

static bool jobject(jparser *j, int depth) {
    if (depth > JSON_MAX_DEPTH) return false;
    uint64_t start_line = j->line;
    jrec r;
    memset(&r, 0, sizeof r);
    for (int f = 0; f < JF_N; f++) r.f[f] = j->fieldbuf + (size_t)f * FIELD_CAP + 0;
    /* nested objects would overwrite the field buffer: only the innermost
     * object holding "ioc"/"ioc_value" is a record, and it has no nested ones */
    bool is_record = false;
    j->p++;
    jws(j);
    if (j->p < j->end && *j->p == '}') { j->p++; return true; }
    for (;;) {
        jws(j);
        if (j->p >= j->end || *j->p != '"') return false;
        char key[64];
        bool too_long;
        size_t kn;
        if (!jstring(j, key, sizeof key, &kn, &too_long)) return false;
        jws(j);
        if (j->p >= j->end || *j->p != ':') return false;
        j->p++;
        jws(j);
        int f = too_long ? -1 : jkey_field(key);
        if (f >= 0) {
            if (!jfield(j, &r, f, depth)) return false;
            if (f == JF_VALUE) is_record = true;
        } else {
            uint64_t before = j->writes;
            if (!jvalue(j, depth + 1)) return false;
            if (j->writes != before) /* a nested object stored fields: ours are gone */
                for (int k = 0; k < JF_N; k++)
                    if (r.set[k]) r.bad = true;
        }
        if (j->fatal) return false;
        jws(j);
        if (j->p < j->end && *j->p == ',') { j->p++; continue; }
        if (j->p < j->end && *j->p == '}') { j->p++; break; }
        return false;
    }
    if (!is_record) return true;
    load_ctx *c = j->c;
    c->rep->lines++;
    if (r.bad) {
        reject(c, start_line, "bad field in record");
        return true;
    }
    const char *family = r.set[JF_FAMILY] && !is_null_text(r.f[JF_FAMILY]) ? r.f[JF_FAMILY]
                         : r.set[JF_FAMILY2] ? r.f[JF_FAMILY2] : NULL;
#define OPT(k) (r.set[k] ? r.f[k] : NULL)
    add_fields(c, start_line, r.f[JF_VALUE], r.n[JF_VALUE], OPT(JF_TYPE), family, OPT(JF_THREAT),
               OPT(JF_FIRST), OPT(JF_LAST), OPT(JF_CONF), OPT(JF_TAGS), &j->fatal);
#undef OPT
    return !j->fatal;
}

static bool jvalue(jparser *j, int depth) {
    if (depth > JSON_MAX_DEPTH) return false;
    jws(j);
    if (j->p >= j->end) return false;
    char ch = *j->p;
    if (ch == '{') return jobject(j, depth);
    if (ch == '[') {
        j->p++;
        jws(j);
        if (j->p < j->end && *j->p == ']') { j->p++; return true; }
        for (;;) {
            if (!jvalue(j, depth + 1)) return false;
            jws(j);
            if (j->p < j->end && *j->p == ',') { j->p++; continue; }
            if (j->p < j->end && *j->p == ']') { j->p++; return true; }
            return false;
        }
    }
    bool tl;
    if (ch == '"') return jstring(j, NULL, 0, NULL, &tl);
    if (ch == 't') return jliteral(j, "true");
    if (ch == 'f') return jliteral(j, "false");
    if (ch == 'n') return jliteral(j, "null");
    return jnumber(j, NULL, 0, NULL);
}

static c2d_status load_json(load_ctx *c, const char *data, size_t len) {
    jparser j = {data, data + len, 1, c, C2D_OK, c->scratch, 0};
    bool ok = jvalue(&j, 0);
    if (j.fatal) return j.fatal;
    if (ok) {
        jws(&j);
        ok = j.p == j.end;
    }
    if (!ok) {
        reject(c, j.line, "JSON syntax error");
        return C2D_ERR_MALFORMED;
    }
    return C2D_OK;
}

/* ------------------------------------------------------------ entry points */
static c2d_ioc_format guess_format(const char *d, size_t n) {
    size_t i = 0;
    while (i < n && (d[i] == ' ' || d[i] == '\t' || d[i] == '\r' || d[i] == '\n')) i++;
    if (i < n && (d[i] == '{' || d[i] == '[')) return C2D_IOC_FORMAT_THREATFOX_JSON;
    /* CSV when a line (comment or not) among the first 64 has a comma or is a header */
    const char *p = d + i, *end = d + n;
    for (int k = 0; k < 64 && p < end; k++) {
        const char *nl = memchr(p, '\n', (size_t)(end - p));
        const char *e = nl ? nl : end;
        if (memchr(p, ',', (size_t)(e - p))) return C2D_IOC_FORMAT_CSV;
        p = nl ? nl + 1 : end;
    }
    return C2D_IOC_FORMAT_LIST;
}

/* Compressed or binary bytes are no feed of any format: say so, rather than
 * reject every "line" of them (or load nothing) quietly. Only the first 4 KiB
 * are looked at; control bytes later on are rejected per line as before. */
static c2d_status check_feed_text(const unsigned char *d, size_t n) {
    static const struct {
        unsigned char magic[6];
        size_t len;
    } compressed[] = {
        {{0x1f, 0x8b}, 2},                         /* gzip */
        {{0xfd, '7', 'z', 'X', 'Z', 0x00}, 6},     /* xz */
        {{0x28, 0xb5, 0x2f, 0xfd}, 4},             /* zstd */
        {{'B', 'Z', 'h'}, 3},                      /* bzip2 (followed by a block size digit) */
        {{'P', 'K', 0x03, 0x04}, 4},               /* zip */
    };
    for (size_t k = 0; k < sizeof compressed / sizeof compressed[0]; k++) {
        size_t m = compressed[k].len;
        if (n >= m && !memcmp(d, compressed[k].magic, m) &&
            (k != 3 || (n > 3 && d[3] >= '1' && d[3] <= '9' && (n == 4 || d[4] == 0x31))))
            return C2D_ERR_IOC_COMPRESSED;
    }
    size_t end = n < 4096 ? n : 4096;
    for (size_t i = 0; i < end; i++)
        if (d[i] < 0x20 && d[i] != '\t' && d[i] != '\n' && d[i] != '\r' && d[i] != '\f' &&
            d[i] != '\v')
            return C2D_ERR_IOC_UNKNOWN_FORMAT;
    return C2D_OK;
}

c2d_status c2d_iocdb_load_memory(c2d_iocdb *db, const void *data, size_t len,
                                 const c2d_ioc_load_options *opt, c2d_ioc_load_report *report) {
    c2d_ioc_load_report local;
    /* a 0.1.0 report ends before by_type_tls: accepted, filled up to its size */
    const size_t report_v1 = offsetof(c2d_ioc_load_report, by_type_tls);
    if (!db || (!data && len) || (opt && opt->size < sizeof *opt) ||
        (report && report->size < report_v1) || (opt && opt->confidence > 100))
        return C2D_ERR_INVALID_ARG;
    if (c2d__iocdb_finalized(db)) return C2D_ERR_STATE;
    c2d_ioc_load_report *rep = report ? report : &local;
    size_t rsize = report ? (rep->size < sizeof *rep ? rep->size : sizeof *rep) : sizeof local;
    memset(rep, 0, rsize);
    rep->size = rsize;
    /* A UTF-8 byte-order mark (Windows editors, Excel exports) is not part of
     * the first line or the first column name, in any format. */
    if (len >= 3 && memcmp(data, "\xEF\xBB\xBF", 3) == 0) {
        data = (const char *)data + 3;
        len -= 3;
    }
    c2d_ioc_format fmt = opt ? opt->format : C2D_IOC_FORMAT_AUTO;
    if ((unsigned)fmt > C2D_IOC_FORMAT_LIST) return C2D_ERR_INVALID_ARG;
    c2d_status text_st = check_feed_text(data, len);
    if (text_st) return text_st;
    if (fmt == C2D_IOC_FORMAT_AUTO) fmt = guess_format(data, len);
    rep->format = fmt;
    const c2d_allocator *a = c2d__iocdb_allocator(db);
    load_ctx c = {db, opt, rep, NULL, 50, NULL, NULL, 0, fmt == C2D_IOC_FORMAT_LIST};
    c.source = opt && opt->source ? opt->source
               : fmt == C2D_IOC_FORMAT_LIST ? "list"
               : fmt == C2D_IOC_FORMAT_CSV ? "csv" : "threatfox";
    if (opt && opt->confidence) c.confidence = opt->confidence;
    c.scratch_cap = fmt == C2D_IOC_FORMAT_THREATFOX_JSON ? (size_t)JF_N * FIELD_CAP
                    : (len < MAX_LINE ? len : MAX_LINE) + 1;
    c.val = c2d__alloc(a, sizeof *c.val);
    c.scratch = fmt == C2D_IOC_FORMAT_LIST ? NULL : c2d__alloc(a, c.scratch_cap);
    c2d_status st;
    if (!c.val || (!c.scratch && fmt != C2D_IOC_FORMAT_LIST)) {
        st = C2D_ERR_NOMEM;
    } else if (fmt == C2D_IOC_FORMAT_CSV) {
        st = load_csv(&c, data, len);
    } else if (fmt == C2D_IOC_FORMAT_LIST) {
        st = load_list(&c, data, len);
    } else {
        st = load_json(&c, data, len);
    }
    c2d__free(a, c.val);
    c2d__free(a, c.scratch);
    if (st == C2D_OK && rep->loaded == 0) st = C2D_ERR_IOC_EMPTY_FEED;
    return st;
}

c2d_status c2d_iocdb_load_file(c2d_iocdb *db, const char *path, const c2d_ioc_load_options *opt,
                               c2d_ioc_load_report *report) {
    if (!db || !path) return C2D_ERR_INVALID_ARG;
    if (c2d__iocdb_finalized(db)) return C2D_ERR_STATE;
    void *block;
    const uint8_t *data;
    size_t len;
    const c2d_allocator *a = c2d__iocdb_allocator(db);
    c2d_status st = c2d__read_file(a, path, (size_t)1 << 34, &block, &data, &len);
    if (st) return st;
    st = c2d_iocdb_load_memory(db, data, len, opt, report);
    c2d__free(a, block);
    return st;
}
