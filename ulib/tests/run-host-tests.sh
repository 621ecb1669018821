#!/bin/sh
# Runs the host test commands given as arguments (one string each) (each prints TAP-ish lines
# and "RESULT <passed> <failed>"), and ends with "N passed, N failed".
# A program that crashes or prints no RESULT counts as one failure.
pass=0 fail=0
for t in "$@"; do
	echo "# ---- $t"
	out=$(eval "$t" 2>&1)
	rc=$?
	printf '%s\n' "$out" | grep -v '^RESULT '
	res=$(printf '%s\n' "$out" | sed -n 's/^RESULT \([0-9]*\) \([0-9]*\)$/\1 \2/p' | tail -n 1)
	if [ -z "$res" ]; then
		echo "# $t: no result (exit status $rc)"
		fail=$((fail + 1))
		continue
	fi
	p=${res% *} f=${res#* }
	if [ $rc -ne 0 ] && [ "$f" = 0 ]; then
		echo "# $t: exit status $rc"
		f=1
	fi
	pass=$((pass + p)) fail=$((fail + f))
done
echo "$pass passed, $fail failed"
[ $fail = 0 ]
