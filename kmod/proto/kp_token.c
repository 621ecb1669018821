// SPDX-License-Identifier: GPL-2.0 OR BSD-3-Clause
/*
 * kcpg protocol core: the token.
 *
 * One token circulates along the ring in node-id order.  Only its holder
 * assigns sequence numbers, so seq order is the total order.  On each visit
 * a node
 *   1. retransmits what others asked for and it holds,
 *   2. sends new messages, as many as the window and its fair share allow,
 *   3. lowers the token's aru to its own (or raises it, if it lowered it),
 *   4. asks for what it misses,
 *   5. moves its safe line to the lower of the arus of its last two visits
 *      (every member has had every message below it for a full rotation),
 *   6. passes the token on, or holds it when the ring is idle or only
 *      the holder sends,
 *   7. delivers.
 */
#include "kp_int.h"
#include "kp_wire.h"

/* Messages the ring may have in flight beyond the slowest member. */
static kp_u32 kp_inflight_max(const struct kp_node *n)
{
	return kp_min32(n->cfg.window * 16, 16384);
}

void kp_xmit(struct kp_node *n, kp_u32 dest, const void *pkt, kp_u32 len)
{
	if (!n->peers.n)
		return;		/* a node configured alone never sends */
	n->stats.pkts_sent++;
	n->ops->send(n->ctx, dest, pkt, len);
}

void kp_timer_set(struct kp_node *n, enum kp_timer which, kp_u64 when)
{
	if (n->timer[which] == when)
		return;
	n->timer[which] = when;
	n->ops->timer(n->ctx, which, when ? when : KP_NO_TIMER);
}

kp_u32 kp_succ(const struct kp_nodeset *memb, kp_u32 me)
{
	int i = kp_set_index(memb, me);

	return memb->id[(kp_u32)(i + 1) % memb->n];
}

kp_u32 kp_pred(const struct kp_nodeset *memb, kp_u32 me)
{
	int i = kp_set_index(memb, me);

	return memb->id[(kp_u32)(i + memb->n - 1) % memb->n];
}

static kp_u32 kp_sub0(kp_u32 a, kp_u32 b)
{
	return a > b ? a - b : 0;
}

static kp_u32 kp_tok_encode(const struct kp_node *n, const struct kp_token *t,
			    kp_u8 *b)
{
	kp_u32 len = KP_TK_HDR_LEN + 8 * t->rtr_n, i;

	kp_put_hdr(b, KP_PT_TOKEN, n->cfg.nodeid, len);
	kp_put_ring(b, KP_TK_RING, &t->ring);
	kp_put64(b, KP_TK_TSEQ, t->tseq);
	kp_put64(b, KP_TK_SEQ, t->seq);
	kp_put64(b, KP_TK_ARU, t->aru);
	kp_put32(b, KP_TK_ARU_ID, t->aru_id);
	kp_put32(b, KP_TK_FCC, t->fcc);
	kp_put32(b, KP_TK_BACKLOG, t->backlog);
	kp_put32(b, KP_TK_FLAGS, t->flags);
	kp_put32(b, KP_TK_RTR_N, t->rtr_n);
	kp_put32(b, KP_TK_RTR_N + 4, 0);
	for (i = 0; i < t->rtr_n; i++)
		kp_put64(b, KP_TK_RTR + 8 * i, t->rtr[i]);
	return len;
}

/* Send what is in tokbuf to @dest and watch for it to be taken. */
void kp_tok_out(struct kp_node *n, kp_u32 dest)
{
	n->tok_dest = dest;
	n->tok_out = 1;
	kp_xmit(n, dest, n->tokbuf, n->tokbuf_len);
	kp_timer_set(n, KP_TIMER_RETRANSMIT,
		     n->now + n->cfg.retransmit_timeout);
	kp_timer_set(n, KP_TIMER_TOKEN, n->now + n->cfg.token_timeout);
}

/* The token went further: stop resending it. */
void kp_tok_taken(struct kp_node *n)
{
	n->tok_out = 0;
	kp_timer_set(n, KP_TIMER_RETRANSMIT, 0);
}

static void kp_tok_forward(struct kp_node *n)
{
	struct kp_token *t = &n->tok;

	t->tseq++;
	n->cur->tseq_seen = t->tseq;
	n->cancel_rx = 0;
	n->tok_sent_seq = t->seq;
	n->tokbuf_len = kp_tok_encode(n, t, n->tokbuf);
	kp_trace(n->cfg.nodeid, "token out", t->seq, t->aru);
	kp_tok_out(n, kp_succ(&n->cur->ring.memb, n->cfg.nodeid));
}

/* Packets this node still has to send into the ring. */
static kp_u32 kp_pending(const struct kp_node *n)
{
	if (n->state == KP_ST_RECOVERY)
		return kp_rec_pending(n);
	return n->sq_pending;
}

/* Send up to @allowed new packets with the token @t. */
static kp_u32 kp_send_some(struct kp_node *n, struct kp_token *t,
			   kp_u32 allowed)
{
	struct kp_rstate *rs = n->cur;
	int rec = n->state == KP_ST_RECOVERY;
	kp_u32 sent = 0;

	while (sent < allowed) {
		kp_u64 seq = t->seq + 1, rseq = 0;
		struct kp_pkt *p;

		p = rec ? kp_rec_next(n, &rseq) : kp_sq_peek(n);
		if (!p)
			break;
		kp_pkt_stamp(p, &rs->ring.id, seq, rec ? 0 : rs->my_sseq + 1);
		if (!rec)
			kp_pkt_get(p);
		if (kp_rs_put(n, rs, seq, p)) {
			kp_pkt_put(n, p);
			if (rec)
				n->rec_next = rseq;
			break;
		}
		t->seq = seq;
		if (!rec) {
			rs->my_sseq++;
			kp_sq_advance(n);
		}
		if (!n->burst_lo)
			n->burst_lo = seq;
		n->burst_hi = seq;
		sent++;
	}
	return sent;
}

/*
 * Multicast what this visit ordered.  It goes out after the token (the
 * Accelerated Ring idea): the next member can start its own burst while
 * ours is still on the wire.  The messages are in our store already, and
 * members only ask for messages a rotation old, so a token that overtakes
 * them costs nothing.
 */
static void kp_burst_out(struct kp_node *n)
{
	kp_u64 s;

	for (s = n->burst_lo; s && s <= n->burst_hi; s++) {
		struct kp_pkt *p = kp_rs_get(n->cur, s);

		if (p)
			kp_xmit(n, 0, p->data, p->len);
	}
	n->burst_lo = 0;
	n->burst_hi = 0;
}

static int kp_rtr_has(const struct kp_token *t, kp_u64 s)
{
	kp_u32 i;

	for (i = 0; i < t->rtr_n; i++)
		if (t->rtr[i] == s)
			return 1;
	return 0;
}

/* Step 4: ask for messages missing here for at least a rotation. */
static void kp_tok_request(struct kp_node *n, struct kp_token *t)
{
	struct kp_rstate *rs = n->cur;
	kp_u32 cap = kp_min32(KP_RTR_MAX, (n->cfg.mtu - KP_TK_HDR_LEN) / 8);
	kp_u64 upto = kp_min64(t->seq, rs->prev_seq), s;

	for (s = rs->my_aru + 1; s <= upto && t->rtr_n < cap; s++)
		if (!kp_rs_get(rs, s) && !kp_rtr_has(t, s))
			t->rtr[t->rtr_n++] = s;
}

/* Step 1: serve retransmission requests we can. */
static kp_u32 kp_tok_retransmit(struct kp_node *n, struct kp_token *t)
{
	kp_u32 i, k = 0, retx = 0;

	for (i = 0; i < t->rtr_n; i++) {
		struct kp_pkt *p = kp_rs_get(n->cur, t->rtr[i]);

		if (p) {
			/* This copy comes from us (the origin stays). */
			kp_put32(p->data, 4, n->cfg.nodeid);
			kp_xmit(n, 0, p->data, p->len);
			retx++;
			n->stats.retransmits++;
			if (n->ops->retransmit)
				n->ops->retransmit(n->ctx, n->cur->ring.id.seq,
						   t->rtr[i]);
		} else {
			t->rtr[k++] = t->rtr[i];
		}
	}
	t->rtr_n = k;
	return retx;
}

/* Recovery bookkeeping at the start of a visit (see kp_recovery.c). */
static void kp_tok_recovery(struct kp_node *n, struct kp_token *t, int rep)
{
	if (n->state == KP_ST_RECOVERY) {
		/*
		 * A full rotation in which nobody sent anything or missed
		 * anything: every member holds every recovered message.
		 */
		if (rep && !n->install_seen && n->cur->visited &&
		    !(t->flags & KP_TF_DIRTY) && t->aru == t->seq) {
			t->flags |= KP_TF_INSTALL;
			n->install_sent = 1;
		}
		if (rep)
			t->flags &= ~KP_TF_DIRTY;
		if (t->flags & KP_TF_INSTALL) {
			n->install_seen = 1;
			kp_install_try(n);
		}
	} else if (rep && (t->flags & KP_TF_INSTALL) && n->install_sent) {
		/* The flag has been round once: everyone saw it. */
		t->flags &= ~KP_TF_INSTALL;
		n->install_sent = 0;
	}
}

/*
 * One visit of the token @n->tok.  @again: the token was held here and is
 * being used once more before it leaves (the safe line must not move then:
 * no rotation happened).
 */
void kp_token_visit(struct kp_node *n, int again)
{
	struct kp_token *t = &n->tok;
	struct kp_rstate *rs = n->cur;
	kp_u32 me = n->cfg.nodeid, retx, sent, fcc_other, avail, allowed;
	kp_u32 mine, total, backlog_other;
	int rep = rs->ring.memb.id[0] == me;
	kp_u64 seq_before = t->seq, aru_in = t->aru;

	if (!again) {
		if (n->ops->token)
			n->ops->token(n->ctx, rs->ring.id.seq, t->seq, t->aru,
				      t->rtr_n);
		kp_tok_recovery(n, t, rep);
	}
	rs = n->cur;
	retx = kp_tok_retransmit(n, t);

	/* Window: messages (new and resent) per rotation, shared by need. */
	fcc_other = kp_sub0(t->fcc, rs->my_fcc);
	avail = kp_sub0(kp_sub0(n->cfg.window, fcc_other), retx);
	mine = kp_pending(n);
	backlog_other = kp_sub0(t->backlog, rs->my_backlog);
	total = backlog_other + mine;
	allowed = avail;
	if (mine && total > mine) {
		kp_u64 share = (kp_u64)n->cfg.window * mine / total;

		allowed = kp_min32(allowed, (kp_u32)kp_max64(share, 1));
	}
	if (t->seq - t->aru >= kp_inflight_max(n))
		allowed = 0;
	sent = kp_send_some(n, t, allowed);
	kp_trace(me, "visit seq/aru", t->seq << 20 | t->aru,
		 (kp_u64)allowed << 32 | (kp_u64)sent << 16 | mine);
	t->fcc = fcc_other + sent + retx;
	rs->my_fcc = sent + retx;
	mine = kp_pending(n);
	t->backlog = backlog_other + mine;
	rs->my_backlog = mine;

	if (rs->my_aru < t->aru || t->aru_id == me || !t->aru_id) {
		t->aru = rs->my_aru;
		t->aru_id = t->aru >= t->seq ? 0 : me;
	}
	kp_tok_request(n, t);
	if (!again) {
		if (rs->visited && kp_min64(rs->prev_aru, t->aru) > rs->safe)
			rs->safe = kp_min64(rs->prev_aru, t->aru);
		n->tok_quiet = rs->visited && seq_before == rs->prev_seq &&
			       !sent && !retx && !t->rtr_n && !backlog_other;
		/*
		 * Nobody else sent, resent, asked for or waits to send
		 * anything, and every member had every message ordered
		 * before this visit: the others need no rotation.
		 */
		n->tok_solo = rs->visited && !fcc_other && !backlog_other &&
			      !t->rtr_n && aru_in == seq_before;
		/* What tells the others that we may hold the token. */
		n->idle_seen = n->tok_quiet || (!sent && !retx);
		rs->prev_aru = t->aru;
		rs->prev_seq = t->seq;
		rs->visited = 1;
	}
	if (n->state == KP_ST_RECOVERY &&
	    (sent || kp_rec_pending(n) || rs->my_aru != t->seq))
		t->flags |= KP_TF_DIRTY;
}

/*
 * Hold the token here instead of burning a CPU on an empty rotation, and
 * instead of making our own next message wait a rotation when we are the
 * only sender.  Only the representative holds, for at most hold_timeout
 * from the start of the hold; a member that needs a rotation (to send, or
 * because a message waits for a hole or the safe line) asks it to let go,
 * and so does the holder itself (kp_after()).  Members deliver AGREED
 * messages as they arrive, so a held token delays nothing they could
 * deliver.
 */
static int kp_tok_may_hold(const struct kp_node *n)
{
	const struct kp_rstate *rs = n->cur;
	const struct kp_token *t = &n->tok;

	return n->state == KP_ST_OPERATIONAL &&
	       rs->ring.memb.id[0] == n->cfg.nodeid && !n->sq_pending &&
	       !n->xchg && !(t->flags & KP_TF_INSTALL) && n->cfg.hold_timeout;
}

static int kp_tok_should_hold(const struct kp_node *n)
{
	const struct kp_rstate *rs = n->cur;
	const struct kp_token *t = &n->tok;

	if (!kp_tok_may_hold(n) || n->cancel_rx)
		return 0;
	if (n->tok_quiet && rs->safe == t->seq && t->aru == t->seq)
		return 1;	/* idle */
	return n->tok_solo;
}

/*
 * Packets one hold may order for our own sends before the token moves on.
 * Keeping serves a sender that waits for its own message before the next
 * one; a flood is better served by a rotation, during which its small
 * messages gather and leave packed.  And until the token moves the others
 * report nothing (aru, safe line, retransmission requests).
 */
#define KP_KEEP_MAX	8

/*
 * A short timer for what would otherwise wait for the whole hold:
 * hold_timeout / 16, 11 ms by default.
 */
static kp_u64 kp_hold_short(const struct kp_node *n)
{
	return kp_max64(n->cfg.hold_timeout / 16, 1);
}

/*
 * A hold that keeps packets no rotation has confirmed (our own, ordered
 * with the token held or at the visit that began the hold) ends after the
 * short timer.  A member that lost the last of them sees no hole and
 * cannot ask for it until the token moves; if it waits for that message
 * (to answer it, say) it would wait the whole hold.  The short timer is
 * not extended by later sends; once it ends the rotations confirm or
 * repair the packets (two quiet ones: the safe line needs the previous
 * aru too), and the full hold follows.  The safe line tells, not the
 * token's aru: we raised that to our own, which has the packets we just
 * sent.
 */
static void kp_tok_linger(struct kp_node *n)
{
	kp_u64 end = n->now + kp_hold_short(n);

	if (n->cur->safe != n->tok.seq && n->timer[KP_TIMER_HOLD] > end)
		kp_timer_set(n, KP_TIMER_HOLD, end);
}

/* Keep holding after a visit our own send asked for? */
static int kp_tok_may_keep(const struct kp_node *n)
{
	return kp_tok_may_hold(n) && n->tok.seq - n->hold_seq < KP_KEEP_MAX;
}

/* After a visit: pass the token on or hold it, then deliver. */
void kp_token_done(struct kp_node *n)
{
	n->cancel_sent = 0;
	n->cancel_tries = 0;
	if (kp_tok_should_hold(n)) {
		kp_trace(n->cfg.nodeid, "hold", n->tok.seq, 0);
		n->holding = 1;
		n->hold_seq = n->tok.seq;
		kp_timer_set(n, KP_TIMER_TOKEN, 0);
		kp_timer_set(n, KP_TIMER_HOLD, n->now + n->cfg.hold_timeout);
		kp_tok_linger(n);
	} else {
		kp_timer_set(n, KP_TIMER_HOLD, 0);	/* a member's resend */
		kp_tok_forward(n);
	}
	kp_burst_out(n);
	kp_order_run(n);
}

/*
 * Use a held token: for our own messages (@keep: it may stay here after),
 * or to let it go (hold timeout, a hold cancel, a message that waits).
 */
void kp_token_release(struct kp_node *n, int keep)
{
	if (!n->holding)
		return;
	kp_token_visit(n, 1);
	if (keep && kp_tok_may_keep(n)) {
		kp_trace(n->cfg.nodeid, "keep", n->tok.seq, 0);
		kp_tok_linger(n);
		kp_burst_out(n);
		kp_order_run(n);
		if (!kp_rs_waiting(n->cur))
			return;
		/* A SAFE message of ours needs the rotation: go now. */
		n->holding = 0;
		kp_timer_set(n, KP_TIMER_HOLD, 0);
		kp_tok_forward(n);
		return;
	}
	n->holding = 0;
	kp_timer_set(n, KP_TIMER_HOLD, 0);
	kp_tok_forward(n);
	kp_burst_out(n);
	kp_order_run(n);
}

int kp_token_rx(struct kp_node *n, kp_u32 from, const void *pkt, kp_size len)
{
	struct kp_token *t = &n->tokrx;
	struct kp_rstate *rs = n->cur;

	if (kp_dec_token(pkt, len, t))
		return KP_EPROTO;
	if (n->state != KP_ST_OPERATIONAL && n->state != KP_ST_RECOVERY)
		return KP_EAGAIN;
	if (kp_memcmp(&t->ring, &rs->ring.id, sizeof(t->ring)) ||
	    rs->ring.memb.n < 2 ||
	    from != kp_pred(&rs->ring.memb, n->cfg.nodeid))
		return KP_EAGAIN;
	if (t->tseq <= rs->tseq_seen || n->holding)
		return KP_EAGAIN;	/* a copy of one we had */
	rs->tseq_seen = t->tseq;
	kp_tok_taken(n);
	kp_timer_set(n, KP_TIMER_TOKEN, n->now + n->cfg.token_timeout);
	n->tok = *t;
	kp_token_visit(n, 0);
	kp_token_done(n);
	return 0;
}

/* The representative starts the new ring's token after the commit. */
void kp_token_start(struct kp_node *n, kp_u64 tseq)
{
	struct kp_token *t = &n->tok;

	kp_memset(t, 0, sizeof(*t));
	t->ring = n->cur->ring.id;
	t->tseq = tseq;
	t->flags = KP_TF_DIRTY;
	n->cur->tseq_seen = tseq;
	kp_tok_taken(n);
	kp_timer_set(n, KP_TIMER_TOKEN, n->now + n->cfg.token_timeout);
	kp_token_visit(n, 0);
	kp_token_done(n);
}

/*
 * A ring of one: no token travels, the node just orders what it queued
 * (everything it holds is held by every member: it is safe at once).
 */
void kp_local_visit(struct kp_node *n)
{
	struct kp_rstate *rs = n->cur;
	struct kp_pkt *p;

	while ((p = kp_sq_peek(n))) {
		kp_u64 seq = rs->high_seq + 1;

		kp_pkt_stamp(p, &rs->ring.id, seq, rs->my_sseq + 1);
		if (kp_rs_put(n, rs, seq, kp_pkt_get(p))) {
			kp_pkt_put(n, p);
			break;
		}
		rs->my_sseq++;
		kp_sq_advance(n);
	}
	rs->safe = rs->my_aru;
	kp_order_run(n);
}

int kp_hold_cancel_rx(struct kp_node *n, kp_u32 from, const void *pkt,
		      kp_size len)
{
	struct kp_ring_id r;

	if (kp_dec_ringpkt(pkt, len, &r))
		return KP_EPROTO;
	if (n->state != KP_ST_OPERATIONAL ||
	    kp_memcmp(&r, &n->ring.id, sizeof(r)) ||
	    !kp_set_has(&n->ring.memb, from))
		return KP_EAGAIN;
	kp_trace(n->cfg.nodeid, "cancel rx", from, n->holding);
	if (!n->holding) {
		/*
		 * The token is on its way here: the member asked after its
		 * visit, so the token does not show what it waits for.  Do
		 * not hold it at our visit (kp_tok_should_hold()).
		 */
		n->cancel_rx = 1;
		return 0;
	}
	kp_token_release(n, 0);
	return 0;
}

/*
 * Ask the representative for its held token: we have something to send, or
 * something received waits for a rotation.  Once per visit; again when the
 * token did not come (the cancel was lost), after the short timer, then
 * after twice as long each time up to hold_timeout: while the token itself
 * is lost a member sends no more cancels than an idle ring carries tokens
 * (one per hold), whatever hold_timeout is set to.
 */
void kp_hold_cancel_send(struct kp_node *n)
{
	kp_u8 b[KP_RG_LEN];
	kp_u32 rep = n->ring.memb.id[0];
	kp_u64 wait = kp_hold_short(n) << n->cancel_tries;

	if (rep == n->cfg.nodeid || n->cancel_sent)
		return;
	n->cancel_sent = 1;
	kp_trace(n->cfg.nodeid, "cancel tx", rep, 0);
	kp_put_hdr(b, KP_PT_HOLD_CANCEL, n->cfg.nodeid, KP_RG_LEN);
	kp_put_ring(b, KP_RG_RING, &n->ring.id);
	kp_xmit(n, rep, b, KP_RG_LEN);
	if (wait > n->cfg.hold_timeout)
		wait = n->cfg.hold_timeout;
	else
		n->cancel_tries++;
	kp_timer_set(n, KP_TIMER_HOLD, n->now + wait);
}
