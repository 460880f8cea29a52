/* SPDX-License-Identifier: GPL-2.0 */
/*
 * shared_map persistence: the interface between the store (module/store.c)
 * and the append-only log (persist/). The store calls smap_persist_commit()
 * for every mutation while it holds the key's stripe lock, and applies the
 * mutation in memory only when the commit succeeded; the log calls back into
 * the store to replay at load and to walk the live set when compacting.
 */
#ifndef SMAP_PERSIST_H
#define SMAP_PERSIST_H

#include <linux/types.h>
#include <linux/uidgid.h>
#include <uapi/linux/shared_map_log.h>

struct smap_stats;
struct smap_log_rec;

/* A record ready to append: SMAP_REC_SET (val may be NULL if vlen is 0) or
 * SMAP_REC_DEL. GFP_KERNEL; NULL on allocation failure.
 */
struct smap_log_rec *smap_log_rec_alloc(int op, const void *key, u32 klen,
					const void *val, u32 vlen, kuid_t uid,
					kgid_t gid, umode_t mode);
void smap_log_rec_free(struct smap_log_rec *rec);

/*
 * Append @rec (always consumed). With sync=always it returns once the record
 * is on stable storage; with batch or none once it is queued. Returns 0, the
 * errno of a failed write or fsync, or -EROFS while the store is read-only.
 */
int smap_persist_commit(struct smap_log_rec *rec);

/*
 * The two halves of smap_persist_commit(), for a caller that commits
 * several records and waits for them together (one fsync for them all):
 * queue returns 1 if the caller must smap_persist_wait() for @rec (which
 * then consumes it), 0 if it was consumed already, or -errno.
 */
int smap_persist_queue(struct smap_log_rec *rec);
int smap_persist_wait(struct smap_log_rec *rec);

/* 0, or -EROFS after an I/O error until smap_persist_recover() succeeds. */
int smap_persist_writable(void);
int smap_persist_recover(void);

int smap_persist_init(void);	/* lock the directory, replay, start writer */
void smap_persist_exit(void);	/* flush, stop, release */
void smap_persist_fill_stats(struct smap_stats *st);

/* ---- provided by the store ---------------------------------------------- */

/*
 * Replay: insert or replace without logging or permission checks, from
 * module init, into a store nothing reads yet. Each replay thread brings
 * its own batch: new keys get ids a block at a time and enter the id map a
 * block at a time, under one lock, instead of one locked store each with
 * the other thread contending. smap_store_load_flush() each batch at the
 * end. A thread's keys are its own: two never load the same key.
 */
#define SMAP_LOAD_BATCH	64
struct smap_entry;
struct smap_load_batch {
	u32 first;		/* id of e[0]; 0: no block reserved */
	u32 n;			/* ids used from the block */
	s64 keys, bytes;	/* changes not yet added to the store's counts */
	struct smap_entry *e[SMAP_LOAD_BATCH];	/* NULL: deleted since */
};
int smap_store_load(struct smap_load_batch *b, const void *key, u32 klen,
		    const void *val, u32 vlen, kuid_t uid, kgid_t gid,
		    umode_t mode);
void smap_store_load_del(struct smap_load_batch *b, const void *key, u32 klen);
int smap_store_load_flush(struct smap_load_batch *b);

/* Compaction: call @fn for every live entry; @fn may sleep. Stops at and
 * returns the first nonzero return of @fn.
 */
typedef int (*smap_walk_fn)(void *ctx, const void *key, u32 klen,
			    const void *val, u32 vlen, kuid_t uid, kgid_t gid,
			    umode_t mode);
int smap_store_walk(smap_walk_fn fn, void *ctx);

/* Number of keys and bytes (keys + values) stored: the live set's size. */
void smap_store_usage(u64 *keys, u64 *bytes);

/* Wait until every mutation that has committed a record is applied in
 * memory (takes and drops every stripe lock).
 */
void smap_store_barrier(void);

#endif /* SMAP_PERSIST_H */
