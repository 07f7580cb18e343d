"""The PyTorch exporter and the numpy integer reference against the C engine:
train a tiny text CNN here, export it, and require the C logits to equal the
reference exactly on every ISA this machine runs, and the float model within
a stated tolerance."""

import numpy as np
import pytest

torch = pytest.importorskip("torch")

from c2detect import torch_export  # noqa: E402
from c2detect.cnn import CnnModel  # noqa: E402

# int8 vs float tolerance for these tiny models (probabilities, absolute)
PROBA_TOLERANCE = 0.05


def _loadable():
    from c2detect import lib
    try:
        lib.lib()
        return True
    except OSError:
        return False


needs_lib = pytest.mark.skipif(not _loadable(), reason="libc2detect not loadable")


def _data(rng, n, vocab, seq_len, n_classes):
    x = rng.integers(0, vocab, size=(n, seq_len))
    y = np.zeros(n, dtype=np.int64)
    for i in range(n):
        cls = rng.integers(0, n_classes)
        if cls:
            # class c plants motif (c, c+1, c+2) somewhere
            p = rng.integers(0, seq_len - 3)
            x[i, p:p + 3] = [cls, cls + 1, cls + 2]
        y[i] = cls
    return x, y


def _train(n_classes, branches, hidden, seed):
    torch.manual_seed(seed)
    rng = np.random.default_rng(seed)
    vocab, seq_len = 40, 24
    x, y = _data(rng, 600, vocab, seq_len, n_classes)
    model = torch_export.TextCNN(vocab, seq_len, 8, branches, hidden,
                                 n_logits=1 if n_classes == 2 else n_classes)
    opt = torch.optim.Adam(model.parameters(), lr=0.02)
    xt = torch.as_tensor(x)
    yt = torch.as_tensor(y)
    for _ in range(80):
        opt.zero_grad()
        out = model(xt)
        if n_classes == 2:
            loss = torch.nn.functional.binary_cross_entropy_with_logits(out[:, 0], yt.float())
        else:
            loss = torch.nn.functional.cross_entropy(out, yt)
        loss.backward()
        opt.step()
    return model.eval(), x


def _isas():
    names = ["scalar", "best"]
    for cand in ("avx2", "avx512vnni", "neon"):
        names.append(cand)
    return names


@needs_lib
@pytest.mark.parametrize("n_classes,branches,hidden", [
    (2, [[(8, 3, "same")], [(6, 5, "valid"), (8, 3, "same")]], (8,)),
    (3, [[(16, 1, "same")], [(8, 4, "same")], [(8, 7, "valid")]], ()),
])
def test_export_matches_reference_and_float(tmp_path, n_classes, branches, hidden):
    model, x = _train(n_classes, branches, hidden, seed=n_classes)
    path = tmp_path / "m.c2dm"
    rep = torch_export.from_torch(model, x[:200], str(path), schema="test-v1",
                                  meta={"name": "tiny"})
    blob = path.read_bytes()
    assert blob == rep["bytes"]
    eval_x = x[200:400]
    ref = torch_export.reference_logits(blob, eval_x)
    c = CnnModel(blob)
    assert c.shape.seq_len == 24 and c.shape.vocab == 40
    ran = 0
    for fold_kib in (8192, 0):  # embedding convolutions folded (default) and not
        c.set_fold_kib(fold_kib)
        for isa in _isas():
            try:
                c.set_isa_cap(isa)
            except RuntimeError:
                continue  # not compiled in for this architecture
            ran += 1
            got = c.logits(eval_x)
            np.testing.assert_array_equal(got, ref)  # bit-exact
    assert ran >= 4
    c.set_isa_cap("best")
    with torch.no_grad():
        flog = model(torch.as_tensor(eval_x)).double().numpy()
    fp = torch_export._proba(flog)
    cp = c.proba(eval_x)
    assert cp.shape == (200, 2 if n_classes == 2 else n_classes)
    assert np.abs(cp - fp).max() <= PROBA_TOLERANCE
    # the trained model actually learned the motif task
    assert (cp.argmax(axis=1) == fp.argmax(axis=1)).mean() >= 0.95
    assert rep["max_abs_proba_diff"] <= PROBA_TOLERANCE


@needs_lib
def test_bad_token_is_refused():
    model, x = _train(2, [[(4, 3, "same")]], (), seed=7)
    c = CnnModel(torch_export.from_torch(model, x[:50])["bytes"])
    bad = x[:2].copy()
    bad[1, 3] = 40
    with pytest.raises(RuntimeError, match="C2D_ERR_CNN_TOKEN"):
        c.logits(bad)


def test_quantize_multiplier():
    assert torch_export.quantize_multiplier(0.25) == (1 << 30, 32)
    m, s = torch_export.quantize_multiplier(0.001)
    assert (1 << 30) <= m < (1 << 31) and abs(m / 2.0 ** s - 0.001) < 1e-12
    assert torch_export.quantize_multiplier(0.0) == (0, 32)
    with pytest.raises(ValueError):
        torch_export.quantize_multiplier(0.5)


def test_unsupported_model_is_refused():
    model = torch_export.TextCNN(10, 8, 4, [[(4, 3, "same")]])
    model.branches[0][0] = torch.nn.Conv1d(4, 4, 3, stride=2)
    with pytest.raises(ValueError):
        torch_export.from_torch(model, np.zeros((2, 8), dtype=np.int64))
