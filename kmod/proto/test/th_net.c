// SPDX-License-Identifier: GPL-2.0 OR BSD-3-Clause
/*
 * Test harness: a deterministic network of nodes (packets in flight with a
 * delay, loss, duplication, cut links; timers), enough for the core's own
 * multi-node tests.  The project's full simulator is selftests/sim.
 */
#include "th.h"

static uint64_t th_net_rand(struct th_net *net)
{
	uint64_t x = net->rng ? net->rng : 88172645463325252ull;

	x ^= x << 13;
	x ^= x >> 7;
	x ^= x << 17;
	net->rng = x;
	return x;
}

struct th_node *th_net_node_create(struct th_net *net, uint32_t id)
{
	struct th_node *tn = calloc(1, sizeof(*tn));
	struct kp_config cfg;
	int i;

	tn->net = net;
	tn->nodeid = id;
	kp_config_default(&cfg, id);
	/* Faster than a LAN's defaults: tests run many formations. */
	cfg.token_timeout = 200000000ull;
	cfg.retransmit_timeout = 40000000ull;
	cfg.hold_timeout = TH_HOLD_TIMEOUT;
	cfg.join_timeout = 20000000ull;
	cfg.consensus_timeout = 240000000ull;
	cfg.merge_timeout = 100000000ull;
	if (net->mtu)
		cfg.mtu = net->mtu;
	tn->mtu = cfg.mtu;
	tn->node = kp_node_create(&cfg, &th_ops, tn, net->now,
				  th_net_rand(net));
	for (i = 1; i <= net->n; i++)
		if ((uint32_t)i != id)
			kp_peer_add(tn->node, i, net->now);
	return tn;
}

struct th_net *th_net_new(int n, uint64_t seed)
{
	struct th_net *net = calloc(1, sizeof(*net));
	int i;

	net->n = n;
	net->rng = seed * 2654435761u + 1;
	net->min_delay = 100000;	/* 0.1 ms */
	net->max_delay = 300000;
	for (i = 0; i < n; i++)
		net->nodes[i] = th_net_node_create(net, i + 1);
	return net;
}

void th_net_free(struct th_net *net)
{
	int i;

	for (i = 0; i < net->n; i++)
		if (net->nodes[i])
			th_node_free(net->nodes[i]);
	while (net->q) {
		struct th_pkt *p = net->q;

		net->q = p->next;
		free(p);
	}
	net->q_tail = NULL;
	free(net);
}

/* The next timer due: node index and kind, or -1. */
static int th_next_timer(struct th_net *net, uint64_t *at, int *kind)
{
	int i, k, best = -1;

	for (i = 0; i < net->n; i++) {
		struct th_node *tn = net->nodes[i];

		if (!tn || tn->down)
			continue;
		for (k = 0; k < KP_TIMER_NR; k++) {
			if (tn->timers[k] &&
			    (best < 0 || tn->timers[k] < *at)) {
				best = i;
				*at = tn->timers[k];
				*kind = k;
			}
		}
	}
	return best;
}

long th_net_run(struct th_net *net, uint64_t until)
{
	long events = 0;

	for (;;) {
		uint64_t tat = 0;
		int kind = 0, ti = th_next_timer(net, &tat, &kind);
		struct th_pkt *p = net->q;

		if (p && (ti < 0 || p->at <= tat)) {
			struct th_node *tn;

			if (p->at > until)
				break;
			net->q = p->next;
			if (!net->q)
				net->q_tail = NULL;
			net->now = p->at;
			th_clock = net->now;
			tn = net->nodes[p->to - 1];
			if (tn && !tn->down) {
				net->delivered_pkts++;
				kp_receive(tn->node, p->from, p->data, p->len,
					   net->now);
			}
			free(p);
		} else if (ti >= 0) {
			struct th_node *tn = net->nodes[ti];

			if (tat > until)
				break;
			net->now = tat;
			th_clock = net->now;
			tn->timers[kind] = 0;
			kp_timer_fired(tn->node, kind, net->now);
		} else {
			break;
		}
		events++;
	}
	if (net->now < until)
		net->now = until;
	return events;
}

uint32_t th_ring_size(struct th_node *tn)
{
	return kp_ring_nodes(tn->node, NULL, 0);
}

/* Every live node sees the same ring holding every live node it can. */
static int th_net_settled(struct th_net *net, uint64_t limit)
{
	uint64_t end = net->now + limit;

	while (net->now < end) {
		struct kp_ring_id first, r;
		int i, ok = 1, seen = 0;

		th_net_run(net, net->now + 10000000ull);
		for (i = 0; i < net->n && ok; i++) {
			struct th_node *tn = net->nodes[i];
			int live = 0, j;

			if (!tn || tn->down)
				continue;
			for (j = 0; j < net->n; j++)
				if (net->nodes[j] && !net->nodes[j]->down &&
				    !net->cut[i][j] && !net->cut[j][i])
					live++;
			if (th_ring_size(tn) != (uint32_t)live)
				ok = 0;
			kp_ring_id_get(tn->node, &r);
			if (!seen) {
				first = r;
				seen = 1;
			} else if (live == net->n &&
				   (r.rep != first.rep || r.seq != first.seq)) {
				ok = 0;
			}
		}
		if (ok)
			return 1;
	}
	return 0;
}

/* Settled, and still the same rings a while later (past any gather). */
int th_net_settle(struct th_net *net, uint64_t limit)
{
	struct kp_ring_id before[TH_MAX_NODES], r;
	uint64_t end = net->now + limit;
	int i, same;

	while (net->now < end) {
		if (!th_net_settled(net, end - net->now))
			return 0;
		for (i = 0; i < net->n; i++)
			if (net->nodes[i] && !net->nodes[i]->down)
				kp_ring_id_get(net->nodes[i]->node, &before[i]);
		th_net_run(net, net->now + 600000000ull);
		same = 1;
		for (i = 0; i < net->n; i++) {
			if (!net->nodes[i] || net->nodes[i]->down)
				continue;
			kp_ring_id_get(net->nodes[i]->node, &r);
			if (r.seq != before[i].seq || r.rep != before[i].rep)
				same = 0;
		}
		if (same && th_net_settled(net, 1))
			return 1;
	}
	return 0;
}

void th_net_partition(struct th_net *net, const int *side, int n_side)
{
	int i, j, in[TH_MAX_NODES] = { 0 };

	for (i = 0; i < n_side; i++)
		in[side[i] - 1] = 1;
	for (i = 0; i < net->n; i++)
		for (j = 0; j < net->n; j++)
			net->cut[i][j] = in[i] != in[j];
}

void th_net_heal(struct th_net *net)
{
	memset(net->cut, 0, sizeof(net->cut));
}

void th_net_crash(struct th_net *net, int i)
{
	struct th_node *tn = net->nodes[i - 1];

	tn->down = 1;
}

void th_net_restart(struct th_net *net, int i)
{
	struct th_node *tn = net->nodes[i - 1];

	if (tn->node)
		kp_node_destroy(tn->node);
	tn->node = NULL;
	th_node_free(tn);
	net->nodes[i - 1] = th_net_node_create(net, i);
}
