// SPDX-License-Identifier: GPL-2.0
/* Text and JSON output, byte for byte: scripts depend on both. */
#include <stdio.h>
#include <stdlib.h>

#include "unit.h"
#include "../print.h"

/* Output of one printer call as a string (free() it). */
#define CAPTURE(out, call) do {						\
	size_t len_;							\
	FILE *f = open_memstream(&(out), &len_);			\
	call;								\
	fclose(f);							\
} while (0)

static struct kc_status sample_status(void)
{
	struct kc_status st = {
		.has_nodeid = true, .nodeid = 2, .has_state = true, .up = true,
		.has_ring = true, .ring_rep = 1, .ring_seq = 8,
		.has_members = true, .has_keyed = true, .keyed = false,
		.has_addr = true, .has_port = true, .port = 5420,
		.has_mtu = true, .mtu = 1400, .has_token = true, .token_ms = 1000,
	};

	kc_addr_parse("10.99.0.2", &st.addr);
	kc_members_add(&st.members, 1);
	kc_members_add(&st.members, 2);
	kc_members_add(&st.members, 3);
	return st;
}

TEST(status_text)
{
	struct kc_status st = sample_status();
	char *out;

	CAPTURE(out, kc_print_status(f, &st, false));
	CHECK_STR(out, "node 2 state up addr 10.99.0.2 port 5420 keyed no mtu 1400 token 1000ms\n"
		       "ring rep 1 seq 8\n"
		       "members 1 2 3\n");
	free(out);
	kc_status_free(&st);
}

TEST(status_json)
{
	struct kc_status st = sample_status();
	char *out;

	CAPTURE(out, kc_print_status(f, &st, true));
	CHECK_STR(out, "{\"nodeid\":2,\"state\":\"up\",\"addr\":\"10.99.0.2\",\"port\":5420,"
		       "\"keyed\":false,\"mtu\":1400,\"token_ms\":1000,\"ring\":{\"rep\":1,\"seq\":8},\"members\":[1,2,3]}\n");
	free(out);
	kc_status_free(&st);
}

/* The datagram size in use shows when the path MTU lowered it. */
TEST(status_mtu_used)
{
	struct kc_status st = sample_status();
	char *out;

	st.has_mtu_used = true;
	st.mtu_used = 1400;
	CAPTURE(out, kc_print_status(f, &st, false));
	CHECK(strstr(out, " mtu 1400 token ") != NULL);
	free(out);
	st.mtu_used = 972;
	CAPTURE(out, kc_print_status(f, &st, false));
	CHECK(strstr(out, " mtu 1400 used 972 token ") != NULL);
	free(out);
	CAPTURE(out, kc_print_status(f, &st, true));
	CHECK(strstr(out, "\"mtu\":1400,\"mtu_used\":972,") != NULL);
	free(out);
	kc_status_free(&st);
}

TEST(status_of_unconfigured_node)
{
	struct kc_status st = { .has_nodeid = true, .nodeid = 1, .has_state = true };
	char *out;

	CAPTURE(out, kc_print_status(f, &st, false));
	CHECK_STR(out, "node 1 state down\n");
	free(out);
	CAPTURE(out, kc_print_status(f, &st, true));
	CHECK_STR(out, "{\"nodeid\":1,\"state\":\"down\"}\n");
	free(out);
}

TEST(peers_text_and_json)
{
	struct kc_peer p[2] = {
		{ .nodeid = 2, .has_port = true, .port = 5420, .has_counters = true,
		  .tx = 5, .rx = 6, .drop = 0 },
		{ .nodeid = 3 },
	};
	char *out;

	kc_addr_parse("fd99::2", &p[0].addr);
	kc_addr_parse("fd99::3", &p[1].addr);
	CAPTURE(out, kc_print_peers(f, p, 2, false));
	CHECK_STR(out, "peer 2 addr fd99::2 port 5420 tx 5 rx 6 drop 0\n"
		       "peer 3 addr fd99::3\n");
	free(out);
	CAPTURE(out, kc_print_peers(f, p, 2, true));
	CHECK_STR(out, "[{\"nodeid\":2,\"addr\":\"fd99::2\",\"port\":5420,\"tx\":5,\"rx\":6,"
		       "\"drop\":0},{\"nodeid\":3,\"addr\":\"fd99::3\"}]\n");
	free(out);
	CAPTURE(out, kc_print_peers(f, p, 0, true));
	CHECK_STR(out, "[]\n");
	free(out);
}

TEST(groups_escape_names)
{
	struct kc_groups g = { 0 };
	struct kc_group *grp;
	char *out;

	grp = kc_groups_get(&g, "db", 2);
	kc_group_add_member(grp, 1, 100);
	kc_group_add_member(grp, 2, 200);
	grp = kc_groups_get(&g, "a b\"\\\x01", 6);
	kc_group_add_member(grp, 3, 300);
	CHECK(kc_groups_get(&g, "db", 2) == &g.list[0]);

	CAPTURE(out, kc_print_groups(f, &g, false));
	CHECK_STR(out, "group db members 2\n"
		       "    node 1 pid 100\n"
		       "    node 2 pid 200\n"
		       "group a\\x20b\"\\x5c\\x01 members 1\n"
		       "    node 3 pid 300\n");
	free(out);
	CAPTURE(out, kc_print_groups(f, &g, true));
	CHECK_STR(out, "[{\"group\":\"db\",\"members\":[{\"nodeid\":1,\"pid\":100},"
		       "{\"nodeid\":2,\"pid\":200}]},"
		       "{\"group\":\"a b\\\"\\\\\\u0001\",\"members\":[{\"nodeid\":3,\"pid\":300}]}]\n");
	free(out);
	kc_groups_free(&g);
}

TEST(stats_names)
{
	struct kc_stats s;
	char *out;

	memset(&s, 0, sizeof(s));
	s.present[KCPG_STAT_PKTS_SENT] = true;
	s.value[KCPG_STAT_PKTS_SENT] = 0;
	s.present[KCPG_STAT_DROP_UNKNOWN_PEER] = true;
	s.value[KCPG_STAT_DROP_UNKNOWN_PEER] = 3;
	s.present[40] = true;
	s.value[40] = 9;
	CAPTURE(out, kc_print_stats(f, &s, false));
	CHECK_STR(out, "pkts_sent          0\n"
		       "drop_unknown_peer  3\n"
		       "stat_40            9\n");
	free(out);
	CAPTURE(out, kc_print_stats(f, &s, true));
	CHECK_STR(out, "{\"pkts_sent\":0,\"drop_unknown_peer\":3,\"stat_40\":9}\n");
	free(out);
}

TEST(every_counter_has_a_name)
{
	unsigned int id;

	for (id = KCPG_STAT_UNSPEC + 1; id <= KCPG_STAT_MAX; id++)
		if (id != KCPG_STAT_PAD)
			CHECK(kc_stat_name(id) != NULL);
	CHECK(kc_stat_name(KCPG_STAT_PAD) == NULL);
}

TEST(event_lines)
{
	struct kc_event ev = { .has_ring = true, .ring_rep = 1, .ring_seq = 12 };
	char *out;

	kc_members_add(&ev.members, 1);
	kc_members_add(&ev.members, 3);
	CAPTURE(out, kc_print_event(f, &ev, "membership", false));
	CHECK_STR(out, "membership ring rep 1 seq 12 members 1 3\n");
	free(out);
	CAPTURE(out, kc_print_event(f, &ev, "membership", true));
	CHECK_STR(out, "{\"event\":\"membership\",\"ring\":{\"rep\":1,\"seq\":12},\"members\":[1,3]}\n");
	free(out);
	CAPTURE(out, kc_print_event(f, &ev, "current", false));
	CHECK_STR(out, "current ring rep 1 seq 12 members 1 3\n");
	free(out);
	kc_event_free(&ev);
}
