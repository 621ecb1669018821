// SPDX-License-Identifier: GPL-2.0 OR BSD-3-Clause
/*
 * The simulated network: one link per node with a bandwidth (so a node's
 * datagrams leave in order and a burst takes time), a one-way latency, and
 * the scenario's faults: loss, duplication, jitter (which reorders),
 * partitions (sides that cannot hear each other) and one-way cuts.
 */
#include "sim.h"

int net_reachable(const struct sim *s, uint32_t src, uint32_t dst)
{
	const struct node *a = &s->nodes[src];

	if (a->side != s->nodes[dst].side)
		return 0;
	return !(a->cut_to & (1ULL << dst));
}

static void transmit(struct sim *s, uint32_t src, uint32_t dst,
		     const void *pkt, uint32_t len, uint64_t depart)
{
	struct ev e = { 0 };
	uint64_t when = depart + s->net.latency;

	if (s->net.jitter)
		when += rng_below(&s->rng_net, s->net.jitter);
	e.time = when;
	e.type = EV_PACKET;
	e.a = dst;
	e.b = src;
	e.inc = s->nodes[dst].inc;
	e.len = len;
	e.data = xmemdup(pkt, len);
	evq_push(&s->q, &e);
}

void net_send(struct sim *s, uint32_t src, uint32_t dst, const void *pkt,
	      uint32_t len)
{
	struct node *a = &s->nodes[src];
	uint64_t depart;

	/* The sender's link serialises its datagrams. */
	if (a->tx_clock < s->now)
		a->tx_clock = s->now;
	a->tx_clock += (uint64_t)len * s->net.ns_per_kb / 1024 + 1;
	depart = a->tx_clock;

	if (!s->nodes[dst].alive || !net_reachable(s, src, dst)) {
		s->n_dropped++;
		return;
	}
	if (s->net.loss_ppm && rng_chance(&s->rng_net, s->net.loss_ppm)) {
		s->n_dropped++;
		return;
	}
	transmit(s, src, dst, pkt, len, depart);
	if (s->net.dup_ppm && rng_chance(&s->rng_net, s->net.dup_ppm))
		transmit(s, src, dst, pkt, len,
			 depart + rng_below(&s->rng_net, 2000000));
}
