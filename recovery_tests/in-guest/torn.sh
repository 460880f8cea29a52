# SPDX-License-Identifier: GPL-2.0
# Torn tail: cut the newest segment at every byte offset of its last two
# records; the valid prefix loads, dmesg says how much was cut, and a write
# after recovery survives another reinstall. Then a bit flip mid-log.
. /with/guest/lib.sh
D=/var/tmp/sm
load_module path=$D
i=0
while [ $i -lt 40 ]; do
	i=$((i + 1))
	smap set "key$i" "value-$i-xxx" || not_ok "set key$i"
done
check "rmmod after populate" rmmod shared_map
seg=$(ls $D/log.* | tail -n 1)
size=$(stat -c %s "$seg")
expect_eq "$(smap-log dump "$seg" | grep -c 'set key=')" 40 "segment holds the 40 records"
# byte offset of key39's record: sum of record lengths before it
start=$(smap-log dump --offsets "$seg" | awk '/key="key39"/ { print $1 }')
start40=$(smap-log dump --offsets "$seg" | awk '/key="key40"/ { print $1 }')
expect_eq "${start:+found}" found "smap-log dump --offsets locates key39's record"
cp -a $D /var/tmp/orig
bad=0 n=0 cut=1
while [ $((size - cut)) -ge "$start" ]; do
	n=$((n + 1))
	rm -rf $D
	cp -a /var/tmp/orig $D
	truncate -s $((size - cut)) "$(ls $D/log.* | tail -n 1)"
	dmesg -c >/dev/null	# what this load says, whatever else the kernel says
	if ! modprobe shared_map path=$D; then
		bad=$((bad + 1)); echo "  cut $cut: modprobe failed"; cut=$((cut + 1)); continue
	fi
	# key38 and everything before it must be intact
	[ "$(smap get key38)" = "value-38-xxx" ] || { bad=$((bad + 1)); echo "  cut $cut: key38 wrong"; }
	[ "$(smap get key1)" = "value-1-xxx" ] || { bad=$((bad + 1)); echo "  cut $cut: key1 wrong"; }
	# a cut at a record boundary leaves a shorter but intact log
	case $((size - cut)) in
	"$start" | "$start40") ;;
	*)	left=$((size - cut))
		if [ "$left" -gt "$start40" ]; then torn=$((left - start40)); else torn=$((left - start)); fi
		dmesg | grep -q "torn tail: truncated $torn bytes" ||
		{ bad=$((bad + 1)); echo "  cut $cut: no torn-tail message"; } ;;
	esac
	smap set after "cut-$cut" || bad=$((bad + 1))
	rmmod shared_map
	if [ $((cut % 4)) -eq 1 ]; then	# and it survives another reinstall
		modprobe shared_map path=$D
		[ "$(smap get after)" = "cut-$cut" ] || { bad=$((bad + 1)); echo "  cut $cut: write after recovery lost"; }
		[ "$(smap get key38)" = "value-38-xxx" ] || { bad=$((bad + 1)); echo "  cut $cut: key38 lost on 2nd reload"; }
		rmmod shared_map
	fi
	cut=$((cut + 1))
done
expect_eq "$bad" 0 "$n cuts, every byte of the last two records: prefix kept, writes after recovery survive"

# bit flip in the middle of the log
rm -rf $D
cp -a /var/tmp/orig $D
seg=$(ls $D/log.* | tail -n 1)
mid=$((size / 2))
printf '\377' | dd of="$seg" bs=1 seek=$mid conv=notrunc 2>/dev/null
dmesg -c >/dev/null
load_module path=$D
check "dmesg reports CORRUPTION" sh -c 'dmesg | grep -q "CORRUPTION in"'
check "a .corrupt copy was made" sh -c "ls $D/*.corrupt"
check "the store loaded keys before the damage" sh -c '[ "$(smap get key1)" = "value-1-xxx" ]'
n=0 i=0
while [ $i -lt 40 ]; do i=$((i + 1)); [ "$(smap get "key$i")" = "value-$i-xxx" ] && n=$((n + 1)); done
expect_eq "$n" 39 "and every key after it but the damaged one (replay resynchronised)"
corrupt=$(smap stats --json | tr ',{}' '\n\n\n' | sed -n 's/.*"corrupt_files": *\([0-9]*\).*/\1/p')
expect_eq "$corrupt" 1 "stats counts the corrupt file"
check "the store takes writes after the damage" smap set post-flip yes
check "rmmod" rmmod shared_map
dmesg -c >/dev/null
load_module path=$D
expect_eq "$(smap get post-flip)" yes "writes after the damage survive a reinstall"
check "no new corruption on the next load" sh -c '! dmesg | grep -q "CORRUPTION in"'
unload_module
finish
