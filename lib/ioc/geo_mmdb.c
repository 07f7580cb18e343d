/* MaxMind DB reader: validates a file once at open (metadata, tree size, every
 * tree record), then walks the search tree and decodes data values on demand,
 * allocating nothing and never trusting an offset it has not checked. */
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>

#include "c2detect/geo.h"
#include "common/internal.h"

#define MMDB_META_WINDOW (128u * 1024u)
#define MMDB_SEPARATOR 16u
#define V4_TABLE_BITS 16u /* also used for the IPv6 table */
#define V4_TABLE_SIZE (1u << V4_TABLE_BITS)

static const uint8_t mmdb_marker[14] = {0xAB, 0xCD, 0xEF, 'M', 'a', 'x', 'M',
                                        'i',  'n',  'd',  '.', 'c', 'o', 'm'};

/* Data type codes of the format (the public enum uses the same numbers). */
enum {
    T_EXTENDED = 0,
    T_POINTER = 1,
    T_STRING = 2,
    T_DOUBLE = 3,
    T_BYTES = 4,
    T_UINT16 = 5,
    T_UINT32 = 6,
    T_MAP = 7,
    T_INT32 = 8,
    T_UINT64 = 9,
    T_UINT128 = 10,
    T_ARRAY = 11,
    T_CONTAINER = 12,
    T_END_MARKER = 13,
    T_BOOL = 14,
    T_FLOAT = 15
};

/* Pointers inside the data section are relative to its start; inside the
 * metadata they are relative to the metadata's start. */
enum { SEC_DATA = 0, SEC_META = 1 };

struct c2d_geodb {
    c2d_allocator alloc;
    void *file_block; /* c2d_geodb_open_file's copy, NULL for caller memory */
    const uint8_t *file;
    size_t file_len;
    const uint8_t *tree;
    const uint8_t *sec_p[2];
    size_t sec_len[2];
    uint32_t node_count;
    unsigned record_size; /* 24, 28, 32 */
    unsigned node_bytes;  /* 6, 7, 8 */
    unsigned ip_version;
    uint32_t ipv4_start;
    unsigned ipv4_start_depth;
    /* Prefix tables: the record reached after the first 16 bits of an IPv4
     * address (from the IPv4 start node) and of an IPv6 address (from the
     * root), and for walks that ended earlier the depth they ended at. One
     * block; the IPv6 half exists for IPv6 trees only. */
    void *tables;
    uint32_t *v4_record, *v6_record;
    uint8_t *v4_depth, *v6_depth;
    char *database_type;
    uint16_t fmt_major, fmt_minor;
    uint64_t build_epoch;
};

/* ------------------------------------------------------------ data items */

/* One control block: type, size (for a pointer: the target offset) and where
 * its payload starts. */
typedef struct item {
    unsigned type;
    uint32_t size;
    size_t payload;
} item;

static inline uint32_t be_uint(const uint8_t *p, unsigned n) {
    uint32_t v = 0;
    for (unsigned i = 0; i < n; i++) v = v << 8 | p[i];
    return v;
}

static c2d_status read_ctrl(const uint8_t *p, size_t len, size_t pos, item *it) {
    if (pos >= len) return C2D_ERR_MMDB_DATA;
    uint8_t c = p[pos++];
    unsigned type = c >> 5;
    if (type == T_POINTER) {
        unsigned ss = (c >> 3) & 3u;
        uint32_t v = c & 7u;
        size_t need = ss + 1;
        if (need > len - pos) return C2D_ERR_MMDB_DATA;
        const uint8_t *b = p + pos;
        uint32_t target;
        switch (ss) {
        case 0: target = v << 8 | b[0]; break;
        case 1: target = (v << 16 | be_uint(b, 2)) + 2048u; break;
        case 2: target = (v << 24 | be_uint(b, 3)) + 526336u; break;
        default: target = be_uint(b, 4); break;
        }
        it->type = T_POINTER;
        it->size = target;
        it->payload = pos + need;
        return C2D_OK;
    }
    if (type == T_EXTENDED) {
        if (pos >= len) return C2D_ERR_MMDB_DATA;
        type = 7u + p[pos++];
        if (type < T_INT32 || type > T_FLOAT) return C2D_ERR_MMDB_DATA;
    }
    uint32_t size = c & 31u;
    if (size >= 29) {
        unsigned n = size - 28; /* 1, 2 or 3 more bytes */
        if (n > len - pos) return C2D_ERR_MMDB_DATA;
        uint32_t x = be_uint(p + pos, n);
        pos += n;
        size = n == 1 ? 29u + x : n == 2 ? 285u + x : 65821u + x;
    }
    it->type = type;
    it->size = size;
    it->payload = pos;
    return C2D_OK;
}

/* Fill *v from a non-pointer item. */
static c2d_status fill_value(const uint8_t *p, size_t len, const item *it, unsigned section,
                             unsigned depth, c2d_geo_value *v) {
    size_t avail = len - it->payload; /* payload <= len by read_ctrl */
    const uint8_t *b = p + it->payload;
    uint32_t n = it->size;
    v->type = (c2d_geo_type)it->type;
    v->count = 0;
    v->bytes = NULL;
    v->u64 = 0;
    v->u128_high = 0;
    v->i32 = 0;
    v->f32 = 0;
    v->f64 = 0;
    v->internal_pos = 0;
    v->internal_depth = (uint16_t)depth;
    v->internal_section = (uint8_t)section;
    switch (it->type) {
    case T_STRING:
    case T_BYTES:
        if (n > avail) return C2D_ERR_MMDB_DATA;
        v->count = n;
        v->bytes = b;
        return C2D_OK;
    case T_DOUBLE: {
        if (n != 8 || avail < 8) return C2D_ERR_MMDB_DATA;
        uint64_t u = c2d__ld_u64be(b);
        memcpy(&v->f64, &u, sizeof v->f64);
        return C2D_OK;
    }
    case T_FLOAT: {
        if (n != 4 || avail < 4) return C2D_ERR_MMDB_DATA;
        uint32_t u = c2d__ld_u32be(b);
        memcpy(&v->f32, &u, sizeof v->f32);
        v->f64 = v->f32;
        return C2D_OK;
    }
    case T_UINT16:
    case T_UINT32:
    case T_INT32:
    case T_UINT64:
    case T_UINT128: {
        unsigned max = it->type == T_UINT16 ? 2 : it->type == T_UINT64 ? 8 : it->type == T_UINT128 ? 16 : 4;
        if (n > max || n > avail) return C2D_ERR_MMDB_DATA;
        uint64_t hi = 0, lo = 0;
        for (uint32_t i = 0; i < n; i++) {
            hi = hi << 8 | lo >> 56;
            lo = lo << 8 | b[i];
        }
        v->u64 = lo;
        v->u128_high = hi;
        /* a short int32 is zero-extended, a 4-byte one is two's complement */
        if (it->type == T_INT32) v->i32 = (int32_t)(uint32_t)lo;
        if (it->type == T_INT32) v->u64 = 0;
        return C2D_OK;
    }
    case T_BOOL:
        if (n > 1) return C2D_ERR_MMDB_DATA;
        v->u64 = n;
        return C2D_OK;
    case T_MAP:
    case T_ARRAY:
        v->count = n;
        v->internal_pos = (uint32_t)it->payload;
        return C2D_OK;
    default:
        return C2D_ERR_MMDB_DATA; /* data cache container, end marker */
    }
}

/* Decode the value at `pos`, following one pointer. *after (may be NULL) is
 * the position after the item at `pos` when that is known without walking
 * children (a pointer or a scalar); SIZE_MAX for an in-place map/array. */
static c2d_status decode_at(const c2d_geodb *db, unsigned section, size_t pos, unsigned depth,
                            c2d_geo_value *v, size_t *after) {
    const uint8_t *p = db->sec_p[section];
    size_t len = db->sec_len[section];
    item it;
    c2d_status st = read_ctrl(p, len, pos, &it);
    if (st != C2D_OK) return st;
    if (it.type == T_POINTER) {
        if (after) *after = it.payload;
        if (it.size >= len) return C2D_ERR_MMDB_POINTER;
        st = read_ctrl(p, len, it.size, &it);
        if (st != C2D_OK) return st;
        if (it.type == T_POINTER) return C2D_ERR_MMDB_POINTER;
    } else if (after) {
        if (it.type == T_MAP || it.type == T_ARRAY) *after = SIZE_MAX;
        else if (it.type == T_BOOL) *after = it.payload;
        else *after = it.payload + it.size; /* checked by fill_value below */
    }
    return fill_value(p, len, &it, section, depth, v);
}

/* Position after the item at `pos` (pointers are not followed; maps and
 * arrays are skipped with their children). Every pending item needs at least
 * one byte, so the walk is bounded by the section's size. */
static c2d_status skip_item(const uint8_t *p, size_t len, size_t pos, size_t *end) {
    uint64_t pending = 1;
    while (pending) {
        item it;
        c2d_status st = read_ctrl(p, len, pos, &it);
        if (st != C2D_OK) return st;
        pending--;
        switch (it.type) {
        case T_POINTER:
        case T_BOOL:
            pos = it.payload;
            break;
        case T_MAP:
            pending += 2ull * it.size;
            pos = it.payload;
            break;
        case T_ARRAY:
            pending += it.size;
            pos = it.payload;
            break;
        case T_CONTAINER:
        case T_END_MARKER:
            return C2D_ERR_MMDB_DATA;
        default:
            if (it.size > len - it.payload) return C2D_ERR_MMDB_DATA;
            pos = it.payload + it.size;
            break;
        }
        if (pending > len - pos) return C2D_ERR_MMDB_DATA;
    }
    *end = pos;
    return C2D_OK;
}

/* A map key at `pos`: a string, directly or through one pointer, without
 * building a value. *after is the position after the key's own bytes. */
static c2d_status read_key(const uint8_t *p, size_t len, size_t pos, const uint8_t **key,
                           uint32_t *key_len, size_t *after) {
    item it;
    c2d_status st = read_ctrl(p, len, pos, &it);
    if (st != C2D_OK) return st;
    size_t next = it.payload;
    if (it.type == T_POINTER) {
        if (it.size >= len) return C2D_ERR_MMDB_POINTER;
        if ((st = read_ctrl(p, len, it.size, &it)) != C2D_OK) return st;
        if (it.type == T_POINTER) return C2D_ERR_MMDB_POINTER;
    } else {
        next = it.payload + it.size; /* checked just below for strings */
    }
    if (it.type != T_STRING || it.size > len - it.payload) return C2D_ERR_MMDB_DATA;
    *key = p + it.payload;
    *key_len = it.size;
    *after = next;
    return C2D_OK;
}

static bool value_ok(const c2d_geo_value *v) {
    return v && v->size >= sizeof(c2d_geo_value);
}

/* Parse a decimal array index, optionally negative; false when not one. */
static bool parse_index(const char *s, int64_t *out) {
    bool neg = false;
    if (*s == '-') {
        neg = true;
        s++;
    }
    if (!*s) return false;
    int64_t v = 0;
    for (; *s; s++) {
        if (*s < '0' || *s > '9') return false;
        v = v * 10 + (*s - '0');
        if (v > 0xFFFFFFFFll) return false;
    }
    *out = neg ? -v : v;
    return true;
}

/* One step down from a map or array. */
static c2d_status child(const c2d_geodb *db, const c2d_geo_value *from, const char *step,
                        c2d_geo_value *out) {
    if (!step) return C2D_ERR_INVALID_ARG;
    if (from->type != C2D_GEO_MAP && from->type != C2D_GEO_ARRAY) return C2D_ERR_NOT_FOUND;
    unsigned depth = from->internal_depth + 1u;
    if (depth > C2D_GEO_MAX_DEPTH) return C2D_ERR_MMDB_DEPTH;
    unsigned section = from->internal_section;
    if (section > SEC_META) return C2D_ERR_INVALID_ARG;
    const uint8_t *p = db->sec_p[section];
    size_t len = db->sec_len[section];
    size_t pos = from->internal_pos;
    c2d_status st;
    if (from->type == C2D_GEO_ARRAY) {
        int64_t idx;
        if (!parse_index(step, &idx)) return C2D_ERR_NOT_FOUND;
        if (idx < 0) idx += from->count;
        if (idx < 0 || idx >= from->count) return C2D_ERR_NOT_FOUND;
        for (int64_t i = 0; i < idx; i++)
            if ((st = skip_item(p, len, pos, &pos)) != C2D_OK) return st;
        return decode_at(db, section, pos, depth, out, NULL);
    }
    size_t step_len = strlen(step);
    for (uint32_t i = 0; i < from->count; i++) {
        const uint8_t *key;
        uint32_t key_len;
        size_t after;
        if ((st = read_key(p, len, pos, &key, &key_len, &after)) != C2D_OK) return st;
        if (key_len == step_len && memcmp(key, step, step_len) == 0)
            return decode_at(db, section, after, depth, out, NULL);
        if ((st = skip_item(p, len, after, &pos)) != C2D_OK) return st;
    }
    return C2D_ERR_NOT_FOUND;
}

c2d_status c2d_geodb_value_get(const c2d_geodb *db, const c2d_geo_value *from,
                               const char *const *path, size_t n_path, c2d_geo_value *out) {
    if (!db || !value_ok(from) || !value_ok(out) || (n_path && !path)) return C2D_ERR_INVALID_ARG;
    if (n_path > C2D_GEO_MAX_DEPTH) return C2D_ERR_INVALID_ARG;
    c2d_geo_value cur = *from;
    for (size_t i = 0; i < n_path; i++) {
        c2d_geo_value next;
        next.size = sizeof next;
        c2d_status st = child(db, &cur, path[i], &next);
        if (st != C2D_OK) return st;
        cur = next;
    }
    size_t keep = out->size;
    *out = cur;
    out->size = keep;
    return C2D_OK;
}

c2d_status c2d_geodb_record(const c2d_geodb *db, const c2d_geo_result *r, c2d_geo_value *out) {
    if (!db || !r || r->size < sizeof *r || !value_ok(out)) return C2D_ERR_INVALID_ARG;
    if (!r->found) return C2D_ERR_NOT_FOUND;
    if (r->data_offset >= db->sec_len[SEC_DATA]) return C2D_ERR_INVALID_ARG;
    return decode_at(db, SEC_DATA, r->data_offset, 0, out, NULL);
}

c2d_status c2d_geodb_metadata(const c2d_geodb *db, c2d_geo_value *out) {
    if (!db || !value_ok(out)) return C2D_ERR_INVALID_ARG;
    return decode_at(db, SEC_META, 0, 0, out, NULL);
}

c2d_status c2d_geodb_get(const c2d_geodb *db, const c2d_geo_result *r, const char *const *path,
                         size_t n_path, c2d_geo_value *out) {
    if (!db || !r || !value_ok(out) || (n_path && !path)) return C2D_ERR_INVALID_ARG;
    if (n_path > C2D_GEO_MAX_DEPTH) return C2D_ERR_INVALID_ARG;
    c2d_geo_value rec;
    rec.size = sizeof rec;
    c2d_status st = c2d_geodb_record(db, r, &rec);
    if (st != C2D_OK) return st;
    return c2d_geodb_value_get(db, &rec, path, n_path, out);
}

c2d_status c2d_geodb_iter_init(const c2d_geo_value *container, c2d_geo_iter *it) {
    if (!value_ok(container) || !it) return C2D_ERR_INVALID_ARG;
    if (container->type != C2D_GEO_MAP && container->type != C2D_GEO_ARRAY)
        return C2D_ERR_INVALID_ARG;
    if (container->internal_section > SEC_META) return C2D_ERR_INVALID_ARG;
    if (container->internal_depth + 1u > C2D_GEO_MAX_DEPTH) return C2D_ERR_MMDB_DEPTH;
    it->internal_pos = container->internal_pos;
    it->remaining = container->count;
    it->internal_depth = (uint16_t)(container->internal_depth + 1u);
    it->internal_section = container->internal_section;
    it->is_map = container->type == C2D_GEO_MAP;
    return C2D_OK;
}

c2d_status c2d_geodb_iter_next(const c2d_geodb *db, c2d_geo_iter *it, c2d_geo_value *key,
                               c2d_geo_value *value) {
    if (!db || !it || !value_ok(value) || (it->is_map && !value_ok(key))) return C2D_ERR_INVALID_ARG;
    if (it->internal_section > SEC_META) return C2D_ERR_INVALID_ARG;
    if (!it->remaining) return C2D_ERR_NOT_FOUND;
    unsigned section = it->internal_section;
    const uint8_t *p = db->sec_p[section];
    size_t len = db->sec_len[section];
    size_t pos = it->internal_pos, after;
    c2d_status st = C2D_OK;
    if (it->is_map) {
        st = decode_at(db, section, pos, it->internal_depth, key, &after);
        if (st == C2D_OK && key->type != C2D_GEO_STRING) st = C2D_ERR_MMDB_DATA;
        if (st == C2D_OK) pos = after; /* a key is never a container */
    }
    if (st == C2D_OK) st = decode_at(db, section, pos, it->internal_depth, value, NULL);
    if (st == C2D_OK) st = skip_item(p, len, pos, &pos);
    if (st == C2D_OK && pos > UINT32_MAX) st = C2D_ERR_MMDB_DATA;
    if (st != C2D_OK) {
        it->remaining = 0;
        return st;
    }
    it->internal_pos = (uint32_t)pos;
    it->remaining--;
    return C2D_OK;
}

/* ------------------------------------------------------------ the tree */

static inline uint32_t be24(const uint8_t *p) {
    return (uint32_t)p[0] << 16 | (uint32_t)p[1] << 8 | p[2];
}

static inline uint32_t rec24(const uint8_t *node, unsigned bit) {
    return be24(node + bit * 3u);
}
static inline uint32_t rec28(const uint8_t *node, unsigned bit) {
    uint32_t mid = node[3];
    uint32_t left = (mid & 0xF0u) << 20 | be24(node);
    uint32_t right = (mid & 0x0Fu) << 24 | be24(node + 4);
    return bit ? right : left;
}
static inline uint32_t rec32(const uint8_t *node, unsigned bit) {
    return c2d__ld_u32be(node + bit * 4u);
}

static inline uint32_t record_of(const c2d_geodb *db, uint32_t node, unsigned bit) {
    const uint8_t *n = db->tree + (size_t)node * db->node_bytes;
    switch (db->record_size) {
    case 24: return rec24(n, bit);
    case 28: return rec28(n, bit);
    default: return rec32(n, bit);
    }
}

/* Turn the record a walk ended on into a result. Records were all checked at
 * open, so a data record's offset lies inside the data section. */
static c2d_status finish(const c2d_geodb *db, uint32_t record, unsigned prefix,
                         c2d_geo_result *r) {
    uint32_t nc = db->node_count;
    if (record < nc) return C2D_ERR_MMDB_TREE; /* deeper than the address */
    r->prefix_len = prefix;
    if (record == nc) {
        r->found = 0;
        r->data_offset = 0;
    } else {
        r->found = 1;
        r->data_offset = record - nc - MMDB_SEPARATOR;
    }
    return C2D_OK;
}

/* The IPv4 walk from bit 16 on, one copy per record size so each inner loop
 * reads records with constant shifts. */
#define C2D_V4_WALK(RECFN)                                                      \
    do {                                                                        \
        const uint8_t *tree = db->tree;                                         \
        for (; depth < 32; depth++) {                                           \
            unsigned bit = (addr >> (31u - depth)) & 1u;                        \
            node = RECFN(tree + (size_t)node * NB, bit);                        \
            if (node >= nc) {                                                   \
                depth++;                                                        \
                break;                                                          \
            }                                                                   \
        }                                                                       \
    } while (0)

c2d_status c2d_geodb_lookup_ipv4(const c2d_geodb *db, uint32_t addr, c2d_geo_result *r) {
    if (C2D_UNLIKELY(!db || !r || r->size < sizeof *r)) return C2D_ERR_INVALID_ARG;
    uint32_t nc = db->node_count;
    uint32_t top = addr >> (32u - V4_TABLE_BITS);
    uint32_t node = db->v4_record[top];
    unsigned depth;
    if (node >= nc) {
        depth = db->v4_depth[top];
    } else {
        depth = V4_TABLE_BITS;
        switch (db->record_size) {
        case 24: {
            enum { NB = 6 };
            C2D_V4_WALK(rec24);
            break;
        }
        case 28: {
            enum { NB = 7 };
            C2D_V4_WALK(rec28);
            break;
        }
        default: {
            enum { NB = 8 };
            C2D_V4_WALK(rec32);
            break;
        }
        }
    }
    return finish(db, node, depth, r);
}

/* The IPv6 walk over the address as two 64-bit halves, one copy per record
 * size. */
#define C2D_V6_WALK(RECFN)                                                      \
    do {                                                                        \
        const uint8_t *tree = db->tree;                                         \
        for (; depth < 128; depth++) {                                          \
            uint64_t half = depth < 64 ? hi : lo;                               \
            unsigned bit = (unsigned)(half >> (63u - (depth & 63u))) & 1u;      \
            node = RECFN(tree + (size_t)node * NB, bit);                        \
            if (node >= nc) {                                                   \
                depth++;                                                        \
                break;                                                          \
            }                                                                   \
        }                                                                       \
    } while (0)

c2d_status c2d_geodb_lookup_ipv6(const c2d_geodb *db, const uint8_t addr[16], c2d_geo_result *r) {
    if (C2D_UNLIKELY(!db || !addr || !r || r->size < sizeof *r)) return C2D_ERR_INVALID_ARG;
    if (db->ip_version == 4) return C2D_ERR_MMDB_IPV6_IN_IPV4;
    uint32_t nc = db->node_count;
    uint64_t hi = c2d__ld_u64be(addr), lo = c2d__ld_u64be(addr + 8);
    uint32_t top = (uint32_t)(hi >> (64u - V4_TABLE_BITS));
    uint32_t node = db->v6_record[top];
    unsigned depth = V4_TABLE_BITS;
    if (node >= nc) return finish(db, node, db->v6_depth[top], r);
    switch (db->record_size) {
    case 24: {
        enum { NB = 6 };
        C2D_V6_WALK(rec24);
        break;
    }
    case 28: {
        enum { NB = 7 };
        C2D_V6_WALK(rec28);
        break;
    }
    default: {
        enum { NB = 8 };
        C2D_V6_WALK(rec32);
        break;
    }
    }
    return finish(db, node, depth, r);
}

/* ------------------------------------------------------ address text */

static bool parse_v4_text(const char *s, size_t n, uint8_t out[4]) {
    size_t i = 0;
    for (int part = 0; part < 4; part++) {
        size_t start = i;
        unsigned v = 0;
        while (i < n && s[i] >= '0' && s[i] <= '9' && i - start < 4) v = v * 10 + (unsigned)(s[i++] - '0');
        size_t digits = i - start;
        if (digits == 0 || digits > 3 || v > 255 || (digits > 1 && s[start] == '0')) return false;
        out[part] = (uint8_t)v;
        if (part < 3) {
            if (i >= n || s[i] != '.') return false;
            i++;
        }
    }
    return i == n;
}

static int hexval(char c) {
    if (c >= '0' && c <= '9') return c - '0';
    if (c >= 'a' && c <= 'f') return c - 'a' + 10;
    if (c >= 'A' && c <= 'F') return c - 'A' + 10;
    return -1;
}

static bool parse_v6_text(const char *s, size_t n, uint8_t out[16]) {
    uint16_t g[8];
    int ng = 0, gap = -1;
    size_t i = 0;
    if (n >= 2 && s[0] == ':' && s[1] == ':') {
        gap = 0;
        i = 2;
    } else if (n == 0 || s[0] == ':') {
        return false;
    }
    while (i < n) {
        size_t j = i;
        bool dot = false;
        while (j < n && s[j] != ':') {
            if (s[j] == '.') dot = true;
            j++;
        }
        if (dot) { /* dotted IPv4 tail: last token, two groups */
            uint8_t v4[4];
            if (j != n || ng > 6 || !parse_v4_text(s + i, n - i, v4)) return false;
            g[ng++] = (uint16_t)(v4[0] << 8 | v4[1]);
            g[ng++] = (uint16_t)(v4[2] << 8 | v4[3]);
            i = n;
            break;
        }
        if (j == i || j - i > 4 || ng >= 8) return false;
        unsigned v = 0;
        for (size_t k = i; k < j; k++) {
            int h = hexval(s[k]);
            if (h < 0) return false;
            v = v << 4 | (unsigned)h;
        }
        g[ng++] = (uint16_t)v;
        i = j;
        if (i == n) break;
        i++; /* the ':' */
        if (i < n && s[i] == ':') {
            if (gap >= 0) return false;
            gap = ng;
            i++;
        } else if (i == n) {
            return false; /* trailing single ':' */
        }
    }
    if (gap < 0 ? ng != 8 : ng > 7) return false;
    uint16_t full[8] = {0};
    if (gap < 0) {
        memcpy(full, g, sizeof full);
    } else {
        int tail = ng - gap;
        for (int k = 0; k < gap; k++) full[k] = g[k];
        for (int k = 0; k < tail; k++) full[8 - tail + k] = g[gap + k];
    }
    for (int k = 0; k < 8; k++) {
        out[2 * k] = (uint8_t)(full[k] >> 8);
        out[2 * k + 1] = (uint8_t)full[k];
    }
    return true;
}

c2d_status c2d_geo_parse_ip(const char *text, int *family, uint8_t addr[16]) {
    if (!text || !family || !addr) return C2D_ERR_INVALID_ARG;
    size_t n = strlen(text);
    if (n == 0 || n > 45) return C2D_ERR_INVALID_ARG;
    if (memchr(text, ':', n)) {
        if (!parse_v6_text(text, n, addr)) return C2D_ERR_INVALID_ARG;
        *family = 6;
        return C2D_OK;
    }
    if (!parse_v4_text(text, n, addr)) return C2D_ERR_INVALID_ARG;
    *family = 4;
    return C2D_OK;
}

c2d_status c2d_geodb_lookup(const c2d_geodb *db, const char *ip, c2d_geo_result *r) {
    int family;
    uint8_t a[16];
    if (!db || !r) return C2D_ERR_INVALID_ARG;
    c2d_status st = c2d_geo_parse_ip(ip, &family, a);
    if (st != C2D_OK) return st;
    if (family == 4) return c2d_geodb_lookup_ipv4(db, c2d__ld_u32be(a), r);
    return c2d_geodb_lookup_ipv6(db, a, r);
}

/* ------------------------------------------------------------ open */

/* Last marker inside the final 128 KiB; SIZE_MAX when absent. */
static size_t find_marker(const uint8_t *p, size_t len) {
    if (len < sizeof mmdb_marker) return SIZE_MAX;
    size_t lowest = len > MMDB_META_WINDOW ? len - MMDB_META_WINDOW : 0;
    for (size_t i = len - sizeof mmdb_marker + 1; i-- > lowest;)
        if (p[i] == 0xAB && memcmp(p + i, mmdb_marker, sizeof mmdb_marker) == 0) return i;
    return SIZE_MAX;
}

static bool meta_uint(const c2d_geo_value *v, uint64_t max, uint64_t *out) {
    if (v->type != C2D_GEO_UINT16 && v->type != C2D_GEO_UINT32 && v->type != C2D_GEO_UINT64 &&
        !(v->type == C2D_GEO_UINT128 && v->u128_high == 0))
        return false;
    if (v->u64 > max) return false;
    *out = v->u64;
    return true;
}

static bool key_is(const c2d_geo_value *k, const char *name) {
    size_t n = strlen(name);
    return k->count == n && memcmp(k->bytes, name, n) == 0;
}

static c2d_status parse_metadata(c2d_geodb *db) {
    c2d_geo_value root = {.size = sizeof root};
    if (decode_at(db, SEC_META, 0, 0, &root, NULL) != C2D_OK || root.type != C2D_GEO_MAP)
        return C2D_ERR_MMDB_METADATA;
    c2d_geo_iter it;
    if (c2d_geodb_iter_init(&root, &it) != C2D_OK) return C2D_ERR_MMDB_METADATA;
    bool have_nodes = false, have_record = false, have_ip = false, have_major = false;
    uint64_t u;
    c2d_geo_value k = {.size = sizeof k}, v = {.size = sizeof v};
    c2d_status st;
    while ((st = c2d_geodb_iter_next(db, &it, &k, &v)) == C2D_OK) {
        if (key_is(&k, "node_count")) {
            if (!meta_uint(&v, UINT32_MAX, &u) || u == 0) return C2D_ERR_MMDB_METADATA;
            db->node_count = (uint32_t)u;
            have_nodes = true;
        } else if (key_is(&k, "record_size")) {
            if (!meta_uint(&v, 64, &u) || (u != 24 && u != 28 && u != 32)) return C2D_ERR_MMDB_METADATA;
            db->record_size = (unsigned)u;
            have_record = true;
        } else if (key_is(&k, "ip_version")) {
            if (!meta_uint(&v, 64, &u) || (u != 4 && u != 6)) return C2D_ERR_MMDB_METADATA;
            db->ip_version = (unsigned)u;
            have_ip = true;
        } else if (key_is(&k, "binary_format_major_version")) {
            if (!meta_uint(&v, UINT16_MAX, &u)) return C2D_ERR_MMDB_METADATA;
            db->fmt_major = (uint16_t)u;
            have_major = true;
        } else if (key_is(&k, "binary_format_minor_version")) {
            if (!meta_uint(&v, UINT16_MAX, &u)) return C2D_ERR_MMDB_METADATA;
            db->fmt_minor = (uint16_t)u;
        } else if (key_is(&k, "build_epoch")) {
            if (!meta_uint(&v, UINT64_MAX, &u)) return C2D_ERR_MMDB_METADATA;
            db->build_epoch = u;
        } else if (key_is(&k, "database_type")) {
            if (v.type != C2D_GEO_STRING || memchr(v.bytes, 0, v.count)) return C2D_ERR_MMDB_METADATA;
            char *s = c2d__alloc(&db->alloc, (size_t)v.count + 1);
            if (!s) return C2D_ERR_NOMEM;
            if (v.count) memcpy(s, v.bytes, v.count);
            s[v.count] = 0;
            c2d__free(&db->alloc, db->database_type);
            db->database_type = s;
        }
    }
    if (st != C2D_ERR_NOT_FOUND) return C2D_ERR_MMDB_METADATA;
    if (!have_nodes || !have_record || !have_ip || !have_major) return C2D_ERR_MMDB_METADATA;
    if (db->fmt_major != 2) return C2D_ERR_UNSUPPORTED_VERSION;
    return C2D_OK;
}

/* Every record is a node, "empty", or a data offset inside the data section;
 * checking them once lets lookups skip the checks. */
static c2d_status check_tree(const c2d_geodb *db) {
    uint64_t nc = db->node_count;
    uint64_t limit = nc + MMDB_SEPARATOR + db->sec_len[SEC_DATA];
    for (uint32_t n = 0; n < db->node_count; n++) {
        for (unsigned b = 0; b < 2; b++) {
            uint64_t r = record_of(db, n, b);
            if (r <= nc) continue;
            if (r < nc + MMDB_SEPARATOR || r >= limit) return C2D_ERR_MMDB_TREE;
        }
    }
    return C2D_OK;
}

static void fill_table(const c2d_geodb *db, uint32_t *rec, uint8_t *dep, uint32_t node,
                       unsigned depth, uint32_t prefix) {
    if (node >= db->node_count || depth == V4_TABLE_BITS) {
        uint32_t span = 1u << (V4_TABLE_BITS - depth);
        uint32_t base = prefix << (V4_TABLE_BITS - depth);
        for (uint32_t k = 0; k < span; k++) {
            rec[base + k] = node;
            dep[base + k] = (uint8_t)depth;
        }
        return;
    }
    fill_table(db, rec, dep, record_of(db, node, 0), depth + 1, prefix << 1);
    fill_table(db, rec, dep, record_of(db, node, 1), depth + 1, prefix << 1 | 1u);
}

static c2d_status open_common(const uint8_t *p, size_t len, c2d_geodb *db) {
    if (len > C2D_GEO_MAX_FILE_BYTES) return C2D_ERR_LIMIT;
    db->file = p;
    db->file_len = len;
    size_t marker = find_marker(p, len);
    if (marker == SIZE_MAX) return C2D_ERR_BAD_MAGIC;
    size_t meta_start = marker + sizeof mmdb_marker;
    db->sec_p[SEC_META] = p + meta_start;
    db->sec_len[SEC_META] = len - meta_start;
    c2d_status st = parse_metadata(db);
    if (st != C2D_OK) return st;
    db->node_bytes = db->record_size / 4u;
    uint64_t tree_bytes = (uint64_t)db->node_count * db->node_bytes;
    if (tree_bytes + MMDB_SEPARATOR > marker) return C2D_ERR_MMDB_METADATA;
    db->tree = p;
    db->sec_p[SEC_DATA] = p + tree_bytes + MMDB_SEPARATOR;
    db->sec_len[SEC_DATA] = marker - (size_t)tree_bytes - MMDB_SEPARATOR;
    if ((st = check_tree(db)) != C2D_OK) return st;
    uint32_t node = 0;
    unsigned depth = 0;
    if (db->ip_version == 6)
        for (; depth < 96 && node < db->node_count; depth++) node = record_of(db, node, 0);
    db->ipv4_start = node;
    db->ipv4_start_depth = depth;
    size_t n_tables = db->ip_version == 6 ? 2 : 1;
    uint8_t *t = c2d__alloc(&db->alloc, n_tables * V4_TABLE_SIZE * (sizeof(uint32_t) + 1));
    if (!t) return C2D_ERR_NOMEM;
    db->tables = t;
    db->v4_record = (uint32_t *)(void *)t;
    db->v4_depth = t + n_tables * V4_TABLE_SIZE * sizeof(uint32_t);
    fill_table(db, db->v4_record, db->v4_depth, node, 0, 0);
    if (n_tables == 2) {
        db->v6_record = db->v4_record + V4_TABLE_SIZE;
        db->v6_depth = db->v4_depth + V4_TABLE_SIZE;
        fill_table(db, db->v6_record, db->v6_depth, 0, 0, 0);
    }
    if (!db->database_type) {
        db->database_type = c2d__alloc(&db->alloc, 1);
        if (!db->database_type) return C2D_ERR_NOMEM;
        db->database_type[0] = 0;
    }
    return C2D_OK;
}

static c2d_status new_handle(const c2d_allocator *alloc, c2d_geodb **out) {
    c2d_allocator a;
    c2d_status st = c2d__allocator_init(&a, alloc);
    if (st != C2D_OK) return st;
    c2d_geodb *db = c2d__calloc(&a, 1, sizeof *db);
    if (!db) return C2D_ERR_NOMEM;
    db->alloc = a;
    *out = db;
    return C2D_OK;
}

c2d_status c2d_geodb_open_memory(const void *data, size_t len, const c2d_allocator *alloc,
                                 c2d_geodb **out) {
    if (out) *out = NULL;
    if (!out || (!data && len)) return C2D_ERR_INVALID_ARG;
    c2d_geodb *db;
    c2d_status st = new_handle(alloc, &db);
    if (st != C2D_OK) return st;
    st = open_common((const uint8_t *)data, len, db);
    if (st != C2D_OK) {
        c2d_geodb_free(db);
        return st;
    }
    *out = db;
    return C2D_OK;
}

c2d_status c2d_geodb_open_file(const char *path, const c2d_allocator *alloc, c2d_geodb **out) {
    if (out) *out = NULL;
    if (!path || !out) return C2D_ERR_INVALID_ARG;
    c2d_geodb *db;
    c2d_status st = new_handle(alloc, &db);
    if (st != C2D_OK) return st;
    const uint8_t *p;
    size_t len;
    st = c2d__read_file(&db->alloc, path, C2D_GEO_MAX_FILE_BYTES, &db->file_block, &p, &len);
    if (st == C2D_OK) st = open_common(p, len, db);
    if (st != C2D_OK) {
        c2d_geodb_free(db);
        return st;
    }
    *out = db;
    return C2D_OK;
}

void c2d_geodb_free(c2d_geodb *db) {
    if (!db) return;
    c2d_allocator a = db->alloc;
    c2d__free(&a, db->tables);
    c2d__free(&a, db->database_type);
    c2d__free(&a, db->file_block);
    c2d__free(&a, db);
}

c2d_status c2d_geodb_info(const c2d_geodb *db, c2d_geodb_summary *info) {
    if (!db || !info || info->size < sizeof *info) return C2D_ERR_INVALID_ARG;
    info->node_count = db->node_count;
    info->record_size = (uint16_t)db->record_size;
    info->ip_version = (uint16_t)db->ip_version;
    info->format_major = db->fmt_major;
    info->format_minor = db->fmt_minor;
    info->build_epoch = db->build_epoch;
    info->database_type = db->database_type;
    info->file_bytes = db->file_len;
    info->data_section_bytes = db->sec_len[SEC_DATA];
    info->ipv4_start_depth = db->ipv4_start_depth;
    return C2D_OK;
}

/* ------------------------------------------------------- convenience */

static c2d_status first_present(const c2d_geodb *db, const c2d_geo_result *r,
                                const char *const *paths[], const size_t lens[], size_t n,
                                c2d_geo_value *out) {
    if (!db || !r || r->size < sizeof *r) return C2D_ERR_INVALID_ARG;
    if (!r->found) return C2D_ERR_NOT_FOUND;
    c2d_geo_value rec = {.size = sizeof rec};
    c2d_status st = c2d_geodb_record(db, r, &rec);
    if (st != C2D_OK) return st;
    out->size = sizeof *out;
    for (size_t i = 0; i < n; i++) {
        st = c2d_geodb_value_get(db, &rec, paths[i], lens[i], out);
        if (st != C2D_ERR_NOT_FOUND) return st;
    }
    return C2D_ERR_NOT_FOUND;
}

c2d_status c2d_geodb_country(const c2d_geodb *db, const c2d_geo_result *r, char iso[3]) {
    static const char *const p1[] = {"country", "iso_code"};
    static const char *const p2[] = {"country_code"};
    static const char *const p3[] = {"registered_country", "iso_code"};
    static const char *const *paths[] = {p1, p2, p3};
    static const size_t lens[] = {2, 1, 2};
    if (!iso) return C2D_ERR_INVALID_ARG;
    c2d_geo_value v;
    c2d_status st = first_present(db, r, paths, lens, 3, &v);
    if (st != C2D_OK) return st;
    if (v.type != C2D_GEO_STRING || v.count != 2) return C2D_ERR_GEO_TYPE;
    iso[0] = (char)v.bytes[0];
    iso[1] = (char)v.bytes[1];
    iso[2] = 0;
    return C2D_OK;
}

c2d_status c2d_geodb_asn(const c2d_geodb *db, const c2d_geo_result *r, uint32_t *asn) {
    static const char *const p1[] = {"autonomous_system_number"};
    static const char *const p2[] = {"asn"};
    static const char *const *paths[] = {p1, p2};
    static const size_t lens[] = {1, 1};
    if (!asn) return C2D_ERR_INVALID_ARG;
    c2d_geo_value v;
    c2d_status st = first_present(db, r, paths, lens, 2, &v);
    if (st != C2D_OK) return st;
    uint64_t u;
    if (!meta_uint(&v, UINT32_MAX, &u)) return C2D_ERR_GEO_TYPE;
    *asn = (uint32_t)u;
    return C2D_OK;
}

/* State of a batch lookup: the last decoded record, reused while consecutive
 * addresses fall in it, and the caller's output arrays (any may be NULL). */
typedef struct batch_out {
    uint32_t *data_offsets;
    uint8_t *prefix_lens;
    char *iso2;
    uint32_t *asns;
    uint32_t last_offset;
    char last_iso[3];
    uint32_t last_asn;
} batch_out;

static c2d_status batch_one(const c2d_geodb *db, uint32_t addr, size_t i, batch_out *o) {
    c2d_geo_result r = {.size = sizeof r};
    c2d_status st = c2d_geodb_lookup_ipv4(db, addr, &r);
    if (st != C2D_OK) return st;
    uint32_t offset = r.found ? r.data_offset : C2D_GEO_NO_RECORD;
    if (o->data_offsets) o->data_offsets[i] = offset;
    if (o->prefix_lens) o->prefix_lens[i] = (uint8_t)r.prefix_len;
    if (!o->iso2 && !o->asns) return C2D_OK;
    if (offset != o->last_offset) {
        /* a new record: decode it (absent or mistyped fields mean "none") */
        o->last_iso[0] = o->last_iso[1] = 0;
        o->last_asn = 0;
        if (offset != C2D_GEO_NO_RECORD) {
            if (o->iso2) {
                st = c2d_geodb_country(db, &r, o->last_iso);
                if (st == C2D_ERR_NOT_FOUND || st == C2D_ERR_GEO_TYPE)
                    o->last_iso[0] = o->last_iso[1] = 0;
                else if (st != C2D_OK)
                    return st;
            }
            if (o->asns) {
                st = c2d_geodb_asn(db, &r, &o->last_asn);
                if (st == C2D_ERR_NOT_FOUND || st == C2D_ERR_GEO_TYPE)
                    o->last_asn = 0;
                else if (st != C2D_OK)
                    return st;
            }
        }
        o->last_offset = offset;
    }
    if (o->iso2) {
        o->iso2[2 * i] = o->last_iso[0];
        o->iso2[2 * i + 1] = o->last_iso[1];
    }
    if (o->asns) o->asns[i] = o->last_asn;
    return C2D_OK;
}

c2d_status c2d_geodb_lookup_ipv4_batch(const c2d_geodb *db, const uint32_t *addrs, size_t n,
                                       uint32_t *data_offsets, uint8_t *prefix_lens, char *iso2,
                                       uint32_t *asns, size_t *n_done) {
    if (n_done) *n_done = 0;
    if (!db || (!addrs && n > 0)) return C2D_ERR_INVALID_ARG;
    batch_out o = {data_offsets, prefix_lens, iso2, asns, C2D_GEO_NO_RECORD, {0, 0, 0}, 0};
    for (size_t i = 0; i < n; i++) {
        c2d_status st = batch_one(db, addrs[i], i, &o);
        if (st != C2D_OK) {
            if (n_done) *n_done = i;
            return st;
        }
    }
    if (n_done) *n_done = n;
    return C2D_OK;
}

c2d_status c2d_geodb_lookup_ipv4_text_batch(const c2d_geodb *db, const char *text, size_t len,
                                            size_t n, uint32_t *data_offsets,
                                            uint8_t *prefix_lens, char *iso2, uint32_t *asns,
                                            size_t *n_done) {
    if (n_done) *n_done = 0;
    if (!db || (!text && len > 0)) return C2D_ERR_INVALID_ARG;
    batch_out o = {data_offsets, prefix_lens, iso2, asns, C2D_GEO_NO_RECORD, {0, 0, 0}, 0};
    size_t pos = 0;
    int after_newline = 1; /* the text's start counts as after a separator */
    for (size_t i = 0; i < n; i++) {
        if (pos >= len && !after_newline) {
            if (n_done) *n_done = i;
            return C2D_ERR_TRUNCATED;
        }
        const char *line = text + pos;
        const char *nl = memchr(line, '\n', len - pos);
        size_t line_len = nl ? (size_t)(nl - line) : len - pos;
        pos += line_len + (nl ? 1 : 0);
        after_newline = nl != NULL;
        uint8_t a[4];
        if (!parse_v4_text(line, line_len, a)) {
            if (n_done) *n_done = i;
            return C2D_ERR_MALFORMED;
        }
        c2d_status st = batch_one(db, c2d__ld_u32be(a), i, &o);
        if (st != C2D_OK) {
            if (n_done) *n_done = i;
            return st;
        }
    }
    if (n_done) *n_done = n;
    /* more text than n addresses: the caller's count and text disagree (an
     * item holding a '\n'), so no result can be trusted to its item */
    return pos < len ? C2D_ERR_MALFORMED : C2D_OK;
}

c2d_status c2d_geodb_as_org(const c2d_geodb *db, const c2d_geo_result *r, char *buf, size_t cap,
                            size_t *len) {
    static const char *const p1[] = {"autonomous_system_organization"};
    static const char *const p2[] = {"as_organization"};
    static const char *const *paths[] = {p1, p2};
    static const size_t lens[] = {1, 1};
    if (!buf && cap) return C2D_ERR_INVALID_ARG;
    c2d_geo_value v;
    c2d_status st = first_present(db, r, paths, lens, 2, &v);
    if (st != C2D_OK) return st;
    if (v.type != C2D_GEO_STRING) return C2D_ERR_GEO_TYPE;
    if (len) *len = v.count;
    if (cap == 0) return C2D_ERR_BUFFER_TOO_SMALL;
    size_t n = v.count < cap ? v.count : cap - 1;
    if (n) memcpy(buf, v.bytes, n);
    buf[n] = 0;
    return v.count < cap ? C2D_OK : C2D_ERR_BUFFER_TOO_SMALL;
}
