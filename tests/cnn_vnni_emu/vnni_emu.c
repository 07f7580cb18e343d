/* The AVX-512 VNNI kernel's unpacked path (dot-product tiles, masked window
 * tails, horizontal sums, output modes: what runs when the weights are not
 * packed at load) checked on a CPU without AVX-512: its source is compiled
 * here with -mavx2, with the two AVX-512 intrinsics it uses replaced by plain C
 * models of their documented semantics, and run through the same comparison
 * with the scalar kernel as every registered kernel set (tests/cnn_check.h).
 * This cannot check the instruction encodings or the compiler's AVX-512 code,
 * nor the packed 512-bit path (left out with C2D__VNNI_EMU): only a VNNI CPU
 * can (test_cnn's test_kernel_avx512vnni). Exit 0 = pass,
 * 1 = differences, 77 = skipped (no AVX2 to run the rest of the kernel). */
#include <immintrin.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

/* vpdpbusd: for each int32 lane i, src[i] + the four products of unsigned
 * bytes a[4i..4i+3] and signed bytes b[4i..4i+3], wrapping (no saturation). */
static inline __m256i emu_dpbusd(__m256i src, __m256i a, __m256i b) {
    uint8_t ua[32];
    int8_t sb[32];
    int32_t acc[8];
    _mm256_storeu_si256((__m256i *)(void *)ua, a);
    _mm256_storeu_si256((__m256i *)(void *)sb, b);
    _mm256_storeu_si256((__m256i *)(void *)acc, src);
    for (int i = 0; i < 8; i++) {
        uint32_t s = (uint32_t)acc[i];
        for (int j = 0; j < 4; j++) s += (uint32_t)((int32_t)ua[4 * i + j] * (int32_t)sb[4 * i + j]);
        acc[i] = (int32_t)s;
    }
    return _mm256_loadu_si256((const __m256i *)(const void *)acc);
}

/* vmovdqu8 with a zeroing mask: byte i is loaded only when mask bit i is set
 * (masked-off bytes are not read, so a model that reads them would hide
 * over-reads from ASan: this one reads only the selected bytes). */
static inline __m256i emu_maskz_loadu_epi8(uint32_t m, const void *p) {
    uint8_t t[32] = {0};
    for (int i = 0; i < 32; i++)
        if ((m >> i) & 1u) t[i] = ((const uint8_t *)p)[i];
    return _mm256_loadu_si256((const __m256i *)(const void *)t);
}

#undef _mm256_dpbusd_epi32 /* gcc defines it as a macro */
#undef _mm256_maskz_loadu_epi8
#define _mm256_dpbusd_epi32 emu_dpbusd
#define _mm256_maskz_loadu_epi8 emu_maskz_loadu_epi8
#define c2d__conv1d_s8_avx512vnni c2d__conv1d_s8_vnni_emulated
#define C2D__VNNI_EMU 1
#include "kernels/conv1d_s8_avx512vnni.c"

#include "cnn_check.h"

int main(void) {
    if (!(c2d_cpu_features() & C2D_CPU_AVX2)) {
        printf("SKIP: this CPU lacks AVX2\n");
        return 77;
    }
    const c2d__kernel_set ks = {"conv1d_s8_avx512vnni (emulated intrinsics)",
                                C2D_ISA_AVX512VNNI, 0, c2d__conv1d_s8_vnni_emulated,
                                c2d__fold_s8_avx2, NULL, NULL, c2d__requant_s8_avx2};
    const size_t diff = cnn_check_kernel_set(&ks);
    printf("%s vs scalar: %zu differing outputs\n", ks.name, diff);
    return diff != 0;
}
