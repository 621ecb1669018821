/* SPDX-License-Identifier: GPL-2.0 OR BSD-3-Clause */
/*
 * kcpg protocol core: the public interface.
 *
 * The core is a deterministic state machine for one node: Totem-style
 * ordering and membership plus the CPG process-group layer.  It includes no
 * kernel and no libc header, so the same files build into kcpg.ko and into
 * host test programs (the simulator, the fuzzer).  Everything from outside
 * comes in as an argument (time, randomness, packets, requests) and
 * everything going out leaves through struct kp_ops callbacks.
 *
 * Concurrency: a struct kp_node is not thread safe.  The embedder serialises
 * every call on one node (kcpg.ko: the instance mutex, taken in process
 * context only).  Callbacks run synchronously inside those calls and must not
 * call back into the same node, except where a callback's comment allows it,
 * and except for kp_ring_id_get() and kp_ring_nodes(), which only read: in a
 * callback they name the ring installed at that point (the old one for its
 * last deliveries and NODEDOWN confchgs, the new one from its NODEUP and
 * totem confchgs on).
 */
#ifndef KCPG_PROTO_KP_H
#define KCPG_PROTO_KP_H

typedef __UINT8_TYPE__ kp_u8;
typedef __UINT16_TYPE__ kp_u16;
typedef __UINT32_TYPE__ kp_u32;
typedef __UINT64_TYPE__ kp_u64;
typedef __INT32_TYPE__ kp_s32;
typedef __INT64_TYPE__ kp_s64;
typedef __SIZE_TYPE__ kp_size;

#define KP_NAME_MAX		128	/* == CPG_MAX_NAME_LENGTH */
#define KP_MAX_NODES		64	/* node ids in one ring */

/*
 * Errors returned by the core: negative, and numerically equal to the Linux
 * errno values so that the module can hand them to user space unchanged.
 */
#define KP_OK			0
#define KP_ENOENT		(-2)	/* not joined / no such group */
#define KP_EAGAIN		(-11)	/* back-pressure, or a previous leave pending */
#define KP_ENOMEM		(-12)
#define KP_EBUSY		(-16)	/* join still in progress */
#define KP_EEXIST		(-17)	/* already joined (this handle or this pid) */
#define KP_EINVAL		(-22)
#define KP_ENAMETOOLONG		(-36)
#define KP_EMSGSIZE		(-90)
#define KP_EPROTO		(-71)	/* malformed packet (counted, dropped) */

/* Delivery guarantees, values == cpg_guarantee_t. */
enum kp_guarantee {
	KP_UNORDERED = 0,
	KP_FIFO = 1,
	KP_AGREED = 2,
	KP_SAFE = 3,
};

/* Reasons in confchg lists, values == cpg_reason_t. */
enum kp_reason {
	KP_REASON_UNDEFINED = 0,
	KP_REASON_JOIN = 1,
	KP_REASON_LEAVE = 2,
	KP_REASON_NODEDOWN = 3,
	KP_REASON_NODEUP = 4,
	KP_REASON_PROCDOWN = 5,
};

struct kp_name {
	kp_u32 length;
	kp_u8 value[KP_NAME_MAX];
};

/* Layout-identical to struct cpg_address and struct kcpg_address. */
struct kp_address {
	kp_u32 nodeid;
	kp_u32 pid;
	kp_u32 reason;
};

struct kp_ring_id {
	kp_u32 rep;		/* representative node id */
	kp_u32 pad;
	kp_u64 seq;		/* strictly increasing */
};

/* A payload: a list of segments addressable by the embedder's memcpy. */
struct kp_iov {
	const void *base;
	kp_size len;
};

/*
 * A local process attached to the node (kcpg.ko: one open /dev/kcpg),
 * created by kp_handle_attach() and owned by the core until
 * kp_handle_detach().  The embedder's pointer given at attach time is
 * returned by kp_handle_ctx(), so callbacks can find the embedder's handle.
 */
struct kp_handle;

struct kp_confchg {
	const struct kp_name *group;
	const struct kp_address *members;	/* after the change, sorted */
	kp_u32 n_members;
	const struct kp_address *left;
	kp_u32 n_left;
	const struct kp_address *joined;
	kp_u32 n_joined;
};

struct kp_msg {
	const struct kp_name *group;
	kp_u32 nodeid;			/* sender */
	kp_u32 pid;
	kp_u32 guarantee;
	kp_u32 len;			/* total payload bytes */
	const struct kp_iov *iov;	/* valid only during the callback */
	kp_u32 iovcnt;
};

struct kp_totem_conf {
	struct kp_ring_id ring_id;
	const kp_u32 *nodes;		/* sorted node ids */
	kp_u32 n_nodes;
};

/* Timers the core asks the embedder to run; one deadline per kind. */
enum kp_timer {
	KP_TIMER_TOKEN,		/* token loss */
	KP_TIMER_RETRANSMIT,	/* token retransmit */
	KP_TIMER_HOLD,		/* token hold; a member: hold cancel resend */
	KP_TIMER_JOIN,		/* join message resend */
	KP_TIMER_CONSENSUS,	/* consensus during gather */
	KP_TIMER_MERGE,		/* merge detection probe */
	KP_TIMER_RETRY,		/* a ring of one retries what memory stopped */
	KP_TIMER_NR
};

#define KP_NO_TIMER		((kp_u64)0)

struct kp_ops {
	/* Memory.  alloc may fail (return NULL); the core copes. */
	void *(*alloc)(void *ctx, kp_size size);
	void (*free)(void *ctx, void *ptr);

	/*
	 * Send a datagram to node @dest, or to every configured peer when
	 * @dest is 0.  Never called on a node configured alone.
	 */
	void (*send)(void *ctx, kp_u32 dest, const void *pkt, kp_size len);

	/* (Re)arm timer @which to fire at absolute time @when (ns), or cancel
	 * it with KP_NO_TIMER.
	 */
	void (*timer)(void *ctx, enum kp_timer which, kp_u64 when);

	/*
	 * Deliveries, each to one local handle (see kp_handle_ctx()).  Return 0, or
	 * KP_EAGAIN when the handle cannot take the event (its receive ring
	 * and backlog are full): the core then expels the handle by an
	 * ordered leave with reason PROCDOWN; it gets nothing further of that
	 * group except its final expel notification.
	 */
	int (*deliver)(void *ctx, struct kp_handle *h, const struct kp_msg *m);
	int (*confchg)(void *ctx, struct kp_handle *h,
		       const struct kp_confchg *c);
	int (*totem_confchg)(void *ctx, struct kp_handle *h,
			     const struct kp_totem_conf *t);
	/* The handle was expelled (slow consumer); no more events follow. */
	void (*expelled)(void *ctx, struct kp_handle *h);

	/*
	 * Observers for tracing, each optional (NULL: not called).  token: the
	 * token of ring @ring_seq arrived here, at token sequence @seq and
	 * all-received-up-to @aru, asking for @rtr_n retransmissions.
	 * retransmit: message @seq of the ring sent again by this node.
	 */
	void (*token)(void *ctx, kp_u64 ring_seq, kp_u64 seq, kp_u64 aru,
		      kp_u32 rtr_n);
	void (*retransmit)(void *ctx, kp_u64 ring_seq, kp_u64 seq);
};

struct kp_config {
	kp_u32 nodeid;			/* this node, 1..2^32-2 */
	kp_u32 mtu;			/* largest datagram the core may send */
	kp_u32 max_msg;			/* largest message (after reassembly) */
	kp_u32 window;			/* messages per token rotation */
	kp_u64 token_timeout;		/* ns */
	kp_u64 retransmit_timeout;	/* ns */
	kp_u64 hold_timeout;		/* ns */
	kp_u64 join_timeout;		/* ns */
	kp_u64 consensus_timeout;	/* ns */
	kp_u64 merge_timeout;		/* ns */
	kp_u32 max_backlog;		/* queued sends before KP_EAGAIN */
};

/* Fill @cfg with defaults for @nodeid (a LAN; a node alone: no packets). */
void kp_config_default(struct kp_config *cfg, kp_u32 nodeid);

struct kp_stats {
	kp_u64 msgs_sent;		/* originated here */
	kp_u64 msgs_delivered;		/* ordered, to the CPG layer */
	kp_u64 bytes_retained;		/* payload copied into core buffers */
	kp_u64 pkts_sent;
	kp_u64 pkts_received;
	kp_u64 pkts_dropped;		/* malformed, wrong ring, duplicate */
	kp_u64 retransmits;
	kp_u64 token_losses;
	kp_u64 configs;			/* regular configurations installed */
	kp_u64 expelled;
};

struct kp_node;

/*
 * Create a node.  It starts as the one-member ring of itself (no packets are
 * sent while it has no peers).  Returns NULL on allocation failure.
 */
struct kp_node *kp_node_create(const struct kp_config *cfg,
			       const struct kp_ops *ops, void *ctx,
			       kp_u64 now, kp_u64 seed);
/* Free everything.  All handles must have been detached. */
void kp_node_destroy(struct kp_node *n);

/* Peers: the set of node ids this node may form a ring with. */
int kp_peer_add(struct kp_node *n, kp_u32 nodeid, kp_u64 now);
int kp_peer_remove(struct kp_node *n, kp_u32 nodeid, kp_u64 now);

/* Input: a datagram from node @from, a timer that fired. */
int kp_receive(struct kp_node *n, kp_u32 from, const void *pkt, kp_size len,
	       kp_u64 now);
void kp_timer_fired(struct kp_node *n, enum kp_timer which, kp_u64 now);

/* Local processes.  @pid is reported to every member as the sender pid. */
struct kp_handle *kp_handle_attach(struct kp_node *n, void *ctx, kp_u32 pid,
				   kp_u64 now);
/* The @ctx given to kp_handle_attach(). */
void *kp_handle_ctx(const struct kp_handle *h);

/*
 * Detach: if joined, the handle leaves with reason PROCDOWN (ordered, like
 * any leave).  The kp_handle is freed; no callback names it afterwards.
 */
void kp_handle_detach(struct kp_node *n, struct kp_handle *h, kp_u64 now);

/* Ask for the totem confchg with the current ring at the handle's first
 * confchg (CPG_MODEL_V1_DELIVER_INITIAL_TOTEM_CONF).
 */
void kp_handle_want_initial_totem(struct kp_handle *h);

int kp_join(struct kp_node *n, struct kp_handle *h, const struct kp_name *g,
	    kp_u64 now);
int kp_leave(struct kp_node *n, struct kp_handle *h, const struct kp_name *g,
	     kp_u64 now);
/*
 * Multicast @len bytes gathered from @iov to the handle's group.  The core
 * reads the payload before it returns (delivering it locally, or copying it
 * once when it must outlive the call); the caller may reuse the memory then.
 */
int kp_mcast(struct kp_node *n, struct kp_handle *h, enum kp_guarantee g,
	     const struct kp_iov *iov, kp_u32 iovcnt, kp_u32 len, kp_u64 now);

/* 1 when a send would get KP_EAGAIN now, else 0. */
int kp_flow_control(const struct kp_node *n);

/*
 * Snapshots.  kp_group_members() copies up to @cap members of @g (sorted)
 * and returns how many there are in all (which may exceed @cap).
 */
kp_u32 kp_group_members(const struct kp_node *n, const struct kp_name *g,
			struct kp_address *out, kp_u32 cap);

/* Calls @fn for each (group, nodeid, pid) in group then (nodeid, pid) order;
 * stops early when @fn returns non-zero and returns that value.
 */
int kp_for_each_member(const struct kp_node *n,
		       int (*fn)(void *arg, const struct kp_name *g,
				 kp_u32 nodeid, kp_u32 pid),
		       void *arg);

void kp_ring_id_get(const struct kp_node *n, struct kp_ring_id *id);
kp_u32 kp_ring_nodes(const struct kp_node *n, kp_u32 *out, kp_u32 cap);
void kp_stats_get(const struct kp_node *n, struct kp_stats *st);

#endif /* KCPG_PROTO_KP_H */
