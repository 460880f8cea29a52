# SPDX-License-Identifier: GPL-2.0
# W concurrent processes x N increments: smap incr is atomic, so the counter
# ends at exactly W*N (on both transports). The same through get + set
# read-modify-write loses updates: the count lost is reported, not judged.
# vm: --cpus 4
. /with/guest/lib.sh
W=4
N=200

load_module

# worker CMD: run CMD N times
incr_worker() {
	i=0
	while [ $i -lt $N ]; do
		smap $1 incr ctr$1 >/dev/null || echo "incr failed" >>/tmp/21.err
		i=$((i + 1))
	done
}

rmw_worker() {
	i=0
	while [ $i -lt $N ]; do
		v=$(smap get rmw) || v=0
		smap set rmw $((v + 1)) || echo "set failed" >>/tmp/21.err
		i=$((i + 1))
	done
}

rm -f /tmp/21.err
for tr in "" --netlink; do
	n=${tr:-ioctl}
	w=0
	while [ $w -lt $W ]; do
		incr_worker "$tr" &
		w=$((w + 1))
	done
	wait
	got=$(smap get ctr$tr)
	expect_eq "$got" $((W * N)) "$n: $W x $N concurrent incr end at exactly $((W * N))"
done
check "no incr failed" test ! -s /tmp/21.err

check "rmw counter starts at 0" smap set rmw 0
w=0
while [ $w -lt $W ]; do
	rmw_worker &
	w=$((w + 1))
done
wait
got=$(smap get rmw)
lost=$((W * N - got))
echo "info get+set read-modify-write: $W x $N increments ended at $got: $lost lost updates"
if [ "$got" -ge 1 ] && [ "$got" -le $((W * N)) ]; then
	ok "read-modify-write ended within 1..$((W * N)) ($lost lost)"
else
	not_ok "read-modify-write ended at '$got'"
fi
check "no get/set failed" test ! -s /tmp/21.err

unload_module
finish
