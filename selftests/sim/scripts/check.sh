#!/bin/sh
# make check: harness unit tests, replay, >= 2,000 seeds over every fault mix
# with coverage minimums, sanitizer seeds, and every mutation.  Each step
# prints one line; the last line sums them: "N passed, N failed".
# SEEDS_SCALE=2 doubles the seed counts (minimums scale along).
cd "$(dirname "$0")/.." || exit 1
. scripts/lib.sh
mkdir -p build
: >"$LOG"
SIM=./kcpg-sim
K=${SEEDS_SCALE:-1}

step "harness unit tests" ./unit-tests
step "replay: one seed, one trace (opt, asan, in a range)" ./scripts/replay.sh

# One node: many processes joining, leaving, dying; crashes and restarts.
step "1 node, every fault, $((300 * K)) seeds" \
	$SIM --seeds 1-$((300 * K)) --nodes 1 --faults all

# Several nodes, one fault mix at a time.  Every seed must keep traffic in
# flight across at least two configuration changes; the batches with
# partitions and crashes must reach the hard cases.
n=$((250 * K))
base=10000
for mix in none loss dup reorder; do
	step "2-5 nodes, $mix, $n seeds" \
		$SIM --seeds $base-$((base + n - 1)) --nodes 2-5 --faults $mix \
		--min-inflight-per-seed=2 --min-merges=$((50 * K)) \
		--min-frag-straddle=$((50 * K)) --min-one-n-one=$((20 * K))
	base=$((base + 10000))
done
for mix in partition crash all; do
	step "2-5 nodes, $mix, $n seeds" \
		$SIM --seeds $base-$((base + n - 1)) --nodes 2-5 --faults $mix \
		--min-inflight-per-seed=2 --min-merges=$((100 * K)) \
		--min-old-ring-recoveries=$((10 * K)) --min-safe-transitional=$((5 * K)) \
		--min-frag-straddle=$((100 * K)) --min-one-n-one=$((20 * K))
	base=$((base + 10000))
done
step "6-9 nodes, all, $((40 * K)) seeds" \
	$SIM --seeds 90000-$((90000 + 40 * K - 1)) --nodes 6-9 --faults all \
	--min-inflight-per-seed=2

# The same code under ASan and UBSan.
step "asan+ubsan: 1-5 nodes, all, $((20 * K)) seeds" \
	./kcpg-sim-asan --seeds 95000-$((95000 + 20 * K - 1)) --nodes 1-5 --faults all

# Each mutation must be caught by exactly its invariant.
for m in $($SIM --list-mutations | awk '{print $1}'); do
	step "mutation $m" $SIM --mutate $m --seeds 1-150 --nodes 3 --faults all \
		--mutate-runs 2
done

finish
