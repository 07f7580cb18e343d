"""The host engine of libc2detect (c2d_hosts, include/c2detect/hosts.h) from Python.

Feed ended sessions (attempts without payload too), DNS responses and HTTP
requests of internal hosts; get the hosts ranked by score, each with the
evidence that made it (docs/hosts.md defines every detector)::

    from c2detect.hosts import Engine
    with Engine(window_s=3600) as eng:
        eng.add_local_net("10.0.0.0/8")
        eng.allow("*.windowsupdate.com")
        for i in range(30):                       # a dead C2 retried every 3 s
            eng.add_session(ts=1.79e9 + 3 * i, orig_h="10.0.0.5", orig_p=40000 + i,
                            resp_h="203.0.113.5", resp_p=8080, conn_state="REJ")
        for host in eng.report():                 # hosts above "ok", strongest first
            print(host.addr, host.score, host.verdict, [e.kind for e in host.evidence])

Sessions may be given as keyword arguments, as this module's Session, or as
any object with the fields of c2d_session (c2detect.zeek.Session is accepted
as it is). Times are seconds since the Unix epoch (float, int or an aware
datetime) in `ts`, or integer nanoseconds in `ts_ns` (exact). Addresses are
text, ipaddress objects or 4/16 raw bytes.

Errors: TypeError / ValueError for arguments the binding can check itself,
c2detect.lib.C2DError (with `.status`, the c2d_status) for what the library
refuses. An Engine belongs to one thread at a time, like the C handle; the
models and stores it borrows (ioc, geo, http, dga) are kept alive by it.
"""
from __future__ import annotations

import ctypes
import dataclasses
import datetime as _dt
import ipaddress
import math
from typing import Any, Dict, Iterable, List, Optional, Sequence

from .lib import C2DError, check, lib

__all__ = ["Engine", "Session", "Host", "Evidence", "Report", "C2DError",
           "EVIDENCE_KINDS", "CONN_STATES", "VERDICTS"]

# ------------------------------------------------------------ C constants
DNS_MAX_ADDRS = 16        # C2D_DNS_MAX_ADDRS
DNS_NAME_BUF = 1024       # C2D_DNS_NAME_BUF
EVIDENCE_KIND_COUNT = 13  # C2D_EVIDENCE_KIND_COUNT_
EVIDENCE_KINDS = ("unknown", "beacon", "fanout", "dga_names", "nxdomain_burst", "ioc", "http_c2",
                  "c2_candidate", "upload", "rare_country", "tls_no_sni", "tls_cert", "new_domain")
CONN_STATES = ("S0", "S1", "SF", "REJ", "S2", "S3", "RSTO", "RSTR", "RSTOS0", "RSTRH", "SH", "SHR", "OTH")
END_REASONS = ("idle", "fin", "rst", "evicted", "flush")
VERDICTS = ("ok", "suspicious", "alert")
_NS = 1_000_000_000
_U64 = (1 << 64) - 1
_U32 = (1 << 32) - 1
_MAPPED = b"\0" * 10 + b"\xff\xff"
_TCP_FIN, _TCP_SYN, _TCP_RST, _TCP_ACK = 0x01, 0x02, 0x04, 0x10

_u8, _u16, _u32, _u64 = ctypes.c_uint8, ctypes.c_uint16, ctypes.c_uint32, ctypes.c_uint64
_sz, _dbl, _int, _vp = ctypes.c_size_t, ctypes.c_double, ctypes.c_int, ctypes.c_void_p
_cp = ctypes.c_char_p
_A16 = _u8 * 16


# ------------------------------------------------- ctypes mirrors (C order)
class _Config(ctypes.Structure):
    """c2d_hosts_config."""
    _fields_ = [("size", _sz), ("max_hosts", _u32), ("max_pairs_per_host", _u32),
                ("memory_budget", _sz), ("window_ns", _u64), ("beacon_min_attempts", _u32),
                ("beacon_merge_ns", _u64), ("beacon_threshold", _dbl),
                ("fanout_min_destinations", _u32), ("fanout_window_ns", _u64),
                ("dga_min_names", _u32), ("nxdomain_min", _u32), ("nxdomain_window_ns", _u64),
                ("alert_threshold", _dbl), ("suspicious_threshold", _dbl),
                ("dga", _vp), ("http", _vp), ("ioc", _vp), ("geo", _vp), ("builtin_models", _int),
                ("new_domain_days", _u32)]


class _Session(ctypes.Structure):
    """c2d_session (include/c2detect/flow.h)."""
    _fields_ = [("size", _sz), ("ip_version", _u8), ("proto", _u8), ("orig_tcp_flags", _u8),
                ("resp_tcp_flags", _u8), ("orig_h", _A16), ("resp_h", _A16), ("orig_p", _u16),
                ("resp_p", _u16), ("ts_ns", _u64), ("last_ns", _u64), ("duration", _dbl),
                ("orig_pkts", _u64), ("resp_pkts", _u64), ("orig_bytes", _u64), ("resp_bytes", _u64),
                ("orig_ip_bytes", _u64), ("resp_ip_bytes", _u64), ("orig_data_pkts", _u64),
                ("resp_data_pkts", _u64), ("orig_min_payload", _u32), ("orig_max_payload", _u32),
                ("resp_min_payload", _u32), ("resp_max_payload", _u32), ("orig_mean_payload", _dbl),
                ("resp_mean_payload", _dbl), ("conn_state", _int), ("end_reason", _int),
                ("local_orig", _int), ("local_resp", _int), ("counted", _int),
                ("avg_payload_len", _dbl), ("in_out_ratio", _dbl), ("orig_prefix", _vp),
                ("orig_prefix_len", _u32), ("resp_prefix", _vp), ("resp_prefix_len", _u32)]


class _DnsAddr(ctypes.Structure):
    _fields_ = [("ip_version", _u8), ("addr", _A16), ("ttl", _u32)]


class _DnsMessage(ctypes.Structure):
    """c2d_dns_message (include/c2detect/dns.h)."""
    _fields_ = [("size", _sz), ("id", _u16), ("flags", _u16), ("is_response", _u8), ("opcode", _u8),
                ("rcode", _u8), ("truncated", _u8), ("qdcount", _u16), ("ancount", _u16),
                ("nscount", _u16), ("arcount", _u16), ("qtype", _u16), ("qclass", _u16),
                ("qname_len", _u32), ("qname", ctypes.c_char * DNS_NAME_BUF), ("n_addrs", _u32),
                ("addrs", _DnsAddr * DNS_MAX_ADDRS)]


class _DnsEvent(ctypes.Structure):
    """c2d_dns_event (include/c2detect/flow.h)."""
    _fields_ = [("size", _sz), ("ts_ns", _u64), ("ip_version", _u8), ("transport", _u8),
                ("client_port", _u16), ("client_addr", _A16), ("server_addr", _A16),
                ("message", ctypes.POINTER(_DnsMessage))]


class _HttpEvent(ctypes.Structure):
    """c2d_http_event."""
    _fields_ = [("size", _sz), ("ts_ns", _u64), ("client_addr", _A16), ("server_addr", _A16),
                ("server_port", _u16), ("header", _vp), ("header_len", _sz), ("host", _vp),
                ("host_len", _sz), ("uri", _vp), ("uri_len", _sz)]


class _HostReport(ctypes.Structure):
    """c2d_host_report."""
    _fields_ = [("size", _sz), ("addr", _A16), ("score", _dbl), ("verdict", _int),
                ("first_ns", _u64), ("last_ns", _u64), ("sessions", _u64), ("dns_responses", _u64),
                ("http_requests", _u64), ("n_evidence", _u32), ("pairs", _u32),
                ("pairs_evicted", _u64)]


class _Evidence(ctypes.Structure):
    """c2d_evidence."""
    _fields_ = [("size", _sz), ("kind", _int), ("weight", _dbl), ("score", _dbl), ("has_dst", _int),
                ("dst_addr", _A16), ("dst_port", _u16), ("name", _cp), ("count", _u64),
                ("first_ns", _u64), ("last_ns", _u64), ("interval_s", _dbl), ("interval_mad_s", _dbl),
                ("skew_score", _dbl), ("dispersion_score", _dbl), ("size_score", _dbl),
                ("coverage_score", _dbl), ("attempts_no_payload", _u64), ("via", _cp),
                ("indicator", _cp), ("family", _cp), ("source", _cp), ("examples", _cp),
                ("distinct", _u64)]


_STATS_COUNTERS = ("sessions", "dns_events", "http_events", "not_local", "http_not_request",
                   "hosts_created", "hosts_tracked", "hosts_evicted", "hosts_aged_out",
                   "pairs_created", "pairs_tracked", "pairs_evicted_cap", "pairs_evicted_budget",
                   "pairs_with_host", "pairs_aged_out", "pairs_refused", "inputs_refused",
                   "names_dropped", "ioc_hits_dropped", "allowed_evidence")


class _Stats(ctypes.Structure):
    """c2d_hosts_stats."""
    _fields_ = ([("size", _sz)] + [(n, _u64) for n in _STATS_COUNTERS]
                + [("memory_bytes", _sz), ("memory_budget", _sz)])


# All C structures mirrored here, for the layout test (tests compile a C probe).
C_STRUCTS = {"c2d_hosts_config": _Config, "c2d_session": _Session, "c2d_dns_message": _DnsMessage,
             "c2d_dns_event": _DnsEvent, "c2d_http_event": _HttpEvent,
             "c2d_host_report": _HostReport, "c2d_evidence": _Evidence, "c2d_hosts_stats": _Stats}

_FUNCS = None


class _Funcs:
    """Private function objects of the package's library (lib[name] makes a new
    one each time), so the signatures here never clash with another module's."""

    def __init__(self, h):
        S, P = _int, ctypes.POINTER
        decl = {
            "c2d_hosts_config_default": (None, [P(_Config)]),
            "c2d_hosts_new": (S, [P(_Config), _vp, P(_vp)]),
            "c2d_hosts_free": (None, [_vp]),
            "c2d_hosts_add_local_net": (S, [_vp, _cp]),
            "c2d_hosts_allow": (S, [_vp, _cp]),
            "c2d_hosts_domain_registered": (S, [_vp, _cp, ctypes.c_int64]),
            "c2d_hosts_add_session": (S, [_vp, P(_Session)]),
            "c2d_hosts_add_dns": (S, [_vp, P(_DnsEvent)]),
            "c2d_hosts_add_http": (S, [_vp, P(_HttpEvent)]),
            "c2d_hosts_rank": (S, [_vp, _int, P(_sz)]),
            "c2d_hosts_host": (S, [_vp, _sz, P(_HostReport)]),
            "c2d_hosts_evidence": (S, [_vp, _sz, _sz, P(_Evidence)]),
            "c2d_hosts_strengths": (S, [_vp, _sz, P(_dbl), _sz]),
            "c2d_hosts_stats_get": (S, [_vp, P(_Stats)]),
            "c2d_addr_parse": (S, [_cp, _A16]),
            "c2d_addr_format": (S, [_A16, ctypes.c_char_p, _sz]),
        }
        self.lib = h
        for name, (res, args) in decl.items():
            f = h[name]
            f.restype = res
            f.argtypes = args
            setattr(self, name, f)


def _h() -> _Funcs:
    """The host engine's functions of the package's library (lib.lib())."""
    global _FUNCS
    h = lib()
    if _FUNCS is None or _FUNCS.lib is not h:
        _FUNCS = _Funcs(h)
    return _FUNCS


# ------------------------------------------------------------- conversions
_ADDR_CACHE: Dict[str, bytes] = {}


def _addr16(v: Any, what: str) -> bytes:
    """16-byte address (IPv4 mapped) from text, an ipaddress object or raw bytes."""
    if isinstance(v, str):
        a = _ADDR_CACHE.get(v)
        if a is None:
            buf = _A16()
            if "\0" in v or _h().c2d_addr_parse(v.encode("ascii", "replace"), buf) != 0:
                raise ValueError(f"{what}: not an IP address: {v!r}")
            a = bytes(buf)
            if len(_ADDR_CACHE) >= 65536:
                _ADDR_CACHE.clear()
            _ADDR_CACHE[v] = a
        return a
    if isinstance(v, ipaddress.IPv4Address):
        return _MAPPED + v.packed
    if isinstance(v, ipaddress.IPv6Address):
        return v.packed
    if isinstance(v, (bytes, bytearray, memoryview)):
        b = bytes(v)
        if len(b) == 4:
            return _MAPPED + b
        if len(b) == 16:
            return b
        raise ValueError(f"{what}: raw address must be 4 or 16 bytes, not {len(b)}")
    raise TypeError(f"{what}: expected an address (str, ipaddress, bytes), not {type(v).__name__}")


def _addr_text(a) -> str:
    buf = ctypes.create_string_buffer(64)
    check(_h().c2d_addr_format(a, buf, len(buf)), "address")
    return buf.value.decode("ascii")


def _dst_text(a, port: int) -> str:
    t = _addr_text(a)
    return f"[{t}]:{port}" if ":" in t else f"{t}:{port}"


def _uint(v: Any, what: str, top: int = _U64) -> int:
    if isinstance(v, bool) or not isinstance(v, int):
        try:
            import numpy as np  # numpy integers from pandas frames
            if isinstance(v, np.integer):
                v = int(v)
            else:
                raise TypeError
        except (ImportError, TypeError):
            raise TypeError(f"{what}: expected an integer, not {type(v).__name__}") from None
    if v < 0 or v > top:
        raise ValueError(f"{what}: {v} is outside 0..{top}")
    return v


def _real(v: Any, what: str, nonneg: bool = True) -> float:
    if isinstance(v, bool) or not isinstance(v, (int, float)):
        try:
            v = float(v)  # numpy floats, Decimal
        except (TypeError, ValueError):
            raise TypeError(f"{what}: expected a number, not {type(v).__name__}") from None
    v = float(v)
    if math.isnan(v) or (nonneg and v < 0) or math.isinf(v):
        raise ValueError(f"{what}: {v} is not a {'non-negative ' if nonneg else ''}finite number")
    return v


def _time_ns(ts: Any, ts_ns: Any, what: str) -> int:
    """Nanoseconds since the epoch from `ts_ns` (int) or `ts` (seconds or datetime)."""
    if ts_ns is not None:
        if ts is not None:
            raise TypeError(f"{what}: give ts or ts_ns, not both")
        return _uint(ts_ns, f"{what} ts_ns")
    if ts is None:
        raise TypeError(f"{what}: a time (ts or ts_ns) is required")
    if isinstance(ts, _dt.datetime):
        if ts.tzinfo is None:
            raise ValueError(f"{what}: a naive datetime has no time zone; use an aware one")
        d = ts - _dt.datetime(1970, 1, 1, tzinfo=_dt.timezone.utc)
        return _uint((d.days * 86400 + d.seconds) * _NS + d.microseconds * 1000, f"{what} ts")
    if isinstance(ts, int) and not isinstance(ts, bool):
        return _uint(ts * _NS, f"{what} ts")
    return _uint(round(_real(ts, f"{what} ts") * 1e9), f"{what} ts")


def _seconds_ns(v: Any, what: str) -> int:
    return _uint(round(_real(v, what) * 1e9), what)


def _opt_bytes(v: Any, what: str) -> Optional[bytes]:
    if v is None:
        return None
    if isinstance(v, str):
        return v.encode("utf-8", "surrogateescape")
    if isinstance(v, (bytes, bytearray, memoryview)):
        return bytes(v)
    raise TypeError(f"{what}: expected bytes or str, not {type(v).__name__}")


def _qname(name: Any) -> bytes:
    """A name in the form of c2d_dns_message.qname: lower case, no trailing dot,
    bytes outside '!'..'~' and the backslash written as \\DDD."""
    if isinstance(name, str):
        raw = name.encode("utf-8", "surrogateescape")
    elif isinstance(name, (bytes, bytearray, memoryview)):
        raw = bytes(name)
    else:
        raise TypeError(f"name: expected str or bytes, not {type(name).__name__}")
    if raw.endswith(b"."):
        raw = raw[:-1]
    out = bytearray()
    for c in raw:
        if 0x41 <= c <= 0x5A:
            c += 32
        if c < 0x21 or c > 0x7E or c == 0x5C:
            out += b"\\%03d" % c
        else:
            out.append(c)
    if len(out) >= DNS_NAME_BUF:
        raise ValueError(f"name: {len(out)} bytes in presentation form, at most {DNS_NAME_BUF - 1}")
    return bytes(out)


def _history_flags(history: str):
    """(orig flags, resp flags, orig control kinds, resp control kinds) from a Zeek
    history string, by the rules of the Zeek readers (docs/zeek.md)."""
    fl, seen = [0, 0], [0, 0]
    for ch in history:
        d = 1 if ch.islower() else 0
        up = ch.upper()
        if up == "S":
            fl[d] |= _TCP_SYN
            seen[d] |= 1
        elif up == "H":
            fl[d] |= _TCP_SYN | _TCP_ACK
            seen[d] |= 1
        elif up == "A":
            fl[d] |= _TCP_ACK
            seen[d] |= 2
        elif up == "F":
            fl[d] |= _TCP_FIN
            seen[d] |= 4
        elif up == "R":
            fl[d] |= _TCP_RST
            seen[d] |= 8
    return fl[0], fl[1], bin(seen[0]).count("1"), bin(seen[1]).count("1")


def _enum_index(v: Any, names: Sequence[str], what: str) -> int:
    if isinstance(v, str):
        if v not in names:
            raise ValueError(f"{what}: {v!r} is not one of {', '.join(names)}")
        return names.index(v)
    i = _uint(v, what, len(names) - 1)
    return i


# ------------------------------------------------------------------ inputs
@dataclasses.dataclass
class Session:
    """An ended session (attempt) as the host engine takes it (c2d_session).

    Derived fields left None are computed as the flow table and the Zeek
    readers do: data packets from `history` (or all packets when there is no
    history), counted / avg_payload_len / in_out_ratio from the bytes, the
    local flags from the engine's local networks, last_ns from the duration."""
    orig_h: Any
    orig_p: int
    resp_h: Any
    resp_p: int
    ts: Any = None                   # seconds since the epoch, or an aware datetime
    ts_ns: Optional[int] = None      # or nanoseconds (exact)
    proto: Any = 6                   # 6 / "tcp" or 17 / "udp"
    orig_bytes: int = 0
    resp_bytes: int = 0
    orig_pkts: int = 0
    resp_pkts: int = 0
    conn_state: Any = "OTH"          # Zeek name or c2d_conn_state value
    duration: float = 0.0            # seconds
    history: Optional[str] = None    # Zeek history (flags and data packets from it)
    orig_ip_bytes: int = 0
    resp_ip_bytes: int = 0
    orig_data_pkts: Optional[int] = None
    resp_data_pkts: Optional[int] = None
    orig_tcp_flags: Optional[int] = None
    resp_tcp_flags: Optional[int] = None
    local_orig: Optional[int] = None
    local_resp: Optional[int] = None
    end_reason: Any = None           # name or value; None: from conn_state as the Zeek reader does
    orig_prefix: Optional[bytes] = None  # the originator's first payload bytes (HTTP request, TLS ClientHello)
    resp_prefix: Optional[bytes] = None  # the responder's (TLS ServerHello, Certificate)


_SESSION_FIELDS = tuple(f.name for f in dataclasses.fields(Session))
_SESSION_EXTRA = ("last_ns", "ip_version", "orig_min_payload", "orig_max_payload", "resp_min_payload",
                  "resp_max_payload", "orig_mean_payload", "resp_mean_payload", "counted",
                  "avg_payload_len", "in_out_ratio")
# derived fields the binding always computes itself (as the flow table does), even
# when the object carries them: they must agree with the fields they come from
_SESSION_ACCEPTED = frozenset(_SESSION_FIELDS + _SESSION_EXTRA)


def _data_pkts(proto: int, nbytes: int, pkts: int, ctl: int) -> int:
    if not nbytes:
        return 0
    if proto != 6:
        return pkts or 1
    return max(pkts - ctl, 0) or 1


# ------------------------------------------------------------------ report
@dataclasses.dataclass
class Evidence:
    """One evidence item (c2d_evidence). Strings the library leaves empty are None."""
    kind: str
    weight: float                    # its part of the host score
    score: float                     # the detector's strength in [0, 1]
    dst: Optional[str]               # "ip:port" ("[v6]:port") when the item has a destination
    dst_addr: Optional[str]
    dst_port: int                    # 0 when not applicable
    name: Optional[str]
    count: int
    first: Optional[float]           # seconds since the epoch; None when not applicable
    last: Optional[float]
    first_ns: int
    last_ns: int
    interval_s: float
    interval_mad_s: float
    skew_score: float
    dispersion_score: float
    size_score: float
    coverage_score: float
    attempts_no_payload: int
    via: Optional[str]
    indicator: Optional[str]
    family: Optional[str]
    source: Optional[str]
    examples: Optional[str]
    distinct: int


@dataclasses.dataclass
class Host:
    """One ranked host (c2d_host_report) with its evidence, strongest first."""
    addr: str
    score: float
    verdict: str
    first: float
    last: float
    first_ns: int
    last_ns: int
    sessions: int
    dns_responses: int
    http_requests: int
    pairs: int
    pairs_evicted: int
    evidence: List[Evidence]
    strengths: Optional[Dict[str, float]] = None  # fusion inputs per kind (report(strengths=True))


class Report(list):
    """The ranked hosts (a list of Host) with table conversions."""

    def to_pandas(self, evidence: bool = False):
        """A pandas DataFrame: one row per host, or with evidence=True one row per
        evidence item (host columns prefixed "host_"). Needs pandas."""
        try:
            import pandas as pd
        except ImportError as e:
            raise ImportError("Report.to_pandas needs pandas (pip install pandas)") from e
        if not evidence:
            rows = []
            for h in self:
                d = dataclasses.asdict(h)
                d["evidence"] = ",".join(e.kind for e in h.evidence)
                d.pop("strengths")
                rows.append(d)
            cols = [f.name for f in dataclasses.fields(Host) if f.name != "strengths"]
            return pd.DataFrame(rows, columns=cols)
        rows = []
        hcols = ["addr", "score", "verdict"]
        for h in self:
            for e in h.evidence:
                d = {"host_" + c: getattr(h, c) for c in hcols}
                d.update(dataclasses.asdict(e))
                rows.append(d)
        cols = ["host_" + c for c in hcols] + [f.name for f in dataclasses.fields(Evidence)]
        return pd.DataFrame(rows, columns=cols)


def _text(b: Optional[bytes]) -> Optional[str]:
    return b.decode("utf-8", "replace") if b else None


# ------------------------------------------------------------------ engine
_CONFIG_FIELDS = {n for n, _ in _Config._fields_} - {"size", "dga", "http", "ioc", "geo", "builtin_models"}
_SECONDS = {"window_s": "window_ns", "beacon_merge_s": "beacon_merge_ns",
            "fanout_window_s": "fanout_window_ns", "nxdomain_window_s": "nxdomain_window_ns"}
_BORROWED = ("dga", "http", "ioc", "geo")


def _handle_of(obj: Any, what: str) -> Optional[int]:
    """The C handle of a binding object (Model, dga_detect.Ensemble, GeoDB, an IOC
    store), a ctypes pointer or an address; None for None."""
    if obj is None:
        return None
    for attr in ("handle", "_handle", "_h"):
        if hasattr(obj, attr) and not isinstance(obj, (int, ctypes.c_void_p)):
            obj = getattr(obj, attr)
            break
    if isinstance(obj, ctypes.c_void_p):
        obj = obj.value
    if isinstance(obj, int) and not isinstance(obj, bool) and obj > 0:
        return obj
    raise TypeError(f"{what}: expected a loaded handle (or None), not {type(obj).__name__}")


class Engine:
    """A c2d_hosts engine. `config` is a dict of the keyword arguments below
    (both may be given; keywords win). Keywords mirror c2d_hosts_config:
    max_hosts, max_pairs_per_host, memory_budget, window_ns (or window_s),
    beacon_min_attempts, beacon_merge_ns (_s), beacon_threshold,
    fanout_min_destinations, fanout_window_ns (_s), dga_min_names,
    nxdomain_min, nxdomain_window_ns (_s), alert_threshold,
    suspicious_threshold; the borrowed handles dga (dga_detect.Ensemble),
    http (lib.Model), ioc (an IOC store handle), geo (geo.GeoDB); and
    builtin_models (True: the built-in DGA and HTTP models for those not
    given). Omitted settings take the library's defaults."""

    def __init__(self, config: Optional[Dict[str, Any]] = None, **kw):
        if config is not None and not isinstance(config, dict):
            raise TypeError(f"config: expected a dict or None, not {type(config).__name__}")
        opts = dict(config or {})
        opts.update(kw)
        h = _h()
        cfg = _Config()
        h.c2d_hosts_config_default(ctypes.byref(cfg))
        self._keep = {}
        for key, v in opts.items():
            if key in _SECONDS:
                target = _SECONDS[key]
                if target in opts:
                    raise TypeError(f"give {key} or {target}, not both")
                setattr(cfg, target, _seconds_ns(v, key))
            elif key in _CONFIG_FIELDS:
                ctype = dict(_Config._fields_)[key]
                if ctype is _dbl:
                    setattr(cfg, key, _real(v, key))
                else:
                    setattr(cfg, key, _uint(v, key, _U32 if ctype is _u32 else _U64))
            elif key in _BORROWED:
                hv = _handle_of(v, key)
                setattr(cfg, key, hv)
                if hv is not None:
                    self._keep[key] = v  # borrowed: must outlive the engine
            elif key == "builtin_models":
                if not isinstance(v, (bool, int)):
                    raise TypeError(f"builtin_models: expected a bool, not {type(v).__name__}")
                cfg.builtin_models = 1 if v else 0
            else:
                raise TypeError(f"Engine: unknown setting {key!r}")
        self._h = None
        out = _vp()
        check(h.c2d_hosts_new(ctypes.byref(cfg), None, ctypes.byref(out)), "host engine")
        self._h = out
        self.config = {n: getattr(cfg, n) for n, _ in _Config._fields_
                       if n not in ("size",) + _BORROWED}
        self._nets: List[tuple] = []  # (address as int, prefix bits over 128) of add_local_net
        self._py = {"dns_answers_not_address": 0, "dns_answers_over_cap": 0}
        self._sess = _Session()
        self._dns_msg = _DnsMessage()
        self._dns_ev = _DnsEvent()
        self._http = _HttpEvent()

    # ------------------------------------------------------------ life
    def close(self) -> None:
        """Free the engine (also at garbage collection); later calls raise ValueError."""
        if getattr(self, "_h", None):
            _h().c2d_hosts_free(self._h)
            self._h = None

    def __del__(self):
        try:
            self.close()
        except Exception:
            pass

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        self.close()

    def _handle(self):
        if not self._h:
            raise ValueError("the engine is closed")
        return self._h

    # ------------------------------------------------------------ setup
    def add_local_net(self, cidr: str) -> None:
        """An internal network ("10.0.0.0/8", "2001:db8::/32"); while none is
        added, the private ranges are local (hosts.h lists them)."""
        if not isinstance(cidr, str):
            raise TypeError(f"cidr: expected str, not {type(cidr).__name__}")
        check(_h().c2d_hosts_add_local_net(self._handle(), cidr.encode("utf-8", "replace")), cidr)
        text, _, bits = cidr.partition("/")
        a = _addr16(text, "cidr")
        v4 = ":" not in text
        b = int(bits) if bits else (32 if v4 else 128)
        self._nets.append((int.from_bytes(a, "big"), 96 + b if v4 else b))

    def allow(self, pattern: str) -> None:
        """Allow-list an address, a CIDR range, a domain (and every name below it)
        or "*.domain"; applied when the report is made."""
        if not isinstance(pattern, str):
            raise TypeError(f"pattern: expected str, not {type(pattern).__name__}")
        check(_h().c2d_hosts_allow(self._handle(), pattern.encode("utf-8", "surrogateescape")), pattern)

    def domain_registered(self, domain: str, registered: float) -> None:
        """Tell the engine when `domain` was registered (Unix seconds): later names
        under it, looked up within new_domain_days, are new_domain evidence."""
        if not isinstance(domain, str):
            raise TypeError(f"domain: expected str, not {type(domain).__name__}")
        if not isinstance(registered, (int, float)) or isinstance(registered, bool) or registered <= 0:
            raise ValueError("registered: expected Unix seconds > 0")
        check(_h().c2d_hosts_domain_registered(self._handle(), domain.encode("utf-8", "surrogateescape"),
                                               int(registered)), domain)

    def is_local(self, addr: Any) -> bool:
        """Whether the engine counts `addr` as internal (the rule of hosts.h)."""
        return self._is_local(_addr16(addr, "addr"))

    def _is_local(self, a: bytes) -> bool:
        if self._nets:
            x = int.from_bytes(a, "big")
            return any((x ^ net) >> (128 - bits) == 0 if bits else True for net, bits in self._nets)
        if a[:12] == _MAPPED:
            v = a[12:]
            return (v[0] == 10 or (v[0] == 172 and (v[1] & 0xF0) == 16) or (v[0] == 192 and v[1] == 168)
                    or (v[0] == 100 and (v[1] & 0xC0) == 64) or (v[0] == 169 and v[1] == 254))
        return (a[0] & 0xFE) == 0xFC or (a[0] == 0xFE and (a[1] & 0xC0) == 0x80)

    # ----------------------------------------------------------- inputs
    def add_session(self, session: Any = None, /, **kw) -> None:
        """Add one ended session or attempt: a Session, an object with the same
        field names (c2detect.zeek.Session), or keyword arguments."""
        if session is not None:
            if kw:
                raise TypeError("add_session: give a session object or keyword arguments, not both")
            if isinstance(session, dict):
                kw = dict(session)
            else:
                kw = {n: getattr(session, n) for n in _SESSION_ACCEPTED if hasattr(session, n)}
                session = None
        if session is None or isinstance(session, dict):
            unknown = set(kw) - _SESSION_ACCEPTED
            if unknown:
                raise TypeError(f"add_session: unknown field(s) {', '.join(sorted(unknown))}")
        g = kw.get
        for req in ("orig_h", "orig_p", "resp_h", "resp_p"):
            if g(req) is None:
                raise TypeError(f"add_session: {req} is required")
        s = self._sess
        ctypes.memset(ctypes.addressof(s), 0, ctypes.sizeof(s))
        s.size = ctypes.sizeof(s)
        proto = g("proto", 6)
        if isinstance(proto, str):
            if proto not in ("tcp", "udp"):
                raise ValueError(f"proto: {proto!r} is not 'tcp' or 'udp'")
            proto = 6 if proto == "tcp" else 17
        elif _uint(proto, "proto", 255) not in (6, 17):
            raise ValueError(f"proto: {proto} is not 6 (TCP) or 17 (UDP)")
        oh, rh = _addr16(g("orig_h"), "orig_h"), _addr16(g("resp_h"), "resp_h")
        ts = _time_ns(g("ts"), g("ts_ns"), "session")
        s.ip_version = 4 if oh[:12] == _MAPPED else 6
        s.proto = proto
        s.orig_h[:] = oh
        s.resp_h[:] = rh
        s.orig_p = _uint(g("orig_p"), "orig_p", 65535)
        s.resp_p = _uint(g("resp_p"), "resp_p", 65535)
        s.ts_ns = ts
        last = g("last_ns")
        if last is not None:
            last = _uint(last, "last_ns")
            if last < ts:
                raise ValueError("last_ns is before the start time")
        else:
            dur_ns = _seconds_ns(g("duration") or 0.0, "duration")
            if dur_ns > _U64 - ts:
                raise ValueError("ts + duration overflows")
            last = ts + dur_ns
        s.last_ns = last
        s.duration = (last - ts) / 1e9  # as the flow table and the Zeek readers write it
        ob, rb = _uint(g("orig_bytes") or 0, "orig_bytes"), _uint(g("resp_bytes") or 0, "resp_bytes")
        opk, rpk = _uint(g("orig_pkts") or 0, "orig_pkts"), _uint(g("resp_pkts") or 0, "resp_pkts")
        s.orig_bytes, s.resp_bytes, s.orig_pkts, s.resp_pkts = ob, rb, opk, rpk
        s.orig_ip_bytes = _uint(g("orig_ip_bytes") or 0, "orig_ip_bytes")
        s.resp_ip_bytes = _uint(g("resp_ip_bytes") or 0, "resp_ip_bytes")
        hist = g("history")
        if hist is not None and not isinstance(hist, str):
            raise TypeError(f"history: expected str, not {type(hist).__name__}")
        of, rf, octl, rctl = _history_flags(hist or "") if proto == 6 else (0, 0, 0, 0)
        s.orig_tcp_flags = _uint(g("orig_tcp_flags"), "orig_tcp_flags", 255) if g("orig_tcp_flags") is not None else of
        s.resp_tcp_flags = _uint(g("resp_tcp_flags"), "resp_tcp_flags", 255) if g("resp_tcp_flags") is not None else rf
        odp = g("orig_data_pkts")
        rdp = g("resp_data_pkts")
        odp = _uint(odp, "orig_data_pkts") if odp is not None else _data_pkts(proto, ob, opk, octl)
        rdp = _uint(rdp, "resp_data_pkts") if rdp is not None else _data_pkts(proto, rb, rpk, rctl)
        s.orig_data_pkts, s.resp_data_pkts = odp, rdp
        for f in ("orig_min_payload", "orig_max_payload", "resp_min_payload", "resp_max_payload"):
            if g(f) is not None:
                setattr(s, f, _uint(g(f), f, _U32))
        s.orig_mean_payload = ob / odp if odp else 0.0
        s.resp_mean_payload = rb / rdp if rdp else 0.0
        state = _enum_index(g("conn_state") if g("conn_state") is not None else "OTH",
                            CONN_STATES, "conn_state")
        s.conn_state = state
        er = g("end_reason")
        if er is None:
            name = CONN_STATES[state]
            er = 1 if name == "SF" else 2 if name in ("REJ", "RSTO", "RSTR", "RSTOS0", "RSTRH") else 0
        s.end_reason = _enum_index(er, END_REASONS, "end_reason")
        lo, lr = g("local_orig"), g("local_resp")
        s.local_orig = int(bool(lo)) if lo is not None else int(self._is_local(oh))
        s.local_resp = int(bool(lr)) if lr is not None else int(self._is_local(rh))
        total = min(ob + rb, _U64)
        dp = odp + rdp
        s.counted = int(total >= 1)
        s.avg_payload_len = float(total) / float(dp) if dp else 0.0
        s.in_out_ratio = (float(rb) + 1.0) / (float(ob) + 1.0)
        op, rp = _opt_bytes(g("orig_prefix"), "orig_prefix"), _opt_bytes(g("resp_prefix"), "resp_prefix")
        keep = []
        for pfx, ptr, ln in ((op, "orig_prefix", "orig_prefix_len"), (rp, "resp_prefix", "resp_prefix_len")):
            if pfx:
                if len(pfx) > _U32:
                    raise ValueError(f"{ptr}: too long")
                buf = ctypes.create_string_buffer(pfx, len(pfx))
                keep.append(buf)
                setattr(s, ptr, ctypes.addressof(buf))
                setattr(s, ln, len(pfx))
        check(_h().c2d_hosts_add_session(self._handle(), ctypes.byref(s)), "session")

    def add_sessions(self, sessions: Iterable[Any]) -> int:
        """add_session for each item (Session objects or dicts); returns how many."""
        n = 0
        for x in sessions:
            self.add_session(x)
            n += 1
        return n

    def add_dns(self, ts: Any = None, client: Any = None, name: Any = None,
                rcode: int = 0, answers: Iterable[Any] = (), *, ts_ns: Optional[int] = None,
                server: Any = None, client_port: int = 0, transport: Any = 17, qtype: int = 1,
                is_response: bool = True) -> None:
        """Add a DNS response seen by `client`: query `name`, `rcode` (3 = NXDOMAIN)
        and its A/AAAA `answers` (addresses, or (address, ttl) pairs; other
        strings, e.g. CNAME targets, are not addresses and are counted in
        stats()["dns_answers_not_address"]; answers past 16 are counted in
        "dns_answers_over_cap", as the DNS parser does). A c2detect.zeek.DnsEvent
        may be given in place of `ts` (alone)."""
        if hasattr(ts, "qname"):
            event = ts
            ts, ts_ns = None, event.ts_ns
            client, server, name = event.client_addr, event.server_addr, event.qname
            rcode, client_port, transport = event.rcode, event.client_port, event.transport
            qtype, is_response = event.qtype, event.is_response
            answers = [(a[0], a[2]) for a in event.addrs]
        if client is None or name is None:
            raise TypeError("add_dns: client and name are required")
        ca = _addr16(client, "client")
        sa = _addr16(server, "server") if server is not None else bytes(16)
        if isinstance(transport, str):
            if transport not in ("udp", "tcp"):
                raise ValueError(f"transport: {transport!r} is not 'udp' or 'tcp'")
            transport = 17 if transport == "udp" else 6
        elif _uint(transport, "transport", 255) not in (6, 17):
            raise ValueError(f"transport: {transport} is not 17 (UDP) or 6 (TCP)")
        q = _qname(name)
        m = self._dns_msg
        ctypes.memset(ctypes.addressof(m), 0, ctypes.sizeof(m))
        m.size = ctypes.sizeof(m)
        m.is_response = 1 if is_response else 0
        rc = _uint(rcode, "rcode", 15)
        m.rcode = rc
        m.flags = (0x8000 if is_response else 0) | rc
        m.qdcount = 1
        m.qtype = _uint(qtype, "qtype", 65535)
        m.qclass = 1
        m.qname = q
        m.qname_len = len(q)
        if isinstance(answers, (str, bytes)):
            raise TypeError("answers: expected a list of addresses, not a single value")
        n = other = over = 0
        for item in answers:
            ttl = 0
            if isinstance(item, tuple):
                if len(item) != 2:
                    raise ValueError("answers: a tuple must be (address, ttl)")
                item, ttl = item
                ttl = _uint(ttl, "answer ttl", _U32)
            try:
                a = _addr16(item, "answer")
            except ValueError:
                if isinstance(item, str):
                    other += 1  # a CNAME or other name: not an address answer
                    continue
                raise
            if n >= DNS_MAX_ADDRS:
                over += 1
                continue
            m.addrs[n].ip_version = 4 if a[:12] == _MAPPED else 6
            m.addrs[n].addr[:] = a
            m.addrs[n].ttl = ttl
            n += 1
        m.n_addrs = n
        m.ancount = min(n + other + over, 65535)
        ev = self._dns_ev
        ctypes.memset(ctypes.addressof(ev), 0, ctypes.sizeof(ev))
        ev.size = ctypes.sizeof(ev)
        ev.ts_ns = _time_ns(ts, ts_ns, "dns")
        ev.ip_version = 4 if ca[:12] == _MAPPED else 6
        ev.transport = transport
        ev.client_port = _uint(client_port, "client_port", 65535)
        ev.client_addr[:] = ca
        ev.server_addr[:] = sa
        ev.message = ctypes.pointer(m)
        check(_h().c2d_hosts_add_dns(self._handle(), ctypes.byref(ev)), "dns")
        self._py["dns_answers_not_address"] += other
        self._py["dns_answers_over_cap"] += over

    def add_http(self, ts: Any = None, client: Any = None, server: Any = None,
                 port: int = 80, header: Optional[bytes] = None, host: Any = None, uri: Any = None, *,
                 ts_ns: Optional[int] = None) -> None:
        """Add one HTTP request: the raw header block (`header`, scored by the HTTP
        model only when it begins with a valid request line), or, as from a Zeek
        http.log, `host` and `uri` (IOC matching only). A c2detect.zeek.HttpEvent
        may be given in place of `ts` (alone)."""
        if hasattr(ts, "server_port"):
            event = ts
            ts, ts_ns = None, event.ts_ns
            client, server, port = event.client_addr, event.server_addr, event.server_port
            host, uri, header = event.host, event.uri, getattr(event, "header", None)
        if client is None or server is None:
            raise TypeError("add_http: client and server are required")
        if header is not None and not isinstance(header, (bytes, bytearray, memoryview)):
            raise TypeError(f"header: expected bytes, not {type(header).__name__}")
        ev = self._http
        ctypes.memset(ctypes.addressof(ev), 0, ctypes.sizeof(ev))
        ev.size = ctypes.sizeof(ev)
        ev.ts_ns = _time_ns(ts, ts_ns, "http")
        ev.client_addr[:] = _addr16(client, "client")
        ev.server_addr[:] = _addr16(server, "server")
        ev.server_port = _uint(port, "port", 65535)
        keep = []
        for val, ptr, ln in ((_opt_bytes(header, "header"), "header", "header_len"),
                             (_opt_bytes(host, "host"), "host", "host_len"),
                             (_opt_bytes(uri, "uri"), "uri", "uri_len")):
            if val is not None:
                buf = ctypes.create_string_buffer(val, len(val) + 1)  # NUL after, never read
                keep.append(buf)
                setattr(ev, ptr, ctypes.addressof(buf))
                setattr(ev, ln, len(val))
        check(_h().c2d_hosts_add_http(self._handle(), ctypes.byref(ev)), "http")

    # ----------------------------------------------------------- output
    def report(self, include_ok: bool = False, strengths: bool = False) -> Report:
        """Rank the hosts (c2d_hosts_rank) and copy the ranking out: hosts whose
        verdict is above ok (all tracked hosts with include_ok), most suspicious
        first. With strengths, each Host gets the fusion's inputs per kind."""
        h, eng = _h(), self._handle()
        n = _sz()
        check(h.c2d_hosts_rank(eng, 1 if include_ok else 0, ctypes.byref(n)), "ranking hosts")
        out = Report()
        r = _HostReport()
        e = _Evidence()
        for i in range(n.value):
            ctypes.memset(ctypes.addressof(r), 0, ctypes.sizeof(r))
            r.size = ctypes.sizeof(r)
            check(h.c2d_hosts_host(eng, i, ctypes.byref(r)), "host")
            items = []
            for k in range(r.n_evidence):
                ctypes.memset(ctypes.addressof(e), 0, ctypes.sizeof(e))
                e.size = ctypes.sizeof(e)
                check(h.c2d_hosts_evidence(eng, i, k, ctypes.byref(e)), "evidence")
                kind = EVIDENCE_KINDS[e.kind] if 0 < e.kind < len(EVIDENCE_KINDS) else "unknown"
                items.append(Evidence(
                    kind=kind, weight=e.weight, score=e.score,
                    dst=_dst_text(e.dst_addr, e.dst_port) if e.has_dst else None,
                    dst_addr=_addr_text(e.dst_addr) if e.has_dst else None, dst_port=e.dst_port,
                    name=_text(e.name), count=e.count,
                    first=e.first_ns / 1e9 if e.first_ns else None,
                    last=e.last_ns / 1e9 if e.first_ns else None,
                    first_ns=e.first_ns, last_ns=e.last_ns, interval_s=e.interval_s,
                    interval_mad_s=e.interval_mad_s, skew_score=e.skew_score,
                    dispersion_score=e.dispersion_score, size_score=e.size_score,
                    coverage_score=e.coverage_score, attempts_no_payload=e.attempts_no_payload,
                    via=_text(e.via), indicator=_text(e.indicator), family=_text(e.family),
                    source=_text(e.source), examples=_text(e.examples), distinct=e.distinct))
            x = None
            if strengths:
                arr = (_dbl * EVIDENCE_KIND_COUNT)()
                check(h.c2d_hosts_strengths(eng, i, arr, EVIDENCE_KIND_COUNT), "strengths")
                x = {EVIDENCE_KINDS[k]: arr[k] for k in range(1, EVIDENCE_KIND_COUNT)}
            out.append(Host(addr=_addr_text(r.addr), score=r.score,
                            verdict=VERDICTS[r.verdict] if 0 <= r.verdict < 3 else str(r.verdict),
                            first=r.first_ns / 1e9, last=r.last_ns / 1e9, first_ns=r.first_ns,
                            last_ns=r.last_ns, sessions=r.sessions, dns_responses=r.dns_responses,
                            http_requests=r.http_requests, pairs=r.pairs, pairs_evicted=r.pairs_evicted,
                            evidence=items, strengths=x))
        return out

    def stats(self) -> Dict[str, int]:
        """The engine's counters (c2d_hosts_stats) and the binding's own
        (dns_answers_not_address, dns_answers_over_cap)."""
        st = _Stats()
        st.size = ctypes.sizeof(st)
        check(_h().c2d_hosts_stats_get(self._handle(), ctypes.byref(st)), "stats")
        d = {n: getattr(st, n) for n, _ in _Stats._fields_ if n != "size"}
        d.update(self._py)
        return d
