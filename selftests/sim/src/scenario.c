// SPDX-License-Identifier: GPL-2.0 OR BSD-3-Clause
/*
 * The scenario of one run, planned up front from the seed: the initial
 * topology (some nodes alone, to be added later: 1 -> N), a few disturbance
 * episodes (the fault mix: loss, duplication, jitter, partitions and one-way
 * cuts, crashes and restarts, pauses, nodes leaving and rejoining the
 * cluster's configuration), each followed by a quiet window in which the
 * cluster must converge and deliver promptly (liveness).
 */
#include "sim.h"
#include "check.h"
#include "scenario.h"

enum act_kind {
	A_NET = 1,
	A_PARTITION,
	A_CUT,
	A_HEAL,
	A_CRASH,
	A_RESTART,
	A_PAUSE,
	A_RESUME,
	A_PEER_JOIN,
	A_PEER_LEAVE,
	A_WINDOW,
	A_PROBE,
};

struct action {
	uint64_t time;
	uint32_t kind;
	uint32_t node, node2;
	uint32_t window;
	uint64_t mask;		/* PEER_*: the clique the node joins/leaves */
	struct netcond net;
	uint8_t sides[SIM_MAX_NODES + 1];
};

struct scenario {
	VEC(struct action) acts;
};

static struct action *act(struct scenario *sc, uint64_t t, uint32_t kind)
{
	struct action *a = vec_add(&sc->acts);

	a->time = t;
	a->kind = kind;
	return a;
}

uint64_t scenario_converge_bound(const struct kp_config *c)
{
	/* Token loss, then gather/commit with a few join rounds and a
	 * consensus, plus the merge probe that finds a healed partition.
	 */
	return 3 * c->token_timeout + 2 * c->consensus_timeout +
	       6 * c->join_timeout + 2 * c->merge_timeout + 200000000ULL;
}

uint64_t scenario_live_bound(const struct kp_config *c)
{
	/* A quiet ring loses no token: a message waits for the token's hold
	 * to be cancelled and a few rotations, far below a second.
	 */
	return 1000000000ULL + 2 * c->hold_timeout;
}

/*
 * The longest a token rotation of a quiet ring of all the nodes can last:
 * each visit sends its share of the window (at least one datagram each:
 * up to window + n in all) to every other node over its own link and passes
 * the token (at most an MTU) on after the latency.  The window is shared by
 * need with at least one datagram per visit (kp_token.c), so a node with
 * something queued gets a datagram out per rotation whatever the others
 * have queued: the liveness check allows a rotation per datagram of a
 * message once its turn at its node has come.
 */
static uint64_t rotation_max(const struct sim *s)
{
	uint64_t n = s->n_nodes;
	uint64_t dgram = (uint64_t)s->cfg.mtu * s->net.ns_per_kb / 1024 + 1;

	return n * (s->net.latency + dgram) + (s->cfg.window + n) * (n - 1) * dgram;
}

static struct netcond quiet_net(struct sim *s)
{
	struct netcond c = { 0 };

	c.latency = s->net.latency;
	c.ns_per_kb = s->net.ns_per_kb;
	return c;
}

static uint64_t pick_node(struct sim *s, uint64_t among)
{
	uint32_t cand[SIM_MAX_NODES], n = 0, i;

	for (i = 1; i <= s->n_nodes; i++)
		if (among & (1ULL << i))
			cand[n++] = i;
	return n ? cand[rng_below(&s->rng_scn, n)] : 0;
}

static uint64_t all_nodes(struct sim *s)
{
	return ((1ULL << (s->n_nodes + 1)) - 1) & ~1ULL;
}

static void plan_partition(struct sim *s, struct scenario *sc, uint64_t t0,
			   uint64_t t1)
{
	struct action *a = act(sc, t0, A_PARTITION);
	uint32_t i, sides = rng_below(&s->rng_scn, 5) ? 2 : 3;
	uint32_t lone = rng_below(&s->rng_scn, 4) ? 0 : (uint32_t)pick_node(s, all_nodes(s));

	/* Sometimes one node alone against the rest (N -> 1 -> N). */
	for (i = 1; i <= s->n_nodes; i++)
		a->sides[i] = lone ? (i == lone) :
			      (uint8_t)rng_below(&s->rng_scn, sides);
	/*
	 * More nodes than a commit token carries: instead of one node, the
	 * lowest n - cap go, and the highest cap form a full ring that is
	 * not the lowest block.  A full ring sends no merge probes and
	 * ignores higher nodes, so at the heal only the lower side's probes
	 * bring it back into the split, lowest first (kp_memb_full_above()).
	 * Decided after the draws: the rest of the seed stays as it was.
	 */
	if (lone && s->n_nodes > memb_cap(&s->log))
		for (i = 1; i <= s->n_nodes; i++)
			a->sides[i] = i <= s->n_nodes - memb_cap(&s->log);
	if (!lone) {
		uint32_t x = (uint32_t)rng_range(&s->rng_scn, 1, s->n_nodes);
		int together = 1;

		for (i = 2; i <= s->n_nodes; i++)
			together &= a->sides[i] == a->sides[1];
		if (together)	/* never all on one side */
			a->sides[x] = (a->sides[x] + 1) % sides;
	}
	if (rng_below(&s->rng_scn, 3) == 0 && s->n_nodes >= 2) {
		struct action *c = act(sc, t0 + (t1 - t0) / 4, A_CUT);

		c->node = (uint32_t)pick_node(s, all_nodes(s));
		c->node2 = (uint32_t)pick_node(s, all_nodes(s) & ~(1ULL << c->node));
	}
	act(sc, t1, A_HEAL);
}

void scenario_plan(struct sim *s)
{
	struct scenario *sc = xcalloc(1, sizeof(*sc));
	const struct kp_config *c = &s->cfg;
	uint64_t T = c->token_timeout, conv = scenario_converge_bound(c);
	uint64_t B = scenario_live_bound(c);
	uint64_t clique, t, all = all_nodes(s);
	uint32_t i, e, episodes, f = s->o->faults;
	int left_once = 0;

	s->scn = sc;
	/* Initial topology: everyone configured, or a few, the rest alone. */
	if (s->n_nodes == 1 || rng_below(&s->rng_scn, 2))
		clique = all;
	else
		clique = 1ULL << rng_range(&s->rng_scn, 1, s->n_nodes);
	for (i = 1; i <= s->n_nodes; i++) {
		s->nodes[i].peers = (clique & (1ULL << i)) ? clique & ~(1ULL << i) : 0;
		s->nodes[i].slots = s->n_nodes == 1 ?
			(uint32_t)rng_range(&s->rng_scn, 2, 8) :
			(uint32_t)rng_range(&s->rng_scn, 1, 4);
	}

	/* Two nodes have fewer ways to change: give them an episode more. */
	episodes = s->o->episodes ? s->o->episodes :
		   (uint32_t)rng_range(&s->rng_scn, 2, 3) + (s->n_nodes == 2);
	t = 1000000;
	for (e = 0; e < episodes; e++) {
		uint64_t len = rng_range(&s->rng_scn, 2 * T, 6 * T) + 100000000ULL;
		uint64_t end = t + len, crashed = 0, leaving = 0, last_join = 0, lt;
		struct action *a = act(sc, t, A_NET);
		struct action *w;
		uint32_t k;

		a->net = quiet_net(s);
		if ((f & F_LOSS) && (f == F_LOSS || rng_below(&s->rng_scn, 3)))
			a->net.loss_ppm = (uint32_t)rng_range(&s->rng_scn, 10000, 250000);
		if ((f & F_DUP) && (f == F_DUP || rng_below(&s->rng_scn, 3)))
			a->net.dup_ppm = (uint32_t)rng_range(&s->rng_scn, 10000, 200000);
		if ((f & F_REORDER) && (f == F_REORDER || rng_below(&s->rng_scn, 3)))
			a->net.jitter = rng_range(&s->rng_scn, 200000, 5000000);

		if (s->n_nodes > 1) {
			/* 1 -> N: the nodes left out join the configuration. */
			for (k = 1; k <= s->n_nodes; k++) {
				if (clique & (1ULL << k))
					continue;
				{
					uint64_t jt = t + rng_below(&s->rng_scn, len / 2);

					if (jt > last_join)
						last_join = jt;
					a = act(sc, jt, A_PEER_JOIN);
					a->node = k;
					a->mask = clique;
					clique |= 1ULL << k;
					leaving |= 1ULL << k;	/* changing, anyway */
				}
			}
			/* N -> 1: one leaves, to come back in the next episode;
			 * at least once per run, so that every run has two
			 * ring changes with traffic in flight even without
			 * faults.
			 */
			if (e + 1 < episodes && __builtin_popcountll(clique) >= 2 &&
			    (rng_below(&s->rng_scn, 2) || (e + 2 == episodes && !left_once))) {
				left_once = 1;
				k = (uint32_t)pick_node(s, clique);
				clique &= ~(1ULL << k);
				leaving |= 1ULL << k;
				/* After this episode's joins have formed a ring
				 * (else the leave changes nothing).
				 */
				lt = t + len / 2 + rng_below(&s->rng_scn, len / 4);
				if (lt < last_join + 4 * T)
					lt = last_join + 4 * T;
				if (lt + T > end) {
					end = lt + 2 * T;
					len = end - t;
				}
				a = act(sc, lt, A_PEER_LEAVE);
				a->node = k;
				a->mask = clique;
			}
		}
		if ((f & F_PARTITION) && s->n_nodes > 1 &&
		    (f == F_PARTITION || rng_below(&s->rng_scn, 3))) {
			uint64_t p0 = t + rng_below(&s->rng_scn, len / 3);
			uint64_t p1 = p0 + rng_range(&s->rng_scn, T / 2, 4 * T);

			plan_partition(s, sc, p0, p1 < end ? p1 : end);
		}
		if ((f & F_CRASH) && (f == F_CRASH || rng_below(&s->rng_scn, 2))) {
			uint64_t c0 = t + rng_below(&s->rng_scn, len / 2);
			uint64_t c1 = c0 + rng_range(&s->rng_scn, T / 4, 3 * T);

			/* Not a node joining or leaving the configuration:
			 * that change would then change nothing.
			 */
			a = act(sc, c0, A_CRASH);
			a->node = (uint32_t)pick_node(s, all & ~leaving);
			if (!a->node)
				a->node = (uint32_t)pick_node(s, all);
			crashed = 1ULL << a->node;
			a = act(sc, c1 < end ? c1 : end, A_RESTART);
			a->node = (uint32_t)pick_node(s, crashed);
		}
		if ((f & F_PAUSE) && rng_below(&s->rng_scn, 2)) {
			uint64_t q0 = t + rng_below(&s->rng_scn, len / 2);
			uint64_t q1 = q0 + rng_range(&s->rng_scn, T / 10, 3 * T);

			a = act(sc, q0, A_PAUSE);
			a->node = (uint32_t)pick_node(s, all & ~crashed & ~leaving);
			if (!a->node)
				a->node = 1;
			k = a->node;
			a = act(sc, q1 < end ? q1 : end, A_RESUME);
			a->node = k;
		}

		/* Quiet window: everything healed, then convergence, then prompt
		 * delivery of everything sent.
		 */
		a = act(sc, end, A_HEAL);
		a = act(sc, end, A_NET);
		a->net = quiet_net(s);
		w = act(sc, end, A_WINDOW);
		w->window = e;
		a = act(sc, end + conv, A_PROBE);
		a->window = e;
		{
			struct window *win = vec_add(&s->log.windows);

			win->start = end;
			win->converge = end + conv;
			win->bound = B;
			win->pkt_time = rotation_max(s);
			/* A datagram's room for message bytes: the MTU less
			 * two multicast headers (a recovered packet wraps one).
			 */
			win->pkt_bytes = s->cfg.mtu - 104;
			win->end = end + conv + B + rng_range(&s->rng_scn, B / 2, 2 * B);
			t = win->end;
		}
	}
	/* The last window drains: nobody sends in its final stretch, so every
	 * message sent falls under its liveness check.
	 */
	s->sending_until = t - B - B / 2;
	s->end_time = t;

	for (i = 0; i < sc->acts.n; i++)
		sim_schedule(s, sc->acts.v[i].time, EV_SCENARIO, i, 0, 0, 0);
}

static void peer_link(struct sim *s, uint32_t a, uint32_t b, int add)
{
	sim_schedule(s, s->now + rng_below(&s->rng_scn, 3000000), EV_PEER, a, b,
		     0, add);
	sim_schedule(s, s->now + rng_below(&s->rng_scn, 3000000), EV_PEER, b, a,
		     0, add);
}

static void probe_window(struct sim *s, uint32_t widx)
{
	struct window *w = &s->log.windows.v[widx];
	uint32_t i, j;

	for (i = 1; i <= s->n_nodes; i++) {
		struct node *n = &s->nodes[i];
		struct probe_ent *pe;
		uint64_t mask = 1ULL << i;

		if (!n->alive)
			continue;
		for (j = 1; j <= s->n_nodes; j++)
			if (j != i && s->nodes[j].alive &&
			    (n->peers & (1ULL << j)) &&
			    (s->nodes[j].peers & (1ULL << i)))
				mask |= 1ULL << j;
		pe = vec_add(&w->probe);
		pe->inc = n->inc;
		pe->ring = n->ring;
		pe->clique = mask;
	}
}

void scenario_action(struct sim *s, uint32_t idx)
{
	struct scenario *sc = s->scn;
	struct action *a = &sc->acts.v[idx];
	uint32_t i;

	trace_u64(&s->tr, 0x5c000000ULL | a->kind << 16 | a->node);
	switch (a->kind) {
	case A_PARTITION:
	case A_CUT:
	case A_HEAL:
	case A_CRASH:
	case A_RESTART:
	case A_PAUSE:
	case A_RESUME:
	case A_PEER_JOIN:
	case A_PEER_LEAVE:
		proc_burst_all(s);
		break;
	}
	switch (a->kind) {
	case A_NET:
		s->net = a->net;
		trace_log(&s->tr, s->now, "net: loss %u ppm, dup %u ppm, jitter %llu ns",
			  a->net.loss_ppm, a->net.dup_ppm,
			  (unsigned long long)a->net.jitter);
		break;
	case A_PARTITION:
		for (i = 1; i <= s->n_nodes; i++)
			s->nodes[i].side = a->sides[i];
		trace_log(&s->tr, s->now, "partition");
		break;
	case A_CUT:
		s->nodes[a->node].cut_to |= 1ULL << a->node2;
		trace_log(&s->tr, s->now, "one-way cut %u -> %u", a->node, a->node2);
		break;
	case A_HEAL:
		for (i = 1; i <= s->n_nodes; i++) {
			s->nodes[i].side = 0;
			s->nodes[i].cut_to = 0;
		}
		trace_log(&s->tr, s->now, "heal");
		break;
	case A_CRASH:
		node_crash(s, a->node);
		break;
	case A_RESTART:
		if (!s->nodes[a->node].alive)
			node_create(s, a->node);
		break;
	case A_PAUSE:
		node_pause(s, a->node, 1);
		break;
	case A_RESUME:
		if (s->nodes[a->node].paused)
			node_pause(s, a->node, 0);
		break;
	case A_PEER_JOIN:
	case A_PEER_LEAVE:
		trace_log(&s->tr, s->now, "node %u %s the configuration", a->node,
			  a->kind == A_PEER_JOIN ? "joins" : "leaves");
		for (i = 1; i <= s->n_nodes; i++)
			if (i != a->node && (a->mask & (1ULL << i)))
				peer_link(s, a->node, i, a->kind == A_PEER_JOIN);
		break;
	case A_WINDOW:
		trace_log(&s->tr, s->now, "quiet window %u starts", a->window);
		break;
	case A_PROBE:
		probe_window(s, a->window);
		break;
	}
}

void scenario_free(struct sim *s)
{
	struct scenario *sc = s->scn;

	if (!sc)
		return;
	vec_free(&sc->acts);
	free(sc);
	s->scn = NULL;
}
