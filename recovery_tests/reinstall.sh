# SPDX-License-Identifier: GPL-2.0
# Reinstall in each sync mode (always, batch, none): values and modes survive
# rmmod/modprobe.
. "$SMAP_ROOT/recovery_tests/lib.sh"
gvm --fresh-disk --timeout 900 -- sh /with/in-guest/reinstall.sh
expect_status 0 "reinstall in every sync mode" $?
fsck_clean reinstall
done_test
