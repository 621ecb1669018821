// SPDX-License-Identifier: GPL-2.0
/*
 * Requests carry exactly the attributes the contract of
 * include/uapi/linux/kcpg.h names, and replies built the way the module
 * builds them (u64 with padding, nests) parse back.
 */
#include <libmnl/libmnl.h>
#include <linux/genetlink.h>

#include "unit.h"
#include "../msg.h"

#define FAMILY	0x1234

struct seen {
	const struct nlattr *tb[KCPG_A_MAX + 1];
	int count;
};

static int see(const struct nlattr *a, void *data)
{
	struct seen *s = data;

	if (mnl_attr_get_type(a) <= KCPG_A_MAX)
		s->tb[mnl_attr_get_type(a)] = a;
	s->count++;
	return MNL_CB_OK;
}

static void attrs_of(const struct nlmsghdr *nlh, struct seen *s)
{
	memset(s, 0, sizeof(*s));
	mnl_attr_parse(nlh, sizeof(struct genlmsghdr), see, s);
}

TEST(request_header)
{
	char buf[KC_MSG_BUF];
	struct nlmsghdr *nlh = kc_msg_request(buf, FAMILY, KCPG_CMD_PEER_GET, NLM_F_DUMP, 77);
	const struct genlmsghdr *genl = mnl_nlmsg_get_payload(nlh);

	CHECK(nlh->nlmsg_type == FAMILY && nlh->nlmsg_seq == 77);
	CHECK(nlh->nlmsg_flags == (NLM_F_REQUEST | NLM_F_DUMP));
	CHECK(genl->cmd == KCPG_CMD_PEER_GET && genl->version == KCPG_GENL_VERSION);
	CHECK(kc_msg_cmd(nlh) == KCPG_CMD_PEER_GET);
}

TEST(node_set_attributes)
{
	struct kc_node_conf c = {
		.set = KC_NODE_ID | KC_NODE_ADDR | KC_NODE_PORT | KC_NODE_MTU | KC_NODE_TOKEN |
		       KC_NODE_JOIN | KC_NODE_CONSENSUS | KC_NODE_HOLD,
		.nodeid = 5, .port = 5421, .mtu = 1400,
		.token_ms = 1000, .join_ms = 60, .consensus_ms = 1200, .hold_ms = 20,
	};
	char buf[KC_MSG_BUF];
	struct nlmsghdr *nlh;
	struct seen s;

	kc_addr_parse("fd99::5", &c.addr);
	nlh = kc_msg_request(buf, FAMILY, KCPG_CMD_NODE_SET, 0, 1);
	kc_msg_put_node_conf(nlh, &c);
	attrs_of(nlh, &s);
	CHECK(s.count == 8);
	CHECK(s.tb[KCPG_A_NODEID] && mnl_attr_get_u32(s.tb[KCPG_A_NODEID]) == 5);
	CHECK(s.tb[KCPG_A_ADDR] && mnl_attr_get_payload_len(s.tb[KCPG_A_ADDR]) == 16);
	CHECK(s.tb[KCPG_A_ADDR] && !memcmp(mnl_attr_get_payload(s.tb[KCPG_A_ADDR]), c.addr.bytes, 16));
	/* Host order, u16: the contract says so. */
	CHECK(s.tb[KCPG_A_PORT] && mnl_attr_get_payload_len(s.tb[KCPG_A_PORT]) == 2 &&
	      mnl_attr_get_u16(s.tb[KCPG_A_PORT]) == 5421);
	CHECK(s.tb[KCPG_A_MTU] && mnl_attr_get_u32(s.tb[KCPG_A_MTU]) == 1400);
	CHECK(s.tb[KCPG_A_TOKEN_MS] && mnl_attr_get_u32(s.tb[KCPG_A_TOKEN_MS]) == 1000);
	CHECK(s.tb[KCPG_A_JOIN_MS] && mnl_attr_get_u32(s.tb[KCPG_A_JOIN_MS]) == 60);
	CHECK(s.tb[KCPG_A_CONSENSUS_MS] && mnl_attr_get_u32(s.tb[KCPG_A_CONSENSUS_MS]) == 1200);
	CHECK(s.tb[KCPG_A_HOLD_MS] && mnl_attr_get_u32(s.tb[KCPG_A_HOLD_MS]) == 20);
}

TEST(node_set_only_what_is_given)
{
	struct kc_node_conf c = { .set = KC_NODE_ID | KC_NODE_TOKEN, .nodeid = 1, .token_ms = 9 };
	char buf[KC_MSG_BUF];
	struct nlmsghdr *nlh = kc_msg_request(buf, FAMILY, KCPG_CMD_NODE_SET, 0, 1);
	struct seen s;

	kc_msg_put_node_conf(nlh, &c);
	attrs_of(nlh, &s);
	CHECK(s.count == 2 && s.tb[KCPG_A_NODEID] && s.tb[KCPG_A_TOKEN_MS]);
}

TEST(peer_attributes)
{
	struct kc_peer p = { .nodeid = 2 };
	char buf[KC_MSG_BUF];
	struct nlmsghdr *nlh;
	struct seen s;

	kc_addr_parse("10.99.0.2", &p.addr);
	nlh = kc_msg_request(buf, FAMILY, KCPG_CMD_PEER_ADD, 0, 1);
	kc_msg_put_peer(nlh, &p);
	attrs_of(nlh, &s);
	CHECK(s.count == 2 && mnl_attr_get_u32(s.tb[KCPG_A_NODEID]) == 2);
	CHECK(mnl_attr_get_payload_len(s.tb[KCPG_A_ADDR]) == 4);
	p.has_port = true;
	p.port = 6000;
	nlh = kc_msg_request(buf, FAMILY, KCPG_CMD_PEER_ADD, 0, 1);
	kc_msg_put_peer(nlh, &p);
	attrs_of(nlh, &s);
	CHECK(s.count == 3 && mnl_attr_get_u16(s.tb[KCPG_A_PORT]) == 6000);
}

/* A reply as the module sends it; u64s get the pad attribute as nla_put_u64_64bit does. */
static struct nlmsghdr *reply(char *buf, uint8_t cmd)
{
	return kc_msg_request(buf, FAMILY, cmd, 0, 1);
}

static void put_u64(struct nlmsghdr *nlh, uint16_t type, uint64_t v, uint16_t pad)
{
	/* Pad so the u64 payload lands 8-byte aligned, like the kernel does. */
	if ((nlh->nlmsg_len + MNL_ATTR_HDRLEN) % 8)
		mnl_attr_put(nlh, pad, 0, NULL);
	mnl_attr_put_u64(nlh, type, v);
}

TEST(status_reply)
{
	char buf[KC_MSG_BUF];
	struct nlmsghdr *nlh = reply(buf, KCPG_CMD_STATUS_GET);
	const uint8_t a4[4] = { 10, 99, 0, 3 };
	struct kc_status st;
	struct nlattr *nest;
	struct kc_err e;
	uint32_t i;

	mnl_attr_put_u32(nlh, KCPG_A_NODEID, 3);
	mnl_attr_put_u8(nlh, KCPG_A_STATE, 1);
	mnl_attr_put_u32(nlh, KCPG_A_RING_REP, 1);
	put_u64(nlh, KCPG_A_RING_SEQ, 0x100000004ULL, KCPG_A_PAD);
	nest = mnl_attr_nest_start(nlh, KCPG_A_MEMBERS);
	for (i = 1; i <= 3; i++)
		mnl_attr_put_u32(nlh, KCPG_A_NODEID, i);
	mnl_attr_nest_end(nlh, nest);
	mnl_attr_put_u8(nlh, KCPG_A_KEYED, 0);
	mnl_attr_put(nlh, KCPG_A_ADDR, 4, a4);
	mnl_attr_put_u16(nlh, KCPG_A_PORT, 5420);
	mnl_attr_put_u32(nlh, KCPG_A_MTU, 1400);
	mnl_attr_put_u32(nlh, KCPG_A_TOKEN_MS, 1000);
	mnl_attr_put_u32(nlh, KCPG_A_MAX + 5, 0);	/* a newer module's attribute */

	CHECK(kc_msg_status(nlh, &st, &e) == 0);
	CHECK(st.has_nodeid && st.nodeid == 3 && st.has_state && st.up);
	CHECK(st.has_ring && st.ring_rep == 1 && st.ring_seq == 0x100000004ULL);
	CHECK(st.has_members && st.members.n == 3 && st.members.ids[2] == 3);
	CHECK(st.has_keyed && !st.keyed && st.has_addr && st.addr.bytes[3] == 3);
	CHECK(st.has_port && st.port == 5420);
	CHECK(st.has_mtu && st.mtu == 1400 && st.has_token && st.token_ms == 1000);
	kc_status_free(&st);
}

TEST(status_reply_minimal)
{
	char buf[KC_MSG_BUF];
	struct nlmsghdr *nlh = reply(buf, KCPG_CMD_STATUS_GET);
	struct kc_status st;
	struct kc_err e;

	mnl_attr_put_u32(nlh, KCPG_A_NODEID, 1);
	mnl_attr_put_u8(nlh, KCPG_A_STATE, 0);
	CHECK(kc_msg_status(nlh, &st, &e) == 0);
	CHECK(st.nodeid == 1 && !st.up && !st.has_ring && !st.has_members && !st.has_addr);
	kc_status_free(&st);
}

TEST(malformed_replies_rejected)
{
	char buf[KC_MSG_BUF];
	struct nlmsghdr *nlh = reply(buf, KCPG_CMD_STATUS_GET);
	const uint8_t five[5] = { 1, 2, 3, 4, 5 };
	struct kc_status st;
	struct kc_err e;

	mnl_attr_put_u16(nlh, KCPG_A_NODEID, 1);	/* u32 expected */
	CHECK(kc_msg_status(nlh, &st, &e) < 0);
	CHECK_CONTAINS(e.msg, "malformed reply");

	nlh = reply(buf, KCPG_CMD_STATUS_GET);
	mnl_attr_put(nlh, KCPG_A_ADDR, 5, five);
	CHECK(kc_msg_status(nlh, &st, &e) < 0);

	nlh = reply(buf, KCPG_CMD_STATUS_GET);
	mnl_attr_put_u32(nlh, KCPG_A_RING_SEQ, 5);	/* u64 expected */
	CHECK(kc_msg_status(nlh, &st, &e) < 0);

	/* A header too short for the genetlink header. */
	nlh = mnl_nlmsg_put_header(buf);
	CHECK(kc_msg_status(nlh, &st, &e) < 0);
}

TEST(peer_reply_nested)
{
	char buf[KC_MSG_BUF];
	struct nlmsghdr *nlh = reply(buf, KCPG_CMD_PEER_GET);
	uint8_t a6[16] = { 0xfd, 0x99 };
	struct nlattr *nest;
	struct kc_peer p;
	struct kc_err e;

	a6[15] = 2;
	nest = mnl_attr_nest_start(nlh, KCPG_A_PEER);
	mnl_attr_put_u32(nlh, KCPG_A_NODEID, 2);
	mnl_attr_put(nlh, KCPG_A_ADDR, 16, a6);
	mnl_attr_put_u16(nlh, KCPG_A_PORT, 5420);
	put_u64(nlh, KCPG_A_PEER_TX, 10, KCPG_A_PAD);
	put_u64(nlh, KCPG_A_PEER_RX, 20, KCPG_A_PAD);
	put_u64(nlh, KCPG_A_PEER_DROP, 1ULL << 40, KCPG_A_PAD);
	mnl_attr_nest_end(nlh, nest);
	CHECK(kc_msg_peer(nlh, &p, &e) == 0);
	CHECK(p.nodeid == 2 && p.addr.family == AF_INET6 && p.addr.bytes[15] == 2);
	CHECK(p.has_port && p.port == 5420 && p.has_counters);
	CHECK(p.tx == 10 && p.rx == 20 && p.drop == 1ULL << 40);

	nlh = reply(buf, KCPG_CMD_PEER_GET);
	nest = mnl_attr_nest_start(nlh, KCPG_A_PEER);
	mnl_attr_put_u16(nlh, KCPG_A_PORT, 5420);
	mnl_attr_nest_end(nlh, nest);
	CHECK(kc_msg_peer(nlh, &p, &e) < 0);
	CHECK_CONTAINS(e.msg, "peer without a node id");
}

TEST(group_replies_flat_and_nested)
{
	char buf[KC_MSG_BUF];
	struct kc_groups g = { 0 };
	struct nlmsghdr *nlh;
	struct nlattr *nest;
	struct kc_err e;

	/* One message per (group, member), as the module dumps them. */
	nlh = reply(buf, KCPG_CMD_GROUP_GET);
	mnl_attr_put(nlh, KCPG_A_GROUP, 3, "abc");
	mnl_attr_put_u32(nlh, KCPG_A_NODEID, 1);
	mnl_attr_put_u32(nlh, KCPG_A_PID, 100);
	CHECK(kc_msg_group(nlh, &g, &e) == 0);
	nlh = reply(buf, KCPG_CMD_GROUP_GET);
	mnl_attr_put(nlh, KCPG_A_GROUP, 3, "abc");
	mnl_attr_put_u32(nlh, KCPG_A_NODEID, 2);
	mnl_attr_put_u32(nlh, KCPG_A_PID, 200);
	CHECK(kc_msg_group(nlh, &g, &e) == 0);
	/* MEMBER nests are read too. */
	nlh = reply(buf, KCPG_CMD_GROUP_GET);
	mnl_attr_put(nlh, KCPG_A_GROUP, 2, "x\n");
	nest = mnl_attr_nest_start(nlh, KCPG_A_MEMBER);
	mnl_attr_put_u32(nlh, KCPG_A_NODEID, 3);
	mnl_attr_put_u32(nlh, KCPG_A_PID, 300);
	mnl_attr_nest_end(nlh, nest);
	CHECK(kc_msg_group(nlh, &g, &e) == 0);

	CHECK(g.n == 2);
	if (g.n == 2) {
		CHECK(g.list[0].name_len == 3 && g.list[0].n_members == 2);
		CHECK(g.list[0].members[1].nodeid == 2 && g.list[0].members[1].pid == 200);
		CHECK(g.list[1].name_len == 2 && g.list[1].n_members == 1);
		CHECK(g.list[1].members[0].pid == 300);
	}

	nlh = reply(buf, KCPG_CMD_GROUP_GET);
	mnl_attr_put(nlh, KCPG_A_GROUP, 3, "abc");
	mnl_attr_put_u32(nlh, KCPG_A_NODEID, 2);
	CHECK(kc_msg_group(nlh, &g, &e) < 0);
	CHECK_CONTAINS(e.msg, "without node id or pid");
	kc_groups_free(&g);
}

TEST(stats_reply)
{
	char buf[KC_MSG_BUF];
	struct nlmsghdr *nlh = reply(buf, KCPG_CMD_STATS_GET);
	struct nlattr *nest;
	struct kc_stats s;
	struct kc_err e;

	nest = mnl_attr_nest_start(nlh, KCPG_A_STATS);
	put_u64(nlh, KCPG_STAT_PKTS_SENT, 0, KCPG_STAT_PAD);
	put_u64(nlh, KCPG_STAT_RETRANSMITS, 42, KCPG_STAT_PAD);
	put_u64(nlh, 40, 7, KCPG_STAT_PAD);	/* unknown to this kcpgctl */
	mnl_attr_nest_end(nlh, nest);
	CHECK(kc_msg_stats(nlh, &s, &e) == 0);
	CHECK(s.present[KCPG_STAT_PKTS_SENT] && s.value[KCPG_STAT_PKTS_SENT] == 0);
	CHECK(s.present[KCPG_STAT_RETRANSMITS] && s.value[KCPG_STAT_RETRANSMITS] == 42);
	CHECK(s.present[40] && s.value[40] == 7);
	CHECK(!s.present[KCPG_STAT_MSGS_SENT] && !s.present[KCPG_STAT_PAD]);

	nlh = reply(buf, KCPG_CMD_STATS_GET);
	CHECK(kc_msg_stats(nlh, &s, &e) < 0);
}

TEST(event_reply)
{
	char buf[KC_MSG_BUF];
	struct nlmsghdr *nlh = reply(buf, KCPG_CMD_EVENT);
	struct kc_event ev;
	struct nlattr *nest;
	struct kc_err e;

	mnl_attr_put_u32(nlh, KCPG_A_RING_REP, 2);
	put_u64(nlh, KCPG_A_RING_SEQ, 12, KCPG_A_PAD);
	nest = mnl_attr_nest_start(nlh, KCPG_A_MEMBERS);
	mnl_attr_put_u32(nlh, KCPG_A_NODEID, 2);
	mnl_attr_put_u32(nlh, KCPG_A_NODEID, 3);
	mnl_attr_nest_end(nlh, nest);
	CHECK(kc_msg_cmd(nlh) == KCPG_CMD_EVENT);
	CHECK(kc_msg_event(nlh, &ev, &e) == 0);
	CHECK(ev.has_ring && ev.ring_rep == 2 && ev.ring_seq == 12);
	CHECK(ev.members.n == 2 && ev.members.ids[0] == 2);
	kc_event_free(&ev);
}
