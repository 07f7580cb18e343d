#!/usr/bin/env bash
# Builds libc2detect and runs every test: the cmocka suites, corpus replays and
# CLI checks (ctest) in a release build with -Werror, the Python tests, the same
# ctest suites under ASan+UBSan, a clang -Werror build, the thread-sharing test
# under ThreadSanitizer, a short fuzz run of every harness, the installed-package
# checks (find_package and pkg-config), and the ABI check against the baseline.
# Usage: tests/run_all.sh            (from anywhere; installs Debian packages
#                                     first when run as root and some are missing)
set -euo pipefail
ROOT=$(cd "$(dirname "$0")/.." && pwd)
cd "$ROOT"
JOBS=${JOBS:-2}
OUT=${C2D_TEST_OUT:-$ROOT/build-tests}
PY=/usr/bin/python3

DEBS="cmake make gcc g++ clang libclang-rt-14-dev pkg-config libcmocka-dev zlib1g-dev python3-pytest python3-numpy
python3-sklearn python3-torch python3-matplotlib publicsuffix abigail-tools gcc-aarch64-linux-gnu
libc6-dev-arm64-cross qemu-user libndpi-dev libndpi-bin libmaxminddb-dev tshark valgrind"
DEBS="$DEBS python3-venv python3-pandas"  # the pip-install stage; Sessions.to_pandas
missing=""
for p in $DEBS; do dpkg -s "$p" >/dev/null 2>&1 || missing="$missing $p"; done
# Go: any go on PATH (this builds with Debian 12's own 1.19 too), else Debian's.
command -v go >/dev/null 2>&1 || dpkg -s golang-go >/dev/null 2>&1 || missing="$missing golang-go"
if [ -n "$missing" ]; then
  if [ "$(id -u)" = 0 ]; then
    echo "== installing Debian packages:$missing"
    export DEBIAN_FRONTEND=noninteractive
    apt-get update -qq
    echo "wireshark-common wireshark-common/install-setuid boolean false" | debconf-set-selections
    apt-get install -y -qq --no-install-recommends $missing >/dev/null
    hash -r
  else
    echo "missing Debian packages (run as root or install them):$missing" >&2
    exit 1
  fi
fi

stages_ok=0
stage() { echo; echo "== $*"; }

stage "release build (gcc -O2 -g, -Werror) + ctest"
cmake -S . -B "$OUT/release" -DCMAKE_BUILD_TYPE=RelWithDebInfo -DC2D_WERROR=ON -DC2D_BUILD_BENCH=ON >/dev/null
cmake --build "$OUT/release" -j"$JOBS"
(cd "$OUT/release" && ctest --output-on-failure -j"$JOBS")
stages_ok=$((stages_ok + 1))

stage "python tests"
PYTHONPATH="$ROOT/bindings/python" C2D_LIBRARY="$OUT/release/lib/libc2detect.so" \
  $PY -m pytest -q "$ROOT/bindings/python/tests"
stages_ok=$((stages_ok + 1))

stage "python package: pip install into a clean venv, then its tests from the install"
C2D_TEST_PIP_INSTALL=1 C2D_TEST_VENV="$OUT/venv" \
  $PY -m pytest -q -p no:cacheprovider "$ROOT/bindings/python/tests/test_install.py"
stages_ok=$((stages_ok + 1))

stage "ASan+UBSan build + ctest"
cmake -S . -B "$OUT/asan" -DCMAKE_BUILD_TYPE=Debug -DC2D_WERROR=ON \
  -DC2D_SANITIZE=address,undefined >/dev/null
cmake --build "$OUT/asan" -j"$JOBS"
(cd "$OUT/asan" && ASAN_OPTIONS=detect_leaks=1 ctest --output-on-failure -j"$JOBS")
stages_ok=$((stages_ok + 1))

stage "clang build (-Werror) + ctest"
cmake -S . -B "$OUT/clang" -DCMAKE_C_COMPILER=clang -DCMAKE_CXX_COMPILER=clang++ \
  -DCMAKE_BUILD_TYPE=Release -DC2D_WERROR=ON >/dev/null
cmake --build "$OUT/clang" -j"$JOBS"
(cd "$OUT/clang" && ctest --output-on-failure -j"$JOBS")
stages_ok=$((stages_ok + 1))

stage "ThreadSanitizer: one model, IOC store and MMDB shared by 8 threads (test_threads)"
cmake -S . -B "$OUT/tsan" -DCMAKE_BUILD_TYPE=Debug -DC2D_WERROR=ON -DC2D_SANITIZE=thread >/dev/null
cmake --build "$OUT/tsan" -j"$JOBS" --target test_threads
(cd "$OUT/tsan" && TSAN_OPTIONS=halt_on_error=1 ctest --output-on-failure -R '^test_threads$')
stages_ok=$((stages_ok + 1))

stage "fuzz smoke: every harness 5 s under clang ASan+UBSan, corpora replayed and extended (not merged)"
CC=clang CXX=clang++ tests/fuzz/run.sh -t "${C2D_FUZZ_SECONDS:-5}" -j"$JOBS" -n -b "$OUT/fuzz"
stages_ok=$((stages_ok + 1))

stage "install, then build examples against the installed copy (find_package, pkg-config)"
PREFIX="$OUT/prefix"
rm -rf "$PREFIX"
cmake --install "$OUT/release" --prefix "$PREFIX" >/dev/null
cmake -S examples/embed_cmake -B "$OUT/embed_cmake" -DCMAKE_PREFIX_PATH="$PREFIX" >/dev/null
cmake --build "$OUT/embed_cmake"
LD_LIBRARY_PATH="$PREFIX/lib" "$OUT/embed_cmake/embed_cmake"
PKG_CONFIG_PATH="$PREFIX/lib/pkgconfig" make -s -C examples/embed_pkgconfig OUT="$OUT/embed_pkgconfig"
LD_LIBRARY_PATH="$PREFIX/lib" "$OUT/embed_pkgconfig/embed_pkgconfig"
"$PREFIX/bin/c2d" version
stages_ok=$((stages_ok + 1))

stage "Go binding tests (cgo, against the installed copy)"
if command -v go >/dev/null 2>&1; then
  (cd bindings/go && test -z "$(gofmt -l .)" && \
   PKG_CONFIG_PATH="$PREFIX/lib/pkgconfig" LD_LIBRARY_PATH="$PREFIX/lib" GOFLAGS=-mod=mod go vet ./... && \
   PKG_CONFIG_PATH="$PREFIX/lib/pkgconfig" LD_LIBRARY_PATH="$PREFIX/lib" GOFLAGS=-mod=mod go test -count=1 ./...)
  # another module using the binding through a replace directive (bindings/go/README.md)
  (cd examples/go && test -z "$(gofmt -l .)" && \
   PKG_CONFIG_PATH="$PREFIX/lib/pkgconfig" go vet ./... && \
   PKG_CONFIG_PATH="$PREFIX/lib/pkgconfig" go build -o "$OUT/c2dgo" . && \
   LD_LIBRARY_PATH="$PREFIX/lib" "$OUT/c2dgo" | tee "$OUT/c2dgo.out" && \
   grep -qx "222 sessions, 10 with an IOC hit" "$OUT/c2dgo.out")
  stages_ok=$((stages_ok + 1))
else
  echo "go not found: Go binding not tested" >&2
  exit 1
fi

stage "ABI check against tests/abi/libc2detect.abi"
abidw --no-corpus-path --drop-private-types --headers-dir "$ROOT/include" \
  --out-file "$OUT/current.abi" "$OUT/release/lib/libc2detect.so"
set +e
abidiff --no-added-syms "$ROOT/tests/abi/libc2detect.abi" "$OUT/current.abi"
rc=$?
set -e
# abidiff exit bits: 1 error, 2 usage, 4 ABI change, 8 incompatible change.
# Additions are allowed (4 alone with --no-added-syms silent); removals or changes are not.
if [ $((rc & 11)) -ne 0 ]; then
  echo "ABI check failed (abidiff exit $rc): a released symbol or type changed; see docs/abi.md" >&2
  exit 1
fi
stages_ok=$((stages_ok + 1))

echo
echo "run_all: $stages_ok passed, 0 failed"
