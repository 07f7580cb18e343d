/* Inputs of c2d scan: a capture through a flow table, or Zeek logs, into a
 * host engine; and IOC feeds loaded loudly. */
#ifndef C2D_SCAN_INPUT_H
#define C2D_SCAN_INPUT_H

#include "c2detect.h"

typedef struct c2d_scan_input {
    c2d_hosts *hosts;
    const char *const *locals;  /* --local networks, also given to the flow table */
    int n_locals;
    unsigned prefix_bytes;      /* payload prefix kept per direction */
    char summary[512];          /* what was read, for the summary line */
} c2d_scan_input;

/* 0 read to the end, 1 error (message printed, nothing usable), 3 input
 * damaged after some frames (warning printed; what was read is in the engine). */
int c2d_scan_read_capture(c2d_scan_input *in, const char *path);
int c2d_scan_read_zeek(c2d_scan_input *in, const char *dir);

/* Load one feed into `ioc`: 0 ok (rejected lines reported on stderr), 1 error
 * (unreadable, or no indicator at all). */
int c2d_scan_load_feed(c2d_iocdb *ioc, const char *path);

#endif
