/* SPDX-License-Identifier: GPL-2.0 OR BSD-3-Clause */
/*
 * Message payloads.  Every byte a simulated process sends is a function of
 * (pid, seq), so a receiver can tell exactly which message it got and whether
 * any byte was lost, moved or invented, and a checksum over the whole payload
 * catches what slips through.
 *
 * Markers (magic + pid + seq) sit twice at the head and twice at the tail.
 * The simulator scans every datagram a node receives for them: a node that
 * has seen a head and a tail marker of a message has received (at least the
 * ends of) it, which is what the SAFE check needs ("every member has the
 * message").  Two copies at each end, 16 bytes apart, guarantee that one
 * survives whole whatever byte boundary the core fragments at.
 *
 *   [0,16)        head A: MAGIC_HA pid seq len
 *   [16,32)       head B: MAGIC_HB pid seq guarantee<<24|group
 *   [32,40)       sender nodeid, checksum (of the payload with this word 0)
 *   [40,len-32)   body: f(pid, seq, offset)
 *   [len-32,len)  tail A, tail B: MAGIC_T* pid seq len
 */
#ifndef SIM_PAYLOAD_H
#define SIM_PAYLOAD_H

#include <stddef.h>
#include <stdint.h>

#define PAYLOAD_MIN	72u

struct payload_id {
	uint32_t pid, seq, len, nodeid, guarantee, group;
};

/* Fill @buf (@id->len bytes) with the payload of @id. */
void payload_fill(uint8_t *buf, const struct payload_id *id);

/* What a received payload says about itself. */
enum payload_verdict {
	PAYLOAD_OK = 0,
	PAYLOAD_SHORT,		/* shorter than PAYLOAD_MIN */
	PAYLOAD_NO_HEAD,	/* no head marker: not a message we sent */
	PAYLOAD_BAD_HEADER,	/* head/tail markers disagree with each other */
	PAYLOAD_BAD_CHECKSUM,
	PAYLOAD_BAD_BODY,
};

/* Parse and verify @len bytes at @buf; fills @id when the head is readable. */
enum payload_verdict payload_verify(const uint8_t *buf, size_t len,
				    struct payload_id *id);
const char *payload_verdict_str(enum payload_verdict v);

/* Calls @fn for every whole marker found in @pkt. */
void payload_scan(const uint8_t *pkt, size_t len,
		  void (*fn)(void *arg, uint32_t pid, uint32_t seq, int tail),
		  void *arg);

#endif
