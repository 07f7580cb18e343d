"""c2detect.hosts (the host engine through ctypes): the struct mirrors against
the C headers, a synthetic refused beacon, DNS/HTTP/IOC evidence, the
allow-list, typed errors, and a Zeek conn.log fed from Python giving the same
report as `c2d scan --zeek` on the same log (skipped without the shared data
or the c2d program)."""
import ctypes
import dataclasses
import json
import math
import os
import pathlib
import shutil
import subprocess
import tempfile

import pytest

from conftest import ROOT, SHARED_DATA, c_library

c_library()  # skip the module when no libc2detect can be loaded

from c2detect import hosts, zeek  # noqa: E402
from c2detect.lib import C2DError  # noqa: E402

T0 = 1790000000
C2D_ERR_INVALID_ARG, C2D_ERR_LIMIT, C2D_ERR_MALFORMED = -1, -9, -10
SALITY = (b"GET /sobaka1.gif?12db3cf=98861835 HTTP/1.1\r\n"
          b"User-Agent: Mozilla/4.0 (compatible; MSIE 7.0b; Windows NT 6.0)\r\n"
          b"Host: padrup.com\r\n"
          b"Cache-Control: no-cache\r\n"
          b"Cookie: jsessionid=85b50d8fab658ecb9f79aa4de6039c87\r\n\r\n")
IRC = b"NICK bot123\r\nUSER bot 0 * :bot\r\nJOIN #c2\r\n"
NJRAT = "stratosphere_001_njrat_CTU-230-1_conn.labeled.log.gz"


def refused_beacon(eng, n=30, period=3, src="192.168.1.20", dst="203.0.113.5", port=8080):
    """A dead C2 server retried every `period` s: REJ attempts, no payload."""
    for i in range(n):
        eng.add_session(ts=T0 + period * i, orig_h=src, orig_p=40000 + i, resp_h=dst, resp_p=port,
                        proto="tcp", orig_pkts=1, resp_pkts=1, conn_state="REJ", history="Sr")


# ------------------------------------------------------------------ layout
def test_struct_layouts_match_the_headers():
    cc = shutil.which("cc") or shutil.which("gcc") or shutil.which("clang")
    if not cc:
        pytest.skip("no C compiler to check the struct layouts")
    lines = ["#include <stddef.h>", "#include <stdio.h>", "#include <c2detect.h>", "int main(void) {"]
    want = []
    for cname, py in hosts.C_STRUCTS.items():
        lines.append(f'printf("{cname} %zu\\n", sizeof({cname}));')
        want.append(f"{cname} {ctypes.sizeof(py)}")
        for fname, _ in py._fields_:
            lines.append(f'printf("{cname}.{fname} %zu\\n", offsetof({cname}, {fname}));')
            want.append(f"{cname}.{fname} {getattr(py, fname).offset}")
    lines.append('printf("c2d_dns_message.addrs[1].ttl %zu\\n", offsetof(c2d_dns_message, addrs[1].ttl));')
    want.append("c2d_dns_message.addrs[1].ttl "
                f"{hosts._DnsMessage.addrs.offset + ctypes.sizeof(hosts._DnsAddr) + hosts._DnsAddr.ttl.offset}")
    lines.append("return 0; }")
    with tempfile.TemporaryDirectory() as d:
        src, exe = os.path.join(d, "probe.c"), os.path.join(d, "probe")
        pathlib.Path(src).write_text("\n".join(lines) + "\n")
        subprocess.run([cc, "-std=c11", "-I", str(ROOT / "include"), src, "-o", exe], check=True)
        got = subprocess.run([exe], check=True, capture_output=True, text=True).stdout.split("\n")[:-1]
    assert got == want


# ------------------------------------------------------------------ beacons
def test_refused_beacon_found_with_its_destination_and_interval():
    with hosts.Engine(builtin_models=False) as eng:
        refused_beacon(eng)
        rep = eng.report()
        assert [h.addr for h in rep] == ["192.168.1.20"]
        h = rep[0]
        assert h.verdict == "alert"
        assert (h.sessions, h.dns_responses, h.http_requests, h.pairs) == (30, 0, 0, 1)
        assert (h.first_ns, h.last_ns) == (T0 * 10**9, (T0 + 87) * 10**9)
        assert h.first == float(T0)
        assert [e.kind for e in h.evidence] == ["beacon"]
        e = h.evidence[0]
        assert e.dst == "203.0.113.5:8080"
        assert (e.dst_addr, e.dst_port, e.name) == ("203.0.113.5", 8080, None)
        assert (e.count, e.distinct, e.attempts_no_payload) == (30, 30, 30)
        assert e.interval_s == 3.0
        assert e.interval_mad_s == 0.0
        assert (e.skew_score, e.dispersion_score, e.size_score, e.coverage_score) == (1.0, 1.0, 1.0, 1.0)
        assert e.score == 1.0
        assert h.score == e.weight  # one item: the host score is its weight
        assert 0.5 < h.score < 1.0
        st = eng.stats()
        assert (st["sessions"], st["hosts_tracked"], st["pairs_tracked"], st["not_local"]) == (30, 1, 1, 0)


def test_session_object_kwargs_and_dict_are_the_same_input():
    kw = dict(ts_ns=T0 * 10**9, orig_h="10.0.0.5", orig_p=40000, resp_h="198.51.100.10", resp_p=8443,
              orig_bytes=180, resp_bytes=240, orig_pkts=4, resp_pkts=3, conn_state="SF", duration=0.1,
              history="ShADadFf")
    reports = []
    for how in ("kwargs", "dataclass", "dict"):
        with hosts.Engine(builtin_models=False) as eng:
            for i in range(20):
                k = dict(kw, ts_ns=kw["ts_ns"] + i * 30 * 10**9, orig_p=40000 + i)
                if how == "kwargs":
                    eng.add_session(**k)
                elif how == "dataclass":
                    eng.add_session(hosts.Session(**k))
                else:
                    eng.add_session(k)
            reports.append(eng.report())
    assert reports[0] == reports[1] == reports[2]
    (h,) = reports[0]
    assert [(e.kind, e.dst, e.count, e.interval_s) for e in h.evidence] == [("beacon", "198.51.100.10:8443", 20, 30.0)]


def test_retransmissions_within_the_merge_window_are_one_attempt():
    with hosts.Engine(builtin_models=False) as eng:
        for i in range(16):
            for r in range(3):
                eng.add_session(ts=T0 + 60 * i + 0.4 * r, orig_h="10.0.0.6", orig_p=41000 + 3 * i + r,
                                resp_h="198.51.100.11", resp_p=443, conn_state="S0", orig_pkts=1)
        (h,) = eng.report()
        (e,) = h.evidence
        assert (e.kind, e.count, e.distinct) == ("beacon", 48, 16)
        assert abs(e.interval_s - 60.0) < 0.01


# ------------------------------------------------------- DNS, IOC, HTTP
class _IocStore:
    """A finalised IOC store made through the C API (the package has no IOC
    class); private function objects, so no other test's signatures change."""

    def __init__(self, feed: bytes):
        lib, vp = c_library(), ctypes.c_void_p
        fn = {}
        for name, args in (("c2d_iocdb_new", [vp, ctypes.POINTER(vp)]),
                           ("c2d_iocdb_load_memory", [vp, ctypes.c_char_p, ctypes.c_size_t, vp, vp]),
                           ("c2d_iocdb_finalize", [vp]), ("c2d_iocdb_free", [vp])):
            fn[name] = lib[name]
            fn[name].argtypes = args
        fn["c2d_iocdb_free"].restype = None
        self._free = fn["c2d_iocdb_free"]
        self.handle = vp()
        assert fn["c2d_iocdb_new"](None, ctypes.byref(self.handle)) == 0
        assert fn["c2d_iocdb_load_memory"](self.handle, feed, len(feed), None, None) == 0
        assert fn["c2d_iocdb_finalize"](self.handle) == 0

    def close(self):
        self._free(self.handle)


def test_dns_names_ioc_and_nxdomain_burst():
    db = _IocStore(b"c2.example.net\n")
    try:
        with hosts.Engine(builtin_models=False, ioc=db) as eng:
            eng.add_dns(T0, "10.0.0.5", "C2.Example.NET.", 0,
                        ["203.0.113.9", "cname.example.org", ("203.0.113.10", 60)])
            for i in range(25):
                eng.add_dns(T0 + i, "10.0.0.7", f"x{i}abc.example.org", 3)
            for i in range(10):
                eng.add_session(ts=T0 + 5 + 60 * i, orig_h="10.0.0.5", orig_p=40000 + i, resp_h="203.0.113.9",
                                resp_p=443, orig_bytes=100, resp_bytes=200, orig_pkts=4, resp_pkts=4,
                                conn_state="SF", history="ShADadFf")
            rep = eng.report()
            assert [(h.addr, h.verdict) for h in rep] == [("10.0.0.5", "alert"), ("10.0.0.7", "suspicious")]
            ioc, beacon = rep[0].evidence
            assert (ioc.kind, ioc.via, ioc.indicator, ioc.name, ioc.count, ioc.dst) == \
                ("ioc", "dns", "c2.example.net", "c2.example.net", 1, None)
            assert (ioc.source, ioc.family, ioc.first) == ("list", None, float(T0))
            # the answer names the address the beacon goes to
            assert (beacon.kind, beacon.dst, beacon.name, beacon.count, beacon.interval_s) == \
                ("beacon", "203.0.113.9:443", "c2.example.net", 10, 60.0)
            (nx,) = rep[1].evidence
            assert (nx.kind, nx.count, nx.distinct) == ("nxdomain_burst", 25, 25)
            assert nx.examples == "x0abc.example.org,x1abc.example.org,x2abc.example.org"
            assert (nx.first_ns, nx.last_ns) == (T0 * 10**9, (T0 + 24) * 10**9)
            assert rep[1].dns_responses == 25
            st = eng.stats()
            assert (st["dns_events"], st["dns_answers_not_address"], st["dns_answers_over_cap"]) == (26, 1, 0)
            # answers past the 16 a DNS message holds are counted, not silently dropped
            eng.add_dns(T0 + 30, "10.0.0.8", "many.example.org", 0, [f"198.51.100.{i}" for i in range(20)])
            assert eng.stats()["dns_answers_over_cap"] == 4
    finally:
        db.close()


def test_http_evidence_only_from_request_lines():
    with hosts.Engine() as eng:  # the built-in HTTP model
        eng.add_http(T0, "10.0.0.12", "198.51.100.40", 6667, header=IRC)
        eng.add_session(ts=T0 + 1, orig_h="10.0.0.12", orig_p=51000, resp_h="198.51.100.40", resp_p=6667,
                        orig_bytes=len(IRC), resp_bytes=60, orig_pkts=3, resp_pkts=3, conn_state="SF",
                        orig_prefix=IRC)
        assert eng.report() == []
        assert eng.stats()["http_not_request"] == 1
        (ok,) = eng.report(include_ok=True)
        assert (ok.addr, ok.verdict, ok.score, ok.http_requests) == ("10.0.0.12", "ok", 0.0, 1)
        assert [e.kind for e in ok.evidence] == ["c2_candidate"]  # the IRC session's sizes; no http_c2
        eng.add_http(ts=T0 + 3, client="10.0.0.12", server="198.51.100.40", port=80, header=SALITY)
        (h,) = eng.report()
        assert [e.kind for e in h.evidence] == ["http_c2", "c2_candidate"]
        e = h.evidence[0]
        assert (e.kind, e.dst, e.count) == ("http_c2", "198.51.100.40:80", 1)
        assert e.examples == "http://padrup.com/sobaka1.gif?12db3cf=98861835"
        assert e.score > 0.9 and h.verdict == "alert"
    # the same request as a session's first bytes
    with hosts.Engine() as eng:
        eng.add_session(ts=T0, orig_h="10.0.0.12", orig_p=52000, resp_h="198.51.100.40", resp_p=80,
                        orig_bytes=len(SALITY), resp_bytes=300, orig_pkts=4, resp_pkts=3, conn_state="SF",
                        orig_prefix=SALITY)
        (h,) = eng.report()
        assert [(e.kind, e.dst, e.examples) for e in h.evidence if e.kind == "http_c2"] == \
            [("http_c2", "198.51.100.40:80", "http://padrup.com/sobaka1.gif?12db3cf=98861835")]
        assert h.http_requests == 1 and eng.stats()["http_not_request"] == 0


def test_allow_list_and_local_nets():
    with hosts.Engine(builtin_models=False) as eng:
        eng.allow("203.0.113.0/24")
        refused_beacon(eng)
        assert eng.report() == []
        (h,) = eng.report(include_ok=True)
        assert (h.addr, h.verdict, h.evidence) == ("192.168.1.20", "ok", [])
        assert eng.stats()["allowed_evidence"] == 1
    with hosts.Engine(builtin_models=False) as eng:
        eng.add_local_net("172.20.0.0/16")
        assert eng.is_local("172.20.1.1") and not eng.is_local("192.168.1.20")
        refused_beacon(eng)  # from 192.168.1.20: not local now
        assert eng.report(include_ok=True) == []
        assert eng.stats()["not_local"] == 30
        refused_beacon(eng, src="172.20.1.1")
        assert [h.addr for h in eng.report()] == ["172.20.1.1"]


def test_strengths_and_ipv6():
    with hosts.Engine(builtin_models=False) as eng:
        refused_beacon(eng, src="fd00::5", dst="2001:db8::1", port=443)
        (h,) = eng.report(strengths=True)
        assert h.addr == "fd00::5"
        assert h.evidence[0].dst == "[2001:db8::1]:443"
        assert set(h.strengths) == set(hosts.EVIDENCE_KINDS[1:])
        assert h.strengths["beacon"] == 1.0 and h.strengths["fanout"] == 0.0


# ------------------------------------------------------------------ errors
def test_typed_errors():
    with pytest.raises(C2DError) as ei:
        hosts.Engine(max_hosts=0)
    assert ei.value.status == C2D_ERR_INVALID_ARG
    with pytest.raises(C2DError) as ei:
        hosts.Engine({"memory_budget": 1000})
    assert ei.value.status == C2D_ERR_LIMIT
    with pytest.raises(C2DError) as ei:
        hosts.Engine(suspicious_threshold=0.9, alert_threshold=0.5)
    assert ei.value.status == C2D_ERR_INVALID_ARG
    with pytest.raises(TypeError):
        hosts.Engine(bogus=1)
    with pytest.raises(ValueError):
        hosts.Engine(max_hosts=-1)
    with pytest.raises(ValueError):
        hosts.Engine(beacon_threshold=math.nan)
    with pytest.raises(TypeError):
        hosts.Engine(window_s=60, window_ns=60 * 10**9)
    with pytest.raises(TypeError):
        hosts.Engine(ioc="not a handle")
    eng = hosts.Engine(builtin_models=False, window_s=3600)
    assert eng.config["window_ns"] == 3600 * 10**9
    with pytest.raises(C2DError) as ei:
        eng.add_local_net("10.1.0.0/33")
    assert ei.value.status == C2D_ERR_MALFORMED
    with pytest.raises(C2DError) as ei:
        eng.allow("bad..name")
    assert ei.value.status == C2D_ERR_MALFORMED
    good = dict(ts=T0, orig_h="10.0.0.1", orig_p=1, resp_h="198.51.100.1", resp_p=80)
    with pytest.raises(ValueError):
        eng.add_session(**dict(good, orig_h="not-an-address"))
    with pytest.raises(TypeError):
        eng.add_session(**dict(good, orig_h=1.5))
    with pytest.raises(ValueError):
        eng.add_session(**dict(good, resp_p=70000))
    with pytest.raises(ValueError):
        eng.add_session(**dict(good, proto="icmp"))
    with pytest.raises(ValueError):
        eng.add_session(**dict(good, conn_state="XX"))
    with pytest.raises(TypeError):
        eng.add_session(**dict(good, colour="red"))
    with pytest.raises(TypeError):
        eng.add_session(**{k: v for k, v in good.items() if k != "ts"})
    with pytest.raises(ValueError):
        eng.add_dns(T0, "10.0.0.1", "a" * 1024)
    with pytest.raises(TypeError):
        eng.add_http(T0, "10.0.0.1", "198.51.100.1", 80, header="GET / HTTP/1.1\r\n\r\n")
    assert eng.stats()["sessions"] == 0  # nothing half-added
    eng.close()
    with pytest.raises(ValueError):
        eng.report()
    eng.close()  # twice is harmless


def test_to_pandas():
    pd = pytest.importorskip("pandas")
    with hosts.Engine(builtin_models=False) as eng:
        refused_beacon(eng)
        rep = eng.report()
    df = rep.to_pandas()
    assert list(df["addr"]) == ["192.168.1.20"] and list(df["evidence"]) == ["beacon"]
    ev = rep.to_pandas(evidence=True)
    assert isinstance(ev, pd.DataFrame)
    assert list(ev["dst"]) == ["203.0.113.5:8080"] and list(ev["count"]) == [30]


# ------------------------------------------------- the same as c2d scan
def _c2d_program():
    """<build>/examples/c2d next to <build>/lib/libc2detect.so of $C2D_LIBRARY (the
    same build as the library under test), else the source tree's build dirs."""
    libpath = os.environ.get("C2D_LIBRARY")
    if libpath:
        cands = [pathlib.Path(libpath).resolve().parent.parent / "examples" / "c2d"]
    else:
        cands = [ROOT / b / "examples" / "c2d" for b in ("build", "build-release")]
    for c in cands:
        if c.is_file() and os.access(c, os.X_OK):
            return c
    return None


def _njrat_log():
    for d in (SHARED_DATA, ROOT.parents[1] / "shared" / "data"):
        p = d / "flows" / NJRAT
        if p.is_file():
            return p
    return None


def _comparable_json(host):
    ev = []
    for e in host["evidence"]:
        count = {"dga_names": "nxdomain", "nxdomain_burst": "nxdomain_total", "fanout": "attempts",
                 "rare_country": "sessions"}.get(e["kind"], "count")
        ev.append((e["kind"], e.get("dst"), e.get(count), f"{e['score']:.3f}", f"{e['weight']:.3f}"))
    return (host["host"], f"{host['score']:.3f}", host["verdict"], host["sessions"], ev)


def _comparable_py(h):
    return (h.addr, f"{h.score:.3f}", h.verdict, h.sessions,
            [(e.kind, e.dst, e.count, f"{e.score:.3f}", f"{e.weight:.3f}") for e in h.evidence])


def test_zeek_conn_log_fed_from_python_matches_c2d_scan():
    c2d, log = _c2d_program(), _njrat_log()
    if c2d is None:
        pytest.skip("the c2d program is not built next to the library")
    if log is None:
        pytest.skip(f"shared data {NJRAT} not present")
    with tempfile.TemporaryDirectory() as d:
        os.symlink(log, os.path.join(d, "conn.labeled.log.gz"))  # the name c2d scan --zeek looks for
        run = subprocess.run([str(c2d), "scan", "--zeek", d, "--all"], capture_output=True, text=True)
    assert run.returncode == 0, run.stderr
    want = [_comparable_json(json.loads(line)) for line in run.stdout.splitlines()]

    reader = zeek.Reader()
    with hosts.Engine() as eng:
        n = 0
        for item in reader.iter_file(str(log)):
            if isinstance(item, zeek.Session):
                eng.add_session(item)  # the Zeek twin's records as they are
                n += 1
        assert n == 669 and reader.report.rejected == 0
        got = [_comparable_py(h) for h in eng.report(include_ok=True)]
        assert eng.stats()["sessions"] == 669
    assert got == want
    # and what it finds: the njRAT host retrying its C2 server
    assert got[0][:3] == ("192.168.1.115", "0.675", "alert")
    assert got[0][4][0][:3] == ("beacon", "41.108.179.197:1177", 237)
    assert len(got) == 8 and all(g[2] == "ok" for g in got[1:])


def test_zeek_dns_and_http_events_are_accepted():
    dns = zeek.DnsEvent(ts_ns=T0 * 10**9, client_addr="10.0.0.5", client_port=5353, server_addr="10.0.0.1",
                        transport=17, ip_version=4, qname="c2.example.net", qdcount=1, qtype=1, qclass=1,
                        rcode=0, is_response=1, flags=0x8000, id=7, ancount=1, addrs=[("203.0.113.9", 4, 300)])
    http = zeek.HttpEvent(ts_ns=(T0 + 1) * 10**9, client_addr="10.0.0.5", client_port=50000,
                          server_addr="203.0.113.9", server_port=80, host=b"c2.example.net", uri=b"/gate.php")
    with hosts.Engine(builtin_models=False) as eng:
        eng.add_dns(dns)
        eng.add_dns(dataclasses.replace(dns, is_response=0, ts_ns=dns.ts_ns + 1))  # a query: not a response
        eng.add_http(http)
        (h,) = eng.report(include_ok=True)
        assert (h.addr, h.dns_responses, h.http_requests) == ("10.0.0.5", 1, 1)
        st = eng.stats()
        assert (st["dns_events"], st["http_events"], st["http_not_request"]) == (1, 1, 0)
