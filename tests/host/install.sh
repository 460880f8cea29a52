#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
# install: shared_map installed on a real system the way a user does it.
# `make deb` builds the packages of version N (VERSION) and N+1; a Debian
# bookworm system (scripts/sysvm: mmdebstrap image, systemd as PID 1, the
# cloud kernel with its linux-headers) boots four times in QEMU:
#   install   apt install the .debs (DKMS compiles shared_map.ko in the
#             guest), no test/bench module anywhere, systemctl enable --now,
#             set values, netlink and /dev autoload, tmpfiles --clean 40 days
#             on leaves the store; clean shutdown
#   reboot    the unit brought the values back; writers print ACK per set,
#             the host kills QEMU mid-write (a power cut)
#   powercut  every acknowledged key is back; /var moved to a file system of
#             its own (vdc), the store removed from the root's /var beneath
#   var       the unit loaded the module after var.mount: values all there;
#             apt install N+1 (DKMS rebuilds, data kept), apt remove keeps
#             the data, purge says what it removes and keeps the store
# The guest half is tests/host/install/guest.sh. `make check-install` runs it
# on 6.12, `make check-install-6.1` on 6.1 (scripts/check: SMAP_INSTALL_KERNELS);
# plain make check leaves it out (it costs ~40 min per kernel here).
# SMAP_INSTALL_KEEP_DEBS=1 reuses the last run's .debs (debugging the guest).
set -uo pipefail

ROOT=${SMAP_ROOT:-$(cd "$(dirname "$0")/../.." && pwd)}
K=${SMAP_KERNEL:-6.12}
W=${SMAP_WORK:-$ROOT/build/work/install-$K}
mkdir -p "$W"
checks=0
fails=0
say() { echo "install: $*"; }
not_ok() { checks=$((checks + 1)); fails=$((fails + 1)); echo "FAIL $*"; }
ok() { checks=$((checks + 1)); echo "ok - $*"; }

N=$(cat "$ROOT/VERSION")
N1=$N.1
t0=$SECONDS
for v in n n1; do
	extra=
	[ $v = n1 ] && extra="DEB_VERSION=$N1"
	if [ -n "${SMAP_INSTALL_KEEP_DEBS:-}" ] && ls "$W/$v/deb/"*.deb >/dev/null 2>&1; then
		ok "SMAP_INSTALL_KEEP_DEBS: the .debs of the last run ($v)"
		continue
	fi
	# shellcheck disable=SC2086
	if make -C "$ROOT" --no-print-directory deb BUILD="$W/$v" $extra >"$W/deb-$v.log" 2>&1; then
		ok "make deb $extra ($(grep -c '^[EWI]:' "$W/$v/deb/lintian.txt") lintian findings)"
	else
		not_ok "make deb $extra (log $W/deb-$v.log)"
		tail -n 20 "$W/deb-$v.log"
		exit 1
	fi
done
say "packages built in $((SECONDS - t0))s"
# DKMS runs from the -dkms package's maintainer scripts, and its source is
# in that package alone
if dpkg-deb -I "$W/n/deb/shared-map-dkms_${N}_all.deb" postinst | grep -q 'DKMS_NAME=shared_map'; then
	ok "shared-map-dkms's postinst runs dkms"
else
	not_ok "shared-map-dkms has no postinst running dkms"
fi
others=$(for d in "$W/n/deb/"*.deb; do case $d in *-dkms_*) ;; *) dpkg-deb -c "$d" ;; esac; done | grep /usr/src/)
if [ -z "$others" ]; then ok "only shared-map-dkms has /usr/src"; else not_ok "/usr/src in other packages: $others"; fi
# the -dev package (not installed in the guest: its libnl-genl-3-dev and
# pkg-config are not in the image): headers, .so link, static library, .pc
dev=$(dpkg-deb -c "$W/n/deb/libshared-map-dev_${N}_amd64.deb" | awk '{ print $6 }')
for f in usr/include/shared_map.h usr/include/linux/shared_map.h \
	"usr/lib/$(dpkg-architecture -qDEB_HOST_MULTIARCH)/"{libshared_map.so,libshared_map.a,pkgconfig/shared_map.pc}; do
	if echo "$dev" | grep -qx "\./$f"; then ok "libshared-map-dev has /$f"; else not_ok "libshared-map-dev lacks /$f"; fi
done

with=$W/with
rm -rf "$with"
mkdir -p "$with/n" "$with/n1"
cp "$W/n/deb/"*.deb "$with/n/"
cp "$W/n1/deb/"*.deb "$with/n1/"
cp "$ROOT/tests/host/install/guest.sh" "$with/"
echo "$N" >"$with/version-n"
echo "$N1" >"$with/version-n1"
: >"$with/acks"
rm -f "$W/root.qcow2" "$W/var.img"
truncate -s 2G "$W/var.img"

# phase NAME WANT_STATUS [sysvm options]: boot, run guest.sh NAME, count
phase() {
	local name=$1 want=$2 rc start
	shift 2
	start=$SECONDS
	"$ROOT/scripts/sysvm" --kernel "$K" --root "$W/root.qcow2" \
		--disk "$W/var.img" --with "$with" --log "$W/$name.console" \
		--timeout 1500 "$@" -- "sh /with/guest.sh $name" \
		>"$W/$name.out" 2>"$W/$name.err"
	rc=$?
	grep -E '^(ok - |FAIL |#)' "$W/$name.out"
	checks=$((checks + $(grep -c '^ok - ' "$W/$name.out") + $(grep -c '^FAIL ' "$W/$name.out")))
	fails=$((fails + $(grep -c '^FAIL ' "$W/$name.out")))
	if [ "$rc" = "$want" ]; then
		ok "$name: boot and command in $((SECONDS - start))s (status $rc)"
	else
		not_ok "$name: scripts/sysvm status $rc, want $want (console $W/$name.console)"
		sed 's/^/#   /' "$W/$name.err" | tail -n 30
	fi
}

phase install 0
phase reboot 125 --kill-after '40:^ACK '
# the last line may have been cut short by the kill: only whole lines count
sed '$ { /^ACK pc[0-9]*$/!d }' "$W/reboot.out" | grep '^ACK ' >"$with/acks"
[ -z "$(tail -c 1 "$W/reboot.out")" ] || sed -i '$d' "$with/acks"
say "$(wc -l <"$with/acks") sets acknowledged before the power cut"
phase powercut 0
phase var 0

say "$checks checks, $fails failed, $((SECONDS - t0))s"
[ "$fails" = 0 ] && [ "$checks" -gt 0 ]
