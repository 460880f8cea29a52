# SPDX-License-Identifier: GPL-2.0
# The module loads, answers a trivial ioctl, and unloads leaving nothing.
. /with/guest/lib.sh

load_module
check "/dev/shared_map is a character device" test -c /dev/shared_map
expect_eq "$(stat -c %a /dev/shared_map)" 666 "/dev/shared_map mode 0666"
check "version ioctl answers" smap-ping
check "lsmod lists shared_map" sh -c 'lsmod | grep -q "^shared_map "'
unload_module
expect_rc 2 "version ioctl fails once unloaded" smap-ping
# load and unload again: nothing left from the first round gets in the way
load_module
unload_module
finish
