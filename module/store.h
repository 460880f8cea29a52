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

#include <linux/compiler.h>
#include <linux/types.h>
#include <linux/fs.h>
#include <linux/gfp.h>
#include <linux/rhashtable-types.h>
#include <linux/refcount.h>
#include <linux/rcupdate.h>
#include <linux/uidgid.h>
#include <uapi/linux/shared_map.h>
#include "param.h"		/* the limits: smap_key_max, ... */

struct smap_journal;
struct smap_journal_ops;
struct smap_store;

/*
 * Allocations a caller's request causes: charged to its memory cgroup, and
 * failing with -ENOMEM rather than invoking the OOM killer.
 */
#define SMAP_GFP_USER	(GFP_KERNEL_ACCOUNT | __GFP_RETRY_MAYFAIL | __GFP_NOWARN)

/*
 * 32 bytes of header: memory per key is the benchmark's target, so keep it
 * packed (keys are at most SMAP_KEY_MAX = 1024 bytes, ids 32 bit).
 *
 * Readers under RCU without a reference (the fast get, the list walk) may
 * meet an entry whose last reference is gone: call_rcu()'s head then
 * overlays id, uid, gid and vlen. What such a reader may read as is: node,
 * ref, klen, mode and the key and value bytes (unchanged until the grace
 * period ends). The overlaid fields only through smap_entry_meta(), which
 * says whether they were still the entry's own.
 */
struct smap_entry {
	struct rhash_head node;
	refcount_t ref;		/* 1 while published + 1 per reader */
	u16 klen;
	umode_t mode;
	union {
		struct {
			u32 id;	/* stable across overwrite: the list cursor */
			kuid_t uid;
			kgid_t gid;
			u32 vlen;
		};
		struct rcu_head rcu;	/* once ref is 0 */
	};
	u8 data[];		/* klen key bytes, then vlen value bytes */
};

/* An entry's owner, mode and value length, as a reader with no ref saw them */
struct smap_entry_meta {
	u32 vlen;
	kuid_t uid;
	kgid_t gid;
	umode_t mode;
};

/*
 * Read @e's overlaid fields under RCU, holding no reference: true if they
 * were @e's own (its last reference not yet put), false if @e is going
 * away (deleted or replaced: look again). smap_entry_put() orders the
 * reference's drop to 0 before call_rcu() writes the head (smp_wmb()); the
 * fields are read before ref is read again (smp_rmb()), so a field the head
 * overwrote is always seen with ref 0.
 */
static inline bool smap_entry_meta(const struct smap_entry *e,
				   struct smap_entry_meta *m)
{
	m->vlen = READ_ONCE(e->vlen);
	m->uid.val = READ_ONCE(e->uid.val);
	m->gid.val = READ_ONCE(e->gid.val);
	m->mode = e->mode;
	smp_rmb();	/* fields, then ref: pairs with smap_entry_put()'s smp_wmb() */
	return refcount_read(&e->ref) != 0;
}

static inline const u8 *smap_entry_key(const struct smap_entry *e)
{
	return e->data;
}

static inline const u8 *smap_entry_val(const struct smap_entry *e)
{
	return e->data + e->klen;
}

/*
 * Who asks: the kernel (no checks, keys owned by root) or a user. A user is
 * judged by @cred (the mode bits, the owner of a key it creates): the
 * credentials of whoever opened the file or netlink socket the request came
 * through, NULL for current's. CAP_SYS_ADMIN bypasses the mode bits only if
 * current has it and, when @file is set, that file's opener had it too (as
 * netlink_capable() asks): an fd handed to a privileged process grants no
 * more than its opener had.
 */
struct smap_ctx {
	bool kernel;
	const struct cred *cred;
	const struct file *file;
};
extern const struct smap_ctx smap_ctx_user;	/* current's credentials */
extern const struct smap_ctx smap_ctx_kernel;

/* The credentials of the opener of @file: what a transport puts in ctx. */
static inline struct smap_ctx smap_ctx_file(const struct file *file)
{
	return (struct smap_ctx){ .cred = file->f_cred, .file = file };
}

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
	u32 flags;		/* SMAP_F_MODE, SMAP_F_EXCL, SMAP_F_OWNER */
	u32 mode;		/* as asked: bits past 0777 are refused, not cut */
	kuid_t uid;		/* SMAP_F_OWNER: the owner a created key gets */
	kgid_t gid;
	u32 status;		/* out: enum smap_status */
	const struct smap_ctx *ctx;
};

/*
 * The store is an instance (struct smap_store, private to store.c): main.c
 * creates the module's one; every call below names the store it acts on.
 * ERR_PTR(-errno) on failure.
 */
struct smap_store *smap_store_create(void);
void smap_store_destroy(struct smap_store *s);

/*
 * The store is the journal's owner: smap_store_ops() for
 * smap_journal_create(), with the store as the journal's owner (replay
 * into it, snapshot it, quiesce it), and smap_store_attach() the journal
 * every mutation is committed to, before it is started.
 */
const struct smap_journal_ops *smap_store_ops(void);
void smap_store_attach(struct smap_store *s, struct smap_journal *j);

/*
 * The store's listeners (module/watch.h): every mutation it acknowledges is
 * told to them, under the key's stripe mutex.
 */
struct smap_watch_hub *smap_store_watch(struct smap_store *s);

/*
 * May @ctx read/write @e by its mode bits alone (no capability asked: safe
 * under RCU and spinlocks)? smap_perm_meta() for an entry read without a
 * reference (smap_entry_meta()). smap_capable(): CAP_SYS_ADMIN of current
 * and of @ctx's file's opener (may audit: not under RCU).
 */
bool smap_perm_meta(const struct smap_entry_meta *m, umode_t want,
		    const struct smap_ctx *ctx);
bool smap_perm_mode(const struct smap_entry *e, umode_t want,
		    const struct smap_ctx *ctx);
bool smap_capable(const struct smap_ctx *ctx);

/* The single mutation funnel. 0 or -errno; m->status always set. */
int smap_store_apply(struct smap_store *s, struct smap_mutation *m);

/*
 * Apply @n mutations in order, each as smap_store_apply() would (its result
 * in @errs[i]), waiting for their records' durability together. 0, or
 * -ENOMEM if nothing was applied.
 */
int smap_store_apply_many(struct smap_store *s, struct smap_mutation *ms,
			  unsigned int n, int *errs);

/* Validate lengths against the limits before anything is allocated. */
static inline int smap_check_key(u32 klen)	/* 0, -EINVAL or -ENAMETOOLONG */
{
	if (!klen)
		return -EINVAL;
	if (klen > READ_ONCE(smap_key_max))
		return -ENAMETOOLONG;
	return 0;
}

static inline int smap_check_value(u32 vlen)	/* 0 or -EMSGSIZE */
{
	return vlen > READ_ONCE(smap_value_max) ? -EMSGSIZE : 0;
}

/*
 * Look up @key and take a reference (NULL, ERR_PTR(-ENOENT/-EACCES/...)).
 * The entry stays valid and unchanged until smap_entry_put().
 */
struct smap_entry *smap_store_get(struct smap_store *s, const void *key,
				  u32 klen, const struct smap_ctx *ctx);
void smap_entry_put(struct smap_entry *e);

/*
 * The fast path's lookup, for a caller inside rcu_read_lock(): the entry,
 * its key and value bytes valid and unchanged until rcu_read_unlock(), and
 * in *@m its owner, mode and value length (not to be read from the entry:
 * see struct smap_entry); NULL if there is none, or ERR_PTR(-EAGAIN) when
 * only a capability would grant the read (capable() may audit: not under
 * RCU) or the entry is going away: use smap_store_get(). The caller has
 * checked @klen with smap_check_key().
 */
struct smap_entry *smap_store_peek(struct smap_store *s, const void *key,
				   u32 klen, const struct smap_ctx *ctx,
				   struct smap_entry_meta *m);

/*
 * Walk the keys starting with @prefix that @ctx may read, in id order from
 * *@cursor, under RCU:
 * @fn must not sleep, may read only the entry's key (klen and its bytes:
 * the walk holds no reference, see struct smap_entry) and returns nonzero
 * to stop, leaving *@cursor at that entry so the next walk retries it. A
 * key present for the whole walk is seen exactly once across successive
 * calls; one with the prefix that @ctx may not read is counted in
 * *@skipped instead, once.
 */
enum smap_iter_end {
	SMAP_ITER_END,		/* nothing left */
	SMAP_ITER_STOPPED,	/* @fn asked to stop */
	SMAP_ITER_BUDGET,	/* scanned enough under RCU: call again */
};
typedef int (*smap_iter_fn)(void *arg, const struct smap_entry *e);
enum smap_iter_end smap_store_iter(struct smap_store *s, const void *prefix,
				   u32 plen, u64 *cursor,
				   const struct smap_ctx *ctx, smap_iter_fn fn,
				   void *arg, u64 *skipped);

/* Statistics; user_bytes is @ctx's (its fsuid's keys). */
void smap_stat_op(struct smap_store *s, enum smap_op op, int err);
void smap_store_stats(struct smap_store *s, struct smap_stats *st,
		      const struct smap_ctx *ctx);

/*
 * Write the whole store as it stands at one sequence number to @f (see
 * smap_journal_backup()); the caller checked the privilege.
 */
struct smap_journal_backup_info;
int smap_store_backup(struct smap_store *s, struct file *f,
		      struct smap_journal_backup_info *info);

#endif /* SMAP_STORE_H */
