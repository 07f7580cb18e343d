"""Python twin of the C HTTP tokenizer (schema http-tokens-v1, docs/http_tokens.md).

It must give exactly the token ids of `c2d_http_tokenize` for every input; the
training recipe uses it, and tests/test_http_tokens.py checks the agreement on every
header in the shared data. The vocabularies below are the single source: the C
table lib/http/vocab.c is generated from them (`python3 -m c2detect.http_tokens
--emit-c lib/http/vocab.c`), so ids never drift between the two.
"""
from __future__ import annotations

import sys

SEQ_LEN = 256
VOCAB_SIZE = 1024
MAX_FIELDS = 48

PAD, BOS, EOH, PARTIAL, SEP, FOLD, DUP, EMPTY, LF, BADLINE, BODY, TRUNC, MANYFIELDS, IPV4 = range(14)
FLAG_NAMES = ["PAD", "BOS", "EOH", "PARTIAL", "SEP", "FOLD", "DUP", "EMPTY", "LF", "BADLINE",
              "BODY", "TRUNC", "MANYFIELDS", "IPV4"]

METHOD_BASE = 16
METHODS = ["GET", "POST", "HEAD", "PUT", "DELETE", "OPTIONS", "CONNECT", "TRACE", "PATCH",
           "M-SEARCH", "NOTIFY", "SUBSCRIBE", "PROPFIND"]
METHOD_OTHER = METHOD_BASE + len(METHODS)  # 29

VERSION_11, VERSION_10, VERSION_NONE, VERSION_OTHER, VERSION_GARBAGE = 32, 33, 34, 35, 36
VERSION_NAMES = {32: "HTTP/1.1", 33: "HTTP/1.0", 34: "no-version", 35: "HTTP/other", 36: "bad-version"}

T_ORIGIN, T_ABSOLUTE, T_AUTHORITY, T_ASTERISK, T_EMPTY, SEG, SEG_EMPTY, EXT, QUERY, QKEY, QVAL, FRAG = range(40, 52)
TARGET_NAMES = ["T_ORIGIN", "T_ABSOLUTE", "T_AUTHORITY", "T_ASTERISK", "T_EMPTY", "SEG", "SEG_EMPTY",
                "EXT", "QUERY", "QKEY", "QVAL", "FRAG"]

NAME_BASE = 64
NAME_UNKNOWN = 64
NAME_UNKNOWN_X = 65
FIELD_NAMES = [
    "host", "user-agent", "accept", "accept-language", "accept-encoding", "accept-charset",
    "connection", "keep-alive", "cache-control", "pragma", "cookie", "referer", "origin",
    "content-type", "content-length", "content-encoding", "transfer-encoding",
    "upgrade-insecure-requests", "dnt", "te", "if-modified-since", "if-none-match", "if-match",
    "if-range", "if-unmodified-since", "range", "authorization", "proxy-authorization",
    "proxy-connection", "expect", "x-requested-with", "x-forwarded-for", "x-forwarded-proto",
    "x-forwarded-host", "x-real-ip", "sec-fetch-site", "sec-fetch-mode", "sec-fetch-dest",
    "sec-fetch-user", "sec-ch-ua", "sec-ch-ua-mobile", "sec-ch-ua-platform", "sec-gpc", "purpose",
    "priority", "via", "forwarded", "from", "max-forwards", "ua-cpu", "x-csrf-token", "x-api-key",
    "content-md5", "content-disposition", "content-language", "content-range", "date", "soapaction",
    "man", "mx", "st", "nt", "nts", "callback", "sid", "timeout", "upgrade", "sec-websocket-key",
    "sec-websocket-version", "sec-websocket-extensions", "sec-websocket-protocol", "alt-used",
    "x-client-data", "x-ms-cv", "x-microsoft-ajax", "x-newrelic-id", "accept-datetime",
    "x-http-method-override", "x-att-deviceid", "x-wap-profile", "x-uidh", "x-correlation-id",
    "x-request-id", "x-amz-date", "x-amz-content-sha256", "x-goog-api-key", "x-api-version",
    "x-xsrf-token", "x-csrftoken", "x-client-version", "x-client-name", "x-flash-version",
    "x-moz", "x-purpose", "x-do-not-track", "save-data", "device-memory", "downlink", "ect", "rtt",
    "viewport-width", "dpr", "width", "sec-ch-ua-arch", "sec-ch-ua-bitness", "sec-ch-ua-full-version",
    "sec-ch-ua-full-version-list", "sec-ch-ua-model", "sec-ch-ua-platform-version", "sec-ch-prefers-color-scheme",
    "sec-purpose", "service-worker", "ocsp-request", "content-location", "link", "last-event-id",
    "access-control-request-method", "access-control-request-headers", "bits-packet-type",
    "bits-supported-protocols", "bits-session-id", "accept-ranges", "x-ms-client-request-id",
]

WORD_BASE = 192
WORDS = [
    # browsers and engines
    "mozilla", "compatible", "msie", "trident", "chrome", "chromium", "safari", "firefox", "gecko",
    "applewebkit", "khtml", "like", "edg", "edge", "opera", "opr", "version", "mobile", "yabrowser",
    "samsungbrowser", "crios", "fxios", "ucbrowser", "vivaldi", "brave", "headlesschrome",
    # OS tokens
    "windows", "nt", "win64", "wow64", "win32", "x64", "x86", "x86_64", "linux", "android", "iphone",
    "ipad", "macintosh", "intel", "mac", "os", "x", "cpu", "ubuntu", "x11", "rv", "arm64", "aarch64",
    "slcc2", "net", "clr", "media", "center", "pc", "infopath", "tablet", "touch", "en-us", "en",
    "us", "ja", "de", "fr", "q", "u", "wv", "build", "darwin", "cfnetwork", "dalvik",
    # encodings, connection, cache
    "gzip", "deflate", "br", "identity", "zstd", "compress", "chunked", "keep-alive", "close",
    "upgrade", "no-cache", "no-store", "max-age", "max-stale", "must-revalidate", "private",
    "public", "no-transform", "only-if-cached",
    # media types
    "text", "html", "xml", "application", "json", "javascript", "ecmascript", "image", "webp",
    "avif", "apng", "png", "gif", "jpeg", "jpg", "svg+xml", "xhtml+xml", "x-www-form-urlencoded",
    "multipart", "form-data", "boundary", "octet-stream", "plain", "css", "charset", "utf-8",
    "iso-8859-1", "signed-exchange", "v", "b3", "x-icon", "vnd", "ms-cab-compressed",
    "ocsp-request", "x-javascript", "font", "woff", "woff2", "video", "audio", "mp4", "pdf",
    # fetch metadata and client hints
    "same-origin", "same-site", "cross-site", "none", "navigate", "no-cors", "cors", "document",
    "empty", "script", "style", "iframe", "worker", "not", "a", "brand", "google", "microsoft",
    "prefetch", "xmlhttprequest", "websocket",
    # URL words
    "http", "https", "www", "com", "net", "org", "info", "ru", "cn", "io", "co", "uk", "jp", "gov",
    "edu", "php", "asp", "aspx", "jsp", "cgi", "js", "ico", "htm", "index", "get", "post",
    "submit", "login", "admin", "api", "v1", "v2", "search", "update", "download", "static", "cdn",
    "assets", "images", "img", "news", "jquery", "min", "bing", "msn", "windowsupdate", "favicon",
    "ajax", "libs", "wp-content", "wp-includes", "wp-admin", "includes", "dist", "ocsp", "crl",
    "pki", "cert", "certs", "update", "updates", "content", "upload", "uploads", "data", "config",
    "status", "ping", "check", "track", "analytics", "ads", "ad", "pixel", "collect", "beacon",
    "en_us", "utf8", "lang", "id", "sid", "session", "token", "key", "type", "page", "user", "name",
    "ver", "t", "r", "s", "p", "c", "k", "callback", "format",
    # clients
    "curl", "wget", "python-requests", "python-urllib", "go-http-client", "java", "okhttp", "powershell",
    "winhttp", "microsoft-cryptoapi", "microsoft-delivery-optimization", "windows-update-agent",
    "bits", "libwww-perl", "axios", "node-fetch", "apache-httpclient", "postmanruntime",
    "docker", "npm", "pip", "apt-http", "debian", "wininet", "msdw", "nsis_inetc",
    # cookies, auth
    "bytes", "bearer", "basic", "digest", "jsessionid", "phpsessid", "aspsessionid", "asp.net_sessionid",
    "__utma", "__utmz", "_ga", "_gid", "nid", "sessionid", "csrftoken", "xsrf-token",
]

SHAPE_BASE = 512
SHAPE_CLASSES = ["dig", "hexl", "hexu", "low", "up", "mixc", "alnl", "alnu", "alnm", "oth"]
LEN_BUCKETS = ["1", "2", "3", "4", "5-6", "7-8", "9-12", "13-16", "17-24", "25-32", "33-64", "65+"]
HASH_BASE = 640
HASH_BUCKETS = VOCAB_SIZE - HASH_BASE  # 384
MAX_KNOWN_WORD = 32


def _dedup(seq):
    out, seen = [], set()
    for w in seq:
        if w not in seen:
            seen.add(w)
            out.append(w)
    return out


WORDS = _dedup(WORDS)
assert len(FIELD_NAMES) <= WORD_BASE - NAME_BASE - 2, len(FIELD_NAMES)
assert len(WORDS) <= SHAPE_BASE - WORD_BASE, len(WORDS)
assert all(len(w) <= MAX_KNOWN_WORD for w in WORDS + FIELD_NAMES)
NAME_ID = {n: NAME_BASE + 2 + i for i, n in enumerate(FIELD_NAMES)}
WORD_ID = {w.encode(): WORD_BASE + i for i, w in enumerate(WORDS)}
NAME_ID_B = {n.encode(): v for n, v in NAME_ID.items()}
METHOD_ID = {m.encode(): METHOD_BASE + i for i, m in enumerate(METHODS)}

# Delimiters of words inside values and the target (bytes < 0x21 and 0x7f too).
DELIMS = frozenset(b" \t;,()/=:\"'.&?[]<>{}\\@|!*%#")
TCHAR = frozenset(b"!#$%&'*+-.^_`|~0123456789abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ")


def _is_word_byte(b: int) -> bool:
    return b > 0x20 and b != 0x7F and b not in DELIMS


def _lower(bs: bytes) -> bytes:
    return bytes(b + 32 if 65 <= b <= 90 else b for b in bs)


def fnv1a32(bs: bytes) -> int:
    h = 0x811C9DC5
    for b in bs:
        h ^= b
        h = (h * 0x01000193) & 0xFFFFFFFF
    return h


def _len_bucket(n: int) -> int:
    if n <= 4:
        return n - 1
    for i, hi in enumerate((6, 8, 12, 16, 24, 32, 64)):
        if n <= hi:
            return 4 + i
    return 11


def _char_class(w: bytes) -> int:
    dig = low = up = oth = False
    hexonly = True
    for b in w:
        if 48 <= b <= 57:
            dig = True
        elif 97 <= b <= 122:
            low = True
            if b > 102:
                hexonly = False
        elif 65 <= b <= 90:
            up = True
            if b > 70:
                hexonly = False
        else:
            oth = True
    if oth:
        return 9
    if dig and not low and not up:
        return 0
    if dig and hexonly and low != up:
        return 1 if low else 2
    if not dig:
        return 3 if (low and not up) else 4 if (up and not low) else 5
    return 6 if (low and not up) else 7 if (up and not low) else 8


def word_token(w: bytes) -> int:
    lw = _lower(w)
    if len(w) <= MAX_KNOWN_WORD:
        t = WORD_ID.get(lw)
        if t is not None:
            return t
    cls = _char_class(w)
    if cls in (3, 4, 5) and len(w) <= 16:
        return HASH_BASE + fnv1a32(lw) % HASH_BUCKETS
    return SHAPE_BASE + cls * 12 + _len_bucket(len(w))


def _ipv4_end(s: bytes, i: int) -> int:
    """End of a dotted quad starting at i (not followed by a word byte or '.'), else -1."""
    n = len(s)
    for part in range(4):
        j = i
        while j < n and j - i < 3 and 48 <= s[j] <= 57:
            j += 1
        if j == i:
            return -1
        if j < n and 48 <= s[j] <= 57:
            return -1
        i = j
        if part < 3:
            if i >= n or s[i] != 0x2E:
                return -1
            i += 1
    if i < n and (_is_word_byte(s[i]) or s[i] == 0x2E):
        return -1
    return i


def words(s: bytes, out: list) -> None:
    """Append the value tokens of the words of `s` (docs/http_tokens.md, 'Words')."""
    i, n = 0, len(s)
    while i < n:
        if not _is_word_byte(s[i]):
            i += 1
            continue
        if 48 <= s[i] <= 57 and (i == 0 or s[i - 1] != 0x2E):
            e = _ipv4_end(s, i)
            if e > 0:
                out.append(IPV4)
                i = e
                continue
        j = i
        while j < n and _is_word_byte(s[j]):
            j += 1
        out.append(word_token(s[i:j]))
        i = j


def _path_tokens(p: bytes, out: list) -> None:
    segs = p[1:].split(b"/") if p.startswith(b"/") else p.split(b"/")
    last = len(segs) - 1
    while last >= 0 and not segs[last]:
        last -= 1
    for k, seg in enumerate(segs):
        if not seg:
            out.append(SEG_EMPTY)
            continue
        out.append(SEG)
        if k == last and b"." in seg:
            out.append(EXT)
        words(seg, out)


def target_tokens(method_id: int, t: bytes):
    """(kind token, value tokens) of a request target."""
    out: list = []
    if not t:
        return T_EMPTY, out
    if t == b"*":
        return T_ASTERISK, out
    frag = b""
    h = t.find(b"#")
    if h >= 0:
        t, frag = t[:h], t[h + 1:]
    q = t.find(b"?")
    query = None
    if q >= 0:
        t, query = t[:q], t[q + 1:]
    kind = T_ORIGIN
    if t.startswith(b"/"):
        _path_tokens(t, out)
    else:
        sep = t.find(b"://")
        if sep > 0 and all(65 <= b <= 90 or 97 <= b <= 122 or b in b"+-." for b in t[:sep]):
            kind = T_ABSOLUTE
            words(t[:sep], out)
            rest = t[sep + 3:]
            sl = rest.find(b"/")
            if sl < 0:
                words(rest, out)
            else:
                words(rest[:sl], out)
                _path_tokens(rest[sl:], out)
        else:
            kind = T_AUTHORITY
            words(t, out)
    if query is not None:
        out.append(QUERY)
        for pair in query.split(b"&"):
            if not pair:
                continue
            out.append(QKEY)
            eq = pair.find(b"=")
            if eq < 0:
                words(pair, out)
            else:
                words(pair[:eq], out)
                out.append(QVAL)
                words(pair[eq + 1:], out)
    if h >= 0:
        out.append(FRAG)
        words(frag, out)
    return kind, out


def _strip_ows(s: bytes) -> bytes:
    return s.strip(b" \t")


def _split_lines(data: bytes, start: int):
    """Yield (line without terminator, had_bare_lf, complete) from start."""
    i, n = start, len(data)
    while i < n:
        j = data.find(b"\n", i)
        if j < 0:
            line = data[i:]
            if line.endswith(b"\r"):
                line = line[:-1]
            yield line, False, False, n
            return
        line = data[i:j]
        bare = True
        if line.endswith(b"\r"):
            line = line[:-1]
            bare = False
        yield line, bare, True, j + 1
        i = j + 1


class NotRequest(ValueError):
    pass


def tokenize(data: bytes, seq_len: int = SEQ_LEN):
    """Token ids (length seq_len, PAD-filled) and the count of non-PAD tokens.
    Raises NotRequest where C returns C2D_ERR_HTTP_NOT_REQUEST."""
    data = bytes(data)
    i = 0
    while i < len(data) and data[i] in b"\r\n":
        i += 1
    lines = _split_lines(data, i)
    try:
        line, bare, complete, pos = next(lines)
    except StopIteration:
        raise NotRequest("empty") from None
    any_lf = bare
    # request line
    k = 0
    while k < len(line) and line[k] not in b" \t":
        k += 1
    method = line[:k]
    if not (1 <= len(method) <= 32) or any(b not in TCHAR for b in method):
        raise NotRequest("method")
    rest = line[k:].strip(b" \t")
    mid = METHOD_ID.get(bytes(b - 32 if 97 <= b <= 122 else b for b in method), METHOD_OTHER)
    version = VERSION_NONE
    target = rest
    sp = max(rest.rfind(b" "), rest.rfind(b"\t"))
    last = rest[sp + 1:]
    if _lower(last[:5]) == b"http/":
        target = rest[:max(sp, 0)].strip(b" \t")
        lv = _lower(last)
        version = VERSION_11 if lv == b"http/1.1" else VERSION_10 if lv == b"http/1.0" else VERSION_OTHER
    kind, tvals = target_tokens(mid, target)
    units = [(None, tvals)]  # (structural tokens, value tokens)
    seen = []
    fields = []  # [name_tokens, values, folded]
    many = False
    ended = False
    body = False
    if complete:
        for line, bare, complete_l, pos in lines:
            any_lf |= bare
            if line == b"":
                if complete_l:
                    ended = True
                    body = pos < len(data)
                break
            if line[:1] in (b" ", b"\t") and fields:
                f = fields[-1]
                if f is not None:
                    f[2] = True
                    words(line, f[1])
                continue
            if len(fields) >= MAX_FIELDS:
                many = True
                fields.append(None)
                continue
            c = line.find(b":")
            name = line[:c].rstrip(b" \t") if c >= 0 else b""
            if c < 0 or not name:
                vals: list = []
                words(line, vals)
                fields.append([[BADLINE], vals, False])
                continue
            lname = _lower(name)
            nid = NAME_ID_B.get(lname) if len(lname) <= MAX_KNOWN_WORD else None
            if nid is None:
                nid = NAME_UNKNOWN_X if lname.startswith(b"x-") else NAME_UNKNOWN
            hname = fnv1a32(lname)
            st = [nid]
            if hname in seen:
                st.append(DUP)
            seen.append(hname)
            vals = []
            words(_strip_ows(line[c + 1:]), vals)
            fields.append([st, vals, False])
    fields = [f for f in fields if f is not None]
    head = [BOS, mid, version, kind]
    structural = len(head)
    for f in fields:
        structural += len(f[0]) + (1 if f[2] else 0) + 1 + (1 if not f[1] else 0)
    trailer_n = 1 + any_lf + body + many  # TRUNC counted below
    counts = [len(tvals)] + [len(f[1]) for f in fields]
    budget = seq_len - structural - trailer_n - 1
    cap = max(counts) if counts else 0
    if sum(counts) > budget:
        lo, hi = 0, cap
        while lo < hi:
            mid_c = (lo + hi + 1) // 2
            if sum(min(c, mid_c) for c in counts) <= budget:
                lo = mid_c
            else:
                hi = mid_c - 1
        cap = lo
    truncated = any(c > cap for c in counts)
    out = head + tvals[:cap]
    for f in fields:
        out += f[0] + f[1][:cap]
        if f[2]:
            out.append(FOLD)
        if not f[1]:
            out.append(EMPTY)
        out.append(SEP)
    out.append(EOH if ended else PARTIAL)
    if any_lf:
        out.append(LF)
    if body:
        out.append(BODY)
    if many:
        out.append(MANYFIELDS)
    if truncated:
        out.append(TRUNC)
    n = len(out)
    assert n <= seq_len
    return out + [PAD] * (seq_len - n), n


def token_name(t: int) -> str:
    if t < len(FLAG_NAMES):
        return FLAG_NAMES[t]
    if METHOD_BASE <= t < METHOD_OTHER:
        return METHODS[t - METHOD_BASE]
    if t == METHOD_OTHER:
        return "METHOD_OTHER"
    if t in VERSION_NAMES:
        return VERSION_NAMES[t]
    if 40 <= t < 40 + len(TARGET_NAMES):
        return TARGET_NAMES[t - 40]
    if t == NAME_UNKNOWN:
        return "name:?"
    if t == NAME_UNKNOWN_X:
        return "name:x-?"
    if NAME_BASE + 2 <= t < NAME_BASE + 2 + len(FIELD_NAMES):
        return "name:" + FIELD_NAMES[t - NAME_BASE - 2]
    if WORD_BASE <= t < WORD_BASE + len(WORDS):
        return "w:" + WORDS[t - WORD_BASE]
    if SHAPE_BASE <= t < HASH_BASE:
        c, b = divmod(t - SHAPE_BASE, 12)
        if c < len(SHAPE_CLASSES):
            return f"s:{SHAPE_CLASSES[c]}:{LEN_BUCKETS[b]}"
    if HASH_BASE <= t < VOCAB_SIZE:
        return f"h:{t - HASH_BASE}"
    return f"reserved:{t}"


def _c_string(s: str) -> str:
    return '"' + s.replace("\\", "\\\\").replace('"', '\\"') + '"'


def emit_c(path: str) -> None:
    """Write lib/http/vocab.c: the sorted word and field-name tables for binary search."""
    lines = [
        "/* Generated by `python3 -m c2detect.http_tokens --emit-c lib/http/vocab.c` from",
        " * bindings/python/c2detect/http_tokens.py; do not edit. Sorted by bytes for",
        " * binary search; ids are the http-tokens-v1 vocabulary (docs/http_tokens.md). */",
        '#include "http_internal.h"',
        "",
    ]

    def table(cname, items):
        items = sorted(items, key=lambda kv: kv[0].encode())
        lines.append(f"const c2d__http_vocab_entry {cname}[] = {{")
        for k, v in items:
            lines.append(f"    {{{_c_string(k)}, {len(k.encode())}, {v}}},")
        lines.append("};")
        lines.append(f"const size_t {cname}_count = sizeof {cname} / sizeof {cname}[0];")
        lines.append("")

    table("c2d__http_words", [(w, WORD_BASE + i) for i, w in enumerate(WORDS)])
    table("c2d__http_names", [(n, v) for n, v in NAME_ID.items()])
    lines.append("const char *const c2d__http_word_text[] = {")
    lines += [f"    {_c_string(w)}," for w in WORDS]
    lines.append("};")
    lines.append("const char *const c2d__http_name_text[] = {")
    lines += [f"    {_c_string(n)}," for n in FIELD_NAMES]
    lines.append("};")
    lines.append(f"const size_t c2d__http_word_text_count = {len(WORDS)};")
    lines.append(f"const size_t c2d__http_name_text_count = {len(FIELD_NAMES)};")
    with open(path, "w") as f:
        f.write("\n".join(lines) + "\n")


if __name__ == "__main__":
    if len(sys.argv) == 3 and sys.argv[1] == "--emit-c":
        emit_c(sys.argv[2])
    else:
        for arg in sys.argv[1:]:
            with open(arg, "rb") as fh:
                ids, n = tokenize(fh.read())
            print(" ".join(token_name(t) for t in ids[:n]))
