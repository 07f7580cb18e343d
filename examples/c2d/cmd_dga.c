/* c2d dga: score query names with the DGA detector.
 *   c2d dga [--json] [--model NAME|FILE] [--threshold T] [--allow FILE] [NAME...]
 * Names come from the arguments, or from stdin one per line when there are none
 * (or the only argument is "-"). Malformed names are printed as invalid and
 * make the exit status 3 (docs/cli.md).
 * The detector is the built-in forest + CNN ensemble (c2d_dga_ensemble_builtin)
 * unless --model names one model (a built-in such as "dga-cnn" or a file).
 * Output: name<TAB>score<TAB>verdict (dga|benign|invalid), or JSON lines; the
 * ensemble prints score 0 for names its forest gate cleared (see dga.h). */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "commands.h"

typedef struct dga_opts {
    int json;
    double threshold;
    const c2d_model *model;       /* --model, or NULL for the ensemble */
    const c2d_dga_ensemble *ens;
    const c2d_dga_allowlist *allow;
} dga_opts;

static void print_json_string(const char *s, size_t n) {
    putchar('"');
    for (size_t i = 0; i < n; i++) {
        unsigned char c = (unsigned char)s[i];
        if (c == '"' || c == '\\')
            printf("\\%c", c);
        else if (c < 0x20 || c >= 0x7f)
            printf("\\u%04x", c);
        else
            putchar(c);
    }
    putchar('"');
}

/* Returns 1 for a DGA verdict, 0 for benign, -1 for a malformed name (*why). */
static int score_one(const dga_opts *o, const char *name, size_t len, c2d_status *why) {
    float score = 0.0f;
    int is_dga = 0;
    c2d_status st =
        o->model ? c2d_dga_classify(o->model, o->allow, name, len, o->threshold, &score, &is_dga)
                 : c2d_dga_ensemble_classify(o->ens, o->allow, name, len, o->threshold, &score,
                                             &is_dga);
    if (o->json) {
        printf("{\"name\":");
        print_json_string(name, len);
        if (st == C2D_OK)
            printf(",\"score\":%.6f,\"dga\":%s}\n", (double)score, is_dga ? "true" : "false");
        else
            printf(",\"error\":\"%s\"}\n", c2d_status_name(st));
    } else {
        fwrite(name, 1, len, stdout);
        if (st == C2D_OK)
            printf("\t%.6f\t%s\n", (double)score, is_dga ? "dga" : "benign");
        else
            printf("\t-\tinvalid (%s)\n", c2d_status_name(st));
    }
    *why = st;
    return st == C2D_OK ? is_dga : -1;
}

/* One domain per line, '#' comments; a file (gzip or plain) or "-". */
static int load_allow(const char *path, c2d_dga_allowlist *allow) {
    c2d_cli_input in;
    if (c2d_cli_read(path, &in)) return C2D_EXIT_ERROR;
    size_t pos = 0, added = 0;
    int rc = C2D_EXIT_OK;
    while (pos < in.len) {
        const unsigned char *nl = memchr(in.data + pos, '\n', in.len - pos);
        size_t end = nl ? (size_t)(nl - in.data) : in.len;
        size_t n = end - pos;
        if (n && in.data[end - 1] == '\r') n--;
        if (n && in.data[pos] != '#') {
            c2d_status st = c2d_dga_allowlist_add(allow, (const char *)in.data + pos, n);
            if (st == C2D_OK) {
                added++;
            } else {
                rc = st == C2D_ERR_NOMEM ? c2d_cli_fail("allow-list", st)
                                         : c2d_cli_damaged(in.name, (unsigned long long)pos, st);
                if (rc == C2D_EXIT_ERROR) break;
            }
        }
        pos = end + 1;
    }
    if (rc != C2D_EXIT_ERROR && added == 0) {
        fprintf(stderr, "c2d: %s: allow-list has no domain in it\n", in.name);
        rc = C2D_EXIT_ERROR;
    }
    c2d_cli_input_free(&in);
    /* a bad allow-list line stops the command: it would change verdicts */
    return rc ? C2D_EXIT_ERROR : C2D_EXIT_OK;
}

/* Names one per line from a file or "-" (stdin); a malformed name is printed as
 * invalid and warned about with its byte offset. */
static int score_lines(const dga_opts *o, const char *path) {
    c2d_cli_input in;
    if (c2d_cli_read(path, &in)) return C2D_EXIT_ERROR;
    int rc = C2D_EXIT_OK;
    size_t pos = 0;
    while (pos < in.len) {
        const unsigned char *nl = memchr(in.data + pos, '\n', in.len - pos);
        size_t end = nl ? (size_t)(nl - in.data) : in.len;
        size_t n = end - pos;
        if (n && in.data[end - 1] == '\r') n--;
        if (n) {
            c2d_status st = C2D_OK;
            if (score_one(o, (const char *)in.data + pos, n, &st) < 0)
                rc = c2d_cli_damaged(in.name, (unsigned long long)pos, st);
        }
        pos = end + 1;
    }
    c2d_cli_input_free(&in);
    return rc;
}

int c2d_cmd_dga(int argc, char **argv) {
    dga_opts o = {0, NAN, NULL, NULL, NULL};
    const char *model_path = NULL, *allow_path = NULL;
    int i = 1;
    for (; i < argc; i++) {
        if (!strcmp(argv[i], "--json")) {
            o.json = 1;
        } else if (!strcmp(argv[i], "--model") && i + 1 < argc) {
            model_path = argv[++i];
        } else if (!strcmp(argv[i], "--allow") && i + 1 < argc) {
            allow_path = argv[++i];
        } else if (!strcmp(argv[i], "--threshold") && i + 1 < argc) {
            char *end = NULL;
            o.threshold = strtod(argv[++i], &end);
            if (!end || *end) {
                fprintf(stderr, "c2d dga: bad threshold '%s'\n", argv[i]);
                return C2D_EXIT_USAGE;
            }
        } else if (!strcmp(argv[i], "--")) {
            i++;
            break;
        } else if (argv[i][0] == '-' && argv[i][1]) {
            return c2d_cli_usage("dga");
        } else {
            break;
        }
    }
    c2d_model *model = NULL;
    c2d_cli_input model_bytes = {0};
    c2d_dga_ensemble *ens = NULL;
    c2d_status st;
    if (model_path) {
        /* --model takes a built-in name ("dga-cnn", "dga-fanci", ...) or a file. */
        st = c2d_model_builtin(model_path, NULL, &model);
        if (st == C2D_ERR_NOT_FOUND) {
            if (c2d_cli_read(model_path, &model_bytes)) return C2D_EXIT_ERROR;
            st = c2d_model_load_memory(model_bytes.data, model_bytes.len, NULL, &model);
        }
        if (st != C2D_OK) {
            c2d_cli_input_free(&model_bytes);
            return c2d_cli_fail(model_path, st);
        }
        st = c2d_dga_model_check(model);
        if (st != C2D_OK) {
            c2d_model_free(model);
            c2d_cli_input_free(&model_bytes);
            return c2d_cli_fail("model", st);
        }
    } else {
        st = c2d_dga_ensemble_builtin(NULL, &ens);
        if (st != C2D_OK) return c2d_cli_fail("built-in DGA ensemble", st);
    }
    o.model = model;
    o.ens = ens;
    c2d_dga_allowlist *allow = NULL;
    int rc = 0;
    if (allow_path) {
        st = c2d_dga_allowlist_new(NULL, &allow);
        if (st != C2D_OK) rc = c2d_cli_fail("allow-list", st);
        if (!rc) rc = load_allow(allow_path, allow);
        o.allow = allow;
    }
    if (!rc && i < argc && !(i + 1 == argc && !strcmp(argv[i], "-"))) {
        for (; i < argc; i++) {
            c2d_status why = C2D_OK;
            if (score_one(&o, argv[i], strlen(argv[i]), &why) < 0) {
                fprintf(stderr, "c2d: argument '%s': %s (%s)\n", argv[i], c2d_strerror(why),
                        c2d_status_name(why));
                rc = C2D_EXIT_DAMAGED;
            }
        }
    } else if (!rc) {
        rc = score_lines(&o, "-");
    }
    c2d_dga_allowlist_free(allow);
    c2d_dga_ensemble_free(ens);
    c2d_model_free(model);
    c2d_cli_input_free(&model_bytes);
    return rc;
}
