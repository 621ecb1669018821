// SPDX-License-Identifier: GPL-2.0
/*
 * kcpg: a handle is one open of /dev/kcpg.
 *
 * It is bound at open to the opener's network namespace (its node) and to
 * the opener's process (thread group): only that process may use it, and
 * when that process exits the handle leaves its group with PROCDOWN even if
 * another process still holds the file (fork, SCM_RIGHTS).  The exit is seen
 * through the pidfd wait queue of the opener's struct pid, which the kernel
 * wakes when the whole thread group has exited.
 */
#include <linux/fs.h>
#include <linux/poll.h>
#include <linux/slab.h>
#include <linux/pid.h>
#include <linux/sched.h>
#include <linux/cred.h>
#include <linux/nsproxy.h>
#include <net/net_namespace.h>

#include "kcpg.h"

/* Takes the handle out of the core: it leaves its group with PROCDOWN. */
void kcpg_handle_detach(struct kcpg_handle *h)
{
	struct kcpg_net *kn = h->kn;

	mutex_lock(&kn->lock);
	if (h->kph) {
		kp_handle_detach(kn->node, h->kph, kcpg_now());
		h->kph = NULL;
		kn->n_handles--;
	}
	if (h->ready) {
		h->ring.dead = true;
		wake_up_interruptible_poll(&h->wq, EPOLLIN | EPOLLERR);
	}
	mutex_unlock(&kn->lock);
}

/*
 * Moves the backlog into the ring after the consumer made room.  An
 * expelled handle may still drain its backlog (the messages up to its
 * expulsion and the EXPELLED record); a lying consumer index breaks the
 * handle, which then leaves its group with PROCDOWN.
 */
int kcpg_handle_kick(struct kcpg_handle *h)
{
	struct kcpg_net *kn = h->kn;
	int ret;

	mutex_lock(&kn->lock);
	ret = kcpg_ring_kick(h);
	if (ret && h->kph) {
		kp_handle_detach(kn->node, h->kph, kcpg_now());
		h->kph = NULL;
		kn->n_handles--;
	}
	mutex_unlock(&kn->lock);
	return ret;
}

static void kcpg_owner_exit_work(struct work_struct *work)
{
	struct kcpg_handle *h = container_of(work, struct kcpg_handle,
					     exit_work);

	kcpg_handle_detach(h);
}

/*
 * Called under the pidfd wait queue lock, in the exit path of the owner's
 * thread group: the wait queue is woken only when the whole group is dead.
 */
static int kcpg_owner_exit_wake(struct wait_queue_entry *wait,
				unsigned int mode, int sync, void *key)
{
	struct kcpg_handle *h = container_of(wait, struct kcpg_handle,
					     exit_wait);

	schedule_work(&h->exit_work);
	return 0;
}

static int kcpg_open(struct inode *inode, struct file *file)
{
	struct kcpg_handle *h;

	h = kzalloc(sizeof(*h), GFP_KERNEL_ACCOUNT);
	if (!h)
		return -ENOMEM;
	h->user = kcpg_user_get(current_uid());
	if (!h->user) {
		kfree(h);
		return -ENOMEM;
	}
	h->net = get_net(current->nsproxy->net_ns);
	h->kn = kcpg_net_get(h->net);
	h->owner = get_pid(task_tgid(current));
	h->report_pid = task_tgid_vnr(current);
	mutex_init(&h->setup_lock);
	init_waitqueue_head(&h->wq);
	INIT_WORK(&h->exit_work, kcpg_owner_exit_work);
	init_waitqueue_func_entry(&h->exit_wait, kcpg_owner_exit_wake);
	add_wait_queue(&h->owner->wait_pidfd, &h->exit_wait);

	file->private_data = h;
	return stream_open(inode, file);
}

static int kcpg_release(struct inode *inode, struct file *file)
{
	struct kcpg_handle *h = file->private_data;

	remove_wait_queue(&h->owner->wait_pidfd, &h->exit_wait);
	cancel_work_sync(&h->exit_work);
	kcpg_handle_detach(h);

	if (h->ready) {
		kcpg_uncharge(h, h->ring.backlog_bytes);
		kcpg_ring_free(&h->ring);
		kcpg_pool_free(&h->pool);
	}
	kcpg_uncharge(h, h->charged);
	kcpg_user_put(h->user);
	put_pid(h->owner);
	put_net(h->net);
	mutex_destroy(&h->setup_lock);
	kfree(h);
	return 0;
}

static __poll_t kcpg_poll(struct file *file, poll_table *wait)
{
	struct kcpg_handle *h = file->private_data;
	__poll_t mask = 0;

	poll_wait(file, &h->wq, wait);
	/*
	 * Pairs with the barrier in wq_has_sleeper() (ring_wake()): either
	 * the producer sees us queued on h->wq, or we see what it published.
	 * Queueing takes and releases the wait queue's lock, which does not
	 * order our later loads after it.
	 */
	smp_mb();
	/* Pairs with the release in ioc_setup(): the ring is complete. */
	if (!smp_load_acquire(&h->ready))
		return EPOLLERR;
	if (READ_ONCE(h->ring.ctrl->kernel_flags) & KCPG_CTRL_BACKLOG)
		kcpg_handle_kick(h);
	if (kcpg_ring_readable(h))
		mask |= EPOLLIN | EPOLLRDNORM;
	if (READ_ONCE(h->ring.dead))
		mask |= EPOLLERR;
	return mask;
}

const struct file_operations kcpg_fops = {
	.owner = THIS_MODULE,
	.open = kcpg_open,
	.release = kcpg_release,
	.poll = kcpg_poll,
	.mmap = kcpg_mmap,
	.unlocked_ioctl = kcpg_ioctl,
	.compat_ioctl = compat_ptr_ioctl,
};
