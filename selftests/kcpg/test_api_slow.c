// SPDX-License-Identifier: GPL-2.0
/*
 * A slow consumer: a member that never dispatches while the group floods.
 * The sender is never blocked; the slow member is expelled with PROCDOWN,
 * at the same point of the stream for every other member; the slow member
 * first gets a gap-free prefix of the stream, then cpg_dispatch() reports
 * the expulsion (CS_ERR_FAILED_OPERATION, see cpg.h), and its handle stays
 * valid until finalized.
 */
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <sys/wait.h>

#include "kcpg_harness.h"
#include "ulib_test.h"

#define GROUP		"slow-consumer"
#define MSG_PAYLOAD	(64 * 1024)
#define MAX_SENDS	20000	/* far more than ring + backlog can hold */

struct report {
	int error;
	pid_t slow_pid;
	uint32_t expel_pos;		/* messages seen before the expel confchg */
	uint32_t expel_reason;
	uint32_t slow_received;
	uint32_t slow_gaps;
	int slow_last_result;
	int slow_send_result;
	int slow_finalize_result;
};

/* Index of the confchg in which pid left, counted in messages before it. */
static int expel_position(const struct ut_rec *rec, pid_t pid, uint32_t *pos, uint32_t *reason)
{
	uint32_t msgs = 0;
	size_t i;

	for (i = 0; i < rec->n; i++) {
		const struct ut_event *e = &rec->ev[i];
		uint32_t k;

		if (e->kind == 'm')
			msgs++;
		if (e->kind != 'c')
			continue;
		for (k = 0; k < e->n_left && k < 16; k++) {
			if (e->left[k].pid == (uint32_t)pid) {
				*pos = msgs;
				*reason = e->left[k].reason;
				return 0;
			}
		}
	}
	return -1;
}

static bool saw_end(struct ut_rec *rec, void *arg)
{
	const struct ut_event *e = ut_last(rec, 'm');

	return e && e->len == 3 && e->hash == ut_hash("END", 3, 0);
}

static void slow_member(struct report *r, int ready, int go)
{
	struct iovec iov = { .iov_base = "x", .iov_len = 1 };
	struct ut_rec rec;
	cs_error_t res;
	uint32_t next = 0;
	size_t i;
	char x;

	ut_close_fds_except(ready, go);
	if (ut_open(&rec, 0) != CS_OK || ut_join(rec.handle, GROUP) != CS_OK)
		_exit(1);
	(void)!write(ready, "s", 1);
	(void)!read(go, &x, 1);		/* never dispatch until told */
	do {
		res = cpg_dispatch(rec.handle, CS_DISPATCH_ALL);
	} while (res == CS_OK);
	r->slow_last_result = res;
	r->slow_send_result = cpg_mcast_joined(rec.handle, CPG_TYPE_AGREED, &iov, 1);
	for (i = 0; i < rec.n; i++) {
		if (rec.ev[i].kind != 'm')
			continue;
		r->slow_received++;
		if (!rec.ev[i].intact || rec.ev[i].seq != next)
			r->slow_gaps++;
		next = rec.ev[i].seq + 1;
	}
	r->slow_finalize_result = cpg_finalize(rec.handle);
	_exit(0);
}

static void watcher(struct report *r, int ready)
{
	uint32_t three = 3;
	struct ut_rec rec;

	ut_close_fds_except(ready, -1);
	/* A big ring: this member must keep up, whatever the emulation speed. */
	setenv("KCPG_RING_SIZE", "64M", 1);
	if (ut_open(&rec, 0) != CS_OK || ut_join(rec.handle, GROUP) != CS_OK)
		_exit(1);
	(void)!write(ready, "w", 1);
	/*
	 * The sender starts when it sees three members, and one dispatch
	 * here may deliver that view and the slow member's expulsion both.
	 */
	if (ut_dispatch_until(&rec, ut_saw_members, &three, UT_TIMEOUT_MS, NULL) ||
	    ut_dispatch_until(&rec, saw_end, NULL, 10 * UT_TIMEOUT_MS, NULL))
		r->error = 1;
	else if (expel_position(&rec, r->slow_pid, &r->expel_pos, &r->expel_reason))
		r->error = 2;
	cpg_finalize(rec.handle);
	_exit(0);
}

TEST(slow_consumer_is_expelled_and_sender_never_blocks)
{
	struct report *rep = ut_shared(2 * sizeof(*rep));	/* [0] watcher, [1] slow */
	uint8_t *buf = malloc(sizeof(struct ut_msg) + MSG_PAYLOAD);
	int ready[2], go[2], status;
	uint64_t worst = 0;
	uint32_t three = 3, seq, pos = 0, reason = 0, after = 0;
	struct ut_rec rec;
	pid_t slow, watch;
	char x;

	ASSERT_NE(NULL, rep);
	ASSERT_NE(NULL, buf);
	ASSERT_EQ(0, pipe(ready));
	ASSERT_EQ(0, pipe(go));
	slow = fork();
	ASSERT_GE(slow, 0);
	if (slow == 0)
		slow_member(&rep[1], ready[1], go[0]);
	ASSERT_EQ(1, read(ready[0], &x, 1));
	rep[0].slow_pid = slow;
	watch = fork();
	ASSERT_GE(watch, 0);
	if (watch == 0)
		watcher(&rep[0], ready[1]);
	ASSERT_EQ(1, read(ready[0], &x, 1));

	setenv("KCPG_RING_SIZE", "64M", 1);
	ASSERT_EQ(CS_OK, ut_open(&rec, 0));
	unsetenv("KCPG_RING_SIZE");
	ASSERT_EQ(CS_OK, ut_join(rec.handle, GROUP));
	ASSERT_EQ(0, ut_dispatch_until(&rec, ut_has_members, &three, UT_TIMEOUT_MS, NULL));
	for (seq = 0; seq < MAX_SENDS && after < 20; seq++) {
		size_t len = ut_msg_build(buf, 0, seq, MSG_PAYLOAD);
		struct iovec iov = { .iov_base = buf, .iov_len = len };
		uint64_t t0 = ut_now_ms(), t;

		/* Never TRY_AGAIN forever, never stuck: one call, one answer. */
		ASSERT_EQ(CS_OK, cpg_mcast_joined(rec.handle, CPG_TYPE_AGREED, &iov, 1));
		t = ut_now_ms() - t0;
		if (t > worst)
			worst = t;
		ASSERT_EQ(CS_OK, cpg_dispatch(rec.handle, CS_DISPATCH_ALL));
		if (!pos && expel_position(&rec, slow, &pos, &reason) == 0)
			after = 1;
		else if (after)
			after++;
		usleep(1000);	/* a flood, but one the watcher can follow */
	}
	TH_LOG("sent %u messages of %d KiB, slowest send %llu ms, expelled after %u",
	       seq, MSG_PAYLOAD / 1024, (unsigned long long)worst, pos);
	ASSERT_NE(0, after);			/* the slow member was expelled */
	EXPECT_EQ(CPG_REASON_PROCDOWN, reason);
	EXPECT_LT(worst, 10000);
	{
		struct iovec end = { .iov_base = "END", .iov_len = 3 };

		ASSERT_EQ(CS_OK, cpg_mcast_joined(rec.handle, CPG_TYPE_AGREED, &end, 1));
	}
	waitpid(watch, &status, 0);
	EXPECT_EQ(0, rep[0].error);
	EXPECT_EQ(pos, rep[0].expel_pos);	/* the same point for everyone */
	EXPECT_EQ(CPG_REASON_PROCDOWN, rep[0].expel_reason);

	/* Now the slow member reads what it had: a prefix, then the verdict. */
	ASSERT_EQ(1, write(go[1], "g", 1));
	waitpid(slow, &status, 0);
	EXPECT_TRUE(WIFEXITED(status) && WEXITSTATUS(status) == 0);
	EXPECT_EQ(CS_ERR_FAILED_OPERATION, rep[1].slow_last_result);
	EXPECT_EQ(CS_ERR_FAILED_OPERATION, rep[1].slow_send_result);
	EXPECT_EQ(CS_OK, rep[1].slow_finalize_result);
	EXPECT_GT(rep[1].slow_received, 0);
	EXPECT_LE(rep[1].slow_received, pos);
	EXPECT_EQ(0, rep[1].slow_gaps);
	TH_LOG("slow member got %u messages before its expulsion", rep[1].slow_received);
	ASSERT_EQ(CS_OK, cpg_finalize(rec.handle));
	ut_rec_free(&rec);
	free(buf);
}

TEST_HARNESS_MAIN
