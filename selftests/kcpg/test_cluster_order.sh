#!/bin/bash
# Three nodes (network namespaces, kcpg over UDP): one total order.
#
# Two member processes per node join one group and send messages of random
# sizes; every member logs every event in the order it gets it.  Agreed
# order means the logs are identical from the moment the group is complete;
# every member checks each byte it receives against what the sender made.
# Then the same with messages up to 1 MiB, with SAFE delivery, and with
# zero-copy sends whose buffers are overwritten as soon as the call returns,
# and the same program built as a corosync application against Debian's
# libcpg.so.4, run unchanged on every node with our compat library.
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/cluster_lib.sh"

NODES="1 2 3"

form() {
	cl_have_tools || return 1
	"$CLUSTER" up 3 || return 1
	"$CLUSTER" status
}

cl_form "3 namespaces configured with kcpgctl form one ring" form

[ "$CL_FORMED" = 1 ] && cl_round_all agreed 2 -m 30 -s 65536 -r 11
cl_case "agreed: 6 members end, every byte of every message verified" cl_ended agreed
cl_case "agreed: every member delivers the messages in one order" cl_same_kind DE "${CL_LOGS[@]}"
cl_case "agreed: nothing lost, duplicated or reordered per sender" \
	cl_complete "${CL_LOGS[@]}" -- "${CL_LOGS[@]}"
cl_case "confchg and totem confchg sequences identical on every member" \
	cl_same_kind CT "${CL_LOGS[@]}"
cl_case "messages and configuration changes form one stream" cl_same F "${CL_LOGS[@]}"

[ "$CL_FORMED" = 1 ] && cl_round_all big 2 -m 4 -s 1048576 -B 2 -r 12
cl_case "1 MiB messages: delivered whole, in one order" cl_whole big

[ "$CL_FORMED" = 1 ] && cl_round_all safe 2 -m 15 -s 16384 -G safe -r 13
cl_case "safe delivery: one order, nothing lost" cl_whole safe

[ "$CL_FORMED" = 1 ] && cl_round_all zcb 2 -m 20 -s 65536 -z -r 14
cl_case "zero copy, buffer rewritten after each send: receivers get the original bytes" cl_whole zcb

# cluster_member built against the system's corosync headers and Debian's
# libcpg.so.4 (cluster.mk): run-tests puts our compat libcpg.so.4 first on
# the library path, as an operator would with an existing application.
COROSYNC_MEMBER=$KTOP/selftests/kcpg/cluster_member_corosync

# It is a corosync build (it needs libcpg.so.4 with corosync's symbol
# versions, nothing of ours, and has no library path of its own), and on
# every node the dynamic linker resolves it to this checkout's compat
# library.
corosync_binary() {
	local dyn n lib ours
	[ -x "$COROSYNC_MEMBER" ] || kfail "$COROSYNC_MEMBER not built" || return 1
	dyn=$(readelf -dW "$COROSYNC_MEMBER")
	echo "$dyn" | grep -q 'NEEDED.*\[libcpg\.so\.4\]' || kfail "does not need libcpg.so.4" || return 1
	! echo "$dyn" | grep -Eq 'kshim|RPATH|RUNPATH' || kfail "linked with something of ours" || return 1
	readelf -VW "$COROSYNC_MEMBER" | grep -q COROSYNC_CPG_1.0 ||
		kfail "no corosync symbol versions" || return 1
	ours=$(realpath "$KTOP/ulib/libcpg.so.4")
	for n in $NODES; do
		lib=$("$CLUSTER" exec "$n" env LD_TRACE_LOADED_OBJECTS=1 "$COROSYNC_MEMBER" |
		      awk '$1 == "libcpg.so.4" { print $3 }')
		echo "node $n: libcpg.so.4 => $lib"
		[ -n "$lib" ] && [ "$(realpath "$lib")" = "$ours" ] ||
			kfail "node $n would not load $ours" || return 1
	done
}
cl_case "a corosync binary (Debian's libcpg.so.4) resolves to our compat library on every node" \
	corosync_binary
[ "$CL_FORMED" = 1 ] && CL_BIN=$COROSYNC_MEMBER cl_round_all corosync 2 -m 20 -s 65536 -r 15
cl_case "the corosync binary on 3 nodes: one order, every byte and checksum verified" \
	cl_whole corosync

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
cl_case "kcpgctl peer: per-peer datagram counters on every node" peer_counters

kdone
