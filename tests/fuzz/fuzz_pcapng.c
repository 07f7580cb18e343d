/* libFuzzer harness for pcapng input: inputs that do not start with a Section
 * Header Block get one (little-endian) in front, so the fuzzer spends its time
 * in IDB/EPB/SPB/OPB and option parsing. Any bytes: a status, never a crash. */
#include <string.h>

#include "fuzz_common_flow.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
    static const uint8_t shb[28] = {0x0a, 0x0d, 0x0d, 0x0a, 28, 0, 0, 0, 0x4d, 0x3c, 0x2b, 0x1a, 1, 0,
                                    0, 0, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 28, 0, 0, 0};
    if (size >= 4 && !memcmp(data, shb, 4)) {
        fuzz_read_capture(data, size);
        return 0;
    }
    uint8_t *buf = (uint8_t *)malloc(size + sizeof shb);
    if (!buf) return 0;
    memcpy(buf, shb, sizeof shb);
    if (size) memcpy(buf + sizeof shb, data, size);
    fuzz_read_capture(buf, size + sizeof shb);
    free(buf);
    return 0;
}
