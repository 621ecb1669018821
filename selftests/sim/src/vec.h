/* SPDX-License-Identifier: GPL-2.0 OR BSD-3-Clause */
/*
 * Growable arrays.  The simulator records everything a run produces (every
 * callback, every message, every ring observed) before the checker looks at
 * it, and the sizes are not known in advance.
 */
#ifndef SIM_VEC_H
#define SIM_VEC_H

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#define VEC(T) struct { T *v; uint32_t n, cap; }

/*
 * Returns @p grown to hold at least one more element; aborts on OOM (a test
 * tool).  It returns the pointer rather than storing it through a void **:
 * writing a T * through a void ** breaks strict aliasing, and gcc -O2 then
 * keeps using the old array.
 */
void *vec_grow_(void *p, uint32_t *cap, size_t elsz);

#define vec_push(vp, x) do {						\
	if ((vp)->n == (vp)->cap)					\
		(vp)->v = vec_grow_((vp)->v, &(vp)->cap, sizeof(*(vp)->v)); \
	(vp)->v[(vp)->n++] = (x);					\
} while (0)

/* Reserve a slot and return a pointer to it (zeroed). */
#define vec_add(vp) ({							\
	if ((vp)->n == (vp)->cap)					\
		(vp)->v = vec_grow_((vp)->v, &(vp)->cap, sizeof(*(vp)->v)); \
	memset(&(vp)->v[(vp)->n], 0, sizeof(*(vp)->v));		\
	&(vp)->v[(vp)->n++];						\
})

#define vec_free(vp) do { free((vp)->v); (vp)->v = NULL; (vp)->n = (vp)->cap = 0; } while (0)

void *xmalloc(size_t n);
void *xcalloc(size_t n, size_t sz);
void *xmemdup(const void *p, size_t n);

#endif
