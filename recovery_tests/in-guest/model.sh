# SPDX-License-Identifier: GPL-2.0
# A model of the store kept outside it: /var/tmp/model-TAG/v/<key> holds the
# value each key must have, /var/tmp/model-TAG/gone the deleted keys.

# populate TAG N: N keys of random sizes up to 64 KiB, overwrite every 7th,
# delete every 11th, one key with mode 0600
populate() {
	_m=/var/tmp/model-$1
	rm -rf "$_m"
	mkdir -p "$_m/v"
	: >"$_m/gone"
	_bad=0
	_i=0
	while [ $_i -lt "$2" ]; do
		_i=$((_i + 1))
		head -c $(((RANDOM * 32768 + RANDOM) % 65537)) /dev/urandom >"$_m/v/k$_i"
		smap set "k$_i" - <"$_m/v/k$_i" || _bad=$((_bad + 1))
	done
	_i=0
	while [ $_i -lt "$2" ]; do
		_i=$((_i + 7))
		head -c $((RANDOM % 4096)) /dev/urandom >"$_m/v/k$_i"
		smap set "k$_i" - <"$_m/v/k$_i" || _bad=$((_bad + 1))
	done
	_i=0
	while [ $_i -lt "$2" ]; do
		_i=$((_i + 11))
		[ -e "$_m/v/k$_i" ] || continue
		smap del "k$_i" || _bad=$((_bad + 1))
		rm -f "$_m/v/k$_i"
		echo "k$_i" >>"$_m/gone"
	done
	printf 'only root' >"$_m/v/secret"
	smap set --mode 0600 secret "only root" || _bad=$((_bad + 1))
	sync
	expect_eq "$_bad" 0 "populate $1: $2 keys set, overwritten, deleted"
}

# verify TAG: every model key has its value, deleted keys are gone, the
# listing has nothing else, and the 0600 key still refuses uid 1000
verify() {
	_m=/var/tmp/model-$1
	_n=0 _bad=0
	for _f in "$_m"/v/*; do
		_k=${_f##*/}
		_n=$((_n + 1))
		if ! smap get "$_k" | cmp -s - "$_f"; then
			_bad=$((_bad + 1))
			[ $_bad -le 5 ] && echo "  mismatch: $_k"
		fi
	done
	expect_eq "$_bad" 0 "verify $1: all $_n model keys hold their values"
	_gone=0
	for _k in $(cat "$_m/gone"); do
		smap get "$_k" >/dev/null 2>&1
		[ $? -eq 1 ] || _gone=$((_gone + 1))
	done
	expect_eq "$_gone" 0 "verify $1: deleted keys stay deleted"
	expect_eq "$(smap list | wc -l)" "$_n" "verify $1: list has exactly the model's keys"
	su user -c 'smap get secret' >/dev/null 2>&1
	expect_eq $? 2 "verify $1: mode 0600 survived (uid 1000 denied)"
}
