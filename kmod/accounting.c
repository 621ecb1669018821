// SPDX-License-Identifier: GPL-2.0
/*
 * kcpg: per-user memory caps.
 *
 * Every byte a handle pins (ring, pool, backlog) is allocated with
 * GFP_KERNEL_ACCOUNT, so the memory cgroup of the opener pays for it.  On
 * top of that each user (uid) may pin at most kcpg_limits.max_user_bytes
 * across all its handles in all namespaces, so one user cannot exhaust a
 * node that runs without memory cgroups.
 */
#include <linux/slab.h>
#include <linux/hashtable.h>
#include <linux/spinlock.h>
#include <linux/refcount.h>

#include "kcpg.h"

struct kcpg_user {
	struct hlist_node node;		/* in kcpg_users, under kcpg_users_lock */
	kuid_t uid;
	refcount_t ref;			/* handles of this user */
	unsigned long bytes;		/* under kcpg_users_lock */
};

static DEFINE_HASHTABLE(kcpg_users, 6);
/* Protects kcpg_users, every kcpg_user.bytes and kcpg_handle.charged. */
static DEFINE_SPINLOCK(kcpg_users_lock);

struct kcpg_user *kcpg_user_get(kuid_t uid)
{
	struct kcpg_user *u, *fresh;
	u32 key = from_kuid(&init_user_ns, uid);

	fresh = kzalloc(sizeof(*fresh), GFP_KERNEL_ACCOUNT);
	if (!fresh)
		return NULL;

	spin_lock(&kcpg_users_lock);
	hash_for_each_possible(kcpg_users, u, node, key) {
		if (uid_eq(u->uid, uid)) {
			refcount_inc(&u->ref);
			spin_unlock(&kcpg_users_lock);
			kfree(fresh);
			return u;
		}
	}
	fresh->uid = uid;
	refcount_set(&fresh->ref, 1);
	hash_add(kcpg_users, &fresh->node, key);
	spin_unlock(&kcpg_users_lock);
	return fresh;
}

void kcpg_user_put(struct kcpg_user *u)
{
	if (!u)
		return;
	spin_lock(&kcpg_users_lock);
	if (refcount_dec_and_test(&u->ref)) {
		hash_del(&u->node);
		spin_unlock(&kcpg_users_lock);
		WARN_ON_ONCE(u->bytes);
		kfree(u);
		return;
	}
	spin_unlock(&kcpg_users_lock);
}

/* @force charges past the cap (a handle's last record must get through). */
int kcpg_charge(struct kcpg_handle *h, unsigned long bytes, bool force)
{
	struct kcpg_user *u = h->user;
	int ret = 0;

	spin_lock(&kcpg_users_lock);
	if (!force && (u->bytes + bytes > kcpg_limits.max_user_bytes ||
		       u->bytes + bytes < u->bytes))
		ret = -ENOMEM;
	else
		u->bytes += bytes;
	if (!ret)
		h->charged += bytes;
	spin_unlock(&kcpg_users_lock);
	return ret;
}

void kcpg_uncharge(struct kcpg_handle *h, unsigned long bytes)
{
	spin_lock(&kcpg_users_lock);
	h->user->bytes -= bytes;
	h->charged -= bytes;
	spin_unlock(&kcpg_users_lock);
}
