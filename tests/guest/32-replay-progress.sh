# SPDX-License-Identifier: GPL-2.0
# vm: --test-module
# A long replay says how far it is in dmesg, at most every 5 s
# (replay_progress_ms, a parameter of the test build only): records applied,
# bytes read of all the log files' bytes, percent, seconds. A short replay
# at the default says nothing; with replay_progress_ms=0 there is a line per
# record, so every one of them and their numbers can be checked.
. /with/guest/lib.sh
T=/tmp/32
mkdir -p $T
D=/var/tmp/rp

load_module path=$D sync=none
i=1
while [ $i -le 200 ]; do echo "set p$i v$i"; i=$((i + 1)); done >$T/ops
check "200 sets" smap batch $T/ops
check "rmmod" rmmod shared_map
dmesg -c >/dev/null
load_module path=$D
expect_eq "$(dmesg | grep -c 'replaying ')" 0 "a short replay at the default: no progress line"
check "rmmod" rmmod shared_map
total=0
for f in $D/log.*; do total=$((total + $(stat -c %s "$f"))); done
dmesg -c >/dev/null
load_module path=$D replay_progress_ms=0
dmesg | grep "replaying $D: " >$T/lines
expect_eq "$(wc -l <$T/lines)" 200 "replay_progress_ms=0: a line per record"
first=$(head -n 1 $T/lines)
last=$(tail -n 1 $T/lines)
case $first in
*"replaying $D: 1 records, "*" of $total bytes ("*"%), "*" s") ok "first line: 1 record, of all $total bytes" ;;
*) not_ok "first line: '$first' (total $total)" ;;
esac
case $last in
*"replaying $D: 200 records, "*" of $total bytes ("*"%), "*" s") ok "last line: 200 records" ;;
*) not_ok "last line: '$last' (total $total)" ;;
esac
done_b=$(echo "$last" | sed 's/.* records, \([0-9]*\) of .*/\1/')
check "bytes done ($done_b) grow to at most the total ($total)" test "$done_b" -gt 0 -a "$done_b" -le "$total"
same "the store is whole" v200 smap get p200
unload_module
finish
