/* SPDX-License-Identifier: GPL-2.0 OR BSD-3-Clause */
/*
 * Mutations: deliberate bugs that prove the checker.  Each one breaks what
 * the harness records from a core (or, for two of them, what the harness
 * sees while running) in the way a protocol bug would, and must make the
 * checker report exactly one invariant: its own.  See README.md.
 */
#ifndef SIM_MUTATE_H
#define SIM_MUTATE_H

#include <stddef.h>
#include <stdint.h>
#include "record.h"
#include "rng.h"

enum mutation {
	MUT_NONE,
	MUT_AGREED_SWAP,	/* two AGREED deliveries swapped at one member */
	MUT_FIFO_SWAP,		/* two FIFO deliveries of one sender swapped */
	MUT_SAFE_EARLY,		/* a SAFE message delivered when it was sent */
	MUT_DUP,		/* a delivery repeated */
	MUT_CORRUPT,		/* one payload byte flipped on delivery */
	MUT_SELF_DROP,		/* a sender misses its own message */
	MUT_VS_DROP,		/* one member misses a message its peers got */
	MUT_VIEW_STRAY,		/* a message delivered after the receiver left */
	MUT_CONF_UNSORTED,	/* a confchg member list out of order */
	MUT_CONF_DROP,		/* a confchg missed by one member */
	MUT_LIVE_DELAY,		/* a delivery held a bound past its due time */
	MUT_LIVE_STARVE,	/* a node's messages wait for others' backlog */
	MUT_TOTEM_UNSORTED,	/* a totem confchg node list out of order */
	MUT_API,		/* a correct API result reported as wrong */
	MUT_NR
};

struct mutation_desc {
	const char *name;
	const char *inv;	/* the invariant it must trigger */
	int runtime;		/* applied while running, not to the log */
	const char *what;
};

extern const struct mutation_desc mutation_table[MUT_NR];
int mutation_lookup(const char *name);

struct sim;
struct proc;
/* Runtime mutations (harness hooks). */
void mutate_at_delivery(struct sim *s, struct proc *p, uint8_t *buf, size_t len,
			uint32_t guarantee);
int mutate_api(struct sim *s);

/* Log mutations: 1 when applied, 0 when this run offers no place for it. */
int mutate_log(struct record_log *l, int mutation, struct rng *r);

#endif
