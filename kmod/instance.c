// SPDX-License-Identifier: GPL-2.0
/*
 * kcpg: one instance per network namespace.
 *
 * An instance is one node of a cluster.  Without configuration it is the
 * one-node cluster of node id 1, which sends nothing on the network.  Open
 * handles hold a reference to their namespace, so an instance outlives
 * every handle bound to it; the instance itself holds none.
 */
#include <linux/random.h>
#include <linux/ktime.h>
#include <net/net_namespace.h>
#include <net/netns/generic.h>

#include "kcpg.h"

#define KCPG_DEFAULT_NODEID	1

static unsigned int kcpg_net_id __read_mostly;

u64 kcpg_now(void)
{
	return ktime_get_ns();
}

struct kcpg_net *kcpg_net_get(struct net *net)
{
	return net_generic(net, kcpg_net_id);
}

static int __net_init kcpg_net_init_one(struct net *net)
{
	struct kcpg_net *kn = net_generic(net, kcpg_net_id);
	struct kp_config cfg;

	mutex_init(&kn->lock);
	kn->nodeid = KCPG_DEFAULT_NODEID;
	kp_config_default(&cfg, kn->nodeid);
	cfg.max_msg = kcpg_limits.max_msg_size;
	kn->node = kp_node_create(&cfg, &kcpg_kp_ops, kn, kcpg_now(),
				  get_random_u64());
	if (!kn->node)
		return -ENOMEM;
	return 0;
}

static void __net_exit kcpg_net_exit_one(struct net *net)
{
	struct kcpg_net *kn = net_generic(net, kcpg_net_id);

	/* Handles pin the namespace: none can be left here. */
	WARN_ON_ONCE(kn->n_handles);
	kp_node_destroy(kn->node);
	kn->node = NULL;
	mutex_destroy(&kn->lock);
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
}
