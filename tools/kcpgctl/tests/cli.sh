#!/bin/bash
# Command-line behaviour of the kcpgctl binary that needs no kcpg module:
# exit statuses, usage errors naming the bad token, file errors naming the
# line, and the message when the family is missing (the host has no module).
#   tests/cli.sh ./kcpgctl
set -u
bin=${1:?usage: cli.sh KCPGCTL}
n=0 pass=0 fail=0
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT

# expect NAME STATUS PATTERN CMD...: CMD exits with STATUS and its stderr
# (or stdout when STATUS is 0) matches the extended regex PATTERN.
expect() {
	local name=$1 want=$2 pat=$3 out rc
	shift 3
	n=$((n + 1))
	out=$("$@" 2>&1 >"$tmp/stdout")
	rc=$?
	[ "$want" = 0 ] && out=$(cat "$tmp/stdout")
	if [ "$rc" = "$want" ] && printf '%s\n' "$out" | grep -Eq -- "$pat"; then
		pass=$((pass + 1))
		echo "ok $n $name"
	else
		fail=$((fail + 1))
		echo "not ok $n $name (status $rc, want $want)"
		printf '%s\n' "$out" | sed 's/^/#   /'
	fi
}

family_registered=0
grep -qs kcpg /proc/modules && family_registered=1

expect "help" 0 '^Usage: kcpgctl' "$bin" help
expect "--help" 0 'peer add id N addr ADDR' "$bin" --help
expect "no command" 2 '^Usage:' "$bin"
expect "version" 0 '^kcpgctl [0-9]' "$bin" -V
expect "unknown command names it" 2 "unknown command 'frobnicate'" "$bin" frobnicate
expect "unknown option names it" 2 "unknown option '-x'" "$bin" -x status
expect "-n needs a value" 2 "'-n' needs a namespace" "$bin" -n
expect "missing namespace" 1 "cannot open network namespace 'nope'" "$bin" -n nope status
expect "node set bad token" 2 "unknown argument 'colour'" "$bin" node set id 1 colour red
expect "node set bad address" 2 "invalid address 'ten'" "$bin" node set addr ten
expect "node set bad port" 2 "invalid port '99999'" "$bin" node set port 99999
expect "node set twice" 2 "'token' given twice" "$bin" node set token 1 token 2
expect "node bad subcommand" 2 "unknown subcommand 'get'" "$bin" node get
expect "peer add missing addr" 2 "missing 'addr ADDRESS'" "$bin" peer add id 2
expect "peer del bad id" 2 "invalid node id 'two'" "$bin" peer del id two
expect "peer bad subcommand" 2 "unknown subcommand 'remove'" "$bin" peer remove id 2
expect "status takes no argument" 2 "status: unexpected argument 'now'" "$bin" status now
expect "monitor bad count" 2 "invalid count '0'" "$bin" monitor count 0
expect "load without file" 2 "load: missing FILE" "$bin" load
expect "load missing file" 1 "cannot open $tmp/none" "$bin" load "$tmp/none"
printf 'totem {\n\ttoken: 1000\n\tjoin: later\n}\n' >"$tmp/bad.conf"
expect "load names line and token" 1 "bad.conf:3: invalid join timeout 'later'" \
	"$bin" load "$tmp/bad.conf"
printf 'nodelist {\n node {\n  nodeid: 1\n  ring0_addr: 192.0.2.1\n }\n}\n' >"$tmp/far.conf"
expect "load without a local node" 1 "no node's ring0_addr is configured on this host" \
	"$bin" load "$tmp/far.conf"
expect "load nodeid not in file" 1 "node 9 is not in the nodelist" \
	"$bin" load "$tmp/far.conf" nodeid 9
if [ $family_registered = 0 ]; then
	expect "no module: clear message" 1 "family is not registered \(is kcpg.ko loaded\?\)" \
		"$bin" status
	expect "no module: load says so too" 1 "is kcpg.ko loaded" \
		"$bin" load "$tmp/far.conf" nodeid 1
fi
echo "cli: $pass passed, $fail failed"
[ $fail = 0 ]
