// SPDX-License-Identifier: GPL-2.0
/*
 * shared_map: module entry point and parameters.
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/init.h>
#include <linux/kernel.h>
#include <linux/module.h>
#include <linux/moduleparam.h>
#include <linux/kstrtox.h>
#include <linux/string.h>
#include <linux/sysfs.h>

#include "param.h"

#include "store.h"
#include "dev.h"
#include "netlink.h"
#include "persist.h"

unsigned int smap_key_max = SMAP_KEY_MAX;
module_param_named(key_max, smap_key_max, uint, 0444);
MODULE_PARM_DESC(key_max, "Longest key in bytes (1.." __stringify(SMAP_KEY_MAX) ")");

unsigned int smap_value_max = SMAP_VALUE_MAX;
module_param_named(value_max, smap_value_max, uint, 0444);
MODULE_PARM_DESC(value_max, "Longest value in bytes (0..1048576)");

static int smap_param_range_set(const char *val, const struct kernel_param *kp)
{
	const struct smap_param_range *r = kp->arg;
	u64 v;

	if (kstrtou64(val, 0, &v) || v < r->min || v > r->max) {
		pr_warn_ratelimited("%s=%.*s refused: it takes %llu..%llu\n",
				    kp->name, (int)strcspn(val, "\n"), val,
				    r->min, r->max);
		return -EINVAL;
	}
	if (r->size == 4)
		WRITE_ONCE(*(u32 *)r->val, v);
	else
		WRITE_ONCE(*(u64 *)r->val, v);
	return 0;
}

static int smap_param_range_get(char *buf, const struct kernel_param *kp)
{
	const struct smap_param_range *r = kp->arg;

	return sysfs_emit(buf, "%llu\n", r->size == 4 ?
			  (u64)READ_ONCE(*(u32 *)r->val) :
			  READ_ONCE(*(u64 *)r->val));
}

const struct kernel_param_ops smap_param_range_ops = {
	.set = smap_param_range_set,
	.get = smap_param_range_get,
};

unsigned long long smap_max_bytes = 64ULL << 20;
smap_param_range(max_bytes, smap_max_bytes, 4096, 1ULL << 40, 0644);
MODULE_PARM_DESC(max_bytes, "Most bytes the entries may cost (key + value + overhead, see smap(1); default 64 MiB; 4096..1 TiB)");

static int __init smap_init(void)
{
	int err;

	if (!smap_key_max || smap_key_max > SMAP_KEY_MAX ||
	    smap_value_max > SMAP_VALUE_MAX) {
		pr_err("key_max must be 1..%u and value_max at most %u\n",
		       SMAP_KEY_MAX, SMAP_VALUE_MAX);
		return -EINVAL;
	}
	err = smap_store_init();
	if (err)
		return err;
	err = smap_persist_init();	/* replays the log into the store */
	if (err)
		goto err_store;
	err = smap_store_account();	/* max_bytes, user_max_bytes */
	if (err)
		goto err_persist;
	err = smap_dev_init();
	if (err) {
		pr_err("cannot register /dev/shared_map: %d\n", err);
		goto err_persist;
	}
	err = smap_nl_init();
	if (err) {
		pr_err("cannot register generic netlink family: %d\n", err);
		goto err_dev;
	}
#ifdef SMAP_TESTING
	pr_info("loaded (abi %d, TEST BUILD: test hooks enabled)\n",
		SMAP_ABI_VERSION);
#else
	pr_info("loaded (abi %d)\n", SMAP_ABI_VERSION);
#endif
	return 0;

err_dev:
	smap_dev_exit();
err_persist:
	smap_persist_exit();
err_store:
	smap_store_exit();
	return err;
}

static void __exit smap_exit(void)
{
	smap_nl_exit();
	smap_dev_exit();
	smap_persist_exit();	/* flushes the log */
	smap_store_exit();
	pr_info("unloaded\n");
}

module_init(smap_init);
module_exit(smap_exit);

MODULE_LICENSE("GPL");
MODULE_DESCRIPTION("shared_map: a persistent in-kernel key-value store");
MODULE_AUTHOR("shared_map developers");
MODULE_VERSION(SMAP_VERSION);
