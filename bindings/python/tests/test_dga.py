"""The Python feature twin (c2detect.dga) against the C library, name by name.

Needs the shared library (C2D_LIBRARY or a build tree) and, for the bulk check,
../shared/data/dga (skipped when absent).
"""
import csv
import ctypes
import gzip
import os
import random

import pytest

from conftest import SHARED_DATA
from c2detect import dga

DATA = SHARED_DATA / "dga"


@pytest.fixture(scope="module")
def clib():
    from c2detect import lib as c2dlib
    try:
        h = c2dlib.lib()
    except OSError as e:  # no built library
        pytest.skip(f"libc2detect not loadable: {e}")
    h.c2d_dga_features.argtypes = [ctypes.c_char_p, ctypes.c_size_t,
                                   ctypes.POINTER(ctypes.c_float), ctypes.c_size_t]
    h.c2d_dga_features.restype = ctypes.c_int
    return h


def c_features(h, name: bytes):
    buf = (ctypes.c_float * dga.N_FEATURES)()
    st = h.c2d_dga_features(name, len(name), buf, dga.N_FEATURES)
    return st, list(buf)


def py_features(name: bytes):
    try:
        return 0, dga.features(name)
    except dga.NameError_ as e:
        return e.status, None


def compare(h, names):
    bad = []
    for n in names:
        cs, cf = c_features(h, n)
        ps, pf = py_features(n)
        if cs != ps or (cs == 0 and cf != pf):
            diff = [(dga.FEATURE_NAMES[i], a, b) for i, (a, b) in
                    enumerate(zip(cf, pf or [0.0] * dga.N_FEATURES)) if a != b]
            bad.append((n, cs, ps, diff[:3]))
    return bad


EDGE = [b"www.example.co.uk", b"WWW.Example.CO.UK.", b"192.168.1.1", b"xn--bcher-kva.de",
        b"a" * 63 + b".com", b"a" * 64 + b".com", b"", b".", b"a..b", b".com", b"ex!.com",
        b"a\x00b.com", b"co.uk", b"a.b.ck", b"x.www.ck", b"foo.city.kawasaki.jp",
        b"ec2-54-1-2-3.compute-1.amazonaws.com", b"_sip._tcp.example.com", b"abcabc.abcabc.com",
        b"com.evil-site.net", b"1.2.3.4.5", b"-.-", b"_", b"a" * 254]


def test_edge_cases_agree(clib):
    assert compare(clib, EDGE) == []


def test_random_strings_agree(clib):
    rng = random.Random(7)
    alphabet = b"abcXYZ019-_.."
    names = [bytes(rng.choice(alphabet) for _ in range(rng.randint(0, 40))) for _ in range(3000)]
    assert compare(clib, names) == []


@pytest.mark.skipif(not DATA.is_dir(), reason="../shared/data/dga absent")
def test_shared_data_agree(clib):
    names = []
    for fn, skip_header in (("dga_baderj_50families.csv.gz", 1),
                            ("dga_andrewaeva_10families.csv.gz", 1),
                            ("benign_alexa_top100k.csv.gz", 0),
                            ("benign_opendns_top10k_random10k.csv.gz", 1)):
        with gzip.open(DATA / fn, "rt", encoding="utf-8", newline="") as f:
            rows = list(csv.reader(f))[skip_header:]
        rng = random.Random(fn)
        names += [r[1].encode() for r in rng.sample(rows, 2500)]
    assert len(names) == 10000
    bad = compare(clib, names)
    assert bad == [], bad[:5]


def test_feature_names_match(clib):
    clib.c2d_dga_feature_name.restype = ctypes.c_char_p
    clib.c2d_dga_feature_name.argtypes = [ctypes.c_size_t]
    assert [clib.c2d_dga_feature_name(i).decode() for i in range(dga.N_FEATURES)] == \
        list(dga.FEATURE_NAMES)
    assert clib.c2d_dga_feature_name(dga.N_FEATURES) is None
