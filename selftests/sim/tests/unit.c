// SPDX-License-Identifier: GPL-2.0 OR BSD-3-Clause
/*
 * Unit tests of the simulator's own parts: the PRNG, the event queue, the
 * payload format and its wire scan, the hash map, and the checker on small
 * hand-written logs (a clean one, then one broken log per invariant: each
 * must trip exactly that invariant).  The core is not involved.
 */
#include <stdio.h>
#include <string.h>
#include "rng.h"
#include "evq.h"
#include "hmap.h"
#include "payload.h"
#include "record.h"
#include "check.h"

static unsigned passed, failed;

#define CHECK(cond, ...) do {						\
	if (cond) {							\
		passed++;						\
	} else {							\
		failed++;						\
		printf("FAIL %s:%d: ", __FILE__, __LINE__);		\
		printf(__VA_ARGS__);					\
		printf("\n");						\
	}								\
} while (0)

static void test_rng(void)
{
	struct rng a, b, c;
	int i, same = 1, differ = 0, inrange = 1;

	rng_seed(&a, 42, 1);
	rng_seed(&b, 42, 1);
	rng_seed(&c, 42, 2);
	for (i = 0; i < 1000; i++) {
		uint64_t x = rng_next(&a), y = rng_next(&b), z = rng_next(&c);
		uint64_t r = rng_range(&a, 5, 9);

		(void)rng_next(&b);
		same &= x == y;
		differ |= x != z;
		inrange &= r >= 5 && r <= 9;
	}
	CHECK(same, "same seed and stream must give the same sequence");
	CHECK(differ, "streams must differ");
	CHECK(inrange, "rng_range out of range");
	CHECK(rng_below(&a, 0) == 0, "rng_below(0)");
}

static void test_evq(void)
{
	struct evq q;
	struct ev e;
	uint64_t times[] = { 50, 10, 30, 10, 20, 10 };
	uint32_t i, last_t = 0, order_ok = 1, n = 0;
	uint32_t seen10[3], k = 0;

	evq_init(&q);
	for (i = 0; i < 6; i++) {
		memset(&e, 0, sizeof(e));
		e.time = times[i];
		e.a = i;
		evq_push(&q, &e);
	}
	while (evq_pop(&q, &e)) {
		order_ok &= e.time >= last_t;
		last_t = (uint32_t)e.time;
		if (e.time == 10 && k < 3)
			seen10[k++] = e.a;
		n++;
	}
	CHECK(n == 6 && order_ok, "events must pop in time order");
	CHECK(k == 3 && seen10[0] == 1 && seen10[1] == 3 && seen10[2] == 5,
	      "equal times must pop in insertion order");
	evq_free(&q);
}

struct scan_hits {
	int head, tail;
	uint32_t pid, seq;
};

static void on_hit(void *arg, uint32_t pid, uint32_t seq, int tail)
{
	struct scan_hits *h = arg;

	if (pid == h->pid && seq == h->seq) {
		if (tail)
			h->tail = 1;
		else
			h->head = 1;
	}
}

static void test_payload(void)
{
	struct payload_id id = { 1234, 77, 0, 3, KP_SAFE, 2 }, got;
	static uint8_t buf[70000];
	uint32_t lens[] = { PAYLOAD_MIN, PAYLOAD_MIN + 1, 1000, 4097, 65536 };
	uint32_t i, cut;
	int all_found = 1;

	for (i = 0; i < sizeof(lens) / sizeof(lens[0]); i++) {
		id.len = lens[i];
		payload_fill(buf, &id);
		CHECK(payload_verify(buf, id.len, &got) == PAYLOAD_OK &&
		      got.pid == 1234 && got.seq == 77 && got.len == id.len &&
		      got.guarantee == KP_SAFE && got.group == 2 && got.nodeid == 3,
		      "round trip of a %u byte payload", id.len);
	}
	id.len = 1000;
	payload_fill(buf, &id);
	/* Any single flipped byte is caught, wherever it is. */
	for (i = 0; i < id.len; i += 7) {
		buf[i] ^= 1;
		if (payload_verify(buf, id.len, &got) == PAYLOAD_OK)
			all_found = 0;
		buf[i] ^= 1;
	}
	CHECK(all_found, "a flipped byte went unnoticed");
	CHECK(payload_verify(buf, id.len - 1, &got) != PAYLOAD_OK, "truncation");
	CHECK(payload_verify(buf, 10, &got) == PAYLOAD_SHORT, "short");
	memset(buf, 0, 100);
	CHECK(payload_verify(buf, 100, &got) == PAYLOAD_NO_HEAD, "no head");

	/* The wire scan finds a head and a tail marker whatever the cut. */
	payload_fill(buf, &id);
	all_found = 1;
	for (cut = 1; cut < id.len; cut++) {
		struct scan_hits h = { 0, 0, 1234, 77 };

		payload_scan(buf, cut, on_hit, &h);
		payload_scan(buf + cut, id.len - cut, on_hit, &h);
		if (!h.head || !h.tail)
			all_found = 0;
	}
	CHECK(all_found, "markers lost at some fragment boundary");
}

static void test_hmap(void)
{
	struct hmap m;
	uint64_t i;
	int ok = 1, fresh;

	hmap_init(&m);
	for (i = 1; i <= 5000; i++)
		*hmap_put(&m, i * 7919, 0, &fresh) = i;
	for (i = 1; i <= 5000; i++) {
		uint64_t *v = hmap_get(&m, i * 7919);

		ok &= v && *v == i;
	}
	CHECK(ok && m.n == 5000, "hmap lost entries");
	CHECK(!hmap_get(&m, 3), "hmap invented an entry");
	hmap_put(&m, 7919, 9, &fresh);
	CHECK(!fresh, "hmap_put on an existing key");
	hmap_free(&m);
}

void test_checker_logs(unsigned *passed, unsigned *failed);

int main(void)
{
	test_rng();
	test_evq();
	test_payload();
	test_hmap();
	test_checker_logs(&passed, &failed);
	printf("%u passed, %u failed\n", passed, failed);
	return failed ? 1 : 0;
}
