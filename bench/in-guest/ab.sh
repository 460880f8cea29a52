# SPDX-License-Identifier: GPL-2.0
# shellcheck shell=sh
# bench/ab's guest half: before.ko and after.ko (in /with/ab) loaded in
# turn, ROUNDS times. Default: one "AB SIDE get NS nop NS set NS none NS
# bpfset NS" line per measure (p50s: get, no-op ioctl, durable 4 KiB set,
# sync=none set, BPF hash map update). With REPLAY=N: a log of N keys (16 B keys, 16 B values, as bench
# section 7) written once by after.ko and kept aside; then each side loads
# a fresh copy of it, caches dropped, and one "ABR SIDE load NS replay MS
# mem KB keys N" line per load: modprobe's time, the module's own replay
# time (its "replayed ... in N ms" line), and the growth of Slab +
# VmallocUsed + Percpu from the module unloaded to loaded (section 7's
# measure). With PROFILE=1, one more load per side under perf record -a:
# after "ABP SIDE", the slab caches the keys fill and its top symbols.
# insmod resolves no dependency: modprobe loads them (crc32c, ...) first.
modprobe shared_map && rmmod shared_map || exit 1
MODOPTS="max_bytes=$((1 << 30))"
D=/var/tmp/shared_map
ORIG=/var/tmp/ab-log

mem_kb() {
	sync
	echo 3 >/proc/sys/vm/drop_caches
	awk '/^(Slab|VmallocUsed|Percpu):/ { s += $2 } END { print s }' /proc/meminfo
}

# fresh: the kept log back in place, nothing of it cached
fresh() {
	rm -rf $D && cp -a $ORIG $D || exit 1
	sync
	echo 3 >/proc/sys/vm/drop_caches
}

replay() {
	rm -rf $D
	insmod /with/ab/after.ko $MODOPTS sync=none || exit 1
	smap-bench --rw=get --ops=1 --keys="$REPLAY" --key-size=16 \
		--value-size=16 --prefill=1 >/dev/null || exit 1
	rmmod shared_map || exit 1
	cp -a $D $ORIG || exit 1
	echo "ab: log of $REPLAY keys: $(du -sk $D | awk '{ print $1 }') kB, $(ls $D | wc -l) files"
	i=0
	while [ $i -lt "${ROUNDS:-5}" ]; do
		i=$((i + 1))
		for side in before after; do
			fresh
			base=$(mem_kb)
			t=$(smap-timeit insmod /with/ab/$side.ko $MODOPTS) ||
				{ echo "insmod $side failed"; exit 1; }
			ms=$(dmesg | sed -n 's/.*shared_map: replayed .* in \([0-9]*\) ms$/\1/p' | tail -1)
			sleep 2
			loaded=$(mem_kb)
			keys=$(smap stats --json | jq -r '.keys')
			rmmod shared_map || exit 1
			echo "ABR $side load $t replay ${ms:-0} mem $((loaded - base)) keys $keys"
		done
	done
	[ "${PROFILE:-0}" = 1 ] || return 0
	mount -t debugfs nodev /sys/kernel/debug 2>/dev/null
	for side in before after; do
		fresh
		perf record -a -g -e cpu-clock -o /var/tmp/ab.data -- \
			insmod /with/ab/$side.ko $MODOPTS >/dev/null 2>&1 ||
			{ echo "perf record $side failed"; exit 1; }
		echo "ABP $side"
		# what the keys hold: entry caches, id map nodes, vmalloc (buckets)
		grep -E '^(smap_entry|radix_tree_node) ' /proc/slabinfo |
			awk '$2 > 0 { printf "slab %s: %d objects of %d B = %d kB\n", $1, $2, $4, $2 * $4 / 1024 }'
		grep -E '^(VmallocUsed|Percpu):' /proc/meminfo
		perf report -i /var/tmp/ab.data --stdio --no-children --sort sym \
			-g none --percent-limit 0.7 2>/dev/null | grep -v '^#' |
			grep -v '^$' | head -40
		rm -f /var/tmp/ab.data
		rmmod shared_map || exit 1
	done
}

# DURABLE=1: bench section 8's durable sets (64 B values, 100k keys) at
# 1 and 8 writers, for each side and for LMDB beside them in each round:
# one "ABD SIDE p50 NS ops N" line per run (p50 of 1 writer, ops/s of 8).
durable() {
	t=${DURABLE_S:-3}
	jp50() { jq -r '.jobs[0].write.clat_ns.percentile["50.000000"]'; }
	jops() { jq -r '.jobs[0].write.iops | floor'; }
	i=0
	while [ $i -lt "${ROUNDS:-5}" ]; do
		i=$((i + 1))
		for side in before after lmdb; do
			if [ $side = lmdb ]; then
				rm -rf /var/tmp/peer-lmdb
				run="lmdb-bench --dir=/var/tmp/peer-lmdb"
			else
				rm -rf $D
				insmod /with/ab/$side.ko || { echo "insmod $side failed"; exit 1; }
				run="smap-bench --sync=always"
			fi
			p=$($run --rw=set --numjobs=1 --runtime="$t" --keys=100000 \
				--value-size=64 --name=d1 --output-format=json | jp50)
			o=$($run --rw=set --numjobs=8 --runtime="$t" --keys=100000 \
				--value-size=64 --name=d8 --output-format=json | jops)
			[ $side = lmdb ] || rmmod shared_map || exit 1
			echo "ABD $side p50 $p ops $o"
		done
	done
}

if [ -n "${REPLAY:-}" ]; then
	replay
	exit 0
fi
if [ -n "${DURABLE:-}" ]; then
	durable
	exit 0
fi

modprobe smap_nop || exit 1
p50() {
	jq -r '.jobs[0] | (.read.clat_ns.percentile["50.000000"] // 0) + (.write.clat_ns.percentile["50.000000"] // 0)'
}
i=0
while [ $i -lt "${ROUNDS:-5}" ]; do
	i=$((i + 1))
	for side in before after; do
		rmmod shared_map 2>/dev/null
		rm -rf $D
		insmod /with/ab/$side.ko sync=none || { echo "insmod $side failed"; exit 1; }
		for _ in 1 2; do
			g=$(smap-bench --rw=get --transport=ioctl --runtime=2 --keys=1000 \
				--name=g --output-format=json | p50)
			n=$(smap-bench --rw=get --engine=nop-ioctl --runtime=2 --name=n \
				--output-format=json | p50)
			echo always >/sys/module/shared_map/parameters/sync
			d=$(smap-bench --rw=set --sync=always --ops=100 --key-size=16 \
				--value-size=4096 --keys=1000 --name=d --output-format=json | p50)
			echo none >/sys/module/shared_map/parameters/sync
			m=$(smap-bench --rw=set --sync=none --runtime=2 --keys=1000 \
				--name=m --output-format=json | p50)
			rm -rf /var/tmp/peer-bpf
			b=$(bpf-bench --dir=/var/tmp/peer-bpf --rw=set --runtime=2 \
				--keys=1000 --name=b --output-format=json | p50)
			echo "AB $side get $g nop $n set $d none $m bpfset $b"
		done
	done
done
rmmod shared_map
rmmod smap_nop
