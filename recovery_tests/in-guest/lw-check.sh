# SPDX-License-Identifier: GPL-2.0
# One stop of smap-lw-replay (see logwrites.sh): /dev/loop2 holds the image
# as replayed up to this point. Mount a dm-snapshot of it (mounting and
# loading write; the replay must not see that), load the module on it, check
# it against the workload's history and the marks seen so far, unload,
# unmount, e2fsck -fn. Exit 0 ok, 1 acknowledged data lost, 2 anything else.
# (smap-lw dm-snap/dm-remove are dmsetup create/remove without the fork of
# a dynamic binary and its udev handshake: a third of the time per point.)
rc=0
bad() {
	echo "  BAD $*"
	rc=2
}
smap-lw dm-snap lwsnap /dev/loop2 /dev/loop3 "$LW_SECTORS" || exit 3
if mount -t ext4 /dev/mapper/lwsnap /mnt/snap; then
	dmesg -c >/dev/null
	if modprobe shared_map path=/mnt/snap/sm; then
		smap-lw check /tmp/hist /tmp/marks
		r=$?
		[ $r -gt $rc ] && rc=$r
		if dmesg | grep -q CORRUPTION; then
			bad "replay reports corruption:"
			dmesg | grep CORRUPTION
		fi
		rmmod shared_map || bad "rmmod"
	else
		bad "modprobe shared_map failed:"
		dmesg | tail -n 5
	fi
	umount /mnt/snap || bad "umount"
else
	bad "the replayed image does not mount"
fi
if ! e2fsck -fn /dev/mapper/lwsnap >/tmp/fsck.out 2>&1; then
	bad "e2fsck -fn:"
	tail -n 5 /tmp/fsck.out
fi
smap-lw dm-remove lwsnap || exit 3
[ $rc -ne 0 ] && echo "  (point $LW_POINT, entry $LW_ENTRY, $LW_KIND $LW_MARK)"
exit $rc
