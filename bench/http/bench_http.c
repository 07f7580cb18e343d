/* HTTP C2 scoring throughput, single thread: headers/s for tokenizing alone and
 * for tokenize + int8 CNN (c2d_http_score_batch, one header per sequence), and the
 * share of the time spent in the tokenizer. Headers: blank-line-separated blocks
 * from FILE, or a built-in mix of browser, API-client and beacon-like headers.
 * usage: bench_http [--model FILE.c2dm] [--seconds S] [FILE]
 * run:   cmake -S . -B build-bench -DC2D_BUILD_BENCH=ON -DCMAKE_BUILD_TYPE=Release &&
 *        cmake --build build-bench --target bench_http -j2 && build-bench/bench/http/bench_http */
#define _POSIX_C_SOURCE 199309L
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "c2detect.h"

static const char *const builtin_blocks[] = {
    "GET /static/js/main.3f2a1b9c.js HTTP/1.1\r\nHost: www.example.com\r\nConnection: keep-alive\r\n"
    "User-Agent: Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) "
    "Chrome/124.0.6367.91 Safari/537.36\r\nAccept: */*\r\nReferer: http://www.example.com/news/\r\n"
    "Accept-Encoding: gzip, deflate\r\nAccept-Language: en-US,en;q=0.9\r\nCookie: _ga=GA1.2.1234567890.1700000000; "
    "sessionid=8f14e45fceea167a5a36dedd4bea2543\r\n\r\n",
    "GET /api/v2/items?page=3&sort=new HTTP/1.1\r\nHost: api.example.org\r\nUser-Agent: python-requests/2.31.0\r\n"
    "Accept-Encoding: gzip, deflate\r\nAccept: */*\r\nConnection: keep-alive\r\n\r\n",
    "POST /submit.php?id=1788232313 HTTP/1.1\r\nAccept: */*\r\nContent-Type: application/octet-stream\r\n"
    "User-Agent: Mozilla/5.0 (compatible; MSIE 10.0; Windows NT 6.2; WOW64; Trident/6.0)\r\nHost: 203.0.113.7\r\n"
    "Content-Length: 68\r\nConnection: Keep-Alive\r\nCache-Control: no-cache\r\n\r\n",
    "GET /jquery-3.3.1.min.js HTTP/1.1\r\nAccept: text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8\r\n"
    "Accept-Language: en-US,en;q=0.5\r\nReferer: http://code.jquery.com/\r\nAccept-Encoding: gzip, deflate\r\n"
    "Cookie: __cfduid=ODEzNDU2Nzg5MDEyMzQ1Njc4OTAxMjM0NTY3ODkwMTIzNDU2Nzg5MA\r\nUser-Agent: Mozilla/5.0 "
    "(Windows NT 6.3; Trident/7.0; rv:11.0) like Gecko\r\nHost: code.jquery.com\r\nConnection: Keep-Alive\r\n"
    "Cache-Control: no-cache\r\n\r\n",
};

static double now(void) {
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec * 1e-9;
}

int main(int argc, char **argv) {
    const char *model_path = NULL, *file = NULL;
    double seconds = 2.0;
    for (int i = 1; i < argc; i++) {
        if (!strcmp(argv[i], "--model") && i + 1 < argc) model_path = argv[++i];
        else if (!strcmp(argv[i], "--seconds") && i + 1 < argc) seconds = atof(argv[++i]);
        else file = argv[i];
    }
    /* blocks */
    size_t n = 0, cap = 4096;
    const void **blocks = malloc(cap * sizeof *blocks);
    size_t *lens = malloc(cap * sizeof *lens);
    char *text = NULL;
    if (!blocks || !lens) return 1;
    if (file) {
        FILE *f = fopen(file, "rb");
        if (!f) return 1;
        fseek(f, 0, SEEK_END);
        long sz = ftell(f);
        fseek(f, 0, SEEK_SET);
        text = malloc((size_t)sz + 1);
        if (!text || fread(text, 1, (size_t)sz, f) != (size_t)sz) return 1;
        fclose(f);
        text[sz] = 0;
        char *p = text;
        while (*p && n < cap) {
            while (*p == '\r' || *p == '\n') p++;
            if (!*p) break;
            char *e = strstr(p, "\n\n");
            char *e2 = strstr(p, "\r\n\r\n");
            char *end = (e2 && (!e || e2 < e)) ? e2 + 4 : e ? e + 2 : p + strlen(p);
            blocks[n] = p;
            lens[n++] = (size_t)(end - p);
            p = end;
        }
    } else {
        for (; n < 1024; n++) {
            blocks[n] = builtin_blocks[n % 4];
            lens[n] = strlen(builtin_blocks[n % 4]);
        }
    }
    c2d_model *m = NULL;
    c2d_status st = model_path ? c2d_model_load_file(model_path, NULL, &m) : c2d_model_builtin("http", NULL, &m);
    if (st != C2D_OK) {
        fprintf(stderr, "model: %s\n", c2d_strerror(st));
        return 1;
    }
    size_t scratch_n = 0;
    if (c2d_http_scratch_size(m, &scratch_n) != C2D_OK) return 1;
    void *scratch = malloc(scratch_n);
    double *scores = malloc(n * sizeof *scores);
    if (!scratch || !scores) return 1;

    uint16_t ids[C2D_HTTP_SEQ_LEN];
    size_t done = 0, sink = 0;
    double t0 = now(), t;
    do {
        for (size_t i = 0; i < n; i++) {
            size_t k = 0;
            c2d_http_tokenize(blocks[i], lens[i], ids, C2D_HTTP_SEQ_LEN, &k);
            sink += k + ids[3];
        }
        done += n;
        t = now();
    } while (t - t0 < seconds);
    double tok_rate = (double)done / (t - t0);

    done = 0;
    t0 = now();
    do {
        st = c2d_http_score_batch(m, blocks, lens, n, scratch, scratch_n, scores);
        done += n;
        t = now();
    } while (t - t0 < seconds && st == C2D_OK);
    if (st != C2D_OK) return 1;
    double score_rate = (double)done / (t - t0);
    c2d_model_summary s = {.size = sizeof s};
    c2d_model_info(m, &s);
    printf("headers %zu\n", n);
    printf("kernels %s\n", c2d_isa_name(s.isa));
    printf("http_tokenize %.0f headers/s\n", tok_rate);
    printf("http_score %.0f headers/s\n", score_rate);
    printf("tokenize_share %.1f %%\n", 100.0 * score_rate / tok_rate);
    printf("cnn_share %.1f %%\n", 100.0 - 100.0 * score_rate / tok_rate);
    printf("ratio_score_vs_tokenize %.3f x\n", score_rate / tok_rate);
    if (sink == 42) printf(" \n");
    c2d_model_free(m);
    free(scratch);
    free(scores);
    free(blocks);
    free(lens);
    free(text);
    return 0;
}
