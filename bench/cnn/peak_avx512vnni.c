/* Peak int8 MAC rate with AVX-512 VNNI (vpdpbusd, 64 MAC per instruction);
 * only called when the CPU has it. Returns MAC/s. */
#define _POSIX_C_SOURCE 200809L
#include <immintrin.h>
#include <stdint.h>
#include <time.h>

double bench_peak_vnni(void);

double bench_peak_vnni(void) {
    enum { CHAINS = 12 };
    __m512i acc[CHAINS];
    const __m512i a = _mm512_set1_epi8(3), b = _mm512_set1_epi8(-2);
    for (int i = 0; i < CHAINS; i++) acc[i] = _mm512_set1_epi32(i);
    const long iters = 20000000;
    struct timespec t0, t1;
    clock_gettime(CLOCK_MONOTONIC, &t0);
    for (long n = 0; n < iters; n++)
        for (int i = 0; i < CHAINS; i++) acc[i] = _mm512_dpbusd_epi32(acc[i], a, b);
    clock_gettime(CLOCK_MONOTONIC, &t1);
    __m512i s = acc[0];
    for (int i = 1; i < CHAINS; i++) s = _mm512_add_epi32(s, acc[i]);
    volatile int sink = _mm512_reduce_add_epi32(s);
    (void)sink;
    const double t = (double)(t1.tv_sec - t0.tv_sec) + 1e-9 * (double)(t1.tv_nsec - t0.tv_nsec);
    return (double)iters * CHAINS * 64 / t;
}
