/* c2d subcommands: each lives in its own cmd_<name>.c and is listed in main.c. */
#ifndef C2D_COMMANDS_H
#define C2D_COMMANDS_H

#include <stdio.h>

#include "c2detect.h"

/* Exit statuses, the same for every command (docs/cli.md). */
#define C2D_EXIT_OK 0      /* ran and printed its results, whether or not anything was found */
#define C2D_EXIT_ERROR 1   /* runtime error: a file or option could not be read, a library error */
#define C2D_EXIT_USAGE 2   /* bad command line (usage on stderr) */
#define C2D_EXIT_DAMAGED 3 /* input damaged: results for what could be read were printed and a
                              warning on stderr names the file, the byte offset and the status */

/* Each command gets argv after its own name (argv[0] is the command name) and
 * returns one of the exit statuses above. `c2d CMD --help` never reaches it:
 * main.c prints the command's usage on stdout. */
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

/* Print "c2d: what: status text (C2D_NAME)" to stderr and return 1. */
int c2d_cli_fail(const char *what, c2d_status st);

/* Print the usage of command `name` (as `c2d CMD --help` shows it) to stderr
 * and return C2D_EXIT_USAGE. */
int c2d_cli_usage(const char *name);

/* Print "c2d: file: at byte N: status text (C2D_NAME)" to stderr and return
 * C2D_EXIT_DAMAGED: the warning for input that could be read only in part. */
int c2d_cli_damaged(const char *file, unsigned long long offset, c2d_status st);

/* ------------------------------------------------------------------ inputs */
/* Largest input c2d reads into memory (after decompression). */
#define C2D_CLI_MAX_INPUT ((size_t)1 << 32)

/* One input read whole: a file, or stdin when the path is "-"; gzip data
 * (signature 1f 8b) is decompressed. `name` is the path, or "stdin". */
typedef struct c2d_cli_input {
    const char *name;
    unsigned char *data;
    size_t len;
    int compressed;
} c2d_cli_input;

/* Read `path` ("-" = stdin) into `in`. Returns 0, or prints "c2d: PATH: why"
 * (cannot open/read, gzip damaged at byte N, too large) and returns 1. */
int c2d_cli_read(const char *path, c2d_cli_input *in);
void c2d_cli_input_free(c2d_cli_input *in);

/* Open a capture: a plain file is streamed by the library, "-" and gzip files
 * are read into `keep` (free it after c2d_capture_free). Returns 0, or prints
 * the error naming the file and returns 1. */
int c2d_cli_open_capture(const char *path, c2d_capture **cap, c2d_cli_input *keep);

/* Load one IOC feed (path or "-", gzip or plain) into db. Returns 0, or prints
 * "c2d: PATH: status text (C2D_NAME)" -- with the line counts for a feed that
 * yielded nothing -- and returns 1. `report` may be NULL. */
int c2d_cli_load_feed(c2d_iocdb *db, const char *path, const c2d_ioc_load_options *options,
                      c2d_ioc_load_report *report);

/* Open a MaxMind DB (path or "-", gzip or plain); its bytes stay in `keep`
 * (free it after c2d_geodb_free). Returns 0, or prints the error and returns 1. */
int c2d_cli_open_geo(const char *path, c2d_geodb **db, c2d_cli_input *keep);

/* Load an ASN range CSV (path or "-", gzip or plain). A table with no range is
 * an error too. Returns 0, or prints the error and returns 1. `stats` may be NULL. */
int c2d_cli_load_asn(const char *path, c2d_asntable **table, c2d_asntable_stats *stats);

#endif
