# SPDX-License-Identifier: GPL-2.0
# Crash consistency on a real block trace: a workload on ext4 over
# dm-log-writes, then the trace replayed forward once and checked at every
# flush, FUA and mark (in-guest/logwrites.sh has the details): every
# acknowledged mutation present at sync=always, each writer's keys a prefix
# of what it issued, no corruption, e2fsck clean. CRASH_POINTS=all (make
# crash-exhaustive) runs a longer workload.
. "$SMAP_ROOT/recovery_tests/lib.sh"
if [ "${CRASH_POINTS:-}" = all ]; then
	args="4 25" tmo=$((${SMAP_HOST_TIMEOUT:-14400} - 60))
else
	args="3 3" tmo=1500
fi
gvm --fresh-disk --timeout "$tmo" --bin dmsetup --bin mkfs.ext4 --bin e2fsck -- \
	sh /with/in-guest/logwrites.sh $args >"$SMAP_WORK/out" 2>&1
rc=$?
cat "$SMAP_WORK/out"
sum=$(grep '^log-writes: [0-9]' "$SMAP_WORK/out" | tail -n 1)
expect_status 0 "replayed trace consistent at every point" $rc
flushes=$(echo "$sum" | sed -n 's/^log-writes: \([0-9]*\) flush points.*/\1/p')
marks=$(echo "$sum" | sed -n 's/.* \([0-9]*\) marks.*/\1/p')
if [ "${flushes:-0}" -gt 0 ] && [ "${marks:-0}" -gt 0 ]; then
	ok "checked at $flushes flush points and $marks marks"
else
	not_ok "no flush point or no mark was checked: '$sum'"
fi
echo "summary: ${sum:-log-writes: no summary}"
done_test
