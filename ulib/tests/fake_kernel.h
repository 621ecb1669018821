/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * A fake /dev/kcpg for host tests of the whole library.
 *
 * The test binary is linked with ld --wrap for open, mmap, ioctl and poll:
 * calls on the path /dev/kcpg (and on the descriptors it returned) are
 * served here, everything else goes to libc.  Each open is a fake handle
 * with a real eventfd as its descriptor (so poll() works), and the three
 * areas are anonymous shared mappings the library later unmaps itself.
 * The fake checks the arguments like the uapi header demands, records what
 * the library asked for, and lets the test inject errors and records.
 */
#ifndef KCPG_ULIB_TESTS_FAKE_KERNEL_H
#define KCPG_ULIB_TESTS_FAKE_KERNEL_H

#include <pthread.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <linux/kcpg.h>

#include "fake_ring.h"

#define FAKE_MAX_DEVS		64
#define FAKE_MAX_MEMBERS	300
#define FAKE_NR_IOCTLS		16	/* _IOC_NR of the highest command + 1 */

struct fake_dev {
	int fd;
	int open_flags;
	bool set_up;
	bool dead;			/* every ioctl: EIO */
	bool loopback;			/* sends come back as MSG records */
	struct kcpg_setup setup;
	struct kcpg_ring_ctrl *ctrl;
	uint8_t *ring;
	uint8_t *pool;
	int ring_prot, pool_prot, ctrl_prot;
	struct fake_ring fr;
	struct fake_rec **backlog;
	size_t n_backlog;
	unsigned int calls[FAKE_NR_IOCTLS];
	int fail_next[FAKE_NR_IOCTLS];	/* one-shot errno per command */
	unsigned int kicks;
	/* What the library sent last. */
	struct kcpg_join join, leave;
	uint8_t *last_msg;
	size_t last_msg_len;
	uint32_t last_iovcnt, last_guarantee;
	struct kcpg_zcb_mcast last_zcb;
	uint32_t flow_state;
};

struct fake_kernel {
	pthread_mutex_t lock;
	bool absent;			/* open: ENOENT */
	uint32_t abi_version, nodeid, max_msg_size, max_iovcnt;
	uint32_t default_ring, default_pool;
	struct kcpg_address members[FAKE_MAX_MEMBERS];
	uint32_t n_members;
	struct kcpg_iter_entry *iter;
	uint32_t n_iter;
	uint32_t iter_growth;		/* entries added before each ITERATE */
	unsigned int iterate_calls;
	struct fake_dev *devs[FAKE_MAX_DEVS];
};

extern struct fake_kernel fk;

/* Back to defaults; forgets every device (call between test cases). */
void fake_reset(void);

/* The fake device behind a descriptor, or NULL. */
struct fake_dev *fake_dev_of(int fd);

/* Queue a record for the device (ring, or backlog when full); frees rec. */
void fake_push(struct fake_dev *d, struct fake_rec *rec);

/* Same from another thread, waking a blocked poll(). */
void fake_push_msg(struct fake_dev *d, uint32_t nodeid, uint32_t pid, const void *data, uint32_t len);
void fake_push_confchg(struct fake_dev *d, const char *group,
		       const struct kcpg_address *members, uint32_t n_members,
		       const struct kcpg_address *left, uint32_t n_left,
		       const struct kcpg_address *joined, uint32_t n_joined);

/* Producer minus consumer as the device sees it. */
uint64_t fake_unconsumed(struct fake_dev *d);

#endif
