#!/bin/bash
# corosync-ns.sh CMD [ARGS...]: run CMD next to a private corosync.
#
# Starts corosync (one node, knet on loopback, crypto off) in a new mount
# and network namespace, with its own tmpfs on /run, /dev/shm and
# /var/lib/corosync so it never meets another instance (or the host's),
# waits until its CPG service answers, runs CMD in the same namespaces (a
# libcpg client must share the daemon's network namespace for libqb's
# abstract sockets and its /dev/shm for the ring buffers), stops corosync
# and exits with CMD's status.
#
# Environment: COROSYNC_NS_LOG (daemon log, default /tmp/corosync-ns.$$.log),
# COROSYNC_NS_CIPHER (crypto_cipher, default none; anything else needs a key,
# which is generated into the private /var/lib/corosync).
#
# One node of a cluster: COROSYNC_NS_RING="ADDR1 ADDR2 ..." lists every
# node's address (node i has id i; corosync finds its own by the local
# addresses), and the network namespace is the caller's (run it under
# `ip netns exec NODE`): only the mount namespace is new.  All nodes of one
# cluster must use the same cipher; with a cipher, COROSYNC_NS_KEY names
# the key file they share (made by the caller with corosync-keygen).
# COROSYNC_NS_TOKEN: the token timeout in ms (default 3000, corosync's);
# knet's link timeouts scale with it.
set -u

if [ "${COROSYNC_NS_INSIDE:-}" != 1 ]; then
	[ $# -gt 0 ] || { echo "usage: $0 CMD [ARGS...]" >&2; exit 2; }
	command -v corosync >/dev/null || { echo "corosync-ns: corosync is not installed" >&2; exit 125; }
	export COROSYNC_NS_INSIDE=1
	export COROSYNC_NS_LOG=${COROSYNC_NS_LOG:-/tmp/corosync-ns.$$.log}
	if [ -n "${COROSYNC_NS_RING:-}" ]; then
		exec unshare --mount --propagation private "$0" "$@"
	fi
	exec unshare --mount --net --propagation private "$0" "$@"
fi

die() { echo "corosync-ns: $*" >&2; exit 125; }

ip link set lo up || die "cannot bring lo up"
for d in /run /dev/shm /var/lib/corosync; do
	mkdir -p "$d" 2>/dev/null
	mount -t tmpfs -o mode=0755 "cs-${d//\//-}" "$d" || die "cannot mount tmpfs on $d"
done
chmod 1777 /dev/shm
conf=/run/corosync-bench.conf
cipher=${COROSYNC_NS_CIPHER:-none}
hash=none
if [ "$cipher" != none ]; then
	hash=sha256
	if [ -n "${COROSYNC_NS_KEY:-}" ]; then
		install -m 0400 "$COROSYNC_NS_KEY" /var/lib/corosync/authkey ||
			die "cannot install the key"
	else
		corosync-keygen -l -k /var/lib/corosync/authkey >/dev/null 2>&1 ||
			die "corosync-keygen failed"
	fi
fi
nodelist="	node {
		ring0_addr: 127.0.0.1
		nodeid: 1
		name: n1
	}"
if [ -n "${COROSYNC_NS_RING:-}" ]; then
	nodelist=
	i=0
	for a in $COROSYNC_NS_RING; do
		i=$((i + 1))
		nodelist="$nodelist	node {
		ring0_addr: $a
		nodeid: $i
		name: n$i
	}
"
	done
fi
cat >"$conf" <<CONF
totem {
	version: 2
	cluster_name: kcpgbench
	transport: knet
	crypto_cipher: $cipher
	crypto_hash: $hash
	keyfile: /var/lib/corosync/authkey
	token: ${COROSYNC_NS_TOKEN:-3000}
}
nodelist {
$nodelist
}
quorum {
	provider: corosync_votequorum
}
logging {
	to_stderr: yes
	to_syslog: no
	to_logfile: no
	timestamp: on
}
CONF

corosync -f -c "$conf" >"$COROSYNC_NS_LOG" 2>&1 &
cs=$!
# Ready when its CPG service answers; a busy emulated machine may need
# a while, a hung client call must not hold the run.  COROSYNC_NS_NOWAIT=1:
# run CMD at once (a cluster node: the caller waits for the membership).
if [ "${COROSYNC_NS_NOWAIT:-0}" != 1 ]; then
	up=0
	deadline=$((SECONDS + ${COROSYNC_NS_START_TIMEOUT:-60}))
	while [ $SECONDS -lt $deadline ]; do
		if timeout 10 corosync-cpgtool >/dev/null 2>&1; then up=1; break; fi
		kill -0 $cs 2>/dev/null || break
		sleep 0.2
	done
	if [ $up != 1 ]; then
		kill $cs 2>/dev/null; wait $cs 2>/dev/null
		echo "corosync-ns: corosync did not come up; its log:" >&2
		tail -n 20 "$COROSYNC_NS_LOG" >&2
		exit 125
	fi
fi
"$@"
rc=$?
kill -TERM $cs 2>/dev/null
for _ in $(seq 100); do kill -0 $cs 2>/dev/null || break; sleep 0.1; done
kill -KILL $cs 2>/dev/null
wait $cs 2>/dev/null
exit $rc
