// SPDX-License-Identifier: GPL-2.0 OR BSD-3-Clause
/*
 * kcpg protocol core: the send queue.
 *
 * Messages wait here for the token.  A message cut short by a
 * configuration change (some fragments sent in the old ring) starts over,
 * whole, in the new ring: its first fragments are delivered nowhere as a
 * message, so it is delivered in one configuration, never half in each.
 */
#include "kp_int.h"
#include "kp_wire.h"

/* Packets of @r not sent yet. */
static kp_u32 kp_sreq_unsent(const struct kp_sreq *r)
{
	const struct kp_pkt *p;
	kp_u32 k = 0;

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
	kp_sq_pack_reset(n);
	r->next = n->sq_head;
	n->sq_head = r;
	if (!r->next)
		n->sq_tail = &r->next;
	if (r->counted)
		n->sq_backlog++;
	n->sq_pending += kp_sreq_unsent(r);
}

/* The queue owns a join or leave once it is queued. */
void kp_sq_join(struct kp_node *n, struct kp_lmember *lm)
{
	struct kp_sreq *r = lm->join_req;

	lm->join_req = KP_NULL;
	kp_sq_append(n, r);
}

void kp_sq_leave(struct kp_node *n, struct kp_lmember *lm)
{
	struct kp_sreq *r = lm->leave_req;

	lm->leave_req = KP_NULL;
	kp_ctl_set_reason(r, lm->leave_reason);
	kp_sq_append(n, r);
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
	kp_sq_pack_reset(n);
	while (n->sq_head)
		kp_sq_unlink(n, &n->sq_head);
}

/* Drop our state messages (their exchange was abandoned). */
void kp_sq_drop_state(struct kp_node *n)
{
	struct kp_sreq **pp = &n->sq_head;

	kp_sq_pack_reset(n);
	while (*pp) {
		if ((*pp)->kind == KP_SQ_STATE)
			kp_sq_unlink(n, pp);
		else
			pp = &(*pp)->next;
	}
}

/* May @r go now (while the state exchange runs, only the state message
 * may go, so that no message of the new ring precedes it)?
 */
static int kp_sq_may_send(const struct kp_node *n, const struct kp_sreq *r)
{
	return r && (!n->xchg || r->kind == KP_SQ_STATE);
}

/* A whole message in one packet, not started: it can share a packet. */
static int kp_sq_packable(const struct kp_sreq *r)
{
	return r->n_frags == 1 && r->next_frag == r->frags;
}

void kp_sq_pack_reset(struct kp_node *n)
{
	kp_pkt_put(n, n->pack_pkt);
	n->pack_pkt = KP_NULL;
	n->pack_count = 0;
}

/*
 * Several small messages queued one after the other go out in one packet:
 * one sequence number, one datagram, one token slot for all of them (the
 * batching that makes small messages cheap).  Messages are packed in queue
 * order, all SAFE or all not.  Returns NULL when fewer than two fit.
 */
static struct kp_pkt *kp_sq_pack(struct kp_node *n)
{
	kp_u32 cap = kp_frag_cap(n), total = 0, k = 0, off;
	struct kp_sreq *r, *first = n->sq_head;
	struct kp_pkt *p;

	for (r = first; r && kp_sq_may_send(n, r) && kp_sq_packable(r) &&
	     r->safe == first->safe; r = r->next) {
		kp_u32 l = r->frags->len - KP_MC_HDR_LEN;

		if (total + KP_PK_LEN + l > cap)
			break;
		total += KP_PK_LEN + l;
		k++;
	}
	if (k < 2)
		return KP_NULL;
	p = kp_pkt_new(n, KP_MC_HDR_LEN + total);
	if (!p)
		return KP_NULL;
	kp_memset(p->data, 0, KP_MC_HDR_LEN);
	kp_put_hdr(p->data, KP_PT_MCAST, n->cfg.nodeid, p->len);
	kp_put32(p->data, KP_MC_ORIGIN, n->cfg.nodeid);
	kp_put8(p->data, KP_MC_FLAGS, KP_MF_FIRST | KP_MF_LAST | KP_MF_PACKED |
		(first->safe ? KP_MF_SAFE : 0));
	kp_put32(p->data, KP_MC_MSGLEN, total);
	off = KP_MC_HDR_LEN;
	for (r = first; off < p->len; r = r->next) {
		kp_u32 l = r->frags->len - KP_MC_HDR_LEN;

		kp_put32(p->data, off, l);
		kp_memcpy(p->data + off + KP_PK_LEN,
			  r->frags->data + KP_MC_HDR_LEN, l);
		off += KP_PK_LEN + l;
	}
	n->pack_pkt = p;
	n->pack_count = k;
	return p;
}

/*
 * The next packet the queue wants sent, or NULL.  kp_sq_advance() says it
 * went; until then the same packet comes back.
 */
struct kp_pkt *kp_sq_peek(struct kp_node *n)
{
	struct kp_sreq *r = n->sq_head;
	struct kp_pkt *p, **pp;

	if (!kp_sq_may_send(n, r))
		return KP_NULL;
	if (n->pack_pkt)
		return n->pack_pkt;
	if (kp_sq_packable(r) && r->next && kp_sq_may_send(n, r->next) &&
	    kp_sq_packable(r->next)) {
		p = kp_sq_pack(n);
		if (p)
			return p;
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

	if (n->pack_pkt) {
		kp_u32 k = n->pack_count;

		while (k--) {
			n->sq_head->next_frag = KP_NULL;
			n->sq_pending--;
			kp_sq_unlink(n, &n->sq_head);
		}
		kp_sq_pack_reset(n);
		return;
	}
	r->next_frag = r->next_frag->next;
	n->sq_pending--;
	if (!r->next_frag)
		kp_sq_unlink(n, &n->sq_head);
}

/* After a configuration change every message starts from its first
 * fragment again.
 */
void kp_sq_restart(struct kp_node *n)
{
	struct kp_sreq *r;

	kp_sq_pack_reset(n);
	n->sq_pending = 0;
	for (r = n->sq_head; r; r = r->next) {
		r->next_frag = r->frags;
		n->sq_pending += kp_sreq_unsent(r);
	}
}
