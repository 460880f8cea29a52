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
# vm: --bin mkfs.ext4 --timeout 1200 --test-module
. /with/guest/lib.sh
if [ ! -e /proc/thread-self/fail-nth ]; then
	echo "skip: no /proc/thread-self/fail-nth (a kernel without fault injection; KERNELS=debug has it)"
	exit 77
fi
T=/tmp/50
mkdir -p $T
D=/sys/kernel/debug
P=/sys/module/shared_map/parameters
EXTRA=/lib/modules/$(uname -r)/extra
# GFP_KERNEL allocations count too; no stack dump per injected fault
for f in failslab fail_page_alloc; do
	echo N >$D/$f/ignore-gfp-wait
	echo 0 >$D/$f/verbose
done

# dump: every key and its value, sorted
dump() {
	smap list | sort | while read -r k; do
		printf '%s=%s\n' "$k" "$(smap get "$k")"
	done
}

# reload_same DESC [PARAMS]: what a reload replays is what the store held
reload_same() {
	_d=$1
	shift
	dump >$T/before
	rmmod shared_map
	if ! modprobe shared_map "$@"; then
		not_ok "$_d: reload failed"
		return
	fi
	dump >$T/after
	if cmp -s $T/before $T/after; then
		ok "$_d: the reload has the same $(wc -l <$T/before) keys and values"
	else
		not_ok "$_d: the reload differs: $(diff $T/before $T/after | head -n 10)"
	fi
}

# sweep DESC ARGS...: smap-failnth ARGS must end well (it checks the store
# after every attempt, and that the log's newest record of each key the op
# touches says what the store holds: -L); then the store and its log agree
# (reload_same)
sweep() {
	_d=$1
	shift
	if smap-failnth -L /var/tmp/shared_map "$@" >$T/fn 2>&1; then
		ok "$_d: $(tail -n 1 $T/fn)"
		echo "summary: $_d: $(tail -n 1 $T/fn | sed 's/^[^:]*: //')"
	else
		not_ok "$_d: $(cat $T/fn)"
	fi
	[ -z "${AFTER:-}" ] || check "$_d: $AFTER" $AFTER
	reload_same "$_d"
}

# ---- load and replay of a real log: several segments (one per load), a
# compaction's snapshot, deletions before and after it -----------------------
load_module
i=0
while [ $i -lt 40 ]; do i=$((i + 1)); echo "set r$i v$i"; done >$T/ops
check "40 keys" smap batch $T/ops
check "a counter" smap incr rc 7
check "a deleted key" sh -c 'smap set gone x && smap del gone'
rmmod shared_map
load_module
check "segment 2: more keys, a deletion" sh -c 'smap set s2 a && smap set s2b b && smap del r1'
check "compaction" sh -c "echo 1 >$P/compact_now"
check "after the snapshot: updates and deletions" \
	sh -c 'smap set r2 w2 && smap del r3 && smap incr rc 1 && smap set late z'
rmmod shared_map
load_module
check "segment 4: one more key, one more deletion" sh -c 'smap set s4 d && smap del s2b'
segs=$(ls /var/tmp/shared_map | grep -c '^log\.')
check "a snapshot and $segs log segments (2 or more)" \
	sh -c "[ -e /var/tmp/shared_map/snapshot ] && [ $segs -ge 2 ]"
dump >$T/replay
rmmod shared_map
# the test build's init arms fail-nth itself (init_fail_nth): the module
# loader's own fault sites, hundreds and many tolerated, are the kernel's
# EBUSY (16) too: misc_register() reports its minor's allocation failure
# (ida_alloc) as EBUSY, the same fault site every run (attempt 924 of 1151)
sweep "load + replay (init and replay)" -a 16 -d $T/replay load-init $EXTRA/shared_map.ko
expect_eq "$(held r v 40)" 37 "after the sweep the load replayed the 37 keys neither deleted nor updated"
expect_eq "$(smap get r2)$(smap get late)$(smap get s4)" w2zd "...the updates after the snapshot and in the last segment"
expect_eq "$(smap get rc)" 8 "...and the counter"

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
