/* The DGA ensemble: a FANCI forest and a character CNN averaged in logit
 * space, with the pair's tuned threshold and forest gate read from the CNN's
 * metadata (include/c2detect/dga.h, docs/dga.md "Ensemble"). */
#include <math.h>
#include <string.h>

#include "common/internal.h"
#include "dga/dga_internal.h"
#include "model/model_internal.h"

struct c2d_dga_ensemble {
    c2d_allocator alloc;
    const c2d_model *forest, *cnn;
    c2d_model *owned_forest, *owned_cnn; /* c2d_dga_ensemble_builtin */
    enum c2d__dga_input forest_input;
    size_t cnn_scratch;
    int tuned;
    double threshold, threshold_fpr, gate;
};

/* sigmoid((logit(clamp(p)) + z) / 2) */
static float combine(float p_forest, float z_cnn) {
    double p = p_forest;
    if (!(p >= C2D_DGA_ENSEMBLE_P_MIN)) p = C2D_DGA_ENSEMBLE_P_MIN;
    if (p > 1.0 - C2D_DGA_ENSEMBLE_P_MIN) p = 1.0 - C2D_DGA_ENSEMBLE_P_MIN;
    const double mean = (log(p / (1.0 - p)) + (double)z_cnn) / 2.0;
    return (float)(1.0 / (1.0 + exp(-mean)));
}

/* Optional number in [0, 1]: C2D_OK with *v, C2D_ERR_NOT_FOUND, or
 * C2D_ERR_MALFORMED (text, NaN or out of range). */
static c2d_status unit_meta(const c2d_model *m, const char *key, double *v) {
    c2d_status st = c2d_model_meta_number(m, key, v);
    if (st == C2D_ERR_NOT_FOUND) return st;
    if (st != C2D_OK || !(*v >= 0.0 && *v <= 1.0)) return C2D_ERR_MALFORMED;
    return C2D_OK;
}

/* Reads the tuned values when the CNN names this forest. */
static c2d_status read_tuning(c2d_dga_ensemble *e) {
    double crc;
    c2d_status st = c2d_model_meta_number(e->cnn, "ensemble.forest_crc32c", &crc);
    if (st == C2D_ERR_NOT_FOUND) return C2D_OK;
    if (st != C2D_OK || !(crc >= 0.0 && crc <= 4294967295.0) || crc != floor(crc))
        return C2D_ERR_MALFORMED;
    if ((uint32_t)crc != c2d__crc32c(0, e->forest->bytes, e->forest->len)) return C2D_OK;
    double thr, fpr = NAN, gate = 0.0;
    st = unit_meta(e->cnn, "ensemble.threshold", &thr);
    if (st != C2D_OK) return C2D_ERR_MALFORMED; /* a tuned pair without a threshold */
    st = unit_meta(e->cnn, "ensemble.threshold_fpr", &fpr);
    if (st == C2D_ERR_NOT_FOUND)
        fpr = NAN;
    else if (st != C2D_OK)
        return st;
    st = unit_meta(e->cnn, "ensemble.gate", &gate);
    if (st == C2D_ERR_NOT_FOUND)
        gate = 0.0;
    else if (st != C2D_OK)
        return st;
    e->tuned = 1;
    e->threshold = thr;
    e->threshold_fpr = fpr;
    e->gate = gate;
    return C2D_OK;
}

c2d_status c2d_dga_ensemble_new(const c2d_model *forest, const c2d_model *cnn,
                                const c2d_allocator *alloc, c2d_dga_ensemble **out) {
    if (!out) return C2D_ERR_INVALID_ARG;
    *out = NULL;
    if (!forest || !cnn) return C2D_ERR_INVALID_ARG;
    enum c2d__dga_input fin, cin;
    size_t scratch = 0;
    c2d_status st = c2d__dga_check_model(forest, &fin, NULL);
    if (st != C2D_OK) return st;
    if (fin == DGA_CHARS) return C2D_ERR_KIND_MISMATCH;
    st = c2d__dga_check_model(cnn, &cin, &scratch);
    if (st != C2D_OK) return st;
    if (cin != DGA_CHARS) return C2D_ERR_KIND_MISMATCH;
    c2d_allocator a;
    st = c2d__allocator_init(&a, alloc);
    if (st != C2D_OK) return st;
    c2d_dga_ensemble *e = c2d__calloc(&a, 1, sizeof *e);
    if (!e) return C2D_ERR_NOMEM;
    e->alloc = a;
    e->forest = forest;
    e->cnn = cnn;
    e->forest_input = fin;
    e->cnn_scratch = scratch;
    e->threshold = NAN;
    e->threshold_fpr = NAN;
    st = read_tuning(e);
    if (st != C2D_OK) {
        c2d__free(&a, e);
        return st;
    }
    *out = e;
    return C2D_OK;
}

c2d_status c2d_dga_ensemble_builtin(const c2d_allocator *alloc, c2d_dga_ensemble **out) {
    if (!out) return C2D_ERR_INVALID_ARG;
    *out = NULL;
    c2d_model *forest = NULL, *cnn = NULL;
    c2d_status st = c2d_model_builtin("dga-fanci", alloc, &forest);
    if (st == C2D_OK) st = c2d_model_builtin("dga-cnn", alloc, &cnn);
    if (st == C2D_OK) st = c2d_dga_ensemble_new(forest, cnn, alloc, out);
    if (st != C2D_OK) {
        c2d_model_free(forest);
        c2d_model_free(cnn);
        return st;
    }
    (*out)->owned_forest = forest;
    (*out)->owned_cnn = cnn;
    return C2D_OK;
}

void c2d_dga_ensemble_free(c2d_dga_ensemble *e) {
    if (!e) return;
    c2d_model_free(e->owned_forest);
    c2d_model_free(e->owned_cnn);
    c2d_allocator a = e->alloc;
    c2d__free(&a, e);
}

c2d_status c2d_dga_ensemble_info(const c2d_dga_ensemble *e, c2d_dga_ensemble_summary *info) {
    if (!e || !info || info->size < offsetof(c2d_dga_ensemble_summary, threshold))
        return C2D_ERR_INVALID_ARG;
    c2d_dga_ensemble_summary s;
    memset(&s, 0, sizeof s);
    s.size = info->size < sizeof s ? info->size : sizeof s;
    s.tuned = e->tuned;
    s.threshold = e->threshold;
    s.threshold_fpr = e->threshold_fpr;
    s.gate = e->gate;
    s.forest = e->forest;
    s.cnn = e->cnn;
    memcpy(info, &s, s.size);
    return C2D_OK;
}

/* The CNN's logit of a parsed name. */
static c2d_status cnn_logit(const c2d_dga_ensemble *e, const c2d__dname *d, float *z) {
    uint16_t tok[C2D_DGA_CHARS_SEQ_LEN];
    c2d_status st = c2d__dga_chars_of(d->text, d->len, tok);
    if (st != C2D_OK) return st;
    return c2d__dga_cnn_run(e->cnn, e->cnn_scratch, tok, 1, 1, z);
}

c2d_status c2d_dga_ensemble_score(const c2d_dga_ensemble *e, const char *name, size_t len,
                                  float *score) {
    if (!e || !score || (!name && len)) return C2D_ERR_INVALID_ARG;
    c2d__dname d;
    c2d_status st = c2d__dname_parse(name, len, &d);
    if (st != C2D_OK) return st;
    float p, z;
    st = c2d__dga_forest_p(e->forest, e->forest_input, &d, &p);
    if (st == C2D_OK) st = cnn_logit(e, &d, &z);
    if (st != C2D_OK) return st;
    *score = combine(p, z);
    return C2D_OK;
}

c2d_status c2d_dga_ensemble_score_batch(const c2d_dga_ensemble *e, const char *const *names,
                                        const size_t *lens, size_t n, float *scores,
                                        c2d_status *statuses) {
    if (!e || (n && (!names || !lens || !scores))) return C2D_ERR_INVALID_ARG;
    float p[C2D__DGA_BATCH_ROWS], z[C2D__DGA_BATCH_ROWS];
    c2d_status sf[C2D__DGA_BATCH_ROWS], sc[C2D__DGA_BATCH_ROWS];
    for (size_t i = 0; i < n; i += C2D__DGA_BATCH_ROWS) {
        const size_t k = n - i < C2D__DGA_BATCH_ROWS ? n - i : C2D__DGA_BATCH_ROWS;
        c2d_status st =
            c2d__dga_forest_batch(e->forest, e->forest_input, names + i, lens + i, k, p, sf);
        if (st == C2D_OK)
            st = c2d__dga_cnn_batch(e->cnn, e->cnn_scratch, names + i, lens + i, k, 1, z, sc);
        if (st != C2D_OK) return st;
        for (size_t j = 0; j < k; j++) {
            /* Both models validate names the same way; keep the first failure. */
            const c2d_status s = sf[j] != C2D_OK ? sf[j] : sc[j];
            scores[i + j] = s == C2D_OK ? combine(p[j], z[j]) : NAN;
            if (statuses) statuses[i + j] = s;
        }
    }
    return C2D_OK;
}

c2d_status c2d_dga_ensemble_classify(const c2d_dga_ensemble *e, const c2d_dga_allowlist *allow,
                                     const char *name, size_t len, double threshold,
                                     float *score, int *is_dga) {
    if (!e || !score || !is_dga || (!name && len)) return C2D_ERR_INVALID_ARG;
    if (isnan(threshold)) threshold = e->threshold;
    if (isnan(threshold)) return C2D_ERR_NOT_FOUND;
    c2d__dname d;
    c2d_status st = c2d__dname_parse(name, len, &d);
    if (st != C2D_OK) return st;
    if (c2d__dga_allow_has(allow, &d)) {
        *score = 0.0f;
        *is_dga = 0;
        return C2D_OK;
    }
    float p, z;
    st = c2d__dga_forest_p(e->forest, e->forest_input, &d, &p);
    if (st != C2D_OK) return st;
    if (e->tuned && threshold >= e->threshold && (double)p < e->gate) {
        *score = 0.0f;
        *is_dga = 0;
        return C2D_OK;
    }
    st = cnn_logit(e, &d, &z);
    if (st != C2D_OK) return st;
    const float s = combine(p, z);
    *score = s;
    *is_dga = (double)s >= threshold;
    return C2D_OK;
}
