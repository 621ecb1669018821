// SPDX-License-Identifier: GPL-2.0
/*
 * kcpg: the UDP socket of an instance, its peers and the path MTU.
 *
 * Each instance that is up owns one kernel UDP socket (IPv4 or IPv6, the
 * family of its local address), set up as a UDP tunnel socket: received
 * datagrams go to kcpg_udp_rcv() (receive.c), datagrams are sent without
 * the socket (send.c).  Peers and the socket change under kcpg_net.lock,
 * only while the node is down.
 */
#include <linux/in.h>
#include <linux/slab.h>
#include <linux/mm.h>
#include <net/sock.h>
#include <net/dst_cache.h>
#include <net/udp_tunnel.h>

#include "kcpg.h"

/* Under kn->lock. */
struct kcpg_peer *kcpg_peer_find(struct kcpg_net *kn, u32 nodeid)
{
	struct kcpg_peer *p;

	list_for_each_entry(p, &kn->peers, node)
		if (p->nodeid == nodeid)
			return p;
	return NULL;
}

/* Under kn->lock, while down. */
int kcpg_peer_add(struct kcpg_net *kn, u32 nodeid,
		  const struct sockaddr_storage *addr)
{
	struct kcpg_peer *p;

	if (kcpg_peer_find(kn, nodeid))
		return -EEXIST;
	p = kzalloc(sizeof(*p), GFP_KERNEL);
	if (!p)
		return -ENOMEM;
	if (dst_cache_init(&p->dst_cache, GFP_KERNEL)) {
		kfree(p);
		return -ENOMEM;
	}
	p->nodeid = nodeid;
	p->addr = *addr;
	skb_queue_head_init(&p->rxq);
	list_add_tail_rcu(&p->node, &kn->peers);
	return 0;
}

static void kcpg_peer_free_rcu(struct rcu_head *rcu)
{
	struct kcpg_peer *p = container_of(rcu, struct kcpg_peer, rcu);

	skb_queue_purge(&p->rxq);
	kfree(p);
}

/* Under kn->lock, while down. */
int kcpg_peer_del(struct kcpg_net *kn, u32 nodeid)
{
	struct kcpg_peer *p = kcpg_peer_find(kn, nodeid);

	if (!p)
		return -ENOENT;
	kcpg_crypto_peer_reset(p);
	/* Only the sender, under kn->lock, uses the dst cache. */
	dst_cache_destroy(&p->dst_cache);
	list_del_rcu(&p->node);
	call_rcu(&p->rcu, kcpg_peer_free_rcu);
	return 0;
}

/* Pernet exit: the socket is gone, no reader is left. */
void kcpg_peers_free(struct kcpg_net *kn)
{
	struct kcpg_peer *p, *tmp;

	list_for_each_entry_safe(p, tmp, &kn->peers, node) {
		kcpg_crypto_peer_reset(p);
		dst_cache_destroy(&p->dst_cache);
		list_del_rcu(&p->node);
		call_rcu(&p->rcu, kcpg_peer_free_rcu);
	}
}

/*
 * Under kn->lock, while down: fit the core's datagram size to the path MTU.
 *
 * Every member of a totally ordered ring must be able to receive every
 * datagram of every other member, and recovery resends other members'
 * messages, so the datagram size is decided once, when the node comes up,
 * as the configured MTU lowered to the smallest path MTU toward any peer
 * (kcpg_path_mtu()).  Only a core without handles can be rebuilt with a
 * new size; with handles open, a core whose datagrams are too large for
 * the path refuses to come up (-EMSGSIZE) instead of relying on IP
 * fragmentation.  Members on one network see the same link MTU, so they
 * arrive at the same size; status reports it.
 */
static int kcpg_fit_mtu(struct kcpg_net *kn)
{
	u32 worst = 0, path = kcpg_path_mtu(kn, &worst);
	u32 want = path && path < kn->cfg.mtu ? path : kn->cfg.mtu;

	if (path && path < KCPG_MTU_MIN) {
		pr_warn_ratelimited("kcpg: node %u: path MTU toward node %u leaves %u bytes per datagram, less than %u\n",
				    kn->nodeid, worst, path, KCPG_MTU_MIN);
		return -EMSGSIZE;
	}
	if (want == kn->mtu)
		return 0;
	if (kn->n_handles) {
		if (kn->mtu <= want)
			return 0;	/* smaller than it could be: harmless */
		pr_warn_ratelimited("kcpg: node %u: datagrams of %u bytes do not fit the path MTU toward node %u (%u at most); close the handles or lower the mtu\n",
				    kn->nodeid, kn->mtu, worst, path);
		return -EMSGSIZE;
	}
	if (want < kn->cfg.mtu)
		pr_info("kcpg: node %u: datagrams of %u bytes instead of %u, for the path MTU toward node %u\n",
			kn->nodeid, want, kn->cfg.mtu, worst);
	return kcpg_node_reset(kn, want);
}

/* Under kn->lock: open the socket and bring the peers into the core. */
int kcpg_transport_up(struct kcpg_net *kn)
{
	struct udp_tunnel_sock_cfg tcfg = {
		.sk_user_data = kn,
		.encap_type = 1,
		.encap_rcv = kcpg_udp_rcv,
	};
	struct udp_port_cfg cfg = {
		.family = kn->local.ss_family,
		.local_udp_port = htons(kn->port),
		.ipv6_v6only = 1,
	};
	struct socket *sock;
	struct kcpg_peer *p;
	int ret;

	if (kn->up)
		return -EALREADY;
	list_for_each_entry(p, &kn->peers, node)
		if (p->addr.ss_family != kn->local.ss_family)
			return -EAFNOSUPPORT;
	/* The node's address may have changed since the last up. */
	list_for_each_entry(p, &kn->peers, node)
		dst_cache_reset(&p->dst_cache);
	ret = kcpg_fit_mtu(kn);
	if (ret)
		return ret;

	if (cfg.family == AF_INET6)
		cfg.local_ip6 = ((struct sockaddr_in6 *)&kn->local)->sin6_addr;
	else
		cfg.local_ip = ((struct sockaddr_in *)&kn->local)->sin_addr;

	kn->rxbuf = kvmalloc(KCPG_MAX_DGRAM, GFP_KERNEL);
	kn->txbuf = kvmalloc(KCPG_MAX_DGRAM + kcpg_crypto_overhead(),
			     GFP_KERNEL);
	ret = kn->rxbuf && kn->txbuf ? kcpg_crypto_up(kn) : -ENOMEM;
	if (!ret)
		ret = udp_sock_create(kn->net, &cfg, &sock);
	if (ret) {
		kvfree(kn->rxbuf);
		kvfree(kn->txbuf);
		kn->rxbuf = NULL;
		kn->txbuf = NULL;
		return ret;
	}
	kcpg_setup_udp_tunnel_sock(kn->net, sock->sk, &tcfg);
	kn->sock = sock;
	kn->up = true;
	list_for_each_entry(p, &kn->peers, node)
		kp_peer_add(kn->node, p->nodeid, kcpg_now());
	return 0;
}

/*
 * Under kn->lock: the peers leave the core (which forms a ring of this node
 * alone), then the socket closes.  udp_tunnel_sock_release() waits for
 * receive hooks in flight, so the queues are final when purged.
 */
void kcpg_transport_down(struct kcpg_net *kn)
{
	struct kcpg_peer *p;

	if (!kn->up)
		return;
	list_for_each_entry(p, &kn->peers, node)
		kp_peer_remove(kn->node, p->nodeid, kcpg_now());
	kn->up = false;
	kcpg_udp_tunnel_sock_release(kn->sock->sk);
	kn->sock = NULL;
	/* No route is held while down (a namespace may go away). */
	list_for_each_entry(p, &kn->peers, node) {
		skb_queue_purge(&p->rxq);
		dst_cache_reset(&p->dst_cache);
	}
	kvfree(kn->rxbuf);
	kvfree(kn->txbuf);
	kn->rxbuf = NULL;
	kn->txbuf = NULL;
}
