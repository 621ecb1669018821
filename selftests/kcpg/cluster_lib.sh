# shellcheck shell=bash
# Helpers of the multi-node tests (sourced by test_cluster_*.sh after lib.sh):
# start cluster_member processes on nodes, wait for them, and check their
# logs (format in cluster_member.c).  Every wait is bounded and says what it
# waited for when it gives up.
#
# Each check reads all the logs in one awk run: under software emulation
# starting a process costs far more than reading a few kilobytes, and a
# check per (sender, receiver) pair would take minutes.
CLUSTER=$KTOP/selftests/kcpg/cluster.sh
MEMBER=$KTOP/selftests/kcpg/cluster_member
KCPGCTL=$KTOP/tools/kcpgctl/kcpgctl
# Generous: under software emulation a busy VM is slow, and these bound
# hangs, they do not measure speed.  CL_TIMEOUT bounds a member's whole
# life, CL_STEP one step of a scenario (a ring forming, some progress).
CL_TIMEOUT=${CL_TIMEOUT:-300}
CL_STEP=${CL_STEP:-90}
# The token timeout suits a LAN (1 s), but a busy host running the VM under
# software emulation stalls a virtual CPU for longer than that: rings then
# break up and merge again and again, which the protocol allows but which
# makes every step of a scenario a long wait.  3 s (what corosync.conf
# examples use) rides such stalls out; failures are still seen in seconds.
export CLUSTER_NODE_OPTS=${CLUSTER_NODE_OPTS-token 3000 consensus 3600}

# CL_LOGDIR: where the logs go (default /tmp); point it into the checkout
# to keep them after the VM is gone.  CL_SAVE_DIR: where a test that had a
# failing case leaves an archive of its logs (the members' logs, each
# round's wait and stderr files), so that a failure in a VM run, where
# /tmp is gone with the guest, can still be read.
mkdir -p "${CL_LOGDIR:-/tmp}"
CL_DIR=$(mktemp -d "${CL_LOGDIR:-/tmp}/kcpg-cluster-test.XXXXXX")
CL_PIDS=()	# member processes of the current round
CL_LOGS=()	# their logs, same order
CL_NODE=()	# their node numbers, same order

# A test that run-tests' hang guard killed may have left its cluster up.
"$CLUSTER" down >/dev/null 2>&1

cl_cleanup() {
	local p tgz="${CL_SAVE_DIR:-}/${0##*/}.${CL_DIR##*.}.tar.gz"
	for p in "${CL_PIDS[@]}"; do kill -9 "$p" 2>/dev/null; done
	"$CLUSTER" down >/dev/null 2>&1
	if [ -n "${CL_SAVE_DIR:-}" ] && [ "${_kfail:-0}" != 0 ]; then
		mkdir -p "$CL_SAVE_DIR" &&
			tar -czf "$tgz" -C "${CL_DIR%/*}" "${CL_DIR##*/}" &&
			echo "# logs of the failed cases: $tgz"
	fi
	[ -n "${CL_LOGDIR:-}" ] || rm -rf "$CL_DIR"
}
trap cl_cleanup EXIT

# Whether the pieces these tests need are built.
cl_have_tools() {
	[ -x "$MEMBER" ] || kfail "cluster_member not built (make -C selftests/kcpg)" || return 1
	[ -x "$KCPGCTL" ] || kfail "kcpgctl not built (make -C tools)" || return 1
	grep -q '^kcpg ' /proc/modules || kfail "kcpg module not loaded" || return 1
}

# cl_round NAME: forget the previous round's members; logs go to $CL_DIR/NAME.*
cl_round() {
	CL_ROUND=$1
	CL_PIDS=() CL_LOGS=() CL_NODE=()
	rm -f "$CL_DIR/$1".*
}

# cl_start NODE COUNT ARGS...: COUNT members on NODE with cluster_member ARGS
# (or the program CL_BIN names, which takes the same options).  Their output
# goes to a file: a background process must not hold the pipe of a ktest's
# command substitution open.  Each round has a group of its own, so a
# member of an earlier round still leaving is never counted in this one's.
cl_start() {
	local node=$1 count=$2 k log
	shift 2
	for k in $(seq 1 "$count"); do
		log="$CL_DIR/$CL_ROUND.n$node.m$k.log"
		"$CLUSTER" exec "$node" "${CL_BIN:-$MEMBER}" -o "$log" -t "$CL_TIMEOUT" \
			-g "kcpg-$CL_ROUND" "$@" \
			>>"$CL_DIR/$CL_ROUND.stderr" 2>&1 </dev/null &
		CL_PIDS+=($!)
		CL_LOGS+=("$log")
		CL_NODE+=("$node")
	done
}

# cl_logs_of NODE...: the logs of this round's members on those nodes.
cl_logs_of() {
	local i n
	for i in "${!CL_LOGS[@]}"; do
		for n in "$@"; do
			[ "${CL_NODE[$i]}" = "$n" ] && echo "${CL_LOGS[$i]}"
		done
	done
}

# cl_test NAME CMD...: ktest, followed by how long the case took (slow cases
# are what push a VM run past its time limit).
cl_test() {
	local t0=$SECONDS
	ktest "$@"
	echo "#   ($((SECONDS - t0))s)"
}

# cl_form NAME CMD...: the case that builds the test's cluster (CMD, e.g.
# "$CLUSTER" up 3); cl_case runs the cases that need it.  Whether it formed
# is asked again outside the case (ktest runs CMD in a subshell), allowing
# a step: under load a ring that just formed may break up and merge again.
# A ring that formed and does not hold is a failure of its own, not a
# reason to skip quietly.
CL_FORMED=0
cl_form() {
	local failed=$_kfail
	cl_test "$@"
	CL_FORMED=0
	[ "$_kfail" = "$failed" ] || return 0
	if "$CLUSTER" wait -t "$CL_STEP" >/dev/null 2>&1; then
		CL_FORMED=1
	else
		cl_test "the ring holds once formed" "$CLUSTER" wait -t 1
	fi
}

# cl_case NAME CMD...: a case that needs the cluster of cl_form: skipped,
# with the reason, when it did not form.
cl_case() {
	if [ "$CL_FORMED" = 1 ]; then
		cl_test "$@"
	else
		kskip "$1" "the cluster did not form"
	fi
}

# cl_wait_exit [NODE...]: waits for this round's members (on those nodes, or
# all), at most CL_WAIT seconds (default: a member's life); fails if one
# does not end in time (it is killed) or exits non-zero.
cl_wait_exit() {
	local i n sel deadline rc bad=0 t0
	t0=$(date +%s)
	deadline=$((t0 + ${CL_WAIT:-$((CL_TIMEOUT + 30))}))
	for i in "${!CL_PIDS[@]}"; do
		sel=$#
		for n in "$@"; do [ "${CL_NODE[$i]}" = "$n" ] && sel=0; done
		[ "$sel" = 0 ] || continue
		while kill -0 "${CL_PIDS[$i]}" 2>/dev/null; do
			if [ "$(date +%s)" -ge $deadline ]; then
				echo "member ${CL_LOGS[$i]##*/} still running after $((deadline - t0))s: killed"
				kill -9 "${CL_PIDS[$i]}" 2>/dev/null
				break
			fi
			sleep 0.5
		done
		wait "${CL_PIDS[$i]}"
		rc=$?
		if [ $rc != 0 ]; then
			echo "member ${CL_LOGS[$i]##*/} exited with status $rc"
			bad=1
		fi
	done
	echo "round $CL_ROUND: members ended after $(($(date +%s) - t0))s"
	return $bad
}

# cl_round_all NAME PER ARGS...: a round of PER members on every live node,
# with cluster_member ARGS (-e is the total); waits for all of them and
# keeps the outcome for cl_ended.
cl_round_all() {
	local name=$1 per=$2 nodes n
	shift 2
	nodes=$("$CLUSTER" nodes)
	cl_round "$name"
	for n in $nodes; do
		cl_start "$n" "$per" -e $((per * $(echo "$nodes" | wc -l))) "$@"
	done
	cl_wait_exit >"$CL_DIR/$name.wait" 2>&1
	echo $? >"$CL_DIR/$name.rc"
}

# cl_ended NAME: round NAME's members all ended well (their exit status and
# their logs).
cl_ended() {
	cat "$CL_DIR/$1.wait"
	[ "$(cat "$CL_DIR/$1.rc")" = 0 ] && cl_ok "${CL_LOGS[@]}"
}

# cl_whole ROUND: the round's members ended well, delivered the same stream
# of events and every message of each other: the verdict on a round where
# every member stayed together from start to end.
cl_whole() {
	cl_ended "$1" && cl_same F "${CL_LOGS[@]}" &&
		cl_complete "${CL_LOGS[@]}" -- "${CL_LOGS[@]}"
}

# cl_forget NODE: members on NODE died with it; stop tracking them.
cl_forget() {
	local i p=() l=() n=()
	for i in "${!CL_PIDS[@]}"; do
		if [ "${CL_NODE[$i]}" = "$1" ]; then
			wait "${CL_PIDS[$i]}" 2>/dev/null
			continue
		fi
		p+=("${CL_PIDS[$i]}") l+=("${CL_LOGS[$i]}") n+=("${CL_NODE[$i]}")
	done
	CL_PIDS=("${p[@]}") CL_LOGS=("${l[@]}") CL_NODE=("${n[@]}")
}

# cl_until SECONDS WHAT CMD...: retries CMD until it succeeds, bounded.
cl_until() {
	local limit=$1 what=$2 deadline
	shift 2
	deadline=$(($(date +%s) + limit))
	until "$@"; do
		if [ "$(date +%s)" -ge $deadline ]; then
			echo "gave up after ${limit}s waiting for: $what"
			return 1
		fi
		sleep 0.5
	done
}

# cl_counts PATTERN LOG...: how many lines of each log match (one per line);
# 0 for a log not written yet.
cl_counts() {
	awk -v pat="$1" '
		BEGIN {
			for (i = 1; i < ARGC; i++) {
				f[i] = ARGV[i]; n[f[i]] = 0
				if ((getline line < f[i]) < 0) ARGV[i] = ""
				else close(f[i])
			}
			nf = ARGC - 1
		}
		$0 ~ pat { n[FILENAME]++ }
		END { for (i = 1; i <= nf; i++) print n[f[i]] }' "${@:2}" 2>/dev/null </dev/null
}

# cl_all_have PATTERN MIN LOG...: every log has at least MIN matching lines.
cl_all_have() {
	local c
	for c in $(cl_counts "$1" "${@:3}"); do [ "$c" -ge "$2" ] || return 1; done
}

# cl_progress K LOG...: waits until each log has K more deliveries than now.
cl_progress() {
	local k=$1 c
	shift
	CL_BASE=()
	for c in $(cl_counts '^D ' "$@"); do CL_BASE+=($((c + k))); done
	cl_until "$CL_STEP" "$k more deliveries in each of the logs" _cl_progressed "$@"
}
_cl_progressed() {
	local j=0 c
	for c in $(cl_counts '^D ' "$@"); do
		[ "$c" -ge "${CL_BASE[$j]}" ] || return 1
		j=$((j + 1))
	done
}

# The awk code that reads a log's body: its events (C T D E lines) from the
# confchg that completed the group (the C line before F) to the last END;
# later lines (members leaving as they finish) legitimately differ.  Leaves
# for log number f: ev[f, 1..last[f]], and t3[f] = the index of its last
# totem confchg of 3 nodes.
CL_AWK_BODY='
	FNR == 1 { f++; name[f] = FILENAME; sub(/.*\//, "", name[f]); on = 0; n = 0; prevc = "" }
	!on && $1 == "C" { prevc = $0 }
	$1 == "F" && NF == 1 { on = 1; if (prevc != "") ev[f, ++n] = prevc; next }
	on && ($1 == "C" || $1 == "T" || $1 == "D" || $1 == "E") {
		ev[f, ++n] = $0
		if ($1 == "E") { last[f] = n; t3[f] = t3p }
		if ($1 == "T" && $3 == 3) t3p = n
	}
	FNR == 1 { t3p = 0 }'

# cl_same START LOG...: the logs' bodies are identical, from their start
# (START F), from their last totem confchg of 3 nodes (START T3) or from
# their last confchg (START C: members that joined at different times agree
# from the membership they all ended in); shows the first difference when
# not.
cl_same() { _cl_compare CTDE "$@"; }

# cl_same_kind TYPES LOG...: the bodies restricted to TYPES ("DE", "CT") are
# identical.
cl_same_kind() { _cl_compare "$1" F "${@:2}"; }

# _cl_compare TYPES START LOG...
_cl_compare() {
	awk -v types="$1" -v start="$2" "$CL_AWK_BODY"'
		# The events of log i to compare, into seq[i, 1..len[i]].
		function from(i,   j) {
			if (start == "F") return 1
			if (start == "T3") return t3[i]
			for (j = last[i]; j >= 1 && substr(ev[i, j], 1, 1) != "C"; j--) ;
			return j
		}
		function cut(i,   j, k) {
			k = 0
			first[i] = from(i)
			for (j = first[i]; j >= 1 && j <= last[i]; j++)
				if (index(types, substr(ev[i, j], 1, 1)))
					seq[i, ++k] = ev[i, j]
			len[i] = k
		}
		END {
			for (i = 1; i <= f; i++) cut(i)
			if (!last[1] || first[1] < 1) {
				print "nothing to compare in " name[1]; exit 1
			}
			for (i = 2; i <= f; i++) {
				for (j = 1; j <= len[1] || j <= len[i]; j++) {
					a = j <= len[1] ? seq[1, j] : "(no more events)"
					b = j <= len[i] ? seq[i, j] : "(no more events)"
					if (a == b) continue
					printf "%s differs from %s at event %d (%d vs %d events):\n", \
						name[i], name[1], j, len[i], len[1]
					printf "    %s: %s\n    %s: %s\n", name[1], a, name[i], b
					exit 1
				}
			}
			printf "%d logs identical, %d %s events each\n", f, len[1], types
		}' "${@:3}"
}

# cl_ok LOG...: every member ended with "X ok" and saw no bad message.
cl_ok() {
	awk '
		BEGIN { for (i = 1; i < ARGC; i++) lastl[ARGV[i]] = "(empty log)" }
		{ lastl[FILENAME] = $0 }
		/^BAD/ { if (++bad[FILENAME] <= 3) badl[FILENAME] = badl[FILENAME] "\n    " $0 }
		END {
			for (i = 1; i < ARGC; i++) {
				f = ARGV[i]
				if (!bad[f] && lastl[f] ~ /^X ok/) continue
				printf "%s: %d bad deliveries, last line: %s%s\n", f, bad[f], lastl[f], badl[f]
				err = 1
			}
			exit err
		}' "$@"
}

# cl_complete SENDERLOG... -- RECEIVERLOG...: each receiver got every message
# of each sender, in order, 1..count, and the sender's END with that count.
cl_complete() {
	local senders=""
	while [ $# -gt 0 ] && [ "$1" != -- ]; do senders="$senders $1"; shift; done
	shift
	awk -v senders="$senders" '
		BEGIN {
			ns = split(senders, s, " ")
			for (i = 1; i <= ns; i++) {
				while ((getline line < s[i]) > 0) {
					split(line, x, " ")
					if (x[1] == "I") { want[x[2] " " x[3]] = s[i]; sub(/.*\//, "", want[x[2] " " x[3]]) }
				}
				close(s[i])
			}
		}
		($2 " " $3) in want {
			w = $2 " " $3; r = FILENAME
			if ($1 == "D") {
				if ($4 != got[r, w] + 1 && !gap[r, w])
					gap[r, w] = sprintf("message %d after %d", $4, got[r, w] + 0)
				got[r, w] = $4
			} else if ($1 == "E") {
				ended[r, w] = 1; count[r, w] = $4
			}
		}
		END {
			nw = 0
			for (w in want) nw++
			for (i = 1; i < ARGC; i++) for (w in want) {
				r = ARGV[i]; rn = r; sub(/.*\//, "", rn)
				if (gap[r, w]) why = gap[r, w]
				else if (!ended[r, w]) why = sprintf("no END (last message %d)", got[r, w])
				else if (count[r, w] != got[r, w]) why = sprintf("END says %d sent, %d delivered", count[r, w], got[r, w])
				else continue
				printf "%s, from %s: %s\n", rn, want[w], why
				err = 1
			}
			if (!nw) { print "no senders"; err = 1 }
			if (!err) printf "%d receivers got all messages of %d senders\n", ARGC - 1, nw
			exit err
		}' "$@"
}

# cl_saw PART NODE REASON LOG...: whether every log has a confchg listing a
# process of NODE in its PART (2 left, 3 joined) with REASON (3 NODEDOWN,
# 4 NODEUP); names the logs that do not.
cl_saw() {
	awk -v part="$1" -v node="$2" -v reason="$3" '
		$1 == "C" { split($0, p, "|"); n = split(p[part], e, " ")
			for (i = 1; i <= n; i++) { split(e[i], x, ":")
				if (x[1] == node && x[3] == reason) ok[FILENAME] = 1 } }
		END { for (i = 1; i < ARGC; i++) if (!ok[ARGV[i]]) { print ARGV[i] ": none"; err = 1 }
			exit err }' "${@:4}"
}

# cl_all_members_now N LOG...: every log's last confchg has N members.
cl_all_members_now() {
	awk -v want="n=$1" '
		$1 == "C" { now[FILENAME] = $2 }
		END { for (i = 1; i < ARGC; i++) if (now[ARGV[i]] != want) exit 1 }' "${@:2}"
}

# cl_no_ghosts LOG...: the membership in force at every log's last END lists
# exactly the processes that wrote the logs (nodeid:pid), no more, no fewer.
# (Later confchgs show members leaving as they finish: no process leaves
# before the last END, which every member delivers in the same order.)
cl_no_ghosts() {
	awk '
		FNR == 1 { lastc = "" }
		$1 == "I" { alive[$2 ":" $3] = 1 }
		$1 == "C" { split($0, p, "|"); lastc = p[1] }
		$1 == "E" { atend[FILENAME] = lastc }
		END {
			for (a in alive) { want = want " " a; nalive++ }
			for (i = 1; i < ARGC; i++) {
				f = ARGV[i]; n = split(atend[f], e, " "); delete seen; got = ""
				for (j = 3; j <= n; j++) { seen[e[j]] = 1; got = got " " e[j] }
				ok = (n - 2 == nalive)
				for (a in alive) if (!(a in seen)) ok = 0
				if (!ok) { printf "%s: membership at the last END {%s }, processes alive {%s }\n", f, got, want; err = 1 }
			}
			if (!err) printf "every membership at the last END is exactly the %d live processes\n", nalive
			exit err
		}' "$@"
}

# The checks below hold whatever the network did, as extended virtual
# synchrony promises: under load a ring may break up and merge again, even
# between nodes that can reach each other, and members that were apart
# legitimately deliver different messages.

# cl_vs LOG...: members that pass from one ring to the next together
# delivered the same events (messages, ENDs, confchgs), in the same order, in
# the ring they left.  Each body is cut at its totem confchgs into segments
# named "ring->next ring" (the first ring is the one that completed the
# group, common to all); segments of the same name must be identical.
cl_vs() {
	# Events are kept one per array element: building strings would copy
	# each log over and over (minutes under emulation).
	awk "$CL_AWK_BODY"'
		function close_seg(i, k) { key[i, ++nseg[i]] = k; if (!(k in nw)) order[++nk] = k
			who[k, ++nw[k]] = i; cnt[k, i] = m }
		END {
			for (i = 1; i <= f; i++) {
				prev = "start"; m = 0; base = 0
				for (j = 1; j <= last[i]; j++) {
					split(ev[i, j], x, " ")
					if (x[1] == "T") { close_seg(i, prev "->" x[2]); first[prev "->" x[2], i] = base
						prev = x[2]; m = 0; base = j; continue }
					m++
				}
				close_seg(i, prev "->end"); first[prev "->end", i] = base
			}
			for (q = 1; q <= nk; q++) {
				k = order[q]
				if (nw[k] < 2) continue
				shared++
				a = who[k, 1]
				for (w = 2; w <= nw[k]; w++) {
					b = who[k, w]; ja = first[k, a]; jb = first[k, b]; d = 0
					for (;;) {
						do ja++; while (ja <= last[a] && substr(ev[a, ja], 1, 1) == "T")
						do jb++; while (jb <= last[b] && substr(ev[b, jb], 1, 1) == "T")
						d++
						ea = ja <= last[a] ? ev[a, ja] : "(no more events)"
						eb = jb <= last[b] ? ev[b, jb] : "(no more events)"
						if (d > cnt[k, a] && d > cnt[k, b]) break
						if (d > cnt[k, a]) ea = "(end of the ring)"
						if (d > cnt[k, b]) eb = "(end of the ring)"
						if (ea == eb) continue
						printf "ring %s: %s and %s differ at event %d of it:\n    %s: %s\n    %s: %s\n", \
							k, name[a], name[b], d, name[a], ea, name[b], eb
						err = 1
						break
					}
				}
			}
			if (!shared) { print "no ring shared by two members"; exit 1 }
			if (!err) printf "%d ring transitions shared by several members, each identical at all of them\n", shared
			exit err
		}' "$@"
}

# cl_order LOG...: one total order: any two members deliver the messages
# they both deliver in the same order.
cl_order() {
	awk '
		$1 == "D" || $1 == "E" { id = $1 " " $2 " " $3 " " $4; pos[FILENAME, id] = ++n[FILENAME]
			at[FILENAME, n[FILENAME]] = id }
		END {
			for (i = 1; i < ARGC; i++) for (j = i + 1; j < ARGC; j++) {
				a = ARGV[i]; b = ARGV[j]; prev = 0; prevk = 0
				for (k = 1; k <= n[b]; k++) {
					id = at[b, k]
					if (!((a, id) in pos)) continue
					if (pos[a, id] < prev) {
						printf "%s delivers %s after %s, %s before it\n", b, id, at[b, prevk], a
						err = 1
						break
					}
					prev = pos[a, id]; prevk = k
				}
			}
			if (!err) printf "%d members, every pair agrees on the order of what both delivered\n", ARGC - 1
			exit err
		}' "$@"
}

# cl_self LOG...: every member delivered each of its own messages, 1 to its
# count, and its own END.
cl_self() {
	awk '
		FNR == 1 { me = "" }
		$1 == "I" { me = $2 " " $3; want[FILENAME] = me }
		me != "" && $1 == "D" && ($2 " " $3) == me {
			if ($4 != got[FILENAME] + 1 && !gap[FILENAME])
				gap[FILENAME] = sprintf("own message %d after %d", $4, got[FILENAME])
			got[FILENAME] = $4 }
		me != "" && $1 == "E" && ($2 " " $3) == me { ended[FILENAME] = 1; cnt[FILENAME] = $4 }
		END {
			for (i = 1; i < ARGC; i++) {
				f = ARGV[i]
				if (gap[f]) why = gap[f]
				else if (!ended[f]) why = "no own END"
				else if (cnt[f] != got[f]) why = sprintf("END says %d, delivered %d", cnt[f], got[f])
				else continue
				printf "%s: %s\n", f, why; err = 1
			}
			if (!err) printf "%d members delivered all their own messages\n", ARGC - 1
			exit err
		}' "$@"
}

# cl_delivered_apart GONE LOG...: for each log, the data messages delivered
# between the confchg where node GONE's processes left (NODEDOWN) and the
# next one where they joined back (NODEUP); fails if one log got none.
cl_delivered_apart() {
	awk -v gone="$1" '
		FNR == 1 { on = 0; done = 0; n[FILENAME] = 0 }
		$1 == "C" && !done { split($0, p, "|")
			if (!on && p[2] ~ ("(^| )" gone ":[0-9]+:3( |$)")) { on = 1; next }
			if (on && p[3] ~ ("(^| )" gone ":[0-9]+:4( |$)")) { on = 0; done = 1 } }
		on && $1 == "D" { n[FILENAME]++ }
		END { for (i = 1; i < ARGC; i++) { f = ARGV[i]; g = f; sub(/.*\//, "", g)
				printf "%s: %d messages while apart\n", g, n[f]; if (!n[f]) err = 1 }
			exit err }' "${@:2}"
}

# cl_kcpgctl ARGS...: kcpgctl, bounded: a configuration call that blocks is
# a kernel bug (a lock held too long); show where it is stuck.
cl_kcpgctl() {
	local rc
	timeout 30 "$KCPGCTL" "$@"
	rc=$?
	if [ $rc = 124 ]; then
		echo "kcpgctl $* did not return in 30s" >&2
		"$KCPGCTL" "$@" >/dev/null 2>&1 &
		sleep 5
		cat "/proc/$!/stack" >&2 2>/dev/null
		kill -9 $! 2>/dev/null
	fi
	return $rc
}

# A node's counter from kcpgctl stats.
cl_stat() { cl_kcpgctl -n "n$1" stats | awk -v k="$2" '$1 == k { print $2 }'; }

# UDP datagrams sent from a namespace (IPv4 + IPv6), from the kernel's MIBs.
cl_udp_out() {
	ip netns exec "$1" cat /proc/net/snmp /proc/net/snmp6 | awk '
		$1 == "Udp:" && $2 ~ /^[0-9]+$/ { v4 = $5 }
		$1 == "Udp6OutDatagrams" { v6 = $2 }
		END { print v4 + v6 }'
}

# A deleted namespace is really freed: kcpg counts its live instances, one
# per network namespace (/sys/module/kcpg/parameters/instances), and the
# count drops once a namespace's pernet exits have run.  A reference to a
# namespace held by anyone, kcpg's instance, socket or handles included,
# would keep it up forever; cl_settled waits (a hang guard) until every
# instance belongs to a namespace something can still reach: one of a live
# process (kernel threads included) or a named one.
CL_INSTANCES=/sys/module/kcpg/parameters/instances

cl_reachable_netns() {
	stat -L -c %i /proc/[0-9]*/ns/net /run/netns/* 2>/dev/null | sort -u | wc -l
}

_cl_settled() {
	local i r
	i=$(cat "$CL_INSTANCES") r=$(cl_reachable_netns)
	echo "$i kcpg instances, $r network namespaces reachable" >"$CL_DIR/instances"
	[ "$i" = "$r" ]
}

# cl_settled WHAT: waits until there are as many instances as reachable
# namespaces; says the last count either way.
cl_settled() {
	[ -r "$CL_INSTANCES" ] || kfail "no $CL_INSTANCES" || return 1
	cl_until "$CL_TIMEOUT" "$1" _cl_settled
	local rc=$?
	cat "$CL_DIR/instances"
	return $rc
}
