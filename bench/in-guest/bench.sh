# SPDX-License-Identifier: GPL-2.0
# bench.sh: every comparison of `make bench`, inside ONE guest (busybox sh),
# so all ratios are measured under the same emulation. Started by bench/run:
#   BENCH_SCALE=1 sh /with/in-guest/bench.sh
# Results: /var/tmp/results/*.json (smap-bench and fio JSON as they print
# it, plus small JSON records of our own); bench/run copies them out of the
# disk image. BENCH_SCALE multiplies op counts and run times (default 1).
# BENCH_ONLY="1 2 ..." runs only those sections.

R=/var/tmp/results
S=${BENCH_SCALE:-1}
ONLY=${BENCH_ONLY:-1 2 3 4 5 6 7 8 9 10 11 12}
SYNCP=/sys/module/shared_map/parameters/sync
# max_bytes' default (64 MiB) is a machine's sane cap, not the bench's: the
# size sweep stores 64 values of 512 KiB and section 7 a million keys, in a
# 2 GiB guest. Every load of shared_map here takes these options.
MODOPTS="max_bytes=$((1 << 30))"
mkdir -p $R
fails=0

log() { echo "bench: $*" >&2; }
# n BASE: BASE scaled (integer, at least 1)
n() { awk -v b="$1" -v s="$S" 'BEGIN { v = int(b * s); print (v < 1 ? 1 : v) }'; }
want() { case " $ONLY " in *" $1 "*) return 0 ;; esac; return 1; }

# bj NAME COMMAND...: COMMAND (smap-bench or a peer's *-bench, which take
# the same --name and --output-format) into $R/NAME.json
bj() {
	name=$1
	shift
	if "$@" --name="$name" --output-format=json+ >"$R/$name.json.tmp"; then
		mv "$R/$name.json.tmp" "$R/$name.json"
		jq -r '.jobs[0] | "bench: \(.jobname): read \(.read.iops|floor) iops p50 \(.read.clat_ns.percentile["50.000000"] // 0) ns, write \(.write.iops|floor) iops p50 \(.write.clat_ns.percentile["50.000000"] // 0) ns\(if .error != 0 then ", error " + .error_msg else "" end)"' "$R/$name.json" >&2
	else
		log "$name FAILED: $*"
		rm -f "$R/$name.json.tmp"
		fails=$((fails + 1))
	fi
}

# sb NAME ARGS...: smap-bench into $R/NAME.json
sb() {
	name=$1
	shift
	bj "$name" smap-bench "$@"
}

# pb PEER NAME ARGS...: PEER-bench (lmdb, rocksdb, sqlite, bpf) into
# $R/NAME.json, its store in /var/tmp/peer-PEER (the disk shared_map logs to)
pb() {
	peer=$1
	name=$2
	shift 2
	bj "$name" "$peer-bench" --dir=/var/tmp/peer-"$peer" "$@"
	rm -rf /var/tmp/peer-"$peer"
}

# kv FILE KEY=VALUE...: a flat JSON object of numbers/strings
kv() {
	f=$1
	shift
	{
		printf '{'
		sep=
		for a in "$@"; do
			k=${a%%=*}
			v=${a#*=}
			case $v in
			''|*[!0-9.-]*|*.*.*|-|*?-*) printf '%s"%s": "%s"' "$sep" "$k" "$v" ;;
			*) printf '%s"%s": %s' "$sep" "$k" "$v" ;;
			esac
			sep=', '
		done
		printf '}\n'
	} >"$f"
}

reload() {
	rmmod smap_kbench 2>/dev/null
	rmmod shared_map 2>/dev/null
	modprobe shared_map $MODOPTS || { log "modprobe shared_map failed"; exit 1; }
	modprobe smap_kbench
}

# ---- setup -------------------------------------------------------------------
cat /proc/cpuinfo | grep -m1 'model name' | sed 's/.*: //' >$R/guest-cpu.txt
kv $R/guest.json kernel="$(uname -r)" nproc="$(nproc)" \
	mem_kb="$(awk '/MemTotal/ { print $2 }' /proc/meminfo)" scale="$S" \
	fio="$(fio --version 2>/dev/null)" \
	redis="$(redis-server --version 2>/dev/null | sed 's/.*v=\([^ ]*\).*/\1/')"
modprobe smap_nop || { log "modprobe smap_nop failed"; exit 1; }
rm -rf /var/tmp/shared_map
reload
log "kernel $(uname -r), $(nproc) cpus, scale $S"

# ---- (1) durable write latency: smap sync=always vs fio write+fdatasync ----
if want 1; then
	# Five rounds, each shared_map run right beside fio's: the host's
	# fsync time drifts by milliseconds within a boot, moving both alike
	# but not always evenly; the report takes the median round's ratio.
	# fio overwrites a file it first wrote with zeros and fsynced
	# (overwrite=1, no fallocate: an unwritten extent would be converted
	# at each first write, a journal commit per fdatasync): each
	# fdatasync then flushes data only, the floor our preallocated log
	# segments aim at.
	N1=$(n 200)
	for r in "" -r2 -r3 -r4 -r5; do
		sb durable-smap$r --rw=set --sync=always --ops="$N1" \
			--key-size=16 --value-size=4096 --keys=100000
		fio --name=durable-fio$r --filename=/var/tmp/fio.dat --rw=write \
			--bs=4k --ioengine=sync --fdatasync=1 --size=$((N1 * 4))k \
			--overwrite=1 --fallocate=none \
			--output-format=json >$R/durable-fio$r.json 2>/dev/null ||
			{ log "fio failed"; fails=$((fails + 1)); }
		rm -f /var/tmp/fio.dat
	done
	# The same, appending to a growing file as a log does (each fdatasync
	# then also commits the new size), for the record.
	fio --name=durable-fio-append --filename=/var/tmp/fio.dat --rw=write \
		--bs=4k --ioengine=sync --fdatasync=1 --size=$((N1 * 4))k \
		--file_append=1 --output-format=json >$R/durable-fio-append.json \
		2>/dev/null || rm -f $R/durable-fio-append.json
	rm -f /var/tmp/fio.dat
	jq -r '.jobs[0] | "bench: fio: write p50 \(.write.clat_ns.percentile["50.000000"]) + fdatasync p50 \(.sync.lat_ns.percentile["50.000000"]) ns, \(.write.iops|floor) iops"' $R/durable-fio.json >&2
fi

# ---- (2) call overhead: get via ioctl/netlink vs the no-op floors ---------
if want 2; then
	# Three rounds, each get right beside its floor: the host's noise
	# moves both alike, and the report takes the median round's ratio.
	T2=$(n 2)
	echo none >$SYNCP
	for r in "" -r2 -r3; do
		sb get-ioctl$r --rw=get --transport=ioctl --runtime="$T2" --keys=1000
		sb nop-ioctl$r --rw=get --engine=nop-ioctl --runtime="$T2"
		sb get-netlink$r --rw=get --transport=netlink --runtime="$T2" --keys=1000
		sb nop-genl$r --rw=get --engine=nop-genl --runtime="$T2"
	done
	sb get-kapi --rw=get --transport=kapi --runtime="$T2" --keys=1000
fi

# ---- (3) group commit: durable sets at 1, 2, 4, 8 jobs ----------------------
if want 3; then
	T3=$(n 4)
	for j in 1 2 4 8; do
		sb group-$j --rw=set --sync=always --numjobs=$j --runtime="$T3" \
			--keys=100000 --value-size=64
	done
fi

# ---- (4) Redis 7, AOF always/everysec/no vs sync=always/batch/none ----------
if want 4; then
	# redis-server is dynamically linked; scripts/vm --bin copied its libs.
	rdir=/var/tmp/redis
	sock=/tmp/redis.sock
	for pair in always:always everysec:batch no:none; do
		aof=${pair%%:*}
		sm=${pair#*:}
		# always: both on the fsync floor, so enough ops for a steady p50
		if [ "$sm" = always ]; then ops=$(n 300); else ops=$(n 2000); fi
		rm -rf $rdir
		mkdir -p $rdir
		redis-server --port 0 --unixsocket $sock --unixsocketperm 777 \
			--dir $rdir --appendonly yes --appendfsync $aof \
			--save '' --daemonize yes --pidfile /tmp/redis.pid \
			--logfile $rdir/log >/dev/null 2>&1
		i=0
		while [ ! -S $sock ] && [ $i -lt 100 ]; do usleep 100000; i=$((i + 1)); done
		if [ ! -S $sock ]; then
			log "redis-server did not start"
			cat $rdir/log >&2
			fails=$((fails + 1))
			continue
		fi
		for j in 1 8; do
			sb redis-$aof-$j --engine=redis --redis-socket=$sock \
				--rw=set --numjobs=$j --ops="$ops" --keys=100000 \
				--value-size=64
			sb smap-$sm-$j --rw=set --sync="$sm" --numjobs=$j \
				--ops="$ops" --keys=100000 --value-size=64
		done
		kill "$(cat /tmp/redis.pid)" 2>/dev/null
		i=0
		while [ -S $sock ] && [ $i -lt 100 ]; do usleep 100000; i=$((i + 1)); done
	done
	rm -rf $rdir
fi

# ---- (5) the seed's table: 100k ops at 1..10 processes ----------------------
# 100k operations in total per cell, split evenly across the processes
# (mixed: 100k gets + 100k sets); writes at sync=none, as the seed never
# fsynced its files.
if want 5; then
	N5=$(n 100000)
	echo none >$SYNCP
	for p in 1 2 4 6 8 10; do
		per=$((N5 / p))
		sb seed-read-$p --rw=get --numjobs=$p --ops=$per --keys=10000
		sb seed-write-$p --rw=set --numjobs=$p --ops=$per --keys=10000
		sb seed-mixed-$p --rw=mixed --numjobs=$p --ops=$((2 * per)) \
			--keys=10000
	done
fi

# ---- (6) value-size sweep ---------------------------------------------------
if want 6; then
	T6=$(n 2)
	echo none >$SYNCP
	for vs in 1 64 1024 65536 524288; do
		sb size-get-$vs --rw=get --value-size=$vs --keys=64 --runtime="$T6"
		sb size-set-$vs --rw=set --value-size=$vs --keys=64 --runtime="$T6"
	done
fi

# ---- (7) replay at load and memory per key ---------------------------------
# N keys (16 B key, 16 B value) written once at sync=none, then: rmmod, drop
# caches, time modprobe (replay); drop caches, time reading the log
# directory. Memory: Slab + VmallocUsed + Percpu with the module loaded
# (replayed) minus the same with it unloaded, caches dropped both times;
# loaded, after 2 s for the hash table's background resize (old bucket
# array freed after an RCU grace period) to settle.
mem_kb() {
	sync
	echo 3 >/proc/sys/vm/drop_caches
	awk '/^(Slab|VmallocUsed|Percpu):/ { s += $2 } END { print s }' /proc/meminfo
}
# busy and all jiffies of every CPU so far (/proc/stat's "cpu" line)
cpu_ticks() {
	awk '/^cpu / { b = $2 + $3 + $4 + $7 + $8 + $9; print b, b + $5 + $6 }' /proc/stat
}
if want 7; then
	for nk in 10000 100000 1000000; do
		nk=$(n $nk)
		rmmod smap_kbench 2>/dev/null
		rmmod shared_map
		rm -rf /var/tmp/shared_map
		modprobe shared_map $MODOPTS sync=none || { fails=$((fails + 1)); continue; }
		t_fill=$(smap-timeit smap-bench --rw=get --ops=1 --keys="$nk" \
			--key-size=16 --value-size=16 --prefill=1)
		rmmod shared_map
		base=$(mem_kb)
		set -- $(cpu_ticks)
		t_load=$(smap-timeit modprobe shared_map $MODOPTS)
		set -- $(cpu_ticks) "$@"
		# how busy the vCPUs were during the load, all of them together
		busy=$(($1 - $3)) all=$(($2 - $4))
		cpu_busy_pct=$(( all > 0 ? 100 * busy / all : 0 ))
		# the module's own measure of smap_replay(), the rest is loading
		replay_ms=$(dmesg | sed -n 's/.*shared_map: replayed .* in \([0-9]*\) ms$/\1/p' | tail -1)
		sleep 2
		loaded=$(mem_kb)
		keys=$(smap stats --json 2>/dev/null | jq -r '.keys // empty')
		replayed=$(smap stats --json 2>/dev/null | jq -r '.replayed // empty')
		sync
		echo 3 >/proc/sys/vm/drop_caches
		t_cat=$(smap-timeit sh -c 'cat /var/tmp/shared_map/* >/dev/null')
		# reading and checking every record, nothing stored: the floor
		# of any replay that trusts no byte unchecked
		sync
		echo 3 >/proc/sys/vm/drop_caches
		t_verify=$(smap-timeit sh -c 'smap-log verify /var/tmp/shared_map >/dev/null')
		log_bytes=$(du -sk /var/tmp/shared_map | awk '{ print $1 * 1024 }')
		files=$(ls /var/tmp/shared_map | wc -l)
		kv $R/replay-$nk.json keys_written="$nk" keys="${keys:-0}" \
			replayed="${replayed:-0}" fill_ns="$t_fill" load_ns="$t_load" \
			replay_ms="${replay_ms:-0}" \
			cat_ns="$t_cat" verify_ns="$t_verify" log_bytes="$log_bytes" \
			log_files="$files" cpu_busy_pct="$cpu_busy_pct" \
			mem_base_kb="$base" mem_loaded_kb="$loaded" key_size=16 \
			value_size=16
		log "replay $nk keys: load $((t_load / 1000000)) ms, cat $((t_cat / 1000000)) ms, mem $((loaded - base)) kB, log $log_bytes B"
	done
fi

# ---- (8) the peers: LMDB, RocksDB, SQLite, a BPF hash map ------------------
# Each beside shared_map's run of the same workload, in this boot, on this
# disk. Durable sets: section 3's workload (64 B values, 100k keys, T3 s)
# at 1 and 8 writers; gets and memory-only sets: section 2's (1000 keys, T2
# s), three rounds, the report takes the median round's ratio.
if want 8; then
	T3=$(n 4)
	T2=$(n 2)
	for j in 1 8; do
		sb peer-smap-always-$j --rw=set --sync=always --numjobs=$j \
			--runtime="$T3" --keys=100000 --value-size=64
		for p in lmdb sqlite rocksdb; do
			pb $p peer-$p-set-$j --rw=set --numjobs=$j --runtime="$T3" \
				--keys=100000 --value-size=64
		done
	done
	echo none >$SYNCP
	for r in "" -r2 -r3; do
		sb peer-smap-get$r --rw=get --transport=ioctl --runtime="$T2" --keys=1000
		pb bpf peer-bpf-get$r --rw=get --runtime="$T2" --keys=1000
		pb lmdb peer-lmdb-get$r --rw=get --runtime="$T2" --keys=1000
		sb peer-smap-none$r --rw=set --sync=none --runtime="$T2" --keys=1000
		pb bpf peer-bpf-set$r --rw=set --runtime="$T2" --keys=1000
	done
	for p in sqlite rocksdb; do
		pb $p peer-$p-get --rw=get --runtime="$T2" --keys=1000
	done
fi

# ---- (9) batches: 1000 sets per SMAP_IOC_BATCH at sync=always ---------------
# against single durable sets, one writer, the same keys and values.
if want 9; then
	T3=$(n 4)
	sb batch-1 --rw=set --sync=always --runtime="$T3" --keys=100000 \
		--value-size=64
	sb batch-1000 --rw=set --sync=always --batch=1000 --runtime="$T3" \
		--keys=100000 --value-size=64
fi

# ---- (10) Redis loading an AOF of section 7's largest key set ---------------
# The same N keys (smap_bench_key, 16 B keys, 16 B values 'v'), as SET
# commands in an AOF (RESP, no RDB preamble: a command log like ours),
# written by awk. Timed: redis-server's start until it answers PING (it
# answers -LOADING while it replays); memory: used_memory loaded minus
# used_memory empty, over N.
# the start, as one shell command: smap-timeit times it whole
redis_up='redis-server --port 0 --unixsocket $sock --dir $rdir --appendonly yes \
	--appendfsync no --aof-use-rdb-preamble no --auto-aof-rewrite-percentage 0 \
	--save "" --daemonize yes --pidfile /tmp/redis.pid --logfile $rdir/log \
	>/dev/null 2>&1 || exit 1
i=0
until redis-cli -s $sock ping 2>/dev/null | grep -q PONG; do
	i=$((i + 1))
	[ $i -lt 20000 ] || exit 1
	usleep 20000
done'
redis_down() {
	redis-cli -s $sock shutdown nosave >/dev/null 2>&1
	i=0
	while [ -S $sock ] && [ $i -lt 100 ]; do usleep 100000; i=$((i + 1)); done
}
used_memory() {
	redis-cli -s $sock info memory | sed -n 's/^used_memory:\([0-9]*\).*/\1/p'
}
if want 10; then
	rdir=/var/tmp/redis
	sock=/tmp/redis.sock
	nk=$(n 1000000)
	rm -rf $rdir
	mkdir -p $rdir
	sock=$sock rdir=$rdir sh -c "$redis_up" || fails=$((fails + 1))
	mem_empty=$(used_memory)
	redis_down
	rm -rf $rdir
	mkdir -p $rdir/appendonlydir
	awk -v n="$nk" 'BEGIN {
		v = "vvvvvvvvvvvvvvvv"
		for (i = 0; i < n; i++)
			printf "*3\r\n$3\r\nSET\r\n$16\r\nk%015d\r\n$16\r\n%s\r\n", i, v
	}' >$rdir/appendonlydir/appendonly.aof.1.base.aof
	echo "file appendonly.aof.1.base.aof seq 1 type b" \
		>$rdir/appendonlydir/appendonly.aof.manifest
	aof_bytes=$(wc -c <$rdir/appendonlydir/appendonly.aof.1.base.aof)
	sync
	echo 3 >/proc/sys/vm/drop_caches
	t_load=$(sock=$sock rdir=$rdir smap-timeit sh -c "$redis_up") ||
		{ log "redis-server did not load the AOF"; fails=$((fails + 1)); }
	keys=$(redis-cli -s $sock dbsize)
	mem_loaded=$(used_memory)
	redis_ms=$(sed -n 's/.*DB loaded from append only file: \([0-9.]*\) seconds.*/\1/p' $rdir/log | tail -1)
	redis_down
	rm -rf $rdir
	kv $R/redis-aof-$nk.json keys_written="$nk" keys="${keys:-0}" \
		load_ns="$t_load" redis_load_s="${redis_ms:-0}" aof_bytes="$aof_bytes" \
		used_memory_empty="$mem_empty" used_memory_loaded="$mem_loaded" \
		key_size=16 value_size=16
	log "redis aof $nk keys: load $((t_load / 1000000)) ms, used_memory +$((mem_loaded - mem_empty)) B"
fi

# ---- (11) profiles of the comparisons shared_map can fall short in ---------
# Durable sets: what each set costs the file system, counted by kernel
# tracepoints over the whole run (`perf stat -a`): fsync/fdatasync calls
# (ext4_sync_file_enter), ext4 journal commits (jbd2_start_commit) and
# block requests issued (flushes included), for shared_map and the peer it
# is compared with. Memory-only sets and gets: where the CPU time goes
# (`perf record -a -g`, cpu-clock: TCG has no PMU), top symbols.
# PROF.stat.json: {"ops": N, "<event>": count, ...}; PROF.top.txt.
EV=ext4:ext4_sync_file_enter,jbd2:jbd2_start_commit,block:block_rq_issue
# and for memory-only sets: wakeups and context switches per set
EVS=sched:sched_wakeup,sched:sched_switch
# pstat NAME COMMAND...: COMMAND's JSON as in bj, its tracepoint counts
# (the events in $ev) beside
pstat() {
	name=$1
	shift
	perf stat -a -x, -e $ev -o /tmp/$name.stat -- "$@" --name="$name" \
		--output-format=json+ >"$R/$name.json" 2>/dev/null ||
		{ log "$name FAILED under perf stat"; fails=$((fails + 1)); return; }
	ops=$(jq '.jobs[0] | .read.total_ios + .write.total_ios' "$R/$name.json")
	set -- ops="$ops"
	while IFS=, read -r count _ event _; do
		case $event in *:*) set -- "$@" "${event#*:}=$count" ;; esac
	done </tmp/$name.stat
	kv "$R/$name.stat.json" "$@"
	log "$name: $*"
}
# ptop NAME COMMAND...: the top symbols of COMMAND's run, all CPUs
ptop() {
	name=$1
	shift
	perf record -a -g -e cpu-clock -o /var/tmp/$name.data -- "$@" \
		--name="$name" --output-format=json+ >"$R/$name.json" 2>/dev/null &&
	perf report -i /var/tmp/$name.data --stdio --no-children --sort sym \
		-g none --percent-limit 1.5 2>/dev/null | grep -v '^#' |
		grep -v '^$' | head -25 >"$R/$name.top.txt" ||
		{ log "$name FAILED under perf record"; fails=$((fails + 1)); }
	rm -f /var/tmp/$name.data
}
if want 11; then
	mount -t tracefs nodev /sys/kernel/tracing 2>/dev/null
	mount -t debugfs nodev /sys/kernel/debug 2>/dev/null
	T3=$(n 4)
	T2=$(n 2)
	if ! perf stat -a -e $EV -- true 2>/dev/null; then
		log "perf cannot count $EV here: no profiles"
		fails=$((fails + 1))
	else
		ev=$EV
		for j in 1 8; do
			pstat prof-smap-always-$j smap-bench --rw=set --sync=always \
				--numjobs=$j --runtime="$T3" --keys=100000 --value-size=64
			for p in lmdb rocksdb; do
				pstat prof-$p-set-$j $p-bench --dir=/var/tmp/peer-$p \
					--rw=set --numjobs=$j --runtime="$T3" \
					--keys=100000 --value-size=64
				rm -rf /var/tmp/peer-$p
			done
		done
		echo none >$SYNCP
		ev=$EVS
		pstat prof-smap-none-sched smap-bench --rw=set --sync=none \
			--runtime="$T2" --keys=1000
		pstat prof-bpf-set-sched bpf-bench --dir=/var/tmp/peer-bpf \
			--rw=set --runtime="$T2" --keys=1000
		ptop prof-smap-none smap-bench --rw=set --sync=none \
			--runtime="$T2" --keys=1000
		ptop prof-bpf-set bpf-bench --dir=/var/tmp/peer-bpf --rw=set \
			--runtime="$T2" --keys=1000
		ptop prof-smap-get smap-bench --rw=get --transport=ioctl \
			--runtime="$T2" --keys=1000
		ptop prof-bpf-get bpf-bench --dir=/var/tmp/peer-bpf --rw=get \
			--runtime="$T2" --keys=1000
	fi
fi

# ---- (12) set-to-event latency: a watch vs Redis keyspace notifications -----
# One key set again and again; a watcher process takes the time each event
# wakes it (smap: SMAP_IOC_WATCH, a blocking read; Redis: SUBSCRIBE to
# __keyspace@0__:KEY, notify-keyspace-events K$, no AOF). smap at
# sync=none (Redis' no-AOF) and sync=always (the set's fsync included).
if want 12; then
	rdir=/var/tmp/redis
	sock=/tmp/redis.sock
	ops=$(n 2000)
	for sm in none always; do
		echo $sm >$SYNCP
		bj watch-smap-$sm smap-watchlat --engine=smap --sync=$sm --ops="$ops"
	done
	echo always >$SYNCP
	rm -rf $rdir
	mkdir -p $rdir
	redis-server --port 0 --unixsocket $sock --unixsocketperm 777 \
		--dir $rdir --appendonly no --save '' --daemonize yes \
		--pidfile /tmp/redis.pid --logfile $rdir/log >/dev/null 2>&1
	i=0
	while [ ! -S $sock ] && [ $i -lt 100 ]; do usleep 100000; i=$((i + 1)); done
	if [ -S $sock ]; then
		bj watch-redis smap-watchlat --engine=redis --redis-socket=$sock \
			--sync=none --ops="$ops"
	else
		log "redis-server did not start"
		fails=$((fails + 1))
	fi
	kill "$(cat /tmp/redis.pid)" 2>/dev/null
	i=0
	while [ -S $sock ] && [ $i -lt 100 ]; do usleep 100000; i=$((i + 1)); done
	rm -rf $rdir
fi

# ---- leave clean: modules unload without complaint -------------------------
rmmod smap_kbench 2>/dev/null
rmmod smap_nop || fails=$((fails + 1))
rmmod shared_map || fails=$((fails + 1))
kv $R/done.json failures="$fails"
log "done, $fails failures"
# a failed run exits nonzero (bench/run then fails make bench), its other
# results still copied out
[ "$fails" = 0 ]
