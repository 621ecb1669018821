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

static void kp_sq_append(struct kp_node *n, struct kp_sreq *r)
{
	r->next = KP_NULL;
	*n->sq_tail = r;
	n->sq_tail = &r->next;
	if (r->counted)
		n->sq_backlog++;
	kp_sq_kick(n);
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

/* Remove the head request once all of it has been sent. */
void kp_sq_pop(struct kp_node *n)
{
	struct kp_sreq *r = n->sq_head;

	n->sq_head = r->next;
	if (!n->sq_head)
		n->sq_tail = &n->sq_head;
	if (r->counted)
		n->sq_backlog--;
	kp_sreq_free(n, r);
}

void kp_sq_destroy(struct kp_node *n)
{
	while (n->sq_head)
		kp_sq_pop(n);
}
