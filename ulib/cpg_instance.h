/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * The object behind a cpg_handle_t, and how API calls find it.
 *
 * Locking: the handle table's reference keeps an instance alive; every API
 * call holds its own reference for its duration (cpg_inst_get/put), so
 * cpg_finalize() from another thread or from a callback never frees memory
 * under a running call: it only detaches the handle, sets `finalized` and
 * wakes a blocked dispatcher, and the last reference closes the device.
 *   lock           protects wake_fd, iterations, heap_bufs
 *   dispatch_lock  serialises cpg_dispatch(); it alone touches the consumer
 *                  side of the ring (consumer, cur_group, copy_buf)
 * Sending (cpg_mcast_joined etc.) takes neither: the kernel serialises it.
 */
#ifndef KCPG_ULIB_CPG_INSTANCE_H
#define KCPG_ULIB_CPG_INSTANCE_H

#include <pthread.h>
#include <stdatomic.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <corosync/cpg.h>

#include "handle_table.h"
#include "kcpg_device.h"
#include "zcb_pool.h"

/* A cpg_zcb_alloc() buffer that did not fit in the shared pool. */
struct zcb_heap_buf {
	struct zcb_heap_buf *next;
	void *mem;
	size_t len;
};

struct cpg_inst {
	struct kcpg_hobj hobj;
	cpg_handle_t id;
	struct kcpg_dev dev;
	unsigned int fork_epoch;	/* kcpg_fork_epoch() at creation */
	cpg_model_v1_data_t model;
	_Atomic(void *) context;
	atomic_bool finalized;
	atomic_bool expelled;		/* an EXPELLED record was consumed */
	bool copy_deliver;		/* KCPG_COPY_DELIVER: see cpg.h */

	pthread_mutex_t lock;
	int wake_fd;			/* eventfd, made by the first blocking wait */
	cpg_iteration_handle_t *iterations;
	size_t n_iterations, cap_iterations;
	struct zcb_heap_buf *heap_bufs;

	pthread_mutex_t dispatch_lock;
	uint64_t consumer;		/* our copy of the published index */
	uint64_t unchecked_bytes;	/* consumed since the last backlog check */
	struct cpg_name cur_group;	/* group of the last confchg consumed */
	void *copy_buf;
	size_t copy_buf_len;

	struct kcpg_zpool zpool;
};

/*
 * The instance of a live handle owned by this process, with a reference:
 * CS_OK, or CS_ERR_BAD_HANDLE (unknown, finalized, or inherited via fork).
 */
cs_error_t cpg_inst_get(cpg_handle_t handle, struct cpg_inst **inst);
void cpg_inst_put(struct cpg_inst *inst);

/* True when inst was created by this process (not inherited by fork). */
bool cpg_inst_owned(const struct cpg_inst *inst);

/*
 * The cs_error_t for a failed ioctl: CS_ERR_FAILED_OPERATION once the
 * handle is expelled or broken, else the contract's errno mapping.
 */
cs_error_t cpg_inst_error(struct cpg_inst *inst, int err);

/* True once the kernel marked the handle dead (expelled or broken). */
bool cpg_inst_dead(const struct cpg_inst *inst);

/* Wake a thread blocked in cpg_dispatch() on inst (after finalize). */
void cpg_inst_wake(struct cpg_inst *inst);

/* Register / unregister an open iteration (freed by cpg_finalize). */
cs_error_t cpg_inst_add_iteration(struct cpg_inst *inst, cpg_iteration_handle_t it);
void cpg_inst_del_iteration(struct cpg_inst *inst, cpg_iteration_handle_t it);

/* The iteration side of finalize: implemented in cpg_iteration.c. */
void cpg_iteration_release(cpg_iteration_handle_t it);

/* Counter bumped in every fork() child (see cpg_instance.c). */
unsigned int kcpg_fork_epoch(void);

/* Install the fork handlers (once per process; before the first handle). */
void kcpg_fork_tracking_start(void);

/* The process's handle tables (cpg_instance.c, cpg_iteration.c). */
extern struct kcpg_htab cpg_handles;
extern struct kcpg_htab cpg_iterations;

#endif
