# c2d conventions (docs/cli.md): version, --help, exit codes, '-' for stdin,
# gzip inputs, loud errors for unreadable or empty inputs.

# The version is defined once, in include/c2detect/common.h; CMake derives
# PROJECT_VERSION from it and the library reports it at run time.
add_test(NAME cli_version COMMAND c2d version)
set_tests_properties(cli_version PROPERTIES
  PASS_REGULAR_EXPRESSION "^libc2detect ${PROJECT_VERSION} \\(header ${PROJECT_VERSION}\\)\n")
