#!/bin/bash
# bench-nodes.sh [--crypto] OUT.jsonl LOG: the three-node rows of `make
# bench`, inside the VM (scripts/bench-in-vm calls it after the one-node
# rows, then once more with --crypto).
#
# One network for everyone: selftests/kcpg/cluster.sh makes namespaces
# n1..n3 (eth0 = 10.99.0.I, veth to a bridge) and a kcpg node in each.  In
# the same namespaces run
#   - three corosync 3.1.7 instances (corosync-ns.sh: a private mount
#     namespace each, its own /run, /dev/shm and /var/lib/corosync; knet on
#     eth0, crypto off), reached by clients that enter the daemon's network
#     and mount namespaces (kcpg-bench --nodes PID,...);
#   - TIPC (module tipc, a node identity per namespace and an Ethernet
#     bearer on eth0), measured by tipc-bench;
#   - the raw limit: kernel UDP fan-out from n1 to n2 and n3 at the veth's
#     MTU, with and without UDP GSO (udpgso_bench_tx/rx from linux-source,
#     built by scripts/bench into build/bench/).
# kcpg and TIPC rows run first, then corosync is started and its rows run
# (a corosync that does not form its membership on a busy emulated machine
# costs only its own rows); member i of a point runs on node i % 3 (sender
# on n1, receivers on n2 and n3).
#
# --crypto: the same network with encryption on for both systems, the
# second row issue 8 asks for beside the crypto-off headline: every kcpg
# node gets one cluster key with "kcpgctl key set FILE encrypt" (AES-256-GCM
# on every datagram, authenticated and encrypted), the three corosync
# instances share one authkey with knet's crypto_cipher aes256 and
# crypto_hash sha256.  Throughput from n1 to n2 and n3 at a subset of the
# sizes (BENCH_NODE_CRYPTO_SIZES: 64 B for the message rate, 1 KiB, 100 KiB
# for the MB/s) and self-delivery latency, one repetition by default
# (BENCH_NODE_CRYPTO_REPS): the encrypted row is a second reading of the
# headline, not the headline, and it must not make the hour-long run much
# longer.  Rows n3-crypto-tp and n3-crypto-latency.
#
# Knobs: as bench-in-vm (BENCH_REPS, BENCH_SECONDS), plus BENCH_NODE_SIZES
# (64,1024,10240,102400,1048576), BENCH_NODE_REPS (default BENCH_REPS),
# BENCH_NODE_SAMPLES (default half of BENCH_SAMPLES), BENCH_NODE_CRYPTO_SIZES
# (64,1024,102400) and BENCH_NODE_CRYPTO_REPS (1).
set -u
top=$(cd "$(dirname "$0")/../.." && pwd)
cd "$top" || exit 1
crypto=0
if [ "${1:-}" = --crypto ]; then
	crypto=1
	shift
fi
out=$1 log=$2
tools=tools/kcpg-bench
bin=$tools/kcpg-bench-corosync
tipc=$tools/tipc-bench
cluster=selftests/kcpg/cluster.sh
ugb=build/bench
reps=${BENCH_NODE_REPS:-${BENCH_REPS:-3}}
secs=${BENCH_SECONDS:-2}
# Half the one-node samples by default: a round trip across emulated nodes
# costs tens of milliseconds under load, and the run must stay within the
# hour.
samples=${BENCH_NODE_SAMPLES:-$(( ${BENCH_SAMPLES:-1000} / 2 ))}
sizes=${BENCH_NODE_SIZES:-64,1024,10240,102400,1048576}
tipc_sizes=64,1024,10240,61440
if [ $crypto = 1 ]; then
	reps=${BENCH_NODE_CRYPTO_REPS:-1}
	sizes=${BENCH_NODE_CRYPTO_SIZES:-64,1024,102400}
fi
knodes=/run/netns/n1,/run/netns/n2,/run/netns/n3
kcpgctl=tools/kcpgctl/kcpgctl
csnodes=
csjobs=()
# failed, ref_failed, point_failed, finish: how failures count.
# shellcheck source=tools/kcpg-bench/bench-status.sh
. "$top/$tools/bench-status.sh"
tmp=$(mktemp -d)

note() { echo "# nodes: $*" >>"$log"; }

# tag ROW REP: prefix every JSON line with the row and repetition.
tag() { sed "s/^{/{\"row\":\"$1\",\"rep\":$2,/" >>"$out"; }

# run ROW REP SYSTEM CMD...: one point, a hang guard (not a time limit).
run() {
	local row=$1 rep=$2 sys=$3 rc
	shift 3
	echo "# $row rep $rep $sys: $*" >>"$log"
	case $sys in
	kcpg) LD_LIBRARY_PATH="$top/ulib" timeout -k 10 900 "$@" 2>>"$log" ;;
	*) timeout -k 10 900 "$@" 2>>"$log" ;;
	esac | tag "$row" "$rep"
	rc=${PIPESTATUS[0]}
	[ "$rc" = 0 ] || point_failed "$row" "$rep" "$sys" "$rc" "$log"
}

# Stop the corosync instances: each corosync-ns.sh stops its daemon once
# the command it runs (a sleep) is gone.
stop_corosync() {
	local i p
	for i in 1 2 3; do
		p=$(cat "$tmp/cs$i.pid" 2>/dev/null) && kill "$p" 2>/dev/null
		rm -f "$tmp/cs$i.pid"
	done
	[ ${#csjobs[@]} = 0 ] || wait "${csjobs[@]}" 2>/dev/null
	csjobs=()
	csnodes=
}

cleanup() {
	stop_corosync
	"$cluster" down >/dev/null 2>&1
	rm -rf "$tmp"
}
trap cleanup EXIT

# settle: both clusters whole again (a previous point may have starved them).
settle() {
	"$cluster" wait -t 300 >>"$log" 2>&1 || note "kcpg: no ring of all three"
	[ -n "$csnodes" ] || return 0
	for _ in $(seq 10); do
		timeout 60 nsenter -t "${csnodes%%,*}" -n -m -r -w corosync-quorumtool -s 2>/dev/null |
			grep -Eq '^Total votes: +3$' && return 0
		sleep 0.5
	done
	note "corosync: not three votes"
}

# warmup SYSTEM CMD...: one point thrown away.  The first traffic of a
# fresh cluster pays for things no later point does (TIPC's first
# broadcast waits for its members' windows; ARP, caches).
warmup() {
	local sys=$1
	shift
	echo "# warm-up $sys: $*" >>"$log"
	if [ "$sys" = kcpg ]; then
		LD_LIBRARY_PATH="$top/ulib" timeout -k 10 300 "$@" >/dev/null 2>>"$log"
	else
		timeout -k 10 300 "$@" >/dev/null 2>>"$log"
	fi
}

# start_corosync [CIPHER KEYFILE]: one instance per namespace, crypto off
# or with knet's CIPHER and the authkey all three share.
start_corosync() {
	local i p cipher=${1:-none} key=${2:-} logsuf=
	[ "$cipher" = none ] || logsuf=-$cipher
	for i in 1 2 3; do
		COROSYNC_NS_RING="10.99.0.1 10.99.0.2 10.99.0.3" COROSYNC_NS_TOKEN=10000 \
		COROSYNC_NS_NOWAIT=1 COROSYNC_NS_CIPHER=$cipher COROSYNC_NS_KEY=$key \
		COROSYNC_NS_LOG=${out%.jsonl}.corosync$logsuf-n$i.log \
			ip netns exec "n$i" "$tools/corosync-ns.sh" \
			sh -c "echo \$\$ >$tmp/cs$i.pid.new && mv $tmp/cs$i.pid.new $tmp/cs$i.pid && exec sleep 1000000" \
			>/dev/null 2>>"$log" &
		csjobs+=($!)
	done
	# Each daemon answers, then all three are one membership (minutes on a
	# busy emulated machine).
	for _ in $(seq 1200); do
		[ -s "$tmp/cs1.pid" ] && [ -s "$tmp/cs2.pid" ] && [ -s "$tmp/cs3.pid" ] && break
		sleep 0.5
	done
	csnodes=
	for i in 1 2 3; do
		p=$(cat "$tmp/cs$i.pid" 2>/dev/null) || return 1
		csnodes=$csnodes${csnodes:+,}$p
	done
	note "corosync daemons started (pids $csnodes), waiting for three votes"
	start=$SECONDS
	while [ $((SECONDS - start)) -lt 600 ]; do
		if timeout 60 nsenter -t "${csnodes%%,*}" -n -m -r -w corosync-quorumtool -s \
			>"$tmp/q" 2>&1 && grep -Eq '^Total votes: +3$' "$tmp/q"; then
			note "corosync: three votes after $((SECONDS - start)) s"
			return 0
		fi
		sleep 2
	done
	note "corosync: no three votes after $((SECONDS - start)) s; quorumtool said:"
	cat "$tmp/q" >>"$log"
	return 1
}

# --- the network and kcpg ---------------------------------------------------
"$cluster" down >/dev/null 2>&1
if ! "$cluster" up 3 >>"$log" 2>&1; then
	note "cluster.sh up 3 failed"
	exit 1
fi
mtu=$(ip -n n1 -o link show eth0 | sed -n 's/.* mtu \([0-9]*\).*/\1/p')
# kcpg's datagram size (its "mtu": UDP payload bytes per datagram).
kmtu=$("$cluster" status 2>/dev/null |
	awk '/ mtu / { for (i = 1; i < NF; i++) if ($i == "mtu") { print $(i + 1); exit } }')
note "cluster up, veth mtu $mtu, kcpg datagrams of ${kmtu:-?} bytes"
"$cluster" status >>"$log" 2>&1

# --- crypto on (--crypto) ----------------------------------------------------
# crypto_points LIB NODES: the crypto-on points of one system (NODES as
# kcpg-bench --nodes takes them).
crypto_points() {
	local lib=$1 nodes=$2 rep s

	warmup "$lib" "$bin" -q --nodes "$nodes" -S 1 -r 2 -t "$secs" -s 64 -p copy
	for rep in $(seq "$reps"); do
		settle
		for s in ${sizes//,/ }; do
			run n3-crypto-tp "$rep" "$lib" "$bin" -q --nodes "$nodes" -S 1 -r 2 \
				-t "$secs" -s "$s" -p copy
		done
		run n3-crypto-latency "$rep" "$lib" "$bin" -q --nodes "$nodes" -m latency \
			-s 64 -r 2 -n "$samples" -p copy
	done
}

# kcpg first, keyed while it has no traffic, then corosync started with
# its authkey; each system's points run while the other's clients are
# idle, as with crypto off.
crypto_rows() {
	local i
	head -c 32 /dev/urandom >"$tmp/kcpg.key" && chmod 600 "$tmp/kcpg.key" ||
		{ note "crypto: no key file"; return 1; }
	# All down first: no ring of keyed and unkeyed nodes to wait out.
	for i in 1 2 3; do
		"$kcpgctl" -n "n$i" down >>"$log" 2>&1
	done
	for i in 1 2 3; do
		if ! "$kcpgctl" -n "n$i" key set "$tmp/kcpg.key" encrypt >>"$log" 2>&1 ||
		   ! "$kcpgctl" -n "n$i" up >>"$log" 2>&1; then
			note "crypto: node $i not keyed"
			failed=1
		fi
	done
	# A ring of all three again, every member keyed (a node without the
	# key could not be in it).
	if "$cluster" wait -t 300 >>"$log" 2>&1; then
		for i in 1 2 3; do
			"$kcpgctl" -n "n$i" status 2>>"$log" | grep -q 'keyed yes' ||
				{ note "crypto: node $i says it is not keyed"; failed=1; }
		done
		note "crypto: kcpg ring of three with the cluster key, encrypting"
		crypto_points kcpg "$knodes"
	else
		note "crypto: no kcpg ring of three with the key; kcpg crypto rows skipped"
		failed=1
	fi
	if ! corosync-keygen -l -k "$tmp/authkey" >>"$log" 2>&1; then
		note "crypto: corosync-keygen failed; corosync crypto rows skipped"
		ref_failed=1
		return 0
	fi
	if ! start_corosync aes256 "$tmp/authkey"; then
		note "crypto: corosync with aes256 did not form a three-node membership;" \
			"corosync crypto rows skipped"
		stop_corosync
		ref_failed=1
		return 0
	fi
	note "crypto: corosync up with aes256/sha256 on three namespaces (pids $csnodes)"
	crypto_points corosync "$csnodes"
	return 0
}
if [ $crypto = 1 ]; then
	crypto_rows || failed=1
	"$cluster" status >>"$log" 2>&1
	finish
fi

# --- the raw limit: UDP fan-out -------------------------------------------------
# udp_fanout REP GSO: n1 sends to n2 and n3 (one udpgso_bench_tx per
# receiver, as kcpg's sender sends every datagram to each peer), datagrams
# of kcpg's size; the rate is the slower receiver's, from udpgso_bench_rx's
# per-second lines (MiB/s).
udp_fanout() {
	local rep=$1 gso=$2 pay=${kmtu:-$((mtu - 28))} j args rx=() txs=() mbs=() v
	[ -x "$ugb/udpgso_bench_tx" ] || return 0
	for j in 2 3; do
		ip netns exec "n$j" "$ugb/udpgso_bench_rx" -4 -p 8000 2>"$tmp/rx$j" &
		rx+=($!)
	done
	sleep 1
	if [ "$gso" = 1 ]; then args=(-s $((pay * 40)) -S "$pay"); else args=(-s "$pay"); fi
	for j in 2 3; do
		ip netns exec n1 timeout -k 5 $((secs + 60)) "$ugb/udpgso_bench_tx" -4 \
			-D "10.99.0.$j" -p 8000 -l $((secs + 3)) "${args[@]}" 2>>"$log" >/dev/null &
		txs+=($!)
	done
	wait "${txs[@]}"
	sleep 1
	kill -INT "${rx[@]}" 2>/dev/null
	sleep 1
	kill -KILL "${rx[@]}" 2>/dev/null
	wait "${rx[@]}" 2>/dev/null
	for j in 2 3; do
		# Whole seconds of traffic: drop the first and the last line; the
		# rate from the datagrams per second (one recv() each), as the MB
		# figure is rounded down to whole MiB.
		v=$(awk -v pay="$pay" '/udp rx:/ { n++; r[n] = $5 } END {
			s = 0; k = 0
			for (i = 2; i < n; i++) { s += r[i]; k++ }
			if (k == 0 && n > 0) { s = r[n]; k = 1 }
			if (k) printf "%.3f", s / k * pay / 1e6; else print 0 }' "$tmp/rx$j")
		mbs+=("$v")
		cat "$tmp/rx$j" >>"$log"
	done
	printf '{"tool":"udpgso_bench","mode":"udp","path":"%s","size":%d,"mtu":%d,"nodes":3,"mb_per_s":%s,"mb_per_s_rx":[%s,%s],"ok":true}\n' \
		"$([ "$gso" = 1 ] && echo gso || echo nogso)" "$pay" "$mtu" \
		"$(echo "${mbs[0]} ${mbs[1]}" | awk '{ print ($1 < $2) ? $1 : $2 }')" \
		"${mbs[0]}" "${mbs[1]}" | tag raw3-udp "$rep"
}

# First, while nothing else runs: a flood starves the clusters' heartbeats.
[ "${BENCH_NODE_UDP:-1}" = 1 ] && for rep in $(seq "$reps"); do
	udp_fanout "$rep" 0
	udp_fanout "$rep" 1
done
"$cluster" wait -t 300 >>"$log" 2>&1 || note "kcpg ring not re-formed after the UDP flood"

# --- TIPC on the same veths ---------------------------------------------------
tipc_ok=0
if modprobe tipc 2>>"$log"; then
	for i in 1 2 3; do
		ip netns exec "n$i" tipc node set identity "$i" 2>>"$log" ||
			ip netns exec "n$i" tipc node set address "1.1.$i" 2>>"$log"
		ip netns exec "n$i" tipc bearer enable media eth device eth0 2>>"$log"
	done
	# Links up: every node sees both others.
	for _ in $(seq 120); do
		up=0
		for i in 1 2 3; do
			n=$(ip netns exec "n$i" tipc link list 2>/dev/null | grep -c ': up$')
			[ "$n" -ge 2 ] && up=$((up + 1))
		done
		[ $up = 3 ] && { tipc_ok=1; break; }
		sleep 0.5
	done
	ip netns exec n1 tipc link list >>"$log" 2>&1
fi
[ $tipc_ok = 1 ] || { note "TIPC links did not come up; TIPC rows skipped"; ref_failed=1; }

# kcpg and TIPC first (they need nothing that may fail to start), then
# corosync on the same namespaces.
settle
warmup kcpg "$bin" -q --nodes "$knodes" -S 1 -r 2 -t "$secs" -s 64 -p copy
[ $tipc_ok = 1 ] && warmup tipc "$tipc" -q --nodes "$knodes" -S 1 -r 2 -t "$secs" -s 64
for rep in $(seq "$reps"); do
	settle
	for s in ${sizes//,/ }; do
		run n3-tp "$rep" kcpg "$bin" -q --nodes "$knodes" -S 1 -r 2 -t "$secs" -s "$s" -p copy
	done
	run n3-3senders "$rep" kcpg "$bin" -q --nodes "$knodes" -S 3 -r 0 -t "$secs" -s 1024 -p copy
	run n3-latency "$rep" kcpg "$bin" -q --nodes "$knodes" -m latency -s 64 -r 2 \
		-n "$samples" -p copy
	run n3-pingpong "$rep" kcpg "$bin" -q --nodes "$knodes" -m pingpong -s 64 -r 0 \
		-n "$((samples / 2))" -p copy
	if [ $tipc_ok = 1 ]; then
		run tipc3-tp "$rep" tipc "$tipc" -q --nodes "$knodes" -S 1 -r 2 -t "$secs" \
			-s "$tipc_sizes"
		run tipc3-3senders "$rep" tipc "$tipc" -q --nodes "$knodes" -S 3 -r 0 -t "$secs" \
			-s 1024
		run tipc3-latency "$rep" tipc "$tipc" -q --nodes "$knodes" -m latency -s 64 -r 2 \
			-n "$samples"
		run tipc3-pingpong "$rep" tipc "$tipc" -q --nodes "$knodes" -m pingpong -s 64 -r 1 \
			-n "$((samples / 2))"
	fi
done

# --- corosync, one instance per namespace -----------------------------------
if start_corosync; then
	note "corosync up on three namespaces (pids $csnodes)"
	timeout 10 nsenter -t "${csnodes%%,*}" -n -m -r -w corosync-quorumtool -l >>"$log" 2>&1
else
	note "corosync did not form a three-node membership; corosync rows skipped"
	csnodes=
	ref_failed=1
fi

[ -n "$csnodes" ] && warmup corosync "$bin" -q --nodes "$csnodes" -S 1 -r 2 -t "$secs" -s 64 \
	-p copy
[ -n "$csnodes" ] && for rep in $(seq "$reps"); do
	settle
	for s in ${sizes//,/ }; do
		run n3-tp "$rep" corosync "$bin" -q --nodes "$csnodes" -S 1 -r 2 -t "$secs" -s "$s" \
			-p copy
	done
	run n3-3senders "$rep" corosync "$bin" -q --nodes "$csnodes" -S 3 -r 0 -t "$secs" \
		-s 1024 -p copy
	run n3-latency "$rep" corosync "$bin" -q --nodes "$csnodes" -m latency -s 64 -r 2 \
		-n "$samples" -p copy
	run n3-pingpong "$rep" corosync "$bin" -q --nodes "$csnodes" -m pingpong -s 64 -r 0 \
		-n "$((samples / 2))" -p copy
done
"$cluster" status >>"$log" 2>&1
finish
