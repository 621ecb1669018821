// SPDX-License-Identifier: GPL-2.0 OR BSD-3-Clause
/*
 * kcpg protocol core: recovery of the old ring and installation of the new
 * one (extended virtual synchrony).
 *
 * The members of the new ring that come from the same old ring form the
 * transitional configuration.  Between them, every message of the old ring
 * above the lowest aru any of them reported (and up to the highest seq any
 * of them held) is sent again, wrapped in a message of the new ring.  Once
 * a rotation passes in which nobody sent or missed anything, they all hold
 * the same old messages, so delivering them (skipping what none of them
 * has) gives the same sequence at each of them; only then is the new ring
 * installed.  The CPG layer sees: the remaining old messages, the NODEDOWN
 * confchgs, then (after a state exchange when rings merged) the NODEUP
 * confchgs and the totem confchg.
 */
#include "kp_int.h"
#include "kp_wire.h"

static kp_u32 kp_trans_index(const struct kp_node *n, kp_u32 node)
{
	return (kp_u32)kp_set_index(&n->trans, node);
}

void kp_recovery_enter(struct kp_node *n)
{
	const struct kp_commit *c = &n->commit;
	struct kp_ring ring;
	kp_u32 i;

	ring.id = c->ring;
	kp_set_clear(&ring.memb);
	for (i = 0; i < c->n; i++)
		kp_set_add(&ring.memb, c->e[i].node);
	n->old = n->cur;
	n->cur = n->cur == &n->rs[0] ? &n->rs[1] : &n->rs[0];
	kp_rs_init(n->cur, &ring, n->cfg.nodeid);
	n->cur->tseq_seen = c->tseq;
	kp_set_clear(&n->trans);
	for (i = 0; i < c->n; i++)
		if (!kp_memcmp(&c->e[i].old, &n->old->ring.id,
			       sizeof(c->e[i].old)))
			kp_set_add(&n->trans, c->e[i].node);
	n->rec_low = KP_SEQ_MAX;
	n->rec_high = 0;
	for (i = 0; i < c->n; i++) {
		if (!kp_set_has(&n->trans, c->e[i].node))
			continue;
		n->trans_aru[kp_trans_index(n, c->e[i].node)] = c->e[i].aru;
		n->rec_low = kp_min64(n->rec_low, c->e[i].aru);
		n->rec_high = kp_max64(n->rec_high, c->e[i].high);
	}
	n->rec_next = n->rec_low + 1;
	n->install_seen = 0;
	n->install_sent = 0;
	n->holding = 0;
	n->state = KP_ST_RECOVERY;
	kp_timer_set(n, KP_TIMER_TOKEN, n->now + n->cfg.token_timeout);
	kp_trace(n->cfg.nodeid, "recovery", n->rec_low, n->rec_high);
}

/*
 * Who resends old message @seq: the smallest member of the transitional
 * configuration that reported having it in order (it surely still holds
 * it: nothing above the lowest reported aru was released).  When none did,
 * everyone holding it resends it; duplicates are dropped.
 */
static int kp_rec_mine(const struct kp_node *n, kp_u64 seq)
{
	kp_u32 i;

	for (i = 0; i < n->trans.n; i++)
		if (n->trans_aru[i] >= seq)
			return n->trans.id[i] == n->cfg.nodeid;
	return 1;
}

kp_u32 kp_rec_pending(const struct kp_node *n)
{
	if (n->state != KP_ST_RECOVERY || !n->old)
		return 0;
	return n->rec_next <= n->rec_high ? 1 : 0;
}

/*
 * The next recovery packet to send (a new packet, ours), or NULL.  @seq
 * gets the old seq it carries, to undo the step if it cannot be sent.
 */
struct kp_pkt *kp_rec_next(struct kp_node *n, kp_u64 *seq)
{
	while (n->old && n->rec_next <= n->rec_high) {
		kp_u64 s = n->rec_next;
		struct kp_pkt *in = kp_rs_get(n->old, s), *p;

		n->rec_next++;
		if (!in || !kp_rec_mine(n, s))
			continue;
		p = kp_pkt_new(n, KP_MC_HDR_LEN + in->len);
		if (!p) {
			n->rec_next = s;
			return KP_NULL;
		}
		kp_memset(p->data, 0, KP_MC_HDR_LEN);
		kp_put_hdr(p->data, KP_PT_MCAST, n->cfg.nodeid, p->len);
		kp_put32(p->data, KP_MC_ORIGIN, n->cfg.nodeid);
		kp_put8(p->data, KP_MC_FLAGS,
			KP_MF_FIRST | KP_MF_LAST | KP_MF_RECOVERED);
		kp_put32(p->data, KP_MC_MSGLEN, in->len);
		kp_memcpy(p->data + KP_MC_HDR_LEN, in->data, in->len);
		*seq = s;
		return p;
	}
	return KP_NULL;
}

/*
 * A recovered packet arrived in the new ring: keep the old message in it.
 * Fails only for lack of memory; the caller then drops the outer packet
 * too, so that it is asked for again (taking the outer packet while losing
 * the inner message would leave us without an old message everybody else
 * of our transitional configuration delivers).
 */
int kp_rec_unpack(struct kp_node *n, const struct kp_mc *outer)
{
	struct kp_mc m;
	int rc;

	if (n->state != KP_ST_RECOVERY || !n->old)
		return 0;
	if (kp_dec_inner(n, outer, &m) ||
	    kp_memcmp(&m.ring, &n->old->ring.id, sizeof(m.ring)) ||
	    !kp_set_has(&n->old->ring.memb, m.sender))
		return 0;	/* another old ring's, or bogus */
	if (m.seq > n->rec_high)
		return 0;
	rc = kp_rs_accept(n, n->old, m.seq, outer->data, outer->data_len);
	return rc == KP_ENOMEM ? rc : 0;
}

/*
 * Install the new ring.  Returns KP_ENOMEM (and is called again later)
 * when an old message cannot be delivered for lack of memory.
 */
static int kp_install(struct kp_node *n)
{
	struct kp_rstate *old = n->old;
	kp_u32 i;

	/*
	 * 1. What remains of the old ring, in order.  Every member of our
	 * transitional configuration holds the same messages now, so
	 * skipping the ones none of us holds (and, per sender, everything
	 * after its first such hole) leaves the same sequence at each of us.
	 */
	while (old->delivered < n->rec_high) {
		kp_u64 s = old->delivered + 1;
		const struct kp_pkt *p = kp_rs_get(old, s);

		if (p && kp_order_pkt(n, old, p, 1))
			return KP_ENOMEM;
		old->delivered = s;
	}
	/* Half messages of the old ring are dropped everywhere alike. */
	for (i = 0; i < KP_MAX_NODES; i++)
		kp_rsm_drop(n, &old->rsm[i]);
	/* 2. Processes of nodes not coming along: NODEDOWN. */
	kp_cpg_trans(n, &n->trans);
	kp_rs_free(n, old);
	n->old = KP_NULL;
	/* 3. The new ring. */
	n->ring = n->cur->ring;
	n->state = KP_ST_OPERATIONAL;
	n->install_seen = 0;
	n->stats.configs++;
	kp_trace(n->cfg.nodeid, "install", n->ring.id.seq, n->ring.memb.n);
	kp_sq_restart(n);
	kp_cpg_regular(n);
	kp_merge_arm(n);
	return 0;
}

void kp_install_try(struct kp_node *n)
{
	if (n->state != KP_ST_RECOVERY || !n->install_seen || !n->old)
		return;
	if (kp_install(n))
		n->order_stalled = 1;
}

/*
 * Nobody answers: become a ring of one.  When we were one already (and
 * nothing changed), stay in that ring rather than announce a new one.
 */
void kp_form_singleton(struct kp_node *n)
{
	struct kp_ring ring;

	if (n->cur->ring.memb.n == 1 &&
	    !kp_memcmp(&n->cur->ring.id, &n->ring.id, sizeof(n->ring.id))) {
		n->state = KP_ST_OPERATIONAL;
		kp_merge_arm(n);
		return;
	}
	ring.id.rep = n->cfg.nodeid;
	ring.id.pad = 0;
	n->max_ring_seq = (n->max_ring_seq & ~3ull) + 4;
	ring.id.seq = n->max_ring_seq;
	kp_set_clear(&ring.memb);
	kp_set_add(&ring.memb, n->cfg.nodeid);
	n->old = n->cur;
	n->cur = n->cur == &n->rs[0] ? &n->rs[1] : &n->rs[0];
	kp_rs_init(n->cur, &ring, n->cfg.nodeid);
	kp_set_clear(&n->trans);
	kp_set_add(&n->trans, n->cfg.nodeid);
	n->rec_high = n->old->high_seq;
	n->rec_low = n->old->my_aru;
	n->rec_next = n->rec_high + 1;
	n->state = KP_ST_RECOVERY;
	n->install_seen = 1;
	kp_install_try(n);
}
