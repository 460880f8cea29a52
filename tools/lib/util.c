// SPDX-License-Identifier: LGPL-2.1-or-later
/*
 * libshared_map: the pure parts (no kernel): error messages, argument
 * parsing, list record and batch buffer encoding.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "internal.h"

SMAP_EXPORT const char *smap_op_name(int op)
{
	static const char *const names[] = {
		[SMAP_OP_SET] = "set",	 [SMAP_OP_GET] = "get",
		[SMAP_OP_DEL] = "del",	 [SMAP_OP_INCR] = "incr",
		[SMAP_OP_CAS] = "cas",	 [SMAP_OP_LIST] = "list",
		[SMAP_OP_BATCH] = "batch",
	};

	if (op >= 0 && op < SMAP_OP__COUNT)
		return names[op];
	return op == -1 ? "open" : "stats";
}

SMAP_EXPORT const char *smap_strerror(int err)
{
	switch (err) {
	case 0: return "success";
	case ENOENT: return "key not found";
	case EACCES:
	case EPERM: return "permission denied";
	case EMSGSIZE: return "value too large";
	case ENAMETOOLONG: return "key too long";
	case ENOSPC: return "store full (max_bytes)";
	case EEXIST: return "key exists";
	case EDQUOT: return "quota exceeded (user_max_bytes)";
	case ECANCELED: return "value differs";
	case EROFS: return "store is read-only after an I/O error";
	case ERANGE: return "result out of range";
	case EINVAL: return "invalid argument";
	case ENOMEM: return "out of memory";
	case EIO: return "I/O error";
	case ENOTTY: return "not a shared_map device (ABI mismatch?)";
	case E2BIG: return "request not understood by this module (ABI mismatch?)";
	case EFAULT: return "bad address";
	case EBADMSG: return "malformed reply from the module";
	case EAGAIN: return "resource temporarily unavailable";
	case EINTR: return "interrupted";
	case ENODEV:
	case ENXIO: return "module not loaded";
	case EOPNOTSUPP: return "operation not supported";
	case EBUSY: return "device busy";
	case ENOBUFS: return "no buffer space (netlink: a lost reply, or staged values over nl_stage_user_max)";
	case ENODATA: return "nothing staged (netlink)";
	default: return strerror(err);
	}
}

SMAP_EXPORT char *smap_errmsg(int op, int err, const struct smap_limits *lim,
			      char *buf, size_t len)
{
	const char *r = smap_strerror(err);

	if (!buf || !len)
		return buf;
	switch (err) {
	case EMSGSIZE:
		if (lim && lim->xfer_max && lim->xfer_max < lim->value_max) {
			snprintf(buf, len, "value too large for netlink (max %u bytes; use the ioctl transport)",
				 lim->xfer_max);
			return buf;
		}
		if (lim && lim->value_max) {
			snprintf(buf, len, "value too large (max %u bytes)",
				 lim->value_max);
			return buf;
		}
		break;
	case ENAMETOOLONG:
		snprintf(buf, len, "key too long (max %u bytes)",
			 lim && lim->key_max ? lim->key_max : SMAP_KEY_MAX);
		return buf;
	case ENOSPC:
		if (lim && lim->max_bytes) {
			snprintf(buf, len, "store full (max_bytes %llu)",
				 (unsigned long long)lim->max_bytes);
			return buf;
		}
		break;
	case EDQUOT:
		if (lim && lim->user_max_bytes) {
			snprintf(buf, len, "quota exceeded (user_max_bytes %llu: what the keys of one owner may cost)",
				 (unsigned long long)lim->user_max_bytes);
			return buf;
		}
		break;
	case EINVAL:
		if (op == SMAP_OP_INCR)
			r = "value is not an integer";
		break;
	case ERANGE:
		if (op == SMAP_OP_INCR)
			r = "integer overflow";
		break;
	case ECANCELED:
		if (op == SMAP_OP_CAS)
			r = "value differs";
		break;
	case ENOENT:
		if (op == -1) {
			snprintf(buf, len, "%s: %s (is the module loaded? try: modprobe shared_map)",
				 SMAP_DEVICE_PATH, strerror(err));
			return buf;
		}
		break;
	case EPROTONOSUPPORT:
		if (op == -1) {
			snprintf(buf, len, "netlink family %s not found (is the module loaded? try: modprobe shared_map)",
				 SMAP_GENL_NAME);
			return buf;
		}
		break;
	default:
		if (op == -1) {
			snprintf(buf, len, "%s: %s", SMAP_DEVICE_PATH, strerror(err));
			return buf;
		}
		break;
	}
	snprintf(buf, len, "%s", r);
	return buf;
}

SMAP_EXPORT int smap_parse_mode(const char *s, unsigned int *mode)
{
	unsigned int m = 0;
	size_t n;

	if (!s || !*s)
		goto bad;
	n = strlen(s);
	if (n == 9 && strspn(s, "rwx-") == 9) {
		static const char want[] = "rwxrwxrwx";

		for (int i = 0; i < 9; i++) {
			if (s[i] == want[i])
				m |= 1u << (8 - i);
			else if (s[i] != '-')
				goto bad;
		}
		*mode = m;
		return 0;
	}
	if (n > 4 || strspn(s, "01234567") != n)
		goto bad;
	m = (unsigned int)strtoul(s, NULL, 8);
	if (m > 0777)
		goto bad;
	*mode = m;
	return 0;
bad:
	errno = EINVAL;
	return -1;
}

SMAP_EXPORT int smap_parse_i64(const char *s, int64_t *v)
{
	char *end;
	long long x;

	if (!s || !*s || (*s != '-' && *s != '+' && (*s < '0' || *s > '9'))) {
		errno = EINVAL;
		return -1;
	}
	errno = 0;
	x = strtoll(s, &end, 10);
	if (errno == ERANGE)
		return -1;
	if (*end || end == s) {
		errno = EINVAL;
		return -1;
	}
	*v = x;
	return 0;
}

/* ---- list records: { __u32 len; key bytes; pad to 4 } ----------------- */

#define ALIGN4(x) (((x) + 3) & ~(size_t)3)

SMAP_EXPORT int smap_list_decode(const void *buf, size_t used, size_t *off,
				 const void **key, size_t *klen)
{
	const char *b = buf;
	__u32 len;

	if (*off >= used)
		return 0;
	if (used - *off < sizeof(len))
		goto bad;
	memcpy(&len, b + *off, sizeof(len));
	if (len == 0 || len > used - *off - sizeof(len))
		goto bad;
	*key = b + *off + sizeof(len);
	*klen = len;
	*off += ALIGN4(sizeof(len) + len);
	if (*off > used)	/* the last record's padding may be left out */
		*off = used;
	return 1;
bad:
	errno = EBADMSG;
	return -1;
}

SMAP_EXPORT int smap_list_encode(void *buf, size_t cap, size_t *off,
				 const void *key, size_t klen)
{
	size_t need = ALIGN4(sizeof(__u32) + klen);
	__u32 len = (__u32)klen;
	char *b = buf;

	if (klen == 0 || klen > UINT32_MAX || *off > cap || cap - *off < need) {
		errno = klen == 0 ? EINVAL : ENOSPC;
		return -1;
	}
	memcpy(b + *off, &len, sizeof(len));
	memcpy(b + *off + sizeof(len), key, klen);
	memset(b + *off + sizeof(len) + klen, 0, need - sizeof(len) - klen);
	*off += need;
	return 0;
}

/* ---- batch builder ---------------------------------------------------- */

#define ALIGN8(x) (((x) + SMAP_BATCH_ALIGN - 1) & ~(size_t)(SMAP_BATCH_ALIGN - 1))

SMAP_EXPORT struct smap_batch_builder *smap_batch_new(void)
{
	return calloc(1, sizeof(struct smap_batch_builder));
}

SMAP_EXPORT void smap_batch_free(struct smap_batch_builder *b)
{
	if (!b)
		return;
	free(b->buf);
	free(b->offs);
	free(b);
}

SMAP_EXPORT void smap_batch_reset(struct smap_batch_builder *b)
{
	b->len = 0;
	b->count = 0;
}

static int batch_add(struct smap_batch_builder *b, int op, const void *key,
		     size_t klen, const void *val, size_t vlen,
		     unsigned int mode, unsigned int flags, int64_t arg)
{
	struct smap_batch_op hdr = { 0 };
	size_t need;

	if (!b || !key || klen == 0) {
		errno = EINVAL;
		return -1;
	}
	if (klen > SMAP_KEY_MAX) {
		errno = ENAMETOOLONG;
		return -1;
	}
	if (vlen > SMAP_VALUE_MAX) {
		errno = EMSGSIZE;
		return -1;
	}
	if (mode > 0777 ||
	    (flags & ~(SMAP_SET_EXCL | SMAP_SET_MODE | SMAP_SET_OWNER)) ||
	    ((flags & SMAP_SET_OWNER) && op != SMAP_OP_SET)) {
		errno = EINVAL;
		return -1;
	}
	need = ALIGN8(sizeof(hdr) + klen + vlen);
	if (b->len + need > UINT32_MAX || b->count >= UINT32_MAX) {
		errno = E2BIG;
		return -1;
	}
	if (b->len + need > b->cap) {
		size_t cap = b->cap ? b->cap : 4096;
		char *nb;

		while (cap < b->len + need)
			cap *= 2;
		nb = realloc(b->buf, cap);
		if (!nb)
			return -1;
		b->buf = nb;
		b->cap = cap;
	}
	if (b->count == b->offcap) {
		size_t n = b->offcap ? b->offcap * 2 : 32;
		size_t *no = realloc(b->offs, n * sizeof(*no));

		if (!no)
			return -1;
		b->offs = no;
		b->offcap = n;
	}
	hdr.op = (__u16)op;
	hdr.flags = (__u16)flags;
	if (mode || (flags & SMAP_SET_MODE)) {
		hdr.flags |= SMAP_F_MODE;
		hdr.mode = mode;
	}
	hdr.key_len = (__u32)klen;
	hdr.value_len = (__u32)vlen;
	hdr.arg = arg;
	memset(b->buf + b->len, 0, need);
	memcpy(b->buf + b->len, &hdr, sizeof(hdr));
	memcpy(b->buf + b->len + sizeof(hdr), key, klen);
	if (vlen)
		memcpy(b->buf + b->len + sizeof(hdr) + klen, val, vlen);
	b->offs[b->count++] = b->len;
	b->len += need;
	return 0;
}

SMAP_EXPORT int smap_batch_set_flags(struct smap_batch_builder *b,
				     const void *key, size_t klen,
				     const void *val, size_t vlen,
				     unsigned int mode, unsigned int flags)
{
	if ((vlen && !val) || (flags & ~SMAP_SET_EXCL)) {
		errno = EINVAL;
		return -1;
	}
	return batch_add(b, SMAP_OP_SET, key, klen, val, vlen, mode, flags, 0);
}

SMAP_EXPORT int smap_batch_set_ex(struct smap_batch_builder *b,
				  const void *key, size_t klen,
				  const void *val, size_t vlen,
				  const struct smap_set_opts *opts)
{
	struct smap_set_opts o;
	int64_t arg = 0;

	if (!opts || (vlen && !val)) {
		errno = EINVAL;
		return -1;
	}
	if (smap_copy_struct_in(&o, sizeof(o), SMAP_SET_OPTS_SIZE_V1, opts,
				opts->size) < 0)
		return -1;
	/* the owner travels in .arg, unused by a set (see linux/shared_map.h) */
	if (o.flags & SMAP_SET_OWNER)
		arg = (int64_t)((uint64_t)o.uid | (uint64_t)o.gid << 32);
	return batch_add(b, SMAP_OP_SET, key, klen, val, vlen, o.mode, o.flags,
			 arg);
}

int smap_copy_struct_in(void *ours, size_t ours_size, size_t v1_size,
			const void *theirs, size_t their_size)
{
	const unsigned char *t = theirs;

	if (their_size < v1_size) {
		errno = EINVAL;
		return -1;
	}
	for (size_t i = ours_size; i < their_size; i++)
		if (t[i]) {
			errno = E2BIG;
			return -1;
		}
	memset(ours, 0, ours_size);
	memcpy(ours, theirs, their_size < ours_size ? their_size : ours_size);
	return 0;
}

SMAP_EXPORT const char *smap_lib_version(void)
{
	return SMAP_LIB_VERSION;
}

SMAP_EXPORT int smap_batch_set(struct smap_batch_builder *b, const void *key,
			       size_t klen, const void *val, size_t vlen,
			       unsigned int mode)
{
	return smap_batch_set_flags(b, key, klen, val, vlen, mode, 0);
}

SMAP_EXPORT int smap_batch_del(struct smap_batch_builder *b, const void *key,
			       size_t klen)
{
	return batch_add(b, SMAP_OP_DEL, key, klen, NULL, 0, 0, 0, 0);
}

SMAP_EXPORT int smap_batch_incr(struct smap_batch_builder *b, const void *key,
				size_t klen, int64_t delta)
{
	return batch_add(b, SMAP_OP_INCR, key, klen, NULL, 0, 0, 0, delta);
}

SMAP_EXPORT int smap_batch_incr_mode(struct smap_batch_builder *b,
				     const void *key, size_t klen,
				     int64_t delta, unsigned int mode)
{
	return batch_add(b, SMAP_OP_INCR, key, klen, NULL, 0, mode, 0, delta);
}

SMAP_EXPORT size_t smap_batch_count(const struct smap_batch_builder *b)
{
	return b ? b->count : 0;
}

SMAP_EXPORT const void *smap_batch_data(const struct smap_batch_builder *b,
					size_t *len)
{
	if (len)
		*len = b->len;
	return b->buf;
}

SMAP_EXPORT int smap_batch_result(const struct smap_batch_builder *b, size_t i,
				  int *error, int *status, int64_t *arg)
{
	struct smap_batch_op hdr;

	if (!b || i >= b->count) {
		errno = EINVAL;
		return -1;
	}
	memcpy(&hdr, b->buf + b->offs[i], sizeof(hdr));
	if (error)
		*error = -hdr.error;
	if (status)
		*status = (int)hdr.status;
	if (arg)
		*arg = hdr.arg;
	return 0;
}
