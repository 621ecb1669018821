#!/bin/sh
# Checks the shared libraries of one build variant (directory $1): SONAMEs,
# exactly the API's 21 symbols exported, all under COROSYNC_CPG_1.0, and no
# dependency on corosync's own libraries.  Prints RESULT like the unit tests.
dir=${1:-.}
pass=0 fail=0
ok() { pass=$((pass + 1)); echo "ok $((pass + fail)) exports.$1"; }
bad() { fail=$((fail + 1)); echo "not ok $((pass + fail)) exports.$1"; shift; echo "#   $*"; }

want="cpg_context_get cpg_context_set cpg_dispatch cpg_fd_get cpg_finalize
cpg_flow_control_state_get cpg_initialize cpg_iteration_finalize
cpg_iteration_initialize cpg_iteration_next cpg_join cpg_leave cpg_local_get
cpg_max_atomic_msgsize_get cpg_mcast_joined cpg_membership_get
cpg_model_initialize cpg_zcb_alloc cpg_zcb_free cpg_zcb_mcast_joined cs_strerror"
want=$(echo $want | tr ' ' '\n' | sort)

for lib in libcpg.so.4 libcpg-kshim.so.0; do
	f=$dir/$lib
	if [ ! -f "$f" ]; then bad "$lib.present" "$f missing"; continue; fi
	soname=$(readelf -d "$f" | sed -n 's/.*Library soname: \[\(.*\)\]/\1/p')
	[ "$soname" = "$lib" ] && ok "$lib.soname" || bad "$lib.soname" "soname '$soname'"
	# Defined, global, default-visibility dynamic symbols: name@@version.
	syms=$(readelf -W --dyn-syms "$f" | awk '$5 != "LOCAL" && $7 != "UND" && $4 == "FUNC" { print $8 }')
	names=$(echo "$syms" | sed 's/@.*//' | sort)
	[ "$names" = "$want" ] && ok "$lib.symbols" ||
		bad "$lib.symbols" "differs: $(echo "$names" | tr '\n' ' ')"
	unversioned=$(echo "$syms" | grep -v '@@COROSYNC_CPG_1\.0$' | tr '\n' ' ')
	[ -z "$unversioned" ] && ok "$lib.version_node" || bad "$lib.version_node" "$unversioned"
	needed=$(readelf -d "$f" | grep NEEDED | grep -E 'libcorosync|libqb|libcpg' || true)
	[ -z "$needed" ] && ok "$lib.no_corosync_deps" || bad "$lib.no_corosync_deps" "$needed"
done
echo "RESULT $pass $fail"
