// SPDX-License-Identifier: GPL-2.0
/*
 * Membership changes against the real module: the contents and order of
 * confchg events (joins, leave, PROCDOWN on kill -9, on exit without
 * finalize, on finalize), and confchgs totally ordered with the messages:
 * members that join while others send see, from their join on, exactly the
 * stream the earlier members see.
 */
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <sys/wait.h>

#include "kcpg_harness.h"
#include "ulib_test.h"

/*
 * A child that joins group, reports 'j' on pipe wr, then obeys one byte on
 * rd: 'e' exit at once, 'l' leave, 'f' finalize (then report 'd' and wait).
 */
static pid_t spawn_member(const char *group, int wr, int rd)
{
	pid_t pid = fork();

	if (pid == 0) {
		struct cpg_name g = ut_name(group);
		cpg_handle_t h;
		char x;

		ut_close_fds_except(wr, rd);
		if (cpg_initialize(&h, NULL) != CS_OK || cpg_join(h, &g) != CS_OK)
			_exit(1);
		(void)!write(wr, "j", 1);
		if (read(rd, &x, 1) != 1)
			_exit(2);
		if (x == 'e')
			_exit(0);	/* no finalize, no leave */
		if (x == 'l')
			cpg_leave(h, &g);
		if (x == 'f')
			cpg_finalize(h);
		(void)!write(wr, "d", 1);
		(void)!read(rd, &x, 1);
		_exit(0);
	}
	return pid;
}

static bool sorted(const struct ut_event *e)
{
	uint32_t i;

	for (i = 1; i < e->n_members && i < 16; i++) {
		const struct cpg_address *a = &e->members[i - 1], *b = &e->members[i];

		if (a->nodeid > b->nodeid || (a->nodeid == b->nodeid && a->pid >= b->pid))
			return false;
	}
	return true;
}

TEST(confchg_contents_and_order)
{
	const char *group = "confchg-order";
	int up[2], down1[2], down2[2];
	struct ut_rec rec;
	unsigned int node;
	pid_t c1, c2;
	size_t n, i;
	char x;
	int status;

	ASSERT_EQ(CS_OK, ut_open(&rec, 0));
	ASSERT_EQ(CS_OK, cpg_local_get(rec.handle, &node));
	ASSERT_EQ(CS_OK, ut_join(rec.handle, group));
	ASSERT_EQ(0, pipe(up));
	ASSERT_EQ(0, pipe(down1));
	ASSERT_EQ(0, pipe(down2));

	c1 = spawn_member(group, up[1], down1[0]);
	ASSERT_EQ(1, read(up[0], &x, 1));
	c2 = spawn_member(group, up[1], down2[0]);
	ASSERT_EQ(1, read(up[0], &x, 1));
	ASSERT_EQ(1, write(down1[1], "l", 1));		/* c1 leaves */
	ASSERT_EQ(1, read(up[0], &x, 1));
	kill(c2, SIGKILL);				/* c2 dies */
	waitpid(c2, &status, 0);

	n = 5;
	ASSERT_EQ(0, ut_dispatch_until(&rec, ut_has_confchgs, &n, UT_TIMEOUT_MS, NULL));
	ASSERT_EQ(5, rec.n);
	for (i = 0; i < 5; i++) {
		ASSERT_EQ('c', rec.ev[i].kind);
		EXPECT_TRUE(sorted(&rec.ev[i]));
		EXPECT_EQ(strlen(group), rec.ev[i].group.length);
	}
	/* 0: our join */
	EXPECT_EQ(1, rec.ev[0].n_members);
	EXPECT_TRUE(ut_in_list(rec.ev[0].joined, rec.ev[0].n_joined, node, getpid(), CPG_REASON_JOIN));
	/* 1: c1 joins */
	EXPECT_EQ(2, rec.ev[1].n_members);
	EXPECT_EQ(0, rec.ev[1].n_left);
	ASSERT_EQ(1, rec.ev[1].n_joined);
	EXPECT_TRUE(ut_in_list(rec.ev[1].joined, 1, node, c1, CPG_REASON_JOIN));
	EXPECT_TRUE(ut_in_list(rec.ev[1].members, 2, node, c1, 0));
	EXPECT_TRUE(ut_in_list(rec.ev[1].members, 2, node, getpid(), 0));
	/* 2: c2 joins */
	EXPECT_EQ(3, rec.ev[2].n_members);
	EXPECT_TRUE(ut_in_list(rec.ev[2].joined, rec.ev[2].n_joined, node, c2, CPG_REASON_JOIN));
	/* 3: c1 leaves */
	EXPECT_EQ(2, rec.ev[3].n_members);
	EXPECT_EQ(0, rec.ev[3].n_joined);
	ASSERT_EQ(1, rec.ev[3].n_left);
	EXPECT_TRUE(ut_in_list(rec.ev[3].left, 1, node, c1, CPG_REASON_LEAVE));
	EXPECT_FALSE(ut_in_list(rec.ev[3].members, 2, node, c1, 0));
	/* 4: c2 killed: PROCDOWN */
	EXPECT_EQ(1, rec.ev[4].n_members);
	ASSERT_EQ(1, rec.ev[4].n_left);
	EXPECT_TRUE(ut_in_list(rec.ev[4].left, 1, node, c2, CPG_REASON_PROCDOWN));
	EXPECT_TRUE(ut_in_list(rec.ev[4].members, 1, node, getpid(), 0));

	ASSERT_EQ(1, write(down1[1], "x", 1));
	waitpid(c1, &status, 0);
	EXPECT_TRUE(WIFEXITED(status) && WEXITSTATUS(status) == 0);
	ASSERT_EQ(CS_OK, cpg_finalize(rec.handle));
	ut_rec_free(&rec);
}

/* How a member goes away, and the reason the others must see. */
static void expect_departure(struct __test_metadata *_metadata, const char *group,
			     char how, uint32_t reason, uint32_t alt_reason)
{
	int up[2], down[2], status;
	struct ut_rec rec;
	const struct ut_event *e;
	unsigned int node;
	size_t n = 3;
	pid_t c;
	char x;

	ASSERT_EQ(CS_OK, ut_open(&rec, 0));
	ASSERT_EQ(CS_OK, cpg_local_get(rec.handle, &node));
	ASSERT_EQ(CS_OK, ut_join(rec.handle, group));
	ASSERT_EQ(0, pipe(up));
	ASSERT_EQ(0, pipe(down));
	c = spawn_member(group, up[1], down[0]);
	ASSERT_EQ(1, read(up[0], &x, 1));
	switch (how) {
	case 'k':
		kill(c, SIGKILL);
		break;
	case 'e':
		ASSERT_EQ(1, write(down[1], "e", 1));	/* exits without finalize */
		break;
	case 'f':
		/* finalize, then stay alive: the leave is not the exit */
		ASSERT_EQ(1, write(down[1], "f", 1));
		ASSERT_EQ(1, read(up[0], &x, 1));
		break;
	}
	ASSERT_EQ(0, ut_dispatch_until(&rec, ut_has_confchgs, &n, UT_TIMEOUT_MS, NULL));
	e = ut_last(&rec, 'c');
	EXPECT_EQ(1, e->n_members);
	ASSERT_EQ(1, e->n_left);
	EXPECT_EQ(c, e->left[0].pid);
	EXPECT_EQ(node, e->left[0].nodeid);
	EXPECT_TRUE(e->left[0].reason == reason || e->left[0].reason == alt_reason);
	if (how == 'f') {
		EXPECT_EQ(0, waitpid(c, &status, WNOHANG));	/* still alive */
		ASSERT_EQ(1, write(down[1], "x", 1));
	}
	waitpid(c, &status, 0);
	ASSERT_EQ(CS_OK, cpg_finalize(rec.handle));
	ut_rec_free(&rec);
}

TEST(procdown_on_kill_9)
{
	expect_departure(_metadata, "confchg-kill", 'k', CPG_REASON_PROCDOWN, CPG_REASON_PROCDOWN);
}

TEST(procdown_on_exit_without_finalize)
{
	expect_departure(_metadata, "confchg-exit", 'e', CPG_REASON_PROCDOWN, CPG_REASON_PROCDOWN);
}

TEST(finalize_leaves_while_process_lives)
{
	/* corosync reports PROCDOWN here; a LEAVE would be as good. */
	expect_departure(_metadata, "confchg-finalize", 'f', CPG_REASON_PROCDOWN, CPG_REASON_LEAVE);
}

/* ---- confchgs in the message stream --------------------------------- */

#define STREAM_MEMBERS	3
#define STREAM_MAX	4096
#define AFTER_ALL	60

struct stream {
	pid_t pid;
	int error;
	uint32_t n;
	uint64_t ev[STREAM_MAX];
};

static bool is_done(const struct ut_event *e)
{
	return e->kind == 'm' && e->len == 4 && e->hash == ut_hash("DONE", 4, 0);
}

static bool all_done(struct ut_rec *rec, void *arg)
{
	size_t i, n = 0;

	for (i = 0; i < rec->n; i++)
		n += is_done(&rec->ev[i]);
	return n == STREAM_MEMBERS;
}

/*
 * Join, keep sending until everyone is in, then AFTER_ALL more and DONE;
 * record the stream up to the last member's DONE.
 */
static void stream_member(struct stream *s, const char *group, int started)
{
	struct ut_rec rec;
	uint32_t seq = 0, i, dones = 0, after = 0;
	bool everyone = false;
	char buf[64];

	s->pid = getpid();
	if (ut_open(&rec, 0) != CS_OK || ut_join(rec.handle, group) != CS_OK) {
		s->error = 1;
		return;
	}
	for (;;) {
		size_t len = ut_msg_build(buf, getpid(), seq++, 16);

		if (ut_send(&rec, CPG_TYPE_AGREED, buf, len) != CS_OK) {
			s->error = 2;
			return;
		}
		if (seq == 1)
			(void)!write(started, "s", 1);
		cpg_dispatch(rec.handle, CS_DISPATCH_ALL);
		if (rec.members_now == STREAM_MEMBERS)
			everyone = true;
		if (!everyone)
			usleep(2000);
		else if (++after == AFTER_ALL)
			break;
	}
	if (ut_send(&rec, CPG_TYPE_AGREED, "DONE", 4) != CS_OK ||
	    ut_dispatch_until(&rec, all_done, NULL, UT_TIMEOUT_MS, NULL)) {
		s->error = 3;
		return;
	}
	for (i = 0; i < rec.n && s->n < STREAM_MAX; i++) {
		const struct ut_event *e = &rec.ev[i];

		s->ev[s->n++] = ut_hash(&e->pid, sizeof(e->pid), e->hash ^ (uint64_t)e->kind);
		if (is_done(e) && ++dones == STREAM_MEMBERS)
			break;
	}
	cpg_finalize(rec.handle);
}

TEST(confchg_totally_ordered_with_messages)
{
	struct stream *s = ut_shared(STREAM_MEMBERS * sizeof(*s));
	int started[2], status, i, j;
	pid_t pids[STREAM_MEMBERS];
	char x;

	ASSERT_NE(NULL, s);
	ASSERT_EQ(0, pipe(started));
	/* Each joins while the earlier ones are sending. */
	for (i = 0; i < STREAM_MEMBERS; i++) {
		pids[i] = fork();
		ASSERT_GE(pids[i], 0);
		if (pids[i] == 0) {
			stream_member(&s[i], "confchg-stream", started[1]);
			_exit(0);
		}
		ASSERT_EQ(1, read(started[0], &x, 1));
		usleep(50000);
	}
	for (i = 0; i < STREAM_MEMBERS; i++)
		waitpid(pids[i], &status, 0);
	for (i = 0; i < STREAM_MEMBERS; i++) {
		EXPECT_EQ(0, s[i].error);
		EXPECT_LT(s[i].n, STREAM_MAX);
		TH_LOG("member %d: %u events", i, s[i].n);
	}
	/* From a later member's join on, an earlier member saw the same stream. */
	for (i = 0; i < STREAM_MEMBERS; i++) {
		for (j = i + 1; j < STREAM_MEMBERS; j++) {
			uint32_t k, at = s[i].n;

			for (k = 0; k < s[i].n; k++)
				if (s[i].ev[k] == s[j].ev[0])
					at = k;
			ASSERT_LT(at, s[i].n);	/* i saw j's join */
			EXPECT_GT(at, 1);		/* and messages before it */
			ASSERT_EQ(s[i].n - at, s[j].n);
			EXPECT_EQ(0, memcmp(&s[i].ev[at], s[j].ev, s[j].n * sizeof(uint64_t)));
		}
	}
}

TEST_HARNESS_MAIN
