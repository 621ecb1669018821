/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Results: one JSON object per line on stdout (for scripts), and a human
 * table on stderr.
 */
#ifndef KCPG_BENCH_REPORT_H
#define KCPG_BENCH_REPORT_H

#include <stdint.h>
#include "bench.h"
#include "payload.h"
#include "stats.h"

struct bench_result {
	const char *mode;		/* throughput, latency, pingpong, memcpy, hash */
	const char *path;		/* copy, zcb, or NULL */
	uint32_t size;
	unsigned int senders, receivers;
	double seconds;
	/* throughput: per receiving process */
	uint64_t msgs;			/* data messages each receiver got (min) */
	double msgs_per_s;		/* min over receivers */
	double mb_per_s;		/* min over receivers, 10^6 payload bytes/s */
	double mb_per_s_avg;
	uint64_t try_again;
	uint64_t lost;			/* announced by END but never delivered */
	uint64_t order_errors;		/* receivers disagreeing on the total order */
	uint64_t window_waits, window_timeouts, poll_timeouts;	/* diagnostics */
	struct bench_errors err;
	/* latency */
	struct latency_summary lat;
	int ok;
	int skipped;			/* not measurable on this library */
	const char *note;		/* why a point failed or what it means */
};

void report_json(const struct bench_opts *o, const struct bench_lib *lib,
		 const struct bench_result *r);
void report_table(const struct bench_opts *o, const struct bench_lib *lib,
		  const struct bench_result *r);

/* Both, as configured. */
void report(const struct bench_opts *o, const struct bench_lib *lib,
	    const struct bench_result *r);

#endif
