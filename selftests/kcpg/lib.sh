# Shell-test helpers printing kselftest-style TAP (sourced by test_*.sh).
#   ktest NAME CMD...   run CMD as one test case; pass when it exits 0
#   kskip NAME WHY      record a skipped case
#   kdone               print the totals and exit with the right status
_kn=0 _kpass=0 _kfail=0 _kskip=0
KTOP=${KCPG_TOP:-$(cd "$(dirname "$0")/../.." && pwd)}

ktest() {
	local name=$1 out rc
	shift
	_kn=$((_kn + 1))
	out=$("$@" 2>&1)
	rc=$?
	[ -n "$out" ] && printf '%s\n' "$out" | sed 's/^/#   /'
	if [ $rc = 0 ]; then
		_kpass=$((_kpass + 1))
		echo "ok $_kn $name"
	else
		_kfail=$((_kfail + 1))
		echo "not ok $_kn $name (status $rc)"
	fi
}

kskip() {
	_kn=$((_kn + 1))
	_kskip=$((_kskip + 1))
	echo "ok $_kn $1 # SKIP $2"
}

kdone() {
	echo "# Totals: pass:$_kpass fail:$_kfail xfail:0 xpass:0 skip:$_kskip error:0"
	[ $_kfail = 0 ]
	exit $?
}

# Fail with a message.
kfail() { echo "$*" >&2; return 1; }
