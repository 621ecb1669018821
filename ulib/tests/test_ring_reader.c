// SPDX-License-Identifier: LGPL-2.1-or-later
/* Host tests of the receive ring parser (ring_reader.c) on fake rings. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "../ring_reader.h"
#include "fake_ring.h"
#include "unit.h"

#define RING	4096

static uint64_t ring_mem[RING / 8];

static void ring_reset(struct fake_ring *r, struct kcpg_ring_view *rv, uint64_t start)
{
	memset(ring_mem, 0xa5, sizeof(ring_mem));
	r->data = (uint8_t *)ring_mem;
	r->size = RING;
	r->prod = start;
	rv->data = r->data;
	rv->size = RING;
}

static void empty_ring(void)
{
	struct fake_ring r;
	struct kcpg_ring_view rv;
	struct kcpg_ring_event ev;

	ring_reset(&r, &rv, 0);
	CHECK_EQ(kcpg_ring_next(&rv, 0, 0, &ev), KCPG_RING_EMPTY);
	CHECK_EQ(ev.next, 0);
}

static void message_fields_point_into_ring(void)
{
	struct fake_ring r;
	struct kcpg_ring_view rv;
	struct kcpg_ring_event ev;
	const char text[] = "hello, group";

	ring_reset(&r, &rv, 0);
	CHECK_EQ(fake_ring_push_msg(&r, 0, 3, 4242, text, sizeof(text)), 0);
	CHECK_EQ(kcpg_ring_next(&rv, 0, r.prod, &ev), KCPG_RING_EVENT);
	CHECK_EQ(ev.type, KCPG_REC_MSG);
	CHECK_EQ(ev.msg.rec->nodeid, 3);
	CHECK_EQ(ev.msg.rec->pid, 4242);
	CHECK_EQ(ev.msg.len, sizeof(text));
	CHECK(memcmp(ev.msg.data, text, sizeof(text)) == 0);
	CHECK((const uint8_t *)ev.msg.data == r.data + sizeof(struct kcpg_rec_msg));
	CHECK_EQ(ev.next, r.prod);
	CHECK_EQ(ev.next % KCPG_REC_ALIGN, 0);
	CHECK_EQ(kcpg_ring_next(&rv, ev.next, r.prod, &ev), KCPG_RING_EMPTY);
}

static void empty_message(void)
{
	struct fake_ring r;
	struct kcpg_ring_view rv;
	struct kcpg_ring_event ev;

	ring_reset(&r, &rv, 0);
	CHECK_EQ(fake_ring_push_msg(&r, 0, 1, 2, NULL, 0), 0);
	CHECK_EQ(kcpg_ring_next(&rv, 0, r.prod, &ev), KCPG_RING_EVENT);
	CHECK_EQ(ev.msg.len, 0);
	CHECK_EQ(ev.next, sizeof(struct kcpg_rec_msg));
}

static void confchg_lists(void)
{
	struct fake_ring r;
	struct kcpg_ring_view rv;
	struct kcpg_ring_event ev;
	struct kcpg_address m[3] = { { 1, 10, 0 }, { 1, 11, 0 }, { 2, 5, 0 } };
	struct kcpg_address l[1] = { { 1, 9, 5 } };
	struct kcpg_address j[1] = { { 2, 5, 1 } };

	ring_reset(&r, &rv, 0);
	CHECK_EQ(fake_ring_push_confchg(&r, 0, "grp", m, 3, l, 1, j, 1), 0);
	CHECK_EQ(kcpg_ring_next(&rv, 0, r.prod, &ev), KCPG_RING_EVENT);
	CHECK_EQ(ev.type, KCPG_REC_CONFCHG);
	CHECK_EQ(ev.confchg.group_len, 3);
	CHECK(memcmp(ev.confchg.rec->group.value, "grp", 3) == 0);
	CHECK_EQ(ev.confchg.n_members, 3);
	CHECK_EQ(ev.confchg.n_left, 1);
	CHECK_EQ(ev.confchg.n_joined, 1);
	CHECK(memcmp(ev.confchg.members, m, sizeof(m)) == 0);
	CHECK_EQ(ev.confchg.left[0].pid, 9);
	CHECK_EQ(ev.confchg.left[0].reason, 5);
	CHECK_EQ(ev.confchg.joined[0].nodeid, 2);
	CHECK_EQ(ev.confchg.joined[0].reason, 1);
}

static void totem_and_expelled(void)
{
	struct fake_ring r;
	struct kcpg_ring_view rv;
	struct kcpg_ring_event ev;
	uint32_t nodes[2] = { 1, 4 };

	ring_reset(&r, &rv, 0);
	CHECK_EQ(fake_ring_push_totem(&r, 0, 1, 0x1234567890ULL, nodes, 2), 0);
	CHECK_EQ(fake_ring_push(&r, 0, KCPG_REC_EXPELLED, NULL, 0), 0);
	CHECK_EQ(kcpg_ring_next(&rv, 0, r.prod, &ev), KCPG_RING_EVENT);
	CHECK_EQ(ev.type, KCPG_REC_TOTEM);
	CHECK_EQ(ev.totem.ring_nodeid, 1);
	CHECK(ev.totem.ring_seq == 0x1234567890ULL);
	CHECK_EQ(ev.totem.n_nodes, 2);
	CHECK_EQ(ev.totem.nodes[1], 4);
	CHECK_EQ(kcpg_ring_next(&rv, ev.next, r.prod, &ev), KCPG_RING_EVENT);
	CHECK_EQ(ev.type, KCPG_REC_EXPELLED);
	CHECK_EQ(ev.next, r.prod);
}

static void padding_wraps_to_start(void)
{
	struct fake_ring r;
	struct kcpg_ring_view rv;
	struct kcpg_ring_event ev;
	uint8_t big[200];
	uint64_t start = 10 * RING + RING - 64;	/* 64 bytes before the end */

	memset(big, 0x5c, sizeof(big));
	ring_reset(&r, &rv, start);
	CHECK_EQ(fake_ring_push_msg(&r, start, 8, 9, big, sizeof(big)), 0);
	CHECK_EQ(r.prod, start + 64 + fake_ring_span(16 + sizeof(big)));
	CHECK_EQ(kcpg_ring_next(&rv, start, r.prod, &ev), KCPG_RING_EVENT);
	CHECK_EQ(ev.type, KCPG_REC_MSG);
	CHECK((const uint8_t *)ev.msg.rec == r.data);	/* at the ring's start */
	CHECK(memcmp(ev.msg.data, big, sizeof(big)) == 0);
	CHECK_EQ(ev.next, r.prod);
}

static void padding_alone_is_consumed(void)
{
	struct fake_ring r;
	struct kcpg_ring_view rv;
	struct kcpg_ring_event ev;
	struct kcpg_rec pad = { .len = 32, .type = KCPG_REC_PAD };
	uint64_t start = RING - 32;

	ring_reset(&r, &rv, start);
	memcpy(r.data + start, &pad, sizeof(pad));
	/* The producer published only the padding: EMPTY, but past it. */
	CHECK_EQ(kcpg_ring_next(&rv, start, RING, &ev), KCPG_RING_EMPTY);
	CHECK_EQ(ev.next, RING);
}

static void unknown_record_is_skipped(void)
{
	struct fake_ring r;
	struct kcpg_ring_view rv;
	struct kcpg_ring_event ev;
	uint8_t junk[20] = { 0 };

	ring_reset(&r, &rv, 0);
	CHECK_EQ(fake_ring_push(&r, 0, 77, junk, sizeof(junk)), 0);
	CHECK_EQ(fake_ring_push_msg(&r, 0, 1, 1, "x", 1), 0);
	CHECK_EQ(kcpg_ring_next(&rv, 0, r.prod, &ev), KCPG_RING_EVENT);
	CHECK_EQ(ev.type, KCPG_REC_MSG);
}

/* Overwrite the header of the record at index at. */
static void poke_header(struct fake_ring *r, uint64_t at, uint32_t len, uint16_t type)
{
	struct kcpg_rec hdr = { .len = len, .type = type };

	memcpy(r->data + (at & (r->size - 1)), &hdr, sizeof(hdr));
}

static void corrupt_headers_are_caught(void)
{
	struct fake_ring r;
	struct kcpg_ring_view rv;
	struct kcpg_ring_event ev;

	ring_reset(&r, &rv, 0);
	CHECK_EQ(fake_ring_push_msg(&r, 0, 1, 1, "abcdef", 6), 0);

	poke_header(&r, 0, 4, KCPG_REC_MSG);		/* shorter than a header */
	CHECK_EQ(kcpg_ring_next(&rv, 0, r.prod, &ev), KCPG_RING_CORRUPT);
	poke_header(&r, 0, 16, KCPG_REC_MSG);		/* shorter than a message */
	CHECK_EQ(kcpg_ring_next(&rv, 0, r.prod, &ev), KCPG_RING_CORRUPT);
	poke_header(&r, 0, 4000, KCPG_REC_MSG);		/* past the producer */
	CHECK_EQ(kcpg_ring_next(&rv, 0, r.prod, &ev), KCPG_RING_CORRUPT);
	poke_header(&r, 0, 0xfffffff0u, KCPG_REC_MSG);	/* past the ring */
	CHECK_EQ(kcpg_ring_next(&rv, 0, r.prod, &ev), KCPG_RING_CORRUPT);
	poke_header(&r, 0, 30, KCPG_REC_MSG);		/* fine again */
	CHECK_EQ(kcpg_ring_next(&rv, 0, r.prod, &ev), KCPG_RING_EVENT);

	/* data_len larger than the record */
	((struct kcpg_rec_msg *)r.data)->data_len = 7;
	CHECK_EQ(kcpg_ring_next(&rv, 0, r.prod, &ev), KCPG_RING_CORRUPT);
}

static void corrupt_counts_are_caught(void)
{
	struct fake_ring r;
	struct kcpg_ring_view rv;
	struct kcpg_ring_event ev;
	struct kcpg_address m[2] = { { 1, 1, 0 }, { 1, 2, 0 } };
	struct kcpg_rec_confchg *c;
	uint32_t nodes[1] = { 1 };

	ring_reset(&r, &rv, 0);
	CHECK_EQ(fake_ring_push_confchg(&r, 0, "g", m, 2, NULL, 0, NULL, 0), 0);
	c = (struct kcpg_rec_confchg *)r.data;
	c->n_left = 1;
	CHECK_EQ(kcpg_ring_next(&rv, 0, r.prod, &ev), KCPG_RING_CORRUPT);
	c->n_left = 0;
	c->n_members = 0x80000000u;	/* overflows 32-bit arithmetic */
	c->n_joined = 0x80000000u;
	CHECK_EQ(kcpg_ring_next(&rv, 0, r.prod, &ev), KCPG_RING_CORRUPT);
	c->n_members = 2;
	c->n_joined = 0;
	c->group.length = KCPG_NAME_MAX + 1;
	CHECK_EQ(kcpg_ring_next(&rv, 0, r.prod, &ev), KCPG_RING_CORRUPT);
	c->group.length = KCPG_NAME_MAX;
	CHECK_EQ(kcpg_ring_next(&rv, 0, r.prod, &ev), KCPG_RING_EVENT);

	ring_reset(&r, &rv, 0);
	CHECK_EQ(fake_ring_push_totem(&r, 0, 1, 1, nodes, 1), 0);
	((struct kcpg_rec_totem *)r.data)->n_nodes = 0x40000001u;
	CHECK_EQ(kcpg_ring_next(&rv, 0, r.prod, &ev), KCPG_RING_CORRUPT);
}

static void corrupt_indexes_are_caught(void)
{
	struct fake_ring r;
	struct kcpg_ring_view rv;
	struct kcpg_ring_event ev;
	struct kcpg_rec pad = { .len = 8, .type = KCPG_REC_PAD };

	ring_reset(&r, &rv, 0);
	CHECK_EQ(kcpg_ring_next(&rv, 0, RING + 8, &ev), KCPG_RING_CORRUPT);	/* over full */
	CHECK_EQ(kcpg_ring_next(&rv, 8, 0, &ev), KCPG_RING_CORRUPT);		/* backwards */
	CHECK_EQ(kcpg_ring_next(&rv, 4, 12, &ev), KCPG_RING_CORRUPT);		/* unaligned */
	CHECK_EQ(kcpg_ring_next(&rv, 0, 4, &ev), KCPG_RING_CORRUPT);		/* half a header */
	/* Padding claiming more than was published. */
	memcpy(r.data, &pad, sizeof(pad));
	CHECK_EQ(kcpg_ring_next(&rv, 0, 8, &ev), KCPG_RING_CORRUPT);
	rv.size = 3000;								/* not a power of 2 */
	CHECK_EQ(kcpg_ring_next(&rv, 0, 0, &ev), KCPG_RING_CORRUPT);
}

/* A long run over many wraps: what comes out is what went in. */
static void long_run_with_wraps(void)
{
	struct fake_ring r;
	struct kcpg_ring_view rv;
	uint64_t cons = 0;
	uint32_t sent = 0, got = 0, seed = 99;
	uint8_t buf[600];

	ring_reset(&r, &rv, 0);
	while (got < 5000) {
		struct kcpg_ring_event ev;
		int burst = 0;

		/* Produce until full (or a burst), then consume some. */
		for (;;) {
			uint32_t len;

			seed = seed * 1103515245 + 12345;
			len = 4 + (seed >> 12) % (sizeof(buf) - 4);
			memset(buf, (uint8_t)sent, len);
			memcpy(buf, &sent, 4);
			if (fake_ring_push_msg(&r, cons, 1, sent, buf, len))
				break;
			sent++;
			if (++burst == 7)
				break;
		}
		for (burst = (seed >> 20) % 9; burst >= 0; burst--) {
			enum kcpg_ring_status st = kcpg_ring_next(&rv, cons, r.prod, &ev);
			uint32_t seq;

			if (st == KCPG_RING_EMPTY) {
				cons = ev.next;
				break;
			}
			CHECK_EQ(st, KCPG_RING_EVENT);
			CHECK_EQ(ev.type, KCPG_REC_MSG);
			memcpy(&seq, ev.msg.data, 4);
			CHECK_EQ(seq, got);
			CHECK_EQ(ev.msg.rec->pid, got);
			if (ev.msg.len > 4)
				CHECK_EQ(((const uint8_t *)ev.msg.data)[ev.msg.len - 1], (uint8_t)got);
			got++;
			cons = ev.next;
		}
	}
	CHECK(r.prod > 50 * RING);
}

static const struct unit_case cases[] = {
	UNIT_CASE(empty_ring),
	UNIT_CASE(message_fields_point_into_ring),
	UNIT_CASE(empty_message),
	UNIT_CASE(confchg_lists),
	UNIT_CASE(totem_and_expelled),
	UNIT_CASE(padding_wraps_to_start),
	UNIT_CASE(padding_alone_is_consumed),
	UNIT_CASE(unknown_record_is_skipped),
	UNIT_CASE(corrupt_headers_are_caught),
	UNIT_CASE(corrupt_counts_are_caught),
	UNIT_CASE(corrupt_indexes_are_caught),
	UNIT_CASE(long_run_with_wraps),
};

UNIT_MAIN("ring_reader", cases)
