// SPDX-License-Identifier: GPL-2.0 OR BSD-3-Clause
/*
 * kcpg protocol core: a node's life cycle, configuration and snapshots.
 */
#include "kp_int.h"
#include "kp_wire.h"

#define KP_MS	1000000ull

void kp_config_default(struct kp_config *cfg, kp_u32 nodeid)
{
	kp_memset(cfg, 0, sizeof(*cfg));
	cfg->nodeid = nodeid;
	cfg->mtu = 1400;
	cfg->max_msg = 1024 * 1024;
	cfg->window = 50;
	cfg->token_timeout = 1000 * KP_MS;
	cfg->retransmit_timeout = 200 * KP_MS;
	cfg->hold_timeout = 180 * KP_MS;
	cfg->join_timeout = 50 * KP_MS;
	cfg->consensus_timeout = 1200 * KP_MS;
	cfg->merge_timeout = 200 * KP_MS;
	cfg->max_backlog = 512;
}

/* Values that would break the protocol are raised to the least that works. */
static void kp_config_fix(struct kp_config *c)
{
	if (c->mtu < 512)
		c->mtu = 512;
	if (c->mtu > 65000)
		c->mtu = 65000;
	if (c->max_msg > (1u << 30))
		c->max_msg = 1u << 30;
	if (c->window < 1)
		c->window = 1;
	if (c->max_backlog < 1)
		c->max_backlog = 1;
	if (!c->token_timeout)
		c->token_timeout = 1000 * KP_MS;
	if (!c->retransmit_timeout || c->retransmit_timeout > c->token_timeout)
		c->retransmit_timeout = c->token_timeout / 4;
	if (c->hold_timeout >= c->token_timeout)
		c->hold_timeout = c->token_timeout / 2;
	if (!c->join_timeout)
		c->join_timeout = 50 * KP_MS;
	if (c->consensus_timeout <= c->join_timeout)
		c->consensus_timeout = 2 * c->join_timeout + c->token_timeout;
	if (!c->merge_timeout)
		c->merge_timeout = 200 * KP_MS;
}

struct kp_node *kp_node_create(const struct kp_config *cfg,
			       const struct kp_ops *ops, void *ctx,
			       kp_u64 now, kp_u64 seed)
{
	struct kp_node *n;

	if (!cfg || !ops || !cfg->nodeid || cfg->nodeid == 0xffffffffu)
		return KP_NULL;
	n = ops->alloc(ctx, sizeof(*n));
	if (!n)
		return KP_NULL;
	kp_memset(n, 0, sizeof(*n));
	n->cfg = *cfg;
	kp_config_fix(&n->cfg);
	n->ops = ops;
	n->ctx = ctx;
	n->rng = seed ^ ((kp_u64)cfg->nodeid << 32);
	n->now = now;
	n->sq_tail = &n->sq_head;
	n->state = KP_ST_OPERATIONAL;
	/*
	 * The one-member ring of a new node.  Its seq comes from the clock so
	 * that a restarted node does not reuse a ring id of its previous life.
	 */
	n->ring.id.rep = cfg->nodeid;
	n->ring.id.seq = ((now >> 10) & ~3ull) + 4;
	n->max_ring_seq = n->ring.id.seq;
	kp_set_add(&n->ring.memb, cfg->nodeid);
	n->cur = &n->rs[0];
	kp_rs_init(n->cur, &n->ring, cfg->nodeid);
	kp_set_add(&n->known, cfg->nodeid);
	n->stats.configs = 1;
	return n;
}

void kp_node_destroy(struct kp_node *n)
{
	if (!n)
		return;
	kp_sq_destroy(n);
	kp_rs_free(n, &n->rs[0]);
	kp_rs_free(n, &n->rs[1]);
	while (n->xstates) {
		struct kp_xstate *x = n->xstates;

		n->xstates = x->next;
		kp_free(n, x);
	}
	while (n->handles) {
		struct kp_handle *h = n->handles;

		n->handles = h->next;
		kp_free(n, h);
	}
	kp_cpg_destroy(n);
	n->ops->free(n->ctx, n);
}

/*
 * Only a failed allocation leaves a ring of one with queued requests or
 * deliveries it could not make.  A bigger ring retries at its next token
 * visit; a node alone has no token, and (no peers) no merge probe either,
 * and its processes may be waiting for exactly that message before they
 * call again.  So it retries on a timer of its own while work is left.
 */
static void kp_alone_retry_arm(struct kp_node *n)
{
	kp_u64 when = 0;

	if (n->sq_head || n->order_stalled)
		when = n->now + n->cfg.retransmit_timeout;
	if (!when || !n->timer[KP_TIMER_RETRY])
		kp_timer_set(n, KP_TIMER_RETRY, when);
}

/*
 * Something received here waits for the token to move (a hole, or a SAFE
 * message below the safe line).  A delivery that failed for memory
 * (order_stalled) does not: every call into the core retries it, and
 * moving the token would only spin an idle ring while memory is short.
 */
static int kp_wants_rotation(const struct kp_node *n)
{
	return kp_rs_waiting(n->cur) && !n->order_stalled;
}

/*
 * Work left by whatever just happened, done at the end of every entry
 * point (never inside a delivery): pending expels, a held token to let go,
 * a ring of one to order, a stalled delivery to retry.
 */
void kp_after(struct kp_node *n)
{
	int round;

	for (round = 0; round < 4; round++) {
		if (n->state == KP_ST_RECOVERY)
			kp_install_try(n);
		if (n->expel_list)
			kp_run_expels(n);
		if (n->xchg && !n->xchg_queued && n->ring.memb.n > 1 &&
		    n->state == KP_ST_OPERATIONAL)
			kp_xchg_queue_state(n);
		if (n->state == KP_ST_OPERATIONAL) {
			if (n->ring.memb.n == 1) {
				kp_local_visit(n);
				kp_alone_retry_arm(n);
			} else {
				if (n->order_stalled)
					kp_order_run(n);
				if (n->holding && kp_wants_rotation(n))
					kp_token_release(n, 0);
				else if (n->sq_pending && n->holding)
					kp_token_release(n, 1);
				else if (n->idle_seen &&
					 (n->sq_pending || kp_wants_rotation(n)))
					kp_hold_cancel_send(n);
			}
		}
		if (!n->expel_list)
			break;
	}
}

int kp_peer_add(struct kp_node *n, kp_u32 nodeid, kp_u64 now)
{
	int rc;

	n->now = now;
	if (!nodeid || nodeid == 0xffffffffu)
		return KP_EINVAL;
	if (nodeid == n->cfg.nodeid)
		return 0;
	rc = kp_set_add(&n->peers, nodeid);
	if (rc < 0)
		return KP_ENOMEM;
	if (rc > 0 && n->state == KP_ST_OPERATIONAL) {
		/* A ring of one leaves it to look for its peers; a bigger
		 * ring finds the newcomer through its merge probes.
		 */
		if (n->ring.memb.n == 1)
			kp_gather_enter(n);
		else
			kp_merge_arm(n);
	}
	kp_after(n);
	return 0;
}

int kp_peer_remove(struct kp_node *n, kp_u32 nodeid, kp_u64 now)
{
	n->now = now;
	if (!kp_set_has(&n->peers, nodeid))
		return KP_ENOENT;
	kp_set_del(&n->peers, nodeid);
	if (kp_set_has(&n->cur->ring.memb, nodeid) ||
	    (n->state != KP_ST_OPERATIONAL && n->state != KP_ST_GATHER)) {
		/* Form the ring again without it. */
		if (n->state == KP_ST_GATHER) {
			kp_set_del(&n->proc, nodeid);
			kp_set_del(&n->fail, nodeid);
			kp_set_del(&n->cons, nodeid);
		} else {
			kp_gather_enter(n);
		}
	}
	if (!n->peers.n)
		kp_timer_set(n, KP_TIMER_MERGE, 0);
	kp_after(n);
	return 0;
}

static int kp_mcast_rx(struct kp_node *n, const void *pkt, kp_size len)
{
	struct kp_rstate *rs = n->cur;
	struct kp_mc m;
	int rc;

	if (kp_dec_mcast(n, pkt, len, &m))
		return KP_EPROTO;
	/* The old ring's messages are taken until we report what we hold
	 * (commit); after that they would make us differ from the others.
	 */
	if (n->state == KP_ST_COMMIT ||
	    kp_memcmp(&m.ring, &rs->ring.id, sizeof(m.ring)))
		return KP_EAGAIN;
	if (!kp_set_has(&rs->ring.memb, m.sender))
		return KP_EPROTO;
	if (n->tok_out && m.seq > n->tok_sent_seq)
		kp_tok_taken(n);	/* someone after us had the token */
	if (m.seq <= rs->my_aru || kp_rs_get(rs, m.seq))
		return KP_EAGAIN;	/* a copy of one we have */
	if ((m.flags & KP_MF_RECOVERED) && kp_rec_unpack(n, &m))
		return KP_EAGAIN;	/* no memory: as good as lost */
	rc = kp_rs_accept(n, rs, m.seq, pkt, (kp_u32)len);
	if (rc)
		return KP_EAGAIN;
	kp_order_run(n);
	return 0;
}

int kp_receive(struct kp_node *n, kp_u32 from, const void *pkt, kp_size len,
	       kp_u64 now)
{
	kp_u8 type = 0;
	int rc;

	n->now = now;
	n->stats.pkts_received++;
	rc = kp_dec_hdr(n, from, pkt, len, &type);
	if (!rc) {
		switch (type) {
		case KP_PT_MCAST:
			rc = kp_mcast_rx(n, pkt, len);
			break;
		case KP_PT_TOKEN:
			rc = kp_token_rx(n, from, pkt, len);
			break;
		case KP_PT_JOIN:
			rc = kp_join_rx(n, from, pkt, len);
			break;
		case KP_PT_COMMIT:
			rc = kp_commit_rx(n, from, pkt, len);
			break;
		case KP_PT_MERGE:
			rc = kp_merge_rx(n, from, pkt, len);
			break;
		case KP_PT_HOLD_CANCEL:
			rc = kp_hold_cancel_rx(n, from, pkt, len);
			break;
		default:
			rc = KP_EPROTO;
			break;
		}
	}
	if (rc) {
		n->stats.pkts_dropped++;
		kp_trace(n->cfg.nodeid, "drop", type, (kp_u64)(-rc));
	}
	kp_after(n);
	/* Duplicates and other rings' packets are normal: not an error. */
	return rc == KP_EPROTO ? KP_EPROTO : 0;
}

void kp_timer_fired(struct kp_node *n, enum kp_timer which, kp_u64 now)
{
	n->now = now;
	if ((unsigned int)which >= KP_TIMER_NR || !n->timer[which] ||
	    now < n->timer[which])
		return;		/* cancelled or re-armed since */
	n->timer[which] = 0;
	switch (which) {
	case KP_TIMER_TOKEN:
		/* Lost: the token of our ring, or the commit token or first
		 * token of the ring being formed (whatever our old ring was).
		 */
		if (n->state == KP_ST_COMMIT || n->state == KP_ST_RECOVERY ||
		    (n->state == KP_ST_OPERATIONAL && n->ring.memb.n > 1)) {
			n->stats.token_losses++;
			kp_gather_enter(n);
		}
		break;
	case KP_TIMER_RETRANSMIT:
		if (n->tok_out && n->state != KP_ST_GATHER) {
			kp_xmit(n, n->tok_dest, n->tokbuf, n->tokbuf_len);
			n->stats.retransmits++;
			kp_timer_set(n, KP_TIMER_RETRANSMIT,
				     now + n->cfg.retransmit_timeout);
		}
		break;
	case KP_TIMER_HOLD:
		if (n->holding)
			kp_token_release(n, 0);
		else
			n->cancel_sent = 0;	/* unanswered: ask again */
		break;
	case KP_TIMER_JOIN:
		kp_join_timeout(n);
		break;
	case KP_TIMER_CONSENSUS:
		kp_consensus_timeout(n);
		break;
	case KP_TIMER_MERGE:
		kp_merge_timeout(n);
		break;
	case KP_TIMER_RETRY:
		break;		/* kp_after() below retries */
	default:
		break;
	}
	kp_after(n);
}

void kp_ring_id_get(const struct kp_node *n, struct kp_ring_id *id)
{
	*id = n->ring.id;
}

kp_u32 kp_ring_nodes(const struct kp_node *n, kp_u32 *out, kp_u32 cap)
{
	kp_u32 k = kp_min32(cap, n->ring.memb.n);

	if (k && out)
		kp_memcpy(out, n->ring.memb.id, k * sizeof(*out));
	return n->ring.memb.n;
}

void kp_stats_get(const struct kp_node *n, struct kp_stats *st)
{
	*st = n->stats;
}
