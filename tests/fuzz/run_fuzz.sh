#!/usr/bin/env bash
# Build the libFuzzer harness of the engine and statistics, replay the regression
# inputs and the committed corpus, then fuzz for a bounded time.
#
#   tests/fuzz/run_fuzz.sh [BUILD_DIR] [SECONDS]      defaults: build/fuzz 60
#
# Exit 0: clean.  Exit 77: no clang with libFuzzer (ctest reports the test as skipped).
# Anything else: a crash, a sanitizer report or a failed check; the input is in
# BUILD_DIR/artifacts/ — make it tests/fuzz/regress/<what>-<symptom>.bin with the fix.
#
# Environment: CLANG (default clang), QVPN_ROBUST_REPORT (append the execution count),
# QVPN_FUZZ_JOBS (parallel fuzzing processes, default 1).
set -euo pipefail
top=$(cd "$(dirname "$0")/../.." && pwd)
build=${1:-$top/build/fuzz}
seconds=${2:-60}
clang=${CLANG:-clang}
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

# The core and the statistics exactly as plugin/CMakeLists.txt builds them (core/*.c).
"$clang" -std=c11 -g -O1 -fno-omit-frame-pointer \
    -fsanitize=fuzzer,address,undefined -fno-sanitize-recover=all \
    -Wall -Wextra -Werror \
    -I"$top/plugin/core" -I"$top/plugin" -I"$top/plugin/stats" \
    $(pkg-config --cflags glib-2.0) \
    "$top/tests/fuzz/fuzz_engine.c" "$top"/plugin/core/*.c "$top/plugin/stats/qvpn_stats.c" \
    $(pkg-config --libs glib-2.0) -o "$build/fuzz_engine"

export ASAN_OPTIONS=detect_leaks=1:halt_on_error=1
export UBSAN_OPTIONS=halt_on_error=1:print_stacktrace=1
mkdir -p "$build/artifacts"
opts=(-artifact_prefix="$build/artifacts/" -timeout=10 -rss_limit_mb=2048 -malloc_limit_mb=1024)

# 1. Every regression input, once.
"$build/fuzz_engine" "${opts[@]}" "$top"/tests/fuzz/regress/*.bin > "$build/regress.log" 2>&1 || {
    tail -60 "$build/regress.log"; echo "run_fuzz: a regression input fails again" >&2; exit 1; }
echo "run_fuzz: $(ls "$top"/tests/fuzz/regress/*.bin | wc -l) regression inputs clean"

# 2. Fuzz from a scratch copy of the committed corpus (which stays as it is).
work="$build/corpus"
rm -rf "$work"
mkdir -p "$work"
cp "$top"/tests/fuzz/corpus/* "$work"/
jobs=${QVPN_FUZZ_JOBS:-1}
log="$build/fuzz.log"
status=0
rm -f "$build"/fuzz-*.log
if [ "$jobs" -gt 1 ]; then
    # Each job logs to BUILD_DIR/fuzz-<n>.log; count from those only.
    (cd "$build" && "$build/fuzz_engine" "${opts[@]}" -max_total_time="$seconds" \
        -print_final_stats=1 -jobs="$jobs" -workers="$jobs" "$work" > "$log" 2>&1) || status=$?
    logs=("$build"/fuzz-*.log)
else
    "$build/fuzz_engine" "${opts[@]}" -max_total_time="$seconds" -print_final_stats=1 \
        "$work" > "$log" 2>&1 || status=$?
    logs=("$log")
fi
execs=$(cat "${logs[@]}" | grep -o 'stat::number_of_executed_units: *[0-9]*' | awk '{s += $2} END {print s + 0}')
if [ "$status" -ne 0 ] || cat "$log" "${logs[@]}" | grep -qE 'ERROR: (Address|Leak)Sanitizer|runtime error:|fuzz_engine: check failed'; then
    cat "$log" "${logs[@]}" | grep -E -A40 'ERROR: |runtime error:|check failed' | head -80
    echo "run_fuzz: FAILED after $execs executions; input(s) in $build/artifacts/" >&2
    exit 1
fi
msg="fuzz_engine: $execs executions in ${seconds}s, corpus $(ls "$top"/tests/fuzz/corpus | wc -l) -> $(ls "$work" | wc -l) inputs, no crash"
echo "$msg"
if [ -n "${QVPN_ROBUST_REPORT:-}" ]; then echo "$msg" >> "$QVPN_ROBUST_REPORT"; fi
