#!/bin/bash
# Path MTU: on links whose MTU is smaller than the configured datagram size,
# a node coming up lowers its datagram size to what the route toward its
# peers carries (status: mtu_used), so messages still flow, large ones
# split into more fragments by the protocol, and IP never has to fragment a
# datagram (the namespace's FragCreates counter stays 0).  A node with open
# handles, whose core cannot be rebuilt, refuses to come up instead.
# Clusters of three namespaces (cluster.sh): IPv4 with traffic, then IPv6.
. "$(dirname "$0")/lib.sh"
HERE=$(cd "$(dirname "$0")" && pwd)
C=$HERE/cluster.sh
K=$KTOP/tools/kcpgctl/kcpgctl
M=$HERE/cluster_member
T=$(mktemp -d)
export CLUSTER_STATE=$T/cluster
N=3
MSGS=20
# Generous timeouts: the VM is emulated and shared.
export CLUSTER_NODE_OPTS=${CLUSTER_NODE_OPTS-token 3000 consensus 3600}

cleanup() {
	touch "$T/stop"
	"$C" down >/dev/null 2>&1
	wait
	rm -rf "$T"
}
trap cleanup EXIT

kc() { local i=$1; shift; "$K" -n "n$i" "$@"; }
# A failed check ends the case (ktest runs it in a subshell).
bad() { echo "$*" >&2; exit 1; }
status_field() { kc "$1" -j status | python3 -c "import json,sys; print(json.load(sys.stdin).get(\"$2\"))"; }

# The kernel's count of IP fragments created in node I's namespace.
frags() {
	if [ "$2" = 6 ]; then
		ip netns exec "n$1" awk '$1 == "Ip6FragCreates" { print $2 }' /proc/net/snmp6
	else
		ip netns exec "n$1" awk '/^Ip:/ { if (!h) { for (i = 1; i <= NF; i++) c[$i] = i; h = 1 }
			else print $c["FragCreates"] }' /proc/net/snmp
	fi
}

# Every link of the segment gets the smaller MTU, then every node goes
# down and up again, so it measures the route anew.
shrink_links() {
	local i
	for i in $(seq 1 $N); do
		ip -n "n$i" link set eth0 mtu $LINK_MTU || return 1
		ip -n kc-hub link set "v$i" mtu $LINK_MTU || return 1
	done
	for i in $(seq 1 $N); do
		kc "$i" down && kc "$i" up || return 1
	done
	"$C" wait
}

# family: the datagram size each node uses is the link MTU less IP and UDP.
mtu_lowered() {
	local fam=$1 want i got
	want=$((LINK_MTU - 8 - (fam == 6 ? 40 : 20)))
	for i in $(seq 1 $N); do
		got=$(status_field "$i" mtu_used)
		[ "$got" = "$want" ] ||
			bad "node $i uses datagrams of $got bytes, want $want (link MTU $LINK_MTU)"
		[ "$(status_field "$i" mtu)" = 1400 ] ||
			bad "node $i: the configured mtu changed"
	done
	kc 1 status | grep -q "mtu 1400 used $want" ||
		bad "status does not show the datagram size in use: $(kc 1 status | head -1)"
}

# The lowered size is derived at each up, never kept: node 1, down and
# reconfigured, rebuilds its core with the configured size; up again, it
# measures the path anew.
cap_not_kept() {
	local want=$((LINK_MTU - 8 - 20)) got
	kc 1 down && kc 1 node set token 3000 || return 1
	got=$(status_field 1 mtu_used)
	[ "$got" = 1400 ] ||
		bad "node 1, down and reconfigured: datagrams of $got bytes, want the configured 1400"
	kc 1 up && "$C" wait || return 1
	got=$(status_field 1 mtu_used)
	[ "$got" = "$want" ] || bad "node 1, up again: datagrams of $got bytes, want $want"
}

stat() { kc "$1" -j stats | python3 -c "import json,sys; print(json.load(sys.stdin)[\"$2\"])"; }

# Messages up to 64 KiB (tens of datagrams each) from every node: the same
# order everywhere, every byte checked, and not one IP fragment created on
# any node.
traffic() {
	local fam=$1 i st rc=0 frag=() conf=() pid=()
	for i in $(seq 1 $N); do
		frag[i]=$(frags "$i" "$fam")
		conf[i]=$(stat "$i" configs)
	done
	for i in $(seq 1 $N); do
		ip netns exec "n$i" "$M" -o "$T/log.$i" -e $N -m $MSGS -s 65536 \
			-t 900 >"$T/out.$i" 2>&1 &
		pid[i]=$!
	done
	# Each member's own status, by pid: with 'wait -n' a status of a
	# member that ended while the shell was not waiting can be lost, and
	# a failure could not be told from it.
	for i in $(seq 1 $N); do
		wait "${pid[i]}" && continue
		st=$? rc=1
		echo "the member on node $i exited with status $st:"
		tail -n 3 "$T/log.$i" "$T/out.$i"
	done
	[ $rc = 0 ] || { grep -m 3 -E '^(BAD|X) ' "$T"/log.*; bad "a member failed"; }
	# A membership change on the way makes the logs differ legitimately:
	# say so (the emulated machine can be slow enough to lose a token).
	for i in $(seq 1 $N); do
		[ "$(stat "$i" configs)" = "${conf[i]}" ] ||
			echo "node $i: $(($(stat "$i" configs) - conf[i])) new configurations during the traffic"
	done
	# (Files, not <(...): the VM has no /dev/fd.)
	for i in $(seq 1 $N); do
		grep -E '^[DE] ' "$T/log.$i" >"$T/order.$i"
	done
	for i in $(seq 2 $N); do
		cmp -s "$T/order.1" "$T/order.$i" && continue
		grep -E '^(#|C|T) ' "$T/log.1" "$T/log.$i" | head -20
		diff "$T/order.1" "$T/order.$i" | head -5
		bad "nodes 1 and $i delivered differently"
	done
	[ "$(grep -c '^D ' "$T/log.1")" = $((N * MSGS)) ] || bad "messages missing"
	for i in $(seq 1 $N); do
		[ "$(frags "$i" "$fam")" = "${frag[i]}" ] ||
			bad "node $i: IP fragmented datagrams ($(frags "$i" "$fam") fragments, ${frag[i]} before)"
	done
}

# With a handle open the core cannot be rebuilt with a smaller size: a
# link MTU it does not fit makes 'up' fail and say why.
refused_with_handles() {
	local out
	ip netns exec n1 "$M" -o "$T/idle.1" -e 1 -S "$T/stop" -i 100000 -t 900 \
		>"$T/idle.out" 2>&1 &
	for _ in $(seq 1 300); do
		grep -q '^F' "$T/idle.1" 2>/dev/null && break
		sleep 0.2
	done
	grep -q '^F' "$T/idle.1" || bad "the member did not start"
	kc 1 down || return 1
	ip -n n1 link set eth0 mtu 800 || return 1
	out=$(kc 1 up 2>&1) && bad "node 1 came up with datagrams larger than its path MTU"
	echo "$out" | grep -q "path MTU" || bad "the refusal does not say why: $out"
	ip -n n1 link set eth0 mtu $LINK_MTU || return 1
	kc 1 up || bad "node 1 cannot come up once the datagrams fit again"
	touch "$T/stop"
	wait
}

# IPv6 needs links of 1280 at least.
run() {
	local fam=$1 opt=""
	LINK_MTU=1000
	[ "$fam" = 6 ] && opt=-6 LINK_MTU=1280
	rm -f "$T"/log.* "$T"/order.* "$T"/idle.* "$T/stop"
	# shellcheck disable=SC2086
	ktest "IPv$fam: a cluster of $N" "$C" up $opt $N
	ktest "IPv$fam: links of MTU $LINK_MTU, the ring forms again" shrink_links
	ktest "IPv$fam: each node lowered its datagram size to the path" mtu_lowered "$fam"
	# The emulated VM is slow: traffic and the refusal over IPv4 only (the
	# IPv6 ring forming on the smaller links exercises its send path).
	if [ "$fam" = 4 ]; then
		ktest "IPv$fam: the lowered size is not kept: reconfigured while down, the configured one" \
			cap_not_kept
		ktest "IPv$fam: large messages flow in order, no IP fragments" traffic "$fam"
		ktest "IPv$fam: with handles open, a too small path MTU is refused" refused_with_handles
	fi
	"$C" down >/dev/null 2>&1
}

[ -x "$M" ] || { kskip "cluster member" "cluster_member not built"; kdone; }
run 4
run 6
kdone
