/* IOC store suite: exact matches (suffix boundaries, longest prefix, URL
 * normalisation, ip:port), feed loaders with malformed lines, port facts,
 * rarity counter, feature row, OOM paths, and the shared feeds when present. */
#include "helpers.h"

#include <pthread.h>
#include <unistd.h>

static c2d_iocdb *build(const char *feed, c2d_ioc_format fmt, const char *family,
                        c2d_ioc_load_report *rep) {
    c2d_iocdb *db = NULL;
    assert_int_equal(c2d_iocdb_new(NULL, &db), C2D_OK);
    c2d_ioc_load_options o = {.size = sizeof o, .format = fmt, .family = family};
    rep->size = sizeof *rep;
    assert_int_equal(c2d_iocdb_load_memory(db, feed, strlen(feed), &o, rep), C2D_OK);
    assert_int_equal(c2d_iocdb_finalize(db), C2D_OK);
    return db;
}

static const char *value_of(const c2d_iocdb *db, uint32_t id) {
    c2d_ioc_info in = {.size = sizeof in};
    assert_int_equal(c2d_iocdb_get(db, id, &in), C2D_OK);
    return in.value;
}

static size_t match(const c2d_iocdb *db, const char *text, uint32_t *ids, size_t cap) {
    size_t n = 99;
    assert_int_equal(c2d_iocdb_match_text(db, text, strlen(text), ids, cap, &n), C2D_OK);
    return n;
}

static void test_domain_suffix_boundaries(void **state) {
    (void)state;
    c2d_ioc_load_report r;
    c2d_iocdb *db = build("# trail\nevil.example\nEVIL.example.\nb.evil.example\nexample.org\n",
                          C2D_IOC_FORMAT_LIST, "fam", &r);
    assert_int_equal(r.loaded, 4);
    assert_int_equal(r.skipped, 1);
    uint32_t ids[8];
    assert_int_equal(match(db, "a.b.evil.example", ids, 8), 3);
    assert_string_equal(value_of(db, ids[0]), "b.evil.example"); /* longest suffix first */
    assert_int_equal(ids[1], 0);                                  /* then id order */
    assert_int_equal(ids[2], 1);
    assert_int_equal(match(db, "notevil.example", ids, 8), 0);
    assert_int_equal(match(db, "evil.example.com", ids, 8), 0);
    assert_int_equal(match(db, "Evil.Example.", ids, 8), 2);
    assert_int_equal(match(db, "example", ids, 8), 0);
    size_t n;
    assert_int_equal(c2d_iocdb_match_domain(db, "x.example.org", 13, ids, 1, &n), C2D_OK);
    assert_int_equal(n, 1);
    /* cap smaller than the matches: best one only, total reported */
    assert_int_equal(match(db, "q.b.evil.example", ids, 1), 3);
    assert_string_equal(value_of(db, ids[0]), "b.evil.example");
    char longname[300];
    memset(longname, 'a', sizeof longname);
    assert_int_equal(c2d_iocdb_match_domain(db, longname, sizeof longname, ids, 8, &n), C2D_ERR_LIMIT);
    c2d_iocdb_free(db);
}

static void test_ip_cidr_ipport(void **state) {
    (void)state;
    c2d_ioc_load_report r;
    c2d_iocdb *db = build("10.0.0.0/8\n10.1.0.0/16\n10.1.2.3\n10.1.2.3:443\n10.1.2.99/24\n"
                          "2001:db8::/32\n2001:DB8:0:0:0:0:0:1\n[2001:db8::1]:8080\n",
                          C2D_IOC_FORMAT_LIST, NULL, &r);
    assert_int_equal(r.loaded, 8);
    assert_int_equal(r.by_type[C2D_IOC_CIDR], 4);
    assert_int_equal(r.by_type[C2D_IOC_IP], 2);
    assert_int_equal(r.by_type[C2D_IOC_IP_PORT], 2);
    uint32_t ids[8];
    size_t n;
    assert_int_equal(c2d_iocdb_match_ipv4(db, 0x0A010203, 443, ids, 8, &n), C2D_OK);
    assert_int_equal(n, 5);
    assert_string_equal(value_of(db, ids[0]), "10.1.2.3:443");
    assert_string_equal(value_of(db, ids[1]), "10.1.2.3");
    assert_string_equal(value_of(db, ids[2]), "10.1.2.0/24"); /* host bits cleared */
    assert_string_equal(value_of(db, ids[3]), "10.1.0.0/16");
    assert_string_equal(value_of(db, ids[4]), "10.0.0.0/8");
    assert_int_equal(c2d_iocdb_match_ipv4(db, 0x0A010203, 80, ids, 8, &n), C2D_OK);
    assert_int_equal(n, 4); /* wrong port: no ip:port match */
    assert_int_equal(c2d_iocdb_match_ipv4(db, 0x0A020304, 0, ids, 8, &n), C2D_OK);
    assert_int_equal(n, 1);
    assert_int_equal(c2d_iocdb_match_ipv4(db, 0x0B000000, 0, ids, 8, &n), C2D_OK);
    assert_int_equal(n, 0);
    /* the batch call gives the single calls' best id and count */
    uint32_t addrs[40], best[40], counts[40];
    uint16_t ports[40];
    for (uint32_t i = 0; i < 40; i++) {
        addrs[i] = i % 3 == 0 ? 0x0A010203 : i % 3 == 1 ? 0x0A000000 + i * 7919 : 0xC0000000 + i;
        ports[i] = (uint16_t)(i % 2 ? 443 : 80);
    }
    assert_int_equal(c2d_iocdb_match_ipv4_batch(db, addrs, ports, 40, best, counts), C2D_OK);
    for (uint32_t i = 0; i < 40; i++) {
        assert_int_equal(c2d_iocdb_match_ipv4(db, addrs[i], ports[i], ids, 1, &n), C2D_OK);
        assert_int_equal(counts[i], n);
        assert_int_equal(best[i], n ? ids[0] : C2D_IOC_NO_MATCH);
    }
    assert_int_equal(c2d_iocdb_match_ipv4_batch(db, addrs, NULL, 40, best, NULL), C2D_OK);
    assert_int_equal(best[0], 2); /* no port: the exact IP first */
    assert_int_equal(c2d_iocdb_match_ipv4_batch(db, NULL, NULL, 1, best, NULL), C2D_ERR_INVALID_ARG);
    assert_int_equal(match(db, "[2001:db8::1]:8080", ids, 8), 3);
    assert_string_equal(value_of(db, ids[0]), "[2001:db8::1]:8080");
    assert_string_equal(value_of(db, ids[1]), "2001:db8::1");
    assert_string_equal(value_of(db, ids[2]), "2001:db8::/32");
    assert_int_equal(match(db, "2001:db9::1", ids, 8), 0);
    assert_int_equal(match(db, "http://10.1.2.3:443/x", ids, 8), 5); /* URL host + port */
    c2d_ioc_info in = {.size = sizeof in};
    assert_int_equal(c2d_iocdb_get(db, 2, &in), C2D_OK);
    assert_int_equal(in.type, C2D_IOC_IP);
    assert_int_equal(in.prefix_len, 32);
    assert_int_equal(c2d_iocdb_get(db, 8, &in), C2D_ERR_NOT_FOUND);
    c2d_iocdb_free(db);
}

static void test_url_normalisation(void **state) {
    (void)state;
    char out[256];
    size_t n;
    static const char *cases[][2] = {
        {"HTTP://Evil.Example:80/a%7Eb%2fc?q=%41#frag", "http://evil.example/a~b%2Fc?q=A"},
        {"https://evil.example:443", "https://evil.example/"},
        {"https://evil.example:8443/x", "https://evil.example:8443/x"},
        {"evil.example/gate.php", "http://evil.example/gate.php"},
        {"http://user@EVIL.example./p", "http://user@evil.example/p"},
        {"http://[2001:DB8::1]:80/", "http://[2001:db8::1]/"},
        {"http://a/%a%41%", "http://a/%25aA%25"}, /* bare '%' -> %25: idempotent */
        {"http://a/%25aA%25", "http://a/%25aA%25"},
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        assert_int_equal(c2d_ioc_normalize_url(cases[i][0], strlen(cases[i][0]), out, sizeof out, &n), C2D_OK);
        assert_string_equal(out, cases[i][1]);
        assert_int_equal(n, strlen(cases[i][1]));
    }
    assert_int_equal(c2d_ioc_normalize_url("http://:80/", 11, out, sizeof out, &n), C2D_ERR_MALFORMED);
    assert_int_equal(c2d_ioc_normalize_url("http://a:99999/", 15, out, sizeof out, &n), C2D_ERR_MALFORMED);
    assert_int_equal(c2d_ioc_normalize_url("http://abc/", 11, out, 5, &n), C2D_ERR_BUFFER_TOO_SMALL);
    assert_int_equal(n, 11);
    c2d_ioc_load_report r;
    c2d_iocdb *db = build("http://evil.example/gate.php\n", C2D_IOC_FORMAT_LIST, "x", &r);
    uint32_t ids[4];
    assert_int_equal(c2d_iocdb_match_url(db, "HTTP://EVIL.EXAMPLE:80/gate%2Ephp#x", 35, ids, 4, &n), C2D_OK);
    assert_int_equal(n, 1);
    assert_int_equal(c2d_iocdb_match_url(db, "http://evil.example/Gate.php", 28, ids, 4, &n), C2D_OK);
    assert_int_equal(n, 0); /* path is case-sensitive */
    c2d_iocdb_free(db);
}

static const char threatfox_csv[] =
    "################################################################\n"
    "# ThreatFox IOCs: CSV export                                   #\n"
    "################################################################\n"
    "#\n"
    "# \"first_seen_utc\",\"ioc_id\",\"ioc_value\",\"ioc_type\",\"threat_type\",\"fk_malware\","
    "\"malware_alias\",\"malware_printable\",\"last_seen_utc\",\"confidence_level\",\"reference\","
    "\"tags\",\"anonymous\",\"reporter\"\n"
    "\"2023-01-02 03:04:05\", \"1\", \"1.2.3.4:995\", \"ip:port\", \"botnet_cc\", \"win.qakbot\", "
    "\"Pinkslipbot,QakBot\", \"QakBot\", \"\", \"75\", \"\", \"exe,Qakbot\", \"0\", \"abuse_ch\"\n"
    "\"2023-01-02 03:04:06\", \"2\", \"5.6.7.8:449\", \"ip:port\", \"botnet_cc\", \"win.trickbot\", "
    "\"\", \"TrickBot\", \"2023-02-01 00:00:00\", \"100\", \"\", \"None\", \"0\", \"abuse_ch\"\n"
    "\"2023-01-02 03:04:07\", \"3\", \"bad value\", \"domain\", \"botnet_cc\", \"win.x\", \"\", \"X\", "
    "\"\", \"50\", \"\", \"\", \"0\", \"r\"\n"
    "\"2023-01-02\", \"4\", \"d41d8cd98f00b204e9800998ecf8427e\", \"md5_hash\", \"payload\", "
    "\"win.x\", \"\", \"X\", \"\", \"50\", \"\", \"\", \"0\", \"r\"\n"
    "\"2023-01-02 03:04:08\", \"5\", \"evil.example\", \"domain\"\n"
    "\"2023-13-02 03:04:08\", \"6\", \"evil.example\", \"domain\", \"botnet_cc\", \"win.x\", \"\", "
    "\"X\", \"\", \"50\", \"\", \"\", \"0\", \"r\"\n"
    "\"2023-01-02 03:04:09\", \"7\", \"http://a.example/x\", \"url\", \"payload_delivery\", "
    "\"win.x\", \"\", \"X\", \"\", \"101\", \"\", \"\", \"0\", \"r\"\n"
    "\"2023-01-02 03:04:10\", \"8\", \"a\"b\", \"url\"\n"
    "\"2023-01-02 03:04:11\", \"9\", \"c.example\", \"domain\", \"botnet_cc\", \"\", \"\", \"\", "
    "\"\", \"50\", \"\", \"\", \"0\", \"r\"\n";

static uint64_t reject_lines[32];
static size_t n_reject_calls;
static void on_reject(void *ctx, uint64_t line, const char *why) {
    (void)ctx;
    assert_non_null(why);
    if (n_reject_calls < 32) reject_lines[n_reject_calls] = line;
    n_reject_calls++;
}

static void test_threatfox_csv(void **state) {
    (void)state;
    c2d_iocdb *db;
    assert_int_equal(c2d_iocdb_new(NULL, &db), C2D_OK);
    c2d_ioc_load_options o = {.size = sizeof o, .on_reject = on_reject};
    c2d_ioc_load_report r = {.size = sizeof r};
    n_reject_calls = 0;
    assert_int_equal(c2d_iocdb_load_memory(db, threatfox_csv, sizeof threatfox_csv - 1, &o, &r), C2D_OK);
    assert_int_equal(r.format, C2D_IOC_FORMAT_CSV);
    assert_int_equal(r.lines, 14);
    assert_int_equal(r.loaded, 3);
    assert_int_equal(r.rejected, 5);
    assert_int_equal(r.skipped, 6); /* 5 comment lines + md5 */
    assert_int_equal(r.unsupported, 1);
    const uint64_t expect[] = {8, 10, 11, 12, 13};
    for (size_t i = 0; i < 5; i++) assert_int_equal(r.first_rejected[i], expect[i]);
    assert_int_equal(n_reject_calls, 5);
    for (size_t i = 0; i < 5; i++) assert_int_equal(reject_lines[i], expect[i]);
    assert_int_equal(c2d_iocdb_add(db, &(c2d_ioc_entry){.size = sizeof(c2d_ioc_entry),
                                                         .value = "9.9.9.9:995",
                                                         .family = "QakBot"}), C2D_OK);
    assert_int_equal(c2d_iocdb_finalize(db), C2D_OK);
    assert_int_equal(c2d_iocdb_finalize(db), C2D_ERR_STATE);
    assert_int_equal(c2d_iocdb_load_memory(db, "x", 1, NULL, NULL), C2D_ERR_STATE);
    uint32_t ids[4];
    size_t n;
    assert_int_equal(c2d_iocdb_match_ipv4(db, 0x01020304, 995, ids, 4, &n), C2D_OK);
    assert_int_equal(n, 1);
    c2d_ioc_info in = {.size = sizeof in};
    assert_int_equal(c2d_iocdb_get(db, ids[0], &in), C2D_OK);
    assert_string_equal(in.family, "QakBot");
    assert_string_equal(in.threat_type, "botnet_cc");
    assert_string_equal(in.tags, "exe,Qakbot");
    assert_string_equal(in.source, "csv");
    assert_int_equal(in.confidence, 75);
    assert_int_equal(in.first_seen, 1672628645);
    assert_int_equal(in.last_seen, 0);
    assert_int_equal(in.port, 995);
    assert_int_equal(c2d_iocdb_match_ipv4(db, 0x05060708, 449, ids, 4, &n), C2D_OK);
    assert_int_equal(c2d_iocdb_get(db, ids[0], &in), C2D_OK);
    assert_string_equal(in.tags, ""); /* "None" */
    assert_int_equal(in.last_seen, 1675209600);
    assert_int_equal(match(db, "c.example", ids, 4), 1);
    assert_int_equal(c2d_iocdb_get(db, ids[0], &in), C2D_OK);
    assert_string_equal(in.family, ""); /* no family in the row: none, not the caller's */
    unsigned fam[4];
    uint32_t cnt[4];
    size_t n_port;
    assert_int_equal(c2d_iocdb_port_families(db, 995, fam, cnt, 4, &n, &n_port), C2D_OK);
    assert_int_equal(n, 1);
    assert_int_equal(n_port, 2);
    assert_int_equal(cnt[0], 2);
    const char *name;
    size_t count;
    assert_int_equal(c2d_iocdb_family(db, fam[0], &name, &count), C2D_OK);
    assert_string_equal(name, "QakBot");
    assert_int_equal(count, 2);
    assert_int_equal(c2d_iocdb_family(db, 99, &name, &count), C2D_ERR_NOT_FOUND);
    c2d_iocdb_free(db);
}

static void test_ipport_and_maltrail_csv(void **state) {
    (void)state;
    c2d_ioc_load_report r;
    c2d_iocdb *db = build("first_seen_utc,ioc_id,ip,port,threat_type,fk_malware,malware_printable\n"
                          "2021-09-18 17:39:24,223357,47.95.207.79,443,botnet_cc,win.cobalt_strike,Cobalt Strike\n"
                          "2026-01-16 11:29:59,1732836,120.77.61.1,0,botnet_cc,win.danabot,DanaBot\n"
                          "2021-09-18 17:39:24,223358,47.95.207.80,443,botnet_cc,win.x,\n",
                          C2D_IOC_FORMAT_AUTO, NULL, &r);
    assert_int_equal(r.format, C2D_IOC_FORMAT_CSV);
    assert_int_equal(r.loaded, 2);
    assert_int_equal(r.rejected, 1);
    assert_int_equal(r.first_rejected[0], 3); /* port 0 */
    uint32_t ids[4];
    assert_int_equal(match(db, "47.95.207.80:443", ids, 4), 1);
    c2d_ioc_info in = {.size = sizeof in};
    c2d_iocdb_get(db, ids[0], &in);
    assert_string_equal(in.family, "win.x"); /* empty printable name: fk_malware */
    c2d_iocdb_free(db);
    db = build("family,indicator,indicator_type\n0debug,http://5.42.81.134,url\n"
               "0debug,0debug.cc,domain\n0ktapus,/pay_or_leak,url\nx,,domain\n"
               "adwind,unrecom.net         # UnReCoM RAT,domain\n"
               "f,\"(a|b)[0-9]{2,3}\\.ru\",domain\n",
               C2D_IOC_FORMAT_AUTO, NULL, &r);
    assert_int_equal(r.loaded, 4);
    assert_int_equal(r.rejected, 2);
    assert_int_equal(r.first_rejected[0], 5); /* empty indicator */
    assert_int_equal(r.first_rejected[1], 7); /* a regular expression trail */
    assert_int_equal(match(db, "unrecom.net", ids, 4), 1); /* trailing " # comment" dropped */
    assert_int_equal(r.by_type[C2D_IOC_URL_PATH], 1);
    assert_int_equal(match(db, "http://5.42.81.134/", ids, 4), 1);
    c2d_iocdb_get(db, ids[0], &in);
    assert_string_equal(in.family, "0debug");
    /* a path trail matches any host, on the path and on path?query, not a longer path */
    assert_int_equal(match(db, "https://x.example/pay_or_leak?id=1", ids, 4), 1);
    c2d_iocdb_get(db, ids[0], &in);
    assert_int_equal(in.type, C2D_IOC_URL_PATH);
    assert_string_equal(in.value, "/pay_or_leak");
    assert_string_equal(c2d_ioc_type_name(in.type), "url-path");
    size_t n;
    assert_int_equal(c2d_iocdb_match_url(db, "http://a/pay_%6Fr_leak", 22, ids, 4, &n), C2D_OK);
    assert_int_equal(n, 1);
    assert_int_equal(match(db, "http://a/pay_or_leak/x", ids, 4), 0);
    c2d_iocdb_free(db);
}

static const char threatfox_json[] =
    "{\n"
    "  \"1063212\": [\n"
    "    {\n"
    "      \"ioc_value\": \"evil.example\",\n"
    "      \"ioc_type\": \"domain\",\n"
    "      \"threat_type\": \"botnet_cc\",\n"
    "      \"malware\": \"win.qakbot\",\n"
    "      \"malware_alias\": null,\n"
    "      \"malware_printable\": \"QakBot\",\n"
    "      \"first_seen_utc\": \"2023-01-02 03:04:05\",\n"
    "      \"last_seen_utc\": null,\n"
    "      \"confidence_level\": 90,\n"
    "      \"reference\": null,\n"
    "      \"tags\": \"a,b\",\n"
    "      \"anonymous\": \"0\",\n"
    "      \"reporter\": \"abuse_ch\"\n"
    "    }\n"
    "  ],\n"
    "  \"1063213\": [{\"ioc_value\": \"not a value\", \"ioc_type\": \"domain\"}],\n"
    "  \"1063214\": [{\"ioc_value\": \"1.2.3.4:80\", \"ioc_type\": \"ip:port\", \"tags\": [\"x\", \"y\"],"
    " \"malware_printable\": \"Emotet\", \"confidence_level\": 50}],\n"
    "  \"1063215\": [{\"ioc_value\": \"h\\u0065llo.example\", \"ioc_type\": \"domain\", \"tags\": {\"k\": 1}}]\n"
    "}\n";

static void test_threatfox_json(void **state) {
    (void)state;
    c2d_ioc_load_report r;
    c2d_iocdb *db = build(threatfox_json, C2D_IOC_FORMAT_AUTO, NULL, &r);
    assert_int_equal(r.format, C2D_IOC_FORMAT_THREATFOX_JSON);
    assert_int_equal(r.lines, 4);
    assert_int_equal(r.loaded, 2);
    assert_int_equal(r.rejected, 2);
    assert_int_equal(r.first_rejected[0], 19);
    assert_int_equal(r.first_rejected[1], 21);
    uint32_t ids[4];
    assert_int_equal(match(db, "x.evil.example", ids, 4), 1);
    c2d_ioc_info in = {.size = sizeof in};
    c2d_iocdb_get(db, ids[0], &in);
    assert_string_equal(in.family, "QakBot");
    assert_string_equal(in.tags, "a,b");
    assert_int_equal(in.confidence, 90);
    assert_int_equal(match(db, "1.2.3.4:80", ids, 4), 1);
    c2d_iocdb_get(db, ids[0], &in);
    assert_string_equal(in.tags, "x,y");
    c2d_iocdb_free(db);
    /* a record holding another record: the inner one loads, the outer one (whose
     * fields the inner overwrote) is rejected, not mixed up */
    db = build("{\"ioc\": \"outer.example\", \"x\": [{\"ioc\": \"inner.example\"}]}",
               C2D_IOC_FORMAT_THREATFOX_JSON, NULL, &r);
    assert_int_equal(r.loaded, 1);
    assert_int_equal(r.rejected, 1);
    assert_int_equal(match(db, "inner.example", ids, 4), 1);
    assert_int_equal(match(db, "outer.example", ids, 4), 0);
    c2d_iocdb_free(db);
    /* a syntax error stops the load with its line */
    assert_int_equal(c2d_iocdb_new(NULL, &db), C2D_OK);
    c2d_ioc_load_options o = {.size = sizeof o, .format = C2D_IOC_FORMAT_THREATFOX_JSON};
    r.size = sizeof r;
    const char bad[] = "{\"1\": [{\"ioc_value\": \"a.example\"}],\n\"2\": [{\"ioc_value\": }]}";
    assert_int_equal(c2d_iocdb_load_memory(db, bad, sizeof bad - 1, &o, &r), C2D_ERR_MALFORMED);
    assert_int_equal(r.loaded, 1);
    assert_int_equal(r.rejected, 1);
    assert_int_equal(r.first_rejected[0], 2);
    c2d_iocdb_free(db);
}

/* ------------------------------------------ BOM, CRLF, header columns */
/* `src` with a UTF-8 BOM in front and/or every "\n" as "\r\n" (malloc'd). */
static char *variant(const char *src, int bom, int crlf) {
    size_t n = strlen(src), o = 0;
    char *out = malloc(3 + 2 * n + 1);
    if (bom) o += (size_t)sprintf(out, "\xEF\xBB\xBF");
    for (size_t i = 0; i < n; i++) {
        if (crlf && src[i] == '\n') out[o++] = '\r';
        out[o++] = src[i];
    }
    out[o] = 0;
    return out;
}

/* Everything a load produced, as one comparable text. */
static void describe(const c2d_iocdb *db, const c2d_ioc_load_report *r, char *buf, size_t cap) {
    size_t o = (size_t)snprintf(buf, cap, "fmt=%d lines=%llu loaded=%llu rejected=%llu skipped=%llu\n",
                                (int)r->format, (unsigned long long)r->lines,
                                (unsigned long long)r->loaded, (unsigned long long)r->rejected,
                                (unsigned long long)r->skipped);
    for (uint32_t id = 0; id < c2d_iocdb_count(db, C2D_IOC_UNKNOWN) && o < cap; id++) {
        c2d_ioc_info in = {.size = sizeof in};
        assert_int_equal(c2d_iocdb_get(db, id, &in), C2D_OK);
        o += (size_t)snprintf(buf + o, cap - o, "%s|%s|%s|%s|%lld|%lld|%u\n", in.value, in.family,
                              in.threat_type, in.tags, (long long)in.first_seen,
                              (long long)in.last_seen, in.confidence);
    }
}

static const char ipport_csv[] =
    "first_seen_utc,ioc_id,ip,port,threat_type,fk_malware,malware_printable\n"
    "2021-09-18 17:39:24,223357,47.95.207.79,443,botnet_cc,win.cobalt_strike,Cobalt Strike\n";
static const char maltrail_csv[] = "family,indicator,indicator_type\n0debug,0debug.cc,domain\n";
static const char plain_list[] = "evil.example\n# comment\n\n10.1.2.3\n";

/* Every format reads the same with a BOM, CRLF line ends, or both. */
static void test_bom_and_crlf_every_format(void **state) {
    (void)state;
    static const struct { const char *text; c2d_ioc_format fmt; const char *first; } feeds[] = {
        {threatfox_csv, C2D_IOC_FORMAT_CSV,
         "fmt=1 lines=14 loaded=3 rejected=5 skipped=6\n"
         "1.2.3.4:995|QakBot|botnet_cc|exe,Qakbot|1672628645|0|75\n"},
        {ipport_csv, C2D_IOC_FORMAT_CSV,
         "fmt=1 lines=2 loaded=1 rejected=0 skipped=1\n"
         "47.95.207.79:443|Cobalt Strike|botnet_cc||1631986764|0|50\n"},
        {maltrail_csv, C2D_IOC_FORMAT_CSV,
         "fmt=1 lines=2 loaded=1 rejected=0 skipped=1\n0debug.cc|0debug|||0|0|50\n"},
        {threatfox_json, C2D_IOC_FORMAT_THREATFOX_JSON, NULL},
        {plain_list, C2D_IOC_FORMAT_LIST,
         "fmt=3 lines=4 loaded=2 rejected=0 skipped=2\nevil.example|fam|||0|0|50\n"},
    };
    for (size_t f = 0; f < sizeof feeds / sizeof feeds[0]; f++) {
        char want[4096], got[4096];
        for (int v = 0; v < 4; v++) {
            char *text = variant(feeds[f].text, v & 1, v & 2);
            c2d_ioc_load_report r;
            /* AUTO must pick the same format through a BOM */
            c2d_iocdb *db = build(text, C2D_IOC_FORMAT_AUTO, "fam", &r);
            assert_int_equal(r.format, feeds[f].fmt);
            describe(db, &r, v ? got : want, sizeof want);
            if (v) assert_string_equal(got, want);
            c2d_iocdb_free(db);
            free(text);
        }
        if (feeds[f].first) assert_memory_equal(want, feeds[f].first, strlen(feeds[f].first));
    }
}

static const char *last_reason;
static void keep_reason(void *ctx, uint64_t line, const char *why) {
    (void)ctx;
    (void)line;
    last_reason = why;
}

/* A header that names columns but lacks one its format needs stops the load. */
static void test_missing_column_is_an_error(void **state) {
    (void)state;
    static const struct { const char *feed, *reason; uint64_t line; } cases[] = {
        {"ioc_id,ip,port,threat_type,fk_malware\n1,1.2.3.4,443,botnet_cc,win.x\n",
         "ThreatFox header has no first_seen_utc column", 1},
        {"first_seen_utc,ioc_id,ip,port,fk_malware\n2021-01-01,1,1.2.3.4,443,win.x\n",
         "ThreatFox header has no threat_type column", 1},
        {"first_seen_utc,ioc_id,ip,port,threat_type\n2021-01-01,1,1.2.3.4,443,botnet_cc\n",
         "ThreatFox header has no malware_printable or fk_malware column", 1},
        {"first_seen_utc,ioc_id,ip,threat_type,fk_malware\n2021-01-01,1,1.2.3.4,botnet_cc,win.x\n",
         "ThreatFox header has ip but no port column", 1},
        {"family,indicatr,indicator_type\nx,evil.example,domain\n",
         "header has no indicator column (ioc_value, ioc, indicator, value or ip)", 1},
        {"# comment\n# \"first_seen_utc\",\"ioc_id\",\"ioc_value\",\"ioc_type\",\"threat_type\","
         "\"fk_malware\",\"malware_printable\",\"last_seen_utc\",\"tags\"\n",
         "ThreatFox header has no confidence_level column", 2},
        {"# \"first_seen_utc\",\"ioc_id\",\"ioc_value\",\"threat_type\",\"fk_malware\","
         "\"last_seen_utc\",\"confidence_level\"\n",
         "ThreatFox header has no ioc_type column", 1},
        {"# \"first_seen_utc\",\"ioc_id\",\"ioc_value\",\"ioc_type\",\"threat_type\","
         "\"fk_malware\",\"confidence_level\"\n",
         "ThreatFox header has no last_seen_utc column", 1},
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        c2d_iocdb *db = NULL;
        assert_int_equal(c2d_iocdb_new(NULL, &db), C2D_OK);
        c2d_ioc_load_options o = {.size = sizeof o, .on_reject = keep_reason};
        c2d_ioc_load_report r = {.size = sizeof r};
        last_reason = NULL;
        assert_int_equal(c2d_iocdb_load_memory(db, cases[i].feed, strlen(cases[i].feed), &o, &r),
                         C2D_ERR_FEED_COLUMN);
        assert_string_equal(last_reason, cases[i].reason);
        assert_int_equal(r.format, C2D_IOC_FORMAT_CSV);
        assert_int_equal(r.loaded, 0);
        assert_int_equal(r.rejected, 1);
        assert_int_equal(r.first_rejected[0], cases[i].line);
        assert_int_equal(r.lines, cases[i].line);
        assert_int_equal(c2d_iocdb_count(db, C2D_IOC_UNKNOWN), 0);
        c2d_iocdb_free(db);
    }
    assert_string_equal(c2d_status_name(C2D_ERR_FEED_COLUMN), "C2D_ERR_FEED_COLUMN");
    assert_string_equal(c2d_strerror(C2D_ERR_FEED_COLUMN), "feed header lacks a column its format needs");
    assert_int_equal(C2D_ERR_FEED_COLUMN, -115);
}

/* Header names are trimmed and matched in any case; an ip column alone is the
 * indicator. */
static void test_header_trimmed(void **state) {
    (void)state;
    c2d_ioc_load_report r;
    c2d_iocdb *db = build(" First_Seen_UTC , IOC_ID ,\"IP \", Port ,threat_type,FK_Malware\r\n"
                          "2021-09-18 17:39:24,1,47.95.207.79,443,botnet_cc,win.x\r\n",
                          C2D_IOC_FORMAT_AUTO, NULL, &r);
    char got[512];
    describe(db, &r, got, sizeof got);
    assert_string_equal(got, "fmt=1 lines=2 loaded=1 rejected=0 skipped=1\n"
                             "47.95.207.79:443|win.x|botnet_cc||1631986764|0|50\n");
    c2d_iocdb_free(db);
    db = build("framework,ip\nAres RAT C2 IPs,47.242.51.181\n", C2D_IOC_FORMAT_AUTO, NULL, &r);
    describe(db, &r, got, sizeof got);
    assert_string_equal(got, "fmt=1 lines=2 loaded=1 rejected=0 skipped=1\n"
                             "47.242.51.181||||0|0|50\n");
    c2d_iocdb_free(db);
}

/* The ASN CSV: a BOM and CRLF do not cost the first line. */
static void test_asn_csv_bom_crlf(void **state) {
    (void)state;
    static const char csv[] = "1.0.0.0,1.0.0.255,13335,\"Cloudflare, Inc.\"\n1.0.4.0,1.0.7.255,38803,Gtelecom\n";
    for (int v = 0; v < 4; v++) {
        char *text = variant(csv, v & 1, v & 2);
        c2d_asntable *t = NULL;
        c2d_asntable_stats s = {.size = sizeof s};
        assert_int_equal(c2d_asntable_load_memory(text, strlen(text), NULL, &t, &s), C2D_OK);
        assert_int_equal(s.ranges, 2);
        assert_int_equal(s.malformed, 0);
        uint32_t asn = 0;
        const char *org = NULL;
        assert_int_equal(c2d_asntable_lookup(t, 0x01000001u, &asn, &org, NULL), C2D_OK);
        assert_int_equal(asn, 13335);
        assert_string_equal(org, "Cloudflare, Inc.");
        assert_int_equal(c2d_asntable_lookup(t, 0x01000501u, &asn, &org, NULL), C2D_OK);
        assert_string_equal(org, "Gtelecom");
        c2d_asntable_free(t);
        free(text);
    }
}

static void test_port_facts_and_signals(void **state) {
    (void)state;
    const unsigned http[] = {80, 8080, 10080, 180, 8000}, https[] = {443, 8443, 4433};
    for (size_t i = 0; i < 5; i++) assert_int_equal(c2d_port_possible_http(http[i]), 1);
    for (size_t i = 0; i < 3; i++) assert_int_equal(c2d_port_possible_https(https[i]), 1);
    assert_int_equal(c2d_port_possible_http(8), 0);
    assert_int_equal(c2d_port_possible_http(443), 0);
    assert_int_equal(c2d_port_possible_https(995), 0);
    assert_int_equal(c2d_port_possible_https(4343), 0);
    int newly;
    assert_int_equal(c2d_domain_newly_registered(1000000, 1000000 + 29 * 86400, 30, &newly), C2D_OK);
    assert_int_equal(newly, 1);
    assert_int_equal(c2d_domain_newly_registered(1000000, 1000000 + 30 * 86400, 30, &newly), C2D_OK);
    assert_int_equal(newly, 0);
    assert_int_equal(c2d_domain_newly_registered(0, 5, 30, &newly), C2D_ERR_INVALID_ARG);
    c2d_country_counter *cc;
    assert_int_equal(c2d_country_counter_new(NULL, 3, &cc), C2D_OK);
    double rar;
    uint64_t seen, total;
    assert_int_equal(c2d_country_counter_rarity(cc, 7, "JP", &rar, &seen, &total), C2D_OK);
    assert_true(rar == 0.5);
    for (int i = 0; i < 8; i++) assert_int_equal(c2d_country_counter_observe(cc, 7, "jp"), C2D_OK);
    assert_int_equal(c2d_country_counter_rarity(cc, 7, "JP", &rar, &seen, &total), C2D_OK);
    assert_true(rar > 0.1 - 1e-12 && rar < 0.1 + 1e-12);
    assert_int_equal(seen, 8);
    assert_int_equal(total, 8);
    assert_int_equal(c2d_country_counter_rarity(cc, 7, "RU", &rar, &seen, NULL), C2D_OK);
    assert_true(rar > 0.9 - 1e-12 && rar < 0.9 + 1e-12);
    assert_int_equal(seen, 0);
    assert_int_equal(c2d_country_counter_observe(cc, 7, "US"), C2D_OK);
    assert_int_equal(c2d_country_counter_observe(cc, 8, "US"), C2D_OK);   /* 6 entries */
    assert_int_equal(c2d_country_counter_observe(cc, 9, "US"), C2D_ERR_LIMIT);
    assert_int_equal(c2d_country_counter_observe(cc, 7, "U1"), C2D_ERR_INVALID_ARG);
    c2d_country_counter_free(cc);
    c2d_country_counter_free(NULL);
}

static void test_family_features(void **state) {
    (void)state;
    float row[C2D_IOC_FAMILY_N_FEATURES];
    /* 176.97.124.68:8443, DE, AS 12345 (same vector as the Python test) */
    assert_int_equal(c2d_ioc_family_features(0xB0617C44, 8443, "de", 12345, row, 12), C2D_OK);
    const float expect[12] = {8443, 0, 1, 1, 4, 3, 3, 3 * 26 + 4, 12345, 176, 176 * 256 + 97,
                              (176 * 256 + 97) * 256 + 124};
    for (int i = 0; i < 12; i++) assert_true(row[i] == expect[i]);
    assert_int_equal(c2d_ioc_family_features(0x01020304, 80, NULL, 0, row, 12), C2D_OK);
    assert_true(row[1] == 1 && row[7] == -1 && row[3] == 0 && row[6] == 2);
    assert_int_equal(c2d_ioc_family_features(0, 80, NULL, 0, row, 11), C2D_ERR_BUFFER_TOO_SMALL);
    c2d_model *m;
    assert_int_equal(c2d_model_builtin("ioc-family", NULL, &m), C2D_OK);
    c2d_model_summary s = {.size = sizeof s};
    assert_int_equal(c2d_model_info(m, &s), C2D_OK);
    assert_string_equal(s.schema, "ioc-family-v1");
    assert_int_equal(s.n_inputs, C2D_IOC_FAMILY_N_FEATURES);
    assert_true(s.n_classes <= 128);
    float proba[128];
    assert_int_equal(c2d_forest_predict(m, row, 12, proba, s.n_classes), C2D_OK);
    float sum = 0;
    for (unsigned i = 0; i < s.n_classes; i++) sum += proba[i];
    assert_true(sum > 0.99f && sum < 1.01f);
    c2d_model_free(m);
}

static void test_add_and_states(void **state) {
    (void)state;
    c2d_iocdb *db;
    assert_int_equal(c2d_iocdb_new(NULL, &db), C2D_OK);
    c2d_ioc_entry e = {.size = sizeof e, .type = C2D_IOC_DOMAIN, .value = "1.2.3.4"};
    assert_int_equal(c2d_iocdb_add(db, &e), C2D_ERR_MALFORMED); /* type disagrees */
    e.value = "ok.example";
    e.confidence = 101;
    assert_int_equal(c2d_iocdb_add(db, &e), C2D_ERR_INVALID_ARG);
    e.confidence = 10;
    assert_int_equal(c2d_iocdb_add(db, &e), C2D_OK);
    uint32_t ids[2];
    size_t n;
    assert_int_equal(c2d_iocdb_match_domain(db, "ok.example", 10, ids, 2, &n), C2D_ERR_STATE);
    assert_int_equal(c2d_iocdb_finalize(db), C2D_OK);
    assert_int_equal(c2d_iocdb_add(db, &e), C2D_ERR_STATE);
    assert_int_equal(c2d_iocdb_match_domain(db, "ok.example", 10, NULL, 0, &n), C2D_OK);
    assert_int_equal(n, 1);
    assert_int_equal(c2d_iocdb_match_domain(db, "ok.example", 10, NULL, 2, &n), C2D_ERR_INVALID_ARG);
    assert_int_equal(c2d_iocdb_count(db, C2D_IOC_DOMAIN), 1);
    assert_string_equal(c2d_ioc_type_name(C2D_IOC_IP_PORT), "ip:port");
    c2d_iocdb_free(db);
    c2d_iocdb_free(NULL);
    assert_int_equal(c2d_iocdb_new(NULL, NULL), C2D_ERR_INVALID_ARG);
}

/* A finalised store read by several threads at once gives every thread the
 * single-threaded answers (run under the sanitizers in CI). */
typedef struct reader_arg {
    const c2d_iocdb *db;
    int bad;
} reader_arg;

static void *reader(void *p) {
    reader_arg *a = (reader_arg *)p;
    for (int k = 0; k < 20000; k++) {
        uint32_t ids[4];
        size_t n;
        if (c2d_iocdb_match_ipv4(a->db, 0x0A010203, 443, ids, 4, &n) != C2D_OK || n != 3) a->bad++;
        if (c2d_iocdb_match_text(a->db, "x.evil.example", 14, ids, 4, &n) != C2D_OK || n != 1) a->bad++;
        if (c2d_iocdb_match_ipv4(a->db, 0x0B000000 + (uint32_t)k, 80, ids, 4, &n) != C2D_OK || n != 0)
            a->bad++;
    }
    return NULL;
}

/* c2d_iocdb_match_text_batch gives per value what c2d_iocdb_match_text gives,
 * records unparseable values in statuses (or stops without them), and refuses
 * a text whose value count disagrees with n. */
static void test_match_text_batch(void **state) {
    (void)state;
    c2d_ioc_load_report r;
    c2d_iocdb *db = build("evil.example\n203.0.113.7\n203.0.113.8:995\n198.51.100.0/24\n",
                          C2D_IOC_FORMAT_LIST, "fam", &r);
    static const char text[] = "a.evil.example\n203.0.113.8:995\nexample.org\n198.51.100.9\n"
                               "http://x.evil.example/p\nhttp://[::1\n203.0.113.7";
    enum { N = 7 };
    uint32_t best[N], counts[N];
    c2d_status sts[N];
    size_t done = 99;
    assert_int_equal(c2d_iocdb_match_text_batch(db, text, strlen(text), N, best, counts, sts, &done),
                     C2D_OK);
    assert_int_equal(done, N);
    /* the oracle: one call per line */
    const char *p = text;
    for (size_t i = 0; i < N; i++) {
        const char *nl = strchr(p, '\n');
        size_t len = nl ? (size_t)(nl - p) : strlen(p);
        uint32_t id = C2D_IOC_NO_MATCH;
        size_t total = 0;
        c2d_status st = c2d_iocdb_match_text(db, p, len, &id, 1, &total);
        assert_int_equal(sts[i], st);
        if (st == C2D_OK) {
            assert_int_equal(counts[i], total);
            assert_int_equal(best[i], total ? id : C2D_IOC_NO_MATCH);
        } else {
            assert_int_equal(counts[i], 0);
            assert_int_equal(best[i], C2D_IOC_NO_MATCH);
        }
        p += len + 1;
    }
    assert_string_equal(value_of(db, best[0]), "evil.example");
    assert_int_equal(best[2], C2D_IOC_NO_MATCH);
    assert_int_equal(counts[2], 0);
    assert_string_equal(value_of(db, best[3]), "198.51.100.0/24");
    assert_int_equal(sts[5], C2D_ERR_MALFORMED);
    assert_string_equal(value_of(db, best[6]), "203.0.113.7");
    /* without statuses the unparseable value stops the batch */
    assert_int_equal(c2d_iocdb_match_text_batch(db, text, strlen(text), N, best, NULL, NULL, &done),
                     C2D_ERR_MALFORMED);
    assert_int_equal(done, 5);
    /* count and text disagree */
    assert_int_equal(c2d_iocdb_match_text_batch(db, text, strlen(text), N + 1, best, counts, sts,
                                                &done), C2D_ERR_TRUNCATED);
    assert_int_equal(done, N);
    assert_int_equal(c2d_iocdb_match_text_batch(db, text, strlen(text), 2, best, counts, sts,
                                                &done), C2D_ERR_MALFORMED);
    assert_int_equal(done, 2);
    assert_int_equal(c2d_iocdb_match_text_batch(db, "evil.example\n", 13, 1, best, counts, sts,
                                                &done), C2D_OK);
    /* "a\n" as two values: "a" and an empty one (malformed, recorded) */
    assert_int_equal(c2d_iocdb_match_text_batch(db, "evil.example\n", 13, 2, best, counts, sts,
                                                &done), C2D_OK);
    assert_int_equal(sts[0], C2D_OK);
    assert_int_equal(sts[1], C2D_ERR_MALFORMED);
    assert_int_equal(best[1], C2D_IOC_NO_MATCH);
    assert_int_equal(c2d_iocdb_match_text_batch(db, "evil.example\n", 13, 3, best, counts, sts,
                                                &done), C2D_ERR_TRUNCATED);
    assert_int_equal(done, 2);
    assert_int_equal(c2d_iocdb_match_text_batch(db, NULL, 0, 0, NULL, NULL, NULL, &done), C2D_OK);
    assert_int_equal(done, 0);
    assert_int_equal(c2d_iocdb_match_text_batch(NULL, text, 3, 1, best, NULL, NULL, &done),
                     C2D_ERR_INVALID_ARG);
    assert_int_equal(c2d_iocdb_match_text_batch(db, NULL, 3, 1, best, NULL, NULL, &done),
                     C2D_ERR_INVALID_ARG);
    c2d_iocdb_free(db);
    /* a store that is not finalised */
    assert_int_equal(c2d_iocdb_new(NULL, &db), C2D_OK);
    assert_int_equal(c2d_iocdb_match_text_batch(db, "a.example", 9, 1, best, NULL, sts, &done),
                     C2D_ERR_STATE);
    assert_int_equal(done, 0);
    c2d_iocdb_free(db);
}

static void test_concurrent_readers(void **state) {
    (void)state;
    c2d_ioc_load_report r;
    c2d_iocdb *db = build("10.0.0.0/8\n10.1.2.3\n10.1.2.3:443\nevil.example\n", C2D_IOC_FORMAT_LIST,
                          "f", &r);
    pthread_t t[4];
    reader_arg args[4];
    for (int i = 0; i < 4; i++) {
        args[i].db = db;
        args[i].bad = 0;
        assert_int_equal(pthread_create(&t[i], NULL, reader, &args[i]), 0);
    }
    for (int i = 0; i < 4; i++) {
        assert_int_equal(pthread_join(t[i], NULL), 0);
        assert_int_equal(args[i].bad, 0);
    }
    c2d_iocdb_free(db);
}

/* Every allocation of a load+finalize fails in turn: a clean error, no leak. */
static void test_oom(void **state) {
    (void)state;
    long ok_at = 0;
    for (long k = 1; k < 400 && !ok_at; k++) {
        test_alloc ta;
        test_alloc_init(&ta, k);
        c2d_iocdb *db = NULL;
        c2d_status st = c2d_iocdb_new(&ta.api, &db);
        if (st == C2D_OK) {
            c2d_ioc_load_report r = {.size = sizeof r};
            st = c2d_iocdb_load_memory(db, threatfox_csv, sizeof threatfox_csv - 1, NULL, &r);
            if (st == C2D_OK) st = c2d_iocdb_load_memory(db, threatfox_json, sizeof threatfox_json - 1, NULL, &r);
            if (st == C2D_OK) st = c2d_iocdb_finalize(db);
            if (st == C2D_OK) ok_at = k;
        }
        if (st != C2D_OK) assert_int_equal(st, C2D_ERR_NOMEM);
        c2d_iocdb_free(db);
        assert_int_equal(ta.live, 0);
    }
    assert_true(ok_at > 5);
    test_alloc ta;
    test_alloc_init(&ta, 2);
    c2d_country_counter *cc = NULL;
    assert_int_equal(c2d_country_counter_new(&ta.api, 4, &cc), C2D_ERR_NOMEM);
    assert_int_equal(ta.live, 0);
}

/* The shared maltrail + ThreatFox feeds (decompressed into the build dir by
 * tests/extra_ioc.cmake); skipped when absent. */
static void test_shared_feeds(void **state) {
    (void)state;
    const char *mal = getenv("C2D_IOC_MALTRAIL_CSV"), *tf = getenv("C2D_IOC_THREATFOX_CSV");
    if (!mal || !tf || access(mal, R_OK) || access(tf, R_OK)) skip();
    c2d_iocdb *db;
    assert_int_equal(c2d_iocdb_new(NULL, &db), C2D_OK);
    c2d_ioc_load_report r = {.size = sizeof r};
    assert_int_equal(c2d_iocdb_load_file(db, tf, NULL, &r), C2D_OK);
    assert_int_equal(r.lines, 29796);
    assert_int_equal(r.loaded + r.rejected + r.skipped, r.lines);
    assert_int_equal(c2d_iocdb_load_file(db, mal, NULL, &r), C2D_OK);
    assert_int_equal(r.lines, 1492702);
    assert_int_equal(r.loaded + r.rejected + r.skipped, r.lines);
    assert_int_equal(c2d_iocdb_finalize(db), C2D_OK);
    unsigned fam[2];
    uint32_t cnt[2];
    size_t n, n_port;
    assert_int_equal(c2d_iocdb_port_families(db, 995, fam, cnt, 2, &n, &n_port), C2D_OK);
    assert_true(n_port > 0);
    uint32_t ids[8];
    assert_true(match(db, "x.0debug.cc", ids, 8) >= 1);
    c2d_iocdb_free(db);
}

/* A load that yields nothing is an error with a status saying why, and the
 * report still counts what was read (0.2.0). */
static c2d_status load_status(const void *data, size_t len, c2d_ioc_format fmt,
                              c2d_ioc_load_report *r) {
    c2d_iocdb *db = NULL;
    assert_int_equal(c2d_iocdb_new(NULL, &db), C2D_OK);
    c2d_ioc_load_options o = {.size = sizeof o, .format = fmt};
    r->size = sizeof *r;
    c2d_status st = c2d_iocdb_load_memory(db, data, len, &o, r);
    if (st != C2D_OK) assert_int_equal(r->loaded, 0);
    c2d_iocdb_free(db);
    return st;
}

static void test_feed_yields_nothing(void **state) {
    (void)state;
    c2d_ioc_load_report r;
    assert_int_equal(load_status("", 0, C2D_IOC_FORMAT_AUTO, &r), C2D_ERR_IOC_EMPTY_FEED);
    assert_int_equal(r.lines, 0);
    static const char comments[] = "# only a comment\n\n# and another\n";
    assert_int_equal(load_status(comments, sizeof comments - 1, C2D_IOC_FORMAT_LIST, &r),
                     C2D_ERR_IOC_EMPTY_FEED);
    assert_int_equal(r.lines, 3);
    assert_int_equal(r.skipped, 3);
    static const char all_bad[] = "not an indicator!\n%%%\n";
    assert_int_equal(load_status(all_bad, sizeof all_bad - 1, C2D_IOC_FORMAT_LIST, &r),
                     C2D_ERR_IOC_EMPTY_FEED);
    assert_int_equal(r.lines, 2);
    assert_int_equal(r.rejected, 2);
    /* a CSV of another shape: every row has the wrong number of fields */
    static const char other_csv[] = "a,b\nc,d\n";
    assert_int_equal(load_status(other_csv, sizeof other_csv - 1, C2D_IOC_FORMAT_AUTO, &r),
                     C2D_ERR_IOC_EMPTY_FEED);
    assert_int_equal(r.format, C2D_IOC_FORMAT_CSV);
    assert_int_equal(r.rejected + r.skipped, 2);

    /* gzip of "1.2.3.4\n" (as `gzip -n` writes it): compressed, not a list of junk */
    static const unsigned char gz[] = {0x1f, 0x8b, 0x08, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00,
                                       0x03, 0x33, 0xd4, 0x33, 0xd2, 0x33, 0xd6, 0x33, 0xe1,
                                       0x02, 0x00, 0xc4, 0xdf, 0x36, 0x0f, 0x08, 0x00, 0x00,
                                       0x00};
    for (int f = C2D_IOC_FORMAT_AUTO; f <= C2D_IOC_FORMAT_LIST; f++) {
        assert_int_equal(load_status(gz, sizeof gz, (c2d_ioc_format)f, &r), C2D_ERR_IOC_COMPRESSED);
        assert_int_equal(r.lines, 0);
    }
    static const unsigned char xz[] = {0xfd, '7', 'z', 'X', 'Z', 0x00, 0x00, 0x04};
    assert_int_equal(load_status(xz, sizeof xz, C2D_IOC_FORMAT_AUTO, &r), C2D_ERR_IOC_COMPRESSED);
    static const unsigned char zstd[] = {0x28, 0xb5, 0x2f, 0xfd, 0x24, 0x08};
    assert_int_equal(load_status(zstd, sizeof zstd, C2D_IOC_FORMAT_AUTO, &r), C2D_ERR_IOC_COMPRESSED);
    static const char bz2[] = "BZh91AY&SY";
    assert_int_equal(load_status(bz2, sizeof bz2 - 1, C2D_IOC_FORMAT_AUTO, &r), C2D_ERR_IOC_COMPRESSED);
    static const char zip[] = "PK\x03\x04\x14\x00";
    assert_int_equal(load_status(zip, sizeof zip - 1, C2D_IOC_FORMAT_AUTO, &r), C2D_ERR_IOC_COMPRESSED);
    /* "BZh" alone starts an ordinary list line */
    static const char bzh_name[] = "bzh.example.com\n";
    assert_int_equal(load_status(bzh_name, sizeof bzh_name - 1, C2D_IOC_FORMAT_AUTO, &r), C2D_OK);
    assert_int_equal(r.loaded, 1);

    /* binary bytes (an MMDB, a capture) are no feed format */
    static const unsigned char pcap[] = {0xd4, 0xc3, 0xb2, 0xa1, 0x02, 0x00, 0x04, 0x00};
    assert_int_equal(load_status(pcap, sizeof pcap, C2D_IOC_FORMAT_AUTO, &r),
                     C2D_ERR_IOC_UNKNOWN_FORMAT);
    assert_int_equal(r.lines, 0);
    static const char nul_in_text[] = "1.2.3.4\n\0005.6.7.8\n";
    assert_int_equal(load_status(nul_in_text, sizeof nul_in_text - 1, C2D_IOC_FORMAT_LIST, &r),
                     C2D_ERR_IOC_UNKNOWN_FORMAT);

    assert_string_equal(c2d_status_name(C2D_ERR_IOC_EMPTY_FEED), "C2D_ERR_IOC_EMPTY_FEED");
    assert_string_equal(c2d_strerror(C2D_ERR_IOC_EMPTY_FEED), "feed yielded no indicators");
    assert_string_equal(c2d_status_name(C2D_ERR_IOC_UNKNOWN_FORMAT), "C2D_ERR_IOC_UNKNOWN_FORMAT");
    assert_string_equal(c2d_strerror(C2D_ERR_IOC_UNKNOWN_FORMAT),
                        "feed format not recognised (binary data)");
    assert_string_equal(c2d_status_name(C2D_ERR_IOC_COMPRESSED), "C2D_ERR_IOC_COMPRESSED");
    assert_string_equal(c2d_strerror(C2D_ERR_IOC_COMPRESSED),
                        "feed is compressed; decompress it first");
    assert_int_equal(C2D_ERR_IOC_EMPTY_FEED, -110);
    assert_int_equal(C2D_ERR_IOC_UNKNOWN_FORMAT, -111);
    assert_int_equal(C2D_ERR_IOC_COMPRESSED, -112);
}

int main(void) {
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_domain_suffix_boundaries),
        cmocka_unit_test(test_ip_cidr_ipport),
        cmocka_unit_test(test_url_normalisation),
        cmocka_unit_test(test_threatfox_csv),
        cmocka_unit_test(test_ipport_and_maltrail_csv),
        cmocka_unit_test(test_threatfox_json),
        cmocka_unit_test(test_bom_and_crlf_every_format),
        cmocka_unit_test(test_missing_column_is_an_error),
        cmocka_unit_test(test_header_trimmed),
        cmocka_unit_test(test_asn_csv_bom_crlf),
        cmocka_unit_test(test_port_facts_and_signals),
        cmocka_unit_test(test_family_features),
        cmocka_unit_test(test_add_and_states),
        cmocka_unit_test(test_match_text_batch),
        cmocka_unit_test(test_concurrent_readers),
        cmocka_unit_test(test_oom),
        cmocka_unit_test(test_shared_feeds),
        cmocka_unit_test(test_feed_yields_nothing),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
