# SPDX-License-Identifier: GPL-2.0
# Compaction under load: two writers overwrite 64 keys each while the log is
# compacted again and again; every last value survives a reinstall.
. /with/guest/lib.sh
. /with/in-guest/acked.sh
load_module compact_min=65536 compact_ratio=2 sync=batch	# the smallest accepted
PAD=$(printf '%*s' 1500 '' | tr ' ' p)
KEYS=4	# mostly overwrites: dead records pile up however slow the guest is
compactions() {
	smap stats --json | tr ',{}' '\n\n\n' | sed -n 's/.*"compactions": *\([0-9]*\).*/\1/p'
}
writers 2 >/var/tmp/acks.txt
# at least 8 s, and on until 100 sets are acknowledged and the log was
# compacted: a slow guest (the debug kernel, a loaded host) needs longer;
# give up after 60 s times the guest's slowdown (the checks below then fail)
sleep 8
end=$(($(date +%s) + 60 * ${SMAP_SLOWDOWN:-1}))
while [ "$(grep -c ACK /var/tmp/acks.txt)" -le 100 ] || [ "$(compactions)" -lt 1 ]; do
	[ "$(date +%s)" -lt $end ] || break
	sleep 1
done
kill $(jobs -p) 2>/dev/null
wait 2>/dev/null
sync
n=$(compactions)
check "the log was compacted under load ($n times)" test "${n:-0}" -ge 1
check "reads and writes went on: $(grep -c ACK /var/tmp/acks.txt) sets" test "$(grep -c ACK /var/tmp/acks.txt)" -gt 100
verify_acks /var/tmp/acks.txt
check "rmmod" rmmod shared_map
check "at most a snapshot and a few segments remain" test "$(ls /var/tmp/shared_map | grep -c '^log\.')" -le 4
check "smap-log verify" smap-log verify /var/tmp/shared_map
load_module
verify_acks /var/tmp/acks.txt
unload_module
finish
