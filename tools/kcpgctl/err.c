// SPDX-License-Identifier: GPL-2.0
/* Error text: see err.h. */
#include <stdarg.h>
#include <stdio.h>

#include "err.h"

int kc_fail(struct kc_err *e, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(e->msg, sizeof(e->msg), fmt, ap);
	va_end(ap);
	return -1;
}
