// SPDX-License-Identifier: GPL-2.0
/*
 * kcpg: closed process groups in the kernel.  Module entry and exit.
 */
#include <linux/module.h>
#include <linux/miscdevice.h>
#include <linux/fs.h>

#include <linux/kcpg.h>

static int kcpg_open(struct inode *inode, struct file *file)
{
	return 0;
}

static int kcpg_release(struct inode *inode, struct file *file)
{
	return 0;
}

static const struct file_operations kcpg_fops = {
	.owner = THIS_MODULE,
	.open = kcpg_open,
	.release = kcpg_release,
	.llseek = noop_llseek,
};

static struct miscdevice kcpg_misc = {
	.minor = MISC_DYNAMIC_MINOR,
	.name = KCPG_DEVICE_NAME,
	.fops = &kcpg_fops,
	.mode = 0660,
};

static int __init kcpg_init(void)
{
	return misc_register(&kcpg_misc);
}

static void __exit kcpg_exit(void)
{
	misc_deregister(&kcpg_misc);
}

module_init(kcpg_init);
module_exit(kcpg_exit);
MODULE_LICENSE("GPL");
MODULE_DESCRIPTION("kcpg: closed process groups with in-kernel ordering");
MODULE_AUTHOR("kcpg developers");
