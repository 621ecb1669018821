#!/bin/bash
# Three nodes whose every datagram may be lost (10%) or overtaken (10% sent
# ahead of the others, delayed 2 ms): nothing lost, duplicated or reordered
# for the applications, and zero-copy sends whose buffers are rewritten right
# after each call still deliver the original bytes (retransmissions included).
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/cluster_lib.sh"

NETEM="delay 2ms reorder 10% loss 10%"

ccase() {
	if [ "$formed" = 1 ]; then cl_test "$@"; else kskip "$1" "the 3-node cluster did not form"; fi
}

form() {
	cl_have_tools || return 1
	"$CLUSTER" up 3 && "$CLUSTER" netem all "$NETEM"
}

round() {
	local name=$1 n
	shift
	cl_round "$name"
	for n in 1 2 3; do cl_start "$n" 2 -e 6 "$@"; done
	cl_wait_exit >"$CL_DIR/$name.wait" 2>&1
	echo $? >"$CL_DIR/$name.rc"
}

ended() {
	cat "$CL_DIR/$1.wait"
	[ "$(cat "$CL_DIR/$1.rc")" = 0 ] && cl_ok "${CL_LOGS[@]}"
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

formed=0
cl_test "3-node cluster forms; netem '$NETEM' on every node" form
"$CLUSTER" wait -t 5 >/dev/null 2>&1 && formed=1

[ $formed = 1 ] && round lossy -m 40 -s 16384 -r 31
ccase "under loss: 6 members end, every byte verified" ended lossy
ccase "under loss: one order of messages and confchgs" cl_same F "${CL_LOGS[@]}"
ccase "under loss: nothing lost or duplicated" cl_complete "${CL_LOGS[@]}" -- "${CL_LOGS[@]}"
ccase "the loss was repaired by retransmissions" retransmits

[ $formed = 1 ] && round zcb -m 30 -s 65536 -z -r 32
ccase "zcb rewritten after send under loss: the original bytes arrive, in one order" \
	eval 'ended zcb && cl_same F "${CL_LOGS[@]}" && cl_complete "${CL_LOGS[@]}" -- "${CL_LOGS[@]}"'
kdone
