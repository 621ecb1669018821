// SPDX-License-Identifier: GPL-2.0 OR BSD-3-Clause
/*
 * The decoder: every malformed datagram is dropped, counted, and changes
 * nothing; random damage to real datagrams never hurts a running ring.
 */
#include "th.h"
#include "tests.h"
#include "../kp_wire.h"

#define MS 1000000ull

/* Captures what node 1 sends, to replay it damaged. */
struct capture {
	unsigned char pkt[64][2048];
	size_t len[64];
	int n;
};

static struct capture cap;

static void capture_pkts(struct th_net *net)
{
	struct th_pkt *p;

	for (p = net->q; p && cap.n < 64; p = p->next) {
		if (p->len > sizeof(cap.pkt[0]))
			continue;
		memcpy(cap.pkt[cap.n], p->data, p->len);
		cap.len[cap.n++] = p->len;
	}
}

static uint64_t dropped(struct th_node *tn)
{
	struct kp_stats st;

	kp_stats_get(tn->node, &st);
	return st.pkts_dropped;
}

/* One handcrafted bad datagram: dropped, counted, KP_EPROTO. */
static void bad(struct th_node *tn, uint32_t from, const void *pkt,
		size_t len, int line)
{
	uint64_t d = dropped(tn);
	int rc = kp_receive(tn->node, from, pkt, len, tn->net->now);

	if (rc != KP_EPROTO || dropped(tn) != d + 1) {
		th_failed_checks++;
		fprintf(stderr, "  test_wire.c:%d: %s: rc %d, dropped %llu -> %llu\n",
			line, th_current, rc, (unsigned long long)d,
			(unsigned long long)dropped(tn));
	}
}

#define BAD(tn, from, pkt, len) bad(tn, from, pkt, len, __LINE__)

static void hdr(unsigned char *b, uint8_t type, uint32_t sender, uint32_t len)
{
	memset(b, 0, len);
	b[0] = KP_WIRE_VERSION_MAX;
	b[1] = type;
	memcpy(b + 4, &sender, 4);
	memcpy(b + 8, &len, 4);
}

static void t_wire_malformed(void)
{
	struct th_net *net = th_net_new(3, 21);
	struct th_node *tn;
	unsigned char b[512];
	uint32_t v;

	CHECK(th_net_settle(net, 5000 * MS));
	tn = net->nodes[0];
	/* truncated / empty */
	BAD(tn, 2, b, 0);
	hdr(b, KP_PT_TOKEN, 2, 11);
	BAD(tn, 2, b, 11);
	/* length field lies */
	hdr(b, KP_PT_MERGE, 2, KP_RG_LEN);
	v = KP_RG_LEN + 1;
	memcpy(b + 8, &v, 4);
	BAD(tn, 2, b, KP_RG_LEN);
	/* unknown version, unknown type, reserved bits */
	hdr(b, KP_PT_MERGE, 2, KP_RG_LEN);
	b[0] = KP_WIRE_VERSION_MAX + 1;
	BAD(tn, 2, b, KP_RG_LEN);
	hdr(b, 77, 2, KP_RG_LEN);
	BAD(tn, 2, b, KP_RG_LEN);
	hdr(b, KP_PT_MERGE, 2, KP_RG_LEN);
	b[2] = 1;
	BAD(tn, 2, b, KP_RG_LEN);
	/* sender is not the source, not a peer, or ourselves */
	hdr(b, KP_PT_MERGE, 3, KP_RG_LEN);
	BAD(tn, 2, b, KP_RG_LEN);
	hdr(b, KP_PT_MERGE, 9, KP_RG_LEN);
	BAD(tn, 9, b, KP_RG_LEN);
	hdr(b, KP_PT_MERGE, 1, KP_RG_LEN);
	BAD(tn, 1, b, KP_RG_LEN);
	/* MERGE with a zero representative */
	hdr(b, KP_PT_MERGE, 2, KP_RG_LEN);
	BAD(tn, 2, b, KP_RG_LEN);
	/* TOKEN: rtr count beyond the datagram, aru above seq */
	hdr(b, KP_PT_TOKEN, 2, KP_TK_HDR_LEN);
	kp_put32(b, KP_TK_RING, 1);
	kp_put64(b, KP_TK_TSEQ, 1);
	kp_put32(b, KP_TK_RTR_N, 3);
	BAD(tn, 2, b, KP_TK_HDR_LEN);
	kp_put32(b, KP_TK_RTR_N, 0);
	kp_put64(b, KP_TK_SEQ, 5);
	kp_put64(b, KP_TK_ARU, 6);
	BAD(tn, 2, b, KP_TK_HDR_LEN);
	/* JOIN: counts disagree with the length, unsorted ids, sender absent */
	hdr(b, KP_PT_JOIN, 2, KP_JN_IDS + 8);
	kp_put32(b, KP_JN_RING, 2);
	kp_put8(b, KP_JN_VMIN, 1);
	kp_put8(b, KP_JN_VMAX, 1);
	kp_put32(b, KP_JN_NPROC, 3);
	BAD(tn, 2, b, KP_JN_IDS + 8);
	kp_put32(b, KP_JN_NPROC, 2);
	kp_put32(b, KP_JN_IDS, 3);
	kp_put32(b, KP_JN_IDS + 4, 2);
	BAD(tn, 2, b, KP_JN_IDS + 8);
	kp_put32(b, KP_JN_IDS, 1);
	kp_put32(b, KP_JN_IDS + 4, 3);
	BAD(tn, 2, b, KP_JN_IDS + 8);
	/* COMMIT: one member, or a representative that is not the smallest */
	hdr(b, KP_PT_COMMIT, 2, KP_CM_ENTRIES + KP_CE_LEN);
	kp_put32(b, KP_CM_NMEMB, 1);
	BAD(tn, 2, b, KP_CM_ENTRIES + KP_CE_LEN);
	hdr(b, KP_PT_COMMIT, 2, KP_CM_ENTRIES + 2 * KP_CE_LEN);
	kp_put32(b, KP_CM_RING, 2);
	kp_put64(b, KP_CM_TSEQ, 1);
	kp_put32(b, KP_CM_NMEMB, 2);
	kp_put8(b, KP_CM_PHASE, 1);
	kp_put8(b, KP_CM_VERSION, 1);
	kp_put32(b, KP_CM_ENTRIES, 1);
	kp_put32(b, KP_CM_ENTRIES + KP_CE_LEN, 2);
	BAD(tn, 2, b, KP_CM_ENTRIES + 2 * KP_CE_LEN);
	/* MCAST: fragment past its message, first flag with an offset */
	hdr(b, KP_PT_MCAST, 2, KP_MC_HDR_LEN + 20);
	kp_put32(b, KP_MC_RING, 1);
	kp_put64(b, KP_MC_SEQ, 1);
	kp_put32(b, KP_MC_SSEQ, 1);
	kp_put32(b, KP_MC_ORIGIN, 2);
	kp_put8(b, KP_MC_FLAGS, KP_MF_FIRST | KP_MF_LAST);
	kp_put32(b, KP_MC_MSGLEN, 10);
	BAD(tn, 2, b, KP_MC_HDR_LEN + 20);
	kp_put32(b, KP_MC_MSGLEN, 40);
	kp_put32(b, KP_MC_OFF, 20);
	BAD(tn, 2, b, KP_MC_HDR_LEN + 20);
	kp_put32(b, KP_MC_MSGLEN, (1u << 30));
	kp_put32(b, KP_MC_OFF, 0);
	kp_put8(b, KP_MC_FLAGS, KP_MF_FIRST);
	BAD(tn, 2, b, KP_MC_HDR_LEN + 20);
	/* The ring still works. */
	CHECK(th_net_settle(net, 5000 * MS));
	CHECK_EQ(th_ring_size(tn), 3);
	th_net_free(net);
}

/* Damage a captured datagram in one of @kinds ways. */
static size_t damage(unsigned char *b, size_t len, uint64_t *rng, int kinds)
{
	uint64_t r;
	uint32_t v;

	*rng = *rng * 6364136223846793005ull + 1442695040888963407ull;
	r = *rng >> 16;
	switch (r % kinds) {
	case 0:		/* a replay of the same datagram */
		return len;
	case 1:		/* cut short */
		return (r >> 8) % len;
	case 2:		/* a length field that lies */
		v = (uint32_t)len + 1 + (r >> 8) % 100;
		memcpy(b + 8, &v, 4);
		return len;
	case 3:		/* a version nobody speaks */
		b[0] = (unsigned char)(KP_WIRE_VERSION_MAX + 1 + (r >> 8) % 100);
		return len;
	case 4:		/* a sender that is not the source */
		v = 1000 + (r >> 8) % 5;
		memcpy(b + 4, &v, 4);
		return len;
	case 5:		/* random bytes */
		for (v = 0; v < len; v++)
			b[v] = (unsigned char)(r >> (v % 40));
		return len;
	case 6:		/* a bit flipped anywhere */
		b[(r >> 8) % len] ^= 1 << ((r >> 4) % 8);
		return len;
	default:	/* a word set to all ones anywhere */
		memset(b + (r >> 8) % (len - 3), 0xff, 4);
		return len;
	}
}

/* Feed @rounds of damaged copies of what is in flight to the ring. */
static void damage_run(struct th_net *net, struct th_proc **p, int rounds,
		       int kinds)
{
	uint64_t rng = 12345 + kinds;
	int i, k, round;

	for (round = 0; round < rounds; round++) {
		for (i = 0; i < 3; i++)
			th_send_tagged(p[i], round % 4, round, 20 + round * 97);
		cap.n = 0;
		capture_pkts(net);
		for (k = 0; k < cap.n * 8; k++) {
			unsigned char b[2048];
			size_t len = cap.len[k % cap.n];
			uint32_t from;

			memcpy(b, cap.pkt[k % cap.n], len);
			memcpy(&from, b + 4, 4);
			len = damage(b, len, &rng, kinds);
			kp_receive(net->nodes[(k + 1) % 3]->node, from, b, len,
				   net->now);
		}
		th_net_run(net, net->now + 20 * MS);
	}
}

/*
 * Damage the decoder must catch (replays, truncation, lying lengths,
 * unknown versions, wrong senders, noise) changes nothing: every message
 * is delivered, in one order, intact.
 */
static void t_wire_damage_rejected(void)
{
	struct th_net *net = th_net_new(3, 22);
	struct th_proc *p[3];
	int i;

	CHECK(th_net_settle(net, 5000 * MS));
	for (i = 0; i < 3; i++) {
		p[i] = th_proc_new(net->nodes[i], 100 + i);
		th_join(p[i], "g");
	}
	th_net_run(net, net->now + 300 * MS);
	damage_run(net, p, 40, 6);
	th_net_run(net, net->now + 3000 * MS);
	CHECK(th_check_order(p, 3));
	for (i = 0; i < 3; i++)
		CHECK_EQ(th_count(p[i], EV_MSG), 120);
	for (i = 0; i < 3; i++)
		th_proc_free(p[i]);
	th_net_free(net);
}

/*
 * Damage that still parses (a flipped bit, a field of ones) is taken at
 * face value: peers are trusted for content (the module authenticates
 * every datagram).  Even then nothing may crash, leak or grow without
 * bound (ASan, the leak check at th_node_free()).
 */
static void t_wire_damage_any(void)
{
	struct th_net *net = th_net_new(3, 24);
	struct th_proc *p[3];
	int i;

	CHECK(th_net_settle(net, 5000 * MS));
	for (i = 0; i < 3; i++) {
		p[i] = th_proc_new(net->nodes[i], 100 + i);
		th_join(p[i], "g");
	}
	th_net_run(net, net->now + 300 * MS);
	damage_run(net, p, 40, 8);
	th_net_run(net, net->now + 3000 * MS);
	for (i = 0; i < 3; i++)
		th_proc_free(p[i]);
	th_net_free(net);
}

/* Allocations fail now and then on one node of a ring with traffic. */
static void t_alloc_failures_ring(void)
{
	struct th_net *net = th_net_new(3, 23);
	struct th_proc *p[3];
	int i, round, sent[3] = { 0 };

	CHECK(th_net_settle(net, 5000 * MS));
	for (i = 0; i < 3; i++) {
		p[i] = th_proc_new(net->nodes[i], 100 + i);
		CHECK_EQ(th_join(p[i], "g"), 0);
	}
	th_net_run(net, net->now + 300 * MS);
	for (round = 0; round < 200; round++) {
		/* Node 2 fails one allocation in seven. */
		net->nodes[1]->fail_at = net->nodes[1]->n_alloc_calls +
					 1 + round % 7;
		for (i = 0; i < 3; i++)
			if (!th_send_tagged(p[i], round % 4, round,
					    round % 5 ? 40 : 5000))
				sent[i]++;
		th_net_run(net, net->now + 2 * MS);
	}
	net->nodes[1]->fail_at = 0;
	th_net_run(net, net->now + 5000 * MS);
	CHECK(th_check_order(p, 3));
	for (i = 0; i < 3; i++) {
		int j;

		for (j = 0; j < 3; j++)
			CHECK_EQ(th_count_tagged(p[i], 100 + j), sent[j]);
	}
	for (i = 0; i < 3; i++)
		th_proc_free(p[i]);
	th_net_free(net);
}

const struct th_test tests_wire[] = {
	TH_TEST(t_wire_malformed),
	TH_TEST(t_wire_damage_rejected),
	TH_TEST(t_wire_damage_any),
	TH_TEST(t_alloc_failures_ring),
	{ NULL, NULL }
};
