/* bench/dga: single-thread ns per name for the DGA features alone, features +
 * forest (built-in "dga-fanci"; one call per name and the batch call), tokens +
 * int8 CNN (built-in "dga-cnn"; same two calls), and nDPI 4.2's
 * ndpi_check_dga_name on the same names in the same run; the built-in ensemble
 * (c2d_dga_ensemble_builtin: score_batch runs both models, classify applies the
 * forest gate) on all names and, with nDPI again, on the benign names alone
 * (what most of a resolver's traffic looks like); then the detection rates of
 * the models, the ensemble and nDPI on the same labelled names. Run (see README.md):
 *   PYTHONPATH=bindings/python /usr/bin/python3 -m c2detect.train_dga \
 *       --data ../shared/data/dga --dump-test /tmp/dga_test.tsv
 *   build/bench/dga/bench_dga /tmp/dga_test.tsv 7 [CNN.c2dm]
 * (CNN.c2dm: time and score that dga-chars-v1 model instead of the built-in dga-cnn.)
 * Output: `name value unit` lines; times are the fastest of the rounds. */
#define _DEFAULT_SOURCE 1 /* u_char etc. in nDPI headers; clock_gettime */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "c2detect.h"

#ifdef C2D_BENCH_HAVE_NDPI
#include <ndpi/ndpi_api.h>
#endif

typedef struct item {
    char *name;   /* NUL-terminated, mutable (nDPI takes char *) */
    size_t len;
    int is_dga;
    int group;    /* 0 benign, 1 seen family, 2 unseen family */
} item;

static double now_s(void) {
    struct timespec ts;
    /* Thread CPU time: on a shared machine, time spent descheduled is not counted. */
    clock_gettime(CLOCK_THREAD_CPUTIME_ID, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec * 1e-9;
}

static volatile float sink_f;
static volatile int sink_i;

static int load(const char *path, item **out, size_t *n_out) {
    FILE *f = fopen(path, "r");
    if (!f) return -1;
    size_t cap = 1 << 16, n = 0;
    item *v = malloc(cap * sizeof *v);
    char line[1024];
    while (v && fgets(line, sizeof line, f)) {
        char *label = strtok(line, "\t"), *group = strtok(NULL, "\t");
        char *family = strtok(NULL, "\t"), *name = strtok(NULL, "\r\n");
        if (!label || !group || !family || !name) continue;
        if (n == cap) {
            item *nv = realloc(v, 2 * cap * sizeof *v);
            if (!nv) break;
            v = nv;
            cap *= 2;
        }
        v[n].len = strlen(name);
        v[n].name = malloc(v[n].len + 1);
        if (!v[n].name) break;
        memcpy(v[n].name, name, v[n].len + 1);
        v[n].is_dga = !strcmp(label, "dga");
        v[n].group = !strcmp(group, "seen") ? 1 : !strcmp(group, "unseen") ? 2 : 0;
        n++;
    }
    fclose(f);
    *out = v;
    *n_out = n;
    return v ? 0 : -1;
}

static int cmp_desc(const void *a, const void *b) {
    float x = *(const float *)a, y = *(const float *)b;
    return (x < y) - (x > y);
}

/* One pass of `body` over all names, timed; keeps the fastest of the rounds so
 * that other processes on a shared machine distort the comparison less. */
#define TIMED_PASS(best, n, body)                                  \
    do {                                                           \
        double t0_ = now_s();                                      \
        body;                                                      \
        double ns_ = (now_s() - t0_) * 1e9 / (double)(n);          \
        if (ns_ < (best)) (best) = ns_;                            \
    } while (0)

/* Detection rates of one model's scores: at its stored threshold and, with nDPI,
 * at the threshold that flags no more benign names than nDPI does. */
static int report(const char *tag, const item *v, size_t n, const float *scores, double thr,
                  const size_t *hit_n_benign) {
    size_t cnt[3] = {0, 0, 0}, hit[3] = {0, 0, 0}, invalid = 0;
    for (size_t i = 0; i < n; i++) {
        cnt[v[i].group]++;
        hit[v[i].group] += scores[i] >= thr; /* NaN (malformed name) counts as benign */
        invalid += isnan(scores[i]);
    }
    printf("%s_malformed_names %zu count\n", tag, invalid);
    static const char *const gname[3] = {"benign_fpr", "seen_tpr", "unseen_tpr"};
    for (int g = 0; g < 3; g++)
        if (cnt[g])
            printf("%s_%s %.4f fraction (%zu/%zu)\n", tag, gname[g],
                   (double)hit[g] / (double)cnt[g], hit[g], cnt[g]);
    if (hit_n_benign && cnt[0] && *hit_n_benign) {
        float *bs = malloc(cnt[0] * sizeof *bs);
        if (!bs) return -1;
        size_t nb = 0;
        for (size_t i = 0; i < n; i++)
            if (v[i].group == 0 && !isnan(scores[i])) bs[nb++] = scores[i];
        qsort(bs, nb, sizeof *bs, cmp_desc);
        /* names scoring above t: at most as many as nDPI flags */
        float t = *hit_n_benign < nb ? bs[*hit_n_benign] : -1.0f;
        size_t h[3] = {0, 0, 0};
        for (size_t i = 0; i < n; i++) h[v[i].group] += scores[i] > t;
        for (int g = 0; g < 3; g++)
            if (cnt[g])
                printf("%s_at_ndpi_fpr_%s %.4f fraction\n", tag, gname[g],
                       (double)h[g] / (double)cnt[g]);
        free(bs);
    }
    return 0;
}

int main(int argc, char **argv) {
    if (argc < 2) {
        fprintf(stderr, "usage: bench_dga TEST.tsv [rounds [CNN.c2dm]]\n");
        return 2;
    }
    int rounds = argc > 2 ? atoi(argv[2]) : 7;
    if (rounds < 1) rounds = 1;
    item *v = NULL;
    size_t n = 0;
    if (load(argv[1], &v, &n) != 0 || n == 0) {
        fprintf(stderr, "bench_dga: cannot read %s\n", argv[1]);
        return 1;
    }
    c2d_model *m = NULL, *cnn = NULL;
    if (c2d_model_builtin("dga-fanci", NULL, &m) != C2D_OK) return 1;
    if (argc > 3 ? c2d_model_load_file(argv[3], NULL, &cnn) != C2D_OK ||
                       c2d_dga_model_check(cnn) != C2D_OK
                 : c2d_model_builtin("dga-cnn", NULL, &cnn) != C2D_OK) {
        fprintf(stderr, "bench_dga: cannot load the CNN model\n");
        return 1;
    }
    const char *dflt = NULL;
    c2d_model *d = NULL;
    if (c2d_model_builtin("dga", NULL, &d) == C2D_OK) c2d_model_meta_text(d, "name", &dflt);
    double thr = NAN, thr_cnn = NAN;
    c2d_model_meta_number(m, "threshold", &thr);
    c2d_model_meta_number(cnn, "threshold", &thr_cnn);
    c2d_model_summary info = {.size = sizeof info};
    c2d_model_info(m, &info);
    c2d_cnn_shape_info shape = {.size = sizeof shape};
    c2d_cnn_shape(cnn, &shape);
    printf("names %zu count\nforest_trees %u count\nforest_nodes %llu count\nthreshold %.6f score\n",
           n, info.n_trees, (unsigned long long)info.n_nodes, thr);
    printf("cnn_macs %llu count\ncnn_scratch %zu bytes\ncnn_threshold %.6f score\n",
           (unsigned long long)shape.macs, shape.scratch_bytes, thr_cnn);
    printf("default_dga_model %s name\n", dflt ? dflt : "?");
    c2d_model_free(d);
    c2d_dga_ensemble *ens = NULL;
    c2d_dga_ensemble_summary ens_info = {.size = sizeof ens_info};
    if (c2d_dga_ensemble_builtin(NULL, &ens) != C2D_OK ||
        c2d_dga_ensemble_info(ens, &ens_info) != C2D_OK) {
        fprintf(stderr, "bench_dga: cannot build the built-in ensemble\n");
        return 1;
    }
    printf("ensemble_threshold %.6f score\nensemble_gate %.6f score\n", ens_info.threshold,
           ens_info.gate);
    size_t n_benign = 0;
    for (size_t i = 0; i < n; i++) n_benign += v[i].group == 0;
    size_t *benign_idx = malloc((n_benign ? n_benign : 1) * sizeof *benign_idx);
    float *scores_ens = malloc(n * sizeof *scores_ens), *verdict_ens = malloc(n * sizeof *verdict_ens);
    if (!benign_idx || !scores_ens || !verdict_ens) return 1;
    for (size_t i = 0, k = 0; i < n; i++)
        if (v[i].group == 0) benign_idx[k++] = i;

    float *scores = malloc(n * sizeof *scores), *scores_cnn = malloc(n * sizeof *scores_cnn);
    const char **names = malloc(n * sizeof *names);
    size_t *lens = malloc(n * sizeof *lens);
    if (!scores || !scores_cnn || !names || !lens) return 1;
    for (size_t i = 0; i < n; i++) {
        names[i] = v[i].name;
        lens[i] = v[i].len;
    }
#ifdef C2D_BENCH_HAVE_NDPI
    NDPI_PROTOCOL_BITMASK all;
    struct ndpi_detection_module_struct *nd = ndpi_init_detection_module(ndpi_no_prefs);
    if (!nd) return 1;
    NDPI_BITMASK_SET_ALL(all);
    ndpi_set_protocol_detection_bitmask2(nd, &all);
    ndpi_finalize_initialization(nd);
    int *nres = malloc(n * sizeof *nres);
    if (!nres) return 1;
#endif
    double ns_feat = INFINITY, ns_feat2 = INFINITY, ns_feat3 = INFINITY, ns_single = INFINITY, ns_batch = INFINITY,
           ns_tok = INFINITY, ns_cnn_single = INFINITY, ns_cnn_batch = INFINITY,
           ns_ndpi = INFINITY, ns_ens_batch = INFINITY, ns_ens_classify = INFINITY,
           ns_ens_classify_benign = INFINITY, ns_ndpi_benign = INFINITY;
    float feat[C2D_DGA_V3_N_FEATURES];
    uint16_t tok[C2D_DGA_CHARS_SEQ_LEN];
    enum { CHUNK = 256 };
    /* Rounds interleave the tools: each round runs every method once over all names. */
    for (int round = 0; round < rounds; round++) {
        TIMED_PASS(ns_feat, n, for (size_t i = 0; i < n; i++) {
            c2d_dga_features(v[i].name, v[i].len, feat, C2D_DGA_N_FEATURES);
            sink_f = feat[C2D_DGA_F_ENTROPY];
        });
        TIMED_PASS(ns_feat2, n, for (size_t i = 0; i < n; i++) {
            c2d_dga_features_v2(v[i].name, v[i].len, feat, C2D_DGA_V2_N_FEATURES);
            sink_f = feat[C2D_DGA_F_COMMON_TRIGRAM_COVERAGE];
        });
        TIMED_PASS(ns_feat3, n, for (size_t i = 0; i < n; i++) {
            c2d_dga_features_v3(v[i].name, v[i].len, feat, C2D_DGA_V3_N_FEATURES);
            sink_f = feat[C2D_DGA_F_VOCAB_COVERAGE];
        });
        TIMED_PASS(ns_single, n, for (size_t i = 0; i < n; i++) {
            float s = 0;
            c2d_dga_score(m, v[i].name, v[i].len, &s);
            sink_f = s;
        });
        TIMED_PASS(ns_batch, n, for (size_t i = 0; i < n; i += CHUNK) {
            size_t k = n - i < CHUNK ? n - i : CHUNK;
            c2d_dga_score_batch(m, names + i, lens + i, k, scores + i, NULL);
        });
        TIMED_PASS(ns_tok, n, for (size_t i = 0; i < n; i++) {
            c2d_dga_tokenize(v[i].name, v[i].len, tok, C2D_DGA_CHARS_SEQ_LEN);
            sink_i = tok[C2D_DGA_CHARS_SEQ_LEN - 1];
        });
        TIMED_PASS(ns_cnn_single, n, for (size_t i = 0; i < n; i++) {
            float s = 0;
            c2d_dga_score(cnn, v[i].name, v[i].len, &s);
            sink_f = s;
        });
        TIMED_PASS(ns_cnn_batch, n, for (size_t i = 0; i < n; i += CHUNK) {
            size_t k = n - i < CHUNK ? n - i : CHUNK;
            c2d_dga_score_batch(cnn, names + i, lens + i, k, scores_cnn + i, NULL);
        });
        TIMED_PASS(ns_ens_batch, n, for (size_t i = 0; i < n; i += CHUNK) {
            size_t k = n - i < CHUNK ? n - i : CHUNK;
            c2d_dga_ensemble_score_batch(ens, names + i, lens + i, k, scores_ens + i, NULL);
        });
        TIMED_PASS(ns_ens_classify, n, for (size_t i = 0; i < n; i++) {
            float s = 0;
            int is_dga = 0;
            if (c2d_dga_ensemble_classify(ens, NULL, v[i].name, v[i].len, NAN, &s, &is_dga) !=
                C2D_OK)
                s = NAN;
            verdict_ens[i] = isnan(s) ? NAN : (float)is_dga;
        });
        TIMED_PASS(ns_ens_classify_benign, n_benign, for (size_t j = 0; j < n_benign; j++) {
            const item *it = &v[benign_idx[j]];
            float s = 0;
            int is_dga = 0;
            c2d_dga_ensemble_classify(ens, NULL, it->name, it->len, NAN, &s, &is_dga);
            sink_i = is_dga;
        });
#ifdef C2D_BENCH_HAVE_NDPI
        TIMED_PASS(ns_ndpi, n, for (size_t i = 0; i < n; i++) {
            nres[i] = ndpi_check_dga_name(nd, NULL, v[i].name, 1);
        });
        TIMED_PASS(ns_ndpi_benign, n_benign, for (size_t j = 0; j < n_benign; j++) {
            sink_i = ndpi_check_dga_name(nd, NULL, v[benign_idx[j]].name, 1);
        });
#endif
    }
    printf("c2d_features %.1f ns/name\n", ns_feat);
    printf("c2d_features_v2 %.1f ns/name\n", ns_feat2);
    printf("c2d_features_v3 %.1f ns/name\n", ns_feat3);
    printf("c2d_score_single %.1f ns/name\n", ns_single);
    printf("c2d_score_batch %.1f ns/name\n", ns_batch);
    printf("c2d_cnn_tokenize %.1f ns/name\n", ns_tok);
    printf("c2d_cnn_score_single %.1f ns/name\n", ns_cnn_single);
    printf("c2d_cnn_score_batch %.1f ns/name\n", ns_cnn_batch);
    printf("ratio_cnn_vs_forest_single %.3f x\n", ns_cnn_single / ns_single);
    printf("ratio_cnn_vs_forest_batch %.3f x\n", ns_cnn_batch / ns_batch);
    printf("c2d_ensemble_score_batch %.1f ns/name\n", ns_ens_batch);
    printf("c2d_ensemble_classify %.1f ns/name\n", ns_ens_classify);
    printf("c2d_ensemble_classify_benign_only %.1f ns/name (%zu names)\n", ns_ens_classify_benign,
           n_benign);
    const size_t *hit_n_benign = NULL;
#ifdef C2D_BENCH_HAVE_NDPI
    printf("ndpi_check_dga_name %.1f ns/name\n", ns_ndpi);
    printf("ratio_features_vs_ndpi %.3f x\n", ns_feat / ns_ndpi);
    printf("ratio_features_v2_vs_ndpi %.3f x\n", ns_feat2 / ns_ndpi);
    printf("ratio_features_v3_vs_ndpi %.3f x\n", ns_feat3 / ns_ndpi);
    printf("ratio_score_single_vs_ndpi %.3f x\n", ns_single / ns_ndpi);
    printf("ratio_score_batch_vs_ndpi %.3f x\n", ns_batch / ns_ndpi);
    printf("ratio_cnn_score_single_vs_ndpi %.3f x\n", ns_cnn_single / ns_ndpi);
    printf("ratio_cnn_score_batch_vs_ndpi %.3f x\n", ns_cnn_batch / ns_ndpi);
    printf("ndpi_check_dga_name_benign_only %.1f ns/name\n", ns_ndpi_benign);
    printf("ratio_ensemble_classify_vs_ndpi %.3f x\n", ns_ens_classify / ns_ndpi);
    printf("ratio_ensemble_classify_benign_only_vs_ndpi %.3f x\n",
           ns_ens_classify_benign / ns_ndpi_benign);
    printf("ratio_ensemble_score_batch_vs_ndpi %.3f x\n", ns_ens_batch / ns_ndpi);
    size_t cnt_n[3] = {0, 0, 0}, hit_n[3] = {0, 0, 0};
    for (size_t i = 0; i < n; i++) {
        cnt_n[v[i].group]++;
        hit_n[v[i].group] += nres[i] != 0;
    }
    static const char *const gname[3] = {"benign_fpr", "seen_tpr", "unseen_tpr"};
    for (int g = 0; g < 3; g++)
        if (cnt_n[g])
            printf("ndpi_%s %.4f fraction (%zu/%zu)\n", gname[g],
                   (double)hit_n[g] / (double)cnt_n[g], hit_n[g], cnt_n[g]);
    hit_n_benign = &hit_n[0];
#endif
    /* "c2d" is the forest (the names of earlier runs), "c2d_cnn" the CNN. */
    if (report("c2d", v, n, scores, thr, hit_n_benign) != 0) return 1;
    if (report("c2d_cnn", v, n, scores_cnn, thr_cnn, hit_n_benign) != 0) return 1;
    /* The ensemble: full scores (at its threshold; at nDPI's FPR), then the gated
     * classify verdicts (1/0), which differ only where the gate cleared a name. */
    if (report("c2d_ensemble", v, n, scores_ens, ens_info.threshold, hit_n_benign) != 0) return 1;
    if (report("c2d_ensemble_classify", v, n, verdict_ens, 0.5, NULL) != 0) return 1;
#ifdef C2D_BENCH_HAVE_NDPI
    free(nres);
    ndpi_exit_detection_module(nd);
#endif
    free(scores);
    free(scores_cnn);
    free(scores_ens);
    free(verdict_ens);
    free(benign_idx);
    c2d_dga_ensemble_free(ens);
    free(names);
    free(lens);
    for (size_t i = 0; i < n; i++) free(v[i].name);
    free(v);
    c2d_model_free(m);
    c2d_model_free(cnn);
    return 0;
}
