/* DGA scoring: features + the model's forest, or character tokens + the
 * model's CNN; the decision threshold and the allow-list of registrable domains
 * that always score 0. */
#include <math.h>
#include <string.h>

#include "dga/dga_internal.h"
#include "c2detect/cnn.h"
#include "model/model_internal.h"

/* CNN scratch on the stack: a small buffer when the model's scratch fits (the
 * built-in with the engine's embedding folding needs under 1 KiB), else the
 * documented bound C2D_DGA_CNN_SCRATCH_MAX (e.g. with folding turned off). */
#define CNN_SCRATCH_SMALL 4096

#if defined(__GNUC__) || defined(__clang__)
#define DGA_NOINLINE __attribute__((noinline))
#else
#define DGA_NOINLINE
#endif

/* The row width of a forest's schema. */
static size_t row_width(enum c2d__dga_input in) {
    return in == DGA_FANCI_V1 ? C2D_DGA_N_FEATURES
           : in == DGA_FANCI_V2 ? C2D_DGA_V2_N_FEATURES
                                : C2D_DGA_V3_N_FEATURES;
}

/* Accepts dga-fanci-v1, -v2 and -v3 forests and dga-chars-v1 binary CNNs
 * whose scratch fits C2D_DGA_CNN_SCRATCH_MAX; *input (may be NULL) gets which,
 * *scratch (may be NULL) a CNN's scratch bytes (0 for a forest). */
c2d_status c2d__dga_check_model(const c2d_model *m, enum c2d__dga_input *input,
                                size_t *scratch) {
    size_t need = 0;
    if (!m) return C2D_ERR_INVALID_ARG;
    enum c2d__dga_input in;
    if (m->schema && strcmp(m->schema, C2D_DGA_SCHEMA_V1) == 0)
        in = DGA_FANCI_V1;
    else if (m->schema && strcmp(m->schema, C2D_DGA_SCHEMA_V2) == 0)
        in = DGA_FANCI_V2;
    else if (m->schema && strcmp(m->schema, C2D_DGA_SCHEMA_V3) == 0)
        in = DGA_FANCI_V3;
    else if (m->schema && strcmp(m->schema, C2D_DGA_SCHEMA_CHARS) == 0)
        in = DGA_CHARS;
    else
        return C2D_ERR_SCHEMA_MISMATCH;
    if (in == DGA_CHARS) {
        if (m->kind != C2D_MODEL_CNN) return C2D_ERR_KIND_MISMATCH;
        c2d_cnn_shape_info sh;
        sh.size = sizeof sh;
        c2d_status st = c2d_cnn_shape(m, &sh);
        if (st != C2D_OK) return st;
        if (sh.seq_len != C2D_DGA_CHARS_SEQ_LEN || sh.vocab < C2D_DGA_CHARS_VOCAB ||
            sh.n_logits != 1)
            return C2D_ERR_SCHEMA_MISMATCH;
        if (sh.scratch_bytes > C2D_DGA_CNN_SCRATCH_MAX) return C2D_ERR_LIMIT;
        need = sh.scratch_bytes;
    } else {
        const size_t want = row_width(in);
        if (m->kind != C2D_MODEL_FOREST) return C2D_ERR_KIND_MISMATCH;
        if (m->forest.n_features != want || m->forest.n_classes != 2)
            return C2D_ERR_SCHEMA_MISMATCH;
    }
    if (input) *input = in;
    if (scratch) *scratch = need;
    return C2D_OK;
}

c2d_status c2d_dga_model_check(const c2d_model *model) {
    return c2d__dga_check_model(model, NULL, NULL);
}

/* P(DGA), or the logit when `logits`, of n (<= C2D__DGA_CNN_BATCH) token
 * sequences of a checked dga-chars-v1 CNN, with `scratch_n` bytes of stack
 * scratch. Each size lives only in its own frame, so the forest paths and
 * small-scratch models do not pay for the bound. */
static c2d_status cnn_run_with(const c2d_model *m, const uint16_t *tokens, size_t n, int logits,
                               float *out, void *scratch, size_t scratch_n) {
    if (logits)
        return c2d_cnn_predict(m, tokens, n, scratch, scratch_n, C2D_CNN_LOGITS, out, n);
    float proba[C2D__DGA_CNN_BATCH * 2];
    c2d_status st =
        c2d_cnn_predict(m, tokens, n, scratch, scratch_n, C2D_CNN_PROBA, proba, n * 2);
    if (st != C2D_OK) return st;
    for (size_t i = 0; i < n; i++) out[i] = proba[2 * i + 1];
    return C2D_OK;
}

static DGA_NOINLINE c2d_status cnn_run_small(const c2d_model *m, const uint16_t *tokens, size_t n,
                                             int logits, float *out) {
    unsigned char scratch[CNN_SCRATCH_SMALL];
    return cnn_run_with(m, tokens, n, logits, out, scratch, sizeof scratch);
}

static DGA_NOINLINE c2d_status cnn_run_large(const c2d_model *m, const uint16_t *tokens, size_t n,
                                             int logits, float *out) {
    unsigned char scratch[C2D_DGA_CNN_SCRATCH_MAX];
    return cnn_run_with(m, tokens, n, logits, out, scratch, sizeof scratch);
}

c2d_status c2d__dga_cnn_run(const c2d_model *m, size_t scratch_need, const uint16_t *tokens,
                            size_t n, int logits, float *out) {
    return scratch_need <= CNN_SCRATCH_SMALL ? cnn_run_small(m, tokens, n, logits, out)
                                             : cnn_run_large(m, tokens, n, logits, out);
}

c2d_status c2d__dga_forest_p(const c2d_model *m, enum c2d__dga_input in, const c2d__dname *d,
                             float *p_dga) {
    float row[C2D_DGA_V3_N_FEATURES], proba[2];
    c2d__dga_row_of(d, row_width(in), row);
    c2d_status st = c2d_forest_predict(m, row, row_width(in), proba, 2);
    if (st != C2D_OK) return st;
    *p_dga = proba[1];
    return C2D_OK;
}

/* Score of a parsed name (forest) or of the raw name (CNN). */
static c2d_status score_one(const c2d_model *m, enum c2d__dga_input in, size_t scratch_need,
                            const char *name, size_t len, const c2d__dname *d, float *score) {
    if (in == DGA_CHARS) {
        uint16_t tok[C2D_DGA_CHARS_SEQ_LEN];
        c2d_status st = d ? c2d__dga_chars_of(d->text, d->len, tok)
                          : c2d__dga_chars_of(name, len, tok);
        if (st != C2D_OK) return st;
        return c2d__dga_cnn_run(m, scratch_need, tok, 1, 0, score);
    }
    return c2d__dga_forest_p(m, in, d, score);
}

c2d_status c2d_dga_score(const c2d_model *model, const char *name, size_t len, float *score) {
    if (!score || (!name && len)) return C2D_ERR_INVALID_ARG;
    enum c2d__dga_input in = DGA_FANCI_V1;
    size_t need = 0;
    c2d_status st = c2d__dga_check_model(model, &in, &need);
    if (st != C2D_OK) return st;
    if (in == DGA_CHARS) return score_one(model, in, need, name, len, NULL, score);
    c2d__dname d;
    st = c2d__dname_parse(name, len, &d);
    if (st != C2D_OK) return st;
    return score_one(model, in, need, name, len, &d, score);
}

DGA_NOINLINE c2d_status c2d__dga_cnn_batch(const c2d_model *m, size_t scratch_need,
                                            const char *const *names, const size_t *lens,
                                            size_t n, int logits, float *scores,
                                            c2d_status *statuses) {
    uint16_t tok[C2D__DGA_CNN_BATCH * C2D_DGA_CHARS_SEQ_LEN];
    float p[C2D__DGA_CNN_BATCH];
    size_t idx[C2D__DGA_CNN_BATCH];
    size_t i = 0;
    while (i < n) {
        size_t k = 0;
        for (; i < n && k < C2D__DGA_CNN_BATCH; i++) {
            c2d_status s = (!names[i] && lens[i])
                               ? C2D_ERR_INVALID_ARG
                               : c2d__dga_chars_of(names[i], lens[i], tok + k * C2D_DGA_CHARS_SEQ_LEN);
            if (statuses) statuses[i] = s;
            if (s != C2D_OK) {
                scores[i] = NAN;
                continue;
            }
            idx[k++] = i;
        }
        if (!k) continue;
        c2d_status st = c2d__dga_cnn_run(m, scratch_need, tok, k, logits, p);
        if (st != C2D_OK) return st;
        for (size_t j = 0; j < k; j++) scores[idx[j]] = p[j];
    }
    return C2D_OK;
}

DGA_NOINLINE c2d_status c2d__dga_forest_batch(const c2d_model *model, enum c2d__dga_input in,
                                            const char *const *names, const size_t *lens,
                                            size_t n, float *scores, c2d_status *statuses) {
    const size_t nf = row_width(in);
    /* Rows packed nf floats apart (41, 47 or 49). */
    float rows[C2D__DGA_BATCH_ROWS * C2D_DGA_V3_N_FEATURES];
    float proba[C2D__DGA_BATCH_ROWS][2];
    size_t idx[C2D__DGA_BATCH_ROWS];
    c2d__dname d;
    size_t i = 0;
    while (i < n) {
        size_t k = 0;
        for (; i < n && k < C2D__DGA_BATCH_ROWS; i++) {
            c2d_status s = (!names[i] && lens[i]) ? C2D_ERR_INVALID_ARG
                                                   : c2d__dname_parse(names[i], lens[i], &d);
            if (statuses) statuses[i] = s;
            if (s != C2D_OK) {
                scores[i] = NAN;
                continue;
            }
            c2d__dga_row_of(&d, nf, rows + k * nf);
            idx[k++] = i;
        }
        if (!k) continue;
        c2d_status st = c2d_forest_predict_batch(model, rows, k, nf, &proba[0][0], 2);
        if (st != C2D_OK) return st;
        for (size_t j = 0; j < k; j++) scores[idx[j]] = proba[j][1];
    }
    return C2D_OK;
}

c2d_status c2d_dga_score_batch(const c2d_model *model, const char *const *names,
                               const size_t *lens, size_t n, float *scores,
                               c2d_status *statuses) {
    if (n && (!names || !lens || !scores)) return C2D_ERR_INVALID_ARG;
    enum c2d__dga_input in = DGA_FANCI_V1;
    size_t need = 0;
    c2d_status st = c2d__dga_check_model(model, &in, &need);
    if (st != C2D_OK) return st;
    if (in == DGA_CHARS) return c2d__dga_cnn_batch(model, need, names, lens, n, 0, scores, statuses);
    return c2d__dga_forest_batch(model, in, names, lens, n, scores, statuses);
}

/* ------------------------------------------------------------ allow-list */
struct c2d_dga_allowlist {
    c2d_allocator alloc;
    char **slots;   /* open addressing; NULL = empty; each a NUL-terminated name */
    size_t cap;     /* power of two */
    size_t count;
};

static uint64_t fnv1a(const char *s, size_t n) {
    uint64_t h = 0xcbf29ce484222325ull;
    for (size_t i = 0; i < n; i++) {
        h ^= (uint8_t)s[i];
        h *= 0x100000001b3ull;
    }
    return h;
}

c2d_status c2d_dga_allowlist_new(const c2d_allocator *alloc, c2d_dga_allowlist **out) {
    if (!out) return C2D_ERR_INVALID_ARG;
    *out = NULL;
    c2d_allocator a;
    c2d_status st = c2d__allocator_init(&a, alloc);
    if (st != C2D_OK) return st;
    c2d_dga_allowlist *al = c2d__calloc(&a, 1, sizeof *al);
    if (!al) return C2D_ERR_NOMEM;
    al->alloc = a;
    *out = al;
    return C2D_OK;
}

void c2d_dga_allowlist_free(c2d_dga_allowlist *al) {
    if (!al) return;
    for (size_t i = 0; i < al->cap; i++)
        if (al->slots[i]) c2d__free(&al->alloc, al->slots[i]);
    if (al->slots) c2d__free(&al->alloc, al->slots);
    c2d_allocator a = al->alloc;
    c2d__free(&a, al);
}

static char **find_slot(char **slots, size_t cap, const char *s, size_t n) {
    size_t mask = cap - 1, i = (size_t)fnv1a(s, n) & mask;
    while (slots[i] && !(strlen(slots[i]) == n && memcmp(slots[i], s, n) == 0))
        i = (i + 1) & mask;
    return &slots[i];
}

static c2d_status grow(c2d_dga_allowlist *al) {
    size_t cap = al->cap ? al->cap * 2 : 16;
    char **slots = c2d__calloc(&al->alloc, cap, sizeof *slots);
    if (!slots) return C2D_ERR_NOMEM;
    for (size_t i = 0; i < al->cap; i++)
        if (al->slots[i]) *find_slot(slots, cap, al->slots[i], strlen(al->slots[i])) = al->slots[i];
    if (al->slots) c2d__free(&al->alloc, al->slots);
    al->slots = slots;
    al->cap = cap;
    return C2D_OK;
}

/* The registrable domain of a parsed name (its whole text when it has none). */
static void registrable(const c2d__dname *d, const char **s, size_t *n) {
    size_t first = d->n_labels - d->n_suffix_labels;
    size_t off = first > 0 ? d->label_off[first - 1] : 0;
    *s = d->text + off;
    *n = d->len - off;
}

c2d_status c2d_dga_allowlist_add(c2d_dga_allowlist *al, const char *name, size_t len) {
    if (!al || (!name && len)) return C2D_ERR_INVALID_ARG;
    c2d__dname d;
    c2d_status st = c2d__dname_parse(name, len, &d);
    if (st != C2D_OK) return st;
    const char *r;
    size_t rn;
    registrable(&d, &r, &rn);
    if (al->cap && *find_slot(al->slots, al->cap, r, rn)) return C2D_OK;
    if ((al->count + 1) * 4 > al->cap * 3) {
        st = grow(al);
        if (st != C2D_OK) return st;
    }
    char *copy = c2d__alloc(&al->alloc, rn + 1);
    if (!copy) return C2D_ERR_NOMEM;
    memcpy(copy, r, rn);
    copy[rn] = '\0';
    *find_slot(al->slots, al->cap, r, rn) = copy;
    al->count++;
    return C2D_OK;
}

int c2d__dga_allow_has(const c2d_dga_allowlist *al, const c2d__dname *d) {
    if (!al || !al->count) return 0;
    const char *r;
    size_t rn;
    registrable(d, &r, &rn);
    return *find_slot(al->slots, al->cap, r, rn) != NULL;
}

c2d_status c2d_dga_allowlist_contains(const c2d_dga_allowlist *al, const char *name, size_t len,
                                      int *found) {
    if (!al || !found || (!name && len)) return C2D_ERR_INVALID_ARG;
    c2d__dname d;
    c2d_status st = c2d__dname_parse(name, len, &d);
    if (st != C2D_OK) return st;
    *found = c2d__dga_allow_has(al, &d);
    return C2D_OK;
}

size_t c2d_dga_allowlist_count(const c2d_dga_allowlist *al) { return al ? al->count : 0; }

c2d_status c2d_dga_classify(const c2d_model *model, const c2d_dga_allowlist *allow,
                            const char *name, size_t len, double threshold, float *score,
                            int *is_dga) {
    if (!score || !is_dga || (!name && len)) return C2D_ERR_INVALID_ARG;
    enum c2d__dga_input in = DGA_FANCI_V1;
    size_t need = 0;
    c2d_status st = c2d__dga_check_model(model, &in, &need);
    if (st != C2D_OK) return st;
    if (isnan(threshold)) threshold = model->threshold;
    if (isnan(threshold)) return C2D_ERR_NOT_FOUND;
    float s;
    if (in == DGA_CHARS && !(allow && allow->count)) {
        /* No allow-list to consult: the CNN needs no public-suffix split. */
        st = score_one(model, in, need, name, len, NULL, &s);
    } else {
        c2d__dname d;
        st = c2d__dname_parse(name, len, &d);
        if (st != C2D_OK) return st;
        if (c2d__dga_allow_has(allow, &d)) {
            *score = 0.0f;
            *is_dga = 0;
            return C2D_OK;
        }
        st = score_one(model, in, need, name, len, &d, &s);
    }
    if (st != C2D_OK) return st;
    *score = s;
    *is_dga = (double)s >= threshold;
    return C2D_OK;
}
