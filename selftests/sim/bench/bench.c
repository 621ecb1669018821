// SPDX-License-Identifier: GPL-2.0 OR BSD-3-Clause
/*
 * Benchmark of the protocol core alone: a steady 3- and 5-node cluster on
 * the simulator's ideal network (no loss, 1 Gbit/s links, ~50 us latency),
 * one process per node sending as fast as flow control lets it.  The clock
 * runs only inside calls into the core, minus the time spent in our own
 * callbacks (datagram copies, event queue), so the figures are the core's
 * CPU cost: messages ordered per CPU second, and nanoseconds per message
 * (all nodes together, and per node).
 *
 *   bench-core [--seconds S] [--out FILE]
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include "sim.h"

struct row {
	uint32_t nodes, size;
	int guarantee;
	uint64_t ordered;	/* messages delivered, counted once */
	double core_s, harness_s, sim_s, proc_cpu_s;
};

static double cpu_now(void)
{
	struct rusage ru;

	getrusage(RUSAGE_SELF, &ru);
	return ru.ru_utime.tv_sec + ru.ru_stime.tv_sec +
	       (ru.ru_utime.tv_usec + ru.ru_stime.tv_usec) / 1e6;
}

static void run(struct row *r, double seconds)
{
	struct sim_opts o = { 0 };
	struct sim *s = calloc(1, sizeof(*s));
	uint64_t warm = 3000000000ULL, span = (uint64_t)(seconds * 1e9);
	uint64_t d0, c0, h0;
	double cpu0;

	o.nodes = r->nodes;
	o.ideal = 1;
	o.ideal_size = r->size;
	o.ideal_guarantee = r->guarantee;
	o.ideal_gap_us = 200;
	o.ideal_burst = 64;
	o.bench = 1;
	sim_init(s, &o, 1);
	sim_run_until(s, warm);
	d0 = s->n_deliveries;
	c0 = s->core_ns;
	h0 = s->cb_ns;
	cpu0 = cpu_now();
	sim_run_until(s, warm + span);
	r->proc_cpu_s = cpu_now() - cpu0;
	r->ordered = (s->n_deliveries - d0) / r->nodes;
	r->core_s = (s->core_ns - c0) / 1e9;
	r->harness_s = (s->cb_ns - h0) / 1e9;
	r->sim_s = seconds;
	sim_destroy(s);
	free(s);
}

int main(int argc, char **argv)
{
	static const uint32_t nodes[] = { 3, 5 };
	static const uint32_t sizes[] = { 64, 1024, 10240 };
	static const int guarantees[] = { KP_AGREED, KP_SAFE };
	double seconds = 2.0;
	const char *out = NULL;
	FILE *f;
	int i, a, b, c;

	for (i = 1; i < argc; i++) {
		if (!strcmp(argv[i], "--seconds") && i + 1 < argc)
			seconds = atof(argv[++i]);
		else if (!strcmp(argv[i], "--out") && i + 1 < argc)
			out = argv[++i];
		else {
			fprintf(stderr, "usage: bench-core [--seconds S] [--out FILE]\n");
			return 2;
		}
	}
	f = out ? fopen(out, "w") : stdout;
	if (!f) {
		perror(out);
		return 1;
	}
	fprintf(f, "| nodes | size | guarantee | msgs ordered | msgs/CPU-s (core) | ns/msg (all nodes) | ns/msg per node | msgs/simulated-s |\n");
	fprintf(f, "|---|---|---|---|---|---|---|---|\n");
	for (a = 0; a < 2; a++)
		for (b = 0; b < 3; b++)
			for (c = 0; c < 2; c++) {
				struct row r = { nodes[a], sizes[b], guarantees[c], 0, 0, 0, 0, 0 };

				run(&r, seconds);
				fprintf(f, "| %u | %u | %s | %llu | %.0f | %.0f | %.0f | %.0f |\n",
					r.nodes, r.size,
					r.guarantee == KP_SAFE ? "SAFE" : "AGREED",
					(unsigned long long)r.ordered,
					r.core_s > 0 ? r.ordered / r.core_s : 0,
					r.ordered ? r.core_s * 1e9 / r.ordered : 0,
					r.ordered ? r.core_s * 1e9 / r.ordered / r.nodes : 0,
					r.ordered / r.sim_s);
				fflush(f);
			}
	if (out)
		fclose(f);
	printf("1 passed, 0 failed\n");
	return 0;
}
