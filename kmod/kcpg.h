/* SPDX-License-Identifier: GPL-2.0 */
/*
 * kcpg: internal definitions shared by the module's files.
 */
#ifndef _KCPG_H
#define _KCPG_H

#include <linux/types.h>
#include <linux/mutex.h>
#include <linux/wait.h>
#include <linux/workqueue.h>
#include <linux/list.h>
#include <linux/uidgid.h>
#include <linux/skbuff.h>
#include <linux/socket.h>
#include <linux/hrtimer.h>
#include <linux/atomic.h>
#include <net/dst_cache.h>

#include <linux/kcpg.h>
#include "proto/kp.h"

/* Module parameters: global, read-only caps (see main.c). */
struct kcpg_limits {
	unsigned int max_msg_size;
	unsigned int ring_size;		/* default per handle */
	unsigned int max_ring_size;
	unsigned int pool_size;		/* default per handle */
	unsigned int max_pool_size;
	unsigned long max_user_bytes;	/* ring + pool + backlog, per user */
	unsigned int max_backlog;	/* bytes held for a full ring */
};

extern struct kcpg_limits kcpg_limits;

/*
 * A configured peer: a node id and the UDP address it sends from and
 * listens on.  Peers are added and removed under kcpg_net.lock while the
 * node is down, and looked up under RCU by the UDP receive hook (softirq),
 * which queues into @rxq: a bounded queue per peer, so one peer cannot
 * flood out the others.
 */
struct kcpg_peer {
	struct list_head node;		/* kcpg_net.peers, RCU */
	struct rcu_head rcu;
	u32 nodeid;
	struct sockaddr_storage addr;
	struct sk_buff_head rxq;	/* own lock; softirq -> worker */
	atomic64_t tx, rx, drop;
	struct kcpg_session *rx_session; /* under kcpg_net.lock */
	struct dst_cache dst_cache;	/* routes to @addr; the sender's */
};

struct kcpg_timer {
	struct hrtimer timer;
	struct kcpg_net *kn;
	unsigned int which;		/* enum kp_timer */
};

enum kcpg_drop {
	KCPG_DROP_UNKNOWN_PEER,
	KCPG_DROP_QUEUE_FULL,
	KCPG_DROP_NOT_UP,
	KCPG_DROP_SEND_ERROR,
	KCPG_DROP_MALFORMED,		/* the core refused a datagram */
	KCPG_DROP_RING_FULL,		/* a handle's ring and backlog */
	KCPG_DROP_BAD_CONSUMER,		/* a lying consumer index */
	KCPG_DROP_BAD_TAG,		/* authentication failed */
	KCPG_DROP_REPLAY,		/* seen counter or older epoch */
	KCPG_DROP_NR
};

extern const char *const kcpg_drop_names[KCPG_DROP_NR];

/*
 * One kcpg instance per network namespace: a node of the cluster.
 *
 * @lock serialises everything the protocol core touches: the core itself,
 * every handle's attachment to it, the producer side of every handle's
 * receive ring (core callbacks write into rings with @lock held), the
 * configuration and the socket.  It is a mutex because the core runs in
 * process context only: ioctls, netlink and @work, never softirq or timers.
 */
struct kcpg_net {
	struct mutex lock;		/* see above */
	struct net *net;		/* not counted: we live inside it */
	struct kp_node *node;		/* under @lock */
	struct kp_config cfg;		/* under @lock */
	u32 nodeid;
	unsigned int n_handles;		/* under @lock */
	struct kcpg_copy_stats copies;	/* under @lock */

	/* Configuration and transport, under @lock. */
	bool up;
	bool dying;			/* pernet exit: arm no more timers */
	struct sockaddr_storage local;	/* family + address (may be any) */
	bool local_set;			/* an address was configured */
	bool cfg_pending;		/* @cfg differs from the core's */
	u32 mtu;			/* the core's datagram size */
	u16 port;
	struct list_head peers;		/* struct kcpg_peer, RCU for readers */
	struct socket *sock;		/* while up */
	void *rxbuf;			/* one datagram, for the core */
	void *txbuf;			/* one sealed datagram */
	struct kcpg_keys *keys;		/* cluster key, NULL: none */
	u64 epoch;			/* of the current up, for keys */
	u64 last_ring_seq;		/* last ring reported as an event */
	u32 last_ring_rep;

	/* The ordered worker: received datagrams and fired timers. */
	struct work_struct work;
	struct kcpg_timer timers[KP_TIMER_NR];
	u64 deadline[KP_TIMER_NR];	/* under @lock; 0: not armed */
	unsigned long fired;		/* bit per timer, atomic bitops */
	atomic64_t drops[KCPG_DROP_NR];
	atomic64_t expelled;
};

/* A receive ring: a control page (user RW) and data pages (user RO). */
struct kcpg_ring {
	struct page *ctrl_page;
	struct kcpg_ring_ctrl *ctrl;	/* kernel address of ctrl_page */
	struct page **pages;
	unsigned int nr_pages;
	void *data;			/* vmap of pages */
	u32 size;			/* bytes, power of 2 */
	/* Producer state, under kcpg_net.lock. */
	u64 prod;			/* kernel's own producer index */
	u64 cons;			/* last consumer index validated */
	u64 published;			/* producer index user space saw */
	u64 kflags;			/* KCPG_CTRL_* as last written */
	struct list_head backlog;	/* struct kcpg_backlog, in order */
	size_t backlog_bytes;
	bool dead;			/* expelled or broken: no new events */
};

/* Zero-copy send buffers, carved by the library. */
struct kcpg_pool {
	struct page **pages;
	unsigned int nr_pages;
	void *data;			/* vmap of pages */
	u32 size;
};

/*
 * One open of /dev/kcpg: one CPG handle.
 *
 * @setup_lock orders KCPG_IOC_SETUP against mmap and every other ioctl:
 * after @ready is set (with release semantics) the ring and pool never
 * change until release.
 */
struct kcpg_handle {
	struct kcpg_net *kn;
	struct net *net;		/* counted reference */
	struct pid *owner;		/* the opener's thread group */
	pid_t tgid;			/* as seen from the init pid namespace */
	u32 report_pid;			/* as getpid() in the opener's namespace */
	struct kcpg_user *user;		/* charged for the memory */
	unsigned long charged;		/* bytes charged to @user */

	struct mutex setup_lock;	/* see above */
	bool ready;
	u32 setup_flags;
	struct kcpg_ring ring;
	struct kcpg_pool pool;

	struct kp_handle *kph;		/* under kn->lock; NULL once detached */
	wait_queue_head_t wq;		/* readers of the ring */

	/* Owner exit while the file lives on (fork, SCM_RIGHTS). */
	struct wait_queue_entry exit_wait;
	struct work_struct exit_work;
};

/* handle.c */
extern const struct file_operations kcpg_fops;
void kcpg_handle_detach(struct kcpg_handle *h);
int kcpg_handle_kick(struct kcpg_handle *h);

/* socket.c: the socket, peers, up and down */
#define KCPG_MAX_DGRAM		65536	/* largest datagram received */
int kcpg_transport_up(struct kcpg_net *kn);
void kcpg_transport_down(struct kcpg_net *kn);
struct kcpg_peer *kcpg_peer_find(struct kcpg_net *kn, u32 nodeid);
int kcpg_peer_add(struct kcpg_net *kn, u32 nodeid,
		  const struct sockaddr_storage *addr);
int kcpg_peer_del(struct kcpg_net *kn, u32 nodeid);
void kcpg_peers_free(struct kcpg_net *kn);

/* send.c */
void kcpg_transport_send(struct kcpg_net *kn, u32 dest, const void *pkt,
			 size_t len);
u32 kcpg_path_mtu(struct kcpg_net *kn, u32 *nodeid);

/* receive.c */
struct sock;
int kcpg_udp_rcv(struct sock *sk, struct sk_buff *skb);
void kcpg_net_work(struct work_struct *work);
void kcpg_drop(struct kcpg_net *kn, enum kcpg_drop why, u32 nodeid, u32 len);

/* crypto.c */
struct kcpg_keys;
struct kcpg_session;
int kcpg_crypto_set_key(struct kcpg_net *kn, const u8 *key, bool encrypt);
void kcpg_crypto_free(struct kcpg_net *kn);
void kcpg_crypto_peer_reset(struct kcpg_peer *p);
int kcpg_crypto_up(struct kcpg_net *kn);
bool kcpg_crypto_keyed(struct kcpg_net *kn);
size_t kcpg_crypto_header_len(void);
size_t kcpg_crypto_overhead(void);
int kcpg_crypto_seal(struct kcpg_net *kn, u8 *buf, size_t len);
int kcpg_crypto_open(struct kcpg_net *kn, struct kcpg_peer *p, u8 *buf,
		     size_t len, u8 **payload);

/* timers.c */
void kcpg_timers_init(struct kcpg_net *kn);
void kcpg_timers_arm(struct kcpg_net *kn, enum kp_timer which, u64 when);
void kcpg_timers_cancel_all(struct kcpg_net *kn);
void kcpg_timers_run(struct kcpg_net *kn);

/* netlink.c */
int kcpg_genl_init(void);
void kcpg_genl_exit(void);
void kcpg_genl_notify(struct kcpg_net *kn);

/* instance.c */
int kcpg_net_init(void);
int kcpg_node_reset(struct kcpg_net *kn, u32 cap);
void kcpg_net_exit(void);
struct kcpg_net *kcpg_net_get(struct net *net);
u64 kcpg_now(void);

/* ring.c */
int kcpg_ring_alloc(struct kcpg_ring *r, u32 size);
void kcpg_ring_free(struct kcpg_ring *r);
int kcpg_ring_put_msg(struct kcpg_handle *h, const struct kp_msg *m);
int kcpg_ring_put_confchg(struct kcpg_handle *h, const struct kp_confchg *c);
int kcpg_ring_put_totem(struct kcpg_handle *h, const struct kp_totem_conf *t);
void kcpg_ring_put_expelled(struct kcpg_handle *h);
int kcpg_ring_kick(struct kcpg_handle *h);
bool kcpg_ring_readable(struct kcpg_handle *h);
void kcpg_ring_break(struct kcpg_handle *h);

/* pool.c */
int kcpg_pages_alloc(struct page ***pagesp, unsigned int nr, void **vaddr);
void kcpg_pages_free(struct page **pages, unsigned int nr, void *vaddr);
int kcpg_pool_alloc(struct kcpg_pool *p, u32 size);
void kcpg_pool_free(struct kcpg_pool *p);

/* mmap.c */
int kcpg_mmap(struct file *file, struct vm_area_struct *vma);

/* ioctl.c */
long kcpg_ioctl(struct file *file, unsigned int cmd, unsigned long arg);

/* accounting.c: memory of handles, capped per user (uid). */
struct kcpg_user;
struct kcpg_user *kcpg_user_get(kuid_t uid);
void kcpg_user_put(struct kcpg_user *u);
int kcpg_charge(struct kcpg_handle *h, unsigned long bytes, bool force);
void kcpg_uncharge(struct kcpg_handle *h, unsigned long bytes);

/* core_ops.c */
extern const struct kp_ops kcpg_kp_ops;

/* plant.c: test-only planted bugs (KCPG_PLANT=...); no-ops otherwise. */
#ifdef KCPG_PLANT_UAF
void kcpg_plant_uaf(const void *freed);
#else
static inline void kcpg_plant_uaf(const void *freed) { }
#endif
#ifdef KCPG_PLANT_LOCK_INVERSION
void kcpg_plant_lock_inversion(struct kcpg_handle *h);
#else
static inline void kcpg_plant_lock_inversion(struct kcpg_handle *h) { }
#endif

#endif /* _KCPG_H */
