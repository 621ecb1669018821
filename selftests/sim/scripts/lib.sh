# Shared by the check scripts: steps that each end with "N passed, N failed",
# run JOBS at a time (default 2: the cores are shared), then summed.
# shellcheck shell=sh

STEPDIR=${STEPDIR:-build/steps}
JOBS=${JOBS:-2}
NSTEPS=0

# step NAME CMD...: queue a step.
step() {
	NSTEPS=$((NSTEPS + 1))
	f=$(printf '%s/%03d' "$STEPDIR" "$NSTEPS")
	printf '%s\n' "$1" >"$f.name"
	shift
	printf '%s\n' "$*" >"$f.cmd"
}

# Run one queued step (called through xargs): output, status, time.
run_one() {
	f=$1
	start=$(date +%s)
	sh -c "$(cat "$f.cmd")" >"$f.out" 2>&1
	echo $? >"$f.rc"
	echo $(($(date +%s) - start)) >"$f.secs"
}

# Run everything queued, print one line per step and the total.
run_steps() {
	ls "$STEPDIR"/*.cmd | sed 's/\.cmd$//' |
		xargs -P "$JOBS" -I{} sh -c ". scripts/lib.sh; run_one {}"
	tp=0
	tf=0
	for c in "$STEPDIR"/*.cmd; do
		f=${c%.cmd}
		last=$(tail -n 1 "$f.out")
		p=$(echo "$last" | sed -n 's/^\([0-9][0-9]*\) passed, \([0-9][0-9]*\) failed.*/\1/p')
		fl=$(echo "$last" | sed -n 's/^\([0-9][0-9]*\) passed, \([0-9][0-9]*\) failed.*/\2/p')
		if [ -z "$p" ]; then
			# No summary line: the step itself broke (crash, sanitizer).
			p=0
			fl=1
			tail -n 20 "$f.out"
		elif [ "$(cat "$f.rc")" -ne 0 ] && [ "$fl" -eq 0 ]; then
			fl=1
		fi
		if [ "$fl" -ne 0 ]; then
			grep -E '^(FAIL|  )' "$f.out" | head -n 30
		fi
		printf '%-58s %5s passed, %s failed (%ss)\n' "$(cat "$f.name")" "$p" "$fl" "$(cat "$f.secs")"
		tp=$((tp + p))
		tf=$((tf + fl))
	done
	cat "$STEPDIR"/*.out >build/check.log
	echo "$tp passed, $tf failed"
	[ "$tf" -eq 0 ]
}
