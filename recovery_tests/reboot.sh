# SPDX-License-Identifier: GPL-2.0
# Reboot: populate in one guest boot, verify in the next on the same disk.
. "$SMAP_ROOT/recovery_tests/lib.sh"
gvm --fresh-disk -- '. /with/guest/lib.sh; . /with/in-guest/model.sh
	load_module; populate boot 150; finish'
expect_status 0 "boot 1: populate" $?
gvm -- '. /with/guest/lib.sh; . /with/in-guest/model.sh
	load_module; verify boot; unload_module; finish'
expect_status 0 "boot 2: every value back after a reboot" $?
fsck_clean reboot
done_test
