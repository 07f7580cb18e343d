/* Peak int8 multiply-accumulate rates of one core with AVX2. The loops are
 * inline assembly so the compiler can neither hoist the (loop-invariant)
 * multiplies nor spill accumulators: 12 independent accumulators, register
 * operands only, so only instruction throughput limits them. Returns MAC/s. */
#include <immintrin.h>
#include <stdint.h>

double bench_peak_maddubs(void);
double bench_peak_madd16(void);
double bench_peak_maddubs_widen(void);
double bench_now(void);

/* bench_now() is bench_cnn.c's clock (C2D_BENCH_CLOCK). */
#define ITERS 4000000L
#define CLOBBER                                                                                 \
    "xmm0", "xmm1", "xmm2", "xmm3", "xmm4", "xmm5", "xmm6", "xmm7", "xmm8", "xmm9", "xmm10",   \
        "xmm11", "xmm12", "xmm13", "xmm14", "xmm15", "cc"

/* ymm12, ymm13: operands; ymm15: int16 ones; ymm0..11: accumulators. */
#define SETUP "vpcmpeqw %%ymm15, %%ymm15, %%ymm15\n vpsrlw $15, %%ymm15, %%ymm15\n" \
              "vpabsb %%ymm15, %%ymm12\n vpsubb %%ymm15, %%ymm12, %%ymm13\n"

/* vpmaddubsw alone: 32 u8 x s8 products per instruction (saturating int16 pairs). */
#define UBS(n) "vpmaddubsw %%ymm13, %%ymm12, %%ymm" #n "\n"
double bench_peak_maddubs(void) {
    long n = ITERS;
    const double t0 = bench_now();
    __asm__ volatile(SETUP "1:\n" UBS(0) UBS(1) UBS(2) UBS(3) UBS(4) UBS(5) UBS(6) UBS(7)
                         UBS(8) UBS(9) UBS(10) UBS(11) "dec %0\n jnz 1b\n vzeroupper\n"
                     : "+r"(n) : : CLOBBER);
    return (double)ITERS * 12 * 32 / (bench_now() - t0);
}

/* vpmaddwd + vpaddd, what the exact AVX2 kernel issues: 16 MAC per pair. */
#define WD(n) "vpmaddwd %%ymm13, %%ymm12, %%ymm14\n vpaddd %%ymm14, %%ymm" #n ", %%ymm" #n "\n"
double bench_peak_madd16(void) {
    long n = ITERS;
    const double t0 = bench_now();
    __asm__ volatile(SETUP "1:\n" WD(0) WD(1) WD(2) WD(3) WD(4) WD(5) WD(6) WD(7) WD(8) WD(9)
                         WD(10) WD(11) "dec %0\n jnz 1b\n vzeroupper\n"
                     : "+r"(n) : : CLOBBER);
    return (double)ITERS * 12 * 16 / (bench_now() - t0);
}

/* vpmaddubsw + vpmaddwd(ones) + vpaddd: what a u8 x s8 kernel that accepts
 * saturation (or uses 7-bit operands) issues per 32 MAC into int32. */
#define UBW(n) "vpmaddubsw %%ymm13, %%ymm12, %%ymm14\n vpmaddwd %%ymm15, %%ymm14, %%ymm14\n" \
               "vpaddd %%ymm14, %%ymm" #n ", %%ymm" #n "\n"
double bench_peak_maddubs_widen(void) {
    long n = ITERS;
    const double t0 = bench_now();
    __asm__ volatile(SETUP "1:\n" UBW(0) UBW(1) UBW(2) UBW(3) UBW(4) UBW(5) UBW(6) UBW(7)
                         UBW(8) UBW(9) UBW(10) UBW(11) "dec %0\n jnz 1b\n vzeroupper\n"
                     : "+r"(n) : : CLOBBER);
    return (double)ITERS * 12 * 32 / (bench_now() - t0);
}

/* The clock of this file, for peak_avx512vnni.c. */
