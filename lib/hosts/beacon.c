/* The beacon statistic of one (host, destination) pair: how regular the gaps
 * between connection attempts are (quartile skew, median absolute deviation),
 * how regular their sizes are, and how much of the host's observed time they
 * cover. Definitions: docs/hosts.md, "Beacons". */
#include <math.h>
#include <stdlib.h>

#include "hosts/hosts_internal.h"

static int cmp_u64(const void *a, const void *b) {
    uint64_t x = *(const uint64_t *)a, y = *(const uint64_t *)b;
    return (x > y) - (x < y);
}

static int cmp_double(const void *a, const void *b) {
    double x = *(const double *)a, y = *(const double *)b;
    return (x > y) - (x < y);
}

/* Linear interpolation between closest ranks (type 7, as numpy's default). */
double c2d__quantile_sorted(const double *v, size_t n, double q) {
    if (n == 0) return 0.0;
    double pos = q * (double)(n - 1);
    size_t lo = (size_t)pos;
    if (lo + 1 >= n) return v[n - 1];
    double frac = pos - (double)lo;
    return v[lo] + (v[lo + 1] - v[lo]) * frac;
}

/* Regularity of a sample: 1 - |Bowley skew| and max(0, 1 - (MAD / median) /
 * 0.5), each in [0, 1]. The skew counts only when the interquartile range is
 * at least `flat` (a nearly constant sample has a meaningless skew). */
static void regularity(double *v, size_t n, double flat, double *skew_score, double *disp_score,
                       double *median, double *mad) {
    qsort(v, n, sizeof *v, cmp_double);
    double q1 = c2d__quantile_sorted(v, n, 0.25), q2 = c2d__quantile_sorted(v, n, 0.5),
           q3 = c2d__quantile_sorted(v, n, 0.75);
    double skew = q3 - q1 >= flat + 0.05 * q2 && q3 > q1 ? (q3 + q1 - 2.0 * q2) / (q3 - q1) : 0.0;
    *skew_score = 1.0 - fabs(skew);
    double dev[C2D__HOSTS_RING];
    for (size_t i = 0; i < n; i++) dev[i] = fabs(v[i] - q2);
    qsort(dev, n, sizeof *dev, cmp_double);
    double m = c2d__quantile_sorted(dev, n, 0.5);
    double rel = q2 > 0 ? m / q2 : (m > 0 ? 1e9 : 0.0);
    double d = 1.0 - rel / 0.5;
    *disp_score = d > 0 ? d : 0.0;
    *median = q2;
    *mad = m;
}

bool c2d__beacon_score(const uint32_t *times_ms, const uint32_t *sizes, const uint16_t *sports, uint32_t n,
                       uint32_t merge_ms, uint32_t min_attempts, uint64_t pair_span_ns,
                       uint64_t host_span_ns, c2d__beacon *out) {
    if (n == 0 || n > C2D__HOSTS_RING) return false;
    /* sort attempts by start time, carrying their index */
    uint64_t packed[C2D__HOSTS_RING];
    for (uint32_t i = 0; i < n; i++) packed[i] = (uint64_t)times_ms[i] << 32 | i;
    qsort(packed, n, sizeof *packed, cmp_u64);
    /* merge: a start within merge_ms of the previous attempt's start is the same
     * attempt (parallel opens), and so is a session from the previous attempt's
     * originator port soon after it (its handshake retried); bytes add up */
    uint32_t start[C2D__HOSTS_RING], last[C2D__HOSTS_RING];
    uint16_t port[C2D__HOSTS_RING];
    double size[C2D__HOSTS_RING];
    uint32_t m = 0;
    for (uint32_t i = 0; i < n; i++) {
        uint32_t t = (uint32_t)(packed[i] >> 32), k = (uint32_t)packed[i];
        if (m > 0 && (t - start[m - 1] < merge_ms ||
                      (sports[k] == port[m - 1] && t - last[m - 1] < C2D__HOSTS_RETRY_MS))) {
            size[m - 1] += sizes[k];
            last[m - 1] = t;
            continue;
        }
        start[m] = last[m] = t;
        port[m] = sports[k];
        size[m] = sizes[k];
        m++;
    }
    out->attempts = m;
    if (m < min_attempts || m < 3) return false;
    double gaps[C2D__HOSTS_RING];
    for (uint32_t i = 1; i < m; i++) gaps[i - 1] = (start[i] - start[i - 1]) / 1000.0;
    double median, mad;
    regularity(gaps, m - 1, 0.0, &out->skew_score, &out->dispersion_score, &median, &mad);
    out->interval_s = median;
    out->interval_mad_s = mad;
    double s_skew, s_disp, s_med, s_mad;
    regularity(size, m, 1.0, &s_skew, &s_disp, &s_med, &s_mad);
    out->size_score = 0.5 * (s_skew + s_disp);
    double cov = host_span_ns > 0 ? (double)pair_span_ns / (double)host_span_ns : 1.0;
    out->coverage_score = cov > 1.0 ? 1.0 : cov;
    out->score = 0.30 * out->skew_score + 0.30 * out->dispersion_score + 0.15 * out->size_score +
                 0.25 * out->coverage_score;
    return true;
}
