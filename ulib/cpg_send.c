// SPDX-License-Identifier: LGPL-2.1-or-later
/*
 * cpg_mcast_joined(): the copying send path.  The kernel gathers the
 * iovecs itself; we only translate them into its fixed-layout form (struct
 * iovec differs between 32- and 64-bit processes, struct kcpg_iovec not).
 * More iovecs than the kernel takes in one call are gathered here into one
 * buffer first, so applications keep corosync's "any count" behaviour.
 */
#include <errno.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "cpg_send.h"
#include "ulib.h"

static unsigned int kernel_iov_max(const struct cpg_inst *inst)
{
	unsigned int max = inst->dev.info.max_iovcnt;

	return max && max < KCPG_IOV_MAX ? max : KCPG_IOV_MAX;
}

static cs_error_t mcast_ioctl(struct cpg_inst *inst, cpg_guarantee_t guarantee,
			      const struct kcpg_iovec *kiov, unsigned int n)
{
	struct kcpg_mcast arg = {
		.guarantee = (uint32_t)guarantee,
		.iovcnt = n,
		.iov = (uint64_t)(uintptr_t)kiov,
	};
	int err = kcpg_dev_ioctl(&inst->dev, KCPG_IOC_MCAST, &arg);

	return err ? cpg_inst_error(inst, err) : CS_OK;
}

cs_error_t cpg_send_iov(struct cpg_inst *inst, cpg_guarantee_t guarantee,
			const struct iovec *iov, unsigned int iovcnt)
{
	struct kcpg_iovec kiov[KCPG_IOV_MAX];
	uint64_t total = 0;
	unsigned int i;
	cs_error_t res;
	char *flat, *p;

	if ((unsigned int)guarantee > CPG_TYPE_SAFE || !iov || iovcnt == 0)
		return CS_ERR_INVALID_PARAM;
	for (i = 0; i < iovcnt; i++) {
		if (!iov[i].iov_base && iov[i].iov_len)
			return CS_ERR_INVALID_PARAM;
		total += iov[i].iov_len;
		/* The size limit is the kernel's (it may fragment past the
		 * atomic size); we only refuse what cannot be represented. */
		if (total < iov[i].iov_len || total > SIZE_MAX)
			return CS_ERR_TOO_BIG;
	}
	if (cpg_inst_dead(inst))
		return CS_ERR_FAILED_OPERATION;

	if (iovcnt <= kernel_iov_max(inst)) {
		for (i = 0; i < iovcnt; i++) {
			kiov[i].base = (uint64_t)(uintptr_t)iov[i].iov_base;
			kiov[i].len = iov[i].iov_len;
		}
		return mcast_ioctl(inst, guarantee, kiov, iovcnt);
	}

	flat = malloc(total ? total : 1);
	if (!flat)
		return CS_ERR_NO_MEMORY;
	for (i = 0, p = flat; i < iovcnt; i++) {
		if (iov[i].iov_len)
			memcpy(p, iov[i].iov_base, iov[i].iov_len);
		p += iov[i].iov_len;
	}
	kiov[0].base = (uint64_t)(uintptr_t)flat;
	kiov[0].len = total;
	res = mcast_ioctl(inst, guarantee, kiov, 1);
	free(flat);
	return res;
}

KCPG_EXPORT cs_error_t cpg_mcast_joined(cpg_handle_t handle, cpg_guarantee_t guarantee,
					const struct iovec *iovec, unsigned int iov_len)
{
	struct cpg_inst *inst;
	cs_error_t res;

	res = cpg_inst_get(handle, &inst);
	if (res != CS_OK)
		return res;
	res = cpg_send_iov(inst, guarantee, iovec, iov_len);
	cpg_inst_put(inst);
	return res;
}
