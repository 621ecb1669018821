# shellcheck shell=bash
# How a benchmark point's failure counts, for scripts/bench-in-vm and
# tools/kcpg-bench/bench-nodes.sh (sourced by both).  Exit status of
# either: 0 when every point ran and checked out, 3 when only points of a
# reference system (corosync, TIPC) failed, 1 when a kcpg point or the
# harness failed.  A reference system failing on a busy emulated machine
# is a result to report, not a defect of ours; the report marks its
# points FAILED.

# failed: a kcpg point or the harness failed; ref_failed: a point of a
# reference system did.
failed=0 ref_failed=0

# point_failed ROW REP SYSTEM RC LOG: note in LOG that a point exited RC.
point_failed() {
	if [ "$3" = kcpg ]; then
		echo "# $1 rep $2 $3: status $4" >>"$5"
		failed=1
	else
		echo "# $1 rep $2 $3: status $4 (reference system)" >>"$5"
		ref_failed=1
	fi
}

# finish: exit with the status above.
finish() {
	[ $failed = 0 ] || exit 1
	[ $ref_failed = 0 ] || exit 3
	exit 0
}
