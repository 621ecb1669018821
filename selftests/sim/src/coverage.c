// SPDX-License-Identifier: GPL-2.0 OR BSD-3-Clause
#include <string.h>
#include "coverage.h"
#include "check.h"

static const char *const names[COV_NR] = {
	[COV_MSGS] = "messages",
	[COV_DELIVERIES] = "deliveries",
	[COV_RING_CHANGES] = "ring-changes",
	[COV_MERGES] = "merges",
	[COV_RECOVERED] = "old-ring-recoveries",
	[COV_SAFE_TRANS] = "safe-transitional",
	[COV_FRAG_STRADDLE] = "frag-straddle",
	[COV_ONE_N_ONE] = "one-n-one",
	[COV_VIEW_CHANGES] = "view-changes",
	[COV_INFLIGHT] = "inflight-changes",
	[COV_EXPELS] = "expels",
	[COV_PACKED] = "packed-datagrams",
	[COV_ACCEL] = "accel-tokens",
	[COV_MTU_SPLIT] = "mtu-splits",
	[COV_FULL_MERGE] = "full-ring-merges",
};

const char *cov_name(int c)
{
	return c >= 0 && c < COV_NR ? names[c] : "?";
}

int cov_lookup(const char *name)
{
	int i;

	for (i = 0; i < COV_NR; i++)
		if (!strcmp(names[i], name))
			return i;
	return -1;
}

static uint64_t ring_key(const struct ring_info *r)
{
	return key2(r->rep, r->seq);
}

static uint32_t lowest(const struct ring_info *r)
{
	uint32_t k, lo = UINT32_MAX;

	for (k = 0; k < r->n; k++)
		if (r->nodes[k] < lo)
			lo = r->nodes[k];
	return lo;
}

/*
 * Rings installed, merges and 1 -> N -> 1 walks, from each node's history;
 * and full rings (as many members as a commit token carries) that merged
 * with a lower node: a full ring sends no merge probes and ignores those
 * of higher nodes, so only a lower node's probe or join moves it
 * (kp_memb_full_above()).
 */
static void rings(const struct record_log *l, struct coverage *cv)
{
	struct hmap first_prev, merged, full;
	uint32_t inc, i, cap = memb_cap(l);

	hmap_init(&first_prev);
	hmap_init(&merged);
	hmap_init(&full);
	for (inc = 0; inc < l->inclogs.n; inc++) {
		const struct inc_log *il = &l->inclogs.v[inc];
		int stage = 0;	/* 1: was alone, 2: then in a bigger ring */

		for (i = 0; i < il->rings.n; i++) {
			const struct ring_info *r = &l->rings.v[il->rings.v[i].ring];

			if (r->n == 1) {
				if (stage == 2)
					cv->c[COV_ONE_N_ONE]++;
				stage = 1;
			} else if (stage == 1) {
				stage = 2;
			}
			if (i) {
				const struct ring_info *pr = &l->rings.v[il->rings.v[i - 1].ring];
				int fresh;
				uint64_t *v = hmap_put(&first_prev, ring_key(r),
						       ring_key(pr), &fresh);

				if (fresh)
					cv->c[COV_RING_CHANGES]++;
				else if (*v != ring_key(pr)) {
					hmap_put(&merged, ring_key(r), 0, &fresh);
					if (fresh)
						cv->c[COV_MERGES]++;
				}
				if (pr->n >= cap && lowest(r) < lowest(pr)) {
					hmap_put(&full, ring_key(pr), 0, &fresh);
					if (fresh)
						cv->c[COV_FULL_MERGE]++;
				}
			}
		}
	}
	hmap_free(&first_prev);
	hmap_free(&merged);
	hmap_free(&full);
}

static int node_had(const struct record_log *l, const struct msg_info *m,
		    uint32_t nodeid, uint64_t t)
{
	uint32_t i;

	for (i = 0; i < m->rx.n; i++)
		if (l->incs.v[m->rx.v[i].inc].nodeid == nodeid &&
		    m->rx.v[i].head <= t && m->rx.v[i].tail <= t)
			return 1;
	return 0;
}

struct span {
	uint64_t from, to;
};

static int span_cmp(const void *a, const void *b)
{
	const struct span *x = a, *y = b;

	return x->from < y->from ? -1 : x->from > y->from;
}

/* Is some message in flight at @t (sent before, last delivered at or after)? */
static int in_flight(const struct span *s, const uint64_t *maxto, uint32_t n,
		     uint64_t t)
{
	uint32_t lo = 0, hi = n;

	while (lo < hi) {
		uint32_t mid = (lo + hi) / 2;

		if (s[mid].from < t)
			lo = mid + 1;
		else
			hi = mid;
	}
	return lo && maxto[lo - 1] >= t;
}

void coverage_compute(const struct record_log *l, struct coverage *cv)
{
	struct analysis a;
	struct span *sp = xcalloc(l->msgs.n + 1, sizeof(*sp));
	uint64_t *maxto = xcalloc(l->msgs.n + 1, sizeof(uint64_t));
	uint8_t *straddle = xcalloc(l->msgs.n + 1, 1);
	struct hmap views;
	uint32_t p, i, inc;

	memset(cv, 0, sizeof(*cv));
	cv->c[COV_MSGS] = l->msgs.n;
	cv->c[COV_PACKED] = l->packed_dgrams;
	cv->c[COV_ACCEL] = l->accel_visits;
	for (i = 0; i < l->windows.n; i++) {
		const struct window *w = &l->windows.v[i];
		uint32_t k;

		for (k = 0; k < w->probe.n; k++)
			if ((uint32_t)__builtin_popcountll(w->probe.v[k].clique) >
			    memb_cap(l))
				break;
		if (k < w->probe.n)
			cv->c[COV_MTU_SPLIT]++;
	}
	rings(l, cv);
	analysis_build(&a, l);
	for (i = 0; i < l->msgs.n; i++) {
		sp[i].from = l->msgs.v[i].send_time;
		sp[i].to = 0;
	}
	hmap_init(&views);
	for (p = 0; p < l->procs.n; p++) {
		const struct proc_info *pi = &l->procs.v[p];

		for (i = 0; i < pi->recs.n; i++) {
			const struct rec *r = &pi->recs.v[i];
			const struct msg_info *m;
			uint32_t nxt, sender, k;

			if (r->kind == REC_CONFCHG) {
				int fresh;

				hmap_put(&views, a.aux[p][i].evid, r->time, &fresh);
				if (fresh)
					cv->c[COV_VIEW_CHANGES]++;
				continue;
			}
			if (r->kind == REC_EXPELLED)
				cv->c[COV_EXPELS]++;
			if (r->kind != REC_DELIVER || !a.aux[p][i].valid)
				continue;
			cv->c[COV_DELIVERIES]++;
			m = &l->msgs.v[r->msg];
			if (r->time > sp[r->msg].to)
				sp[r->msg].to = r->time;
			sender = l->procs.v[m->proc].nodeid;
			nxt = ring_change_in_call(l, pi->inc, r->call, r->spos);
			if (m->len > l->mtu && (nxt != NO_IDX || r->ring != m->send_ring))
				straddle[r->msg] = 1;
			if (nxt == NO_IDX)
				continue;
			for (k = 0; k < m->rx.n; k++)
				if (m->rx.v[k].inc == pi->inc &&
				    (m->rx.v[k].head_src != sender ||
				     m->rx.v[k].tail_src != sender) && sender != pi->nodeid)
					cv->c[COV_RECOVERED]++;
			if (m->guarantee == KP_SAFE) {
				const struct ring_info *ring = &l->rings.v[r->ring];
				uint64_t t_in, t_out;

				/* Definitely transitional: a node of the old ring
				 * known not to come along lacked it.
				 */
				transitional_evidence(&a, pi->inc, r->spos, r->ring, nxt,
						      r->time, &t_in, &t_out);
				for (k = 0; k < ring->n; k++)
					if (ring->nodes[k] < 64 &&
					    (t_out & (1ULL << ring->nodes[k])) &&
					    ring->nodes[k] != sender &&
					    !node_had(l, m, ring->nodes[k], r->time)) {
						cv->c[COV_SAFE_TRANS]++;
						break;
					}
			}
		}
	}
	for (i = 0; i < l->msgs.n; i++)
		cv->c[COV_FRAG_STRADDLE] += straddle[i];

	/* Changes with traffic in flight: ring changes and view changes. */
	qsort(sp, l->msgs.n, sizeof(*sp), span_cmp);
	for (i = 0; i < l->msgs.n; i++)
		maxto[i] = i && maxto[i - 1] > sp[i].to ? maxto[i - 1] : sp[i].to;
	{
		struct hmap seen;

		hmap_init(&seen);
		for (inc = 0; inc < l->inclogs.n; inc++) {
			const struct inc_log *il = &l->inclogs.v[inc];

			for (i = 1; i < il->rings.n; i++) {
				int fresh;

				hmap_put(&seen, ring_key(&l->rings.v[il->rings.v[i].ring]),
					 0, &fresh);
				if (fresh && in_flight(sp, maxto, l->msgs.n,
						       il->rings.v[i].time))
					cv->c[COV_INFLIGHT]++;
			}
		}
		hmap_free(&seen);
	}
	for (i = 0; i < views.cap; i++)
		if (views.keys[i] && in_flight(sp, maxto, l->msgs.n, views.vals[i]))
			cv->c[COV_INFLIGHT]++;
	hmap_free(&views);
	analysis_free(&a);
	free(sp);
	free(maxto);
	free(straddle);
}
