/* The int8 1D-CNN engine: validates the CNN sections (docs/cnn_format.md),
 * plans scratch memory, and runs embedding -> conv branches -> global max pool
 * -> dense layers with the kernels picked for the model's ISA. */
#include <math.h>

#include "kernels/kernels.h"
#include "model_internal.h"
#include "c2detect/cnn.h"

enum {
    SEC_HEADER = C2D__SEC_CNN_FIRST,
    SEC_EMBED = C2D__SEC_CNN_FIRST + 1,
    SEC_LAYERS = C2D__SEC_CNN_FIRST + 2,
    SEC_WEIGHTS = C2D__SEC_CNN_FIRST + 3,
    SEC_PARAMS = C2D__SEC_CNN_FIRST + 4,
    HEADER_BYTES = 64,
    LAYER_BYTES = 32,
    MAX_SEQ = 4096,
    MAX_VOCAB = 65536,
    MAX_CH = 1024,
    MAX_BRANCHES = 8,
    MAX_CONV = 32,
    MAX_DENSE = 8,
    MAX_LOGITS = 256,
    MAX_KERNEL = 7,
    ALIGN = 64
};
#define MAX_ABS_BIAS ((int64_t)1 << 30)

typedef struct cnn_layer {
    bool dense, relu, last_in_branch;
    uint32_t branch, k, cin, cout, kdim;
    uint32_t t_in, t_out, pad_l, pad_r;  /* conv: rows in and out, padding */
    int32_t zp_in_u, zp_out_u;           /* zero points in the u8 domain */
    const int8_t *w;                     /* in the container */
    int32_t *bias, *mult, *shift;        /* owned (inside cnn_state.params) */
    float *scale;                        /* last dense layer only */
    size_t out_off;                      /* conv last in branch: offset in the concat vector */
    int32_t *fold;                       /* first conv of a branch, folded: owned lookup
                                            table (vocab + 1) x k x cout, else NULL */
    int16_t *wpack;                      /* weights repacked for the kernel set, owned */
} cnn_layer;

typedef struct cnn_state {
    uint32_t seq_len, vocab, dim, n_branches, n_conv, n_dense, n_logits;
    int32_t embed_zp_u;
    const int8_t *embed;
    cnn_layer *layers;       /* n_conv + n_dense */
    void *params;            /* one owned block: per-layer bias/mult/shift/scale */
    uint32_t emb_pad_l, emb_pad_r;
    size_t concat_len;
    uint64_t macs;
    size_t fold_bytes;       /* all folded tables */
    bool need_emb;           /* some branch starts with an unfolded conv */
    /* scratch plan: byte offsets from the aligned scratch start */
    size_t off_emb, off_ping, off_pong, off_i32, off_vec_a, off_vec_b, off_tmp16, tmp16_len;
    size_t scratch_bytes;
    const c2d__kernel_set *ks;
} cnn_state;

static size_t align_up(size_t n) { return (n + (ALIGN - 1)) & ~(size_t)(ALIGN - 1); }

static int32_t ld_i32(const uint8_t *p) { return (int32_t)c2d__ld_u32le(p); }

/* Reads the header; limits first so later products cannot overflow. */
static c2d_status read_header(const c2d_model *m, cnn_state *s, int32_t *embed_zp) {
    const c2d__section *h = &m->sec[SEC_HEADER];
    if (!h->present || h->len != HEADER_BYTES) return C2D_ERR_MALFORMED;
    const uint8_t *p = h->p;
    if (c2d__ld_u32le(p) != 1) return C2D_ERR_UNSUPPORTED_VERSION;
    s->seq_len = c2d__ld_u32le(p + 4);
    s->vocab = c2d__ld_u32le(p + 8);
    s->dim = c2d__ld_u32le(p + 12);
    s->n_branches = c2d__ld_u32le(p + 16);
    s->n_conv = c2d__ld_u32le(p + 20);
    s->n_dense = c2d__ld_u32le(p + 24);
    s->n_logits = c2d__ld_u32le(p + 28);
    *embed_zp = ld_i32(p + 32);
    for (int i = 36; i < HEADER_BYTES; i++)
        if (p[i]) return C2D_ERR_MALFORMED;
    if (!s->seq_len || !s->vocab || !s->dim || !s->n_branches || !s->n_conv || !s->n_dense ||
        !s->n_logits)
        return C2D_ERR_MALFORMED;
    if (s->seq_len > MAX_SEQ || s->vocab > MAX_VOCAB || s->dim > MAX_CH ||
        s->n_branches > MAX_BRANCHES || s->n_conv > MAX_CONV || s->n_dense > MAX_DENSE ||
        s->n_logits > MAX_LOGITS)
        return C2D_ERR_LIMIT;
    if (s->n_conv < s->n_branches) return C2D_ERR_MALFORMED;
    if (*embed_zp < -128 || *embed_zp > 127) return C2D_ERR_MALFORMED;
    const c2d__section *e = &m->sec[SEC_EMBED];
    if (!e->present || e->len != (size_t)s->vocab * s->dim) return C2D_ERR_MALFORMED;
    if (!m->sec[SEC_LAYERS].present ||
        m->sec[SEC_LAYERS].len != (size_t)(s->n_conv + s->n_dense) * LAYER_BYTES)
        return C2D_ERR_MALFORMED;
    if (!m->sec[SEC_WEIGHTS].present || !m->sec[SEC_PARAMS].present) return C2D_ERR_MALFORMED;
    for (uint32_t t = SEC_PARAMS + 1; t < C2D__MAX_SECTION_TYPE; t++)
        if (m->sec[t].present) return C2D_ERR_MALFORMED;
    return C2D_OK;
}

/* Reads and checks one layer descriptor's fields against its predecessor. */
static c2d_status read_layer(const cnn_state *s, const uint8_t *p, uint32_t idx, cnn_layer *L,
                             const cnn_layer *prev, uint32_t *w_off, uint32_t *p_off) {
    const uint8_t type = p[0], branch = p[1], k = p[2], pad = p[3], relu = p[4];
    if (p[5] || p[6] || p[7]) return C2D_ERR_MALFORMED;
    const uint32_t cin = c2d__ld_u32le(p + 8), cout = c2d__ld_u32le(p + 12);
    const int32_t zp_in = ld_i32(p + 16), zp_out = ld_i32(p + 20);
    *w_off = c2d__ld_u32le(p + 24);
    *p_off = c2d__ld_u32le(p + 28);
    const bool is_conv = idx < s->n_conv;
    const bool is_last = idx == s->n_conv + s->n_dense - 1;
    if (type != (is_conv ? 1 : 2) || relu > 1) return C2D_ERR_MALFORMED;
    if (!cin || !cout) return C2D_ERR_MALFORMED;
    if (cin > MAX_CH || cout > MAX_CH) return C2D_ERR_LIMIT;
    if (zp_in < -128 || zp_in > 127 || zp_out < -128 || zp_out > 127) return C2D_ERR_MALFORMED;
    if (*w_off % ALIGN || *p_off % 4) return C2D_ERR_MALFORMED;
    L->dense = !is_conv;
    L->relu = relu;
    L->branch = branch;
    L->k = k;
    L->cin = cin;
    L->cout = cout;
    L->kdim = k * cin;
    L->zp_in_u = zp_in + 128;
    L->zp_out_u = zp_out + 128;
    if (is_conv) {
        if (k < 1 || k > MAX_KERNEL || pad > 1 || branch >= s->n_branches) return C2D_ERR_MALFORMED;
        const bool starts_branch = !prev || prev->branch != branch;
        if (starts_branch) {
            /* branches are numbered 0, 1, 2, ... in layer order */
            if (branch != (prev ? prev->branch + 1 : 0)) return C2D_ERR_MALFORMED;
            if (cin != s->dim || L->zp_in_u != s->embed_zp_u) return C2D_ERR_MALFORMED;
            L->t_in = s->seq_len;
        } else {
            if (cin != prev->cout || L->zp_in_u != prev->zp_out_u) return C2D_ERR_MALFORMED;
            L->t_in = prev->t_out;
        }
        if (pad) {
            L->pad_l = (k - 1) / 2; /* PyTorch padding='same' */
            L->pad_r = k - 1 - L->pad_l;
            L->t_out = L->t_in;
        } else {
            if (L->t_in < k) return C2D_ERR_MALFORMED;
            L->t_out = L->t_in - k + 1;
        }
    } else {
        if (k != 1 || pad || branch) return C2D_ERR_MALFORMED;
        if (idx > s->n_conv) {
            if (cin != prev->cout || L->zp_in_u != prev->zp_out_u) return C2D_ERR_MALFORMED;
        }
        L->t_in = L->t_out = 1;
        if (is_last) {
            if (relu || zp_out || cout != s->n_logits) return C2D_ERR_MALFORMED;
        }
    }
    return C2D_OK;
}

/* Scratch plan: byte offsets from the aligned scratch start. Folded layers
 * need neither the embedding rows nor the kernels' int16 workspace. */
static void plan_scratch(cnn_state *s) {
    const uint32_t n_layers = s->n_conv + s->n_dense;
    const size_t concat = s->concat_len;
    uint32_t pl = 0, pr = 0;
    size_t ping = 0, i32n = s->n_logits, vec = concat, tmp16 = 0;
    for (uint32_t i = 0; i < s->n_conv; i++) {
        const cnn_layer *L = &s->layers[i];
        /* at most 4096 * 1024 + 1024 * 7168 int16 */
        const size_t t16 = L->fold ? 0 : c2d__conv_tmp16_len(L->t_out, L->cin, L->kdim, L->cout);
        if (t16 > tmp16) tmp16 = t16;
        if (!L->fold && (i == 0 || s->layers[i - 1].branch != L->branch)) {
            if (L->pad_l > pl) pl = L->pad_l;
            if (L->pad_r > pr) pr = L->pad_r;
        }
        if (L->last_in_branch) {
            if (L->cout > i32n) i32n = L->cout;
        } else {
            const cnn_layer *N = L + 1;
            const size_t rows = (size_t)N->pad_l + L->t_out + N->pad_r;
            if (rows * L->cout > ping) ping = rows * L->cout;
        }
    }
    for (uint32_t i = s->n_conv; i < n_layers; i++) {
        const cnn_layer *L = &s->layers[i];
        if (L->cout > vec) vec = L->cout;
        /* packed weights only (else the kernel takes its dot-product path) */
        const size_t t16 = c2d__conv_tmp16_x_len(1, L->cin, L->kdim);
        if (t16 > tmp16) tmp16 = t16;
    }
    s->emb_pad_l = pl;
    s->emb_pad_r = pr;
    size_t off = 0;
    s->need_emb = false;
    for (uint32_t i = 0; i < s->n_conv; i++)
        if ((i == 0 || s->layers[i - 1].branch != s->layers[i].branch) && !s->layers[i].fold)
            s->need_emb = true;
    s->off_emb = off;
    if (s->need_emb) off += align_up(((size_t)pl + s->seq_len + pr) * s->dim);
    s->off_ping = off;
    off += align_up(ping);
    s->off_pong = off;
    off += align_up(ping);
    s->off_i32 = off;
    off += align_up(i32n * sizeof(int32_t));
    s->off_vec_a = off;
    off += align_up(vec);
    s->off_vec_b = off;
    off += align_up(vec);
    s->off_tmp16 = off;
    s->tmp16_len = tmp16;
    off += align_up(tmp16 * sizeof(int16_t));
    s->scratch_bytes = off + ALIGN; /* slack to align the caller's pointer */
}

static void free_packs(c2d_model *m);

static void free_folds(c2d_model *m) {
    cnn_state *s = m->cnn;
    for (uint32_t i = 0; i < s->n_conv; i++) {
        c2d__free(&m->alloc, s->layers[i].fold);
        s->layers[i].fold = NULL;
    }
    s->fold_bytes = 0;
}

/* Folds the first conv of each branch into a lookup table (kernels.h,
 * c2d__fold_args) while the tables fit in m->fold_kib KiB, in layer order. */
static c2d_status build_folds(c2d_model *m) {
    cnn_state *s = m->cnn;
    free_folds(m);
    /* fold_kib <= C2D__FOLD_MAX_KIB (1 GiB): fits size_t on 32-bit too */
    const size_t budget = (size_t)m->fold_kib * 1024u;
    const uint32_t D = s->dim;
    for (uint32_t i = 0; i < s->n_conv; i++) {
        cnn_layer *L = &s->layers[i];
        if (i && s->layers[i - 1].branch == L->branch) continue;
        /* <= 65537 * 7 * 1024 words: no overflow in uint64 */
        const uint64_t words = ((uint64_t)s->vocab + 1) * L->k * L->cout;
        if (words * 4 > (uint64_t)(budget - s->fold_bytes)) continue;
        int32_t *t = c2d__calloc(&m->alloc, (size_t)words, sizeof *t);
        if (!t) {
            free_folds(m);
            return C2D_ERR_NOMEM;
        }
        for (uint32_t v = 0; v <= s->vocab; v++) {
            const int8_t *e = v < s->vocab ? s->embed + (size_t)v * D : NULL;
            for (uint32_t j = 0; j < L->k; j++) {
                int32_t *row = t + ((size_t)v * L->k + j) * L->cout;
                for (uint32_t o = 0; o < L->cout; o++) {
                    const int8_t *w = L->w + (size_t)o * L->kdim + (size_t)j * D;
                    int32_t acc = 0; /* |acc| <= 1024 * 127 * 255 */
                    for (uint32_t c = 0; c < D; c++)
                        acc += (int32_t)w[c] * (e ? (int32_t)((uint8_t)e[c] ^ 0x80u) : s->embed_zp_u);
                    row[o] = acc;
                }
            }
        }
        L->fold = t;
        s->fold_bytes += (size_t)words * 4;
    }
    return C2D_OK;
}

c2d_status c2d__cnn_init(c2d_model *m) {
    cnn_state *s = c2d__calloc(&m->alloc, 1, sizeof *s);
    if (!s) return C2D_ERR_NOMEM;
    m->cnn = s;
    int32_t embed_zp;
    c2d_status st = read_header(m, s, &embed_zp);
    if (st != C2D_OK) return st;
    s->embed_zp_u = embed_zp + 128;
    s->embed = (const int8_t *)m->sec[SEC_EMBED].p;
    const uint32_t n_layers = s->n_conv + s->n_dense;
    s->layers = c2d__calloc(&m->alloc, n_layers, sizeof *s->layers);
    if (!s->layers) return C2D_ERR_NOMEM;

    /* pass 1: structure */
    const c2d__section *ws = &m->sec[SEC_WEIGHTS], *ps = &m->sec[SEC_PARAMS];
    uint32_t w_offs[MAX_CONV + MAX_DENSE], p_offs[MAX_CONV + MAX_DENSE];
    size_t param_words = 0;
    for (uint32_t i = 0; i < n_layers; i++) {
        cnn_layer *L = &s->layers[i];
        st = read_layer(s, m->sec[SEC_LAYERS].p + (size_t)i * LAYER_BYTES, i, L,
                        i ? &s->layers[i - 1] : NULL, &w_offs[i], &p_offs[i]);
        if (st != C2D_OK) return st;
        param_words += 3 * (size_t)L->cout; /* fits: <= 40 layers * 3 * 1024 */
    }
    if (s->layers[s->n_conv - 1].branch != s->n_branches - 1) return C2D_ERR_MALFORMED;
    /* the concatenated pooled outputs share one zero point (and scale) */
    size_t concat = 0;
    int32_t concat_zp = -1;
    for (uint32_t i = 0; i < s->n_conv; i++) {
        cnn_layer *L = &s->layers[i];
        L->last_in_branch = i + 1 == s->n_conv || s->layers[i + 1].branch != L->branch;
        if (!L->last_in_branch) continue;
        if (concat_zp >= 0 && L->zp_out_u != concat_zp) return C2D_ERR_MALFORMED;
        concat_zp = L->zp_out_u;
        L->out_off = concat;
        concat += L->cout;
    }
    s->concat_len = concat;
    cnn_layer *d0 = &s->layers[s->n_conv];
    if (d0->cin != concat || d0->zp_in_u != concat_zp) return C2D_ERR_MALFORMED;

    /* pass 2: weights and parameters */
    s->params = c2d__calloc(&m->alloc, param_words, sizeof(int32_t));
    if (!s->params) return C2D_ERR_NOMEM;
    int32_t *pw = (int32_t *)s->params;
    for (uint32_t i = 0; i < n_layers; i++) {
        cnn_layer *L = &s->layers[i];
        const bool last = i + 1 == n_layers;
        const size_t wn = (size_t)L->cout * L->kdim;
        if (!c2d__span_ok(w_offs[i], wn, ws->len)) return C2D_ERR_MALFORMED;
        L->w = (const int8_t *)(ws->p + w_offs[i]);
        const size_t pn = 3 * (size_t)L->cout * 4 - (last ? (size_t)L->cout * 4 : 0);
        if (!c2d__span_ok(p_offs[i], pn, ps->len)) return C2D_ERR_MALFORMED;
        const uint8_t *pp = ps->p + p_offs[i];
        L->bias = pw;
        L->mult = pw + L->cout;
        L->shift = pw + 2 * (size_t)L->cout;
        L->scale = last ? (float *)(void *)L->mult : NULL;
        pw += 3 * (size_t)L->cout;
        for (uint32_t o = 0; o < L->cout; o++) {
            const int8_t *w = L->w + (size_t)o * L->kdim;
            int64_t wsum = 0;
            for (uint32_t j = 0; j < L->kdim; j++) {
                if (w[j] == -128) return C2D_ERR_MALFORMED; /* symmetric: [-127, 127] */
                wsum += w[j];
            }
            const int64_t bias = ld_i32(pp + 4 * (size_t)o);
            if (bias > MAX_ABS_BIAS || bias < -MAX_ABS_BIAS) return C2D_ERR_MALFORMED;
            /* |bias| <= 2^30 and |sum| <= 2 * 7168 * 255 * 127 < 2^29: int32 is exact */
            L->bias[o] = (int32_t)(bias - (int64_t)L->zp_in_u * wsum);
            if (last) {
                const float sc = c2d__ld_f32le(pp + 4 * ((size_t)L->cout + o));
                if (!isfinite(sc)) return C2D_ERR_MALFORMED;
                L->scale[o] = sc;
            } else {
                const int32_t mult = ld_i32(pp + 4 * ((size_t)L->cout + o));
                const int32_t shift = ld_i32(pp + 4 * (2 * (size_t)L->cout + o));
                if (mult < 0 || shift < C2D__SHIFT_MIN || shift > C2D__SHIFT_MAX)
                    return C2D_ERR_MALFORMED;
                L->mult[o] = mult;
                L->shift[o] = shift;
            }
        }
        s->macs += (uint64_t)L->t_out * L->cout * L->kdim;
    }

    st = build_folds(m);
    if (st != C2D_OK) return st;
    plan_scratch(s);
    return C2D_OK;
}

c2d_status c2d__cnn_replan(c2d_model *m) {
    const c2d_status st = build_folds(m);
    plan_scratch(m->cnn);
    return st;
}

size_t c2d__cnn_fold_bytes(const c2d_model *m) { return ((const cnn_state *)m->cnn)->fold_bytes; }

void c2d__cnn_release(c2d_model *m) {
    cnn_state *s = m->cnn;
    if (!s) return;
    if (s->layers) {
        free_folds(m);
        free_packs(m);
    }
    c2d__free(&m->alloc, s->params);
    c2d__free(&m->alloc, s->layers);
    c2d__free(&m->alloc, s);
    m->cnn = NULL;
}

static void free_packs(c2d_model *m) {
    cnn_state *s = m->cnn;
    for (uint32_t i = 0; i < s->n_conv + s->n_dense; i++) {
        c2d__free(&m->alloc, s->layers[i].wpack);
        s->layers[i].wpack = NULL;
    }
}

/* Picks the kernel set and repacks the conv weights in its layout. On
 * C2D_ERR_NOMEM the set is still chosen and kernels repack per call. */
c2d_status c2d__cnn_dispatch(c2d_model *m) {
    cnn_state *s = m->cnn;
    const c2d__kernel_set *ks = c2d__kernel_set_for(m->isa);
    if (!ks || (c2d_cpu_features() & ks->cpu_features) != ks->cpu_features)
        return C2D_ERR_UNSUPPORTED;
    free_packs(m);
    s->ks = ks;
    if (!ks->pack) return C2D_OK;
    for (uint32_t i = 0; i < s->n_conv + s->n_dense; i++) {
        cnn_layer *L = &s->layers[i];
        int16_t *p = c2d__calloc(&m->alloc, ks->pack_len(L->cout, L->kdim), sizeof *p);
        if (!p) {
            free_packs(m);
            return C2D_ERR_NOMEM;
        }
        ks->pack(L->w, L->cout, L->kdim, p);
        L->wpack = p;
    }
    return C2D_OK;
}

void c2d__cnn_describe(const c2d_model *m, c2d_model_summary *sum) {
    const cnn_state *s = m->cnn;
    sum->n_inputs = s->seq_len;
    sum->n_classes = s->n_logits == 1 ? 2 : s->n_logits;
}

c2d_status c2d_cnn_shape(const c2d_model *m, c2d_cnn_shape_info *info) {
    if (!m || !info || info->size < sizeof(c2d_cnn_shape_info)) return C2D_ERR_INVALID_ARG;
    if (m->kind != C2D_MODEL_CNN) return C2D_ERR_KIND_MISMATCH;
    const cnn_state *s = m->cnn;
    const size_t size = info->size;
    memset(info, 0, sizeof *info);
    info->size = size;
    info->seq_len = s->seq_len;
    info->vocab = s->vocab;
    info->n_logits = s->n_logits;
    info->n_classes = s->n_logits == 1 ? 2 : s->n_logits;
    info->macs = s->macs;
    info->scratch_bytes = s->scratch_bytes;
    return C2D_OK;
}

c2d_status c2d_cnn_scratch_size(const c2d_model *m, size_t *bytes) {
    if (!m || !bytes) return C2D_ERR_INVALID_ARG;
    if (m->kind != C2D_MODEL_CNN) return C2D_ERR_KIND_MISMATCH;
    *bytes = ((const cnn_state *)m->cnn)->scratch_bytes;
    return C2D_OK;
}

/* One sequence to int32 logits in `logits` (inside scratch). */
static void run_one(const cnn_state *s, const uint16_t *tok, uint8_t *base, int32_t *logits) {
    const c2d__conv_fn conv = s->ks->conv;
    const uint32_t D = s->dim;
    uint8_t *emb = base + s->off_emb;
    if (s->need_emb) {
        memset(emb, s->embed_zp_u, (size_t)s->emb_pad_l * D);
        memset(emb + ((size_t)s->emb_pad_l + s->seq_len) * D, s->embed_zp_u,
               (size_t)s->emb_pad_r * D);
        uint8_t *row = emb + (size_t)s->emb_pad_l * D;
        /* u = q + 128 is q ^ 0x80: eight bytes per step (this loop was 14 % of
         * an unfolded VNNI predict byte by byte) */
        const uint32_t d8 = D & ~7u;
        for (uint32_t t = 0; t < s->seq_len; t++, row += D) {
            const int8_t *src = s->embed + (size_t)tok[t] * D;
            for (uint32_t c = 0; c < d8; c += 8) {
                uint64_t v;
                memcpy(&v, src + c, 8);
                v ^= 0x8080808080808080u;
                memcpy(row + c, &v, 8);
            }
            for (uint32_t c = d8; c < D; c++) row[c] = (uint8_t)((uint8_t)src[c] ^ 0x80u);
        }
    }
    uint8_t *concat = base + s->off_vec_a;
    int32_t *i32 = (int32_t *)(void *)(base + s->off_i32);
    const uint8_t *in = NULL;
    int flip = 0;
    for (uint32_t i = 0; i < s->n_conv; i++) {
        const cnn_layer *L = &s->layers[i];
        if (i == 0 || s->layers[i - 1].branch != L->branch)
            in = emb + (size_t)(s->emb_pad_l - L->pad_l) * D;
        c2d__conv_args a = {.x = in, .x_stride = L->cin, .n_rows = L->t_out, .kdim = L->kdim,
                            .n_out = L->cout, .w = L->w, .bias = L->bias, .mult = L->mult,
                            .shift = L->shift, .zp_out = L->zp_out_u,
                            .lo = L->relu ? L->zp_out_u : 0,
                            .tmp16 = (int16_t *)(void *)(base + s->off_tmp16),
                            .tmp16_len = s->tmp16_len, .wp = L->wpack};
        uint8_t *buf = NULL;
        const cnn_layer *N = L + 1;
        if (L->last_in_branch) {
            for (uint32_t o = 0; o < L->cout; o++) i32[o] = INT32_MIN;
            a.mode = C2D__CONV_MAX_I32;
            a.y32 = i32;
        } else {
            buf = base + (flip ? s->off_pong : s->off_ping);
            flip ^= 1;
            memset(buf, L->zp_out_u, (size_t)N->pad_l * L->cout);
            memset(buf + ((size_t)N->pad_l + L->t_out) * L->cout, L->zp_out_u,
                   (size_t)N->pad_r * L->cout);
            a.mode = C2D__CONV_ROWS_U8;
            a.y = buf + (size_t)N->pad_l * L->cout;
            a.y_stride = L->cout;
        }
        if (L->fold) {
            const c2d__fold_args f = {.table = L->fold, .tok = tok, .seq_len = s->seq_len,
                                      .pad_row = s->vocab, .k = L->k, .pad_l = L->pad_l,
                                      .out = a};
            s->ks->fold(&f);
        } else {
            conv(&a);
        }
        if (L->last_in_branch) {
            s->ks->requant(i32, L->cout, L->mult, L->shift, a.zp_out, a.lo, concat + L->out_off);
        } else {
            in = buf;
        }
    }
    const uint8_t *vin = concat;
    uint8_t *vout = base + s->off_vec_b;
    for (uint32_t i = s->n_conv; i < s->n_conv + s->n_dense; i++) {
        const cnn_layer *L = &s->layers[i];
        const bool last = i + 1 == s->n_conv + s->n_dense;
        c2d__conv_args a = {.x = vin, .x_stride = L->cin, .n_rows = 1, .kdim = L->kdim,
                            .n_out = L->cout, .w = L->w, .bias = L->bias, .mult = L->mult,
                            .shift = L->shift, .zp_out = L->zp_out_u,
                            .lo = L->relu ? L->zp_out_u : 0,
                            .tmp16 = (int16_t *)(void *)(base + s->off_tmp16),
                            .tmp16_len = s->tmp16_len, .wp = L->wpack};
        if (last) {
            a.mode = C2D__CONV_ROWS_I32;
            a.y32 = logits;
        } else {
            a.mode = C2D__CONV_ROWS_U8;
            a.y = vout;
            a.y_stride = L->cout;
        }
        conv(&a);
        const uint8_t *t = vin;
        vin = vout;
        vout = (uint8_t *)(uintptr_t)t;
    }
}

c2d_status c2d_cnn_predict(const c2d_model *m, const uint16_t *tokens, size_t n_seqs,
                           void *scratch, size_t scratch_size, c2d_cnn_output what, float *out,
                           size_t out_len) {
    if (!m) return C2D_ERR_INVALID_ARG;
    if (m->kind != C2D_MODEL_CNN) return C2D_ERR_KIND_MISMATCH;
    if (what != C2D_CNN_PROBA && what != C2D_CNN_LOGITS) return C2D_ERR_INVALID_ARG;
    if (n_seqs == 0) return C2D_OK;
    if (!tokens || !scratch || !out) return C2D_ERR_INVALID_ARG;
    const cnn_state *s = m->cnn;
    const size_t per = what == C2D_CNN_PROBA ? (s->n_logits == 1 ? 2 : s->n_logits) : s->n_logits;
    size_t need;
    if (c2d__mul_overflows(n_seqs, per, &need) || out_len < need) return C2D_ERR_INVALID_ARG;
    if (c2d__mul_overflows(n_seqs, s->seq_len, &need)) return C2D_ERR_INVALID_ARG;
    if (scratch_size < s->scratch_bytes) return C2D_ERR_BUFFER_TOO_SMALL;
    uint8_t *base = (uint8_t *)scratch + ((ALIGN - (uintptr_t)scratch % ALIGN) % ALIGN);
    int32_t *acc = (int32_t *)(void *)(base + s->off_i32);
    const cnn_layer *last = &s->layers[s->n_conv + s->n_dense - 1];
    for (size_t q = 0; q < n_seqs; q++) {
        const uint16_t *tok = tokens + q * s->seq_len;
        for (uint32_t t = 0; t < s->seq_len; t++)
            if (tok[t] >= s->vocab) return C2D_ERR_CNN_TOKEN;
        run_one(s, tok, base, acc);
        float *o = out + q * per;
        if (what == C2D_CNN_LOGITS) {
            for (uint32_t c = 0; c < s->n_logits; c++) o[c] = (float)acc[c] * last->scale[c];
        } else if (s->n_logits == 1) {
            const float z = (float)acc[0] * last->scale[0];
            const float p = 1.0f / (1.0f + expf(-z));
            o[0] = 1.0f - p;
            o[1] = p;
        } else {
            float mx = -INFINITY, sum = 0.0f;
            for (uint32_t c = 0; c < s->n_logits; c++) {
                o[c] = (float)acc[c] * last->scale[c];
                if (o[c] > mx) mx = o[c];
            }
            for (uint32_t c = 0; c < s->n_logits; c++) {
                o[c] = expf(o[c] - mx);
                sum += o[c];
            }
            for (uint32_t c = 0; c < s->n_logits; c++) o[c] /= sum;
        }
    }
    return C2D_OK;
}
