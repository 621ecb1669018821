// SPDX-License-Identifier: LGPL-2.1-or-later
/*
 * The library's calls against the fake /dev/kcpg (fake_kernel.c): argument
 * checks, what reaches the kernel, and the kernel's errnos as cs_error_t,
 * for handles, groups, sends, zero copy and iteration.
 */
#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <sys/mman.h>
#include <sys/wait.h>
#include <corosync/cpg.h>

#include "fake_client.h"
#include "unit.h"

/* ---- life cycle -------------------------------------------------------- */

static void no_device_is_library_error(void)
{
	cpg_handle_t h = 0;

	fake_reset();
	fk.absent = true;
	CHECK_EQ(cpg_initialize(&h, NULL), CS_ERR_LIBRARY);
	fake_reset();
}

static void wrong_abi_is_version_error(void)
{
	cpg_handle_t h;

	fake_reset();
	fk.abi_version = KCPG_ABI_VERSION + 1;
	CHECK_EQ(cpg_initialize(&h, NULL), CS_ERR_VERSION);
	fake_reset();
}

static void initialize_sets_up_and_maps(void)
{
	cpg_handle_t h, h2;
	struct fake_dev *d;
	int fd, fd2;

	fake_reset();
	CHECK_EQ(open_handle(&h, &d), CS_OK);
	CHECK(h != 0);
	CHECK((d->open_flags & O_ACCMODE) == O_RDWR);
	CHECK(d->open_flags & O_CLOEXEC);
	CHECK(d->set_up);
	CHECK_EQ(d->setup.flags, 0);
	CHECK_EQ(d->ring_prot, PROT_READ);
	CHECK_EQ(d->ctrl_prot, PROT_READ | PROT_WRITE);
	CHECK_EQ(d->pool_prot, PROT_READ | PROT_WRITE);
	CHECK_EQ(cpg_fd_get(h, &fd), CS_OK);
	CHECK_EQ(cpg_fd_get(h, &fd2), CS_OK);
	CHECK_EQ(fd, fd2);
	CHECK_EQ(fd, d->fd);
	CHECK_EQ(cpg_initialize(&h2, NULL), CS_OK);
	CHECK(h2 != h);
	CHECK_EQ(cpg_fd_get(h2, &fd2), CS_OK);
	CHECK(fd2 != fd);
	CHECK_EQ(cpg_finalize(h2), CS_OK);
	CHECK_EQ(cpg_finalize(h), CS_OK);
}

static void initial_totem_flag_reaches_kernel(void)
{
	cpg_model_v1_data_t m = model;
	cpg_handle_t h;
	int fd;

	fake_reset();
	m.flags = CPG_MODEL_V1_DELIVER_INITIAL_TOTEM_CONF;
	CHECK_EQ(cpg_model_initialize(&h, CPG_MODEL_V1, (cpg_model_data_t *)&m, NULL), CS_OK);
	CHECK_EQ(cpg_fd_get(h, &fd), CS_OK);
	CHECK_EQ(fake_dev_of(fd)->setup.flags, KCPG_SETUP_INITIAL_TOTEM);
	CHECK_EQ(cpg_finalize(h), CS_OK);
}

static void model_initialize_checks_arguments(void)
{
	cpg_model_v1_data_t m = model;
	cpg_handle_t h;
	void *ctx = NULL;

	fake_reset();
	CHECK_EQ(cpg_model_initialize(NULL, CPG_MODEL_V1, NULL, NULL), CS_ERR_INVALID_PARAM);
	CHECK_EQ(cpg_model_initialize(&h, (cpg_model_t)2, NULL, NULL), CS_ERR_INVALID_PARAM);
	CHECK_EQ(cpg_model_initialize(&h, (cpg_model_t)0, NULL, NULL), CS_ERR_INVALID_PARAM);
	m.flags = 0x2;
	CHECK_EQ(cpg_model_initialize(&h, CPG_MODEL_V1, (cpg_model_data_t *)&m, NULL),
		 CS_ERR_INVALID_PARAM);
	m.flags = 0;
	m.model = (cpg_model_t)5;
	CHECK_EQ(cpg_model_initialize(&h, CPG_MODEL_V1, (cpg_model_data_t *)&m, NULL),
		 CS_ERR_INVALID_PARAM);
	CHECK_EQ(cpg_initialize(NULL, NULL), CS_ERR_INVALID_PARAM);
	/* NULL data is allowed, and the context is kept. */
	CHECK_EQ(cpg_model_initialize(&h, CPG_MODEL_V1, NULL, &ctx), CS_OK);
	CHECK_EQ(cpg_context_get(h, &ctx), CS_OK);
	CHECK(ctx == (void *)&ctx);
	CHECK_EQ(cpg_finalize(h), CS_OK);
}

static void finalized_and_stale_handles(void)
{
	cpg_handle_t h, h2;
	struct fake_dev *d;
	uint32_t size;
	void *ctx;
	int fd;

	fake_reset();
	CHECK_EQ(open_handle(&h, &d), CS_OK);
	CHECK_EQ(cpg_finalize(h), CS_OK);
	CHECK_EQ(cpg_finalize(h), CS_ERR_BAD_HANDLE);
	CHECK_EQ(cpg_fd_get(h, &fd), CS_ERR_BAD_HANDLE);
	CHECK_EQ(cpg_dispatch(h, CS_DISPATCH_ALL), CS_ERR_BAD_HANDLE);
	CHECK_EQ(cpg_context_get(h, &ctx), CS_ERR_BAD_HANDLE);
	CHECK_EQ(cpg_context_set(h, NULL), CS_ERR_BAD_HANDLE);
	CHECK_EQ(cpg_max_atomic_msgsize_get(h, &size), CS_ERR_BAD_HANDLE);
	/* The slot is reused, the old handle stays dead. */
	CHECK_EQ(open_handle(&h2, &d), CS_OK);
	CHECK((uint32_t)h2 == (uint32_t)h);
	CHECK_EQ(cpg_fd_get(h, &fd), CS_ERR_BAD_HANDLE);
	CHECK_EQ(cpg_fd_get(h2, &fd), CS_OK);
	CHECK_EQ(cpg_fd_get(0, &fd), CS_ERR_BAD_HANDLE);
	CHECK_EQ(cpg_fd_get(~0ULL, &fd), CS_ERR_BAD_HANDLE);
	CHECK_EQ(cpg_finalize(h2), CS_OK);
}

static void queries(void)
{
	cpg_flow_control_state_t flow;
	cpg_handle_t h;
	struct fake_dev *d;
	unsigned int node;
	uint32_t size;
	void *ctx = &h;

	fake_reset();
	fk.max_msg_size = 1047552;
	CHECK_EQ(open_handle(&h, &d), CS_OK);
	CHECK_EQ(cpg_max_atomic_msgsize_get(h, &size), CS_OK);
	CHECK_EQ(size, 1047552);
	CHECK_EQ(cpg_max_atomic_msgsize_get(h, NULL), CS_ERR_INVALID_PARAM);
	CHECK_EQ(cpg_local_get(h, &node), CS_OK);
	CHECK_EQ(node, 7);
	fk.nodeid = 9;	/* configured later: asked again */
	CHECK_EQ(cpg_local_get(h, &node), CS_OK);
	CHECK_EQ(node, 9);
	CHECK_EQ(cpg_local_get(h, NULL), CS_ERR_INVALID_PARAM);
	CHECK_EQ(cpg_flow_control_state_get(h, &flow), CS_OK);
	CHECK_EQ(flow, CPG_FLOW_CONTROL_DISABLED);
	d->flow_state = 1;
	CHECK_EQ(cpg_flow_control_state_get(h, &flow), CS_OK);
	CHECK_EQ(flow, CPG_FLOW_CONTROL_ENABLED);
	CHECK_EQ(cpg_flow_control_state_get(h, NULL), CS_ERR_INVALID_PARAM);
	CHECK_EQ(cpg_context_get(h, &ctx), CS_OK);
	CHECK(ctx == NULL);
	CHECK_EQ(cpg_context_set(h, &size), CS_OK);
	CHECK_EQ(cpg_context_get(h, &ctx), CS_OK);
	CHECK(ctx == &size);
	CHECK_EQ(cpg_context_get(h, NULL), CS_ERR_INVALID_PARAM);
	CHECK_EQ(cpg_fd_get(h, NULL), CS_ERR_INVALID_PARAM);
	CHECK_EQ(cpg_finalize(h), CS_OK);
}

/* ---- groups ------------------------------------------------------------ */

static void join_leave_reach_kernel(void)
{
	struct cpg_name g = name_of("alpha"), bad;
	cpg_handle_t h;
	struct fake_dev *d;

	fake_reset();
	CHECK_EQ(open_handle(&h, &d), CS_OK);
	CHECK_EQ(cpg_join(h, &g), CS_OK);
	CHECK_EQ(d->join.group.length, 5);
	CHECK(memcmp(d->join.group.value, "alpha", 5) == 0);
	CHECK_EQ(d->join.reserved, 0);
	CHECK_EQ(cpg_leave(h, &g), CS_OK);
	CHECK_EQ(d->leave.group.length, 5);

	CHECK_EQ(cpg_join(h, NULL), CS_ERR_INVALID_PARAM);
	bad = g;
	bad.length = CPG_MAX_NAME_LENGTH + 1;
	CHECK_EQ(cpg_join(h, &bad), CS_ERR_NAME_TOO_LONG);
	CHECK_EQ(cpg_leave(h, &bad), CS_ERR_NAME_TOO_LONG);
	bad.length = CPG_MAX_NAME_LENGTH;
	CHECK_EQ(cpg_join(h, &bad), CS_OK);

	d->fail_next[_IOC_NR(KCPG_IOC_JOIN)] = EEXIST;
	CHECK_EQ(cpg_join(h, &g), CS_ERR_EXIST);
	d->fail_next[_IOC_NR(KCPG_IOC_JOIN)] = EAGAIN;
	CHECK_EQ(cpg_join(h, &g), CS_ERR_TRY_AGAIN);
	d->fail_next[_IOC_NR(KCPG_IOC_LEAVE)] = ENOENT;
	CHECK_EQ(cpg_leave(h, &g), CS_ERR_NOT_EXIST);
	d->fail_next[_IOC_NR(KCPG_IOC_LEAVE)] = EBUSY;
	CHECK_EQ(cpg_leave(h, &g), CS_ERR_BUSY);
	CHECK_EQ(cpg_finalize(h), CS_OK);
	CHECK_EQ(cpg_join(h, &g), CS_ERR_BAD_HANDLE);
}

static void membership_honours_capacity(void)
{
	struct cpg_name g = name_of("alpha");
	struct cpg_address list[8];
	cpg_handle_t h;
	struct fake_dev *d;
	int n, i;

	fake_reset();
	for (i = 0; i < 5; i++)
		fk.members[i] = (struct kcpg_address){ 1, (uint32_t)(10 + i), 0 };
	fk.n_members = 5;
	CHECK_EQ(open_handle(&h, &d), CS_OK);

	memset(list, 0xee, sizeof(list));
	n = 8;
	CHECK_EQ(cpg_membership_get(h, &g, list, &n), CS_OK);
	CHECK_EQ(n, 5);
	CHECK_EQ(list[4].pid, 14);
	CHECK_EQ(list[5].pid, 0xeeeeeeee);

	memset(list, 0xee, sizeof(list));
	n = 3;
	CHECK_EQ(cpg_membership_get(h, &g, list, &n), CS_ERR_NO_SPACE);
	CHECK_EQ(n, 3);
	CHECK_EQ(list[2].pid, 12);
	CHECK_EQ(list[3].pid, 0xeeeeeeee);	/* never past the capacity */

	n = 0;
	CHECK_EQ(cpg_membership_get(h, &g, NULL, &n), CS_ERR_NO_SPACE);
	CHECK_EQ(n, 0);
	n = -1;
	CHECK_EQ(cpg_membership_get(h, &g, list, &n), CS_ERR_INVALID_PARAM);
	CHECK_EQ(cpg_membership_get(h, &g, list, NULL), CS_ERR_INVALID_PARAM);
	n = 8;
	CHECK_EQ(cpg_membership_get(h, NULL, list, &n), CS_ERR_INVALID_PARAM);
	CHECK_EQ(cpg_membership_get(h, &g, NULL, &n), CS_ERR_INVALID_PARAM);
	fk.n_members = 0;
	CHECK_EQ(cpg_membership_get(h, &g, list, &n), CS_OK);
	CHECK_EQ(n, 0);
	CHECK_EQ(cpg_finalize(h), CS_OK);
}

/* ---- sending ----------------------------------------------------------- */

static void mcast_gathers_iovecs(void)
{
	struct iovec iov[3] = {
		{ .iov_base = "abc", .iov_len = 3 },
		{ .iov_base = NULL, .iov_len = 0 },
		{ .iov_base = "defgh", .iov_len = 5 },
	};
	cpg_handle_t h;
	struct fake_dev *d;

	fake_reset();
	CHECK_EQ(open_handle(&h, &d), CS_OK);
	CHECK_EQ(cpg_mcast_joined(h, CPG_TYPE_AGREED, iov, 3), CS_OK);
	CHECK_EQ(d->last_msg_len, 8);
	CHECK(memcmp(d->last_msg, "abcdefgh", 8) == 0);
	CHECK_EQ(d->last_iovcnt, 3);
	CHECK_EQ(d->last_guarantee, CPG_TYPE_AGREED);
	CHECK_EQ(cpg_mcast_joined(h, CPG_TYPE_SAFE, iov, 1), CS_OK);
	CHECK_EQ(d->last_guarantee, CPG_TYPE_SAFE);

	CHECK_EQ(cpg_mcast_joined(h, CPG_TYPE_AGREED, iov, 0), CS_ERR_INVALID_PARAM);
	CHECK_EQ(cpg_mcast_joined(h, CPG_TYPE_AGREED, NULL, 1), CS_ERR_INVALID_PARAM);
	CHECK_EQ(cpg_mcast_joined(h, (cpg_guarantee_t)4, iov, 1), CS_ERR_INVALID_PARAM);
	d->fail_next[_IOC_NR(KCPG_IOC_MCAST)] = EAGAIN;
	CHECK_EQ(cpg_mcast_joined(h, CPG_TYPE_AGREED, iov, 1), CS_ERR_TRY_AGAIN);
	d->fail_next[_IOC_NR(KCPG_IOC_MCAST)] = ENOENT;
	CHECK_EQ(cpg_mcast_joined(h, CPG_TYPE_AGREED, iov, 1), CS_ERR_NOT_EXIST);
	d->fail_next[_IOC_NR(KCPG_IOC_MCAST)] = EMSGSIZE;
	CHECK_EQ(cpg_mcast_joined(h, CPG_TYPE_AGREED, iov, 1), CS_ERR_TOO_BIG);
	CHECK_EQ(cpg_finalize(h), CS_OK);
}

static void mcast_too_big_and_many_iovecs(void)
{
	static char big[(1 << 20) + 1];
	struct iovec many[200], one = { .iov_base = big, .iov_len = sizeof(big) };
	cpg_handle_t h;
	struct fake_dev *d;
	int i;

	fake_reset();
	CHECK_EQ(open_handle(&h, &d), CS_OK);
	CHECK_EQ(cpg_mcast_joined(h, CPG_TYPE_AGREED, &one, 1), CS_ERR_TOO_BIG);
	for (i = 0; i < 200; i++) {
		many[i].iov_base = &big[i];
		many[i].iov_len = 1;
		big[i] = (char)i;
	}
	/* More than the kernel takes: gathered into one. */
	CHECK_EQ(cpg_mcast_joined(h, CPG_TYPE_FIFO, many, 200), CS_OK);
	CHECK_EQ(d->last_iovcnt, 1);
	CHECK_EQ(d->last_msg_len, 200);
	CHECK(memcmp(d->last_msg, big, 200) == 0);
	CHECK_EQ(cpg_finalize(h), CS_OK);
}

/* ---- zero copy --------------------------------------------------------- */

static void zcb_buffers_come_from_pool(void)
{
	cpg_handle_t h;
	struct fake_dev *d;
	char *a, *b;

	fake_reset();
	CHECK_EQ(open_handle(&h, &d), CS_OK);
	CHECK_EQ(cpg_zcb_alloc(h, 1000, (void **)&a), CS_OK);
	CHECK_EQ(cpg_zcb_alloc(h, 1000, (void **)&b), CS_OK);
	CHECK(a >= (char *)d->pool && a + 1000 <= (char *)d->pool + d->setup.pool_size);
	CHECK(b >= (char *)d->pool && b + 1000 <= (char *)d->pool + d->setup.pool_size);
	CHECK(a + 1000 <= b || b + 1000 <= a);
	memcpy(a, "zero-copy", 9);
	CHECK_EQ(cpg_zcb_mcast_joined(h, CPG_TYPE_AGREED, a, 9), CS_OK);
	CHECK_EQ(d->last_zcb.offset, (uint64_t)(a - (char *)d->pool));
	CHECK_EQ(d->last_zcb.len, 9);
	CHECK_EQ(d->calls[_IOC_NR(KCPG_IOC_MCAST)], 0);	/* never the copying path */
	CHECK_EQ(cpg_zcb_mcast_joined(h, CPG_TYPE_AGREED, a, 1000), CS_OK);
	CHECK_EQ(cpg_zcb_mcast_joined(h, CPG_TYPE_AGREED, a + 10, 990), CS_OK);
	CHECK_EQ(d->last_zcb.offset, (uint64_t)(a + 10 - (char *)d->pool));
	CHECK_EQ(cpg_zcb_mcast_joined(h, CPG_TYPE_AGREED, a, 1001), CS_ERR_INVALID_PARAM);
	CHECK_EQ(cpg_zcb_mcast_joined(h, CPG_TYPE_AGREED, a + 1010, 1), CS_ERR_INVALID_PARAM);
	CHECK_EQ(cpg_zcb_mcast_joined(h, (cpg_guarantee_t)9, a, 1), CS_ERR_INVALID_PARAM);
	CHECK_EQ(cpg_zcb_mcast_joined(h, CPG_TYPE_AGREED, NULL, 1), CS_ERR_INVALID_PARAM);
	CHECK_EQ(cpg_zcb_mcast_joined(h, CPG_TYPE_AGREED, &h, 1), CS_ERR_INVALID_PARAM);

	CHECK_EQ(cpg_zcb_free(h, a + 1), CS_ERR_INVALID_PARAM);
	CHECK_EQ(cpg_zcb_free(h, &h), CS_ERR_INVALID_PARAM);
	CHECK_EQ(cpg_zcb_free(h, NULL), CS_ERR_INVALID_PARAM);
	CHECK_EQ(cpg_zcb_free(h, a), CS_OK);
	CHECK_EQ(cpg_zcb_free(h, a), CS_ERR_INVALID_PARAM);
	CHECK_EQ(cpg_zcb_mcast_joined(h, CPG_TYPE_AGREED, a, 1), CS_ERR_INVALID_PARAM);
	CHECK_EQ(cpg_zcb_alloc(h, 10, NULL), CS_ERR_INVALID_PARAM);
	/* b is left allocated: finalize reclaims it. */
	CHECK_EQ(cpg_finalize(h), CS_OK);
	CHECK_EQ(cpg_zcb_alloc(h, 10, (void **)&a), CS_ERR_BAD_HANDLE);
}

static void zcb_falls_back_to_heap(void)
{
	cpg_handle_t h;
	struct fake_dev *d;
	char *big, *small;

	fake_reset();
	fk.default_pool = 64 * 1024;
	CHECK_EQ(open_handle(&h, &d), CS_OK);
	CHECK_EQ(cpg_zcb_alloc(h, 100 * 1024, (void **)&big), CS_OK);
	CHECK(big < (char *)d->pool || big >= (char *)d->pool + d->setup.pool_size);
	memset(big, 'q', 100 * 1024);
	CHECK_EQ(cpg_zcb_mcast_joined(h, CPG_TYPE_AGREED, big, 100 * 1024), CS_OK);
	CHECK_EQ(d->calls[_IOC_NR(KCPG_IOC_MCAST)], 1);
	CHECK_EQ(d->last_msg_len, 100 * 1024);
	CHECK_EQ(d->last_msg[100 * 1024 - 1], 'q');
	CHECK_EQ(cpg_zcb_mcast_joined(h, CPG_TYPE_AGREED, big, 100 * 1024 + 1), CS_ERR_INVALID_PARAM);
	CHECK_EQ(cpg_zcb_alloc(h, 10, (void **)&small), CS_OK);
	CHECK(small >= (char *)d->pool && small < (char *)d->pool + d->setup.pool_size);
	CHECK_EQ(cpg_zcb_free(h, big + 1), CS_ERR_INVALID_PARAM);
	CHECK_EQ(cpg_zcb_free(h, big), CS_OK);
	CHECK_EQ(cpg_zcb_free(h, big), CS_ERR_INVALID_PARAM);
	CHECK_EQ(cpg_finalize(h), CS_OK);
}

/* ---- iteration --------------------------------------------------------- */

static void iteration_walks_snapshot(void)
{
	struct cpg_iteration_description_t desc;
	struct cpg_name g = name_of("g");
	cpg_iteration_handle_t it, it2;
	cpg_handle_t h;
	struct fake_dev *d;
	uint32_t i;

	fake_reset();
	fk.iter_growth = 3;
	CHECK_EQ(open_handle(&h, &d), CS_OK);
	CHECK_EQ(cpg_iteration_initialize(h, CPG_ITERATION_ALL, NULL, &it), CS_OK);
	for (i = 0; i < 3; i++) {
		CHECK_EQ(cpg_iteration_next(it, &desc), CS_OK);
		CHECK_EQ(desc.pid, i);
		CHECK_EQ(desc.group.length, 1);
	}
	CHECK_EQ(cpg_iteration_next(it, &desc), CS_ERR_NO_SECTIONS);
	CHECK_EQ(cpg_iteration_next(it, &desc), CS_ERR_NO_SECTIONS);
	CHECK_EQ(cpg_iteration_next(it, NULL), CS_ERR_INVALID_PARAM);
	CHECK_EQ(cpg_iteration_next(h, &desc), CS_ERR_BAD_HANDLE);	/* a cpg handle */
	CHECK_EQ(cpg_iteration_finalize(it), CS_OK);
	CHECK_EQ(cpg_iteration_finalize(it), CS_ERR_BAD_HANDLE);
	CHECK_EQ(cpg_iteration_next(it, &desc), CS_ERR_BAD_HANDLE);

	CHECK_EQ(cpg_iteration_initialize(h, CPG_ITERATION_NAME_ONLY, &g, &it), CS_ERR_INVALID_PARAM);
	CHECK_EQ(cpg_iteration_initialize(h, CPG_ITERATION_ALL, &g, &it), CS_ERR_INVALID_PARAM);
	CHECK_EQ(cpg_iteration_initialize(h, CPG_ITERATION_ONE_GROUP, NULL, &it), CS_ERR_INVALID_PARAM);
	CHECK_EQ(cpg_iteration_initialize(h, (cpg_iteration_type_t)4, NULL, &it), CS_ERR_INVALID_PARAM);
	CHECK_EQ(cpg_iteration_initialize(h, CPG_ITERATION_ALL, NULL, NULL), CS_ERR_INVALID_PARAM);
	g.length = 129;
	CHECK_EQ(cpg_iteration_initialize(h, CPG_ITERATION_ONE_GROUP, &g, &it), CS_ERR_NAME_TOO_LONG);
	g.length = 1;
	CHECK_EQ(cpg_iteration_initialize(h, CPG_ITERATION_ONE_GROUP, &g, &it), CS_OK);

	/* Finalizing the handle frees its open iterations. */
	CHECK_EQ(cpg_iteration_initialize(h, CPG_ITERATION_NAME_ONLY, NULL, &it2), CS_OK);
	CHECK_EQ(cpg_finalize(h), CS_OK);
	CHECK_EQ(cpg_iteration_next(it, &desc), CS_ERR_BAD_HANDLE);
	CHECK_EQ(cpg_iteration_next(it2, &desc), CS_ERR_BAD_HANDLE);
	CHECK_EQ(cpg_iteration_initialize(h, CPG_ITERATION_ALL, NULL, &it), CS_ERR_BAD_HANDLE);
}

static void iteration_retries_when_list_grows(void)
{
	struct cpg_iteration_description_t desc;
	cpg_iteration_handle_t it;
	cpg_handle_t h;
	struct fake_dev *d;
	uint32_t n = 0;

	fake_reset();
	fk.iter_growth = 100;	/* more than the first buffer, every call */
	CHECK_EQ(open_handle(&h, &d), CS_OK);
	CHECK_EQ(cpg_iteration_initialize(h, CPG_ITERATION_ALL, NULL, &it), CS_OK);
	CHECK(fk.iterate_calls >= 2);
	while (cpg_iteration_next(it, &desc) == CS_OK) {
		CHECK_EQ(desc.pid, n);
		n++;
	}
	CHECK_EQ(n, fk.n_iter);
	CHECK_EQ(cpg_iteration_finalize(it), CS_OK);
	CHECK_EQ(cpg_finalize(h), CS_OK);
}

static const struct unit_case cases[] = {
	UNIT_CASE(no_device_is_library_error),
	UNIT_CASE(wrong_abi_is_version_error),
	UNIT_CASE(initialize_sets_up_and_maps),
	UNIT_CASE(initial_totem_flag_reaches_kernel),
	UNIT_CASE(model_initialize_checks_arguments),
	UNIT_CASE(finalized_and_stale_handles),
	UNIT_CASE(queries),
	UNIT_CASE(join_leave_reach_kernel),
	UNIT_CASE(membership_honours_capacity),
	UNIT_CASE(mcast_gathers_iovecs),
	UNIT_CASE(mcast_too_big_and_many_iovecs),
	UNIT_CASE(zcb_buffers_come_from_pool),
	UNIT_CASE(zcb_falls_back_to_heap),
	UNIT_CASE(iteration_walks_snapshot),
	UNIT_CASE(iteration_retries_when_list_grows),
};

UNIT_MAIN("fake_api", cases)
