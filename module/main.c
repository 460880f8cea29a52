// SPDX-License-Identifier: GPL-2.0
/*
 * shared_map: module entry point. It creates the module's one instance (the
 * store, the journal it stands on, the transports) and holds the only
 * file-scope pointer to it, for those that have no handle: the sysfs
 * parameters and the RECOVER ioctl (smap_with_journal()), the generic
 * netlink family and the exported in-kernel API (smap_instance_store()).
 * /dev/shared_map has its own handle (struct smap_dev).
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/err.h>
#include <linux/init.h>
#include <linux/kernel.h>
#include <linux/module.h>
#include <linux/mutex.h>
#include <linux/slab.h>

#include "main.h"
#include "param.h"
#include "persist.h"
#include "store.h"
#include "dev.h"
#include "netlink.h"
#include "nlstage.h"

struct shared_map {
	struct smap_store *store;
	struct smap_journal *journal;
	struct smap_dev *dev;
	struct smap_nl_stages *nl_stages;
};

static DEFINE_MUTEX(smap_lock);		/* smap, smap_unloading */
static struct shared_map *smap;		/* the module's instance */
static bool smap_unloading;

int smap_with_journal(int (*fn)(struct smap_journal *j), int (*early)(void))
{
	int ret;

	mutex_lock(&smap_lock);
	if (smap)
		ret = fn(smap->journal);
	else if (smap_unloading)
		ret = -ENODEV;
	else
		ret = early ? early() : 0;
	mutex_unlock(&smap_lock);
	return ret;
}

struct smap_store *smap_instance_store(void)
{
	return READ_ONCE(smap)->store;
}

struct smap_nl_stages *smap_instance_nl_stages(void)
{
	return READ_ONCE(smap)->nl_stages;
}

static int __init smap_init(void)
{
	struct smap_journal_config cfg;
	struct shared_map *m;
	int err;

	err = smap_param_check();
	if (err)
		return err;
	smap_init_fail_nth_arm();
	m = kzalloc(sizeof(*m), GFP_KERNEL);
	if (!m) {
		smap_init_fail_nth_disarm(false);
		return -ENOMEM;
	}
	m->store = smap_store_create();
	if (IS_ERR(m->store)) {
		err = PTR_ERR(m->store);
		goto err_free;
	}
	/* under the lock: a compact_now written meanwhile is in cfg or sees m */
	mutex_lock(&smap_lock);
	smap_param_journal_config(&cfg);
	m->journal = smap_journal_create(&cfg, smap_store_ops(), m->store);
	if (IS_ERR(m->journal)) {
		err = PTR_ERR(m->journal);
		mutex_unlock(&smap_lock);
		goto err_store;
	}
	WRITE_ONCE(smap, m);
	mutex_unlock(&smap_lock);
	smap_store_attach(m->store, m->journal);
	err = smap_journal_start(m->journal);	/* replays the log into the store */
	if (err)
		goto err_journal;
	m->dev = smap_dev_create(m->store);
	if (IS_ERR(m->dev)) {
		err = PTR_ERR(m->dev);
		pr_err("cannot register /dev/shared_map: %d\n", err);
		goto err_journal;
	}
	m->nl_stages = smap_nl_stages_create();
	if (IS_ERR(m->nl_stages)) {
		err = PTR_ERR(m->nl_stages);
		goto err_dev;
	}
	err = smap_nl_init();
	if (err) {
		pr_err("cannot register generic netlink family: %d\n", err);
		goto err_stages;
	}
	smap_init_fail_nth_disarm(true);
#ifdef SMAP_TESTING
	pr_info("loaded (abi %d, TEST BUILD: test hooks enabled)\n",
		SMAP_ABI_VERSION);
#else
	pr_info("loaded (abi %d)\n", SMAP_ABI_VERSION);
#endif
	return 0;

err_stages:
	smap_nl_stages_destroy(m->nl_stages);
err_dev:
	smap_dev_destroy(m->dev);
err_journal:
	mutex_lock(&smap_lock);
	WRITE_ONCE(smap, NULL);
	smap_unloading = true;
	mutex_unlock(&smap_lock);
	smap_journal_stop(m->journal);
	smap_journal_destroy(m->journal);
err_store:
	smap_store_destroy(m->store);
err_free:
	kfree(m);
	smap_init_fail_nth_disarm(false);
	return err;
}

static void __exit smap_exit(void)
{
	struct shared_map *m = smap;	/* only init and exit change it */

	smap_nl_exit();
	smap_nl_stages_destroy(m->nl_stages);	/* what sockets left staged */
	smap_dev_destroy(m->dev);
	/* waits for a compaction or recover a sysfs write runs */
	mutex_lock(&smap_lock);
	WRITE_ONCE(smap, NULL);
	smap_unloading = true;
	mutex_unlock(&smap_lock);
	smap_journal_stop(m->journal);	/* flushes the log */
	smap_journal_destroy(m->journal);
	smap_store_destroy(m->store);
	kfree(m);
	pr_info("unloaded\n");
}

module_init(smap_init);
module_exit(smap_exit);

MODULE_LICENSE("GPL");
MODULE_DESCRIPTION("shared_map: a persistent in-kernel key-value store");
MODULE_AUTHOR("shared_map developers");
MODULE_VERSION(SMAP_VERSION);
