// SPDX-License-Identifier: GPL-2.0 OR BSD-3-Clause
/*
 * Several nodes: ring formation, total order, failures, merges.
 */
#include "th.h"
#include "tests.h"

#define MS 1000000ull

/* Messages of @p in group @g, as (nodeid, pid, hash) triples. */
static int th_msgs(const struct th_proc *p, uint64_t *out, int cap)
{
	int i, k = 0;

	for (i = 0; i < p->n_ev && k < cap; i++)
		if (p->ev[i].kind == EV_MSG)
			out[k++] = p->ev[i].hash ^ ((uint64_t)p->ev[i].pid << 40);
	return k;
}

/* Two processes delivered exactly the same messages in the same order. */
static int th_same_msgs(const struct th_proc *a, const struct th_proc *b)
{
	static uint64_t ma[20000], mb[20000];
	int na = th_msgs(a, ma, 20000), nb = th_msgs(b, mb, 20000), i;

	if (na != nb) {
		fprintf(stderr, "  %s: pid %u has %d messages, pid %u %d\n",
			th_current, a->pid, na, b->pid, nb);
		return 0;
	}
	for (i = 0; i < na; i++)
		if (ma[i] != mb[i]) {
			fprintf(stderr, "  %s: order differs at %d\n",
				th_current, i);
			return 0;
		}
	return 1;
}

static void t_two_form(void)
{
	struct th_net *net = th_net_new(2, 1);
	struct kp_ring_id a, b;
	struct kp_stats st;

	CHECK(th_net_settle(net, 5000 * MS));
	kp_ring_id_get(net->nodes[0]->node, &a);
	kp_ring_id_get(net->nodes[1]->node, &b);
	CHECK_EQ(a.rep, 1);
	CHECK_EQ(b.rep, 1);
	CHECK_EQ(a.seq, b.seq);
	kp_stats_get(net->nodes[1]->node, &st);
	CHECK(st.configs >= 2);
	th_net_free(net);
}

static void t_ring_order(void)
{
	struct th_net *net = th_net_new(3, 2);
	struct th_proc *p[3];
	char buf[64];
	int i, k;

	CHECK(th_net_settle(net, 5000 * MS));
	for (i = 0; i < 3; i++) {
		p[i] = th_proc_new(net->nodes[i], 100 + i);
		CHECK_EQ(th_join(p[i], "g"), 0);
	}
	th_net_run(net, net->now + 500 * MS);
	for (i = 0; i < 3; i++)
		CHECK_EQ(th_last(p[i])->n_members, 3);
	for (k = 0; k < 30; k++) {
		for (i = 0; i < 3; i++) {
			snprintf(buf, sizeof(buf), "m %d from %d", k, i);
			CHECK_EQ(th_send(p[i], k % 4, buf, strlen(buf)), 0);
		}
		th_net_run(net, net->now + 1 * MS);
	}
	th_net_run(net, net->now + 1000 * MS);
	for (i = 0; i < 3; i++)
		CHECK_EQ(th_count(p[i], EV_MSG), 90);
	CHECK(th_same_msgs(p[0], p[1]));
	CHECK(th_same_msgs(p[0], p[2]));
	for (i = 0; i < 3; i++)
		th_proc_free(p[i]);
	th_net_free(net);
}

const struct th_test tests_ring[] = {
	TH_TEST(t_two_form),
	TH_TEST(t_ring_order),
	{ NULL, NULL }
};
