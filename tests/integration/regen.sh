#!/usr/bin/env bash
# Regenerate tests/integration/expected/*.tsv from real tshark output.
#
#   tests/integration/regen.sh [pytest -k expression]
#
# Builds nothing: point QVPN_BUILD_DIR at a fresh build (default: build).  Review the
# diff (git diff tests/integration/expected) before committing; never edit the
# expected files by hand.  The -2 run is still compared with the one-pass output.
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
args=()
[ $# -gt 0 ] && args=(-k "$1")
QVPN_REGEN=1 exec /usr/bin/python3 -m pytest -q "$here/test_golden.py" "$here/test_stats.py" "${args[@]}"
