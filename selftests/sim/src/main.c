// SPDX-License-Identifier: GPL-2.0 OR BSD-3-Clause
/*
 * kcpg-sim: run seeded clusters of the protocol core and check every run.
 *
 *   kcpg-sim --seeds A-B --nodes N --faults none|loss|dup|reorder|partition|crash|all
 *
 * See README.md for every option.  The last line is always
 * "N passed, N failed"; the exit status is non-zero when anything failed.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "sim.h"
#include "check.h"
#include "coverage.h"
#include "mutate.h"

struct cli {
	struct sim_opts o;
	uint64_t seed_lo, seed_hi;
	uint32_t nodes_lo, nodes_hi;
	int print_hash;
	int list;
	int mutation_runs;
	int64_t min[COV_NR];		/* totals over all seeds; -1 = none */
	int64_t min_inflight_per_seed;
	int show_coverage;
	const char *faults_arg;		/* --faults as given, for replay lines */
};

static void usage(void)
{
	fprintf(stderr,
		"usage: kcpg-sim --seeds A[-B] --nodes N[-M] --faults MIX [options]\n"
		"  MIX: none loss dup reorder partition crash pause slow all, or a comma list\n"
		"  -v                   print the event trace\n"
		"  --hash               print each seed's trace hash\n"
		"  --episodes N         disturbance episodes per run (default 2-3)\n"
		"  --mutate NAME        prove the checker: inject mutation NAME\n"
		"  --mutate-runs K      seeds on which a mutation must be caught (3)\n"
		"  --list-mutations     print mutations and the invariant each must trigger\n"
		"  --min-COUNTER=N      fail unless COUNTER totals at least N\n"
		"  --min-inflight-per-seed=N  every seed needs N changes with traffic in flight\n"
		"  --alloc-fail PPM     make the core's allocations fail now and then\n"
		"  --mtu BYTES          every node's MTU (512-65000; default: 1400, or\n"
		"                       576-1400 in a quarter of the runs)\n"
		"  --dump-corpus DIR    write received datagrams to DIR (fuzz seeds)\n");
	exit(2);
}

static int parse_range(const char *s, uint64_t *lo, uint64_t *hi)
{
	char *end;

	errno = 0;
	*lo = strtoull(s, &end, 0);
	if (errno || end == s)
		return -1;
	if (*end == '-') {
		s = end + 1;
		*hi = strtoull(s, &end, 0);
		if (errno || end == s)
			return -1;
	} else {
		*hi = *lo;
	}
	return *end || *hi < *lo ? -1 : 0;
}

static int parse_faults(const char *s, uint32_t *out)
{
	char buf[256], *tok, *save;

	*out = 0;
	snprintf(buf, sizeof(buf), "%s", s);
	for (tok = strtok_r(buf, ",", &save); tok; tok = strtok_r(NULL, ",", &save)) {
		if (!strcmp(tok, "none"))
			;
		else if (!strcmp(tok, "loss"))
			*out |= F_LOSS;
		else if (!strcmp(tok, "dup"))
			*out |= F_DUP;
		else if (!strcmp(tok, "reorder"))
			*out |= F_REORDER;
		else if (!strcmp(tok, "partition"))
			*out |= F_PARTITION;
		else if (!strcmp(tok, "crash"))
			*out |= F_CRASH | F_PAUSE;
		else if (!strcmp(tok, "pause"))
			*out |= F_PAUSE;
		else if (!strcmp(tok, "slow"))
			*out |= F_SLOW;
		else if (!strcmp(tok, "all"))
			*out |= F_LOSS | F_DUP | F_REORDER | F_PARTITION | F_CRASH |
				F_PAUSE | F_SLOW;
		else
			return -1;
	}
	return 0;
}

static void parse(struct cli *c, int argc, char **argv)
{
	int i, k;

	memset(c, 0, sizeof(*c));
	c->nodes_lo = c->nodes_hi = 1;
	c->mutation_runs = 3;
	c->o.dump_max = 2000;
	c->min_inflight_per_seed = -1;
	for (k = 0; k < COV_NR; k++)
		c->min[k] = -1;
	for (i = 1; i < argc; i++) {
		const char *a = argv[i];
		const char *v = i + 1 < argc ? argv[i + 1] : NULL;
		uint64_t lo, hi;

		if (!strcmp(a, "-v")) {
			c->o.verbose = 1;
		} else if (!strcmp(a, "--hash")) {
			c->print_hash = 1;
		} else if (!strcmp(a, "--coverage")) {
			c->show_coverage = 1;
		} else if (!strcmp(a, "--list-mutations")) {
			c->list = 1;
		} else if (!strcmp(a, "--seeds") && v) {
			if (parse_range(v, &c->seed_lo, &c->seed_hi))
				usage();
			i++;
		} else if (!strcmp(a, "--nodes") && v) {
			if (parse_range(v, &lo, &hi) || lo < 1 || hi > SIM_MAX_NODES)
				usage();
			c->nodes_lo = (uint32_t)lo;
			c->nodes_hi = (uint32_t)hi;
			i++;
		} else if (!strcmp(a, "--faults") && v) {
			if (parse_faults(v, &c->o.faults))
				usage();
			c->faults_arg = v;
			i++;
		} else if (!strcmp(a, "--episodes") && v) {
			c->o.episodes = (uint32_t)atoi(v);
			i++;
		} else if (!strcmp(a, "--mutate") && v) {
			c->o.mutation = mutation_lookup(v);
			if (c->o.mutation < 0) {
				fprintf(stderr, "kcpg-sim: unknown mutation %s\n", v);
				usage();
			}
			i++;
		} else if (!strcmp(a, "--mutate-runs") && v) {
			c->mutation_runs = atoi(v);
			i++;
		} else if (!strcmp(a, "--alloc-fail") && v) {
			c->o.alloc_fail_ppm = (uint32_t)atoi(v);
			i++;
		} else if (!strcmp(a, "--mtu") && v) {
			c->o.mtu = (uint32_t)atoi(v);
			/* The core clamps to this range; outside it the
			 * simulator's own MTU checks would be wrong.
			 */
			if (c->o.mtu < 512 || c->o.mtu > 65000) {
				fprintf(stderr, "kcpg-sim: --mtu must be 512-65000\n");
				exit(2);
			}
			i++;
		} else if (!strcmp(a, "--dump-corpus") && v) {
			c->o.dump_dir = v;
			i++;
		} else if (!strncmp(a, "--min-inflight-per-seed=", 24)) {
			c->min_inflight_per_seed = atoll(a + 24);
		} else if (!strncmp(a, "--min-", 6) && strchr(a, '=')) {
			char name[64];
			size_t n = (size_t)(strchr(a, '=') - (a + 6));

			if (n >= sizeof(name))
				usage();
			memcpy(name, a + 6, n);
			name[n] = 0;
			k = cov_lookup(name);
			if (k < 0) {
				fprintf(stderr, "kcpg-sim: unknown counter %s\n", name);
				usage();
			}
			c->min[k] = atoll(strchr(a, '=') + 1);
		} else {
			usage();
		}
	}
}

struct outcome {
	uint64_t hash;
	struct check_result res;
	struct coverage cov;
};

/* Run one seed; with @mut_log, mutate the log before checking. */
static int run_seed(const struct cli *c, struct sim_opts *o, uint64_t seed,
		    int mut_log, struct outcome *out)
{
	struct sim *s = xcalloc(1, sizeof(*s));
	int applied = 1;

	o->nodes = c->nodes_lo + (uint32_t)(seed % (c->nodes_hi - c->nodes_lo + 1));
	sim_init(s, o, seed);
	sim_run(s);
	out->hash = s->tr.h;
	check_result_init(&out->res);
	if (mut_log)
		applied = mutate_log(&s->log, mut_log, &s->rng_mut);
	if (o->mutation && mutation_table[o->mutation].runtime)
		applied = s->mut_done;
	check_run(&s->log, &out->res);
	coverage_compute(&s->log, &out->cov);
	sim_destroy(s);
	free(s);
	return applied;
}

static void print_fail(const struct cli *c, const struct sim_opts *o,
		       uint64_t seed, const struct outcome *r)
{
	/* Everything the run depends on, so that the line replays it. */
	printf("FAIL seed %llu (kcpg-sim --seeds %llu --nodes %u --faults %s",
	       (unsigned long long)seed, (unsigned long long)seed, o->nodes,
	       c->faults_arg ? c->faults_arg : "none");
	if (o->alloc_fail_ppm)
		printf(" --alloc-fail %u", o->alloc_fail_ppm);
	if (o->mtu)
		printf(" --mtu %u", o->mtu);
	printf(") trace %016llx:\n", (unsigned long long)r->hash);
	check_report(stdout, &r->res);
}

static const char *mask_names(uint32_t mask, char *buf, size_t len)
{
	size_t o = 0;
	int i;

	buf[0] = 0;
	for (i = 0; i < INV_NR; i++)
		if (mask & (1u << i))
			o += snprintf(buf + o, len - o, "%s%s", o ? "," : "", inv_name(i));
	if (!o)
		snprintf(buf, len, "nothing");
	return buf;
}

/* Prove one mutation: on clean seeds, it must trigger exactly its invariant. */
static int run_mutation(struct cli *c, uint64_t *passed, uint64_t *failed)
{
	int mut = c->o.mutation, want = inv_lookup(mutation_table[mut].inv);
	int caught = 0, tried = 0;
	uint64_t seed;
	char buf[256];

	for (seed = c->seed_lo; seed <= c->seed_hi && caught < c->mutation_runs; seed++) {
		struct sim_opts o = c->o;
		struct outcome base, mu;
		int applied;

		o.mutation = MUT_NONE;
		run_seed(c, &o, seed, 0, &base);
		if (check_mask(&base.res)) {
			check_result_free(&base.res);
			continue;	/* only a clean run proves anything */
		}
		check_result_free(&base.res);
		o.mutation = mut;
		applied = run_seed(c, &o, seed,
				   mutation_table[mut].runtime ? 0 : mut, &mu);
		if (!applied) {
			check_result_free(&mu.res);
			continue;
		}
		tried++;
		if (check_mask(&mu.res) == 1u << want) {
			if (c->o.verbose)
				check_report(stdout, &mu.res);
			caught++;
			printf("mutation %s: seed %llu caught by exactly %s\n",
			       mutation_table[mut].name, (unsigned long long)seed,
			       inv_name(want));
		} else {
			printf("FAIL mutation %s: seed %llu: want exactly %s, checker reported %s\n",
			       mutation_table[mut].name, (unsigned long long)seed,
			       inv_name(want), mask_names(check_mask(&mu.res), buf,
							   sizeof(buf)));
			check_report(stdout, &mu.res);
			(*failed)++;
		}
		check_result_free(&mu.res);
	}
	if (caught >= c->mutation_runs) {
		(*passed)++;
		return 0;
	}
	if (!tried || caught < c->mutation_runs)
		printf("FAIL mutation %s: caught on %d of %d seeds wanted (%d applicable clean seeds in %llu-%llu)\n",
		       mutation_table[mut].name, caught, c->mutation_runs, tried,
		       (unsigned long long)c->seed_lo, (unsigned long long)c->seed_hi);
	(*failed)++;
	return 1;
}

int main(int argc, char **argv)
{
	struct cli c;
	struct coverage total, minimum;
	uint64_t seed, passed = 0, failed = 0;
	int k;

	setvbuf(stdout, NULL, _IOLBF, 0);
	parse(&c, argc, argv);
	if (c.list) {
		for (k = 1; k < MUT_NR; k++)
			printf("%-16s %-20s %s\n", mutation_table[k].name,
			       mutation_table[k].inv, mutation_table[k].what);
		return 0;
	}
	if (c.o.mutation) {
		run_mutation(&c, &passed, &failed);
		printf("%llu passed, %llu failed\n", (unsigned long long)passed,
		       (unsigned long long)failed);
		return failed ? 1 : 0;
	}

	memset(&total, 0, sizeof(total));
	for (k = 0; k < COV_NR; k++)
		minimum.c[k] = UINT64_MAX;
	for (seed = c.seed_lo;; seed++) {
		struct sim_opts o = c.o;
		struct outcome r;

		run_seed(&c, &o, seed, 0, &r);
		if (c.print_hash)
			printf("seed %llu nodes %u trace %016llx\n",
			       (unsigned long long)seed, o.nodes,
			       (unsigned long long)r.hash);
		if (c.show_coverage) {
			printf("seed %llu coverage:", (unsigned long long)seed);
			for (k = 0; k < COV_NR; k++)
				printf(" %s=%llu", cov_name(k), (unsigned long long)r.cov.c[k]);
			printf("\n");
		}
		for (k = 0; k < COV_NR; k++) {
			total.c[k] += r.cov.c[k];
			if (r.cov.c[k] < minimum.c[k])
				minimum.c[k] = r.cov.c[k];
		}
		if (check_mask(&r.res)) {
			print_fail(&c, &o, seed, &r);
			failed++;
		} else if (c.min_inflight_per_seed >= 0 &&
			   r.cov.c[COV_INFLIGHT] < (uint64_t)c.min_inflight_per_seed) {
			printf("FAIL seed %llu: only %llu configuration changes with traffic in flight (want %lld)\n",
			       (unsigned long long)seed,
			       (unsigned long long)r.cov.c[COV_INFLIGHT],
			       (long long)c.min_inflight_per_seed);
			failed++;
		} else {
			passed++;
		}
		check_result_free(&r.res);
		if (seed == c.seed_hi)
			break;
	}
	printf("coverage (total / least per seed):");
	for (k = 0; k < COV_NR; k++)
		printf(" %s=%llu/%llu", cov_name(k), (unsigned long long)total.c[k],
		       (unsigned long long)minimum.c[k]);
	printf("\n");
	for (k = 0; k < COV_NR; k++) {
		if (c.min[k] < 0)
			continue;
		if (total.c[k] >= (uint64_t)c.min[k]) {
			passed++;
		} else {
			printf("FAIL coverage: %s = %llu, below the minimum %lld\n",
			       cov_name(k), (unsigned long long)total.c[k],
			       (long long)c.min[k]);
			failed++;
		}
	}
	printf("%llu passed, %llu failed\n", (unsigned long long)passed,
	       (unsigned long long)failed);
	return failed ? 1 : 0;
}
