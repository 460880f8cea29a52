# SPDX-License-Identifier: GPL-2.0
# Damage loses only what it touched: a damaged record is passed over and
# every valid record after it applied; a segment with a bad header is
# scanned; a damaged snapshot keeps the segments below it; a missing file
# loads the store read-only until recover accepts the loss.
. /with/guest/lib.sh
T=/tmp/34
mkdir -p $T
D=/var/tmp/sm
P=/sys/module/shared_map/parameters

flip() { printf '\377' | dd of="$1" bs=1 seek="$2" conv=notrunc 2>/dev/null; }
# fresh PREFIX N: a new store holding PREFIX1..N, unloaded
fresh() {
	rm -rf $D
	load_module path=$D
	fill "$1" "$2"
	rmmod shared_map
}
# reload: load again, with dmesg holding only what this load says
reload() {
	dmesg -c >/dev/null
	load_module path=$D
}

# ---- a damaged record in the middle of a segment -------------------------
fresh key 100
seg=$(ls $D/log.* | tail -n 1)
off=$(smap-log dump --offsets "$seg" | awk '/key="key10"/ { print $1 }')
expect_eq "${off:+found}" found "record 10 located"
flip "$seg" $((off + 48))	# inside key10's value
run smap-log verify $D
expect_eq "$RC" 1 "smap-log verify reports the damage"
check "smap-log names the passed-over record" grep -q "1 damaged record" $T/out
check "smap-log names its key" grep -q 'key10' $T/out
reload
expect_eq "$(held key val- 100)" 99 "99 of 100 records applied: only the damaged one lost"
expect_rc 1 "the damaged record's key is absent" smap get key10
check "dmesg names the damaged key" sh -c 'dmesg | grep -q "key \"key10\""'
check "dmesg reports CORRUPTION" sh -c 'dmesg | grep -q "CORRUPTION in"'
expect_eq "$(stat_of skipped_records)" 1 "stats: 1 record passed over"
check "stats: skipped bytes counted" test "$(stat_of skipped_bytes)" -gt 0
check "a .corrupt copy was kept for a human" sh -c "ls $D/*.corrupt"
rmmod shared_map
reload
expect_eq "$(held key val- 100)" 99 "after the repairing compaction and a reload: still 99"
check "no new corruption on the next load" sh -c '! dmesg | grep -q "CORRUPTION in"'
rmmod shared_map

# ---- a segment whose header is damaged is scanned, never unlinked --------
fresh hdr 30
flip "$(ls $D/log.* | tail -n 1)" 9
reload
expect_eq "$(held hdr val- 30)" 30 "bad header: every record still applied"
check "dmesg says the header was bad" sh -c 'dmesg | grep -q "bad header"'
rmmod shared_map

# ---- a damaged snapshot keeps the segments below its base ----------------
fresh snap 20
mkdir -p $T/old
cp $D/log.* $T/old/
load_module path=$D
echo 1 >$P/compact_now
rmmod shared_map
check "compaction removed the old segment" sh -c "! ls $D/$(basename "$(ls $T/old/log.* | head -n 1)") 2>/dev/null"
cp $T/old/log.* $D/	# as a crash between the rename and the unlinks leaves them
off=$(smap-log dump --offsets $D/snapshot | awk '/key="snap5"/ { print $1 }')
flip $D/snapshot $((off + 48))
reload
expect_eq "$(held snap val- 20)" 20 "damaged snapshot: its lost record comes from the segment below it"
check "dmesg reports the snapshot's CORRUPTION" sh -c 'dmesg | grep -q "CORRUPTION in.*snapshot"'
rmmod shared_map

# ---- a missing segment: read-only, loudly, until recover -----------------
rm -rf $D
for w in a b c; do
	load_module path=$D
	smap set "$w" "val-$w"
	rmmod shared_map
done
expect_eq "$(ls $D/log.* | wc -l)" 3 "three loads, three segments"
rm "$(ls $D/log.* | sed -n 2p)"
reload
check "dmesg: LOG CHAIN BROKEN" sh -c 'dmesg | grep -q "LOG CHAIN BROKEN"'
expect_eq "$(cat $P/read_only)" 1 "a hole in the chain loads read-only"
expect_eq "$(smap get c)" val-c "what is there is served"
run smap set x y
expect_eq "$RC" 2 "sets are refused"
check "...saying read-only" grep -q "read-only" $T/err
check "recover accepts the loss" sh -c "echo 1 >$P/recover"
expect_eq "$(cat $P/read_only)" 0 "writable again"
check "a set after recover" smap set x y
rmmod shared_map
reload
expect_eq "$(cat $P/read_only)" 0 "the next load is clean"
expect_eq "$(smap get x)$(smap get a)$(smap get c)" yval-aval-c "everything kept survives"
check "no chain message any more" sh -c '! dmesg | grep -q "LOG CHAIN BROKEN"'

# ---- a missing newest segment: its predecessor says it was followed -------
rmmod shared_map
newest=$(ls $D/log.* | tail -n 1)
check "smap-log: the segment before the newest is marked followed" sh -c \
	"smap-log dump $(ls $D/log.* | tail -n 2 | head -n 1) | grep -q ', followed'"
check "smap-log: the newest is not" sh -c "! smap-log dump $newest | grep -q ', followed'"
rm "$newest"
reload
check "dmesg: the newest segment is missing" sh -c \
	'dmesg | grep -q "LOG CHAIN BROKEN.*the newest segment, is missing"'
expect_eq "$(cat $P/read_only)" 1 "a missing newest segment loads read-only"
check "recover accepts the loss" sh -c "echo 1 >$P/recover"
rmmod shared_map
reload
expect_eq "$(cat $P/read_only)" 0 "the next load after recover is clean"

# ---- a missing snapshot ---------------------------------------------------
echo 1 >$P/compact_now
smap set after-snap z
rmmod shared_map
rm $D/snapshot
reload
expect_eq "$(cat $P/read_only)" 1 "a missing snapshot loads read-only"
check "dmesg says what is missing" sh -c 'dmesg | grep -q "LOG CHAIN BROKEN.*snapshot"'
unload_module
finish
