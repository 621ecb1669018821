// SPDX-License-Identifier: GPL-2.0 OR BSD-3-Clause
/*
 * kcpg protocol core: the decoder.
 *
 * A datagram is untrusted input.  Each decoder checks the length first,
 * then every count against the length, then the values against what the
 * protocol allows, and only then hands out a decoded form.  Nothing after
 * this file reads a packet by an offset it has not checked.  Checks that
 * need the node's state (wrong ring, replay, unknown member) are made by the
 * handlers, on the decoded form.
 */
#include "kp_int.h"
#include "kp_wire.h"

/* The common header: version, type, flags, sender, length. */
int kp_dec_hdr(const struct kp_node *n, kp_u32 from, const void *pkt,
	       kp_size len, kp_u8 *type)
{
	kp_u8 ver;
	kp_u32 sender;

	if (!pkt || len < KP_HDR_LEN || len > 65535)
		return KP_EPROTO;
	ver = kp_get8(pkt, 0);
	if (ver < KP_WIRE_VERSION_MIN || ver > KP_WIRE_VERSION_MAX)
		return KP_EPROTO;
	if (kp_get16(pkt, 2) || kp_get32(pkt, 8) != len)
		return KP_EPROTO;
	sender = kp_get32(pkt, 4);
	if (sender != from || sender == n->cfg.nodeid ||
	    !kp_set_has(&n->peers, sender))
		return KP_EPROTO;
	*type = kp_get8(pkt, 1);
	return 0;
}

/* Node ids on the wire: sorted, distinct, valid. */
static int kp_dec_ids(const kp_u8 *p, kp_u32 cnt, struct kp_nodeset *s)
{
	kp_u32 i, prev = 0;

	if (cnt > KP_MAX_NODES)
		return KP_EPROTO;
	for (i = 0; i < cnt; i++) {
		kp_u32 id = kp_get32(p, 4 * i);

		if (!id || id == 0xffffffffu || id <= prev)
			return KP_EPROTO;
		s->id[i] = id;
		prev = id;
	}
	s->n = cnt;
	return 0;
}

/*
 * The largest reassembled message a peer may announce: a CPG message of
 * max_msg payload, or a state message (bounded the same way).
 */
static kp_u32 kp_msg_limit(const struct kp_node *n)
{
	return n->cfg.max_msg + KP_CP_NAME + KP_NAME_MAX;
}

int kp_dec_mcast(const struct kp_node *n, const void *pkt, kp_size len,
		 struct kp_mc *m)
{
	kp_u32 dlen;

	if (len < KP_MC_HDR_LEN)
		return KP_EPROTO;
	kp_get_ring(pkt, KP_MC_RING, &m->ring);
	m->sender = kp_get32(pkt, KP_MC_ORIGIN);
	m->seq = kp_get64(pkt, KP_MC_SEQ);
	m->sseq = kp_get32(pkt, KP_MC_SSEQ);
	m->flags = kp_get8(pkt, KP_MC_FLAGS);
	m->msg_len = kp_get32(pkt, KP_MC_MSGLEN);
	m->off = kp_get32(pkt, KP_MC_OFF);
	m->data = (const kp_u8 *)pkt + KP_MC_HDR_LEN;
	dlen = (kp_u32)len - KP_MC_HDR_LEN;
	m->data_len = dlen;
	if (kp_get8(pkt, KP_MC_FLAGS + 1) || kp_get16(pkt, KP_MC_FLAGS + 2))
		return KP_EPROTO;
	if (!m->seq || m->seq > KP_SEQ_MAX || (m->flags & ~KP_MF_ALL))
		return KP_EPROTO;
	if (!m->ring.rep || !dlen || !m->sender || m->sender == 0xffffffffu)
		return KP_EPROTO;
	if (m->off > m->msg_len || dlen > m->msg_len - m->off)
		return KP_EPROTO;
	if (!!(m->flags & KP_MF_FIRST) != !m->off)
		return KP_EPROTO;
	if (!!(m->flags & KP_MF_LAST) != (m->off + dlen == m->msg_len))
		return KP_EPROTO;
	if ((m->flags & KP_MF_PACKED) &&
	    (m->off || (m->flags & KP_MF_RECOVERED) ||
	     dlen < KP_PK_LEN + KP_CP_NAME))
		return KP_EPROTO;
	if (m->flags & KP_MF_RECOVERED) {
		/* One whole packet of an old ring, checked when unpacked. */
		if (m->off || m->sseq || (m->flags & KP_MF_SAFE) ||
		    dlen < KP_MC_HDR_LEN)
			return KP_EPROTO;
		return 0;
	}
	if (!m->sseq || m->msg_len > kp_msg_limit(n) ||
	    m->msg_len < KP_CP_NAME)
		return KP_EPROTO;
	return 0;
}

/*
 * The packet inside a RECOVERED one: an old ring's MCAST, sent by a member
 * of that ring (checked by the caller), never itself recovered.
 */
int kp_dec_inner(const struct kp_node *n, const struct kp_mc *outer,
		 struct kp_mc *m)
{
	const kp_u8 *p = outer->data;
	kp_u32 len = outer->data_len;

	if (kp_get8(p, 0) < KP_WIRE_VERSION_MIN ||
	    kp_get8(p, 0) > KP_WIRE_VERSION_MAX ||
	    kp_get8(p, 1) != KP_PT_MCAST || kp_get16(p, 2) ||
	    kp_get32(p, 8) != len)
		return KP_EPROTO;
	if (kp_dec_mcast(n, p, len, m))
		return KP_EPROTO;
	if (m->flags & KP_MF_RECOVERED)
		return KP_EPROTO;
	return 0;
}

int kp_dec_token(const void *pkt, kp_size len, struct kp_token *t)
{
	kp_u32 i;

	if (len < KP_TK_HDR_LEN)
		return KP_EPROTO;
	kp_get_ring(pkt, KP_TK_RING, &t->ring);
	t->tseq = kp_get64(pkt, KP_TK_TSEQ);
	t->seq = kp_get64(pkt, KP_TK_SEQ);
	t->aru = kp_get64(pkt, KP_TK_ARU);
	t->aru_id = kp_get32(pkt, KP_TK_ARU_ID);
	t->fcc = kp_get32(pkt, KP_TK_FCC);
	t->backlog = kp_get32(pkt, KP_TK_BACKLOG);
	t->flags = kp_get32(pkt, KP_TK_FLAGS);
	t->rtr_n = kp_get32(pkt, KP_TK_RTR_N);
	if (kp_get32(pkt, KP_TK_RTR_N + 4) || t->rtr_n > KP_RTR_MAX ||
	    len != KP_TK_HDR_LEN + 8 * (kp_size)t->rtr_n)
		return KP_EPROTO;
	if (!t->ring.rep || !t->tseq || (t->flags & ~KP_TF_ALL) ||
	    t->seq > KP_SEQ_MAX || t->aru > t->seq)
		return KP_EPROTO;
	for (i = 0; i < t->rtr_n; i++) {
		t->rtr[i] = kp_get64(pkt, KP_TK_RTR + 8 * i);
		if (!t->rtr[i] || t->rtr[i] > t->seq)
			return KP_EPROTO;
	}
	return 0;
}

int kp_dec_join(const void *pkt, kp_size len, struct kp_join *j)
{
	kp_u32 np, nf;

	if (len < KP_JN_IDS)
		return KP_EPROTO;
	kp_get_ring(pkt, KP_JN_RING, &j->ring);
	j->max_seq = kp_get64(pkt, KP_JN_MAXSEQ);
	j->vmin = kp_get8(pkt, KP_JN_VMIN);
	j->vmax = kp_get8(pkt, KP_JN_VMAX);
	j->round = kp_get32(pkt, KP_JN_ROUND);
	np = kp_get32(pkt, KP_JN_NPROC);
	nf = kp_get32(pkt, KP_JN_NFAIL);
	if (kp_get16(pkt, KP_JN_VMAX + 1) || np > KP_MAX_NODES ||
	    nf > KP_MAX_NODES || len != KP_JN_IDS + 4 * (kp_size)(np + nf))
		return KP_EPROTO;
	if (!j->vmin || j->vmin > j->vmax || !j->ring.rep ||
	    j->max_seq > KP_SEQ_MAX || j->ring.seq > j->max_seq)
		return KP_EPROTO;
	if (kp_dec_ids((const kp_u8 *)pkt + KP_JN_IDS, np, &j->proc) ||
	    kp_dec_ids((const kp_u8 *)pkt + KP_JN_IDS + 4 * np, nf, &j->fail))
		return KP_EPROTO;
	if (!kp_set_has(&j->proc, kp_get32(pkt, 4)))
		return KP_EPROTO;
	return 0;
}

int kp_dec_commit(const void *pkt, kp_size len, struct kp_commit *c)
{
	kp_u32 i, prev = 0;

	if (len < KP_CM_ENTRIES)
		return KP_EPROTO;
	kp_get_ring(pkt, KP_CM_RING, &c->ring);
	c->tseq = kp_get64(pkt, KP_CM_TSEQ);
	c->n = kp_get32(pkt, KP_CM_NMEMB);
	c->phase = kp_get8(pkt, KP_CM_PHASE);
	c->version = kp_get8(pkt, KP_CM_VERSION);
	if (kp_get16(pkt, KP_CM_VERSION + 1) || c->n < 2 ||
	    c->n > KP_MAX_NODES || len != KP_CM_ENTRIES + KP_CE_LEN * (kp_size)c->n)
		return KP_EPROTO;
	if (!c->tseq || (c->phase != 1 && c->phase != 2) ||
	    c->version < KP_WIRE_VERSION_MIN ||
	    c->version > KP_WIRE_VERSION_MAX || c->ring.seq > KP_SEQ_MAX)
		return KP_EPROTO;
	for (i = 0; i < c->n; i++) {
		const kp_u8 *e = (const kp_u8 *)pkt + KP_CM_ENTRIES +
				 KP_CE_LEN * i;
		struct kp_commit_ent *ce = &c->e[i];
		kp_u32 filled = kp_get32(e, KP_CE_FILLED);

		ce->node = kp_get32(e, KP_CE_NODE);
		ce->old.rep = kp_get32(e, KP_CE_REP);
		ce->old.pad = 0;
		ce->old.seq = kp_get64(e, KP_CE_RSEQ);
		ce->aru = kp_get64(e, KP_CE_ARU);
		ce->high = kp_get64(e, KP_CE_HIGH);
		if (!ce->node || ce->node == 0xffffffffu || ce->node <= prev ||
		    filled > 1 || kp_get32(e, KP_CE_REP + 4))
			return KP_EPROTO;
		ce->filled = (kp_u8)filled;
		if (filled && (!ce->old.rep || ce->aru > ce->high ||
			       ce->high > KP_SEQ_MAX ||
			       ce->old.seq >= c->ring.seq))
			return KP_EPROTO;
		prev = ce->node;
	}
	/* The representative is the smallest member. */
	if (c->ring.rep != c->e[0].node)
		return KP_EPROTO;
	return 0;
}

int kp_dec_ringpkt(const void *pkt, kp_size len, struct kp_ring_id *r)
{
	if (len != KP_RG_LEN)
		return KP_EPROTO;
	kp_get_ring(pkt, KP_RG_RING, r);
	if (!r->rep || r->seq > KP_SEQ_MAX)
		return KP_EPROTO;
	return 0;
}
