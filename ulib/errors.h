/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* Translation of kernel errno values into cs_error_t. */
#ifndef KCPG_ULIB_ERRORS_H
#define KCPG_ULIB_ERRORS_H

#include <corosync/corotypes.h>

/* The cs_error_t an application sees for a failed system call's errno. */
cs_error_t kcpg_errno_to_cs(int err);

#endif
