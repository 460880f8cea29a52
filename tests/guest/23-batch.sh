# SPDX-License-Identifier: GPL-2.0
# smap batch over both transports: lines applied in order, incr results on
# stdout, one "smap: batch: line N: op: reason" line per failed entry,
# exit 0 / 1 (only missing keys) / 2; a malformed line applies nothing;
# 2000 entries (chunked by smap, and 32 requests a datagram over netlink)
# land whole and in order; --mode applies to the keys a batch creates.
# sync=batch: with sync=always every entry waits for its own fsync, which
# only makes this slower (durability has tests of its own).
. /with/guest/lib.sh
T=/tmp/23
mkdir -p $T
load_module sync=batch

for tr in "" --netlink; do
	other=--netlink
	[ -n "$tr" ] && other=
	n=${tr#--}
	n=${n:-ioctl}
	printf '%s\n' "# a comment, then a blank line" "" \
		"set a-$n hello  world" "set b-$n x" "incr c-$n" "  incr c-$n 41" \
		"del b-$n" "del missing-$n" "set e-$n " "incr a-$n" >$T/ops
	run smap $tr batch $T/ops
	expect_eq "$RC" 2 "$n: a batch with a failed incr exits 2"
	expect_eq "$(cat $T/out)" "$(printf '1\n42')" "$n: incr results on stdout, in order"
	expect_eq "$(cat $T/err)" "$(printf '%s\n' \
		"smap: batch: line 8: del: key not found" \
		"smap: batch: line 10: incr: value is not an integer")" \
		"$n: one stderr line per failed entry, with its line"
	same "$n: set keeps the value's inner blanks" "hello  world" smap $other get a-$n
	fails "$n: set then del in one batch" 1 "smap: get: key not found" smap $other get b-$n
	same "$n: two incrs in one batch" 42 smap $other get c-$n
	same "$n: 'set KEY ' sets an empty value" "" smap $other get e-$n

	printf 'del missing-%s\n' $n >$T/ops
	fails "$n: only missing keys: exit 1" 1 "smap: batch: line 1: del: key not found" \
		smap $tr batch $T/ops
	printf 'set k1-%s v\nfrob x\n' $n >$T/ops
	fails "$n: a malformed line: exit 2" 2 \
		"smap: batch: line 2: unknown command 'frob' (set, del or incr); nothing was applied" \
		smap $tr batch $T/ops
	fails "$n: ... and nothing was applied" 1 "smap: get: key not found" smap get k1-$n
	printf 'set %s v\n' "$(head -c 1025 /dev/zero | tr '\0' k)" >$T/ops
	fails "$n: a key too long: exit 2" 2 \
		"smap: batch: line 1: key too long (max 1024 bytes); nothing was applied" \
		smap $tr batch $T/ops
	fails "$n: a missing file: exit 2" 2 "smap: batch: $T/nope: No such file or directory" \
		smap $tr batch $T/nope

	# 2000 sets from stdin, 2000 incrs of one counter
	seq 1 2000 | sed "s/.*/set big-$n-& v&/" >$T/sets
	run sh -c "smap $tr batch <$T/sets"
	check "$n: 2000 sets: exit 0, no output" test "$RC" -eq 0 -a ! -s $T/out -a ! -s $T/err
	expect_eq "$(smap $other list big-$n- | wc -l)" 2000 "$n: all 2000 keys listed"
	bad=0
	for i in 1 31 32 33 1023 1024 1025 2000; do
		[ "$(smap $other get big-$n-$i)" = "v$i" ] || bad=$((bad + 1))
	done
	expect_eq "$bad" 0 "$n: values at the chunk edges"
	seq 1 2000 | sed "s/.*/incr cnt-$n/" >$T/incrs
	smap $tr batch - <$T/incrs >$T/out 2>$T/err
	check "$n: 2000 incrs print 1..2000 in order" sh -c "seq 1 2000 | cmp -s - $T/out"
	check "$n: ... with nothing on stderr" test ! -s $T/err

	# --mode: keys the batch creates are root's, 0600: user cannot read them
	printf 'set m-%s v\nincr mc-%s\n' $n $n >$T/ops
	run smap $tr batch --mode 600 $T/ops
	expect_eq "$RC" 0 "$n: batch --mode 600"
	printf 'set p-%s v\n' $n >$T/ops
	run smap $tr batch $T/ops
	chmod 755 /tmp
	su user -c "smap get m-$n" >$T/out 2>$T/err
	expect_eq "$? $(cat $T/err)" "2 smap: get: permission denied" "$n: user cannot read a 0600 set"
	su user -c "smap get mc-$n" >$T/out 2>$T/err
	expect_eq "$? $(cat $T/err)" "2 smap: get: permission denied" "$n: ... nor a 0600 incr"
	expect_eq "$(su user -c "smap get p-$n")" v "$n: a batch without --mode: readable"
done

fails "batch --mode needs a mode" 2 "smap: batch: --mode needs a MODE" smap batch --mode
unload_module
finish
