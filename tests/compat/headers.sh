#!/usr/bin/env bash
# headers.sh — build qvpn against the Wireshark development files of one Debian suite.
#
#   headers.sh <suite> <source dir> <cache dir> [compiler]
#     suite: host    the Wireshark the machine has (pkg-config as is)
#            trixie  Debian 13 (Wireshark 4.4), fetched as .deb
#            sid     Debian unstable (Wireshark 4.6 today), fetched as .deb
#
# For trixie/sid, libwireshark-dev, libwiretap-dev and libwsutil-dev (and the
# runtime libraries they pin, so the module really links) are downloaded with
# `apt-get download` through a private apt configuration in <cache>/<suite>/apt
# (own sources.list, state and cache; the machine's apt setup is never touched) and
# unpacked with dpkg-deb -x.  The .debs stay in <cache>/<suite>/debs: later runs need
# no network (QVPN_COMPAT_REFRESH=1 fetches again; QVPN_COMPAT_KEEP=1 keeps the
# unpacked tree and the build after a pass).  Host GLib headers are used.
#
# Then the real build (top-level CMakeLists.txt, pointed at the unpacked
# wireshark.pc through PKG_CONFIG_PATH) compiles every source — core, stats and
# glue — with -Wall -Wextra -Werror plus what GCC 14 makes errors by default
# (incompatible-pointer-types, implicit-function-declaration, int-conversion), links
# the module with --no-undefined, and checks its folder and exports;
# tests/compat/probe_shims.c checks each shim of plugin/qvpn_compat.h.
#
# Exit: 0 pass, 1 fail, 77 skipped (no Debian repository reachable, no apt/dpkg).
set -euo pipefail

suite=${1:?suite}; src=$(cd "${2:?source dir}" && pwd); cache=${3:?cache dir}
cc=${4:-${CC:-cc}}
SKIP=77
say()  { printf 'compat[%s]: %s\n' "$suite" "$*"; }
skip() { say "SKIPPED: $*"; exit $SKIP; }
fail() { say "FAIL: $*"; exit 1; }

mirror=${QVPN_DEBIAN_MIRROR:-http://deb.debian.org/debian}
keyring=/usr/share/keyrings/debian-archive-keyring.gpg
dev_pkgs=(libwireshark-dev libwiretap-dev libwsutil-dev)
gcc14_errors=(-Werror=incompatible-pointer-types -Werror=implicit-function-declaration
              -Werror=int-conversion)

work=$cache/$suite
mkdir -p "$work"

# --- 1. the development files --------------------------------------------------------
fetch() {
    local apt=$work/apt debs=$work/debs
    command -v apt-get >/dev/null && command -v dpkg-deb >/dev/null \
        || skip "needs apt-get and dpkg-deb (Debian/Ubuntu host)"
    [ -r "$keyring" ] || skip "no $keyring to check the Debian archive signatures"
    rm -rf "$apt" "$debs.new"
    mkdir -p "$apt/etc/preferences.d" "$apt/state/lists/partial" \
             "$apt/cache/archives/partial" "$debs.new"
    : > "$apt/state/status"
    echo "deb [signed-by=$keyring] $mirror $suite main" > "$apt/etc/sources.list"
    local sandbox=root
    [ "$(id -u)" -eq 0 ] || sandbox=$(id -un)
    # Only sources, pins, state and cache are private; apt.conf(.d) (proxies) stays.
    local o=(-o "Dir::Etc::sourcelist=$apt/etc/sources.list" -o "Dir::Etc::sourceparts=-"
             -o "Dir::Etc::preferences=$apt/etc/preferences"
             -o "Dir::Etc::preferencesparts=$apt/etc/preferences.d"
             -o "Dir::State=$apt/state" -o "Dir::State::status=$apt/state/status"
             -o "Dir::Cache=$apt/cache" -o "APT::Sandbox::User=$sandbox"
             -o "Acquire::Languages=none" -o "Acquire::Retries=2"
             -o "Acquire::http::Timeout=30")
    say "fetching ${dev_pkgs[*]} from $mirror $suite (private apt config in $apt)"
    local log=$work/apt-update.log
    if ! apt-get "${o[@]}" update > "$log" 2>&1 || grep -q '^E: \|^Err:\|^W: Failed to fetch' "$log"; then
        sed 's/^/    /' "$log"
        if grep -qi 'NO_PUBKEY\|not signed\|signature' "$log"; then
            skip "the $suite Release file could not be verified with $keyring (update debian-archive-keyring)"
        fi
        skip "no Debian repository reachable ($mirror $suite): cannot fetch the Wireshark headers"
    fi
    (cd "$debs.new" && apt-get "${o[@]}" download "${dev_pkgs[@]}") > "$work/apt-download.log" 2>&1 \
        || { sed 's/^/    /' "$work/apt-download.log"; fail "apt-get download ${dev_pkgs[*]} failed"; }
    # The runtime libraries the -dev packages pin with (= version): libwireshark18, ...
    local rt=()
    for d in "$debs.new"/*.deb; do
        while read -r p; do [ -n "$p" ] && rt+=("$p"); done < <(dpkg-deb -f "$d" Depends | tr ',' '\n' |
            sed -n 's/^ *\([a-z0-9.+-]*\) *(= *\([^)]*\)).*/\1=\2/p')
    done
    [ ${#rt[@]} -gt 0 ] || fail "the -dev packages name no runtime library"
    (cd "$debs.new" && apt-get "${o[@]}" download "${rt[@]}") >> "$work/apt-download.log" 2>&1 \
        || { sed 's/^/    /' "$work/apt-download.log"; fail "apt-get download ${rt[*]} failed"; }
    rm -rf "$debs"
    mv "$debs.new" "$debs"
    touch "$debs/.complete"
    rm -rf "$apt"           # package lists (~100 MB): only the .debs are kept
}

root=
pc_path=
if [ "$suite" = host ]; then
    command -v pkg-config >/dev/null || fail "pkg-config not found"
    pkg-config --exists wireshark || fail "no wireshark.pc on this machine"
    incdir=$(pkg-config --variable=includedir wireshark)/wireshark
else
    if [ ! -f "$work/debs/.complete" ] || [ "${QVPN_COMPAT_REFRESH:-0}" = 1 ]; then
        fetch
    else
        say "using cached .debs in $work/debs (QVPN_COMPAT_REFRESH=1 to fetch again)"
    fi
    root=$work/root
    rm -rf "$root"
    mkdir -p "$root"
    for d in "$work/debs"/*.deb; do
        dpkg-deb -x "$d" "$root"
        say "  $(basename "$d")"
    done
    pc=$(find "$root" -name wireshark.pc -path '*/pkgconfig/*' | head -n1)
    [ -n "$pc" ] || fail "no wireshark.pc in the unpacked packages"
    # A copy of wireshark.pc whose absolute paths point into the unpacked tree.
    pc_path=$work/pkgconfig
    mkdir -p "$pc_path"
    sed -E "s#^(prefix|exec_prefix|libdir|includedir|sharedlibdir|plugindir)=/#\\1=$root/#" \
        "$pc" > "$pc_path/wireshark.pc"
    incdir=$root/usr/include/wireshark
fi

ver_h=$incdir/ws_version.h
[ -f "$ver_h" ] || fail "no $ver_h"
ws_major=$(sed -n 's/^#define WIRESHARK_VERSION_MAJOR \([0-9]*\).*/\1/p' "$ver_h")
ws_minor=$(sed -n 's/^#define WIRESHARK_VERSION_MINOR \([0-9]*\).*/\1/p' "$ver_h")
ws_micro=$(sed -n 's/^#define WIRESHARK_VERSION_MICRO \([0-9]*\).*/\1/p' "$ver_h")
mm=$ws_major.$ws_minor
say "Wireshark headers $ws_major.$ws_minor.$ws_micro ($ver_h)"
pkgver=
if [ "$suite" != host ]; then
    pkgver=$(dpkg-deb -f "$(ls "$work/debs"/libwireshark-dev_*.deb | head -n1)" Version)
elif command -v dpkg-query >/dev/null; then
    pkgver=$(dpkg-query -W -f '${Version}' libwireshark-dev 2>/dev/null || true)
fi

export PKG_CONFIG_PATH=${pc_path:+$pc_path:}${PKG_CONFIG_PATH:-}

# --- 2. the real build, warnings as errors ------------------------------------------
build=$work/build
rm -rf "$build"
say "cmake build (every source: core, stats, glue) with -Wall -Wextra -Werror ${gcc14_errors[*]}"
if ! cmake -S "$src" -B "$build" -DCMAKE_C_COMPILER="$cc" -DQVPN_WERROR=ON \
        -DQVPN_INTEGRATION_TESTS=OFF -DCMAKE_BUILD_TYPE=RelWithDebInfo \
        -DCMAKE_C_FLAGS="${gcc14_errors[*]}" > "$work/configure.log" 2>&1; then
    sed 's/^/    /' "$work/configure.log"
    fail "cmake configure failed"
fi
grep -q "Wireshark $ws_major.$ws_minor.$ws_micro" "$work/configure.log" \
    || { sed 's/^/    /' "$work/configure.log"; fail "cmake did not pick Wireshark $ws_major.$ws_minor.$ws_micro"; }
if ! cmake --build "$build" --target qvpn -j"$(nproc 2>/dev/null || echo 2)" > "$work/build.log" 2>&1; then
    grep -E 'error|warning|Error' "$work/build.log" | sed 's/^/    /' | head -n 60
    fail "build against Wireshark $mm failed"
fi
if grep -qi 'warning' "$work/build.log"; then
    grep -i 'warning' "$work/build.log" | sed 's/^/    /'
    fail "the build printed warnings"
fi
nsrc=$(grep -c 'Building C object' "$work/build.log" || true)
nall=$(find "$src/plugin" -name '*.c' | wc -l)
say "built $nsrc sources ($nall .c files under plugin/)"
[ "$nsrc" -ge "$nall" ] || say "note: $((nall - nsrc)) .c file(s) under plugin/ are not part of the module"

so=$build/plugins/$mm/epan/qvpn.so
[ -f "$so" ] || fail "no $so (module not laid out in plugins/$mm/epan)"
exports=$(nm -D --defined-only "$so" | awk '{print $NF}' |
          grep -v -x -E '_init|_fini|__bss_start|_edata|_end' | sort | tr '\n' ' ')
want="plugin_register plugin_version plugin_want_major plugin_want_minor "
if [ "$ws_major$ws_minor" -ge 44 ]; then
    want="plugin_describe $want"
fi
[ "$exports" = "$want" ] || fail "exports: got '$exports', want '$want'"
say "qvpn.so exports: $exports"

# --- 3. every shim against these headers ----------------------------------------------
say "probe_shims.c (each qvpn_compat.h shim vs the real headers)"
# shellcheck disable=SC2046
if ! "$cc" -std=c11 -c -o "$work/probe_shims.o" -Wall -Wextra -Werror "${gcc14_errors[@]}" \
        -I"$src/plugin" $(pkg-config --cflags wireshark glib-2.0) \
        "$src/tests/compat/probe_shims.c" > "$work/probe.log" 2>&1; then
    sed 's/^/    /' "$work/probe.log"
    fail "a qvpn_compat.h shim disagrees with the Wireshark $mm headers"
fi
# The unpacked tree and the build are remade on every run; only the .debs are kept.
[ "${QVPN_COMPAT_KEEP:-0}" = 1 ] || rm -rf "$build" ${root:+"$root"}
say "PASS: Wireshark $ws_major.$ws_minor.$ws_micro${pkgver:+ (libwireshark-dev $pkgver)}, $("$cc" --version | head -n1)"
