#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
# system/tmpfiles.conf keeps the store out of /var/tmp's ageing: with
# upstream systemd's rule for /var/tmp (tmp.conf: "q /var/tmp 1777 root root
# 30d", which Debian's bookworm does not ship but many distributions do),
# `systemd-tmpfiles --clean` run on a root tree (by mtime alone) removes a backdated file
# beside the store and keeps every backdated file of the store. Either of
# the conf's two lines suffices (removing one passes, both fails). The booted
# install test (make check-install) checks the same on a real system.
set -euo pipefail
cd "$(dirname "$0")/../.."
command -v systemd-tmpfiles >/dev/null ||
	{ echo "FAIL systemd-tmpfiles missing (scripts/deps installs systemd)"; exit 1; }
root=$(mktemp -d)
trap 'rm -rf "$root"' EXIT
fails=0
ok() { echo "ok   $*"; }
not_ok() { echo "FAIL $*"; fails=$((fails + 1)); }

mkdir -p "$root/etc/tmpfiles.d" "$root/var/tmp/shared_map"
sed 's|@STOREDIR@|/var/tmp/shared_map|g' system/tmpfiles.conf \
	>"$root/etc/tmpfiles.d/shared_map.conf"
# "m:": judge by mtime alone, which touch can backdate (ctime it cannot)
echo 'q /var/tmp 1777 root root m:30d' >"$root/etc/tmpfiles.d/tmp.conf"
for f in LOCK snapshot log.0000000000000001 log.0000000000000002; do
	echo data >"$root/var/tmp/shared_map/$f"
done
echo junk >"$root/var/tmp/witness"
find "$root/var/tmp" -mindepth 1 -exec touch -h -d '40 days ago' {} +

systemd-tmpfiles --root="$root" --clean >"$root/out" 2>&1 ||
	not_ok "systemd-tmpfiles --clean: $(cat "$root/out")"
if [ -e "$root/var/tmp/witness" ]; then
	not_ok "the ageing rule did not run (a 40-day-old witness in /var/tmp is still there)"
else
	ok "a 40-day-old file beside the store is aged out"
fi
for f in LOCK snapshot log.0000000000000001 log.0000000000000002; do
	if [ -e "$root/var/tmp/shared_map/$f" ]; then
		ok "the store's 40-day-old $f is kept"
	else
		not_ok "the store's 40-day-old $f was aged out"
	fi
done
[ "$fails" -eq 0 ]
