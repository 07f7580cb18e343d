"""A tiny MaxMind DB (.mmdb) writer for tests and the fuzz corpus.

It writes small, valid databases with every data type, every record size
(24/28/32) and both IP versions, plus corrupt variants of them. It is not a
general-purpose writer: no aliasing of IPv4 in IPv6, no data deduplication.

Regenerate the fuzz corpus of libc2detect's MMDB reader with:

    /usr/bin/python3 -m c2detect.mmdb_writer tests/fuzz/corpus/mmdb

(from bindings/python, or with PYTHONPATH=bindings/python).
"""

import ipaddress
import os
import random
import struct
import sys

MARKER = b"\xab\xcd\xefMaxMind.com"


class Uint16(int):
    pass


class Uint32(int):
    pass


class Uint64(int):
    pass


class Uint128(int):
    pass


class Int32(int):
    pass


class Float(float):
    pass


class Pointer(int):
    """Raw pointer to a data-section offset (for hand-made files)."""


def _ctrl(type_code, size):
    out = bytearray()
    first = type_code if type_code <= 7 else 0
    if size < 29:
        s5, extra = size, b""
    elif size < 285:
        s5, extra = 29, bytes([size - 29])
    elif size < 65821:
        s5, extra = 30, (size - 285).to_bytes(2, "big")
    else:
        s5, extra = 31, (size - 65821).to_bytes(3, "big")
    out.append(first << 5 | s5)
    if type_code > 7:
        out.append(type_code - 7)
    return bytes(out) + extra


def _uint(type_code, v):
    b = v.to_bytes((v.bit_length() + 7) // 8, "big") if v else b""
    return _ctrl(type_code, len(b)) + b


def _pointer(target):
    if target < 2048:
        return bytes([0x20 | target >> 8, target & 0xFF])
    if target < 2048 + 524288:
        v = target - 2048
        return bytes([0x28 | v >> 16]) + (v & 0xFFFF).to_bytes(2, "big")
    if target < 526336 + 134217728:
        v = target - 526336
        return bytes([0x30 | v >> 24]) + (v & 0xFFFFFF).to_bytes(3, "big")
    return b"\x38" + target.to_bytes(4, "big")


def encode(value):
    """Encode one value in the data-section format."""
    if isinstance(value, Pointer):
        return _pointer(int(value))
    if isinstance(value, bool):
        return _ctrl(14, 1 if value else 0)
    if isinstance(value, str):
        b = value.encode("utf-8")
        return _ctrl(2, len(b)) + b
    if isinstance(value, (bytes, bytearray)):
        return _ctrl(4, len(value)) + bytes(value)
    if isinstance(value, Float):
        return _ctrl(15, 4) + struct.pack(">f", value)
    if isinstance(value, float):
        return _ctrl(3, 8) + struct.pack(">d", value)
    if isinstance(value, Uint16):
        return _uint(5, int(value))
    if isinstance(value, Uint64):
        return _uint(9, int(value))
    if isinstance(value, Uint128):
        return _uint(10, int(value))
    if isinstance(value, Int32):
        return _ctrl(8, 4) + struct.pack(">i", int(value))
    if isinstance(value, int):
        return _uint(6, int(value))
    if isinstance(value, dict):
        out = _ctrl(7, len(value))
        for k, v in value.items():
            out += encode(k) + encode(v)
        return out
    if isinstance(value, (list, tuple)):
        out = _ctrl(11, len(value))
        for v in value:
            out += encode(v)
        return out
    raise TypeError(type(value))


def write_mmdb(networks, record_size=24, ip_version=6, database_type="c2d-test"):
    """networks: list of (cidr text, value). IPv4 networks in an IPv6 tree go
    under ::/96. Returns the file as bytes."""
    data = bytearray()
    offsets = []
    for _, value in networks:
        offsets.append(len(data))
        data += encode(value)
    nodes = [[None, None]]  # None empty, int node, ("d", off) data
    for (cidr, _), off in zip(networks, offsets):
        net = ipaddress.ip_network(cidr)
        bits = net.prefixlen
        addr = int(net.network_address)
        width = net.max_prefixlen
        if ip_version == 6 and net.version == 4:
            width, bits = 128, bits + 96
        node = 0
        for i in range(bits):
            bit = addr >> (width - 1 - i) & 1
            if i + 1 == bits:
                nodes[node][bit] = ("d", off)
                break
            nxt = nodes[node][bit]
            if not isinstance(nxt, int):
                nodes.append([nxt, nxt])
                nodes[node][bit] = len(nodes) - 1
                nxt = len(nodes) - 1
            node = nxt
    n = len(nodes)

    def rec(r):
        if r is None:
            return n
        if isinstance(r, tuple):
            return n + 16 + r[1]
        return r

    tree = bytearray()
    for left, right in nodes:
        lv, rv = rec(left), rec(right)
        if record_size == 24:
            tree += lv.to_bytes(3, "big") + rv.to_bytes(3, "big")
        elif record_size == 28:
            tree += (lv & 0xFFFFFF).to_bytes(3, "big")
            tree.append((lv >> 24) << 4 | rv >> 24)
            tree += (rv & 0xFFFFFF).to_bytes(3, "big")
        else:
            tree += lv.to_bytes(4, "big") + rv.to_bytes(4, "big")
    meta = {
        "node_count": n,
        "record_size": Uint16(record_size),
        "ip_version": Uint16(ip_version),
        "database_type": database_type,
        "languages": ["en"],
        "binary_format_major_version": Uint16(2),
        "binary_format_minor_version": Uint16(0),
        "build_epoch": Uint64(1700000000),
        "description": {"en": "libc2detect test database"},
    }
    return bytes(tree) + b"\0" * 16 + bytes(data) + MARKER + encode(meta)


ALL_TYPES = {
    "utf8_string": "unicode! \u262f",
    "double": 42.123456,
    "float": Float(1.1),
    "bytes": b"\x00\x00\x00\x2a",
    "uint16": Uint16(100),
    "uint32": 268435456,
    "int32": Int32(-268435456),
    "uint64": Uint64(1 << 60),
    "uint128": Uint128(1 << 120),
    "boolean": True,
    "array": [1, 2, {"deep": [Uint16(7), "x"]}],
    "country": {"iso_code": "GB", "names": {"en": "United Kingdom"}},
    "autonomous_system_number": 64496,
    "autonomous_system_organization": "Example Org",
}

NETWORKS = [
    ("1.1.1.0/24", ALL_TYPES),
    ("2.2.0.0/16", {"country_code": "JP"}),
    ("8.8.8.0/24", {"country": {"iso_code": "US"}, "asn": Uint32(15169)}),
]
NETWORKS6 = NETWORKS + [("2001:db8::/32", {"registered_country": {"iso_code": "DE"}})]


def corpus(out_dir, seed=1):
    """Valid files for each record size and IP version, and corrupt variants."""
    os.makedirs(out_dir, exist_ok=True)
    rnd = random.Random(seed)
    valid = {}
    for rs in (24, 28, 32):
        valid["v4_%d" % rs] = write_mmdb(NETWORKS, rs, 4)
        valid["v6_%d" % rs] = write_mmdb(NETWORKS6, rs, 6)
    for name, blob in valid.items():
        with open(os.path.join(out_dir, "valid_" + name + ".mmdb"), "wb") as f:
            f.write(blob)
    base = valid["v6_24"]
    variants = {}
    variants["truncated_half"] = base[: len(base) // 2]
    variants["no_marker"] = base.replace(MARKER, b"\0" * len(MARKER))
    variants["metadata_only"] = MARKER + encode({"node_count": 1})
    variants["major3"] = base.replace(b"binary_format_major_version\xa1\x02",
                                      b"binary_format_major_version\xa1\x03")
    # self-referencing map and pointer-to-pointer in a one-node tree
    loop = write_mmdb([("0.0.0.0/1", {"self": "placeholder!"})], 24, 4)
    variants["self_pointer"] = loop.replace(encode("placeholder!"), _pointer(0) + b"\0" * 11)
    variants["pointer_to_pointer"] = loop.replace(encode("placeholder!"), _pointer(8) + _pointer(0) + b"\0" * 9)
    for i in range(24):
        b = bytearray(base)
        for _ in range(rnd.randint(1, 6)):
            b[rnd.randrange(len(b))] = rnd.randrange(256)
        variants["flip_%02d" % i] = bytes(b)
    for name, blob in variants.items():
        with open(os.path.join(out_dir, "corrupt_" + name + ".mmdb"), "wb") as f:
            f.write(blob)
    return sorted(valid) + sorted(variants)


if __name__ == "__main__":
    if len(sys.argv) != 2:
        sys.exit("usage: python3 -m c2detect.mmdb_writer OUT_DIR")
    names = corpus(sys.argv[1])
    print("wrote %d files to %s" % (len(names), sys.argv[1]))
