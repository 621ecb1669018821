// SPDX-License-Identifier: GPL-2.0 OR BSD-3-Clause
/*
 * Membership invariants.
 *
 * confchg-consistency: each process's confchgs of a group form a consistent
 * chain (member lists sorted, reason 0; the joiner sees itself joined; each
 * list = previous - left + joined, with sensible reasons; nothing after its
 * own leave), and members that shared a view and next hear of the group in
 * the same ring hear the same next confchg.
 *
 * totem-confchg: ring ids strictly increase at each node, node lists are
 * sorted and contain the node and the representative, one ring id never
 * names two different node sets, and a handle that asked for the initial
 * totem confchg gets it with its first confchg.
 */
#include <stdio.h>
#include <string.h>
#include "check.h"

static int addr_less(const struct s_addr *a, const struct s_addr *b)
{
	return a->nodeid < b->nodeid || (a->nodeid == b->nodeid && a->pid < b->pid);
}

static void chain(const struct analysis *a, uint32_t p, struct check_result *res)
{
	const struct record_log *l = a->l;
	const struct proc_info *pi = &l->procs.v[p];
	const struct conf_info *prev = NULL;
	uint32_t i, j;

	for (i = 0; i < pi->recs.n; i++) {
		const struct rec *r = &pi->recs.v[i];
		const struct conf_info *c;
		const struct s_addr *mem, *left, *joined;
		uint32_t reason;

		if (r->kind != REC_CONFCHG)
			continue;
		c = rec_conf(l, r);
		mem = c->a;
		left = c->a + c->n_members;
		joined = left + c->n_left;
		for (j = 0; j < c->n_members; j++) {
			if ((j && !addr_less(&mem[j - 1], &mem[j])) || mem[j].reason) {
				violation(res, INV_CONFCHG,
					  "pid %u: member list of g%u not sorted or reason set at entry %u (%u/%u)",
					  pi->pid, r->group, j, mem[j].nodeid, mem[j].pid);
				break;
			}
		}
		for (j = 0; j < c->n_left; j++)
			if (left[j].reason != KP_REASON_LEAVE &&
			    left[j].reason != KP_REASON_NODEDOWN &&
			    left[j].reason != KP_REASON_PROCDOWN)
				violation(res, INV_CONFCHG, "pid %u: %u/%u left g%u with reason %u",
					  pi->pid, left[j].nodeid, left[j].pid, r->group,
					  left[j].reason);
		for (j = 0; j < c->n_joined; j++)
			if (joined[j].reason != KP_REASON_JOIN &&
			    joined[j].reason != KP_REASON_NODEUP)
				violation(res, INV_CONFCHG, "pid %u: %u/%u joined g%u with reason %u",
					  pi->pid, joined[j].nodeid, joined[j].pid,
					  r->group, joined[j].reason);

		if (!prev) {
			/* Its first confchg in a membership: its own join. */
			if (!conf_has(c, pi->nodeid, pi->pid, 2, &reason) ||
			    reason != KP_REASON_JOIN ||
			    !conf_has(c, pi->nodeid, pi->pid, 0, NULL))
				violation(res, INV_CONFCHG,
					  "pid %u: first confchg of g%u at %llu ns is not its own join",
					  pi->pid, r->group, (unsigned long long)r->time);
		} else if (prev->group != c->group) {
			violation(res, INV_CONFCHG,
				  "pid %u: confchg of g%u while a member of g%u",
				  pi->pid, c->group, prev->group);
		} else {
			/* members == prev - left + joined, as sets */
			uint32_t expect = prev->n_members, k;
			int bad = 0;

			for (k = 0; k < c->n_left; k++) {
				if (!conf_has(prev, left[k].nodeid, left[k].pid, 0, NULL))
					bad = 1;
				expect--;
			}
			for (k = 0; k < c->n_joined; k++) {
				if (conf_has(prev, joined[k].nodeid, joined[k].pid, 0, NULL))
					bad = 1;
				expect++;
			}
			for (k = 0; k < c->n_members && !bad; k++) {
				int in_prev = conf_has(prev, mem[k].nodeid, mem[k].pid, 0, NULL);
				int in_j = conf_has(c, mem[k].nodeid, mem[k].pid, 2, NULL);
				int in_l = conf_has(c, mem[k].nodeid, mem[k].pid, 1, NULL);

				if (in_l || (!in_prev && !in_j))
					bad = 1;
			}
			if (bad || expect != c->n_members)
				violation(res, INV_CONFCHG,
					  "pid %u: confchg of g%u at %llu ns: %u members, but previous %u - left %u + joined %u disagree",
					  pi->pid, c->group, (unsigned long long)r->time,
					  c->n_members, prev->n_members, c->n_left,
					  c->n_joined);
		}
		if (conf_has(c, pi->nodeid, pi->pid, 1, NULL))
			prev = NULL;	/* its own leave: the chain ends */
		else if (!conf_has(c, pi->nodeid, pi->pid, 0, NULL)) {
			violation(res, INV_CONFCHG,
				  "pid %u got a confchg of g%u that does not list it",
				  pi->pid, c->group);
			prev = NULL;
		} else {
			prev = c;
		}
	}
}

/* Members sharing a view and next hearing of the group in one ring agree. */
static void agreement(const struct analysis *a, struct check_result *res)
{
	const struct record_log *l = a->l;
	struct hmap next, who;
	uint32_t p, i;

	hmap_init(&next);
	hmap_init(&who);
	for (p = 0; p < l->procs.n; p++) {
		const struct proc_info *pi = &l->procs.v[p];
		uint32_t k = NO_IDX;

		for (i = 0; i < pi->recs.n; i++) {
			const struct rec *r = &pi->recs.v[i];

			if (r->kind != REC_CONFCHG)
				continue;
			/* Only within one configuration: in different
			 * transitional ones, members see different NODEDOWNs
			 * and a partition may have lost events.
			 */
			if (k != NO_IDX && a->aux[p][k].member &&
			    pi->recs.v[k].group == r->group && a->aux[p][i].akey) {
				const struct ring_info *ri = &l->rings.v[r->ring];
				uint64_t key = a->aux[p][i].akey;
				int fresh;
				uint64_t *v = hmap_put(&next, key, a->aux[p][i].chash, &fresh);

				if (fresh)
					*hmap_put(&who, key, 0, NULL) = p;
				else if (*v != a->aux[p][i].chash)
					violation(res, INV_CONFCHG,
						  "pids %u and %u shared a view of g%u, then got different confchgs in ring %u.%llu (pid %u's at %llu ns)",
						  l->procs.v[*hmap_get(&who, key)].pid,
						  pi->pid, r->group, ri->rep,
						  (unsigned long long)ri->seq, pi->pid,
						  (unsigned long long)r->time);
			}
			k = i;
		}
	}
	hmap_free(&next);
	hmap_free(&who);
}

/*
 * No ghosts, nothing lost in a merge: every member of a group that gets the
 * totem confchg installing a ring has, at that point, the same view of the
 * group as every other.  (Not the totem confchg a handle asked for with its
 * join: that one comes with its own join confchg.)
 */
static void install_views(const struct analysis *a, struct check_result *res)
{
	const struct record_log *l = a->l;
	struct hmap views, who;
	uint32_t p, i;

	hmap_init(&views);
	hmap_init(&who);
	for (p = 0; p < l->procs.n; p++) {
		const struct proc_info *pi = &l->procs.v[p];
		uint32_t view = NO_IDX;

		for (i = 0; i < pi->recs.n; i++) {
			const struct rec *r = &pi->recs.v[i];
			const struct ring_info *ri;
			const struct conf_info *c;
			uint64_t key, h;
			uint32_t k;
			int fresh;

			if (r->kind == REC_CONFCHG)
				view = i;
			if (r->kind != REC_TOTEM || view == NO_IDX ||
			    !a->aux[p][view].member)
				continue;
			if (view == i - 1 && pi->recs.v[view].call == r->call &&
			    conf_has(rec_conf(l, &pi->recs.v[view]), pi->nodeid,
				     pi->pid, 2, NULL))
				continue;	/* its initial totem confchg */
			ri = &l->rings.v[r->ref];
			c = rec_conf(l, &pi->recs.v[view]);
			key = key2(key2(ri->rep, ri->seq), c->group);
			h = c->n_members;
			for (k = 0; k < c->n_members; k++)
				h = hcombine(h, (uint64_t)c->a[k].nodeid << 32 | c->a[k].pid);
			h = nonzero(h);
			{
				uint64_t *v = hmap_put(&views, key, h, &fresh);

				if (fresh) {
					*hmap_put(&who, key, 0, NULL) = p;
				} else if (*v != h) {
					violation(res, INV_CONFCHG,
						  "pids %u and %u entered ring %u.%llu with different views of g%u (%u members at pid %u)",
						  l->procs.v[*hmap_get(&who, key)].pid,
						  pi->pid, ri->rep,
						  (unsigned long long)ri->seq, c->group,
						  c->n_members, pi->pid);
				}
			}
		}
	}
	hmap_free(&views);
	hmap_free(&who);
}

static void ring_sane(const struct record_log *l, uint32_t ring, uint32_t nodeid,
		      const char *who, struct check_result *res)
{
	const struct ring_info *r = &l->rings.v[ring];
	uint32_t j;

	for (j = 1; j < r->n; j++)
		if (r->nodes[j - 1] >= r->nodes[j]) {
			violation(res, INV_TOTEM, "%s: ring %u.%llu node list not sorted",
				  who, r->rep, (unsigned long long)r->seq);
			return;
		}
	if (!ring_has(r, nodeid) || !ring_has(r, r->rep))
		violation(res, INV_TOTEM,
			  "%s: ring %u.%llu lacks node %u or its representative",
			  who, r->rep, (unsigned long long)r->seq, nodeid);
}

static int same_set(const struct ring_info *a, const struct ring_info *b)
{
	uint32_t i;

	if (a->n != b->n)
		return 0;
	for (i = 0; i < a->n; i++)
		if (!ring_has(b, a->nodes[i]))
			return 0;
	return 1;
}

static void totem(const struct analysis *a, struct check_result *res)
{
	const struct record_log *l = a->l;
	struct hmap ids;	/* ring id -> ring index + 1 */
	uint32_t inc, p, i;
	char who[48];

	hmap_init(&ids);
	for (i = 0; i < l->rings.n; i++) {
		const struct ring_info *r = &l->rings.v[i];
		uint64_t key = key2(r->rep, r->seq);
		int fresh;
		uint64_t *v = hmap_put(&ids, key, i + 1, &fresh);

		if (!fresh && !same_set(&l->rings.v[*v - 1], r))
			violation(res, INV_TOTEM,
				  "ring id %u.%llu names two node sets (%u and %u nodes)",
				  r->rep, (unsigned long long)r->seq,
				  l->rings.v[*v - 1].n, r->n);
	}
	hmap_free(&ids);

	for (inc = 0; inc < l->inclogs.n; inc++) {
		const struct inc_log *il = &l->inclogs.v[inc];
		uint32_t nodeid = l->incs.v[inc].nodeid;

		snprintf(who, sizeof(who), "node %u (incarnation %u)", nodeid, inc);
		for (i = 0; i < il->rings.n; i++) {
			const struct ring_info *cur = &l->rings.v[il->rings.v[i].ring];
			const struct ring_info *prev;

			ring_sane(l, il->rings.v[i].ring, nodeid, who, res);
			if (!i)
				continue;
			prev = &l->rings.v[il->rings.v[i - 1].ring];
			if (cur->rep == prev->rep && cur->seq == prev->seq)
				continue;	/* same id: the global check compares sets */
			if (cur->seq <= prev->seq)
				violation(res, INV_TOTEM,
					  "%s: ring went from %u.%llu to %u.%llu",
					  who, prev->rep, (unsigned long long)prev->seq,
					  cur->rep, (unsigned long long)cur->seq);
		}
	}

	for (p = 0; p < l->procs.n; p++) {
		const struct proc_info *pi = &l->procs.v[p];
		uint64_t first_conf_call = 0, last_seq = 0;
		int have_conf = 0, initial_ok = 0, any = 0;

		snprintf(who, sizeof(who), "pid %u", pi->pid);
		for (i = 0; i < pi->recs.n && !have_conf; i++) {
			if (pi->recs.v[i].kind == REC_CONFCHG) {
				have_conf = 1;
				first_conf_call = pi->recs.v[i].call;
			}
		}
		for (i = 0; i < pi->recs.n; i++) {
			const struct rec *r = &pi->recs.v[i];

			if (r->kind != REC_TOTEM)
				continue;
			ring_sane(l, r->ref, pi->nodeid, who, res);
			if (any && l->rings.v[r->ref].seq <= last_seq)
				violation(res, INV_TOTEM, "%s: totem confchg ring seq %llu after %llu",
					  who, (unsigned long long)l->rings.v[r->ref].seq,
					  (unsigned long long)last_seq);
			last_seq = l->rings.v[r->ref].seq;
			any = 1;
			if (have_conf && r->call == first_conf_call)
				initial_ok = 1;
		}
		if (pi->want_totem && have_conf && !initial_ok)
			violation(res, INV_TOTEM,
				  "%s asked for the initial totem confchg and did not get it with its first confchg",
				  who);
	}
}

void check_membership(const struct analysis *a, struct check_result *res)
{
	uint32_t p;

	for (p = 0; p < a->l->procs.n; p++)
		chain(a, p, res);
	agreement(a, res);
	install_views(a, res);
	totem(a, res);
}
