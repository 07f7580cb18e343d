"""Export trained models to .c2dm.

from_sklearn: RandomForestClassifier / ExtraTreesClassifier (scikit-learn) -> forest.
from_torch:   a supported int8 1D-CNN (PyTorch) -> cnn, see c2detect.torch_export.
"""
from __future__ import annotations

import numpy as np

from .c2dm import Tree, write_forest


def _float32_at_or_below(t: float) -> float:
    """Largest float32 not above the float64 `t`: then x <= result exactly when
    x <= t for every float32 x, which is how scikit-learn compares."""
    f = np.float32(t)
    if float(f) > t:
        f = np.nextafter(f, np.float32(-np.inf))
    return float(f)


def _tree_nodes(tree, n_classes: int) -> Tree:
    """Re-lay one sklearn tree: root first, the two children of a split in adjacent
    slots after their parent, laid out depth-first (left subtree close to its parent)."""
    left, right = tree.children_left, tree.children_right
    feature, threshold, value = tree.feature, tree.threshold, tree.value[:, 0, :]
    slot_of = {0: 0}
    order = []          # sklearn node ids in slot order
    next_slot = 1
    stack = [0]
    slots = {}
    while stack:
        node = stack.pop()
        slots[slot_of[node]] = node
        if left[node] != -1:
            slot_of[left[node]] = next_slot
            slot_of[right[node]] = next_slot + 1
            next_slot += 2
            stack.append(right[node])
            stack.append(left[node])
    order = [slots[i] for i in range(next_slot)]
    nodes = []
    for node in order:
        if left[node] == -1:
            counts = value[node].astype(np.float64)
            frac = counts / counts.sum()
            vals = [float(frac[1])] if n_classes == 2 else [float(v) for v in frac]
            nodes.append((None, vals))
        else:
            nodes.append((int(feature[node]), _float32_at_or_below(float(threshold[node])),
                          slot_of[left[node]]))
    return Tree(nodes)


def from_sklearn(model, schema: str, path: str | None = None, meta: dict | None = None) -> bytes:
    """Convert a fitted RandomForestClassifier or ExtraTreesClassifier.

    `schema` names the input schema (e.g. "dga-fanci-v1"); `meta` adds metadata
    (name, description, threshold, threshold_fpr, anything else). Returns the
    .c2dm bytes and writes them to `path` when given. Class order is
    model.classes_ order, as in predict_proba.
    """
    if not hasattr(model, "estimators_"):
        raise TypeError("expected a fitted RandomForestClassifier or ExtraTreesClassifier")
    if getattr(model, "n_outputs_", 1) != 1:
        raise ValueError("multi-output forests are not supported")
    n_classes = int(model.n_classes_)
    n_features = int(model.n_features_in_)
    trees = [_tree_nodes(est.tree_, n_classes) for est in model.estimators_]
    all_meta = {"schema": schema, "classes": ",".join(str(c) for c in model.classes_),
                "exporter": "c2detect.export.from_sklearn"}
    all_meta.update(meta or {})
    data = write_forest(n_features, n_classes, trees, all_meta)
    if path:
        with open(path, "wb") as f:
            f.write(data)
    return data


def from_torch(*args, **kwargs):
    """See c2detect.torch_export.from_torch (needs PyTorch)."""
    from .torch_export import from_torch as _from_torch
    return _from_torch(*args, **kwargs)
