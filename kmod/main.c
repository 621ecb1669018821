// SPDX-License-Identifier: GPL-2.0
/*
 * kcpg: closed process groups in the kernel.  Module entry and exit, and
 * the global caps (read-only module parameters; per-namespace settings go
 * through netlink).
 */
#include <linux/module.h>
#include <linux/miscdevice.h>
#include <linux/fs.h>
#include <linux/mm.h>

#include "kcpg.h"

struct kcpg_limits kcpg_limits = {
	.max_msg_size = 1 << 20,
	.ring_size = 4 << 20,
	.max_ring_size = 64 << 20,
	.pool_size = 4 << 20,
	.max_pool_size = 256 << 20,
	.max_user_bytes = 1UL << 30,
	.max_backlog = 8 << 20,
};

module_param_named(max_msg_size, kcpg_limits.max_msg_size, uint, 0444);
MODULE_PARM_DESC(max_msg_size, "Largest message in bytes (default 1 MiB)");
module_param_named(ring_size, kcpg_limits.ring_size, uint, 0444);
MODULE_PARM_DESC(ring_size, "Default receive ring per handle, bytes (4 MiB)");
module_param_named(max_ring_size, kcpg_limits.max_ring_size, uint, 0444);
MODULE_PARM_DESC(max_ring_size, "Largest receive ring per handle (64 MiB)");
module_param_named(pool_size, kcpg_limits.pool_size, uint, 0444);
MODULE_PARM_DESC(pool_size, "Default zero-copy pool per handle (4 MiB)");
module_param_named(max_pool_size, kcpg_limits.max_pool_size, uint, 0444);
MODULE_PARM_DESC(max_pool_size, "Largest zero-copy pool per handle (256 MiB)");
module_param_named(max_user_bytes, kcpg_limits.max_user_bytes, ulong, 0444);
MODULE_PARM_DESC(max_user_bytes, "Memory all handles of one user may pin (1 GiB)");
module_param_named(max_backlog, kcpg_limits.max_backlog, uint, 0444);
MODULE_PARM_DESC(max_backlog, "Bytes held for a handle whose ring is full before it is expelled (8 MiB)");

static struct miscdevice kcpg_misc = {
	.minor = MISC_DYNAMIC_MINOR,
	.name = KCPG_DEVICE_NAME,
	.fops = &kcpg_fops,
	.mode = 0660,
};

static int kcpg_check_limits(void)
{
	struct kcpg_limits *l = &kcpg_limits;

	if (l->max_msg_size < 4096 || l->max_msg_size > (64 << 20) ||
	    l->max_ring_size > (1U << 30) || l->max_pool_size > (1U << 30) ||
	    l->ring_size > l->max_ring_size || l->pool_size > l->max_pool_size ||
	    !PAGE_ALIGNED(l->pool_size) || !PAGE_ALIGNED(l->max_pool_size)) {
		pr_err("kcpg: inconsistent size parameters\n");
		return -EINVAL;
	}
	return 0;
}

static int __init kcpg_init(void)
{
	int ret;

	ret = kcpg_check_limits();
	if (ret)
		return ret;
	ret = kcpg_net_init();
	if (ret)
		return ret;
	ret = kcpg_genl_init();
	if (ret)
		goto net_exit;
	ret = misc_register(&kcpg_misc);
	if (ret)
		goto genl_exit;
	return 0;

genl_exit:
	kcpg_genl_exit();
net_exit:
	kcpg_net_exit();
	return ret;
}

/* The family goes before the pernet state it reaches into. */
static void __exit kcpg_exit(void)
{
	misc_deregister(&kcpg_misc);
	kcpg_genl_exit();
	kcpg_net_exit();
}

module_init(kcpg_init);
module_exit(kcpg_exit);
MODULE_LICENSE("GPL");
MODULE_DESCRIPTION("kcpg: closed process groups with in-kernel ordering");
MODULE_AUTHOR("kcpg developers");
