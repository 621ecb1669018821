#!/bin/bash
# Who may open /dev/kcpg.  udev/60-kcpg.rules gives the device a group and
# a mode (kcpg, 0660); the test VM runs no udev, so this test applies what
# the rule says by hand, as udev would, with a kcpg group bind-mounted into
# /etc/group, then checks that a user outside the group cannot open the
# device and a member can, and use it.  Also: lseek() on the device fails
# with ESPIPE (the handle has no llseek since compat.h dropped no_llseek).
#
# Each case runs in its own subshell under "set -eu" (ktest runs it in a
# command substitution); the top level only sets up and counts.
. "$(dirname "$0")/lib.sh"
set -u

RULE=$KTOP/udev/60-kcpg.rules
DEMO=$KTOP/tools/kcpg-demo
NOBODY=65534
work=$(mktemp -d)
group_mounted=0

cleanup() {
	if [ -n "${orig_owner:-}" ] && [ -c /dev/kcpg ]; then
		chown "$orig_owner" /dev/kcpg
		chmod "$orig_mode" /dev/kcpg
	fi
	[ "$group_mounted" = 1 ] && umount /etc/group
	rm -rf "$work"
}
trap cleanup EXIT

# The value of KEY="..." in the rule's line for the kcpg device.
rule_value() {
	grep -E '^[[:space:]]*KERNEL=="kcpg"' "$RULE" |
		sed -nE "s/.*[[:space:],]$1=\"([^\"]*)\".*/\1/p" | head -n 1
}

# open /dev/kcpg read-write as user NOBODY with the given setpriv options.
open_as() {
	setpriv --reuid="$NOBODY" "$@" -- sh -c 'exec 3<>/dev/kcpg' 2>&1
}

# Does to /dev/kcpg what the rule asks for, then checks the result is the
# policy of kcpg(7): group kcpg, mode 0660.
rule_applied() {
	set -eu
	local group mode
	group=$(rule_value GROUP)
	mode=$(rule_value MODE)
	[ -n "$group" ] && [ -n "$mode" ] || kfail "no GROUP and MODE for kcpg in $RULE"
	chgrp "$group" /dev/kcpg
	chmod "$mode" /dev/kcpg
	[ "$(stat -c '%G %a' /dev/kcpg)" = "kcpg 660" ] ||
		kfail "the rule makes /dev/kcpg '$(stat -c '%G %a' /dev/kcpg)', want 'kcpg 660'"
}

nonmember_refused() {
	set -eu
	local out
	if out=$(open_as --regid="$NOBODY" --clear-groups); then
		kfail "a user outside group kcpg opened /dev/kcpg"
	fi
	case "$out" in
	*"Permission denied"*) ;;
	*) kfail "open failed, but not with EACCES: $out" ;;
	esac
}

member_opens() {
	set -eu
	open_as --regid="$NOBODY" --groups="$KCPG_GID" ||
		kfail "a member of group kcpg (supplementary) could not open /dev/kcpg"
	open_as --regid="$KCPG_GID" --clear-groups ||
		kfail "a user whose primary group is kcpg could not open /dev/kcpg"
}

# The whole API, not only open(): mmap, join, send and deliver.
member_runs_group() {
	set -eu
	setpriv --reuid="$NOBODY" --regid="$NOBODY" --groups="$KCPG_GID" -- \
		"$DEMO" -n 2 -m 3 || kfail "kcpg-demo failed for a member of group kcpg"
}

nonmember_demo_fails() {
	set -eu
	if setpriv --reuid="$NOBODY" --regid="$NOBODY" --clear-groups -- \
		"$DEMO" -n 2 -m 1; then
		kfail "kcpg-demo ran for a user outside group kcpg"
	fi
}

lseek_refused() {
	set -eu
	python3 - <<'PY'
import errno, os
fd = os.open("/dev/kcpg", os.O_RDWR)
try:
    os.lseek(fd, 0, os.SEEK_SET)
except OSError as e:
    assert e.errno == errno.ESPIPE, e
else:
    raise SystemExit("lseek on /dev/kcpg succeeded")
PY
}

if [ "${KCPG_IN_VM:-}" != 1 ]; then
	# It changes /dev/kcpg and mounts over /etc/group: only in the VM.
	kskip "permissions of /dev/kcpg" "only in the test VM (scripts/vm-run)"
	kdone
fi
if [ ! -c /dev/kcpg ]; then
	ktest "/dev/kcpg exists" false
	kdone
fi
orig_owner=$(stat -c '%u:%g' /dev/kcpg)
orig_mode=$(stat -c '%a' /dev/kcpg)

# A kcpg group, as the kcpg-dkms package creates it (the host's /etc is
# read-only in the VM).
KCPG_GID=$(getent group kcpg | cut -d: -f3)
if [ -z "$KCPG_GID" ]; then
	KCPG_GID=64990
	while getent group "$KCPG_GID" >/dev/null; do KCPG_GID=$((KCPG_GID + 1)); done
	cp /etc/group "$work/group"
	echo "kcpg:x:$KCPG_GID:" >>"$work/group"
	mount --bind "$work/group" /etc/group
	group_mounted=1
fi

ktest "the udev rule's group and mode, applied to /dev/kcpg" rule_applied
ktest "a user outside group kcpg cannot open /dev/kcpg (EACCES)" nonmember_refused
ktest "a member of group kcpg can open /dev/kcpg" member_opens
if [ ! -x "$DEMO" ]; then
	# Not built by "make all": build it here, readable by the test user.
	chmod 755 "$work"
	DEMO=$work/kcpg-demo
	cc -std=gnu11 -O2 -I"$KTOP/include" -o "$DEMO" "$KTOP/tools/kcpg-demo.c" \
		-L"$KTOP/ulib" -lcpg-kshim -Wl,-rpath,"$KTOP/ulib" || DEMO=
fi
if [ -n "$DEMO" ]; then
	ktest "a member of group kcpg runs a process group (kcpg-demo)" member_runs_group
	ktest "kcpg-demo fails for a user outside group kcpg" nonmember_demo_fails
else
	ktest "kcpg-demo builds" false
fi
ktest "lseek on /dev/kcpg fails with ESPIPE" lseek_refused
kdone
