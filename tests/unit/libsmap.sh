# SPDX-License-Identifier: GPL-2.0
# libshared_map and the smap CLI parser: unit tests of the pure parts (mode
# and integer parsing, errno messages, list records, batch encoding, netlink
# message building and reply parsing), plus the library and tools build
# cleanly with -Werror. Host only, no kernel; own build directory.
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
echo "ok   smap --help"
# a program using the installed library through pkg-config
make --no-print-directory -C tools BUILD="$out" install PREFIX="$out/inst" >/dev/null 2>&1 ||
	{ echo "FAIL make install"; exit 1; }
cat >"$out/t.c" <<'C'
#include <shared_map.h>
#include <stdio.h>
#include <string.h>
int main(void) { unsigned m; return smap_parse_mode("640", &m) || m != 0640 || strcmp(smap_strerror(2), "key not found"); }
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
