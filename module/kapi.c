// SPDX-License-Identifier: GPL-2.0
/*
 * shared_map: the in-kernel API (see smap_api.h). Kernel callers bypass
 * the permission checks and create keys owned by uid 0. The exported ABI
 * names no store: every call acts on the module's one instance, which
 * smap_instance_store() (main.c) gives; a caller can only call in between
 * the module's init and exit, while it exists.
 */
#include <linux/err.h>
#include <linux/export.h>
#include <linux/kernel.h>
#include <linux/string.h>

#include "main.h"
#include "store.h"
#include "smap_api.h"
#include "watch.h"

static int smap_set_flags(const void *key, u32 klen, const void *val,
			  u32 vlen, umode_t mode, u32 flags)
{
	struct smap_mutation m = {
		.op = SMAP_OP_SET,
		.key = key,
		.klen = klen,
		.val = val,
		.vlen = vlen,
		.flags = SMAP_F_MODE | flags,
		.mode = mode,
		.ctx = &smap_ctx_kernel,
	};

	might_sleep();
	return smap_store_apply(smap_instance_store(), &m);
}

int smap_set(const void *key, u32 klen, const void *val, u32 vlen,
	     umode_t mode)
{
	return smap_set_flags(key, klen, val, vlen, mode, 0);
}
EXPORT_SYMBOL_GPL(smap_set);

int smap_create(const void *key, u32 klen, const void *val, u32 vlen,
		umode_t mode)
{
	return smap_set_flags(key, klen, val, vlen, mode, SMAP_F_EXCL);
}
EXPORT_SYMBOL_GPL(smap_create);

int smap_get(const void *key, u32 klen, void *buf, u32 *vlen)
{
	struct smap_store *s = smap_instance_store();
	struct smap_entry *e;
	int err = 0;

	might_sleep();
	e = smap_store_get(s, key, klen, &smap_ctx_kernel);
	if (IS_ERR(e)) {
		err = PTR_ERR(e);
		goto out;
	}
	if (*vlen < e->vlen)
		err = -ERANGE;
	else
		memcpy(buf, smap_entry_val(e), e->vlen);
	*vlen = e->vlen;
	smap_entry_put(e);
out:
	smap_stat_op(s, SMAP_OP_GET, err);
	return err;
}
EXPORT_SYMBOL_GPL(smap_get);

int smap_del(const void *key, u32 klen)
{
	struct smap_mutation m = {
		.op = SMAP_OP_DEL,
		.key = key,
		.klen = klen,
		.ctx = &smap_ctx_kernel,
	};

	might_sleep();
	return smap_store_apply(smap_instance_store(), &m);
}
EXPORT_SYMBOL_GPL(smap_del);

int smap_incr(const void *key, u32 klen, s64 delta, s64 *result)
{
	struct smap_mutation m = {
		.op = SMAP_OP_INCR,
		.key = key,
		.klen = klen,
		.delta = delta,
		.ctx = &smap_ctx_kernel,
	};
	int err;

	might_sleep();
	err = smap_store_apply(smap_instance_store(), &m);
	if (!err && result)
		*result = m.result;
	return err;
}
EXPORT_SYMBOL_GPL(smap_incr);

int smap_cas(const void *key, u32 klen, const void *oldv, u32 olen,
	     const void *newv, u32 nlen)
{
	struct smap_mutation m = {
		.op = SMAP_OP_CAS,
		.key = key,
		.klen = klen,
		.old = oldv,
		.olen = olen,
		.val = newv,
		.vlen = nlen,
		.ctx = &smap_ctx_kernel,
	};

	might_sleep();
	return smap_store_apply(smap_instance_store(), &m);
}
EXPORT_SYMBOL_GPL(smap_cas);

struct smap_watch *smap_watch_open(const void *prefix, u32 plen, u32 flags,
				   u32 queue_len)
{
	might_sleep();
	if (flags & SMAP_WATCH_NONBLOCK)	/* a read's argument here */
		return ERR_PTR(-EINVAL);
	return smap_watch_create(smap_store_watch(smap_instance_store()),
				 &smap_ctx_kernel, prefix, plen, flags,
				 queue_len);
}
EXPORT_SYMBOL_GPL(smap_watch_open);

ssize_t smap_watch_read(struct smap_watch *w, void *buf, size_t len,
			bool nonblock)
{
	might_sleep();
	return smap_watch_read_kernel(w, buf, len, nonblock);
}
EXPORT_SYMBOL_GPL(smap_watch_read);

void smap_watch_close(struct smap_watch *w)
{
	smap_watch_destroy(w);
}
EXPORT_SYMBOL_GPL(smap_watch_close);
