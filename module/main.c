// SPDX-License-Identifier: GPL-2.0
/*
 * shared_map: module entry point and parameters.
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/init.h>
#include <linux/kernel.h>
#include <linux/module.h>
#include <linux/moduleparam.h>

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

unsigned long long smap_max_bytes = 64ULL << 20;
module_param_named(max_bytes, smap_max_bytes, ullong, 0644);
MODULE_PARM_DESC(max_bytes, "Most key + value bytes stored (default 64 MiB)");

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
	pr_info("loaded (abi %d)\n", SMAP_ABI_VERSION);
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
