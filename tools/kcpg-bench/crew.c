// SPDX-License-Identifier: GPL-2.0
/*
 * Forking and starting the processes of one benchmark point.  The parent
 * never opens a CPG handle, so children start from a clean library state on
 * both implementations.
 */
#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <unistd.h>
#include <sys/wait.h>
#include "bench.h"
#include "crew.h"
#include "shared.h"

#define CREW_MAX	64
#define READY_TIMEOUT_NS	(60ULL * 1000000000ULL)

void crew_ready(struct crew_sync *s)
{
	atomic_fetch_add(&s->ready, 1);
	shared_wake(&s->ready);
}

void crew_wait_go(struct crew_sync *s)
{
	while (!atomic_load(&s->go))
		shared_wait(&s->go, 0, 1000);
}

/* Collects exited children; returns how many are still running. */
static unsigned int collect(pid_t *pids, unsigned int n, int *bad)
{
	unsigned int i, running = 0;
	int status;
	pid_t p;

	while ((p = waitpid(-1, &status, WNOHANG)) > 0) {
		for (i = 0; i < n; i++)
			if (pids[i] == p)
				pids[i] = 0;
		if (!WIFEXITED(status) || WEXITSTATUS(status))
			*bad = 1;
	}
	for (i = 0; i < n; i++)
		running += pids[i] != 0;
	return running;
}

static void kill_all(pid_t *pids, unsigned int n)
{
	unsigned int i;

	for (i = 0; i < n; i++)
		if (pids[i])
			kill(pids[i], SIGKILL);
}

int crew_run(struct crew_sync *s, unsigned int n, crew_member_fn fn, void *arg,
	     uint64_t run_ms)
{
	pid_t pids[CREW_MAX] = { 0 };
	uint64_t deadline;
	unsigned int i;
	int bad = 0;

	if (n > CREW_MAX)
		return 1;
	fflush(NULL);
	for (i = 0; i < n; i++) {
		pids[i] = fork();
		if (pids[i] < 0) {
			perror("fork");
			pids[i] = 0;
			kill_all(pids, n);
			while (collect(pids, n, &bad))
				usleep(10000);
			return 1;
		}
		if (pids[i] == 0) {
			fn(arg, i);
			fflush(NULL);
			_exit(0);
		}
	}

	/* Everyone in the group, or someone gave up. */
	deadline = bench_now_ns() + READY_TIMEOUT_NS;
	for (;;) {
		uint32_t seen = atomic_load(&s->ready);

		if (seen >= n)
			break;
		if (collect(pids, n, &bad) < n || bench_now_ns() > deadline) {
			bad = 1;
			break;
		}
		shared_wait(&s->ready, seen, 100);
	}
	s->t_start = bench_now_ns();
	atomic_store(&s->go, 1);
	shared_wake(&s->go);

	deadline = bad ? 0 : s->t_start + run_ms * 1000000ULL;
	while (collect(pids, n, &bad)) {
		if (bench_now_ns() > deadline) {
			kill_all(pids, n);
			bad = 1;
			deadline = UINT64_MAX;
		}
		usleep(10000);
	}
	return bad;
}
