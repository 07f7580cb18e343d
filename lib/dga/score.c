/* DGA scoring: features + the model's forest, the decision threshold and the
 * allow-list of registrable domains that always score 0. */
#include <math.h>
#include <string.h>

#include "dga/dga_internal.h"
#include "model/model_internal.h"

#define BATCH_ROWS 32

static c2d_status check_model(const c2d_model *m) {
    if (!m) return C2D_ERR_INVALID_ARG;
    if (!m->schema || strcmp(m->schema, C2D_DGA_SCHEMA) != 0) return C2D_ERR_SCHEMA_MISMATCH;
    if (m->kind != C2D_MODEL_FOREST) return C2D_ERR_KIND_MISMATCH;
    if (m->forest.n_features != C2D_DGA_N_FEATURES || m->forest.n_classes != 2)
        return C2D_ERR_SCHEMA_MISMATCH;
    return C2D_OK;
}

c2d_status c2d_dga_model_check(const c2d_model *model) { return check_model(model); }

c2d_status c2d_dga_score(const c2d_model *model, const char *name, size_t len, float *score) {
    if (!score || (!name && len)) return C2D_ERR_INVALID_ARG;
    c2d_status st = check_model(model);
    if (st != C2D_OK) return st;
    c2d__dname d;
    st = c2d__dname_parse(name, len, &d);
    if (st != C2D_OK) return st;
    float row[C2D_DGA_N_FEATURES], proba[2];
    c2d__dga_features_of(&d, row);
    st = c2d_forest_predict(model, row, C2D_DGA_N_FEATURES, proba, 2);
    if (st != C2D_OK) return st;
    *score = proba[1];
    return C2D_OK;
}

c2d_status c2d_dga_score_batch(const c2d_model *model, const char *const *names,
                               const size_t *lens, size_t n, float *scores,
                               c2d_status *statuses) {
    if (n && (!names || !lens || !scores)) return C2D_ERR_INVALID_ARG;
    c2d_status st = check_model(model);
    if (st != C2D_OK) return st;
    float rows[BATCH_ROWS][C2D_DGA_N_FEATURES];
    float proba[BATCH_ROWS][2];
    size_t idx[BATCH_ROWS];
    c2d__dname d;
    size_t i = 0;
    while (i < n) {
        size_t k = 0;
        for (; i < n && k < BATCH_ROWS; i++) {
            c2d_status s = (!names[i] && lens[i]) ? C2D_ERR_INVALID_ARG
                                                   : c2d__dname_parse(names[i], lens[i], &d);
            if (statuses) statuses[i] = s;
            if (s != C2D_OK) {
                scores[i] = NAN;
                continue;
            }
            c2d__dga_features_of(&d, rows[k]);
            idx[k++] = i;
        }
        if (!k) continue;
        st = c2d_forest_predict_batch(model, &rows[0][0], k, C2D_DGA_N_FEATURES, &proba[0][0], 2);
        if (st != C2D_OK) return st;
        for (size_t j = 0; j < k; j++) scores[idx[j]] = proba[j][1];
    }
    return C2D_OK;
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

static int allow_has(const c2d_dga_allowlist *al, const c2d__dname *d) {
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
    *found = allow_has(al, &d);
    return C2D_OK;
}

size_t c2d_dga_allowlist_count(const c2d_dga_allowlist *al) { return al ? al->count : 0; }

c2d_status c2d_dga_classify(const c2d_model *model, const c2d_dga_allowlist *allow,
                            const char *name, size_t len, double threshold, float *score,
                            int *is_dga) {
    if (!score || !is_dga || (!name && len)) return C2D_ERR_INVALID_ARG;
    c2d_status st = check_model(model);
    if (st != C2D_OK) return st;
    if (isnan(threshold)) threshold = model->threshold;
    if (isnan(threshold)) return C2D_ERR_NOT_FOUND;
    c2d__dname d;
    st = c2d__dname_parse(name, len, &d);
    if (st != C2D_OK) return st;
    if (allow_has(allow, &d)) {
        *score = 0.0f;
        *is_dga = 0;
        return C2D_OK;
    }
    float row[C2D_DGA_N_FEATURES], proba[2];
    c2d__dga_features_of(&d, row);
    st = c2d_forest_predict(model, row, C2D_DGA_N_FEATURES, proba, 2);
    if (st != C2D_OK) return st;
    *score = proba[1];
    *is_dga = (double)proba[1] >= threshold;
    return C2D_OK;
}
