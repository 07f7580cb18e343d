/* libFuzzer harness for the ASN CSV range-table loader: any text must load or
 * give a status, with line counts that add up, and lookups must stay in bounds. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "c2detect.h"
#include "fuzz_alloc.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
    c2d_asntable *t = NULL;
    c2d_asntable_stats s = {.size = sizeof s};
    const c2d_allocator *a = fuzz_allocator(data, size);
    c2d_status st = c2d_asntable_load_memory((const char *)data, size, a, &t, &s);
    if (st != C2D_OK) {
        if (t) abort();
        fuzz_alloc_check(a);
        return 0;
    }
    if (s.malformed + s.ranges > s.lines + s.overlapping) abort(); /* counts must add up */
    uint32_t asn;
    const char *org;
    size_t len;
    uint32_t probes[] = {0, 1, 0x01000001u, 0x7FFFFFFFu, 0xFFFFFFFFu, 0x08080808u};
    for (size_t i = 0; i < sizeof probes / sizeof probes[0]; i++)
        if (c2d_asntable_lookup(t, probes[i], &asn, &org, &len) == C2D_OK && strlen(org) != len) abort();
    c2d_asntable_free(t);
    fuzz_alloc_check(a);
    return 0;
}
