# SPDX-License-Identifier: GPL-2.0
# The local attacker (issue #14, part B): uid 1000 ("user") against root's
# keys and the store's resources, over the ioctl, netlink and, where it
# applies, the in-kernel API. Every attempt must be refused:
#   list            shows only the keys the caller may read
#   incr, cas       need read and write (a write-only key's value stays secret)
#   --new           an exclusive create fails with EEXIST if the key exists
#   --mode squat    a mode asked of a key someone else created: EEXIST
#   fd passing      a device fd / netlink socket opened by uid 1000 and used
#                   by root grants uid 1000's rights only (smap-abi fdpass)
#   resources       bytes counts what an entry costs; user_max_bytes stops
#                   one user (both transports, many keys, after a reload);
#                   a writer in a small memory cgroup gets ENOMEM; a 16 MiB
#                   batch runs in a 4 MiB memory cgroup
# vm: --timeout 900
. /with/guest/lib.sh
T=/tmp/40
mkdir -p $T
chmod 777 $T
P=/sys/module/shared_map/parameters
EEXIST_MODE="key exists with another owner or mode; nothing changed (someone else may have created it first: see SECURITY in smap(1))"
EEXIST_NEW="key exists (--new creates only; choose another key)"

load_module
check "uid of 'user' is 1000" test "$(su user -c 'id -u')" = 1000

for tr in "" --netlink; do
	n=${tr:-ioctl}
	S="smap $tr"

	# -- list: only what the caller may read
	check "$n: root sets hid-$n 0600" $S set --mode 0600 hid-$n secret
	check "$n: root sets vis-$n 0644" $S set --mode 0644 vis-$n public
	as user "$n: user lists hid-$n" 0 "" "$S list hid-$n"
	expect_eq "$(cat $T/out)" "" "$n: list as user does not show root's 0600 key"
	as user "$n: user lists vis-$n" 0 "" "$S list vis-$n"
	expect_eq "$(cat $T/out)" "vis-$n" "$n: list as user shows root's 0644 key"
	as user "$n: user creates own-$n 0600" 0 "" "$S set --mode 0600 own-$n mine"
	as user "$n: user lists own-$n" 0 "" "$S list own-$n"
	expect_eq "$(cat $T/out)" "own-$n" "$n: list as user shows the user's own 0600 key"
	as other "$n: other lists own-$n" 0 "" "$S list own-$n"
	expect_eq "$(cat $T/out)" "" "$n: list as other does not show user's 0600 key"
	as root "$n: root lists hid-$n" 0 "" "$S list hid-$n"
	expect_eq "$(cat $T/out)" "hid-$n" "$n: list as root (CAP_SYS_ADMIN) shows it"

	# -- incr and cas need read and write
	check "$n: root sets wo-$n 0622 (write-only for others)" $S set --mode 0622 wo-$n 41
	as user "$n: incr on a write-only key refused" 2 "smap: incr: permission denied" "$S incr wo-$n 0"
	as user "$n: cas with the right old value refused" 2 "smap: cas: permission denied" "$S cas wo-$n 41 x"
	as user "$n: cas with a wrong old value: the same answer" 2 "smap: cas: permission denied" "$S cas wo-$n 40 x"
	as user "$n: a plain set of it is allowed (write)" 0 "" "$S set wo-$n 41"
	as root "$n: root reads wo-$n" 0 "" "$S get wo-$n"
	expect_eq "$(cat $T/out)" 41 "$n: write-only key's value intact"

	# -- exclusive create
	as user "$n: user squats apikey-$n 0666" 0 "" "$S set --mode 0666 apikey-$n mine"
	as root "$n: root set --new on the squatted key: EEXIST" 2 "smap: set: $EEXIST_NEW" \
		"$S set --new apikey-$n SECRET"
	as root "$n: root set --new fresh-$n" 0 "" "$S set --new --mode 0600 fresh-$n v"
	as root "$n: set --new again: EEXIST" 2 "smap: set: $EEXIST_NEW" "$S set --new fresh-$n w"
	as root "$n: fresh-$n unchanged" 0 "" "$S get fresh-$n"
	expect_eq "$(cat $T/out)" v "$n: value of the first create kept"

	# -- a mode asked of someone else's key
	as root "$n: root set --mode 0600 on the squatted key: EEXIST" 2 "smap: set: $EEXIST_MODE" \
		"$S set --mode 0600 apikey-$n SECRET"
	as root "$n: root incr --mode 0600 on user's key: EEXIST" 2 "smap: incr: $EEXIST_MODE" \
		"$S incr --mode 0600 own-$n"
	as user "$n: user reads the squatted key" 0 "" "$S get apikey-$n"
	expect_eq "$(cat $T/out)" mine "$n: root's SECRET never went into it"
	as root "$n: root set --mode 0600 on its own 0600 key: an update" 0 "" \
		"$S set --mode 0600 fresh-$n v2"
	printf 'set apikey-%s SECRET\n' "$n" >$T/batch
	as root "$n: batch --new on the squatted key" 2 \
		"smap: batch: line 1: set: key exists" "$S batch --new $T/batch"
	as root "$n: batch --mode 600 on the squatted key" 2 \
		"smap: batch: line 1: set: key exists" "$S batch --mode 600 $T/batch"
	as user "$n: user reads the squatted key again" 0 "" "$S get apikey-$n"
	expect_eq "$(cat $T/out)" mine "$n: no batch wrote into it"
done

# -- the in-kernel API: smap_set() with a mode and smap_create() on a key a
# user created first (smap_example checks both get -EEXIST, or fails to load)
as user "kapi: user squats kapi-squat 0666" 0 "" "smap set --mode 0666 kapi-squat mine"
check "kapi: modprobe smap_example squat=kapi-squat" modprobe smap_example squat=kapi-squat
check "kapi: smap_example's checks passed" \
	sh -c 'dmesg | grep -Eq "smap_example: [0-9]+ checks passed"'
as user "kapi: user reads kapi-squat" 0 "" "smap get kapi-squat"
expect_eq "$(cat $T/out)" mine "kapi: the kernel wrote nothing into the user's key"
check "rmmod smap_example" rmmod smap_example

# -- a descriptor opened by uid 1000, used by root (ioctl and netlink)
check "smap-abi fdpass" smap-abi fdpass

# -- resources: what an entry costs
as user "stats as user" 0 "" "smap stats --json"
b0=$(sed 's/.*"user_bytes": \([0-9]*\).*/\1/' $T/out)
as user "user sets abcd (4-byte key, empty value)" 0 "" "smap set abcd ''"
as user "stats as user" 0 "" "smap stats --json"
b1=$(sed 's/.*"user_bytes": \([0-9]*\).*/\1/' $T/out)
expect_eq "$((b1 - b0))" 96 "a 4-byte key with an empty value costs 96 bytes (48 + 4 -> 64, + 32)"

# -- per-user quota, on every transport, with many keys, after a reload
head -c 4096 /dev/zero | tr '\0' a >$T/4k
echo 65536 >$P/user_max_bytes
expect_eq "$(cat $P/user_max_bytes)" 65536 "user_max_bytes set to 64 KiB"
as user "user deletes abcd and own-*" 0 "" "smap del abcd; smap del own-ioctl; smap del own---netlink; smap del apikey-ioctl; smap del apikey---netlink; smap del kapi-squat"
check "root deletes uid 1000's fp-new and fp-nlnew" sh -c "smap del fp-new && smap del fp-nlnew"
as user "stats as user" 0 "" "smap stats --json"
expect_eq "$(sed 's/.*"user_bytes": \([0-9]*\).*/\1/' $T/out)" 0 "uid 1000 owns nothing now"
QUOTA="smap: set: quota exceeded for uid 1000 (user_max_bytes 65536: what one owner's keys may cost; delete some)"
i=0
while [ $i -lt 20 ] && su user -c "smap set q$i - <$T/4k" 2>$T/err; do
	i=$((i + 1))
done
expect_eq "$i" 7 "ioctl: 7 values of 4 KiB fit 64 KiB (8224 bytes each)"
expect_eq "$(cat $T/err)" "$QUOTA" "ioctl: the 8th is refused: quota exceeded"
as user "netlink: the other transport is refused too" 2 "$QUOTA" "smap --netlink set qn - <$T/4k"
as other "another user is not affected" 0 "" "smap set other-q - <$T/4k"
as root "root has no quota" 0 "" "smap set root-q - <$T/4k"
as user "user frees its keys" 0 "" "for i in 0 1 2 3 4 5 6; do smap del q\$i; done"
i=0
while [ $i -lt 1000 ]; do echo "set m$i x"; i=$((i + 1)); done >$T/many
as user "many small keys in one batch" 2 "" "smap batch $T/many 2>$T/berr"
expect_eq "$(grep -c 'quota exceeded' $T/berr)" "$((1000 - 65536 / 96))" \
	"many keys: each costs 96 bytes, those past 64 KiB refused"
as user "stats as user" 0 "" "smap stats --json"
ub=$(sed 's/.*"user_bytes": \([0-9]*\).*/\1/' $T/out)
expect_eq "$ub" "$((65536 / 96 * 96))" "user_bytes: 682 keys of 96 bytes"
as root "root overwrites user's m0 with 4 KiB: charged to the owner, refused" 2 \
	"smap: set: quota exceeded for uid 1000 (user_max_bytes 65536: what one owner's keys may cost; delete some)" \
	"smap set m0 - <$T/4k"
check "rmmod" rmmod shared_map
load_module user_max_bytes=65536
as user "stats as user after a reload" 0 "" "smap stats --json"
expect_eq "$(sed 's/.*"user_bytes": \([0-9]*\).*/\1/' $T/out)" "$ub" "replay restores user_bytes"
as user "after the reload: still over quota" 2 "$QUOTA" "smap set q0 - <$T/4k"
as user "user removes its many keys" 0 "" "smap list m | while read k; do smap del \$k; done"
echo 0 >$P/user_max_bytes

# -- memory cgroups: the writer, not the machine, runs out of memory
CG=/sys/fs/cgroup
[ -e $CG/cgroup.controllers ] || mount -t cgroup2 none $CG
echo +memory >$CG/cgroup.subtree_control
mkdir -p $CG/smapw $CG/smapb
echo 8M >$CG/smapw/memory.max
echo 1073741824 >$P/max_bytes
check "smap-abi fill (8 MiB memory cgroup)" smap-abi fill $CG/smapw
head -c 1048576 /dev/zero | tr '\0' b >$T/1m
used=$(cat $CG/smapw/memory.current)
echo $((used + 2621440)) >$CG/smapw/memory.max
fails "the CLI in the full cgroup: out of memory" 2 "smap: set: out of memory" \
	sh -c "echo \$\$ >$CG/smapw/cgroup.procs && exec smap set cgbig - <$T/1m"
check "outside the cgroup root still sets" smap set outside - <$T/1m
check "and reads" sh -c "smap get outside | cmp -s - $T/1m"
check "delete the fill keys" sh -c 'smap list fill- | while read k; do smap del $k || exit 1; done'
echo 4M >$CG/smapb/memory.max
check "smap-abi bigbatch (4 MiB memory cgroup)" smap-abi bigbatch $CG/smapb
expect_eq "$(dmesg | grep -c 'invoked oom-killer')" 0 "no OOM killer ran"

unload_module
finish
