/* SPDX-License-Identifier: GPL-2.0 OR BSD-3-Clause */
/*
 * Coverage counters: did the runs reach the hard cases?  Computed from the
 * record log after each run; `make check` asserts minimums so that a
 * simulator (or a core) that never gets there fails.
 */
#ifndef SIM_COVERAGE_H
#define SIM_COVERAGE_H

#include <stdint.h>
#include <stdio.h>
#include "record.h"

enum cov {
	COV_MSGS,		/* messages sent */
	COV_DELIVERIES,
	COV_RING_CHANGES,	/* distinct new rings installed */
	COV_MERGES,		/* new rings joining nodes of two or more rings */
	COV_RECOVERED,		/* old-ring messages delivered at a ring change
				 * after a retransmission by another node */
	COV_SAFE_TRANS,		/* SAFE delivered in a transitional configuration */
	COV_FRAG_STRADDLE,	/* fragmented messages straddling a ring change */
	COV_ONE_N_ONE,		/* a node alone, in a bigger ring, alone again */
	COV_VIEW_CHANGES,	/* distinct group confchgs */
	COV_INFLIGHT,		/* ring or view changes with messages in flight */
	COV_EXPELS,		/* slow consumers expelled */
	COV_PACKED,		/* datagrams carrying several messages */
	COV_ACCEL,		/* token visits whose multicasts followed the token */
	COV_MTU_SPLIT,		/* quiet windows with a clique over the commit
				 * token's member limit (split into rings) */
	COV_FULL_MERGE,		/* full rings (at that limit) left for a ring
				 * with a node below all their members */
	COV_NR
};

struct coverage {
	uint64_t c[COV_NR];
};

const char *cov_name(int c);
int cov_lookup(const char *name);
void coverage_compute(const struct record_log *l, struct coverage *cv);

#endif
