"""The bundled sample capture for `c2d scan`, written from a script so it is ours
and reproducible byte for byte:

    python3 -m c2detect.samples examples/sample/sample.pcap

An internal network 10.0.0.0/24 with a resolver at 10.0.0.1:
- 10.0.0.5 (infected): DNS queries for algorithmically generated names that come
  back NXDOMAIN, then an HTTP beacon every 60 s to 203.0.113.50:8080 (small
  requests and replies, in ~ out), with a fixed odd header order and a random token;
  it also resolves update.sample-c2.example (a listed C2 domain) and retries that
  server's port 443 every 3 s, every attempt refused (SYN answered by RST).
- 10.0.0.7 (ordinary user): DNS for well-known names, a browser GET of a page, and a
  large download (long packets, in >> out).
- 198.51.100.23 (outside) opens an SSH connection to 10.0.0.9 (inbound).
All addresses outside 10.0.0.0/24 are from the documentation ranges (RFC 5737).
"""
import random
import struct
import sys

LINKTYPE_ETHERNET = 1


class Capture:
    def __init__(self):
        self.records = []

    def frame(self, ts, payload):
        sec, usec = int(ts), int(round((ts - int(ts)) * 1e6))
        self.records.append(struct.pack("<IIII", sec, usec, len(payload), len(payload)) + payload)

    def bytes(self):
        header = struct.pack("<IHHiIII", 0xA1B2C3D4, 2, 4, 0, 0, 65535, LINKTYPE_ETHERNET)
        return header + b"".join(self.records)


def _ip(a):
    return bytes(int(x) for x in a.split("."))


def _csum(data):
    if len(data) % 2:
        data += b"\0"
    s = sum(struct.unpack(f"!{len(data) // 2}H", data))
    while s >> 16:
        s = (s & 0xFFFF) + (s >> 16)
    return (~s) & 0xFFFF


def _eth_ipv4(src, dst, proto, l4, ident):
    ip = struct.pack("!BBHHHBBH4s4s", 0x45, 0, 20 + len(l4), ident & 0xFFFF, 0x4000, 64, proto, 0,
                     _ip(src), _ip(dst))
    ip = ip[:10] + struct.pack("!H", _csum(ip)) + ip[12:]
    eth = b"\x02\x00\x00\x00\x00\x01" + b"\x02\x00\x00\x00\x00\x02" + b"\x08\x00"
    return eth + ip + l4


def _l4_checksum(src, dst, proto, seg):
    pseudo = _ip(src) + _ip(dst) + struct.pack("!BBH", 0, proto, len(seg))
    return _csum(pseudo + seg)


class Tcp:
    """One TCP connection: handshake, data in either direction, FIN close."""

    def __init__(self, cap, ts, cli, cport, srv, sport, rng):
        self.cap, self.ts, self.rng = cap, ts, rng
        self.ends = {"c": (cli, cport), "s": (srv, sport)}
        self.seq = {"c": rng.randrange(1 << 32), "s": rng.randrange(1 << 32)}
        self.ident = rng.randrange(1 << 16)
        self._send("c", 0x02, b"")
        self._send("s", 0x12, b"")
        self._send("c", 0x10, b"")

    def _send(self, who, flags, data, dt=0.0005):
        other = "s" if who == "c" else "c"
        (src, sp), (dst, dp) = self.ends[who], self.ends[other]
        ack = self.seq[other] if flags != 0x02 else 0
        hdr = struct.pack("!HHIIBBHHH", sp, dp, self.seq[who], ack, 5 << 4, flags, 64240, 0, 0)
        seg = hdr + data
        seg = seg[:16] + struct.pack("!H", _l4_checksum(src, dst, 6, seg)) + seg[18:]
        self.ident += 1
        self.cap.frame(self.ts, _eth_ipv4(src, dst, 6, seg, self.ident))
        self.seq[who] = (self.seq[who] + len(data) + (1 if flags & 0x03 else 0)) & 0xFFFFFFFF
        self.ts += dt

    @classmethod
    def refused(cls, cap, ts, cli, cport, srv, sport, rng):
        """A connection attempt the server refuses: SYN, then RST+ACK."""
        self = cls.__new__(cls)
        self.cap, self.ts, self.rng = cap, ts, rng
        self.ends = {"c": (cli, cport), "s": (srv, sport)}
        self.seq = {"c": rng.randrange(1 << 32), "s": 0}
        self.ident = rng.randrange(1 << 16)
        self._send("c", 0x02, b"")
        self.seq["s"] = 0
        self._send("s", 0x14, b"")
        return self.ts

    def data(self, who, payload, mss=1448):
        for i in range(0, len(payload), mss):
            self._send(who, 0x18, payload[i:i + mss])
        self._send("s" if who == "c" else "c", 0x10, b"")

    def close(self):
        self._send("c", 0x11, b"")
        self._send("s", 0x11, b"")
        self._send("c", 0x10, b"")
        return self.ts


def _dns_name(name):
    return b"".join(bytes([len(p)]) + p.encode() for p in name.split(".")) + b"\0"


def dns_exchange(cap, ts, client, resolver, qid, name, rcode, answer=None):
    q = struct.pack("!HHHHHH", qid, 0x0100, 1, 0, 0, 0) + _dns_name(name) + struct.pack("!HH", 1, 1)
    flags = 0x8180 | rcode
    r = struct.pack("!HHHHHH", qid, flags, 1, 1 if answer else 0, 0, 0) + _dns_name(name)
    r += struct.pack("!HH", 1, 1)
    if answer:  # compressed name pointing at the question (offset 12)
        r += struct.pack("!HHHIH", 0xC00C, 1, 1, 300, 4) + _ip(answer)
    sport = 40000 + qid % 20000
    for src, dst, sp, dp, body in ((client, resolver, sport, 53, q), (resolver, client, 53, sport, r)):
        udp = struct.pack("!HHHH", sp, dp, 8 + len(body), 0) + body
        udp = udp[:6] + struct.pack("!H", _l4_checksum(src, dst, 17, udp)) + udp[8:]
        cap.frame(ts, _eth_ipv4(src, dst, 17, udp, qid))
        ts += 0.003
    return ts


def _dga(rng, n):
    return "".join(rng.choice("bcdfghjklmnpqrstvwxz") if i % 3 else rng.choice("aeiou0123456789")
                   for i in range(n)) + rng.choice([".com", ".net", ".info", ".biz"])


def build(seed=20261122):
    rng = random.Random(seed)
    cap = Capture()
    t = 1790000000.0
    infected, user, server, resolver = "10.0.0.5", "10.0.0.7", "10.0.0.9", "10.0.0.1"
    c2 = "203.0.113.50"
    # ordinary DNS
    for i, (name, addr) in enumerate([("www.wikipedia.org", "198.51.100.80"),
                                      ("update.example.com", "198.51.100.81"),
                                      ("mail.example.org", "198.51.100.82")]):
        t = dns_exchange(cap, t, user, resolver, 100 + i, name, 0, addr)
    # DGA lookups, all NXDOMAIN, then the one that resolves to the C2
    for i in range(14):
        t = dns_exchange(cap, t + 0.2, infected, resolver, 200 + i, _dga(rng, rng.randrange(12, 20)), 3)
    t = dns_exchange(cap, t + 0.2, infected, resolver, 250, "kq3vx7tplm2z.com", 0, c2)
    # the user's browsing and a download
    page = Tcp(cap, t + 1, user, 51000, "198.51.100.80", 80, rng)
    page.data("c", (b"GET /wiki/Main_Page HTTP/1.1\r\nHost: www.wikipedia.org\r\n"
                    b"User-Agent: Mozilla/5.0 (Windows NT 10.0; Win64; x64; rv:121.0) Gecko/20100101 Firefox/121.0\r\n"
                    b"Accept: text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8\r\n"
                    b"Accept-Language: en-US,en;q=0.5\r\nAccept-Encoding: gzip, deflate\r\n"
                    b"Connection: keep-alive\r\nUpgrade-Insecure-Requests: 1\r\n\r\n"))
    page.data("s", b"HTTP/1.1 200 OK\r\nContent-Type: text/html\r\nContent-Length: 6000\r\n\r\n" + b"x" * 6000)
    page.close()
    dl = Tcp(cap, t + 2, user, 51001, "198.51.100.81", 80, rng)
    dl.data("c", b"GET /files/tool-setup.msi HTTP/1.1\r\nHost: update.example.com\r\n"
                 b"User-Agent: Microsoft BITS/7.8\r\nAccept: */*\r\n\r\n")
    dl.data("s", b"HTTP/1.1 200 OK\r\nContent-Length: 60000\r\n\r\n" + bytes(rng.randrange(256) for _ in range(60000)))
    dl.close()
    # inbound SSH
    ssh = Tcp(cap, t + 3, "198.51.100.23", 44123, server, 22, rng)
    ssh.data("s", b"SSH-2.0-OpenSSH_9.2p1 Debian-2\r\n")
    ssh.data("c", b"SSH-2.0-libssh_0.9.6\r\n")
    ssh.close()
    # a listed C2 name; its server refuses every attempt, retried every 3 s
    dead = "192.0.2.77"
    t = dns_exchange(cap, t + 0.5, infected, resolver, 260, "update.sample-c2.example", 0, dead)
    for k in range(190):
        Tcp.refused(cap, t + 4 + 3 * k + rng.random() * 0.05, infected, 50000 + k, dead, 443, rng)
    # the beacon: every 60 s a short request carrying a random token, a short reply
    for k in range(10):
        token = "".join(rng.choice("0123456789abcdef") for _ in range(16))
        b = Tcp(cap, t + 10 + 60 * k + rng.random(), infected, 49700 + k, c2, 8080, rng)
        b.data("c", (f"GET /images/{rng.choice(['logo', 'icon', 'pixel'])}{rng.randrange(10)}.gif?"
                     f"{token[:6]}={rng.randrange(10**8)} HTTP/1.1\r\n"
                     f"Accept: */*\r\nUser-Agent: Mozilla/4.0 (compatible; MSIE 7.0; Windows NT 6.1)\r\n"
                     f"Host: {c2}:8080\r\nCookie: id={token}\r\nCache-Control: no-cache\r\n\r\n").encode())
        b.data("s", b"HTTP/1.1 200 OK\r\nContent-Length: 43\r\nContent-Type: image/gif\r\n\r\n" + bytes(43))
        b.close()
    return cap.bytes()


def main(argv):
    if len(argv) != 2:
        print(__doc__)
        return 2
    with open(argv[1], "wb") as f:
        f.write(build())
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
