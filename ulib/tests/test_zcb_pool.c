// SPDX-License-Identifier: LGPL-2.1-or-later
/* Host tests of the zero-copy pool allocator (zcb_pool.c). */
#include <errno.h>
#include <pthread.h>
#include <stdint.h>
#include <string.h>

#include "../zcb_pool.h"
#include "unit.h"

#define POOL	(64 * 1024)

/* The allocator's own invariants: sorted, disjoint, complete, coalesced. */
static int pool_consistent(struct kcpg_zpool *p)
{
	uint64_t covered = 0, prev_end = 0;
	uint32_t i, j;

	for (i = 0; i < p->free.n; i++) {
		const struct kcpg_zext *e = &p->free.v[i];

		if (e->len == 0 || e->off % KCPG_ZPOOL_ALIGN || e->len % KCPG_ZPOOL_ALIGN)
			return 0;
		if (i > 0 && e->off <= prev_end)	/* overlapping or adjacent */
			return 0;
		prev_end = e->off + e->len;
		covered += e->len;
	}
	for (i = 0; i < p->used.n; i++) {
		const struct kcpg_zext *e = &p->used.v[i];

		if (e->off % KCPG_ZPOOL_ALIGN || e->len < e->asked)
			return 0;
		if (i > 0 && e->off < p->used.v[i - 1].off + p->used.v[i - 1].len)
			return 0;
		for (j = 0; j < p->free.n; j++) {
			const struct kcpg_zext *f = &p->free.v[j];

			if (e->off < f->off + f->len && f->off < e->off + e->len)
				return 0;
		}
		covered += e->len;
	}
	return covered == p->size && prev_end <= p->size;
}

static void alloc_aligned_and_disjoint(void)
{
	struct kcpg_zpool p;
	uint64_t a, b, c;

	CHECK_EQ(kcpg_zpool_init(&p, POOL), 0);
	CHECK_EQ(kcpg_zpool_alloc(&p, 1, &a), 0);
	CHECK_EQ(kcpg_zpool_alloc(&p, 100, &b), 0);
	CHECK_EQ(kcpg_zpool_alloc(&p, 64, &c), 0);
	CHECK_EQ(a % KCPG_ZPOOL_ALIGN, 0);
	CHECK_EQ(b % KCPG_ZPOOL_ALIGN, 0);
	CHECK_EQ(c % KCPG_ZPOOL_ALIGN, 0);
	CHECK(b >= a + 64);
	CHECK(c >= b + 128 || c + 64 <= b);
	CHECK(pool_consistent(&p));
	kcpg_zpool_destroy(&p);
}

static void zero_size_blocks_are_distinct(void)
{
	struct kcpg_zpool p;
	uint64_t a, b;

	CHECK_EQ(kcpg_zpool_init(&p, POOL), 0);
	CHECK_EQ(kcpg_zpool_alloc(&p, 0, &a), 0);
	CHECK_EQ(kcpg_zpool_alloc(&p, 0, &b), 0);
	CHECK(a != b);
	CHECK_EQ(kcpg_zpool_free(&p, a), 0);
	CHECK_EQ(kcpg_zpool_free(&p, b), 0);
	kcpg_zpool_destroy(&p);
}

static void free_unknown_and_double_free(void)
{
	struct kcpg_zpool p;
	uint64_t a;

	CHECK_EQ(kcpg_zpool_init(&p, POOL), 0);
	CHECK_EQ(kcpg_zpool_free(&p, 0), EINVAL);
	CHECK_EQ(kcpg_zpool_alloc(&p, 300, &a), 0);
	CHECK_EQ(kcpg_zpool_free(&p, a + 64), EINVAL);	/* inside, not the start */
	CHECK_EQ(kcpg_zpool_free(&p, a + 1), EINVAL);
	CHECK_EQ(kcpg_zpool_free(&p, POOL * 2), EINVAL);
	CHECK_EQ(kcpg_zpool_free(&p, a), 0);
	CHECK_EQ(kcpg_zpool_free(&p, a), EINVAL);
	CHECK(pool_consistent(&p));
	kcpg_zpool_destroy(&p);
}

static void coalescing_restores_one_extent(void)
{
	struct kcpg_zpool p;
	uint64_t off[8], free_bytes, largest;
	uint32_t n, i;
	static const int order[8] = { 3, 1, 5, 0, 7, 2, 6, 4 };

	CHECK_EQ(kcpg_zpool_init(&p, POOL), 0);
	for (i = 0; i < 8; i++)
		CHECK_EQ(kcpg_zpool_alloc(&p, 1000, &off[i]), 0);
	/* Free in an order that needs merges with the left, right and both. */
	for (i = 0; i < 8; i++) {
		CHECK_EQ(kcpg_zpool_free(&p, off[order[i]]), 0);
		CHECK(pool_consistent(&p));
	}
	kcpg_zpool_stats(&p, &free_bytes, &largest, &n);
	CHECK_EQ(n, 1);
	CHECK_EQ(free_bytes, POOL);
	CHECK_EQ(largest, POOL);
	kcpg_zpool_destroy(&p);
}

static void exhaustion_and_reuse(void)
{
	struct kcpg_zpool p;
	uint64_t off[POOL / 1024], x;
	uint32_t i;

	CHECK_EQ(kcpg_zpool_init(&p, POOL), 0);
	for (i = 0; i < POOL / 1024; i++)
		CHECK_EQ(kcpg_zpool_alloc(&p, 1024, &off[i]), 0);
	CHECK_EQ(kcpg_zpool_alloc(&p, 1, &x), ENOMEM);
	CHECK_EQ(kcpg_zpool_alloc(&p, UINT64_MAX, &x), ENOMEM);
	CHECK_EQ(kcpg_zpool_free(&p, off[5]), 0);
	CHECK_EQ(kcpg_zpool_alloc(&p, 1025, &x), ENOMEM);	/* the hole is 1024 */
	CHECK_EQ(kcpg_zpool_alloc(&p, 1024, &x), 0);
	CHECK_EQ(x, off[5]);
	CHECK(pool_consistent(&p));
	kcpg_zpool_destroy(&p);
}

static void whole_pool_and_empty_pool(void)
{
	struct kcpg_zpool p;
	uint64_t x;

	CHECK_EQ(kcpg_zpool_init(&p, POOL + 17), 0);	/* rounded down */
	CHECK_EQ(p.size, POOL);
	CHECK_EQ(kcpg_zpool_alloc(&p, POOL + 1, &x), ENOMEM);
	CHECK_EQ(kcpg_zpool_alloc(&p, POOL, &x), 0);
	CHECK_EQ(x, 0);
	kcpg_zpool_destroy(&p);

	CHECK_EQ(kcpg_zpool_init(&p, 0), 0);
	CHECK_EQ(kcpg_zpool_alloc(&p, 0, &x), ENOMEM);
	CHECK_EQ(kcpg_zpool_free(&p, 0), EINVAL);
	kcpg_zpool_destroy(&p);
}

static void find_reports_block_and_asked_size(void)
{
	struct kcpg_zpool p;
	uint64_t a, b, start, len;

	CHECK_EQ(kcpg_zpool_init(&p, POOL), 0);
	CHECK_EQ(kcpg_zpool_alloc(&p, 100, &a), 0);
	CHECK_EQ(kcpg_zpool_alloc(&p, 200, &b), 0);
	CHECK_EQ(kcpg_zpool_find(&p, a, &start, &len), 0);
	CHECK_EQ(start, a);
	CHECK_EQ(len, 100);
	CHECK_EQ(kcpg_zpool_find(&p, b + 150, &start, &len), 0);
	CHECK_EQ(start, b);
	CHECK_EQ(len, 200);
	CHECK_EQ(kcpg_zpool_find(&p, b + 256, &start, &len), EINVAL);	/* free space */
	CHECK_EQ(kcpg_zpool_free(&p, a), 0);
	CHECK_EQ(kcpg_zpool_find(&p, a + 10, &start, &len), EINVAL);
	CHECK_EQ(kcpg_zpool_find(&p, UINT64_MAX, &start, &len), EINVAL);
	kcpg_zpool_destroy(&p);
}

/* Random alloc/free against the invariants, with a fixed seed. */
static void random_churn_keeps_invariants(void)
{
	enum { SLOTS = 200 };
	struct kcpg_zpool p;
	uint64_t off[SLOTS];
	int live[SLOTS] = { 0 };
	uint32_t seed = 12345, i, n;
	uint64_t free_bytes, largest;

	CHECK_EQ(kcpg_zpool_init(&p, POOL), 0);
	for (i = 0; i < 20000; i++) {
		uint32_t k;

		seed = seed * 1103515245 + 12345;
		k = (seed >> 8) % SLOTS;
		if (live[k]) {
			CHECK_EQ(kcpg_zpool_free(&p, off[k]), 0);
			live[k] = 0;
		} else {
			uint64_t size = (seed >> 16) % 3000;
			int err = kcpg_zpool_alloc(&p, size, &off[k]);

			CHECK(err == 0 || err == ENOMEM);
			live[k] = err == 0;
		}
		if (i % 97 == 0)
			CHECK(pool_consistent(&p));
	}
	for (i = 0; i < SLOTS; i++)
		if (live[i])
			CHECK_EQ(kcpg_zpool_free(&p, off[i]), 0);
	kcpg_zpool_stats(&p, &free_bytes, &largest, &n);
	CHECK_EQ(n, 1);
	CHECK_EQ(free_bytes, POOL);
	kcpg_zpool_destroy(&p);
}

/* Threads fill their blocks with their id: an overlap shows up as a clash. */
struct churn_arg {
	struct kcpg_zpool *p;
	uint8_t *mem;
	uint8_t id;
	int failed;
};

static void *churn_thread(void *argp)
{
	struct churn_arg *arg = argp;
	uint32_t seed = arg->id * 7919u, i;
	uint64_t off[16];
	uint64_t size[16];
	int live[16] = { 0 };

	for (i = 0; i < 20000 && !arg->failed; i++) {
		uint32_t k;
		uint64_t j;

		seed = seed * 1103515245 + 12345;
		k = (seed >> 8) % 16;
		if (live[k]) {
			for (j = 0; j < size[k]; j++)
				if (arg->mem[off[k] + j] != arg->id)
					arg->failed = 1;
			if (kcpg_zpool_free(arg->p, off[k]))
				arg->failed = 1;
			live[k] = 0;
		} else {
			size[k] = 1 + (seed >> 16) % 700;
			if (kcpg_zpool_alloc(arg->p, size[k], &off[k]) == 0) {
				memset(arg->mem + off[k], arg->id, size[k]);
				live[k] = 1;
			}
		}
	}
	for (i = 0; i < 16; i++)
		if (live[i] && kcpg_zpool_free(arg->p, off[i]))
			arg->failed = 1;
	return NULL;
}

static void threads_never_share_a_block(void)
{
	static uint8_t mem[POOL];
	struct churn_arg args[4];
	pthread_t th[4];
	struct kcpg_zpool p;
	uint64_t free_bytes, largest;
	uint32_t n;
	int i;

	CHECK_EQ(kcpg_zpool_init(&p, POOL), 0);
	for (i = 0; i < 4; i++) {
		args[i] = (struct churn_arg){ .p = &p, .mem = mem, .id = (uint8_t)(i + 1) };
		CHECK_EQ(pthread_create(&th[i], NULL, churn_thread, &args[i]), 0);
	}
	for (i = 0; i < 4; i++)
		pthread_join(th[i], NULL);
	for (i = 0; i < 4; i++)
		CHECK_EQ(args[i].failed, 0);
	kcpg_zpool_stats(&p, &free_bytes, &largest, &n);
	CHECK_EQ(free_bytes, POOL);
	CHECK_EQ(n, 1);
	kcpg_zpool_destroy(&p);
}

static const struct unit_case cases[] = {
	UNIT_CASE(alloc_aligned_and_disjoint),
	UNIT_CASE(zero_size_blocks_are_distinct),
	UNIT_CASE(free_unknown_and_double_free),
	UNIT_CASE(coalescing_restores_one_extent),
	UNIT_CASE(exhaustion_and_reuse),
	UNIT_CASE(whole_pool_and_empty_pool),
	UNIT_CASE(find_reports_block_and_asked_size),
	UNIT_CASE(random_churn_keeps_invariants),
	UNIT_CASE(threads_never_share_a_block),
};

UNIT_MAIN("zcb_pool", cases)
