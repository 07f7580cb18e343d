"""MaxMind DB lookups and ASN range tables through libc2detect (ctypes).

    from c2detect.geo import GeoDB
    with GeoDB("geo-whois-asn-country.mmdb") as db:
        db.country("1.1.1.1")           # 'AU'
        db.lookup("1.1.1.1")            # {'country_code': 'AU'} (the whole record)
        db.prefix_len("1.1.1.1")        # 24

The shared library is found by the package's loader (c2detect.lib).
"""

import ctypes
import os

from dataclasses import dataclass

from .lib import C2DError, ipv4_buffer, lib as _shared_lib, read_maybe_gzip

_lib = None


def _load():
    global _lib
    if _lib is None:
        lib = _shared_lib()
        lib.c2d_geodb_open_file.argtypes = [ctypes.c_char_p, ctypes.c_void_p, ctypes.POINTER(ctypes.c_void_p)]
        lib.c2d_geodb_open_memory.argtypes = [ctypes.c_char_p, ctypes.c_size_t, ctypes.c_void_p,
                                              ctypes.POINTER(ctypes.c_void_p)]
        lib.c2d_geodb_free.argtypes = [ctypes.c_void_p]
        lib.c2d_geodb_free.restype = None
        lib.c2d_geodb_lookup.argtypes = [ctypes.c_void_p, ctypes.c_char_p, ctypes.POINTER(GeoResult)]
        lib.c2d_geodb_record.argtypes = [ctypes.c_void_p, ctypes.POINTER(GeoResult), ctypes.POINTER(GeoValue)]
        lib.c2d_geodb_metadata.argtypes = [ctypes.c_void_p, ctypes.POINTER(GeoValue)]
        lib.c2d_geodb_get.argtypes = [ctypes.c_void_p, ctypes.POINTER(GeoResult), ctypes.POINTER(ctypes.c_char_p),
                                      ctypes.c_size_t, ctypes.POINTER(GeoValue)]
        lib.c2d_geodb_iter_init.argtypes = [ctypes.POINTER(GeoValue), ctypes.POINTER(GeoIter)]
        lib.c2d_geodb_iter_next.argtypes = [ctypes.c_void_p, ctypes.POINTER(GeoIter), ctypes.POINTER(GeoValue),
                                            ctypes.POINTER(GeoValue)]
        lib.c2d_geodb_country.argtypes = [ctypes.c_void_p, ctypes.POINTER(GeoResult), ctypes.c_char_p]
        lib.c2d_geodb_asn.argtypes = [ctypes.c_void_p, ctypes.POINTER(GeoResult), ctypes.POINTER(ctypes.c_uint32)]
        vp = ctypes.c_void_p
        lib.c2d_geodb_lookup_ipv4_batch.argtypes = [vp, vp, ctypes.c_size_t, vp, vp, vp, vp,
                                                    ctypes.POINTER(ctypes.c_size_t)]
        lib.c2d_geodb_lookup_ipv4_text_batch.argtypes = [vp, ctypes.c_char_p, ctypes.c_size_t,
                                                         ctypes.c_size_t, vp, vp, vp, vp,
                                                         ctypes.POINTER(ctypes.c_size_t)]
        lib.c2d_asntable_load_file.argtypes = [ctypes.c_char_p, ctypes.c_void_p, ctypes.POINTER(ctypes.c_void_p),
                                               ctypes.POINTER(AsnStats)]
        lib.c2d_asntable_load_memory.argtypes = [ctypes.c_char_p, ctypes.c_size_t, ctypes.c_void_p,
                                                 ctypes.POINTER(ctypes.c_void_p), ctypes.POINTER(AsnStats)]
        lib.c2d_asntable_free.argtypes = [ctypes.c_void_p]
        lib.c2d_asntable_free.restype = None
        lib.c2d_asntable_lookup.argtypes = [ctypes.c_void_p, ctypes.c_uint32, ctypes.POINTER(ctypes.c_uint32),
                                            ctypes.POINTER(ctypes.c_char_p), ctypes.POINTER(ctypes.c_size_t)]
        _lib = lib
    return _lib


C2D_OK = 0
C2D_ERR_NOT_FOUND = -12
C2D_ERR_TRUNCATED = -4
C2D_ERR_MALFORMED = -10

# c2d_geo_type
STRING, DOUBLE, BYTES, UINT16, UINT32, MAP, INT32, UINT64, UINT128, ARRAY, BOOL, FLOAT = \
    2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 14, 15


class GeoResult(ctypes.Structure):
    _fields_ = [("size", ctypes.c_size_t), ("found", ctypes.c_int), ("prefix_len", ctypes.c_uint),
                ("data_offset", ctypes.c_uint32)]


class GeoValue(ctypes.Structure):
    _fields_ = [("size", ctypes.c_size_t), ("type", ctypes.c_int), ("count", ctypes.c_uint32),
                ("bytes", ctypes.POINTER(ctypes.c_uint8)), ("u64", ctypes.c_uint64),
                ("u128_high", ctypes.c_uint64), ("i32", ctypes.c_int32), ("f32", ctypes.c_float),
                ("f64", ctypes.c_double), ("internal_pos", ctypes.c_uint32),
                ("internal_depth", ctypes.c_uint16), ("internal_section", ctypes.c_uint8)]


class GeoIter(ctypes.Structure):
    _fields_ = [("internal_pos", ctypes.c_uint32), ("remaining", ctypes.c_uint32),
                ("internal_depth", ctypes.c_uint16), ("internal_section", ctypes.c_uint8),
                ("is_map", ctypes.c_uint8)]


class AsnStats(ctypes.Structure):
    _fields_ = [("size", ctypes.c_size_t), ("lines", ctypes.c_uint64), ("ranges", ctypes.c_uint64),
                ("malformed", ctypes.c_uint64), ("overlapping", ctypes.c_uint64),
                ("bad_lines", ctypes.c_uint64 * 16), ("n_bad_lines", ctypes.c_uint),
                ("distinct_orgs", ctypes.c_size_t), ("bytes", ctypes.c_size_t)]


class GeoError(C2DError):
    """A geo call failed (a C2DError: `.status`, `.name`)."""


def _check(status, what=""):
    if status != C2D_OK:
        raise GeoError(status, what)


def _new_value():
    v = GeoValue()
    v.size = ctypes.sizeof(GeoValue)
    return v


NO_RECORD = 0xFFFFFFFF


@dataclass(frozen=True)
class GeoBatch:
    """Results of GeoDB.lookup_batch, one entry per address. With numpy:
    `data_offsets` uint32 (NO_RECORD when no record), `prefix_lens` uint8,
    `countries` an 'S2' array (b"" when none), `asns` uint32 (0 when none);
    without numpy: lists, countries as str or None."""
    data_offsets: object
    prefix_lens: object
    countries: object
    asns: object


class GeoDB:
    """An opened MMDB file (or bytes). Lookups take address text."""

    def __init__(self, source):
        lib = _load()
        self._handle = ctypes.c_void_p()
        if isinstance(source, (bytes, bytearray)):
            self._keep = bytes(source)  # the library reads it in place
            st = lib.c2d_geodb_open_memory(self._keep, len(self._keep), None, ctypes.byref(self._handle))
        else:
            st = lib.c2d_geodb_open_file(os.fsencode(source), None, ctypes.byref(self._handle))
        _check(st, "open")

    def close(self):
        if self._handle:
            _load().c2d_geodb_free(self._handle)
            self._handle = ctypes.c_void_p()

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        self.close()

    def __del__(self):
        self.close()

    def _result(self, ip):
        r = GeoResult()
        r.size = ctypes.sizeof(GeoResult)
        _check(_load().c2d_geodb_lookup(self._handle, ip.encode(), ctypes.byref(r)), ip)
        return r

    def _to_python(self, v, budget):
        budget[0] -= 1
        if budget[0] < 0:
            raise GeoError(-9, "record too large")
        t = v.type
        if t in (MAP, ARRAY):
            lib = _load()
            it = GeoIter()
            _check(lib.c2d_geodb_iter_init(ctypes.byref(v), ctypes.byref(it)))
            k, x = _new_value(), _new_value()
            out = {} if t == MAP else []
            while True:
                st = lib.c2d_geodb_iter_next(self._handle, ctypes.byref(it), ctypes.byref(k), ctypes.byref(x))
                if st == C2D_ERR_NOT_FOUND:
                    return out
                _check(st)
                value = self._to_python(x, budget)
                if t == MAP:
                    out[ctypes.string_at(k.bytes, k.count).decode("utf-8", "replace")] = value
                else:
                    out.append(value)
        if t == STRING:
            return ctypes.string_at(v.bytes, v.count).decode("utf-8", "replace") if v.count else ""
        if t == BYTES:
            return ctypes.string_at(v.bytes, v.count) if v.count else b""
        if t in (DOUBLE, FLOAT):
            return v.f64
        if t == INT32:
            return v.i32
        if t == BOOL:
            return bool(v.u64)
        if t == UINT128:
            return v.u128_high << 64 | v.u64
        return v.u64

    def lookup(self, ip):
        """The whole record for `ip` as Python values, or None."""
        r = self._result(ip)
        if not r.found:
            return None
        v = _new_value()
        _check(_load().c2d_geodb_record(self._handle, ctypes.byref(r), ctypes.byref(v)), ip)
        return self._to_python(v, [1000000])

    def get(self, ip, *path):
        """The value at `path` (keys, or array indexes as int/str), or None."""
        r = self._result(ip)
        if not r.found:
            return None
        steps = (ctypes.c_char_p * max(1, len(path)))(*[str(p).encode() for p in path])
        v = _new_value()
        st = _load().c2d_geodb_get(self._handle, ctypes.byref(r), steps, len(path), ctypes.byref(v))
        if st == C2D_ERR_NOT_FOUND:
            return None
        _check(st, ip)
        return self._to_python(v, [1000000])

    def prefix_len(self, ip):
        return self._result(ip).prefix_len

    def country(self, ip):
        r = self._result(ip)
        buf = ctypes.create_string_buffer(3)
        st = _load().c2d_geodb_country(self._handle, ctypes.byref(r), buf)
        if st == C2D_ERR_NOT_FOUND:
            return None
        _check(st, ip)
        return buf.value.decode()

    def asn(self, ip):
        r = self._result(ip)
        out = ctypes.c_uint32()
        st = _load().c2d_geodb_asn(self._handle, ctypes.byref(r), ctypes.byref(out))
        if st == C2D_ERR_NOT_FOUND:
            return None
        _check(st, ip)
        return out.value

    def lookup_batch(self, addrs, country: bool = True, asn: bool = True) -> GeoBatch:
        """Look up many IPv4 addresses in ONE library call
        (c2d_geodb_lookup_ipv4_batch). `addrs`: a numpy integer array (host
        order) or a list of dotted quads / ints. country/asn False: not decoded
        (faster; the field is None)."""
        text = None
        if isinstance(addrs, (list, tuple)) and addrs:
            # text items: one '\n'-joined buffer, parsed in C (Python's own
            # per-string conversion costs more than the lookup)
            try:
                text = "\n".join(addrs).encode("ascii")
                if text.endswith(b"\n"):
                    text = None  # the last item ends in a newline: the checked path names it
            except (TypeError, UnicodeEncodeError):
                text = None
        if text is not None:
            ptr, n, _keep = None, len(addrs), text
        else:
            ptr, n, _keep = ipv4_buffer(addrs)
        np = None
        try:
            import numpy as np
        except ImportError:
            pass
        if np is not None:
            offs = np.empty(n, dtype=np.uint32)
            plen = np.empty(n, dtype=np.uint8)
            iso = np.zeros(2 * n, dtype=np.uint8) if country else None
            asns = np.empty(n, dtype=np.uint32) if asn else None
            addr = lambda a: a.ctypes.data if a is not None and n else None  # noqa: E731
        else:
            offs, plen = (ctypes.c_uint32 * n)(), (ctypes.c_uint8 * n)()
            iso = (ctypes.c_char * (2 * n))() if country else None
            asns = (ctypes.c_uint32 * n)() if asn else None
            addr = lambda a: ctypes.addressof(a) if a is not None and n else None  # noqa: E731
        done = ctypes.c_size_t()
        if text is not None:
            st = _load().c2d_geodb_lookup_ipv4_text_batch(self._handle, text, len(text), n,
                                                          addr(offs), addr(plen), addr(iso),
                                                          addr(asns), ctypes.byref(done))
            if st == C2D_ERR_MALFORMED and done.value == n:
                # an item held a '\n' (more lines than items): find and name it
                return self.lookup_batch(list(ipv4_buffer(addrs)[2]), country, asn)
            if st in (C2D_ERR_MALFORMED, C2D_ERR_TRUNCATED):
                raise ValueError(f"addrs: not an IPv4 address: {addrs[done.value]!r}")
        else:
            st = _load().c2d_geodb_lookup_ipv4_batch(self._handle, ptr if n else None, n,
                                                     addr(offs), addr(plen), addr(iso),
                                                     addr(asns), ctypes.byref(done))
        _check(st, f"address {done.value} of the batch")
        if np is not None:
            return GeoBatch(offs, plen, iso.view("S2") if country else None, asns)
        cc = None
        if country:
            raw = iso.raw
            cc = [raw[2 * i:2 * i + 2].decode("ascii", "replace") if raw[2 * i] else None
                  for i in range(n)]
        return GeoBatch(list(offs), list(plen), cc, list(asns) if asn else None)

    def countries(self, addrs) -> list:
        """Country code (str) or None per IPv4 address, in one library call."""
        b = self.lookup_batch(addrs, country=True, asn=False)
        if isinstance(b.countries, list):
            return b.countries
        return [c.decode("ascii", "replace") if c else None for c in b.countries.tolist()]

    def metadata(self):
        v = _new_value()
        _check(_load().c2d_geodb_metadata(self._handle, ctypes.byref(v)))
        return self._to_python(v, [1000000])


class AsnTable:
    """IPv4 ranges to (asn, org) from `range_start,range_end,asn,org` CSV."""

    def __init__(self, path=None, text=None):
        lib = _load()
        self._handle = ctypes.c_void_p()
        self.stats = AsnStats()
        self.stats.size = ctypes.sizeof(AsnStats)
        if text is not None:
            data = text.encode() if isinstance(text, str) else bytes(text)
            st = lib.c2d_asntable_load_memory(data, len(data), None, ctypes.byref(self._handle),
                                              ctypes.byref(self.stats))
        else:
            try:
                data = read_maybe_gzip(path)  # asn-ipv4.csv.gz is read, not ignored
            except FileNotFoundError:
                data = None
            except (OSError, EOFError) as e:
                raise GeoError(-4, f"{path} (gzip: {e})") from e
            if data is not None:
                st = lib.c2d_asntable_load_memory(data, len(data), None, ctypes.byref(self._handle),
                                                  ctypes.byref(self.stats))
            else:
                st = lib.c2d_asntable_load_file(os.fsencode(path), None,
                                                ctypes.byref(self._handle), ctypes.byref(self.stats))
        _check(st, "load")

    @property
    def bad_lines(self):
        return list(self.stats.bad_lines[: self.stats.n_bad_lines])

    def lookup(self, ip):
        """(asn, org) for an IPv4 address text, or None."""
        parts = [int(p) for p in ip.split(".")]
        addr = parts[0] << 24 | parts[1] << 16 | parts[2] << 8 | parts[3]
        asn = ctypes.c_uint32()
        org = ctypes.c_char_p()
        st = _load().c2d_asntable_lookup(self._handle, addr, ctypes.byref(asn), ctypes.byref(org), None)
        if st == C2D_ERR_NOT_FOUND:
            return None
        _check(st, ip)
        return asn.value, org.value.decode("utf-8", "replace")

    def close(self):
        if self._handle:
            _load().c2d_asntable_free(self._handle)
            self._handle = ctypes.c_void_p()

    def __del__(self):
        self.close()
