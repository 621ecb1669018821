// SPDX-License-Identifier: GPL-2.0 OR BSD-3-Clause
/*
 * Virtual synchrony and view-synchronous delivery.
 *
 * virtual-synchrony: processes that pass together from one view to the
 * next (both members before and after the same confchg, or one of them
 * leaving by its own leave in it, and both getting that confchg in the same
 * configuration: see config_tag in check.h) delivered the same set of
 * messages in the view they leave.
 *
 * view-delivery: a process delivers only while it is a member (its join
 * confchg came, its leave confchg did not), only messages of its group, and
 * every UNORDERED or FIFO message is delivered in one and the same view at
 * every process that delivers it in the same configuration (never across a
 * confchg).
 */
#include <stdio.h>
#include "check.h"

struct view_set {
	uint64_t sig;		/* order-independent hash of the set */
	uint32_t n;
};

static uint64_t msg_sig(uint32_t msg)
{
	return mix64((uint64_t)msg * 0x9e3779b97f4a7c15ULL + 1);
}

/* Messages process @p delivered in the view that starts at rec @k. */
static void view_msgs(const struct analysis *a, uint32_t p, uint32_t k,
		      struct hmap *out)
{
	const struct proc_info *pi = &a->l->procs.v[p];
	uint32_t i;

	for (i = k + 1; i < pi->recs.n; i++) {
		if (pi->recs.v[i].kind == REC_CONFCHG)
			break;
		if (pi->recs.v[i].kind == REC_DELIVER && a->aux[p][i].valid)
			hmap_put(out, (uint64_t)pi->recs.v[i].msg + 1, 0, NULL);
	}
}

static void explain_vs(const struct analysis *a, uint32_t p, uint32_t k,
		       uint32_t q, uint32_t kq, struct check_result *res)
{
	const struct record_log *l = a->l;
	struct hmap mp, mq;
	uint32_t i, who = NO_IDX, miss = NO_IDX, other = NO_IDX;
	const struct ring_info *ri = &l->rings.v[a->aux[p][k].ring];

	hmap_init(&mp);
	hmap_init(&mq);
	view_msgs(a, p, k, &mp);
	view_msgs(a, q, kq, &mq);
	for (i = 0; i < mp.cap && miss == NO_IDX; i++)
		if (mp.keys[i] && !hmap_get(&mq, mp.keys[i])) {
			miss = (uint32_t)mp.keys[i] - 1;
			who = p;
			other = q;
		}
	for (i = 0; i < mq.cap && miss == NO_IDX; i++)
		if (mq.keys[i] && !hmap_get(&mp, mq.keys[i])) {
			miss = (uint32_t)mq.keys[i] - 1;
			who = q;
			other = p;
		}
	if (miss != NO_IDX) {
		const struct msg_info *m = &l->msgs.v[miss];

		violation(res, INV_VS,
			  "pids %u and %u passed together from a view of g%u (ring %u.%llu) to the next; only pid %u delivered msg %u/%u seq %u in it",
			  l->procs.v[who].pid, l->procs.v[other].pid,
			  l->procs.v[p].recs.v[k].group, ri->rep,
			  (unsigned long long)ri->seq, l->procs.v[who].pid,
			  l->procs.v[m->proc].nodeid, l->procs.v[m->proc].pid,
			  m->seq);
	} else {
		violation(res, INV_VS, "pids %u and %u: view sets differ",
			  l->procs.v[p].pid, l->procs.v[q].pid);
	}
	hmap_free(&mp);
	hmap_free(&mq);
}

static void vsync(const struct analysis *a, struct check_result *res)
{
	const struct record_log *l = a->l;
	struct hmap sigs, where;
	uint32_t p, i;

	hmap_init(&sigs);
	hmap_init(&where);
	for (p = 0; p < l->procs.n; p++) {
		const struct proc_info *pi = &l->procs.v[p];
		struct hmap seen;
		uint32_t k = NO_IDX;
		struct view_set vs = { 0, 0 };

		hmap_init(&seen);
		for (i = 0; i < pi->recs.n; i++) {
			const struct rec *r = &pi->recs.v[i];

			if (r->kind == REC_DELIVER && a->aux[p][i].valid) {
				int fresh;

				hmap_put(&seen, (uint64_t)r->msg + 1, 0, &fresh);
				if (fresh) {
					vs.sig += msg_sig(r->msg);
					vs.n++;
				}
				continue;
			}
			if (r->kind != REC_CONFCHG)
				continue;
			if (k != NO_IDX && pi->recs.v[k].group == r->group) {
				const struct conf_info *c = rec_conf(l, r);
				uint32_t reason = 0;
				int passes = conf_has(c, pi->nodeid, pi->pid, 0, NULL) ||
					     (conf_has(c, pi->nodeid, pi->pid, 1, &reason) &&
					      reason == KP_REASON_LEAVE);

				if (passes && a->aux[p][k].member && a->aux[p][i].tkey) {
					uint64_t key = a->aux[p][i].tkey;
					uint64_t sig = nonzero(hcombine(vs.sig, vs.n));
					int fresh;
					uint64_t *v = hmap_put(&sigs, key, sig, &fresh);

					if (fresh) {
						*hmap_put(&where, key, 0, NULL) =
							(uint64_t)p << 32 | k;
					} else if (*v != sig) {
						uint64_t w = *hmap_get(&where, key);

						explain_vs(a, (uint32_t)(w >> 32),
							   (uint32_t)w, p, k, res);
					}
				}
			}
			k = i;
			vs.sig = 0;
			vs.n = 0;
		}
		hmap_free(&seen);
	}
	hmap_free(&sigs);
	hmap_free(&where);
}

static void view_delivery(const struct analysis *a, struct check_result *res)
{
	const struct record_log *l = a->l;
	struct hmap first;	/* (msg, ctag) -> the view it was delivered in */
	uint32_t p, i;

	hmap_init(&first);
	for (p = 0; p < l->procs.n; p++) {
		const struct proc_info *pi = &l->procs.v[p];

		for (i = 0; i < pi->recs.n; i++) {
			const struct rec *r = &pi->recs.v[i];
			const struct rec_aux *x = &a->aux[p][i];
			const struct msg_info *m;
			uint64_t evid;
			int fresh;

			if (r->kind != REC_DELIVER || !x->valid)
				continue;
			m = &l->msgs.v[r->msg];
			if (!x->member || x->view == NO_IDX) {
				violation(res, INV_VIEW,
					  "pid %u delivered msg %u/%u seq %u at %llu ns while not a member",
					  pi->pid, l->procs.v[m->proc].nodeid,
					  l->procs.v[m->proc].pid, m->seq,
					  (unsigned long long)r->time);
				continue;
			}
			if (pi->recs.v[x->view].group != m->group) {
				violation(res, INV_VIEW,
					  "pid %u, member of g%u, delivered msg %u/%u seq %u of g%u",
					  pi->pid, pi->recs.v[x->view].group,
					  l->procs.v[m->proc].nodeid,
					  l->procs.v[m->proc].pid, m->seq, m->group);
				continue;
			}
			if (m->guarantee > KP_FIFO)
				continue;
			evid = a->aux[p][x->view].vkey;
			{
				uint64_t *v = hmap_put(&first, key2(r->msg, x->ctag),
						       evid, &fresh);

				if (!fresh && *v != evid)
					violation(res, INV_VIEW,
						  "%s msg %u/%u seq %u delivered in different views (pid %u differs)",
						  m->guarantee ? "FIFO" : "UNORDERED",
						  l->procs.v[m->proc].nodeid,
						  l->procs.v[m->proc].pid, m->seq, pi->pid);
			}
		}
	}
	hmap_free(&first);
}

void check_sync(const struct analysis *a, struct check_result *res)
{
	vsync(a, res);
	view_delivery(a, res);
}
