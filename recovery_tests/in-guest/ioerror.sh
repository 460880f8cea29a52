# SPDX-License-Identifier: GPL-2.0
# I/O errors: the log lives on an ext4 (no journal) over dm-flakey; writes
# start failing with EIO. The failing set returns the error, the store turns
# read-only (gets work, sets get EROFS), and once the device is healthy and
# recover is written, writes work again; nothing acknowledged is lost.
. /with/guest/lib.sh
P=/sys/module/shared_map/parameters
flaky_setup
load_module path=/mnt/f/sm
i=0
while [ $i -lt 20 ]; do i=$((i + 1)); smap set "k$i" "v$i" || not_ok "set k$i"; done
flaky bad
check "the device now fails writes" sh -c '! dd if=/dev/zero of=/dev/mapper/flaky bs=4096 count=1 seek=9000 oflag=direct 2>/dev/null'
smap set doomed x 2>/tmp/err
expect_eq $? 2 "a set while the disk fails writes is refused"
echo "  ($(cat /tmp/err))"
check "the error says I/O error" grep -qi "i/o error\|input/output" /tmp/err
expect_eq "$(cat $P/read_only)" 1 "the store is read-only"
smap set later y 2>/tmp/err2
expect_eq $? 2 "sets are refused while read-only"
check "...saying read-only" grep -qi "read-only" /tmp/err2
expect_eq "$(smap get k20)" v20 "gets still work"
expect_rc 1 "the refused value is not served" smap get doomed
check "recover fails while the disk still fails" sh -c "! echo 1 >$P/recover 2>/dev/null"
flaky ok
check "recover once the disk is healthy" sh -c "echo 1 >$P/recover"
expect_eq "$(cat $P/read_only)" 0 "writable again"
check "sets work again" smap set after z
check "rmmod" rmmod shared_map
load_module path=/mnt/f/sm
bad=0
i=0
while [ $i -lt 20 ]; do i=$((i + 1)); [ "$(smap get "k$i")" = "v$i" ] || bad=$((bad + 1)); done
expect_eq "$bad" 0 "every acknowledged value survived"
expect_eq "$(smap get after)" z "the write after recovery survived"
expect_rc 1 "the refused value never appears" smap get doomed
unload_module
flaky_teardown
finish
