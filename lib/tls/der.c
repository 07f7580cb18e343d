/* Minimal DER walk of an X.509 certificate: only the path to the issuer and
 * subject Names, every length checked against its container; no validation. */
#include "../common/internal.h"
#include "tls_internal.h"

typedef struct tlv {
    uint8_t tag;
    uint64_t len;     /* content length */
    uint64_t end;     /* stream offset just past the content */
} tlv;

/* Read one TLV header inside [s->off, end). Returns C2D_OK, C2D_ERR_TLS_DER
 * or the stream error. */
static c2d_status read_header(c2d__hs *s, uint64_t end, tlv *t) {
    if (s->off + 2 > end) return C2D_ERR_TLS_DER;
    uint8_t h[2];
    if (!c2d__hs_read(s, h, 2)) return s->err;
    if ((h[0] & 0x1f) == 0x1f) return C2D_ERR_TLS_DER; /* multi-byte tags never occur on our path */
    t->tag = h[0];
    uint64_t len = h[1];
    if (h[1] & 0x80) {
        unsigned n = h[1] & 0x7f;
        if (n == 0 || n > 4) return C2D_ERR_TLS_DER; /* indefinite form is not DER; > 4 GiB impossible here */
        if (s->off + n > end) return C2D_ERR_TLS_DER;
        len = c2d__hs_uint(s, n);
        if (s->err) return s->err;
    }
    if (len > end - s->off) return C2D_ERR_TLS_DER;
    t->len = len;
    t->end = s->off + len;
    return C2D_OK;
}

static c2d_status expect(c2d__hs *s, uint64_t end, uint8_t tag, tlv *t) {
    c2d_status st = read_header(s, end, t);
    if (st) return st;
    return t->tag == tag ? C2D_OK : C2D_ERR_TLS_DER;
}

/* Copy a directory string's value as text: ASCII controls become '?';
 * BMPString/UniversalString characters outside ASCII become '?'. */
static c2d_status read_string(c2d__hs *s, const tlv *v, char *out, size_t cap) {
    unsigned width = v->tag == 0x1e ? 2 : v->tag == 0x1c ? 4 : 1;
    if (v->tag != 0x0c && v->tag != 0x13 && v->tag != 0x14 && v->tag != 0x16 && v->tag != 0x1a &&
        width == 1)
        return C2D_ERR_TLS_DER;
    if (v->len % width) return C2D_ERR_TLS_DER;
    size_t n = 0;
    for (uint64_t i = 0; i < v->len; i += width) {
        uint32_t c = c2d__hs_uint(s, width);
        if (s->err) return s->err;
        if (c < 0x20 || c == 0x7f || (width > 1 && c > 0x7e)) c = '?';
        if (n + 1 < cap) out[n++] = (char)(uint8_t)c;
    }
    out[n] = '\0';
    return C2D_OK;
}

/* Walk a Name (SEQUENCE OF SET OF AttributeTypeAndValue) whose SEQUENCE header
 * was read; copy the first commonName. */
static c2d_status walk_name(c2d__hs *s, const tlv *name, char *cn, size_t cap) {
    int found = 0;
    cn[0] = '\0';
    while (s->off < name->end) {
        tlv set = {0}, atv = {0}, oid = {0};
        c2d_status st = expect(s, name->end, 0x31, &set);
        if (st) return st;
        while (s->off < set.end) {
            if ((st = expect(s, set.end, 0x30, &atv))) return st;
            if ((st = expect(s, atv.end, 0x06, &oid))) return st;
            uint8_t id[3];
            int is_cn = 0;
            if (oid.len == 3) {
                if (!c2d__hs_read(s, id, 3)) return s->err;
                is_cn = id[0] == 0x55 && id[1] == 0x04 && id[2] == 0x03;
            } else if (!c2d__hs_skip(s, oid.len)) {
                return s->err;
            }
            if (is_cn && !found) {
                tlv val = {0};
                if ((st = read_header(s, atv.end, &val))) return st;
                if ((st = read_string(s, &val, cn, cap))) return st;
                found = 1;
            }
            if (!c2d__hs_skip(s, atv.end - s->off)) return s->err;
        }
    }
    return C2D_OK;
}

static c2d_status walk(c2d__hs *s, uint64_t end, char *subject_cn, char *issuer_cn, size_t cap,
                       int *self_signed) {
    tlv cert = {0}, tbs = {0}, t = {0};
    c2d_status st;
    if ((st = expect(s, end, 0x30, &cert))) return st;
    if ((st = expect(s, cert.end, 0x30, &tbs))) return st;
    if ((st = read_header(s, tbs.end, &t))) return st;
    if (t.tag == 0xa0) { /* [0] EXPLICIT version */
        if (!c2d__hs_skip(s, t.len)) return s->err;
        if ((st = read_header(s, tbs.end, &t))) return st;
    }
    if (t.tag != 0x02) return C2D_ERR_TLS_DER; /* serialNumber */
    if (!c2d__hs_skip(s, t.len)) return s->err;
    if ((st = expect(s, tbs.end, 0x30, &t))) return st; /* signature AlgorithmIdentifier */
    if (!c2d__hs_skip(s, t.len)) return s->err;

    c2d__sha256_ctx issuer_hash, subject_hash;
    uint8_t issuer_digest[32], subject_digest[32];
    tlv issuer = {0}, subject = {0};
    if ((st = expect(s, tbs.end, 0x30, &issuer))) return st;
    c2d__sha256_init(&issuer_hash);
    s->extra = &issuer_hash;
    st = walk_name(s, &issuer, issuer_cn, cap);
    s->extra = NULL;
    if (st) return st;
    if ((st = expect(s, tbs.end, 0x30, &t))) return st; /* validity */
    if (!c2d__hs_skip(s, t.len)) return s->err;
    if ((st = expect(s, tbs.end, 0x30, &subject))) return st;
    c2d__sha256_init(&subject_hash);
    s->extra = &subject_hash;
    st = walk_name(s, &subject, subject_cn, cap);
    s->extra = NULL;
    if (st) return st;
    c2d__sha256_final(&issuer_hash, issuer_digest);
    c2d__sha256_final(&subject_hash, subject_digest);
    *self_signed = issuer.len == subject.len && memcmp(issuer_digest, subject_digest, 32) == 0;
    return C2D_OK;
}

c2d_status c2d__der_cert_names(c2d__hs *s, uint64_t len, char *subject_cn, char *issuer_cn,
                               size_t cn_cap, int *self_signed) {
    uint64_t end = s->off + len;
    subject_cn[0] = issuer_cn[0] = '\0';
    *self_signed = 0;
    c2d_status st = walk(s, end, subject_cn, issuer_cn, cn_cap, self_signed);
    s->extra = NULL;
    if (s->err) return s->err;
    if (st) {
        subject_cn[0] = issuer_cn[0] = '\0';
        *self_signed = 0;
    }
    /* the rest of the certificate (extensions, signature) is only digested */
    if (!c2d__hs_skip(s, end - s->off)) return s->err;
    return st;
}
