/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * Parsing the receive ring the kernel shares with us (see linux/kcpg.h).
 *
 * Pure functions over memory, so the host tests can run them on a fake ring.
 * The records are produced by the kernel, but a record that would make us
 * read outside the ring (a length or count that does not fit) is reported as
 * corruption rather than trusted: a bug on either side must not become a
 * wild read in the application.
 */
#ifndef KCPG_ULIB_RING_READER_H
#define KCPG_ULIB_RING_READER_H

#include <stdint.h>
#include <linux/kcpg.h>

struct kcpg_ring_view {
	const uint8_t *data;	/* the ring area */
	uint64_t size;		/* a power of two */
};

enum kcpg_ring_status {
	KCPG_RING_EMPTY,	/* nothing between consumer and producer */
	KCPG_RING_EVENT,	/* *ev holds the next record */
	KCPG_RING_CORRUPT,	/* the indexes or a record make no sense */
};

/* One record, with pointers into the ring. */
struct kcpg_ring_event {
	uint16_t type;		/* KCPG_REC_MSG, _CONFCHG, _TOTEM or _EXPELLED */
	uint64_t next;		/* consumer index past this record */
	union {
		struct {
			const struct kcpg_rec_msg *rec;
			const void *data;
			uint32_t len;
		} msg;
		struct {
			const struct kcpg_rec_confchg *rec;
			uint32_t group_len;	/* <= KCPG_NAME_MAX */
			const struct kcpg_address *members, *left, *joined;
			uint32_t n_members, n_left, n_joined;
		} confchg;
		struct {
			const struct kcpg_rec_totem *rec;
			uint32_t ring_nodeid;
			uint64_t ring_seq;
			const uint32_t *nodes;
			uint32_t n_nodes;
		} totem;
	};
};

/*
 * The next record from consumer index cons, given the producer index prod
 * (read with acquire semantics by the caller).  Padding and record types
 * this library does not know are skipped.  ev->next is set for every
 * status but CORRUPT: after EMPTY it is where the skipped padding ends, so
 * the caller can publish it and free that space too.
 */
enum kcpg_ring_status kcpg_ring_next(const struct kcpg_ring_view *rv,
				     uint64_t cons, uint64_t prod,
				     struct kcpg_ring_event *ev);

#endif
