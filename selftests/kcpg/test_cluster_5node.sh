#!/bin/bash
# Five nodes over IPv6, each configured by 'kcpgctl load' of one cluster file
# (every node finds itself by its address): one ring, and one order of
# messages and configuration changes at every member.
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/cluster_lib.sh"

NODES="1 2 3 4 5"

ccase() {
	if [ "$formed" = 1 ]; then cl_test "$@"; else kskip "$1" "the 5-node cluster did not form"; fi
}

form() {
	cl_have_tools || return 1
	"$CLUSTER" up -6 -f 5 || return 1
	"$CLUSTER" exec 3 "$KCPGCTL" status
}

ended() {
	cat "$CL_DIR/$1.wait"
	[ "$(cat "$CL_DIR/$1.rc")" = 0 ] && cl_ok "${CL_LOGS[@]}"
}

on_ipv6() {
	local n
	for n in $NODES; do
		"$KCPGCTL" -n "n$n" status | grep -q "^node $n state up addr fd99::$n " ||
			kfail "node $n is not up on fd99::$n" || return 1
	done
}

formed=0
cl_test "5 namespaces loading one cluster file over IPv6 form one ring" form
"$CLUSTER" wait -t 5 >/dev/null 2>&1 && formed=1
ccase "every node runs on its IPv6 address" on_ipv6

if [ $formed = 1 ]; then
	cl_round five
	for n in $NODES; do cl_start "$n" 1 -e 5 -m 20 -s 65536 -r 51; done
	cl_wait_exit >"$CL_DIR/five.wait" 2>&1
	echo $? >"$CL_DIR/five.rc"
fi
ccase "5 members end, every byte verified" ended five
ccase "one order of messages and confchgs at every member" cl_same F "${CL_LOGS[@]}"
ccase "nothing lost or duplicated" cl_complete "${CL_LOGS[@]}" -- "${CL_LOGS[@]}"
kdone
