#!/usr/bin/env bash
# Build the libFuzzer harnesses — fuzz_engine (engine and statistics) and fuzz_wire
# (header readers and ISAKMP payload walk) — replay each one's regression inputs and
# committed corpus, then fuzz each for a bounded time.
#
#   tests/fuzz/run_fuzz.sh [BUILD_DIR] [SECONDS]      defaults: build/fuzz 60 (per harness)
#
# Exit 0: clean.  Exit 77: no clang with libFuzzer (ctest reports the test as skipped).
# Anything else: a crash, a sanitizer report or a failed check; the input is in
# BUILD_DIR/artifacts/ — make it tests/fuzz/regress/<what>-<symptom>.bin (fuzz_engine)
# or tests/fuzz/regress-wire/<what>-<symptom>.bin (fuzz_wire) with the fix.
#
# Environment: CLANG (default clang), QVPN_ROBUST_REPORT (append the execution counts),
# QVPN_FUZZ_JOBS (parallel fuzzing processes per harness, default 1),
# QVPN_FUZZ_TARGETS (default "fuzz_engine fuzz_wire").
set -euo pipefail
top=$(cd "$(dirname "$0")/../.." && pwd)
build=${1:-$top/build/fuzz}
seconds=${2:-60}
clang=${CLANG:-clang}
targets=${QVPN_FUZZ_TARGETS:-fuzz_engine fuzz_wire}
mkdir -p "$build"
build=$(cd "$build" && pwd)

if ! command -v "$clang" >/dev/null; then
    echo "run_fuzz: $clang not found: skipped (ctest unit_fuzz_replay still replays the corpus)" >&2; exit 77
fi
echo 'int LLVMFuzzerTestOneInput(const unsigned char *d, unsigned long n) { (void)d; (void)n; return 0; }' \
    > "$build/probe.c"
if ! "$clang" -fsanitize=fuzzer "$build/probe.c" -o "$build/probe" 2>/dev/null; then
    echo "run_fuzz: $clang cannot link -fsanitize=fuzzer (libclang-rt-*-dev missing): skipped (ctest unit_fuzz_replay still replays the corpus)" >&2
    exit 77
fi

# The core (and, for the engine, the statistics) exactly as plugin/CMakeLists.txt
# builds them (core/*.c).
build_harness() {
    local name=$1; shift
    "$clang" -std=c11 -g -O1 -fno-omit-frame-pointer \
        -fsanitize=fuzzer,address,undefined -fno-sanitize-recover=all \
        -Wall -Wextra -Werror \
        -I"$top/plugin/core" -I"$top/plugin" -I"$top/plugin/stats" \
        $(pkg-config --cflags glib-2.0) \
        "$@" "$top"/plugin/core/*.c \
        $(pkg-config --libs glib-2.0) -o "$build/$name"
}

export ASAN_OPTIONS=detect_leaks=1:halt_on_error=1
export UBSAN_OPTIONS=halt_on_error=1:print_stacktrace=1
mkdir -p "$build/artifacts"
opts=(-artifact_prefix="$build/artifacts/" -timeout=10 -rss_limit_mb=2048 -malloc_limit_mb=1024)

# fuzz NAME CORPUS REGRESS: replay, then fuzz from a scratch copy of the corpus.
fuzz() {
    local name=$1 corpus=$2 regress=$3 bin="$build/$1"
    local inputs=("$regress"/*.bin)

    # 1. Every regression input, once.
    if [ -e "${inputs[0]}" ]; then
        "$bin" "${opts[@]}" "${inputs[@]}" > "$build/regress-$name.log" 2>&1 || {
            tail -60 "$build/regress-$name.log"
            echo "run_fuzz: a regression input of $name fails again" >&2; exit 1; }
        echo "run_fuzz: ${#inputs[@]} regression inputs of $name clean"
    fi

    # 2. Fuzz from a scratch copy of the committed corpus (which stays as it is).
    local work="$build/corpus-$name" dir="$build/jobs-$name" log="$build/fuzz-$name.log"
    local jobs=${QVPN_FUZZ_JOBS:-1} status=0 logs
    rm -rf "$work" "$dir"
    mkdir -p "$work" "$dir"
    cp "$corpus"/* "$work"/
    if [ "$jobs" -gt 1 ]; then
        # Each job logs to <dir>/fuzz-<n>.log; count from those only.
        (cd "$dir" && "$bin" "${opts[@]}" -max_total_time="$seconds" \
            -print_final_stats=1 -jobs="$jobs" -workers="$jobs" "$work" > "$log" 2>&1) || status=$?
        logs=("$dir"/fuzz-*.log)
    else
        "$bin" "${opts[@]}" -max_total_time="$seconds" -print_final_stats=1 \
            "$work" > "$log" 2>&1 || status=$?
        logs=("$log")
    fi
    local execs
    execs=$(cat "${logs[@]}" | grep -o 'stat::number_of_executed_units: *[0-9]*' | awk '{s += $2} END {print s + 0}')
    if [ "$status" -ne 0 ] || cat "$log" "${logs[@]}" | grep -qE 'ERROR: (Address|Leak)Sanitizer|runtime error:|fuzz_[a-z]+: check failed'; then
        cat "$log" "${logs[@]}" | grep -E -A40 'ERROR: |runtime error:|check failed' | head -80
        echo "run_fuzz: $name FAILED after $execs executions; input(s) in $build/artifacts/" >&2
        exit 1
    fi
    local msg="$name: $execs executions in ${seconds}s, corpus $(ls "$corpus" | wc -l) -> $(ls "$work" | wc -l) inputs, no crash"
    echo "$msg"
    if [ -n "${QVPN_ROBUST_REPORT:-}" ]; then echo "$msg" >> "$QVPN_ROBUST_REPORT"; fi
}

for t in $targets; do
    case $t in
    fuzz_engine)
        build_harness fuzz_engine "$top/tests/fuzz/fuzz_engine.c" "$top/plugin/stats/qvpn_stats.c"
        fuzz fuzz_engine "$top/tests/fuzz/corpus" "$top/tests/fuzz/regress" ;;
    fuzz_wire)
        build_harness fuzz_wire "$top/tests/fuzz/fuzz_wire.c"
        fuzz fuzz_wire "$top/tests/fuzz/corpus-wire" "$top/tests/fuzz/regress-wire" ;;
    *)
        echo "run_fuzz: unknown harness $t" >&2; exit 2 ;;
    esac
done
