#!/bin/bash
# One node of the two-VM test (runs inside its own VM): node.sh ID DIR.
# DIR is a directory of the checkout both VMs see; the nodes meet there.
# Node 2 runs traffic, then a member is killed and kcpg.ko unloaded under
# the traffic of node 1, which must see node 2 leave its ring.
set -u
ID=$1
DIR=$2
OTHER=$((3 - ID))
top=$(cd "$(dirname "$0")/../.." && pwd)
K=$top/tools/kcpgctl/kcpgctl
M=$top/selftests/kcpg/cluster_member
say() { echo "node $ID: $*"; }
fail() { say "FAIL: $*"; echo "FAIL $*" >"$DIR/result.$ID"; exit 1; }
# Bounded waits: a hang guard, never a timing check.
wait_for() {
	local i
	for i in $(seq 1 900); do
		"$@" && return 0
		sleep 0.2
	done
	return 1
}
members() { "$K" -j status | python3 -c 'import json,sys; print(len(json.load(sys.stdin)["members"]))'; }
ring_of() { [ "$(members)" = "$1" ]; }
delivered() { [ "$(grep -c '^D ' "$DIR/log.$ID" 2>/dev/null)" -ge "$1" ]; }

ip link set eth0 up || fail "no eth0"
ip addr add "10.97.0.$ID/24" dev eth0
"$K" node set id "$ID" addr "10.97.0.$ID" || fail "node set"
"$K" peer add id "$OTHER" addr "10.97.0.$OTHER" || fail "peer add"
"$K" up || fail "up"
wait_for ring_of 2 || fail "no ring of two: $("$K" status)"
say "in a ring of two: $("$K" status | head -3 | tr '\n' ' ')"

"$M" -o "$DIR/log.$ID" -e 2 -S "$DIR/stop" -i 20000 -s 4096 -t 900 &
mpid=$!

if [ "$ID" = 2 ]; then
	wait_for delivered 30 || fail "no traffic"
	kill -9 $mpid
	wait $mpid 2>/dev/null
	# Unload while node 1 keeps sending to us.
	rmmod kcpg || fail "rmmod under traffic"
	say "kcpg.ko unloaded under traffic"
	[ ! -e /sys/module/kcpg ] || fail "module still there"
	touch "$DIR/rmmod.done"
	echo "ok" >"$DIR/result.$ID"
	exit 0
fi

wait_for test -e "$DIR/rmmod.done" || fail "node 2 never unloaded"
wait_for ring_of 1 || fail "node 2 still in the ring: $("$K" status)"
say "node 2 left the ring: $("$K" status | head -3 | tr '\n' ' ')"
touch "$DIR/stop"
wait $mpid
rc=$?
# The member saw its peer leave (PROCDOWN of the process, or NODEDOWN).
grep -qE '^C .*\| *2:[0-9]+:(3|5)' "$DIR/log.1" || fail "no leave of node 2's process in the log"
grep -qE '^T [0-9]+\.[0-9]+ 1 1$' "$DIR/log.1" || say "(no totem confchg of node 1 alone logged)"
# Agreed order: node 2's deliveries are a prefix of node 1's.
grep '^D ' "$DIR/log.2" >"$DIR/d.2"
grep '^D ' "$DIR/log.1" | head -n "$(wc -l <"$DIR/d.2")" >"$DIR/d.1"
cmp -s "$DIR/d.1" "$DIR/d.2" || fail "orders differ"
[ "$rc" = 0 ] || fail "member exited $rc"
say "same order of $(wc -l <"$DIR/d.2") messages on both nodes"
echo "ok" >"$DIR/result.$ID"
