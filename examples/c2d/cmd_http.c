/* c2d http [--model FILE] [--tokens] [FILE...]: score every HTTP request in
 * each file (or stdin) with the HTTP C2 model, or print their http-tokens-v1
 * sequence readably (--tokens). A request is its header block up to the empty
 * line, followed by Content-Length body bytes; empty lines between requests are
 * skipped. */
#include <ctype.h>
#include <math.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>

#include "commands.h"

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

/* Prints one result line; returns the status of a block that is no request. */
static c2d_status one_block(const c2d_model *m, double thr, bool tokens, const char *label,
                            const unsigned char *b, size_t len) {
    static bool header_printed; /* once, before the first result (not before an open error) */
    if (!tokens && !header_printed) {
        printf("# request\tscore\tverdict (threshold %.6f)\n", thr);
        header_printed = true;
    }
    if (tokens) {
        printf("%s\n", label);
        print_tokens(b, len);
        return C2D_OK;
    }
    double score = 0;
    c2d_status st = c2d_http_score(m, b, len, &score);
    if (st != C2D_OK) {
        printf("%s\t-\t%s\n", label, c2d_status_name(st));
        return st;
    }
    printf("%s\t%.6f\t%s\n", label, score, score >= thr ? "C2" : "ok");
    return C2D_OK;
}

/* Content-Length of a header block (case-insensitive field name), or 0. */
static unsigned long long content_length(const unsigned char *b, size_t len) {
    static const char name[] = "content-length:";
    const size_t nl = sizeof name - 1;
    for (size_t pos = 0; pos < len;) {
        const unsigned char *e = memchr(b + pos, '\n', len - pos);
        size_t line_end = e ? (size_t)(e - b) : len;
        if (line_end - pos > nl) {
            size_t k = 0;
            while (k < nl && tolower(b[pos + k]) == name[k]) k++;
            if (k == nl) {
                unsigned long long v = 0;
                size_t i = pos + nl;
                while (i < line_end && (b[i] == ' ' || b[i] == '\t')) i++;
                while (i < line_end && b[i] >= '0' && b[i] <= '9' && v < (1ull << 40))
                    v = v * 10 + (unsigned)(b[i++] - '0');
                return v;
            }
        }
        pos = line_end + 1;
    }
    return 0;
}

/* Score every request of one input; returns the exit status for it. */
static int score_input(const c2d_model *m, double thr, bool tokens, const char *name,
                       const unsigned char *b, size_t len) {
    size_t pos = 0, count = 0;
    int rc = C2D_EXIT_OK;
    while (pos < len) {
        while (pos < len && (b[pos] == '\r' || b[pos] == '\n')) pos++;
        if (pos >= len) break;
        /* the header block runs to the first empty line (LF or CRLF), inclusive */
        size_t start = pos, end = len;
        while (pos < len) {
            const unsigned char *nl = memchr(b + pos, '\n', len - pos);
            size_t line_start = pos;
            pos = nl ? (size_t)(nl - b) + 1 : len;
            size_t ll = (nl ? (size_t)(nl - b) : len) - line_start;
            if (nl && (ll == 0 || (ll == 1 && b[line_start] == '\r'))) {
                end = pos;
                break;
            }
        }
        char label[512];
        snprintf(label, sizeof label, "%s#%zu", name, ++count);
        c2d_status st = one_block(m, thr, tokens, label, b + start, end - start);
        if (st != C2D_OK) rc = c2d_cli_damaged(name, (unsigned long long)start, st);
        unsigned long long body = content_length(b + start, end - start);
        if (body > len - pos) {
            rc = c2d_cli_damaged(name, (unsigned long long)len, C2D_ERR_TRUNCATED);
            pos = len;
        } else {
            pos += (size_t)body;
        }
    }
    if (count == 0) {
        fprintf(stderr, "c2d: %s: no HTTP request in it\n", name);
        return C2D_EXIT_ERROR;
    }
    return rc;
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
        else if (!strcmp(argv[i], "--")) {
            i++;
            break;
        } else if (argv[i][0] == '-' && argv[i][1])
            return c2d_cli_usage("http");
        else
            break;
    }
    c2d_model *m = NULL;
    c2d_cli_input model_bytes = {0};
    double thr = 0.5;
    if (!tokens) {
        c2d_status st;
        if (model_path) {
            if (c2d_cli_read(model_path, &model_bytes)) return C2D_EXIT_ERROR;
            st = c2d_model_load_memory(model_bytes.data, model_bytes.len, NULL, &m);
        } else {
            st = c2d_model_builtin("http", NULL, &m);
        }
        if (st == C2D_OK) st = c2d_http_threshold(m, &thr);
        if (st != C2D_OK) {
            c2d_model_free(m);
            c2d_cli_input_free(&model_bytes);
            return c2d_cli_fail(model_path ? model_path : "builtin http model", st);
        }
    }
    int rc = C2D_EXIT_OK;
    char *stdin_only[] = {"-"};
    char **files = i < argc ? argv + i : stdin_only;
    int n_files = i < argc ? argc - i : 1;
    for (int k = 0; k < n_files; k++) {
        c2d_cli_input in;
        if (c2d_cli_read(files[k], &in)) {
            rc = C2D_EXIT_ERROR;
            break;
        }
        int r = score_input(m, thr, tokens, in.name, in.data, in.len);
        c2d_cli_input_free(&in);
        if (r == C2D_EXIT_ERROR) {
            rc = r;
            break;
        }
        if (r) rc = r;
    }
    c2d_model_free(m);
    c2d_cli_input_free(&model_bytes);
    return rc;
}
