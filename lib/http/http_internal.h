/* HTTP tokenizer internals: token-id layout of http-tokens-v1 and the generated
 * vocabulary tables (lib/http/vocab.c). Keep in step with docs/http_tokens.md. */
#ifndef C2D_HTTP_INTERNAL_H
#define C2D_HTTP_INTERNAL_H

#include <stddef.h>
#include <stdint.h>

#include "c2detect/http.h"

enum {
    C2D__HT_PAD = 0, C2D__HT_BOS, C2D__HT_EOH, C2D__HT_PARTIAL, C2D__HT_SEP, C2D__HT_FOLD,
    C2D__HT_DUP, C2D__HT_EMPTY, C2D__HT_LF, C2D__HT_BADLINE, C2D__HT_BODY, C2D__HT_TRUNC,
    C2D__HT_MANYFIELDS, C2D__HT_IPV4,
    C2D__HT_METHOD_BASE = 16, C2D__HT_METHOD_OTHER = 29,
    C2D__HT_V11 = 32, C2D__HT_V10 = 33, C2D__HT_VNONE = 34, C2D__HT_VOTHER = 35,
    C2D__HT_T_ORIGIN = 40, C2D__HT_T_ABSOLUTE, C2D__HT_T_AUTHORITY, C2D__HT_T_ASTERISK,
    C2D__HT_T_EMPTY, C2D__HT_SEG, C2D__HT_SEG_EMPTY, C2D__HT_EXT, C2D__HT_QUERY, C2D__HT_QKEY,
    C2D__HT_QVAL, C2D__HT_FRAG,
    C2D__HT_NAME_BASE = 64, C2D__HT_NAME_UNKNOWN = 64, C2D__HT_NAME_UNKNOWN_X = 65,
    C2D__HT_WORD_BASE = 192, C2D__HT_SHAPE_BASE = 512, C2D__HT_HASH_BASE = 640,
    C2D__HT_HASH_BUCKETS = C2D_HTTP_VOCAB_SIZE - 640,
    C2D__HT_MAX_KNOWN = 32
};

typedef struct c2d__http_vocab_entry {
    const char *text;
    uint8_t len;
    uint16_t id;
} c2d__http_vocab_entry;

extern const c2d__http_vocab_entry c2d__http_words[];
extern const size_t c2d__http_words_count;
extern const c2d__http_vocab_entry c2d__http_names[];
extern const size_t c2d__http_names_count;
extern const char *const c2d__http_word_text[];
extern const size_t c2d__http_word_text_count;
extern const char *const c2d__http_name_text[];
extern const size_t c2d__http_name_text_count;

#endif
