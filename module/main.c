// SPDX-License-Identifier: GPL-2.0
/*
 * shared_map: module entry point.
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/module.h>
#include <linux/miscdevice.h>
#include <linux/fs.h>
#include <linux/uaccess.h>
#include <uapi/linux/shared_map.h>

static long smap_dev_ioctl(struct file *file, unsigned int cmd,
			   unsigned long arg)
{
	struct smap_version v = {
		.abi = SMAP_ABI_VERSION,
		.key_max = SMAP_KEY_MAX,
		.value_max = SMAP_VALUE_MAX,
	};

	if (cmd != SMAP_IOC_VERSION)
		return -ENOTTY;
	if (copy_to_user((void __user *)arg, &v, sizeof(v)))
		return -EFAULT;
	return 0;
}

static const struct file_operations smap_dev_fops = {
	.owner = THIS_MODULE,
	.unlocked_ioctl = smap_dev_ioctl,
	.compat_ioctl = compat_ptr_ioctl,
};

static struct miscdevice smap_miscdev = {
	.minor = MISC_DYNAMIC_MINOR,
	.name = "shared_map",
	.fops = &smap_dev_fops,
	.mode = 0666,
};

static int __init smap_init(void)
{
	int err;

	err = misc_register(&smap_miscdev);
	if (err) {
		pr_err("cannot register /dev/shared_map: %d\n", err);
		return err;
	}
	pr_info("loaded (abi %d)\n", SMAP_ABI_VERSION);
	return 0;
}

static void __exit smap_exit(void)
{
	misc_deregister(&smap_miscdev);
	pr_info("unloaded\n");
}

module_init(smap_init);
module_exit(smap_exit);

MODULE_LICENSE("GPL");
MODULE_DESCRIPTION("shared_map: a persistent in-kernel key-value store");
MODULE_AUTHOR("shared_map developers");
