# SPDX-License-Identifier: GPL-2.0
# Torn tail at every byte offset of the last records, and a mid-log bit flip.
. "$SMAP_ROOT/recovery_tests/lib.sh"
gvm --fresh-disk --timeout 1200 -- sh /with/in-guest/torn.sh
expect_status 0 "torn tail and bit flip" $?
done_test
