/* libc2detect: status codes, version, allocator and CPU features shared by every module.
 * This header is part of the public API; see docs/abi.md for the compatibility rules. */
#ifndef C2DETECT_COMMON_H
#define C2DETECT_COMMON_H

#include <stddef.h>
#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

/* ------------------------------------------------------------------ export */
#if defined(C2D_STATIC_DEFINE)
#  define C2D_API
#elif defined(_WIN32)
#  ifdef C2D_BUILDING_LIBRARY
#    define C2D_API __declspec(dllexport)
#  else
#    define C2D_API __declspec(dllimport)
#  endif
#elif defined(__GNUC__) || defined(__clang__)
#  define C2D_API __attribute__((visibility("default")))
#else
#  define C2D_API
#endif

/* ----------------------------------------------------------------- version */
/* The header's version. c2d_version_number() returns the library's; a binding
 * compares the two and refuses to run when the majors differ (since 0.1.0). */
#define C2D_VERSION_MAJOR 0
#define C2D_VERSION_MINOR 2
#define C2D_VERSION_PATCH 0
#define C2D_VERSION_NUMBER \
    (C2D_VERSION_MAJOR * 10000 + C2D_VERSION_MINOR * 100 + C2D_VERSION_PATCH)
#define C2D_VERSION_STRING "0.2.0"

/* Version of the linked library as MAJOR*10000 + MINOR*100 + PATCH.
 * Thread-safe, never fails. Since 0.1.0. */
C2D_API unsigned c2d_version_number(void);

/* Version of the linked library as static text "MAJOR.MINOR.PATCH".
 * Thread-safe, never fails, never NULL. Since 0.1.0. */
C2D_API const char *c2d_version_string(void);

/* ------------------------------------------------------------------ status */
/* Every fallible call returns a c2d_status: 0 is success, negative is an error.
 * A value keeps its number forever; new values are only ever added.
 * Ranges: -1..-49 common and model container, -50..-69 domain names (DGA),
 * -70..-89 HTTP, -90..-109 capture/flow/DNS, -110..-129 IOC and MMDB,
 * -130..-149 CNN, -150..-169 host engine and Zeek logs, -170..-189 TLS. */
typedef enum c2d_status {
    C2D_OK = 0,

    /* common, -1..-49 */
    C2D_ERR_INVALID_ARG = -1,        /* NULL where a pointer is required, or a value out of its documented range */
    C2D_ERR_NOMEM = -2,              /* the allocator returned NULL */
    C2D_ERR_IO = -3,                 /* open/read/stat of a file failed */
    C2D_ERR_TRUNCATED = -4,          /* input ends before a structure it announces */
    C2D_ERR_BAD_MAGIC = -5,          /* not a file of the expected type */
    C2D_ERR_UNSUPPORTED_VERSION = -6,/* format version this library does not read */
    C2D_ERR_CHECKSUM = -7,           /* a CRC-32C does not match: the bytes were altered */
    C2D_ERR_SCHEMA_MISMATCH = -8,    /* model's input schema is not the one this call needs */
    C2D_ERR_LIMIT = -9,              /* a count or size exceeds a documented limit */
    C2D_ERR_MALFORMED = -10,         /* structurally invalid: bad offset, index, link, size or value */
    C2D_ERR_KIND_MISMATCH = -11,     /* model of the wrong kind (forest vs cnn) for this call */
    C2D_ERR_NOT_FOUND = -12,         /* no item of that name or key */
    C2D_ERR_UNSUPPORTED = -13,       /* a valid request this build or CPU cannot serve */
    C2D_ERR_BUFFER_TOO_SMALL = -14,  /* caller's output buffer is too small; the needed size is reported */
    C2D_ERR_STATE = -15,             /* call not allowed in the object's current state */

    /* domain names, -50..-69 */
    C2D_ERR_NAME_EMPTY = -50,          /* empty query name (or just ".") */
    C2D_ERR_NAME_EMPTY_LABEL = -51,    /* a label is empty: leading dot or ".." */
    C2D_ERR_NAME_LABEL_TOO_LONG = -52, /* a label is longer than 63 bytes */
    C2D_ERR_NAME_TOO_LONG = -53,       /* name longer than 253 bytes (without the trailing dot) */
    C2D_ERR_NAME_BAD_CHAR = -54,       /* a byte other than ASCII letter, digit, '-', '_', '.' */

    /* HTTP, -70..-89 */
    C2D_ERR_HTTP_NOT_REQUEST = -70,  /* bytes do not start with an HTTP request line */

    /* capture, flow, DNS, -90..-109 */
    C2D_CAPTURE_END = -90,           /* not an error: the capture has no more frames */
    C2D_ERR_PKT_TRUNCATED = -91,     /* a packet header is cut short by the capture length */
    C2D_ERR_PKT_MALFORMED = -92,     /* a packet header field has an impossible value */
    C2D_ERR_PKT_UNSUPPORTED = -93,   /* link type, EtherType or protocol not decoded here */
    C2D_ERR_PKT_FRAGMENT = -94,      /* a non-first IP fragment (counted, not parsed) */
    C2D_ERR_DNS_NAME = -95,          /* DNS name with a bad label, looping/forward pointer or over 255 bytes */

    /* IOC store and MMDB, -110..-129 (MMDB/geo use -120..-129) */
    C2D_ERR_IOC_EMPTY_FEED = -110,   /* a feed yielded no indicator (empty, only comments, or every line rejected); since 0.2.0 */
    C2D_ERR_IOC_UNKNOWN_FORMAT = -111,/* feed bytes are not text of any feed format (control or NUL bytes); since 0.2.0 */
    C2D_ERR_IOC_COMPRESSED = -112,   /* feed is gzip/xz/bzip2/zstd/zip-compressed: decompress it first; since 0.2.0 */
    C2D_ERR_FEED_COLUMN = -115,      /* a feed's header lacks a column its format needs (Since 0.2.0) */
    C2D_ERR_MMDB_METADATA = -120,    /* MMDB metadata missing a required key, of a wrong type, or inconsistent with the file */
    C2D_ERR_MMDB_TREE = -121,        /* MMDB search-tree record outside the tree and data section, or tree deeper than the address */
    C2D_ERR_MMDB_DATA = -122,        /* MMDB data section: unknown type, bad size, or a value running past the section */
    C2D_ERR_MMDB_POINTER = -123,     /* MMDB pointer outside its section, or a pointer to a pointer */
    C2D_ERR_MMDB_DEPTH = -124,       /* MMDB maps/arrays nested deeper than C2D_GEO_MAX_DEPTH */
    C2D_ERR_MMDB_IPV6_IN_IPV4 = -125,/* IPv6 address looked up in an IPv4-only MMDB */
    C2D_ERR_GEO_TYPE = -126,         /* geo value present but of another type than the call needs */

    /* CNN, -130..-149 */
    C2D_ERR_CNN_TOKEN = -130,        /* a token id is not below the model's vocabulary size */

    /* Zeek logs, -160..-169 */
    C2D_ERR_ZEEK_HEADER = -160,      /* Zeek TSV header directive malformed, #types not matching #fields, or data before #fields */
    C2D_ERR_ZEEK_MISSING_COLUMN = -161, /* a column the log kind requires is not in #fields */
    C2D_ERR_ZEEK_UNKNOWN_LOG = -162, /* a Zeek log (#path, _path or keys) this library does not read */
    C2D_ERR_ZEEK_LOG_MISMATCH = -163,/* the Zeek log is of another kind than asked for, or changes kind */
    C2D_ERR_ZEEK_FIELD_COUNT = -164, /* a Zeek TSV line has another number of fields than #fields */
    C2D_ERR_ZEEK_NUMBER = -165,      /* a Zeek time, interval, count or port is unset where required, or not a number in range */
    C2D_ERR_ZEEK_ADDR = -166,        /* a Zeek address is unset where required, or not an IPv4/IPv6 address */
    C2D_ERR_ZEEK_VALUE = -167,       /* a Zeek enum, bool or string value is not one this field takes (conn_state, T/F, too long) */
    C2D_ERR_ZEEK_LINE_TOO_LONG = -168, /* a Zeek log line is longer than C2D_ZEEK_MAX_LINE */
    C2D_ERR_ZEEK_JSON = -169,        /* a Zeek JSON line is not one well-formed JSON object */

    /* TLS, -170..-189 (since 0.2.0) */
    C2D_ERR_TLS_NOT_HANDSHAKE = -170,   /* bytes do not start with a TLS handshake record */
    C2D_ERR_TLS_RECORD = -171,          /* TLS record header with a bad version or length, or a foreign record inside a message */
    C2D_ERR_TLS_NOT_CLIENT_HELLO = -172,/* the client's first handshake message is not a ClientHello */
    C2D_ERR_TLS_NOT_SERVER_HELLO = -173,/* the server's first handshake message is not a ServerHello */
    C2D_ERR_TLS_HANDSHAKE = -174,       /* a length inside a handshake message disagrees with its container */
    C2D_ERR_TLS_EXTENSION = -175,       /* a TLS extension body disagrees with its own lengths */
    C2D_ERR_TLS_CERTIFICATE = -176,     /* Certificate message: list or entry lengths disagree */
    C2D_ERR_TLS_DER = -177,             /* certificate DER: bad tag, length or nesting where a field is expected */

    C2D_STATUS_MIN_ = -1000          /* not a status; keeps the enum signed and wide */
} c2d_status;

/* Static English text for a status (never NULL; unknown values give
 * "unknown status"). Thread-safe. Since 0.1.0. */
C2D_API const char *c2d_strerror(c2d_status status);

/* Static identifier of a status, e.g. "C2D_ERR_CHECKSUM" (never NULL).
 * Thread-safe. Since 0.1.0. */
C2D_API const char *c2d_status_name(c2d_status status);

/* --------------------------------------------------------------- allocator */
/* Optional allocator taken by every constructor. NULL means malloc/free.
 * The struct is the caller's and starts with its own size: set
 * `size = sizeof(c2d_allocator)`. The library copies it into the handle, so it
 * need not outlive the call; `ctx` must outlive every handle made with it.
 * `alloc` must return memory aligned to at least 16 bytes (malloc does) or NULL;
 * `free` receives only pointers `alloc` returned (never NULL). Both are called
 * from the thread that uses the handle. Since 0.1.0. */
typedef struct c2d_allocator {
    size_t size;
    void *(*alloc)(void *ctx, size_t nbytes);
    void (*free)(void *ctx, void *ptr);
    void *ctx;
} c2d_allocator;

/* ------------------------------------------------------------ CPU features */
/* Instruction sets the int8 kernels are written for. A cap allows its level
 * and those below it in the x86-64 order SCALAR < AVX2 < AVXVNNI < AVX512VNNI
 * (so a cap of C2D_ISA_AVX2 allows SCALAR and AVX2 but not the VNNI levels),
 * and a model runs the highest allowed level this CPU has (a CPU may have
 * AVX512VNNI without AVXVNNI); the order is not the numeric one. NEON is the
 * aarch64 level and ranks above SCALAR only. Values are fixed forever. */
typedef enum c2d_isa {
    C2D_ISA_SCALAR = 0,
    C2D_ISA_AVX2 = 1,        /* x86-64 AVX2 + FMA, OS saves YMM */
    C2D_ISA_AVX512VNNI = 2,  /* AVX-512 F/BW/VL + VNNI, OS saves ZMM and opmask */
    C2D_ISA_NEON = 3,        /* aarch64 Advanced SIMD */
    C2D_ISA_AVXVNNI = 4,     /* AVX2 + FMA + AVX-VNNI (256-bit VEX vpdpbusd). Since 0.2.0 */
    C2D_ISA_BEST = 255       /* as a cap: no cap */
} c2d_isa;

/* Bits of c2d_cpu_features(). */
#define C2D_CPU_AVX2        (1u << 0)
#define C2D_CPU_FMA         (1u << 1)
#define C2D_CPU_AVX512F     (1u << 2)
#define C2D_CPU_AVX512BW    (1u << 3)
#define C2D_CPU_AVX512VL    (1u << 4)
#define C2D_CPU_AVX512VNNI  (1u << 5)
#define C2D_CPU_AVXVNNI     (1u << 6)
#define C2D_CPU_NEON        (1u << 7)
#define C2D_CPU_NEON_DOT    (1u << 8)

/* Features this CPU has *and* the OS enables (x86: CPUID and XGETBV register
 * state; aarch64: NEON is architectural, dot-product from the auxiliary vector).
 * Computed once and cached; thread-safe. Since 0.1.0. */
C2D_API unsigned c2d_cpu_features(void);

/* Best ISA level this machine can run. Thread-safe. Since 0.1.0. */
C2D_API c2d_isa c2d_cpu_best_isa(void);

/* Static lower-case name of an ISA level ("scalar", "avx2", "avx512vnni",
 * "neon", "best"; "avxvnni" since 0.2.0); "unknown" otherwise. Since 0.1.0. */
C2D_API const char *c2d_isa_name(c2d_isa isa);

#ifdef __cplusplus
}
#endif
#endif /* C2DETECT_COMMON_H */
