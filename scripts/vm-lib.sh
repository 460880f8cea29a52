# SPDX-License-Identifier: GPL-2.0
# Helpers shared by scripts/vm (busybox guest) and scripts/sysvm (full system).

# Kernel log lines that fail a test. The debug kernel's checkers (see
# scripts/debug-kernel) add their own: KASAN and UBSAN reports, lockdep's
# (circular or recursive locking, inconsistent lock state, irq inversion,
# suspicious RCU usage: each also a "WARNING:" line), "BUG: sleeping function
# called from invalid context", the debug objects' "ODEBUG:", and the
# kmemleak scan scripts/vm runs after the command ("unreferenced object").
VM_BAD='WARNING:|BUG:|Oops|Call Trace|soft lockup|hung_task|blocked for more than|list_add corruption|list_del corruption|Objects remaining|KASAN|UBSAN|possible recursive locking|circular locking dependency|suspicious RCU usage|inconsistent lock state|irq lock inversion|sleeping function called|ODEBUG:|unreferenced object|kmemleak: [0-9]+ new suspected'

# vm_log_panicked CONSOLE KVER WHO: true (and says so) if the guest panicked
vm_log_panicked() {
	grep -aq 'Kernel panic' "$1" || return 1
	echo "$3: guest kernel panicked ($2):" >&2
	grep -aE -B 30 -A 5 'Kernel panic' "$1" | sed "s/^/$3:   /" >&2
	return 0
}

# vm_log_judged CONSOLE: the log without the allocation-failure warnings
# (warn_alloc: "vmalloc error" or "page allocation failure", a stack and its
# </TASK>; and kmem_cache_create's "...(NAME) failed with error -N", then a
# stack whose first line names the task) of smap-failnth, the test's own
# fault injector: there the kernel (its module loader, the slab allocator
# creating a cache) reports a failure the test asked for. The same warning
# from any other task stays in.
vm_log_judged() {
	awk 'held != "" {
			if ($0 ~ /Comm: smap-failnth /)
				skip = 1
			else
				print held
			held = ""
		}
		/^(\[[ 0-9.]*\] )?smap-failnth: (vmalloc error|page allocation failure)/ { skip = 1 }
		!skip && /^(\[[ 0-9.]*\] )?_*kmem_cache_create[a-z_]*\(.*\) failed with error -[0-9]+/ {
			held = $0
			next
		}
		!skip { print }
		skip && /<\/TASK>/ { skip = 0 }
		END { if (held != "") print held }' "$1"
}

# vm_log_problems CONSOLE KVER WHO: false (and prints them) if the guest's
# kernel log has a line of VM_BAD
vm_log_problems() {
	vm_log_judged "$1" | grep -aEq "$VM_BAD" || return 0
	echo "$3: guest kernel log shows problems ($2):" >&2
	vm_log_judged "$1" | grep -aE "$VM_BAD" | sed "s/^/$3:   /" | head -n 60 >&2
	if grep -aq SMAP_KMEMLEAK_BEGIN "$1"; then
		echo "$3: kmemleak report:" >&2
		sed -n '/SMAP_KMEMLEAK_BEGIN/,/SMAP_KMEMLEAK_END/p' "$1" |
			grep -av SMAP_KMEMLEAK | sed "s/^/$3:   /" | head -n 200 >&2
	fi
	return 1
}
