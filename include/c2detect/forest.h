/* libc2detect: random-forest inference (scikit-learn RandomForestClassifier and
 * ExtraTreesClassifier exported by c2detect.export.from_sklearn). */
#ifndef C2DETECT_FOREST_H
#define C2DETECT_FOREST_H

#include "model.h"

#ifdef __cplusplus
extern "C" {
#endif

/* Class probabilities for one row, as scikit-learn's predict_proba computes
 * them: the mean over trees of each reached leaf's class fractions.
 * `row` holds n_inputs floats (c2d_model_summary.n_inputs; `row_len` must equal
 * it). A split sends a row left when `row[feature] <= threshold`, so NaN goes
 * right, as in scikit-learn. `proba` receives n_classes values (`proba_len`
 * must be at least n_classes). Allocates nothing; thread-safe on a shared model.
 * Returns C2D_OK; C2D_ERR_INVALID_ARG (NULL pointer, wrong lengths);
 * C2D_ERR_KIND_MISMATCH (not a forest). Since 0.1.0. */
C2D_API c2d_status c2d_forest_predict(const c2d_model *model, const float *row, size_t row_len,
                                      float *proba, size_t proba_len);

/* Class probabilities for `n_rows` rows. Row i starts at rows + i*row_stride
 * (stride in floats, >= n_inputs); its probabilities go to
 * proba + i*proba_stride (stride in floats, >= n_classes). Rows are walked
 * through each tree several at a time, so a batch is much faster per row than
 * repeated single calls. Results equal c2d_forest_predict() bit for bit.
 * Allocates nothing; thread-safe on a shared model.
 * Returns C2D_OK (also for n_rows == 0), C2D_ERR_INVALID_ARG,
 * C2D_ERR_KIND_MISMATCH. Since 0.1.0. */
C2D_API c2d_status c2d_forest_predict_batch(const c2d_model *model, const float *rows,
                                            size_t n_rows, size_t row_stride, float *proba,
                                            size_t proba_stride);

#ifdef __cplusplus
}
#endif
#endif /* C2DETECT_FOREST_H */
