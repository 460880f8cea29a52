# SPDX-License-Identifier: GPL-2.0
# Disk full on a small image: read-only, then recover.
. "$SMAP_ROOT/recovery_tests/lib.sh"
"$VM" --quiet --kernel "$SMAP_KERNEL" --disk "$DISK" --fresh-disk --disk-size 64 -- true
gvm -- sh /with/in-guest/diskfull.sh
expect_status 0 "disk full, read-only, recover" $?
fsck_clean disk-full
done_test
