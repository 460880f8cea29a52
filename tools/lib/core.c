// SPDX-License-Identifier: LGPL-2.1-or-later
/*
 * libshared_map: handles, the ioctl transport, and the transport-neutral
 * operations (each dispatches to ioctl or netlink).
 */
#include <errno.h>
#include <stddef.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <unistd.h>
#include "internal.h"

#define PARAM_DIR "/sys/module/shared_map/parameters/"

/* the first versions of the size-versioned structs never change */
_Static_assert(SMAP_LIMITS_SIZE_V1 == sizeof(struct smap_limits), "v1");
_Static_assert(SMAP_KEYINFO_SIZE_V1 == sizeof(struct smap_keyinfo), "v1");
_Static_assert(SMAP_SET_OPTS_SIZE_V1 == sizeof(struct smap_set_opts), "v1");
_Static_assert(SMAP_BACKUP_INFO_SIZE_V1 == sizeof(struct smap_backup_info),
	       "v1");
_Static_assert(SMAP_STATS_SIZE_V1 ==
	       offsetof(struct smap_stats, skipped_records), "v1");
#define LIST_BUF (64 * 1024)

static inline __u64 uptr(const void *p)
{
	return (__u64)(unsigned long)p;
}

static int fail(int err)
{
	errno = err;
	return -1;
}

static bool is_nl(const struct smap *h)
{
	return h->transport == SMAP_TRANSPORT_NETLINK;
}

/* ioctl, retried on EINTR */
static int xioctl(struct smap *h, unsigned long cmd, void *arg)
{
	int r;

	do
		r = ioctl(h->fd, cmd, arg);
	while (r < 0 && errno == EINTR);
	return r;
}

SMAP_EXPORT struct smap *smap_open(int flags)
{
	struct smap *h;
	int err;

	if (flags & ~SMAP_TRANSPORT_MASK) {
		errno = EINVAL;
		return NULL;
	}
	h = calloc(1, sizeof(*h));
	if (!h)
		return NULL;
	h->fd = -1;
	h->transport = flags & SMAP_TRANSPORT_MASK;
	if (is_nl(h)) {
		if (smap_nl_open(h) < 0)
			goto out;
	} else {
		h->fd = open(SMAP_DEVICE_PATH, O_RDWR | O_CLOEXEC);
		if (h->fd < 0)
			goto out;
	}
	return h;
out:
	err = errno;
	free(h);
	errno = err;
	return NULL;
}

SMAP_EXPORT void smap_close(struct smap *h)
{
	int err = errno;

	if (!h)
		return;
	if (h->fd >= 0)
		close(h->fd);
	if (h->sk)
		smap_nl_close(h);
	free(h);
	errno = err;
}

SMAP_EXPORT int smap_transport(const struct smap *h)
{
	return h->transport;
}

static bool read_param(const char *name, unsigned long long *v)
{
	char path[128], buf[64];
	ssize_t n;
	int fd;

	snprintf(path, sizeof(path), PARAM_DIR "%s", name);
	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return false;
	n = read(fd, buf, sizeof(buf) - 1);
	close(fd);
	if (n <= 0)
		return false;
	buf[n] = 0;
	*v = strtoull(buf, NULL, 0);
	return true;
}

SMAP_EXPORT int smap_limits(struct smap *h, struct smap_limits *lim)
{
	if (!h || !lim)
		return fail(EINVAL);
	if (!h->have_lim) {
		struct smap_version v = { 0 };
		struct smap_limits l = {
			.abi = SMAP_ABI_VERSION,
			.key_max = SMAP_KEY_MAX,
			.value_max = SMAP_VALUE_MAX,
		};
		unsigned long long x;

		if (!is_nl(h) && xioctl(h, SMAP_IOC_VERSION, &v) == 0) {
			l.abi = v.abi;
			if (v.key_max)
				l.key_max = v.key_max;
			if (v.value_max)
				l.value_max = v.value_max;
			l.max_bytes = v.max_bytes;
			l.user_max_bytes = v.user_max_bytes;
		} else {
			if (read_param("key_max", &x) && x && x <= SMAP_KEY_MAX)
				l.key_max = (uint32_t)x;
			if (read_param("value_max", &x) && x && x <= SMAP_VALUE_MAX)
				l.value_max = (uint32_t)x;
		}
		if (!l.max_bytes && read_param("max_bytes", &x))
			l.max_bytes = x;
		if (!l.user_max_bytes && read_param("user_max_bytes", &x))
			l.user_max_bytes = x;
		l.xfer_max = l.value_max;
		if (is_nl(h) && l.xfer_max > smap_nl_value_max(h))
			l.xfer_max = (uint32_t)smap_nl_value_max(h);
		h->lim = l;
		h->have_lim = true;
	}
	*lim = h->lim;
	return 0;
}

/*
 * An answer of @ours bytes into the caller's @size: the first min(size,
 * ours) bytes, zeros after them (a newer caller's fields this library does
 * not know read as 0).
 */
static int copy_out(void *theirs, size_t size, const void *ours,
		    size_t ours_size, size_t v1_size)
{
	if (!theirs || size < v1_size)
		return fail(EINVAL);
	memcpy(theirs, ours, size < ours_size ? size : ours_size);
	if (size > ours_size)
		memset((char *)theirs + ours_size, 0, size - ours_size);
	return 0;
}

SMAP_EXPORT int smap_limits_ex(struct smap *h, struct smap_limits *lim,
			       size_t size)
{
	struct smap_limits l;

	if (smap_limits(h, &l) < 0)
		return -1;
	return copy_out(lim, size, &l, sizeof(l), SMAP_LIMITS_SIZE_V1);
}

/* Local checks: only what the transport cannot carry; the module enforces
 * its own (possibly lower) limits. */
static int check_key(const struct smap *h, const void *key, size_t klen)
{
	if (!h || !key || klen == 0)
		return fail(EINVAL);
	if (klen > (is_nl(h) ? SMAP_KEY_MAX : UINT32_MAX))
		return fail(ENAMETOOLONG);
	return 0;
}

static int check_val(const struct smap *h, const void *val, size_t vlen)
{
	if (vlen && !val)
		return fail(EINVAL);
	if (vlen > (is_nl(h) ? smap_nl_value_max(h) : UINT32_MAX))
		return fail(EMSGSIZE);
	return 0;
}

static int check_mode(unsigned int mode)
{
	return mode > 0777 ? fail(EINVAL) : 0;
}

/* set with every option: o->flags may hold SMAP_SET_EXCL, SMAP_SET_OWNER */
static int set_common(struct smap *h, const void *key, size_t klen,
		      const void *val, size_t vlen,
		      const struct smap_set_opts *o, int *status)
{
	bool owner = o->flags & SMAP_SET_OWNER;
	bool mode = o->mode || (o->flags & SMAP_SET_MODE);

	if (check_key(h, key, klen) || check_val(h, val, vlen) ||
	    check_mode(o->mode))
		return -1;
	if (o->flags & ~(SMAP_SET_EXCL | SMAP_SET_MODE | SMAP_SET_OWNER))
		return fail(EINVAL);
	if (is_nl(h)) {
		struct smap_nl_req rq = {
			.key = key, .klen = klen, .val = val, .vlen = vlen,
			.has_val = true, .mode = o->mode, .has_mode = mode,
			.flags = o->flags & ~SMAP_SET_MODE,
			.uid = o->uid, .gid = o->gid,
			.has_owner = owner,
		};
		struct smap_nl_reply rp = { 0 };
		int r = smap_nl_call(h, SMAP_CMD_SET, &rq, &rp);

		if (r == 0 && status)
			*status = (int)rp.status;
		smap_nl_reply_free(&rp);
		return r;
	} else {
		struct smap_kv kv = {
			.key = uptr(key), .value = uptr(val),
			.key_len = (__u32)klen, .value_len = (__u32)vlen,
			.flags = (mode ? SMAP_F_MODE : 0) | o->flags,
			.mode = o->mode,
			.uid = owner ? o->uid : 0, .gid = owner ? o->gid : 0,
		};

		if (xioctl(h, SMAP_IOC_SET, &kv) < 0)
			return -1;
		if (status)
			*status = (int)kv.status;
		return 0;
	}
}

SMAP_EXPORT int smap_set_flags(struct smap *h, const void *key, size_t klen,
			       const void *val, size_t vlen, unsigned int mode,
			       unsigned int flags, int *status)
{
	struct smap_set_opts o = { .size = sizeof(o), .mode = mode,
				   .flags = flags };

	if (flags & ~SMAP_SET_EXCL)
		return fail(EINVAL);
	return set_common(h, key, klen, val, vlen, &o, status);
}

SMAP_EXPORT int smap_set_ex(struct smap *h, const void *key, size_t klen,
			    const void *val, size_t vlen,
			    const struct smap_set_opts *opts, int *status)
{
	struct smap_set_opts o;

	if (!opts)
		return fail(EINVAL);
	if (smap_copy_struct_in(&o, sizeof(o), SMAP_SET_OPTS_SIZE_V1, opts,
				opts->size) < 0)
		return -1;
	return set_common(h, key, klen, val, vlen, &o, status);
}

SMAP_EXPORT int smap_set(struct smap *h, const void *key, size_t klen,
			 const void *val, size_t vlen, unsigned int mode,
			 int *status)
{
	return smap_set_flags(h, key, klen, val, vlen, mode, 0, status);
}

static void fill_info(struct smap_keyinfo *info, uint32_t mode, uint32_t uid,
		      uint32_t gid)
{
	if (info) {
		info->mode = mode;
		info->uid = uid;
		info->gid = gid;
	}
}

SMAP_EXPORT int smap_get_buf(struct smap *h, const void *key, size_t klen,
			     void *buf, size_t cap, size_t *vlen,
			     struct smap_keyinfo *info)
{
	if (check_key(h, key, klen))
		return -1;
	if (cap && !buf)
		return fail(EINVAL);
	if (is_nl(h)) {
		struct smap_nl_req rq = { .key = key, .klen = klen };
		struct smap_nl_reply rp = { 0 };
		int r = smap_nl_call(h, SMAP_CMD_GET, &rq, &rp);

		if (r == 0) {
			if (vlen)
				*vlen = rp.vlen;
			fill_info(info, rp.mode, rp.uid, rp.gid);
			if (rp.vlen > cap) {
				errno = ERANGE;
				r = -1;
			} else if (rp.vlen) {
				memcpy(buf, rp.val, rp.vlen);
			}
		}
		smap_nl_reply_free(&rp);
		return r;
	} else {
		struct smap_kv kv = {
			.key = uptr(key), .value = uptr(buf),
			.key_len = (__u32)klen,
			.value_len = cap > UINT32_MAX ? UINT32_MAX : (__u32)cap,
		};
		int r = xioctl(h, SMAP_IOC_GET, &kv);

		if (r < 0 && errno != ERANGE)
			return -1;
		if (vlen)
			*vlen = kv.value_len;
		fill_info(info, kv.mode, kv.uid, kv.gid);
		return r;
	}
}

SMAP_EXPORT int smap_get_buf_ex(struct smap *h, const void *key, size_t klen,
				void *buf, size_t cap, size_t *vlen,
				struct smap_keyinfo *info, size_t info_size)
{
	struct smap_keyinfo ki;
	int r, err;

	if (info && info_size < SMAP_KEYINFO_SIZE_V1)
		return fail(EINVAL);
	r = smap_get_buf(h, key, klen, buf, cap, vlen, &ki);
	err = errno;
	if ((r == 0 || err == ERANGE) && info)
		copy_out(info, info_size, &ki, sizeof(ki), SMAP_KEYINFO_SIZE_V1);
	errno = err;
	return r;
}

SMAP_EXPORT int smap_get(struct smap *h, const void *key, size_t klen,
			 void **val, size_t *vlen)
{
	size_t cap = 4096, len = 0;
	char *b = NULL;

	if (!val)
		return fail(EINVAL);
	if (check_key(h, key, klen))
		return -1;
	if (is_nl(h)) {
		struct smap_nl_req rq = { .key = key, .klen = klen };
		struct smap_nl_reply rp = { 0 };

		if (smap_nl_call(h, SMAP_CMD_GET, &rq, &rp) < 0) {
			smap_nl_reply_free(&rp);
			return -1;
		}
		if (!rp.val) {
			rp.val = calloc(1, 1);
			if (!rp.val)
				return -1;
		}
		*val = rp.val;
		if (vlen)
			*vlen = rp.vlen;
		rp.val = NULL;
		smap_nl_reply_free(&rp);
		return 0;
	}
	for (int tries = 0; tries < 64; tries++) {
		char *nb = realloc(b, cap + 1);

		if (!nb) {
			free(b);
			return -1;
		}
		b = nb;
		if (smap_get_buf(h, key, klen, b, cap, &len, NULL) == 0) {
			b[len] = 0;
			*val = b;
			if (vlen)
				*vlen = len;
			return 0;
		}
		if (errno != ERANGE || len <= cap) {
			int err = errno == ERANGE ? EBADMSG : errno;

			free(b);
			return fail(err);
		}
		cap = len;	/* the size the kernel reported; it may grow again */
	}
	free(b);
	return fail(EAGAIN);
}

SMAP_EXPORT int smap_del(struct smap *h, const void *key, size_t klen)
{
	if (check_key(h, key, klen))
		return -1;
	if (is_nl(h)) {
		struct smap_nl_req rq = { .key = key, .klen = klen };
		struct smap_nl_reply rp = { 0 };
		int r = smap_nl_call(h, SMAP_CMD_DEL, &rq, &rp);

		smap_nl_reply_free(&rp);
		return r;
	} else {
		struct smap_kv kv = { .key = uptr(key), .key_len = (__u32)klen };

		return xioctl(h, SMAP_IOC_DEL, &kv);
	}
}

SMAP_EXPORT int smap_incr_mode(struct smap *h, const void *key, size_t klen,
			       int64_t delta, unsigned int mode,
			       int64_t *result)
{
	if (check_key(h, key, klen) || check_mode(mode))
		return -1;
	if (is_nl(h)) {
		struct smap_nl_req rq = {
			.key = key, .klen = klen, .delta = delta,
			.has_delta = true, .mode = mode, .has_mode = mode != 0,
		};
		struct smap_nl_reply rp = { 0 };
		int r = smap_nl_call(h, SMAP_CMD_INCR, &rq, &rp);

		if (r == 0 && !rp.has_result) {
			errno = EBADMSG;
			r = -1;
		}
		if (r == 0 && result)
			*result = rp.result;
		smap_nl_reply_free(&rp);
		return r;
	} else {
		struct smap_incr in = {
			.key = uptr(key), .key_len = (__u32)klen,
			.delta = delta, .flags = mode ? SMAP_F_MODE : 0,
			.mode = mode,
		};

		if (xioctl(h, SMAP_IOC_INCR, &in) < 0)
			return -1;
		if (result)
			*result = in.result;
		return 0;
	}
}

SMAP_EXPORT int smap_incr(struct smap *h, const void *key, size_t klen,
			  int64_t delta, int64_t *result)
{
	return smap_incr_mode(h, key, klen, delta, 0, result);
}

SMAP_EXPORT int smap_cas(struct smap *h, const void *key, size_t klen,
			 const void *old, size_t olen, const void *new_val,
			 size_t nlen, unsigned int mode, int *status)
{
	if (check_key(h, key, klen) || check_val(h, old, olen) ||
	    check_val(h, new_val, nlen) || check_mode(mode))
		return -1;
	if (is_nl(h)) {
		struct smap_nl_req rq = {
			.key = key, .klen = klen, .val = new_val, .vlen = nlen,
			.has_val = true, .old = old, .olen = olen,
			.has_old = true, .mode = mode, .has_mode = mode != 0,
		};
		struct smap_nl_reply rp = { 0 };
		int r = smap_nl_call(h, SMAP_CMD_CAS, &rq, &rp);

		if (status)
			*status = r == 0 ? (int)rp.status :
				  errno == ECANCELED ? SMAP_ST_MISMATCH : 0;
		smap_nl_reply_free(&rp);
		return r;
	} else {
		struct smap_cas c = {
			.key = uptr(key), .key_len = (__u32)klen,
			.old_value = uptr(old), .old_len = (__u32)olen,
			.new_value = uptr(new_val), .new_len = (__u32)nlen,
			.flags = mode ? SMAP_F_MODE : 0, .mode = mode,
		};
		int r = xioctl(h, SMAP_IOC_CAS, &c);

		if (status)
			*status = (int)c.status;
		return r;
	}
}

/* ---- listing ---------------------------------------------------------- */

struct smap_iter {
	struct smap *h;
	char *prefix;
	size_t plen;
	char *buf;		/* records, SMAP_IOC_LIST format */
	size_t used, off;
	__u64 cursor;
	uint64_t skipped;	/* keys passed over, unreadable */
	bool end;		/* nothing more to fetch */
};

static int iter_fill(struct smap_iter *it)
{
	struct smap_list l = {
		.prefix = uptr(it->prefix), .prefix_len = (__u32)it->plen,
		.buf = uptr(it->buf), .buf_len = LIST_BUF,
		.cursor = it->cursor,
	};

	if (xioctl(it->h, SMAP_IOC_LIST, &l) < 0)
		return -1;
	if (l.used > LIST_BUF)
		return fail(EBADMSG);
	if (!(l.flags & SMAP_LIST_END) && l.used == 0 && l.cursor == it->cursor)
		return fail(EBADMSG);	/* no progress: would loop forever */
	it->used = l.used;
	it->off = 0;
	it->cursor = l.cursor;
	it->skipped += l.skipped;
	it->end = l.flags & SMAP_LIST_END;
	return 0;
}

SMAP_EXPORT struct smap_iter *smap_iter_open(struct smap *h, const void *prefix,
					     size_t plen)
{
	struct smap_iter *it;
	int err;

	if (!h || (plen && !prefix) || plen > SMAP_KEY_MAX) {
		errno = !h || plen <= SMAP_KEY_MAX ? EINVAL : ENAMETOOLONG;
		return NULL;
	}
	it = calloc(1, sizeof(*it));
	if (!it)
		return NULL;
	it->h = h;
	it->plen = plen;
	it->prefix = malloc(plen + 1);
	if (!it->prefix)
		goto out;
	if (plen)
		memcpy(it->prefix, prefix, plen);
	if (is_nl(h)) {
		struct smap_nl_req rq = {
			.prefix = prefix, .plen = plen, .has_prefix = plen > 0,
		};
		struct smap_nl_reply rp = { .listing = true };

		if (smap_nl_call(h, SMAP_CMD_LIST, &rq, &rp) < 0) {
			smap_nl_reply_free(&rp);
			goto out;
		}
		it->buf = rp.lbuf;
		it->used = rp.lused;
		it->skipped = rp.skipped;
		rp.lbuf = NULL;
		smap_nl_reply_free(&rp);
		it->end = true;
	} else {
		it->buf = malloc(LIST_BUF);
		if (!it->buf)
			goto out;
		if (iter_fill(it) < 0)
			goto out;
	}
	return it;
out:
	err = errno;
	smap_iter_close(it);
	errno = err;
	return NULL;
}

SMAP_EXPORT int smap_iter_next(struct smap_iter *it, const void **key,
			       size_t *klen)
{
	for (;;) {
		int r = smap_list_decode(it->buf, it->used, &it->off, key, klen);

		if (r != 0)
			return r;
		if (it->end)
			return 0;
		if (iter_fill(it) < 0)
			return -1;
	}
}

SMAP_EXPORT uint64_t smap_iter_skipped(const struct smap_iter *it)
{
	return it ? it->skipped : 0;
}

SMAP_EXPORT void smap_iter_close(struct smap_iter *it)
{
	if (!it)
		return;
	free(it->buf);
	free(it->prefix);
	free(it);
}

SMAP_EXPORT int smap_list(struct smap *h, const void *prefix, size_t plen,
			  smap_list_cb cb, void *arg)
{
	struct smap_iter *it = smap_iter_open(h, prefix, plen);
	const void *k;
	size_t kl;
	int r, err;

	if (!it)
		return -1;
	while ((r = smap_iter_next(it, &k, &kl)) == 1) {
		r = cb(k, kl, arg);
		if (r)
			break;
	}
	err = errno;
	smap_iter_close(it);
	errno = err;
	return r;
}

/* ---- stats, recover, batch ------------------------------------------- */

SMAP_EXPORT int smap_stats(struct smap *h, struct smap_stats *st)
{
	if (!h || !st)
		return fail(EINVAL);
	memset(st, 0, sizeof(*st));
	if (is_nl(h)) {
		struct smap_nl_req rq = { 0 };
		struct smap_nl_reply rp = { 0 };
		int r = smap_nl_call(h, SMAP_CMD_STATS, &rq, &rp);

		if (r == 0 && !rp.has_stats) {
			errno = EBADMSG;
			r = -1;
		}
		if (r == 0)
			*st = rp.stats;
		smap_nl_reply_free(&rp);
		return r;
	}
	return xioctl(h, SMAP_IOC_STATS, st);
}

/* The kernel's struct grows at its end (size-versioned): ask with ours. */
SMAP_EXPORT int smap_stats_ex(struct smap *h, struct smap_stats *st,
			      size_t size)
{
	struct smap_stats s;

	if (!st || size < SMAP_STATS_SIZE_V1)
		return fail(EINVAL);
	if (smap_stats(h, &s) < 0)
		return -1;
	return copy_out(st, size, &s, sizeof(s), SMAP_STATS_SIZE_V1);
}

SMAP_EXPORT int smap_recover(struct smap *h)
{
	if (!h)
		return fail(EINVAL);
	if (is_nl(h))
		return fail(EOPNOTSUPP);
	return xioctl(h, SMAP_IOC_RECOVER, NULL);
}

SMAP_EXPORT int smap_backup(struct smap *h, int fd, unsigned int flags,
			    struct smap_backup_info *info, size_t info_size)
{
	struct smap_backup b = { .fd = fd, .flags = flags };
	struct smap_backup_info bi;

	if (!h || fd < 0 || flags || (info && info_size < SMAP_BACKUP_INFO_SIZE_V1))
		return fail(EINVAL);
	if (is_nl(h))
		return fail(EOPNOTSUPP);
	if (xioctl(h, SMAP_IOC_BACKUP, &b) < 0)
		return -1;
	bi = (struct smap_backup_info){
		.seq = b.seq, .keys = b.keys, .bytes = b.bytes,
		.hold_ns = b.hold_ns,
	};
	return info ? copy_out(info, info_size, &bi, sizeof(bi),
			       SMAP_BACKUP_INFO_SIZE_V1) : 0;
}

SMAP_EXPORT int smap_batch_exec(struct smap *h, struct smap_batch_builder *b,
				size_t *failed)
{
	size_t nfail = 0;
	int first = 0;

	if (failed)
		*failed = 0;
	if (!h || !b)
		return fail(EINVAL);
	if (b->count == 0)
		return 0;
	for (size_t i = 0; i < b->count; i++) {
		smap_batch_entry(b, i)->error = 0;
		smap_batch_entry(b, i)->status = 0;
	}
	if (is_nl(h)) {
		/* entries answered before a socket failure keep their results */
		if (smap_nl_batch(h, b) < 0)
			return -1;
	} else {
		struct smap_batch bt = {
			.ops = uptr(b->buf), .len = (__u32)b->len,
			.count = (__u32)b->count,
		};

		/* entries before .done keep their results */
		if (xioctl(h, SMAP_IOC_BATCH, &bt) < 0)
			return -1;
	}
	for (size_t i = 0; i < b->count; i++) {
		int e = -smap_batch_entry(b, i)->error;

		if (e) {
			nfail++;
			if (!first)
				first = e;
		}
	}
	if (failed)
		*failed = nfail;
	return nfail ? fail(first) : 0;
}
