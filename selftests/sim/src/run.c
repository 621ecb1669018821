// SPDX-License-Identifier: GPL-2.0 OR BSD-3-Clause
/*
 * One run: set up the world from a seed, pop events until the end, tear
 * everything down.  The record log stays for the checker.
 */
#include <string.h>
#include "sim.h"
#include "scenario.h"

void sim_schedule(struct sim *s, uint64_t when, uint32_t type, uint32_t a,
		  uint32_t b, uint32_t inc, uint32_t gen)
{
	struct ev e = { 0 };

	e.time = when;
	e.type = type;
	e.a = a;
	e.b = b;
	e.inc = inc;
	e.gen = gen;
	evq_push(&s->q, &e);
}

static void name_groups(struct sim *s)
{
	uint32_t i;

	s->n_groups = (uint32_t)rng_range(&s->rng_scn, 1, SIM_MAX_GROUPS);
	for (i = 0; i < s->n_groups; i++) {
		struct kp_name *g = &s->groups[i];

		memset(g, 0, sizeof(*g));
		if (i == 3) {
			/* A name of the maximum length, no terminator. */
			memset(g->value, 'L', KP_NAME_MAX);
			g->length = KP_NAME_MAX;
		} else {
			g->length = (uint32_t)snprintf((char *)g->value,
						       KP_NAME_MAX, "sim-group-%u", i);
		}
	}
	s->log.n_groups = s->n_groups;
}

void sim_init(struct sim *s, const struct sim_opts *o, uint64_t seed)
{
	uint32_t i;

	memset(s, 0, sizeof(*s));
	s->o = o;
	s->seed = seed;
	rng_seed(&s->rng_scn, seed, 1);
	rng_seed(&s->rng_net, seed, 2);
	rng_seed(&s->rng_wl, seed, 3);
	rng_seed(&s->rng_mut, seed, 4);
	evq_init(&s->q);
	record_init(&s->log);
	trace_init(&s->tr, o->verbose, stdout);
	trace_u64(&s->tr, seed);
	node_ops_init(&s->ops);
	s->pending_msg = NO_IDX;
	s->n_nodes = o->nodes;

	kp_config_default(&s->cfg, 1);
	/* Most runs use a fast LAN profile (timeouts scaled down): same
	 * protocol, shorter simulated time, more membership changes per
	 * CPU second.  A quarter keep the defaults.
	 */
	if (rng_below(&s->rng_scn, 4)) {
		uint64_t f = rng_range(&s->rng_scn, 15, 50);	/* percent */

		s->cfg.token_timeout = s->cfg.token_timeout * f / 100;
		s->cfg.retransmit_timeout = s->cfg.retransmit_timeout * f / 100;
		s->cfg.hold_timeout = s->cfg.hold_timeout * f / 100;
		s->cfg.join_timeout = s->cfg.join_timeout * f / 100;
		s->cfg.consensus_timeout = s->cfg.consensus_timeout * f / 100;
		s->cfg.merge_timeout = s->cfg.merge_timeout * f / 100;
	}
	/* Smaller datagrams now and then: more fragments per message. */
	if (rng_below(&s->rng_scn, 4) == 0)
		s->cfg.mtu = (uint32_t)rng_range(&s->rng_scn, 576, s->cfg.mtu);
	/* After the draw, so that --mtu changes nothing else of the seed. */
	if (o->mtu)
		s->cfg.mtu = o->mtu;
	s->log.mtu = s->cfg.mtu;
	name_groups(s);

	s->net.latency = rng_range(&s->rng_net, 20000, 200000);
	s->net.ns_per_kb = 8192;	/* 1 Gbit/s */
	if (o->ideal) {
		/* A steady cluster: everyone configured, a perfect network, the
		 * default timeouts, processes that never leave (benchmark, fuzzer).
		 */
		kp_config_default(&s->cfg, 1);
		s->log.mtu = s->cfg.mtu;
		for (i = 1; i <= s->n_nodes; i++) {
			s->nodes[i].peers = (((1ULL << (s->n_nodes + 1)) - 1) & ~1ULL) &
					    ~(1ULL << i);
			s->nodes[i].slots = o->ideal;
		}
		s->sending_until = UINT64_MAX;
		s->end_time = UINT64_MAX;
	} else {
		scenario_plan(s);
	}
	for (i = 1; i <= s->n_nodes; i++)
		node_create(s, i);
}

static void dispatch(struct sim *s, struct ev *e)
{
	struct proc *p;

	switch (e->type) {
	case EV_PACKET:
		node_packet_event(s, e);
		break;
	case EV_TIMER:
		node_timer_event(s, e);
		break;
	case EV_PROC:
		p = s->procs.v[e->a];
		if (p->state == P_FREE || node_defer(s, p->node, e))
			break;
		proc_step(s, p);
		break;
	case EV_ATTACH:
		if (!s->nodes[e->a].alive || e->inc != s->nodes[e->a].inc ||
		    node_defer(s, e->a, e))
			break;
		proc_attach_event(s, e->a, e->inc);
		break;
	case EV_SCENARIO:
		scenario_action(s, e->a);
		break;
	case EV_PEER:
		if (node_defer(s, e->a, e))
			break;
		node_peer(s, e->a, e->b, (int)e->gen);
		break;
	}
}

/* A core that keeps itself busy (a timer re-armed at "now" forever, a
 * datagram storm) would hang the run: stop it and say so.
 */
#define SIM_MAX_EVENTS	40000000ULL

void sim_run_until(struct sim *s, uint64_t until)
{
	struct ev e;

	while (evq_peek_time(&s->q) <= until && evq_pop(&s->q, &e)) {
		s->now = e.time;
		if (++s->n_events > SIM_MAX_EVENTS && !s->o->ideal) {
			record_api_err(&s->log, s->now, NO_IDX,
				       "run stopped after %llu events (event storm?)",
				       SIM_MAX_EVENTS);
			free(e.data);
			s->end_time = s->now;
			break;
		}
		dispatch(s, &e);
	}
	if (until > s->now)
		s->now = until;
}

void sim_run(struct sim *s)
{
	sim_run_until(s, s->end_time);
	s->log.end_time = s->end_time;
}

void sim_destroy(struct sim *s)
{
	uint32_t i;

	for (i = 1; i <= s->n_nodes; i++) {
		struct node *n = &s->nodes[i];
		uint32_t k;

		if (!n->alive)
			continue;
		/* Teardown is not part of the run: record nothing more. */
		n->dying = 1;
		for (k = 0; k < SIM_PROC_SLOTS; k++) {
			if (n->procs[k]) {
				kp_handle_detach(n->kp, n->procs[k]->h, s->now);
				n->procs[k] = NULL;
			}
		}
		kp_node_destroy(n->kp);
	}
	for (i = 1; i <= s->n_nodes; i++) {
		struct node *n = &s->nodes[i];
		uint32_t k;

		for (k = 0; k < n->deferred.n; k++)
			free(n->deferred.v[k].data);
		vec_free(&n->deferred);
	}
	for (i = 0; i < s->procs.n; i++)
		free(s->procs.v[i]);
	vec_free(&s->procs);
	evq_free(&s->q);
	scenario_free(s);
	free(s->scratch);
	record_free(&s->log);
}
