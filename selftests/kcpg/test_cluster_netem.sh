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

# The token and retransmit tracepoints, in a trace instance of our own.
TR=/sys/kernel/tracing/instances/kcpg-netem
trace_on() {
	rmdir "$TR" 2>/dev/null
	mkdir "$TR" && echo 1 >"$TR/events/kcpg/kcpg_token/enable" &&
		echo 1 >"$TR/events/kcpg/kcpg_retransmit/enable"
}

# The lossy round's trace: the token reached every node, and nodes sent
# messages again.  (The buffer may have wrapped: presence is what counts.)
traced() {
	local n
	[ -f "$TR/trace" ] || kfail "no trace instance $TR" || return 1
	echo 0 >"$TR/tracing_on"
	for n in 1 2 3; do
		grep -q "kcpg_token: node=$n " "$TR/trace" || kfail "no token event on node $n" ||
			return 1
	done
	grep -q "kcpg_retransmit: node=" "$TR/trace" || kfail "no retransmit event" || return 1
	echo "$(grep -c 'kcpg_token:' "$TR/trace") token and" \
		"$(grep -c 'kcpg_retransmit:' "$TR/trace") retransmit events in the buffer"
}

cl_form "3-node cluster forms; netem '$NETEM' on every node" form

[ "$CL_FORMED" = 1 ] && { trace_on || echo "no trace instance" >&2; }
[ "$CL_FORMED" = 1 ] && cl_round_all lossy 2 -m 40 -s 16384 -r 31
cl_case "under loss: 6 members end, every byte verified" cl_ended lossy
cl_case "under loss: one order of messages and confchgs" cl_same F "${CL_LOGS[@]}"
cl_case "under loss: nothing lost or duplicated" cl_complete "${CL_LOGS[@]}" -- "${CL_LOGS[@]}"
cl_case "the loss was repaired by retransmissions" retransmits
cl_case "tracepoints: the token on every node, the retransmissions" traced
rmdir "$TR" 2>/dev/null

[ "$CL_FORMED" = 1 ] && cl_round_all zcb 2 -m 30 -s 65536 -z -r 32
cl_case "zcb rewritten after send under loss: the original bytes arrive, in one order" cl_whole zcb
kdone
