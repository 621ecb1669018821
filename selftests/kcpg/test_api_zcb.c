// SPDX-License-Identifier: GPL-2.0
/*
 * Zero-copy sends through the library against the real module: rewriting a
 * buffer right after cpg_zcb_mcast_joined() must not change what any
 * receiver gets; the zcb path copies nothing on the sender's side (the
 * module's copy counters); buffers of every size work, including larger
 * than the shared pool; and allocation is safe from several threads.
 */
#include <pthread.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <sys/ioctl.h>
#include <sys/wait.h>
#include <linux/kcpg.h>

#include "kcpg_harness.h"
#include "ulib_test.h"

#define ROUNDS	200

static void fill(void *buf, size_t len, uint32_t round)
{
	uint8_t *p = buf;
	uint32_t x = round * 2654435761u + 1;
	size_t i;

	for (i = 0; i < len; i++) {
		x = x * 1103515245 + 12345;
		p[i] = (uint8_t)(x >> 16);
	}
}

static size_t round_len(uint32_t round)
{
	return 1 + (round * 7919u) % 65536;
}

/* A receiver in another process: checks every round's bytes. */
static void receiver(const char *group, int ready, int *bad)
{
	size_t want = ROUNDS, i, k = 0;
	uint32_t two = 2;
	struct ut_rec rec;
	void *expect = malloc(65536);

	ut_close_fds_except(ready, -1);
	*bad = 100;
	if (!expect || ut_open(&rec, 0) != CS_OK || ut_join(rec.handle, group) != CS_OK)
		return;
	(void)!write(ready, "r", 1);
	if (ut_dispatch_until(&rec, ut_has_members, &two, UT_TIMEOUT_MS, NULL) ||
	    ut_dispatch_until(&rec, ut_has_msgs, &want, UT_TIMEOUT_MS, NULL))
		return;
	*bad = 0;
	for (i = 0; i < rec.n; i++) {
		if (rec.ev[i].kind != 'm')
			continue;
		fill(expect, round_len(k), k);
		if (rec.ev[i].len != round_len(k) ||
		    rec.ev[i].hash != ut_hash(expect, round_len(k), 0))
			(*bad)++;
		k++;
	}
	cpg_finalize(rec.handle);
}

TEST(rewrite_right_after_send)
{
	const char *group = "zcb-rewrite";
	int *bad = ut_shared(sizeof(int));
	int ready[2], status, self_bad = 0;
	uint32_t two = 2, r;
	struct ut_rec rec;
	void *buf[2], *expect = malloc(65536);
	size_t want = ROUNDS, i, k = 0;
	pid_t pid;
	char x;

	ASSERT_NE(NULL, bad);
	ASSERT_NE(NULL, expect);
	ASSERT_EQ(0, pipe(ready));
	pid = fork();
	ASSERT_GE(pid, 0);
	if (pid == 0) {
		receiver(group, ready[1], bad);
		_exit(0);
	}
	ASSERT_EQ(1, read(ready[0], &x, 1));
	ASSERT_EQ(CS_OK, ut_open(&rec, 0));
	ASSERT_EQ(CS_OK, ut_join(rec.handle, group));
	ASSERT_EQ(0, ut_dispatch_until(&rec, ut_has_members, &two, UT_TIMEOUT_MS, NULL));
	ASSERT_EQ(CS_OK, cpg_zcb_alloc(rec.handle, 65536, &buf[0]));
	ASSERT_EQ(CS_OK, cpg_zcb_alloc(rec.handle, 65536, &buf[1]));
	for (r = 0; r < ROUNDS; r++) {
		void *b = buf[r % 2];

		fill(b, round_len(r), r);
		ASSERT_EQ(CS_OK, cpg_zcb_mcast_joined(rec.handle, CPG_TYPE_AGREED, b, round_len(r)));
		/* The promise: the buffer is ours again right away. */
		memset(b, 0xff, 65536);
		if (r % 8 == 0)
			cpg_dispatch(rec.handle, CS_DISPATCH_ALL);
	}
	ASSERT_EQ(0, ut_dispatch_until(&rec, ut_has_msgs, &want, UT_TIMEOUT_MS, NULL));
	for (i = 0; i < rec.n; i++) {
		if (rec.ev[i].kind != 'm')
			continue;
		fill(expect, round_len(k), k);
		if (rec.ev[i].len != round_len(k) || rec.ev[i].hash != ut_hash(expect, round_len(k), 0))
			self_bad++;
		k++;
	}
	EXPECT_EQ(ROUNDS, k);
	EXPECT_EQ(0, self_bad);
	waitpid(pid, &status, 0);
	EXPECT_EQ(0, *bad);
	ASSERT_EQ(CS_OK, cpg_zcb_free(rec.handle, buf[0]));
	ASSERT_EQ(CS_OK, cpg_zcb_free(rec.handle, buf[1]));
	ASSERT_EQ(CS_OK, cpg_finalize(rec.handle));
	ut_rec_free(&rec);
	free(expect);
}

static struct kcpg_copy_stats stats(cpg_handle_t h)
{
	struct kcpg_copy_stats st;
	int fd;

	memset(&st, 0, sizeof(st));
	if (cpg_fd_get(h, &fd) == CS_OK)
		ioctl(fd, KCPG_IOC_COPY_STATS, &st);
	return st;
}

TEST(zcb_path_copies_nothing_on_the_sender_side)
{
	const size_t len = 10240, count = 100;
	struct kcpg_copy_stats a, b, c;
	struct iovec iov;
	struct ut_rec rec;
	size_t i, want;
	void *buf;

	ASSERT_EQ(CS_OK, ut_open(&rec, 0));
	ASSERT_EQ(CS_OK, ut_join(rec.handle, "zcb-copies"));
	ASSERT_EQ(CS_OK, cpg_zcb_alloc(rec.handle, len, &buf));
	memset(buf, 'z', len);
	a = stats(rec.handle);
	for (i = 0; i < count; i++)
		ASSERT_EQ(CS_OK, cpg_zcb_mcast_joined(rec.handle, CPG_TYPE_AGREED, buf, len));
	b = stats(rec.handle);
	EXPECT_EQ(0, b.sender_bytes - a.sender_bytes);
	EXPECT_EQ(count, b.zcb_sends - a.zcb_sends);
	EXPECT_EQ(0, b.copy_sends - a.copy_sends);
	/* One copy into the one receiver's ring, none retained. */
	EXPECT_EQ(count * len, b.ring_bytes - a.ring_bytes);
	EXPECT_EQ(0, b.retained_bytes - a.retained_bytes);
	want = count;
	ASSERT_EQ(0, ut_dispatch_until(&rec, ut_has_msgs, &want, UT_TIMEOUT_MS, NULL));

	/* The copying path, for contrast: one sender copy per send. */
	iov.iov_base = buf;
	iov.iov_len = len;
	for (i = 0; i < count; i++)
		ASSERT_EQ(CS_OK, cpg_mcast_joined(rec.handle, CPG_TYPE_AGREED, &iov, 1));
	c = stats(rec.handle);
	EXPECT_EQ(count * len, c.sender_bytes - b.sender_bytes);
	EXPECT_EQ(count, c.copy_sends - b.copy_sends);
	ASSERT_EQ(CS_OK, cpg_finalize(rec.handle));
	ut_rec_free(&rec);
}

TEST(sizes_up_to_max_and_beyond_the_pool)
{
	struct ut_rec rec;
	uint32_t max;
	size_t want = 0, sizes[] = { 0, 1, 63, 64, 65, 4096, 100000 };
	void *buf, *big;
	unsigned int i;

	ASSERT_EQ(CS_OK, ut_open(&rec, 0));
	ASSERT_EQ(CS_OK, ut_join(rec.handle, "zcb-sizes"));
	ASSERT_EQ(CS_OK, cpg_max_atomic_msgsize_get(rec.handle, &max));
	for (i = 0; i < sizeof(sizes) / sizeof(sizes[0]); i++) {
		ASSERT_EQ(CS_OK, cpg_zcb_alloc(rec.handle, sizes[i], &buf));
		fill(buf, sizes[i], i);
		ASSERT_EQ(CS_OK, cpg_zcb_mcast_joined(rec.handle, CPG_TYPE_AGREED, buf, sizes[i]));
		want++;
		ASSERT_EQ(0, ut_dispatch_until(&rec, ut_has_msgs, &want, UT_TIMEOUT_MS, NULL));
		EXPECT_EQ(sizes[i], ut_last(&rec, 'm')->len);
		EXPECT_EQ(ut_hash(buf, sizes[i], 0), ut_last(&rec, 'm')->hash);
		ASSERT_EQ(CS_OK, cpg_zcb_free(rec.handle, buf));
	}
	/* The largest message, and a buffer larger than any pool. */
	ASSERT_EQ(CS_OK, cpg_zcb_alloc(rec.handle, max, &buf));
	fill(buf, max, 99);
	ASSERT_EQ(CS_OK, cpg_zcb_mcast_joined(rec.handle, CPG_TYPE_AGREED, buf, max));
	want++;
	ASSERT_EQ(0, ut_dispatch_until(&rec, ut_has_msgs, &want, UT_TIMEOUT_MS, NULL));
	EXPECT_EQ(ut_hash(buf, max, 0), ut_last(&rec, 'm')->hash);
	ASSERT_EQ(CS_OK, cpg_zcb_free(rec.handle, buf));
	ASSERT_EQ(CS_OK, cpg_zcb_alloc(rec.handle, (size_t)max + 1, &buf));
	EXPECT_EQ(CS_ERR_TOO_BIG, cpg_zcb_mcast_joined(rec.handle, CPG_TYPE_AGREED, buf, (size_t)max + 1));
	ASSERT_EQ(CS_OK, cpg_zcb_free(rec.handle, buf));
	/* Larger than the default pool (4 MiB): still a usable buffer. */
	ASSERT_EQ(CS_OK, cpg_zcb_alloc(rec.handle, 16u << 20, &big));
	memset(big, 'b', 16u << 20);
	ASSERT_EQ(CS_OK, cpg_zcb_mcast_joined(rec.handle, CPG_TYPE_AGREED, (char *)big + 1000, 5000));
	want++;
	ASSERT_EQ(0, ut_dispatch_until(&rec, ut_has_msgs, &want, UT_TIMEOUT_MS, NULL));
	EXPECT_EQ(5000, ut_last(&rec, 'm')->len);
	ASSERT_EQ(CS_OK, cpg_zcb_free(rec.handle, big));
	ASSERT_EQ(CS_OK, cpg_finalize(rec.handle));
	ut_rec_free(&rec);
}

struct churn {
	cpg_handle_t h;
	uint8_t id;
	int bad;
};

static void *churn_thread(void *arg)
{
	struct churn *c = arg;
	void *bufs[8] = { 0 };
	size_t lens[8];
	unsigned int seed = c->id, i, j, k;

	for (i = 0; i < 3000; i++) {
		k = rand_r(&seed) % 8;

		if (bufs[k]) {
			for (j = 0; j < lens[k]; j++)
				if (((uint8_t *)bufs[k])[j] != c->id)
					c->bad++;
			if (cpg_zcb_free(c->h, bufs[k]) != CS_OK)
				c->bad++;
			bufs[k] = NULL;
		} else {
			lens[k] = 1 + rand_r(&seed) % 200000;
			if (cpg_zcb_alloc(c->h, lens[k], &bufs[k]) != CS_OK) {
				c->bad++;
				bufs[k] = NULL;
				continue;
			}
			memset(bufs[k], c->id, lens[k]);
		}
	}
	for (k = 0; k < 8; k++)
		if (bufs[k] && cpg_zcb_free(c->h, bufs[k]) != CS_OK)
			c->bad++;
	return NULL;
}

TEST(alloc_free_from_several_threads)
{
	struct churn c[4];
	pthread_t th[4];
	cpg_handle_t h;
	int i;

	ASSERT_EQ(CS_OK, cpg_initialize(&h, NULL));
	for (i = 0; i < 4; i++) {
		c[i] = (struct churn){ .h = h, .id = (uint8_t)(i + 1) };
		ASSERT_EQ(0, pthread_create(&th[i], NULL, churn_thread, &c[i]));
	}
	for (i = 0; i < 4; i++) {
		pthread_join(th[i], NULL);
		EXPECT_EQ(0, c[i].bad);
	}
	ASSERT_EQ(CS_OK, cpg_finalize(h));
}

/* testzcgc: buffers never freed, then exit; the next process is fine. */
TEST(buffers_left_at_exit_are_reclaimed)
{
	int round, status;

	for (round = 0; round < 20; round++) {
		pid_t pid = fork();

		ASSERT_GE(pid, 0);
		if (pid == 0) {
			cpg_handle_t h;
			void *b;
			int i;

			if (cpg_initialize(&h, NULL) != CS_OK)
				_exit(1);
			for (i = 0; i < 50; i++)
				if (cpg_zcb_alloc(h, 50000, &b) != CS_OK)
					_exit(2);
			_exit(0);
		}
		waitpid(pid, &status, 0);
		ASSERT_TRUE(WIFEXITED(status));
		ASSERT_EQ(0, WEXITSTATUS(status));
	}
}

TEST_HARNESS_MAIN
