# SPDX-License-Identifier: GPL-2.0
# persist/ is a leaf (ARCHITECTURE.md): no file under it includes a header
# of module/ or calls into the store (smap_store_*). The store reaches the
# journal through persist/persist.h; the journal reaches the store only
# through the ops table its owner gives it. Both stand on compat/: the one
# header of kernel-version differences (compat/smap_compat.h), which
# includes nothing of either layer, and the only file that tests a kernel
# version.
set -u
cd "$(dirname "$0")/../.."
bad=0
mods=$(cd module && ls -- *.h)
# quoted includes of FILE that name no file of DIRS (one of module/, ...)
includes_outside() {
	local f=$1 h base d ok
	shift
	for h in $(sed -n 's/^[[:space:]]*#[[:space:]]*include[[:space:]]*"\([^"]*\)".*/\1/p' "$f"); do
		base=${h##*/}
		ok=0
		for d in "$@"; do
			[ "$h" = "$base" ] && [ -e "$d/$base" ] && ok=1
		done
		[ $ok -eq 1 ] || echo "$h"
	done
}
for f in persist/*.c persist/*.h; do
	# every #include "..." must name a file of persist/ or compat/
	# (<...> is the kernel's)
	for h in $(includes_outside "$f" persist compat); do
		echo "FAIL $f includes \"$h\", not a header of persist/ or compat/"
		bad=1
	done
	for h in $(sed -n 's/^[[:space:]]*#[[:space:]]*include[[:space:]]*"\([^"]*\)".*/\1/p' "$f"); do
		if printf '%s\n' "$mods" | grep -qx "${h##*/}"; then
			echo "FAIL $f includes \"$h\", a name of module/"
			bad=1
		fi
	done
	if grep -n '<[^>]*module/' "$f"; then
		echo "FAIL $f includes a header of module/"
		bad=1
	fi
	if grep -n 'smap_store_[a-z_]*' "$f"; then
		echo "FAIL $f names smap_store_* (the store): only ops->... may reach it"
		bad=1
	fi
done
# compat/ is below both layers: it includes nothing of ours
for f in compat/*.h; do
	[ -e "$f" ] || continue
	for h in $(includes_outside "$f" compat); do
		echo "FAIL $f includes \"$h\": compat/ stands below module/ and persist/"
		bad=1
	done
done
# one compat header: no kernel-version test in any other kernel source
if grep -rnE 'LINUX_VERSION_CODE|KERNEL_VERSION\(' module persist bench/kmod \
	tests/fuzz --include='*.[ch]'; then
	echo "FAIL a kernel-version test outside compat/smap_compat.h"
	bad=1
fi
n=$(find module persist -name '*compat*.h' | wc -l)
if [ "$n" -ne 0 ]; then
	echo "FAIL $(find module persist -name '*compat*.h' | tr '\n' ' ')besides compat/smap_compat.h: one compat header"
	bad=1
fi
[ $bad -eq 0 ] || exit 1
echo "ok   persist/ ($(ls persist/*.[ch] | wc -l) files) includes nothing of module/ and calls no smap_store_*; kernel versions are tested in compat/smap_compat.h alone"
