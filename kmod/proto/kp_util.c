// SPDX-License-Identifier: GPL-2.0 OR BSD-3-Clause
/*
 * kcpg protocol core: memory wrappers, node-id sets, names, randomness.
 */
#include "kp_int.h"

void *kp_alloc(struct kp_node *n, kp_size size)
{
	return n->ops->alloc(n->ctx, size);
}

void *kp_zalloc(struct kp_node *n, kp_size size)
{
	void *p = n->ops->alloc(n->ctx, size);

	if (p)
		kp_memset(p, 0, size);
	return p;
}

void kp_free(struct kp_node *n, void *p)
{
	if (p)
		n->ops->free(n->ctx, p);
}

void kp_set_clear(struct kp_nodeset *s)
{
	s->n = 0;
}

int kp_set_index(const struct kp_nodeset *s, kp_u32 id)
{
	kp_u32 lo = 0, hi = s->n;

	while (lo < hi) {
		kp_u32 mid = lo + (hi - lo) / 2;

		if (s->id[mid] == id)
			return (int)mid;
		if (s->id[mid] < id)
			lo = mid + 1;
		else
			hi = mid;
	}
	return -1;
}

int kp_set_has(const struct kp_nodeset *s, kp_u32 id)
{
	return kp_set_index(s, id) >= 0;
}

/* Returns 1 when added, 0 when already there, -1 when the set is full. */
int kp_set_add(struct kp_nodeset *s, kp_u32 id)
{
	kp_u32 i;

	if (kp_set_has(s, id))
		return 0;
	if (s->n >= KP_MAX_NODES)
		return -1;
	i = s->n;
	while (i > 0 && s->id[i - 1] > id) {
		s->id[i] = s->id[i - 1];
		i--;
	}
	s->id[i] = id;
	s->n++;
	return 1;
}

void kp_set_del(struct kp_nodeset *s, kp_u32 id)
{
	int i = kp_set_index(s, id);
	kp_u32 j;

	if (i < 0)
		return;
	for (j = (kp_u32)i; j + 1 < s->n; j++)
		s->id[j] = s->id[j + 1];
	s->n--;
}

int kp_set_equal(const struct kp_nodeset *a, const struct kp_nodeset *b)
{
	return a->n == b->n &&
	       !kp_memcmp(a->id, b->id, a->n * sizeof(a->id[0]));
}

int kp_set_union(struct kp_nodeset *a, const struct kp_nodeset *b)
{
	int changed = 0;
	kp_u32 i;

	for (i = 0; i < b->n; i++)
		if (kp_set_add(a, b->id[i]) > 0)
			changed = 1;
	return changed;
}

void kp_set_minus(struct kp_nodeset *out, const struct kp_nodeset *a,
		  const struct kp_nodeset *b)
{
	kp_u32 i, k = 0;

	for (i = 0; i < a->n; i++)
		if (!kp_set_has(b, a->id[i]))
			out->id[k++] = a->id[i];
	out->n = k;
}

int kp_name_cmp(const struct kp_name *a, const struct kp_name *b)
{
	kp_u32 l = kp_min32(a->length, b->length);
	int c = l ? kp_memcmp(a->value, b->value, l) : 0;

	if (c)
		return c < 0 ? -1 : 1;
	if (a->length != b->length)
		return a->length < b->length ? -1 : 1;
	return 0;
}

int kp_name_valid(const struct kp_name *g)
{
	return g && g->length <= KP_NAME_MAX;
}

/* xorshift64*: tiny, deterministic, good enough for timer jitter. */
kp_u64 kp_random(struct kp_node *n)
{
	kp_u64 x = n->rng;

	if (!x)
		x = 0x9e3779b97f4a7c15ull;
	x ^= x >> 12;
	x ^= x << 25;
	x ^= x >> 27;
	n->rng = x;
	return x * 0x2545f4914f6cdd1dull;
}
