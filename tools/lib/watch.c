// SPDX-License-Identifier: LGPL-2.1-or-later
/*
 * libshared_map: change notification (smap_watch_*), a reader of the file
 * descriptor SMAP_IOC_WATCH returns (see the uapi header and
 * libshared_map(3)). Always through /dev/shared_map, whatever the handle's
 * transport: the generic netlink family has no watch.
 */
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <unistd.h>
#include "internal.h"

/* Events read at once: at least one of the longest. */
#define WATCH_BUF	(64 * 1024)

struct smap_watch {
	int fd;
	size_t off, len;	/* the events in buf not yet returned */
	_Alignas(8) unsigned char buf[WATCH_BUF];
};

SMAP_EXPORT struct smap_watch *smap_watch_open(struct smap *h,
					       const void *prefix, size_t plen,
					       unsigned int flags,
					       unsigned int queue_len)
{
	struct smap_watch_req req = {
		.prefix = (__u64)(unsigned long)prefix,
		.prefix_len = (__u32)plen,
		.flags = (flags & SMAP_WATCH_EXACT) | SMAP_WATCH_NONBLOCK,
		.queue_len = queue_len,
	};
	struct smap_watch *w;
	int dev = h->fd, err;

	if (flags & ~SMAP_WATCH_EXACT || plen > UINT32_MAX) {
		errno = EINVAL;
		return NULL;
	}
	w = calloc(1, sizeof(*w));
	if (!w)
		return NULL;
	if (h->transport == SMAP_TRANSPORT_NETLINK)
		dev = open(SMAP_DEVICE_PATH, O_RDONLY | O_CLOEXEC);
	w->fd = dev < 0 ? -1 : ioctl(dev, SMAP_IOC_WATCH, &req);
	err = errno;
	if (dev >= 0 && dev != h->fd)
		close(dev);
	if (w->fd < 0) {
		free(w);
		errno = err;
		return NULL;
	}
	return w;
}

SMAP_EXPORT int smap_watch_fd(const struct smap_watch *w)
{
	return w->fd;
}

SMAP_EXPORT int smap_watch_next(struct smap_watch *w, int timeout_ms,
				const struct smap_watch_event **ev)
{
	const struct smap_watch_event *e;
	struct pollfd p = { .fd = w->fd, .events = POLLIN };
	ssize_t r;

	while (w->off == w->len) {
		r = read(w->fd, w->buf, sizeof(w->buf));
		if (r > 0) {
			w->off = 0;
			w->len = (size_t)r;
			break;
		}
		if (r == 0) {
			errno = EIO;
			return -1;
		}
		if (errno != EAGAIN)	/* EINTR too: the caller's signal */
			return -1;
		if (timeout_ms == 0)
			return 0;
		r = poll(&p, 1, timeout_ms);
		if (r <= 0)		/* a timeout, or EINTR */
			return (int)r;
	}
	e = (const void *)(w->buf + w->off);
	if (w->len - w->off < sizeof(*e) || e->size < sizeof(*e) ||
	    e->size > w->len - w->off || e->key_len > e->size - sizeof(*e)) {
		w->off = w->len;
		errno = EBADMSG;
		return -1;
	}
	w->off += e->size;
	*ev = e;
	return 1;
}

SMAP_EXPORT void smap_watch_close(struct smap_watch *w)
{
	if (!w)
		return;
	close(w->fd);
	free(w);
}
