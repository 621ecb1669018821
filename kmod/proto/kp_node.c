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
	n->stats.configs = 1;
	return n;
}

void kp_node_destroy(struct kp_node *n)
{
	if (!n)
		return;
	kp_sq_destroy(n);
	while (n->handles) {
		struct kp_handle *h = n->handles;

		n->handles = h->next;
		kp_free(n, h);
	}
	kp_cpg_destroy(n);
	n->ops->free(n->ctx, n);
}

int kp_peer_add(struct kp_node *n, kp_u32 nodeid, kp_u64 now)
{
	n->now = now;
	if (!nodeid || nodeid == 0xffffffffu)
		return KP_EINVAL;
	if (nodeid == n->cfg.nodeid)
		return 0;
	if (kp_set_add(&n->peers, nodeid) < 0)
		return KP_ENOMEM;
	return 0;
}

int kp_peer_remove(struct kp_node *n, kp_u32 nodeid, kp_u64 now)
{
	n->now = now;
	if (!kp_set_has(&n->peers, nodeid))
		return KP_ENOENT;
	kp_set_del(&n->peers, nodeid);
	return 0;
}

int kp_receive(struct kp_node *n, kp_u32 from, const void *pkt, kp_size len,
	       kp_u64 now)
{
	(void)from;
	(void)pkt;
	(void)len;
	n->now = now;
	n->stats.pkts_received++;
	n->stats.pkts_dropped++;
	return KP_EPROTO;
}

void kp_timer_fired(struct kp_node *n, enum kp_timer which, kp_u64 now)
{
	(void)which;
	n->now = now;
}

void kp_sq_kick(struct kp_node *n)
{
	(void)n;
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
