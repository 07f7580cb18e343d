"""Writer and reader for the .c2dm model container (docs/model_format.md).

Standard library only, so a model can be written anywhere Python runs. The C
loader is the authority on validity; this module writes exactly what it reads.
"""
from __future__ import annotations

import math
import struct
from dataclasses import dataclass, field

MAGIC = b"C2DM\r\n\x1a\n"
FORMAT_MAJOR = 1
FORMAT_MINOR = 0
KIND_FOREST = 1
KIND_CNN = 2

SEC_META = 1
SEC_FOREST_HEADER = 16
SEC_FOREST_TREES = 17
SEC_FOREST_NODES = 18
SEC_FOREST_LEAVES = 19

META_TEXT = 1
META_F64 = 2
LEAF = 0xFFFF

_CRC_TABLE = []
for _i in range(256):
    _c = _i
    for _ in range(8):
        _c = (_c >> 1) ^ (0x82F63B78 if _c & 1 else 0)
    _CRC_TABLE.append(_c)


def crc32c(data: bytes, crc: int = 0) -> int:
    """CRC-32C (Castagnoli); crc32c(b"123456789") == 0xE3069283."""
    c = crc ^ 0xFFFFFFFF
    for b in data:
        c = (c >> 8) ^ _CRC_TABLE[(c ^ b) & 0xFF]
    return c ^ 0xFFFFFFFF


def encode_meta(meta: dict) -> bytes:
    """META section: text values (str) and float64 values (int/float), keys sorted."""
    out = [struct.pack("<I", len(meta))]
    for key in sorted(meta):
        value = meta[key]
        kb = key.encode("ascii")
        if isinstance(value, str):
            vb = value.encode("utf-8") + b"\0"
            if b"\0" in vb[:-1]:
                raise ValueError(f"metadata {key!r} contains NUL")
            vtype = META_TEXT
        elif isinstance(value, (int, float)) and not isinstance(value, bool):
            if not math.isfinite(float(value)):
                raise ValueError(f"metadata {key!r} is not finite")
            vb = struct.pack("<d", float(value))
            vtype = META_F64
        else:
            raise TypeError(f"metadata {key!r}: str or number, not {type(value).__name__}")
        out.append(struct.pack("<HHI", len(kb), vtype, len(vb)) + kb + vb)
    return b"".join(out)


def decode_meta(buf: bytes) -> dict:
    (count,) = struct.unpack_from("<I", buf, 0)
    pos, meta = 4, {}
    for _ in range(count):
        klen, vtype, vlen = struct.unpack_from("<HHI", buf, pos)
        pos += 8
        key = buf[pos:pos + klen].decode("ascii")
        pos += klen
        raw = buf[pos:pos + vlen]
        pos += vlen
        meta[key] = raw[:-1].decode("utf-8") if vtype == META_TEXT else struct.unpack("<d", raw)[0]
    return meta


def pack_container(kind: int, sections: dict[int, bytes]) -> bytes:
    """Lay out header, section table and 64-byte aligned sections (in type order)."""
    types = sorted(sections)
    table_end = 64 + 32 * len(types)
    offset = (table_end + 63) // 64 * 64
    entries, body = [], bytearray()
    for t in types:
        data = sections[t]
        entries.append(struct.pack("<IIQQII", t, 0, offset, len(data), crc32c(data), 0))
        body += data
        pad = (-len(data)) % 64
        body += b"\0" * pad
        offset += len(data) + pad
    start = (table_end + 63) // 64 * 64
    file_size = start + len(body)
    # trailing padding after the last section is not needed: trim it
    last_pad = (-len(sections[types[-1]])) % 64
    file_size -= last_pad
    body = body[:len(body) - last_pad]
    table = b"".join(entries)
    header = bytearray(struct.pack("<8sHHIQIIQII16s", MAGIC, FORMAT_MAJOR, FORMAT_MINOR, 64,
                                   file_size, kind, len(types), 64, 0, 0, b"\0" * 16))
    struct.pack_into("<I", header, 44, crc32c(table, crc32c(bytes(header))))
    out = bytes(header) + table + b"\0" * (start - table_end) + bytes(body)
    assert len(out) == file_size
    return out


@dataclass
class Tree:
    """One tree in file order (root first, children after parents, siblings adjacent).

    nodes: list of (feature, threshold, left_child) for splits or (None, values) for
    leaves, where values is a sequence of n_outputs floats.
    """
    nodes: list = field(default_factory=list)


def forest_sections(n_features: int, n_classes: int, trees: list[Tree]) -> dict[int, bytes]:
    n_outputs = 1 if n_classes == 2 else n_classes
    tree_tab, node_buf, leaf_buf = [], bytearray(), bytearray()
    first = leaves_total = 0
    for tree in trees:
        leaf_k = 0
        for node in tree.nodes:
            if node[0] is None:
                values = list(node[1])
                if len(values) != n_outputs:
                    raise ValueError("leaf has the wrong number of values")
                node_buf += struct.pack("<HHfI", LEAF, 0, 0.0, leaf_k)
                leaf_buf += struct.pack(f"<{n_outputs}f", *values)
                leaf_k += 1
            else:
                feature, threshold, left = node
                node_buf += struct.pack("<HHfI", feature, 0, threshold, left)
        tree_tab.append(struct.pack("<II", first, len(tree.nodes)))
        first += len(tree.nodes)
        leaves_total += leaf_k
    header = struct.pack("<IIIIIIQ", n_features, n_classes, len(trees), n_outputs, first,
                         leaves_total, 0)
    return {SEC_FOREST_HEADER: header, SEC_FOREST_TREES: b"".join(tree_tab),
            SEC_FOREST_NODES: bytes(node_buf), SEC_FOREST_LEAVES: bytes(leaf_buf)}


def write_forest(n_features: int, n_classes: int, trees: list[Tree], meta: dict) -> bytes:
    """A complete forest .c2dm; `meta` must contain 'schema'."""
    if "schema" not in meta:
        raise ValueError("meta needs a 'schema'")
    sections = forest_sections(n_features, n_classes, trees)
    sections[SEC_META] = encode_meta(meta)
    return pack_container(KIND_FOREST, sections)


def read_container(buf: bytes) -> tuple[int, dict[int, bytes], dict]:
    """(kind, {type: bytes}, meta) of a container, checking magic and CRCs only."""
    magic, major, _minor, _hs, size, kind, count, table_off, _f, _crc, _r = struct.unpack_from(
        "<8sHHIQIIQII16s", buf, 0)
    if magic != MAGIC or major != FORMAT_MAJOR or size != len(buf):
        raise ValueError("not a c2dm 1.x container")
    sections = {}
    for i in range(count):
        t, _fl, off, sz, crc, _r2 = struct.unpack_from("<IIQQII", buf, table_off + 32 * i)
        data = bytes(buf[off:off + sz])
        if crc32c(data) != crc:
            raise ValueError(f"section {t}: checksum mismatch")
        sections[t] = data
    return kind, sections, decode_meta(sections[SEC_META])
