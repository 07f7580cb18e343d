"""HTTP C2 scoring of request header blocks through libc2detect (include/c2detect/http.h).

    from c2detect.http import HttpModel
    m = HttpModel.builtin()
    m.classify(b"GET /x HTTP/1.1\\r\\nHost: a.example\\r\\n\\r\\n")   # HttpVerdict(score, is_c2)
    m.scores([block1, block2, ...])      # one C call; NaN where a block is not a request
"""
from __future__ import annotations

import ctypes
import math
from dataclasses import dataclass

from .lib import C2DError, Model, as_bytes, check, lib

C2D_ERR_HTTP_NOT_REQUEST = -70
_DECLARED = False


def _h():
    global _DECLARED
    h = lib()
    if not _DECLARED:
        vp, sz = ctypes.c_void_p, ctypes.c_size_t
        dp = ctypes.POINTER(ctypes.c_double)
        h.c2d_http_scratch_size.argtypes = [vp, ctypes.POINTER(sz)]
        h.c2d_http_score.argtypes = [vp, ctypes.c_char_p, sz, dp]
        h.c2d_http_score_batch.argtypes = [vp, ctypes.POINTER(ctypes.c_char_p),
                                           ctypes.POINTER(sz), sz, vp, sz, dp]
        h.c2d_http_threshold.argtypes = [vp, dp]
        h.c2d_http_classify.argtypes = [vp, ctypes.c_char_p, sz, ctypes.POINTER(ctypes.c_int), dp]
        _DECLARED = True
    return h


@dataclass(frozen=True)
class HttpVerdict:
    """Result of HttpModel.classify: `score` in [0, 1], `is_c2` = score >= threshold."""
    score: float
    is_c2: bool


class HttpModel:
    """An http-tokens-v1 CNN (the built-in one, or a .c2dm file). Immutable;
    one object may be used from many threads except `scores`, which shares a
    scratch buffer (use one HttpModel per thread for batches)."""

    def __init__(self, model: Model):
        if not isinstance(model, Model):
            raise TypeError(f"model must be a c2detect.lib.Model, not {type(model).__name__}")
        self._model = model
        n = ctypes.c_size_t()
        check(_h().c2d_http_scratch_size(model.handle, ctypes.byref(n)), "HTTP model")
        self._scratch = ctypes.create_string_buffer(max(n.value, 1))

    @classmethod
    def builtin(cls) -> "HttpModel":
        return cls(Model.builtin("http"))

    @classmethod
    def load(cls, path) -> "HttpModel":
        return cls(Model.load(path))

    @property
    def threshold(self) -> float:
        t = ctypes.c_double()
        check(_h().c2d_http_threshold(self._model.handle, ctypes.byref(t)), "threshold")
        return t.value

    def score(self, block) -> float:
        """C2 score of one header block (bytes or str); raises C2DError
        (C2D_ERR_HTTP_NOT_REQUEST) when it does not start with a request line."""
        b = as_bytes(block, "block")
        s = ctypes.c_double()
        check(_h().c2d_http_score(self._model.handle, b, len(b), ctypes.byref(s)), "HTTP score")
        return s.value

    def classify(self, block) -> HttpVerdict:
        b = as_bytes(block, "block")
        s, c2 = ctypes.c_double(), ctypes.c_int()
        check(_h().c2d_http_classify(self._model.handle, b, len(b), ctypes.byref(c2),
                                     ctypes.byref(s)), "HTTP classify")
        return HttpVerdict(s.value, bool(c2.value))

    def scores(self, blocks):
        """Scores of many blocks in ONE library call (c2d_http_score_batch): a
        numpy float64 array when numpy is installed, else a list; NaN for a
        block that is not an HTTP request."""
        enc = [as_bytes(b, "block") for b in blocks]
        n = len(enc)
        arr = (ctypes.c_char_p * n)(*enc)
        lens = (ctypes.c_size_t * n)(*[len(e) for e in enc])
        out = (ctypes.c_double * n)()
        check(_h().c2d_http_score_batch(self._model.handle, arr, lens, n, self._scratch,
                                        len(self._scratch), out), "HTTP score batch")
        try:
            import numpy as np
        except ImportError:
            return list(out)
        return np.frombuffer(out, dtype=np.float64).copy() if n else np.zeros(0)

    def classify_many(self, blocks):
        """[HttpVerdict or None] per block (None: not an HTTP request)."""
        thr = self.threshold
        return [None if math.isnan(s) else HttpVerdict(s, s >= thr) for s in self.scores(blocks)]


def split_requests(data: bytes):
    """Header blocks of the requests in `data` (as `c2d http FILE` reads a file):
    a block ends at its empty line; a body announced by Content-Length is skipped.
    Returns a list of bytes."""
    data = as_bytes(data, "data")
    out, pos = [], 0
    while pos < len(data):
        while pos < len(data) and data[pos:pos + 1] in (b"\r", b"\n"):
            pos += 1
        if pos >= len(data):
            break
        end = data.find(b"\n\r\n", pos)
        end2 = data.find(b"\n\n", pos)
        cands = [e + 3 for e in (end,) if e >= 0] + [e + 2 for e in (end2,) if e >= 0]
        stop = min(cands) if cands else len(data)
        block = data[pos:stop]
        body = 0
        for line in block.split(b"\n")[1:]:
            k, _, v = line.partition(b":")
            if k.strip().lower() == b"content-length":
                try:
                    body = max(0, int(v.strip()))
                except ValueError:
                    body = 0
        out.append(block)
        pos = stop + body
    return out


__all__ = ["HttpModel", "HttpVerdict", "split_requests", "C2DError"]
