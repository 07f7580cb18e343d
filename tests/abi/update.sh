#!/usr/bin/env bash
# Regenerate the committed ABI files from a build with debug info, after adding API
# on purpose (docs/abi.md):  tests/abi/update.sh [BUILD_DIR]
set -euo pipefail
cd "$(dirname "$0")/../.."
B=${1:-build}
LIB="$B/lib/libc2detect.so"
{ echo "# Exported symbols of libc2detect.so (sorted). Regenerate with tests/abi/update.sh"
  nm -D --defined-only "$LIB" | awk '{print $3}' | sed 's/@.*//' | grep -v '^C2DETECT_0$' | LC_ALL=C sort -u
} > tests/abi/exports.txt
abidw --no-corpus-path --drop-private-types --headers-dir include --out-file tests/abi/libc2detect.abi "$LIB"
echo "updated tests/abi/exports.txt ($(grep -vc '^#' tests/abi/exports.txt) symbols) and tests/abi/libc2detect.abi"
