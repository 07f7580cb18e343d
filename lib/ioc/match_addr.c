/* IOC lookup of a 16-byte address as the flow table and the host engine hold
 * it: IPv4-mapped addresses go to the IPv4 index, the rest to the IPv6 one. */
#include <string.h>

#include "c2detect/ioc.h"

c2d_status c2d_iocdb_match_addr(const c2d_iocdb *db, const uint8_t addr[16], uint16_t port,
                                uint32_t *ids, size_t cap, size_t *n_total) {
    static const uint8_t mapped[12] = {0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0xff, 0xff};
    if (!addr) return C2D_ERR_INVALID_ARG;
    if (memcmp(addr, mapped, 12) == 0) {
        uint32_t v4 = (uint32_t)addr[12] << 24 | (uint32_t)addr[13] << 16 | (uint32_t)addr[14] << 8 | addr[15];
        return c2d_iocdb_match_ipv4(db, v4, port, ids, cap, n_total);
    }
    return c2d_iocdb_match_ipv6(db, addr, port, ids, cap, n_total);
}
