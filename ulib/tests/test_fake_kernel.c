// SPDX-License-Identifier: LGPL-2.1-or-later
/*
 * The whole library against the fake /dev/kcpg (fake_kernel.c): every API
 * call's argument checks and error paths, what reaches the kernel, and
 * cpg_dispatch() in all modes over a ring the test fills itself.
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

#include "fake_kernel.h"
#include "unit.h"

/* ---- what the callbacks saw ------------------------------------------ */

struct seen {
	char kind;			/* 'm' deliver, 'c' confchg, 't' totem */
	cpg_handle_t handle;
	struct cpg_name group;
	uint32_t nodeid, pid;
	size_t len;
	const void *ptr;
	char data[64];
	size_t n_members, n_left, n_joined;
	struct cpg_address members[8], left[8], joined[8];
	struct cpg_ring_id ring;
	uint32_t nodes[4];
};

static struct seen seen[256];
static int n_seen;
static int finalize_at = -1;	/* finalize inside the n-th callback */
static struct fake_dev *push_dev_on_deliver;	/* keep sending while dispatching */

static void note_callback(void)
{
	if (n_seen - 1 == finalize_at)
		cpg_finalize(seen[n_seen - 1].handle);
}

static void on_deliver(cpg_handle_t h, const struct cpg_name *group, uint32_t nodeid,
		       uint32_t pid, void *msg, size_t len)
{
	struct seen *s = &seen[n_seen++ % 256];

	memset(s, 0, sizeof(*s));
	s->kind = 'm';
	s->handle = h;
	s->group = *group;
	s->nodeid = nodeid;
	s->pid = pid;
	s->len = len;
	s->ptr = msg;
	memcpy(s->data, msg, len < sizeof(s->data) ? len : sizeof(s->data));
	if (push_dev_on_deliver && n_seen < 100)	/* bounded even if ALL is not */
		fake_push_msg(push_dev_on_deliver, 1, 99, "more", 4);
	note_callback();
}

static void copy_list(struct cpg_address *dst, const struct cpg_address *src, size_t n)
{
	memcpy(dst, src, (n < 8 ? n : 8) * sizeof(*dst));
}

static void on_confchg(cpg_handle_t h, const struct cpg_name *group,
		       const struct cpg_address *m, size_t nm,
		       const struct cpg_address *l, size_t nl,
		       const struct cpg_address *j, size_t nj)
{
	struct seen *s = &seen[n_seen++ % 256];

	memset(s, 0, sizeof(*s));
	s->kind = 'c';
	s->handle = h;
	s->group = *group;
	s->n_members = nm;
	s->n_left = nl;
	s->n_joined = nj;
	copy_list(s->members, m, nm);
	copy_list(s->left, l, nl);
	copy_list(s->joined, j, nj);
	note_callback();
}

static void on_totem(cpg_handle_t h, struct cpg_ring_id ring, uint32_t n, const uint32_t *nodes)
{
	struct seen *s = &seen[n_seen++ % 256];

	memset(s, 0, sizeof(*s));
	s->kind = 't';
	s->handle = h;
	s->ring = ring;
	s->n_members = n;
	memcpy(s->nodes, nodes, (n < 4 ? n : 4) * sizeof(uint32_t));
	note_callback();
}

static cpg_model_v1_data_t model = {
	.model = CPG_MODEL_V1,
	.cpg_deliver_fn = on_deliver,
	.cpg_confchg_fn = on_confchg,
	.cpg_totem_confchg_fn = on_totem,
};

/* A fresh fake kernel and an open handle on it. */
static cs_error_t open_handle(cpg_handle_t *h, struct fake_dev **d)
{
	cs_error_t res;
	int fd;

	n_seen = 0;
	finalize_at = -1;
	push_dev_on_deliver = NULL;
	res = cpg_model_initialize(h, CPG_MODEL_V1, (cpg_model_data_t *)&model, NULL);
	if (res != CS_OK)
		return res;
	if (cpg_fd_get(*h, &fd) != CS_OK)
		return CS_ERR_LIBRARY;
	*d = fake_dev_of(fd);
	return *d ? CS_OK : CS_ERR_LIBRARY;
}

static struct cpg_name name_of(const char *s)
{
	struct cpg_name n;

	memset(&n, 0, sizeof(n));
	n.length = (uint32_t)strlen(s);
	memcpy(n.value, s, n.length);
	return n;
}

static const struct kcpg_address me = { 7, 100, 0 };
static const struct kcpg_address me_joining = { 7, 100, CPG_REASON_JOIN };

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

/* ---- dispatch ---------------------------------------------------------- */

static void dispatch_all_in_order_from_ring(void)
{
	struct kcpg_address m2[2] = { { 3, 1, 0 }, { 7, 100, 0 } };
	struct kcpg_address joined = { 3, 1, CPG_REASON_JOIN };
	uint32_t nodes[2] = { 3, 7 };
	cpg_handle_t h;
	struct fake_dev *d;

	fake_reset();
	CHECK_EQ(open_handle(&h, &d), CS_OK);
	CHECK_EQ(cpg_dispatch(h, CS_DISPATCH_ALL), CS_OK);	/* empty: returns */
	CHECK_EQ(n_seen, 0);
	fake_push_confchg(d, "alpha", &me, 1, NULL, 0, &me_joining, 1);
	fake_push_msg(d, 7, 100, "one", 3);
	fake_push_confchg(d, "alpha", m2, 2, NULL, 0, &joined, 1);
	fake_push_msg(d, 3, 1, "two", 3);
	fake_push(d, fake_rec_totem(3, 0x42, nodes, 2));

	CHECK_EQ(cpg_dispatch(h, CS_DISPATCH_ALL), CS_OK);
	CHECK_EQ(n_seen, 5);
	CHECK_EQ(seen[0].kind, 'c');
	CHECK_EQ(seen[0].handle, h);
	CHECK_EQ(seen[0].group.length, 5);
	CHECK(memcmp(seen[0].group.value, "alpha", 5) == 0);
	CHECK_EQ(seen[0].n_members, 1);
	CHECK_EQ(seen[0].n_joined, 1);
	CHECK_EQ(seen[0].joined[0].reason, CPG_REASON_JOIN);
	CHECK_EQ(seen[1].kind, 'm');
	CHECK(memcmp(seen[1].data, "one", 3) == 0);
	CHECK_EQ(seen[1].group.length, 5);	/* the group of the confchg before */
	CHECK(memcmp(seen[1].group.value, "alpha", 5) == 0);
	CHECK_EQ(seen[1].nodeid, 7);
	CHECK_EQ(seen[1].pid, 100);
	/* In place: the payload pointer is inside the mapped ring. */
	CHECK((const uint8_t *)seen[1].ptr > d->ring &&
	      (const uint8_t *)seen[1].ptr < d->ring + d->setup.ring_size);
	CHECK_EQ(seen[2].kind, 'c');
	CHECK_EQ(seen[2].n_members, 2);
	CHECK_EQ(seen[2].members[0].nodeid, 3);
	CHECK_EQ(seen[3].kind, 'm');
	CHECK_EQ(seen[3].nodeid, 3);
	CHECK_EQ(seen[4].kind, 't');
	CHECK_EQ(seen[4].ring.nodeid, 3);
	CHECK(seen[4].ring.seq == 0x42);
	CHECK_EQ(seen[4].n_members, 2);
	CHECK_EQ(seen[4].nodes[1], 7);
	/* Everything consumed, and published to the kernel. */
	CHECK_EQ(fake_unconsumed(d), 0);
	CHECK_EQ(cpg_dispatch(h, CS_DISPATCH_ONE_NONBLOCKING), CS_ERR_TRY_AGAIN);
	CHECK_EQ(cpg_dispatch(h, (cs_dispatch_flags_t)0), CS_ERR_INVALID_PARAM);
	CHECK_EQ(cpg_dispatch(h, (cs_dispatch_flags_t)5), CS_ERR_INVALID_PARAM);
	CHECK_EQ(cpg_finalize(h), CS_OK);
}

static void dispatch_one_takes_one(void)
{
	cpg_handle_t h;
	struct fake_dev *d;

	fake_reset();
	CHECK_EQ(open_handle(&h, &d), CS_OK);
	fake_push_confchg(d, "g", &me, 1, NULL, 0, &me_joining, 1);
	fake_push_msg(d, 7, 100, "a", 1);
	fake_push_msg(d, 7, 100, "b", 1);
	CHECK_EQ(cpg_dispatch(h, CS_DISPATCH_ONE_NONBLOCKING), CS_OK);
	CHECK_EQ(n_seen, 1);
	CHECK_EQ(cpg_dispatch(h, CS_DISPATCH_ONE), CS_OK);
	CHECK_EQ(n_seen, 2);
	CHECK_EQ(seen[1].data[0], 'a');
	CHECK_EQ(cpg_dispatch(h, CS_DISPATCH_ONE), CS_OK);
	CHECK_EQ(n_seen, 3);
	CHECK_EQ(seen[2].data[0], 'b');
	CHECK_EQ(cpg_dispatch(h, CS_DISPATCH_ONE_NONBLOCKING), CS_ERR_TRY_AGAIN);
	CHECK_EQ(n_seen, 3);
	CHECK_EQ(cpg_finalize(h), CS_OK);
}

/* A ring full of padding and wraps: many small and large records. */
static void dispatch_across_wraps(void)
{
	char buf[3000];
	cpg_handle_t h;
	struct fake_dev *d;
	int i, round;

	fake_reset();
	fk.default_ring = 8192;
	CHECK_EQ(open_handle(&h, &d), CS_OK);
	CHECK_EQ(d->setup.ring_size, 8192);
	fake_push_confchg(d, "g", &me, 1, NULL, 0, &me_joining, 1);
	CHECK_EQ(cpg_dispatch(h, CS_DISPATCH_ALL), CS_OK);
	for (round = 0; round < 40; round++) {
		n_seen = 0;
		for (i = 0; i < 3; i++) {
			size_t len = 1 + (size_t)((round * 7 + i * 1311) % (sizeof(buf) - 1));

			memset(buf, 'a' + i, len);
			fake_push_msg(d, 7, (uint32_t)i, buf, (uint32_t)len);
		}
		CHECK_EQ(cpg_dispatch(h, CS_DISPATCH_ALL), CS_OK);
		CHECK_EQ(n_seen, 3);
		for (i = 0; i < 3; i++) {
			CHECK_EQ(seen[i].pid, i);
			CHECK_EQ(seen[i].data[0], 'a' + i);
		}
	}
	CHECK(d->fr.prod > 10 * 8192);
	CHECK_EQ(cpg_finalize(h), CS_OK);
}

/* A group that keeps sending cannot keep CS_DISPATCH_ALL running. */
static void dispatch_all_is_bounded(void)
{
	cpg_handle_t h;
	struct fake_dev *d;

	fake_reset();
	CHECK_EQ(open_handle(&h, &d), CS_OK);
	fake_push_confchg(d, "g", &me, 1, NULL, 0, &me_joining, 1);
	fake_push_msg(d, 1, 99, "more", 4);
	fake_push_msg(d, 1, 99, "more", 4);
	push_dev_on_deliver = d;	/* each delivery queues another */
	CHECK_EQ(cpg_dispatch(h, CS_DISPATCH_ALL), CS_OK);
	CHECK_EQ(n_seen, 3);
	CHECK(fake_unconsumed(d) > 0);
	CHECK_EQ(cpg_dispatch(h, CS_DISPATCH_ALL), CS_OK);
	CHECK_EQ(n_seen, 5);
	push_dev_on_deliver = NULL;
	CHECK_EQ(cpg_finalize(h), CS_OK);
}

static void dispatch_kicks_backlog(void)
{
	char buf[1000];
	cpg_handle_t h;
	struct fake_dev *d;
	int i, total = 0;

	fake_reset();
	fk.default_ring = 4096;
	CHECK_EQ(open_handle(&h, &d), CS_OK);
	fake_push_confchg(d, "g", &me, 1, NULL, 0, &me_joining, 1);
	memset(buf, 'x', sizeof(buf));
	for (i = 0; i < 20; i++)
		fake_push_msg(d, 7, (uint32_t)i, buf, sizeof(buf));
	CHECK(d->n_backlog > 0);
	CHECK(d->ctrl->kernel_flags & KCPG_CTRL_BACKLOG);
	/* ALL handles a ring's worth per call, kicking the rest in. */
	for (i = 0; i < 30 && total < 21; i++) {
		n_seen = 0;
		CHECK_EQ(cpg_dispatch(h, CS_DISPATCH_ALL), CS_OK);
		total += n_seen;
	}
	CHECK_EQ(total, 21);
	CHECK(d->kicks > 0);
	CHECK_EQ(d->n_backlog, 0);
	CHECK_EQ(d->ctrl->kernel_flags & KCPG_CTRL_BACKLOG, 0);
	CHECK_EQ(cpg_finalize(h), CS_OK);
}

static void dispatch_reports_expulsion(void)
{
	struct cpg_name g = name_of("g");
	struct iovec iov = { .iov_base = "x", .iov_len = 1 };
	cpg_handle_t h;
	struct fake_dev *d;
	int fd;

	fake_reset();
	CHECK_EQ(open_handle(&h, &d), CS_OK);
	fake_push_confchg(d, "g", &me, 1, NULL, 0, &me_joining, 1);
	fake_push_msg(d, 7, 100, "last", 4);
	fake_push(d, fake_rec_raw(KCPG_REC_EXPELLED, NULL, 0));
	d->ctrl->kernel_flags |= KCPG_CTRL_DEAD;
	d->dead = true;
	/* Everything before the expulsion first. */
	CHECK_EQ(cpg_dispatch(h, CS_DISPATCH_ALL), CS_ERR_FAILED_OPERATION);
	CHECK_EQ(n_seen, 2);
	CHECK_EQ(cpg_dispatch(h, CS_DISPATCH_ALL), CS_ERR_FAILED_OPERATION);
	CHECK_EQ(cpg_dispatch(h, CS_DISPATCH_BLOCKING), CS_ERR_FAILED_OPERATION);
	CHECK_EQ(cpg_mcast_joined(h, CPG_TYPE_AGREED, &iov, 1), CS_ERR_FAILED_OPERATION);
	CHECK_EQ(cpg_join(h, &g), CS_ERR_FAILED_OPERATION);
	CHECK_EQ(cpg_leave(h, &g), CS_ERR_FAILED_OPERATION);
	/* Still a valid handle. */
	CHECK_EQ(cpg_fd_get(h, &fd), CS_OK);
	CHECK_EQ(cpg_finalize(h), CS_OK);
}

static void dispatch_dead_without_record(void)
{
	cpg_handle_t h;
	struct fake_dev *d;

	fake_reset();
	CHECK_EQ(open_handle(&h, &d), CS_OK);
	d->ctrl->kernel_flags |= KCPG_CTRL_DEAD;
	CHECK_EQ(cpg_dispatch(h, CS_DISPATCH_ONE), CS_ERR_FAILED_OPERATION);
	CHECK_EQ(cpg_dispatch(h, CS_DISPATCH_ALL), CS_ERR_FAILED_OPERATION);
	CHECK_EQ(cpg_finalize(h), CS_OK);
}

static void dispatch_corrupt_ring(void)
{
	struct kcpg_rec *hdr;
	cpg_handle_t h;
	struct fake_dev *d;

	fake_reset();
	CHECK_EQ(open_handle(&h, &d), CS_OK);
	fake_push_msg(d, 7, 100, "abc", 3);
	hdr = (struct kcpg_rec *)d->ring;
	hdr->len = 1 << 20;
	CHECK_EQ(cpg_dispatch(h, CS_DISPATCH_ALL), CS_ERR_LIBRARY);
	CHECK_EQ(n_seen, 0);
	CHECK_EQ(cpg_finalize(h), CS_OK);
}

static void finalize_inside_callback(void)
{
	cpg_handle_t h;
	struct fake_dev *d;
	int fd;

	fake_reset();
	CHECK_EQ(open_handle(&h, &d), CS_OK);
	fake_push_confchg(d, "g", &me, 1, NULL, 0, &me_joining, 1);
	fake_push_msg(d, 7, 100, "a", 1);
	fake_push_msg(d, 7, 100, "b", 1);
	finalize_at = 1;
	CHECK_EQ(cpg_dispatch(h, CS_DISPATCH_ALL), CS_ERR_BAD_HANDLE);
	CHECK_EQ(n_seen, 2);	/* nothing after the finalize */
	CHECK_EQ(cpg_fd_get(h, &fd), CS_ERR_BAD_HANDLE);
	CHECK_EQ(cpg_dispatch(h, CS_DISPATCH_ALL), CS_ERR_BAD_HANDLE);

	CHECK_EQ(open_handle(&h, &d), CS_OK);
	fake_push_confchg(d, "g", &me, 1, NULL, 0, &me_joining, 1);
	finalize_at = 0;
	CHECK_EQ(cpg_dispatch(h, CS_DISPATCH_BLOCKING), CS_ERR_BAD_HANDLE);

	/* Also when the event was the one CS_DISPATCH_ONE was waiting for. */
	CHECK_EQ(open_handle(&h, &d), CS_OK);
	fake_push_msg(d, 7, 100, "a", 1);
	finalize_at = 0;
	CHECK_EQ(cpg_dispatch(h, CS_DISPATCH_ONE), CS_ERR_BAD_HANDLE);
	CHECK_EQ(open_handle(&h, &d), CS_OK);
	fake_push_msg(d, 7, 100, "a", 1);
	finalize_at = 0;
	CHECK_EQ(cpg_dispatch(h, CS_DISPATCH_ONE_NONBLOCKING), CS_ERR_BAD_HANDLE);
}

static int fork_in_callback_child_status = -1;

static void on_deliver_fork(cpg_handle_t h, const struct cpg_name *g, uint32_t n, uint32_t p,
			    void *m, size_t l)
{
	(void)h, (void)g, (void)n, (void)p, (void)m, (void)l;
	fork_in_callback_child_status = (int)fork();
}

/*
 * fork() inside a callback: in the child the running dispatch must stop
 * without touching the ring (not mapped there) and say BAD_HANDLE.
 */
static void fork_inside_callback(void)
{
	cpg_callbacks_t cb = { .cpg_deliver_fn = on_deliver_fork };
	cpg_handle_t h;
	int fd, status;
	cs_error_t res;

	fake_reset();
	CHECK_EQ(cpg_initialize(&h, &cb), CS_OK);
	CHECK_EQ(cpg_fd_get(h, &fd), CS_OK);
	fake_push_msg(fake_dev_of(fd), 7, 100, "a", 1);
	fake_push_msg(fake_dev_of(fd), 7, 100, "b", 1);
	res = cpg_dispatch(h, CS_DISPATCH_ONE);
	if (fork_in_callback_child_status == 0)
		_exit(res == CS_ERR_BAD_HANDLE ? 0 : 1);
	CHECK(fork_in_callback_child_status > 0);
	CHECK_EQ(res, CS_OK);
	CHECK_EQ(waitpid(fork_in_callback_child_status, &status, 0), fork_in_callback_child_status);
	CHECK(WIFEXITED(status));
	CHECK_EQ(WEXITSTATUS(status), 0);
	CHECK_EQ(fake_unconsumed(fake_dev_of(fd)), fake_ring_span(16 + 1));
	CHECK_EQ(cpg_finalize(h), CS_OK);
}

static cpg_handle_t nested_handle;
static cs_error_t nested_result;

static void on_deliver_nested(cpg_handle_t h, const struct cpg_name *g, uint32_t n, uint32_t p,
			      void *m, size_t l)
{
	(void)g, (void)n, (void)p, (void)m, (void)l;
	nested_result = cpg_dispatch(h, CS_DISPATCH_ALL);
	nested_handle = h;
}

static void dispatch_from_own_callback_refused(void)
{
	cpg_callbacks_t cb = { .cpg_deliver_fn = on_deliver_nested };
	cpg_handle_t h;
	int fd;

	fake_reset();
	CHECK_EQ(cpg_initialize(&h, &cb), CS_OK);
	CHECK_EQ(cpg_fd_get(h, &fd), CS_OK);
	fake_push_msg(fake_dev_of(fd), 7, 100, "a", 1);
	CHECK_EQ(cpg_dispatch(h, CS_DISPATCH_ALL), CS_OK);
	CHECK_EQ(nested_handle, h);
	CHECK_EQ(nested_result, CS_ERR_BAD_OPERATION);
	CHECK_EQ(cpg_finalize(h), CS_OK);
}

static void copy_deliver_gives_private_copy(void)
{
	cpg_handle_t h;
	struct fake_dev *d;

	fake_reset();
	setenv("KCPG_COPY_DELIVER", "1", 1);
	CHECK_EQ(open_handle(&h, &d), CS_OK);
	unsetenv("KCPG_COPY_DELIVER");
	fake_push_msg(d, 7, 100, "copied", 6);
	CHECK_EQ(cpg_dispatch(h, CS_DISPATCH_ALL), CS_OK);
	CHECK_EQ(n_seen, 1);
	CHECK(memcmp(seen[0].data, "copied", 6) == 0);
	CHECK((const uint8_t *)seen[0].ptr < d->ring ||
	      (const uint8_t *)seen[0].ptr >= d->ring + d->setup.ring_size);
	CHECK_EQ(cpg_finalize(h), CS_OK);
}

/* ---- threads ----------------------------------------------------------- */

struct pusher {
	struct fake_dev *d;
	cpg_handle_t h;
	int count;
	useconds_t delay;
};

static void *push_later(void *argp)
{
	struct pusher *p = argp;

	usleep(p->delay);
	fake_push_msg(p->d, 7, 100, "late", 4);
	return NULL;
}

static void dispatch_one_waits_for_event(void)
{
	struct pusher p;
	pthread_t th;
	cpg_handle_t h;
	struct fake_dev *d;

	fake_reset();
	CHECK_EQ(open_handle(&h, &d), CS_OK);
	p = (struct pusher){ .d = d, .delay = 100000 };
	CHECK_EQ(pthread_create(&th, NULL, push_later, &p), 0);
	CHECK_EQ(cpg_dispatch(h, CS_DISPATCH_ONE), CS_OK);
	pthread_join(th, NULL);
	CHECK_EQ(n_seen, 1);
	CHECK(memcmp(seen[0].data, "late", 4) == 0);
	CHECK_EQ(cpg_finalize(h), CS_OK);
}

static void *finalize_later(void *argp)
{
	struct pusher *p = argp;

	usleep(p->delay);
	cpg_finalize(p->h);
	return NULL;
}

static void finalize_wakes_blocked_dispatch(void)
{
	struct pusher p;
	pthread_t th;
	cpg_handle_t h;
	struct fake_dev *d;

	fake_reset();
	CHECK_EQ(open_handle(&h, &d), CS_OK);
	p = (struct pusher){ .d = d, .h = h, .delay = 100000 };
	CHECK_EQ(pthread_create(&th, NULL, finalize_later, &p), 0);
	CHECK_EQ(cpg_dispatch(h, CS_DISPATCH_BLOCKING), CS_ERR_BAD_HANDLE);
	pthread_join(th, NULL);
}

static void *send_many(void *argp)
{
	struct pusher *p = argp;
	int i;

	for (i = 0; i < p->count; i++) {
		struct iovec iov = { .iov_base = &i, .iov_len = sizeof(i) };

		while (cpg_mcast_joined(p->h, CPG_TYPE_AGREED, &iov, 1) == CS_ERR_TRY_AGAIN)
			usleep(100);
	}
	return NULL;
}

static int loop_received;
static int loop_in_order;

static void on_deliver_count(cpg_handle_t h, const struct cpg_name *g, uint32_t n, uint32_t p,
			     void *m, size_t l)
{
	int v;

	(void)g, (void)n, (void)p;
	memcpy(&v, m, sizeof(v));
	if (l != sizeof(v) || v != loop_received)
		loop_in_order = 0;
	if (++loop_received == 20000)
		cpg_finalize(h);
}

/* cpgbench's shape: BLOCKING dispatch in one thread, sends in another. */
static void dispatch_with_concurrent_sender(void)
{
	cpg_callbacks_t cb = { .cpg_deliver_fn = on_deliver_count };
	struct pusher p;
	pthread_t th;
	cpg_handle_t h;
	int fd;

	fake_reset();
	CHECK_EQ(cpg_initialize(&h, &cb), CS_OK);
	CHECK_EQ(cpg_fd_get(h, &fd), CS_OK);
	fake_dev_of(fd)->loopback = true;
	loop_received = 0;
	loop_in_order = 1;
	p = (struct pusher){ .h = h, .count = 20000 };
	CHECK_EQ(pthread_create(&th, NULL, send_many, &p), 0);
	CHECK_EQ(cpg_dispatch(h, CS_DISPATCH_BLOCKING), CS_ERR_BAD_HANDLE);
	pthread_join(th, NULL);
	CHECK_EQ(loop_received, 20000);
	CHECK_EQ(loop_in_order, 1);
}

/* ---- fork -------------------------------------------------------------- */

static void child_cannot_use_inherited_handle(void)
{
	struct cpg_name g = name_of("g");
	struct iovec iov = { .iov_base = "x", .iov_len = 1 };
	cpg_handle_t h;
	struct fake_dev *d;
	int status, fd;
	pid_t pid;

	fake_reset();
	CHECK_EQ(open_handle(&h, &d), CS_OK);
	fake_push_msg(d, 7, 100, "a", 1);
	CHECK_EQ(cpg_fd_get(h, &fd), CS_OK);
	pid = fork();
	CHECK(pid >= 0);
	if (pid == 0) {
		int bad = 0, newfd;
		cpg_handle_t h2;

		bad |= cpg_fd_get(h, &newfd) != CS_ERR_BAD_HANDLE;
		bad |= cpg_dispatch(h, CS_DISPATCH_ALL) != CS_ERR_BAD_HANDLE;
		bad |= cpg_join(h, &g) != CS_ERR_BAD_HANDLE;
		bad |= cpg_mcast_joined(h, CPG_TYPE_AGREED, &iov, 1) != CS_ERR_BAD_HANDLE;
		bad |= (fcntl(fd, F_GETFD) != -1) << 1;	/* our copy is closed */
		bad |= (cpg_finalize(h) != CS_OK) << 2;
		bad |= (cpg_finalize(h) != CS_ERR_BAD_HANDLE) << 2;
		/* A new handle in the child works. */
		bad |= (cpg_initialize(&h2, NULL) != CS_OK) << 3;
		bad |= (cpg_fd_get(h2, &newfd) != CS_OK) << 3;
		_exit(bad);
	}
	CHECK_EQ(waitpid(pid, &status, 0), pid);
	CHECK(WIFEXITED(status));
	CHECK_EQ(WEXITSTATUS(status), 0);
	/* The parent is unaffected. */
	CHECK_EQ(cpg_dispatch(h, CS_DISPATCH_ALL), CS_OK);
	CHECK_EQ(n_seen, 1);
	CHECK(fcntl(fd, F_GETFD) != -1);
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
	UNIT_CASE(dispatch_all_in_order_from_ring),
	UNIT_CASE(dispatch_one_takes_one),
	UNIT_CASE(dispatch_across_wraps),
	UNIT_CASE(dispatch_all_is_bounded),
	UNIT_CASE(dispatch_kicks_backlog),
	UNIT_CASE(dispatch_reports_expulsion),
	UNIT_CASE(dispatch_dead_without_record),
	UNIT_CASE(dispatch_corrupt_ring),
	UNIT_CASE(finalize_inside_callback),
	UNIT_CASE(fork_inside_callback),
	UNIT_CASE(dispatch_from_own_callback_refused),
	UNIT_CASE(copy_deliver_gives_private_copy),
	UNIT_CASE(dispatch_one_waits_for_event),
	UNIT_CASE(finalize_wakes_blocked_dispatch),
	UNIT_CASE(dispatch_with_concurrent_sender),
	UNIT_CASE(child_cannot_use_inherited_handle),
};

UNIT_MAIN("fake_kernel", cases)
