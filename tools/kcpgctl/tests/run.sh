#!/bin/bash
# make check: the unit tests and the command-line tests, then one total line
# "N passed, N failed".
set -u
cd "$(dirname "$0")/.." || exit 1
tp=0 tf=0
for t in tests/unit-tests "tests/cli.sh ./kcpgctl"; do
	out=$($t)
	rc=$?
	printf '%s\n' "$out"
	line=$(printf '%s\n' "$out" | grep -E '^[a-z]+: [0-9]+ passed, [0-9]+ failed$' | tail -n 1)
	if [ -z "$line" ]; then
		echo "# $t printed no summary (status $rc)"
		tf=$((tf + 1))
		continue
	fi
	p=$(echo "$line" | sed -E 's/^[a-z]+: ([0-9]+) passed.*/\1/')
	f=$(echo "$line" | sed -E 's/.* ([0-9]+) failed$/\1/')
	[ "$rc" != 0 ] && [ "$f" = 0 ] && f=1
	tp=$((tp + p)) tf=$((tf + f))
done
echo "$tp passed, $tf failed"
[ $tf = 0 ]
