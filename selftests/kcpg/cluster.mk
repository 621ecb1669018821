# Multi-node tests (cluster.sh, test_cluster_*.sh): the member program they
# start on each node, linked against libcpg-kshim like the API tests.  Not a
# test itself, so not named test_*.  (ulib.mk, read after this fragment,
# has the rule that builds the library.)
CLUSTER_ULIB := $(TOP)/ulib
TEST_PROGS += cluster_member

cluster_member: cluster_member.c $(CLUSTER_ULIB)/libcpg-kshim.so
	$(CC) $(CFLAGS) -o $@ $< -L$(CLUSTER_ULIB) -lcpg-kshim \
		-Wl,-rpath,'$$ORIGIN/../../ulib'

# The same program as a corosync application: built against the system's
# corosync headers and linked against Debian's libcpg.so.4, with none of our
# -I, -L or rpath.  The tests run it with our compat libcpg.so.4 first on
# LD_LIBRARY_PATH (selftests/run-tests), unchanged.
TEST_PROGS += cluster_member_corosync

cluster_member_corosync: cluster_member.c
	$(CC) -std=gnu11 -O2 -g -Wall -Wextra -Werror -D_GNU_SOURCE -o $@ $< -lcpg
