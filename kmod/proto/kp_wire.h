/* SPDX-License-Identifier: GPL-2.0 OR BSD-3-Clause */
/*
 * kcpg protocol core: the wire format.
 *
 * Every integer is little endian at a fixed offset; every variable part has
 * an explicit count that the decoder checks against the datagram's length
 * before it reads anything.  docs/protocol.md has the full layout.
 *
 * Common header (all packets), 12 bytes:
 *   0 u8 version   1 u8 type   2 u16 flags (0)   4 u32 sender   8 u32 length
 */
#ifndef KCPG_PROTO_KP_WIRE_H
#define KCPG_PROTO_KP_WIRE_H

#include "kp.h"

/* Versions this node speaks; a ring runs the lowest maximum of its members. */
#define KP_WIRE_VERSION_MIN	1
#define KP_WIRE_VERSION_MAX	1

enum kp_pkt_type {
	KP_PT_MCAST = 1,	/* a (fragment of a) message of a ring */
	KP_PT_TOKEN = 2,	/* the ordering token */
	KP_PT_JOIN = 3,		/* membership: gather */
	KP_PT_COMMIT = 4,	/* membership: the commit token */
	KP_PT_MERGE = 5,	/* a ring representative announcing its ring */
	KP_PT_HOLD_CANCEL = 6,	/* "pass the idle token, I have messages" */
};

#define KP_HDR_LEN		12
#define KP_RINGID_LEN		12

/*
 * MCAST: header, ring id, seq, sender_seq, origin, flags, msg_len,
 * frag_off, data.  The origin is the node that sent the message first; the
 * header's sender is whoever sent this copy (a retransmission may come
 * from any member).
 */
#define KP_MC_RING		12
#define KP_MC_SEQ		24
#define KP_MC_SSEQ		32
#define KP_MC_ORIGIN		36
#define KP_MC_FLAGS		40
#define KP_MC_MSGLEN		44
#define KP_MC_OFF		48
#define KP_MC_HDR_LEN		52

#define KP_MF_FIRST		0x01	/* first fragment of its message */
#define KP_MF_LAST		0x02	/* last fragment */
#define KP_MF_SAFE		0x04	/* deliver only once every member has it */
#define KP_MF_RECOVERED		0x08	/* data is an old ring's MCAST packet */
#define KP_MF_PACKED		0x10	/* data is several whole messages */
#define KP_MF_ALL		0x1f
/* A packed message: u32 length, then the message. */
#define KP_PK_LEN		4

/* TOKEN */
#define KP_TK_RING		12
#define KP_TK_TSEQ		24
#define KP_TK_SEQ		32
#define KP_TK_ARU		40
#define KP_TK_ARU_ID		48
#define KP_TK_FCC		52
#define KP_TK_BACKLOG		56
#define KP_TK_FLAGS		60
#define KP_TK_RTR_N		64
#define KP_TK_RTR		72
#define KP_TK_HDR_LEN		72
#define KP_RTR_MAX		64

#define KP_TF_INSTALL		0x01	/* recovery done: install the ring */
#define KP_TF_DIRTY		0x02	/* recovery still moving this rotation */
#define KP_TF_ALL		0x03

/* JOIN: the sender's ring, the highest ring seq it knows, the versions it
 * speaks, its gather round (one per gather it starts), proc and fail.
 */
#define KP_JN_RING		12
#define KP_JN_MAXSEQ		24
#define KP_JN_VMIN		32
#define KP_JN_VMAX		33
#define KP_JN_ROUND		36
#define KP_JN_NPROC		40
#define KP_JN_NFAIL		44
#define KP_JN_IDS		48

/* COMMIT */
#define KP_CM_RING		12
#define KP_CM_TSEQ		24
#define KP_CM_NMEMB		32
#define KP_CM_PHASE		36
#define KP_CM_VERSION		37
#define KP_CM_ENTRIES		40
#define KP_CE_LEN		40	/* per member */
#define KP_CE_NODE		0
#define KP_CE_FILLED		4
#define KP_CE_REP		8
#define KP_CE_RSEQ		16
#define KP_CE_ARU		24
#define KP_CE_HIGH		32

/* MERGE and HOLD_CANCEL: header and a ring id */
#define KP_RG_RING		12
#define KP_RG_LEN		24

/* CPG message (the reassembled payload of MCAST fragments). */
#define KP_CP_KIND		0
#define KP_CP_ARG		1
#define KP_CP_NAMELEN		2
#define KP_CP_PID		4
#define KP_CP_NAME		8
/* STATE: kind, 3 pad, u32 count, then per entry u32 pid, u8 len, name */
#define KP_ST_COUNT		4
#define KP_ST_ENTRIES		8

static inline void kp_put8(void *p, kp_u32 off, kp_u8 v)
{
	((kp_u8 *)p)[off] = v;
}

static inline void kp_put16(void *p, kp_u32 off, kp_u16 v)
{
	kp_u8 *b = (kp_u8 *)p + off;

	b[0] = (kp_u8)v;
	b[1] = (kp_u8)(v >> 8);
}

static inline void kp_put32(void *p, kp_u32 off, kp_u32 v)
{
	kp_u8 *b = (kp_u8 *)p + off;

	b[0] = (kp_u8)v;
	b[1] = (kp_u8)(v >> 8);
	b[2] = (kp_u8)(v >> 16);
	b[3] = (kp_u8)(v >> 24);
}

static inline void kp_put64(void *p, kp_u32 off, kp_u64 v)
{
	kp_put32(p, off, (kp_u32)v);
	kp_put32(p, off + 4, (kp_u32)(v >> 32));
}

static inline kp_u8 kp_get8(const void *p, kp_u32 off)
{
	return ((const kp_u8 *)p)[off];
}

static inline kp_u16 kp_get16(const void *p, kp_u32 off)
{
	const kp_u8 *b = (const kp_u8 *)p + off;

	return (kp_u16)(b[0] | (b[1] << 8));
}

static inline kp_u32 kp_get32(const void *p, kp_u32 off)
{
	const kp_u8 *b = (const kp_u8 *)p + off;

	return (kp_u32)b[0] | ((kp_u32)b[1] << 8) | ((kp_u32)b[2] << 16) |
	       ((kp_u32)b[3] << 24);
}

static inline kp_u64 kp_get64(const void *p, kp_u32 off)
{
	return (kp_u64)kp_get32(p, off) | ((kp_u64)kp_get32(p, off + 4) << 32);
}

static inline void kp_put_ring(void *p, kp_u32 off, const struct kp_ring_id *r)
{
	kp_put32(p, off, r->rep);
	kp_put64(p, off + 4, r->seq);
}

static inline void kp_get_ring(const void *p, kp_u32 off, struct kp_ring_id *r)
{
	r->rep = kp_get32(p, off);
	r->pad = 0;
	r->seq = kp_get64(p, off + 4);
}

static inline void kp_put_hdr(void *p, kp_u8 type, kp_u32 sender, kp_u32 len)
{
	kp_put8(p, 0, KP_WIRE_VERSION_MAX);
	kp_put8(p, 1, type);
	kp_put16(p, 2, 0);
	kp_put32(p, 4, sender);
	kp_put32(p, 8, len);
}

#endif /* KCPG_PROTO_KP_WIRE_H */
