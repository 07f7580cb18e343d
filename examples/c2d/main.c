/* c2d: the reference program. `c2d COMMAND ...`; `c2d help` lists commands. */
#include <string.h>

#include "commands.h"

typedef struct command {
    const char *name;
    int (*run)(int argc, char **argv);
    const char *usage;
} command;

static const command commands[] = {
    {"scan", c2d_cmd_scan, "scan [--feed F]... [--local CIDR]... [--all] CAPTURE   whole pipeline: hosts ranked by evidence (JSON)"},
    {"version", c2d_cmd_version, "version                      library and header versions, CPU features"},
    {"dga", c2d_cmd_dga, "dga [--json] [--model NAME|FILE] [--threshold T] [--allow FILE] [NAME...]   score names (stdin if none)"},
    {"model", c2d_cmd_model, "model info FILE|--builtin NAME   describe a .c2dm model; model list"},
    {"ioc", c2d_cmd_ioc, "ioc load|match|ports|family ...  IOC feeds: counts, matches, port families, family model"},
    {"http", c2d_cmd_http, "http [--model F] [--tokens] [FILE...]  score HTTP request headers (stdin: blank-line separated)"},
    {"sessions", c2d_cmd_sessions, "sessions FILE [--dns] [--local CIDR]...   one JSON line per session (and DNS answer)"},
    {"tls", c2d_cmd_tls, "tls FILE [--payload N]      one JSON line per TLS handshake: SNI, JA3, JA3S, JA4, certificate"},
    {"geo", c2d_cmd_geo, "geo info DB | lookup DB IP... | asn CSV IP...   MMDB and ASN table lookups"},
};

static int usage(FILE *out) {
    fprintf(out, "usage: c2d COMMAND [ARGS]\n\ncommands:\n");
    for (size_t i = 0; i < sizeof commands / sizeof commands[0]; i++)
        fprintf(out, "  %s\n", commands[i].usage);
    return out == stdout ? 0 : 2;
}

int c2d_cli_fail(const char *what, c2d_status st) {
    fprintf(stderr, "c2d: %s: %s (%s)\n", what, c2d_strerror(st), c2d_status_name(st));
    return 1;
}

int main(int argc, char **argv) {
    if (argc < 2) return usage(stderr);
    if (!strcmp(argv[1], "help") || !strcmp(argv[1], "--help") || !strcmp(argv[1], "-h"))
        return usage(stdout);
    for (size_t i = 0; i < sizeof commands / sizeof commands[0]; i++)
        if (!strcmp(argv[1], commands[i].name)) return commands[i].run(argc - 1, argv + 1);
    fprintf(stderr, "c2d: unknown command '%s'\n", argv[1]);
    return usage(stderr);
}
