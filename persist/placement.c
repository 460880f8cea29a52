// SPDX-License-Identifier: GPL-2.0
/*
 * shared_map: a log directory in the wrong place is never silent. On tmpfs
 * or ramfs the log is gone at the next boot, and the store with it: refuse
 * to load, unless volatile=1 says that is what the administrator wants.
 * (A path whose real file system is mounted later in boot is the systemd
 * unit's business: RequiresMountsFor=, see shared_map(4).)
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/errno.h>
#include <linux/fs.h>
#include <linux/magic.h>
#include <linux/module.h>
#include <linux/moduleparam.h>
#include <linux/path.h>
#include "placement.h"

static bool smap_volatile;
module_param_named(volatile, smap_volatile, bool, 0444);
MODULE_PARM_DESC(volatile,
		 "Allow the log directory on tmpfs/ramfs: the store is emptied at every boot (default 0: refuse to load)");

int smap_check_placement(const struct path *dir, const char *name)
{
	const char *fs;

	switch (dir->dentry->d_sb->s_magic) {
	case TMPFS_MAGIC:
		fs = "tmpfs";
		break;
	case RAMFS_MAGIC:
		fs = "ramfs";
		break;
	default:
		return 0;
	}
	if (smap_volatile) {
		pr_info("%s is on %s: the store is volatile (volatile=1), empty after every boot\n",
			name, fs);
		return 0;
	}
	pr_err("%s is on %s, which a reboot empties: refusing to load (volatile=1 allows it)\n",
	       name, fs);
	return -EMEDIUMTYPE;
}
