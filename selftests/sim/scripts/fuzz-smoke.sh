#!/bin/sh
# 60 seconds of libFuzzer on kp_receive(), seeded with real datagrams.
# Ends with "N passed, N failed".
cd "$(dirname "$0")/.." || exit 1
SECONDS_TO_RUN=${FUZZ_SECONDS:-60}
seed=build/fuzz-seed
work=build/fuzz-work
rm -rf "$seed"
mkdir -p "$seed" "$work"
# Real datagrams of a three-node ring with every fault, in the fuzzer's
# input format, plus the two empty situations.
./kcpg-sim --seeds 1-2 --nodes 3 --faults all --dump-corpus "$seed" >/dev/null 2>&1
printf '\000' >"$seed/alone-empty"
printf '\001' >"$seed/ring-empty"
n=$(ls "$seed" | wc -l)
echo "fuzz-smoke: $n seed inputs, $SECONDS_TO_RUN s"
if ./fuzz-receive -max_total_time="$SECONDS_TO_RUN" -timeout=20 -rss_limit_mb=3072 \
	-print_final_stats=1 -artifact_prefix=build/ "$work" "$seed" >build/fuzz-smoke.log 2>&1; then
	grep -E '^stat::number_of_executed_units|^stat::peak_rss' build/fuzz-smoke.log
	echo "1 passed, 0 failed"
else
	tail -n 40 build/fuzz-smoke.log
	echo "FAIL fuzz-smoke: see build/fuzz-smoke.log and build/crash-* (replay: ./fuzz-receive FILE)"
	echo "0 passed, 1 failed"
	exit 1
fi
