// SPDX-License-Identifier: GPL-2.0
/*
 * Forking and starting the processes of one benchmark point.  The parent
 * never opens a CPG handle, so children start from a clean library state on
 * both implementations.
 */
#include <errno.h>
#include <fcntl.h>
#include <sched.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <sys/wait.h>
#include "bench.h"
#include "crew.h"
#include "shared.h"

#define CREW_MAX	64
#define READY_TIMEOUT_NS	(60ULL * 1000000000ULL)
#define CREW_MAX_NODES	8

static char crew_node[CREW_MAX_NODES][128];
static unsigned int crew_n_nodes;

int crew_set_nodes(const char *list)
{
	char buf[CREW_MAX_NODES * 128], *tok, *save;

	snprintf(buf, sizeof(buf), "%s", list);
	crew_n_nodes = 0;
	for (tok = strtok_r(buf, ",", &save); tok; tok = strtok_r(NULL, ",", &save)) {
		if (crew_n_nodes == CREW_MAX_NODES || strlen(tok) >= sizeof(crew_node[0]) ||
		    (tok[0] != '/' && strspn(tok, "0123456789") != strlen(tok)))
			return -1;
		snprintf(crew_node[crew_n_nodes++], sizeof(crew_node[0]), "%s", tok);
	}
	return crew_n_nodes ? 0 : -1;
}

unsigned int crew_nodes(void)
{
	return crew_n_nodes;
}

static int open_ns(const char *node, const char *what)
{
	char path[160];
	int fd;

	snprintf(path, sizeof(path), "/proc/%s/%s", node, what);
	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		fprintf(stderr, "kcpg-bench: %s: %s\n", path, strerror(errno));
	return fd;
}

/*
 * In a fresh child (single-threaded, as setns() into a mount namespace
 * requires).  For a pid: its network and mount namespaces, then its root
 * directory (a process may be chrooted, as in the test VM: setns() into a
 * mount namespace leaves us at that namespace's own root).  Every file is
 * opened before the first setns(), while /proc still shows the target.
 */
static int enter_node(unsigned int index)
{
	const char *node;
	int fd[3] = { -1, -1, -1 }, rc = -1, i;

	if (!crew_n_nodes)
		return 0;
	node = crew_node[index % crew_n_nodes];
	if (node[0] == '/') {
		fd[0] = open(node, O_RDONLY | O_CLOEXEC);
		if (fd[0] < 0 || setns(fd[0], CLONE_NEWNET))
			fprintf(stderr, "kcpg-bench: %s: %s\n", node, strerror(errno));
		else
			rc = 0;
		if (fd[0] >= 0)
			close(fd[0]);
		return rc;
	}
	fd[0] = open_ns(node, "ns/net");
	fd[1] = open_ns(node, "ns/mnt");
	fd[2] = open_ns(node, "root");
	if (fd[0] >= 0 && fd[1] >= 0 && fd[2] >= 0) {
		if (setns(fd[0], CLONE_NEWNET) || setns(fd[1], CLONE_NEWNS) ||
		    fchdir(fd[2]) || chroot(".") || chdir("/"))
			fprintf(stderr, "kcpg-bench: entering node %s: %s\n", node,
				strerror(errno));
		else
			rc = 0;
	}
	for (i = 0; i < 3; i++)
		if (fd[i] >= 0)
			close(fd[i]);
	return rc;
}

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
			if (enter_node(i))
				_exit(1);
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
