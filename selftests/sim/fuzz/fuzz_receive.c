// SPDX-License-Identifier: GPL-2.0 OR BSD-3-Clause
/*
 * libFuzzer target: arbitrary datagrams into a protocol core, through the
 * simulator so that every callback is exercised as in a real run.
 *
 * Input: byte 0 picks the situation (bit 0: a node whose peers are
 * configured but silent, or node 1 of a formed three-node ring with traffic
 * in flight); then records [from:1][len:2 little endian][bytes:len], each
 * handed to node 1 by kp_receive() as if from node (from % 5: 0 = an
 * unknown node, 1 = itself, 2..3 = peers, 4 = not a peer), followed by
 * (from >> 3) * 100 us of simulated time in which the cluster reacts.
 *
 * Checked: no crash, no sanitizer report, no hang; and the run is
 * deterministic (a fixed seed), so any finding replays.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include "sim.h"

/* A light load: a few small messages of every guarantee in flight. */
static struct sim_opts opts_alone = {
	.nodes = 1, .ideal = 1, .ideal_guarantee = -1, .ideal_size = 200,
	.ideal_gap_us = 20000, .ideal_burst = 2,
};
static struct sim_opts opts_ring = {
	.nodes = 3, .ideal = 1, .ideal_guarantee = -1, .ideal_size = 200,
	.ideal_gap_us = 20000, .ideal_burst = 2,
};

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct sim *s;
	struct node *n1;
	size_t off = 1;
	int ring;

	if (size < 1)
		return 0;
	ring = data[0] & 1;
	s = calloc(1, sizeof(*s));
	if (!s)
		return 0;
	sim_init(s, ring ? &opts_ring : &opts_alone, 1);
	n1 = &s->nodes[1];
	if (!ring) {
		/* Configured peers that never answer. */
		node_peer(s, 1, 2, 1);
		node_peer(s, 1, 3, 1);
	}
	/* Let the ring form and traffic start. */
	sim_run_until(s, s->now + (ring ? 3000000000ULL : 50000000ULL));

	while (off + 3 <= size) {
		uint8_t from_sel = data[off];
		size_t len = data[off + 1] | (size_t)data[off + 2] << 8;
		static const uint32_t from_map[5] = { 0xfffffff0u, 1, 2, 3, 9 };
		uint32_t from = from_map[from_sel % 5];

		off += 3;
		if (len > size - off)
			len = size - off;
		if (n1->alive) {
			sim_call_begin(s, n1);
			kp_receive(n1->kp, from, data + off, len, s->now);
			sim_call_end(s, n1);
		}
		off += len;
		sim_run_until(s, s->now + 1000 + (uint64_t)(from_sel >> 3) * 100000);
	}
	/* And a while longer: timers, retransmissions, recovery. */
	sim_run_until(s, s->now + 500000000ULL);
	sim_destroy(s);
	free(s);
	return 0;
}
