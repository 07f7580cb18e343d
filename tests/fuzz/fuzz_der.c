/* libFuzzer harness for the certificate DER walk: any bytes give OK,
 * C2D_ERR_TLS_DER or C2D_ERR_TRUNCATED, consume exactly the bytes given when
 * they do not fail as a stream, and leave NUL-terminated names. */
#include <stdlib.h>
#include <string.h>

#include "c2detect/tls.h"
#include "tls/tls_internal.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
    char subject[C2D_TLS_CN_LEN + 1], issuer[C2D_TLS_CN_LEN + 1];
    int self = -1;
    c2d__hs s;
    c2d__hs_init_raw(&s, data, size);
    c2d_status st = c2d__der_cert_names(&s, size, subject, issuer, sizeof subject, &self);
    if (st != C2D_OK && st != C2D_ERR_TLS_DER) abort();
    if (s.off != size || s.err) abort();
    if (!memchr(subject, 0, sizeof subject) || !memchr(issuer, 0, sizeof issuer)) abort();
    if (self != 0 && self != 1) abort();
    if (st != C2D_OK && (subject[0] || issuer[0] || self)) abort();
    /* the same bytes announced longer than they are: the stream runs out */
    c2d__hs_init_raw(&s, data, size);
    st = c2d__der_cert_names(&s, (uint64_t)size + 1, subject, issuer, sizeof subject, &self);
    if (st != C2D_OK && st != C2D_ERR_TLS_DER && st != C2D_ERR_TRUNCATED) abort();
    return 0;
}
