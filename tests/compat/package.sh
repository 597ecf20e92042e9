#!/usr/bin/env bash
# package.sh — the .deb made by cpack (cmake/Packaging.cmake), checked without installing it.
#
#   package.sh <build dir> <deb file name> <plugin path in the .deb> <project version> [tshark]
#
# 1. cpack -G DEB from the build's CPackConfig.cmake, into <build>/package-test;
# 2. dpkg-deb -c holds exactly the plugin path (pkg-config plugindir + /epan/qvpn.so)
#    and bin/qvpn-check;
# 3. Package/Version/Architecture fields; Depends names the package that owns the
#    libwireshark the module links against (found again here, independently: the
#    module's NEEDED entry -> the file -> dpkg -S), bounded to its major.minor, and
#    this machine's installed packages satisfy every Depends;
# 4. dpkg -x into a temporary root, then tshark (as nobody when root) with
#    WIRESHARK_PLUGIN_DIR at the extracted plugin folder lists qvpn.so with the
#    project version.  Nothing is installed on the machine.
set -euo pipefail

build=$(cd "${1:?build dir}" && pwd); debname=${2:?deb name}; plugpath=${3:?plugin path}
version=${4:?version}; tshark=${5:-$(command -v tshark || true)}
say()  { printf 'package: %s\n' "$*"; }
fail() { say "FAIL: $*"; exit 1; }
command -v dpkg-deb >/dev/null || { say "SKIPPED: dpkg-deb not installed"; exit 77; }

out=$build/package-test
rm -rf "$out"
mkdir -p "$out"
cpack --config "$build/CPackConfig.cmake" -G DEB -B "$out" > "$out/cpack.log" 2>&1 \
    || { sed 's/^/    /' "$out/cpack.log"; fail "cpack failed"; }
deb=$out/$debname
[ -f "$deb" ] || { ls "$out" | sed 's/^/    /'; fail "cpack did not make $debname"; }
say "made $debname ($(stat -c %s "$deb") bytes)"

# --- contents ---------------------------------------------------------------------------
files=$(dpkg-deb -c "$deb" | awk '$1 !~ /^d/ {print $NF}')
say "contents: $files"
echo "$files" | grep -qx "\\.$plugpath" || fail "the .deb does not hold $plugpath"
[ "$(echo "$files" | grep -c '\.so$')" -eq 1 ] || fail "the .deb holds more than one module"
echo "$files" | grep -q '/bin/qvpn-check$' || fail "the .deb does not hold bin/qvpn-check"

# --- control fields --------------------------------------------------------------------
field() { dpkg-deb -f "$deb" "$1"; }
[ "$(field Package)" = qvpn ] || fail "Package: $(field Package)"
[ "$(field Version)" = "$version" ] || fail "Version: $(field Version), project version $version"
arch=$(dpkg --print-architecture 2>/dev/null || true)
[ -z "$arch" ] || [ "$(field Architecture)" = "$arch" ] || fail "Architecture: $(field Architecture)"
depends=$(field Depends)
say "Version: $(field Version)   Depends: $depends"

so=$(ls "$build"/plugins/*/epan/qvpn.so | head -n1)
mm=$(basename "$(dirname "$(dirname "$so")")")
[[ "$plugpath" == */plugins/$mm/epan/qvpn.so ]] || fail "$plugpath is not a plugins/$mm/epan folder"
need=$(readelf -d "$so" | sed -n 's/.*(NEEDED).*\[\(libwireshark\.so\.[0-9]*\)\]/\1/p')
[ -n "$need" ] || fail "qvpn.so does not link libwireshark"
libdir=$(pkg-config --variable=libdir wireshark 2>/dev/null || true)
owner=
if [ -n "$libdir" ] && [ -e "$libdir/$need" ] && command -v dpkg >/dev/null; then
    owner=$(dpkg -S "$(readlink -f "$libdir/$need")" 2>/dev/null | sed -n '1s/^\([^:,]*\).*/\1/p' || true)
fi
if [ -n "$owner" ]; then
    maj=${mm%%.*}; min=${mm#*.}
    lo="$owner (>= $mm.0)"; hi="$owner (<< $maj.$((min + 1))~)"
    case ", $depends," in *", $lo,"*) ;; *) fail "Depends lacks '$lo' ($need is in $owner)";; esac
    case ", $depends," in *", $hi,"*) ;; *) fail "Depends lacks '$hi'";; esac
    say "$need is in $owner: Depends bounds it to $mm"
else
    say "note: no dpkg owner for $libdir/$need; package name not cross-checked"
fi
# This machine satisfies the package's own Depends (same Wireshark as the build).
if command -v dpkg-query >/dev/null && [ -n "$owner" ]; then
    IFS=',' read -r -a deps <<< "$depends"
    for d in "${deps[@]}"; do
        d=$(echo "$d" | sed 's/^ *//;s/ *$//')
        p=${d%% *}
        inst=$(dpkg-query -W -f '${Version}' "$p" 2>/dev/null || true)
        [ -n "$inst" ] || fail "Depends '$d': $p is not installed here"
        if [[ "$d" =~ \((\>\=|\<\<)\ ([^\)]*)\) ]]; then
            op=${BASH_REMATCH[1]}; v=${BASH_REMATCH[2]}
            [ "$op" = '>=' ] && op=ge || op=lt
            dpkg --compare-versions "$inst" "$op" "$v" || fail "Depends '$d': installed $p is $inst"
        fi
    done
    say "installed packages satisfy Depends"
fi

# --- unpack and load ------------------------------------------------------------------
# Unpacked under /tmp, not the build folder: tshark runs as nobody when we are root,
# and the build folder may sit below a directory nobody cannot enter (mktemp -d: 0700).
xtmp=$(mktemp -d /tmp/qvpn-pkg.XXXXXX)
trap 'rm -rf "$xtmp"' EXIT
chmod 755 "$xtmp"
xroot=$xtmp/root
dpkg -x "$deb" "$xroot"
[ -f "$xroot$plugpath" ] || fail "dpkg -x did not produce $plugpath"
if [ -z "$tshark" ]; then
    say "note: no tshark: load check skipped"
else
    twm=$("$tshark" -v 2>/dev/null | sed -n '1s/^TShark (Wireshark) \([0-9]*\.[0-9]*\).*/\1/p')
    if [ "$twm" != "$mm" ]; then
        say "note: tshark is $twm, the package is for $mm: load check skipped"
    else
        plugins=$(dirname "$(dirname "$(dirname "$xroot$plugpath")")")
        home=$xtmp/home
        mkdir -p "$home"
        chmod -R a+rX "$xtmp"
        run=("$tshark")
        if [ "$(id -u)" -eq 0 ]; then
            chown 65534:65534 "$home"
            run=(setpriv --reuid=65534 --regid=65534 --clear-groups "$tshark")
        fi
        row=$(env HOME="$home" WIRESHARK_PLUGIN_DIR="$plugins" "${run[@]}" -G plugins 2>/dev/null |
              grep '^qvpn\.so' || true)
        say "tshark -G plugins: $row"
        echo "$row" | grep -q "^qvpn\.so[[:space:]]*$version[[:space:]].*$plugpath\$" \
            || fail "tshark does not list qvpn.so $version from the unpacked package"
    fi
fi
say "PASS: $debname"
