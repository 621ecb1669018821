// SPDX-License-Identifier: GPL-2.0
/*
 * kcpg: UDP between nodes, and the instance's worker.
 *
 * Each instance that is up owns one kernel UDP socket (IPv4 or IPv6, the
 * family of its local address).  The socket's encap_rcv hook runs in
 * softirq, bypasses the socket's receive buffer and only queues: datagrams
 * from configured peers go into that peer's bounded queue, everything else
 * is dropped and counted.  The worker (process context, one work item per
 * instance, so never concurrent with itself) takes the instance lock, runs
 * fired timers, then feeds queued datagrams to the core round-robin across
 * peers with a budget, so one peer can neither starve nor flood the rest.
 *
 * Sending happens inside core calls, so always in process context with the
 * instance lock held (ioctl, netlink or the worker): kernel_sendmsg() may
 * sleep there.  MSG_DONTWAIT: a full send buffer drops the datagram, which
 * the protocol retransmits, rather than blocking every handle.
 */
#include <linux/in.h>
#include <linux/in6.h>
#include <linux/ip.h>
#include <linux/ipv6.h>
#include <linux/udp.h>
#include <linux/slab.h>
#include <linux/mm.h>
#include <net/sock.h>
#include <net/udp_tunnel.h>

#include "kcpg.h"
#include "trace.h"

#define KCPG_PEER_RXQ_MAX	1024	/* datagrams queued per peer */
#define KCPG_WORK_BUDGET	256	/* datagrams per worker run */
#define KCPG_MAX_DGRAM		65536

static void kcpg_drop(struct kcpg_net *kn, enum kcpg_drop why, u32 nodeid,
		      u32 len)
{
	atomic64_inc(&kn->drops[why]);
	trace_kcpg_drop(kcpg_drop_names[why], nodeid, len);
}

static bool sa_match(const struct sockaddr_storage *a, struct sk_buff *skb)
{
	const struct udphdr *uh = udp_hdr(skb);

	if (a->ss_family == AF_INET && skb->protocol == htons(ETH_P_IP)) {
		const struct sockaddr_in *s = (const struct sockaddr_in *)a;

		return s->sin_addr.s_addr == ip_hdr(skb)->saddr &&
		       s->sin_port == uh->source;
	}
	if (a->ss_family == AF_INET6 && skb->protocol == htons(ETH_P_IPV6)) {
		const struct sockaddr_in6 *s = (const struct sockaddr_in6 *)a;

		return ipv6_addr_equal(&s->sin6_addr, &ipv6_hdr(skb)->saddr) &&
		       s->sin6_port == uh->source;
	}
	return false;
}

/* Softirq, under rcu_read_lock (UDP receive). */
static int kcpg_udp_rcv(struct sock *sk, struct sk_buff *skb)
{
	struct kcpg_net *kn = rcu_dereference_sk_user_data(sk);
	struct kcpg_peer *p;

	if (!kn)
		goto drop;
	list_for_each_entry_rcu(p, &kn->peers, node) {
		if (!sa_match(&p->addr, skb))
			continue;
		if (skb_queue_len(&p->rxq) >= KCPG_PEER_RXQ_MAX) {
			atomic64_inc(&p->drop);
			kcpg_drop(kn, KCPG_DROP_QUEUE_FULL, p->nodeid, skb->len);
			goto drop;
		}
		atomic64_inc(&p->rx);
		skb_queue_tail(&p->rxq, skb);
		queue_work(system_unbound_wq, &kn->work);
		return 0;
	}
	kcpg_drop(kn, KCPG_DROP_UNKNOWN_PEER, 0, skb->len);
drop:
	kfree_skb(skb);
	return 0;
}

/* Under kn->lock. */
static void kcpg_rx_one(struct kcpg_net *kn, struct kcpg_peer *p,
			struct sk_buff *skb)
{
	int off = skb_transport_offset(skb) + sizeof(struct udphdr);
	int len = skb->len - off;
	u8 *pkt = kn->rxbuf;

	if (len <= 0 || len > KCPG_MAX_DGRAM ||
	    skb_copy_bits(skb, off, kn->rxbuf, len)) {
		atomic64_inc(&p->drop);
		kfree_skb(skb);
		return;
	}
	kfree_skb(skb);
	if (kn->keys) {
		int plen = kcpg_crypto_open(kn, p, kn->rxbuf, len, &pkt);

		if (plen < 0) {
			atomic64_inc(&p->drop);
			kcpg_drop(kn, plen == -EALREADY ? KCPG_DROP_REPLAY :
				  KCPG_DROP_BAD_TAG, p->nodeid, len);
			return;
		}
		len = plen;
	}
	if (kp_receive(kn->node, p->nodeid, pkt, len, kcpg_now())) {
		atomic64_inc(&p->drop);
		kcpg_drop(kn, KCPG_DROP_MALFORMED, p->nodeid, len);
	}
}

void kcpg_net_work(struct work_struct *work)
{
	struct kcpg_net *kn = container_of(work, struct kcpg_net, work);
	unsigned int budget = KCPG_WORK_BUDGET;
	struct kcpg_peer *p;
	struct sk_buff *skb;
	bool progress;

	mutex_lock(&kn->lock);
	if (kn->dying) {
		mutex_unlock(&kn->lock);
		return;
	}
	kcpg_timers_run(kn);
	do {
		progress = false;
		list_for_each_entry(p, &kn->peers, node) {
			skb = skb_dequeue(&p->rxq);
			if (!skb)
				continue;
			progress = true;
			if (kn->up)
				kcpg_rx_one(kn, p, skb);
			else
				kfree_skb(skb);
			budget--;
		}
	} while (progress && budget);
	kcpg_genl_notify(kn);
	mutex_unlock(&kn->lock);
	/* Out of budget with work left: yield, then go on. */
	if (!budget)
		queue_work(system_unbound_wq, &kn->work);
}

static int sa_len(const struct sockaddr_storage *a)
{
	return a->ss_family == AF_INET6 ? sizeof(struct sockaddr_in6) :
					  sizeof(struct sockaddr_in);
}

static void kcpg_send_to(struct kcpg_net *kn, struct kcpg_peer *p,
			 const void *pkt, size_t len)
{
	struct kvec iov = { .iov_base = (void *)pkt, .iov_len = len };
	struct msghdr msg = {
		.msg_name = &p->addr,
		.msg_namelen = sa_len(&p->addr),
		.msg_flags = MSG_DONTWAIT | MSG_NOSIGNAL,
	};
	int ret;

	ret = kernel_sendmsg(kn->sock, &msg, &iov, 1, len);
	if (ret < 0)
		kcpg_drop(kn, KCPG_DROP_SEND_ERROR, p->nodeid, len);
	else
		atomic64_inc(&p->tx);
}

/* The core's send callback: under kn->lock, process context. */
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
		list_del_rcu(&p->node);
		call_rcu(&p->rcu, kcpg_peer_free_rcu);
	}
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
	setup_udp_tunnel_sock(kn->net, sock, &tcfg);
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
	udp_tunnel_sock_release(kn->sock);
	kn->sock = NULL;
	list_for_each_entry(p, &kn->peers, node)
		skb_queue_purge(&p->rxq);
	kvfree(kn->rxbuf);
	kvfree(kn->txbuf);
	kn->rxbuf = NULL;
	kn->txbuf = NULL;
}
