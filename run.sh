#!/usr/bin/env bash
# The main job: build qvpn if needed, analyse a capture (default: the bundled
# QuickVPN reference capture) and print what happened — the sessions with their
# verdicts, the handshake round-trip times, and qvpn's expert infos.
#
#   ./run.sh [capture.pcap[ng]] [extra tshark options, e.g. -o qvpn.gateways:10.0.0.1]
set -euo pipefail
top=$(cd "$(dirname "$0")" && pwd)
cap=${1:-$top/captures/quickvpn-reference.pcapng}
[ $# -gt 0 ] && shift
"$top/scripts/deps.sh" run
build=${QVPN_BUILD_DIR:-$top/build}
if ! ls "$build"/plugins/*/epan/qvpn.so >/dev/null 2>&1 || [ -n "$(find "$top/plugin" "$top/CMakeLists.txt" -newer "$(ls "$build"/plugins/*/epan/qvpn.so | head -n1)" -print -quit)" ]; then
    echo "qvpn: building into $build" >&2
    QVPN_BUILD_DIR=$build "$top/scripts/build.sh"
fi
echo "qvpn: analysing $cap" >&2
QVPN_BUILD_DIR=$build "$top/scripts/tshark-qvpn" -q -r "$cap" "$@" \
    -z "expert,chat,qvpn" -z qvpn,rtt -z qvpn,sessions
