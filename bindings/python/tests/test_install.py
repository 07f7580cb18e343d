"""`pip install ./bindings/python` into a clean venv builds and bundles the C
library; then this test suite runs again from that install (C2D_TEST_INSTALLED=1,
no PYTHONPATH, no C2D_LIBRARY), not from the source tree.

Slow (a CMake build of the library) and needs the package index for the build
backend, so it runs only with C2D_TEST_PIP_INSTALL=1 (tests/run_all.sh sets it).
C2D_TEST_VENV chooses the venv folder (default: a fresh temporary one)."""
import os
import shutil
import subprocess
import sys
import tempfile

import pytest

from conftest import ROOT

PKG_DIR = ROOT / "bindings" / "python"


@pytest.mark.skipif(not os.environ.get("C2D_TEST_PIP_INSTALL"),
                    reason="set C2D_TEST_PIP_INSTALL=1 to build and install into a venv")
@pytest.mark.skipif(bool(os.environ.get("C2D_TEST_INSTALLED")), reason="already the installed run")
def test_pip_install_into_clean_venv_then_run_the_tests():
    venv = os.environ.get("C2D_TEST_VENV") or tempfile.mkdtemp(prefix="c2detect-venv-")
    shutil.rmtree(venv, ignore_errors=True)
    env = {k: v for k, v in os.environ.items()
           if k not in ("PYTHONPATH", "C2D_LIBRARY", "C2D_TEST_PIP_INSTALL")}
    # a clean venv: the package and its [test] extra (pytest, numpy) only; the
    # tests that need torch or scikit-learn skip themselves there
    subprocess.run([sys.executable, "-m", "venv", venv], check=True)
    py = os.path.join(venv, "bin", "python")
    r = subprocess.run([py, "-m", "pip", "install", "--no-cache-dir", f"{PKG_DIR}[test]"], env=env,
                       capture_output=True, text=True, cwd=tempfile.gettempdir(), timeout=1800)
    assert r.returncode == 0, r.stdout[-4000:] + r.stderr[-4000:]
    site = subprocess.run([py, "-c", "import c2detect, os; print(os.path.dirname(c2detect.__file__))"],
                          env=env, capture_output=True, text=True, cwd="/", check=True).stdout.strip()
    assert site.startswith(venv), site
    assert os.path.isfile(os.path.join(site, "libc2detect.so"))
    env["C2D_TEST_INSTALLED"] = "1"
    r = subprocess.run([py, "-m", "pytest", "-q", "-p", "no:cacheprovider", str(PKG_DIR / "tests")],
                       env=env, capture_output=True, text=True, cwd="/", timeout=1800)
    print(r.stdout[-3000:])
    assert r.returncode == 0, r.stdout[-6000:] + r.stderr[-3000:]
    if not os.environ.get("C2D_TEST_VENV"):
        shutil.rmtree(venv, ignore_errors=True)
