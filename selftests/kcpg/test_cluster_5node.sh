#!/bin/bash
# Five nodes over IPv6, each configured by 'kcpgctl load' of one cluster file
# (every node finds itself by its address): one ring, and one order of
# messages and configuration changes at every member.
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/cluster_lib.sh"

NODES="1 2 3 4 5"

form() {
	cl_have_tools || return 1
	"$CLUSTER" up -6 -f 5 || return 1
	"$CLUSTER" exec 3 "$KCPGCTL" status
}

on_ipv6() {
	local n
	for n in $NODES; do
		"$KCPGCTL" -n "n$n" status | grep -q "^node $n state up addr fd99::$n " ||
			kfail "node $n is not up on fd99::$n" || return 1
	done
}

cl_form "5 namespaces loading one cluster file over IPv6 form one ring" form
cl_case "every node runs on its IPv6 address" on_ipv6

if [ "$CL_FORMED" = 1 ]; then
	cl_round_all five 1 -m 20 -s 65536 -r 51
fi
cl_case "5 members end, every byte verified" cl_ended five
cl_case "one order of messages and confchgs at every member" cl_same F "${CL_LOGS[@]}"
cl_case "nothing lost or duplicated" cl_complete "${CL_LOGS[@]}" -- "${CL_LOGS[@]}"
kdone
