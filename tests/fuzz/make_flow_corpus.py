#!/usr/bin/python3
"""Writes the seed and corrupt corpora of fuzz_pcap, fuzz_pcapng and fuzz_dns
(tests/fuzz/corpus/{pcap,pcapng,dns}/). Every file is synthetic; run from the
repository root: /usr/bin/python3 tests/fuzz/make_flow_corpus.py
The files named by a SHA-1 next to them are libFuzzer's merged corpus (clang
ASan+UBSan builds, 181 s per harness: fuzz_dns 10.9 M runs, fuzz_pcap 2.2 M,
fuzz_pcapng 2.4 M, no crash), kept so ctest replays them too."""
import os
import struct

ROOT = os.path.join(os.path.dirname(os.path.abspath(__file__)), "corpus")


def ipv4(src, dst, proto, l4):
    return struct.pack(">BBHHHBBH4s4s", 0x45, 0, 20 + len(l4), 1, 0, 64, proto, 0,
                       bytes(src), bytes(dst)) + l4


def ipv6(src, dst, nh, l4, ext=b""):
    return struct.pack(">IHBB", 0x60000000, len(ext) + len(l4), nh if not ext else 0, 64) + \
        bytes(src) + bytes(dst) + ext + l4


def tcp(sp, dp, flags, payload=b""):
    return struct.pack(">HHIIBBHHH", sp, dp, 1000, 0, 0x50, flags, 65535, 0, 0) + payload


def udp(sp, dp, payload):
    return struct.pack(">HHHH", sp, dp, 8 + len(payload), 0) + payload


def eth(ip, v6=False, vlans=0):
    h = bytes([2, 0, 0, 0, 0, 1, 2, 0, 0, 0, 0, 2])
    for i in range(vlans):
        h += struct.pack(">HH", 0x88a8 if i == 0 and vlans > 1 else 0x8100, 100 + i)
    return h + struct.pack(">H", 0x86dd if v6 else 0x0800) + ip


def dns_nxdomain():
    q = struct.pack(">HHHHHH", 0xbeef, 0x8183, 1, 0, 1, 0)
    q += b"\x07xkqjz7f\x07example\x03com\x00" + struct.pack(">HH", 1, 1)
    rdata = b"\x02ns\xc0\x14\x02hm\xc0\x14" + struct.pack(">5I", 1, 2, 3, 4, 5)
    q += struct.pack(">HHHIH", 0xc014, 6, 1, 900, len(rdata)) + rdata
    return q


def dns_answers():
    q = struct.pack(">HHHHHH", 7, 0x8180, 1, 3, 0, 0) + b"\x03www\x01x\x00" + struct.pack(">HH", 1, 1)
    q += struct.pack(">HHHIHH", 0xc00c, 5, 1, 60, 2, 0xc010)
    q += struct.pack(">HHHIH4s", 0xc010, 1, 1, 61, 4, bytes([192, 0, 2, 1]))
    q += struct.pack(">HHHIH", 0xc010, 28, 1, 62, 16) + bytes([0x20, 1, 0xd, 0xb8] + [0] * 11 + [1])
    return q


A = [10, 0, 0, 5]
B = [203, 0, 113, 9]
A6 = [0x20, 1, 0xd, 0xb8] + [0] * 11 + [0x10]
B6 = [0x20, 1, 0xd, 0xb8] + [0] * 11 + [0x20]
EXT = bytes([60, 0, 1, 4, 0, 0, 0, 0]) + bytes([44, 1, 1, 12] + [0] * 12) + bytes([6, 0, 0, 1, 0, 0, 0x12, 0x34])


def frames():
    return [
        eth(ipv4(A, B, 6, tcp(50000, 80, 0x02))),
        eth(ipv4(B, A, 6, tcp(80, 50000, 0x12))),
        eth(ipv4(A, B, 6, tcp(50000, 80, 0x18, b"GET / HTTP/1.1\r\nHost: x\r\n\r\n")), vlans=2),
        eth(ipv4(A, B, 17, udp(33333, 53, dns_nxdomain()))),
        eth(ipv6(A6, B6, 6, tcp(1234, 443, 0x02, b"hello"), EXT), v6=True),
        eth(ipv6(A6, B6, 17, udp(5353, 53, dns_answers())), v6=True, vlans=1),
        eth(ipv4(B, A, 6, tcp(80, 50000, 0x04))),
    ]


def pcap(be=False, nano=False, linktype=1, recs=None):
    e = ">" if be else "<"
    out = struct.pack(e + "IHHiIII", 0xa1b23c4d if nano else 0xa1b2c3d4, 2, 4, 0, 0, 65535, linktype)
    for i, f in enumerate(recs if recs is not None else frames()):
        out += struct.pack(e + "IIII", 1700000000 + i, 999 if nano else 5, len(f), len(f)) + f
    return out


def ng_block(t, body):
    body += b"\x00" * ((4 - len(body) % 4) % 4)
    n = 12 + len(body)
    return struct.pack("<II", t, n) + body + struct.pack("<I", n)


def pcapng():
    shb = ng_block(0x0a0d0d0a, struct.pack("<IHHq", 0x1a2b3c4d, 1, 0, -1))
    idb0 = ng_block(1, struct.pack("<HHI", 1, 0, 262144))
    idb1 = ng_block(1, struct.pack("<HHI", 101, 0, 262144) + struct.pack("<HHB3x", 9, 1, 9) + b"\0\0\0\0")
    out = shb + idb0 + idb1 + ng_block(0x0bad, b"\xde\xad\xbe\xef")
    for i, f in enumerate(frames()):
        ts = 1700000000000000 + i
        out += ng_block(6, struct.pack("<IIIII", 0, ts >> 32, ts & 0xffffffff, len(f), len(f)) + f)
    raw = ipv4(A, B, 17, udp(1, 53, dns_answers()))
    ts = 1700000000000000005
    out += ng_block(6, struct.pack("<IIIII", 1, ts >> 32, ts & 0xffffffff, len(raw), len(raw)) + raw)
    out += ng_block(3, struct.pack("<I", len(frames()[0])) + frames()[0])
    out += ng_block(2, struct.pack("<HHIIII", 0, 0, 0, 5, len(frames()[1]), len(frames()[1])) + frames()[1])
    return out


def write(sub, name, data):
    d = os.path.join(ROOT, sub)
    os.makedirs(d, exist_ok=True)
    with open(os.path.join(d, name), "wb") as f:
        f.write(data)


def main():
    p = pcap()
    write("pcap", "le_usec.pcap", p)
    write("pcap", "be_nsec.pcap", pcap(be=True, nano=True))
    write("pcap", "raw_linktype.pcap", pcap(linktype=101, recs=[ipv4(A, B, 6, tcp(1, 2, 0x18, b"x"))]))
    write("pcap", "sll.pcap", pcap(linktype=113, recs=[b"\0" * 14 + b"\x08\x00" + ipv4(A, B, 17, udp(1, 53, dns_answers()))]))
    write("pcap", "corrupt_truncated.pcap", p[:len(p) - 7])
    bad = bytearray(p)
    struct.pack_into("<I", bad, 24 + 8, 0x7fffffff)
    write("pcap", "corrupt_huge_record.pcap", bytes(bad))
    frag = bytearray(pcap(recs=[eth(ipv4(A, B, 6, tcp(1, 2, 0x18, b"abc")))]))
    frag[24 + 16 + 14 + 7] = 0x10
    write("pcap", "ipv4_fragment.pcap", bytes(frag))
    cut = pcap(recs=[f[:30] for f in frames()])
    write("pcap", "corrupt_cut_frames.pcap", cut)
    ng = pcapng()
    write("pcapng", "two_interfaces.pcapng", ng)
    write("pcapng", "corrupt_truncated.pcapng", ng[:len(ng) - 10])
    badng = bytearray(ng)
    struct.pack_into("<I", badng, 28 + 4, 13)
    write("pcapng", "corrupt_block_length.pcapng", bytes(badng))
    write("pcapng", "blocks_only.bin", ng[28:])
    write("dns", "nxdomain.bin", dns_nxdomain())
    write("dns", "answers.bin", dns_answers())
    write("dns", "corrupt_loop.bin", bytes([0, 1, 0, 0, 0, 1, 0, 0, 0, 0, 0, 0, 1, ord("a"), 0xc0, 12, 0, 1, 0, 1]))
    write("dns", "corrupt_forward.bin", bytes([0, 1, 0, 0, 0, 1, 0, 0, 0, 0, 0, 0, 0xc0, 16, 0, 1, 1, ord("a"), 0, 0, 1, 0, 1]))
    write("dns", "corrupt_truncated.bin", dns_answers()[:40])


if __name__ == "__main__":
    main()
