/* SPDX-License-Identifier: GPL-2.0 */
/*
 * shared_map persistence: the journal, a layer the store stands on.
 *
 * The journal knows records (an op, a key, a value, an owner and a mode)
 * and files; it knows nothing of the store. Its owner opens it with a
 * configuration and an ops table, appends a record for every mutation and
 * waits for it to be durable; the journal hands each record back to
 * ops->apply() at replay, and at compaction asks ops->quiesce() for a
 * consistent point and ops->snapshot() for the live set. No file under
 * persist/ includes a header of module/ (tests/unit/persist-leaf.sh).
 */
#ifndef SMAP_PERSIST_H
#define SMAP_PERSIST_H

#include <linux/types.h>
#include <linux/uidgid.h>
#include <uapi/linux/shared_map_log.h>

struct smap_journal;
struct smap_stats;
struct smap_log_rec;

enum smap_sync_mode { SMAP_SYNC_ALWAYS, SMAP_SYNC_BATCH, SMAP_SYNC_NONE };

/*
 * What the journal reads at every use, READ_ONCE: the owner may change
 * them at any time (writable module parameters) and smap_journal_kick()s.
 */
struct smap_journal_tunables {
	int sync_mode;			/* enum smap_sync_mode */
	unsigned int batch_ms;		/* sync=batch: fsync at most this often;
					 * batch, none: records linger this long */
	unsigned long queue_max;	/* bytes queued before committers wait */
	unsigned long compact_min;	/* compact after this many bytes... */
	unsigned int compact_ratio;	/* ...if the log is this many times the live set */
	unsigned int compact_pause_ms;	/* testing: pause in each compaction step */
	unsigned int backup_pause_ms;	/* testing: pause after each key a backup writes */
	unsigned int replay_progress_ms; /* replay: a dmesg line this often */
	unsigned long prealloc;		/* segments grow by this many zero bytes */
	unsigned int fail_sync;		/* testing: fail log fsyncs up to this many */
};

struct smap_journal_config {
	const char *path;		/* the log directory */
	bool allow_volatile;		/* accept tmpfs/ramfs */
	bool compact_at_load;		/* compact once the log is replayed */
	const struct smap_journal_tunables *tun;
};

/* One record as replay finds it: SMAP_REC_SET or SMAP_REC_DEL. */
struct smap_jrec {
	u16 op;
	umode_t mode;
	u32 klen, vlen;
	const void *key, *val;
	kuid_t uid;
	kgid_t gid;
};

/* A live entry, written into the snapshot: returns 0 or -errno. */
typedef int (*smap_journal_emit_fn)(void *ctx, const void *key, u32 klen,
				    const void *val, u32 vlen, kuid_t uid,
				    kgid_t gid, umode_t mode);

struct smap_journal_ops {
	/*
	 * Replay: apply @r (no log, no checks). The memory @r points to
	 * stays valid until the next drain(); two records of one key are
	 * handed over in log order.
	 */
	int (*apply)(void *owner, const struct smap_jrec *r);
	/*
	 * Replay, once, before the first apply(), if the log holds records:
	 * about how many it holds in all (its bytes over the average record
	 * size of the first buffer read), for the owner to size its tables.
	 * A hint: damage, overwrites and deletes make it no promise. Optional.
	 */
	void (*expect)(void *owner, u64 records);
	/* Everything handed to apply() must be applied now: its memory goes.
	 * @last: replay is over.
	 */
	int (*drain)(void *owner, bool last);
	/* Compaction: every mutation whose record is queued is applied. */
	void (*quiesce)(void *owner);
	/* Compaction: @emit every live entry; stop at its first error. */
	int (*snapshot)(void *owner, smap_journal_emit_fn emit, void *ctx);
	/* Keys and bytes (keys + values) live: when to compact. */
	void (*usage)(void *owner, u64 *keys, u64 *bytes);
	/*
	 * Backup: @emit the live set as it stands at one point, every
	 * mutation whose record was queued before it applied and none after
	 * (compaction's quiesce and snapshot give no such point: writes go on
	 * during its walk). @mark(@ctx) is called at that point, every
	 * mutation held (the journal reads its sequence number there);
	 * *@hold_ns: how long mutations were held. Stop at @emit's first error.
	 */
	int (*snapshot_at)(void *owner, smap_journal_emit_fn emit,
			   void (*mark)(void *ctx), void *ctx, u64 *hold_ns);
};

/* What smap_journal_backup() wrote. */
struct smap_journal_backup_info {
	u64 seq;	/* the state after this record: none later is in */
	u64 keys;
	u64 bytes;	/* the file's size */
	u64 hold_ns;	/* ops->snapshot_at()'s */
};

/*
 * smap_journal_create() allocates and initialises (ERR_PTR on failure):
 * from then on the control calls below may be made. smap_journal_start()
 * opens the directory, locks it, replays it into the owner through
 * ops->apply() and starts the writer; smap_journal_stop() undoes a
 * successful start (flushes, stops, releases), smap_journal_destroy()
 * frees.
 */
struct smap_journal *smap_journal_create(const struct smap_journal_config *cfg,
					 const struct smap_journal_ops *ops,
					 void *owner);
int smap_journal_start(struct smap_journal *j);
void smap_journal_stop(struct smap_journal *j);
void smap_journal_destroy(struct smap_journal *j);

/* A record ready to append: SMAP_REC_SET (val may be NULL if vlen is 0) or
 * SMAP_REC_DEL. Charged to the caller's memory cgroup; NULL on failure.
 */
struct smap_log_rec *smap_log_rec_alloc(int op, const void *key, u32 klen,
					const void *val, u32 vlen, kuid_t uid,
					kgid_t gid, umode_t mode);
void smap_log_rec_free(struct smap_log_rec *rec);

/*
 * Append @rec (always consumed). With sync=always it returns once the record
 * is on stable storage; with batch or none once it is queued. Returns 0, the
 * errno of a failed write or fsync, or -EROFS while the journal is read-only.
 */
int smap_journal_commit(struct smap_journal *j, struct smap_log_rec *rec);

/*
 * The two halves of smap_journal_commit(), for a caller that commits
 * several records and waits for them together (one fsync for them all):
 * queue gives @rec its sequence number and returns 1 if the caller must
 * smap_journal_wait() for @rec (which then consumes it), 0 if it was
 * consumed already, or -errno. With @kick false the writer is not woken
 * for @rec (unless the queue is full): the caller queues the rest of its
 * group and calls smap_journal_kick() once before waiting, so that the
 * writer takes the whole group in one round (one fsync), not its first
 * records alone.
 */
int smap_journal_queue(struct smap_journal *j, struct smap_log_rec *rec,
		       bool kick);
int smap_journal_wait(struct smap_log_rec *rec);

/* 0, or -EROFS after an I/O error until smap_journal_recover() succeeds. */
int smap_journal_writable(struct smap_journal *j);
int smap_journal_recover(struct smap_journal *j);
/*
 * Write the owner's live set at one sequence number (ops->snapshot_at) to
 * @f, a regular, empty file open for writing that the caller opened, as a
 * snapshot file (base_segment 1, first_seq = that number, an END record),
 * and fsync it: a directory holding it as "snapshot" loads as that state.
 * The header is written last. 0, -EINVAL (not a regular file), -EBADF (not
 * writable), -ENOTEMPTY, or the error of a write.
 */
int smap_journal_backup(struct smap_journal *j, struct file *f,
			struct smap_journal_backup_info *info);
/* Compact now (before the writer runs: as soon as it does). */
int smap_journal_compact(struct smap_journal *j);
/* Wake the writer: the tunables changed, or a group is queued. */
void smap_journal_kick(struct smap_journal *j);
void smap_journal_fill_stats(struct smap_journal *j, struct smap_stats *st);

#endif /* SMAP_PERSIST_H */
