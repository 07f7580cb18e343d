/* Peak int8 multiply-accumulate rate of one core with AVX2: 12 independent
 * accumulator chains so only throughput limits. Returns MAC/s. */
#define _POSIX_C_SOURCE 200809L
#include <immintrin.h>
#include <stdint.h>
#include <time.h>

double bench_peak_maddubs(void);
double bench_peak_madd16(void);

static double now(void) {
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + 1e-9 * (double)ts.tv_nsec;
}

#define CHAINS 12
/* vpmaddubsw alone: 32 u8 x s8 products per instruction (pairs summed to int16). */
double bench_peak_maddubs(void) {
    __m256i acc[CHAINS];
    const __m256i a = _mm256_set1_epi8(3), b = _mm256_set1_epi8(-2);
    for (int i = 0; i < CHAINS; i++) acc[i] = _mm256_set1_epi16((short)i);
    const long iters = 20000000;
    const double t0 = now();
    for (long n = 0; n < iters; n++) {
        for (int i = 0; i < CHAINS; i++) {
            acc[i] = _mm256_maddubs_epi16(_mm256_xor_si256(acc[i], a), b);
        }
    }
    const double t = now() - t0;
    __m256i s = acc[0];
    for (int i = 1; i < CHAINS; i++) s = _mm256_xor_si256(s, acc[i]);
    volatile int sink = _mm256_extract_epi32(s, 0);
    (void)sink;
    return (double)iters * CHAINS * 32 / t;
}

/* vpmaddwd + vpaddd, what the exact AVX2 kernel issues: 16 MAC per vpmaddwd. */
double bench_peak_madd16(void) {
    __m256i acc[CHAINS];
    const __m256i a = _mm256_set1_epi16(3), b = _mm256_set1_epi16(-2);
    for (int i = 0; i < CHAINS; i++) acc[i] = _mm256_set1_epi32(i);
    const long iters = 20000000;
    const double t0 = now();
    for (long n = 0; n < iters; n++) {
        for (int i = 0; i < CHAINS; i++)
            acc[i] = _mm256_add_epi32(acc[i], _mm256_madd_epi16(a, b));
        __asm__ volatile("" : "+x"(acc[0]), "+x"(acc[1]), "+x"(acc[2]), "+x"(acc[3]));
    }
    const double t = now() - t0;
    __m256i s = acc[0];
    for (int i = 1; i < CHAINS; i++) s = _mm256_add_epi32(s, acc[i]);
    volatile int sink = _mm256_extract_epi32(s, 0);
    (void)sink;
    return (double)iters * CHAINS * 16 / t;
}
