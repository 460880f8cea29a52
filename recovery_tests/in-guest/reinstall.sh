# SPDX-License-Identifier: GPL-2.0
# Reinstall: populate, rmmod, modprobe, compare with the model; each sync mode.
. /with/guest/lib.sh
. /with/in-guest/model.sh
for mode in always batch none; do
	load_module sync=$mode path=/var/tmp/sm-$mode
	expect_eq "$(cat /sys/module/shared_map/parameters/sync)" "$mode" "sync=$mode in sysfs"
	populate "$mode" 200
	check "rmmod ($mode)" rmmod shared_map
	load_module sync=$mode path=/var/tmp/sm-$mode
	verify "$mode"
	check "smap-log verify ($mode)" smap-log verify /var/tmp/sm-$mode
	check "rmmod ($mode, after verify)" rmmod shared_map
done
finish
