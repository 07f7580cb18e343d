"""Indicator-of-compromise store through libc2detect (include/c2detect/ioc.h).

    from c2detect.ioc import IocDB
    db = IocDB()
    db.add("203.0.113.7:995", family="QakBot", threat_type="botnet_cc")
    report = db.load("threatfox.csv")        # LoadReport (counts, rejected line numbers)
    db.finalize()                            # read-only from here, shareable by threads
    db.match("203.0.113.7:995")              # [IocInfo, ...] best first
    db.match_ipv4(["203.0.113.7", ...], ports=[995, ...])   # one C call: best ids
"""
from __future__ import annotations

import ctypes
import os
from dataclasses import dataclass, field

from .lib import C2DError, as_bytes, check, ipv4_buffer, lib, read_maybe_gzip

NO_MATCH = 0xFFFFFFFF
TYPES = {"unknown": 0, "ip": 1, "cidr": 2, "ip:port": 3, "domain": 4, "url": 5, "url-path": 6,
         "ja3": 7, "ja4": 8, "cert-sha1": 9}  # the TLS fingerprints since 0.2.0
FORMATS = {"auto": 0, "csv": 1, "threatfox-json": 2, "list": 3}
_TYPE_NAMES = {v: k for k, v in TYPES.items()}
_FORMAT_NAMES = {v: k for k, v in FORMATS.items()}


class _Entry(ctypes.Structure):
    _fields_ = [("size", ctypes.c_size_t), ("type", ctypes.c_int), ("value", ctypes.c_char_p),
                ("family", ctypes.c_char_p), ("threat_type", ctypes.c_char_p),
                ("source", ctypes.c_char_p), ("tags", ctypes.c_char_p),
                ("confidence", ctypes.c_uint), ("first_seen", ctypes.c_int64),
                ("last_seen", ctypes.c_int64)]


class _Info(ctypes.Structure):
    _fields_ = [("size", ctypes.c_size_t), ("type", ctypes.c_int), ("value", ctypes.c_char_p),
                ("family", ctypes.c_char_p), ("threat_type", ctypes.c_char_p),
                ("source", ctypes.c_char_p), ("tags", ctypes.c_char_p),
                ("confidence", ctypes.c_uint), ("first_seen", ctypes.c_int64),
                ("last_seen", ctypes.c_int64), ("prefix_len", ctypes.c_uint),
                ("port", ctypes.c_uint), ("family_id", ctypes.c_uint)]


_REJECT_FN = ctypes.CFUNCTYPE(None, ctypes.c_void_p, ctypes.c_uint64, ctypes.c_char_p)


class _Options(ctypes.Structure):
    _fields_ = [("size", ctypes.c_size_t), ("format", ctypes.c_int), ("family", ctypes.c_char_p),
                ("source", ctypes.c_char_p), ("threat_type", ctypes.c_char_p),
                ("confidence", ctypes.c_uint), ("on_reject", _REJECT_FN),
                ("reject_ctx", ctypes.c_void_p)]


class _Report(ctypes.Structure):
    _fields_ = [("size", ctypes.c_size_t), ("format", ctypes.c_int), ("lines", ctypes.c_uint64),
                ("loaded", ctypes.c_uint64), ("rejected", ctypes.c_uint64),
                ("skipped", ctypes.c_uint64), ("unsupported", ctypes.c_uint64),
                ("by_type", ctypes.c_uint64 * 7), ("first_rejected", ctypes.c_uint64 * 16),
                ("by_type_tls", ctypes.c_uint64 * 3)]  # since 0.2.0


_DECLARED = False


def _h():
    global _DECLARED
    h = lib()
    if not _DECLARED:
        vp, sz, u32 = ctypes.c_void_p, ctypes.c_size_t, ctypes.c_uint32
        ids = ctypes.POINTER(u32)
        h.c2d_iocdb_new.argtypes = [vp, ctypes.POINTER(vp)]
        h.c2d_iocdb_free.argtypes = [vp]
        h.c2d_iocdb_free.restype = None
        h.c2d_iocdb_add.argtypes = [vp, ctypes.POINTER(_Entry)]
        h.c2d_iocdb_load_memory.argtypes = [vp, ctypes.c_char_p, sz, ctypes.POINTER(_Options),
                                            ctypes.POINTER(_Report)]
        h.c2d_iocdb_load_file.argtypes = [vp, ctypes.c_char_p, ctypes.POINTER(_Options),
                                          ctypes.POINTER(_Report)]
        h.c2d_iocdb_finalize.argtypes = [vp]
        h.c2d_iocdb_count.argtypes = [vp, ctypes.c_int]
        h.c2d_iocdb_count.restype = sz
        h.c2d_iocdb_memory_bytes.argtypes = [vp]
        h.c2d_iocdb_memory_bytes.restype = sz
        h.c2d_iocdb_get.argtypes = [vp, u32, ctypes.POINTER(_Info)]
        h.c2d_iocdb_match_text.argtypes = [vp, ctypes.c_char_p, sz, ids, sz, ctypes.POINTER(sz)]
        h.c2d_iocdb_match_ipv4_batch.argtypes = [vp, vp, vp, sz, vp, vp]
        h.c2d_iocdb_match_fingerprint.argtypes = [vp, ctypes.c_int, ctypes.c_char_p, sz, ids, sz,
                                                  ctypes.POINTER(sz)]
        h.c2d_iocdb_match_text_batch.argtypes = [vp, ctypes.c_char_p, sz, sz, vp, vp, vp,
                                                 ctypes.POINTER(sz)]
        _DECLARED = True
    return h


@dataclass(frozen=True)
class IocInfo:
    """One indicator as the store holds it (normalised value)."""
    id: int
    type: str
    value: str
    family: str
    threat_type: str
    source: str
    tags: str
    confidence: int
    first_seen: int
    last_seen: int
    prefix_len: int
    port: int


@dataclass(frozen=True)
class LoadReport:
    """What a feed load did; every line is in exactly one of loaded, rejected, skipped."""
    format: str
    lines: int
    loaded: int
    rejected: int
    skipped: int
    unsupported: int
    by_type: dict = field(default_factory=dict)
    first_rejected: tuple = ()
    rejects: tuple = ()  # (line, reason) for every rejected line


def _opt_bytes(v, what):
    return None if v is None else as_bytes(v, what)


class IocDB:
    """An indicator store: add/load, then finalize, then match (read-only,
    any number of threads)."""

    def __init__(self):
        self._h = ctypes.c_void_p()
        check(_h().c2d_iocdb_new(None, ctypes.byref(self._h)), "IOC store")

    @property
    def handle(self):
        if not self._h:
            raise ValueError("IOC store is closed")
        return self._h

    def add(self, value, type: str = "unknown", family=None, threat_type=None, source=None,
            tags=None, confidence: int = 50, first_seen: int = 0, last_seen: int = 0) -> None:
        if type not in TYPES:
            raise ValueError(f"type must be one of {sorted(TYPES)}, not {type!r}")
        if not isinstance(confidence, int) or not 0 <= confidence <= 100:
            raise ValueError("confidence must be an int in 0..100")
        e = _Entry(size=ctypes.sizeof(_Entry), type=TYPES[type], value=as_bytes(value, "value"),
                   family=_opt_bytes(family, "family"),
                   threat_type=_opt_bytes(threat_type, "threat_type"),
                   source=_opt_bytes(source, "source"), tags=_opt_bytes(tags, "tags"),
                   confidence=confidence, first_seen=first_seen, last_seen=last_seen)
        check(_h().c2d_iocdb_add(self.handle, ctypes.byref(e)), f"add {value!r}")

    def load(self, source, format: str = "auto", family=None, source_name=None,
             threat_type=None, confidence: int = 0) -> LoadReport:
        """Load a feed from a path (plain or gzip-compressed) or from bytes.
        Malformed lines are counted in the report (and listed in `.rejects`); a
        library error raises C2DError, whose `.report` holds the LoadReport of
        what was read (a feed that yields nothing is C2D_ERR_IOC_EMPTY_FEED)."""
        if format not in FORMATS:
            raise ValueError(f"format must be one of {sorted(FORMATS)}, not {format!r}")
        rejects = []

        def on_reject(_ctx, line, reason):
            rejects.append((int(line), reason.decode()))

        cb = _REJECT_FN(on_reject)
        o = _Options(size=ctypes.sizeof(_Options), format=FORMATS[format],
                     family=_opt_bytes(family, "family"), source=_opt_bytes(source_name, "source"),
                     threat_type=_opt_bytes(threat_type, "threat_type"), confidence=confidence,
                     on_reject=cb, reject_ctx=None)
        r = _Report(size=ctypes.sizeof(_Report))
        if isinstance(source, (bytes, bytearray, memoryview)):
            data = bytes(source)
            st = _h().c2d_iocdb_load_memory(self.handle, data, len(data), ctypes.byref(o),
                                            ctypes.byref(r))
            what = "feed (memory)"
        elif isinstance(source, (str, os.PathLike)):
            what = os.fspath(source)
            try:
                data = read_maybe_gzip(source)
            except FileNotFoundError:
                data = None  # the library reports it: C2D_ERR_IO
            except (OSError, EOFError) as e:
                raise C2DError(-4, f"{what} (gzip: {e})") from e
            if data is not None:  # feed.csv.gz: decompressed here
                st = _h().c2d_iocdb_load_memory(self.handle, data, len(data), ctypes.byref(o),
                                                ctypes.byref(r))
            else:
                st = _h().c2d_iocdb_load_file(self.handle, os.fsencode(source), ctypes.byref(o),
                                              ctypes.byref(r))
        else:
            raise TypeError(f"source must be a path or bytes, not {type(source).__name__}")
        n_first = min(int(r.rejected), 16)
        report = LoadReport(format=_FORMAT_NAMES.get(r.format, str(r.format)), lines=r.lines,
                          loaded=r.loaded, rejected=r.rejected, skipped=r.skipped,
                          unsupported=r.unsupported,
                          by_type={**{_TYPE_NAMES[i]: int(r.by_type[i]) for i in range(7)
                                      if r.by_type[i]},
                                   **{_TYPE_NAMES[7 + i]: int(r.by_type_tls[i]) for i in range(3)
                                      if r.by_type_tls[i]}},
                          first_rejected=tuple(int(x) for x in r.first_rejected[:n_first]),
                          rejects=tuple(rejects))
        if st != 0:  # e.g. C2D_ERR_IOC_EMPTY_FEED: the report says what was read
            err = C2DError(st, what)
            err.report = report
            raise err
        return report

    def finalize(self) -> None:
        check(_h().c2d_iocdb_finalize(self.handle), "finalize")

    def count(self, type: str = "unknown") -> int:
        if type not in TYPES:
            raise ValueError(f"type must be one of {sorted(TYPES)}, not {type!r}")
        return _h().c2d_iocdb_count(self.handle, TYPES[type])

    def __len__(self):
        return self.count()

    @property
    def memory_bytes(self) -> int:
        return _h().c2d_iocdb_memory_bytes(self.handle)

    def get(self, id: int) -> IocInfo:
        i = _Info(size=ctypes.sizeof(_Info))
        check(_h().c2d_iocdb_get(self.handle, id, ctypes.byref(i)), f"indicator {id}")
        d = lambda b: b.decode("utf-8", "replace")  # noqa: E731
        return IocInfo(id, _TYPE_NAMES.get(i.type, str(i.type)), d(i.value), d(i.family),
                       d(i.threat_type), d(i.source), d(i.tags), i.confidence, i.first_seen,
                       i.last_seen, i.prefix_len, i.port)

    def match(self, value, limit: int = 16) -> list:
        """Indicators matching an observed value ("1.2.3.4", "1.2.3.4:443",
        "a.evil.example", "http://a.evil.example/x"), best first (at most `limit`)."""
        b = as_bytes(value, "value")
        if not isinstance(limit, int) or limit < 1:
            raise ValueError("limit must be a positive int")
        ids = (ctypes.c_uint32 * limit)()
        total = ctypes.c_size_t()
        check(_h().c2d_iocdb_match_text(self.handle, b, len(b), ids, limit, ctypes.byref(total)),
              f"match {value!r}")
        return [self.get(ids[k]) for k in range(min(limit, total.value))]

    def match_fingerprint(self, type: str, value, limit: int = 16) -> list:
        """Indicators equal to a TLS fingerprint: `type` "ja3" (JA3 or JA3S),
        "ja4" or "cert-sha1", best first."""
        if type not in ("ja3", "ja4", "cert-sha1"):
            raise ValueError(f"type must be 'ja3', 'ja4' or 'cert-sha1', not {type!r}")
        if not isinstance(limit, int) or limit < 1:
            raise ValueError("limit must be a positive int")
        b = as_bytes(value, "value")
        ids = (ctypes.c_uint32 * limit)()
        total = ctypes.c_size_t()
        check(_h().c2d_iocdb_match_fingerprint(self.handle, TYPES[type], b, len(b), ids, limit,
                                               ctypes.byref(total)), f"match {type} {value!r}")
        return [self.get(ids[k]) for k in range(min(limit, total.value))]

    def match_many(self, values):
        """Best indicator id (NO_MATCH when none), match count and status per
        observed value (as `match` reads it: IPs, ip:port, domains, URLs), in
        ONE call (c2d_iocdb_match_text_batch). A value that does not parse gets
        status C2D_ERR_MALFORMED/-LIMIT and no match. Returns (best, counts,
        statuses): numpy uint32/uint32/int32 arrays with numpy, else lists."""
        if isinstance(values, (str, bytes)):
            raise TypeError("values must be a list of values, not one value")
        enc = [as_bytes(v, "value") for v in values]
        n = len(enc)
        if any(b"\n" in e for e in enc):
            bad = next(v for v, e in zip(values, enc) if b"\n" in e)
            raise ValueError(f"a value holds a newline: {bad!r}")
        text = b"\n".join(enc)
        try:
            import numpy as np
        except ImportError:
            np = None
        if np is not None:
            best = np.empty(n, dtype=np.uint32)
            counts = np.empty(n, dtype=np.uint32)
            sts = np.empty(n, dtype=np.int32)
            ptr = lambda a: a.ctypes.data if n else None  # noqa: E731
        else:
            best, counts = (ctypes.c_uint32 * n)(), (ctypes.c_uint32 * n)()
            sts = (ctypes.c_int32 * n)()
            ptr = lambda a: ctypes.addressof(a) if n else None  # noqa: E731
        done = ctypes.c_size_t()
        check(_h().c2d_iocdb_match_text_batch(self.handle, text, len(text), n, ptr(best),
                                              ptr(counts), ptr(sts), ctypes.byref(done)),
              f"match_many (value {done.value})")
        if np is None:
            return list(best), list(counts), list(sts)
        return best, counts, sts

    def match_ipv4(self, addrs, ports=None):
        """Best matching indicator id per IPv4 address (NO_MATCH when none) and
        the number of matches, in ONE call (c2d_iocdb_match_ipv4_batch).
        `addrs`: a numpy uint32 array (host order) or a list of str/int;
        `ports`: same length, or None. Returns (best, counts): numpy uint32 arrays
        with numpy, else lists."""
        try:
            import numpy as np
        except ImportError:
            np = None
        a_ptr, n, _keep = ipv4_buffer(addrs)
        p_ptr = None
        if ports is not None:
            if np is not None and isinstance(ports, np.ndarray):
                p = np.ascontiguousarray(ports, dtype=np.uint16)
                p_ptr = p.ctypes.data
                plen = p.shape[0]
            else:
                pl = list(ports)
                if any(not isinstance(x, int) or not 0 <= x <= 65535 for x in pl):
                    raise ValueError("ports must be ints in 0..65535")
                p = (ctypes.c_uint16 * len(pl))(*pl)
                p_ptr = ctypes.addressof(p)
                plen = len(pl)
            if plen != n:
                raise ValueError(f"ports has {plen} entries for {n} addresses")
        if np is not None:
            best = np.empty(n, dtype=np.uint32)
            counts = np.empty(n, dtype=np.uint32)
            bp, cp = best.ctypes.data, counts.ctypes.data
        else:
            best = (ctypes.c_uint32 * n)()
            counts = (ctypes.c_uint32 * n)()
            bp, cp = ctypes.addressof(best), ctypes.addressof(counts)
        check(_h().c2d_iocdb_match_ipv4_batch(self.handle, a_ptr if n else None, p_ptr, n,
                                              bp if n else None, cp if n else None), "match_ipv4")
        if np is None:
            return list(best), list(counts)
        return best, counts

    def close(self):
        if getattr(self, "_h", None):
            _h().c2d_iocdb_free(self._h)
            self._h = None

    def __del__(self):
        self.close()

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        self.close()


__all__ = ["IocDB", "IocInfo", "LoadReport", "NO_MATCH", "C2DError"]
