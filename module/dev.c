// SPDX-License-Identifier: GPL-2.0
/*
 * shared_map: the misc device /dev/shared_map and its ioctls.
 *
 * Every argument struct is read with copy_struct_from_user() (extensible
 * structs), every user buffer is copied in before the store is touched and
 * copied out after it let go of every lock.
 *
 * A request is judged by the credentials of whoever opened the file
 * (file->f_cred), as a write(2) to a file is: a descriptor passed to or
 * inherited by a privileged process grants no more than its opener had,
 * and CAP_SYS_ADMIN counts only if the opener had it too.
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/err.h>
#include <linux/file.h>
#include <linux/fs.h>
#include <linux/kernel.h>
#include <linux/miscdevice.h>
#include <linux/mm.h>
#include <linux/module.h>
#include <linux/sched.h>
#include <linux/slab.h>
#include <linux/string.h>
#include <linux/uaccess.h>
#include <linux/uidgid.h>
#include <linux/user_namespace.h>
#include <linux/cred.h>

#include "store.h"
#include "main.h"
#include "persist.h"
#include "dev.h"
#include "watch.h"

/* Largest batch buffer; larger is E2BIG. */
#define SMAP_BATCH_MAX		(16U << 20)
/*
 * A batch is read from user space this many bytes at a time (or one entry,
 * if it is larger): a call holds at most max(1 MiB, one entry) of it,
 * charged to the caller's memory cgroup. A group of entries (one fsync)
 * ends where the window moves: 1 MiB holds a whole group of 16 KiB values
 * (64 KiB held one or two 32 KiB values, and so paid an fsync each).
 */
#define SMAP_BATCH_WINDOW	(1U << 20)
/* get's fast path: keys up to this size through the stack... */
#define SMAP_STACK_KEY		64
/* ... values up to this size straight from the entry under RCU */
#define SMAP_GET_DIRECT		256
/* set/cas/del: a key and value of at most this many bytes together go
 * through the stack, not two allocations
 */
#define SMAP_STACK_KV		256
/* Largest kernel bounce buffer for one LIST call (the user's may be larger). */
#define SMAP_LIST_BUF_MAX	(256U << 10)

/* Read an in/out struct: shorter than ours is EINVAL (no older layouts). */
static int smap_copy_in(void *k, size_t ksize, void __user *u,
			unsigned int usize)
{
	if (usize < ksize)
		return -EINVAL;
	return copy_struct_from_user(k, ksize, u, usize);
}

/* Write back min(user size, ours); a longer user struct's tail is zeroed. */
static int smap_copy_out(void __user *u, unsigned int usize, const void *k,
			 size_t ksize)
{
	if (copy_to_user(u, k, min_t(size_t, usize, ksize)))
		return -EFAULT;
	if (usize > ksize && clear_user(u + ksize, usize - ksize))
		return -EFAULT;
	return 0;
}

/*
 * Copy @len user bytes into a new kernel buffer, charged to the caller's
 * memory cgroup; NULL (not an error) if 0.
 */
static void *smap_dup(u64 uptr, u32 len)
{
	void *p;

	if (!len)
		return NULL;
	p = kvmalloc(len, SMAP_GFP_USER);
	if (!p)
		return ERR_PTR(-ENOMEM);
	if (copy_from_user(p, u64_to_user_ptr(uptr), len)) {
		kvfree(p);
		return ERR_PTR(-EFAULT);
	}
	return p;
}

/* SMAP_F_OWNER's ids, as the caller's user namespace names them. */
static void smap_owner_in(struct smap_mutation *m, u32 uid, u32 gid)
{
	if (!(m->flags & SMAP_F_OWNER))
		return;
	m->uid = make_kuid(current_user_ns(), uid);
	m->gid = make_kgid(current_user_ns(), gid);
}

/* Ids as the caller's user namespace sees them (the initial one: as is). */
static u32 smap_uid(kuid_t uid)
{
	struct user_namespace *ns = current_user_ns();

	return ns == &init_user_ns ? __kuid_val(uid) :
				     from_kuid_munged(ns, uid);
}

static u32 smap_gid(kgid_t gid)
{
	struct user_namespace *ns = current_user_ns();

	return ns == &init_user_ns ? __kgid_val(gid) :
				     from_kgid_munged(ns, gid);
}

static int smap_ioc_version(void __user *u, unsigned int usize)
{
	struct smap_version v = {
		.abi = SMAP_ABI_VERSION,
		.key_max = READ_ONCE(smap_key_max),
		.value_max = READ_ONCE(smap_value_max),
		.max_bytes = READ_ONCE(smap_max_bytes),
		.user_max_bytes = READ_ONCE(smap_user_max_bytes),
	};

	return smap_copy_out(u, usize, &v, sizeof(v));
}

static int smap_ioc_stats(struct smap_store *s, const struct smap_ctx *ctx,
			  void __user *u, unsigned int usize)
{
	struct smap_stats st;

	smap_store_stats(s, &st, ctx);
	return smap_copy_out(u, usize, &st, sizeof(st));
}

/* SET and DEL share struct smap_kv. */
static int smap_ioc_mutate_kv(struct smap_store *s, const struct smap_ctx *ctx,
			      void __user *u, unsigned int usize,
			      enum smap_op op)
{
	struct smap_mutation m = { .op = op, .ctx = ctx };
	u8 small[SMAP_STACK_KV] __aligned(8) __uninitialized;
	void *key = NULL, *val = NULL;
	struct smap_kv kv;
	u32 vlen = 0;
	int err, err2;

	err = smap_copy_in(&kv, sizeof(kv), u, usize);
	if (err)
		return err;
	if (kv.__reserved)
		return -EINVAL;
	err = smap_check_key(kv.key_len);
	if (err)
		goto out_stat;
	if (op == SMAP_OP_SET) {
		err = smap_check_value(kv.value_len);
		if (err)
			goto out_stat;
		vlen = kv.value_len;
	}
	if (kv.key_len + vlen <= sizeof(small)) {
		/* both bounded above: no overflow */
		key = small;
		val = vlen ? small + kv.key_len : NULL;
		if (copy_from_user(key, u64_to_user_ptr(kv.key), kv.key_len) ||
		    (vlen && copy_from_user(val, u64_to_user_ptr(kv.value),
					    vlen))) {
			err = -EFAULT;
			goto out_stat;
		}
	} else {
		key = smap_dup(kv.key, kv.key_len);
		if (IS_ERR(key)) {
			err = PTR_ERR(key);
			key = NULL;
			goto out_stat;
		}
		val = smap_dup(kv.value, vlen);
		if (IS_ERR(val)) {
			err = PTR_ERR(val);
			val = NULL;
			goto out_stat;
		}
	}
	m.val = val;
	m.vlen = vlen;
	m.key = key;
	m.klen = kv.key_len;
	m.flags = kv.flags;
	m.mode = kv.mode;
	if (op == SMAP_OP_SET)
		smap_owner_in(&m, kv.uid, kv.gid);
	err = smap_store_apply(s, &m);	/* counts the op itself */
	kv.status = m.status;
	err2 = smap_copy_out(u, usize, &kv, sizeof(kv));
	err = err ?: err2;
	goto out;

out_stat:
	smap_stat_op(s, op, err);
out:
	if (key != small) {
		kvfree(val);
		kvfree(key);
	}
	return err;
}

/*
 * Inside an open user-read window: read @len user bytes into @dst (8-byte
 * aligned) word by word, for get's request, where copy_from_user()'s
 * per-call checks cost more than the copy. False on a fault.
 */
static __always_inline bool smap_get_words(void *dst, const void __user *src,
					   size_t len)
{
	u8 *d = dst;
	u64 w;

	for (; len >= sizeof(w); len -= sizeof(w), d += sizeof(w),
	     src += sizeof(w)) {
		unsafe_get_user(w, (const u64 __user *)src, efault);
		*(u64 *)d = w;	/* @dst is 8-byte aligned */
	}
	for (; len; len--, d++, src++)
		unsafe_get_user(*d, (const u8 __user *)src, efault);
	return true;
efault:
	return false;
}

/*
 * Inside rcu_read_lock() with page faults disabled: write @e's value and
 * the reply fields (or, for no @e, the status) in one user-access window.
 * 0, -ENOENT, or -EAGAIN on a fault.
 */
static __always_inline int smap_get_put(struct smap_kv __user *u,
					const struct smap_kv *kv,
					const struct smap_entry *e,
					const struct smap_entry_meta *m,
					u32 uid, u32 gid)
{
	void __user *dst = u64_to_user_ptr(kv->value);

	if (!e) {
		if (!user_write_access_begin(&u->status, sizeof(u->status)))
			return -EAGAIN;
		unsafe_put_user(SMAP_ST_NOT_FOUND, &u->status, fault);
		user_write_access_end();
		return -ENOENT;
	}
	if (!user_write_access_begin(u, sizeof(*u)))
		return -EAGAIN;
	if (!access_ok(dst, m->vlen))
		goto fault;
	unsafe_copy_to_user(dst, smap_entry_val(e), m->vlen, fault);
	unsafe_put_user(m->vlen, &u->value_len, fault);
	unsafe_put_user(m->mode, &u->mode, fault);
	unsafe_put_user(uid, &u->uid, fault);
	unsafe_put_user(gid, &u->gid, fault);
	unsafe_put_user(SMAP_ST_NONE, &u->status, fault);
	user_write_access_end();
	return 0;
fault:
	user_write_access_end();
	return -EAGAIN;
}

/*
 * The common get, allocating nothing and taking no reference: a struct of
 * the current size and a key of at most SMAP_STACK_KEY bytes, read in one
 * user-access window; a value of at most SMAP_GET_DIRECT bytes, copied
 * straight from the entry under RCU with page faults disabled, with the
 * reply fields in a second window. -EAGAIN hands anything else to the slow
 * path, which reads the request again and owns every error: a bad or long
 * key, a long value, a short buffer, a fault (a page not yet touched
 * included), a read only a capability would grant.
 */
static int smap_get_fast(struct smap_store *s, const struct smap_ctx *ctx,
			 struct smap_kv __user *u)
{
	u8 key[SMAP_STACK_KEY] __aligned(8) __uninitialized;
	struct smap_kv kv __uninitialized;
	struct smap_entry_meta m __uninitialized;
	const struct smap_entry *e;
	const void __user *ukey;
	u32 uid = 0, gid = 0;
	int ret = -EAGAIN;

	if (!user_read_access_begin(u, sizeof(kv)))
		return -EAGAIN;
	if (!smap_get_words(&kv, u, sizeof(kv)))
		goto end_read;
	if (kv.__reserved || !kv.key_len || kv.key_len > sizeof(key))
		goto end_read;
	ukey = u64_to_user_ptr(kv.key);
	if (!access_ok(ukey, kv.key_len))
		goto end_read;
	barrier_nospec();	/* as user_read_access_begin() does */
	if (!smap_get_words(key, ukey, kv.key_len))
		goto end_read;
	user_read_access_end();
	if (smap_check_key(kv.key_len))
		return -EAGAIN;

	rcu_read_lock();
	e = smap_store_peek(s, key, kv.key_len, ctx, &m);
	if (IS_ERR(e) || (e && (m.vlen > kv.value_len ||
				m.vlen > SMAP_GET_DIRECT)))
		goto unlock;
	if (e) {
		/* no calls inside a user-access window */
		uid = smap_uid(m.uid);
		gid = smap_gid(m.gid);
	}
	pagefault_disable();
	ret = smap_get_put(u, &kv, e, &m, uid, gid);
	pagefault_enable();
unlock:
	rcu_read_unlock();
	return ret;
end_read:
	user_read_access_end();
	return -EAGAIN;
}

/* Any get: the key copied in, the entry held by reference while copied out. */
static int smap_get_slow(struct smap_store *s, const struct smap_ctx *ctx,
			 void __user *u, unsigned int usize)
{
	struct smap_entry *e;
	struct smap_kv kv;
	void *key;
	int err, err2;

	err = smap_copy_in(&kv, sizeof(kv), u, usize);
	if (err)
		return err;
	if (kv.__reserved)
		return -EINVAL;
	err = smap_check_key(kv.key_len);
	if (err)
		return err;
	key = smap_dup(kv.key, kv.key_len);
	if (IS_ERR(key))
		return PTR_ERR(key);
	e = smap_store_get(s, key, kv.key_len, ctx);
	kvfree(key);
	if (IS_ERR(e)) {
		err = PTR_ERR(e);
		if (err == -ENOENT) {
			kv.status = SMAP_ST_NOT_FOUND;
			err2 = smap_copy_out(u, usize, &kv, sizeof(kv));
			err = err2 ?: err;
		}
		return err;
	}
	/* The reference keeps the entry, immutable, alive: no lock held. */
	kv.mode = e->mode;
	kv.uid = smap_uid(e->uid);
	kv.gid = smap_gid(e->gid);
	kv.status = SMAP_ST_NONE;
	if (kv.value_len < e->vlen)
		err = -ERANGE;
	else if (e->vlen && copy_to_user(u64_to_user_ptr(kv.value),
					 smap_entry_val(e), e->vlen))
		err = -EFAULT;
	kv.value_len = e->vlen;
	smap_entry_put(e);
	if (err != -EFAULT) {
		err2 = smap_copy_out(u, usize, &kv, sizeof(kv));
		err = err ?: err2;
	}
	return err;
}

static int smap_ioc_get(struct smap_store *s, const struct smap_ctx *ctx,
			void __user *u, unsigned int usize)
{
	int err = -EAGAIN;

	if (usize == sizeof(struct smap_kv))
		err = smap_get_fast(s, ctx, u);
	if (err == -EAGAIN)
		err = smap_get_slow(s, ctx, u, usize);
	smap_stat_op(s, SMAP_OP_GET, err);
	return err;
}

static int smap_ioc_incr(struct smap_store *s, const struct smap_ctx *ctx,
			 void __user *u, unsigned int usize)
{
	struct smap_mutation m = { .op = SMAP_OP_INCR, .ctx = ctx };
	struct smap_incr in;
	void *key;
	int err, err2;

	err = smap_copy_in(&in, sizeof(in), u, usize);
	if (err)
		return err;
	err = smap_check_key(in.key_len);
	if (err)
		goto out_stat;
	key = smap_dup(in.key, in.key_len);
	if (IS_ERR(key)) {
		err = PTR_ERR(key);
		goto out_stat;
	}
	m.key = key;
	m.klen = in.key_len;
	m.delta = in.delta;
	m.flags = in.flags;
	m.mode = in.mode;
	err = smap_store_apply(s, &m);
	kvfree(key);
	in.status = m.status;
	if (!err)
		in.result = m.result;
	err2 = smap_copy_out(u, usize, &in, sizeof(in));
	return err ?: err2;

out_stat:
	smap_stat_op(s, SMAP_OP_INCR, err);
	return err;
}

static int smap_ioc_cas(struct smap_store *s, const struct smap_ctx *ctx,
			void __user *u, unsigned int usize)
{
	struct smap_mutation m = { .op = SMAP_OP_CAS, .ctx = ctx };
	void *key = NULL, *oldv = NULL, *newv = NULL;
	struct smap_cas c;
	int err, err2;

	err = smap_copy_in(&c, sizeof(c), u, usize);
	if (err)
		return err;
	err = smap_check_key(c.key_len);
	if (!err)
		err = smap_check_value(c.old_len);
	if (!err)
		err = smap_check_value(c.new_len);
	if (err)
		goto out_stat;
	key = smap_dup(c.key, c.key_len);
	if (IS_ERR(key)) {
		err = PTR_ERR(key);
		key = NULL;
		goto out_stat;
	}
	oldv = smap_dup(c.old_value, c.old_len);
	if (IS_ERR(oldv)) {
		err = PTR_ERR(oldv);
		oldv = NULL;
		goto out_stat;
	}
	newv = smap_dup(c.new_value, c.new_len);
	if (IS_ERR(newv)) {
		err = PTR_ERR(newv);
		newv = NULL;
		goto out_stat;
	}
	m.key = key;
	m.klen = c.key_len;
	m.old = oldv;
	m.olen = c.old_len;
	m.val = newv;
	m.vlen = c.new_len;
	m.flags = c.flags;
	m.mode = c.mode;
	err = smap_store_apply(s, &m);
	c.status = m.status;
	err2 = smap_copy_out(u, usize, &c, sizeof(c));
	err = err ?: err2;
	goto out;

out_stat:
	smap_stat_op(s, SMAP_OP_CAS, err);
out:
	kvfree(newv);
	kvfree(oldv);
	kvfree(key);
	return err;
}

struct smap_list_fill {
	u8 *buf;
	u32 cap;
	u32 used;
	u32 count;
};

static int smap_list_one(void *arg, const struct smap_entry *e)
{
	struct smap_list_fill *f = arg;
	u32 klen = e->klen;
	u32 rec = sizeof(u32) + ALIGN(klen, 4);

	if (rec > f->cap - f->used)
		return 1;
	memcpy(f->buf + f->used, &klen, sizeof(u32));
	memcpy(f->buf + f->used + sizeof(u32), smap_entry_key(e), e->klen);
	memset(f->buf + f->used + sizeof(u32) + e->klen, 0,
	       rec - sizeof(u32) - e->klen);
	f->used += rec;
	f->count++;
	return 0;
}

static int smap_ioc_list(struct smap_store *s, const struct smap_ctx *ctx,
			 void __user *u, unsigned int usize)
{
	struct smap_list_fill f = { };
	enum smap_iter_end end;
	struct smap_list l;
	void *prefix = NULL;
	u64 cursor, skipped = 0;
	int err;

	err = smap_copy_in(&l, sizeof(l), u, usize);
	if (err)
		return err;
	if (l.skipped)
		return -EINVAL;
	if (l.prefix_len > READ_ONCE(smap_key_max)) {
		err = -ENAMETOOLONG;
		goto out;
	}
	prefix = smap_dup(l.prefix, l.prefix_len);
	if (IS_ERR(prefix)) {
		err = PTR_ERR(prefix);
		prefix = NULL;
		goto out;
	}
	f.cap = min(l.buf_len, SMAP_LIST_BUF_MAX);
	if (f.cap) {
		f.buf = kvmalloc(f.cap, SMAP_GFP_USER);
		if (!f.buf) {
			err = -ENOMEM;
			goto out;
		}
	}
	cursor = l.cursor;
	do {
		end = smap_store_iter(s, prefix, l.prefix_len, &cursor, ctx,
				      smap_list_one, &f, &skipped);
		cond_resched();
	} while (end == SMAP_ITER_BUDGET);
	if (end == SMAP_ITER_STOPPED && !f.count) {
		/* Not even one record fits. */
		err = -ERANGE;
		goto out;
	}
	if (f.used && copy_to_user(u64_to_user_ptr(l.buf), f.buf, f.used)) {
		err = -EFAULT;
		goto out;
	}
	l.cursor = cursor;
	l.used = f.used;
	l.count = f.count;
	l.flags = end == SMAP_ITER_END ? SMAP_LIST_END : 0;
	l.skipped = min_t(u64, skipped, U32_MAX);
	err = smap_copy_out(u, usize, &l, sizeof(l));
out:
	kvfree(f.buf);
	kvfree(prefix);
	smap_stat_op(s, SMAP_OP_LIST, err);
	return err;
}

/*
 * The part of the user's batch buffer the kernel holds: bytes [start,
 * start + have) of it, in buf.
 */
struct smap_batch_win {
	u8 __user *uops;
	size_t len;		/* of the user's buffer */
	u8 *buf;
	size_t cap;
	size_t start, have;
};

/* The user's bytes [off, off + n) (n <= len - off) in the kernel. */
static void *smap_batch_at(struct smap_batch_win *w, size_t off, size_t n)
{
	size_t want;

	if (off >= w->start && off + n <= w->start + w->have)
		return w->buf + (off - w->start);
	want = min_t(size_t, max_t(size_t, n, SMAP_BATCH_WINDOW), w->len - off);
	if (want > w->cap) {
		kvfree(w->buf);
		w->have = 0;
		w->buf = kvmalloc(want, SMAP_GFP_USER);
		w->cap = w->buf ? want : 0;
		if (!w->buf)
			return ERR_PTR(-ENOMEM);
	}
	if (copy_from_user(w->buf, w->uops + off, want))
		return ERR_PTR(-EFAULT);
	w->start = off;
	w->have = want;
	return w->buf;
}

/* Are the user's bytes [off, off + n) in the window already? */
static bool smap_batch_has(const struct smap_batch_win *w, size_t off,
			   size_t n)
{
	return off >= w->start && off + n <= w->start + w->have;
}

/*
 * One batch entry as a mutation: @op a copy of its header, @key its bytes
 * (key, then the value of a set), or NULL when they are over the hard
 * limits, which the store refuses before it reads them. 0, or -EINVAL for
 * an op a batch cannot carry.
 */
static int smap_batch_mutation(const struct smap_ctx *ctx,
			       const struct smap_batch_op *op, const u8 *key,
			       struct smap_mutation *m)
{
	*m = (struct smap_mutation) {
		.op = op->op,
		.key = key,
		.klen = op->key_len,
		.flags = op->flags,
		.mode = op->mode,
		.ctx = ctx,
	};
	switch (op->op) {
	case SMAP_OP_SET:
		m->val = key ? key + op->key_len : NULL;
		m->vlen = op->value_len;
		smap_owner_in(m, lower_32_bits(op->arg), upper_32_bits(op->arg));
		return 0;
	case SMAP_OP_DEL:
		return 0;
	case SMAP_OP_INCR:
		m->delta = op->arg;
		return 0;
	default:
		return -EINVAL;
	}
}

/*
 * Entries applied with one durability wait (smap_store_apply_many(), whose
 * groups hold as many); their bytes stay in the window until the group has
 * run.
 */
#define SMAP_BATCH_GROUP	256

struct smap_batch_group {
	struct smap_store *store;
	struct smap_mutation m[SMAP_BATCH_GROUP];
	struct smap_batch_op op[SMAP_BATCH_GROUP];
	size_t off[SMAP_BATCH_GROUP];
	int err[SMAP_BATCH_GROUP];
	unsigned int n;
};

/* Copy one entry's arg, error and status (its header's last 16 bytes) out. */
static int smap_batch_put(struct smap_batch *b, u8 __user *uops, size_t off,
			  struct smap_batch_op *op)
{
	if (op->error)
		b->failed++;
	if (copy_to_user(uops + off + offsetof(struct smap_batch_op, arg),
			 &op->arg, sizeof(*op) -
			 offsetof(struct smap_batch_op, arg)))
		return -EFAULT;
	b->done++;
	return 0;
}

/* Apply the group's entries and copy their results out; 0 or -EFAULT. */
static int smap_batch_run(struct smap_batch_group *g, struct smap_batch *b,
			  u8 __user *uops)
{
	unsigned int i;
	int err = 0;

	if (!g->n)
		return 0;
	if (smap_store_apply_many(g->store, g->m, g->n, g->err))
		for (i = 0; i < g->n; i++)
			g->err[i] = -ENOMEM;
	for (i = 0; i < g->n; i++) {
		struct smap_batch_op *op = &g->op[i];

		op->error = g->err[i];
		op->status = g->m[i].status;
		if (op->op == SMAP_OP_INCR && !op->error)
			op->arg = g->m[i].result;
		if (!err)
			err = smap_batch_put(b, uops, g->off[i], op);
	}
	g->n = 0;
	return err;
}

/* The bytes of entry @op the store reads: 0 if it refuses them unread. */
static size_t smap_batch_data_len(const struct smap_batch_op *op)
{
	u32 vlen = op->op == SMAP_OP_SET ? op->value_len : 0;

	if (op->key_len > SMAP_KEY_MAX || vlen > SMAP_VALUE_MAX)
		return 0;
	return (size_t)op->key_len + vlen;
}

/*
 * smap_batch_at(), running the group first if the window must move (the
 * group's mutations point into it).
 */
static void *smap_batch_get(struct smap_batch_win *w,
			    struct smap_batch_group *g, struct smap_batch *b,
			    size_t off, size_t n)
{
	int err;

	if (!smap_batch_has(w, off, n)) {
		err = smap_batch_run(g, b, w->uops);
		if (err)
			return ERR_PTR(err);
	}
	return smap_batch_at(w, off, n);
}

static int smap_ioc_batch(struct smap_store *s, const struct smap_ctx *ctx,
			  void __user *u, unsigned int usize)
{
	struct smap_batch_win w = { };
	struct smap_batch_group *g = NULL;
	struct smap_batch b;
	size_t off = 0;
	int err;
	u32 i;

	err = smap_copy_in(&b, sizeof(b), u, usize);
	if (err)
		return err;
	b.done = 0;
	b.failed = 0;
	if (b.len > SMAP_BATCH_MAX) {
		err = -E2BIG;
		goto out;
	}
	if (b.count > b.len / sizeof(struct smap_batch_op)) {
		err = -EINVAL;
		goto out;
	}
	w.uops = u64_to_user_ptr(b.ops);
	w.len = b.len;
	if (b.count) {
		g = kvmalloc(sizeof(*g), SMAP_GFP_USER);
		if (!g) {
			err = -ENOMEM;
			goto out;
		}
		g->store = s;
		g->n = 0;
	}
	for (i = 0; i < b.count; i++) {
		struct smap_batch_op op, *hdr;
		const u8 *key = NULL;
		size_t size, dlen;

		if (b.len - off < sizeof(op)) {
			err = -EINVAL;
			break;
		}
		hdr = smap_batch_get(&w, g, &b, off, sizeof(op));
		if (IS_ERR(hdr)) {
			err = PTR_ERR(hdr);
			break;
		}
		op = *hdr;	/* the window may move for the bytes */
		size = ALIGN(sizeof(op) + (size_t)op.key_len + op.value_len,
			     SMAP_BATCH_ALIGN);
		if (size > b.len - off) {
			err = -EINVAL;
			break;
		}
		dlen = smap_batch_data_len(&op);
		if (dlen) {
			key = smap_batch_get(&w, g, &b, off + sizeof(op), dlen);
			if (IS_ERR(key)) {
				err = PTR_ERR(key);
				break;
			}
		}
		if (smap_batch_mutation(ctx, &op, key, &g->m[g->n])) {
			/* no mutation: it fails alone, in its place */
			err = smap_batch_run(g, &b, w.uops);
			if (err)
				break;
			smap_stat_op(s, SMAP_OP__COUNT, -EINVAL);
			op.error = -EINVAL;
			op.status = SMAP_ST_NONE;
			err = smap_batch_put(&b, w.uops, off, &op);
			if (err)
				break;
		} else {
			g->op[g->n] = op;
			g->off[g->n] = off;
			if (++g->n == SMAP_BATCH_GROUP) {
				err = smap_batch_run(g, &b, w.uops);
				if (err)
					break;
			}
		}
		off += size;
		cond_resched();
	}
	if (g) {
		int err2 = smap_batch_run(g, &b, w.uops);

		err = err ?: err2;
	}
	if (!err || err == -EINVAL) {
		int err2 = smap_copy_out(u, usize, &b, sizeof(b));

		err = err ?: err2;
	}
out:
	kvfree(g);
	kvfree(w.buf);
	smap_stat_op(s, SMAP_OP_BATCH, err);
	return err;
}

/* WATCH: a new listener, returned as a file descriptor (watch.c). */
static int smap_ioc_watch(struct smap_store *s, const struct smap_ctx *ctx,
			  void __user *u, unsigned int usize)
{
	struct smap_watch_req req;
	struct smap_watch *w;
	void *prefix;
	int err;

	err = smap_copy_in(&req, sizeof(req), u, usize);
	if (err)
		return err;
	if (req.__reserved)
		return -EINVAL;
	if (req.prefix_len > READ_ONCE(smap_key_max))
		return -ENAMETOOLONG;
	prefix = smap_dup(req.prefix, req.prefix_len);
	if (IS_ERR(prefix))
		return PTR_ERR(prefix);
	w = smap_watch_create(smap_store_watch(s), ctx, prefix, req.prefix_len,
			      req.flags, req.queue_len);
	kvfree(prefix);
	if (IS_ERR(w))
		return PTR_ERR(w);
	return smap_watch_install_fd(w, req.flags);
}

#define SMAP_IOC(c, call)					\
	case _IOC_NR(c):					\
		if (_IOC_DIR(cmd) != _IOC_DIR(c))		\
			return -ENOTTY;				\
		return call

/* CAP_SYS_ADMIN of current and of the file's opener. */
static bool smap_file_capable(const struct file *file)
{
	return file_ns_capable(file, &init_user_ns, CAP_SYS_ADMIN) &&
	       capable(CAP_SYS_ADMIN);
}

/*
 * BACKUP: to a file the caller opened (smap backup creates it in a
 * directory of its own), so the module resolves no path on its behalf.
 * Root's only: a backup holds every user's values.
 */
static int smap_ioc_backup(struct smap_store *s, struct file *file,
			   void __user *u, unsigned int usize)
{
	struct smap_journal_backup_info info = {};
	struct smap_backup b;
	struct file *f;
	int err;

	if (!smap_file_capable(file))
		return -EPERM;
	err = smap_copy_in(&b, sizeof(b), u, usize);
	if (err)
		return err;
	if (b.flags)
		return -EINVAL;
	f = fget(b.fd);
	if (!f)
		return -EBADF;
	err = smap_store_backup(s, f, &info);
	fput(f);
	if (err)
		return err;
	b.seq = info.seq;
	b.keys = info.keys;
	b.bytes = info.bytes;
	b.hold_ns = info.hold_ns;
	return smap_copy_out(u, usize, &b, sizeof(b));
}

static long smap_dev_ioctl(struct file *file, unsigned int cmd,
			   unsigned long arg)
{
	const struct smap_ctx ctx = smap_ctx_file(file);
	struct smap_store *s = file->private_data;	/* smap_dev_open() */
	void __user *u = (void __user *)arg;
	unsigned int usize = _IOC_SIZE(cmd);

	if (_IOC_TYPE(cmd) != SMAP_IOC_MAGIC)
		return -ENOTTY;
	switch (_IOC_NR(cmd)) {
	SMAP_IOC(SMAP_IOC_VERSION, smap_ioc_version(u, usize));
	SMAP_IOC(SMAP_IOC_SET, smap_ioc_mutate_kv(s, &ctx, u, usize, SMAP_OP_SET));
	SMAP_IOC(SMAP_IOC_GET, smap_ioc_get(s, &ctx, u, usize));
	SMAP_IOC(SMAP_IOC_DEL, smap_ioc_mutate_kv(s, &ctx, u, usize, SMAP_OP_DEL));
	SMAP_IOC(SMAP_IOC_INCR, smap_ioc_incr(s, &ctx, u, usize));
	SMAP_IOC(SMAP_IOC_CAS, smap_ioc_cas(s, &ctx, u, usize));
	SMAP_IOC(SMAP_IOC_LIST, smap_ioc_list(s, &ctx, u, usize));
	SMAP_IOC(SMAP_IOC_BATCH, smap_ioc_batch(s, &ctx, u, usize));
	SMAP_IOC(SMAP_IOC_STATS, smap_ioc_stats(s, &ctx, u, usize));
	SMAP_IOC(SMAP_IOC_WATCH, smap_ioc_watch(s, &ctx, u, usize));
	SMAP_IOC(SMAP_IOC_RECOVER, smap_file_capable(file) ?
				   smap_with_journal(smap_journal_recover,
						     NULL) : -EPERM);
	SMAP_IOC(SMAP_IOC_BACKUP, smap_ioc_backup(s, file, u, usize));
	default:
		return -ENOTTY;
	}
}

/* The device of the store it serves: smap_dev_create(). */
struct smap_dev {
	struct miscdevice misc;
	struct smap_store *store;
};

/* misc_open() set private_data to the miscdevice: make it the store. */
static int smap_dev_open(struct inode *inode, struct file *file)
{
	struct smap_dev *d = container_of(file->private_data, struct smap_dev,
					  misc);

	file->private_data = d->store;
	return 0;
}

static const struct file_operations smap_dev_fops = {
	.owner = THIS_MODULE,	/* rmmod is refused while a file is open */
	.open = smap_dev_open,
	.unlocked_ioctl = smap_dev_ioctl,
	.compat_ioctl = compat_ptr_ioctl,
	.llseek = noop_llseek,
};

/*
 * A fixed minor from the misc range the kernel leaves unassigned, so that
 * kmod static-nodes creates /dev/shared_map at boot and opening it loads the
 * module (the two aliases).
 */
#define SMAP_MISC_MINOR 249
MODULE_ALIAS_MISCDEV(SMAP_MISC_MINOR);
MODULE_ALIAS("devname:shared_map");

struct smap_dev *smap_dev_create(struct smap_store *s)
{
	struct smap_dev *d;
	int err;

	d = kzalloc(sizeof(*d), GFP_KERNEL);
	if (!d)
		return ERR_PTR(-ENOMEM);
	d->store = s;
	d->misc.minor = SMAP_MISC_MINOR;
	d->misc.name = "shared_map";
	d->misc.fops = &smap_dev_fops;
	d->misc.mode = 0666;
	err = misc_register(&d->misc);
	if (err) {
		kfree(d);
		return ERR_PTR(err);
	}
	return d;
}

void smap_dev_destroy(struct smap_dev *d)
{
	misc_deregister(&d->misc);
	kfree(d);
}
