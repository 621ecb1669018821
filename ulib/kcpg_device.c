// SPDX-License-Identifier: LGPL-2.1-or-later
/* Opening and mapping /dev/kcpg: see kcpg_device.h. */
#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <sys/ioctl.h>
#include <sys/mman.h>

#include "kcpg_device.h"
#include "errors.h"

int kcpg_dev_ioctl(const struct kcpg_dev *d, unsigned long request, void *arg)
{
	if (ioctl(d->fd, request, arg) == 0)
		return 0;
	return errno;
}

/* A size from the environment, or 0 (the kernel's default). */
static uint32_t size_from_env(const char *name)
{
	const char *s = secure_getenv(name);
	unsigned long long v;
	char *end;

	if (!s || !*s)
		return 0;
	errno = 0;
	v = strtoull(s, &end, 0);
	if (errno || v > UINT32_MAX)
		return 0;
	switch (*end) {
	case 'k': case 'K': v <<= 10; break;
	case 'm': case 'M': v <<= 20; break;
	default: break;
	}
	return v > UINT32_MAX ? 0 : (uint32_t)v;
}

static cs_error_t open_errno_to_cs(int err)
{
	switch (err) {
	case ENOENT:
	case ENODEV:
	case ENXIO:
		/* No module loaded: corosync's "no service". */
		return CS_ERR_LIBRARY;
	case EACCES:
	case EPERM:
		return CS_ERR_ACCESS;
	case ENOMEM:
		return CS_ERR_NO_MEMORY;
	case EMFILE:
	case ENFILE:
		return CS_ERR_NO_RESOURCES;
	default:
		return kcpg_errno_to_cs(err);
	}
}

static void *map_area(int fd, size_t len, int prot, uint64_t off)
{
	void *p = mmap(NULL, len, prot, MAP_SHARED, fd, (off_t)off);

	if (p == MAP_FAILED)
		return NULL;
	/*
	 * A child must not inherit the areas: the kernel answers it with an
	 * errno anyway, and without the mappings no library call in the child
	 * can touch memory the kernel may reuse.  Failure only loses that.
	 */
	(void)madvise(p, len, MADV_DONTFORK);
	return p;
}

cs_error_t kcpg_dev_open(struct kcpg_dev *d, uint32_t setup_flags)
{
	const char *path = secure_getenv("KCPG_DEVICE");
	long page = sysconf(_SC_PAGESIZE);
	cs_error_t res;
	int err;

	memset(d, 0, sizeof(*d));
	d->fd = open(path && *path ? path : KCPG_DEVICE_PATH, O_RDWR | O_CLOEXEC);
	if (d->fd < 0)
		return open_errno_to_cs(errno);

	err = kcpg_dev_ioctl(d, KCPG_IOC_INFO, &d->info);
	if (err) {
		/* Not our device, or a kernel that does not speak this ABI. */
		res = err == ENOTTY ? CS_ERR_VERSION : kcpg_errno_to_cs(err);
		goto fail;
	}
	if (d->info.abi_version != KCPG_ABI_VERSION) {
		res = CS_ERR_VERSION;
		goto fail;
	}

	d->setup.flags = setup_flags;
	d->setup.ring_size = size_from_env("KCPG_RING_SIZE");
	d->setup.pool_size = size_from_env("KCPG_POOL_SIZE");
	err = kcpg_dev_ioctl(d, KCPG_IOC_SETUP, &d->setup);
	if (err) {
		res = kcpg_errno_to_cs(err);
		goto fail;
	}
	if (d->setup.ring_size < 4096 || (d->setup.ring_size & (d->setup.ring_size - 1))) {
		res = CS_ERR_LIBRARY;
		goto fail;
	}

	d->ctrl_len = page > 0 ? (size_t)page : 4096;
	if (d->ctrl_len < sizeof(*d->ctrl))
		d->ctrl_len = sizeof(*d->ctrl);
	d->ctrl = map_area(d->fd, d->ctrl_len, PROT_READ | PROT_WRITE, KCPG_OFF_CTRL);
	if (!d->ctrl)
		goto fail_map;
	d->ring = map_area(d->fd, d->setup.ring_size, PROT_READ, KCPG_OFF_RING);
	if (!d->ring)
		goto fail_map;
	if (d->setup.pool_size) {
		d->pool = map_area(d->fd, d->setup.pool_size, PROT_READ | PROT_WRITE,
				   KCPG_OFF_POOL);
		if (!d->pool)
			goto fail_map;
	}
	return CS_OK;

fail_map:
	res = errno == ENOMEM ? CS_ERR_NO_MEMORY : CS_ERR_LIBRARY;
fail:
	kcpg_dev_close(d, 1);
	return res;
}

void kcpg_dev_close(struct kcpg_dev *d, int mapped_here)
{
	if (mapped_here) {
		if (d->pool)
			munmap(d->pool, d->setup.pool_size);
		if (d->ring)
			munmap((void *)d->ring, d->setup.ring_size);
		if (d->ctrl)
			munmap(d->ctrl, d->ctrl_len);
	}
	d->pool = NULL;
	d->ring = NULL;
	d->ctrl = NULL;
	if (d->fd >= 0)
		close(d->fd);
	d->fd = -1;
}
