#!/usr/bin/env bash
# The whole test suite: install what is missing, build with warnings as errors, then
# ctest runs the engine's unit tests, the structural checks, the capture tests and
# the tshark integration tests (one-pass and -2) — as an unprivileged user when root.
set -euo pipefail
top=$(cd "$(dirname "$0")" && pwd)
"$top/scripts/deps.sh" test
build=${QVPN_BUILD_DIR:-$top/build}
QVPN_BUILD_DIR=$build "$top/scripts/build.sh"
cd "$build"
rm -f truth-score.txt
status=0
ctest --output-on-failure -j"$(nproc)" "$@" || status=$?
# the truth score (tests/truth): how many connection attempts qvpn gets right, and
# every attempt known to be wrong today with its reason
if [ -f truth-score.txt ]; then
    echo
    cat truth-score.txt
fi
exit $status
