#!/usr/bin/python3
"""Writes the seed corpora of fuzz_tls_client, fuzz_tls_server and fuzz_der
(tests/fuzz/corpus/{tls_client,tls_server,der}/) and tests/tls/handshake.pcap
(one TCP session carrying them, for the c2d tls / c2d sessions tests) and
tests/tls/handshake_cut.pcap (the same, cut inside its last frame). Every
handshake is synthetic; the certificates are the ones embedded in
tests/test_tls.c (made with openssl for that test). Run from the repository
root: /usr/bin/python3 tests/fuzz/make_tls_corpus.py
The files named by a SHA-1 next to them are libFuzzer's merged corpus (clang
ASan+UBSan, 60 s per harness from these seeds, -max_len=20000: fuzz_tls_client
1.39 M runs, fuzz_tls_server 0.27 M, fuzz_der 0.91 M, no crash), kept so ctest
replays them too."""
import os
import re
import struct

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.join(HERE, "corpus")


def certificates():
    text = open(os.path.join(HERE, "..", "test_tls.c")).read()
    out = {}
    for name, body in re.findall(r"static const uint8_t (\w+)_der\[\d+\] = \{([^}]*)\}", text):
        out[name] = bytes(int(x, 16) for x in re.findall(r"0x([0-9a-f]{2})", body))
    return out


def u8(v): return struct.pack(">B", v)
def u16(v): return struct.pack(">H", v)
def u24(v): return struct.pack(">I", v)[1:]
def ext(t, body): return u16(t) + u16(len(body)) + body


def client_hello(sni=True, alpn=True, tls13=True, padding=0):
    """The JA4 specification's example client, GREASE included (as test_tls.c)."""
    ciphers = [0x0a0a, 0x1301, 0x1302, 0x1303, 0xc02b, 0xc02f, 0xc02c, 0xc030, 0xcca9, 0xcca8,
               0xc013, 0xc014, 0x009c, 0x009d, 0x002f, 0x0035]
    sigs = [0x0403, 0x0804, 0x0401, 0x0503, 0x0805, 0x0501, 0x0806, 0x0601]
    e = ext(0x1a1a, b"") + ext(0x001b, b"\x02\x00\x02")
    if sni:
        name = b"example.com"
        e += ext(0x0000, u16(len(name) + 3) + b"\x00" + u16(len(name)) + name)
    e += ext(0x0033, u16(0))
    if alpn:
        lst = b"\x02h2\x08http/1.1"
        e += ext(0x0010, u16(len(lst)) + lst)
    e += ext(0x4469, u16(3) + b"\x02h2") + ext(0x0017, b"") + ext(0x002d, b"\x01\x01")
    e += ext(0x000d, u16(2 * len(sigs)) + b"".join(u16(s) for s in sigs))
    e += ext(0x0005, b"\x01\x00\x00\x00\x00") + ext(0x0023, b"") + ext(0x0012, b"")
    if tls13:
        e += ext(0x002b, b"\x06" + u16(0x2a2a) + u16(0x0304) + u16(0x0303))
    e += ext(0xff01, b"\x00") + ext(0x000b, b"\x01\x00")
    e += ext(0x000a, u16(8) + u16(0x3a3a) + u16(0x001d) + u16(0x0017) + u16(0x0018))
    if padding:
        e += ext(0x0015, bytes(padding))
    body = u16(0x0303) + bytes(range(32)) + b"\x20" + b"\xee" * 32
    body += u16(2 * len(ciphers)) + b"".join(u16(c) for c in ciphers) + b"\x01\x00"
    body += u16(len(e)) + e
    return b"\x01" + u24(len(body)) + body


def server_flight(certs, tls13=False):
    if tls13:
        e = ext(0x002b, u16(0x0304)) + ext(0x0033, u16(0x001d) + u16(0))
        cipher = 0x1301
    else:
        e = ext(0xff01, b"\x00") + ext(0x0000, b"") + ext(0x000b, b"\x01\x00")
        e += ext(0x0010, u16(3) + b"\x02h2") + ext(0x0017, b"")
        cipher = 0xc02f
    body = u16(0x0303) + bytes(3 * i & 0xff for i in range(32)) + b"\x00" + u16(cipher) + b"\x00"
    body += u16(len(e)) + e
    out = b"\x02" + u24(len(body)) + body
    if certs:
        lst = b"".join(u24(len(c)) + c for c in certs)
        out += b"\x0b" + u24(len(lst) + 3) + u24(len(lst)) + lst + b"\x0e" + u24(0)
    return out


def records(hs, cuts=()):
    out, at = b"", 0
    for end in list(cuts) + [len(hs)]:
        out += b"\x16\x03\x01" + u16(end - at) + hs[at:end]
        at = end
    return out


def write(sub, name, data):
    d = os.path.join(ROOT, sub)
    os.makedirs(d, exist_ok=True)
    with open(os.path.join(d, name), "wb") as f:
        f.write(data)


# ------------------------------------------------------------- pcap
def ipv4(src, dst, l4):
    return struct.pack(">BBHHHBBH4s4s", 0x45, 0, 20 + len(l4), 1, 0, 64, 6, 0, bytes(src), bytes(dst)) + l4


def tcp(sp, dp, seq, ack, flags, payload=b""):
    return struct.pack(">HHIIBBHHH", sp, dp, seq, ack, 0x50, flags, 65535, 0, 0) + payload


def pcap(frames):
    out = struct.pack("<IHHiIII", 0xa1b2c3d4, 2, 4, 0, 0, 65535, 1)
    for i, f in enumerate(frames):
        eth = b"\x02\x00\x00\x00\x00\x02" + b"\x02\x00\x00\x00\x00\x01" + b"\x08\x00" + f
        out += struct.pack("<IIII", 1700000000, 1000 * i, len(eth), len(eth)) + eth
    return out


def main():
    certs = certificates()
    leaf, ca, self_signed = certs["leaf"], certs["ca"], certs["self"]
    ch = client_hello(padding=17)
    write("tls_client", "spec_one_record", records(ch))
    write("tls_client", "spec_split_3", records(ch, (2, 120, 133)))
    write("tls_client", "no_sni_tls12", records(client_hello(False, False, False)))
    write("tls_client", "sslv2_hello", b"\x80\x2e\x01\x00\x02\x00\x15\x00\x00\x00\x10" + bytes(16))
    write("tls_client", "cut_in_sni", records(ch)[:130])
    write("tls_client", "alert_first", b"\x15\x03\x03\x00\x02\x01\x70" + records(ch))
    sf = server_flight([leaf, ca])
    write("tls_server", "chain_one_record", records(sf))
    write("tls_server", "chain_split", records(sf, (70, 300, 600)))
    write("tls_server", "self_signed", records(server_flight([self_signed])))
    write("tls_server", "tls13_then_ccs", records(server_flight([], True)) +
          b"\x14\x03\x03\x00\x01\x01\x17\x03\x03\x00\x04\x09\x09\x09\x09")
    write("tls_server", "cut_in_ca", records(sf)[:520])
    write("der", "leaf_v1", leaf)
    write("der", "ca_v3", ca)
    write("der", "self_signed", self_signed)
    write("der", "cut_in_subject", leaf[:200])

    # one session: handshake, ClientHello over two segments, server flight, FIN/ACKs
    c, s = (10, 0, 0, 5), (203, 0, 113, 7)
    cp, sp = 49152, 443
    crec, srec = records(ch), records(sf)
    frames = [ipv4(c, s, tcp(cp, sp, 100, 0, 0x02)),
              ipv4(s, c, tcp(sp, cp, 900, 101, 0x12)),
              ipv4(c, s, tcp(cp, sp, 101, 901, 0x10)),
              ipv4(c, s, tcp(cp, sp, 101, 901, 0x18, crec[:60])),
              ipv4(c, s, tcp(cp, sp, 161, 901, 0x18, crec[60:])),
              ipv4(s, c, tcp(sp, cp, 901, 101 + len(crec), 0x18, srec)),
              ipv4(c, s, tcp(cp, sp, 101 + len(crec), 901 + len(srec), 0x11)),
              ipv4(s, c, tcp(sp, cp, 901 + len(srec), 102 + len(crec), 0x11)),
              ipv4(c, s, tcp(cp, sp, 102 + len(crec), 902 + len(srec), 0x10))]
    with open(os.path.join(HERE, "..", "tls", "handshake.pcap"), "wb") as f:
        f.write(pcap(frames))
    # the same capture cut inside its last frame (c2d tls must exit 3)
    with open(os.path.join(HERE, "..", "tls", "handshake_cut.pcap"), "wb") as f:
        f.write(pcap(frames)[:-40])


if __name__ == "__main__":
    main()
