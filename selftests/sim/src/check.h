/* SPDX-License-Identifier: GPL-2.0 OR BSD-3-Clause */
/*
 * The checker: after a run, verify every guarantee on the record log.
 * Each invariant has a name, printed with each violation.  The checker
 * trusts nothing the core says about itself: it works from what processes
 * received (callbacks), what they sent (kp_mcast calls), and what crossed the
 * simulated wire.
 */
#ifndef SIM_CHECK_H
#define SIM_CHECK_H

#include <stdio.h>
#include "record.h"
#include "hmap.h"

enum inv {
	INV_AGREED,		/* agreed-order */
	INV_FIFO,		/* fifo-order */
	INV_SAFE,		/* safe-stability */
	INV_DUP,		/* no-duplicate */
	INV_INTEGRITY,		/* integrity */
	INV_SELF,		/* self-delivery */
	INV_VS,			/* virtual-synchrony */
	INV_VIEW,		/* view-delivery */
	INV_CONFCHG,		/* confchg-consistency */
	INV_TOTEM,		/* totem-confchg */
	INV_LIVENESS,		/* liveness */
	INV_API,		/* api-contract */
	INV_NR
};

const char *inv_name(int inv);
int inv_lookup(const char *name);

struct violation {
	int inv;
	char text[240];
};

#define CHECK_KEEP_PER_INV 4	/* violations kept (for printing) per invariant */

struct check_result {
	uint32_t count[INV_NR];
	VEC(struct violation) v;
};

/*
 * Derived per-record facts every check needs: which view a record falls in,
 * the configuration it was delivered in, and keys that let records of
 * different processes be matched.
 *
 * Extended virtual synchrony compares only processes that deliver in the
 * same configuration.  A record's configuration tag (ctag) is its node's
 * ring for a delivery in a regular configuration, and, for one made in the
 * call that moves the node to a new ring (the old ring's last deliveries,
 * in its transitional configuration), (old ring, new ring, the view the
 * process's NODEDOWN confchg of that change leaves, if any): processes in
 * the same transitional configuration get the same NODEDOWN (or none);
 * processes in different ones of the same group see each other leave.
 *
 * Keys count occurrences: the n-th time a process leaves a view with the
 * same members the same way is a different event from its (n-1)-th.  Two
 * members see the same sequence of confchgs of their group while both are
 * members, so they count alike.  Transitions (tkey) are counted within the
 * configuration they happen in: a member may have made the same transition
 * in a configuration the other was not in (its node paused; it left by its
 * own leave while the others saw it go with NODEDOWN), and counting that
 * would pair different transitions.  The configuration also decides who is
 * compared; a transition two members place in different configurations
 * (a node cannot always tell which ring an event of the call that moved it
 * belongs to) is left uncompared.  Membership
 * agreement compares views (akey) that opened and closed in one
 * configuration, counting a process's departures from a view of the same
 * members over the ring (its regular and transitional configurations):
 * members that share one may have left a view of the same members a
 * different number of times in other rings (one saw its side of a
 * partition shrink to it, the other did not), and counting those would pair
 * different views, while within one ring one node may deliver in the
 * transitional configuration what another delivered in the regular one.
 * Agreement then compares what
 * the members heard next (chash), not a count.  Confchg contents leave out
 * the joined list: at a merge each side sees the other side join.
 */
struct rec_aux {
	uint64_t ctag;		/* DELIVER, CONFCHG: configuration (above) */
	uint64_t evid;		/* CONFCHG: (members after, leavers, ctag, n) */
	uint64_t vkey;		/* CONFCHG: the view it opens (group, members) */
	uint64_t tkey;		/* CONFCHG: the transition from the previous view
				 * (its members, this confchg, n, ctag); 0 if the
				 * process was not a member before it */
	uint64_t akey;		/* CONFCHG: (previous view, ring, n, ctag) if that
				 * view opened in the same configuration, else 0 */
	uint64_t chash;		/* CONFCHG: (members after, leavers, ctag) */
	uint32_t view;		/* last CONFCHG rec index at or before, NO_IDX */
	uint32_t ring;		/* CONFCHG: the node's ring (for reports) */
	uint8_t member;		/* process was a member of a group at this rec */
	uint8_t valid;		/* DELIVER: identified and intact */
};

/* When a message owed in a quiet window is due (see check_live.c). */
struct live_msg {
	uint64_t ord;		/* its first delivery anywhere, NEVER */
	uint64_t turn;		/* its bound starts: sent, converged, and
				 * what its node queued before it ordered */
	uint64_t due;		/* delivered everywhere owed by then */
	uint32_t win;		/* the window, NO_IDX: not owed in one */
};

struct analysis {
	const struct record_log *l;
	struct rec_aux **aux;	/* [proc][rec] */
	uint32_t *self_rec;	/* [msg]: the sender's delivery of it, NO_IDX */
	struct live_msg *live;	/* [msg] */
};

void analysis_build(struct analysis *a, const struct record_log *l);
void analysis_free(struct analysis *a);
int conf_has(const struct conf_info *c, uint32_t nodeid, uint32_t pid,
	     int list /* 0 members 1 left 2 joined */, uint32_t *reason);
/* Someone left with NODEDOWN or joined with NODEUP. */
int conf_node_event(const struct conf_info *c);
/*
 * The ring change that a callback at (@call, stream position @spos) of
 * incarnation @inc is part of, or NO_IDX: the next one in the same call,
 * or, when an allocation failed in that call, in the calls that retried
 * the step until one finished it (see struct nomem_span).
 */
uint32_t ring_change_in_call(const struct record_log *l, uint32_t inc,
			     uint64_t call, uint32_t spos);

/*
 * Was node @nodeid in the transitional configuration of a move from ring
 * @from to ring @to (indices) made at time @t: did it reach @to straight from
 * @from?  A node that was restarted, or went through a ring of its own,
 * came from elsewhere.
 */
int in_transitional(const struct record_log *l, uint32_t nodeid, uint32_t from,
		    uint32_t to, uint64_t t);

void transitional_evidence(const struct analysis *a, uint32_t inc, uint32_t spos,
			   uint32_t from, uint32_t to, uint64_t t,
			   uint64_t *in, uint64_t *out);

/* Run every check; results accumulate in @res. */
void check_run(const struct record_log *l, struct check_result *res);
void check_result_init(struct check_result *res);
void check_result_free(struct check_result *res);
uint32_t check_mask(const struct check_result *res);
void check_report(FILE *f, const struct check_result *res);
void violation(struct check_result *res, int inv, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

/* The individual checks (one file each, roughly). */
void check_basic(const struct analysis *a, struct check_result *res);
void check_order(const struct analysis *a, struct check_result *res);
void check_sync(const struct analysis *a, struct check_result *res);
void check_membership(const struct analysis *a, struct check_result *res);
void check_safe(const struct analysis *a, struct check_result *res);
void check_live(const struct analysis *a, struct check_result *res);

/* Members one commit token of the run's MTU carries (docs/protocol.md,
 * Limits), and the ring @node of @clique must be in: the clique, or when
 * it is larger than @cap, its block of @cap consecutive ids, lowest first.
 */
uint32_t memb_cap(const struct record_log *l);
uint64_t clique_block(uint64_t clique, uint32_t node, uint32_t cap);

/* Must the sender of @msg have delivered it (see check_basic.c)? */
int self_required(const struct record_log *l, const uint8_t *self, uint32_t msg);

/* Liveness scope, shared with the mutations: must @proc deliver @msg by
 * a->live[msg].due (returns the window, or NULL)?
 */
const struct window *live_required(const struct analysis *a, uint32_t msg,
				   uint32_t proc);
/* Fill a->live (called by analysis_build). */
void live_prepare(struct analysis *a);

#endif
