// The public headers compile as C++11 and link against the C library.
#include "c2detect.h"

#include <cstdio>

int main() {
    c2d_model *model = nullptr;
    c2d_status st = c2d_model_builtin("test", nullptr, &model);
    if (st != C2D_OK) return 1;
    c2d_model_summary info = {};
    info.size = sizeof info;
    st = c2d_model_info(model, &info);
    c2d_model_free(model);
    std::printf("%s %s\n", c2d_version_string(), info.schema);
    return st == C2D_OK && c2d_version_number() == C2D_VERSION_NUMBER ? 0 : 1;
}
