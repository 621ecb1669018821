// SPDX-License-Identifier: GPL-2.0 OR BSD-3-Clause
/*
 * The checker on hand-written logs.  One small history (two nodes in one
 * ring, processes A and B in one group, five messages of all guarantees, B
 * leaving) is built clean and then once per invariant with one defect: the
 * checker must report nothing for the clean one and exactly the broken
 * invariant for each other.
 */
#include <stdio.h>
#include <string.h>
#include "record.h"
#include "check.h"
#include "payload.h"

enum variant {
	V_CLEAN, V_AGREED, V_FIFO, V_SAFE, V_DUP, V_INTEGRITY, V_SELF, V_VS,
	V_VIEW, V_CONFCHG, V_TOTEM, V_LIVE, V_API, V_NR
};

static const int expect[V_NR] = {
	[V_CLEAN] = -1, [V_AGREED] = INV_AGREED, [V_FIFO] = INV_FIFO,
	[V_SAFE] = INV_SAFE, [V_DUP] = INV_DUP, [V_INTEGRITY] = INV_INTEGRITY,
	[V_SELF] = INV_SELF, [V_VS] = INV_VS, [V_VIEW] = INV_VIEW,
	[V_CONFCHG] = INV_CONFCHG, [V_TOTEM] = INV_TOTEM,
	[V_LIVE] = INV_LIVENESS, [V_API] = INV_API,
};

struct b {
	struct record_log l;
	uint32_t ring, inc[3];
	uint64_t call;		/* the last call a record was made in */
	uint64_t in_call;	/* between begin_call() and end_call() */
};

/*
 * The records made from here to end_call() happened in one call into the
 * core (a ring change and what it delivers, say); otherwise each record is
 * a call of its own.  Returns the call.
 */
static uint64_t begin_call(struct b *b)
{
	b->in_call = ++b->call;
	return b->in_call;
}

static void end_call(struct b *b)
{
	b->in_call = 0;
}

static struct rec mk(struct b *b, uint8_t kind, uint64_t t)
{
	struct rec r;

	memset(&r, 0, sizeof(r));
	r.kind = kind;
	r.time = t;
	r.call = b->in_call ? b->in_call : ++b->call;
	r.ring = b->ring;
	r.msg = NO_IDX;
	r.group = 0;
	return r;
}

static void conf(struct b *b, uint32_t proc, uint64_t t,
		 const struct kp_address *mem, uint32_t nm,
		 const struct kp_address *left, uint32_t nl,
		 const struct kp_address *joined, uint32_t nj)
{
	struct kp_confchg c = { NULL, mem, nm, left, nl, joined, nj };
	struct rec r = mk(b, REC_CONFCHG, t);

	r.ref = record_conf(&b->l, 0, &c);
	record_add(&b->l, proc, &r);
}

/*
 * A totem confchg comes in the call of the record before it (a joiner's
 * join, a ring change).
 */
static void totem(struct b *b, uint32_t proc, uint64_t t, uint32_t ring)
{
	struct rec r = mk(b, REC_TOTEM, t);

	if (!b->in_call)
		r.call = --b->call;
	r.ref = ring;
	record_add(&b->l, proc, &r);
}

static uint32_t send(struct b *b, uint32_t proc, uint8_t g, uint64_t t)
{
	return record_msg(&b->l, proc, g, 0, 100, t, b->call, b->ring);
}

static void deliver(struct b *b, uint32_t proc, uint32_t msg, uint64_t t,
		    uint8_t verdict)
{
	const struct msg_info *m = &b->l.msgs.v[msg];
	struct rec r = mk(b, REC_DELIVER, t);

	r.msg = msg;
	r.guarantee = m->guarantee;
	r.verdict = verdict;
	r.from_node = b->l.procs.v[m->proc].nodeid;
	r.from_pid = b->l.procs.v[m->proc].pid;
	r.len = m->len;
	record_add(&b->l, proc, &r);
}

static void rx(struct b *b, uint32_t msg, uint32_t inc, uint32_t src, uint64_t t)
{
	record_receipt(&b->l, msg, inc, src, 0, t);
	record_receipt(&b->l, msg, inc, src, 1, t);
}

/*
 * Nodes 1 and 2 in one ring; process A (pid 1000) on node 1 and B (pid
 * 1001) on node 2, whose joins are their first and second records.
 */
static void build_two(struct b *b)
{
	struct kp_ring_id id = { 1, 0, 10 };
	uint32_t nodes[2] = { 1, 2 };
	const uint32_t A = 0, B = 1;

	memset(b, 0, sizeof(*b));
	record_init(&b->l);
	b->l.n_groups = 1;
	b->l.mtu = 1400;
	b->ring = record_ring(&b->l, &id, nodes, 2);
	b->inc[1] = record_inc(&b->l, 1, 0, b->ring);
	b->inc[2] = record_inc(&b->l, 2, 0, b->ring);
	record_proc(&b->l, 1, b->inc[1], 0);
	record_proc(&b->l, 2, b->inc[2], 0);
	vec_push(&b->l.procs.v[A].joins, 0);
	vec_push(&b->l.procs.v[B].joins, 1);
}

static void build(struct b *b, enum variant v)
{
	const struct kp_address a = { 1, 1000, 0 }, bb = { 2, 1001, 0 };
	const struct kp_address aj = { 1, 1000, KP_REASON_JOIN };
	const struct kp_address bj = { 2, 1001, KP_REASON_JOIN };
	const struct kp_address bl = { 2, 1001, KP_REASON_LEAVE };
	struct kp_address ab[2] = { a, bb }, ba[2] = { bb, a };
	uint32_t m0, m1, m2, m3, m4, m5, order[5], i;
	const uint32_t A = 0, B = 1;

	build_two(b);
	vec_push(&b->l.procs.v[B].leaves, 55);

	if (v == V_LIVE) {
		struct window *w = vec_add(&b->l.windows);

		w->start = 0;
		w->converge = 0;
		w->bound = 20;
		w->end = 1000;
	}

	conf(b, A, 10, &a, 1, NULL, 0, &aj, 1);
	totem(b, A, 10, b->ring);
	conf(b, A, 20, v == V_CONFCHG ? ba : ab, 2, NULL, 0, &bj, 1);
	conf(b, B, 20, ab, 2, NULL, 0, &bj, 1);
	if (v == V_TOTEM) {
		uint32_t rev[2] = { 2, 1 };
		struct ring_info *ri = vec_add(&b->l.rings);

		ri->rep = 1;
		ri->seq = 10;
		ri->n = 2;
		memcpy(ri->nodes, rev, sizeof(rev));
		totem(b, B, 20, b->l.rings.n - 1);
	} else {
		totem(b, B, 20, b->ring);
	}

	m0 = send(b, A, KP_AGREED, 30);
	m1 = send(b, A, KP_FIFO, 30);
	m5 = send(b, A, KP_FIFO, 30);
	m2 = send(b, B, KP_SAFE, 30);
	m3 = send(b, A, KP_UNORDERED, 30);
	rx(b, m0, b->inc[2], 1, 40);
	rx(b, m1, b->inc[2], 1, 40);
	rx(b, m5, b->inc[2], 1, 40);
	rx(b, m3, b->inc[2], 1, 40);
	rx(b, m2, b->inc[1], 2, 40);

	order[0] = m0;
	order[1] = m1;
	order[2] = m5;
	order[3] = m2;
	order[4] = m3;
	for (i = 0; i < 5; i++)
		deliver(b, A, order[i], v == V_SAFE && order[i] == m2 ? 35 : 50,
			PAYLOAD_OK);
	if (v == V_AGREED) {	/* B: m2 first, then A's in order */
		order[0] = m2;
		order[1] = m0;
		order[2] = m1;
		order[3] = m5;
	}
	if (v == V_FIFO) {
		order[1] = m5;
		order[2] = m1;
	}
	for (i = 0; i < 5; i++) {
		if (v == V_VS && order[i] == m3)
			continue;
		deliver(b, B, order[i], v == V_LIVE && order[i] == m0 ? 500 : 50,
			v == V_INTEGRITY && order[i] == m3 ? PAYLOAD_BAD_BODY :
			PAYLOAD_OK);
		if (v == V_DUP && order[i] == m3)
			deliver(b, B, m3, 50, PAYLOAD_OK);
	}

	/* B leaves; A alone sends m4. */
	conf(b, A, 60, &a, 1, &bl, 1, NULL, 0);
	conf(b, B, 60, &a, 1, &bl, 1, NULL, 0);
	m4 = send(b, A, KP_AGREED, 70);
	if (v != V_SELF)
		deliver(b, A, m4, 70, PAYLOAD_OK);
	if (v == V_VIEW) {
		rx(b, m4, b->inc[2], 1, 70);
		deliver(b, B, m4, 71, PAYLOAD_OK);
	}
	if (v == V_API)
		record_api_err(&b->l, 80, A, "made-up error");
	b->l.end_time = 1000;
}

/*
 * Extended virtual synchrony, not a violation: a partition splits nodes 1
 * and 2; in its transitional configuration node 1 delivers m0 (which node
 * 2 never received) before the join of C, node 2 delivers the join only.
 * Members of different transitional configurations may deliver different
 * sets: the checker must stay quiet.
 */
static void build_partition(struct b *b)
{
	const struct kp_address a = { 1, 1000, 0 }, bb = { 2, 1001, 0 };
	const struct kp_address c = { 1, 1002, 0 };
	const struct kp_address aj = { 1, 1000, KP_REASON_JOIN };
	const struct kp_address bj = { 2, 1001, KP_REASON_JOIN };
	const struct kp_address cj = { 1, 1002, KP_REASON_JOIN };
	const struct kp_address bdown = { 2, 1001, KP_REASON_NODEDOWN };
	const struct kp_address adown[2] = { { 1, 1000, KP_REASON_NODEDOWN },
					     { 1, 1002, KP_REASON_NODEDOWN } };
	struct kp_address ab[2] = { a, bb }, abc[3] = { a, c, bb }, ac[2] = { a, c };
	struct kp_ring_id id = { 1, 0, 10 }, id1 = { 1, 0, 14 }, id2 = { 2, 0, 14 };
	uint32_t nodes[2] = { 1, 2 }, one = 1, two = 2, r1, r2, m0;
	const uint32_t A = 0, B = 1, C = 2;
	uint64_t call;

	memset(b, 0, sizeof(*b));
	record_init(&b->l);
	b->l.n_groups = 1;
	b->l.mtu = 1400;
	b->ring = record_ring(&b->l, &id, nodes, 2);
	r1 = record_ring(&b->l, &id1, &one, 1);
	r2 = record_ring(&b->l, &id2, &two, 1);
	b->inc[1] = record_inc(&b->l, 1, 0, b->ring);
	b->inc[2] = record_inc(&b->l, 2, 0, b->ring);
	record_proc(&b->l, 1, b->inc[1], 0);
	record_proc(&b->l, 2, b->inc[2], 0);
	record_proc(&b->l, 1, b->inc[1], 0);
	vec_push(&b->l.procs.v[A].joins, 0);
	vec_push(&b->l.procs.v[B].joins, 1);
	vec_push(&b->l.procs.v[C].joins, 2);

	conf(b, A, 10, &a, 1, NULL, 0, &aj, 1);
	conf(b, A, 20, ab, 2, NULL, 0, &bj, 1);
	conf(b, B, 20, ab, 2, NULL, 0, &bj, 1);
	m0 = send(b, A, KP_AGREED, 30);

	/* Node 1's transitional call: m0, C's join, B's NODEDOWN, ring 1.14. */
	call = begin_call(b);
	deliver(b, A, m0, 40, PAYLOAD_OK);
	conf(b, A, 40, abc, 3, NULL, 0, &cj, 1);
	conf(b, C, 40, abc, 3, NULL, 0, &cj, 1);
	conf(b, A, 40, ac, 2, &bdown, 1, NULL, 0);
	conf(b, C, 40, ac, 2, &bdown, 1, NULL, 0);
	record_ring_change(&b->l, b->inc[1], 40, call, r1);
	totem(b, A, 40, r1);
	end_call(b);

	/* Node 2's: C's join, then A's and C's NODEDOWN, ring 2.14. */
	call = begin_call(b);
	conf(b, B, 41, abc, 3, NULL, 0, &cj, 1);
	conf(b, B, 41, &bb, 1, adown, 2, NULL, 0);
	record_ring_change(&b->l, b->inc[2], 41, call, r2);
	totem(b, B, 41, r2);
	end_call(b);
	b->l.end_time = 1000;
}

/*
 * Not a violation either: node 1 pauses in ring 1.10 while A and B share
 * a view; node 2 moves on alone (B sees A go with NODEDOWN), and node 1,
 * resuming still in 1.10, has A leave by its own leave.  In ring 1.20 A
 * joins and leaves twice, m delivered to both in the second view.  A has
 * left a view {A, B} by LEAVE once more than B, in a configuration B was
 * not in; counting transitions across configurations paired A's first
 * leave in 1.20 with B's second and reported m (seed 30082 of the crash
 * step with the core of branch perf, d20b22a).
 */
static void build_pause_leave(struct b *b)
{
	const struct kp_address a = { 1, 1000, 0 }, bb = { 2, 1001, 0 };
	const struct kp_address aj = { 1, 1000, KP_REASON_JOIN };
	const struct kp_address bj = { 2, 1001, KP_REASON_JOIN };
	const struct kp_address al = { 1, 1000, KP_REASON_LEAVE };
	const struct kp_address adown = { 1, 1000, KP_REASON_NODEDOWN };
	struct kp_address ab[2] = { a, bb };
	struct kp_ring_id id0 = { 1, 0, 10 }, id2 = { 2, 0, 14 }, id3 = { 1, 0, 20 };
	uint32_t nodes[2] = { 1, 2 }, two = 2, r0, r2, r3, m, t;
	const uint32_t A = 0, B = 1;
	uint64_t call;

	memset(b, 0, sizeof(*b));
	record_init(&b->l);
	b->l.n_groups = 1;
	b->l.mtu = 1400;
	r0 = record_ring(&b->l, &id0, nodes, 2);
	r2 = record_ring(&b->l, &id2, &two, 1);
	r3 = record_ring(&b->l, &id3, nodes, 2);
	b->ring = r0;
	b->inc[1] = record_inc(&b->l, 1, 0, r0);
	b->inc[2] = record_inc(&b->l, 2, 0, r0);
	record_proc(&b->l, 1, b->inc[1], 0);
	record_proc(&b->l, 2, b->inc[2], 0);
	vec_push(&b->l.procs.v[B].joins, 0);

	conf(b, B, 10, &bb, 1, NULL, 0, &bj, 1);
	vec_push(&b->l.procs.v[A].joins, 15);
	conf(b, A, 20, ab, 2, NULL, 0, &aj, 1);
	conf(b, B, 20, ab, 2, NULL, 0, &aj, 1);

	/* Node 1 paused: node 2's call sees A go and moves to 2.14 alone. */
	call = begin_call(b);
	conf(b, B, 30, &bb, 1, &adown, 1, NULL, 0);
	record_ring_change(&b->l, b->inc[2], 30, call, r2);
	end_call(b);

	/* Node 1 resumes, still in 1.10: A leaves. */
	vec_push(&b->l.procs.v[A].leaves, 39);
	conf(b, A, 40, &bb, 1, &al, 1, NULL, 0);

	/* Both reach 1.20; A joins and leaves twice there. */
	record_ring_change(&b->l, b->inc[1], 50, ++b->call, r3);
	record_ring_change(&b->l, b->inc[2], 50, ++b->call, r3);
	b->ring = r3;
	for (t = 60; t <= 80; t += 20) {
		vec_push(&b->l.procs.v[A].joins, t - 1);
		conf(b, A, t, ab, 2, NULL, 0, &aj, 1);
		conf(b, B, t, ab, 2, NULL, 0, &aj, 1);
		if (t == 80) {
			m = send(b, A, KP_FIFO, 82);
			rx(b, m, b->inc[2], 1, 84);
			deliver(b, A, m, 85, PAYLOAD_OK);
			deliver(b, B, m, 85, PAYLOAD_OK);
		}
		vec_push(&b->l.procs.v[A].leaves, t + 9);
		conf(b, A, t + 10, &bb, 1, &al, 1, NULL, 0);
		conf(b, B, t + 10, &bb, 1, &al, 1, NULL, 0);
	}
	b->l.end_time = 1000;
}

/*
 * Not a violation: two members enter one view in different configurations
 * of one ring change, then leave it twice in the transitional one (seed
 * 5000031 of the campaign after the liveness fix, core 06af657; BUGS.md).
 * In ring 1.10 node 1 delivers C's join in the regular configuration, so A
 * enters V = {A, C, B} there; node 2 delivers it only in the call that
 * moves it to ring 1.20, so B enters V in the transitional configuration.
 * In that call both nodes deliver D's join, D's PROCDOWN (D, on node 1,
 * was gone before its join came back) and E's join: A and B both leave V
 * for {V, D}, come back to V, and leave it for {V, E}.  Counting only the
 * departures from views opened in the configuration numbered A's second
 * departure (to E) as its first and paired it with B's first (to D).
 */
static void build_late_join(struct b *b)
{
	const struct kp_address a = { 1, 1000, 0 }, bb = { 2, 1001, 0 };
	const struct kp_address c = { 1, 1002, 0 }, d = { 1, 1003, 0 };
	const struct kp_address e = { 1, 1004, 0 };
	const struct kp_address aj = { 1, 1000, KP_REASON_JOIN };
	const struct kp_address bj = { 2, 1001, KP_REASON_JOIN };
	const struct kp_address cj = { 1, 1002, KP_REASON_JOIN };
	const struct kp_address dj = { 1, 1003, KP_REASON_JOIN };
	const struct kp_address ej = { 1, 1004, KP_REASON_JOIN };
	const struct kp_address dgone = { 1, 1003, KP_REASON_PROCDOWN };
	struct kp_address ab[2] = { a, bb }, v[3] = { a, c, bb };
	struct kp_address vd[4] = { a, c, d, bb }, ve[4] = { a, c, e, bb };
	struct kp_ring_id id1 = { 1, 0, 20 };
	uint32_t nodes[2] = { 1, 2 }, r1, n;
	const uint32_t A = 0, B = 1, C = 2, D = 3, E = 4;
	uint64_t call;

	build_two(b);
	r1 = record_ring(&b->l, &id1, nodes, 2);
	for (n = 0; n < 3; n++)
		record_proc(&b->l, 1, b->inc[1], 0);
	vec_push(&b->l.procs.v[C].joins, 25);
	vec_push(&b->l.procs.v[D].joins, 33);
	vec_push(&b->l.procs.v[E].joins, 34);
	b->l.procs.v[D].end = END_DETACH;
	b->l.procs.v[D].end_time = 35;

	conf(b, A, 10, &a, 1, NULL, 0, &aj, 1);
	conf(b, A, 20, ab, 2, NULL, 0, &bj, 1);
	conf(b, B, 20, ab, 2, NULL, 0, &bj, 1);
	/* Node 1, regular configuration of 1.10: A enters V. */
	conf(b, A, 30, v, 3, NULL, 0, &cj, 1);
	conf(b, C, 30, v, 3, NULL, 0, &cj, 1);

	/* Node 1's call that installs 1.20: V + D, V, V + E. */
	call = begin_call(b);
	conf(b, A, 40, vd, 4, NULL, 0, &dj, 1);
	conf(b, C, 40, vd, 4, NULL, 0, &dj, 1);
	conf(b, A, 40, v, 3, &dgone, 1, NULL, 0);
	conf(b, C, 40, v, 3, &dgone, 1, NULL, 0);
	conf(b, A, 40, ve, 4, NULL, 0, &ej, 1);
	conf(b, C, 40, ve, 4, NULL, 0, &ej, 1);
	conf(b, E, 40, ve, 4, NULL, 0, &ej, 1);
	record_ring_change(&b->l, b->inc[1], 40, call, r1);
	end_call(b);

	/* Node 2's: B enters V late, in the transitional configuration. */
	call = begin_call(b);
	conf(b, B, 41, v, 3, NULL, 0, &cj, 1);
	conf(b, B, 41, vd, 4, NULL, 0, &dj, 1);
	conf(b, B, 41, v, 3, &dgone, 1, NULL, 0);
	conf(b, B, 41, ve, 4, NULL, 0, &ej, 1);
	record_ring_change(&b->l, b->inc[2], 41, call, r1);
	end_call(b);
	b->ring = r1;
	b->l.end_time = 1000;
}

/*
 * Not a violation, the other way round (seed 6001606, 8 nodes, loss): A
 * leaves a view once in the regular configuration and once in the
 * transitional one, B both times in the transitional one.  Node 1
 * delivers B's join and D's in the regular configuration of 1.10, so A
 * enters W = {A, B} and leaves it for {W, D} there; node 2 delivers them,
 * B's own join first, only in the call that moves it to 1.20.  There both
 * see D go (PROCDOWN) and E join.  Counting departures within one
 * configuration made A's departure to E its first in the transitional one
 * and paired it with B's first there (to D); counted over the ring, both
 * are the second.
 */
static void build_late_self_join(struct b *b)
{
	const struct kp_address a = { 1, 1000, 0 }, bb = { 2, 1001, 0 };
	const struct kp_address d = { 1, 1002, 0 }, e = { 1, 1003, 0 };
	const struct kp_address aj = { 1, 1000, KP_REASON_JOIN };
	const struct kp_address bj = { 2, 1001, KP_REASON_JOIN };
	const struct kp_address dj = { 1, 1002, KP_REASON_JOIN };
	const struct kp_address ej = { 1, 1003, KP_REASON_JOIN };
	const struct kp_address dgone = { 1, 1002, KP_REASON_PROCDOWN };
	struct kp_address w[2] = { a, bb }, wd[3] = { a, d, bb };
	struct kp_address we[3] = { a, e, bb };
	struct kp_ring_id id1 = { 1, 0, 20 };
	uint32_t nodes[2] = { 1, 2 }, r1;
	const uint32_t A = 0, B = 1, D = 2, E = 3;
	uint64_t call;

	build_two(b);
	r1 = record_ring(&b->l, &id1, nodes, 2);
	record_proc(&b->l, 1, b->inc[1], 0);
	record_proc(&b->l, 1, b->inc[1], 0);
	vec_push(&b->l.procs.v[D].joins, 25);
	vec_push(&b->l.procs.v[E].joins, 34);
	b->l.procs.v[D].end = END_DETACH;
	b->l.procs.v[D].end_time = 35;

	/* Node 1, regular configuration of 1.10: W, then W + D. */
	conf(b, A, 10, &a, 1, NULL, 0, &aj, 1);
	conf(b, A, 20, w, 2, NULL, 0, &bj, 1);
	conf(b, A, 30, wd, 3, NULL, 0, &dj, 1);
	conf(b, D, 30, wd, 3, NULL, 0, &dj, 1);

	/* Node 1's call that installs 1.20: W, W + E. */
	call = begin_call(b);
	conf(b, A, 40, w, 2, &dgone, 1, NULL, 0);
	conf(b, A, 40, we, 3, NULL, 0, &ej, 1);
	conf(b, E, 40, we, 3, NULL, 0, &ej, 1);
	record_ring_change(&b->l, b->inc[1], 40, call, r1);
	end_call(b);

	/* Node 2's: B's own join, then W + D, W, W + E. */
	call = begin_call(b);
	conf(b, B, 41, w, 2, NULL, 0, &bj, 1);
	conf(b, B, 41, wd, 3, NULL, 0, &dj, 1);
	conf(b, B, 41, w, 2, &dgone, 1, NULL, 0);
	conf(b, B, 41, we, 3, NULL, 0, &ej, 1);
	record_ring_change(&b->l, b->inc[2], 41, call, r1);
	end_call(b);
	b->ring = r1;
	b->l.end_time = 1000;
}

/*
 * Liveness behind a backlog.  Node 1's process A queued ten messages before
 * the window converged (at 100; bound 20); the ring orders them one per 15
 * from 115 to 250, and A's message sent at 105 behind them at 265: clean,
 * though 160 after it was sent, as each came within the bound of the one
 * queued before it.  B (node 2, nothing queued) sends one at 110, delivered
 * at 120.  LIVE_STALL: the ring stops for 45 after the fifth: liveness.
 * LIVE_STARVED: B's message waits until A's backlog is through (255),
 * although node 2 had nothing else queued: liveness (a bound that only
 * allowed for everything queued anywhere would have let it pass).
 */
enum live_case { LIVE_DRAIN, LIVE_STALL, LIVE_STARVED };

static void build_backlog(struct b *b, enum live_case lc)
{
	const struct kp_address a = { 1, 1000, 0 }, bb = { 2, 1001, 0 };
	const struct kp_address aj = { 1, 1000, KP_REASON_JOIN };
	const struct kp_address bj = { 2, 1001, KP_REASON_JOIN };
	struct kp_address ab[2] = { a, bb };
	uint32_t m[11], mb, i;
	uint64_t t, tb = lc == LIVE_STARVED ? 255 : 120;
	const uint32_t A = 0, B = 1;
	struct window *w;
	int b_done = 0;

	build_two(b);
	w = vec_add(&b->l.windows);
	w->start = 90;
	w->converge = 100;
	w->bound = 20;
	w->end = 1000;

	conf(b, A, 10, &a, 1, NULL, 0, &aj, 1);
	totem(b, A, 10, b->ring);
	conf(b, A, 20, ab, 2, NULL, 0, &bj, 1);
	conf(b, B, 20, ab, 2, NULL, 0, &bj, 1);
	totem(b, B, 20, b->ring);

	for (i = 0; i < 10; i++)
		m[i] = send(b, A, KP_AGREED, 50);
	m[10] = send(b, A, KP_AGREED, 105);
	mb = send(b, B, KP_AGREED, 110);
	for (i = 0; i <= 10; i++) {
		t = 115 + 15 * i + (lc == LIVE_STALL && i >= 5 ? 45 : 0);
		if (!b_done && tb < t) {
			rx(b, mb, b->inc[1], 2, tb);
			deliver(b, A, mb, tb, PAYLOAD_OK);
			deliver(b, B, mb, tb, PAYLOAD_OK);
			b_done = 1;
		}
		rx(b, m[i], b->inc[2], 1, t);
		deliver(b, A, m[i], t, PAYLOAD_OK);
		deliver(b, B, m[i], t, PAYLOAD_OK);
	}
	b->l.end_time = 1000;
}

/*
 * Run the checker on the log built in @b and free it: it must report
 * exactly invariant @want (-1: nothing).
 */
static void judge(struct b *b, int want, const char *what, unsigned *passed,
		  unsigned *failed)
{
	uint32_t mask = want < 0 ? 0 : 1u << want;
	struct check_result res;

	check_result_init(&res);
	check_run(&b->l, &res);
	if (check_mask(&res) == mask) {
		(*passed)++;
	} else {
		(*failed)++;
		printf("FAIL checker: %s: want %s, got mask 0x%x\n", what,
		       want < 0 ? "nothing" : inv_name(want), check_mask(&res));
		check_report(stdout, &res);
	}
	check_result_free(&res);
	record_free(&b->l);
}

static void backlog_case(enum live_case lc, unsigned *passed, unsigned *failed)
{
	static const char *const what[] = {
		"a backlog draining message by message",
		"a ring that stops behind a backlog",
		"a sender waiting while the ring orders another node's backlog",
	};
	struct b b;

	build_backlog(&b, lc);
	judge(&b, lc == LIVE_DRAIN ? -1 : INV_LIVENESS, what[lc], passed, failed);
}

/*
 * A move to a new ring that an allocation failure cut in two: node 1,
 * leaving ring 1.10 for 1.14 alone, delivers A's SAFE m0 (which node 2
 * never received, allowed in the transitional configuration {1}), its
 * next allocation fails, and the next call of node 1 finishes the move:
 * B's NODEDOWN, ring 1.14.  The delivery belongs to the move although it
 * is not in the same call (seeds 7310215 and others of --alloc-fail 20000
 * before the checker knew).  Without the allocation failure, or with a
 * call of node 1 between the two that did not fail, it was a delivery in
 * ring 1.10 before node 2 had m0: safe-stability.
 */
enum split_case { SPLIT_NOMEM, SPLIT_PLAIN, SPLIT_GAP, SPLIT_NR };

static void build_split_install(struct b *b, enum split_case sc)
{
	const struct kp_address a = { 1, 1000, 0 }, bb = { 2, 1001, 0 };
	const struct kp_address aj = { 1, 1000, KP_REASON_JOIN };
	const struct kp_address bj = { 2, 1001, KP_REASON_JOIN };
	const struct kp_address bdown = { 2, 1001, KP_REASON_NODEDOWN };
	const struct kp_address adown = { 1, 1000, KP_REASON_NODEDOWN };
	struct kp_address ab[2] = { a, bb };
	struct kp_ring_id id1 = { 1, 0, 14 }, id2 = { 2, 0, 14 };
	uint32_t one = 1, two = 2, r1, r2, m0;
	const uint32_t A = 0, B = 1;
	uint64_t call;

	build_two(b);
	r1 = record_ring(&b->l, &id1, &one, 1);
	r2 = record_ring(&b->l, &id2, &two, 1);
	conf(b, A, 10, &a, 1, NULL, 0, &aj, 1);
	conf(b, A, 20, ab, 2, NULL, 0, &bj, 1);
	conf(b, B, 20, ab, 2, NULL, 0, &bj, 1);
	m0 = send(b, A, KP_SAFE, 30);

	/* Node 1: m0, then the allocation failure ends the call. */
	deliver(b, A, m0, 40, PAYLOAD_OK);
	record_call_end(&b->l, b->inc[1], b->call, sc != SPLIT_PLAIN);
	if (sc == SPLIT_GAP)
		record_call_end(&b->l, b->inc[1], ++b->call, 0);
	/* Its next call: B's NODEDOWN, ring 1.14. */
	call = begin_call(b);
	conf(b, A, 41, &a, 1, &bdown, 1, NULL, 0);
	record_ring_change(&b->l, b->inc[1], 41, call, r1);
	totem(b, A, 41, r1);
	end_call(b);
	record_call_end(&b->l, b->inc[1], call, 0);

	/* Node 2 alone, without m0: A's NODEDOWN, ring 2.14. */
	call = begin_call(b);
	conf(b, B, 42, &bb, 1, &adown, 1, NULL, 0);
	record_ring_change(&b->l, b->inc[2], 42, call, r2);
	totem(b, B, 42, r2);
	end_call(b);
	b->l.end_time = 1000;
}

static void split_case(enum split_case sc, unsigned *passed, unsigned *failed)
{
	static const char *const what[SPLIT_NR] = {
		"a move to a new ring split by an allocation failure",
		"a delivery in the old ring the call before the move",
		"a delivery in the old ring a call before the move",
	};
	struct b b;

	build_split_install(&b, sc);
	judge(&b, sc == SPLIT_NOMEM ? -1 : INV_SAFE, what[sc], passed, failed);
}

/* A history the checker must find clean. */
static void quiet(void (*build_log)(struct b *b), const char *what,
		  unsigned *passed, unsigned *failed)
{
	struct b b;

	build_log(&b);
	judge(&b, -1, what, passed, failed);
}

void test_checker_logs(unsigned *passed, unsigned *failed)
{
	int v;

	for (v = 0; v < V_NR; v++) {
		char what[32];
		struct b b;

		snprintf(what, sizeof(what), "log variant %d", v);
		build(&b, (enum variant)v);
		judge(&b, expect[v], what, passed, failed);
	}
	quiet(build_partition, "different transitional configurations",
	      passed, failed);
	quiet(build_pause_leave, "a leave in a configuration the peer was not in",
	      passed, failed);
	quiet(build_late_join, "one view entered in two configurations",
	      passed, failed);
	quiet(build_late_self_join, "one view left in two configurations",
	      passed, failed);
	backlog_case(LIVE_DRAIN, passed, failed);
	backlog_case(LIVE_STALL, passed, failed);
	backlog_case(LIVE_STARVED, passed, failed);
	split_case(SPLIT_NOMEM, passed, failed);
	split_case(SPLIT_PLAIN, passed, failed);
	split_case(SPLIT_GAP, passed, failed);
}
