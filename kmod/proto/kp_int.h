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
#include "kp_wire.h"

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
	struct kp_sreq *join_req;	/* built at join time; the queue */
	struct kp_sreq *leave_req;	/* owns them once they are queued */
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
	struct kp_pkt *frags;		/* its packets, built in advance */
	struct kp_pkt *next_frag;	/* first fragment not yet sent */
	kp_u32 n_frags;
};

/* ------------------------------------------------------ decoded packets */

/* Sequence numbers stay far below overflow in every sum the core makes. */
#define KP_SEQ_MAX		0x4000000000000000ull
#define KP_RTR_MAX_N		64

struct kp_mc {			/* MCAST */
	struct kp_ring_id ring;
	kp_u32 sender;
	kp_u64 seq;
	kp_u32 sseq;		/* per sender and ring, from 1; 0: recovered */
	kp_u8 flags;
	kp_u32 msg_len;
	kp_u32 off;
	const kp_u8 *data;
	kp_u32 data_len;
};

struct kp_token {		/* TOKEN, also the token a node holds */
	struct kp_ring_id ring;
	kp_u64 tseq;		/* per hop: duplicates are dropped */
	kp_u64 seq;		/* highest sequence number assigned */
	kp_u64 aru;		/* all received up to, as far as known */
	kp_u32 aru_id;		/* who lowered aru (0: nobody) */
	kp_u32 fcc;		/* messages sent during the last rotation */
	kp_u32 backlog;		/* messages waiting, summed over the ring */
	kp_u32 flags;
	kp_u32 rtr_n;
	kp_u64 rtr[KP_RTR_MAX_N];	/* retransmission requests */
};

struct kp_join {		/* JOIN */
	struct kp_ring_id ring;
	kp_u64 max_seq;
	kp_u8 vmin, vmax;
	kp_u32 round;
	struct kp_nodeset proc;
	struct kp_nodeset fail;
};

struct kp_commit_ent {
	kp_u32 node;
	kp_u8 filled;
	struct kp_ring_id old;	/* the member's ring before this one */
	kp_u64 aru;		/* its all-received-up-to in that ring */
	kp_u64 high;		/* the highest seq it holds of that ring */
};

struct kp_commit {		/* COMMIT */
	struct kp_ring_id ring;
	kp_u64 tseq;
	kp_u32 n;
	kp_u8 phase;		/* 1: members fill in, 2: members recover */
	kp_u8 version;
	struct kp_commit_ent e[KP_MAX_NODES];
};

/* kp_wire.c */
int kp_dec_hdr(const struct kp_node *n, kp_u32 from, const void *pkt,
	       kp_size len, kp_u8 *type);
int kp_dec_mcast(const struct kp_node *n, const void *pkt, kp_size len,
		 struct kp_mc *m);
int kp_dec_inner(const struct kp_node *n, const struct kp_mc *outer,
		 struct kp_mc *m);
int kp_dec_token(const void *pkt, kp_size len, struct kp_token *t);
int kp_dec_join(const void *pkt, kp_size len, struct kp_join *j);
int kp_dec_commit(const void *pkt, kp_size len, struct kp_commit *c);
int kp_dec_ringpkt(const void *pkt, kp_size len, struct kp_ring_id *r);

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

/* Reassembly of one sender's current message, in one ring. */
struct kp_rsm {
	kp_u8 *buf;
	kp_u32 total;
	kp_u32 have;
	kp_u32 next_sseq;	/* the sender sequence expected next */
	kp_u8 gap;		/* a message of this sender is lost for good */
};

/*
 * Everything about one ring's messages at this node.  A node has two: the
 * ring it is operational in and, while a new ring recovers, the old one.
 */
struct kp_rstate {
	struct kp_ring ring;
	int my_idx;
	/* Store: packets by seq, circular, cap a power of two. */
	struct kp_pkt **slot;
	kp_u32 cap;
	kp_u64 base;		/* seqs below are released */
	kp_u64 my_aru;		/* every seq up to here received */
	kp_u64 high_seq;	/* highest seq received */
	kp_u64 delivered;	/* handed to reassembly up to here */
	kp_u64 safe;		/* every member has every seq up to here */
	kp_u64 prev_aru;	/* token aru at my previous visit */
	kp_u64 prev_seq;	/* token seq at my previous visit */
	kp_u64 tseq_seen;	/* newest token (or commit) hop seen */
	kp_u32 pk_done;		/* messages of a packed packet applied */
	kp_u32 my_sseq;
	kp_u32 my_fcc;		/* my share of the token's fcc */
	kp_u32 my_backlog;
	kp_u8 visited;		/* the token was here at least once */
	struct kp_rsm rsm[KP_MAX_NODES];
};

/* What we last heard from a peer, to tell its old packets from new. */
struct kp_peerinfo {
	kp_u32 id;
	kp_u32 round;
	kp_u64 ring_seq;
};

/* One STATE message kept until the state exchange completes. */
struct kp_xstate {
	struct kp_xstate *next;
	kp_u32 nodeid;
	kp_u32 len;
	kp_u8 body[];
};

/* Largest token or commit token this node may have to resend. */
#define KP_TOKBUF_LEN	(40 + 40 * KP_MAX_NODES)

struct kp_node {
	struct kp_config cfg;
	const struct kp_ops *ops;
	void *ctx;
	kp_u64 rng;
	kp_u64 now;
	struct kp_stats stats;
	struct kp_nodeset peers;	/* configured, without ourselves */
	kp_u64 timer[KP_TIMER_NR];	/* armed deadlines, 0: none */

	/* Totem. */
	enum kp_state state;
	struct kp_ring ring;		/* the installed ring */
	kp_u64 max_ring_seq;		/* highest ring seq ever seen */
	struct kp_rstate rs[2];
	struct kp_rstate *cur;		/* ring of ring (the new one in
					 * recovery)
					 */
	struct kp_rstate *old;		/* recovery: the previous ring */
	struct kp_token tok;		/* the token while it is here */
	struct kp_token tokrx;		/* decoding a received token */
	kp_u8 tok_quiet;		/* nothing happened for a rotation */
	kp_u8 tok_solo;			/* only we sent in the last rotation,
					 * and everyone had everything
					 */
	kp_u32 tok_dest;		/* where tokbuf went */
	kp_u64 tok_sent_seq;		/* token seq when we passed it */
	kp_u64 burst_lo, burst_hi;	/* ordered this visit, to multicast */
	kp_u8 holding;			/* idle token held here */
	kp_u64 hold_seq;		/* token seq when the hold began */
	kp_u8 cancel_sent;		/* hold cancel sent since last visit */
	kp_u8 cancel_tries;		/* cancels sent since last visit: the
					 * resend interval doubles with each
					 */
	kp_u8 cancel_rx;		/* rep: a hold cancel came while the
					 * token was on its way here
					 */
	kp_u8 idle_seen;		/* the ring looked idle at last visit */
	kp_u8 tok_out;			/* tokbuf awaits the successor */
	kp_u32 tokbuf_len;
	kp_u8 tokbuf[KP_TOKBUF_LEN];	/* last token sent, for resends */

	/* Membership. */
	struct kp_nodeset proc, fail, cons;
	kp_u32 round;			/* gather rounds started here */
	struct kp_peerinfo pinfo[KP_MAX_NODES];
	kp_u32 n_pinfo;
	struct kp_join jscratch;
	struct kp_commit cscratch;
	struct kp_nodeset scratch_set, scratch_set2;
	struct kp_name scratch_name;
	kp_u8 jbuf[KP_JN_IDS + 8 * KP_MAX_NODES];
	struct kp_commit commit;	/* the ring being formed */
	kp_u64 commit_tseq;		/* newest commit hop seen */
	/* Recovery of the old ring. */
	struct kp_nodeset trans;	/* from my old ring into the new one */
	kp_u64 rec_low, rec_high, rec_next;
	kp_u64 trans_aru[KP_MAX_NODES];	/* by index in trans */
	kp_u8 install_seen;
	kp_u8 install_sent;		/* rep: the flag went round once */

	/* CPG */
	struct kp_group *groups;
	struct kp_handle *handles;
	struct kp_lmember *expel_list;	/* expelled, leave not yet issued */
	kp_u8 order_stalled;		/* ordered delivery waits for memory */
	struct kp_nodeset known;	/* nodes whose processes we know */
	kp_u8 xchg;			/* state exchange running */
	kp_u8 xchg_queued;		/* our STATE is in the send queue */
	struct kp_nodeset xchg_memb, xchg_got;
	struct kp_xstate *xstates;

	/* Send queue. */
	struct kp_sreq *sq_head;
	struct kp_sreq **sq_tail;
	kp_u32 sq_backlog;		/* data messages queued */
	kp_u32 sq_pending;		/* packets not sent yet */
	struct kp_pkt *pack_pkt;	/* packed head messages, not yet sent */
	kp_u32 pack_count;		/* how many messages it holds */
};

static inline int kp_alone(const struct kp_node *n)
{
	return n->state == KP_ST_OPERATIONAL && n->ring.memb.n == 1;
}

/*
 * Something received here is not delivered yet: a hole before it, or a
 * SAFE message below the safe line.  Either needs the token to move.
 */
static inline int kp_rs_waiting(const struct kp_rstate *rs)
{
	return rs->delivered < rs->high_seq;
}

/* kp_store.c */
void kp_rs_init(struct kp_rstate *rs, const struct kp_ring *ring, kp_u32 me);
void kp_rs_free(struct kp_node *n, struct kp_rstate *rs);
void kp_rsm_drop(struct kp_node *n, struct kp_rsm *r);
struct kp_pkt *kp_rs_get(const struct kp_rstate *rs, kp_u64 seq);
int kp_rs_in_range(const struct kp_rstate *rs, kp_u64 seq);
int kp_rs_put(struct kp_node *n, struct kp_rstate *rs, kp_u64 seq,
	      struct kp_pkt *p);
void kp_rs_release(struct kp_node *n, struct kp_rstate *rs, kp_u64 upto);
int kp_rs_accept(struct kp_node *n, struct kp_rstate *rs, kp_u64 seq,
		 const void *data, kp_u32 len);

/* kp_order.c */
int kp_order_pkt(struct kp_node *n, struct kp_rstate *rs,
		 const struct kp_pkt *pkt, int holes);
void kp_order_run(struct kp_node *n);

/* kp_token.c */
void kp_xmit(struct kp_node *n, kp_u32 dest, const void *pkt, kp_u32 len);
void kp_timer_set(struct kp_node *n, enum kp_timer which, kp_u64 when);
kp_u32 kp_succ(const struct kp_nodeset *memb, kp_u32 me);
kp_u32 kp_pred(const struct kp_nodeset *memb, kp_u32 me);
void kp_tok_out(struct kp_node *n, kp_u32 dest);
void kp_tok_taken(struct kp_node *n);
void kp_token_visit(struct kp_node *n, int again);
void kp_token_done(struct kp_node *n);
void kp_token_release(struct kp_node *n, int keep);
int kp_token_rx(struct kp_node *n, kp_u32 from, const void *pkt, kp_size len);
void kp_token_start(struct kp_node *n, kp_u64 tseq);
void kp_local_visit(struct kp_node *n);
int kp_hold_cancel_rx(struct kp_node *n, kp_u32 from, const void *pkt,
		      kp_size len);
void kp_hold_cancel_send(struct kp_node *n);

/* kp_memb.c */
void kp_merge_arm(struct kp_node *n);
void kp_merge_timeout(struct kp_node *n);
void kp_gather_enter(struct kp_node *n);
void kp_consensus_timeout(struct kp_node *n);
void kp_join_timeout(struct kp_node *n);
int kp_join_rx(struct kp_node *n, kp_u32 from, const void *pkt, kp_size len);
int kp_merge_rx(struct kp_node *n, kp_u32 from, const void *pkt, kp_size len);
int kp_commit_rx(struct kp_node *n, kp_u32 from, const void *pkt,
		 kp_size len);

/* kp_recovery.c */
void kp_recovery_enter(struct kp_node *n);
kp_u32 kp_rec_pending(const struct kp_node *n);
struct kp_pkt *kp_rec_next(struct kp_node *n, kp_u64 *seq);
int kp_rec_unpack(struct kp_node *n, const struct kp_mc *outer);
void kp_install_try(struct kp_node *n);
void kp_form_singleton(struct kp_node *n);

/* kp_xchg.c */
void kp_cpg_trans(struct kp_node *n, const struct kp_nodeset *trans);
void kp_cpg_regular(struct kp_node *n);
int kp_xchg_queue_state(struct kp_node *n);
int kp_xchg_state(struct kp_node *n, kp_u32 sender, const kp_u8 *p,
		  kp_u32 len);

/* kp_node.c */
void kp_after(struct kp_node *n);

/*
 * Trace points for the host tests (built with -DKP_TRACE, which provides
 * kp_trace()); nothing in the module.
 */
#ifdef KP_TRACE
void kp_trace(kp_u32 node, const char *ev, kp_u64 a, kp_u64 b);
#else
static inline void kp_trace(kp_u32 node, const char *ev, kp_u64 a, kp_u64 b)
{
	(void)node;
	(void)ev;
	(void)a;
	(void)b;
}
#endif

/* kp_cpg.c */
void kp_cpg_confchg_local(struct kp_node *n, struct kp_group *grp,
			  const struct kp_confchg *c, kp_u32 upto);
int kp_cpg_view_insert(struct kp_group *grp, kp_u32 nodeid, kp_u32 pid);
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

/* kp_pkt.c */
struct kp_pkt *kp_pkt_new(struct kp_node *n, kp_u32 len);
struct kp_pkt *kp_pkt_get(struct kp_pkt *p);
void kp_pkt_put(struct kp_node *n, struct kp_pkt *p);
kp_u32 kp_frag_cap(const struct kp_node *n);
struct kp_sreq *kp_sreq_build(struct kp_node *n, kp_u8 kind, int safe,
			      struct kp_gather *g, kp_u32 total);
void kp_sreq_free(struct kp_node *n, struct kp_sreq *r);
struct kp_sreq *kp_ctl_build(struct kp_node *n, const struct kp_lmember *lm,
			     kp_u8 kind);
void kp_ctl_set_reason(struct kp_sreq *r, kp_u8 reason);

/* kp_send.c */
void kp_sq_push_front(struct kp_node *n, struct kp_sreq *r);
void kp_sq_pack_reset(struct kp_node *n);

void kp_sq_drop_state(struct kp_node *n);
struct kp_pkt *kp_sq_peek(struct kp_node *n);
void kp_sq_advance(struct kp_node *n);
void kp_sq_restart(struct kp_node *n);
void kp_pkt_stamp(struct kp_pkt *p, const struct kp_ring_id *ring,
		  kp_u64 seq, kp_u32 sseq);
void kp_sq_join(struct kp_node *n, struct kp_lmember *lm);
void kp_sq_leave(struct kp_node *n, struct kp_lmember *lm);
int kp_sq_data(struct kp_node *n, struct kp_lmember *lm, enum kp_guarantee g,
	       const struct kp_iov *iov, kp_u32 iovcnt, kp_u32 len);
void kp_sq_destroy(struct kp_node *n);

#endif /* KCPG_PROTO_KP_INT_H */
