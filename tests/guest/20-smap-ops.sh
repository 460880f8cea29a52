# SPDX-License-Identifier: GPL-2.0
# Every smap operation through the CLI, over both transports seeing the same
# data; exit codes 0/1/2 with exactly one "smap: op: reason" line on stderr;
# binary values through stdin; key and value limits at and one past.
# vm: --timeout 1200
. /with/guest/lib.sh
T=/tmp/20
mkdir -p $T

fails "smap without the module: exit 2, hint" 2 \
	"smap: open: /dev/shared_map: No such file or directory (is the module loaded? try: modprobe shared_map)" \
	smap get k
fails "smap --netlink without the module" 2 \
	"smap: open: netlink family shared_map not found (is the module loaded? try: modprobe shared_map)" \
	smap --netlink get k

load_module

for tr in "" --netlink; do
	other=--netlink
	[ -n "$tr" ] && other=
	n=${tr:-ioctl}
	# set on one transport, read on the other
	check "$n: set a" smap $tr set a-$n hello
	same "$n: get a via the other transport" hello smap $other get a-$n
	same "$n: get a" hello smap $tr get a-$n
	run smap $tr get a-$n
	expect_eq "$(wc -c <$T/out)" 5 "$n: get adds no newline"
	check "$n: set overwrites" smap $tr set a-$n world
	same "$n: new value seen by the other transport" world smap $other get a-$n
	check "$n: empty value" smap $tr set e-$n ""
	same "$n: get empty value" "" smap $other get e-$n
	fails "$n: get missing: exit 1" 1 "smap: get: key not found" smap $tr get nope-$n
	check "$n: del a" smap $tr del a-$n
	fails "$n: get deleted (other transport): exit 1" 1 "smap: get: key not found" smap $other get a-$n
	fails "$n: del missing: exit 1" 1 "smap: del: key not found" smap $tr del a-$n
	# incr
	same "$n: incr creates at 1" 1 smap $tr incr c-$n
	same "$n: incr by 41" 42 smap $tr incr c-$n 41
	same "$n: incr by -50" -8 smap $other incr c-$n -50
	same "$n: counter is a decimal string" -8 smap $other get c-$n
	check "$n: set a non-integer" smap $tr set s-$n abc
	fails "$n: incr of a non-integer: exit 2" 2 "smap: incr: value is not an integer" smap $tr incr s-$n
	check "$n: set near INT64_MAX" smap $tr set big-$n 9223372036854775806
	same "$n: incr to INT64_MAX" 9223372036854775807 smap $tr incr big-$n
	fails "$n: incr overflow: exit 2" 2 "smap: incr: integer overflow" smap $tr incr big-$n
	# cas
	check "$n: set for cas" smap $tr set x-$n one
	check "$n: cas one->two" smap $tr cas x-$n one two
	same "$n: cas result seen by the other transport" two smap $other get x-$n
	fails "$n: cas mismatch: exit 3" 3 "smap: cas: value differs" smap $tr cas x-$n one three
	same "$n: mismatch left the value" two smap $tr get x-$n
	fails "$n: cas on a missing key: exit 1, as get" 1 "smap: cas: key not found" smap $tr cas none-$n a b
done

# list: both transports list the same keys
for i in 1 2 3 4 5; do smap set "lst/$i" v; done
smap set other/1 v
same "list prefix (ioctl)" "$(printf 'lst/1\nlst/2\nlst/3\nlst/4\nlst/5')" sh -c 'smap list lst/ | sort'
same "list prefix (netlink)" "$(printf 'lst/1\nlst/2\nlst/3\nlst/4\nlst/5')" sh -c 'smap --netlink list lst/ | sort'
same "list with no match" "" smap list zzz
run sh -c 'smap list | sort'
cp $T/out $T/all-ioctl
run sh -c 'smap --netlink list | sort'
check "list everything: both transports agree" cmp -s $T/out $T/all-ioctl
check "list everything includes other/1" grep -qx other/1 $T/all-ioctl
# many keys: more than one 64 KiB ioctl LIST piece (100 keys of ~1000 bytes)
pad=$(head -c 990 /dev/zero | tr '\0' p)
i=0
while [ $i -lt 100 ]; do echo "many/$i-$pad"; i=$((i + 1)); done >$T/many
while read -r k; do smap set "$k" 1 || break; done <$T/many
sort $T/many >$T/many.sorted
run sh -c 'smap list many/ | sort'
check "100 long keys (> 64 KiB) listed once each (ioctl)" cmp -s $T/out $T/many.sorted
run sh -c 'smap --netlink list many/ | sort'
check "100 long keys listed once each (netlink)" cmp -s $T/out $T/many.sorted

# binary values with NUL bytes through stdin
printf 'a\000b\000\377\001end' >$T/bin
dd if=/dev/urandom of=$T/rand bs=1024 count=60 2>/dev/null
check "set binary from stdin (ioctl)" sh -c "smap set bin - <$T/bin"
run smap --netlink get bin
check "binary value with NULs round-trips (netlink get)" cmp -s $T/out $T/bin
check "set 60 KiB random from stdin (netlink)" sh -c "smap --netlink set rnd - <$T/rand"
run smap get rnd
check "60 KiB random round-trips (ioctl get)" cmp -s $T/out $T/rand
check "smap get | cmp" sh -c "smap get rnd | cmp - $T/rand"

# value limits: value_max (1 MiB) over both transports, and what one
# transport stores the other reads byte-exactly (netlink: several
# SMAP_A_VALUE_PART attributes past 65000 bytes)
head -c 1048576 /dev/zero | tr '\0' v >$T/vmax
head -c 1048577 /dev/zero | tr '\0' v >$T/vover
check "set value of exactly 1 MiB (ioctl)" sh -c "smap set vmax - <$T/vmax"
run smap get vmax
check "1 MiB value round-trips" cmp -s $T/out $T/vmax
fails "set value of 1 MiB + 1: exit 2" 2 "smap: set: value too large (max 1048576 bytes)" \
	sh -c "smap set vover - <$T/vover"
dd if=/dev/urandom of=$T/rmax bs=1024 count=1024 2>/dev/null
check "set 1 MiB random (ioctl)" sh -c "smap set rmax - <$T/rmax"
run smap --netlink get rmax
check "1 MiB set by ioctl reads back byte-exactly over netlink" cmp -s $T/out $T/rmax
dd if=/dev/urandom of=$T/rmax2 bs=1024 count=1024 2>/dev/null
check "set 1 MiB random over netlink" sh -c "smap --netlink set rmax2 - <$T/rmax2"
run smap get rmax2
check "1 MiB set over netlink reads back byte-exactly by ioctl" cmp -s $T/out $T/rmax2
run smap --netlink get rmax2
check "... and over netlink" cmp -s $T/out $T/rmax2
fails "set 1 MiB + 1 over netlink: exit 2" 2 "smap: set: value too large (max 1048576 bytes)" \
	sh -c "smap --netlink set vover - <$T/vover"
head -c 65000 $T/rmax >$T/nlmax
head -c 65001 $T/rmax >$T/nlover
check "set 65000 bytes over netlink (one attribute)" sh -c "smap --netlink set nlmax - <$T/nlmax"
run smap get nlmax
check "65000 bytes round-trip" cmp -s $T/out $T/nlmax
check "set 65001 bytes over netlink (two parts)" sh -c "smap --netlink set nlover - <$T/nlover"
run smap get nlover
check "65001 bytes round-trip" cmp -s $T/out $T/nlover
same "netlink list with 1 MiB values in the store" "$(printf 'rmax\nrmax2')" smap --netlink list rmax
printf 'set b1 one\nset b2 two\n' >$T/bl
check "netlink batch next to long values" sh -c "smap --netlink batch <$T/bl"
same "netlink batch applied" "two" smap get b2
# a user: reads any value; a request must fit its socket's send buffer
# (net.core.wmem_max, doubled: about 416 KiB by default; root forces it),
# so the library stages a longer one (SMAP_CMD_STAGE, then the set)
as user "user: netlink get of a 1 MiB value" 0 "" "smap --netlink get rmax"
check "user: byte-exact" cmp -s $T/out $T/rmax
head -c 262144 $T/rmax >$T/r256
as user "user: netlink set of 256 KiB" 0 "" "smap --netlink set u256 - <$T/r256"
run smap get u256
check "user: 256 KiB set over netlink reads back by ioctl" cmp -s $T/out $T/r256
as user "user: netlink set of 1 MiB (value_max), past the send buffer: staged" 0 "" \
	"smap --netlink set u1m - <$T/rmax2"
run smap get u1m
check "user: 1 MiB staged over netlink reads back byte-exactly by ioctl" cmp -s $T/out $T/rmax2
as user "user: ... and over netlink" 0 "" "smap --netlink get u1m"
check "user: ... byte-exact" cmp -s $T/out $T/rmax2
as user "user: a staged set over its own key" 0 "" "smap --netlink set u1m - <$T/rmax"
run smap get u1m
check "user: the second 1 MiB staged set replaced the value" cmp -s $T/out $T/rmax
as user "user: 1 MiB + 1 over netlink: refused before staging" 2 \
	"smap: set: value too large (max 1048576 bytes)" "smap --netlink set u1m - <$T/vover"
run smap get u1m
check "user: ... the value unchanged" cmp -s $T/out $T/rmax
as user "user: a staged set of a key the user may not write: EACCES" 2 \
	"smap: set: permission denied" "smap --netlink set rmax - <$T/rmax2"
run smap get rmax
check "user: ... the value unchanged" cmp -s $T/out $T/rmax

# key limits: 1024 bytes
k1024=$(head -c 1024 /dev/zero | tr '\0' k)
k1025=${k1024}k
for tr in "" --netlink; do
	n=${tr:-ioctl}
	check "$n: key of 1024 bytes" smap $tr set "$k1024" v-$n
	same "$n: get key of 1024 bytes" v-$n smap $tr get "$k1024"
	fails "$n: key of 1025 bytes: exit 2" 2 "smap: set: key too long (max 1024 bytes)" smap $tr set "$k1025" v
	fails "$n: get key of 1025 bytes: exit 2" 2 "smap: get: key too long (max 1024 bytes)" smap $tr get "$k1025"
done

# stats on both transports
run smap stats
check "stats prints keys" grep -q '^keys ' $T/out
keys=$(awk '$1 == "keys" { print $2 }' $T/out)
run smap --netlink stats --json
case $(cat $T/out) in
"{\"keys\": $keys,"*) ok "stats --json over netlink agrees ($keys keys)" ;;
*) not_ok "stats --json: $(cat $T/out) (want keys $keys)" ;;
esac

# usage errors: exit 2, one line
fails "unknown command" 2 "smap: unknown command 'frob' (see smap --help)" smap frob
fails "missing argument" 2 "smap: set: missing arguments (usage: smap set [--new] [--mode MODE] KEY VALUE)" smap set k
fails "bad delta" 2 "smap: incr: bad DELTA 'x' (a 64-bit decimal integer)" smap incr k x
check "smap --help exits 0" sh -c "smap --help >/dev/null"
check "smap help exits 0" sh -c "smap help >/dev/null"
check "smap --version" sh -c 'smap --version | grep -q "^smap (shared_map)"'

unload_module
finish
