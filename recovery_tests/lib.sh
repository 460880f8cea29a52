# SPDX-License-Identifier: GPL-2.0
# Host-side helpers for recovery tests (run by scripts/check with SMAP_KERNEL,
# SMAP_ROOT, VM and SMAP_WORK set). Guest-side scripts live in in-guest/.
set -u
DISK=$SMAP_WORK/disk.img
FAILS=0

# gvm [vm options] -- command: boot on this test's disk with the guest libs
gvm() {
	GVM_N=$((${GVM_N:-0} + 1))
	"$VM" --quiet --kernel "$SMAP_KERNEL" --disk "$DISK" \
		--log "$SMAP_WORK/kernel-$GVM_N.log" --with "$SMAP_ROOT/tests/guest" --with "$SMAP_ROOT/recovery_tests/in-guest" "$@"
}

ok() { echo "ok   $*"; }
not_ok() {
	echo "FAIL $*"
	FAILS=$((FAILS + 1))
}

# expect_status WANT DESC RC
expect_status() {
	if [ "$3" -eq "$1" ]; then ok "$2"; else not_ok "$2: status $3, want $1"; fi
}

# the image is clean after the guest shut down (read-only check)
fsck_clean() {
	if e2fsck -fn "$DISK" >"$SMAP_WORK/fsck.out" 2>&1; then
		ok "e2fsck -fn clean ($1)"
	else
		not_ok "e2fsck -fn ($1): $(tail -n 3 "$SMAP_WORK/fsck.out" | tr '\n' ' ')"
	fi
}

done_test() {
	echo "$FAILS failed"
	[ "$FAILS" -eq 0 ]
}
