/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * The allocator behind cpg_zcb_alloc(): carves blocks out of the zero-copy
 * pool that the kernel maps into the process.
 *
 * It manages offsets only, never touching the pool's memory: the pool is
 * shared with the kernel and writable by the application, so no bookkeeping
 * may live there (a stray write would corrupt the allocator, and the kernel
 * would see our headers as payload).  Free space is a list of extents sorted
 * by offset, merged with both neighbours on free (coalescing), allocated
 * first-fit; allocated blocks are a second sorted list, so freeing or
 * sending an unknown pointer is detected.  Blocks are multiples of
 * KCPG_ZPOOL_ALIGN bytes at offsets aligned the same way (a cache line, so
 * buffers never share one).  Thread-safe: one mutex per pool.
 */
#ifndef KCPG_ULIB_ZCB_POOL_H
#define KCPG_ULIB_ZCB_POOL_H

#include <pthread.h>
#include <stdint.h>

#define KCPG_ZPOOL_ALIGN	64

struct kcpg_zext {
	uint64_t off;
	uint64_t len;		/* bytes reserved, a multiple of the alignment */
	uint64_t asked;		/* used blocks: the size the caller asked for */
};

struct kcpg_zext_list {
	struct kcpg_zext *v;
	uint32_t n, cap;
};

struct kcpg_zpool {
	pthread_mutex_t lock;
	uint64_t size;			/* bytes managed, from offset 0 */
	struct kcpg_zext_list free;	/* sorted, never adjacent */
	struct kcpg_zext_list used;	/* sorted */
};

/* Manage [0, size) (size rounded down to the alignment).  0 or ENOMEM. */
int kcpg_zpool_init(struct kcpg_zpool *p, uint64_t size);
void kcpg_zpool_destroy(struct kcpg_zpool *p);

/* A block of at least size bytes (size 0 gets the minimum).  0 or ENOMEM. */
int kcpg_zpool_alloc(struct kcpg_zpool *p, uint64_t size, uint64_t *off);

/* Free the block starting at off.  0, or EINVAL if no block starts there. */
int kcpg_zpool_free(struct kcpg_zpool *p, uint64_t off);

/*
 * The allocated block containing offset off: 0 with its start and the size
 * it was allocated with, or EINVAL.
 */
int kcpg_zpool_find(struct kcpg_zpool *p, uint64_t off, uint64_t *start, uint64_t *len);

/* Bytes free in all, and the largest free extent (for tests and stats). */
void kcpg_zpool_stats(struct kcpg_zpool *p, uint64_t *free_bytes, uint64_t *largest, uint32_t *n_free_extents);

#endif
