// SPDX-License-Identifier: GPL-2.0
/*
 * kcpg: receiving datagrams, and the instance's ordered worker.
 *
 * The socket's encap_rcv hook runs in softirq, bypasses the socket's
 * receive buffer and only queues: datagrams from configured peers go into
 * that peer's bounded queue, everything else is dropped and counted.  The
 * worker (process context, one work item per instance, so never concurrent
 * with itself) takes the instance lock, runs fired timers, then feeds queued
 * datagrams to the core round-robin across peers with a budget, so one peer
 * can neither starve nor flood the rest.
 */
#include <linux/in.h>
#include <linux/in6.h>
#include <linux/ip.h>
#include <linux/ipv6.h>
#include <linux/udp.h>
#include <net/sock.h>

#include "kcpg.h"
#include "trace.h"

#define KCPG_PEER_RXQ_MAX	1024	/* datagrams queued per peer */
#define KCPG_WORK_BUDGET	256	/* datagrams per worker run */

/* Any context: counters are atomic. */
void kcpg_drop(struct kcpg_net *kn, enum kcpg_drop why, u32 nodeid, u32 len)
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

/* The socket's encap_rcv: softirq, under rcu_read_lock (UDP receive). */
int kcpg_udp_rcv(struct sock *sk, struct sk_buff *skb)
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
