/* truncate_copy SRC DST CUT: write SRC without its last CUT bytes to DST, so a
 * test can feed a capture whose last record is cut without committing one. */
#include <stdio.h>
#include <stdlib.h>

int main(int argc, char **argv) {
    if (argc != 4) {
        fprintf(stderr, "usage: truncate_copy SRC DST CUT\n");
        return 2;
    }
    FILE *in = fopen(argv[1], "rb");
    if (!in) return 1;
    if (fseek(in, 0, SEEK_END) != 0) return 1;
    long size = ftell(in);
    long cut = strtol(argv[3], NULL, 10);
    if (size < 0 || cut < 0 || cut > size) return 1;
    rewind(in);
    char *buf = malloc((size_t)size + 1);
    if (!buf || fread(buf, 1, (size_t)size, in) != (size_t)size) return 1;
    fclose(in);
    FILE *out = fopen(argv[2], "wb");
    if (!out || fwrite(buf, 1, (size_t)(size - cut), out) != (size_t)(size - cut) || fclose(out))
        return 1;
    free(buf);
    return 0;
}
