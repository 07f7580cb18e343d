"""Zeek logs (conn, dns, http; ssl and x509 counted) in TSV or JSON lines, pure Python.

The twin of the C reader in lib/zeek (include/c2detect/zeek.h): the same rules,
the same rejects with the same line numbers and statuses, the same records and
counters (docs/zeek.md defines them). Use it where the C library is not at hand
(notebooks, Spark executors)::

    from c2detect import zeek
    reader = zeek.Reader()
    for item in reader.iter_file("conn.log.gz"):      # gzip is decompressed here
        if isinstance(item, zeek.Session): ...
        elif isinstance(item, zeek.Reject): print(item.line, item.status, item.reason)
    print(reader.report)

`Reader.feed(bytes)` and `Reader.finish()` are the push interface (chunks of
any size, lines may span chunks); both return lists of items. A fatal error
(missing column, unknown log, ...) stops the reader: it is in `report.error`,
and `iter_file(..., raise_errors=True)` (the default) raises ZeekLogError
after the items read before it.

Known differences from C: none on logs Zeek writes; the address parser is
Python's for IPv6 text (C has its own), which may disagree on exotic forms.
"""
from __future__ import annotations

import dataclasses
import gzip
import ipaddress
import re
from typing import Iterator, List, Optional, Tuple, Union

MAX_LINE = 65536
MAX_COLUMNS = 256
FIRST_REJECTED = 16
DNS_MAX_ADDRS = 16
DNS_NAME_BUF = 1024

UNKNOWN, CONN, DNS, HTTP, SSL, X509 = range(6)
LOG_NAMES = {CONN: "conn", DNS: "dns", HTTP: "http", SSL: "ssl", X509: "x509"}

STATUS = {
    "C2D_OK": 0,
    "C2D_ERR_UNSUPPORTED": -13,
    "C2D_ERR_ZEEK_HEADER": -160,
    "C2D_ERR_ZEEK_MISSING_COLUMN": -161,
    "C2D_ERR_ZEEK_UNKNOWN_LOG": -162,
    "C2D_ERR_ZEEK_LOG_MISMATCH": -163,
    "C2D_ERR_ZEEK_FIELD_COUNT": -164,
    "C2D_ERR_ZEEK_NUMBER": -165,
    "C2D_ERR_ZEEK_ADDR": -166,
    "C2D_ERR_ZEEK_VALUE": -167,
    "C2D_ERR_ZEEK_LINE_TOO_LONG": -168,
    "C2D_ERR_ZEEK_JSON": -169,
}

CONN_STATES = ["S0", "S1", "SF", "REJ", "S2", "S3", "RSTO", "RSTR", "RSTOS0", "RSTRH", "SH", "SHR", "OTH"]
TCP_FIN, TCP_SYN, TCP_RST, TCP_ACK = 0x01, 0x02, 0x04, 0x10


def log_name(kind: int) -> str:
    return LOG_NAMES.get(kind, "unknown")


# --------------------------------------------------------------- records
@dataclasses.dataclass
class Session:
    """A conn.log tcp/udp row as the fields of c2d_session."""
    ts_ns: int
    orig_h: str
    orig_p: int
    resp_h: str
    resp_p: int
    proto: int
    ip_version: int
    last_ns: int
    duration: float
    orig_bytes: int
    resp_bytes: int
    orig_pkts: int
    resp_pkts: int
    orig_ip_bytes: int
    resp_ip_bytes: int
    conn_state: str
    orig_tcp_flags: int
    resp_tcp_flags: int
    orig_data_pkts: int
    resp_data_pkts: int
    orig_mean_payload: float
    resp_mean_payload: float
    local_orig: int
    local_resp: int
    counted: int
    avg_payload_len: float
    in_out_ratio: float
    end_reason: str
    extra: dict = dataclasses.field(default_factory=dict)  # columns asked for with Reader(keep=...)


@dataclasses.dataclass
class DnsEvent:
    """A dns.log row as c2d_dns_event with its c2d_dns_message."""
    ts_ns: int
    client_addr: str
    client_port: int
    server_addr: str
    transport: int
    ip_version: int
    qname: str
    qdcount: int
    qtype: int
    qclass: int
    rcode: int
    is_response: int
    flags: int
    id: int
    ancount: int
    addrs: List[Tuple[str, int, int]]  # (address, ip_version, ttl)
    extra: dict = dataclasses.field(default_factory=dict)


@dataclasses.dataclass
class HttpEvent:
    """An http.log row as c2d_http_event (host/uri bytes, None when unset)."""
    ts_ns: int
    client_addr: str
    client_port: int
    server_addr: str
    server_port: int
    host: Optional[bytes]
    uri: Optional[bytes]
    extra: dict = dataclasses.field(default_factory=dict)


@dataclasses.dataclass
class Reject:
    line: int
    status: str
    reason: str

    @property
    def code(self) -> int:
        return STATUS[self.status]


@dataclasses.dataclass
class Report:
    log: int = UNKNOWN
    json: int = 0
    lines: int = 0
    records: int = 0
    rejected: int = 0
    skipped: int = 0
    unconverted: int = 0
    blocks: int = 0
    dns_answers_other: int = 0
    dns_answers_over_cap: int = 0
    bytes: int = 0
    error: str = "C2D_OK"
    error_line: int = 0
    error_offset: int = 0
    first_rejected: List[int] = dataclasses.field(default_factory=list)


Item = Union[Session, DnsEvent, HttpEvent, Reject]


class ZeekLogError(Exception):
    def __init__(self, status: str, line: int, offset: int, path: str = ""):
        self.status, self.line, self.offset = status, line, offset
        super().__init__(f"{path + ': ' if path else ''}{status} at line {line} (byte {offset})")


class _Rejected(Exception):
    def __init__(self, status: str, column: Optional[str], msg: str):
        self.status = status
        self.reason = f"column {column}: {msg}" if column else msg


class _Fatal(Exception):
    def __init__(self, status: str):
        self.status = status


# ----------------------------------------------------------------- columns
K = {CONN: 1 << CONN, DNS: 1 << DNS, HTTP: 1 << HTTP, SSL: 1 << SSL, X509: 1 << X509}
K_IDS = K[CONN] | K[DNS] | K[HTTP] | K[SSL]
# name -> (kinds that read it, kinds whose TSV #fields must list it)
COLS = {
    "ts": (K_IDS | K[X509], K_IDS | K[X509]),
    "id.orig_h": (K_IDS, K_IDS), "id.orig_p": (K_IDS, K_IDS),
    "id.resp_h": (K_IDS, K_IDS), "id.resp_p": (K_IDS, K_IDS),
    "proto": (K[CONN] | K[DNS], K[CONN]),
    "duration": (K[CONN], 0), "orig_bytes": (K[CONN], K[CONN]), "resp_bytes": (K[CONN], K[CONN]),
    "conn_state": (K[CONN], K[CONN]), "local_orig": (K[CONN], 0), "local_resp": (K[CONN], 0),
    "history": (K[CONN], 0), "orig_pkts": (K[CONN], K[CONN]), "orig_ip_bytes": (K[CONN], 0),
    "resp_pkts": (K[CONN], K[CONN]), "resp_ip_bytes": (K[CONN], 0),
    "trans_id": (K[DNS], 0), "query": (K[DNS], K[DNS]), "qclass": (K[DNS], 0), "qtype": (K[DNS], K[DNS]),
    "rcode": (K[DNS], K[DNS]), "AA": (K[DNS], 0), "TC": (K[DNS], 0), "RD": (K[DNS], 0), "RA": (K[DNS], 0),
    "answers": (K[DNS], K[DNS]), "TTLs": (K[DNS], 0),
    "host": (K[HTTP], K[HTTP]), "uri": (K[HTTP], K[HTTP]),
}
COL_ORDER = list(COLS)  # the required-column check reports the first missing in this order


def _hint(name: bytes) -> int:
    if name == b"fingerprint" or (len(name) > 12 and name.startswith(b"certificate.")):
        return 1
    if name == b"query":
        return 2
    if name in (b"method", b"uri"):
        return 4
    if name in (b"cipher", b"server_name", b"established"):
        return 8
    if name in (b"conn_state", b"history", b"orig_ip_bytes"):
        return 16
    return 0


def _kind_of_hints(h: int) -> int:
    for bit, kind in ((1, X509), (2, DNS), (4, HTTP), (8, SSL), (16, CONN)):
        if h & bit:
            return kind
    return UNKNOWN


def _kind_of_path(v: bytes) -> int:
    for k, n in LOG_NAMES.items():
        if v == n.encode():
            return k
    return UNKNOWN


# ----------------------------------------------------------------- values
# A value is (kind, raw bytes): kinds mirror the C reader's.
V_UNSET, V_EMPTY, V_TSV, V_JSTR, V_JLIT, V_JARR, V_JOBJ = range(7)
_UNSET = (V_UNSET, b"")
HEX = b"0123456789abcdefABCDEF"


def _tsv_unescape(s: bytes) -> bytes:
    if b"\\" not in s:
        return s
    out = bytearray()
    i, n = 0, len(s)
    while i < n:
        c = s[i]
        if c == 0x5C and i + 3 < n and s[i + 1] == 0x78 and s[i + 2] in HEX and s[i + 3] in HEX:
            out.append(int(s[i + 2:i + 4], 16))
            i += 4
        elif c == 0x5C and i + 1 < n and s[i + 1] == 0x5C:
            out.append(0x5C)
            i += 2
        else:
            out.append(c)
            i += 1
    return bytes(out)


def _header_value(s: bytes, cap: int) -> Optional[bytes]:
    out = bytearray()
    i, n = 0, len(s)
    while i < n:
        c = s[i]
        if c == 0x5C and i + 3 < n and s[i + 1] == 0x78 and s[i + 2] in HEX and s[i + 3] in HEX:
            c = int(s[i + 2:i + 4], 16)
            i += 3
        elif c == 0x5C and i + 1 < n and s[i + 1] == 0x74:
            c = 9
            i += 1
        if len(out) >= cap:
            return None
        out.append(c)
        i += 1
    return bytes(out)


_ESC = {0x62: b"\b", 0x66: b"\f", 0x6E: b"\n", 0x72: b"\r", 0x74: b"\t", 0x22: b'"', 0x5C: b"\\", 0x2F: b"/"}


def _json_unescape(s: bytes) -> bytes:
    """Body of a string the scanner accepted: escapes complete, surrogates paired."""
    if b"\\" not in s:
        return s
    out = bytearray()
    i, n = 0, len(s)
    while i < n:
        c = s[i]
        if c != 0x5C:
            out.append(c)
            i += 1
            continue
        e = s[i + 1]
        if e == 0x75:
            cp = int(s[i + 2:i + 6], 16)
            i += 6
            if 0xD800 <= cp < 0xDC00:
                lo = int(s[i + 2:i + 6], 16)
                cp = 0x10000 + ((cp - 0xD800) << 10) + (lo - 0xDC00)
                i += 6
            out += chr(cp).encode("utf-8", "surrogatepass")
        else:
            out += _ESC[e]
            i += 2
    return bytes(out)


# -------------------------------------------------------- JSON scanner (as C)
_WS = b" \t\n\r"
_DIG = b"0123456789"


class _Bad(Exception):
    pass


def _ws(b: bytes, p: int) -> int:
    n = len(b)
    while p < n and b[p] in _WS:
        p += 1
    return p


def _js_string(b: bytes, p: int) -> Tuple[int, bytes]:
    """b[p] is the opening quote; returns (index past the closing quote, body)."""
    n = len(b)
    q = p + 1
    while q < n:
        c = b[q]
        if c == 0x22:
            return q + 1, b[p + 1:q]
        if c < 0x20:
            raise _Bad
        if c == 0x5C:
            if q + 1 >= n:
                raise _Bad
            e = b[q + 1]
            if e == 0x75:
                if n - q < 6 or not all(x in HEX for x in b[q + 2:q + 6]):
                    raise _Bad
                cp = int(b[q + 2:q + 6], 16)
                q += 6
                if 0xDC00 <= cp < 0xE000:
                    raise _Bad
                if 0xD800 <= cp < 0xDC00:
                    if (n - q < 6 or b[q] != 0x5C or b[q + 1] != 0x75
                            or not all(x in HEX for x in b[q + 2:q + 6])):
                        raise _Bad
                    lo = int(b[q + 2:q + 6], 16)
                    if not 0xDC00 <= lo < 0xE000:
                        raise _Bad
                    q += 6
                continue
            if e not in b'"\\/bfnrt':
                raise _Bad
            q += 2
            continue
        q += 1
    raise _Bad


def _js_number(b: bytes, p: int) -> int:
    n = len(b)
    if p < n and b[p] == 0x2D:
        p += 1
    if p >= n:
        raise _Bad
    if b[p] == 0x30:
        p += 1
    elif 0x31 <= b[p] <= 0x39:
        while p < n and b[p] in _DIG:
            p += 1
    else:
        raise _Bad
    if p < n and b[p] == 0x2E:
        p += 1
        if p >= n or b[p] not in _DIG:
            raise _Bad
        while p < n and b[p] in _DIG:
            p += 1
    if p < n and b[p] in b"eE":
        p += 1
        if p < n and b[p] in b"+-":
            p += 1
        if p >= n or b[p] not in _DIG:
            raise _Bad
        while p < n and b[p] in _DIG:
            p += 1
    return p


def _js_value(b: bytes, p: int, depth: int) -> Tuple[int, Tuple[int, bytes]]:
    n = len(b)
    if p >= n:
        raise _Bad
    c = b[p]
    if c == 0x22:
        q, body = _js_string(b, p)
        return q, (V_JSTR, body)
    if c in b"{[":
        q = _js_container(b, p, depth, c == 0x7B)
        return q, (V_JOBJ if c == 0x7B else V_JARR, b[p:q])
    for word in (b"true", b"false", b"null"):
        if c == word[0]:
            if b[p:p + len(word)] != word:
                raise _Bad
            return p + len(word), (V_UNSET if word == b"null" else V_JLIT, word)
    q = _js_number(b, p)
    return q, (V_JLIT, b[p:q])


def _js_container(b: bytes, p: int, depth: int, obj: bool) -> int:
    if depth > 64:
        raise _Bad
    close = 0x7D if obj else 0x5D
    n = len(b)
    p = _ws(b, p + 1)
    if p < n and b[p] == close:
        return p + 1
    while True:
        if obj:
            if p >= n or b[p] != 0x22:
                raise _Bad
            p, _ = _js_string(b, p)
            p = _ws(b, p)
            if p >= n or b[p] != 0x3A:
                raise _Bad
            p = _ws(b, p + 1)
        p, _ = _js_value(b, p, depth + 1)
        p = _ws(b, p)
        if p >= n:
            raise _Bad
        if b[p] == close:
            return p + 1
        if b[p] != 0x2C:
            raise _Bad
        p = _ws(b, p + 1)


def _json_object(line: bytes, keep=()):
    """(values by column name, hints, path_given, path_kind, kept values) or raises _Rejected."""
    n = len(line)
    vals = {}
    kept = {}
    hints = 0
    path_given, path_kind = False, UNKNOWN
    p = _ws(line, 0)
    what = "not an object"
    try:
        if p >= n or line[p] != 0x7B:
            raise _Bad
        p = _ws(line, p + 1)
        if p < n and line[p] == 0x7D:
            p += 1
        else:
            while True:
                what = "bad key"
                if p >= n or line[p] != 0x22:
                    raise _Bad
                p, kb = _js_string(line, p)
                p = _ws(line, p)
                if p >= n or line[p] != 0x3A:
                    raise _Bad
                p = _ws(line, p + 1)
                what = "bad value"
                p, v = _js_value(line, p, 1)
                if len(kb) < 64:
                    key = _json_unescape(kb)
                    hints |= _hint(key)
                    name = key.decode("latin-1")
                    if name in COLS:
                        vals[name] = v
                    if name in keep:
                        kept[name] = v
                    if key == b"_path":
                        path_given = v[0] != V_UNSET
                        path_kind = UNKNOWN
                        if v[0] == V_JSTR and b"\\" not in v[1]:
                            path_kind = _kind_of_path(v[1])
                p = _ws(line, p)
                what = "expected , or }"
                if p >= n:
                    raise _Bad
                if line[p] == 0x7D:
                    p += 1
                    break
                if line[p] != 0x2C:
                    raise _Bad
                p = _ws(line, p + 1)
        what = "text after the object"
        if _ws(line, p) != n:
            raise _Bad
    except (_Bad, IndexError):
        raise _Rejected("C2D_ERR_ZEEK_JSON", None, what)
    return vals, hints, path_given, path_kind, kept


# ----------------------------------------------------------- field parsing
def _parse_count(s: bytes) -> Optional[int]:
    if not s.isdigit():  # ASCII digits only, not empty
        return None
    v = int(s)
    return v if v < 1 << 64 else None


_DECIMAL = re.compile(rb"([0-9]+)(?:\.([0-9]+))?")


def _parse_decimal_ns(s: bytes) -> Optional[int]:
    m = _DECIMAL.fullmatch(s)
    if not m:
        return None
    sec = int(m.group(1))
    if sec > ((1 << 64) - 1) // 1000000000:
        return None
    frac = m.group(2) or b""
    ns = sec * 1000000000 + int((frac[:9] + b"000000000")[:9])
    return ns if ns < 1 << 64 else None


def _days_from_civil(y: int, m: int, d: int) -> int:
    y -= m <= 2
    era = (y if y >= 0 else y - 399) // 400
    yoe = y - era * 400
    doy = (153 * (m + (-3 if m > 2 else 9)) + 2) // 5 + d - 1
    doe = yoe * 365 + yoe // 4 - yoe // 100 + doy
    return era * 146097 + doe - 719468


def _digits(s: bytes, at: int, n: int) -> Optional[int]:
    part = s[at:at + n]
    if len(part) != n or any(c not in _DIG for c in part):
        return None
    return int(part)


def _parse_iso8601_ns(s: bytes) -> Optional[int]:
    y, mo, d = _digits(s, 0, 4), _digits(s, 5, 2), _digits(s, 8, 2)
    if (y is None or len(s) < 19 or s[4] != 0x2D or mo is None or s[7] != 0x2D or d is None
            or s[10] not in b"T "):
        return None
    h, mi, se = _digits(s, 11, 2), _digits(s, 14, 2), _digits(s, 17, 2)
    if h is None or s[13] != 0x3A or mi is None or s[16] != 0x3A or se is None:
        return None
    if not (1 <= mo <= 12 and 1 <= d <= 31 and h <= 23 and mi <= 59 and se <= 60):
        return None
    i, n, frac = 19, len(s), 0
    if i < n and s[i] == 0x2E:
        i += 1
        start = i
        while i < n and s[i] in _DIG:
            i += 1
        if i == start:
            return None
        frac = int((s[start:i][:9] + b"000000000")[:9])
    zone = 0
    if i < n and s[i] == 0x5A:
        i += 1
    elif i < n and s[i] in b"+-":
        neg = s[i] == 0x2D
        zh = _digits(s, i + 1, 2)
        if zh is None:
            return None
        i += 3
        if i < n and s[i] == 0x3A:
            i += 1
        zm = _digits(s, i, 2)
        if zm is None:
            return None
        i += 2
        if zh > 23 or zm > 59:
            return None
        zone = (zh * 3600 + zm * 60) * (-1 if neg else 1)
    if i != n:
        return None
    secs = _days_from_civil(y, mo, d) * 86400 + h * 3600 + mi * 60 + se - zone
    if secs < 0:
        return None
    ns = secs * 1000000000 + frac
    return ns if ns < 1 << 64 else None


def _parse_time_ns(s: bytes) -> Optional[int]:
    if len(s) >= 19 and s[4] == 0x2D:
        return _parse_iso8601_ns(s)
    return _parse_decimal_ns(s)


_V4 = re.compile(rb"([0-9]{1,3})\.([0-9]{1,3})\.([0-9]{1,3})\.([0-9]{1,3})")


def _parse_v4(s: bytes) -> Optional[bytes]:
    m = _V4.fullmatch(s)
    if not m:
        return None
    parts = [int(x) for x in m.groups()]
    if max(parts) > 255:
        return None
    return bytes(parts)


_MAPPED = b"\0" * 10 + b"\xff\xff"


_ADDR_CACHE: dict = {}  # text -> (16 bytes or None,); addresses repeat a lot


def _parse_addr(s: bytes) -> Optional[bytes]:
    """16-byte address (IPv4 mapped) or None, by the rules of c2d_addr_parse."""
    hit = _ADDR_CACHE.get(s)
    if hit is not None:
        return hit[0]
    a = _parse_addr_uncached(s)
    if len(_ADDR_CACHE) >= 65536:
        _ADDR_CACHE.clear()
    _ADDR_CACHE[s] = (a,)
    return a


def _parse_addr_uncached(s: bytes) -> Optional[bytes]:
    if not s or len(s) >= 64 or b"\0" in s:
        return None
    if b":" not in s:
        v4 = _parse_v4(s)
        return _MAPPED + v4 if v4 is not None else None
    if b"%" in s:
        return None
    try:
        return ipaddress.IPv6Address(s.decode("ascii")).packed
    except (ValueError, UnicodeDecodeError):
        return None


_TEXT_CACHE: dict = {}


def addr_text(a: bytes) -> str:
    """Text form as c2d_addr_format writes it (dotted quad for IPv4 mapped)."""
    t = _TEXT_CACHE.get(a)
    if t is None:
        if len(_TEXT_CACHE) >= 65536:
            _TEXT_CACHE.clear()
        t = _TEXT_CACHE[a] = _addr_text_uncached(a)
    return t


def _addr_text_uncached(a: bytes) -> str:
    if a[:12] == _MAPPED:
        return ".".join(str(x) for x in a[12:])
    return str(ipaddress.IPv6Address(a))


def _is_private(a: bytes) -> int:
    if a[:12] == _MAPPED:
        v = a[12:]
        return int(v[0] == 10 or (v[0] == 172 and (v[1] & 0xF0) == 16) or (v[0] == 192 and v[1] == 168)
                   or (v[0] == 100 and (v[1] & 0xC0) == 64) or v[0] == 127 or (v[0] == 169 and v[1] == 254))
    return int((a[0] & 0xFE) == 0xFC or (a[0] == 0xFE and (a[1] & 0xC0) == 0x80) or a == b"\0" * 15 + b"\1")


# ------------------------------------------------------------------ reader
class Reader:
    """Push reader with the semantics of c2d_zeek_reader (one log per reader)."""

    def __init__(self, kind: int = UNKNOWN, keep=()):
        """`keep`: names of other columns (e.g. Stratosphere's "label",
        "detailedlabel") whose values each record carries in `.extra` as
        str (None when unset); the C reader has no such option."""
        if kind not in (UNKNOWN, CONN, DNS, HTTP, SSL, X509):
            raise ValueError("kind")
        self.want = kind
        self.keep = tuple(keep)
        self.keep_idx: List[Tuple[str, int]] = []
        self.extra: dict = {}
        self.log = UNKNOWN
        self.mode = 0  # 0 undecided, 1 TSV, 2 JSON
        self.finished = False
        self.fatal: Optional[str] = None
        self.fatal_line = self.fatal_off = 0
        self.rep = Report()
        self.buf = bytearray()
        self.over = False
        self.lineno = self.offset = self.line_off = 0
        self._block_defaults()
        self.vals: dict = {}
        self.out: List[Item] = []

    # ---------------------------------------------------------- plumbing
    def _block_defaults(self):
        self.sep, self.set_sep = b"\t", b","
        self.empty, self.unset = b"(empty)", b"-"
        self.path_seen, self.path_kind = False, UNKNOWN
        self.have_fields = self.have_types = False
        self.ncols = self.ntypes = 0
        self.field_col: List[Optional[str]] = []

    def _reject(self, status: str, reason: str):
        self.rep.rejected += 1
        if len(self.rep.first_rejected) < FIRST_REJECTED:
            self.rep.first_rejected.append(self.lineno)
        self.out.append(Reject(self.lineno, status, reason))

    def _fail(self, status: str):
        self.fatal = status
        self.fatal_line = self.lineno
        self.fatal_off = self.line_off

    def feed(self, data: bytes) -> List[Item]:
        """Parse the complete lines in `data` (plus what earlier feeds left)."""
        if self.fatal:
            return []
        if self.finished:
            raise RuntimeError("feed after finish (C2D_ERR_STATE)")
        self.out = []
        data = bytes(data)
        self.rep.bytes += len(data)
        pos, n = 0, len(data)
        while pos < n and not self.fatal:
            nl = data.find(b"\n", pos)
            if nl < 0:
                if not self.buf and not self.over:
                    self.line_off = self.offset
                self._append(data[pos:])
                self.offset += n - pos
                break
            seg = data[pos:nl]
            if not self.buf and not self.over:
                self.line_off = self.offset
                self._line(seg, len(seg) > MAX_LINE)
            else:
                self._append(seg)
                self._line(bytes(self.buf), self.over)
            self.buf = bytearray()
            self.over = False
            self.offset += len(seg) + 1
            pos = nl + 1
        return self.out

    def _append(self, b: bytes):
        if self.over:
            return
        if len(b) > MAX_LINE - len(self.buf):
            self.over = True
            self.buf = bytearray()
            return
        self.buf += b

    def finish(self) -> List[Item]:
        """End of input: the last line without a newline; fills `report`."""
        self.out = []
        if not self.finished and not self.fatal and (self.buf or self.over):
            self._line(bytes(self.buf), self.over)
        self.buf = bytearray()
        self.over = False
        self.finished = True
        return self.out

    @property
    def report(self) -> Report:
        r = dataclasses.replace(self.rep, first_rejected=list(self.rep.first_rejected))
        r.log = self.log
        r.json = int(self.mode == 2)
        r.lines = self.fatal_line - 1 if self.fatal else self.lineno
        r.error = self.fatal or "C2D_OK"
        r.error_line = self.fatal_line if self.fatal else 0
        r.error_offset = self.fatal_off if self.fatal else 0
        if self.fatal:
            r.bytes = self.fatal_off
        return r

    def iter_file(self, path: str, raise_errors: bool = True, chunk: int = 1 << 16) -> Iterator[Item]:
        """Items of a file (gzip files are decompressed here, unlike in C)."""
        with open(path, "rb") as f:
            gz = f.read(2) == b"\x1f\x8b"
        opener = gzip.open if gz else open
        with opener(path, "rb") as f:
            while True:
                b = f.read(chunk)
                if not b:
                    break
                yield from self.feed(b)
                if self.fatal:
                    break
        yield from self.finish()
        if raise_errors and self.fatal:
            raise ZeekLogError(self.fatal, self.fatal_line, self.fatal_off, path)

    # -------------------------------------------------------------- lines
    def _line(self, p: bytes, over: bool):
        self.lineno += 1
        if over:
            self._reject("C2D_ERR_ZEEK_LINE_TOO_LONG", "line longer than C2D_ZEEK_MAX_LINE bytes")
            return
        if p.endswith(b"\r"):
            p = p[:-1]
        if self.lineno == 1 and p[:2] == b"\x1f\x8b":
            self._fail("C2D_ERR_UNSUPPORTED")
            return
        if not p.strip(b" \t"):
            self.rep.skipped += 1
            return
        try:
            if p[0] == 0x23:
                if self.mode == 0:
                    self.mode = 1
                if self.mode == 1:
                    self._tsv_header(p)
                if not self.fatal:
                    self.rep.skipped += 1
                return
            if self.mode == 0:
                self.mode = 2 if p[0] == 0x7B else 1
            if self.mode == 2:
                self._json_line(p)
            else:
                self._tsv_line(p)
        except _Fatal as f:
            self._fail(f.status)
        except _Rejected as r:
            self._reject(r.status, r.reason)

    def _settle_kind(self, path_given: bool, path_kind: int, hints: int):
        if path_given and path_kind != UNKNOWN:
            k = path_kind
        elif self.want != UNKNOWN:
            k = self.want  # the caller's kind wins over a path this library does not know
        elif path_given:
            raise _Fatal("C2D_ERR_ZEEK_UNKNOWN_LOG")
        else:
            k = _kind_of_hints(hints)
            if k == UNKNOWN:
                raise _Fatal("C2D_ERR_ZEEK_UNKNOWN_LOG")
        if (self.want != UNKNOWN and k != self.want) or (self.log != UNKNOWN and k != self.log):
            raise _Fatal("C2D_ERR_ZEEK_LOG_MISMATCH")
        self.log = k

    # ---------------------------------------------------------------- TSV
    def _tsv_header(self, p: bytes):
        if p.startswith(b"#separator") and (len(p) == 10 or p[10] == 0x20):
            v = _header_value(p[11:], 8) if len(p) > 11 else None
            if v is None or len(v) != 1:
                raise _Fatal("C2D_ERR_ZEEK_HEADER")
            self._block_defaults()
            self.sep = v
            return
        for d in (b"#set_separator", b"#empty_field", b"#unset_field", b"#path", b"#fields", b"#types",
                  b"#open", b"#close"):
            dl = len(d)
            if not p.startswith(d):
                continue
            if len(p) > dl and p[dl:dl + 1] != self.sep and p[dl] != 0x20:
                continue
            if len(p) == dl or p[dl:dl + 1] != self.sep:
                raise _Fatal("C2D_ERR_ZEEK_HEADER")
            v = p[dl + 1:]
            if d == b"#set_separator":
                b = _header_value(v, 8)
                if b is None or len(b) != 1:
                    raise _Fatal("C2D_ERR_ZEEK_HEADER")
                self.set_sep = b
            elif d in (b"#empty_field", b"#unset_field"):
                b = _header_value(v, 32)
                if not b:
                    raise _Fatal("C2D_ERR_ZEEK_HEADER")
                if d == b"#empty_field":
                    self.empty = b
                else:
                    self.unset = b
            elif d == b"#path":
                self.path_seen, self.path_kind = True, _kind_of_path(v)
            elif d == b"#fields":
                self._tsv_fields(v)
            elif d == b"#types":
                self.ntypes = v.count(self.sep) + 1
                self.have_types = True
                if self.have_fields and self.ntypes != self.ncols:
                    raise _Fatal("C2D_ERR_ZEEK_HEADER")
            return

    def _tsv_fields(self, v: bytes):
        names = v.split(self.sep)
        if len(names) > MAX_COLUMNS:
            raise _Fatal("C2D_ERR_ZEEK_HEADER")
        hints = 0
        cols: List[Optional[str]] = []
        present = set()
        for nm in names:
            hints |= _hint(nm)
            s = nm.decode("latin-1")
            if s in COLS and s not in present:
                present.add(s)
                cols.append(s)
            else:
                cols.append(None)
        self._settle_kind(self.path_seen, self.path_kind, hints)
        kb = 1 << self.log
        for c in COL_ORDER:
            if COLS[c][1] & kb and c not in present:
                raise _Fatal("C2D_ERR_ZEEK_MISSING_COLUMN")
        self.field_col = [c if c is not None and COLS[c][0] & kb else None for c in cols]
        decoded = [nm.decode("latin-1") for nm in names]
        self.keep_idx = [(k, decoded.index(k)) for k in self.keep if k in decoded]
        self.ncols = len(names)
        self.have_fields = True
        self.rep.blocks += 1
        if self.have_types and self.ntypes != self.ncols:
            raise _Fatal("C2D_ERR_ZEEK_HEADER")

    def _tsv_line(self, p: bytes):
        if not self.have_fields:
            raise _Fatal("C2D_ERR_ZEEK_HEADER")
        fields = p.split(self.sep)
        k = len(fields)
        trailing = k == self.ncols + 1 and fields[-1] == b""
        if k != self.ncols and not trailing:
            raise _Rejected("C2D_ERR_ZEEK_FIELD_COUNT", None, "more fields than #fields names"
                            if k > self.ncols else "fewer fields than #fields names")
        vals = {}
        for i, c in enumerate(self.field_col):
            if c is None:
                continue
            f = fields[i]
            if f == self.unset:
                vals[c] = _UNSET
            elif f == self.empty:
                vals[c] = (V_EMPTY, b"")
            else:
                vals[c] = (V_TSV, f)
        self.vals = vals
        self.extra = {}
        for name, i in self.keep_idx:
            f = fields[i]
            self.extra[name] = (None if f == self.unset else "" if f == self.empty
                                else _tsv_unescape(f).decode("utf-8", "replace"))
        self._convert()

    # --------------------------------------------------------------- JSON
    def _json_line(self, p: bytes):
        vals, hints, path_given, path_kind, kept = _json_object(p, self.keep)
        self.extra = {k: None if v[0] == V_UNSET
                      else (_json_unescape(v[1]) if v[0] == V_JSTR else v[1]).decode("utf-8", "replace")
                      for k, v in kept.items()}
        if self.log == UNKNOWN:
            self._settle_kind(path_given, path_kind, hints)
        elif path_given and path_kind != self.log and (path_kind != UNKNOWN or self.want == UNKNOWN):
            raise _Rejected("C2D_ERR_ZEEK_LOG_MISMATCH", "_path", "not the kind of the first record")
        kb = 1 << self.log
        self.vals = {c: v for c, v in vals.items() if COLS[c][0] & kb}
        self._convert()

    # ------------------------------------------------------------- values
    def _text(self, c: str):
        """(1, bytes) set, (0, None) unset, (-1, None) array/object."""
        kind, raw = self.vals.get(c, _UNSET)
        if kind == V_UNSET:
            return 0, None
        if kind == V_EMPTY:
            return 1, b""
        if kind == V_JLIT:
            return 1, {b"true": b"T", b"false": b"F"}.get(raw, raw)
        if kind == V_TSV:
            return 1, _tsv_unescape(raw)
        if kind == V_JSTR:
            return 1, _json_unescape(raw)
        return -1, None

    def _vector(self, c: str) -> Iterator[Optional[bytes]]:
        """Elements; None for a nested array/object (the C reader's -1)."""
        kind, raw = self.vals.get(c, _UNSET)
        if kind == V_TSV:
            for e in raw.split(self.set_sep):
                yield _tsv_unescape(e)
        elif kind in (V_JSTR, V_JLIT):
            yield self._text(c)[1]
        elif kind == V_JARR:
            b = raw[1:-1]
            p, n = 0, len(b)
            while True:
                p = _ws(b, p)
                if p >= n:
                    return
                if b[p] == 0x2C:
                    p = _ws(b, p + 1)
                if b[p] == 0x22:
                    q, body = _js_string(b, p)
                    yield _json_unescape(body)
                    p = q
                elif b[p] in b"[{":
                    yield None
                    return
                else:
                    q = p
                    while q < n and b[q] not in b", \t\r\n":
                        q += 1
                    tok = b[p:q]
                    yield b"-" if tok == b"null" else tok
                    p = q

    def _need_time(self, c: str) -> int:
        g, s = self._text(c)
        if g == 0:
            raise _Rejected("C2D_ERR_ZEEK_NUMBER", c, "unset")
        v = _parse_time_ns(s) if g > 0 else None
        if v is None:
            raise _Rejected("C2D_ERR_ZEEK_NUMBER", c, "not a time")
        return v

    def _opt_interval(self, c: str) -> int:
        g, s = self._text(c)
        if g == 0:
            return 0
        v = _parse_decimal_ns(s) if g > 0 else None
        if v is None:
            raise _Rejected("C2D_ERR_ZEEK_NUMBER", c, "not an interval")
        return v

    def _opt_count(self, c: str, mx: int = (1 << 64) - 1) -> int:
        g, s = self._text(c)
        if g == 0:
            return 0
        v = _parse_count(s) if g > 0 else None
        if v is None or v > mx:
            raise _Rejected("C2D_ERR_ZEEK_NUMBER", c, "not a count in range")
        return v

    def _need_port(self, c: str) -> int:
        g, s = self._text(c)
        if g == 0:
            raise _Rejected("C2D_ERR_ZEEK_NUMBER", c, "unset")
        v = _parse_count(s) if g > 0 else None
        if v is None or v > 65535:
            raise _Rejected("C2D_ERR_ZEEK_NUMBER", c, "not a port")
        return v

    def _need_addr(self, c: str) -> bytes:
        g, s = self._text(c)
        if g == 0:
            raise _Rejected("C2D_ERR_ZEEK_ADDR", c, "unset")
        a = _parse_addr(s) if g > 0 else None
        if a is None:
            raise _Rejected("C2D_ERR_ZEEK_ADDR", c, "not an address")
        return a

    def _opt_bool(self, c: str) -> int:
        g, s = self._text(c)
        if g == 0:
            return -1
        if g > 0 and s in (b"T", b"F"):
            return int(s == b"T")
        raise _Rejected("C2D_ERR_ZEEK_VALUE", c, "not T or F")

    # ------------------------------------------------------------- rows
    def _convert(self):
        if self.log == CONN:
            self._conn()
        elif self.log == DNS:
            self._dns()
        elif self.log == HTTP:
            self._http()
        else:
            self._need_time("ts")
            if self.log == SSL:
                self._need_addr("id.orig_h")
                self._need_port("id.orig_p")
                self._need_addr("id.resp_h")
                self._need_port("id.resp_p")
            self.rep.records += 1
            self.rep.unconverted += 1

    def _conn(self):
        ts = self._need_time("ts")
        oh = self._need_addr("id.orig_h")
        op = self._need_port("id.orig_p")
        rh = self._need_addr("id.resp_h")
        rp = self._need_port("id.resp_p")
        dur = self._opt_interval("duration")
        ob, rb = self._opt_count("orig_bytes"), self._opt_count("resp_bytes")
        opk, rpk = self._opt_count("orig_pkts"), self._opt_count("resp_pkts")
        oib, rib = self._opt_count("orig_ip_bytes"), self._opt_count("resp_ip_bytes")
        if dur > (1 << 64) - 1 - ts:
            raise _Rejected("C2D_ERR_ZEEK_NUMBER", "duration", "ts + duration overflows")
        g, t = self._text("conn_state")
        state = "OTH"
        if g != 0:
            name = t.decode("latin-1") if g > 0 else None
            if name not in CONN_STATES:
                raise _Rejected("C2D_ERR_ZEEK_VALUE", "conn_state", "unknown conn_state")
            state = name
        lo, lr = self._opt_bool("local_orig"), self._opt_bool("local_resp")
        g, hist = self._text("history")
        if g < 0:
            raise _Rejected("C2D_ERR_ZEEK_VALUE", "history", "not a string")
        if g == 0:
            hist = b""
        g, proto = self._text("proto")
        if g < 0:
            raise _Rejected("C2D_ERR_ZEEK_VALUE", "proto", "not a string")
        if g == 0 or proto not in (b"tcp", b"udp"):
            self.rep.records += 1
            self.rep.unconverted += 1
            return
        pn = 6 if proto == b"tcp" else 17
        of = rf = octl = rctl = 0
        if pn == 6:
            seen = [0, 0]
            fl = [0, 0]
            for ch in hist:
                d = 1 if 0x61 <= ch <= 0x7A else 0
                up = ch - 32 if d else ch
                if up == 0x53:
                    fl[d] |= TCP_SYN
                    seen[d] |= 1
                elif up == 0x48:
                    fl[d] |= TCP_SYN | TCP_ACK
                    seen[d] |= 1
                elif up == 0x41:
                    fl[d] |= TCP_ACK
                    seen[d] |= 2
                elif up == 0x46:
                    fl[d] |= TCP_FIN
                    seen[d] |= 4
                elif up == 0x52:
                    fl[d] |= TCP_RST
                    seen[d] |= 8
            of, rf = fl
            octl, rctl = bin(seen[0]).count("1"), bin(seen[1]).count("1")

        def data_pkts(nbytes, pkts, ctl):
            if not nbytes:
                return 0
            if pn != 6:
                return pkts or 1
            return max(pkts - ctl, 0) or 1

        odp, rdp = data_pkts(ob, opk, octl), data_pkts(rb, rpk, rctl)
        end = "fin" if state == "SF" else "rst" if state in ("REJ", "RSTO", "RSTR", "RSTOS0", "RSTRH") else "idle"
        total = min(ob + rb, (1 << 64) - 1)
        dp = odp + rdp
        self.rep.records += 1
        self.out.append(Session(
            ts_ns=ts, orig_h=addr_text(oh), orig_p=op, resp_h=addr_text(rh), resp_p=rp, proto=pn,
            ip_version=4 if oh[:12] == _MAPPED else 6, last_ns=ts + dur, duration=dur / 1e9,
            orig_bytes=ob, resp_bytes=rb, orig_pkts=opk, resp_pkts=rpk, orig_ip_bytes=oib,
            resp_ip_bytes=rib, conn_state=state, extra=self.extra, orig_tcp_flags=of, resp_tcp_flags=rf,
            orig_data_pkts=odp, resp_data_pkts=rdp,
            orig_mean_payload=ob / odp if odp else 0.0, resp_mean_payload=rb / rdp if rdp else 0.0,
            local_orig=lo if lo >= 0 else _is_private(oh), local_resp=lr if lr >= 0 else _is_private(rh),
            counted=int(total >= 1), avg_payload_len=float(total) / float(dp) if dp else 0.0,
            in_out_ratio=(float(rb) + 1.0) / (float(ob) + 1.0), end_reason=end))

    def _dns(self):
        ts = self._need_time("ts")
        ch = self._need_addr("id.orig_h")
        cp = self._need_port("id.orig_p")
        sh = self._need_addr("id.resp_h")
        self._need_port("id.resp_p")
        tid = self._opt_count("trans_id", 65535)
        qclass = self._opt_count("qclass", 65535)
        qtype = self._opt_count("qtype", 65535)
        rcode = self._opt_count("rcode", 255)
        aa, tc, rd, ra = (self._opt_bool(x) for x in ("AA", "TC", "RD", "RA"))
        g, t = self._text("proto")
        if g < 0:
            raise _Rejected("C2D_ERR_ZEEK_VALUE", "proto", "not a string")
        transport = 6 if g > 0 and t == b"tcp" else 17
        g, q = self._text("query")
        if g < 0:
            raise _Rejected("C2D_ERR_ZEEK_VALUE", "query", "not a string")
        qname, qd = "", 0
        if g > 0:
            qname = _qname(q)
            if qname is None:
                raise _Rejected("C2D_ERR_ZEEK_VALUE", "query", "name too long")
            qd = 1
        has_rcode = self.vals.get("rcode", _UNSET)[0] != V_UNSET
        flags = ((0x8000 if has_rcode else 0) | (0x0400 if aa > 0 else 0) | (0x0200 if tc > 0 else 0)
                 | (0x0100 if rd > 0 else 0) | (0x0080 if ra > 0 else 0) | (rcode & 0x0F))
        answers = self._vector("answers")
        ttls = self._vector("TTLs")
        more_ttl = True
        addrs: List[Tuple[str, int, int]] = []
        nans = other = over = 0
        while True:
            e = next(answers, False)
            if e is None:
                raise _Rejected("C2D_ERR_ZEEK_VALUE", "answers", "nested value")
            ttl_ns, has_ttl = 0, False
            if more_ttl:
                te = next(ttls, False)
                if te is False:
                    more_ttl = False
                else:
                    v = _parse_decimal_ns(te) if te is not None else None
                    if v is None:
                        raise _Rejected("C2D_ERR_ZEEK_NUMBER", "TTLs", "not an interval")
                    ttl_ns, has_ttl = v, True
            if e is False:
                if not more_ttl:
                    break
                continue
            a = _parse_addr(e)
            if a is None:
                other += 1
            elif len(addrs) >= DNS_MAX_ADDRS:
                over += 1
            else:
                sec = ttl_ns // 1000000000 if has_ttl else 0
                addrs.append((addr_text(a), 4 if a[:12] == _MAPPED else 6, min(sec, 0xFFFFFFFF)))
            nans += 1
        self.rep.dns_answers_other += other
        self.rep.dns_answers_over_cap += over
        self.rep.records += 1
        self.out.append(DnsEvent(
            ts_ns=ts, client_addr=addr_text(ch), client_port=cp, server_addr=addr_text(sh),
            transport=transport, ip_version=4 if ch[:12] == _MAPPED else 6, qname=qname, qdcount=qd,
            qtype=qtype, qclass=qclass, rcode=rcode, is_response=int(has_rcode), flags=flags, id=tid,
            ancount=min(nans, 65535), addrs=addrs, extra=self.extra))

    def _http(self):
        ts = self._need_time("ts")
        ch = self._need_addr("id.orig_h")
        cp = self._need_port("id.orig_p")
        sh = self._need_addr("id.resp_h")
        sp = self._need_port("id.resp_p")
        gh, h = self._text("host")
        gu, u = self._text("uri")
        if gh < 0 or gu < 0:
            raise _Rejected("C2D_ERR_ZEEK_VALUE", "host" if gh < 0 else "uri", "not a string")
        self.rep.records += 1
        self.out.append(HttpEvent(ts_ns=ts, client_addr=addr_text(ch), client_port=cp,
                                  server_addr=addr_text(sh), server_port=sp, host=h, uri=u,
                                  extra=self.extra))


def _qname(q: bytes) -> Optional[str]:
    """c2d_dns_message.qname form: lower case, no trailing dot, \\DDD escapes."""
    if q.endswith(b"."):
        q = q[:-1]
    out = []
    size = 0
    for ch in q:
        if 0x41 <= ch <= 0x5A:
            ch += 32
        if ch < 0x21 or ch > 0x7E or ch == 0x5C:
            if size + 4 >= DNS_NAME_BUF:
                return None
            out.append("\\%03d" % ch)
            size += 4
        else:
            if size + 1 >= DNS_NAME_BUF:
                return None
            out.append(chr(ch))
            size += 1
    return "".join(out)


def read_file(path: str, kind: int = UNKNOWN) -> Tuple[List[Item], Report]:
    """All items of a (possibly gzip) log and its report; fatal errors end up
    in report.error instead of being raised."""
    r = Reader(kind)
    items = list(r.iter_file(path, raise_errors=False))
    return items, r.report
