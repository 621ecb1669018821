// SPDX-License-Identifier: GPL-2.0 OR BSD-3-Clause
/*
 * kp-bench: the protocol core alone on an ideal network (no loss, a fixed
 * 50 us latency, unlimited bandwidth), 3 and 5 nodes, one process per node
 * sending as fast as flow control allows.  The harness does as little as it
 * can (deliveries are only counted), so the process's CPU time is mostly
 * the core's; run it under callgrind (make bench-ir) for an exact split.
 *
 *   kp-bench [SIMULATED_SECONDS] [NODES SIZE GUARANTEE]
 */
#include <sys/resource.h>
#include "th.h"

extern int th_bench_mode;

static double cpu_now(void)
{
	struct rusage ru;

	getrusage(RUSAGE_SELF, &ru);
	return ru.ru_utime.tv_sec + ru.ru_stime.tv_sec +
	       (ru.ru_utime.tv_usec + ru.ru_stime.tv_usec) / 1e6;
}

static void run(int nodes, uint32_t size, int g, double seconds)
{
	static const char *const gname[] = { "UNORDERED", "FIFO", "AGREED",
					     "SAFE" };
	struct th_net *net = th_net_new(nodes, 7);
	struct th_proc *p[TH_MAX_NODES];
	unsigned char *buf = calloc(1, size);
	uint64_t end, before = 0, after = 0;
	double c0, c1;
	int i;

	th_bench_mode = 1;
	net->min_delay = net->max_delay = 50000;
	if (!th_net_settle(net, 10000000000ull)) {
		fprintf(stderr, "no ring\n");
		exit(1);
	}
	for (i = 0; i < nodes; i++) {
		p[i] = th_proc_new(net->nodes[i], 100 + i);
		th_join(p[i], "bench");
	}
	th_net_run(net, net->now + 500000000ull);
	for (i = 0; i < nodes; i++)
		before += p[i]->n_msgs;
	c0 = cpu_now();
	end = net->now + (uint64_t)(seconds * 1e9);
	while (net->now < end) {
		for (i = 0; i < nodes; i++) {
			struct kp_iov iov = { buf, size };
			int k;

			for (k = 0; k < 256; k++)
				if (kp_mcast(net->nodes[i]->node, p[i]->h, g,
					     &iov, 1, size, net->now))
					break;
		}
		th_net_run(net, net->now + 100000);
	}
	c1 = cpu_now();
	for (i = 0; i < nodes; i++)
		after += p[i]->n_msgs;
	after = (after - before) / nodes;
	printf("| %d | %u | %s | %llu | %.0f | %.0f | %.0f |\n", nodes, size,
	       gname[g], (unsigned long long)after, after / seconds,
	       after / (c1 - c0), (c1 - c0) * 1e9 / after);
	for (i = 0; i < nodes; i++)
		th_proc_free(p[i]);
	th_net_free(net);
	free(buf);
}

int main(int argc, char **argv)
{
	static const int nodes[] = { 3, 5 };
	static const uint32_t sizes[] = { 64, 1024, 10240, 102400 };
	double seconds = argc > 1 ? atof(argv[1]) : 2.0;
	size_t a, b;
	int g;

	printf("| nodes | size | guarantee | msgs ordered | msgs/simulated-s | msgs/CPU-s | CPU ns/msg (all nodes) |\n");
	printf("|---|---|---|---|---|---|---|\n");
	if (argc > 4) {
		run(atoi(argv[2]), atoi(argv[3]), atoi(argv[4]), seconds);
		return 0;
	}
	for (a = 0; a < 2; a++)
		for (b = 0; b < 4; b++)
			for (g = KP_AGREED; g <= KP_SAFE; g++)
				run(nodes[a], sizes[b], g, seconds);
	return 0;
}
