#!/bin/bash
# Three nodes under failures, with traffic flowing throughout, in one
# cluster (forming a ring is the slow part under emulation):
#   - kill and restart: node 3 vanishes (its namespace deleted mid-traffic,
#     zero-copy handles open): the others see its processes leave with
#     NODEDOWN and lose nothing among themselves; then node 3 is recreated,
#     rejoins the ring and new members on it join the group;
#   - a partition {1,2} | {3}: both sides go on, each in one order; healing
#     merges them with NODEUP, one order again, no ghost members;
#   - 'kcpgctl down' of node 3 under traffic: the same, and the node sends
#     nothing on the network while it is down; 'kcpgctl up' and it rejoins.
# Members that stay together must deliver exactly the same events (messages,
# ENDs, confchgs) and every message of each other; members that were apart
# legitimately deliver different messages of the other side (extended
# virtual synchrony), which cl_order and cl_vs (cluster_lib.sh) check.
#
# Three scenarios in sequence take 10 to 13 minutes on a loaded host:
# run-tests: guard 1800
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/cluster_lib.sh"

# Traffic that runs until the test says stop: small messages, paced.  The
# members' own limit only guards against hangs; each step below has its own.
TRAFFIC=(-S "$CL_DIR/stop" -i 100000 -s 8192 -t 900)

form() {
	cl_have_tools || return 1
	"$CLUSTER" up 3
}

# go SEED [ARGS...]: the round's members, two per node, sending until
# stopped (ARGS: more cluster_member options); returns once every member is
# in the complete group and has some deliveries.
go() {
	local n
	rm -f "$CL_DIR/stop"
	for n in 1 2 3; do cl_start "$n" 2 -e 6 -r "$1" "${TRAFFIC[@]}" "${@:2}"; done
	cl_until "$CL_STEP" "every member in the full group" cl_all_have '^F$' 1 "${CL_LOGS[@]}" &&
		cl_progress 10 "${CL_LOGS[@]}"
}

# stop NAME OK: members stop sending and end (given a step to exchange their
# ENDs); when the scenario already failed (OK != 0) they are killed at once,
# their logs kept for the checks to explain.  The scenario's own output is
# in NAME.wait, before the members' outcome.
stop() {
	local name=$1 ok=$2 p
	touch "$CL_DIR/stop"
	if [ "$ok" != 0 ]; then
		echo "the scenario failed: members killed"
		for p in "${CL_PIDS[@]}"; do kill -9 "$p" 2>/dev/null; done
	fi
	CL_WAIT=$CL_STEP cl_wait_exit
	echo $? >"$CL_DIR/$name.rc"
	[ "$ok" = 0 ] || echo 1 >"$CL_DIR/$name.rc"
}

# saw_nodedown GONE LOG...: each log lists the processes of node GONE as
# left with NODEDOWN; saw_nodeup BACK LOG...: as joined with NODEUP.
saw_nodedown() { cl_saw 2 "$1" 3 "${@:2}"; }
saw_nodeup() { cl_saw 3 "$1" 4 "${@:2}"; }

# The survivors (S) saw each process of the restarted node (N) join.
saw_newcomers() {
	local log id s
	# Without a newcomer the loop below would pass having checked nothing.
	[ "${#N[@]}" -gt 0 ] || kfail "no member ran on the restarted node" || return 1
	[ "${#S[@]}" -gt 0 ] || kfail "no member ran on the survivors" || return 1
	for log in "${N[@]}"; do
		id=$(awk '$1 == "I" { print $2 ":" $3 ":1"; exit }' "$log")
		[ -n "$id" ] || kfail "$log: no I line" || return 1
		for s in "${S[@]}"; do
			awk -v id="$id" '$1 == "C" { split($0, p, "|"); n = split(p[3], e, " ")
				for (i = 1; i <= n; i++) if (e[i] == id) ok = 1 }
				END { exit !ok }' "$s" || kfail "${s##*/}: no confchg joining $id" || return 1
		done
		echo "every survivor saw $id join"
	done
}

logs() { cl_logs_of "$@" | tr '\n' ' '; }

cl_form "3-node cluster forms" form

# ---- node 3 vanishes under traffic, then comes back
# The survivors' members and the newcomers' are one round: the survivors
# keep sending from before the kill to after the restart.
kill_and_restart() {
	local -a survivors
	# One seed for the round: members check received bytes with it.
	go 21 -z || return 1
	"$CLUSTER" kill 3 || return 1
	cl_forget 3
	read -r -a survivors <<<"$(logs 1 2)"
	cl_until "$CL_STEP" "NODEDOWN of node 3 at the survivors" \
		saw_nodedown 3 "${survivors[@]}" >/dev/null || return 1
	"$CLUSTER" wait -t "$CL_STEP" "1 2" || return 1
	cl_progress 10 "${survivors[@]}" || return 1
	echo "node 3 restarts"
	"$CLUSTER" start 3 && "$CLUSTER" wait -t "$CL_STEP" || return 1
	cl_start 3 2 -e 6 -r 21 -z "${TRAFFIC[@]}"
	# shellcheck disable=SC2046 # one argument per log
	cl_until "$CL_STEP" "the restarted node's members in the full group" \
		cl_all_have '^F$' 1 $(logs 3) || return 1
	cl_progress 10 "${CL_LOGS[@]}"
}
if [ "$CL_FORMED" = 1 ]; then
	cl_round kill
	kill_and_restart >"$CL_DIR/kill.wait" 2>&1
	stop kill $? >>"$CL_DIR/kill.wait" 2>&1
fi
read -r -a S <<<"$(logs 1 2)"	# the survivors
read -r -a N <<<"$(logs 3)"	# the newcomers on the restarted node
cl_case "kill: every member ends well, every byte verified" cl_ended kill
cl_case "kill: the survivors see the dead node's processes leave with NODEDOWN" \
	saw_nodedown 3 "${S[@]}"
cl_case "kill: the survivors deliver the same events (messages, confchgs) in one order" \
	cl_same F "${S[@]}"
cl_case "kill: nothing lost or duplicated among the survivors" cl_complete "${S[@]}" -- "${S[@]}"
cl_case "restart: the survivors see the restarted node's processes join" saw_newcomers
cl_case "restart: all members agree from the last confchg on, nothing of the newcomers lost" \
	eval 'cl_same C "${CL_LOGS[@]}" && cl_complete "${N[@]}" -- "${CL_LOGS[@]}"'
cl_case "restart: one total order at every member, in virtual synchrony" \
	eval 'cl_order "${CL_LOGS[@]}" && cl_vs "${CL_LOGS[@]}"'
cl_case "restart: no ghost of the dead node's processes" cl_no_ghosts "${CL_LOGS[@]}"

# ---- apart and together again: { 1 2 } and { 3 }
# split_and_merge SEED SPLIT MERGE: traffic, then SPLIT (a command): both
# sides go on; then MERGE: one group again.  The first step that fails ends
# the scenario.
split_and_merge() {
	local seed=$1 split=$2 merge=$3
	go "$seed" || return 1
	$split || return 1
	"$CLUSTER" wait -t "$CL_STEP" "1 2" "3" || return 1
	# shellcheck disable=SC2016 # expanded by eval, on each try
	cl_until "$CL_STEP" "NODEDOWN on both sides" eval \
		'saw_nodedown 3 $(logs 1 2) && saw_nodedown 1 $(logs 3)' >/dev/null ||
		return 1
	cl_progress 10 "${CL_LOGS[@]}" || return 1
	while_apart || return 1
	$merge || return 1
	"$CLUSTER" wait -t "$CL_STEP" || return 1
	cl_until "$CL_STEP" "one group of 6 again in every log" \
		cl_all_members_now 6 "${CL_LOGS[@]}" || return 1
	cl_progress 10 "${CL_LOGS[@]}"
}
while_apart() { :; }

# shellcheck disable=SC2046 # one argument per log
both_sides_went_on() {
	cl_delivered_apart 3 $(logs 1 2) && cl_delivered_apart 1 $(logs 3)
}

# Each side stayed together: the same events and every message of its own.
# shellcheck disable=SC2046
sides_whole() {
	cl_same F $(logs 1 2) && cl_same F $(logs 3) &&
		cl_complete $(logs 1 2) -- $(logs 1 2) && cl_complete $(logs 3) -- $(logs 3)
}

merge_checks() {
	local what=$1 name=$2
	cl_case "$what: every member ends well, every byte verified" cl_ended "$name"
	# shellcheck disable=SC2016
	cl_case "$what: each side sees the other leave with NODEDOWN" \
		eval 'saw_nodedown 3 $(logs 1 2) && saw_nodedown 1 $(logs 3)'
	cl_case "$what: both sides keep delivering while apart" both_sides_went_on
	cl_case "$what: each side: the same events in one order, nothing lost or duplicated" \
		sides_whole
	# shellcheck disable=SC2016
	cl_case "$what: merge gives NODEUP on both sides" \
		eval 'saw_nodeup 3 $(logs 1 2) && saw_nodeup 1 $(logs 3)'
	cl_case "$what: one order again from the merged ring on, in virtual synchrony" \
		eval 'cl_same T3 "${CL_LOGS[@]}" && cl_order "${CL_LOGS[@]}" && cl_vs "${CL_LOGS[@]}"'
	cl_case "$what: no ghost members after the merge" cl_no_ghosts "${CL_LOGS[@]}"
}

split_3() { "$CLUSTER" partition "1 2" "3"; }
heal_3() { "$CLUSTER" heal; }
if [ "$CL_FORMED" = 1 ]; then
	cl_round part
	split_and_merge 23 split_3 heal_3 >"$CL_DIR/part.wait" 2>&1
	stop part $? >>"$CL_DIR/part.wait" 2>&1
fi
merge_checks partition part

# ---- kcpgctl down of node 3 under traffic, then up again
# While apart, node 3's members keep sending: its UDP counters must not move.
udp_quiet() {
	local a b alone
	read -r -a alone <<<"$(logs 3)"
	a=$(cl_udp_out n3)
	cl_progress 5 "${alone[@]}" || return 1
	b=$(cl_udp_out n3)
	echo "$a $b" >"$CL_DIR/down.udp"
}
n3_down() { cl_kcpgctl -n n3 down; }
n3_up() { cl_kcpgctl -n n3 up; }
if [ "$CL_FORMED" = 1 ]; then
	cl_round down
	while_apart() { udp_quiet; }
	split_and_merge 24 n3_down n3_up >"$CL_DIR/down.wait" 2>&1
	stop down $? >>"$CL_DIR/down.wait" 2>&1
	while_apart() { :; }
fi
quiet_while_down() {
	local a b
	read -r a b <"$CL_DIR/down.udp" || return 1
	echo "UDP datagrams sent by node 3 while down, as its members kept sending: $((b - a))"
	[ "$a" = "$b" ]
}
merge_checks "kcpgctl down/up" down
cl_case "kcpgctl down: the node sends nothing while down" quiet_while_down

"$CLUSTER" down
cl_test "every namespace of the cluster is freed" cl_settled "the cluster's namespaces to be freed"
kdone
