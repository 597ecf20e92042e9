#!/usr/bin/env bash
# Regenerate expected files from real tshark output.
#
#   tests/integration/regen.sh [CASE...]
#
# CASE: a case name of tests/manifest.toml (its capture's file name without the
# extension, e.g. psk-mismatch); default: every case.  Rewrites expected/<CASE>.tsv
# (test_golden.py) and, for stats_golden cases, expected/stats/<CASE>.txt
# (test_stats.py).  Builds nothing: point QVPN_BUILD_DIR at a fresh build (default:
# build).  Review the diff (git diff tests/integration/expected) before committing;
# never edit the expected files by hand.  The -2 run is still compared with the
# one-pass output.
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
py=/usr/bin/python3
if [ $# -eq 0 ]; then
    tests=("$here/test_golden.py::test_golden" "$here/test_stats.py::test_tables_golden")
else
    # name <TAB> capture <TAB> stats|-  per case; exits 2 on a name the manifest lacks.
    listing=$("$py" "$here/../manifest.py" "$@")
    tests=()
    while IFS=$'\t' read -r name _ stats; do
        tests+=("$here/test_golden.py::test_golden[$name]")
        if [ "$stats" = stats ]; then
            tests+=("$here/test_stats.py::test_tables_golden[$name]")
        fi
    done <<< "$listing"
fi
QVPN_REGEN=1 exec "$py" -m pytest -q "${tests[@]}"
