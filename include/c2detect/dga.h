/* libc2detect: DGA (domain generation algorithm) detection on DNS query names:
 * name normalisation, the public-suffix split, FANCI-style features
 * (schema "dga-fanci-v1"), the same plus letter n-gram language features
 * (schema "dga-fanci-v2"), those plus wordlist-DGA vocabulary features
 * (schema "dga-fanci-v3"), all defined in docs/features.md, forest scoring,
 * and character tokens (schema "dga-chars-v1", docs/dga.md) for int8 CNN
 * scoring. */
#ifndef C2DETECT_DGA_H
#define C2DETECT_DGA_H

#include "cnn.h"
#include "forest.h"

#ifdef __cplusplus
extern "C" {
#endif

/* Input schema ids of DGA models: v1 (41 FANCI features), v2 (the 41 v1
 * features, then 6 language features) and v3 (the 47 v2 features, then 2
 * vocabulary features). C2D_DGA_SCHEMA stays the v1 id. Since 0.1.0. */
#define C2D_DGA_SCHEMA "dga-fanci-v1"
#define C2D_DGA_SCHEMA_V1 "dga-fanci-v1"
#define C2D_DGA_SCHEMA_V2 "dga-fanci-v2"
#define C2D_DGA_SCHEMA_V3 "dga-fanci-v3"
/* Input schema id of character-level CNN DGA models (docs/dga.md): token ids
 * of the normalised name, C2D_DGA_CHARS_SEQ_LEN per name. Since 0.1.0. */
#define C2D_DGA_SCHEMA_CHARS "dga-chars-v1"
/* dga-chars-v1 tokens: the sequence is START then one token per byte of the
 * normalised name ('a'..'z' 2..27, '0'..'9' 28..37, '-' 38, '_' 39, '.' 40);
 * its last C2D_DGA_CHARS_SEQ_LEN tokens are kept, left-padded with PAD.
 * A model's vocabulary must hold at least C2D_DGA_CHARS_VOCAB ids. Fixed
 * forever for this schema. Since 0.1.0. */
#define C2D_DGA_CHARS_SEQ_LEN 64
#define C2D_DGA_CHARS_VOCAB 41
#define C2D_DGA_CHARS_PAD 0
#define C2D_DGA_CHARS_START 1
/* Largest CNN scratch (c2d_cnn_scratch_size) a dga-chars-v1 model may need:
 * the DGA scoring calls keep the scratch on the stack, in a 4 KiB buffer when
 * the model's scratch fits it (the built-in "dga-cnn" with the engine's default
 * embedding folding needs under 1 KiB), else in one of this size (e.g. the
 * built-in with folding turned off, C2D_MODEL_PARAM_CNN_FOLD_KIB = 0: about
 * 27 KiB). Since 0.1.0. */
#define C2D_DGA_CNN_SCRATCH_MAX 32768
/* Longest accepted name in bytes (after one trailing dot is removed) and
 * longest label. Since 0.1.0. */
#define C2D_DGA_MAX_NAME 253
#define C2D_DGA_MAX_LABEL 63

/* Feature indexes of a dga-fanci-v1 row, in order; docs/features.md defines each.
 * The order is fixed forever for this schema. Since 0.1.0. */
enum {
    C2D_DGA_F_LENGTH = 0,
    C2D_DGA_F_N_SUBDOMAINS,
    C2D_DGA_F_SUBDOMAIN_LEN_MEAN,
    C2D_DGA_F_HAS_WWW_PREFIX,
    C2D_DGA_F_VALID_TLD,
    C2D_DGA_F_HAS_SINGLE_CHAR_SUBDOMAIN,
    C2D_DGA_F_IS_EXCLUSIVE_PREFIX_REPETITION,
    C2D_DGA_F_HAS_TLD_AS_SUBDOMAIN,
    C2D_DGA_F_DIGIT_SUBDOMAIN_RATIO,
    C2D_DGA_F_HEX_SUBDOMAIN_RATIO,
    C2D_DGA_F_UNDERSCORE_RATIO,
    C2D_DGA_F_HAS_IP,
    C2D_DGA_F_HAS_DIGITS,
    C2D_DGA_F_VOWEL_RATIO,
    C2D_DGA_F_DIGIT_RATIO,
    C2D_DGA_F_ALPHABET_SIZE,
    C2D_DGA_F_REPEATED_CHAR_RATIO,
    C2D_DGA_F_CONSECUTIVE_CONSONANT_RATIO,
    C2D_DGA_F_CONSECUTIVE_DIGIT_RATIO,
    C2D_DGA_F_GRAM1_MEAN, /* then std, median, min, max, p25, p75 */
    C2D_DGA_F_GRAM2_MEAN = C2D_DGA_F_GRAM1_MEAN + 7,
    C2D_DGA_F_GRAM3_MEAN = C2D_DGA_F_GRAM2_MEAN + 7,
    C2D_DGA_F_ENTROPY = C2D_DGA_F_GRAM3_MEAN + 7,
    C2D_DGA_N_FEATURES /* = 41 */
};

/* Feature indexes of a dga-fanci-v2 row: indexes 0..40 are the dga-fanci-v1
 * features above, in the same order; then these language features of the
 * letter runs of the subdomain labels, scored with a letter n-gram table
 * compiled into the library. Fixed forever for this schema. Since 0.1.0. */
enum {
    C2D_DGA_F_BIGRAM_SURPRISAL_MEAN = C2D_DGA_N_FEATURES,
    C2D_DGA_F_BIGRAM_SURPRISAL_MAX,
    C2D_DGA_F_TRIGRAM_SURPRISAL_MEAN,
    C2D_DGA_F_TRIGRAM_SURPRISAL_MAX,
    C2D_DGA_F_UNLIKELY_BIGRAM_RUN,
    C2D_DGA_F_COMMON_TRIGRAM_COVERAGE,
    C2D_DGA_V2_N_FEATURES /* = 47 */
};

/* Feature indexes of a dga-fanci-v3 row: indexes 0..46 are the dga-fanci-v2
 * features above, in the same order; then how much of the letter runs of the
 * subdomain labels the words of wordlist DGAs cover (a vocabulary learned from
 * the training names of such families, compiled into the library). Fixed
 * forever for this schema. Since 0.1.0. */
enum {
    C2D_DGA_F_VOCAB_COVERAGE = C2D_DGA_V2_N_FEATURES,
    C2D_DGA_F_VOCAB_WORDS,
    C2D_DGA_V3_N_FEATURES /* = 49 */
};

/* Lower-case a query name and check it. Accepted: labels of ASCII letters,
 * digits, '-' and '_' (so punycode "xn--" labels too) separated by single dots,
 * one optional trailing dot (removed). `name` need not be NUL-terminated; bytes
 * past `len` are never read. Writes the normalised name and a NUL to `out`
 * (`out_cap` bytes) and its length without the NUL to *out_len (also when the
 * buffer is too small). Thread-safe, allocation-free, locale-independent.
 * Returns C2D_OK; C2D_ERR_INVALID_ARG (NULL out/out_len, or NULL name with
 * len > 0); C2D_ERR_BUFFER_TOO_SMALL (out_cap < *out_len + 1);
 * C2D_ERR_NAME_EMPTY (nothing but an optional dot) and C2D_ERR_NAME_TOO_LONG
 * (> 253 bytes) are checked first; then the first problem met scanning left to
 * right: C2D_ERR_NAME_BAD_CHAR (any other byte, NUL included),
 * C2D_ERR_NAME_EMPTY_LABEL (leading dot or ".."), C2D_ERR_NAME_LABEL_TOO_LONG
 * (label > 63 bytes; reported where the label ends). Since 0.1.0. */
C2D_API c2d_status c2d_dga_normalize(const char *name, size_t len, char *out, size_t out_cap,
                                     size_t *out_len);

/* Where a name splits under the Public Suffix List (ICANN and private
 * sections, ASCII rules; wildcard and exception rules applied). Offsets index
 * both the normalised name and the caller's input. The caller allocates it and
 * sets `size = sizeof(c2d_domain_parts)`. Since 0.1.0. */
typedef struct c2d_domain_parts {
    size_t size;
    size_t name_len;         /* normalised length (trailing dot removed) */
    size_t n_labels;
    size_t n_suffix_labels;  /* >= 1 */
    int suffix_listed;       /* 1: a listed rule decided; 0: the implicit "*" rule */
    size_t suffix_off, suffix_len;            /* public suffix, e.g. "co.uk" */
    size_t registrable_off, registrable_len;  /* e.g. "example.co.uk"; len 0 if none */
    size_t subdomain_len;    /* bytes before the registrable domain's dot; 0 if none */
} c2d_domain_parts;

/* Split `name` (validated as by c2d_dga_normalize) into subdomains, registrable
 * domain and public suffix. Thread-safe, allocation-free. Returns C2D_OK,
 * C2D_ERR_INVALID_ARG (NULL parts, parts->size too small, NULL name with
 * len > 0) or a C2D_ERR_NAME_* status. Since 0.1.0. */
C2D_API c2d_status c2d_dga_split(const char *name, size_t len, c2d_domain_parts *parts);

/* The dga-fanci-v1 feature row of `name` into features[0..C2D_DGA_N_FEATURES)
 * (`n_features` is the capacity of `features`, at least C2D_DGA_N_FEATURES).
 * Thread-safe, allocation-free, locale-independent; bytes past `len` are never
 * read. Returns C2D_OK, C2D_ERR_INVALID_ARG (NULL features, capacity too
 * small, NULL name with len > 0) or a C2D_ERR_NAME_* status (see
 * c2d_dga_normalize). Since 0.1.0. */
C2D_API c2d_status c2d_dga_features(const char *name, size_t len, float *features,
                                    size_t n_features);

/* The dga-fanci-v2 feature row of `name` into
 * features[0..C2D_DGA_V2_N_FEATURES) (`n_features` >= C2D_DGA_V2_N_FEATURES):
 * the 41 values of c2d_dga_features(), then the 6 language features.
 * Thread-safe, allocation-free, locale-independent; bytes past `len` are never
 * read. Returns as c2d_dga_features() (C2D_ERR_INVALID_ARG when the capacity
 * is below C2D_DGA_V2_N_FEATURES). Since 0.1.0. */
C2D_API c2d_status c2d_dga_features_v2(const char *name, size_t len, float *features,
                                       size_t n_features);

/* The dga-fanci-v3 feature row of `name` into
 * features[0..C2D_DGA_V3_N_FEATURES) (`n_features` >= C2D_DGA_V3_N_FEATURES):
 * the 47 values of c2d_dga_features_v2(), then the 2 vocabulary features.
 * Thread-safe, allocation-free, locale-independent; bytes past `len` are never
 * read. Returns as c2d_dga_features() (C2D_ERR_INVALID_ARG when the capacity
 * is below C2D_DGA_V3_N_FEATURES). Since 0.1.0. */
C2D_API c2d_status c2d_dga_features_v3(const char *name, size_t len, float *features,
                                       size_t n_features);

/* Static snake_case name of feature `index` of a dga-fanci-v3 row ("length",
 * "entropy", "bigram_surprisal_mean", "vocab_words", ...; lower indexes name
 * the dga-fanci-v1 and -v2 features too, which are the leading part of a v3
 * row), or NULL when index >= C2D_DGA_V3_N_FEATURES. Thread-safe. Since 0.1.0. */
C2D_API const char *c2d_dga_feature_name(size_t index);

/* The dga-chars-v1 tokens of `name` into tokens[0..C2D_DGA_CHARS_SEQ_LEN)
 * (`n_tokens` is the capacity, at least C2D_DGA_CHARS_SEQ_LEN): what a
 * dga-chars-v1 CNN reads. The name is validated as by c2d_dga_normalize and
 * upper case maps to the lower-case ids. Thread-safe, allocation-free,
 * locale-independent; bytes past `len` are never read. Returns C2D_OK,
 * C2D_ERR_INVALID_ARG (NULL tokens, capacity too small, NULL name with
 * len > 0) or a C2D_ERR_NAME_* status (see c2d_dga_normalize; *tokens is then
 * unspecified). Since 0.1.0. */
C2D_API c2d_status c2d_dga_tokenize(const char *name, size_t len, uint16_t *tokens,
                                    size_t n_tokens);

/* Check that `model` can score names: a two-class forest over schema
 * dga-fanci-v1 (41 inputs), dga-fanci-v2 (47) or dga-fanci-v3 (49), or a
 * binary CNN (one logit) over schema dga-chars-v1 (sequence length C2D_DGA_CHARS_SEQ_LEN,
 * vocabulary of at least C2D_DGA_CHARS_VOCAB) whose scratch is at most
 * C2D_DGA_CNN_SCRATCH_MAX bytes; the scoring calls compute the input of the
 * model's schema. Returns C2D_OK, C2D_ERR_INVALID_ARG (NULL),
 * C2D_ERR_SCHEMA_MISMATCH (other schema, or an input count, class count,
 * sequence length or vocabulary that does not match it),
 * C2D_ERR_KIND_MISMATCH (a fanci schema on a model that is not a forest, or
 * dga-chars-v1 on one that is not a CNN), C2D_ERR_LIMIT (a dga-chars-v1 CNN
 * needing more than C2D_DGA_CNN_SCRATCH_MAX bytes of scratch). Thread-safe.
 * Since 0.1.0. */
C2D_API c2d_status c2d_dga_model_check(const c2d_model *model);

/* DGA score of one name in [0, 1]: the model's probability of class 1 (DGA).
 * `model` is e.g. c2d_model_builtin("dga"); it is only read (thread-safe on a
 * shared model). Allocation-free. Stack: about 1 KiB for a forest; for a CNN
 * about 6 KiB when its scratch fits 4 KiB (the built-in), else about 34 KiB
 * (C2D_DGA_CNN_SCRATCH_MAX plus the tokens).
 * Returns C2D_OK; C2D_ERR_INVALID_ARG (NULL score, NULL name with len > 0,
 * NULL model); C2D_ERR_SCHEMA_MISMATCH / C2D_ERR_KIND_MISMATCH /
 * C2D_ERR_LIMIT (see c2d_dga_model_check); a C2D_ERR_NAME_* status.
 * On error *score is left unchanged. Since 0.1.0. */
C2D_API c2d_status c2d_dga_score(const c2d_model *model, const char *name, size_t len,
                                 float *score);

/* Scores of `n` names (names[i], lens[i]) into scores[i]; faster per name than
 * c2d_dga_score because rows go through the forest in blocks (a CNN gets 16
 * token sequences per engine call). A malformed name gets score NaN and, when
 * `statuses` is not NULL, its C2D_ERR_NAME_* status in statuses[i] (C2D_OK for
 * the others); the call still returns C2D_OK. Allocation-free (stack: about
 * 7 KiB for a forest; for a CNN about 8 KiB when its scratch fits 4 KiB, else
 * about 36 KiB); thread-safe on a shared model. Returns C2D_OK (also for n == 0), C2D_ERR_INVALID_ARG (NULL
 * arrays with n > 0, NULL model), C2D_ERR_SCHEMA_MISMATCH,
 * C2D_ERR_KIND_MISMATCH, C2D_ERR_LIMIT (see c2d_dga_model_check).
 * Since 0.1.0. */
C2D_API c2d_status c2d_dga_score_batch(const c2d_model *model, const char *const *names,
                                       const size_t *lens, size_t n, float *scores,
                                       c2d_status *statuses);

/* A set of registrable domains (e.g. "example.co.uk") whose names always score
 * 0 in c2d_dga_classify. Opaque; build it on one thread, then share it
 * read-only. Since 0.1.0. */
typedef struct c2d_dga_allowlist c2d_dga_allowlist;

/* New empty allow-list using `alloc` (NULL = malloc). Returns C2D_OK,
 * C2D_ERR_INVALID_ARG (NULL out, bad allocator), C2D_ERR_NOMEM. Since 0.1.0. */
C2D_API c2d_status c2d_dga_allowlist_new(const c2d_allocator *alloc, c2d_dga_allowlist **out);

/* Free an allow-list. NULL is a no-op. Since 0.1.0. */
C2D_API void c2d_dga_allowlist_free(c2d_dga_allowlist *allow);

/* Add the registrable domain of `name` ("www.example.co.uk" adds
 * "example.co.uk"; a name that is itself a public suffix is added whole).
 * Adding twice is a no-op. Not thread-safe (mutates). Returns C2D_OK,
 * C2D_ERR_INVALID_ARG, C2D_ERR_NOMEM (the list is unchanged), a C2D_ERR_NAME_*
 * status. Since 0.1.0. */
C2D_API c2d_status c2d_dga_allowlist_add(c2d_dga_allowlist *allow, const char *name, size_t len);

/* *found = 1 when the registrable domain of `name` is in the list, else 0.
 * Thread-safe on a list no thread is adding to; allocation-free. Returns C2D_OK,
 * C2D_ERR_INVALID_ARG or a C2D_ERR_NAME_* status. Since 0.1.0. */
C2D_API c2d_status c2d_dga_allowlist_contains(const c2d_dga_allowlist *allow, const char *name,
                                              size_t len, int *found);

/* Number of registrable domains in the list (0 for NULL). Since 0.1.0. */
C2D_API size_t c2d_dga_allowlist_count(const c2d_dga_allowlist *allow);

/* Score `name` and decide: *is_dga = (score >= threshold). `threshold` NaN
 * means the model's own (metadata "threshold", tuned for the false-positive
 * rate in "threshold_fpr"). When `allow` (may be NULL) holds the name's
 * registrable domain, *score = 0 and *is_dga = 0 without running the model.
 * Allocation-free (stack as c2d_dga_score); thread-safe on a shared model and
 * allow-list. Returns C2D_OK; C2D_ERR_INVALID_ARG; C2D_ERR_SCHEMA_MISMATCH;
 * C2D_ERR_KIND_MISMATCH; C2D_ERR_LIMIT; C2D_ERR_NOT_FOUND (threshold NaN and the model has
 * none); a C2D_ERR_NAME_* status. Since 0.1.0. */
C2D_API c2d_status c2d_dga_classify(const c2d_model *model, const c2d_dga_allowlist *allow,
                                    const char *name, size_t len, double threshold, float *score,
                                    int *is_dga);

/* ------------------------------------------------------------------ ensemble
 * The recommended DGA detector: a FANCI forest (dga-fanci-v1/v2/v3) and a
 * dga-chars-v1 CNN judging each name together (docs/dga.md, "Ensemble"):
 *
 *     score = sigmoid((logit(p) + z) / 2)
 *
 * where p is the forest's P(DGA) clamped to [C2D_DGA_ENSEMBLE_P_MIN,
 * 1 - C2D_DGA_ENSEMBLE_P_MIN] and z the CNN's logit. The pair's tuned values
 * live in the CNN's metadata and hold only for the forest they were tuned
 * with, which is named by the CRC-32C of its whole container
 * ("ensemble.forest_crc32c"): "ensemble.threshold" and
 * "ensemble.threshold_fpr" (decision threshold on the score and the
 * false-positive rate it was tuned for) and "ensemble.gate" (a forest P(DGA)
 * below which c2d_dga_ensemble_classify decides "not DGA" without running the
 * CNN; it was chosen so that the CNN runs on few benign names at a negligible
 * cost in detections, see docs/models/dga-ensemble.md). The built-in pair is
 * c2d_dga_ensemble_builtin(). Since 0.1.0. */
typedef struct c2d_dga_ensemble c2d_dga_ensemble;

#define C2D_DGA_ENSEMBLE_P_MIN 1e-6

/* Filled by c2d_dga_ensemble_info(). The caller sets `size =
 * sizeof(c2d_dga_ensemble_summary)`; fields beyond `size` are not written.
 * Since 0.1.0. */
typedef struct c2d_dga_ensemble_summary {
    size_t size;
    int tuned;            /* 1 when the CNN's metadata was tuned with this forest */
    double threshold;     /* tuned threshold on the score; NaN when not tuned */
    double threshold_fpr; /* false-positive rate it was tuned for; NaN when not tuned */
    double gate;          /* forest P(DGA) gate; 0 (no gate) when not tuned */
    const c2d_model *forest, *cnn;
} c2d_dga_ensemble_summary;

/* New ensemble over `forest` and `cnn`, which it borrows: both must outlive
 * it and stay unchanged (c2d_model_set_param) while it exists. The tuned
 * values are read from the CNN's metadata when its "ensemble.forest_crc32c"
 * matches `forest`; otherwise the ensemble still scores, but has no threshold
 * and no gate (pass a threshold to c2d_dga_ensemble_classify).
 * Returns C2D_OK; C2D_ERR_INVALID_ARG (NULL out, model or a bad allocator);
 * C2D_ERR_SCHEMA_MISMATCH / C2D_ERR_KIND_MISMATCH / C2D_ERR_LIMIT (see
 * c2d_dga_model_check: `forest` must be a forest and `cnn` a CNN);
 * C2D_ERR_MALFORMED (tuned values of the wrong type or out of [0, 1]);
 * C2D_ERR_NOMEM. *out is NULL on error. Thread-safe. Since 0.1.0. */
C2D_API c2d_status c2d_dga_ensemble_new(const c2d_model *forest, const c2d_model *cnn,
                                        const c2d_allocator *alloc, c2d_dga_ensemble **out);

/* The built-in pair: models "dga-fanci" and "dga-cnn", owned by the ensemble.
 * Returns as c2d_dga_ensemble_new and c2d_model_builtin. Since 0.1.0. */
C2D_API c2d_status c2d_dga_ensemble_builtin(const c2d_allocator *alloc, c2d_dga_ensemble **out);

/* Free an ensemble (and its models when it owns them). NULL is a no-op. */
C2D_API void c2d_dga_ensemble_free(c2d_dga_ensemble *ens);

/* Tuned values and models. Returns C2D_OK or C2D_ERR_INVALID_ARG (NULL, or
 * size smaller than the first two fields). Since 0.1.0. */
C2D_API c2d_status c2d_dga_ensemble_info(const c2d_dga_ensemble *ens,
                                         c2d_dga_ensemble_summary *info);

/* The ensemble score of one name in [0, 1]; both models always run.
 * Allocation-free; thread-safe on a shared ensemble. Stack: about 1 KiB more
 * than c2d_dga_score on the CNN. Returns C2D_OK, C2D_ERR_INVALID_ARG or a
 * C2D_ERR_NAME_* status (see c2d_dga_normalize); *score is unchanged on error.
 * Since 0.1.0. */
C2D_API c2d_status c2d_dga_ensemble_score(const c2d_dga_ensemble *ens, const char *name,
                                          size_t len, float *score);

/* Ensemble scores of `n` names, as c2d_dga_score_batch (a malformed name gets
 * NaN and its status in statuses[i] when `statuses` is not NULL). Both
 * models run on every well-formed name. Allocation-free (stack about 9 KiB);
 * thread-safe. Returns C2D_OK (also for n == 0) or C2D_ERR_INVALID_ARG.
 * Since 0.1.0. */
C2D_API c2d_status c2d_dga_ensemble_score_batch(const c2d_dga_ensemble *ens,
                                                const char *const *names, const size_t *lens,
                                                size_t n, float *scores, c2d_status *statuses);

/* Decide one name: *is_dga = (score >= threshold). `threshold` NaN means the
 * tuned one (C2D_ERR_NOT_FOUND when the ensemble is not tuned). When `allow`
 * (may be NULL) holds the name's registrable domain, *score = 0 and *is_dga =
 * 0 without running a model. When the forest's P(DGA) is below the gate and
 * the threshold is at least the tuned one, the CNN is not run: *is_dga = 0
 * and *score = 0 (the gate cleared it; c2d_dga_ensemble_score gives the full
 * score). With a lower threshold both models always run. Allocation-free;
 * thread-safe. Returns C2D_OK, C2D_ERR_INVALID_ARG, C2D_ERR_NOT_FOUND or a
 * C2D_ERR_NAME_* status. Since 0.1.0. */
C2D_API c2d_status c2d_dga_ensemble_classify(const c2d_dga_ensemble *ens,
                                             const c2d_dga_allowlist *allow, const char *name,
                                             size_t len, double threshold, float *score,
                                             int *is_dga);

#ifdef __cplusplus
}
#endif
#endif /* C2DETECT_DGA_H */
