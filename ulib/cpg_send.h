/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* The copying send path, shared by cpg_mcast_joined and zcb heap buffers. */
#ifndef KCPG_ULIB_CPG_SEND_H
#define KCPG_ULIB_CPG_SEND_H

#include <sys/uio.h>

#include "cpg_instance.h"

/* Validate and send iov[0..iovcnt) through KCPG_IOC_MCAST. */
cs_error_t cpg_send_iov(struct cpg_inst *inst, cpg_guarantee_t guarantee,
			const struct iovec *iov, unsigned int iovcnt);

#endif
