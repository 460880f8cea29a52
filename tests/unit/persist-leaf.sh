# SPDX-License-Identifier: GPL-2.0
# persist/ is a leaf (ARCHITECTURE.md): no file under it includes a header
# of module/ or calls into the store (smap_store_*). The store reaches the
# journal through persist/persist.h; the journal reaches the store only
# through the ops table its owner gives it.
set -u
cd "$(dirname "$0")/../.."
bad=0
mods=$(cd module && ls -- *.h)
for f in persist/*.c persist/*.h; do
	# every #include "..." must name a file of persist/ (<...> is the kernel's)
	for h in $(sed -n 's/^[[:space:]]*#[[:space:]]*include[[:space:]]*"\([^"]*\)".*/\1/p' "$f"); do
		base=${h##*/}
		if [ "$h" != "$base" ] || [ ! -e "persist/$base" ] ||
		   printf '%s\n' "$mods" | grep -qx "$base"; then
			echo "FAIL $f includes \"$h\", not a header of persist/"
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
[ $bad -eq 0 ] || exit 1
echo "ok   persist/ ($(ls persist/*.[ch] | wc -l) files) includes nothing of module/ and calls no smap_store_*"
