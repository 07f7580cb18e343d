/* The parent project's program: links libc2detect statically. */
#include <stdio.h>

#include <c2detect.h>

int main(void) {
    printf("parent uses libc2detect %s\n", c2d_version_string());
    return 0;
}
