// SPDX-License-Identifier: GPL-2.0
/* Time and latency percentiles. */
#include <stdlib.h>
#include <time.h>
#include "bench.h"
#include "stats.h"

uint64_t bench_now_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000000000ULL + (uint64_t)ts.tv_nsec;
}

static int cmp_u64(const void *a, const void *b)
{
	uint64_t x = *(const uint64_t *)a, y = *(const uint64_t *)b;

	return x < y ? -1 : x > y;
}

/* Nearest-rank percentile of a sorted array. */
static double rank_us(const uint64_t *sorted, size_t n, unsigned int pct)
{
	size_t k = (n * pct + 99) / 100;

	if (k == 0)
		k = 1;
	return sorted[k - 1] / 1000.0;
}

void latency_summarise(uint64_t *ns, size_t n, struct latency_summary *s)
{
	double sum = 0;
	size_t i;

	s->samples = n;
	s->mean_us = s->p50_us = s->p90_us = s->p99_us = s->max_us = 0;
	if (!n)
		return;
	qsort(ns, n, sizeof(*ns), cmp_u64);
	for (i = 0; i < n; i++)
		sum += ns[i];
	s->mean_us = sum / n / 1000.0;
	s->p50_us = rank_us(ns, n, 50);
	s->p90_us = rank_us(ns, n, 90);
	s->p99_us = rank_us(ns, n, 99);
	s->max_us = ns[n - 1] / 1000.0;
}
