/* SPDX-License-Identifier: GPL-2.0 OR BSD-3-Clause */
/*
 * The event queue of the discrete-event simulation: a binary min-heap on
 * (time, insertion number).  The insertion number breaks ties, so two events
 * at the same instant always run in the order they were scheduled and a run
 * never depends on the heap's internal layout.
 */
#ifndef SIM_EVQ_H
#define SIM_EVQ_H

#include <stdint.h>

enum ev_type {
	EV_PACKET = 1,		/* a: dst node, b: src node, inc: dst incarnation */
	EV_TIMER,		/* a: node, b: timer kind, inc, gen */
	EV_PROC,		/* a: process index: the process's next step */
	EV_ATTACH,		/* a: node, inc: start a new process there */
	EV_SCENARIO,		/* a: index into the scenario's action list */
	EV_PEER,		/* a: node, b: peer, gen: 1 add / 0 remove, inc */
};

struct ev {
	uint64_t time;
	uint64_t order;
	uint32_t type;
	uint32_t a, b;
	uint32_t inc;
	uint32_t gen;
	uint32_t len;
	void *data;		/* EV_PACKET: owned bytes */
};

struct evq {
	struct ev *h;
	uint32_t n, cap;
	uint64_t next_order;
};

void evq_init(struct evq *q);
/* Frees queued packet data too. */
void evq_free(struct evq *q);
void evq_push(struct evq *q, struct ev *e);	/* assigns e->order */
/* Re-queue an event keeping its original order number (for deferral). */
void evq_push_keep(struct evq *q, const struct ev *e);
int evq_pop(struct evq *q, struct ev *out);
static inline uint64_t evq_peek_time(const struct evq *q)
{
	return q->n ? q->h[0].time : UINT64_MAX;
}

#endif
