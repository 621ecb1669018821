# Shared by the check scripts: run a step that ends with "N passed, N failed",
# add its counts to the totals, keep its output in the log.
# shellcheck shell=sh

TOTAL_PASSED=0
TOTAL_FAILED=0
LOG=${LOG:-build/check.log}

# step NAME CMD...: run CMD, print its non-passing lines and a summary line.
step() {
	name=$1
	shift
	start=$(date +%s)
	out=$("$@" 2>&1)
	rc=$?
	echo "$out" >>"$LOG"
	last=$(echo "$out" | tail -n 1)
	p=$(echo "$last" | sed -n 's/^\([0-9][0-9]*\) passed, \([0-9][0-9]*\) failed.*/\1/p')
	f=$(echo "$last" | sed -n 's/^\([0-9][0-9]*\) passed, \([0-9][0-9]*\) failed.*/\2/p')
	if [ -z "$p" ]; then
		# No summary line: the step itself broke (crash, sanitizer).
		p=0
		f=1
		echo "$out" | tail -n 20
	elif [ "$rc" -ne 0 ] && [ "$f" -eq 0 ]; then
		f=1
	fi
	if [ "$f" -ne 0 ]; then
		echo "$out" | grep -E '^(FAIL|  )' | head -n 40
	fi
	TOTAL_PASSED=$((TOTAL_PASSED + p))
	TOTAL_FAILED=$((TOTAL_FAILED + f))
	printf '%-58s %5s passed, %s failed (%ss)\n' "$name" "$p" "$f" $(($(date +%s) - start))
}

finish() {
	echo "$TOTAL_PASSED passed, $TOTAL_FAILED failed"
	[ "$TOTAL_FAILED" -eq 0 ]
}
