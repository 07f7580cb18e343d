"""ctypes access to the int8 CNN engine of libc2detect (include/c2detect/cnn.h).

The library is found by the package's loader (c2detect.lib).
"""
from __future__ import annotations

import ctypes

import numpy as np

from .lib import C2DError, lib as _shared_lib

C2D_CNN_PROBA = 0
C2D_CNN_LOGITS = 1
ISA = {"scalar": 0, "avx2": 1, "avx512vnni": 2, "neon": 3, "avxvnni": 4, "best": 255}


class _Shape(ctypes.Structure):
    _fields_ = [("size", ctypes.c_size_t), ("seq_len", ctypes.c_uint32),
                ("vocab", ctypes.c_uint32), ("n_logits", ctypes.c_uint32),
                ("n_classes", ctypes.c_uint32), ("macs", ctypes.c_uint64),
                ("scratch_bytes", ctypes.c_size_t)]


def _lib(path=None):
    """The package's library (`path` is accepted for old callers and ignored:
    C2D_LIBRARY chooses the file)."""
    lib = _shared_lib()
    lib.c2d_model_load_memory.argtypes = [ctypes.c_void_p, ctypes.c_size_t, ctypes.c_void_p,
                                          ctypes.POINTER(ctypes.c_void_p)]
    lib.c2d_model_free.argtypes = [ctypes.c_void_p]
    lib.c2d_model_set_param.argtypes = [ctypes.c_void_p, ctypes.c_int, ctypes.c_int]
    lib.c2d_cnn_shape.argtypes = [ctypes.c_void_p, ctypes.POINTER(_Shape)]
    lib.c2d_cnn_predict.argtypes = [ctypes.c_void_p, ctypes.c_void_p, ctypes.c_size_t,
                                    ctypes.c_void_p, ctypes.c_size_t, ctypes.c_int,
                                    ctypes.c_void_p, ctypes.c_size_t]
    return lib


class CnnModel:
    """A loaded CNN model; `logits(tokens)` / `proba(tokens)` for [N, seq_len] ids."""

    def __init__(self, blob: bytes, library=None):
        self._lib = _lib(library)
        self._buf = ctypes.create_string_buffer(bytes(blob), len(blob))
        self._h = ctypes.c_void_p()
        self._check(self._lib.c2d_model_load_memory(self._buf, len(blob), None,
                                                    ctypes.byref(self._h)))
        self.shape = _Shape(size=ctypes.sizeof(_Shape))
        self._check(self._lib.c2d_cnn_shape(self._h, ctypes.byref(self.shape)))
        self._scratch = ctypes.create_string_buffer(self.shape.scratch_bytes)

    def _check(self, st):
        if st != 0:
            raise C2DError(st, "cnn")  # a RuntimeError

    def set_isa_cap(self, isa: str):
        self._check(self._lib.c2d_model_set_param(self._h, 1, ISA[isa]))

    def set_fold_kib(self, kib: int):
        """C2D_MODEL_PARAM_CNN_FOLD_KIB: memory for folding embedding-reading
        convolutions into lookup tables (0 = off). Same outputs either way."""
        self._check(self._lib.c2d_model_set_param(self._h, 2, kib))
        self._check(self._lib.c2d_cnn_shape(self._h, ctypes.byref(self.shape)))
        self._scratch = ctypes.create_string_buffer(self.shape.scratch_bytes)

    def _run(self, tokens, what, per):
        tok = np.ascontiguousarray(tokens, dtype=np.uint16)
        if tok.ndim != 2 or tok.shape[1] != self.shape.seq_len:
            raise ValueError("tokens must be [N, seq_len]")
        out = np.zeros((tok.shape[0], per), dtype=np.float32)
        self._check(self._lib.c2d_cnn_predict(self._h, tok.ctypes.data, tok.shape[0],
                                              self._scratch, len(self._scratch), what,
                                              out.ctypes.data, out.size))
        return out

    def logits(self, tokens):
        return self._run(tokens, C2D_CNN_LOGITS, self.shape.n_logits)

    def proba(self, tokens):
        return self._run(tokens, C2D_CNN_PROBA, self.shape.n_classes)

    def __del__(self):
        if getattr(self, "_h", None):
            self._lib.c2d_model_free(self._h)
            self._h = None
