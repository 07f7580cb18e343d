"""The DGA ensemble through c2detect.dga_detect: the built-in pair's score is the
documented formula of its two models' outputs (numpy twin in
c2detect.train_dga_ensemble.combine), classify applies the stored gate and
threshold, and the recipe's tuning rules and META rewrite do what they say.

Needs the shared library (C2D_LIBRARY or a build tree).
"""
import math
import pathlib

import numpy as np
import pytest

from conftest import ROOT, c_library
from c2detect import c2dm, dga_chars, train_dga_ensemble
from c2detect.cnn import CnnModel
from c2detect.dga_detect import Ensemble, model_scores
from c2detect.lib import C2DError, Model

GOLDEN = ROOT / "tests" / "golden"
NAMES = ["www.google.com", "github.com", "krihpqnrgqls.com", "xkqzvtwpmrbnhgfdlsjc.net",
         "kitchenpositionstand.com", "a.io", "xn--bcher-kva.de", "_dmarc.example.com",
         "qxwcretkhuvchx.co.uk", "mail.yahoo.co.jp"]


@pytest.fixture(scope="module")
def ens():
    c_library()
    e = Ensemble.builtin()
    yield e
    e.close()


def test_builtin_score_is_the_formula(ens):
    forest, cnn = Model.builtin("dga-fanci"), Model.builtin("dga-cnn")
    p = model_scores(forest, NAMES)
    X, kept = dga_chars.tokenize_many(NAMES)
    assert kept == list(range(len(NAMES)))
    with open(ROOT / "lib" / "models" / "dga-cnn.c2dm", "rb") as f:
        z = CnnModel(f.read()).logits(X)[:, 0]
    want = train_dga_ensemble.combine(p, z).astype(np.float32)
    got = ens.scores(NAMES)
    np.testing.assert_allclose(got, want, rtol=0, atol=2e-7)


def test_builtin_classify_uses_the_tuned_values(ens):
    info = ens.info()
    meta = c2dm.read_container((ROOT / "lib" / "models" / "dga-cnn.c2dm").read_bytes())[2]
    assert info["tuned"] is True
    assert info["threshold"] == meta["ensemble.threshold"]
    assert info["gate"] == meta["ensemble.gate"]
    forest = Model.builtin("dga-fanci")
    p = model_scores(forest, NAMES)
    full = ens.scores(NAMES)
    for name, pf, s in zip(NAMES, p, full):
        score, is_dga = ens.classify(name)
        if pf < info["gate"]:
            assert (score, is_dga) == (0.0, False), name
        else:
            assert score == s and is_dga == (s >= info["threshold"]), name
    assert ens.classify("krihpqnrgqls.com")[1] is True
    assert ens.classify("github.com") == (0.0, False)
    with pytest.raises(C2DError) as e:
        ens.classify("bad..name")
    assert e.value.name == "C2D_ERR_NAME_EMPTY_LABEL"
    s, st = ens.scores(["ok.com", "bad..name"], with_status=True)
    assert math.isnan(s[1]) and st.tolist() == [0, -51]


def test_with_meta_keeps_weights_and_tuning_rules():
    c_library()
    forest = (GOLDEN / "dga_fanci_tiny.c2dm").read_bytes()
    cnn = (GOLDEN / "dga_chars_ok.c2dm").read_bytes()
    # Synthetic sets: forest P = 0.2 for names up to 10 bytes, else 0.9.
    short = [(f"{i:04d}ab.com", "alexa") for i in range(900)]      # 10 bytes
    long_ = [(f"{i:04d}abcdef.com", "alexa") for i in range(100)]  # 14 bytes
    sets = {"benign_tune": short + long_, "benign_test": short[:50] + long_[:50],
            "seen_test": [(n, "fam") for n, _ in long_[:20]],
            "unseen_test": [(n, "fam2") for n, _ in short[:20]]}
    meta, r = train_dga_ensemble.tune(forest, cnn, sets, 0.01)
    # 10 % of benign_tune pass P >= 0.9, more than the 5 % share: the gate
    # must sit above 0.9, so that no benign_tune name passes it.
    assert meta["ensemble.gate"] > 0.9
    assert float(np.mean(r["scores"]["benign_tune"]["p"] >= meta["ensemble.gate"])) == 0.0
    assert meta["ensemble.forest_crc32c"] == float(c2dm.crc32c(forest))
    out = train_dga_ensemble.with_meta(cnn, meta)
    k0, s0, m0 = c2dm.read_container(cnn)
    k1, s1, m1 = c2dm.read_container(out)
    assert k0 == k1 and {t: v for t, v in s0.items() if t != c2dm.SEC_META} == \
        {t: v for t, v in s1.items() if t != c2dm.SEC_META}
    assert m1 == dict(m0, **meta)
    e = Ensemble.from_models(Model.from_bytes(forest), Model.from_bytes(out))
    assert e.info()["tuned"] is True and e.info()["gate"] == meta["ensemble.gate"]
    e.close()
