# SPDX-License-Identifier: GPL-2.0
# A store on tmpfs or ramfs (gone at the next boot) is refused with one dmesg
# line that says why, unless volatile=1 says the store is meant to be
# volatile; the module's version and autoload aliases are in modinfo.
. /with/guest/lib.sh

dmesg -c >/dev/null
expect_rc 1 "a store on tmpfs is refused" modprobe shared_map path=/tmp/sm
check "dmesg says tmpfs and how to allow it" sh -c \
	'dmesg | grep -q "/tmp/sm is on tmpfs, which a reboot empties: refusing to load (volatile=1 allows it)"'
mkdir -p /mnt/ram && mount -t ramfs ramfs /mnt/ram
expect_rc 1 "a store on ramfs is refused" modprobe shared_map path=/mnt/ram/sm
check "dmesg says ramfs" sh -c 'dmesg | grep -q "/mnt/ram/sm is on ramfs"'

load_module path=/tmp/sm volatile=1
check "volatile=1: loaded, and dmesg says the store is volatile" sh -c \
	'dmesg | grep -q "/tmp/sm is on tmpfs: the store is volatile"'
check "volatile=1: set works" smap set k v
expect_eq "$(smap get k)" v "volatile=1: get"
unload_module

load_module
check "the default store (ext4) loads without a word about placement" sh -c \
	'! dmesg | grep -q "/var/tmp/shared_map is on"'
unload_module

check "modinfo: version is set" sh -c '[ -n "$(modinfo -F version shared_map)" ]'
for a in devname:shared_map char-major-10-249 net-pf-16-proto-16-family-shared_map; do
	check "modinfo: alias $a" sh -c "modinfo -F alias shared_map | grep -qx '$a'"
done
umount /mnt/ram
finish
