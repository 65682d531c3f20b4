#!/usr/bin/env bash
# wine-tests.sh - runs the Windows build (wudiag.exe from scripts/build-windows)
# under Wine: (1) live collection from Wine's service manager and registry with
# a pending-reboot key added; (2) the example bundle, compared with the Linux build;
# (3) the same bundle zipped, compared likewise; (4) the .zip users download;
# (5) wudiag fix (wine-fix.sh).
#
# usage: wine-tests.sh WUDIAG_EXE LINUX_WUDIAG SOURCE_DIR WORK_DIR
# Prints "N passed, N failed"; exits non-zero when a check fails.
set -uo pipefail
exe=$(realpath "$1") linux=$(realpath "$2") src=$(realpath "$3") work=$4
here=$(cd "$(dirname "$0")" && pwd)
mkdir -p "$work"
work=$(cd "$work" && pwd)
export WINEPREFIX=$work/wineprefix WINEDEBUG=-all WINEARCH=win64
export WINEDLLOVERRIDES="mscoree,mshtml=" # no Mono/Gecko install prompts
unset DISPLAY WAYLAND_DISPLAY
passed=0 failed=0

check() { # check NAME COMMAND...
  local name=$1; shift
  if "$@"; then
    echo "ok   $name"; passed=$((passed + 1))
  else
    echo "FAIL $name"; failed=$((failed + 1))
  fi
}

winpath() { wine winepath -w "$1" 2>/dev/null | tr -d '\r'; }

# The first run of a new prefix takes a while (wineboot creates the registry
# and the services); later runs reuse it.
if [ ! -f "$WINEPREFIX/system.reg" ]; then
  echo "wine-tests: creating the Wine prefix $WINEPREFIX (first run is slow)"
  timeout 600 wineboot --init >/dev/null 2>&1
  timeout 120 wineserver -w
fi
[ -f "$WINEPREFIX/system.reg" ] || { echo "wine-tests: wineboot failed"; echo "0 passed, 1 failed"; exit 1; }

run_exe() { (cd "$work" && timeout 300 wine "$exe" "$@"); }

# ---------------------------------------------------------------- (1) live

reboot_key='HKLM\SOFTWARE\Microsoft\Windows\CurrentVersion\WindowsUpdate\Auto Update\RebootRequired'
wine reg add "$reboot_key" /f >/dev/null 2>&1
rm -f "$WINEPREFIX/drive_c/ProgramData/wudiag/history.db" "$work/live.xml"
run_exe diagnose --format xml -o live.xml >"$work/live.out" 2>&1
live_rc=$?
cat "$work/live.out"
check "live: diagnose ran (exit $live_rc is 0 or 3)" test "$live_rc" -eq 0 -o "$live_rc" -eq 3
check "live: history in %ProgramData%\\wudiag\\history.db" \
  test -s "$WINEPREFIX/drive_c/ProgramData/wudiag/history.db"
check "live: report written" test -s "$work/live.xml"
if [ -s "$work/live.xml" ]; then
  check "live: report facts, services, notes and findings as expected" \
    python3 "$here/check-live.py" "$work/live.xml"
fi
wine reg delete "$reboot_key" /f >/dev/null 2>&1

# ---------------------------------------------------- (2) evidence bundle

bundle=examples/desktop-2kgm189
rm -f "$work/linux.db" "$work/windows.db" "$work/linux.xml" "$work/windows.xml"
(cd "$src" && "$linux" diagnose --evidence "$bundle" --db "$work/linux.db" --format xml \
   -o "$work/linux.xml" >/dev/null 2>&1)
(cd "$src" && timeout 300 wine "$exe" diagnose --evidence "$bundle" \
   --db "$(winpath "$work/windows.db")" --format xml -o "$(winpath "$work/windows.xml")" \
   >"$work/evidence.out" 2>&1)
ev_rc=$?
cat "$work/evidence.out"
check "evidence: diagnose ran (exit $ev_rc is 0 or 3)" test "$ev_rc" -eq 0 -o "$ev_rc" -eq 3
check "evidence: both reports written" test -s "$work/linux.xml" -a -s "$work/windows.xml"
if [ -s "$work/linux.xml" ] && [ -s "$work/windows.xml" ]; then
  check "evidence: same findings, failures and services as the Linux build" \
    python3 "$here/compare-reports.py" "$work/linux.xml" "$work/windows.xml"
fi

# ------------------------------------------ (3) the same bundle as a .zip

rm -f "$work/bundle.zip" "$work/linux-zip.db" "$work/windows-zip.db"
(cd "$src/$bundle" && python3 -c 'import os, sys, zipfile
with zipfile.ZipFile(sys.argv[1], "w", zipfile.ZIP_DEFLATED) as z:
    for f in sorted(os.listdir(".")): z.write(f)' "$work/bundle.zip")
(cd "$work" && "$linux" diagnose --evidence bundle.zip --db linux-zip.db --format xml \
   -o linux-zip.xml >/dev/null 2>&1)
run_exe diagnose --evidence bundle.zip --db windows-zip.db --format xml -o windows-zip.xml \
  >/dev/null 2>&1
check "zip: wudiag.exe reads the zipped bundle (deflate, .evtx inside) as Linux does" \
  python3 "$here/compare-reports.py" "$work/linux-zip.xml" "$work/windows-zip.xml"

# ------------------------- (4) the download: the .zip made beside wudiag.exe

zips=("$(dirname "$exe")"/wudiag-*-windows-x64.zip)
check "download: scripts/build-windows made one wudiag-<version>-windows-x64.zip" \
  test ${#zips[@]} -eq 1 -a -f "${zips[0]}"
if [ -f "${zips[0]}" ]; then
  rm -rf "$work/download" && mkdir -p "$work/download"
  python3 -c 'import sys, zipfile; zipfile.ZipFile(sys.argv[1]).extractall(sys.argv[2])' \
    "${zips[0]}" "$work/download"
  top=$work/download/$(basename "${zips[0]}" .zip)
  check "download: holds wudiag.exe, capture-evidence.ps1, README.md, LICENSE and no more" \
    test "$(cd "$top" && ls | tr '\n' ' ')" = "LICENSE README.md capture-evidence.ps1 wudiag.exe "
  check "download: its wudiag.exe is the one tested here" cmp -s "$top/wudiag.exe" "$exe"
  version=$( (cd "$work" && timeout 300 wine "$top/wudiag.exe" --version) 2>/dev/null | tr -d '\r')
  echo "$version"
  check "download: wudiag.exe --version names the version and the commit" \
    grep -qE '^wudiag [0-9.]+ \((git [0-9A-Za-z._+-]+|built from a source tree without git)\)$' \
    <<<"$version"
fi

# --------------------------------------------------------- (5) wudiag fix

. "$here/wine-fix.sh"

echo "wine-tests: $passed passed, $failed failed"
[ "$failed" -eq 0 ]
