# SPDX-License-Identifier: GPL-2.0
# Helpers shared by scripts/vm (busybox guest) and scripts/sysvm (full system).

# Kernel log lines that fail a test.
VM_BAD='WARNING:|BUG:|Oops|Call Trace|soft lockup|hung_task|blocked for more than|list_add corruption|list_del corruption|Objects remaining|KASAN|UBSAN|possible recursive locking|circular locking dependency|suspicious RCU usage'

# vm_log_panicked CONSOLE KVER WHO: true (and says so) if the guest panicked
vm_log_panicked() {
	grep -aq 'Kernel panic' "$1" || return 1
	echo "$3: guest kernel panicked ($2):" >&2
	grep -aE -B 30 -A 5 'Kernel panic' "$1" | sed "s/^/$3:   /" >&2
	return 0
}

# vm_log_problems CONSOLE KVER WHO: false (and prints them) if the guest's
# kernel log has a line of VM_BAD
vm_log_problems() {
	grep -aEq "$VM_BAD" "$1" || return 0
	echo "$3: guest kernel log shows problems ($2):" >&2
	grep -aE "$VM_BAD" "$1" | sed "s/^/$3:   /" | head -n 60 >&2
	return 1
}
