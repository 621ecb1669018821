#!/bin/bash
# The cluster key: nodes with the same key form a ring (authenticated, then
# encrypted), a node with another key is refused (bad tags counted), a
# captured datagram replayed is refused, and so is one captured before the
# sender restarted (older epoch).  Two namespaces on a veth pair.
. "$(dirname "$0")/lib.sh"
K=$KTOP/tools/kcpgctl/kcpgctl
T=$(mktemp -d)
A=kkey-a
B=kkey-b

cleanup() {
	ip netns del $A 2>/dev/null
	ip netns del $B 2>/dev/null
	rm -rf "$T"
}
trap cleanup EXIT

kc() { local ns=$1; shift; ip netns exec "$ns" "$K" "$@"; }

# A bounded wait for a condition (a hang guard, not a timing check).
wait_for() {
	local i
	for i in $(seq 1 300); do
		"$@" && return 0
		sleep 0.2
	done
	return 1
}

members() { kc "$1" -j status | python3 -c 'import json,sys; print(len(json.load(sys.stdin)["members"]))'; }
stat() { kc "$1" -j stats | python3 -c "import json,sys; print(json.load(sys.stdin)[\"$2\"])"; }
ring_of() { [ "$(members "$1")" = "$2" ]; }
stat_positive() { [ "$(stat "$1" "$2")" -gt "${3:-0}" ]; }

setup() {
	ip netns add $A && ip netns add $B &&
	ip link add va netns $A type veth peer name vb netns $B &&
	ip -n $A addr add 10.98.0.1/24 dev va && ip -n $B addr add 10.98.0.2/24 dev vb &&
	ip -n $A link set va up && ip -n $B link set vb up &&
	ip -n $A link set lo up && ip -n $B link set lo up &&
	head -c 32 /dev/urandom >"$T/k1" && head -c 32 /dev/urandom >"$T/k2" &&
	chmod 600 "$T/k1" "$T/k2"
}

# node NS ID PEER KEYFILE [encrypt]
node() {
	local ns=$1 id=$2 peer=$3 key=$4
	kc "$ns" down
	kc "$ns" node set id "$id" addr "10.98.0.$id" port 5420 token 300 join 30 consensus 400 || return 1
	kc "$ns" peer show | grep -q "peer $peer " ||
		kc "$ns" peer add id "$peer" addr "10.98.0.$peer" port 5420 || return 1
	kc "$ns" key set "$key" $5 || return 1
	kc "$ns" up
}

same_key_forms_ring() {
	node $A 1 2 "$T/k1" && node $B 2 1 "$T/k1" || return 1
	wait_for ring_of $A 2 || kfail "no ring of 2 with the same key"
	kc $A status | grep -q "keyed yes" || kfail "status does not say keyed"
	! kc $A -j status | grep -qi '"key"' || kfail "status shows key material"
}

encrypted_forms_ring() {
	node $A 1 2 "$T/k1" encrypt && node $B 2 1 "$T/k1" encrypt || return 1
	wait_for ring_of $A 2 || kfail "no ring of 2 with encryption"
}

wrong_key_refused() {
	local before
	node $A 1 2 "$T/k1" && node $B 2 1 "$T/k2" || return 1
	before=$(stat $A drop_bad_tag)
	wait_for stat_positive $A drop_bad_tag "$before" || kfail "no bad tags counted"
	ring_of $A 1 || kfail "node 1 is in a ring with a node of another key"
}

# Captures one datagram node B sends to node A (as an IP packet, hex).
capture() {
	ip netns exec $A python3 - <<'EOF'
import socket
s = socket.socket(socket.AF_PACKET, socket.SOCK_DGRAM, socket.htons(0x0800))
s.bind(("va", 0x0800))
s.settimeout(60)
while True:
    pkt, _ = s.recvfrom(65535)
    if pkt[9] == 17 and pkt[12:16] == bytes([10, 98, 0, 2]):
        print(pkt.hex())
        break
EOF
}

# Sends the captured IP packet again, from node B's namespace.
replay() {
	ip netns exec $B python3 - "$1" <<'EOF'
import socket, sys
pkt = bytearray.fromhex(sys.argv[1])
# Captured before checksum offload finished it, the UDP checksum holds only
# the pseudo-header sum; an attacker sends none (0, allowed over IPv4).
ihl = (pkt[0] & 15) * 4
pkt[ihl + 6:ihl + 8] = bytes(2)
s = socket.socket(socket.AF_INET, socket.SOCK_RAW, socket.IPPROTO_RAW)
s.sendto(pkt, ("10.98.0.1", 0))
EOF
}

replay_refused() {
	local pkt before
	node $A 1 2 "$T/k1" && node $B 2 1 "$T/k1" || return 1
	wait_for ring_of $A 2 || kfail "no ring"
	pkt=$(capture) && [ -n "$pkt" ] || kfail "captured nothing"
	before=$(stat $A drop_replay)
	replay "$pkt" || return 1
	wait_for stat_positive $A drop_replay "$before" || kfail "replay not refused"
}

# "REP SEQ MEMBERS" of a node's ring.
ring_id() {
	kc "$1" -j status | python3 -c 'import json, sys
d = json.load(sys.stdin)
print(d["ring"]["rep"], d["ring"]["seq"], len(d["members"]))'
}

# Both nodes in one ring of two other than "$1": formed after a restart, so
# node A has taken node B's new epoch.
new_ring_of_two() {
	local a b
	a=$(ring_id $A) && b=$(ring_id $B) || return 1
	[ "$a" = "$b" ] && [ "$a" != "$1" ] && [ "${a##* }" = 2 ]
}

older_epoch_refused() {
	local pkt before r0
	wait_for ring_of $A 2 || kfail "no ring"
	pkt=$(capture) && [ -n "$pkt" ] || kfail "captured nothing"
	r0=$(ring_id $A) || return 1
	# Node B restarts: a new epoch, new keys.  Node A's old ring of two
	# lasts until it notices, so wait for the ring formed after.
	kc $B down && kc $B up || return 1
	wait_for new_ring_of_two "$r0" || kfail "no new ring of two after the restart"
	before=$(stat $A drop_replay)
	replay "$pkt" || return 1
	wait_for stat_positive $A drop_replay "$before" ||
		kfail "datagram from before the restart not refused"
	wait_for ring_of $A 2 || kfail "ring lost"
}

no_key_says_so() {
	kc $A down && kc $A key clear && kc $A up || return 1
	kc $A status | grep -q "keyed no" || kfail "status does not say unkeyed"
}

ktest "two namespaces on a veth pair" setup
ktest "same key: a ring of two, keyed, no key in status" same_key_forms_ring
ktest "encrypted: a ring of two" encrypted_forms_ring
ktest "another key: refused, bad tags counted" wrong_key_refused
ktest "a replayed datagram is refused" replay_refused
ktest "a datagram from before the sender restarted is refused" older_epoch_refused
ktest "without a key, status says so" no_key_says_so
kdone
