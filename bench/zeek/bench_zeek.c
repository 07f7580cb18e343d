/* bench_zeek: records per second and MB/s of the Zeek log reader on a
 * generated conn.log (TSV and JSON lines), with the Python twin
 * (c2detect.zeek) and `awk -F'\t'` (a field split, no parsing) on the same
 * files in the same run. Prints `name value unit` lines. */
#define _POSIX_C_SOURCE 200809L
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <time.h>

#include "c2detect.h"

static double now_s(clockid_t clk) {
    struct timespec t;
    clock_gettime(clk, &t);
    return (double)t.tv_sec + (double)t.tv_nsec / 1e9;
}

static unsigned long long sessions;
static void on_session(void *u, const c2d_session *s) {
    (void)u;
    sessions += s->orig_pkts != 0;
}

/* n rows of a plausible conn.log; the last columns are Stratosphere's labels */
static size_t make_log(const char *path, long n, int json) {
    FILE *f = fopen(path, "wb");
    if (!f) return 0;
    static const char *const states[] = {"SF", "S0", "REJ", "RSTO", "SF", "SF", "OTH", "S1"};
    static const char *const hist[] = {"ShADadFf", "S", "Sr", "ShADadR", "ShAdDaFf", "Dd", "-", "ShAD"};
    if (!json)
        fputs("#separator \\x09\n#set_separator\t,\n#empty_field\t(empty)\n#unset_field\t-\n#path\tconn\n"
              "#open\t2022-06-17-00-00-07\n#fields\tts\tuid\tid.orig_h\tid.orig_p\tid.resp_h\tid.resp_p\tproto\t"
              "service\tduration\torig_bytes\tresp_bytes\tconn_state\tlocal_orig\tlocal_resp\tmissed_bytes\t"
              "history\torig_pkts\torig_ip_bytes\tresp_pkts\tresp_ip_bytes\ttunnel_parents\tlabel\tdetailedlabel\n"
              "#types\ttime\tstring\taddr\tport\taddr\tport\tenum\tstring\tinterval\tcount\tcount\tstring\tbool\t"
              "bool\tcount\tstring\tcount\tcount\tcount\tcount\tset[string]\tstring\tstring\n",
              f);
    unsigned x = 12345;
    for (long i = 0; i < n; i++) {
        x = x * 1103515245u + 12345u;
        unsigned k = (x >> 16) & 7u, ob = (x >> 8) & 4095u, rb = (x >> 4) & 65535u;
        const char *proto = k == 5 ? "udp" : "tcp";
        if (json)
            fprintf(f,
                    "{\"ts\":%ld.%06u,\"uid\":\"C%08lx\",\"id.orig_h\":\"10.%u.%u.%u\",\"id.orig_p\":%u,"
                    "\"id.resp_h\":\"203.0.%u.%u\",\"id.resp_p\":%u,\"proto\":\"%s\",\"duration\":%u.%06u,"
                    "\"orig_bytes\":%u,\"resp_bytes\":%u,\"conn_state\":\"%s\",\"local_orig\":true,"
                    "\"local_resp\":false,\"missed_bytes\":0,\"history\":\"%s\",\"orig_pkts\":%u,"
                    "\"orig_ip_bytes\":%u,\"resp_pkts\":%u,\"resp_ip_bytes\":%u,\"label\":\"Benign\"}\n",
                    1655071198L + i / 10, (x >> 3) % 1000000u, (unsigned long)i, (x >> 24) & 255u, (x >> 16) & 255u,
                    (x >> 8) & 255u, 1024u + (x & 32767u), (x >> 12) & 255u, (x >> 20) & 255u, k == 5 ? 53u : 443u,
                    proto, k, (x >> 5) % 1000000u, ob, rb, states[k], k == 5 ? "Dd" : hist[k], 3u + k, 200u + ob,
                    2u + k, 150u + rb);
        else
            fprintf(f,
                    "%ld.%06u\tC%08lx\t10.%u.%u.%u\t%u\t203.0.%u.%u\t%u\t%s\t-\t%u.%06u\t%u\t%u\t%s\tT\tF\t0\t%s\t"
                    "%u\t%u\t%u\t%u\t(empty)\tBenign\t(empty)\n",
                    1655071198L + i / 10, (x >> 3) % 1000000u, (unsigned long)i, (x >> 24) & 255u, (x >> 16) & 255u,
                    (x >> 8) & 255u, 1024u + (x & 32767u), (x >> 12) & 255u, (x >> 20) & 255u, k == 5 ? 53u : 443u,
                    proto, k, (x >> 5) % 1000000u, ob, rb, states[k], k == 5 ? "Dd" : hist[k], 3u + k, 200u + ob,
                    2u + k, 150u + rb);
    }
    long size = ftell(f);
    fclose(f);
    return size > 0 ? (size_t)size : 0;
}

static double children_cpu(void) {
    struct rusage u;
    getrusage(RUSAGE_CHILDREN, &u);
    return (double)u.ru_utime.tv_sec + (double)u.ru_utime.tv_usec / 1e6 + (double)u.ru_stime.tv_sec +
           (double)u.ru_stime.tv_usec / 1e6;
}

/* wall seconds of an external command, and its (and its children's) CPU seconds */
static double run_cmd(const char *cmd, double *cpu) {
    double t0 = now_s(CLOCK_MONOTONIC), c0 = children_cpu();
    if (system(cmd) != 0) return -1;
    *cpu = children_cpu() - c0;
    return now_s(CLOCK_MONOTONIC) - t0;
}

int main(int argc, char **argv) {
    long rows = argc > 2 && !strcmp(argv[1], "--rows") ? atol(argv[2]) : 500000;
    for (int json = 0; json < 2; json++) {
        const char *tag = json ? "json" : "tsv";
        char path[256];
        snprintf(path, sizeof path, "/tmp/c2d_bench_zeek_%ld.%s", (long)rows, tag);
        size_t bytes = make_log(path, rows, json);
        if (!bytes) return 1;
        c2d_zeek_callbacks cb = {sizeof cb, on_session, NULL, NULL, NULL, NULL};
        double best = 1e30, best_cpu = 1e30;
        c2d_zeek_report rep;
        for (int run = 0; run < 5; run++) {
            rep.size = sizeof rep;
            sessions = 0;
            double t0 = now_s(CLOCK_MONOTONIC), c0 = now_s(CLOCK_PROCESS_CPUTIME_ID);
            if (c2d_zeek_read_file(path, C2D_ZEEK_UNKNOWN, &cb, NULL, &rep) != C2D_OK || rep.records != (uint64_t)rows)
                return 1;
            double t = now_s(CLOCK_MONOTONIC) - t0, c = now_s(CLOCK_PROCESS_CPUTIME_ID) - c0;
            if (t < best) best = t;
            if (c < best_cpu) best_cpu = c;
        }
        printf("zeek_%s_records %.0f records/s\n", tag, (double)rows / best);
        printf("zeek_%s_records_cpu %.0f records/s\n", tag, (double)rows / best_cpu);
        printf("zeek_%s_bytes %.1f MB/s\n", tag, (double)bytes / best / 1e6);
        char cmd[1024];
        snprintf(cmd, sizeof cmd,
                 "PYTHONPATH='%s' python3 -c \"from c2detect import zeek; r=zeek.Reader(); "
                 "n=sum(1 for _ in r.iter_file('%s')); assert r.report.records==%ld\"",
                 C2D_PYTHON_DIR, path, rows);
        double py_cpu = 0, py = run_cmd(cmd, &py_cpu);
        if (py > 0) {
            printf("python_twin_%s_records %.0f records/s\n", tag, (double)rows / py);
            printf("python_twin_%s_records_cpu %.0f records/s\n", tag, (double)rows / py_cpu);
            printf("ratio_%s_vs_python_twin %.1f x\n", tag, py / best);
            printf("ratio_%s_vs_python_twin_cpu %.1f x\n", tag, py_cpu / best_cpu);
        }
        snprintf(cmd, sizeof cmd, "awk -F'\\t' '{n+=NF} END{if(n<1) exit 1}' '%s'", path);
        double awk_cpu = 0, awk = json ? -1 : run_cmd(cmd, &awk_cpu);
        if (awk > 0) {
            printf("awk_field_split_%s %.0f records/s\n", tag, (double)rows / awk);
            printf("awk_field_split_%s_cpu %.0f records/s\n", tag, (double)rows / awk_cpu);
            printf("ratio_%s_vs_awk_field_split %.2f x\n", tag, awk / best);
            printf("ratio_%s_vs_awk_field_split_cpu %.2f x\n", tag, awk_cpu / best_cpu);
        }
        remove(path);
    }
    return 0;
}
