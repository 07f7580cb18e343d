"""The small hand-made models committed as fixtures, built from their definitions.

    python3 -m c2detect.testmodels lib/models/test.c2dm tests/golden/forest3.c2dm

rewrites both, and the corrupt variants in tests/corrupt/model/; the Python tests check that the committed bytes equal what this
module produces, and the C tests check the predictions worked out by hand below.
"""
import sys

from ..c2dm import Tree, write_forest


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


def corrupt_models() -> dict:
    """Hostile variants of the golden model for tests/corrupt/model/. Edits are
    resealed with valid CRCs where the point is the structural check behind them."""
    import struct

    from ..c2dm import SEC_FOREST_NODES, pack_container, read_container

    good = golden_multiclass_model()
    kind, sections, _ = read_container(good)

    def with_nodes(edit):
        nodes = bytearray(sections[SEC_FOREST_NODES])
        edit(nodes)
        s = dict(sections)
        s[SEC_FOREST_NODES] = bytes(nodes)
        return pack_container(kind, s)

    flipped = bytearray(good)
    flipped[good.index(struct.pack("<f", 5.0))] ^= 0x01   # a threshold bit, CRC left stale
    bad_offset = bytearray(good)
    struct.pack_into("<Q", bad_offset, 64 + 8, 1 << 40)     # META offset far past the end
    return {
        "bitflip_node.c2dm": bytes(flipped),
        "cycle.c2dm": with_nodes(lambda n: struct.pack_into("<I", n, 8 + 24, 0)),  # node 2 -> node 0
        "truncated_half.c2dm": good[: len(good) // 2],
        "bad_offset.c2dm": bytes(bad_offset),
        "empty.c2dm": b"",
        "zero_header.c2dm": b"C2DM\r\n\x1a\n" + b"\0" * 56,
    }


def main(argv):
    if len(argv) != 3:
        print(__doc__)
        return 2
    with open(argv[1], "wb") as f:
        f.write(builtin_test_model())
    with open(argv[2], "wb") as f:
        f.write(golden_multiclass_model())
    import os
    corrupt_dir = os.path.join(os.path.dirname(argv[2]), "..", "corrupt", "model")
    os.makedirs(corrupt_dir, exist_ok=True)
    for name, data in corrupt_models().items():
        with open(os.path.join(corrupt_dir, name), "wb") as f:
            f.write(data)
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
