# SPDX-License-Identifier: GPL-2.0
# The local attacker (issue #14): every point is tried here, and refused.
#
# Part B: uid 1000 ("user") against root's
# keys and the store's resources, over the ioctl, netlink and, where it
# applies, the in-kernel API. Every attempt must be refused:
#   list            shows only the keys the caller may read
#   incr, cas       need read and write (a write-only key's value stays secret)
#   --new           an exclusive create fails with EEXIST if the key exists
#   --mode squat    a mode asked of a key someone else created: EEXIST
#   fd passing      a device fd / netlink socket opened by uid 1000 and used
#                   by root grants uid 1000's rights only (smap-abi fdpass)
#   staging         netlink values staged in pieces: a user's sockets hold
#                   at most nl_stage_user_max (smap-abi nlstage-flood)
#   resources       bytes counts what an entry costs; user_max_bytes stops
#                   one user (both transports, many keys, after a reload);
#                   a writer in a small memory cgroup gets ENOMEM; a 16 MiB
#                   batch runs in a 4 MiB memory cgroup
#
# Part A: uid 1000 against the log directory, its files, the
# module parameters and the test hooks (issue 14, part A). /var/tmp is
# world-writable (1777): the user can get there before the module does.
# - a directory the user owns, one others can write, a symlink at the path,
#   a user-owned directory on the way: the load is refused, with one dmesg
#   line saying what is wrong and what to do;
# - files planted before an admin "fixed" the directory as that line says
#   (chown root:root, chmod 0700): a FIFO as LOCK, a first segment or
#   snapshot.tmp, a symlink or a hard link as a segment or snapshot.tmp, a
#   forged segment the user owns: refused at once or replaced, never opened
#   so that the load hangs, never followed, the link's target untouched;
# - a root sysfs writer's umask and RLIMIT_FSIZE do not reach compaction,
#   modprobe's do not reach the files the load creates;
# - every writable parameter refuses nonsense with EINVAL;
# - the module users load has no test hook (compact_pause_ms).
# vm: --timeout 1800
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

# -- staged netlink values: many sockets cannot pin more than
# nl_stage_user_max (4 MiB) of uid 1000's, closing them frees it, root is
# not limited; another uid or socket cannot touch a staging (10-abi)
expect_eq "$(cat $P/nl_stage_user_max)" 4194304 "nl_stage_user_max is 4 MiB"
check "smap-abi nlstage-flood" smap-abi nlstage-flood

# -- resources: what an entry costs
as user "stats as user" 0 "" "smap stats --json"
b0=$(sed 's/.*"user_bytes": \([0-9]*\).*/\1/' $T/out)
as user "user sets abcd (4-byte key, empty value)" 0 "" "smap set abcd ''"
as user "stats as user" 0 "" "smap stats --json"
b1=$(sed 's/.*"user_bytes": \([0-9]*\).*/\1/' $T/out)
expect_eq "$((b1 - b0))" 80 "a 4-byte key with an empty value costs 80 bytes (32 + 4 -> 48, + 32)"

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
expect_eq "$(grep -c 'quota exceeded' $T/berr)" "$((1000 - 65536 / 80))" \
	"many keys: each costs 80 bytes, those past 64 KiB refused"
as user "stats as user" 0 "" "smap stats --json"
ub=$(sed 's/.*"user_bytes": \([0-9]*\).*/\1/' $T/out)
expect_eq "$ub" "$((65536 / 80 * 80))" "user_bytes: 819 keys of 80 bytes"
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

# ==== part A: the log directory, its files and the parameters ============
# 20 s, longer on a slower (debug) kernel
TMO=$((20 * ${SMAP_SLOWDOWN:-1}))
D=/var/tmp/shared_map
P=/sys/module/shared_map/parameters
T=/tmp/40-dir
mkdir -p $T
chmod 777 $T

# as_user CMD: run CMD (a string) as uid 1000
as_user() {
	su user -c "$*"
}

fresh() {
	rmmod shared_map 2>/dev/null
	rm -rf $D /var/tmp/evil /var/tmp/loot /var/tmp/victim /var/tmp/u
}

# the admin follows the advice of the refusal line, and only that
admin_fix() {
	chown root:root $D && chmod 0700 $D
}

# refused DESC DMESG_PATTERN [modprobe args]: the load fails within 20 s
# and dmesg has the pattern
refused() {
	_d=$1 _m=$2
	shift 2
	dmesg -c >/dev/null
	timeout $TMO modprobe shared_map "$@" >$T/mp 2>&1
	_rc=$?
	if [ $_rc -eq 0 ]; then
		not_ok "$_d: the module loaded"
		rmmod shared_map
	elif [ $_rc -ge 124 ]; then
		not_ok "$_d: modprobe hung (killed after $TMO s, status $_rc)"
	elif ! dmesg | grep -q -- "$_m"; then
		not_ok "$_d: refused (status $_rc) but no dmesg line '$_m': $(dmesg | tail -n 2)"
	else
		ok "$_d: refused: $(dmesg | grep -- "$_m" | head -n 1 | sed 's/^\[[^]]*\] //')"
	fi
}

# loads DESC [modprobe args]: the load succeeds within 20 s
loads() {
	_d=$1
	shift
	dmesg -c >/dev/null
	timeout $TMO modprobe shared_map "$@" >$T/mp 2>&1
	_rc=$?
	if [ $_rc -eq 0 ]; then
		ok "$_d: loaded"
	else
		not_ok "$_d: status $_rc: $(cat $T/mp) $(dmesg | tail -n 2)"
	fi
}

# root_file DESC NAME: NAME in the log directory is now a regular file of root's
root_file() {
	if [ -f "$D/$2" ] && [ ! -L "$D/$2" ] &&
	   [ "$(stat -c '%u %h' "$D/$2")" = "0 1" ]; then
		ok "$1"
	else
		not_ok "$1: $(ls -ld "$D/$2" 2>&1)"
	fi
}

# compacts DESC: compact_now succeeds within 20 s
compacts() {
	timeout $TMO sh -c "echo 1 >$P/compact_now" 2>$T/cerr
	_rc=$?
	if [ $_rc -eq 0 ]; then ok "$1"; else not_ok "$1: status $_rc $(cat $T/cerr) $(dmesg | tail -n 2)"; fi
}

check "uid of 'user' is 1000" test "$(su user -c 'id -u')" = 1000
check "/var/tmp is root-owned and sticky (1777)" test "$(stat -c '%u %a' /var/tmp)" = "0 1777"

# ---- the directory ----------------------------------------------------------
fresh
loads "a fresh start"
check "the module creates the directory 0700 root:root" \
	test "$(stat -c '%a %u %g' $D)" = "700 0 0"
check "LOCK is root's" test "$(stat -c '%a %u' $D/LOCK)" = "600 0"

fresh
as_user "mkdir $D && chmod 0777 $D && touch $D/planted"
refused "a directory the user made first" \
	"log directory $D is owned by uid 1000, not root: .* Fix: 'chown root:root $D && chmod 0700 $D'"
check "the module wrote nothing into it" test "$(ls $D)" = planted

fresh
mkdir -m 0777 $D
refused "a root directory writable by others (0777)" \
	"log directory $D is writable by group or other (mode 0777)"
chmod 1777 $D
refused "a root directory, sticky but others may write (1777)" \
	"log directory $D is writable by group or other (mode 1777)"
chmod 0770 $D
refused "a root directory the group may write (0770)" \
	"log directory $D is writable by group or other (mode 0770)"

fresh
as_user "mkdir /var/tmp/evil && ln -s /var/tmp/evil $D"
refused "a symlink at the path, to the user's directory" \
	"log directory $D is a symlink: refusing to load; remove it"
check "nothing was written through the symlink" test -z "$(ls /var/tmp/evil)"
rm -rf $D /var/tmp/evil
mkdir -m 0700 /var/tmp/evil
chown 0:0 /var/tmp/evil
ln -s /var/tmp/evil $D
refused "a symlink at the path, even root's to a root directory" \
	"log directory $D is a symlink"

fresh
as_user "mkdir /var/tmp/u"
refused "a user's directory on the way (path=/var/tmp/u/shared_map)" \
	"log directory /var/tmp/u/shared_map: /var/tmp/u on the way to it is owned by uid 1000" \
	path=/var/tmp/u/shared_map
check "no directory made in the user's" test -z "$(ls /var/tmp/u)"

# ---- files planted before the admin fixed the directory ----------------------
fresh
as_user "mkdir $D && mkfifo $D/LOCK"
admin_fix
refused "a FIFO as LOCK" "refusing $D/LOCK: it is not a regular file (a FIFO)"
check "the FIFO is left for the admin to see" test -p $D/LOCK

fresh
as_user "mkdir $D && ln -s /var/tmp/loot $D/LOCK && touch /var/tmp/loot"
admin_fix
refused "a symlink as LOCK" "refusing $D/LOCK: it is a symlink"

fresh
as_user "mkdir $D && mkfifo $D/log.0000000000000001"
admin_fix
loads "a FIFO as the first segment: not opened"
root_file "... it is replaced by a regular file of root's" log.0000000000000001
check "... the store works" smap set k v
rmmod shared_map

fresh
as_user "mkdir $D && touch /var/tmp/loot && ln -s /var/tmp/loot $D/log.0000000000000001"
admin_fix
loads "a symlink as the first segment: not followed"
root_file "... it is replaced by a regular file of root's" log.0000000000000001
check "... its target is untouched" test ! -s /var/tmp/loot
rmmod shared_map

# a hard link to a file of root's (protected_hardlinks off, as on some systems)
echo 0 >/proc/sys/fs/protected_hardlinks
fresh
echo precious >/var/tmp/victim
as_user "mkdir $D && ln /var/tmp/victim $D/log.0000000000000001"
admin_fix
refused "a hard link to root's file as a segment" \
	"refusing $D/log.0000000000000001: it is a file with 2 links"
check "... the linked file is untouched" test "$(cat /var/tmp/victim)" = precious

fresh
echo precious >/var/tmp/victim
as_user "mkdir $D && ln /var/tmp/victim $D/snapshot.tmp"
admin_fix
loads "a hard link to root's file as snapshot.tmp"
check "... set some keys" smap set k v
compacts "... a compaction writes its own snapshot.tmp"
check "... the linked file is untouched" test "$(cat /var/tmp/victim)" = precious
check "... the snapshot is root's" test "$(stat -c '%u %h' $D/snapshot)" = "0 1"
rmmod shared_map
echo 1 >/proc/sys/fs/protected_hardlinks

# planted while the module runs would need a directory only root can write;
# what the admin's fix leaves behind at a name that compaction creates:
fresh
loads "the store for a FIFO as snapshot.tmp"
smap set k v
mkfifo $D/snapshot.tmp
chown 1000:1000 $D/snapshot.tmp
compacts "a FIFO as snapshot.tmp: compaction neither hangs nor fails"
root_file "... the snapshot is a regular file of root's" snapshot
check "... no snapshot.tmp left" test ! -e $D/snapshot.tmp
touch /var/tmp/loot
chown 1000:1000 /var/tmp/loot
ln -s /var/tmp/loot $D/snapshot.tmp
compacts "a symlink as snapshot.tmp: compaction is not stopped"
check "... its target is untouched" test ! -s /var/tmp/loot
rmmod shared_map

# a forged segment: valid records (a key of root's) in a file the user owns
fresh
loads "the store for a forged segment"
smap set --mode 0644 forged evil
rmmod shared_map
mkdir /var/tmp/src
cp $D/log.* /var/tmp/src/
rm -rf $D
as_user "mkdir $D"
cp /var/tmp/src/log.* $D/
chown 1000:1000 $D/log.*
rm -rf /var/tmp/src
admin_fix
refused "a segment the user owns" "refusing $D/log.0000000000000001: it is owned by uid 1000, not root"
chown 0:0 $D/log.*
loads "... the same file once root owns it"
expect_eq "$(smap get forged)" evil "... and its records replay (the refusal was the owner)"
rmmod shared_map

# ---- a root caller's umask and RLIMIT_FSIZE ---------------------------------
fresh
dmesg -c >/dev/null
if timeout $TMO sh -c 'umask 0777; ulimit -f 1; modprobe shared_map'; then
	ok "modprobe under umask 0777 and ulimit -f 1"
else
	not_ok "modprobe under umask 0777 and ulimit -f 1: $(dmesg | tail -n 2)"
fi
check "... its segment is 0600 (modprobe's umask did not apply)" \
	test "$(stat -c %a $D/log.0000000000000001)" = 600
V=$(printf '%*s' 200 '' | tr ' ' v)
i=0
while [ $i -lt 100 ]; do i=$((i + 1)); smap set key$i "$V"; done
dmesg -c >/dev/null
timeout $TMO sh -c "umask 0777; ulimit -f 1; echo 1 >$P/compact_now" 2>$T/cerr
rc=$?
expect_eq "$rc" 0 "compact_now by a root shell with umask 0777, ulimit -f 1 ($(cat $T/cerr))"
check "... it compacted 100 keys" sh -c "dmesg | grep -q 'compacted: 100 keys'"
check "... the snapshot is larger than the writer's limit ($(stat -c %s $D/snapshot) bytes)" \
	test "$(stat -c %s $D/snapshot)" -gt 20000
check "... and 0600, not 0000" test "$(stat -c %a $D/snapshot)" = 600
check "... the store is not read-only" test "$(cat $P/read_only)" = 0
rmmod shared_map
loads "... reload"
expect_eq "$(smap get key100)" "$V" "... the snapshot replays"

# ---- parameters ---------------------------------------------------------------
# bad_param NAME VALUE: writing VALUE is EINVAL and leaves NAME as it was
bad_param() {
	_old=$(cat $P/$1)
	if sh -c "echo '$2' >$P/$1" 2>/dev/null; then
		not_ok "$1=$2 accepted (now $(cat $P/$1))"
		echo "$_old" >$P/$1
	elif [ "$(cat $P/$1)" != "$_old" ]; then
		not_ok "$1=$2 refused but the value changed to $(cat $P/$1)"
	else
		ok "$1=$2 refused, still $_old"
	fi
}
# good_param NAME VALUE: accepted and read back
good_param() {
	if sh -c "echo '$2' >$P/$1" && [ "$(cat $P/$1)" = "$2" ]; then
		ok "$1=$2 accepted"
	else
		not_ok "$1=$2: not accepted (now $(cat $P/$1))"
	fi
}
for v in 0 1 2097151 1073741825 -1 abc ""; do bad_param queue_max "$v"; done
good_param queue_max 2097152
good_param queue_max 33554432
for v in 0 65535 1099511627777 x; do bad_param compact_min "$v"; done
good_param compact_min 65536
good_param compact_min 4194304
for v in 0 1 101; do bad_param compact_ratio "$v"; done
good_param compact_ratio 2
for v in 0 10001; do bad_param batch_ms "$v"; done
good_param batch_ms 10
for v in 0 4095 1099511627777; do bad_param max_bytes "$v"; done
good_param max_bytes 67108864
for v in -1 1099511627777 x; do bad_param nl_stage_user_max "$v"; done
good_param nl_stage_user_max 0
good_param nl_stage_user_max 4194304
bad_param sync sometimes
good_param sync always
for p in compact_now recover; do
	if sh -c "echo 2 >$P/$p" 2>/dev/null; then not_ok "$p=2 accepted"; else ok "$p=2 refused"; fi
done
check "a refusal says the range in dmesg" sh -c "dmesg | grep -q 'queue_max=0 refused: it takes 2097152..1073741824'"
# a writer still gets through after all that
check "set after the parameter attempts" timeout $TMO smap set after ok
rmmod shared_map
for a in queue_max=0 compact_min=0 compact_ratio=0 batch_ms=0 max_bytes=0; do
	dmesg -c >/dev/null
	if timeout $TMO modprobe shared_map $a 2>/dev/null; then
		not_ok "modprobe shared_map $a loaded"
		rmmod shared_map
	else
		ok "modprobe shared_map $a refused"
	fi
done

# ---- no test hook in the module users load -------------------------------------
loads "the module users load"
modinfo -p shared_map >/tmp/modinfo.p	# (descriptions hold quotes: a file)
check "modinfo lists the parameters (max_bytes among them)" grep -q '^max_bytes' /tmp/modinfo.p
check "modinfo has no compact_pause_ms" sh -c "! grep -q compact_pause_ms /tmp/modinfo.p"
check "no compact_pause_ms in /sys/module/shared_map/parameters" test ! -e $P/compact_pause_ms
check "not the test build" sh -c "! dmesg | grep -q 'TEST BUILD'"
unload_module
finish
