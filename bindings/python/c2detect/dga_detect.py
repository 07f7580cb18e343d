"""DGA scoring through libc2detect: one model (c2d_dga_score_batch / classify)
or the forest + CNN ensemble (c2d_dga_ensemble_*, the recommended detector).

    from c2detect.dga_detect import Ensemble
    ens = Ensemble.builtin()
    ens.classify("kqwbxyhsbjtqb.ru")   # (score, is_dga)
    ens.scores(["example.com", ...])   # numpy float32, NaN for malformed names
"""
from __future__ import annotations

import ctypes
import math

from .lib import C2DError, Model, as_bytes, check, lib

_DECLARED = False


class EnsembleSummary(ctypes.Structure):
    """c2d_dga_ensemble_summary."""
    _fields_ = [("size", ctypes.c_size_t), ("tuned", ctypes.c_int),
                ("threshold", ctypes.c_double), ("threshold_fpr", ctypes.c_double),
                ("gate", ctypes.c_double), ("forest", ctypes.c_void_p),
                ("cnn", ctypes.c_void_p)]


def _h():
    global _DECLARED
    h = lib()
    if not _DECLARED:
        vp, sz = ctypes.c_void_p, ctypes.c_size_t
        names = ctypes.POINTER(ctypes.c_char_p)
        lens = ctypes.POINTER(sz)
        fp = ctypes.POINTER(ctypes.c_float)
        ip = ctypes.POINTER(ctypes.c_int)
        h.c2d_dga_score_batch.argtypes = [vp, names, lens, sz, fp, ip]
        h.c2d_dga_classify.argtypes = [vp, vp, ctypes.c_char_p, sz, ctypes.c_double, fp, ip]
        h.c2d_dga_ensemble_new.argtypes = [vp, vp, vp, ctypes.POINTER(vp)]
        h.c2d_dga_ensemble_builtin.argtypes = [vp, ctypes.POINTER(vp)]
        h.c2d_dga_ensemble_free.argtypes = [vp]
        h.c2d_dga_ensemble_free.restype = None
        h.c2d_dga_ensemble_info.argtypes = [vp, ctypes.POINTER(EnsembleSummary)]
        h.c2d_dga_ensemble_score_batch.argtypes = [vp, names, lens, sz, fp, ip]
        h.c2d_dga_ensemble_classify.argtypes = [vp, vp, ctypes.c_char_p, sz, ctypes.c_double,
                                                fp, ip]
        _DECLARED = True
    return h


def _encode(names):
    enc = [as_bytes(n, "name") for n in names]
    arr = (ctypes.c_char_p * len(enc))(*enc)
    lens = (ctypes.c_size_t * len(enc))(*[len(e) for e in enc])
    return arr, lens, len(enc)


def _batch(fn, handle, names, with_status):
    """One library call for the whole list; numpy float32 (and int32 statuses)
    when numpy is installed, else lists."""
    if isinstance(names, (str, bytes)):
        raise TypeError("names must be a list of names, not one name")
    arr, lens, n = _encode(names)
    out = (ctypes.c_float * n)()
    st = (ctypes.c_int * n)()
    check(fn(handle, arr, lens, n, out, st), "DGA scoring")
    try:
        import numpy as np
    except ImportError:
        return (list(out), list(st)) if with_status else list(out)
    scores = np.frombuffer(out, dtype=np.float32).copy()
    return (scores, np.frombuffer(st, dtype=np.int32).copy()) if with_status else scores


def model_scores(model: Model, names, with_status=False):
    """P(DGA) of each name by one DGA model (c2d_dga_score_batch)."""
    return _batch(_h().c2d_dga_score_batch, model.handle, names, with_status)


class Ensemble:
    """A c2d_dga_ensemble: the forest and CNN together (include/c2detect/dga.h)."""

    def __init__(self, handle, keepalive=()):
        self._h = handle
        self._keep = keepalive  # borrowed models must outlive the ensemble

    @classmethod
    def builtin(cls) -> "Ensemble":
        h = ctypes.c_void_p()
        check(_h().c2d_dga_ensemble_builtin(None, ctypes.byref(h)), "built-in DGA ensemble")
        return cls(h)

    @classmethod
    def from_models(cls, forest: Model, cnn: Model) -> "Ensemble":
        h = ctypes.c_void_p()
        check(_h().c2d_dga_ensemble_new(forest.handle, cnn.handle, None, ctypes.byref(h)),
              "DGA ensemble")
        return cls(h, keepalive=(forest, cnn))

    def info(self) -> dict:
        s = EnsembleSummary(size=ctypes.sizeof(EnsembleSummary))
        check(_h().c2d_dga_ensemble_info(self._h, ctypes.byref(s)), "ensemble info")
        return {"tuned": bool(s.tuned), "threshold": s.threshold,
                "threshold_fpr": s.threshold_fpr, "gate": s.gate}

    def scores(self, names, with_status=False):
        """Ensemble score of each name (both models run); NaN for malformed names."""
        return _batch(_h().c2d_dga_ensemble_score_batch, self._h, names, with_status)

    def classify(self, name, threshold: float = math.nan):
        """(score, is_dga) as c2d_dga_ensemble_classify (gate and tuned threshold
        when `threshold` is NaN); raises C2DError for a malformed name."""
        b = as_bytes(name, "name")
        score, is_dga = ctypes.c_float(), ctypes.c_int()
        st = _h().c2d_dga_ensemble_classify(self._h, None, b, len(b), threshold,
                                            ctypes.byref(score), ctypes.byref(is_dga))
        if st != 0:
            raise C2DError(st, repr(name))
        return score.value, bool(is_dga.value)

    def close(self):
        if self._h:
            _h().c2d_dga_ensemble_free(self._h)
            self._h = None

    def __del__(self):
        self.close()

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        self.close()
