#!/bin/bash
# A deleted network namespace is really freed, kcpg's instance with it.
#
# Two nodes (namespaces) in one ring, members of both sending zero-copy
# messages (open handles, mapped pools, traffic in flight); node 2 vanishes:
# its link and namespace are deleted and its processes killed.  Nothing is
# left that may legitimately hold the namespace, so the kernel must run its
# pernet exits, kcpg's included, which lowers the module's count of live
# instances (/sys/module/kcpg/parameters/instances).  Were the instance, its
# socket or anything else of kcpg's to hold a reference to its own
# namespace, the exit would never run and the count would stay up: the
# wait below is a hang guard, not a timing check.
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/cluster_lib.sh"

# The namespaces are counted with cl_settled (cluster_lib.sh).
counted() { cl_settled "one instance per namespace before the test"; }

# Two namespaces and their instances are counted; then they form a ring.
form() {
	local before after
	cl_have_tools || return 1
	before=$(cat "$CL_INSTANCES")
	"$CLUSTER" up 2 || return 1
	after=$(cat "$CL_INSTANCES")
	echo "instances: $before before, $after with the cluster's 3 namespaces"
	[ "$after" -ge $((before + 3)) ] || kfail "new namespaces are not counted"
}

# Members on both nodes with traffic, then node 2 is deleted under it.
# Runs outside ktest (a subshell), which would forget the members.
vanish() {
	rm -f "$CL_DIR/stop"
	cl_start 1 1 -e 2 -S "$CL_DIR/stop" -z -s 65536 -r 61
	cl_start 2 1 -e 2 -S "$CL_DIR/stop" -z -s 65536 -r 61
	cl_until "$CL_STEP" "both members in the group" cl_all_have '^F$' 1 "${CL_LOGS[@]}" &&
		cl_progress 10 "${CL_LOGS[@]}" || return 1
	echo "node 2 vanishes after $(cl_counts '^D ' "${CL_LOGS[1]}") deliveries there"
	"$CLUSTER" kill 2 || return 1
	cl_forget 2
	# The survivor sees node 2 go: the ring that held the instance is gone.
	cl_until "$CL_STEP" "NODEDOWN of node 2 at node 1" \
		cl_saw 2 2 3 "${CL_LOGS[@]}" >/dev/null
}

ran() {
	cat "$CL_DIR/$1.run"
	[ "$(cat "$CL_DIR/$1.rc")" = 0 ]
}

freed() {
	cl_settled "node 2's namespace to be freed" || return 1
	! [ -e /run/netns/n2 ] || kfail "n2 still named"
}

# The survivor stops sending and ends (waited for outside ktest: a subshell
# cannot wait for the members).
stop_survivor() {
	touch "$CL_DIR/stop"
	[ ${#CL_LOGS[@]} = 1 ] || kfail "not one survivor: ${CL_LOGS[*]}" || return 1
	cl_wait_exit
}

cl_test "one kcpg instance per namespace, counted" counted
cl_form "two namespaces form a ring; their instances are counted" form
if [ "$CL_FORMED" = 1 ]; then
	cl_round vanish
	vanish >"$CL_DIR/vanish.run" 2>&1
	echo $? >"$CL_DIR/vanish.rc"
fi
cl_case "node 2's namespace deleted under zero-copy traffic: node 1 sees NODEDOWN" \
	ran vanish
cl_case "the deleted namespace is freed: its instance's pernet exit ran" freed
if [ "$CL_FORMED" = 1 ]; then
	stop_survivor >"$CL_DIR/survivor.run" 2>&1
	echo $? >"$CL_DIR/survivor.rc"
fi
cl_case "the survivor ends well" eval 'ran survivor && cl_ok "${CL_LOGS[@]}"'
"$CLUSTER" down
cl_test "the whole cluster's namespaces are freed" cl_settled "every namespace of the cluster freed"
kdone
