// SPDX-License-Identifier: GPL-2.0
/*
 * shared_map persistence: the append-only log and its writer thread.
 *
 * Committers queue a record (sequence number assigned under qlock, so the
 * queue is in log order) and, with sync=always, sleep until the writer
 * thread reports it durable. The writer takes everything queued, writes it
 * with kernel_write() and covers the whole round with one fsync: concurrent
 * writers share one fsync (group commit). A failed write or fsync fails the
 * round's records and turns the store read-only until recovered.
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/file.h>
#include <linux/fs.h>
#include <linux/kstrtox.h>
#include <linux/jiffies.h>
#include <linux/kthread.h>
#include <linux/module.h>
#include <linux/namei.h>
#include <linux/slab.h>
#include <linux/string.h>
#include <uapi/linux/shared_map.h>
#include "internal.h"
#include "param.h"
#include "persist.h"
#include "placement.h"

struct smap_plog smap_plog;

/* ---- parameters --------------------------------------------------------- */

char *smap_log_path = "/var/tmp/shared_map";
module_param_named(path, smap_log_path, charp, 0444);
MODULE_PARM_DESC(path, "log directory (default /var/tmp/shared_map)");

static int smap_sync_mode = SMAP_SYNC_ALWAYS;
static const char * const smap_sync_names[] = {
	[SMAP_SYNC_ALWAYS] = "always",
	[SMAP_SYNC_BATCH] = "batch",
	[SMAP_SYNC_NONE] = "none",
};

static int smap_sync_set(const char *val, const struct kernel_param *kp)
{
	int i = sysfs_match_string(smap_sync_names, val);

	if (i < 0)
		return -EINVAL;
	WRITE_ONCE(smap_sync_mode, i);
	if (READ_ONCE(smap_plog.writer))	/* not while parsing modprobe's args */
		wake_up(&smap_plog.kick);
	return 0;
}

static int smap_sync_get(char *buf, const struct kernel_param *kp)
{
	return sysfs_emit(buf, "%s\n", smap_sync_names[READ_ONCE(smap_sync_mode)]);
}

static const struct kernel_param_ops smap_sync_ops = {
	.set = smap_sync_set,
	.get = smap_sync_get,
};
module_param_cb(sync, &smap_sync_ops, NULL, 0644);
MODULE_PARM_DESC(sync, "durability: always (default), batch or none");

static unsigned int smap_batch_ms = 10;
smap_param_range(batch_ms, smap_batch_ms, 1, 10000, 0644);
MODULE_PARM_DESC(batch_ms, "sync=batch: fsync at most this often (ms; 1..10000, default 10)");

/* at least the largest record (1 MiB value + 1 KiB key + header), or a
 * committer of one could wait for room that never comes
 */
static unsigned long smap_queue_max = 32 << 20;
smap_param_range(queue_max, smap_queue_max, 2 << 20, 1 << 30, 0644);
MODULE_PARM_DESC(queue_max, "bytes queued for the writer before committers wait (2 MiB..1 GiB, default 32 MiB)");

static int smap_recover_set(const char *val, const struct kernel_param *kp)
{
	bool on;

	if (kstrtobool(val, &on))
		return -EINVAL;
	/* before the writer runs (a modprobe argument) nothing is read-only */
	if (!on || (!READ_ONCE(smap_plog.writer) &&
		    !READ_ONCE(smap_plog.stopping)))
		return 0;
	return smap_persist_recover();
}

static int smap_read_only_get(char *buf, const struct kernel_param *kp)
{
	return sysfs_emit(buf, "%d\n", READ_ONCE(smap_plog.io_err) ? 1 : 0);
}

static const struct kernel_param_ops smap_recover_ops = {
	.set = smap_recover_set,
	.get = smap_read_only_get,
};
module_param_cb(recover, &smap_recover_ops, NULL, 0200);
MODULE_PARM_DESC(recover, "write 1: leave read-only mode after an I/O error");

static const struct kernel_param_ops smap_read_only_ops = {
	.get = smap_read_only_get,
};
module_param_cb(read_only, &smap_read_only_ops, NULL, 0444);
MODULE_PARM_DESC(read_only, "1 while the store refuses writes after an I/O error");

/* ---- records ------------------------------------------------------------ */

struct smap_log_rec *smap_log_rec_alloc(int op, const void *key, u32 klen,
					const void *val, u32 vlen, kuid_t uid,
					kgid_t gid, umode_t mode)
{
	u32 len = smap_rec_len(klen, vlen);
	struct smap_log_rec *rec;
	u8 *p;

	/* the caller's: charged to its memory cgroup, ENOMEM there */
	rec = kvmalloc(offsetof(struct smap_log_rec, hdr) + len,
		       GFP_KERNEL_ACCOUNT | __GFP_RETRY_MAYFAIL | __GFP_NOWARN);
	if (!rec)
		return NULL;
	rec->waiter = false;
	rec->err = 0;
	rec->hdr.magic = cpu_to_le32(SMAP_REC_MAGIC);
	rec->hdr.crc = 0;
	rec->hdr.len = cpu_to_le32(len);
	rec->hdr.op = cpu_to_le16(op);
	rec->hdr.mode = cpu_to_le16(mode & 0777);
	rec->hdr.seq = 0;
	rec->hdr.key_len = cpu_to_le32(klen);
	rec->hdr.val_len = cpu_to_le32(vlen);
	rec->hdr.uid = cpu_to_le32(from_kuid(&init_user_ns, uid));
	rec->hdr.gid = cpu_to_le32(from_kgid(&init_user_ns, gid));
	p = rec->payload;
	memcpy(p, key, klen);
	if (vlen)
		memcpy(p + klen, val, vlen);
	memset(p + klen + vlen, 0, len - sizeof(rec->hdr) - klen - vlen);
	return rec;
}

void smap_log_rec_free(struct smap_log_rec *rec)
{
	kvfree(rec);
}

static atomic64_t smap_queued_bytes = ATOMIC64_INIT(0);

int smap_persist_writable(void)
{
	return READ_ONCE(smap_plog.io_err) ? -EROFS : 0;
}

int smap_persist_queue(struct smap_log_rec *rec)
{
	struct smap_plog *pl = &smap_plog;
	u32 len = le32_to_cpu(rec->hdr.len);

	/* backpressure: never queue without bound when the disk is slow */
	wait_event(pl->done, atomic64_read(&smap_queued_bytes) <
			     READ_ONCE(smap_queue_max) || READ_ONCE(pl->io_err));
	spin_lock(&pl->qlock);
	if (pl->io_err) {
		spin_unlock(&pl->qlock);
		smap_log_rec_free(rec);
		return -EROFS;
	}
	rec->hdr.seq = cpu_to_le64(++pl->next_seq);
	rec->waiter = READ_ONCE(smap_sync_mode) == SMAP_SYNC_ALWAYS;
	if (rec->waiter)
		init_completion(&rec->done);
	/* read without the lock by the writer's gather */
	WRITE_ONCE(pl->pending_waiters, pl->pending_waiters + rec->waiter);
	list_add_tail(&rec->node, &pl->pending);
	atomic64_add(len, &smap_queued_bytes);
	spin_unlock(&pl->qlock);
	wake_up(&pl->kick);
	return rec->waiter ? 1 : 0;
}

int smap_persist_wait(struct smap_log_rec *rec)
{
	int err;

	wait_for_completion(&rec->done);
	err = rec->err;
	smap_log_rec_free(rec);
	return err;
}

int smap_persist_commit(struct smap_log_rec *rec)
{
	int ret = smap_persist_queue(rec);

	return ret > 0 ? smap_persist_wait(rec) : ret;
}

/* ---- the writer thread -------------------------------------------------- */

static void smap_set_io_error(int err)
{
	struct smap_plog *pl = &smap_plog;

	spin_lock(&pl->qlock);
	if (!pl->io_err)
		pl->io_err = err;
	spin_unlock(&pl->qlock);
	pr_err("log write failed (%d): the store is read-only until 'echo 1 > /sys/module/shared_map/parameters/recover'\n",
	       err);
}

static int smap_log_sync(void)
{
	struct smap_plog *pl = &smap_plog;
	u64 t0;
	int err;

	if (!pl->seg || pl->seg_pos <= pl->synced_pos)
		return 0;
	t0 = ktime_get_ns();
	err = vfs_fsync_range(pl->seg, pl->synced_pos, pl->seg_pos - 1, 1);
	pl->sync_ns = ktime_get_ns() - t0;
	atomic64_inc(&pl->fsyncs);
	pl->last_sync = jiffies;
	if (!err)
		pl->synced_pos = pl->seg_pos;
	return err;
}

/*
 * A round failed: the records past the last durable position were refused
 * (or, at batch and none, were never promised durable) and must never be
 * replayed. Cut the segment back to synced_pos and make that durable before
 * any committer hears of the failure. If the cut fails too, hold a module
 * reference until recover cuts it or records the cut in the next segment's
 * header, so that no reload can replay what was refused.
 */
static int smap_log_cut(void)
{
	struct smap_plog *pl = &smap_plog;
	int err;

	if (!pl->cut_pending) {
		pl->cut_pending = true;
		pl->cut_pos = pl->synced_pos;
		__module_get(THIS_MODULE);
	}
	err = vfs_truncate(&pl->seg->f_path, pl->cut_pos);
	if (!err)
		err = vfs_fsync(pl->seg, 0);
	if (err) {
		pr_err("cannot cut log.%016llx back to %lld (%d): refused records stay until recover; rmmod is refused until then\n",
		       pl->seg_no, pl->cut_pos, err);
		return err;
	}
	atomic64_sub(pl->seg_pos - pl->cut_pos, &pl->log_bytes);
	pl->seg_pos = pl->cut_pos;
	pl->cut_pending = false;
	module_put(THIS_MODULE);
	return 0;
}

/* Write one round of records; fsync if any committer waits or batch_ms is up. */
static void smap_writer_round(struct list_head *batch)
{
	struct smap_plog *pl = &smap_plog;
	struct smap_log_rec *rec, *tmp;
	bool need_sync = false;
	unsigned int acked = 0;
	int err = READ_ONCE(pl->io_err) ? -EROFS : 0;
	int mode = READ_ONCE(smap_sync_mode);

	list_for_each_entry(rec, batch, node) {
		u32 len = le32_to_cpu(rec->hdr.len);

		need_sync |= rec->waiter;
		if (err)
			continue;
		rec->hdr.crc = cpu_to_le32(smap_rec_crc(&rec->hdr));
		err = smap_fs_write_all(pl->seg, &rec->hdr, len, &pl->seg_pos);
		if (err)
			break;
		atomic64_add(len, &pl->log_bytes);
		atomic64_add(len, &pl->since_compact);
		atomic64_inc(&pl->log_records);
	}
	if (!err && mode == SMAP_SYNC_BATCH &&
	    time_after_eq(jiffies, pl->last_sync +
			  msecs_to_jiffies(READ_ONCE(smap_batch_ms))))
		need_sync = true;
	if (!err && need_sync)
		err = smap_log_sync();
	if (err && err != -EROFS) {
		smap_set_io_error(err);
		smap_log_cut();
	}

	/* who waits now, before the acked committers can come back */
	spin_lock(&pl->qlock);
	pl->gather = pl->pending_waiters;
	spin_unlock(&pl->qlock);
	list_for_each_entry_safe(rec, tmp, batch, node) {
		list_del(&rec->node);
		atomic64_sub(le32_to_cpu(rec->hdr.len), &smap_queued_bytes);
		if (!rec->waiter) {
			smap_log_rec_free(rec);
			continue;
		}
		rec->err = err;
		acked++;
		complete(&rec->done);	/* its committer only */
	}
	pl->gather += acked;
	wake_up_all(&pl->done);	/* backpressure: the queue shrank */
}

/*
 * Group commit. With one fsync in flight, committers that arrive during it
 * wait for it and then for their own: closed-loop clients split into two
 * cohorts that alternate, each round carrying half of them. So before the
 * next round, give the committers just acked a moment to come back (until
 * as many wait as waited then plus those acked, or a quarter of the last
 * fsync's time, at most 2 ms): then every round carries all of them. A lone
 * committer is back before the condition is even checked; the delay is
 * bounded by a fraction of the fsync it saves.
 */
static void smap_writer_gather(void)
{
	struct smap_plog *pl = &smap_plog;
	u64 wait_ns = min_t(u64, pl->sync_ns / 4, 2 * NSEC_PER_MSEC);

	if (pl->gather <= 1 || !wait_ns)
		return;
	wait_event_interruptible_hrtimeout(pl->kick,
		READ_ONCE(pl->pending_waiters) >= pl->gather ||
		READ_ONCE(pl->ctl_op) != SMAP_CTL_NONE ||
		kthread_should_stop(), ns_to_ktime(wait_ns));
}

/*
 * Mark segment @seg_no as followed (SMAP_HDR_NEXT), its successor being
 * durable now: if the successor later vanishes, the newest segment left says
 * that one follows it and replay notices. The 64-byte header is rewritten
 * in place (within one sector). Failing only loses that detection: warn.
 */
static void smap_log_mark_followed(u64 seg_no)
{
	struct smap_file_hdr h;
	struct file *f;
	char name[32];
	loff_t pos = 0;
	int err = -EIO;

	snprintf(name, sizeof(name), SMAP_LOG_PREFIX "%016llx", seg_no);
	f = smap_fs_open(name, O_RDWR);
	if (IS_ERR(f)) {
		err = PTR_ERR(f);
		goto out;
	}
	if (kernel_read(f, &h, sizeof(h), &pos) != sizeof(h) ||
	    le32_to_cpu(h.magic) != SMAP_FILE_MAGIC ||
	    le32_to_cpu(h.version) < 2 ||
	    le32_to_cpu(h.crc) != smap_file_hdr_crc(&h))
		goto put;	/* damaged or v1: leave it as it is */
	h.flags |= cpu_to_le32(SMAP_HDR_NEXT);
	h.crc = cpu_to_le32(smap_file_hdr_crc(&h));
	pos = 0;
	err = smap_fs_write_all(f, &h, sizeof(h), &pos);
	if (!err)
		err = vfs_fsync(f, 1);
put:
	fput(f);
out:
	if (err)
		pr_warn_ratelimited("cannot mark %s as followed (%d): its successor's loss would go unnoticed\n",
				    name, err);
}

/*
 * Start segment @seg_no. With @has_prev, its header records that segment
 * seg_no - 1 ends at @prev_end (a durable position): replay checks the
 * chain with it and never applies what lies past it; and once the new
 * segment is durable, seg_no - 1 is marked as followed.
 */
int smap_log_open_segment(u64 seg_no, loff_t prev_end, bool has_prev)
{
	struct smap_plog *pl = &smap_plog;
	struct smap_file_hdr h;
	struct file *f;
	char name[32];
	loff_t pos = 0;
	int err;

	snprintf(name, sizeof(name), SMAP_LOG_PREFIX "%016llx", seg_no);
	f = smap_fs_create(name, O_WRONLY);
	if (IS_ERR(f))
		return PTR_ERR(f);
	smap_file_hdr_init(&h, SMAP_FILE_LOG, seg_no, 0, pl->next_seq + 1,
			   prev_end, has_prev);
	err = smap_fs_write_all(f, &h, sizeof(h), &pos);
	if (!err)
		err = vfs_fsync(f, 0);
	if (!err)
		err = smap_fs_sync_dir();
	if (err) {
		fput(f);
		return err;
	}
	if (has_prev)
		smap_log_mark_followed(seg_no - 1);
	if (pl->seg)
		fput(pl->seg);
	pl->seg = f;
	pl->seg_no = seg_no;
	pl->seg_pos = pos;
	pl->synced_pos = pos;
	pl->last_sync = jiffies;
	atomic64_add(pos, &pl->log_bytes);
	return 0;
}

static void smap_writer_control(enum smap_ctl_op op)
{
	struct smap_plog *pl = &smap_plog;
	int err = 0;

	switch (op) {
	case SMAP_CTL_SWITCH:
		err = READ_ONCE(pl->io_err) ? -EROFS : smap_log_sync();
		if (!err)
			err = smap_log_open_segment(pl->seg_no + 1,
						    pl->synced_pos, true);
		if (err && err != -EROFS)
			smap_set_io_error(err);
		break;
	case SMAP_CTL_RECOVER:
		if (pl->cut_pending)
			smap_log_cut();	/* else the new header records it */
		err = smap_log_open_segment(pl->seg_no + 1,
					    pl->cut_pending ? pl->cut_pos :
							      pl->synced_pos,
					    true);
		if (!err && pl->cut_pending) {
			pl->cut_pending = false;
			module_put(THIS_MODULE);
		}
		if (!err) {
			spin_lock(&pl->qlock);
			pl->io_err = 0;
			spin_unlock(&pl->qlock);
		}
		break;
	default:
		break;
	}
	pl->ctl_err = err;
	pl->ctl_seg = pl->seg_no;
	spin_lock(&pl->qlock);
	pl->ctl_op = SMAP_CTL_NONE;
	spin_unlock(&pl->qlock);
	smp_store_release(&pl->ctl_done, true);
	wake_up_all(&pl->done);
}

static long smap_writer_timeout(void)
{
	struct smap_plog *pl = &smap_plog;
	unsigned long due;

	if (READ_ONCE(smap_sync_mode) != SMAP_SYNC_BATCH ||
	    pl->seg_pos <= pl->synced_pos)
		return MAX_SCHEDULE_TIMEOUT;
	due = pl->last_sync + msecs_to_jiffies(READ_ONCE(smap_batch_ms));
	return time_after(due, jiffies) ? due - jiffies : 0;
}

static bool smap_writer_has_work(void)
{
	struct smap_plog *pl = &smap_plog;
	bool work;

	spin_lock(&pl->qlock);
	work = !list_empty(&pl->pending) || pl->ctl_op != SMAP_CTL_NONE;
	spin_unlock(&pl->qlock);
	return work;
}

static int smap_writer(void *unused)
{
	struct smap_plog *pl = &smap_plog;
	LIST_HEAD(batch);
	enum smap_ctl_op op;

	for (;;) {
		wait_event_interruptible_timeout(pl->kick,
						 smap_writer_has_work() ||
						 kthread_should_stop(),
						 smap_writer_timeout());
		smap_writer_gather();
		pl->gather = 0;
		spin_lock(&pl->qlock);
		list_splice_init(&pl->pending, &batch);
		WRITE_ONCE(pl->pending_waiters, 0);
		op = pl->ctl_op;
		spin_unlock(&pl->qlock);

		smap_writer_round(&batch);
		if (op != SMAP_CTL_NONE)
			smap_writer_control(op);
		smap_compact_maybe();
		if (kthread_should_stop() && !smap_writer_has_work())
			break;
	}
	if (!READ_ONCE(pl->io_err) && smap_log_sync())
		pr_err("final log fsync failed\n");
	return 0;
}

int smap_log_control(enum smap_ctl_op op, u64 *seg)
{
	struct smap_plog *pl = &smap_plog;
	int err;

	mutex_lock(&pl->ctl_lock);
	if (pl->stopping) {	/* the writer is going or gone */
		mutex_unlock(&pl->ctl_lock);
		return -ENODEV;
	}
	pl->ctl_done = false;
	spin_lock(&pl->qlock);
	pl->ctl_op = op;
	spin_unlock(&pl->qlock);
	wake_up(&pl->kick);
	wait_event(pl->done, smp_load_acquire(&pl->ctl_done));
	err = pl->ctl_err;
	if (seg)
		*seg = pl->ctl_seg;
	mutex_unlock(&pl->ctl_lock);
	return err;
}

int smap_persist_recover(void)
{
	int err;

	if (!READ_ONCE(smap_plog.writer))
		return -ENODEV;
	if (!READ_ONCE(smap_plog.io_err))
		return 0;
	err = smap_log_control(SMAP_CTL_RECOVER, NULL);
	if (err) {
		pr_err("recover failed (%d): still read-only\n", err);
		return err;
	}
	/* what memory holds but the failed segment may lack: snapshot it all */
	err = smap_compact_now();
	pr_info("recovered from I/O error%s\n", err ? ", snapshot failed" : "");
	return err;
}

/* ---- load and unload ---------------------------------------------------- */

/* Everything at load that touches files: in the module's own context. */
static int smap_persist_start(void *unused)
{
	struct smap_plog *pl = &smap_plog;
	u64 next_seg = 1, next_seq = 0;
	loff_t prev_end = 0;
	bool has_prev = false;
	struct task_struct *t;
	int err;

	pl->lock = smap_fs_open(SMAP_LOCK_NAME, O_RDWR);
	if (pl->lock == ERR_PTR(-ENOENT))
		pl->lock = smap_fs_create(SMAP_LOCK_NAME, O_RDWR);
	if (IS_ERR(pl->lock)) {
		err = PTR_ERR(pl->lock);
		pl->lock = NULL;
		pr_err("cannot open %s/" SMAP_LOCK_NAME " (%d)\n",
		       smap_log_path, err);
		return err;
	}
	err = smap_fs_lock(pl->lock);
	if (err) {
		pr_err("%s is in use by another instance (lock: %d)\n",
		       smap_log_path, err);
		err = -EBUSY;
		goto put_lock;
	}
	err = smap_replay(&next_seg, &next_seq, &prev_end, &has_prev);
	if (err)
		goto put_lock;
	pl->next_seq = next_seq;
	err = smap_log_open_segment(next_seg, prev_end, has_prev);
	if (err) {
		pr_err("cannot create log segment in %s (%d)\n", smap_log_path,
		       err);
		goto put_lock;
	}
	t = kthread_run(smap_writer, NULL, "smap-log");
	if (IS_ERR(t)) {
		err = PTR_ERR(t);
		goto put_seg;
	}
	mutex_lock(&pl->compact_lock);
	WRITE_ONCE(pl->writer, t);
	if (READ_ONCE(smap_compact_at_load))
		WRITE_ONCE(pl->compact_asap, true);
	mutex_unlock(&pl->compact_lock);
	/* a clean snapshot right away after repairs, or if asked for */
	smap_compact_maybe();
	return 0;

put_seg:
	fput(pl->seg);
	pl->seg = NULL;
put_lock:
	fput(pl->lock);
	pl->lock = NULL;
	return err;
}

int smap_persist_init(void)
{
	struct smap_plog *pl = &smap_plog;
	int err;

	memset(pl, 0, sizeof(*pl));
	spin_lock_init(&pl->qlock);
	INIT_LIST_HEAD(&pl->pending);
	init_waitqueue_head(&pl->kick);
	init_waitqueue_head(&pl->done);
	mutex_init(&pl->ctl_lock);
	mutex_init(&pl->compact_lock);
	INIT_WORK(&pl->compact_work, smap_compact_work);
	smp_store_release(&pl->ready, true);	/* the locks can be taken */

	/* resolved from modprobe's root; all else relative to the directory */
	err = smap_fs_open_dir(smap_log_path, &pl->dir);
	if (err)
		return err;
	err = smap_check_placement(&pl->dir, smap_log_path);
	if (err) {
		path_put(&pl->dir);
		return err;
	}
	/* modprobe's umask, RLIMIT_FSIZE or memory cgroup must not matter */
	err = smap_fs_call(smap_persist_start, NULL);
	if (err)
		path_put(&pl->dir);
	return err;
}

void smap_persist_exit(void)
{
	struct smap_plog *pl = &smap_plog;

	/*
	 * Wait for a running compaction or control request (either can come
	 * from a sysfs write racing rmmod), and refuse new ones: both need the
	 * writer, which is stopped next.
	 */
	mutex_lock(&pl->compact_lock);
	mutex_lock(&pl->ctl_lock);
	WRITE_ONCE(pl->stopping, true);
	mutex_unlock(&pl->ctl_lock);
	mutex_unlock(&pl->compact_lock);
	kthread_stop(pl->writer);
	/* after the writer, the only one to queue it; it would now do nothing */
	cancel_work_sync(&pl->compact_work);
	WRITE_ONCE(pl->writer, NULL);
	fput(pl->seg);
	pl->seg = NULL;
	fput(pl->lock);
	pl->lock = NULL;
	path_put(&pl->dir);
}

void smap_persist_fill_stats(struct smap_stats *st)
{
	struct smap_plog *pl = &smap_plog;

	st->log_bytes = atomic64_read(&pl->log_bytes);
	st->log_records = atomic64_read(&pl->log_records);
	st->log_seq = READ_ONCE(pl->next_seq);
	st->replayed = pl->replayed;
	st->truncated_bytes = pl->truncated;
	st->corrupt_files = pl->corrupt;
	st->skipped_records = pl->skipped_records;
	st->skipped_bytes = pl->skipped_bytes;
	st->compactions = atomic64_read(&pl->compactions);
	st->fsyncs = atomic64_read(&pl->fsyncs);
	st->read_only = READ_ONCE(pl->io_err) ? 1 : 0;
}
