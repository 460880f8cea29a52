# SPDX-License-Identifier: GPL-2.0
# Compaction under load; then a power cut during compaction, at random moments
# around its snapshot rename: the next boot has either state, never neither.
# The crash rounds use the test build (compact_pause_ms is a test hook).
. "$SMAP_ROOT/recovery_tests/lib.sh"
gvm --fresh-disk -- sh /with/in-guest/compact.sh
expect_status 0 "compaction under load" $?
for r in 1 2; do
	cut_ms=$((RANDOM % 3000 + 1100))	# past the pause before the switch
	gvm --fresh-disk --test-module -- ". /with/guest/lib.sh
		modprobe shared_map compact_pause_ms=1000 || exit 9
		i=0; while [ \$i -lt 100 ]; do i=\$((i + 1)); smap set k\$i v\$i; smap set k\$i w\$i; done
		smap del k7
		echo 1 >/sys/module/shared_map/parameters/compact_now &
		usleep $((cut_ms * 1000))
		echo b >/proc/sysrq-trigger"
	expect_status 125 "round $r: power cut ${cut_ms}ms into a compaction" $?
	gvm -- '. /with/guest/lib.sh
		load_module
		bad=0; i=0
		while [ $i -lt 100 ]; do
			i=$((i + 1)); [ $i -eq 7 ] && continue
			[ "$(smap get k$i)" = "w$i" ] || bad=$((bad + 1))
		done
		expect_eq "$bad" 0 "every key has its last value"
		expect_rc 1 "the deleted key stays deleted" smap get k7
		check "no snapshot.tmp left" test ! -e /var/tmp/shared_map/snapshot.tmp
		unload_module
		check "smap-log verify" smap-log verify /var/tmp/shared_map
		finish'
	expect_status 0 "round $r: recovered" $?
	fsck_clean "round $r"
done
done_test
