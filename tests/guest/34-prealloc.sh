# SPDX-License-Identifier: GPL-2.0
# Preallocated segments (persist/FORMAT.md, "Preallocation"): the zeros a
# segment is extended by are the clean end of its records after a crash,
# not damage nor a torn tail; damage before them is still a torn tail, of
# its own bytes; a zeroed stretch with records after it is damage, and the
# records after it are applied; a refused record written into preallocated
# space never comes back; smap-log verify says the same. A crash is
# simulated by copying the segments while the module runs (every set was
# acknowledged at sync=always, so the copy holds what a power cut keeps).
# vm: --test-module
. /with/guest/lib.sh
T=/tmp/34p
mkdir -p $T
D=/var/tmp/sp
P=/sys/module/shared_map/parameters
V=$(printf '%01000d' 0)		# 1000-byte values: extensions every ~60 sets

size() { stat -c %s "$1"; }
# crashed PREFIX N: a directory as a power cut leaves it after N
# acknowledged sets, in $D (and a copy of its segments in $T/crash)
crashed() {
	rm -rf $D $T/crash
	mkdir -p $T/crash
	load_module path=$D prealloc=65536
	fill "$1" "$2" "$V"
	cp $D/log.* $T/crash/
	rmmod shared_map
	rm -f $D/log.*
	cp $T/crash/log.* $D/
}
reload() {
	dmesg -c >/dev/null
	load_module path=$D
}
no_news() {
	check "$1: dmesg says no torn tail" sh -c '! dmesg | grep -q "torn tail"'
	check "$1: dmesg says no corruption" sh -c '! dmesg | grep -q "CORRUPTION"'
	check "$1: dmesg says nothing repaired" sh -c '! dmesg | grep -q "damage was repaired"'
	expect_eq "$(stat_of truncated_bytes)" 0 "$1: stats: nothing truncated"
	expect_eq "$(stat_of corrupt_files)" 0 "$1: stats: no corrupt file"
}

# ---- a clean unload trims the zeros; the running segment has them ----------
rm -rf $D
load_module path=$D prealloc=65536
fill key 150 "$V"
seg=$(ls $D/log.* | tail -n 1)
logb=$(stat_of log_bytes)
check "the running segment is preallocated past its records" test "$(size "$seg")" -gt "$logb"
check "... in whole chunks (extended more than once)" test "$(size "$seg")" -ge 131072
run smap-log verify $seg
expect_eq "$RC" 0 "smap-log verify: the running segment is clean"
check "smap-log counts the unused preallocated bytes" grep -q "preallocated bytes unused" $T/out
rmmod shared_map
check "after a clean unload the segment ends at its last record" test "$(size "$seg")" -eq "$logb"
run smap-log dump $D
check "smap-log dump says the segment is preallocated" grep -q "preallocated" $T/out

# ---- a zero tail after a crash: nothing reported, nothing lost ---------------
crashed key 100
seg=$(ls $D/log.* | tail -n 1)
run smap-log verify $D
expect_eq "$RC" 0 "smap-log verify: a zero tail is clean"
check "smap-log says ok, and that the segment ends in zeros" grep -q "ok, 100 records, .* preallocated bytes unused" $T/out
end=$(sed -n 's/.* \([0-9]*\) bytes, .*/\1/p' $T/out)
reload
expect_eq "$(held key "$V" 100)" 100 "zero tail: all 100 acknowledged records back"
no_news "zero tail"
expect_eq "$(size "$seg")" "$end" "replay trimmed the zeros, nothing else"
expect_eq "$(stat_of log_bytes)" $((end + 64)) "log_bytes: the records and the new segment's header"
rmmod shared_map

# ---- damage in the last record before the zeros: a torn tail of its bytes ----
crashed tt 30
seg=$(ls $D/log.* | tail -n 1)
set -- $(smap-log dump --offsets "$seg" | awk '/key="tt30"/ { print $1 }') \
	$(smap-log verify "$seg" | sed -n 's/.* \([0-9]*\) bytes, .*/\1/p')
off=$1 end=$2
expect_eq "${off:+found}${end:+found}" foundfound "the last record and the end of the records located"
printf '\377' | dd of="$seg" bs=1 seek=$((off + 48)) conv=notrunc 2>/dev/null
run smap-log verify $D
expect_eq "$RC" 1 "smap-log verify: a torn tail"
check "smap-log: torn tail of the record's bytes alone" grep -q "torn tail: 29 valid records, $((end - off)) bytes after offset $off" $T/out
reload
expect_eq "$(held tt "$V" 30)" 29 "torn tail before zeros: the other 29 applied"
check "dmesg: torn tail of the record alone" sh -c "dmesg | grep -q 'torn tail: truncated $((end - off)) bytes at offset $off'"
expect_eq "$(stat_of truncated_bytes)" $((end - off)) "stats: truncated bytes do not count the zeros"
expect_eq "$(stat_of corrupt_files)" 0 "a torn tail is no corrupt file"
rmmod shared_map

# ---- damage in the middle, then a zero tail: passed over, the rest applied ----
crashed mid 40
seg=$(ls $D/log.* | tail -n 1)
off=$(smap-log dump --offsets "$seg" | awk '/key="mid10"/ { print $1 }')
printf '\377' | dd of="$seg" bs=1 seek=$((off + 48)) conv=notrunc 2>/dev/null
run smap-log verify $D
expect_eq "$RC" 1 "smap-log verify: damage before a zero tail"
check "smap-log: one damaged record, no torn tail" sh -c "grep -q '1 damaged record' $T/out && ! grep -q 'torn tail' $T/out"
reload
expect_eq "$(held mid "$V" 40)" 39 "damage before a zero tail: 39 of 40 applied"
expect_eq "$(stat_of skipped_records)" 1 "stats: 1 record passed over"
check "dmesg says no torn tail" sh -c '! dmesg | grep -q "torn tail"'
expect_eq "$(stat_of truncated_bytes)" 0 "stats: nothing truncated"
rmmod shared_map

# ---- a zeroed stretch with valid records after it: damage, the rest applied ---
crashed zm 40
seg=$(ls $D/log.* | tail -n 1)
from=$(smap-log dump --offsets "$seg" | awk '/key="zm10"/ { print $1 }')
to=$(smap-log dump --offsets "$seg" | awk '/key="zm13"/ { print $1 }')
expect_eq "${from:+found}${to:+found}" foundfound "records 10 and 13 located"
dd if=/dev/zero of="$seg" bs=1 seek="$from" count=$((to - from)) conv=notrunc 2>/dev/null
run smap-log verify $D
expect_eq "$RC" 1 "smap-log verify: a zeroed middle is damage"
check "smap-log: 3 damaged records passed over" grep -q "3 damaged records ($((to - from)) bytes)" $T/out
reload
expect_eq "$(held zm "$V" 40)" 37 "zeroed middle: the 37 records around it applied"
expect_eq "$(smap get zm40 | tail -c 2)" 40 "the last record, after the zeros, applied"
expect_eq "$(stat_of skipped_records)" 3 "stats: 3 records passed over"
check "dmesg reports CORRUPTION" sh -c 'dmesg | grep -q "CORRUPTION in"'
rmmod shared_map

# ---- a refused write in preallocated space never comes back -----------------
rm -rf $D
load_module path=$D
check "set k1 acked" smap set k1 acked
seg=$(ls $D/log.* | tail -n 1)
check "the record lies in preallocated space" test "$(size "$seg")" -gt "$(stat_of log_bytes)"
echo 1 >$P/fail_sync
run smap set k1 doomed
expect_eq "$RC" 2 "set k1 doomed fails: its fsync failed"
expect_eq "$(smap get k1)" acked "the refused value is not served"
expect_eq "$(size "$seg")" "$(stat_of log_bytes)" "the cut took the refused record and the zeros after it"
run smap-log verify $D
check "smap-log: the segment holds the acknowledged record alone" grep -q "ok, 1 records" $T/out
check "rmmod (the cut succeeded)" rmmod shared_map
load_module path=$D
expect_eq "$(smap get k1)" acked "after reload: the acknowledged value, never the refused one"
rmmod shared_map

# ---- without the header's bit, zeros at the end are a torn tail as before ----
rm -rf $D
load_module path=$D prealloc=0
fill old 5 "$V"
rmmod shared_map
seg=$(ls $D/log.* | tail -n 1)
run smap-log dump $D
check "prealloc=0: the header does not say preallocated" sh -c "! grep -q preallocated $T/out"
truncate -s $(($(size "$seg") + 4096)) "$seg"
run smap-log verify $D
expect_eq "$RC" 1 "smap-log verify: zeros after an unflagged segment are a torn tail"
reload
expect_eq "$(held old "$V" 5)" 5 "every record kept"
check "dmesg: the torn tail of zeros" sh -c 'dmesg | grep -q "torn tail: truncated 4096 bytes"'
unload_module
finish
