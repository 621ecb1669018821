// SPDX-License-Identifier: GPL-2.0 OR BSD-3-Clause
/*
 * The analysis every check starts from: for each record, the view it falls
 * in, whether the process was a member, and for each confchg a cluster-wide
 * identity (see struct rec_aux in check.h for why it is built this way).
 */
#include <string.h>
#include "check.h"
#include "payload.h"

int conf_has(const struct conf_info *c, uint32_t nodeid, uint32_t pid,
	     int list, uint32_t *reason)
{
	uint32_t off = list == 0 ? 0 : list == 1 ? c->n_members :
		       c->n_members + c->n_left;
	uint32_t n = list == 0 ? c->n_members : list == 1 ? c->n_left : c->n_joined;
	uint32_t i;

	for (i = 0; i < n; i++) {
		if (c->a[off + i].nodeid == nodeid && c->a[off + i].pid == pid) {
			if (reason)
				*reason = c->a[off + i].reason;
			return 1;
		}
	}
	return 0;
}

uint32_t ring_change_in_call(const struct record_log *l, uint32_t inc,
			     uint64_t call, uint32_t spos)
{
	const struct inc_log *il = &l->inclogs.v[inc];
	uint32_t i;

	for (i = 1; i < il->rings.n; i++) {
		const struct ring_obs *ro = &il->rings.v[i];

		if (ro->call == call && ro->spos > spos)
			return ro->ring;
		if (ro->call > call)
			break;
	}
	return NO_IDX;
}

static int same_id(const struct record_log *l, uint32_t a, uint32_t b)
{
	return l->rings.v[a].rep == l->rings.v[b].rep &&
	       l->rings.v[a].seq == l->rings.v[b].seq;
}

int in_transitional(const struct record_log *l, uint32_t nodeid, uint32_t from,
		    uint32_t to, uint64_t t)
{
	uint32_t inc = NO_IDX, i;
	const struct inc_log *il;

	for (i = 0; i < l->incs.n; i++)
		if (l->incs.v[i].nodeid == nodeid && l->incs.v[i].born <= t)
			inc = i;
	if (inc == NO_IDX)
		return 0;
	il = &l->inclogs.v[inc];
	for (i = 0; i < il->rings.n; i++)
		if (same_id(l, il->rings.v[i].ring, to))
			return i > 0 && same_id(l, il->rings.v[i - 1].ring, from);
	/* It never got there: in it if it was still in the old ring at t. */
	for (i = il->rings.n; i-- > 0;)
		if (il->rings.v[i].time <= t)
			return same_id(l, il->rings.v[i].ring, from);
	return 0;
}

static int addr_cmp(const void *a, const void *b)
{
	const struct s_addr *x = a, *y = b;

	if (x->nodeid != y->nodeid)
		return x->nodeid < y->nodeid ? -1 : 1;
	if (x->pid != y->pid)
		return x->pid < y->pid ? -1 : 1;
	return x->reason < y->reason ? -1 : x->reason > y->reason;
}

/* Order-independent: the same event lists its entries in any order. */
static uint64_t list_hash(const struct s_addr *a, uint32_t n, int with_reason)
{
	struct s_addr tmp[256], *t = n <= 256 ? tmp : xmalloc(n * sizeof(*t));
	uint64_t h = n;
	uint32_t i;

	memcpy(t, a, n * sizeof(*t));
	qsort(t, n, sizeof(*t), addr_cmp);
	for (i = 0; i < n; i++)
		h = hcombine(h, (uint64_t)t[i].nodeid << 32 | t[i].pid) ^
		    (with_reason ? t[i].reason : 0);
	if (t != tmp)
		free(t);
	return h;
}

/*
 * What every receiver of one confchg agrees on: the group, the members
 * after it and who left (with the reason).  Not the joined list: when two
 * partitions merge, each side sees the other side's processes join (NODEUP),
 * so the joined lists differ while the event is the same.
 */
static uint64_t content_hash(const struct conf_info *c)
{
	uint64_t h = hcombine(0xc0f, c->group);

	h = hcombine(h, list_hash(c->a, c->n_members, 0));
	h = hcombine(h, list_hash(c->a + c->n_members, c->n_left, 1));
	return h;
}

/*
 * Which ring each confchg belongs to: walk each incarnation's stream
 * backwards; a ring change seen later in the same call, with no delivery in
 * between, claims the confchgs before it.
 */
static void attribute_rings(struct analysis *a)
{
	const struct record_log *l = a->l;
	uint32_t inc;

	for (inc = 0; inc < l->inclogs.n; inc++) {
		const struct inc_log *il = &l->inclogs.v[inc];
		uint32_t ri = il->rings.n, pending = NO_IDX, k;
		uint64_t pcall = 0;

		for (k = il->stream.n; k >= 1; k--) {
			const struct stream_ent *se = &il->stream.v[k - 1];
			const struct rec *r = &l->procs.v[se->proc].recs.v[se->idx];
			struct rec_aux *x = &a->aux[se->proc][se->idx];

			/* Changes between entry k-1 and entry k; the earliest
			 * of several is the one right after entry k-1.
			 */
			while (ri > 1 && il->rings.v[ri - 1].spos >= k) {
				pending = il->rings.v[ri - 1].ring;
				pcall = il->rings.v[ri - 1].call;
				ri--;
			}
			if (pending != NO_IDX && r->call != pcall)
				pending = NO_IDX;
			if (r->kind == REC_DELIVER)
				pending = NO_IDX;
			if (r->kind == REC_CONFCHG)
				x->ring = pending != NO_IDX ? pending : r->ring;
		}
	}
}

void analysis_build(struct analysis *a, const struct record_log *l)
{
	uint32_t p;

	a->l = l;
	a->aux = xcalloc(l->procs.n, sizeof(*a->aux));
	for (p = 0; p < l->procs.n; p++)
		a->aux[p] = xcalloc(l->procs.v[p].recs.n, sizeof(struct rec_aux));
	attribute_rings(a);

	for (p = 0; p < l->procs.n; p++) {
		const struct proc_info *pi = &l->procs.v[p];
		struct hmap seen;
		uint32_t i, view = NO_IDX;
		int member = 0;

		hmap_init(&seen);
		for (i = 0; i < pi->recs.n; i++) {
			const struct rec *r = &pi->recs.v[i];
			struct rec_aux *x = &a->aux[p][i];

			if (r->kind == REC_CONFCHG) {
				const struct conf_info *c = rec_conf(l, r);
				const struct ring_info *ring = &l->rings.v[x->ring];
				uint64_t key = hcombine(hcombine(content_hash(c), ring->rep),
							ring->seq);
				uint64_t *cnt = hmap_put(&seen, nonzero(key), 0, NULL);

				x->evid = nonzero(hcombine(key, (*cnt)++));
				view = i;
				if (conf_has(c, pi->nodeid, pi->pid, 2, NULL))
					member = 1;
				if (conf_has(c, pi->nodeid, pi->pid, 1, NULL))
					member = 0;
			}
			x->view = view;
			x->member = (uint8_t)member;
			/* A corrupted body still names its message (integrity
			 * reports it); only a message of unknown identity is left
			 * out of the order and set checks.
			 */
			if (r->kind == REC_DELIVER)
				x->valid = r->msg != NO_IDX &&
					   (r->verdict == PAYLOAD_OK ||
					    r->verdict == PAYLOAD_BAD_CHECKSUM ||
					    r->verdict == PAYLOAD_BAD_BODY);
		}
		hmap_free(&seen);
	}
}

void analysis_free(struct analysis *a)
{
	uint32_t p;

	for (p = 0; p < a->l->procs.n; p++)
		free(a->aux[p]);
	free(a->aux);
	a->aux = NULL;
}
