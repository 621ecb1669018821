// SPDX-License-Identifier: GPL-2.0
/*
 * kcpg: one instance per network namespace.
 *
 * An instance is one node of a cluster.  Without configuration it is the
 * one-node cluster of node id 1, which sends nothing on the network.  Open
 * handles hold a reference to their namespace, so an instance outlives
 * every handle bound to it; the instance itself holds none (its socket is
 * a kernel socket, which does not pin the namespace either).
 */
#include <linux/moduleparam.h>
#include <linux/random.h>
#include <linux/ktime.h>
#include <linux/in.h>
#include <net/net_namespace.h>
#include <net/netns/generic.h>

#include "kcpg.h"

#define KCPG_DEFAULT_NODEID	1

static unsigned int kcpg_net_id __read_mostly;

/*
 * Instances alive, the initial namespace's included: read-only as
 * /sys/module/kcpg/parameters/instances.  It drops once a namespace's
 * pernet exit has run, so a test sees a deleted namespace really freed:
 * a reference held by anyone, kcpg included, would keep it up forever.
 */
static atomic_t kcpg_instances = ATOMIC_INIT(0);

static int kcpg_instances_get(char *buf, const struct kernel_param *kp)
{
	return sysfs_emit(buf, "%d\n", atomic_read(&kcpg_instances));
}

/* A count, not a setting: refused at insmod time too. */
static int kcpg_instances_set(const char *val, const struct kernel_param *kp)
{
	return -EPERM;
}

static const struct kernel_param_ops kcpg_instances_ops = {
	.set = kcpg_instances_set,
	.get = kcpg_instances_get,
};
module_param_cb(instances, &kcpg_instances_ops, NULL, 0444);
MODULE_PARM_DESC(instances, "Live instances, one per network namespace (read-only)");

u64 kcpg_now(void)
{
	return ktime_get_ns();
}

struct kcpg_net *kcpg_net_get(struct net *net)
{
	return net_generic(net, kcpg_net_id);
}

/*
 * Under kn->lock, down and without handles: a new core with kn->cfg, its
 * datagram size lowered to @cap when not 0.  The cap is the path MTU that
 * the up in progress measured (socket.c); it is never kept: a core rebuilt
 * while down (new settings) takes the configured size, and the next up
 * measures the path again, which may have changed.  The old core's timers
 * are forgotten (the worker skips deadlines of 0).
 */
int kcpg_node_reset(struct kcpg_net *kn, u32 cap)
{
	struct kp_config cfg = kn->cfg;
	struct kp_node *node;
	unsigned int i;

	if (cap && cap < cfg.mtu)
		cfg.mtu = cap;
	node = kp_node_create(&cfg, &kcpg_kp_ops, kn, kcpg_now(),
			      get_random_u64());
	if (!node)
		return -ENOMEM;
	if (kn->node)
		kp_node_destroy(kn->node);
	for (i = 0; i < KP_TIMER_NR; i++)
		kcpg_timers_arm(kn, i, KP_NO_TIMER);
	kn->node = node;
	kn->nodeid = kn->cfg.nodeid;
	kn->mtu = cfg.mtu;
	kn->cfg_pending = false;
	return 0;
}

static int __net_init kcpg_net_init_one(struct net *net)
{
	struct kcpg_net *kn = net_generic(net, kcpg_net_id);
	struct sockaddr_in *any = (struct sockaddr_in *)&kn->local;
	int ret;

	mutex_init(&kn->lock);
	kn->net = net;
	INIT_LIST_HEAD(&kn->peers);
	INIT_WORK(&kn->work, kcpg_net_work);
	kcpg_timers_init(kn);
	any->sin_family = AF_INET;
	kn->port = KCPG_DEFAULT_PORT;
	kp_config_default(&kn->cfg, KCPG_DEFAULT_NODEID);
	kn->cfg.max_msg = kcpg_limits.max_msg_size;

	mutex_lock(&kn->lock);
	ret = kcpg_node_reset(kn, 0);
	mutex_unlock(&kn->lock);
	if (!ret)
		atomic_inc(&kcpg_instances);
	return ret;
}

/*
 * Order matters: no timer may be re-armed once they are cancelled (dying),
 * and the worker must be idle before the core it calls is destroyed.
 */
static void __net_exit kcpg_net_exit_one(struct net *net)
{
	struct kcpg_net *kn = net_generic(net, kcpg_net_id);

	/* Handles pin the namespace: none can be left here. */
	WARN_ON_ONCE(kn->n_handles);
	mutex_lock(&kn->lock);
	kcpg_transport_down(kn);
	kn->dying = true;
	mutex_unlock(&kn->lock);
	kcpg_timers_cancel_all(kn);
	cancel_work_sync(&kn->work);
	kcpg_peers_free(kn);
	kcpg_crypto_free(kn);
	kp_node_destroy(kn->node);
	kn->node = NULL;
	mutex_destroy(&kn->lock);
	atomic_dec(&kcpg_instances);
}

static struct pernet_operations kcpg_net_ops = {
	.init = kcpg_net_init_one,
	.exit = kcpg_net_exit_one,
	.id = &kcpg_net_id,
	.size = sizeof(struct kcpg_net),
};

int kcpg_net_init(void)
{
	return register_pernet_subsys(&kcpg_net_ops);
}

void kcpg_net_exit(void)
{
	unregister_pernet_subsys(&kcpg_net_ops);
	/* Peers are freed by RCU callbacks of this module's. */
	rcu_barrier();
}
