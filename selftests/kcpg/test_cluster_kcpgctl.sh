#!/bin/bash
# kcpgctl against the module's generic-netlink family, in network namespaces
# of their own: defaults of an unconfigured node (and that it sends
# nothing), configuration round trips (IPv4, IPv6), refusals with their
# reasons, permissions, JSON, monitor events (per namespace), groups, and
# 'load' of a cluster file that brings two nodes into one ring.
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/cluster_lib.sh"

NS=(kt-a kt-b kt-c kt-d kt-e)
cleanup_ns() {
	local n
	for n in "${NS[@]}"; do
		# shellcheck disable=SC2046
		kill -9 $(ip netns pids "$n" 2>/dev/null) 2>/dev/null
		ip netns del "$n" 2>/dev/null
	done
	cl_cleanup
}
trap cleanup_ns EXIT

K() { "$KCPGCTL" "$@"; }

# expect_fail PATTERN CMD...: CMD fails with status 1 and says PATTERN.
expect_fail() {
	local pat=$1 out rc
	shift
	out=$("$@" 2>&1)
	rc=$?
	echo "$* -> $rc: $out"
	[ $rc = 1 ] || kfail "status $rc, want 1" || return 1
	echo "$out" | grep -Eq -- "$pat" || kfail "message does not say '$pat'"
}

# Two namespaces joined by a veth pair: $1 = 10.98.0.1/fd98::1, $2 = .2/::2.
pair() {
	ip netns add "$1" && ip netns add "$2" || return 1
	ip -n "$1" link set lo up
	ip -n "$2" link set lo up
	ip link add kv0 netns "$1" type veth peer name kv0 netns "$2" || return 1
	ip -n "$1" addr add 10.98.0.1/24 dev kv0
	ip -n "$1" addr add fd98::1/64 dev kv0 nodad
	ip -n "$2" addr add 10.98.0.2/24 dev kv0
	ip -n "$2" addr add fd98::2/64 dev kv0 nodad
	ip -n "$1" link set kv0 up
	ip -n "$2" link set kv0 up
}

defaults() {
	local st
	ip netns add kt-c || return 1
	st=$(K -n kt-c status) || return 1
	echo "$st"
	echo "$st" | grep -q '^node 1 state down' || kfail "not node 1, down" || return 1
	echo "$st" | grep -qx 'members 1' || kfail "not a ring of itself" || return 1
	[ -z "$(K -n kt-c peer)" ] || kfail "peers on an unconfigured node" || return 1
	[ -z "$(K -n kt-c groups)" ] || kfail "groups on an idle node" || return 1
	[ "$(K -n kt-c -j status | jq -r .state)" = down ] || kfail "-j status: state not down"
}

# A local group in a namespace that was never configured: it works, and not
# one datagram leaves the namespace.
single_node_default() {
	local pids=() logs=() k
	ip -n kt-c link set lo up
	for k in 1 2; do
		ip netns exec kt-c "$MEMBER" -o "$CL_DIR/alone.$k.log" -e 2 -m 30 -t "$CL_TIMEOUT" \
			>/dev/null 2>&1 </dev/null &
		pids+=($!)
		logs+=("$CL_DIR/alone.$k.log")
	done
	for k in "${pids[@]}"; do wait "$k" || kfail "a member failed: $(tail -n 1 "${logs[0]}")"; done
	cl_ok "${logs[@]}" && cl_same F "${logs[@]}" || return 1
	echo "pkts_sent $(cl_stat_ns kt-c pkts_sent), UDP datagrams out $(cl_udp_out kt-c)"
	[ "$(cl_stat_ns kt-c pkts_sent)" = 0 ] || kfail "the core sent packets" || return 1
	[ "$(cl_udp_out kt-c)" = 0 ] || kfail "UDP datagrams left the namespace"
}
cl_stat_ns() { K -n "$1" stats | awk -v k="$2" '$1 == k { print $2 }'; }

round_trip_v4() {
	local st peers
	K -n kt-a node set id 7 addr 10.98.0.1 port 6000 token 2000 mtu 1200 || return 1
	K -n kt-a peer add id 8 addr 10.98.0.2 port 6001 || return 1
	K -n kt-a peer add id 9 addr 10.98.0.9 || return 1
	st=$(K -n kt-a status) && peers=$(K -n kt-a peer) || return 1
	echo "$st"; echo "$peers"
	echo "$st" | grep -q '^node 7 state down addr 10.98.0.1 port 6000 .*mtu 1200 token 2000ms' ||
		kfail "status does not show what was set" || return 1
	echo "$peers" | grep -qx 'peer 8 addr 10.98.0.2 port 6001 tx 0 rx 0 drop 0' ||
		kfail "peer 8 not as added" || return 1
	echo "$peers" | grep -qx 'peer 9 addr 10.98.0.9 port 5420 tx 0 rx 0 drop 0' ||
		kfail "peer 9 without the default port" || return 1
	[ "$(K -n kt-a -j peer | jq length)" = 2 ] || kfail "-j peer: not 2 peers" || return 1
	K -n kt-a peer del id 9 || return 1
	[ "$(K -n kt-a -j peer | jq -r '.[].nodeid')" = 8 ] || kfail "peer 9 not deleted"
}

round_trip_v6() {
	K -n kt-b node set id 2 addr fd98::2 || return 1
	K -n kt-b peer add id 1 addr fd98::1 || return 1
	K -n kt-b status | grep -q '^node 2 state down addr fd98::2 ' || kfail "IPv6 address not shown" ||
		return 1
	[ "$(K -n kt-b -j peer | jq -r '.[0].addr')" = fd98::1 ] || kfail "IPv6 peer not shown"
}

refusals() {
	expect_fail 'no such peer' K -n kt-a peer del id 99 || return 1
	expect_fail 'peer exists' K -n kt-a peer add id 8 addr 10.98.0.8 || return 1
	expect_fail "own id" K -n kt-a peer add id 7 addr 10.98.0.7 || return 1
	expect_fail 'out of range' K -n kt-a node set token 5 || return 1
	# IPv6 peer of an IPv4 node: refused when it would matter, at up.
	K -n kt-a peer add id 10 addr fd98::10 || return 1
	expect_fail 'differ in family' K -n kt-a up || return 1
	K -n kt-a peer del id 10
}

refused_while_up() {
	K -n kt-b up || return 1
	expect_fail 'node is up' K -n kt-b node set token 3000 || return 1
	expect_fail 'node is up' K -n kt-b peer add id 3 addr fd98::3 || return 1
	expect_fail 'node is up' K -n kt-b peer del id 1 || return 1
	printf 'nodelist {\n node {\n  nodeid: 2\n  ring0_addr: fd98::2\n }\n}\n' >"$CL_DIR/b.conf"
	expect_fail 'the node is up' K -n kt-b load "$CL_DIR/b.conf" || return 1
	K -n kt-b down
}

id_change_with_handles() {
	local pid ok=0
	# A process with a handle (waiting in its group for a second member).
	ip netns exec kt-b "$MEMBER" -o "$CL_DIR/h.log" -e 2 -t 60 >/dev/null 2>&1 </dev/null &
	pid=$!
	cl_until 60 "the handle to be set up" cl_all_have '^C ' 1 "$CL_DIR/h.log" &&
		expect_fail 'handles are open' K -n kt-b node set id 5 && ok=1
	kill "$pid"
	wait "$pid" 2>/dev/null
	[ $ok = 1 ] || return 1
	K -n kt-b status | grep -q '^node 2 ' || kfail "node id changed anyway"
}

permissions() {
	local nobody=(setpriv --reuid=65534 --regid=65534 --clear-groups --inh-caps=-all)
	command -v setpriv >/dev/null || { echo "no setpriv"; return 0; }
	"${nobody[@]}" "$KCPGCTL" status >/dev/null || kfail "reading refused to an unprivileged user" ||
		return 1
	expect_fail 'CAP_NET_ADMIN' "${nobody[@]}" "$KCPGCTL" node set id 3
}

json_everywhere() {
	local c
	for c in status peer groups stats; do
		K -n kt-a -j $c | jq -e . >/dev/null || kfail "-j $c is not JSON" || return 1
	done
	[ "$(K -n kt-a -j stats | jq '.pkts_sent')" = 0 ] || kfail "-j stats: no pkts_sent"
}

groups_listed() {
	local pid out
	ip netns exec kt-d "$MEMBER" -o "$CL_DIR/g.log" -e 2 -g "grp one" -t 60 \
		>/dev/null 2>&1 </dev/null &
	pid=$!
	cl_until 60 "the member in its group" cl_all_have '^C ' 1 "$CL_DIR/g.log" || return 1
	out=$(K -n kt-d groups)
	echo "$out"
	kill "$pid"
	wait "$pid" 2>/dev/null
	echo "$out" | grep -qx 'group grp\\x20one members 1' || kfail "group not listed" || return 1
	echo "$out" | grep -qx "    node 1 pid $pid" || kfail "member not listed"
}

# Whether monitor output FILE has its first line: from then on no change
# can be missed.
listening() { [ -s "$1" ]; }

# The events show the pair {1,2}, then node 1 alone again.
alone_after_pair() {
	awk '/^membership .*members 1 2$/ { pair = 1 } pair && /^membership .*members 1$/ { ok = 1 }
	     END { exit !ok }' "$1"
}

monitor_events() {
	local ma me ok=0
	K -n kt-a down
	K -n kt-a node set id 1 addr 10.98.0.1 port 5420 && K -n kt-a peer del id 8 &&
		K -n kt-a peer add id 2 addr 10.98.0.2 || return 1
	K -n kt-b node set id 2 addr 10.98.0.2 && K -n kt-b peer del id 1 &&
		K -n kt-b peer add id 1 addr 10.98.0.1 || return 1
	ip netns add kt-e || return 1
	K -n kt-a monitor >"$CL_DIR/mon.a" 2>&1 </dev/null &
	ma=$!
	K -n kt-e -j monitor >"$CL_DIR/mon.e" 2>&1 </dev/null &
	me=$!
	if cl_until 30 "both monitors listening" eval 'listening "$CL_DIR/mon.a" && listening "$CL_DIR/mon.e"' &&
	   K -n kt-a up && K -n kt-b up &&
	   cl_until 120 "an event with members 1 2 in kt-a" grep -q '^membership .* members 1 2$' "$CL_DIR/mon.a" &&
	   K -n kt-b down &&
	   cl_until 120 "an event with member 1 alone, after" alone_after_pair "$CL_DIR/mon.a"; then
		ok=1
	fi
	kill "$ma" "$me" 2>/dev/null
	wait "$ma" "$me" 2>/dev/null
	echo "kt-a saw:"; sed 's/^/  /' "$CL_DIR/mon.a"
	echo "kt-e saw:"; sed 's/^/  /' "$CL_DIR/mon.e"
	[ $ok = 1 ] || return 1
	head -n 1 "$CL_DIR/mon.a" | grep -q '^current ring rep 1 seq [0-9]* members 1$' ||
		kfail "monitor does not start with the current ring" || return 1
	# kt-e only ever has its own starting line, as JSON.
	[ "$(wc -l <"$CL_DIR/mon.e")" = 1 ] || kfail "another namespace got kt-a's events" || return 1
	[ "$(jq -r .event "$CL_DIR/mon.e")" = current ] || kfail "-j monitor: not JSON events"
}

load_file() {
	local f="$CL_DIR/two.conf" st
	K -n kt-a down
	K -n kt-b down
	cat >"$f" <<-CONF
	# two namespaces
	totem {
	    cluster_name: pair
	    token: 1500
	    interface {
	        mcastport: 5430
	    }
	}
	logging {
	    to_syslog: no
	}
	nodelist {
	    node {
	        nodeid: 11
	        ring0_addr: 10.98.0.1
	    }
	    node {
	        nodeid: 12
	        ring0_addr: 10.98.0.2
	    }
	}
	CONF
	ip netns exec kt-a "$KCPGCTL" load "$f" || return 1
	ip netns exec kt-b "$KCPGCTL" load "$f" || return 1
	st=$(K -n kt-a status)
	echo "$st"
	echo "$st" | grep -q '^node 11 state up addr 10.98.0.1 port 5430 .*token 1500ms' ||
		kfail "node 11 not configured from the file" || return 1
	[ "$(K -n kt-a peer | awk '{print $2, $4, $6}')" = "12 10.98.0.2 5430" ] ||
		kfail "peers are not exactly the file's other node" || return 1
	expect_fail 'the node is up' ip netns exec kt-a "$KCPGCTL" load "$f" || return 1
	cl_until 120 "a ring of 11 and 12" eval \
		'K -n kt-a status | grep -qx "members 11 12" && K -n kt-b status | grep -qx "members 11 12"'
}

cl_test "tools are built" cl_have_tools
cl_test "unconfigured namespace: node 1, down, a ring of itself, no peers" defaults
cl_test "single-node default: a local group works, nothing is sent" single_node_default
cl_test "set up two namespaces joined by veth" pair kt-a kt-b
cl_test "node set / peer add / peer del round trip (IPv4)" round_trip_v4
cl_test "IPv6 node and peer" round_trip_v6
cl_test "refusals name their reason" refusals
cl_test "configuration refused while the node is up" refused_while_up
cl_test "node id change refused while a handle is open" id_change_with_handles
cl_test "changes need CAP_NET_ADMIN, reading does not" permissions
cl_test "-j output of every show command is JSON" json_everywhere
ip netns add kt-d
cl_test "groups lists a group and its member" groups_listed
cl_test "monitor: membership events, only of its own namespace" monitor_events
cl_test "load: a cluster file configures each node and brings it up" load_file
kdone
