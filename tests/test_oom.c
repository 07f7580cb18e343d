/* Allocation failure, three ways, for every handle type: each allocation fails
 * in turn and so does every later one (clean NOMEM, no leak); exactly one
 * allocation fails and the caller retries the failed call on the same handle
 * (results must equal a run with no failure); and a byte budget raised step by
 * step until the whole use fits (libuv's test-loop-oom). */
#include "helpers.h"

#include <math.h>

/* ------------------------------------------------------------- digests */
static void dig(uint64_t *h, const void *p, size_t n) {
    const uint8_t *b = (const uint8_t *)p;
    for (size_t i = 0; i < n; i++) *h = (*h ^ b[i]) * 0x100000001B3ULL;
}
static void dig_u64(uint64_t *h, uint64_t v) { dig(h, &v, sizeof v); }
static void dig_str(uint64_t *h, const char *s) { dig(h, s, strlen(s) + 1); }

/* A scenario uses one handle type from creation to free with allocator `ta`.
 * `retry`: a call that returns C2D_ERR_NOMEM is called once more on the same
 * handle (only where the header says the handle stays usable). Returns C2D_OK
 * or the status that ended it; *digest sums up every result. */
typedef c2d_status (*scenario_fn)(test_alloc *ta, int retry, uint64_t *digest);

#define STEP(call)                                                 \
    do {                                                           \
        st = (call);                                               \
        if (st == C2D_ERR_NOMEM && retry) st = (call);             \
        if (st) goto out;                                          \
    } while (0)

/* Sweep one scenario through all three modes; returns the number of
 * allocations of a run with no failure. */
static long sweep(scenario_fn run, const char *name) {
    test_alloc ta;
    uint64_t want = 0x84222325CBF29CE4ULL, got;
    test_alloc_init(&ta, 0);
    assert_int_equal(run(&ta, 0, &want), C2D_OK);
    assert_int_equal(ta.live, 0);
    const long n = ta.calls;
    const size_t peak = ta.bytes_peak;
    assert_true(n > 0);
    for (long k = 1; k <= n; k++) {
        /* k-th and every later allocation fail: a clean error, nothing leaks;
         * a run that still succeeds (a best-effort allocation) gives the
         * same results. */
        test_alloc_init(&ta, k);
        got = 0x84222325CBF29CE4ULL;
        c2d_status st = run(&ta, 0, &got);
        if (st != C2D_OK) {
            if (st != C2D_ERR_NOMEM) print_error("%s: fail from %ld: status %d\n", name, k, st);
            assert_int_equal(st, C2D_ERR_NOMEM);
        } else {
            assert_true(got == want);
        }
        assert_int_equal(ta.live, 0);
        /* only the k-th fails; the failed call is retried on the same handle */
        test_alloc_init_fail_only(&ta, k);
        got = 0x84222325CBF29CE4ULL;
        st = run(&ta, 1, &got);
        if (st != C2D_OK || got != want)
            print_error("%s: fail only #%ld of %ld: status %d\n", name, k, n, st);
        assert_int_equal(st, C2D_OK);
        assert_true(got == want);
        assert_int_equal(ta.failures, 1);
        assert_int_equal(ta.live, 0);
    }
    /* budget raised step by step: NOMEM until it fits, then the same results */
    const size_t steps = 97;
    for (size_t i = 0; i <= steps; i++) {
        test_alloc_init_budget(&ta, peak * i / steps);
        got = 0x84222325CBF29CE4ULL;
        c2d_status st = run(&ta, 0, &got);
        assert_int_equal(ta.live, 0);
        if (st == C2D_OK) {
            assert_true(got == want);
        } else {
            assert_int_equal(st, C2D_ERR_NOMEM);
            assert_true(i < steps); /* the peak of the first run always fits */
        }
    }
    return n;
}

/* ------------------------------------------------------------- models */
static c2d_status score_model(const c2d_model *m, uint64_t *h) {
    c2d_model_summary s = {.size = sizeof s};
    c2d_status st = c2d_model_info(m, &s);
    if (st) return st;
    dig_str(h, s.schema);
    dig_u64(h, s.n_inputs);
    if (s.kind == C2D_MODEL_FOREST) {
        float *row = calloc(s.n_inputs, sizeof *row), *proba = calloc(s.n_classes, sizeof *proba);
        if (!row || !proba) st = C2D_ERR_LIMIT;
        for (int r = 0; r < 8 && !st; r++) {
            for (uint32_t i = 0; i < s.n_inputs; i++) row[i] = (float)((i * 7 + (unsigned)r * 13) % 11) / 3.0f;
            st = c2d_forest_predict(m, row, s.n_inputs, proba, s.n_classes);
            dig(h, proba, s.n_classes * sizeof *proba);
        }
        free(row);
        free(proba);
        return st;
    }
    c2d_cnn_shape_info sh = {.size = sizeof sh};
    if ((st = c2d_cnn_shape(m, &sh))) return st;
    size_t scratch_n = 0;
    if ((st = c2d_cnn_scratch_size(m, &scratch_n))) return st;
    void *scratch = malloc(scratch_n); /* caller memory: not the model's allocator */
    uint16_t *tok = calloc(sh.seq_len, sizeof *tok);
    float *out = calloc(sh.n_classes, sizeof *out);
    if (!scratch || !tok || !out) st = C2D_ERR_LIMIT;
    for (int r = 0; r < 4 && !st; r++) {
        for (uint32_t i = 0; i < sh.seq_len; i++) tok[i] = (uint16_t)((i * 5u + (unsigned)r) % sh.vocab);
        st = c2d_cnn_predict(m, tok, 1, scratch, scratch_n, C2D_CNN_PROBA, out, sh.n_classes);
        dig(h, out, sh.n_classes * sizeof *out);
    }
    free(scratch);
    free(tok);
    free(out);
    return st;
}

static c2d_status run_models(test_alloc *ta, int retry, uint64_t *h) {
    c2d_status st = C2D_OK;
    c2d_model *m = NULL;
    for (size_t i = 0; c2d_model_builtin_name(i); i++) {
        STEP(c2d_model_builtin(c2d_model_builtin_name(i), &ta->api, &m));
        st = score_model(m, h);
        c2d_model_summary s = {.size = sizeof s};
        if (!st) st = c2d_model_info(m, &s);
        if (!st && s.kind == C2D_MODEL_CNN) {
            /* Rebuilding the folded tables may fail; the model stays usable
             * (unfolded, same results), and a retry folds again. */
            c2d_status fs = c2d_model_set_param(m, C2D_MODEL_PARAM_CNN_FOLD_KIB, 4096);
            if (fs == C2D_ERR_NOMEM && retry) fs = c2d_model_set_param(m, C2D_MODEL_PARAM_CNN_FOLD_KIB, 4096);
            if (fs && fs != C2D_ERR_NOMEM) st = fs;
            if (!st) st = score_model(m, h);
        }
        c2d_model_free(m);
        m = NULL;
        if (st) return st;
    }
    /* a model file read through the allocator as well */
    STEP(c2d_model_load_file(test_path("golden/forest3.c2dm"), &ta->api, &m));
    st = score_model(m, h);
out:
    c2d_model_free(m);
    return st;
}

/* -------------------------------------------------------------- IOC store */
static const char feed_csv[] =
    "# \"first_seen_utc\",\"ioc_id\",\"ioc_value\",\"ioc_type\",\"threat_type\",\"fk_malware\","
    "\"malware_alias\",\"malware_printable\",\"last_seen_utc\",\"confidence_level\",\"reference\","
    "\"tags\",\"anonymous\",\"reporter\"\n"
    "\"2024-01-02 03:04:05\", \"1\", \"198.51.100.7:443\", \"ip:port\", \"botnet_cc\", \"win.qakbot\","
    " \"\", \"QakBot\", \"\", \"100\", \"\", \"qbot\", \"0\", \"x\"\n"
    "\"2024-01-03 03:04:05\", \"2\", \"evil.example.com\", \"domain\", \"botnet_cc\", \"win.emotet\","
    " \"\", \"Emotet\", \"\", \"75\", \"\", \"\", \"0\", \"x\"\n"
    "\"2024-01-04 03:04:05\", \"3\", \"http://bad.example.net/gate.php\", \"url\", \"payload_delivery\","
    " \"win.trickbot\", \"\", \"TrickBot\", \"\", \"50\", \"\", \"tb,loader\", \"0\", \"x\"\n";

static c2d_status digest_matches(const c2d_iocdb *db, uint64_t *h) {
    uint32_t ids[8];
    size_t n = 0;
    c2d_status st;
    dig_u64(h, c2d_iocdb_count(db, C2D_IOC_UNKNOWN));
    if ((st = c2d_iocdb_match_text(db, "198.51.100.7:443", 16, ids, 8, &n))) return st;
    dig_u64(h, n);
    dig(h, ids, (n < 8 ? n : 8) * sizeof *ids);
    if ((st = c2d_iocdb_match_domain(db, "a.evil.example.com", 18, ids, 8, &n))) return st;
    dig_u64(h, n);
    dig(h, ids, (n < 8 ? n : 8) * sizeof *ids);
    if ((st = c2d_iocdb_match_ipv4(db, 0x0A000005u, 8080, ids, 8, &n))) return st;
    dig_u64(h, n);
    dig(h, ids, (n < 8 ? n : 8) * sizeof *ids);
    for (unsigned f = 1;; f++) {
        const char *name;
        size_t cnt;
        if (c2d_iocdb_family(db, f, &name, &cnt)) break;
        dig_str(h, name);
        dig_u64(h, cnt);
    }
    for (uint32_t id = 0; id < c2d_iocdb_count(db, C2D_IOC_UNKNOWN); id++) {
        c2d_ioc_info info = {.size = sizeof info};
        if ((st = c2d_iocdb_get(db, id, &info))) return st;
        dig_str(h, info.value);
        dig_str(h, info.family);
        dig_str(h, info.threat_type);
        dig_str(h, info.source);
        dig_str(h, info.tags);
        dig_u64(h, info.first_seen);
    }
    return C2D_OK;
}

/* Many families, tags and threat types, so both string tables grow several
 * times: the failure of one growth between the other's used to overflow. */
static c2d_status run_iocdb_add(test_alloc *ta, int retry, uint64_t *h) {
    c2d_iocdb *db = NULL;
    c2d_status st;
    STEP(c2d_iocdb_new(&ta->api, &db));
    for (int i = 0; i < 150; i++) {
        char value[64], family[32], tags[32], threat[32];
        snprintf(value, sizeof value, "10.%d.%d.5:%d", i / 200, i % 200, 1000 + i);
        snprintf(family, sizeof family, "family-%d", i % 70);
        snprintf(tags, sizeof tags, "tag-%d", i);
        snprintf(threat, sizeof threat, "threat-%d", i % 40);
        c2d_ioc_entry e = {.size = sizeof e, .value = value, .type = C2D_IOC_UNKNOWN,
                           .family = family, .threat_type = threat, .tags = tags,
                           .source = "oom", .confidence = (unsigned)(i % 101),
                           .first_seen = 1700000000 + i};
        STEP(c2d_iocdb_add(db, &e));
    }
    STEP(c2d_iocdb_finalize(db));
    st = digest_matches(db, h);
out:
    c2d_iocdb_free(db);
    return st;
}

/* The loaders keep what they added before a failure, so a retried load would
 * add twice: after NOMEM the partial store must still finalise and answer
 * (it is usable), then the caller starts again with a new store. */
static c2d_status run_iocdb_load(test_alloc *ta, int retry, uint64_t *h) {
    c2d_iocdb *db = NULL;
    c2d_status st;
    for (int attempt = 0; attempt < 2; attempt++) {
        STEP(c2d_iocdb_new(&ta->api, &db));
        c2d_ioc_load_report r = {.size = sizeof r};
        st = c2d_iocdb_load_memory(db, feed_csv, sizeof feed_csv - 1, NULL, &r);
        if (st == C2D_ERR_NOMEM && retry && attempt == 0) {
            if (c2d_iocdb_count(db, C2D_IOC_UNKNOWN) != r.loaded) return C2D_ERR_STATE;
            uint64_t scratch = 0;
            STEP(c2d_iocdb_finalize(db));
            STEP(digest_matches(db, &scratch));
            c2d_iocdb_free(db);
            db = NULL;
            continue;
        }
        if (st) goto out;
        dig_u64(h, r.loaded);
        dig_u64(h, r.rejected);
        dig_u64(h, r.skipped);
        break;
    }
    STEP(c2d_iocdb_finalize(db));
    st = digest_matches(db, h);
out:
    c2d_iocdb_free(db);
    return st;
}

static c2d_status run_country_counter(test_alloc *ta, int retry, uint64_t *h) {
    c2d_country_counter *cc = NULL;
    c2d_status st;
    STEP(c2d_country_counter_new(&ta->api, 64, &cc));
    static const char *const iso[] = {"JP", "US", "RU", "CN", "NL"};
    for (uint64_t c = 0; c < 40; c++) STEP(c2d_country_counter_observe(cc, c % 7, iso[c % 5]));
    for (uint64_t c = 0; c < 7; c++) {
        double rar;
        uint64_t seen, total;
        STEP(c2d_country_counter_rarity(cc, c, "RU", &rar, &seen, &total));
        dig(h, &rar, sizeof rar);
        dig_u64(h, seen);
        dig_u64(h, total);
    }
out:
    c2d_country_counter_free(cc);
    return st;
}

/* ------------------------------------------------------------ geo + ASN */
static c2d_status run_geodb(test_alloc *ta, int retry, uint64_t *h) {
    size_t n = 0;
    uint8_t *f = test_read_file(test_path("fuzz/corpus/mmdb/valid_v4_28.mmdb"), &n);
    if (!f) return C2D_ERR_IO;
    c2d_geodb *db = NULL;
    c2d_status st;
    STEP(c2d_geodb_open_memory(f, n, &ta->api, &db));
    for (uint32_t a = 0; a < 4096; a++) {
        c2d_geo_result r = {.size = sizeof r};
        STEP(c2d_geodb_lookup_ipv4(db, a * 0x00100101u, &r));
        dig_u64(h, r.found);
        dig_u64(h, r.prefix_len);
    }
    c2d_geodb_free(db);
    db = NULL;
    STEP(c2d_geodb_open_file(test_path("fuzz/corpus/mmdb/valid_v6_24.mmdb"), &ta->api, &db));
    c2d_geo_result r = {.size = sizeof r};
    STEP(c2d_geodb_lookup(db, "2001:db8::1", &r));
    dig_u64(h, r.found);
out:
    c2d_geodb_free(db);
    free(f);
    return st;
}

static c2d_status run_asntable(test_alloc *ta, int retry, uint64_t *h) {
    static const char csv[] =
        "1.0.0.0,1.0.0.255,13335,\"Cloudflare, Inc.\"\n1.0.4.0,1.0.7.255,38803,Gtelecom\n"
        "bad line\n8.8.8.0,8.8.8.255,15169,Google LLC\n1.0.4.128,1.0.8.0,1,Overlap\n";
    c2d_asntable *t = NULL;
    c2d_asntable_stats s = {.size = sizeof s};
    c2d_status st;
    STEP(c2d_asntable_load_memory(csv, sizeof csv - 1, &ta->api, &t, &s));
    dig_u64(h, s.ranges);
    dig_u64(h, s.malformed);
    dig_u64(h, s.overlapping);
    static const uint32_t q[] = {0x01000001u, 0x01000500u, 0x08080808u, 0x01000801u, 0x09000000u};
    for (size_t i = 0; i < sizeof q / sizeof q[0]; i++) {
        uint32_t asn = 0;
        const char *org = "";
        dig_u64(h, (uint64_t)(int64_t)c2d_asntable_lookup(t, q[i], &asn, &org, NULL));
        dig_u64(h, asn);
        dig_str(h, org);
    }
out:
    c2d_asntable_free(t);
    return st;
}

/* ------------------------------------------------------------------ flow */
typedef struct session_digest { uint64_t *h; } session_digest;

static void on_session(void *user, const c2d_session *s) {
    uint64_t *h = ((session_digest *)user)->h;
    dig(h, s->orig_h, 16);
    dig(h, s->resp_h, 16);
    dig_u64(h, (uint64_t)s->orig_p << 16 | s->resp_p);
    dig_u64(h, s->orig_bytes);
    dig_u64(h, s->resp_bytes);
    dig_u64(h, s->orig_pkts + s->resp_pkts);
    dig_u64(h, (uint64_t)s->end_reason << 8 | (uint64_t)s->conn_state);
    dig_u64(h, s->orig_prefix_len);
    dig(h, s->orig_prefix, s->orig_prefix_len);
    dig_u64(h, s->resp_prefix_len);
    dig(h, s->resp_prefix, s->resp_prefix_len);
}

/* A refused prefix slab is not an error of add_frame: the session goes
 * without its payload prefix and the loss is counted. With one failure the
 * run is checked for exactly that count, then redone on a new table (what a
 * caller that wants every prefix does); a run that lost a prefix with every
 * later allocation failing reports NOMEM. */
static c2d_status flow_once(test_alloc *ta, int retry, uint64_t *h, c2d_flow_stats *fs) {
    c2d_capture *cap = NULL;
    c2d_flowtable *ft = NULL;
    c2d_status st;
    STEP(c2d_capture_open_file(test_path("../examples/sample/sample.pcap"), &ta->api, &cap));
    c2d_flow_settings set;
    c2d_flow_settings_default(&set);
    set.capacity = 8; /* small, so evictions happen too */
    set.payload_prefix_len = 2048; /* 4 KiB blocks: 15 to a slab, so several slabs */
    set.hash_seed[0] = 1;
    set.hash_seed[1] = 2;
    STEP(c2d_flowtable_new(&set, &ta->api, &ft));
    session_digest sd = {h};
    c2d_flowtable_set_session_callback(ft, on_session, &sd);
    c2d_frame fr = {.size = sizeof fr};
    while ((st = c2d_capture_next(cap, &fr)) == C2D_OK) (void)c2d_flowtable_add_frame(ft, &fr);
    if (st != C2D_CAPTURE_END) goto out;
    st = C2D_OK;
    c2d_flowtable_flush(ft);
    fs->size = sizeof *fs;
    STEP(c2d_flowtable_stats(ft, fs));
    dig_u64(h, fs->packets);
    dig_u64(h, fs->sessions_evicted);
    dig_u64(h, fs->dns_messages);
    dig_u64(h, fs->prefix_bytes);
out:
    c2d_flowtable_free(ft);
    c2d_capture_free(cap);
    return st;
}

static c2d_status run_flow(test_alloc *ta, int retry, uint64_t *h) {
    c2d_flow_stats fs;
    uint64_t first = *h;
    c2d_status st = flow_once(ta, retry, &first, &fs);
    if (st) return st;
    if (fs.prefix_alloc_failed) {
        if (!retry) return C2D_ERR_NOMEM;
        if (fs.prefix_alloc_failed != 1 || fs.prefix_dropped < 1) return C2D_ERR_STATE;
        first = *h;
        st = flow_once(ta, retry, &first, &fs);
        if (!st && fs.prefix_alloc_failed) st = C2D_ERR_STATE;
    }
    *h = first;
    return st;
}

/* ------------------------------------------------------------------- DGA */
static const char *const dga_names[] = {"www.google.com", "xjw3kq9zzpl4.net", "mail.example.co.uk",
                                        "qwpeoirutyalskdjfhgz.biz", "login.microsoftonline.com"};

static c2d_status run_dga(test_alloc *ta, int retry, uint64_t *h) {
    c2d_dga_ensemble *ens = NULL;
    c2d_dga_allowlist *al = NULL;
    c2d_status st;
    STEP(c2d_dga_ensemble_builtin(&ta->api, &ens));
    STEP(c2d_dga_allowlist_new(&ta->api, &al));
    for (int i = 0; i < 60; i++) {
        char nm[40];
        int n = snprintf(nm, sizeof nm, "host.allowed%d.com", i);
        STEP(c2d_dga_allowlist_add(al, nm, (size_t)n));
    }
    STEP(c2d_dga_allowlist_add(al, "www.google.com", 14));
    dig_u64(h, c2d_dga_allowlist_count(al));
    for (size_t i = 0; i < sizeof dga_names / sizeof dga_names[0]; i++) {
        float score = -1;
        int is_dga = -1;
        STEP(c2d_dga_ensemble_score(ens, dga_names[i], strlen(dga_names[i]), &score));
        dig(h, &score, sizeof score);
        STEP(c2d_dga_ensemble_classify(ens, al, dga_names[i], strlen(dga_names[i]), NAN,
                                       &score, &is_dga));
        dig(h, &score, sizeof score);
        dig_u64(h, (uint64_t)is_dga);
    }
out:
    c2d_dga_allowlist_free(al);
    c2d_dga_ensemble_free(ens);
    return st;
}

/* ----------------------------------------------------------------- tests */
static void test_models(void **state) {
    (void)state;
    assert_true(sweep(run_models, "models") > 10);
}
static void test_iocdb_add(void **state) {
    (void)state;
    assert_true(sweep(run_iocdb_add, "iocdb_add") > 20);
}
static void test_iocdb_load(void **state) {
    (void)state;
    assert_true(sweep(run_iocdb_load, "iocdb_load") > 5);
}
static void test_country_counter(void **state) {
    (void)state;
    assert_true(sweep(run_country_counter, "country_counter") >= 1);
}
static void test_geodb(void **state) {
    (void)state;
    assert_true(sweep(run_geodb, "geodb") >= 4);
}
static void test_asntable(void **state) {
    (void)state;
    assert_true(sweep(run_asntable, "asntable") >= 2);
}
static void test_flow(void **state) {
    (void)state;
    assert_true(sweep(run_flow, "flow") >= 4);
}
static void test_dga(void **state) {
    (void)state;
    assert_true(sweep(run_dga, "dga") >= 3);
}

/* The string-table bug on its own: fail only the allocation that grows the
 * family table's count buffer, then add again. Before the fix the second add
 * wrote past the count buffer (ASan: heap-buffer-overflow). */
static void test_iocdb_count_buffer_regression(void **state) {
    (void)state;
    for (long k = 1; k <= 40; k++) {
        test_alloc ta;
        test_alloc_init_fail_only(&ta, k);
        c2d_iocdb *db = NULL;
        c2d_status st = c2d_iocdb_new(&ta.api, &db);
        if (st == C2D_ERR_NOMEM) st = c2d_iocdb_new(&ta.api, &db);
        assert_int_equal(st, C2D_OK);
        for (int i = 0; i < 40; i++) {
            char fam[16];
            snprintf(fam, sizeof fam, "f%d", i);
            c2d_ioc_entry e = {.size = sizeof e, .value = "192.0.2.1", .type = C2D_IOC_IP,
                               .family = fam};
            st = c2d_iocdb_add(db, &e);
            if (st == C2D_ERR_NOMEM) st = c2d_iocdb_add(db, &e);
            assert_int_equal(st, C2D_OK);
        }
        assert_int_equal(c2d_iocdb_count(db, C2D_IOC_UNKNOWN), 40);
        const char *name;
        size_t cnt;
        assert_int_equal(c2d_iocdb_family(db, 40, &name, &cnt), C2D_OK);
        assert_string_equal(name, "f39");
        assert_int_equal(cnt, 1);
        c2d_iocdb_free(db);
        assert_int_equal(ta.live, 0);
    }
}

int main(void) {
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_iocdb_count_buffer_regression),
        cmocka_unit_test(test_iocdb_add),
        cmocka_unit_test(test_iocdb_load),
        cmocka_unit_test(test_country_counter),
        cmocka_unit_test(test_geodb),
        cmocka_unit_test(test_asntable),
        cmocka_unit_test(test_flow),
        cmocka_unit_test(test_dga),
        cmocka_unit_test(test_models),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
