"""ctypes binding to libc2detect.so: the one loader, version check, status errors, models.

The library is found, in this order:
  1. $C2D_LIBRARY (a path; when set, only this file is tried);
  2. the copy bundled inside the installed package (c2detect/libc2detect.so,
     put there by `pip install`);
  3. a source checkout's build trees (build/, build-release/) when the package
     is imported from bindings/python of a checkout;
  4. the system loader (libc2detect.so.0, e.g. after `cmake --install`).
Every module of the package goes through lib(); nothing else opens the library.
"""
from __future__ import annotations

import ctypes
import ctypes.util
import os
import pathlib

HEADER_VERSION = (0, 2, 0)  # must agree with include/c2detect/common.h in major


class LibraryNotFound(OSError):
    """No loadable libc2detect: `.tried` lists (candidate, reason) pairs."""

    def __init__(self, tried):
        self.tried = list(tried)
        lines = "\n".join(f"  {c}: {why}" for c, why in self.tried)
        super().__init__("libc2detect shared library not found. Tried:\n" + lines +
                         "\nInstall the package with pip (it bundles the library), set "
                         "C2D_LIBRARY=/path/to/libc2detect.so, or install the library "
                         "system-wide.")


class C2DError(RuntimeError):
    """A libc2detect call returned an error status.

    `.status` is the c2d_status number, `.name` its identifier
    ("C2D_ERR_CHECKSUM"), `.what` the object or call it concerns."""

    def __init__(self, status: int, what: str = ""):
        self.status = int(status)
        self.what = what
        try:
            h = _lib()
            self.name = h.c2d_status_name(self.status).decode()
            msg = h.c2d_strerror(self.status).decode()
        except OSError:  # cannot happen after a call succeeded, but never mask the error
            self.name, msg = f"status {self.status}", "libc2detect error"
        super().__init__(f"{what}: {msg} ({self.name})" if what else f"{msg} ({self.name})")


_LIB = None
_PKG_DIR = pathlib.Path(__file__).resolve().parent


def _candidates():
    env = os.environ.get("C2D_LIBRARY")
    if env:
        yield env, "C2D_LIBRARY"
        return
    bundled = _PKG_DIR / "libc2detect.so"
    yield str(bundled), "bundled"
    root = _PKG_DIR.parents[2]
    if _PKG_DIR.parent.name == "python" and _PKG_DIR.parents[1].name == "bindings":
        for build in ("build", "build-release"):
            yield str(root / build / "lib" / "libc2detect.so"), "source checkout"
    found = ctypes.util.find_library("c2detect")
    yield found or "libc2detect.so.0", "system"


def _declare(lib):
    S = ctypes.c_int
    vp = ctypes.c_void_p
    lib.c2d_version_number.restype = ctypes.c_uint
    lib.c2d_version_string.restype = ctypes.c_char_p
    lib.c2d_strerror.restype = ctypes.c_char_p
    lib.c2d_strerror.argtypes = [S]
    lib.c2d_status_name.restype = ctypes.c_char_p
    lib.c2d_status_name.argtypes = [S]
    lib.c2d_model_load_file.argtypes = [ctypes.c_char_p, vp, ctypes.POINTER(vp)]
    lib.c2d_model_load_memory.argtypes = [vp, ctypes.c_size_t, vp, ctypes.POINTER(vp)]
    lib.c2d_model_builtin.argtypes = [ctypes.c_char_p, vp, ctypes.POINTER(vp)]
    lib.c2d_model_builtin_name.argtypes = [ctypes.c_size_t]
    lib.c2d_model_builtin_name.restype = ctypes.c_char_p
    lib.c2d_model_free.argtypes = [vp]
    lib.c2d_model_free.restype = None
    lib.c2d_model_meta_text.argtypes = [vp, ctypes.c_char_p, ctypes.POINTER(ctypes.c_char_p)]
    lib.c2d_model_meta_number.argtypes = [vp, ctypes.c_char_p, ctypes.POINTER(ctypes.c_double)]
    fp = ctypes.POINTER(ctypes.c_float)
    lib.c2d_forest_predict.argtypes = [vp, fp, ctypes.c_size_t, fp, ctypes.c_size_t]
    lib.c2d_forest_predict_batch.argtypes = [vp, fp, ctypes.c_size_t, ctypes.c_size_t,
                                             fp, ctypes.c_size_t]


def _lib():
    global _LIB
    if _LIB is None:
        tried = []
        for cand, where in _candidates():
            if where != "system" and where != "C2D_LIBRARY" and not os.path.exists(cand):
                continue  # only name what exists, plus the system loader's attempt
            try:
                lib = ctypes.CDLL(cand)
                break
            except OSError as e:
                tried.append((f"{cand} ({where})", str(e)))
        else:
            raise LibraryNotFound(tried)
        _declare(lib)
        got = lib.c2d_version_number()
        if got // 10000 != HEADER_VERSION[0]:
            raise OSError(f"libc2detect {lib.c2d_version_string().decode()} at {cand} does not "
                          f"match binding {'.'.join(map(str, HEADER_VERSION))}")
        lib._c2d_path = cand
        _LIB = lib
    return _LIB


def lib():
    """The loaded ctypes.CDLL (declared signatures); raises LibraryNotFound."""
    return _lib()


def library_path() -> str:
    """Path (or soname) of the library that was loaded."""
    return _lib()._c2d_path


def check(status: int, what: str = "") -> None:
    """Raise C2DError for a non-zero status."""
    if status != 0:
        raise C2DError(status, what)


def status_name(status: int) -> str:
    return _lib().c2d_status_name(int(status)).decode()


def version() -> str:
    """Version string of the loaded library ("0.2.0")."""
    return _lib().c2d_version_string().decode()


def as_bytes(value, what: str) -> bytes:
    """str (UTF-8, surrogateescape) or bytes-like -> bytes; TypeError otherwise."""
    if isinstance(value, bytes):
        return value
    if isinstance(value, str):
        return value.encode("utf-8", "surrogateescape")
    if isinstance(value, (bytearray, memoryview)):
        return bytes(value)
    raise TypeError(f"{what} must be str or bytes, not {type(value).__name__}")


def _numpy():
    try:
        import numpy
        return numpy
    except ImportError:
        return None


def ipv4_buffer(addrs, what: str = "addrs"):
    """(address of n host-order uint32, n, keepalive) for a batch call.

    `addrs`: a numpy integer array (host order, as 0x08080808 for 8.8.8.8), or
    an iterable of dotted-quad str/bytes, ints or ipaddress.IPv4Address.
    TypeError for other types, ValueError for bad text or out-of-range ints."""
    import array
    import functools
    import ipaddress
    import socket
    import sys
    np = _numpy()
    if np is not None and isinstance(addrs, np.ndarray):
        if addrs.ndim != 1 or addrs.dtype.kind not in "ui":
            raise TypeError(f"{what} array must be 1-D of an integer dtype (host-order IPv4)")
        if addrs.dtype.itemsize > 4 and addrs.size and (addrs.max() > 0xFFFFFFFF or addrs.min() < 0):
            raise ValueError(f"{what}: IPv4 integers must be in 0..2**32-1")
        a = np.ascontiguousarray(addrs, dtype=np.uint32)
        return a.ctypes.data, a.shape[0], a
    if isinstance(addrs, (str, bytes)):
        raise TypeError(f"{what} must be a list of addresses, not one address")
    if not isinstance(addrs, (list, tuple)):
        addrs = list(addrs)
    # fast path for all-text lists: inet_pton mapped at C level, one join
    try:
        packed = b"".join(map(functools.partial(socket.inet_pton, socket.AF_INET), addrs))
    except (OSError, TypeError):
        packed = None  # a bad or non-str item: the loop below names it
    if packed is not None:
        arr = array.array("I")
        if arr.itemsize == 4:
            arr.frombytes(packed)
            if sys.byteorder == "little":
                arr.byteswap()  # network order -> host order
            return (arr.buffer_info()[0] if len(arr) else None), len(arr), arr
    vals = []
    pton, be = socket.inet_pton, int.from_bytes
    for x in addrs:
        if isinstance(x, str):
            try:
                vals.append(be(pton(socket.AF_INET, x), "big"))
            except OSError:
                raise ValueError(f"{what}: not an IPv4 address: {x!r}") from None
        elif isinstance(x, int) and not isinstance(x, bool):
            if not 0 <= x <= 0xFFFFFFFF:
                raise ValueError(f"{what}: IPv4 integer out of range: {x}")
            vals.append(x)
        elif isinstance(x, ipaddress.IPv4Address):
            vals.append(int(x))
        elif isinstance(x, bytes):
            try:
                vals.append(be(pton(socket.AF_INET, x.decode("ascii")), "big"))
            except (OSError, UnicodeDecodeError):
                raise ValueError(f"{what}: not an IPv4 address: {x!r}") from None
        else:
            raise TypeError(f"{what}: an IPv4 address must be str, int or IPv4Address, "
                            f"not {type(x).__name__}")
    buf = (ctypes.c_uint32 * len(vals))(*vals)
    return ctypes.addressof(buf), len(vals), buf


def read_maybe_gzip(path):
    """The bytes of a gzip-compressed file (decompressed), or None when the file
    is not gzip (the caller then lets the library read the file itself). Feeds,
    captures and CSVs are usually downloaded compressed; the library reads only
    plain bytes, so the binding decompresses instead of loading nothing."""
    import gzip
    with open(path, "rb") as f:
        if f.read(2) != b"\x1f\x8b":
            return None
    with gzip.open(path, "rb") as f:
        return f.read()


def builtin_models() -> list:
    """Names of the models compiled into the library ("dga", "http", ...)."""
    out, i = [], 0
    h = _lib()
    while True:
        name = h.c2d_model_builtin_name(i)
        if not name:
            return out
        out.append(name.decode())
        i += 1


class Model:
    """A loaded .c2dm model (from a file, bytes or the built-in set)."""

    def __init__(self, handle, keepalive=None):
        self._h = handle
        self._keep = keepalive

    @classmethod
    def load(cls, path) -> "Model":
        if not isinstance(path, (str, bytes, os.PathLike)):
            raise TypeError(f"path must be a path, not {type(path).__name__}")
        h = ctypes.c_void_p()
        check(_lib().c2d_model_load_file(os.fsencode(path), None, ctypes.byref(h)), str(path))
        return cls(h)

    @classmethod
    def from_bytes(cls, data) -> "Model":
        if not isinstance(data, (bytes, bytearray, memoryview)):
            raise TypeError(f"data must be bytes, not {type(data).__name__}")
        data = bytes(data)
        buf = ctypes.create_string_buffer(data, len(data))
        h = ctypes.c_void_p()
        check(_lib().c2d_model_load_memory(buf, len(data), None, ctypes.byref(h)), "model")
        return cls(h, keepalive=buf)  # the model uses the bytes in place

    @classmethod
    def builtin(cls, name: str) -> "Model":
        if not isinstance(name, str):
            raise TypeError(f"name must be str, not {type(name).__name__}")
        h = ctypes.c_void_p()
        check(_lib().c2d_model_builtin(name.encode(), None, ctypes.byref(h)), name)
        return cls(h)

    @property
    def handle(self):
        if not self._h:
            raise ValueError("model is closed")
        return self._h

    def meta_text(self, key: str) -> str:
        out = ctypes.c_char_p()
        check(_lib().c2d_model_meta_text(self.handle, key.encode(), ctypes.byref(out)), key)
        return out.value.decode()

    def meta_number(self, key: str) -> float:
        out = ctypes.c_double()
        check(_lib().c2d_model_meta_number(self.handle, key.encode(), ctypes.byref(out)), key)
        return out.value

    def forest_predict(self, rows, n_classes: int):
        """Class probabilities [N, n_classes] of a 2-D float array of rows, in ONE
        call (c2d_forest_predict_batch). Without numpy, `rows` may be a list of
        equal-length lists and the result is a list of lists."""
        fp = ctypes.POINTER(ctypes.c_float)
        if not isinstance(n_classes, int) or n_classes < 1:
            raise ValueError("n_classes must be a positive int")
        try:
            import numpy as np
        except ImportError:
            np = None
        if np is not None:
            x = np.ascontiguousarray(rows, dtype=np.float32)
            if x.ndim != 2:
                raise ValueError(f"rows must be 2-D, got shape {x.shape}")
            out = np.zeros((x.shape[0], n_classes), dtype=np.float32)
            check(_lib().c2d_forest_predict_batch(self.handle, x.ctypes.data_as(fp), x.shape[0],
                                                  x.shape[1], out.ctypes.data_as(fp), n_classes),
                  "predict")
            return out
        rows = [list(r) for r in rows]
        width = len(rows[0]) if rows else 0
        if any(len(r) != width for r in rows):
            raise ValueError("rows must all have the same length")
        flat = (ctypes.c_float * (len(rows) * width))(*[v for r in rows for v in r])
        out = (ctypes.c_float * (len(rows) * n_classes))()
        check(_lib().c2d_forest_predict_batch(self.handle, flat, len(rows), width, out,
                                              n_classes), "predict")
        if np is not None:
            return np.frombuffer(out, dtype=np.float32).reshape(len(rows), n_classes).copy()
        return [list(out[i * n_classes:(i + 1) * n_classes]) for i in range(len(rows))]

    def forest_predict_one(self, row, n_classes: int):
        import numpy as np
        x = np.ascontiguousarray(row, dtype=np.float32)
        out = np.zeros(n_classes, dtype=np.float32)
        fp = ctypes.POINTER(ctypes.c_float)
        check(_lib().c2d_forest_predict(self.handle, x.ctypes.data_as(fp), x.shape[0],
                                        out.ctypes.data_as(fp), n_classes), "predict")
        return out

    def close(self):
        if getattr(self, "_h", None):
            _lib().c2d_model_free(self._h)
            self._h = None

    def __del__(self):
        self.close()

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        self.close()
