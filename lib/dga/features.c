/* FANCI-style features of one query name (schema dga-fanci-v1). Every feature is
 * defined in docs/features.md, "DGA features"; bindings/python/c2detect/dga.py is
 * the bit-for-bit twin. Allocation-free, locale-free, double arithmetic. */
#include <math.h>
#include <string.h>

#include "dga/dga_internal.h"

static const char *const feature_names[C2D_DGA_N_FEATURES] = {
    "length", "n_subdomains", "subdomain_len_mean", "has_www_prefix", "valid_tld",
    "has_single_char_subdomain", "is_exclusive_prefix_repetition", "has_tld_as_subdomain",
    "digit_subdomain_ratio", "hex_subdomain_ratio", "underscore_ratio", "has_ip",
    "has_digits", "vowel_ratio", "digit_ratio", "alphabet_size", "repeated_char_ratio",
    "consecutive_consonant_ratio", "consecutive_digit_ratio",
    "gram1_mean", "gram1_std", "gram1_median", "gram1_min", "gram1_max", "gram1_p25", "gram1_p75",
    "gram2_mean", "gram2_std", "gram2_median", "gram2_min", "gram2_max", "gram2_p25", "gram2_p75",
    "gram3_mean", "gram3_std", "gram3_median", "gram3_min", "gram3_max", "gram3_p25", "gram3_p75",
    "entropy"};

const char *c2d_dga_feature_name(size_t index) {
    return index < C2D_DGA_N_FEATURES ? feature_names[index] : NULL;
}

static inline int is_digit(char c) { return c >= '0' && c <= '9'; }
static inline int is_letter(char c) { return c >= 'a' && c <= 'z'; }
static inline int is_vowel(char c) {
    return c == 'a' || c == 'e' || c == 'i' || c == 'o' || c == 'u';
}
static inline int is_consonant(char c) { return is_letter(c) && !is_vowel(c); }
static inline int is_hex(char c) { return is_digit(c) || (c >= 'a' && c <= 'f'); }

/* 1-3 decimal digits with value <= 255. */
static int is_octet(const char *s, size_t n) {
    if (n == 0 || n > 3) return 0;
    unsigned v = 0;
    for (size_t i = 0; i < n; i++) {
        if (!is_digit(s[i])) return 0;
        v = v * 10u + (unsigned)(s[i] - '0');
    }
    return v <= 255u;
}

/* Four consecutive octets separated by `sep` inside s[0..n), where each octet is
 * bounded by the start/end of s or by `sep`. */
static int has_quad(const char *s, size_t n, char sep) {
    size_t run = 0, start = 0;
    for (size_t i = 0; i <= n; i++) {
        if (i == n || s[i] == sep) {
            run = is_octet(s + start, i - start) ? run + 1 : 0;
            if (run >= 4) return 1;
            start = i + 1;
        }
    }
    return 0;
}

static void sort_u32(uint32_t *a, size_t n) {
    for (size_t i = 1; i < n; i++) {
        uint32_t v = a[i];
        size_t j = i;
        while (j > 0 && a[j - 1] > v) {
            a[j] = a[j - 1];
            j--;
        }
        a[j] = v;
    }
}

static double quantile(const uint32_t *a, size_t m, double p) {
    double pos = p * (double)(m - 1);
    size_t lo = (size_t)pos;
    size_t hi = lo + 1 < m ? lo + 1 : m - 1;
    double frac = pos - (double)lo;
    return (double)a[lo] + ((double)a[hi] - (double)a[lo]) * frac;
}

/* Summary of the n-gram count distribution of s (counts of each distinct n-gram). */
static void ngram_stats(const char *s, size_t len, size_t n, float *out) {
    uint32_t codes[C2D_DGA_MAX_NAME];
    if (len < n) {
        for (int i = 0; i < 7; i++) out[i] = 0.0f;
        return;
    }
    size_t total = len - n + 1;
    for (size_t i = 0; i < total; i++) {
        uint32_t c = 0;
        for (size_t j = 0; j < n; j++) c = c << 8 | (uint8_t)s[i + j];
        codes[i] = c;
    }
    sort_u32(codes, total);
    size_t m = 0; /* distinct n-grams; their counts overwrite codes[0..m) */
    for (size_t i = 0; i < total;) {
        size_t j = i + 1;
        while (j < total && codes[j] == codes[i]) j++;
        codes[m++] = (uint32_t)(j - i);
        i = j;
    }
    sort_u32(codes, m);
    double mean = (double)total / (double)m;
    double ss = 0.0;
    for (size_t i = 0; i < m; i++) {
        double dlt = (double)codes[i] - mean;
        ss += dlt * dlt;
    }
    out[0] = (float)mean;
    out[1] = (float)sqrt(ss / (double)m);
    out[2] = (float)quantile(codes, m, 0.5);
    out[3] = (float)codes[0];
    out[4] = (float)codes[m - 1];
    out[5] = (float)quantile(codes, m, 0.25);
    out[6] = (float)quantile(codes, m, 0.75);
}

/* Length of the shortest period p of s when s is k >= 2 copies of s[0..p), else 0. */
static int is_prefix_repetition(const char *s, size_t n) {
    uint8_t pi[C2D_DGA_MAX_NAME];
    if (n < 2) return 0;
    pi[0] = 0;
    for (size_t i = 1; i < n; i++) {
        size_t k = pi[i - 1];
        while (k > 0 && s[i] != s[k]) k = pi[k - 1];
        if (s[i] == s[k]) k++;
        pi[i] = (uint8_t)k;
    }
    size_t p = n - pi[n - 1];
    return p < n && n % p == 0;
}

void c2d__dga_features_of(const c2d__dname *d, float *f) {
    const char *t = d->text;
    size_t n_sub = d->n_labels - d->n_suffix_labels;

    /* D: the labels left of the public suffix, concatenated without dots. */
    char dn[C2D_DGA_MAX_NAME];
    size_t dl = 0;
    size_t single = 0, digit_only = 0, hex_only = 0, tld_sub = 0, sub_total = 0;
    for (size_t i = 0; i < n_sub; i++) {
        const char *l = t + d->label_off[i];
        size_t n = d->label_len[i];
        memcpy(dn + dl, l, n);
        dl += n;
        sub_total += n;
        if (n == 1) single = 1;
        size_t dig = 0, hex = 0;
        for (size_t j = 0; j < n; j++) {
            dig += is_digit(l[j]);
            hex += is_hex(l[j]);
        }
        digit_only += dig == n;
        hex_only += hex == n;
        if (c2d__psl_is_tld(l, n)) tld_sub = 1;
    }

    int has_ip = 0;
    {
        size_t run = 0;
        for (size_t i = 0; i < d->n_labels && !has_ip; i++) {
            const char *l = t + d->label_off[i];
            size_t n = d->label_len[i];
            run = is_octet(l, n) ? run + 1 : 0;
            if (run >= 4 || has_quad(l, n, '-')) has_ip = 1;
        }
    }

    f[C2D_DGA_F_LENGTH] = (float)d->len;
    f[C2D_DGA_F_N_SUBDOMAINS] = (float)n_sub;
    f[C2D_DGA_F_SUBDOMAIN_LEN_MEAN] = n_sub ? (float)((double)sub_total / (double)n_sub) : 0.0f;
    f[C2D_DGA_F_HAS_WWW_PREFIX] =
        (d->label_len[0] == 3 && memcmp(t, "www", 3) == 0 && d->n_labels > 1) ? 1.0f : 0.0f;
    f[C2D_DGA_F_VALID_TLD] = d->suffix_listed ? 1.0f : 0.0f;
    f[C2D_DGA_F_HAS_SINGLE_CHAR_SUBDOMAIN] = (float)single;
    f[C2D_DGA_F_IS_EXCLUSIVE_PREFIX_REPETITION] = (float)is_prefix_repetition(dn, dl);
    f[C2D_DGA_F_HAS_TLD_AS_SUBDOMAIN] = (float)tld_sub;
    f[C2D_DGA_F_DIGIT_SUBDOMAIN_RATIO] =
        n_sub ? (float)((double)digit_only / (double)n_sub) : 0.0f;
    f[C2D_DGA_F_HEX_SUBDOMAIN_RATIO] = n_sub ? (float)((double)hex_only / (double)n_sub) : 0.0f;
    f[C2D_DGA_F_HAS_IP] = (float)has_ip;

    /* Linguistic features on D. */
    size_t digits = 0, letters = 0, vowels = 0, underscores = 0, cons_run = 0, digit_run = 0;
    uint32_t counts[128];
    memset(counts, 0, sizeof counts);
    for (size_t i = 0; i < dl;) {
        char c = dn[i];
        counts[(uint8_t)c & 127u]++;
        digits += is_digit(c);
        letters += is_letter(c);
        vowels += is_vowel(c);
        underscores += c == '_';
        i++;
    }
    for (size_t i = 0; i < dl;) {
        size_t j = i;
        if (is_consonant(dn[i])) {
            while (j < dl && is_consonant(dn[j])) j++;
            if (j - i >= 2) cons_run += j - i;
        } else if (is_digit(dn[i])) {
            while (j < dl && is_digit(dn[j])) j++;
            if (j - i >= 2) digit_run += j - i;
        } else {
            j++;
        }
        i = j;
    }
    size_t alphabet = 0, repeated = 0;
    double entropy = 0.0;
    for (size_t c = 0; c < 128; c++) {
        if (!counts[c]) continue;
        alphabet++;
        repeated += counts[c] > 1;
        double p = (double)counts[c] / (double)dl;
        entropy -= p * log2(p);
    }
    double dld = (double)dl;
    f[C2D_DGA_F_UNDERSCORE_RATIO] = dl ? (float)((double)underscores / dld) : 0.0f;
    f[C2D_DGA_F_HAS_DIGITS] = digits ? 1.0f : 0.0f;
    f[C2D_DGA_F_VOWEL_RATIO] = letters ? (float)((double)vowels / (double)letters) : 0.0f;
    f[C2D_DGA_F_DIGIT_RATIO] = dl ? (float)((double)digits / dld) : 0.0f;
    f[C2D_DGA_F_ALPHABET_SIZE] = (float)alphabet;
    f[C2D_DGA_F_REPEATED_CHAR_RATIO] =
        alphabet ? (float)((double)repeated / (double)alphabet) : 0.0f;
    f[C2D_DGA_F_CONSECUTIVE_CONSONANT_RATIO] = dl ? (float)((double)cons_run / dld) : 0.0f;
    f[C2D_DGA_F_CONSECUTIVE_DIGIT_RATIO] = dl ? (float)((double)digit_run / dld) : 0.0f;

    ngram_stats(dn, dl, 1, f + C2D_DGA_F_GRAM1_MEAN);
    ngram_stats(dn, dl, 2, f + C2D_DGA_F_GRAM2_MEAN);
    ngram_stats(dn, dl, 3, f + C2D_DGA_F_GRAM3_MEAN);
    f[C2D_DGA_F_ENTROPY] = dl ? (float)(entropy + 0.0) : 0.0f;
}

c2d_status c2d_dga_features(const char *name, size_t len, float *features, size_t n_features) {
    if ((!name && len) || !features || n_features < C2D_DGA_N_FEATURES) return C2D_ERR_INVALID_ARG;
    c2d__dname d;
    c2d_status st = c2d__dname_parse(name, len, &d);
    if (st != C2D_OK) return st;
    c2d__dga_features_of(&d, features);
    return C2D_OK;
}
