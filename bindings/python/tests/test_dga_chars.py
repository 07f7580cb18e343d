"""dga-chars-v1 tokens: the Python twin (c2detect.dga_chars) against
c2d_dga_tokenize name by name, and the built-in dga-cnn's C scores against the
numpy integer reference (c2detect.torch_export.reference_logits).

Needs the shared library (C2D_LIBRARY or a build tree); the bulk checks need
../shared/data/dga (skipped when absent).
"""
import csv
import ctypes
import gzip
import random

import numpy as np
import pytest

from conftest import SHARED_DATA, c_library
from c2detect import dga, dga_chars

DATA = SHARED_DATA / "dga"


@pytest.fixture(scope="module")
def clib():
    h = c_library()
    h.c2d_dga_tokenize.argtypes = [ctypes.c_char_p, ctypes.c_size_t,
                                   ctypes.POINTER(ctypes.c_uint16), ctypes.c_size_t]
    h.c2d_dga_tokenize.restype = ctypes.c_int
    h.c2d_dga_score.argtypes = [ctypes.c_void_p, ctypes.c_char_p, ctypes.c_size_t,
                                ctypes.POINTER(ctypes.c_float)]
    h.c2d_dga_score.restype = ctypes.c_int
    return h


def c_tokens(h, name: bytes):
    buf = (ctypes.c_uint16 * dga_chars.SEQ_LEN)()
    st = h.c2d_dga_tokenize(name, len(name), buf, dga_chars.SEQ_LEN)
    return st, (list(buf) if st == 0 else None)


def py_tokens(name: bytes):
    try:
        return 0, dga_chars.tokenize(name)
    except dga.NameError_ as e:
        return e.status, None


def mismatches(h, names):
    return [(n, c_tokens(h, n), py_tokens(n)) for n in names if c_tokens(h, n) != py_tokens(n)]


def test_hand_worked():
    pad = [dga_chars.PAD]
    assert dga_chars.tokenize("a.b") == pad * 60 + [1, 2, 40, 3]
    assert dga_chars.tokenize(b"Ex-1_.COM.") == pad * 54 + [1, 6, 25, 38, 29, 39, 40, 4, 16, 14]
    assert dga_chars.tokenize("xn--bcher-kva.de") == pad * 47 + [
        1, 25, 15, 38, 38, 3, 4, 9, 6, 19, 38, 12, 23, 2, 40, 5, 6]
    long = "a" * 40 + "." + "b" * 40 + ".com"
    assert dga_chars.tokenize(long) == [2] * 19 + [40] + [3] * 40 + [40, 4, 16, 14]
    assert dga_chars.tokenize(long + ".") == dga_chars.tokenize(long)
    assert dga_chars.tokenize("q" * 59 + ".com")[0] == dga_chars.START
    assert dga_chars.tokenize("q" * 60 + ".com") == [18] * 60 + [40, 4, 16, 14]
    for bad, st in ((b"", dga.ERR_NAME_EMPTY), (b"a..b", dga.ERR_NAME_EMPTY_LABEL),
                    (b"ex!.com", dga.ERR_NAME_BAD_CHAR), (b"a" * 64 + b".com", dga.ERR_NAME_LABEL_TOO_LONG)):
        with pytest.raises(dga.NameError_) as e:
            dga_chars.tokenize(bad)
        assert e.value.status == st


EDGE = [b"a.b", b"Ex-1_.COM.", b"xn--bcher-kva.de", b"_sip._tcp.example.com", b"a" * 63 + b".com",
        b"a" * 64 + b".com", b"", b".", b"a..b", b".com", b"a.b..", b"ex!.com", b"a\x00b.com",
        b"q" * 59 + b".com", b"q" * 60 + b".com", b"q" * 61 + b".com",
        b".".join([b"abcdefghij" * 5] * 4) + b".c", b"a" * 254, b"\xc3\xa9.com", b"A.B.C."]


def test_edge_cases_agree(clib):
    assert mismatches(clib, EDGE) == []
    st, tok = c_tokens(clib, b"A.B.C.")
    assert st == 0 and tok[-6:] == [1, 2, 40, 3, 40, 4]


def test_random_strings_agree(clib):
    rng = random.Random(5)
    alphabet = b"abcXYZ019-_..!"
    names = [bytes(rng.choice(alphabet) for _ in range(rng.randrange(0, 90))) for _ in range(20000)]
    assert mismatches(clib, names) == []


@pytest.mark.skipif(not DATA.is_dir(), reason="../shared/data/dga absent")
def test_shared_data_agree(clib):
    names = []
    for fn in ("dga_baderj_50families.csv.gz", "dga_andrewaeva_10families.csv.gz",
               "benign_alexa_top100k.csv.gz", "benign_opendns_top10k_random10k.csv.gz"):
        with gzip.open(DATA / fn, "rt", encoding="utf-8", newline="") as f:
            names += [row[1].strip().encode("latin-1", "replace") for row in csv.reader(f)
                      if len(row) > 1]
    rng = random.Random(11)
    sample = rng.sample(names, 60000)
    assert len(sample) == 60000
    assert mismatches(clib, sample) == []


def test_builtin_cnn_equals_integer_reference(clib):
    """c2d_dga_score of the built-in dga-cnn == sigmoid of the integer reference."""
    from c2detect import lib as c2dlib
    from c2detect.torch_export import load_model, reference_logits
    import pathlib
    blob = (pathlib.Path(__file__).resolve().parents[3] / "lib" / "models" /
            "dga-cnn.c2dm").read_bytes()
    ref = load_model(blob)
    rng = random.Random(3)
    names = [b"www.google.com", b"krihpqnrgqls.com", b"xn--bcher-kva.de", b"a" * 63 + b".b" * 20]
    names += [bytes(rng.choice(b"abcdefghijklmnopqrstuvwxyz0123456789-")
                    for _ in range(rng.randrange(3, 40))) + b".com" for _ in range(200)]
    X = np.array([dga_chars.tokenize(n) for n in names], dtype=np.int64)
    logits = np.asarray(reference_logits(ref, X), dtype=np.float32)[:, 0]
    with c2dlib.Model.builtin("dga-cnn") as m:
        for n, z in zip(names, logits):
            s = ctypes.c_float()
            assert clib.c2d_dga_score(m.handle, n, len(n), ctypes.byref(s)) == 0
            want = np.float32(1) / (np.float32(1) + np.exp(-z))
            # expf and numpy's exp may differ in the last ulp
            assert abs(float(s.value) - float(want)) <= 2 * float(np.spacing(np.float32(want)))
