/* The handshake byte stream: handshake-record payloads read as one sequence
 * of bytes, so parsers need not care where a record or TCP segment ended. */
#include "../common/internal.h"
#include "tls_internal.h"

/* TLSPlaintext.length is at most 2^14; allow the ciphertext slack (2^14+2048)
 * so a sloppy but readable peer is still parsed. */
#define TLS_RECORD_MAX (16384u + 2048u)

void c2d__hs_init(c2d__hs *s, const uint8_t *d, size_t len) {
    memset(s, 0, sizeof *s);
    s->d = d;
    s->len = d ? len : 0;
}

void c2d__hs_init_raw(c2d__hs *s, const uint8_t *d, size_t len) {
    c2d__hs_init(s, d, len);
    s->raw = 1;
    s->rec_end = s->len;
}

/* Make at least one byte of the current record available; false on error. */
static bool fill(c2d__hs *s) {
    if (s->err) return false;
    while (s->pos >= s->rec_end) {
        if (s->raw || s->len - s->pos < 5) {
            s->err = C2D_ERR_TRUNCATED;
            return false;
        }
        const uint8_t *h = s->d + s->pos;
        uint16_t rlen = c2d__ld_u16be(h + 3);
        if (h[0] == 21 && s->records == 0 && rlen == 2 && s->len - s->pos >= 7 && h[5] == 1) {
            /* a warning alert before the first handshake record (e.g. a
             * server's unrecognized_name ahead of its ServerHello) */
            s->pos += 7;
            s->rec_end = s->pos;
            s->skipped_alerts++;
            continue;
        }
        if (h[0] != 22) {
            s->err = s->records == 0 ? C2D_ERR_TLS_NOT_HANDSHAKE : C2D_ERR_TLS_RECORD;
            return false;
        }
        if (h[1] != 3 || h[2] > 4 || rlen == 0 || rlen > TLS_RECORD_MAX) {
            s->err = C2D_ERR_TLS_RECORD;
            return false;
        }
        if (s->records == 0) s->first_record_version = c2d__ld_u16be(h + 1);
        s->records++;
        s->pos += 5;
        s->rec_end = s->pos + rlen;
    }
    if (s->pos >= s->len) {
        s->err = C2D_ERR_TRUNCATED;
        return false;
    }
    return true;
}

bool c2d__hs_read(c2d__hs *s, uint8_t *dst, size_t n) {
    while (n) {
        if (!fill(s)) return false;
        size_t end = s->rec_end < s->len ? s->rec_end : s->len;
        size_t take = end - s->pos;
        if (take > n) take = n;
        const uint8_t *src = s->d + s->pos;
        if (dst) {
            memcpy(dst, src, take);
            dst += take;
        }
        if (s->tap) {
            c2d__sha1_update(&s->tap_sha1, src, take);
            c2d__sha256_update(&s->tap_sha256, src, take);
        }
        if (s->extra) c2d__sha256_update(s->extra, src, take);
        s->pos += take;
        s->off += take;
        n -= take;
    }
    return true;
}

bool c2d__hs_skip(c2d__hs *s, uint64_t n) {
    while (n) {
        size_t step = n > (uint64_t)SIZE_MAX ? SIZE_MAX : (size_t)n;
        if (!c2d__hs_read(s, NULL, step)) return false;
        n -= step;
    }
    return true;
}

uint32_t c2d__hs_uint_slow(c2d__hs *s, unsigned nbytes) {
    uint8_t b[4];
    if (nbytes == 0 || nbytes > 4 || !c2d__hs_read(s, b, nbytes)) return 0;
    uint32_t v = 0;
    for (unsigned i = 0; i < nbytes; i++) v = v << 8 | b[i];
    return v;
}

bool c2d__hs_at_end(c2d__hs *s) {
    if (s->err) return true;
    if (s->pos < s->rec_end) return false;
    if (s->raw || s->pos >= s->len) return true;
    return s->d[s->pos] != 22;
}
