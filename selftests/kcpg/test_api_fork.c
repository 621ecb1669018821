// SPDX-License-Identifier: GPL-2.0
/*
 * fork() and handles: a child gets CS_ERR_BAD_HANDLE for every call on an
 * inherited handle (and its copy of the descriptor is gone), may finalize
 * its copy and open handles of its own; the parent is unaffected; and when
 * the parent finalizes while a child lives on, the group sees the parent
 * leave at once (the child holds nothing that keeps the handle open).
 */
#include <fcntl.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <sys/ioctl.h>
#include <sys/wait.h>
#include <linux/kcpg.h>

#include "kcpg_harness.h"
#include "ulib_test.h"

#define GROUP "api-fork"

/* Bit i set: check i failed in the child. */
static int child_checks(cpg_handle_t h, int fd)
{
	struct cpg_name g = ut_name(GROUP);
	struct iovec iov = { .iov_base = "c", .iov_len = 1 };
	struct cpg_address list[4];
	cpg_iteration_handle_t it;
	struct kcpg_info info;
	unsigned int node;
	cpg_handle_t mine;
	int bad = 0, n = 4, newfd;
	void *buf;

	bad |= (cpg_fd_get(h, &newfd) != CS_ERR_BAD_HANDLE) << 0;
	bad |= (cpg_dispatch(h, CS_DISPATCH_ALL) != CS_ERR_BAD_HANDLE) << 1;
	bad |= (cpg_mcast_joined(h, CPG_TYPE_AGREED, &iov, 1) != CS_ERR_BAD_HANDLE) << 2;
	bad |= (cpg_join(h, &g) != CS_ERR_BAD_HANDLE) << 3;
	bad |= (cpg_leave(h, &g) != CS_ERR_BAD_HANDLE) << 4;
	bad |= (cpg_membership_get(h, &g, list, &n) != CS_ERR_BAD_HANDLE) << 5;
	bad |= (cpg_local_get(h, &node) != CS_ERR_BAD_HANDLE) << 6;
	bad |= (cpg_zcb_alloc(h, 10, &buf) != CS_ERR_BAD_HANDLE) << 7;
	bad |= (cpg_iteration_initialize(h, CPG_ITERATION_ALL, NULL, &it) != CS_ERR_BAD_HANDLE) << 8;
	/* The descriptor itself is not usable in the child either. */
	bad |= (ioctl(fd, KCPG_IOC_INFO, &info) == 0) << 9;
	/* The child drops its copy; the parent keeps its handle. */
	bad |= (cpg_finalize(h) != CS_OK) << 10;
	bad |= (cpg_finalize(h) != CS_ERR_BAD_HANDLE) << 11;
	/* A handle of its own works, in the same group as the parent. */
	bad |= (cpg_initialize(&mine, NULL) != CS_OK) << 12;
	bad |= (cpg_join(mine, &g) != CS_OK) << 13;
	bad |= (cpg_mcast_joined(mine, CPG_TYPE_AGREED, &iov, 1) != CS_OK) << 14;
	bad |= (cpg_finalize(mine) != CS_OK) << 15;
	return bad;
}

TEST(child_cannot_use_inherited_handle)
{
	struct ut_rec rec;
	int fd, status;
	size_t n;
	pid_t pid;

	ASSERT_EQ(CS_OK, ut_open(&rec, 0));
	ASSERT_EQ(CS_OK, ut_join(rec.handle, GROUP));
	ASSERT_EQ(CS_OK, cpg_fd_get(rec.handle, &fd));
	pid = fork();
	ASSERT_GE(pid, 0);
	if (pid == 0)
		_exit(child_checks(rec.handle, fd));
	waitpid(pid, &status, 0);
	ASSERT_TRUE(WIFEXITED(status));
	EXPECT_EQ(0, WEXITSTATUS(status));
	/* Our join, the child's join, its message and its leave. */
	n = 3;
	ASSERT_EQ(0, ut_dispatch_until(&rec, ut_has_confchgs, &n, UT_TIMEOUT_MS, NULL));
	ASSERT_EQ(1, rec.n_msgs);
	EXPECT_EQ(pid, ut_last(&rec, 'm')->pid);
	ASSERT_EQ(1, ut_last(&rec, 'c')->n_left);
	EXPECT_EQ(pid, ut_last(&rec, 'c')->left[0].pid);
	EXPECT_NE(-1, fcntl(fd, F_GETFD));
	ASSERT_EQ(CS_OK, cpg_finalize(rec.handle));
	ut_rec_free(&rec);
}

TEST(parent_finalize_with_a_live_child_leaves_at_once)
{
	int up[2], down[2], hold[2], status;
	struct ut_rec watch;
	const struct ut_event *e;
	pid_t member, child;
	uint32_t two = 2;
	size_t n = 3;
	char x;

	ASSERT_EQ(CS_OK, ut_open(&watch, 0));
	ASSERT_EQ(CS_OK, ut_join(watch.handle, GROUP "-parent"));
	ASSERT_EQ(0, pipe(up));
	ASSERT_EQ(0, pipe(down));
	ASSERT_EQ(0, pipe(hold));
	member = fork();
	ASSERT_GE(member, 0);
	if (member == 0) {
		struct cpg_name g = ut_name(GROUP "-parent");
		cpg_handle_t h;

		close(hold[1]);
		if (cpg_initialize(&h, NULL) != CS_OK || cpg_join(h, &g) != CS_OK)
			_exit(1);
		child = fork();
		if (child == 0) {
			/* Lives on, holding whatever fork gave it. */
			(void)!read(hold[0], &x, 1);
			_exit(0);
		}
		(void)!write(up[1], "j", 1);
		(void)!read(down[0], &x, 1);	/* the watcher saw the join */
		cpg_finalize(h);
		(void)!read(hold[0], &x, 1);
		waitpid(child, NULL, 0);
		_exit(0);
	}
	close(hold[0]);
	ASSERT_EQ(1, read(up[0], &x, 1));
	ASSERT_EQ(0, ut_dispatch_until(&watch, ut_has_members, &two, UT_TIMEOUT_MS, NULL));
	ASSERT_EQ(1, write(down[1], "s", 1));
	/* The member finalized; it and its child still live. */
	ASSERT_EQ(0, ut_dispatch_until(&watch, ut_has_confchgs, &n, UT_TIMEOUT_MS, NULL));
	e = ut_last(&watch, 'c');
	EXPECT_EQ(1, e->n_members);
	ASSERT_EQ(1, e->n_left);
	EXPECT_EQ(member, e->left[0].pid);
	EXPECT_EQ(0, waitpid(member, &status, WNOHANG));
	close(hold[1]);		/* now let them go */
	waitpid(member, &status, 0);
	EXPECT_TRUE(WIFEXITED(status) && WEXITSTATUS(status) == 0);
	ASSERT_EQ(CS_OK, cpg_finalize(watch.handle));
	ut_rec_free(&watch);
}

TEST_HARNESS_MAIN
