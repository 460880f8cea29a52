# SPDX-License-Identifier: GPL-2.0
# Power cut: writers print ACK for every acknowledged set while the guest is
# killed (sysrq b) at a random moment; the next boot must find every
# acknowledged value, no corruption, and a clean file system. Several rounds.
. "$SMAP_ROOT/recovery_tests/lib.sh"
ROUNDS=${ROUNDS:-3}
"$VM" --quiet --kernel "$SMAP_KERNEL" --disk "$DISK" --fresh-disk -- true
for r in $(seq 1 "$ROUNDS"); do
	cut_ms=$((RANDOM % 2500 + 300))
	mkdir -p "$SMAP_WORK/acks"
	gvm -- ". /with/guest/lib.sh; . /with/in-guest/acked.sh
		modprobe shared_map || exit 9
		writers 2
		usleep $((cut_ms * 1000))
		echo b >/proc/sysrq-trigger" >"$SMAP_WORK/acks/acks" 2>"$SMAP_WORK/err"
	rc=$?
	expect_status 125 "round $r: power cut after ${cut_ms}ms ($(grep -c '^ACK' "$SMAP_WORK/acks/acks") acks)" $rc
	gvm --with "$SMAP_WORK/acks" -- '. /with/guest/lib.sh; . /with/in-guest/acked.sh
		load_module
		verify_acks /with/acks/acks
		if dmesg | grep -q CORRUPTION; then not_ok "replay found corruption"; else ok "no corruption"; fi
		dmesg | grep "shared_map: .*torn tail" || true
		unload_module
		check "smap-log verify after replay" smap-log verify /var/tmp/shared_map
		finish'
	expect_status 0 "round $r: recovery" $?
	fsck_clean "round $r"
done
done_test
