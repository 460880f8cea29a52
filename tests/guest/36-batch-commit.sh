# SPDX-License-Identifier: GPL-2.0
# Group commit for batches: under sync=always a batch waits for one fsync
# per group of entries, not one per entry, yet every entry stays atomic and
# in order (a key changed twice in one batch sees its first change), and
# concurrent batches over the same keys in opposite orders never deadlock.
. /with/guest/lib.sh
T=/tmp/36
mkdir -p $T

# batch_fsyncs WHAT FILE LIMIT WRITES: `smap batch FILE` of WHAT pays at
# most LIMIT fsyncs. The writer is woken once a group's records are all
# queued, so it never takes part of a group, fsyncs, then comes back for
# the rest. And the writer hands the file its records (and the zeros the
# log is preallocated with) a 64 KiB buffer at a time, not one write each:
# at most WRITES kernel writes (its syscw; a kernel without task I/O
# accounting, as the debug kernel, has no /proc/PID/io and skips that).
batch_fsyncs() {
	f0=$(stat_of fsyncs)
	w0=$(writer_of io syscw:)
	check "a batch of $1" smap batch "$2"
	f1=$(stat_of fsyncs)
	w1=$(writer_of io syscw:)
	echo "  $1 in one batch: $((f1 - f0)) fsyncs, ${w0:+$((w1 - w0)) }writes"
	check "$1: one fsync per group (got $((f1 - f0)), at most $3)" test $((f1 - f0)) -le "$3"
	[ -z "$w0" ] || check "$1: the writer wrote in $((w1 - w0)) writes, at most $4" \
		test $((w1 - w0)) -le "$4"
}

load_module
i=0
while [ $i -lt 1000 ]; do i=$((i + 1)); echo "set bk$i v$i"; done >$T/ops
# groups of 256 entries (32 with lockdep; it used to be one fsync per entry,
# then a group of 64)
lim=4
[ -e /proc/lockdep ] && lim=32
batch_fsyncs "1000 durable sets" $T/ops $lim 50
# Big entries: a group ends where the module's 1 MiB window on the batch
# moves (31 entries of 32 KiB here: 4 groups). They stage slowly (each
# value copied in), which is when the writer took part of a group (9
# fsyncs), and the 64 KiB window of old made every entry a group: 120.
big=$(head -c 32768 /dev/zero | tr '\0' x)
i=0
while [ $i -lt 120 ]; do i=$((i + 1)); echo "set bb$i $big"; done >$T/big
batch_fsyncs "120 durable sets of 32 KiB" $T/big 4 300
expect_eq "$(smap get bb120 | wc -c)" 32768 "the last big entry is whole"
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
