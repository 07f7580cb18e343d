/* libc2detect: TLS handshake evidence from the first bytes of a TCP session:
 * ClientHello, ServerHello and (TLS <= 1.2) Certificate fields, JA3, JA3S and
 * JA4 fingerprints, certificate SHA-1/SHA-256 and the leaf's names.
 * docs/tls.md defines every field and fingerprint exactly. Since 0.2.0. */
#ifndef C2DETECT_TLS_H
#define C2DETECT_TLS_H

#include <stddef.h>
#include <stdint.h>

#include "c2detect/common.h"
#include "c2detect/flow.h"

#ifdef __cplusplus
extern "C" {
#endif

/* Caps of the fixed arrays below. A list longer than its cap keeps its first
 * values and counts the others in the matching *_over counter; a fingerprint
 * that would need a dropped value is not computed (see c2d_tls_fingerprint). */
#define C2D_TLS_MAX_CIPHERS 512
#define C2D_TLS_MAX_EXTENSIONS 64
#define C2D_TLS_MAX_GROUPS 64
#define C2D_TLS_MAX_POINT_FORMATS 16
#define C2D_TLS_MAX_SIG_ALGS 64
#define C2D_TLS_MAX_VERSIONS 16
#define C2D_TLS_MAX_ALPN 8          /* ALPN protocol names kept */
#define C2D_TLS_ALPN_LEN 63         /* bytes kept of each ALPN name (NUL not counted) */
#define C2D_TLS_SNI_LEN 255         /* bytes kept of the SNI host_name (NUL not counted) */
#define C2D_TLS_MAX_CERTS 8         /* certificates of the chain digested */
#define C2D_TLS_CN_LEN 127          /* bytes kept of a common name (NUL not counted) */
#define C2D_TLS_JA3_LEN 4095        /* longest JA3 / JA3S string (NUL not counted); the caps above fit */
#define C2D_TLS_JA4_LEN 36          /* a JA4 is always 36 characters: 10 + 1 + 12 + 1 + 12 */

/* What the client's first flight said. Every list is in wire order and keeps
 * GREASE values (c2d_tls_is_grease); fingerprints drop them. Since 0.2.0. */
typedef struct c2d_tls_client_hello {
    int present;                     /* 1 when a complete ClientHello was parsed */
    uint16_t record_version;         /* version field of the first record header */
    uint16_t version;                /* ClientHello legacy_version (client_version) */
    uint8_t session_id_len;
    uint8_t compression_methods;     /* how many compression methods were offered */
    uint32_t records;                /* TLS records the ClientHello spanned */
    uint32_t length;                 /* handshake body length (bytes after the 4-byte header) */
    uint16_t ciphers[C2D_TLS_MAX_CIPHERS];
    uint32_t n_ciphers, ciphers_over;
    uint16_t extensions[C2D_TLS_MAX_EXTENSIONS];      /* extension types */
    uint32_t n_extensions, extensions_over;
    uint16_t groups[C2D_TLS_MAX_GROUPS];              /* supported_groups (10) */
    uint32_t n_groups, groups_over;
    uint8_t point_formats[C2D_TLS_MAX_POINT_FORMATS]; /* ec_point_formats (11) */
    uint32_t n_point_formats, point_formats_over;
    uint16_t sig_algs[C2D_TLS_MAX_SIG_ALGS];          /* signature_algorithms (13) */
    uint32_t n_sig_algs, sig_algs_over;
    uint16_t versions[C2D_TLS_MAX_VERSIONS];          /* supported_versions (43) */
    uint32_t n_versions, versions_over;
    int has_sni;                     /* 1 when the server_name extension (0) is present */
    char sni[C2D_TLS_SNI_LEN + 1];   /* first host_name entry, NUL-terminated; "" when none */
    uint32_t sni_len;                /* its length on the wire (may exceed what was kept) */
    int has_alpn;                    /* 1 when the ALPN extension (16) is present */
    char alpn[C2D_TLS_MAX_ALPN][C2D_TLS_ALPN_LEN + 1]; /* protocol names, NUL-terminated */
    uint8_t alpn_len[C2D_TLS_MAX_ALPN];               /* wire length of each (may exceed what was kept) */
    uint8_t alpn_first_last[2];      /* first and last byte of the first name (JA4 needs the raw bytes) */
    uint32_t n_alpn, alpn_over;
    uint32_t grease;                 /* GREASE values seen in ciphers, extensions, groups, sig algs, versions */
} c2d_tls_client_hello;

/* What the server's first flight said. Since 0.2.0. */
typedef struct c2d_tls_server_hello {
    int present;                     /* 1 when a complete ServerHello was parsed */
    uint16_t record_version;
    uint16_t version;                /* ServerHello legacy_version (server_version) */
    uint16_t cipher;
    uint8_t compression;
    uint16_t selected_version;       /* supported_versions (43) value; 0 when absent */
    uint16_t extensions[C2D_TLS_MAX_EXTENSIONS];
    uint32_t n_extensions, extensions_over;
    char alpn[C2D_TLS_ALPN_LEN + 1]; /* the selected protocol; "" when none */
} c2d_tls_server_hello;

/* One certificate of the server's Certificate message. */
typedef struct c2d_tls_cert {
    uint32_t der_len;
    uint8_t sha1[20];
    uint8_t sha256[32];
} c2d_tls_cert;

/* The Certificate message (TLS <= 1.2 only: TLS 1.3 encrypts it). */
typedef struct c2d_tls_certificates {
    int present;                     /* 1 when a Certificate message was seen and its first certificate digested */
    uint32_t n_certs;                /* certificates digested, leaf first */
    uint32_t certs_over;             /* complete certificates beyond C2D_TLS_MAX_CERTS (not digested) */
    c2d_tls_cert certs[C2D_TLS_MAX_CERTS];
    c2d_status leaf_status;          /* C2D_OK, or C2D_ERR_TLS_DER when the leaf's names could not be read */
    char subject_cn[C2D_TLS_CN_LEN + 1]; /* leaf subject's first commonName (2.5.4.3); "" when none */
    char issuer_cn[C2D_TLS_CN_LEN + 1];
    int self_signed;                 /* 1 when the leaf's subject Name DER equals its issuer Name DER */
} c2d_tls_certificates;

/* Everything one session's handshake gave. Caller-allocated (about 12 KiB):
 * set `size = sizeof(c2d_tls_info)` before the first call; the parse calls
 * reset the part they fill. Since 0.2.0. */
typedef struct c2d_tls_info {
    size_t size;
    c2d_status client_status;        /* result of the client side (see c2d_tls_parse_client) */
    c2d_status server_status;        /* result of the server side (see c2d_tls_parse_server) */
    c2d_tls_client_hello client;
    c2d_tls_server_hello server;
    c2d_tls_certificates certs;
    /* fingerprints, "" when not computed */
    char ja3[C2D_TLS_JA3_LEN + 1];
    char ja3_md5[33];
    char ja3s[C2D_TLS_JA3_LEN + 1];
    char ja3s_md5[33];
    char ja4[C2D_TLS_JA4_LEN + 1];
} c2d_tls_info;

/* 1 when `value` is a GREASE value of RFC 8701 (0x0a0a, 0x1a1a, ... 0xfafa),
 * else 0. Thread-safe. Since 0.2.0. */
C2D_API int c2d_tls_is_grease(uint16_t value);

/* Parse the client's first bytes of a TCP session (TLS records in arrival
 * order, as in c2d_session.orig_prefix): handshake records up to the end of
 * the first handshake message, which must be a ClientHello; it may span any
 * number of records and share its last record with other messages. Fills
 * info->client and computes info->ja3, ja3_md5 and ja4 (c2d_tls_fingerprint).
 * Stores the result in info->client_status too. Allocates nothing;
 * thread-safe on distinct `info`. Returns
 *   C2D_OK,
 *   C2D_ERR_INVALID_ARG (NULL info, NULL data with len > 0, info->size too small),
 *   C2D_ERR_TLS_NOT_HANDSHAKE (the first byte is not a TLS handshake record),
 *   C2D_ERR_UNSUPPORTED (an SSL 2.0 ClientHello),
 *   C2D_ERR_TLS_RECORD (a record header with a version other than 3.x, a zero
 *     or over-long length, or a non-handshake record inside the message),
 *   C2D_ERR_TLS_NOT_CLIENT_HELLO (the first handshake message is another type),
 *   C2D_ERR_TLS_HANDSHAKE (a length inside the ClientHello disagrees with its
 *     container, or an odd-length cipher list),
 *   C2D_ERR_TLS_EXTENSION (an extension body disagrees with its own lengths),
 *   C2D_ERR_TRUNCATED (the bytes end first, including len == 0).
 * Since 0.2.0. */
C2D_API c2d_status c2d_tls_parse_client(const uint8_t *data, size_t len, c2d_tls_info *info);

/* Parse the server's first bytes: the ServerHello, then (TLS <= 1.2) the
 * Certificate message if one follows, digesting up to C2D_TLS_MAX_CERTS
 * certificates and reading the leaf's names. Fills info->server and
 * info->certs and computes info->ja3s, ja3s_md5; stores the result in
 * info->server_status. Allocates nothing; thread-safe on distinct `info`.
 * Returns the statuses of c2d_tls_parse_client except C2D_ERR_UNSUPPORTED,
 * with C2D_ERR_TLS_NOT_SERVER_HELLO in place of C2D_ERR_TLS_NOT_CLIENT_HELLO,
 * plus C2D_ERR_TLS_CERTIFICATE (certificate list lengths that disagree). When the bytes end inside the certificate chain
 * the result is C2D_ERR_TRUNCATED with server->present = 1 and the complete
 * certificates before the cut digested; bytes that end exactly after the
 * ServerHello's record give C2D_OK without certificates (nothing says one
 * follows). A leaf whose DER cannot be walked is
 * not an error of the call: it is reported in certs.leaf_status. Since 0.2.0. */
C2D_API c2d_status c2d_tls_parse_server(const uint8_t *data, size_t len, c2d_tls_info *info);

/* Parse both prefixes of a TCP session (orig = client, resp = server) into
 * `info`: the two calls above; an empty side gets status C2D_ERR_NOT_FOUND.
 * Returns info->client_status (C2D_ERR_NOT_FOUND for a session that is not
 * TCP or has no client prefix, C2D_ERR_INVALID_ARG for NULL arguments or too
 * small size fields); the server side's result is in info->server_status.
 * Since 0.2.0. */
C2D_API c2d_status c2d_tls_parse_session(const c2d_session *session, c2d_tls_info *info);

/* (Re)compute info->ja3/ja3_md5/ja4 from info->client when client.present,
 * and info->ja3s/ja3s_md5 from info->server when server.present; the others
 * become "". It reads both halves: on a struct not filled by the parse calls,
 * zero what is not set. A fingerprint needing a value counted in an *_over field is left
 * "" and the call returns C2D_ERR_LIMIT (the others are still computed);
 * otherwise C2D_OK, or C2D_ERR_INVALID_ARG. Allocates nothing. Since 0.2.0. */
C2D_API c2d_status c2d_tls_fingerprint(c2d_tls_info *info);

#ifdef __cplusplus
}
#endif
#endif /* C2DETECT_TLS_H */
