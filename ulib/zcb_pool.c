// SPDX-License-Identifier: LGPL-2.1-or-later
/* Zero-copy pool allocator: see zcb_pool.h. */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "zcb_pool.h"

/* Index of the first extent whose offset is >= off. */
static uint32_t lower_bound(const struct kcpg_zext_list *l, uint64_t off)
{
	uint32_t lo = 0, hi = l->n;

	while (lo < hi) {
		uint32_t mid = lo + (hi - lo) / 2;

		if (l->v[mid].off < off)
			lo = mid + 1;
		else
			hi = mid;
	}
	return lo;
}

static int list_reserve(struct kcpg_zext_list *l, uint32_t n)
{
	struct kcpg_zext *v;
	uint32_t cap;

	if (n <= l->cap)
		return 0;
	cap = l->cap ? l->cap * 2 : 16;
	while (cap < n)
		cap *= 2;
	v = realloc(l->v, cap * sizeof(*v));
	if (!v)
		return ENOMEM;
	l->v = v;
	l->cap = cap;
	return 0;
}

/* Insert at index i; the list must have room. */
static void list_insert(struct kcpg_zext_list *l, uint32_t i, uint64_t off, uint64_t len,
			uint64_t asked)
{
	memmove(&l->v[i + 1], &l->v[i], (l->n - i) * sizeof(l->v[0]));
	l->v[i].off = off;
	l->v[i].len = len;
	l->v[i].asked = asked;
	l->n++;
}

static void list_delete(struct kcpg_zext_list *l, uint32_t i)
{
	memmove(&l->v[i], &l->v[i + 1], (l->n - i - 1) * sizeof(l->v[0]));
	l->n--;
}

int kcpg_zpool_init(struct kcpg_zpool *p, uint64_t size)
{
	memset(p, 0, sizeof(*p));
	if (pthread_mutex_init(&p->lock, NULL))
		return ENOMEM;
	p->size = size & ~(uint64_t)(KCPG_ZPOOL_ALIGN - 1);
	if (p->size) {
		if (list_reserve(&p->free, 1)) {
			pthread_mutex_destroy(&p->lock);
			return ENOMEM;
		}
		list_insert(&p->free, 0, 0, p->size, 0);
	}
	return 0;
}

void kcpg_zpool_destroy(struct kcpg_zpool *p)
{
	free(p->free.v);
	free(p->used.v);
	pthread_mutex_destroy(&p->lock);
	memset(p, 0, sizeof(*p));
}

int kcpg_zpool_alloc(struct kcpg_zpool *p, uint64_t size, uint64_t *off)
{
	uint64_t len;
	uint32_t i, u;
	int err = ENOMEM;

	if (size > p->size)
		return ENOMEM;
	len = (size + KCPG_ZPOOL_ALIGN - 1) & ~(uint64_t)(KCPG_ZPOOL_ALIGN - 1);
	if (len == 0)
		len = KCPG_ZPOOL_ALIGN;	/* distinct blocks even for size 0 */

	pthread_mutex_lock(&p->lock);
	/* Reserve first so that nothing can fail after the free list changed. */
	if (list_reserve(&p->used, p->used.n + 1))
		goto out;
	for (i = 0; i < p->free.n; i++) {
		struct kcpg_zext *e = &p->free.v[i];

		if (e->len < len)
			continue;
		*off = e->off;
		if (e->len == len) {
			list_delete(&p->free, i);
		} else {
			e->off += len;
			e->len -= len;
		}
		u = lower_bound(&p->used, *off);
		list_insert(&p->used, u, *off, len, size);
		err = 0;
		break;
	}
out:
	pthread_mutex_unlock(&p->lock);
	return err;
}

int kcpg_zpool_free(struct kcpg_zpool *p, uint64_t off)
{
	uint64_t len;
	uint32_t u, i;
	int merge_prev, merge_next;
	int err = 0;

	pthread_mutex_lock(&p->lock);
	u = lower_bound(&p->used, off);
	if (u == p->used.n || p->used.v[u].off != off) {
		err = EINVAL;
		goto out;
	}
	len = p->used.v[u].len;

	/* Where the block goes in the free list, and whom it touches. */
	i = lower_bound(&p->free, off);
	merge_prev = i > 0 && p->free.v[i - 1].off + p->free.v[i - 1].len == off;
	merge_next = i < p->free.n && off + len == p->free.v[i].off;
	if (!merge_prev && !merge_next && list_reserve(&p->free, p->free.n + 1)) {
		/* Cannot record the space: keep the block allocated. */
		err = ENOMEM;
		goto out;
	}
	list_delete(&p->used, u);

	if (merge_prev && merge_next) {
		p->free.v[i - 1].len += len + p->free.v[i].len;
		list_delete(&p->free, i);
	} else if (merge_prev) {
		p->free.v[i - 1].len += len;
	} else if (merge_next) {
		p->free.v[i].off = off;
		p->free.v[i].len += len;
	} else {
		list_insert(&p->free, i, off, len, 0);
	}
out:
	pthread_mutex_unlock(&p->lock);
	return err;
}

int kcpg_zpool_find(struct kcpg_zpool *p, uint64_t off, uint64_t *start, uint64_t *len)
{
	uint32_t u;
	int err = EINVAL;

	pthread_mutex_lock(&p->lock);
	/* The last block starting at or before off. */
	u = lower_bound(&p->used, off + 1);
	if (u > 0) {
		const struct kcpg_zext *b = &p->used.v[u - 1];

		if (off - b->off < b->len) {
			*start = b->off;
			*len = b->asked;
			err = 0;
		}
	}
	pthread_mutex_unlock(&p->lock);
	return err;
}

void kcpg_zpool_stats(struct kcpg_zpool *p, uint64_t *free_bytes, uint64_t *largest,
		      uint32_t *n_free_extents)
{
	uint64_t sum = 0, max = 0;
	uint32_t i;

	pthread_mutex_lock(&p->lock);
	for (i = 0; i < p->free.n; i++) {
		sum += p->free.v[i].len;
		if (p->free.v[i].len > max)
			max = p->free.v[i].len;
	}
	*n_free_extents = p->free.n;
	pthread_mutex_unlock(&p->lock);
	*free_bytes = sum;
	*largest = max;
}
