/* Character tokens of a query name for DGA text CNNs (schema "dga-chars-v1",
 * docs/dga.md; Python twin c2detect.dga_chars). Validation is the same as
 * c2d_dga_normalize's, without the public-suffix split. Allocation-free. */
#include "dga/dga_internal.h"

/* Token id of each accepted name byte ('.' included, upper case folded); 0 for
 * every other byte. */
static const uint8_t char_id[256] = {
    ['a'] = 2,  ['b'] = 3,  ['c'] = 4,  ['d'] = 5,  ['e'] = 6,  ['f'] = 7,  ['g'] = 8,
    ['h'] = 9,  ['i'] = 10, ['j'] = 11, ['k'] = 12, ['l'] = 13, ['m'] = 14, ['n'] = 15,
    ['o'] = 16, ['p'] = 17, ['q'] = 18, ['r'] = 19, ['s'] = 20, ['t'] = 21, ['u'] = 22,
    ['v'] = 23, ['w'] = 24, ['x'] = 25, ['y'] = 26, ['z'] = 27,
    ['A'] = 2,  ['B'] = 3,  ['C'] = 4,  ['D'] = 5,  ['E'] = 6,  ['F'] = 7,  ['G'] = 8,
    ['H'] = 9,  ['I'] = 10, ['J'] = 11, ['K'] = 12, ['L'] = 13, ['M'] = 14, ['N'] = 15,
    ['O'] = 16, ['P'] = 17, ['Q'] = 18, ['R'] = 19, ['S'] = 20, ['T'] = 21, ['U'] = 22,
    ['V'] = 23, ['W'] = 24, ['X'] = 25, ['Y'] = 26, ['Z'] = 27,
    ['0'] = 28, ['1'] = 29, ['2'] = 30, ['3'] = 31, ['4'] = 32, ['5'] = 33, ['6'] = 34,
    ['7'] = 35, ['8'] = 36, ['9'] = 37, ['-'] = 38, ['_'] = 39, ['.'] = 40};

c2d_status c2d__dga_chars_of(const char *name, size_t len, uint16_t *tokens) {
    /* Same checks, in the same order, as c2d__dname_parse. */
    if (len > 0 && name[len - 1] == '.') len--;
    if (len == 0) return C2D_ERR_NAME_EMPTY;
    if (len > C2D_DGA_MAX_NAME) return C2D_ERR_NAME_TOO_LONG;
    size_t start = 0;
    for (size_t i = 0; i <= len; i++) {
        if (i == len || name[i] == '.') {
            size_t l = i - start;
            if (l == 0) return C2D_ERR_NAME_EMPTY_LABEL;
            if (l > C2D_DGA_MAX_LABEL) return C2D_ERR_NAME_LABEL_TOO_LONG;
            start = i + 1;
        } else if (!char_id[(uint8_t)name[i]]) {
            return C2D_ERR_NAME_BAD_CHAR;
        }
    }
    /* The sequence is START, then one token per byte (len + 1 tokens); its last
     * SEQ_LEN tokens are kept, left-padded. Output slot j holds sequence
     * position total - SEQ_LEN + j. */
    const size_t seq = C2D_DGA_CHARS_SEQ_LEN, total = len + 1;
    const size_t pad = total < seq ? seq - total : 0;
    for (size_t j = 0; j < pad; j++) tokens[j] = C2D_DGA_CHARS_PAD;
    for (size_t j = pad; j < seq; j++) {
        const size_t s = total + j - seq; /* >= 0 since j >= pad */
        tokens[j] = s == 0 ? C2D_DGA_CHARS_START : char_id[(uint8_t)name[s - 1]];
    }
    return C2D_OK;
}

c2d_status c2d_dga_tokenize(const char *name, size_t len, uint16_t *tokens, size_t n_tokens) {
    if (!tokens || (!name && len) || n_tokens < C2D_DGA_CHARS_SEQ_LEN) return C2D_ERR_INVALID_ARG;
    return c2d__dga_chars_of(name, len, tokens);
}
