/* SPDX-License-Identifier: GPL-2.0 */
/*
 * shared_map: the store (module/store.c).
 *
 * Keys live in an rhashtable; readers are lock-free under RCU. An entry is
 * immutable once published: every change allocates a new entry outside any
 * lock and swaps it in under the key's stripe mutex. Every mutation from
 * every interface goes through smap_store_apply().
 */
#ifndef SMAP_STORE_H
#define SMAP_STORE_H

#include <linux/types.h>
#include <linux/rhashtable-types.h>
#include <linux/refcount.h>
#include <linux/rcupdate.h>
#include <linux/uidgid.h>
#include <uapi/linux/shared_map.h>

/* Limits (module parameters, main.c). */
extern unsigned int smap_key_max;
extern unsigned int smap_value_max;
extern unsigned long long smap_max_bytes;

/*
 * 48 bytes of header: memory per key is the benchmark's target, so keep it
 * packed (keys are at most SMAP_KEY_MAX = 1024 bytes, ids 32 bit).
 */
struct smap_entry {
	struct rhash_head node;
	struct rcu_head rcu;
	refcount_t ref;		/* 1 while published + 1 per reader */
	u32 id;			/* stable across overwrite: the list cursor */
	kuid_t uid;
	kgid_t gid;
	umode_t mode;
	u16 klen;
	u32 vlen;
	u8 data[];		/* klen key bytes, then vlen value bytes */
};

static inline const u8 *smap_entry_key(const struct smap_entry *e)
{
	return e->data;
}

static inline const u8 *smap_entry_val(const struct smap_entry *e)
{
	return e->data + e->klen;
}

/* Who asks: a user (permission checks, current's credentials) or the kernel. */
struct smap_ctx {
	bool kernel;
};
extern const struct smap_ctx smap_ctx_user;
extern const struct smap_ctx smap_ctx_kernel;

/* One mutation: filled by the interface, executed by smap_store_apply(). */
struct smap_mutation {
	enum smap_op op;	/* SET, DEL, INCR or CAS */
	const void *key;
	u32 klen;
	const void *val;	/* SET: value; CAS: new value */
	u32 vlen;
	const void *old;	/* CAS: expected current value */
	u32 olen;
	s64 delta;		/* INCR in */
	s64 result;		/* INCR out */
	u32 flags;		/* SMAP_F_MODE */
	umode_t mode;
	u32 status;		/* out: enum smap_status */
	const struct smap_ctx *ctx;
};

int smap_store_init(void);
void smap_store_exit(void);

/* The single mutation funnel. 0 or -errno; m->status always set. */
int smap_store_apply(struct smap_mutation *m);

/* Validate lengths against the limits before anything is allocated. */
int smap_check_key(u32 klen);		/* 0, -EINVAL or -ENAMETOOLONG */
int smap_check_value(u32 vlen);		/* 0 or -EMSGSIZE */

/*
 * Look up @key and take a reference (NULL, ERR_PTR(-ENOENT/-EACCES/...)).
 * The entry stays valid and unchanged until smap_entry_put().
 */
struct smap_entry *smap_store_get(const void *key, u32 klen,
				  const struct smap_ctx *ctx);
void smap_entry_put(struct smap_entry *e);

/* What a get reports beside the value. */
struct smap_meta {
	kuid_t uid;
	kgid_t gid;
	umode_t mode;
};

/*
 * The fast path for small values: copy @key's value into @buf under RCU,
 * taking no reference. Its length (<= @cap) or -ENOENT, -EINVAL,
 * -ENAMETOOLONG, or -EAGAIN when the value is longer than @cap or only a
 * capability would grant the read: then use smap_store_get().
 */
int smap_store_read(const void *key, u32 klen, const struct smap_ctx *ctx,
		    void *buf, u32 cap, struct smap_meta *meta);

static inline void smap_entry_meta(const struct smap_entry *e,
				   struct smap_meta *meta)
{
	meta->uid = e->uid;
	meta->gid = e->gid;
	meta->mode = e->mode;
}

/*
 * Walk the keys starting with @prefix in id order from *@cursor, under RCU:
 * @fn must not sleep and returns nonzero to stop, leaving *@cursor at that
 * entry so the next walk retries it. A key present for the whole walk is
 * seen exactly once across successive calls.
 */
enum smap_iter_end {
	SMAP_ITER_END,		/* nothing left */
	SMAP_ITER_STOPPED,	/* @fn asked to stop */
	SMAP_ITER_BUDGET,	/* scanned enough under RCU: call again */
};
typedef int (*smap_iter_fn)(void *arg, const struct smap_entry *e);
enum smap_iter_end smap_store_iter(const void *prefix, u32 plen, u64 *cursor,
				   smap_iter_fn fn, void *arg);

/* Statistics. */
void smap_stat_op(enum smap_op op, int err);
void smap_store_stats(struct smap_stats *st);

#endif /* SMAP_STORE_H */
