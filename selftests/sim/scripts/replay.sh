#!/bin/sh
# Replay checks: a seed gives the same trace hash every time, inside a range
# or alone, optimised or under ASan/UBSan; and a failing run (a mutation)
# prints the same failure twice.  Ends with "N passed, N failed".
cd "$(dirname "$0")/.." || exit 1
SIM=${SIM:-./kcpg-sim}
ASAN=${ASAN:-./kcpg-sim-asan}
passed=0
failed=0

hash_of() {	# seed, then kcpg-sim arguments
	s=$1
	shift
	"$@" --hash 2>&1 | sed -n "s/^seed $s nodes [0-9]* trace \([0-9a-f]*\)$/\1/p"
}

ok() { passed=$((passed + 1)); }
ko() { failed=$((failed + 1)); echo "FAIL replay: $*"; }

for args in "--nodes 4 --faults all" "--nodes 3 --faults partition" \
	    "--nodes 1 --faults crash" "--nodes 5 --faults loss,dup,reorder"; do
	# shellcheck disable=SC2086
	a=$(hash_of 1234 $SIM --seeds 1234 $args)
	# shellcheck disable=SC2086
	b=$(hash_of 1234 $SIM --seeds 1234 $args)
	# shellcheck disable=SC2086
	c=$(hash_of 1234 $SIM --seeds 1231-1235 $args)
	# shellcheck disable=SC2086
	d=$(hash_of 1234 $ASAN --seeds 1234 $args)
	if [ -n "$a" ] && [ "$a" = "$b" ] && [ "$a" = "$c" ] && [ "$a" = "$d" ]; then
		ok
	else
		ko "seed 1234 $args: hashes '$a' '$b' (in a range: '$c', asan: '$d')"
	fi
done

# A failure replays: the same report, line for line, both times.
o1=$($SIM --seeds 1-60 --nodes 3 --faults none --mutate vs-drop --mutate-runs 2 -v 2>&1 | grep -v '^ *[0-9]*\.[0-9]')
o2=$($SIM --seeds 1-60 --nodes 3 --faults none --mutate vs-drop --mutate-runs 2 -v 2>&1 | grep -v '^ *[0-9]*\.[0-9]')
if [ -n "$o1" ] && [ "$o1" = "$o2" ] && echo "$o1" | grep -q 'virtual-synchrony:'; then
	ok
else
	ko "a mutated run did not report the same failure twice"
fi

echo "$passed passed, $failed failed"
[ "$failed" -eq 0 ]
