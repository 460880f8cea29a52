# SPDX-License-Identifier: GPL-2.0
# make install, make modules_install and make dkms-src into a DESTDIR: every
# file in its place (tools, library, .pc, headers, man pages for smap,
# libshared_map(3) and a link per call,
# smap-log and shared_map(4), unit, tmpfiles.d, udev rule, modprobe.d
# example), never a test or bench module; the DKMS tree builds shared_map.ko
# alone against an exact kernel release, as DKMS runs it, for each kernel.
# Host only; own build and install directories.
set -u
cd "$(dirname "$0")/../.."
out=$(mktemp -d)
trap 'rm -rf "$out"' EXIT
fails=0 checks=0
ok() { checks=$((checks + 1)); echo "ok   $*"; }
not_ok() { checks=$((checks + 1)); fails=$((fails + 1)); echo "FAIL $*"; }
has() { if [ -e "$out/d$1" ]; then ok "installed $1"; else not_ok "missing $1"; fi; }
V=$(cat VERSION)
MA=$(gcc -print-multiarch)

if make --no-print-directory install BUILD="$out/b" DESTDIR="$out/d" PREFIX=/usr/local >"$out/install.log" 2>&1; then
	ok "make install DESTDIR PREFIX=/usr/local"
else
	tail -n 20 "$out/install.log"
	not_ok "make install"
fi
for f in /usr/local/bin/smap /usr/local/bin/smap-log \
	/usr/local/lib/$MA/libshared_map.so.1 /usr/local/lib/$MA/libshared_map.so \
	/usr/local/lib/$MA/pkgconfig/shared_map.pc /usr/local/include/shared_map.h \
	/usr/local/include/linux/shared_map.h /usr/local/share/man/man1/smap.1 \
	/usr/local/share/man/man1/smap-log.1 /usr/local/share/man/man4/shared_map.4 \
	/usr/local/share/man/man3/libshared_map.3 /usr/local/share/man/man3/smap_open.3 \
	/usr/local/lib/systemd/system/shared_map.service \
	/usr/local/lib/tmpfiles.d/shared_map.conf \
	/usr/local/lib/udev/rules.d/99-shared_map.rules /etc/modprobe.d/shared_map.conf; do
	has "$f"
done
unit=$out/d/usr/local/lib/systemd/system/shared_map.service
if grep -qx 'RequiresMountsFor=/var/tmp/shared_map' "$unit" &&
	grep -qx 'ExecStart=/sbin/modprobe shared_map' "$unit"; then
	ok "the unit waits for the store's mount and loads the module"
else
	not_ok "unit: $(cat "$unit")"
fi
if grep -qx 'libdir=/usr/local/lib/'"$MA" "$out/d/usr/local/lib/$MA/pkgconfig/shared_map.pc"; then
	ok "shared_map.pc names the multiarch libdir"
else
	not_ok "shared_map.pc: $(grep libdir= "$out/d/usr/local/lib/$MA/pkgconfig/shared_map.pc")"
fi
if grep -v '^#' "$out/d/etc/modprobe.d/shared_map.conf" | grep -q .; then
	not_ok "modprobe.d example has a line that is not a comment"
else
	ok "modprobe.d example is all comments"
fi
if find "$out/d" -name '*.ko*' | grep .; then
	not_ok "make install installed a module"
else
	ok "make install installs no module"
fi

for k in ${KERNELS:-6.1 6.12}; do
	kver=$(scripts/kver "$k") || { not_ok "kernel $k"; continue; }
	if make --no-print-directory modules_install KVER="$kver" \
		DESTDIR="$out/m" >"$out/mi.log" 2>&1; then
		ok "make modules_install KVER=$kver"
	else
		tail -n 20 "$out/mi.log"
		not_ok "make modules_install KVER=$kver"
	fi
	got=$(cd "$out/m" && find . -name '*.ko*' | sort | tr '\n' ' ')
	want="./lib/modules/$kver/updates/shared_map.ko "
	if [ "$got" = "$want" ]; then ok "modules_install: shared_map.ko alone"; else not_ok "modules_install: $got"; fi
	rm -rf "$out/m"
done

if make --no-print-directory dkms-src DESTDIR="$out/s" >"$out/dkms.log" 2>&1; then
	ok "make dkms-src"
else
	tail -n 20 "$out/dkms.log"
	not_ok "make dkms-src"
fi
tree=$out/s/usr/src/shared_map-$V
has_tree() { if [ -e "$tree/$1" ]; then ok "DKMS tree has $1"; else not_ok "DKMS tree lacks $1"; fi; }
has_tree dkms.conf
has_tree Kbuild
has_tree include/uapi/linux/shared_map.h
if ls "$tree" | grep -E 'smap_example|smap_nop|smap_kbench'; then
	not_ok "the DKMS tree has test or bench sources"
else
	ok "the DKMS tree has no test or bench sources"
fi
grep -q "PACKAGE_VERSION=\"$V\"" "$tree/dkms.conf" && ok "dkms.conf: version $V" || not_ok "dkms.conf version"
# what dkms.conf's MAKE[0] runs, in DKMS's copy of the tree, per kernel
for k in ${KERNELS:-6.1 6.12}; do
	kver=$(scripts/kver "$k") || continue
	rm -rf "$out/dkb"
	cp -a "$tree" "$out/dkb"
	if make -C "$(scripts/kver --build "$kver")" M="$out/dkb" modules >"$out/dkb.log" 2>&1; then
		ok "DKMS tree builds against $kver"
	else
		tail -n 20 "$out/dkb.log"
		not_ok "DKMS tree build against $kver"
	fi
	got=$(cd "$out/dkb" && ls ./*.ko 2>/dev/null | tr '\n' ' ')
	if [ "$got" = "./shared_map.ko " ]; then ok "DKMS build: shared_map.ko alone"; else not_ok "DKMS build made: $got"; fi
	v=$(modinfo -F version "$out/dkb/shared_map.ko" 2>/dev/null)
	[ "$v" = "$V" ] && ok "DKMS-built module: version $V" || not_ok "DKMS-built module version '$v'"
done

echo "$checks checks, $fails failed"
[ "$fails" = 0 ] && [ "$checks" -gt 0 ]
