"""The Python ioc-family-v1 feature row (used for training) equals the C one
(c2d_ioc_family_features) on edge cases and random inputs."""
import ctypes
import random

import pytest

from c2detect.ioc_family import N_FEATURES, feature_row


def _lib():
    from c2detect import lib as c2dlib
    try:
        lib = c2dlib._lib()
    except Exception as e:  # no built library: nothing to compare with
        pytest.skip("libc2detect not found: %s" % e)
    f = lib.c2d_ioc_family_features
    f.argtypes = [ctypes.c_uint32, ctypes.c_uint16, ctypes.c_char_p, ctypes.c_uint32,
                  ctypes.POINTER(ctypes.c_float), ctypes.c_size_t]
    f.restype = ctypes.c_int
    return f


def _c_row(f, addr, port, iso2, asn):
    row = (ctypes.c_float * N_FEATURES)()
    st = f(addr, port, iso2.encode() if iso2 is not None else None, asn, row, N_FEATURES)
    assert st == 0
    return list(row)


def _py_row(addr, port, iso2, asn):
    import numpy as np
    return [float(v) for v in np.array(feature_row(addr, port, iso2, asn), dtype=np.float32)]


def test_feature_row_known_vector():
    assert feature_row(0xB0617C44, 8443, "de", 12345) == [
        8443, 0, 1, 1, 4, 3, 3, 3 * 26 + 4, 12345, 176, 176 * 256 + 97,
        (176 * 256 + 97) * 256 + 124]


def test_c_and_python_agree():
    f = _lib()
    cases = [(0, 0, None, 0), (0xFFFFFFFF, 65535, "ZZ", 4294967295), (0x01020304, 80, "", 1),
             (0x7F000001, 443, "us", 0), (0x0A000001, 10080, "U1", 7), (0xC0A80001, 995, "JPN", 9)]
    rng = random.Random(1337)
    for _ in range(2000):
        cc = rng.choice([None, "", "US", "de", "Jp", "R", "1A"])
        cases.append((rng.getrandbits(32), rng.randrange(65536), cc, rng.getrandbits(rng.choice([8, 16, 32]))))
    for addr, port, cc, asn in cases:
        assert _c_row(f, addr, port, cc, asn) == _py_row(addr, port, cc, asn), (addr, port, cc, asn)
