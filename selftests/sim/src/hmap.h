/* SPDX-License-Identifier: GPL-2.0 OR BSD-3-Clause */
/*
 * A u64 -> u64 hash map (open addressing, linear probing).  The checker
 * keys messages, views and events by 64-bit identities; key 0 is reserved
 * as "empty", so callers never use it (identities are hashed and forced
 * non-zero).
 */
#ifndef SIM_HMAP_H
#define SIM_HMAP_H

#include <stdint.h>

struct hmap {
	uint64_t *keys;
	uint64_t *vals;
	uint32_t cap;		/* power of two */
	uint32_t n;
};

void hmap_init(struct hmap *m);
void hmap_free(struct hmap *m);
/* Pointer to the value for @key, or NULL. */
uint64_t *hmap_get(const struct hmap *m, uint64_t key);
/* Pointer to the value for @key, inserting @dflt if absent; *@fresh says which. */
uint64_t *hmap_put(struct hmap *m, uint64_t key, uint64_t dflt, int *fresh);

/* A 64-bit mixer (the splitmix64 finaliser) and a combiner for identities. */
static inline uint64_t mix64(uint64_t x)
{
	x ^= x >> 30;
	x *= 0xbf58476d1ce4e5b9ULL;
	x ^= x >> 27;
	x *= 0x94d049bb133111ebULL;
	x ^= x >> 31;
	return x;
}

static inline uint64_t hcombine(uint64_t h, uint64_t v)
{
	return mix64(h ^ (v + 0x9e3779b97f4a7c15ULL + (h << 6) + (h >> 2)));
}

static inline uint64_t nonzero(uint64_t h)
{
	return h ? h : 1;
}

/*
 * A key for a pair of (possibly small) integers.  hcombine() is only as good
 * as its first argument is random: hcombine(1, x) and hcombine(2, y) collide
 * for some nearby x, y.  Mixing the first element first makes a collision a
 * 2^-64 event.
 */
static inline uint64_t key2(uint64_t a, uint64_t b)
{
	return nonzero(mix64(mix64(a ^ 0x5851f42d4c957f2dULL) ^ b));
}

#endif
