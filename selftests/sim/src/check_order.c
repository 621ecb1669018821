// SPDX-License-Identifier: GPL-2.0 OR BSD-3-Clause
/*
 * Order invariants.
 *
 * agreed-order: there is one total order of the AGREED and SAFE messages of
 * each group that every member's delivery sequence follows.  (Where the
 * confchgs fall among the messages is virtual synchrony's business: a
 * confchg has no identity independent of who sees it, see check.h.)
 * Each process contributes an edge between consecutive items it delivered;
 * a cycle in the union of those edges means no such order exists (this also
 * catches a, b, c delivered as a<b, b<c, c<a at three different members).
 *
 * fifo-order: each receiver delivers each sender's FIFO, AGREED and SAFE
 * messages in the order they were sent.
 */
#include <stdio.h>
#include <stdlib.h>
#include "check.h"

struct gnode {
	uint32_t proc, rec;	/* first record that named it */
	uint32_t indeg;
	uint32_t first_out, n_out;
};

struct gedge {
	uint32_t from, to, proc;
};

struct graph {
	struct hmap ids;	/* key -> node index + 1 */
	VEC(struct gnode) nodes;
	VEC(struct gedge) edges;
};

static uint32_t node_of(struct graph *g, uint64_t key, uint32_t proc,
			uint32_t rec)
{
	int fresh;
	uint64_t *v = hmap_put(&g->ids, key, 0, &fresh);

	if (fresh) {
		struct gnode *n = vec_add(&g->nodes);

		n->proc = proc;
		n->rec = rec;
		*v = g->nodes.n;
	}
	return (uint32_t)*v - 1;
}

static void describe(const struct analysis *a, const struct graph *g,
		     uint32_t n, char *buf, size_t len)
{
	const struct record_log *l = a->l;
	const struct gnode *gn = &g->nodes.v[n];
	const struct rec *r = &l->procs.v[gn->proc].recs.v[gn->rec];

	if (r->kind == REC_DELIVER) {
		const struct msg_info *m = &l->msgs.v[r->msg];

		snprintf(buf, len, "msg %u/%u seq %u", l->procs.v[m->proc].nodeid,
			 l->procs.v[m->proc].pid, m->seq);
	} else {
		const struct ring_info *ri = &l->rings.v[a->aux[gn->proc][gn->rec].ring];

		snprintf(buf, len, "confchg g%u ring %u.%llu", r->group, ri->rep,
			 (unsigned long long)ri->seq);
	}
}

static int edge_cmp(const void *x, const void *y)
{
	const struct gedge *a = x, *b = y;

	return a->from < b->from ? -1 : a->from > b->from;
}

static int edge_cmp_to(const void *x, const void *y)
{
	const struct gedge *a = x, *b = y;

	return a->to < b->to ? -1 : a->to > b->to;
}

/*
 * Print one cycle.  Every node Kahn's algorithm left over still has a
 * predecessor among the left-overs, so walking backwards never gets stuck
 * and must come back to a node it has seen.
 */
static void report_cycle(const struct analysis *a, struct graph *g,
			 const uint32_t *indeg, struct check_result *res)
{
	struct gedge *in = xmemdup(g->edges.v, g->edges.n * sizeof(*in));
	uint32_t *first = xcalloc(g->nodes.n + 1, sizeof(uint32_t));
	uint32_t *mark = xcalloc(g->nodes.n + 1, sizeof(uint32_t));
	uint32_t path[4096], via[4096], n = 0, cur = NO_IDX, i, k;
	char text[240], item[64];
	size_t o = 0;

	qsort(in, g->edges.n, sizeof(*in), edge_cmp_to);
	for (i = g->edges.n; i-- > 0;)
		first[in[i].to] = i;
	for (i = 0; i < g->nodes.n; i++)
		if (indeg[i]) {
			cur = i;
			break;
		}
	while (cur != NO_IDX && !mark[cur] && n < 4096) {
		uint32_t prev = NO_IDX;

		mark[cur] = n + 1;
		path[n] = cur;
		for (k = first[cur]; k < g->edges.n && in[k].to == cur; k++) {
			if (indeg[in[k].from]) {
				prev = in[k].from;
				via[n] = in[k].proc;
				break;
			}
		}
		n++;
		cur = prev;
	}
	if (cur == NO_IDX || !mark[cur]) {
		violation(res, INV_AGREED, "delivery orders admit no total order");
	} else {
		/* path[mark-1 .. n-1] is the cycle, walked backwards: the edge
		 * path[i+1] -> path[i] (and cur -> path[n-1]) is via[i]'s.
		 */
		describe(a, g, cur, item, sizeof(item));
		o += snprintf(text + o, sizeof(text) - o, "no total order: %s", item);
		for (i = n; i-- > mark[cur] - 1;) {
			describe(a, g, path[i], item, sizeof(item));
			/* The whole cycle on stderr with SIM_DEBUG_VIEWS. */
			if (getenv("SIM_DEBUG_VIEWS"))
				fprintf(stderr, "cycle: <(pid %u) %s\n",
					a->l->procs.v[via[i]].pid, item);
			if (o < sizeof(text) - 80)
				o += snprintf(text + o, sizeof(text) - o, " <(pid %u) %s",
					      a->l->procs.v[via[i]].pid, item);
		}
		violation(res, INV_AGREED, "%s", text);
	}
	free(in);
	free(first);
	free(mark);
}

static void agreed(const struct analysis *a, struct check_result *res)
{
	const struct record_log *l = a->l;
	struct graph g = { 0 };
	uint32_t p, i, *indeg, *queue, qh = 0, qt = 0, done = 0;

	hmap_init(&g.ids);
	for (p = 0; p < l->procs.n; p++) {
		const struct proc_info *pi = &l->procs.v[p];
		uint32_t prev = NO_IDX, group = NO_IDX;
		struct hmap seen;

		hmap_init(&seen);
		for (i = 0; i < pi->recs.n; i++) {
			const struct rec *r = &pi->recs.v[i];
			uint64_t key;
			uint32_t node;
			int fresh;

			if (r->kind == REC_CONFCHG) {
				if (r->group != group)
					prev = NO_IDX;
				group = r->group;
				continue;
			} else if (r->kind == REC_DELIVER && a->aux[p][i].valid) {
				const struct msg_info *m = &l->msgs.v[r->msg];

				if (m->guarantee < KP_AGREED || m->group != group)
					continue;
				key = nonzero(hcombine(0xa9eedULL, r->msg));
			} else {
				continue;
			}
			hmap_put(&seen, key, 0, &fresh);
			if (!fresh)
				continue;
			node = node_of(&g, key, p, i);
			if (prev != NO_IDX) {
				struct gedge *e = vec_add(&g.edges);

				e->from = prev;
				e->to = node;
				e->proc = p;
			}
			prev = node;
		}
		hmap_free(&seen);
	}

	/* Kahn's algorithm over the edges sorted by source. */
	if (g.edges.n)
		qsort(g.edges.v, g.edges.n, sizeof(*g.edges.v), edge_cmp);
	indeg = xcalloc(g.nodes.n + 1, sizeof(uint32_t));
	queue = xcalloc(g.nodes.n + 1, sizeof(uint32_t));
	for (i = 0; i < g.edges.n; i++) {
		struct gnode *n = &g.nodes.v[g.edges.v[i].from];

		if (!n->n_out)
			n->first_out = i;
		n->n_out++;
		indeg[g.edges.v[i].to]++;
	}
	for (i = 0; i < g.nodes.n; i++)
		if (!indeg[i])
			queue[qt++] = i;
	while (qh < qt) {
		const struct gnode *n = &g.nodes.v[queue[qh++]];
		uint32_t k;

		done++;
		for (k = n->first_out; k < n->first_out + n->n_out; k++)
			if (!--indeg[g.edges.v[k].to])
				queue[qt++] = g.edges.v[k].to;
	}
	if (done != g.nodes.n)
		report_cycle(a, &g, indeg, res);
	free(indeg);
	free(queue);
	hmap_free(&g.ids);
	vec_free(&g.nodes);
	vec_free(&g.edges);
}

static void fifo(const struct analysis *a, struct check_result *res)
{
	const struct record_log *l = a->l;
	uint32_t p, i;

	for (p = 0; p < l->procs.n; p++) {
		const struct proc_info *pi = &l->procs.v[p];
		struct hmap last;	/* sender proc + 1 -> last seq + 1 */

		hmap_init(&last);
		for (i = 0; i < pi->recs.n; i++) {
			const struct rec *r = &pi->recs.v[i];
			const struct msg_info *m;
			uint64_t *v;

			if (r->kind != REC_DELIVER || !a->aux[p][i].valid)
				continue;
			m = &l->msgs.v[r->msg];
			if (m->guarantee < KP_FIFO)
				continue;
			v = hmap_put(&last, (uint64_t)m->proc + 1, 0, NULL);
			if (*v && m->seq + 1 < *v) {
				violation(res, INV_FIFO,
					  "pid %u delivered seq %u of %u/%u after seq %llu",
					  pi->pid, m->seq, l->procs.v[m->proc].nodeid,
					  l->procs.v[m->proc].pid,
					  (unsigned long long)(*v - 1));
			} else if (m->seq + 1 > *v) {
				*v = m->seq + 1;
			}
		}
		hmap_free(&last);
	}
}

void check_order(const struct analysis *a, struct check_result *res)
{
	agreed(a, res);
	fifo(a, res);
}
