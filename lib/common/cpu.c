/* CPU feature detection: CPUID plus the OS register-state check (XGETBV) on
 * x86-64, the auxiliary vector on aarch64. The result is cached in one word,
 * the library's only global mutable state. */
#include "internal.h"

#if defined(__x86_64__) || defined(__i386__)
#  include <cpuid.h>
#  define C2D_X86 1
#elif defined(__aarch64__)
#  include <sys/auxv.h>
#  define C2D_ARM64 1
#endif

#define CPU_CACHE_VALID (1u << 31)
static unsigned cpu_cache; /* 0 = not computed; written atomically */

#if defined(C2D_X86)
static uint64_t read_xcr0(void) {
    uint32_t eax, edx;
    __asm__ volatile("xgetbv" : "=a"(eax), "=d"(edx) : "c"(0));
    return (uint64_t)edx << 32 | eax;
}

static unsigned detect(void) {
    unsigned f = 0;
    unsigned a, b, c, d;
    if (!__get_cpuid(1, &a, &b, &c, &d)) return 0;
    const int has_osxsave = (c >> 27) & 1, has_fma = (c >> 12) & 1, has_avx = (c >> 28) & 1;
    if (!has_osxsave || !has_avx) return 0;
    const uint64_t xcr0 = read_xcr0();
    const int os_ymm = (xcr0 & 0x6) == 0x6;          /* SSE + AVX state */
    const int os_zmm = (xcr0 & 0xE6) == 0xE6;        /* + opmask, ZMM_Hi256, Hi16_ZMM */
    if (!os_ymm) return 0;
    if (__get_cpuid_max(0, NULL) < 7) return 0;
    __cpuid_count(7, 0, a, b, c, d);
    if ((b >> 5) & 1) f |= C2D_CPU_AVX2;
    if (has_fma) f |= C2D_CPU_FMA;
    if (os_zmm) {
        if ((b >> 16) & 1) f |= C2D_CPU_AVX512F;
        if ((b >> 30) & 1) f |= C2D_CPU_AVX512BW;
        if ((b >> 31) & 1) f |= C2D_CPU_AVX512VL;
        if ((c >> 11) & 1) f |= C2D_CPU_AVX512VNNI;
    }
    __cpuid_count(7, 1, a, b, c, d);
    if ((a >> 4) & 1) f |= C2D_CPU_AVXVNNI;
    return f;
}
#elif defined(C2D_ARM64)
static unsigned detect(void) {
    unsigned f = C2D_CPU_NEON; /* Advanced SIMD is architectural on aarch64 */
#  ifdef HWCAP_ASIMDDP
    if (getauxval(AT_HWCAP) & HWCAP_ASIMDDP) f |= C2D_CPU_NEON_DOT;
#  endif
    return f;
}
#else
static unsigned detect(void) { return 0; }
#endif

unsigned c2d_cpu_features(void) {
    unsigned v = __atomic_load_n(&cpu_cache, __ATOMIC_RELAXED);
    if (!v) {
        v = detect() | CPU_CACHE_VALID;
        __atomic_store_n(&cpu_cache, v, __ATOMIC_RELAXED);
    }
    return v & ~CPU_CACHE_VALID;
}

c2d_isa c2d_cpu_best_isa(void) {
    const unsigned f = c2d_cpu_features();
    const unsigned vnni512 =
        C2D_CPU_AVX512F | C2D_CPU_AVX512BW | C2D_CPU_AVX512VL | C2D_CPU_AVX512VNNI;
    if ((f & vnni512) == vnni512) return C2D_ISA_AVX512VNNI;
    const unsigned avxvnni = C2D_CPU_AVX2 | C2D_CPU_FMA | C2D_CPU_AVXVNNI;
    if ((f & avxvnni) == avxvnni) return C2D_ISA_AVXVNNI;
    if ((f & (C2D_CPU_AVX2 | C2D_CPU_FMA)) == (C2D_CPU_AVX2 | C2D_CPU_FMA)) return C2D_ISA_AVX2;
    if (f & C2D_CPU_NEON) return C2D_ISA_NEON;
    return C2D_ISA_SCALAR;
}

const char *c2d_isa_name(c2d_isa isa) {
    switch (isa) {
    case C2D_ISA_SCALAR: return "scalar";
    case C2D_ISA_AVX2: return "avx2";
    case C2D_ISA_AVX512VNNI: return "avx512vnni";
    case C2D_ISA_NEON: return "neon";
    case C2D_ISA_AVXVNNI: return "avxvnni";
    case C2D_ISA_BEST: return "best";
    }
    return "unknown";
}
