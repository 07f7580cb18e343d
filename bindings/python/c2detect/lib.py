"""ctypes binding to libc2detect.so: loading, version check, status errors, models.

The library is found from $C2D_LIBRARY, else the build trees next to the source
checkout (build/lib), else the system loader (libc2detect.so.0).
"""
from __future__ import annotations

import ctypes
import ctypes.util
import os
import pathlib

HEADER_VERSION = (0, 1, 0)  # must agree with include/c2detect/common.h in major


class C2DError(Exception):
    """A libc2detect call failed; `.status` is the c2d_status value."""

    def __init__(self, status: int, what: str = ""):
        self.status = status
        self.name = _lib().c2d_status_name(status).decode()
        msg = _lib().c2d_strerror(status).decode()
        super().__init__(f"{what}: {msg} ({self.name})" if what else f"{msg} ({self.name})")


_LIB = None


def _candidates():
    env = os.environ.get("C2D_LIBRARY")
    if env:
        yield env
        return
    root = pathlib.Path(__file__).resolve().parents[3]
    for build in ("build", "build-release", "build-asan"):
        p = root / build / "lib" / "libc2detect.so"
        if p.exists():
            yield str(p)
    found = ctypes.util.find_library("c2detect")
    yield found or "libc2detect.so.0"


def _declare(lib):
    S = ctypes.c_int
    lib.c2d_version_number.restype = ctypes.c_uint
    lib.c2d_version_string.restype = ctypes.c_char_p
    lib.c2d_strerror.restype = ctypes.c_char_p
    lib.c2d_strerror.argtypes = [S]
    lib.c2d_status_name.restype = ctypes.c_char_p
    lib.c2d_status_name.argtypes = [S]
    lib.c2d_model_load_file.argtypes = [ctypes.c_char_p, ctypes.c_void_p, ctypes.POINTER(ctypes.c_void_p)]
    lib.c2d_model_load_memory.argtypes = [ctypes.c_void_p, ctypes.c_size_t, ctypes.c_void_p,
                                          ctypes.POINTER(ctypes.c_void_p)]
    lib.c2d_model_builtin.argtypes = [ctypes.c_char_p, ctypes.c_void_p, ctypes.POINTER(ctypes.c_void_p)]
    lib.c2d_model_free.argtypes = [ctypes.c_void_p]
    lib.c2d_model_free.restype = None
    lib.c2d_model_meta_text.argtypes = [ctypes.c_void_p, ctypes.c_char_p, ctypes.POINTER(ctypes.c_char_p)]
    lib.c2d_model_meta_number.argtypes = [ctypes.c_void_p, ctypes.c_char_p, ctypes.POINTER(ctypes.c_double)]
    fp = ctypes.POINTER(ctypes.c_float)
    lib.c2d_forest_predict.argtypes = [ctypes.c_void_p, fp, ctypes.c_size_t, fp, ctypes.c_size_t]
    lib.c2d_forest_predict_batch.argtypes = [ctypes.c_void_p, fp, ctypes.c_size_t, ctypes.c_size_t,
                                             fp, ctypes.c_size_t]


def _lib():
    global _LIB
    if _LIB is None:
        err = None
        for cand in _candidates():
            try:
                lib = ctypes.CDLL(cand)
                break
            except OSError as e:
                err = e
        else:
            raise OSError(f"libc2detect not found (set C2D_LIBRARY): {err}")
        _declare(lib)
        got = lib.c2d_version_number()
        if got // 10000 != HEADER_VERSION[0]:
            raise OSError(f"libc2detect {lib.c2d_version_string().decode()} does not match "
                          f"binding {'.'.join(map(str, HEADER_VERSION))}")
        _LIB = lib
    return _LIB


def lib():
    """The loaded ctypes.CDLL (declared signatures)."""
    return _lib()


def check(status: int, what: str = "") -> None:
    if status != 0:
        raise C2DError(status, what)


def version() -> str:
    return _lib().c2d_version_string().decode()


class Model:
    """A loaded .c2dm model (from a file, bytes or the built-in set)."""

    def __init__(self, handle, keepalive=None):
        self._h = handle
        self._keep = keepalive

    @classmethod
    def load(cls, path: str) -> "Model":
        h = ctypes.c_void_p()
        check(_lib().c2d_model_load_file(os.fsencode(path), None, ctypes.byref(h)), path)
        return cls(h)

    @classmethod
    def from_bytes(cls, data: bytes) -> "Model":
        buf = ctypes.create_string_buffer(bytes(data), len(data))
        h = ctypes.c_void_p()
        check(_lib().c2d_model_load_memory(buf, len(data), None, ctypes.byref(h)), "model")
        return cls(h, keepalive=buf)  # the model uses the bytes in place

    @classmethod
    def builtin(cls, name: str) -> "Model":
        h = ctypes.c_void_p()
        check(_lib().c2d_model_builtin(name.encode(), None, ctypes.byref(h)), name)
        return cls(h)

    @property
    def handle(self):
        return self._h

    def meta_text(self, key: str) -> str:
        out = ctypes.c_char_p()
        check(_lib().c2d_model_meta_text(self._h, key.encode(), ctypes.byref(out)), key)
        return out.value.decode()

    def meta_number(self, key: str) -> float:
        out = ctypes.c_double()
        check(_lib().c2d_model_meta_number(self._h, key.encode(), ctypes.byref(out)), key)
        return out.value

    def forest_predict(self, rows, n_classes: int):
        """Class probabilities for a 2-D float32 numpy array (batch call)."""
        import numpy as np
        x = np.ascontiguousarray(rows, dtype=np.float32)
        out = np.zeros((x.shape[0], n_classes), dtype=np.float32)
        fp = ctypes.POINTER(ctypes.c_float)
        check(_lib().c2d_forest_predict_batch(self._h, x.ctypes.data_as(fp), x.shape[0], x.shape[1],
                                              out.ctypes.data_as(fp), n_classes), "predict")
        return out

    def forest_predict_one(self, row, n_classes: int):
        import numpy as np
        x = np.ascontiguousarray(row, dtype=np.float32)
        out = np.zeros(n_classes, dtype=np.float32)
        fp = ctypes.POINTER(ctypes.c_float)
        check(_lib().c2d_forest_predict(self._h, x.ctypes.data_as(fp), x.shape[0],
                                        out.ctypes.data_as(fp), n_classes), "predict")
        return out

    def close(self):
        if self._h:
            _lib().c2d_model_free(self._h)
            self._h = None

    def __del__(self):
        self.close()

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        self.close()
