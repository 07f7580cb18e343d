/* libc2detect: int8 1D-CNN inference over token-id sequences (models exported by
 * c2detect.torch_export.from_torch; layout in docs/cnn_format.md). */
#ifndef C2DETECT_CNN_H
#define C2DETECT_CNN_H

#include "model.h"

#ifdef __cplusplus
extern "C" {
#endif

/* What c2d_cnn_predict() writes per sequence. Values are fixed forever. */
typedef enum c2d_cnn_output {
    /* Class probabilities, n_classes floats per sequence. A model with one
     * logit is binary: it writes {1 - p, p} with p = sigmoid(logit); a model
     * with several logits writes their softmax. */
    C2D_CNN_PROBA = 0,
    /* The raw logits, n_logits floats per sequence (1 for a binary model):
     * the int32 accumulator of the last dense layer times its float scale. */
    C2D_CNN_LOGITS = 1
} c2d_cnn_output;

/* Shape of a CNN model, filled by c2d_cnn_shape(). The caller sets
 * `size = sizeof(c2d_cnn_shape_info)`; fields beyond `size` are not written. */
typedef struct c2d_cnn_shape_info {
    size_t size;
    uint32_t seq_len;     /* tokens per sequence (every sequence has exactly this many) */
    uint32_t vocab;       /* token ids are 0 .. vocab-1 */
    uint32_t n_logits;    /* 1 for a binary (sigmoid) model, else n_classes */
    uint32_t n_classes;   /* probabilities per sequence: 2 for a binary model */
    uint64_t macs;        /* multiply-accumulates per sequence (convolutions + dense) */
    size_t scratch_bytes; /* what c2d_cnn_scratch_size() reports */
} c2d_cnn_shape_info;

/* Fill *info for a CNN model. Thread-safe.
 * Returns C2D_OK; C2D_ERR_INVALID_ARG (NULL, or info->size too small);
 * C2D_ERR_KIND_MISMATCH (not a CNN model). Since 0.1.0. */
C2D_API c2d_status c2d_cnn_shape(const c2d_model *model, c2d_cnn_shape_info *info);

/* Bytes of scratch memory c2d_cnn_predict() needs for this model (any batch
 * size: sequences are run one after another through the same scratch). The
 * value includes slack for aligning an unaligned buffer. Thread-safe.
 * Returns C2D_OK, C2D_ERR_INVALID_ARG, C2D_ERR_KIND_MISMATCH. Since 0.1.0. */
C2D_API c2d_status c2d_cnn_scratch_size(const c2d_model *model, size_t *bytes);

/* Run `n_seqs` sequences. Sequence i is tokens[i*seq_len .. i*seq_len+seq_len-1]
 * (token ids as uint16, each < vocab; pad short inputs with the model's pad id,
 * metadata key "pad_id" when the exporter wrote one). Results go to
 * out[i*per_seq ..], per_seq = n_classes for C2D_CNN_PROBA and n_logits for
 * C2D_CNN_LOGITS; `out_len` (in floats) must be at least n_seqs*per_seq.
 * `scratch` is the caller's memory of at least c2d_cnn_scratch_size() bytes
 * (any alignment), used by one call at a time: give each thread its own.
 * Everything up to the logits is integer arithmetic, so results are the same
 * on every CPU and with every ISA cap (C2D_MODEL_PARAM_ISA_CAP).
 * Allocates nothing; thread-safe on a shared model.
 * Returns C2D_OK (also for n_seqs == 0); C2D_ERR_INVALID_ARG (NULL pointer
 * with n_seqs > 0, unknown `what`, out_len too small, or a size overflow);
 * C2D_ERR_BUFFER_TOO_SMALL (scratch_size too small); C2D_ERR_KIND_MISMATCH
 * (not a CNN); C2D_ERR_CNN_TOKEN (a token id >= vocab; `out` is then
 * unspecified). Since 0.1.0. */
C2D_API c2d_status c2d_cnn_predict(const c2d_model *model, const uint16_t *tokens,
                                   size_t n_seqs, void *scratch, size_t scratch_size,
                                   c2d_cnn_output what, float *out, size_t out_len);

#ifdef __cplusplus
}
#endif
#endif /* C2DETECT_CNN_H */
