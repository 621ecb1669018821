/* SPDX-License-Identifier: GPL-2.0 OR BSD-3-Clause */
/*
 * Test harness for the protocol core: an embedder (struct kp_ops) that
 * records every callback, counts memory, can fail allocations on demand,
 * and a deterministic network of nodes for the multi-node tests.
 */
#ifndef KP_TEST_TH_H
#define KP_TEST_TH_H

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../kp.h"

/* ------------------------------------------------------------ checks */

extern int th_failed_checks;
extern int th_trace_on;
extern uint64_t th_clock;
extern const char *th_current;

#define CHECK(cond) do {						\
	if (!(cond)) {							\
		th_failed_checks++;					\
		fprintf(stderr, "  %s:%d: %s: CHECK(%s) failed\n",	\
			__FILE__, __LINE__, th_current, #cond);		\
	}								\
} while (0)

#define CHECK_EQ(a, b) do {						\
	long long _a = (long long)(a), _b = (long long)(b);		\
	if (_a != _b) {							\
		th_failed_checks++;					\
		fprintf(stderr, "  %s:%d: %s: %s == %lld, want %s == %lld\n", \
			__FILE__, __LINE__, th_current, #a, _a, #b, _b);	\
	}								\
} while (0)

struct th_test {
	const char *name;
	void (*fn)(void);
};

#define TH_TEST(fn) { #fn, fn }

/* ----------------------------------------------------------- events */

enum th_ev_kind { EV_MSG, EV_CONFCHG, EV_TOTEM, EV_EXPELLED };

struct th_ev {
	enum th_ev_kind kind;
	char group[KP_NAME_MAX + 1];
	/* EV_MSG */
	uint32_t nodeid, pid, guarantee, len;
	uint64_t hash;			/* of the payload */
	uint32_t tag_pid, tag_ctr;	/* th_send_tagged() header */
	int tag_ok;			/* payload matches its tag */
	const void *first_base;		/* iov[0].base as delivered */
	uint32_t iovcnt;
	/* EV_CONFCHG */
	struct kp_address members[64], left[64], joined[64];
	uint32_t n_members, n_left, n_joined;
	/* EV_TOTEM */
	struct kp_ring_id ring;
	uint32_t nodes[KP_MAX_NODES];
	uint32_t n_nodes;
};

struct th_node;

/* A test process: one handle, and what it was given. */
struct th_proc {
	struct th_node *tn;
	struct kp_handle *h;
	uint32_t pid;
	struct th_ev *ev;
	int n_ev, cap_ev;
	int refuse;			/* return KP_EAGAIN from now on */
	int refuse_after;		/* > 0: accept that many, then refuse */
	int expelled;
	uint64_t n_msgs;		/* kp-bench: deliveries */
};

struct th_pkt {
	struct th_pkt *next;
	uint64_t at;
	uint32_t from, to;
	size_t len;
	unsigned char data[];
};

struct th_net;

struct th_node {
	struct th_net *net;
	struct kp_node *node;
	uint32_t nodeid;
	uint64_t timers[KP_TIMER_NR];
	long allocs, frees;
	long fail_at;			/* fail the fail_at-th alloc (1-based) */
	int fail_all;			/* every alloc fails */
	size_t fail_over;		/* allocs above this size fail; 0: none */
	long n_alloc_calls;
	long pkts_sent;
	long sent_type[32];		/* pkts_sent by packet type */
	long tokens, retransmits;	/* the tracing observers' calls */
	uint32_t mtu;
	int down;			/* crashed: neither sends nor receives */
};

struct th_node *th_node_new(uint32_t nodeid);
void th_node_free(struct th_node *tn);	/* destroys, checks no leak */
struct th_proc *th_proc_new(struct th_node *tn, uint32_t pid);
void th_proc_free(struct th_proc *p);	/* detaches if attached */
void th_proc_detach(struct th_proc *p);
struct kp_name th_name(const char *s);
int th_join(struct th_proc *p, const char *g);
int th_leave(struct th_proc *p, const char *g);
int th_send(struct th_proc *p, enum kp_guarantee g, const void *buf,
	    uint32_t len);
uint64_t th_hash(const void *buf, size_t len);
/* A message that says who sent it, its number, and checks itself. */
int th_send_tagged(struct th_proc *p, enum kp_guarantee g, uint32_t ctr,
		   uint32_t len);
/* Agreed order, FIFO, no duplicates, integrity over @n processes. */
int th_check_order(struct th_proc **procs, int n);
int th_count_tagged(const struct th_proc *p, uint32_t pid);
void th_clear(struct th_proc *p);
const struct th_ev *th_last(const struct th_proc *p);
int th_count(const struct th_proc *p, enum th_ev_kind k);

extern const struct kp_ops th_ops;

/* ---------------------------------------------------------- network */

#define TH_MAX_NODES 16
/* The nodes' hold_timeout (th_net_node_create()). */
#define TH_HOLD_TIMEOUT 30000000ull

struct th_net {
	struct th_node *nodes[TH_MAX_NODES];
	int n;
	uint64_t now;
	uint64_t rng;
	struct th_pkt *q;		/* in flight, sorted by time */
	struct th_pkt *q_tail;
	unsigned loss_pct, dup_pct;
	unsigned loss_types;		/* loss_pct only for these packet
					 * types (1 << type); 0: all
					 */
	long lost[8];			/* by packet type */
	uint64_t min_delay, max_delay;	/* ns */
	unsigned char cut[TH_MAX_NODES][TH_MAX_NODES];	/* 1: no link */
	long delivered_pkts;
	uint32_t mtu;			/* 0: the default */
};

struct th_net *th_net_new(int n, uint64_t seed);
struct th_node *th_net_node_create(struct th_net *net, uint32_t id);
void th_net_free(struct th_net *net);
/* Run until @until (absolute ns); returns events processed. */
long th_net_run(struct th_net *net, uint64_t until);
/* Run until every node has @n ring members and is idle, or @limit. */
int th_net_settle(struct th_net *net, uint64_t limit);
void th_net_partition(struct th_net *net, const int *side, int n_side);
void th_net_heal(struct th_net *net);
void th_net_crash(struct th_net *net, int i);
void th_net_restart(struct th_net *net, int i);
uint32_t th_ring_size(struct th_node *tn);

#endif /* KP_TEST_TH_H */
