/* libFuzzer harness for the DGA name parser, public-suffix split, feature
 * extractors (dga-fanci-v1 and v2), character tokens (dga-chars-v1) and scorer
 * (both built-in models: the v2 forest and the character CNN, and their
 * ensemble): any bytes give a status, never a crash or a read past the input.
 * A name the parser accepts must give finite non-negative features, a v2 row
 * starting with the v1 row, token ids below the vocabulary, scores in [0, 1],
 * the same result through the batch call, and an ensemble verdict that is the
 * full score against the threshold or a gate clearance (score 0, not DGA); a
 * rejected name gets the same status from the ensemble. */
#include <math.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "c2detect.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static c2d_model *model(int i) {
    static c2d_model *m[2];
    static const char *const names[2] = {"dga-fanci", "dga-cnn"};
    if (!m[i] && c2d_model_builtin(names[i], NULL, &m[i]) != C2D_OK) abort();
    return m[i];
}

static c2d_dga_ensemble *ensemble(void) {
    static c2d_dga_ensemble *e;
    if (!e && c2d_dga_ensemble_builtin(NULL, &e) != C2D_OK) abort();
    return e;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
    /* Copy into an exact-size heap block so ASan catches any over-read. */
    char *name = malloc(size ? size : 1);
    if (!name) return 0;
    if (size) memcpy(name, data, size);
    float f[C2D_DGA_N_FEATURES];
    c2d_status st = c2d_dga_features(name, size, f, C2D_DGA_N_FEATURES);
    float f2[C2D_DGA_V2_N_FEATURES];
    if (c2d_dga_features_v2(name, size, f2, C2D_DGA_V2_N_FEATURES) != st) abort();
    float f3[C2D_DGA_V3_N_FEATURES];
    if (c2d_dga_features_v3(name, size, f3, C2D_DGA_V3_N_FEATURES) != st) abort();
    c2d_domain_parts parts = {.size = sizeof parts};
    c2d_status st2 = c2d_dga_split(name, size, &parts);
    char norm[C2D_DGA_MAX_NAME + 1];
    size_t nlen = 0;
    c2d_status st3 = c2d_dga_normalize(name, size, norm, sizeof norm, &nlen);
    uint16_t tok[C2D_DGA_CHARS_SEQ_LEN];
    if (c2d_dga_tokenize(name, size, tok, C2D_DGA_CHARS_SEQ_LEN) != st) abort();
    if (st != st2 || st != st3) abort();
    if (st == C2D_OK) {
        for (int i = 0; i < C2D_DGA_N_FEATURES; i++)
            if (!isfinite(f[i]) || f[i] < 0.0f || memcmp(&f[i], &f2[i], sizeof f[i]) != 0) abort();
        for (int i = C2D_DGA_N_FEATURES; i < C2D_DGA_V2_N_FEATURES; i++)
            if (!isfinite(f2[i]) || f2[i] < 0.0f) abort();
        if (f2[C2D_DGA_F_COMMON_TRIGRAM_COVERAGE] > 1.0f) abort();
        /* v3 = v2 + coverage in [0, 1] + a word count that needs full coverage
         * (at most one word per 3 letters) */
        if (memcmp(f2, f3, sizeof f2) != 0) abort();
        const float cov = f3[C2D_DGA_F_VOCAB_COVERAGE], words = f3[C2D_DGA_F_VOCAB_WORDS];
        if (!(cov >= 0.0f && cov <= 1.0f) || !(words >= 0.0f && words <= 84.0f)) abort();
        if (words > 0.0f && cov != 1.0f) abort();
        if (parts.suffix_off + parts.suffix_len != parts.name_len || nlen != parts.name_len)
            abort();
        if (parts.registrable_len && parts.registrable_off + parts.registrable_len != nlen) abort();
        for (int i = 0; i < C2D_DGA_CHARS_SEQ_LEN; i++)
            if (tok[i] >= C2D_DGA_CHARS_VOCAB) abort();
        for (int k = 0; k < 2; k++) {
            float s = -1.0f, sb = -1.0f;
            c2d_status bs = C2D_OK;
            if (c2d_dga_score(model(k), name, size, &s) != C2D_OK || !(s >= 0.0f && s <= 1.0f))
                abort();
            const char *names[1] = {name};
            size_t lens[1] = {size};
            if (c2d_dga_score_batch(model(k), names, lens, 1, &sb, &bs) != C2D_OK ||
                bs != C2D_OK || sb != s)
                abort();
        }
        float es = -1.0f, ec = -1.0f;
        int is_dga = -1;
        c2d_dga_ensemble_summary info = {.size = sizeof info};
        if (c2d_dga_ensemble_info(ensemble(), &info) != C2D_OK ||
            c2d_dga_ensemble_score(ensemble(), name, size, &es) != C2D_OK ||
            !(es >= 0.0f && es <= 1.0f) ||
            c2d_dga_ensemble_classify(ensemble(), NULL, name, size, NAN, &ec, &is_dga) != C2D_OK)
            abort();
        if (!((ec == es && is_dga == ((double)es >= info.threshold)) || (ec == 0.0f && !is_dga)))
            abort();
    } else {
        if (st > C2D_ERR_NAME_EMPTY || st < C2D_ERR_NAME_BAD_CHAR) abort();
        float es = -1.0f;
        int is_dga = -1;
        if (c2d_dga_ensemble_score(ensemble(), name, size, &es) != st ||
            c2d_dga_ensemble_classify(ensemble(), NULL, name, size, NAN, &es, &is_dga) != st ||
            es != -1.0f || is_dga != -1)
            abort();
    }
    free(name);
    return 0;
}
