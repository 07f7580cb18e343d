"""The Python tokenizer twin (c2detect.http_tokens) gives exactly the ids of the C
c2d_http_tokenize on every request header block in the shared data, on generated
blocks and on edge cases."""
import ctypes
import pathlib
import random
import shutil

import pytest

from c2detect import http_tokens as H

SHARED = pathlib.Path(__file__).resolve().parents[3].parent / "shared" / "data"


def _lib():
    from conftest import c_library
    lib = c_library()
    lib.c2d_http_tokenize.argtypes = [ctypes.c_char_p, ctypes.c_size_t,
                                      ctypes.POINTER(ctypes.c_uint16), ctypes.c_size_t,
                                      ctypes.POINTER(ctypes.c_size_t)]
    return lib


def _c_tokens(lib, block: bytes):
    out = (ctypes.c_uint16 * H.SEQ_LEN)()
    n = ctypes.c_size_t()
    st = lib.c2d_http_tokenize(block, len(block), out, H.SEQ_LEN, ctypes.byref(n))
    return st, list(out), n.value


def _py_tokens(block: bytes):
    try:
        ids, n = H.tokenize(block)
        return 0, ids, n
    except H.NotRequest:
        return -70, [0] * H.SEQ_LEN, 0


def _agree(lib, blocks):
    bad = []
    for b in blocks:
        if _c_tokens(lib, b) != _py_tokens(b):
            bad.append(b)
    assert not bad, f"{len(bad)} of {len(blocks)} differ, first: {bad[0][:200]!r}"


EDGE = [
    b"", b"\r\n", b"GET", b"GET ", b"get / http/1.1", b"GET / HTTP/2\r\n\r\n", b"CONNECT a.b:443 HTTP/1.1\r\n",
    b"OPTIONS * HTTP/1.1\r\nHost: x\r\n\r\n", b"GET http://[::1]:8080/a?b=c#d HTTP/1.1\r\n\r\n",
    b"GET /a//b/ HTTP/1.1\r\n X: folded-first\r\n\tmore\r\nY:\r\n\r\n",
    b"GET /?&&a=&=b HTTP/1.1\r\n:novalue\r\nnocolon\r\n\r\nbody",
    b"GET /1.2.3.4.5/10.0.0.1:80/1.2.3/999.1.1.1 HTTP/1.1\r\nReferer: 90.160.138.175/x\r\n\r\n",
    b"GET /a b c HTTP/1.1\r\nHost: \xff\xfe\x80\r\n\r\n", b"GET / HTTP/1.1\r\nHost: x\r\n\r",
    b"GET / HTTP/1.1\nA: b\r\nC: d\n\n", b"\x00\x01", b"GET\t/x\tHTTP/1.0\r\n\r\n",
]


def test_edge_cases_agree():
    _agree(_lib(), EDGE)


def test_random_mutations_agree():
    lib = _lib()
    rng = random.Random(5)
    base = [b"GET /sobaka1.gif?12db3cf=98861835 HTTP/1.1\r\nUser-Agent: Mozilla/4.0 (compatible; "
            b"MSIE 7.0b; Windows NT 6.0)\r\nHost: padrup.com\r\nCache-Control: no-cache\r\n\r\n"] + EDGE[4:]
    alphabet = b"\r\n :/?=&.#\t1aA-_%"
    blocks = []
    for _ in range(1500):
        b = bytearray(rng.choice(base))
        for _ in range(rng.randint(1, 6)):
            op = rng.random()
            pos = rng.randint(0, len(b))
            if op < 0.4:
                b[pos:pos] = bytes([rng.choice(alphabet)])
            elif op < 0.7 and b:
                del b[pos:pos + rng.randint(1, 4)]
            else:
                b[pos:pos] = bytes(rng.choice(alphabet) for _ in range(rng.randint(1, 600)))
        blocks.append(bytes(b))
    _agree(lib, blocks)


def test_shared_data_agree():
    if not SHARED.exists() or not shutil.which("tshark"):
        pytest.skip("shared data or tshark absent")
    from c2detect import http_data
    recs = http_data.real_records(SHARED)
    assert len(recs) > 1000
    _agree(_lib(), [r["block"] for r in recs])


def test_generated_agree():
    if not SHARED.exists():
        pytest.skip("shared data absent")
    from c2detect import http_gen
    blocks = [s.block for s in http_gen.malicious_samples(SHARED, seed=3, per_profile=10)]
    blocks += [s.block for s in http_gen.benign_samples(SHARED, seed=3, n=1000)]
    _agree(_lib(), blocks)
