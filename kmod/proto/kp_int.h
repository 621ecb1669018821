/* SPDX-License-Identifier: GPL-2.0 OR BSD-3-Clause */
/*
 * kcpg protocol core: the node's state, shared by the files of the core.
 *
 * Layers, bottom up:
 *   wire      packet encoding and the validating decoder   kp_wire.[ch]
 *   store     received messages by sequence number         kp_store.c
 *   totem     token, ordering, delivery order              kp_token.c
 *   member    gather / commit (ring formation)             kp_memb.c
 *   recovery  old-ring recovery and ring installation      kp_recovery.c
 *   order     reassembly, the ordered stream to the CPG    kp_order.c
 *   cpg       groups, confchgs, state exchange             kp_cpg.c
 *   api       handles, join, leave, mcast                  kp_api.c
 */
#ifndef KCPG_PROTO_KP_INT_H
#define KCPG_PROTO_KP_INT_H

#include "kp.h"
#include "kp_util.h"

/* ---------------------------------------------------------------- CPG */

/* What a local process's membership of its group is doing. */
enum kp_lm_state {
	KP_LM_JOINING,		/* join requested, not yet ordered */
	KP_LM_JOINED,		/* in the view */
	KP_LM_LEAVING,		/* in the view, leave requested */
};

struct kp_group;
struct kp_handle;

/*
 * A local process in one group.  It outlives its handle when the handle is
 * detached while the leave is still on its way (the leave must still be
 * ordered), which is why it is separate from struct kp_handle.  Everything
 * a leave needs is allocated with it at join time, so detach and expel never
 * allocate.
 */
struct kp_lmember {
	struct kp_lmember *next;	/* in group->local */
	struct kp_group *group;
	struct kp_handle *h;		/* NULL once detached */
	kp_u32 pid;
	kp_u8 state;			/* enum kp_lm_state */
	kp_u8 in_view;
	kp_u8 expelling;		/* no more deliveries; leave queued */
	kp_u8 leave_reason;		/* KP_REASON_LEAVE or _PROCDOWN */
	kp_u8 leave_issued;		/* the leave has been sent or applied */
	struct kp_lmember *next_expel;	/* in node->expel_list */
	struct kp_sreq *join_req;	/* preallocated send requests */
	struct kp_sreq *leave_req;
};

/* A group: its ordered view (every member in the cluster) and its local
 * processes.
 */
struct kp_group {
	struct kp_group *next;		/* in node->groups, sorted by name */
	struct kp_name name;
	struct kp_address *memb;	/* sorted by (nodeid, pid), reason 0 */
	kp_u32 n_memb;
	kp_u32 cap_memb;
	struct kp_lmember *local;	/* local processes, any state */
};

struct kp_handle {
	void *ctx;
	struct kp_handle *next;		/* in node->handles */
	kp_u32 pid;
	kp_u8 want_initial_totem;
	kp_u8 had_confchg;
	struct kp_lmember *lm;		/* current membership, or NULL */
};

/* ---------------------------------------------------------- messages */

/* Kinds of ordered CPG messages (one byte on the wire). */
enum kp_cmsg_kind {
	KP_CM_DATA = 1,
	KP_CM_JOIN = 2,
	KP_CM_LEAVE = 3,
	KP_CM_STATE = 4,	/* state exchange after a merge */
};

/* An ordered CPG message, decoded, as the CPG layer consumes it. */
struct kp_cmsg {
	kp_u8 kind;
	kp_u8 arg;			/* guarantee (DATA), reason (LEAVE) */
	kp_u32 nodeid;
	kp_u32 pid;
	const struct kp_name *group;	/* DATA, JOIN, LEAVE */
	const struct kp_iov *iov;	/* DATA payload, STATE body */
	kp_u32 iovcnt;
	kp_u32 len;
};

/*
 * A refcounted packet buffer.  Received packets are stored by sequence
 * number; sent ones are shared between the send queue, the store and the
 * retransmissions, so a payload is copied once.
 */
struct kp_pkt {
	struct kp_pkt *next;		/* fragments of one send request */
	kp_u32 refs;
	kp_u32 len;
	kp_u8 data[];
};

/* A message waiting in the send queue for the token. */
enum kp_sreq_kind {
	KP_SQ_DATA,
	KP_SQ_JOIN,
	KP_SQ_LEAVE,
	KP_SQ_STATE,
};

struct kp_sreq {
	struct kp_sreq *next;
	kp_u8 kind;			/* enum kp_sreq_kind */
	kp_u8 safe;			/* the message is SAFE */
	kp_u8 counted;			/* counts against max_backlog */
	struct kp_lmember *lm;		/* JOIN and LEAVE */
	struct kp_pkt *frags;		/* DATA, STATE: prebuilt fragments */
	struct kp_pkt *next_frag;	/* first fragment not yet sent */
	kp_u32 n_frags;
};

/* ------------------------------------------------------------- node */

enum kp_state {
	KP_ST_OPERATIONAL,
	KP_ST_GATHER,
	KP_ST_COMMIT,
	KP_ST_RECOVERY,
};

struct kp_ring {
	struct kp_ring_id id;
	struct kp_nodeset memb;
};

struct kp_node {
	struct kp_config cfg;
	const struct kp_ops *ops;
	void *ctx;
	kp_u64 rng;
	kp_u64 now;
	struct kp_stats stats;
	struct kp_nodeset peers;	/* configured, without ourselves */

	/* Totem: the ring we are operational in (the old one while a new
	 * one is being formed).
	 */
	enum kp_state state;
	struct kp_ring ring;
	kp_u64 max_ring_seq;		/* highest ring seq ever seen */

	/* CPG */
	struct kp_group *groups;
	struct kp_handle *handles;
	struct kp_lmember *expel_list;	/* expelled, leave not yet applied */
	kp_u8 order_stalled;		/* ordered delivery waits for memory */

	/* Send queue (not used by a node alone). */
	struct kp_sreq *sq_head;
	struct kp_sreq **sq_tail;
	kp_u32 sq_backlog;		/* counted requests */
};

static inline int kp_alone(const struct kp_node *n)
{
	return n->state == KP_ST_OPERATIONAL && n->ring.memb.n == 1;
}

/* kp_cpg.c */
struct kp_group *kp_group_find(const struct kp_node *n,
			       const struct kp_name *g);
struct kp_group *kp_group_get(struct kp_node *n, const struct kp_name *g);
void kp_group_put(struct kp_node *n, struct kp_group *grp);
int kp_group_reserve(struct kp_node *n, struct kp_group *grp, kp_u32 more);
int kp_cpg_deliver(struct kp_node *n, const struct kp_cmsg *m);
void kp_cpg_expel(struct kp_node *n, struct kp_lmember *lm);
void kp_cpg_totem_all(struct kp_node *n);
void kp_cpg_destroy(struct kp_node *n);
void kp_lmember_free(struct kp_node *n, struct kp_lmember *lm);

/* kp_api.c */
void kp_run_expels(struct kp_node *n);

/* kp_send.c */
/* Gathers bytes from a header followed by an iovec. */
struct kp_gather {
	const kp_u8 *hdr;
	kp_u32 hdr_len;
	kp_u32 hdr_off;
	const struct kp_iov *iov;
	kp_u32 iovcnt;
	kp_u32 idx;
	kp_size off;
};

struct kp_pkt *kp_pkt_new(struct kp_node *n, kp_u32 len);
struct kp_pkt *kp_pkt_get(struct kp_pkt *p);
void kp_pkt_put(struct kp_node *n, struct kp_pkt *p);
kp_u32 kp_frag_cap(const struct kp_node *n);
struct kp_sreq *kp_sreq_build(struct kp_node *n, kp_u8 kind, int safe,
			      struct kp_gather *g, kp_u32 total);
void kp_sq_pop(struct kp_node *n);
void kp_sq_kick(struct kp_node *n);
void kp_sq_join(struct kp_node *n, struct kp_lmember *lm);
void kp_sq_leave(struct kp_node *n, struct kp_lmember *lm);
int kp_sq_data(struct kp_node *n, struct kp_lmember *lm, enum kp_guarantee g,
	       const struct kp_iov *iov, kp_u32 iovcnt, kp_u32 len);
void kp_sq_destroy(struct kp_node *n);

#endif /* KCPG_PROTO_KP_INT_H */
