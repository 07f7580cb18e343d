/* Nanoseconds per item of the library's batch calls on inputs written by
 * bench/python/run.py, so the Python batch paths can be compared with the C
 * library's own speed in the same run (best of ROUNDS rounds).
 * Usage: bench_python_c geo MMDB ADDRS_U32LE [ADDRS_TEXT]
 *        bench_python_c forest MODEL ROWS_F32LE N_FEATURES N_CLASSES
 * Prints `name value unit` lines. */
#define _POSIX_C_SOURCE 200809L
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "c2detect.h"

#define ROUNDS 7

static double now(void) {
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + ts.tv_nsec * 1e-9;
}

static void *read_all(const char *path, size_t *len) {
    FILE *f = fopen(path, "rb");
    if (!f) return NULL;
    fseek(f, 0, SEEK_END);
    long n = ftell(f);
    fseek(f, 0, SEEK_SET);
    void *p = malloc(n > 0 ? (size_t)n : 1);
    if (p && fread(p, 1, (size_t)n, f) != (size_t)n) {
        free(p);
        p = NULL;
    }
    fclose(f);
    *len = (size_t)n;
    return p;
}

static int bench_geo(const char *mmdb, const char *addr_file, const char *text_file) {
    c2d_geodb *db = NULL;
    c2d_status st = c2d_geodb_open_file(mmdb, NULL, &db);
    if (st != C2D_OK) {
        fprintf(stderr, "%s: %s\n", mmdb, c2d_strerror(st));
        return 1;
    }
    size_t bytes;
    uint32_t *addrs = read_all(addr_file, &bytes);
    if (!addrs) return 1;
    size_t n = bytes / 4;
    uint32_t *offsets = malloc(n * 4), *asns = malloc(n * 4);
    uint8_t *plen = malloc(n);
    char *iso = malloc(2 * n);
    double best_full = 1e30, best_lookup = 1e30;
    for (int r = 0; r < ROUNDS; r++) {
        double t0 = now();
        st = c2d_geodb_lookup_ipv4_batch(db, addrs, n, offsets, plen, iso, asns, NULL);
        double t1 = now();
        if (st != C2D_OK) return 1;
        st = c2d_geodb_lookup_ipv4_batch(db, addrs, n, offsets, plen, NULL, NULL, NULL);
        double t2 = now();
        if (t1 - t0 < best_full) best_full = t1 - t0;
        if (t2 - t1 < best_lookup) best_lookup = t2 - t1;
    }
    double best_text = 1e30;
    size_t text_len = 0;
    char *text = text_file ? read_all(text_file, &text_len) : NULL;
    for (int r = 0; text && r < ROUNDS; r++) {
        double t0 = now();
        st = c2d_geodb_lookup_ipv4_text_batch(db, text, text_len, n, offsets, plen, iso, asns, NULL);
        double t = now() - t0;
        if (st != C2D_OK) {
            fprintf(stderr, "%s: %s\n", text_file, c2d_strerror(st));
            return 1;
        }
        if (t < best_text) best_text = t;
    }
    if (text) printf("c_geo_text_batch_country_asn %.1f ns/lookup\n", best_text / n * 1e9);
    free(text);
    unsigned long long sum = 0;
    for (size_t i = 0; i < n; i++) sum += offsets[i] + asns[i] + (unsigned char)iso[2 * i];
    printf("c_geo_batch_country_asn %.1f ns/lookup\n", best_full / n * 1e9);
    printf("c_geo_batch_lookup_only %.1f ns/lookup\n", best_lookup / n * 1e9);
    printf("c_geo_checksum %llu sum\n", sum);
    free(offsets), free(asns), free(plen), free(iso), free(addrs);
    c2d_geodb_free(db);
    return 0;
}

static int bench_forest(const char *model_path, const char *rows_file, size_t n_features,
                        size_t n_classes) {
    c2d_model *m = NULL;
    c2d_status st = c2d_model_load_file(model_path, NULL, &m);
    if (st != C2D_OK) {
        fprintf(stderr, "%s: %s\n", model_path, c2d_strerror(st));
        return 1;
    }
    size_t bytes;
    float *rows = read_all(rows_file, &bytes);
    if (!rows) return 1;
    size_t n = bytes / 4 / n_features;
    float *out = malloc(n * n_classes * sizeof *out);
    double best = 1e30;
    for (int r = 0; r < ROUNDS; r++) {
        double t0 = now();
        st = c2d_forest_predict_batch(m, rows, n, n_features, out, n_classes);
        double t = now() - t0;
        if (st != C2D_OK) return 1;
        if (t < best) best = t;
    }
    printf("c_forest_batch %.1f ns/row\n", best / n * 1e9);
    free(out), free(rows);
    c2d_model_free(m);
    return 0;
}

int main(int argc, char **argv) {
    if ((argc == 4 || argc == 5) && strcmp(argv[1], "geo") == 0)
        return bench_geo(argv[2], argv[3], argc == 5 ? argv[4] : NULL);
    if (argc == 6 && strcmp(argv[1], "forest") == 0)
        return bench_forest(argv[2], argv[3], strtoul(argv[4], NULL, 10), strtoul(argv[5], NULL, 10));
    fprintf(stderr, "usage: bench_python_c geo MMDB ADDRS [TEXT] | forest MODEL ROWS N_FEATURES N_CLASSES\n");
    return 2;
}
