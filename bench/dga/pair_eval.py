"""Held-out accuracy of averaging the two built-in DGA models' logits
(dga-fanci forest + dga-cnn), next to each model alone, with the same protocol:
threshold set on benign_tune for the target FPR, TPR and FPR measured on the
test sets of c2detect.train_dga.split (seen-family test names, unseen families,
benign_test). Not a shipped detector: an experiment for the next DGA issue.

    cmake -S . -B build -DCMAKE_BUILD_TYPE=Release -DC2D_BUILD_BENCH=ON
    cmake --build build -j2 --target pair_scores
    PYTHONPATH=bindings/python /usr/bin/python3 bench/dga/pair_eval.py build/bench/dga/pair_scores
"""
import subprocess
import sys

import numpy as np

from c2detect import train_dga

SETS = ("seen_test", "unseen_test", "benign_tune", "benign_test")


def logit(p):
    p = np.clip(p.astype(np.float64), 1e-6, 1 - 1e-6)  # the forest gives exact 0 and 1
    return np.log(p / (1 - p))


def threshold(benign, fpr):
    """Smallest t with at most floor(fpr * n) benign scores above it."""
    b = np.sort(benign)
    return b[len(b) - int(np.floor(fpr * len(b))) - 1]


def main(pair_bin, data="../shared/data/dga"):
    fam, benign = train_dga.load(data)
    s = train_dga.split(fam, benign)[0]
    rows = [(k, lab, n) for k in SETS for n, lab in s[k]]
    text = "".join(f"{k}\t{lab}\t{n}\n" for k, lab, n in rows)
    out = subprocess.run([pair_bin], input=text, capture_output=True, text=True, check=True)
    vals = [line.split("\t") for line in out.stdout.splitlines()]
    grp = np.array([k for k, _, _ in rows])
    fams = np.array([lab for _, lab, _ in rows])
    ok = np.array([int(v[2]) == 0 for v in vals])
    pf = np.array([float(v[0]) for v in vals])
    lc = np.array([float(v[1]) for v in vals])
    print(f"names {len(rows)}, malformed (left out) {int((~ok).sum())}")
    cands = {"forest": logit(pf), "cnn": lc, "pair_mean_logit": (logit(pf) + lc) / 2}
    for fpr in (0.001, 0.0001):
        for name, sc in cands.items():
            t = threshold(sc[(grp == "benign_tune") & ok], fpr)
            got = {k: float(np.mean(sc[(grp == k) & ok] > t)) for k in SETS[:2] + ("benign_test",)}
            print(f"{name}_fpr{fpr} seen_tpr {got['seen_test']:.4f} unseen_tpr "
                  f"{got['unseen_test']:.4f} test_fpr {100 * got['benign_test']:.3f}%")
    sc = cands["pair_mean_logit"]
    t = threshold(sc[(grp == "benign_tune") & ok], 0.001)
    for f in sorted(set(fams[(grp == "seen_test") | (grp == "unseen_test")])):
        m = (fams == f) & ok & ((grp == "seen_test") | (grp == "unseen_test"))
        print(f"pair_recall_at_fpr0.001 {f} {float(np.mean(sc[m] > t)):.3f}")


if __name__ == "__main__":
    main(*sys.argv[1:])
