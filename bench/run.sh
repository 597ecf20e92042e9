#!/usr/bin/env bash
# The qvpn benchmark (bench/README.md):
#   bench/run.sh [--size N] [--runs K] [--only-full] [--cases a,b,...] [--json FILE]
#   bench/run.sh --smoke          functional check on a 5-session capture (ctest label bench)
# Uses ${QVPN_BUILD_DIR:-build} (build first: scripts/build.sh) and /usr/bin/python3.
set -euo pipefail
top=$(cd "$(dirname "$0")/.." && pwd)
py=/usr/bin/python3
[ -x "$py" ] || py=python3
exec "$py" "$top/bench/bench.py" "$@"
