/* SPDX-License-Identifier: GPL-2.0 OR BSD-3-Clause */
/*
 * kcpg protocol core: small helpers shared by every file of the core.
 *
 * The core includes no libc header, so the few things it needs (memory
 * wrappers over the embedder's allocator, sorted node-id sets, group name
 * comparison) live here.
 */
#ifndef KCPG_PROTO_KP_UTIL_H
#define KCPG_PROTO_KP_UTIL_H

#include "kp.h"

#define KP_NULL ((void *)0)

#define kp_memcpy(d, s, l)	__builtin_memcpy((d), (s), (l))
#define kp_memset(d, c, l)	__builtin_memset((d), (c), (l))
#define kp_memcmp(a, b, l)	__builtin_memcmp((a), (b), (l))

static inline kp_u32 kp_min32(kp_u32 a, kp_u32 b)
{
	return a < b ? a : b;
}

static inline kp_u32 kp_max32(kp_u32 a, kp_u32 b)
{
	return a > b ? a : b;
}

static inline kp_u64 kp_min64(kp_u64 a, kp_u64 b)
{
	return a < b ? a : b;
}

static inline kp_u64 kp_max64(kp_u64 a, kp_u64 b)
{
	return a > b ? a : b;
}

struct kp_node;

void *kp_alloc(struct kp_node *n, kp_size size);
void *kp_zalloc(struct kp_node *n, kp_size size);
void kp_free(struct kp_node *n, void *p);

/*
 * A set of node ids: sorted, without duplicates, at most KP_MAX_NODES.
 * Membership sets are small and compared often, so a sorted array beats
 * anything cleverer.
 */
struct kp_nodeset {
	kp_u32 n;
	kp_u32 id[KP_MAX_NODES];
};

void kp_set_clear(struct kp_nodeset *s);
int kp_set_has(const struct kp_nodeset *s, kp_u32 id);
int kp_set_add(struct kp_nodeset *s, kp_u32 id);
void kp_set_del(struct kp_nodeset *s, kp_u32 id);
int kp_set_equal(const struct kp_nodeset *a, const struct kp_nodeset *b);
/* @a |= @b; returns 1 when @a changed. */
int kp_set_union(struct kp_nodeset *a, const struct kp_nodeset *b);
/* @out = @a - @b (out may alias a). */
void kp_set_minus(struct kp_nodeset *out, const struct kp_nodeset *a,
		  const struct kp_nodeset *b);
/* Index of @id in @s, or -1. */
int kp_set_index(const struct kp_nodeset *s, kp_u32 id);

/* Total order of group names: bytes, then length (shorter first). */
int kp_name_cmp(const struct kp_name *a, const struct kp_name *b);
int kp_name_valid(const struct kp_name *g);

/* The (nodeid, pid) order of member lists. */
static inline int kp_addr_cmp(kp_u32 na, kp_u32 pa, kp_u32 nb, kp_u32 pb)
{
	if (na != nb)
		return na < nb ? -1 : 1;
	if (pa != pb)
		return pa < pb ? -1 : 1;
	return 0;
}

/* Deterministic pseudo-random numbers from the seed given at creation. */
kp_u64 kp_random(struct kp_node *n);

/* The callback of kp_for_each_member(). */
typedef int (*kp_member_fn)(void *arg, const struct kp_name *g,
			    kp_u32 nodeid, kp_u32 pid);

#endif /* KCPG_PROTO_KP_UTIL_H */
