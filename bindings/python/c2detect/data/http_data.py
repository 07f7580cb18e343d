"""Real HTTP request header blocks from the shared data (../shared/data), labelled
per SOURCES.md: per capture, and per host/destination where a capture is mixed.

Each record: dict(block=bytes, label=0/1/None, family=str, source=file name,
split="train"|"test"). label None = unknown (never used). tshark reads the pcaps.
The split holds whole captures out for evaluation (HOLDOUT_CAPTURES).
"""
from __future__ import annotations

import gzip
import json
import os
import pathlib
import subprocess

ROOT = pathlib.Path(__file__).resolve().parents[4]


def shared_data_dir() -> pathlib.Path:
    return pathlib.Path(os.environ.get("C2D_SHARED_DATA_DIR", ROOT.parent / "shared" / "data"))


_BENIGN_SUFFIXES = ("windowsupdate.com", "microsoft.com", "msn.com", "bing.com", "digicert.com",
                    "verisign.com", "symcd.com", "symcb.com", "globalsign.com", "msftncsi.com",
                    "google.com", "gstatic.com", "adobe.com", "akamaihd.net", "windows.com",
                    "live.com", "msocsp.com", "entrust.net", "geotrust.com", "usertrust.com",
                    "comodoca.com", "identrust.com", "letsencrypt.org", "lencr.org")


def _host_of(rec):
    return (rec.get("host") or "").split(":")[0].lower()


def _label_empire(rec):
    return (1, "empire") if rec["dst"] == "192.168.1.161" else (0, "benign")


def _label_cerber(rec):
    h = _host_of(rec)
    if h.endswith(".04hyxg.top") or h == "btc.blockr.io":
        return 1, "cerber"
    return 0, "benign"


def _label_rig(rec):
    if _host_of(rec) == "try.yoncalitatil.com" or rec["dst"] == "188.68.234.132":
        return 1, "rig"
    return 0, "benign"


def _label_infection(rec):
    h = _host_of(rec)
    if any(h == s or h.endswith("." + s) for s in _BENIGN_SUFFIXES):
        return 0, "benign"
    return None, "unknown"  # family not stated: anything else may be the malware


def _const(label, family):
    return lambda rec: (label, family)


# (path relative to shared/data, labeller, split)
CAPTURES = [
    ("http/elcabezzonn_capture-Mon-02-13-17-17-15-34_Empire.pcap.gz", _label_empire, "train"),
    ("http/elcabezzonn_wmi_to_powershell_empire.pcap.gz", _const(1, "empire"), "test"),
    ("http/elcabezzonn_capture-Thu-11-24-16-10-28-11_cerber.pcap.gz", _label_cerber, "train"),
    ("http/elcabezzonn_capture-Tue-11-29-16-12-26-16_rig.pcap.gz", _label_rig, "test"),
    ("http/elcabezzonn_malware_infection.pcap.gz", _label_infection, "train"),
    ("http/corelight_caldera_sandcat.pcap.gz", _const(1, "caldera"), "train"),
    ("http/corelight_caldera_ragdoll.pcap", _const(1, "caldera-ragdoll"), "test"),
    ("http/unit42_workshop-part-02-01.pcap.gz", _const(0, "benign"), "test"),
    ("http/unit42_workshop-part-02-pcap-01.pcap.gz", _const(0, "benign"), "train"),
    ("http/unit42_workshop-part-02-02.pcap.gz", _const(0, "benign"), "train"),
    ("http/chrissanders_http_espn.pcapng", _const(0, "benign"), "test"),
    ("http/chrissanders_http_google.pcapng", _const(0, "benign"), "train"),
    ("http/chrissanders_http_post.pcapng", _const(0, "benign"), "train"),
    ("http/ndpi_http.pcapng", _const(0, "benign"), "train"),
    ("http/ndpi_http_auth.pcap", _const(0, "benign"), "train"),
    ("http/ndpi_http_connect.pcap", _const(0, "benign"), "train"),
    ("http/ndpi_http_ipv6.pcap", _const(0, "benign"), "train"),
    ("http/ndpi_http-manipulated.pcap", _const(0, "benign"), "train"),
    ("http/ndpi_http_ua_splitted_in_two_pkts.pcapng", _const(0, "benign"), "train"),
    ("http/ndpi_http_asymmetric.pcapng", _const(0, "benign"), "train"),
    ("http/ndpi_http-proxy.pcapng", _const(0, "benign"), "train"),
    ("http/ndpi_http_origin_different_than_host.pcap", _const(0, "benign"), "train"),
    ("pcap/ndpi_emotet.pcap", _const(1, "emotet-real"), "test"),
    ("pcap/ndpi_trickbot.pcap", _const(1, "trickbot-real"), "test"),
    ("pcap/ndpi_malware.pcap", _const(1, "malware-real"), "test"),
    ("pcap/ndpi_bot.pcap", _const(1, "bot-real"), "test"),
    ("pcap/ndpi_windowsupdate_over_http.pcap", _const(0, "benign"), "test"),
    ("pcap/ndpi_exe_download.pcap", _const(0, "benign"), "test"),
    ("pcap/ndpi_chrome.pcap", _const(0, "benign"), "test"),
    ("pcap/ndpi_firefox.pcap", _const(0, "benign"), "test"),
    ("pcap/ndpi_443-firefox.pcap", _const(0, "benign"), "test"),
    ("pcap/ndpi_443-curl.pcap", _const(0, "benign"), "test"),
    ("pcap/ndpi_teamviewer.pcap", _const(0, "benign"), "test"),
]

_FIELDS = ["ip.dst", "ipv6.dst", "http.request.method", "http.request.uri", "http.request.version",
           "http.request.line", "http.host"]


def pcap_requests(path) -> list:
    """Request header blocks of one capture, rebuilt from tshark's request line and
    header lines (wire order, original case). Each: dict(block, dst, host)."""
    cmd = ["tshark", "-r", str(path), "-Y", "http.request", "-T", "json"]
    for f in _FIELDS:
        cmd += ["-e", f]
    res = subprocess.run(cmd, capture_output=True, check=False)
    try:
        pkts = json.loads(res.stdout or b"[]")
    except json.JSONDecodeError:
        return []
    out = []
    for p in pkts:
        lay = p["_source"]["layers"]

        def one(k):
            v = lay.get(k)
            return v[0] if v else ""
        methods = lay.get("http.request.method") or []
        if len(methods) != 1:
            continue  # pipelined requests in one frame: header lines cannot be split
        line = f"{one('http.request.method')} {one('http.request.uri')} {one('http.request.version')}\r\n"
        block = line + "".join(lay.get("http.request.line") or []) + "\r\n"
        out.append(dict(block=block.encode("utf-8", "surrogateescape"),
                        dst=one("ip.dst") or one("ipv6.dst"), host=one("http.host")))
    return out


def real_records(data_dir=None) -> list:
    d = pathlib.Path(data_dir) if data_dir else shared_data_dir()
    recs = []
    for rel, labeller, split in CAPTURES:
        p = d / rel
        if not p.exists():
            continue
        for r in pcap_requests(p):
            label, family = labeller(r)
            recs.append(dict(block=r["block"], label=label, family=family, source=rel, split=split,
                             host=r["host"]))
    return recs


_CANON = {}


def _canon(name: str) -> str:
    if name not in _CANON:
        _CANON[name] = "-".join(w[:1].upper() + w[1:].lower() for w in name.split("-"))
        if name.upper() == "DNT":
            _CANON[name] = "DNT"
    return _CANON[name]


def bro_header_lists(data_dir=None) -> list:
    """Client header lists (wire order) of the ClickSecurity Bro httpheaders log:
    [(canonical name, value)], values as logged ("-" where Bro hid them)."""
    d = pathlib.Path(data_dir) if data_dir else shared_data_dir()
    p = d / "http" / "clicksecurity_bro_httpheaders.log.gz"
    if not p.exists():
        return []
    out = []
    with gzip.open(p, "rt", encoding="utf-8", errors="replace") as f:
        for line in f:
            if line.startswith("#"):
                continue
            parts = line.rstrip("\n").split("\t")
            if len(parts) < 4 or parts[1] != "client":
                continue
            try:
                evs = json.loads(parts[3])
            except json.JSONDecodeError:
                continue
            fields = []
            for ev in evs:
                for k, v in ev.items():
                    fields.append((_canon(k), v))
            out.append(fields)
    return out
