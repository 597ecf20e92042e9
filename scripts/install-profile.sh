#!/usr/bin/env bash
# Install the "QuickVPN" Wireshark configuration profile (profiles/QuickVPN).
#
#   scripts/install-profile.sh                 copy it into your Wireshark profiles folder
#   scripts/install-profile.sh --dir DIR       ... into DIR/QuickVPN instead
#   scripts/install-profile.sh --zip OUT.zip   write a zip for Wireshark's
#                                              Configuration Profiles > Import > From Zip File
#
# The profiles folder is the one Wireshark itself uses on Linux and macOS:
# ~/.wireshark/profiles if ~/.wireshark exists (old layout), otherwise
# ${XDG_CONFIG_HOME:-~/.config}/wireshark/profiles.  On Windows, import the zip.
# The shipped files overwrite those of an existing QuickVPN profile, except
# "recent" (column widths, panes), which Wireshark rewrites itself and which is
# only installed when the profile has none.  Other files there are left alone.
#
# SPDX-License-Identifier: GPL-2.0-or-later
set -euo pipefail
top=$(cd "$(dirname "$0")/.." && pwd)
src=$top/profiles/QuickVPN
name=QuickVPN

usage() { sed -n '2,8s/^# \{0,1\}//p' "$0" >&2; exit "${1:-2}"; }

mode=install dest=
while [ $# -gt 0 ]; do
    case $1 in
        --zip) [ $# -ge 2 ] || usage; mode=zip; dest=$2; shift 2 ;;
        --dir) [ $# -ge 2 ] || usage; dest=$2; shift 2 ;;
        -h|--help) usage 0 ;;
        *) echo "install-profile.sh: unknown argument: $1" >&2; usage ;;
    esac
done
[ -d "$src" ] || { echo "install-profile.sh: $src not found" >&2; exit 1; }

if [ "$mode" = zip ]; then
    # Wireshark's own profile export stores <profile>/<file> paths, relative to the
    # profiles folder; its importer expects the same layout.
    out=$(cd "$(dirname "$dest")" && pwd)/$(basename "$dest")
    rm -f "$out"
    ( cd "$src/.." && /usr/bin/env python3 - "$out" "$name" <<'EOF'
import os, sys, zipfile
out, name = sys.argv[1], sys.argv[2]
with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as z:
    for f in sorted(os.listdir(name)):
        p = os.path.join(name, f)
        if os.path.isfile(p):
            z.write(p, f"{name}/{f}")
EOF
    )
    echo "$out"
    exit 0
fi

if [ -z "$dest" ]; then
    if [ -d "$HOME/.wireshark" ]; then
        dest=$HOME/.wireshark/profiles
    else
        dest=${XDG_CONFIG_HOME:-$HOME/.config}/wireshark/profiles
    fi
fi
mkdir -p "$dest/$name"
for f in "$src"/*; do
    [ -f "$f" ] || continue
    # "recent" holds Wireshark's own state (column widths, panes): seed it once only.
    if [ "$(basename "$f")" = recent ] && [ -e "$dest/$name/recent" ]; then
        continue
    fi
    cp "$f" "$dest/$name/"
done
echo "$dest/$name"
