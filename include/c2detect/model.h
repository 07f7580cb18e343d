/* libc2detect: trained models in the .c2dm container (docs/model_format.md):
 * loading from a file, from memory or from the built-in set, and their metadata. */
#ifndef C2DETECT_MODEL_H
#define C2DETECT_MODEL_H

#include "common.h"

#ifdef __cplusplus
extern "C" {
#endif

/* A loaded, validated model. Opaque. Immutable once loaded except for
 * c2d_model_set_param(), which must happen before the model is shared: after
 * that any number of threads may use one model at once. */
typedef struct c2d_model c2d_model;

/* What a model computes. Values are fixed forever. */
typedef enum c2d_model_kind {
    C2D_MODEL_FOREST = 1,  /* decision-tree ensemble over a float feature row */
    C2D_MODEL_CNN = 2      /* int8 1D-CNN over a token-id sequence */
} c2d_model_kind;

/* Model metadata, filled by c2d_model_info(). The caller allocates it and sets
 * `size = sizeof(c2d_model_summary)`; fields beyond `size` are not written, so an
 * older caller keeps working with a newer library. Strings point into the model
 * and live as long as it; they are NUL-terminated UTF-8 and never NULL (empty
 * when absent). */
typedef struct c2d_model_summary {
    size_t size;
    c2d_model_kind kind;
    uint32_t format_major, format_minor;
    const char *schema;       /* input schema id, e.g. "dga-fanci-v1" */
    const char *name;         /* short model name */
    const char *description;  /* free text: training data, date, recipe */
    double threshold;         /* default decision threshold on the score; NaN if none */
    double threshold_fpr;     /* false-positive rate the threshold was tuned for; NaN if none */
    uint32_t n_inputs;        /* forest: features per row; cnn: sequence length */
    uint32_t n_classes;       /* >= 2 */
    uint32_t n_trees;         /* forest: trees; cnn: 0 */
    uint32_t max_depth;       /* forest: deepest leaf (root = 0); cnn: 0 */
    uint64_t n_nodes;         /* forest: total nodes; cnn: 0 */
    c2d_isa isa;              /* kernel set this model runs with now */
    size_t bytes;             /* container bytes */
} c2d_model_summary;

/* Load a model from a file. The file is read into memory owned by the model
 * (allocated with `alloc`, or malloc if NULL) and validated completely: every
 * count, index, offset and size, each section's CRC-32C, and the kind-specific
 * structure. Nothing of the file is trusted before it is checked.
 * On success *out owns a new model (free it with c2d_model_free).
 * Returns C2D_OK; C2D_ERR_INVALID_ARG (NULL path/out, or an allocator whose
 * size field is too small); C2D_ERR_IO; C2D_ERR_NOMEM; C2D_ERR_LIMIT (file over
 * 1 GiB); and every status of c2d_model_load_memory(). *out is NULL on error.
 * Thread-safe. Since 0.1.0. */
C2D_API c2d_status c2d_model_load_file(const char *path, const c2d_allocator *alloc,
                                       c2d_model **out);

/* Load a model that stays in the caller's memory (no copy of weights): `data`
 * must stay valid and unchanged until c2d_model_free(). `data` may be a
 * read-only mapping. Weight blobs are used in place when `data` is 64-byte
 * aligned, and otherwise still work (kernels use unaligned loads).
 * Returns C2D_OK; C2D_ERR_INVALID_ARG; C2D_ERR_NOMEM; C2D_ERR_TRUNCATED;
 * C2D_ERR_BAD_MAGIC; C2D_ERR_UNSUPPORTED_VERSION; C2D_ERR_CHECKSUM;
 * C2D_ERR_LIMIT; C2D_ERR_MALFORMED. *out is NULL on error. Thread-safe.
 * Since 0.1.0. */
C2D_API c2d_status c2d_model_load_memory(const void *data, size_t len,
                                         const c2d_allocator *alloc, c2d_model **out);

/* Load a model built into the library by name ("test", and each detector's
 * default: "dga", "http", "session", "ioc-family" once those land). The
 * bytes are the library's own static data; only the small handle is allocated.
 * Returns C2D_OK; C2D_ERR_INVALID_ARG; C2D_ERR_NOT_FOUND; C2D_ERR_NOMEM.
 * Thread-safe. Since 0.1.0. */
C2D_API c2d_status c2d_model_builtin(const char *name, const c2d_allocator *alloc,
                                     c2d_model **out);

/* Name of the i-th built-in model (0-based, static text), NULL when i is past
 * the end. Thread-safe. Since 0.1.0. */
C2D_API const char *c2d_model_builtin_name(size_t i);

/* Free a model. NULL is a no-op. No other thread may be using it. Since 0.1.0. */
C2D_API void c2d_model_free(c2d_model *model);

/* Fill *info (see c2d_model_summary). Returns C2D_OK or C2D_ERR_INVALID_ARG (NULL,
 * or info->size smaller than the 0.1.0 struct). Thread-safe. Since 0.1.0. */
C2D_API c2d_status c2d_model_info(const c2d_model *model, c2d_model_summary *info);

/* A free-form metadata entry of the container by key (e.g. "trained_on").
 * On success *value points to NUL-terminated text inside the model.
 * Returns C2D_OK, C2D_ERR_INVALID_ARG, C2D_ERR_NOT_FOUND, or
 * C2D_ERR_KIND_MISMATCH if the entry exists but is a number (use
 * c2d_model_meta_number). Thread-safe. Since 0.1.0. */
C2D_API c2d_status c2d_model_meta_text(const c2d_model *model, const char *key,
                                       const char **value);

/* A numeric metadata entry by key. Returns C2D_OK, C2D_ERR_INVALID_ARG,
 * C2D_ERR_NOT_FOUND, or C2D_ERR_KIND_MISMATCH if the entry is text.
 * Thread-safe. Since 0.1.0. */
C2D_API c2d_status c2d_model_meta_number(const c2d_model *model, const char *key,
                                         double *value);

/* Settings of a loaded model, zstd-style: new ones are new enum values. */
typedef enum c2d_model_param {
    /* Highest kernel ISA the model may use (a c2d_isa). Default C2D_ISA_BEST:
     * the best the CPU supports. A cap above what the CPU has is clamped to
     * the CPU. Setting it re-runs kernel dispatch. */
    C2D_MODEL_PARAM_ISA_CAP = 1,
    /* CNN models: KiB of memory the model may spend on folding the first
     * convolution of each branch, which reads the token embedding directly,
     * into a lookup table of (vocab + 1) x kernel x channels int32 sums. A
     * folded layer costs kernel x channels additions per position instead of
     * kernel x embedding-dim x channels multiply-adds, with identical results
     * (docs/kernels.md). Branches are folded in order while their tables fit.
     * Default 8192 (8 MiB); 0 turns folding off; at most 1048576 (1 GiB).
     * Setting it rebuilds the tables and changes c2d_cnn_scratch_size(): ask
     * again afterwards. May return C2D_ERR_NOMEM (the model then stays usable,
     * with no folded layer). No effect on forests. Since 0.1.0. */
    C2D_MODEL_PARAM_CNN_FOLD_KIB = 2
} c2d_model_param;

/* Change a setting. Not thread-safe: call before sharing the model.
 * Returns C2D_OK, C2D_ERR_INVALID_ARG (NULL model, unknown param, value out of
 * range). Since 0.1.0. */
C2D_API c2d_status c2d_model_set_param(c2d_model *model, c2d_model_param param, int value);

/* Read a setting into *value. Returns C2D_OK or C2D_ERR_INVALID_ARG.
 * Thread-safe. Since 0.1.0. */
C2D_API c2d_status c2d_model_get_param(const c2d_model *model, c2d_model_param param,
                                       int *value);

#ifdef __cplusplus
}
#endif
#endif /* C2DETECT_MODEL_H */
