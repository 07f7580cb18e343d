/* libFuzzer harness for the IOC feed loader in format list: any bytes give a
 * status and a consistent report, never a crash or a leak. */
#include "feed_fuzz_common.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
    feed_fuzz_one(data, size, C2D_IOC_FORMAT_LIST);
    return 0;
}
