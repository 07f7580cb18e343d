/* libc2detect: HTTP/1.x request header blocks -> token sequences (schema
 * http-tokens-v1, docs/http_tokens.md) and their C2 score with a CNN model. */
#ifndef C2DETECT_HTTP_H
#define C2DETECT_HTTP_H

#include "common.h"

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

#ifdef __cplusplus
}
#endif
#endif /* C2DETECT_HTTP_H */
