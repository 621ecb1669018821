// SPDX-License-Identifier: LGPL-2.1-or-later
/* A fake /dev/kcpg behind ld --wrap: see fake_kernel.h. */
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <sys/eventfd.h>
#include <sys/ioctl.h>
#include <sys/mman.h>

#include "fake_kernel.h"
#include "../uapi_layout.h"

#define DEV_PATH "/dev/kcpg"

struct fake_kernel fk = { .lock = PTHREAD_MUTEX_INITIALIZER };

int __real_open64(const char *path, int flags, ...);
void *__real_mmap64(void *addr, size_t len, int prot, int flags, int fd, off64_t off);
int __real_ioctl(int fd, unsigned long req, ...);
int __real_poll(struct pollfd *fds, nfds_t n, int timeout);

void fake_reset(void)
{
	int i;

	pthread_mutex_lock(&fk.lock);
	for (i = 0; i < FAKE_MAX_DEVS; i++) {
		struct fake_dev *d = fk.devs[i];
		size_t j;

		if (!d)
			continue;
		for (j = 0; j < d->n_backlog; j++)
			free(d->backlog[j]);
		free(d->backlog);
		free(d->last_msg);
		free(d);
		fk.devs[i] = NULL;
	}
	fk.absent = false;
	fk.abi_version = KCPG_ABI_VERSION;
	fk.nodeid = 7;
	fk.max_msg_size = 1 << 20;
	fk.max_iovcnt = KCPG_IOV_MAX;
	fk.default_ring = 64 * 1024;
	fk.default_pool = 256 * 1024;
	fk.n_members = 0;
	free(fk.iter);
	fk.iter = NULL;
	fk.n_iter = 0;
	fk.iter_growth = 0;
	fk.iterate_calls = 0;
	pthread_mutex_unlock(&fk.lock);
}

struct fake_dev *fake_dev_of(int fd)
{
	struct fake_dev *d = NULL;
	int i;

	pthread_mutex_lock(&fk.lock);
	for (i = 0; i < FAKE_MAX_DEVS; i++)
		if (fk.devs[i] && fk.devs[i]->fd == fd)
			d = fk.devs[i];
	pthread_mutex_unlock(&fk.lock);
	return d;
}

static void *shared_area(size_t len)
{
	void *p = __real_mmap64(NULL, len, PROT_READ | PROT_WRITE, MAP_SHARED | MAP_ANONYMOUS, -1, 0);

	return p == MAP_FAILED ? NULL : p;
}

/* Lock held.  Write what fits, oldest first; the rest waits in the backlog. */
static void drain_backlog(struct fake_dev *d)
{
	uint64_t cons = __atomic_load_n(&d->ctrl->consumer, __ATOMIC_ACQUIRE);
	size_t done = 0;

	while (done < d->n_backlog && fake_ring_push_rec(&d->fr, cons, d->backlog[done]) == 0)
		free(d->backlog[done++]);
	memmove(d->backlog, d->backlog + done, (d->n_backlog - done) * sizeof(d->backlog[0]));
	d->n_backlog -= done;
	__atomic_store_n(&d->ctrl->producer, d->fr.prod, __ATOMIC_RELEASE);
	if (d->n_backlog == 0)
		__atomic_and_fetch(&d->ctrl->kernel_flags, ~KCPG_CTRL_BACKLOG, __ATOMIC_SEQ_CST);
	if (done)
		(void)eventfd_write(d->fd, 1);
}

static void push_locked(struct fake_dev *d, struct fake_rec *rec)
{
	struct fake_rec **v;

	v = realloc(d->backlog, (d->n_backlog + 1) * sizeof(*v));
	if (!v) {
		free(rec);
		return;
	}
	d->backlog = v;
	d->backlog[d->n_backlog++] = rec;
	__atomic_or_fetch(&d->ctrl->kernel_flags, KCPG_CTRL_BACKLOG, __ATOMIC_SEQ_CST);
	drain_backlog(d);
}

void fake_push(struct fake_dev *d, struct fake_rec *rec)
{
	if (!rec)
		return;
	pthread_mutex_lock(&fk.lock);
	push_locked(d, rec);
	pthread_mutex_unlock(&fk.lock);
}

void fake_push_msg(struct fake_dev *d, uint32_t nodeid, uint32_t pid, const void *data, uint32_t len)
{
	fake_push(d, fake_rec_msg(nodeid, pid, data, len));
}

void fake_push_confchg(struct fake_dev *d, const char *group,
		       const struct kcpg_address *members, uint32_t n_members,
		       const struct kcpg_address *left, uint32_t n_left,
		       const struct kcpg_address *joined, uint32_t n_joined)
{
	fake_push(d, fake_rec_confchg(group, members, n_members, left, n_left, joined, n_joined));
}

uint64_t fake_unconsumed(struct fake_dev *d)
{
	return __atomic_load_n(&d->ctrl->producer, __ATOMIC_ACQUIRE) -
	       __atomic_load_n(&d->ctrl->consumer, __ATOMIC_ACQUIRE);
}

static int fake_open(int flags)
{
	struct fake_dev *d;
	int i;

	pthread_mutex_lock(&fk.lock);
	if (fk.absent) {
		pthread_mutex_unlock(&fk.lock);
		errno = ENOENT;
		return -1;
	}
	for (i = 0; i < FAKE_MAX_DEVS && fk.devs[i]; i++)
		;
	d = i < FAKE_MAX_DEVS ? calloc(1, sizeof(*d)) : NULL;
	if (!d) {
		pthread_mutex_unlock(&fk.lock);
		errno = ENFILE;
		return -1;
	}
	d->fd = eventfd(0, EFD_NONBLOCK | ((flags & O_CLOEXEC) ? EFD_CLOEXEC : 0));
	d->open_flags = flags;
	fk.devs[i] = d;
	pthread_mutex_unlock(&fk.lock);
	return d->fd;
}

int __wrap_open64(const char *path, int flags, ...)
{
	mode_t mode = 0;

	if (flags & (O_CREAT | O_TMPFILE)) {
		va_list ap;

		va_start(ap, flags);
		mode = (mode_t)va_arg(ap, int);
		va_end(ap);
	}
	if (strcmp(path, DEV_PATH) == 0)
		return fake_open(flags);
	return __real_open64(path, flags, mode);
}

void *__wrap_mmap64(void *addr, size_t len, int prot, int flags, int fd, off64_t off)
{
	struct fake_dev *d = fd >= 0 ? fake_dev_of(fd) : NULL;
	void *p = NULL;

	if (!d)
		return __real_mmap64(addr, len, prot, flags, fd, off);
	pthread_mutex_lock(&fk.lock);
	if (!d->set_up || !(flags & MAP_SHARED) || (flags & MAP_PRIVATE)) {
		errno = EINVAL;
	} else if ((uint64_t)off == KCPG_OFF_CTRL && len >= sizeof(*d->ctrl) && len <= 4096) {
		d->ctrl_prot = prot;
		p = d->ctrl;
	} else if ((uint64_t)off == KCPG_OFF_RING && len == d->setup.ring_size) {
		if (prot & PROT_WRITE)
			errno = EACCES;		/* the real ring is read-only */
		else
			p = d->ring;
		d->ring_prot = prot;
	} else if ((uint64_t)off == KCPG_OFF_POOL && len == d->setup.pool_size && len) {
		d->pool_prot = prot;
		p = d->pool;
	} else {
		errno = EINVAL;
	}
	pthread_mutex_unlock(&fk.lock);
	return p ? p : MAP_FAILED;
}

static int do_setup(struct fake_dev *d, struct kcpg_setup *s)
{
	uint32_t ring = s->ring_size ? s->ring_size : fk.default_ring;
	uint32_t size = 4096;

	if (s->reserved || (s->flags & ~KCPG_SETUP_INITIAL_TOTEM))
		return EINVAL;
	if (d->set_up)
		return EBUSY;
	while (size < ring)
		size *= 2;
	d->setup = *s;
	d->setup.ring_size = size;
	d->setup.pool_size = s->pool_size ? s->pool_size : fk.default_pool;
	d->ctrl = shared_area(4096);
	d->ring = shared_area(size);
	d->pool = shared_area(d->setup.pool_size);
	if (!d->ctrl || !d->ring || !d->pool)
		return ENOMEM;
	d->fr.data = d->ring;
	d->fr.size = size;
	d->set_up = true;
	*s = d->setup;
	return 0;
}

/* Remember a sent payload, and deliver it back when looping back. */
static void sent(struct fake_dev *d, uint8_t *msg, size_t len, uint32_t guarantee, uint32_t iovcnt)
{
	free(d->last_msg);
	d->last_msg = msg;
	d->last_msg_len = len;
	d->last_guarantee = guarantee;
	d->last_iovcnt = iovcnt;
	if (d->loopback)
		push_locked(d, fake_rec_msg(fk.nodeid, (uint32_t)getpid(), msg, (uint32_t)len));
}

static int do_mcast(struct fake_dev *d, const struct kcpg_mcast *m)
{
	const struct kcpg_iovec *iov = (const void *)(uintptr_t)m->iov;
	uint64_t total = 0;
	uint8_t *msg, *p;
	uint32_t i;

	if (m->guarantee > KCPG_SAFE || m->iovcnt == 0 || m->iovcnt > fk.max_iovcnt || !iov)
		return EINVAL;
	for (i = 0; i < m->iovcnt; i++)
		total += iov[i].len;
	if (total > fk.max_msg_size)
		return EMSGSIZE;
	msg = malloc(total + 1);
	if (!msg)
		return ENOMEM;
	for (i = 0, p = msg; i < m->iovcnt; i++) {
		memcpy(p, (const void *)(uintptr_t)iov[i].base, iov[i].len);
		p += iov[i].len;
	}
	sent(d, msg, total, m->guarantee, m->iovcnt);
	return 0;
}

static int do_zcb_mcast(struct fake_dev *d, const struct kcpg_zcb_mcast *z)
{
	uint8_t *msg;

	if (z->guarantee > KCPG_SAFE || z->reserved || z->offset > d->setup.pool_size ||
	    z->len > d->setup.pool_size - z->offset)
		return EINVAL;
	if (z->len > fk.max_msg_size)
		return EMSGSIZE;
	msg = malloc(z->len + 1);
	if (!msg)
		return ENOMEM;
	memcpy(msg, d->pool + z->offset, z->len);
	d->last_zcb = *z;
	sent(d, msg, z->len, z->guarantee, 0);
	return 0;
}

static int do_membership(struct kcpg_membership_wire *m)
{
	uint32_t n = fk.n_members < m->capacity ? fk.n_members : m->capacity;

	if (m->group.length > KCPG_NAME_MAX || m->pad || (m->capacity && !m->members))
		return EINVAL;
	if (n)
		memcpy((void *)(uintptr_t)m->members, fk.members, n * sizeof(fk.members[0]));
	m->count = fk.n_members;
	return 0;
}

static int do_iterate(struct kcpg_iterate_wire *it)
{
	static const struct kcpg_name zero_name;
	uint32_t i, n;

	if (it->type < KCPG_ITER_NAME_ONLY || it->type > KCPG_ITER_ALL || it->reserved || it->pad)
		return EINVAL;
	if (it->type != KCPG_ITER_ONE_GROUP && memcmp(&it->group, &zero_name, sizeof(zero_name)))
		return EINVAL;
	fk.iterate_calls++;
	if (fk.iter_growth) {
		struct kcpg_iter_entry *v = realloc(fk.iter, (fk.n_iter + fk.iter_growth) * sizeof(*v));

		if (!v)
			return ENOMEM;
		fk.iter = v;
		for (i = 0; i < fk.iter_growth; i++) {
			struct kcpg_iter_entry *e = &fk.iter[fk.n_iter + i];

			memset(e, 0, sizeof(*e));
			e->group.length = 1;
			e->group.value[0] = 'g';
			e->nodeid = 1;
			e->pid = fk.n_iter + i;
		}
		fk.n_iter += fk.iter_growth;
	}
	n = fk.n_iter < it->capacity ? fk.n_iter : it->capacity;
	if (n)
		memcpy((void *)(uintptr_t)it->entries, fk.iter, n * sizeof(fk.iter[0]));
	it->count = fk.n_iter;
	return 0;
}

static int fake_ioctl(struct fake_dev *d, unsigned long req, void *arg)
{
	unsigned int nr = _IOC_NR(req);

	if (_IOC_TYPE(req) != KCPG_IOC_MAGIC || nr >= FAKE_NR_IOCTLS)
		return ENOTTY;
	d->calls[nr]++;
	if (d->dead)
		return EIO;
	if (d->fail_next[nr]) {
		int err = d->fail_next[nr];

		d->fail_next[nr] = 0;
		return err;
	}
	if (!d->set_up && req != KCPG_IOC_INFO && req != KCPG_IOC_SETUP)
		return EINVAL;

	switch (req) {
	case KCPG_IOC_INFO: {
		struct kcpg_info *info = arg;

		memset(info, 0, sizeof(*info));
		info->abi_version = fk.abi_version;
		info->nodeid = fk.nodeid;
		info->features = KCPG_FEAT_ZCB | KCPG_FEAT_SAFE | KCPG_FEAT_ITERATE;
		info->max_msg_size = fk.max_msg_size;
		info->max_iovcnt = fk.max_iovcnt;
		info->default_ring_size = fk.default_ring;
		info->default_pool_size = fk.default_pool;
		info->max_ring_size = 1 << 24;
		info->max_pool_size = 1 << 26;
		return 0;
	}
	case KCPG_IOC_SETUP:
		return do_setup(d, arg);
	case KCPG_IOC_JOIN:
	case KCPG_IOC_LEAVE: {
		struct kcpg_join *j = arg;

		if (j->reserved || j->group.length > KCPG_NAME_MAX)
			return EINVAL;
		if (req == KCPG_IOC_JOIN)
			d->join = *j;
		else
			d->leave = *j;
		return 0;
	}
	case KCPG_IOC_MCAST:
		return do_mcast(d, arg);
	case KCPG_IOC_ZCB_MCAST:
		return do_zcb_mcast(d, arg);
	/* The kernel's (64-bit) layout, whatever this build's header says. */
	case KCPG_IOC_MEMBERSHIP_WIRE:
		return do_membership(arg);
	case KCPG_IOC_ITERATE_WIRE:
		return do_iterate(arg);
	case KCPG_IOC_FLOW: {
		struct kcpg_flow *f = arg;

		f->state = d->flow_state;
		f->reserved = 0;
		return 0;
	}
	case KCPG_IOC_RING_KICK:
		d->kicks++;
		drain_backlog(d);
		return 0;
	default:
		return ENOTTY;
	}
}

int __wrap_ioctl(int fd, unsigned long req, ...)
{
	struct fake_dev *d = fake_dev_of(fd);
	va_list ap;
	void *arg;
	int err;

	va_start(ap, req);
	arg = va_arg(ap, void *);
	va_end(ap);
	if (!d)
		return __real_ioctl(fd, req, arg);
	pthread_mutex_lock(&fk.lock);
	err = fake_ioctl(d, req, arg);
	pthread_mutex_unlock(&fk.lock);
	if (err) {
		errno = err;
		return -1;
	}
	return 0;
}

/*
 * Readable while the ring has records, like the real device.  The eventfd
 * only carries wake-ups: drained before sleeping, written by every push.
 */
int __wrap_poll(struct pollfd *fds, nfds_t n, int timeout)
{
	nfds_t i;
	int ready = 0;

	for (i = 0; i < n; i++) {
		struct fake_dev *d = fake_dev_of(fds[i].fd);
		eventfd_t v;

		if (!d)
			continue;
		pthread_mutex_lock(&fk.lock);
		if (d->ctrl->kernel_flags & KCPG_CTRL_BACKLOG)
			drain_backlog(d);	/* poll kicks, as documented */
		(void)eventfd_read(d->fd, &v);
		fds[i].revents = 0;
		if (fake_unconsumed(d) && (fds[i].events & POLLIN)) {
			fds[i].revents = POLLIN;
			ready++;
		}
		pthread_mutex_unlock(&fk.lock);
	}
	if (ready)
		return ready;
	return __real_poll(fds, n, timeout);
}
