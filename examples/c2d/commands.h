/* c2d subcommands: each lives in its own cmd_<name>.c and is listed in main.c. */
#ifndef C2D_COMMANDS_H
#define C2D_COMMANDS_H

#include <stdio.h>

#include "c2detect.h"

/* Each command gets argv after its own name (argv[0] is the command name) and
 * returns the process exit status: 0 ok, 1 findings/errors in input, 2 usage. */
int c2d_cmd_version(int argc, char **argv);
int c2d_cmd_model(int argc, char **argv);
int c2d_cmd_scan(int argc, char **argv);
int c2d_cmd_http(int argc, char **argv);
int c2d_cmd_geo(int argc, char **argv);
int c2d_cmd_ioc(int argc, char **argv);
int c2d_cmd_dga(int argc, char **argv);
int c2d_cmd_sessions(int argc, char **argv);
int c2d_cmd_tls(int argc, char **argv);

/* Print the TLS fields of a session line (,"sni":...,"cert_sha1":...). */
void c2d_cli_print_tls_fields(const c2d_tls_info *t);

/* Print "c2d: what: status text" to stderr and return 1. */
int c2d_cli_fail(const char *what, c2d_status st);

#endif
