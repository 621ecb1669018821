// SPDX-License-Identifier: LGPL-2.1-or-later
/*
 * Opening and closing handles, and the per-handle queries that need no
 * group: fd, context, limits, local node id, flow control.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cpg_instance.h"
#include "ulib.h"

static void inst_destroy(struct kcpg_hobj *obj)
{
	struct cpg_inst *inst = (struct cpg_inst *)obj;
	bool here = cpg_inst_owned(inst);
	struct zcb_heap_buf *b, *next;

	/* Closing the device is what makes the kernel leave the group. */
	kcpg_dev_close(&inst->dev, here);
	if (inst->wake_fd >= 0)
		close(inst->wake_fd);
	for (b = inst->heap_bufs; b; b = next) {
		next = b->next;
		free(b->mem);
		free(b);
	}
	free(inst->iterations);
	free(inst->copy_buf);
	kcpg_zpool_destroy(&inst->zpool);
	pthread_mutex_destroy(&inst->dispatch_lock);
	pthread_mutex_destroy(&inst->lock);
	free(inst);
}

static bool env_true(const char *name)
{
	const char *v = secure_getenv(name);

	return v && *v && strcmp(v, "0") != 0;
}

KCPG_EXPORT cs_error_t cpg_model_initialize(cpg_handle_t *handle, cpg_model_t model,
					    cpg_model_data_t *model_data, void *context)
{
	cpg_model_v1_data_t v1 = { .model = CPG_MODEL_V1 };
	struct cpg_inst *inst;
	uint32_t setup_flags = 0;
	cs_error_t res;

	if (!handle || model != CPG_MODEL_V1)
		return CS_ERR_INVALID_PARAM;
	if (model_data) {
		if (model_data->model != CPG_MODEL_V1)
			return CS_ERR_INVALID_PARAM;
		memcpy(&v1, model_data, sizeof(v1));
		if (v1.flags & ~(unsigned int)CPG_MODEL_V1_DELIVER_INITIAL_TOTEM_CONF)
			return CS_ERR_INVALID_PARAM;
		if (v1.flags & CPG_MODEL_V1_DELIVER_INITIAL_TOTEM_CONF)
			setup_flags |= KCPG_SETUP_INITIAL_TOTEM;
	}

	kcpg_fork_tracking_start();

	inst = calloc(1, sizeof(*inst));
	if (!inst)
		return CS_ERR_NO_MEMORY;
	inst->model = v1;
	atomic_init(&inst->context, context);
	atomic_init(&inst->finalized, false);
	atomic_init(&inst->expelled, false);
	inst->wake_fd = -1;
	inst->fork_epoch = kcpg_fork_epoch();
	inst->copy_deliver = env_true("KCPG_COPY_DELIVER");
	if (pthread_mutex_init(&inst->lock, NULL)) {
		free(inst);
		return CS_ERR_NO_MEMORY;
	}
	if (pthread_mutex_init(&inst->dispatch_lock, NULL)) {
		pthread_mutex_destroy(&inst->lock);
		free(inst);
		return CS_ERR_NO_MEMORY;
	}

	res = kcpg_dev_open(&inst->dev, setup_flags);
	if (res != CS_OK) {
		pthread_mutex_destroy(&inst->dispatch_lock);
		pthread_mutex_destroy(&inst->lock);
		free(inst);
		return res;
	}
	inst->consumer = __atomic_load_n(&inst->dev.ctrl->consumer, __ATOMIC_ACQUIRE);

	if (kcpg_zpool_init(&inst->zpool, inst->dev.pool ? inst->dev.setup.pool_size : 0) ||
	    kcpg_htab_add(&cpg_handles, &inst->hobj, inst_destroy, &inst->id)) {
		/* Nothing else can see inst yet: undo by hand. */
		kcpg_dev_close(&inst->dev, 1);
		kcpg_zpool_destroy(&inst->zpool);
		pthread_mutex_destroy(&inst->dispatch_lock);
		pthread_mutex_destroy(&inst->lock);
		free(inst);
		return CS_ERR_NO_MEMORY;
	}
	*handle = inst->id;
	return CS_OK;
}

KCPG_EXPORT cs_error_t cpg_initialize(cpg_handle_t *handle, cpg_callbacks_t *callbacks)
{
	cpg_model_v1_data_t v1 = { .model = CPG_MODEL_V1 };

	if (callbacks) {
		v1.cpg_deliver_fn = callbacks->cpg_deliver_fn;
		v1.cpg_confchg_fn = callbacks->cpg_confchg_fn;
	}
	return cpg_model_initialize(handle, CPG_MODEL_V1, (cpg_model_data_t *)&v1, NULL);
}

KCPG_EXPORT cs_error_t cpg_finalize(cpg_handle_t handle)
{
	struct kcpg_hobj *obj = kcpg_htab_remove(&cpg_handles, handle);
	struct cpg_inst *inst = (struct cpg_inst *)obj;
	cpg_iteration_handle_t *its;
	size_t n, i;

	if (!obj)
		return CS_ERR_BAD_HANDLE;
	atomic_store(&inst->finalized, true);
	if (!cpg_inst_owned(inst)) {
		/*
		 * A fork child dropping its copy: other threads of the parent
		 * may have held the locks at fork time, so take none.  The
		 * descriptors are already closed (cpg_instance.c).
		 */
		kcpg_hobj_put(obj);
		return CS_OK;
	}
	cpg_inst_wake(inst);

	pthread_mutex_lock(&inst->lock);
	its = inst->iterations;
	n = inst->n_iterations;
	inst->iterations = NULL;
	inst->n_iterations = inst->cap_iterations = 0;
	pthread_mutex_unlock(&inst->lock);
	for (i = 0; i < n; i++)
		cpg_iteration_release(its[i]);
	free(its);

	/* A dispatch or send still running holds its own reference. */
	kcpg_hobj_put(obj);
	return CS_OK;
}

KCPG_EXPORT cs_error_t cpg_fd_get(cpg_handle_t handle, int *fd)
{
	struct cpg_inst *inst;
	cs_error_t res;

	if (!fd)
		return CS_ERR_INVALID_PARAM;
	res = cpg_inst_get(handle, &inst);
	if (res != CS_OK)
		return res;
	*fd = inst->dev.fd;
	cpg_inst_put(inst);
	return CS_OK;
}

KCPG_EXPORT cs_error_t cpg_max_atomic_msgsize_get(cpg_handle_t handle, uint32_t *size)
{
	struct cpg_inst *inst;
	cs_error_t res;

	if (!size)
		return CS_ERR_INVALID_PARAM;
	res = cpg_inst_get(handle, &inst);
	if (res != CS_OK)
		return res;
	*size = inst->dev.info.max_msg_size;
	cpg_inst_put(inst);
	return CS_OK;
}

KCPG_EXPORT cs_error_t cpg_context_get(cpg_handle_t handle, void **context)
{
	struct cpg_inst *inst;
	cs_error_t res;

	if (!context)
		return CS_ERR_INVALID_PARAM;
	res = cpg_inst_get(handle, &inst);
	if (res != CS_OK)
		return res;
	*context = atomic_load(&inst->context);
	cpg_inst_put(inst);
	return CS_OK;
}

KCPG_EXPORT cs_error_t cpg_context_set(cpg_handle_t handle, void *context)
{
	struct cpg_inst *inst;
	cs_error_t res;

	res = cpg_inst_get(handle, &inst);
	if (res != CS_OK)
		return res;
	atomic_store(&inst->context, context);
	cpg_inst_put(inst);
	return CS_OK;
}

KCPG_EXPORT cs_error_t cpg_local_get(cpg_handle_t handle, unsigned int *local_nodeid)
{
	struct kcpg_info info;
	struct cpg_inst *inst;
	cs_error_t res;
	int err;

	if (!local_nodeid)
		return CS_ERR_INVALID_PARAM;
	res = cpg_inst_get(handle, &inst);
	if (res != CS_OK)
		return res;
	/* Asked each time: the node id can be configured after we opened. */
	memset(&info, 0, sizeof(info));
	err = kcpg_dev_ioctl(&inst->dev, KCPG_IOC_INFO, &info);
	if (err) {
		res = cpg_inst_error(inst, err);
	} else {
		*local_nodeid = info.nodeid;
		res = CS_OK;
	}
	cpg_inst_put(inst);
	return res;
}

KCPG_EXPORT cs_error_t cpg_flow_control_state_get(cpg_handle_t handle,
						  cpg_flow_control_state_t *flow_control_enabled)
{
	struct kcpg_flow flow;
	struct cpg_inst *inst;
	cs_error_t res;
	int err;

	if (!flow_control_enabled)
		return CS_ERR_INVALID_PARAM;
	res = cpg_inst_get(handle, &inst);
	if (res != CS_OK)
		return res;
	memset(&flow, 0, sizeof(flow));
	err = kcpg_dev_ioctl(&inst->dev, KCPG_IOC_FLOW, &flow);
	if (err) {
		res = cpg_inst_error(inst, err);
	} else {
		*flow_control_enabled = flow.state ? CPG_FLOW_CONTROL_ENABLED
						   : CPG_FLOW_CONTROL_DISABLED;
		res = CS_OK;
	}
	cpg_inst_put(inst);
	return res;
}
