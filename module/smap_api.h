/* SPDX-License-Identifier: GPL-2.0 */
/*
 * shared_map: the in-kernel API (module/kapi.c), for other modules.
 *
 * Process context only (the calls may sleep). Kernel callers bypass the
 * permission checks; keys they create are owned by uid 0 / gid 0. Limits
 * (key_max, value_max, max_bytes) apply as for user space. Every call
 * returns 0 or a negative errno, with the same meanings as the ioctls:
 * -EINVAL, -ENAMETOOLONG, -EMSGSIZE, -ENOSPC, -ENOENT, -ERANGE, -ECANCELED,
 * -EEXIST, -ENOMEM. Keys the kernel creates are root's: no user_max_bytes.
 */
#ifndef SMAP_API_H
#define SMAP_API_H

#include <linux/types.h>
#include <uapi/linux/shared_map.h>	/* struct smap_watch_event, SMAP_WATCH_* */

/*
 * Create or overwrite. @mode (0777 mask) is the key's if this call creates
 * it; a key that exists already must be root's with that very @mode, or
 * the call fails with -EEXIST and changes nothing: a user who created the
 * key first (squatting it, readable to them) never gets the value.
 */
int smap_set(const void *key, u32 klen, const void *val, u32 vlen,
	     umode_t mode);

/* Create only: -EEXIST if the key exists (whoever owns it). */
int smap_create(const void *key, u32 klen, const void *val, u32 vlen,
		umode_t mode);

/*
 * Copy the value into @buf: *@vlen is the capacity in, the value's length
 * out. -ERANGE (nothing copied, *@vlen = size needed) if @buf is too small.
 */
int smap_get(const void *key, u32 klen, void *buf, u32 *vlen);

int smap_del(const void *key, u32 klen);

/* Add @delta to the ASCII decimal value (missing = 0); *@result = new. */
int smap_incr(const void *key, u32 klen, s64 delta, s64 *result);

/* Replace the value with @newv only if it equals @oldv (-ECANCELED if not). */
int smap_cas(const void *key, u32 klen, const void *oldv, u32 olen,
	     const void *newv, u32 nlen);

/*
 * Change notification (what SMAP_IOC_WATCH gives user space, see the uapi
 * header): a listener of the mutations acknowledged after the open, of
 * keys starting with @prefix (@plen bytes, copied; SMAP_WATCH_EXACT: equal
 * to it), every key being the kernel's to read, with a queue of
 * @queue_len events (0: watch_queue_max) and an overflow event in place of
 * those that did not fit. ERR_PTR(-EINVAL, -ENAMETOOLONG, -ENOMEM).
 * smap_watch_read() copies whole struct smap_watch_event records into
 * @buf: the bytes copied, -EINVAL if @len cannot hold the next one,
 * -EAGAIN if none is queued and @nonblock, else it waits (interruptible:
 * -ERESTARTSYS). All three are for process context and may sleep; the
 * events are queued by the mutating task, which never waits for a reader.
 * Close every listener before the module that opened it goes; one left
 * open is closed when shared_map unloads, with a warning in the log.
 */
struct smap_watch;
struct smap_watch *smap_watch_open(const void *prefix, u32 plen, u32 flags,
				   u32 queue_len);
ssize_t smap_watch_read(struct smap_watch *w, void *buf, size_t len,
			bool nonblock);
void smap_watch_close(struct smap_watch *w);

#endif /* SMAP_API_H */
