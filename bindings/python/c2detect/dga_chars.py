"""Character tokens of a DNS query name for the DGA text CNN (schema "dga-chars-v1").

The Python twin of c2d_dga_tokenize() (lib/dga/chars.c); docs/dga.md defines it:

- the name is normalised as by c2d_dga_normalize (lower case, one trailing dot
  dropped, validated; a malformed name raises c2detect.dga.NameError_);
- the sequence is START followed by one token per byte of the normalised name;
- only its LAST 64 tokens are kept (the registrable domain and suffix are at the
  end of a name; a name of 64 bytes or more loses START and its first bytes);
- shorter sequences are padded on the left with PAD.

Ids: PAD 0, START 1, 'a'..'z' 2..27, '0'..'9' 28..37, '-' 38, '_' 39, '.' 40.
"""
from __future__ import annotations

from . import dga

SCHEMA = "dga-chars-v1"
SEQ_LEN = 64
PAD = 0
START = 1
VOCAB_SIZE = 41

_ID = {}
for _i, _c in enumerate("abcdefghijklmnopqrstuvwxyz"):
    _ID[ord(_c)] = 2 + _i
for _i, _c in enumerate("0123456789"):
    _ID[ord(_c)] = 28 + _i
_ID[ord("-")] = 38
_ID[ord("_")] = 39
_ID[ord(".")] = 40


def tokenize(name) -> list[int]:
    """SEQ_LEN token ids of `name` (str or bytes); raises dga.NameError_."""
    norm = dga.normalize(name).encode("ascii")
    seq = [START] + [_ID[b] for b in norm]
    seq = seq[-SEQ_LEN:]
    return [PAD] * (SEQ_LEN - len(seq)) + seq


def tokenize_many(names):
    """uint16 array [N, SEQ_LEN] and the indexes of the names kept (malformed
    names are skipped, as c2detect.dga.features_matrix does)."""
    import numpy as np
    rows, kept = [], []
    for i, n in enumerate(names):
        try:
            rows.append(tokenize(n))
        except dga.NameError_:
            continue
        kept.append(i)
    return np.asarray(rows, dtype=np.uint16).reshape(-1, SEQ_LEN), kept
