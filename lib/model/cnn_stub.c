/* Placeholder for the CNN engine until it lands (issue "Int8 1D-CNN engine"):
 * a .c2dm of kind cnn is recognised and refused with C2D_ERR_UNSUPPORTED. */
#include "model_internal.h"

c2d_status c2d__cnn_init(c2d_model *m) {
    (void)m;
    return C2D_ERR_UNSUPPORTED;
}
void c2d__cnn_release(c2d_model *m) { (void)m; }
c2d_status c2d__cnn_dispatch(c2d_model *m) {
    (void)m;
    return C2D_ERR_UNSUPPORTED;
}
void c2d__cnn_describe(const c2d_model *m, c2d_model_summary *s) {
    (void)m;
    (void)s;
}
