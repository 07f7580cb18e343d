#!/usr/bin/python3
"""Make a large classic-pcap capture for bench/hosts/run.py from real ones.

Reads the given captures by path (classic pcap or pcapng, optionally gzip-compressed;
Ethernet link type only; other link types are skipped and named on stderr), lays them end to end in time (each file rebased to start 1 s after
the previous one ends: the "base"), then writes COPIES copies of the base
merged in time order, copy k shifted by k * --stagger seconds and with its
IPv4 addresses varied, so the flow table and the host engine see COPIES times
as many concurrent flows and hosts:

Inputs spanning more than --max-span seconds (default 1 day: ndpi_emotet.pcap
and ndpi_malware.pcap span months and years) are skipped, or the base would
stretch far past the host engine's 24 h window.

  - private addresses (10/8, 172.16/12, 192.168/16, 100.64/10) of copy k >= 1
    become 10.(k % 256).x.y with x.y their low 16 bits (internal hosts stay
    internal, one /16 per copy);
  - other unicast addresses get their second and third octets XORed with a
    value of k (kept only when the result is not private, reserved or
    multicast; else the address is left as it is);
  - the IPv4 header checksum and the TCP/UDP checksum are updated
    incrementally (RFC 1624) so both stay valid; IPv6 packets, DNS answer
    contents and payloads are not changed.

Usage: make_capture.py OUT.pcap --packets N [--stagger S] [--max-span S] FILE...
Prints one line on stdout: packets, copies, bytes, duration in seconds.
Nothing here is committed with the output: write it to /tmp.
"""
import argparse
import gzip
import heapq
import struct
import sys


def read_pcap(path):
    """(ts_us, frame bytes) of an Ethernet pcap/pcapng, sorted by time, or None."""
    opener = gzip.open if path.endswith(".gz") else open
    with opener(path, "rb") as f:
        data = f.read()
    if len(data) < 24:
        return None
    magic = data[:4]
    if magic in (b"\xd4\xc3\xb2\xa1", b"\x4d\x3c\xb2\xa1"):
        end = "<"
    elif magic in (b"\xa1\xb2\xc3\xd4", b"\xa1\xb2\x3c\x4d"):
        end = ">"
    elif magic == b"\x0a\x0d\x0d\x0a":
        return read_pcapng(data)
    else:
        return None
    nano = magic in (b"\x4d\x3c\xb2\xa1", b"\xa1\xb2\x3c\x4d")
    linktype = struct.unpack(end + "I", data[20:24])[0] & 0x0FFFFFFF
    if linktype != 1:
        return None
    out = []
    off = 24
    hdr = struct.Struct(end + "IIII")
    while off + 16 <= len(data):
        sec, frac, incl, _orig = hdr.unpack_from(data, off)
        off += 16
        if off + incl > len(data):
            break  # truncated last record
        us = sec * 1000000 + (frac // 1000 if nano else frac)
        out.append((us, data[off:off + incl]))
        off += incl
    out.sort(key=lambda p: p[0])
    return out


def read_pcapng(data):
    """Enhanced/simple packet blocks of Ethernet interfaces of a pcapng."""
    out = []
    end = "<"
    ifaces = []  # (linktype, ticks per second)
    off = 0
    while off + 12 <= len(data):
        if data[off:off + 4] == b"\x0a\x0d\x0d\x0a":
            end = "<" if data[off + 8:off + 12] == b"\x4d\x3c\x2b\x1a" else ">"
            ifaces = []
        btype, blen = struct.unpack_from(end + "II", data, off)
        if blen < 12 or off + blen > len(data):
            break
        body = data[off + 8:off + blen - 4]
        if btype == 1 and len(body) >= 8:
            lt = struct.unpack_from(end + "H", body, 0)[0]
            res = 1000000
            o = 8
            while o + 4 <= len(body):
                code, olen = struct.unpack_from(end + "HH", body, o)
                if code == 0:
                    break
                if code == 9 and olen >= 1:
                    v = body[o + 4]
                    res = 2 ** (v & 0x7F) if v & 0x80 else 10 ** v
                o += 4 + ((olen + 3) & ~3)
            ifaces.append((lt, res))
        elif btype == 6 and len(body) >= 20:
            iid, hi, lo, incl = struct.unpack_from(end + "IIII", body, 0)
            if iid < len(ifaces) and ifaces[iid][0] == 1 and 20 + incl <= len(body):
                ticks = (hi << 32) | lo
                out.append((ticks * 1000000 // ifaces[iid][1], body[20:20 + incl]))
        elif btype == 3 and len(body) >= 4 and ifaces and ifaces[0][0] == 1:
            out.append((out[-1][0] if out else 0, body[4:]))
        off += blen
    out.sort(key=lambda p: p[0])
    return out or None


def is_private(a):
    b0, b1 = a >> 24, (a >> 16) & 0xFF
    return (b0 == 10 or (b0 == 172 and 16 <= b1 <= 31) or (b0 == 192 and b1 == 168)
            or (b0 == 100 and 64 <= b1 <= 127))


def is_special(a):
    b0, b1 = a >> 24, (a >> 16) & 0xFF
    return (b0 in (0, 127) or b0 >= 224 or (b0 == 169 and b1 == 254) or is_private(a))


def vary(a, k):
    if k == 0:
        return a
    if is_private(a):
        return (10 << 24) | ((k % 256) << 16) | (a & 0xFFFF)
    if is_special(a):
        return a
    m = ((k * 37) & 0xFF) << 16 | ((k >> 8) & 0xFF) << 8
    b = a ^ m
    return a if is_special(b) else b


def csum_update(old, words_old, words_new):
    """RFC 1624 eqn. 3: HC' = ~(~HC + ~m + m') over the changed 16-bit words."""
    s = (~old) & 0xFFFF
    for w in words_old:
        s += (~w) & 0xFFFF
    for w in words_new:
        s += w
    while s >> 16:
        s = (s & 0xFFFF) + (s >> 16)
    return (~s) & 0xFFFF


def rewrite(frame, k, cache):
    if k == 0 or len(frame) < 34:
        return frame
    off = 14
    etype = (frame[12] << 8) | frame[13]
    while etype in (0x8100, 0x88A8) and len(frame) >= off + 4:
        etype = (frame[off + 2] << 8) | frame[off + 3]
        off += 4
    if etype != 0x0800 or len(frame) < off + 20 or frame[off] >> 4 != 4:
        return frame
    ihl = (frame[off] & 0x0F) * 4
    src, dst = struct.unpack_from(">II", frame, off + 12)
    key = (src, k)
    ns = cache.get(key)
    if ns is None:
        ns = cache[key] = vary(src, k)
    key = (dst, k)
    nd = cache.get(key)
    if nd is None:
        nd = cache[key] = vary(dst, k)
    if ns == src and nd == dst:
        return frame
    b = bytearray(frame)
    old_w = [src >> 16, src & 0xFFFF, dst >> 16, dst & 0xFFFF]
    new_w = [ns >> 16, ns & 0xFFFF, nd >> 16, nd & 0xFFFF]
    struct.pack_into(">II", b, off + 12, ns, nd)
    ipck = struct.unpack_from(">H", b, off + 10)[0]
    struct.pack_into(">H", b, off + 10, csum_update(ipck, old_w, new_w))
    proto = b[off + 9]
    frag = struct.unpack_from(">H", b, off + 6)[0] & 0x1FFF
    l4 = off + ihl
    if frag == 0:
        if proto == 6 and len(b) >= l4 + 18:
            c = struct.unpack_from(">H", b, l4 + 16)[0]
            struct.pack_into(">H", b, l4 + 16, csum_update(c, old_w, new_w))
        elif proto == 17 and len(b) >= l4 + 8:
            c = struct.unpack_from(">H", b, l4 + 6)[0]
            if c != 0:  # 0 = no checksum over IPv4
                c = csum_update(c, old_w, new_w)
                struct.pack_into(">H", b, l4 + 6, c or 0xFFFF)
    return bytes(b)


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("out")
    ap.add_argument("files", nargs="+")
    ap.add_argument("--packets", type=int, default=3000000, help="target packet count (whole copies)")
    ap.add_argument("--stagger", type=float, default=0.5, help="seconds between copies")
    ap.add_argument("--max-span", type=float, default=86400.0,
                    help="skip inputs spanning more seconds than this (default 1 day)")
    a = ap.parse_args()
    base = []
    t_next = 1700000000 * 1000000
    for path in a.files:
        pk = read_pcap(path)
        if not pk:
            print(f"make_capture: skipped {path} (not an Ethernet pcap/pcapng)", file=sys.stderr)
            continue
        if pk[-1][0] - pk[0][0] > a.max_span * 1e6:
            print(f"make_capture: skipped {path} (spans more than {a.max_span:.0f} s)", file=sys.stderr)
            continue
        t0 = pk[0][0]
        for ts, fr in pk:
            base.append((ts - t0 + t_next, fr))
        t_next = base[-1][0] + 1000000
    if not base:
        sys.exit("make_capture: no usable input")
    copies = max(1, -(-a.packets // len(base)))
    stagger = int(a.stagger * 1e6)
    cache = {}

    def copy(k):
        for i, (ts, _fr) in enumerate(base):
            yield ts + k * stagger, k, i

    n = 0
    size = 24
    with open(a.out, "wb", buffering=1 << 22) as f:
        f.write(struct.pack("<IHHiIII", 0xA1B2C3D4, 2, 4, 0, 0, 262144, 1))
        rec = struct.Struct("<IIII")
        for ts, k, i in heapq.merge(*(copy(k) for k in range(copies))):
            fr = rewrite(base[i][1], k, cache)
            f.write(rec.pack(ts // 1000000, ts % 1000000, len(fr), len(fr)))
            f.write(fr)
            n += 1
            size += 16 + len(fr)
    dur = (base[-1][0] - base[0][0] + (copies - 1) * stagger) / 1e6
    print(f"packets {n} copies {copies} bytes {size} duration_s {dur:.0f}")


if __name__ == "__main__":
    main()
