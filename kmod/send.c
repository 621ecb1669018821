// SPDX-License-Identifier: GPL-2.0
/*
 * kcpg: sending datagrams the way in-kernel UDP tunnels do.
 *
 * Each datagram becomes an skb of its own (with headroom for the IP and
 * UDP headers and the link layer), routed with the peer's dst cache and
 * handed to udp_tunnel_xmit_skb() / udp_tunnel6_xmit_skb(), which push the
 * headers and send it through the IP output path.  Nothing here takes the
 * socket lock or sleeps: allocation is GFP_ATOMIC (a failure drops the
 * datagram, counted as a send error, and the protocol retransmits), and the
 * route lookup and the transmission run with bottom halves disabled, which
 * the per-cpu dst cache and the IP output path require of process context.
 * So the path could run from any context, although the core only calls it
 * from process context with kcpg_net.lock held (ioctl, netlink or the
 * worker): the lock serialises it against transport up/down and peer
 * changes, and protects the sealing buffer.
 *
 * Path MTU: at up, kcpg_path_mtu() takes the MTU of the route to every
 * peer, and the core's datagram size is lowered so that no datagram needs
 * IP fragmentation (see kcpg_transport_up()).  DF stays clear (IPv4) and
 * IPv6 may fragment locally: a datagram that no longer fits because a
 * route changed after up is fragmented by IP rather than lost for good,
 * which in a totally ordered ring would stall delivery until the member
 * is excluded.  Corosync's UDP transports make the same choice.
 */
#include <linux/error-injection.h>
#include <linux/in.h>
#include <linux/in6.h>
#include <linux/ip.h>
#include <linux/ipv6.h>
#include <linux/udp.h>
#include <net/dst.h>
#include <net/dst_cache.h>
#include <net/route.h>
#include <net/ip6_route.h>
#include KCPG_IP6_LOOKUP_H
#include <net/udp_tunnel.h>

#include "kcpg.h"

/* Room for the IP (either family) and UDP headers and any link layer. */
#define KCPG_HEADROOM	(MAX_HEADER + sizeof(struct ipv6hdr) + \
			 sizeof(struct udphdr))

/*
 * Bottom halves disabled (the dst cache is per cpu).  Returns a counted
 * route to @p and the source address to use, or an ERR_PTR.
 */
static struct dst_entry *kcpg_route4(struct kcpg_net *kn, struct kcpg_peer *p,
				     __be32 *saddr)
{
	const struct sockaddr_in *d = (const struct sockaddr_in *)&p->addr;
	const struct sockaddr_in *l = (const struct sockaddr_in *)&kn->local;
	struct flowi4 fl4 = {
		.daddr = d->sin_addr.s_addr,
		.saddr = l->sin_addr.s_addr,
		.flowi4_proto = IPPROTO_UDP,
		.fl4_sport = htons(kn->port),
		.fl4_dport = d->sin_port,
	};
	struct rtable *rt;

	rt = dst_cache_get_ip4(&p->dst_cache, saddr);
	if (rt)
		return &rt->dst;
	rt = ip_route_output_key(kn->net, &fl4);
	if (IS_ERR(rt))
		return ERR_CAST(rt);
	dst_cache_set_ip4(&p->dst_cache, &rt->dst, fl4.saddr);
	*saddr = fl4.saddr;
	return &rt->dst;
}

static struct dst_entry *kcpg_route6(struct kcpg_net *kn, struct kcpg_peer *p,
				     struct in6_addr *saddr)
{
	const struct sockaddr_in6 *d = (const struct sockaddr_in6 *)&p->addr;
	const struct sockaddr_in6 *l = (const struct sockaddr_in6 *)&kn->local;
	struct flowi6 fl6 = {
		.daddr = d->sin6_addr,
		.saddr = l->sin6_addr,
		.flowi6_proto = IPPROTO_UDP,
		.fl6_sport = htons(kn->port),
		.fl6_dport = d->sin6_port,
	};
	struct dst_entry *dst;

	dst = dst_cache_get_ip6(&p->dst_cache, saddr);
	if (dst)
		return dst;
	dst = kcpg_ip6_dst_lookup_flow(kn->net,
				       kn->sock ? kn->sock->sk : NULL,
				       &fl6, NULL);
	if (IS_ERR(dst))
		return dst;
	dst_cache_set_ip6(&p->dst_cache, dst, &fl6.saddr);
	*saddr = fl6.saddr;
	return dst;
}

/* Bottom halves disabled.  Consumes @skb. */
static int kcpg_xmit(struct kcpg_net *kn, struct kcpg_peer *p,
		     struct sk_buff *skb)
{
	struct sock *sk = kn->sock->sk;
	struct dst_entry *dst;

	if (p->addr.ss_family == AF_INET6) {
		const struct sockaddr_in6 *d =
			(const struct sockaddr_in6 *)&p->addr;
		struct in6_addr saddr;

		dst = kcpg_route6(kn, p, &saddr);
		if (IS_ERR(dst))
			goto err;
		skb->ignore_df = 1;	/* see the top of this file */
		kcpg_udp_tunnel6_xmit_skb(dst, sk, skb, NULL, &saddr,
					  (struct in6_addr *)&d->sin6_addr, 0,
					  ip6_dst_hoplimit(dst), 0,
					  htons(kn->port), d->sin6_port, false,
					  0);
	} else {
		const struct sockaddr_in *d =
			(const struct sockaddr_in *)&p->addr;
		__be32 saddr;

		dst = kcpg_route4(kn, p, &saddr);
		if (IS_ERR(dst))
			goto err;
		kcpg_udp_tunnel_xmit_skb((struct rtable *)dst, sk, skb, saddr,
					 d->sin_addr.s_addr, 0,
					 ip4_dst_hoplimit(dst), 0,
					 htons(kn->port), d->sin_port, false,
					 false, 0);
	}
	return 0;
err:
	kfree_skb(skb);
	return PTR_ERR(dst);
}

/*
 * One skb per datagram.  A fault point (fail_function, NULL): the core
 * sends mostly from the instance's worker (token, retransmissions,
 * membership), where fail-nth does not reach, and skbs come from the
 * network stack's caches, not kcpg's.  A failure drops the datagram like
 * a loss on the wire; the protocol retransmits.
 */
static noinline struct sk_buff *kcpg_tx_skb_alloc(size_t len)
{
	return alloc_skb(KCPG_HEADROOM + len, GFP_ATOMIC);
}

ALLOW_ERROR_INJECTION(kcpg_tx_skb_alloc, NULL);

static void kcpg_send_to(struct kcpg_net *kn, struct kcpg_peer *p,
			 const void *pkt, size_t len)
{
	struct sk_buff *skb;
	int ret;

	skb = kcpg_tx_skb_alloc(len);
	if (!skb) {
		kcpg_drop(kn, KCPG_DROP_SEND_ERROR, p->nodeid, len);
		return;
	}
	skb_reserve(skb, KCPG_HEADROOM);
	skb_put_data(skb, pkt, len);

	local_bh_disable();
	ret = kcpg_xmit(kn, p, skb);
	local_bh_enable();
	if (ret)
		kcpg_drop(kn, KCPG_DROP_SEND_ERROR, p->nodeid, len);
	else
		atomic64_inc(&p->tx);
}

/* The core's send callback: under kn->lock (see the top of this file). */
void kcpg_transport_send(struct kcpg_net *kn, u32 dest, const void *pkt,
			 size_t len)
{
	struct kcpg_peer *p;
	int ret;

	if (!kn->sock) {
		kcpg_drop(kn, KCPG_DROP_NOT_UP, dest, len);
		return;
	}
	/* Sealed once, sent to every destination. */
	if (kn->keys) {
		if (len > KCPG_MAX_DGRAM) {
			kcpg_drop(kn, KCPG_DROP_SEND_ERROR, dest, len);
			return;
		}
		memcpy(kn->txbuf + kcpg_crypto_header_len(), pkt, len);
		ret = kcpg_crypto_seal(kn, kn->txbuf, len);
		if (ret < 0) {
			kcpg_drop(kn, KCPG_DROP_SEND_ERROR, dest, len);
			return;
		}
		pkt = kn->txbuf;
		len = ret;
	}
	list_for_each_entry(p, &kn->peers, node)
		if (!dest || p->nodeid == dest)
			kcpg_send_to(kn, p, pkt, len);
}

/*
 * Under kn->lock, while down.  The largest datagram of the core that the
 * route to every peer carries without IP fragmentation: the route's MTU
 * less the IP and UDP headers and the envelope of the cluster key.  0 when
 * no peer has a route (nothing to limit); *@nodeid names the peer with the
 * smallest.
 */
u32 kcpg_path_mtu(struct kcpg_net *kn, u32 *nodeid)
{
	size_t hdr, room, best = 0;
	struct dst_entry *dst;
	struct kcpg_peer *p;
	struct in6_addr s6;
	unsigned int mtu;
	__be32 s4;

	list_for_each_entry(p, &kn->peers, node) {
		hdr = sizeof(struct udphdr);
		hdr += p->addr.ss_family == AF_INET6 ? sizeof(struct ipv6hdr) :
						       sizeof(struct iphdr);
		if (kn->keys)
			hdr += kcpg_crypto_overhead();
		local_bh_disable();
		if (p->addr.ss_family == AF_INET6)
			dst = kcpg_route6(kn, p, &s6);
		else
			dst = kcpg_route4(kn, p, &s4);
		mtu = IS_ERR(dst) ? 0 : dst_mtu(dst);
		if (!IS_ERR(dst))
			dst_release(dst);
		local_bh_enable();
		if (IS_ERR(dst))
			continue;	/* no route yet: nothing to measure */
		room = mtu > hdr ? mtu - hdr : 0;
		if (!best || room < best) {
			best = room ? room : 1;
			*nodeid = p->nodeid;
		}
	}
	return min_t(size_t, best, U32_MAX);
}
