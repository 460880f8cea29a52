# SPDX-License-Identifier: GPL-2.0
# smap-lw-replay (the dm-log-writes replay of recovery_tests/log-writes.sh)
# on logs built here byte by byte in the kernel's format: it replays forward,
# stops at every flush, FUA and mark with the image as of that entry (a
# discard reads back as zeroes), runs the check there (not again at a flush
# that changed nothing), counts what the check says, and fails when a log
# has no flush point or no mark to check at. Host only.
set -u
cd "$(dirname "$0")/../.."
out=$(mktemp -d)
trap 'rm -rf "$out"' EXIT
FAILS=0
ok() { echo "ok   $*"; }
not_ok() {
	echo "FAIL $*"
	FAILS=$((FAILS + 1))
}
if ! make --no-print-directory -s -C tests BUILD="$out" "$out/bin/smap-lw-replay" >"$out/build.log" 2>&1; then
	cat "$out/build.log"
	echo "FAIL smap-lw-replay build"
	exit 1
fi
R=$out/bin/smap-lw-replay

# le64 N: N as 8 little-endian bytes
le64() {
	local n=$1 i
	for i in 0 1 2 3 4 5 6 7; do
		printf "\\$(printf %03o $(((n >> (8 * i)) & 255)))"
	done
}
# fill CHAR COUNT
fill() { head -c "$2" /dev/zero | tr '\0' "$1"; }
# entry SECTOR NR FLAGS [MARK]: one 512-byte entry header
entry() {
	{
		le64 "$1"; le64 "$2"; le64 "$3"; le64 "${#4}"
		printf '%s' "$4"
		head -c $((512 - 32 - ${#4})) /dev/zero
	}
}
# log FILE NR_ENTRIES [MAGIC]: the super block; entries appended after
super() {
	{
		le64 "${3:-$((0x6a736677736872))}"; le64 1; le64 "$2"
		printf '\000\002\000\000'	# sectorsize 512
		head -c $((512 - 28)) /dev/zero
	} >"$1"
}
FLUSH=1 FUA=2 DISCARD=4 MARK=8

# a log of 7 entries: write, flush, flush (nothing new), mark, FUA write of
# two sectors, discard, flush
L=$out/log
super "$L" 7
{
	entry 0 1 0 ""; fill A 512
	entry 0 0 $FLUSH ""
	entry 0 0 $FLUSH ""
	entry 0 0 $MARK "m1"
	entry 1 2 $FUA ""; fill B 1024
	entry 0 1 $DISCARD ""
	entry 0 0 $FLUSH ""
} >>"$L"
cat >"$out/check.sh" <<'EOC'
b() { dd if="$REP" bs=1 skip="$1" count=1 2>/dev/null | od -An -c | tr -d ' '; }
echo "$LW_POINT $LW_ENTRY $LW_KIND [$LW_MARK] $(b 0)$(b 512)$(b 1024)$(b 1536) $(tr '\n' ' ' <"$MARKS")" >>"$LOGF"
exit "${STATUS_AT[$LW_POINT]:-0}"
EOC
run() {
	fill Z 2048 >"$out/rep"
	: >"$out/stops"
	REP=$out/rep MARKS=$out/marks LOGF=$out/stops \
		"$R" "$@" "$out/log" "$out/rep" -- bash -c "STATUS_AT=($STATUS); . $out/check.sh" >"$out/out" 2>&1
}
STATUS="0 0 0 0 0 0"
run --quiet --marks "$out/marks"
rc=$?
want='1 1 flush [] AZZZ 
3 3 mark [m1] AZZZ m1 
4 4 fua [] ABBZ m1 
5 6 flush [] \0BBZ m1 '
if [ "$(cat "$out/stops")" = "$want" ]; then
	ok "stops at each flush, FUA and mark with the image as of that entry (discard: zeroes)"
else
	not_ok "stops: got
$(cat "$out/stops")
want
$want"
fi
sum=$(tail -n 1 "$out/out")
if [ $rc -eq 0 ] && [ "$sum" = "log-writes: 4 flush points, 1 marks, 0 lost, 0 bad (7 entries, 1536 bytes; 1 points left the image as the one before)" ]; then
	ok "summary: $sum"
else
	not_ok "status $rc, summary '$sum'"
fi
# the check's verdicts: 1 is a loss, others bad; the repeated flush (point
# 2) takes point 1's
STATUS="0 1 0 0 3 0"
run --quiet
rc=$?
sum=$(tail -n 1 "$out/out")
if [ $rc -eq 1 ] && echo "$sum" | grep -q "4 flush points, 1 marks, 2 lost, 1 bad" &&
	grep -q "^point 2 entry 2 flush: LOST" "$out/out"; then
	ok "failed checks counted (2 lost, 1 bad), status 1"
else
	not_ok "failed checks: status $rc, $(cat "$out/out")"
fi
# expect_run WANT_RC PATTERN DESC: run on $L; status WANT_RC, PATTERN printed
expect_run() {
	run
	local rc=$?
	if [ $rc -eq "$1" ] && grep -q "$2" "$out/out"; then
		ok "$3"
	else
		not_ok "$3: status $rc, $(cat "$out/out")"
	fi
}
# nothing to check at: no mark, or no flush point, fails
STATUS=""
super "$L" 2
{ entry 0 1 0 ""; fill A 512; entry 0 0 $FLUSH ""; } >>"$L"
expect_run 1 "nothing to check at (no mark)" "a log without a mark fails"
super "$L" 2
{ entry 0 1 0 ""; fill A 512; entry 0 0 $MARK "x"; } >>"$L"
expect_run 1 "nothing to check at (no flush point)" "a log without a flush point fails"
super "$L" 1 12345
expect_run 2 "not a dm-log-writes log" "a bad magic is refused"
super "$L" 3
{ entry 0 1 0 ""; fill A 512; } >>"$L"
expect_run 2 "past the end of the log" "a log shorter than its entry count is refused"
super "$L" 1
{ entry 3 2 0 ""; fill A 1024; } >>"$L"
expect_run 2 "beyond the replay device" "a write beyond the replay device is refused"
echo "$FAILS failed"
[ "$FAILS" -eq 0 ]
