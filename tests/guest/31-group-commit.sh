# SPDX-License-Identifier: GPL-2.0
# Group commit: durable sets (sync=always) from 8 writers at once share
# fsyncs. The log writer gathers the committers it has just acknowledged
# before its next round, so a round carries nearly all 8 writers, not the
# half that alternating cohorts would give; one writer alone still gets an
# fsync of its own for every set. Records nobody waits for (sync=none) do
# not wake the writer one by one: it lets them queue up for batch_ms, and a
# durable set ends that wait at once and covers every record before it.
. /with/guest/lib.sh

load_module path=/var/tmp/gc

r0=$(stat_of log_records)
f0=$(stat_of fsyncs)
check "1 writer: 40 durable sets" smap-bench --rw=set --sync=always \
	--numjobs=1 --ops=40 --keys=1000 --output-format=normal
r1=$(stat_of log_records)
f1=$(stat_of fsyncs)
expect_eq "$((r1 - r0))" 40 "1 writer: 40 records logged"
expect_eq "$((f1 - f0 >= r1 - r0))" 1 \
	"1 writer: an fsync per set ($((r1 - r0)) records, $((f1 - f0)) fsyncs)"

check "8 writers: 8 x 40 durable sets" smap-bench --rw=set --sync=always \
	--numjobs=8 --ops=40 --keys=1000 --output-format=normal
r2=$(stat_of log_records)
f2=$(stat_of fsyncs)
recs=$((r2 - r1))
fs=$((f2 - f1))
expect_eq "$recs" 320 "8 writers: 320 records logged"
# Alternating cohorts would average 4 records per fsync; gathering gives
# close to 8 (less at the start and the end of the run).
expect_eq "$((fs > 0 && recs >= 5 * fs))" 1 \
	"8 writers: $recs records in $fs fsyncs, at least 5 per fsync"

# the log writer's sleeps so far (each wakeup ends one)
writer_sleeps() { writer_of status voluntary_ctxt_switches:; }

# 200 sets 100 us apart: the writer sleeps between any two, and a wakeup
# for each record would wake it about 200 times; lingering for batch_ms
# (100 here), it wakes about twice per 100 ms: a few times in the ~0.1 s
# the sets take on the stock kernels, about 25 in the debug kernel's ~1.2 s.
echo 100 >/sys/module/shared_map/parameters/batch_ms
r0=$(stat_of log_records)
s0=$(writer_sleeps)
check "sync=none: 200 sets, 100 us apart" smap-bench --rw=set --sync=none \
	--ops=200 --thinktime=100 --keys=1000 --output-format=normal
s1=$(writer_sleeps)
sleep 1
r1=$(stat_of log_records)
expect_eq "$((r1 - r0))" 200 "sync=none: 200 records logged within a second"
expect_eq "$((s1 - s0 <= 50))" 1 \
	"sync=none: the writer woke $((s1 - s0)) times for 200 sets, at most 50"

# A durable set while the writer lingers: it must not wait out batch_ms
# (10 s here), and its fsync covers the sync=none records queued before it.
echo 10000 >/sys/module/shared_map/parameters/batch_ms
check "sync=none: 20 sets" smap-bench --rw=set --sync=none --ops=20 \
	--keys=1000 --output-format=normal
echo always >/sys/module/shared_map/parameters/sync
check "a durable set ends the writer's linger (well within 10 s)" \
	timeout 5 smap set gc-durable v
r2=$(stat_of log_records)
expect_eq "$((r2 - r1))" 21 "the durable set's round wrote the 20 before it"
echo 10 >/sys/module/shared_map/parameters/batch_ms

unload_module
finish
