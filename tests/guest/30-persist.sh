# SPDX-License-Identifier: GPL-2.0
# Persistence settings: the log directory (created, or the load refused with
# a clear line), one instance per directory, sync modes at runtime, stats,
# and a truncated snapshot loading its valid prefix.
. /with/guest/lib.sh
P=/sys/module/shared_map/parameters

# path= is created if missing; an impossible one refuses the load loudly
load_module path=/var/tmp/deep
check "path= directory created" test -d /var/tmp/deep
check "LOCK file present" test -e /var/tmp/deep/LOCK
check "rmmod" rmmod shared_map
expect_rc 1 "relative path refused" modprobe shared_map path=relative/dir
check "dmesg says why (relative path)" sh -c 'dmesg | grep -q "must be an absolute path"'
expect_rc 1 "uncreatable path refused" modprobe shared_map path=/proc/no/such/dir
check "dmesg says why (cannot create)" sh -c 'dmesg | grep -q "refusing to run without persistence"'
check "nothing loaded after a refusal" sh -c '! lsmod | grep -q "^shared_map "'

# one instance owns the directory: a held lock refuses the load
expect_rc 1 "a locked directory is refused" smap-flock /var/tmp/deep/LOCK modprobe shared_map path=/var/tmp/deep
check "dmesg names the owner problem" sh -c 'dmesg | grep -q "in use by another instance"'

# sync modes switch at runtime; a bad one is refused
load_module path=/var/tmp/deep
expect_eq "$(cat $P/sync)" always "sync defaults to always"
for m in batch none always; do
	echo $m >$P/sync
	expect_eq "$(cat $P/sync)" $m "sync=$m at runtime"
	check "set under sync=$m" smap set "k-$m" "$m"
done
check "a bad sync mode is refused" sh -c "! echo sometimes >$P/sync 2>/dev/null"
expect_eq "$(cat $P/batch_ms)" 10 "batch_ms defaults to 10"
expect_eq "$(cat $P/read_only)" 0 "not read-only"
stats=$(smap stats --json)
check "stats report log fields" sh -c "echo '$stats' | grep -q '\"log_bytes\"'"
echo 1 >$P/compact_now
check "compaction on demand wrote a snapshot" test -s /var/tmp/deep/snapshot
check "rmmod" rmmod shared_map

# a truncated snapshot loads its valid prefix, is copied aside, is rewritten
D=/var/tmp/deep
size=$(stat -c %s $D/snapshot)
truncate -s $((size - 20)) $D/snapshot
dmesg -c >/dev/null
load_module path=$D
check "truncated snapshot reported" sh -c 'dmesg | grep -q "CORRUPTION in .*snapshot"'
check "snapshot.corrupt made" test -e $D/snapshot.corrupt
expect_eq "$(smap get k-batch)" batch "keys before the damage are back"
# the repairing compaction runs in the background once loaded: wait for it
i=0
while [ "$(smap stats | awk '$1 == "compactions" { print $2 }')" -lt 1 ] && [ $i -lt 100 ]; do usleep 100000; i=$((i + 1)); done
check "a clean snapshot was rewritten" smap-log verify $D
unload_module

# each load starts a segment; 16 of them after replay bring a compaction
R=/var/tmp/reloads
i=0
while [ $i -lt 20 ]; do
	i=$((i + 1))
	modprobe shared_map path=$R && smap set "r$i" "$i" && rmmod shared_map ||
		not_ok "reload $i"
	n=$(ls $R | grep -c '^log\.')
	[ "$n" -le 17 ] || { not_ok "reload $i: $n segments"; break; }
done
echo "info $(ls $R | grep -c '^log\.') segments after 20 reloads"
check "reloads never left more than 17 segments" test "$n" -le 17
check "... and a snapshot took them in" test -s $R/snapshot
load_module path=$R
bad=0 i=0
while [ $i -lt 20 ]; do i=$((i + 1)); [ "$(smap get r$i)" = "$i" ] || bad=$((bad + 1)); done
expect_eq "$bad" 0 "every reload's key is there"

# compact_now and recover as modprobe arguments; what they accept
c=$(smap stats | awk '$1 == "compactions" { print $2 }')
echo 0 >$P/compact_now
expect_eq "$(smap stats | awk '$1 == "compactions" { print $2 }')" "$c" "compact_now=0 compacts nothing"
check "compact_now=2 is refused" sh -c "! echo 2 >$P/compact_now 2>/dev/null"
check "recover=x is refused" sh -c "! echo x >$P/recover 2>/dev/null"
check "recover=1 when not read-only is fine" sh -c "echo 1 >$P/recover"
unload_module
rm -rf $R
load_module path=$R recover=1
check "smap set" smap set at-load yes
unload_module
load_module path=$R compact_now=1
i=0
while [ ! -s $R/snapshot ] && [ $i -lt 50 ]; do usleep 100000; i=$((i + 1)); done
check "modprobe compact_now=1 compacts once loaded" test -s $R/snapshot
expect_eq "$(smap get at-load)" yes "the key is kept"
unload_module
finish
