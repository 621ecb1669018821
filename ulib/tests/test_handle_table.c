// SPDX-License-Identifier: LGPL-2.1-or-later
/* Host tests of the handle tables (handle_table.c). */
#include <stdlib.h>

#include "../handle_table.h"
#include "unit.h"

struct thing {
	struct kcpg_hobj hobj;
	int *destroyed;
};

static void thing_destroy(struct kcpg_hobj *obj)
{
	struct thing *t = (struct thing *)obj;

	(*t->destroyed)++;
	free(t);
}

static struct thing *thing_new(int *destroyed)
{
	struct thing *t = calloc(1, sizeof(*t));

	if (t)
		t->destroyed = destroyed;
	return t;
}

static void add_get_remove(void)
{
	static struct kcpg_htab tab = KCPG_HTAB_INIT(0x42);
	int destroyed = 0;
	struct thing *t = thing_new(&destroyed);
	uint64_t h;

	CHECK(t);
	CHECK_EQ(kcpg_htab_add(&tab, &t->hobj, thing_destroy, &h), 0);
	CHECK(h != 0);
	CHECK_EQ(h >> 56, 0x42);
	CHECK(kcpg_htab_get(&tab, h) == &t->hobj);
	kcpg_hobj_put(&t->hobj);
	CHECK(kcpg_htab_get(&tab, 0) == NULL);
	CHECK(kcpg_htab_get(&tab, h ^ (1ULL << 56)) == NULL);	/* other tag */
	CHECK(kcpg_htab_get(&tab, h + 1) == NULL);		/* other slot */
	CHECK(kcpg_htab_remove(&tab, h) == &t->hobj);
	CHECK(kcpg_htab_get(&tab, h) == NULL);
	CHECK(kcpg_htab_remove(&tab, h) == NULL);
	CHECK_EQ(destroyed, 0);
	kcpg_hobj_put(&t->hobj);
	CHECK_EQ(destroyed, 1);
}

static void reused_slot_has_new_generation(void)
{
	static struct kcpg_htab tab = KCPG_HTAB_INIT(0x42);
	int destroyed = 0;
	struct thing *a = thing_new(&destroyed), *b = thing_new(&destroyed);
	uint64_t ha, hb;

	CHECK(a && b);
	CHECK_EQ(kcpg_htab_add(&tab, &a->hobj, thing_destroy, &ha), 0);
	kcpg_hobj_put(kcpg_htab_remove(&tab, ha));
	CHECK_EQ(kcpg_htab_add(&tab, &b->hobj, thing_destroy, &hb), 0);
	CHECK_EQ((uint32_t)ha, (uint32_t)hb);			/* same slot */
	CHECK(ha != hb);
	CHECK(kcpg_htab_get(&tab, ha) == NULL);			/* stale */
	CHECK(kcpg_htab_get(&tab, hb) == &b->hobj);
	kcpg_hobj_put(&b->hobj);
	kcpg_hobj_put(kcpg_htab_remove(&tab, hb));
	CHECK_EQ(destroyed, 2);
}

static void reference_outlives_removal(void)
{
	static struct kcpg_htab tab = KCPG_HTAB_INIT(0x42);
	int destroyed = 0;
	struct thing *t = thing_new(&destroyed);
	struct kcpg_hobj *held;
	uint64_t h;

	CHECK(t);
	CHECK_EQ(kcpg_htab_add(&tab, &t->hobj, thing_destroy, &h), 0);
	held = kcpg_htab_get(&tab, h);			/* a call in progress */
	CHECK(held);
	kcpg_hobj_put(kcpg_htab_remove(&tab, h));	/* finalize meanwhile */
	CHECK_EQ(destroyed, 0);
	kcpg_hobj_put(held);				/* the call returns */
	CHECK_EQ(destroyed, 1);
}

static void many_handles(void)
{
	static struct kcpg_htab tab = KCPG_HTAB_INIT(0x42);
	enum { N = 5000 };
	static uint64_t h[N];
	int destroyed = 0;
	int i;

	for (i = 0; i < N; i++) {
		struct thing *t = thing_new(&destroyed);

		CHECK(t);
		CHECK_EQ(kcpg_htab_add(&tab, &t->hobj, thing_destroy, &h[i]), 0);
	}
	for (i = 0; i < N; i += 2)
		kcpg_hobj_put(kcpg_htab_remove(&tab, h[i]));
	for (i = 0; i < N; i++) {
		struct kcpg_hobj *o = kcpg_htab_get(&tab, h[i]);

		CHECK((o != NULL) == (i % 2 == 1));
		if (o)
			kcpg_hobj_put(o);
	}
	for (i = 1; i < N; i += 2)
		kcpg_hobj_put(kcpg_htab_remove(&tab, h[i]));
	CHECK_EQ(destroyed, N);
}

static const struct unit_case cases[] = {
	UNIT_CASE(add_get_remove),
	UNIT_CASE(reused_slot_has_new_generation),
	UNIT_CASE(reference_outlives_removal),
	UNIT_CASE(many_handles),
};

UNIT_MAIN("handle_table", cases)
