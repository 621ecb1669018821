// SPDX-License-Identifier: GPL-2.0 OR BSD-3-Clause
/*
 * The representative's token hold under a request/response load: a process
 * on node 1 (the representative, which holds and keeps the token while only
 * it sends) and one on node 2 play ping-pong in a ring of three, each
 * sending its next message as soon as it has the other's, as kcpg-bench's
 * ping-pong does.  Round trips are measured in simulated time; no lost or
 * late datagram may make one wait for the hold to time out.  Then each way
 * the hold could outlast its use, alone.
 *
 * KP_TEST_PP=1 prints the round trips' distribution and the waits;
 * KP_TEST_TRACE=1 the rounds among the core's trace (visits, holds, keeps,
 * hold cancels).
 */
#include "th.h"
#include "tests.h"
#include "../kp_wire.h"

#define MS 1000000ull
#define US 1000ull
#define PP_ROUNDS 400
#define PP_GUARD (2000 * MS)	/* hang guard per wait, not a bound */

struct pp {
	struct th_net *net;
	struct th_proc *p[3];
	uint64_t rtt[PP_ROUNDS];
	int n;
};

static void pp_setup(struct pp *pp, uint64_t seed)
{
	int i;

	memset(pp, 0, sizeof(*pp));
	pp->net = th_net_new(3, seed);
	CHECK(th_net_settle(pp->net, 5000 * MS));
	for (i = 0; i < 3; i++) {
		pp->p[i] = th_proc_new(pp->net->nodes[i], 100 + i);
		CHECK_EQ(th_join(pp->p[i], "g"), 0);
	}
	th_net_run(pp->net, pp->net->now + 1000 * MS);	/* idle: 1 holds */
}

static void pp_free(struct pp *pp)
{
	int i;

	th_net_run(pp->net, pp->net->now + 1000 * MS);
	for (i = 0; i < 3; i++)
		CHECK_EQ(th_count_tagged(pp->p[i], 100) +
			 th_count_tagged(pp->p[i], 101), 2 * pp->n);
	CHECK(th_check_order(pp->p, 3));
	for (i = 0; i < 3; i++)
		th_proc_free(pp->p[i]);
	th_net_free(pp->net);
}

/* Run in small steps until @p has @want messages of @pid. */
static int pp_wait(struct th_net *net, const struct th_proc *p, uint32_t pid,
		   int want)
{
	uint64_t end = net->now + PP_GUARD;

	while (th_count_tagged(p, pid) < want && net->now < end)
		th_net_run(net, net->now + 10 * US);
	return th_count_tagged(p, pid) >= want;
}

/*
 * @rounds round trips.  Node 2's process answers up to @react after the
 * delivery (a process's wake-up), varied from round to round.
 */
static void pp_run(struct pp *pp, int rounds, uint64_t react)
{
	struct th_net *net = pp->net;
	int k;

	for (k = 0; k < rounds && pp->n < PP_ROUNDS; k++) {
		uint64_t t0 = net->now;
		int c = pp->n;

		if (th_trace_on)
			fprintf(stderr, "  round %d: node 1 sends\n", c);
		CHECK_EQ(th_send_tagged(pp->p[0], KP_AGREED, c, 64), 0);
		if (!pp_wait(net, pp->p[1], 100, c + 1))
			break;
		if (react)
			th_net_run(net, net->now + react * (k * 7 % 11) / 10);
		if (th_trace_on)
			fprintf(stderr, "  round %d: node 2 replies\n", c);
		CHECK_EQ(th_send_tagged(pp->p[1], KP_AGREED, c, 64), 0);
		if (!pp_wait(net, pp->p[0], 101, c + 1))
			break;
		pp->rtt[pp->n++] = net->now - t0;
		if (th_trace_on)
			fprintf(stderr, "  round %d: %llu us\n", c,
				(unsigned long long)(net->now - t0) / US);
	}
	CHECK_EQ(k, rounds);
}

static int pp_cmp(const void *a, const void *b)
{
	uint64_t x = *(const uint64_t *)a, y = *(const uint64_t *)b;

	return x < y ? -1 : x > y;
}

/*
 * Round trips of at least @limit (none expected); the distribution goes to
 * stderr when there are any, or always with KP_TEST_PP=1.
 */
static int pp_slow(struct pp *pp, uint64_t limit, const char *what)
{
	uint64_t s[PP_ROUNDS];
	int i, slow = 0, n = pp->n;

	if (!n)
		return 0;
	memcpy(s, pp->rtt, n * sizeof(s[0]));
	qsort(s, n, sizeof(s[0]), pp_cmp);
	for (i = 0; i < n; i++)
		if (s[i] >= limit)
			slow++;
	if (slow || getenv("KP_TEST_PP"))
		fprintf(stderr, "  %s: %s: %d round trips, us: p50 %llu p90 "
			"%llu p99 %llu max %llu; %d >= %llu us; lost mcast "
			"%ld token %ld cancel %ld\n", th_current, what, n,
			(unsigned long long)s[n / 2] / US,
			(unsigned long long)s[n * 9 / 10] / US,
			(unsigned long long)s[n * 99 / 100] / US,
			(unsigned long long)s[n - 1] / US, slow,
			(unsigned long long)limit / US,
			pp->net->lost[KP_PT_MCAST],
			pp->net->lost[KP_PT_TOKEN],
			pp->net->lost[KP_PT_HOLD_CANCEL]);
	return slow;
}

/*
 * No loss, node 2's process answering 0-1 ms after the delivery: no round
 * trip may wait for the hold to time out (67 of 400 did, each ~30 ms: the
 * hold cancel raced the token, t_hold_cancel_in_flight).
 */
static void t_pingpong(void)
{
	struct pp pp;

	pp_setup(&pp, 21);
	pp_run(&pp, PP_ROUNDS, 1 * MS);
	CHECK_EQ(pp_slow(&pp, TH_HOLD_TIMEOUT / 2, "no loss"), 0);
	pp_free(&pp);
}

/*
 * 3 % of the multicasts and hold cancels lost (the token never: its loss
 * costs a token retransmission, another story).  A lost datagram must
 * cost a rotation or a short timer, not the hold timeout.
 */
static void t_pingpong_loss(void)
{
	struct pp pp;

	pp_setup(&pp, 22);
	pp.net->loss_pct = 3;
	pp.net->loss_types = 1u << KP_PT_MCAST | 1u << KP_PT_HOLD_CANCEL;
	pp_run(&pp, PP_ROUNDS, 0);
	CHECK_EQ(pp_slow(&pp, TH_HOLD_TIMEOUT / 2, "3% loss"), 0);
	pp.net->loss_pct = 0;
	pp_free(&pp);
}

/* Run until @p has @want messages in all, at most @limit; the time taken. */
static uint64_t hold_wait(struct th_net *net, const struct th_proc *p,
			     int want, uint64_t limit)
{
	uint64_t t0 = net->now;

	while (th_count(p, EV_MSG) < want && net->now < t0 + limit)
		th_net_run(net, net->now + 10 * US);
	CHECK_EQ(th_count(p, EV_MSG), want);
	if (getenv("KP_TEST_PP"))
		fprintf(stderr, "  %s: %llu us\n", th_current,
			(unsigned long long)(net->now - t0) / US);
	return net->now - t0;
}

/*
 * Three nodes, one process each, every link 200 us, node 1 holding the idle
 * token since just now: a wait for the hold would last nearly all of it
 * (the idle ring goes round once per hold, so at a random moment the hold
 * may be about to end anyway).
 */
static void hold_setup(struct pp *pp, uint64_t seed)
{
	struct th_net *net;
	uint64_t end;

	pp_setup(pp, seed);
	net = pp->net;
	net->min_delay = 200 * US;
	net->max_delay = 200 * US;
	th_net_run(net, net->now + 1000 * MS);
	end = net->now + PP_GUARD;
	while (net->now < end &&
	       net->nodes[0]->timers[KP_TIMER_HOLD] < net->now +
						       TH_HOLD_TIMEOUT - 100 * US)
		th_net_run(net, net->now + 10 * US);
	CHECK(net->nodes[0]->timers[KP_TIMER_HOLD]);
}

static void hold_free(struct pp *pp)
{
	int i;

	th_net_run(pp->net, pp->net->now + 1000 * MS);
	CHECK(th_check_order(pp->p, 3));
	for (i = 0; i < 3; i++)
		th_proc_free(pp->p[i]);
	th_net_free(pp->net);
}

/*
 * Node 2 gets a message to send just after its visit of a quiet rotation.
 * Its HOLD_CANCEL (one hop) reaches node 1 before the token does (two
 * hops), while node 1 does not hold; the token then says that nobody sent
 * or waits to send anything, and node 1 would hold it, with node 2 waiting
 * for the hold to end.  The message must go within about a rotation.
 */
static void t_hold_cancel_in_flight(void)
{
	struct pp pp;
	struct th_node *n2;
	long tokens;
	uint64_t t;

	hold_setup(&pp, 23);
	n2 = pp.net->nodes[1];
	/* The idle hold ends: a quiet rotation.  Send right after node 2's
	 * visit.
	 */
	tokens = n2->tokens;
	t = pp.net->now + PP_GUARD;
	while (n2->tokens == tokens && pp.net->now < t)
		th_net_run(pp.net, pp.net->now + 10 * US);
	CHECK(n2->tokens > tokens);
	CHECK_EQ(pp.net->nodes[0]->timers[KP_TIMER_HOLD], 0);	/* gone */
	CHECK_EQ(th_send_tagged(pp.p[1], KP_AGREED, 1, 64), 0);
	t = hold_wait(pp.net, pp.p[0], 1, PP_GUARD);
	/* 0.8 ms here; the short timer (1.9 ms) or the hold (30 ms) before */
	CHECK(t < TH_HOLD_TIMEOUT / 16);
	hold_free(&pp);
}

/*
 * With node 1 holding, node @from sends one message and its datagram to
 * node @to is lost: it must reach @to after a short timer, not the hold.
 */
static void lost_in_hold(uint64_t seed, int from, int to)
{
	struct pp pp;
	uint64_t t;

	hold_setup(&pp, seed);
	CHECK(pp.net->nodes[0]->timers[KP_TIMER_HOLD]);		/* held */
	pp.net->cut[from][to] = 1;
	CHECK_EQ(th_send_tagged(pp.p[from], KP_AGREED, 1, 64), 0);
	pp.net->cut[from][to] = 0;
	if (from == 0)		/* the holder keeps: delivered in the call */
		CHECK_EQ(th_count(pp.p[0], EV_MSG), 1);
	t = hold_wait(pp.net, pp.p[to], 1, PP_GUARD);
	CHECK(t < TH_HOLD_TIMEOUT / 4);
	hold_free(&pp);
}

/* Node 2's HOLD_CANCEL is lost: it asks again after the short timer. */
static void t_hold_cancel_lost(void)
{
	lost_in_hold(24, 1, 0);
}

/*
 * Node 1 sends with the token it holds and keeps it; the multicast to
 * node 2 is lost.  Node 2 sees no hole (nothing follows), so only the
 * token can tell it: the hold must end after the short timer.
 */
static void t_keep_lost_last(void)
{
	lost_in_hold(25, 0, 1);
}

/*
 * A member that cannot deliver (an allocation of the delivery path fails
 * while the datagrams themselves are still stored) keeps asking for the
 * token, which does not help it: the ring must not spin meanwhile.
 */
static void stalled_idle(int stalled)
{
	struct pp pp;
	long before = 0, after = 0;
	int i;

	pp_setup(&pp, 26);
	pp.net->nodes[stalled]->fail_over = 32 * 1024;	/* reassembly fails */
	CHECK_EQ(th_send_tagged(pp.p[2], KP_AGREED, 1, 100 * 1024), 0);
	th_net_run(pp.net, pp.net->now + 300 * MS);
	CHECK_EQ(th_count_tagged(pp.p[!stalled], 102), 1);
	CHECK_EQ(th_count_tagged(pp.p[stalled], 102), 0);	/* stalled */
	for (i = 0; i < 3; i++)
		before += pp.net->nodes[i]->pkts_sent;
	th_net_run(pp.net, pp.net->now + 1000 * MS);
	for (i = 0; i < 3; i++)
		after += pp.net->nodes[i]->pkts_sent;
	fprintf(stderr, "  %s: %ld packets in 1 s with node %d stalled\n",
		th_current, after - before, stalled + 1);
	/* An idle ring: ~100 a second (one rotation per 30 ms hold). */
	CHECK(after - before < 400);
	pp.net->nodes[stalled]->fail_over = 0;
	th_net_run(pp.net, pp.net->now + 1000 * MS);
	CHECK_EQ(th_count_tagged(pp.p[stalled], 102), 1);
	th_net_run(pp.net, pp.net->now + 1000 * MS);
	CHECK(th_check_order(pp.p, 3));
	for (i = 0; i < 3; i++)
		th_proc_free(pp.p[i]);
	th_net_free(pp.net);
}

static void t_stalled_member_idle(void)
{
	stalled_idle(1);
}

/* The same at the representative, which holds the token itself. */
static void t_stalled_rep_idle(void)
{
	stalled_idle(0);
}

/*
 * Node 2 waits for the token with a message while its link to the
 * representative is down (every HOLD_CANCEL lost, the token lost on its
 * way to it).  It may ask again, but backing off: no more cancels than an
 * idle ring carries tokens, one per hold, after a short ramp.  At the
 * shortest hold netlink allows (1 ms) a fixed hold_timeout/16 would be
 * 16,000 cancels a second per waiting member while the token is lost.
 */
static void t_hold_cancel_backoff(void)
{
	struct pp pp;
	struct th_node *n2;
	long sent;

	hold_setup(&pp, 27);
	n2 = pp.net->nodes[1];
	CHECK(pp.net->nodes[0]->timers[KP_TIMER_HOLD]);		/* held */
	pp.net->cut[0][1] = 1;
	pp.net->cut[1][0] = 1;
	sent = n2->sent_type[KP_PT_HOLD_CANCEL];
	CHECK_EQ(th_send_tagged(pp.p[1], KP_AGREED, 1, 64), 0);
	th_net_run(pp.net, pp.net->now + 5 * TH_HOLD_TIMEOUT);
	sent = n2->sent_type[KP_PT_HOLD_CANCEL] - sent;
	if (getenv("KP_TEST_PP"))
		fprintf(stderr, "  %s: %ld cancels in 5 holds\n", th_current, sent);
	CHECK(sent >= 2);				/* it did ask again */
	CHECK(sent <= 1 + 4 + 5);	/* the first, a ramp of 4, one per hold */
	pp.net->cut[0][1] = 0;
	pp.net->cut[1][0] = 0;
	CHECK_EQ(hold_wait(pp.net, pp.p[0], 1, PP_GUARD) > 0, 1);
	hold_free(&pp);
}

const struct th_test tests_hold[] = {
	TH_TEST(t_pingpong),
	TH_TEST(t_pingpong_loss),
	TH_TEST(t_hold_cancel_in_flight),
	TH_TEST(t_hold_cancel_lost),
	TH_TEST(t_hold_cancel_backoff),
	TH_TEST(t_keep_lost_last),
	TH_TEST(t_stalled_member_idle),
	TH_TEST(t_stalled_rep_idle),
	{ NULL, NULL }
};
