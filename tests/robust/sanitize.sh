#!/usr/bin/env bash
# Build qvpn (core, stats, module, unit tests) with AddressSanitizer and
# UndefinedBehaviorSanitizer into a separate build tree, then run the unit tests
# built that way with leak detection on.
#
#   tests/robust/sanitize.sh [BUILD_DIR]        default: build/asan
#
# The module loads into an uninstrumented tshark: preload the runtimes
# (LD_PRELOAD=$(gcc -print-file-name=libasan.so):$(gcc -print-file-name=libubsan.so)),
# as tests/robust/conftest.py does.
set -euo pipefail
top=$(cd "$(dirname "$0")/../.." && pwd)
build=${1:-$top/build/asan}
flags="-fsanitize=address,undefined -fno-sanitize-recover=undefined -fno-omit-frame-pointer"
mkdir -p "$build"
# Only the unit tests are run in this tree: every other test suite is left out.
cmake -S "$top" -B "$build" -DCMAKE_BUILD_TYPE=Debug -DQVPN_WERROR=ON \
      -DQVPN_INTEGRATION_TESTS=OFF -DQVPN_ROBUST_TESTS=OFF -DQVPN_FUZZ_TESTS=OFF \
      -DQVPN_COMPAT_TESTS=OFF -DQVPN_COMPAT_DEBIAN_ROOT=OFF \
      "-DCMAKE_C_FLAGS=$flags" >"$build/configure.log" 2>&1 || { cat "$build/configure.log"; exit 1; }
cmake --build "$build" -j"$(nproc)" >"$build/build.log" 2>&1 || { tail -50 "$build/build.log"; exit 1; }
# Leak detection stays on here: the engine and the statistics must not leak.
cd "$build"
ASAN_OPTIONS=detect_leaks=1:halt_on_error=1 \
UBSAN_OPTIONS=halt_on_error=1:print_stacktrace=1 \
    ctest -L unit --output-on-failure >/dev/null || {
    ASAN_OPTIONS=detect_leaks=1 ctest -L unit --output-on-failure | tail -40; exit 1; }
echo "sanitized build in $build: unit tests clean under ASan+UBSan (leaks checked)"
