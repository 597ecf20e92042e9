#!/usr/bin/env bash
# Install what qvpn needs to build, run and test, when it is missing (Debian 12).
# Usage: scripts/deps.sh [run|test]      ("test" adds the test-suite packages)
set -euo pipefail
want=(cmake make gcc pkg-config libglib2.0-dev libwireshark-dev wireshark-dev tshark util-linux)
if [ "${1:-run}" = test ]; then
    want+=(python3 python3-pytest python3-scapy wireshark-qt xvfb xdotool xclip imagemagick)
    want+=(python3-cryptography)   # captures/gen: the keyed scenarios (v1-*, IKEv2/ESP) really encrypt
    want+=(debootstrap)   # tests/compat: the Debian 13 root (compat-trixie)
    want+=(valgrind clang libclang-rt-14-dev)   # tests/robust (memcheck), tests/fuzz (libFuzzer)
fi
missing=()
for p in "${want[@]}"; do
    dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
[ ${#missing[@]} -eq 0 ] && exit 0
echo "qvpn: installing ${missing[*]}" >&2
SUDO=
if [ "$(id -u)" -ne 0 ]; then
    command -v sudo >/dev/null || { echo "qvpn: need root (or sudo) to install: ${missing[*]}" >&2; exit 1; }
    SUDO=sudo
fi
export DEBIAN_FRONTEND=noninteractive
$SUDO apt-get update -q >/dev/null
$SUDO apt-get install -y -q --no-install-recommends "${missing[@]}" >/dev/null
