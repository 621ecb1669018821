// SPDX-License-Identifier: GPL-2.0 OR BSD-3-Clause
/*
 * A node alone: the CPG API semantics through kp.h, with no packets.
 */
#include "th.h"
#include "tests.h"

static void t_create_destroy(void)
{
	struct th_node *tn = th_node_new(7);
	struct kp_ring_id rid;
	struct kp_stats st;
	uint32_t nodes[4];

	CHECK(tn != NULL);
	kp_ring_id_get(tn->node, &rid);
	CHECK_EQ(rid.rep, 7);
	CHECK(rid.seq > 0);
	CHECK_EQ(kp_ring_nodes(tn->node, nodes, 4), 1);
	CHECK_EQ(nodes[0], 7);
	kp_stats_get(tn->node, &st);
	CHECK_EQ(st.configs, 1);
	CHECK_EQ(kp_flow_control(tn->node), 0);
	th_node_free(tn);
}

static void t_create_bad_args(void)
{
	struct th_node dummy;
	struct kp_config cfg;

	memset(&dummy, 0, sizeof(dummy));
	kp_config_default(&cfg, 0);
	CHECK(kp_node_create(&cfg, &th_ops, &dummy, 0, 1) == NULL);
	kp_config_default(&cfg, 0xffffffffu);
	CHECK(kp_node_create(&cfg, &th_ops, &dummy, 0, 1) == NULL);
	kp_config_default(&cfg, 3);
	dummy.fail_all = 1;
	CHECK(kp_node_create(&cfg, &th_ops, &dummy, 0, 1) == NULL);
	CHECK_EQ(dummy.allocs, 0);
}

static void t_join_own_confchg(void)
{
	struct th_node *tn = th_node_new(1);
	struct th_proc *a = th_proc_new(tn, 100);
	const struct th_ev *e;

	CHECK_EQ(th_join(a, "g"), 0);
	CHECK_EQ(a->n_ev, 1);
	e = th_last(a);
	CHECK_EQ(e->kind, EV_CONFCHG);
	CHECK(!strcmp(e->group, "g"));
	CHECK_EQ(e->n_members, 1);
	CHECK_EQ(e->members[0].nodeid, 1);
	CHECK_EQ(e->members[0].pid, 100);
	CHECK_EQ(e->members[0].reason, 0);
	CHECK_EQ(e->n_joined, 1);
	CHECK_EQ(e->joined[0].pid, 100);
	CHECK_EQ(e->joined[0].reason, KP_REASON_JOIN);
	CHECK_EQ(e->n_left, 0);
	CHECK_EQ(th_count(a, EV_TOTEM), 0);
	th_proc_free(a);
	th_node_free(tn);
}

static void t_members_sorted(void)
{
	struct th_node *tn = th_node_new(1);
	struct th_proc *a = th_proc_new(tn, 300);
	struct th_proc *b = th_proc_new(tn, 100);
	struct th_proc *c = th_proc_new(tn, 200);
	struct kp_address out[8];
	struct kp_name g = th_name("grp");
	const struct th_ev *e;

	CHECK_EQ(th_join(a, "grp"), 0);
	CHECK_EQ(th_join(b, "grp"), 0);
	CHECK_EQ(th_join(c, "grp"), 0);
	e = th_last(a);
	CHECK_EQ(e->n_members, 3);
	CHECK_EQ(e->members[0].pid, 100);
	CHECK_EQ(e->members[1].pid, 200);
	CHECK_EQ(e->members[2].pid, 300);
	CHECK_EQ(e->joined[0].pid, 200);
	/* Everyone in the view saw the last join, the joiner included. */
	CHECK_EQ(th_count(a, EV_CONFCHG), 3);
	CHECK_EQ(th_count(b, EV_CONFCHG), 2);
	CHECK_EQ(th_count(c, EV_CONFCHG), 1);
	CHECK_EQ(kp_group_members(tn->node, &g, out, 8), 3);
	CHECK_EQ(out[0].pid, 100);
	CHECK_EQ(out[2].pid, 300);
	CHECK_EQ(kp_group_members(tn->node, &g, out, 1), 3);
	CHECK_EQ(out[0].pid, 100);
	CHECK_EQ(kp_group_members(tn->node, &g, NULL, 0), 3);
	th_proc_free(a);
	th_proc_free(b);
	th_proc_free(c);
	th_node_free(tn);
}

static void t_join_errors(void)
{
	struct th_node *tn = th_node_new(1);
	struct th_proc *a = th_proc_new(tn, 100);
	struct th_proc *a2 = th_proc_new(tn, 100);	/* same pid */
	struct th_proc *b = th_proc_new(tn, 200);
	char longname[KP_NAME_MAX + 2];
	struct kp_name big;

	memset(longname, 'x', sizeof(longname) - 1);
	longname[sizeof(longname) - 1] = 0;
	CHECK_EQ(th_join(a, longname), KP_ENAMETOOLONG);
	big = th_name("x");
	big.length = 129;
	CHECK_EQ(kp_join(tn->node, a->h, &big, 0), KP_ENAMETOOLONG);
	CHECK_EQ(kp_join(tn->node, a->h, NULL, 0), KP_EINVAL);
	memset(longname, 'y', KP_NAME_MAX);
	longname[KP_NAME_MAX] = 0;
	CHECK_EQ(th_join(b, longname), 0);	/* exactly 128 is fine */
	CHECK_EQ(th_join(a, "g"), 0);
	CHECK_EQ(th_join(a, "g"), KP_EEXIST);
	CHECK_EQ(th_join(a, "h"), KP_EEXIST);
	CHECK_EQ(th_join(a2, "g"), KP_EEXIST);	/* pid already in g */
	CHECK_EQ(th_join(a2, "h"), 0);		/* another group is fine */
	CHECK_EQ(a2->n_ev, 1);
	th_proc_free(a);
	th_proc_free(a2);
	th_proc_free(b);
	th_node_free(tn);
}

static void t_leave(void)
{
	struct th_node *tn = th_node_new(1);
	struct th_proc *a = th_proc_new(tn, 100);
	struct th_proc *b = th_proc_new(tn, 200);
	const struct th_ev *e;
	char m = 'x';

	CHECK_EQ(th_leave(a, "g"), KP_ENOENT);
	CHECK_EQ(th_join(a, "g"), 0);
	CHECK_EQ(th_join(b, "g"), 0);
	CHECK_EQ(th_leave(a, "other"), KP_ENOENT);
	CHECK_EQ(kp_leave(tn->node, a->h, NULL, 0), KP_EINVAL);
	th_clear(a);
	th_clear(b);
	CHECK_EQ(th_leave(a, "g"), 0);
	/* The leaver receives its own leave confchg. */
	CHECK_EQ(a->n_ev, 1);
	e = th_last(a);
	CHECK_EQ(e->kind, EV_CONFCHG);
	CHECK_EQ(e->n_left, 1);
	CHECK_EQ(e->left[0].pid, 100);
	CHECK_EQ(e->left[0].reason, KP_REASON_LEAVE);
	CHECK_EQ(e->n_members, 1);
	CHECK_EQ(e->members[0].pid, 200);
	e = th_last(b);
	CHECK_EQ(b->n_ev, 1);
	CHECK_EQ(e->left[0].pid, 100);
	/* Then no more traffic of that group. */
	CHECK_EQ(th_send(b, KP_AGREED, &m, 1), 0);
	CHECK_EQ(a->n_ev, 1);
	CHECK_EQ(th_send(a, KP_AGREED, &m, 1), KP_ENOENT);
	CHECK_EQ(th_leave(a, "g"), KP_ENOENT);
	/* And it may join again (corosync cannot). */
	CHECK_EQ(th_join(a, "g"), 0);
	CHECK_EQ(th_last(a)->n_members, 2);
	CHECK_EQ(th_last(a)->joined[0].reason, KP_REASON_JOIN);
	th_proc_free(a);
	th_proc_free(b);
	th_node_free(tn);
}

static void t_mcast_guarantees(void)
{
	struct th_node *tn = th_node_new(1);
	struct th_proc *a = th_proc_new(tn, 100);
	struct th_proc *b = th_proc_new(tn, 200);
	struct th_proc *c = th_proc_new(tn, 300);	/* other group */
	char buf[64];
	struct kp_stats st;
	int i, g;

	CHECK_EQ(th_send(a, KP_AGREED, "x", 1), KP_ENOENT);
	CHECK_EQ(th_join(a, "g"), 0);
	CHECK_EQ(th_join(b, "g"), 0);
	CHECK_EQ(th_join(c, "other"), 0);
	th_clear(a);
	th_clear(b);
	th_clear(c);
	for (i = 0; i < 40; i++) {
		g = i % 4;
		snprintf(buf, sizeof(buf), "message %d", i);
		CHECK_EQ(th_send(i % 3 ? a : b, g, buf, strlen(buf) + 1), 0);
	}
	CHECK_EQ(a->n_ev, 40);
	CHECK_EQ(b->n_ev, 40);
	CHECK_EQ(c->n_ev, 0);
	for (i = 0; i < 40 && i < a->n_ev && i < b->n_ev; i++) {
		snprintf(buf, sizeof(buf), "message %d", i);
		CHECK_EQ(a->ev[i].kind, EV_MSG);
		CHECK_EQ(a->ev[i].hash, th_hash(buf, strlen(buf) + 1));
		CHECK_EQ(b->ev[i].hash, a->ev[i].hash);
		CHECK_EQ(a->ev[i].guarantee, (uint32_t)(i % 4));
		CHECK_EQ(a->ev[i].pid, i % 3 ? 100u : 200u);
		CHECK_EQ(a->ev[i].nodeid, 1);
		CHECK(!strcmp(a->ev[i].group, "g"));
	}
	kp_stats_get(tn->node, &st);
	CHECK_EQ(st.msgs_sent, 40);
	CHECK_EQ(st.msgs_delivered, 40);
	CHECK_EQ(st.bytes_retained, 0);
	CHECK_EQ(st.pkts_sent, 0);
	CHECK_EQ(tn->pkts_sent, 0);
	th_proc_free(a);
	th_proc_free(b);
	th_proc_free(c);
	th_node_free(tn);
}

static void t_mcast_zero_copy(void)
{
	struct th_node *tn = th_node_new(1);
	struct th_proc *a = th_proc_new(tn, 100);
	static char big[1 << 20];
	struct kp_iov iov[3];
	struct kp_stats st;

	memset(big, 'z', sizeof(big));
	CHECK_EQ(th_join(a, "g"), 0);
	th_clear(a);
	iov[0].base = big;
	iov[0].len = 10;
	iov[1].base = big + 10;
	iov[1].len = 0;
	iov[2].base = big + 10;
	iov[2].len = sizeof(big) - 10;
	CHECK_EQ(kp_mcast(tn->node, a->h, KP_SAFE, iov, 3, sizeof(big), 0), 0);
	CHECK_EQ(a->n_ev, 1);
	CHECK(a->ev[0].first_base == big);
	CHECK_EQ(a->ev[0].iovcnt, 3);
	CHECK_EQ(a->ev[0].len, sizeof(big));
	CHECK_EQ(a->ev[0].hash, th_hash(big, sizeof(big)));
	kp_stats_get(tn->node, &st);
	CHECK_EQ(st.bytes_retained, 0);
	/* Zero-length messages are messages too. */
	CHECK_EQ(kp_mcast(tn->node, a->h, KP_AGREED, NULL, 0, 0, 0), 0);
	CHECK_EQ(a->n_ev, 2);
	CHECK_EQ(a->ev[1].len, 0);
	th_proc_free(a);
	th_node_free(tn);
}

static void t_mcast_errors(void)
{
	struct th_node *tn = th_node_new(1);
	struct th_proc *a = th_proc_new(tn, 100);
	struct kp_iov iov[2] = { { "ab", 2 }, { "cd", 2 } };
	struct kp_node *n = tn->node;

	CHECK_EQ(th_join(a, "g"), 0);
	th_clear(a);
	CHECK_EQ(kp_mcast(n, a->h, KP_AGREED, iov, 2, 3, 0), KP_EINVAL);
	CHECK_EQ(kp_mcast(n, a->h, KP_AGREED, iov, 2, 5, 0), KP_EINVAL);
	CHECK_EQ(kp_mcast(n, a->h, 4, iov, 2, 4, 0), KP_EINVAL);
	CHECK_EQ(kp_mcast(n, a->h, KP_AGREED, NULL, 2, 4, 0), KP_EINVAL);
	CHECK_EQ(kp_mcast(n, a->h, KP_AGREED, iov, 5000, 4, 0), KP_EINVAL);
	iov[0].base = NULL;
	CHECK_EQ(kp_mcast(n, a->h, KP_AGREED, iov, 2, 4, 0), KP_EINVAL);
	iov[0].base = "ab";
	CHECK_EQ(kp_mcast(n, a->h, KP_AGREED, iov, 2, 4, 0), 0);
	CHECK_EQ(a->n_ev, 1);
	CHECK_EQ(a->ev[0].hash, th_hash("abcd", 4));
	{
		static char big[(1 << 20) + 1];
		struct kp_iov v = { big, sizeof(big) };

		CHECK_EQ(kp_mcast(n, a->h, KP_AGREED, &v, 1, sizeof(big), 0),
			 KP_EMSGSIZE);
	}
	CHECK_EQ(a->n_ev, 1);
	th_proc_free(a);
	th_node_free(tn);
}

static void t_detach_procdown(void)
{
	struct th_node *tn = th_node_new(1);
	struct th_proc *a = th_proc_new(tn, 100);
	struct th_proc *b = th_proc_new(tn, 200);
	struct th_proc *c = th_proc_new(tn, 300);	/* never joins */
	const struct th_ev *e;
	struct kp_name g = th_name("g");

	CHECK_EQ(th_join(a, "g"), 0);
	CHECK_EQ(th_join(b, "g"), 0);
	th_clear(b);
	th_proc_detach(a);
	CHECK_EQ(b->n_ev, 1);
	e = th_last(b);
	CHECK_EQ(e->n_left, 1);
	CHECK_EQ(e->left[0].pid, 100);
	CHECK_EQ(e->left[0].reason, KP_REASON_PROCDOWN);
	CHECK_EQ(e->n_members, 1);
	CHECK_EQ(kp_group_members(tn->node, &g, NULL, 0), 1);
	th_proc_detach(c);
	th_proc_detach(b);
	CHECK_EQ(kp_group_members(tn->node, &g, NULL, 0), 0);
	th_proc_free(a);
	th_proc_free(b);
	th_proc_free(c);
	th_node_free(tn);
}

/* The same pid through a new handle, right after the old one's leave. */
static void t_pid_rejoin_after_detach(void)
{
	struct th_node *tn = th_node_new(1);
	struct th_proc *a = th_proc_new(tn, 100);
	struct th_proc *a2 = th_proc_new(tn, 100);

	CHECK_EQ(th_join(a, "g"), 0);
	th_proc_detach(a);
	CHECK_EQ(th_join(a2, "g"), 0);
	CHECK_EQ(th_last(a2)->n_members, 1);
	th_proc_free(a);
	th_proc_free(a2);
	th_node_free(tn);
}

static void t_slow_consumer_deliver(void)
{
	struct th_node *tn = th_node_new(1);
	struct th_proc *a = th_proc_new(tn, 100);
	struct th_proc *b = th_proc_new(tn, 200);
	struct th_proc *c = th_proc_new(tn, 300);
	struct kp_stats st;
	const struct th_ev *e;
	int i;

	CHECK_EQ(th_join(a, "g"), 0);
	CHECK_EQ(th_join(b, "g"), 0);
	CHECK_EQ(th_join(c, "g"), 0);
	th_clear(a);
	th_clear(b);
	th_clear(c);
	b->refuse_after = 2;	/* takes 2 messages, refuses the 3rd */
	for (i = 0; i < 5; i++)
		CHECK_EQ(th_send(a, KP_AGREED, &i, sizeof(i)), 0);
	/* b: 2 messages then the expel notification, nothing else. */
	CHECK_EQ(b->n_ev, 3);
	CHECK_EQ(b->ev[0].kind, EV_MSG);
	CHECK_EQ(b->ev[1].kind, EV_MSG);
	CHECK_EQ(b->ev[2].kind, EV_EXPELLED);
	/* a and c: 3 messages, b's PROCDOWN leave, then 2 more. */
	CHECK_EQ(a->n_ev, 6);
	CHECK_EQ(c->n_ev, 6);
	for (i = 0; i < 6 && i < a->n_ev && i < c->n_ev; i++) {
		CHECK_EQ(a->ev[i].kind, i == 3 ? EV_CONFCHG : EV_MSG);
		CHECK_EQ(c->ev[i].kind, a->ev[i].kind);
	}
	e = &a->ev[3];
	CHECK_EQ(e->n_left, 1);
	CHECK_EQ(e->left[0].pid, 200);
	CHECK_EQ(e->left[0].reason, KP_REASON_PROCDOWN);
	CHECK_EQ(e->n_members, 2);
	kp_stats_get(tn->node, &st);
	CHECK_EQ(st.expelled, 1);
	/* An expelled handle has no group: mcast is ENOENT, join works. */
	CHECK_EQ(th_send(b, KP_AGREED, "x", 1), KP_ENOENT);
	th_proc_free(a);
	th_proc_free(b);
	th_proc_free(c);
	th_node_free(tn);
}

static void t_slow_consumer_confchg(void)
{
	struct th_node *tn = th_node_new(1);
	struct th_proc *a = th_proc_new(tn, 100);
	struct th_proc *b = th_proc_new(tn, 200);
	struct th_proc *c = th_proc_new(tn, 300);
	struct th_proc *d = th_proc_new(tn, 400);

	CHECK_EQ(th_join(a, "g"), 0);
	CHECK_EQ(th_join(b, "g"), 0);
	CHECK_EQ(th_join(c, "g"), 0);
	th_clear(a);
	th_clear(b);
	th_clear(c);
	a->refuse = 1;
	b->refuse = 1;
	CHECK_EQ(th_join(d, "g"), 0);
	/* a and b miss d's join and are both expelled; c and d see two
	 * PROCDOWN leaves.
	 */
	CHECK_EQ(a->n_ev, 1);
	CHECK_EQ(a->ev[0].kind, EV_EXPELLED);
	CHECK_EQ(b->n_ev, 1);
	CHECK_EQ(b->ev[0].kind, EV_EXPELLED);
	CHECK_EQ(c->n_ev, 3);
	CHECK_EQ(d->n_ev, 3);
	if (c->n_ev == 3 && d->n_ev == 3) {
		CHECK_EQ(c->ev[0].n_joined, 1);
		CHECK_EQ(c->ev[1].left[0].reason, KP_REASON_PROCDOWN);
		CHECK_EQ(c->ev[2].left[0].reason, KP_REASON_PROCDOWN);
		CHECK_EQ(c->ev[2].n_members, 2);
		CHECK_EQ(d->ev[1].left[0].pid, c->ev[1].left[0].pid);
		CHECK_EQ(d->ev[2].left[0].pid, c->ev[2].left[0].pid);
	}
	th_proc_free(a);
	th_proc_free(b);
	th_proc_free(c);
	th_proc_free(d);
	th_node_free(tn);
}

static void t_slow_consumer_own_join(void)
{
	struct th_node *tn = th_node_new(1);
	struct th_proc *a = th_proc_new(tn, 100);
	struct th_proc *b = th_proc_new(tn, 200);
	struct kp_name g = th_name("g");

	CHECK_EQ(th_join(a, "g"), 0);
	th_clear(a);
	b->refuse = 1;
	CHECK_EQ(th_join(b, "g"), 0);
	CHECK_EQ(b->n_ev, 1);
	CHECK_EQ(b->ev[0].kind, EV_EXPELLED);
	CHECK_EQ(a->n_ev, 2);
	CHECK_EQ(kp_group_members(tn->node, &g, NULL, 0), 1);
	/* After the expel notification the handle may be detached. */
	th_proc_free(b);
	th_proc_free(a);
	th_node_free(tn);
}

static void t_initial_totem(void)
{
	struct th_node *tn = th_node_new(5);
	struct th_proc *a = th_proc_new(tn, 100);
	struct th_proc *b = th_proc_new(tn, 200);
	struct kp_ring_id rid;

	kp_handle_want_initial_totem(a->h);
	CHECK_EQ(th_join(b, "g"), 0);
	CHECK_EQ(th_join(a, "g"), 0);
	CHECK_EQ(a->n_ev, 2);
	CHECK_EQ(a->ev[0].kind, EV_CONFCHG);
	CHECK_EQ(a->ev[1].kind, EV_TOTEM);
	kp_ring_id_get(tn->node, &rid);
	CHECK_EQ(a->ev[1].ring.rep, 5);
	CHECK_EQ(a->ev[1].ring.seq, rid.seq);
	CHECK_EQ(a->ev[1].n_nodes, 1);
	CHECK_EQ(a->ev[1].nodes[0], 5);
	CHECK_EQ(th_count(b, EV_TOTEM), 0);
	/* Only at the first confchg. */
	CHECK_EQ(th_leave(a, "g"), 0);
	CHECK_EQ(th_join(a, "g"), 0);
	CHECK_EQ(th_count(a, EV_TOTEM), 1);
	th_proc_free(a);
	th_proc_free(b);
	th_node_free(tn);
}

struct iter_rec {
	char g[KP_NAME_MAX + 1];
	uint32_t nodeid, pid;
};

struct iter_ctx {
	struct iter_rec r[16];
	int n, stop_at;
};

static int iter_fn(void *arg, const struct kp_name *g, kp_u32 nodeid,
		   kp_u32 pid)
{
	struct iter_ctx *c = arg;

	if (c->n < 16) {
		memcpy(c->r[c->n].g, g->value, g->length);
		c->r[c->n].g[g->length] = 0;
		c->r[c->n].nodeid = nodeid;
		c->r[c->n].pid = pid;
	}
	c->n++;
	return c->n == c->stop_at ? 42 : 0;
}

static void t_for_each_member(void)
{
	struct th_node *tn = th_node_new(1);
	struct th_proc *p[5];
	static const char *const groups[5] = { "b", "a", "ab", "b", "a" };
	static const uint32_t pids[5] = { 50, 40, 30, 20, 10 };
	struct iter_ctx c;
	int i;

	for (i = 0; i < 5; i++) {
		p[i] = th_proc_new(tn, pids[i]);
		CHECK_EQ(th_join(p[i], groups[i]), 0);
	}
	memset(&c, 0, sizeof(c));
	CHECK_EQ(kp_for_each_member(tn->node, iter_fn, &c), 0);
	CHECK_EQ(c.n, 5);
	CHECK(!strcmp(c.r[0].g, "a") && c.r[0].pid == 10);
	CHECK(!strcmp(c.r[1].g, "a") && c.r[1].pid == 40);
	CHECK(!strcmp(c.r[2].g, "ab") && c.r[2].pid == 30);
	CHECK(!strcmp(c.r[3].g, "b") && c.r[3].pid == 20);
	CHECK(!strcmp(c.r[4].g, "b") && c.r[4].pid == 50);
	memset(&c, 0, sizeof(c));
	c.stop_at = 2;
	CHECK_EQ(kp_for_each_member(tn->node, iter_fn, &c), 42);
	CHECK_EQ(c.n, 2);
	for (i = 0; i < 5; i++)
		th_proc_free(p[i]);
	th_node_free(tn);
}

/* Every allocation the core makes may fail; nothing may break or leak. */
static void t_alloc_failures(void)
{
	long k;

	for (k = 1; k < 40; k++) {
		struct th_node *tn = th_node_new(1);
		struct th_proc *a, *b;
		int rc;

		tn->fail_at = tn->n_alloc_calls + k;
		a = th_proc_new(tn, 100);
		if (!a) {
			th_node_free(tn);
			continue;
		}
		b = th_proc_new(tn, 200);
		rc = th_join(a, "g");
		CHECK(rc == 0 || rc == KP_ENOMEM);
		if (rc == KP_ENOMEM) {
			/* Nothing happened: no event, no member. */
			struct kp_name g = th_name("g");

			CHECK_EQ(a->n_ev, 0);
			CHECK_EQ(kp_group_members(tn->node, &g, NULL, 0), 0);
			CHECK_EQ(th_join(a, "g"), 0);
		}
		if (b) {
			rc = th_join(b, "g");
			CHECK(rc == 0 || rc == KP_ENOMEM);
			th_send(a, KP_SAFE, "m", 1);
			th_proc_free(b);
		}
		th_proc_free(a);
		th_node_free(tn);
	}
}

static void t_no_packets_no_timers(void)
{
	struct th_node *tn = th_node_new(1);
	struct th_proc *a = th_proc_new(tn, 100);
	int i;

	CHECK_EQ(th_join(a, "g"), 0);
	for (i = 0; i < 10; i++)
		th_send(a, i % 4, "abc", 3);
	CHECK_EQ(th_leave(a, "g"), 0);
	CHECK_EQ(tn->pkts_sent, 0);
	for (i = 0; i < KP_TIMER_NR; i++)
		CHECK_EQ(tn->timers[i], 0);
	th_proc_free(a);
	th_node_free(tn);
}

const struct th_test tests_alone[] = {
	TH_TEST(t_create_destroy),
	TH_TEST(t_create_bad_args),
	TH_TEST(t_join_own_confchg),
	TH_TEST(t_members_sorted),
	TH_TEST(t_join_errors),
	TH_TEST(t_leave),
	TH_TEST(t_mcast_guarantees),
	TH_TEST(t_mcast_zero_copy),
	TH_TEST(t_mcast_errors),
	TH_TEST(t_detach_procdown),
	TH_TEST(t_pid_rejoin_after_detach),
	TH_TEST(t_slow_consumer_deliver),
	TH_TEST(t_slow_consumer_confchg),
	TH_TEST(t_slow_consumer_own_join),
	TH_TEST(t_initial_totem),
	TH_TEST(t_for_each_member),
	TH_TEST(t_alloc_failures),
	TH_TEST(t_no_packets_no_timers),
	{ NULL, NULL }
};
