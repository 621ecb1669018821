// SPDX-License-Identifier: GPL-2.0 OR BSD-3-Clause
/*
 * The simple invariants, one record at a time: integrity (nothing invented
 * or corrupted, the callback's fields match what was sent), no duplicates,
 * self-delivery, and the API contract the harness checked while running.
 */
#include "check.h"
#include <stdio.h>
#include "payload.h"

static const char *gname(int g)
{
	static const char *const n[] = { "UNORDERED", "FIFO", "AGREED", "SAFE" };

	return g >= 0 && g < 4 ? n[g] : "?";
}

static void integrity(const struct analysis *a, uint32_t p, const struct rec *r,
		      struct check_result *res)
{
	const struct record_log *l = a->l;
	const struct proc_info *pi = &l->procs.v[p];
	const struct msg_info *m;
	const struct proc_info *sp;

	if (r->verdict != PAYLOAD_OK) {
		violation(res, INV_INTEGRITY,
			  "pid %u got %u bytes from %u/%u: %s", pi->pid, r->len,
			  r->from_node, r->from_pid,
			  payload_verdict_str((enum payload_verdict)r->verdict));
		return;
	}
	if (r->msg == NO_IDX) {
		violation(res, INV_INTEGRITY,
			  "pid %u got a message from %u/%u nobody sent", pi->pid,
			  r->from_node, r->from_pid);
		return;
	}
	m = &l->msgs.v[r->msg];
	sp = &l->procs.v[m->proc];
	if (r->from_node != sp->nodeid || r->from_pid != sp->pid ||
	    r->guarantee != m->guarantee || r->len != m->len ||
	    r->group != m->group)
		violation(res, INV_INTEGRITY,
			  "pid %u got msg %u/%u seq %u as from %u/%u %s len %u g%d; sent %s len %u g%u",
			  pi->pid, sp->nodeid, sp->pid, m->seq, r->from_node,
			  r->from_pid, gname(r->guarantee), r->len, (int)r->group,
			  gname(m->guarantee), m->len, m->group);
}

/*
 * Must the sender have delivered @msg?  Yes if it lived to the end, or if
 * anything ordered after the message reached it anyway: one of its own
 * later messages, or its own leave.  (A sender that died in between may
 * have died before the message came round.)  @self[m]: sender delivered m.
 */
int self_required(const struct record_log *l, const uint8_t *self, uint32_t msg)
{
	const struct msg_info *m = &l->msgs.v[msg];
	const struct proc_info *sp = &l->procs.v[m->proc];
	uint32_t k;

	if (sp->end == END_ALIVE)
		return 1;
	for (k = m->seq + 1; k < sp->sent.n; k++)
		if (self[sp->sent.v[k]])
			return 1;
	for (k = 0; k < sp->recs.n; k++) {
		const struct rec *r = &sp->recs.v[k];
		uint32_t reason = 0;

		if (r->kind == REC_CONFCHG && r->time >= m->send_time &&
		    conf_has(rec_conf(l, r), sp->nodeid, sp->pid, 1, &reason) &&
		    reason == KP_REASON_LEAVE)
			return 1;
	}
	return 0;
}

void check_basic(const struct analysis *a, struct check_result *res)
{
	const struct record_log *l = a->l;
	uint8_t *self = xcalloc(l->msgs.n, 1);
	uint32_t p, i;

	for (p = 0; p < l->procs.n; p++) {
		const struct proc_info *pi = &l->procs.v[p];
		struct hmap seen;

		hmap_init(&seen);
		for (i = 0; i < pi->recs.n; i++) {
			const struct rec *r = &pi->recs.v[i];
			int fresh;

			if (r->kind != REC_DELIVER)
				continue;
			integrity(a, p, r, res);
			if (!a->aux[p][i].valid)
				continue;
			hmap_put(&seen, (uint64_t)r->msg + 1, 0, &fresh);
			if (!fresh) {
				const struct msg_info *m = &l->msgs.v[r->msg];

				violation(res, INV_DUP,
					  "pid %u delivered msg %u/%u seq %u twice (again at %llu ns)",
					  pi->pid, l->procs.v[m->proc].nodeid,
					  l->procs.v[m->proc].pid, m->seq,
					  (unsigned long long)r->time);
			}
			if (l->msgs.v[r->msg].proc == p)
				self[r->msg] = 1;
		}
		hmap_free(&seen);
	}

	/* A sender delivers its own message unless it died first. */
	for (i = 0; i < l->msgs.n; i++) {
		const struct msg_info *m = &l->msgs.v[i];
		const struct proc_info *sp = &l->procs.v[m->proc];

		if (self[i] || !self_required(l, self, i))
			continue;
		violation(res, INV_SELF,
			  "pid %u (node %u) never delivered its own %s msg seq %u sent at %llu ns",
			  sp->pid, sp->nodeid, gname(m->guarantee), m->seq,
			  (unsigned long long)m->send_time);
	}
	free(self);

	for (i = 0; i < l->api_errs.n; i++) {
		const struct api_err *e = &l->api_errs.v[i];

		char who[32] = "";

		if (e->proc != NO_IDX)
			snprintf(who, sizeof(who), " pid %u", l->procs.v[e->proc].pid);
		violation(res, INV_API, "at %llu ns%s: %s",
			  (unsigned long long)e->time, who, e->what);
	}
}
