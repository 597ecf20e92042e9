#!/usr/bin/env bash
# debian-root.sh — build and run qvpn inside a real Debian 13 (or unstable) system.
#
#   debian-root.sh [suite] <source dir> <cache dir>      suite: trixie (default) | sid
#
# 1. `debootstrap --variant=minbase <suite>` into <cache>/debian-<suite>/root, then
#    installs tshark and the build dependencies in it (about 2.5 minutes and 1 GB
#    the first time; the root is kept, later runs reuse it and take ~2 minutes).
# 2. Copies the source tree in, builds qvpn there with warnings as errors against
#    that suite's Wireshark (4.4 in trixie), and makes the .deb with cpack.
# 3. Checks, with that suite's real tshark, run as nobody:
#      - tshark -G plugins lists qvpn.so with the project version, from plugins/<maj.min>/epan;
#      - every golden case of tests/integration (the reference capture's phases, the
#        scenarios, the public captures) gives the same qvpn fields as on 4.0
#        (tests/compat/golden_compat.py; other dissectors' expert infos aside);
#      - the .deb installs with apt (its Depends resolve in that suite), tshark
#        loads qvpn from the system plugin folder with no WIRESHARK_PLUGIN_DIR, and
#        the package purges cleanly.
#
# Needs root (debootstrap, chroot, a private mount namespace for /proc: nothing is
# mounted in the host's namespace), debootstrap and unshare.  Exit 77 (skipped)
# when those are missing or no Debian repository is reachable.
set -euo pipefail

suite=trixie
case "${1:-}" in trixie|sid|forky|bookworm) suite=$1; shift;; esac
src=$(cd "${1:?source dir}" && pwd); cache=${2:?cache dir}
mirror=${QVPN_DEBIAN_MIRROR:-http://deb.debian.org/debian}
SKIP=77
say()  { printf 'debian-root[%s]: %s\n' "$suite" "$*"; }
skip() { say "SKIPPED: $*"; exit $SKIP; }
fail() { say "FAIL: $*"; exit 1; }

[ "$(id -u)" -eq 0 ] || skip "needs root (debootstrap, chroot)"
for t in debootstrap unshare chroot; do
    command -v "$t" >/dev/null || skip "$t not installed (scripts/deps.sh test installs debootstrap)"
done

base=$cache/debian-$suite
root=$base/root
pkgs="tshark cmake make gcc libc6-dev pkg-config libglib2.0-dev libwireshark-dev python3 file"
stamp=$root/.qvpn-root-ready

# Runs a shell command inside the root, in a private mount namespace (its /proc
# mount disappears with the namespace).
in_root() {
    unshare -m --propagation private sh -c '
        mount -t proc proc "$1/proc" && shift &&
        exec chroot "$0" /usr/bin/env -i PATH=/usr/sbin:/usr/bin:/sbin:/bin HOME=/root \
             LC_ALL=C.UTF-8 DEBIAN_FRONTEND=noninteractive sh -ec "$1"' "$root" "$root" "$1"
}

# --- 1. the Debian root ----------------------------------------------------------------
if [ ! -f "$stamp" ] || [ "$(cat "$stamp")" != "$pkgs" ]; then
    say "debootstrap --variant=minbase $suite $root ($mirror)"
    rm -rf "$base"
    mkdir -p "$base"
    t0=$(date +%s)
    if ! debootstrap --variant=minbase "$suite" "$root" "$mirror" > "$base/debootstrap.log" 2>&1; then
        tail -n 20 "$base/debootstrap.log" | sed 's/^/    /'
        if grep -qi "couldn't download\|Failed getting release file\|unable to resolve\|Could not resolve\|connection refused\|Temporary failure" "$base/debootstrap.log"; then
            rm -rf "$base"
            skip "no Debian repository reachable ($mirror $suite)"
        fi
        fail "debootstrap failed (log: $base/debootstrap.log)"
    fi
    # The host's apt settings that decide whether the mirror is usable at all: proxies,
    # and Check-Valid-Until/Check-Date (false on hosts that use a frozen mirror or a
    # snapshot, whose unstable Release file is past its Valid-Until).
    if command -v apt-config >/dev/null; then
        apt-config dump | grep -E '^Acquire::(Check-Valid-Until|Check-Date|https?::Proxy) ' \
            > "$root/etc/apt/apt.conf.d/99qvpn-from-host" || true
    fi
    say "installing $pkgs"
    if ! in_root "apt-get update -q && apt-get install -y -q -o Dpkg::Use-Pty=0 --no-install-recommends $pkgs && apt-get clean" \
            > "$base/install.log" 2>&1; then
        tail -n 20 "$base/install.log" | sed 's/^/    /'
        fail "apt-get install in the $suite root failed (log: $base/install.log)"
    fi
    echo "$pkgs" > "$stamp"
    say "root ready in $(( $(date +%s) - t0 ))s"
else
    say "reusing $root"
fi
ws=$(in_root "dpkg-query -W -f '\${Version}' tshark")
say "tshark $ws, $(in_root 'gcc --version | head -n1')"

# --- 2. source, build, package ------------------------------------------------------------
rm -rf "$root/src" "$root/build"
mkdir -p "$root/src"
if git -C "$src" rev-parse --git-dir >/dev/null 2>&1; then
    # Tracked and new (not ignored) files: the working tree as it is, without build dirs.
    git -C "$src" ls-files -z -co --exclude-standard | (cd "$src" && tar --null -T - -cf -) |
        tar -xf - -C "$root/src"
else
    tar -C "$src" --exclude='./build*' --exclude=.git -cf - . | tar -xf - -C "$root/src"
fi
chmod -R a+rX "$root/src"
say "building qvpn in the $suite root"
if ! in_root 'cmake -S /src -B /build -DQVPN_WERROR=ON -DQVPN_INTEGRATION_TESTS=OFF >/dev/null &&
              cmake --build /build --target qvpn -j2 && cd /build && cpack -G DEB >/dev/null' \
        > "$base/build.log" 2>&1; then
    grep -E 'error|warning|Error' "$base/build.log" | head -n 40 | sed 's/^/    /'
    fail "build in the $suite root failed (log: $base/build.log)"
fi
so=$(cd "$root/build" && ls plugins/*/epan/qvpn.so)
mm=$(basename "$(dirname "$(dirname "$so")")")
deb=$(cd "$root/build" && ls qvpn_*.deb)
chmod -R a+rX "$root/build"
say "built $so and $deb"
say "  Depends: $(dpkg-deb -f "$root/build/$deb" Depends)"

# --- 3. checks with the suite's tshark ------------------------------------------------------
version=$(sed -n 's/^project(qvpn VERSION \([0-9.]*\).*/\1/p' "$src/CMakeLists.txt")
nobody='setpriv --reuid=65534 --regid=65534 --clear-groups env HOME=/tmp/qvpn-home'
in_root "rm -rf /tmp/qvpn-home && mkdir -p /tmp/qvpn-home && chown 65534:65534 /tmp/qvpn-home"

row=$(in_root "$nobody WIRESHARK_PLUGIN_DIR=/build/plugins tshark -G plugins" | grep '^qvpn\.so' || true)
say "tshark -G plugins: $row"
echo "$row" | grep -q "^qvpn\.so[[:space:]]*$version[[:space:]].*/build/plugins/$mm/epan/qvpn\.so\$" \
    || fail "qvpn.so $version not listed by the $suite tshark from /build/plugins/$mm/epan"

say "golden cases (tests/manifest.toml) with the $suite tshark, one-pass and -2"
if ! in_root "python3 /src/tests/compat/golden_compat.py --repo /src --plugin-dir /build/plugins" \
        > "$base/golden.log" 2>&1; then
    grep -v '^ok ' "$base/golden.log" | head -n 80 | sed 's/^/    /'
    fail "qvpn output on the $suite Wireshark differs from tests/integration/expected (log: $base/golden.log)"
fi
say "$(tail -n1 "$base/golden.log")"

say "apt-get install ./$deb, then tshark with the system plugin folder"
if ! in_root "apt-get install -y -q -o Dpkg::Use-Pty=0 --no-install-recommends /build/$deb >/dev/null &&
              dpkg -L qvpn | grep '/plugins/$mm/epan/qvpn.so\$' &&
              $nobody tshark -G plugins | grep '^qvpn\.so' ;
              rc=\$?; apt-get purge -y -q -o Dpkg::Use-Pty=0 qvpn >/dev/null; exit \$rc" > "$base/install-deb.log" 2>&1; then
    sed 's/^/    /' "$base/install-deb.log"
    fail "the .deb did not install and load in the $suite root"
fi
sed 's/^/    /' "$base/install-deb.log"
in_root "! dpkg -s qvpn >/dev/null 2>&1" || fail "qvpn still installed after purge"
say "PASS: Wireshark $ws ($suite): builds, loads, golden output identical, .deb installs"
