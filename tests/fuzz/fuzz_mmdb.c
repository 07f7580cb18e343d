/* libFuzzer harness for the MMDB reader: any bytes must give a status, never a
 * crash, a hang or a read outside the buffer; an opened database is looked up,
 * and every record found is walked completely (maps, arrays, pointers). */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "c2detect.h"
#include "fuzz_alloc.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

/* Pointers make a record a DAG, which a hostile file can make exponentially
 * wide; a budget of visited values bounds the whole walk (each library call
 * is bounded on its own). */
static long budget;

static void walk(const c2d_geodb *db, const c2d_geo_value *v) {
    if (--budget < 0) return;
    if (v->type != C2D_GEO_MAP && v->type != C2D_GEO_ARRAY) return;
    c2d_geo_iter it;
    if (c2d_geodb_iter_init(v, &it) != C2D_OK) return;
    c2d_geo_value k = {.size = sizeof k}, x = {.size = sizeof x};
    /* every child costs at least one byte, so this loop is bounded by size */
    while (budget > 0 && c2d_geodb_iter_next(db, &it, &k, &x) == C2D_OK) walk(db, &x);
}

static void probe(const c2d_geodb *db, const c2d_geo_result *r) {
    if (!r->found) return;
    c2d_geo_value v = {.size = sizeof v};
    budget = 20000;
    if (c2d_geodb_record(db, r, &v) == C2D_OK) walk(db, &v);
    static const char *const paths[][3] = {{"country", "iso_code", NULL}, {"array", "2", "deep"},
                                           {"array", "-1", NULL}, {"a", NULL, NULL}};
    for (size_t i = 0; i < sizeof paths / sizeof paths[0]; i++) {
        size_t n = paths[i][2] ? 3 : paths[i][1] ? 2 : 1;
        (void)c2d_geodb_get(db, r, paths[i], n, &v);
    }
    char iso[3], org[32];
    uint32_t asn;
    (void)c2d_geodb_country(db, r, iso);
    (void)c2d_geodb_asn(db, r, &asn);
    (void)c2d_geodb_as_org(db, r, org, sizeof org, NULL);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
    c2d_geodb *db = NULL;
    const c2d_allocator *alloc = fuzz_allocator(data, size);
    if (c2d_geodb_open_memory(data, size, alloc, &db) != C2D_OK) {
        if (db) abort();
        fuzz_alloc_check(alloc);
        return 0;
    }
    c2d_geo_value m = {.size = sizeof m};
    budget = 20000;
    if (c2d_geodb_metadata(db, &m) == C2D_OK) walk(db, &m);
    static const uint32_t v4[] = {0x01010101u, 0x02020202u, 0x08080808u, 0x00000000u,
                                  0x7F000001u, 0x80000000u, 0xFFFFFFFFu, 0xC0A80001u};
    c2d_geo_result r = {.size = sizeof r};
    for (size_t i = 0; i < sizeof v4 / sizeof v4[0]; i++)
        if (c2d_geodb_lookup_ipv4(db, v4[i], &r) == C2D_OK) probe(db, &r);
    uint8_t a6[16] = {0x20, 0x01, 0x0d, 0xb8};
    if (c2d_geodb_lookup_ipv6(db, a6, &r) == C2D_OK) probe(db, &r);
    memset(a6, 0xFF, sizeof a6);
    if (c2d_geodb_lookup_ipv6(db, a6, &r) == C2D_OK) probe(db, &r);
    /* data-driven addresses reach other parts of the tree */
    for (size_t i = 0; i + 4 <= size && i < 64; i += 4) {
        uint32_t x = (uint32_t)data[i] << 24 | (uint32_t)data[i + 1] << 16 | (uint32_t)data[i + 2] << 8 | data[i + 3];
        if (c2d_geodb_lookup_ipv4(db, x, &r) == C2D_OK) probe(db, &r);
    }
    c2d_geodb_free(db);
    fuzz_alloc_check(alloc);
    return 0;
}
