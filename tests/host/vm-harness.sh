# SPDX-License-Identifier: GPL-2.0
# The guest harness itself: a failing command, a kernel warning, a timeout, a
# guest reset and a missing module must each be reported, never passed.
set -u
fails=0
d=$SMAP_WORK/disk.img
vm() { "$VM" --quiet --kernel "$SMAP_KERNEL" --disk "$d" "$@"; }

expect() {
	local want=$1 desc=$2 rc
	shift 2
	"$@" >"$SMAP_WORK/out" 2>&1
	rc=$?
	if [ "$rc" -eq "$want" ]; then
		echo "ok   $desc"
	else
		echo "FAIL $desc: status $rc, want $want"
		sed 's/^/     /' "$SMAP_WORK/out"
		fails=$((fails + 1))
	fi
}

expect 0 "a command's success passes through" vm --fresh-disk -- true
expect 7 "a command's status passes through" vm -- 'exit 7'
expect 1 "a missing module fails the command" vm -- modprobe no_such_module_xyz
expect 3 "a kernel WARNING fails the run" vm -- 'echo "WARNING: CPU: 0 PID: 1 at harness-self-test" >/dev/kmsg'
expect 3 "Objects remaining fails the run" vm -- 'echo "kmem_cache_destroy x: Slab cache still has objects; Objects remaining" >/dev/kmsg'
expect 124 "--timeout stops a hung command" vm --timeout 20 -- 'sleep 600'
expect 125 "sysrq b is reported as a reset" vm -- 'echo b >/proc/sysrq-trigger; sleep 10'
expect 126 "a guest panic is reported" vm -- 'echo c >/proc/sysrq-trigger; sleep 10'
# stdout and stderr stream separately and binary-safe
"$VM" --quiet --kernel "$SMAP_KERNEL" --disk "$d" -- 'printf "a\nb\000c"; echo err >&2' \
	>"$SMAP_WORK/o" 2>"$SMAP_WORK/e"
if printf 'a\nb\000c' | cmp -s - "$SMAP_WORK/o" && grep -qx err "$SMAP_WORK/e"; then
	echo "ok   stdout is binary-safe, stderr separate"
else
	echo "FAIL stdout/stderr: $(od -c "$SMAP_WORK/o" | head -3)"
	fails=$((fails + 1))
fi
# the disk persists across calls unless --fresh-disk
vm -- 'echo kept >/var/tmp/marker' >/dev/null 2>&1
expect 0 "/var/tmp persists across boots" vm -- 'grep -qx kept /var/tmp/marker'
expect 1 "--fresh-disk starts empty" vm --fresh-disk -- 'test -e /var/tmp/marker'
# --with copies a directory in
mkdir -p "$SMAP_WORK/withdir" && echo payload >"$SMAP_WORK/withdir/f"
expect 0 "--with DIR appears at /with/<name>" vm --with "$SMAP_WORK/withdir" -- 'grep -qx payload /with/withdir/f'
[ "$fails" -eq 0 ]
