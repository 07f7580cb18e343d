/* libFuzzer harness for the streaming file path of the capture reader: the
 * input is written to a memory file (memfd, else a temporary file) and read
 * with c2d_capture_open_file, through its fixed buffer, refills and skips.
 * Every frame, status and offset must equal what the in-memory reader gives
 * for the same bytes, and the frames go through a flow table. */
#define _GNU_SOURCE
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

#include "c2detect.h"
#include "fuzz_alloc.h"
#include "fuzz_common_flow.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static int open_memory_file(char *path, size_t cap) {
    int fd = -1;
#ifdef MFD_CLOEXEC
    fd = memfd_create("c2d_fuzz", MFD_CLOEXEC);
    if (fd >= 0) snprintf(path, cap, "/proc/self/fd/%d", fd);
#endif
    if (fd < 0) {
        snprintf(path, cap, "/tmp/c2d_fuzz_XXXXXX");
        fd = mkstemp(path);
        if (fd >= 0) unlink(path); /* the name stays usable through /proc */
        if (fd >= 0) snprintf(path, cap, "/proc/self/fd/%d", fd);
    }
    return fd;
}

int LLVMFuzzerTestOneInput(const uint8_t *in, size_t in_size) {
    /* Inputs whose last byte is odd have everything after the first 24 bytes
     * (a pcap header; records or blocks after it) repeated until the file is
     * past the reader's 320 KiB buffer, so small inputs reach the refill and
     * skip paths at every alignment. */
    size_t reps = 0;
    if (in_size > 24 && (in[in_size - 1] & 1) && in_size < 340000)
        reps = (340000 - 24) / (in_size - 24) + 1;
    size_t size = in_size + reps * (in_size > 24 ? in_size - 24 : 0);
    uint8_t *data = malloc(size ? size : 1);
    if (!data) abort();
    memcpy(data, in, in_size);
    for (size_t r = 0, o = in_size; r < reps; r++, o += in_size - 24) memcpy(data + o, in + 24, in_size - 24);
    char path[64];
    int fd = open_memory_file(path, sizeof path);
    if (fd < 0) abort();
    for (size_t off = 0; off < size;) {
        ssize_t w = write(fd, data + off, size - off);
        if (w <= 0) abort();
        off += (size_t)w;
    }
    const c2d_allocator *a = fuzz_allocator(data, size);
    c2d_capture *file = NULL, *mem = NULL;
    c2d_status sf = c2d_capture_open_file(path, a, &file);
    c2d_status sm = c2d_capture_open_memory(data, size, NULL, &mem);
    if (sf == C2D_ERR_NOMEM && a) {
        if (file) abort();
        c2d_capture_free(mem);
        close(fd);
        free(data);
        fuzz_alloc_check(a);
        return 0;
    }
    if (sf != sm) abort(); /* both readers judge the header alike */
    if (sf == C2D_OK) {
        c2d_flow_settings set;
        c2d_flow_settings_default(&set);
        set.capacity = 8;
        set.payload_prefix_len = 64;
        set.hash_seed[0] = 1;
        c2d_flowtable *ft = NULL;
        c2d_status st = c2d_flowtable_new(&set, a, &ft);
        if (st != C2D_OK && !(st == C2D_ERR_NOMEM && a)) abort();
        if (ft) {
            c2d_flowtable_set_session_callback(ft, fuzz_ignore_session, NULL);
            c2d_flowtable_set_dns_callback(ft, fuzz_ignore_dns, NULL);
        }
        c2d_frame ff = {.size = sizeof ff}, fm = {.size = sizeof fm};
        for (int i = 0; i < 100000; i++) {
            sf = c2d_capture_next(file, &ff);
            sm = c2d_capture_next(mem, &fm);
            if (sf != sm || c2d_capture_offset(file) != c2d_capture_offset(mem)) abort();
            if (sf != C2D_OK) break;
            if (ff.ts_ns != fm.ts_ns || ff.linktype != fm.linktype || ff.caplen != fm.caplen ||
                ff.wirelen != fm.wirelen || ff.interface_id != fm.interface_id ||
                memcmp(ff.data, fm.data, ff.caplen) != 0)
                abort();
            if (ft) c2d_flowtable_add_frame(ft, &ff);
        }
        if (sf != C2D_OK && c2d_capture_next(file, &ff) != sf) abort(); /* errors and the end are sticky */
        c2d_flowtable_flush(ft);
        c2d_flowtable_free(ft);
    }
    c2d_capture_free(file);
    c2d_capture_free(mem);
    close(fd);
    free(data);
    fuzz_alloc_check(a);
    return 0;
}
