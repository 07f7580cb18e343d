/* c2d http [--model FILE] [--tokens] [FILE...]: score HTTP request header blocks
 * (one per file, or blank-line-separated blocks on stdin) with the HTTP C2 model,
 * or print their http-tokens-v1 sequence readably (--tokens). */
#include <math.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>

#include "commands.h"

#define MAX_INPUT (64u << 20)

static unsigned char *read_stream(FILE *f, size_t *len) {
    size_t cap = 65536, n = 0;
    unsigned char *buf = malloc(cap);
    if (!buf) return NULL;
    for (;;) {
        if (n == cap) {
            if (cap >= MAX_INPUT) break;
            unsigned char *nb = realloc(buf, cap * 2);
            if (!nb) {
                free(buf);
                return NULL;
            }
            buf = nb;
            cap *= 2;
        }
        size_t got = fread(buf + n, 1, cap - n, f);
        if (got == 0) break;
        n += got;
    }
    *len = n;
    return buf;
}

static void print_tokens(const unsigned char *b, size_t len) {
    uint16_t ids[C2D_HTTP_SEQ_LEN];
    size_t n = 0;
    c2d_status st = c2d_http_tokenize(b, len, ids, C2D_HTTP_SEQ_LEN, &n);
    if (st != C2D_OK) {
        printf("  (%s)\n", c2d_strerror(st));
        return;
    }
    char name[C2D_HTTP_TOKEN_NAME_MAX];
    printf("  %zu tokens:\n   ", n);
    for (size_t i = 0; i < n; i++) {
        c2d_http_token_name(ids[i], name, sizeof name);
        /* one line per field: break after each SEP */
        printf(" %s%s", name, (ids[i] == 4 && i + 1 < n) ? "\n   " : "");
    }
    printf("\n");
}

/* Prints one result line; returns 1 when the block is flagged or bad. */
static int one_block(const c2d_model *m, double thr, bool tokens, const char *label,
                     const unsigned char *b, size_t len) {
    if (tokens) {
        printf("%s\n", label);
        print_tokens(b, len);
        return 0;
    }
    double score = 0;
    c2d_status st = c2d_http_score(m, b, len, &score);
    if (st != C2D_OK) {
        printf("%s\t-\t%s\n", label, c2d_status_name(st));
        return 1;
    }
    int c2 = score >= thr;
    printf("%s\t%.6f\t%s\n", label, score, c2 ? "C2" : "ok");
    return c2;
}

int c2d_cmd_http(int argc, char **argv) {
    const char *model_path = NULL;
    bool tokens = false;
    int i = 1;
    for (; i < argc; i++) {
        if (!strcmp(argv[i], "--tokens"))
            tokens = true;
        else if (!strcmp(argv[i], "--model") && i + 1 < argc)
            model_path = argv[++i];
        else if (!strcmp(argv[i], "--") ) {
            i++;
            break;
        } else if (argv[i][0] == '-' && argv[i][1]) {
            fprintf(stderr, "usage: c2d http [--model FILE] [--tokens] [FILE...]\n");
            return 2;
        } else
            break;
    }
    c2d_model *m = NULL;
    double thr = 0.5;
    if (!tokens) {
        c2d_status st = model_path ? c2d_model_load_file(model_path, NULL, &m)
                                   : c2d_model_builtin("http", NULL, &m);
        if (st != C2D_OK) return c2d_cli_fail(model_path ? model_path : "builtin http model", st);
        c2d_http_threshold(m, &thr);
        printf("# block\tscore\tverdict (threshold %.6f)\n", thr);
    }
    int rc = 0;
    if (i < argc) {
        for (; i < argc; i++) {
            FILE *f = fopen(argv[i], "rb");
            if (!f) {
                rc |= c2d_cli_fail(argv[i], C2D_ERR_IO);
                continue;
            }
            size_t len = 0;
            unsigned char *b = read_stream(f, &len);
            fclose(f);
            if (!b) {
                rc |= c2d_cli_fail(argv[i], C2D_ERR_NOMEM);
                continue;
            }
            rc |= one_block(m, thr, tokens, argv[i], b, len);
            free(b);
        }
    } else {
        size_t len = 0;
        unsigned char *b = read_stream(stdin, &len);
        if (!b) {
            c2d_model_free(m);
            return c2d_cli_fail("stdin", C2D_ERR_NOMEM);
        }
        /* blocks: from a non-empty line to the next empty line (CRLF or LF) */
        size_t pos = 0, count = 0;
        while (pos < len) {
            while (pos < len && (b[pos] == '\r' || b[pos] == '\n')) pos++;
            if (pos >= len) break;
            size_t start = pos, end = len;
            while (pos < len) {
                unsigned char *nl = memchr(b + pos, '\n', len - pos);
                if (!nl) {
                    pos = len;
                    break;
                }
                size_t line_start = pos;
                pos = (size_t)(nl - b) + 1;
                size_t ll = (size_t)(nl - (b + line_start));
                if (ll == 0 || (ll == 1 && b[line_start] == '\r')) {
                    end = pos;
                    break;
                }
            }
            if (pos >= len && end == len) end = len;
            char label[32];
            snprintf(label, sizeof label, "stdin#%zu", ++count);
            rc |= one_block(m, thr, tokens, label, b + start, end - start);
        }
        free(b);
    }
    c2d_model_free(m);
    return rc ? 1 : 0;
}
