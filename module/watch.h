/* SPDX-License-Identifier: GPL-2.0 */
/*
 * shared_map: change notification (module/watch.c).
 *
 * The store owns a hub (struct smap_watch_hub) of listeners and tells it
 * every mutation it acknowledges; each listener (struct smap_watch) keeps
 * a bounded ring of events for the keys it asked for and may read, with
 * one overflow event in place of what did not fit. A listener is read
 * through a file descriptor (the SMAP_IOC_WATCH ioctl) or the in-kernel
 * API (smap_watch_open() in smap_api.h).
 */
#ifndef SMAP_WATCH_H
#define SMAP_WATCH_H

#include <linux/list.h>
#include <linux/spinlock.h>
#include <linux/types.h>
#include <uapi/linux/shared_map.h>

struct smap_ctx;
struct smap_entry;
struct smap_watch;

struct smap_watch_hub {
	spinlock_t lock;	/* the list, seq and every listener's ring */
	struct list_head list;	/* struct smap_watch */
	unsigned int n;		/* listeners; read unlocked by the fast path */
	u64 seq;		/* the last event's number */
};

void smap_watch_hub_init(struct smap_watch_hub *hub);
/* Every listener is gone (their files pin the module). */
void smap_watch_hub_destroy(struct smap_watch_hub *hub);

/*
 * A mutation @op of @e's key was acknowledged: queue it for every listener
 * whose prefix matches and who may read @e (its owner and mode; for a
 * delete, the entry removed). Called by the store under the key's stripe
 * mutex, so a key's events are queued in the order of its mutations; does
 * not sleep and allocates nothing. Costs one load when nobody listens.
 */
void smap_watch_notify(struct smap_watch_hub *hub, enum smap_op op,
		       const struct smap_entry *e);

/*
 * A new listener of @hub for keys starting with @prefix (@plen bytes,
 * copied; SMAP_WATCH_EXACT: equal to it), judged by @ctx (its credentials
 * are kept; a kernel ctx sees every key), with a queue of @queue_len
 * events (0: watch_queue_max). ERR_PTR(-EINVAL, -ENAMETOOLONG, -EMFILE
 * (the uid has watch_user_max), -ENOMEM).
 */
struct smap_watch *smap_watch_create(struct smap_watch_hub *hub,
				     const struct smap_ctx *ctx,
				     const void *prefix, u32 plen, u32 flags,
				     u32 queue_len);
void smap_watch_destroy(struct smap_watch *w);

/*
 * A file descriptor reading @w (close-on-exec; O_NONBLOCK with
 * SMAP_WATCH_NONBLOCK in @flags), which owns it from then on; or -errno,
 * and @w is destroyed.
 */
int smap_watch_install_fd(struct smap_watch *w, u32 flags);

/*
 * Copy whole events into the kernel buffer @buf: bytes copied, -EINVAL if
 * @len cannot hold the next event, -EAGAIN if none is queued and
 * @nonblock, else waits (-ERESTARTSYS on a signal).
 */
ssize_t smap_watch_read_kernel(struct smap_watch *w, void *buf, size_t len,
			       bool nonblock);

#endif /* SMAP_WATCH_H */
