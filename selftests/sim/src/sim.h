/* SPDX-License-Identifier: GPL-2.0 OR BSD-3-Clause */
/*
 * The simulated world: nodes running the protocol core, processes attached
 * to them, a network between them, and the scenario that disturbs it all.
 * One struct sim is one run of one seed; nothing outlives it.
 */
#ifndef SIM_SIM_H
#define SIM_SIM_H

#include <stdint.h>
#include <stdio.h>
#include "kp.h"
#include "evq.h"
#include "record.h"
#include "rng.h"
#include "trace.h"

#define SIM_MAX_NODES	16
#define SIM_MAX_GROUPS	4
#define SIM_PROC_SLOTS	8	/* processes attached to one node at once */

/* Fault kinds, combinable; the command line's mixes are sets of these. */
enum {
	F_LOSS = 1 << 0,
	F_DUP = 1 << 1,
	F_REORDER = 1 << 2,
	F_PARTITION = 1 << 3,
	F_CRASH = 1 << 4,
	F_PAUSE = 1 << 5,
	F_SLOW = 1 << 6,	/* now and then a handle refuses a delivery */
};

struct sim_opts {
	uint32_t nodes;
	uint32_t faults;
	int verbose;		/* print the trace */
	int mutation;		/* enum mutation, 0 = none */
	uint32_t episodes;	/* disturbance episodes per run, 0 = random */
	uint32_t alloc_fail_ppm;	/* make ops->alloc fail now and then */
	uint32_t mtu;		/* every node's MTU, 0: chosen per seed */
	const char *dump_dir;	/* write received datagrams here (fuzz corpus) */
	uint32_t dump_max;
	uint32_t ideal;		/* no scenario: a steady cluster with this many
				 * processes per node (benchmark, fuzzer) */
	uint32_t ideal_size;	/* ideal: message size (0: the usual mix) */
	int ideal_guarantee;	/* ideal: guarantee (-1: the usual mix) */
	uint32_t ideal_gap_us;	/* ideal: mean time between a process's bursts */
	uint32_t ideal_burst;	/* ideal: messages per burst (until refused) */
	int bench;		/* time the core; callbacks only count */
};

enum pstate {
	P_FREE = 0,		/* slot unused */
	P_IDLE,			/* attached, in no group */
	P_JOINING,
	P_JOINED,
	P_LEAVING,
	P_GONE,			/* expelled; detached at its next step */
};

/* Runtime state of a simulated process (its history is in the record log). */
struct proc {
	uint32_t idx;		/* index in record_log.procs */
	uint32_t node;
	uint32_t inc;
	struct kp_handle *h;
	enum pstate state;
	uint32_t group;
	uint32_t next_seq;
	uint32_t mean_gap_us;	/* mean time between steps */
	uint32_t burst_max;	/* messages per step at most */
	uint32_t leave_pm;	/* per-mille chance a step leaves the group */
	uint32_t kill_pm;	/* per-mille chance a step detaches (kills) it */
	uint32_t refuse_at;	/* refuse this many-th delivery (slow consumer) */
	uint32_t ndeliv;
	uint32_t gone_waits;
};

struct node {
	struct sim *sim;
	uint32_t id;
	int alive;
	int dying;		/* being torn down: swallow sends and callbacks */
	int paused;
	uint32_t inc;		/* current incarnation (record_log.incs index) */
	struct kp_node *kp;
	uint64_t peers;		/* configured peers (bit = node id) */
	uint64_t timer_when[KP_TIMER_NR];
	uint32_t timer_gen[KP_TIMER_NR];
	uint32_t side;		/* partition side */
	uint64_t cut_to;	/* one-way cuts: packets from here to these drop */
	uint64_t tx_clock;	/* when the node's link is free again */
	uint64_t tok_call;	/* sim.call that last sent a token from here */
	uint64_t accel_call;	/* sim.call last counted as accelerated */
	int call_nomem;		/* an allocation failed in the current call */
	uint32_t ring;		/* current ring (record_log.rings index) */
	uint32_t slots;		/* processes this node keeps attached */
	struct proc *procs[SIM_PROC_SLOTS];
	VEC(struct ev) deferred;	/* events held while paused */
};

/* Network conditions, changed by the scenario. */
struct netcond {
	uint32_t loss_ppm;
	uint32_t dup_ppm;
	uint64_t latency;	/* ns, one way */
	uint64_t jitter;	/* ns, uniform extra: reorders */
	uint64_t ns_per_kb;	/* serialisation cost */
};

struct coverage;

struct sim {
	const struct sim_opts *o;
	uint64_t seed;
	struct rng rng_scn, rng_net, rng_wl, rng_mut;
	uint64_t now;
	uint64_t call;		/* top-level calls into any core */
	struct evq q;
	struct kp_config cfg;
	struct kp_ops ops;
	uint32_t n_nodes;
	struct node nodes[SIM_MAX_NODES + 1];	/* by node id, [0] unused */
	VEC(struct proc *) procs;
	struct netcond net;
	struct record_log log;
	struct trace tr;
	struct kp_name groups[SIM_MAX_GROUPS];
	uint32_t n_groups;
	uint64_t end_time;
	uint64_t sending_until;	/* processes stop sending after this */
	uint64_t quiet_changes_until;	/* no leave/detach after (final drain) */
	int big_burst;		/* proc_burst_all() running: bigger messages */
	int mut_done;		/* a callback-time mutation was applied */
	uint32_t mut_countdown;
	uint8_t *scratch;	/* payload assembly and verification */
	uint32_t scratch_cap;
	uint32_t dumped;
	/* Scenario actions (see scenario.c). */
	void *scn;
	/* Statistics for the report. */
	uint64_t n_events, n_packets, n_dropped, n_deliveries;
	uint64_t fc_refusals;
	/* Benchmark: time inside core calls, and inside our callbacks. */
	uint64_t call_t0, core_ns, cb_ns, cb_in_call;
	uint64_t clock_cost;	/* reading the clock twice, + 1; 0 = unknown */
	uint32_t pending_msg;	/* message being sent by kp_mcast now */
	int pending_delivered;
};

/* run.c */
void sim_init(struct sim *s, const struct sim_opts *o, uint64_t seed);
void sim_run(struct sim *s);
void sim_run_until(struct sim *s, uint64_t until);
void sim_destroy(struct sim *s);
void sim_schedule(struct sim *s, uint64_t when, uint32_t type, uint32_t a,
		  uint32_t b, uint32_t inc, uint32_t gen);
/* Bracket every top-level call into a node's core. */
void sim_call_begin(struct sim *s, struct node *n);
void sim_call_end(struct sim *s, struct node *n);

/* node.c */
void node_ops_init(struct kp_ops *ops);
void node_create(struct sim *s, uint32_t id);
void node_crash(struct sim *s, uint32_t id);
void node_peer(struct sim *s, uint32_t id, uint32_t peer, int add);
void node_timer_event(struct sim *s, const struct ev *e);
void node_packet_event(struct sim *s, struct ev *e);
void node_pause(struct sim *s, uint32_t id, int pause);
/* Deferral: returns 1 when @e was held because its node is paused. */
int node_defer(struct sim *s, uint32_t id, const struct ev *e);

/* net.c */
void net_send(struct sim *s, uint32_t src, uint32_t dst, const void *pkt,
	      uint32_t len);
int net_reachable(const struct sim *s, uint32_t src, uint32_t dst);

/* proc.c */
void proc_attach_event(struct sim *s, uint32_t node, uint32_t inc);
void proc_step(struct sim *s, struct proc *p);
void proc_kill_all(struct sim *s, struct node *n);	/* at crash */
void proc_burst_all(struct sim *s);
void proc_detach(struct sim *s, struct proc *p);
struct proc *proc_by_handle(struct node *n, struct kp_handle *h);
uint32_t group_index(const struct sim *s, const struct kp_name *g);

/* scenario.c */
void scenario_plan(struct sim *s);
void scenario_action(struct sim *s, uint32_t idx);
void scenario_free(struct sim *s);

#endif
