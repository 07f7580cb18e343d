/* The shared-object contract (DESIGN.md "Threads"): loaded models, IOC stores
 * and MMDB readers are immutable and shared by any number of threads. Eight
 * threads score one DGA ensemble (forest + CNN) and one forest on its own, match one IOC
 * store and look up one MMDB at once; every result must equal the
 * single-threaded one. Run under ThreadSanitizer (-DC2D_SANITIZE=thread,
 * tests/run_all.sh stage "tsan") it also proves there is no data race. */
#include "helpers.h"

#include <pthread.h>

#define N_THREADS 8
#define N_NAMES 64
#define N_ADDRS 512
#define ROUNDS 16

typedef struct shared {
    const c2d_dga_ensemble *ens;
    const c2d_model *forest;
    const c2d_iocdb *ioc;
    const c2d_geodb *geo;
    char names[N_NAMES][40];
    uint32_t addrs[N_ADDRS];
} shared;

typedef struct results {
    float dga[N_NAMES];
    float forest[N_NAMES];
    uint32_t ioc_best[N_ADDRS], ioc_count[N_ADDRS];
    size_t domain_hits[N_NAMES];
    unsigned geo_prefix[N_ADDRS];
    int geo_found[N_ADDRS];
    c2d_status st;
} results;

static void compute(const shared *sh, results *r) {
    memset(r, 0, sizeof *r);
    for (int i = 0; i < N_NAMES && !r->st; i++) {
        const char *nm = sh->names[i];
        r->st = c2d_dga_ensemble_score(sh->ens, nm, strlen(nm), &r->dga[i]);
        if (!r->st) r->st = c2d_dga_score(sh->forest, nm, strlen(nm), &r->forest[i]);
        uint32_t ids[4];
        if (!r->st) r->st = c2d_iocdb_match_domain(sh->ioc, nm, strlen(nm), ids, 4, &r->domain_hits[i]);
    }
    if (!r->st)
        r->st = c2d_iocdb_match_ipv4_batch(sh->ioc, sh->addrs, NULL, N_ADDRS, r->ioc_best, r->ioc_count);
    for (int i = 0; i < N_ADDRS && !r->st; i++) {
        c2d_geo_result g = {.size = sizeof g};
        r->st = c2d_geodb_lookup_ipv4(sh->geo, sh->addrs[i], &g);
        r->geo_found[i] = g.found;
        r->geo_prefix[i] = g.prefix_len;
    }
}

typedef struct worker {
    const shared *sh;
    results r;
    pthread_t t;
} worker;

static void *run(void *p) {
    worker *w = (worker *)p;
    for (int k = 0; k < ROUNDS; k++) compute(w->sh, &w->r);
    return NULL;
}

static void test_shared_objects_agree(void **state) {
    (void)state;
    shared sh;
    memset(&sh, 0, sizeof sh);
    c2d_dga_ensemble *ens = NULL;
    assert_int_equal(c2d_dga_ensemble_builtin(NULL, &ens), C2D_OK);
    c2d_model *forest = NULL;
    assert_int_equal(c2d_model_builtin("dga-fanci", NULL, &forest), C2D_OK);
    c2d_iocdb *ioc = NULL;
    assert_int_equal(c2d_iocdb_new(NULL, &ioc), C2D_OK);
    static const char feed[] = "evil.example.com\n10.0.0.0/8\n192.0.2.7\n198.51.100.0/24\nbad.example.net\n";
    c2d_ioc_load_options o = {.size = sizeof o, .format = C2D_IOC_FORMAT_LIST, .family = "t"};
    assert_int_equal(c2d_iocdb_load_memory(ioc, feed, sizeof feed - 1, &o, NULL), C2D_OK);
    assert_int_equal(c2d_iocdb_finalize(ioc), C2D_OK);
    size_t mlen = 0;
    uint8_t *mmdb = test_read_file(test_path("fuzz/corpus/mmdb/valid_v4_28.mmdb"), &mlen);
    assert_non_null(mmdb);
    c2d_geodb *geo = NULL;
    assert_int_equal(c2d_geodb_open_memory(mmdb, mlen, NULL, &geo), C2D_OK);
    sh.ens = ens;
    sh.forest = forest;
    sh.ioc = ioc;
    sh.geo = geo;
    for (int i = 0; i < N_NAMES; i++)
        snprintf(sh.names[i], sizeof sh.names[i], i % 3 ? "x%dqz%dk.example.com" : "www%d.bad.example.net",
                 i * 7919, i);
    for (int i = 0; i < N_ADDRS; i++) sh.addrs[i] = (uint32_t)i * 0x01F1A3C7u;
    sh.addrs[0] = 0xC0000207u; /* 192.0.2.7 */
    sh.addrs[1] = 0x0A010203u; /* inside 10/8 */

    results *want = malloc(sizeof *want);
    assert_non_null(want);
    compute(&sh, want);
    assert_int_equal(want->st, C2D_OK);
    assert_int_equal(want->ioc_count[0], 1);
    assert_int_equal(want->ioc_count[1], 1);

    worker *w = calloc(N_THREADS, sizeof *w);
    assert_non_null(w);
    for (int t = 0; t < N_THREADS; t++) {
        w[t].sh = &sh;
        assert_int_equal(pthread_create(&w[t].t, NULL, run, &w[t]), 0);
    }
    for (int t = 0; t < N_THREADS; t++) {
        assert_int_equal(pthread_join(w[t].t, NULL), 0);
        assert_int_equal(w[t].r.st, C2D_OK);
        assert_memory_equal(&w[t].r, want, sizeof *want);
    }
    free(w);
    free(want);
    c2d_geodb_free(geo);
    free(mmdb);
    c2d_iocdb_free(ioc);
    c2d_model_free(forest);
    c2d_dga_ensemble_free(ens);
}

int main(void) {
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_shared_objects_agree),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
