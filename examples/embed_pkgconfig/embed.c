/* Smallest embedding: check the library version, load a built-in model,
 * score one row, print the result. Built by examples/embed_cmake (find_package)
 * and examples/embed_pkgconfig (pkg-config) against an installed libc2detect. */
#include <stdio.h>

#include <c2detect.h>

int main(void) {
    if (c2d_version_number() / 10000 != C2D_VERSION_MAJOR) {
        fprintf(stderr, "header %s but library %s\n", C2D_VERSION_STRING, c2d_version_string());
        return 1;
    }
    c2d_model *model = NULL;
    c2d_status st = c2d_model_builtin("test", NULL, &model);
    if (st != C2D_OK) {
        fprintf(stderr, "c2d_model_builtin: %s\n", c2d_strerror(st));
        return 1;
    }
    const float row[3] = {0.0f, 3.0f, 0.0f};
    float proba[2];
    st = c2d_forest_predict(model, row, 3, proba, 2);
    c2d_model_free(model);
    if (st != C2D_OK) return 1;
    printf("libc2detect %s: p(class 1) = %.3f\n", c2d_version_string(), proba[1]);
    return proba[1] == 0.875f ? 0 : 1;
}
