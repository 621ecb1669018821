// SPDX-License-Identifier: GPL-2.0
/*
 * Throughput: S sender processes flood one group while R receiver
 * processes (and the senders themselves) receive and check everything.
 *
 * Each sender has a second thread that dispatches, as corosync's cpgbench
 * does, so sending never waits for its own deliveries.  A sender stops after
 * the configured duration and multicasts END with the number of messages it
 * sent; a member is done when it has every sender's END.  The rate of a
 * receiver is its data bytes over the time from the common start to its last
 * END, so nothing still queued at the end is left out.
 *
 * Flow control.  CS_ERR_TRY_AGAIN is handled by backing off while the
 * dispatcher drains (group_send).  On top of that a sender keeps at most
 * window_bytes of its messages undelivered at the slowest member, through
 * counters in shared memory: a kcpg node alone never pushes back (it
 * delivers inside the send call and expels a member that falls too far
 * behind), and a flood that only stops on TRY_AGAIN would measure how fast
 * receivers get expelled.  The window is the same for both systems.
 */
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include "bench.h"
#include "crew.h"
#include "group.h"
#include "payload.h"
#include "report.h"
#include "shared.h"

#define READY_TIMEOUT_MS	60000

/* What one member publishes; one cache line block each. */
struct tp_member_shared {
	_Atomic uint64_t progress[BENCH_MAX_SENDERS];	/* last seq per sender */
	uint64_t data_msgs, data_bytes;
	uint64_t end_ns;		/* when the last END arrived */
	uint64_t digest;		/* of the delivery order */
	uint64_t lost, try_again;
	/* Diagnostics: how often the benchmark itself waited, and for nothing. */
	uint64_t window_waits, window_timeouts, poll_timeouts;
	struct bench_errors err;
	int failed;
	char why[120];
} __attribute__((aligned(64)));

struct tp_shared {
	struct crew_sync sync;
	_Atomic int abort;		/* a member failed: everyone stops */
	int skipped;			/* the library cannot send this point */
	char skip_why[120];
	_Atomic uint32_t wake;		/* futex: bumped when a wanted seq arrives */
	_Atomic uint64_t want[BENCH_MAX_SENDERS];	/* seq a sender waits for */
	struct tp_member_shared m[BENCH_MAX_MEMBERS];
};

/* One benchmark point as seen by one member process. */
struct tp_member {
	const struct bench_opts *o;
	struct tp_shared *sh;
	struct tp_member_shared *me;
	struct group_conn conn;
	uint32_t run, size;
	unsigned int index, members;
	uint64_t last[BENCH_MAX_SENDERS];
	unsigned int ends;
	volatile int done;		/* every END seen */
	volatile int stop;		/* give up (error in the other thread) */
	uint64_t deadline_ns;		/* for the whole point */
};

static void member_fail(struct tp_member *t, const char *fmt, const char *what,
			cs_error_t err)
{
	if (t->me->failed)
		return;
	t->me->failed = 1;
	snprintf(t->me->why, sizeof(t->me->why), fmt, what, bench_cs_name(err));
	atomic_store(&t->sh->abort, 1);
}

static void tp_deliver(void *user, uint32_t nodeid, uint32_t pid, const void *msg,
		       size_t len)
{
	struct tp_member *t = user;
	struct tp_member_shared *me = t->me;
	struct bench_hdr h;
	uint64_t want;

	(void)nodeid, (void)pid;
	if (payload_check(msg, len, t->o->verify, t->run, t->o->senders, &h, &me->err))
		return;
	if (h.kind == KIND_END) {
		if (t->last[h.sender] > h.seq)
			me->err.sequence++;
		else
			me->lost += h.seq - t->last[h.sender];
		if (++t->ends == t->o->senders) {
			me->end_ns = bench_now_ns();
			t->done = 1;
		}
		return;
	}
	if (h.kind != KIND_DATA) {
		me->err.format++;
		return;
	}
	if (h.seq != t->last[h.sender] + 1)
		me->err.sequence++;
	t->last[h.sender] = h.seq;
	me->data_msgs++;
	me->data_bytes += len;
	me->digest = (me->digest ^ ((uint64_t)h.sender << 48 ^ h.seq)) * 0x100000001b3ULL;
	/* seq_cst with the sender's want/progress handshake (no lost wake-up). */
	atomic_store(&me->progress[h.sender], h.seq);
	want = atomic_load(&t->sh->want[h.sender]);
	if (want && h.seq >= want &&
	    atomic_compare_exchange_strong(&t->sh->want[h.sender], &want, 0)) {
		atomic_fetch_add(&t->sh->wake, 1);
		shared_wake(&t->sh->wake);
	}
}

/* Poll and dispatch until every END is in, an error, or the deadline. */
static void receive_until_done(struct tp_member *t)
{
	cs_error_t res;

	while (!t->done && !t->stop && !atomic_load(&t->sh->abort)) {
		if (bench_now_ns() > t->deadline_ns) {
			member_fail(t, "%s: %s", "no END from every sender in time",
				    CS_ERR_TIMEOUT);
			t->stop = 1;
			break;
		}
		/* Only waits during the measurement tell something. */
		if (group_poll(&t->conn, 100) == 0 && atomic_load(&t->sh->sync.go))
			t->me->poll_timeouts++;
		res = group_dispatch(&t->conn);
		if (res != CS_OK) {
			member_fail(t, "%s: %s", "cpg_dispatch", res);
			t->stop = 1;
		}
	}
}

static void *dispatch_thread(void *arg)
{
	receive_until_done(arg);
	return NULL;
}

static uint64_t slowest_progress(struct tp_member *t, unsigned int sender)
{
	uint64_t min = UINT64_MAX, p;
	unsigned int i;

	for (i = 0; i < t->members; i++) {
		p = atomic_load(&t->sh->m[i].progress[sender]);
		if (p < min)
			min = p;
	}
	return min;
}

/* Blocks until sending @seq keeps the window, or a stop or the deadline. */
static void window_wait(struct tp_member *t, uint64_t seq, uint64_t wmsgs)
{
	unsigned int s = t->index;
	uint64_t min = slowest_progress(t, s), target, moved_ns = bench_now_ns(), prev = min;
	uint32_t gen;

	while (seq - min > wmsgs && !t->stop && !atomic_load(&t->sh->abort)) {
		if (min != prev) {
			prev = min;
			moved_ns = bench_now_ns();
		} else if (bench_now_ns() - moved_ns > t->o->stall_ms * 1000000ULL) {
			member_fail(t, "%s: %s", "window: no delivery progress", CS_ERR_TIMEOUT);
			t->stop = 1;
			break;
		}
		/* Wake up when half the window has drained, not per message. */
		target = seq - 1 - wmsgs / 2;
		if (target <= min)
			target = min + 1;
		gen = atomic_load(&t->sh->wake);
		atomic_store(&t->sh->want[s], target);
		min = slowest_progress(t, s);
		if (min >= target)
			continue;
		t->me->window_waits++;
		if (shared_wait(&t->sh->wake, gen, 10))
			t->me->window_timeouts++;
		min = slowest_progress(t, s);
	}
	atomic_store(&t->sh->want[s], 0);
}

static void *send_buffer(struct tp_member *t, int zcb)
{
	void *buf = NULL;
	cs_error_t res;

	if (!zcb) {
		buf = malloc(t->size);
		if (!buf)
			member_fail(t, "%s: %s", "malloc", CS_ERR_NO_MEMORY);
		return buf;
	}
	res = cpg_zcb_alloc(t->conn.handle, t->size, &buf);
	if (res != CS_OK) {
		member_fail(t, "%s: %s", "cpg_zcb_alloc", res);
		return NULL;
	}
	return buf;
}

static void run_sender(struct tp_member *t, int zcb)
{
	const struct bench_opts *o = t->o;
	uint64_t wmsgs = 0, seq, deadline, body_hash = 0;
	unsigned char end[BENCH_MIN_SIZE];
	pthread_t thr;
	cs_error_t res;
	void *buf;

	if (o->window_bytes) {
		/*
		 * Bytes bound the receive rings; messages bound the queue a
		 * slow system must drain after the sender stopped.
		 */
		wmsgs = o->window_bytes / o->senders / t->size;
		if (wmsgs > o->window_msgs / o->senders)
			wmsgs = o->window_msgs / o->senders;
		if (wmsgs < 1)
			wmsgs = 1;
	}
	buf = send_buffer(t, zcb);
	if (!buf)
		return;
	if (o->verify == VERIFY_CHEAP)
		body_hash = payload_body_hash(t->size, t->run);
	payload_fill(buf, t->size, o->verify, t->run, t->index, 0, body_hash, 1);
	if (pthread_create(&thr, NULL, dispatch_thread, t)) {
		member_fail(t, "%s: %s", "pthread_create", CS_ERR_NO_RESOURCES);
		return;
	}
	crew_wait_go(&t->sh->sync);
	deadline = t->sh->sync.t_start + (uint64_t)o->duration_ms * 1000000ULL;

	for (seq = 1; !t->stop && !atomic_load(&t->sh->abort); seq++) {
		/* Reading the clock per 64 B message would cost more than it tells. */
		if ((t->size >= 8192 || (seq & 15) == 1) && bench_now_ns() >= deadline)
			break;
		if (wmsgs)
			window_wait(t, seq, wmsgs);
		payload_fill(buf, t->size, o->verify, t->run, t->index, seq, body_hash, 0);
		res = group_send(&t->conn, o->guarantee, buf, t->size, zcb, o->stall_ms,
				 &t->me->try_again, NULL);
		if (res != CS_OK) {
			member_fail(t, "%s: %s", zcb ? "cpg_zcb_mcast_joined" : "cpg_mcast_joined",
				    res);
			t->stop = 1;
			break;
		}
	}
	if (!t->stop && !atomic_load(&t->sh->abort)) {
		payload_control(end, sizeof(end), KIND_END, t->run, t->index, seq - 1, 0);
		res = group_send(&t->conn, o->guarantee, end, sizeof(end), 0, o->stall_ms,
				 &t->me->try_again, NULL);
		if (res != CS_OK) {
			member_fail(t, "%s: %s", "END cpg_mcast_joined", res);
			t->stop = 1;
		}
	}
	pthread_join(thr, NULL);
	if (zcb)
		cpg_zcb_free(t->conn.handle, buf);
	else
		free(buf);
}

/*
 * corosync's zero-copy path does not fragment: above the largest atomic
 * message its daemon drops the message without an error.  Such a point is
 * reported as skipped rather than timed out.
 */
static int too_big_for_zcb(struct tp_member *t)
{
	uint32_t max = 0;

	if (cpg_max_atomic_msgsize_get(t->conn.handle, &max) != CS_OK || t->size <= max)
		return 0;
	t->sh->skipped = 1;
	snprintf(t->sh->skip_why, sizeof(t->sh->skip_why),
		 "skipped: zcb message above cpg_max_atomic_msgsize_get (%u)", max);
	return 1;
}

/* The body of one forked member process. */
static void member_main(const struct bench_opts *o, struct tp_shared *sh,
			unsigned int index, uint32_t run, uint32_t size, int zcb,
			const char *group)
{
	struct tp_member t = {
		.o = o, .sh = sh, .me = &sh->m[index], .run = run, .size = size,
		.index = index, .members = o->senders + o->receivers,
	};
	cs_error_t res;

	t.deadline_ns = bench_now_ns() + READY_TIMEOUT_MS * 1000000ULL +
		(uint64_t)(o->duration_ms + o->stall_ms) * 1000000ULL;
	res = group_open(&t.conn, group, tp_deliver, &t);
	if (res != CS_OK) {
		member_fail(&t, "%s: %s", "cpg_initialize/cpg_join", res);
		return;
	}
	res = group_wait_members(&t.conn, t.members, READY_TIMEOUT_MS);
	if (res != CS_OK) {
		member_fail(&t, "%s: %s", "waiting for the group", res);
		group_close(&t.conn);
		return;
	}
	if (zcb && index == 0 && too_big_for_zcb(&t))
		atomic_store(&sh->abort, 1);
	crew_ready(&sh->sync);
	if (atomic_load(&sh->abort))
		/* Skipped or failed: leave only once everyone is in, or a
		 * member still joining would wait for a group that shrinks.
		 */
		crew_wait_go(&sh->sync);
	else if (index < o->senders)
		run_sender(&t, zcb);
	else
		receive_until_done(&t);
	group_close(&t.conn);
}

static void summarise(const struct bench_opts *o, struct tp_shared *sh,
		      struct bench_result *r)
{
	unsigned int members = o->senders + o->receivers, first, i;
	double sum = 0;

	/* Dedicated receivers if any, else the senders' own deliveries. */
	first = o->receivers ? o->senders : 0;
	r->msgs_per_s = r->mb_per_s = -1;
	r->msgs = UINT64_MAX;
	for (i = 0; i < members; i++) {
		struct tp_member_shared *m = &sh->m[i];
		double secs, mbps;

		r->err.format += m->err.format;
		r->err.sequence += m->err.sequence;
		r->err.payload += m->err.payload;
		r->lost += m->lost;
		r->try_again += m->try_again;
		r->window_waits += m->window_waits;
		r->window_timeouts += m->window_timeouts;
		r->poll_timeouts += m->poll_timeouts;
		if (o->guarantee >= CPG_TYPE_AGREED && m->digest != sh->m[0].digest)
			r->order_errors++;
		if (m->failed && !r->note)
			r->note = m->why;
		if (i < first || i >= (o->receivers ? members : o->senders))
			continue;
		secs = m->end_ns > sh->sync.t_start ? (m->end_ns - sh->sync.t_start) / 1e9 : 0;
		if (secs <= 0)
			continue;
		mbps = m->data_bytes / secs / 1e6;
		sum += mbps;
		if (r->mb_per_s < 0 || mbps < r->mb_per_s) {
			r->mb_per_s = mbps;
			r->msgs_per_s = m->data_msgs / secs;
		}
		if (m->data_msgs < r->msgs)
			r->msgs = m->data_msgs;
		if (secs > r->seconds)
			r->seconds = secs;
	}
	if (r->msgs == UINT64_MAX)
		r->msgs = 0;
	if (r->mb_per_s < 0)
		r->mb_per_s = r->msgs_per_s = 0;
	r->mb_per_s_avg = sum / (o->receivers ? o->receivers : o->senders);
}

/* What a member process needs to know, passed through crew_run(). */
struct tp_point {
	const struct bench_opts *o;
	struct tp_shared *sh;
	uint32_t run, size;
	int zcb;
	char group[64];
};

static void point_member(void *arg, unsigned int index)
{
	struct tp_point *p = arg;

	member_main(p->o, p->sh, index, p->run, p->size, p->zcb, p->group);
}

/* One (size, path) point: fork the members, start them together, collect. */
static int run_point(const struct bench_opts *o, const struct bench_lib *lib,
		     struct tp_shared *sh, uint32_t run, uint32_t size, int zcb)
{
	struct tp_point p = { .o = o, .sh = sh, .run = run, .size = size, .zcb = zcb };
	struct bench_result r = {
		.mode = "throughput", .path = zcb ? "zcb" : "copy", .size = size,
		.senders = o->senders, .receivers = o->receivers,
	};
	int bad;

	memset(sh, 0, sizeof(*sh));
	snprintf(p.group, sizeof(p.group), "kcpg-bench-%d-%u", (int)getpid(), run);
	bad = crew_run(&sh->sync, o->senders + o->receivers, point_member, &p,
		       READY_TIMEOUT_MS + o->duration_ms + o->stall_ms);
	summarise(o, sh, &r);
	if (sh->skipped && !bad) {
		r.skipped = 1;
		r.ok = 1;
		r.note = sh->skip_why;
		report(o, lib, &r);
		return 0;
	}
	if (bad && !r.note)
		r.note = "a member process died or was killed";
	r.ok = !bad && !r.note && !bench_errors_total(&r.err) && !r.lost &&
		!r.order_errors && r.msgs > 0;
	if (!r.ok && !r.note)
		r.note = r.msgs ? "check failed" : "nothing delivered";
	report(o, lib, &r);
	return !r.ok;
}

int bench_throughput(const struct bench_opts *o, const struct bench_lib *lib)
{
	struct tp_shared *sh = shared_alloc(sizeof(*sh));
	int failed = 0, path;
	uint32_t run = 0;
	unsigned int i;

	if (!sh) {
		perror("mmap");
		return 1;
	}
	for (i = 0; i < o->n_sizes; i++)
		for (path = PATH_COPY; path <= PATH_ZCB; path <<= 1)
			if (o->paths & path)
				failed |= run_point(o, lib, sh, ++run, o->sizes[i],
						    path == PATH_ZCB);
	shared_free(sh, sizeof(*sh));
	return failed;
}
