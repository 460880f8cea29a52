# SPDX-License-Identifier: GPL-2.0
# Group commit: durable sets (sync=always) from 8 writers at once share
# fsyncs. The log writer gathers the committers it has just acknowledged
# before its next round, so a round carries nearly all 8 writers, not the
# half that alternating cohorts would give; one writer alone still gets an
# fsync of its own for every set.
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

unload_module
finish
