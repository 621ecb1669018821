/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The layout of every benchmark message and how a receiver checks it.
 *
 *   [struct bench_hdr: 32 bytes][body ...][tail: 8 bytes = seq]
 *
 * The header carries who sent it and its per-sender sequence number; the
 * tail repeats the sequence so a message whose end is stale or torn shows.
 * The body is either a constant pattern per run whose hash the sender
 * computes once (cheap mode: the receiver still hashes every body it gets)
 * or a pattern derived from (sender, seq) that the receiver regenerates and
 * compares byte for byte (full mode).
 */
#ifndef KCPG_BENCH_PAYLOAD_H
#define KCPG_BENCH_PAYLOAD_H

#include <stddef.h>
#include <stdint.h>
#include "bench.h"

#define BENCH_MAGIC	0x4b42454eu	/* "KBEN" */

enum bench_kind {
	KIND_DATA = 1,
	KIND_END = 2,		/* seq = number of DATA messages sent */
	KIND_PING = 3,
	KIND_PONG = 4,
	KIND_SELF = 5,		/* self-delivery latency probe */
};

struct bench_hdr {
	uint32_t magic;
	uint16_t kind;
	uint16_t sender;	/* index of the sending process */
	uint64_t seq;		/* 1-based per sender */
	uint32_t len;		/* of the whole message */
	uint32_t run;		/* distinguishes benchmark points */
	uint64_t check;		/* body hash (cheap mode) or a time stamp */
};

#define BENCH_HDR_SIZE	sizeof(struct bench_hdr)
#define BENCH_TAIL_SIZE	8u

/* Problems found in delivered messages, by kind. */
struct bench_errors {
	uint64_t format;	/* magic, length, run, kind, sender index */
	uint64_t sequence;	/* a gap, duplicate or reorder per sender */
	uint64_t payload;	/* body hash, pattern or tail mismatch */
};

static inline uint64_t bench_errors_total(const struct bench_errors *e)
{
	return e->format + e->sequence + e->payload;
}

/* Word-wise position-dependent hash (two running sums over 64-bit words). */
uint64_t payload_hash(const void *p, size_t len);

/*
 * Writes a whole message into @buf (@len bytes).  In cheap mode the body is
 * the run's constant pattern, written only when @fresh (the buffer is new),
 * and @body_hash is its precomputed hash; in full mode the body is
 * regenerated for every (sender, seq).
 */
void payload_fill(void *buf, uint32_t len, enum bench_verify v, uint32_t run,
		  uint16_t sender, uint64_t seq, uint64_t body_hash, int fresh);

/* The hash of the constant body of a cheap-mode message of @len bytes. */
uint64_t payload_body_hash(uint32_t len, uint32_t run);

/* A small message without body semantics (END, PING, PONG, SELF). */
void payload_control(void *buf, uint32_t len, enum bench_kind kind, uint32_t run,
		     uint16_t sender, uint64_t seq, uint64_t stamp);

/*
 * Checks the format of a delivered message and, for DATA, its tail and
 * body.  Returns the header (copied out, the message may be unaligned) or
 * -1 after counting a format error.
 */
int payload_check(const void *msg, size_t len, enum bench_verify v, uint32_t run,
		  unsigned int n_senders, struct bench_hdr *hdr,
		  struct bench_errors *err);

#endif
