# SPDX-License-Identifier: GPL-2.0
# verify_acks FILE: FILE holds "ACK <writer> <i>" lines printed after each
# acknowledged `smap set <writer>-k<i % KEYS> r<i>`. For every key, the value
# found must be the last acknowledged one, or the one write of that writer
# that was in flight when the power went (never older, never garbage).
# Values are "r<i>" followed by $PAD when set; keys k0..k<$KEYS-1> (64).
verify_acks() {
	awk -v pad="${PAD:-}" -v nk="${KEYS:-64}" '$1 == "ACK" { last[$2] = $3; k = $2 "-k" ($3 % nk); v[k] = "r" $3 pad; seen[k] = 1 }
	END {
		for (w in last) { n = last[w] + 1; k = w "-k" (n % nk); alt[k] = "r" n pad; seen[k] = 1 }
		for (k in seen) print k, (k in v) ? v[k] : "-", (k in alt) ? alt[k] : ""
	}' "$1" >/tmp/expect
	_n=0 _bad=0
	while read -r _k _want _alt; do
		_n=$((_n + 1))
		_got=$(smap get "$_k" 2>/dev/null || echo -)
		if [ "$_got" = "$_want" ]; then continue; fi
		if [ -n "$_alt" ] && [ "$_got" = "$_alt" ]; then continue; fi
		_bad=$((_bad + 1))
		[ $_bad -le 5 ] && echo "  $_k: got '$_got', want '$_want'${_alt:+ or '$_alt'}"
	done </tmp/expect
	expect_eq "$_bad" 0 "all $(grep -c '^ACK' "$1") acknowledged sets present ($_n key checks)"
}

# writers N: N background writers that print ACK lines until the power goes
writers() {
	for _w in $(seq 1 "$1"); do
		(
			_i=0
			while :; do
				_i=$((_i + 1))
				smap set "w$_w-k$((_i % ${KEYS:-64}))" "r$_i${PAD:-}" && echo "ACK w$_w $_i"
			done
		) &
	done
}
