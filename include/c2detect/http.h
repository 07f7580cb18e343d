/* libc2detect: HTTP/1.x request header blocks -> token sequences (schema
 * http-tokens-v1, docs/http_tokens.md) and their C2 score with a CNN model. */
#ifndef C2DETECT_HTTP_H
#define C2DETECT_HTTP_H

#include "model.h"

#ifdef __cplusplus
extern "C" {
#endif

/* Length of every token sequence of schema http-tokens-v1 (PAD-filled). */
#define C2D_HTTP_SEQ_LEN 256
/* Token ids are < C2D_HTTP_VOCAB_SIZE. */
#define C2D_HTTP_VOCAB_SIZE 1024
/* Header fields tokenized per block; later ones are dropped (MANYFIELDS token). */
#define C2D_HTTP_MAX_FIELDS 48
/* Longest text c2d_http_token_name() writes, NUL included. */
#define C2D_HTTP_TOKEN_NAME_MAX 48

/* Tokenize one request header block: the request line, then header fields in wire
 * order up to the first empty line (CRLF or bare LF). Everything after the empty
 * line is ignored (it only sets the BODY token); a block without an empty line is
 * tokenized as far as it goes (PARTIAL token). Bytes are never read past `len`;
 * `data` need not be NUL-terminated. Allocation-free.
 *
 * Writes exactly C2D_HTTP_SEQ_LEN ids to `tokens` (the sequence, then PAD = 0)
 * and the count of non-PAD ids to *n_tokens (may be NULL).
 *
 * Returns C2D_OK; C2D_ERR_INVALID_ARG (NULL `tokens`, or NULL `data` with len > 0);
 * C2D_ERR_BUFFER_TOO_SMALL (`capacity` < C2D_HTTP_SEQ_LEN; nothing written);
 * C2D_ERR_HTTP_NOT_REQUEST (no request line: empty input or a first word that is
 * not an HTTP method token of 1..32 characters; `tokens` is then all PAD and
 * *n_tokens 0). Thread-safe (no shared state). Since 0.1.0. */
C2D_API c2d_status c2d_http_tokenize(const void *data, size_t len, uint16_t *tokens,
                                     size_t capacity, size_t *n_tokens);

/* Readable name of a token id ("GET", "name:user-agent", "w:mozilla",
 * "s:hexl:25-32", "h:123", ...), NUL-terminated in `buf`, at most
 * C2D_HTTP_TOKEN_NAME_MAX bytes. Returns C2D_OK; C2D_ERR_INVALID_ARG (NULL buf,
 * id >= C2D_HTTP_VOCAB_SIZE); C2D_ERR_BUFFER_TOO_SMALL (`cap` too small; buf gets
 * a truncated NUL-terminated name when cap > 0). Thread-safe. Since 0.1.0. */
C2D_API c2d_status c2d_http_token_name(unsigned id, char *buf, size_t cap);

/* ------------------------------------------------------------------ scoring */
/* Scoring takes a CNN model of schema "http-tokens-v1" with sequence length
 * C2D_HTTP_SEQ_LEN and a vocabulary of at least C2D_HTTP_VOCAB_SIZE, such as the
 * built-in one: c2d_model_builtin("http", NULL, &model). The score is the model's
 * probability that the block is C2 traffic, in [0, 1]. */

/* Most scratch c2d_http_score()/c2d_http_classify() take from the stack (bytes). */
#define C2D_HTTP_STACK_SCRATCH 65536

/* Scratch bytes c2d_http_score_batch() needs with this model (tokens of one
 * sequence + the CNN's scratch). Thread-safe.
 * Returns C2D_OK; C2D_ERR_INVALID_ARG (NULL); C2D_ERR_KIND_MISMATCH (not a CNN);
 * C2D_ERR_SCHEMA_MISMATCH (not an http-tokens-v1 model of the sizes above).
 * Since 0.1.0. */
C2D_API c2d_status c2d_http_scratch_size(const c2d_model *model, size_t *bytes);

/* Tokenize one header block (see c2d_http_tokenize) and score it into *score.
 * Uses at most C2D_HTTP_STACK_SCRATCH bytes of stack, allocates nothing.
 * Thread-safe on a shared model.
 * Returns C2D_OK; C2D_ERR_INVALID_ARG (NULL model/score, NULL data with len > 0);
 * C2D_ERR_KIND_MISMATCH; C2D_ERR_SCHEMA_MISMATCH; C2D_ERR_HTTP_NOT_REQUEST
 * (*score is then 0); C2D_ERR_LIMIT (the model needs more scratch than
 * C2D_HTTP_STACK_SCRATCH: use c2d_http_score_batch). Since 0.1.0. */
C2D_API c2d_status c2d_http_score(const c2d_model *model, const void *data, size_t len,
                                  double *score);

/* Score `n` blocks: block i is blocks[i][0 .. lens[i]-1]; scores[i] gets its
 * score, or NaN when the block is not an HTTP request (no request line).
 * `scratch` is the caller's memory of c2d_http_scratch_size() bytes (any
 * alignment), used by one call at a time. Allocates nothing. Thread-safe on a
 * shared model with per-thread scratch.
 * Returns C2D_OK (also for n == 0); C2D_ERR_INVALID_ARG (NULL arrays with n > 0,
 * a NULL block with a non-zero length); C2D_ERR_BUFFER_TOO_SMALL (scratch);
 * C2D_ERR_KIND_MISMATCH; C2D_ERR_SCHEMA_MISMATCH. Since 0.1.0. */
C2D_API c2d_status c2d_http_score_batch(const c2d_model *model, const void *const *blocks,
                                        const size_t *lens, size_t n, void *scratch,
                                        size_t scratch_size, double *scores);

/* Threshold the model ships for its FPR target (metadata "threshold"), or 0.5
 * when it has none. Returns C2D_OK or C2D_ERR_INVALID_ARG. Thread-safe.
 * Since 0.1.0. */
C2D_API c2d_status c2d_http_threshold(const c2d_model *model, double *threshold);

/* c2d_http_score() then *is_c2 = (score >= c2d_http_threshold()). `score` may
 * be NULL. Same statuses as c2d_http_score(); on C2D_ERR_HTTP_NOT_REQUEST
 * *is_c2 is 0. Since 0.1.0. */
C2D_API c2d_status c2d_http_classify(const c2d_model *model, const void *data, size_t len,
                                     int *is_c2, double *score);

#ifdef __cplusplus
}
#endif
#endif /* C2DETECT_HTTP_H */
