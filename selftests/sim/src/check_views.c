// SPDX-License-Identifier: GPL-2.0 OR BSD-3-Clause
/*
 * The analysis every check starts from: for each record, the view it falls
 * in, whether the process was a member, and for each confchg a cluster-wide
 * identity (see struct rec_aux in check.h for why it is built this way).
 */
#include <stdio.h>
#include <stdlib.h>
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

/* A confchg of a membership change: someone left with NODEDOWN or joined
 * with NODEUP.
 */
int conf_node_event(const struct conf_info *c)
{
	uint32_t i;

	for (i = c->n_members; i < c->n_members + c->n_left + c->n_joined; i++)
		if (c->a[i].reason == KP_REASON_NODEDOWN ||
		    c->a[i].reason == KP_REASON_NODEUP)
			return 1;
	return 0;
}

/*
 * The span of calls of @inc with allocation failures that @call is in, or
 * NULL.
 */
static const struct nomem_span *nomem_span_of(const struct inc_log *il,
					      uint64_t call)
{
	uint32_t i;

	for (i = 0; i < il->nomem.n; i++) {
		if (il->nomem.v[i].first > call)
			break;
		if (il->nomem.v[i].last >= call)
			return &il->nomem.v[i];
	}
	return NULL;
}

static const struct ring_obs *ring_change_of(const struct record_log *l,
					     uint32_t inc, uint64_t call,
					     uint32_t spos)
{
	const struct inc_log *il = &l->inclogs.v[inc];
	const struct nomem_span *sp = nomem_span_of(il, call);
	uint64_t last = call;
	uint32_t i;

	/* A move to a new ring that an allocation failure cut short is
	 * finished by a later call, each one before it failing again: the
	 * old ring's messages delivered on the way belong to the move.
	 */
	if (sp)
		last = sp->next != NEVER ? sp->next : sp->last;
	for (i = 1; i < il->rings.n; i++) {
		const struct ring_obs *ro = &il->rings.v[i];

		if (ro->call > last)
			break;
		if ((ro->call == call && ro->spos > spos) || ro->call > call)
			return ro;
	}
	return NULL;
}

uint32_t ring_change_in_call(const struct record_log *l, uint32_t inc,
			     uint64_t call, uint32_t spos)
{
	const struct ring_obs *ro = ring_change_of(l, inc, call, spos);

	return ro ? ro->ring : NO_IDX;
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

/*
 * Evidence about the transitional configuration of the ring change that
 * follows stream position @spos at incarnation @inc (a delivery made in the
 * call that moves the node from ring @from to ring @to).  The API does not
 * say which nodes came along; the node's processes' confchgs do: a node that
 * had a process in one of their views, and whose processes did not leave
 * with NODEDOWN in the change, came along (*in); one whose processes left
 * with NODEDOWN, or that is not in @to, or that reached @to from elsewhere,
 * did not (*out).  Nodes without such evidence are in neither mask.
 */
void transitional_evidence(const struct analysis *a, uint32_t inc, uint32_t spos,
			   uint32_t from, uint32_t to, uint64_t t,
			   uint64_t *in, uint64_t *out)
{
	const struct record_log *l = a->l;
	const struct ring_info *rf = &l->rings.v[from], *rt = &l->rings.v[to];
	uint32_t self = l->incs.v[inc].nodeid, p, i, k;
	uint64_t down = 0, seen = 0;

	*in = 0;
	*out = 0;
	for (k = 0; k < rf->n; k++) {
		uint32_t y = rf->nodes[k];

		if (y < 64 && (!ring_has(rt, y) || !in_transitional(l, y, from, to, t)))
			*out |= 1ULL << y;
	}
	for (p = 0; p < l->procs.n; p++) {
		const struct proc_info *pi = &l->procs.v[p];
		uint32_t view = NO_IDX;

		if (pi->inc != inc)
			continue;
		/* Its view just before the change, then the change's NODEDOWNs. */
		for (i = 0; i < pi->recs.n && pi->recs.v[i].spos < spos; i++)
			if (pi->recs.v[i].kind == REC_CONFCHG)
				view = i;
		if (view == NO_IDX || !a->aux[p][view].member)
			continue;
		{
			const struct conf_info *c = rec_conf(l, &pi->recs.v[view]);

			for (k = 0; k < c->n_members; k++)
				if (c->a[k].nodeid < 64)
					seen |= 1ULL << c->a[k].nodeid;
		}
		for (; i < pi->recs.n; i++) {
			const struct rec *r = &pi->recs.v[i];
			const struct conf_info *c;

			if (r->kind == REC_TOTEM || r->kind == REC_DELIVER)
				break;
			if (r->kind != REC_CONFCHG)
				continue;
			c = rec_conf(l, r);
			if (!conf_node_event(c))
				break;
			for (k = c->n_members; k < c->n_members + c->n_left; k++)
				if (c->a[k].reason == KP_REASON_NODEDOWN &&
				    c->a[k].nodeid < 64)
					down |= 1ULL << c->a[k].nodeid;
		}
	}
	*out |= down;
	*in = (seen & ~*out) | (self < 64 ? 1ULL << self : 0);
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
	uint64_t h = mix64(n + 1);
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


/* A key made unique per occurrence: the n-th time this process uses @key. */
static uint64_t counted(struct hmap *seen, uint64_t key)
{
	uint64_t *cnt = hmap_put(seen, nonzero(key), 0, NULL);

	return nonzero(hcombine(key, (*cnt)++));
}

static uint64_t ring_key(const struct record_log *l, uint32_t ring)
{
	return key2(l->rings.v[ring].rep, l->rings.v[ring].seq);
}

/*
 * See check.h: the configuration rec @i of process @p was delivered in.
 * *@ring: the ring whose order it belongs to (the old ring for a delivery
 * in a transitional configuration, the new one for a NODEUP confchg).
 */
static uint64_t config_tag(const struct analysis *a, uint32_t p, uint32_t i,
			   uint64_t *ring)
{
	const struct record_log *l = a->l;
	const struct proc_info *pi = &l->procs.v[p];
	const struct rec *r = &pi->recs.v[i];
	const struct ring_obs *move = ring_change_of(l, pi->inc, r->call, r->spos);
	uint32_t nxt = move ? move->ring : NO_IDX, k;
	uint64_t end = move ? move->call : r->call;	/* the move's last call */
	uint64_t sig = 0;

	*ring = ring_key(l, r->ring);
	/* A NODEUP confchg opens the new regular configuration: the ring of
	 * the totem confchg that follows it.
	 */
	if (r->kind == REC_CONFCHG && conf_node_event(rec_conf(l, r))) {
		const struct conf_info *ci = rec_conf(l, r);

		for (k = ci->n_members; k < ci->n_members + ci->n_left; k++)
			if (ci->a[k].reason == KP_REASON_NODEDOWN)
				break;
		if (k == ci->n_members + ci->n_left) {
			for (k = i + 1; k < pi->recs.n && pi->recs.v[k].call <= end; k++)
				if (pi->recs.v[k].kind == REC_TOTEM) {
					*ring = ring_key(l, pi->recs.v[k].ref);
					return *ring;
				}
			if (nxt != NO_IDX) {
				*ring = ring_key(l, nxt);
				return *ring;
			}
		}
	}
	if (nxt == NO_IDX)
		return ring_key(l, r->ring);
	for (k = i + 1; k < pi->recs.n && pi->recs.v[k].call <= end; k++) {
		const struct rec *c = &pi->recs.v[k];
		const struct conf_info *ci;
		uint32_t j;

		if (c->kind != REC_CONFCHG)
			continue;
		ci = rec_conf(l, c);
		for (j = ci->n_members; j < ci->n_members + ci->n_left; j++)
			if (ci->a[j].reason == KP_REASON_NODEDOWN)
				break;
		if (j < ci->n_members + ci->n_left) {
			sig = content_hash(ci);
			break;
		}
	}
	return key2(key2(ring_key(l, r->ring), ring_key(l, nxt)), sig);
}

void analysis_build(struct analysis *a, const struct record_log *l)
{
	/* SIM_DEBUG_VIEWS=1 prints every confchg's identity and ring. */
	int debug = getenv("SIM_DEBUG_VIEWS") != NULL;
	uint32_t p;

	a->l = l;
	a->aux = xcalloc(l->procs.n, sizeof(*a->aux));
	a->self_rec = xmalloc((l->msgs.n + 1) * sizeof(uint32_t));
	memset(a->self_rec, 0xff, (l->msgs.n + 1) * sizeof(uint32_t));
	for (p = 0; p < l->procs.n; p++)
		a->aux[p] = xcalloc(l->procs.v[p].recs.n, sizeof(struct rec_aux));
	for (p = 0; p < l->procs.n; p++) {
		const struct proc_info *pi = &l->procs.v[p];
		struct hmap seen;
		uint32_t i, view = NO_IDX;
		uint64_t cring = 0;
		int member = 0;

		hmap_init(&seen);
		for (i = 0; i < pi->recs.n; i++) {
			const struct rec *r = &pi->recs.v[i];
			struct rec_aux *x = &a->aux[p][i];

			if (r->kind == REC_DELIVER || r->kind == REC_CONFCHG)
				x->ctag = config_tag(a, p, i, &cring);
			if (r->kind == REC_CONFCHG) {
				const struct conf_info *c = rec_conf(l, r);
				const struct ring_info *ring = &l->rings.v[r->ring];
				uint64_t content = content_hash(c);

				x->ring = r->ring;
				x->vkey = nonzero(hcombine(c->group, list_hash(c->a, c->n_members, 0)));
				x->evid = counted(&seen, key2(content, x->ctag));
				x->chash = nonzero(key2(content, x->ctag));
				/* From the view before (if it was a member of it). */
				if (view != NO_IDX && a->aux[p][view].member &&
				    pi->recs.v[view].group == r->group) {
					uint64_t vk = a->aux[p][view].vkey;

					/* Counted within the configuration: a
					 * member may have made the same transition
					 * in a configuration the other was not in
					 * (its node paused, and it left by its own
					 * leave while the others saw NODEDOWN), and
					 * counting that would pair different
					 * transitions.
					 */
					x->tkey = counted(&seen,
							  hcombine(key2(vk, content ^ 0x7c),
								   x->ctag));
					/* Agreement only where the view opened in the
					 * configuration it closes in (the key holds
					 * it), the departures from it counted over
					 * the ring, its regular and transitional
					 * configurations, wherever the view opened:
					 * members leaving a view together delivered
					 * the ring's confchgs before in one order,
					 * but a node that got some late, in
					 * recovery, has them in the transitional
					 * configuration where the other has them in
					 * the regular one (BUGS.md, seeds 5000031
					 * and 6001606).  Not over rings: members
					 * that share the view may have been in a
					 * view of the same members a different
					 * number of times in other rings (one saw
					 * its partition shrink to it, the other did
					 * not).
					 */
					uint64_t ak = counted(&seen,
							      hcombine(key2(vk, 0xa9),
								       cring));

					if (a->aux[p][view].ctag == x->ctag)
						x->akey = nonzero(hcombine(ak, x->ctag));
				}
				if (debug)
					fprintf(stderr, "view: pid %u rec %u t %llu g%u ring %u.%llu evid %016llx tkey %016llx ctag %016llx akey %016llx\n",
						pi->pid, i, (unsigned long long)r->time,
						r->group, ring->rep,
						(unsigned long long)ring->seq,
						(unsigned long long)x->evid,
						(unsigned long long)x->tkey,
						(unsigned long long)x->ctag,
						(unsigned long long)x->akey);
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
			if (r->kind == REC_DELIVER && x->valid &&
			    l->msgs.v[r->msg].proc == p && a->self_rec[r->msg] == NO_IDX)
				a->self_rec[r->msg] = i;
		}
		hmap_free(&seen);
	}
	live_prepare(a);
}

void analysis_free(struct analysis *a)
{
	uint32_t p;

	for (p = 0; p < a->l->procs.n; p++)
		free(a->aux[p]);
	free(a->aux);
	free(a->self_rec);
	free(a->live);
	a->aux = NULL;
}
