# SPDX-License-Identifier: GPL-2.0
# Replay's error path: a failing id allocation (the test build's
# fail_load_id) makes the load fail cleanly with ENOMEM, both replay lanes
# busy, nothing freed while visible (a debug kernel's KASAN would see it),
# and the next load has every key.
# vm: --test-module
. /with/guest/lib.sh
load_module
i=0
while [ $i -lt 600 ]; do i=$((i + 1)); echo "set r$i v$i"; done >/tmp/ops
check "600 keys" smap batch /tmp/ops
rmmod shared_map
for n in 1 2 65 300 599; do
	modprobe shared_map fail_load_id=$n 2>/tmp/err
	rc=$?
	if [ $rc -ne 0 ] && grep -qi "cannot allocate memory" /tmp/err; then
		ok "fail_load_id=$n: the load fails with ENOMEM"
	else
		not_ok "fail_load_id=$n: status $rc, $(cat /tmp/err)"
		rmmod shared_map 2>/dev/null
	fi
done
load_module
expect_eq "$(held r v 600)" 600 "the next load has all 600 keys"
unload_module
finish
