#!/usr/bin/env bash
# check-deb.sh BUILD SRC VERSION - builds the .deb of the build folder BUILD
# with CPack, unpacks it into a temporary root (dpkg -x) and checks it as
# installed: the files and where they go, a Depends naming the package of
# every library the binary needs, `wudiag --version`, `man -l` on the
# installed page, the installed completion, and a diagnosis of the example
# bundle from outside the source tree (the templates and knowledge base are
# built in).
set -euo pipefail
build=$1 src=$(cd "$2" && pwd -P) version=$3
work=$(mktemp -d "${TMPDIR:-/tmp}/wudiag-deb-XXXXXX")
trap 'rm -rf "$work"' EXIT
fail() { echo "check-deb: $*" >&2; exit 1; }
for tool in cpack dpkg-deb dpkg-shlibdeps man objdump; do
  command -v "$tool" >/dev/null || fail "needs $tool (scripts/install-deps installs it)"
done

cpack --config "$build/CPackConfig.cmake" -G DEB -B "$work/out" >"$work/cpack.log" 2>&1 ||
  { cat "$work/cpack.log" >&2; fail "cpack -G DEB failed"; }
debs=("$work"/out/wudiag_*.deb)
[ ${#debs[@]} -eq 1 ] && [ -f "${debs[0]}" ] || fail "cpack made no wudiag_*.deb"
deb=${debs[0]}
case $(basename "$deb") in
  "wudiag_${version}-1_$(dpkg --print-architecture).deb") ;;
  *) fail "unexpected package name $(basename "$deb")" ;;
esac

# the files, and nothing else
expected="./usr/bin/wudiag
./usr/share/bash-completion/completions/wudiag
./usr/share/doc/wudiag/LICENSE
./usr/share/doc/wudiag/README.md
./usr/share/doc/wudiag/copyright
./usr/share/doc/wudiag/schema.md
./usr/share/man/man1/wudiag.1.gz"
files=$(dpkg-deb -c "$deb" | awk '$1 !~ /^d/ { print $6 }' | sort)
[ "$files" = "$expected" ] || fail "the package holds:
$files
expected:
$expected"

dpkg -x "$deb" "$work/root"
root=$work/root
exe=$root/usr/bin/wudiag

# Depends names the package of every library wudiag links
depends=$(dpkg-deb -f "$deb" Depends)
for lib in $(objdump -p "$exe" | awk '/NEEDED/ { print $2 }'); do
  # (no early exit in these pipes: pipefail would take the SIGPIPE for a failure)
  path=$(ldconfig -p | awk -v l="$lib" '$1 == l && !p { p = $NF } END { print p }')
  [ -n "$path" ] || fail "$lib is not installed here"
  pkg=$( (dpkg -S "$(readlink -f "$path")" 2>/dev/null || dpkg -S "$path") | sed -n '1s/:.*//p')
  [[ ",$depends," == *", $pkg "* || ",$depends," == *",$pkg "* ]] ||
    fail "wudiag needs $lib from $pkg, which Depends ($depends) does not name"
done
for pkg in libsqlite3-0 libxml2 libxslt1.1 libarchive13 libevtx1; do
  [[ $depends == *"$pkg"* ]] || fail "Depends does not name $pkg: $depends"
done

# cpack rebuilt what changed, so the binary names the tree as it is now
out=$("$exe" --version)
if [ "$(git -c safe.directory="*" -C "$src" rev-parse --show-toplevel 2>/dev/null)" = "$src" ]; then
  want="wudiag $version (git $(git -c safe.directory="*" -C "$src" describe --always --dirty --abbrev=12))"
else
  want="wudiag $version (built from a source tree without git)"
fi
[ "$out" = "$want" ] || fail "installed wudiag --version printed '$out', not '$want'"

page=$(MANWIDTH=80 MANPAGER=cat man -l "$root/usr/share/man/man1/wudiag.1.gz" 2>"$work/man.err")
[ ! -s "$work/man.err" ] || fail "man -l warns: $(cat "$work/man.err")"
for want in "WUDIAG(1)" "wudiag $version" "EXIT STATUS" "history.db" "wudiag diagnose"; do
  grep -qF "$want" <<<"$page" || fail "the installed manual page lacks '$want'"
done

# the installed completion completes the installed binary
got=$(bash -c 'source "$1"; COMP_WORDS=("$2" ex); COMP_CWORD=1; _wudiag; echo "${COMPREPLY[*]}"' \
  _ "$root/usr/share/bash-completion/completions/wudiag" "$exe")
[ "$got" = "explain" ] || fail "installed completion of 'wudiag ex' gave '$got'"

# a diagnosis run from an empty folder, the sources out of reach
mkdir "$work/run"
set +e
(cd "$work/run" && "$exe" diagnose --evidence "$src/examples/desktop-2kgm189" --db "$work/run/h.db" \
  -o "$work/run/report.html" >"$work/run/out" 2>&1)
code=$?
set -e
[ "$code" -eq 3 ] || fail "installed wudiag diagnose exited $code: $(cat "$work/run/out")"
grep -q "</html>" "$work/run/report.html" || fail "installed wudiag wrote no HTML report"
echo "check-deb: $(basename "$deb") ($(stat -c %s "$deb") bytes) installs and runs; Depends: $depends"
