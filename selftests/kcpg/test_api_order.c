// SPDX-License-Identifier: GPL-2.0
/*
 * Ordering across processes: several forked members of one group each send
 * checksummed messages of random sizes; every member reports the order it
 * delivered them in.  AGREED and SAFE: one total order at every member.
 * FIFO: each sender's messages in the order sent.  UNORDERED: each message
 * exactly once.  In every mode nothing is lost, duplicated or corrupted,
 * and the sender's (nodeid, pid) are the ones it has.
 */
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <sys/wait.h>

#include "kcpg_harness.h"
#include "ulib_test.h"

#define MEMBERS		4
#define PER_SENDER	400
#define MAX_PAYLOAD	3000

/* What each member reports; in shared memory. */
struct report {
	pid_t pid;
	uint32_t nodeid;
	int ready;
	uint32_t received;
	uint64_t order_hash;		/* of (sender, seq) in delivery order */
	uint32_t corrupt;		/* checksum, length or header wrong */
	uint32_t wrong_sender;		/* (nodeid, pid) not the sender's */
	uint32_t duplicates;
	uint32_t fifo_violations;	/* a sender's seq out of order */
	uint32_t foreign_group;
	int error;			/* a step that failed, 0 if none */
};

struct shared {
	struct report r[MEMBERS];
	uint8_t seen[MEMBERS][MEMBERS][PER_SENDER];	/* [receiver][sender][seq] */
};

static void member(struct shared *sh, int me, cpg_guarantee_t g, const char *group)
{
	struct report *r = &sh->r[me];
	uint32_t members = MEMBERS, next_seq[MEMBERS] = { 0 };
	size_t want = (size_t)MEMBERS * PER_SENDER, i;
	uint8_t *buf = malloc(sizeof(struct ut_msg) + MAX_PAYLOAD);
	struct ut_rec rec;
	uint32_t seq;

	r->pid = getpid();
	if (!buf || ut_open(&rec, 0) != CS_OK) {
		r->error = 1;
		return;
	}
	cpg_local_get(rec.handle, &r->nodeid);
	if (ut_join(rec.handle, group) != CS_OK) {
		r->error = 2;
		return;
	}
	/* Everyone in before anyone sends: then everyone gets everything. */
	if (ut_dispatch_until(&rec, ut_has_members, &members, UT_TIMEOUT_MS, NULL)) {
		r->error = 3;
		return;
	}
	__atomic_store_n(&r->ready, 1, __ATOMIC_RELEASE);
	srandom(me * 7919 + 1);
	for (seq = 0; seq < PER_SENDER; seq++) {
		size_t len = ut_msg_build(buf, me, seq, random() % MAX_PAYLOAD);

		if (ut_send(&rec, g, buf, len) != CS_OK) {
			r->error = 4;
			return;
		}
		if (seq % 16 == 0)
			cpg_dispatch(rec.handle, CS_DISPATCH_ALL);
	}
	if (ut_dispatch_until(&rec, ut_has_msgs, &want, UT_TIMEOUT_MS, NULL))
		r->error = 5;

	r->order_hash = 0;
	for (i = 0; i < rec.n; i++) {
		const struct ut_event *e = &rec.ev[i];
		uint32_t key[2];

		if (e->kind != 'm')
			continue;
		r->received++;
		if (!e->intact || e->sender >= MEMBERS || e->seq >= PER_SENDER) {
			r->corrupt++;
			continue;
		}
		if (e->group.length != strlen(group) || memcmp(e->group.value, group, e->group.length))
			r->foreign_group++;
		if (e->pid != (uint32_t)__atomic_load_n(&sh->r[e->sender].pid, __ATOMIC_ACQUIRE) ||
		    e->nodeid != r->nodeid)
			r->wrong_sender++;
		if (sh->seen[me][e->sender][e->seq]++)
			r->duplicates++;
		if (e->seq != next_seq[e->sender])
			r->fifo_violations++;
		next_seq[e->sender] = e->seq + 1;
		key[0] = e->sender;
		key[1] = e->seq;
		r->order_hash = ut_hash(key, sizeof(key), r->order_hash);
	}
	cpg_finalize(rec.handle);
	ut_rec_free(&rec);
	free(buf);
}

static struct shared *run_group(struct __test_metadata *_metadata, cpg_guarantee_t g,
				const char *group)
{
	struct shared *sh = ut_shared(sizeof(*sh));
	pid_t pids[MEMBERS];
	int i, status;

	if (!sh)
		return NULL;
	for (i = 0; i < MEMBERS; i++) {
		pids[i] = fork();
		if (pids[i] == 0) {
			member(sh, i, g, group);
			_exit(0);
		}
	}
	for (i = 0; i < MEMBERS; i++) {
		waitpid(pids[i], &status, 0);
		EXPECT_TRUE(WIFEXITED(status) && WEXITSTATUS(status) == 0);
	}
	for (i = 0; i < MEMBERS; i++) {
		struct report *r = &sh->r[i];
		int s;

		TH_LOG("member %d: received %u, order %016llx", i, r->received,
		       (unsigned long long)r->order_hash);
		EXPECT_EQ(0, r->error);
		EXPECT_EQ(MEMBERS * PER_SENDER, r->received);
		EXPECT_EQ(0, r->corrupt);
		EXPECT_EQ(0, r->wrong_sender);
		EXPECT_EQ(0, r->duplicates);
		EXPECT_EQ(0, r->foreign_group);
		for (s = 0; s < MEMBERS; s++)
			EXPECT_EQ(NULL, memchr(sh->seen[i][s], 0, PER_SENDER));	/* none lost */
	}
	return sh;
}

static void expect_one_total_order(struct __test_metadata *_metadata, struct shared *sh)
{
	int i;

	for (i = 0; i < MEMBERS; i++) {
		EXPECT_EQ(0, sh->r[i].fifo_violations);
		EXPECT_EQ(sh->r[0].order_hash, sh->r[i].order_hash);
	}
}

TEST(agreed_is_one_total_order)
{
	struct shared *sh = run_group(_metadata, CPG_TYPE_AGREED, "order-agreed");

	ASSERT_NE(NULL, sh);
	expect_one_total_order(_metadata, sh);
}

TEST(safe_is_one_total_order)
{
	struct shared *sh = run_group(_metadata, CPG_TYPE_SAFE, "order-safe");

	ASSERT_NE(NULL, sh);
	expect_one_total_order(_metadata, sh);
}

TEST(fifo_keeps_each_senders_order)
{
	struct shared *sh = run_group(_metadata, CPG_TYPE_FIFO, "order-fifo");
	int i;

	ASSERT_NE(NULL, sh);
	for (i = 0; i < MEMBERS; i++)
		EXPECT_EQ(0, sh->r[i].fifo_violations);
}

TEST(unordered_delivers_each_once)
{
	/* run_group() checks: all received, once each, intact. */
	ASSERT_NE(NULL, run_group(_metadata, CPG_TYPE_UNORDERED, "order-unordered"));
}

TEST_HARNESS_MAIN
