/* SPDX-License-Identifier: GPL-2.0 */
/* Latency samples and their summary. */
#ifndef KCPG_BENCH_STATS_H
#define KCPG_BENCH_STATS_H

#include <stddef.h>
#include <stdint.h>

struct latency_summary {
	unsigned int samples;
	double mean_us, p50_us, p90_us, p99_us, max_us;
};

/* Sorts @ns in place and summarises it (nanoseconds in, microseconds out). */
void latency_summarise(uint64_t *ns, size_t n, struct latency_summary *s);

#endif
