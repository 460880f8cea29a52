# SPDX-License-Identifier: GPL-2.0
# bench/report's table against the peers (issue 18): from made-up results
# whose ratios are known, every comparison gets the measured ratio and the
# verdict its target gives, and the plot is drawn. Host only, no kernel.
set -u
cd "$(dirname "$0")/../.."
out=$(mktemp -d)
trap 'rm -rf "$out"' EXIT
k=$out/res/t
mkdir -p "$k"
# job NAME DIR IOPS P50_NS [BATCH]: one fio-style job that ran in DIR
job() {
	python3 - "$k/$1.json" "$2" "$3" "$4" "${5:-1}" <<'PY'
import json, sys
f, d, iops, p50, batch = sys.argv[1], sys.argv[2], float(sys.argv[3]), int(sys.argv[4]), sys.argv[5]
ran = {"total_ios": 100, "iops": iops, "clat_ns": {"percentile": {
    "%f" % p: p50 * (1 + (p - 50) / 1000.0) for p in (1, 5, 10, 50, 90, 99, 99.9)}}}
idle = {"total_ios": 0, "iops": 0}
j = {"jobname": f, "error": 0, "elapsed_ns": 10 ** 9, "job options": {"batch": batch},
     "read": ran if d == "read" else idle, "write": ran if d == "write" else idle}
json.dump({"fio version": "smap-bench-1", "jobs": [j]}, open(f, "w"))
PY
}
echo '{"kernel": "t", "nproc": 2, "mem_kb": 2097152, "scale": 1}' >"$k/guest.json"
job peer-smap-always-1 write 100 3000000	# 0.6x LMDB's p50: met
job peer-lmdb-set-1 write 100 5000000
job peer-smap-always-8 write 1000 3000000
job peer-lmdb-set-8 write 200 3000000		# 5x: met
job peer-sqlite-set-8 write 300 3000000		# 3.33x: not met
job peer-rocksdb-set-8 write 900 3000000	# 1.11x: met
for r in "" -r2 -r3; do
	job peer-smap-get$r read 1000 1100	# 1.1x BPF's: not met
	job peer-bpf-get$r read 1000 1000
	job peer-lmdb-get$r read 1000 500
	job peer-smap-none$r write 1000 1400	# 1.4x: met
	job peer-bpf-set$r write 1000 1000
done
job group-1 write 100 1
job group-8 write 650 1				# 6.5x: not met
job batch-1 write 20 1
job batch-1000 write 0.5 1 1000			# 500 sets/s = 25x: not met
echo '{"keys_written": 1000, "keys": 1000, "load_ns": 100000000, "cat_ns": 10000000, "mem_base_kb": 0, "mem_loaded_kb": 100, "key_size": 16, "value_size": 16}' >"$k/replay-1000.json"
echo '{"keys_written": 1000, "keys": 1000, "load_ns": 1500000000, "used_memory_empty": 0, "used_memory_loaded": 150000, "key_size": 16, "value_size": 16, "aof_bytes": 1}' >"$k/redis-aof-1000.json"
BENCH_RESULTS=$out/res BENCH_README=$out/README.md python3 bench/report t >"$out/report.log" 2>&1 ||
	{ cat "$out/report.log"; echo "FAIL bench/report exited $?"; exit 1; }
fail=0
# expect TEXT MEASURED VERDICT: the row naming TEXT says MEASURED, VERDICT
expect() {
	local row
	row=$(grep -F -- "$1" "$out/README.md" | grep -F '| t measured' -v | head -1)
	case $row in
	*"$2"*"| **$3** |"*) echo "ok   $1: $2, $3" ;;
	*) echo "FAIL $1: want '$2' and '$3', row: $row"; fail=1 ;;
	esac
}
expect 'vs LMDB `mdb_txn_commit` p50, 1 writer' '= 0.60x' 'met'
expect '8 writers, vs LMDB |' '= 5.00x' 'met'
expect '8 writers, vs SQLite' '= 3.33x' 'not met'
expect '8 writers, vs RocksDB' '= 1.11x' 'met'
expect 'vs BPF hash map lookup' '= 1.10x' 'not met'
expect 'vs BPF hash map update' '= 1.40x' 'met'
expect '8 durable writers vs 1' '= 6.50x' 'not met'
expect 'batch of 1000 sets' '500 vs 20 sets/s = 25.00x' 'not met'
expect 'Redis loading an AOF' '15.0x faster' 'met'
# ours: 100 kB / 1000 keys - 32 = 70.4 B; Redis 150 - 32 = 118 B: above 64
expect 'memory per key beyond key and value' '70 B vs Redis 118 B' 'not met'
if grep -q 'beside LMDB `mdb_get` p50 .*1.1 us vs LMDB 0.5 us | no target' "$out/README.md"; then
	echo "ok   LMDB's get beside ours, no target"
else
	echo "FAIL LMDB's get row: $(grep -F 'beside LMDB' "$out/README.md")"
	fail=1
fi
if [ -s "$k/latency.png" ] && grep -q '](res/t/latency.png)' "$out/README.md"; then
	echo "ok   plot drawn and embedded"
else
	echo "FAIL no plot: $(cat "$out/report.log")"
	fail=1
fi
exit $fail
