"""Writes the models tests/test_dga.c uses to check what c2d_dga_model_check
refuses, from seeded random weights (no training):

    PYTHONPATH=bindings/python /usr/bin/python3 -m c2detect.dga_cnn_testmodels tests/golden

- dga_chars_seq32.c2dm: schema dga-chars-v1 but 32 tokens per sequence (schema mismatch);
- dga_chars_2logits.c2dm: dga-chars-v1, 64 tokens, two logits (schema mismatch);
- dga_chars_vocab40.c2dm: dga-chars-v1, 64 tokens, vocabulary 40 < 41 (schema mismatch);
- dga_chars_bigscratch.c2dm: dga-chars-v1, 64 tokens, one logit, but a second
  conv layer of 64 -> 64 channels, kernel 7, whose scratch is over
  C2D_DGA_CNN_SCRATCH_MAX (limit);
- dga_chars_ok.c2dm: a valid dga-chars-v1 CNN (kernels 2 and 3, 8 filters);
- dga_chars_forest.c2dm: a forest that claims schema dga-chars-v1 (kind mismatch).

And for the DGA ensemble (c2d_dga_ensemble_new), from dga_chars_ok.c2dm's bytes:
- dga_fanci_tiny.c2dm: a dga-fanci-v1 forest of one stump: P(DGA) 0.2 for names
  of at most 10 bytes (feature 0, length), else 0.9;
- dga_ens_cnn.c2dm: the valid CNN tuned for that forest (its CRC-32C), threshold
  0.3, gate 0.5;
- dga_ens_cnn_other.c2dm: the same values for another forest (CRC + 1): untuned;
- dga_ens_cnn_nothr.c2dm: the forest's CRC but no threshold (malformed);
- dga_ens_cnn_badgate.c2dm: gate 1.5 (malformed);
- dga_ens_cnn_textcrc.c2dm: the CRC as text (malformed).
"""
from __future__ import annotations

import os
import sys

import numpy as np

from .. import dga_chars
from ..c2dm import Tree, crc32c, write_forest


def _cnn(path, seq_len=dga_chars.SEQ_LEN, vocab=dga_chars.VOCAB_SIZE, branches=None, n_logits=1,
         seed=7):
    import torch
    from ..torch_export import TextCNN, from_torch
    torch.manual_seed(seed)
    m = TextCNN(vocab, seq_len, 8, branches or [[(8, 2, "valid")], [(8, 3, "valid")]], (8,),
                n_logits=n_logits)
    rng = np.random.default_rng(seed)
    sample = rng.integers(0, vocab, size=(64, seq_len))
    from_torch(m, sample, path, schema=dga_chars.SCHEMA, meta={"name": os.path.basename(path)})


def main(argv=None):
    argv = sys.argv[1:] if argv is None else argv
    out = argv[0] if argv else "tests/golden"
    os.makedirs(out, exist_ok=True)
    _cnn(os.path.join(out, "dga_chars_seq32.c2dm"), seq_len=32)
    _cnn(os.path.join(out, "dga_chars_2logits.c2dm"), n_logits=2)
    _cnn(os.path.join(out, "dga_chars_vocab40.c2dm"), vocab=40)
    _cnn(os.path.join(out, "dga_chars_bigscratch.c2dm"),
         branches=[[(64, 3, "valid"), (64, 7, "valid")]])
    _cnn(os.path.join(out, "dga_chars_ok.c2dm"))
    tree = Tree([(0, 0.5, 1), (None, [0.0]), (None, [1.0])])
    data = write_forest(1, 2, [tree], {"schema": dga_chars.SCHEMA, "name": "dga_chars_forest"})
    with open(os.path.join(out, "dga_chars_forest.c2dm"), "wb") as f:
        f.write(data)
    ensemble_models(out)
    return 0


def ensemble_models(out):
    """The ensemble test models (module docstring), derived from dga_chars_ok.c2dm."""
    from ..train.dga_ensemble import with_meta
    stump = Tree([(0, 10.5, 1), (None, [0.2]), (None, [0.9])])
    forest = write_forest(41, 2, [stump], {"schema": "dga-fanci-v1", "name": "dga_fanci_tiny"})
    with open(os.path.join(out, "dga_fanci_tiny.c2dm"), "wb") as f:
        f.write(forest)
    with open(os.path.join(out, "dga_chars_ok.c2dm"), "rb") as f:
        cnn = f.read()
    crc = float(crc32c(forest))
    tuned = {"ensemble.forest_crc32c": crc, "ensemble.threshold": 0.3,
             "ensemble.threshold_fpr": 0.001, "ensemble.gate": 0.5}
    variants = {
        "dga_ens_cnn.c2dm": tuned,
        "dga_ens_cnn_other.c2dm": dict(tuned, **{"ensemble.forest_crc32c": crc + 1}),
        "dga_ens_cnn_nothr.c2dm": {"ensemble.forest_crc32c": crc, "ensemble.gate": 0.5},
        "dga_ens_cnn_badgate.c2dm": dict(tuned, **{"ensemble.gate": 1.5}),
        "dga_ens_cnn_textcrc.c2dm": dict(tuned, **{"ensemble.forest_crc32c": str(int(crc))}),
    }
    for name, meta in variants.items():
        with open(os.path.join(out, name), "wb") as f:
            f.write(with_meta(cnn, meta))


if __name__ == "__main__":
    sys.exit(main())
