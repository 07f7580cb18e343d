/* The .c2dm container (docs/model_format.md): header, section table, CRCs and
 * metadata are validated here before the kind-specific engine sees a byte. */
#include <math.h>

#include "model_internal.h"

static const uint8_t C2DM_MAGIC[8] = {0x43, 0x32, 0x44, 0x4D, 0x0D, 0x0A, 0x1A, 0x0A};
enum { HEADER_SIZE = 64, ENTRY_SIZE = 32, MAX_SECTIONS = 64, MAX_META = 256,
       MAX_KEY = 64, MAX_TEXT = 65536 };

static bool key_char_ok(uint8_t c) {
    return (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '_' || c == '.' || c == '-';
}

/* Walk the META section; with `want` set, stop at that key and return it. */
static c2d_status meta_walk(const c2d__section *s, const char *want, uint16_t *type,
                            const uint8_t **val, uint32_t *val_len, uint32_t *count_out) {
    c2d__cursor c;
    c2d__cursor_init(&c, s->p, s->len);
    uint32_t count = c2d__rd_u32le(&c);
    if (c.bad) return C2D_ERR_MALFORMED;
    if (count > MAX_META) return C2D_ERR_LIMIT;
    size_t want_len = want ? strlen(want) : 0;
    for (uint32_t i = 0; i < count; i++) {
        uint16_t klen = c2d__rd_u16le(&c);
        uint16_t vtype = c2d__rd_u16le(&c);
        uint32_t vlen = c2d__rd_u32le(&c);
        const uint8_t *k = c2d__cursor_take(&c, klen);
        const uint8_t *v = c2d__cursor_take(&c, vlen);
        if (c.bad) return C2D_ERR_MALFORMED;
        if (want) {
            if (klen == want_len && memcmp(k, want, klen) == 0) {
                *type = vtype;
                *val = v;
                *val_len = vlen;
                return C2D_OK;
            }
            continue;
        }
        /* full validation pass */
        if (klen == 0 || klen > MAX_KEY) return C2D_ERR_MALFORMED;
        for (uint16_t j = 0; j < klen; j++)
            if (!key_char_ok(k[j])) return C2D_ERR_MALFORMED;
        if (vtype == 1) {
            if (vlen == 0 || vlen > MAX_TEXT || v[vlen - 1] != 0) return C2D_ERR_MALFORMED;
            if (memchr(v, 0, vlen - 1)) return C2D_ERR_MALFORMED;
        } else if (vtype == 2) {
            if (vlen != 8) return C2D_ERR_MALFORMED;
        } else {
            return C2D_ERR_MALFORMED;
        }
        /* unique keys: compare with every earlier key (count <= 256) */
        c2d__cursor d;
        c2d__cursor_init(&d, s->p, s->len);
        (void)c2d__rd_u32le(&d);
        for (uint32_t e = 0; e < i; e++) {
            uint16_t kl = c2d__rd_u16le(&d);
            (void)c2d__rd_u16le(&d);
            uint32_t vl = c2d__rd_u32le(&d);
            const uint8_t *kk = c2d__cursor_take(&d, kl);
            (void)c2d__cursor_take(&d, vl);
            if (kl == klen && memcmp(kk, k, klen) == 0) return C2D_ERR_MALFORMED;
        }
    }
    if (want) return C2D_ERR_NOT_FOUND;
    if (c.pos != c.len) return C2D_ERR_MALFORMED;
    if (count_out) *count_out = count;
    return C2D_OK;
}

static c2d_status meta_find(const c2d_model *m, const char *key, uint16_t *type,
                            const uint8_t **val, uint32_t *val_len) {
    return meta_walk(&m->sec[C2D__SEC_META], key, type, val, val_len, NULL);
}

static const char *meta_text_or_empty(const c2d_model *m, const char *key, c2d_status *st) {
    uint16_t type;
    const uint8_t *v;
    uint32_t vlen;
    *st = C2D_OK;
    if (meta_find(m, key, &type, &v, &vlen) != C2D_OK) return "";
    if (type != 1) {
        *st = C2D_ERR_MALFORMED;
        return "";
    }
    return (const char *)v;
}

static double meta_number_or_nan(const c2d_model *m, const char *key, c2d_status *st) {
    uint16_t type;
    const uint8_t *v;
    uint32_t vlen;
    *st = C2D_OK;
    if (meta_find(m, key, &type, &v, &vlen) != C2D_OK) return NAN;
    if (type != 2) {
        *st = C2D_ERR_MALFORMED;
        return NAN;
    }
    double d = c2d__ld_f64le(v);
    if (!isfinite(d)) *st = C2D_ERR_MALFORMED;
    return d;
}

static c2d_status parse_container(c2d_model *m) {
    const uint8_t *b = m->bytes;
    const size_t len = m->len;
    if (len < 8) return memcmp(b, C2DM_MAGIC, len) == 0 ? C2D_ERR_TRUNCATED : C2D_ERR_BAD_MAGIC;
    if (memcmp(b, C2DM_MAGIC, 8) != 0) return C2D_ERR_BAD_MAGIC;
    if (len < HEADER_SIZE) return C2D_ERR_TRUNCATED;
    m->format_major = c2d__ld_u16le(b + 8);
    m->format_minor = c2d__ld_u16le(b + 10);
    if (m->format_major != 1) return C2D_ERR_UNSUPPORTED_VERSION;
    const uint32_t header_size = c2d__ld_u32le(b + 12);
    const uint64_t file_size = c2d__ld_u64le(b + 16);
    const uint32_t kind = c2d__ld_u32le(b + 24);
    const uint32_t n_sections = c2d__ld_u32le(b + 28);
    const uint64_t table_off = c2d__ld_u64le(b + 32);
    const uint32_t flags = c2d__ld_u32le(b + 40);
    const uint32_t header_crc = c2d__ld_u32le(b + 44);
    if (header_size != HEADER_SIZE || table_off != HEADER_SIZE || flags != 0)
        return C2D_ERR_MALFORMED;
    for (int i = 48; i < 64; i++)
        if (b[i]) return C2D_ERR_MALFORMED;
    if (file_size > C2D__MODEL_MAX_BYTES) return C2D_ERR_LIMIT;
    if (file_size > len) return C2D_ERR_TRUNCATED;
    if (file_size < len) return C2D_ERR_MALFORMED;
    if (n_sections == 0) return C2D_ERR_MALFORMED;
    if (n_sections > MAX_SECTIONS) return C2D_ERR_LIMIT;
    const uint64_t table_end = HEADER_SIZE + (uint64_t)n_sections * ENTRY_SIZE;
    if (table_end > len) return C2D_ERR_TRUNCATED;

    /* header CRC covers the header (crc field zeroed) and the section table */
    uint8_t hdr[HEADER_SIZE];
    memcpy(hdr, b, HEADER_SIZE);
    memset(hdr + 44, 0, 4);
    uint32_t crc = c2d__crc32c(0, hdr, HEADER_SIZE);
    crc = c2d__crc32c(crc, b + HEADER_SIZE, (size_t)(table_end - HEADER_SIZE));
    if (crc != header_crc) return C2D_ERR_CHECKSUM;

    if (kind != C2D_MODEL_FOREST && kind != C2D_MODEL_CNN) return C2D_ERR_MALFORMED;
    m->kind = (c2d_model_kind)kind;

    /* sections: known type, each at most once, aligned, in bounds, no overlap */
    uint64_t starts[MAX_SECTIONS], ends[MAX_SECTIONS];
    for (uint32_t i = 0; i < n_sections; i++) {
        const uint8_t *e = b + HEADER_SIZE + (size_t)i * ENTRY_SIZE;
        const uint32_t type = c2d__ld_u32le(e);
        const uint32_t sflags = c2d__ld_u32le(e + 4);
        const uint64_t off = c2d__ld_u64le(e + 8);
        const uint64_t size = c2d__ld_u64le(e + 16);
        const uint32_t scrc = c2d__ld_u32le(e + 24);
        const uint32_t reserved = c2d__ld_u32le(e + 28);
        if (type == 0 || type >= C2D__MAX_SECTION_TYPE || sflags || reserved) return C2D_ERR_MALFORMED;
        const bool forest_type = type >= C2D__SEC_FOREST_HEADER && type <= C2D__SEC_FOREST_LEAVES;
        const bool cnn_type = type >= C2D__SEC_CNN_FIRST;
        if (type != C2D__SEC_META && !(forest_type && kind == C2D_MODEL_FOREST) &&
            !(cnn_type && kind == C2D_MODEL_CNN))
            return C2D_ERR_MALFORMED;
        if (m->sec[type].present) return C2D_ERR_MALFORMED;
        if (off % 64 != 0 || off < table_end) return C2D_ERR_MALFORMED;
        if (!c2d__span_ok(off, size, len)) return C2D_ERR_TRUNCATED;
        for (uint32_t j = 0; j < i; j++)
            if (off < ends[j] && starts[j] < off + size) return C2D_ERR_MALFORMED;
        starts[i] = off;
        ends[i] = off + size;
        if (c2d__crc32c(0, b + off, (size_t)size) != scrc) return C2D_ERR_CHECKSUM;
        m->sec[type].p = b + off;
        m->sec[type].len = (size_t)size;
        m->sec[type].present = true;
    }

    /* Every byte outside the header, the table and the sections is alignment
     * padding and must be zero: no CRC covers it, so a flipped padding byte
     * would otherwise load unnoticed. Sections are in any order: sort them. */
    for (uint32_t i = 1; i < n_sections; i++) {
        const uint64_t s0 = starts[i], e0 = ends[i];
        uint32_t j = i;
        for (; j > 0 && starts[j - 1] > s0; j--) {
            starts[j] = starts[j - 1];
            ends[j] = ends[j - 1];
        }
        starts[j] = s0;
        ends[j] = e0;
    }
    uint64_t gap = table_end;
    for (uint32_t i = 0; i <= n_sections; i++) {
        const uint64_t gap_end = i < n_sections ? starts[i] : len;
        for (uint64_t k = gap; k < gap_end; k++)
            if (b[k]) return C2D_ERR_MALFORMED;
        if (i < n_sections) gap = ends[i];
    }

    if (!m->sec[C2D__SEC_META].present) return C2D_ERR_MALFORMED;
    c2d_status st = meta_walk(&m->sec[C2D__SEC_META], NULL, NULL, NULL, NULL, &m->meta_count);
    if (st != C2D_OK) return st;
    c2d_status s1, s2, s3, s4, s5;
    m->schema = meta_text_or_empty(m, "schema", &s1);
    m->name = meta_text_or_empty(m, "name", &s2);
    m->description = meta_text_or_empty(m, "description", &s3);
    m->threshold = meta_number_or_nan(m, "threshold", &s4);
    m->threshold_fpr = meta_number_or_nan(m, "threshold_fpr", &s5);
    if (s1 || s2 || s3 || s4 || s5) return C2D_ERR_MALFORMED;
    if (!m->schema[0]) return C2D_ERR_MALFORMED;
    if (!isnan(m->threshold_fpr) && (m->threshold_fpr < 0 || m->threshold_fpr > 1))
        return C2D_ERR_MALFORMED;
    return C2D_OK;
}

/* Place of an x86-64 level in the cap order (common.h): not the enum's
 * numeric order, since AVXVNNI was appended after NEON. */
static int isa_rank(c2d_isa isa) {
    switch (isa) {
    case C2D_ISA_AVX2: return 1;
    case C2D_ISA_AVXVNNI: return 2;
    case C2D_ISA_AVX512VNNI: return 3;
    default: return 0;
    }
}

static c2d_status dispatch(c2d_model *m) {
    c2d_isa best = c2d_cpu_best_isa();
    c2d_isa want = best;
    if (m->isa_cap != C2D_ISA_BEST) {
        /* NEON and the x86 levels are separate ladders; a cap from the other
         * ladder leaves only scalar. */
        const c2d_isa cap = (c2d_isa)m->isa_cap;
        if (best == C2D_ISA_NEON) want = cap == C2D_ISA_NEON ? best : C2D_ISA_SCALAR;
        else if (cap == C2D_ISA_NEON) want = C2D_ISA_SCALAR;
        else want = isa_rank(cap) < isa_rank(best) ? cap : best;
        /* the levels are not nested: AVX-512 VNNI CPUs without AVX-VNNI exist
         * (Ice Lake, Sapphire Rapids has both), so that cap falls to AVX2 there */
        const unsigned avxvnni = C2D_CPU_AVX2 | C2D_CPU_FMA | C2D_CPU_AVXVNNI;
        if (want == C2D_ISA_AVXVNNI && (c2d_cpu_features() & avxvnni) != avxvnni)
            want = C2D_ISA_AVX2;
    }
    if (m->kind == C2D_MODEL_FOREST) {
        m->isa = C2D_ISA_SCALAR; /* tree walks are scalar on every CPU */
        return C2D_OK;
    }
    m->isa = want;
    return c2d__cnn_dispatch(m);
}

static c2d_status model_new(const void *data, size_t len, const c2d_allocator *alloc,
                            void *file_block, c2d_model **out) {
    c2d_allocator a;
    c2d_status st = c2d__allocator_init(&a, alloc);
    if (st != C2D_OK) return st;
    c2d_model *m = c2d__calloc(&a, 1, sizeof *m);
    if (!m) return C2D_ERR_NOMEM;
    m->alloc = a;
    m->bytes = (const uint8_t *)data;
    m->len = len;
    m->file_block = file_block;
    m->isa_cap = C2D_ISA_BEST;
    m->fold_kib = C2D__FOLD_DEFAULT_KIB;
    st = parse_container(m);
    if (st == C2D_OK) st = m->kind == C2D_MODEL_FOREST ? c2d__forest_init(m) : c2d__cnn_init(m);
    if (st == C2D_OK) st = dispatch(m);
    if (st != C2D_OK) {
        m->file_block = NULL; /* the caller still owns it on failure */
        c2d_model_free(m);
        return st;
    }
    *out = m;
    return C2D_OK;
}

c2d_status c2d_model_load_memory(const void *data, size_t len, const c2d_allocator *alloc,
                                 c2d_model **out) {
    if (!out) return C2D_ERR_INVALID_ARG;
    *out = NULL;
    if (!data && len) return C2D_ERR_INVALID_ARG;
    if (!data) return C2D_ERR_TRUNCATED;
    return model_new(data, len, alloc, NULL, out);
}

c2d_status c2d_model_load_file(const char *path, const c2d_allocator *alloc, c2d_model **out) {
    if (!out) return C2D_ERR_INVALID_ARG;
    *out = NULL;
    if (!path) return C2D_ERR_INVALID_ARG;
    c2d_allocator a;
    c2d_status st = c2d__allocator_init(&a, alloc);
    if (st != C2D_OK) return st;
    void *block;
    const uint8_t *data;
    size_t len;
    st = c2d__read_file(&a, path, C2D__MODEL_MAX_BYTES, &block, &data, &len);
    if (st != C2D_OK) return st;
    st = model_new(data, len, &a, block, out);
    if (st != C2D_OK) c2d__free(&a, block);
    return st;
}

c2d_status c2d_model_builtin(const char *name, const c2d_allocator *alloc, c2d_model **out) {
    if (!out) return C2D_ERR_INVALID_ARG;
    *out = NULL;
    if (!name) return C2D_ERR_INVALID_ARG;
    for (size_t i = 0; i < c2d__builtin_count; i++)
        if (strcmp(c2d__builtins[i].name, name) == 0)
            return model_new(c2d__builtins[i].data, c2d__builtins[i].len, alloc, NULL, out);
    return C2D_ERR_NOT_FOUND;
}

const char *c2d_model_builtin_name(size_t i) {
    return i < c2d__builtin_count ? c2d__builtins[i].name : NULL;
}

void c2d_model_free(c2d_model *m) {
    if (!m) return;
    if (m->kind == C2D_MODEL_FOREST) c2d__forest_release(m);
    else if (m->kind == C2D_MODEL_CNN) c2d__cnn_release(m);
    c2d_allocator a = m->alloc;
    c2d__free(&a, m->file_block);
    c2d__free(&a, m);
}

c2d_status c2d_model_info(const c2d_model *m, c2d_model_summary *s) {
    if (!m || !s || s->size < sizeof(c2d_model_summary)) return C2D_ERR_INVALID_ARG;
    const size_t size = s->size;
    memset(s, 0, sizeof *s);
    s->size = size;
    s->kind = m->kind;
    s->format_major = m->format_major;
    s->format_minor = m->format_minor;
    s->schema = m->schema;
    s->name = m->name;
    s->description = m->description;
    s->threshold = m->threshold;
    s->threshold_fpr = m->threshold_fpr;
    s->isa = m->isa;
    s->bytes = m->len;
    if (m->kind == C2D_MODEL_FOREST) {
        const c2d__forest *f = &m->forest;
        s->n_inputs = f->n_features;
        s->n_classes = f->n_classes;
        s->n_trees = f->n_trees;
        s->max_depth = f->max_depth;
        s->n_nodes = f->n_nodes;
    } else {
        c2d__cnn_describe(m, s);
    }
    return C2D_OK;
}

c2d_status c2d_model_meta_text(const c2d_model *m, const char *key, const char **value) {
    if (!m || !key || !value) return C2D_ERR_INVALID_ARG;
    uint16_t type;
    const uint8_t *v;
    uint32_t vlen;
    c2d_status st = meta_find(m, key, &type, &v, &vlen);
    if (st != C2D_OK) return st;
    if (type != 1) return C2D_ERR_KIND_MISMATCH;
    *value = (const char *)v;
    return C2D_OK;
}

c2d_status c2d_model_meta_number(const c2d_model *m, const char *key, double *value) {
    if (!m || !key || !value) return C2D_ERR_INVALID_ARG;
    uint16_t type;
    const uint8_t *v;
    uint32_t vlen;
    c2d_status st = meta_find(m, key, &type, &v, &vlen);
    if (st != C2D_OK) return st;
    if (type != 2) return C2D_ERR_KIND_MISMATCH;
    *value = c2d__ld_f64le(v);
    return C2D_OK;
}

c2d_status c2d_model_set_param(c2d_model *m, c2d_model_param param, int value) {
    if (!m) return C2D_ERR_INVALID_ARG;
    switch (param) {
    case C2D_MODEL_PARAM_ISA_CAP: {
        if (!(value == C2D_ISA_BEST || (value >= C2D_ISA_SCALAR && value <= C2D_ISA_AVXVNNI)))
            return C2D_ERR_INVALID_ARG;
        const int old = m->isa_cap;
        m->isa_cap = value;
        c2d_status st = dispatch(m);
        if (st != C2D_OK) {
            m->isa_cap = old;
            (void)dispatch(m);
        }
        return st;
    }
    case C2D_MODEL_PARAM_CNN_FOLD_KIB:
        if (value < 0 || value > C2D__FOLD_MAX_KIB) return C2D_ERR_INVALID_ARG;
        m->fold_kib = value;
        return m->kind == C2D_MODEL_CNN ? c2d__cnn_replan(m) : C2D_OK;
    }
    return C2D_ERR_INVALID_ARG;
}

c2d_status c2d_model_get_param(const c2d_model *m, c2d_model_param param, int *value) {
    if (!m || !value) return C2D_ERR_INVALID_ARG;
    switch (param) {
    case C2D_MODEL_PARAM_ISA_CAP:
        *value = m->isa_cap;
        return C2D_OK;
    case C2D_MODEL_PARAM_CNN_FOLD_KIB:
        *value = m->fold_kib;
        return C2D_OK;
    }
    return C2D_ERR_INVALID_ARG;
}
