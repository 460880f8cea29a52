# SPDX-License-Identifier: GPL-2.0
# Replay sizes the hash table once, before the first record, from the log's
# bytes over its first records' average size (ops->expect), instead of
# doubling it (every key moved) as it fills: one dmesg line says the size.
# A log of under 4096 records is left to grow as it always did. A log whose
# records mostly delete still loads exactly what it says.
. /with/guest/lib.sh
keys() { smap stats | awk '$1 == "keys" { print $2 }'; }
T=/tmp/32p
mkdir -p $T
D=/var/tmp/rz

# 20000 keys of 16 B with 16 B values: 72-byte records
load_module path=$D sync=none
check "20000 sets" sh -c 'smap-bench --rw=get --ops=1 --keys=20000 \
	--key-size=16 --value-size=16 --prefill=1 >/dev/null'
check "rmmod" rmmod shared_map
dmesg -c >/dev/null
load_module path=$D
line=$(dmesg | grep 'replay: hash table of ')
n=$(echo "$line" | sed -n 's/.* of \([0-9]*\) buckets for about \([0-9]*\) records$/\2/p')
b=$(echo "$line" | sed -n 's/.* of \([0-9]*\) buckets for about .*/\1/p')
check "about 20000 records expected ('$line')" \
	test "${n:-0}" -ge 19800 -a "${n:-0}" -le 20200
# rhashtable is 75% full at most: 20000 keys need 32768 buckets
expect_eq "$b" 32768 "the table sized once for them"
expect_eq "$(keys)" 20000 "every key loaded"
check "rmmod" rmmod shared_map
rm -rf $D

# Read ahead: while one 4 MiB buffer's records are applied, the next is
# already being read, so a log read cold (caches dropped) waits for the
# disk at each file's first read and hardly at the later ones. 20000 keys
# with 1000 B values are a 21 MB log, at least three refills of the buffer
# (large records: few inserts, so the debug kernel replays it in seconds);
# one dmesg line says how long those reads took. With 250000 small keys
# (18 MB) they took 7-8 ms read ahead and 47 ms read at each refill on
# 6.12, 25-45 ms and 57 ms on 6.1 (the copy from the page cache is slower
# there; here 17 ms of a 498 ms replay on 6.12, 67 of 686 on 6.1): the
# bound below, a quarter of the replay, catches reads that wait for the
# disk record by record, not a lost readahead (bench/ab --replay and
# this line measure that).
load_module path=$D sync=none
check "20000 sets of 1000 B" sh -c 'smap-bench --rw=get --ops=1 --keys=20000 \
	--key-size=16 --value-size=1000 --prefill=1 >/dev/null'
check "rmmod" rmmod shared_map
sync
echo 3 >/proc/sys/vm/drop_caches
dmesg -c >/dev/null
load_module path=$D
line=$(dmesg | grep "replay: .* reads after each file's first took")
echo "  20000 keys of 1000 B read cold: $line"
n=$(echo "$line" | sed -n "s/.*replay: \([0-9]*\) reads .* took \([0-9]*\) ms$/\1/p")
w=$(echo "$line" | sed -n "s/.*replay: \([0-9]*\) reads .* took \([0-9]*\) ms$/\2/p")
t=$(dmesg | sed -n 's/.*replayed [0-9]* records from .* in \([0-9]*\) ms$/\1/p')
check "the buffer was refilled ${n:-?} times, at least 3" test "${n:-0}" -ge 3
check "the refills took ${w:-?} ms, at most a quarter of the replay's ${t:-?} ms" \
	test -n "$w" -a -n "$t" -a "$((${w:-1} * 4))" -le "${t:-0}"
expect_eq "$(keys)" 20000 "every key loaded"
check "rmmod" rmmod shared_map
rm -rf $D

# a short log: no sizing, as before
load_module path=$D sync=none
i=1
while [ $i -le 200 ]; do echo "set s$i v$i"; i=$((i + 1)); done >$T/ops
check "200 sets" smap batch $T/ops
check "rmmod" rmmod shared_map
dmesg -c >/dev/null
load_module path=$D
expect_eq "$(dmesg | grep -c 'replay: hash table of ')" 0 "200 records: the table grows as it fills"
check "rmmod" rmmod shared_map
rm -rf $D

# 6000 sets, then 5000 of them deleted: sized for ~11000 records, 1000 keys
load_module path=$D sync=none
awk 'BEGIN { for (i = 1; i <= 6000; i++) print "set d" i " v" i
	     for (i = 1; i <= 5000; i++) print "del d" i }' >$T/ops
check "6000 sets, 5000 deletes" smap batch $T/ops
check "rmmod" rmmod shared_map
dmesg -c >/dev/null
load_module path=$D
expect_eq "$(dmesg | grep -c 'replay: hash table of .* buckets for about')" 1 \
	"the table was sized"
expect_eq "$(keys)" 1000 "1000 keys left"
same "a key kept" v6000 smap get d6000
same "another" v5001 smap get d5001
expect_rc 1 "a deleted key is gone" smap get d5000
check "its value can be set again" smap set d5000 w
same "and read" w smap get d5000
unload_module
finish
