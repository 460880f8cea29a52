/* SPDX-License-Identifier: GPL-2.0 */
/* shared_map: the module's instance (main.c), for who has no handle to it. */
#ifndef SMAP_MAIN_H
#define SMAP_MAIN_H

struct smap_journal;
struct smap_nl_stages;
struct smap_store;

/*
 * Call @fn with the module's journal, holding it for the call: the sysfs
 * parameters and the RECOVER ioctl. Before the journal exists (a modprobe
 * argument) @early is called instead if not NULL (0 if NULL); once the
 * module unloads, -ENODEV. @fn may sleep; rmmod waits for it.
 */
int smap_with_journal(int (*fn)(struct smap_journal *j), int (*early)(void));

/*
 * The module's store, for the transports that have no handle of their own
 * to it (the generic netlink family, the exported in-kernel API): valid
 * from before they are registered until after they are gone.
 */
struct smap_store *smap_instance_store(void);

/* The generic netlink family's staged values (nlstage.c): the same span. */
struct smap_nl_stages *smap_instance_nl_stages(void);

#endif /* SMAP_MAIN_H */
