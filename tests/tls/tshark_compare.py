#!/usr/bin/env python3
"""JA3/JA3S of `c2d tls` against tshark's (tls.handshake.ja3_full/ja3s_full)
for every TCP stream of every capture under the shared data directories, and
JA4 against a second implementation of the JA4 specification over tshark's
ClientHello fields (this tshark has no JA4 of its own).
Usage: tshark_compare.py C2D DATA_DIR. Exits 77 when tshark or the data is
absent, 1 on any difference, 0 when every handshake agrees."""
import glob, gzip, hashlib, json, os, shutil, subprocess, sys, tempfile


def grease(v):
    return (v & 0x0f0f) == 0x0a0a and (v >> 8) == (v & 0xff)


def ja4_reference(version, ciphers, exts, sigs, alpn, has_sni, versions):
    """JA4 (TLS over TCP) from the specification, written apart from lib/tls."""
    vs = [v for v in versions if not grease(v)]
    v = max(vs) if vs else version
    vname = {0x0304: "13", 0x0303: "12", 0x0302: "11", 0x0301: "10", 0x0300: "s3",
             0x0200: "s2", 0x0100: "s1"}.get(v, "00")
    cs = [c for c in ciphers if not grease(c)]
    es = [e for e in exts if not grease(e)]
    al = "00"
    if alpn:
        f, l = alpn[0], alpn[-1]
        if not (len(alpn) == 2 and grease(f << 8 | l)):
            if chr(f).isalnum() and chr(l).isalnum() and f < 128 and l < 128:
                al = chr(f) + chr(l)
            else:
                al = "%x%x" % (f >> 4, l & 15)
    a = "t%s%s%02d%02d%s" % (vname, "d" if has_sni else "i", min(len(cs), 99), min(len(es), 99), al)
    h = lambda text: hashlib.sha256(text.encode()).hexdigest()[:12]
    b = h(",".join("%04x" % c for c in sorted(cs))) if cs else "000000000000"
    rest = sorted(e for e in es if e not in (0, 16))
    text = ",".join("%04x" % e for e in rest)
    sg = [x for x in sigs if not grease(x)]
    if sg:
        text += "_" + ",".join("%04x" % x for x in sg)
    c = h(text) if rest else "000000000000"
    return "%s_%s_%s" % (a, b, c)


def tshark_ja4(tshark, path, ports=()):
    """{(client, server): JA4} from each stream's first ClientHello; None where
    tshark's fields cannot give it unambiguously (signature_algorithms_cert or
    delegated_credentials also fill tls.handshake.sig_hash_alg; an ALPN name
    with a comma or a non-ASCII byte)."""
    out = subprocess.run(
        [tshark, "-r", path, "-n"] + decode_as(ports) + ["-Y", "tls.handshake.type == 1", "-T", "fields", "-E", "separator=|",
         "-E", "occurrence=a", "-E", "aggregator=,", "-e", "tcp.stream", "-e", "ip.src", "-e", "ipv6.src",
         "-e", "tcp.srcport", "-e", "ip.dst", "-e", "ipv6.dst", "-e", "tcp.dstport",
         "-e", "tls.handshake.version", "-e", "tls.handshake.ciphersuite", "-e", "tls.handshake.extension.type",
         "-e", "tls.handshake.sig_hash_alg", "-e", "tls.handshake.extensions_alpn_str",
         "-e", "tls.handshake.extensions.supported_version"],
        capture_output=True, text=True, check=False).stdout
    seen, res = set(), {}
    num = lambda t: [int(x, 0) for x in t.split(",") if x]
    for line in out.splitlines():
        f = line.split("|")
        if len(f) < 13 or f[0] in seen:
            continue
        seen.add(f[0])
        key = ((f[1] or "[%s]" % f[2]) + ":" + f[3].split(",")[0], (f[4] or "[%s]" % f[5]) + ":" + f[6].split(",")[0])
        try:
            version = num(f[7])[0]
            ciphers, exts, sigs, versions = num(f[8]), num(f[9]), num(f[10]), num(f[12])
        except (ValueError, IndexError):
            res[key] = None
            continue
        names = f[11].split(",") if f[11] else []
        if 50 in exts or 34 in exts or any(not n.isascii() for n in names):
            res[key] = None
            continue
        alpn = names[0].encode() if names else b""
        res[key] = ja4_reference(version, ciphers, exts, sigs, alpn, 0 in exts, versions)
    return res


def decode_as(ports):
    args = []
    for p in sorted(ports):
        args += ["-d", "tcp.port==%d,tls" % p]
    return args


def tshark_handshakes(tshark, path, ports=()):
    """{(client, server): (ja3_full, ja3s_full)} of each stream's first hellos;
    `ports` are decoded as TLS whatever tshark would otherwise take them for."""
    out = subprocess.run(
        [tshark, "-r", path, "-n"] + decode_as(ports) + ["-Y", "tls.handshake.type == 1 || tls.handshake.type == 2",
         "-T", "fields", "-E", "separator=\t", "-E", "occurrence=f",
         "-e", "tcp.stream", "-e", "ip.src", "-e", "ipv6.src", "-e", "tcp.srcport",
         "-e", "ip.dst", "-e", "ipv6.dst", "-e", "tcp.dstport",
         "-e", "tls.handshake.ja3_full", "-e", "tls.handshake.ja3s_full", "-e", "tcp.seq"],
        capture_output=True, text=True, check=False).stdout
    streams = {}
    for line in out.splitlines():
        f = line.split("\t")
        if len(f) < 10 or not f[0]:
            continue
        src = (f[1] or "[%s]" % f[2]) + ":" + f[3]
        dst = (f[4] or "[%s]" % f[5]) + ":" + f[6]
        st = streams.setdefault(f[0], {"key": None, "ja3": None, "ja3s": None, "late": False})
        if f[7] and st["ja3"] is None:
            st["ja3"], st["key"] = f[7], (src, dst)
            # a ClientHello after other bytes (SOCKS, HTTP CONNECT) is not at
            # the session's start, where c2d tls looks
            st["late"] = f[9] != "1"
        if f[8] and st["ja3s"] is None:
            st["ja3s"] = f[8]
            if st["key"] is None:
                st["key"] = (dst, src)
    return {s["key"]: (s["ja3"] or "", s["ja3s"] or "", s["late"]) for s in streams.values() if s["key"]}


def c2d_handshakes(c2d, path):
    res = subprocess.run([c2d, "tls", "--payload", "65536", "--capacity", "4096", path],
                         capture_output=True, text=True, check=False)
    got = {}
    for line in res.stdout.splitlines():
        j = json.loads(line)
        if j["client_status"] == "C2D_OK":
            got.setdefault((j["client"], j["server"]), (j["ja3"], j["ja3s"], j["ja4"]))
    return got, res.returncode


def main():
    c2d, data = sys.argv[1], sys.argv[2]
    tshark = shutil.which("tshark")
    if not tshark or not os.path.isdir(data):
        print("tshark or the shared data is absent: skipped")
        return 77
    files = []
    for sub in ("pcap", "http", "tls", "flows"):
        for ext in ("*.pcap", "*.pcapng", "*.pcap.gz", "*.pcapng.gz", "*.cap"):
            files += glob.glob(os.path.join(data, sub, "**", ext), recursive=True)
    if not files:
        print("no capture in the shared data: skipped")
        return 77
    tmp = tempfile.mkdtemp(prefix="c2d_tls_")
    failures = compared = skipped_late = c2d_only = ja4_compared = ja4_skipped = 0
    try:
        for path in sorted(files):
            if path.endswith(".gz"):
                plain = os.path.join(tmp, os.path.basename(path)[:-3])
                with gzip.open(path, "rb") as src, open(plain, "wb") as dst:
                    shutil.copyfileobj(src, dst)
                path_used = plain
            else:
                path_used = path
            got, rc = c2d_handshakes(c2d, path_used)
            want = tshark_handshakes(tshark, path_used)
            # TLS on ports tshark gives to other dissectors (8080: HTTP):
            # decode those ports as TLS and ask again
            ports = {int(k[1].rsplit(":", 1)[1]) for k in got if k not in want}
            if ports:
                want = tshark_handshakes(tshark, path_used, ports)
            want4 = tshark_ja4(tshark, path_used, ports)
            extra = [k for k in got if k not in want]
            for key in extra:
                print("EXTRA %s %s->%s: c2d read a handshake tshark does not see" % (path, key[0], key[1]))
            bad = late = only_c2d = 0
            for key, ja4 in sorted(want4.items()):
                mine = got.get(key)
                if ja4 is None or mine is None or want.get(key, ("", "", True))[2]:
                    ja4_skipped += 1
                    continue
                ja4_compared += 1
                if mine[2] != ja4:
                    print("JA4 DIFFER %s %s->%s: reference %s, c2d %s" % (path, key[0], key[1], ja4, mine[2]))
                    bad += 1
            for key, (ja3, ja3s, is_late) in sorted(want.items()):
                mine = got.get(key)
                mine = mine[:2] if mine else None
                if is_late:
                    late += 1
                    continue
                compared += 1
                if mine is not None and not ja3s and mine[1]:
                    # tshark dissected no ServerHello (a retransmission or a
                    # segment after a reset it does not reassemble): JA3 only
                    only_c2d += 1
                    mine = (mine[0], "")
                if mine is None:
                    print("MISSING %s %s->%s: tshark ja3 %s ja3s %s" % (path, key[0], key[1], ja3, ja3s))
                    bad += 1
                elif (ja3, ja3s) != mine:
                    print("DIFFER %s %s->%s:\n  tshark %s | %s\n  c2d    %s | %s"
                          % (path, key[0], key[1], ja3, ja3s, mine[0], mine[1]))
                    bad += 1
            if path_used != path:
                os.unlink(path_used)
            print("%s: %d handshakes (tshark), %d sessions (c2d tls, exit %d), %d different, "
                  "%d ClientHellos not at the stream start (not compared), %d ServerHellos only c2d read"
                  % (os.path.relpath(path, data), len(want), len(got), rc, bad, late, only_c2d))
            failures += bad + len(extra)
            skipped_late += late
            c2d_only += only_c2d
    finally:
        shutil.rmtree(tmp, ignore_errors=True)
    print("compared %d handshakes, %d different; %d not at the stream start; %d ServerHellos only c2d read"
          % (compared, failures, skipped_late, c2d_only))
    print("JA4 compared %d, not comparable from tshark's fields %d" % (ja4_compared, ja4_skipped))
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
