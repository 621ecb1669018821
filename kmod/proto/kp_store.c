// SPDX-License-Identifier: GPL-2.0 OR BSD-3-Clause
/*
 * kcpg protocol core: a ring's messages at this node.
 *
 * Packets are kept by sequence number in a circular array that grows on
 * demand.  A packet stays until it is both delivered here and known to be
 * held by every member (the safe line): only then can nobody ask for it
 * again, in this ring or in the recovery after it.
 */
#include "kp_int.h"
#include "kp_wire.h"

/* No ring keeps more messages than this between two token visits. */
#define KP_STORE_MAX	65536u

void kp_rs_init(struct kp_rstate *rs, const struct kp_ring *ring, kp_u32 me)
{
	kp_u32 i;

	kp_memset(rs, 0, sizeof(*rs));
	rs->ring = *ring;
	rs->my_idx = kp_set_index(&ring->memb, me);
	rs->base = 1;
	for (i = 0; i < KP_MAX_NODES; i++)
		rs->rsm[i].next_sseq = 1;
}

/* Drop a sender's half-reassembled message. */
void kp_rsm_drop(struct kp_node *n, struct kp_rsm *r)
{
	kp_free(n, r->buf);
	r->buf = KP_NULL;
	r->total = 0;
	r->have = 0;
}

void kp_rs_free(struct kp_node *n, struct kp_rstate *rs)
{
	kp_u32 i;

	if (rs->slot) {
		for (i = 0; i < rs->cap; i++)
			kp_pkt_put(n, rs->slot[i]);
		kp_free(n, rs->slot);
	}
	for (i = 0; i < KP_MAX_NODES; i++)
		kp_rsm_drop(n, &rs->rsm[i]);
	rs->slot = KP_NULL;
	rs->cap = 0;
}

struct kp_pkt *kp_rs_get(const struct kp_rstate *rs, kp_u64 seq)
{
	if (seq < rs->base || seq - rs->base >= rs->cap)
		return KP_NULL;
	return rs->slot[seq & (rs->cap - 1)];
}

/* Can @seq be stored without more memory than a ring may take? */
int kp_rs_in_range(const struct kp_rstate *rs, kp_u64 seq)
{
	return seq >= rs->base && seq - rs->base < KP_STORE_MAX;
}

static int kp_rs_grow(struct kp_node *n, struct kp_rstate *rs, kp_u64 seq)
{
	kp_u64 need = seq - rs->base + 1;
	kp_u32 cap = rs->cap ? rs->cap : 64;
	struct kp_pkt **slot;
	kp_u64 s;

	while (cap < need)
		cap *= 2;
	slot = kp_zalloc(n, (kp_size)cap * sizeof(*slot));
	if (!slot)
		return KP_ENOMEM;
	for (s = rs->base; s < rs->base + rs->cap; s++)
		slot[s & (cap - 1)] = rs->slot[s & (rs->cap - 1)];
	kp_free(n, rs->slot);
	rs->slot = slot;
	rs->cap = cap;
	return 0;
}

/*
 * Store @p (the caller's reference moves to the store) at @seq.  Fails,
 * leaving the reference with the caller, when the seq is out of range,
 * already there, or memory is short: the packet is then as good as lost,
 * and retransmission brings it again.
 */
int kp_rs_put(struct kp_node *n, struct kp_rstate *rs, kp_u64 seq,
	      struct kp_pkt *p)
{
	if (!kp_rs_in_range(rs, seq))
		return KP_EINVAL;
	if (seq - rs->base >= rs->cap && kp_rs_grow(n, rs, seq))
		return KP_ENOMEM;
	if (rs->slot[seq & (rs->cap - 1)])
		return KP_EEXIST;
	rs->slot[seq & (rs->cap - 1)] = p;
	if (seq > rs->high_seq)
		rs->high_seq = seq;
	while (kp_rs_get(rs, rs->my_aru + 1))
		rs->my_aru++;
	return 0;
}

/* Release every packet up to @upto (delivered here and held by all). */
void kp_rs_release(struct kp_node *n, struct kp_rstate *rs, kp_u64 upto)
{
	while (rs->base <= upto) {
		if (rs->cap) {
			struct kp_pkt **sl = &rs->slot[rs->base & (rs->cap - 1)];

			kp_pkt_put(n, *sl);
			*sl = KP_NULL;
		}
		rs->base++;
	}
}

/* A packet of the ring received: copy it in if it is new. */
int kp_rs_accept(struct kp_node *n, struct kp_rstate *rs, kp_u64 seq,
		 const void *data, kp_u32 len)
{
	struct kp_pkt *p;

	if (seq <= rs->my_aru || kp_rs_get(rs, seq))
		return KP_EEXIST;
	if (!kp_rs_in_range(rs, seq))
		return KP_EINVAL;
	p = kp_pkt_new(n, len);
	if (!p)
		return KP_ENOMEM;
	kp_memcpy(p->data, data, len);
	if (kp_rs_put(n, rs, seq, p)) {
		kp_pkt_put(n, p);
		return KP_ENOMEM;
	}
	n->stats.bytes_retained += len - KP_MC_HDR_LEN;
	return 0;
}
