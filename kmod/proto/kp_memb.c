// SPDX-License-Identifier: GPL-2.0 OR BSD-3-Clause
/*
 * kcpg protocol core: forming a ring (gather and commit).
 *
 * Gather: every node broadcasts a JOIN with the nodes it wants in the ring
 * (proc) and the ones it gave up on (fail).  Both sets only grow within a
 * round, by union with every JOIN received, so the nodes that hear each
 * other converge on the same pair.  When every node of proc - fail has sent
 * exactly our pair, that is consensus.  Nodes that stay silent or disagree
 * until the consensus timeout are moved to fail.
 *
 * Commit: the smallest member (the new representative) sends a commit token
 * around the new ring twice.  On the first rotation every member writes in
 * where it comes from (old ring id, aru, highest seq held) and stops
 * accepting its old ring's messages; on the second every member reads what
 * all wrote and starts recovery.  Then the representative starts the token.
 */
#include "kp_int.h"
#include "kp_wire.h"

static void kp_join_send(struct kp_node *n)
{
	kp_u8 *b = n->jbuf;
	kp_u32 len = KP_JN_IDS + 4 * (n->proc.n + n->fail.n), i;

	kp_put_hdr(b, KP_PT_JOIN, n->cfg.nodeid, len);
	kp_put_ring(b, KP_JN_RING, &n->cur->ring.id);
	kp_put64(b, KP_JN_MAXSEQ, n->max_ring_seq);
	kp_put8(b, KP_JN_VMIN, KP_WIRE_VERSION_MIN);
	kp_put8(b, KP_JN_VMAX, KP_WIRE_VERSION_MAX);
	kp_put16(b, KP_JN_VMAX + 1, 0);
	kp_put32(b, KP_JN_ROUND, n->round);
	kp_put32(b, KP_JN_NPROC, n->proc.n);
	kp_put32(b, KP_JN_NFAIL, n->fail.n);
	for (i = 0; i < n->proc.n; i++)
		kp_put32(b, KP_JN_IDS + 4 * i, n->proc.id[i]);
	for (i = 0; i < n->fail.n; i++)
		kp_put32(b, KP_JN_IDS + 4 * (n->proc.n + i), n->fail.id[i]);
	kp_xmit(n, 0, b, len);
	kp_timer_set(n, KP_TIMER_JOIN, n->now + n->cfg.join_timeout);
}

static void kp_merge_send(struct kp_node *n)
{
	kp_u8 b[KP_RG_LEN];

	kp_put_hdr(b, KP_PT_MERGE, n->cfg.nodeid, KP_RG_LEN);
	kp_put_ring(b, KP_RG_RING, &n->ring.id);
	kp_xmit(n, 0, b, KP_RG_LEN);
}

/* Members that fit in one commit token of our MTU. */
static kp_u32 kp_memb_cap(const struct kp_node *n)
{
	return kp_min32((n->cfg.mtu - KP_CM_ENTRIES) / KP_CE_LEN,
			KP_MAX_NODES);
}

/*
 * Our ring is as large as a commit token allows and @from, above all its
 * members, could only ever be in a later block (kp_memb_block()): a gather
 * with it would form the same ring again.  Its merge probes and joins are
 * ignored, or a cluster larger than the limit would reform its full ring
 * every merge timeout.  A node below our highest member is heard: it may
 * belong in our block.
 */
static int kp_memb_full_above(const struct kp_node *n, kp_u32 from)
{
	const struct kp_nodeset *m = &n->ring.memb;

	return m->n >= kp_memb_cap(n) && from > m->id[m->n - 1];
}

/*
 * A representative looks for other rings while some peer is not in its,
 * unless its ring is full (the nodes left out form rings of their own and
 * probe, see kp_memb_full_above()).
 */
void kp_merge_arm(struct kp_node *n)
{
	kp_u32 i;

	if (n->state == KP_ST_OPERATIONAL &&
	    n->ring.memb.id[0] == n->cfg.nodeid &&
	    n->ring.memb.n < kp_memb_cap(n)) {
		for (i = 0; i < n->peers.n; i++) {
			if (!kp_set_has(&n->ring.memb, n->peers.id[i])) {
				kp_timer_set(n, KP_TIMER_MERGE,
					     n->now + n->cfg.merge_timeout);
				return;
			}
		}
	}
	kp_timer_set(n, KP_TIMER_MERGE, 0);
}

void kp_merge_timeout(struct kp_node *n)
{
	if (n->state != KP_ST_OPERATIONAL ||
	    n->ring.memb.id[0] != n->cfg.nodeid)
		return;
	kp_merge_send(n);
	kp_merge_arm(n);
}

/* Only configured peers (and we) can be in a ring of ours. */
static void kp_set_peers_only(const struct kp_node *n, struct kp_nodeset *s)
{
	kp_u32 i, k = 0;

	for (i = 0; i < s->n; i++)
		if (s->id[i] == n->cfg.nodeid || kp_set_has(&n->peers, s->id[i]))
			s->id[k++] = s->id[i];
	s->n = k;
}

void kp_gather_enter(struct kp_node *n)
{
	int from_commit = n->state == KP_ST_COMMIT ||
			  n->state == KP_ST_RECOVERY;
	kp_u32 i;

	if (n->state == KP_ST_GATHER)
		return;
	kp_trace(n->cfg.nodeid, "gather", n->state, n->cur->ring.id.seq);
	if (n->old) {
		/* Recovery failed: back to the old ring, which may have
		 * gained recovered messages (they are genuine).
		 */
		struct kp_rstate *fresh = n->cur;

		n->cur = n->old;
		n->old = KP_NULL;
		kp_rs_free(n, fresh);
	}
	n->proc = n->cur->ring.memb;
	if (from_commit)
		for (i = 0; i < n->commit.n; i++)
			kp_set_add(&n->proc, n->commit.e[i].node);
	kp_set_add(&n->proc, n->cfg.nodeid);
	kp_set_peers_only(n, &n->proc);
	kp_set_clear(&n->fail);
	kp_set_clear(&n->cons);
	kp_set_add(&n->cons, n->cfg.nodeid);
	n->state = KP_ST_GATHER;
	n->round++;
	n->holding = 0;
	n->tok_out = 0;
	n->install_seen = 0;
	n->install_sent = 0;
	n->idle_seen = 0;
	n->cancel_tries = 0;
	kp_timer_set(n, KP_TIMER_TOKEN, 0);
	kp_timer_set(n, KP_TIMER_RETRANSMIT, 0);
	kp_timer_set(n, KP_TIMER_HOLD, 0);
	kp_timer_set(n, KP_TIMER_MERGE, 0);
	kp_timer_set(n, KP_TIMER_RETRY, 0);
	kp_timer_set(n, KP_TIMER_CONSENSUS,
		     n->now + n->cfg.consensus_timeout);
	kp_join_send(n);
}

/*
 * The ring we are gathering: proc - fail, or, when that is more than one
 * commit token can carry, the block of cap consecutive members (in id
 * order, lowest first) that holds us.  Every node that agrees on proc and
 * fail computes the same blocks, so they form rings side by side instead
 * of fighting over who is left out (failing the others would spread
 * through the fail sets and shrink everyone's ring).  The MTU should be
 * sized for the cluster (docs/protocol.md, Limits).
 */
static void kp_memb_block(const struct kp_node *n, struct kp_nodeset *memb)
{
	kp_u32 cap = kp_memb_cap(n), lo, i, k = 0;
	int me;

	kp_set_minus(memb, &n->proc, &n->fail);
	me = kp_set_index(memb, n->cfg.nodeid);
	if (memb->n <= cap || me < 0)
		return;
	lo = (kp_u32)me / cap * cap;
	for (i = lo; i < memb->n && i < lo + cap; i++)
		memb->id[k++] = memb->id[i];
	memb->n = k;
}

static void kp_commit_fill(struct kp_node *n, struct kp_commit *c)
{
	int i = -1;
	kp_u32 k;

	for (k = 0; k < c->n; k++)
		if (c->e[k].node == n->cfg.nodeid)
			i = (int)k;
	if (i < 0)
		return;
	c->e[i].filled = 1;
	c->e[i].old = n->cur->ring.id;
	c->e[i].aru = n->cur->my_aru;
	c->e[i].high = n->cur->high_seq;
}

static kp_u32 kp_commit_encode(const struct kp_node *n,
			       const struct kp_commit *c, kp_u8 *b)
{
	kp_u32 len = KP_CM_ENTRIES + KP_CE_LEN * c->n, i;

	kp_memset(b, 0, len);
	kp_put_hdr(b, KP_PT_COMMIT, n->cfg.nodeid, len);
	kp_put_ring(b, KP_CM_RING, &c->ring);
	kp_put64(b, KP_CM_TSEQ, c->tseq);
	kp_put32(b, KP_CM_NMEMB, c->n);
	kp_put8(b, KP_CM_PHASE, c->phase);
	kp_put8(b, KP_CM_VERSION, c->version);
	for (i = 0; i < c->n; i++) {
		kp_u8 *e = b + KP_CM_ENTRIES + KP_CE_LEN * i;

		kp_put32(e, KP_CE_NODE, c->e[i].node);
		kp_put32(e, KP_CE_FILLED, c->e[i].filled);
		kp_put32(e, KP_CE_REP, c->e[i].old.rep);
		kp_put64(e, KP_CE_RSEQ, c->e[i].old.seq);
		kp_put64(e, KP_CE_ARU, c->e[i].aru);
		kp_put64(e, KP_CE_HIGH, c->e[i].high);
	}
	return len;
}

static void kp_commit_nodes(const struct kp_commit *c, struct kp_nodeset *s)
{
	kp_u32 i;

	for (i = 0; i < c->n; i++)
		s->id[i] = c->e[i].node;
	s->n = c->n;
}

/* Pass the commit token (one hop further) to our successor in it. */
static void kp_commit_forward(struct kp_node *n)
{
	struct kp_nodeset *memb = &n->scratch_set;

	n->commit.tseq++;
	n->commit_tseq = n->commit.tseq;
	kp_commit_nodes(&n->commit, memb);
	n->tokbuf_len = kp_commit_encode(n, &n->commit, n->tokbuf);
	kp_tok_out(n, kp_succ(memb, n->cfg.nodeid));
}

static kp_u64 kp_next_ring_seq(struct kp_node *n)
{
	n->max_ring_seq = (n->max_ring_seq & ~3ull) + 4;
	return n->max_ring_seq;
}

static void kp_commit_start(struct kp_node *n, const struct kp_nodeset *memb)
{
	struct kp_commit *c = &n->commit;
	kp_u32 i;

	kp_memset(c, 0, sizeof(*c));
	c->ring.rep = n->cfg.nodeid;
	c->ring.seq = kp_next_ring_seq(n);
	c->n = memb->n;
	c->phase = 1;
	c->version = KP_WIRE_VERSION_MAX;
	for (i = 0; i < memb->n; i++)
		c->e[i].node = memb->id[i];
	kp_commit_fill(n, c);
	n->state = KP_ST_COMMIT;
	kp_trace(n->cfg.nodeid, "commit-start", c->ring.seq, c->n);
	kp_timer_set(n, KP_TIMER_JOIN, 0);
	kp_timer_set(n, KP_TIMER_CONSENSUS, 0);
	kp_commit_forward(n);
}

static void kp_consensus_check(struct kp_node *n)
{
	struct kp_nodeset *memb = &n->scratch_set;
	kp_u32 i;

	kp_memb_block(n, memb);
	for (i = 0; i < memb->n; i++)
		if (!kp_set_has(&n->cons, memb->id[i]))
			return;
	/* A ring of one is only formed when the consensus timeout says
	 * nobody else answers.
	 */
	if (memb->n >= 2 && memb->id[0] == n->cfg.nodeid)
		kp_commit_start(n, memb);
}

void kp_consensus_timeout(struct kp_node *n)
{
	struct kp_nodeset *memb = &n->scratch_set;
	kp_u32 i;

	if (n->state != KP_ST_GATHER)
		return;
	/* Only our block: the others agree (or not) in blocks of their own. */
	kp_memb_block(n, memb);
	for (i = 0; i < memb->n; i++)
		if (!kp_set_has(&n->cons, memb->id[i]))
			kp_set_add(&n->fail, memb->id[i]);
	kp_memb_block(n, memb);
	kp_set_clear(&n->cons);
	kp_set_add(&n->cons, n->cfg.nodeid);
	if (memb->n <= 1) {
		kp_timer_set(n, KP_TIMER_CONSENSUS, 0);
		kp_timer_set(n, KP_TIMER_JOIN, 0);
		kp_form_singleton(n);
		return;
	}
	kp_timer_set(n, KP_TIMER_CONSENSUS,
		     n->now + n->cfg.consensus_timeout);
	kp_join_send(n);
}

void kp_join_timeout(struct kp_node *n)
{
	if (n->state == KP_ST_GATHER)
		kp_join_send(n);
}

static void kp_join_process(struct kp_node *n, kp_u32 from,
			    struct kp_join *j)
{
	kp_u32 me = n->cfg.nodeid;
	int changed = 0;

	kp_trace(me, "join-rx from", from,
		 (kp_u64)j->proc.n << 32 | j->fail.n);
	if (kp_set_has(&n->fail, from))
		return;
	if (kp_set_has(&j->fail, me)) {
		/*
		 * It gave up on us in its round.  Failing it back would carry
		 * that verdict into the rounds that follow (each side starting
		 * a new round would hear the other's old one); instead it
		 * stays out of our consensus until our own timeout decides.
		 */
		kp_set_del(&n->cons, from);
		return;
	}
	if (j->vmax < KP_WIRE_VERSION_MIN || j->vmin > KP_WIRE_VERSION_MAX) {
		/* No version in common: never in one ring. */
		changed = kp_set_add(&n->fail, from) > 0;
	} else {
		/* Union on copies: @j itself is compared below as sent. */
		struct kp_nodeset *add = &n->scratch_set2;

		*add = j->proc;
		kp_set_peers_only(n, add);
		changed |= kp_set_union(&n->proc, add);
		*add = j->fail;
		kp_set_peers_only(n, add);
		kp_set_del(add, me);
		changed |= kp_set_union(&n->fail, add);
	}
	if (changed) {
		kp_set_clear(&n->cons);
		kp_set_add(&n->cons, me);
		kp_join_send(n);
	}
	if (kp_set_equal(&j->proc, &n->proc) && kp_set_equal(&j->fail, &n->fail))
		kp_set_add(&n->cons, from);
	else
		kp_set_del(&n->cons, from);
	kp_trace(me, "join-state proc/fail", (kp_u64)n->proc.n << 32 |
		 n->fail.n, n->cons.n);
	kp_consensus_check(n);
}

/*
 * While a ring is being committed, is a member's join one of the round that
 * agreed on it (ignore it) or news (start over)?  Within a round a node's
 * sets only grow, so a join from that round is a subset of the agreed sets;
 * a member that saw the commit and gathers again knows the new ring's seq;
 * a member with more in its sets learned of nodes we are leaving out.
 */
static int kp_join_stale(const struct kp_node *n, const struct kp_join *j)
{
	kp_u32 i;

	if (j->max_seq >= n->commit.ring.seq)
		return 0;
	for (i = 0; i < j->proc.n; i++)
		if (!kp_set_has(&n->proc, j->proc.id[i]))
			return 0;
	for (i = 0; i < j->fail.n; i++)
		if (!kp_set_has(&n->fail, j->fail.id[i]))
			return 0;
	return 1;
}

/*
 * A join from an earlier gather round of its sender (delayed, duplicated)
 * must not steer this one: each node's (ring seq, round) only grows.
 */
static int kp_join_old(struct kp_node *n, kp_u32 from, const struct kp_join *j)
{
	struct kp_peerinfo *pi = KP_NULL;
	kp_u32 i;

	for (i = 0; i < n->n_pinfo; i++)
		if (n->pinfo[i].id == from)
			pi = &n->pinfo[i];
	if (!pi) {
		if (n->n_pinfo >= KP_MAX_NODES) {
			/* Forget a peer no longer configured. */
			for (i = 0; i < n->n_pinfo; i++)
				if (!kp_set_has(&n->peers, n->pinfo[i].id))
					break;
			if (i == n->n_pinfo)
				return 0;
			pi = &n->pinfo[i];
		} else {
			pi = &n->pinfo[n->n_pinfo++];
		}
		pi->id = from;
		pi->ring_seq = j->ring.seq;
		pi->round = j->round;
		return 0;
	}
	if (j->ring.seq < pi->ring_seq ||
	    (j->ring.seq == pi->ring_seq && j->round < pi->round))
		return 1;
	pi->ring_seq = j->ring.seq;
	pi->round = j->round;
	return 0;
}

int kp_join_rx(struct kp_node *n, kp_u32 from, const void *pkt, kp_size len)
{
	struct kp_join *j = &n->jscratch;
	struct kp_nodeset *memb = &n->scratch_set;

	if (kp_dec_join(pkt, len, j))
		return KP_EPROTO;
	if (kp_join_old(n, from, j))
		return KP_EAGAIN;
	n->max_ring_seq = kp_max64(n->max_ring_seq, j->max_seq);
	switch (n->state) {
	case KP_ST_OPERATIONAL:
		/*
		 * A join that has not heard of our ring is old (from the
		 * round that made it) or from a node that cannot hear us;
		 * it will hear our merge probes if it can.
		 */
		if (j->max_seq < n->ring.id.seq ||
		    kp_memb_full_above(n, from))
			return KP_EAGAIN;
		kp_gather_enter(n);
		break;
	case KP_ST_GATHER:
		break;
	default:
		kp_commit_nodes(&n->commit, memb);
		if (!kp_set_has(memb, from) || kp_join_stale(n, j))
			return KP_EAGAIN;
		kp_gather_enter(n);
		break;
	}
	kp_join_process(n, from, j);
	return 0;
}

int kp_merge_rx(struct kp_node *n, kp_u32 from, const void *pkt, kp_size len)
{
	struct kp_ring_id r;

	if (kp_dec_ringpkt(pkt, len, &r))
		return KP_EPROTO;
	n->max_ring_seq = kp_max64(n->max_ring_seq, r.seq);
	if (n->state != KP_ST_OPERATIONAL)
		return 0;
	if (kp_set_has(&n->ring.memb, from) &&
	    (r.seq <= n->ring.id.seq ||
	     !kp_memcmp(&r, &n->ring.id, sizeof(r))))
		return 0;	/* our own ring, or an older one */
	if (kp_memb_full_above(n, from))
		return 0;
	kp_gather_enter(n);
	return 0;
}

int kp_commit_rx(struct kp_node *n, kp_u32 from, const void *pkt,
		 kp_size len)
{
	struct kp_commit *c = &n->cscratch;
	struct kp_nodeset *memb = &n->scratch_set;
	kp_u32 me = n->cfg.nodeid, i;

	if (kp_dec_commit(pkt, len, c))
		return KP_EPROTO;
	n->max_ring_seq = kp_max64(n->max_ring_seq, c->ring.seq);
	kp_commit_nodes(c, memb);
	if (!kp_set_has(memb, me) || from != kp_pred(memb, me))
		return KP_EAGAIN;
	switch (n->state) {
	case KP_ST_GATHER:
		kp_memb_block(n, &n->scratch_set2);
		if (c->phase != 1 || !kp_set_equal(memb, &n->scratch_set2) ||
		    c->ring.seq <= n->cur->ring.id.seq)
			return KP_EAGAIN;
		n->commit = *c;
		n->commit_tseq = c->tseq;
		kp_commit_fill(n, &n->commit);
		n->state = KP_ST_COMMIT;
		kp_timer_set(n, KP_TIMER_JOIN, 0);
		kp_timer_set(n, KP_TIMER_CONSENSUS, 0);
		kp_commit_forward(n);
		return 0;
	case KP_ST_COMMIT:
		if (kp_memcmp(&c->ring, &n->commit.ring, sizeof(c->ring)) ||
		    c->tseq <= n->commit_tseq)
			return KP_EAGAIN;
		for (i = 0; i < c->n; i++)
			if (!c->e[i].filled)
				return KP_EAGAIN;
		if (c->ring.rep == me ? c->phase != 1 : c->phase != 2)
			return KP_EAGAIN;
		n->commit = *c;
		n->commit.phase = 2;
		kp_tok_taken(n);
		kp_recovery_enter(n);
		kp_commit_forward(n);
		return 0;
	case KP_ST_RECOVERY:
		/* The second rotation is back: the representative starts the
		 * token of the new ring.
		 */
		if (c->ring.rep != me || c->phase != 2 ||
		    kp_memcmp(&c->ring, &n->cur->ring.id, sizeof(c->ring)) ||
		    c->tseq <= n->commit_tseq || n->cur->visited)
			return KP_EAGAIN;
		n->commit_tseq = c->tseq;
		kp_token_start(n, c->tseq + 1);
		return 0;
	default:
		return KP_EAGAIN;
	}
}
