// SPDX-License-Identifier: GPL-2.0 OR BSD-3-Clause
/*
 * kcpg protocol core: from ordered packets to ordered CPG messages.
 *
 * Packets are handed up in sequence order.  A message is delivered where
 * its last fragment falls in that order, so every member delivers it at the
 * same point.  A SAFE message waits there until every member holds it; the
 * messages behind it wait too, since there is one order for all guarantees.
 *
 * Every step that can fail for memory fails before it changes anything, so
 * the same packet can be handed up again later: the stream stalls, it never
 * skips.
 */
#include "kp_int.h"
#include "kp_wire.h"

/* Decode a whole CPG message from @sender and apply it. */
static int kp_order_msg(struct kp_node *n, kp_u32 sender, const kp_u8 *p,
			kp_u32 len)
{
	struct kp_name name;
	struct kp_cmsg m;
	struct kp_iov iov;
	kp_u32 nl;

	kp_memset(&m, 0, sizeof(m));
	m.kind = kp_get8(p, KP_CP_KIND);
	m.arg = kp_get8(p, KP_CP_ARG);
	m.nodeid = sender;
	if (m.kind == KP_CM_STATE)
		return kp_xchg_state(n, sender, p, len);
	nl = kp_get8(p, KP_CP_NAMELEN);
	if (nl > KP_NAME_MAX || len < KP_CP_NAME + nl || kp_get8(p, 3))
		goto bad;
	m.pid = kp_get32(p, KP_CP_PID);
	name.length = nl;
	kp_memcpy(name.value, p + KP_CP_NAME, nl);
	m.group = &name;
	switch (m.kind) {
	case KP_CM_DATA:
		if (m.arg > KP_SAFE)
			goto bad;
		iov.base = p + KP_CP_NAME + nl;
		iov.len = len - KP_CP_NAME - nl;
		m.iov = &iov;
		m.iovcnt = 1;
		m.len = (kp_u32)iov.len;
		break;
	case KP_CM_JOIN:
		if (len != KP_CP_NAME + nl)
			goto bad;
		break;
	case KP_CM_LEAVE:
		if (len != KP_CP_NAME + nl || (m.arg != KP_REASON_LEAVE &&
					       m.arg != KP_REASON_PROCDOWN))
			goto bad;
		break;
	default:
		goto bad;
	}
	return kp_cpg_deliver(n, &m);
bad:
	/* Every member drops the same bytes: the order stays the same. */
	n->stats.pkts_dropped++;
	return 0;
}

/*
 * The messages of a packed packet, in order.  @rs->pk_done counts those
 * already applied, so that a retry after a stall resumes where it stopped.
 */
static int kp_order_packed(struct kp_node *n, struct kp_rstate *rs,
			   kp_u32 sender, const kp_u8 *d, kp_u32 len)
{
	kp_u32 off = 0, i = 0;
	int rc;

	while (off < len) {
		kp_u32 l;

		if (len - off < KP_PK_LEN)
			goto bad;
		l = kp_get32(d, off);
		off += KP_PK_LEN;
		if (l < KP_CP_NAME || l > len - off)
			goto bad;
		if (i++ >= rs->pk_done) {
			rc = kp_order_msg(n, sender, d + off, l);
			if (rc)
				return rc;
			rs->pk_done++;
		}
		off += l;
	}
	rs->pk_done = 0;
	return 0;
bad:
	/* The same bytes at every member: all drop the same rest. */
	n->stats.pkts_dropped++;
	rs->pk_done = 0;
	return 0;
}

/*
 * Hand one packet of @rs up, in sequence order.  Returns KP_ENOMEM when
 * it must be handed up again later.
 */
int kp_order_pkt(struct kp_node *n, struct kp_rstate *rs,
		 const struct kp_pkt *pkt, int holes)
{
	const kp_u8 *d = pkt->data;
	kp_u8 flags = kp_get8(d, KP_MC_FLAGS);
	kp_u32 sender = kp_get32(d, KP_MC_ORIGIN);
	kp_u32 sseq = kp_get32(d, KP_MC_SSEQ);
	kp_u32 total = kp_get32(d, KP_MC_MSGLEN);
	kp_u32 off = kp_get32(d, KP_MC_OFF);
	kp_u32 dlen = pkt->len - KP_MC_HDR_LEN;
	int idx = kp_set_index(&rs->ring.memb, sender);
	struct kp_rsm *r;
	int rc;

	if (flags & KP_MF_RECOVERED)
		return 0;	/* carried an old ring's message: done */
	if (idx < 0)
		return 0;
	r = &rs->rsm[idx];
	if (r->gap)
		return 0;
	if (sseq != r->next_sseq) {
		if (holes) {
			/*
			 * Installing a ring: a message of this sender that no
			 * survivor holds.  Its later messages would break
			 * FIFO, so they go too (every survivor holds the same
			 * set, so every survivor decides the same).
			 */
			r->gap = 1;
			kp_rsm_drop(n, r);
			return 0;
		}
		/*
		 * In a ring's own order there are no holes: only a damaged
		 * datagram can get here.  Follow the sender rather than lose
		 * its stream for the rest of the ring.
		 */
		kp_rsm_drop(n, r);
		r->next_sseq = sseq;
		if (!(flags & KP_MF_FIRST)) {
			r->next_sseq++;
			return 0;
		}
	}
	if (flags & KP_MF_FIRST) {
		kp_rsm_drop(n, r);
		if (flags & KP_MF_LAST) {
			if (flags & KP_MF_PACKED)
				rc = kp_order_packed(n, rs, sender,
						     d + KP_MC_HDR_LEN, dlen);
			else
				rc = kp_order_msg(n, sender, d + KP_MC_HDR_LEN,
						  dlen);
			if (rc)
				return rc;
			r->next_sseq++;
			return 0;
		}
		r->buf = kp_alloc(n, total);
		if (!r->buf)
			return KP_ENOMEM;
		r->total = total;
		r->have = 0;
	} else if (!r->buf || off != r->have || total != r->total) {
		/* Fragments that do not follow: the message is lost. */
		kp_rsm_drop(n, r);
		r->next_sseq++;
		return 0;
	}
	kp_memcpy(r->buf + off, d + KP_MC_HDR_LEN, dlen);
	if (flags & KP_MF_LAST) {
		rc = kp_order_msg(n, sender, r->buf, total);
		if (rc)
			return rc;
		kp_rsm_drop(n, r);
	} else {
		r->have += dlen;
	}
	n->stats.bytes_retained += dlen;
	r->next_sseq++;
	return 0;
}

/* Can the packet at @seq go up now (a SAFE message waits for the line)? */
static int kp_order_ready(const struct kp_rstate *rs, const struct kp_pkt *p,
			  kp_u64 seq)
{
	kp_u8 flags = kp_get8(p->data, KP_MC_FLAGS);

	if ((flags & KP_MF_SAFE) && (flags & KP_MF_LAST) && seq > rs->safe)
		return 0;
	return 1;
}

/*
 * Deliver what the installed ring allows: everything received in order up
 * to the first gap, SAFE messages only up to the safe line.
 */
void kp_order_run(struct kp_node *n)
{
	struct kp_rstate *rs = n->cur;

	if (n->state != KP_ST_OPERATIONAL)
		return;
	n->order_stalled = 0;
	while (rs->delivered < rs->my_aru) {
		kp_u64 s = rs->delivered + 1;
		const struct kp_pkt *p = kp_rs_get(rs, s);

		if (!p || !kp_order_ready(rs, p, s))
			break;
		if (kp_order_pkt(n, rs, p, 0)) {
			n->order_stalled = 1;
			break;
		}
		rs->delivered = s;
	}
	kp_rs_release(n, rs, kp_min64(rs->safe, rs->delivered));
}
