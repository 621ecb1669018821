// SPDX-License-Identifier: GPL-2.0
/*
 * libcpg-kshim against the real module, one process: every function of the
 * cpg.h contract and every error code it can give on one node.  (TRY_AGAIN
 * and BUSY of join/leave/mcast need a multi-node ring, where requests are
 * ordered asynchronously; the library's mapping of them is covered by the
 * host tests, make -C ulib check.)  Also built with -m32 (test_api_basic_m32).
 */
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <grp.h>
#include <sys/wait.h>

#include "kcpg_harness.h"
#include "ulib_test.h"

#define GROUP "api-basic"

static bool pollin(cpg_handle_t h, int timeout_ms)
{
	struct pollfd pfd = { .events = POLLIN };

	if (cpg_fd_get(h, &pfd.fd) != CS_OK)
		return false;
	return poll(&pfd, 1, timeout_ms) == 1 && (pfd.revents & POLLIN);
}

/* The permissions of the /dev/kcpg mapping holding p ("r--s"...), or "". */
static const char *kcpg_mapping_of(const void *p, char perms[5])
{
	char line[512], path[256];
	unsigned long lo, hi;
	FILE *f = fopen("/proc/self/maps", "r");

	perms[0] = 0;
	if (!f)
		return perms;
	while (fgets(line, sizeof(line), f)) {
		path[0] = 0;
		if (sscanf(line, "%lx-%lx %4s %*s %*s %*s %255s", &lo, &hi, perms, path) < 3)
			continue;
		if ((unsigned long)p >= lo && (unsigned long)p < hi) {
			if (strcmp(path, "/dev/kcpg") != 0)
				perms[0] = 0;
			break;
		}
		perms[0] = 0;
	}
	fclose(f);
	return perms;
}

TEST(deliver_reads_in_place_from_the_ring)
{
	struct iovec iov = { .iov_base = "in place", .iov_len = 8 };
	struct ut_rec rec;
	char perms[5];
	size_t n = 1;

	ASSERT_EQ(CS_OK, ut_open(&rec, 0));
	ASSERT_EQ(CS_OK, ut_join(rec.handle, GROUP));
	ASSERT_EQ(CS_OK, cpg_mcast_joined(rec.handle, CPG_TYPE_AGREED, &iov, 1));
	ASSERT_EQ(0, ut_dispatch_until(&rec, ut_has_msgs, &n, UT_TIMEOUT_MS, NULL));
	/* msg pointed into the shared, read-only ring. */
	EXPECT_STREQ("r--s", kcpg_mapping_of(rec.last_msg_ptr, perms));
	ASSERT_EQ(CS_OK, cpg_finalize(rec.handle));
	ut_rec_free(&rec);

	/* KCPG_COPY_DELIVER=1: a private copy instead. */
	setenv("KCPG_COPY_DELIVER", "1", 1);
	ASSERT_EQ(CS_OK, ut_open(&rec, 0));
	unsetenv("KCPG_COPY_DELIVER");
	ASSERT_EQ(CS_OK, ut_join(rec.handle, GROUP));
	ASSERT_EQ(CS_OK, cpg_mcast_joined(rec.handle, CPG_TYPE_AGREED, &iov, 1));
	ASSERT_EQ(0, ut_dispatch_until(&rec, ut_has_msgs, &n, UT_TIMEOUT_MS, NULL));
	EXPECT_STREQ("", kcpg_mapping_of(rec.last_msg_ptr, perms));
	EXPECT_EQ(ut_hash("in place", 8, 0), ut_last(&rec, 'm')->hash);
	ASSERT_EQ(CS_OK, cpg_finalize(rec.handle));
	ut_rec_free(&rec);
}

TEST(initialize_and_finalize)
{
	cpg_callbacks_t cb = { 0 };
	cpg_handle_t h, h2;
	int fd, fd2;

	ASSERT_EQ(CS_OK, cpg_initialize(&h, NULL));
	ASSERT_NE(0, h);
	ASSERT_EQ(CS_OK, cpg_initialize(&h2, &cb));
	ASSERT_NE(h, h2);
	ASSERT_EQ(CS_OK, cpg_fd_get(h, &fd));
	ASSERT_EQ(CS_OK, cpg_fd_get(h, &fd2));
	EXPECT_EQ(fd, fd2);
	ASSERT_EQ(CS_OK, cpg_fd_get(h2, &fd2));
	EXPECT_NE(fd, fd2);
	/* Opened close-on-exec, read-write. */
	EXPECT_TRUE(fcntl(fd, F_GETFD) & FD_CLOEXEC);
	EXPECT_EQ(O_RDWR, fcntl(fd, F_GETFL) & O_ACCMODE);
	ASSERT_EQ(CS_OK, cpg_finalize(h));
	EXPECT_EQ(-1, fcntl(fd, F_GETFD));	/* closed */
	EXPECT_EQ(CS_ERR_BAD_HANDLE, cpg_finalize(h));
	ASSERT_EQ(CS_OK, cpg_finalize(h2));
	EXPECT_EQ(CS_ERR_INVALID_PARAM, cpg_initialize(NULL, NULL));
}

/* No service: what applications retry on.  KCPG_DEVICE points elsewhere. */
TEST(no_device_is_library_error)
{
	cpg_handle_t h;

	setenv("KCPG_DEVICE", "/dev/kcpg-does-not-exist", 1);
	EXPECT_EQ(CS_ERR_LIBRARY, cpg_initialize(&h, NULL));
	/* Something that is not kcpg at all: the ABI query fails. */
	setenv("KCPG_DEVICE", "/dev/null", 1);
	EXPECT_EQ(CS_ERR_VERSION, cpg_initialize(&h, NULL));
	unsetenv("KCPG_DEVICE");
	ASSERT_EQ(CS_OK, cpg_initialize(&h, NULL));
	ASSERT_EQ(CS_OK, cpg_finalize(h));
}

/* /dev/kcpg is 0660 root:root: another user gets CS_ERR_ACCESS. */
TEST(permission_denied_is_access_error)
{
	int status;
	pid_t pid;

	if (geteuid() != 0)
		SKIP(return, "needs root to switch to another user");
	pid = fork();
	ASSERT_GE(pid, 0);
	if (pid == 0) {
		cpg_handle_t h;

		if (setgroups(0, NULL) || setgid(65534) || setuid(65534))
			_exit(10);
		_exit(cpg_initialize(&h, NULL));
	}
	waitpid(pid, &status, 0);
	ASSERT_TRUE(WIFEXITED(status));
	EXPECT_EQ(CS_ERR_ACCESS, WEXITSTATUS(status));
}

TEST(model_initialize_arguments_and_context)
{
	cpg_model_v1_data_t m = { .model = CPG_MODEL_V1 };
	cpg_handle_t h;
	void *ctx = NULL;
	int x;

	EXPECT_EQ(CS_ERR_INVALID_PARAM,
		  cpg_model_initialize(&h, (cpg_model_t)2, (cpg_model_data_t *)&m, NULL));
	m.flags = 0x80;
	EXPECT_EQ(CS_ERR_INVALID_PARAM,
		  cpg_model_initialize(&h, CPG_MODEL_V1, (cpg_model_data_t *)&m, NULL));
	m.flags = CPG_MODEL_V1_DELIVER_INITIAL_TOTEM_CONF;
	ASSERT_EQ(CS_OK, cpg_model_initialize(&h, CPG_MODEL_V1, (cpg_model_data_t *)&m, &x));
	ASSERT_EQ(CS_OK, cpg_context_get(h, &ctx));
	EXPECT_EQ(&x, ctx);
	ASSERT_EQ(CS_OK, cpg_context_set(h, &ctx));
	ASSERT_EQ(CS_OK, cpg_context_get(h, &ctx));
	EXPECT_EQ((void *)&ctx, ctx);
	EXPECT_EQ(CS_ERR_INVALID_PARAM, cpg_context_get(h, NULL));
	ASSERT_EQ(CS_OK, cpg_finalize(h));
}

TEST(every_call_on_a_finalized_handle_is_bad_handle)
{
	struct cpg_name g = ut_name(GROUP);
	struct iovec iov = { .iov_base = "x", .iov_len = 1 };
	struct cpg_iteration_description_t desc;
	struct cpg_address list[4];
	cpg_flow_control_state_t flow;
	cpg_iteration_handle_t it;
	unsigned int node;
	uint32_t size;
	cpg_handle_t h;
	void *ctx, *buf;
	int fd, n = 4;

	ASSERT_EQ(CS_OK, cpg_initialize(&h, NULL));
	ASSERT_EQ(CS_OK, cpg_finalize(h));
	EXPECT_EQ(CS_ERR_BAD_HANDLE, cpg_fd_get(h, &fd));
	EXPECT_EQ(CS_ERR_BAD_HANDLE, cpg_max_atomic_msgsize_get(h, &size));
	EXPECT_EQ(CS_ERR_BAD_HANDLE, cpg_context_get(h, &ctx));
	EXPECT_EQ(CS_ERR_BAD_HANDLE, cpg_context_set(h, NULL));
	EXPECT_EQ(CS_ERR_BAD_HANDLE, cpg_dispatch(h, CS_DISPATCH_ALL));
	EXPECT_EQ(CS_ERR_BAD_HANDLE, cpg_join(h, &g));
	EXPECT_EQ(CS_ERR_BAD_HANDLE, cpg_leave(h, &g));
	EXPECT_EQ(CS_ERR_BAD_HANDLE, cpg_mcast_joined(h, CPG_TYPE_AGREED, &iov, 1));
	EXPECT_EQ(CS_ERR_BAD_HANDLE, cpg_membership_get(h, &g, list, &n));
	EXPECT_EQ(CS_ERR_BAD_HANDLE, cpg_local_get(h, &node));
	EXPECT_EQ(CS_ERR_BAD_HANDLE, cpg_flow_control_state_get(h, &flow));
	EXPECT_EQ(CS_ERR_BAD_HANDLE, cpg_zcb_alloc(h, 10, &buf));
	EXPECT_EQ(CS_ERR_BAD_HANDLE, cpg_zcb_free(h, NULL));
	EXPECT_EQ(CS_ERR_BAD_HANDLE, cpg_zcb_mcast_joined(h, CPG_TYPE_AGREED, "x", 1));
	EXPECT_EQ(CS_ERR_BAD_HANDLE, cpg_iteration_initialize(h, CPG_ITERATION_ALL, NULL, &it));
	EXPECT_EQ(CS_ERR_BAD_HANDLE, cpg_iteration_next(h, &desc));
	EXPECT_EQ(CS_ERR_BAD_HANDLE, cpg_iteration_finalize(h));
	EXPECT_EQ(CS_ERR_BAD_HANDLE, cpg_finalize(h));
	EXPECT_EQ(CS_ERR_BAD_HANDLE, cpg_fd_get(0, &fd));
	EXPECT_EQ(CS_ERR_BAD_HANDLE, cpg_fd_get(0x123456789abcdefULL, &fd));
}

TEST(limits_node_and_flow)
{
	cpg_flow_control_state_t flow = CPG_FLOW_CONTROL_ENABLED;
	unsigned int node = 0;
	uint32_t size = 0;
	cpg_handle_t h;

	ASSERT_EQ(CS_OK, cpg_initialize(&h, NULL));
	ASSERT_EQ(CS_OK, cpg_max_atomic_msgsize_get(h, &size));
	EXPECT_GE(size, 1047552);	/* at least corosync's */
	EXPECT_EQ(CS_ERR_INVALID_PARAM, cpg_max_atomic_msgsize_get(h, NULL));
	ASSERT_EQ(CS_OK, cpg_local_get(h, &node));	/* no join needed */
	EXPECT_NE(0, node);
	EXPECT_EQ(CS_ERR_INVALID_PARAM, cpg_local_get(h, NULL));
	ASSERT_EQ(CS_OK, cpg_flow_control_state_get(h, &flow));
	EXPECT_EQ(CPG_FLOW_CONTROL_DISABLED, flow);	/* idle */
	EXPECT_EQ(CS_ERR_INVALID_PARAM, cpg_flow_control_state_get(h, NULL));
	EXPECT_EQ(CS_ERR_INVALID_PARAM, cpg_fd_get(h, NULL));
	ASSERT_EQ(CS_OK, cpg_finalize(h));
}

TEST(join_delivers_own_confchg)
{
	struct ut_rec rec;
	unsigned int node;
	const struct ut_event *e;
	size_t one = 1;

	ASSERT_EQ(CS_OK, ut_open(&rec, 0));
	ASSERT_EQ(CS_OK, cpg_local_get(rec.handle, &node));
	EXPECT_FALSE(pollin(rec.handle, 0));
	ASSERT_EQ(CS_OK, ut_join(rec.handle, GROUP));
	EXPECT_TRUE(pollin(rec.handle, 5000));	/* the fd says readable */
	ASSERT_EQ(0, ut_dispatch_until(&rec, ut_has_confchgs, &one, UT_TIMEOUT_MS, NULL));
	e = ut_last(&rec, 'c');
	ASSERT_NE(NULL, e);
	EXPECT_EQ(strlen(GROUP), e->group.length);
	EXPECT_EQ(0, memcmp(e->group.value, GROUP, strlen(GROUP)));
	ASSERT_EQ(1, e->n_members);
	EXPECT_EQ(node, e->members[0].nodeid);
	EXPECT_EQ((uint32_t)getpid(), e->members[0].pid);
	EXPECT_EQ(0, e->members[0].reason);
	EXPECT_EQ(0, e->n_left);
	ASSERT_EQ(1, e->n_joined);
	EXPECT_TRUE(ut_in_list(e->joined, 1, node, getpid(), CPG_REASON_JOIN));
	EXPECT_EQ(CS_ERR_TRY_AGAIN, cpg_dispatch(rec.handle, CS_DISPATCH_ONE_NONBLOCKING));
	EXPECT_FALSE(pollin(rec.handle, 0));	/* drained */
	ASSERT_EQ(CS_OK, cpg_finalize(rec.handle));
	ut_rec_free(&rec);
}

TEST(join_errors)
{
	struct cpg_name g = ut_name(GROUP), other = ut_name(GROUP "-other"), bad;
	cpg_handle_t h, h2;

	ASSERT_EQ(CS_OK, cpg_initialize(&h, NULL));
	ASSERT_EQ(CS_OK, cpg_initialize(&h2, NULL));
	EXPECT_EQ(CS_ERR_INVALID_PARAM, cpg_join(h, NULL));
	bad = g;
	bad.length = CPG_MAX_NAME_LENGTH + 1;
	EXPECT_EQ(CS_ERR_NAME_TOO_LONG, cpg_join(h, &bad));
	bad.length = 0xffffffff;
	EXPECT_EQ(CS_ERR_NAME_TOO_LONG, cpg_join(h, &bad));
	ASSERT_EQ(CS_OK, cpg_join(h, &g));
	EXPECT_EQ(CS_ERR_EXIST, cpg_join(h, &g));	/* already joined */
	EXPECT_EQ(CS_ERR_EXIST, cpg_join(h, &other));	/* one group per handle */
	EXPECT_EQ(CS_ERR_EXIST, cpg_join(h2, &g));	/* same pid, same group */
	EXPECT_EQ(CS_OK, cpg_join(h2, &other));
	ASSERT_EQ(CS_OK, cpg_finalize(h));
	ASSERT_EQ(CS_OK, cpg_finalize(h2));
}

TEST(longest_name)
{
	struct cpg_name g;
	struct ut_rec rec;
	size_t one = 1;

	memset(&g, 0, sizeof(g));
	memset(g.value, 'n', sizeof(g.value));
	g.length = CPG_MAX_NAME_LENGTH;
	ASSERT_EQ(CS_OK, ut_open(&rec, 0));
	ASSERT_EQ(CS_OK, cpg_join(rec.handle, &g));
	ASSERT_EQ(0, ut_dispatch_until(&rec, ut_has_confchgs, &one, UT_TIMEOUT_MS, NULL));
	EXPECT_EQ(CPG_MAX_NAME_LENGTH, rec.ev[0].group.length);
	EXPECT_EQ(0, memcmp(rec.ev[0].group.value, g.value, CPG_MAX_NAME_LENGTH));
	ASSERT_EQ(CS_OK, cpg_finalize(rec.handle));
	ut_rec_free(&rec);
}

TEST(leave_errors_and_rejoin)
{
	struct cpg_name g = ut_name(GROUP), other = ut_name(GROUP "-other");
	struct ut_rec rec;
	const struct ut_event *e;
	size_t n;

	ASSERT_EQ(CS_OK, ut_open(&rec, 0));
	EXPECT_EQ(CS_ERR_NOT_EXIST, cpg_leave(rec.handle, &g));	/* not joined */
	EXPECT_EQ(CS_ERR_INVALID_PARAM, cpg_leave(rec.handle, NULL));
	ASSERT_EQ(CS_OK, ut_join(rec.handle, GROUP));
	EXPECT_EQ(CS_ERR_NOT_EXIST, cpg_leave(rec.handle, &other));	/* not that group */
	ASSERT_EQ(CS_OK, cpg_leave(rec.handle, &g));
	EXPECT_EQ(CS_ERR_NOT_EXIST, cpg_leave(rec.handle, &g));	/* already left */
	/* The leaver gets its own leave. */
	n = 2;
	ASSERT_EQ(0, ut_dispatch_until(&rec, ut_has_confchgs, &n, UT_TIMEOUT_MS, NULL));
	e = ut_last(&rec, 'c');
	EXPECT_EQ(0, e->n_members);
	ASSERT_EQ(1, e->n_left);
	EXPECT_EQ((uint32_t)getpid(), e->left[0].pid);
	EXPECT_EQ(CPG_REASON_LEAVE, e->left[0].reason);
	/* And may join again (corosync could not). */
	ASSERT_EQ(CS_OK, ut_join(rec.handle, GROUP "-other"));
	n = 3;
	ASSERT_EQ(0, ut_dispatch_until(&rec, ut_has_confchgs, &n, UT_TIMEOUT_MS, NULL));
	e = ut_last(&rec, 'c');
	EXPECT_EQ(strlen(GROUP "-other"), e->group.length);
	EXPECT_EQ(1, e->n_joined);
	ASSERT_EQ(CS_OK, cpg_finalize(rec.handle));
	ut_rec_free(&rec);
}

TEST(mcast_self_delivery_and_errors)
{
	char big[64];
	struct iovec iov[3] = {
		{ .iov_base = "hello ", .iov_len = 6 },
		{ .iov_base = NULL, .iov_len = 0 },
		{ .iov_base = "group", .iov_len = 5 },
	};
	struct iovec huge;
	struct ut_rec rec;
	const struct ut_event *e;
	uint32_t max;
	size_t n;
	void *mem;
	cpg_guarantee_t g;

	ASSERT_EQ(CS_OK, ut_open(&rec, 0));
	/* Not joined: kcpg says so (corosync would drop it silently). */
	EXPECT_EQ(CS_ERR_NOT_EXIST, cpg_mcast_joined(rec.handle, CPG_TYPE_AGREED, iov, 3));
	ASSERT_EQ(CS_OK, ut_join(rec.handle, GROUP));
	for (g = CPG_TYPE_UNORDERED; g <= CPG_TYPE_SAFE; g++)
		ASSERT_EQ(CS_OK, cpg_mcast_joined(rec.handle, g, iov, 3));
	n = 4;
	ASSERT_EQ(0, ut_dispatch_until(&rec, ut_has_msgs, &n, UT_TIMEOUT_MS, NULL));
	e = ut_last(&rec, 'm');
	EXPECT_EQ(11, e->len);
	EXPECT_EQ(ut_hash("hello group", 11, 0), e->hash);
	EXPECT_EQ((uint32_t)getpid(), e->pid);
	EXPECT_EQ(strlen(GROUP), e->group.length);

	EXPECT_EQ(CS_ERR_INVALID_PARAM, cpg_mcast_joined(rec.handle, (cpg_guarantee_t)4, iov, 1));
	EXPECT_EQ(CS_ERR_INVALID_PARAM, cpg_mcast_joined(rec.handle, CPG_TYPE_AGREED, NULL, 1));
	EXPECT_EQ(CS_ERR_INVALID_PARAM, cpg_mcast_joined(rec.handle, CPG_TYPE_AGREED, iov, 0));
	/* Over the maximum size. */
	ASSERT_EQ(CS_OK, cpg_max_atomic_msgsize_get(rec.handle, &max));
	mem = calloc(1, (size_t)max + 1);
	ASSERT_NE(NULL, mem);
	huge.iov_base = mem;
	huge.iov_len = (size_t)max + 1;
	EXPECT_EQ(CS_ERR_TOO_BIG, cpg_mcast_joined(rec.handle, CPG_TYPE_AGREED, &huge, 1));
	/* Exactly the maximum size arrives whole. */
	huge.iov_len = max;
	memset(mem, 0x5a, max);
	EXPECT_EQ(CS_OK, cpg_mcast_joined(rec.handle, CPG_TYPE_AGREED, &huge, 1));
	n = 5;
	ASSERT_EQ(0, ut_dispatch_until(&rec, ut_has_msgs, &n, UT_TIMEOUT_MS, NULL));
	e = ut_last(&rec, 'm');
	EXPECT_EQ(max, e->len);
	EXPECT_EQ(ut_hash(mem, max, 0), e->hash);
	free(mem);
	/* Many iovecs (more than the kernel's per-call limit). */
	{
		struct iovec many[100];
		int i;

		for (i = 0; i < 100; i++) {
			big[i % 64] = (char)i;
			many[i].iov_base = &big[i % 64];
			many[i].iov_len = 1;
		}
		ASSERT_EQ(CS_OK, cpg_mcast_joined(rec.handle, CPG_TYPE_AGREED, many, 100));
		n = 6;
		ASSERT_EQ(0, ut_dispatch_until(&rec, ut_has_msgs, &n, UT_TIMEOUT_MS, NULL));
		EXPECT_EQ(100, ut_last(&rec, 'm')->len);
	}
	ASSERT_EQ(CS_OK, cpg_finalize(rec.handle));
	ut_rec_free(&rec);
}

TEST(membership_get_honours_capacity)
{
	struct cpg_name g = ut_name(GROUP), none = ut_name(GROUP "-empty");
	struct cpg_address list[4];
	cpg_handle_t h, probe;
	unsigned int node;
	int up[2], down[2], i, n, status;
	pid_t kids[2];
	char x;

	/* Three members: this process and two children. */
	ASSERT_EQ(CS_OK, cpg_initialize(&h, NULL));
	ASSERT_EQ(CS_OK, cpg_join(h, &g));
	ASSERT_EQ(CS_OK, cpg_local_get(h, &node));
	ASSERT_EQ(0, pipe(up));
	ASSERT_EQ(0, pipe(down));
	for (i = 0; i < 2; i++) {
		kids[i] = fork();
		ASSERT_GE(kids[i], 0);
		if (kids[i] == 0) {
			cpg_handle_t c;

			close(down[1]);	/* EOF when the test ends, however it ends */
			if (cpg_initialize(&c, NULL) != CS_OK || cpg_join(c, &g) != CS_OK)
				_exit(1);
			(void)!write(up[1], "j", 1);
			(void)!read(down[0], &x, 1);
			_exit(0);
		}
	}
	close(up[1]);
	for (i = 0; i < 2; i++)
		ASSERT_EQ(1, read(up[0], &x, 1));
	/* Any handle may ask, joined or not. */
	ASSERT_EQ(CS_OK, cpg_initialize(&probe, NULL));
	memset(list, 0xee, sizeof(list));
	n = 4;
	ASSERT_EQ(CS_OK, cpg_membership_get(probe, &g, list, &n));
	ASSERT_EQ(3, n);
	EXPECT_EQ(0xeeeeeeee, list[3].pid);
	for (i = 0; i < 3; i++) {
		EXPECT_EQ(node, list[i].nodeid);
		EXPECT_EQ(0, list[i].reason);
	}
	/* Sorted by (nodeid, pid). */
	EXPECT_LT(list[0].pid, list[1].pid);
	EXPECT_LT(list[1].pid, list[2].pid);
	/* Too small: the first ones, NO_SPACE, never past the capacity. */
	memset(list, 0xee, sizeof(list));
	n = 2;
	EXPECT_EQ(CS_ERR_NO_SPACE, cpg_membership_get(probe, &g, list, &n));
	EXPECT_EQ(2, n);
	EXPECT_EQ(0xeeeeeeee, list[2].pid);
	EXPECT_NE(0xeeeeeeee, list[1].pid);
	/* An empty group. */
	n = 4;
	EXPECT_EQ(CS_OK, cpg_membership_get(probe, &none, list, &n));
	EXPECT_EQ(0, n);
	/* Bad arguments. */
	n = 4;
	EXPECT_EQ(CS_ERR_INVALID_PARAM, cpg_membership_get(probe, NULL, list, &n));
	EXPECT_EQ(CS_ERR_INVALID_PARAM, cpg_membership_get(probe, &g, list, NULL));
	n = -1;
	EXPECT_EQ(CS_ERR_INVALID_PARAM, cpg_membership_get(probe, &g, list, &n));
	n = 4;
	g.length = 200;
	EXPECT_EQ(CS_ERR_NAME_TOO_LONG, cpg_membership_get(probe, &g, list, &n));

	close(down[1]);
	for (i = 0; i < 2; i++) {
		waitpid(kids[i], &status, 0);
		EXPECT_TRUE(WIFEXITED(status) && WEXITSTATUS(status) == 0);
	}
	cpg_finalize(probe);
	cpg_finalize(h);
}

TEST(iteration)
{
	struct cpg_iteration_description_t d;
	struct cpg_name g = ut_name(GROUP), g2 = ut_name(GROUP "-second");
	cpg_iteration_handle_t it, it2;
	cpg_handle_t h, h2;
	int n_all = 0, n_names = 0, n_one = 0, mine = 0;
	cs_error_t res;

	ASSERT_EQ(CS_OK, cpg_initialize(&h, NULL));
	ASSERT_EQ(CS_OK, cpg_initialize(&h2, NULL));
	ASSERT_EQ(CS_OK, cpg_join(h, &g));
	ASSERT_EQ(CS_OK, cpg_join(h2, &g2));

	ASSERT_EQ(CS_OK, cpg_iteration_initialize(h, CPG_ITERATION_ALL, NULL, &it));
	while ((res = cpg_iteration_next(it, &d)) == CS_OK) {
		n_all++;
		if (d.pid == (uint32_t)getpid())
			mine++;
	}
	EXPECT_EQ(CS_ERR_NO_SECTIONS, res);
	EXPECT_EQ(CS_ERR_NO_SECTIONS, cpg_iteration_next(it, &d));
	EXPECT_GE(n_all, 2);
	EXPECT_EQ(2, mine);
	EXPECT_EQ(CS_OK, cpg_iteration_finalize(it));
	EXPECT_EQ(CS_ERR_BAD_HANDLE, cpg_iteration_finalize(it));
	EXPECT_EQ(CS_ERR_BAD_HANDLE, cpg_iteration_next(it, &d));

	ASSERT_EQ(CS_OK, cpg_iteration_initialize(h, CPG_ITERATION_NAME_ONLY, NULL, &it));
	mine = 0;
	while (cpg_iteration_next(it, &d) == CS_OK) {
		n_names++;
		EXPECT_EQ(0, d.pid);
		if (d.group.length == g.length && !memcmp(d.group.value, g.value, g.length))
			mine++;
	}
	EXPECT_EQ(1, mine);	/* one entry per group */
	EXPECT_GE(n_names, 2);
	EXPECT_LE(n_names, n_all);
	EXPECT_EQ(CS_OK, cpg_iteration_finalize(it));

	ASSERT_EQ(CS_OK, cpg_iteration_initialize(h, CPG_ITERATION_ONE_GROUP, &g2, &it));
	while (cpg_iteration_next(it, &d) == CS_OK) {
		n_one++;
		EXPECT_EQ(g2.length, d.group.length);
		EXPECT_EQ((uint32_t)getpid(), d.pid);
	}
	EXPECT_EQ(1, n_one);

	EXPECT_EQ(CS_ERR_INVALID_PARAM, cpg_iteration_initialize(h, CPG_ITERATION_NAME_ONLY, &g, &it2));
	EXPECT_EQ(CS_ERR_INVALID_PARAM, cpg_iteration_initialize(h, CPG_ITERATION_ALL, &g, &it2));
	EXPECT_EQ(CS_ERR_INVALID_PARAM, cpg_iteration_initialize(h, CPG_ITERATION_ONE_GROUP, NULL, &it2));
	EXPECT_EQ(CS_ERR_INVALID_PARAM, cpg_iteration_initialize(h, (cpg_iteration_type_t)7, NULL, &it2));
	EXPECT_EQ(CS_ERR_INVALID_PARAM, cpg_iteration_initialize(h, CPG_ITERATION_ALL, NULL, NULL));
	EXPECT_EQ(CS_ERR_INVALID_PARAM, cpg_iteration_next(it, NULL));
	EXPECT_EQ(CS_ERR_BAD_HANDLE, cpg_iteration_next(h, &d));	/* not an iteration */

	/* The handle's finalize frees its open iterations. */
	ASSERT_EQ(CS_OK, cpg_finalize(h));
	EXPECT_EQ(CS_ERR_BAD_HANDLE, cpg_iteration_next(it, &d));
	EXPECT_EQ(CS_ERR_BAD_HANDLE, cpg_iteration_finalize(it));
	ASSERT_EQ(CS_OK, cpg_finalize(h2));
}

TEST(zcb_alloc_free_send)
{
	struct ut_rec rec;
	void *a, *b;
	size_t n = 1;

	ASSERT_EQ(CS_OK, ut_open(&rec, 0));
	ASSERT_EQ(CS_OK, ut_join(rec.handle, GROUP));
	ASSERT_EQ(CS_OK, cpg_zcb_alloc(rec.handle, 1000, &a));
	ASSERT_EQ(CS_OK, cpg_zcb_alloc(rec.handle, 1000, &b));
	EXPECT_TRUE((char *)a + 1000 <= (char *)b || (char *)b + 1000 <= (char *)a);
	memset(a, 'a', 1000);
	ASSERT_EQ(CS_OK, cpg_zcb_mcast_joined(rec.handle, CPG_TYPE_AGREED, a, 1000));
	ASSERT_EQ(0, ut_dispatch_until(&rec, ut_has_msgs, &n, UT_TIMEOUT_MS, NULL));
	EXPECT_EQ(1000, ut_last(&rec, 'm')->len);
	EXPECT_EQ(ut_hash(a, 1000, 0), ut_last(&rec, 'm')->hash);
	/* Past the buffer, unknown pointers, double free. */
	EXPECT_EQ(CS_ERR_INVALID_PARAM, cpg_zcb_mcast_joined(rec.handle, CPG_TYPE_AGREED, a, 1001));
	EXPECT_EQ(CS_ERR_INVALID_PARAM, cpg_zcb_mcast_joined(rec.handle, CPG_TYPE_AGREED, &n, 1));
	EXPECT_EQ(CS_ERR_INVALID_PARAM, cpg_zcb_free(rec.handle, &n));
	EXPECT_EQ(CS_ERR_INVALID_PARAM, cpg_zcb_free(rec.handle, (char *)a + 8));
	EXPECT_EQ(CS_ERR_INVALID_PARAM, cpg_zcb_alloc(rec.handle, 10, NULL));
	ASSERT_EQ(CS_OK, cpg_zcb_free(rec.handle, a));
	EXPECT_EQ(CS_ERR_INVALID_PARAM, cpg_zcb_free(rec.handle, a));
	EXPECT_EQ(CS_ERR_INVALID_PARAM, cpg_zcb_mcast_joined(rec.handle, CPG_TYPE_AGREED, a, 1));
	/* b is left for finalize to reclaim. */
	ASSERT_EQ(CS_OK, cpg_finalize(rec.handle));
	ut_rec_free(&rec);
}

TEST(dispatch_modes)
{
	struct ut_rec rec;
	struct iovec iov = { .iov_base = "m", .iov_len = 1 };
	int i;

	ASSERT_EQ(CS_OK, ut_open(&rec, 0));
	EXPECT_EQ(CS_ERR_INVALID_PARAM, cpg_dispatch(rec.handle, (cs_dispatch_flags_t)0));
	EXPECT_EQ(CS_ERR_INVALID_PARAM, cpg_dispatch(rec.handle, (cs_dispatch_flags_t)5));
	EXPECT_EQ(CS_OK, cpg_dispatch(rec.handle, CS_DISPATCH_ALL));	/* nothing: returns */
	EXPECT_EQ(CS_ERR_TRY_AGAIN, cpg_dispatch(rec.handle, CS_DISPATCH_ONE_NONBLOCKING));
	ASSERT_EQ(CS_OK, ut_join(rec.handle, GROUP));
	for (i = 0; i < 3; i++)
		ASSERT_EQ(CS_OK, cpg_mcast_joined(rec.handle, CPG_TYPE_AGREED, &iov, 1));
	/* join confchg + 3 messages queued */
	ASSERT_EQ(CS_OK, cpg_dispatch(rec.handle, CS_DISPATCH_ONE));
	EXPECT_EQ(1, rec.n);
	ASSERT_EQ(CS_OK, cpg_dispatch(rec.handle, CS_DISPATCH_ONE_NONBLOCKING));
	EXPECT_EQ(2, rec.n);
	ASSERT_EQ(CS_OK, cpg_dispatch(rec.handle, CS_DISPATCH_ALL));
	EXPECT_EQ(4, rec.n);
	EXPECT_EQ(CS_ERR_TRY_AGAIN, cpg_dispatch(rec.handle, CS_DISPATCH_ONE_NONBLOCKING));
	/* BLOCKING runs until the handle is finalized in a callback. */
	ASSERT_EQ(CS_OK, cpg_mcast_joined(rec.handle, CPG_TYPE_AGREED, &iov, 1));
	ASSERT_EQ(CS_OK, cpg_mcast_joined(rec.handle, CPG_TYPE_AGREED, &iov, 1));
	rec.finalize_after = 4;
	EXPECT_EQ(CS_ERR_BAD_HANDLE, cpg_dispatch(rec.handle, CS_DISPATCH_BLOCKING));
	EXPECT_EQ(5, rec.n);	/* nothing after the finalize */
	EXPECT_EQ(CS_ERR_BAD_HANDLE, cpg_dispatch(rec.handle, CS_DISPATCH_ALL));
	ut_rec_free(&rec);
}

TEST(initial_totem_confchg)
{
	struct ut_rec rec;
	size_t one = 1;
	size_t i;
	unsigned int node;

	ASSERT_EQ(CS_OK, ut_open(&rec, CPG_MODEL_V1_DELIVER_INITIAL_TOTEM_CONF));
	ASSERT_EQ(CS_OK, cpg_local_get(rec.handle, &node));
	ASSERT_EQ(CS_OK, ut_join(rec.handle, GROUP));
	ASSERT_EQ(0, ut_dispatch_until(&rec, ut_has_confchgs, &one, UT_TIMEOUT_MS, NULL));
	cpg_dispatch(rec.handle, CS_DISPATCH_ALL);
	/* One totem confchg, next to the first confchg, listing this node. */
	ASSERT_EQ(1, rec.n_totem);
	ASSERT_EQ(2, rec.n);
	for (i = 0; i < rec.n; i++) {
		if (rec.ev[i].kind != 't')
			continue;
		EXPECT_GE(rec.ev[i].n_members, 1);
		EXPECT_NE(0, rec.ev[i].ring_rep);
		if (rec.ev[i].n_members == 1)
			EXPECT_EQ(ut_hash(&node, sizeof(node), 0), rec.ev[i].hash);
	}
	/* Without the flag: none. */
	ASSERT_EQ(CS_OK, cpg_finalize(rec.handle));
	ut_rec_free(&rec);
	ASSERT_EQ(CS_OK, ut_open(&rec, 0));
	ASSERT_EQ(CS_OK, ut_join(rec.handle, GROUP));
	ASSERT_EQ(0, ut_dispatch_until(&rec, ut_has_confchgs, &one, UT_TIMEOUT_MS, NULL));
	cpg_dispatch(rec.handle, CS_DISPATCH_ALL);
	EXPECT_EQ(0, rec.n_totem);
	ASSERT_EQ(CS_OK, cpg_finalize(rec.handle));
	ut_rec_free(&rec);
}

TEST(cs_strerror_is_exported)
{
	EXPECT_NE(NULL, cs_strerror(CS_OK));
	EXPECT_NE(NULL, cs_strerror(CS_ERR_FAILED_OPERATION));
	EXPECT_NE(NULL, cs_strerror((cs_error_t)12345));
	EXPECT_NE(0, strcmp(cs_strerror(CS_OK), cs_strerror(CS_ERR_LIBRARY)));
}

TEST_HARNESS_MAIN
