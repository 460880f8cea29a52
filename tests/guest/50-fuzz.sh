# SPDX-License-Identifier: GPL-2.0
# The fuzzer (tests/fuzz/smap-fuzz.c) for about a minute: ioctls, netlink,
# sysfs and the in-kernel API from root and two users at once, answers
# checked against its model, rmmod/modprobe every 15 s with every key
# checked after each reload. The seed is fixed here (1) so that a failure in
# make check reproduces; make fuzz picks a new one each run.
# vm: --timeout 900
. /with/guest/lib.sh

seed=1
smap-fuzz --seconds 60 --seed "$seed" >/tmp/fuzz.out 2>&1
rc=$?
cat /tmp/fuzz.out
expect_eq "$rc" 0 "smap-fuzz --seconds 60 --seed $seed"
echo "summary: $(grep -E '^smap-fuzz: seed [0-9]+:' /tmp/fuzz.out | sed 's/^smap-fuzz: //')"
if lsmod | grep -q '^shared_map '; then
	not_ok "smap-fuzz left shared_map loaded"
else
	ok "smap-fuzz unloaded shared_map"
fi
finish
