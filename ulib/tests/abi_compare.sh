#!/bin/sh
# Compares the ABI dump built against our headers ($1) with the one built
# against the system's corosync headers ($2).  Prints RESULT.
if [ ! -x "$2" ]; then
	echo "# abi.same_as_corosync skipped: no corosync headers on this host"
	echo "RESULT 0 0"
	exit 0
fi
ours=$("$1") || { echo "not ok 1 abi.same_as_corosync"; echo "#   $1 failed"; echo "RESULT 0 1"; exit 1; }
theirs=$("$2") || { echo "not ok 1 abi.same_as_corosync"; echo "#   $2 failed"; echo "RESULT 0 1"; exit 1; }
if [ "$ours" = "$theirs" ]; then
	echo "ok 1 abi.same_as_corosync ($(printf '%s\n' "$ours" | wc -l) facts)"
	echo "RESULT 1 0"
else
	echo "not ok 1 abi.same_as_corosync"
	tmp=$(mktemp -d)
	printf '%s\n' "$theirs" > "$tmp/corosync"
	printf '%s\n' "$ours" > "$tmp/kcpg"
	diff "$tmp/corosync" "$tmp/kcpg" | sed 's/^/#   /'
	rm -rf "$tmp"
	echo "RESULT 0 1"
fi
