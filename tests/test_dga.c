/* DGA module: name validation statuses, public-suffix split (wildcards and
 * exceptions), exact feature values on hand-worked names, scoring API, schema
 * refusal, allow-list (with OOM at every allocation), built-in verdicts of the
 * forest and the CNN, dga-chars-v1 tokens on hand-worked names, CNN scores
 * equal to the integer reference, what c2d_dga_model_check refuses, and the
 * forest + CNN ensemble (score formula, tuned values, gate, refusals). */
#include <math.h>

#include "helpers.h"

#define FEQ(got, want) assert_float_equal((got), (want), 1e-6 * (1.0 + fabs((double)(want))))

static void feats(const char *name, float *f) {
    assert_int_equal(c2d_dga_features(name, strlen(name), f, C2D_DGA_N_FEATURES), C2D_OK);
}

static void assert_stats7(const float *f, double mean, double sd, double med, double mn,
                          double mx, double p25, double p75) {
    FEQ(f[0], mean);
    FEQ(f[1], sd);
    FEQ(f[2], med);
    FEQ(f[3], mn);
    FEQ(f[4], mx);
    FEQ(f[5], p25);
    FEQ(f[6], p75);
}

static void test_feature_names(void **state) {
    (void)state;
    assert_int_equal(C2D_DGA_N_FEATURES, 41);
    assert_string_equal(c2d_dga_feature_name(0), "length");
    assert_string_equal(c2d_dga_feature_name(C2D_DGA_F_GRAM2_MEAN + 6), "gram2_p75");
    assert_string_equal(c2d_dga_feature_name(C2D_DGA_F_ENTROPY), "entropy");
    assert_int_equal(C2D_DGA_V2_N_FEATURES, 47);
    assert_string_equal(c2d_dga_feature_name(C2D_DGA_N_FEATURES), "bigram_surprisal_mean");
    assert_string_equal(c2d_dga_feature_name(C2D_DGA_F_COMMON_TRIGRAM_COVERAGE),
                        "common_trigram_coverage");
    assert_int_equal(C2D_DGA_V3_N_FEATURES, 49);
    assert_string_equal(c2d_dga_feature_name(C2D_DGA_V2_N_FEATURES), "vocab_coverage");
    assert_string_equal(c2d_dga_feature_name(C2D_DGA_F_VOCAB_WORDS), "vocab_words");
    assert_null(c2d_dga_feature_name(C2D_DGA_V3_N_FEATURES));
}

static void feats2(const char *name, size_t len, float *f) {
    assert_int_equal(c2d_dga_features_v2(name, len, f, C2D_DGA_V2_N_FEATURES), C2D_OK);
    /* The first 41 are the dga-fanci-v1 row. */
    float g[C2D_DGA_N_FEATURES];
    assert_int_equal(c2d_dga_features(name, len, g, C2D_DGA_N_FEATURES), C2D_OK);
    assert_memory_equal(f, g, sizeof g);
}

/* Hand-worked dga-fanci-v2 language features. Values q of the compiled table
 * (lib/dga/ngram_table.c, round(8 * -log2 p)) are listed per n-gram; '^' is the
 * run boundary. */
static void test_features_v2_language(void **state) {
    (void)state;
    float f[C2D_DGA_V2_N_FEATURES];
    /* www.example.co.uk: runs "www", "example".
     * bigrams ^w 39, ww 52, ww 52, w^ 28 | ^e 37, ex 43, xa 37, am 33, mp 35, pl 30,
     * le 22, e^ 22: 12 bigrams, sum 430, max 52, none >= 56.
     * trigrams ^ww 49, www 16, ww^ 10 | ^ex 26, exa 33, xam 21, amp 36, mpl 18, ple 20,
     * le^ 17: 10 trigrams, sum 246, max 49. Common (q <= 24): www covers w,w,w;
     * xam covers x,a,m; mpl adds p,l; ple adds e: 9 of 10 letters. */
    feats2("www.example.co.uk", 17, f);
    FEQ(f[C2D_DGA_F_BIGRAM_SURPRISAL_MEAN], 430.0 / (8.0 * 12.0));
    FEQ(f[C2D_DGA_F_BIGRAM_SURPRISAL_MAX], 52.0 / 8.0);
    FEQ(f[C2D_DGA_F_TRIGRAM_SURPRISAL_MEAN], 246.0 / (8.0 * 10.0));
    FEQ(f[C2D_DGA_F_TRIGRAM_SURPRISAL_MAX], 49.0 / 8.0);
    FEQ(f[C2D_DGA_F_UNLIKELY_BIGRAM_RUN], 0);
    FEQ(f[C2D_DGA_F_COMMON_TRIGRAM_COVERAGE], 0.9);
    /* xn--bcher-kva.de: runs "xn", "bcher", "kva" (10 letters).
     * bigrams ^x 55, xn 50, n^ 24 | ^b 33, bc 46, ch 23, he 19, er 23, r^ 25 |
     * ^k 43, kv 62, va 26, a^ 27: 13, sum 456, max 62; only kv >= 56: run 1.
     * trigrams ^xn 40, xn^ 25 | ^bc 53, bch 37, che 19, her 21, er^ 14 | ^kv 56,
     * kva 18, va^ 23: 10, sum 306, max 56. Common: che (c,h,e), her (+r),
     * kva (k,v,a): 7 of 10. */
    feats2("xn--bcher-kva.de", 16, f);
    FEQ(f[C2D_DGA_F_BIGRAM_SURPRISAL_MEAN], 456.0 / (8.0 * 13.0));
    FEQ(f[C2D_DGA_F_BIGRAM_SURPRISAL_MAX], 62.0 / 8.0);
    FEQ(f[C2D_DGA_F_TRIGRAM_SURPRISAL_MEAN], 306.0 / (8.0 * 10.0));
    FEQ(f[C2D_DGA_F_TRIGRAM_SURPRISAL_MAX], 56.0 / 8.0);
    FEQ(f[C2D_DGA_F_UNLIKELY_BIGRAM_RUN], 1);
    FEQ(f[C2D_DGA_F_COMMON_TRIGRAM_COVERAGE], 0.7);
    /* 192.168.1.1: no letters, all six are 0. */
    feats2("192.168.1.1", 11, f);
    for (int i = C2D_DGA_N_FEATURES; i < C2D_DGA_V2_N_FEATURES; i++) FEQ(f[i], 0);
    /* 63 x 'a' + ".com": bigrams ^a 31, 62 x aa 58, a^ 27 (64, sum 3654, every aa
     * >= 56: run 62); trigrams ^aa 53, 61 x aaa 36, aa^ 20 (63, sum 2269); only
     * aa^ is common, covering the last 2 letters. */
    char name[68];
    memset(name, 'a', 63);
    memcpy(name + 63, ".com", 4);
    feats2(name, 67, f);
    FEQ(f[C2D_DGA_F_BIGRAM_SURPRISAL_MEAN], 3654.0 / (8.0 * 64.0));
    FEQ(f[C2D_DGA_F_BIGRAM_SURPRISAL_MAX], 58.0 / 8.0);
    FEQ(f[C2D_DGA_F_TRIGRAM_SURPRISAL_MEAN], 2269.0 / (8.0 * 63.0));
    FEQ(f[C2D_DGA_F_TRIGRAM_SURPRISAL_MAX], 53.0 / 8.0);
    FEQ(f[C2D_DGA_F_UNLIKELY_BIGRAM_RUN], 62);
    FEQ(f[C2D_DGA_F_COMMON_TRIGRAM_COVERAGE], 2.0 / 63.0);
    /* Case and a trailing dot do not matter; the suffix is never scored. */
    float g[C2D_DGA_V2_N_FEATURES];
    feats2("WWW.Example.CO.UK.", 18, g);
    feats2("www.example.co.uk", 17, f);
    assert_memory_equal(f, g, sizeof f);
    feats2("co.uk", 5, f);
    for (int i = C2D_DGA_N_FEATURES; i < C2D_DGA_V2_N_FEATURES; i++) FEQ(f[i], 0);
    /* Arguments and malformed names. */
    assert_int_equal(c2d_dga_features_v2("a.com", 5, f, C2D_DGA_V2_N_FEATURES - 1),
                     C2D_ERR_INVALID_ARG);
    assert_int_equal(c2d_dga_features_v2(NULL, 3, f, C2D_DGA_V2_N_FEATURES), C2D_ERR_INVALID_ARG);
    assert_int_equal(c2d_dga_features_v2("a.com", 5, NULL, C2D_DGA_V2_N_FEATURES),
                     C2D_ERR_INVALID_ARG);
    assert_int_equal(c2d_dga_features_v2("a..com", 6, f, C2D_DGA_V2_N_FEATURES),
                     C2D_ERR_NAME_EMPTY_LABEL);
}

static void vocab(const char *name, float coverage, float words) {
    float f[C2D_DGA_V3_N_FEATURES], g[C2D_DGA_V2_N_FEATURES];
    assert_int_equal(c2d_dga_features_v3(name, strlen(name), f, C2D_DGA_V3_N_FEATURES), C2D_OK);
    /* The first 47 are the dga-fanci-v2 row. */
    assert_int_equal(c2d_dga_features_v2(name, strlen(name), g, C2D_DGA_V2_N_FEATURES), C2D_OK);
    assert_memory_equal(f, g, sizeof g);
    FEQ(f[C2D_DGA_F_VOCAB_COVERAGE], coverage);
    FEQ(f[C2D_DGA_F_VOCAB_WORDS], words);
}

/* Hand-worked dga-fanci-v3 vocabulary features. Words of the compiled
 * vocabulary (lib/dga/vocab_table.c) used here: ability, base, deal, file,
 * doubt, ball, baseball, mail, exam, example, air, airport, sex; not in it:
 * "www", "port", and no 3+ letter piece of "qxwcretkhuvchx" or of "xq". */
static void test_features_v3_vocabulary(void **state) {
    (void)state;
    /* matsnu-style: five words cover all 24 letters. */
    vocab("abilitybasedealfiledoubt.com", 1.0f, 5.0f);
    /* "base" + "ball" and "baseball" cover the same letters: the fewest words win. */
    vocab("baseball.com", 1.0f, 1.0f);
    /* "ability" covers 7 of 9 letters; not all covered, so no word count. */
    vocab("abilityxq.com", 7.0f / 9.0f, 0.0f);
    /* runs "mail", "ability", "base" (the digit cuts the label): 3 words, all 15 letters. */
    vocab("mail.ability2base.co.uk", 1.0f, 3.0f);
    /* "www" has no word; "example" beats "exam" (more letters): 7 of 10. */
    vocab("www.example.co.uk", 0.7f, 0.0f);
    vocab("qxwcretkhuvchx.co.uk", 0.0f, 0.0f);
    /* no letters, no subdomain labels: both 0. */
    vocab("192.168.1.1", 0.0f, 0.0f);
    vocab("co.uk", 0.0f, 0.0f);
    /* case and a trailing dot do not matter: "airport" + "sex". */
    vocab("AirportSex.NET.", 1.0f, 2.0f);
    /* a 63-letter label of nine words */
    char name[68];
    for (int i = 0; i < 9; i++) memcpy(name + 7 * i, "ability", 7);
    memcpy(name + 63, ".com", 5);
    vocab(name, 1.0f, 9.0f);
    float f[C2D_DGA_V3_N_FEATURES];
    assert_int_equal(c2d_dga_features_v3("a.com", 5, f, C2D_DGA_V3_N_FEATURES - 1),
                     C2D_ERR_INVALID_ARG);
    assert_int_equal(c2d_dga_features_v3(NULL, 3, f, C2D_DGA_V3_N_FEATURES), C2D_ERR_INVALID_ARG);
    assert_int_equal(c2d_dga_features_v3("a.com", 5, NULL, C2D_DGA_V3_N_FEATURES),
                     C2D_ERR_INVALID_ARG);
    assert_int_equal(c2d_dga_features_v3("a..com", 6, f, C2D_DGA_V3_N_FEATURES),
                     C2D_ERR_NAME_EMPTY_LABEL);
}

static void test_malformed_names(void **state) {
    (void)state;
    float f[C2D_DGA_N_FEATURES];
    char big[300];
    memset(big, 'a', sizeof big);
    struct {
        const char *s;
        size_t len;
        c2d_status want;
    } cases[] = {
        {"", 0, C2D_ERR_NAME_EMPTY},
        {".", 1, C2D_ERR_NAME_EMPTY},
        {".com", 4, C2D_ERR_NAME_EMPTY_LABEL},
        {"a..b", 4, C2D_ERR_NAME_EMPTY_LABEL},
        {"a.b..", 5, C2D_ERR_NAME_EMPTY_LABEL}, /* only one trailing dot is removed */
        {"exa mple.com", 12, C2D_ERR_NAME_BAD_CHAR},
        {"a\0b.com", 7, C2D_ERR_NAME_BAD_CHAR},
        {"ex!.com", 7, C2D_ERR_NAME_BAD_CHAR},
        {"caf\xc3\xa9.fr", 8, C2D_ERR_NAME_BAD_CHAR},
        {big, 254, C2D_ERR_NAME_TOO_LONG},
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++)
        assert_int_equal(c2d_dga_features(cases[i].s, cases[i].len, f, C2D_DGA_N_FEATURES),
                         cases[i].want);
    /* 64-byte label vs 63. */
    char name[80];
    memset(name, 'a', 64);
    memcpy(name + 64, ".com", 4);
    assert_int_equal(c2d_dga_features(name, 68, f, C2D_DGA_N_FEATURES),
                     C2D_ERR_NAME_LABEL_TOO_LONG);
    assert_int_equal(c2d_dga_features(name + 1, 67, f, C2D_DGA_N_FEATURES), C2D_OK);
    /* 253 bytes pass, with or without a trailing dot; the bytes past len are never read. */
    for (int i = 63; i < 253; i += 64) big[i] = '.';
    assert_int_equal(c2d_dga_features(big, 253, f, C2D_DGA_N_FEATURES), C2D_OK);
    big[253] = '.';
    assert_int_equal(c2d_dga_features(big, 254, f, C2D_DGA_N_FEATURES), C2D_OK);
    FEQ(f[C2D_DGA_F_LENGTH], 253);
    /* Arguments. */
    assert_int_equal(c2d_dga_features(NULL, 3, f, C2D_DGA_N_FEATURES), C2D_ERR_INVALID_ARG);
    assert_int_equal(c2d_dga_features("a.com", 5, NULL, C2D_DGA_N_FEATURES), C2D_ERR_INVALID_ARG);
    assert_int_equal(c2d_dga_features("a.com", 5, f, C2D_DGA_N_FEATURES - 1), C2D_ERR_INVALID_ARG);
    assert_int_equal(c2d_dga_features(NULL, 0, f, C2D_DGA_N_FEATURES), C2D_ERR_NAME_EMPTY);
    assert_string_equal(c2d_status_name(C2D_ERR_NAME_LABEL_TOO_LONG), "C2D_ERR_NAME_LABEL_TOO_LONG");
}

static void test_normalize(void **state) {
    (void)state;
    char out[C2D_DGA_MAX_NAME + 1];
    size_t n = 0;
    assert_int_equal(c2d_dga_normalize("WWW.Example.CO.UK.", 18, out, sizeof out, &n), C2D_OK);
    assert_int_equal(n, 17);
    assert_string_equal(out, "www.example.co.uk");
    assert_int_equal(c2d_dga_normalize("Xn--Bcher-KVA.de", 16, out, 5, &n),
                     C2D_ERR_BUFFER_TOO_SMALL);
    assert_int_equal(n, 16);
    assert_int_equal(c2d_dga_normalize("_dmarc.Example.com", 18, out, sizeof out, &n), C2D_OK);
    assert_string_equal(out, "_dmarc.example.com");
}

static void split(const char *name, c2d_domain_parts *p) {
    memset(p, 0, sizeof *p);
    p->size = sizeof *p;
    assert_int_equal(c2d_dga_split(name, strlen(name), p), C2D_OK);
}

static void test_public_suffix_split(void **state) {
    (void)state;
    c2d_domain_parts p;
    split("www.Example.co.uk.", &p);
    assert_int_equal(p.name_len, 17);
    assert_int_equal(p.n_labels, 4);
    assert_int_equal(p.n_suffix_labels, 2);
    assert_int_equal(p.suffix_listed, 1);
    assert_int_equal(p.suffix_off, 12);
    assert_int_equal(p.suffix_len, 5);
    assert_int_equal(p.registrable_off, 4);
    assert_int_equal(p.registrable_len, 13);
    assert_int_equal(p.subdomain_len, 3);
    /* Wildcard "*.ck": any label under ck is a suffix ... */
    split("a.b.ck", &p);
    assert_int_equal(p.n_suffix_labels, 2);
    assert_int_equal(p.registrable_off, 0);
    assert_int_equal(p.registrable_len, 6);
    /* ... except "!www.ck": www.ck is registrable, ck the suffix. */
    split("x.www.ck", &p);
    assert_int_equal(p.n_suffix_labels, 1);
    assert_int_equal(p.registrable_off, 2);
    split("foo.city.kawasaki.jp", &p);
    assert_int_equal(p.n_suffix_labels, 2);
    split("foo.other.kawasaki.jp", &p);
    assert_int_equal(p.n_suffix_labels, 3);
    /* Unlisted TLD: the implicit "*" rule. */
    split("foo.bar.notatld", &p);
    assert_int_equal(p.n_suffix_labels, 1);
    assert_int_equal(p.suffix_listed, 0);
    assert_int_equal(p.registrable_off, 4);
    /* A name that is itself a public suffix has no registrable domain. */
    split("co.uk", &p);
    assert_int_equal(p.n_suffix_labels, 2);
    assert_int_equal(p.registrable_len, 0);
    /* Private section rules are kept. */
    split("ec2-54-1-2-3.compute-1.amazonaws.com", &p);
    assert_int_equal(p.n_suffix_labels, 4);
    p.size = 1;
    assert_int_equal(c2d_dga_split("a.com", 5, &p), C2D_ERR_INVALID_ARG);
}

/* Hand-worked: D = "wwwexample" (10 bytes), suffix co.uk. */
static void test_features_www_example_co_uk(void **state) {
    (void)state;
    float f[C2D_DGA_N_FEATURES];
    feats("www.example.co.uk", f);
    FEQ(f[C2D_DGA_F_LENGTH], 17);
    FEQ(f[C2D_DGA_F_N_SUBDOMAINS], 2);
    FEQ(f[C2D_DGA_F_SUBDOMAIN_LEN_MEAN], 5);
    FEQ(f[C2D_DGA_F_HAS_WWW_PREFIX], 1);
    FEQ(f[C2D_DGA_F_VALID_TLD], 1);
    FEQ(f[C2D_DGA_F_HAS_SINGLE_CHAR_SUBDOMAIN], 0);
    FEQ(f[C2D_DGA_F_IS_EXCLUSIVE_PREFIX_REPETITION], 0);
    FEQ(f[C2D_DGA_F_HAS_TLD_AS_SUBDOMAIN], 0);
    FEQ(f[C2D_DGA_F_DIGIT_SUBDOMAIN_RATIO], 0);
    FEQ(f[C2D_DGA_F_HEX_SUBDOMAIN_RATIO], 0);
    FEQ(f[C2D_DGA_F_UNDERSCORE_RATIO], 0);
    FEQ(f[C2D_DGA_F_HAS_IP], 0);
    FEQ(f[C2D_DGA_F_HAS_DIGITS], 0);
    FEQ(f[C2D_DGA_F_VOWEL_RATIO], 0.3);          /* e, a, e of 10 letters */
    FEQ(f[C2D_DGA_F_DIGIT_RATIO], 0);
    FEQ(f[C2D_DGA_F_ALPHABET_SIZE], 7);          /* w e x a m p l */
    FEQ(f[C2D_DGA_F_REPEATED_CHAR_RATIO], 2.0 / 7.0); /* w, e */
    FEQ(f[C2D_DGA_F_CONSECUTIVE_CONSONANT_RATIO], 0.6); /* "www" + "mpl" */
    FEQ(f[C2D_DGA_F_CONSECUTIVE_DIGIT_RATIO], 0);
    /* 1-grams: counts {1,1,1,1,1,2,3}. */
    assert_stats7(f + C2D_DGA_F_GRAM1_MEAN, 10.0 / 7.0, sqrt(26.0) / 7.0, 1, 1, 3, 1, 1.5);
    /* 2-grams: "ww" twice, 7 others once. */
    assert_stats7(f + C2D_DGA_F_GRAM2_MEAN, 9.0 / 8.0, sqrt(7.0) / 8.0, 1, 1, 2, 1, 1);
    /* 3-grams: 8 distinct. */
    assert_stats7(f + C2D_DGA_F_GRAM3_MEAN, 1, 0, 1, 1, 1, 1, 1);
    FEQ(f[C2D_DGA_F_ENTROPY], -(0.3 * log2(0.3) + 0.2 * log2(0.2) + 0.5 * log2(0.1)));
    /* Case and one trailing dot do not matter. */
    float g[C2D_DGA_N_FEATURES];
    feats("WWW.EXAMPLE.CO.UK.", g);
    assert_memory_equal(f, g, sizeof f);
}

/* Hand-worked: "192.168.1.1": TLD "1" is unlisted, D = "1921681". */
static void test_features_ip_like(void **state) {
    (void)state;
    float f[C2D_DGA_N_FEATURES];
    feats("192.168.1.1", f);
    FEQ(f[C2D_DGA_F_LENGTH], 11);
    FEQ(f[C2D_DGA_F_N_SUBDOMAINS], 3);
    FEQ(f[C2D_DGA_F_SUBDOMAIN_LEN_MEAN], 7.0 / 3.0);
    FEQ(f[C2D_DGA_F_VALID_TLD], 0);
    FEQ(f[C2D_DGA_F_HAS_SINGLE_CHAR_SUBDOMAIN], 1);
    FEQ(f[C2D_DGA_F_DIGIT_SUBDOMAIN_RATIO], 1);
    FEQ(f[C2D_DGA_F_HEX_SUBDOMAIN_RATIO], 1);
    FEQ(f[C2D_DGA_F_HAS_IP], 1);
    FEQ(f[C2D_DGA_F_HAS_DIGITS], 1);
    FEQ(f[C2D_DGA_F_VOWEL_RATIO], 0);
    FEQ(f[C2D_DGA_F_DIGIT_RATIO], 1);
    FEQ(f[C2D_DGA_F_ALPHABET_SIZE], 5);
    FEQ(f[C2D_DGA_F_REPEATED_CHAR_RATIO], 0.2);
    FEQ(f[C2D_DGA_F_CONSECUTIVE_CONSONANT_RATIO], 0);
    FEQ(f[C2D_DGA_F_CONSECUTIVE_DIGIT_RATIO], 1);
    assert_stats7(f + C2D_DGA_F_GRAM1_MEAN, 1.4, 0.8, 1, 1, 3, 1, 1);
    assert_stats7(f + C2D_DGA_F_GRAM2_MEAN, 1, 0, 1, 1, 1, 1, 1);
    assert_stats7(f + C2D_DGA_F_GRAM3_MEAN, 1, 0, 1, 1, 1, 1, 1);
    FEQ(f[C2D_DGA_F_ENTROPY], -(3.0 / 7.0) * log2(3.0 / 7.0) + (4.0 / 7.0) * log2(7.0));
    /* Dash-separated quads count too; three octets do not. */
    feats("ec2-54-1-2-3.compute-1.amazonaws.com", f);
    FEQ(f[C2D_DGA_F_HAS_IP], 1);
    feats("ip-10-0-1.example.com", f);
    FEQ(f[C2D_DGA_F_HAS_IP], 0);
    feats("1.2.3.256.example.com", f);
    FEQ(f[C2D_DGA_F_HAS_IP], 0);
}

/* Hand-worked: punycode "xn--bcher-kva.de", D = "xn--bcher-kva" (13 bytes). */
static void test_features_punycode(void **state) {
    (void)state;
    float f[C2D_DGA_N_FEATURES];
    feats("xn--bcher-kva.de", f);
    FEQ(f[C2D_DGA_F_LENGTH], 16);
    FEQ(f[C2D_DGA_F_N_SUBDOMAINS], 1);
    FEQ(f[C2D_DGA_F_SUBDOMAIN_LEN_MEAN], 13);
    FEQ(f[C2D_DGA_F_VALID_TLD], 1);
    FEQ(f[C2D_DGA_F_VOWEL_RATIO], 0.2);            /* e, a of 10 letters */
    FEQ(f[C2D_DGA_F_ALPHABET_SIZE], 11);           /* '-' counts */
    FEQ(f[C2D_DGA_F_REPEATED_CHAR_RATIO], 1.0 / 11.0);
    FEQ(f[C2D_DGA_F_CONSECUTIVE_CONSONANT_RATIO], 7.0 / 13.0); /* xn, bch, kv */
    assert_stats7(f + C2D_DGA_F_GRAM1_MEAN, 13.0 / 11.0, sqrt(40.0) / 11.0, 1, 1, 3, 1, 1);
    assert_stats7(f + C2D_DGA_F_GRAM2_MEAN, 1, 0, 1, 1, 1, 1, 1); /* 12 distinct */
    assert_stats7(f + C2D_DGA_F_GRAM3_MEAN, 1, 0, 1, 1, 1, 1, 1);
    FEQ(f[C2D_DGA_F_ENTROPY], (3.0 / 13.0) * log2(13.0 / 3.0) + (10.0 / 13.0) * log2(13.0));
}

/* Hand-worked: a 63-byte label of one letter repeated. */
static void test_features_63_byte_label(void **state) {
    (void)state;
    char name[68];
    memset(name, 'a', 63);
    memcpy(name + 63, ".com", 4);
    float f[C2D_DGA_N_FEATURES];
    assert_int_equal(c2d_dga_features(name, 67, f, C2D_DGA_N_FEATURES), C2D_OK);
    FEQ(f[C2D_DGA_F_LENGTH], 67);
    FEQ(f[C2D_DGA_F_SUBDOMAIN_LEN_MEAN], 63);
    FEQ(f[C2D_DGA_F_IS_EXCLUSIVE_PREFIX_REPETITION], 1);
    FEQ(f[C2D_DGA_F_HEX_SUBDOMAIN_RATIO], 1);
    FEQ(f[C2D_DGA_F_VOWEL_RATIO], 1);
    FEQ(f[C2D_DGA_F_ALPHABET_SIZE], 1);
    FEQ(f[C2D_DGA_F_REPEATED_CHAR_RATIO], 1);
    assert_stats7(f + C2D_DGA_F_GRAM1_MEAN, 63, 0, 63, 63, 63, 63, 63);
    assert_stats7(f + C2D_DGA_F_GRAM2_MEAN, 62, 0, 62, 62, 62, 62, 62);
    assert_stats7(f + C2D_DGA_F_GRAM3_MEAN, 61, 0, 61, 61, 61, 61, 61);
    FEQ(f[C2D_DGA_F_ENTROPY], 0);
    /* Other structural features. */
    feats("abcabc.abcabc.com", f);
    FEQ(f[C2D_DGA_F_IS_EXCLUSIVE_PREFIX_REPETITION], 1);
    feats("abcab.com", f);
    FEQ(f[C2D_DGA_F_IS_EXCLUSIVE_PREFIX_REPETITION], 0);
    feats("com.evil-site.net", f);
    FEQ(f[C2D_DGA_F_HAS_TLD_AS_SUBDOMAIN], 1);
    feats("_sip._tcp.example.com", f);
    FEQ(f[C2D_DGA_F_UNDERSCORE_RATIO], 2.0 / 15.0); /* D = "_sip_tcpexample" */
    FEQ(f[C2D_DGA_F_HAS_WWW_PREFIX], 0);
    feats("co.uk", f); /* nothing left of the suffix */
    FEQ(f[C2D_DGA_F_N_SUBDOMAINS], 0);
    FEQ(f[C2D_DGA_F_ENTROPY], 0);
    FEQ(f[C2D_DGA_F_GRAM1_MEAN], 0);
}

static void test_schema_and_args(void **state) {
    (void)state;
    c2d_model *m = NULL;
    assert_int_equal(c2d_model_builtin("test", NULL, &m), C2D_OK);
    float s = -1.0f;
    int v = 0;
    assert_int_equal(c2d_dga_score(m, "a.com", 5, &s), C2D_ERR_SCHEMA_MISMATCH);
    assert_int_equal(c2d_dga_classify(m, NULL, "a.com", 5, NAN, &s, &v), C2D_ERR_SCHEMA_MISMATCH);
    assert_int_equal(c2d_dga_model_check(m), C2D_ERR_SCHEMA_MISMATCH);
    const char *names[1] = {"a.com"};
    size_t lens[1] = {5};
    assert_int_equal(c2d_dga_score_batch(m, names, lens, 1, &s, NULL), C2D_ERR_SCHEMA_MISMATCH);
    assert_true(s == -1.0f);
    c2d_model_free(m);
    assert_int_equal(c2d_dga_score(NULL, "a.com", 5, &s), C2D_ERR_INVALID_ARG);
    assert_int_equal(c2d_dga_model_check(NULL), C2D_ERR_INVALID_ARG);
}

/* The built-in named by the test's prestate ("dga" when none): the verdict,
 * batch and allow-list tests run on the default and on both named models. */
static const char *model_name(void **state) { return *state ? (const char *)*state : "dga"; }

static c2d_model *dga_model_named(const char *name) {
    c2d_model *m = NULL;
    assert_int_equal(c2d_model_builtin(name, NULL, &m), C2D_OK);
    assert_int_equal(c2d_dga_model_check(m), C2D_OK);
    return m;
}

static void test_builtin_verdicts(void **state) {
    c2d_model *m = dga_model_named(model_name(state));
    double thr = NAN, fpr = NAN;
    assert_int_equal(c2d_model_meta_number(m, "threshold", &thr), C2D_OK);
    assert_int_equal(c2d_model_meta_number(m, "threshold_fpr", &fpr), C2D_OK);
    assert_true(thr > 0.0 && thr < 1.0);
    assert_true(fpr > 0.0 && fpr <= 0.001);
    static const char *const benign[] = {"www.google.com", "wikipedia.org", "www.example.co.uk",
                                         "mail.yahoo.co.jp", "github.com", "www.bbc.co.uk"};
    static const char *const dgas[] = {"krihpqnrgqls.com", "bmlcqkjiflco.com",
                                       "qxwcretkhuvchx.co.uk", "xkqzvtwpmrbnhgfdlsjc.net"};
    float s;
    int v;
    for (size_t i = 0; i < sizeof benign / sizeof benign[0]; i++) {
        assert_int_equal(c2d_dga_classify(m, NULL, benign[i], strlen(benign[i]), NAN, &s, &v),
                         C2D_OK);
        assert_int_equal(v, 0);
        assert_true(s < thr);
    }
    for (size_t i = 0; i < sizeof dgas / sizeof dgas[0]; i++) {
        assert_int_equal(c2d_dga_classify(m, NULL, dgas[i], strlen(dgas[i]), NAN, &s, &v), C2D_OK);
        assert_int_equal(v, 1);
        float s2 = -1;
        assert_int_equal(c2d_dga_score(m, dgas[i], strlen(dgas[i]), &s2), C2D_OK);
        assert_true(s == s2);
        /* A caller's threshold overrides the model's. */
        assert_int_equal(c2d_dga_classify(m, NULL, dgas[i], strlen(dgas[i]), 1.5, &s, &v), C2D_OK);
        assert_int_equal(v, 0);
    }
    assert_int_equal(c2d_dga_classify(m, NULL, "a..b", 4, NAN, &s, &v), C2D_ERR_NAME_EMPTY_LABEL);
    if (strcmp(model_name(state), "dga-fanci") == 0) {
        /* The forest's vocabulary features (dga-fanci-v3): matsnu-style names made
         * of its words against names that also use other words (none of the four
         * is in the data set). */
        static const char *const words_dga[] = {"structuredoubtfilebaseability.com",
                                                "confirmletterbasedealwitness.com"};
        static const char *const words_benign[] = {"riversidefamilydental.com",
                                                   "cityparkingfinder.org"};
        for (size_t i = 0; i < 2; i++) {
            assert_int_equal(c2d_dga_classify(m, NULL, words_dga[i], strlen(words_dga[i]), NAN,
                                              &s, &v), C2D_OK);
            assert_int_equal(v, 1);
            assert_int_equal(c2d_dga_classify(m, NULL, words_benign[i], strlen(words_benign[i]),
                                              NAN, &s, &v), C2D_OK);
            assert_int_equal(v, 0);
        }
    }
    c2d_model_free(m);
}

static void test_batch_equals_single(void **state) {
    c2d_model *m = dga_model_named(model_name(state));
    enum { N = 70 };
    char buf[N][32];
    const char *names[N];
    size_t lens[N];
    for (int i = 0; i < N; i++) {
        /* Deterministic mix of word-like and random-like names, one malformed. */
        unsigned x = 2654435761u * (unsigned)(i + 1);
        int n = 0;
        for (int k = 0; k < 6 + i % 11; k++, x = x * 1103515245u + 12345u)
            buf[i][n++] = (char)('a' + (x >> 16) % 26);
        memcpy(buf[i] + n, i % 3 ? ".com" : ".net", 4);
        n += 4;
        if (i == 33) buf[i][0] = '.';
        names[i] = buf[i];
        lens[i] = (size_t)n;
    }
    float scores[N];
    c2d_status st[N];
    assert_int_equal(c2d_dga_score_batch(m, names, lens, N, scores, st), C2D_OK);
    for (int i = 0; i < N; i++) {
        float s = -1;
        c2d_status want = c2d_dga_score(m, names[i], lens[i], &s);
        assert_int_equal(st[i], want);
        if (want == C2D_OK)
            assert_true(scores[i] == s);
        else
            assert_true(isnan(scores[i]));
    }
    assert_int_equal(st[33], C2D_ERR_NAME_EMPTY_LABEL);
    assert_int_equal(c2d_dga_score_batch(m, NULL, NULL, 0, NULL, NULL), C2D_OK);
    assert_int_equal(c2d_dga_score_batch(m, NULL, lens, 2, scores, NULL), C2D_ERR_INVALID_ARG);
    c2d_model_free(m);
}

static void test_allowlist(void **state) {
    c2d_model *m = dga_model_named(model_name(state));
    c2d_dga_allowlist *al = NULL;
    assert_int_equal(c2d_dga_allowlist_new(NULL, &al), C2D_OK);
    const char *dg = "krihpqnrgqls.com";
    float s;
    int v, found;
    assert_int_equal(c2d_dga_classify(m, al, dg, strlen(dg), NAN, &s, &v), C2D_OK);
    assert_int_equal(v, 1);
    assert_int_equal(c2d_dga_allowlist_add(al, "WWW.krihpqnrgqls.com.", 21), C2D_OK);
    assert_int_equal(c2d_dga_allowlist_add(al, "krihpqnrgqls.com", 16), C2D_OK);
    assert_int_equal(c2d_dga_allowlist_count(al), 1);
    assert_int_equal(c2d_dga_allowlist_contains(al, "x.y.KRIHPQNRGQLS.com", 20, &found), C2D_OK);
    assert_int_equal(found, 1);
    assert_int_equal(c2d_dga_allowlist_contains(al, "krihpqnrgqls.net", 16, &found), C2D_OK);
    assert_int_equal(found, 0);
    assert_int_equal(c2d_dga_classify(m, al, dg, strlen(dg), NAN, &s, &v), C2D_OK);
    assert_int_equal(v, 0);
    assert_true(s == 0.0f);
    assert_int_equal(c2d_dga_allowlist_add(al, "bad..name", 9), C2D_ERR_NAME_EMPTY_LABEL);
    /* Many entries force rehashing; all stay findable. */
    char nm[32];
    for (int i = 0; i < 500; i++) {
        int n = snprintf(nm, sizeof nm, "host%d.site%d.org", i, i);
        assert_int_equal(c2d_dga_allowlist_add(al, nm, (size_t)n), C2D_OK);
    }
    assert_int_equal(c2d_dga_allowlist_count(al), 501);
    for (int i = 0; i < 500; i++) {
        int n = snprintf(nm, sizeof nm, "site%d.org", i);
        assert_int_equal(c2d_dga_allowlist_contains(al, nm, (size_t)n, &found), C2D_OK);
        assert_int_equal(found, 1);
    }
    c2d_dga_allowlist_free(al);
    c2d_dga_allowlist_free(NULL);
    assert_int_equal(c2d_dga_allowlist_count(NULL), 0);
    c2d_model_free(m);
}

static void test_allowlist_oom(void **state) {
    (void)state;
    /* Fail the k-th allocation for every k until the whole sequence succeeds;
     * nothing may leak and a failed add leaves earlier entries intact. */
    for (long k = 1;; k++) {
        test_alloc ta;
        test_alloc_init(&ta, k);
        c2d_dga_allowlist *al = NULL;
        c2d_status st = c2d_dga_allowlist_new(&ta.api, &al);
        int done = 0, ok = 0;
        if (st == C2D_OK) {
            char nm[32];
            for (int i = 0; i < 40; i++) {
                int n = snprintf(nm, sizeof nm, "w.d%d.com", i);
                st = c2d_dga_allowlist_add(al, nm, (size_t)n);
                if (st != C2D_OK) break;
                ok++;
            }
            if (st == C2D_OK) done = 1;
            else assert_int_equal(st, C2D_ERR_NOMEM);
            assert_int_equal(c2d_dga_allowlist_count(al), ok);
            int found = 0;
            if (ok) {
                assert_int_equal(c2d_dga_allowlist_contains(al, "d0.com", 6, &found), C2D_OK);
                assert_int_equal(found, 1);
            }
        } else {
            assert_int_equal(st, C2D_ERR_NOMEM);
            assert_null(al);
        }
        c2d_dga_allowlist_free(al);
        assert_int_equal(ta.live, 0);
        if (done) break;
        assert_true(k < 1000);
    }
}


/* ------------------------------------------------ dga-chars-v1 tokens and CNN */
static void tokens_of(const char *name, uint16_t *tok) {
    assert_int_equal(c2d_dga_tokenize(name, strlen(name), tok, C2D_DGA_CHARS_SEQ_LEN), C2D_OK);
}

/* want[] is the unpadded tail; everything before it must be PAD. */
static void assert_tokens(const uint16_t *tok, const uint16_t *want, size_t n) {
    const size_t pad = C2D_DGA_CHARS_SEQ_LEN - n;
    for (size_t j = 0; j < pad; j++) assert_int_equal(tok[j], C2D_DGA_CHARS_PAD);
    for (size_t j = 0; j < n; j++) assert_int_equal(tok[pad + j], want[j]);
}

static void test_tokenize_hand_worked(void **state) {
    (void)state;
    uint16_t tok[C2D_DGA_CHARS_SEQ_LEN], tok2[C2D_DGA_CHARS_SEQ_LEN];
    assert_int_equal(C2D_DGA_CHARS_SEQ_LEN, 64);
    assert_int_equal(C2D_DGA_CHARS_VOCAB, 41);
    /* a=2 .=40 b=3 after START=1; 60 PADs. */
    tokens_of("a.b", tok);
    assert_tokens(tok, (const uint16_t[]){1, 2, 40, 3}, 4);
    /* Trailing dot dropped, upper case folded: "Ex-1_.COM." is "ex-1_.com". */
    tokens_of("Ex-1_.COM.", tok);
    assert_tokens(tok, (const uint16_t[]){1, 6, 25, 38, 29, 39, 40, 4, 16, 14}, 10);
    /* Punycode: x n - - b c h e r - k v a . d e */
    tokens_of("xn--bcher-kva.de", tok);
    assert_tokens(tok, (const uint16_t[]){1, 25, 15, 38, 38, 3, 4, 9, 6, 19, 38, 12, 23, 2, 40, 5, 6},
                  17);
    /* Service labels: _ 39, digits 0=28 9=37. */
    tokens_of("_sip._tcp.a09.com", tok);
    assert_tokens(tok, (const uint16_t[]){1, 39, 20, 10, 17, 40, 39, 21, 4, 17, 40, 2, 28, 37, 40, 4,
                                          16, 14},
                  18);
    /* 63 bytes: START plus the 63 bytes fill the window exactly. */
    char name[256];
    memset(name, 'q', 59);
    memcpy(name + 59, ".com", 4);
    assert_int_equal(c2d_dga_tokenize(name, 63, tok, 64), C2D_OK);
    assert_int_equal(tok[0], C2D_DGA_CHARS_START);
    for (int j = 1; j < 60; j++) assert_int_equal(tok[j], 18); /* q */
    assert_int_equal(tok[60], 40);
    assert_int_equal(tok[63], 14);
    /* 64 bytes: START falls out, the window is the 64 bytes. */
    memset(name, 'q', 60);
    memcpy(name + 60, ".com", 4);
    assert_int_equal(c2d_dga_tokenize(name, 64, tok, 64), C2D_OK);
    for (int j = 0; j < 60; j++) assert_int_equal(tok[j], 18);
    assert_int_equal(tok[60], 40);
    /* 85 bytes, a{40}.b{40}.com: the last 64 bytes are a{19} . b{40} . c o m. */
    memset(name, 'a', 40);
    name[40] = '.';
    memset(name + 41, 'b', 40);
    memcpy(name + 81, ".com", 4);
    assert_int_equal(c2d_dga_tokenize(name, 85, tok, 64), C2D_OK);
    for (int j = 0; j < 19; j++) assert_int_equal(tok[j], 2);
    assert_int_equal(tok[19], 40);
    for (int j = 20; j < 60; j++) assert_int_equal(tok[j], 3);
    assert_int_equal(tok[60], 40);
    assert_int_equal(tok[61], 4);
    assert_int_equal(tok[62], 16);
    assert_int_equal(tok[63], 14);
    /* ... and the same with a trailing dot (86 bytes in). */
    name[85] = '.';
    assert_int_equal(c2d_dga_tokenize(name, 86, tok2, 64), C2D_OK);
    assert_memory_equal(tok, tok2, sizeof tok);
    /* Bytes past len are never read: a longer buffer gives the same tokens. */
    assert_int_equal(c2d_dga_tokenize("a.bXYZ", 3, tok2, 64), C2D_OK);
    tokens_of("a.b", tok);
    assert_memory_equal(tok, tok2, sizeof tok);
    /* Statuses: as c2d_dga_normalize, and the argument checks. */
    assert_int_equal(c2d_dga_tokenize("", 0, tok, 64), C2D_ERR_NAME_EMPTY);
    assert_int_equal(c2d_dga_tokenize(".", 1, tok, 64), C2D_ERR_NAME_EMPTY);
    assert_int_equal(c2d_dga_tokenize("a..b", 4, tok, 64), C2D_ERR_NAME_EMPTY_LABEL);
    assert_int_equal(c2d_dga_tokenize("a.b..", 5, tok, 64), C2D_ERR_NAME_EMPTY_LABEL);
    assert_int_equal(c2d_dga_tokenize("ex!.com", 7, tok, 64), C2D_ERR_NAME_BAD_CHAR);
    assert_int_equal(c2d_dga_tokenize("a\0b.com", 7, tok, 64), C2D_ERR_NAME_BAD_CHAR);
    memset(name, 'a', 64);
    memcpy(name + 64, ".com", 4);
    assert_int_equal(c2d_dga_tokenize(name, 68, tok, 64), C2D_ERR_NAME_LABEL_TOO_LONG);
    memset(name, 'a', 254);
    for (int j = 50; j < 254; j += 50) name[j] = '.';
    assert_int_equal(c2d_dga_tokenize(name, 254, tok, 64), C2D_ERR_NAME_TOO_LONG);
    assert_int_equal(c2d_dga_tokenize(name, 253, tok, 64), C2D_OK);
    assert_int_equal(c2d_dga_tokenize("a.b", 3, tok, 63), C2D_ERR_INVALID_ARG);
    assert_int_equal(c2d_dga_tokenize("a.b", 3, NULL, 64), C2D_ERR_INVALID_ARG);
    assert_int_equal(c2d_dga_tokenize(NULL, 3, tok, 64), C2D_ERR_INVALID_ARG);
    assert_int_equal(c2d_dga_tokenize(NULL, 0, tok, 64), C2D_ERR_NAME_EMPTY);
}

/* Every name of tests/golden/dga_cnn_scores.txt (written by c2detect.train_dga_cnn
 * with the numpy integer reference of the shipped dga-cnn model): the C engine's
 * logit must have the same float32 bits, and c2d_dga_score must be its sigmoid. */
static void test_cnn_scores_equal_reference(void **state) {
    (void)state;
    c2d_model *m = dga_model_named("dga-cnn");
    size_t scratch_n = 0;
    assert_int_equal(c2d_cnn_scratch_size(m, &scratch_n), C2D_OK);
    assert_true(scratch_n <= C2D_DGA_CNN_SCRATCH_MAX);
    void *scratch = malloc(scratch_n);
    FILE *f = fopen(test_path("golden/dga_cnn_scores.txt"), "r");
    assert_non_null(f);
    char line[512];
    int n = 0;
    enum { MAXN = 400 };
    static char names[MAXN][256];
    static const char *ptrs[MAXN];
    static size_t lens[MAXN];
    static float want_score[MAXN];
    while (fgets(line, sizeof line, f)) {
        if (line[0] == '#') continue;
        char *tab = strchr(line, '\t');
        assert_non_null(tab);
        *tab = '\0';
        unsigned bits = 0;
        assert_int_equal(sscanf(tab + 1, "%x", &bits), 1);
        float want;
        uint32_t b32 = bits;
        memcpy(&want, &b32, sizeof want);
        uint16_t tok[C2D_DGA_CHARS_SEQ_LEN];
        tokens_of(line, tok);
        float logit = NAN;
        assert_int_equal(c2d_cnn_predict(m, tok, 1, scratch, scratch_n, C2D_CNN_LOGITS, &logit, 1),
                         C2D_OK);
        assert_memory_equal(&logit, &want, sizeof want);
        float s = -1;
        assert_int_equal(c2d_dga_score(m, line, strlen(line), &s), C2D_OK);
        assert_true(s == 1.0f / (1.0f + expf(-want)));
        assert_true(n < MAXN);
        strcpy(names[n], line);
        ptrs[n] = names[n];
        lens[n] = strlen(line);
        want_score[n] = s;
        n++;
    }
    fclose(f);
    assert_true(n >= 300);
    /* The batch path (16 sequences per engine call) gives the same floats. */
    static float got[MAXN];
    assert_int_equal(c2d_dga_score_batch(m, ptrs, lens, (size_t)n, got, NULL), C2D_OK);
    assert_memory_equal(got, want_score, (size_t)n * sizeof(float));
    free(scratch);
    c2d_model_free(m);
    /* With the engine's embedding folding off the scratch is far larger (the
     * scoring calls then use their C2D_DGA_CNN_SCRATCH_MAX stack buffer instead
     * of the small one); the model still fits and scores bit for bit the same. */
    m = dga_model_named("dga-cnn");
    size_t folded = scratch_n;
    assert_int_equal(c2d_model_set_param(m, C2D_MODEL_PARAM_CNN_FOLD_KIB, 0), C2D_OK);
    assert_int_equal(c2d_cnn_scratch_size(m, &scratch_n), C2D_OK);
    assert_true(scratch_n > 4096 && scratch_n > folded);
    assert_true(scratch_n <= C2D_DGA_CNN_SCRATCH_MAX);
    assert_int_equal(c2d_dga_model_check(m), C2D_OK);
    for (int i = 0; i < n; i++) {
        float s = -1;
        assert_int_equal(c2d_dga_score(m, ptrs[i], lens[i], &s), C2D_OK);
        assert_true(s == want_score[i]);
    }
    memset(got, 0, sizeof got);
    assert_int_equal(c2d_dga_score_batch(m, ptrs, lens, (size_t)n, got, NULL), C2D_OK);
    assert_memory_equal(got, want_score, (size_t)n * sizeof(float));
    c2d_model_free(m);
}

static c2d_model *load_golden_model(const char *rel) {
    c2d_model *m = NULL;
    assert_int_equal(c2d_model_load_file(test_path(rel), NULL, &m), C2D_OK);
    return m;
}

/* Models written by c2detect.dga_cnn_testmodels: each refused for its reason by
 * every entry point, and nothing written. */
static void test_cnn_model_check(void **state) {
    (void)state;
    static const struct {
        const char *file;
        c2d_status want;
    } cases[] = {
        {"golden/dga_chars_seq32.c2dm", C2D_ERR_SCHEMA_MISMATCH},
        {"golden/dga_chars_2logits.c2dm", C2D_ERR_SCHEMA_MISMATCH},
        {"golden/dga_chars_vocab40.c2dm", C2D_ERR_SCHEMA_MISMATCH},
        {"golden/dga_chars_bigscratch.c2dm", C2D_ERR_LIMIT},
        {"golden/dga_chars_forest.c2dm", C2D_ERR_KIND_MISMATCH},
        {"golden/cnn_golden.c2dm", C2D_ERR_SCHEMA_MISMATCH},
        {"golden/dga_chars_ok.c2dm", C2D_OK},
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        c2d_model *m = load_golden_model(cases[i].file);
        assert_int_equal(c2d_dga_model_check(m), cases[i].want);
        float s = -1.0f;
        int v = -1;
        const char *nm[1] = {"a.com"};
        size_t ln[1] = {5};
        if (cases[i].want == C2D_ERR_LIMIT) {
            size_t need = 0;
            assert_int_equal(c2d_cnn_scratch_size(m, &need), C2D_OK);
            assert_true(need > C2D_DGA_CNN_SCRATCH_MAX);
        }
        if (cases[i].want == C2D_OK) {
            /* A valid dga-chars-v1 CNN scores; it has no threshold. */
            assert_int_equal(c2d_dga_score(m, "a.com", 5, &s), C2D_OK);
            assert_true(s >= 0.0f && s <= 1.0f);
            assert_int_equal(c2d_dga_classify(m, NULL, "a.com", 5, NAN, &s, &v), C2D_ERR_NOT_FOUND);
            assert_int_equal(c2d_dga_classify(m, NULL, "a.com", 5, 2.0, &s, &v), C2D_OK);
            assert_int_equal(v, 0);
            assert_int_equal(c2d_dga_score(m, "a..com", 6, &s), C2D_ERR_NAME_EMPTY_LABEL);
        } else {
            assert_int_equal(c2d_dga_score(m, "a.com", 5, &s), cases[i].want);
            assert_int_equal(c2d_dga_classify(m, NULL, "a.com", 5, 0.5, &s, &v), cases[i].want);
            assert_int_equal(c2d_dga_score_batch(m, nm, ln, 1, &s, NULL), cases[i].want);
            assert_true(s == -1.0f);
            assert_int_equal(v, -1);
        }
        c2d_model_free(m);
    }
    /* The built-ins pass; the CNN's scratch fits the documented bound. */
    static const char *const builtins[] = {"dga", "dga-fanci", "dga-cnn"};
    for (size_t i = 0; i < 3; i++) c2d_model_free(dga_model_named(builtins[i]));
}

/* ------------------------------------------------------------------ ensemble */

/* The ensemble score from its two models' own outputs, as documented. */
static float ensemble_expected(const c2d_model *forest, const c2d_model *cnn, const char *name) {
    float p = -1.0f, z = NAN;
    uint16_t tok[C2D_DGA_CHARS_SEQ_LEN];
    unsigned char scratch[4096];
    assert_int_equal(c2d_dga_score(forest, name, strlen(name), &p), C2D_OK);
    assert_int_equal(c2d_dga_tokenize(name, strlen(name), tok, C2D_DGA_CHARS_SEQ_LEN), C2D_OK);
    assert_int_equal(c2d_cnn_predict(cnn, tok, 1, scratch, sizeof scratch, C2D_CNN_LOGITS, &z, 1),
                     C2D_OK);
    double q = p < 1e-6 ? 1e-6 : p > 1.0 - 1e-6 ? 1.0 - 1e-6 : p;
    return (float)(1.0 / (1.0 + exp(-(log(q / (1.0 - q)) + z) / 2.0)));
}

static void assert_ensemble_score(const c2d_dga_ensemble *e, const c2d_model *forest,
                                  const c2d_model *cnn, const char *name) {
    float s = -1.0f;
    assert_int_equal(c2d_dga_ensemble_score(e, name, strlen(name), &s), C2D_OK);
    const float want = ensemble_expected(forest, cnn, name);
    assert_float_equal(s, want, 2e-7); /* float rounding of the same double formula */
}

/* The built-in pair: tuned values from the CNN's metadata, the documented
 * score, verdicts on obvious names, batch == single. */
static void test_ensemble_builtin(void **state) {
    (void)state;
    c2d_dga_ensemble *e = NULL;
    assert_int_equal(c2d_dga_ensemble_builtin(NULL, &e), C2D_OK);
    c2d_dga_ensemble_summary info;
    memset(&info, 0, sizeof info);
    info.size = sizeof info;
    assert_int_equal(c2d_dga_ensemble_info(e, &info), C2D_OK);
    assert_int_equal(info.tuned, 1);
    double thr = NAN, gate = NAN, fpr = NAN;
    assert_int_equal(c2d_model_meta_number(info.cnn, "ensemble.threshold", &thr), C2D_OK);
    assert_int_equal(c2d_model_meta_number(info.cnn, "ensemble.gate", &gate), C2D_OK);
    assert_int_equal(c2d_model_meta_number(info.cnn, "ensemble.threshold_fpr", &fpr), C2D_OK);
    assert_true(info.threshold == thr && info.gate == gate && info.threshold_fpr == fpr);
    assert_true(thr > 0.5 && thr < 1.0 && gate > 0.0 && gate < 1.0 && fpr == 0.001);
    c2d_model_summary fs, cs;
    fs.size = cs.size = sizeof fs;
    assert_int_equal(c2d_model_info(info.forest, &fs), C2D_OK);
    assert_int_equal(c2d_model_info(info.cnn, &cs), C2D_OK);
    assert_string_equal(fs.schema, C2D_DGA_SCHEMA_V3);
    assert_string_equal(cs.schema, C2D_DGA_SCHEMA_CHARS);

    /* The last two of each: names glued from words, none of them in the data
     * set. The benign ones also use words outside the wordlist DGAs' vocabulary;
     * the DGA ones are matsnu-style (every letter in a vocabulary word), and the
     * CNN alone scores the first below its own threshold (0.9929 < 0.9999). */
    static const char *const benign[] = {"www.google.com", "wikipedia.org", "www.example.co.uk",
                                         "mail.yahoo.co.jp", "github.com", "www.bbc.co.uk",
                                         "riversidefamilydental.com", "cityparkingfinder.org"};
    static const char *const dgas[] = {"krihpqnrgqls.com", "bmlcqkjiflco.com",
                                       "qxwcretkhuvchx.co.uk", "xkqzvtwpmrbnhgfdlsjc.net",
                                       "structuredoubtfilebaseability.com",
                                       "confirmletterbasedealwitness.com"};
    float s;
    int v;
    for (size_t i = 0; i < sizeof benign / sizeof benign[0]; i++) {
        assert_ensemble_score(e, info.forest, info.cnn, benign[i]);
        assert_int_equal(
            c2d_dga_ensemble_classify(e, NULL, benign[i], strlen(benign[i]), NAN, &s, &v), C2D_OK);
        assert_int_equal(v, 0);
        assert_true(s < thr);
    }
    for (size_t i = 0; i < sizeof dgas / sizeof dgas[0]; i++) {
        assert_ensemble_score(e, info.forest, info.cnn, dgas[i]);
        assert_int_equal(c2d_dga_ensemble_classify(e, NULL, dgas[i], strlen(dgas[i]), NAN, &s, &v),
                         C2D_OK);
        assert_int_equal(v, 1);
        float full = -1.0f;
        assert_int_equal(c2d_dga_ensemble_score(e, dgas[i], strlen(dgas[i]), &full), C2D_OK);
        assert_true(s == full);
    }
    assert_int_equal(c2d_dga_ensemble_classify(e, NULL, "a..b", 4, NAN, &s, &v),
                     C2D_ERR_NAME_EMPTY_LABEL);
    assert_int_equal(c2d_dga_ensemble_score(e, "a..b", 4, &s), C2D_ERR_NAME_EMPTY_LABEL);

    /* Batch == single over 70 names (two batch blocks and a tail), one malformed. */
    enum { N = 70 };
    char buf[N][32];
    const char *names[N];
    size_t lens[N];
    for (int i = 0; i < N; i++) {
        unsigned x = 2654435761u * (unsigned)(i + 7);
        int n = 0;
        for (int k = 0; k < 5 + i % 13; k++, x = x * 1103515245u + 12345u)
            buf[i][n++] = (char)('a' + (x >> 16) % 26);
        memcpy(buf[i] + n, ".org", 4);
        n += 4;
        if (i == 40) buf[i][n - 4] = '/';
        names[i] = buf[i];
        lens[i] = (size_t)n;
    }
    float scores[N];
    c2d_status st[N];
    assert_int_equal(c2d_dga_ensemble_score_batch(e, names, lens, N, scores, st), C2D_OK);
    for (int i = 0; i < N; i++) {
        float one = -1.0f;
        c2d_status want = c2d_dga_ensemble_score(e, names[i], lens[i], &one);
        assert_int_equal(st[i], want);
        if (want == C2D_OK)
            assert_true(scores[i] == one);
        else
            assert_true(isnan(scores[i]));
    }
    assert_int_equal(st[40], C2D_ERR_NAME_BAD_CHAR);
    assert_int_equal(c2d_dga_ensemble_score_batch(e, NULL, NULL, 0, NULL, NULL), C2D_OK);
    assert_int_equal(c2d_dga_ensemble_score_batch(e, NULL, lens, 2, scores, NULL),
                     C2D_ERR_INVALID_ARG);
    c2d_dga_ensemble_free(e);
    c2d_dga_ensemble_free(NULL);
}

/* Tuned values, the gate, caller thresholds, the allow-list and what
 * c2d_dga_ensemble_new refuses, on the small models of
 * c2detect.dga_cnn_testmodels (a one-stump forest: P(DGA) 0.2 up to 10 bytes,
 * else 0.9; CNN tuned for it with threshold 0.3 and gate 0.5). */
static void test_ensemble_tuning(void **state) {
    (void)state;
    c2d_model *forest = load_golden_model("golden/dga_fanci_tiny.c2dm");
    c2d_model *cnn = load_golden_model("golden/dga_ens_cnn.c2dm");
    c2d_dga_ensemble *e = NULL;
    assert_int_equal(c2d_dga_ensemble_new(forest, cnn, NULL, &e), C2D_OK);
    c2d_dga_ensemble_summary info;
    memset(&info, 0, sizeof info);
    info.size = sizeof info;
    assert_int_equal(c2d_dga_ensemble_info(e, &info), C2D_OK);
    assert_int_equal(info.tuned, 1);
    assert_true(info.threshold == 0.3 && info.gate == 0.5 && info.threshold_fpr == 0.001);
    assert_ptr_equal(info.forest, forest);
    assert_ptr_equal(info.cnn, cnn);

    /* Short names: forest 0.2 < gate. Their full score is above the threshold,
     * so it is the gate that clears them. */
    static const char *const shorts[] = {"short.com", "a.io", "abcdefghij"};
    static const char *const longs[] = {"averylongname.com", "abcdefghijk", "xkqzvtwp.net"};
    float s, full;
    int v;
    for (size_t i = 0; i < 3; i++) {
        const char *n = shorts[i];
        assert_ensemble_score(e, forest, cnn, n);
        assert_int_equal(c2d_dga_ensemble_score(e, n, strlen(n), &full), C2D_OK);
        assert_true(full >= 0.3f);
        assert_int_equal(c2d_dga_ensemble_classify(e, NULL, n, strlen(n), NAN, &s, &v), C2D_OK);
        assert_true(s == 0.0f && v == 0);
        /* A stricter caller threshold keeps the gate; a looser one runs the CNN. */
        assert_int_equal(c2d_dga_ensemble_classify(e, NULL, n, strlen(n), 0.31, &s, &v), C2D_OK);
        assert_true(s == 0.0f && v == 0);
        assert_int_equal(c2d_dga_ensemble_classify(e, NULL, n, strlen(n), 0.29, &s, &v), C2D_OK);
        assert_true(s == full && v == 1);
    }
    for (size_t i = 0; i < 3; i++) {
        const char *n = longs[i];
        assert_ensemble_score(e, forest, cnn, n);
        assert_int_equal(c2d_dga_ensemble_score(e, n, strlen(n), &full), C2D_OK);
        assert_int_equal(c2d_dga_ensemble_classify(e, NULL, n, strlen(n), NAN, &s, &v), C2D_OK);
        assert_true(s == full);
        assert_int_equal(v, full >= 0.3f);
        assert_int_equal(v, 1);
        assert_int_equal(c2d_dga_ensemble_classify(e, NULL, n, strlen(n), 0.99, &s, &v), C2D_OK);
        assert_true(s == full && v == 0);
    }
    /* The allow-list clears a name before any model runs. */
    c2d_dga_allowlist *allow = NULL;
    assert_int_equal(c2d_dga_allowlist_new(NULL, &allow), C2D_OK);
    assert_int_equal(c2d_dga_allowlist_add(allow, "averylongname.com", 17), C2D_OK);
    assert_int_equal(
        c2d_dga_ensemble_classify(e, allow, "www.averylongname.com", 21, NAN, &s, &v), C2D_OK);
    assert_true(s == 0.0f && v == 0);
    c2d_dga_allowlist_free(allow);
    /* Arguments. */
    assert_int_equal(c2d_dga_ensemble_classify(e, NULL, NULL, 3, NAN, &s, &v), C2D_ERR_INVALID_ARG);
    assert_int_equal(c2d_dga_ensemble_classify(e, NULL, "a.io", 4, NAN, NULL, &v),
                     C2D_ERR_INVALID_ARG);
    assert_int_equal(c2d_dga_ensemble_score(NULL, "a.io", 4, &s), C2D_ERR_INVALID_ARG);
    assert_int_equal(c2d_dga_ensemble_info(e, NULL), C2D_ERR_INVALID_ARG);
    /* A caller with an older, shorter summary gets only what fits. */
    memset(&info, 0xAB, sizeof info);
    info.size = offsetof(c2d_dga_ensemble_summary, threshold);
    assert_int_equal(c2d_dga_ensemble_info(e, &info), C2D_OK);
    assert_int_equal(info.tuned, 1);
    unsigned char tail[sizeof info - offsetof(c2d_dga_ensemble_summary, threshold)];
    memset(tail, 0xAB, sizeof tail);
    assert_memory_equal((unsigned char *)&info + offsetof(c2d_dga_ensemble_summary, threshold),
                        tail, sizeof tail);
    info.size = sizeof(size_t);
    assert_int_equal(c2d_dga_ensemble_info(e, &info), C2D_ERR_INVALID_ARG);
    c2d_dga_ensemble_free(e);

    /* Tuned for another forest: scores, but no threshold and no gate. */
    c2d_model *other = load_golden_model("golden/dga_ens_cnn_other.c2dm");
    assert_int_equal(c2d_dga_ensemble_new(forest, other, NULL, &e), C2D_OK);
    info.size = sizeof info;
    assert_int_equal(c2d_dga_ensemble_info(e, &info), C2D_OK);
    assert_true(info.tuned == 0 && isnan(info.threshold) && isnan(info.threshold_fpr) &&
                info.gate == 0.0);
    assert_int_equal(c2d_dga_ensemble_classify(e, NULL, "short.com", 9, NAN, &s, &v),
                     C2D_ERR_NOT_FOUND);
    assert_int_equal(c2d_dga_ensemble_score(e, "short.com", 9, &full), C2D_OK);
    assert_int_equal(c2d_dga_ensemble_classify(e, NULL, "short.com", 9, 0.3, &s, &v), C2D_OK);
    assert_true(s == full && v == 1);
    c2d_dga_ensemble_free(e);
    c2d_model_free(other);

    /* Refused: malformed tuned values, wrong kinds or schemas, bad arguments, OOM. */
    static const char *const bad[] = {"golden/dga_ens_cnn_nothr.c2dm",
                                      "golden/dga_ens_cnn_badgate.c2dm",
                                      "golden/dga_ens_cnn_textcrc.c2dm"};
    for (size_t i = 0; i < 3; i++) {
        c2d_model *m = load_golden_model(bad[i]);
        e = (c2d_dga_ensemble *)&info;
        assert_int_equal(c2d_dga_ensemble_new(forest, m, NULL, &e), C2D_ERR_MALFORMED);
        assert_null(e);
        c2d_model_free(m);
    }
    c2d_model *chars_forest = load_golden_model("golden/dga_chars_forest.c2dm");
    c2d_model *http = NULL;
    assert_int_equal(c2d_model_builtin("http", NULL, &http), C2D_OK);
    assert_int_equal(c2d_dga_ensemble_new(cnn, cnn, NULL, &e), C2D_ERR_KIND_MISMATCH);
    assert_int_equal(c2d_dga_ensemble_new(forest, forest, NULL, &e), C2D_ERR_KIND_MISMATCH);
    assert_int_equal(c2d_dga_ensemble_new(chars_forest, cnn, NULL, &e), C2D_ERR_KIND_MISMATCH);
    assert_int_equal(c2d_dga_ensemble_new(http, cnn, NULL, &e), C2D_ERR_SCHEMA_MISMATCH);
    assert_int_equal(c2d_dga_ensemble_new(forest, http, NULL, &e), C2D_ERR_SCHEMA_MISMATCH);
    assert_int_equal(c2d_dga_ensemble_new(NULL, cnn, NULL, &e), C2D_ERR_INVALID_ARG);
    assert_int_equal(c2d_dga_ensemble_new(forest, cnn, NULL, NULL), C2D_ERR_INVALID_ARG);
    assert_int_equal(c2d_dga_ensemble_builtin(NULL, NULL), C2D_ERR_INVALID_ARG);
    test_alloc ta;
    test_alloc_init(&ta, 1);
    assert_int_equal(c2d_dga_ensemble_new(forest, cnn, &ta.api, &e), C2D_ERR_NOMEM);
    assert_null(e);
    /* The built-in pair: OOM at every allocation leaks nothing. */
    for (long k = 1;; k++) {
        test_alloc_init(&ta, k);
        c2d_status got = c2d_dga_ensemble_builtin(&ta.api, &e);
        if (got == C2D_OK) {
            c2d_dga_ensemble_free(e);
            assert_int_equal(ta.live, 0);
            break;
        }
        assert_int_equal(got, C2D_ERR_NOMEM);
        assert_null(e);
        assert_int_equal(ta.live, 0);
    }
    c2d_model_free(http);
    c2d_model_free(chars_forest);
    c2d_model_free(cnn);
    c2d_model_free(forest);
}

int main(void) {
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_feature_names),
        cmocka_unit_test(test_malformed_names),
        cmocka_unit_test(test_normalize),
        cmocka_unit_test(test_public_suffix_split),
        cmocka_unit_test(test_features_www_example_co_uk),
        cmocka_unit_test(test_features_ip_like),
        cmocka_unit_test(test_features_punycode),
        cmocka_unit_test(test_features_63_byte_label),
        cmocka_unit_test(test_features_v2_language),
        cmocka_unit_test(test_features_v3_vocabulary),
        cmocka_unit_test(test_schema_and_args),
        cmocka_unit_test(test_builtin_verdicts),
        cmocka_unit_test_prestate(test_builtin_verdicts, (void *)"dga-fanci"),
        cmocka_unit_test_prestate(test_builtin_verdicts, (void *)"dga-cnn"),
        cmocka_unit_test(test_batch_equals_single),
        cmocka_unit_test_prestate(test_batch_equals_single, (void *)"dga-cnn"),
        cmocka_unit_test(test_allowlist),
        cmocka_unit_test_prestate(test_allowlist, (void *)"dga-cnn"),
        cmocka_unit_test(test_tokenize_hand_worked),
        cmocka_unit_test(test_cnn_scores_equal_reference),
        cmocka_unit_test(test_cnn_model_check),
        cmocka_unit_test(test_allowlist_oom),
        cmocka_unit_test(test_ensemble_builtin),
        cmocka_unit_test(test_ensemble_tuning),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
