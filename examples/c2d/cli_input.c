/* c2d's shared input handling: a path or "-" for stdin, read whole, gunzipped
 * when it starts with the gzip signature (zlib lives in the program only; the
 * library reads plain bytes), with a message naming the file on every failure. */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <zlib.h>

#include "commands.h"

#define CHUNK (1u << 20)

/* gzerror() prefixes its text with the path (or "<fd:N>"); keep the reason. */
static const char *gz_reason(gzFile g, int *zerr) {
    const char *msg = gzerror(g, zerr), *p = msg, *colon;
    while ((colon = strstr(p, ": ")) != NULL) p = colon + 2;
    return p;
}

int c2d_cli_read(const char *path, c2d_cli_input *in) {
    memset(in, 0, sizeof *in);
    const int is_stdin = !strcmp(path, "-");
    in->name = is_stdin ? "stdin" : path;
    /* gzread passes bytes without the gzip signature through unchanged */
    int fd = is_stdin ? dup(0) : -1;
    errno = 0;
    gzFile g = is_stdin ? (fd >= 0 ? gzdopen(fd, "rb") : NULL) : gzopen(path, "rb");
    if (!g) {
        if (fd >= 0) close(fd);
        fprintf(stderr, "c2d: %s: cannot open: %s\n", in->name, errno ? strerror(errno) : "out of memory");
        return 1;
    }
    gzbuffer(g, 1u << 17);
    size_t cap = 0, n = 0;
    unsigned char *buf = NULL;
    for (;;) {
        if (cap - n < CHUNK) {
            if (cap >= C2D_CLI_MAX_INPUT) {
                fprintf(stderr, "c2d: %s: larger than the %llu bytes c2d reads\n", in->name,
                        (unsigned long long)C2D_CLI_MAX_INPUT);
                free(buf);
                gzclose(g);
                return 1;
            }
            size_t ncap = cap ? cap * 2 : 4 * CHUNK;
            unsigned char *nb = realloc(buf, ncap);
            if (!nb) {
                free(buf);
                gzclose(g);
                return c2d_cli_fail(in->name, C2D_ERR_NOMEM);
            }
            buf = nb;
            cap = ncap;
        }
        errno = 0;
        int got = gzread(g, buf + n, CHUNK);
        if (got > 0) {
            n += (size_t)got;
            continue;
        }
        if (got == 0) break;
        int zerr = 0;
        const char *msg = gz_reason(g, &zerr);
        if (zerr == Z_ERRNO)
            fprintf(stderr, "c2d: %s: cannot read: %s\n", in->name, strerror(errno));
        else
            fprintf(stderr, "c2d: %s: gzip data damaged at byte %lld: %s\n", in->name,
                    (long long)gzoffset(g), msg);
        free(buf);
        gzclose(g);
        return 1;
    }
    /* a gzip stream cut short reads as a clean end; zlib says so only here */
    int zerr = 0;
    const char *msg = gz_reason(g, &zerr);
    if (zerr != Z_OK && zerr != Z_STREAM_END) {
        fprintf(stderr, "c2d: %s: gzip data damaged at byte %lld: %s\n", in->name,
                (long long)gzoffset(g), msg);
        free(buf);
        gzclose(g);
        return 1;
    }
    in->compressed = !gzdirect(g);
    gzclose(g);
    in->data = buf;
    in->len = n;
    return 0;
}

void c2d_cli_input_free(c2d_cli_input *in) {
    free(in->data);
    in->data = NULL;
    in->len = 0;
}

int c2d_cli_open_capture(const char *path, c2d_capture **cap, c2d_cli_input *keep) {
    memset(keep, 0, sizeof *keep);
    *cap = NULL;
    c2d_status st;
    int plain_file = strcmp(path, "-") != 0;
    if (plain_file) {
        /* stream uncompressed files; only gzip and stdin are read into memory */
        FILE *f = fopen(path, "rb");
        if (!f) {
            fprintf(stderr, "c2d: %s: cannot open: %s\n", path, strerror(errno));
            return 1;
        }
        unsigned char magic[2] = {0, 0};
        size_t got = fread(magic, 1, 2, f);
        fclose(f);
        plain_file = !(got == 2 && magic[0] == 0x1f && magic[1] == 0x8b);
    }
    if (plain_file) {
        st = c2d_capture_open_file(path, NULL, cap);
        return st ? c2d_cli_fail(path, st) : 0;
    }
    if (c2d_cli_read(path, keep)) return 1;
    st = c2d_capture_open_memory(keep->data, keep->len, NULL, cap);
    if (st) {
        c2d_cli_input_free(keep);
        return c2d_cli_fail(keep->name, st);
    }
    return 0;
}

int c2d_cli_load_feed(c2d_iocdb *db, const char *path, const c2d_ioc_load_options *options,
                      c2d_ioc_load_report *report) {
    c2d_ioc_load_report local = {.size = sizeof local};
    if (!report) report = &local;
    c2d_cli_input in;
    if (c2d_cli_read(path, &in)) return 1;
    c2d_status st = c2d_iocdb_load_memory(db, in.data, in.len, options, report);
    c2d_cli_input_free(&in);
    if (st == C2D_OK) return 0;
    fprintf(stderr, "c2d: %s: %s (%s)", in.name, c2d_strerror(st), c2d_status_name(st));
    if (st == C2D_ERR_IOC_EMPTY_FEED)
        fprintf(stderr, ": %llu lines, %llu rejected, %llu skipped", (unsigned long long)report->lines,
                (unsigned long long)report->rejected, (unsigned long long)report->skipped);
    fprintf(stderr, "\n");
    return 1;
}

int c2d_cli_open_geo(const char *path, c2d_geodb **db, c2d_cli_input *keep) {
    *db = NULL;
    if (c2d_cli_read(path, keep)) return 1;
    c2d_status st = c2d_geodb_open_memory(keep->data, keep->len, NULL, db);
    if (st) {
        c2d_cli_input_free(keep);
        return c2d_cli_fail(keep->name, st);
    }
    return 0;
}

int c2d_cli_load_asn(const char *path, c2d_asntable **table, c2d_asntable_stats *stats) {
    c2d_asntable_stats local = {.size = sizeof local};
    if (!stats) stats = &local;
    *table = NULL;
    c2d_cli_input in;
    if (c2d_cli_read(path, &in)) return 1;
    c2d_status st = c2d_asntable_load_memory((const char *)in.data, in.len, NULL, table, stats);
    c2d_cli_input_free(&in);
    if (st) return c2d_cli_fail(in.name, st);
    if (stats->ranges == 0) {
        /* an empty table would turn every ASN feature into 0 without a word */
        fprintf(stderr, "c2d: %s: ASN table has no ranges (%llu lines, %llu malformed)\n", in.name,
                (unsigned long long)stats->lines, (unsigned long long)stats->malformed);
        c2d_asntable_free(*table);
        *table = NULL;
        return 1;
    }
    return 0;
}
