/* SPDX-License-Identifier: GPL-2.0 */
/* State shared by the files of persist/: writer, replay, compaction. */
#ifndef SMAP_PERSIST_INTERNAL_H
#define SMAP_PERSIST_INTERNAL_H

#include <linux/atomic.h>
#include <linux/completion.h>
#include <linux/fs.h>
#include <linux/list.h>
#include <linux/mutex.h>
#include <linux/spinlock.h>
#include <linux/wait.h>
#include <linux/workqueue.h>
#include <uapi/linux/shared_map_log.h>
#include "persist.h"

struct smap_log_rec {
	struct list_head node;
	bool waiter;		/* a committer waits for it and frees it */
	int err;
	struct completion done;	/* waiter: the writer's verdict is in err */
	struct smap_rec_hdr hdr;	/* written to the file from here... */
	u8 payload[];			/* ...through key, value, padding */
};

enum smap_ctl_op { SMAP_CTL_NONE, SMAP_CTL_SWITCH, SMAP_CTL_RECOVER };

/*
 * Appends gathered in a buffer and written to a file in one kernel_write()
 * when it fills or is flushed: a round of small records, or a snapshot's
 * records, costs one write per buffer, not one per record. @pos is where
 * the file's next byte goes: what is still in the buffer is not counted
 * until it is written.
 */
struct smap_wbuf {
	struct file *f;
	loff_t *pos;
	u8 *buf;
	size_t size;
	size_t fill;
};

/* Replay's reads that a readahead could have served, and their time. */
struct smap_read_stats {
	unsigned int reads;
	u64 ns;
};

/* The writer's: records larger than this are written on their own. */
#define SMAP_LOG_WBUF	(64 << 10)

struct smap_journal {
	struct smap_journal_config cfg;
	const struct smap_journal_ops *ops;
	void *owner;			/* ops' first argument */
	struct path dir;		/* the log directory */
	struct file *lock;		/* LOCK, flock'ed while we run */

	/* owned by the writer thread */
	struct file *seg;
	u64 seg_no;
	loff_t seg_pos;
	loff_t synced_pos;
	/*
	 * With seg_prealloc (its header says SMAP_HDR_PREALLOC), the file
	 * holds durable zero bytes from seg_pos to alloc_end, which the
	 * records overwrite: fsync then has no size or block to commit.
	 */
	bool seg_prealloc;
	loff_t alloc_end;
	loff_t prealloc_step;		/* the next extension: doubles to prealloc */
	unsigned int failed_syncs;	/* testing: fail_sync's count */
	unsigned long last_sync;	/* jiffies */
	u64 sync_ns;			/* how long the last fsync took */
	struct smap_wbuf wbuf;		/* a round's records, on their way */
	unsigned int gather;		/* waiters to gather before a round */

	spinlock_t qlock;		/* pending, next_seq, ctl_op */
	struct list_head pending;
	unsigned int pending_waiters;	/* records in pending with a waiter */
	u64 next_seq;
	wait_queue_head_t kick;		/* the writer sleeps here */
	wait_queue_head_t done;		/* committers sleep here */
	struct task_struct *writer;

	struct mutex ctl_lock;		/* one control request at a time */
	enum smap_ctl_op ctl_op;
	bool ctl_done;
	int ctl_err;
	u64 ctl_seg;

	int io_err;			/* nonzero: read-only */
	/*
	 * A failed round left records past synced_pos that must never be
	 * replayed: the segment is cut back to cut_pos. Until that (or a new
	 * segment recording prev_end = cut_pos) is durable, cut_pending holds
	 * a module reference, so rmmod cannot bring them back.
	 */
	bool cut_pending;
	loff_t cut_pos;
	u64 skipped_records;		/* replay: damaged records passed over */
	u64 skipped_bytes;
	bool started;			/* smap_journal_start() succeeded */
	bool stopping;			/* unloading: no new compaction */
	bool compact_asap;		/* replay repaired damage: rewrite */
	bool compact_at_load;		/* compact_now before the writer ran */
	atomic64_t queued_bytes;	/* in pending, for queue_max */

	struct mutex compact_lock;
	struct work_struct compact_work;
	atomic64_t log_bytes;		/* bytes in files replay reads */
	atomic64_t since_compact;	/* bytes appended since last compaction */
	atomic64_t log_records;
	atomic64_t fsyncs;
	atomic64_t compactions;
	u64 replayed;
	u64 replay_total;		/* replay: bytes of every file to read */
	struct smap_read_stats replay_reads;	/* replay's, read ahead */
	u64 replay_done;		/* bytes of the files read so far */
	ktime_t replay_start;		/* progress: since when, */
	unsigned long replay_next;	/* and when next to say it (jiffies) */
	bool replay_hinted;		/* ops->expect() was told */
	u64 truncated;
	u64 corrupt;
};


/* fsops.c: small VFS helpers, relative to the log directory */
/* Look up the log directory @path, creating it (0700) if missing, and check
 * that only root can change it and the directories on the way; -EPERM and
 * one dmesg line if not.
 */
int smap_fs_open_dir(const char *path, struct path *dir);
/* An existing log file: regular, owned by root, one link; never follows a
 * symlink nor opens a FIFO or a device. -EPERM and a dmesg line if not.
 */
struct file *smap_fs_open(struct smap_journal *j, const char *name,
			  int flags);
/* A new log file (0600): whatever had the name is unlinked first. */
struct file *smap_fs_create(struct smap_journal *j, const char *name,
			    int flags);
/* Run @fn in the module's own context (a kworker: root's credentials, no
 * caller's umask, RLIMIT_FSIZE or memory cgroup); directly if already in a
 * kernel thread.
 */
int smap_fs_call(int (*fn)(void *arg), void *arg);
int smap_fs_unlink(struct smap_journal *j, const char *name);
int smap_fs_rename(struct smap_journal *j, const char *from,
		   const char *to);
int smap_fs_sync_dir(struct smap_journal *j);
int smap_fs_copy(struct smap_journal *j, const char *from, const char *to);
int smap_fs_lock(struct file *f);
typedef bool (*smap_dir_actor)(void *ctx, const char *name, int len);
int smap_fs_list(struct smap_journal *j, smap_dir_actor actor, void *ctx);
int smap_fs_write_all(struct file *f, const void *buf, size_t len,
		      loff_t *pos);
int smap_fs_truncate(struct file *f, loff_t len);
int smap_wbuf_init(struct smap_wbuf *b, size_t size);
void smap_wbuf_free(struct smap_wbuf *b);
/* Room for @len bytes (at most b->size), flushing first if need be. */
void *smap_wbuf_room(struct smap_wbuf *b, size_t len, int *err);
/* Add @len bytes; a record larger than the buffer goes straight out. */
int smap_wbuf_add(struct smap_wbuf *b, const void *p, size_t len);
/* Write out what is buffered; on error it is dropped. */
int smap_wbuf_flush(struct smap_wbuf *b);
void smap_file_hdr_init(struct smap_file_hdr *h, u32 kind, u64 segment,
			u64 base, u64 first_seq, loff_t prev_end, bool has_prev);
u32 smap_rec_crc(const struct smap_rec_hdr *h);
u32 smap_file_hdr_crc(const struct smap_file_hdr *h);
/* A header of a file of @kind this version reads (magic, version, CRC). */
bool smap_file_hdr_ok(const struct smap_file_hdr *h, u32 kind);

/* log.c */
int smap_log_open_segment(struct smap_journal *j, u64 seg_no,
			  loff_t prev_end, bool has_prev);
int smap_log_control(struct smap_journal *j, enum smap_ctl_op op, u64 *seg);

/* replay.c */
struct smap_dir_scan {
	u64 *segs;		/* log segment numbers, ascending */
	int n, cap;
	bool snapshot, snapshot_tmp;
	int err;
};
/* caller kfree()s segs */
int smap_scan_dir(struct smap_journal *j, struct smap_dir_scan *s);
int smap_replay(struct smap_journal *j, u64 *next_seg, u64 *next_seq,
		loff_t *prev_end, bool *has_prev);

/* compact.c */
void smap_compact_work(struct work_struct *work);
void smap_compact_maybe(struct smap_journal *j);

/* placement.c: 0, or -EMEDIUMTYPE (with a dmesg line) for a volatile
 * file system that cfg.allow_volatile does not accept
 */
int smap_check_placement(struct smap_journal *j);

#endif /* SMAP_PERSIST_INTERNAL_H */
