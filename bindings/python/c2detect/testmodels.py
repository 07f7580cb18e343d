"""The small hand-made models committed as fixtures, built from their definitions.

    python3 -m c2detect.testmodels lib/models/test.c2dm tests/golden/forest3.c2dm

rewrites both; the Python tests check that the committed bytes equal what this
module produces, and the C tests check the predictions worked out by hand below.
"""
import sys

from .c2dm import Tree, write_forest


def builtin_test_model() -> bytes:
    """The built-in "test" model: 3 features, 2 classes, 2 trees.

    tree 0: x0 <= 0.5 ? (x1 <= 2.0 ? 0.25 : 1.0) : 0.0
    tree 1: x2 <= -1.0 ? 0.5 : 0.75
    so row (0, 0, 0) scores (0.25 + 0.75) / 2 = 0.5, row (1, 0, -2) scores 0.25.
    """
    t0 = Tree([(0, 0.5, 1), (1, 2.0, 3), (None, [0.0]), (None, [0.25]), (None, [1.0])])
    t1 = Tree([(2, -1.0, 1), (None, [0.5]), (None, [0.75])])
    return write_forest(3, 2, [t0, t1], {
        "schema": "test-v1",
        "name": "builtin-test",
        "description": "hand-made 2-tree forest used by the test suites",
        "threshold": 0.5,
        "threshold_fpr": 0.01,
    })


def golden_multiclass_model() -> bytes:
    """tests/golden/forest3.c2dm: 2 features, 3 classes, 3 trees (one a lone leaf).

    tree 0: x0 <= 1.0 ? [1, 0, 0] : (x1 <= 0.0 ? [0, 1, 0] : [0, 0, 1])
    tree 1: x1 <= 5.0 ? [0.5, 0.5, 0] : [0, 0.5, 0.5]
    tree 2: leaf [0.2, 0.3, 0.5]
    """
    t0 = Tree([(0, 1.0, 1), (None, [1.0, 0.0, 0.0]), (1, 0.0, 3),
               (None, [0.0, 1.0, 0.0]), (None, [0.0, 0.0, 1.0])])
    t1 = Tree([(1, 5.0, 1), (None, [0.5, 0.5, 0.0]), (None, [0.0, 0.5, 0.5])])
    t2 = Tree([(None, [0.2, 0.3, 0.5])])
    return write_forest(2, 3, [t0, t1, t2], {
        "schema": "test-v1",
        "name": "golden-multiclass",
        "trained_on": "nothing: hand-made",
    })


def main(argv):
    if len(argv) != 3:
        print(__doc__)
        return 2
    with open(argv[1], "wb") as f:
        f.write(builtin_test_model())
    with open(argv[2], "wb") as f:
        f.write(golden_multiclass_model())
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
