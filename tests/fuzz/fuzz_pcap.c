/* libFuzzer harness for pcap input and the packet decoder: the input is read
 * as a pcap file into a flow table, and also decoded as one frame of every
 * supported link type. Any bytes must give a status, never a crash. */
#include "fuzz_common_flow.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
    fuzz_read_capture(data, size);
    static const uint32_t linktypes[] = {C2D_LINKTYPE_NULL, C2D_LINKTYPE_ETHERNET, C2D_LINKTYPE_RAW,
                                         C2D_LINKTYPE_LOOP, C2D_LINKTYPE_LINUX_SLL, C2D_LINKTYPE_IPV4,
                                         C2D_LINKTYPE_IPV6, C2D_LINKTYPE_LINUX_SLL2};
    if (size <= C2D_CAPTURE_MAX_FRAME) {
        for (size_t i = 0; i < sizeof linktypes / sizeof linktypes[0]; i++) {
            c2d_packet p = {.size = sizeof p};
            if (c2d_packet_decode(linktypes[i], data, (uint32_t)size, 0, &p) == C2D_OK && p.payload_caplen) {
                /* the payload must lie inside the input */
                if (p.payload < data || p.payload + p.payload_caplen > data + size) abort();
            }
        }
    }
    return 0;
}
