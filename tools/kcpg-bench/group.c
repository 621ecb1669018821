// SPDX-License-Identifier: GPL-2.0
/*
 * CPG handle plumbing shared by every benchmark mode.  Nothing here may
 * depend on which library implements cpg.h: the point of the tool is that
 * both run the same code.
 */
#include <errno.h>
#include <poll.h>
#include <stdio.h>
#include <string.h>
#include <time.h>
#include <sys/uio.h>
#include "group.h"

static void on_deliver(cpg_handle_t h, const struct cpg_name *group, uint32_t nodeid,
		       uint32_t pid, void *msg, size_t len)
{
	struct group_conn *c;

	(void)group;
	if (cpg_context_get(h, (void **)&c) != CS_OK || !c)
		return;
	c->deliver(c->user, nodeid, pid, msg, len);
}

static void on_confchg(cpg_handle_t h, const struct cpg_name *group,
		       const struct cpg_address *members, size_t n_members,
		       const struct cpg_address *left, size_t n_left,
		       const struct cpg_address *joined, size_t n_joined)
{
	struct group_conn *c;

	(void)group, (void)members, (void)left, (void)n_left, (void)joined, (void)n_joined;
	if (cpg_context_get(h, (void **)&c) != CS_OK || !c)
		return;
	c->members_now = n_members;
}

static void sleep_us(long us)
{
	struct timespec ts = { .tv_sec = us / 1000000, .tv_nsec = (us % 1000000) * 1000 };

	nanosleep(&ts, NULL);
}

/* Both libraries say LIBRARY or TRY_AGAIN while the service is not ready. */
static int retryable(cs_error_t e)
{
	return e == CS_ERR_TRY_AGAIN || e == CS_ERR_LIBRARY;
}

cs_error_t group_open(struct group_conn *c, const char *group,
		      group_deliver_fn deliver, void *user)
{
	static cpg_callbacks_t callbacks = {
		.cpg_deliver_fn = on_deliver,
		.cpg_confchg_fn = on_confchg,
	};
	cs_error_t res;
	int tries;

	memset(c, 0, sizeof(*c));
	c->fd = -1;
	c->deliver = deliver;
	c->user = user;
	c->name.length = strnlen(group, CPG_MAX_NAME_LENGTH);
	memcpy(c->name.value, group, c->name.length);

	for (tries = 0; tries < 50; tries++) {
		res = cpg_initialize(&c->handle, &callbacks);
		if (!retryable(res))
			break;
		sleep_us(100000);
	}
	if (res != CS_OK)
		return res;
	res = cpg_context_set(c->handle, c);
	if (res == CS_OK)
		res = cpg_fd_get(c->handle, &c->fd);
	for (tries = 0; res == CS_OK && tries < 1000; tries++) {
		res = cpg_join(c->handle, &c->name);
		if (res != CS_ERR_TRY_AGAIN)
			break;
		sleep_us(10000);
	}
	if (res != CS_OK) {
		cpg_finalize(c->handle);
		c->handle = 0;
	}
	return res;
}

void group_close(struct group_conn *c)
{
	if (c->handle)
		cpg_finalize(c->handle);
	c->handle = 0;
}

cs_error_t group_dispatch(struct group_conn *c)
{
	cs_error_t res = cpg_dispatch(c->handle, CS_DISPATCH_ALL);

	return res == CS_ERR_TRY_AGAIN ? CS_OK : res;
}

int group_poll(struct group_conn *c, int timeout_ms)
{
	struct pollfd pfd = { .fd = c->fd, .events = POLLIN };

	return poll(&pfd, 1, timeout_ms);
}

cs_error_t group_wait_members(struct group_conn *c, size_t n, unsigned int timeout_ms)
{
	uint64_t deadline = bench_now_ns() + (uint64_t)timeout_ms * 1000000ULL;
	cs_error_t res = CS_OK;

	while (c->members_now != n) {
		if (bench_now_ns() > deadline)
			return CS_ERR_TIMEOUT;
		group_poll(c, 50);
		res = group_dispatch(c);
		if (res != CS_OK)
			return res;
	}
	return res;
}

cs_error_t group_send(struct group_conn *c, cpg_guarantee_t g, void *buf, size_t len,
		      int zcb, unsigned int stall_ms, uint64_t *try_again,
		      void (*idle)(struct group_conn *))
{
	struct iovec iov = { .iov_base = buf, .iov_len = len };
	uint64_t deadline = 0;
	long backoff_us = 10;
	cs_error_t res;

	for (;;) {
		if (zcb)
			res = cpg_zcb_mcast_joined(c->handle, g, buf, len);
		else
			res = cpg_mcast_joined(c->handle, g, &iov, 1);
		if (res != CS_ERR_TRY_AGAIN)
			return res;
		(*try_again)++;
		/*
		 * Back-pressure: let the deliveries drain instead of spinning
		 * on the call, and give up once nothing has moved for stall_ms.
		 */
		if (!deadline)
			deadline = bench_now_ns() + (uint64_t)stall_ms * 1000000ULL;
		else if (bench_now_ns() > deadline)
			return CS_ERR_TRY_AGAIN;
		if (idle)
			idle(c);
		else
			sleep_us(backoff_us);
		if (backoff_us < 1000)
			backoff_us *= 2;
	}
}
