"""Captures to sessions through libc2detect's flow table (include/c2detect/flow.h).

    from c2detect.flow import read_sessions
    sessions = read_sessions("capture.pcap")       # Sessions: a list of Session
    sessions.stats.frames, sessions.stats.malformed
    df = sessions.to_pandas()                      # needs pandas

A capture that is damaged part-way raises CaptureError, which carries the
sessions read before the damage (`.sessions`) and the byte offset (`.offset`);
pass strict=False to get them back with a warning instead.
"""
from __future__ import annotations

import ctypes
import dataclasses
import ipaddress
import os
import warnings
from dataclasses import dataclass

from .lib import C2DError, check, lib, read_maybe_gzip

C2D_CAPTURE_END = -90
_V4_MAPPED = b"\x00" * 10 + b"\xff\xff"


class _Frame(ctypes.Structure):
    _fields_ = [("size", ctypes.c_size_t), ("ts_ns", ctypes.c_uint64),
                ("linktype", ctypes.c_uint32), ("interface_id", ctypes.c_uint32),
                ("caplen", ctypes.c_uint32), ("wirelen", ctypes.c_uint32),
                ("data", ctypes.c_void_p)]


class _Settings(ctypes.Structure):
    _fields_ = [("size", ctypes.c_size_t), ("capacity", ctypes.c_uint32),
                ("payload_prefix_len", ctypes.c_uint32), ("tcp_idle_timeout_ns", ctypes.c_uint64),
                ("tcp_closed_timeout_ns", ctypes.c_uint64), ("udp_idle_timeout_ns", ctypes.c_uint64),
                ("hash_seed", ctypes.c_uint64 * 2), ("parse_dns", ctypes.c_int),
                ("memory_budget", ctypes.c_uint64), ("at_cap", ctypes.c_int)]  # since 0.2.0


# c2d_flow_settings_default() writes the library's whole struct, which may be
# larger than the one declared here (a newer library): give it room.
_SETTINGS_ROOM = 1024


class _Session(ctypes.Structure):
    _fields_ = [("size", ctypes.c_size_t), ("ip_version", ctypes.c_uint8), ("proto", ctypes.c_uint8),
                ("orig_tcp_flags", ctypes.c_uint8), ("resp_tcp_flags", ctypes.c_uint8),
                ("orig_h", ctypes.c_uint8 * 16), ("resp_h", ctypes.c_uint8 * 16),
                ("orig_p", ctypes.c_uint16), ("resp_p", ctypes.c_uint16),
                ("ts_ns", ctypes.c_uint64), ("last_ns", ctypes.c_uint64), ("duration", ctypes.c_double),
                ("orig_pkts", ctypes.c_uint64), ("resp_pkts", ctypes.c_uint64),
                ("orig_bytes", ctypes.c_uint64), ("resp_bytes", ctypes.c_uint64),
                ("orig_ip_bytes", ctypes.c_uint64), ("resp_ip_bytes", ctypes.c_uint64),
                ("orig_data_pkts", ctypes.c_uint64), ("resp_data_pkts", ctypes.c_uint64),
                ("orig_min_payload", ctypes.c_uint32), ("orig_max_payload", ctypes.c_uint32),
                ("resp_min_payload", ctypes.c_uint32), ("resp_max_payload", ctypes.c_uint32),
                ("orig_mean_payload", ctypes.c_double), ("resp_mean_payload", ctypes.c_double),
                ("conn_state", ctypes.c_int), ("end_reason", ctypes.c_int),
                ("local_orig", ctypes.c_int), ("local_resp", ctypes.c_int),
                ("counted", ctypes.c_int), ("avg_payload_len", ctypes.c_double),
                ("in_out_ratio", ctypes.c_double),
                ("orig_prefix", ctypes.POINTER(ctypes.c_uint8)), ("orig_prefix_len", ctypes.c_uint32),
                ("resp_prefix", ctypes.POINTER(ctypes.c_uint8)), ("resp_prefix_len", ctypes.c_uint32)]


class _Stats(ctypes.Structure):
    _fields_ = [("size", ctypes.c_size_t)] + [
        (n, ctypes.c_uint64) for n in (
            "frames", "packets", "truncated", "malformed", "unsupported", "fragments",
            "not_tcp_udp", "sessions_started", "sessions_ended", "sessions_evicted",
            "dns_messages", "dns_errors")] + [
        ("active", ctypes.c_uint32), ("capacity", ctypes.c_uint32), ("memory_bytes", ctypes.c_size_t)
    ] + [(n, ctypes.c_uint64) for n in (  # since 0.2.0
        "evicted_capacity", "evicted_memory", "dropped_packets", "prefix_dropped",
        "prefix_alloc_failed")] + [("memory_peak", ctypes.c_size_t), ("prefix_bytes", ctypes.c_size_t)]


_SESSION_FN = ctypes.CFUNCTYPE(None, ctypes.c_void_p, ctypes.POINTER(_Session))
_DECLARED = False
_NAMES = {}


def _h():
    global _DECLARED
    h = lib()
    if not _DECLARED:
        vp = ctypes.c_void_p
        h.c2d_capture_open_file.argtypes = [ctypes.c_char_p, vp, ctypes.POINTER(vp)]
        h.c2d_capture_open_memory.argtypes = [ctypes.c_char_p, ctypes.c_size_t, vp, ctypes.POINTER(vp)]
        h.c2d_capture_next.argtypes = [vp, ctypes.POINTER(_Frame)]
        h.c2d_capture_offset.argtypes = [vp]
        h.c2d_capture_offset.restype = ctypes.c_uint64
        h.c2d_capture_free.argtypes = [vp]
        h.c2d_capture_free.restype = None
        h.c2d_flow_settings_default.argtypes = [ctypes.POINTER(_Settings)]
        h.c2d_flow_settings_default.restype = None
        h.c2d_flowtable_new.argtypes = [ctypes.POINTER(_Settings), vp, ctypes.POINTER(vp)]
        h.c2d_flowtable_free.argtypes = [vp]
        h.c2d_flowtable_free.restype = None
        h.c2d_flowtable_add_local_net.argtypes = [vp, ctypes.c_char_p]
        h.c2d_flowtable_set_session_callback.argtypes = [vp, _SESSION_FN, vp]
        h.c2d_flowtable_set_session_callback.restype = None
        h.c2d_flowtable_add_frame.argtypes = [vp, ctypes.POINTER(_Frame)]
        h.c2d_flowtable_expire.argtypes = [vp, ctypes.c_uint64]
        h.c2d_flowtable_expire.restype = None
        h.c2d_flowtable_flush.argtypes = [vp]
        h.c2d_flowtable_flush.restype = None
        h.c2d_flowtable_stats.argtypes = [vp, ctypes.POINTER(_Stats)]
        h.c2d_session_classify.argtypes = [ctypes.POINTER(_Session), vp, ctypes.POINTER(ctypes.c_int)]
        for fn in ("c2d_session_class_name", "c2d_conn_state_name", "c2d_end_reason_name"):
            getattr(h, fn).argtypes = [ctypes.c_int]
            getattr(h, fn).restype = ctypes.c_char_p
        _DECLARED = True
    return h


def _name(fn: str, value: int) -> str:
    key = (fn, value)
    if key not in _NAMES:
        _NAMES[key] = getattr(_h(), fn)(value).decode()
    return _NAMES[key]


def format_addr(addr16: bytes) -> str:
    """16-byte address (IPv4 mapped) as text, as c2d_addr_format writes it."""
    if addr16[:12] == _V4_MAPPED:
        return ".".join(str(b) for b in addr16[12:])
    return ipaddress.IPv6Address(bytes(addr16)).compressed


@dataclass(frozen=True)
class Session:
    """An ended session (field names of Zeek's conn.log where one exists);
    `session_class` is the Fujitsu rule class (c2d_session_classify)."""
    ts: float
    duration: float
    proto: str
    ip_version: int
    orig_h: str
    orig_p: int
    resp_h: str
    resp_p: int
    orig_pkts: int
    resp_pkts: int
    orig_bytes: int
    resp_bytes: int
    orig_ip_bytes: int
    resp_ip_bytes: int
    orig_data_pkts: int
    resp_data_pkts: int
    orig_mean_payload: float
    resp_mean_payload: float
    conn_state: str
    end_reason: str
    local_orig: bool
    local_resp: bool
    counted: bool
    avg_payload_len: float
    in_out_ratio: float
    orig_tcp_flags: int
    resp_tcp_flags: int
    session_class: str
    orig_prefix: bytes = b""
    resp_prefix: bytes = b""


@dataclass(frozen=True)
class FlowStats:
    frames: int
    packets: int
    truncated: int
    malformed: int
    unsupported: int
    fragments: int
    not_tcp_udp: int
    sessions_started: int
    sessions_ended: int
    sessions_evicted: int
    dns_messages: int
    dns_errors: int
    evicted_capacity: int
    evicted_memory: int
    dropped_packets: int
    prefix_dropped: int
    memory_peak: int


class Sessions(list):
    """A list of Session with the table's counters (`stats`) and to_pandas()."""
    stats: FlowStats = None

    def to_pandas(self):
        import pandas as pd
        cols = [f.name for f in dataclasses.fields(Session)]
        return pd.DataFrame([dataclasses.astuple(s) for s in self], columns=cols)


class CaptureError(C2DError):
    """The capture is damaged at byte `offset`; `sessions` holds what was read."""

    def __init__(self, status, what, offset, sessions):
        super().__init__(status, f"{what} at byte {offset}")
        self.offset = offset
        self.sessions = sessions


def _gunzip(path, what):
    try:
        return read_maybe_gzip(path)
    except FileNotFoundError:
        return None  # the library reports it (C2D_ERR_IO) like any unreadable file
    except (OSError, EOFError) as e:  # a damaged .gz: loud, with the file's name
        raise CaptureError(-4, f"{what} (gzip: {e})", 0, Sessions()) from e


def _to_session(s: _Session) -> Session:
    cls = ctypes.c_int()
    check(_h().c2d_session_classify(ctypes.byref(s), None, ctypes.byref(cls)), "classify")
    return Session(
        ts=s.ts_ns / 1e9, duration=s.duration, proto={6: "tcp", 17: "udp"}.get(s.proto, str(s.proto)),
        ip_version=s.ip_version, orig_h=format_addr(bytes(s.orig_h)), orig_p=s.orig_p,
        resp_h=format_addr(bytes(s.resp_h)), resp_p=s.resp_p, orig_pkts=s.orig_pkts,
        resp_pkts=s.resp_pkts, orig_bytes=s.orig_bytes, resp_bytes=s.resp_bytes,
        orig_ip_bytes=s.orig_ip_bytes, resp_ip_bytes=s.resp_ip_bytes,
        orig_data_pkts=s.orig_data_pkts, resp_data_pkts=s.resp_data_pkts,
        orig_mean_payload=s.orig_mean_payload, resp_mean_payload=s.resp_mean_payload,
        conn_state=_name("c2d_conn_state_name", s.conn_state),
        end_reason=_name("c2d_end_reason_name", s.end_reason),
        local_orig=bool(s.local_orig), local_resp=bool(s.local_resp), counted=bool(s.counted),
        avg_payload_len=s.avg_payload_len, in_out_ratio=s.in_out_ratio,
        orig_tcp_flags=s.orig_tcp_flags, resp_tcp_flags=s.resp_tcp_flags,
        session_class=_name("c2d_session_class_name", cls.value),
        orig_prefix=ctypes.string_at(s.orig_prefix, s.orig_prefix_len) if s.orig_prefix_len else b"",
        resp_prefix=ctypes.string_at(s.resp_prefix, s.resp_prefix_len) if s.resp_prefix_len else b"")


def read_sessions(source, local_nets=(), payload_prefix_len: int = 0, capacity: int = 65536,
                  callback=None, strict: bool = True, memory_budget: int = 0,
                  drop_new_at_cap: bool = False) -> Sessions:
    """Every session of a pcap/pcapng capture (a path, or the file's bytes).

    `local_nets`: CIDR strings of the home networks (default: private ranges);
    `payload_prefix_len`: first payload bytes kept per direction (0..65536);
    `callback`: called with each Session as it ends (then they are not kept
    in the returned list unless the callback returns True);
    `memory_budget` (bytes, 0 = none) and `drop_new_at_cap` (keep tracked
    sessions instead of evicting the idle-longest) as c2d_flow_settings.
    Raises TypeError/ValueError for bad arguments, C2DError when the file cannot
    be opened, CaptureError for damage after the start (see the module doc)."""
    if not isinstance(capacity, int) or not 1 <= capacity <= (1 << 26):
        raise ValueError("capacity must be an int in 1..2**26")
    if not isinstance(payload_prefix_len, int) or not 0 <= payload_prefix_len <= 65536:
        raise ValueError("payload_prefix_len must be an int in 0..65536")
    if isinstance(local_nets, str):
        raise TypeError("local_nets must be a list of CIDR strings, not one string")
    if not isinstance(memory_budget, int) or memory_budget < 0:
        raise ValueError("memory_budget must be a non-negative int")
    if callback is not None and not callable(callback):
        raise TypeError("callback must be callable")
    h = _h()
    cap = ctypes.c_void_p()
    if isinstance(source, (bytes, bytearray, memoryview)):
        keep = bytes(source)
        check(h.c2d_capture_open_memory(keep, len(keep), None, ctypes.byref(cap)), "capture")
        what = "capture"
    elif isinstance(source, (str, os.PathLike)):
        what = os.fspath(source)
        keep = _gunzip(source, what)
        if keep is not None:  # a .pcap.gz: decompressed here, read from memory
            check(h.c2d_capture_open_memory(keep, len(keep), None, ctypes.byref(cap)), what)
        else:
            check(h.c2d_capture_open_file(os.fsencode(source), None, ctypes.byref(cap)), what)
    else:
        raise TypeError(f"source must be a path or bytes, not {type(source).__name__}")
    ft = ctypes.c_void_p()
    out = Sessions()
    errors = []

    def on_session(_user, sp):
        try:
            s = _to_session(sp.contents)
            if callback is None or callback(s):
                out.append(s)
        except BaseException as e:  # never unwind through C; re-raised below
            errors.append(e)

    fn = _SESSION_FN(on_session)
    try:
        room = ctypes.create_string_buffer(max(_SETTINGS_ROOM, ctypes.sizeof(_Settings)))
        st = _Settings.from_buffer(room)
        h.c2d_flow_settings_default(ctypes.byref(st))
        if st.size < ctypes.sizeof(_Settings) or st.size > len(room):
            raise C2DError(-6, f"flow settings of {st.size} bytes from the library")
        st.capacity = capacity
        st.payload_prefix_len = payload_prefix_len
        if memory_budget:
            st.memory_budget = memory_budget
        st.at_cap = 1 if drop_new_at_cap else 0
        check(h.c2d_flowtable_new(ctypes.byref(st), None, ctypes.byref(ft)), "flow table")
        for net in local_nets:
            b = net.encode() if isinstance(net, str) else net
            check(h.c2d_flowtable_add_local_net(ft, b), f"local net {net!r}")
        h.c2d_flowtable_set_session_callback(ft, fn, None)
        frame = _Frame(size=ctypes.sizeof(_Frame))
        pframe = ctypes.byref(frame)
        next_expire = 0
        status = 0
        while True:
            status = h.c2d_capture_next(cap, pframe)
            if status != 0:
                break
            h.c2d_flowtable_add_frame(ft, pframe)  # decode errors are counted in the stats
            if frame.ts_ns >= next_expire:
                h.c2d_flowtable_expire(ft, frame.ts_ns)
                next_expire = frame.ts_ns + 1_000_000_000
            if errors:
                break
        offset = h.c2d_capture_offset(cap)
        h.c2d_flowtable_flush(ft)
        if errors:
            raise errors[0]
        stats = _Stats(size=ctypes.sizeof(_Stats))
        check(h.c2d_flowtable_stats(ft, ctypes.byref(stats)), "stats")
        out.stats = FlowStats(**{f.name: int(getattr(stats, f.name))
                                 for f in dataclasses.fields(FlowStats)})
        if status != C2D_CAPTURE_END:
            err = CaptureError(status, what, offset, out)
            if strict:
                raise err
            warnings.warn(str(err), RuntimeWarning, stacklevel=2)
        return out
    finally:
        h.c2d_flowtable_free(ft)
        h.c2d_capture_free(cap)


__all__ = ["read_sessions", "Session", "Sessions", "FlowStats", "CaptureError", "format_addr"]
