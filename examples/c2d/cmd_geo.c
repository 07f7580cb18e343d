/* c2d geo info DB.mmdb | geo lookup DB.mmdb IP... | geo asn ASN.csv IP...
 * MMDB metadata, lookups with the whole record as JSON, and ASN CSV lookups. */
#include <stdlib.h>
#include <string.h>

#include "commands.h"

static void json_bytes(const uint8_t *p, uint32_t n) {
    putchar('"');
    for (uint32_t i = 0; i < n; i++) {
        uint8_t c = p[i];
        if (c == '"' || c == '\\') printf("\\%c", c);
        else if (c < 0x20) printf("\\u%04x", c);
        else putchar(c);
    }
    putchar('"');
}

/* Print a value as JSON; `budget` bounds the values printed (a hostile file
 * can make a record that is huge when its pointers are expanded). */
static c2d_status json_value(const c2d_geodb *db, const c2d_geo_value *v, long *budget) {
    if (--*budget < 0) return C2D_ERR_LIMIT;
    switch (v->type) {
    case C2D_GEO_MAP:
    case C2D_GEO_ARRAY: {
        int map = v->type == C2D_GEO_MAP;
        c2d_geo_iter it;
        c2d_status st = c2d_geodb_iter_init(v, &it);
        if (st != C2D_OK) return st;
        c2d_geo_value k = {.size = sizeof k}, x = {.size = sizeof x};
        putchar(map ? '{' : '[');
        for (int first = 1; (st = c2d_geodb_iter_next(db, &it, &k, &x)) == C2D_OK; first = 0) {
            if (!first) putchar(',');
            if (map) {
                json_bytes(k.bytes, k.count);
                putchar(':');
            }
            if ((st = json_value(db, &x, budget)) != C2D_OK) return st;
        }
        putchar(map ? '}' : ']');
        return st == C2D_ERR_NOT_FOUND ? C2D_OK : st;
    }
    case C2D_GEO_STRING: json_bytes(v->bytes, v->count); break;
    case C2D_GEO_BYTES:
        putchar('"');
        for (uint32_t i = 0; i < v->count; i++) printf("%02x", v->bytes[i]);
        putchar('"');
        break;
    case C2D_GEO_DOUBLE: {
        char buf[32];
        snprintf(buf, sizeof buf, "%.15g", v->f64); /* short when it reads back the same */
        if (strtod(buf, NULL) != v->f64) snprintf(buf, sizeof buf, "%.17g", v->f64);
        fputs(buf, stdout);
        break;
    }
    case C2D_GEO_FLOAT: {
        char buf[32];
        snprintf(buf, sizeof buf, "%.7g", (double)v->f32);
        if (strtof(buf, NULL) != v->f32) snprintf(buf, sizeof buf, "%.9g", (double)v->f32);
        fputs(buf, stdout);
        break;
    }
    case C2D_GEO_INT32: printf("%d", (int)v->i32); break;
    case C2D_GEO_BOOL: printf(v->u64 ? "true" : "false"); break;
    case C2D_GEO_UINT128:
        if (v->u128_high) {
            printf("\"0x%016llx%016llx\"", (unsigned long long)v->u128_high, (unsigned long long)v->u64);
            break;
        }
        /* fall through */
    default: printf("%llu", (unsigned long long)v->u64); break;
    }
    return C2D_OK;
}

static int geo_info(const char *path) {
    c2d_geodb *db = NULL;
    c2d_cli_input keep;
    if (c2d_cli_open_geo(path, &db, &keep)) return C2D_EXIT_ERROR;
    c2d_geodb_summary in = {.size = sizeof in};
    c2d_geodb_info(db, &in);
    printf("%-14s %s\n", "type", in.database_type);
    printf("%-14s %u\n", "ip_version", in.ip_version);
    printf("%-14s %u\n", "record_size", in.record_size);
    printf("%-14s %u\n", "node_count", in.node_count);
    printf("%-14s %u.%u\n", "format", in.format_major, in.format_minor);
    printf("%-14s %llu\n", "build_epoch", (unsigned long long)in.build_epoch);
    printf("%-14s %zu\n", "data_bytes", in.data_section_bytes);
    printf("%-14s %zu\n", "file_bytes", in.file_bytes);
    c2d_geodb_free(db);
    c2d_cli_input_free(&keep);
    return 0;
}

static int geo_lookup(const char *path, int n, char **ips) {
    c2d_geodb *db = NULL;
    c2d_cli_input keep;
    if (c2d_cli_open_geo(path, &db, &keep)) return C2D_EXIT_ERROR;
    c2d_status st;
    int rc = 0;
    for (int i = 0; i < n; i++) {
        c2d_geo_result r = {.size = sizeof r};
        st = c2d_geodb_lookup(db, ips[i], &r);
        if (st != C2D_OK) {
            rc = c2d_cli_fail(ips[i], st);
            continue;
        }
        printf("%s\tprefix=%u", ips[i], r.prefix_len);
        if (!r.found) {
            printf("\tnot found\n");
            continue;
        }
        char iso[3], org[256];
        uint32_t asn;
        if (c2d_geodb_country(db, &r, iso) == C2D_OK) printf("\tcountry=%s", iso);
        if (c2d_geodb_asn(db, &r, &asn) == C2D_OK) printf("\tasn=%u", asn);
        if (c2d_geodb_as_org(db, &r, org, sizeof org, NULL) == C2D_OK) printf("\torg=%s", org);
        putchar('\t');
        c2d_geo_value v = {.size = sizeof v};
        long budget = 100000;
        st = c2d_geodb_record(db, &r, &v);
        if (st == C2D_OK) st = json_value(db, &v, &budget);
        putchar('\n');
        if (st != C2D_OK) rc = c2d_cli_fail(ips[i], st);
    }
    c2d_geodb_free(db);
    c2d_cli_input_free(&keep);
    return rc;
}

static int geo_asn(const char *path, int n, char **ips) {
    c2d_asntable *t = NULL;
    c2d_asntable_stats s = {.size = sizeof s};
    if (c2d_cli_load_asn(path, &t, &s)) return C2D_EXIT_ERROR;
    c2d_status st;
    printf("# %llu lines, %llu ranges, %llu malformed, %llu overlapping", (unsigned long long)s.lines,
           (unsigned long long)s.ranges, (unsigned long long)s.malformed, (unsigned long long)s.overlapping);
    for (unsigned i = 0; i < s.n_bad_lines; i++) printf("%s%llu", i ? "," : " (lines ", (unsigned long long)s.bad_lines[i]);
    printf("%s\n", s.n_bad_lines ? ")" : "");
    int rc = 0;
    for (int i = 0; i < n; i++) {
        int family;
        uint8_t a[16];
        if (c2d_geo_parse_ip(ips[i], &family, a) != C2D_OK || family != 4) {
            rc = c2d_cli_fail(ips[i], C2D_ERR_INVALID_ARG);
            continue;
        }
        uint32_t asn;
        const char *org;
        st = c2d_asntable_lookup(t, (uint32_t)a[0] << 24 | (uint32_t)a[1] << 16 | (uint32_t)a[2] << 8 | a[3],
                                 &asn, &org, NULL);
        if (st == C2D_OK) printf("%s\tasn=%u\torg=%s\n", ips[i], asn, org);
        else printf("%s\tnot found\n", ips[i]);
    }
    c2d_asntable_free(t);
    return rc;
}

int c2d_cmd_geo(int argc, char **argv) {
    if (argc == 3 && !strcmp(argv[1], "info")) return geo_info(argv[2]);
    if (argc >= 4 && !strcmp(argv[1], "lookup")) return geo_lookup(argv[2], argc - 3, argv + 3);
    if (argc >= 4 && !strcmp(argv[1], "asn")) return geo_asn(argv[2], argc - 3, argv + 3);
    return c2d_cli_usage("geo");
}
