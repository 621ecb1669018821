# Multi-node tests (cluster.sh, test_cluster_*.sh): the member program they
# start on each node, linked against libcpg-kshim like the API tests.  Not a
# test itself, so not named test_*.  (ulib.mk, read after this fragment,
# has the rule that builds the library.)
CLUSTER_ULIB := $(TOP)/ulib
TEST_PROGS += cluster_member

cluster_member: cluster_member.c $(CLUSTER_ULIB)/libcpg-kshim.so
	$(CC) $(CFLAGS) -o $@ $< -L$(CLUSTER_ULIB) -lcpg-kshim \
		-Wl,-rpath,'$$ORIGIN/../../ulib'
