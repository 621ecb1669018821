// SPDX-License-Identifier: LGPL-2.1-or-later
/* Group membership calls: cpg_join, cpg_leave, cpg_membership_get. */
#include <string.h>

#include "cpg_instance.h"
#include "uapi_layout.h"
#include "ulib.h"

_Static_assert(sizeof(struct cpg_name) == sizeof(struct kcpg_name), "cpg_name layout");
_Static_assert(sizeof(struct cpg_address) == sizeof(struct kcpg_address), "cpg_address layout");
_Static_assert(offsetof(struct cpg_address, reason) == offsetof(struct kcpg_address, reason),
	       "cpg_address layout");

/* Validate a group name and copy it into the kernel's form. */
static cs_error_t name_to_kernel(const struct cpg_name *group, struct kcpg_name *out)
{
	if (!group)
		return CS_ERR_INVALID_PARAM;
	if (group->length > CPG_MAX_NAME_LENGTH)
		return CS_ERR_NAME_TOO_LONG;
	memset(out, 0, sizeof(*out));
	out->length = group->length;
	memcpy(out->value, group->value, group->length);
	return CS_OK;
}

static cs_error_t join_or_leave(cpg_handle_t handle, const struct cpg_name *group,
				unsigned long request)
{
	struct kcpg_join arg;
	struct cpg_inst *inst;
	cs_error_t res;
	int err;

	memset(&arg, 0, sizeof(arg));
	res = name_to_kernel(group, &arg.group);
	if (res != CS_OK)
		return res;
	res = cpg_inst_get(handle, &inst);
	if (res != CS_OK)
		return res;
	if (cpg_inst_dead(inst)) {
		res = CS_ERR_FAILED_OPERATION;
	} else {
		err = kcpg_dev_ioctl(&inst->dev, request, &arg);
		res = err ? cpg_inst_error(inst, err) : CS_OK;
	}
	cpg_inst_put(inst);
	return res;
}

KCPG_EXPORT cs_error_t cpg_join(cpg_handle_t handle, const struct cpg_name *group)
{
	return join_or_leave(handle, group, KCPG_IOC_JOIN);
}

KCPG_EXPORT cs_error_t cpg_leave(cpg_handle_t handle, const struct cpg_name *group)
{
	return join_or_leave(handle, group, KCPG_IOC_LEAVE);
}

KCPG_EXPORT cs_error_t cpg_membership_get(cpg_handle_t handle, struct cpg_name *groupName,
					  struct cpg_address *member_list,
					  int *member_list_entries)
{
	struct kcpg_membership_wire arg;
	struct cpg_inst *inst;
	cs_error_t res;
	int err;

	if (!member_list_entries || *member_list_entries < 0 ||
	    (!member_list && *member_list_entries > 0))
		return CS_ERR_INVALID_PARAM;
	memset(&arg, 0, sizeof(arg));
	res = name_to_kernel(groupName, &arg.group);
	if (res != CS_OK)
		return res;
	res = cpg_inst_get(handle, &inst);
	if (res != CS_OK)
		return res;

	/* struct cpg_address is struct kcpg_address: the kernel fills it. */
	arg.capacity = (uint32_t)*member_list_entries;
	arg.members = (uint64_t)(uintptr_t)member_list;
	err = kcpg_dev_ioctl(&inst->dev, KCPG_IOC_MEMBERSHIP_WIRE, &arg);
	if (err) {
		res = cpg_inst_error(inst, err);
	} else if (arg.count > arg.capacity) {
		*member_list_entries = (int)arg.capacity;
		res = CS_ERR_NO_SPACE;
	} else {
		*member_list_entries = (int)arg.count;
	}
	cpg_inst_put(inst);
	return res;
}
