// SPDX-License-Identifier: GPL-2.0
/*
 * kcpg-demo: a few processes join one group and exchange ordered messages.
 *
 *   kcpg-demo [-n PROCESSES] [-m MESSAGES_EACH] [-g GROUP]
 *
 * Each process joins, waits until every process is in the group, sends its
 * messages and receives everyone's.  They report what they saw through
 * shared memory, and the parent prints it in one piece: who joined, the
 * order in which each process received the messages, and whether they all
 * saw the same order.  Exits 0 only if they did.
 *
 * Built by tools/Makefile against the library:
 *   cc -I../include kcpg-demo.c -L../ulib -lcpg-kshim -Wl,-rpath,'$ORIGIN/../ulib'
 */
#include <errno.h>
#include <poll.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <sys/mman.h>
#include <sys/wait.h>
#include <corosync/cpg.h>

#define MAX_PROCS	16
#define MAX_MSGS	64	/* per process */
#define TEXT_MAX	48
#define WAIT_MS		60000

struct demo_msg {
	uint32_t member;	/* 1-based */
	uint32_t seq;		/* 1-based */
	char text[TEXT_MAX];
};

/* What one process saw; lives in memory shared with the parent. */
struct report {
	pid_t pid;
	uint32_t nodeid;
	int error;		/* 0, or the cs_error_t of the step that failed */
	const char *failed_step;
	uint32_t n_joins;
	pid_t joined[MAX_PROCS];	/* in the order the joins were seen */
	uint32_t members_after[MAX_PROCS];
	uint32_t n_recv;
	struct demo_msg recv[MAX_PROCS * MAX_MSGS];
};

struct member {
	struct report *rep;
	uint32_t members_now;
};

static uint64_t fnv1a(const void *p, size_t len, uint64_t h)
{
	const uint8_t *b = p;

	while (len--) {
		h ^= *b++;
		h *= 0x100000001b3ULL;
	}
	return h;
}

static void on_deliver(cpg_handle_t h, const struct cpg_name *group, uint32_t nodeid,
		       uint32_t pid, void *msg, size_t len)
{
	struct member *m;

	(void)group, (void)nodeid, (void)pid;
	if (cpg_context_get(h, (void **)&m) != CS_OK || len != sizeof(struct demo_msg))
		return;
	if (m->rep->n_recv < MAX_PROCS * MAX_MSGS)
		memcpy(&m->rep->recv[m->rep->n_recv++], msg, len);
}

static void on_confchg(cpg_handle_t h, const struct cpg_name *group,
		       const struct cpg_address *members, size_t n_members,
		       const struct cpg_address *left, size_t n_left,
		       const struct cpg_address *joined, size_t n_joined)
{
	struct member *m;
	size_t i;

	(void)group, (void)members, (void)left, (void)n_left;
	if (cpg_context_get(h, (void **)&m) != CS_OK)
		return;
	m->members_now = n_members;
	for (i = 0; i < n_joined && m->rep->n_joins < MAX_PROCS; i++) {
		m->rep->joined[m->rep->n_joins] = joined[i].pid;
		m->rep->members_after[m->rep->n_joins++] = n_members;
	}
}

/* Dispatch until cond() holds or the deadline passes. */
static cs_error_t pump(cpg_handle_t h, int (*cond)(struct member *, uint32_t),
		       struct member *m, uint32_t arg)
{
	struct pollfd pfd = { .events = POLLIN };
	int waited = 0;
	cs_error_t res;

	res = cpg_fd_get(h, &pfd.fd);
	while (res == CS_OK && !cond(m, arg)) {
		if (waited >= WAIT_MS)
			return CS_ERR_TIMEOUT;
		poll(&pfd, 1, 100);
		waited += 100;
		res = cpg_dispatch(h, CS_DISPATCH_ALL);
	}
	return res;
}

static int all_joined(struct member *m, uint32_t n)
{
	return m->members_now == n;
}

static int all_received(struct member *m, uint32_t n)
{
	return m->rep->n_recv >= n;
}

static void run_member(struct report *rep, uint32_t me, uint32_t procs, uint32_t msgs,
		       const char *group_name)
{
	cpg_callbacks_t cb = { .cpg_deliver_fn = on_deliver, .cpg_confchg_fn = on_confchg };
	struct member m = { .rep = rep };
	struct cpg_name group;
	cpg_handle_t h;
	cs_error_t res;
	uint32_t seq;

#define STEP(call, name) do {					\
	res = (call);						\
	while (res == CS_ERR_TRY_AGAIN) {			\
		usleep(1000);					\
		res = (call);					\
	}							\
	if (res != CS_OK) {					\
		rep->error = res;				\
		rep->failed_step = name;			\
		return;						\
	}							\
} while (0)

	rep->pid = getpid();
	memset(&group, 0, sizeof(group));
	group.length = strlen(group_name);
	memcpy(group.value, group_name, group.length);
	STEP(cpg_initialize(&h, &cb), "cpg_initialize");
	STEP(cpg_context_set(h, &m), "cpg_context_set");
	STEP(cpg_local_get(h, &rep->nodeid), "cpg_local_get");
	STEP(cpg_join(h, &group), "cpg_join");
	STEP(pump(h, all_joined, &m, procs), "waiting for everyone to join");
	for (seq = 1; seq <= msgs; seq++) {
		struct demo_msg d = { .member = me, .seq = seq };
		struct iovec iov = { .iov_base = &d, .iov_len = sizeof(d) };

		snprintf(d.text, sizeof(d.text), "hello #%u from member %u", seq, me);
		STEP(cpg_mcast_joined(h, CPG_TYPE_AGREED, &iov, 1), "cpg_mcast_joined");
	}
	STEP(pump(h, all_received, &m, procs * msgs), "receiving");
	cpg_finalize(h);
#undef STEP
}

static uint64_t order_digest(const struct report *r)
{
	uint64_t h = 0xcbf29ce484222325ULL;
	uint32_t i;

	for (i = 0; i < r->n_recv; i++)
		h = fnv1a(&r->recv[i], sizeof(r->recv[i]), h);
	return h;
}

static int member_of_pid(const struct report *reps, uint32_t procs, pid_t pid)
{
	uint32_t i;

	for (i = 0; i < procs; i++)
		if (reps[i].pid == pid)
			return (int)i + 1;
	return 0;
}

int main(int argc, char **argv)
{
	uint32_t procs = 4, msgs = 3, i, k;
	const char *group = "kcpg-demo";
	struct report *reps;
	pid_t pids[MAX_PROCS];
	int opt, same = 1, failed = 0;
	uint64_t first;

	while ((opt = getopt(argc, argv, "n:m:g:h")) != -1) {
		switch (opt) {
		case 'n':
			procs = strtoul(optarg, NULL, 0);
			break;
		case 'm':
			msgs = strtoul(optarg, NULL, 0);
			break;
		case 'g':
			group = optarg;
			break;
		default:
			fprintf(stderr, "usage: %s [-n processes (2..%d)] [-m messages each (1..%d)] [-g group]\n",
				argv[0], MAX_PROCS, MAX_MSGS);
			return 2;
		}
	}
	if (procs < 2 || procs > MAX_PROCS || msgs < 1 || msgs > MAX_MSGS ||
	    strlen(group) > CPG_MAX_NAME_LENGTH) {
		fprintf(stderr, "%s: out of range (-h for help)\n", argv[0]);
		return 2;
	}
	reps = mmap(NULL, procs * sizeof(*reps), PROT_READ | PROT_WRITE,
		    MAP_SHARED | MAP_ANONYMOUS, -1, 0);
	if (reps == MAP_FAILED) {
		perror("mmap");
		return 1;
	}

	printf("kcpg demo: %u processes join group \"%s\" and send %u messages each (AGREED)\n\n",
	       procs, group, msgs);
	fflush(stdout);
	for (i = 0; i < procs; i++) {
		pids[i] = fork();
		if (pids[i] < 0) {
			perror("fork");
			return 1;
		}
		if (pids[i] == 0) {
			run_member(&reps[i], i + 1, procs, msgs, group);
			_exit(reps[i].error ? 1 : 0);
		}
		usleep(20000);	/* joins one after the other, easier to follow */
	}
	for (i = 0; i < procs; i++)
		waitpid(pids[i], NULL, 0);

	for (i = 0; i < procs; i++) {
		if (reps[i].error) {
			printf("member %u (pid %d): %s failed: %s\n", i + 1, (int)reps[i].pid,
			       reps[i].failed_step, cs_strerror(reps[i].error));
			failed = 1;
		}
	}
	if (failed)
		return 1;

	printf("Joins, as member 1 (pid %d, node %u) saw them:\n", (int)reps[0].pid, reps[0].nodeid);
	for (k = 0; k < reps[0].n_joins; k++)
		printf("  member %d (pid %d) joined, group has %u member%s\n",
		       member_of_pid(reps, procs, reps[0].joined[k]), (int)reps[0].joined[k],
		       reps[0].members_after[k], reps[0].members_after[k] == 1 ? "" : "s");

	printf("\nMember 1 received, in this order:\n");
	for (k = 0; k < reps[0].n_recv; k++)
		printf("  %2u. from member %u: %s\n", k + 1, reps[0].recv[k].member,
		       reps[0].recv[k].text);

	printf("\nEach member's order (member.seq):\n");
	first = order_digest(&reps[0]);
	for (i = 0; i < procs; i++) {
		uint64_t d = order_digest(&reps[i]);

		printf("  member %u:", i + 1);
		for (k = 0; k < reps[i].n_recv; k++)
			printf(" %u.%u", reps[i].recv[k].member, reps[i].recv[k].seq);
		printf("   digest %016llx%s\n", (unsigned long long)d, d == first ? "" : "  DIFFERENT");
		if (d != first || reps[i].n_recv != procs * msgs)
			same = 0;
	}
	if (same)
		printf("\nAll %u processes saw the same order of %u messages.\n", procs, procs * msgs);
	else
		printf("\nThe processes did NOT all see the same order.\n");
	return same ? 0 : 1;
}
