# SPDX-License-Identifier: GPL-2.0
# Sourced by guest tests (busybox sh). Each check prints one line; finish()
# fails the test if any check failed or if no check ran at all.
T_CHECKS=0
T_FAILS=0

ok() {
	T_CHECKS=$((T_CHECKS + 1))
	echo "ok   $*"
}

not_ok() {
	T_CHECKS=$((T_CHECKS + 1))
	T_FAILS=$((T_FAILS + 1))
	echo "FAIL $*"
}

# check DESC CMD...: CMD must succeed
check() {
	_d=$1
	shift
	if "$@"; then ok "$_d"; else not_ok "$_d (status $?)"; fi
}

# expect_rc WANT DESC CMD...: CMD must exit with status WANT
expect_rc() {
	_w=$1 _d=$2
	shift 2
	"$@"
	_rc=$?
	if [ "$_rc" -eq "$_w" ]; then ok "$_d"; else not_ok "$_d: status $_rc, want $_w"; fi
}

# expect_eq GOT WANT DESC
expect_eq() {
	if [ "$1" = "$2" ]; then ok "$3"; else not_ok "$3: got '$1', want '$2'"; fi
}

# load the module; a test that cannot load it fails at once
load_module() {
	if ! modprobe shared_map "$@"; then
		not_ok "modprobe shared_map $*"
		finish
	fi
	ok "modprobe shared_map $*"
}

# unload and check nothing is left behind
unload_module() {
	check "rmmod shared_map" rmmod shared_map
	if lsmod | grep -q '^shared_map '; then
		not_ok "shared_map still in lsmod"
	else
		ok "shared_map gone from lsmod"
	fi
	if [ -e /sys/module/shared_map ] || [ -e /dev/shared_map ]; then
		not_ok "/sys/module/shared_map or /dev/shared_map left behind"
	else
		ok "no /sys/module/shared_map, no /dev/shared_map"
	fi
}

# For CLI tests: $T is a scratch directory the test made.
# run CMD...: stdout to $T/out, stderr to $T/err, status in $RC
run() {
	"$@" >$T/out 2>$T/err
	RC=$?
}

# fails DESC WANT_RC WANT_STDERR_LINE CMD...: exit WANT_RC, stderr exactly one line
fails() {
	_d=$1 _w=$2 _m=$3
	shift 3
	run "$@"
	_n=$(wc -l <$T/err)
	if [ "$RC" -eq "$_w" ] && [ "$_n" -eq 1 ] && [ "$(cat $T/err)" = "$_m" ]; then
		ok "$_d"
	else
		not_ok "$_d: status $RC (want $_w), stderr ($_n lines): $(cat $T/err) (want: $_m)"
	fi
}

# same DESC WANT CMD...: exit 0, stdout exactly WANT, stderr empty
same() {
	_d=$1 _w=$2
	shift 2
	run "$@"
	if [ "$RC" -eq 0 ] && [ "$(cat $T/out)" = "$_w" ] && [ ! -s $T/err ]; then
		ok "$_d"
	else
		not_ok "$_d: status $RC, out '$(cat $T/out)', want '$_w', err '$(cat $T/err)'"
	fi
}

# held KEY VAL N: how many of KEY1..KEYN hold VAL1..VALN (smap get)
held() {
	_n=0 _i=0
	while [ $_i -lt "$3" ]; do
		_i=$((_i + 1))
		[ "$(smap get "$1$_i" 2>/dev/null)" = "$2$_i" ] && _n=$((_n + 1))
	done
	echo $_n
}

# flaky_setup: ext4 without a journal (so no journal abort) at /mnt/f on
# dm device "flaky" over a 64 MiB loop file; flaky ok|bad: the device works,
# or fails every write (and so every fsync). Needs dmsetup and mkfs.ext4
# (scripts/vm --bin).
flaky_setup() {
	export DM_DISABLE_UDEV=1
	modprobe loop
	truncate -s 64M /var/tmp/flaky.img
	check "loop device" losetup /dev/loop0 /var/tmp/flaky.img
	_fs=$(blockdev --getsz /dev/loop0)
	FLAKY_OK="0 $_fs linear /dev/loop0 0"
	FLAKY_BAD="0 $_fs flakey /dev/loop0 0 0 3600 1 error_writes"
	check "dm device" dmsetup create flaky --table "$FLAKY_OK"
	check "mkfs" mkfs.ext4 -q -O ^has_journal /dev/mapper/flaky
	mkdir -p /mnt/f
	check "mount" mount /dev/mapper/flaky /mnt/f
}

flaky() {
	if [ "$1" = ok ]; then _t=$FLAKY_OK; else _t=$FLAKY_BAD; fi
	dmsetup suspend --noflush --nolockfs flaky &&
		dmsetup load flaky --table "$_t" && dmsetup resume flaky
}

flaky_teardown() {
	umount /mnt/f
	dmsetup remove flaky
	losetup -d /dev/loop0
}

# as WHO DESC WANT_RC WANT_ERR CMD: run CMD (a string) as WHO (root, or a
# user via su); WANT_ERR empty: stderr must be empty. Output in $T/out.
as() {
	_who=$1 _d=$2 _w=$3 _m=$4
	shift 4
	if [ "$_who" = root ]; then
		sh -c "$*" >$T/out 2>$T/err
	else
		su "$_who" -c "$*" >$T/out 2>$T/err
	fi
	_rc=$?
	if [ "$_rc" -ne "$_w" ]; then
		not_ok "$_d: status $_rc, want $_w (stderr: $(cat $T/err))"
	elif [ -n "$_m" ] && [ "$(cat $T/err)" != "$_m" ]; then
		not_ok "$_d: stderr '$(cat $T/err)', want '$_m'"
	elif [ -z "$_m" ] && [ -s $T/err ]; then
		not_ok "$_d: unexpected stderr '$(cat $T/err)'"
	else
		ok "$_d"
	fi
}

# stat_of NAME: the counter NAME of `smap stats`
stat_of() { smap stats | awk -v n="$1" '$1 == n { print $2 }'; }

# writer_of FILE FIELD: FIELD ("name:") of the log writer's /proc/PID/FILE
# (status, io), empty if it has no such file
writer_of() {
	for _p in /proc/[0-9]*; do
		[ "$(cat "$_p/comm" 2>/dev/null)" = smap-log ] || continue
		awk -v f="$2" '$1 == f { print $2 }' "$_p/$1" 2>/dev/null
		return
	done
}

# fill PREFIX N [VALUE]: set PREFIX1..PREFIXN to VALUE1..VALUEN (val-1..)
fill() {
	_i=0
	while [ $_i -lt "$2" ]; do
		_i=$((_i + 1))
		smap set "$1$_i" "${3-val-}$_i" || not_ok "set $1$_i"
	done
}

finish() {
	echo "$T_CHECKS checks, $T_FAILS failed"
	[ "$T_CHECKS" -gt 0 ] && [ "$T_FAILS" -eq 0 ] && exit 0
	exit 1
}
