// SPDX-License-Identifier: GPL-2.0 OR BSD-3-Clause
/*
 * safe-stability: a SAFE message is delivered only once every member of the
 * configuration it is delivered in has received it.  As in extended virtual
 * synchrony, that configuration is the node's ring, or, for a delivery in
 * the core call that moves the node to a new ring (the old ring's messages
 * delivered at the end of recovery), the transitional configuration: the
 * old ring's nodes that move on together with it.  The API does not name
 * that configuration: the check requires the nodes the node's own confchgs
 * prove came along (see transitional_evidence()).  The node's ring
 * "changes later in the same call" when the simulator saw the change (a
 * totem confchg or the ring it polls after each call) after this delivery
 * and before the call returned, or, when an allocation failed in the call,
 * in the calls that retried the move (ring_change_in_call()).  "Received"
 * is observed on the wire: the simulator scans every datagram a node gets
 * for the markers at both ends of each payload (see payload.h).
 *
 * Also checked here, under integrity: a node delivers only messages whose
 * bytes reached it over the wire (or that it sent itself).
 */
#include <stdio.h>
#include "check.h"

static const struct receipt *rx_of(const struct msg_info *m, uint32_t inc)
{
	uint32_t i;

	for (i = 0; i < m->rx.n; i++)
		if (m->rx.v[i].inc == inc)
			return &m->rx.v[i];
	return NULL;
}

/* Did any incarnation of @nodeid hold both ends of @m by @t? */
static int node_had(const struct record_log *l, const struct msg_info *m,
		    uint32_t nodeid, uint64_t t)
{
	uint32_t i;

	for (i = 0; i < m->rx.n; i++) {
		const struct receipt *r = &m->rx.v[i];

		if (l->incs.v[r->inc].nodeid == nodeid && r->head <= t && r->tail <= t)
			return 1;
	}
	return 0;
}

void check_safe(const struct analysis *a, struct check_result *res)
{
	const struct record_log *l = a->l;
	uint32_t p, i, k;

	for (p = 0; p < l->procs.n; p++) {
		const struct proc_info *pi = &l->procs.v[p];

		for (i = 0; i < pi->recs.n; i++) {
			const struct rec *r = &pi->recs.v[i];
			const struct msg_info *m;
			const struct ring_info *ring;
			uint64_t t_in = 0, t_out = 0;
			uint32_t sender, nxt;

			if (r->kind != REC_DELIVER || !a->aux[p][i].valid)
				continue;
			m = &l->msgs.v[r->msg];
			sender = l->procs.v[m->proc].nodeid;
			if (sender != pi->nodeid && !rx_of(m, pi->inc))
				violation(res, INV_INTEGRITY,
					  "node %u delivered msg %u/%u seq %u though no datagram to it carried its markers",
					  pi->nodeid, sender, l->procs.v[m->proc].pid, m->seq);
			if (m->guarantee != KP_SAFE)
				continue;
			ring = &l->rings.v[r->ring];
			nxt = ring_change_in_call(l, pi->inc, r->call, r->spos);
			if (nxt != NO_IDX)
				transitional_evidence(a, pi->inc, r->spos, r->ring, nxt,
						      r->time, &t_in, &t_out);
			for (k = 0; k < ring->n; k++) {
				uint32_t y = ring->nodes[k];

				/* In a transitional configuration only the nodes
				 * known to have come along must have it.
				 */
				if (nxt != NO_IDX && (y >= 64 || !(t_in & (1ULL << y))))
					continue;
				if (y == sender || node_had(l, m, y, r->time))
					continue;
				violation(res, INV_SAFE,
					  "SAFE msg %u/%u seq %u delivered to pid %u (node %u) at %llu ns in ring %u.%llu%s before node %u had received it",
					  sender, l->procs.v[m->proc].pid, m->seq, pi->pid,
					  pi->nodeid, (unsigned long long)r->time,
					  ring->rep, (unsigned long long)ring->seq,
					  nxt != NO_IDX ? " (transitional)" : "", y);
				break;
			}
		}
	}
}
