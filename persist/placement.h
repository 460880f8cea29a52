/* SPDX-License-Identifier: GPL-2.0 */
#ifndef SMAP_PLACEMENT_H
#define SMAP_PLACEMENT_H

struct path;

/* 0, or -EMEDIUMTYPE (with a dmesg line) for a volatile file system */
int smap_check_placement(const struct path *dir, const char *name);

#endif
