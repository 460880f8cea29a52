# SPDX-License-Identifier: GPL-2.0
# Change notification (issue #19): smap watch / smap wait over SMAP_IOC_WATCH.
# - three watchers (every key, a prefix, a list of keys) and 10000 mutations
#   from four writers at once (ioctl batches, one over netlink): each sees
#   every event of its keys, seq strictly increasing, each writer's in its
#   order, the right op, no overflow;
# - a watcher stopped with a queue of 16 gets exactly one overflow line, at
#   the place the events were lost, then events again;
# - a failed mutation (EEXIST, EACCES, a cas that differs) is never reported;
# - uid 1000 never sees a key it cannot read (root's 0600 keys: set, del),
#   sees the ones it can (root's 0644, its own 0600), and a delete of those;
# - watch_user_max: uid 1000's third watcher is refused with one line,
#   root is not counted; the parameters refuse values out of range;
# - smap wait returns 0 when its key changes, 4 after --timeout when it
#   does not (another key's change, a key the user cannot read);
# - rmmod is refused while a watcher is open (not its device handle: smap
#   watch closes that), and works once it is closed.
. /with/guest/lib.sh
T=/tmp/25
mkdir -p $T
chmod 777 $T
P=/sys/module/shared_map/parameters

# ready FILE KEY [AS]: set KEY (as user AS, or root) until the watcher
# writing FILE has printed it: the watch is open.
ready() {
	_i=0
	while [ $_i -lt 300 ]; do
		if [ -n "${3:-}" ]; then su "$3" -c "smap set $2 r"; else smap set "$2" r; fi
		grep -q "^[a-z]* $2 " "$1" && return 0
		usleep 100000
		_i=$((_i + 1))
	done
	return 1
}

# events FILE N: wait (up to 120 s) until FILE has N events of keys wI/kJ;
# print how many it has
events() {
	_i=0
	while [ "$(grep -c ' w[0-9]/k' "$1")" -lt "$2" ] && [ $_i -lt 1200 ]; do
		usleep 100000
		_i=$((_i + 1))
	done
	grep -c ' w[0-9]/k' "$1"
}

# check_stream <FILE: "N BADSEQ BADORDER OVERFLOWS BADOP" of a watch's
# output: N events of keys wI/kJ, seq not increasing, a writer's J not
# increasing, overflow lines, an op that is not the one wI/kJ got
check_stream() {
	awk '$1 == "overflow" { ovf++; next }
	{ if ($3 + 0 <= last) seq++; last = $3 + 0 }
	$2 ~ /^w[0-9]\/k[0-9]+$/ {
		split($2, a, "/k"); j = a[2] + 0
		if (j <= prev[a[1]]) order++
		prev[a[1]] = j; n++
		if ($1 != (j % 5 == 0 ? "incr" : "set")) op++
	}
	END { printf "%d %d %d %d %d\n", n, seq, order, ovf, op }'
}

load_module watch_queue_max=65536

# ---- several watchers, 10000 mutations from several writers ----------------
smap watch >$T/all &
p1=$!
smap watch --prefix w >$T/pre &
p2=$!
smap watch w1/k5 w2/k10 w3/k15 w4/k2500 w4/ready >$T/keys &
p3=$!
check "watcher 1 (every key) is open" ready $T/all w4/ready
check "watcher 2 (--prefix w) is open" ready $T/pre w4/ready
check "watcher 3 (five keys) is open" ready $T/keys w4/ready
for i in 1 2 3 4; do
	seq 1 2500 | awk -v i=$i '{ if ($1 % 5 == 0) print "incr w" i "/k" $1 " 1"
		else print "set w" i "/k" $1 " v" $1 }' >$T/b$i
done
smap batch $T/b1 >/dev/null & b1=$!
smap batch $T/b2 >/dev/null & b2=$!
smap --netlink batch $T/b3 >/dev/null & b3=$!
smap batch $T/b4 >/dev/null & b4=$!
rc=0
for b in $b1 $b2 $b3 $b4; do wait $b || rc=1; done
expect_eq $rc 0 "four writers (three ioctl batches, one netlink) applied 10000 mutations"
n=$(events $T/all 10000)
expect_eq "$(grep -v ' w4/ready ' $T/all | check_stream)" "10000 0 0 0 0" \
	"watcher 1: 10000 events, seq increasing, each writer's in order, right ops, no overflow ($n)"
n=$(events $T/pre 10000)
expect_eq "$(grep -v ' w4/ready ' $T/pre | check_stream)" "10000 0 0 0 0" \
	"watcher 2 (--prefix w): the same ($n)"
n=$(events $T/keys 4)
expect_eq "$(grep -v ' w4/ready ' $T/keys | awk '{ print $1, $2 }' | sort | tr '\n' ' ')" \
	"incr w1/k5 incr w2/k10 incr w3/k15 incr w4/k2500 " \
	"watcher 3 (KEY...): exactly its four keys' events"
expect_eq "$(awk '$3 + 0 <= last { bad++ } { last = $3 + 0 } END { print bad + 0 }' $T/keys)" 0 \
	"watcher 3: seq increasing"
kill $p1 $p2 $p3
wait $p1 $p2 $p3 2>/dev/null

# ---- overflow ---------------------------------------------------------------
smap watch --queue 16 --prefix o/ >$T/ovf &
p=$!
check "a watcher with a queue of 16 is open" ready $T/ovf o/ready
kill -STOP $p
seq 1 100 | awk '{ print "set o/k" $1 " x" }' | smap batch
kill -CONT $p
smap set o/after x
i=0
while ! grep -q ' o/after ' $T/ovf && [ $i -lt 600 ]; do usleep 100000; i=$((i + 1)); done
kill $p
wait $p 2>/dev/null
expect_eq "$(grep -c '^overflow - ' $T/ovf)" 1 "one overflow line"
k=$(grep -c ' o/k' $T/ovf)
check "fewer than the 100 events queued ($k), at least 10" test "$k" -ge 10 -a "$k" -lt 16
expect_eq "$(awk '/^overflow/ { print ($3 == last + 1) ? "at its place" : "seq " $3 " after " last; exit }
	{ last = $3 }' $T/ovf)" "at its place" "the overflow's seq is the first event lost"
expect_eq "$(tail -n 1 $T/ovf | cut -d' ' -f1,2)" "set o/after" "events resume after the overflow"

# ---- failed mutations are not reported ------------------------------------
smap set f/exists x
smap set --mode 0644 f/root x
smap watch --prefix f/ >$T/fail &
p=$!
check "a watcher of f/ is open" ready $T/fail f/ready
smap set --new f/exists y 2>/dev/null
as user "user cannot write root's 0644 key" 2 "smap: set: permission denied" "smap set f/root y"
smap cas f/exists nope y 2>/dev/null
smap del f/missing 2>/dev/null
smap incr f/exists 2>/dev/null
smap set f/end x
i=0
while ! grep -q ' f/end ' $T/fail && [ $i -lt 300 ]; do usleep 100000; i=$((i + 1)); done
kill $p
wait $p 2>/dev/null
expect_eq "$(grep -v ' f/ready ' $T/fail | cut -d' ' -f1,2)" "set f/end" \
	"only the set that succeeded is reported (not EEXIST, EACCES, ECANCELED, ENOENT, EINVAL)"

# ---- a user sees only what it may read ------------------------------------
smap set --mode 0600 p/secret s
smap set --mode 0644 p/public x
su user -c "exec smap watch --prefix p/ >$T/user" &
pu=$!
smap watch --prefix p/ >$T/root &
pr=$!
check "uid 1000's watcher is open" ready $T/user p/public
check "root's watcher is open" ready $T/root p/public
smap set p/secret s2
smap incr --mode 0600 p/secret-n 1 >/dev/null
smap del p/secret
su user -c "smap set --mode 0600 p/mine m"
smap set p/public y
smap del p/public
smap set --mode 0644 p/end x
i=0
while ! grep -q ' p/end ' $T/user && [ $i -lt 300 ]; do usleep 100000; i=$((i + 1)); done
while ! grep -q ' p/end ' $T/root && [ $i -lt 600 ]; do usleep 100000; i=$((i + 1)); done
kill $pu $pr
wait $pu $pr 2>/dev/null
expect_eq "$(grep -c secret $T/user)" 0 "uid 1000 saw no event of root's 0600 keys"
expect_eq "$(grep -v ' p/public ' $T/user | cut -d' ' -f1,2 | tr '\n' ' ')" "set p/mine set p/end " \
	"uid 1000 saw its own 0600 key and root's 0644 ones"
check "uid 1000 saw the delete of a key it could read" grep -q '^del p/public ' $T/user
expect_eq "$(grep -c secret $T/root)" 3 "root saw the three events of its 0600 keys"

# ---- watch_user_max ---------------------------------------------------------
echo 2 >$P/watch_user_max
su user -c "exec smap watch --prefix u/ >$T/u1" &
u1=$!
su user -c "exec smap watch --prefix u/ >$T/u2" &
u2=$!
check "uid 1000's first watcher is open" ready $T/u1 u/ready
check "uid 1000's second watcher is open" ready $T/u2 u/ready
as user "uid 1000's third watcher is refused" 2 \
	"smap: watch: too many watchers open for this user (watch_user_max)" "timeout 10 smap watch --prefix u/"
smap watch --prefix u/ >$T/u3 &
u3=$!
check "root is not counted: its watcher is open" ready $T/u3 u/ready
kill $u1
wait $u1 2>/dev/null
su user -c "exec smap watch --prefix u/ >$T/u4" &
u4=$!
check "once one is closed uid 1000 may open another" ready $T/u4 u/ready
kill $u2 $u3 $u4
wait $u2 $u3 $u4 2>/dev/null
echo 16 >$P/watch_user_max
check "watch_user_max refuses 4097" sh -c "! echo 4097 2>/dev/null >$P/watch_user_max"
check "watch_queue_max refuses 8" sh -c "! echo 8 2>/dev/null >$P/watch_queue_max"
expect_eq "$(cat $P/watch_user_max) $(cat $P/watch_queue_max)" "16 65536" "both keep their values"

# ---- smap wait ----------------------------------------------------------------
t0=$(date +%s)
expect_rc 4 "wait --timeout 1 on a key nobody changes: status 4" smap wait --timeout 1 wa
t1=$(date +%s)
check "it waited about 1 s ($((t1 - t0)) s)" test $((t1 - t0)) -ge 1 -a $((t1 - t0)) -le 5
(smap wait --timeout 3 wa; echo "status $?" >$T/wa) &
w=$!
for i in 1 2 3 4 5 6 7 8 9 10; do smap set wb x; usleep 100000; done
wait $w
expect_eq "$(cat $T/wa)" "status 4" "another key's changes do not end a wait"
(smap wait wa; echo "status $?" >$T/wa) &
w=$!
usleep 500000
check "wait blocks while its key is unchanged" kill -0 $w
i=0
while kill -0 $w 2>/dev/null && [ $i -lt 100 ]; do smap set wa x; usleep 100000; i=$((i + 1)); done
wait $w
expect_eq "$(cat $T/wa)" "status 0" "wait returns 0 once its key changes"
smap set --mode 0600 wsecret x
(su user -c "smap wait --timeout 3 wsecret"; echo "status $?" >$T/ws) &
w=$!
for i in 1 2 3 4 5 6 7 8 9 10; do smap set wsecret y; usleep 100000; done
wait $w
expect_eq "$(cat $T/ws)" "status 4" "uid 1000's wait on root's 0600 key does not see its changes"

# ---- rmmod with a watcher open --------------------------------------------
smap watch >$T/rm &
p=$!
check "a watcher is open" ready $T/rm rm/ready
expect_rc 1 "rmmod is refused while it is open" rmmod shared_map
check "the module is still there" sh -c "lsmod | grep -q '^shared_map '"
check "and the watcher still works" ready $T/rm rm/again
kill $p
wait $p 2>/dev/null
unload_module
finish
