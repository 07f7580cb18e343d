/* c2d version; c2d model info FILE | --builtin NAME; c2d model list */
#include <math.h>
#include <string.h>

#include "commands.h"

int c2d_cmd_version(int argc, char **argv) {
    (void)argc;
    (void)argv;
    printf("libc2detect %s (header %s)\n", c2d_version_string(), C2D_VERSION_STRING);
    const unsigned f = c2d_cpu_features();
    printf("cpu: best kernel set %s; features:", c2d_isa_name(c2d_cpu_best_isa()));
    static const struct { unsigned bit; const char *name; } names[] = {
        {C2D_CPU_AVX2, "avx2"}, {C2D_CPU_FMA, "fma"}, {C2D_CPU_AVX512F, "avx512f"},
        {C2D_CPU_AVX512BW, "avx512bw"}, {C2D_CPU_AVX512VL, "avx512vl"},
        {C2D_CPU_AVX512VNNI, "avx512vnni"}, {C2D_CPU_AVXVNNI, "avxvnni"},
        {C2D_CPU_NEON, "neon"}, {C2D_CPU_NEON_DOT, "neon-dotprod"}};
    for (size_t i = 0; i < sizeof names / sizeof names[0]; i++)
        if (f & names[i].bit) printf(" %s", names[i].name);
    printf("\n");
    return 0;
}

static void print_number(const char *label, double v) {
    if (isnan(v)) printf("%-14s -\n", label);
    else printf("%-14s %.9g\n", label, v);
}

static int model_info(int argc, char **argv) {
    c2d_model *m = NULL;
    c2d_cli_input bytes = {0};
    c2d_status st;
    const char *what;
    if (argc == 2 && strcmp(argv[1], "--builtin") != 0) {
        what = argv[1];
        if (c2d_cli_read(what, &bytes)) return C2D_EXIT_ERROR;
        what = bytes.name;
        st = c2d_model_load_memory(bytes.data, bytes.len, NULL, &m);
    } else if (argc == 3 && strcmp(argv[1], "--builtin") == 0) {
        what = argv[2];
        st = c2d_model_builtin(what, NULL, &m);
    } else {
        return c2d_cli_usage("model");
    }
    if (st != C2D_OK) {
        c2d_cli_input_free(&bytes);
        return c2d_cli_fail(what, st);
    }
    c2d_model_summary s = {.size = sizeof s};
    c2d_model_info(m, &s);
    printf("%-14s %s\n", "name", s.name);
    printf("%-14s %s\n", "kind", s.kind == C2D_MODEL_FOREST ? "forest" : "cnn");
    printf("%-14s %u.%u\n", "format", s.format_major, s.format_minor);
    printf("%-14s %s\n", "schema", s.schema);
    printf("%-14s %u\n", "inputs", s.n_inputs);
    printf("%-14s %u\n", "classes", s.n_classes);
    if (s.kind == C2D_MODEL_FOREST) {
        printf("%-14s %u\n", "trees", s.n_trees);
        printf("%-14s %u\n", "max_depth", s.max_depth);
        printf("%-14s %llu\n", "nodes", (unsigned long long)s.n_nodes);
    }
    print_number("threshold", s.threshold);
    print_number("threshold_fpr", s.threshold_fpr);
    printf("%-14s %s\n", "kernels", c2d_isa_name(s.isa));
    printf("%-14s %zu\n", "bytes", s.bytes);
    printf("%-14s %s\n", "description", s.description);
    c2d_model_free(m);
    c2d_cli_input_free(&bytes);
    return 0;
}

int c2d_cmd_model(int argc, char **argv) {
    if (argc >= 2 && strcmp(argv[1], "info") == 0) return model_info(argc - 1, argv + 1);
    if (argc == 2 && strcmp(argv[1], "list") == 0) {
        for (size_t i = 0; c2d_model_builtin_name(i); i++) printf("%s\n", c2d_model_builtin_name(i));
        return 0;
    }
    return c2d_cli_usage("model");
}
