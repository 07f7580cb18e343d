/* libFuzzer harness for the TLS server side (ServerHello, Certificate): any
 * bytes give OK or a documented status; digested certificates stay within the
 * cap, names are NUL-terminated, and a JA3S exists whenever a ServerHello was
 * parsed without overflowing its extension list. */
#include <stdlib.h>
#include <string.h>

#include "c2detect.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
    static c2d_tls_info info;
    info.size = sizeof info;
    c2d_status st = c2d_tls_parse_server(data, size, &info);
    switch (st) {
    case C2D_OK: case C2D_ERR_TRUNCATED: case C2D_ERR_TLS_NOT_HANDSHAKE: case C2D_ERR_TLS_RECORD:
    case C2D_ERR_TLS_NOT_SERVER_HELLO: case C2D_ERR_TLS_HANDSHAKE: case C2D_ERR_TLS_EXTENSION:
    case C2D_ERR_TLS_CERTIFICATE:
        break;
    default: abort();
    }
    if (info.server_status != st) abort();
    const c2d_tls_certificates *c = &info.certs;
    if (c->n_certs > C2D_TLS_MAX_CERTS || (c->n_certs > 0) != (c->present == 1)) abort();
    if (c->present && !info.server.present) abort();
    if (c->leaf_status != C2D_OK && c->leaf_status != C2D_ERR_TLS_DER) abort();
    if (!memchr(c->subject_cn, 0, sizeof c->subject_cn) || !memchr(c->issuer_cn, 0, sizeof c->issuer_cn))
        abort();
    if (info.server.present && !info.server.extensions_over && strlen(info.ja3s_md5) != 32) abort();
    if (!info.server.present && info.ja3s[0]) abort();
    return 0;
}
