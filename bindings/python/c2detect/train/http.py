"""Training recipe of the built-in HTTP C2 model (lib/models/http.c2dm) and its
model card figures (docs/models/http.md, docs/models/http_*.png).

    PYTHONPATH=bindings/python C2D_LIBRARY=build/lib/libc2detect.so \
        /usr/bin/python3 -m c2detect.train.http --out lib/models/http.c2dm --card docs/models

Data (all seeded, nothing stored): Malleable-profile beacons (http_gen) minus the
held-out families, generated benign traffic, and the real captures of http_data
marked "train". Evaluation: held-out profile families, fresh generated samples
of the training families, fresh generated benign, and the held-out real captures.
The decision threshold is set on a separate generated-benign calibration set for
FPR <= 0.025 %, using the int8 engine's own scores.
"""
from __future__ import annotations

import argparse
import ctypes
import json
import os
import pathlib
import random
import time

import numpy as np

from .. import http_tokens
from ..data import http_data, http_gen

SEED = 20240605
ARCH = dict(dim=32, branches=[[(64, 3, "same")], [(64, 5, "same")]], hidden=(32,))


# ------------------------------------------------------------- tokenizing
def _c_tokenizer():
    path = os.environ.get("C2D_LIBRARY")
    if not path or not os.path.exists(path):
        return None
    from ..lib import lib as c2d_lib  # the package's one loader (it opens C2D_LIBRARY)
    f = c2d_lib().c2d_http_tokenize
    f.argtypes = [ctypes.c_char_p, ctypes.c_size_t, ctypes.POINTER(ctypes.c_uint16), ctypes.c_size_t,
                  ctypes.POINTER(ctypes.c_size_t)]
    return f


def tokenize_many(blocks) -> np.ndarray:
    """[N, 256] uint16 ids. Uses the C tokenizer when C2D_LIBRARY is set (the two
    are identical, bindings/python/tests/test_http_tokens.py), else the Python twin."""
    out = np.zeros((len(blocks), http_tokens.SEQ_LEN), dtype=np.uint16)
    f = _c_tokenizer()
    buf = (ctypes.c_uint16 * http_tokens.SEQ_LEN)()
    n = ctypes.c_size_t()
    for i, b in enumerate(blocks):
        if f is not None:
            if f(b, len(b), buf, http_tokens.SEQ_LEN, ctypes.byref(n)) == 0:
                out[i] = np.frombuffer(buf, dtype=np.uint16)
        else:
            try:
                out[i] = http_tokens.tokenize(b)[0]
            except http_tokens.NotRequest:
                pass
    return out


# ----------------------------------------------------------- augmentation
def augment(block: bytes, rng: random.Random) -> bytes:
    """Field removal, value change and reordering as in Unit 42's Tables 1-3, applied
    to both classes alike so that none of them becomes a label cue."""
    head, sep, body = block.partition(b"\r\n\r\n")
    lines = head.split(b"\r\n")
    if len(lines) < 2:
        return block
    req, fields = lines[0], lines[1:]
    r = rng.random()
    if r < 0.25 and len(fields) > 1:
        del fields[rng.randrange(len(fields))]
    elif r < 0.45 and len(fields) > 1:
        i, j = rng.randrange(len(fields)), rng.randrange(len(fields))
        fields[i], fields[j] = fields[j], fields[i]
    elif r < 0.55:
        parts = req.split(b" ")
        if len(parts) == 3:
            req = b" ".join([parts[0], b"/", parts[2]])
    return b"\r\n".join([req] + fields) + sep + body


# --------------------------------------------------------------------- data
def build_data(data_dir, seed=SEED, per_profile=300, n_benign=40000):
    rng = random.Random(seed)
    fams_all = {p.family for p in http_gen.load_profiles(data_dir)}
    train_fams = fams_all - http_gen.HOLDOUT_FAMILIES
    mal_train = http_gen.malicious_samples(data_dir, seed + 1, per_profile, families=train_fams)
    mal_test_in = http_gen.malicious_samples(data_dir, seed + 2, 40, families=train_fams)
    mal_test_out = http_gen.malicious_samples(data_dir, seed + 3, 200, families=http_gen.HOLDOUT_FAMILIES)
    ben_train = http_gen.benign_samples(data_dir, seed + 4, n_benign)
    ben_calib = http_gen.benign_samples(data_dir, seed + 5, n_benign)
    ben_test = http_gen.benign_samples(data_dir, seed + 6, n_benign)
    real = [r for r in http_data.real_records(data_dir) if r["label"] is not None]
    real_train = [http_gen.Sample(r["block"], r["label"], r["family"], r["source"]) for r in real if r["split"] == "train"]
    real_test = [http_gen.Sample(r["block"], r["label"], r["family"], r["source"]) for r in real if r["split"] == "test"]
    train = mal_train + ben_train + real_train * 5
    train_blocks = [augment(s.block, rng) if rng.random() < 0.5 else s.block for s in train]
    return dict(train=(train, train_blocks), mal_test_in=mal_test_in, mal_test_out=mal_test_out,
                ben_calib=ben_calib, ben_test=ben_test, real_test=real_test, real_train=real_train)


# -------------------------------------------------------------------- train
def train_model(X, y, epochs=3, seed=SEED, log=print):
    import torch
    from ..torch_export import TextCNN

    torch.manual_seed(seed)
    torch.set_num_threads(1)
    model = TextCNN(http_tokens.VOCAB_SIZE, http_tokens.SEQ_LEN, ARCH["dim"], ARCH["branches"], ARCH["hidden"])
    opt = torch.optim.Adam(model.parameters(), lr=2e-3)
    Xt = torch.as_tensor(X.astype(np.int64))
    yt = torch.as_tensor(y.astype(np.float32))
    pos = float(y.sum())
    pos_weight = torch.tensor((len(y) - pos) / max(pos, 1.0))
    lossf = torch.nn.BCEWithLogitsLoss(pos_weight=pos_weight)
    g = torch.Generator().manual_seed(seed)
    bs = 128
    for ep in range(epochs):
        perm = torch.randperm(len(y), generator=g)
        t0, tot = time.time(), 0.0
        model.train()
        for i in range(0, len(y), bs):
            idx = perm[i:i + bs]
            opt.zero_grad()
            loss = lossf(model(Xt[idx]).squeeze(1), yt[idx])
            loss.backward()
            opt.step()
            tot += float(loss) * len(idx)
        for pg in opt.param_groups:
            pg["lr"] *= 0.5
        log(f"epoch {ep + 1}: loss {tot / len(y):.4f} ({time.time() - t0:.0f} s)")
    return model.eval()


def _c_scores(blob: bytes, X: np.ndarray):
    """P(C2) from the C engine named by C2D_LIBRARY, or None without one."""
    path = os.environ.get("C2D_LIBRARY")
    if not path or not os.path.exists(path):
        return None
    from ..lib import lib as c2d_lib
    if not hasattr(c2d_lib(), "c2d_cnn_predict"):
        return None
    from ..cnn import CnnModel

    return CnnModel(blob, path).proba(X)[:, 1].astype(np.float64)


def int8_scores(blob: bytes, X: np.ndarray) -> np.ndarray:
    """P(C2) of the int8 engine: the C library's own float scores when C2D_LIBRARY
    is set (what c2d_http_score returns), else the exporter's integer reference."""
    c = _c_scores(blob, X)
    if c is not None:
        return c
    from ..torch_export import load_model, reference_logits

    m = load_model(blob)
    out = []
    for i in range(0, len(X), 2048):
        lg = np.asarray(reference_logits(m, X[i:i + 2048].astype(np.int64)), dtype=np.float32)
        out.append((1.0 / (1.0 + np.exp(-lg[:, 0].astype(np.float64)))).astype(np.float32).astype(np.float64))
    return np.concatenate(out)


def threshold_for_fpr(benign_scores: np.ndarray, fpr: float) -> float:
    """Smallest threshold t (score >= t is C2) with FPR <= fpr on these scores."""
    s = np.sort(benign_scores)[::-1]
    k = int(np.floor(fpr * len(s)))  # allowed false positives
    if k >= len(s):
        return float(s[-1])
    return float(np.nextafter(s[k], np.inf))


def main(argv=None):
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--data", default=str(http_data.shared_data_dir()))
    ap.add_argument("--out", default="lib/models/http.c2dm")
    ap.add_argument("--card", default="docs/models", help="where the figures and results JSON go")
    ap.add_argument("--epochs", type=int, default=3)
    ap.add_argument("--per-profile", type=int, default=300)
    ap.add_argument("--benign", type=int, default=40000)
    ap.add_argument("--eval-only", action="store_true",
                    help="rebuild the data and re-evaluate the model at --out (card only)")
    args = ap.parse_args(argv)
    from ..torch_export import from_torch
    from . import http_eval

    t0 = time.time()
    D = build_data(args.data, per_profile=args.per_profile, n_benign=args.benign)
    train, blocks = D["train"]
    X = tokenize_many(blocks)
    y = np.array([s.label for s in train], dtype=np.int64)
    print(f"train: {len(y)} blocks, {int(y.sum())} C2 ({time.time() - t0:.0f} s)")
    fams = sorted({s.family for s in train if s.label == 1})
    stats = dict(n_train=len(y), n_train_c2=int(y.sum()), train_c2_families=fams,
                 heldout_families=sorted(http_gen.HOLDOUT_FAMILIES),
                 n_mal_test_in=len(D["mal_test_in"]), n_mal_test_out=len(D["mal_test_out"]),
                 n_ben_calib=len(D["ben_calib"]), n_ben_test=len(D["ben_test"]),
                 n_real_train=len(D["real_train"]), n_real_test=len(D["real_test"]),
                 args=dict(per_profile=args.per_profile, benign=args.benign, epochs=args.epochs, seed=SEED),
                 arch=ARCH)
    if args.eval_only:
        blob = pathlib.Path(args.out).read_bytes()
        from ..c2dm import read_container
        meta = read_container(blob)[2]
        thr = float(meta["threshold"])
        if "max_abs_proba_diff" in meta:
            stats["max_abs_proba_diff"] = float(meta["max_abs_proba_diff"])
    else:
        model = train_model(X, y, epochs=args.epochs)
        calib = tokenize_many([s.block for s in D["ben_calib"]])
        rng = np.random.default_rng(SEED)
        sample = X[rng.choice(len(X), 2000, replace=False)].astype(np.int64)
        res = from_torch(model, sample, None, schema="http-tokens-v1", meta={})
        s_cal = int8_scores(res["bytes"], calib)
        diff = float(res["max_abs_proba_diff"])
        thr = threshold_for_fpr(s_cal, 0.00025)
        meta = {
            "name": "http",
            "description": "HTTP C2 request-header text CNN (int8). Trained on Malleable-C2 beacon renderings, "
                           "generated browser/updater/API-client headers and labelled real captures; "
                           "recipe: python3 -m c2detect.train.http (docs/models/http.md).",
            "threshold": thr, "threshold_fpr": 0.00025,
            "threshold_benign_n": float(len(calib)),
            "trained_on": f"seed {SEED}, {len(y)} blocks ({int(y.sum())} C2)",
            "pad_id": 0.0,
            "max_abs_proba_diff": diff,
        }
        res = from_torch(model, sample, args.out, schema="http-tokens-v1", meta=meta)
        blob = res["bytes"]
        stats["max_abs_proba_diff"] = float(res["max_abs_proba_diff"])
        print(f"exported {args.out}: {len(blob)} bytes, threshold {thr:.6f}, "
              f"max |p_int8 - p_float| {res['max_abs_proba_diff']:.4f}")
    stats["model_bytes"] = len(blob)
    card = pathlib.Path(args.card)
    r = http_eval.evaluate(blob, D, thr, card, int8_scores, tokenize_many)
    r["stats"] = stats
    (card / "http_results.json").write_text(json.dumps(r, indent=1))
    http_eval.write_card(r, card / "http.md")
    print(f"total {time.time() - t0:.0f} s")


if __name__ == "__main__":
    main()
