# SPDX-License-Identifier: GPL-2.0
# shellcheck shell=sh
# bench/ab's guest half: before.ko and after.ko (in /with/ab) loaded in
# turn, ROUNDS times; one "AB SIDE get NS nop NS set NS" line per measure.
# insmod resolves no dependency: modprobe loads them (crc32c, ...) first.
modprobe shared_map && rmmod shared_map || exit 1
modprobe smap_nop || exit 1
p50() {
	jq -r '.jobs[0] | (.read.clat_ns.percentile["50.000000"] // 0) + (.write.clat_ns.percentile["50.000000"] // 0)'
}
i=0
while [ $i -lt "${ROUNDS:-5}" ]; do
	i=$((i + 1))
	for side in before after; do
		rmmod shared_map 2>/dev/null
		rm -rf /var/tmp/shared_map
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
			echo "AB $side get $g nop $n set $d"
		done
	done
done
rmmod shared_map
rmmod smap_nop
