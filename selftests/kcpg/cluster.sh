#!/bin/bash
# cluster.sh: a kcpg cluster of network namespaces on one kernel (run as root
# inside the test VM).  Node I is namespace nI with eth0 = 10.99.0.I/24 and
# fd99::I/64, its veth peer vI on a bridge in namespace kc-hub; the kcpg node
# of nI has node id I and every other node as a peer.
#
#   cluster.sh up [-6] [-f] [-t SEC] N   create n1..nN, configure, bring up, wait
#                                        for one ring of all N nodes
#         -6      the cluster runs over IPv6 (fd99::I) instead of IPv4
#         -f      configure with 'kcpgctl load FILE' (each node finds itself
#                 by its address) instead of node set / peer add / up
#         -t SEC  how long to wait for the ring (default $CLUSTER_TIMEOUT or 120)
#   cluster.sh exec I CMD...             run CMD in node I's namespace
#   cluster.sh kill I                    node I vanishes: its link is deleted,
#                                        its processes killed, its namespace
#                                        deleted
#   cluster.sh start I                   recreate a killed node I and bring it
#                                        up (no wait: use 'wait')
#   cluster.sh partition "1 2" "3" ...   only nodes of the same set can talk
#   cluster.sh heal                      everyone can talk again
#   cluster.sh netem I|all "ARGS"        netem on what node I sends ("loss 10%
#                                        reorder 5% delay 1ms"); "off" removes it
#   cluster.sh wait [-t SEC] ["1 2" "3"] wait until each set (default: all
#                                        live nodes) is one ring of exactly its
#                                        nodes, the same ring id on each
#   cluster.sh status                    kcpgctl status of every live node
#   cluster.sh nodes                     the live node numbers
#   cluster.sh down                      remove everything
#
# Extra settings for every node: CLUSTER_NODE_OPTS="token 1000 join 50 ...".
# Waits are bounded and fail with the nodes' status, never with a guess.
set -u

here=$(cd "$(dirname "$0")" && pwd)
top=$(cd "$here/../.." && pwd)
KCPGCTL=${KCPGCTL:-$top/tools/kcpgctl/kcpgctl}
STATE=${CLUSTER_STATE:-/run/kcpg-cluster}
HUB=kc-hub
BR=br0
PORT=5420

die() { echo "cluster.sh: $*" >&2; exit 1; }
ns() { echo "n$1"; }
hubx() { ip netns exec "$HUB" "$@"; }
addr4() { echo "10.99.0.$1"; }
addr6() { echo "fd99::$1"; }

state_get() { cat "$STATE/$1" 2>/dev/null; }
state_set() { mkdir -p "$STATE" && echo "$2" >"$STATE/$1"; }

# Live nodes: created and not killed.
nodes() {
	local n i
	n=$(state_get size) || return 0
	for i in $(seq 1 "$n"); do
		[ -e "$STATE/killed.$i" ] || echo "$i"
	done
}

node_addr() {
	if [ "$(state_get family)" = 6 ]; then addr6 "$1"; else addr4 "$1"; fi
}

check_node() {
	local i=$1
	case "$i" in ''|*[!0-9]*) die "bad node number '$i'" ;; esac
	[ "$i" -ge 1 ] && [ "$i" -le "$(state_get size || echo 0)" ] ||
		die "no node $i (cluster of $(state_get size || echo 0))"
}

# The namespace, its link to the hub and both addresses.
make_netns() {
	local i=$1 n
	n=$(ns "$i")
	ip netns add "$n" || return 1
	ip -n "$n" link set lo up
	ip link add "v$i" netns "$HUB" type veth peer name eth0 netns "$n" || return 1
	ip -n "$n" addr add "$(addr4 "$i")/24" dev eth0
	# nodad: the address is usable at once, no duplicate detection wait.
	ip -n "$n" addr add "$(addr6 "$i")/64" dev eth0 nodad
	ip -n "$n" link set eth0 up
	ip -n "$HUB" link set "v$i" master "$BR" up
}

# node set / peer add for node i of n (not up yet).
configure_node() {
	local i=$1 n=$2 j
	# shellcheck disable=SC2086
	"$KCPGCTL" -n "$(ns "$i")" node set id "$i" addr "$(node_addr "$i")" port "$PORT" \
		${CLUSTER_NODE_OPTS:-} || return 1
	for j in $(seq 1 "$n"); do
		[ "$j" = "$i" ] && continue
		"$KCPGCTL" -n "$(ns "$i")" peer add id "$j" addr "$(node_addr "$j")" port "$PORT" ||
			return 1
	done
}

# The cluster file 'up -f' loads: no local_nodeid, each node finds itself.
write_cluster_file() {
	local n=$1 f=$2 i opt val
	{
		echo "# kcpg cluster of $n namespaces (cluster.sh)"
		echo "totem {"
		echo "    cluster_name: kcpg-selftest"
		echo "    port: $PORT"
		set -- ${CLUSTER_NODE_OPTS:-}
		while [ $# -ge 2 ]; do
			opt=$1 val=$2
			shift 2
			[ "$opt" = mtu ] && opt=netmtu
			echo "    $opt: $val"
		done
		echo "}"
		echo "nodelist {"
		for i in $(seq 1 "$n"); do
			echo "    node {"
			echo "        nodeid: $i"
			echo "        ring0_addr: $(node_addr "$i")"
			echo "    }"
		done
		echo "}"
	} >"$f"
}

bring_up() {
	local i=$1
	if [ "$(state_get method)" = file ]; then
		ip netns exec "$(ns "$i")" "$KCPGCTL" load "$STATE/cluster.conf"
	else
		"$KCPGCTL" -n "$(ns "$i")" up
	fi
}

# "rep:seq m1 m2 ..." of node i, or nothing.
ring_of() {
	"$KCPGCTL" -n "$(ns "$1")" status 2>/dev/null | awk '
		/^ring / { ring = $3 ":" $5 }
		/^members/ { $1 = ""; members = $0 }
		END { if (ring != "") print ring members }'
}

# Whether every node of the set (a list) shows a ring of exactly the set.
set_formed() {
	local want first="" i r ids
	want=$(echo $1 | tr ' ' '\n' | sort -n | tr '\n' ' ' | sed 's/ $//')
	for i in $1; do
		r=$(ring_of "$i")
		[ -n "$r" ] || return 1
		ids=$(echo "${r#* }" | tr ' ' '\n' | sed '/^$/d' | sort -n | tr '\n' ' ' | sed 's/ $//')
		[ "$ids" = "$want" ] || return 1
		[ -z "$first" ] && first=${r%% *}
		[ "${r%% *}" = "$first" ] || return 1
	done
	return 0
}

show_status() {
	local i
	for i in $(nodes); do
		echo "--- node $i:"
		"$KCPGCTL" -n "$(ns "$i")" status 2>&1 | sed 's/^/    /'
		"$KCPGCTL" -n "$(ns "$i")" peer 2>&1 | sed 's/^/    /'
	done
}

cmd_wait() {
	local timeout=${CLUSTER_TIMEOUT:-120} sets=() s ok start
	if [ "${1:-}" = -t ]; then
		timeout=$2
		shift 2
	fi
	if [ $# = 0 ]; then
		sets=("$(nodes | tr '\n' ' ')")
	else
		sets=("$@")
	fi
	start=$(date +%s)
	while :; do
		ok=1
		for s in "${sets[@]}"; do
			set_formed "$s" || { ok=0; break; }
		done
		[ $ok = 1 ] && return 0
		if [ $(($(date +%s) - start)) -ge "$timeout" ]; then
			echo "cluster.sh: no ring of {$(printf '%s} {' "${sets[@]}" | sed 's/ {$//') after ${timeout}s; the nodes say:" >&2
			show_status >&2
			return 1
		fi
		sleep 0.5
	done
}

cmd_up() {
	local family=4 method=cmd timeout=${CLUSTER_TIMEOUT:-120} n i
	while [ $# -gt 0 ]; do
		case "$1" in
		-6) family=6 ;;
		-f) method="file" ;;
		-t) timeout=$2; shift ;;
		-*) die "up: unknown option '$1'" ;;
		*) break ;;
		esac
		shift
	done
	n=${1:-}
	case "$n" in ''|*[!0-9]*) die "up: need a node count" ;; esac
	[ "$n" -ge 1 ] && [ "$n" -le 200 ] || die "up: 1 to 200 nodes"
	[ -x "$KCPGCTL" ] || die "kcpgctl not built ($KCPGCTL): make -C tools"
	[ -e "$STATE/size" ] && die "a cluster exists already: 'cluster.sh down' first"
	grep -q '^kcpg ' /proc/modules || die "kcpg module not loaded"
	mkdir -p "$STATE"
	state_set size "$n"
	state_set family "$family"
	state_set method "$method"
	ip netns add "$HUB" || die "cannot create namespace $HUB"
	hubx ip link add "$BR" type bridge stp_state 0 forward_delay 0 || die "no bridge support"
	hubx ip link set "$BR" up
	for i in $(seq 1 "$n"); do
		make_netns "$i" || die "cannot create node $i"
	done
	if [ $method = file ]; then
		write_cluster_file "$n" "$STATE/cluster.conf"
	else
		for i in $(seq 1 "$n"); do
			configure_node "$i" "$n" || die "cannot configure node $i"
		done
	fi
	for i in $(seq 1 "$n"); do
		bring_up "$i" || die "cannot bring node $i up"
	done
	cmd_wait -t "$timeout"
}

cmd_kill() {
	local i=$1 n pids
	check_node "$i"
	n=$(ns "$i")
	[ -e "$STATE/killed.$i" ] && die "node $i is already gone"
	touch "$STATE/killed.$i"
	# The link first: from this instant the node neither sends nor receives.
	ip -n "$HUB" link del "v$i" 2>/dev/null
	pids=$(ip netns pids "$n" 2>/dev/null)
	# shellcheck disable=SC2086
	[ -n "$pids" ] && kill -9 $pids 2>/dev/null
	ip netns del "$n" 2>/dev/null
	return 0
}

cmd_start() {
	local i=$1 n
	check_node "$i"
	[ -e "$STATE/killed.$i" ] || die "node $i is running"
	n=$(state_get size)
	make_netns "$i" || die "cannot recreate node $i"
	if [ "$(state_get method)" != file ]; then
		configure_node "$i" "$n" || die "cannot configure node $i"
	fi
	rm -f "$STATE/killed.$i"
	bring_up "$i" || die "cannot bring node $i up"
}

cmd_partition() {
	local k=0 set i
	[ $# -ge 2 ] || die "partition: give at least two sets of nodes, e.g. \"1 2\" \"3\""
	cmd_heal
	for set in "$@"; do
		k=$((k + 1))
		hubx ip link add "brp$k" type bridge stp_state 0 forward_delay 0 || return 1
		hubx ip link set "brp$k" up
		for i in $set; do
			check_node "$i"
			[ -e "$STATE/killed.$i" ] && continue
			hubx ip link set "v$i" master "brp$k" || return 1
		done
	done
	return 0
}

cmd_heal() {
	local i b
	for i in $(nodes); do
		hubx ip link set "v$i" master "$BR" 2>/dev/null
	done
	for b in $(hubx ip -o link show type bridge 2>/dev/null | awk -F': ' '{print $2}' |
		   sed 's/@.*//' | grep '^brp'); do
		hubx ip link del "$b"
	done
	return 0
}

cmd_netem() {
	local who=$1 args=${2:-} i list
	if [ "$who" = all ]; then list=$(nodes); else check_node "$who"; list=$who; fi
	for i in $list; do
		if [ "$args" = off ] || [ -z "$args" ]; then
			ip -n "$(ns "$i")" link show eth0 >/dev/null 2>&1 || continue
			tc -n "$(ns "$i")" qdisc del dev eth0 root 2>/dev/null
		else
			# shellcheck disable=SC2086
			tc -n "$(ns "$i")" qdisc replace dev eth0 root netem $args ||
				die "netem '$args' refused on node $i"
		fi
	done
	return 0
}

cmd_down() {
	local n i pids
	n=$(state_get size || echo 0)
	for i in $(seq 1 "$n"); do
		pids=$(ip netns pids "$(ns "$i")" 2>/dev/null)
		# shellcheck disable=SC2086
		[ -n "$pids" ] && kill -9 $pids 2>/dev/null
		ip netns del "$(ns "$i")" 2>/dev/null
	done
	ip netns del "$HUB" 2>/dev/null
	rm -rf "$STATE"
	return 0
}

[ $# -ge 1 ] || die "usage: cluster.sh up|exec|kill|start|partition|heal|netem|wait|status|nodes|down ..."
cmd=$1
shift
case "$cmd" in
up) cmd_up "$@" ;;
exec)
	[ $# -ge 2 ] || die "exec: cluster.sh exec I CMD..."
	check_node "$1"
	[ -e "$STATE/killed.$1" ] && die "node $1 is gone"
	n=$(ns "$1")
	shift
	exec ip netns exec "$n" "$@"
	;;
kill) [ $# = 1 ] || die "kill: cluster.sh kill I"; cmd_kill "$1" ;;
start) [ $# = 1 ] || die "start: cluster.sh start I"; cmd_start "$1" ;;
partition) cmd_partition "$@" ;;
heal) cmd_heal ;;
netem) [ $# -ge 1 ] || die "netem: cluster.sh netem I|all \"ARGS\""; cmd_netem "$@" ;;
wait) cmd_wait "$@" ;;
status) show_status ;;
nodes) nodes ;;
down) cmd_down ;;
*) die "unknown command '$cmd'" ;;
esac
