# SPDX-License-Identifier: GPL-2.0
# Instances, not globals (ARCHITECTURE.md): the store's state lives in its
# struct smap_store, the journal's in its struct smap_journal, and main.c
# holds the only file-scope pointer to the module's instance. This reads the
# symbol tables of shared_map.ko's objects as `make` built them (every
# kernel, both builds: mod/ and mod-test/) and fails on any file-scope
# variable in a writable section (.data, .bss, .data..read_mostly,
# .data..percpu, ...) that the list below does not name. Function-scope
# statics that kernel macros make (lockdep class keys __key.N, ratelimit
# states _rs.N, WARN_ONCE flags) carry a ".N" suffix and are not state of
# ours; .data..ro_after_init (the genl family) is read-only once loaded.
# Host only; needs `make` first (make check builds before it runs tests).
set -u
cd "$(dirname "$0")/../.."

# OBJECT:SYMBOL (a shell pattern) and why it may stay file-scope
allowed='
main.o:smap                      the module instance: the one pointer
main.o:smap_lock                 guards smap for sysfs writes and RECOVER
main.o:smap_unloading            tells an early sysfs write from a late one
param.o:smap_key_max             module parameters: the kernel parameter
param.o:smap_value_max           code points at static storage, and
param.o:smap_max_bytes           they must outlive (and exist before) any
param.o:smap_user_max_bytes      instance (modprobe arguments)
param.o:smap_watch_queue_max     "
param.o:smap_watch_user_max      "
param.o:smap_nl_stage_user_max   "
param.o:smap_log_path            "
param.o:smap_volatile            "
param.o:smap_tun                 "
param.o:smap_compact_at_load     "
param.o:smap_fail_load_id        " (test build only)
param.o:smap_init_fail_nth       " (test build on a fault-injection kernel)
param.o:smap_init_fail_nth_left  " (the same)
param.o:smap_param_range_*       a ranged parameter'"'"'s bounds (kp->arg)
'

# the objects of shared_map.ko: "shared_map-y := a.o b.o \ c.o" in Kbuild
objs=$(sed -n '/^shared_map-y/,/[^\\]$/p' module/Kbuild |
	sed 's/.*:=//; s/\\//' | tr -s ' \t' '\n' | grep '\.o$')
[ -n "$objs" ] || { echo "FAIL no shared_map-y objects in module/Kbuild"; exit 1; }

ok_sym() {	# OBJECT SYMBOL: allowed?
	local pat
	while read -r pat _; do
		[ -n "$pat" ] || continue
		# shellcheck disable=SC2254
		case "$1:$2" in $pat) return 0 ;; esac
	done <<<"$allowed"
	return 1
}

bad=0 checked=0 dirs=0
for d in build/*/mod build/*/mod-test; do
	[ -e "$d/store.o" ] || continue
	dirs=$((dirs + 1))
	for o in $objs; do
		[ -e "$d/$o" ] || { echo "FAIL $d/$o missing"; bad=1; continue; }
		checked=$((checked + 1))
		# SYMBOL-TABLE lines: ADDR FLAGS... O SECTION SIZE NAME
		while read -r sec name; do
			case $sec in
			.data..ro_after_init) continue ;;
			.data|.data.*|.bss|.bss.*) ;;
			*) continue ;;
			esac
			case $name in *.*) continue ;; esac	# function-scope
			ok_sym "$o" "$name" && continue
			echo "FAIL $d/$o: file-scope mutable variable $name ($sec):" \
				"put it in struct smap_store / smap_journal, or" \
				"allow it in $0 with a reason"
			bad=1
		done < <(objdump -t "$d/$o" | awk '$0 ~ / O / { print $(NF-2), $NF }')
	done
done
if [ "$dirs" -eq 0 ]; then
	echo "FAIL no module build under build/ (run make first)"
	exit 1
fi
[ $bad -eq 0 ] || exit 1
echo "ok   $checked objects of shared_map.ko ($dirs builds): no file-scope mutable state but main.c's instance and the module parameters"
