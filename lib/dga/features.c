/* FANCI-style features of one query name (schema dga-fanci-v1), the letter
 * n-gram language features appended by dga-fanci-v2 and the row of
 * dga-fanci-v3 (v2 + lib/dga/vocab.c). Every feature is
 * defined in docs/features.md, "DGA features"; bindings/python/c2detect/dga.py is
 * the bit-for-bit twin. Allocation-free, locale-free, double arithmetic. */
#include <math.h>
#include <string.h>

#include "dga/dga_internal.h"

static const char *const feature_names[C2D_DGA_V3_N_FEATURES] = {
    "length", "n_subdomains", "subdomain_len_mean", "has_www_prefix", "valid_tld",
    "has_single_char_subdomain", "is_exclusive_prefix_repetition", "has_tld_as_subdomain",
    "digit_subdomain_ratio", "hex_subdomain_ratio", "underscore_ratio", "has_ip",
    "has_digits", "vowel_ratio", "digit_ratio", "alphabet_size", "repeated_char_ratio",
    "consecutive_consonant_ratio", "consecutive_digit_ratio",
    "gram1_mean", "gram1_std", "gram1_median", "gram1_min", "gram1_max", "gram1_p25", "gram1_p75",
    "gram2_mean", "gram2_std", "gram2_median", "gram2_min", "gram2_max", "gram2_p25", "gram2_p75",
    "gram3_mean", "gram3_std", "gram3_median", "gram3_min", "gram3_max", "gram3_p25", "gram3_p75",
    "entropy",
    "bigram_surprisal_mean", "bigram_surprisal_max", "trigram_surprisal_mean",
    "trigram_surprisal_max", "unlikely_bigram_run", "common_trigram_coverage",
    "vocab_coverage", "vocab_words"};

const char *c2d_dga_feature_name(size_t index) {
    return index < C2D_DGA_V3_N_FEATURES ? feature_names[index] : NULL;
}

/* log2(c) for c = 0..253 (entry 0 unused), as libm's log2 gives them; the Python
 * twin calls math.log2 on the same integers. */
static const double log2_int[C2D_DGA_MAX_NAME + 1] = {
    0.0, 0.0, 1.0, 1.584962500721156,
    2.0, 2.321928094887362, 2.584962500721156, 2.807354922057604,
    3.0, 3.169925001442312, 3.321928094887362, 3.4594316186372973,
    3.584962500721156, 3.700439718141092, 3.807354922057604, 3.9068905956085187,
    4.0, 4.087462841250339, 4.169925001442312, 4.247927513443585,
    4.321928094887363, 4.392317422778761, 4.459431618637297, 4.523561956057013,
    4.584962500721156, 4.643856189774724, 4.700439718141092, 4.754887502163468,
    4.807354922057604, 4.857980995127572, 4.906890595608519, 4.954196310386875,
    5.0, 5.044394119358453, 5.087462841250339, 5.129283016944966,
    5.169925001442312, 5.20945336562895, 5.247927513443585, 5.285402218862249,
    5.321928094887363, 5.357552004618084, 5.392317422778761, 5.426264754702098,
    5.459431618637297, 5.491853096329675, 5.523561956057013, 5.554588851677638,
    5.584962500721156, 5.614709844115208, 5.643856189774724, 5.672425341971495,
    5.700439718141092, 5.727920454563199, 5.754887502163468, 5.78135971352466,
    5.807354922057604, 5.832890014164741, 5.857980995127572, 5.882643049361842,
    5.906890595608519, 5.930737337562887, 5.954196310386875, 5.977279923499917,
    6.0, 6.022367813028454, 6.044394119358453, 6.066089190457772,
    6.087462841250339, 6.108524456778169, 6.129283016944966, 6.149747119504682,
    6.169925001442312, 6.189824558880018, 6.20945336562895, 6.22881869049588,
    6.247927513443585, 6.266786540694901, 6.285402218862249, 6.303780748177103,
    6.321928094887363, 6.339850002884624, 6.357552004618084, 6.3750394313469245,
    6.392317422778761, 6.409390936137702, 6.426264754702098, 6.442943495848728,
    6.459431618637297, 6.475733430966398, 6.491853096329675, 6.507794640198696,
    6.523561956057013, 6.539158811108031, 6.554588851677638, 6.569855608330948,
    6.584962500721156, 6.599912842187128, 6.614709844115208, 6.6293566200796095,
    6.643856189774724, 6.658211482751795, 6.672425341971495, 6.6865005271832185,
    6.700439718141092, 6.714245517666122, 6.727920454563199, 6.741466986401147,
    6.754887502163468, 6.768184324776926, 6.78135971352466, 6.794415866350106,
    6.807354922057604, 6.820178962415188, 6.832890014164741, 6.845490050944375,
    6.857980995127572, 6.870364719583405, 6.882643049361842, 6.894817763307944,
    6.906890595608519, 6.918863237274595, 6.930737337562887, 6.94251450533924,
    6.954196310386875, 6.965784284662087, 6.977279923499917, 6.9886846867721655,
    7.0, 7.011227255423254, 7.022367813028454, 7.03342300153745,
    7.044394119358453, 7.05528243550119, 7.066089190457772, 7.076815597050831,
    7.087462841250339, 7.098032082960526, 7.108524456778169, 7.118941072723508,
    7.129283016944966, 7.139551352398794, 7.149747119504682, 7.159871336778389,
    7.169925001442312, 7.1799090900149345, 7.189824558880018, 7.199672344836364,
    7.20945336562895, 7.219168520462161, 7.22881869049588, 7.2384047393250786,
    7.247927513443585, 7.257387842692652, 7.266786540694901, 7.2761244052742375,
    7.285402218862249, 7.294620748891627, 7.303780748177103, 7.312882955284356,
    7.321928094887363, 7.330916878114617, 7.339850002884624, 7.348728154231077,
    7.357552004618084, 7.366322214245816, 7.3750394313469245, 7.383704292474052,
    7.392317422778761, 7.400879436282184, 7.409390936137702, 7.417852514885898,
    7.426264754702098, 7.434628227636725, 7.442943495848728, 7.451211111832329,
    7.459431618637297, 7.467605550082998, 7.475733430966398, 7.483815777264256,
    7.491853096329675, 7.499845887083206, 7.507794640198696, 7.515699838284043,
    7.523561956057013, 7.531381460516312, 7.539158811108031, 7.546894459887636,
    7.554588851677638, 7.562242424221073, 7.569855608330948, 7.577428828035749,
    7.584962500721156, 7.592457037268081, 7.599912842187128, 7.60733031374961,
    7.614709844115208, 7.622051819456376, 7.6293566200796095, 7.636624620543649,
    7.643856189774724, 7.651051691178929, 7.658211482751795, 7.6653359171851765,
    7.672425341971495, 7.679480099505446, 7.6865005271832185, 7.693486957499325,
    7.700439718141092, 7.7073591320808825, 7.714245517666122, 7.721099188707185,
    7.727920454563199, 7.734709620225838, 7.741466986401147, 7.7481928495894605,
    7.754887502163468, 7.7615512324444795, 7.768184324776926, 7.774787059601174,
    7.78135971352466, 7.787902559391432, 7.794415866350106, 7.800899899920305,
    7.807354922057604, 7.813781191217037, 7.820178962415188, 7.826548487290915,
    7.832890014164741, 7.839203788096944, 7.845490050944375, 7.851749041416057,
    7.857980995127572, 7.864186144654281, 7.870364719583405, 7.876516946564999,
    7.882643049361842, 7.888743248898259, 7.894817763307944, 7.900866807980749,
    7.906890595608519, 7.912889336229962, 7.918863237274595, 7.924812503605781,
    7.930737337562887, 7.936637939002571, 7.94251450533924, 7.948367231584678,
    7.954196310386875, 7.960001932068081, 7.965784284662087, 7.971543553950772,
    7.977279923499917, 7.98299357469431,
};

/* Character classes of name bytes, looked up instead of branched on (random
 * names make class branches unpredictable). */
#define CL_DIGIT 1u
#define CL_LETTER 2u
#define CL_VOWEL 4u
#define CL_CONS 8u
#define CL_HEX 16u
#define CL_UNDER 32u
#define CL_DASH 64u
#define D_ (CL_DIGIT | CL_HEX)
#define V_ (CL_LETTER | CL_VOWEL)
#define C_ (CL_LETTER | CL_CONS)
static const uint8_t char_class[128] = {
    ['-'] = CL_DASH,
    ['0'] = D_, ['1'] = D_, ['2'] = D_, ['3'] = D_, ['4'] = D_, ['5'] = D_, ['6'] = D_,
    ['7'] = D_, ['8'] = D_, ['9'] = D_, ['_'] = CL_UNDER,
    ['a'] = V_ | CL_HEX, ['b'] = C_ | CL_HEX, ['c'] = C_ | CL_HEX, ['d'] = C_ | CL_HEX,
    ['e'] = V_ | CL_HEX, ['f'] = C_ | CL_HEX, ['g'] = C_, ['h'] = C_, ['i'] = V_, ['j'] = C_,
    ['k'] = C_, ['l'] = C_, ['m'] = C_, ['n'] = C_, ['o'] = V_, ['p'] = C_, ['q'] = C_,
    ['r'] = C_, ['s'] = C_, ['t'] = C_, ['u'] = V_, ['v'] = C_, ['w'] = C_, ['x'] = C_,
    ['y'] = C_, ['z'] = C_};
#undef D_
#undef V_
#undef C_

/* Per-byte increments of four 16-bit counters packed in one word (digits,
 * letters, vowels, underscores; each stays <= 253): one add per byte. */
#define TALLY_DIGIT 0
#define TALLY_LETTER 16
#define TALLY_VOWEL 32
#define TALLY_UNDER 48
#define D_ (1ull << TALLY_DIGIT)
#define V_ ((1ull << TALLY_LETTER) | (1ull << TALLY_VOWEL))
#define C_ (1ull << TALLY_LETTER)
static const uint64_t class_tally[128] = {
    ['0'] = D_, ['1'] = D_, ['2'] = D_, ['3'] = D_, ['4'] = D_, ['5'] = D_, ['6'] = D_,
    ['7'] = D_, ['8'] = D_, ['9'] = D_, ['_'] = 1ull << TALLY_UNDER,
    ['a'] = V_, ['b'] = C_, ['c'] = C_, ['d'] = C_, ['e'] = V_, ['f'] = C_, ['g'] = C_,
    ['h'] = C_, ['i'] = V_, ['j'] = C_, ['k'] = C_, ['l'] = C_, ['m'] = C_, ['n'] = C_,
    ['o'] = V_, ['p'] = C_, ['q'] = C_, ['r'] = C_, ['s'] = C_, ['t'] = C_, ['u'] = V_,
    ['v'] = C_, ['w'] = C_, ['x'] = C_, ['y'] = C_, ['z'] = C_};
#undef D_
#undef V_
#undef C_
#define TALLY(word, field) ((size_t)(((word) >> (field)) & 0xFFFFu))

/* Sets of the 38 name symbols (c2d__sym_index order = ascending byte order) as
 * 64-bit masks. */
/* Portable SWAR popcount: the baseline x86-64 build has no POPCNT, so the
 * builtin would be a libgcc call. */
static inline unsigned popcount64(uint64_t x) {
    x = x - ((x >> 1) & 0x5555555555555555ull);
    x = (x & 0x3333333333333333ull) + ((x >> 2) & 0x3333333333333333ull);
    x = (x + (x >> 4)) & 0x0F0F0F0F0F0F0F0Full;
    return (unsigned)((x * 0x0101010101010101ull) >> 56);
}
#if defined(__GNUC__) || defined(__clang__)
static inline unsigned lowest_bit(uint64_t x) { return (unsigned)__builtin_ctzll(x); }
#else
static inline unsigned lowest_bit(uint64_t x) { return popcount64((x & (~x + 1u)) - 1u); }
#endif

static inline int is_digit(char c) { return c >= '0' && c <= '9'; }

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

/* Summary (mean, std, median, min, max, p25, p75) of a multiset of counts given
 * as hist[c] = how many distinct n-grams occur c times, c in 1..cmax. Sums run
 * over the counts in ascending order, as over a sorted array. */
static uint32_t kth_count(const uint16_t *hist, size_t cmax, size_t k) {
    size_t seen = 0;
    for (size_t c = 1; c <= cmax; c++) {
        seen += hist[c];
        if (k < seen) return (uint32_t)c;
    }
    return (uint32_t)cmax;
}

static double quantile(const uint16_t *hist, size_t cmax, size_t m, double p) {
    double pos = p * (double)(m - 1);
    size_t lo = (size_t)pos;
    size_t hi = lo + 1 < m ? lo + 1 : m - 1;
    double frac = pos - (double)lo;
    double a = (double)kth_count(hist, cmax, lo), b = (double)kth_count(hist, cmax, hi);
    return a + (b - a) * frac;
}

/* All counts 1 (every n-gram distinct): mean T/T = 1, deviation 0, every
 * quantile 1 + 0 * frac = 1, the exact values count_stats computes. */
static void distinct_stats(float *out) {
    static const float ones[7] = {1.0f, 0.0f, 1.0f, 1.0f, 1.0f, 1.0f, 1.0f};
    memcpy(out, ones, sizeof ones);
}

static void count_stats(const uint16_t *hist, size_t cmax, size_t m, size_t total, float *out) {
    if (cmax == 1) {
        distinct_stats(out);
        return;
    }
    double mean = (double)total / (double)m;
    double ss = 0.0;
    size_t cmin = 0;
    for (size_t c = 1; c <= cmax; c++) {
        if (!hist[c]) continue;
        if (!cmin) cmin = c;
        double dlt = (double)c - mean;
        /* Adding +0.0 (c == mean) leaves ss as it is: skip it. */
        if (dlt == 0.0) continue;
        double sq = dlt * dlt;
        for (size_t j = 0; j < hist[c]; j++) ss += sq;
    }
    out[0] = (float)mean;
    out[1] = (float)sqrt(ss / (double)m);
    out[2] = (float)quantile(hist, cmax, m, 0.5);
    out[3] = (float)cmin;
    out[4] = (float)cmax;
    out[5] = (float)quantile(hist, cmax, m, 0.25);
    out[6] = (float)quantile(hist, cmax, m, 0.75);
}

#define GRAM_SLOTS 512u /* > 2 * C2D_DGA_MAX_NAME: load factor below one half */

/* Count distribution of the n-grams (n = 2 or 3) of s, via a small open-addressing
 * table on the stack sized to the name: O(len), no sort and no large table to
 * clear. Returns the largest count (0 when len < n). */
static inline size_t ngram_stats(const char *s, size_t len, size_t n, float *out) {
    if (len < n) {
        for (int i = 0; i < 7; i++) out[i] = 0.0f;
        return 0;
    }
    uint32_t keys[GRAM_SLOTS];
    uint8_t cnt[GRAM_SLOTS]; /* 0 = empty slot; a count never exceeds 253 */
    uint16_t slot_of[C2D_DGA_MAX_NAME];
    uint16_t hist[C2D_DGA_MAX_NAME + 1];
    size_t total = len - n + 1, m = 0, cmax = 0;
    /* Table size: a power of two >= 2 * total, so only that much is cleared. */
    uint32_t slots = 32, shift = 27;
    while (slots < 2 * total) {
        slots <<= 1;
        shift--;
    }
    memset(cnt, 0, slots);
    uint32_t code = 0;
    for (size_t j = 0; j + 1 < n; j++) code = code << 8 | (uint8_t)s[j];
    for (size_t i = 0; i < total; i++) {
        code = code << 8 | (uint8_t)s[i + n - 1];
        if (n == 2) code &= 0xFFFFu;
        else code &= 0xFFFFFFu;
        uint32_t h = (code * 2654435761u) >> shift;
        while (cnt[h] && keys[h] != code) h = (h + 1) & (slots - 1);
        if (!cnt[h]) {
            keys[h] = code;
            slot_of[m++] = (uint16_t)h;
        }
        size_t c = ++cnt[h];
        cmax = c > cmax ? c : cmax;
    }
    memset(hist, 0, (cmax + 1) * sizeof hist[0]);
    for (size_t i = 0; i < m; i++) hist[cnt[slot_of[i]]]++;
    count_stats(hist, cmax, m, total, out);
    return cmax;
}

/* 2-gram count distribution of D given as symbol indexes. A 38 x 38 bit set
 * spots each 2-gram's first occurrence; the few that repeat are counted in a
 * short list, and names with many repeated 2-grams go to the hash table so
 * the work stays linear. Returns the largest count (0 when len < 2). */
#define MAX_LISTED_REPEATS 16
static size_t bigram_stats(const char *s, const uint8_t *sym, size_t len, float *out,
                           uint16_t *rep_code, size_t *n_rep_out) {
    *n_rep_out = MAX_LISTED_REPEATS + 1; /* "not listed" until the list is complete */
    if (len < 2) {
        for (int i = 0; i < 7; i++) out[i] = 0.0f;
        return 0;
    }
    uint64_t present[(38 * 38 + 63) / 64] = {0}; /* 184 bytes: inline stores, no memset call */
    uint8_t rep_count[MAX_LISTED_REPEATS];
    size_t n_rep = 0, total = len - 1;
    for (size_t i = 0; i < total; i++) {
        unsigned code = sym[i] * 38u + sym[i + 1];
        uint64_t bit = (uint64_t)1 << (code & 63u);
        if (present[code >> 6] & bit) {
            size_t r = 0;
            while (r < n_rep && rep_code[r] != code) r++;
            if (r == n_rep) {
                if (n_rep == MAX_LISTED_REPEATS) return ngram_stats(s, len, 2, out);
                rep_code[n_rep] = (uint16_t)code;
                rep_count[n_rep++] = 1;
            }
            rep_count[r]++;
        }
        present[code >> 6] |= bit;
    }
    size_t cmax = 1, m = total;
    for (size_t r = 0; r < n_rep; r++) {
        m -= rep_count[r] - 1u;
        cmax = rep_count[r] > cmax ? rep_count[r] : cmax;
    }
    uint16_t hist[C2D_DGA_MAX_NAME + 1];
    for (size_t c = 0; c <= cmax; c++) hist[c] = 0; /* cmax is small: no memset call */
    hist[1] = (uint16_t)(m - n_rep);
    for (size_t r = 0; r < n_rep; r++) hist[rep_count[r]]++;
    count_stats(hist, cmax, m, total, out);
    *n_rep_out = n_rep;
    return cmax;
}

/* 3-gram count distribution when the repeated 2-grams are listed (rep_code,
 * n_rep <= MAX_LISTED_REPEATS): a 3-gram can only repeat where its leading
 * 2-gram does, so every 3-gram starting with an unrepeated 2-gram occurs once
 * and only the few others (candidates) are counted, pairwise. Too many
 * candidates go to the hash table, so the work stays linear. */
#define MAX_TRIGRAM_CANDIDATES 32
static void trigram_stats(const char *s, const uint8_t *sym, size_t len, const uint16_t *rep_code,
                          size_t n_rep, float *out) {
    if (len < 3) {
        for (int i = 0; i < 7; i++) out[i] = 0.0f;
        return;
    }
    uint64_t repeated[(38 * 38 + 63) / 64] = {0};
    for (size_t r = 0; r < n_rep; r++)
        repeated[rep_code[r] >> 6] |= (uint64_t)1 << (rep_code[r] & 63u);
    uint32_t code[MAX_TRIGRAM_CANDIDATES];
    uint8_t count[MAX_TRIGRAM_CANDIDATES];
    size_t n_cand = 0, n_distinct = 0, total = len - 2;
    for (size_t i = 0; i < total; i++) {
        unsigned lead = sym[i] * 38u + sym[i + 1];
        if (!((repeated[lead >> 6] >> (lead & 63u)) & 1u)) continue;
        if (n_cand == MAX_TRIGRAM_CANDIDATES) {
            ngram_stats(s, len, 3, out);
            return;
        }
        n_cand++;
        uint32_t c3 = lead * 38u + sym[i + 2];
        size_t d = 0;
        while (d < n_distinct && code[d] != c3) d++;
        if (d == n_distinct) {
            code[n_distinct] = c3;
            count[n_distinct++] = 0;
        }
        count[d]++;
    }
    size_t cmax = 1;
    for (size_t d = 0; d < n_distinct; d++) cmax = count[d] > cmax ? count[d] : cmax;
    uint16_t hist[MAX_TRIGRAM_CANDIDATES + 2];
    for (size_t c = 0; c <= cmax; c++) hist[c] = 0;
    hist[1] = (uint16_t)(total - n_cand);
    for (size_t d = 0; d < n_distinct; d++) hist[count[d]]++;
    count_stats(hist, cmax, total - n_cand + n_distinct, total, out);
}

/* 1 when s is k >= 2 copies of a shorter string s[0..p), else 0. */
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

    /* One pass over the bytes of S: D (the labels concatenated without dots),
     * the per-label classes, the class tallies, consonant/digit runs and the
     * byte counts. Runs cross label boundaries, as D does. */
    char dn[C2D_DGA_MAX_NAME];
    uint8_t label_has_dash[C2D_DGA_MAX_NAME / 2 + 1];
    uint8_t sym_count[38], dsym[C2D_DGA_MAX_NAME]; /* dsym: symbol index of each byte of D */
    memset(sym_count, 0, sizeof sym_count);
    uint64_t tally = 0, seen = 0, repeated_set = 0;
    size_t dl = 0, cmax1 = 0, cons_run = 0, digit_run = 0, crun = 0, drun = 0;
    size_t single = 0, digit_only = 0, hex_only = 0, tld_sub = 0;
    for (size_t i = 0; i < n_sub; i++) {
        const char *l = t + d->label_off[i];
        size_t n = d->label_len[i];
        unsigned all = CL_DIGIT | CL_HEX, any = 0;
        for (size_t j = 0; j < n; j++) {
            unsigned char c = (unsigned char)l[j] & 127u; /* validated: < 128 */
            unsigned k = char_class[c];
            all &= k;
            any |= k;
            dn[dl++] = (char)c;
            tally += class_tally[c];
            unsigned sym = c2d__sym_index[c];
            dsym[dl - 1] = (uint8_t)sym;
            uint64_t bit = (uint64_t)1 << sym;
            repeated_set |= seen & bit;
            seen |= bit;
            size_t cnt = ++sym_count[sym];
            cmax1 = cnt > cmax1 ? cnt : cmax1;
            /* A consonant (digit) run adds 2 when it reaches length 2, then 1 per
             * byte. Branch-free: consonant or not is a coin flip on DGA names. */
            crun = (crun + 1) & (0 - (size_t)((k / CL_CONS) & 1u));
            drun = (drun + 1) & (0 - (size_t)(k & CL_DIGIT));
            cons_run += (size_t)(crun >= 2) + (size_t)(crun == 2);
            digit_run += (size_t)(drun >= 2) + (size_t)(drun == 2);
        }
        label_has_dash[i] = (any & CL_DASH) != 0;
        if (n == 1) single = 1;
        digit_only += (all & CL_DIGIT) != 0;
        hex_only += (all & CL_HEX) != 0;
        if (!tld_sub && c2d__psl_is_tld(l, n)) tld_sub = 1;
    }
    size_t sub_total = dl;

    int has_ip = 0;
    {
        size_t run = 0;
        for (size_t i = 0; i < d->n_labels && !has_ip; i++) {
            const char *l = t + d->label_off[i];
            size_t n = d->label_len[i];
            run = is_octet(l, n) ? run + 1 : 0;
            /* A dashed quad needs a '-' and at least 7 bytes ("0-0-0-0"). */
            int may_quad = n >= 7 && (i >= n_sub || label_has_dash[i]);
            if (run >= 4 || (may_quad && has_quad(l, n, '-'))) has_ip = 1;
        }
    }

    /* Byte statistics from the symbol sets. Counts 0 and 1 add exactly +0.0
     * to the entropy sum (c * log2 c), so only repeated bytes are summed, in
     * ascending byte order as before. */
    size_t alphabet = popcount64(seen), repeated = popcount64(repeated_set);
    uint16_t hist1[C2D_DGA_MAX_NAME + 1];
    double clog = 0.0;
    if (dl) {
        for (size_t c = 0; c <= cmax1; c++) hist1[c] = 0; /* a few entries: no memset call */
        hist1[1] = (uint16_t)(alphabet - repeated);
        for (uint64_t s = repeated_set; s; s &= s - 1) {
            size_t c = sym_count[lowest_bit(s)];
            hist1[c]++;
            clog += (double)c * log2_int[c];
        }
    }

    f[C2D_DGA_F_LENGTH] = (float)d->len;
    f[C2D_DGA_F_N_SUBDOMAINS] = (float)n_sub;
    f[C2D_DGA_F_SUBDOMAIN_LEN_MEAN] = n_sub ? (float)((double)sub_total / (double)n_sub) : 0.0f;
    f[C2D_DGA_F_HAS_WWW_PREFIX] =
        (d->label_len[0] == 3 && memcmp(t, "www", 3) == 0 && d->n_labels > 1) ? 1.0f : 0.0f;
    f[C2D_DGA_F_VALID_TLD] = d->suffix_listed ? 1.0f : 0.0f;
    f[C2D_DGA_F_HAS_SINGLE_CHAR_SUBDOMAIN] = (float)single;
    /* k >= 2 copies of one string repeat every byte: a byte seen once rules it out. */
    f[C2D_DGA_F_IS_EXCLUSIVE_PREFIX_REPETITION] =
        (repeated == alphabet) ? (float)is_prefix_repetition(dn, dl) : 0.0f;
    f[C2D_DGA_F_HAS_TLD_AS_SUBDOMAIN] = (float)tld_sub;
    f[C2D_DGA_F_DIGIT_SUBDOMAIN_RATIO] =
        n_sub ? (float)((double)digit_only / (double)n_sub) : 0.0f;
    f[C2D_DGA_F_HEX_SUBDOMAIN_RATIO] = n_sub ? (float)((double)hex_only / (double)n_sub) : 0.0f;
    f[C2D_DGA_F_HAS_IP] = (float)has_ip;

    /* Linguistic features on D. */
    size_t digits = TALLY(tally, TALLY_DIGIT), letters = TALLY(tally, TALLY_LETTER);
    size_t vowels = TALLY(tally, TALLY_VOWEL), underscores = TALLY(tally, TALLY_UNDER);
    /* Shannon entropy -sum p log2 p with p = c/|D|, written as
     * log2|D| - (sum c log2 c)/|D|; clamped at 0 against rounding. */
    double entropy = dl ? log2_int[dl] - clog / (double)dl : 0.0;
    if (entropy < 0.0) entropy = 0.0;
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

    if (dl) {
        count_stats(hist1, cmax1, alphabet, dl, f + C2D_DGA_F_GRAM1_MEAN);
    } else {
        for (int i = 0; i < 7; i++) f[C2D_DGA_F_GRAM1_MEAN + i] = 0.0f;
    }
    /* An n-gram can only repeat where its leading (n-1)-gram repeats: when no
     * byte (2-gram) repeats, all 2-grams (3-grams) are distinct. */
    size_t cmax2 = 0, n_rep2 = MAX_LISTED_REPEATS + 1;
    uint16_t rep2[MAX_LISTED_REPEATS];
    if (cmax1 <= 1 && dl >= 2) {
        distinct_stats(f + C2D_DGA_F_GRAM2_MEAN);
        cmax2 = 1;
    } else {
        cmax2 = bigram_stats(dn, dsym, dl, f + C2D_DGA_F_GRAM2_MEAN, rep2, &n_rep2);
    }
    if (cmax2 <= 1 && dl >= 3)
        distinct_stats(f + C2D_DGA_F_GRAM3_MEAN);
    else if (n_rep2 <= MAX_LISTED_REPEATS)
        trigram_stats(dn, dsym, dl, rep2, n_rep2, f + C2D_DGA_F_GRAM3_MEAN);
    else
        ngram_stats(dn, dl, 3, f + C2D_DGA_F_GRAM3_MEAN);
    f[C2D_DGA_F_ENTROPY] = (float)entropy;
}

/* ------------------------------------------------ dga-fanci-v2 language */
#define Q_PER_BIT 8.0
#define UNLIKELY_BIGRAM_Q 56u /* p(next | prev) <= 2^-7 */
#define COMMON_TRIGRAM_Q 24u  /* p(next | two previous) >= 2^-3 */

/* Symbol of a name byte for the n-gram tables: 1..26 for a..z, 0 otherwise. */
static inline uint32_t letter_sym(unsigned char c) {
    uint32_t u = (uint32_t)c - 'a';
    return u < 26u ? u + 1u : 0u;
}

/* Walks each framed letter run ^ w1 .. wL ^ once, with every sum in a local:
 * x_k is the symbol at framed position k, the bigram (x_{k-1}, x_k) is read for
 * k = 1 .. L+1 and the trigram (x_{k-2}, x_{k-1}, x_k) for k = 2 .. L+1. The
 * integer sums do not depend on the order they are taken in. */
void c2d__dga_language_of(const c2d__dname *d, float *out) {
    size_t n_sub = d->n_labels - d->n_suffix_labels;
    uint32_t s2 = 0, n2 = 0, m2 = 0, s3 = 0, m3 = 0;
    uint32_t longest = 0, letters = 0, covered = 0;
    for (size_t i = 0; i < n_sub; i++) {
        const unsigned char *l = (const unsigned char *)d->text + d->label_off[i];
        size_t n = d->label_len[i], j = 0;
        for (;;) {
            while (j < n && !letter_sym(l[j])) j++;
            if (j == n) break;
            /* k = 1: the bigram (^, w1); no trigram yet. */
            uint32_t x = letter_sym(l[j++]);
            uint32_t q = c2d__dga_bigram_q[x];
            s2 += q;
            m2 = q > m2 ? q : m2;
            uint32_t cur = q >= UNLIKELY_BIGRAM_Q;
            longest = cur > longest ? cur : longest;
            uint32_t p1 = x, pair = x; /* x_{k-1} and (x_{k-2}, x_{k-1}) as 27 * x_{k-2} + x_{k-1} */
            uint32_t k = 1;
            uint64_t covered_pos = 0; /* bit p: framed position p is covered (L <= 63) */
            /* x_k for k >= 2 (a letter, or 0 closing the run). Branch-free: whether a
             * bigram is unlikely or a trigram common is as good as random on DGA names.
             * A common trigram covers its letters: framed positions k-2..k, of which
             * only 1..L are letters (masked when the run closes). */
#define LANG_STEP(xk)                                                              \
    do {                                                                           \
        k++;                                                                       \
        uint32_t bi_ = p1 * 27u + (xk);                                            \
        q = c2d__dga_bigram_q[bi_];                                                \
        s2 += q;                                                                   \
        m2 = q > m2 ? q : m2;                                                      \
        cur = (cur + 1u) & (0u - (uint32_t)(q >= UNLIKELY_BIGRAM_Q));              \
        longest = cur > longest ? cur : longest;                                   \
        uint32_t q3_ = c2d__dga_trigram_q[pair * 27u + (xk)];                      \
        s3 += q3_;                                                                 \
        m3 = q3_ > m3 ? q3_ : m3;                                                  \
        covered_pos |= (uint64_t)(7u * (uint32_t)(q3_ <= COMMON_TRIGRAM_Q)) << (k - 2); \
        pair = bi_;                                                                \
        p1 = (xk);                                                                 \
    } while (0)
            for (; j < n; j++) {
                x = letter_sym(l[j]);
                if (!x) break;
                LANG_STEP(x);
            }
            LANG_STEP(0u);
#undef LANG_STEP
            /* k = L + 1: L + 1 bigrams, L trigrams, L letters at positions 1..L. */
            n2 += k;
            letters += k - 1;
            covered += popcount64(covered_pos & ((((uint64_t)1 << (k - 1)) - 1) << 1));
        }
    }
    uint32_t n3 = letters;
    out[0] = n2 ? (float)((double)s2 / (Q_PER_BIT * (double)n2)) : 0.0f;
    out[1] = (float)((double)m2 / Q_PER_BIT);
    out[2] = n3 ? (float)((double)s3 / (Q_PER_BIT * (double)n3)) : 0.0f;
    out[3] = (float)((double)m3 / Q_PER_BIT);
    out[4] = (float)longest;
    out[5] = letters ? (float)((double)covered / (double)letters) : 0.0f;
}

void c2d__dga_row_of(const c2d__dname *d, size_t width, float *row) {
    c2d__dga_features_of(d, row);
    if (width > C2D_DGA_N_FEATURES) c2d__dga_language_of(d, row + C2D_DGA_N_FEATURES);
    if (width > C2D_DGA_V2_N_FEATURES) c2d__dga_vocab_of(d, row + C2D_DGA_V2_N_FEATURES);
}

static c2d_status features_row(const char *name, size_t len, float *features, size_t n_features,
                               size_t width) {
    if ((!name && len) || !features || n_features < width) return C2D_ERR_INVALID_ARG;
    c2d__dname d;
    c2d_status st = c2d__dname_parse(name, len, &d);
    if (st != C2D_OK) return st;
    c2d__dga_row_of(&d, width, features);
    return C2D_OK;
}

c2d_status c2d_dga_features(const char *name, size_t len, float *features, size_t n_features) {
    return features_row(name, len, features, n_features, C2D_DGA_N_FEATURES);
}

c2d_status c2d_dga_features_v2(const char *name, size_t len, float *features, size_t n_features) {
    return features_row(name, len, features, n_features, C2D_DGA_V2_N_FEATURES);
}

c2d_status c2d_dga_features_v3(const char *name, size_t len, float *features, size_t n_features) {
    return features_row(name, len, features, n_features, C2D_DGA_V3_N_FEATURES);
}
