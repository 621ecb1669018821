// SPDX-License-Identifier: LGPL-2.1-or-later
/*
 * cpg_dispatch() against the fake /dev/kcpg (fake_kernel.c), over a ring
 * the test fills itself: every mode, padding and wraps, bounded ALL,
 * backlog kicks, expulsion, corruption, finalize and fork inside callbacks,
 * threads, and inherited handles after fork.
 */
#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <sys/mman.h>
#include <sys/wait.h>
#include <corosync/cpg.h>

#include "fake_client.h"
#include "unit.h"

/* ---- dispatch ---------------------------------------------------------- */

static void dispatch_all_in_order_from_ring(void)
{
	struct kcpg_address m2[2] = { { 3, 1, 0 }, { 7, 100, 0 } };
	struct kcpg_address joined = { 3, 1, CPG_REASON_JOIN };
	uint32_t nodes[2] = { 3, 7 };
	cpg_handle_t h;
	struct fake_dev *d;

	fake_reset();
	CHECK_EQ(open_handle(&h, &d), CS_OK);
	CHECK_EQ(cpg_dispatch(h, CS_DISPATCH_ALL), CS_OK);	/* empty: returns */
	CHECK_EQ(n_seen, 0);
	fake_push_confchg(d, "alpha", &me, 1, NULL, 0, &me_joining, 1);
	fake_push_msg(d, 7, 100, "one", 3);
	fake_push_confchg(d, "alpha", m2, 2, NULL, 0, &joined, 1);
	fake_push_msg(d, 3, 1, "two", 3);
	fake_push(d, fake_rec_totem(3, 0x42, nodes, 2));

	CHECK_EQ(cpg_dispatch(h, CS_DISPATCH_ALL), CS_OK);
	CHECK_EQ(n_seen, 5);
	CHECK_EQ(seen[0].kind, 'c');
	CHECK_EQ(seen[0].handle, h);
	CHECK_EQ(seen[0].group.length, 5);
	CHECK(memcmp(seen[0].group.value, "alpha", 5) == 0);
	CHECK_EQ(seen[0].n_members, 1);
	CHECK_EQ(seen[0].n_joined, 1);
	CHECK_EQ(seen[0].joined[0].reason, CPG_REASON_JOIN);
	CHECK_EQ(seen[1].kind, 'm');
	CHECK(memcmp(seen[1].data, "one", 3) == 0);
	CHECK_EQ(seen[1].group.length, 5);	/* the group of the confchg before */
	CHECK(memcmp(seen[1].group.value, "alpha", 5) == 0);
	CHECK_EQ(seen[1].nodeid, 7);
	CHECK_EQ(seen[1].pid, 100);
	/* In place: the payload pointer is inside the mapped ring. */
	CHECK((const uint8_t *)seen[1].ptr > d->ring &&
	      (const uint8_t *)seen[1].ptr < d->ring + d->setup.ring_size);
	CHECK_EQ(seen[2].kind, 'c');
	CHECK_EQ(seen[2].n_members, 2);
	CHECK_EQ(seen[2].members[0].nodeid, 3);
	CHECK_EQ(seen[3].kind, 'm');
	CHECK_EQ(seen[3].nodeid, 3);
	CHECK_EQ(seen[4].kind, 't');
	CHECK_EQ(seen[4].ring.nodeid, 3);
	CHECK(seen[4].ring.seq == 0x42);
	CHECK_EQ(seen[4].n_members, 2);
	CHECK_EQ(seen[4].nodes[1], 7);
	/* Everything consumed, and published to the kernel. */
	CHECK_EQ(fake_unconsumed(d), 0);
	CHECK_EQ(cpg_dispatch(h, CS_DISPATCH_ONE_NONBLOCKING), CS_ERR_TRY_AGAIN);
	CHECK_EQ(cpg_dispatch(h, (cs_dispatch_flags_t)0), CS_ERR_INVALID_PARAM);
	CHECK_EQ(cpg_dispatch(h, (cs_dispatch_flags_t)5), CS_ERR_INVALID_PARAM);
	CHECK_EQ(cpg_finalize(h), CS_OK);
}

static void dispatch_one_takes_one(void)
{
	cpg_handle_t h;
	struct fake_dev *d;

	fake_reset();
	CHECK_EQ(open_handle(&h, &d), CS_OK);
	fake_push_confchg(d, "g", &me, 1, NULL, 0, &me_joining, 1);
	fake_push_msg(d, 7, 100, "a", 1);
	fake_push_msg(d, 7, 100, "b", 1);
	CHECK_EQ(cpg_dispatch(h, CS_DISPATCH_ONE_NONBLOCKING), CS_OK);
	CHECK_EQ(n_seen, 1);
	CHECK_EQ(cpg_dispatch(h, CS_DISPATCH_ONE), CS_OK);
	CHECK_EQ(n_seen, 2);
	CHECK_EQ(seen[1].data[0], 'a');
	CHECK_EQ(cpg_dispatch(h, CS_DISPATCH_ONE), CS_OK);
	CHECK_EQ(n_seen, 3);
	CHECK_EQ(seen[2].data[0], 'b');
	CHECK_EQ(cpg_dispatch(h, CS_DISPATCH_ONE_NONBLOCKING), CS_ERR_TRY_AGAIN);
	CHECK_EQ(n_seen, 3);
	CHECK_EQ(cpg_finalize(h), CS_OK);
}

/* A ring full of padding and wraps: many small and large records. */
static void dispatch_across_wraps(void)
{
	char buf[3000];
	cpg_handle_t h;
	struct fake_dev *d;
	int i, round;

	fake_reset();
	fk.default_ring = 8192;
	CHECK_EQ(open_handle(&h, &d), CS_OK);
	CHECK_EQ(d->setup.ring_size, 8192);
	fake_push_confchg(d, "g", &me, 1, NULL, 0, &me_joining, 1);
	CHECK_EQ(cpg_dispatch(h, CS_DISPATCH_ALL), CS_OK);
	for (round = 0; round < 40; round++) {
		n_seen = 0;
		for (i = 0; i < 3; i++) {
			size_t len = 1 + (size_t)((round * 7 + i * 1311) % (sizeof(buf) - 1));

			memset(buf, 'a' + i, len);
			fake_push_msg(d, 7, (uint32_t)i, buf, (uint32_t)len);
		}
		CHECK_EQ(cpg_dispatch(h, CS_DISPATCH_ALL), CS_OK);
		CHECK_EQ(n_seen, 3);
		for (i = 0; i < 3; i++) {
			CHECK_EQ(seen[i].pid, i);
			CHECK_EQ(seen[i].data[0], 'a' + i);
		}
	}
	CHECK(d->fr.prod > 10 * 8192);
	CHECK_EQ(cpg_finalize(h), CS_OK);
}

/* A group that keeps sending cannot keep CS_DISPATCH_ALL running. */
static void dispatch_all_is_bounded(void)
{
	cpg_handle_t h;
	struct fake_dev *d;

	fake_reset();
	CHECK_EQ(open_handle(&h, &d), CS_OK);
	fake_push_confchg(d, "g", &me, 1, NULL, 0, &me_joining, 1);
	fake_push_msg(d, 1, 99, "more", 4);
	fake_push_msg(d, 1, 99, "more", 4);
	push_dev_on_deliver = d;	/* each delivery queues another */
	CHECK_EQ(cpg_dispatch(h, CS_DISPATCH_ALL), CS_OK);
	CHECK_EQ(n_seen, 3);
	CHECK(fake_unconsumed(d) > 0);
	CHECK_EQ(cpg_dispatch(h, CS_DISPATCH_ALL), CS_OK);
	CHECK_EQ(n_seen, 5);
	push_dev_on_deliver = NULL;
	CHECK_EQ(cpg_finalize(h), CS_OK);
}

static void dispatch_kicks_backlog(void)
{
	char buf[1000];
	cpg_handle_t h;
	struct fake_dev *d;
	int i, total = 0;

	fake_reset();
	fk.default_ring = 4096;
	CHECK_EQ(open_handle(&h, &d), CS_OK);
	fake_push_confchg(d, "g", &me, 1, NULL, 0, &me_joining, 1);
	memset(buf, 'x', sizeof(buf));
	for (i = 0; i < 20; i++)
		fake_push_msg(d, 7, (uint32_t)i, buf, sizeof(buf));
	CHECK(d->n_backlog > 0);
	CHECK(d->ctrl->kernel_flags & KCPG_CTRL_BACKLOG);
	/* ALL handles a ring's worth per call, kicking the rest in. */
	for (i = 0; i < 30 && total < 21; i++) {
		n_seen = 0;
		CHECK_EQ(cpg_dispatch(h, CS_DISPATCH_ALL), CS_OK);
		total += n_seen;
	}
	CHECK_EQ(total, 21);
	CHECK(d->kicks > 0);
	CHECK_EQ(d->n_backlog, 0);
	CHECK_EQ(d->ctrl->kernel_flags & KCPG_CTRL_BACKLOG, 0);
	CHECK_EQ(cpg_finalize(h), CS_OK);
}

static void dispatch_reports_expulsion(void)
{
	struct cpg_name g = name_of("g");
	struct iovec iov = { .iov_base = "x", .iov_len = 1 };
	cpg_handle_t h;
	struct fake_dev *d;
	int fd;

	fake_reset();
	CHECK_EQ(open_handle(&h, &d), CS_OK);
	fake_push_confchg(d, "g", &me, 1, NULL, 0, &me_joining, 1);
	fake_push_msg(d, 7, 100, "last", 4);
	fake_push(d, fake_rec_raw(KCPG_REC_EXPELLED, NULL, 0));
	d->ctrl->kernel_flags |= KCPG_CTRL_DEAD;
	d->dead = true;
	/* Everything before the expulsion first. */
	CHECK_EQ(cpg_dispatch(h, CS_DISPATCH_ALL), CS_ERR_FAILED_OPERATION);
	CHECK_EQ(n_seen, 2);
	CHECK_EQ(cpg_dispatch(h, CS_DISPATCH_ALL), CS_ERR_FAILED_OPERATION);
	CHECK_EQ(cpg_dispatch(h, CS_DISPATCH_BLOCKING), CS_ERR_FAILED_OPERATION);
	CHECK_EQ(cpg_mcast_joined(h, CPG_TYPE_AGREED, &iov, 1), CS_ERR_FAILED_OPERATION);
	CHECK_EQ(cpg_join(h, &g), CS_ERR_FAILED_OPERATION);
	CHECK_EQ(cpg_leave(h, &g), CS_ERR_FAILED_OPERATION);
	/* Still a valid handle. */
	CHECK_EQ(cpg_fd_get(h, &fd), CS_OK);
	CHECK_EQ(cpg_finalize(h), CS_OK);
}

static void dispatch_dead_without_record(void)
{
	cpg_handle_t h;
	struct fake_dev *d;

	fake_reset();
	CHECK_EQ(open_handle(&h, &d), CS_OK);
	d->ctrl->kernel_flags |= KCPG_CTRL_DEAD;
	CHECK_EQ(cpg_dispatch(h, CS_DISPATCH_ONE), CS_ERR_FAILED_OPERATION);
	CHECK_EQ(cpg_dispatch(h, CS_DISPATCH_ALL), CS_ERR_FAILED_OPERATION);
	CHECK_EQ(cpg_finalize(h), CS_OK);
}

static void dispatch_corrupt_ring(void)
{
	struct kcpg_rec *hdr;
	cpg_handle_t h;
	struct fake_dev *d;

	fake_reset();
	CHECK_EQ(open_handle(&h, &d), CS_OK);
	fake_push_msg(d, 7, 100, "abc", 3);
	hdr = (struct kcpg_rec *)d->ring;
	hdr->len = 1 << 20;
	CHECK_EQ(cpg_dispatch(h, CS_DISPATCH_ALL), CS_ERR_LIBRARY);
	CHECK_EQ(n_seen, 0);
	CHECK_EQ(cpg_finalize(h), CS_OK);
}

static void finalize_inside_callback(void)
{
	cpg_handle_t h;
	struct fake_dev *d;
	int fd;

	fake_reset();
	CHECK_EQ(open_handle(&h, &d), CS_OK);
	fake_push_confchg(d, "g", &me, 1, NULL, 0, &me_joining, 1);
	fake_push_msg(d, 7, 100, "a", 1);
	fake_push_msg(d, 7, 100, "b", 1);
	finalize_at = 1;
	CHECK_EQ(cpg_dispatch(h, CS_DISPATCH_ALL), CS_ERR_BAD_HANDLE);
	CHECK_EQ(n_seen, 2);	/* nothing after the finalize */
	CHECK_EQ(cpg_fd_get(h, &fd), CS_ERR_BAD_HANDLE);
	CHECK_EQ(cpg_dispatch(h, CS_DISPATCH_ALL), CS_ERR_BAD_HANDLE);

	CHECK_EQ(open_handle(&h, &d), CS_OK);
	fake_push_confchg(d, "g", &me, 1, NULL, 0, &me_joining, 1);
	finalize_at = 0;
	CHECK_EQ(cpg_dispatch(h, CS_DISPATCH_BLOCKING), CS_ERR_BAD_HANDLE);

	/* Also when the event was the one CS_DISPATCH_ONE was waiting for. */
	CHECK_EQ(open_handle(&h, &d), CS_OK);
	fake_push_msg(d, 7, 100, "a", 1);
	finalize_at = 0;
	CHECK_EQ(cpg_dispatch(h, CS_DISPATCH_ONE), CS_ERR_BAD_HANDLE);
	CHECK_EQ(open_handle(&h, &d), CS_OK);
	fake_push_msg(d, 7, 100, "a", 1);
	finalize_at = 0;
	CHECK_EQ(cpg_dispatch(h, CS_DISPATCH_ONE_NONBLOCKING), CS_ERR_BAD_HANDLE);
}

static int fork_in_callback_child_status = -1;

static void on_deliver_fork(cpg_handle_t h, const struct cpg_name *g, uint32_t n, uint32_t p,
			    void *m, size_t l)
{
	(void)h, (void)g, (void)n, (void)p, (void)m, (void)l;
	fork_in_callback_child_status = (int)fork();
}

/*
 * fork() inside a callback: in the child the running dispatch must stop
 * without touching the ring (not mapped there) and say BAD_HANDLE.
 */
static void fork_inside_callback(void)
{
	cpg_callbacks_t cb = { .cpg_deliver_fn = on_deliver_fork };
	cpg_handle_t h;
	int fd, status;
	cs_error_t res;

	fake_reset();
	CHECK_EQ(cpg_initialize(&h, &cb), CS_OK);
	CHECK_EQ(cpg_fd_get(h, &fd), CS_OK);
	fake_push_msg(fake_dev_of(fd), 7, 100, "a", 1);
	fake_push_msg(fake_dev_of(fd), 7, 100, "b", 1);
	res = cpg_dispatch(h, CS_DISPATCH_ONE);
	if (fork_in_callback_child_status == 0)
		_exit(res == CS_ERR_BAD_HANDLE ? 0 : 1);
	CHECK(fork_in_callback_child_status > 0);
	CHECK_EQ(res, CS_OK);
	CHECK_EQ(waitpid(fork_in_callback_child_status, &status, 0), fork_in_callback_child_status);
	CHECK(WIFEXITED(status));
	CHECK_EQ(WEXITSTATUS(status), 0);
	CHECK_EQ(fake_unconsumed(fake_dev_of(fd)), fake_ring_span(16 + 1));
	CHECK_EQ(cpg_finalize(h), CS_OK);
}

static cpg_handle_t nested_handle;
static cs_error_t nested_result;

static void on_deliver_nested(cpg_handle_t h, const struct cpg_name *g, uint32_t n, uint32_t p,
			      void *m, size_t l)
{
	(void)g, (void)n, (void)p, (void)m, (void)l;
	nested_result = cpg_dispatch(h, CS_DISPATCH_ALL);
	nested_handle = h;
}

static void dispatch_from_own_callback_refused(void)
{
	cpg_callbacks_t cb = { .cpg_deliver_fn = on_deliver_nested };
	cpg_handle_t h;
	int fd;

	fake_reset();
	CHECK_EQ(cpg_initialize(&h, &cb), CS_OK);
	CHECK_EQ(cpg_fd_get(h, &fd), CS_OK);
	fake_push_msg(fake_dev_of(fd), 7, 100, "a", 1);
	CHECK_EQ(cpg_dispatch(h, CS_DISPATCH_ALL), CS_OK);
	CHECK_EQ(nested_handle, h);
	CHECK_EQ(nested_result, CS_ERR_BAD_OPERATION);
	CHECK_EQ(cpg_finalize(h), CS_OK);
}

static void copy_deliver_gives_private_copy(void)
{
	cpg_handle_t h;
	struct fake_dev *d;

	fake_reset();
	setenv("KCPG_COPY_DELIVER", "1", 1);
	CHECK_EQ(open_handle(&h, &d), CS_OK);
	unsetenv("KCPG_COPY_DELIVER");
	fake_push_msg(d, 7, 100, "copied", 6);
	CHECK_EQ(cpg_dispatch(h, CS_DISPATCH_ALL), CS_OK);
	CHECK_EQ(n_seen, 1);
	CHECK(memcmp(seen[0].data, "copied", 6) == 0);
	CHECK((const uint8_t *)seen[0].ptr < d->ring ||
	      (const uint8_t *)seen[0].ptr >= d->ring + d->setup.ring_size);
	CHECK_EQ(cpg_finalize(h), CS_OK);
}

/* ---- threads ----------------------------------------------------------- */

struct pusher {
	struct fake_dev *d;
	cpg_handle_t h;
	int count;
	useconds_t delay;
};

static void *push_later(void *argp)
{
	struct pusher *p = argp;

	usleep(p->delay);
	fake_push_msg(p->d, 7, 100, "late", 4);
	return NULL;
}

static void dispatch_one_waits_for_event(void)
{
	struct pusher p;
	pthread_t th;
	cpg_handle_t h;
	struct fake_dev *d;

	fake_reset();
	CHECK_EQ(open_handle(&h, &d), CS_OK);
	p = (struct pusher){ .d = d, .delay = 100000 };
	CHECK_EQ(pthread_create(&th, NULL, push_later, &p), 0);
	CHECK_EQ(cpg_dispatch(h, CS_DISPATCH_ONE), CS_OK);
	pthread_join(th, NULL);
	CHECK_EQ(n_seen, 1);
	CHECK(memcmp(seen[0].data, "late", 4) == 0);
	CHECK_EQ(cpg_finalize(h), CS_OK);
}

static void *finalize_later(void *argp)
{
	struct pusher *p = argp;

	usleep(p->delay);
	cpg_finalize(p->h);
	return NULL;
}

static void finalize_wakes_blocked_dispatch(void)
{
	struct pusher p;
	pthread_t th;
	cpg_handle_t h;
	struct fake_dev *d;

	fake_reset();
	CHECK_EQ(open_handle(&h, &d), CS_OK);
	p = (struct pusher){ .d = d, .h = h, .delay = 100000 };
	CHECK_EQ(pthread_create(&th, NULL, finalize_later, &p), 0);
	CHECK_EQ(cpg_dispatch(h, CS_DISPATCH_BLOCKING), CS_ERR_BAD_HANDLE);
	pthread_join(th, NULL);
}

static void *send_many(void *argp)
{
	struct pusher *p = argp;
	int i;

	for (i = 0; i < p->count; i++) {
		struct iovec iov = { .iov_base = &i, .iov_len = sizeof(i) };

		while (cpg_mcast_joined(p->h, CPG_TYPE_AGREED, &iov, 1) == CS_ERR_TRY_AGAIN)
			usleep(100);
	}
	return NULL;
}

static int loop_received;
static int loop_in_order;

static void on_deliver_count(cpg_handle_t h, const struct cpg_name *g, uint32_t n, uint32_t p,
			     void *m, size_t l)
{
	int v;

	(void)g, (void)n, (void)p;
	memcpy(&v, m, sizeof(v));
	if (l != sizeof(v) || v != loop_received)
		loop_in_order = 0;
	if (++loop_received == 20000)
		cpg_finalize(h);
}

/* cpgbench's shape: BLOCKING dispatch in one thread, sends in another. */
static void dispatch_with_concurrent_sender(void)
{
	cpg_callbacks_t cb = { .cpg_deliver_fn = on_deliver_count };
	struct pusher p;
	pthread_t th;
	cpg_handle_t h;
	int fd;

	fake_reset();
	CHECK_EQ(cpg_initialize(&h, &cb), CS_OK);
	CHECK_EQ(cpg_fd_get(h, &fd), CS_OK);
	fake_dev_of(fd)->loopback = true;
	loop_received = 0;
	loop_in_order = 1;
	p = (struct pusher){ .h = h, .count = 20000 };
	CHECK_EQ(pthread_create(&th, NULL, send_many, &p), 0);
	CHECK_EQ(cpg_dispatch(h, CS_DISPATCH_BLOCKING), CS_ERR_BAD_HANDLE);
	pthread_join(th, NULL);
	CHECK_EQ(loop_received, 20000);
	CHECK_EQ(loop_in_order, 1);
}

/* ---- fork -------------------------------------------------------------- */

static void child_cannot_use_inherited_handle(void)
{
	struct cpg_name g = name_of("g");
	struct iovec iov = { .iov_base = "x", .iov_len = 1 };
	cpg_handle_t h;
	struct fake_dev *d;
	int status, fd;
	pid_t pid;

	fake_reset();
	CHECK_EQ(open_handle(&h, &d), CS_OK);
	fake_push_msg(d, 7, 100, "a", 1);
	CHECK_EQ(cpg_fd_get(h, &fd), CS_OK);
	pid = fork();
	CHECK(pid >= 0);
	if (pid == 0) {
		int bad = 0, newfd;
		cpg_handle_t h2;

		bad |= cpg_fd_get(h, &newfd) != CS_ERR_BAD_HANDLE;
		bad |= cpg_dispatch(h, CS_DISPATCH_ALL) != CS_ERR_BAD_HANDLE;
		bad |= cpg_join(h, &g) != CS_ERR_BAD_HANDLE;
		bad |= cpg_mcast_joined(h, CPG_TYPE_AGREED, &iov, 1) != CS_ERR_BAD_HANDLE;
		bad |= (fcntl(fd, F_GETFD) != -1) << 1;	/* our copy is closed */
		bad |= (cpg_finalize(h) != CS_OK) << 2;
		bad |= (cpg_finalize(h) != CS_ERR_BAD_HANDLE) << 2;
		/* A new handle in the child works. */
		bad |= (cpg_initialize(&h2, NULL) != CS_OK) << 3;
		bad |= (cpg_fd_get(h2, &newfd) != CS_OK) << 3;
		_exit(bad);
	}
	CHECK_EQ(waitpid(pid, &status, 0), pid);
	CHECK(WIFEXITED(status));
	CHECK_EQ(WEXITSTATUS(status), 0);
	/* The parent is unaffected. */
	CHECK_EQ(cpg_dispatch(h, CS_DISPATCH_ALL), CS_OK);
	CHECK_EQ(n_seen, 1);
	CHECK(fcntl(fd, F_GETFD) != -1);
	CHECK_EQ(cpg_finalize(h), CS_OK);
}

static const struct unit_case cases[] = {
	UNIT_CASE(dispatch_all_in_order_from_ring),
	UNIT_CASE(dispatch_one_takes_one),
	UNIT_CASE(dispatch_across_wraps),
	UNIT_CASE(dispatch_all_is_bounded),
	UNIT_CASE(dispatch_kicks_backlog),
	UNIT_CASE(dispatch_reports_expulsion),
	UNIT_CASE(dispatch_dead_without_record),
	UNIT_CASE(dispatch_corrupt_ring),
	UNIT_CASE(finalize_inside_callback),
	UNIT_CASE(fork_inside_callback),
	UNIT_CASE(dispatch_from_own_callback_refused),
	UNIT_CASE(copy_deliver_gives_private_copy),
	UNIT_CASE(dispatch_one_waits_for_event),
	UNIT_CASE(finalize_wakes_blocked_dispatch),
	UNIT_CASE(dispatch_with_concurrent_sender),
	UNIT_CASE(child_cannot_use_inherited_handle),
};

UNIT_MAIN("fake_dispatch", cases)
