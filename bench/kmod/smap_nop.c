// SPDX-License-Identifier: GPL-2.0
/*
 * smap_nop: the floors for shared_map's call overhead.
 *
 * /dev/smap_nop: one ioctl that copies a struct the size of struct smap_kv
 * in, touches it and copies it back: what any ioctl-based store pays before
 * it does any work. The generic netlink family "smap_echo" answers
 * SMAP_ECHO_CMD_ECHO with the SMAP_ECHO_A_DATA attribute it was sent: the
 * same for a netlink-based store.
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/fs.h>
#include <linux/miscdevice.h>
#include <linux/module.h>
#include <linux/uaccess.h>
#include <net/genetlink.h>

#include "../bench/kmod/smap_bench.h"

static long smap_nop_ioctl(struct file *file, unsigned int cmd,
			   unsigned long arg)
{
	struct smap_nop_arg a;
	void __user *u = (void __user *)arg;

	if (cmd != SMAP_NOP_IOC_ECHO)
		return -ENOTTY;
	if (copy_from_user(&a, u, sizeof(a)))
		return -EFAULT;
	a.c[7] = a.c[0] + 1;
	if (copy_to_user(u, &a, sizeof(a)))
		return -EFAULT;
	return 0;
}

static const struct file_operations smap_nop_fops = {
	.owner = THIS_MODULE,
	.unlocked_ioctl = smap_nop_ioctl,
	.compat_ioctl = compat_ptr_ioctl,
};

static struct miscdevice smap_nop_dev = {
	.minor = MISC_DYNAMIC_MINOR,
	.name = "smap_nop",
	.fops = &smap_nop_fops,
	.mode = 0666,
};

static const struct nla_policy smap_echo_policy[SMAP_ECHO_A_MAX + 1] = {
	[SMAP_ECHO_A_DATA] = { .type = NLA_BINARY, .len = SMAP_ECHO_DATA_MAX },
};

static struct genl_family smap_echo_family;

static int smap_echo_doit(struct sk_buff *skb, struct genl_info *info)
{
	struct nlattr *data = info->attrs[SMAP_ECHO_A_DATA];
	struct sk_buff *msg;
	void *hdr;
	int len = data ? nla_len(data) : 0;

	msg = genlmsg_new(nla_total_size(len), GFP_KERNEL);
	if (!msg)
		return -ENOMEM;
	hdr = genlmsg_put_reply(msg, info, &smap_echo_family, 0,
				SMAP_ECHO_CMD_ECHO);
	if (!hdr)
		goto nospace;
	if (data && nla_put(msg, SMAP_ECHO_A_DATA, len, nla_data(data)))
		goto nospace;
	genlmsg_end(msg, hdr);
	return genlmsg_reply(msg, info);
nospace:
	nlmsg_free(msg);
	return -EMSGSIZE;
}

static const struct genl_small_ops smap_echo_ops[] = {
	{
		.cmd = SMAP_ECHO_CMD_ECHO,
		.validate = GENL_DONT_VALIDATE_STRICT | GENL_DONT_VALIDATE_DUMP,
		.doit = smap_echo_doit,
	},
};

static struct genl_family smap_echo_family __ro_after_init = {
	.name = SMAP_ECHO_GENL_NAME,
	.version = SMAP_ECHO_GENL_VERSION,
	.maxattr = SMAP_ECHO_A_MAX,
	.policy = smap_echo_policy,
	.module = THIS_MODULE,
	.small_ops = smap_echo_ops,
	.n_small_ops = ARRAY_SIZE(smap_echo_ops),
	.resv_start_op = __SMAP_ECHO_CMD_MAX,
};

static int __init smap_nop_init(void)
{
	int err;

	err = genl_register_family(&smap_echo_family);
	if (err) {
		pr_err("cannot register genl family %s: %d\n",
		       SMAP_ECHO_GENL_NAME, err);
		return err;
	}
	err = misc_register(&smap_nop_dev);
	if (err) {
		pr_err("cannot register %s: %d\n", SMAP_NOP_DEVICE_PATH, err);
		genl_unregister_family(&smap_echo_family);
		return err;
	}
	return 0;
}

static void __exit smap_nop_exit(void)
{
	misc_deregister(&smap_nop_dev);
	genl_unregister_family(&smap_echo_family);
}

module_init(smap_nop_init);
module_exit(smap_nop_exit);

MODULE_LICENSE("GPL");
MODULE_DESCRIPTION("shared_map benchmark floors: a no-op ioctl and a genl echo");
MODULE_AUTHOR("shared_map developers");
