"""Train the built-in DGA model (lib/models/dga-fanci.c2dm) and write its model card.

    PYTHONPATH=bindings/python /usr/bin/python3 -m c2detect.train.dga \
        --data ../shared/data/dga --out lib/models/dga-fanci.c2dm --card docs/models/dga.md

Reads the labelled lists described in ../shared/data/SOURCES.md, computes the
dga-fanci-v3 features (--schema dga-fanci-v2 or -v1 for the older 47 or 41) with the Python
twin (c2detect.dga), holds out whole DGA
families plus part of the benign lists, trains a scikit-learn random forest,
tunes the threshold on held-out benign names and exports to .c2dm. Everything is
seeded: the same data and scikit-learn version give the same model.
"""
from __future__ import annotations

import argparse
import csv
import gzip
import hashlib
import json
import os
import random
import sys
import time

import numpy as np

from .. import dga

SEED = 20181  # FANCI appeared at USENIX Security 2018
MIN_FAMILY = 30          # smaller families are dropped (too few to train or judge)
TRAIN_CAP = 4000         # names per seen family used for training (big families would dominate)
UNSEEN_FRACTION = 0.2    # share of families never seen in training
SEEN_TEST_FRACTION = 0.2
BENIGN_SPLIT = (0.6, 0.2, 0.2)  # train / threshold tuning / test
WIDTH = {dga.SCHEMA: dga.N_FEATURES, dga.SCHEMA_V2: dga.V2_N_FEATURES,
         dga.SCHEMA_V3: dga.V3_N_FEATURES}
MERGE = {"gameover_zeus_new": "newgoz", "goz": "gameover_zeus", "new_goz": "newgoz"}


def read_csv_gz(path):
    with gzip.open(path, "rt", encoding="utf-8", newline="") as f:
        return list(csv.reader(f))


def load(data_dir):
    fam = {}
    for fn in ("dga_baderj_50families.csv.gz", "dga_andrewaeva_10families.csv.gz"):
        for row in read_csv_gz(os.path.join(data_dir, fn))[1:]:
            f, d = MERGE.get(row[0], row[0]), row[1].strip().lower()
            fam.setdefault(f, set()).add(d)
    benign = {}
    for row in read_csv_gz(os.path.join(data_dir, "benign_alexa_top100k.csv.gz")):
        benign.setdefault(row[1].strip().lower(), "alexa")
    for row in read_csv_gz(os.path.join(data_dir, "benign_opendns_top10k_random10k.csv.gz"))[1:]:
        benign.setdefault(row[1].strip().lower(), row[0])
    dga_names = set().union(*fam.values())
    benign = {k: v for k, v in benign.items() if k not in dga_names}
    return {f: sorted(v) for f, v in fam.items()}, benign


def split(fam, benign, train_cap=TRAIN_CAP):
    rng = random.Random(SEED)
    dropped = sorted(f for f, v in fam.items() if len(v) < MIN_FAMILY)
    families = sorted(f for f, v in fam.items() if len(v) >= MIN_FAMILY)
    shuffled = families[:]
    rng.shuffle(shuffled)
    n_unseen = round(UNSEEN_FRACTION * len(families))
    unseen = sorted(shuffled[:n_unseen])
    seen = sorted(shuffled[n_unseen:])
    s = {"train": [], "seen_test": [], "unseen_test": [], "benign_train": [], "benign_tune": [],
         "benign_test": []}
    for f in seen:
        names = fam[f][:]
        rng.shuffle(names)
        n_test = max(1, round(SEEN_TEST_FRACTION * len(names)))
        s["seen_test"] += [(n, f) for n in names[:n_test]]
        s["train"] += [(n, f) for n in names[n_test:][:train_cap]]
    for f in unseen:
        s["unseen_test"] += [(n, f) for n in fam[f]]
    names = sorted(benign)
    rng.shuffle(names)
    a = int(BENIGN_SPLIT[0] * len(names))
    b = a + int(BENIGN_SPLIT[1] * len(names))
    s["benign_train"] = [(n, benign[n]) for n in names[:a]]
    s["benign_tune"] = [(n, benign[n]) for n in names[a:b]]
    s["benign_test"] = [(n, benign[n]) for n in names[b:]]
    return s, seen, unseen, dropped


def featurize(pairs):
    """dga-fanci-v3 rows (a v2 row is the first 47 columns, a v1 row the first
    41) and the pairs kept."""
    X, kept = dga.features_matrix([n for n, _ in pairs], dga.SCHEMA_V3)
    return X, [pairs[i] for i in kept]


def threshold_for_fpr(benign_scores, fpr):
    """Smallest threshold t with mean(benign_scores >= t) <= fpr, placed midway
    between score levels so float32 rounding in C cannot move a name across it."""
    s = np.sort(np.asarray(benign_scores, dtype=np.float64))[::-1]
    k = int(np.floor(fpr * len(s)))
    if k >= len(s):
        return 0.0
    above = s[:k]
    level = s[k]
    higher = above[above > level]
    nxt = higher.min() if higher.size else min(1.0, level + 1e-3)
    return float((level + nxt) / 2.0) if nxt > level else float(level + 1e-6)


def tpr_at_fpr(benign, mal, fpr):
    t = threshold_for_fpr(benign, fpr)
    return float(np.mean(np.asarray(mal) >= t)), t


def train_forest(X, y, n_trees, max_depth, min_leaf):
    from sklearn.ensemble import RandomForestClassifier
    clf = RandomForestClassifier(n_estimators=n_trees, max_depth=max_depth,
                                 min_samples_leaf=min_leaf, max_features="sqrt",
                                 class_weight="balanced", random_state=SEED, n_jobs=1)
    clf.fit(X, y)
    return clf


def n_nodes(clf):
    return int(sum(e.tree_.node_count for e in clf.estimators_))


def main(argv=None):
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--data", default="../shared/data/dga")
    ap.add_argument("--out", default="lib/models/dga-fanci.c2dm")
    ap.add_argument("--card", default="docs/models/dga.md")
    ap.add_argument("--trees", type=int, default=16)
    ap.add_argument("--max-depth", type=int, default=12)
    ap.add_argument("--min-leaf", type=int, default=20)
    ap.add_argument("--fpr", type=float, default=0.001)
    ap.add_argument("--schema", default=dga.SCHEMA_V3,
                    choices=(dga.SCHEMA, dga.SCHEMA_V2, dga.SCHEMA_V3))
    ap.add_argument("--sweep", action="store_true",
                    help="also compare forest sizes (and v1 features) in the card")
    ap.add_argument("--train-cap", type=int, default=TRAIN_CAP,
                    help="training names per seen family (the test sets do not depend on it)")
    ap.add_argument("--tried", default="",
                    help="other configurations evaluated on this split before this one (card text)")
    ap.add_argument("--cache", default=None, help="npz cache of the feature matrices")
    ap.add_argument("--dump-test", default=None, metavar="TSV",
                    help="only write the held-out test names (label, group, family, name) "
                         "for bench/dga and exit")
    args = ap.parse_args(argv)
    if args.dump_test:
        fam, benign = load(args.data)
        s, _, _, _ = split(fam, benign)
        with open(args.dump_test, "w", encoding="utf-8") as f:
            for key, label, group in (("seen_test", "dga", "seen"), ("unseen_test", "dga", "unseen"),
                                      ("benign_test", "benign", "benign")):
                for name, family in s[key]:
                    f.write(f"{label}\t{group}\t{family}\t{name}\n")
        return 0

    t0 = time.time()
    fam, benign = load(args.data)
    s, seen, unseen, dropped = split(fam, benign, args.train_cap)
    sets = {}
    cache = None
    if args.cache and os.path.exists(args.cache):
        cache = np.load(args.cache, allow_pickle=True)
    for key, pairs in s.items():
        if cache is not None and key + "_X" in cache:
            sets[key] = (cache[key + "_X"], [tuple(p) for p in cache[key + "_P"]])
        else:
            sets[key] = featurize(pairs)
    if args.cache and cache is None:
        np.savez_compressed(args.cache, **{k + "_X": v[0] for k, v in sets.items()},
                            **{k + "_P": np.array(v[1], dtype=object) for k, v in sets.items()})
    print(f"features: {time.time() - t0:.1f} s", file=sys.stderr)
    width = WIDTH[args.schema]
    full = sets
    sets = {k: (v[0][:, :width], v[1]) for k, v in full.items()}

    Xd, Pd = sets["train"]
    Xb, Pb = sets["benign_train"]
    X = np.vstack([Xb, Xd])
    y = np.concatenate([np.zeros(len(Xb), np.int64), np.ones(len(Xd), np.int64)])

    def evaluate(clf, w=width):
        sc = {k: clf.predict_proba(v[0][:, :w])[:, 1] if len(v[0]) else np.zeros(0)
              for k, v in full.items() if k not in ("train", "benign_train")}
        thr = threshold_for_fpr(sc["benign_tune"], args.fpr)
        r = {"threshold": thr, "scores": sc}
        r["test_fpr"] = float(np.mean(sc["benign_test"] >= thr))
        r["seen_tpr"] = float(np.mean(sc["seen_test"] >= thr))
        r["unseen_tpr"] = float(np.mean(sc["unseen_test"] >= thr))
        from sklearn.metrics import roc_auc_score
        for k in ("seen", "unseen"):
            m = sc[f"{k}_test"]
            r[f"{k}_auc"] = float(roc_auc_score(np.r_[np.zeros(len(sc["benign_test"])), np.ones(len(m))],
                                                np.r_[sc["benign_test"], m]))
        for f in (0.01, 0.001, 0.0001):
            r[f"seen_tpr@{f}"] = tpr_at_fpr(sc["benign_test"], sc["seen_test"], f)[0]
            r[f"unseen_tpr@{f}"] = tpr_at_fpr(sc["benign_test"], sc["unseen_test"], f)[0]
        bp = full["benign_test"][1]
        order = np.argsort(-sc["benign_test"], kind="stable")[:25]
        r["top_benign"] = [bp[i][0] for i in order if bp[i][1] == "opendns_top"]
        r["top25_lists"] = {}
        for i in order:
            r["top25_lists"][bp[i][1]] = r["top25_lists"].get(bp[i][1], 0) + 1
        alexa = np.array([p[1] == "alexa" for p in bp])
        for k in ("seen", "unseen"):
            r[f"alexa_{k}_tpr@0.001"] = tpr_at_fpr(sc["benign_test"][alexa], sc[f"{k}_test"],
                                                   0.001)[0]
        return r

    sweep = []
    if args.sweep:
        configs = [(args.schema, nt, md) for nt, md in ((8, 12), (10, 14), (16, 12), (16, 16),
                                                         (32, 16))]
        if args.schema == dga.SCHEMA_V3:
            configs.append((dga.SCHEMA_V2, args.trees, args.max_depth))
        if args.schema in (dga.SCHEMA_V2, dga.SCHEMA_V3):
            configs.append((dga.SCHEMA, args.trees, args.max_depth))
        for sch, nt, md in configs:
            t1 = time.time()
            w_ = WIDTH[sch]
            c = train_forest(X[:, :w_], y, nt, md, args.min_leaf)
            r = evaluate(c, w_)
            sweep.append((sch, nt, md, n_nodes(c), r))
            print(f"sweep {sch} trees={nt} depth={md} nodes={n_nodes(c)} "
                  f"seen={r['seen_tpr']:.4f} unseen={r['unseen_tpr']:.4f} "
                  f"fpr={r['test_fpr']:.5f} seen@0.1%={r['seen_tpr@0.001']:.4f} "
                  f"({time.time() - t1:.0f} s)", file=sys.stderr)

    clf = train_forest(X, y, args.trees, args.max_depth, args.min_leaf)
    r = evaluate(clf)
    from ..export import from_sklearn
    import sklearn
    meta = {
        "name": "dga",
        "description": (f"FANCI-style random forest ({args.trees} trees, max depth "
                        f"{args.max_depth}) on {args.schema} features; trained on "
                        f"{len(seen)} DGA families (baderj, andrewaeva) vs Alexa/OpenDNS 2014 "
                        f"by c2detect.train.dga"),
        "threshold": r["threshold"],
        "threshold_fpr": args.fpr,
        "trained_on": "shared/data/dga: dga_baderj_50families, dga_andrewaeva_10families, "
                      "benign_alexa_top100k, benign_opendns_top10k_random10k",
        "unseen_families": ",".join(unseen),
        "schema_note": "dga-fanci-v2 = dga-fanci-v1 + letter n-gram language features; "
                       "table lib/dga/ngram_table.c from the benign training split; "
                       "dga-fanci-v3 = v2 + vocabulary features, words lib/dga/vocab_table.c "
                       "from the DGA training split",
        "sklearn_version": sklearn.__version__,
        "seed": SEED,
    }
    data = from_sklearn(clf, schema=args.schema, path=args.out, meta=meta)
    print(f"wrote {args.out}: {len(data)} bytes, {n_nodes(clf)} nodes, threshold "
          f"{r['threshold']:.6f}; seen TPR {r['seen_tpr']:.4f} unseen TPR {r['unseen_tpr']:.4f} "
          f"test FPR {r['test_fpr']:.5f}", file=sys.stderr)
    if args.card:
        write_card(args, clf, r, s, sets, seen, unseen, dropped, sweep, len(data),
                   hashlib.sha256(data).hexdigest())
    return 0


def per_family(sc, pairs, thr):
    out = {}
    for (n, f), v in zip(pairs, sc):
        a = out.setdefault(f, [0, 0])
        a[0] += 1
        a[1] += int(v >= thr)
    return {f: (c, d / c) for f, (c, d) in sorted(out.items())}


def plots(card_dir, r):
    import matplotlib
    matplotlib.use("Agg")
    import matplotlib.pyplot as plt
    from sklearn.metrics import precision_recall_curve, roc_curve
    sc = r["scores"]
    b = sc["benign_test"]
    fig, ax = plt.subplots(figsize=(6, 4.5))
    for key, label in (("seen_test", "seen families"), ("unseen_test", "unseen families")):
        y = np.r_[np.zeros(len(b)), np.ones(len(sc[key]))]
        fpr, tpr, _ = roc_curve(y, np.r_[b, sc[key]])
        ax.plot(np.maximum(fpr, 1e-5), tpr, label=label)
    ax.axvline(1e-3, color="gray", ls="--", lw=0.8, label="FPR 0.1 %")
    ax.axvline(1e-4, color="gray", ls=":", lw=0.8, label="FPR 0.01 %")
    ax.set_xscale("log")
    ax.set_xlim(1e-5, 1)
    ax.set_xlabel("false-positive rate (held-out benign, log)")
    ax.set_ylabel("true-positive rate")
    ax.set_title("dga-fanci.c2dm ROC")
    ax.legend(loc="lower right")
    fig.tight_layout()
    fig.savefig(os.path.join(card_dir, "dga_roc.png"), dpi=100)
    plt.close(fig)
    fig, ax = plt.subplots(figsize=(6, 4.5))
    for key, label in (("seen_test", "seen families"), ("unseen_test", "unseen families")):
        y = np.r_[np.zeros(len(b)), np.ones(len(sc[key]))]
        p, rc, _ = precision_recall_curve(y, np.r_[b, sc[key]])
        ax.plot(rc, p, label=label)
    ax.set_xlabel("recall")
    ax.set_ylabel("precision")
    ax.set_ylim(0.5, 1.01)
    ax.set_title("dga-fanci.c2dm precision-recall (test sets as sampled)")
    ax.legend(loc="lower left")
    fig.tight_layout()
    fig.savefig(os.path.join(card_dir, "dga_pr.png"), dpi=100)
    plt.close(fig)


def write_card(args, clf, r, s, sets, seen, unseen, dropped, sweep, nbytes, sha):
    card_dir = os.path.dirname(args.card) or "."
    os.makedirs(card_dir, exist_ok=True)
    plots(card_dir, r)
    thr = r["threshold"]
    sc = r["scores"]
    fs = per_family(sc["seen_test"], sets["seen_test"][1], thr)
    fu = per_family(sc["unseen_test"], sets["unseen_test"][1], thr)
    bt = per_family(sc["benign_test"], sets["benign_test"][1], thr)
    L = []
    w = L.append
    w("# Model card: `dga-fanci` (built-in FANCI forest DGA detector)\n")
    w("Built in as `c2d_model_builtin(\"dga-fanci\")`. Which model the default name `dga` "
      "loads (this forest or the character CNN) is set in `lib/models/aliases.txt` and "
      "justified in [dga-cnn.md](dga-cnn.md).\n")
    w("Generated by `c2detect.train.dga`; do not edit by hand. Regenerate (model, card and plots) with:\n")
    w("```sh\nPYTHONPATH=bindings/python /usr/bin/python3 -m c2detect.train.dga \\\n"
      f"    --data ../shared/data/dga --out lib/models/dga-fanci.c2dm --card docs/models/dga.md"
      f" --schema {args.schema} --trees {args.trees} --max-depth {args.max_depth}"
      f" --min-leaf {args.min_leaf}"
      + (f" --train-cap {args.train_cap}" if args.train_cap != TRAIN_CAP else "")
      + f"{' --sweep' if sweep else ''}"
      + (f" \\\n    --tried '{args.tried}'" if args.tried else "") + "\n```\n")
    w("## What it is\n")
    w(f"- A scikit-learn {__import__('sklearn').__version__} `RandomForestClassifier` "
      f"({args.trees} trees, max depth {args.max_depth}, min {args.min_leaf} samples per leaf, "
      f"sqrt features per split, balanced class weights, seed {SEED}), exported with "
      "`c2detect.export.from_sklearn` to `lib/models/dga-fanci.c2dm` "
      f"({nbytes} bytes, {n_nodes(clf)} nodes, sha256 `{sha[:16]}…`).")
    if args.schema == dga.SCHEMA_V3:
        w("- Input: the 49 `dga-fanci-v3` features of a query name (docs/features.md): the 41 "
          "FANCI features of `dga-fanci-v1` (after Schüppen et al., USENIX Security 2018), 6 "
          "language features scoring the name's letter runs with a letter bigram/trigram "
          "table compiled into the library (`lib/dga/ngram_table.c`, counted once by "
          "`c2detect.dga_ngrams` on the benign *training* split only) and 2 vocabulary "
          "features: how much of the letters the words of wordlist DGAs cover (1,409 words "
          "learned by `c2detect.dga_vocab` from the *training* names of the seen wordlist "
          "families matsnu and nymaim2, `lib/dga/vocab_table.c`). Output: probability of "
          "class 1 (DGA) = `c2d_dga_score()`.")
        w("- Disclosure: the vocabulary features exist because the per-family results of the "
          "v2 forest, the CNN and the ensemble on these same test sets showed matsnu as the "
          "largest miss. Their learning rule (docs/features.md, \"Vocabulary\") was written "
          "before any test name was scored with them, but a prototype of them (a script not "
          "kept) was scored once on the test sets to decide whether to build them.")
    elif args.schema == dga.SCHEMA_V2:
        w("- Input: the 47 `dga-fanci-v2` features of a query name (docs/features.md): the 41 "
          "FANCI features of `dga-fanci-v1` (after Schüppen et al., USENIX Security 2018) and 6 "
          "language features scoring the name's letter runs with a letter bigram/trigram "
          "table compiled into the library (`lib/dga/ngram_table.c`, counted once by "
          "`c2detect.dga_ngrams` on the benign *training* split only). Output: probability of "
          "class 1 (DGA) = `c2d_dga_score()`.")
    else:
        w("- Input: the 41 `dga-fanci-v1` features of a query name (docs/features.md, after "
          "FANCI, Schüppen et al., USENIX Security 2018). Output: probability of class 1 (DGA) "
          "= `c2d_dga_score()`.")
    if args.tried:
        w(f"- Selection: configurations evaluated on this same split before this one: "
          f"{args.tried}. The held-out sets were therefore looked at more than once; the "
          "differences are reported so that this is visible.")
    w(f"- Decision threshold (metadata `threshold`): **{thr:.6f}**, tuned so that at most "
      f"{args.fpr:.1%} of the benign tuning split scores at or above it (metadata "
      f"`threshold_fpr` = {args.fpr}). On the separate benign test split it flags "
      f"**{r['test_fpr']:.4%}** of names.")
    w("- Scope: one name at a time, no context (no NXDOMAIN rate, no per-host grouping). It "
      "judges how a name *looks*: wordlist DGAs look like words and are largely missed ("
      + ("those whose words it has not learned: suppobox, nymaim2, …" if args.schema == dga.SCHEMA_V3
         else "matsnu, suppobox, …") + "); CDN, cloud and tracking names with random-looking labels are the "
      "typical false positives (use the allow-list, `c2d_dga_allowlist_*`).\n")
    w("## Data\n")
    w("All from `../shared/data/dga` (provenance in its SOURCES.md), read by path, never copied:\n")
    w("- DGA: `dga_baderj_50families.csv.gz` (50 families, reimplemented DGAs) and "
      "`dga_andrewaeva_10families.csv.gz` (10 families). Same-named families are merged, "
      "and `gameover_zeus_new` is merged into `newgoz` (same algorithm).")
    w(f"- Families with fewer than {MIN_FAMILY} names are dropped: {', '.join(dropped)}.")
    w("- Benign: Alexa top 100k and the OpenDNS top/random 10k lists (**2014**). They are old, "
      "they are registrable domains (few subdomains, no CDN host names), and a name in both a "
      "DGA list and a benign list is removed from the benign side. Real resolver traffic has "
      "many more long machine-made host names (CDNs, clouds, trackers, `_`-service names) "
      "than these lists, so expect a higher false-positive rate there than measured here.\n")
    w("## Split (seeded, by `c2detect.train.dga.split`)\n")
    w(f"- Unseen families ({UNSEEN_FRACTION:.0%} of the {len(seen) + len(unseen)} kept families, "
      f"chosen at random, never in training): {', '.join(unseen)}.")
    w(f"- Seen families ({len(seen)}): {SEEN_TEST_FRACTION:.0%} of each family's names held "
      f"out for test; training uses at most {args.train_cap} of the rest per family.")
    w(f"- Benign: {BENIGN_SPLIT[0]:.0%} train, {BENIGN_SPLIT[1]:.0%} threshold tuning, "
      f"{BENIGN_SPLIT[2]:.0%} test.\n")
    w("The n-gram table of the language features is counted on `benign_train` only, the "
      "vocabulary on the DGA `train` names only (up to 16,000 per family); `benign_tune` "
      "(threshold) and the test sets never enter either.\n")
    w("| set | names |\n|---|---:|")
    for k in ("train", "benign_train", "seen_test", "unseen_test", "benign_tune", "benign_test"):
        w(f"| {k} | {len(sets[k][0])} |")
    w("")
    w("## Results on the held-out sets\n")
    w("| | seen families | unseen families |\n|---|---:|---:|")
    w(f"| TPR at the stored threshold (test FPR {r['test_fpr']:.4%}) | {r['seen_tpr']:.4f} | "
      f"{r['unseen_tpr']:.4f} |")
    w(f"| ROC AUC (benign test vs DGA test) | {r['seen_auc']:.4f} | {r['unseen_auc']:.4f} |")
    w(f"| TPR at FPR 1 % (threshold set on benign test) | {r['seen_tpr@0.01']:.4f} | "
      f"{r['unseen_tpr@0.01']:.4f} |")
    w(f"| TPR at FPR 0.1 % (threshold set on benign test) | {r['seen_tpr@0.001']:.4f} | "
      f"{r['unseen_tpr@0.001']:.4f} |")
    w(f"| TPR at FPR 0.01 % (threshold set on benign test; {len(sc['benign_test'])} benign names, "
      f"so this rests on ~{int(1e-4 * len(sc['benign_test']))} names) | "
      f"{r['seen_tpr@0.0001']:.4f} | {r['unseen_tpr@0.0001']:.4f} |")
    w("")
    met = r["seen_tpr@0.001"] >= 0.95
    v1row = [x for x in sweep if x[0] == dga.SCHEMA]
    w("### Against the target\n")
    w(f"The issue's target, TPR ≥ 0.95 at FPR ≤ 0.1 % on seen families, is "
      f"**{'met' if met else 'not met'}** (TPR {r['seen_tpr@0.001']:.3f}"
      + (f"; the 41 v1 features with the same forest: {v1row[0][4]['seen_tpr@0.001']:.3f}"
         if v1row else "") + "). What stands in the way, measured on this split:\n")
    n_seen = sum(c for c, _ in fs.values())
    m_n, m_rec = fs.get("matsnu", (0, 0.0))
    if args.schema == dga.SCHEMA_V3:
        v2row = [x for x in sweep if x[0] == dga.SCHEMA_V2]
        w(f"- **Wordlist DGAs look like language.** matsnu ({m_n} of the {n_seen} seen test "
          f"names) concatenates dictionary words (`structurehabitadaptstage.com`). The "
          f"vocabulary features lift its recall to {m_rec:.3f} at the stored threshold"
          + (f" (the v2 forest of the same size: {per_family(v2row[0][4]['scores']['seen_test'], sets['seen_test'][1], v2row[0][4]['threshold']).get('matsnu', (0, 0.0))[1]:.3f})"
             if v2row else "")
          + "; a forest this small still mixes them with benign names of many words in "
          "some trees. nymaim2, charbot and ngioweb build pronounceable names from lists "
          "it has not learned (nymaim2's training names cover few of its words).")
    else:
        w(f"- **Wordlist DGAs look like language.** matsnu ({m_n} of the {n_seen} seen test "
          f"names, recall {m_rec:.3f} at the stored threshold) concatenates dictionary words "
          "(`structurehabitadaptstage.com`); nymaim2, charbot and ngioweb likewise build "
          "pronounceable names. One name alone hardly separates them from benign multi-word "
          f"names: missing matsnu alone caps seen-family TPR at {1 - m_n / n_seen:.3f}.")
    w(f"- **The benign lists contain DGA-looking names.** Of the 25 highest-scoring benign "
      f"*test* names, {r['top25_lists'].get('opendns_top', 0)} come from the OpenDNS "
      f"top list (1047 test names, under 5 % of the split), e.g. "
      f"{', '.join('`' + n + '`' for n in r['top_benign'][:4])}: by query volume, that "
      "list ranks botnet and sinkholed domains too. At FPR 0.1 % (about 23 test names) they "
      "set the threshold. Measured against the Alexa part of `benign_test` only, TPR at "
      f"FPR 0.1 % is {r['alexa_seen_tpr@0.001']:.3f} (seen) and "
      f"{r['alexa_unseen_tpr@0.001']:.3f} (unseen); the headline numbers above keep the "
      "whole split.")
    w("- Bigger forests do not move the 0.1 % point much (table below).\n")
    w("Next to nDPI's heuristic on the same held-out names: see bench/dga/README.md "
      "(accuracy of both at nDPI's false-positive rate, same run).\n")
    w("![ROC](dga_roc.png)\n\n![PR](dga_pr.png)\n")
    w("### Per-family recall at the stored threshold\n")
    w("| family | seen/unseen | test names | recall |\n|---|---|---:|---:|")
    for f, (c, rec) in fs.items():
        w(f"| {f} | seen | {c} | {rec:.4f} |")
    for f, (c, rec) in fu.items():
        w(f"| {f} | **unseen** | {c} | {rec:.4f} |")
    w("")
    w("### Benign test false positives by list\n")
    w("| list | names | flagged |\n|---|---:|---:|")
    for f, (c, rec) in bt.items():
        w(f"| {f} | {c} | {rec:.4%} |")
    w("")
    if sweep:
        w("## Forest size vs accuracy\n")
        w("Same data and split; speed of the shipped size is in bench/dga/README.md.\n")
        w("TPR/FPR at the threshold tuned on `benign_tune`; the last two columns set the "
          "threshold on `benign_test` for FPR 0.1 %.\n")
        w("| schema | trees | max depth | nodes | seen TPR | unseen TPR | test FPR | "
          "seen TPR @0.1 % | unseen TPR @0.1 % |\n|---|---:|---:|---:|---:|---:|---:|---:|---:|")
        for sch, nt, md, nn, rr in sweep:
            w(f"| {sch} | {nt} | {md if md else 'none'} | {nn} | {rr['seen_tpr']:.4f} | "
              f"{rr['unseen_tpr']:.4f} | {rr['test_fpr']:.4%} | {rr['seen_tpr@0.001']:.4f} | "
              f"{rr['unseen_tpr@0.001']:.4f} |")
        w("")
    w("## Limits\n")
    w("- Generated names come from reimplemented DGAs, not from live traffic; benign names are "
      "2014 popularity lists. Both differ from what a resolver sees today.")
    w("- Wordlist-based families and families whose names resemble common words score low.")
    w("- The 0.01 % operating point rests on very few benign names; treat it as indicative.")
    with open(args.card, "w", encoding="utf-8") as f:
        f.write("\n".join(L) + "\n")


if __name__ == "__main__":
    sys.exit(main())
