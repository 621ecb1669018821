#!/bin/bash
# Three nodes whose every datagram may be lost (10%) or overtaken (10% sent
# ahead of the others, delayed 2 ms): nothing lost, duplicated or reordered
# for the applications, and zero-copy sends whose buffers are rewritten right
# after each call still deliver the original bytes (retransmissions included).
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/cluster_lib.sh"

NETEM="delay 2ms reorder 10% loss 10%"

form() {
	cl_have_tools || return 1
	"$CLUSTER" up 3 && "$CLUSTER" netem all "$NETEM"
}

retransmits() {
	local n total=0 r
	for n in 1 2 3; do
		r=$(cl_stat "$n" retransmits)
		echo "node $n: ${r:-?} retransmits, $(cl_stat "$n" pkts_sent) datagrams sent"
		total=$((total + ${r:-0}))
	done
	# Proof that the loss was real and repaired, not that the test was lucky.
	[ $total -gt 0 ]
}

cl_form "3-node cluster forms; netem '$NETEM' on every node" form

[ "$CL_FORMED" = 1 ] && cl_round_all lossy 2 -m 40 -s 16384 -r 31
cl_case "under loss: 6 members end, every byte verified" cl_ended lossy
cl_case "under loss: one order of messages and confchgs" cl_same F "${CL_LOGS[@]}"
cl_case "under loss: nothing lost or duplicated" cl_complete "${CL_LOGS[@]}" -- "${CL_LOGS[@]}"
cl_case "the loss was repaired by retransmissions" retransmits

[ "$CL_FORMED" = 1 ] && cl_round_all zcb 2 -m 30 -s 65536 -z -r 32
cl_case "zcb rewritten after send under loss: the original bytes arrive, in one order" cl_whole zcb
kdone
