// SPDX-License-Identifier: GPL-2.0 OR BSD-3-Clause
/*
 * Simulated processes: each is one kp_handle on a node that joins and leaves
 * groups, sends bursts of messages of every guarantee and size, gets killed
 * (detached while joined) and probes the API with calls that must fail.
 * Every call's result is checked against kp.h on the spot.
 */
#include <string.h>
#include "sim.h"
#include "payload.h"
#include "mutate.h"

struct proc *proc_by_handle(struct node *n, struct kp_handle *h)
{
	uint32_t i;

	for (i = 0; i < SIM_PROC_SLOTS; i++)
		if (n->procs[i] && n->procs[i]->h == h)
			return n->procs[i];
	return NULL;
}

uint32_t group_index(const struct sim *s, const struct kp_name *g)
{
	uint32_t i;

	for (i = 0; i < s->n_groups; i++)
		if (g->length == s->groups[i].length &&
		    !memcmp(g->value, s->groups[i].value, g->length))
			return i;
	return NO_IDX;
}

static const char *err_name(int e)
{
	switch (e) {
	case KP_OK: return "OK";
	case KP_ENOENT: return "ENOENT";
	case KP_EAGAIN: return "EAGAIN";
	case KP_ENOMEM: return "ENOMEM";
	case KP_EBUSY: return "EBUSY";
	case KP_EEXIST: return "EEXIST";
	case KP_EINVAL: return "EINVAL";
	case KP_ENAMETOOLONG: return "ENAMETOOLONG";
	case KP_EMSGSIZE: return "EMSGSIZE";
	case KP_EPROTO: return "EPROTO";
	}
	return "unknown error";
}

/* Record an API error unless @got is one of the wanted results. */
static int expect(struct sim *s, struct proc *p, const char *what, int got,
		  int want1, int want2)
{
	int ok = got == want1 || got == want2 ||
		 (got == KP_ENOMEM && s->o->alloc_fail_ppm);

	trace_u64(&s->tr, (uint64_t)(int64_t)got);
	if (ok && mutate_api(s))
		ok = 0;
	if (!ok)
		record_api_err(&s->log, s->now, p->idx, "%s returned %s (%d), want %s",
			       what, err_name(got), got, err_name(want1));
	return ok;
}

static void schedule_step(struct sim *s, struct proc *p)
{
	uint64_t gap = rng_range(&s->rng_wl, 1, 2ULL * p->mean_gap_us) * 1000;

	sim_schedule(s, s->now + gap, EV_PROC, p->idx, 0, p->inc, 0);
}

void proc_attach_event(struct sim *s, uint32_t node, uint32_t inc)
{
	struct node *n = &s->nodes[node];
	struct proc *p;
	uint32_t slot;

	if (!n->alive || inc != n->inc)
		return;
	for (slot = 0; slot < SIM_PROC_SLOTS; slot++)
		if (!n->procs[slot])
			break;
	if (slot == SIM_PROC_SLOTS)
		return;
	p = xcalloc(1, sizeof(*p));
	p->idx = record_proc(&s->log, node, n->inc, s->now);
	p->node = node;
	p->inc = n->inc;
	p->state = P_IDLE;
	p->group = NO_IDX;
	p->mean_gap_us = (uint32_t)rng_range(&s->rng_wl, 20000, 200000);
	p->burst_max = (uint32_t)rng_range(&s->rng_wl, 1, 5);
	if (s->o->ideal) {
		/* Keep the core saturated: short gaps, bursts until refused. */
		p->mean_gap_us = s->o->ideal_gap_us ? s->o->ideal_gap_us : 500;
		p->burst_max = s->o->ideal_burst ? s->o->ideal_burst : 64;
	}
	/* Most processes stay a while; some churn hard. */
	switch (rng_below(&s->rng_wl, 4)) {
	case 0:
		p->leave_pm = 40;
		p->kill_pm = 15;
		break;
	case 1:
		p->leave_pm = 10;
		p->kill_pm = 4;
		break;
	default:
		p->leave_pm = 2;
		p->kill_pm = 1;
		break;
	}
	/* A slow consumer: its receive ring fills, it refuses a delivery and
	 * the core must expel it by an ordered leave (PROCDOWN).
	 */
	if ((s->o->faults & F_SLOW) && rng_below(&s->rng_wl, 8) == 0)
		p->refuse_at = (uint32_t)rng_range(&s->rng_wl, 1, 300);
	vec_push(&s->procs, p);
	sim_call_begin(s, n);
	p->h = kp_handle_attach(n->kp, p, PID_BASE + p->idx, s->now);
	sim_call_end(s, n);
	trace_u64(&s->tr, 0xa7000000ULL | p->idx);
	if (!p->h) {
		if (!s->o->alloc_fail_ppm)
			record_api_err(&s->log, s->now, p->idx,
				       "kp_handle_attach failed");
		s->log.procs.v[p->idx].end = END_DETACH;
		s->log.procs.v[p->idx].end_time = s->now;
		p->state = P_FREE;
		sim_schedule(s, s->now + 10000000, EV_ATTACH, node, 0, n->inc, 0);
		return;
	}
	n->procs[slot] = p;
	if (rng_below(&s->rng_wl, 2)) {
		kp_handle_want_initial_totem(p->h);
		s->log.procs.v[p->idx].want_totem = 1;
	}
	trace_log(&s->tr, s->now, "node %u pid %u attached", node,
		  PID_BASE + p->idx);
	schedule_step(s, p);
}

static void release(struct sim *s, struct proc *p, uint8_t end)
{
	struct node *n = &s->nodes[p->node];
	struct proc_info *pi = &s->log.procs.v[p->idx];
	uint32_t i;

	sim_call_begin(s, n);
	kp_handle_detach(n->kp, p->h, s->now);
	sim_call_end(s, n);
	for (i = 0; i < SIM_PROC_SLOTS; i++)
		if (n->procs[i] == p)
			n->procs[i] = NULL;
	pi->end = end;
	pi->end_time = s->now;
	/* Expelled: it ended when the core said so, not when it noticed. */
	if (end == END_EXPELLED)
		pi->end_time = pi->recs.v[pi->recs.n - 1].time;
	p->h = NULL;
	p->state = P_FREE;
}

void proc_detach(struct sim *s, struct proc *p)
{
	struct node *n = &s->nodes[p->node];

	trace_u64(&s->tr, 0xd7000000ULL | p->idx);
	trace_log(&s->tr, s->now, "node %u pid %u detached", p->node,
		  PID_BASE + p->idx);
	release(s, p, s->log.procs.v[p->idx].recs.n &&
		s->log.procs.v[p->idx].recs.v[s->log.procs.v[p->idx].recs.n - 1].kind ==
		REC_EXPELLED ? END_EXPELLED : END_DETACH);
	/* Someone else starts on that node a little later. */
	sim_schedule(s, s->now + rng_range(&s->rng_wl, 1000000, 200000000),
		     EV_ATTACH, p->node, 0, n->inc, 0);
}

void proc_kill_all(struct sim *s, struct node *n)
{
	uint32_t i;

	for (i = 0; i < SIM_PROC_SLOTS; i++)
		if (n->procs[i])
			release(s, n->procs[i], END_CRASH);
}

static uint32_t pick_size(struct sim *s)
{
	uint64_t u = s->big_burst && rng_below(&s->rng_wl, 3) == 0 ? 980 :
		     rng_below(&s->rng_wl, 1000), lo, hi;

	if (u < 600) {
		lo = PAYLOAD_MIN;
		hi = 300;
	} else if (u < 880) {
		lo = 300;
		hi = 2000;
	} else if (u < 970) {
		lo = 2000;
		hi = 16000;
	} else if (u < 997) {
		lo = 16000;
		hi = 131072;
	} else {
		lo = 131072;
		hi = s->cfg.max_msg;
	}
	if (hi > s->cfg.max_msg)
		hi = s->cfg.max_msg;
	if (lo > hi)
		lo = hi;
	return (uint32_t)rng_range(&s->rng_wl, lo, hi);
}

static uint8_t *scratch_buf(struct sim *s, size_t len)
{
	if (len > s->scratch_cap) {
		free(s->scratch);
		s->scratch_cap = len + 4096;
		s->scratch = xmalloc(s->scratch_cap);
	}
	return s->scratch;
}

/* Forget a message the core refused (it did not deliver it anywhere). */
static void unrecord_msg(struct sim *s, struct proc *p)
{
	struct proc_info *pi = &s->log.procs.v[p->idx];

	vec_free(&s->log.msgs.v[s->log.msgs.n - 1].rx);
	s->log.msgs.n--;
	pi->sent.n--;
}

/* Send one message; returns 0 when the process should stop its burst. */
static int send_one(struct sim *s, struct proc *p)
{
	struct node *n = &s->nodes[p->node];
	struct payload_id id;
	struct kp_iov iov[4];
	uint32_t cnt, off = 0, i, m;
	uint8_t *buf;
	int fc, r;

	id.pid = PID_BASE + p->idx;
	id.seq = p->next_seq;
	id.len = pick_size(s);
	id.nodeid = p->node;
	id.guarantee = (uint32_t)rng_below(&s->rng_wl, 4);
	if (s->o->ideal && s->o->ideal_size)
		id.len = s->o->ideal_size < PAYLOAD_MIN ? PAYLOAD_MIN : s->o->ideal_size;
	if (s->o->ideal && s->o->ideal_guarantee >= 0)
		id.guarantee = (uint32_t)s->o->ideal_guarantee;
	id.group = p->group;
	buf = scratch_buf(s, id.len);
	payload_fill(buf, &id);
	/* Gather from up to four segments, as an iovec would. */
	cnt = (uint32_t)rng_range(&s->rng_wl, 1, 4);
	for (i = 0; i < cnt; i++) {
		uint32_t len = i == cnt - 1 ? id.len - off :
			(uint32_t)rng_below(&s->rng_wl, id.len - off + 1);

		iov[i].base = buf + off;
		iov[i].len = len;
		off += len;
	}
	fc = kp_flow_control(n->kp);
	m = record_msg(&s->log, p->idx, (uint8_t)id.guarantee, p->group, id.len,
		       s->now, s->call + 1, n->ring);
	s->pending_msg = m;
	s->pending_delivered = 0;
	sim_call_begin(s, n);
	r = kp_mcast(n->kp, p->h, (enum kp_guarantee)id.guarantee, iov, cnt,
		     id.len, s->now);
	sim_call_end(s, n);
	s->pending_msg = NO_IDX;
	/* The caller may reuse its buffer at once: scribble over it. */
	memset(buf, 0xa5, id.len);
	trace_u64(&s->tr, 0x5d000000ULL | p->idx);
	trace_u64(&s->tr, (uint64_t)id.len << 8 | id.guarantee);
	trace_u64(&s->tr, (uint64_t)(int64_t)r);
	trace_log(&s->tr, s->now, "node %u pid %u mcast seq %u len %u g%u guarantee %u -> %s",
		  p->node, id.pid, id.seq, id.len, p->group, id.guarantee,
		  err_name(r));
	if (r == KP_OK) {
		if (fc)
			record_api_err(&s->log, s->now, p->idx,
				       "kp_flow_control said 1 but kp_mcast accepted");
		p->next_seq++;
		return 1;
	}
	if (s->pending_delivered)
		record_api_err(&s->log, s->now, p->idx,
			       "kp_mcast returned %s but delivered the message",
			       err_name(r));
	else
		unrecord_msg(s, p);
	if (r == KP_EAGAIN) {
		s->fc_refusals++;
		return 0;
	}
	expect(s, p, "kp_mcast", r, KP_OK, KP_EAGAIN);
	return 0;
}

/*
 * The state changes before the call: a core may deliver the resulting
 * confchg inside it (a node alone can), and the callback checks the state.
 */
static void do_join(struct sim *s, struct proc *p)
{
	struct node *n = &s->nodes[p->node];
	uint32_t g = (uint32_t)rng_below(&s->rng_wl, s->n_groups);
	int r;

	p->state = P_JOINING;
	p->group = g;
	vec_push(&s->log.procs.v[p->idx].joins, s->now);
	sim_call_begin(s, n);
	r = kp_join(n->kp, p->h, &s->groups[g], s->now);
	sim_call_end(s, n);
	trace_log(&s->tr, s->now, "node %u pid %u join g%u -> %s", p->node,
		  PID_BASE + p->idx, g, err_name(r));
	if (r != KP_OK) {
		s->log.procs.v[p->idx].joins.n--;
		if (p->state == P_JOINING)
			p->state = P_IDLE;
		expect(s, p, "kp_join", r, KP_OK, KP_EAGAIN);
	}
}

static void do_leave(struct sim *s, struct proc *p)
{
	struct node *n = &s->nodes[p->node];
	struct proc_info *pi = &s->log.procs.v[p->idx];
	int r;

	p->state = P_LEAVING;
	vec_push(&pi->leaves, s->now);
	sim_call_begin(s, n);
	r = kp_leave(n->kp, p->h, &s->groups[p->group], s->now);
	sim_call_end(s, n);
	trace_log(&s->tr, s->now, "node %u pid %u leave g%u -> %s", p->node,
		  PID_BASE + p->idx, p->group, err_name(r));
	if (r != KP_OK) {
		pi = &s->log.procs.v[p->idx];
		pi->leaves.n--;
		if (p->state == P_LEAVING)
			p->state = P_JOINED;
		expect(s, p, "kp_leave", r, KP_OK, KP_OK);
	}
}

/*
 * Calls that must fail, and how.  They must change nothing: the checker
 * would see any stray confchg or delivery they caused.
 */
static void probe(struct sim *s, struct proc *p)
{
	struct node *n = &s->nodes[p->node];
	struct kp_name longname;
	struct kp_iov iov[2];
	uint8_t *buf;
	int r;

	sim_call_begin(s, n);
	switch (p->state) {
	case P_IDLE:
		memset(&longname, 'x', sizeof(longname));
		longname.length = KP_NAME_MAX + 1;
		r = kp_join(n->kp, p->h, &longname, s->now);
		expect(s, p, "kp_join(name length 129)", r, KP_ENAMETOOLONG, KP_EINVAL);
		r = kp_leave(n->kp, p->h, &s->groups[0], s->now);
		expect(s, p, "kp_leave(not joined)", r, KP_ENOENT, KP_ENOENT);
		buf = scratch_buf(s, PAYLOAD_MIN);
		iov[0].base = buf;
		iov[0].len = PAYLOAD_MIN;
		r = kp_mcast(n->kp, p->h, KP_AGREED, iov, 1, PAYLOAD_MIN, s->now);
		expect(s, p, "kp_mcast(not joined)", r, KP_ENOENT, KP_ENOENT);
		break;
	case P_JOINING:
		r = kp_leave(n->kp, p->h, &s->groups[p->group], s->now);
		expect(s, p, "kp_leave(join in progress)", r, KP_EBUSY, KP_EBUSY);
		r = kp_join(n->kp, p->h, &s->groups[p->group], s->now);
		expect(s, p, "kp_join(joining)", r, KP_EEXIST, KP_EEXIST);
		break;
	case P_JOINED:
		r = kp_join(n->kp, p->h, &s->groups[p->group], s->now);
		expect(s, p, "kp_join(joined)", r, KP_EEXIST, KP_EEXIST);
		buf = scratch_buf(s, s->cfg.max_msg / 2 + 1);
		memset(buf, 0, PAYLOAD_MIN);
		iov[0].base = buf;
		iov[0].len = PAYLOAD_MIN;
		r = kp_mcast(n->kp, p->h, (enum kp_guarantee)7, iov, 1,
			     PAYLOAD_MIN, s->now);
		expect(s, p, "kp_mcast(guarantee 7)", r, KP_EINVAL, KP_EINVAL);
		iov[0].len = s->cfg.max_msg / 2 + 1;
		iov[1] = iov[0];
		r = kp_mcast(n->kp, p->h, KP_AGREED, iov, 2,
			     2 * (s->cfg.max_msg / 2 + 1), s->now);
		expect(s, p, "kp_mcast(max_msg + 1)", r, KP_EMSGSIZE, KP_EMSGSIZE);
		break;
	case P_LEAVING:
		r = kp_join(n->kp, p->h, &s->groups[p->group], s->now);
		expect(s, p, "kp_join(leave pending)", r, KP_EAGAIN, KP_EEXIST);
		break;
	default:
		break;
	}
	sim_call_end(s, n);
}

/*
 * Traffic in flight across a configuration change: the scenario calls this
 * right before it disturbs the cluster, so that messages (a third of them
 * fragmented, 16-128 KB) are on the wire when it happens.
 */
void proc_burst_all(struct sim *s)
{
	uint32_t i, k, n;

	if (s->now >= s->sending_until)
		return;
	s->big_burst = 1;
	for (i = 0; i < s->procs.n; i++) {
		struct proc *p = s->procs.v[i];

		if (p->state != P_JOINED || s->nodes[p->node].paused)
			continue;
		n = (uint32_t)rng_range(&s->rng_wl, 1, 3);
		for (k = 0; k < n && p->state == P_JOINED; k++)
			if (!send_one(s, p))
				break;
	}
	s->big_burst = 0;
}

void proc_step(struct sim *s, struct proc *p)
{
	uint64_t r = rng_below(&s->rng_wl, 1000);
	int sending = s->now < s->sending_until;
	uint32_t k, burst;

	switch (p->state) {
	case P_FREE:
		return;
	case P_GONE: {
		/* Wait a little for the expelled() notification, then go. */
		const struct proc_info *pi = &s->log.procs.v[p->idx];

		if ((pi->recs.n && pi->recs.v[pi->recs.n - 1].kind == REC_EXPELLED) ||
		    ++p->gone_waits > 20) {
			proc_detach(s, p);
			return;
		}
		break;
	}
	case P_IDLE:
		if (s->o->ideal)
			do_join(s, p);
		else if (r < 700)
			do_join(s, p);
		else if (r < 700 + 4 * p->kill_pm) {
			proc_detach(s, p);
			return;
		} else if (r < 800)
			probe(s, p);
		break;
	case P_JOINING:
		if (r < 20) {
			proc_detach(s, p);
			return;
		}
		if (r < 80)
			probe(s, p);
		break;
	case P_JOINED:
		if (s->o->ideal) {
			if (sending) {
				burst = p->burst_max;
				for (k = 0; k < burst && send_one(s, p); k++)
					;
			}
		} else if (r < p->leave_pm) {
			do_leave(s, p);
		} else if (r < p->leave_pm + p->kill_pm) {
			proc_detach(s, p);
			return;
		} else if (r < p->leave_pm + p->kill_pm + 20) {
			probe(s, p);
		} else if (r < 900 && sending) {
			burst = (uint32_t)rng_range(&s->rng_wl, 1, p->burst_max);
			for (k = 0; k < burst && p->state == P_JOINED; k++)
				if (!send_one(s, p))
					break;
			/* Churners sometimes leave or die right after sending. */
			if (p->leave_pm >= 40 && p->state == P_JOINED) {
				uint64_t x = rng_below(&s->rng_wl, 100);

				if (x < 5)
					do_leave(s, p);
				else if (x < 8) {
					proc_detach(s, p);
					return;
				}
			}
		}
		break;
	case P_LEAVING:
		if (r < 30) {
			proc_detach(s, p);
			return;
		}
		if (r < 100)
			probe(s, p);
		break;
	}
	if (p->state != P_FREE)
		schedule_step(s, p);
}
