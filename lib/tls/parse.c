/* TLS ClientHello, ServerHello and Certificate parsing over the handshake
 * stream (tls_internal.h): every length is checked against its container
 * before the bytes it announces are read; nothing is allocated. */
#include "c2detect/tls.h"

#include "../common/internal.h"
#include "tls_internal.h"

#define HS_CLIENT_HELLO 1
#define HS_SERVER_HELLO 2
#define HS_CERTIFICATE 11

int c2d_tls_is_grease(uint16_t v) {
    return (v & 0x0f0f) == 0x0a0a && (v >> 8) == (v & 0xff);
}

/* true when n more bytes fit before `end` */
static bool fits(const c2d__hs *s, uint64_t end, uint64_t n) {
    return s->off <= end && n <= end - s->off;
}

/* Read a list of 16-bit values of `bytes` bytes into arr (cap), counting
 * values over the cap; GREASE values are counted in *grease. */
static bool read_u16_list(c2d__hs *s, uint64_t bytes, uint16_t *arr, uint32_t cap, uint32_t *n,
                          uint32_t *over, uint32_t *grease) {
    for (uint64_t i = 0; i + 1 < bytes; i += 2) {
        uint16_t v = (uint16_t)c2d__hs_uint(s, 2);
        if (s->err) return false;
        if (grease && c2d_tls_is_grease(v)) (*grease)++;
        if (*n < cap) arr[(*n)++] = v;
        else (*over)++;
    }
    return true;
}

/* Copy a name of `n` bytes into out (cap includes the NUL); bytes past the
 * cap are skipped. ASCII controls (including NUL) become '?'. */
static bool read_text(c2d__hs *s, uint64_t n, char *out, size_t cap) {
    size_t keep = n < cap - 1 ? (size_t)n : cap - 1;
    if (!c2d__hs_read(s, (uint8_t *)out, keep)) return false;
    for (size_t i = 0; i < keep; i++)
        if ((uint8_t)out[i] < 0x20 || out[i] == 0x7f) out[i] = '?';
    out[keep] = '\0';
    return c2d__hs_skip(s, n - keep);
}

/* ------------------------------------------------------------ ClientHello */
static c2d_status client_ext(c2d__hs *s, uint16_t type, uint64_t end, c2d_tls_client_hello *ch) {
    uint64_t elen = end - s->off;
    switch (type) {
    case 0: { /* server_name: list of (type, u16 name) */
        ch->has_sni = 1;
        if (elen == 0) return C2D_OK;
        if (!fits(s, end, 2)) return C2D_ERR_TLS_EXTENSION;
        uint64_t list = c2d__hs_uint(s, 2);
        if (s->err) return s->err;
        if (!fits(s, end, list)) return C2D_ERR_TLS_EXTENSION;
        uint64_t list_end = s->off + list;
        int got = 0;
        while (s->off < list_end) {
            if (!fits(s, list_end, 3)) return C2D_ERR_TLS_EXTENSION;
            uint8_t name_type = (uint8_t)c2d__hs_uint(s, 1);
            uint64_t nlen = c2d__hs_uint(s, 2);
            if (s->err) return s->err;
            if (!fits(s, list_end, nlen)) return C2D_ERR_TLS_EXTENSION;
            if (name_type == 0 && !got) {
                if (!read_text(s, nlen, ch->sni, sizeof ch->sni)) return s->err;
                ch->sni_len = (uint32_t)nlen;
                got = 1;
            } else if (!c2d__hs_skip(s, nlen)) {
                return s->err;
            }
        }
        return C2D_OK;
    }
    case 16: { /* ALPN: u16 list of u8-length names */
        ch->has_alpn = 1;
        if (!fits(s, end, 2)) return C2D_ERR_TLS_EXTENSION;
        uint64_t list = c2d__hs_uint(s, 2);
        if (s->err) return s->err;
        if (!fits(s, end, list)) return C2D_ERR_TLS_EXTENSION;
        uint64_t list_end = s->off + list;
        while (s->off < list_end) {
            uint8_t nlen = (uint8_t)c2d__hs_uint(s, 1);
            if (s->err) return s->err;
            if (!fits(s, list_end, nlen)) return C2D_ERR_TLS_EXTENSION;
            if (ch->n_alpn >= C2D_TLS_MAX_ALPN) {
                ch->alpn_over++;
                if (!c2d__hs_skip(s, nlen)) return s->err;
                continue;
            }
            uint32_t i = ch->n_alpn++;
            ch->alpn_len[i] = nlen;
            uint8_t raw[255];
            if (!c2d__hs_read(s, raw, nlen)) return s->err;
            if (i == 0 && nlen) { /* JA4 wants the raw first and last byte */
                ch->alpn_first_last[0] = raw[0];
                ch->alpn_first_last[1] = raw[nlen - 1];
            }
            size_t keep = nlen < C2D_TLS_ALPN_LEN ? nlen : C2D_TLS_ALPN_LEN;
            for (size_t k = 0; k < keep; k++)
                ch->alpn[i][k] = raw[k] < 0x20 || raw[k] == 0x7f ? '?' : (char)raw[k];
            ch->alpn[i][keep] = '\0';
        }
        return C2D_OK;
    }
    case 10: /* supported_groups */
    case 13: { /* signature_algorithms */
        if (!fits(s, end, 2)) return C2D_ERR_TLS_EXTENSION;
        uint64_t list = c2d__hs_uint(s, 2);
        if (s->err) return s->err;
        if (!fits(s, end, list) || (list & 1)) return C2D_ERR_TLS_EXTENSION;
        bool ok = type == 10 ? read_u16_list(s, list, ch->groups, C2D_TLS_MAX_GROUPS, &ch->n_groups,
                                             &ch->groups_over, &ch->grease)
                             : read_u16_list(s, list, ch->sig_algs, C2D_TLS_MAX_SIG_ALGS,
                                             &ch->n_sig_algs, &ch->sig_algs_over, &ch->grease);
        return ok ? C2D_OK : s->err;
    }
    case 11: { /* ec_point_formats: u8 list of u8 */
        if (!fits(s, end, 1)) return C2D_ERR_TLS_EXTENSION;
        uint64_t list = c2d__hs_uint(s, 1);
        if (s->err) return s->err;
        if (!fits(s, end, list)) return C2D_ERR_TLS_EXTENSION;
        for (uint64_t i = 0; i < list; i++) {
            uint8_t v = (uint8_t)c2d__hs_uint(s, 1);
            if (s->err) return s->err;
            if (ch->n_point_formats < C2D_TLS_MAX_POINT_FORMATS) ch->point_formats[ch->n_point_formats++] = v;
            else ch->point_formats_over++;
        }
        return C2D_OK;
    }
    case 43: { /* supported_versions (client form): u8 list of u16 */
        if (!fits(s, end, 1)) return C2D_ERR_TLS_EXTENSION;
        uint64_t list = c2d__hs_uint(s, 1);
        if (s->err) return s->err;
        if (!fits(s, end, list) || (list & 1)) return C2D_ERR_TLS_EXTENSION;
        return read_u16_list(s, list, ch->versions, C2D_TLS_MAX_VERSIONS, &ch->n_versions,
                             &ch->versions_over, &ch->grease)
                   ? C2D_OK
                   : s->err;
    }
    default:
        return C2D_OK;
    }
}

/* Read a handshake header (type, u24 length); returns the body's end. */
static c2d_status hs_header(c2d__hs *s, uint8_t *type, uint64_t *end) {
    *type = (uint8_t)c2d__hs_uint(s, 1);
    uint32_t mlen = c2d__hs_uint(s, 3);
    if (s->err) return s->err;
    *end = s->off + mlen;
    return C2D_OK;
}

/* The ClientHello: header, fixed fields, cipher list, compression methods,
 * then each extension, its body bounded by its own length. */
static c2d_status read_client_hello(c2d__hs *s, c2d_tls_client_hello *ch) {
    uint8_t type;
    uint64_t end;
    c2d_status st = hs_header(s, &type, &end);
    if (st) return st;
    if (type != HS_CLIENT_HELLO) return C2D_ERR_TLS_NOT_CLIENT_HELLO;
    ch->length = (uint32_t)(end - s->off);
    if (!fits(s, end, 2 + 32 + 1)) return C2D_ERR_TLS_HANDSHAKE;
    ch->version = (uint16_t)c2d__hs_uint(s, 2);
    c2d__hs_skip(s, 32);
    uint8_t sid = (uint8_t)c2d__hs_uint(s, 1);
    if (s->err) return s->err;
    if (sid > 32 || !fits(s, end, (uint64_t)sid + 2)) return C2D_ERR_TLS_HANDSHAKE;
    ch->session_id_len = sid;
    c2d__hs_skip(s, sid);
    uint64_t cs = c2d__hs_uint(s, 2);
    if (s->err) return s->err;
    if ((cs & 1) || !fits(s, end, cs + 1)) return C2D_ERR_TLS_HANDSHAKE;
    if (!read_u16_list(s, cs, ch->ciphers, C2D_TLS_MAX_CIPHERS, &ch->n_ciphers, &ch->ciphers_over,
                       &ch->grease))
        return s->err;
    uint8_t comp = (uint8_t)c2d__hs_uint(s, 1);
    if (s->err) return s->err;
    if (comp == 0 || !fits(s, end, comp)) return C2D_ERR_TLS_HANDSHAKE;
    ch->compression_methods = comp;
    if (!c2d__hs_skip(s, comp)) return s->err;
    if (s->off < end) { /* extensions are optional before TLS 1.3 */
        if (!fits(s, end, 2)) return C2D_ERR_TLS_HANDSHAKE;
        uint64_t xl = c2d__hs_uint(s, 2);
        if (s->err) return s->err;
        if (!fits(s, end, xl)) return C2D_ERR_TLS_HANDSHAKE;
        uint64_t xend = s->off + xl;
        while (s->off < xend) {
            if (!fits(s, xend, 4)) return C2D_ERR_TLS_EXTENSION;
            uint16_t et = (uint16_t)c2d__hs_uint(s, 2);
            uint64_t el = c2d__hs_uint(s, 2);
            if (s->err) return s->err;
            if (!fits(s, xend, el)) return C2D_ERR_TLS_EXTENSION;
            if (c2d_tls_is_grease(et)) ch->grease++;
            if (ch->n_extensions < C2D_TLS_MAX_EXTENSIONS) ch->extensions[ch->n_extensions++] = et;
            else ch->extensions_over++;
            uint64_t eend = s->off + el;
            if ((st = client_ext(s, et, eend, ch))) return st;
            if (s->off > eend) return C2D_ERR_TLS_EXTENSION;
            if (!c2d__hs_skip(s, eend - s->off)) return s->err;
        }
    }
    /* bytes after the extensions block inside the message are not read */
    if (!c2d__hs_skip(s, end - s->off)) return s->err;
    return C2D_OK;
}

static bool info_ok(const c2d_tls_info *info) {
    return info && info->size >= sizeof(c2d_tls_info);
}

c2d_status c2d_tls_parse_client(const uint8_t *data, size_t len, c2d_tls_info *info) {
    if (!info_ok(info) || (!data && len)) return C2D_ERR_INVALID_ARG;
    memset(&info->client, 0, sizeof info->client);
    info->ja3[0] = info->ja3_md5[0] = info->ja4[0] = '\0';
    c2d_status st;
    if (len >= 3 && (data[0] & 0x80) && data[2] == 1) {
        st = C2D_ERR_UNSUPPORTED; /* SSL 2.0 CLIENT-HELLO */
    } else {
        c2d__hs s;
        c2d__hs_init(&s, data, len);
        st = read_client_hello(&s, &info->client);
        info->client.records = s.records;
        info->client.record_version = s.first_record_version;
        if (st == C2D_OK) {
            info->client.present = 1;
            c2d__tls_fingerprint_client(info);
        }
    }
    info->client_status = st;
    return st;
}

/* ------------------------------------------------------------ ServerHello */
static c2d_status read_server_hello(c2d__hs *s, c2d_tls_server_hello *sh) {
    uint8_t type;
    uint64_t end;
    c2d_status st = hs_header(s, &type, &end);
    if (st) return st;
    if (type != HS_SERVER_HELLO) return C2D_ERR_TLS_NOT_SERVER_HELLO;
    if (!fits(s, end, 2 + 32 + 1)) return C2D_ERR_TLS_HANDSHAKE;
    sh->version = (uint16_t)c2d__hs_uint(s, 2);
    c2d__hs_skip(s, 32);
    uint8_t sid = (uint8_t)c2d__hs_uint(s, 1);
    if (s->err) return s->err;
    if (sid > 32 || !fits(s, end, (uint64_t)sid + 3)) return C2D_ERR_TLS_HANDSHAKE;
    c2d__hs_skip(s, sid);
    sh->cipher = (uint16_t)c2d__hs_uint(s, 2);
    sh->compression = (uint8_t)c2d__hs_uint(s, 1);
    if (s->err) return s->err;
    if (s->off < end) {
        if (!fits(s, end, 2)) return C2D_ERR_TLS_HANDSHAKE;
        uint64_t xl = c2d__hs_uint(s, 2);
        if (s->err) return s->err;
        if (!fits(s, end, xl)) return C2D_ERR_TLS_HANDSHAKE;
        uint64_t xend = s->off + xl;
        while (s->off < xend) {
            if (!fits(s, xend, 4)) return C2D_ERR_TLS_EXTENSION;
            uint16_t et = (uint16_t)c2d__hs_uint(s, 2);
            uint64_t el = c2d__hs_uint(s, 2);
            if (s->err) return s->err;
            if (!fits(s, xend, el)) return C2D_ERR_TLS_EXTENSION;
            if (sh->n_extensions < C2D_TLS_MAX_EXTENSIONS) sh->extensions[sh->n_extensions++] = et;
            else sh->extensions_over++;
            uint64_t eend = s->off + el;
            if (et == 43) {
                if (el != 2) return C2D_ERR_TLS_EXTENSION;
                sh->selected_version = (uint16_t)c2d__hs_uint(s, 2);
            } else if (et == 16) {
                if (el < 3) return C2D_ERR_TLS_EXTENSION;
                uint64_t list = c2d__hs_uint(s, 2);
                uint8_t nlen = (uint8_t)c2d__hs_uint(s, 1);
                if (s->err) return s->err;
                if (list != el - 2 || nlen != list - 1) return C2D_ERR_TLS_EXTENSION;
                if (!read_text(s, nlen, sh->alpn, sizeof sh->alpn)) return s->err;
            }
            if (s->err) return s->err;
            if (!c2d__hs_skip(s, eend - s->off)) return s->err;
        }
    }
    if (!c2d__hs_skip(s, end - s->off)) return s->err;
    return C2D_OK;
}

/* Certificate (TLS <= 1.2): u24 list of u24-length DER certificates. */
static c2d_status read_certificates(c2d__hs *s, uint64_t end, c2d_tls_certificates *c) {
    if (!fits(s, end, 3)) return C2D_ERR_TLS_CERTIFICATE;
    uint64_t list = c2d__hs_uint(s, 3);
    if (s->err) return s->err;
    if (!fits(s, end, list)) return C2D_ERR_TLS_CERTIFICATE;
    uint64_t list_end = s->off + list;
    c->leaf_status = C2D_OK;
    for (uint32_t i = 0; s->off < list_end; i++) {
        if (!fits(s, list_end, 3)) return C2D_ERR_TLS_CERTIFICATE;
        uint64_t clen = c2d__hs_uint(s, 3);
        if (s->err) return s->err;
        if (clen == 0 || !fits(s, list_end, clen)) return C2D_ERR_TLS_CERTIFICATE;
        if (c->n_certs >= C2D_TLS_MAX_CERTS) {
            if (!c2d__hs_skip(s, clen)) return s->err;
            c->certs_over++;
            continue;
        }
        s->tap = 1;
        c2d__sha1_init(&s->tap_sha1);
        c2d__sha256_init(&s->tap_sha256);
        if (i == 0) {
            c2d_status st = c2d__der_cert_names(s, clen, c->subject_cn, c->issuer_cn,
                                                sizeof c->subject_cn, &c->self_signed);
            if (s->err) {
                s->tap = 0;
                return s->err;
            }
            c->leaf_status = st;
        } else if (!c2d__hs_skip(s, clen)) {
            s->tap = 0;
            return s->err;
        }
        s->tap = 0;
        c2d_tls_cert *out = &c->certs[c->n_certs++];
        out->der_len = (uint32_t)clen;
        c2d__sha1_final(&s->tap_sha1, out->sha1);
        c2d__sha256_final(&s->tap_sha256, out->sha256);
        c->present = 1;
    }
    return C2D_OK;
}

c2d_status c2d_tls_parse_server(const uint8_t *data, size_t len, c2d_tls_info *info) {
    if (!info_ok(info) || (!data && len)) return C2D_ERR_INVALID_ARG;
    memset(&info->server, 0, sizeof info->server);
    memset(&info->certs, 0, sizeof info->certs);
    info->ja3s[0] = info->ja3s_md5[0] = '\0';
    c2d__hs s;
    c2d__hs_init(&s, data, len);
    c2d_status st = read_server_hello(&s, &info->server);
    info->server.record_version = s.first_record_version;
    if (st == C2D_OK) {
        info->server.present = 1;
        c2d__tls_fingerprint_server(info);
        uint16_t v = info->server.selected_version ? info->server.selected_version : info->server.version;
        /* TLS 1.3 encrypts the Certificate; a TLS <= 1.2 server sends it next */
        if (v <= 0x0303 && !c2d__hs_at_end(&s)) {
            uint8_t type;
            uint64_t end;
            st = hs_header(&s, &type, &end);
            if (st == C2D_OK && type == HS_CERTIFICATE) {
                st = read_certificates(&s, end, &info->certs);
                if (st == C2D_OK && s.off < end && !c2d__hs_skip(&s, end - s.off)) st = s.err;
            }
        }
    }
    info->server_status = st;
    return st;
}

c2d_status c2d_tls_parse_session(const c2d_session *session, c2d_tls_info *info) {
    if (!session || session->size < sizeof(c2d_session) || !info_ok(info)) return C2D_ERR_INVALID_ARG;
    if (session->proto != 6 || !session->orig_prefix_len || !session->orig_prefix) {
        memset(&info->client, 0, sizeof info->client);
        memset(&info->server, 0, sizeof info->server);
        memset(&info->certs, 0, sizeof info->certs);
        info->ja3[0] = info->ja3_md5[0] = info->ja4[0] = info->ja3s[0] = info->ja3s_md5[0] = '\0';
        info->client_status = info->server_status = C2D_ERR_NOT_FOUND;
        return C2D_ERR_NOT_FOUND;
    }
    c2d_status st = c2d_tls_parse_client(session->orig_prefix, session->orig_prefix_len, info);
    if (session->resp_prefix_len && session->resp_prefix) {
        c2d_tls_parse_server(session->resp_prefix, session->resp_prefix_len, info);
    } else {
        memset(&info->server, 0, sizeof info->server);
        memset(&info->certs, 0, sizeof info->certs);
        info->ja3s[0] = info->ja3s_md5[0] = '\0';
        info->server_status = C2D_ERR_NOT_FOUND;
    }
    return st;
}
