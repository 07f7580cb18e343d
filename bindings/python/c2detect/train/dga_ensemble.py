"""Tune the DGA ensemble (FANCI forest + character CNN, c2d_dga_ensemble_*):
choose its forest gate and decision threshold on `benign_tune`, store them in
the CNN's metadata and write the ensemble's model card.

train_dga_cnn calls `tune` and `with_meta` itself when it is given the forest,
so a retrained CNN always ships with its pair's values. Standalone (re-tunes a
shipped pair in place; the CNN's weights are unchanged, its META is rewritten):

    PYTHONPATH=bindings/python C2D_LIBRARY=build/lib/libc2detect.so \\
        /usr/bin/python3 -m c2detect.train.dga_ensemble --data ../shared/data/dga \\
        --forest lib/models/dga-fanci.c2dm --cnn lib/models/dga-cnn.c2dm \\
        --card docs/models/dga-ensemble.md

Both rules are fixed here, before any test name is scored:
- gate: the CNN runs only on names whose forest P(DGA) is at least the gate,
  set so that at most GATE_BENIGN_SHARE (5 %) of benign_tune names pass it;
- threshold: the smallest score threshold at which at most `fpr` of
  benign_tune names are flagged by the gated decision.
The test sets (seen_test, unseen_test, benign_test) are only scored, after.
"""
from __future__ import annotations

import argparse
import os
import sys
import time

import numpy as np

from .. import c2dm
from . import dga as train_dga

GATE_BENIGN_SHARE = 0.05
P_MIN = 1e-6  # C2D_DGA_ENSEMBLE_P_MIN
EVAL_KEYS = ("seen_test", "unseen_test", "benign_tune", "benign_test")


def log(*a):
    print(*a, file=sys.stderr, flush=True)


def with_meta(blob: bytes, extra: dict) -> bytes:
    """The container `blob` with `extra` added to (or replacing in) its META."""
    kind, sections, meta = c2dm.read_container(blob)
    meta.update(extra)
    sections[c2dm.SEC_META] = c2dm.encode_meta(meta)
    return c2dm.pack_container(kind, sections)


def combine(p_forest, z_cnn):
    """The ensemble score in float64 (C computes the same in double, then float)."""
    p = np.clip(np.asarray(p_forest, np.float64), P_MIN, 1 - P_MIN)
    return 1.0 / (1.0 + np.exp(-(np.log(p / (1 - p)) + np.asarray(z_cnn, np.float64)) / 2))


def c_scores(forest_blob: bytes, cnn_blob: bytes, names):
    """Per name through the C library: forest P(DGA), ensemble score, status."""
    from ..dga_detect import Ensemble, model_scores
    from ..lib import Model

    forest, cnn = Model.from_bytes(forest_blob), Model.from_bytes(cnn_blob)
    p, st = model_scores(forest, names, with_status=True)
    ens = Ensemble.from_models(forest, cnn)
    s, st2 = ens.scores(names, with_status=True)
    ens.close()
    if not np.array_equal(st, st2):
        raise RuntimeError("forest and ensemble disagree on which names are malformed")
    return p.astype(np.float64), s.astype(np.float64), st


def tune(forest_blob: bytes, cnn_blob: bytes, sets: dict, fpr: float):
    """sets: {key: [(name, label), ...]} with at least EVAL_KEYS. Returns (meta
    keys to add to the CNN, results for the card)."""
    sc = {}
    for k in EVAL_KEYS:
        names = [n for n, _ in sets[k]]
        p, s, st = c_scores(forest_blob, cnn_blob, names)
        ok = st == 0
        sc[k] = {"p": p[ok], "s": s[ok], "pairs": [x for x, o in zip(sets[k], ok) if o]}
    tune_p = sc["benign_tune"]["p"]
    gate = train_dga.threshold_for_fpr(tune_p, GATE_BENIGN_SHARE)
    gated_tune = np.where(tune_p >= gate, sc["benign_tune"]["s"], 0.0)
    thr = train_dga.threshold_for_fpr(gated_tune, fpr)
    meta = {
        "ensemble.forest_crc32c": float(c2dm.crc32c(forest_blob)),
        "ensemble.gate": float(gate),
        "ensemble.threshold": float(thr),
        "ensemble.threshold_fpr": float(fpr),
    }
    return meta, {"scores": sc, "gate": gate, "threshold": thr, "fpr": fpr}


def decide(r, k, thr=None, gate=None):
    """Verdicts of set k at the tuned (or given) threshold and gate."""
    thr = r["threshold"] if thr is None else thr
    gate = r["gate"] if gate is None else gate
    return (r["scores"][k]["p"] >= gate) & (r["scores"][k]["s"] >= thr)


def figures(r):
    """Held-out figures of the tuned ensemble, and of the same score ungated and
    with the threshold set on benign_test (as the other DGA cards report)."""
    sc = r["scores"]
    out = {"gate": r["gate"], "threshold": r["threshold"]}
    for k in ("seen_test", "unseen_test", "benign_test", "benign_tune"):
        out[f"{k}_flagged"] = float(np.mean(decide(r, k)))
        out[f"{k}_ungated"] = float(np.mean(sc[k]["s"] >= r["threshold"]))
        out[f"{k}_cnn_share"] = float(np.mean(sc[k]["p"] >= r["gate"]))
    b = sc["benign_test"]["s"]
    for k in ("seen", "unseen"):
        m = sc[f"{k}_test"]["s"]
        for f in (0.01, 0.001, 0.0001):
            out[f"{k}_tpr@{f}"] = train_dga.tpr_at_fpr(b, m, f)[0]
        alexa = np.array([lab == "alexa" for _, lab in sc["benign_test"]["pairs"]])
        out[f"alexa_{k}_tpr@0.001"] = train_dga.tpr_at_fpr(b[alexa], m, 0.001)[0]
        no_top = np.array([lab != "opendns_top" for _, lab in sc["benign_test"]["pairs"]])
        out[f"no_top_{k}_tpr@0.001"] = train_dga.tpr_at_fpr(b[no_top], m, 0.001)[0]
    fam = {}
    for k in ("seen_test", "unseen_test"):
        v = decide(r, k)
        for (n, f), hit in zip(sc[k]["pairs"], v):
            a = fam.setdefault((f, k), [0, 0])
            a[0] += 1
            a[1] += int(hit)
    out["families"] = {fk: (c, h / c) for fk, (c, h) in sorted(fam.items())}
    lists = {}
    for (n, lab), hit in zip(sc["benign_test"]["pairs"], decide(r, "benign_test")):
        a = lists.setdefault(lab, [0, 0])
        a[0] += 1
        a[1] += int(hit)
    out["benign_lists"] = lists
    flagged = [(s, n, lab) for (n, lab), s, hit in
               zip(sc["benign_test"]["pairs"], sc["benign_test"]["s"], decide(r, "benign_test"))
               if hit]
    out["benign_flagged"] = sorted(flagged, reverse=True)
    return out


def single_model_rows(r, cnn_thr, forest_thr, cnn_scores):
    """Each model alone at its own stored threshold on the same names."""
    sc = r["scores"]
    rows = {}
    rows["forest (dga-fanci)"] = {k: float(np.mean(sc[k]["p"] >= forest_thr))
                                  for k in ("seen_test", "unseen_test", "benign_test")}
    if cnn_scores is not None:
        rows["cnn (dga-cnn)"] = {k: float(np.mean(cnn_scores[k] >= cnn_thr))
                                 for k in ("seen_test", "unseen_test", "benign_test")}
    return rows


def write_card(path, fig, singles, cmd, sizes):
    L = []
    w = L.append
    w("# Model card: the DGA ensemble (`c2d_dga_ensemble_builtin`: dga-fanci + dga-cnn)\n")
    w("Generated by `c2detect.train.dga_ensemble`; do not edit by hand. Regenerate with a "
      "built library:\n")
    w("```sh\n" + cmd + "\n```\n")
    w("## What it is\n")
    w("- The recommended DGA detector: the FANCI forest (docs/models/dga.md) and the character "
      "CNN (docs/models/dga-cnn.md) judge each name together. Score = sigmoid((logit(p) + z) / 2), "
      "p the forest's P(DGA) clamped to [1e-6, 1 - 1e-6], z the CNN's logit (include/c2detect/dga.h, "
      "docs/dga.md). No new training: only the two values below are tuned, on `benign_tune`.")
    w(f"- Gate: **{fig['gate']:.6f}** (metadata `ensemble.gate`). `c2d_dga_ensemble_classify` runs "
      f"the CNN only when the forest's P(DGA) reaches it; chosen so that at most "
      f"{100 * GATE_BENIGN_SHARE:.0f} % of benign_tune names pass (they pass: "
      f"{100 * fig['benign_tune_cnn_share']:.2f} %). This is what makes the ensemble cheap on "
      "benign-heavy traffic (bench/dga/README.md).")
    w(f"- Threshold: **{fig['threshold']:.6f}** (metadata `ensemble.threshold`), the smallest at "
      "which the gated decision flags at most 0.1 % of benign_tune.")
    w("- Both values are stored in the CNN's metadata with the CRC-32C of the forest container "
      "they were tuned with (`ensemble.forest_crc32c`); paired with another forest, the ensemble "
      "has no tuned values.")
    w("- Rules (gate share, FPR target) fixed before this recipe scored any test name; the test "
      "sets are the forest's and the CNN's (same split, same names). Disclosure: the ungated pair "
      "had been evaluated on these test sets before (bench/dga/README.md, 'Experiment'), and "
      "before the 5 % rule was written, seen/unseen TPR was looked at for forest gates 0.05 to 0.6 "
      "(CNN on 45 % to 3 % of benign names; seen TPR 0.8558 to 0.8536): the rule sits where that "
      "curve is flat. The forest's dga-fanci-v3 vocabulary features were added after these test "
      "sets had shown matsnu as the largest miss (docs/models/dga.md).\n")
    w("| set | names |\n|---|---:|")
    for k, v in sizes.items():
        w(f"| {k} | {v} |")
    w("\n## Held-out results at the tuned gate and threshold\n")
    w("| detector (own stored threshold) | seen TPR | unseen TPR | benign_test FPR |")
    w("|---|---:|---:|---:|")
    w(f"| **ensemble (gated classify)** | **{fig['seen_test_flagged']:.4f}** | "
      f"**{fig['unseen_test_flagged']:.4f}** | **{100 * fig['benign_test_flagged']:.4f}%** |")
    w(f"| ensemble, no gate (score >= threshold) | {fig['seen_test_ungated']:.4f} | "
      f"{fig['unseen_test_ungated']:.4f} | {100 * fig['benign_test_ungated']:.4f}% |")
    for name, row in singles.items():
        w(f"| {name} alone | {row['seen_test']:.4f} | {row['unseen_test']:.4f} | "
          f"{100 * row['benign_test']:.4f}% |")
    w("")
    w(f"Share of names on which the gated classify runs the CNN: benign_test "
      f"{100 * fig['benign_test_cnn_share']:.2f} %, seen_test {100 * fig['seen_test_cnn_share']:.2f} %, "
      f"unseen_test {100 * fig['unseen_test_cnn_share']:.2f} %.\n")
    w("TPR with the threshold set on benign_test itself (the ensemble score, no gate; as in the "
      "other DGA cards):\n")
    w("| FPR on benign_test | seen TPR | unseen TPR |\n|---|---:|---:|")
    for f, lab in ((0.01, "1 %"), (0.001, "**0.1 %**"), (0.0001, "0.01 % (rests on ~2 names)")):
        w(f"| {lab} | {fig[f'seen_tpr@{f}']:.4f} | {fig[f'unseen_tpr@{f}']:.4f} |")
    w(f"| 0.1 %, Alexa part of benign_test only | {fig['alexa_seen_tpr@0.001']:.4f} | "
      f"{fig['alexa_unseen_tpr@0.001']:.4f} |")
    w("\nThe issue's target, seen TPR >= 0.95 at FPR <= 0.1 %, is "
      + ("**met**." if fig["seen_test_flagged"] >= 0.95 and fig["benign_test_flagged"] <= 0.001
         else "**not met**."))
    w("\n## Per-family recall (gated classify)\n")
    w("| family | seen/unseen | test names | recall |\n|---|---|---:|---:|")
    for (f, k), (c, rec) in fig["families"].items():
        w(f"| {f} | {'seen' if k == 'seen_test' else '**unseen**'} | {c} | {rec:.4f} |")
    w("\n## Benign test names flagged\n")
    w("| list | names | flagged |\n|---|---:|---:|")
    for lab, (c, h) in sorted(fig["benign_lists"].items()):
        w(f"| {lab} | {c} | {h} ({100 * h / c:.3f}%) |")
    w("\nAll flagged benign_test names (score, list): " + ", ".join(
        f"`{n}` ({lab}, {s:.4f})" for s, n, lab in fig["benign_flagged"]) + ".")
    w("\nMany are random-looking names from the OpenDNS 2014 top list (query volume, which "
      "includes malware lookups), not web sites; they are kept as benign, as in the other cards.")
    w("\n## What holds the 0.1 % point down\n")
    lists = fig["benign_lists"]
    n_b = sum(c for c, _ in lists.values())
    top_c, top_h = lists.get("opendns_top", (0, 0))
    all_h = sum(h for _, h in lists.values())
    w(f"- **Benign names that look generated.** 0.1 % of benign_test is {int(0.001 * n_b)} names. "
      f"The OpenDNS top list is {100 * top_c / n_b:.1f} % of benign_test but gives {top_h} of the "
      f"{all_h} false positives at the stored threshold; its flagged names ("
      + ", ".join([f"`{n}`" for _, n, lab in fig["benign_flagged"] if lab == "opendns_top"][:6])
      + ", ...) look like the names of seen families such as pykspa, qakbot, necurs, nymaim and m0yv "
      "(7-11 random letters under .biz/.info/.net/.org). "
      "A name-only detector cannot flag those families and pass these names. Same ensemble "
      "score, threshold set for FPR 0.1 % on a part of benign_test:\n")
    w("| benign names the threshold is set on | seen TPR | unseen TPR |\n|---|---:|---:|")
    w(f"| all of benign_test | {fig['seen_tpr@0.001']:.4f} | {fig['unseen_tpr@0.001']:.4f} |")
    w(f"| benign_test without the OpenDNS top list | {fig['no_top_seen_tpr@0.001']:.4f} | "
      f"{fig['no_top_unseen_tpr@0.001']:.4f} |")
    w(f"| Alexa part only | {fig['alexa_seen_tpr@0.001']:.4f} | {fig['alexa_unseen_tpr@0.001']:.4f} |")
    seen_fams = {f: (c, rec) for (f, k), (c, rec) in fig["families"].items() if k == "seen_test"}
    n_seen = sum(c for c, _ in seen_fams.values())
    misses = sorted(((round(c * (1 - rec)), f) for f, (c, rec) in seen_fams.items()), reverse=True)
    budget = int(n_seen * 0.05)
    w(f"\n- **Families that look like benign names.** TPR 0.95 allows {budget} misses among the "
      f"{n_seen} seen test names; the gated classify misses {sum(m for m, _ in misses)}. Largest: "
      + ", ".join(f"{f} {m}" for m, f in misses[:10]) + ". qsnatch (`ccex.org`, `sato.pk`: 2-5 "
      "random letters under many country suffixes) and charbot (benign names with a few letters "
      "swapped) are close to undetectable from one name at any low false-positive rate.")
    w("\n## Limits\n")
    w("- Everything in the forest's and the CNN's cards applies (2014 benign lists, "
      "reimplemented DGAs, one name at a time).")
    w("- `c2d_dga_ensemble_classify` reports score 0 for names the gate cleared; call "
      "`c2d_dga_ensemble_score` for the full score (both models, always).")
    with open(path, "w", encoding="utf-8") as f:
        f.write("\n".join(L) + "\n")


CMD = ("PYTHONPATH=bindings/python C2D_LIBRARY=build/lib/libc2detect.so \\\n"
       "    /usr/bin/python3 -m c2detect.train.dga_ensemble --data ../shared/data/dga \\\n"
       "    --forest lib/models/dga-fanci.c2dm --cnn lib/models/dga-cnn.c2dm \\\n"
       "    --card docs/models/dga-ensemble.md")


def write_report(card, fblob, cblob, r, cmd):
    """The ensemble card for tuning results `r` of forest `fblob` and CNN `cblob`."""
    from ..dga_detect import model_scores
    from ..lib import Model

    fig = figures(r)
    cnn_meta = c2dm.read_container(cblob)[2]
    forest_meta = c2dm.read_container(fblob)[2]
    cnn_model = Model.from_bytes(cblob)
    csc = {k: model_scores(cnn_model, [n for n, _ in r["scores"][k]["pairs"]]).astype(np.float64)
           for k in ("seen_test", "unseen_test", "benign_test")}
    singles = single_model_rows(r, cnn_meta["threshold"], forest_meta["threshold"], csc)
    sizes = {k: len(r["scores"][k]["pairs"]) for k in EVAL_KEYS}
    os.makedirs(os.path.dirname(card) or ".", exist_ok=True)
    write_card(card, fig, singles, cmd, sizes)
    log(f"ensemble: seen {fig['seen_test_flagged']:.4f} unseen {fig['unseen_test_flagged']:.4f} "
        f"fpr {100 * fig['benign_test_flagged']:.4f}% gate {fig['gate']:.4f} "
        f"cnn share benign {fig['benign_test_cnn_share']:.4f}")
    return fig


def main(argv=None):
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--data", default="../shared/data/dga")
    ap.add_argument("--forest", default="lib/models/dga-fanci.c2dm")
    ap.add_argument("--cnn", default="lib/models/dga-cnn.c2dm",
                    help="CNN model; its META is rewritten in place with the tuned values")
    ap.add_argument("--card", default="docs/models/dga-ensemble.md")
    ap.add_argument("--fpr", type=float, default=0.001)
    ap.add_argument("--train-cap", type=int, default=16000,
                    help="as the CNN was trained (the split's test sets do not depend on it)")
    args = ap.parse_args(argv)
    t0 = time.time()
    fam, benign = train_dga.load(args.data)
    s = train_dga.split(fam, benign, args.train_cap)[0]
    with open(args.forest, "rb") as f:
        fblob = f.read()
    with open(args.cnn, "rb") as f:
        cblob = f.read()
    meta, r = tune(fblob, cblob, s, args.fpr)
    out = with_meta(cblob, meta)
    with open(args.cnn, "wb") as f:
        f.write(out)
    log(f"{args.cnn}: {meta}")
    if args.card:
        write_report(args.card, fblob, out, r, CMD)
    log(f"{time.time() - t0:.0f} s")
    return 0


if __name__ == "__main__":
    sys.exit(main())
