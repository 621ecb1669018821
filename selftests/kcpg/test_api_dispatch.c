// SPDX-License-Identifier: GPL-2.0
/*
 * cpg_dispatch() against the real module: finalize from callbacks and from
 * other threads, the cpgbench shape (BLOCKING dispatch while another thread
 * sends on the same handle), concurrent dispatchers, dispatch from its own
 * callback, and CS_DISPATCH_ALL staying bounded: it comes back while a group
 * floods, and never dispatches what arrived after it started.
 */
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <pthread.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <sys/wait.h>

#include "kcpg_harness.h"
#include "ulib_test.h"

#define GROUP "api-dispatch"

static cs_error_t send_seq(cpg_handle_t h, uint32_t seq)
{
	struct iovec iov = { .iov_base = &seq, .iov_len = sizeof(seq) };
	cs_error_t res;

	while ((res = cpg_mcast_joined(h, CPG_TYPE_AGREED, &iov, 1)) == CS_ERR_TRY_AGAIN)
		usleep(100);
	return res;
}

TEST(finalize_in_callback_every_mode)
{
	static const cs_dispatch_flags_t modes[] = {
		CS_DISPATCH_ONE, CS_DISPATCH_ALL, CS_DISPATCH_BLOCKING, CS_DISPATCH_ONE_NONBLOCKING,
	};
	unsigned int i;

	for (i = 0; i < 4; i++) {
		struct ut_rec rec;
		int fd;

		ASSERT_EQ(CS_OK, ut_open(&rec, 0));
		ASSERT_EQ(CS_OK, ut_join(rec.handle, GROUP));
		ASSERT_EQ(CS_OK, send_seq(rec.handle, 1));
		ASSERT_EQ(CS_OK, send_seq(rec.handle, 2));
		ASSERT_EQ(CS_OK, cpg_fd_get(rec.handle, &fd));
		rec.finalize_after = 0;	/* in the join confchg */
		EXPECT_EQ(CS_ERR_BAD_HANDLE, cpg_dispatch(rec.handle, modes[i]));
		EXPECT_EQ(1, rec.n);
		EXPECT_EQ(CS_ERR_BAD_HANDLE, cpg_dispatch(rec.handle, CS_DISPATCH_ALL));
		EXPECT_EQ(-1, fcntl(fd, F_GETFD));	/* the device is closed now */
		ut_rec_free(&rec);
	}
}

struct later {
	cpg_handle_t h;
	useconds_t delay;
	uint32_t count;
	int failures;
};

static void *finalize_later(void *arg)
{
	struct later *l = arg;

	usleep(l->delay);
	if (cpg_finalize(l->h) != CS_OK)
		l->failures++;
	return NULL;
}

TEST(finalize_from_another_thread_wakes_dispatch)
{
	static const cs_dispatch_flags_t modes[] = { CS_DISPATCH_ONE, CS_DISPATCH_BLOCKING };
	unsigned int i;

	for (i = 0; i < 2; i++) {
		struct ut_rec rec;
		struct later l;
		pthread_t th;

		ASSERT_EQ(CS_OK, ut_open(&rec, 0));
		l = (struct later){ .h = rec.handle, .delay = 200000 };
		ASSERT_EQ(0, pthread_create(&th, NULL, finalize_later, &l));
		EXPECT_EQ(CS_ERR_BAD_HANDLE, cpg_dispatch(rec.handle, modes[i]));
		pthread_join(th, NULL);
		EXPECT_EQ(0, l.failures);
		ut_rec_free(&rec);
	}
}

static void *send_many(void *arg)
{
	struct later *l = arg;
	uint32_t i;

	for (i = 0; i < l->count; i++)
		if (send_seq(l->h, i) != CS_OK)
			l->failures++;
	return NULL;
}

/* cpgbench: BLOCKING dispatch in one thread, a send flood in another. */
TEST(blocking_dispatch_with_concurrent_sender)
{
	const uint32_t count = 20000;
	struct ut_rec rec;
	struct later l;
	pthread_t th;
	size_t i, n = 0;

	ASSERT_EQ(CS_OK, ut_open(&rec, 0));
	ASSERT_EQ(CS_OK, ut_join(rec.handle, GROUP));
	l = (struct later){ .h = rec.handle, .count = count };
	rec.finalize_after = count;	/* join confchg + count messages */
	ASSERT_EQ(0, pthread_create(&th, NULL, send_many, &l));
	EXPECT_EQ(CS_ERR_BAD_HANDLE, cpg_dispatch(rec.handle, CS_DISPATCH_BLOCKING));
	pthread_join(th, NULL);
	EXPECT_EQ(0, l.failures);
	ASSERT_EQ(count, rec.n_msgs);
	for (i = 0; i < rec.n; i++) {
		uint32_t want = (uint32_t)n;

		if (rec.ev[i].kind != 'm')
			continue;
		/* In the order sent, each once. */
		ASSERT_EQ(ut_hash(&want, sizeof(want), 0), rec.ev[i].hash);
		n++;
	}
	ut_rec_free(&rec);
}

struct dispatcher {
	struct ut_rec *rec;
	volatile int *stop;
	int errors;
};

static void *dispatch_loop(void *arg)
{
	struct dispatcher *d = arg;
	struct pollfd pfd = { .events = POLLIN };

	cpg_fd_get(d->rec->handle, &pfd.fd);
	while (!*d->stop) {
		cs_error_t res;

		poll(&pfd, 1, 10);
		res = cpg_dispatch(d->rec->handle, CS_DISPATCH_ALL);
		if (res != CS_OK)
			d->errors++;
	}
	return NULL;
}

/* Two threads dispatching the same handle: callbacks never overlap or repeat. */
TEST(concurrent_dispatchers)
{
	const uint32_t count = 10000;
	volatile int stop = 0;
	struct dispatcher d[2];
	pthread_t th[2];
	struct ut_rec rec;
	uint32_t i, next = 0;
	size_t k;

	ASSERT_EQ(CS_OK, ut_open(&rec, 0));
	ASSERT_EQ(CS_OK, ut_join(rec.handle, GROUP));
	for (i = 0; i < 2; i++) {
		d[i] = (struct dispatcher){ .rec = &rec, .stop = &stop };
		ASSERT_EQ(0, pthread_create(&th[i], NULL, dispatch_loop, &d[i]));
	}
	for (i = 0; i < count; i++)
		ASSERT_EQ(CS_OK, send_seq(rec.handle, i));
	for (i = 0; i < 6000 && rec.n_msgs < count; i++)
		usleep(10000);
	stop = 1;
	pthread_join(th[0], NULL);
	pthread_join(th[1], NULL);
	EXPECT_EQ(0, d[0].errors + d[1].errors);
	ASSERT_EQ(count, rec.n_msgs);
	for (k = 0; k < rec.n; k++) {
		if (rec.ev[k].kind != 'm')
			continue;
		ASSERT_EQ(ut_hash(&next, sizeof(next), 0), rec.ev[k].hash);
		next++;
	}
	ASSERT_EQ(CS_OK, cpg_finalize(rec.handle));
	ut_rec_free(&rec);
}

static cs_error_t nested_result = CS_OK;

static void deliver_nested(cpg_handle_t h, const struct cpg_name *g, uint32_t n, uint32_t p,
			   void *m, size_t l)
{
	nested_result = cpg_dispatch(h, CS_DISPATCH_ALL);
}

TEST(dispatch_from_own_callback_is_refused)
{
	cpg_callbacks_t cb = { .cpg_deliver_fn = deliver_nested };
	struct cpg_name g = ut_name(GROUP);
	cpg_handle_t h;

	ASSERT_EQ(CS_OK, cpg_initialize(&h, &cb));
	ASSERT_EQ(CS_OK, cpg_join(h, &g));
	ASSERT_EQ(CS_OK, send_seq(h, 1));
	ASSERT_EQ(CS_OK, cpg_dispatch(h, CS_DISPATCH_ALL));
	EXPECT_EQ(CS_ERR_BAD_OPERATION, nested_result);
	ASSERT_EQ(CS_OK, cpg_finalize(h));
}

static void deliver_count(cpg_handle_t h, const struct cpg_name *g, uint32_t n, uint32_t p,
			  void *m, size_t l)
{
	size_t *count;

	cpg_context_get(h, (void **)&count);
	(*count)++;
}

/*
 * A process floods the group without end; CS_DISPATCH_ALL must still come
 * back (corosync's can run for as long as the flood lasts).
 */
TEST(dispatch_all_returns_under_flood)
{
	cpg_model_v1_data_t m = { .model = CPG_MODEL_V1, .cpg_deliver_fn = deliver_count };
	struct cpg_name g = ut_name(GROUP "-flood");
	int go[2], status, calls;
	size_t count = 0;
	cpg_handle_t h;
	pid_t pid;
	char x;

	ASSERT_EQ(CS_OK, cpg_model_initialize(&h, CPG_MODEL_V1, (cpg_model_data_t *)&m, &count));
	ASSERT_EQ(CS_OK, cpg_join(h, &g));
	ASSERT_EQ(0, pipe(go));
	pid = fork();
	ASSERT_GE(pid, 0);
	if (pid == 0) {
		char buf[512] = { 0 };
		struct iovec iov = { .iov_base = buf, .iov_len = sizeof(buf) };
		cpg_handle_t c;

		ut_close_fds_except(go[1], -1);
		if (cpg_initialize(&c, NULL) != CS_OK || cpg_join(c, &g) != CS_OK)
			_exit(1);
		(void)!write(go[1], "g", 1);
		for (;;) {
			cpg_mcast_joined(c, CPG_TYPE_AGREED, &iov, 1);
			cpg_dispatch(c, CS_DISPATCH_ALL);
			usleep(200);	/* a flood this member's ring can take */
		}
	}
	ASSERT_EQ(1, read(go[0], &x, 1));
	alarm(300);	/* an unbounded ALL would never come back */
	for (calls = 0; calls < 50; calls++) {
		ASSERT_EQ(CS_OK, cpg_dispatch(h, CS_DISPATCH_ALL));
		usleep(20000);
	}
	alarm(0);
	kill(pid, SIGKILL);
	waitpid(pid, &status, 0);
	EXPECT_GT(count, 0);
	ASSERT_EQ(CS_OK, cpg_finalize(h));
}

#define CHAIN	20

static void deliver_and_send_another(cpg_handle_t h, const struct cpg_name *g, uint32_t n,
				     uint32_t p, void *m, size_t l)
{
	size_t *count;

	cpg_context_get(h, (void **)&count);
	if (++*count < CHAIN)
		send_seq(h, (uint32_t)*count);
}

/*
 * Each delivery sends the next message: one CS_DISPATCH_ALL call must not
 * follow the chain (what it dispatches was queued before it started).
 */
TEST(dispatch_all_stops_at_what_was_queued)
{
	cpg_model_v1_data_t m = { .model = CPG_MODEL_V1,
				  .cpg_deliver_fn = deliver_and_send_another };
	struct cpg_name g = ut_name(GROUP "-chain");
	struct pollfd pfd = { .events = POLLIN };
	size_t count = 0, before;
	uint64_t end = ut_now_ms() + UT_TIMEOUT_MS;
	cpg_handle_t h;
	int calls = 0;

	ASSERT_EQ(CS_OK, cpg_model_initialize(&h, CPG_MODEL_V1, (cpg_model_data_t *)&m, &count));
	ASSERT_EQ(CS_OK, cpg_join(h, &g));
	ASSERT_EQ(CS_OK, cpg_fd_get(h, &pfd.fd));
	ASSERT_EQ(CS_OK, send_seq(h, 0));
	while (count < CHAIN && ut_now_ms() < end) {
		poll(&pfd, 1, 1000);
		before = count;
		ASSERT_EQ(CS_OK, cpg_dispatch(h, CS_DISPATCH_ALL));
		EXPECT_LE(count - before, 1);
		calls++;
	}
	EXPECT_EQ(CHAIN, count);
	EXPECT_GE(calls, CHAIN);
	ASSERT_EQ(CS_OK, cpg_finalize(h));
}

TEST_HARNESS_MAIN
