// SPDX-License-Identifier: GPL-2.0
/*
 * Latency, one message in flight at a time.
 *
 *  - Self-delivery (MODE_LATENCY): a prober multicasts an agreed message
 *    and waits until its own copy comes back through cpg_dispatch; idle
 *    receivers (-r) may sit in the group and check every message too.
 *  - Ping-pong (MODE_PINGPONG): the pinger multicasts, the ponger answers
 *    the delivery with its own multicast, the pinger waits for the answer:
 *    two ordered deliveries per sample.
 *
 * Waiting is what an application does: dispatch what is queued, then
 * poll() the handle's fd.  No busy polling on either system.
 */
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
#define MAX_SAMPLES		1000000

/* Roles, by member index. */
#define PROBER		0	/* sends and times (the pinger) */
#define PONGER		1	/* ping-pong only */

struct lat_shared {
	struct crew_sync sync;
	_Atomic uint64_t errors[3];	/* format, sequence, payload: summed at exit */
	_Atomic int failed;
	char why[120];
	uint32_t n_samples;
	uint64_t samples[];		/* the prober's, in ns */
};

struct lat_member {
	const struct bench_opts *o;
	struct lat_shared *sh;
	struct group_conn conn;
	struct bench_errors err;
	uint32_t run, size;
	unsigned int index, senders;
	uint64_t last[2];		/* last DATA seq seen per sender index */
	uint64_t pending_pong;		/* ponger: a ping to answer */
	int ended;
};

static void lat_fail(struct lat_member *m, const char *what, cs_error_t err)
{
	int expected = 0;

	if (atomic_compare_exchange_strong(&m->sh->failed, &expected, 1))
		snprintf(m->sh->why, sizeof(m->sh->why), "member %u: %s: %s", m->index,
			 what, bench_cs_name(err));
}

static void lat_deliver(void *user, uint32_t nodeid, uint32_t pid, const void *msg,
			size_t len)
{
	struct lat_member *m = user;
	struct bench_hdr h;

	(void)nodeid;
	(void)pid;
	if (payload_check(msg, len, m->o->verify, m->run, m->senders, &h, &m->err))
		return;
	if (h.kind == KIND_END) {
		if (h.sender == PROBER)
			m->ended = 1;
		return;
	}
	if (h.kind != KIND_DATA) {
		m->err.format++;
		return;
	}
	if (h.seq != m->last[h.sender] + 1)
		m->err.sequence++;
	m->last[h.sender] = h.seq;
	if (m->index == PONGER && h.sender == PROBER && m->o->mode == MODE_PINGPONG)
		m->pending_pong = h.seq;
}

/* Dispatch, then sleep in poll(), until @done(m) or the stall limit. */
static cs_error_t wait_for(struct lat_member *m, int (*done)(struct lat_member *, uint64_t),
			   uint64_t arg)
{
	uint64_t deadline = bench_now_ns() + (uint64_t)m->o->stall_ms * 1000000ULL;
	cs_error_t res;

	for (;;) {
		res = group_dispatch(&m->conn);
		if (res != CS_OK || done(m, arg))
			return res;
		if (bench_now_ns() > deadline)
			return CS_ERR_TIMEOUT;
		group_poll(&m->conn, 100);
	}
}

static int got_own(struct lat_member *m, uint64_t seq)
{
	return m->last[PROBER] >= seq;
}

static int got_pong(struct lat_member *m, uint64_t seq)
{
	return m->last[PONGER] >= seq;
}

static int got_ping_or_end(struct lat_member *m, uint64_t unused)
{
	(void)unused;
	return m->pending_pong || m->ended;
}

static int got_end(struct lat_member *m, uint64_t unused)
{
	(void)unused;
	return m->ended;
}

/* A buffer for the chosen path, its constant body written once. */
static void *probe_buffer(struct lat_member *m, int zcb, uint64_t *body_hash)
{
	void *buf = NULL;
	cs_error_t res;

	if (zcb) {
		res = cpg_zcb_alloc(m->conn.handle, m->size, &buf);
		if (res != CS_OK) {
			lat_fail(m, "cpg_zcb_alloc", res);
			return NULL;
		}
	} else {
		buf = malloc(m->size);
		if (!buf) {
			lat_fail(m, "malloc", CS_ERR_NO_MEMORY);
			return NULL;
		}
	}
	*body_hash = m->o->verify == VERIFY_CHEAP ? payload_body_hash(m->size, m->run) : 0;
	payload_fill(buf, m->size, m->o->verify, m->run, m->index, 0, *body_hash, 1);
	return buf;
}

static void release_buffer(struct lat_member *m, void *buf, int zcb)
{
	if (zcb)
		cpg_zcb_free(m->conn.handle, buf);
	else
		free(buf);
}

static cs_error_t send_end(struct lat_member *m, uint64_t seq)
{
	unsigned char end[BENCH_MIN_SIZE];
	uint64_t try_again = 0;

	payload_control(end, sizeof(end), KIND_END, m->run, m->index, seq, 0);
	return group_send(&m->conn, m->o->guarantee, end, sizeof(end), 0, m->o->stall_ms,
			  &try_again, NULL);
}

static void run_prober(struct lat_member *m, int zcb)
{
	unsigned int total = m->o->warmup + m->o->samples, i;
	uint64_t body_hash, try_again = 0, t0;
	int pingpong = m->o->mode == MODE_PINGPONG;
	cs_error_t res = CS_OK;
	void *buf;

	buf = probe_buffer(m, zcb, &body_hash);
	if (!buf)
		return;
	crew_wait_go(&m->sh->sync);
	for (i = 1; i <= total && res == CS_OK; i++) {
		payload_fill(buf, m->size, m->o->verify, m->run, m->index, i, body_hash, 0);
		t0 = bench_now_ns();
		res = group_send(&m->conn, m->o->guarantee, buf, m->size, zcb,
				 m->o->stall_ms, &try_again, NULL);
		if (res != CS_OK) {
			lat_fail(m, zcb ? "cpg_zcb_mcast_joined" : "cpg_mcast_joined", res);
			break;
		}
		res = wait_for(m, pingpong ? got_pong : got_own, i);
		if (res != CS_OK) {
			lat_fail(m, pingpong ? "waiting for the pong" : "waiting for self-delivery",
				 res);
			break;
		}
		if (i > m->o->warmup)
			m->sh->samples[m->sh->n_samples++] = bench_now_ns() - t0;
	}
	if (res == CS_OK) {
		res = send_end(m, total);
		if (res != CS_OK)
			lat_fail(m, "END cpg_mcast_joined", res);
	}
	release_buffer(m, buf, zcb);
}

static void run_ponger(struct lat_member *m, int zcb)
{
	uint64_t body_hash, try_again = 0, seq;
	cs_error_t res = CS_OK;
	void *buf;

	buf = probe_buffer(m, zcb, &body_hash);
	if (!buf)
		return;
	while (res == CS_OK) {
		res = wait_for(m, got_ping_or_end, 0);
		if (res != CS_OK) {
			lat_fail(m, "waiting for a ping", res);
			break;
		}
		if (m->ended)
			break;
		/* Answered outside the callback: the same on both libraries. */
		seq = m->pending_pong;
		m->pending_pong = 0;
		payload_fill(buf, m->size, m->o->verify, m->run, m->index, seq, body_hash, 0);
		res = group_send(&m->conn, m->o->guarantee, buf, m->size, zcb,
				 m->o->stall_ms, &try_again, NULL);
		if (res != CS_OK)
			lat_fail(m, "pong cpg_mcast_joined", res);
	}
	release_buffer(m, buf, zcb);
}

struct lat_point {
	const struct bench_opts *o;
	struct lat_shared *sh;
	uint32_t run, size;
	int zcb;
	char group[64];
};

static void lat_member_main(void *arg, unsigned int index)
{
	struct lat_point *p = arg;
	const struct bench_opts *o = p->o;
	int pingpong = o->mode == MODE_PINGPONG;
	struct lat_member m = {
		.o = o, .sh = p->sh, .run = p->run, .size = p->size, .index = index,
		.senders = pingpong ? 2 : 1,
	};
	unsigned int members = m.senders + o->receivers;
	cs_error_t res;

	res = group_open(&m.conn, p->group, lat_deliver, &m);
	if (res != CS_OK) {
		lat_fail(&m, "cpg_initialize/cpg_join", res);
		return;
	}
	res = group_wait_members(&m.conn, members, READY_TIMEOUT_MS);
	if (res != CS_OK) {
		lat_fail(&m, "waiting for the group", res);
		group_close(&m.conn);
		return;
	}
	crew_ready(&p->sh->sync);
	if (index == PROBER)
		run_prober(&m, p->zcb);
	else if (pingpong && index == PONGER)
		run_ponger(&m, p->zcb);
	else if (wait_for(&m, got_end, 0) != CS_OK)
		lat_fail(&m, "receiver waiting for END", CS_ERR_TIMEOUT);
	atomic_fetch_add(&p->sh->errors[0], m.err.format);
	atomic_fetch_add(&p->sh->errors[1], m.err.sequence);
	atomic_fetch_add(&p->sh->errors[2], m.err.payload);
	group_close(&m.conn);
}

static int lat_point(const struct bench_opts *o, const struct bench_lib *lib,
		     struct lat_shared *sh, uint32_t run, uint32_t size, int zcb)
{
	int pingpong = o->mode == MODE_PINGPONG;
	struct lat_point p = { .o = o, .sh = sh, .run = run, .size = size, .zcb = zcb };
	struct bench_result r = {
		.mode = pingpong ? "pingpong" : "latency", .path = zcb ? "zcb" : "copy",
		.size = size, .senders = pingpong ? 2 : 1, .receivers = o->receivers,
	};
	uint64_t budget_ms = READY_TIMEOUT_MS +
		(uint64_t)(o->samples + o->warmup + 1) * o->stall_ms;
	int bad;

	memset(sh, 0, sizeof(*sh));
	snprintf(p.group, sizeof(p.group), "kcpg-bench-lat-%d-%u", (int)getpid(), run);
	bad = crew_run(&sh->sync, r.senders + o->receivers, lat_member_main, &p, budget_ms);
	r.seconds = (bench_now_ns() - sh->sync.t_start) / 1e9;
	r.err.format = atomic_load(&sh->errors[0]);
	r.err.sequence = atomic_load(&sh->errors[1]);
	r.err.payload = atomic_load(&sh->errors[2]);
	latency_summarise(sh->samples, sh->n_samples, &r.lat);
	if (atomic_load(&sh->failed))
		r.note = sh->why;
	else if (bad)
		r.note = "a member process died or was killed";
	r.ok = !r.note && !bench_errors_total(&r.err) && sh->n_samples == o->samples;
	if (!r.ok && !r.note)
		r.note = "check failed";
	report(o, lib, &r);
	return !r.ok;
}

static int run_latency_modes(const struct bench_opts *o, const struct bench_lib *lib)
{
	size_t size = sizeof(struct lat_shared) + (size_t)o->samples * sizeof(uint64_t);
	struct lat_shared *sh;
	int failed = 0, path;
	uint32_t run = 0;
	unsigned int i;

	if (o->samples > MAX_SAMPLES) {
		fprintf(stderr, "kcpg-bench: at most %u samples\n", MAX_SAMPLES);
		return 1;
	}
	sh = shared_alloc(size);
	if (!sh) {
		perror("mmap");
		return 1;
	}
	for (i = 0; i < o->n_sizes; i++)
		for (path = PATH_COPY; path <= PATH_ZCB; path <<= 1)
			if (o->paths & path)
				failed |= lat_point(o, lib, sh, ++run, o->sizes[i],
						    path == PATH_ZCB);
	shared_free(sh, size);
	return failed;
}

int bench_latency(const struct bench_opts *o, const struct bench_lib *lib)
{
	return run_latency_modes(o, lib);
}

int bench_pingpong(const struct bench_opts *o, const struct bench_lib *lib)
{
	return run_latency_modes(o, lib);
}
