# SPDX-License-Identifier: GPL-2.0
# The in-kernel API: the example client module runs its checks on load,
# and what it stores is visible through the device.
. /with/guest/lib.sh

load_module
check "modprobe smap_example" modprobe smap_example
check "dmesg: smap_example checks passed" \
	sh -c 'dmesg | grep -Eq "smap_example: [0-9]+ checks passed"'
expect_rc 1 "shared_map cannot go while smap_example uses it" rmmod shared_map
check "value set by the kernel visible through the ioctl" \
	smap-abi expect smap_example/greeting world 0 644
check "rmmod smap_example" rmmod smap_example
check "loading it again passes again" modprobe smap_example
check "rmmod smap_example" rmmod smap_example
# A client that leaves its watcher open: shared_map closes it at unload
# (no WARNING, no leak: the harness fails on either), and says so.
check "modprobe smap_example leave_watch=1" modprobe smap_example leave_watch=1
check "rmmod smap_example, its watcher left open" rmmod smap_example
unload_module
check "dmesg: the watcher left open was closed at unload" \
	sh -c 'dmesg | grep -q "closed 1 in-kernel watcher a client module left open"'
finish
