// SPDX-License-Identifier: GPL-2.0 OR BSD-3-Clause
/*
 * liveness: in each quiet window (network perfect, nobody crashing, pausing
 * or reconfiguring), every clique of live mutual peers is one ring by the
 * window's convergence deadline (a clique larger than one commit token
 * carries: rings of memb_cap() consecutive ids, lowest first, as
 * docs/protocol.md says), and every message owed in the window reaches,
 * by its due time, every member of the view it was ordered in (see
 * owed_view()) that stays (no leave, detach or crash before then).
 *
 * Owed: sent after the convergence deadline, or sent before and still
 * unordered then (ordered by its sender after it, in the window).  Due: a
 * bound after its turn, plus a token rotation per datagram it takes
 * (struct window).  Its turn comes when it was sent, the ring had
 * converged, and everything its node queued before it was ordered
 * (delivered somewhere): a node's messages go in the order it queued them,
 * so a message sent behind megabytes of its node's backlog waits for
 * them, but that backlog must keep moving, a message at least per bound
 * (as the window is shared by need, every node with something queued gets
 * a share of each rotation however much the others have queued).  A ring
 * that stops ordering, or a node whose messages wait while the ring orders
 * others', misses the due time of the message at the head of its queue.
 * A message whose due time falls after the window's end is not judged.
 */
#include <stdio.h>
#include "check.h"

static uint64_t last_join_before(const struct proc_info *q, uint64_t t)
{
	uint64_t j = NEVER;
	uint32_t i;

	for (i = 0; i < q->joins.n && q->joins.v[i] <= t; i++)
		j = q->joins.v[i];
	return j;
}

/*
 * Member at @t by its last join, and no leave, detach or crash until
 * @deadline, and no delivery refused: the core owes a slow consumer nothing
 * after that, and its expulsion, an ordered leave, may wait behind its
 * node's backlog.
 */
static int stays(const struct proc_info *q, uint64_t t, uint64_t deadline)
{
	uint64_t j = last_join_before(q, t);
	uint32_t i;

	if (j == NEVER)
		return 0;
	if (q->end != END_ALIVE && q->end_time <= deadline)
		return 0;
	if (q->refused <= deadline)
		return 0;
	for (i = 0; i < q->leaves.n; i++)
		if (q->leaves.v[i] >= j && q->leaves.v[i] <= deadline)
			return 0;
	return 1;
}

/*
 * Who must deliver: the members of the view in which the sender delivered
 * the message (its place in the order), or, if the sender never did, of the
 * view it sent it in.  Not the view at send time alone: a member whose leave
 * was ordered before the message is not owed it, even if the sender had not
 * heard of the leave yet.
 */
static const struct conf_info *owed_view(const struct analysis *a, uint32_t msg,
					 uint64_t *at)
{
	const struct record_log *l = a->l;
	const struct msg_info *m = &l->msgs.v[msg];
	const struct proc_info *sp = &l->procs.v[m->proc];
	uint32_t d = a->self_rec[msg], v;

	*at = m->send_time;
	if (d == NO_IDX) {
		v = m->send_view;
	} else {
		v = a->aux[m->proc][d].view;
		*at = sp->recs.v[d].time;
	}
	if (v == NO_IDX)
		return NULL;
	return rec_conf(l, &sp->recs.v[v]);
}

const struct window *live_required(const struct analysis *a, uint32_t msg,
				   uint32_t proc)
{
	const struct record_log *l = a->l;
	const struct msg_info *m = &l->msgs.v[msg];
	const struct proc_info *sp = &l->procs.v[m->proc];
	const struct proc_info *q = &l->procs.v[proc];
	const struct live_msg *lm = &a->live[msg];
	const struct conf_info *c;
	uint64_t at;

	if (lm->win == NO_IDX)
		return NULL;
	c = owed_view(a, msg, &at);
	if (!c || c->group != m->group ||
	    !conf_has(c, q->nodeid, q->pid, 0, NULL) ||
	    !stays(q, at, lm->due) ||
	    !stays(sp, m->send_time, m->send_time))
		return NULL;
	return &l->windows.v[lm->win];
}

/* Datagrams @len bytes of message take at least (its header, group name). */
static uint64_t datagrams(const struct window *w, uint32_t len)
{
	if (!w->pkt_bytes)
		return 0;
	return (len + 8 + KP_NAME_MAX + w->pkt_bytes - 1) / w->pkt_bytes;
}

void live_prepare(struct analysis *a)
{
	const struct record_log *l = a->l;
	uint64_t *queued = xcalloc(l->incs.n + 1, sizeof(uint64_t));
	uint32_t p, i, mi;

	a->live = xmalloc((l->msgs.n + 1) * sizeof(*a->live));
	for (mi = 0; mi < l->msgs.n; mi++) {
		a->live[mi].ord = NEVER;
		a->live[mi].turn = NEVER;
		a->live[mi].due = NEVER;
		a->live[mi].win = NO_IDX;
	}
	for (p = 0; p < l->procs.n; p++)
		for (i = 0; i < l->procs.v[p].recs.n; i++) {
			const struct rec *r = &l->procs.v[p].recs.v[i];

			if (r->kind == REC_DELIVER && a->aux[p][i].valid &&
			    r->time < a->live[r->msg].ord)
				a->live[r->msg].ord = r->time;
		}
	/* Messages are logged in the order they were sent, which is the
	 * order of their node's send queue.
	 */
	for (mi = 0; mi < l->msgs.n; mi++) {
		const struct msg_info *m = &l->msgs.v[mi];
		struct live_msg *lm = &a->live[mi];
		uint32_t inc = l->procs.v[m->proc].inc;
		uint64_t before = queued[inc];

		if (lm->ord != NEVER && lm->ord > queued[inc])
			queued[inc] = lm->ord;
		for (i = 0; i < l->windows.n; i++) {
			const struct window *w = &l->windows.v[i];
			int sent_in = m->send_time >= w->converge &&
				      m->send_time < w->end;
			int pending = m->send_time < w->converge &&
				      lm->ord != NEVER && lm->ord >= w->converge &&
				      lm->ord < w->end && a->self_rec[mi] != NO_IDX;

			if (!sent_in && !pending)
				continue;
			lm->turn = m->send_time;
			if (lm->turn < w->converge)
				lm->turn = w->converge;
			if (lm->turn < before)
				lm->turn = before;
			lm->due = lm->turn + w->bound +
				  datagrams(w, m->len) * w->pkt_time;
			if (lm->due <= w->end)
				lm->win = i;
			break;
		}
	}
	free(queued);
}

uint32_t memb_cap(const struct record_log *l)
{
	uint32_t mtu = l->mtu < 512 ? 512 : l->mtu > 65000 ? 65000 : l->mtu;
	uint32_t cap = (mtu - 40) / 40;

	return cap < 64 ? cap : 64;
}

uint64_t clique_block(uint64_t clique, uint32_t node, uint32_t cap)
{
	uint64_t block = 0;
	uint32_t idx = 0, k, lo;

	if ((uint32_t)__builtin_popcountll(clique) <= cap)
		return clique;
	for (k = 0; k < node; k++)
		if (clique & (1ULL << k))
			idx++;
	lo = idx / cap * cap;
	for (k = 0, idx = 0; k < 64; k++) {
		if (!(clique & (1ULL << k)))
			continue;
		if (idx >= lo && idx < lo + cap)
			block |= 1ULL << k;
		idx++;
	}
	return block;
}

static void convergence(const struct record_log *l, uint32_t wi,
			struct check_result *res)
{
	const struct window *w = &l->windows.v[wi];
	uint32_t i, j, k, cap = memb_cap(l);

	for (i = 0; i < w->probe.n; i++) {
		const struct probe_ent *pe = &w->probe.v[i];
		const struct ring_info *r = &l->rings.v[pe->ring];
		uint32_t self = l->incs.v[pe->inc].nodeid;
		uint64_t mask = 0, want = clique_block(pe->clique, self, cap);

		for (k = 0; k < r->n; k++)
			if (r->nodes[k] < 64)
				mask |= 1ULL << r->nodes[k];
		if (mask != want) {
			violation(res, INV_LIVENESS,
				  "window %u: at %llu ns node %u is in ring %u.%llu of nodes 0x%llx, should be with 0x%llx",
				  wi, (unsigned long long)w->converge,
				  l->incs.v[pe->inc].nodeid, r->rep,
				  (unsigned long long)r->seq,
				  (unsigned long long)mask >> 1,
				  (unsigned long long)want >> 1);
			continue;
		}
		for (j = 0; j < i; j++) {
			const struct ring_info *o = &l->rings.v[w->probe.v[j].ring];

			if (w->probe.v[j].clique == pe->clique &&
			    clique_block(pe->clique, l->incs.v[w->probe.v[j].inc].nodeid, cap) == want &&
			    (o->rep != r->rep || o->seq != r->seq))
				violation(res, INV_LIVENESS,
					  "window %u: nodes %u and %u should share a ring, are in %u.%llu and %u.%llu",
					  wi, l->incs.v[w->probe.v[j].inc].nodeid,
					  l->incs.v[pe->inc].nodeid, o->rep,
					  (unsigned long long)o->seq, r->rep,
					  (unsigned long long)r->seq);
		}
	}
}

void check_live(const struct analysis *a, struct check_result *res)
{
	const struct record_log *l = a->l;
	struct hmap when;	/* (msg, proc) -> first delivery time + 1 */
	uint32_t p, i, mi;

	for (i = 0; i < l->windows.n; i++)
		convergence(l, i, res);

	hmap_init(&when);
	for (p = 0; p < l->procs.n; p++) {
		const struct proc_info *pi = &l->procs.v[p];

		for (i = 0; i < pi->recs.n; i++) {
			const struct rec *r = &pi->recs.v[i];

			if (r->kind == REC_DELIVER && a->aux[p][i].valid)
				hmap_put(&when, key2(r->msg, p),
					 r->time + 1, NULL);
		}
	}
	for (mi = 0; mi < l->msgs.n; mi++) {
		const struct msg_info *m = &l->msgs.v[mi];
		const struct proc_info *sp = &l->procs.v[m->proc];
		const struct live_msg *lm = &a->live[mi];
		const struct conf_info *c;
		uint64_t at;

		if (lm->win == NO_IDX)
			continue;
		c = owed_view(a, mi, &at);
		if (!c)
			continue;
		for (i = 0; i < c->n_members; i++) {
			uint32_t q = c->a[i].pid - PID_BASE;
			uint64_t *t;

			if (c->a[i].pid < PID_BASE || q >= l->procs.n ||
			    l->procs.v[q].nodeid != c->a[i].nodeid)
				continue;
			if (!live_required(a, mi, q))
				continue;
			t = hmap_get(&when, key2(mi, q));
			if (t && *t - 1 <= lm->due)
				continue;
			violation(res, INV_LIVENESS,
				  "msg %u/%u seq %u sent at %llu ns, its turn at %llu ns, due at %llu ns: pid %u %s",
				  sp->nodeid, sp->pid, m->seq,
				  (unsigned long long)m->send_time,
				  (unsigned long long)lm->turn,
				  (unsigned long long)lm->due, l->procs.v[q].pid,
				  t ? "delivered it late" : "never delivered it");
		}
	}
	hmap_free(&when);
}
