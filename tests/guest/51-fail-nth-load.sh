# SPDX-License-Identifier: GPL-2.0
# Every allocation failure in loading the module and replaying a real log
# (several segments, a compaction's snapshot, deletions before and after it)
# is handled: the sweep of 50-fail-nth.sh (see there) over the module's init,
# over a thousand fault sites, about 15 minutes on the debug kernel.
# Needs CONFIG_FAULT_INJECTION (KERNELS=debug): elsewhere it is skipped (77).
# vm: --bin mkfs.ext4 --timeout 1200 --test-module
. /with/guest/failnth.lib
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

rmmod shared_map
finish
