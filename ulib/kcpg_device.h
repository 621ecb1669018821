/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * One open /dev/kcpg: the descriptor, the limits the kernel reported and the
 * three shared areas (control page, receive ring, zero-copy pool).
 */
#ifndef KCPG_ULIB_KCPG_DEVICE_H
#define KCPG_ULIB_KCPG_DEVICE_H

#include <stddef.h>
#include <stdint.h>
#include <corosync/corotypes.h>
#include <linux/kcpg.h>

/* Where the device is unless KCPG_DEVICE names another node. */
#define KCPG_DEVICE_PATH	"/dev/" KCPG_DEVICE_NAME

struct kcpg_dev {
	int fd;
	struct kcpg_info info;
	struct kcpg_setup setup;	/* as the kernel answered */
	struct kcpg_ring_ctrl *ctrl;
	size_t ctrl_len;
	const uint8_t *ring;
	uint8_t *pool;			/* NULL when the pool is empty */
};

/*
 * Open, check the ABI version, set up with setup_flags (KCPG_SETUP_*) and
 * map the areas.  Sizes come from the kernel's defaults unless
 * KCPG_RING_SIZE / KCPG_POOL_SIZE are set in the environment.  On failure
 * nothing is left open.  The areas are excluded from fork() children:
 * a handle belongs to the process that opened it.
 */
cs_error_t kcpg_dev_open(struct kcpg_dev *d, uint32_t setup_flags);

/* Unmap (only when mapped in this process) and close. */
void kcpg_dev_close(struct kcpg_dev *d, int mapped_here);

/* ioctl() returning 0 or the errno. */
int kcpg_dev_ioctl(const struct kcpg_dev *d, unsigned long request, void *arg);

#endif
