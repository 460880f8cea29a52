// SPDX-License-Identifier: GPL-2.0
/*
 * shared_map: the store.
 *
 * Keys live in an rhashtable keyed by {bytes, length}. Readers look entries
 * up lock-free under RCU and take a reference to use one outside RCU. An
 * entry never changes once published: a mutation allocates the new entry
 * before taking any lock, then swaps it in under the key's stripe mutex
 * (one of SMAP_STRIPES, picked by key hash) and drops the table's reference
 * to the old one, which is freed after a grace period once its last reader
 * is done.
 *
 * Every key also has an id, allocated when it is created and kept across
 * overwrites, in an xarray id -> entry: listing walks ids in order, so a key
 * present for the whole listing is returned exactly once.
 *
 * Every mutation, from every interface, goes through smap_store_apply().
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/atomic.h>
#include <linux/capability.h>
#include <linux/cred.h>
#include <linux/err.h>
#include <linux/fs.h>
#include <linux/jhash.h>
#include <linux/kernel.h>
#include <linux/ktime.h>
#include <linux/log2.h>
#include <linux/mm.h>
#include <linux/moduleparam.h>
#include <linux/mutex.h>
#include <linux/overflow.h>
#include <linux/percpu.h>
#include <linux/random.h>
#include <linux/rhashtable.h>
#include <linux/sched.h>
#include <linux/slab.h>
#include <linux/user_namespace.h>
#include <linux/xarray.h>

#include "store.h"
#include "param.h"
#include "persist.h"
#include "watch.h"

#define SMAP_STRIPES		256
/*
 * Entries up to SMAP_CLASS_MAX bytes (header + key + value) come from a
 * kmem_cache per SMAP_CLASS_STEP-byte size class, so a small entry wastes
 * less than a step (kmalloc's classes jump 64 -> 96 -> 128 -> 192 -> 256).
 * Larger ones from kvmalloc. Either way kvfree() frees them: SLUB (and SLAB)
 * find an object's cache from its page, and kfree() of a kmem_cache object
 * is allowed.
 */
#define SMAP_CLASS_STEP		SMAP_COST_STEP	/* what smap_kv_cost() charges */
#define SMAP_CLASS_MAX		SMAP_COST_CLASS_MAX
#define SMAP_NCLASS		(SMAP_CLASS_MAX / SMAP_CLASS_STEP)
/* Room for an s64 in decimal: "-9223372036854775808" plus the NUL. */
#define SMAP_INCR_CAP		21
/* Entries looked at per RCU read-side section when walking. */
#define SMAP_ITER_BUDGET_N	4096
/* Ids are 32 bit: xa_alloc() hands them out from 1. */
#define SMAP_CURSOR_END		((u64)U32_MAX + 1)

const struct smap_ctx smap_ctx_user = { .kernel = false };
const struct smap_ctx smap_ctx_kernel = { .kernel = true };

struct smap_key {
	const void *p;
	u32 len;
};

/*
 * Per owner: the smap_kv_cost() of the keys a uid owns, for user_max_bytes.
 * Indexed by the kuid's value in the store's users; an entry lives until
 * the store goes.
 */
struct smap_user {
	atomic64_t bytes;
};

/* Counted per CPU: every get from every CPU counts, so no shared line. */
struct smap_pcpu_stats {
	u64 ops[SMAP_OP__COUNT];
	u64 errors;
};

/*
 * Replay's lanes (see smap_replay_apply()) and each lane's batch of new ids
 * (see smap_load_id()).
 */
#define SMAP_LOAD_BATCH	64
struct smap_load_batch {
	u32 first;		/* id of e[0]; 0: no block reserved */
	u32 n;			/* ids used from the block */
	s64 keys, bytes;	/* changes not yet added to the store's counts */
	s64 charged;		/* ... and to what its keys cost */
	struct smap_user *owner;	/* the last new entry's owner, */
	kuid_t uid;			/* its uid, */
	s64 owner_delta;		/* and its cost changes not yet added */
	struct smap_entry *e[SMAP_LOAD_BATCH];	/* NULL: deleted since */
};

/* Lanes a queue's records are split into by key, SMAP_LANE_CAP each. */
#define SMAP_LANES	8

/* A queue of records: lane i's from rec[i * SMAP_LANE_CAP]. */
struct smap_lane_q {
	struct smap_jrec *rec;	/* SMAP_LANE_QUEUE records */
	u32 n[SMAP_LANES];
	u32 total;
};

struct smap_lanes {
	struct work_struct work[2];	/* two workers take run's lanes */
	struct smap_lane_q q[2];
	struct smap_lane_q *fill;	/* being filled by the journal */
	struct smap_lane_q *run;	/* being applied, NULL if none */
	atomic_t next;			/* run's next lane to take */
	int err;			/* run's first error */
	struct smap_load_batch batch[SMAP_LANES];
};

/*
 * One store: everything it holds and counts. main.c creates the module's
 * one (smap_store_create()); nothing of it is file-scope. What every
 * operation reads comes first; the counters every mutation writes start
 * on their own cache line.
 */
struct smap_store {
	struct rhashtable ht;
	struct xarray ids;		/* id -> entry, ids from 1 */
	u32 stripe_seed;
	struct kmem_cache *cache[SMAP_NCLASS];
	struct smap_pcpu_stats __percpu *pstats;
	struct smap_journal *journal;	/* every mutation is committed to */
	struct xarray users;		/* kuid -> struct smap_user */

	atomic64_t load_ids ____cacheline_aligned_in_smp; /* last id replay gave */
	atomic64_t nkeys;
	atomic64_t nbytes;		/* key + value bytes */
	atomic64_t charged;		/* smap_kv_cost() of every entry */
	/*
	 * Waits for a stripe mutex (held across the fsync under sync=always),
	 * sorted by whom the holder was serving: the same key (inherent: the
	 * later change must follow the earlier one's verdict) or another key
	 * sharing the stripe (what a lock per key would save). The holder's
	 * hash is read without the lock: a hint, good enough to count.
	 */
	atomic64_t key_waits, key_wait_ns;
	atomic64_t stripe_waits, stripe_wait_ns;
#ifdef SMAP_TESTING
	/* replay's Nth request for a new key's id fails (fail_load_id) */
	atomic_t load_id_calls;
#endif
	struct smap_lanes lanes;
	bool presized;			/* smap_replay_expect() grew the table */
	/* one backup at a time; held over every stripe for its cut */
	struct mutex backup_lock;
	struct smap_watch_hub watch;	/* its listeners (watch.c) */
	u32 stripe_holder[SMAP_STRIPES];
	struct mutex stripes[SMAP_STRIPES];
};

/* ---- hashing ------------------------------------------------------------ */

static u32 smap_key_hashfn(const void *data, u32 len, u32 seed)
{
	const struct smap_key *k = data;

	return jhash(k->p, k->len, seed);
}

static u32 smap_obj_hashfn(const void *data, u32 len, u32 seed)
{
	const struct smap_entry *e = data;

	return jhash(e->data, e->klen, seed);
}

static int smap_obj_cmpfn(struct rhashtable_compare_arg *arg, const void *obj)
{
	const struct smap_key *k = arg->key;
	const struct smap_entry *e = obj;

	return e->klen != k->len || memcmp(e->data, k->p, k->len);
}

static const struct rhashtable_params smap_ht_params = {
	.head_offset = offsetof(struct smap_entry, node),
	.key_len = sizeof(struct smap_key),
	.hashfn = smap_key_hashfn,
	.obj_hashfn = smap_obj_hashfn,
	.obj_cmpfn = smap_obj_cmpfn,
	.automatic_shrinking = true,
};

static u32 smap_stripe_hash(const struct smap_store *s, const void *key,
			    u32 klen)
{
	return jhash(key, klen, s->stripe_seed);
}

/* ---- entries ------------------------------------------------------------ */

static struct smap_entry *smap_entry_alloc(struct smap_store *s,
					   const void *key, u32 klen, u32 vcap)
{
	/* klen and vcap are bounded by the limits: no overflow. */
	size_t size = sizeof(struct smap_entry) + (size_t)klen + vcap;
	struct smap_entry *e;

	if (size <= SMAP_CLASS_MAX)
		e = kmem_cache_alloc(s->cache[(size - 1) / SMAP_CLASS_STEP],
				     SMAP_GFP_USER);
	else
		e = kvmalloc(size, SMAP_GFP_USER);
	if (!e)
		return NULL;
	refcount_set(&e->ref, 1);
	e->id = 0;
	e->klen = klen;
	e->vlen = 0;
	memcpy(e->data, key, klen);
	return e;
}

static void smap_entry_free_rcu(struct rcu_head *head)
{
	kvfree(container_of(head, struct smap_entry, rcu));
}

/* Free an entry that was never published. */
static void smap_entry_free(struct smap_entry *e)
{
	smap_entry_free_rcu(&e->rcu);
}

void smap_entry_put(struct smap_entry *e)
{
	/*
	 * Readers may still hold the pointer under RCU: free after a GP. The
	 * head overlays fields such readers check with smap_entry_meta():
	 * ref's 0 is seen before any of the head's bytes.
	 */
	if (refcount_dec_and_test(&e->ref)) {
		smp_wmb();	/* pairs with smap_entry_meta()'s smp_rmb() */
		call_rcu(&e->rcu, smap_entry_free_rcu);
	}
}

/* ---- checks ------------------------------------------------------------- */

/* Whose mode bits: the opener's of the file or socket, or current's. */
static const struct cred *smap_cred(const struct smap_ctx *ctx)
{
	return ctx->cred ?: current_cred();
}

/* in_group_p() for any credentials (groups_search() is not exported). */
static bool smap_cred_in_group(const struct cred *cred, kgid_t gid)
{
	const struct group_info *gi = cred->group_info;
	unsigned int lo = 0, hi = gi->ngroups;

	if (gid_eq(cred->fsgid, gid))
		return true;
	while (lo < hi) {	/* gi->gid is sorted (groups_sort()) */
		unsigned int mid = lo + (hi - lo) / 2;

		if (gid_gt(gid, gi->gid[mid]))
			lo = mid + 1;
		else if (gid_lt(gid, gi->gid[mid]))
			hi = mid;
		else
			return true;
	}
	return false;
}

/* SysV IPC style: owner, group, other (no capability asked: RCU-safe). */
static bool smap_perm_bits(umode_t mode, kuid_t uid, kgid_t gid, umode_t want,
			   const struct smap_ctx *ctx)
{
	const struct cred *cred;

	if (ctx->kernel)
		return true;
	cred = smap_cred(ctx);
	if (uid_eq(cred->fsuid, uid))
		mode >>= 6;
	else if (smap_cred_in_group(cred, gid))
		mode >>= 3;
	return (mode & want) == want;
}

bool smap_perm_meta(const struct smap_entry_meta *m, umode_t want,
		    const struct smap_ctx *ctx)
{
	return smap_perm_bits(m->mode, m->uid, m->gid, want, ctx);
}

bool smap_perm_mode(const struct smap_entry *e, umode_t want,
		    const struct smap_ctx *ctx)
{
	return smap_perm_bits(e->mode, e->uid, e->gid, want, ctx);
}

/*
 * CAP_SYS_ADMIN, of current and of the file's opener (netlink_capable()'s
 * rule; file_ns_capable() is what it asks of the socket's file). May
 * audit: not under RCU.
 */
bool smap_capable(const struct smap_ctx *ctx)
{
	if (ctx->file &&
	    !file_ns_capable(ctx->file, &init_user_ns, CAP_SYS_ADMIN))
		return false;
	return capable(CAP_SYS_ADMIN);
}

/* The mode bits, or else CAP_SYS_ADMIN (may audit: not under RCU). */
static int smap_perm(const struct smap_entry *e, umode_t want,
		     const struct smap_ctx *ctx)
{
	if (smap_perm_mode(e, want, ctx) || smap_capable(ctx))
		return 0;
	return -EACCES;
}

/* Who owns a key @ctx creates (@m: SMAP_F_OWNER's owner, if asked). */
static void smap_owner(const struct smap_ctx *ctx, kuid_t *uid, kgid_t *gid,
		       const struct smap_mutation *m)
{
	const struct cred *cred;

	if (m && (m->flags & SMAP_F_OWNER)) {
		*uid = m->uid;
		*gid = m->gid;
		return;
	}
	if (ctx->kernel) {
		*uid = GLOBAL_ROOT_UID;
		*gid = GLOBAL_ROOT_GID;
		return;
	}
	cred = smap_cred(ctx);
	*uid = cred->fsuid;
	*gid = cred->fsgid;
}

/* Strict ASCII decimal s64 with an optional leading '-'. */
static int smap_parse_s64(const u8 *s, u32 len, s64 *out)
{
	bool neg = false, big = false;
	u64 acc = 0;
	u32 i = 0;

	if (len && s[0] == '-') {
		neg = true;
		i = 1;
	}
	if (i == len)
		return -EINVAL;
	for (; i < len; i++) {
		if (s[i] < '0' || s[i] > '9')
			return -EINVAL;
		if (acc > ((u64)S64_MAX + 1) / 10)
			big = true;
		else
			acc = acc * 10 + (s[i] - '0');
	}
	if (big || acc > (u64)S64_MAX + neg)
		return -ERANGE;
	*out = neg ? (s64)(0 - acc) : (s64)acc;
	return 0;
}

static int smap_mutation_check(const struct smap_mutation *m)
{
	int err;

	err = smap_check_key(m->klen);
	if (err)
		return err;
	if (m->flags & ~(SMAP_F_MODE | SMAP_F_EXCL | SMAP_F_OWNER))
		return -EINVAL;
	if ((m->flags & (SMAP_F_EXCL | SMAP_F_OWNER)) && m->op != SMAP_OP_SET)
		return -EINVAL;
	if (m->flags & SMAP_F_OWNER) {
		/* restoring owners is root's: the key's quota is another's */
		if (!m->ctx->kernel && !smap_capable(m->ctx))
			return -EPERM;
		if (!uid_valid(m->uid) || !gid_valid(m->gid))
			return -EINVAL;
	}
	if ((m->flags & SMAP_F_MODE) && (m->mode & ~0777))
		return -EINVAL;
	switch (m->op) {
	case SMAP_OP_CAS:
		err = smap_check_value(m->olen);
		if (err)
			return err;
		fallthrough;
	case SMAP_OP_SET:
		return smap_check_value(m->vlen);
	case SMAP_OP_DEL:
	case SMAP_OP_INCR:
		return 0;
	default:
		return -EINVAL;
	}
}

/*
 * What an entry costs, as max_bytes and user_max_bytes count it: the uapi
 * header's smap_kv_cost(), which users read too. It rounds as the
 * allocator does: the entry's slab class up to SMAP_CLASS_MAX; beyond,
 * kvmalloc() asks kmalloc first, whose sizes are powers of two, up to
 * whole pages of power-of-two orders. SMAP_COST_OVERHEAD is the key's
 * share of the hash table's buckets (one pointer each, up to two buckets
 * per key) and of the id map's nodes (576 bytes per 64 ids), rounded up.
 */
static s64 smap_entry_cost(const struct smap_entry *e)
{
	return e ? smap_kv_cost(e->klen, e->vlen) : 0;
}

/* @uid's counter; created if @create (NULL only then, out of memory). */
static struct smap_user *smap_user(struct smap_store *s, kuid_t uid,
				   bool create)
{
	unsigned long idx = __kuid_val(uid);
	struct smap_user *u, *old;

	u = xa_load(&s->users, idx);
	if (u || !create)
		return u;
	u = kzalloc(sizeof(*u), SMAP_GFP_USER);
	if (!u)
		return NULL;
	old = xa_cmpxchg(&s->users, idx, NULL, u, SMAP_GFP_USER);
	if (old) {	/* someone else's went in first, or no memory */
		kfree(u);
		return xa_is_err(old) ? NULL : old;
	}
	return u;
}

/*
 * Charge @n > 0 bytes to @u (owner @uid) and to the store: -EDQUOT past
 * user_max_bytes (root has no limit), -ENOSPC past max_bytes.
 */
static int smap_charge(struct smap_store *s, struct smap_user *u, kuid_t uid,
		       s64 n)
{
	u64 umax = READ_ONCE(smap_user_max_bytes);

	if ((u64)atomic64_add_return(n, &u->bytes) > umax && umax &&
	    !uid_eq(uid, GLOBAL_ROOT_UID)) {
		atomic64_sub(n, &u->bytes);
		return -EDQUOT;
	}
	if ((u64)atomic64_add_return(n, &s->charged) >
	    READ_ONCE(smap_max_bytes)) {
		atomic64_sub(n, &s->charged);
		atomic64_sub(n, &u->bytes);
		return -ENOSPC;
	}
	return 0;
}

/* Give back @n bytes (or take more, unchecked, if negative). */
static void smap_uncharge(struct smap_store *s, struct smap_user *u, s64 n)
{
	atomic64_sub(n, &u->bytes);
	atomic64_sub(n, &s->charged);
}

/* ---- persistence ------------------------------------------------------- */

/*
 * The record of a mutation: every mutation is logged exactly once, with the
 * key's stripe mutex held, after every check passed and every resource
 * (memory, byte budget, id) is reserved, and before the change becomes
 * visible: @old is the current entry (NULL if the key is new), @ne the entry
 * about to replace it (NULL for a delete); incr and cas are logged as the
 * SET of their result. With sync=always the mutation waits, still holding
 * the stripe mutex, until the record is durable: a reader never sees a
 * value whose set could still fail, and a failed write or fsync aborts the
 * mutation with nothing changed.
 */
static struct smap_log_rec *smap_record(const struct smap_entry *old,
					const struct smap_entry *ne)
{
	if (ne)
		return smap_log_rec_alloc(SMAP_REC_SET, ne->data, ne->klen,
					  smap_entry_val(ne), ne->vlen, ne->uid,
					  ne->gid, ne->mode);
	return smap_log_rec_alloc(SMAP_REC_DEL, old->data, old->klen, NULL, 0,
				  old->uid, old->gid, old->mode);
}

/* ---- the mutation funnel ------------------------------------------------ */

/* Allocate the entry a mutation may publish, before any lock is taken. */
static int smap_prepare(struct smap_store *s, const struct smap_mutation *m,
			struct smap_entry **ne)
{
	struct smap_entry *e;

	switch (m->op) {
	case SMAP_OP_SET:
	case SMAP_OP_CAS:
		e = smap_entry_alloc(s, m->key, m->klen, m->vlen);
		if (!e)
			return -ENOMEM;
		if (m->vlen)
			memcpy(e->data + m->klen, m->val, m->vlen);
		e->vlen = m->vlen;
		break;
	case SMAP_OP_INCR:
		/* The value is computed under the lock, into this room. */
		e = smap_entry_alloc(s, m->key, m->klen, SMAP_INCR_CAP);
		if (!e)
			return -ENOMEM;
		break;
	default:
		e = NULL;
		break;
	}
	*ne = e;
	return 0;
}

/*
 * An existing key and a call that wants it created (SMAP_F_EXCL), or with
 * a given mode (SMAP_F_MODE) that it does not have or for another owner:
 * -EEXIST, so that a key squatted by another user is never used as if the
 * caller had created it. A delete asks for neither.
 */
static int smap_check_exists(const struct smap_mutation *m,
			     const struct smap_entry *old)
{
	kuid_t uid;
	kgid_t gid;

	if (m->flags & SMAP_F_EXCL)
		return -EEXIST;
	if (!(m->flags & (SMAP_F_MODE | SMAP_F_OWNER)) || m->op == SMAP_OP_DEL)
		return 0;
	smap_owner(m->ctx, &uid, &gid, m);
	if (!uid_eq(old->uid, uid) ||
	    ((m->flags & SMAP_F_MODE) && old->mode != m->mode))
		return -EEXIST;
	return 0;
}

/* Decide what the mutation does to @old, under the stripe lock. */
static int smap_decide(struct smap_mutation *m, struct smap_entry *old,
		       struct smap_entry *ne)
{
	umode_t want = MAY_WRITE;
	s64 cur = 0, res;
	int err;

	if (!old) {
		switch (m->op) {
		case SMAP_OP_DEL:
		case SMAP_OP_CAS:
			m->status = SMAP_ST_NOT_FOUND;
			return -ENOENT;
		default:
			break;
		}
	} else {
		err = smap_check_exists(m, old);
		if (err)
			return err;
		/* incr and cas answer with what the value was: a read */
		if (m->op == SMAP_OP_INCR || m->op == SMAP_OP_CAS)
			want |= MAY_READ;
		err = smap_perm(old, want, m->ctx);
		if (err)
			return err;
	}

	switch (m->op) {
	case SMAP_OP_CAS:
		if (old->vlen != m->olen ||
		    memcmp(smap_entry_val(old), m->old, m->olen)) {
			m->status = SMAP_ST_MISMATCH;
			return -ECANCELED;
		}
		break;
	case SMAP_OP_INCR:
		if (old) {
			err = smap_parse_s64(smap_entry_val(old), old->vlen,
					     &cur);
			if (err)
				return err;
		}
		if (check_add_overflow(cur, m->delta, &res))
			return -ERANGE;
		ne->vlen = scnprintf(ne->data + ne->klen, SMAP_INCR_CAP,
				     "%lld", res);
		m->result = res;
		break;
	default:
		break;
	}

	if (!ne)
		return 0;
	if (old) {
		/* Overwrite keeps id, owner and mode. */
		ne->id = old->id;
		ne->uid = old->uid;
		ne->gid = old->gid;
		ne->mode = old->mode;
	} else {
		smap_owner(m->ctx, &ne->uid, &ne->gid, m);
		ne->mode = (m->flags & SMAP_F_MODE) ? m->mode :
						       SMAP_MODE_DEFAULT;
	}
	return 0;
}

static s64 smap_entry_bytes(const struct smap_entry *e)
{
	return e ? (s64)e->klen + e->vlen : 0;
}

/*
 * One mutation between its checks and its publication: staged under its
 * stripe mutex (decided, reserved, its record queued), then finished once
 * the record's verdict is in (published, or undone).
 *
 * The cost of a key counts against its owner (who keeps it across
 * overwrites): a writer of someone else's writable key spends that owner's
 * user_max_bytes, and replay restores every owner's count from the keys.
 */
struct smap_txn {
	struct smap_mutation *m;
	u32 hash;			/* of the key; stripe = hash % SMAP_STRIPES */
	unsigned int stripe;
	struct smap_entry *old, *ne;
	struct smap_log_rec *rec;	/* to wait for, or NULL */
	struct smap_user *owner;	/* whose user_max_bytes pays */
	s64 delta;			/* charged bytes, if > 0 */
	bool new_id;
};

/* Before any lock: check the mutation and allocate what it may publish. */
static int smap_txn_prepare(struct smap_store *s, struct smap_txn *t,
			    struct smap_mutation *m)
{
	int err;

	memset(t, 0, sizeof(*t));
	t->m = m;
	m->status = SMAP_ST_NONE;
	err = smap_mutation_check(m);
	if (err)
		return err;
	t->hash = smap_stripe_hash(s, m->key, m->klen);
	t->stripe = t->hash % SMAP_STRIPES;
	return smap_prepare(s, m, &t->ne);
}

/* Take @t's stripe mutex, counting the wait if it was held. */
static void smap_stripe_lock(struct smap_store *s, const struct smap_txn *t)
{
	struct mutex *lock = &s->stripes[t->stripe];
	bool same;
	u64 t0;

	if (!mutex_trylock(lock)) {
		same = READ_ONCE(s->stripe_holder[t->stripe]) == t->hash;
		t0 = ktime_get_ns();
		mutex_lock(lock);
		atomic64_add(ktime_get_ns() - t0,
			     same ? &s->key_wait_ns : &s->stripe_wait_ns);
		atomic64_inc(same ? &s->key_waits : &s->stripe_waits);
	}
	WRITE_ONCE(s->stripe_holder[t->stripe], t->hash);
}

/*
 * Under the stripe mutex: decide, reserve, queue the record (waking the
 * writer if @kick; a group wakes it once all its records are queued).
 */
static int smap_txn_stage(struct smap_store *s, struct smap_txn *t,
			  bool kick)
{
	struct smap_mutation *m = t->m;
	struct smap_key k = { .p = m->key, .len = m->klen };
	struct smap_log_rec *rec;
	s64 delta;
	u32 id;
	int err;

	/* Stable: only holders of this stripe change this key. */
	t->old = rhashtable_lookup_fast(&s->ht, &k, smap_ht_params);
	err = smap_decide(m, t->old, t->ne);
	if (err)
		return err;

	t->owner = smap_user(s, t->ne ? t->ne->uid : t->old->uid, true);
	if (!t->owner)
		return -ENOMEM;
	delta = smap_entry_cost(t->ne) - smap_entry_cost(t->old);
	if (delta > 0) {
		err = smap_charge(s, t->owner, t->ne->uid, delta);
		if (err)
			return err;
	}
	t->delta = delta;
	if (t->ne && !t->old) {
		/* Reserve the id (a NULL entry): publishing cannot fail on it. */
		err = xa_alloc(&s->ids, &id, NULL, xa_limit_32b,
			       SMAP_GFP_USER);
		if (err)
			return err == -EBUSY ? -ENOSPC : err;
		t->ne->id = id;
		t->new_id = true;
	}

	/* ---- persistence: the log queues its record here ---- */
	rec = smap_record(t->old, t->ne);
	if (!rec)
		return -ENOMEM;
	err = smap_journal_queue(s->journal, rec, kick);
	if (err < 0)
		return err;
	t->rec = err ? rec : NULL;
	return 0;
}

/* Under the stripe mutex: publish if @err is 0, else undo; 0 or -errno. */
static int smap_txn_finish(struct smap_store *s, struct smap_txn *t, int err)
{
	struct smap_mutation *m = t->m;
	struct smap_entry *old = t->old, *ne = t->ne;

	if (err)
		goto undo;
	if (ne && old) {
		err = rhashtable_replace_fast(&s->ht, &old->node, &ne->node,
					      smap_ht_params);
		if (WARN_ON_ONCE(err))
			goto undo;
		xa_store(&s->ids, ne->id, ne, GFP_KERNEL);
		m->status = SMAP_ST_UPDATED;
	} else if (ne) {
		err = rhashtable_insert_fast(&s->ht, &ne->node,
					     smap_ht_params);
		if (err) {
			/* logged but not published: log it away again */
			struct smap_log_rec *rec = smap_record(ne, NULL);

			if (rec)
				smap_journal_commit(s->journal, rec);
			goto undo;
		}
		xa_store(&s->ids, ne->id, ne, GFP_KERNEL);
		atomic64_inc(&s->nkeys);
		m->status = SMAP_ST_CREATED;
	} else {
		rhashtable_remove_fast(&s->ht, &old->node, smap_ht_params);
		xa_erase(&s->ids, old->id);
		atomic64_dec(&s->nkeys);
		m->status = SMAP_ST_DELETED;
	}
	/* acknowledged (durable as the sync mode asks): tell the listeners */
	smap_watch_notify(&s->watch, m->op, ne ?: old);
	if (t->delta < 0)
		smap_uncharge(s, t->owner, -t->delta);
	atomic64_add(smap_entry_bytes(ne) - smap_entry_bytes(old),
		     &s->nbytes);
	if (old)
		smap_entry_put(old);	/* the table's reference */
	return 0;

undo:
	if (t->new_id)
		xa_erase(&s->ids, ne->id);
	if (t->delta > 0)
		smap_uncharge(s, t->owner, t->delta);
	if (ne)
		smap_entry_free(ne);
	return err;
}

int smap_store_apply(struct smap_store *s, struct smap_mutation *m)
{
	struct mutex *lock;
	struct smap_txn t;
	int err;

	err = smap_txn_prepare(s, &t, m);
	if (err)
		goto out;
	lock = &s->stripes[t.stripe];
	smap_stripe_lock(s, &t);
	err = smap_txn_stage(s, &t, true);
	if (!err && t.rec)
		err = smap_journal_wait(t.rec);
	err = smap_txn_finish(s, &t, err);
	mutex_unlock(lock);
out:
	smap_stat_op(s, m->op, err);
	return err;
}

/* ---- many mutations, one wait ------------------------------------------- */

/*
 * Mutations staged before their records are waited for together: a batch
 * of 1000 durable sets pays 4 fsyncs. A group may hold every stripe until
 * its fsync; a writer outside it waits for that fsync, as it would for
 * its own.
 */
#define SMAP_GROUP_MAX	256
/*
 * Lockdep follows at most MAX_LOCK_DEPTH (48) locks held by one task, and a
 * group's flush takes a few of its own (the journal's, the file system's)
 * under the stripes it holds: with lockdep a group holds at most 32 stripes
 * (counted as held, not as entries staged: an entry that fails keeps its
 * stripe until the flush), and the validator stays on (23-batch and
 * 40-attacker's batch of refused entries on the debug kernel: "BUG:
 * MAX_LOCK_DEPTH too low!" with 48 stripes held).
 */
#ifdef CONFIG_LOCKDEP
#define SMAP_GROUP_LIMIT	32
#else
#define SMAP_GROUP_LIMIT	SMAP_GROUP_MAX
#endif

struct smap_group {
	struct smap_txn t[SMAP_GROUP_MAX];
	int *errs[SMAP_GROUP_MAX];
	unsigned int n;
	unsigned int nheld;	/* bits set in held */
	DECLARE_BITMAP(held, SMAP_STRIPES);
};

/*
 * Wait for every staged record (their fsync is shared: the writer takes
 * them in one round or few), then finish each in order and drop every
 * stripe mutex held. A failed round fails its record and every later one.
 */
static void smap_group_flush(struct smap_store *s, struct smap_group *g)
{
	unsigned int i;

	if (g->n)
		smap_journal_kick(s->journal);	/* the whole group is queued */
	for (i = 0; i < g->n; i++) {
		struct smap_txn *t = &g->t[i];
		int err = t->rec ? smap_journal_wait(t->rec) : 0;

		err = smap_txn_finish(s, t, err);
		*g->errs[i] = err;
		smap_stat_op(s, t->m->op, err);
	}
	g->n = 0;
	for_each_set_bit(i, g->held, SMAP_STRIPES)
		mutex_unlock(&s->stripes[i]);
	bitmap_zero(g->held, SMAP_STRIPES);
	g->nheld = 0;
}

/* Is @t's key staged in @g already (a second change must see the first)? */
static bool smap_group_has(const struct smap_group *g,
			   const struct smap_txn *t)
{
	unsigned int i;

	for (i = 0; i < g->n; i++)
		if (g->t[i].stripe == t->stripe &&
		    g->t[i].m->klen == t->m->klen &&
		    !memcmp(g->t[i].m->key, t->m->key, t->m->klen))
			return true;
	return false;
}

/*
 * Hold @t's stripe mutex. Waiting for a mutex while holding others could
 * deadlock with another group: only trylock then, and if that fails, flush
 * (which drops them all) before waiting.
 */
static void smap_group_lock(struct smap_store *s, struct smap_group *g,
			    const struct smap_txn *t)
{
	struct mutex *lock = &s->stripes[t->stripe];

	if (test_bit(t->stripe, g->held)) {
		if (!smap_group_has(g, t) && g->n < SMAP_GROUP_MAX)
			return;
		smap_group_flush(s, g);
	} else if (g->n == SMAP_GROUP_MAX || g->nheld == SMAP_GROUP_LIMIT ||
		   (g->nheld && !mutex_trylock(lock))) {
		smap_group_flush(s, g);
	} else if (g->nheld) {
		__set_bit(t->stripe, g->held);	/* the trylock took it */
		g->nheld++;
		WRITE_ONCE(s->stripe_holder[t->stripe], t->hash);
		return;
	}
	smap_stripe_lock(s, t);
	__set_bit(t->stripe, g->held);
	g->nheld++;
}

/*
 * Apply @n mutations in order, as smap_store_apply() would one after the
 * other, each atomic and its error in @errs[i], but with one wait for the
 * records of up to SMAP_GROUP_MAX of them: under sync=always a batch pays
 * one fsync per group, not one per entry. Each entry's stripe mutex is held
 * from its decision until its record is durable, as in smap_store_apply().
 */
int smap_store_apply_many(struct smap_store *s, struct smap_mutation *ms,
			  unsigned int n, int *errs)
{
	struct smap_group *g;
	unsigned int i;

	g = kvmalloc(sizeof(*g), GFP_KERNEL_ACCOUNT);
	if (!g)
		return -ENOMEM;
	g->n = 0;
	g->nheld = 0;
	bitmap_zero(g->held, SMAP_STRIPES);
	for (i = 0; i < n; i++) {
		struct smap_txn cur, *t;
		int err = smap_txn_prepare(s, &cur, &ms[i]);

		if (!err) {
			smap_group_lock(s, g, &cur);	/* may flush the group */
			t = &g->t[g->n];
			*t = cur;
			err = smap_txn_stage(s, t, false);
			if (!err) {
				g->errs[g->n++] = &errs[i];
				continue;
			}
			err = smap_txn_finish(s, t, err);
		}
		errs[i] = err;
		smap_stat_op(s, ms[i].op, err);
	}
	smap_group_flush(s, g);
	kvfree(g);
	return 0;
}

/* ---- reads -------------------------------------------------------------- */

struct smap_entry *smap_store_get(struct smap_store *s, const void *key,
				  u32 klen, const struct smap_ctx *ctx)
{
	struct smap_key k = { .p = key, .len = klen };
	struct smap_entry *e;
	int err;

	err = smap_check_key(klen);
	if (err)
		return ERR_PTR(err);
	rcu_read_lock();
	for (;;) {
		e = rhashtable_lookup(&s->ht, &k, smap_ht_params);
		if (!e || refcount_inc_not_zero(&e->ref))
			break;
		/* Just replaced or deleted: look again. */
		cpu_relax();
	}
	rcu_read_unlock();
	if (!e)
		return ERR_PTR(-ENOENT);
	err = smap_perm(e, MAY_READ, ctx);
	if (err) {
		smap_entry_put(e);
		return ERR_PTR(err);
	}
	return e;
}

struct smap_entry *smap_store_peek(struct smap_store *s, const void *key,
				   u32 klen, const struct smap_ctx *ctx,
				   struct smap_entry_meta *m)
{
	struct smap_key k = { .p = key, .len = klen };
	struct smap_entry *e;

	RCU_LOCKDEP_WARN(!rcu_read_lock_held(), "smap_store_peek() outside RCU");
	e = rhashtable_lookup(&s->ht, &k, smap_ht_params);
	if (e && (!smap_entry_meta(e, m) || !smap_perm_meta(m, MAY_READ, ctx)))
		return ERR_PTR(-EAGAIN);
	return e;
}

/*
 * A key the mode bits do not let @ctx read is listed only with
 * CAP_SYS_ADMIN, asked (outside RCU: it may audit) at the first such key
 * and only then: the walk stops there, asks, and goes on from that key.
 * Without it the key is passed over and counted in *@skipped, once: the
 * walk never comes back to a key it passed.
 */
enum smap_iter_end smap_store_iter(struct smap_store *s, const void *prefix,
				   u32 plen, u64 *cursor,
				   const struct smap_ctx *ctx, smap_iter_fn fn,
				   void *arg, u64 *skipped)
{
	enum smap_iter_end ret = SMAP_ITER_END;
	int cap = -1;		/* CAP_SYS_ADMIN: not asked yet */
	struct smap_entry_meta m;
	struct smap_entry *e;
	unsigned int n = 0;
	bool ask;

	if (*cursor >= SMAP_CURSOR_END)
		return SMAP_ITER_END;
	do {
		XA_STATE(xas, &s->ids, *cursor);

		ask = false;
		rcu_read_lock();
		xas_for_each(&xas, e, U32_MAX) {
			if (xas_retry(&xas, e))
				continue;
			if (++n > SMAP_ITER_BUDGET_N) {
				ret = SMAP_ITER_BUDGET;
				break;
			}
			if (e->klen < plen || memcmp(e->data, prefix, plen))
				continue;
			if (!smap_entry_meta(e, &m)) {
				/*
				 * Going away: its slot already holds its
				 * successor or nothing (stored before the last
				 * put). Read the slot again, after ref's 0.
				 */
				smp_rmb();
				xas_reset(&xas);
				continue;
			}
			if (!smap_perm_meta(&m, MAY_READ, ctx)) {
				ask = cap < 0;
				if (ask)
					break;
				if (!cap) {
					(*skipped)++;
					continue;
				}
			}
			if (fn(arg, e)) {
				ret = SMAP_ITER_STOPPED;
				break;
			}
		}
		*cursor = ret == SMAP_ITER_END && !ask ? SMAP_CURSOR_END :
							 xas.xa_index;
		rcu_read_unlock();
		if (ask)
			cap = smap_capable(ctx);
	} while (ask);
	return ret;
}

/* ---- statistics --------------------------------------------------------- */

void smap_stat_op(struct smap_store *s, enum smap_op op, int err)
{
	if (op < SMAP_OP__COUNT)
		this_cpu_inc(s->pstats->ops[op]);
	if (err)
		this_cpu_inc(s->pstats->errors);
}

void smap_store_stats(struct smap_store *s, struct smap_stats *st,
		      const struct smap_ctx *ctx)
{
	struct smap_user *u;
	kuid_t uid;
	kgid_t gid;
	int cpu, i;

	memset(st, 0, sizeof(*st));
	st->keys = atomic64_read(&s->nkeys);
	st->bytes = atomic64_read(&s->charged);
	st->data_bytes = atomic64_read(&s->nbytes);
	st->max_bytes = READ_ONCE(smap_max_bytes);
	st->user_max_bytes = READ_ONCE(smap_user_max_bytes);
	st->key_waits = atomic64_read(&s->key_waits);
	st->key_wait_ns = atomic64_read(&s->key_wait_ns);
	st->stripe_waits = atomic64_read(&s->stripe_waits);
	st->stripe_wait_ns = atomic64_read(&s->stripe_wait_ns);
	smap_owner(ctx, &uid, &gid, NULL);
	u = smap_user(s, uid, false);
	if (u)
		st->user_bytes = atomic64_read(&u->bytes);
	for_each_possible_cpu(cpu) {
		const struct smap_pcpu_stats *p = per_cpu_ptr(s->pstats, cpu);

		for (i = 0; i < SMAP_OP__COUNT; i++)
			st->ops[i] += READ_ONCE(p->ops[i]);
		st->errors += READ_ONCE(p->errors);
	}
	smap_journal_fill_stats(s->journal, st);
}

/* ---- the journal's owner: replay, compaction ----------------------------- */

/*
 * Replay inserts or replaces without logging or permission checks, from
 * module init, into a store nothing reads yet. Each replay lane brings its
 * own batch: new keys get ids a block at a time and enter the id map a
 * block at a time, under one lock, instead of one locked store each with
 * the other lane contending. smap_load_flush() each batch at the end. A
 * lane's keys are its own: two never load the same key.
 */
/*
 * Replay charges each owner as it loads (max_bytes, user_max_bytes): a
 * lane's runs of keys of one owner add up in its batch, and reach the
 * owner's count when the owner changes or the batch is flushed. The counts
 * are read by nothing before replay ends.
 */
static void smap_load_owner_flush(struct smap_load_batch *b)
{
	if (b->owner)
		atomic64_add(b->owner_delta, &b->owner->bytes);
	b->owner_delta = 0;
}

/* Make @uid the batch's owner, its count created: before @uid's entry is. */
static int smap_load_owner(struct smap_store *s, struct smap_load_batch *b,
			   kuid_t uid)
{
	struct smap_user *u;

	if (b->owner && uid_eq(uid, b->uid))
		return 0;
	u = smap_user(s, uid, true);
	if (!u)
		return -ENOMEM;
	smap_load_owner_flush(b);
	b->owner = u;
	b->uid = uid;
	return 0;
}

/* @e leaves the store: uncharge its owner (whose count exists since). */
static void smap_load_uncharge(struct smap_store *s, struct smap_load_batch *b,
			       const struct smap_entry *e)
{
	s64 n = smap_entry_cost(e);
	struct smap_user *u;

	b->charged -= n;
	if (b->owner && uid_eq(e->uid, b->uid)) {
		b->owner_delta -= n;
		return;
	}
	u = smap_user(s, e->uid, false);
	if (!WARN_ON_ONCE(!u))
		atomic64_sub(n, &u->bytes);
}

/* Where @id waits in @b, if it is still waiting to enter the id map. */
static struct smap_entry **smap_load_pending(struct smap_load_batch *b, u32 id)
{
	return b->first && id - b->first < b->n ? &b->e[id - b->first] : NULL;
}

/*
 * Enter the batch's new keys in the id map, under one lock, walking the
 * block's consecutive ids with one cursor; add the batch's counts.
 */
static int smap_load_flush(struct smap_store *s, struct smap_load_batch *b)
{
	XA_STATE(xas, &s->ids, b->first);
	u32 i = 0;

	atomic64_add(b->keys, &s->nkeys);
	atomic64_add(b->bytes, &s->nbytes);
	atomic64_add(b->charged, &s->charged);
	b->keys = 0;
	b->bytes = 0;
	b->charged = 0;
	smap_load_owner_flush(b);
	do {
		xas_lock(&xas);
		for (; i < b->n; i++) {
			if (!b->e[i]) {	/* deleted since: skip its id */
				xas_set(&xas, b->first + i + 1);
				continue;
			}
			xas_store(&xas, b->e[i]);
			if (xas_error(&xas))
				break;	/* retried at i once memory is found */
			/* taken, for xa_alloc() (__xa_store() does this) */
			xas_clear_mark(&xas, XA_FREE_MARK);
			xas_next(&xas);
		}
		xas_unlock(&xas);
	} while (xas_nomem(&xas, GFP_KERNEL));
	b->first = 0;
	b->n = 0;
	return xas_error(&xas);
}

/* The next id for a new key: from @b's block, or a new block. */
static int smap_load_id(struct smap_store *s, struct smap_load_batch *b,
			u32 *id)
{
	u64 first;
	int err;

#ifdef SMAP_TESTING
	if (READ_ONCE(smap_fail_load_id) &&
	    atomic_inc_return(&s->load_id_calls) == smap_fail_load_id)
		return -ENOMEM;
#endif

	if (!b->first || b->n == SMAP_LOAD_BATCH) {
		err = smap_load_flush(s, b);
		if (err)
			return err;
		/* ids from 1 up to U32_MAX, then full */
		first = atomic64_fetch_add(SMAP_LOAD_BATCH, &s->load_ids) + 1;
		if (first + SMAP_LOAD_BATCH - 1 > U32_MAX)
			return -ENOSPC;
		b->first = first;
	}
	*id = b->first + b->n;
	return 0;
}

/*
 * Publish @ne for its key (replacing any entry), with no checks and no log.
 * Only replay calls this, from module init, before any interface exists
 * and into an empty store: nothing reads it yet, so a new entry is inserted
 * in one step and numbered from its thread's block (the common case at
 * load), not reserved first and found a free id as smap_store_apply() must.
 * Replay may call it from two threads at once, never for the same key: so
 * no stripe lock is needed (the hash table and the id map lock their own),
 * and the key and byte counts wait in @b until smap_load_flush().
 */
static int smap_store_load_entry(struct smap_store *s,
				 struct smap_load_batch *b, struct smap_entry *ne)
{
	struct smap_key k = { .p = ne->data, .len = ne->klen };
	struct smap_entry *old, **slot;
	int err;

	/*
	 * The id a new key would take, found before the entry is visible:
	 * once inserted, the other lane may walk past it under RCU, so no
	 * error may free it after that. It is used only if the key is new.
	 */
	err = smap_load_owner(s, b, ne->uid) ?: smap_load_id(s, b, &ne->id);
	if (err)
		return err;
	old = rhashtable_lookup_get_insert_key(&s->ht, &k, &ne->node,
					       smap_ht_params);
	if (IS_ERR(old))
		return PTR_ERR(old);
	if (old) {
		ne->id = old->id;
		/* cannot fail: only this lane changes this key */
		rhashtable_replace_fast(&s->ht, &old->node, &ne->node,
					smap_ht_params);
		slot = smap_load_pending(b, ne->id);
		if (slot)
			*slot = ne;
		else
			xa_store(&s->ids, ne->id, ne, GFP_KERNEL);
	} else {
		b->e[b->n++] = ne;
		b->keys++;
	}
	/* replay never refuses what the log holds: no max_bytes check */
	b->bytes += smap_entry_bytes(ne) - smap_entry_bytes(old);
	b->charged += smap_entry_cost(ne);
	b->owner_delta += smap_entry_cost(ne);
	if (old) {
		smap_load_uncharge(s, b, old);
		smap_entry_put(old);
	}
	return 0;
}

static int smap_load(struct smap_store *s, struct smap_load_batch *b,
		     const void *key, u32 klen, const void *val, u32 vlen,
		     kuid_t uid, kgid_t gid, umode_t mode)
{
	struct smap_entry *ne;
	int err;

	ne = smap_entry_alloc(s, key, klen, vlen);
	if (!ne)
		return -ENOMEM;
	if (vlen)
		memcpy(ne->data + klen, val, vlen);
	ne->vlen = vlen;
	ne->uid = uid;
	ne->gid = gid;
	ne->mode = mode;
	err = smap_store_load_entry(s, b, ne);
	if (err)
		smap_entry_free(ne);
	return err;
}

/* Drop @key's entry, if any: like smap_store_load_entry(), replay only. */
static void smap_load_del(struct smap_store *s, struct smap_load_batch *b,
			  const void *key, u32 klen)
{
	struct smap_key k = { .p = key, .len = klen };
	struct smap_entry *old, **slot;

	old = rhashtable_lookup_fast(&s->ht, &k, smap_ht_params);
	if (!old)
		return;
	rhashtable_remove_fast(&s->ht, &old->node, smap_ht_params);
	slot = smap_load_pending(b, old->id);
	if (slot)
		*slot = NULL;
	else
		xa_erase(&s->ids, old->id);
	b->keys--;
	b->bytes -= smap_entry_bytes(old);
	smap_load_uncharge(s, b, old);
	smap_entry_put(old);
}

/*
 * Every live entry, in id order, each held by a reference while @fn runs
 * (so @fn may sleep). An entry whose last reference is going was replaced
 * or deleted; its id slot already holds the replacement, so look again.
 */
static int smap_store_walk(struct smap_store *s, smap_journal_emit_fn fn,
			   void *ctx)
{
	unsigned long idx = 0;
	struct smap_entry *e;
	int err;

	for (;;) {
		XA_STATE(xas, &s->ids, idx);

		rcu_read_lock();
		xas_for_each(&xas, e, U32_MAX) {
			if (xas_retry(&xas, e))
				continue;
			if (refcount_inc_not_zero(&e->ref))
				break;
			xas_reset(&xas);
		}
		rcu_read_unlock();
		if (!e)
			return 0;
		idx = xas.xa_index;
		err = fn(ctx, e->data, e->klen, smap_entry_val(e), e->vlen,
			 e->uid, e->gid, e->mode);
		smap_entry_put(e);
		if (err)
			return err;
		if (idx >= U32_MAX)
			return 0;
		idx++;
		cond_resched();
	}
}

static void smap_store_quiesce(void *owner)
{
	struct smap_store *s = owner;
	int i;

	for (i = 0; i < SMAP_STRIPES; i++) {
		mutex_lock(&s->stripes[i]);
		mutex_unlock(&s->stripes[i]);
	}
}

static void smap_store_usage(void *owner, u64 *keys, u64 *bytes)
{
	struct smap_store *s = owner;

	*keys = atomic64_read(&s->nkeys);
	*bytes = atomic64_read(&s->nbytes);
}



/*
 * Inserting is most of replay's time, so records are applied by several
 * threads at once, split into lanes by a hash of the key: all records of
 * one key go to the same lane, in log order, and one thread applies a
 * lane, so no two threads touch the same key and the result is the log's.
 * The records the journal hands over are queued, each in its lane's part
 * of a queue; when a lane's part is full, two workers take the queue's
 * lanes one at a time while the loading thread reads, checks and queues
 * the next records into the other queue (checking overlaps inserting),
 * and the loading thread, done, takes what lanes are left instead of
 * waiting. Before the journal reuses the records' memory (drain) every
 * queued record is applied. A lane's error is returned by the next apply()
 * or drain(); replay then fails. Each lane numbers its new keys with its
 * own batch.
 *
 * Eight lanes taken in turn, not two lanes with a worker each: with the
 * loading thread beside two fixed-lane workers on two vCPUs, the CPUs sat
 * idle 25-30% of the replay (perf record -a of a 1M-key load, 6.12
 * guest); taken in turn, with the loading thread helping, 15-20%. 16 or
 * 32 lanes idled as much, so the last lane's tail is not what remains.
 *
 * Before persist/ became a leaf, the queue held every record of one read
 * buffer (4 MiB: up to ~87k u32 offsets) and was applied only when the
 * buffer was refilled. It now holds struct smap_jrec (40 bytes): 8192 of
 * them are 320 KiB, where 131072 (applied, as before, only at the
 * journal's drains) would be 5 MiB. Replaying 1M keys took 7517 ms with
 * 131072 and 7226 and 7904 ms with 8192 (bench section 7, 6.12 guest on a
 * loaded host): no difference beyond the spread, so the smaller queue
 * (two of them now: 640 KiB).
 */
#define SMAP_LANE_QUEUE	8192
#define SMAP_LANE_CAP	(SMAP_LANE_QUEUE / SMAP_LANES)

static int smap_lane_apply(struct smap_lanes *l, int lane)
{
	struct smap_store *s = container_of(l, struct smap_store, lanes);
	struct smap_load_batch *b = &l->batch[lane];
	const struct smap_lane_q *q = l->run;
	const struct smap_jrec *r = &q->rec[lane * SMAP_LANE_CAP];
	u32 i;
	int err;

	for (i = 0; i < q->n[lane]; i++, r++) {
		if (r->op == SMAP_REC_DEL) {
			smap_load_del(s, b, r->key, r->klen);
		} else {
			err = smap_load(s, b, r->key, r->klen, r->val, r->vlen,
					r->uid, r->gid, r->mode);
			if (err)
				return err;
		}
		if (!(i & 63))
			cond_resched();
	}
	return 0;
}

/* Apply the run's lanes not yet taken, one at a time; keep a first error. */
static void smap_lanes_take(struct smap_lanes *l)
{
	int lane, err;

	while ((lane = atomic_inc_return(&l->next) - 1) < SMAP_LANES) {
		err = smap_lane_apply(l, lane);
		if (err)
			cmpxchg(&l->err, 0, err);
	}
}

static void smap_lane0_work(struct work_struct *w)
{
	smap_lanes_take(container_of(w, struct smap_lanes, work[0]));
}

static void smap_lane1_work(struct work_struct *w)
{
	smap_lanes_take(container_of(w, struct smap_lanes, work[1]));
}

/* Help apply the queue being applied, wait until it is; its first error. */
static int smap_lanes_wait(struct smap_lanes *l)
{
	int err;

	if (!l->run)
		return 0;
	smap_lanes_take(l);
	flush_work(&l->work[0]);
	flush_work(&l->work[1]);
	err = l->err;
	l->err = 0;
	memset(l->run->n, 0, sizeof(l->run->n));
	l->run->total = 0;
	l->run = NULL;
	return err;
}

/* Start applying the queue being filled, and fill the other. */
static int smap_lanes_kick(struct smap_lanes *l)
{
	struct smap_lane_q *q = l->fill;
	int err = smap_lanes_wait(l);

	if (err || !q || !q->total)
		return err;	/* nothing queued, or no queue yet */
	l->run = q;
	l->fill = q == &l->q[0] ? &l->q[1] : &l->q[0];
	atomic_set(&l->next, 0);
	/* the workers see the queue (queue_work orders it before them) */
	queue_work(system_unbound_wq, &l->work[0]);
	queue_work(system_unbound_wq, &l->work[1]);
	return 0;
}

/* Apply every queued record. */
static int smap_lanes_flush(struct smap_lanes *l)
{
	return smap_lanes_kick(l) ?: smap_lanes_wait(l);
}

/* After replay, or a replay that failed: nothing may be running. */
static void smap_lanes_free(struct smap_lanes *l)
{
	smap_lanes_wait(l);
	kvfree(l->q[0].rec);
	l->q[0].rec = NULL;
	l->q[1].rec = NULL;
	l->fill = NULL;
}

/* ops->apply: queue @r in its key's lane. */
static int smap_replay_apply(void *owner, const struct smap_jrec *r)
{
	struct smap_store *s = owner;
	struct smap_lanes *l = &s->lanes;
	int lane = jhash(r->key, r->klen, 0) % SMAP_LANES;
	struct smap_lane_q *q;

	if (!l->fill) {
		l->q[0].rec = kvmalloc_array(2 * SMAP_LANE_QUEUE,
					     sizeof(*l->q[0].rec),
					     GFP_KERNEL | __GFP_NOWARN);
		if (!l->q[0].rec)
			return -ENOMEM;
		l->q[1].rec = l->q[0].rec + SMAP_LANE_QUEUE;
		l->fill = &l->q[0];
	}
	if (l->fill->n[lane] == SMAP_LANE_CAP) {
		int err = smap_lanes_kick(l);

		if (err)
			return err;
	}
	q = l->fill;
	q->rec[lane * SMAP_LANE_CAP + q->n[lane]++] = *r;
	q->total++;
	return 0;
}

/*
 * ops->expect: replay is about to apply about @records records. rhashtable
 * doubles its table each time it is 75% full, moving every entry (its key
 * hashed again) while inserts take its slow path; for a million keys that
 * is about 1.5 million moves, the largest share of replay's time in a
 * profile (bench/ab --replay --profile: its worker, slow path and bucket
 * lock contention about 30% of all samples). Its size hint (nelem_hint) is
 * 16 bits; so, the store still empty and read by no one, grow the table
 * now, when moving costs nothing: count the records in its nelems, let its
 * own worker double the table until they fit, uncount them. Shrinking
 * waits until replay is over (a delete would undo this), when
 * smap_replay_drain() lets the worker shrink a table sized for more
 * records than the log held keys.
 */
#define SMAP_PRESIZE_MIN	4096
#define SMAP_PRESIZE_MAX	(1U << 26)

static void smap_replay_expect(void *owner, u64 records)
{
	struct smap_store *s = owner;
	struct rhashtable *ht = &s->ht;
	int n = min_t(u64, records, SMAP_PRESIZE_MAX), i;
	unsigned int size;

	if (n < SMAP_PRESIZE_MIN || atomic_read(&ht->nelems))
		return;
	WRITE_ONCE(ht->p.automatic_shrinking, false);
	s->presized = true;
	atomic_add(n, &ht->nelems);
	/* one doubling per run; a failed allocation just ends it early */
	for (i = 0; i < 32; i++) {
		bool grow;

		rcu_read_lock();
		grow = rht_grow_above_75(ht, rcu_dereference(ht->tbl));
		rcu_read_unlock();
		if (!grow)
			break;
		schedule_work(&ht->run_work);
		flush_work(&ht->run_work);
	}
	atomic_sub(n, &ht->nelems);
	rcu_read_lock();
	size = rcu_dereference(ht->tbl)->size;
	rcu_read_unlock();
	pr_info("replay: hash table of %u buckets for about %d records\n",
		size, n);
}

/* ops->drain: apply what is queued; at the end, enter the last ids. */
static int smap_replay_drain(void *owner, bool last)
{
	struct smap_store *s = owner;
	struct smap_lanes *l = &s->lanes;
	int err = smap_lanes_flush(l), i;

	if (!last)
		return err;
	for (i = 0; !err && i < SMAP_LANES; i++)
		err = smap_load_flush(s, &l->batch[i]);
	smap_lanes_free(l);
	if (s->presized) {
		/* shrink now if smap_replay_expect() sized it too large */
		s->presized = false;
		WRITE_ONCE(s->ht.p.automatic_shrinking, true);
		schedule_work(&s->ht.run_work);
	}
	return err;
}

/*
 * ops->snapshot_at: the live set at one point. Every stripe mutex held,
 * no mutation is between its record's queueing and its verdict (both
 * happen under its stripe), so the table is exactly the log up to the
 * journal's last sequence number (@mark reads it). Under the stripes only
 * a reference to every entry is taken (entries never change); they are
 * emitted, which may sleep on I/O, once mutations run again. The array of
 * references is sized from nkeys, exact while every stripe is held: if
 * keys were added since it was allocated, let go and size it again.
 */
static int smap_store_snapshot_at(void *owner, smap_journal_emit_fn emit,
				  void (*mark)(void *ctx), void *ctx,
				  u64 *hold_ns)
{
	struct smap_store *s = owner;
	struct smap_entry **v, *e;
	size_t cap, n = 0, i;
	unsigned long idx;
	u64 t0, keys;
	int err = 0;

	mutex_lock(&s->backup_lock);
	keys = atomic64_read(&s->nkeys);
	for (;;) {
		cap = keys + keys / 8 + 64;
		v = kvmalloc_array(cap, sizeof(*v), SMAP_GFP_USER);
		if (!v) {
			err = -ENOMEM;
			goto unlock;
		}
		t0 = ktime_get_ns();
		for (i = 0; i < SMAP_STRIPES; i++)
			mutex_lock_nest_lock(&s->stripes[i], &s->backup_lock);
		keys = atomic64_read(&s->nkeys);
		if (keys <= cap)
			break;
		for (i = SMAP_STRIPES; i-- > 0;)
			mutex_unlock(&s->stripes[i]);
		kvfree(v);
	}
	xa_for_each(&s->ids, idx, e) {
		if (WARN_ON_ONCE(n == cap))
			break;
		refcount_inc(&e->ref);
		v[n++] = e;
		if (!(n % SMAP_ITER_BUDGET_N))
			cond_resched();	/* holds mutexes only */
	}
	mark(ctx);
	for (i = SMAP_STRIPES; i-- > 0;)
		mutex_unlock(&s->stripes[i]);
	*hold_ns = ktime_get_ns() - t0;
	for (i = 0; i < n; i++) {
		e = v[i];
		if (!err)
			err = emit(ctx, e->data, e->klen, smap_entry_val(e),
				   e->vlen, e->uid, e->gid, e->mode);
		smap_entry_put(e);
		cond_resched();
	}
	kvfree(v);
unlock:
	mutex_unlock(&s->backup_lock);
	return err;
}

int smap_store_backup(struct smap_store *s, struct file *f,
		      struct smap_journal_backup_info *info)
{
	return smap_journal_backup(s->journal, f, info);
}

/* ops->snapshot: every live entry. */
static int smap_store_snapshot(void *owner, smap_journal_emit_fn emit,
			       void *ctx)
{
	return smap_store_walk(owner, emit, ctx);
}

static const struct smap_journal_ops smap_store_journal_ops = {
	.apply = smap_replay_apply,
	.expect = smap_replay_expect,
	.drain = smap_replay_drain,
	.quiesce = smap_store_quiesce,
	.snapshot = smap_store_snapshot,
	.usage = smap_store_usage,
	.snapshot_at = smap_store_snapshot_at,
};

const struct smap_journal_ops *smap_store_ops(void)
{
	return &smap_store_journal_ops;
}

struct smap_watch_hub *smap_store_watch(struct smap_store *s)
{
	return &s->watch;
}

void smap_store_attach(struct smap_store *s, struct smap_journal *j)
{
	s->journal = j;
}

/* ---- setup -------------------------------------------------------------- */

static void smap_caches_destroy(struct smap_store *s)
{
	int i;

	for (i = 0; i < SMAP_NCLASS; i++) {
		kmem_cache_destroy(s->cache[i]);	/* NULL is fine */
		s->cache[i] = NULL;
	}
}

struct smap_store *smap_store_create(void)
{
	const size_t hdr = offsetof(struct smap_entry, data);
	struct smap_store *s;
	char name[24];
	int i, err;

	BUILD_BUG_ON(sizeof(struct smap_entry) != SMAP_COST_HEADER);
	BUILD_BUG_ON(offsetof(struct smap_entry, rcu) !=
		     offsetof(struct smap_entry, id));
	BUILD_BUG_ON(SMAP_KEY_MAX > U16_MAX);
	s = kvzalloc(sizeof(*s), GFP_KERNEL);
	if (!s)
		return ERR_PTR(-ENOMEM);
	for (i = 0; i < SMAP_STRIPES; i++)
		mutex_init(&s->stripes[i]);
	mutex_init(&s->backup_lock);
	s->stripe_seed = get_random_u32();
	xa_init_flags(&s->ids, XA_FLAGS_ALLOC1);
	xa_init(&s->users);
	INIT_WORK(&s->lanes.work[0], smap_lane0_work);
	INIT_WORK(&s->lanes.work[1], smap_lane1_work);
	smap_watch_hub_init(&s->watch);
	s->pstats = alloc_percpu(struct smap_pcpu_stats);
	if (!s->pstats) {
		err = -ENOMEM;
		goto err_free;
	}
	/* Classes that can hold a header and a 1-byte key and up. */
	for (i = hdr / SMAP_CLASS_STEP; i < SMAP_NCLASS; i++) {
		size_t size = (i + 1) * SMAP_CLASS_STEP;

		snprintf(name, sizeof(name), "smap_entry-%zu", size);
		/* Key and value bytes are copied to user space from here. */
		s->cache[i] = kmem_cache_create_usercopy(name, size, 0,
							 SLAB_ACCOUNT, hdr,
							 size - hdr, NULL);
		if (!s->cache[i]) {
			err = -ENOMEM;
			goto err_cache;
		}
	}
	err = rhashtable_init(&s->ht, &smap_ht_params);
	if (err)
		goto err_cache;
	return s;

err_cache:
	smap_caches_destroy(s);
	free_percpu(s->pstats);
err_free:
	for (i = 0; i < SMAP_STRIPES; i++)
		mutex_destroy(&s->stripes[i]);
	mutex_destroy(&s->backup_lock);
	kvfree(s);
	return ERR_PTR(err);
}

static void smap_free_one(void *ptr, void *arg)
{
	smap_entry_put(ptr);
}

/* Nothing may use the store any more: interfaces are gone. */
void smap_store_destroy(struct smap_store *s)
{
	struct smap_user *u;
	unsigned long uid;
	int i;

	smap_lanes_free(&s->lanes);	/* a replay that failed */
	smap_watch_hub_destroy(&s->watch);
	rhashtable_free_and_destroy(&s->ht, smap_free_one, NULL);
	xa_destroy(&s->ids);
	xa_for_each(&s->users, uid, u)
		kfree(u);
	xa_destroy(&s->users);
	rcu_barrier();		/* every call_rcu() free has run */
	smap_caches_destroy(s);
	free_percpu(s->pstats);
	for (i = 0; i < SMAP_STRIPES; i++)
		mutex_destroy(&s->stripes[i]);
	mutex_destroy(&s->backup_lock);
	kvfree(s);
}
