#!/usr/bin/python3
"""`c2d scan` vs `ndpiReader` on the same captures in the same run.

Captures: (1) a large one made here by make_capture.py from the real captures
under the shared data directory (written to /tmp, deleted afterwards unless
--keep); (2) the biggest real capture there, as it is (gunzipped to /tmp).
Each tool runs --repeats times per capture, alternating, output to /dev/null
(ndpiReader with -q: no per-flow lines); the CPU time (user + sys) of each
process comes from os.wait4. Prints `name value unit` lines: min and median
CPU seconds, packets per CPU second (from the min), peak RSS, and the ratio
c2d scan / ndpiReader. With --callgrind, also the instructions per packet of
both (valgrind --tool=callgrind) on the real capture: a count that the other
loads on a shared machine do not change.

Run:  bench/hosts/run.py --c2d build-bench/examples/c2d [--packets N] [--repeats R]
                         [--data DIR] [--keep] [--callgrind]
"""
import argparse
import glob
import gzip
import os
import re
import shutil
import statistics
import subprocess
import sys
import time

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)
import make_capture  # noqa: E402



def run(cmd):
    """(CPU seconds user+sys, wall seconds, max RSS KiB, exit code, stderr) of one process.

    The CPU time is from os.wait4 (microseconds; it includes /usr/bin/time's own
    few hundred microseconds). The peak RSS comes from /usr/bin/time -f %M: the
    ru_maxrss of a child forked from this Python process would start at
    Python's own size."""
    rss_file = f"/tmp/c2d_hosts_bench_{os.getpid()}.rss"
    full = (["/usr/bin/time", "-f", "%M", "-o", rss_file] if os.path.exists("/usr/bin/time") else []) + cmd
    t0 = time.monotonic()
    p = subprocess.Popen(full, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    err = p.stderr.read()
    _pid, status, ru = os.wait4(p.pid, 0)
    wall = time.monotonic() - t0
    p.stderr.close()
    rc = os.waitstatus_to_exitcode(status)
    rss = -1
    if os.path.exists(rss_file):
        with open(rss_file) as f:
            last = f.read().split()
        os.unlink(rss_file)
        rss = int(last[-1]) if last and last[-1].isdigit() else -1
    return ru.ru_utime + ru.ru_stime, wall, rss, rc, err.decode(errors="replace")


def callgrind(cmd, tag, functions):
    """(total instructions, {function: inclusive instructions}) of one run under callgrind."""
    out = f"/tmp/c2d_hosts_bench_{os.getpid()}_{tag}.callgrind"
    subprocess.run(["valgrind", "--tool=callgrind", f"--callgrind-out-file={out}"] + cmd,
                   stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, check=False)
    ir, incl = None, {}
    try:
        with open(out) as f:
            for line in f:
                if line.startswith("summary:") or line.startswith("totals:"):
                    ir = int(line.split()[1])
        ann = subprocess.run(["callgrind_annotate", "--inclusive=yes", "--threshold=100", out],
                             capture_output=True, text=True, check=False).stdout
        for line in ann.splitlines():
            m = re.match(r"\s*([\d,]+) \(.*?\)\s+\S*:(\w+)(?: |$)", line)
            if m and m.group(2) in functions:
                v = int(m.group(1).replace(",", ""))
                incl[m.group(2)] = max(v, incl.get(m.group(2), 0))
    finally:
        if os.path.exists(out) and not os.environ.get("C2D_KEEP_CALLGRIND"):
            os.unlink(out)
        elif os.path.exists(out):
            print(f"# callgrind profile kept: {out}", file=sys.stderr)
    return ir, incl


def bench(name, path, packets, c2d, ndpi, repeats):
    print(f"{name}_packets {packets} packets")
    print(f"{name}_bytes {os.path.getsize(path)} bytes")
    res = {"c2d_scan": [], "ndpireader": []}
    rss = {}
    cmds = {"c2d_scan": [c2d, "scan", path], "ndpireader": [ndpi, "-q", "-i", path]}
    for _ in range(repeats):
        for tool, cmd in cmds.items():
            cpu, wall, maxrss, rc, err = run(cmd)
            if rc not in (0, 3):
                sys.exit(f"{' '.join(cmd)}: exit {rc}\n{err}")
            if tool == "c2d_scan":
                summary = [ln for ln in err.splitlines() if ln.startswith("c2d scan:")]
            res[tool].append((cpu, wall))
            rss[tool] = maxrss
    for line in summary:
        print("# " + line)
    for tool in cmds:
        cpus = [c for c, _ in res[tool]]
        walls = [w for _, w in res[tool]]
        print(f"{name}_{tool}_cpu_min {min(cpus):.3f} s")
        print(f"{name}_{tool}_cpu_median {statistics.median(cpus):.3f} s")
        print(f"{name}_{tool}_wall_min {min(walls):.3f} s")
        print(f"{name}_{tool}_packets_per_cpu_s {packets / min(cpus):.0f} packets/s")
        print(f"{name}_{tool}_packets_per_cpu_s_median {packets / statistics.median(cpus):.0f} packets/s")
        print(f"{name}_{tool}_max_rss {rss[tool]} KiB")
    a = min(c for c, _ in res["c2d_scan"])
    b = min(c for c, _ in res["ndpireader"])
    print(f"{name}_ratio_c2d_scan_vs_ndpireader_cpu {b / a:.2f} x")
    am = statistics.median(c for c, _ in res["c2d_scan"])
    bm = statistics.median(c for c, _ in res["ndpireader"])
    print(f"{name}_ratio_c2d_scan_vs_ndpireader_cpu_median {bm / am:.2f} x")


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--c2d", required=True, help="the c2d example binary")
    ap.add_argument("--ndpi", default=shutil.which("ndpiReader") or "/usr/bin/ndpiReader")
    ap.add_argument("--data", default="/work/shared/data")
    ap.add_argument("--packets", type=int, default=2000000)
    ap.add_argument("--repeats", type=int, default=5)
    ap.add_argument("--keep", action="store_true", help="keep the captures written to /tmp")
    ap.add_argument("--callgrind", action="store_true")
    a = ap.parse_args()
    if not os.path.exists(a.ndpi):
        print("ndpiReader not found (Debian package libndpi-bin)", file=sys.stderr)
        return 77
    files = sorted(glob.glob(os.path.join(a.data, "*", "*.pcap*")))
    tmp = []
    try:
        print(f"load_average_start {os.getloadavg()[0]:.2f} load")
        # the biggest real capture, by payload bytes, as it is
        best = None
        best_bytes = 0
        for p in files:
            pk = make_capture.read_pcap(p)
            if pk and sum(len(f) for _, f in pk) > best_bytes:
                best, best_bytes, best_packets = p, sum(len(f) for _, f in pk), len(pk)
            del pk
        real = f"/tmp/c2d_hosts_bench_{os.getpid()}_real" + (".pcapng" if "pcapng" in best else ".pcap")
        opener = gzip.open if best.endswith(".gz") else open
        with opener(best, "rb") as src, open(real, "wb") as dst:
            shutil.copyfileobj(src, dst)
        tmp.append(real)
        print(f"# real capture: {os.path.relpath(best, a.data)}")
        big = f"/tmp/c2d_hosts_bench_{os.getpid()}_big.pcap"
        tmp.append(big)
        t0 = time.monotonic()
        made = subprocess.run([sys.executable, os.path.join(HERE, "make_capture.py"), big, "--packets",
                               str(a.packets)] + files, capture_output=True, text=True, check=True)
        print(f"# large capture: {made.stdout.strip()} (made in {time.monotonic() - t0:.0f} s)")
        big_packets = int(made.stdout.split()[1])
        bench("large", big, big_packets, a.c2d, a.ndpi, a.repeats)
        bench("real", real, best_packets, a.c2d, a.ndpi, a.repeats)
        if a.callgrind and shutil.which("valgrind"):
            # whole process, and the packet loop alone: c2d_scan_read_capture (capture
            # reading, flow table, every engine input) and ndpiReader's pcap_loop;
            # start-up (models, automata) separately
            ir_c, fc = callgrind([a.c2d, "scan", real], "c2d",
                                 ("c2d_scan_read_capture", "c2d_hosts_new", "c2d_hosts_rank"))
            ir_n, fn = callgrind([a.ndpi, "-q", "-i", real], "ndpi", ("pcap_loop", "ndpi_init_detection_module"))
            n = best_packets
            if ir_c and ir_n:
                print(f"callgrind_c2d_scan_instructions_per_packet {ir_c / n:.0f} instructions")
                print(f"callgrind_ndpireader_instructions_per_packet {ir_n / n:.0f} instructions")
                print(f"callgrind_ratio_c2d_scan_vs_ndpireader {ir_n / ir_c:.2f} x")
            loop_c, loop_n = fc.get("c2d_scan_read_capture"), fn.get("pcap_loop")
            if loop_c and loop_n:
                print(f"callgrind_c2d_scan_read_capture_per_packet {loop_c / n:.0f} instructions")
                print(f"callgrind_ndpireader_pcap_loop_per_packet {loop_n / n:.0f} instructions")
                print(f"callgrind_ratio_packet_loop_c2d_scan_vs_ndpireader {loop_n / loop_c:.2f} x")
            for k, v in sorted(fc.items()) + sorted(fn.items()):
                if k not in ("c2d_scan_read_capture", "pcap_loop"):
                    print(f"callgrind_{k} {v} instructions")
        print(f"load_average_end {os.getloadavg()[0]:.2f} load")
    finally:
        for p in tmp:
            if a.keep:
                print(f"# kept {p}", file=sys.stderr)
            elif os.path.exists(p):
                os.unlink(p)
    return 0


if __name__ == "__main__":
    sys.exit(main())
