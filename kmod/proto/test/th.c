// SPDX-License-Identifier: GPL-2.0 OR BSD-3-Clause
/*
 * Test harness for the protocol core (see th.h).
 */
#include "th.h"

int th_failed_checks;
int th_trace_on;
int th_bench_mode;	/* kp-bench: deliveries only counted */
uint64_t th_clock;	/* the network's time, for the trace */

/* The core's trace points (kp_int.h), printed with KP_TEST_TRACE=1. */
void kp_trace(kp_u32 node, const char *ev, kp_u64 a, kp_u64 b);
void kp_trace(kp_u32 node, const char *ev, kp_u64 a, kp_u64 b)
{
	if (!th_trace_on)
		return;
	fprintf(stderr, "    %8.3f ms [%u] %s %llu %llu\n", th_clock / 1e6,
		node, ev, (unsigned long long)a, (unsigned long long)b);
}
const char *th_current = "";

static void *th_alloc(void *ctx, kp_size size)
{
	struct th_node *tn = ctx;

	tn->n_alloc_calls++;
	if (tn->fail_all || tn->n_alloc_calls == tn->fail_at ||
	    (tn->fail_over && size > tn->fail_over))
		return NULL;
	tn->allocs++;
	return malloc(size ? size : 1);
}

static void th_free_cb(void *ctx, void *ptr)
{
	struct th_node *tn = ctx;

	if (!ptr) {
		th_failed_checks++;
		fprintf(stderr, "  %s: core freed NULL\n", th_current);
		return;
	}
	tn->frees++;
	free(ptr);
}

static uint64_t th_rand(uint64_t *s)
{
	uint64_t x = *s ? *s : 88172645463325252ull;

	x ^= x << 13;
	x ^= x >> 7;
	x ^= x << 17;
	*s = x;
	return x;
}

static void th_enqueue(struct th_net *net, uint32_t from, uint32_t to,
		       const void *pkt, size_t len, uint64_t at)
{
	struct th_pkt *p = malloc(sizeof(*p) + len), **pp;

	p->at = at;
	p->from = from;
	p->to = to;
	p->len = len;
	memcpy(p->data, pkt, len);
	/* Most packets go last (fixed delays): keep that O(1). */
	if (net->q && net->q_tail && net->q_tail->at <= at) {
		p->next = NULL;
		net->q_tail->next = p;
		net->q_tail = p;
		return;
	}
	for (pp = &net->q; *pp && (*pp)->at <= at; pp = &(*pp)->next)
		;
	p->next = *pp;
	*pp = p;
	if (!p->next)
		net->q_tail = p;
}

/* Lose this datagram?  (loss_pct, of the loss_types only if set) */
static int th_lose(struct th_net *net, const void *pkt, size_t len)
{
	unsigned int type = len > 1 ? ((const unsigned char *)pkt)[1] : 0;

	if (!net->loss_pct)
		return 0;
	if (net->loss_types && (type > 31 || !(net->loss_types >> type & 1)))
		return 0;
	if (th_rand(&net->rng) % 100 >= net->loss_pct)
		return 0;
	net->lost[type & 7]++;
	return 1;
}

static void th_send_one(struct th_net *net, uint32_t from, uint32_t to,
			const void *pkt, size_t len)
{
	uint64_t d;
	int copies = 1;

	if (to < 1 || to > (uint32_t)net->n)
		return;
	if (net->cut[from - 1][to - 1])
		return;
	if (th_lose(net, pkt, len))
		return;
	if (net->dup_pct && th_rand(&net->rng) % 100 < net->dup_pct)
		copies = 2;
	while (copies--) {
		d = net->min_delay;
		if (net->max_delay > net->min_delay)
			d += th_rand(&net->rng) % (net->max_delay - net->min_delay);
		th_enqueue(net, from, to, pkt, len, net->now + d);
	}
}

static void th_send_cb(void *ctx, kp_u32 dest, const void *pkt, kp_size len)
{
	struct th_node *tn = ctx;
	struct th_net *net = tn->net;
	int i;

	tn->pkts_sent++;
	if (len > 1 && ((const unsigned char *)pkt)[1] < 32)
		tn->sent_type[((const unsigned char *)pkt)[1]]++;
	if (tn->mtu && len > tn->mtu) {
		th_failed_checks++;
		fprintf(stderr, "  %s: node %u sent %zu bytes, mtu %u\n",
			th_current, tn->nodeid, (size_t)len, tn->mtu);
	}
	if (!net || tn->down)
		return;
	if (dest) {
		th_send_one(net, tn->nodeid, dest, pkt, len);
		return;
	}
	for (i = 1; i <= net->n; i++)
		if ((uint32_t)i != tn->nodeid)
			th_send_one(net, tn->nodeid, i, pkt, len);
}

static void th_timer(void *ctx, enum kp_timer which, kp_u64 when)
{
	struct th_node *tn = ctx;

	tn->timers[which] = when;
}

static struct th_ev *th_ev_new(struct th_proc *p, enum th_ev_kind k,
			       const struct kp_name *g)
{
	struct th_ev *e;

	if (p->n_ev == p->cap_ev) {
		p->cap_ev = p->cap_ev ? 2 * p->cap_ev : 16;
		p->ev = realloc(p->ev, p->cap_ev * sizeof(*p->ev));
	}
	e = &p->ev[p->n_ev++];
	memset(e, 0, sizeof(*e));
	e->kind = k;
	if (g) {
		memcpy(e->group, g->value, g->length);
		e->group[g->length] = 0;
	}
	return e;
}

uint64_t th_hash(const void *buf, size_t len)
{
	const unsigned char *b = buf;
	uint64_t h = 1469598103934665603ull;
	size_t i;

	for (i = 0; i < len; i++) {
		h ^= b[i];
		h *= 1099511628211ull;
	}
	return h;
}

static void th_fill(unsigned char *b, uint32_t pid, uint32_t ctr,
		    uint32_t len)
{
	uint32_t i, x = pid * 2654435761u ^ ctr;

	for (i = 12; i < len; i++) {
		x = x * 1103515245u + 12345u;
		b[i] = (unsigned char)(x >> 16);
	}
}

/* Read the tag and check the bytes against what the sender wrote. */
static void th_tag_check(struct th_ev *e, const struct kp_msg *m)
{
	unsigned char *flat, *want;
	uint32_t i, off = 0, len;

	if (m->len < 12)
		return;
	flat = malloc(m->len);
	for (i = 0; i < m->iovcnt; i++) {
		memcpy(flat + off, m->iov[i].base, m->iov[i].len);
		off += m->iov[i].len;
	}
	memcpy(&e->tag_pid, flat, 4);
	memcpy(&e->tag_ctr, flat + 4, 4);
	memcpy(&len, flat + 8, 4);
	if (len == m->len) {
		want = malloc(len);
		memcpy(want, flat, 12);
		th_fill(want, e->tag_pid, e->tag_ctr, len);
		e->tag_ok = !memcmp(want, flat, len);
		free(want);
	}
	free(flat);
}

int th_send_tagged(struct th_proc *p, enum kp_guarantee g, uint32_t ctr,
		   uint32_t len)
{
	unsigned char *b;
	int rc;

	if (len < 12)
		len = 12;
	b = malloc(len);
	memcpy(b, &p->pid, 4);
	memcpy(b + 4, &ctr, 4);
	memcpy(b + 8, &len, 4);
	th_fill(b, p->pid, ctr, len);
	rc = th_send(p, g, b, len);
	/* The core read the bytes before returning: scribble over them. */
	memset(b, 0xa5, len);
	free(b);
	return rc;
}

int th_count_tagged(const struct th_proc *p, uint32_t pid)
{
	int i, c = 0;

	for (i = 0; i < p->n_ev; i++)
		if (p->ev[i].kind == EV_MSG && p->ev[i].tag_pid == pid)
			c++;
	return c;
}

static int th_find(const struct th_proc *p, uint32_t pid, uint32_t ctr)
{
	int i;

	for (i = 0; i < p->n_ev; i++)
		if (p->ev[i].kind == EV_MSG && p->ev[i].tag_pid == pid &&
		    p->ev[i].tag_ctr == ctr)
			return i;
	return -1;
}

int th_check_order(struct th_proc **procs, int n)
{
	int a, b, i, ok = 1;

	for (a = 0; a < n; a++) {
		const struct th_proc *p = procs[a];

		for (i = 0; i < p->n_ev; i++) {
			const struct th_ev *e = &p->ev[i];
			int j;

			if (e->kind != EV_MSG)
				continue;
			if (!e->tag_ok) {
				fprintf(stderr, "  %s: pid %u got a corrupt "
					"message %u/%u\n", th_current, p->pid,
					e->tag_pid, e->tag_ctr);
				ok = 0;
			}
			for (j = i + 1; j < p->n_ev; j++) {
				const struct th_ev *f = &p->ev[j];

				if (f->kind != EV_MSG || f->tag_pid != e->tag_pid)
					continue;
				if (f->tag_ctr <= e->tag_ctr) {
					fprintf(stderr, "  %s: pid %u: FIFO or "
						"duplicate: %u/%u then %u\n",
						th_current, p->pid, e->tag_pid,
						e->tag_ctr, f->tag_ctr);
					ok = 0;
				}
				break;
			}
		}
	}
	for (a = 0; a < n; a++) {
		for (b = a + 1; b < n; b++) {
			int last = -1;

			for (i = 0; i < procs[a]->n_ev; i++) {
				const struct th_ev *e = &procs[a]->ev[i];
				int k;

				if (e->kind != EV_MSG)
					continue;
				k = th_find(procs[b], e->tag_pid, e->tag_ctr);
				if (k < 0)
					continue;
				if (k < last) {
					fprintf(stderr, "  %s: pids %u and %u "
						"disagree on the order of "
						"%u/%u\n", th_current,
						procs[a]->pid, procs[b]->pid,
						e->tag_pid, e->tag_ctr);
					ok = 0;
					break;
				}
				last = k;
			}
		}
	}
	return ok;
}

static int th_refuse(struct th_proc *p)
{
	if (p->expelled) {
		th_failed_checks++;
		fprintf(stderr, "  %s: event after expel (pid %u)\n",
			th_current, p->pid);
	}
	if (p->refuse)
		return 1;
	if (p->refuse_after > 0 && --p->refuse_after == 0)
		p->refuse = 1;
	return 0;
}

static int th_deliver(void *ctx, struct kp_handle *h, const struct kp_msg *m)
{
	struct th_proc *p = kp_handle_ctx(h);
	struct th_ev *e;
	uint64_t hs = 1469598103934665603ull;
	uint32_t i, tot = 0;

	(void)ctx;
	if (th_bench_mode) {
		p->n_msgs++;
		return 0;
	}
	if (th_refuse(p))
		return KP_EAGAIN;
	e = th_ev_new(p, EV_MSG, m->group);
	e->nodeid = m->nodeid;
	e->pid = m->pid;
	e->guarantee = m->guarantee;
	e->len = m->len;
	e->iovcnt = m->iovcnt;
	e->first_base = m->iovcnt ? m->iov[0].base : NULL;
	for (i = 0; i < m->iovcnt; i++) {
		const unsigned char *b = m->iov[i].base;
		size_t j;

		for (j = 0; j < m->iov[i].len; j++) {
			hs ^= b[j];
			hs *= 1099511628211ull;
		}
		tot += m->iov[i].len;
	}
	if (tot != m->len) {
		th_failed_checks++;
		fprintf(stderr, "  %s: iov total %u != len %u\n", th_current,
			tot, m->len);
	}
	e->hash = hs;
	th_tag_check(e, m);
	return 0;
}

static int th_confchg(void *ctx, struct kp_handle *h,
		      const struct kp_confchg *c)
{
	struct th_proc *p = kp_handle_ctx(h);
	struct th_ev *e;
	uint32_t i;

	(void)ctx;
	if (th_refuse(p))
		return KP_EAGAIN;
	e = th_ev_new(p, EV_CONFCHG, c->group);
	e->n_members = c->n_members;
	e->n_left = c->n_left;
	e->n_joined = c->n_joined;
	if (c->n_members > 64 || c->n_left > 64 || c->n_joined > 64) {
		th_failed_checks++;
		return 0;
	}
	if (c->n_members)
		memcpy(e->members, c->members,
		       c->n_members * sizeof(*c->members));
	if (c->n_left)
		memcpy(e->left, c->left, c->n_left * sizeof(*c->left));
	if (c->n_joined)
		memcpy(e->joined, c->joined, c->n_joined * sizeof(*c->joined));
	for (i = 1; i < c->n_members; i++) {
		const struct kp_address *a = &c->members[i - 1], *b = &c->members[i];

		if (a->nodeid > b->nodeid ||
		    (a->nodeid == b->nodeid && a->pid >= b->pid)) {
			th_failed_checks++;
			fprintf(stderr, "  %s: member list not sorted\n",
				th_current);
		}
	}
	for (i = 0; i < c->n_members; i++)
		if (c->members[i].reason) {
			th_failed_checks++;
			fprintf(stderr, "  %s: member reason not 0\n",
				th_current);
		}
	return 0;
}

static int th_totem(void *ctx, struct kp_handle *h,
		    const struct kp_totem_conf *t)
{
	struct th_proc *p = kp_handle_ctx(h);
	struct th_ev *e;

	(void)ctx;
	if (th_refuse(p))
		return KP_EAGAIN;
	e = th_ev_new(p, EV_TOTEM, NULL);
	e->ring = t->ring_id;
	e->n_nodes = t->n_nodes;
	memcpy(e->nodes, t->nodes, t->n_nodes * sizeof(uint32_t));
	return 0;
}

static void th_expelled(void *ctx, struct kp_handle *h)
{
	struct th_proc *p = kp_handle_ctx(h);

	(void)ctx;
	if (p->expelled) {
		th_failed_checks++;
		fprintf(stderr, "  %s: expelled twice\n", th_current);
	}
	th_ev_new(p, EV_EXPELLED, NULL);
	p->expelled = 1;
}

static void th_token(void *ctx, kp_u64 ring_seq, kp_u64 seq, kp_u64 aru,
		     kp_u32 rtr_n)
{
	struct th_node *tn = ctx;

	/* (In recovery the token is the new ring's, not the installed one's.) */
	if (aru > seq || !ring_seq) {
		th_failed_checks++;
		fprintf(stderr, "  %s: token observer: ring %llu seq %llu aru %llu\n",
			th_current, (unsigned long long)ring_seq,
			(unsigned long long)seq, (unsigned long long)aru);
	}
	(void)rtr_n;
	tn->tokens++;
}

static void th_retransmit(void *ctx, kp_u64 ring_seq, kp_u64 seq)
{
	struct th_node *tn = ctx;

	(void)ring_seq;
	if (!seq) {
		th_failed_checks++;
		fprintf(stderr, "  %s: retransmit of message 0\n", th_current);
	}
	tn->retransmits++;
}

const struct kp_ops th_ops = {
	.alloc = th_alloc,
	.free = th_free_cb,
	.send = th_send_cb,
	.timer = th_timer,
	.deliver = th_deliver,
	.confchg = th_confchg,
	.totem_confchg = th_totem,
	.expelled = th_expelled,
	.token = th_token,
	.retransmit = th_retransmit,
};

struct th_node *th_node_new(uint32_t nodeid)
{
	struct th_node *tn = calloc(1, sizeof(*tn));
	struct kp_config cfg;

	tn->nodeid = nodeid;
	kp_config_default(&cfg, nodeid);
	tn->node = kp_node_create(&cfg, &th_ops, tn, 0, nodeid);
	if (!tn->node) {
		free(tn);
		return NULL;
	}
	return tn;
}

void th_node_free(struct th_node *tn)
{
	if (tn->node)
		kp_node_destroy(tn->node);
	if (tn->allocs != tn->frees) {
		th_failed_checks++;
		fprintf(stderr, "  %s: node %u leaked %ld allocations\n",
			th_current, tn->nodeid, tn->allocs - tn->frees);
	}
	free(tn);
}

struct th_proc *th_proc_new(struct th_node *tn, uint32_t pid)
{
	struct th_proc *p = calloc(1, sizeof(*p));

	p->tn = tn;
	p->pid = pid;
	p->h = kp_handle_attach(tn->node, p, pid, tn->net ? tn->net->now : 0);
	if (!p->h) {
		free(p);
		return NULL;
	}
	return p;
}

void th_proc_detach(struct th_proc *p)
{
	if (p->h)
		kp_handle_detach(p->tn->node, p->h,
				 p->tn->net ? p->tn->net->now : 0);
	p->h = NULL;
}

void th_proc_free(struct th_proc *p)
{
	th_proc_detach(p);
	free(p->ev);
	free(p);
}

struct kp_name th_name(const char *s)
{
	struct kp_name n;

	memset(&n, 0, sizeof(n));
	n.length = strlen(s);
	if (n.length > KP_NAME_MAX)
		n.length = KP_NAME_MAX + 1;
	else
		memcpy(n.value, s, n.length);
	return n;
}

static uint64_t th_now(struct th_proc *p)
{
	return p->tn->net ? p->tn->net->now : 0;
}

int th_join(struct th_proc *p, const char *g)
{
	struct kp_name n = th_name(g);

	return kp_join(p->tn->node, p->h, &n, th_now(p));
}

int th_leave(struct th_proc *p, const char *g)
{
	struct kp_name n = th_name(g);

	return kp_leave(p->tn->node, p->h, &n, th_now(p));
}

int th_send(struct th_proc *p, enum kp_guarantee g, const void *buf,
	    uint32_t len)
{
	struct kp_iov iov = { buf, len };

	return kp_mcast(p->tn->node, p->h, g, &iov, 1, len, th_now(p));
}

void th_clear(struct th_proc *p)
{
	p->n_ev = 0;
}

const struct th_ev *th_last(const struct th_proc *p)
{
	return p->n_ev ? &p->ev[p->n_ev - 1] : NULL;
}

int th_count(const struct th_proc *p, enum th_ev_kind k)
{
	int i, c = 0;

	for (i = 0; i < p->n_ev; i++)
		if (p->ev[i].kind == k)
			c++;
	return c;
}
