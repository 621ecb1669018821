/* SPDX-License-Identifier: GPL-2.0 */
/*
 * One benchmark process's CPG handle: open, join, wait for the others,
 * dispatch.  The same calls run on corosync's libcpg and libcpg-kshim.
 */
#ifndef KCPG_BENCH_GROUP_H
#define KCPG_BENCH_GROUP_H

#include <stddef.h>
#include <stdint.h>
#include "bench.h"

typedef void (*group_deliver_fn)(void *user, uint32_t nodeid, uint32_t pid,
				 const void *msg, size_t len);

struct group_conn {
	cpg_handle_t handle;
	int fd;
	struct cpg_name name;
	size_t members_now;		/* after the last confchg */
	group_deliver_fn deliver;
	void *user;
};

/* Opens a handle and joins @group.  Returns CS_OK or the failing call's error. */
cs_error_t group_open(struct group_conn *c, const char *group,
		      group_deliver_fn deliver, void *user);
void group_close(struct group_conn *c);

/* Dispatches until @n processes are in the group, at most @timeout_ms. */
cs_error_t group_wait_members(struct group_conn *c, size_t n, unsigned int timeout_ms);

/* Everything queued now (bounded: the library stops at what it saw). */
cs_error_t group_dispatch(struct group_conn *c);

/* Waits up to @timeout_ms for the handle's fd; 0 if it timed out. */
int group_poll(struct group_conn *c, int timeout_ms);

/*
 * Sends @len bytes from @buf (a cpg_zcb_alloc buffer when @zcb).  On
 * CS_ERR_TRY_AGAIN it backs off (the dispatcher, another thread or the
 * caller's @idle, makes room) and retries for up to @stall_ms.  Counts the
 * TRY_AGAIN answers in *@try_again.
 */
cs_error_t group_send(struct group_conn *c, cpg_guarantee_t g, void *buf, size_t len,
		      int zcb, unsigned int stall_ms, uint64_t *try_again,
		      void (*idle)(struct group_conn *));

#endif
