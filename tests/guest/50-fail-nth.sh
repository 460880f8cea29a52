# SPDX-License-Identifier: GPL-2.0
# Every allocation failure is handled: for each entry point, fail the Nth
# fault site (slab or page allocation) of the calling task (and of the file
# work it waits for), N = 1, 2, ... while the armed fault fires, until an N
# the call never reaches (smap-failnth; a tolerated fault does not end the
# sweep); every attempt fails with ENOMEM (or succeeds), the store after it
# is what its outcome says (smap-failnth), the kernel log stays clean,
# kmemleak finds nothing (the harness), and after each entry point the
# store's contents match the log after a reload. Then I/O errors on the
# log's disk through fail_make_request. Needs a kernel with
# CONFIG_FAULT_INJECTION (KERNELS=debug): elsewhere it is skipped (77).
# The load and replay sweep, the longest (over a thousand fault sites), is
# 51-fail-nth-load.sh.
# vm: --bin mkfs.ext4 --timeout 1200 --test-module
. /with/guest/failnth.lib
load_module

# ---- the ioctls ---------------------------------------------------------------
sweep "set" set fk fv
expect_eq "$(smap get fk)" fv "set: the value"
sweep "set --new" set-new fn fv
expect_eq "$(smap get fn)" fv "set --new: the value"
sweep "get" get fk
sweep "del" del fk
check "del: gone" sh -c '! smap get fk 2>/dev/null'
sweep "incr" incr cnt 5
expect_eq "$(smap get cnt)" 5 "incr: applied exactly once"
sweep "cas" cas ck old new
expect_eq "$(smap get ck)" new "cas: the new value"
sweep "list" list r
sweep "batch (set b, incr b2, del b)" batch b

# ---- generic netlink ----------------------------------------------------------
sweep "netlink set" -n set nk nv
expect_eq "$(smap get nk)" nv "netlink set: the value"
sweep "netlink set --new" -n set-new nn nv
sweep "netlink get" -n get nk
sweep "netlink incr" -n incr ncnt 3
expect_eq "$(smap get ncnt)" 3 "netlink incr: applied exactly once"
sweep "netlink cas" -n cas nk nv nw
expect_eq "$(smap get nk)" nw "netlink cas: the new value"
sweep "netlink list (dump)" -n list r
sweep "netlink del" -n del nk
check "netlink del: gone" sh -c '! smap get nk 2>/dev/null'
sweep "netlink batch (set nb, incr nb2, del nb)" -n batch nb

# ---- compaction, recover ------------------------------------------------------
sweep "compact_now" write $P/compact_now 1
sweep "recover (ioctl)" recover
sweep "recover (parameter)" write $P/recover 1

# ---- the in-kernel API: smap_set() ... smap_cas() called in this task
# through the fuzzer's test module -------------------------------------------
kapi() {
	check "modprobe smap_fuzz_kapi" modprobe smap_fuzz_kapi
	AFTER="rmmod smap_fuzz_kapi" sweep "$@"
}
kapi "in-kernel API: smap_set()" kapi-set kk kv
kapi "in-kernel API: smap_get()" kapi-get kk
kapi "in-kernel API: smap_incr()" kapi-incr kc 4
kapi "in-kernel API: smap_cas()" kapi-cas kk kv kw
kapi "in-kernel API: smap_del()" kapi-del kk
rmmod shared_map

# ---- I/O errors on the log's disk: fail_make_request ------------------------
# The log on ext4 (no journal) over a loop device that may fail: the Nth
# byte of I/O to it fails (space = N - 1 4-KiB blocks), once, under a set.
modprobe loop
truncate -s 64M /var/tmp/io.img
check "loop device" losetup /dev/loop0 /var/tmp/io.img
check "mkfs" mkfs.ext4 -q -O ^has_journal /dev/loop0
mkdir -p /mnt/f
check "mount" mount /dev/loop0 /mnt/f
load_module path=/mnt/f/sm
check "a key before" smap set before 1
F=$D/fail_make_request
echo 0 >$F/verbose
echo 100 >$F/probability
echo 1 >$F/interval
echo 1 >/sys/block/loop0/make-it-fail
n=0 eio=0 bad=0
while [ $n -lt 64 ]; do
	echo $((n * 4096)) >$F/space
	echo 1 >$F/times
	smap set io$n v$n 2>$T/err
	rc=$?
	left=$(cat $F/times)
	echo 0 >$F/times
	if [ $rc -eq 0 ] && [ "$left" = 1 ]; then
		break
	fi
	if [ $rc -ne 0 ]; then
		eio=$((eio + 1))
		grep -qi 'i/o error\|read-only' $T/err || {
			bad=$((bad + 1))
			echo "io$n: $(cat $T/err)"
		}
		echo 1 >$P/recover || bad=$((bad + 1))
		smap set io$n v$n || bad=$((bad + 1))
	fi
	n=$((n + 1))
done
echo 0 >/sys/block/loop0/make-it-fail
expect_eq "$bad" 0 "fail_make_request: $n sets with a failing block, $eio failed with EIO, each recovered"
check "the store is writable" smap set after 1
reload_same "after the I/O errors" path=/mnt/f/sm
expect_eq "$(held io v $n)" "$n" "every set retried after recover is there"
rmmod shared_map
umount /mnt/f
losetup -d /dev/loop0
finish
