# SPDX-License-Identifier: GPL-2.0
# Key ownership through the CLI: uid 1000 (user) against root's keys.
# 0600: no read, no write; 0644: read, no write; user's own keys are user's;
# another user (1001) and root (CAP_SYS_ADMIN bypasses) against them.
. /with/guest/lib.sh
T=/tmp/22
mkdir -p $T
chmod 777 $T

load_module
check "uid of 'user' is 1000" test "$(su user -c 'id -u')" = 1000

for tr in "" --netlink; do
	n=${tr:-ioctl}
	S="smap $tr"
	# root's private key
	check "$n: root sets secret 0600" $S set --mode 0600 secret-$n s3cr3t
	as user "$n: user cannot read 0600 root key" 2 "smap: get: permission denied" "$S get secret-$n"
	as user "$n: user cannot overwrite it" 2 "smap: set: permission denied" "$S set secret-$n x"
	as user "$n: user cannot delete it" 2 "smap: del: permission denied" "$S del secret-$n"
	as user "$n: user cannot incr it" 2 "smap: incr: permission denied" "$S incr secret-$n"
	as user "$n: user cannot cas it" 2 "smap: cas: permission denied" "$S cas secret-$n s3cr3t x"
	as root "$n: root still reads it" 0 "" "$S get secret-$n"
	expect_eq "$(cat $T/out)" s3cr3t "$n: unchanged after user's attempts"
	# root's public key
	check "$n: root sets public 0644" $S set --mode 0644 pub-$n hello
	as user "$n: user reads 0644 root key" 0 "" "$S get pub-$n"
	expect_eq "$(cat $T/out)" hello "$n: user read the right value"
	as user "$n: user cannot write 0644 root key" 2 "smap: set: permission denied" "$S set pub-$n x"
	as user "$n: user cannot delete 0644 root key" 2 "smap: del: permission denied" "$S del pub-$n"
	# the default mode is 0644
	check "$n: root sets with the default mode" $S set dflt-$n v
	as user "$n: default mode: readable" 0 "" "$S get dflt-$n"
	as user "$n: default mode: not writable" 2 "smap: set: permission denied" "$S set dflt-$n x"
	# user's own keys
	as user "$n: user creates own 0600 key" 0 "" "$S set --mode 0600 mine-$n mine"
	as user "$n: user reads own key" 0 "" "$S get mine-$n"
	expect_eq "$(cat $T/out)" mine "$n: own value"
	as user "$n: user overwrites own key" 0 "" "$S set mine-$n mine2"
	as user "$n: user incr own counter" 0 "" "$S incr --mode 0600 ctr-$n"
	as other "$n: other cannot read user's 0600 key" 2 "smap: get: permission denied" "$S get mine-$n"
	as other "$n: other cannot write user's key" 2 "smap: set: permission denied" "$S set mine-$n x"
	as other "$n: other cannot incr user's counter" 2 "smap: incr: permission denied" "$S incr ctr-$n"
	as root "$n: root (CAP_SYS_ADMIN) reads user's 0600 key" 0 "" "$S get mine-$n"
	expect_eq "$(cat $T/out)" mine2 "$n: root sees user's value"
	as root "$n: root overwrites user's key" 0 "" "$S set mine-$n root"
	as user "$n: user still owns it (reads root's write)" 0 "" "$S get mine-$n"
	expect_eq "$(cat $T/out)" root "$n: ownership kept after root's write"
	as user "$n: user deletes own key" 0 "" "$S del mine-$n"
	as user "$n: gone" 1 "smap: get: key not found" "$S get mine-$n"
	# a group-readable key of user's, read by other (not in the group)
	as user "$n: user creates 0640 key" 0 "" "$S set --mode rw-r----- grp-$n g"
	as other "$n: other (not in group) cannot read 0640" 2 "smap: get: permission denied" "$S get grp-$n"
	# missing key as user: not found, not denied
	as user "$n: user get missing key: exit 1" 1 "smap: get: key not found" "$S get none-$n"
done
# the mode applies only on create; asking another of an existing key is
# refused (EEXIST) and changes nothing, the same mode is an update
check "root creates mode-test 0600" smap set --mode 0600 mt v
as root "root set --mode 0644 on the 0600 key: refused" 2 \
	"smap: set: key exists with another owner or mode; nothing changed (someone else may have created it first: see SECURITY in smap(1))" \
	"smap set --mode 0644 mt v2"
check "root set --mode 0600 on it: an update" smap set --mode 0600 mt v3
as root "value of the update" 0 "" "smap get mt"
expect_eq "$(cat $T/out)" v3 "mode-test holds v3"
as user "mode kept: still 0600" 2 "smap: get: permission denied" "smap get mt"

unload_module
finish
