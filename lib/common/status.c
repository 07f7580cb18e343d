/* Status names and messages. Each status keeps its number forever (see common.h). */
#include "c2detect/common.h"

#define C2D_STATUS_TABLE(X)                                                            \
    X(C2D_OK, "success")                                                                \
    X(C2D_ERR_INVALID_ARG, "invalid argument")                                         \
    X(C2D_ERR_NOMEM, "out of memory")                                                  \
    X(C2D_ERR_IO, "file could not be opened or read")                                  \
    X(C2D_ERR_TRUNCATED, "input is truncated")                                         \
    X(C2D_ERR_BAD_MAGIC, "not a file of the expected type (bad magic)")                \
    X(C2D_ERR_UNSUPPORTED_VERSION, "unsupported format version")                       \
    X(C2D_ERR_CHECKSUM, "checksum mismatch: data is corrupt")                          \
    X(C2D_ERR_SCHEMA_MISMATCH, "model input schema does not match this use")           \
    X(C2D_ERR_LIMIT, "a count or size exceeds a limit")                                \
    X(C2D_ERR_MALFORMED, "malformed input")                                            \
    X(C2D_ERR_KIND_MISMATCH, "object of the wrong kind for this call")                 \
    X(C2D_ERR_NOT_FOUND, "not found")                                                  \
    X(C2D_ERR_UNSUPPORTED, "not supported by this build or CPU")                       \
    X(C2D_ERR_BUFFER_TOO_SMALL, "output buffer too small")                             \
    X(C2D_ERR_STATE, "call not allowed in the current state")                          \
    /* domain names */                                                                 \
    X(C2D_ERR_NAME_EMPTY, "empty domain name")                                         \
    X(C2D_ERR_NAME_EMPTY_LABEL, "domain name has an empty label")                      \
    X(C2D_ERR_NAME_LABEL_TOO_LONG, "domain label longer than 63 bytes")                \
    X(C2D_ERR_NAME_TOO_LONG, "domain name longer than 253 bytes")                      \
    X(C2D_ERR_NAME_BAD_CHAR, "domain name has a byte that is not a letter, digit, - or _") \
                                                                                       \
    /* HTTP */                                                                         \
    X(C2D_ERR_HTTP_NOT_REQUEST, "not an HTTP request line")                            \
                                                                                       \
    /* capture, flow, DNS */                                                           \
    X(C2D_CAPTURE_END, "end of capture")                                               \
    X(C2D_ERR_PKT_TRUNCATED, "packet truncated by the capture length")                 \
    X(C2D_ERR_PKT_MALFORMED, "malformed packet header")                                \
    X(C2D_ERR_PKT_UNSUPPORTED, "link type or protocol not decoded")                    \
    X(C2D_ERR_PKT_FRAGMENT, "non-first IP fragment")                                   \
    X(C2D_ERR_DNS_NAME, "bad DNS name (label, pointer loop or length)")                \
                                                                                       \
    /* IOC, MMDB */                                                                    \
    X(C2D_ERR_IOC_EMPTY_FEED, "feed yielded no indicators")                            \
    X(C2D_ERR_IOC_UNKNOWN_FORMAT, "feed format not recognised (binary data)")          \
    X(C2D_ERR_IOC_COMPRESSED, "feed is compressed; decompress it first")               \
    X(C2D_ERR_FEED_COLUMN, "feed header lacks a column its format needs")              \
    X(C2D_ERR_MMDB_METADATA, "MMDB metadata missing, mistyped or inconsistent")        \
    X(C2D_ERR_MMDB_TREE, "MMDB search tree is corrupt")                                \
    X(C2D_ERR_MMDB_DATA, "MMDB data section is corrupt")                               \
    X(C2D_ERR_MMDB_POINTER, "MMDB pointer out of range or pointing to a pointer")      \
    X(C2D_ERR_MMDB_DEPTH, "MMDB data nested too deeply")                               \
    X(C2D_ERR_MMDB_IPV6_IN_IPV4, "IPv6 address looked up in an IPv4-only MMDB")        \
    X(C2D_ERR_GEO_TYPE, "geo value has another type than requested")                   \
                                                                                       \
    /* CNN */                                                                          \
    X(C2D_ERR_CNN_TOKEN, "token id outside the model's vocabulary")                  \
                                                                                       \
    /* Zeek logs */                                                                    \
    X(C2D_ERR_ZEEK_HEADER, "malformed Zeek log header")                                \
    X(C2D_ERR_ZEEK_MISSING_COLUMN, "Zeek log lacks a required column")                 \
    X(C2D_ERR_ZEEK_UNKNOWN_LOG, "Zeek log of a kind this library does not read")      \
    X(C2D_ERR_ZEEK_LOG_MISMATCH, "Zeek log of another kind than expected")             \
    X(C2D_ERR_ZEEK_FIELD_COUNT, "Zeek log line has the wrong number of fields")        \
    X(C2D_ERR_ZEEK_NUMBER, "Zeek log field is not a valid number")                     \
    X(C2D_ERR_ZEEK_ADDR, "Zeek log field is not a valid address")                      \
    X(C2D_ERR_ZEEK_VALUE, "Zeek log field has a value it cannot take")                 \
    X(C2D_ERR_ZEEK_LINE_TOO_LONG, "Zeek log line too long")                            \
    X(C2D_ERR_ZEEK_JSON, "Zeek JSON line is not a well-formed object")                 \
                                                                                       \
    /* TLS */                                                                          \
    X(C2D_ERR_TLS_NOT_HANDSHAKE, "not a TLS handshake record")                         \
    X(C2D_ERR_TLS_RECORD, "bad TLS record header or foreign record inside a message")  \
    X(C2D_ERR_TLS_NOT_CLIENT_HELLO, "first TLS handshake message is not a ClientHello") \
    X(C2D_ERR_TLS_NOT_SERVER_HELLO, "first TLS handshake message is not a ServerHello") \
    X(C2D_ERR_TLS_HANDSHAKE, "TLS handshake message length disagrees with its container") \
    X(C2D_ERR_TLS_EXTENSION, "TLS extension body disagrees with its lengths")         \
    X(C2D_ERR_TLS_CERTIFICATE, "TLS Certificate message lengths disagree")            \
    X(C2D_ERR_TLS_DER, "certificate DER is malformed")                                 \

const char *c2d_strerror(c2d_status status) {
    switch (status) {
#define C2D_MSG_CASE(name, msg) \
    case name:                  \
        return msg;
        C2D_STATUS_TABLE(C2D_MSG_CASE)
#undef C2D_MSG_CASE
    default:
        return "unknown status";
    }
}

const char *c2d_status_name(c2d_status status) {
    switch (status) {
#define C2D_NAME_CASE(name, msg) \
    case name:                   \
        return #name;
        C2D_STATUS_TABLE(C2D_NAME_CASE)
#undef C2D_NAME_CASE
    default:
        return "C2D_UNKNOWN_STATUS";
    }
}
