/* SPDX-License-Identifier: GPL-2.0 */
/* shared_map: the misc device /dev/shared_map (module/dev.c). */
#ifndef SMAP_DEV_H
#define SMAP_DEV_H

struct smap_store;
struct smap_dev;

/* Register /dev/shared_map serving @s; ERR_PTR(-errno) on failure. */
struct smap_dev *smap_dev_create(struct smap_store *s);
void smap_dev_destroy(struct smap_dev *d);

#endif /* SMAP_DEV_H */
