"""The package as a user meets it: versions agree, the moved modules keep their
old paths, the runtime works without numpy, and `python -m c2detect` follows
the project's exit codes."""
import os
import re
import subprocess
import sys

import pytest

from conftest import ROOT, c_library

PKG_DIR = ROOT / "bindings" / "python"
SAMPLE = ROOT / "examples" / "sample"


def _env():
    env = dict(os.environ)
    if not os.environ.get("C2D_TEST_INSTALLED"):
        env["PYTHONPATH"] = str(PKG_DIR) + os.pathsep + env.get("PYTHONPATH", "")
    return env


def _run(*args, stdin=None):
    return subprocess.run([sys.executable, *args], input=stdin, capture_output=True, env=_env(),
                          cwd="/", timeout=120)


def test_versions_agree():
    import c2detect
    header = (ROOT / "include" / "c2detect" / "common.h").read_text()
    parts = [re.search(rf"#define C2D_VERSION_{k} (\d+)", header).group(1)
             for k in ("MAJOR", "MINOR", "PATCH")]
    assert c2detect.__version__ == ".".join(parts)
    pyproject = (PKG_DIR / "pyproject.toml").read_text()
    assert re.search(r'^version = "([^"]+)"', pyproject, re.M).group(1) == c2detect.__version__
    from c2detect import lib
    assert lib.HEADER_VERSION == tuple(int(p) for p in parts)


MOVED = {"train_dga": "train.dga", "train_dga_cnn": "train.dga_cnn",
         "train_dga_ensemble": "train.dga_ensemble", "http_train": "train.http",
         "http_eval": "train.http_eval", "ioc_family": "train.ioc_family",
         "samples": "data.samples", "http_gen": "data.http_gen", "http_data": "data.http_data",
         "mmdb_writer": "data.mmdb_writer", "testmodels": "data.testmodels",
         "dga_cnn_testmodels": "data.dga_cnn_testmodels", "cnn_golden": "data.cnn_golden",
         "dga_ngrams": "tools.dga_ngrams", "dga_vocab": "tools.dga_vocab",
         "train_hosts": "train.hosts"}


@pytest.mark.parametrize("old,new", sorted(MOVED.items()))
def test_old_module_paths_are_the_new_modules(old, new):
    import importlib
    pytest.importorskip("numpy")
    try:
        a = importlib.import_module(f"c2detect.{old}")
    except ImportError as e:  # a recipe's own optional dependency (torch, sklearn)
        pytest.skip(f"{old}: {e}")
    assert a is importlib.import_module(f"c2detect.{new}")


def test_old_path_runs_with_dash_m():
    r = _run("-m", "c2detect.mmdb_writer")
    assert r.returncode == 1 and b"usage: python3 -m c2detect.mmdb_writer OUT_DIR" in r.stderr


def test_runtime_works_without_numpy():
    c_library()
    code = r"""
import sys
sys.modules["numpy"] = None  # import numpy raises ImportError
import c2detect
from c2detect.data import mmdb_writer
ens = c2detect.DgaEnsemble.builtin()
s = ens.scores(["example.com", "bad..name"])
assert isinstance(s, list) and s[0] < 0.5 and s[1] != s[1], s
h = c2detect.HttpModel.builtin().scores([b"GET / HTTP/1.1\r\n\r\n"])
assert isinstance(h, list) and 0 <= h[0] <= 1
db = c2detect.IocDB(); db.add("1.2.3.4"); db.finalize()
best, counts = db.match_ipv4(["1.2.3.4", "5.6.7.8"])
assert counts == [1, 0], counts
g = c2detect.GeoDB(mmdb_writer.write_mmdb(mmdb_writer.NETWORKS, 24, 4))
b = g.lookup_batch(["8.8.8.8", "9.9.9.9"])
assert b.countries == ["US", None] and b.asns == [15169, 0], b
m = c2detect.Model.builtin("test")
print("ok")
"""
    r = _run("-c", code)
    assert r.returncode == 0, r.stderr.decode()
    assert r.stdout == b"ok\n"


def c2detect_version():
    import c2detect
    return c2detect.__version__


def test_cli_exit_codes(tmp_path):
    c_library()
    r = _run("-m", "c2detect", "--help")
    assert r.returncode == 0 and b"usage: python -m c2detect" in r.stdout
    r = _run("-m", "c2detect", "dga", "--help")
    assert r.returncode == 0 and r.stdout.startswith(b"usage:")
    r = _run("-m", "c2detect", "--version")
    assert r.returncode == 0 and r.stdout.decode().strip() == f"c2detect {c2detect_version()}"
    assert _run("-m", "c2detect").returncode == 2
    assert _run("-m", "c2detect", "bogus").returncode == 2
    r = _run("-m", "c2detect", "version")
    assert r.returncode == 0 and r.stdout.startswith(b"c2detect ")
    r = _run("-m", "c2detect", "dga", "example.com", "kqwbxyhsbjtqb.ru", "bad..name")
    assert r.returncode == 0
    lines = r.stdout.decode().splitlines()
    assert lines[1].startswith("example.com\t") and lines[1].endswith("\tok")
    assert lines[2].startswith("kqwbxyhsbjtqb.ru\t") and lines[2].endswith("\tdga")
    assert lines[3] == "bad..name\t-\tinvalid (C2D_ERR_NAME_EMPTY_LABEL)"
    r = _run("-m", "c2detect", "dga", "-", stdin=b"example.com\n\nexample.org\n")
    assert r.returncode == 0 and len(r.stdout.decode().splitlines()) == 3
    two = b"GET /a HTTP/1.1\r\nHost: x\r\n\r\nGET /b HTTP/1.1\r\nHost: y\r\n\r\n"
    r = _run("-m", "c2detect", "http", "-", stdin=two)
    assert r.returncode == 0
    out = r.stdout.decode().splitlines()
    assert [ln.split("\t")[0] for ln in out[1:]] == ["-#1", "-#2"]
    r = _run("-m", "c2detect", "sessions", str(tmp_path / "missing.pcap"))
    assert r.returncode == 1 and b"C2D_ERR_IO" in r.stderr


@pytest.mark.skipif(not (SAMPLE / "sample.pcap").exists(), reason="no sample capture")
def test_cli_sessions_damaged_capture_exits_3(tmp_path):
    c_library()
    cut = tmp_path / "cut.pcap"
    cut.write_bytes((SAMPLE / "sample.pcap").read_bytes()[:3000])
    r = _run("-m", "c2detect", "sessions", str(cut))
    assert r.returncode == 3
    assert len(r.stdout.splitlines()) == 15
    assert (f"{cut}: input damaged at byte 2942: C2D_ERR_TRUNCATED").encode() in r.stderr
    r = _run("-m", "c2detect", "sessions", "-", stdin=(SAMPLE / "sample.pcap").read_bytes())
    assert r.returncode == 0 and len(r.stdout.splitlines()) == 222


def test_installed_copy_is_the_one_tested():
    """With C2D_TEST_INSTALLED=1 (the pip-install test), the package and its
    library come from the install, never from the source tree."""
    if not os.environ.get("C2D_TEST_INSTALLED"):
        pytest.skip("source-tree run")
    import c2detect
    from c2detect import lib
    here = str(PKG_DIR)
    assert not c2detect.__file__.startswith(here), c2detect.__file__
    assert lib.library_path() == os.path.join(os.path.dirname(c2detect.__file__), "libc2detect.so")


@pytest.mark.skipif(not (SAMPLE / "iocs.csv").exists(), reason="no sample feed")
def test_cli_ioc_and_geo(tmp_path):
    c_library()
    r = _run("-m", "c2detect", "ioc", "--feed", str(SAMPLE / "iocs.csv"), "203.0.113.50:8080",
             "1.2.3.4", "http://[::1")
    assert r.returncode == 0, r.stderr
    assert r.stdout.decode().splitlines() == [
        "203.0.113.50:8080: 1 match",
        "  ip:port 203.0.113.50:8080 family=SampleBeacon threat=botnet_cc confidence=100 source=csv",
        "1.2.3.4: 0 matches",
        "http://[::1: invalid (C2D_ERR_MALFORMED)"]
    empty = tmp_path / "empty.feed"
    empty.write_text("nothing here\n")
    r = _run("-m", "c2detect", "ioc", "--feed", str(empty), "1.2.3.4")
    assert r.returncode == 1
    assert f"{empty}: feed yielded no indicators (C2D_ERR_IOC_EMPTY_FEED)".encode() in r.stderr
    from c2detect.data import mmdb_writer
    db = tmp_path / "t.mmdb"
    db.write_bytes(mmdb_writer.write_mmdb(mmdb_writer.NETWORKS6, 24, 6))
    r = _run("-m", "c2detect", "geo", str(db), "8.8.8.8", "10.0.0.1", "2001:db8::1", "bogus")
    assert r.returncode == 0, r.stderr
    lines = r.stdout.decode().splitlines()
    assert lines[0] == "8.8.8.8\tprefix=24\tcountry=US\tasn=15169"
    assert lines[1].startswith("10.0.0.1\tprefix=") and lines[1].endswith("\tnot found")
    assert lines[2] == "2001:db8::1\tprefix=32\tcountry=DE"
    assert lines[3] == "bogus\tinvalid (C2D_ERR_INVALID_ARG)"
