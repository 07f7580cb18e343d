/* Run-time version, paired with the header's C2D_VERSION_* macros. */
#include "c2detect/common.h"

unsigned c2d_version_number(void) { return C2D_VERSION_NUMBER; }

const char *c2d_version_string(void) { return C2D_VERSION_STRING; }
