/* SPDX-License-Identifier: GPL-2.0 */
/*
 * shared_map: the module's differences between supported kernels (6.1 and
 * 6.12); the journal's VFS ones are in persist/fs_compat.h (persist/ is a
 * leaf: it includes nothing of module/). Everything else is written against
 * the newest API.
 */
#ifndef SMAP_COMPAT_H
#define SMAP_COMPAT_H

#include <linux/version.h>
#include <net/genetlink.h>

/* Parsed attributes of a dump request (genl_info_dump() since 6.6). */
static inline struct nlattr **smap_dump_attrs(struct netlink_callback *cb)
{
#if LINUX_VERSION_CODE < KERNEL_VERSION(6, 6, 0)
	return genl_dumpit_info(cb)->attrs;
#else
	return genl_info_dump(cb)->attrs;
#endif
}

#endif /* SMAP_COMPAT_H */
