#!/usr/bin/env bash
# Configure and build qvpn into ${QVPN_BUILD_DIR:-build} (warnings are errors).
set -euo pipefail
top=$(cd "$(dirname "$0")/.." && pwd)
build=${QVPN_BUILD_DIR:-$top/build}
cmake -S "$top" -B "$build" -DQVPN_WERROR=ON "$@" >/dev/null
cmake --build "$build" -j"$(nproc)" >/dev/null
