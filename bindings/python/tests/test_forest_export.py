"""A forest trained here, exported by c2detect.export.from_sklearn, predicts in C
what scikit-learn's predict_proba predicts, on rows it was not trained on."""
import numpy as np
import pytest

sklearn = pytest.importorskip("sklearn")
from sklearn.datasets import make_classification  # noqa: E402
from sklearn.ensemble import ExtraTreesClassifier, RandomForestClassifier  # noqa: E402

from c2detect import c2dm  # noqa: E402
from c2detect.export import from_sklearn  # noqa: E402
from c2detect.lib import C2DError, Model  # noqa: E402


def _data(n_classes, seed):
    X, y = make_classification(n_samples=3000, n_features=12, n_informative=8, n_redundant=2,
                               n_classes=n_classes, random_state=seed)
    X = X.astype(np.float32)
    return X[:2000], y[:2000], X[2000:], y[2000:]


@pytest.mark.parametrize("cls", [RandomForestClassifier, ExtraTreesClassifier])
@pytest.mark.parametrize("n_classes", [2, 4])
def test_c_matches_predict_proba(cls, n_classes, tmp_path):
    Xtr, ytr, Xte, _ = _data(n_classes, seed=7 + n_classes)
    clf = cls(n_estimators=25, max_depth=12, random_state=3).fit(Xtr, ytr)
    path = tmp_path / "forest.c2dm"
    from_sklearn(clf, schema="test-v1", path=str(path), meta={"name": "pytest"})
    want = clf.predict_proba(Xte)
    with Model.load(str(path)) as m:
        got = m.forest_predict(Xte, n_classes)
        assert np.max(np.abs(got - want)) <= 1e-6
        # the batch and the single-row calls agree bit for bit
        for i in range(0, len(Xte), 97):
            assert np.array_equal(m.forest_predict_one(Xte[i], n_classes), got[i])
        # thresholds equal to feature values: the <= edge goes left as in sklearn
        edge = Xtr[:200].copy()
        assert np.max(np.abs(m.forest_predict(edge, n_classes) - clf.predict_proba(edge))) <= 1e-6


def test_exported_metadata(tmp_path):
    Xtr, ytr, _, _ = _data(2, seed=1)
    clf = RandomForestClassifier(n_estimators=3, max_depth=4, random_state=0).fit(Xtr, ytr)
    data = from_sklearn(clf, schema="dga-fanci-v1", meta={"threshold": 0.75, "threshold_fpr": 0.001})
    kind, _, meta = c2dm.read_container(data)
    assert kind == c2dm.KIND_FOREST
    assert meta["schema"] == "dga-fanci-v1"
    assert meta["classes"] == "0,1"
    assert meta["threshold"] == 0.75 and meta["threshold_fpr"] == 0.001
    with Model.from_bytes(data) as m:
        assert m.meta_number("threshold") == 0.75


def test_threshold_rounding_keeps_sklearn_comparison():
    from c2detect.export import _float32_at_or_below
    t = 0.1  # not a float32: the float32 nearest is above 0.1
    f = _float32_at_or_below(t)
    assert f <= t and np.float32(f) == np.float32(f)
    assert np.nextafter(np.float32(f), np.float32(1)) > t


def test_sklearn_unfitted_is_refused():
    with pytest.raises(TypeError):
        from_sklearn(RandomForestClassifier(), schema="x")


def test_c_refuses_kind_mismatch_on_schema_free_call():
    # a CNN-kind container is recognised; without the CNN engine it is refused cleanly
    data = bytearray(c2dm.pack_container(c2dm.KIND_CNN, {c2dm.SEC_META: c2dm.encode_meta({"schema": "x"})}))
    with pytest.raises(C2DError):
        Model.from_bytes(bytes(data))
