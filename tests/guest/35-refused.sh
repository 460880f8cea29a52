# SPDX-License-Identifier: GPL-2.0
# A refused write never becomes visible: not after the disk heals, not after
# recover, not after a reload. The log is on ext4 (no journal) over
# dm-flakey; writes (and so every fsync) start failing at random moments
# under three writers at sync=always.
# vm: --bin dmsetup --bin mkfs.ext4 --timeout 900
. /with/guest/lib.sh
T=/tmp/35
mkdir -p $T
P=/sys/module/shared_map/parameters
flaky_setup

# ---- the issue's case: one key, acknowledged, then refused ---------------
load_module path=/mnt/f/sm
check "set k1 acked" smap set k1 acked
flaky bad
run smap set k1 doomed
expect_eq "$RC" 2 "set k1 doomed fails while the disk fails"
expect_eq "$(smap get k1)" acked "the refused value is not served"
flaky ok
check "rmmod is refused while the refused records cannot be cut back" sh -c '! rmmod shared_map 2>/dev/null'
check "dmesg says why" sh -c 'dmesg | grep -q "rmmod is refused until"'
check "recover once the disk is healthy" sh -c "echo 1 >$P/recover"
check "rmmod" rmmod shared_map
load_module path=/mnt/f/sm
expect_eq "$(smap get k1)" acked "after reload: the acknowledged value, never the refused one"
check "recover is a no-op when writable" sh -c "echo 1 >$P/recover"
expect_eq "$(smap get k1)" acked "...and still after recover"
rmmod shared_map

# ---- random rounds: writers, a failure at a random moment, heal, reload ---
# writer W: sets W-1, W-2, ... each to a unique value until one fails;
# the acknowledged ones go to $T/W.acked, the refused one to $T/W.refused
writer() {
	_j=0
	while [ $_j -lt 100000 ]; do
		_j=$((_j + 1))
		if smap set "$1-$_j" "v$_j" 2>/dev/null; then
			echo "$1-$_j v$_j" >>$T/$1.acked
		else
			echo "$1-$_j" >$T/$1.refused
			return
		fi
	done
}
round=0 lost=0 seen=0 acked=0 refused=0
while [ $round -lt 4 ]; do
	round=$((round + 1))
	load_module path=/mnt/f/sm
	rm -f $T/*.acked $T/*.refused
	for w in a$round b$round c$round; do writer $w & done
	# 0.2 .. 2.0 s of writes, then the disk fails
	sleep "$(awk -v r="$(head -c 2 /dev/urandom | od -An -tu2)" 'BEGIN { printf "%.1f", 0.2 + (r % 19) / 10 }')"
	flaky bad
	wait
	flaky ok
	# a reload before recover must not bring refused records back either:
	# rmmod works once they are cut off, and is refused until then
	if ! rmmod shared_map 2>/dev/null; then
		echo 1 >$P/recover || not_ok "round $round: recover"
		rmmod shared_map || not_ok "round $round: rmmod after recover"
	fi
	load_module path=/mnt/f/sm
	for f in $T/*.acked; do
		[ -e "$f" ] || continue
		while read -r k v; do
			acked=$((acked + 1))
			[ "$(smap get "$k")" = "$v" ] || { lost=$((lost + 1)); echo "  round $round: $k lost"; }
		done <"$f"
	done
	for f in $T/*.refused; do
		refused=$((refused + 1))
		k=$(cat "$f")
		smap get "$k" >/dev/null 2>&1 && { seen=$((seen + 1)); echo "  round $round: refused $k is visible"; }
	done
	rmmod shared_map
done
echo "  $acked acknowledged, $refused refused over $round rounds"
check "writes were acknowledged and refused" test "$acked" -gt 0 -a "$refused" -gt 0
expect_eq "$lost" 0 "no acknowledged write lost"
expect_eq "$seen" 0 "no refused write visible after recover and reload"
flaky_teardown
finish
