"""c2detect.zeek (pure Python) against the C reader, line for line.

The C side is tests/zeek_dump (path in $C2D_ZEEK_DUMP), which prints one line
per event, reject and the final report; this test prints the Python reader's
items in the same format and requires identical text: every field of every
record, every reject's line and status, every counter. Inputs: every Zeek log
of the shared data (gzip, the OTRF tarball's members) and the hand-made fuzz
seed logs (tests/fuzz/corpus/zeek), which carry rejects of every kind.
"""
import os
import pathlib
import subprocess
import tarfile

import pytest

from c2detect import zeek

ROOT = pathlib.Path(__file__).resolve().parents[3]
DATA = pathlib.Path(os.environ.get("C2D_SHARED_DATA_DIR") or ROOT.parent / "shared" / "data")
SEEDS = ROOT / "tests" / "fuzz" / "corpus" / "zeek"


def dump_tool():
    tool = os.environ.get("C2D_ZEEK_DUMP")
    if not tool or not os.path.exists(tool):
        pytest.skip("C2D_ZEEK_DUMP (the zeek_dump tool of a build) not set")
    return tool


def esc(b: bytes) -> str:
    return "".join("%%%02x" % c if c <= 0x20 or c >= 0x7F or c == 0x25 else chr(c) for c in b)


def python_lines(path: str, kind: int = zeek.UNKNOWN):
    reader = zeek.Reader(kind)
    out = []
    for it in reader.iter_file(path, raise_errors=False):
        if isinstance(it, zeek.Session):
            s = it
            out.append(f"S {s.ts_ns} {s.orig_h} {s.orig_p} {s.resp_h} {s.resp_p} {s.proto} {s.ip_version} "
                       f"{s.last_ns} {s.duration:.9f} {s.orig_bytes} {s.resp_bytes} {s.orig_pkts} {s.resp_pkts} "
                       f"{s.orig_ip_bytes} {s.resp_ip_bytes} {s.conn_state} {s.orig_tcp_flags} "
                       f"{s.resp_tcp_flags} {s.orig_data_pkts} {s.resp_data_pkts} {s.local_orig} "
                       f"{s.local_resp} {s.counted} {s.avg_payload_len:.6f} {s.in_out_ratio:.6f} {s.end_reason}")
        elif isinstance(it, zeek.DnsEvent):
            d = it
            line = (f"D {d.ts_ns} {d.client_addr} {d.client_port} {d.server_addr} {d.transport} {d.ip_version} "
                    f"q={esc(d.qname.encode('latin-1'))} {d.qdcount} {d.qtype} {d.qclass} {d.rcode} "
                    f"{d.is_response} {d.flags} {d.id} {d.ancount} {len(d.addrs)}")
            for a, v, ttl in d.addrs:
                line += f" {a}/{v}/{ttl}"
            out.append(line)
        elif isinstance(it, zeek.HttpEvent):
            h = it
            host = "-" if h.host is None else esc(h.host)
            uri = "-" if h.uri is None else esc(h.uri)
            out.append(f"H {h.ts_ns} {h.client_addr} {h.server_addr} {h.server_port} {host} {uri}")
        else:
            out.append(f"R {it.line} {it.status}")
    r = reader.report
    out.append(f"E {r.error} {zeek.log_name(r.log)} {r.json} {r.lines} {r.records} {r.rejected} {r.skipped} "
               f"{r.unconverted} {r.blocks} {r.dns_answers_other} {r.dns_answers_over_cap} {r.error_line}")
    return out, r


def c_lines(tool: str, path: str, kind: int = zeek.UNKNOWN):
    if path.endswith(".gz"):
        gz = subprocess.Popen(["gzip", "-dc", path], stdout=subprocess.PIPE)
        res = subprocess.run([tool, "-", str(kind)], stdin=gz.stdout, capture_output=True, check=True)
        gz.stdout.close()
        gz.wait()
    else:
        res = subprocess.run([tool, path, str(kind)], capture_output=True, check=True)
    return res.stdout.decode("latin-1").splitlines()


def shared_logs(tmp_path_factory):
    if not DATA.is_dir():
        return []
    logs = []
    for sub in ("flows", "tls", "http"):
        d = DATA / sub
        if not d.is_dir():
            continue
        for p in sorted(d.iterdir()):
            if p.name.endswith((".log.gz", ".log.json.gz")):
                logs.append(str(p))
            elif "zeek_logs" in p.name and p.name.endswith(".tar.gz"):
                out = tmp_path_factory.mktemp("otrf")
                with tarfile.open(p) as t:
                    t.extractall(out, filter="data") if hasattr(tarfile, "data_filter") else t.extractall(out)
                logs += [str(x) for x in sorted(out.rglob("*.log"))]
    return logs


def compare(tool, path, kind=zeek.UNKNOWN):
    want = c_lines(tool, path, kind)
    got, rep = python_lines(path, kind)
    assert len(got) == len(want), f"{path}: {len(got)} lines from Python, {len(want)} from C"
    for i, (g, w) in enumerate(zip(got, want)):
        assert g == w, f"{path}: item {i} differs\n  python {g}\n  C      {w}"
    return rep


def test_shared_data_logs_agree_with_c(tmp_path_factory):
    tool = dump_tool()
    logs = shared_logs(tmp_path_factory)
    if not logs:
        pytest.skip(f"no Zeek logs under {DATA}")
    kinds = set()
    records = 0
    for path in logs:
        rep = compare(tool, path)
        records += rep.records
        if rep.error == "C2D_OK":
            kinds.add(zeek.log_name(rep.log))
            assert rep.rejected == 0, path
    assert kinds == {"conn", "dns", "http", "ssl", "x509"}
    assert records > 80000


def test_seed_logs_agree_with_c():
    tool = dump_tool()
    seeds = sorted(SEEDS.iterdir())
    assert len(seeds) >= 8
    rejects = 0
    for p in seeds:
        rejects += compare(tool, str(p)).rejected
        compare(tool, str(p), p.stat().st_size % 6)  # a given kind, as the fuzz harness does
    assert rejects >= 5


def test_push_interface_chunks_and_report():
    text = (b"#separator \\x09\n#path\thttp\n#fields\tts\tid.orig_h\tid.orig_p\tid.resp_h\tid.resp_p\thost\turi\n"
            b"1600000000.5\t10.0.0.5\t1\t198.51.100.1\t80\tevil.example\t/a\\x09b\n"
            b"1600000001\t10.0.0.5\t1\t198.51.100.1\tx\tevil.example\t/\n"
            b"1600000002\t10.0.0.5\t1\t198.51.100.1\t80\t-\t(empty)")
    whole = zeek.Reader()
    items = whole.feed(text) + whole.finish()
    for step in (1, 2, 7):
        r = zeek.Reader()
        got = []
        for i in range(0, len(text), step):
            got += r.feed(text[i:i + step])
        got += r.finish()
        assert got == items
        assert r.report == whole.report
    assert [type(x).__name__ for x in items] == ["HttpEvent", "Reject", "HttpEvent"]
    assert items[0].uri == b"/a\tb" and items[0].ts_ns == 1600000000500000000
    assert items[1] == zeek.Reject(5, "C2D_ERR_ZEEK_NUMBER", "column id.resp_p: not a port")
    assert items[1].code == -165
    assert items[2].host is None and items[2].uri == b""
    rep = whole.report
    assert (rep.log, rep.lines, rep.records, rep.rejected, rep.skipped, rep.first_rejected) == \
        (zeek.HTTP, 6, 2, 1, 3, [5])


def test_fatal_error_raises_after_items(tmp_path):
    p = tmp_path / "dns.log"
    p.write_bytes(b"#separator \\x09\n#path\tdns\n#fields\tts\tid.orig_h\n1\t10.0.0.1\n")
    with pytest.raises(zeek.ZeekLogError) as e:
        list(zeek.Reader().iter_file(str(p)))
    assert (e.value.status, e.value.line, e.value.offset) == ("C2D_ERR_ZEEK_MISSING_COLUMN", 3, 26)
    items, rep = zeek.read_file(str(p))
    assert items == [] and rep.error == "C2D_ERR_ZEEK_MISSING_COLUMN" and rep.lines == 2


def test_keep_label_columns(tmp_path):
    tsv = (b"#separator \\x09\n#path\tconn\n#fields\tts\tid.orig_h\tid.orig_p\tid.resp_h\tid.resp_p\tproto\t"
           b"orig_bytes\tresp_bytes\torig_pkts\tresp_pkts\tconn_state\tlabel\tdetailedlabel\n"
           b"1\t10.0.0.1\t1\t10.0.0.2\t80\ttcp\t1\t1\t1\t1\tSF\tMalicious\tC\\x26C\n"
           b"2\t10.0.0.1\t2\t10.0.0.2\t80\ttcp\t1\t1\t1\t1\tSF\tBenign\t-\n")
    r = zeek.Reader(keep=("label", "detailedlabel", "absent"))
    items = r.feed(tsv) + r.finish()
    assert [x.extra for x in items] == [{"label": "Malicious", "detailedlabel": "C&C"},
                                        {"label": "Benign", "detailedlabel": None}]
    js = b'{"ts":1,"id.orig_h":"10.0.0.1","id.orig_p":1,"id.resp_h":"10.0.0.2","id.resp_p":80,"host":"h",' \
         b'"uri":"/","label":"Mal\\u0069cious","n":[1,2]}\n'
    r = zeek.Reader(keep=("label", "n"))
    items = r.feed(js) + r.finish()
    assert items[0].extra == {"label": "Malicious", "n": "[1,2]"}
    assert zeek.Reader().feed(js)[0].extra == {}
