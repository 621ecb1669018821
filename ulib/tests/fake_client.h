/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * The client side of the fake-kernel tests: callbacks that record what they
 * saw, and a handle opened on a fresh fake /dev/kcpg.
 */
#ifndef KCPG_ULIB_TESTS_FAKE_CLIENT_H
#define KCPG_ULIB_TESTS_FAKE_CLIENT_H

#include <corosync/cpg.h>

#include "fake_kernel.h"

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

extern struct seen seen[256];
extern int n_seen;
extern int finalize_at;			/* finalize inside the n-th callback */
extern struct fake_dev *push_dev_on_deliver;	/* keep sending while dispatching */
extern cpg_model_v1_data_t model;	/* deliver, confchg and totem recorders */

/* This process as the fake kernel's member lists show it. */
extern const struct kcpg_address me, me_joining;

/* Reset the recorders and open a handle with them on the fake device. */
cs_error_t open_handle(cpg_handle_t *h, struct fake_dev **d);

struct cpg_name name_of(const char *s);

#endif
