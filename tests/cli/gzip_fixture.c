/* Test fixture maker for the c2d CLI tests (zlib, as c2d itself):
 *   gzip_fixture gz IN OUT        OUT = gzip of IN
 *   gzip_fixture head IN OUT N    OUT = the first N bytes of IN (a cut-short file)
 * Exit 0, or 1 with a message. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <zlib.h>

static unsigned char *slurp(const char *path, size_t *len) {
    FILE *f = fopen(path, "rb");
    if (!f) return NULL;
    size_t cap = 1 << 16, n = 0;
    unsigned char *b = malloc(cap);
    for (size_t got; b && (got = fread(b + n, 1, cap - n, f)) > 0;) {
        n += got;
        if (n == cap) {
            unsigned char *nb = realloc(b, cap *= 2);
            if (!nb) free(b);
            b = nb;
        }
    }
    fclose(f);
    *len = n;
    return b;
}

int main(int argc, char **argv) {
    size_t len = 0;
    unsigned char *data = argc >= 4 ? slurp(argv[2], &len) : NULL;
    if (!data) {
        fprintf(stderr, "usage: gzip_fixture gz IN OUT | head IN OUT N (IN must be readable)\n");
        return 1;
    }
    int ok = 0;
    if (!strcmp(argv[1], "gz")) {
        gzFile g = gzopen(argv[3], "wb9");
        ok = g && gzwrite(g, data, (unsigned)len) == (int)len;
        ok = (g && gzclose(g) == Z_OK) && ok;
    } else if (!strcmp(argv[1], "head") && argc == 5) {
        size_t n = strtoul(argv[4], NULL, 10);
        FILE *f = fopen(argv[3], "wb");
        ok = f && fwrite(data, 1, n < len ? n : len, f) == (n < len ? n : len);
        ok = (f && fclose(f) == 0) && ok;
    }
    free(data);
    if (!ok) fprintf(stderr, "gzip_fixture: failed\n");
    return ok ? 0 : 1;
}
