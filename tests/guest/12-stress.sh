# SPDX-License-Identifier: GPL-2.0
# Concurrency: processes x mixed operations, a torn-read check, then a
# clean unload (any kernel warning fails the test through scripts/vm).
# vm: --cpus 4
. /with/guest/lib.sh

load_module
check "mixed operations, 8 processes, 8 s" smap-stress mixed 8 8
check "no torn reads (1 writer, 3 readers, 5 s)" smap-stress torn 5 3
check "mixed operations again, 4 processes, 3 s" smap-stress mixed 4 3
unload_module
finish
