/* SPDX-License-Identifier: GPL-2.0 OR BSD-3-Clause */
/*
 * The simulator's only source of randomness: xoshiro256** seeded through
 * splitmix64.  Each concern (scenario, network, workload) draws from its own
 * stream derived from the run's seed, so that, say, a change in how the
 * network draws numbers does not reshuffle the workload of every seed.
 */
#ifndef SIM_RNG_H
#define SIM_RNG_H

#include <stdint.h>

struct rng {
	uint64_t s[4];
};

static inline uint64_t splitmix64(uint64_t *x)
{
	uint64_t z = (*x += 0x9e3779b97f4a7c15ULL);

	z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
	z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
	return z ^ (z >> 31);
}

/* Seed @r from (@seed, @stream): distinct streams give unrelated sequences. */
static inline void rng_seed(struct rng *r, uint64_t seed, uint64_t stream)
{
	uint64_t x = seed ^ (stream * 0xd1342543de82ef95ULL);
	int i;

	for (i = 0; i < 4; i++)
		r->s[i] = splitmix64(&x);
}

static inline uint64_t rng_rotl(uint64_t x, int k)
{
	return (x << k) | (x >> (64 - k));
}

static inline uint64_t rng_next(struct rng *r)
{
	uint64_t *s = r->s;
	uint64_t result = rng_rotl(s[1] * 5, 7) * 9;
	uint64_t t = s[1] << 17;

	s[2] ^= s[0];
	s[3] ^= s[1];
	s[1] ^= s[2];
	s[0] ^= s[3];
	s[2] ^= t;
	s[3] = rng_rotl(s[3], 45);
	return result;
}

/* Uniform in [0, n); n == 0 gives 0.  Lemire's multiply-shift (bias < 2^-32
 * for the small ranges used here, which is irrelevant for a test tool).
 */
static inline uint64_t rng_below(struct rng *r, uint64_t n)
{
	if (!n)
		return 0;
	return (uint64_t)(((unsigned __int128)rng_next(r) * n) >> 64);
}

/* Uniform in [lo, hi]. */
static inline uint64_t rng_range(struct rng *r, uint64_t lo, uint64_t hi)
{
	return lo + rng_below(r, hi - lo + 1);
}

/* True with probability ppm / 1,000,000. */
static inline int rng_chance(struct rng *r, uint32_t ppm)
{
	return rng_below(r, 1000000) < ppm;
}

#endif
