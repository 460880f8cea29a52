# SPDX-License-Identifier: GPL-2.0
# rmmod while a write to compact_now is under way. The module's exit runs
# before its sysfs files go, so such a write can be inside a compaction
# when the writer thread and the store are torn down. rmmod must wait for
# it to finish (the compaction needs the writer to switch segments), and
# nothing may be lost. Then writes to compact_now and recover in a loop
# while the module is unloaded and loaded again and again: no hang, no
# kernel warning (the harness fails the run on either), no lost key.
# compact_pause_ms is a test hook: only the test build has it.
# vm: --test-module
. /with/guest/lib.sh
P=/sys/module/shared_map/parameters

load_module compact_pause_ms=1000
i=0; while [ $i -lt 50 ]; do i=$((i + 1)); smap set k$i v$i; done
dmesg -c >/dev/null
# the compaction pauses 1 s before its segment switch, and twice more;
# rmmod comes 0.4 s into the first pause
(echo 1 >$P/compact_now; echo "status $?" >/tmp/compact.rc) &
usleep 400000
t0=$(date +%s)
check "rmmod during a compaction on demand" rmmod shared_map
t1=$(date +%s)
wait
expect_eq "$(cat /tmp/compact.rc)" "status 0" "the compaction rmmod met succeeded"
check "rmmod returned after the compaction ($((t1 - t0)) s)" sh -c "dmesg | grep -q 'compacted: 50 keys'"
check "its snapshot is in place" test -s /var/tmp/shared_map/snapshot
check "smap-log verify" smap-log verify /var/tmp/shared_map
load_module
i=0; bad=0
while [ $i -lt 50 ]; do i=$((i + 1)); [ "$(smap get k$i)" = "v$i" ] || bad=$((bad + 1)); done
expect_eq "$bad" 0 "all 50 keys after the reload"

# writes to compact_now and recover all along while the module comes and goes
dmesg -c >/dev/null
(while [ ! -e /tmp/stop ]; do
	echo 1 >$P/compact_now
	echo 1 >$P/recover
done) 2>/dev/null &
r=0
while [ $r -lt 6 ]; do
	r=$((r + 1))
	smap set k$r w$r
	rmmod shared_map || break
	modprobe shared_map || break
done
touch /tmp/stop
wait
expect_eq "$r" 6 "six unloads and loads under compact_now/recover writes"
n=$(dmesg | grep -c 'compacted:')
check "compactions ran meanwhile ($n)" test "$n" -gt 0
i=0; bad=0
while [ $i -lt 50 ]; do
	i=$((i + 1))
	if [ $i -le 6 ]; then w=w$i; else w=v$i; fi
	[ "$(smap get k$i)" = "$w" ] || bad=$((bad + 1))
done
expect_eq "$bad" 0 "every key holds its last value"
unload_module
check "smap-log verify" smap-log verify /var/tmp/shared_map
finish
