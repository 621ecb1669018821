// SPDX-License-Identifier: GPL-2.0 OR BSD-3-Clause
/*
 * kcpg protocol core: the send queue.
 *
 * Messages wait here for the token.  A data message is copied once, at the
 * call, straight into the packets that will carry it (its fragments); the
 * same packets are then sent, kept for retransmission and delivered locally,
 * so a payload is never copied again on the sending node.  Joins and leaves
 * use requests allocated with the membership, so they never fail to queue.
 */
#include "kp_int.h"
#include "kp_wire.h"

struct kp_pkt *kp_pkt_new(struct kp_node *n, kp_u32 len)
{
	struct kp_pkt *p = kp_alloc(n, sizeof(*p) + len);

	if (!p)
		return KP_NULL;
	p->next = KP_NULL;
	p->refs = 1;
	p->len = len;
	return p;
}

struct kp_pkt *kp_pkt_get(struct kp_pkt *p)
{
	p->refs++;
	return p;
}

void kp_pkt_put(struct kp_node *n, struct kp_pkt *p)
{
	if (p && !--p->refs)
		kp_free(n, p);
}

/* Payload bytes a fragment may carry: room is left for the header of the
 * recovery packet that may one day carry this packet whole.
 */
kp_u32 kp_frag_cap(const struct kp_node *n)
{
	return n->cfg.mtu - 2 * KP_MC_HDR_LEN;
}

/* Packets of @r not sent yet. */
static kp_u32 kp_sreq_unsent(const struct kp_sreq *r)
{
	const struct kp_pkt *p;
	kp_u32 k = 0;

	if (!r->frags)
		return 1;	/* a join or leave, built when sent */
	for (p = r->next_frag; p; p = p->next)
		k++;
	return k;
}

static void kp_sq_append(struct kp_node *n, struct kp_sreq *r)
{
	r->next = KP_NULL;
	*n->sq_tail = r;
	n->sq_tail = &r->next;
	if (r->counted)
		n->sq_backlog++;
	n->sq_pending += kp_sreq_unsent(r);
}

/* The state message goes before everything else queued. */
void kp_sq_push_front(struct kp_node *n, struct kp_sreq *r)
{
	r->next = n->sq_head;
	n->sq_head = r;
	if (!r->next)
		n->sq_tail = &r->next;
	n->sq_pending += kp_sreq_unsent(r);
}

void kp_sq_join(struct kp_node *n, struct kp_lmember *lm)
{
	struct kp_sreq *r = lm->join_req;

	kp_memset(r, 0, sizeof(*r));
	r->kind = KP_SQ_JOIN;
	r->lm = lm;
	kp_sq_append(n, r);
}

void kp_sq_leave(struct kp_node *n, struct kp_lmember *lm)
{
	struct kp_sreq *r = lm->leave_req;

	kp_memset(r, 0, sizeof(*r));
	r->kind = KP_SQ_LEAVE;
	r->lm = lm;
	kp_sq_append(n, r);
}

static void kp_gather_copy(struct kp_gather *g, kp_u8 *dst, kp_u32 len)
{
	while (len && g->hdr_off < g->hdr_len) {
		kp_u32 k = kp_min32(len, g->hdr_len - g->hdr_off);

		kp_memcpy(dst, g->hdr + g->hdr_off, k);
		g->hdr_off += k;
		dst += k;
		len -= k;
	}
	while (len && g->idx < g->iovcnt) {
		const struct kp_iov *v = &g->iov[g->idx];
		kp_size k = v->len - g->off;

		if (k > len)
			k = len;

		if (k) {
			kp_memcpy(dst, (const kp_u8 *)v->base + g->off, k);
			dst += k;
			len -= (kp_u32)k;
			g->off += k;
		}
		if (g->off == v->len) {
			g->idx++;
			g->off = 0;
		}
	}
}

static void kp_sreq_free(struct kp_node *n, struct kp_sreq *r)
{
	while (r->frags) {
		struct kp_pkt *p = r->frags;

		r->frags = p->next;
		p->next = KP_NULL;
		kp_pkt_put(n, p);
	}
	if (r->kind == KP_SQ_DATA || r->kind == KP_SQ_STATE)
		kp_free(n, r);
}

/*
 * Build the fragments of a message of @total bytes gathered by @g.  Their
 * ring, sequence numbers and sender sequence are filled in when the token
 * lets them go.
 */
struct kp_sreq *kp_sreq_build(struct kp_node *n, kp_u8 kind, int safe,
			      struct kp_gather *g, kp_u32 total)
{
	kp_u32 cap = kp_frag_cap(n), off = 0;
	struct kp_pkt **tail;
	struct kp_sreq *r;

	r = kp_zalloc(n, sizeof(*r));
	if (!r)
		return KP_NULL;
	r->kind = kind;
	r->safe = !!safe;
	tail = &r->frags;
	do {
		kp_u32 flen = kp_min32(cap, total - off);
		kp_u8 flags = safe ? KP_MF_SAFE : 0;
		struct kp_pkt *p = kp_pkt_new(n, KP_MC_HDR_LEN + flen);

		if (!p) {
			kp_sreq_free(n, r);
			return KP_NULL;
		}
		if (!off)
			flags |= KP_MF_FIRST;
		if (off + flen == total)
			flags |= KP_MF_LAST;
		kp_memset(p->data, 0, KP_MC_HDR_LEN);
		kp_put_hdr(p->data, KP_PT_MCAST, n->cfg.nodeid, p->len);
		kp_put32(p->data, KP_MC_ORIGIN, n->cfg.nodeid);
		kp_put8(p->data, KP_MC_FLAGS, flags);
		kp_put32(p->data, KP_MC_MSGLEN, total);
		kp_put32(p->data, KP_MC_OFF, off);
		kp_gather_copy(g, p->data + KP_MC_HDR_LEN, flen);
		*tail = p;
		tail = &p->next;
		r->n_frags++;
		off += flen;
	} while (off < total);
	r->next_frag = r->frags;
	return r;
}

int kp_sq_data(struct kp_node *n, struct kp_lmember *lm, enum kp_guarantee g,
	       const struct kp_iov *iov, kp_u32 iovcnt, kp_u32 len)
{
	kp_u8 hdr[KP_CP_NAME + KP_NAME_MAX];
	const struct kp_name *name = &lm->group->name;
	struct kp_gather gat;
	struct kp_sreq *r;
	kp_u32 hlen = KP_CP_NAME + name->length;

	kp_memset(hdr, 0, KP_CP_NAME);
	kp_put8(hdr, KP_CP_KIND, KP_CM_DATA);
	kp_put8(hdr, KP_CP_ARG, (kp_u8)g);
	kp_put8(hdr, KP_CP_NAMELEN, (kp_u8)name->length);
	kp_put32(hdr, KP_CP_PID, lm->pid);
	kp_memcpy(hdr + KP_CP_NAME, name->value, name->length);
	kp_memset(&gat, 0, sizeof(gat));
	gat.hdr = hdr;
	gat.hdr_len = hlen;
	gat.iov = iov;
	gat.iovcnt = iovcnt;
	r = kp_sreq_build(n, KP_SQ_DATA, g == KP_SAFE, &gat, hlen + len);
	if (!r)
		return KP_ENOMEM;
	n->stats.bytes_retained += len;
	r->counted = 1;
	kp_sq_append(n, r);
	return 0;
}

/* Unlink @r (found through @pp) from the queue and free it. */
static void kp_sq_unlink(struct kp_node *n, struct kp_sreq **pp)
{
	struct kp_sreq *r = *pp;

	n->sq_pending -= kp_sreq_unsent(r);
	*pp = r->next;
	if (n->sq_tail == &r->next)
		n->sq_tail = pp;
	if (r->counted)
		n->sq_backlog--;
	kp_sreq_free(n, r);
}

void kp_sq_destroy(struct kp_node *n)
{
	while (n->sq_head)
		kp_sq_unlink(n, &n->sq_head);
}

/* Drop a state message still queued (its exchange was abandoned). */
void kp_sq_drop_state(struct kp_node *n)
{
	struct kp_sreq **pp = &n->sq_head;

	while (*pp) {
		if ((*pp)->kind == KP_SQ_STATE)
			kp_sq_unlink(n, pp);
		else
			pp = &(*pp)->next;
	}
}

/* A join or leave packet: one fragment, built when the token comes. */
static struct kp_pkt *kp_ctl_pkt(struct kp_node *n, const struct kp_sreq *r)
{
	const struct kp_lmember *lm = r->lm;
	const struct kp_name *g = &lm->group->name;
	kp_u32 total = KP_CP_NAME + g->length;
	struct kp_pkt *p = kp_pkt_new(n, KP_MC_HDR_LEN + total);
	kp_u8 *c;

	if (!p)
		return KP_NULL;
	kp_memset(p->data, 0, KP_MC_HDR_LEN + KP_CP_NAME);
	kp_put_hdr(p->data, KP_PT_MCAST, n->cfg.nodeid, p->len);
	kp_put32(p->data, KP_MC_ORIGIN, n->cfg.nodeid);
	kp_put8(p->data, KP_MC_FLAGS, KP_MF_FIRST | KP_MF_LAST);
	kp_put32(p->data, KP_MC_MSGLEN, total);
	c = p->data + KP_MC_HDR_LEN;
	if (r->kind == KP_SQ_JOIN) {
		kp_put8(c, KP_CP_KIND, KP_CM_JOIN);
	} else {
		kp_put8(c, KP_CP_KIND, KP_CM_LEAVE);
		kp_put8(c, KP_CP_ARG, lm->leave_reason);
	}
	kp_put8(c, KP_CP_NAMELEN, (kp_u8)g->length);
	kp_put32(c, KP_CP_PID, lm->pid);
	kp_memcpy(c + KP_CP_NAME, g->value, g->length);
	return p;
}

/*
 * The next packet the queue wants sent, or NULL (nothing, or only things
 * that must wait: while the state exchange runs, only the state message
 * may go, so that no message of the new ring precedes it).
 */
struct kp_pkt *kp_sq_peek(struct kp_node *n)
{
	struct kp_sreq *r = n->sq_head;
	struct kp_pkt *p, **pp;

	if (!r || (n->xchg && r->kind != KP_SQ_STATE))
		return KP_NULL;
	if (!r->frags) {
		p = kp_ctl_pkt(n, r);
		if (!p)
			return KP_NULL;
		r->frags = p;
		r->next_frag = p;
		r->n_frags = 1;
	}
	p = r->next_frag;
	if (p->refs > 1) {
		/* Still held by a store: stamping it would change that copy. */
		struct kp_pkt *c = kp_pkt_new(n, p->len);

		if (!c)
			return KP_NULL;
		kp_memcpy(c->data, p->data, p->len);
		c->next = p->next;
		for (pp = &r->frags; *pp != p; pp = &(*pp)->next)
			;
		*pp = c;
		r->next_frag = c;
		p->next = KP_NULL;
		kp_pkt_put(n, p);
		p = c;
	}
	return p;
}

/* The packet kp_sq_peek() returned has been sent. */
void kp_sq_advance(struct kp_node *n)
{
	struct kp_sreq *r = n->sq_head;

	r->next_frag = r->next_frag->next;
	n->sq_pending--;
	if (!r->next_frag)
		kp_sq_unlink(n, &n->sq_head);
}

/*
 * After a configuration change: a message cut short by the change starts
 * over, whole, in the new ring (its first fragments, delivered nowhere as a
 * message, are dropped with the old ring).
 */
void kp_sq_restart(struct kp_node *n)
{
	struct kp_sreq *r;

	n->sq_pending = 0;
	for (r = n->sq_head; r; r = r->next) {
		r->next_frag = r->frags;
		n->sq_pending += kp_sreq_unsent(r);
	}
}

/* Stamp a packet with its place in a ring. */
void kp_pkt_stamp(struct kp_pkt *p, const struct kp_ring_id *ring,
		  kp_u64 seq, kp_u32 sseq)
{
	kp_put_ring(p->data, KP_MC_RING, ring);
	kp_put64(p->data, KP_MC_SEQ, seq);
	kp_put32(p->data, KP_MC_SSEQ, sseq);
}
