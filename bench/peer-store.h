/* SPDX-License-Identifier: GPL-2.0 */
/* peer-store.h: a fresh, empty directory for a peer's files. */
#ifndef PEER_STORE_H
#define PEER_STORE_H

#include <dirent.h>
#include <errno.h>
#include <stdio.h>
#include <sys/stat.h>
#include <unistd.h>

/* Make @dir exist and hold nothing (its files from a last run removed). */
static inline int peer_fresh_dir(const char *dir)
{
	struct dirent *e;
	char path[4096];
	DIR *d;

	if (mkdir(dir, 0755) && errno != EEXIST)
		return -errno;
	d = opendir(dir);
	if (!d)
		return -errno;
	while ((e = readdir(d))) {
		if (e->d_name[0] == '.')
			continue;
		snprintf(path, sizeof(path), "%s/%s", dir, e->d_name);
		if (unlink(path) && errno != ENOENT) {
			int err = -errno;

			closedir(d);
			return err;
		}
	}
	closedir(d);
	return 0;
}

#endif
