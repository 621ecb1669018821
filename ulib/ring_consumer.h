/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * The consumer side of an instance's receive ring: reading the producer
 * index, publishing what we consumed, and the backlog kick.  Called only
 * with the instance's dispatch_lock held.
 *
 * The ordering that makes the kick protocol safe: we publish the consumer
 * index with a release store and then read kernel_flags after a full
 * barrier; the kernel sets KCPG_CTRL_BACKLOG before it looks at our
 * consumer index.  So either the kernel sees the space we freed, or we see
 * its flag and kick: a backlog is never stranded.
 */
#ifndef KCPG_ULIB_RING_CONSUMER_H
#define KCPG_ULIB_RING_CONSUMER_H

#include <stdbool.h>
#include <stdint.h>

#include "cpg_instance.h"

static inline uint64_t ring_producer(const struct cpg_inst *inst)
{
	return __atomic_load_n(&inst->dev.ctrl->producer, __ATOMIC_ACQUIRE);
}

static inline uint64_t ring_kernel_flags(const struct cpg_inst *inst)
{
	return __atomic_load_n(&inst->dev.ctrl->kernel_flags, __ATOMIC_ACQUIRE);
}

/* Give the space up to index next back to the kernel. */
static inline void ring_publish(struct cpg_inst *inst, uint64_t next)
{
	if (next == inst->consumer)
		return;
	inst->unchecked_bytes += next - inst->consumer;
	inst->consumer = next;
	__atomic_store_n(&inst->dev.ctrl->consumer, next, __ATOMIC_RELEASE);
}

/*
 * If the kernel holds events that did not fit, ask it to move them into the
 * space we freed.  True when it had a backlog (the ring may have grown).
 */
bool ring_kick(struct cpg_inst *inst);

#endif
