// SPDX-License-Identifier: GPL-2.0 OR BSD-3-Clause
#include <stdarg.h>
#include <stdio.h>
#include <string.h>
#include "record.h"

void record_init(struct record_log *l)
{
	memset(l, 0, sizeof(*l));
}

void record_free(struct record_log *l)
{
	uint32_t i;

	for (i = 0; i < l->confs.n; i++)
		free(l->confs.v[i].a);
	for (i = 0; i < l->procs.n; i++) {
		vec_free(&l->procs.v[i].recs);
		vec_free(&l->procs.v[i].sent);
		vec_free(&l->procs.v[i].leaves);
		vec_free(&l->procs.v[i].joins);
	}
	for (i = 0; i < l->msgs.n; i++)
		vec_free(&l->msgs.v[i].rx);
	for (i = 0; i < l->inclogs.n; i++) {
		vec_free(&l->inclogs.v[i].stream);
		vec_free(&l->inclogs.v[i].rings);
		vec_free(&l->inclogs.v[i].nomem);
	}
	for (i = 0; i < l->windows.n; i++)
		vec_free(&l->windows.v[i].probe);
	vec_free(&l->rings);
	vec_free(&l->confs);
	vec_free(&l->procs);
	vec_free(&l->msgs);
	vec_free(&l->incs);
	vec_free(&l->inclogs);
	vec_free(&l->windows);
	vec_free(&l->api_errs);
	memset(l, 0, sizeof(*l));
}

uint32_t record_ring(struct record_log *l, const struct kp_ring_id *id,
		     const uint32_t *nodes, uint32_t n)
{
	struct ring_info *r;
	uint32_t i;

	if (n > KP_MAX_NODES)
		n = KP_MAX_NODES;
	/* Rings are few and recent ones are looked up most: search backwards. */
	for (i = l->rings.n; i-- > 0;) {
		r = &l->rings.v[i];
		if (r->rep == id->rep && r->seq == id->seq && r->n == n &&
		    !memcmp(r->nodes, nodes, n * sizeof(*nodes)))
			return i;
	}
	r = vec_add(&l->rings);
	r->rep = id->rep;
	r->seq = id->seq;
	r->n = n;
	memcpy(r->nodes, nodes, n * sizeof(*nodes));
	return l->rings.n - 1;
}

int ring_has(const struct ring_info *r, uint32_t nodeid)
{
	uint32_t i;

	for (i = 0; i < r->n; i++)
		if (r->nodes[i] == nodeid)
			return 1;
	return 0;
}

uint32_t record_conf(struct record_log *l, uint32_t group,
		     const struct kp_confchg *c)
{
	struct conf_info *ci = vec_add(&l->confs);
	uint32_t n = c->n_members + c->n_left + c->n_joined;

	ci->group = group;
	ci->n_members = c->n_members;
	ci->n_left = c->n_left;
	ci->n_joined = c->n_joined;
	ci->a = xcalloc(n, sizeof(struct s_addr));
	/* struct kp_address and struct s_addr are both three u32s. */
	if (c->n_members)
		memcpy(ci->a, c->members, c->n_members * sizeof(struct s_addr));
	if (c->n_left)
		memcpy(ci->a + c->n_members, c->left,
		       c->n_left * sizeof(struct s_addr));
	if (c->n_joined)
		memcpy(ci->a + c->n_members + c->n_left, c->joined,
		       c->n_joined * sizeof(struct s_addr));
	return l->confs.n - 1;
}

uint32_t record_inc(struct record_log *l, uint32_t nodeid, uint64_t now,
		    uint32_t ring)
{
	struct inc_info *ii = vec_add(&l->incs);
	struct inc_log *il = vec_add(&l->inclogs);
	struct ring_obs *ro = vec_add(&il->rings);

	ii->nodeid = nodeid;
	ii->born = now;
	ii->died = NEVER;
	ro->time = now;
	ro->call = 0;
	ro->spos = 0;
	ro->ring = ring;
	return l->incs.n - 1;
}

uint32_t record_proc(struct record_log *l, uint32_t nodeid, uint32_t inc,
		     uint64_t now)
{
	struct proc_info *p = vec_add(&l->procs);

	p->pid = PID_BASE + l->procs.n - 1;
	p->nodeid = nodeid;
	p->inc = inc;
	p->attach_time = now;
	p->end_time = NEVER;
	p->refused = NEVER;
	p->end = END_ALIVE;
	return l->procs.n - 1;
}

struct rec *record_add(struct record_log *l, uint32_t proc, const struct rec *r)
{
	struct proc_info *p = &l->procs.v[proc];
	struct inc_log *il = &l->inclogs.v[p->inc];
	struct stream_ent se = { proc, p->recs.n };
	struct rec *nr;

	vec_push(&p->recs, *r);
	nr = &p->recs.v[p->recs.n - 1];
	nr->spos = il->stream.n;
	vec_push(&il->stream, se);
	return nr;
}

void record_ring_change(struct record_log *l, uint32_t inc, uint64_t now,
			uint64_t call, uint32_t ring)
{
	struct inc_log *il = &l->inclogs.v[inc];
	struct ring_obs ro = { now, call, il->stream.n, ring };

	if (il->rings.n && il->rings.v[il->rings.n - 1].ring == ring)
		return;
	vec_push(&il->rings, ro);
}

void record_call_end(struct record_log *l, uint32_t inc, uint64_t call,
		     int nomem)
{
	struct inc_log *il = &l->inclogs.v[inc];
	struct nomem_span *sp = il->nomem.n ? &il->nomem.v[il->nomem.n - 1] : NULL;
	struct nomem_span fresh = { call, call, NEVER };

	if (sp && sp->next == NEVER) {
		if (nomem)
			sp->last = call;
		else
			sp->next = call;
	} else if (nomem) {
		vec_push(&il->nomem, fresh);
	}
}

uint32_t record_ring_at(const struct record_log *l, uint32_t inc, uint32_t spos)
{
	const struct inc_log *il = &l->inclogs.v[inc];
	uint32_t i, ring = il->rings.v[0].ring;

	for (i = 1; i < il->rings.n && il->rings.v[i].spos <= spos; i++)
		ring = il->rings.v[i].ring;
	return ring;
}

uint32_t record_msg(struct record_log *l, uint32_t proc, uint8_t guarantee,
		    uint32_t group, uint32_t len, uint64_t now, uint64_t call,
		    uint32_t ring)
{
	struct proc_info *p = &l->procs.v[proc];
	struct msg_info *m = vec_add(&l->msgs);
	uint32_t idx = l->msgs.n - 1;
	uint32_t i;

	m->proc = proc;
	m->seq = p->sent.n;
	m->guarantee = guarantee;
	m->group = group;
	m->len = len;
	m->send_time = now;
	m->send_call = call;
	m->send_ring = ring;
	m->send_view = NO_IDX;
	for (i = p->recs.n; i-- > 0;) {
		if (p->recs.v[i].kind == REC_CONFCHG) {
			m->send_view = i;
			break;
		}
	}
	vec_push(&p->sent, idx);
	return idx;
}

uint32_t record_find_msg(const struct record_log *l, uint32_t pid, uint32_t seq)
{
	const struct proc_info *p;

	if (pid < PID_BASE || pid - PID_BASE >= l->procs.n)
		return NO_IDX;
	p = &l->procs.v[pid - PID_BASE];
	return seq < p->sent.n ? p->sent.v[seq] : NO_IDX;
}

void record_receipt(struct record_log *l, uint32_t msg, uint32_t inc,
		    uint32_t src, int tail, uint64_t now)
{
	struct msg_info *m = &l->msgs.v[msg];
	struct receipt *r = NULL;
	uint32_t i;

	for (i = 0; i < m->rx.n; i++) {
		if (m->rx.v[i].inc == inc) {
			r = &m->rx.v[i];
			break;
		}
	}
	if (!r) {
		r = vec_add(&m->rx);
		r->inc = inc;
		r->head = r->tail = NEVER;
	}
	if (tail && r->tail == NEVER) {
		r->tail = now;
		r->tail_src = src;
	} else if (!tail && r->head == NEVER) {
		r->head = now;
		r->head_src = src;
	}
}

void record_api_err(struct record_log *l, uint64_t now, uint32_t proc,
		    const char *fmt, ...)
{
	struct api_err *e = vec_add(&l->api_errs);
	va_list ap;

	e->time = now;
	e->proc = proc;
	va_start(ap, fmt);
	vsnprintf(e->what, sizeof(e->what), fmt, ap);
	va_end(ap);
}
