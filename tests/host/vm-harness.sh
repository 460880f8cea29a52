# SPDX-License-Identifier: GPL-2.0
# The guest harness itself: a failing command, a kernel warning, a timeout, a
# boot stuck before the command (booted again, then a timeout), QEMU
# crashing before the command (booted again, then a failure), a guest
# reset, a panic and a missing module must each be reported, never passed;
# output streams binary-safe; the disk persists unless --fresh-disk;
# --icount gives repeatable guest times.
# Several properties share a boot where distinct exit codes keep them apart.
set -u
fails=0
d=$SMAP_WORK/disk.img
vm() { "$VM" --quiet --kernel "$SMAP_KERNEL" --disk "$d" "$@"; }

expect() {
	local want=$1 desc=$2 rc
	shift 2
	"$@" >"$SMAP_WORK/out" 2>"$SMAP_WORK/err"
	rc=$?
	if [ "$rc" -eq "$want" ]; then
		echo "ok   $desc"
	else
		echo "FAIL $desc: status $rc, want $want"
		sed 's/^/     /' "$SMAP_WORK/out" "$SMAP_WORK/err"
		fails=$((fails + 1))
	fi
}

# holds DESC CMD...: CMD must succeed; if not, show the last run's stderr
holds() {
	local desc=$1
	shift
	if "$@"; then
		echo "ok   $desc"
	else
		echo "FAIL $desc:"
		sed 's/^/     /' "$SMAP_WORK/err"
		fails=$((fails + 1))
	fi
}

mkdir -p "$SMAP_WORK/withdir" && echo payload >"$SMAP_WORK/withdir/f"
expect 7 "status passes through; --with DIR appears at /with/<name>" \
	vm --fresh-disk --with "$SMAP_WORK/withdir" -- \
	'grep -qx payload /with/withdir/f || exit 5; echo kept >/var/tmp/marker; printf "a\nb\000c"; echo err >&2; exit 7'
if printf 'a\nb\000c' | cmp -s - "$SMAP_WORK/out" && grep -qx err "$SMAP_WORK/err"; then
	echo "ok   stdout is binary-safe, stderr separate"
else
	echo "FAIL stdout/stderr: $(od -c "$SMAP_WORK/out" | head -3)"
	fails=$((fails + 1))
fi
expect 1 "/var/tmp persists across boots; a missing module fails the command" \
	vm -- 'grep -qx kept /var/tmp/marker || exit 5; modprobe no_such_module_xyz'
expect 3 "--fresh-disk starts empty; a kernel WARNING fails the run" \
	vm --fresh-disk -- 'test -e /var/tmp/marker && exit 5; echo "WARNING: CPU: 0 PID: 1 at harness-self-test" >/dev/kmsg'
expect 3 "Objects remaining fails the run" \
	vm -- 'echo "kmem_cache_destroy x: Slab cache still has objects; Objects remaining" >/dev/kmsg'
expect 124 "--timeout stops a hung command" vm --timeout 12 -- 'sleep 600'
# A boot that cannot reach the command in time is booted again, twice, then
# reported as a timeout; the command never ran (it would leave a marker).
# (The debug kernel scales the 1 s by its slowdown: any limit is said.)
expect 124 "a boot stuck before the command is retried, then a timeout" \
	vm --boot-timeout 1 -- 'echo ran >/var/tmp/ran'
stuck_retried() {
	[ "$(grep -c 'booting again' "$SMAP_WORK/err")" = 2 ] &&
		grep -q 'did not reach the command in [0-9]*s, 3 times' "$SMAP_WORK/err" &&
		vm -- 'test ! -e /var/tmp/ran' >/dev/null 2>&1
}
holds "a stuck boot is booted again twice and said so" stuck_retried
# QEMU crashing before the command started is booted again too: a stand-in
# qemu that dies of SIGSEGV the first CRASHES times, then runs the real one.
real_qemu=$(command -v qemu-system-x86_64)
mkdir -p "$SMAP_WORK/crashy"
printf '%s\n' '#!/bin/sh' \
	"c=$SMAP_WORK/crashy/count" \
	'n=$(cat "$c" 2>/dev/null || echo 0)' \
	'echo $((n + 1)) >"$c"' \
	"[ \"\$n\" -ge \"\$CRASHES\" ] && exec $real_qemu \"\$@\"" \
	'kill -SEGV $$' >"$SMAP_WORK/crashy/qemu-system-x86_64"
chmod +x "$SMAP_WORK/crashy/qemu-system-x86_64"
rm -f "$SMAP_WORK/crashy/count"
expect 0 "a qemu crash before the command is booted again" \
	env PATH="$SMAP_WORK/crashy:$PATH" CRASHES=1 "$VM" --quiet --fresh-disk \
	--kernel "$SMAP_KERNEL" --disk "$d" -- 'echo once >>/var/tmp/runs'
crash_retried() {
	[ "$(grep -c 'qemu crashed (status 139) before the command started; booting again' "$SMAP_WORK/err")" = 1 ] &&
		[ "$(cat "$SMAP_WORK/crashy/count")" = 2 ] &&
		vm -- 'test "$(cat /var/tmp/runs)" = once' >/dev/null 2>&1
}
holds "the crash was said, the command ran once" crash_retried
rm -f "$SMAP_WORK/crashy/count"
expect 2 "qemu crashing at every boot: three boots, then a failure" \
	env PATH="$SMAP_WORK/crashy:$PATH" CRASHES=9 "$VM" --quiet \
	--kernel "$SMAP_KERNEL" --disk "$d" -- true
crash_given_up() {
	[ "$(cat "$SMAP_WORK/crashy/count")" = 3 ] &&
		grep -q 'qemu failed with status 139' "$SMAP_WORK/err"
}
holds "three boots, the status said" crash_given_up
# A panic in the kernel's own start-up, before /init ran, is booted again
# too (a TCG flake: no module of ours is loaded yet). Here the stand-in is a
# kernel told to run an init that does not exist: it panics at every boot.
expect 126 "a kernel panic before /init: three boots, then the panic" \
	vm --append rdinit=/no/such/init -- 'echo ran >/var/tmp/ran'
panic_retried() {
	[ "$(grep -c 'panicked in its own start-up, before /init (TCG); .*booting again' "$SMAP_WORK/err")" = 2 ] &&
		grep -q 'guest kernel panicked' "$SMAP_WORK/err" &&
		vm -- 'test ! -e /var/tmp/ran' >/dev/null 2>&1
}
holds "the early panic was said twice and the command never ran" panic_retried
# --icount: one CPU, a clock that counts instructions: the same loop, once
# the boot's background work is done, takes the same guest time to 0.5%
# (what bench/ab --icount relies on). On the debug kernel to 5%: there
# its runs spread by 1 to 3 % on a busy host (186 to 195 ms; the same with
# kmemleak's own scans off), some kernel work beside the loop, several
# times dearer under KASAN and lockdep, not yet pinned down; nobody
# benchmarks on it.
expect 2 "--icount refuses more than one CPU" vm --icount --cpus 2 -- true
expect 0 "--icount boots one CPU" vm --icount --cpus 1 -- '
	[ "$(nproc)" = 1 ] || exit 5
	for r in 1 2 3 4; do
		smap-timeit sh -c "i=0; while [ \$i -lt 5000 ]; do i=\$((i+1)); done"
	done'
if tail -n 2 "$SMAP_WORK/out" |
   awk -v lim="$([ "$SMAP_KERNEL" = debug ] && echo 0.05 || echo 0.005)" \
	'NR == 1 { a = $1 } NR == 2 { b = $1 } END { d = (a - b) / b; exit !(NR == 2 && d < lim && d > -lim) }'; then
	echo "ok   --icount: the same work takes the same guest time ($(tail -n 2 "$SMAP_WORK/out" | paste -sd' ') ns)"
else
	echo "FAIL --icount times differ: $(paste -sd' ' "$SMAP_WORK/out")"
	fails=$((fails + 1))
fi
# Every kernel the suite boots keeps time by a real clock: a guest on
# jiffies (no HPET or ACPI PM timer to calibrate the TSC against) times
# everything in steps of 4 ms.
expect 0 "the guest's clocksource is not jiffies" vm -- '
	c=$(cat /sys/devices/system/clocksource/clocksource0/current_clocksource)
	echo "clocksource $c"
	case $c in *jiffies*) exit 5 ;; esac'
expect 125 "sysrq b is reported as a reset" vm -- 'echo b >/proc/sysrq-trigger; sleep 10'
expect 126 "a guest panic is reported" vm -- 'echo c >/proc/sysrq-trigger; sleep 10'
[ "$fails" -eq 0 ]
