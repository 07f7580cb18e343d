/* Random-forest engine: validates the FOREST_* sections, builds a runtime node
 * array where leaves loop to themselves (plus an 8-byte compact copy when the
 * trees allow it), and walks rows through the trees, eight trees at a time with
 * register cursors so their independent node loads overlap. */
#include <math.h>

#include "model_internal.h"

enum { NODE_BYTES = 12, LEAF_FEATURE = 0xFFFF, MAX_TREES = 100000,
       MAX_NODES_TOTAL = 1 << 26, MAX_TREE_NODES = 1 << 24, MAX_DEPTH = 1000,
       MAX_CLASSES = 128 };

void c2d__forest_release(c2d_model *m) {
    c2d__forest *f = &m->forest;
    c2d__free(&m->alloc, f->nodes);
    c2d__free(&m->alloc, f->compact);
    c2d__free(&m->alloc, f->tree_root);
    c2d__free(&m->alloc, f->tree_depth);
    c2d__free(&m->alloc, f->leaf_values);
    memset(f, 0, sizeof *f);
}

static bool host_is_little_endian(void) {
    const uint16_t one = 1;
    uint8_t b;
    memcpy(&b, &one, 1);
    return b == 1;
}

/* Validate one tree (nodes [first, first+count)) and convert it. `leaf_base`
 * is the tree's first absolute leaf index; on return *leaves_used is its leaf
 * count and *depth its deepest leaf. `seen` and `depth_of` are scratch of
 * count entries. */
static c2d_status convert_tree(c2d__forest *f, const uint8_t *file_nodes, uint32_t first,
                               uint32_t count, uint32_t leaf_base, uint8_t *seen,
                               uint16_t *depth_of, uint32_t *leaves_used, uint16_t *depth) {
    memset(seen, 0, count);
    depth_of[0] = 0;
    uint32_t leaves = 0;
    uint16_t deepest = 0;
    for (uint32_t i = 0; i < count; i++) {
        if (i > 0 && !seen[i]) return C2D_ERR_MALFORMED; /* unreachable node */
        const uint8_t *n = file_nodes + (size_t)(first + i) * NODE_BYTES;
        const uint16_t feature = c2d__ld_u16le(n);
        const uint16_t flags = c2d__ld_u16le(n + 2);
        const float thr = c2d__ld_f32le(n + 4);
        const uint32_t child = c2d__ld_u32le(n + 8);
        c2d__fnode *out = &f->nodes[first + i];
        if (flags) return C2D_ERR_MALFORMED;
        if (feature == LEAF_FEATURE) {
            if (child != leaves || c2d__ld_u32le(n + 4) != 0) return C2D_ERR_MALFORMED;
            if ((uint64_t)leaf_base + leaves >= f->n_leaves) return C2D_ERR_MALFORMED;
            out->threshold = NAN;
            out->feature = 0;
            out->child = first + i - 1u; /* wraps for node 0; child + 1 is self */
            out->leaf = leaf_base + leaves;
            leaves++;
            if (depth_of[i] > deepest) deepest = depth_of[i];
            continue;
        }
        if (feature >= f->n_features || !isfinite(thr)) return C2D_ERR_MALFORMED;
        if (child <= i || child >= count - 1u || count < 2) return C2D_ERR_MALFORMED;
        if (seen[child] || seen[child + 1]) return C2D_ERR_MALFORMED; /* two parents */
        if (depth_of[i] >= MAX_DEPTH) return C2D_ERR_LIMIT;
        seen[child] = seen[child + 1] = 1;
        depth_of[child] = depth_of[child + 1] = (uint16_t)(depth_of[i] + 1);
        out->threshold = thr;
        out->feature = feature;
        out->child = first + child;
        out->leaf = 0;
    }
    *leaves_used = leaves;
    *depth = deepest;
    return C2D_OK;
}

/* The compact copy of the nodes, when every left child is at most INT16_MAX
 * nodes after its parent (true of the trees the exporter writes up to tens of
 * thousands of nodes); otherwise f->compact stays NULL and the walk uses nodes. */
static c2d_status build_compact(c2d_model *m) {
    c2d__forest *f = &m->forest;
    if (f->n_leaves > C2D__COMPACT_LEAF_MASK + 1u) return C2D_OK;
    for (uint32_t i = 0; i < f->n_nodes; i++) {
        const c2d__fnode *n = &f->nodes[i];
        if (!isnan(n->threshold) && n->child - i > (uint32_t)INT16_MAX) return C2D_OK;
    }
    f->compact = c2d__calloc(&m->alloc, f->n_nodes, sizeof *f->compact);
    if (!f->compact) return C2D_ERR_NOMEM;
    for (uint32_t i = 0; i < f->n_nodes; i++) {
        const c2d__fnode *n = &f->nodes[i];
        c2d__fnode_compact *c = &f->compact[i];
        if (isnan(n->threshold)) {
            /* A quiet NaN whose payload is the leaf index: every comparison
             * with it is false whatever the payload. */
            uint32_t bits = C2D__COMPACT_LEAF_NAN | n->leaf;
            memcpy(&c->threshold, &bits, sizeof bits);
        } else {
            c->threshold = n->threshold;
        }
        c->feature = (uint16_t)n->feature;
        c->delta = isnan(n->threshold) ? (int16_t)-1 : (int16_t)(n->child - i);
    }
    return C2D_OK;
}

c2d_status c2d__forest_init(c2d_model *m) {
    c2d__forest *f = &m->forest;
    const c2d__section *hs = &m->sec[C2D__SEC_FOREST_HEADER], *ts = &m->sec[C2D__SEC_FOREST_TREES],
                       *ns = &m->sec[C2D__SEC_FOREST_NODES], *ls = &m->sec[C2D__SEC_FOREST_LEAVES];
    if (!hs->present || !ts->present || !ns->present || !ls->present) return C2D_ERR_MALFORMED;
    if (hs->len != 32) return C2D_ERR_MALFORMED;
    f->n_features = c2d__ld_u32le(hs->p);
    f->n_classes = c2d__ld_u32le(hs->p + 4);
    f->n_trees = c2d__ld_u32le(hs->p + 8);
    f->n_outputs = c2d__ld_u32le(hs->p + 12);
    f->n_nodes = c2d__ld_u32le(hs->p + 16);
    f->n_leaves = c2d__ld_u32le(hs->p + 20);
    if (c2d__ld_u64le(hs->p + 24) != 0) return C2D_ERR_MALFORMED;
    if (f->n_features == 0 || f->n_classes < 2 || f->n_trees == 0 || f->n_nodes == 0 ||
        f->n_leaves == 0)
        return C2D_ERR_MALFORMED;
    if (f->n_features > 65535 || f->n_classes > MAX_CLASSES || f->n_trees > MAX_TREES ||
        f->n_nodes > MAX_NODES_TOTAL)
        return C2D_ERR_LIMIT;
    if (f->n_outputs != (f->n_classes == 2 ? 1u : f->n_classes)) return C2D_ERR_MALFORMED;
    if (f->n_leaves > f->n_nodes) return C2D_ERR_MALFORMED;
    if (ts->len != (size_t)f->n_trees * 8) return C2D_ERR_MALFORMED;
    if (ns->len != (size_t)f->n_nodes * NODE_BYTES) return C2D_ERR_MALFORMED;
    if ((uint64_t)ls->len != (uint64_t)f->n_leaves * f->n_outputs * 4) return C2D_ERR_MALFORMED;

    /* leaf values: finite probabilities */
    for (size_t i = 0; i < (size_t)f->n_leaves * f->n_outputs; i++) {
        const float v = c2d__ld_f32le(ls->p + i * 4);
        if (!(v >= 0.0f && v <= 1.0f)) return C2D_ERR_MALFORMED;
    }

    /* tree table: contiguous, in order, covering every node */
    uint32_t max_count = 0;
    uint64_t expect_first = 0;
    for (uint32_t t = 0; t < f->n_trees; t++) {
        const uint32_t first = c2d__ld_u32le(ts->p + (size_t)t * 8);
        const uint32_t count = c2d__ld_u32le(ts->p + (size_t)t * 8 + 4);
        if (first != expect_first || count == 0) return C2D_ERR_MALFORMED;
        if (count > MAX_TREE_NODES) return C2D_ERR_LIMIT;
        expect_first += count;
        if (expect_first > f->n_nodes) return C2D_ERR_MALFORMED;
        if (count > max_count) max_count = count;
    }
    if (expect_first != f->n_nodes) return C2D_ERR_MALFORMED;

    f->nodes = c2d__calloc(&m->alloc, f->n_nodes, sizeof *f->nodes);
    f->tree_root = c2d__calloc(&m->alloc, f->n_trees, sizeof *f->tree_root);
    f->tree_depth = c2d__calloc(&m->alloc, f->n_trees, sizeof *f->tree_depth);
    uint8_t *seen = c2d__calloc(&m->alloc, max_count, 1);
    uint16_t *depth_of = c2d__calloc(&m->alloc, max_count, sizeof *depth_of);
    c2d_status st = C2D_OK;
    if (!f->nodes || !f->tree_root || !f->tree_depth || !seen || !depth_of) st = C2D_ERR_NOMEM;
    uint32_t leaf_base = 0;
    for (uint32_t t = 0; st == C2D_OK && t < f->n_trees; t++) {
        const uint32_t first = c2d__ld_u32le(ts->p + (size_t)t * 8);
        const uint32_t count = c2d__ld_u32le(ts->p + (size_t)t * 8 + 4);
        uint32_t used = 0;
        uint16_t depth = 0;
        st = convert_tree(f, ns->p, first, count, leaf_base, seen, depth_of, &used, &depth);
        f->tree_root[t] = first;
        f->tree_depth[t] = depth;
        if (depth > f->max_depth) f->max_depth = depth;
        leaf_base += used;
    }
    if (st == C2D_OK && leaf_base != f->n_leaves) st = C2D_ERR_MALFORMED;
    c2d__free(&m->alloc, seen);
    c2d__free(&m->alloc, depth_of);
    if (st != C2D_OK) return st;

    st = build_compact(m);
    if (st != C2D_OK) return st;

    f->leaves = ls->p;
    if (!host_is_little_endian()) {
        const size_t nv = (size_t)f->n_leaves * f->n_outputs;
        f->leaf_values = c2d__calloc(&m->alloc, nv, sizeof(float));
        if (!f->leaf_values) return C2D_ERR_NOMEM;
        for (size_t i = 0; i < nv; i++) f->leaf_values[i] = c2d__ld_f32le(ls->p + i * 4);
    }
    return C2D_OK;
}

static inline float leaf_value(const c2d__forest *f, uint32_t leaf, uint32_t k) {
    if (f->leaf_values) return f->leaf_values[(size_t)leaf * f->n_outputs + k];
    return c2d__ld_f32le(f->leaves + ((size_t)leaf * f->n_outputs + k) * 4);
}

static void finish(const c2d__forest *f, const double *acc, float *proba) {
    const double inv = 1.0 / (double)f->n_trees;
    if (f->n_classes == 2) {
        const double p1 = acc[0] * inv;
        proba[1] = (float)p1;
        proba[0] = (float)(1.0 - p1);
    } else {
        for (uint32_t k = 0; k < f->n_classes; k++) proba[k] = (float)(acc[k] * inv);
    }
}

static c2d_status check_model(const c2d_model *m) {
    if (!m) return C2D_ERR_INVALID_ARG;
    if (m->kind != C2D_MODEL_FOREST) return C2D_ERR_KIND_MISMATCH;
    return C2D_OK;
}

c2d_status c2d_forest_predict(const c2d_model *m, const float *row, size_t row_len, float *proba,
                              size_t proba_len) {
    c2d_status st = check_model(m);
    if (st != C2D_OK) return st;
    const c2d__forest *f = &m->forest;
    if (!row || !proba || row_len != f->n_features || proba_len < f->n_classes)
        return C2D_ERR_INVALID_ARG;
    return c2d_forest_predict_batch(m, row, 1, f->n_features, proba, f->n_classes);
}

/* One step of a cursor: index i moves to its left or right child (a leaf
 * stays put). Cursors are plain locals so the compiler keeps them in registers. */
#define STEP(nodes, row, i)                                                        \
    do {                                                                           \
        const c2d__fnode *n_ = &(nodes)[i];                                        \
        (i) = (size_t)n_->child + (size_t)!((row)[n_->feature] <= n_->threshold);  \
    } while (0)
#define STEP_COMPACT(nodes, row, i)                                                \
    do {                                                                           \
        const c2d__fnode_compact *n_ = &(nodes)[i];                                \
        (i) += (size_t)(ptrdiff_t)n_->delta +                                      \
               (size_t)!((row)[n_->feature] <= n_->threshold);                     \
    } while (0)

/* Leaf index of a node the walk stopped on: from the wide node, or from the
 * NaN payload of the compact node (the cache line the walk just read). */
static inline uint32_t leaf_wide(const c2d__forest *f, size_t node) { return f->nodes[node].leaf; }
static inline uint32_t leaf_compact(const c2d__forest *f, size_t node) {
    uint32_t bits;
    memcpy(&bits, &f->compact[node].threshold, sizeof bits);
    return bits & C2D__COMPACT_LEAF_MASK;
}

static inline void add_leaf(const c2d__forest *f, uint32_t leaf, double *acc) {
    if (f->n_outputs == 1 && !f->leaf_values) { /* binary forests, little-endian host */
        acc[0] += c2d__ld_f32le(f->leaves + (size_t)leaf * 4);
        return;
    }
    for (uint32_t k = 0; k < f->n_outputs; k++) acc[k] += leaf_value(f, leaf, k);
}

/* Walks one row through every tree, GROUP trees at a time with one register
 * cursor each, so their dependent node loads overlap. Leaf values are added in
 * tree order whatever the grouping, so every walk gives the same sums. The body
 * is instantiated for both node layouts. */
enum { GROUP = 8 };
#define DEFINE_WALK_ONE_ROW(name, node_type, node_array, step, leaf_of)            \
    static void name(const c2d__forest *f, const float *row, double *acc) {        \
        const node_type *nodes = f->node_array;                                    \
        const uint32_t *root = f->tree_root;                                       \
        const uint16_t *tdepth = f->tree_depth;                                    \
        memset(acc, 0, sizeof(double) * f->n_outputs);                             \
        uint32_t t = 0;                                                            \
        for (; t + GROUP <= f->n_trees; t += GROUP) {                              \
            size_t i0 = root[t], i1 = root[t + 1], i2 = root[t + 2];               \
            size_t i3 = root[t + 3], i4 = root[t + 4], i5 = root[t + 5];           \
            size_t i6 = root[t + 6], i7 = root[t + 7];                             \
            uint32_t depth = 0;                                                    \
            for (uint32_t j = 0; j < GROUP; j++)                                   \
                depth = tdepth[t + j] > depth ? tdepth[t + j] : depth;             \
            for (; depth > 0; depth--) {                                           \
                step(nodes, row, i0);                                              \
                step(nodes, row, i1);                                              \
                step(nodes, row, i2);                                              \
                step(nodes, row, i3);                                              \
                step(nodes, row, i4);                                              \
                step(nodes, row, i5);                                              \
                step(nodes, row, i6);                                              \
                step(nodes, row, i7);                                              \
            }                                                                      \
            add_leaf(f, leaf_of(f, i0), acc);                                      \
            add_leaf(f, leaf_of(f, i1), acc);                                      \
            add_leaf(f, leaf_of(f, i2), acc);                                      \
            add_leaf(f, leaf_of(f, i3), acc);                                      \
            add_leaf(f, leaf_of(f, i4), acc);                                      \
            add_leaf(f, leaf_of(f, i5), acc);                                      \
            add_leaf(f, leaf_of(f, i6), acc);                                      \
            add_leaf(f, leaf_of(f, i7), acc);                                      \
        }                                                                          \
        /* The last n_trees % GROUP trees, one cursor each in a small array. */    \
        if (t < f->n_trees) {                                                      \
            size_t idx[GROUP];                                                     \
            const uint32_t nt = f->n_trees - t;                                    \
            uint32_t depth = 0;                                                    \
            for (uint32_t j = 0; j < nt; j++) {                                    \
                idx[j] = root[t + j];                                              \
                depth = tdepth[t + j] > depth ? tdepth[t + j] : depth;             \
            }                                                                      \
            for (; depth > 0; depth--)                                             \
                for (uint32_t j = 0; j < nt; j++) step(nodes, row, idx[j]);        \
            for (uint32_t j = 0; j < nt; j++) add_leaf(f, leaf_of(f, idx[j]), acc);\
        }                                                                          \
    }
DEFINE_WALK_ONE_ROW(walk_one_row_wide, c2d__fnode, nodes, STEP, leaf_wide)
DEFINE_WALK_ONE_ROW(walk_one_row_compact, c2d__fnode_compact, compact, STEP_COMPACT, leaf_compact)

static void walk_one_row(const c2d__forest *f, const float *row, double *acc) {
    if (f->compact)
        walk_one_row_compact(f, row, acc);
    else
        walk_one_row_wide(f, row, acc);
}

c2d_status c2d_forest_predict_batch(const c2d_model *m, const float *rows, size_t n_rows,
                                    size_t row_stride, float *proba, size_t proba_stride) {
    c2d_status st = check_model(m);
    if (st != C2D_OK) return st;
    const c2d__forest *f = &m->forest;
    if (n_rows == 0) return C2D_OK;
    if (!rows || !proba || row_stride < f->n_features || proba_stride < f->n_classes)
        return C2D_ERR_INVALID_ARG;
    /* Row by row: a row's trees already give eight independent cursors, and
     * measured faster than walking one tree over a block of rows. */
    for (size_t i = 0; i < n_rows; i++) {
        double acc[MAX_CLASSES];
        walk_one_row(f, rows + i * row_stride, acc);
        finish(f, acc, proba + i * proba_stride);
    }
    return C2D_OK;
}
