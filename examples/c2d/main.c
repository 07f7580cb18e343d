/* c2d: the reference program. `c2d COMMAND ...`; `c2d --help` lists commands,
 * `c2d COMMAND --help` shows one; exit statuses are in commands.h. */
#include <string.h>

#include "commands.h"

typedef struct command {
    const char *name;
    int (*run)(int argc, char **argv);
    const char *summary;
    const char *usage; /* full usage, as `c2d CMD --help` prints it */
} command;

static const command commands[] = {
    {"scan", c2d_cmd_scan, "host engine: hosts ranked by evidence, what/where/when/why (JSON lines)",
     "usage: c2d scan [options] CAPTURE\n"
     "       c2d scan [options] --zeek DIR\n"
     "  CAPTURE            pcap or pcapng file, gzip-compressed or not; - for stdin\n"
     "  --zeek DIR         read conn.log, dns.log, http.log (TSV or JSON lines; .gz too) from DIR\n"
     "  --feed FEED        IOC feed to match on every address and name (repeatable; gzip or plain)\n"
     "  --geo MMDB         country database for rare_country evidence\n"
     "  --local CIDR       internal network (repeatable; default: private ranges)\n"
     "  --allow PATTERN    allow-listed IP, CIDR, domain or *.domain (repeatable)\n"
     "  --allow-file FILE  one allow-list pattern per line ('#' comments)\n"
     "  --all              also print hosts whose verdict is ok\n"
     "  --strengths        add the fusion inputs per evidence kind (\"x\") to each host\n"
     "output: one JSON line per host, most suspicious first (docs/scan.md); a summary of what was\n"
     "read and what every cap dropped on stderr\n"},
    {"http", c2d_cmd_http, "score HTTP request header blocks with the HTTP C2 model",
     "usage: c2d http [--model FILE] [--tokens] [FILE...]\n"
     "  FILE           requests, gzip or plain; - or none: stdin. A file holds one or more\n"
     "                 requests: each is its header block up to the empty line, then as\n"
     "                 many body bytes as its Content-Length says; empty lines between\n"
     "                 requests are skipped\n"
     "  --model FILE   HTTP model file instead of the built-in one\n"
     "  --tokens       print each request's http-tokens-v1 sequence instead of a score\n"
     "output: one line per request, LABEL<TAB>score<TAB>C2|ok; LABEL is FILE#N\n"},
    {"dga", c2d_cmd_dga, "score DNS query names (DGA detector)",
     "usage: c2d dga [--json] [--model NAME|FILE] [--threshold T] [--allow FILE] [NAME...]\n"
     "  NAME           names to score; none: one name per line from stdin\n"
     "  --model M      one model (built-in name or file) instead of the built-in ensemble\n"
     "  --threshold T  decision threshold instead of the model's tuned one\n"
     "  --allow FILE   allow-listed domains, one per line (gzip or plain; - for stdin)\n"
     "  --json         JSON lines instead of NAME<TAB>score<TAB>verdict\n"},
    {"sessions", c2d_cmd_sessions, "one JSON line per session (and DNS answer)",
     "usage: c2d sessions [--dns] [--local CIDR]... [--capacity N] [--payload N]\n"
     "                    [--c2-max-avg BYTES] [--memory-budget BYTES] [--at-cap evict|drop] CAPTURE\n"
     "  CAPTURE        pcap or pcapng file, gzip-compressed or not; - for stdin\n"},
    {"ioc", c2d_cmd_ioc, "IOC feeds: counts, matches, port families, family model",
     "usage: c2d ioc load [--format auto|csv|json|list] [--family NAME] FEED...\n"
     "       c2d ioc match --feed FEED [--feed FEED...] [--format F] [--geo MMDB] [--asn CSV] VALUE...\n"
     "       c2d ioc ports --feed FEED PORT...\n"
     "       c2d ioc family IPV4 PORT [--country CC] [--asn N] [--geo MMDB] [--asn-csv CSV]\n"
     "Files may be gzip-compressed; - reads stdin. A feed that yields no indicator is an\n"
     "error. LIST feeds without --family get the file's base name as family (maltrail).\n"},
    {"geo", c2d_cmd_geo, "MMDB and ASN table lookups",
     "usage: c2d geo info DB\n"
     "       c2d geo lookup DB IP...\n"
     "       c2d geo asn CSV IP...\n"
     "  DB is a MaxMind DB file, CSV an ASN range table; either may be gzip-compressed, - is stdin\n"},
    {"tls", c2d_cmd_tls, "one JSON line per TLS handshake: SNI, JA3, JA3S, JA4, certificate",
     "usage: c2d tls [--payload N] CAPTURE\n"
     "  CAPTURE        pcap or pcapng file, gzip-compressed or not; - for stdin\n"
     "  --payload N    bytes kept of each direction's start (default 4096)\n"},
    {"model", c2d_cmd_model, "describe a .c2dm model; list the built-in ones",
     "usage: c2d model info FILE | --builtin NAME\n"
     "       c2d model list\n"
     "  FILE may be gzip-compressed; - reads stdin\n"},
    {"version", c2d_cmd_version, "library and header versions, CPU features",
     "usage: c2d version    (c2d --version prints the version alone)\n"},
};

#define N_COMMANDS (sizeof commands / sizeof commands[0])

static int usage(FILE *out) {
    fprintf(out, "usage: c2d COMMAND [ARGS]    (c2d COMMAND --help for one command)\n"
                 "       c2d --version\n\ncommands:\n");
    for (size_t i = 0; i < N_COMMANDS; i++)
        fprintf(out, "  %-9s %s\n", commands[i].name, commands[i].summary);
    fprintf(out, "\nexit status: 0 results printed (found or not), 1 runtime error, 2 usage,\n"
                 "3 input damaged (results for what was read, warning on stderr)\n");
    return out == stdout ? C2D_EXIT_OK : C2D_EXIT_USAGE;
}

static const command *find(const char *name) {
    for (size_t i = 0; i < N_COMMANDS; i++)
        if (!strcmp(name, commands[i].name)) return &commands[i];
    return NULL;
}

int c2d_cli_usage(const char *name) {
    const command *c = find(name);
    if (c) fputs(c->usage, stderr);
    return C2D_EXIT_USAGE;
}

int c2d_cli_fail(const char *what, c2d_status st) {
    fprintf(stderr, "c2d: %s: %s (%s)\n", what, c2d_strerror(st), c2d_status_name(st));
    return C2D_EXIT_ERROR;
}

int c2d_cli_damaged(const char *file, unsigned long long offset, c2d_status st) {
    fprintf(stderr, "c2d: %s: at byte %llu: %s (%s)\n", file, offset, c2d_strerror(st),
            c2d_status_name(st));
    return C2D_EXIT_DAMAGED;
}

static int is_help(const char *a) { return !strcmp(a, "--help") || !strcmp(a, "-h"); }

int main(int argc, char **argv) {
    if (argc < 2) return usage(stderr);
    if (!strcmp(argv[1], "help") || is_help(argv[1])) {
        if (argc > 2 && find(argv[2])) {
            fputs(find(argv[2])->usage, stdout);
            return C2D_EXIT_OK;
        }
        return usage(stdout);
    }
    if (!strcmp(argv[1], "--version")) {
        printf("c2d %s (libc2detect %s)\n", C2D_VERSION_STRING, c2d_version_string());
        return C2D_EXIT_OK;
    }
    const command *c = find(argv[1]);
    if (!c) {
        fprintf(stderr, "c2d: unknown command '%s'\n", argv[1]);
        return usage(stderr);
    }
    /* CMD --help anywhere before "--" (no option of any command takes "--help" as its value) */
    for (int i = 2; i < argc && strcmp(argv[i], "--"); i++) {
        if (is_help(argv[i])) {
            fputs(c->usage, stdout);
            return C2D_EXIT_OK;
        }
    }
    return c->run(argc - 1, argv + 1);
}
