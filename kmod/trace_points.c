// SPDX-License-Identifier: GPL-2.0
/* kcpg: the tracepoints' definitions (see trace.h). */
#include "kcpg.h"

const char *const kcpg_drop_names[KCPG_DROP_NR] = {
	[KCPG_DROP_UNKNOWN_PEER] = "unknown_peer",
	[KCPG_DROP_QUEUE_FULL] = "queue_full",
	[KCPG_DROP_NOT_UP] = "not_up",
	[KCPG_DROP_SEND_ERROR] = "send_error",
	[KCPG_DROP_MALFORMED] = "malformed",
	[KCPG_DROP_RING_FULL] = "ring_full",
	[KCPG_DROP_BAD_CONSUMER] = "bad_consumer",
	[KCPG_DROP_BAD_TAG] = "bad_tag",
	[KCPG_DROP_REPLAY] = "replay",
};

#define CREATE_TRACE_POINTS
#include "trace.h"
