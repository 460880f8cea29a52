/* SPDX-License-Identifier: GPL-2.0 */
/* shared_map: the generic netlink family "shared_map" (module/netlink.c). */
#ifndef SMAP_NETLINK_H
#define SMAP_NETLINK_H

int smap_nl_init(void);
void smap_nl_exit(void);

#endif /* SMAP_NETLINK_H */
