/* Forest throughput: rows/s for the batch call and for single-row calls on a
 * given model and row file (float32, row-major). Driven by bench/forest/run.py,
 * which measures scikit-learn on the same model and rows in the same run.
 * usage: bench_forest MODEL.c2dm ROWS.f32 N_FEATURES [SECONDS] */
#define _POSIX_C_SOURCE 199309L
#include <stdio.h>
#include <stdlib.h>
#include <time.h>

#include "c2detect.h"

static double now(void) {
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec * 1e-9;
}

int main(int argc, char **argv) {
    if (argc < 4) {
        fprintf(stderr, "usage: %s MODEL ROWS.f32 N_FEATURES [SECONDS]\n", argv[0]);
        return 2;
    }
    const size_t nf = (size_t)atol(argv[3]);
    const double seconds = argc > 4 ? atof(argv[4]) : 2.0;
    c2d_model *m = NULL;
    c2d_status st = c2d_model_load_file(argv[1], NULL, &m);
    if (st != C2D_OK) {
        fprintf(stderr, "load: %s\n", c2d_strerror(st));
        return 1;
    }
    FILE *f = fopen(argv[2], "rb");
    if (!f) return 1;
    fseek(f, 0, SEEK_END);
    const size_t n = (size_t)ftell(f) / (sizeof(float) * nf);
    fseek(f, 0, SEEK_SET);
    float *rows = malloc(n * nf * sizeof(float));
    float *proba = malloc(n * 2 * sizeof(float));
    if (!rows || !proba || fread(rows, sizeof(float) * nf, n, f) != n) return 1;
    fclose(f);

    /* batch: whole row set per call, repeated until `seconds` elapse */
    double t0 = now(), t;
    size_t done = 0;
    do {
        st = c2d_forest_predict_batch(m, rows, n, nf, proba, 2);
        done += n;
        t = now();
    } while (t - t0 < seconds);
    if (st != C2D_OK) return 1;
    printf("c2d_forest_batch %.0f rows/s\n", (double)done / (t - t0));

    /* single rows, one call each */
    t0 = now();
    done = 0;
    double checksum = 0;
    do {
        for (size_t i = 0; i < n; i++) {
            c2d_forest_predict(m, rows + i * nf, nf, proba, 2);
            checksum += proba[1];
        }
        done += n;
        t = now();
    } while (t - t0 < seconds);
    printf("c2d_forest_single %.0f rows/s\n", (double)done / (t - t0));
    fprintf(stderr, "checksum %.6f\n", checksum);

    /* write the batch output for the driver's agreement check */
    if (argc > 5) {
        c2d_forest_predict_batch(m, rows, n, nf, proba, 2);
        FILE *o = fopen(argv[5], "wb");
        if (o) {
            fwrite(proba, sizeof(float) * 2, n, o);
            fclose(o);
        }
    }
    c2d_model_free(m);
    free(rows);
    free(proba);
    return 0;
}
