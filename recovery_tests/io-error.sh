# SPDX-License-Identifier: GPL-2.0
# I/O errors from dm-flakey: read-only, then recover.
. "$SMAP_ROOT/recovery_tests/lib.sh"
gvm --fresh-disk --bin dmsetup --bin mkfs.ext4 -- sh /with/in-guest/ioerror.sh
expect_status 0 "EIO: read-only, recover, nothing acknowledged lost" $?
done_test
