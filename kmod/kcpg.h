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
 * One kcpg instance per network namespace: a node of the cluster.
 *
 * @lock serialises everything the protocol core touches: the core itself,
 * every handle's attachment to it and the producer side of every handle's
 * receive ring (core callbacks write into rings with @lock held).  It is a
 * mutex because the core runs in process context only.
 */
struct kcpg_net {
	struct mutex lock;		/* see above */
	struct kp_node *node;		/* under @lock */
	u32 nodeid;
	unsigned int n_handles;		/* under @lock */
	struct kcpg_copy_stats copies;	/* under @lock */
	u64 unsent;			/* core sends without transport */
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

/* instance.c */
int kcpg_net_init(void);
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

#endif /* _KCPG_H */
