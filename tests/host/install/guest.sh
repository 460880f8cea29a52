# SPDX-License-Identifier: GPL-2.0
# The guest half of tests/host/install.sh: `sh /with/guest.sh PHASE`, run by
# scripts/sysvm in a booted Debian system (dash, systemd, apt). Each check
# prints "ok - ..." or "FAIL ..."; the host counts them.
set -u
PHASE=$1
N=$(cat /with/version-n)
N1=$(cat /with/version-n1)
STORE=/var/tmp/shared_map

ok() { echo "ok - $*"; }
not_ok() { echo "FAIL $*"; }
check() {
	_d=$1
	shift
	if "$@" >/tmp/check.out 2>&1; then
		ok "$_d"
	else
		not_ok "$_d (status $?)"
		sed 's/^/#   /' /tmp/check.out | tail -n 15
	fi
}
expect_eq() {
	if [ "$1" = "$2" ]; then ok "$3"; else not_ok "$3: got '$1', want '$2'"; fi
}
# the values phase "install" sets
values_back() {
	for i in 1 2 3 4 5; do
		expect_eq "$(smap get "key$i" 2>&1)" "value $i" "$1: key$i is back"
	done
}
# every key the power-cut writer acknowledged (the host passes its ACK lines)
acked_back() {
	_n=0 _bad=0
	for k in $(sed -n 's/^ACK //p' /with/acks); do
		_n=$((_n + 1))
		[ "$(smap get "$k" 2>&1)" = "v-$k" ] || { _bad=$((_bad + 1)); echo "#   $k lost"; }
	done
	if [ "$_n" -gt 0 ] && [ "$_bad" = 0 ]; then
		ok "$1: all $_n acknowledged keys are back"
	else
		not_ok "$1: $_bad of $_n acknowledged keys lost"
	fi
}

case $PHASE in
install)
	# README's Install section, word for word
	cd /with/n
	check "apt install ./shared-map-dkms ./shared-map-tools ./libshared-map1 (DKMS builds the module)" \
		apt install -y ./shared-map-dkms_"$N"_all.deb ./shared-map-tools_"$N"_amd64.deb \
		./libshared-map1_"$N"_amd64.deb
	cd /with
	check "dkms status: shared_map/$N installed for $(uname -r)" sh -c \
		"dkms status shared_map | grep -q '^shared_map/$N, $(uname -r), .*: installed'"
	check "the module DKMS built is the one modprobe finds" sh -c \
		"modinfo -n shared_map | grep -q '^/lib/modules/$(uname -r)/updates/dkms/shared_map.ko'"
	expect_eq "$(modinfo -F version shared_map)" "$N" "modinfo: version $N"
	check "no test or bench module installed" sh -c \
		'! find /lib/modules /usr/src /var/lib/dkms -name "smap_*.ko*" -o -name "smap_example*" -o -name "smap_kbench*" -o -name "smap_nop*" | grep .'
	check "man pages installed" sh -c 'for m in man1/smap.1 man1/smap-log.1 man4/shared_map.4; do [ -e /usr/share/man/$m.gz ] || exit 1; done'
	check "systemctl enable --now shared_map" systemctl enable --now shared_map
	check "the unit loaded the module" sh -c 'lsmod | grep -q "^shared_map "'
	expect_eq "$(stat -c '%a %U' $STORE)" "700 root" "tmpfiles.d: $STORE is root's, 0700"
	expect_eq "$(stat -c %a /dev/shared_map)" 666 "/dev/shared_map is 0666"
	for i in 1 2 3 4 5; do
		check "smap set key$i" smap set "key$i" "value $i"
	done
	values_back "after set"
	check "as a user: smap set (mode 0666 device)" setpriv --reuid=65534 --regid=65534 --clear-groups smap set userkey uservalue
	# autoload: the netlink family, then the device node kmod static-nodes makes
	check "systemctl stop unloads the module" sh -c 'systemctl stop shared_map && ! lsmod | grep -q "^shared_map "'
	expect_eq "$(smap --netlink get key1 2>&1)" "value 1" "netlink get with the module unloaded: autoloaded"
	check "rmmod" rmmod shared_map
	check "kmod static-nodes lists /dev/shared_map (char 10:249)" sh -c \
		'kmod static-nodes --format=tmpfiles | grep -q "^c! /dev/shared_map .* 10:249"'
	check "mknod as static-nodes does" mknod -m 0600 /dev/shared_map c 10 249
	expect_eq "$(smap get key2 2>&1)" "value 2" "opening /dev/shared_map loads the module"
	check "rmmod; systemctl start shared_map" sh -c 'rmmod shared_map && systemctl start shared_map'
	# /var/tmp's ageing leaves the store alone. bookworm's tmp.conf does not
	# age /var/tmp; upstream's, trixie's and many distributions' do (30
	# days): put that rule in place, as on those systems
	echo 'q /var/tmp 1777 root root 30d' >/etc/tmpfiles.d/tmp.conf
	segs=$(ls $STORE | sort)
	touch /var/tmp/smap-ageing-witness
	now=$(date +%s)
	check "clock moved 40 days on" date -s "@$((now + 40 * 86400))"
	check "systemd-tmpfiles --clean" systemd-tmpfiles --clean
	check "the clean did age /var/tmp (a witness file went)" test ! -e /var/tmp/smap-ageing-witness
	expect_eq "$(ls $STORE | sort | tr '\n' ' ')" "$(echo "$segs" | tr '\n' ' ')" "every log file survived systemd-tmpfiles --clean"
	date -s "@$((now + 5))" >/dev/null
	values_back "after tmpfiles --clean"
	;;
reboot)
	check "after a clean reboot the unit is active" systemctl is-active shared_map
	check "the unit loaded it at boot" sh -c 'journalctl -b -u shared_map | grep -q "Finished shared_map.service"'
	values_back "after reboot"
	# the power cut: the host kills QEMU once it has read enough ACKs
	command -v smap >/dev/null || exit 1
	i=0
	while :; do
		i=$((i + 1))
		smap set "pc$i" "v-pc$i" && echo "ACK pc$i"
	done
	;;
powercut)
	check "after the power cut the unit is active" systemctl is-active shared_map
	values_back "after power cut"
	acked_back "after power cut"
	# /var on a file system of its own (vdc): copy it there, and take the
	# store away from the root file system's /var, which the mount hides:
	# a module loaded before the mount would find an empty store
	check "systemctl stop shared_map" systemctl stop shared_map
	check "mkfs /var's own file system" mkfs.ext4 -q -L smap-var /dev/vdc
	check "copy /var onto it" sh -c 'mount /dev/vdc /mnt && cp -a /var/. /mnt/ && umount /mnt'
	check "remove the store from the root file system's /var" rm -rf $STORE
	echo "LABEL=smap-var /var ext4 defaults 0 2" >>/etc/fstab
	;;
var)
	check "/var is its own file system" sh -c 'findmnt -n -o SOURCE /var | grep -q vdc'
	check "the unit is active" systemctl is-active shared_map
	check "the unit is ordered after var.mount" sh -c 'systemctl show -p After shared_map | grep -q var.mount'
	values_back "with /var mounted late"
	acked_back "with /var mounted late"
	# upgrade N -> N+1: DKMS rebuilds, the data stays
	cd /with/n1
	check "apt install version $N1 (upgrade)" apt install -y ./shared-map-dkms_"$N1"_all.deb \
		./shared-map-tools_"$N1"_amd64.deb ./libshared-map1_"$N1"_amd64.deb
	cd /with
	check "dkms status: $N1 installed, $N gone" sh -c \
		"dkms status shared_map | grep -q '^shared_map/$N1, .*: installed' && ! dkms status shared_map | grep -q '^shared_map/$N,'"
	check "systemctl restart shared_map" systemctl restart shared_map
	expect_eq "$(cat /sys/module/shared_map/version)" "$N1" "the loaded module is $N1"
	values_back "after the upgrade"
	acked_back "after the upgrade"
	nfiles=$(ls $STORE | wc -l)
	check "apt remove" apt remove -y shared-map-tools shared-map-dkms libshared-map1
	check "remove: the module is gone from /lib/modules" sh -c '! modinfo shared_map'
	expect_eq "$(ls $STORE | wc -l)" "$nfiles" "remove keeps the store ($nfiles files)"
	apt purge -y shared-map-tools shared-map-dkms >/tmp/purge.out 2>&1
	sed 's/^/#   /' /tmp/purge.out | grep shared-map-tools
	check "purge says what it removed" grep -q "shared-map-tools: purge removed /etc/modprobe.d/shared_map.conf" /tmp/purge.out
	check "purge says it keeps the store and how to delete it" grep -q "purge keeps the store $STORE .*rm -r $STORE" /tmp/purge.out
	check "purge removed the modprobe.d file" test ! -e /etc/modprobe.d/shared_map.conf
	expect_eq "$(ls $STORE | wc -l)" "$nfiles" "purge keeps the store ($nfiles files)"
	;;
*)
	not_ok "unknown phase $PHASE"
	;;
esac
