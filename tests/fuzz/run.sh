#!/bin/sh
# Run every libFuzzer harness (or those named) for N seconds each in a clang
# ASan+UBSan fuzz build, with its dictionary (tests/fuzz/dict/NAME.dict) and an
# input size limit that lets inputs grow past 4 KiB, then merge the inputs that
# add coverage into tests/fuzz/corpus/NAME/ (libFuzzer -merge=1 keeps only
# those; inputs over 64 KiB for models and 128 KiB for captures are fuzzed but
# not committed). Prints one line per harness:
#   NAME execs=N cov=N ft=N corpus=FILES/BYTES new=N result=ok|CRASH
# and exits non-zero if any harness found something (artifacts are kept under
# the work directory and named in the output).
#
#   tests/fuzz/run.sh [-t SECONDS] [-j JOBS] [-b BUILD_DIR] [-a] [-n] [NAME...]
#     -t  seconds per harness (default 60)
#     -j  harnesses at a time (default 2; the machine is shared)
#     -b  fuzz build directory (default build-fuzz; configured and built if missing)
#     -a  also run in allocation-failure mode (C2D_FUZZ_FAIL_ALLOC=1), same time again
#     -n  do not merge into the committed corpora (CI smoke runs)
set -eu
here=$(cd "$(dirname "$0")" && pwd)
src=$(cd "$here/../.." && pwd)
secs=60
jobs=2
build="$src/build-fuzz"
failalloc=0
merge=1
while getopts t:j:b:an opt; do
    case $opt in
    t) secs=$OPTARG ;;
    j) jobs=$OPTARG ;;
    b) build=$OPTARG ;;
    a) failalloc=1 ;;
    n) merge=0 ;;
    *) sed -n '2,20p' "$0"; exit 2 ;;
    esac
done
shift $((OPTIND - 1))

if [ ! -f "$build/CMakeCache.txt" ]; then
    CC=${CC:-clang} CXX=${CXX:-clang++} cmake -S "$src" -B "$build" -DCMAKE_BUILD_TYPE=RelWithDebInfo \
        -DC2D_BUILD_FUZZ=ON -DC2D_SANITIZE=address,undefined -DC2D_WERROR=ON >/dev/null
else
    cmake "$build" >/dev/null # re-glob: a harness added since the last configure gets its target
fi
names=${*:-$(cd "$here" && ls fuzz_*.c | sed 's/^fuzz_//; s/\.c$//')}
targets=$(for n in $names; do printf 'fuzz_%s ' "$n"; done)
# shellcheck disable=SC2086
cmake --build "$build" -j "$jobs" --target $targets >/dev/null

# Largest input per harness: past the biggest real file of the kind.
max_len() {
    case $1 in
    model|cnn) echo 2097152 ;;          # the shipped ioc-family model is 1.5 MB
    capture_file|pcap|pcapng) echo 1048576 ;;
    mmdb) echo 262144 ;;
    feed_csv|feed_json|feed_list|asncsv) echo 65536 ;;
    http) echo 16384 ;;
    dns) echo 4096 ;;                   # a DNS message over TCP is at most 64 KiB; UDP ones far less
    dga) echo 1024 ;;                   # names are at most 253 bytes; room for garbage
    *) echo 65536 ;;
    esac
}
# Largest input merged into the committed corpus: models as big as the shipped
# ones are fuzzed (seeded from lib/models every run) but not committed.
merge_len() {
    case $1 in
    model|cnn) echo 65536 ;;
    capture_file|pcap|pcapng) echo 131072 ;;
    *) max_len "$1" ;;
    esac
}
# libFuzzer grows inputs slowly by default (-len_control), so a run of a minute
# never leaves 4 KiB; where real inputs are large, try every length at once
# (feed_csv, 20 s: inputs up to 64 KiB, 9 % more features, half the exec/s).
len_control() {
    case $1 in
    dga|dns) echo 100 ;;
    *) echo 0 ;;
    esac
}
# Read-only seed directories besides the corpus.
seeds() {
    case $1 in
    model|cnn) echo "$src/lib/models" ;;
    capture_file) echo "$here/corpus/pcap $here/corpus/pcapng" ;;
    esac
}

work=$(mktemp -d "${TMPDIR:-/tmp}/c2d-fuzz.XXXXXX")
echo "work directory: $work (seconds per harness: $secs, jobs: $jobs)"

run_one() { # name mode
    name=$1 mode=$2
    corpus="$here/corpus/$name"
    mkdir -p "$corpus" "$work/$name.$mode.new" "$work/$name.$mode.artifacts"
    dict=""
    [ -f "$here/dict/$name.dict" ] && dict="-dict=$here/dict/$name.dict"
    before=$(ls "$corpus" | wc -l)
    env=""
    [ "$mode" = failalloc ] && env="C2D_FUZZ_FAIL_ALLOC=1"
    # shellcheck disable=SC2046,SC2086
    set +e
    env $env ASAN_OPTIONS=detect_leaks=1:abort_on_error=1 UBSAN_OPTIONS=halt_on_error=1:print_stacktrace=1 \
        "$build/tests/fuzz_$name" -max_total_time="$secs" -max_len=$(max_len "$name") \
        -len_control=$(len_control "$name") $dict \
        -rss_limit_mb=2560 -timeout=20 -print_final_stats=1 \
        -artifact_prefix="$work/$name.$mode.artifacts/" \
        "$work/$name.$mode.new" "$corpus" $(seeds "$name") >"$work/$name.$mode.log" 2>&1
    rc=$?
    set -e
    if [ "$merge" = 1 ] && [ $rc -eq 0 ]; then
        "$build/tests/fuzz_$name" -merge=1 -max_len=$(merge_len "$name") "$corpus" "$work/$name.$mode.new" \
            >"$work/$name.$mode.merge.log" 2>&1 || true
    fi
    after=$(ls "$corpus" | wc -l)
    bytes=$(du -sb "$corpus" | cut -f1)
    execs=$(sed -n 's/^stat::number_of_executed_units: *//p' "$work/$name.$mode.log" | tail -1)
    last=$(grep -E '^#[0-9]+' "$work/$name.$mode.log" | tail -1)
    cov=$(echo "$last" | sed -n 's/.* cov: \([0-9]*\).*/\1/p')
    ft=$(echo "$last" | sed -n 's/.* ft: \([0-9]*\).*/\1/p')
    result=ok
    if [ $rc -ne 0 ]; then
        result="CRASH(rc=$rc; $(ls "$work/$name.$mode.artifacts" | head -3 | tr '\n' ' ')log $work/$name.$mode.log)"
    fi
    echo "$name${mode:+ [$mode]} execs=${execs:-?} cov=${cov:-?} ft=${ft:-?} corpus=$after/$bytes new=$((after - before)) result=$result"
    [ $rc -eq 0 ]
}

status=0
running=0
pids=""
for mode in default $( [ "$failalloc" = 1 ] && echo failalloc ); do
    for n in $names; do
        # both modes merge into the same corpus: run them in turn, not at once
        run_one "$n" "$mode" >"$work/$n.$mode.result" 2>&1 &
        pids="$pids $!"
        running=$((running + 1))
        if [ "$running" -ge "$jobs" ]; then
            for p in $pids; do wait "$p" || status=1; done
            pids=""
            running=0
        fi
    done
    for p in $pids; do wait "$p" || status=1; done
    pids=""
    running=0
done
for mode in default failalloc; do
    for n in $names; do
        [ -f "$work/$n.$mode.result" ] && cat "$work/$n.$mode.result"
    done
done
exit $status
