# SPDX-License-Identifier: GPL-2.0
# Crash consistency on a real block trace (xfstests generic/482, CrashMonkey).
# usage: logwrites.sh WRITERS OPS
#
# The log lives on ext4 over dm-log-writes, which records every write the
# file system sends, in completion order, with each flush and FUA. smap-lw
# runs the workload (WRITERS writers x OPS ops in each of the phases
# sync=always, batch, always: set/del/cas/incr/batch, a compaction asked
# for half way through each phase and more from compact_min=64k, so the
# segment switches too) and marks the trace after each acknowledgement; its
# history goes to /tmp, off the traced disk. smap-lw-replay then replays the
# trace forward, once, onto a copy of the disk as it was before the trace
# began, and stops at every flush, FUA and mark: lw-check.sh mounts a
# dm-snapshot of the replayed image, loads the module on it, checks it
# against the history (smap-lw check), unloads, unmounts and runs e2fsck -fn.
# The last line is smap-lw-replay's summary.
. /with/guest/lib.sh
export DM_DISABLE_UDEV=1
W=${1:-3}
OPS=${2:-8}
D=/var/tmp/lw
modprobe loop && modprobe dm_log_writes && modprobe dm_snapshot || exit 3
mkdir -p $D /mnt/lw /mnt/snap /tmp/hist
truncate -s 32M $D/data.img
truncate -s 512M $D/log.img
truncate -s 64M /tmp/cow.img
mkfs.ext4 -q -F -b 4096 -N 128 -E lazy_itable_init=0,lazy_journal_init=0,nodiscard $D/data.img || exit 3
cp $D/data.img $D/replay.img
losetup /dev/loop0 $D/data.img && losetup /dev/loop1 $D/log.img || exit 3
S=$(blockdev --getsz /dev/loop0)
dmsetup create lw --table "0 $S log-writes /dev/loop0 /dev/loop1" || exit 3
mount -t ext4 /dev/mapper/lw /mnt/lw || exit 3
dmsetup message lw 0 mark mounted
modprobe shared_map path=/mnt/lw/sm compact_min=65536 || exit 3
t0=$(date +%s)
smap-lw run /tmp/hist lw "$W" "$OPS" || exit 4
rmmod shared_map || exit 3
umount /mnt/lw || exit 3
dmsetup status lw
dmsetup remove lw && losetup -d /dev/loop0 || exit 3
t1=$(date +%s)
losetup /dev/loop2 $D/replay.img && losetup /dev/loop3 /tmp/cow.img || exit 3
LW_SECTORS=$S smap-lw-replay --quiet --marks /tmp/marks /dev/loop1 /dev/loop2 -- sh /with/in-guest/lw-check.sh
rc=$?
# every acknowledgement's mark was replayed, so the checks expected something
acks=$(cat /tmp/hist/w* | grep -c '^A ')
wmarks=$(grep -c '^w[0-9]*\.[0-9]*$' /tmp/marks)
if [ "$acks" -eq 0 ] || [ "$wmarks" -ne "$acks" ]; then
	echo "FAIL $acks acknowledgements, $wmarks of their marks in the trace"
	rc=1
else
	echo "ok   all $acks acknowledgements marked in the trace"
fi
echo "workload $((t1 - t0)) s, replay and checks $(($(date +%s) - t1)) s"
losetup -d /dev/loop2
losetup -d /dev/loop3
losetup -d /dev/loop1
rm -f $D/data.img $D/log.img $D/replay.img
exit $rc
