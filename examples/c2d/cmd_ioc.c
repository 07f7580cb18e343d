/* c2d ioc: load IOC feeds and print counts, match values against them, show
 * the port -> family table, and run the built-in IOC family model. */
#include <inttypes.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "commands.h"

static int ioc_usage(void) { return c2d_cli_usage("ioc"); }

static void on_reject(void *ctx, uint64_t line, const char *why) {
    const char *file = (const char *)ctx;
    static unsigned shown;
    if (shown++ < 20) fprintf(stderr, "%s:%" PRIu64 ": rejected: %s\n", file, line, why);
}

static int parse_format(const char *s, c2d_ioc_format *f) {
    if (!strcmp(s, "auto")) *f = C2D_IOC_FORMAT_AUTO;
    else if (!strcmp(s, "csv")) *f = C2D_IOC_FORMAT_CSV;
    else if (!strcmp(s, "json")) *f = C2D_IOC_FORMAT_THREATFOX_JSON;
    else if (!strcmp(s, "list")) *f = C2D_IOC_FORMAT_LIST;
    else return -1;
    return 0;
}

static const char *format_name(c2d_ioc_format f) {
    switch (f) {
    case C2D_IOC_FORMAT_CSV: return "csv";
    case C2D_IOC_FORMAT_THREATFOX_JSON: return "threatfox-json";
    case C2D_IOC_FORMAT_LIST: return "list";
    default: return "auto";
    }
}

/* Load one feed; family for lists defaults to the base name. */
static int load_one(c2d_iocdb *db, const char *path, c2d_ioc_format fmt, const char *family,
                    int verbose) {
    char base[256];
    {
        const char *b = strrchr(path, '/');
        b = !strcmp(path, "-") ? "stdin" : b ? b + 1 : path;
        snprintf(base, sizeof base, "%s", b);
        char *dot = strchr(base, '.');
        if (dot) *dot = 0;
    }
    c2d_ioc_load_options o = {.size = sizeof o, .format = fmt, .on_reject = on_reject,
                              .reject_ctx = (void *)path};
    c2d_ioc_load_report r = {.size = sizeof r};
    /* only lists take a caller family; base name when none was given */
    o.family = family ? family : base;
    o.source = base;
    int rc = c2d_cli_load_feed(db, path, &o, &r);
    if (verbose && !rc) {
        printf("%s: format %s, lines %" PRIu64 ", loaded %" PRIu64 ", rejected %" PRIu64
               ", skipped %" PRIu64 " (unsupported types %" PRIu64 ")\n",
               strcmp(path, "-") ? path : "stdin", format_name(r.format), r.lines, r.loaded, r.rejected, r.skipped,
               r.unsupported);
        if (r.rejected) {
            printf("  rejected lines:");
            for (uint64_t i = 0; i < r.rejected && i < C2D_IOC_REPORT_LINES; i++)
                printf(" %" PRIu64, r.first_rejected[i]);
            printf(r.rejected > C2D_IOC_REPORT_LINES ? " ...\n" : "\n");
        }
    }
    return rc;
}

static int cmp_count(const void *a, const void *b) {
    const size_t *x = (const size_t *)a, *y = (const size_t *)b;
    return x[1] < y[1] ? 1 : x[1] > y[1] ? -1 : (x[0] > y[0]) - (x[0] < y[0]);
}

static int cmd_load(int argc, char **argv) {
    c2d_ioc_format fmt = C2D_IOC_FORMAT_AUTO;
    const char *family = NULL;
    c2d_iocdb *db = NULL;
    c2d_status st = c2d_iocdb_new(NULL, &db);
    if (st) return c2d_cli_fail("ioc", st);
    int rc = 0, nfeeds = 0;
    clock_t t0 = clock();
    for (int i = 1; i < argc; i++) {
        if (!strcmp(argv[i], "--format") && i + 1 < argc) {
            if (parse_format(argv[++i], &fmt)) { c2d_iocdb_free(db); return ioc_usage(); }
        } else if (!strcmp(argv[i], "--family") && i + 1 < argc) {
            family = argv[++i];
        } else {
            nfeeds++;
            if ((rc = load_one(db, argv[i], fmt, family, 1)) != 0) break;
        }
    }
    if (!rc && !nfeeds) rc = ioc_usage();
    if (!rc && (st = c2d_iocdb_finalize(db))) rc = c2d_cli_fail("finalize", st);
    if (!rc) {
        printf("load+index %.2f s CPU, store %zu bytes\n", (double)(clock() - t0) / CLOCKS_PER_SEC,
               c2d_iocdb_memory_bytes(db));
        printf("indicators %zu\n", c2d_iocdb_count(db, C2D_IOC_UNKNOWN));
        for (int t = 1; t < C2D_IOC_TYPE_COUNT; t++)
            printf("  %-8s %zu\n", c2d_ioc_type_name((c2d_ioc_type)t),
                   c2d_iocdb_count(db, (c2d_ioc_type)t));
        size_t nf = 0;
        while (c2d_iocdb_family(db, (unsigned)nf + 1, NULL, NULL) == C2D_OK) nf++;
        size_t *pairs = malloc((nf + 1) * 2 * sizeof *pairs);
        if (pairs) {
            for (size_t i = 0; i < nf; i++) {
                pairs[2 * i] = i + 1;
                c2d_iocdb_family(db, (unsigned)i + 1, NULL, &pairs[2 * i + 1]);
            }
            qsort(pairs, nf, 2 * sizeof *pairs, cmp_count);
            printf("families %zu (top 30)\n", nf);
            for (size_t i = 0; i < nf && i < 30; i++) {
                const char *name;
                c2d_iocdb_family(db, (unsigned)pairs[2 * i], &name, NULL);
                printf("  %-32s %zu\n", name, pairs[2 * i + 1]);
            }
            free(pairs);
        }
    }
    c2d_iocdb_free(db);
    return rc;
}

static void print_time(const char *label, int64_t t) {
    if (!t) return;
    time_t tt = (time_t)t;
    char b[32];
    const struct tm *tm = gmtime(&tt); /* the program is single-threaded */
    if (!tm || !strftime(b, sizeof b, "%Y-%m-%d %H:%M:%S", tm)) return;
    printf(" %s=%s", label, b);
}

/* Optional enrichment: an MMDB (country, maybe ASN) and an ASN range table. */
typedef struct enrich {
    c2d_geodb *geo;
    c2d_asntable *asn;
    c2d_cli_input geo_bytes;
} enrich;

static int open_geo(enrich *e, const char *path) {
    if (e->geo) { /* the last --geo wins */
        c2d_geodb_free(e->geo);
        c2d_cli_input_free(&e->geo_bytes);
    }
    return c2d_cli_open_geo(path, &e->geo, &e->geo_bytes);
}

static int open_asn(enrich *e, const char *path) {
    c2d_asntable_free(e->asn);
    return c2d_cli_load_asn(path, &e->asn, NULL);
}

/* Country and ASN of an IPv4 (host order) from whatever is open. */
static void enrich_v4(const enrich *e, uint32_t addr, char iso[3], uint32_t *asn, const char **org) {
    iso[0] = 0;
    *asn = 0;
    *org = "";
    if (e->geo) {
        c2d_geo_result r = {.size = sizeof r};
        if (c2d_geodb_lookup_ipv4(e->geo, addr, &r) == C2D_OK && r.found) {
            if (c2d_geodb_country(e->geo, &r, iso) != C2D_OK) iso[0] = 0;
            if (c2d_geodb_asn(e->geo, &r, asn) != C2D_OK) *asn = 0;
        }
    }
    if (e->asn) c2d_asntable_lookup(e->asn, addr, asn, org, NULL);
}

/* The address inside an observed value (ip, ip:port, [v6]:port, URL host), or 0. */
static int value_address(const char *v, int *family, uint8_t addr[16]) {
    char host[256];
    const char *p = strstr(v, "://");
    p = p ? p + 3 : v;
    size_t n = strcspn(p, "/?#");
    if (n >= sizeof host) return 0;
    memcpy(host, p, n);
    host[n] = 0;
    char *h = strrchr(host, '@');
    h = h ? h + 1 : host;
    if (h[0] == '[') {
        char *rb = strchr(h, ']');
        if (!rb) return 0;
        *rb = 0;
        h++;
    } else {
        char *colon = strchr(h, ':');
        if (colon && !strchr(colon + 1, ':')) *colon = 0;
    }
    return c2d_geo_parse_ip(h, family, addr) == C2D_OK;
}

static void print_enrichment(const enrich *e, const char *value) {
    int family;
    uint8_t a[16];
    if ((!e->geo && !e->asn) || !value_address(value, &family, a)) return;
    char iso[3] = "";
    uint32_t asn = 0;
    const char *org = "";
    if (family == 4) {
        enrich_v4(e, (uint32_t)a[0] << 24 | (uint32_t)a[1] << 16 | (uint32_t)a[2] << 8 | a[3], iso,
                  &asn, &org);
    } else if (e->geo) {
        c2d_geo_result r = {.size = sizeof r};
        if (c2d_geodb_lookup_ipv6(e->geo, a, &r) == C2D_OK && r.found) {
            if (c2d_geodb_country(e->geo, &r, iso) != C2D_OK) iso[0] = 0;
            if (c2d_geodb_asn(e->geo, &r, &asn) != C2D_OK) asn = 0;
        }
    }
    printf("  geo     country=%s asn=%u%s%s\n", iso[0] ? iso : "-", asn, *org ? " org=" : "", org);
}

static int load_feeds(int argc, char **argv, c2d_iocdb **out, int *first_value, enrich *e) {
    c2d_ioc_format fmt = C2D_IOC_FORMAT_AUTO;
    c2d_iocdb *db = NULL;
    c2d_status st = c2d_iocdb_new(NULL, &db);
    if (st) return c2d_cli_fail("ioc", st);
    int i = 1, feeds = 0, rc = 0;
    for (; i < argc; i++) {
        if (!strcmp(argv[i], "--format") && i + 1 < argc) {
            if (parse_format(argv[++i], &fmt)) { rc = ioc_usage(); break; }
        } else if (!strcmp(argv[i], "--feed") && i + 1 < argc) {
            feeds++;
            if ((rc = load_one(db, argv[++i], fmt, NULL, 0)) != 0) break;
        } else if (!strcmp(argv[i], "--geo") && i + 1 < argc) {
            if ((rc = open_geo(e, argv[++i])) != 0) break;
        } else if (!strcmp(argv[i], "--asn") && i + 1 < argc) {
            if ((rc = open_asn(e, argv[++i])) != 0) break;
        } else {
            break;
        }
    }
    if (!rc && !feeds) rc = ioc_usage();
    if (!rc && (st = c2d_iocdb_finalize(db))) rc = c2d_cli_fail("finalize", st);
    if (rc) {
        c2d_iocdb_free(db);
        return rc;
    }
    *out = db;
    *first_value = i;
    return 0;
}

static void enrich_close(enrich *e) {
    c2d_geodb_free(e->geo);
    c2d_cli_input_free(&e->geo_bytes);
    c2d_asntable_free(e->asn);
}

static int cmd_match(int argc, char **argv) {
    c2d_iocdb *db = NULL;
    enrich e = {NULL, NULL, {NULL, NULL, 0, 0}};
    int first = 0, rc = load_feeds(argc, argv, &db, &first, &e);
    if (rc) {
        enrich_close(&e);
        return rc;
    }
    if (first >= argc) {
        c2d_iocdb_free(db);
        enrich_close(&e);
        return ioc_usage();
    }
    for (int i = first; i < argc; i++) {
        uint32_t ids[64];
        size_t n;
        c2d_status st = c2d_iocdb_match_text(db, argv[i], strlen(argv[i]), ids, 64, &n);
        if (st) {
            rc = c2d_cli_fail(argv[i], st);
            continue;
        }
        printf("%s: %zu match%s\n", argv[i], n, n == 1 ? "" : "es");
        for (size_t k = 0; k < n && k < 64; k++) {
            c2d_ioc_info info = {.size = sizeof info};
            c2d_iocdb_get(db, ids[k], &info);
            printf("  %-7s %s family=%s threat=%s confidence=%u source=%s", c2d_ioc_type_name(info.type),
                   info.value, *info.family ? info.family : "-",
                   *info.threat_type ? info.threat_type : "-", info.confidence, info.source);
            if (*info.tags) printf(" tags=%s", info.tags);
            print_time("first_seen", info.first_seen);
            print_time("last_seen", info.last_seen);
            printf("\n");
        }
        print_enrichment(&e, argv[i]);
    }
    c2d_iocdb_free(db);
    enrich_close(&e);
    return rc;
}

static int cmd_ports(int argc, char **argv) {
    c2d_iocdb *db = NULL;
    enrich e = {NULL, NULL, {NULL, NULL, 0, 0}};
    int first = 0, rc = load_feeds(argc, argv, &db, &first, &e);
    enrich_close(&e);
    if (rc) return rc;
    for (int i = first; i < argc; i++) {
        unsigned port = (unsigned)strtoul(argv[i], NULL, 10);
        unsigned fam[10];
        uint32_t cnt[10];
        size_t n, n_port;
        c2d_iocdb_port_families(db, (uint16_t)port, fam, cnt, 10, &n, &n_port);
        printf("port %u: %zu ip:port IOCs, %zu families, possible_http %d, possible_https %d\n",
               port, n_port, n, c2d_port_possible_http(port), c2d_port_possible_https(port));
        for (size_t k = 0; k < n && k < 10; k++) {
            const char *name = "(none)";
            if (fam[k]) c2d_iocdb_family(db, fam[k], &name, NULL);
            printf("  %-32s %u (%.1f %%)\n", name, cnt[k], 100.0 * cnt[k] / (double)n_port);
        }
    }
    c2d_iocdb_free(db);
    return 0;
}

static int cmd_family(int argc, char **argv) {
    if (argc < 3) return ioc_usage();
    unsigned a, b, c, d;
    if (sscanf(argv[1], "%u.%u.%u.%u", &a, &b, &c, &d) != 4 || a > 255 || b > 255 || c > 255 ||
        d > 255)
        return ioc_usage();
    unsigned port = (unsigned)strtoul(argv[2], NULL, 10);
    const char *country = NULL;
    uint32_t asn = 0;
    enrich e = {NULL, NULL, {NULL, NULL, 0, 0}};
    int rc = 0;
    for (int i = 3; i + 1 < argc && !rc; i += 2) {
        if (!strcmp(argv[i], "--country")) country = argv[i + 1];
        else if (!strcmp(argv[i], "--asn")) asn = (uint32_t)strtoul(argv[i + 1], NULL, 10);
        else if (!strcmp(argv[i], "--geo")) rc = open_geo(&e, argv[i + 1]);
        else if (!strcmp(argv[i], "--asn-csv")) rc = open_asn(&e, argv[i + 1]);
        else rc = ioc_usage();
    }
    char iso[3] = "";
    if (!rc && (e.geo || e.asn)) {
        uint32_t looked_asn;
        const char *org;
        enrich_v4(&e, a << 24 | b << 16 | c << 8 | d, iso, &looked_asn, &org);
        if (!country && iso[0]) country = iso;
        if (!asn) asn = looked_asn;
        printf("features from country=%s asn=%u\n", country ? country : "-", asn);
    }
    enrich_close(&e);
    if (rc) return rc;
    c2d_model *m;
    c2d_status st = c2d_model_builtin("ioc-family", NULL, &m);
    if (st) return c2d_cli_fail("ioc-family model", st);
    float row[C2D_IOC_FAMILY_N_FEATURES], proba[128];
    c2d_ioc_family_features(a << 24 | b << 16 | c << 8 | d, (uint16_t)port, country, asn, row,
                            C2D_IOC_FAMILY_N_FEATURES);
    c2d_model_summary s = {.size = sizeof s};
    c2d_model_info(m, &s);
    st = c2d_forest_predict(m, row, C2D_IOC_FAMILY_N_FEATURES, proba, s.n_classes);
    if (st) {
        c2d_model_free(m);
        return c2d_cli_fail("predict", st);
    }
    const char *classes = "";
    if (c2d_model_meta_text(m, "classes", &classes) != C2D_OK) classes = "";
    /* print the top 5 classes */
    for (int r = 0; r < 5; r++) {
        unsigned best = 0;
        for (unsigned k = 1; k < s.n_classes; k++)
            if (proba[k] > proba[best]) best = k;
        if (proba[best] < 0) break;
        const char *p = classes;
        for (unsigned k = 0; k < best && p; k++) {
            p = strchr(p, ',');
            if (p) p++;
        }
        const char *comma = p ? strchr(p, ',') : NULL;
        printf("%-28.*s %.3f\n", p ? (int)(comma ? (size_t)(comma - p) : strlen(p)) : 1, p ? p : "?",
               proba[best]);
        proba[best] = -1;
    }
    c2d_model_free(m);
    return 0;
}

int c2d_cmd_ioc(int argc, char **argv) {
    if (argc < 2) return ioc_usage();
    if (!strcmp(argv[1], "load")) return cmd_load(argc - 1, argv + 1);
    if (!strcmp(argv[1], "match")) return cmd_match(argc - 1, argv + 1);
    if (!strcmp(argv[1], "ports")) return cmd_ports(argc - 1, argv + 1);
    if (!strcmp(argv[1], "family")) return cmd_family(argc - 1, argv + 1);
    return ioc_usage();
}
