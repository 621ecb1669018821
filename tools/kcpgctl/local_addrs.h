/* SPDX-License-Identifier: GPL-2.0 */
/* The IPv4 and IPv6 addresses configured on this network namespace's interfaces. */
#ifndef KCPGCTL_LOCAL_ADDRS_H
#define KCPGCTL_LOCAL_ADDRS_H

#include <stddef.h>

#include "addr.h"
#include "err.h"

/* A malloc'd array of every address (free() it). */
int kc_local_addrs(struct kc_addr **out, size_t *n, struct kc_err *e);

#endif
