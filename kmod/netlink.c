// SPDX-License-Identifier: GPL-2.0
/*
 * kcpg: the generic-netlink family "kcpg": configuration and status of the
 * node of the caller's network namespace.
 *
 * Changes need CAP_NET_ADMIN in the user namespace that owns the network
 * namespace (GENL_UNS_ADMIN_PERM): whoever administers the namespace's
 * network decides which cluster it is part of.  Reading is open to anyone
 * who can open a netlink socket there.  Keys (later) never appear in a dump.
 */
#include <linux/in.h>
#include <linux/in6.h>
#include <linux/slab.h>
#include <linux/mm.h>
#include <net/genetlink.h>
#include <net/netlink.h>
#include <net/sock.h>

#include "kcpg.h"

static struct genl_family kcpg_genl;

/*
 * The short form NLA_POLICY_RANGE() keeps its bounds in s16: 65000 would
 * wrap to a negative maximum, which the validator WARNs about on every
 * message carrying the attribute.  (Not const: 6.1 takes a plain pointer.)
 */
static struct netlink_range_validation kcpg_mtu_range = {
	.min = KCPG_MTU_MIN,
	.max = KCPG_MTU_MAX,
};

static const struct nla_policy kcpg_policy[KCPG_A_MAX + 1] = {
	[KCPG_A_NODEID] = { .type = NLA_U32 },
	[KCPG_A_ADDR] = NLA_POLICY_MIN_LEN(4),
	[KCPG_A_PORT] = { .type = NLA_U16 },
	[KCPG_A_MTU] = NLA_POLICY_FULL_RANGE(NLA_U32, &kcpg_mtu_range),
	[KCPG_A_TOKEN_MS] = NLA_POLICY_RANGE(NLA_U32, 10, 30000),
	[KCPG_A_JOIN_MS] = NLA_POLICY_RANGE(NLA_U32, 1, 30000),
	[KCPG_A_CONSENSUS_MS] = NLA_POLICY_RANGE(NLA_U32, 10, 30000),
	[KCPG_A_HOLD_MS] = NLA_POLICY_RANGE(NLA_U32, 1, 30000),
	[KCPG_A_KEY] = NLA_POLICY_EXACT_LEN(KCPG_KEY_LEN),
	[KCPG_A_ENCRYPT] = NLA_POLICY_MAX(NLA_U8, 1),
	[KCPG_A_MTU_USED] = { .type = NLA_REJECT },	/* status only */
};

static struct kcpg_net *info_kn(struct genl_info *info)
{
	return kcpg_net_get(genl_info_net(info));
}

/* ADDR (4 or 16 bytes) + PORT into a sockaddr; false if malformed. */
static bool nla_to_sa(struct nlattr *a, u16 port, struct sockaddr_storage *sa)
{
	memset(sa, 0, sizeof(*sa));
	if (nla_len(a) == sizeof(struct in_addr)) {
		struct sockaddr_in *s = (struct sockaddr_in *)sa;

		s->sin_family = AF_INET;
		s->sin_port = htons(port);
		memcpy(&s->sin_addr, nla_data(a), sizeof(s->sin_addr));
		return true;
	}
	if (nla_len(a) == sizeof(struct in6_addr)) {
		struct sockaddr_in6 *s = (struct sockaddr_in6 *)sa;

		s->sin6_family = AF_INET6;
		s->sin6_port = htons(port);
		memcpy(&s->sin6_addr, nla_data(a), sizeof(s->sin6_addr));
		return true;
	}
	return false;
}

static int addr_put(struct sk_buff *skb, const struct sockaddr_storage *sa)
{
	if (sa->ss_family == AF_INET6) {
		const struct sockaddr_in6 *s = (const void *)sa;

		return nla_put(skb, KCPG_A_ADDR, sizeof(s->sin6_addr),
			       &s->sin6_addr);
	}
	if (sa->ss_family == AF_INET) {
		const struct sockaddr_in *s = (const void *)sa;

		return nla_put(skb, KCPG_A_ADDR, sizeof(s->sin_addr),
			       &s->sin_addr);
	}
	return 0;
}

/* Address and port of a peer. */
static int sa_put(struct sk_buff *skb, const struct sockaddr_storage *sa)
{
	__be16 port = sa->ss_family == AF_INET6 ?
		((const struct sockaddr_in6 *)sa)->sin6_port :
		((const struct sockaddr_in *)sa)->sin_port;

	return addr_put(skb, sa) ?: nla_put_u16(skb, KCPG_A_PORT, ntohs(port));
}

static int kcpg_nl_node_set(struct sk_buff *skb, struct genl_info *info)
{
	struct kcpg_net *kn = info_kn(info);
	struct nlattr **a = info->attrs;
	struct sockaddr_storage local;
	int ret = 0;

	if (a[KCPG_A_NODEID]) {
		u32 id = nla_get_u32(a[KCPG_A_NODEID]);

		if (!id || id == U32_MAX) {
			NL_SET_ERR_MSG_ATTR(info->extack, a[KCPG_A_NODEID],
					    "node id must be 1..4294967294");
			return -EINVAL;
		}
	}
	if (a[KCPG_A_ADDR] && !nla_to_sa(a[KCPG_A_ADDR], 0, &local)) {
		NL_SET_ERR_MSG_ATTR(info->extack, a[KCPG_A_ADDR],
				    "address must be 4 (IPv4) or 16 (IPv6) bytes");
		return -EINVAL;
	}

	mutex_lock(&kn->lock);
	if (kn->up) {
		NL_SET_ERR_MSG(info->extack, "node is up: bring it down first");
		ret = -EBUSY;
		goto out;
	}
	if (a[KCPG_A_NODEID] && nla_get_u32(a[KCPG_A_NODEID]) != kn->nodeid) {
		if (kn->n_handles) {
			NL_SET_ERR_MSG(info->extack,
				       "node id cannot change while handles are open");
			ret = -EBUSY;
			goto out;
		}
		if (kcpg_peer_find(kn, nla_get_u32(a[KCPG_A_NODEID]))) {
			NL_SET_ERR_MSG(info->extack, "node id is a peer's");
			ret = -EEXIST;
			goto out;
		}
		kn->cfg.nodeid = nla_get_u32(a[KCPG_A_NODEID]);
	}
	if (a[KCPG_A_ADDR]) {
		kn->local = local;
		kn->local_set = true;
	}
	if (a[KCPG_A_PORT])
		kn->port = nla_get_u16(a[KCPG_A_PORT]);
	if (a[KCPG_A_MTU])
		kn->cfg.mtu = nla_get_u32(a[KCPG_A_MTU]);
	if (a[KCPG_A_TOKEN_MS])
		kn->cfg.token_timeout = nla_get_u32(a[KCPG_A_TOKEN_MS]) * NSEC_PER_MSEC;
	if (a[KCPG_A_JOIN_MS])
		kn->cfg.join_timeout = nla_get_u32(a[KCPG_A_JOIN_MS]) * NSEC_PER_MSEC;
	if (a[KCPG_A_CONSENSUS_MS])
		kn->cfg.consensus_timeout =
			nla_get_u32(a[KCPG_A_CONSENSUS_MS]) * NSEC_PER_MSEC;
	if (a[KCPG_A_HOLD_MS])
		kn->cfg.hold_timeout = nla_get_u32(a[KCPG_A_HOLD_MS]) * NSEC_PER_MSEC;
	/* A node that is down and has no handles takes the new settings now. */
	if (!kn->n_handles)
		ret = kcpg_node_reset(kn, 0);
	else
		kn->cfg_pending = true;
out:
	mutex_unlock(&kn->lock);
	return ret;
}

static int kcpg_nl_peer_add(struct sk_buff *skb, struct genl_info *info)
{
	struct kcpg_net *kn = info_kn(info);
	struct nlattr **a = info->attrs;
	struct sockaddr_storage sa;
	u16 port = KCPG_DEFAULT_PORT;
	u32 id;
	int ret;

	if (!a[KCPG_A_NODEID] || !a[KCPG_A_ADDR]) {
		NL_SET_ERR_MSG(info->extack, "peer needs a node id and an address");
		return -EINVAL;
	}
	id = nla_get_u32(a[KCPG_A_NODEID]);
	if (a[KCPG_A_PORT])
		port = nla_get_u16(a[KCPG_A_PORT]);
	if (!id || id == U32_MAX || !nla_to_sa(a[KCPG_A_ADDR], port, &sa)) {
		NL_SET_ERR_MSG(info->extack, "bad node id or address");
		return -EINVAL;
	}

	mutex_lock(&kn->lock);
	if (kn->up) {
		NL_SET_ERR_MSG(info->extack, "node is up: bring it down first");
		ret = -EBUSY;
	} else if (id == kn->nodeid) {
		NL_SET_ERR_MSG(info->extack, "that is this node's own id");
		ret = -EINVAL;
	} else {
		ret = kcpg_peer_add(kn, id, &sa);
		if (ret == -EEXIST)
			NL_SET_ERR_MSG(info->extack, "peer exists");
	}
	mutex_unlock(&kn->lock);
	return ret;
}

static int kcpg_nl_peer_del(struct sk_buff *skb, struct genl_info *info)
{
	struct kcpg_net *kn = info_kn(info);
	int ret;

	if (!info->attrs[KCPG_A_NODEID])
		return -EINVAL;
	mutex_lock(&kn->lock);
	if (kn->up)
		ret = -EBUSY;
	else
		ret = kcpg_peer_del(kn, nla_get_u32(info->attrs[KCPG_A_NODEID]));
	mutex_unlock(&kn->lock);
	return ret;
}

static int kcpg_nl_up(struct sk_buff *skb, struct genl_info *info)
{
	struct kcpg_net *kn = info_kn(info);
	int ret = 0;

	mutex_lock(&kn->lock);
	if (kn->cfg_pending && !kn->n_handles)
		ret = kcpg_node_reset(kn, 0);
	if (!ret)
		ret = kcpg_transport_up(kn);
	if (ret == -EAFNOSUPPORT)
		NL_SET_ERR_MSG(info->extack,
			       "peers and the local address differ in family");
	if (ret == -EMSGSIZE)
		NL_SET_ERR_MSG(info->extack,
			       "datagram size does not fit the path MTU toward a peer (see the kernel log): close the handles or lower the mtu");
	kcpg_genl_notify(kn);
	mutex_unlock(&kn->lock);
	return ret;
}

static int kcpg_nl_down(struct sk_buff *skb, struct genl_info *info)
{
	struct kcpg_net *kn = info_kn(info);

	mutex_lock(&kn->lock);
	kcpg_transport_down(kn);
	kcpg_genl_notify(kn);
	mutex_unlock(&kn->lock);
	return 0;
}

/*
 * The cluster key.  The attribute is wiped once copied: the request skb is
 * freed without clearing.
 */
static int kcpg_nl_key_set(struct sk_buff *skb, struct genl_info *info)
{
	struct kcpg_net *kn = info_kn(info);
	struct nlattr *key = info->attrs[KCPG_A_KEY];
	bool encrypt = false;
	int ret;

	if (info->attrs[KCPG_A_ENCRYPT])
		encrypt = nla_get_u8(info->attrs[KCPG_A_ENCRYPT]);
	mutex_lock(&kn->lock);
	if (kn->up) {
		NL_SET_ERR_MSG(info->extack, "node is up: bring it down first");
		ret = -EBUSY;
	} else {
		ret = kcpg_crypto_set_key(kn, key ? nla_data(key) : NULL,
					  encrypt);
	}
	mutex_unlock(&kn->lock);
	if (key)
		memzero_explicit(nla_data(key), nla_len(key));
	return ret;
}

/* Ring id and members; under kn->lock. */
static int put_ring(struct sk_buff *skb, struct kcpg_net *kn)
{
	u32 nodes[KP_MAX_NODES];
	struct kp_ring_id id;
	struct nlattr *nest;
	u32 i, n;

	kp_ring_id_get(kn->node, &id);
	n = min_t(u32, kp_ring_nodes(kn->node, nodes, KP_MAX_NODES),
		  KP_MAX_NODES);
	if (nla_put_u32(skb, KCPG_A_RING_REP, id.rep) ||
	    nla_put_u64_64bit(skb, KCPG_A_RING_SEQ, id.seq, KCPG_A_PAD))
		return -EMSGSIZE;
	nest = nla_nest_start(skb, KCPG_A_MEMBERS);
	if (!nest)
		return -EMSGSIZE;
	for (i = 0; i < n; i++)
		if (nla_put_u32(skb, KCPG_A_NODEID, nodes[i]))
			return -EMSGSIZE;
	nla_nest_end(skb, nest);
	return 0;
}

static int kcpg_nl_status(struct sk_buff *skb, struct genl_info *info)
{
	struct kcpg_net *kn = info_kn(info);
	struct sk_buff *msg;
	void *hdr;
	int ret;

	msg = genlmsg_new(NLMSG_GOODSIZE, GFP_KERNEL);
	if (!msg)
		return -ENOMEM;
	hdr = genlmsg_put_reply(msg, info, &kcpg_genl, 0, KCPG_CMD_STATUS_GET);
	if (!hdr)
		goto nospace;
	mutex_lock(&kn->lock);
	ret = nla_put_u32(msg, KCPG_A_NODEID, kn->nodeid) ||
	      nla_put_u8(msg, KCPG_A_STATE, kn->up) ||
	      nla_put_u8(msg, KCPG_A_KEYED, kcpg_crypto_keyed(kn)) ||
	      nla_put_u32(msg, KCPG_A_MTU, kn->cfg.mtu) ||
	      nla_put_u32(msg, KCPG_A_MTU_USED, kn->mtu) ||
	      nla_put_u32(msg, KCPG_A_TOKEN_MS,
			  div_u64(kn->cfg.token_timeout, NSEC_PER_MSEC)) ||
	      (kn->local_set && addr_put(msg, &kn->local)) ||
	      nla_put_u16(msg, KCPG_A_PORT, kn->port) ||
	      put_ring(msg, kn);
	mutex_unlock(&kn->lock);
	if (ret)
		goto nospace;
	genlmsg_end(msg, hdr);
	return genlmsg_reply(msg, info);
nospace:
	nlmsg_free(msg);
	return -EMSGSIZE;
}

static int kcpg_nl_stats(struct sk_buff *skb, struct genl_info *info)
{
	struct kcpg_net *kn = info_kn(info);
	u64 v[KCPG_STAT_MAX + 1] = {};
	struct kp_stats st;
	struct nlattr *nest;
	struct sk_buff *msg;
	void *hdr;
	int i;

	mutex_lock(&kn->lock);
	kp_stats_get(kn->node, &st);
	v[KCPG_STAT_SENDER_BYTES] = kn->copies.sender_bytes;
	v[KCPG_STAT_RING_BYTES] = kn->copies.ring_bytes;
	v[KCPG_STAT_RETAINED_BYTES] = kn->copies.retained_bytes +
				      st.bytes_retained;
	mutex_unlock(&kn->lock);
	v[KCPG_STAT_MSGS_SENT] = st.msgs_sent;
	v[KCPG_STAT_MSGS_DELIVERED] = st.msgs_delivered;
	v[KCPG_STAT_PKTS_SENT] = st.pkts_sent;
	v[KCPG_STAT_PKTS_RECEIVED] = st.pkts_received;
	v[KCPG_STAT_PKTS_DROPPED] = st.pkts_dropped;
	v[KCPG_STAT_RETRANSMITS] = st.retransmits;
	v[KCPG_STAT_TOKEN_LOSSES] = st.token_losses;
	v[KCPG_STAT_CONFIGS] = st.configs;
	v[KCPG_STAT_EXPELLED] = st.expelled;
	v[KCPG_STAT_DROP_UNKNOWN_PEER] =
		atomic64_read(&kn->drops[KCPG_DROP_UNKNOWN_PEER]);
	v[KCPG_STAT_DROP_QUEUE_FULL] =
		atomic64_read(&kn->drops[KCPG_DROP_QUEUE_FULL]);
	v[KCPG_STAT_DROP_NOT_UP] = atomic64_read(&kn->drops[KCPG_DROP_NOT_UP]);
	v[KCPG_STAT_SEND_ERRORS] =
		atomic64_read(&kn->drops[KCPG_DROP_SEND_ERROR]);
	v[KCPG_STAT_DROP_MALFORMED] =
		atomic64_read(&kn->drops[KCPG_DROP_MALFORMED]);
	v[KCPG_STAT_DROP_RING_FULL] =
		atomic64_read(&kn->drops[KCPG_DROP_RING_FULL]);
	v[KCPG_STAT_DROP_BAD_CONSUMER] =
		atomic64_read(&kn->drops[KCPG_DROP_BAD_CONSUMER]);
	v[KCPG_STAT_DROP_BAD_TAG] = atomic64_read(&kn->drops[KCPG_DROP_BAD_TAG]);
	v[KCPG_STAT_DROP_REPLAY] = atomic64_read(&kn->drops[KCPG_DROP_REPLAY]);

	msg = genlmsg_new(NLMSG_GOODSIZE, GFP_KERNEL);
	if (!msg)
		return -ENOMEM;
	hdr = genlmsg_put_reply(msg, info, &kcpg_genl, 0, KCPG_CMD_STATS_GET);
	if (!hdr)
		goto nospace;
	nest = nla_nest_start(msg, KCPG_A_STATS);
	if (!nest)
		goto nospace;
	for (i = 1; i <= KCPG_STAT_MAX; i++) {
		if (i == KCPG_STAT_PAD)
			continue;
		if (nla_put_u64_64bit(msg, i, v[i], KCPG_STAT_PAD))
			goto nospace;
	}
	nla_nest_end(msg, nest);
	genlmsg_end(msg, hdr);
	return genlmsg_reply(msg, info);
nospace:
	nlmsg_free(msg);
	return -EMSGSIZE;
}

/* Dumps walk a list by position (cb->args[0]), the lock held per message. */
static int kcpg_nl_peer_dump(struct sk_buff *skb, struct netlink_callback *cb)
{
	struct kcpg_net *kn = kcpg_net_get(sock_net(skb->sk));
	long idx = 0, start = cb->args[0];
	struct kcpg_peer *p;
	struct nlattr *nest;
	void *hdr;

	mutex_lock(&kn->lock);
	list_for_each_entry(p, &kn->peers, node) {
		if (idx++ < start)
			continue;
		hdr = genlmsg_put(skb, NETLINK_CB(cb->skb).portid,
				  cb->nlh->nlmsg_seq, &kcpg_genl, NLM_F_MULTI,
				  KCPG_CMD_PEER_GET);
		if (!hdr)
			break;
		nest = nla_nest_start(skb, KCPG_A_PEER);
		if (!nest || nla_put_u32(skb, KCPG_A_NODEID, p->nodeid) ||
		    sa_put(skb, &p->addr) ||
		    nla_put_u64_64bit(skb, KCPG_A_PEER_TX,
				      atomic64_read(&p->tx), KCPG_A_PAD) ||
		    nla_put_u64_64bit(skb, KCPG_A_PEER_RX,
				      atomic64_read(&p->rx), KCPG_A_PAD) ||
		    nla_put_u64_64bit(skb, KCPG_A_PEER_DROP,
				      atomic64_read(&p->drop), KCPG_A_PAD)) {
			genlmsg_cancel(skb, hdr);
			idx--;
			break;
		}
		nla_nest_end(skb, nest);
		genlmsg_end(skb, hdr);
	}
	mutex_unlock(&kn->lock);
	cb->args[0] = idx;
	return skb->len;
}

struct group_dump {
	struct sk_buff *skb;
	struct netlink_callback *cb;
	long idx, start;
	bool full;
};

static int group_dump_one(void *arg, const struct kp_name *g, kp_u32 nodeid,
			  kp_u32 pid)
{
	struct group_dump *d = arg;
	void *hdr;

	if (d->idx++ < d->start)
		return 0;
	hdr = genlmsg_put(d->skb, NETLINK_CB(d->cb->skb).portid,
			  d->cb->nlh->nlmsg_seq, &kcpg_genl, NLM_F_MULTI,
			  KCPG_CMD_GROUP_GET);
	if (!hdr)
		goto full;
	if (nla_put(d->skb, KCPG_A_GROUP, g->length, g->value) ||
	    nla_put_u32(d->skb, KCPG_A_NODEID, nodeid) ||
	    nla_put_u32(d->skb, KCPG_A_PID, pid)) {
		genlmsg_cancel(d->skb, hdr);
		goto full;
	}
	genlmsg_end(d->skb, hdr);
	return 0;
full:
	d->idx--;
	d->full = true;
	return 1;
}

static int kcpg_nl_group_dump(struct sk_buff *skb, struct netlink_callback *cb)
{
	struct kcpg_net *kn = kcpg_net_get(sock_net(skb->sk));
	struct group_dump d = { .skb = skb, .cb = cb, .start = cb->args[0] };

	mutex_lock(&kn->lock);
	kp_for_each_member(kn->node, group_dump_one, &d);
	mutex_unlock(&kn->lock);
	cb->args[0] = d.idx;
	return skb->len;
}

/* Under kn->lock: multicast the ring when it changed since last time. */
void kcpg_genl_notify(struct kcpg_net *kn)
{
	struct kp_ring_id id;
	struct sk_buff *msg;
	void *hdr;

	kp_ring_id_get(kn->node, &id);
	if (id.seq == kn->last_ring_seq && id.rep == kn->last_ring_rep)
		return;
	kn->last_ring_seq = id.seq;
	kn->last_ring_rep = id.rep;
	if (!genl_has_listeners(&kcpg_genl, kn->net, 0))
		return;
	msg = genlmsg_new(NLMSG_GOODSIZE, GFP_KERNEL);
	if (!msg)
		return;
	hdr = genlmsg_put(msg, 0, 0, &kcpg_genl, 0, KCPG_CMD_EVENT);
	if (!hdr || nla_put_u32(msg, KCPG_A_NODEID, kn->nodeid) ||
	    put_ring(msg, kn)) {
		nlmsg_free(msg);
		return;
	}
	genlmsg_end(msg, hdr);
	genlmsg_multicast_netns(&kcpg_genl, kn->net, msg, 0, 0, GFP_KERNEL);
}

static const struct genl_small_ops kcpg_genl_ops[] = {
	{
		.cmd = KCPG_CMD_NODE_SET,
		.doit = kcpg_nl_node_set,
		.flags = GENL_UNS_ADMIN_PERM,
	}, {
		.cmd = KCPG_CMD_PEER_ADD,
		.doit = kcpg_nl_peer_add,
		.flags = GENL_UNS_ADMIN_PERM,
	}, {
		.cmd = KCPG_CMD_PEER_DEL,
		.doit = kcpg_nl_peer_del,
		.flags = GENL_UNS_ADMIN_PERM,
	}, {
		.cmd = KCPG_CMD_UP,
		.doit = kcpg_nl_up,
		.flags = GENL_UNS_ADMIN_PERM,
	}, {
		.cmd = KCPG_CMD_DOWN,
		.doit = kcpg_nl_down,
		.flags = GENL_UNS_ADMIN_PERM,
	}, {
		.cmd = KCPG_CMD_KEY_SET,
		.doit = kcpg_nl_key_set,
		.flags = GENL_UNS_ADMIN_PERM,
	}, {
		.cmd = KCPG_CMD_STATUS_GET,
		.doit = kcpg_nl_status,
	}, {
		.cmd = KCPG_CMD_STATS_GET,
		.doit = kcpg_nl_stats,
	}, {
		.cmd = KCPG_CMD_PEER_GET,
		.dumpit = kcpg_nl_peer_dump,
	}, {
		.cmd = KCPG_CMD_GROUP_GET,
		.dumpit = kcpg_nl_group_dump,
	},
};

static const struct genl_multicast_group kcpg_genl_mcgrps[] = {
	{ .name = KCPG_GENL_MCGRP },
};

static struct genl_family kcpg_genl __ro_after_init = {
	.name = KCPG_GENL_NAME,
	.version = KCPG_GENL_VERSION,
	.maxattr = KCPG_A_MAX,
	.policy = kcpg_policy,
	.netnsok = true,
	.module = THIS_MODULE,
	.small_ops = kcpg_genl_ops,
	.n_small_ops = ARRAY_SIZE(kcpg_genl_ops),
	.mcgrps = kcpg_genl_mcgrps,
	.n_mcgrps = ARRAY_SIZE(kcpg_genl_mcgrps),
};

int __init kcpg_genl_init(void)
{
	return genl_register_family(&kcpg_genl);
}

void kcpg_genl_exit(void)
{
	genl_unregister_family(&kcpg_genl);
}
