// SPDX-License-Identifier: LGPL-2.1-or-later
/*
 * Finding instances, their shared helpers, and fork() handling.
 *
 * Fork: a handle belongs to the process that opened it (the kernel binds the
 * open file to it).  The library keeps a process-wide fork epoch, bumped in
 * every child by a pthread_atfork() handler; an instance created under
 * another epoch is inherited and refused with CS_ERR_BAD_HANDLE.  The same
 * handler closes the child's copies of the device descriptors: otherwise a
 * child that lives on would keep the kernel handle open after the parent's
 * cpg_finalize(), and the group would never see the parent go.  The
 * mappings are not inherited at all (MADV_DONTFORK, kcpg_device.c).
 */
#include <errno.h>
#include <stdlib.h>
#include <unistd.h>
#include <sys/eventfd.h>

#include "cpg_instance.h"
#include "errors.h"

#define CPG_HANDLE_TAG	0xc9

struct kcpg_htab cpg_handles = KCPG_HTAB_INIT(CPG_HANDLE_TAG);

static atomic_uint fork_epoch;
static pthread_once_t atfork_once = PTHREAD_ONCE_INIT;

unsigned int kcpg_fork_epoch(void)
{
	return atomic_load_explicit(&fork_epoch, memory_order_relaxed);
}

/* Always cpg_handles before cpg_iterations; nothing else nests them. */
static void atfork_prepare(void)
{
	kcpg_htab_lock(&cpg_handles);
	kcpg_htab_lock(&cpg_iterations);
}

static void atfork_parent(void)
{
	kcpg_htab_unlock(&cpg_iterations);
	kcpg_htab_unlock(&cpg_handles);
}

static void forget_descriptors(struct kcpg_hobj *obj, void *arg)
{
	struct cpg_inst *inst = (struct cpg_inst *)obj;

	(void)arg;
	/* Only the forking thread exists here: nothing else reads these. */
	if (inst->dev.fd >= 0)
		close(inst->dev.fd);
	inst->dev.fd = -1;
	if (inst->wake_fd >= 0)
		close(inst->wake_fd);
	inst->wake_fd = -1;
}

static void atfork_child(void)
{
	atomic_fetch_add_explicit(&fork_epoch, 1, memory_order_relaxed);
	kcpg_htab_for_each(&cpg_handles, forget_descriptors, NULL);
	kcpg_htab_unlock(&cpg_iterations);
	kcpg_htab_unlock(&cpg_handles);
}

static void register_atfork(void)
{
	/* Without the handlers a child could still not misuse the kernel
	 * handle (the kernel refuses it), so failure is not fatal. */
	(void)pthread_atfork(atfork_prepare, atfork_parent, atfork_child);
}

void kcpg_fork_tracking_start(void)
{
	pthread_once(&atfork_once, register_atfork);
}

bool cpg_inst_owned(const struct cpg_inst *inst)
{
	return inst->fork_epoch == kcpg_fork_epoch();
}

cs_error_t cpg_inst_get(cpg_handle_t handle, struct cpg_inst **out)
{
	struct kcpg_hobj *obj = kcpg_htab_get(&cpg_handles, handle);
	struct cpg_inst *inst = (struct cpg_inst *)obj;

	if (!obj)
		return CS_ERR_BAD_HANDLE;
	if (!cpg_inst_owned(inst) || atomic_load(&inst->finalized)) {
		kcpg_hobj_put(obj);
		return CS_ERR_BAD_HANDLE;
	}
	*out = inst;
	return CS_OK;
}

void cpg_inst_put(struct cpg_inst *inst)
{
	kcpg_hobj_put(&inst->hobj);
}

bool cpg_inst_dead(const struct cpg_inst *inst)
{
	return atomic_load(&inst->expelled) ||
	       (__atomic_load_n(&inst->dev.ctrl->kernel_flags, __ATOMIC_ACQUIRE) & KCPG_CTRL_DEAD);
}

cs_error_t cpg_inst_error(struct cpg_inst *inst, int err)
{
	if (cpg_inst_dead(inst))
		return CS_ERR_FAILED_OPERATION;
	return kcpg_errno_to_cs(err);
}

void cpg_inst_wake(struct cpg_inst *inst)
{
	int fd;

	pthread_mutex_lock(&inst->lock);
	fd = inst->wake_fd;
	if (fd >= 0)
		(void)eventfd_write(fd, 1);
	pthread_mutex_unlock(&inst->lock);
}

cs_error_t cpg_inst_add_iteration(struct cpg_inst *inst, cpg_iteration_handle_t it)
{
	cs_error_t res = CS_OK;

	pthread_mutex_lock(&inst->lock);
	if (atomic_load(&inst->finalized)) {
		res = CS_ERR_BAD_HANDLE;
	} else if (inst->n_iterations == inst->cap_iterations) {
		size_t cap = inst->cap_iterations ? inst->cap_iterations * 2 : 4;
		cpg_iteration_handle_t *v = realloc(inst->iterations, cap * sizeof(*v));

		if (!v) {
			res = CS_ERR_NO_MEMORY;
		} else {
			inst->iterations = v;
			inst->cap_iterations = cap;
		}
	}
	if (res == CS_OK)
		inst->iterations[inst->n_iterations++] = it;
	pthread_mutex_unlock(&inst->lock);
	return res;
}

void cpg_inst_del_iteration(struct cpg_inst *inst, cpg_iteration_handle_t it)
{
	size_t i;

	pthread_mutex_lock(&inst->lock);
	for (i = 0; i < inst->n_iterations; i++) {
		if (inst->iterations[i] == it) {
			inst->iterations[i] = inst->iterations[--inst->n_iterations];
			break;
		}
	}
	pthread_mutex_unlock(&inst->lock);
}
