# SPDX-License-Identifier: GPL-2.0
# Stripe locks under sync=always (issue 13): a set holds its key's stripe
# mutex until its record is durable, so no reader sees a value whose set can
# still fail. Writers of other keys that hash to the same stripe wait too;
# a lock per key would spare them only that. stats count both kinds of wait
# (key_waits: the holder changed the same key; stripe_waits: another key).
# - 8 durable writers on random keys from a large space: few sets wait for
#   another key's stripe (with 256 stripes each in-flight set meets one of 7
#   others on its stripe about 7/256 = 2.7% of the time), and the summary
#   says what share of the writers' time those waits took;
# - 8 writers on one key: the waits are counted as same-key waits.
. /with/guest/lib.sh

# uptime in ms
now() { awk '{ printf "%d\n", $1 * 1000 }' /proc/uptime; }

load_module path=/var/tmp/lw

k0=$(stat_of key_waits); s0=$(stat_of stripe_waits); ns0=$(stat_of stripe_wait_ns)
t0=$(now)
check "8 writers x 200 durable sets on 1M keys" smap-bench --rw=set \
	--sync=always --numjobs=8 --ops=200 --keys=1000000 --output-format=normal
t1=$(now)
k1=$(stat_of key_waits); s1=$(stat_of stripe_waits); ns1=$(stat_of stripe_wait_ns)
sets=1600
sw=$((s1 - s0))
kw=$((k1 - k0))
ms=$(((ns1 - ns0) / 1000000))
busy=$((8 * (t1 - t0)))
echo "summary: 8 durable writers, 1600 sets on distinct keys: $sw waited for another key's stripe ($((sw * 1000 / sets))/1000), $kw for the same key; those waits took $ms ms of the writers' $busy ms ($((ms * 1000 / (busy + 1)))/1000)"
expect_eq "$((sw * 100 < 10 * sets))" 1 \
	"under 10% of sets wait for another key's stripe ($sw of $sets)"
expect_eq "$((kw * 100 < 2 * sets))" 1 \
	"under 2% wait for the same key on a 1M key space ($kw of $sets)"

k0=$k1; s0=$s1
check "8 writers x 50 durable sets on one key" smap-bench --rw=set \
	--sync=always --numjobs=8 --ops=50 --keys=1 --output-format=normal
k1=$(stat_of key_waits); s1=$(stat_of stripe_waits)
kw=$((k1 - k0))
sw=$((s1 - s0))
echo "summary: 8 durable writers, 400 sets on one key: $kw same-key waits, $sw stripe waits"
expect_eq "$((kw >= 40))" 1 "one key: the writers wait for each other ($kw same-key waits)"
expect_eq "$((sw * 10 <= kw))" 1 "one key: counted as same-key waits ($sw stripe, $kw key)"

unload_module
finish
