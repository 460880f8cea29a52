# SPDX-License-Identifier: GPL-2.0
# smap dump / smap load (tools/DUMP.md): binary keys and values round-trip
# byte-exactly (every byte 0..255 in a key and a value, an empty value, a
# key of key_max bytes, a 64 KiB value), in the text and the JSON form;
# --keep-owner as root keeps owners and modes, through a reload (replay)
# too, and over netlink; refused to a user (EPERM, one line, nothing
# applied); a user's load owns the keys; a user's dump skips the keys it
# may not read and counts them; a bad line in the middle applies nothing
# of its chunk and names its line; load's chunks cost about an fsync each
# under sync=always; smap list -0; smap-log's default PATH.
. /with/guest/lib.sh
T=/tmp/24
mkdir -p $T
chmod 777 $T

# fresh: an empty store
fresh() {
	rmmod shared_map && rm -rf /var/tmp/shared_map && modprobe shared_map "$@"
}
# sorted DUMP: its lines sorted (dump's order is the store's)
sorted() { sort "$1" >"$1.s"; echo "$1.s"; }

load_module

# every byte, raw and escaped as a dump writes it (\xx)
i=0
: >$T/all
esc=
while [ $i -lt 256 ]; do
	printf "\\$(printf %03o $i)" >>$T/all
	esc=$esc$(printf '\\%02x' $i)
	i=$((i + 1))
done
check "256 bytes made" test "$(wc -c <$T/all)" -eq 256
head -c 65536 /dev/urandom >$T/big
mk=$(printf '%01024d' 0 | tr 0 k)

check "set every byte as a value" sh -c "smap set bin - <$T/all"
check "set an empty value" smap set empty ""
check "set a 64 KiB value" sh -c "smap set big - <$T/big"
check "set a key of key_max (1024) bytes" smap set "$mk" m
check "root's 0600 key" smap set --mode 0600 priv p
check "user's 0640 key" su user -c "smap set --mode 0640 ukey uval"
check "other's 0600 key" su other -c "smap set --mode 0600 okey oval"
printf 'SMAP-DUMP 1\n0 0 0644 allbytes:%s %s\nEND 1\n' "$esc" "$esc" >$T/hand
check "load a key holding every byte" sh -c "smap load <$T/hand"
N=8

# list -0: keys NUL-terminated, binary-safe
{ printf 'allbytes:'; cat $T/all; printf '\0'; } >$T/l0want
smap list -0 allbytes: >$T/l0
check "list -0 prints the binary key and a NUL" cmp $T/l0 $T/l0want
smap list -0 >$T/l0all
# (allbytes:'s own NUL byte is one more: -0 cannot tell it apart; dump can)
expect_eq "$(tr -cd '\0' <$T/l0all | wc -c)" $((N + 1)) "list -0: one NUL per key"

run smap dump
cp $T/out $T/d1
expect_eq "$RC" 0 "dump exits 0"
expect_eq "$(head -n 1 $T/d1)" "SMAP-DUMP 1" "dump's header line"
expect_eq "$(tail -n 1 $T/d1)" "END $N" "dump's end line counts the records"
expect_eq "$(grep -c '^1000 1000 0640 ukey uval$' $T/d1)" 1 "user's key: owner, group, mode"
expect_eq "$(grep -c '^0 0 0644 empty -$' $T/d1)" 1 "an empty value is '-'"
check "dump --json" sh -c "smap dump --json >$T/j1"
expect_eq "$(tail -n 1 $T/j1)" "],\"count\":$N}" "JSON end line"

# ---- restore as root, keeping owners --------------------------------------
check "fresh store" fresh
run smap load --keep-owner $T/d1
expect_eq "$RC.$(cat $T/err)" "0." "load --keep-owner exits 0, silent"
smap dump >$T/d2
check "dump, load, dump: the same records" cmp "$(sorted $T/d1)" "$(sorted $T/d2)"
smap get bin >$T/got
check "every byte of a value kept" cmp $T/got $T/all
smap get big >$T/got
check "64 KiB value kept" cmp $T/got $T/big
same "empty value kept" "" smap get empty
same "key_max key kept" m smap get "$mk"
smap list -0 allbytes: >$T/l0
check "binary key kept" cmp $T/l0 $T/l0want
check "rmmod, modprobe (replay)" sh -c "rmmod shared_map && modprobe shared_map"
smap dump >$T/d3
check "owners and modes survive replay" cmp "$(sorted $T/d1)" "$(sorted $T/d3)"

check "fresh store" fresh
check "load the JSON form" sh -c "smap load --keep-owner <$T/j1"
smap dump >$T/d4
check "JSON: the same records" cmp "$(sorted $T/d1)" "$(sorted $T/d4)"

check "fresh store" fresh
printf 'SMAP-DUMP 1\n1000 1000 0640 ukey uval\nEND 1\n' >$T/one
check "netlink: load --keep-owner" sh -c "smap --netlink load --keep-owner <$T/one"
expect_eq "$(smap dump | grep -c '^1000 1000 0640 ukey uval$')" 1 "netlink: owner kept"

# ---- a user ------------------------------------------------------------------
check "fresh store" fresh
as user "user: load --keep-owner refused" 2 \
	"smap: load: --keep-owner: permission denied (giving keys their owners needs CAP_SYS_ADMIN; without --keep-owner the keys are yours); lines 2 and after were not applied" \
	"smap load --keep-owner $T/d1"
expect_eq "$(stat_of keys)" 0 "user: nothing applied"
as user "user: load without --keep-owner" 0 "" "smap load $T/d1"
smap dump >$T/du
expect_eq "$(grep -c '^1000 1000 ' $T/du)" $N "user: every key is the user's, group too"
expect_eq "$(grep -c ' 0600 priv p$' $T/du)" 1 "user: modes kept"

check "fresh store" fresh
check "restore as root" smap load --keep-owner $T/d1
as user "user: dump skips what it may not read" 0 \
	"smap: dump: 2 keys you may not read were skipped" "smap dump >$T/du2"
expect_eq "$(tail -n 1 $T/du2)" "END $((N - 2))" "user: dump of the readable keys"
expect_eq "$(grep -c -e ' priv ' -e ' okey ' $T/du2)" 0 "user: no private key in it"
expect_eq "$(grep -c ' ukey uval$' $T/du2)" 1 "user: its own key in it"
# the count is the module's, exact with a prefix too (it used to be the
# store's total less what was dumped, so only without a prefix)
as user "user: dump --prefix p counts the unreadable key under it" 0 \
	"smap: dump: 1 keys you may not read were skipped" "smap dump --prefix p >$T/du3"
expect_eq "$(tail -n 1 $T/du3)" "END 0" "user: nothing readable under p"
as user "user: netlink dump --prefix o counts it too" 0 \
	"smap: dump: 1 keys you may not read were skipped" "smap --netlink dump --prefix o >$T/du4"
as user "user: dump --prefix u skips nothing" 0 "" "smap dump --prefix u >$T/du5"

# ---- a bad line in the middle: nothing of its chunk --------------------------
check "fresh store" fresh
{
	echo "SMAP-DUMP 1"
	i=1
	while [ $i -le 200 ]; do
		if [ $i -eq 149 ]; then echo "0 0 0644 bad$i"; else echo "0 0 0644 bad$i v$i"; fi
		i=$((i + 1))
	done
	echo "END 200"
} >$T/bad
# records 1..64 (lines 2..65), 65..128 (66..129), 129..192 (130..193)
fails "bad line: its number and what is wrong" 2 \
	"smap: load: line 150: 4 fields, expected 5: UID GID MODE KEY VALUE; nothing from line 130 on was applied (128 records before were)" \
	smap load $T/bad
expect_eq "$(smap list bad | wc -l)" 128 "bad line: the chunks before it applied"
fails "bad line: its chunk's first record not applied" 1 "smap: get: key not found" smap get bad129
fails "bad line: the record before it not applied" 1 "smap: get: key not found" smap get bad148
same "bad line: the last record of the chunk before applied" v128 smap get bad128
printf 'SMAP-DUMP 1\n0 0 0644 a b\n' >$T/trunc
fails "no end line: truncated" 2 \
	"smap: load: line 3: the dump ends without its end line (truncated?); nothing from line 2 on was applied (0 records before were)" \
	smap load $T/trunc
printf 'SMAP-DUMP 1\n0 0 0644 a b\nEND 2\n' >$T/count
fails "end line with the wrong count" 2 \
	"smap: load: line 3: the end line says 2 records, the dump holds 1; nothing from line 2 on was applied (0 records before were)" \
	smap load $T/count
printf 'set a b\n' >$T/notdump
fails "not a dump" 2 \
	"smap: load: line 1: not a smap dump (the first line must be 'SMAP-DUMP 1'); nothing from line 1 on was applied (0 records before were)" \
	smap load $T/notdump
expect_eq "$(smap list a | wc -l)" 0 "nothing applied of the refused files"

# ---- chunks and fsyncs under sync=always --------------------------------------
{
	echo "SMAP-DUMP 1"
	i=1
	while [ $i -le 640 ]; do echo "0 0 0644 f$i v$i"; i=$((i + 1)); done
	echo "END 640"
} >$T/f
f0=$(stat_of fsyncs)
check "load 640 records (10 chunks) under sync=always" smap load $T/f
f1=$(stat_of fsyncs)
echo "summary: load of 640 records in 10 chunks: $((f1 - f0)) fsyncs"
# A chunk is one commit group: the writer is woken once all of its records
# are queued, so it takes them in one round, one fsync, however slow the
# staging (with lockdep a group holds at most 32 stripes: two fsyncs a chunk)
lim=10
[ -e /proc/lockdep ] && lim=20
check "an fsync per chunk (got $((f1 - f0)) for 10; 640 sets: 640)" test $((f1 - f0)) -le $lim
expect_eq "$(smap list f | wc -l)" 640 "all 640 loaded"

# smap-log's default PATH is the module's
run smap-log verify
cp $T/out $T/v0
expect_eq "$RC" 0 "smap-log verify without PATH: exit 0"
smap-log verify /var/tmp/shared_map >$T/v1
check "smap-log verify without PATH reads /var/tmp/shared_map" cmp $T/v0 $T/v1

unload_module
finish
