/* Indicator value parsing and normalisation: IPv4/IPv6 addresses, CIDR ranges,
 * ip:port, domain names, URLs, and the feed timestamps. */
#include <string.h>

#include "ioc/ioc_internal.h"

static int lower(int c) { return (c >= 'A' && c <= 'Z') ? c + 32 : c; }
static bool is_digit(int c) { return c >= '0' && c <= '9'; }
static int hexval(int c) {
    if (c >= '0' && c <= '9') return c - '0';
    c = lower(c);
    if (c >= 'a' && c <= 'f') return c - 'a' + 10;
    return -1;
}

bool c2d__parse_ipv4(const char *s, size_t n, uint32_t *out) {
    uint32_t a = 0;
    size_t i = 0;
    for (int part = 0; part < 4; part++) {
        if (part) {
            if (i >= n || s[i] != '.') return false;
            i++;
        }
        size_t start = i;
        unsigned v = 0;
        while (i < n && is_digit(s[i]) && i - start < 3) v = v * 10 + (unsigned)(s[i++] - '0');
        if (i == start || v > 255) return false;
        if (i < n && is_digit(s[i])) return false;
        a = a << 8 | v;
    }
    if (i != n) return false;
    *out = a;
    return true;
}

bool c2d__parse_ipv6(const char *s, size_t n, uint8_t out[16]) {
    uint16_t w[8] = {0};
    int nw = 0, gap = -1;
    size_t i = 0;
    if (n < 2) return false;
    if (s[0] == ':') {
        if (s[1] != ':') return false;
        gap = 0;
        i = 2;
        if (i == n) goto done;
    }
    while (i < n) {
        if (nw >= 8) return false;
        size_t start = i;
        unsigned v = 0;
        while (i < n && hexval(s[i]) >= 0 && i - start < 4) v = v * 16 + (unsigned)hexval(s[i++]);
        if (i < n && s[i] == '.') { /* embedded IPv4 at the end */
            uint32_t v4;
            if (nw > 6 || !c2d__parse_ipv4(s + start, n - start, &v4)) return false;
            w[nw++] = (uint16_t)(v4 >> 16);
            w[nw++] = (uint16_t)v4;
            i = n;
            break;
        }
        if (i == start) return false;
        if (i < n && hexval(s[i]) >= 0) return false;
        w[nw++] = (uint16_t)v;
        if (i == n) break;
        if (s[i] != ':') return false;
        i++;
        if (i < n && s[i] == ':') {
            if (gap >= 0) return false;
            gap = nw;
            i++;
            if (i == n) break;
        } else if (i == n) {
            return false;
        }
    }
done:
    if (gap >= 0) {
        if (nw > 7) return false;
        int tail = nw - gap;
        memmove(w + 8 - tail, w + gap, (size_t)tail * sizeof w[0]);
        for (int k = gap; k < 8 - tail; k++) w[k] = 0;
    } else if (nw != 8) {
        return false;
    }
    for (int k = 0; k < 8; k++) {
        out[2 * k] = (uint8_t)(w[k] >> 8);
        out[2 * k + 1] = (uint8_t)w[k];
    }
    return true;
}

size_t c2d__format_ipv4(uint32_t a, char *out) {
    size_t n = 0;
    for (int k = 3; k >= 0; k--) {
        unsigned v = a >> (8 * k) & 255;
        if (v >= 100) out[n++] = (char)('0' + v / 100);
        if (v >= 10) out[n++] = (char)('0' + v / 10 % 10);
        out[n++] = (char)('0' + v % 10);
        if (k) out[n++] = '.';
    }
    out[n] = 0;
    return n;
}

size_t c2d__format_ipv6(const uint8_t a[16], char *out) {
    static const char hex[] = "0123456789abcdef";
    uint16_t w[8];
    for (int k = 0; k < 8; k++) w[k] = (uint16_t)(a[2 * k] << 8 | a[2 * k + 1]);
    int best = -1, best_len = 1; /* compress the longest run of >= 2 zero words */
    for (int k = 0; k < 8;) {
        if (w[k]) { k++; continue; }
        int j = k;
        while (j < 8 && !w[j]) j++;
        if (j - k > best_len) { best = k; best_len = j - k; }
        k = j;
    }
    size_t n = 0;
    for (int k = 0; k < 8; k++) {
        if (k == best) {
            out[n++] = ':';
            if (k == 0) out[n++] = ':';
            k += best_len - 1;
            continue;
        }
        bool started = false;
        for (int sh = 12; sh >= 0; sh -= 4) {
            unsigned d = w[k] >> sh & 15;
            if (d || started || sh == 0) { out[n++] = hex[d]; started = true; }
        }
        if (k < 7) out[n++] = ':';
    }
    out[n] = 0;
    return n;
}

bool c2d__normalize_domain(const char *s, size_t n, char *out, size_t *out_len) {
    if (n && s[n - 1] == '.') n--;
    if (n == 0 || n > C2D__IOC_MAX_DOMAIN) return false;
    size_t label = 0;
    bool has_alpha = false;
    for (size_t i = 0; i < n; i++) {
        int c = lower((unsigned char)s[i]);
        if (c == '.') {
            if (label == 0) return false;
            label = 0;
        } else if ((c >= 'a' && c <= 'z') || c == '-' || c == '_' || c == '*') {
            has_alpha = true;
            if (++label > 63) return false;
        } else if (is_digit(c)) {
            if (++label > 63) return false;
        } else {
            return false;
        }
        out[i] = (char)c;
    }
    if (label == 0 || !has_alpha) return false;
    out[n] = 0;
    *out_len = n;
    return true;
}

static bool parse_port(const char *s, size_t n, uint16_t *port) {
    if (n == 0 || n > 5) return false;
    unsigned v = 0;
    for (size_t i = 0; i < n; i++) {
        if (!is_digit(s[i])) return false;
        v = v * 10 + (unsigned)(s[i] - '0');
    }
    if (v == 0 || v > 65535) return false;
    *port = (uint16_t)v;
    return true;
}

static bool is_unreserved(int c) {
    return (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || is_digit(c) || c == '-' ||
           c == '.' || c == '_' || c == '~';
}

c2d_status c2d_ioc_normalize_url(const char *url, size_t len, char *out, size_t cap,
                                 size_t *out_len) {
    if (!url || !out_len || (!out && cap)) return C2D_ERR_INVALID_ARG;
    /* Written in two passes through `put`: count always, store while it fits. */
    size_t n = 0;
#define PUT(ch)                                   \
    do {                                          \
        if (n + 1 < cap) out[n] = (char)(ch);     \
        n++;                                      \
    } while (0)
    while (len && (url[0] == ' ' || url[0] == '\t')) url++, len--;
    while (len && (url[len - 1] == ' ' || url[len - 1] == '\t')) len--;
    size_t i = 0, scheme_end = 0;
    for (size_t k = 0; k < len; k++) {
        int c = (unsigned char)url[k];
        if (c == ':') {
            if (k > 0 && k + 2 < len && url[k + 1] == '/' && url[k + 2] == '/') scheme_end = k;
            break;
        }
        if (!((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
              (k > 0 && (is_digit(c) || c == '+' || c == '-' || c == '.'))))
            break;
    }
    unsigned default_port = 80;
    if (scheme_end) {
        for (size_t k = 0; k < scheme_end; k++) PUT(lower((unsigned char)url[k]));
        if (scheme_end == 5 && lower(url[0]) == 'h' && lower(url[4]) == 's') default_port = 443;
        else if (!(scheme_end == 4 && lower(url[0]) == 'h' && lower(url[3]) == 'p'))
            default_port = 0;
        i = scheme_end + 3;
    } else {
        PUT('h'); PUT('t'); PUT('t'); PUT('p');
    }
    PUT(':'); PUT('/'); PUT('/');
    size_t auth_end = i;
    while (auth_end < len && url[auth_end] != '/' && url[auth_end] != '?' && url[auth_end] != '#')
        auth_end++;
    size_t host = i;
    for (size_t k = i; k < auth_end; k++)
        if (url[k] == '@') host = k + 1;
    for (size_t k = i; k < host; k++) PUT(url[k]); /* userinfo verbatim */
    size_t host_end, port_start = 0;
    if (host < auth_end && url[host] == '[') {
        host_end = host;
        while (host_end < auth_end && url[host_end] != ']') host_end++;
        if (host_end == auth_end) return C2D_ERR_MALFORMED;
        host_end++;
        if (host_end < auth_end) {
            if (url[host_end] != ':') return C2D_ERR_MALFORMED;
            port_start = host_end + 1;
        }
    } else {
        host_end = host;
        while (host_end < auth_end && url[host_end] != ':') host_end++;
        if (host_end < auth_end) port_start = host_end + 1;
    }
    size_t hn = host_end - host;
    while (hn && url[host + hn - 1] == '.' && url[host] != '[') hn--; /* idempotent: all trailing dots */
    if (hn == 0) return C2D_ERR_MALFORMED;
    for (size_t k = host; k < host + hn; k++) {
        int c = (unsigned char)url[k];
        if (c <= ' ' || c == 0x7f || c == '%' ) return C2D_ERR_MALFORMED;
        PUT(lower(c));
    }
    if (port_start) {
        uint16_t port;
        if (port_start == auth_end) {
            /* "host:" -> no port */
        } else if (!parse_port(url + port_start, auth_end - port_start, &port)) {
            return C2D_ERR_MALFORMED;
        } else if (port != default_port) {
            char d[6];
            int nd = 0;
            for (unsigned p = port; p; p /= 10) d[nd++] = (char)('0' + p % 10);
            PUT(':');
            while (nd) PUT(d[--nd]);
        }
    }
    i = auth_end;
    if (i >= len || url[i] != '/') PUT('/');
    for (; i < len && url[i] != '#'; i++) {
        int c = (unsigned char)url[i];
        if (c <= ' ' || c == 0x7f) return C2D_ERR_MALFORMED;
        if (c == '%' && i + 2 < len && hexval(url[i + 1]) >= 0 && hexval(url[i + 2]) >= 0) {
            int v = hexval(url[i + 1]) * 16 + hexval(url[i + 2]);
            if (is_unreserved(v)) {
                PUT(v);
            } else {
                PUT('%');
                PUT(url[i + 1] >= 'a' ? url[i + 1] - 32 : url[i + 1]);
                PUT(url[i + 2] >= 'a' ? url[i + 2] - 32 : url[i + 2]);
            }
            i += 2;
            continue;
        }
        if (c == '%') { /* a bare '%' becomes "%25": normalising twice changes nothing */
            PUT('%'); PUT('2'); PUT('5');
            continue;
        }
        PUT(c);
    }
#undef PUT
    *out_len = n;
    if (n + 1 > cap) return C2D_ERR_BUFFER_TOO_SMALL;
    out[n] = 0;
    return C2D_OK;
}

/* A host-less path trail: "/" followed by path (and query) text, normalised
 * like a URL's path: escapes of unreserved characters decoded, others
 * upper-cased, fragment dropped; no control bytes or spaces. */
static c2d_status parse_url_path(const char *s, size_t n, c2d__ioc_value *v) {
    size_t o = 0;
    for (size_t i = 0; i < n && s[i] != '#'; i++) {
        int c = (unsigned char)s[i];
        if (c <= ' ' || c == 0x7f) return C2D_ERR_MALFORMED;
        if (o + 3 > C2D__IOC_MAX_URL) return C2D_ERR_LIMIT;
        if (c == '%' && i + 2 < n && hexval(s[i + 1]) >= 0 && hexval(s[i + 2]) >= 0) {
            int d = hexval(s[i + 1]) * 16 + hexval(s[i + 2]);
            if (is_unreserved(d)) {
                v->text[o++] = (char)d;
            } else {
                v->text[o++] = '%';
                v->text[o++] = (char)(s[i + 1] >= 'a' ? s[i + 1] - 32 : s[i + 1]);
                v->text[o++] = (char)(s[i + 2] >= 'a' ? s[i + 2] - 32 : s[i + 2]);
            }
            i += 2;
            continue;
        }
        if (c == '%') { /* bare '%': "%25", as in URLs */
            memcpy(v->text + o, "%25", 3);
            o += 3;
            continue;
        }
        v->text[o++] = (char)c;
    }
    v->text[o] = 0;
    v->len = o;
    v->type = C2D_IOC_URL_PATH;
    return C2D_OK;
}

static c2d_status parse_url(const char *s, size_t n, c2d__ioc_value *v) {
    size_t len;
    c2d_status st = c2d_ioc_normalize_url(s, n, v->text, C2D__IOC_MAX_URL + 1, &len);
    if (st == C2D_ERR_BUFFER_TOO_SMALL) return C2D_ERR_LIMIT;
    if (st) return st;
    v->type = C2D_IOC_URL;
    v->len = len;
    return C2D_OK;
}

static size_t fmt_port(char *out, unsigned port) {
    char d[6];
    int nd = 0;
    size_t n = 0;
    for (unsigned p = port; p; p /= 10) d[nd++] = (char)('0' + p % 10);
    out[n++] = ':';
    while (nd) out[n++] = d[--nd];
    out[n] = 0;
    return n;
}

/* Hex digits lower-cased into out; false on any other byte. */
static bool lower_hex(const char *s, size_t n, char *out) {
    for (size_t i = 0; i < n; i++) {
        char c = s[i];
        if (c >= 'A' && c <= 'F') c = (char)(c + 32);
        if (!((c >= '0' && c <= '9') || (c >= 'a' && c <= 'f'))) return false;
        out[i] = c;
    }
    return true;
}

/* JA3 (32 hex), CERT_SHA1 (40 hex) or JA4: "t" + version ("13", "s3", "00"...)
 * + 'd'|'i' + 4 digits + 2 ALPN characters, '_', 12 hex, '_', 12 hex. */
static c2d_status parse_fingerprint(const char *s, size_t n, c2d_ioc_type type, c2d__ioc_value *v) {
    if (type == C2D_IOC_JA3 || type == C2D_IOC_CERT_SHA1) {
        size_t want = type == C2D_IOC_JA3 ? 32 : 40;
        if (n != want || !lower_hex(s, n, v->text)) return C2D_ERR_MALFORMED;
    } else {
        if (n != 36 || s[10] != '_' || s[23] != '_') return C2D_ERR_MALFORMED;
        if (s[0] != 't' && s[0] != 'q' && s[0] != 'd') return C2D_ERR_MALFORMED;
        if (s[3] != 'd' && s[3] != 'i') return C2D_ERR_MALFORMED;
        for (int i = 1; i < 10; i++) {
            char c = s[i];
            bool alnum = (c >= '0' && c <= '9') || (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z');
            if (!alnum || (i >= 4 && i < 8 && !(c >= '0' && c <= '9'))) return C2D_ERR_MALFORMED;
        }
        memcpy(v->text, s, 11);
        if (!lower_hex(s + 11, 12, v->text + 11) || !lower_hex(s + 24, 12, v->text + 24))
            return C2D_ERR_MALFORMED;
        v->text[23] = '_';
    }
    v->text[n] = 0;
    v->len = n;
    v->type = type;
    return C2D_OK;
}

c2d_status c2d__ioc_parse_value(const char *s, size_t n, c2d_ioc_type hint, c2d__ioc_value *v) {
    while (n && (s[0] == ' ' || s[0] == '\t')) s++, n--;
    while (n && (s[n - 1] == ' ' || s[n - 1] == '\t')) n--;
    v->is_v6 = false;
    v->prefix = 0;
    v->port = 0;
    v->v4 = 0;
    memset(v->v6, 0, 16);
    if (n == 0) return C2D_ERR_MALFORMED;
    if (hint == C2D_IOC_JA3 || hint == C2D_IOC_JA4 || hint == C2D_IOC_CERT_SHA1)
        return parse_fingerprint(s, n, hint, v);
    if (s[0] == '/' && (hint == C2D_IOC_UNKNOWN || hint == C2D_IOC_URL || hint == C2D_IOC_URL_PATH))
        return parse_url_path(s, n, v);
    if (hint == C2D_IOC_URL) return parse_url(s, n, v);
    const char *slash = memchr(s, '/', n);
    const char *colon = memchr(s, ':', n);
    /* a "://" means a URL */
    if (colon && (size_t)(colon - s) + 2 < n && colon[1] == '/' && colon[2] == '/')
        return parse_url(s, n, v);
    if (s[0] == '[') { /* [v6]:port */
        const char *rb = memchr(s, ']', n);
        if (!rb || (size_t)(rb - s) + 1 >= n || rb[1] != ':') return C2D_ERR_MALFORMED;
        if (!c2d__parse_ipv6(s + 1, (size_t)(rb - s - 1), v->v6)) return C2D_ERR_MALFORMED;
        if (!parse_port(rb + 2, n - (size_t)(rb - s) - 2, &v->port)) return C2D_ERR_MALFORMED;
        v->type = C2D_IOC_IP_PORT;
        v->is_v6 = true;
        v->prefix = 128;
        v->text[0] = '[';
        size_t k = 1 + c2d__format_ipv6(v->v6, v->text + 1);
        v->text[k++] = ']';
        v->len = k + fmt_port(v->text + k, v->port);
        return C2D_OK;
    }
    size_t addr_n = slash ? (size_t)(slash - s) : n;
    uint32_t a4;
    if (slash) { /* CIDR, or a scheme-less URL */
        unsigned plen = 0;
        size_t k = addr_n + 1, digits = 0;
        while (k < n && is_digit(s[k]) && digits < 4) plen = plen * 10 + (unsigned)(s[k++] - '0'), digits++;
        bool numeric_tail = digits > 0 && k == n;
        if (numeric_tail && c2d__parse_ipv4(s, addr_n, &a4)) {
            if (plen > 32) return C2D_ERR_MALFORMED;
            v->type = C2D_IOC_CIDR;
            v->prefix = (uint8_t)plen;
            v->v4 = plen ? a4 & (uint32_t)(0xFFFFFFFFu << (32 - plen)) : 0;
            size_t t = c2d__format_ipv4(v->v4, v->text);
            v->text[t++] = '/';
            t += (size_t)(plen >= 10) + 1;
            v->text[t - 1] = (char)('0' + plen % 10);
            if (plen >= 10) v->text[t - 2] = (char)('0' + plen / 10);
            v->text[t] = 0;
            v->len = t;
            return C2D_OK;
        }
        if (numeric_tail && colon && colon < slash && c2d__parse_ipv6(s, addr_n, v->v6)) {
            if (plen > 128) return C2D_ERR_MALFORMED;
            for (unsigned b = plen; b < 128; b++) v->v6[b / 8] &= (uint8_t)~(0x80u >> (b % 8));
            v->type = C2D_IOC_CIDR;
            v->is_v6 = true;
            v->prefix = (uint8_t)plen;
            size_t t = c2d__format_ipv6(v->v6, v->text);
            char d[4];
            int nd = 0;
            unsigned p = plen;
            do { d[nd++] = (char)('0' + p % 10); p /= 10; } while (p);
            v->text[t++] = '/';
            while (nd) v->text[t++] = d[--nd];
            v->text[t] = 0;
            v->len = t;
            return C2D_OK;
        }
        return parse_url(s, n, v);
    }
    if (c2d__parse_ipv4(s, n, &a4)) {
        v->type = C2D_IOC_IP;
        v->v4 = a4;
        v->prefix = 32;
        v->len = c2d__format_ipv4(a4, v->text);
        return C2D_OK;
    }
    if (colon) {
        const char *last = s + n - 1;
        while (*last != ':') last--;
        if (memchr(s, ':', (size_t)(last - s)) == NULL) { /* exactly one colon */
            uint16_t port;
            if (!parse_port(last + 1, (size_t)(s + n - last - 1), &port)) return C2D_ERR_MALFORMED;
            if (c2d__parse_ipv4(s, (size_t)(last - s), &a4)) {
                v->type = C2D_IOC_IP_PORT;
                v->v4 = a4;
                v->port = port;
                v->prefix = 32;
                size_t t = c2d__format_ipv4(a4, v->text);
                v->len = t + fmt_port(v->text + t, port);
                return C2D_OK;
            }
            /* domain:port: the domain is the indicator (port not kept) */
            if (!c2d__normalize_domain(s, (size_t)(last - s), v->text, &v->len))
                return C2D_ERR_MALFORMED;
            v->type = C2D_IOC_DOMAIN;
            return C2D_OK;
        }
        if (!c2d__parse_ipv6(s, n, v->v6)) return C2D_ERR_MALFORMED;
        v->type = C2D_IOC_IP;
        v->is_v6 = true;
        v->prefix = 128;
        v->len = c2d__format_ipv6(v->v6, v->text);
        return C2D_OK;
    }
    if (!c2d__normalize_domain(s, n, v->text, &v->len)) return C2D_ERR_MALFORMED;
    v->type = C2D_IOC_DOMAIN;
    return C2D_OK;
}

/* Days from 1970-01-01 to y-m-d (proleptic Gregorian). */
static int64_t days_from_civil(int64_t y, unsigned m, unsigned d) {
    y -= m <= 2;
    int64_t era = (y >= 0 ? y : y - 399) / 400;
    unsigned yoe = (unsigned)(y - era * 400);
    unsigned doy = (153 * (m + (m > 2 ? -3 : 9)) + 2) / 5 + d - 1;
    unsigned doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    return era * 146097 + (int64_t)doe - 719468;
}

static bool num(const char *s, size_t n, size_t at, size_t w, unsigned *out) {
    if (at + w > n) return false;
    unsigned v = 0;
    for (size_t i = at; i < at + w; i++) {
        if (!is_digit(s[i])) return false;
        v = v * 10 + (unsigned)(s[i] - '0');
    }
    *out = v;
    return true;
}

bool c2d__parse_time(const char *s, size_t n, int64_t *out) {
    while (n && s[0] == ' ') s++, n--;
    while (n && s[n - 1] == ' ') n--;
    *out = 0;
    if (n == 0 || (n == 4 && (memcmp(s, "None", 4) == 0 || memcmp(s, "null", 4) == 0)))
        return true;
    unsigned y, mo, d, h = 0, mi = 0, se = 0;
    if (!num(s, n, 0, 4, &y) || n < 10 || s[4] != '-' || !num(s, n, 5, 2, &mo) || s[7] != '-' ||
        !num(s, n, 8, 2, &d))
        return false;
    size_t i = 10;
    if (n > 10) {
        if ((s[10] != ' ' && s[10] != 'T') || !num(s, n, 11, 2, &h) || n < 19 || s[13] != ':' ||
            !num(s, n, 14, 2, &mi) || s[16] != ':' || !num(s, n, 17, 2, &se))
            return false;
        i = 19;
        if (i < n && s[i] == '.') { /* fractional seconds */
            i++;
            while (i < n && is_digit(s[i])) i++;
        }
        if (i < n && s[i] == 'Z') i++;
        else if (i + 4 == n && memcmp(s + i, " UTC", 4) == 0) i = n;
        else if (i + 6 == n && (s[i] == '+' || s[i] == '-') && memcmp(s + i + 1, "00:00", 5) == 0)
            i = n;
    }
    if (i != n || mo < 1 || mo > 12 || d < 1 || d > 31 || h > 23 || mi > 59 || se > 60 || y < 1970)
        return false;
    *out = days_from_civil(y, mo, d) * 86400 + h * 3600 + mi * 60 + se;
    return true;
}
