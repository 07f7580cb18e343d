/* libFuzzer harness for the DNS message parser: any bytes give a status, the
 * name is always NUL-terminated inside its buffer and the counts stay bounded. */
#include <stdlib.h>
#include <string.h>

#include "c2detect.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
    c2d_dns_message m;
    m.size = sizeof m;
    (void)c2d_dns_parse(data, size, &m);
    if (m.n_addrs > C2D_DNS_MAX_ADDRS) abort();
    if (strlen(m.qname) != m.qname_len || m.qname_len >= C2D_DNS_NAME_BUF) abort();
    return 0;
}
