#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
# smoke: one guest; smap-bench briefly on every transport and engine, and
# each peer's benchmark (lmdb-, sqlite-, rocksdb-, bpf-bench) on set and get;
# the host checks each JSON (json+) parses, has nonzero iops and ordered
# percentiles, and that Debian's fio tools read it as fio's (lib.sh).
# Run by scripts/check with SMAP_KERNEL, SMAP_ROOT, VM and SMAP_WORK.
set -uo pipefail
ROOT=${SMAP_ROOT:-$(cd "$(dirname "$0")/../.." && pwd)}
VM=${VM:-$ROOT/scripts/vm}
K=${SMAP_KERNEL:-6.12}
WORK=${SMAP_WORK:-$(mktemp -d)}
mkdir -p "$WORK"
out=$WORK/smoke.out
# shellcheck source=bench/tests/lib.sh
. "$ROOT/bench/tests/lib.sh"

# name|arguments (smap-bench's, or a peer's: PEER-bench ARGS)
runs='ioctl-get|--rw=get --transport=ioctl --keys=100
ioctl-set|--rw=set --transport=ioctl --sync=batch
ioctl-mixed|--rw=mixed --transport=ioctl --sync=none --keys=100
ioctl-incr|--rw=incr --transport=ioctl --sync=none --keys=10
netlink-get|--rw=get --transport=netlink --keys=100
netlink-set|--rw=set --transport=netlink --sync=none
kapi-get|--rw=get --transport=kapi --keys=100 --numjobs=2
kapi-set|--rw=set --transport=kapi --sync=none
kapi-incr|--rw=incr --transport=kapi --sync=none --keys=10
always-set|--rw=set --sync=always --ops=5 --numjobs=2
nop-ioctl|--engine=nop-ioctl
nop-genl|--engine=nop-genl
redis-get|--engine=redis --rw=get --keys=100 --redis-socket=/tmp/r.sock
redis-set|--engine=redis --rw=set --redis-socket=/tmp/r.sock
batch-set|--rw=set --sync=always --batch=100 --ops=3 --keys=1000
lmdb-set|lmdb-bench --rw=set --ops=5 --numjobs=2
lmdb-get|lmdb-bench --rw=get --keys=100 --numjobs=2
sqlite-set|sqlite-bench --rw=set --ops=5 --numjobs=2
sqlite-get|sqlite-bench --rw=get --keys=100
rocksdb-set|rocksdb-bench --rw=set --ops=5 --numjobs=2
rocksdb-get|rocksdb-bench --rw=get --keys=100 --numjobs=2
bpf-set|bpf-bench --rw=set --keys=100 --numjobs=2
bpf-get|bpf-bench --rw=get --keys=100'

script='modprobe shared_map && modprobe smap_nop && modprobe smap_kbench || exit 1
mkdir -p /var/tmp/redis
redis-server --port 0 --unixsocket /tmp/r.sock --dir /var/tmp/redis --appendonly yes --save "" --daemonize yes --pidfile /tmp/r.pid --logfile /var/tmp/redis/log >/dev/null 2>&1
i=0; while [ ! -S /tmp/r.sock ] && [ $i -lt 50 ]; do usleep 100000; i=$((i+1)); done
'
while IFS='|' read -r name args; do
	case $args in *--ops=*) t= ;; *) t=--runtime=0.2 ;; esac
	case $args in *-bench\ *) prog= ;; *) prog=smap-bench ;; esac
	script+="echo '=== $name'; $prog $args --name=$name --output-format=json+ $t || echo '!!! $name failed'
"
done <<<"$runs"
script+='kill $(cat /tmp/r.pid)
rmmod smap_kbench && rmmod smap_nop && rmmod shared_map || echo "!!! rmmod failed"'
printf '%s\n' "$script" >"$WORK/cmd.sh"
mkdir -p "$WORK/in"
cp "$WORK/cmd.sh" "$WORK/in/"

"$VM" --quiet --kernel "$K" --disk "$WORK/disk.img" --fresh-disk --disk-size 512 \
	--bin redis-server --with "$WORK/in" --timeout 300 --log "$WORK/kernel.log" \
	-- sh /with/in/cmd.sh >"$out"
rc=$?
fail=0
if [ $rc -ne 0 ]; then
	echo "FAIL guest exited $rc"
	fail=1
fi
if grep '^!!!' "$out"; then
	fail=1
fi
while IFS='|' read -r name args; do
	awk -v n="=== $name" '$0 == n { on = 1; next } /^===/ { on = 0 } on' "$out" >"$WORK/$name.json"
	if ! jq -e . "$WORK/$name.json" >/dev/null 2>&1; then
		echo "FAIL $name: no valid JSON"
		fail=1
		continue
	fi
	if ! why=$(fio_tools_ok "$WORK/$name.json" "$WORK"); then
		echo "FAIL $name: fio's tools: $why"
		fail=1
	elif json_ok "$WORK/$name.json"; then
		echo "ok   $name: $(json_line "$WORK/$name.json")"
	else
		echo "FAIL $name: $(jq -c '.jobs[0] | {error, error_msg, r: .read.total_ios, w: .write.total_ios}' "$WORK/$name.json")"
		fail=1
	fi
done <<<"$runs"
exit $fail
