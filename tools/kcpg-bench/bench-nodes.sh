#!/bin/bash
# bench-nodes.sh OUT.jsonl LOG: the three-node rows of `make bench`, inside
# the VM (scripts/bench-in-vm calls it after the one-node rows).
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
# Knobs: as bench-in-vm (BENCH_REPS, BENCH_SECONDS), plus BENCH_NODE_SIZES
# (64,1024,10240,102400,1048576), BENCH_NODE_REPS (default BENCH_REPS) and
# BENCH_NODE_SAMPLES (default half of BENCH_SAMPLES).
set -u
top=$(cd "$(dirname "$0")/../.." && pwd)
cd "$top" || exit 1
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
knodes=/run/netns/n1,/run/netns/n2,/run/netns/n3
csnodes=
failed=0
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
	if [ "$rc" != 0 ]; then
		echo "# $row rep $rep $sys: status $rc" >>"$log"
		failed=1
	fi
}

cleanup() {
	local i p
	for i in 1 2 3; do
		p=$(cat "$tmp/cs$i.pid" 2>/dev/null) && kill "$p" 2>/dev/null
	done
	sleep 2
	"$cluster" down >/dev/null 2>&1
	rm -rf "$tmp"
}
trap cleanup EXIT

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
[ $tipc_ok = 1 ] || { note "TIPC links did not come up; TIPC rows skipped"; failed=1; }

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
start_corosync() {
	local i p
	for i in 1 2 3; do
		COROSYNC_NS_RING="10.99.0.1 10.99.0.2 10.99.0.3" COROSYNC_NS_TOKEN=10000 \
		COROSYNC_NS_NOWAIT=1 \
		COROSYNC_NS_LOG=${out%.jsonl}.corosync-n$i.log \
			ip netns exec "n$i" "$tools/corosync-ns.sh" \
			sh -c "echo \$\$ >$tmp/cs$i.pid.new && mv $tmp/cs$i.pid.new $tmp/cs$i.pid && exec sleep 1000000" \
			>/dev/null 2>>"$log" &
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
if start_corosync; then
	note "corosync up on three namespaces (pids $csnodes)"
	timeout 10 nsenter -t "${csnodes%%,*}" -n -m -r -w corosync-quorumtool -l >>"$log" 2>&1
else
	note "corosync did not form a three-node membership; corosync rows skipped"
	csnodes=
	failed=1
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
exit $failed
