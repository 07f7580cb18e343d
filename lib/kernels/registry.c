/* The kernel registry: every kernel set this build holds and the CPU features
 * it needs. Dispatch, the tests and bench/cnn all read this one table. */
#include "kernels.h"

const c2d__kernel_set c2d__kernel_sets[] = {
    {"conv1d_s8_scalar", C2D_ISA_SCALAR, 0, c2d__conv1d_s8_scalar, c2d__fold_s8_scalar, NULL, NULL,
     c2d__requant_s8_scalar},
#if defined(__x86_64__) || defined(_M_X64)
    {"conv1d_s8_avx2", C2D_ISA_AVX2, C2D_CPU_AVX2 | C2D_CPU_FMA, c2d__conv1d_s8_avx2, c2d__fold_s8_avx2,
     c2d__pack_len_avx2, c2d__pack_avx2, c2d__requant_s8_avx2},
    {"conv1d_s8_avxvnni", C2D_ISA_AVXVNNI, C2D_CPU_AVX2 | C2D_CPU_FMA | C2D_CPU_AVXVNNI,
     c2d__conv1d_s8_avxvnni, c2d__fold_s8_avx2, c2d__pack_len_avxvnni, c2d__pack_avxvnni,
     c2d__requant_s8_avx2},
    {"conv1d_s8_avx512vnni", C2D_ISA_AVX512VNNI,
     C2D_CPU_AVX512F | C2D_CPU_AVX512BW | C2D_CPU_AVX512VL | C2D_CPU_AVX512VNNI,
     c2d__conv1d_s8_avx512vnni, c2d__fold_s8_avx512vnni, c2d__pack_len_avx512vnni, c2d__pack_avx512vnni,
     c2d__requant_s8_avx2},
#endif
#if defined(__aarch64__)
    {"conv1d_s8_neon", C2D_ISA_NEON, C2D_CPU_NEON, c2d__conv1d_s8_neon, c2d__fold_s8_scalar, NULL, NULL,
     c2d__requant_s8_scalar},
#endif
};
const size_t c2d__kernel_set_count = sizeof c2d__kernel_sets / sizeof c2d__kernel_sets[0];

const c2d__kernel_set *c2d__kernel_set_for(c2d_isa isa) {
    for (size_t i = 0; i < c2d__kernel_set_count; i++)
        if (c2d__kernel_sets[i].isa == isa) return &c2d__kernel_sets[i];
    return NULL;
}
