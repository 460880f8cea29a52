/* SPDX-License-Identifier: GPL-2.0 */
/*
 * shared_map: every difference between the kernels it supports (6.1 and
 * 6.12), for the module (module/) and the journal (persist/) alike. It sits
 * below both layers and includes nothing of either; everything else is
 * written against the newest API. tests/unit/persist-leaf.sh fails on a
 * kernel-version test anywhere else.
 */
#ifndef SMAP_COMPAT_H
#define SMAP_COMPAT_H

#include <linux/version.h>
#include <linux/fs.h>
#include <net/genetlink.h>

#if LINUX_VERSION_CODE >= KERNEL_VERSION(6, 9, 0)
#include <linux/filelock.h>
#endif

/* ---- the module: generic netlink ---------------------------------------- */

/* Parsed attributes of a dump request (genl_info_dump() since 6.6). */
static inline struct nlattr **smap_dump_attrs(struct netlink_callback *cb)
{
#if LINUX_VERSION_CODE < KERNEL_VERSION(6, 6, 0)
	return genl_dumpit_info(cb)->attrs;
#else
	return genl_info_dump(cb)->attrs;
#endif
}

/* ---- the journal: the VFS ----------------------------------------------- */

#if LINUX_VERSION_CODE >= KERNEL_VERSION(6, 3, 0)
#define SMAP_NOP_IDMAP (&nop_mnt_idmap)
#else
#define SMAP_NOP_IDMAP (&init_user_ns)
#endif

static inline int smap_vfs_rename(struct inode *dir, struct dentry *old,
				  struct dentry *new)
{
	struct renamedata rd = {
#if LINUX_VERSION_CODE >= KERNEL_VERSION(6, 3, 0)
		.old_mnt_idmap = SMAP_NOP_IDMAP,
		.new_mnt_idmap = SMAP_NOP_IDMAP,
#else
		.old_mnt_userns = SMAP_NOP_IDMAP,
		.new_mnt_userns = SMAP_NOP_IDMAP,
#endif
		.old_dir = dir,
		.old_dentry = old,
		.new_dir = dir,
		.new_dentry = new,
	};

	return vfs_rename(&rd);
}

/* Non-blocking exclusive flock owned by @f; released when @f is closed. */
static inline int smap_flock_nb(struct file *f)
{
	struct file_lock fl;

	locks_init_lock(&fl);
#if LINUX_VERSION_CODE >= KERNEL_VERSION(6, 9, 0)
	fl.c.flc_flags = FL_FLOCK;
	fl.c.flc_type = F_WRLCK;
	fl.c.flc_file = f;
	fl.c.flc_owner = f;
	fl.c.flc_pid = current->tgid;
#else
	fl.fl_flags = FL_FLOCK;
	fl.fl_type = F_WRLCK;
	fl.fl_file = f;
	fl.fl_owner = f;
	fl.fl_pid = current->tgid;
#endif
	return locks_lock_file_wait(f, &fl);
}

#endif /* SMAP_COMPAT_H */
