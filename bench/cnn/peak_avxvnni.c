/* Peak int8 MAC rate with AVX-VNNI (VEX-encoded vpdpbusd on ymm, 32 MAC per
 * instruction), 12 independent accumulators as in peak_avx2.c; only called
 * when the CPU has it. Returns MAC/s. */
#include <stdint.h>

double bench_peak_avxvnni(void);
double bench_now(void);

#define DP(n) "%{vex%} vpdpbusd %%ymm13, %%ymm12, %%ymm" #n "\n"
double bench_peak_avxvnni(void) {
    long n = 4000000L;
    const double t0 = bench_now();
    __asm__ volatile("vpcmpeqd %%ymm12, %%ymm12, %%ymm12\n"
                     "vpabsb %%ymm12, %%ymm13\n"
                     "1:\n" DP(0) DP(1) DP(2) DP(3) DP(4) DP(5) DP(6) DP(7) DP(8) DP(9) DP(10)
                         DP(11) "dec %0\n jnz 1b\n vzeroupper\n"
                     : "+r"(n)
                     :
                     : "xmm0", "xmm1", "xmm2", "xmm3", "xmm4", "xmm5", "xmm6", "xmm7", "xmm8",
                       "xmm9", "xmm10", "xmm11", "xmm12", "xmm13", "cc");
    return 4000000.0 * 12 * 32 / (bench_now() - t0);
}
