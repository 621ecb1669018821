// SPDX-License-Identifier: LGPL-2.1-or-later
/* Handle tables: see handle_table.h. */
#include <errno.h>
#include <stdlib.h>

#include "handle_table.h"

#define GEN_MASK	0x00ffffffU

static uint64_t make_handle(const struct kcpg_htab *t, uint32_t slot)
{
	return ((uint64_t)t->tag << 56) |
	       ((uint64_t)(t->slots[slot].gen & GEN_MASK) << 32) |
	       (uint64_t)(slot + 1);
}

/* The slot a handle names if it is live, else -1.  Table locked. */
static int64_t find_slot(const struct kcpg_htab *t, uint64_t handle)
{
	uint32_t low = (uint32_t)handle;
	uint32_t gen = (uint32_t)(handle >> 32) & GEN_MASK;
	uint8_t tag = (uint8_t)(handle >> 56);
	uint32_t slot;

	if (tag != t->tag || low == 0 || low > t->n_slots)
		return -1;
	slot = low - 1;
	if (!t->slots[slot].obj || (t->slots[slot].gen & GEN_MASK) != gen)
		return -1;
	return slot;
}

int kcpg_htab_add(struct kcpg_htab *t, struct kcpg_hobj *obj,
		  void (*destroy)(struct kcpg_hobj *), uint64_t *handle)
{
	uint32_t slot;

	atomic_init(&obj->refs, 1);
	obj->destroy = destroy;

	pthread_mutex_lock(&t->lock);
	if (t->free_head) {
		slot = t->free_head - 1;
		t->free_head = t->slots[slot].next_free;
	} else {
		if (t->n_slots == t->cap) {
			uint32_t cap = t->cap ? t->cap * 2 : 16;
			struct kcpg_hslot *slots;

			if (cap > KCPG_HTAB_MAX_SLOTS)
				cap = KCPG_HTAB_MAX_SLOTS;
			if (cap <= t->n_slots) {
				pthread_mutex_unlock(&t->lock);
				return ENOMEM;
			}
			slots = realloc(t->slots, cap * sizeof(*slots));
			if (!slots) {
				pthread_mutex_unlock(&t->lock);
				return ENOMEM;
			}
			t->slots = slots;
			t->cap = cap;
		}
		slot = t->n_slots++;
		t->slots[slot].gen = 1;
	}
	t->slots[slot].obj = obj;
	t->slots[slot].next_free = 0;
	*handle = make_handle(t, slot);
	pthread_mutex_unlock(&t->lock);
	return 0;
}

struct kcpg_hobj *kcpg_htab_get(struct kcpg_htab *t, uint64_t handle)
{
	struct kcpg_hobj *obj = NULL;
	int64_t slot;

	pthread_mutex_lock(&t->lock);
	slot = find_slot(t, handle);
	if (slot >= 0) {
		obj = t->slots[slot].obj;
		kcpg_hobj_get(obj);
	}
	pthread_mutex_unlock(&t->lock);
	return obj;
}

struct kcpg_hobj *kcpg_htab_remove(struct kcpg_htab *t, uint64_t handle)
{
	struct kcpg_hobj *obj = NULL;
	int64_t slot;

	pthread_mutex_lock(&t->lock);
	slot = find_slot(t, handle);
	if (slot >= 0) {
		struct kcpg_hslot *s = &t->slots[slot];

		obj = s->obj;
		s->obj = NULL;
		/* The next occupant gets another generation; skip 0. */
		s->gen = (s->gen + 1) & GEN_MASK;
		if (s->gen == 0)
			s->gen = 1;
		s->next_free = t->free_head;
		t->free_head = (uint32_t)slot + 1;
	}
	pthread_mutex_unlock(&t->lock);
	return obj;
}

void kcpg_htab_lock(struct kcpg_htab *t)
{
	pthread_mutex_lock(&t->lock);
}

void kcpg_htab_unlock(struct kcpg_htab *t)
{
	pthread_mutex_unlock(&t->lock);
}

void kcpg_htab_for_each(struct kcpg_htab *t,
			void (*fn)(struct kcpg_hobj *obj, void *arg), void *arg)
{
	uint32_t i;

	for (i = 0; i < t->n_slots; i++)
		if (t->slots[i].obj)
			fn(t->slots[i].obj, arg);
}

void kcpg_hobj_get(struct kcpg_hobj *obj)
{
	atomic_fetch_add_explicit(&obj->refs, 1, memory_order_relaxed);
}

void kcpg_hobj_put(struct kcpg_hobj *obj)
{
	if (atomic_fetch_sub_explicit(&obj->refs, 1, memory_order_acq_rel) == 1)
		obj->destroy(obj);
}
