"""python -m c2detect: a few commands of the c2d program (version, dga, http, sessions,
geo, ioc) through the Python binding.

Exit codes (the project's convention): 0 ran and printed its results (found
or not); 1 runtime error (a file could not be read, a library error); 2 usage
error; 3 input damaged (results for what could be read were printed, and a
warning on stderr names the file, the byte offset and the status).
"""
from __future__ import annotations

import argparse
import dataclasses
import json
import math
import sys

EXIT_OK, EXIT_RUNTIME, EXIT_USAGE, EXIT_DAMAGED = 0, 1, 2, 3


def _read_input(path: str) -> bytes:
    if path == "-":
        return sys.stdin.buffer.read()
    with open(path, "rb") as f:
        return f.read()


def cmd_version(args) -> int:
    from . import __version__, lib
    print(f"c2detect {__version__} (Python package)")
    print(f"libc2detect {lib.version()} ({lib.library_path()})")
    print("built-in models: " + " ".join(lib.builtin_models()))
    return EXIT_OK


def cmd_dga(args) -> int:
    from .dga_detect import Ensemble
    names = list(args.names)
    if not names or names == ["-"]:
        names = [line.strip() for line in sys.stdin.read().splitlines() if line.strip()]
    ens = Ensemble.builtin()
    thr = args.threshold if args.threshold is not None else math.nan
    if not args.json:
        print("# name\tscore\tverdict")
    for name in names:
        try:
            score, is_dga = ens.classify(name, thr)
            verdict, status = ("dga" if is_dga else "ok"), None
        except Exception as e:  # C2DError for a malformed name: reported, not fatal
            score, verdict, status = None, "invalid", getattr(e, "name", str(e))
        if args.json:
            print(json.dumps({"name": name, "score": score, "verdict": verdict,
                              **({"status": status} if status else {})}))
        elif status:
            print(f"{name}\t-\tinvalid ({status})")
        else:
            print(f"{name}\t{score:.6f}\t{verdict}")
    return EXIT_OK


def cmd_http(args) -> int:
    from .http import HttpModel, split_requests
    model = HttpModel.load(args.model) if args.model else HttpModel.builtin()
    files = args.files or ["-"]
    blocks, labels = [], []
    for path in files:
        data = _read_input(path)
        reqs = split_requests(data)
        for i, b in enumerate(reqs):
            blocks.append(b)
            labels.append(path if len(reqs) == 1 else f"{path}#{i + 1}")
    scores = model.scores(blocks)
    thr = model.threshold
    if not args.json:
        print(f"# block\tscore\tverdict (threshold {thr:.6f})")
    for label, s in zip(labels, scores):
        s = float(s)
        if math.isnan(s):
            verdict = "not-http"
        else:
            verdict = "c2" if s >= thr else "ok"
        if args.json:
            print(json.dumps({"block": label, "score": None if math.isnan(s) else s,
                              "verdict": verdict}))
        else:
            print(f"{label}\t{'-' if math.isnan(s) else f'{s:.6f}'}\t{verdict}")
    return EXIT_OK


def cmd_sessions(args) -> int:
    from .flow import CaptureError, read_sessions
    data = _read_input(args.file) if args.file == "-" else None
    source = data if data is not None else args.file
    status = EXIT_OK

    def emit(s):
        d = dataclasses.asdict(s)
        d.pop("orig_prefix")
        d.pop("resp_prefix")
        print(json.dumps({"type": "session", **d}))
        return False  # printed as it ends, not kept

    try:
        read_sessions(source, local_nets=args.local, callback=emit)
    except CaptureError as e:
        print(f"python -m c2detect sessions: warning: {args.file}: input damaged at byte {e.offset}: "
              f"{e.name}; the sessions read before it were printed", file=sys.stderr)
        status = EXIT_DAMAGED
    return status


def _values(args_values):
    vals = list(args_values)
    if not vals or vals == ["-"]:
        vals = [line.strip() for line in sys.stdin.read().splitlines() if line.strip()]
    return vals


def cmd_geo(args) -> int:
    import ipaddress
    from .geo import GeoDB
    ips = _values(args.ips)
    db = GeoDB(args.db)
    v4 = []
    for ip in ips:
        try:
            ipaddress.IPv4Address(ip)
            v4.append(ip)
        except ValueError:
            pass
    batch = db.lookup_batch(v4) if v4 else None  # one library call for the IPv4 ones
    k = 0
    for ip in ips:
        if v4 and k < len(v4) and v4[k] == ip:
            prefix, off = int(batch.prefix_lens[k]), int(batch.data_offsets[k])
            cc = batch.countries[k]
            cc = (cc.decode() if isinstance(cc, bytes) else cc) or None
            asn = int(batch.asns[k]) or None
            k += 1
            found = off != 0xFFFFFFFF
        else:
            try:
                prefix = db.prefix_len(ip)
                cc, asn = db.country(ip), db.asn(ip)
                found = db.lookup(ip) is not None
            except Exception as e:  # not an address, or IPv6 in an IPv4 database
                print(f"{ip}\tinvalid ({getattr(e, 'name', e)})")
                continue
        if not found:
            print(f"{ip}\tprefix={prefix}\tnot found")
            continue
        parts = [f"{ip}", f"prefix={prefix}"]
        if cc:
            parts.append(f"country={cc}")
        if asn:
            parts.append(f"asn={asn}")
        print("\t".join(parts))
    return EXIT_OK


def cmd_ioc(args) -> int:
    from .ioc import IocDB
    db = IocDB()
    for feed in args.feed:
        rep = db.load(feed, format=args.format)
        if rep.loaded == 0:
            print(f"python -m c2detect ioc: error: {feed}: no indicators loaded (format "
                  f"{rep.format}, {rep.lines} lines, {rep.rejected} rejected)", file=sys.stderr)
            return EXIT_RUNTIME
        if rep.rejected:
            print(f"python -m c2detect ioc: warning: {feed}: {rep.rejected} of {rep.lines} lines "
                  f"rejected (first: line {rep.first_rejected[0]})", file=sys.stderr)
    db.finalize()
    values = _values(args.values)
    best, counts, sts = db.match_many(values)  # one library call; details only for hits
    for v, c, st in zip(values, counts, sts):
        c, st = int(c), int(st)
        if st != 0:
            from .lib import status_name
            print(f"{v}: invalid ({status_name(st)})")
            continue
        print(f"{v}: {c} match" + ("" if c == 1 else "es"))
        if c:
            for info in db.match(v, limit=min(c, 16)):
                print(f"  {info.type} {info.value} family={info.family or '-'} "
                      f"threat={info.threat_type or '-'} confidence={info.confidence} "
                      f"source={info.source or '-'}")
    return EXIT_OK


def build_parser() -> argparse.ArgumentParser:
    p = argparse.ArgumentParser(prog="python -m c2detect",
                                description="libc2detect from Python: a few c2d commands.",
                                epilog="Exit codes: 0 ok, 1 runtime error, 2 usage error, "
                                       "3 input damaged (partial results printed).")
    from . import __version__
    p.add_argument("--version", action="version", version=f"c2detect {__version__}")
    sub = p.add_subparsers(dest="command", metavar="COMMAND")
    v = sub.add_parser("version", help="package and library versions, built-in models")
    v.set_defaults(func=cmd_version)
    d = sub.add_parser("dga", help="score domain names with the DGA ensemble (stdin if none)")
    d.add_argument("names", nargs="*", metavar="NAME", help="names ('-' or none: one per line on stdin)")
    d.add_argument("--json", action="store_true", help="one JSON object per name")
    d.add_argument("--threshold", type=float, help="decision threshold (default: the tuned one)")
    d.set_defaults(func=cmd_dga)
    h = sub.add_parser("http", help="score every HTTP request header block of the files")
    h.add_argument("files", nargs="*", metavar="FILE", help="files of requests ('-' or none: stdin)")
    h.add_argument("--model", metavar="FILE", help="a .c2dm http-tokens-v1 model (default: built-in)")
    h.add_argument("--json", action="store_true", help="one JSON object per request")
    h.set_defaults(func=cmd_http)
    s = sub.add_parser("sessions", help="one JSON line per session of a pcap/pcapng capture")
    s.add_argument("file", metavar="FILE", help="capture file ('-': stdin)")
    s.add_argument("--local", action="append", default=[], metavar="CIDR",
                   help="a home network (repeatable; default: private ranges)")
    s.set_defaults(func=cmd_sessions)
    g = sub.add_parser("geo", help="country, ASN and prefix of addresses in a MaxMind DB")
    g.add_argument("db", metavar="MMDB")
    g.add_argument("ips", nargs="*", metavar="IP", help="addresses ('-' or none: stdin)")
    g.set_defaults(func=cmd_geo)
    i = sub.add_parser("ioc", help="match values against IOC feeds")
    i.add_argument("--feed", action="append", required=True, metavar="FEED",
                   help="a feed file, plain or gzip (repeatable)")
    i.add_argument("--format", default="auto", choices=["auto", "csv", "threatfox-json", "list"])
    i.add_argument("values", nargs="*", metavar="VALUE", help="values ('-' or none: stdin)")
    i.set_defaults(func=cmd_ioc)
    return p


def main(argv=None) -> int:
    from .lib import C2DError
    p = build_parser()
    args = p.parse_args(argv)  # usage errors exit 2, --help exits 0 (argparse)
    if not getattr(args, "func", None):
        p.print_usage(sys.stderr)
        print("python -m c2detect: error: a COMMAND is required", file=sys.stderr)
        return EXIT_USAGE
    try:
        return args.func(args)
    except BrokenPipeError:  # output closed early (| head)
        return EXIT_OK
    except (OSError, C2DError) as e:  # unreadable file, missing library, library error
        print(f"python -m c2detect {args.command}: error: {e}", file=sys.stderr)
        return EXIT_RUNTIME


if __name__ == "__main__":
    sys.exit(main())
