/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * A producer for receive rings in plain memory, writing records the way the
 * uapi header describes them (8-aligned, never wrapping: padding to the end
 * of the ring first).  Used by the ring parser tests and the fake kernel.
 */
#ifndef KCPG_ULIB_TESTS_FAKE_RING_H
#define KCPG_ULIB_TESTS_FAKE_RING_H

#include <stdint.h>
#include <linux/kcpg.h>

struct fake_ring {
	uint8_t *data;
	uint64_t size;		/* a power of two */
	uint64_t prod;
};

/* A record waiting to be written: its type and the bytes after its header. */
struct fake_rec {
	uint16_t type;
	uint32_t body_len;
	uint8_t body[];
};

/* Records to push (malloc'ed; free() them).  NULL when out of memory. */
struct fake_rec *fake_rec_msg(uint32_t nodeid, uint32_t pid, const void *data, uint32_t len);
struct fake_rec *fake_rec_confchg(const char *group,
				  const struct kcpg_address *members, uint32_t n_members,
				  const struct kcpg_address *left, uint32_t n_left,
				  const struct kcpg_address *joined, uint32_t n_joined);
struct fake_rec *fake_rec_totem(uint32_t rep, uint64_t seq, const uint32_t *nodes, uint32_t n_nodes);
struct fake_rec *fake_rec_raw(uint16_t type, const void *body, uint32_t body_len);

/*
 * Append rec; cons is the consumer's index (for the free space).
 * 0, or -1 when it does not fit now.
 */
int fake_ring_push_rec(struct fake_ring *r, uint64_t cons, const struct fake_rec *rec);

/* Build, push and free in one go. */
int fake_ring_push(struct fake_ring *r, uint64_t cons, uint16_t type,
		   const void *body, uint32_t body_len);
int fake_ring_push_msg(struct fake_ring *r, uint64_t cons, uint32_t nodeid,
		       uint32_t pid, const void *data, uint32_t len);
int fake_ring_push_confchg(struct fake_ring *r, uint64_t cons, const char *group,
			   const struct kcpg_address *members, uint32_t n_members,
			   const struct kcpg_address *left, uint32_t n_left,
			   const struct kcpg_address *joined, uint32_t n_joined);
int fake_ring_push_totem(struct fake_ring *r, uint64_t cons, uint32_t rep, uint64_t seq,
			 const uint32_t *nodes, uint32_t n_nodes);

/* Bytes a record with body_len bytes of body takes, padding excluded. */
uint64_t fake_ring_span(uint32_t body_len);

#endif
