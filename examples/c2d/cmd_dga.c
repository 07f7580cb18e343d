/* c2d dga: score query names with the DGA detector.
 *   c2d dga [--json] [--model NAME|FILE] [--threshold T] [--allow FILE] [NAME...]
 * Names come from the arguments, or from stdin one per line when there are none.
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

/* Returns 1 for a DGA verdict, 0 for benign, -1 for a malformed name. */
static int score_one(const dga_opts *o, const char *name, size_t len) {
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
    return st == C2D_OK ? is_dga : -1;
}

static int load_allow(const char *path, c2d_dga_allowlist *allow) {
    FILE *f = fopen(path, "r");
    if (!f) {
        fprintf(stderr, "c2d dga: cannot open %s\n", path);
        return 1;
    }
    char line[1024];
    while (fgets(line, sizeof line, f)) {
        size_t n = strcspn(line, "\r\n");
        if (n == 0 || line[0] == '#') continue;
        c2d_status st = c2d_dga_allowlist_add(allow, line, n);
        if (st == C2D_ERR_NOMEM) {
            fclose(f);
            return c2d_cli_fail("allow-list", st);
        }
    }
    fclose(f);
    return 0;
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
                return 2;
            }
        } else if (!strcmp(argv[i], "--")) {
            i++;
            break;
        } else if (argv[i][0] == '-' && argv[i][1] == '-') {
            fprintf(stderr,
                    "usage: c2d dga [--json] [--model NAME|FILE] [--threshold T] [--allow FILE] "
                    "[NAME...]\n");
            return 2;
        } else {
            break;
        }
    }
    c2d_model *model = NULL;
    c2d_dga_ensemble *ens = NULL;
    c2d_status st;
    if (model_path) {
        /* --model takes a built-in name ("dga-cnn", "dga-fanci", ...) or a file. */
        st = c2d_model_builtin(model_path, NULL, &model);
        if (st == C2D_ERR_NOT_FOUND) st = c2d_model_load_file(model_path, NULL, &model);
        if (st != C2D_OK) return c2d_cli_fail(model_path, st);
        st = c2d_dga_model_check(model);
        if (st != C2D_OK) {
            c2d_model_free(model);
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
    int any_invalid = 0;
    if (!rc && i < argc) {
        for (; i < argc; i++) any_invalid |= score_one(&o, argv[i], strlen(argv[i])) < 0;
    } else if (!rc) {
        char line[4096];
        while (fgets(line, sizeof line, stdin)) {
            size_t n = strcspn(line, "\r\n");
            if (n == 0) continue;
            any_invalid |= score_one(&o, line, n) < 0;
        }
    }
    c2d_dga_allowlist_free(allow);
    c2d_dga_ensemble_free(ens);
    c2d_model_free(model);
    return rc ? rc : any_invalid ? 1 : 0;
}
