/* SPDX-License-Identifier: GPL-2.0 */
/*
 * A crew: the processes of one benchmark point, forked together, started
 * together once every one of them is in the group, and reaped with a hang
 * guard.  Each member opens its own CPG handle after the fork.
 */
#ifndef KCPG_BENCH_CREW_H
#define KCPG_BENCH_CREW_H

#include <stdatomic.h>
#include <stdint.h>

/* Lives in shared memory (shared_alloc), zeroed before each crew_run. */
struct crew_sync {
	_Atomic uint32_t ready;		/* members that saw the whole group */
	_Atomic uint32_t go;		/* futex: 1 once t_start is set */
	uint64_t t_start;		/* CLOCK_MONOTONIC ns, common to all */
};

typedef void (*crew_member_fn)(void *arg, unsigned int index);

/*
 * Forks @n members running @fn(@arg, index), waits until all called
 * crew_ready() (or one exited), starts them and waits for all to exit.
 * Members still running @run_ms after the start are killed.  Returns 0 if
 * every member exited with status 0.
 */
int crew_run(struct crew_sync *s, unsigned int n, crew_member_fn fn, void *arg,
	     uint64_t run_ms);

/*
 * Spreads the members over nodes: member i enters the namespaces of
 * @nodes[i % @n] right after its fork, before it opens a handle.  An entry
 * starting with '/' is a network namespace file (/run/netns/NAME: a kcpg
 * node of selftests/kcpg/cluster.sh); a number is the pid of a process
 * whose network and mount namespaces the member enters (a corosync daemon
 * in its private /run and /dev/shm).  @n = 0: everyone stays here.
 * Returns -1 if the list is malformed.
 */
int crew_set_nodes(const char *list);
unsigned int crew_nodes(void);

/* In a member: it is ready; then blocks until every member is. */
void crew_ready(struct crew_sync *s);
void crew_wait_go(struct crew_sync *s);

#endif
