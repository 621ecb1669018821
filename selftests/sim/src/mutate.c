// SPDX-License-Identifier: GPL-2.0 OR BSD-3-Clause
/*
 * Mutations (see mutate.h).  Log mutations pick, at random among the places
 * where the bug would be visible, one record to break; the conditions keep
 * the damage to one invariant (e.g. a message dropped at one member is
 * chosen outside any liveness window, so that only virtual synchrony sees
 * it).  Removed records become kind 0, which every check ignores.
 */
#include <string.h>
#include "mutate.h"
#include "check.h"
#include "sim.h"

const struct mutation_desc mutation_table[MUT_NR] = {
	[MUT_NONE] = { "none", "", 0, "" },
	[MUT_AGREED_SWAP] = { "agreed-swap", "agreed-order", 0,
		"swap two adjacent AGREED deliveries of different senders at one member" },
	[MUT_FIFO_SWAP] = { "fifo-swap", "fifo-order", 0,
		"swap two adjacent FIFO deliveries of one sender at one member" },
	[MUT_SAFE_EARLY] = { "safe-early", "safe-stability", 0,
		"deliver a SAFE message at the instant it was sent" },
	[MUT_DUP] = { "dup", "no-duplicate", 0,
		"deliver an UNORDERED message twice" },
	[MUT_CORRUPT] = { "corrupt", "integrity", 1,
		"flip one payload byte as a delivery is made" },
	[MUT_SELF_DROP] = { "self-drop", "self-delivery", 0,
		"a sender alone in its group never gets its own message" },
	[MUT_VS_DROP] = { "vs-drop", "virtual-synchrony", 0,
		"one member misses a message the others got in the same view" },
	[MUT_VIEW_STRAY] = { "view-stray", "view-delivery", 0,
		"an UNORDERED message reaches a process after its own leave" },
	[MUT_CONF_UNSORTED] = { "conf-unsorted", "confchg-consistency", 0,
		"a confchg's member list out of order" },
	[MUT_CONF_DROP] = { "conf-drop", "confchg-consistency", 0,
		"one member never hears of a confchg" },
	[MUT_LIVE_DELAY] = { "live-delay", "liveness", 0,
		"a delivery in a quiet window held a bound past its due time" },
	[MUT_LIVE_STARVE] = { "live-starve", "liveness", 0,
		"a node's messages held until the others' backlog is ordered" },
	[MUT_TOTEM_UNSORTED] = { "totem-unsorted", "totem-confchg", 0,
		"a totem confchg's node list out of order" },
	[MUT_API] = { "api", "api-contract", 1,
		"a correct API result taken for a wrong one" },
};

int mutation_lookup(const char *name)
{
	int i;

	for (i = 1; i < MUT_NR; i++)
		if (!strcmp(mutation_table[i].name, name))
			return i;
	return -1;
}

void mutate_at_delivery(struct sim *s, struct proc *p, uint8_t *buf, size_t len,
			uint32_t guarantee)
{
	(void)p;
	(void)guarantee;
	if (s->o->mutation != MUT_CORRUPT || s->mut_done || len < 200)
		return;
	if (!s->mut_countdown)
		s->mut_countdown = (uint32_t)rng_range(&s->rng_mut, 1, 50);
	if (--s->mut_countdown)
		return;
	buf[100] ^= 0x20;
	s->mut_done = 1;
}

int mutate_api(struct sim *s)
{
	if (s->o->mutation != MUT_API || s->mut_done)
		return 0;
	s->mut_done = 1;
	return 1;
}

/* A place to mutate: (process, record). */
struct spot {
	uint32_t p, i, j;
};

typedef VEC(struct spot) spots_t;

static void add(spots_t *sp, uint32_t p, uint32_t i, uint32_t j)
{
	struct spot s = { p, i, j };

	vec_push(sp, s);
}

static const struct msg_info *rmsg(const struct record_log *l, const struct rec *r)
{
	return &l->msgs.v[r->msg];
}

/* Number of processes other than @p that delivered @msg (validly). */
static uint32_t others_delivered(const struct analysis *a, uint32_t msg,
				 uint32_t p)
{
	const struct record_log *l = a->l;
	uint32_t q, i, n = 0;

	for (q = 0; q < l->procs.n; q++) {
		if (q == p)
			continue;
		for (i = 0; i < l->procs.v[q].recs.n; i++)
			if (l->procs.v[q].recs.v[i].kind == REC_DELIVER &&
			    a->aux[q][i].valid && l->procs.v[q].recs.v[i].msg == msg) {
				n++;
				break;
			}
	}
	return n;
}

static void swap_payload(struct rec *x, struct rec *y)
{
	struct rec t = *x;

	x->msg = y->msg;
	x->guarantee = y->guarantee;
	x->verdict = y->verdict;
	x->group = y->group;
	x->from_node = y->from_node;
	x->from_pid = y->from_pid;
	x->len = y->len;
	y->msg = t.msg;
	y->guarantee = t.guarantee;
	y->verdict = t.verdict;
	y->group = t.group;
	y->from_node = t.from_node;
	y->from_pid = t.from_pid;
	y->len = t.len;
}

static int close_in_time(const struct rec *x, const struct rec *y)
{
	return x->call == y->call || y->time - x->time < 1000000;
}

static void find_swaps(const struct analysis *a, spots_t *sp, int fifo)
{
	const struct record_log *l = a->l;
	uint32_t p, i;

	for (p = 0; p < l->procs.n; p++) {
		const struct proc_info *pi = &l->procs.v[p];

		for (i = 0; i + 1 < pi->recs.n; i++) {
			const struct rec *x = &pi->recs.v[i], *y = &pi->recs.v[i + 1];
			const struct msg_info *mx, *my;

			if (x->kind != REC_DELIVER || y->kind != REC_DELIVER ||
			    !a->aux[p][i].valid || !a->aux[p][i + 1].valid ||
			    !close_in_time(x, y))
				continue;
			mx = rmsg(l, x);
			my = rmsg(l, y);
			if (fifo) {
				if (mx->guarantee == KP_FIFO && my->guarantee == KP_FIFO &&
				    mx->proc == my->proc)
					add(sp, p, i, i + 1);
			} else if (mx->guarantee == KP_AGREED && my->guarantee == KP_AGREED &&
				   mx->proc != my->proc &&
				   others_delivered(a, x->msg, p) &&
				   others_delivered(a, y->msg, p)) {
				add(sp, p, i, i + 1);
			}
		}
	}
}

static void find_safe_early(const struct analysis *a, spots_t *sp)
{
	const struct record_log *l = a->l;
	uint32_t p, i;

	for (p = 0; p < l->procs.n; p++) {
		const struct proc_info *pi = &l->procs.v[p];

		for (i = 0; i < pi->recs.n; i++) {
			const struct rec *r = &pi->recs.v[i];
			const struct ring_info *ring;
			uint32_t sender;

			if (r->kind != REC_DELIVER || !a->aux[p][i].valid ||
			    rmsg(l, r)->guarantee != KP_SAFE)
				continue;
			/* Visible when a node other than the sender must have it. */
			ring = &l->rings.v[r->ring];
			sender = l->procs.v[rmsg(l, r)->proc].nodeid;
			if (ring->n >= 2 &&
			    ring_change_in_call(l, pi->inc, r->call, r->spos) == NO_IDX &&
			    (pi->nodeid != sender || ring->n >= 2))
				add(sp, p, i, 0);
		}
	}
}

static void find_dup(const struct analysis *a, spots_t *sp)
{
	const struct record_log *l = a->l;
	uint32_t p, i;

	for (p = 0; p < l->procs.n; p++)
		for (i = 0; i < l->procs.v[p].recs.n; i++) {
			const struct rec *r = &l->procs.v[p].recs.v[i];

			if (r->kind == REC_DELIVER && a->aux[p][i].valid &&
			    rmsg(l, r)->guarantee == KP_UNORDERED)
				add(sp, p, i, 0);
		}
}

/* The CONFCHG rec that starts the view of rec @i, and its conf. */
static const struct conf_info *view_conf(const struct analysis *a, uint32_t p,
					 uint32_t i)
{
	uint32_t v = a->aux[p][i].view;

	return v == NO_IDX ? NULL : rec_conf(a->l, &a->l->procs.v[p].recs.v[v]);
}

static void find_self_drop(const struct analysis *a, spots_t *sp)
{
	const struct record_log *l = a->l;
	uint8_t *self = xcalloc(l->msgs.n + 1, 1);
	uint32_t p, i;

	for (p = 0; p < l->procs.n; p++)
		for (i = 0; i < l->procs.v[p].recs.n; i++) {
			const struct rec *r = &l->procs.v[p].recs.v[i];

			if (r->kind == REC_DELIVER && a->aux[p][i].valid &&
			    rmsg(l, r)->proc == p)
				self[r->msg] = 1;
		}

	for (p = 0; p < l->procs.n; p++)
		for (i = 0; i < l->procs.v[p].recs.n; i++) {
			const struct rec *r = &l->procs.v[p].recs.v[i];
			const struct conf_info *c;

			if (r->kind != REC_DELIVER || !a->aux[p][i].valid ||
			    rmsg(l, r)->proc != p || live_required(a, r->msg, p))
				continue;
			c = view_conf(a, p, i);
			self[r->msg] = 0;
			if (c && c->n_members == 1 && !others_delivered(a, r->msg, p) &&
			    self_required(l, self, r->msg))
				add(sp, p, i, 0);
			self[r->msg] = 1;
		}
	free(self);
}

/* Does process @p pass from the view of CONFCHG rec @k to rec @j? */
static int passes(const struct analysis *a, uint32_t p, uint32_t k, uint32_t j)
{
	const struct proc_info *pi = &a->l->procs.v[p];
	const struct conf_info *c = rec_conf(a->l, &pi->recs.v[j]);
	uint32_t reason = 0;

	if (!a->aux[p][k].member || pi->recs.v[k].group != pi->recs.v[j].group)
		return 0;
	return conf_has(c, pi->nodeid, pi->pid, 0, NULL) ||
	       (conf_has(c, pi->nodeid, pi->pid, 1, &reason) &&
		reason == KP_REASON_LEAVE);
}

static uint32_t next_conf(const struct proc_info *pi, uint32_t i)
{
	for (i = i + 1; i < pi->recs.n; i++)
		if (pi->recs.v[i].kind == REC_CONFCHG)
			return i;
	return NO_IDX;
}

static void find_vs_drop(const struct analysis *a, spots_t *sp)
{
	const struct record_log *l = a->l;
	struct hmap passers;	/* transition key -> processes passing it */
	uint32_t p, i;

	hmap_init(&passers);
	for (p = 0; p < l->procs.n; p++) {
		const struct proc_info *pi = &l->procs.v[p];

		for (i = 0; i < pi->recs.n; i++) {
			uint32_t j;

			if (pi->recs.v[i].kind != REC_CONFCHG)
				continue;
			j = next_conf(pi, i);
			if (j != NO_IDX && passes(a, p, i, j))
				(*hmap_put(&passers, a->aux[p][j].tkey, 0, NULL))++;
		}
	}
	for (p = 0; p < l->procs.n; p++) {
		const struct proc_info *pi = &l->procs.v[p];

		for (i = 0; i < pi->recs.n; i++) {
			const struct rec *r = &pi->recs.v[i];
			uint32_t k = a->aux[p][i].view, j;
			uint64_t *n;

			if (r->kind != REC_DELIVER || !a->aux[p][i].valid ||
			    k == NO_IDX || rmsg(l, r)->proc == p ||
			    live_required(a, r->msg, p))
				continue;
			j = next_conf(pi, i);
			if (j == NO_IDX || !passes(a, p, k, j))
				continue;
			n = a->aux[p][j].tkey ? hmap_get(&passers, a->aux[p][j].tkey) : NULL;
			if (n && *n >= 2)
				add(sp, p, i, 0);
		}
	}
	hmap_free(&passers);
}

/* Did node incarnation @inc see both ends of @msg on the wire (or send it)? */
static int inc_has(const struct record_log *l, uint32_t msg, uint32_t inc)
{
	const struct msg_info *m = &l->msgs.v[msg];
	uint32_t i;

	if (l->procs.v[m->proc].inc == inc)
		return 1;
	for (i = 0; i < m->rx.n; i++)
		if (m->rx.v[i].inc == inc && m->rx.v[i].tail != NEVER)
			return 1;
	return 0;
}

/* (p, i): the leave confchg; j: a rec of another process delivering msg. */
static void find_view_stray(const struct analysis *a, spots_t *sp)
{
	const struct record_log *l = a->l;
	uint32_t p, i, q, k;

	for (p = 0; p < l->procs.n; p++) {
		const struct proc_info *pi = &l->procs.v[p];

		for (i = 0; i < pi->recs.n; i++) {
			const struct rec *r = &pi->recs.v[i];
			uint32_t reason = 0;

			if (r->kind != REC_CONFCHG ||
			    !conf_has(rec_conf(l, r), pi->nodeid, pi->pid, 1, &reason) ||
			    reason != KP_REASON_LEAVE)
				continue;
			/* An UNORDERED message of that group it never delivered,
			 * which its node had: the stray delivery.
			 */
			for (q = 0; q < l->procs.n; q++) {
				const struct proc_info *qi = &l->procs.v[q];

				for (k = 0; k < qi->recs.n; k++) {
					const struct rec *d = &qi->recs.v[k];

					if (d->kind == REC_DELIVER && a->aux[q][k].valid &&
					    rmsg(l, d)->guarantee == KP_UNORDERED &&
					    rmsg(l, d)->group == r->group &&
					    inc_has(l, d->msg, pi->inc)) {
						uint32_t x;
						int had = 0;

						for (x = 0; x < pi->recs.n; x++)
							if (pi->recs.v[x].kind == REC_DELIVER &&
							    pi->recs.v[x].msg == d->msg)
								had = 1;
						if (!had) {
							add(sp, p, i, q << 20 | k);
							goto next_leave;
						}
					}
				}
			}
next_leave:
			;
		}
	}
}

static void find_conf_unsorted(const struct analysis *a, spots_t *sp)
{
	const struct record_log *l = a->l;
	uint32_t p, i;

	for (p = 0; p < l->procs.n; p++)
		for (i = 0; i < l->procs.v[p].recs.n; i++) {
			const struct rec *r = &l->procs.v[p].recs.v[i];

			if (r->kind == REC_CONFCHG && rec_conf(l, r)->n_members >= 2)
				add(sp, p, i, 0);
		}
}

static void find_conf_drop(const struct analysis *a, spots_t *sp)
{
	const struct record_log *l = a->l;
	uint32_t p, i, x;

	for (p = 0; p < l->procs.n; p++) {
		const struct proc_info *pi = &l->procs.v[p];

		for (i = 0; i < pi->recs.n; i++) {
			const struct rec *r = &pi->recs.v[i];
			uint32_t k, j;
			int fifo = 0;

			if (r->kind != REC_CONFCHG)
				continue;
			k = i ? a->aux[p][i - 1].view : NO_IDX;
			j = next_conf(pi, i);
			if (k == NO_IDX || j == NO_IDX || !passes(a, p, k, i) ||
			    !conf_has(rec_conf(l, r), pi->nodeid, pi->pid, 0, NULL) ||
			    !conf_has(rec_conf(l, &pi->recs.v[j]), pi->nodeid, pi->pid, 0, NULL) ||
			    conf_has(rec_conf(l, r), pi->nodeid, pi->pid, 2, NULL))
				continue;
			/* No UNORDERED/FIFO delivery may change view with it. */
			for (x = k + 1; x < j; x++)
				if (pi->recs.v[x].kind == REC_DELIVER &&
				    a->aux[p][x].valid &&
				    rmsg(l, &pi->recs.v[x])->guarantee <= KP_FIFO)
					fifo = 1;
			if (!fifo)
				add(sp, p, i, 0);
		}
	}
}

static void find_live_delay(const struct analysis *a, spots_t *sp)
{
	const struct record_log *l = a->l;
	uint32_t p, i;

	for (p = 0; p < l->procs.n; p++)
		for (i = 0; i < l->procs.v[p].recs.n; i++) {
			const struct rec *r = &l->procs.v[p].recs.v[i];

			if (r->kind == REC_DELIVER && a->aux[p][i].valid &&
			    live_required(a, r->msg, p))
				add(sp, p, i, 0);
		}
}

/*
 * When the ring finished ordering what nodes other than incarnation @inc
 * had queued before window @w converged (0 if nothing).
 */
static uint64_t others_backlog_end(const struct analysis *a, uint32_t w,
				   uint32_t inc)
{
	const struct record_log *l = a->l;
	uint64_t end = 0;
	uint32_t mi;

	for (mi = 0; mi < l->msgs.n; mi++) {
		const struct msg_info *m = &l->msgs.v[mi];

		if (a->live[mi].win == w && l->procs.v[m->proc].inc != inc &&
		    m->send_time < l->windows.v[w].converge &&
		    a->live[mi].ord > end)
			end = a->live[mi].ord;
	}
	return end;
}

static int owed_somewhere(const struct analysis *a, uint32_t msg)
{
	uint32_t q;

	for (q = 0; q < a->l->procs.n; q++)
		if (live_required(a, msg, q))
			return 1;
	return 0;
}

/*
 * A starved node: in a window that opens on a backlog, node incarnation
 * @inc's messages wait until the other nodes' backlog is through, though
 * one of them was due before.  Spot: (inc, window).  A bound that allowed
 * for everything queued anywhere would not see it.
 */
static void find_live_starve(const struct analysis *a, spots_t *sp)
{
	const struct record_log *l = a->l;
	uint32_t w, inc, mi;

	for (w = 0; w < l->windows.n; w++)
		for (inc = 0; inc < l->incs.n; inc++) {
			uint64_t end = others_backlog_end(a, w, inc);
			uint64_t from = l->windows.v[w].converge;

			/* The node's first message ordered in the window
			 * keeps its due time (what was queued before it
			 * was ordered earlier, and stays so).
			 */
			for (mi = 0; mi < l->msgs.n; mi++) {
				const struct live_msg *lm = &a->live[mi];

				if (l->procs.v[l->msgs.v[mi].proc].inc == inc &&
				    lm->ord >= from && lm->ord < end)
					break;
			}
			if (mi < l->msgs.n && a->live[mi].win == w &&
			    a->live[mi].due < end && owed_somewhere(a, mi))
				add(sp, inc, w, 0);
		}
}

/* Hold back every delivery of the spot's node made while the others'
 * backlog was ordered, to processes that are still there then.
 */
static void apply_starve(const struct analysis *a, struct record_log *l,
			 const struct spot *s)
{
	uint64_t end = others_backlog_end(a, s->i, s->p);
	uint64_t from = l->windows.v[s->i].converge;
	uint32_t p, i;

	for (p = 0; p < l->procs.n; p++) {
		struct proc_info *pi = &l->procs.v[p];

		if (pi->end != END_ALIVE && pi->end_time <= end)
			continue;
		for (i = 0; i < pi->recs.n; i++) {
			struct rec *r = &pi->recs.v[i];

			if (r->kind == REC_DELIVER && a->aux[p][i].valid &&
			    l->procs.v[l->msgs.v[r->msg].proc].inc == s->p &&
			    r->time >= from && r->time < end)
				r->time = end;
		}
	}
}

static void find_totem_unsorted(const struct analysis *a, spots_t *sp)
{
	const struct record_log *l = a->l;
	uint32_t p, i;

	for (p = 0; p < l->procs.n; p++)
		for (i = 0; i < l->procs.v[p].recs.n; i++) {
			const struct rec *r = &l->procs.v[p].recs.v[i];

			if (r->kind == REC_TOTEM && l->rings.v[r->ref].n >= 2)
				add(sp, p, i, 0);
		}
}

static void apply(const struct analysis *a, struct record_log *l, int mut,
		  const struct spot *s)
{
	struct proc_info *pi = &l->procs.v[s->p];
	struct rec *r = &pi->recs.v[s->i];

	switch (mut) {
	case MUT_AGREED_SWAP:
	case MUT_FIFO_SWAP:
		swap_payload(r, &pi->recs.v[s->j]);
		break;
	case MUT_SAFE_EARLY:
		r->time = l->msgs.v[r->msg].send_time;
		break;
	case MUT_DUP: {
		struct rec copy = *r;
		uint32_t k;

		/* Insert the copy after the original; renumber the stream. */
		vec_push(&pi->recs, copy);
		r = &pi->recs.v[s->i];
		memmove(r + 2, r + 1, (pi->recs.n - s->i - 2) * sizeof(*r));
		r[1] = copy;
		for (k = 0; k < l->inclogs.v[pi->inc].stream.n; k++) {
			struct stream_ent *se = &l->inclogs.v[pi->inc].stream.v[k];

			if (se->proc == s->p && se->idx > s->i)
				se->idx++;
		}
		break;
	}
	case MUT_SELF_DROP:
	case MUT_VS_DROP:
	case MUT_CONF_DROP:
		r->kind = 0;
		break;
	case MUT_VIEW_STRAY: {
		const struct rec *src = &l->procs.v[s->j >> 20].recs.v[s->j & 0xfffff];
		struct rec d = *src;
		uint32_t k;

		/* Delivered right after its own leave confchg. */
		d.time = r->time;
		d.call = r->call;
		d.ring = r->ring;
		d.spos = r->spos;
		vec_push(&pi->recs, d);
		r = &pi->recs.v[s->i];
		memmove(r + 2, r + 1, (pi->recs.n - s->i - 2) * sizeof(*r));
		r[1] = d;
		for (k = 0; k < l->inclogs.v[pi->inc].stream.n; k++) {
			struct stream_ent *se = &l->inclogs.v[pi->inc].stream.v[k];

			if (se->proc == s->p && se->idx > s->i)
				se->idx++;
		}
		break;
	}
	case MUT_CONF_UNSORTED: {
		struct conf_info *c = vec_add(&l->confs);
		const struct conf_info *o = &l->confs.v[r->ref];
		uint32_t n = o->n_members + o->n_left + o->n_joined;
		struct s_addr t;

		*c = *o;
		c->a = xmemdup(o->a, n * sizeof(*o->a));
		t = c->a[0];
		c->a[0] = c->a[1];
		c->a[1] = t;
		r->ref = l->confs.n - 1;
		break;
	}
	case MUT_LIVE_DELAY:
		r->time = a->live[r->msg].due + l->windows.v[a->live[r->msg].win].bound;
		break;
	case MUT_TOTEM_UNSORTED: {
		struct ring_info *ri = vec_add(&l->rings);
		uint32_t t;

		*ri = l->rings.v[r->ref];
		t = ri->nodes[0];
		ri->nodes[0] = ri->nodes[1];
		ri->nodes[1] = t;
		r->ref = l->rings.n - 1;
		break;
	}
	}
}

int mutate_log(struct record_log *l, int mut, struct rng *rng)
{
	struct analysis a;
	spots_t sp = { 0 };
	int done = 0;

	analysis_build(&a, l);
	switch (mut) {
	case MUT_AGREED_SWAP: find_swaps(&a, &sp, 0); break;
	case MUT_FIFO_SWAP: find_swaps(&a, &sp, 1); break;
	case MUT_SAFE_EARLY: find_safe_early(&a, &sp); break;
	case MUT_DUP: find_dup(&a, &sp); break;
	case MUT_SELF_DROP: find_self_drop(&a, &sp); break;
	case MUT_VS_DROP: find_vs_drop(&a, &sp); break;
	case MUT_VIEW_STRAY: find_view_stray(&a, &sp); break;
	case MUT_CONF_UNSORTED: find_conf_unsorted(&a, &sp); break;
	case MUT_CONF_DROP: find_conf_drop(&a, &sp); break;
	case MUT_LIVE_DELAY: find_live_delay(&a, &sp); break;
	case MUT_LIVE_STARVE: find_live_starve(&a, &sp); break;
	case MUT_TOTEM_UNSORTED: find_totem_unsorted(&a, &sp); break;
	default: break;
	}
	/* The log is changed in place; the analysis only read before. */
	if (sp.n && mut == MUT_LIVE_STARVE) {
		apply_starve(&a, l, &sp.v[rng_below(rng, sp.n)]);
		done = 1;
	} else if (sp.n) {
		apply(&a, l, mut, &sp.v[rng_below(rng, sp.n)]);
		done = 1;
	}
	analysis_free(&a);
	vec_free(&sp);
	return done;
}
