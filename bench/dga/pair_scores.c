/* For bench/dga/pair_eval.py: reads "set<TAB>label<TAB>name" lines and writes,
 * per name, the built-in forest's P(DGA), the built-in CNN's exact logit (not
 * the float probability, which saturates at 1.0) and the status. */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "c2detect.h"

int main(void) {
    c2d_model *forest = NULL, *cnn = NULL;
    if (c2d_model_builtin("dga-fanci", NULL, &forest) != C2D_OK ||
        c2d_model_builtin("dga-cnn", NULL, &cnn) != C2D_OK) {
        fprintf(stderr, "pair_scores: built-in models missing\n");
        return 1;
    }
    size_t scratch_len = 0;
    c2d_cnn_scratch_size(cnn, &scratch_len);
    void *scratch = malloc(scratch_len);
    char line[1024];
    while (fgets(line, sizeof line, stdin)) {
        const char *name = strrchr(line, '\t');
        name = name ? name + 1 : line;
        const size_t len = strcspn(name, "\r\n");
        float p_forest = NAN, logit = NAN;
        uint16_t tok[C2D_DGA_CHARS_SEQ_LEN];
        c2d_status st = c2d_dga_score(forest, name, len, &p_forest);
        if (st == C2D_OK) st = c2d_dga_tokenize(name, len, tok, C2D_DGA_CHARS_SEQ_LEN);
        if (st == C2D_OK)
            st = c2d_cnn_predict(cnn, tok, 1, scratch, scratch_len, C2D_CNN_LOGITS, &logit, 1);
        printf("%.9g\t%.9g\t%d\n", (double)p_forest, (double)logit, (int)st);
    }
    free(scratch);
    c2d_model_free(forest);
    c2d_model_free(cnn);
    return 0;
}
