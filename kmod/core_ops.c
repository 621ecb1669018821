// SPDX-License-Identifier: GPL-2.0
/*
 * kcpg: the embedder side of the protocol core (struct kp_ops).
 *
 * Every callback runs inside a core call, so with kcpg_net.lock held and in
 * process context.
 */
#include <linux/error-injection.h>
#include <linux/mm.h>
#include <linux/slab.h>

#include "kcpg.h"
#include "trace.h"

/*
 * Every allocation of the protocol core goes through here: membership
 * records, send requests and their packets, reassembly buffers, exchange
 * state.  Most of them happen in the instance's ordered worker (timers,
 * received datagrams), where fail-nth, which only counts the calling
 * task's allocations, never reaches; and they are kmalloc()s of many
 * sizes, no cache of kcpg's own.  So this is a fault point of its own
 * (fail_function, NULL): the core copes with a NULL from here in every
 * context (the simulator's --alloc-fail), and this lets the debug lane
 * prove it in the kernel.  noinline: an injection replaces the whole call.
 */
static noinline void *kcpg_kp_alloc(void *ctx, kp_size size)
{
	/* Core state is the node's, not one process's: not charged. */
	return kvmalloc(size, GFP_KERNEL);
}

ALLOW_ERROR_INJECTION(kcpg_kp_alloc, NULL);

static void kcpg_kp_free(void *ctx, void *ptr)
{
	kvfree(ptr);
}

static void kcpg_kp_send(void *ctx, kp_u32 dest, const void *pkt, kp_size len)
{
	kcpg_transport_send(ctx, dest, pkt, len);
}

static void kcpg_kp_timer(void *ctx, enum kp_timer which, kp_u64 when)
{
	kcpg_timers_arm(ctx, which, when);
}

static struct kcpg_handle *to_handle(struct kp_handle *kph)
{
	return kp_handle_ctx(kph);
}

static int kcpg_kp_deliver(void *ctx, struct kp_handle *kph,
			   const struct kp_msg *m)
{
	struct kcpg_handle *h = to_handle(kph);

	trace_kcpg_deliver(h->report_pid, m->nodeid, m->pid, m->guarantee,
			   m->len);
	return kcpg_ring_put_msg(h, m) ? KP_EAGAIN : 0;
}

static int kcpg_kp_confchg(void *ctx, struct kp_handle *kph,
			   const struct kp_confchg *c)
{
	struct kcpg_handle *h = to_handle(kph);

	trace_kcpg_confchg(h->report_pid, c->n_members, c->n_left, c->n_joined);
	return kcpg_ring_put_confchg(h, c) ? KP_EAGAIN : 0;
}

static int kcpg_kp_totem(void *ctx, struct kp_handle *kph,
			 const struct kp_totem_conf *t)
{
	trace_kcpg_totem_confchg(t->ring_id.rep, t->ring_id.seq, t->n_nodes);
	return kcpg_ring_put_totem(to_handle(kph), t) ? KP_EAGAIN : 0;
}

static void kcpg_kp_expelled(void *ctx, struct kp_handle *kph)
{
	struct kcpg_handle *h = to_handle(kph);

	trace_kcpg_expel(h->report_pid);
	atomic64_inc(&h->kn->expelled);
	kcpg_ring_put_expelled(h);
}

static void kcpg_kp_token(void *ctx, kp_u64 ring_seq, kp_u64 seq, kp_u64 aru,
			  kp_u32 rtr_n)
{
	struct kcpg_net *kn = ctx;

	trace_kcpg_token(kn->nodeid, ring_seq, seq, aru, rtr_n);
}

static void kcpg_kp_retransmit(void *ctx, kp_u64 ring_seq, kp_u64 seq)
{
	struct kcpg_net *kn = ctx;

	trace_kcpg_retransmit(kn->nodeid, ring_seq, seq);
}

const struct kp_ops kcpg_kp_ops = {
	.alloc = kcpg_kp_alloc,
	.free = kcpg_kp_free,
	.send = kcpg_kp_send,
	.timer = kcpg_kp_timer,
	.deliver = kcpg_kp_deliver,
	.confchg = kcpg_kp_confchg,
	.totem_confchg = kcpg_kp_totem,
	.expelled = kcpg_kp_expelled,
	.token = kcpg_kp_token,
	.retransmit = kcpg_kp_retransmit,
};
