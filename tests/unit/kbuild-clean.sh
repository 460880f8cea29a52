# SPDX-License-Identifier: GPL-2.0
# The module builds for every kernel with W=1 and sparse without a single
# warning (a separate build directory, so the main build is untouched).
set -u
cd "$(dirname "$0")/../.."
out=$(mktemp -d)
trap 'rm -rf "$out"' EXIT
make --no-print-directory modules W=1 C=2 CHECK=sparse BUILD="$out" >"$out/log" 2>&1
rc=$?
cat "$out/log"
if [ $rc -ne 0 ]; then
	echo "FAIL build failed (status $rc)"
	exit 1
fi
if grep -E 'warning|error' "$out/log"; then
	echo "FAIL the build printed warnings"
	exit 1
fi
n=$(find "$out" -name '*.ko' | wc -l)
echo "ok   $n modules built with W=1 and sparse, no warnings"
[ "$n" -ge 2 ]
