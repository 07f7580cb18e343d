/* JA3, JA3S (Salesforce definitions) and the TLS-client JA4 (FoxIO, BSD-3
 * part) from parsed hellos; docs/tls.md gives the exact strings. */

#include "c2detect/tls.h"

#include "../common/internal.h"
#include "tls_internal.h"

typedef struct sbuf {
    char *p;
    size_t cap; /* bytes including the NUL */
    size_t n;
    bool over;
} sbuf;

static void put_mem(sbuf *b, const char *s, size_t k) {
    if (b->over || k >= b->cap - b->n) {
        b->over = true;
        return;
    }
    memcpy(b->p + b->n, s, k);
    b->n += k;
    b->p[b->n] = '\0';
}

static void put_str(sbuf *b, const char *s) { put_mem(b, s, strlen(s)); }

/* decimal without snprintf: JA3 strings are mostly numbers */
static void put_dec(sbuf *b, unsigned v) {
    char t[10];
    size_t k = sizeof t;
    do {
        t[--k] = (char)('0' + v % 10);
        v /= 10;
    } while (v);
    put_mem(b, t + k, sizeof t - k);
}

/* '-'-joined decimal list of 16-bit values without GREASE */
static void put_list16(sbuf *b, const uint16_t *v, uint32_t n) {
    int first = 1;
    for (uint32_t i = 0; i < n; i++) {
        if (c2d_tls_is_grease(v[i])) continue;
        if (!first) put_str(b, "-");
        put_dec(b, v[i]);
        first = 0;
    }
}

static void md5_hex(const char *s, char out[33]) {
    uint8_t d[16];
    c2d__md5(s, strlen(s), d);
    c2d__hex(d, 16, out);
}

static c2d_status ja3(const c2d_tls_client_hello *ch, char *out, char md5[33]) {
    out[0] = md5[0] = '\0';
    if (ch->ciphers_over || ch->extensions_over || ch->groups_over || ch->point_formats_over)
        return C2D_ERR_LIMIT;
    sbuf b = {out, C2D_TLS_JA3_LEN + 1, 0, false};
    put_dec(&b, ch->version);
    put_str(&b, ",");
    put_list16(&b, ch->ciphers, ch->n_ciphers);
    put_str(&b, ",");
    put_list16(&b, ch->extensions, ch->n_extensions);
    put_str(&b, ",");
    put_list16(&b, ch->groups, ch->n_groups);
    put_str(&b, ",");
    for (uint32_t i = 0; i < ch->n_point_formats; i++) {
        if (i) put_str(&b, "-");
        put_dec(&b, ch->point_formats[i]);
    }
    if (b.over) { /* cannot happen with the caps; kept as a guard */
        out[0] = '\0';
        return C2D_ERR_LIMIT;
    }
    md5_hex(out, md5);
    return C2D_OK;
}

static c2d_status ja3s(const c2d_tls_server_hello *sh, char *out, char md5[33]) {
    out[0] = md5[0] = '\0';
    if (sh->extensions_over) return C2D_ERR_LIMIT;
    sbuf b = {out, C2D_TLS_JA3_LEN + 1, 0, false};
    put_dec(&b, sh->version);
    put_str(&b, ",");
    put_dec(&b, sh->cipher);
    put_str(&b, ",");
    put_list16(&b, sh->extensions, sh->n_extensions);
    if (b.over) {
        out[0] = '\0';
        return C2D_ERR_LIMIT;
    }
    md5_hex(out, md5);
    return C2D_OK;
}

/* ------------------------------------------------------------------ JA4 */
static const char hexd[] = "0123456789abcdef";

static void sort16(uint16_t *v, uint32_t n) {
    for (uint32_t i = 1; i < n; i++) {
        uint16_t x = v[i];
        uint32_t j = i;
        while (j > 0 && v[j - 1] > x) {
            v[j] = v[j - 1];
            j--;
        }
        v[j] = x;
    }
}

/* Write "xxxx,yyyy,..." (4 lower-case hex digits each) to out (5n bytes). */
static size_t hex_list(char *out, const uint16_t *v, uint32_t n) {
    size_t k = 0;
    for (uint32_t i = 0; i < n; i++) {
        if (i) out[k++] = ',';
        out[k++] = hexd[v[i] >> 12];
        out[k++] = hexd[(v[i] >> 8) & 15];
        out[k++] = hexd[(v[i] >> 4) & 15];
        out[k++] = hexd[v[i] & 15];
    }
    return k;
}

static void hash_hex_list(c2d__sha256_ctx *h, const uint16_t *v, uint32_t n) {
    char buf[5 * C2D_TLS_MAX_CIPHERS];
    c2d__sha256_update(h, buf, hex_list(buf, v, n));
}

static void hash12(c2d__sha256_ctx *h, char out[13]) {
    uint8_t d[32];
    c2d__sha256_final(h, d);
    c2d__hex(d, 6, out);
}

static const char *ja4_version(uint16_t v) {
    switch (v) {
    case 0x0304: return "13";
    case 0x0303: return "12";
    case 0x0302: return "11";
    case 0x0301: return "10";
    case 0x0300: return "s3";
    case 0x0200: return "s2";
    case 0x0100: return "s1";
    default: return "00";
    }
}

static bool is_alnum(uint8_t c) {
    return (c >= '0' && c <= '9') || (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z');
}

static c2d_status ja4(const c2d_tls_client_hello *ch, char out[C2D_TLS_JA4_LEN + 1]) {
    out[0] = '\0';
    if (ch->ciphers_over || ch->extensions_over || ch->sig_algs_over || ch->versions_over)
        return C2D_ERR_LIMIT;
    uint16_t v = 0;
    for (uint32_t i = 0; i < ch->n_versions; i++)
        if (!c2d_tls_is_grease(ch->versions[i]) && ch->versions[i] > v) v = ch->versions[i];
    if (!v) v = ch->version;

    uint16_t ciphers[C2D_TLS_MAX_CIPHERS], exts[C2D_TLS_MAX_EXTENSIONS], sigs[C2D_TLS_MAX_SIG_ALGS];
    uint32_t nc = 0, ne_all = 0, ne = 0, ns = 0;
    for (uint32_t i = 0; i < ch->n_ciphers; i++)
        if (!c2d_tls_is_grease(ch->ciphers[i])) ciphers[nc++] = ch->ciphers[i];
    for (uint32_t i = 0; i < ch->n_extensions; i++) {
        uint16_t e = ch->extensions[i];
        if (c2d_tls_is_grease(e)) continue;
        ne_all++;
        if (e != 0x0000 && e != 0x0010) exts[ne++] = e;
    }
    for (uint32_t i = 0; i < ch->n_sig_algs; i++)
        if (!c2d_tls_is_grease(ch->sig_algs[i])) sigs[ns++] = ch->sig_algs[i];

    char alpn[2] = {'0', '0'};
    if (ch->n_alpn && ch->alpn_len[0]) {
        uint8_t f = ch->alpn_first_last[0], l = ch->alpn_first_last[1];
        if (ch->alpn_len[0] == 2 && c2d_tls_is_grease((uint16_t)(f << 8 | l))) {
            /* a GREASE ALPN value counts as none */
        } else if (is_alnum(f) && is_alnum(l)) {
            alpn[0] = (char)f;
            alpn[1] = (char)l;
        } else {
            alpn[0] = hexd[f >> 4];
            alpn[1] = hexd[l & 15];
        }
    }

    char b_part[13] = "000000000000", c_part[13] = "000000000000";
    c2d__sha256_ctx h;
    if (nc) {
        sort16(ciphers, nc);
        c2d__sha256_init(&h);
        hash_hex_list(&h, ciphers, nc);
        hash12(&h, b_part);
    }
    if (ne) {
        sort16(exts, ne);
        c2d__sha256_init(&h);
        hash_hex_list(&h, exts, ne);
        if (ns) {
            c2d__sha256_update(&h, "_", 1);
            hash_hex_list(&h, sigs, ns);
        }
        hash12(&h, c_part);
    }
    unsigned cc = nc > 99 ? 99u : (unsigned)nc, ec = ne_all > 99 ? 99u : (unsigned)ne_all;
    const char *vs = ja4_version(v);
    char *o = out;
    *o++ = 't';
    *o++ = vs[0];
    *o++ = vs[1];
    *o++ = ch->has_sni ? 'd' : 'i';
    *o++ = (char)('0' + cc / 10);
    *o++ = (char)('0' + cc % 10);
    *o++ = (char)('0' + ec / 10);
    *o++ = (char)('0' + ec % 10);
    *o++ = alpn[0];
    *o++ = alpn[1];
    *o++ = '_';
    memcpy(o, b_part, 12);
    o += 12;
    *o++ = '_';
    memcpy(o, c_part, 12);
    o[12] = '\0';
    return C2D_OK;
}

c2d_status c2d__tls_fingerprint_client(c2d_tls_info *info) {
    info->ja3[0] = info->ja3_md5[0] = info->ja4[0] = '\0';
    if (!info->client.present) return C2D_OK;
    c2d_status a = ja3(&info->client, info->ja3, info->ja3_md5);
    c2d_status b = ja4(&info->client, info->ja4);
    return a ? a : b;
}

c2d_status c2d__tls_fingerprint_server(c2d_tls_info *info) {
    info->ja3s[0] = info->ja3s_md5[0] = '\0';
    if (!info->server.present) return C2D_OK;
    return ja3s(&info->server, info->ja3s, info->ja3s_md5);
}

c2d_status c2d_tls_fingerprint(c2d_tls_info *info) {
    if (!info || info->size < sizeof(c2d_tls_info)) return C2D_ERR_INVALID_ARG;
    c2d_status a = c2d__tls_fingerprint_client(info);
    c2d_status b = c2d__tls_fingerprint_server(info);
    return a ? a : b;
}
