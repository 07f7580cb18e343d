"""Train the character-level int8 CNN DGA model (lib/models/dga-cnn.c2dm), compare
it with the FANCI forest on the identical split and write its model card.

    PYTHONPATH=bindings/python C2D_LIBRARY=build/lib/libc2detect.so \\
        /usr/bin/python3 -m c2detect.train.dga_cnn --data ../shared/data/dga \\
        --out lib/models/dga-cnn.c2dm --forest lib/models/dga-fanci.c2dm \\
        --card docs/models/dga-cnn.md --golden tests/golden/dga_cnn_scores.txt

The split is c2detect.train.dga.split (same seed, same seen/unseen families and
benign train/tune/test sets). The network trains on `train` (DGA) and
`benign_train`; the threshold is set on `benign_tune` with the int8 engine's own
scores; `benign_test` and the unseen families are only scored. Tokens: schema
dga-chars-v1 (c2detect.dga_chars, docs/dga.md). The forest is scored by the C
library (c2d_dga_score_batch) on the same names, so both columns of the card's
comparison come from the shipped models.
"""
from __future__ import annotations

import argparse
import ctypes
import hashlib
import os
import sys
import time

import numpy as np

from .. import dga_chars
from . import dga as train_dga

SEED = 20181
ARCH = dict(dim=32, kernels=(2, 3, 4, 5), filters=64, hidden=(64,))


def log(*a):
    print(*a, file=sys.stderr, flush=True)


def build_model(arch=ARCH):
    from ..torch_export import TextCNN
    return TextCNN(dga_chars.VOCAB_SIZE, dga_chars.SEQ_LEN, arch["dim"],
                   [[(arch["filters"], k, "valid")] for k in arch["kernels"]], arch["hidden"])


def train_model(X, y, epochs, seed=SEED, lr=2e-3, bs=128, decay=0.5):
    """Class-balanced BCE (positives weighted by n_neg / n_pos), Adam, lr times
    `decay` after every epoch from the second on."""
    import torch
    torch.manual_seed(seed)
    torch.set_num_threads(1)
    model = build_model()
    opt = torch.optim.Adam(model.parameters(), lr=lr)
    Xt = torch.as_tensor(X.astype(np.int64))
    yt = torch.as_tensor(y.astype(np.float32))
    pos = float(y.sum())
    lossf = torch.nn.BCEWithLogitsLoss(pos_weight=torch.tensor((len(y) - pos) / pos))
    g = torch.Generator().manual_seed(seed)
    for ep in range(epochs):
        model.train()
        perm = torch.randperm(len(y), generator=g)
        t0, tot = time.time(), 0.0
        for i in range(0, len(y), bs):
            idx = perm[i:i + bs]
            opt.zero_grad()
            loss = lossf(model(Xt[idx]).squeeze(1), yt[idx])
            loss.backward()
            opt.step()
            tot += float(loss) * len(idx)
        if ep >= 1:
            for pg in opt.param_groups:
                pg["lr"] *= decay
        log(f"epoch {ep + 1}/{epochs}: loss {tot / len(y):.4f} ({time.time() - t0:.0f} s)")
    return model.eval()


def float_scores(model, X, bs=2048):
    import torch
    out = []
    with torch.no_grad():
        for i in range(0, len(X), bs):
            out.append(torch.sigmoid(model(torch.as_tensor(X[i:i + bs].astype(np.int64)))[:, 0]).numpy())
    return np.concatenate(out).astype(np.float64) if out else np.zeros(0)


# ---------------------------------------------------------------- C library
def _clib():
    from .. import lib as c2dlib
    h = c2dlib.lib()
    vp = ctypes.c_void_p
    h.c2d_dga_score_batch.argtypes = [vp, ctypes.POINTER(ctypes.c_char_p),
                                      ctypes.POINTER(ctypes.c_size_t), ctypes.c_size_t,
                                      ctypes.POINTER(ctypes.c_float), vp]
    return h


def _load(h, blob):
    keep = ctypes.create_string_buffer(blob, len(blob))
    m = ctypes.c_void_p()
    st = h.c2d_model_load_memory(keep, len(blob), None, ctypes.byref(m))
    if st != 0:
        raise RuntimeError(f"C library refused the model: {st}")
    return m, keep


def cnn_scores_c(h, blob, X):
    """P(DGA) of the int8 engine (float32 as c2d_dga_score returns it)."""
    from ..cnn import CnnModel

    return CnnModel(blob, h._name).proba(X)[:, 1].astype(np.float64)


def cnn_scores_ref(blob, X):
    """The same from the exporter's integer reference (no C library needed)."""
    from ..torch_export import load_model, reference_logits
    m = load_model(blob)
    lg = np.asarray(reference_logits(m, np.asarray(X, dtype=np.int64)), dtype=np.float32)[:, 0]
    return (np.float32(1) / (np.float32(1) + np.exp(-lg))).astype(np.float64)


def forest_scores_c(h, blob, names):
    m, _keep = _load(h, blob)
    enc = [n.encode("ascii", "replace") for n in names]
    arr = (ctypes.c_char_p * len(enc))(*enc)
    lens = (ctypes.c_size_t * len(enc))(*[len(e) for e in enc])
    out = (ctypes.c_float * len(enc))()
    st = h.c2d_dga_score_batch(m, arr, lens, len(enc), out, None)
    h.c2d_model_free(m)
    if st != 0:
        raise RuntimeError(f"c2d_dga_score_batch: {st}")
    return np.frombuffer(out, dtype=np.float32).astype(np.float64)


# ---------------------------------------------------------------- evaluation
def evaluate(sc, bench_pairs, fpr):
    """Figures of one model's scores on the tune/test sets (dict of arrays)."""
    from sklearn.metrics import roc_auc_score
    thr = train_dga.threshold_for_fpr(sc["benign_tune"], fpr)
    r = {"threshold": thr}
    b = sc["benign_test"]
    r["test_fpr"] = float(np.mean(b >= thr))
    for k in ("seen", "unseen"):
        m = sc[f"{k}_test"]
        r[f"{k}_tpr"] = float(np.mean(m >= thr))
        r[f"{k}_auc"] = float(roc_auc_score(np.r_[np.zeros(len(b)), np.ones(len(m))], np.r_[b, m]))
        for f in (0.01, 0.001, 0.0001):
            r[f"{k}_tpr@{f}"], r[f"{k}_thr@{f}"] = train_dga.tpr_at_fpr(b, m, f)
        alexa = np.array([p[1] == "alexa" for p in bench_pairs])
        r[f"alexa_{k}_tpr@0.001"] = train_dga.tpr_at_fpr(b[alexa], m, 0.001)[0]
    return r


def per_family_at(scores, pairs, thr):
    return train_dga.per_family(scores, pairs, thr)


def write_golden(path, blob, X, names):
    """Names, their tokens' reference logit (float32 bits) for the C tests."""
    from ..torch_export import load_model, reference_logits
    lg = np.asarray(reference_logits(load_model(blob), X.astype(np.int64)), dtype=np.float32)[:, 0]
    with open(path, "w", encoding="ascii") as f:
        f.write("# name<TAB>reference logit (float32 bits, hex)<TAB>logit: dga-cnn integer reference "
                "(c2detect.torch_export.reference_logits), written by c2detect.train.dga_cnn\n")
        for n, v in zip(names, lg):
            f.write(f"{n}\t{np.float32(v).view(np.uint32):08x}\t{float(v):.9g}\n")


def plots(card_dir, cnn, forest):
    import matplotlib
    matplotlib.use("Agg")
    import matplotlib.pyplot as plt
    from sklearn.metrics import precision_recall_curve, roc_curve
    fig, ax = plt.subplots(figsize=(6, 4.5))
    for sc, model, ls in ((cnn, "CNN", "-"), (forest, "forest", "--")):
        b = sc["benign_test"]
        for key, label in (("seen_test", "seen"), ("unseen_test", "unseen")):
            y = np.r_[np.zeros(len(b)), np.ones(len(sc[key]))]
            fpr, tpr, _ = roc_curve(y, np.r_[b, sc[key]])
            ax.plot(np.maximum(fpr, 1e-5), tpr, ls=ls, label=f"{model}, {label} families")
    ax.axvline(1e-3, color="gray", ls="--", lw=0.8)
    ax.axvline(1e-4, color="gray", ls=":", lw=0.8)
    ax.set_xscale("log")
    ax.set_xlim(1e-5, 1)
    ax.set_xlabel("false-positive rate (held-out benign, log; lines at 0.1 % and 0.01 %)")
    ax.set_ylabel("true-positive rate")
    ax.set_title("dga-cnn vs dga-fanci forest, ROC (held-out split)")
    ax.legend(loc="lower right", fontsize=8)
    fig.tight_layout()
    fig.savefig(os.path.join(card_dir, "dga-cnn_roc.png"), dpi=100)
    plt.close(fig)
    fig, ax = plt.subplots(figsize=(6, 4.5))
    for sc, model, ls in ((cnn, "CNN", "-"), (forest, "forest", "--")):
        b = sc["benign_test"]
        for key, label in (("seen_test", "seen"), ("unseen_test", "unseen")):
            y = np.r_[np.zeros(len(b)), np.ones(len(sc[key]))]
            p, rc, _ = precision_recall_curve(y, np.r_[b, sc[key]])
            ax.plot(rc, p, ls=ls, label=f"{model}, {label} families")
    ax.set_xlabel("recall")
    ax.set_ylabel("precision")
    ax.set_ylim(0.5, 1.01)
    ax.set_title("dga-cnn vs forest, precision-recall (test sets as sampled)")
    ax.legend(loc="lower left", fontsize=8)
    fig.tight_layout()
    fig.savefig(os.path.join(card_dir, "dga-cnn_pr.png"), dpi=100)
    plt.close(fig)


def cnn_wins(rc, rf):
    """The default-model rule: better seen TPR at FPR 0.1 % and unseen TPR at
    FPR 0.1 % not below 90 % of the forest's."""
    return (rc["seen_tpr@0.001"] > rf["seen_tpr@0.001"]
            and rc["unseen_tpr@0.001"] >= 0.9 * rf["unseen_tpr@0.001"])


def main(argv=None):
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--data", default="../shared/data/dga")
    ap.add_argument("--out", default="lib/models/dga-cnn.c2dm")
    ap.add_argument("--forest", default="lib/models/dga-fanci.c2dm",
                    help="the forest to compare with (scored by the C library)")
    ap.add_argument("--card", default="docs/models/dga-cnn.md")
    ap.add_argument("--golden", default=None, help="write reference logits of test names here")
    ap.add_argument("--ensemble-card", default=None,
                    help="also write the forest + CNN ensemble's card here (needs --forest)")
    ap.add_argument("--epochs", type=int, default=6)
    ap.add_argument("--decay", type=float, default=0.5,
                    help="learning-rate factor applied after every epoch from the second")
    ap.add_argument("--tried", default="",
                    help="other configurations evaluated on this split before this one (card text)")
    ap.add_argument("--fpr", type=float, default=0.001)
    ap.add_argument("--calib", type=int, default=4000, help="training names used to calibrate")
    ap.add_argument("--train-cap", type=int, default=train_dga.TRAIN_CAP,
                    help="training names per seen family (test sets do not depend on it)")
    ap.add_argument("--name", default="dga-cnn", help="metadata name of the model")
    ap.add_argument("--filters", type=int, default=ARCH["filters"],
                    help="Conv1d filters per branch (speed/accuracy trade-off)")
    ap.add_argument("--save-float", default=None, metavar="PT",
                    help="also save the trained float model (torch state_dict)")
    ap.add_argument("--from-float", default=None, metavar="PT",
                    help="skip training: export and evaluate this saved float model")
    args = ap.parse_args(argv)
    ARCH["filters"] = args.filters
    import torch
    from ..torch_export import from_torch

    t0 = time.time()
    fam, benign = train_dga.load(args.data)
    s, seen, unseen, dropped = train_dga.split(fam, benign, args.train_cap)
    sets = {}
    for k, pairs in s.items():
        X, kept = dga_chars.tokenize_many([n for n, _ in pairs])
        sets[k] = (X, [pairs[i] for i in kept])
    log(f"tokens: {time.time() - t0:.1f} s; " + ", ".join(f"{k} {len(v[0])}" for k, v in sets.items()))
    Xd, Xb = sets["train"][0], sets["benign_train"][0]
    X = np.vstack([Xb, Xd])
    y = np.r_[np.zeros(len(Xb), np.int64), np.ones(len(Xd), np.int64)]

    if args.from_float:
        model = build_model()
        model.load_state_dict(torch.load(args.from_float))
        model.eval()
    else:
        model = train_model(X, y, args.epochs, decay=args.decay)
    if args.save_float:
        torch.save(model.state_dict(), args.save_float)
    rng = np.random.default_rng(SEED)
    calib = X[rng.choice(len(X), min(args.calib, len(X)), replace=False)].astype(np.int64)
    eval_keys = ("seen_test", "unseen_test", "benign_tune", "benign_test")
    fsc = {k: float_scores(model, sets[k][0]) for k in eval_keys}
    res = from_torch(model, calib, None, schema=dga_chars.SCHEMA, meta={})
    h = None
    try:
        h = _clib()
    except OSError as e:
        log(f"no C library ({e}): int8 scores from the integer reference (slow), no forest column")

    def int8(blob, Xs):
        return cnn_scores_c(h, blob, Xs) if h is not None else cnn_scores_ref(blob, Xs)

    thr = train_dga.threshold_for_fpr(int8(res["bytes"], sets["benign_tune"][0]), args.fpr)
    meta = {
        "name": args.name,
        "description": (f"character-level int8 text CNN (dga-chars-v1 tokens, Conv1d kernels "
                        f"{','.join(map(str, ARCH['kernels']))} x {ARCH['filters']} filters, dense "
                        f"{ARCH['hidden'][0]}) trained on {len(seen)} DGA families (baderj, "
                        "andrewaeva) vs Alexa/OpenDNS 2014 by c2detect.train.dga_cnn"),
        "threshold": thr,
        "threshold_fpr": args.fpr,
        "pad_id": float(dga_chars.PAD),
        "trained_on": "shared/data/dga: dga_baderj_50families, dga_andrewaeva_10families, "
                      "benign_alexa_top100k, benign_opendns_top10k_random10k",
        "unseen_families": ",".join(unseen),
        "max_abs_proba_diff": res["max_abs_proba_diff"],
        "torch_version": torch.__version__,
        "seed": SEED,
    }
    res = from_torch(model, calib, args.out, schema=dga_chars.SCHEMA, meta=meta)
    blob = res["bytes"]
    log(f"wrote {args.out}: {len(blob)} bytes, {res['n_params']} parameters, threshold {thr:.6f}, "
        f"max |p_int8 - p_float| (1000 calibration names) {res['max_abs_proba_diff']:.5f}")
    csc = {k: int8(blob, sets[k][0]) for k in eval_keys}
    bp = sets["benign_test"][1]
    rc = evaluate(csc, bp, args.fpr)
    rfl = evaluate(fsc, bp, args.fpr)
    rc["float_int8_max_diff_eval"] = float(max(np.abs(csc[k] - fsc[k]).max() for k in eval_keys))
    rf = None
    if h is not None and args.forest and os.path.exists(args.forest):
        with open(args.forest, "rb") as f:
            fblob = f.read()
        ffs = {k: forest_scores_c(h, fblob, [n for n, _ in sets[k][1]]) for k in eval_keys}
        rf = evaluate(ffs, bp, args.fpr)
        rf["scores"] = ffs
    for name_, r in (("cnn int8", rc), ("cnn float", rfl), ("forest", rf)):
        if r is None:
            continue
        log(f"{name_}: seen@0.1% {r['seen_tpr@0.001']:.4f} unseen@0.1% {r['unseen_tpr@0.001']:.4f} "
            f"seen@0.01% {r['seen_tpr@0.0001']:.4f} unseen@0.01% {r['unseen_tpr@0.0001']:.4f} "
            f"stored-thr seen {r['seen_tpr']:.4f} unseen {r['unseen_tpr']:.4f} "
            f"fpr {r['test_fpr']:.5f}")
    rc["scores"] = csc
    if rf is not None:
        # The pair's gate and threshold go into this CNN's metadata (the weights
        # and so every score above are unchanged); see train_dga_ensemble.
        from . import dga_ensemble as ens
        emeta, er = ens.tune(fblob, blob, s, args.fpr)
        blob = ens.with_meta(blob, emeta)
        with open(args.out, "wb") as f:
            f.write(blob)
        log(f"{args.out}: ensemble values {emeta}")
        if args.ensemble_card:
            ens.write_report(args.ensemble_card, fblob, blob, er, ens.CMD)
    if args.golden:
        pick = []
        r2 = np.random.default_rng(SEED + 1)
        for k in ("seen_test", "unseen_test", "benign_test"):
            idx = r2.choice(len(sets[k][1]), 100, replace=False)
            pick += [sets[k][1][i][0] for i in sorted(idx)]
        pick += ["a", "xn--bcher-kva.de", "_dmarc.example.com", "www.google.com",
                 "a" * 63 + "." + "b" * 63 + ".com"]
        Xg, kept = dga_chars.tokenize_many(pick)
        write_golden(args.golden, blob, Xg, [pick[i] for i in kept])
    if args.card:
        write_card(args, rc, rfl, rf, res, sets, seen, unseen, dropped, len(blob),
                   hashlib.sha256(blob).hexdigest(), time.time() - t0)
    log(f"total {time.time() - t0:.0f} s")
    return 0


def write_card(args, rc, rfl, rf, res, sets, seen, unseen, dropped, nbytes, sha, secs):
    card_dir = os.path.dirname(args.card) or "."
    os.makedirs(card_dir, exist_ok=True)
    if rf is not None:
        plots(card_dir, rc["scores"], rf["scores"])
    thr = rc["threshold"]
    L = []
    w = L.append
    wins = rf is not None and cnn_wins(rc, rf)
    w("# Model card: `dga-cnn` (character-level int8 CNN DGA detector)\n")
    w("Generated by `c2detect.train.dga_cnn`; do not edit by hand. Regenerate (model, card, "
      "plots and the C test's golden logits) with a built library:\n")
    w("```sh\nPYTHONPATH=bindings/python C2D_LIBRARY=build/lib/libc2detect.so \\\n"
      "    /usr/bin/python3 -m c2detect.train.dga_cnn --data ../shared/data/dga \\\n"
      f"    --out {args.out} --forest {args.forest} \\\n"
      f"    --card {args.card} --golden tests/golden/dga_cnn_scores.txt --epochs {args.epochs}"
      f" --decay {args.decay}" + (f" --filters {args.filters}" if args.filters != 64 else "")
      + (f" --train-cap {args.train_cap}" if args.train_cap != train_dga.TRAIN_CAP else "")
      + (f" \\\n    --tried '{args.tried}'" if args.tried else "") + "\n```\n")
    took = (f"this card was written from a saved float model (--from-float {args.from_float}), "
            "so the training time is not in this run" if args.from_float
            else f"{secs / 60:.0f} min on the build machine")
    w(f"(One CPU thread; {took}. PyTorch CPU training is "
      "seeded but not guaranteed bit-identical across PyTorch versions or CPUs.)\n")
    w("## What it is\n")
    w(f"- A Kim-style text CNN trained with PyTorch {rc.get('torch', '') or __import__('torch').__version__} "
      "and exported to int8 with `c2detect.export.from_torch` "
      f"(`{args.out}`, {nbytes} bytes, {res['n_params']} parameters, sha256 `{sha[:16]}…`). It runs "
      "on the library's own CNN engine (docs/cnn_format.md).")
    w(f"- Input: schema `dga-chars-v1` (docs/dga.md): the normalised name as START + one token "
      f"per byte (vocabulary {dga_chars.VOCAB_SIZE}), the last {dga_chars.SEQ_LEN} tokens, "
      "left-padded. C: `c2d_dga_tokenize`; Python: `c2detect.dga_chars.tokenize`.")
    w(f"- Network: embedding {ARCH['dim']} -> {len(ARCH['kernels'])} parallel Conv1d branches "
      f"(kernels {', '.join(map(str, ARCH['kernels']))}; {ARCH['filters']} filters each, 'valid', "
      f"ReLU) directly on the embedding -> global max pool -> dense {ARCH['hidden'][0]} (ReLU) -> "
      "1 logit -> sigmoid = `c2d_dga_score()`. One conv layer per branch so that the engine's "
      "embedding folding applies to every conv.")
    w(f"- Training: {args.epochs} epochs, Adam (lr 2e-3, times {args.decay} after every epoch from "
      "the second), "
      "batch 128, binary cross-entropy with the DGA class weighted by n_benign / n_DGA "
      f"(class-balanced), seed {SEED}, `torch.set_num_threads(1)`.")
    w(f"- Quantisation: calibrated on {args.calib} random training names. int8 vs float "
      f"probability: max |difference| {res['max_abs_proba_diff']:.5f} on 1000 calibration names, "
      f"{rc['float_int8_max_diff_eval']:.5f} over all tune/test names. Float model on the same "
      f"split: TPR at FPR 0.1 % {rfl['seen_tpr@0.001']:.4f} seen / {rfl['unseen_tpr@0.001']:.4f} "
      f"unseen (int8: {rc['seen_tpr@0.001']:.4f} / {rc['unseen_tpr@0.001']:.4f}).")
    w(f"- Decision threshold (metadata `threshold`): **{thr:.6f}**, set on the int8 scores of "
      f"`benign_tune` for FPR ≤ {args.fpr:.1%}. On `benign_test` it flags "
      f"**{rc['test_fpr']:.4%}** of names.")
    w("- Scope: one name at a time, no context, like the forest: it judges how a name looks.")
    if args.tried:
        w(f"- Selection: configurations evaluated on this same split before this one: {args.tried}. "
          "The held-out sets were therefore looked at more than once; the differences between "
          "the configurations are reported so that this is visible.")
    w("")
    w("## Data and split\n")
    w("Identical to the forest's card (docs/models/dga.md): the same files from "
      "`../shared/data/dga` (read by path), the same merge of family names, families under "
      f"{train_dga.MIN_FAMILY} names dropped ({', '.join(dropped)}), and "
      "`c2detect.train.dga.split` itself (seed 20181), so the seen/unseen families and the "
      "benign train/tune/test sets are the same names. Names that fail normalisation are "
      "dropped from every set, as the forest's featurisation drops them.\n")
    w(f"- Unseen families (never in training or tuning): {', '.join(unseen)}.")
    w(f"- Seen families ({len(seen)}): 20 % of each held out for test; at most "
      f"{args.train_cap} of the rest per family for training (the forest's cap is in its "
      "card; the test sets do not depend on either cap: they are the same names).\n")
    w("| set | names |\n|---|---:|")
    for k in ("train", "benign_train", "seen_test", "unseen_test", "benign_tune", "benign_test"):
        w(f"| {k} | {len(sets[k][0])} |")
    w("")
    w("## Results on the held-out sets, CNN vs forest\n")
    w("TPR at a given FPR sets the threshold on `benign_test` (as the forest's card does); the "
      "stored-threshold row uses each model's own threshold tuned on `benign_tune`. The forest "
      f"column is `{args.forest}` scored by the C library on the same names.\n")
    cols = [("dga-cnn (int8)", rc)] + ([("forest (dga-fanci)", rf)] if rf is not None else [])
    w("| | " + " | ".join(f"{c} seen | {c} unseen" for c, _ in cols) + " |")
    w("|---|" + "---:|---:|" * len(cols))

    def row(label, key_s, key_u, fmt="{:.4f}"):
        w(f"| {label} | " + " | ".join(fmt.format(r[key_s]) + " | " + fmt.format(r[key_u])
                                       for _, r in cols) + " |")
    row("TPR at FPR 1 %", "seen_tpr@0.01", "unseen_tpr@0.01")
    row("**TPR at FPR 0.1 %**", "seen_tpr@0.001", "unseen_tpr@0.001")
    row(f"TPR at FPR 0.01 % (rests on ~{int(1e-4 * len(sets['benign_test'][0]))} benign names)",
        "seen_tpr@0.0001", "unseen_tpr@0.0001")
    row("ROC AUC", "seen_auc", "unseen_auc")
    row("TPR at FPR 0.1 %, Alexa part of benign_test only", "alexa_seen_tpr@0.001",
        "alexa_unseen_tpr@0.001")
    w("| TPR at the stored threshold | " + " | ".join(
        f"{r['seen_tpr']:.4f} | {r['unseen_tpr']:.4f}" for _, r in cols) + " |")
    w("| benign_test FPR at the stored threshold | " + " | ".join(
        f"{r['test_fpr']:.4%} | " for _, r in cols) + " |")
    w("")
    if rf is not None:
        w("### Which model is the default `dga`\n")
        w("Rule (fixed before training): the CNN becomes `c2d_model_builtin(\"dga\")` only if its "
          "seen-family TPR at FPR 0.1 % is higher than the forest's and its unseen-family TPR at "
          "FPR 0.1 % is at least 90 % of the forest's. "
          f"Seen: {rc['seen_tpr@0.001']:.4f} vs {rf['seen_tpr@0.001']:.4f}; unseen: "
          f"{rc['unseen_tpr@0.001']:.4f} vs {rf['unseen_tpr@0.001']:.4f}: "
          + ("**the CNN is the default**; the forest stays as `dga-fanci`." if wins else
             "**the forest stays the default**; the CNN ships as `dga-cnn`.") + "\n")
        worse = []
        for label, key in (("TPR at FPR 1 %", "tpr@0.01"), ("TPR at FPR 0.1 %", "tpr@0.001"),
                           ("TPR at FPR 0.01 %", "tpr@0.0001"), ("ROC AUC", "auc"),
                           ("TPR at FPR 0.1 % vs Alexa only", "alexa_{}_tpr@0.001")):
            for grp in ("seen", "unseen"):
                k = key.format(grp) if "{}" in key else f"{grp}_{key}"
                if rf[k] > rc[k]:
                    worse.append(f"{label}, {grp} families ({rc[k]:.4f} vs {rf[k]:.4f})")
        if worse:
            w("Where the forest is better on this split: " + "; ".join(worse) + ". So the CNN "
              "wins at the issue's operating point but does not dominate: in particular it "
              "generalises less well than the forest to unseen families once more false "
              "positives are allowed.\n")
        w(f"The issue's target, seen TPR ≥ 0.95 at FPR ≤ 0.1 %, is "
          f"**{'met' if rc['seen_tpr@0.001'] >= 0.95 else 'not met'}** by the CNN "
          f"({rc['seen_tpr@0.001']:.3f}).\n")
        w("![ROC](dga-cnn_roc.png)\n\n![PR](dga-cnn_pr.png)\n")
    w("### Per-family recall at each model's stored threshold\n")
    fs = per_family_at(rc["scores"]["seen_test"], sets["seen_test"][1], thr)
    fu = per_family_at(rc["scores"]["unseen_test"], sets["unseen_test"][1], thr)
    if rf is not None:
        gs = per_family_at(rf["scores"]["seen_test"], sets["seen_test"][1], rf["threshold"])
        gu = per_family_at(rf["scores"]["unseen_test"], sets["unseen_test"][1], rf["threshold"])
    w("| family | seen/unseen | test names | CNN recall | forest recall |\n|---|---|---:|---:|---:|")
    for tag, a, bb in (("seen", fs, gs if rf is not None else {}),
                       ("**unseen**", fu, gu if rf is not None else {})):
        for f, (c, rec) in a.items():
            fr = f"{bb[f][1]:.4f}" if f in bb else "–"
            w(f"| {f} | {tag} | {c} | {rec:.4f} | {fr} |")
    w("")
    w("### Benign test false positives by list (stored thresholds)\n")
    bt = per_family_at(rc["scores"]["benign_test"], sets["benign_test"][1], thr)
    bf = (per_family_at(rf["scores"]["benign_test"], sets["benign_test"][1], rf["threshold"])
          if rf is not None else {})
    w("| list | names | CNN flagged | forest flagged |\n|---|---:|---:|---:|")
    for f, (c, rec) in bt.items():
        w(f"| {f} | {c} | {rec:.4%} | " + (f"{bf[f][1]:.4%}" if f in bf else "–") + " |")
    w("")
    sc = rc["scores"]["benign_test"]
    order = np.argsort(-sc, kind="stable")[:10]
    w("Highest-scoring benign test names (CNN): " + ", ".join(
        f"`{sets['benign_test'][1][i][0]}` ({sets['benign_test'][1][i][1]}, {sc[i]:.3f})"
        for i in order) + ".\n")
    w("## Limits\n")
    w("- Same data limits as the forest: reimplemented DGAs, 2014 popularity lists of "
      "registrable domains; real resolver traffic has more machine-made benign names.")
    w("- Names longer than 63 bytes are judged on their last 64 bytes only.")
    w("- The 0.01 % point rests on very few benign names; treat it as indicative.")
    w("- Speed (ns/name next to the forest and nDPI): bench/dga/README.md.")
    with open(args.card, "w", encoding="utf-8") as f:
        f.write("\n".join(L) + "\n")


if __name__ == "__main__":
    sys.exit(main())
