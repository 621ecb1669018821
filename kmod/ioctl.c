// SPDX-License-Identifier: GPL-2.0
/*
 * kcpg: ioctls of a handle.
 *
 * Arguments are extensible structs: the size encoded in the command is the
 * caller's struct size, copied with copy_struct_from_user() (missing fields
 * read as zero, extra trailing bytes must be zero).  Only the opener's
 * process may use a handle.  No ordering or membership decision is taken
 * here: everything goes through the protocol core under kcpg_net.lock.
 */
#include <linux/fs.h>
#include <linux/mm.h>
#include <linux/slab.h>
#include <linux/uaccess.h>
#include <linux/log2.h>
#include <linux/overflow.h>

#include "kcpg.h"

/* The largest record a ring must always be able to take. */
static u32 kcpg_min_ring_size(void)
{
	u32 rec = KCPG_REC_SPAN(sizeof(struct kcpg_rec_msg) +
				kcpg_limits.max_msg_size);

	return roundup_pow_of_two(2 * rec);
}

static int copy_in(void *k, size_t ksize, void __user *u, unsigned int cmd)
{
	return copy_struct_from_user(k, ksize, u, _IOC_SIZE(cmd));
}

static int copy_out(void __user *u, const void *k, size_t ksize,
		    unsigned int cmd)
{
	size_t usize = _IOC_SIZE(cmd);

	if (copy_to_user(u, k, min(usize, ksize)))
		return -EFAULT;
	if (usize > ksize && clear_user(u + ksize, usize - ksize))
		return -EFAULT;
	return 0;
}

static int name_ok(const struct kcpg_name *n)
{
	return n->length <= KCPG_NAME_MAX ? 0 : -ENAMETOOLONG;
}

static int ioc_info(struct kcpg_handle *h, void __user *u, unsigned int cmd)
{
	struct kcpg_info info = {
		.abi_version = KCPG_ABI_VERSION,
		.nodeid = h->kn->nodeid,
		.features = KCPG_FEAT_ZCB | KCPG_FEAT_SAFE | KCPG_FEAT_ITERATE,
		.max_msg_size = kcpg_limits.max_msg_size,
		.max_iovcnt = KCPG_IOV_MAX,
		.default_ring_size = max(kcpg_limits.ring_size,
					 kcpg_min_ring_size()),
		.default_pool_size = kcpg_limits.pool_size,
		.max_ring_size = kcpg_limits.max_ring_size,
		.max_pool_size = kcpg_limits.max_pool_size,
	};

	return copy_out(u, &info, sizeof(info), cmd);
}

static int ioc_setup(struct kcpg_handle *h, void __user *u, unsigned int cmd)
{
	struct kcpg_net *kn = h->kn;
	struct kcpg_setup s;
	u32 ring, pool;
	int ret;

	ret = copy_in(&s, sizeof(s), u, cmd);
	if (ret)
		return ret;
	if (s.reserved || (s.flags & ~KCPG_SETUP_INITIAL_TOTEM))
		return -EINVAL;
	if (s.ring_size > kcpg_limits.max_ring_size ||
	    s.pool_size > kcpg_limits.max_pool_size)
		return -EINVAL;
	ring = s.ring_size ? s.ring_size : kcpg_limits.ring_size;
	ring = max(roundup_pow_of_two(max_t(u32, ring, PAGE_SIZE)),
		   kcpg_min_ring_size());
	pool = s.pool_size ? PAGE_ALIGN(s.pool_size) : kcpg_limits.pool_size;

	/*
	 * The caller learns the sizes only from this copy, so it happens
	 * before anything is set up: a failed copy leaves the handle as it
	 * was and the call can be retried.  On a later error the sizes in
	 * the caller's struct mean nothing.
	 */
	s.ring_size = ring;
	s.pool_size = pool;
	ret = copy_out(u, &s, sizeof(s), cmd);
	if (ret)
		return ret;

	mutex_lock(&h->setup_lock);
	if (h->ready) {
		ret = -EBUSY;
		goto out;
	}
	ret = kcpg_charge(h, ring + pool + PAGE_SIZE, false);
	if (ret)
		goto out;
	ret = kcpg_ring_alloc(&h->ring, ring);
	if (ret)
		goto uncharge;
	ret = kcpg_pool_alloc(&h->pool, pool);
	if (ret)
		goto free_ring;

	mutex_lock(&kn->lock);
	h->kph = kp_handle_attach(kn->node, h, h->report_pid, kcpg_now());
	if (h->kph) {
		if (s.flags & KCPG_SETUP_INITIAL_TOTEM)
			kp_handle_want_initial_totem(h->kph);
		kn->n_handles++;
	}
	mutex_unlock(&kn->lock);
	if (!h->kph) {
		ret = -ENOMEM;
		goto free_pool;
	}

	h->setup_flags = s.flags;
	/* Publishes the ring and pool to mmap(), poll() and the ioctls. */
	smp_store_release(&h->ready, true);
	mutex_unlock(&h->setup_lock);
	return 0;

free_pool:
	kcpg_pool_free(&h->pool);
free_ring:
	kcpg_ring_free(&h->ring);
uncharge:
	kcpg_uncharge(h, ring + pool + PAGE_SIZE);
out:
	mutex_unlock(&h->setup_lock);
	return ret;
}

/* Join and leave: the name is checked here, everything else by the core. */
static int ioc_join_leave(struct kcpg_handle *h, void __user *u,
			  unsigned int cmd, bool join)
{
	struct kcpg_net *kn = h->kn;
	struct kcpg_join j;
	int ret;

	ret = copy_in(&j, sizeof(j), u, cmd);
	if (ret)
		return ret;
	if (j.reserved)
		return -EINVAL;
	ret = name_ok(&j.group);
	if (ret)
		return ret;

	mutex_lock(&kn->lock);
	if (!h->kph || h->ring.dead)
		ret = -EIO;
	else if (join)
		ret = kp_join(kn->node, h->kph, (struct kp_name *)&j.group,
			      kcpg_now());
	else
		ret = kp_leave(kn->node, h->kph, (struct kp_name *)&j.group,
			       kcpg_now());
	kcpg_plant_lock_inversion(h);
	mutex_unlock(&kn->lock);
	return ret;
}

/*
 * Hands one payload to the core; @copied is what the send path copied from
 * user space to get it (0 for zero copy).
 */
static int kcpg_send(struct kcpg_handle *h, u32 guarantee,
		     const struct kp_iov *iov, u32 len, u32 copied, bool zcb)
{
	struct kcpg_net *kn = h->kn;
	int ret;

	mutex_lock(&kn->lock);
	if (!h->kph || h->ring.dead) {
		ret = -EIO;
	} else {
		ret = kp_mcast(kn->node, h->kph, guarantee, iov, 1, len,
			       kcpg_now());
		if (!ret) {
			kn->copies.sender_bytes += copied;
			if (zcb)
				kn->copies.zcb_sends++;
			else
				kn->copies.copy_sends++;
		}
	}
	mutex_unlock(&kn->lock);
	return ret;
}

static int ioc_mcast(struct kcpg_handle *h, void __user *u, unsigned int cmd)
{
	struct kcpg_iovec uv[KCPG_IOV_MAX];
	struct kcpg_mcast m;
	struct kp_iov iov;
	u64 total = 0;
	u8 *buf, *p;
	u32 i;
	int ret;

	ret = copy_in(&m, sizeof(m), u, cmd);
	if (ret)
		return ret;
	if (m.guarantee > KCPG_SAFE || m.iovcnt > KCPG_IOV_MAX)
		return -EINVAL;
	if (m.iovcnt &&
	    copy_from_user(uv, u64_to_user_ptr(m.iov),
			   array_size(m.iovcnt, sizeof(uv[0]))))
		return -EFAULT;
	for (i = 0; i < m.iovcnt; i++) {
		if (uv[i].len > kcpg_limits.max_msg_size)
			return -EMSGSIZE;
		total += uv[i].len;
	}
	if (total > kcpg_limits.max_msg_size)
		return -EMSGSIZE;

	/* One copy in: the payload must not change under the core. */
	buf = kvmalloc(max_t(u64, total, 1), GFP_KERNEL_ACCOUNT);
	if (!buf)
		return -ENOMEM;
	for (i = 0, p = buf; i < m.iovcnt; i++) {
		if (copy_from_user(p, u64_to_user_ptr(uv[i].base), uv[i].len)) {
			ret = -EFAULT;
			goto out;
		}
		p += uv[i].len;
	}
	iov.base = buf;
	iov.len = total;
	ret = kcpg_send(h, m.guarantee, &iov, total, total, false);
out:
	kvfree(buf);
	kcpg_plant_uaf(buf);
	return ret;
}

/*
 * Zero copy: the payload is read by the core straight from the pool pages,
 * through the kernel's own mapping of them.
 */
static int ioc_zcb_mcast(struct kcpg_handle *h, void __user *u,
			 unsigned int cmd)
{
	struct kcpg_zcb_mcast z;
	struct kp_iov iov;
	int ret;

	ret = copy_in(&z, sizeof(z), u, cmd);
	if (ret)
		return ret;
	if (z.guarantee > KCPG_SAFE || z.reserved)
		return -EINVAL;
	if (z.len > kcpg_limits.max_msg_size)
		return -EMSGSIZE;
	if (!h->pool.size || z.offset > h->pool.size ||
	    z.len > h->pool.size - z.offset)
		return -EINVAL;
	iov.base = h->pool.data + z.offset;
	iov.len = z.len;
	return kcpg_send(h, z.guarantee, &iov, z.len, 0, true);
}

static int ioc_membership(struct kcpg_handle *h, void __user *u,
			  unsigned int cmd)
{
	struct kcpg_net *kn = h->kn;
	struct kcpg_membership m;
	struct kp_address *a = NULL;
	u32 n;
	int ret;

	ret = copy_in(&m, sizeof(m), u, cmd);
	if (ret)
		return ret;
	if (m.reserved)
		return -EINVAL;
	ret = name_ok(&m.group);
	if (ret)
		return ret;

	mutex_lock(&kn->lock);
	n = kp_group_members(kn->node, (struct kp_name *)&m.group, NULL, 0);
	n = min(n, m.capacity);
	if (n) {
		a = kvmalloc_array(n, sizeof(*a), GFP_KERNEL_ACCOUNT);
		if (!a) {
			mutex_unlock(&kn->lock);
			return -ENOMEM;
		}
	}
	m.count = kp_group_members(kn->node, (struct kp_name *)&m.group, a, n);
	mutex_unlock(&kn->lock);

	if (n && copy_to_user(u64_to_user_ptr(m.members), a,
			      array_size(n, sizeof(*a))))
		ret = -EFAULT;
	kvfree(a);
	return ret ? ret : copy_out(u, &m, sizeof(m), cmd);
}

/* Iteration snapshot: filled by a walk over every (group, node, pid). */
struct iter_fill {
	const struct kcpg_iterate *req;
	struct kcpg_iter_entry *out;	/* NULL: count only */
	u32 cap;
	u32 count;
	struct kp_name last;		/* NAME_ONLY: previous group */
};

static int iter_one(void *arg, const struct kp_name *g, kp_u32 nodeid,
		    kp_u32 pid)
{
	struct iter_fill *f = arg;
	struct kcpg_iter_entry *e;

	switch (f->req->type) {
	case KCPG_ITER_NAME_ONLY:
		if (f->count && f->last.length == g->length &&
		    !memcmp(f->last.value, g->value, g->length))
			return 0;
		f->last = *g;
		nodeid = 0;
		pid = 0;
		break;
	case KCPG_ITER_ONE_GROUP:
		if (f->req->group.length != g->length ||
		    memcmp(f->req->group.value, g->value, g->length))
			return 0;
		break;
	}
	if (f->out && f->count < f->cap) {
		e = &f->out[f->count];
		memcpy(&e->group, g, sizeof(e->group));
		e->nodeid = nodeid;
		e->pid = pid;
	}
	f->count++;
	return 0;
}

static int ioc_iterate(struct kcpg_handle *h, void __user *u, unsigned int cmd)
{
	struct kcpg_net *kn = h->kn;
	struct iter_fill f = {};
	struct kcpg_iterate it;
	u32 n;
	int ret;

	ret = copy_in(&it, sizeof(it), u, cmd);
	if (ret)
		return ret;
	if (it.reserved || it.reserved2)
		return -EINVAL;
	switch (it.type) {
	case KCPG_ITER_NAME_ONLY:
	case KCPG_ITER_ALL:
		if (it.group.length)
			return -EINVAL;
		break;
	case KCPG_ITER_ONE_GROUP:
		ret = name_ok(&it.group);
		if (ret)
			return ret;
		break;
	default:
		return -EINVAL;
	}
	f.req = &it;

	mutex_lock(&kn->lock);
	kp_for_each_member(kn->node, iter_one, &f);
	n = min(f.count, it.capacity);
	if (n) {
		f.out = kvmalloc_array(n, sizeof(*f.out), GFP_KERNEL_ACCOUNT);
		if (!f.out) {
			mutex_unlock(&kn->lock);
			return -ENOMEM;
		}
	}
	f.cap = n;
	f.count = 0;
	kp_for_each_member(kn->node, iter_one, &f);
	mutex_unlock(&kn->lock);

	it.count = f.count;
	if (n && copy_to_user(u64_to_user_ptr(it.entries), f.out,
			      array_size(n, sizeof(*f.out))))
		ret = -EFAULT;
	kvfree(f.out);
	return ret ? ret : copy_out(u, &it, sizeof(it), cmd);
}

static int ioc_flow(struct kcpg_handle *h, void __user *u, unsigned int cmd)
{
	struct kcpg_flow fl = {};

	mutex_lock(&h->kn->lock);
	fl.state = kp_flow_control(h->kn->node) ? 1 : 0;
	mutex_unlock(&h->kn->lock);
	return copy_out(u, &fl, sizeof(fl), cmd);
}

static int ioc_totem(struct kcpg_handle *h, void __user *u, unsigned int cmd)
{
	struct kcpg_net *kn = h->kn;
	u32 nodes[KP_MAX_NODES];
	struct kp_ring_id id;
	struct kcpg_totem t;
	u32 n;
	int ret;

	ret = copy_in(&t, sizeof(t), u, cmd);
	if (ret)
		return ret;
	if (t.reserved)
		return -EINVAL;
	mutex_lock(&kn->lock);
	kp_ring_id_get(kn->node, &id);
	n = kp_ring_nodes(kn->node, nodes, KP_MAX_NODES);
	mutex_unlock(&kn->lock);

	t.ring_nodeid = id.rep;
	t.ring_seq = id.seq;
	t.n_nodes = n;
	n = min3(n, t.capacity, (u32)KP_MAX_NODES);
	if (n && copy_to_user(u64_to_user_ptr(t.nodes), nodes,
			      array_size(n, sizeof(nodes[0]))))
		return -EFAULT;
	return copy_out(u, &t, sizeof(t), cmd);
}

static int ioc_copy_stats(struct kcpg_handle *h, void __user *u,
			  unsigned int cmd)
{
	struct kcpg_copy_stats st;

	mutex_lock(&h->kn->lock);
	st = h->kn->copies;
	mutex_unlock(&h->kn->lock);
	return copy_out(u, &st, sizeof(st), cmd);
}

/* Same number and direction; the size may differ (extensible structs). */
static bool ioc_is(unsigned int cmd, unsigned int ref)
{
	return _IOC_NR(cmd) == _IOC_NR(ref) && _IOC_DIR(cmd) == _IOC_DIR(ref);
}

long kcpg_ioctl(struct file *file, unsigned int cmd, unsigned long arg)
{
	struct kcpg_handle *h = file->private_data;
	void __user *u = (void __user *)arg;

	if (_IOC_TYPE(cmd) != KCPG_IOC_MAGIC)
		return -ENOTTY;
	if (task_tgid(current) != h->owner)
		return -EPERM;
	/* Bound the argument size: copy_struct_from_user() reads it all. */
	if (_IOC_SIZE(cmd) > PAGE_SIZE)
		return -EINVAL;

	if (ioc_is(cmd, KCPG_IOC_INFO))
		return ioc_info(h, u, cmd);
	if (ioc_is(cmd, KCPG_IOC_SETUP))
		return ioc_setup(h, u, cmd);
	/* Pairs with the release in ioc_setup(). */
	if (!smp_load_acquire(&h->ready))
		return -EBADFD;

	if (ioc_is(cmd, KCPG_IOC_JOIN))
		return ioc_join_leave(h, u, cmd, true);
	if (ioc_is(cmd, KCPG_IOC_LEAVE))
		return ioc_join_leave(h, u, cmd, false);
	if (ioc_is(cmd, KCPG_IOC_MCAST))
		return ioc_mcast(h, u, cmd);
	if (ioc_is(cmd, KCPG_IOC_ZCB_MCAST))
		return ioc_zcb_mcast(h, u, cmd);
	if (ioc_is(cmd, KCPG_IOC_MEMBERSHIP))
		return ioc_membership(h, u, cmd);
	if (ioc_is(cmd, KCPG_IOC_ITERATE))
		return ioc_iterate(h, u, cmd);
	if (ioc_is(cmd, KCPG_IOC_FLOW))
		return ioc_flow(h, u, cmd);
	if (ioc_is(cmd, KCPG_IOC_TOTEM))
		return ioc_totem(h, u, cmd);
	if (ioc_is(cmd, KCPG_IOC_RING_KICK))
		return kcpg_handle_kick(h);
	if (ioc_is(cmd, KCPG_IOC_COPY_STATS))
		return ioc_copy_stats(h, u, cmd);
	return -ENOTTY;
}
