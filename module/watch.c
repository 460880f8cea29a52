// SPDX-License-Identifier: GPL-2.0
/*
 * shared_map: change notification.
 *
 * Why a file descriptor and not a generic-netlink multicast group: a
 * multicast group delivers the same message to every member, so it cannot
 * leave out the keys one member may not read, and its only bound is each
 * socket's receive buffer (an overrun is ENOBUFS with no place in the
 * stream). A descriptor per listener carries the listener's own filter
 * (prefix, credentials) and its own bounded queue with an overflow event
 * at the very place events were lost, and poll/epoll work on it as on any
 * file.
 *
 * Each listener's queue is a ring of bytes allocated when it is opened
 * (charged to the opener's memory cgroup): queue_len events and 64 bytes
 * of ring per event (a power of two, at least two of the longest events).
 * Queueing an event copies it into the ring under the hub's spinlock and
 * allocates nothing, so it cannot fail: an event that does not fit (in
 * events or in bytes) is dropped, and one SMAP_WATCH_OVERFLOW event, for
 * which room is always kept, takes the place of the run of dropped events.
 *
 * Producers (the store, under a stripe mutex) append at tail under the
 * hub's lock; the one reader at a time (read_lock) copies out from head
 * without the spinlock (producers never write between head and tail) and
 * then moves head under it.
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/anon_inodes.h>
#include <linux/cred.h>
#include <linux/err.h>
#include <linux/fcntl.h>
#include <linux/fs.h>
#include <linux/log2.h>
#include <linux/minmax.h>
#include <linux/mm.h>
#include <linux/module.h>
#include <linux/mutex.h>
#include <linux/poll.h>
#include <linux/sched.h>
#include <linux/slab.h>
#include <linux/string.h>
#include <linux/uaccess.h>
#include <linux/wait.h>

#include "param.h"
#include "store.h"
#include "watch.h"

#define SMAP_WATCH_HDR		sizeof(struct smap_watch_event)
/* The longest event: header and the longest key, padded. */
#define SMAP_WATCH_EV_MAX	ALIGN(SMAP_WATCH_HDR + SMAP_KEY_MAX, \
				      SMAP_WATCH_ALIGN)
/* Ring bytes per event of queue_len. */
#define SMAP_WATCH_EV_BYTES	64
/* A queue holds at least one event and the overflow event. */
#define SMAP_WATCH_QUEUE_MIN	2

struct smap_watch {
	struct list_head node;		/* in hub->list */
	struct smap_watch_hub *hub;
	struct smap_ctx ctx;		/* a reference on ctx.cred, if any */
	kuid_t uid;			/* counted against watch_user_max */
	bool counted;			/* ... if not root's nor the kernel's */
	bool admin;			/* CAP_SYS_ADMIN at open: every key */
	bool exact;
	u32 plen;
	u8 *prefix;
	wait_queue_head_t wq;
	struct mutex read_lock;		/* one reader at a time */
	/* the ring, under hub->lock (the bytes from head to tail: see above) */
	u8 *ring;
	u32 size;			/* bytes, a power of two */
	u32 max;			/* events */
	u32 count;			/* events queued */
	bool overflowed;		/* the last event queued is OVERFLOW */
	u64 head, tail;			/* bytes taken, bytes queued */
};

void smap_watch_hub_init(struct smap_watch_hub *hub)
{
	spin_lock_init(&hub->lock);
	INIT_LIST_HEAD(&hub->list);
	hub->n = 0;
	hub->seq = 0;
}

/* ---- the ring -------------------------------------------------------- */

/* Copy @len bytes to the ring at byte @pos (wrapping). */
static void smap_ring_write(struct smap_watch *w, u64 pos, const void *src,
			    u32 len)
{
	u32 off = pos & (w->size - 1);
	u32 n = min(len, w->size - off);

	memcpy(w->ring + off, src, n);
	memcpy(w->ring, (const u8 *)src + n, len - n);
}

/* Read @len bytes from the ring at byte @pos (wrapping). */
static void smap_ring_read(const struct smap_watch *w, u64 pos, void *dst,
			   u32 len)
{
	u32 off = pos & (w->size - 1);
	u32 n = min(len, w->size - off);

	memcpy(dst, w->ring + off, n);
	memcpy((u8 *)dst + n, w->ring, len - n);
}

/*
 * Under hub->lock: queue an event of @klen key bytes, or, if it does not
 * fit with room kept for an overflow event, the overflow event unless the
 * last one queued is already one.
 */
static void smap_watch_put(struct smap_watch *w, u16 op, u64 seq,
			   const void *key, u16 klen)
{
	static const u8 zero[SMAP_WATCH_ALIGN];
	struct smap_watch_event ev = { .op = op, .key_len = klen, .seq = seq };
	u32 size = ALIGN(SMAP_WATCH_HDR + klen, SMAP_WATCH_ALIGN);
	u64 used = w->tail - w->head;

	if (w->count + 1 >= w->max ||
	    used + size + SMAP_WATCH_HDR > w->size) {
		if (w->overflowed)
			return;
		ev.op = SMAP_WATCH_OVERFLOW;	/* from this seq on */
		ev.key_len = 0;
		klen = 0;
		size = SMAP_WATCH_HDR;
		w->overflowed = true;
	} else {
		w->overflowed = false;
	}
	ev.size = size;
	smap_ring_write(w, w->tail, &ev, SMAP_WATCH_HDR);
	smap_ring_write(w, w->tail + SMAP_WATCH_HDR, key, klen);
	smap_ring_write(w, w->tail + SMAP_WATCH_HDR + klen, zero,
			size - SMAP_WATCH_HDR - klen);
	w->tail += size;
	w->count++;
}

/* ---- producers -------------------------------------------------------- */

static bool smap_watch_wants(const struct smap_watch *w,
			     const struct smap_entry *e)
{
	if (e->klen < w->plen || (w->exact && e->klen != w->plen) ||
	    (w->plen && memcmp(smap_entry_key(e), w->prefix, w->plen)))
		return false;
	/* GET's rule (mode bits, or CAP_SYS_ADMIN as of the open) */
	return w->admin || smap_perm_mode(e, MAY_READ, &w->ctx);
}

void smap_watch_notify(struct smap_watch_hub *hub, enum smap_op op,
		       const struct smap_entry *e)
{
	struct smap_watch *w;
	u64 seq;

	/* a listener added meanwhile sees the mutations after its open */
	if (!READ_ONCE(hub->n))
		return;
	spin_lock(&hub->lock);
	seq = ++hub->seq;
	list_for_each_entry(w, &hub->list, node) {
		if (!smap_watch_wants(w, e))
			continue;
		smap_watch_put(w, op, seq, smap_entry_key(e), e->klen);
		wake_up_interruptible_poll(&w->wq, EPOLLIN | EPOLLRDNORM);
	}
	spin_unlock(&hub->lock);
}

/* ---- a listener ------------------------------------------------------- */

/* Under hub->lock: the listeners @uid has open. */
static unsigned int smap_watch_count_uid(struct smap_watch_hub *hub,
					 kuid_t uid)
{
	struct smap_watch *w;
	unsigned int n = 0;

	list_for_each_entry(w, &hub->list, node)
		n += w->counted && uid_eq(w->uid, uid);
	return n;
}

static void smap_watch_free(struct smap_watch *w)
{
	if (w->ctx.cred)
		put_cred(w->ctx.cred);
	kvfree(w->ring);
	kfree(w->prefix);
	kfree(w);
}

/*
 * At unload, only the in-kernel API's listeners can be left (a user's fd
 * pins the module): one a client module did not close before it went.
 * Nothing can reach them any more, so close them, and say so once.
 */
void smap_watch_hub_destroy(struct smap_watch_hub *hub)
{
	struct smap_watch *w, *tmp;
	unsigned int n = 0;

	list_for_each_entry_safe(w, tmp, &hub->list, node) {
		list_del(&w->node);
		smap_watch_free(w);
		n++;
	}
	if (n)
		pr_warn("closed %u in-kernel watcher%s a client module left open (call smap_watch_close())\n",
			n, n == 1 ? "" : "s");
}

struct smap_watch *smap_watch_create(struct smap_watch_hub *hub,
				     const struct smap_ctx *ctx,
				     const void *prefix, u32 plen, u32 flags,
				     u32 queue_len)
{
	gfp_t gfp = ctx->kernel ? GFP_KERNEL : SMAP_GFP_USER;
	u32 qmax = READ_ONCE(smap_watch_queue_max);
	struct smap_watch *w;
	int err;

	if (flags & ~(SMAP_WATCH_EXACT | SMAP_WATCH_NONBLOCK))
		return ERR_PTR(-EINVAL);
	if ((flags & SMAP_WATCH_EXACT) && !plen)
		return ERR_PTR(-EINVAL);
	if (plen > READ_ONCE(smap_key_max))
		return ERR_PTR(-ENAMETOOLONG);
	w = kzalloc(sizeof(*w), gfp);
	if (!w)
		return ERR_PTR(-ENOMEM);
	w->hub = hub;
	w->exact = flags & SMAP_WATCH_EXACT;
	w->plen = plen;
	init_waitqueue_head(&w->wq);
	mutex_init(&w->read_lock);
	if (ctx->kernel) {
		w->ctx.kernel = true;
	} else {
		w->ctx.cred = get_cred(ctx->cred ?: current_cred());
		w->uid = w->ctx.cred->fsuid;
		w->counted = !uid_eq(w->uid, GLOBAL_ROOT_UID);
		w->admin = smap_capable(ctx);
	}
	w->max = clamp(queue_len ?: qmax, SMAP_WATCH_QUEUE_MIN, qmax);
	w->size = roundup_pow_of_two(max_t(u32, w->max * SMAP_WATCH_EV_BYTES,
					   2 * SMAP_WATCH_EV_MAX));
	err = -ENOMEM;
	if (plen) {
		w->prefix = kmemdup(prefix, plen, gfp);
		if (!w->prefix)
			goto err;
	}
	w->ring = kvmalloc(w->size, gfp);
	if (!w->ring)
		goto err;

	spin_lock(&hub->lock);
	if (w->counted && smap_watch_count_uid(hub, w->uid) >=
			  READ_ONCE(smap_watch_user_max)) {
		spin_unlock(&hub->lock);
		err = -EMFILE;
		goto err;
	}
	list_add_tail(&w->node, &hub->list);
	WRITE_ONCE(hub->n, hub->n + 1);
	spin_unlock(&hub->lock);
	return w;

err:
	smap_watch_free(w);
	return ERR_PTR(err);
}

void smap_watch_destroy(struct smap_watch *w)
{
	struct smap_watch_hub *hub = w->hub;

	spin_lock(&hub->lock);
	list_del(&w->node);
	WRITE_ONCE(hub->n, hub->n - 1);
	spin_unlock(&hub->lock);
	smap_watch_free(w);	/* no producer holds it: they hold the lock */
}

/* ---- reading ---------------------------------------------------------- */

static bool smap_watch_pending(struct smap_watch *w)
{
	bool ret;

	spin_lock(&w->hub->lock);
	ret = w->count;
	spin_unlock(&w->hub->lock);
	return ret;
}

/* Copy ring bytes from @pos to user (@ubuf) or kernel (@kbuf) memory. */
static int smap_watch_copy_out(const struct smap_watch *w, u64 pos,
			       void __user *ubuf, void *kbuf, u32 len)
{
	u32 off = pos & (w->size - 1);
	u32 n = min(len, w->size - off);

	if (kbuf) {
		smap_ring_read(w, pos, kbuf, len);
		return 0;
	}
	if (copy_to_user(ubuf, w->ring + off, n) ||
	    copy_to_user((u8 __user *)ubuf + n, w->ring, len - n))
		return -EFAULT;
	return 0;
}

/*
 * Whole events into @ubuf or @kbuf: their bytes, -EINVAL if the next one
 * does not fit in @len, -EAGAIN (@nonblock) or wait if none is queued.
 */
static ssize_t smap_watch_take(struct smap_watch *w, void __user *ubuf,
			       void *kbuf, size_t len, bool nonblock)
{
	struct smap_watch_event ev;
	u64 head, tail;
	u32 used = 0, n = 0;
	ssize_t ret;

	if (mutex_lock_interruptible(&w->read_lock))
		return -ERESTARTSYS;
	for (;;) {
		spin_lock(&w->hub->lock);
		head = w->head;
		tail = w->tail;
		spin_unlock(&w->hub->lock);
		if (head != tail)
			break;
		ret = -EAGAIN;
		if (nonblock)
			goto out;
		ret = wait_event_interruptible(w->wq, smap_watch_pending(w));
		if (ret)
			goto out;
	}
	/* Producers write only past tail: head..tail is stable. */
	while (head + used < tail) {
		smap_ring_read(w, head + used, &ev, SMAP_WATCH_HDR);
		if (used + ev.size > len)
			break;
		used += ev.size;
		n++;
	}
	ret = -EINVAL;
	if (!n)
		goto out;
	ret = smap_watch_copy_out(w, head, ubuf, kbuf, used);
	if (ret)
		goto out;
	spin_lock(&w->hub->lock);
	w->head += used;
	w->count -= n;
	spin_unlock(&w->hub->lock);
	ret = used;
out:
	mutex_unlock(&w->read_lock);
	return ret;
}

ssize_t smap_watch_read_kernel(struct smap_watch *w, void *buf, size_t len,
			       bool nonblock)
{
	return smap_watch_take(w, NULL, buf, len, nonblock);
}

/* ---- the file --------------------------------------------------------- */

static ssize_t smap_watch_fread(struct file *file, char __user *buf,
				size_t len, loff_t *ppos)
{
	return smap_watch_take(file->private_data, buf, NULL, len,
			       file->f_flags & O_NONBLOCK);
}

static __poll_t smap_watch_poll(struct file *file, poll_table *pt)
{
	struct smap_watch *w = file->private_data;

	poll_wait(file, &w->wq, pt);
	return smap_watch_pending(w) ? EPOLLIN | EPOLLRDNORM : 0;
}

static int smap_watch_release(struct inode *inode, struct file *file)
{
	smap_watch_destroy(file->private_data);
	return 0;
}

static const struct file_operations smap_watch_fops = {
	.owner = THIS_MODULE,	/* an open watcher keeps the module in */
	.read = smap_watch_fread,
	.poll = smap_watch_poll,
	.release = smap_watch_release,
	.llseek = noop_llseek,
};

int smap_watch_install_fd(struct smap_watch *w, u32 flags)
{
	int fd;

	fd = anon_inode_getfd("[shared_map-watch]", &smap_watch_fops, w,
			      O_RDONLY | O_CLOEXEC |
			      ((flags & SMAP_WATCH_NONBLOCK) ? O_NONBLOCK : 0));
	if (fd < 0)
		smap_watch_destroy(w);
	return fd;
}
