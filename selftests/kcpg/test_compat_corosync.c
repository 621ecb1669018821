// SPDX-License-Identifier: GPL-2.0
/*
 * An unmodified corosync client: built against the system's corosync
 * headers (/usr/include/corosync, package libcpg-dev) and linked against
 * the system's libcpg.so.4, it must run against kcpg when our compat
 * libcpg.so.4 comes first on LD_LIBRARY_PATH (selftests/run-tests does
 * that).  The first test checks that our library is the one loaded: if the
 * system's was, the program re-executes itself once with the checkout's
 * ulib/ first; if it is still not ours, that test fails.
 *
 * Nothing here includes a kcpg header.
 */
#include <dlfcn.h>
#include <limits.h>
#include <link.h>
#include <poll.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <corosync/cpg.h>

#include "kcpg_harness.h"

#define GROUP "compat-corosync"

/* ---- which libcpg.so.4 is this? ----------------------------------- */

static char loaded_cpg[PATH_MAX];

static int find_cpg(struct dl_phdr_info *info, size_t size, void *arg)
{
	const char *name = info->dlpi_name;
	const char *base = strrchr(name, '/');

	if (base && strcmp(base + 1, "libcpg.so.4") == 0 && !loaded_cpg[0]) {
		if (!realpath(name, loaded_cpg))
			snprintf(loaded_cpg, sizeof(loaded_cpg), "%s", name);
	}
	return 0;
}

/* The checkout's ulib/: $KCPG_TOP/ulib, or ../../ulib from this program. */
static int our_ulib(char *dir, size_t len)
{
	const char *top = getenv("KCPG_TOP");
	char exe[PATH_MAX], *slash;
	ssize_t n;

	if (top && *top)
		return snprintf(dir, len, "%s/ulib", top) < (int)len ? 0 : -1;
	n = readlink("/proc/self/exe", exe, sizeof(exe) - 1);
	if (n <= 0)
		return -1;
	exe[n] = 0;
	slash = strrchr(exe, '/');
	if (!slash)
		return -1;
	*slash = 0;
	return snprintf(dir, len, "%s/../../ulib", exe) < (int)len ? 0 : -1;
}

static bool same_file(const char *a, const char *b)
{
	struct stat sa, sb;

	return stat(a, &sa) == 0 && stat(b, &sb) == 0 &&
	       sa.st_dev == sb.st_dev && sa.st_ino == sb.st_ino;
}

static bool using_ours(void)
{
	char dir[PATH_MAX], ours[PATH_MAX + 16];

	loaded_cpg[0] = 0;
	dl_iterate_phdr(find_cpg, NULL);
	if (!loaded_cpg[0] || our_ulib(dir, sizeof(dir)))
		return false;
	snprintf(ours, sizeof(ours), "%s/libcpg.so.4", dir);
	return same_file(loaded_cpg, ours);
}

/* Before the harness starts: make sure we run on our library if we can. */
__attribute__((constructor)) static void reexec_on_ours(void)
{
	char dir[PATH_MAX], path[2 * PATH_MAX + 2];
	const char *old = getenv("LD_LIBRARY_PATH");
	char *argv[2] = { NULL, NULL };
	char exe[PATH_MAX];
	ssize_t n;

	if (using_ours() || getenv("KCPG_COMPAT_REEXEC") || our_ulib(dir, sizeof(dir)))
		return;
	n = readlink("/proc/self/exe", exe, sizeof(exe) - 1);
	if (n <= 0)
		return;
	exe[n] = 0;
	snprintf(path, sizeof(path), "%s%s%s", dir, old && *old ? ":" : "", old ? old : "");
	setenv("LD_LIBRARY_PATH", path, 1);
	setenv("KCPG_COMPAT_REEXEC", "1", 1);
	argv[0] = exe;
	execv(exe, argv);
}

TEST(runs_on_kcpg_compat_library)
{
	Dl_info info;

	ASSERT_TRUE(using_ours());
	TH_LOG("libcpg.so.4 is %s", loaded_cpg);
	/* cs_strerror (libcorosync_common upstream) resolves to ours too. */
	ASSERT_NE(0, dladdr((void *)cs_strerror, &info));
	EXPECT_NE(NULL, strstr(info.dli_fname, "libcpg.so.4"));
}

/* ---- a small corosync-style client --------------------------------- */

struct state {
	int confchgs, msgs, totems;
	size_t last_members;
	uint32_t last_joined_pid, last_left_pid, last_left_reason;
	char last_msg[64];
	size_t last_len;
	uint32_t last_pid;
	struct cpg_ring_id ring;
};

static struct state st;

static void deliver(cpg_handle_t handle, const struct cpg_name *group_name, uint32_t nodeid,
		    uint32_t pid, void *msg, size_t msg_len)
{
	st.msgs++;
	st.last_pid = pid;
	st.last_len = msg_len;
	memcpy(st.last_msg, msg, msg_len < sizeof(st.last_msg) ? msg_len : sizeof(st.last_msg));
}

static void confchg(cpg_handle_t handle, const struct cpg_name *group_name,
		    const struct cpg_address *member_list, size_t member_list_entries,
		    const struct cpg_address *left_list, size_t left_list_entries,
		    const struct cpg_address *joined_list, size_t joined_list_entries)
{
	st.confchgs++;
	st.last_members = member_list_entries;
	if (joined_list_entries)
		st.last_joined_pid = joined_list[0].pid;
	if (left_list_entries) {
		st.last_left_pid = left_list[0].pid;
		st.last_left_reason = left_list[0].reason;
	}
}

static void totem(cpg_handle_t handle, struct cpg_ring_id ring_id,
		  uint32_t member_list_entries, const uint32_t *member_list)
{
	st.totems++;
	st.ring = ring_id;
}

/* Poll the fd and dispatch, like most corosync clients, until cond. */
static int pump(cpg_handle_t h, int *counter, int want)
{
	struct pollfd pfd = { .events = POLLIN };
	int rounds;

	if (cpg_fd_get(h, &pfd.fd) != CS_OK)
		return -1;
	for (rounds = 0; rounds < 600 && *counter < want; rounds++) {
		poll(&pfd, 1, 100);
		if (cpg_dispatch(h, CS_DISPATCH_ALL) != CS_OK)
			return -1;
	}
	return *counter >= want ? 0 : -1;
}

TEST(join_send_receive_leave)
{
	cpg_callbacks_t cb = { .cpg_deliver_fn = deliver, .cpg_confchg_fn = confchg };
	struct cpg_name g = { .length = strlen(GROUP) };
	struct iovec iov[2] = { { "corosync ", 9 }, { "client", 6 } };
	struct cpg_address list[CPG_MEMBERS_MAX];
	unsigned int node;
	uint32_t max;
	cpg_handle_t h;
	int n = CPG_MEMBERS_MAX;

	memcpy(g.value, GROUP, g.length);
	memset(&st, 0, sizeof(st));
	ASSERT_EQ(CS_OK, cpg_initialize(&h, &cb));
	ASSERT_EQ(CS_OK, cpg_local_get(h, &node));
	ASSERT_EQ(CS_OK, cpg_max_atomic_msgsize_get(h, &max));
	EXPECT_GE(max, 1047552);
	ASSERT_EQ(CS_OK, cpg_join(h, &g));
	ASSERT_EQ(0, pump(h, &st.confchgs, 1));
	EXPECT_EQ(1, st.last_members);
	EXPECT_EQ((uint32_t)getpid(), st.last_joined_pid);
	ASSERT_EQ(CS_OK, cpg_membership_get(h, &g, list, &n));
	ASSERT_EQ(1, n);
	EXPECT_EQ(node, list[0].nodeid);
	EXPECT_EQ((uint32_t)getpid(), list[0].pid);
	ASSERT_EQ(CS_OK, cpg_mcast_joined(h, CPG_TYPE_AGREED, iov, 2));
	ASSERT_EQ(0, pump(h, &st.msgs, 1));
	EXPECT_EQ(15, st.last_len);
	EXPECT_EQ(0, memcmp(st.last_msg, "corosync client", 15));
	EXPECT_EQ((uint32_t)getpid(), st.last_pid);
	ASSERT_EQ(CS_OK, cpg_leave(h, &g));
	ASSERT_EQ(0, pump(h, &st.confchgs, 2));
	EXPECT_EQ(CPG_REASON_LEAVE, st.last_left_reason);
	ASSERT_EQ(CS_OK, cpg_finalize(h));
	EXPECT_EQ(CS_ERR_BAD_HANDLE, cpg_finalize(h));
}

TEST(model_v1_with_initial_totem_and_context)
{
	cpg_model_v1_data_t m = {
		.model = CPG_MODEL_V1,
		.cpg_deliver_fn = deliver,
		.cpg_confchg_fn = confchg,
		.cpg_totem_confchg_fn = totem,
		.flags = CPG_MODEL_V1_DELIVER_INITIAL_TOTEM_CONF,
	};
	struct cpg_name g = { .length = strlen(GROUP) };
	cpg_flow_control_state_t flow;
	cpg_handle_t h;
	void *ctx = NULL;

	memcpy(g.value, GROUP, g.length);
	memset(&st, 0, sizeof(st));
	ASSERT_EQ(CS_OK, cpg_model_initialize(&h, CPG_MODEL_V1, (cpg_model_data_t *)&m, &st));
	ASSERT_EQ(CS_OK, cpg_context_get(h, &ctx));
	EXPECT_EQ(&st, ctx);
	ASSERT_EQ(CS_OK, cpg_flow_control_state_get(h, &flow));
	EXPECT_EQ(CPG_FLOW_CONTROL_DISABLED, flow);
	ASSERT_EQ(CS_OK, cpg_join(h, &g));
	ASSERT_EQ(0, pump(h, &st.totems, 1));
	EXPECT_NE(0, st.ring.nodeid);
	ASSERT_EQ(CS_OK, cpg_finalize(h));
}

TEST(zero_copy_and_iteration)
{
	cpg_callbacks_t cb = { .cpg_deliver_fn = deliver, .cpg_confchg_fn = confchg };
	struct cpg_name g = { .length = strlen(GROUP) };
	struct cpg_iteration_description_t d;
	cpg_iteration_handle_t it;
	cpg_handle_t h;
	int found = 0;
	void *buf;

	memcpy(g.value, GROUP, g.length);
	memset(&st, 0, sizeof(st));
	ASSERT_EQ(CS_OK, cpg_initialize(&h, &cb));
	ASSERT_EQ(CS_OK, cpg_join(h, &g));
	ASSERT_EQ(CS_OK, cpg_zcb_alloc(h, 4096, &buf));
	strcpy(buf, "zero copy");
	ASSERT_EQ(CS_OK, cpg_zcb_mcast_joined(h, CPG_TYPE_AGREED, buf, 10));
	memset(buf, 0, 4096);
	ASSERT_EQ(0, pump(h, &st.msgs, 1));
	EXPECT_STREQ("zero copy", st.last_msg);
	ASSERT_EQ(CS_OK, cpg_zcb_free(h, buf));

	ASSERT_EQ(CS_OK, cpg_iteration_initialize(h, CPG_ITERATION_ONE_GROUP, &g, &it));
	while (cpg_iteration_next(it, &d) == CS_OK)
		found += d.pid == (uint32_t)getpid();
	EXPECT_EQ(1, found);
	ASSERT_EQ(CS_OK, cpg_iteration_finalize(it));
	ASSERT_EQ(CS_OK, cpg_finalize(h));
}

/* cpgbench's shape: BLOCKING dispatch here, sends from another thread. */
static int bench_received;

static void bench_deliver(cpg_handle_t handle, const struct cpg_name *group_name,
			  uint32_t nodeid, uint32_t pid, void *msg, size_t msg_len)
{
	if (++bench_received == 2000)
		cpg_finalize(handle);
}

static void *bench_send(void *arg)
{
	cpg_handle_t h = *(cpg_handle_t *)arg;
	char data[1000] = { 0 };
	struct iovec iov = { data, sizeof(data) };
	int i;

	for (i = 0; i < 2000; i++)
		while (cpg_mcast_joined(h, CPG_TYPE_AGREED, &iov, 1) == CS_ERR_TRY_AGAIN)
			usleep(100);
	return NULL;
}

TEST(cpgbench_shape)
{
	cpg_callbacks_t cb = { .cpg_deliver_fn = bench_deliver };
	struct cpg_name g = { .length = strlen(GROUP) };
	pthread_t th;
	cpg_handle_t h;

	memcpy(g.value, GROUP, g.length);
	ASSERT_EQ(CS_OK, cpg_initialize(&h, &cb));
	ASSERT_EQ(CS_OK, cpg_join(h, &g));
	ASSERT_EQ(0, pthread_create(&th, NULL, bench_send, &h));
	EXPECT_EQ(CS_ERR_BAD_HANDLE, cpg_dispatch(h, CS_DISPATCH_BLOCKING));
	pthread_join(th, NULL);
	EXPECT_EQ(2000, bench_received);
}

TEST(two_processes)
{
	cpg_callbacks_t cb = { .cpg_deliver_fn = deliver, .cpg_confchg_fn = confchg };
	struct cpg_name g = { .length = strlen(GROUP) };
	int go[2], status;
	cpg_handle_t h;
	pid_t pid;
	char x;

	memcpy(g.value, GROUP, g.length);
	memset(&st, 0, sizeof(st));
	ASSERT_EQ(0, pipe(go));
	ASSERT_EQ(CS_OK, cpg_initialize(&h, &cb));
	ASSERT_EQ(CS_OK, cpg_join(h, &g));
	pid = fork();
	ASSERT_GE(pid, 0);
	if (pid == 0) {
		struct iovec iov = { "from the child", 14 };
		cpg_handle_t c;

		close(go[1]);	/* EOF when the parent closes its end */
		if (cpg_initialize(&c, NULL) != CS_OK || cpg_join(c, &g) != CS_OK ||
		    cpg_mcast_joined(c, CPG_TYPE_AGREED, &iov, 1) != CS_OK)
			_exit(1);
		(void)!read(go[0], &x, 1);
		_exit(0);	/* without finalize */
	}
	ASSERT_EQ(0, pump(h, &st.msgs, 1));
	EXPECT_EQ((uint32_t)pid, st.last_pid);
	EXPECT_EQ(0, memcmp(st.last_msg, "from the child", 14));
	close(go[1]);
	waitpid(pid, &status, 0);
	ASSERT_EQ(0, pump(h, &st.confchgs, 3));
	EXPECT_EQ((uint32_t)pid, st.last_left_pid);
	EXPECT_EQ(CPG_REASON_PROCDOWN, st.last_left_reason);
	ASSERT_EQ(CS_OK, cpg_finalize(h));
}

TEST_HARNESS_MAIN
