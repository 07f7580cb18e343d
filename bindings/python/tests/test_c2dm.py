"""The Python writer and the committed fixtures agree byte for byte, and the C
library reads what Python writes."""
import pathlib
import struct

import pytest

from c2detect import c2dm, testmodels
from c2detect.lib import C2DError, Model

ROOT = pathlib.Path(__file__).resolve().parents[3]


def test_crc32c_check_value():
    assert c2dm.crc32c(b"123456789") == 0xE3069283


def test_builtin_test_model_bytes_match_committed_file():
    assert (ROOT / "lib/models/test.c2dm").read_bytes() == testmodels.builtin_test_model()


def test_golden_multiclass_bytes_match_committed_file():
    assert (ROOT / "tests/golden/forest3.c2dm").read_bytes() == testmodels.golden_multiclass_model()


def test_reader_roundtrip_and_alignment():
    data = testmodels.golden_multiclass_model()
    kind, sections, meta = c2dm.read_container(data)
    assert kind == c2dm.KIND_FOREST
    assert meta == {"schema": "test-v1", "name": "golden-multiclass",
                    "trained_on": "nothing: hand-made"}
    n_features, n_classes, n_trees, n_outputs, n_nodes, n_leaves, _ = struct.unpack(
        "<IIIIIIQ", sections[c2dm.SEC_FOREST_HEADER])
    assert (n_features, n_classes, n_trees, n_outputs, n_nodes, n_leaves) == (2, 3, 3, 3, 9, 6)
    count = struct.unpack_from("<I", data, 28)[0]
    for i in range(count):
        _t, _f, off, _sz, _crc, _r = struct.unpack_from("<IIQQII", data, 64 + 32 * i)
        assert off % 64 == 0


def test_c_reads_python_output_and_meta():
    with Model.from_bytes(testmodels.builtin_test_model()) as m:
        assert m.meta_text("schema") == "test-v1"
        assert m.meta_number("threshold") == 0.5
        p = m.forest_predict([[0, 0, 0], [1, 0, -2], [0, 3, 0]], 2)
        assert p[:, 1].tolist() == [0.5, 0.25, 0.875]


def test_c_rejects_flipped_byte_with_checksum_status():
    data = bytearray(testmodels.builtin_test_model())
    data[-3] ^= 0x40
    with pytest.raises(C2DError) as e:
        Model.from_bytes(bytes(data))
    assert e.value.name == "C2D_ERR_CHECKSUM"


def test_writer_refuses_missing_schema_and_bad_meta():
    with pytest.raises(ValueError):
        c2dm.write_forest(1, 2, [c2dm.Tree([(None, [0.5])])], {"name": "x"})
    with pytest.raises(ValueError):
        c2dm.encode_meta({"threshold": float("nan")})
