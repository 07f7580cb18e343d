#!/usr/bin/env python3
"""Forest benchmark: libc2detect vs scikit-learn on the same model and rows.

    cmake -S . -B build -DC2D_BUILD_BENCH=ON && cmake --build build -j2
    /usr/bin/python3 bench/forest/run.py build/bench/forest/bench_forest

Trains a 100-tree, depth-20 RandomForestClassifier on 41 synthetic features
(the shape of a DGA model), exports it with c2detect.export.from_sklearn, and
prints `name value unit` lines: rows/s for scikit-learn predict_proba (n_jobs=1)
batch and single-row, libc2detect batch and single-row, and the ratios.
"""
import os
import pathlib
import subprocess
import sys
import tempfile
import time

import numpy as np

ROOT = pathlib.Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT / "bindings" / "python"))
from c2detect.export import from_sklearn  # noqa: E402
from sklearn.datasets import make_classification  # noqa: E402
from sklearn.ensemble import RandomForestClassifier  # noqa: E402


def rate(fn, n_items, seconds=2.0):
    done, t0 = 0, time.perf_counter()
    while True:
        fn()
        done += n_items
        t = time.perf_counter()
        if t - t0 >= seconds:
            return done / (t - t0)


def main():
    bench = sys.argv[1] if len(sys.argv) > 1 else str(ROOT / "build/bench/forest/bench_forest")
    X, y = make_classification(n_samples=30000, n_features=41, n_informative=20, n_redundant=10,
                               flip_y=0.05, class_sep=0.8, random_state=42)
    X = X.astype(np.float32)
    Xtr, ytr, Xte = X[:20000], y[:20000], X[20000:]
    clf = RandomForestClassifier(n_estimators=100, max_depth=20, n_jobs=1, random_state=0)
    clf.fit(Xtr, ytr)
    nodes = sum(e.tree_.node_count for e in clf.estimators_)
    print(f"model_trees 100 trees\nmodel_max_depth {max(e.tree_.max_depth for e in clf.estimators_)} levels")
    print(f"model_nodes {nodes} nodes")
    with tempfile.TemporaryDirectory() as d:
        mpath, rpath, opath = (os.path.join(d, n) for n in ("m.c2dm", "rows.f32", "out.f32"))
        from_sklearn(clf, schema="bench-v1", path=mpath)
        Xte.tofile(rpath)
        sk_batch = rate(lambda: clf.predict_proba(Xte), len(Xte))
        one = Xte[:1]
        sk_single = rate(lambda: clf.predict_proba(one), 1)
        out = subprocess.run([bench, mpath, rpath, "41", "2", opath], check=True,
                             capture_output=True, text=True).stdout
        got = np.fromfile(opath, dtype=np.float32).reshape(-1, 2)
    c2d = {line.split()[0]: float(line.split()[1]) for line in out.splitlines()}
    diff = float(np.max(np.abs(got - clf.predict_proba(Xte))))
    print(f"sklearn_batch {sk_batch:.0f} rows/s")
    print(f"sklearn_single {sk_single:.0f} rows/s")
    print(f"c2d_batch {c2d['c2d_forest_batch']:.0f} rows/s")
    print(f"c2d_single {c2d['c2d_forest_single']:.0f} rows/s")
    print(f"ratio_batch_vs_sklearn_batch {c2d['c2d_forest_batch'] / sk_batch:.1f} x")
    print(f"ratio_single_vs_sklearn_single {c2d['c2d_forest_single'] / sk_single:.0f} x")
    print(f"max_abs_diff_vs_sklearn {diff:.2e} probability")


if __name__ == "__main__":
    main()
