# SPDX-License-Identifier: GPL-2.0
# Disk full: fill the small disk, write until the log cannot grow; that set
# fails, the store turns read-only (gets still work), and after space is
# freed and recover is written, writes work again; nothing acknowledged lost.
. /with/guest/lib.sh
load_module max_bytes=1073741824
avail=$(df -k /var/tmp | awk 'NR == 2 { print $4 }')
dd if=/dev/zero of=/var/tmp/filler bs=1024 count=$((avail - 3072)) 2>/dev/null
sync
head -c 65536 /dev/urandom >/tmp/v
i=0 acked=0 err=
while [ $i -lt 400 ]; do
	i=$((i + 1))
	if smap set "big$i" - </tmp/v 2>/tmp/err; then acked=$i; else err=$(cat /tmp/err); break; fi
done
check "a set failed once the disk filled ($acked acknowledged): $err" test -n "$err"
expect_eq "$(cat /sys/module/shared_map/parameters/read_only)" 1 "the store is read-only"
expect_rc 2 "further sets are refused" smap set another x
check "gets still work" sh -c 'smap get big1 | cmp -s - /tmp/v'
rm -f /var/tmp/filler
sync
check "recover after freeing space" sh -c 'echo 1 >/sys/module/shared_map/parameters/recover'
expect_eq "$(cat /sys/module/shared_map/parameters/read_only)" 0 "the store is writable again"
check "sets work again" smap set another x
check "rmmod" rmmod shared_map
load_module
bad=0
j=0
while [ $j -lt "$acked" ]; do
	j=$((j + 1))
	smap get "big$j" | cmp -s - /tmp/v || bad=$((bad + 1))
done
expect_eq "$bad" 0 "all $acked acknowledged values survived"
expect_eq "$(smap get another)" x "the write after recovery survived"
expect_rc 1 "the refused set (big$((acked + 1))) never appears" smap get "big$((acked + 1))"
unload_module
finish
