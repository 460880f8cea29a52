# SPDX-License-Identifier: GPL-2.0
# The kernel-log verdict of scripts/vm and scripts/sysvm (vm_log_problems in
# scripts/vm-lib.sh): each checker report of the debug kernel fails a run on
# its own (the report's first line, as the kernel prints it), the kmemleak
# report is printed whole, and a clean log (fault injection at verbose 0
# prints nothing) passes. Host only.
set -u
cd "$(dirname "$0")/../.."
. scripts/vm-lib.sh
out=$(mktemp -d)
trap 'rm -rf "$out"' EXIT
fails=0
ok() { echo "ok   $*"; }
not_ok() { echo "FAIL $*"; fails=$((fails + 1)); }

# one report a line: NAME|LINE
while IFS='|' read -r name line; do
	printf '[    1.000000] smap: loaded\n[    2.000000] %s\n' "$line" >"$out/console"
	if vm_log_problems "$out/console" test-kernel vm 2>"$out/said"; then
		not_ok "$name passes: $line"
	elif grep -qF "$line" "$out/said"; then
		ok "$name fails the run, the line printed"
	else
		not_ok "$name fails the run but its line is not printed"
	fi
done <<'REPORTS'
KASAN|BUG: KASAN: slab-use-after-free in smap_entry_free+0x1c/0x100 [shared_map]
UBSAN|UBSAN: shift-out-of-bounds in module/store.c:30:11
lockdep circular|WARNING: possible circular locking dependency detected
lockdep recursive|WARNING: possible recursive locking detected
lockdep inconsistent|WARNING: inconsistent lock state
lockdep irq inversion|WARNING: possible irq lock inversion dependency detected
suspicious RCU|WARNING: suspicious RCU usage
sleep in atomic|BUG: sleeping function called from invalid context at kernel/locking/mutex.c:580
debug objects|ODEBUG: activate active (active state 1) object: 00000000a1b2c3d4 object type: rcu_head hint: 0x0
kmemleak summary|kmemleak: 1 new suspected memory leaks (see /sys/kernel/debug/kmemleak)
kmemleak object|unreferenced object 0xffff888003c4e000 (size 128):
hung task|INFO: task sync:162 blocked for more than 61 seconds.
REPORTS

# the scan's report (scripts/vm's init prints it between markers) is shown
cat >"$out/console" <<'LOG'
[    9.000000] smap: loaded
SMAP_KMEMLEAK_BEGIN
unreferenced object 0xffff888003c4e000 (size 128):
  comm "modprobe", pid 120, jiffies 4294937296
  backtrace (crc 0):
    __kmalloc_cache_noprof+0x2b6/0x370
    smap_store_init+0x55/0x80 [shared_map]
SMAP_KMEMLEAK_END
LOG
vm_log_problems "$out/console" test-kernel vm 2>"$out/said"
if grep -q 'smap_store_init+0x55/0x80' "$out/said" && grep -q 'kmemleak report' "$out/said"; then
	ok "the kmemleak report is printed with its backtrace"
else
	not_ok "the kmemleak report is not printed: $(cat "$out/said")"
fi

# an allocation failure the fault injector asked for is not a report; the
# same warning from another task is. injected DESC FIRST: FIRST (COMM: the
# task) then a stack naming the task
injected() {
	for comm in smap-failnth modprobe; do
		cat >"$out/console" <<LOG
[    3.000000] $(echo "$2" | sed "s/COMM/$comm/")
[    3.000001] CPU: 0 UID: 0 PID: 69 Comm: $comm Tainted: G           O       6.12.117-smap-debug #1
[    3.000002] Call Trace:
[    3.000003]  <TASK>
[    3.000004]  dump_stack_lvl+0x62/0x90
[    3.000005]  </TASK>
[    3.000006] shared_map: loaded (abi 1)
LOG
		if vm_log_problems "$out/console" test-kernel vm 2>"$out/said"; then
			r=passes
		else
			r=fails
		fi
		case $comm:$r in
		smap-failnth:passes | modprobe:fails) ok "$comm's $1 $r the run" ;;
		*) not_ok "$comm's $1 $r the run: $(cat "$out/said")" ;;
		esac
	done
}
injected "allocation-failure warning" \
	"COMM: vmalloc error: size 355984, vm_struct allocation failed, mode:0xcc0(GFP_KERNEL), nodemask=(null)"
# a slab cache the injector kept from being created: the task is named on
# the stack's first line only
injected "kmem_cache_create failure" \
	"__kmem_cache_create_args(smap_entry-64) failed with error -12"
# ...but a report after it still counts
printf '%s\n' '[    3.0] smap-failnth: vmalloc error: size 1' '[    3.1] Call Trace:' \
	'[    3.2]  </TASK>' '[    4.0] BUG: KASAN: use-after-free in smap_x' >"$out/console"
if vm_log_problems "$out/console" test-kernel vm 2>/dev/null; then
	not_ok "a KASAN report after an injected failure's warning passes"
else
	ok "a KASAN report after an injected failure's warning fails the run"
fi

printf '[    1.000000] smap: loaded\n[    2.000000] EXT4-fs (vda): mounted filesystem\n' >"$out/console"
if vm_log_problems "$out/console" test-kernel vm 2>"$out/said"; then
	ok "a clean log passes"
else
	not_ok "a clean log fails: $(cat "$out/said")"
fi
[ "$fails" -eq 0 ]
