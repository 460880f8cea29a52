// SPDX-License-Identifier: GPL-2.0
/*
 * shared_map: a log directory in the wrong place is never silent. On tmpfs
 * or ramfs the log is gone at the next boot, and the store with it: refuse
 * to load, unless the configuration allows it (module parameter volatile=1).
 * (A path whose real file system is mounted later in boot is the systemd
 * unit's business: RequiresMountsFor=, see shared_map(4).)
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/errno.h>
#include <linux/fs.h>
#include <linux/magic.h>
#include <linux/path.h>
#include "internal.h"

int smap_check_placement(struct smap_journal *j)
{
	const char *fs;

	switch (j->dir.dentry->d_sb->s_magic) {
	case TMPFS_MAGIC:
		fs = "tmpfs";
		break;
	case RAMFS_MAGIC:
		fs = "ramfs";
		break;
	default:
		return 0;
	}
	if (j->cfg.allow_volatile) {
		pr_info("%s is on %s: the store is volatile (volatile=1), empty after every boot\n",
			j->cfg.path, fs);
		return 0;
	}
	pr_err("%s is on %s, which a reboot empties: refusing to load (volatile=1 allows it)\n",
	       j->cfg.path, fs);
	return -EMEDIUMTYPE;
}
