/* SPDX-License-Identifier: GPL-2.0 */
/* shared_map: the misc device /dev/shared_map (module/dev.c). */
#ifndef SMAP_DEV_H
#define SMAP_DEV_H

int smap_dev_init(void);
void smap_dev_exit(void);

#endif /* SMAP_DEV_H */
