// SPDX-License-Identifier: GPL-2.0
/* Messages of the kcpg family: see msg.h. */
#include <string.h>
#include <libmnl/libmnl.h>
#include <linux/genetlink.h>

#include "msg.h"

struct nlmsghdr *kc_msg_request(void *buf, uint16_t family, uint8_t cmd, uint16_t flags,
				uint32_t seq)
{
	struct nlmsghdr *nlh = mnl_nlmsg_put_header(buf);
	struct genlmsghdr *genl;

	nlh->nlmsg_type = family;
	nlh->nlmsg_flags = NLM_F_REQUEST | flags;
	nlh->nlmsg_seq = seq;
	genl = mnl_nlmsg_put_extra_header(nlh, sizeof(*genl));
	genl->cmd = cmd;
	genl->version = KCPG_GENL_VERSION;
	return nlh;
}

void kc_msg_put_node_conf(struct nlmsghdr *nlh, const struct kc_node_conf *c)
{
	if (c->set & KC_NODE_ID)
		mnl_attr_put_u32(nlh, KCPG_A_NODEID, c->nodeid);
	if (c->set & KC_NODE_ADDR)
		mnl_attr_put(nlh, KCPG_A_ADDR, kc_addr_len(&c->addr), c->addr.bytes);
	if (c->set & KC_NODE_PORT)
		mnl_attr_put_u16(nlh, KCPG_A_PORT, c->port);
	if (c->set & KC_NODE_MTU)
		mnl_attr_put_u32(nlh, KCPG_A_MTU, c->mtu);
	if (c->set & KC_NODE_TOKEN)
		mnl_attr_put_u32(nlh, KCPG_A_TOKEN_MS, c->token_ms);
	if (c->set & KC_NODE_JOIN)
		mnl_attr_put_u32(nlh, KCPG_A_JOIN_MS, c->join_ms);
	if (c->set & KC_NODE_CONSENSUS)
		mnl_attr_put_u32(nlh, KCPG_A_CONSENSUS_MS, c->consensus_ms);
	if (c->set & KC_NODE_HOLD)
		mnl_attr_put_u32(nlh, KCPG_A_HOLD_MS, c->hold_ms);
}

void kc_msg_put_peer(struct nlmsghdr *nlh, const struct kc_peer *p)
{
	mnl_attr_put_u32(nlh, KCPG_A_NODEID, p->nodeid);
	mnl_attr_put(nlh, KCPG_A_ADDR, kc_addr_len(&p->addr), p->addr.bytes);
	if (p->has_port)
		mnl_attr_put_u16(nlh, KCPG_A_PORT, p->port);
}

void kc_msg_put_nodeid(struct nlmsghdr *nlh, uint32_t nodeid)
{
	mnl_attr_put_u32(nlh, KCPG_A_NODEID, nodeid);
}

uint8_t kc_msg_cmd(const struct nlmsghdr *nlh)
{
	const struct genlmsghdr *genl = mnl_nlmsg_get_payload(nlh);

	if (nlh->nlmsg_len < MNL_NLMSG_HDRLEN + sizeof(*genl))
		return KCPG_CMD_UNSPEC;
	return genl->cmd;
}

/* The wire type of each attribute kcpgctl reads; MNL_TYPE_UNSPEC = any length. */
static enum mnl_attr_data_type attr_type(unsigned int type)
{
	switch (type) {
	case KCPG_A_NODEID:
	case KCPG_A_MTU:
	case KCPG_A_MTU_USED:
	case KCPG_A_RING_REP:
	case KCPG_A_PID:
	case KCPG_A_TOKEN_MS:
	case KCPG_A_JOIN_MS:
	case KCPG_A_CONSENSUS_MS:
	case KCPG_A_HOLD_MS:
		return MNL_TYPE_U32;
	case KCPG_A_PORT:
		return MNL_TYPE_U16;
	case KCPG_A_STATE:
	case KCPG_A_KEYED:
		return MNL_TYPE_U8;
	case KCPG_A_RING_SEQ:
	case KCPG_A_PEER_TX:
	case KCPG_A_PEER_RX:
	case KCPG_A_PEER_DROP:
		return MNL_TYPE_U64;
	case KCPG_A_MEMBERS:
	case KCPG_A_PEER:
	case KCPG_A_MEMBER:
	case KCPG_A_STATS:
		return MNL_TYPE_NESTED;
	default:
		return MNL_TYPE_UNSPEC;
	}
}

/* Attribute table of one level: tb[type] for known types; bad says which failed. */
struct attrs {
	const struct nlattr *tb[KCPG_A_MAX + 1];
	int bad;
};

static int collect(const struct nlattr *a, void *data)
{
	struct attrs *at = data;
	unsigned int type = mnl_attr_get_type(a);
	enum mnl_attr_data_type t;

	if (type > KCPG_A_MAX || type == KCPG_A_PAD)
		return MNL_CB_OK;
	t = attr_type(type);
	if (t != MNL_TYPE_UNSPEC && mnl_attr_validate(a, t) < 0) {
		at->bad = (int)type;
		return MNL_CB_ERROR;
	}
	if (type == KCPG_A_ADDR && !(mnl_attr_get_payload_len(a) == 4 ||
				     mnl_attr_get_payload_len(a) == 16)) {
		at->bad = (int)type;
		return MNL_CB_ERROR;
	}
	at->tb[type] = a;
	return MNL_CB_OK;
}

static int malformed(struct kc_err *e, int type)
{
	return kc_fail(e, "malformed reply from the kcpg module (attribute %d)", type);
}

static int parse_top(const struct nlmsghdr *nlh, struct attrs *at, struct kc_err *e)
{
	memset(at, 0, sizeof(*at));
	if (nlh->nlmsg_len < MNL_NLMSG_HDRLEN + sizeof(struct genlmsghdr))
		return malformed(e, 0);
	if (mnl_attr_parse(nlh, sizeof(struct genlmsghdr), collect, at) < 0)
		return malformed(e, at->bad);
	return 0;
}

static int parse_nested(const struct nlattr *nest, struct attrs *at, struct kc_err *e)
{
	memset(at, 0, sizeof(*at));
	if (mnl_attr_parse_nested(nest, collect, at) < 0)
		return malformed(e, at->bad);
	return 0;
}

/* MEMBERS: a nest of NODEID. */
static int parse_members(const struct nlattr *nest, struct kc_members *m, struct kc_err *e)
{
	const struct nlattr *a;

	mnl_attr_for_each_nested(a, nest) {
		if (mnl_attr_get_type(a) != KCPG_A_NODEID)
			continue;
		if (mnl_attr_validate(a, MNL_TYPE_U32) < 0)
			return malformed(e, KCPG_A_MEMBERS);
		if (kc_members_add(m, mnl_attr_get_u32(a)))
			return kc_fail(e, "out of memory");
	}
	return 0;
}

int kc_msg_status(const struct nlmsghdr *nlh, struct kc_status *st, struct kc_err *e)
{
	struct attrs at;

	memset(st, 0, sizeof(*st));
	if (parse_top(nlh, &at, e))
		return -1;
	if (at.tb[KCPG_A_NODEID]) {
		st->has_nodeid = true;
		st->nodeid = mnl_attr_get_u32(at.tb[KCPG_A_NODEID]);
	}
	if (at.tb[KCPG_A_STATE]) {
		st->has_state = true;
		st->up = mnl_attr_get_u8(at.tb[KCPG_A_STATE]) != 0;
	}
	if (at.tb[KCPG_A_RING_REP] && at.tb[KCPG_A_RING_SEQ]) {
		st->has_ring = true;
		st->ring_rep = mnl_attr_get_u32(at.tb[KCPG_A_RING_REP]);
		st->ring_seq = mnl_attr_get_u64(at.tb[KCPG_A_RING_SEQ]);
	}
	if (at.tb[KCPG_A_MEMBERS]) {
		st->has_members = true;
		if (parse_members(at.tb[KCPG_A_MEMBERS], &st->members, e)) {
			kc_status_free(st);
			return -1;
		}
	}
	if (at.tb[KCPG_A_KEYED]) {
		st->has_keyed = true;
		st->keyed = mnl_attr_get_u8(at.tb[KCPG_A_KEYED]) != 0;
	}
	if (at.tb[KCPG_A_ADDR]) {
		st->has_addr = true;
		kc_addr_from_raw(mnl_attr_get_payload(at.tb[KCPG_A_ADDR]),
				 mnl_attr_get_payload_len(at.tb[KCPG_A_ADDR]), &st->addr);
	}
	if (at.tb[KCPG_A_PORT]) {
		st->has_port = true;
		st->port = mnl_attr_get_u16(at.tb[KCPG_A_PORT]);
	}
	if (at.tb[KCPG_A_MTU]) {
		st->has_mtu = true;
		st->mtu = mnl_attr_get_u32(at.tb[KCPG_A_MTU]);
	}
	if (at.tb[KCPG_A_MTU_USED]) {
		st->has_mtu_used = true;
		st->mtu_used = mnl_attr_get_u32(at.tb[KCPG_A_MTU_USED]);
	}
	if (at.tb[KCPG_A_TOKEN_MS]) {
		st->has_token = true;
		st->token_ms = mnl_attr_get_u32(at.tb[KCPG_A_TOKEN_MS]);
	}
	return 0;
}

int kc_msg_peer(const struct nlmsghdr *nlh, struct kc_peer *p, struct kc_err *e)
{
	struct attrs top, at;
	const struct attrs *src = &top;

	memset(p, 0, sizeof(*p));
	if (parse_top(nlh, &top, e))
		return -1;
	/* One PEER nest per message; a flat message is read the same way. */
	if (top.tb[KCPG_A_PEER]) {
		if (parse_nested(top.tb[KCPG_A_PEER], &at, e))
			return -1;
		src = &at;
	}
	if (!src->tb[KCPG_A_NODEID])
		return kc_fail(e, "malformed reply from the kcpg module (peer without a node id)");
	p->nodeid = mnl_attr_get_u32(src->tb[KCPG_A_NODEID]);
	if (src->tb[KCPG_A_ADDR])
		kc_addr_from_raw(mnl_attr_get_payload(src->tb[KCPG_A_ADDR]),
				 mnl_attr_get_payload_len(src->tb[KCPG_A_ADDR]), &p->addr);
	if (src->tb[KCPG_A_PORT]) {
		p->has_port = true;
		p->port = mnl_attr_get_u16(src->tb[KCPG_A_PORT]);
	}
	if (src->tb[KCPG_A_PEER_TX] || src->tb[KCPG_A_PEER_RX] || src->tb[KCPG_A_PEER_DROP]) {
		p->has_counters = true;
		if (src->tb[KCPG_A_PEER_TX])
			p->tx = mnl_attr_get_u64(src->tb[KCPG_A_PEER_TX]);
		if (src->tb[KCPG_A_PEER_RX])
			p->rx = mnl_attr_get_u64(src->tb[KCPG_A_PEER_RX]);
		if (src->tb[KCPG_A_PEER_DROP])
			p->drop = mnl_attr_get_u64(src->tb[KCPG_A_PEER_DROP]);
	}
	return 0;
}

static int add_member(struct kc_group *grp, const struct attrs *at, struct kc_err *e)
{
	if (!at->tb[KCPG_A_NODEID] || !at->tb[KCPG_A_PID])
		return kc_fail(e, "malformed reply from the kcpg module (group member without node id or pid)");
	if (kc_group_add_member(grp, mnl_attr_get_u32(at->tb[KCPG_A_NODEID]),
				mnl_attr_get_u32(at->tb[KCPG_A_PID])))
		return kc_fail(e, "out of memory");
	return 0;
}

int kc_msg_group(const struct nlmsghdr *nlh, struct kc_groups *g, struct kc_err *e)
{
	const struct nlattr *a;
	struct kc_group *grp;
	struct attrs top, at;

	if (parse_top(nlh, &top, e))
		return -1;
	if (!top.tb[KCPG_A_GROUP])
		return kc_fail(e, "malformed reply from the kcpg module (group without a name)");
	grp = kc_groups_get(g, mnl_attr_get_payload(top.tb[KCPG_A_GROUP]),
			    mnl_attr_get_payload_len(top.tb[KCPG_A_GROUP]));
	if (!grp)
		return kc_fail(e, "out of memory");
	/* (group, member) per message: flat NODEID PID, or MEMBER nests. */
	if (top.tb[KCPG_A_NODEID] || top.tb[KCPG_A_PID])
		return add_member(grp, &top, e);
	mnl_attr_for_each(a, nlh, sizeof(struct genlmsghdr)) {
		if (mnl_attr_get_type(a) != KCPG_A_MEMBER)
			continue;
		if (parse_nested(a, &at, e) || add_member(grp, &at, e))
			return -1;
	}
	return 0;
}

int kc_msg_stats(const struct nlmsghdr *nlh, struct kc_stats *s, struct kc_err *e)
{
	const struct nlattr *a;
	struct attrs top;

	memset(s, 0, sizeof(*s));
	if (parse_top(nlh, &top, e))
		return -1;
	if (!top.tb[KCPG_A_STATS])
		return kc_fail(e, "malformed reply from the kcpg module (no counters)");
	mnl_attr_for_each_nested(a, top.tb[KCPG_A_STATS]) {
		unsigned int id = mnl_attr_get_type(a);

		if (id == KCPG_STAT_PAD || id == KCPG_STAT_UNSPEC || id >= KC_STATS_SLOTS)
			continue;
		if (mnl_attr_validate(a, MNL_TYPE_U64) < 0)
			return malformed(e, KCPG_A_STATS);
		s->present[id] = true;
		s->value[id] = mnl_attr_get_u64(a);
	}
	return 0;
}

int kc_msg_event(const struct nlmsghdr *nlh, struct kc_event *ev, struct kc_err *e)
{
	struct attrs at;

	memset(ev, 0, sizeof(*ev));
	if (parse_top(nlh, &at, e))
		return -1;
	if (at.tb[KCPG_A_RING_REP] && at.tb[KCPG_A_RING_SEQ]) {
		ev->has_ring = true;
		ev->ring_rep = mnl_attr_get_u32(at.tb[KCPG_A_RING_REP]);
		ev->ring_seq = mnl_attr_get_u64(at.tb[KCPG_A_RING_SEQ]);
	}
	if (at.tb[KCPG_A_MEMBERS] && parse_members(at.tb[KCPG_A_MEMBERS], &ev->members, e)) {
		kc_event_free(ev);
		return -1;
	}
	return 0;
}
