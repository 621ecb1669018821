/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * Tables mapping opaque 64-bit handles to reference-counted objects.
 *
 * A handle is (tag << 56) | (generation << 32) | (slot + 1).  The tag tells
 * handle kinds apart (a cpg handle given to cpg_iteration_next() is simply
 * not found), the generation changes every time a slot is reused so a stale
 * handle is caught instead of reaching a newer object, and 0 is never a
 * handle because applications use it for "none".
 *
 * An object lives while anyone holds a reference: the table holds one from
 * kcpg_htab_add() until kcpg_htab_remove(), and every successful
 * kcpg_htab_get() takes one more.  So a call that is still running keeps
 * what it uses alive even when another thread finalizes the handle.
 */
#ifndef KCPG_ULIB_HANDLE_TABLE_H
#define KCPG_ULIB_HANDLE_TABLE_H

#include <pthread.h>
#include <stdatomic.h>
#include <stdint.h>

struct kcpg_hobj {
	atomic_uint refs;
	void (*destroy)(struct kcpg_hobj *obj);
};

struct kcpg_hslot {
	struct kcpg_hobj *obj;	/* NULL when free */
	uint32_t gen;		/* of the current or next occupant, never 0 */
	uint32_t next_free;	/* slot + 1 of the next free slot, 0 = end */
};

struct kcpg_htab {
	pthread_mutex_t lock;
	uint8_t tag;
	struct kcpg_hslot *slots;
	uint32_t n_slots;	/* in use or on the free list */
	uint32_t cap;		/* allocated */
	uint32_t free_head;	/* slot + 1, 0 = none */
};

#define KCPG_HTAB_INIT(tag_) { PTHREAD_MUTEX_INITIALIZER, (tag_), NULL, 0, 0, 0 }

/* The most objects one table holds. */
#define KCPG_HTAB_MAX_SLOTS	(1U << 20)

/* Sets obj's count to 1 (the table's reference).  0 or ENOMEM. */
int kcpg_htab_add(struct kcpg_htab *t, struct kcpg_hobj *obj, void (*destroy)(struct kcpg_hobj *), uint64_t *handle);

/* The object of a live handle with a new reference, or NULL. */
struct kcpg_hobj *kcpg_htab_get(struct kcpg_htab *t, uint64_t handle);

/*
 * Detach a handle: later kcpg_htab_get() of it fail.  Returns the object
 * with the table's reference, now the caller's to drop, or NULL.
 */
struct kcpg_hobj *kcpg_htab_remove(struct kcpg_htab *t, uint64_t handle);

/*
 * For fork handlers: hold the table across fork() so the child gets it in a
 * consistent state, and visit its objects there.  kcpg_htab_for_each() must
 * be called with the table locked; fn must not call the table.
 */
void kcpg_htab_lock(struct kcpg_htab *t);
void kcpg_htab_unlock(struct kcpg_htab *t);
void kcpg_htab_for_each(struct kcpg_htab *t, void (*fn)(struct kcpg_hobj *obj, void *arg), void *arg);

void kcpg_hobj_get(struct kcpg_hobj *obj);
void kcpg_hobj_put(struct kcpg_hobj *obj);

#endif
