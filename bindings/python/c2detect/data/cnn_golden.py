"""Writes the CNN golden fixture (tests/golden/cnn_golden.*) and the CNN part of
the loader's fuzz corpus from a fixed numpy seed, no training involved:

    PYTHONPATH=bindings/python python3 -m c2detect.cnn_golden tests

The model has three branches (k 3 same -> k 2 valid, k 5 valid, k 1), windows
whose length is not a multiple of any vector width, extreme weights (+-127),
zero points at both ends, and three logits (softmax). Expected logits come from
c2detect.torch_export.reference_logits, the numpy integer reference.
"""
from __future__ import annotations

import os
import struct
import sys

import numpy as np

from .. import c2dm, torch_export as te


def build(seed=1234):
    rng = np.random.default_rng(seed)
    seq_len, vocab, dim = 20, 50, 12
    e_zp = 127
    emb = rng.integers(-128, 128, size=(vocab, dim)).astype(np.int8)
    emb[0, :] = -128
    emb[1, :] = 127
    spec = [  # (dense, branch, k, pad, relu, cin, cout, zp_out)
        (False, 0, 3, 1, 1, dim, 10, -128),
        (False, 0, 2, 0, 1, 10, 17, -100),
        (False, 1, 5, 0, 1, dim, 9, -100),
        (False, 2, 1, 1, 0, dim, 5, -100),
        (True, 0, 1, 0, 0, 31, 7, -128),
        (True, 0, 1, 0, 0, 7, 3, 0),
    ]
    layers, prev_zp = [], None
    for i, (dense, br, k, pad, relu, cin, cout, zp_out) in enumerate(spec):
        if not dense and (i == 0 or spec[i - 1][1] != br):
            zp_in = e_zp
        elif i == 4:
            zp_in = -100
        else:
            zp_in = prev_zp
        w = rng.integers(-127, 128, size=(cout, k * cin)).astype(np.int8)
        w[0, :] = 127
        if cout > 1:
            w[1, :] = -127
        L = dict(dense=dense, branch=br, k=k, pad=pad, relu=relu, cin=cin, cout=cout,
                 zp_in=zp_in, zp_out=zp_out, w=w,
                 bias_q=rng.integers(-(1 << 20), 1 << 20, size=cout).astype(np.int64))
        if i == len(spec) - 1:
            L["bias_q"][0] = 1 << 30
        if i == len(spec) - 1:
            L["scale"] = (rng.random(cout) * 1e-4).astype(np.float32)
        else:
            L["mult"] = rng.integers(1 << 30, 1 << 31, size=cout).astype(np.int64)
            L["shift"] = (rng.integers(42, 45, size=cout) + (1 if dense else 0)).astype(np.int64)
            L["mult"][-1] = (1 << 31) - 1
            L["shift"][-1] = 62
        layers.append(L)
        prev_zp = zp_out
    sections = te._pack_sections(seq_len, vocab, dim, e_zp, emb, layers, 4, 3, 3)
    sections[c2dm.SEC_META] = c2dm.encode_meta({"schema": "test-v1", "name": "cnn-golden"})
    blob = c2dm.pack_container(c2dm.KIND_CNN, sections)
    tokens = rng.integers(0, vocab, size=(6, seq_len))
    tokens[0, :] = 0
    tokens[1, :] = 1
    tokens[2, :] = vocab - 1
    return blob, tokens, te.reference_logits(blob, tokens)


def _corrupt(blob):
    """A few broken variants (CRCs fixed up so the CNN validator sees them)."""
    kind, sec, _ = c2dm.read_container(blob)
    out = {}

    def variant(name, t, off, fmt, value):
        s = dict(sec)
        b = bytearray(s[t])
        struct.pack_into(fmt, b, off, value)
        s[t] = bytes(b)
        out[name] = c2dm.pack_container(kind, s)

    variant("cnn_seq0", te.SEC_CNN_HEADER, 4, "<I", 0)
    variant("cnn_vocab_big", te.SEC_CNN_HEADER, 8, "<I", 70000)
    variant("cnn_kernel8", te.SEC_CNN_LAYERS, 2, "<B", 8)
    variant("cnn_weight_off", te.SEC_CNN_LAYERS, 24, "<I", 1 << 20)
    variant("cnn_weight_m128", te.SEC_CNN_WEIGHTS, 5, "<b", -128)
    variant("cnn_shift31", te.SEC_CNN_PARAMS, 4 * 20, "<i", 31)
    out["cnn_truncated"] = blob[:len(blob) - 7]
    return out


def main(tests_dir):
    blob, tokens, logits = build()
    golden = os.path.join(tests_dir, "golden")
    with open(os.path.join(golden, "cnn_golden.c2dm"), "wb") as f:
        f.write(blob)
    with open(os.path.join(golden, "cnn_golden.txt"), "w") as f:
        f.write("# tokens (one sequence per line) then logits as float32 bit patterns\n")
        f.write(f"{tokens.shape[0]} {tokens.shape[1]} {logits.shape[1]}\n")
        for row in tokens:
            f.write(" ".join(str(int(t)) for t in row) + "\n")
        for row in logits:
            f.write(" ".join("%08x" % struct.unpack("<I", struct.pack("<f", v))[0] for v in row) + "\n")
    corpus = os.path.join(tests_dir, "fuzz", "corpus", "cnn")
    with open(os.path.join(corpus, "cnn_golden.c2dm"), "wb") as f:
        f.write(blob)
    for name, data in _corrupt(blob).items():
        with open(os.path.join(corpus, name + ".c2dm"), "wb") as f:
            f.write(data)


if __name__ == "__main__":
    main(sys.argv[1] if len(sys.argv) > 1 else "tests")
