# SPDX-License-Identifier: GPL-2.0
# Group commit for batches: under sync=always a batch waits for one fsync
# per group of entries, not one per entry, yet every entry stays atomic and
# in order (a key changed twice in one batch sees its first change), and
# concurrent batches over the same keys in opposite orders never deadlock.
. /with/guest/lib.sh
T=/tmp/36
mkdir -p $T
stat_of() { smap stats | awk -v n="$1" '$1 == n { print $2 }'; }

load_module
i=0
while [ $i -lt 1000 ]; do i=$((i + 1)); echo "set bk$i v$i"; done >$T/ops
f0=$(stat_of fsyncs)
check "a batch of 1000 sets" smap batch $T/ops
f1=$(stat_of fsyncs)
echo "  1000 durable sets in one batch: $((f1 - f0)) fsyncs"
check "at most one fsync per 64 entries, plus a few (was one per entry)" test $((f1 - f0)) -le 40
printf 'set ck 5\nincr ck 2\nincr ck 3\ndel ck\nset ck again\nincr n1\nincr n1\n' >$T/ops2
run smap batch $T/ops2
expect_eq "$(cat $T/out | tr '\n' ' ')" "7 10 1 2 " "repeated keys in one batch see each earlier change"
expect_eq "$(smap get ck)" again "the last change wins"

# opposite orders, several at once, with single sets beside them
i=0
while [ $i -lt 300 ]; do i=$((i + 1)); echo "set x$i a$i"; done >$T/fwd
i=300
while [ $i -gt 0 ]; do echo "set x$i b$i"; i=$((i - 1)); done >$T/rev
for r in 1 2 3; do
	smap batch $T/fwd >/dev/null &
	smap batch $T/rev >/dev/null &
	(j=0; while [ $j -lt 50 ]; do j=$((j + 1)); smap set "x$((j * 6))" s$j; done) &
done
wait
check "concurrent batches in opposite orders finished" true
bad=0 i=0
while [ $i -lt 300 ]; do
	i=$((i + 1))
	case $(smap get x$i) in a$i | b$i | s*) ;; *) bad=$((bad + 1)) ;; esac
done
expect_eq "$bad" 0 "every key holds a value one of them wrote"
rmmod shared_map
load_module
expect_eq "$(held bk v 1000)" 1000 "all 1000 batch sets survive a reload"
unload_module
finish
