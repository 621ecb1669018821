// SPDX-License-Identifier: GPL-2.0 OR BSD-3-Clause
/*
 * kcpg protocol core: building the packets of a message.
 *
 * A message is copied once, when it is sent, straight into the packets
 * that carry it (its fragments).  Those refcounted packets are then queued,
 * sent, kept for retransmission and delivered locally without another copy.
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

/* Stamp a packet with its place in a ring. */
void kp_pkt_stamp(struct kp_pkt *p, const struct kp_ring_id *ring,
		  kp_u64 seq, kp_u32 sseq)
{
	kp_put_ring(p->data, KP_MC_RING, ring);
	kp_put64(p->data, KP_MC_SEQ, seq);
	kp_put32(p->data, KP_MC_SSEQ, sseq);
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

void kp_sreq_free(struct kp_node *n, struct kp_sreq *r)
{
	if (!r)
		return;
	while (r->frags) {
		struct kp_pkt *p = r->frags;

		r->frags = p->next;
		p->next = KP_NULL;
		kp_pkt_put(n, p);
	}
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

/*
 * A join or leave of @lm, built when the process joins so that sending its
 * leave later never needs memory (detach and expel cannot fail).
 */
struct kp_sreq *kp_ctl_build(struct kp_node *n, const struct kp_lmember *lm,
			     kp_u8 kind)
{
	const struct kp_name *g = &lm->group->name;
	kp_u8 hdr[KP_CP_NAME + KP_NAME_MAX];
	struct kp_gather gat;

	kp_memset(hdr, 0, KP_CP_NAME);
	kp_put8(hdr, KP_CP_KIND, kind == KP_SQ_JOIN ? KP_CM_JOIN : KP_CM_LEAVE);
	kp_put8(hdr, KP_CP_NAMELEN, (kp_u8)g->length);
	kp_put32(hdr, KP_CP_PID, lm->pid);
	kp_memcpy(hdr + KP_CP_NAME, g->value, g->length);
	kp_memset(&gat, 0, sizeof(gat));
	gat.hdr = hdr;
	gat.hdr_len = KP_CP_NAME + g->length;
	return kp_sreq_build(n, kind, 0, &gat, gat.hdr_len);
}

/* The reason a leave gives, set when it is issued. */
void kp_ctl_set_reason(struct kp_sreq *r, kp_u8 reason)
{
	kp_put8(r->frags->data, KP_MC_HDR_LEN + KP_CP_ARG, reason);
}
