#!/bin/bash
# Module life cycle: load, /dev node and its mode, open/close, unload refused
# while a handle is open, unload/reload cycles leave nothing behind.
. "$(dirname "$0")/lib.sh"
MOD=${KCPG_MODULE:-$KTOP/kmod/kcpg.ko}
ALLOWED_TAINT=$((4096 | 8192))	# O (out of tree), E (unsigned)

loaded() { grep -q '^kcpg ' /proc/modules; }
ensure_loaded() { loaded || insmod "$MOD"; }
new_taint() {
	local now
	now=$(cat /proc/sys/kernel/tainted)
	echo $(( (now & ~T0) & ~ALLOWED_TAINT ))
}
T0=$(cat /proc/sys/kernel/tainted)

check_node() {
	[ -c /dev/kcpg ] || kfail "/dev/kcpg missing"
	local mode
	mode=$(stat -c %a /dev/kcpg)
	[ "$mode" = 660 ] || kfail "/dev/kcpg mode $mode, want 660"
	[ -e /sys/class/misc/kcpg ] || kfail "not a misc device"
}

check_gone() {
	! loaded || kfail "still in /proc/modules"
	[ ! -e /dev/kcpg ] || kfail "/dev/kcpg left behind"
	[ ! -e /sys/class/misc/kcpg ] || kfail "misc class entry left behind"
	[ ! -e /sys/module/kcpg ] || kfail "/sys/module/kcpg left behind"
}

open_close_loop() {
	local i
	for i in $(seq 1 500); do
		exec 3<>/dev/kcpg || return 1
		exec 3<&-
	done
	[ "$(refcnt)" = 0 ] || kfail "refcount $(refcnt) after closing everything"
}
refcnt() { cat /sys/module/kcpg/refcnt; }

unload_refused_while_open() {
	exec 3<>/dev/kcpg || return 1
	[ "$(refcnt)" -ge 1 ] || kfail "open file holds no module reference"
	if rmmod kcpg 2>/dev/null; then
		exec 3<&-
		kfail "rmmod succeeded with an open handle"
		return 1
	fi
	loaded || kfail "module vanished"
	exec 3<&-
	rmmod kcpg || kfail "rmmod failed after close"
	check_gone
}

reload_cycles() {
	local i
	for i in $(seq 1 20); do
		insmod "$MOD" || kfail "insmod #$i failed"
		check_node || return 1
		exec 3<>/dev/kcpg && exec 3<&-
		rmmod kcpg || kfail "rmmod #$i failed"
		check_gone || return 1
	done
	[ "$(new_taint)" = 0 ] || kfail "new taint $(new_taint)"
}

no_taint() { [ "$(new_taint)" = 0 ] || kfail "new taint flags $(new_taint)"; }

ensure_loaded
ktest "module loaded" loaded
ktest "/dev/kcpg is a misc char device with mode 660" check_node
ktest "open/close 500 times, refcount back to 0" open_close_loop
ktest "rmmod refused while a handle is open, clean after close" unload_refused_while_open
ktest "20 load/unload cycles leave nothing behind" reload_cycles
ensure_loaded
ktest "no taint beyond out-of-tree/unsigned" no_taint
kdone
