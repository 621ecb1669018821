#!/bin/sh
# The long campaign: blocks of seeds over every fault mix and node count,
# round robin, for HOURS hours (default 4), or MINUTES minutes when set.
# Failures are logged with their replay command in build/sim-long.log.
# Ends with "N passed, N failed".
cd "$(dirname "$0")/.." || exit 1
HOURS=${HOURS:-4}
BLOCK=${BLOCK:-1000}
LOG=build/sim-long.log
mkdir -p build
: >"$LOG"
MINUTES=${MINUTES:-$((HOURS * 60))}
end=$(($(date +%s) + MINUTES * 60))
seed=${START_SEED:-1000000}
passed=0
failed=0
blocks=0
while [ "$(date +%s)" -lt "$end" ]; do
	for mix in none loss dup reorder partition crash all; do
		for nodes in 1 2-5 6-9 10-16; do
			[ "$(date +%s)" -ge "$end" ] && break 2
			sim=./kcpg-sim
			# One block in eight under the sanitizers (slower: smaller).
			n=$BLOCK
			if [ $((blocks % 8)) -eq 7 ]; then
				sim=./kcpg-sim-asan
				n=$((BLOCK / 10))
			fi
			hi=$((seed + n - 1))
			out=$($sim --seeds $seed-$hi --nodes $nodes --faults $mix 2>&1)
			echo "$out" | grep -E '^(FAIL|  )' >>"$LOG"
			last=$(echo "$out" | tail -n 1)
			p=$(echo "$last" | sed -n 's/^\([0-9]*\) passed.*/\1/p')
			f=$(echo "$last" | sed -n 's/.*passed, \([0-9]*\) failed.*/\1/p')
			[ -z "$p" ] && { p=0; f=1; echo "FAIL block $sim $seed-$hi $nodes $mix: no summary" >>"$LOG"; }
			passed=$((passed + p))
			failed=$((failed + f))
			printf '%s seeds %s-%s nodes %s %-9s %s\n' "$(date +%H:%M)" $seed $hi $nodes $mix "$last"
			seed=$((hi + 1))
			blocks=$((blocks + 1))
		done
	done
done
echo "sim-long: $blocks blocks, seeds ${START_SEED:-1000000}-$((seed - 1)), $MINUTES min; failures in $LOG"
echo "$passed passed, $failed failed"
[ "$failed" -eq 0 ]
