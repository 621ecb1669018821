/* SPDX-License-Identifier: GPL-2.0 */
/*
 * A raw /dev/kcpg handle for tests of the kernel contract (no library):
 * open + setup + the three mappings, join/leave/send, and a ring reader.
 */
#ifndef KCPG_KH_H
#define KCPG_KH_H
#include <errno.h>
#include <fcntl.h>
#include <stdint.h>
#include <string.h>
#include <unistd.h>
#include <sys/ioctl.h>
#include <sys/mman.h>

#include <linux/kcpg.h>

struct kh {
	int fd;
	struct kcpg_setup setup;
	struct kcpg_ring_ctrl *ctrl;
	uint8_t *ring;
	uint8_t *pool;
};

static inline int kh_open(struct kh *k, uint32_t flags)
{
	memset(k, 0, sizeof(*k));
	k->fd = open("/dev/kcpg", O_RDWR | O_CLOEXEC);
	if (k->fd < 0)
		return -1;
	k->setup.flags = flags;
	if (ioctl(k->fd, KCPG_IOC_SETUP, &k->setup))
		return -1;
	k->ctrl = mmap(NULL, 4096, PROT_READ | PROT_WRITE, MAP_SHARED, k->fd,
		       KCPG_OFF_CTRL);
	k->ring = mmap(NULL, k->setup.ring_size, PROT_READ, MAP_SHARED, k->fd,
		       KCPG_OFF_RING);
	k->pool = mmap(NULL, k->setup.pool_size, PROT_READ | PROT_WRITE,
		       MAP_SHARED, k->fd, KCPG_OFF_POOL);
	if (k->ctrl == MAP_FAILED || k->ring == MAP_FAILED ||
	    k->pool == MAP_FAILED)
		return -1;
	return 0;
}

static inline void kh_close(struct kh *k)
{
	if (k->ctrl && k->ctrl != MAP_FAILED)
		munmap(k->ctrl, 4096);
	if (k->ring && k->ring != MAP_FAILED)
		munmap(k->ring, k->setup.ring_size);
	if (k->pool && k->pool != MAP_FAILED)
		munmap(k->pool, k->setup.pool_size);
	if (k->fd >= 0)
		close(k->fd);
	k->fd = -1;
}

static inline struct kcpg_name gname(const char *s)
{
	struct kcpg_name n = { .length = strlen(s) };

	memcpy(n.value, s, n.length);
	return n;
}

static inline int kh_join(struct kh *k, const char *g)
{
	struct kcpg_join j = { .group = gname(g) };

	return ioctl(k->fd, KCPG_IOC_JOIN, &j) ? -errno : 0;
}

static inline int kh_leave(struct kh *k, const char *g)
{
	struct kcpg_join j = { .group = gname(g) };

	return ioctl(k->fd, KCPG_IOC_LEAVE, &j) ? -errno : 0;
}

static inline int kh_send(struct kh *k, const void *buf, size_t len)
{
	struct kcpg_iovec v = { (uintptr_t)buf, len };
	struct kcpg_mcast m = { KCPG_AGREED, 1, (uintptr_t)&v };

	return ioctl(k->fd, KCPG_IOC_MCAST, &m) ? -errno : 0;
}

/* Next record or NULL; consumes it (PAD records are skipped). */
static inline struct kcpg_rec *kh_next(struct kh *k)
{
	uint64_t prod, cons;
	struct kcpg_rec *r;

	for (;;) {
		prod = __atomic_load_n(&k->ctrl->producer, __ATOMIC_ACQUIRE);
		cons = k->ctrl->consumer;
		if (cons == prod)
			return NULL;
		r = (void *)(k->ring + (cons & (k->setup.ring_size - 1)));
		__atomic_store_n(&k->ctrl->consumer,
				 cons + KCPG_REC_SPAN(r->len), __ATOMIC_RELEASE);
		if (r->type != KCPG_REC_PAD)
			return r;
	}
}

/* Next record of @type, skipping others; NULL when the ring runs dry. */
static inline struct kcpg_rec *kh_next_type(struct kh *k, int type)
{
	struct kcpg_rec *r;

	while ((r = kh_next(k)))
		if (r->type == type)
			return r;
	return NULL;
}

static inline struct kcpg_copy_stats kh_stats(struct kh *k)
{
	struct kcpg_copy_stats st = {};

	ioctl(k->fd, KCPG_IOC_COPY_STATS, &st);
	return st;
}

#endif
