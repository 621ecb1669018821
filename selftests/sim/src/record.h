/* SPDX-License-Identifier: GPL-2.0 OR BSD-3-Clause */
/*
 * What a run leaves behind for the checker: every callback each simulated
 * process received, every message sent, every ring each node was in, every
 * datagram that carried (a marker of) a message to a node, and the quiet
 * windows in which liveness is owed.  The harness only appends; the checker
 * only reads (mutations, a test-only feature, edit it in between).
 *
 * Indices, not pointers, link the tables, so appends may move storage.
 */
#ifndef SIM_RECORD_H
#define SIM_RECORD_H

#include <stdint.h>
#include "kp.h"
#include "vec.h"

#define NO_IDX		UINT32_MAX
#define NEVER		UINT64_MAX
#define PID_BASE	1000u	/* pid = PID_BASE + process index */

struct s_addr {
	uint32_t nodeid, pid, reason;
};

/* A ring as a node reported it (ring id + sorted node list), interned. */
struct ring_info {
	uint32_t rep;
	uint64_t seq;
	uint32_t n;
	uint32_t nodes[KP_MAX_NODES];
};

/* One confchg as reported: lists stored in one array, members first. */
struct conf_info {
	uint32_t group;
	uint32_t n_members, n_left, n_joined;
	struct s_addr *a;
};

enum rec_kind {
	REC_DELIVER = 1,
	REC_CONFCHG,
	REC_TOTEM,
	REC_EXPELLED,
};

struct rec {
	uint8_t kind;
	uint8_t guarantee;	/* DELIVER: as reported by the core */
	uint8_t verdict;	/* DELIVER: enum payload_verdict */
	uint32_t group;		/* DELIVER, CONFCHG: group index, NO_IDX if unknown name */
	uint64_t time;
	uint64_t call;		/* top-level call into the core (global counter) */
	uint32_t spos;		/* position in the node incarnation's stream */
	uint32_t ring;		/* node's ring when recorded (ring index) */
	uint32_t msg;		/* DELIVER: message index, NO_IDX if unidentified */
	uint32_t from_node, from_pid, len;	/* DELIVER: as reported */
	uint32_t ref;		/* CONFCHG: conf index; TOTEM: ring index */
};

enum proc_end {
	END_ALIVE = 0,		/* still attached when the run ended */
	END_DETACH,		/* kp_handle_detach (a killed process) */
	END_CRASH,		/* its node crashed */
	END_EXPELLED,
};

struct proc_info {
	uint32_t pid, nodeid, inc;
	uint64_t attach_time, end_time;
	uint64_t refused;	/* refused a delivery (to be expelled), NEVER */
	uint8_t end;
	uint8_t want_totem;	/* asked for the initial totem confchg */
	VEC(struct rec) recs;
	VEC(uint32_t) sent;		/* message index by seq */
	VEC(uint64_t) leaves;		/* times kp_leave was called */
	VEC(uint64_t) joins;		/* times kp_join was called */
};

/* When node incarnation @inc first saw a head and a tail marker of a message. */
struct receipt {
	uint32_t inc;
	uint32_t head_src, tail_src;	/* node that sent the datagram */
	uint64_t head, tail;
};

struct msg_info {
	uint32_t proc, seq, group, len;
	uint8_t guarantee;
	uint64_t send_time, send_call;
	uint32_t send_view;	/* sender's last CONFCHG rec index at send, NO_IDX */
	uint32_t send_ring;	/* sender node's ring at send */
	VEC(struct receipt) rx;
};

struct inc_info {
	uint32_t nodeid;
	uint64_t born, died;	/* died == NEVER while alive */
};

/* The node's ring changed to @ring at (time, call), before stream entry spos. */
struct ring_obs {
	uint64_t time, call;
	uint32_t spos, ring;
};

struct stream_ent {
	uint32_t proc, idx;
};

/*
 * Consecutive calls into one incarnation's core in which an allocation
 * failed, from @first to @last, and the call of that incarnation that came
 * next (NEVER while none has): a step the core could not finish (moving to
 * a new ring, say) is retried by the next call, so it may spread over
 * them all.
 */
struct nomem_span {
	uint64_t first, last, next;
};

/*
 * Per node incarnation: callbacks in the order they happened, ring history,
 * calls with allocation failures.
 */
struct inc_log {
	VEC(struct stream_ent) stream;
	VEC(struct ring_obs) rings;
	VEC(struct nomem_span) nomem;
};

/*
 * A quiet window: from @start to @end the network is perfect, nobody crashes,
 * pauses or changes peers.  By @converge every clique of live mutual peers
 * must be one ring; messages sent in [converge, end - bound] must be delivered
 * within @bound.  The harness records each live incarnation's ring and clique
 * at @converge in @probe.
 */
struct probe_ent {
	uint32_t inc;
	uint32_t ring;
	uint64_t clique;	/* bitmask of node ids expected in its ring */
};

/*
 * A message owed in a window is due @bound after its turn came (see
 * check_live.c) plus @pkt_time for each datagram of up to @pkt_bytes it
 * takes: the longest a token rotation can last there, as a sender with
 * something queued sends at least one datagram per rotation.  Both 0 in
 * hand-written logs: the bound alone.
 */
struct window {
	uint64_t start, converge, end, bound;
	uint64_t pkt_time;
	uint32_t pkt_bytes;
	VEC(struct probe_ent) probe;
};

/* An API call whose result contradicts kp.h. */
struct api_err {
	uint64_t time;
	uint32_t proc;
	char what[96];
};

struct record_log {
	uint32_t n_groups;
	uint32_t mtu;
	VEC(struct ring_info) rings;
	VEC(struct conf_info) confs;
	VEC(struct proc_info) procs;
	VEC(struct msg_info) msgs;
	VEC(struct inc_info) incs;
	VEC(struct inc_log) inclogs;
	VEC(struct window) windows;
	VEC(struct api_err) api_errs;
	uint64_t end_time;
	/* Seen on the wire (coverage): datagrams received carrying the
	 * heads of two or more messages (packing), and token visits whose
	 * multicasts left after the token (the Accelerated Ring).
	 */
	uint64_t packed_dgrams;
	uint64_t accel_visits;
};

void record_init(struct record_log *l);
void record_free(struct record_log *l);

/* Interning and appends used by the harness (and by the checker's tests). */
uint32_t record_ring(struct record_log *l, const struct kp_ring_id *id,
		     const uint32_t *nodes, uint32_t n);
uint32_t record_conf(struct record_log *l, uint32_t group,
		     const struct kp_confchg *c);
uint32_t record_inc(struct record_log *l, uint32_t nodeid, uint64_t now,
		    uint32_t ring);
uint32_t record_proc(struct record_log *l, uint32_t nodeid, uint32_t inc,
		     uint64_t now);
/* Append @r to process @proc's log and to its incarnation's stream. */
struct rec *record_add(struct record_log *l, uint32_t proc, const struct rec *r);
void record_ring_change(struct record_log *l, uint32_t inc, uint64_t now,
			uint64_t call, uint32_t ring);
/* Call @call into incarnation @inc ended; @nomem: an allocation failed. */
void record_call_end(struct record_log *l, uint32_t inc, uint64_t call,
		     int nomem);
uint32_t record_msg(struct record_log *l, uint32_t proc, uint8_t guarantee,
		    uint32_t group, uint32_t len, uint64_t now, uint64_t call,
		    uint32_t ring);
void record_receipt(struct record_log *l, uint32_t msg, uint32_t inc,
		    uint32_t src, int tail, uint64_t now);
void record_api_err(struct record_log *l, uint64_t now, uint32_t proc,
		    const char *fmt, ...) __attribute__((format(printf, 4, 5)));

/* Helpers for the checker. */
static inline struct conf_info *rec_conf(const struct record_log *l,
					 const struct rec *r)
{
	return &l->confs.v[r->ref];
}

int ring_has(const struct ring_info *r, uint32_t nodeid);
/* Message index of (pid, seq), or NO_IDX. */
uint32_t record_find_msg(const struct record_log *l, uint32_t pid, uint32_t seq);
/* The incarnation's current ring at stream position @spos (before it). */
uint32_t record_ring_at(const struct record_log *l, uint32_t inc, uint32_t spos);

#endif
