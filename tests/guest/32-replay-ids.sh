# SPDX-License-Identifier: GPL-2.0
# Replay numbers new keys a block of ids at a time per lane and enters them
# in the id map (what `list` walks) a block at a time. Keys overwritten or
# deleted while their id still waits in the block, keys overwritten after
# their block went in, keys deleted and set again: after a reload `list`
# must name every live key exactly once and nothing else, every get must
# return the last value, and keys set after the reload must get ids of
# their own (a clash would replace a replayed key in `list`).
. /with/guest/lib.sh

N=200
# want I: the value key kI must hold after the script below, or nothing
want() {
	if [ "$1" -lt 20 ]; then echo "x$1"
	elif [ $(($1 % 10)) -eq 0 ]; then echo "r$1"
	elif [ $(($1 % 5)) -eq 0 ]; then :
	elif [ $(($1 % 3)) -eq 0 ]; then echo "w$1"
	else echo "v$1"
	fi
}

# verify WHAT EXTRA: list and get agree with want() (+ EXTRA keys nI = yI)
verify() {
	_bad=0 _n=0
	smap list k >/tmp/keys.got
	: >/tmp/keys.want
	i=0
	while [ $i -lt $N ]; do
		w=$(want $i)
		if [ -n "$w" ]; then
			echo "k$i" >>/tmp/keys.want
			[ "$(smap get "k$i")" = "$w" ] || _bad=$((_bad + 1))
		fi
		i=$((i + 1))
	done
	sort /tmp/keys.got >/tmp/keys.got.s
	sort /tmp/keys.want >/tmp/keys.want.s
	expect_eq "$(cmp -s /tmp/keys.got.s /tmp/keys.want.s && echo same)" \
		same "$1: list names each live k key once ($(wc -l </tmp/keys.got) listed, $(wc -l </tmp/keys.want) live)"
	expect_eq "$_bad" 0 "$1: every k key holds its last value"
	expect_eq "$(smap list n | wc -l)" "$2" "$1: $2 keys set after a reload listed"
	i=0 _bad=0
	while [ $i -lt "$2" ]; do
		[ "$(smap get "n$i")" = "y$i" ] || _bad=$((_bad + 1))
		i=$((i + 1))
	done
	expect_eq "$_bad" 0 "$1: every n key holds its value"
	expect_eq "$(smap stats | awk '$1 == "keys" { print $2 }')" \
		"$(($(wc -l </tmp/keys.want) + $2))" "$1: stats count the live keys"
}

# set_each K V N: set K0..K(N-1) to V0..V(N-1)
set_each() {
	_i=0
	while [ $_i -lt "$3" ]; do
		smap set "$1$_i" "$2$_i"
		_i=$((_i + 1))
	done
}

load_module path=/var/tmp/ids
i=0
while [ $i -lt $N ]; do
	smap set "k$i" "v$i"
	[ $((i % 3)) -eq 0 ] && smap set "k$i" "w$i"
	[ $((i % 5)) -eq 0 ] && smap del "k$i"
	[ $((i % 10)) -eq 0 ] && smap set "k$i" "r$i"
	i=$((i + 1))
done
set_each k x 20
verify "before reload" 0
unload_module

load_module path=/var/tmp/ids
verify "after reload" 0
set_each n y 50
verify "new keys after reload" 50
unload_module

load_module path=/var/tmp/ids
verify "second reload" 50
unload_module
finish
