/* SPDX-License-Identifier: GPL-2.0 OR BSD-3-Clause */
/*
 * The run's trace: a 64-bit hash over everything that happened (events,
 * datagram bytes, callback contents, API results), and optionally a
 * human-readable line per event.  Two runs of one seed must end with the
 * same hash; a different hash means something nondeterministic crept in
 * (uninitialised memory, pointer order, wall-clock time).
 */
#ifndef SIM_TRACE_H
#define SIM_TRACE_H

#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

struct trace {
	uint64_t h;
	int verbose;
	FILE *out;
};

void trace_init(struct trace *t, int verbose, FILE *out);
void trace_u64(struct trace *t, uint64_t v);
void trace_bytes(struct trace *t, const void *p, size_t n);
/* Print a line when verbose (prefixed with the time); does not hash. */
void trace_log(struct trace *t, uint64_t now, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

#endif
