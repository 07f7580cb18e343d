/* bench_cnn MODEL.c2dm [seconds]: sequences/s and GMAC/s of the int8 CNN engine
 * at batch 1 and batch 256, single thread, for every kernel set this CPU runs,
 * plus the multiply peak of this core. Prints `name value unit` lines.
 * Normally driven by bench/cnn/run.py (which adds PyTorch in the same run). */
#define _POSIX_C_SOURCE 200809L
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "c2detect.h"
#include "kernels/kernels.h"

#ifdef BENCH_X86
double bench_peak_maddubs(void);
double bench_peak_madd16(void);
double bench_peak_maddubs_widen(void);
double bench_peak_vnni(void);
double bench_peak_avxvnni(void);
#endif

/* C2D_BENCH_CLOCK=wall: elapsed time; otherwise (default) this thread's CPU
 * time, which a machine shared with other jobs disturbs much less. The one
 * clock of this bench: the peak loops (peak_*.c) use it too. */
double bench_now(void);
double bench_now(void) {
    static int use_wall = -1;
    if (use_wall < 0) {
        const char *e = getenv("C2D_BENCH_CLOCK");
        use_wall = e && strcmp(e, "wall") == 0;
    }
    struct timespec ts;
    clock_gettime(use_wall ? CLOCK_MONOTONIC : CLOCK_THREAD_CPUTIME_ID, &ts);
    return (double)ts.tv_sec + 1e-9 * (double)ts.tv_nsec;
}

int main(int argc, char **argv) {
    if (argc < 2) {
        fprintf(stderr, "usage: bench_cnn MODEL.c2dm [seconds per case]\n");
        return 2;
    }
    const double secs = argc > 2 ? atof(argv[2]) : 1.0;
    c2d_model *m = NULL;
    c2d_status st = c2d_model_load_file(argv[1], NULL, &m);
    if (st != C2D_OK) {
        fprintf(stderr, "load: %s\n", c2d_strerror(st));
        return 1;
    }
    c2d_cnn_shape_info sh = {.size = sizeof sh};
    c2d_cnn_shape(m, &sh);
    enum { BATCH = 256 };
    uint16_t *tok = malloc((size_t)BATCH * sh.seq_len * sizeof *tok);
    float *out = malloc((size_t)BATCH * sh.n_classes * sizeof *out);
    /* the unfolded plan needs the most scratch */
    c2d_model_set_param(m, C2D_MODEL_PARAM_CNN_FOLD_KIB, 0);
    size_t scratch_bytes = 0;
    c2d_cnn_scratch_size(m, &scratch_bytes);
    void *scratch = malloc(scratch_bytes);
    srand(1);
    for (size_t i = 0; i < (size_t)BATCH * sh.seq_len; i++) tok[i] = (uint16_t)(rand() % (int)sh.vocab);
    printf("model_macs %llu MAC/seq\n", (unsigned long long)sh.macs);
    for (size_t k = 0; k < c2d__kernel_set_count; k++) {
        const c2d__kernel_set *ks = &c2d__kernel_sets[k];
        if ((c2d_cpu_features() & ks->cpu_features) != ks->cpu_features) {
            printf("# %s: not run, this CPU lacks it\n", ks->name);
            continue;
        }
        if (c2d_model_set_param(m, C2D_MODEL_PARAM_ISA_CAP, ks->isa) != C2D_OK) continue;
        /* first as the library runs by default (first convolution folded into
         * lookup tables when it reads the embedding), then with folding off:
         * every multiply-add through the convolution kernel */
        for (int fold = 1; fold >= 0; fold--) {
        c2d_model_set_param(m, C2D_MODEL_PARAM_CNN_FOLD_KIB, fold ? 8192 : 0);
        char isa[64];
        snprintf(isa, sizeof isa, "%s%s", c2d_isa_name(ks->isa), fold ? "" : "_nofold");
        const size_t batches[2] = {1, BATCH};
        for (int b = 0; b < 2; b++) {
            const size_t n = batches[b];
            /* warm up, then the best of 5 trials of `secs`/5 each: the
             * machine may be shared, and the fastest trial is the least disturbed */
            c2d_cnn_predict(m, tok, n, scratch, scratch_bytes, C2D_CNN_PROBA, out,
                            n * sh.n_classes);
            /* batch 1 walks through the 256 sequences too: the same sequence
             * every call would keep its table rows and weights hot in cache,
             * which real traffic does not do */
            size_t next = 0;
            double best = 0;
            for (int trial = 0; trial < 5; trial++) {
                long reps = 0;
                const double t0 = bench_now();
                double t;
                do {
                    for (int i = 0; i < 4; i++) {
                        c2d_cnn_predict(m, tok + next * sh.seq_len, n, scratch, scratch_bytes,
                                        C2D_CNN_PROBA, out, n * sh.n_classes);
                        next = (next + n) % BATCH;
                    }
                    reps += 4;
                    t = bench_now() - t0;
                } while (t < secs / 5);
                if ((double)reps * (double)n / t > best) best = (double)reps * (double)n / t;
            }
            const double seqs = best;
            printf("cnn_%s_b%zu_seq_per_s %.0f seq/s\n", isa, n, seqs);
            printf("cnn_%s_b%zu_gmac_per_s %.2f GMAC/s\n", isa, n, seqs * (double)sh.macs * 1e-9);
        }
        }
    }
#ifdef BENCH_X86
    double pk_ubs = 0, pk_wd = 0, pk_ubsw = 0;
    for (int trial = 0; trial < 5; trial++) { /* best of 5, as above */
        const double u = bench_peak_maddubs(), w = bench_peak_madd16();
        const double uw = bench_peak_maddubs_widen();
        if (u > pk_ubs) pk_ubs = u;
        if (w > pk_wd) pk_wd = w;
        if (uw > pk_ubsw) pk_ubsw = uw;
    }
    printf("peak_vpmaddubsw_gmac_per_s %.1f GMAC/s\n", pk_ubs * 1e-9);
    printf("peak_vpmaddwd_gmac_per_s %.1f GMAC/s\n", pk_wd * 1e-9);
    printf("peak_vpmaddubsw_vpmaddwd_gmac_per_s %.1f GMAC/s\n", pk_ubsw * 1e-9);
    const unsigned vnni = C2D_CPU_AVX512F | C2D_CPU_AVX512BW | C2D_CPU_AVX512VL | C2D_CPU_AVX512VNNI;
    if ((c2d_cpu_features() & vnni) == vnni) {
        double pk = 0;
        for (int trial = 0; trial < 5; trial++) {
            const double v = bench_peak_vnni();
            if (v > pk) pk = v;
        }
        printf("peak_vpdpbusd_gmac_per_s %.1f GMAC/s\n", pk * 1e-9);
    } else {
        printf("# peak_vpdpbusd: not measured, this CPU lacks AVX-512 VNNI\n");
    }
    if (c2d_cpu_features() & C2D_CPU_AVXVNNI) {
        double pk = 0;
        for (int trial = 0; trial < 5; trial++) {
            const double v = bench_peak_avxvnni();
            if (v > pk) pk = v;
        }
        printf("peak_vpdpbusd_ymm_gmac_per_s %.1f GMAC/s\n", pk * 1e-9);
    } else {
        printf("# peak_vpdpbusd_ymm: not measured, this CPU lacks AVX-VNNI\n");
    }
#endif
    free(tok);
    free(out);
    free(scratch);
    c2d_model_free(m);
    return 0;
}
