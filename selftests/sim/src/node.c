// SPDX-License-Identifier: GPL-2.0 OR BSD-3-Clause
/*
 * Simulated nodes: the kp_ops callbacks a core calls, and a node's life
 * (create, crash, restart, pause, peers).  Every callback is recorded for the
 * checker and folded into the trace hash.
 */
#include <string.h>
#include <time.h>
#include "sim.h"
#include "payload.h"
#include "mutate.h"
#include "hmap.h"
#include "kp_wire.h"	/* the header's type byte, for coverage only */

static struct node *ctx_node(void *ctx)
{
	return ctx;
}

/*
 * The benchmark's clock: this thread's CPU time, so that other programs
 * sharing the machine do not inflate the core's figures (a wall clock
 * counts the time the process waits for a CPU).
 */
static uint64_t mono_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_THREAD_CPUTIME_ID, &ts);
	return (uint64_t)ts.tv_sec * 1000000000ULL + (uint64_t)ts.tv_nsec;
}

/* What reading the clock twice costs, subtracted from every measurement. */
static uint64_t clock_overhead(struct sim *s)
{
	int i;

	if (s->clock_cost)
		return s->clock_cost - 1;
	s->clock_cost = UINT64_MAX;
	for (i = 0; i < 1000; i++) {
		uint64_t a = mono_ns(), b = mono_ns();

		if (b - a + 1 < s->clock_cost)
			s->clock_cost = b - a + 1;
	}
	return s->clock_cost - 1;
}

static void *op_alloc(void *ctx, kp_size size)
{
	struct node *n = ctx_node(ctx);
	struct sim *s = n->sim;

	/* Not while the node is created: a module that cannot create its
	 * node fails to load, nothing for the simulator to check.
	 */
	if (s->o->alloc_fail_ppm && !n->dying && n->kp &&
	    rng_chance(&s->rng_net, s->o->alloc_fail_ppm)) {
		n->call_nomem = 1;
		return NULL;
	}
	return malloc(size ? size : 1);
}

static void op_free(void *ctx, void *ptr)
{
	(void)ctx;
	free(ptr);
}

static void do_send(struct node *n, kp_u32 dest, const void *pkt, kp_size len);

static void op_send(void *ctx, kp_u32 dest, const void *pkt, kp_size len)
{
	struct node *n = ctx_node(ctx);
	uint64_t t0;

	if (!n->sim->o->bench) {
		do_send(n, dest, pkt, len);
		return;
	}
	t0 = mono_ns();
	do_send(n, dest, pkt, len);
	n->sim->cb_in_call += mono_ns() - t0 + clock_overhead(n->sim);
}

/*
 * The Accelerated Ring, as the wire shows it: in one call the node passed
 * the token and then multicast (the visit's new messages follow the token).
 * A core that sent its burst before the token would never count here.
 */
static void wire_coverage(struct node *n, const void *pkt, kp_size len)
{
	const uint8_t *b = pkt;
	struct sim *s = n->sim;

	if (len < KP_HDR_LEN)
		return;
	if (b[1] == KP_PT_TOKEN) {
		n->tok_call = s->call;
	} else if (b[1] == KP_PT_MCAST && n->tok_call == s->call &&
		   n->accel_call != s->call) {
		n->accel_call = s->call;
		s->log.accel_visits++;
	}
}

static void do_send(struct node *n, kp_u32 dest, const void *pkt, kp_size len)
{
	struct sim *s = n->sim;
	uint32_t d;

	if (n->dying || !n->alive)
		return;		/* a crashing node has vanished from the wire */
	trace_u64(&s->tr, 0x5e4d0000ULL | n->id);
	trace_u64(&s->tr, dest);
	trace_bytes(&s->tr, pkt, len);
	trace_log(&s->tr, s->now, "node %u send -> %u len %zu", n->id, dest,
		  (size_t)len);
	if (!n->peers)
		record_api_err(&s->log, s->now, NO_IDX,
			       "node %u sent a datagram while configured alone",
			       n->id);
	if (len > s->cfg.mtu)
		record_api_err(&s->log, s->now, NO_IDX,
			       "node %u sent %zu bytes, mtu %u", n->id,
			       (size_t)len, s->cfg.mtu);
	wire_coverage(n, pkt, len);
	if (dest) {
		if (dest <= s->n_nodes && dest != n->id)
			net_send(s, n->id, dest, pkt, len);
		return;
	}
	for (d = 1; d <= s->n_nodes; d++)
		if (n->peers & (1ULL << d))
			net_send(s, n->id, d, pkt, len);
}

static void op_timer(void *ctx, enum kp_timer which, kp_u64 when)
{
	struct node *n = ctx_node(ctx);
	struct sim *s = n->sim;

	if (n->dying)
		return;
	if ((unsigned)which >= KP_TIMER_NR) {
		record_api_err(&s->log, s->now, NO_IDX,
			       "node %u armed unknown timer %d", n->id, which);
		return;
	}
	trace_u64(&s->tr, 0x71000000ULL | n->id << 8 | which);
	trace_u64(&s->tr, when);
	n->timer_gen[which]++;
	n->timer_when[which] = when;
	if (when != KP_NO_TIMER)
		sim_schedule(s, when > s->now ? when : s->now, EV_TIMER, n->id,
			     which, n->inc, n->timer_gen[which]);
}

static void observe_ring(struct sim *s, struct node *n);

/*
 * The record every callback starts from.  The node's ring is read first:
 * a call can both install a new ring and deliver in it (a representative
 * that sends its queued messages as soon as the ring is installed), and a
 * ring seen only after the call would put those deliveries in the old
 * ring's transitional configuration at a node whose processes get no totem
 * confchg (kp.h allows kp_ring_id_get() inside callbacks).
 */
static struct rec base_rec(struct sim *s, struct node *n, uint8_t kind)
{
	struct rec r;

	observe_ring(s, n);
	memset(&r, 0, sizeof(r));
	r.kind = kind;
	r.time = s->now;
	r.call = s->call;
	r.ring = n->ring;
	r.msg = NO_IDX;
	r.group = NO_IDX;
	return r;
}

static struct proc *callback_proc(struct sim *s, struct node *n,
				  struct kp_handle *h, const char *what)
{
	struct proc *p = proc_by_handle(n, h);

	if (!p)
		record_api_err(&s->log, s->now, NO_IDX,
			       "node %u: %s for an unknown handle", n->id, what);
	else if (kp_handle_ctx(h) != p)
		record_api_err(&s->log, s->now, p->idx,
			       "node %u: %s: kp_handle_ctx() lost the context",
			       n->id, what);
	return p;
}

static uint8_t *scratch(struct sim *s, size_t len)
{
	if (len > s->scratch_cap) {
		free(s->scratch);
		s->scratch_cap = len + 4096;
		s->scratch = xmalloc(s->scratch_cap);
	}
	return s->scratch;
}

static int op_deliver(void *ctx, struct kp_handle *h, const struct kp_msg *m)
{
	struct node *n = ctx_node(ctx);
	struct sim *s = n->sim;
	struct proc *p;
	struct payload_id id;
	struct rec r;
	uint8_t *buf;
	size_t total = 0, off = 0;
	uint32_t i;

	if (n->dying)
		return 0;
	if (s->o->bench) {
		s->n_deliveries++;	/* the benchmark times the core, not us */
		return 0;
	}
	p = callback_proc(s, n, h, "deliver");
	if (!p)
		return 0;
	if (p->refuse_at && ++p->ndeliv == p->refuse_at) {
		trace_u64(&s->tr, 0xef000000ULL | p->idx);
		trace_log(&s->tr, s->now, "node %u pid %u refuses a delivery (ring full)",
			  n->id, PID_BASE + p->idx);
		p->state = P_GONE;	/* being expelled: it sends no more */
		if (s->log.procs.v[p->idx].refused == NEVER)
			s->log.procs.v[p->idx].refused = s->now;
		return KP_EAGAIN;
	}
	for (i = 0; i < m->iovcnt; i++)
		total += m->iov[i].len;
	if (total != m->len)
		record_api_err(&s->log, s->now, p->idx,
			       "deliver: iov holds %zu bytes, len says %u",
			       total, m->len);
	buf = scratch(s, total);
	for (i = 0; i < m->iovcnt; i++) {
		if (m->iov[i].len)
			memcpy(buf + off, m->iov[i].base, m->iov[i].len);
		off += m->iov[i].len;
	}
	mutate_at_delivery(s, p, buf, total, m->guarantee);
	r = base_rec(s, n, REC_DELIVER);
	r.verdict = payload_verify(buf, total, &id);
	if (r.verdict != PAYLOAD_NO_HEAD && r.verdict != PAYLOAD_SHORT)
		r.msg = record_find_msg(&s->log, id.pid, id.seq);
	r.guarantee = m->guarantee;
	r.group = group_index(s, m->group);
	r.from_node = m->nodeid;
	r.from_pid = m->pid;
	r.len = (uint32_t)total;
	record_add(&s->log, p->idx, &r);
	s->n_deliveries++;
	trace_u64(&s->tr, 0xde000000ULL | p->idx);
	trace_u64(&s->tr, (uint64_t)m->nodeid << 32 | m->pid);
	trace_u64(&s->tr, (uint64_t)m->guarantee << 32 | r.group);
	/* Verified bytes are a function of (pid, seq, len): hash only those. */
	if (r.verdict == PAYLOAD_OK)
		trace_u64(&s->tr, (uint64_t)id.pid << 32 | id.seq);
	else
		trace_bytes(&s->tr, buf, total);
	trace_u64(&s->tr, total);
	trace_log(&s->tr, s->now, "node %u pid %u deliver from %u/%u %s seq %u len %zu g%u%s",
		  n->id, PID_BASE + p->idx, m->nodeid, m->pid,
		  m->guarantee == KP_UNORDERED ? "UNORDERED" :
		  m->guarantee == KP_FIFO ? "FIFO" :
		  m->guarantee == KP_AGREED ? "AGREED" : "SAFE",
		  id.seq, total, r.group,
		  r.verdict ? " CORRUPT" : "");
	return 0;
}

static int find_addr(const struct kp_address *a, uint32_t n, uint32_t nodeid,
		     uint32_t pid)
{
	uint32_t i;

	for (i = 0; i < n; i++)
		if (a[i].nodeid == nodeid && a[i].pid == pid)
			return (int)i;
	return -1;
}

static void trace_addrs(struct trace *t, const struct kp_address *a, uint32_t n)
{
	uint32_t i;

	trace_u64(t, n);
	for (i = 0; i < n; i++)
		trace_u64(t, (uint64_t)a[i].nodeid << 40 |
			  (uint64_t)a[i].pid << 8 | a[i].reason);
}

static void log_confchg(struct sim *s, struct node *n, struct proc *p,
			const struct kp_confchg *c)
{
	char buf[512];
	size_t o = 0;
	uint32_t i;

	if (!s->tr.verbose)
		return;
	o += snprintf(buf + o, sizeof(buf) - o, "members");
	for (i = 0; i < c->n_members && o < sizeof(buf) - 40; i++)
		o += snprintf(buf + o, sizeof(buf) - o, " %u/%u",
			      c->members[i].nodeid, c->members[i].pid);
	o += snprintf(buf + o, sizeof(buf) - o, " left");
	for (i = 0; i < c->n_left && o < sizeof(buf) - 40; i++)
		o += snprintf(buf + o, sizeof(buf) - o, " %u/%u:%u",
			      c->left[i].nodeid, c->left[i].pid,
			      c->left[i].reason);
	o += snprintf(buf + o, sizeof(buf) - o, " joined");
	for (i = 0; i < c->n_joined && o < sizeof(buf) - 40; i++)
		o += snprintf(buf + o, sizeof(buf) - o, " %u/%u:%u",
			      c->joined[i].nodeid, c->joined[i].pid,
			      c->joined[i].reason);
	trace_log(&s->tr, s->now, "node %u pid %u confchg g%u %s", n->id,
		  PID_BASE + p->idx, group_index(s, c->group), buf);
}

static int op_confchg(void *ctx, struct kp_handle *h, const struct kp_confchg *c)
{
	struct node *n = ctx_node(ctx);
	struct sim *s = n->sim;
	uint32_t pid, g;
	struct proc *p;
	struct rec r;
	int jl, ll;

	if (n->dying)
		return 0;
	p = callback_proc(s, n, h, "confchg");
	if (!p)
		return 0;
	pid = PID_BASE + p->idx;
	g = group_index(s, c->group);
	r = base_rec(s, n, REC_CONFCHG);
	r.group = g;
	r.ref = record_conf(&s->log, g, c);
	record_add(&s->log, p->idx, &r);
	trace_u64(&s->tr, 0xcc000000ULL | p->idx);
	trace_u64(&s->tr, g);
	trace_addrs(&s->tr, c->members, c->n_members);
	trace_addrs(&s->tr, c->left, c->n_left);
	trace_addrs(&s->tr, c->joined, c->n_joined);
	log_confchg(s, n, p, c);

	/* Follow the process's own state from its own events. */
	jl = find_addr(c->joined, c->n_joined, n->id, pid);
	ll = find_addr(c->left, c->n_left, n->id, pid);
	if (jl >= 0) {
		if (p->state != P_JOINING || g != p->group)
			record_api_err(&s->log, s->now, p->idx,
				       "confchg joins pid %u to g%u, not joining it",
				       pid, g);
		p->state = P_JOINED;
	} else if (ll >= 0) {
		if (c->left[ll].reason == KP_REASON_LEAVE) {
			if (p->state != P_LEAVING)
				record_api_err(&s->log, s->now, p->idx,
					       "confchg: pid %u left g%u without leaving",
					       pid, g);
			p->state = P_IDLE;
		} else {
			/* Expelled: the expelled() callback follows. */
			p->state = P_GONE;
		}
	} else if (p->state != P_JOINED && p->state != P_LEAVING) {
		record_api_err(&s->log, s->now, p->idx,
			       "confchg of g%u to pid %u, not a member", g, pid);
	}
	return 0;
}

static int op_totem_confchg(void *ctx, struct kp_handle *h,
			    const struct kp_totem_conf *t)
{
	struct node *n = ctx_node(ctx);
	struct sim *s = n->sim;
	uint32_t nodes[KP_MAX_NODES], cnt = t->n_nodes;
	struct proc *p;
	struct rec r;

	if (n->dying)
		return 0;
	p = callback_proc(s, n, h, "totem_confchg");
	if (!p)
		return 0;
	if (cnt > KP_MAX_NODES) {
		record_api_err(&s->log, s->now, p->idx,
			       "totem_confchg with %u nodes", cnt);
		cnt = KP_MAX_NODES;
	}
	if (cnt)
		memcpy(nodes, t->nodes, cnt * sizeof(*nodes));
	r = base_rec(s, n, REC_TOTEM);
	r.ref = record_ring(&s->log, &t->ring_id, nodes, cnt);
	if (r.ref != n->ring) {
		n->ring = r.ref;
		record_ring_change(&s->log, n->inc, s->now, s->call, n->ring);
	}
	r.ring = n->ring;
	record_add(&s->log, p->idx, &r);
	trace_u64(&s->tr, 0x7c000000ULL | p->idx);
	trace_u64(&s->tr, t->ring_id.rep);
	trace_u64(&s->tr, t->ring_id.seq);
	trace_bytes(&s->tr, nodes, cnt * sizeof(*nodes));
	trace_log(&s->tr, s->now, "node %u pid %u totem ring %u.%llu (%u nodes)",
		  n->id, PID_BASE + p->idx, t->ring_id.rep,
		  (unsigned long long)t->ring_id.seq, cnt);
	return 0;
}

static void op_expelled(void *ctx, struct kp_handle *h)
{
	struct node *n = ctx_node(ctx);
	struct sim *s = n->sim;
	struct proc *p;
	struct rec r;

	if (n->dying)
		return;
	p = callback_proc(s, n, h, "expelled");
	if (!p)
		return;
	r = base_rec(s, n, REC_EXPELLED);
	record_add(&s->log, p->idx, &r);
	p->state = P_GONE;
	trace_u64(&s->tr, 0xe0000000ULL | p->idx);
	trace_log(&s->tr, s->now, "node %u pid %u expelled", n->id,
		  PID_BASE + p->idx);
}

void node_ops_init(struct kp_ops *ops)
{
	memset(ops, 0, sizeof(*ops));
	ops->alloc = op_alloc;
	ops->free = op_free;
	ops->send = op_send;
	ops->timer = op_timer;
	ops->deliver = op_deliver;
	ops->confchg = op_confchg;
	ops->totem_confchg = op_totem_confchg;
	ops->expelled = op_expelled;
}

/* The node's ring as the core reports it now. */
static uint32_t poll_ring(struct sim *s, struct node *n)
{
	struct kp_ring_id id;
	uint32_t nodes[KP_MAX_NODES], cnt;

	kp_ring_id_get(n->kp, &id);
	cnt = kp_ring_nodes(n->kp, nodes, KP_MAX_NODES);
	if (cnt > KP_MAX_NODES)
		cnt = KP_MAX_NODES;
	return record_ring(&s->log, &id, nodes, cnt);
}

/* Record a ring change at this point of the node's stream. */
static void observe_ring(struct sim *s, struct node *n)
{
	uint32_t r;

	if (!n->alive || n->dying || !n->kp)
		return;
	r = poll_ring(s, n);
	if (r != n->ring) {
		n->ring = r;
		record_ring_change(&s->log, n->inc, s->now, s->call, r);
	}
}

void sim_call_begin(struct sim *s, struct node *n)
{
	n->call_nomem = 0;
	s->call++;
	if (s->o->bench) {
		s->cb_in_call = 0;
		s->call_t0 = mono_ns();
	}
}

void sim_call_end(struct sim *s, struct node *n)
{
	if (s->o->bench) {
		uint64_t d = mono_ns() - s->call_t0;

		d = d > clock_overhead(s) ? d - clock_overhead(s) : 0;
		s->core_ns += d > s->cb_in_call ? d - s->cb_in_call : 0;
		s->cb_ns += s->cb_in_call;
	}
	observe_ring(s, n);
	if (n->alive && !n->dying && n->kp)
		record_call_end(&s->log, n->inc, s->call, n->call_nomem);
}

void node_create(struct sim *s, uint32_t id)
{
	struct node *n = &s->nodes[id];
	struct kp_config cfg = s->cfg;
	uint32_t d, i;

	cfg.nodeid = id;
	n->sim = s;
	n->id = id;
	n->paused = 0;
	n->tx_clock = s->now;
	for (i = 0; i < KP_TIMER_NR; i++) {
		n->timer_gen[i]++;
		n->timer_when[i] = KP_NO_TIMER;
	}
	n->inc = s->log.incs.n;		/* the incarnation about to be recorded */
	n->alive = 1;
	s->call++;
	n->kp = kp_node_create(&cfg, &s->ops, n, s->now,
			       hcombine(s->seed, (uint64_t)id << 32 | n->inc));
	if (!n->kp) {
		fprintf(stderr, "kcpg-sim: kp_node_create(%u) failed\n", id);
		abort();
	}
	n->ring = poll_ring(s, n);
	record_inc(&s->log, id, s->now, n->ring);
	trace_u64(&s->tr, 0xc4ea0000ULL | id);
	trace_log(&s->tr, s->now, "node %u created (incarnation %u)", id, n->inc);
	for (d = 1; d <= s->n_nodes; d++) {
		if (n->peers & (1ULL << d)) {
			sim_call_begin(s, n);
			if (kp_peer_add(n->kp, d, s->now))
				record_api_err(&s->log, s->now, NO_IDX,
					       "kp_peer_add(%u, %u) failed", id, d);
			sim_call_end(s, n);
		}
	}
	for (i = 0; i < n->slots; i++)
		sim_schedule(s, s->now + rng_range(&s->rng_wl, 1000, 50000000),
			     EV_ATTACH, id, 0, n->inc, 0);
}

void node_crash(struct sim *s, uint32_t id)
{
	struct node *n = &s->nodes[id];
	uint32_t i;

	if (!n->alive)
		return;
	trace_u64(&s->tr, 0xc7a50000ULL | id);
	trace_log(&s->tr, s->now, "node %u crashes", id);
	n->dying = 1;
	proc_kill_all(s, n);
	s->call++;
	kp_node_destroy(n->kp);
	n->kp = NULL;
	for (i = 0; i < KP_TIMER_NR; i++)
		n->timer_gen[i]++;
	for (i = 0; i < n->deferred.n; i++) {
		const struct ev *e = &n->deferred.v[i];

		/* A peer change the paused node never applied is still the
		 * configuration it restarts with.
		 */
		if (e->type == EV_PEER) {
			if (e->gen)
				n->peers |= 1ULL << e->b;
			else
				n->peers &= ~(1ULL << e->b);
		}
		free(e->data);
	}
	n->deferred.n = 0;
	n->paused = 0;
	n->alive = 0;
	n->dying = 0;
	s->log.incs.v[n->inc].died = s->now;
}

void node_peer(struct sim *s, uint32_t id, uint32_t peer, int add)
{
	struct node *n = &s->nodes[id];
	int r;

	if (add)
		n->peers |= 1ULL << peer;
	else
		n->peers &= ~(1ULL << peer);
	trace_u64(&s->tr, 0x9e000000ULL | id << 16 | peer << 1 | !!add);
	trace_log(&s->tr, s->now, "node %u peer %s %u", id, add ? "add" : "remove",
		  peer);
	if (!n->alive)
		return;		/* applied when it restarts */
	sim_call_begin(s, n);
	r = add ? kp_peer_add(n->kp, peer, s->now) :
		  kp_peer_remove(n->kp, peer, s->now);
	sim_call_end(s, n);
	if (r)
		record_api_err(&s->log, s->now, NO_IDX, "kp_peer_%s(%u, %u) = %d",
			       add ? "add" : "remove", id, peer, r);
}

int node_defer(struct sim *s, uint32_t id, const struct ev *e)
{
	struct node *n = &s->nodes[id];

	if (!n->paused)
		return 0;
	/* A paused machine's socket buffer overflows eventually. */
	if (e->type == EV_PACKET && n->deferred.n >= 1024) {
		free(e->data);
		s->n_dropped++;
		return 1;
	}
	vec_push(&n->deferred, *e);
	return 1;
}

void node_pause(struct sim *s, uint32_t id, int pause)
{
	struct node *n = &s->nodes[id];
	uint32_t i;

	if (!n->alive)
		return;
	trace_u64(&s->tr, 0x9a000000ULL | id << 1 | !!pause);
	trace_log(&s->tr, s->now, "node %u %s", id, pause ? "paused" : "resumed");
	if (pause) {
		n->paused = 1;
		return;
	}
	n->paused = 0;
	/* Everything held runs now, in its original order. */
	for (i = 0; i < n->deferred.n; i++) {
		struct ev e = n->deferred.v[i];

		e.time = s->now;
		evq_push_keep(&s->q, &e);
	}
	n->deferred.n = 0;
}

void node_timer_event(struct sim *s, const struct ev *e)
{
	struct node *n = &s->nodes[e->a];

	if (!n->alive || e->inc != n->inc || e->gen != n->timer_gen[e->b])
		return;
	if (node_defer(s, e->a, e))
		return;
	n->timer_when[e->b] = KP_NO_TIMER;
	trace_u64(&s->tr, 0x7f000000ULL | e->a << 8 | e->b);
	sim_call_begin(s, n);
	kp_timer_fired(n->kp, (enum kp_timer)e->b, s->now);
	sim_call_end(s, n);
}

struct scan_ctx {
	struct sim *s;
	uint32_t inc, src;
	uint32_t heads;		/* distinct message heads seen (0, 1, 2+) */
	uint32_t head_pid, head_seq;
};

static void on_marker(void *arg, uint32_t pid, uint32_t seq, int tail)
{
	struct scan_ctx *c = arg;
	uint32_t m = record_find_msg(&c->s->log, pid, seq);

	/* Heads of two messages in one datagram: packing. */
	if (!tail && c->heads < 2) {
		if (!c->heads) {
			c->head_pid = pid;
			c->head_seq = seq;
			c->heads = 1;
		} else if (c->head_pid != pid || c->head_seq != seq) {
			c->heads = 2;
		}
	}

	if (m != NO_IDX)
		record_receipt(&c->s->log, m, c->inc, c->src, tail, c->s->now);
}

static void dump_packet(struct sim *s, const struct ev *e)
{
	char path[512];
	FILE *f;

	if (s->dumped >= s->o->dump_max)
		return;
	/* Keep a spread: every 7th datagram, not the first thousand. */
	if ((s->n_packets % 7) != 0)
		return;
	snprintf(path, sizeof(path), "%s/seed%llu-%u", s->o->dump_dir,
		 (unsigned long long)s->seed, s->dumped);
	f = fopen(path, "wb");
	if (!f)
		return;
	/* In the fuzz target's input format (fuzz/fuzz_receive.c): a formed
	 * ring, one datagram from its real sender.
	 */
	fputc(1, f);
	fputc((int)e->b, f);
	fputc((int)(e->len & 0xff), f);
	fputc((int)(e->len >> 8 & 0xff), f);
	fwrite(e->data, 1, e->len, f);
	fclose(f);
	s->dumped++;
}

void node_packet_event(struct sim *s, struct ev *e)
{
	struct node *n = &s->nodes[e->a];
	struct scan_ctx sc = { s, n->inc, e->b, 0, 0, 0 };
	int r;

	/* Datagrams in flight reach whatever incarnation is up on arrival: a
	 * restarted node must cope with its previous life's traffic.
	 */
	if (!n->alive || !net_reachable(s, e->b, e->a)) {
		free(e->data);
		s->n_dropped++;
		return;
	}
	if (node_defer(s, e->a, e))
		return;
	s->n_packets++;
	payload_scan(e->data, e->len, on_marker, &sc);
	if (sc.heads > 1)
		s->log.packed_dgrams++;
	if (s->o->dump_dir)
		dump_packet(s, e);
	trace_u64(&s->tr, 0x4ec00000ULL | e->a << 8 | e->b);
	sim_call_begin(s, n);
	r = kp_receive(n->kp, e->b, e->data, e->len, s->now);
	sim_call_end(s, n);
	trace_u64(&s->tr, (uint64_t)(int64_t)r);
	trace_log(&s->tr, s->now, "node %u recv from %u len %u -> %d", e->a, e->b,
		  e->len, r);
	free(e->data);
	e->data = NULL;
}
