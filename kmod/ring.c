// SPDX-License-Identifier: GPL-2.0
/*
 * kcpg: the receive ring of a handle.
 *
 * The kernel is the only producer, the library the only consumer.  Records
 * never wrap: one that does not fit before the end of the data area is
 * preceded by a PAD record, and the ring is at least twice the largest
 * record, so any record fits once the consumer catches up.
 *
 * Ordering: the producer writes a record, then publishes the new producer
 * index with a store-release; the consumer reads the index with a
 * load-acquire before the record.  The consumer publishes its index with a
 * store-release after reading; the producer reads it with a load-acquire
 * before overwriting that space.  The consumer index lives in user memory
 * and is validated each time it is read.
 *
 * Events that do not fit wait in a per-handle backlog (a copy, counted as
 * retained) in order; past the backlog bound the event is refused and the
 * core expels the handle.  Everything here runs under kcpg_net.lock except
 * kcpg_ring_readable().
 */
#include <linux/error-injection.h>
#include <linux/mm.h>
#include <linux/slab.h>
#include <linux/poll.h>
#include <linux/sched/signal.h>

#include "kcpg.h"
#include "trace.h"

struct kcpg_backlog {
	struct list_head node;
	u32 len;			/* record length (unaligned) */
	u32 data_len;			/* payload bytes in it */
	u8 rec[];
};

int kcpg_ring_alloc(struct kcpg_ring *r, u32 size)
{
	int ret;

	r->ctrl_page = alloc_page(GFP_KERNEL_ACCOUNT | __GFP_ZERO);
	if (!r->ctrl_page)
		return -ENOMEM;
	r->ctrl = page_address(r->ctrl_page);
	ret = kcpg_pages_alloc(&r->pages, size >> PAGE_SHIFT, &r->data);
	if (ret) {
		__free_page(r->ctrl_page);
		r->ctrl_page = NULL;
		r->ctrl = NULL;
		return ret;
	}
	r->nr_pages = size >> PAGE_SHIFT;
	r->size = size;
	r->prod = 0;
	r->cons = 0;
	r->published = 0;
	INIT_LIST_HEAD(&r->backlog);
	r->backlog_bytes = 0;
	r->dead = false;
	return 0;
}

/* Frees the ring; the caller uncharges what the backlog held. */
void kcpg_ring_free(struct kcpg_ring *r)
{
	struct kcpg_backlog *b, *tmp;

	if (!r->ctrl_page)
		return;
	list_for_each_entry_safe(b, tmp, &r->backlog, node) {
		list_del(&b->node);
		kfree(b);
	}
	kcpg_pages_free(r->pages, r->nr_pages, r->data);
	__free_page(r->ctrl_page);
	r->ctrl_page = NULL;
	r->ctrl = NULL;
	r->pages = NULL;
}

static void ring_set_flag(struct kcpg_ring *r, u64 flag, bool on)
{
	u64 flags = r->kflags;

	flags = on ? flags | flag : flags & ~flag;
	if (flags != r->kflags) {
		r->kflags = flags;
		WRITE_ONCE(r->ctrl->kernel_flags, flags);
	}
}

static void ring_wake(struct kcpg_handle *h)
{
	if (wq_has_sleeper(&h->wq))
		wake_up_interruptible_poll(&h->wq, EPOLLIN | EPOLLRDNORM);
}

/*
 * A handle whose consumer index is impossible is broken: it gets no more
 * events, and every later ioctl fails.  The caller detaches it from the core.
 */
void kcpg_ring_break(struct kcpg_handle *h)
{
	struct kcpg_ring *r = &h->ring;

	r->dead = true;
	ring_set_flag(r, KCPG_CTRL_DEAD, true);
	wake_up_interruptible_poll(&h->wq, EPOLLIN | EPOLLERR);
}

static void ring_drop(struct kcpg_handle *h, enum kcpg_drop why, u32 len)
{
	atomic64_inc(&h->kn->drops[why]);
	trace_kcpg_drop(kcpg_drop_names[why], h->kn->nodeid, len);
}

/* Reads and validates the consumer index; false if user space lied. */
static bool ring_update_cons(struct kcpg_ring *r)
{
	/* Pairs with the consumer's store-release: it is done reading. */
	u64 c = smp_load_acquire(&r->ctrl->consumer);

	if ((c & (KCPG_REC_ALIGN - 1)) || c < r->cons || c > r->prod)
		return false;
	r->cons = c;
	return true;
}

/*
 * Returns where a record of @len bytes goes, writing a PAD record first
 * when needed, or NULL when the ring has no room for it now.
 */
static void *ring_reserve(struct kcpg_ring *r, u32 len)
{
	u32 span = KCPG_REC_SPAN(len);
	u32 off = r->prod & (r->size - 1);
	u32 tail = r->size - off;
	u64 need = span > tail ? (u64)tail + span : span;
	struct kcpg_rec *pad;

	if (r->prod + need - r->cons > r->size)
		return NULL;
	if (span > tail) {
		pad = r->data + off;
		pad->len = tail;
		pad->type = KCPG_REC_PAD;
		pad->flags = 0;
		r->prod += tail;
		off = 0;
	}
	return r->data + off;
}

static void ring_commit(struct kcpg_handle *h, u32 len)
{
	struct kcpg_ring *r = &h->ring;

	r->prod += KCPG_REC_SPAN(len);
	/* Pairs with the consumer's load-acquire: the record is complete. */
	smp_store_release(&r->ctrl->producer, r->prod);
	WRITE_ONCE(r->published, r->prod);
	ring_wake(h);
}

/* A record under construction: a header and payload segments. */
struct rec_src {
	const void *hdr;
	u32 hdr_len;
	const struct kp_iov *iov;
	u32 iovcnt;
	u32 data_len;
};

static void rec_copy(void *dst, const struct rec_src *s)
{
	u8 *p = dst;
	u32 i;

	memcpy(p, s->hdr, s->hdr_len);
	p += s->hdr_len;
	for (i = 0; i < s->iovcnt; i++) {
		memcpy(p, s->iov[i].base, s->iov[i].len);
		p += s->iov[i].len;
	}
}

/*
 * A record that does not fit the ring waits in the backlog.  A fault point
 * (fail_function, NULL): this is where a delivery into a full ring fails,
 * and deliveries mostly run in the instance's worker (received datagrams),
 * out of fail-nth's reach.  A failure is reported to the core, which
 * expels the handle like any consumer too slow for its ring.
 */
static noinline struct kcpg_backlog *kcpg_backlog_alloc(u32 len)
{
	return kmalloc(sizeof(struct kcpg_backlog) + len, GFP_KERNEL_ACCOUNT);
}

ALLOW_ERROR_INJECTION(kcpg_backlog_alloc, NULL);

static bool ring_flush_backlog(struct kcpg_handle *h)
{
	struct kcpg_ring *r = &h->ring;
	struct kcpg_backlog *b, *tmp;
	void *dst;

	list_for_each_entry_safe(b, tmp, &r->backlog, node) {
		dst = ring_reserve(r, b->len);
		if (!dst)
			break;
		memcpy(dst, b->rec, b->len);
		ring_commit(h, b->len);
		list_del(&b->node);
		r->backlog_bytes -= b->len;
		h->kn->copies.ring_bytes += b->data_len;
		kcpg_uncharge(h, b->len);
		kfree(b);
	}
	ring_set_flag(r, KCPG_CTRL_BACKLOG, !list_empty(&r->backlog));
	return list_empty(&r->backlog);
}

/*
 * Puts one record into the ring, or into the backlog when the ring is full
 * (or the backlog is not empty: order).  @force lets the final EXPELLED
 * record pass the backlog bound.
 */
static int ring_put(struct kcpg_handle *h, const struct rec_src *s, bool force)
{
	struct kcpg_ring *r = &h->ring;
	u32 len = s->hdr_len + s->data_len;
	struct kcpg_backlog *b;
	void *dst;

	if (r->dead && !force)
		return -EPIPE;
	if (!ring_update_cons(r)) {
		ring_drop(h, KCPG_DROP_BAD_CONSUMER, len);
		kcpg_ring_break(h);
		return -EIO;
	}
	if (list_empty(&r->backlog) || ring_flush_backlog(h)) {
		dst = ring_reserve(r, len);
		if (dst) {
			rec_copy(dst, s);
			ring_commit(h, len);
			h->kn->copies.ring_bytes += s->data_len;
			return 0;
		}
	}

	if ((!force && r->backlog_bytes + len > kcpg_limits.max_backlog) ||
	    kcpg_charge(h, len, force)) {
		ring_drop(h, KCPG_DROP_RING_FULL, len);
		return -ENOBUFS;
	}
	b = kcpg_backlog_alloc(len);
	if (!b) {
		kcpg_uncharge(h, len);
		ring_drop(h, KCPG_DROP_RING_FULL, len);
		return -ENOBUFS;
	}
	b->len = len;
	b->data_len = s->data_len;
	rec_copy(b->rec, s);
	list_add_tail(&b->node, &r->backlog);
	r->backlog_bytes += len;
	h->kn->copies.retained_bytes += s->data_len;
	ring_set_flag(r, KCPG_CTRL_BACKLOG, true);
	return 0;
}

int kcpg_ring_put_msg(struct kcpg_handle *h, const struct kp_msg *m)
{
	struct kcpg_rec_msg rec = {
		.hdr.type = KCPG_REC_MSG,
		.hdr.len = sizeof(rec) + m->len,
		.nodeid = m->nodeid,
		.pid = m->pid,
		.guarantee = m->guarantee,
		.data_len = m->len,
	};
	struct rec_src s = {
		.hdr = &rec, .hdr_len = sizeof(rec),
		.iov = m->iov, .iovcnt = m->iovcnt, .data_len = m->len,
	};

	return ring_put(h, &s, false);
}

int kcpg_ring_put_confchg(struct kcpg_handle *h, const struct kp_confchg *c)
{
	struct kcpg_rec_confchg rec = {
		.hdr.type = KCPG_REC_CONFCHG,
		.n_members = c->n_members,
		.n_left = c->n_left,
		.n_joined = c->n_joined,
	};
	struct kp_iov iov[3] = {
		{ c->members, c->n_members * sizeof(struct kcpg_address) },
		{ c->left, c->n_left * sizeof(struct kcpg_address) },
		{ c->joined, c->n_joined * sizeof(struct kcpg_address) },
	};
	u32 data_len = iov[0].len + iov[1].len + iov[2].len;
	struct rec_src s = {
		.hdr = &rec, .hdr_len = sizeof(rec),
		.iov = iov, .iovcnt = 3, .data_len = data_len,
	};

	BUILD_BUG_ON(sizeof(struct kcpg_address) != sizeof(struct kp_address));
	BUILD_BUG_ON(sizeof(struct kcpg_name) != sizeof(struct kp_name));
	rec.hdr.len = sizeof(rec) + data_len;
	memcpy(&rec.group, c->group, sizeof(rec.group));
	return ring_put(h, &s, false);
}

int kcpg_ring_put_totem(struct kcpg_handle *h, const struct kp_totem_conf *t)
{
	struct kcpg_rec_totem rec = {
		.hdr.type = KCPG_REC_TOTEM,
		.ring_nodeid = t->ring_id.rep,
		.ring_seq = t->ring_id.seq,
		.n_nodes = t->n_nodes,
	};
	struct kp_iov iov = { t->nodes, t->n_nodes * sizeof(u32) };
	struct rec_src s = {
		.hdr = &rec, .hdr_len = sizeof(rec),
		.iov = &iov, .iovcnt = 1, .data_len = iov.len,
	};

	rec.hdr.len = sizeof(rec) + iov.len;
	return ring_put(h, &s, false);
}

/* The last record a handle gets; the handle is dead afterwards. */
void kcpg_ring_put_expelled(struct kcpg_handle *h)
{
	struct kcpg_rec rec = {
		.type = KCPG_REC_EXPELLED,
		.len = sizeof(rec),
	};
	struct rec_src s = { .hdr = &rec, .hdr_len = sizeof(rec) };

	if (!h->ring.dead)
		ring_put(h, &s, true);
	h->ring.dead = true;
	ring_set_flag(&h->ring, KCPG_CTRL_DEAD, true);
	wake_up_interruptible_poll(&h->wq, EPOLLIN | EPOLLERR);
}

/*
 * Moves backlog into the ring after the consumer made room.  Returns
 * -EIO when the consumer index is impossible (the handle is then broken).
 */
int kcpg_ring_kick(struct kcpg_handle *h)
{
	struct kcpg_ring *r = &h->ring;

	if (!ring_update_cons(r)) {
		ring_drop(h, KCPG_DROP_BAD_CONSUMER, 0);
		kcpg_ring_break(h);
		return -EIO;
	}
	if (!list_empty(&r->backlog))
		ring_flush_backlog(h);
	return 0;
}

/* Lockless: for poll().  A lying consumer index only makes it say yes. */
bool kcpg_ring_readable(struct kcpg_handle *h)
{
	struct kcpg_ring *r = &h->ring;

	return READ_ONCE(r->published) != READ_ONCE(r->ctrl->consumer);
}
