/* libFuzzer harness for the TLS client side: any bytes give OK or one of the
 * documented statuses; a parsed ClientHello has counters within their caps,
 * NUL-terminated names and, when nothing overflowed, a JA3 whose MD5 and a
 * JA4 of the fixed length. */
#include <stdlib.h>
#include <string.h>

#include "c2detect.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
    static c2d_tls_info info; /* 12 KiB: kept off the fuzzer's stack */
    info.size = sizeof info;
    c2d_status st = c2d_tls_parse_client(data, size, &info);
    switch (st) {
    case C2D_OK: case C2D_ERR_TRUNCATED: case C2D_ERR_UNSUPPORTED: case C2D_ERR_TLS_NOT_HANDSHAKE:
    case C2D_ERR_TLS_RECORD: case C2D_ERR_TLS_NOT_CLIENT_HELLO: case C2D_ERR_TLS_HANDSHAKE:
    case C2D_ERR_TLS_EXTENSION:
        break;
    default: abort();
    }
    if (info.client_status != st) abort();
    const c2d_tls_client_hello *c = &info.client;
    if ((st == C2D_OK) != (c->present == 1)) abort();
    if (c->n_ciphers > C2D_TLS_MAX_CIPHERS || c->n_extensions > C2D_TLS_MAX_EXTENSIONS ||
        c->n_groups > C2D_TLS_MAX_GROUPS || c->n_point_formats > C2D_TLS_MAX_POINT_FORMATS ||
        c->n_sig_algs > C2D_TLS_MAX_SIG_ALGS || c->n_versions > C2D_TLS_MAX_VERSIONS ||
        c->n_alpn > C2D_TLS_MAX_ALPN)
        abort();
    if (!memchr(c->sni, 0, sizeof c->sni)) abort();
    if (st == C2D_OK) {
        int over = c->ciphers_over || c->extensions_over || c->groups_over || c->point_formats_over ||
                   c->sig_algs_over || c->versions_over;
        if (!over && (strlen(info.ja3_md5) != 32 || strlen(info.ja4) != C2D_TLS_JA4_LEN || !info.ja3[0]))
            abort();
    } else if (info.ja3[0] || info.ja4[0]) {
        abort();
    }
    return 0;
}
