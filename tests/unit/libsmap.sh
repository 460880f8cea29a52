# SPDX-License-Identifier: GPL-2.0
# libshared_map and the smap CLI parser: unit tests of the pure parts (mode
# and integer parsing, errno messages, list records, batch encoding, netlink
# message building and reply parsing, size-versioned structs, the dump
# formats), plus the library and tools build cleanly with -Werror. The
# shared library exports exactly the symbols of lib/libshared_map.map, each
# with its version, and every call shared_map.h declares; the man pages of
# section 3 are installed, one per call; the licenses (SPDX) are those the
# README names. Host only, no kernel; own build directory.
set -u
cd "$(dirname "$0")/../.."
out=$(mktemp -d)
trap 'rm -rf "$out"' EXIT
if ! make --no-print-directory -C tools BUILD="$out" all >"$out/build.log" 2>&1; then
	cat "$out/build.log"
	echo "FAIL tools build"
	exit 1
fi
echo "ok   tools build (libshared_map.a/.so, smap, smap-log)"
for f in lib/libshared_map.a lib/libshared_map.so.1 lib/pkgconfig/shared_map.pc bin/smap; do
	if [ -e "$out/$f" ]; then echo "ok   $f built"; else echo "FAIL $f missing"; exit 1; fi
done
if file "$out/bin/smap" | grep -q 'statically linked'; then
	echo "ok   smap is statically linked"
else
	echo "FAIL smap is not statically linked: $(file "$out/bin/smap")"
	exit 1
fi
if ! make --no-print-directory -C tools BUILD="$out" test 2>&1; then
	echo "FAIL unit tests"
	exit 1
fi
# the CLI's own behaviour without a module: exit 2 and one line on stderr
"$out/bin/smap" frob >/dev/null 2>"$out/err"
rc=$?
if [ $rc -eq 2 ] && [ "$(wc -l <"$out/err")" -eq 1 ] &&
	grep -q "^smap: unknown command 'frob'" "$out/err"; then
	echo "ok   smap frob: exit 2, one line on stderr"
else
	echo "FAIL smap frob: status $rc, stderr: $(cat "$out/err")"
	exit 1
fi
"$out/bin/smap" --help | grep -q '^usage: smap' || { echo "FAIL smap --help"; exit 1; }
# smap-log: --version, one line for a bad command or option
v=$("$out/bin/smap-log" --version)
case $v in
"smap-log (shared_map) "*", log format "[0-9]*) echo "ok   smap-log --version: $v" ;;
*) echo "FAIL smap-log --version: '$v'"; exit 1 ;;
esac
for a in "frob|smap-log: unknown command 'frob' (verify or dump) (see smap-log --help)" \
	"|smap-log: no command given (verify or dump) (see smap-log --help)" \
	"dump --frob|smap-log: dump: unknown option '--frob' (see smap-log --help)" \
	"verify a b|smap-log: verify: too many arguments (one PATH) (see smap-log --help)"; do
	# shellcheck disable=SC2086
	"$out/bin/smap-log" ${a%%|*} >/dev/null 2>"$out/err"
	rc=$?
	if [ $rc -eq 2 ] && [ "$(cat "$out/err")" = "${a#*|}" ]; then
		echo "ok   smap-log ${a%%|*}: exit 2, one line"
	else
		echo "FAIL smap-log ${a%%|*}: status $rc, stderr: $(cat "$out/err")"
		exit 1
	fi
done
# exported symbols: exactly the version script's, each in its version node
map=tools/lib/libshared_map.map
awk '/^[A-Z_0-9.]+ \{/ { v = $1 } /^[[:space:]]+smap_[a-z0-9_]+;/ { sub(/;/, "", $1); print $1 "@@" v }' \
	$map | sort >"$out/want.sym"
nm -D --defined-only "$out/lib/libshared_map.so.1" | awk '$2 == "T" { print $3 }' | sort >"$out/got.sym"
if [ -s "$out/want.sym" ] && cmp -s "$out/want.sym" "$out/got.sym"; then
	echo "ok   libshared_map.so exports the $(wc -l <"$out/want.sym") symbols of $map, versioned"
else
	echo "FAIL exported symbols differ from $map (< map, > library):"
	diff "$out/want.sym" "$out/got.sym"
	exit 1
fi
grep -oE '^[a-z][a-z0-9_ ]*[ *]smap_[a-z0-9_]+\(' include/shared_map.h |
	grep -oE 'smap_[a-z0-9_]+\(' | tr -d '(' | sort >"$out/decl.sym"
if sed 's/@@.*//' "$out/want.sym" | cmp -s - "$out/decl.sym"; then
	echo "ok   every call shared_map.h declares is in $map"
else
	echo "FAIL shared_map.h and $map differ (< map, > header):"
	sed 's/@@.*//' "$out/want.sym" | diff - "$out/decl.sym"
	exit 1
fi
bad=
for f in tools/lib/*.c tools/lib/*.h include/shared_map.h; do
	head -n 1 "$f" | grep -q 'SPDX-License-Identifier: LGPL-2.1-or-later' || bad="$bad $f"
done
for f in include/uapi/linux/*.h; do
	head -n 1 "$f" | grep -q 'SPDX-License-Identifier: GPL-2.0 WITH Linux-syscall-note' || bad="$bad $f"
done
[ -z "$bad" ] || { echo "FAIL license lines:$bad"; exit 1; }
echo "ok   library LGPL-2.1-or-later, uapi GPL-2.0 WITH Linux-syscall-note"
echo "ok   smap --help"
# a program using the installed library through pkg-config
make --no-print-directory -C tools BUILD="$out" install PREFIX="$out/inst" >/dev/null 2>&1 ||
	{ echo "FAIL make install"; exit 1; }
cat >"$out/t.c" <<'C'
#include <shared_map.h>
#include <stdio.h>
#include <string.h>
int main(void) { unsigned m; return smap_parse_mode("640", &m) || m != 0640 || strcmp(smap_strerror(2), "key not found") || strcmp(smap_lib_version(), SMAP_LIB_VERSION); }
C
sed -i "s|^prefix=.*|prefix=$out/inst|; s|^libdir=.*|libdir=$out/inst/lib|" "$out/inst/lib/pkgconfig/shared_map.pc"
if PKG_CONFIG_PATH=$out/inst/lib/pkgconfig gcc -o "$out/t" "$out/t.c" \
	$(PKG_CONFIG_PATH=$out/inst/lib/pkgconfig pkg-config --cflags --libs shared_map) &&
	LD_LIBRARY_PATH=$out/inst/lib "$out/t"; then
	echo "ok   installed headers, shared library and pkg-config file work"
else
	echo "FAIL linking against the installed library"
	exit 1
fi
[ -f "$out/inst/share/man/man1/smap.1" ] || { echo "FAIL man page not installed"; exit 1; }
echo "ok   man page installed"
[ -f "$out/inst/share/man/man3/libshared_map.3" ] || { echo "FAIL libshared_map.3 not installed"; exit 1; }
for f in $(sed 's/@@.*//' "$out/want.sym"); do
	grep -qx '.so man3/libshared_map.3' "$out/inst/share/man/man3/$f.3" 2>/dev/null ||
		{ echo "FAIL no man page for $f"; exit 1; }
	grep -qE "^\.BI? .*[ *]$f\(" tools/libshared_map.3 ||
		{ echo "FAIL libshared_map.3's SYNOPSIS lacks $f"; exit 1; }
done
echo "ok   a man page (section 3) for each call"
