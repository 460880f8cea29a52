# SPDX-License-Identifier: GPL-2.0
# The raw ABI: every limit at and one past, bad input, ioctl and netlink
# edge cases, permissions, list cursor, batch, stats, rmmod while open.
# vm: --timeout 900
. /with/guest/lib.sh

load_module
P=/sys/module/shared_map/parameters
expect_eq "$(cat $P/key_max)" 1024 "key_max parameter 1024"
expect_eq "$(cat $P/value_max)" 1048576 "value_max parameter 1048576"
expect_eq "$(cat $P/max_bytes)" 67108864 "max_bytes parameter 64 MiB"
expect_eq "$(stat -c %a $P/max_bytes)" 644 "max_bytes is writable (0644)"
expect_eq "$(stat -c %a $P/key_max)" 444 "key_max is read-only"

for s in basic limits errors incr cas list batch stats perm nl nlstage watch; do
	check "smap-abi $s" smap-abi $s
done

# rmmod while a socket holds a staged netlink value: it is freed at unload,
# the socket's release afterwards finds nothing (no WARNING, no Oops)
mkfifo /tmp/hold
smap-abi nlstage-hold </tmp/hold >/tmp/hold.out 2>&1 &
hold=$!
exec 4>/tmp/hold
n=0
while [ $n -lt 50 ] && ! grep -q 'nlstage-hold: a piece staged' /tmp/hold.out; do
	sleep 0.2
	n=$((n + 1))
done
check "rmmod with a staging held" rmmod shared_map
exec 4>&-
wait $hold
rc=$?
cat /tmp/hold.out
expect_eq "$rc" 0 "smap-abi nlstage-hold"
load_module

# rmmod is refused while a process holds the device open
exec 3</dev/shared_map
expect_rc 1 "rmmod refused while /dev/shared_map is open" rmmod shared_map
check "module still there" test -c /dev/shared_map
exec 3<&-
unload_module

# max_bytes: ENOSPC with nothing partially stored
load_module max_bytes=10000
expect_eq "$(cat $P/max_bytes)" 10000 "max_bytes=10000 at load"
check "smap-abi enospc 10000" smap-abi enospc 10000
echo 20000 >$P/max_bytes
expect_eq "$(cat $P/max_bytes)" 20000 "max_bytes written at run time"
check "store grows after max_bytes raised" smap-abi enospc 20000
unload_module

# lowered limits and refused parameters
load_module key_max=8 value_max=16
check "smaller key_max and value_max" sh -c 'smap-ping | grep -q "key_max 8 value_max 16"'
unload_module
expect_rc 1 "key_max over 1024 refused" modprobe shared_map key_max=1025
expect_rc 1 "value_max over 1 MiB refused" modprobe shared_map value_max=1048577
finish
