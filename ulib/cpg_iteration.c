// SPDX-License-Identifier: LGPL-2.1-or-later
/*
 * cpg_iteration_*: walking a snapshot of the cluster's process list.
 *
 * The kernel hands out the whole snapshot in one KCPG_IOC_ITERATE call; it
 * reports how many entries there are even when our buffer was too small,
 * so we grow the buffer and ask again (the list can grow between the two
 * calls, hence the loop).  The entries then live in the iteration object,
 * which has its own handle table: an iteration handle is checked exactly
 * like a cpg handle, and cpg_finalize() of the owner frees it.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "cpg_instance.h"
#include "uapi_layout.h"
#include "ulib.h"

#define ITER_HANDLE_TAG		0x17
#define ITER_FIRST_CAPACITY	64
#define ITER_MAX_ATTEMPTS	8

_Static_assert(sizeof(struct kcpg_iter_entry) == sizeof(struct cpg_iteration_description_t),
	       "iteration entry layout");

struct cpg_iter {
	struct kcpg_hobj hobj;
	cpg_handle_t owner;
	pthread_mutex_t lock;		/* protects pos */
	struct kcpg_iter_entry *entries;
	uint32_t count;
	uint32_t pos;
};

struct kcpg_htab cpg_iterations = KCPG_HTAB_INIT(ITER_HANDLE_TAG);

static void iter_destroy(struct kcpg_hobj *obj)
{
	struct cpg_iter *it = (struct cpg_iter *)obj;

	pthread_mutex_destroy(&it->lock);
	free(it->entries);
	free(it);
}

/* Ask the kernel for the snapshot into it->entries. */
static cs_error_t take_snapshot(struct cpg_inst *inst, struct cpg_iter *it,
				const struct kcpg_iterate_wire *query)
{
	uint32_t cap = ITER_FIRST_CAPACITY;
	int attempt;

	for (attempt = 0; attempt < ITER_MAX_ATTEMPTS; attempt++) {
		struct kcpg_iterate_wire arg = *query;
		struct kcpg_iter_entry *v = realloc(it->entries, (size_t)cap * sizeof(*v));
		int err;

		if (!v)
			return CS_ERR_NO_MEMORY;
		it->entries = v;
		arg.capacity = cap;
		arg.entries = (uint64_t)(uintptr_t)v;
		err = kcpg_dev_ioctl(&inst->dev, KCPG_IOC_ITERATE_WIRE, &arg);
		if (err)
			return cpg_inst_error(inst, err);
		if (arg.count <= cap) {
			it->count = arg.count;
			return CS_OK;
		}
		/* Room for what was there, plus some growth. */
		if (arg.count > UINT32_MAX / 2 || (size_t)arg.count * 2 > SIZE_MAX / sizeof(*v))
			return CS_ERR_NO_MEMORY;
		cap = arg.count + arg.count / 4 + 16;
	}
	/* The list kept growing faster than we could ask. */
	return CS_ERR_TRY_AGAIN;
}

KCPG_EXPORT cs_error_t cpg_iteration_initialize(cpg_handle_t handle,
						cpg_iteration_type_t iteration_type,
						const struct cpg_name *group,
						cpg_iteration_handle_t *cpg_iteration_handle)
{
	struct kcpg_iterate_wire query;
	struct cpg_inst *inst;
	struct cpg_iter *it;
	uint64_t id;
	cs_error_t res;

	if (!cpg_iteration_handle)
		return CS_ERR_INVALID_PARAM;
	memset(&query, 0, sizeof(query));
	switch (iteration_type) {
	case CPG_ITERATION_NAME_ONLY:
	case CPG_ITERATION_ALL:
		if (group)
			return CS_ERR_INVALID_PARAM;
		break;
	case CPG_ITERATION_ONE_GROUP:
		if (!group)
			return CS_ERR_INVALID_PARAM;
		if (group->length > CPG_MAX_NAME_LENGTH)
			return CS_ERR_NAME_TOO_LONG;
		query.group.length = group->length;
		memcpy(query.group.value, group->value, group->length);
		break;
	default:
		return CS_ERR_INVALID_PARAM;
	}
	query.type = (uint32_t)iteration_type;

	res = cpg_inst_get(handle, &inst);
	if (res != CS_OK)
		return res;
	it = calloc(1, sizeof(*it));
	if (!it || pthread_mutex_init(&it->lock, NULL)) {
		free(it);
		cpg_inst_put(inst);
		return CS_ERR_NO_MEMORY;
	}
	it->owner = handle;

	res = take_snapshot(inst, it, &query);
	if (res != CS_OK) {
		iter_destroy(&it->hobj);
		cpg_inst_put(inst);
		return res;
	}
	if (kcpg_htab_add(&cpg_iterations, &it->hobj, iter_destroy, &id)) {
		iter_destroy(&it->hobj);
		cpg_inst_put(inst);
		return CS_ERR_NO_MEMORY;
	}
	/* Fails only if the owner was finalized meanwhile. */
	res = cpg_inst_add_iteration(inst, id);
	if (res != CS_OK)
		cpg_iteration_release(id);
	else
		*cpg_iteration_handle = id;
	cpg_inst_put(inst);
	return res;
}

KCPG_EXPORT cs_error_t cpg_iteration_next(cpg_iteration_handle_t handle,
					  struct cpg_iteration_description_t *description)
{
	struct kcpg_hobj *obj;
	struct cpg_iter *it;
	cs_error_t res = CS_OK;

	if (!description)
		return CS_ERR_INVALID_PARAM;
	obj = kcpg_htab_get(&cpg_iterations, handle);
	if (!obj)
		return CS_ERR_BAD_HANDLE;
	it = (struct cpg_iter *)obj;
	pthread_mutex_lock(&it->lock);
	if (it->pos < it->count)
		memcpy(description, &it->entries[it->pos++], sizeof(*description));
	else
		res = CS_ERR_NO_SECTIONS;
	pthread_mutex_unlock(&it->lock);
	kcpg_hobj_put(obj);
	return res;
}

void cpg_iteration_release(cpg_iteration_handle_t handle)
{
	struct kcpg_hobj *obj = kcpg_htab_remove(&cpg_iterations, handle);

	if (obj)
		kcpg_hobj_put(obj);
}

KCPG_EXPORT cs_error_t cpg_iteration_finalize(cpg_iteration_handle_t handle)
{
	struct kcpg_hobj *obj = kcpg_htab_remove(&cpg_iterations, handle);
	struct cpg_inst *inst;

	if (!obj)
		return CS_ERR_BAD_HANDLE;
	if (cpg_inst_get(((struct cpg_iter *)obj)->owner, &inst) == CS_OK) {
		cpg_inst_del_iteration(inst, handle);
		cpg_inst_put(inst);
	}
	kcpg_hobj_put(obj);
	return CS_OK;
}
