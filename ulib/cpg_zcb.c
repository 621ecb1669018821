// SPDX-License-Identifier: LGPL-2.1-or-later
/*
 * Zero-copy send buffers: cpg_zcb_alloc, cpg_zcb_free, cpg_zcb_mcast_joined.
 *
 * Buffers come from the pool the kernel shares with us (zcb_pool.c), and a
 * send passes only (offset, length): the kernel copies the payload straight
 * from the pool into each receiver's ring.  When the pool cannot hold a
 * buffer (too small, fragmented, or the kernel gave no pool) we still give
 * one, from the heap, and send it through the copying path: applications
 * written for corosync expect cpg_zcb_alloc() to succeed for any size
 * memory allows, and the semantics are the same, only one copy slower.
 */
#include <errno.h>
#include <stdlib.h>

#include "cpg_instance.h"
#include "cpg_send.h"
#include "ulib.h"

/* Offset of p in the pool, or -1 if p is not in it. */
static int64_t pool_offset(const struct cpg_inst *inst, const void *p)
{
	uintptr_t base = (uintptr_t)inst->dev.pool;
	uintptr_t addr = (uintptr_t)p;

	if (!inst->dev.pool || addr < base || addr - base >= inst->zpool.size)
		return -1;
	return (int64_t)(addr - base);
}

static cs_error_t heap_alloc(struct cpg_inst *inst, size_t size, void **buffer)
{
	struct zcb_heap_buf *b = malloc(sizeof(*b));

	if (!b)
		return CS_ERR_NO_MEMORY;
	if (posix_memalign(&b->mem, KCPG_ZPOOL_ALIGN, size ? size : 1)) {
		free(b);
		return CS_ERR_NO_MEMORY;
	}
	b->len = size;
	pthread_mutex_lock(&inst->lock);
	b->next = inst->heap_bufs;
	inst->heap_bufs = b;
	pthread_mutex_unlock(&inst->lock);
	*buffer = b->mem;
	return CS_OK;
}

KCPG_EXPORT cs_error_t cpg_zcb_alloc(cpg_handle_t handle, size_t size, void **buffer)
{
	struct cpg_inst *inst;
	cs_error_t res;
	uint64_t off;

	if (!buffer)
		return CS_ERR_INVALID_PARAM;
	res = cpg_inst_get(handle, &inst);
	if (res != CS_OK)
		return res;
	if (inst->dev.pool && kcpg_zpool_alloc(&inst->zpool, size, &off) == 0) {
		*buffer = inst->dev.pool + off;
		res = CS_OK;
	} else {
		res = heap_alloc(inst, size, buffer);
	}
	cpg_inst_put(inst);
	return res;
}

KCPG_EXPORT cs_error_t cpg_zcb_free(cpg_handle_t handle, void *buffer)
{
	struct zcb_heap_buf **pb, *b = NULL;
	struct cpg_inst *inst;
	cs_error_t res;
	int64_t off;

	res = cpg_inst_get(handle, &inst);
	if (res != CS_OK)
		return res;
	off = pool_offset(inst, buffer);
	if (off >= 0) {
		res = kcpg_zpool_free(&inst->zpool, (uint64_t)off) ? CS_ERR_INVALID_PARAM : CS_OK;
	} else {
		pthread_mutex_lock(&inst->lock);
		for (pb = &inst->heap_bufs; *pb; pb = &(*pb)->next) {
			if ((*pb)->mem == buffer) {
				b = *pb;
				*pb = b->next;
				break;
			}
		}
		pthread_mutex_unlock(&inst->lock);
		if (b) {
			free(b->mem);
			free(b);
		} else {
			res = CS_ERR_INVALID_PARAM;
		}
	}
	cpg_inst_put(inst);
	return res;
}

/* Send len bytes at msg, inside a heap buffer, through the copying path. */
static cs_error_t heap_mcast(struct cpg_inst *inst, cpg_guarantee_t guarantee,
			     void *msg, size_t len)
{
	struct zcb_heap_buf *b;
	size_t room = 0;
	bool found = false;
	struct iovec iov;

	pthread_mutex_lock(&inst->lock);
	for (b = inst->heap_bufs; b; b = b->next) {
		uintptr_t start = (uintptr_t)b->mem, at = (uintptr_t)msg;

		if (at >= start && at - start <= b->len) {
			room = b->len - (at - start);
			found = true;
			break;
		}
	}
	pthread_mutex_unlock(&inst->lock);
	if (!found || len > room)
		return CS_ERR_INVALID_PARAM;
	iov.iov_base = msg;
	iov.iov_len = len;
	return cpg_send_iov(inst, guarantee, &iov, 1);
}

KCPG_EXPORT cs_error_t cpg_zcb_mcast_joined(cpg_handle_t handle, cpg_guarantee_t guarantee,
					    void *msg, size_t msg_len)
{
	struct kcpg_zcb_mcast arg;
	uint64_t start, block_len;
	struct cpg_inst *inst;
	cs_error_t res;
	int64_t off;
	int err;

	if ((unsigned int)guarantee > CPG_TYPE_SAFE || !msg)
		return CS_ERR_INVALID_PARAM;
	res = cpg_inst_get(handle, &inst);
	if (res != CS_OK)
		return res;

	off = pool_offset(inst, msg);
	if (off < 0) {
		res = heap_mcast(inst, guarantee, msg, msg_len);
		goto out;
	}
	/* Any part of an allocated block, not past its end. */
	if (kcpg_zpool_find(&inst->zpool, (uint64_t)off, &start, &block_len) ||
	    (uint64_t)off - start > block_len ||
	    msg_len > block_len - ((uint64_t)off - start)) {
		res = CS_ERR_INVALID_PARAM;
		goto out;
	}
	if (cpg_inst_dead(inst)) {
		res = CS_ERR_FAILED_OPERATION;
		goto out;
	}
	arg.guarantee = (uint32_t)guarantee;
	arg.reserved = 0;
	arg.offset = (uint64_t)off;
	arg.len = msg_len;
	err = kcpg_dev_ioctl(&inst->dev, KCPG_IOC_ZCB_MCAST, &arg);
	res = err ? cpg_inst_error(inst, err) : CS_OK;
out:
	cpg_inst_put(inst);
	return res;
}
