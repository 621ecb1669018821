#!/bin/bash
# Three nodes (network namespaces, kcpg over UDP): one total order.
#
# Two member processes per node join one group and send messages of random
# sizes; every member logs every event in the order it gets it.  Agreed
# order means the logs are identical from the moment the group is complete;
# every member checks each byte it receives against what the sender made.
# Then the same with messages up to 1 MiB, with SAFE delivery, and with
# zero-copy sends whose buffers are overwritten as soon as the call returns.
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/cluster_lib.sh"

NODES="1 2 3"

form() {
	cl_have_tools || return 1
	"$CLUSTER" up 3 || return 1
	"$CLUSTER" status
}

# A case that needs the cluster: skipped (with the reason) when it never formed.
ccase() {
	if [ "$formed" = 1 ]; then cl_test "$@"; else kskip "$1" "the 3-node cluster did not form"; fi
}

# round NAME ARGS...: two members per node with ARGS; waits for all of them.
round() {
	local name=$1 n
	shift
	cl_round "$name"
	for n in $NODES; do cl_start "$n" 2 -e 6 "$@"; done
	cl_wait_exit >"$CL_DIR/$name.wait" 2>&1
	echo $? >"$CL_DIR/$name.rc"
}

# ended NAME: the round's members all finished well (their exit and their logs).
ended() {
	cat "$CL_DIR/$1.wait"
	[ "$(cat "$CL_DIR/$1.rc")" = 0 ] && cl_ok "${CL_LOGS[@]}"
}

formed=0
cl_test "3 namespaces configured with kcpgctl form one ring" form
"$CLUSTER" wait -t 5 >/dev/null 2>&1 && formed=1

[ $formed = 1 ] && round agreed -m 30 -s 65536 -r 11
ccase "agreed: 6 members end, every byte of every message verified" ended agreed
ccase "agreed: every member delivers the messages in one order" cl_same_kind DE "${CL_LOGS[@]}"
ccase "agreed: nothing lost, duplicated or reordered per sender" \
	cl_complete "${CL_LOGS[@]}" -- "${CL_LOGS[@]}"
ccase "confchg and totem confchg sequences identical on every member" \
	cl_same_kind CT "${CL_LOGS[@]}"
ccase "messages and configuration changes form one stream" cl_same F "${CL_LOGS[@]}"

[ $formed = 1 ] && round big -m 4 -s 1048576 -B 2 -r 12
ccase "1 MiB messages: delivered whole, in one order" \
	eval 'ended big && cl_same F "${CL_LOGS[@]}" && cl_complete "${CL_LOGS[@]}" -- "${CL_LOGS[@]}"'

[ $formed = 1 ] && round safe -m 15 -s 16384 -G safe -r 13
ccase "safe delivery: one order, nothing lost" \
	eval 'ended safe && cl_same F "${CL_LOGS[@]}" && cl_complete "${CL_LOGS[@]}" -- "${CL_LOGS[@]}"'

[ $formed = 1 ] && round zcb -m 20 -s 65536 -z -r 14
ccase "zero copy, buffer rewritten after each send: receivers get the original bytes" \
	eval 'ended zcb && cl_same F "${CL_LOGS[@]}" && cl_complete "${CL_LOGS[@]}" -- "${CL_LOGS[@]}"'

peer_counters() {
	local n out
	for n in $NODES; do
		out=$("$KCPGCTL" -n "n$n" peer)
		echo "$out" | sed "s/^/n$n: /"
		# Both peers of every node, each with traffic both ways.
		[ "$(echo "$out" | awk '$1 == "peer" && $8 > 0 && $10 > 0' | wc -l)" = 2 ] ||
			kfail "node $n: expected 2 peers with tx and rx > 0"
	done
}
ccase "kcpgctl peer: per-peer datagram counters on every node" peer_counters

kdone
