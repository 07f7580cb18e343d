#!/usr/bin/env python3
"""JA3/JA3S of `c2d tls` against tshark's (tls.handshake.ja3_full/ja3s_full)
for every TCP stream of every capture under the shared data directories.
Usage: tshark_compare.py C2D DATA_DIR. Exits 77 when tshark or the data is
absent, 1 on any difference, 0 when every handshake agrees."""
import glob, gzip, json, os, shutil, subprocess, sys, tempfile


def tshark_handshakes(tshark, path):
    """{(client, server): (ja3_full, ja3s_full)} of each stream's first hellos."""
    out = subprocess.run(
        [tshark, "-r", path, "-n", "-Y", "tls.handshake.type == 1 || tls.handshake.type == 2",
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
        got.setdefault((j["client"], j["server"]), (j["ja3"], j["ja3s"]))
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
    failures = compared = skipped_late = c2d_only = 0
    try:
        for path in sorted(files):
            if path.endswith(".gz"):
                plain = os.path.join(tmp, os.path.basename(path)[:-3])
                with gzip.open(path, "rb") as src, open(plain, "wb") as dst:
                    shutil.copyfileobj(src, dst)
                path_used = plain
            else:
                path_used = path
            want = tshark_handshakes(tshark, path_used)
            got, rc = c2d_handshakes(c2d, path_used)
            bad = late = only_c2d = 0
            for key, (ja3, ja3s, is_late) in sorted(want.items()):
                mine = got.get(key)
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
            failures += bad
            skipped_late += late
            c2d_only += only_c2d
    finally:
        shutil.rmtree(tmp, ignore_errors=True)
    print("compared %d handshakes, %d different; %d not at the stream start; %d ServerHellos only c2d read"
          % (compared, failures, skipped_late, c2d_only))
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
