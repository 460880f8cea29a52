#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
# smap backup (issue #19): a consistent copy of a live store. Four writer
# processes, each with its own keys (w<N>/0..7, created 0 first so their
# ids ascend), write 1, 2, 3, ... to them in turn, in descending key order
# (value i to key (8 - i % 8) % 8: against the order a walk of the store
# visits them, so a backup that walked the store while writes went on
# would show a later write without an earlier one), and log each
# acknowledged value; a backup is taken midway, the module pausing after
# each key it writes (backup_pause_ms, a test hook) so the writers go on
# meanwhile. Then:
# - smap-log verify accepts the backup directory;
# - every value acknowledged before the backup began is in it, at least as
#   new as acknowledged;
# - for each writer the backup holds exactly the state after some prefix
#   of its writes (the values of its 8 keys agree with one cut);
# - restoring it (rmmod; modprobe path=DIR) gives exactly its records, and
#   the live store goes on from the sequence number after the backup's;
# - a user's 0600 key is in it with its owner and mode;
# - a user is refused (EPERM, one line, nothing left behind), and a
#   directory that is not empty or is group-writable is refused.
# vm: --test-module --timeout 900
. /with/guest/lib.sh
T=/tmp/t25
mkdir -p $T
BK=/var/tmp/bk25

load_module backup_pause_ms=15
check "user's 0600 key" su user -c "smap set --mode 0600 usecret u-value"

# the writers' keys, value 0 (no write yet), ids ascending per writer
for w in 1 2 3 4; do
	for j in 0 1 2 3 4 5 6 7; do smap set "w$w/$j" 0; done
done
# writer W: value i to w$W/((8 - i % 8) % 8) until $T/stop; each acked one logged
writer() {
	i=0
	while [ ! -e $T/stop ]; do
		i=$((i + 1))
		k=w$1/$(((8 - i % 8) % 8))
		if smap set "$k" "$i"; then
			echo "$k $i" >>$T/acked.$1
		else
			echo "set $i failed" >>$T/errors
		fi
	done
}
for w in 1 2 3 4; do
	: >$T/acked.$w
	writer $w &
done
# midway: once every writer has acknowledged 24 values (each key 3 times)
n=0
while [ $n -lt 600 ]; do
	low=$(for w in 1 2 3 4; do wc -l <$T/acked.$w; done | sort -n | head -n 1)
	[ "$low" -ge 24 ] && break
	usleep 100000
	n=$((n + 1))
done
for w in 1 2 3 4; do cp $T/acked.$w $T/before.$w; done
run smap backup $BK
cp $T/out $T/bkout
cat $T/bkout $T/err
check "smap backup exits 0, says nothing on stderr" test "$RC" -eq 0 -a ! -s $T/err
for w in 1 2 3 4; do cp $T/acked.$w $T/after.$w; done
sleep 1
touch $T/stop
wait
check "no writer's set failed" test ! -s $T/errors
during=0
for w in 1 2 3 4; do
	[ "$(wc -l <$T/after.$w)" -gt "$(wc -l <$T/before.$w)" ] && during=$((during + 1))
done
check "writers acknowledged values while the backup ran ($during of 4)" test "$during" -gt 0

run smap-log verify $BK
cat $T/out
check "smap-log verify accepts the backup" test "$RC" -eq 0
check "the backup is DIR/snapshot alone" test "$(ls -A $BK)" = snapshot
check "DIR is 0700, the snapshot 0600" test "$(stat -c %a $BK)/$(stat -c %a $BK/snapshot)" = 700/600

# the backup's records: "KEY VALUE", sorted
smap-log dump --full $BK/snapshot |
	sed -n 's/^[0-9]* set key="\([^"]*\)" mode=\([0-7]*\) uid=\([0-9]*\) gid=[0-9]* value="\([^"]*\)"$/\1 \4 \3 \2/p' |
	sort >$T/bk.recs
cut -d' ' -f1,2 $T/bk.recs >$T/bk.kv
expect_eq "$(wc -l <$T/bk.recs)" "$(sed -n 's/^backup: \([0-9]*\) keys.*/\1/p' $T/bkout)" \
	"the backup holds as many records as it said keys"
expect_eq "$(grep -c '^usecret u-value 1000 0600$' $T/bk.recs)" 1 \
	"the user's 0600 key is in it, with its owner and mode"

# acknowledged before the backup began: present, at least that new
bad=0
for w in 1 2 3 4; do
	for j in 0 1 2 3 4 5 6 7; do
		a=$(grep "^w$w/$j " $T/before.$w | tail -n 1 | cut -d' ' -f2)
		[ -n "$a" ] || continue
		b=$(grep "^w$w/$j " $T/bk.kv | cut -d' ' -f2)
		if [ -z "$b" ] || [ "$b" -lt "$a" ]; then
			echo "w$w/$j: acknowledged $a before the backup, backup has '$b'"
			bad=$((bad + 1))
		fi
	done
done
expect_eq "$bad" 0 "every value acknowledged before the backup began is in it"

# each writer's keys: exactly the state after its first m writes, m the
# newest value the backup has of it (value i went to key (8 - i % 8) % 8,
# so key j's is the largest i <= m with i % 8 = (8 - j) % 8, or 0)
bad=0
for w in 1 2 3 4; do
	m=$(grep "^w$w/" $T/bk.kv | cut -d' ' -f2 | sort -n | tail -n 1)
	for j in 0 1 2 3 4 5 6 7; do
		r=$(((8 - j) % 8))
		want=$((m - ((m - r) % 8 + 8) % 8))
		[ "$want" -ge 1 ] || want=0
		b=$(grep "^w$w/$j " $T/bk.kv | cut -d' ' -f2)
		if [ "$b" != "$want" ]; then
			echo "w$w/$j: backup has '$b', the state after $m writes has '$want'"
			bad=$((bad + 1))
		fi
	done
done
expect_eq "$bad" 0 "each writer's keys in the backup are a prefix of its history"
seq=$(sed -n 's/.* at sequence \([0-9]*\),.*/\1/p' $T/bkout)

# restore: the backup directory loads as exactly its records
unload_module
load_module path=$BK
smap dump | sed -n 's/^\([0-9]*\) [0-9]* \([0-7]*\) \([^ ]*\) \([^ ]*\)$/\3 \4 \1 \2/p' |
	sort >$T/restored
check "restored (modprobe path=DIR): exactly the backup's keys, values, owners and modes" \
	cmp -s $T/restored $T/bk.recs
check "smap dump of the restore differs from the backup's records: none" sh -c "diff $T/restored $T/bk.recs"
smap set after-restore x
expect_eq "$(smap stats --json | sed -n 's/.*"log_seq": *\([0-9]*\).*/\1/p')" "$((seq + 1))" \
	"the restored store goes on from the backup's sequence number"
unload_module
load_module

# refusals
as user "a user: backup refused (EPERM)" 2 \
	"smap: backup: permission denied: a backup holds every user's values, so it needs CAP_SYS_ADMIN (root)" \
	"smap backup /var/tmp/ubk25"
check "a user's refused backup leaves no directory" test ! -e /var/tmp/ubk25
mkdir -p $T/ne
touch $T/ne/x
fails "a directory that is not empty is refused" 2 \
	"smap: backup: $T/ne: not empty (a backup goes into a new or empty directory)" \
	smap backup $T/ne
mkdir -m 0770 $T/gw
fails "a group-writable directory is refused" 2 \
	"smap: backup: $T/gw: writable by group or others (chmod 0700 $T/gw)" \
	smap backup $T/gw
mkdir -p $T/inc
: >$T/inc/snapshot.tmp
expect_rc 1 "smap-log verify rejects a directory with only snapshot.tmp" \
	smap-log verify $T/inc
unload_module
finish
