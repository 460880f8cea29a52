// SPDX-License-Identifier: GPL-2.0
/*
 * shared_map journal: the append-only log, its writer thread, and the
 * journal's life (create, start, stop, destroy).
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
#include <linux/jiffies.h>
#include <linux/kthread.h>
#include <linux/mm.h>
#include <linux/module.h>
#include <linux/namei.h>
#include <linux/slab.h>
#include <linux/string.h>
#include <uapi/linux/shared_map.h>
#include "internal.h"

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

int smap_journal_writable(struct smap_journal *j)
{
	return READ_ONCE(j->io_err) ? -EROFS : 0;
}

/* Bytes of records nobody waits for that the writer lets queue up. */
static s64 smap_linger_max(struct smap_journal *j)
{
	return READ_ONCE(j->cfg.tun->queue_max) / 4;
}

int smap_journal_queue(struct smap_journal *j, struct smap_log_rec *rec,
		       bool kick)
{
	u32 len = le32_to_cpu(rec->hdr.len);
	bool first;
	s64 queued;

	/*
	 * backpressure: never queue without bound when the disk is slow (and
	 * a full queue must be written even if its committer holds the kick)
	 */
	if (atomic64_read(&j->queued_bytes) >= READ_ONCE(j->cfg.tun->queue_max))
		smap_journal_kick(j);
	wait_event(j->done, atomic64_read(&j->queued_bytes) <
			     READ_ONCE(j->cfg.tun->queue_max) || READ_ONCE(j->io_err));
	spin_lock(&j->qlock);
	if (j->io_err) {
		spin_unlock(&j->qlock);
		smap_log_rec_free(rec);
		return -EROFS;
	}
	rec->hdr.seq = cpu_to_le64(++j->next_seq);
	rec->waiter = READ_ONCE(j->cfg.tun->sync_mode) == SMAP_SYNC_ALWAYS;
	if (rec->waiter)
		init_completion(&rec->done);
	/* read without the lock by the writer's gather */
	WRITE_ONCE(j->pending_waiters, j->pending_waiters + rec->waiter);
	first = list_empty(&j->pending);
	list_add_tail(&rec->node, &j->pending);
	queued = atomic64_add_return(len, &j->queued_bytes);
	spin_unlock(&j->qlock);
	/*
	 * A durable record wakes the writer now. One nobody waits for wakes
	 * it only to start a queue or past the linger bound: the writer then
	 * lets the queue fill (smap_writer_linger()), not a wakeup per set.
	 */
	if (kick && (rec->waiter || first || queued >= smap_linger_max(j)))
		smap_journal_kick(j);
	return rec->waiter ? 1 : 0;
}

int smap_journal_wait(struct smap_log_rec *rec)
{
	int err;

	wait_for_completion(&rec->done);
	err = rec->err;
	smap_log_rec_free(rec);
	return err;
}

int smap_journal_commit(struct smap_journal *j, struct smap_log_rec *rec)
{
	int ret = smap_journal_queue(j, rec, true);

	return ret > 0 ? smap_journal_wait(rec) : ret;
}

/* ---- the writer thread -------------------------------------------------- */

static void smap_set_io_error(struct smap_journal *j, int err)
{
	spin_lock(&j->qlock);
	if (!j->io_err)
		j->io_err = err;
	spin_unlock(&j->qlock);
	pr_err("log write failed (%d): the store is read-only until 'echo 1 > /sys/module/shared_map/parameters/recover'\n",
	       err);
}

static int smap_log_sync(struct smap_journal *j)
{
	u64 t0;
	int err;

	if (!j->seg || j->seg_pos <= j->synced_pos)
		return 0;
	t0 = ktime_get_ns();
	err = vfs_fsync_range(j->seg, j->synced_pos, j->seg_pos - 1, 1);
#ifdef SMAP_TESTING
	if (!err && j->failed_syncs < READ_ONCE(j->cfg.tun->fail_sync)) {
		j->failed_syncs++;
		err = -EIO;
	}
#endif
	j->sync_ns = ktime_get_ns() - t0;
	atomic64_inc(&j->fsyncs);
	j->last_sync = jiffies;
	if (!err)
		j->synced_pos = j->seg_pos;
	return err;
}

/*
 * Preallocation. An append that grows the file makes fdatasync commit a
 * file-system journal transaction (the new size, new blocks) before it can
 * return: a second flush that depends on the first. So a segment is
 * extended ahead of its records by real zero bytes, written and made
 * durable once per chunk (tunable prealloc), and the records overwrite
 * them: fdatasync then has data alone to flush. Not fallocate(): an
 * unwritten extent is converted at its first write, in a journal
 * transaction again. The segment's header says SMAP_HDR_PREALLOC, and
 * replay reads the zeros that run to the end of the file as the end of
 * the log, not as a torn tail.
 */
static loff_t smap_prealloc_chunk(struct smap_journal *j)
{
	return round_up((loff_t)READ_ONCE(j->cfg.tun->prealloc), PAGE_SIZE);
}

/*
 * A segment's first extension is small, each next one twice the last up
 * to the chunk: a load or compaction that starts a segment pays for 64 KiB
 * of zeros, not the chunk, and a busy segment reaches whole chunks after a
 * few extensions.
 */
#define SMAP_PREALLOC_FIRST	(64 << 10)

/*
 * Write zeros from @from to @to (the end of the file) into @f, a buffer
 * at a time: the writer's, empty outside a round.
 */
static int smap_log_write_zeros(struct smap_journal *j, struct file *f,
				loff_t from, loff_t to)
{
	struct smap_wbuf *b = &j->wbuf;
	loff_t pos = from;
	int err = 0;

	if (WARN_ON_ONCE(b->fill))
		return -EBUSY;
	memset(b->buf, 0, b->size);
	while (!err && pos < to) {
		err = smap_fs_write_all(f, b->buf, min_t(loff_t, to - pos,
							 b->size), &pos);
		cond_resched();
	}
	return err;
}

/*
 * Make room for records up to @need: zeros to a step past it, durable
 * before the records that overwrite them. If that fails (ENOSPC), the
 * segment goes on growing at each append as without preallocation: the
 * zeros written stay zeros, a clean end, and the records' own fsync
 * covers whatever size they reach.
 */
static void smap_log_prealloc(struct smap_journal *j, loff_t need)
{
	loff_t chunk = smap_prealloc_chunk(j);
	loff_t from = max(j->alloc_end, j->seg_pos);
	loff_t step = min(j->prealloc_step * 2, chunk);
	loff_t to = round_up(need, PAGE_SIZE) + step;
	int err;

	if (!j->seg_prealloc || !chunk || need <= j->alloc_end)
		return;
	err = smap_log_write_zeros(j, j->seg, from, to);
	if (!err)
		err = vfs_fsync_range(j->seg, from, to - 1, 1);
	if (err) {
		j->seg_prealloc = false;
		pr_warn_ratelimited("cannot preallocate log.%016llx to %lld (%d): appending without\n",
				    j->seg_no, to, err);
		return;
	}
	j->alloc_end = to;
	j->prealloc_step = step;
}

/*
 * At a clean stop: the zeros past the last record go, so that an unloaded
 * directory holds its records alone. Failing only wastes that space.
 */
static void smap_log_trim(struct smap_journal *j)
{
	int err;

	if (!j->seg || j->alloc_end <= j->seg_pos)
		return;
	err = smap_fs_truncate(j->seg, j->seg_pos);
	if (err)
		pr_warn("cannot trim the preallocated tail of log.%016llx (%d)\n",
			j->seg_no, err);
	else
		j->alloc_end = j->seg_pos;
}

/*
 * A round failed: the records past the last durable position were refused
 * (or, at batch and none, were never promised durable) and must never be
 * replayed. Cut the segment back to synced_pos and make that durable before
 * any committer hears of the failure. If the cut fails too, hold a module
 * reference until recover cuts it or records the cut in the next segment's
 * header, so that no reload can replay what was refused.
 */
static int smap_log_cut(struct smap_journal *j)
{
	int err;

	if (!j->cut_pending) {
		j->cut_pending = true;
		j->cut_pos = j->synced_pos;
		__module_get(THIS_MODULE);
	}
	/* inside preallocated space as after it: gone, with the zeros after */
	err = smap_fs_truncate(j->seg, j->cut_pos);
	if (err) {
		pr_err("cannot cut log.%016llx back to %lld (%d): refused records stay until recover; rmmod is refused until then\n",
		       j->seg_no, j->cut_pos, err);
		return err;
	}
	atomic64_sub(j->seg_pos - j->cut_pos, &j->log_bytes);
	j->seg_pos = j->cut_pos;
	j->alloc_end = j->cut_pos;	/* the zeros after it went too */
	j->cut_pending = false;
	module_put(THIS_MODULE);
	return 0;
}

/* Write one round of records; fsync if any committer waits or batch_ms is up. */
static void smap_writer_round(struct smap_journal *j,
			      struct list_head *batch)
{
	struct smap_log_rec *rec, *tmp;
	bool need_sync = false;
	unsigned int acked = 0;
	int err = READ_ONCE(j->io_err) ? -EROFS : 0;
	int mode = READ_ONCE(j->cfg.tun->sync_mode);
	loff_t need = j->seg_pos;

	j->wbuf.f = j->seg;	/* the segment may have changed */
	if (!err && j->seg_prealloc) {
		list_for_each_entry(rec, batch, node)
			need += le32_to_cpu(rec->hdr.len);
		smap_log_prealloc(j, need);
	}
	list_for_each_entry(rec, batch, node) {
		u32 len = le32_to_cpu(rec->hdr.len);

		need_sync |= rec->waiter;
		if (err)
			continue;
		rec->hdr.crc = cpu_to_le32(smap_rec_crc(&rec->hdr));
		err = smap_wbuf_add(&j->wbuf, &rec->hdr, len);
		if (err)
			break;
		atomic64_add(len, &j->log_bytes);
		atomic64_add(len, &j->since_compact);
		atomic64_inc(&j->log_records);
	}
	if (err)
		j->wbuf.fill = 0;	/* the log is cut back below */
	else
		err = smap_wbuf_flush(&j->wbuf);
	if (!err && mode == SMAP_SYNC_BATCH &&
	    time_after_eq(jiffies, j->last_sync +
			  msecs_to_jiffies(READ_ONCE(j->cfg.tun->batch_ms))))
		need_sync = true;
	if (!err && need_sync)
		err = smap_log_sync(j);
	if (err && err != -EROFS) {
		smap_set_io_error(j, err);
		smap_log_cut(j);
	}

	/* who waits now, before the acked committers can come back */
	spin_lock(&j->qlock);
	j->gather = j->pending_waiters;
	spin_unlock(&j->qlock);
	list_for_each_entry_safe(rec, tmp, batch, node) {
		list_del(&rec->node);
		atomic64_sub(le32_to_cpu(rec->hdr.len), &j->queued_bytes);
		if (!rec->waiter) {
			smap_log_rec_free(rec);
			continue;
		}
		rec->err = err;
		acked++;
		complete(&rec->done);	/* its committer only */
	}
	j->gather += acked;
	wake_up_all(&j->done);	/* backpressure: the queue shrank */
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
static void smap_writer_gather(struct smap_journal *j)
{
	u64 wait_ns = min_t(u64, j->sync_ns / 4, 2 * NSEC_PER_MSEC);

	if (j->gather <= 1 || !wait_ns)
		return;
	wait_event_interruptible_hrtimeout(j->kick,
		READ_ONCE(j->pending_waiters) >= j->gather ||
		READ_ONCE(j->ctl_op) != SMAP_CTL_NONE ||
		kthread_should_stop(), ns_to_ktime(wait_ns));
}

/*
 * Mark segment @seg_no as followed (SMAP_HDR_NEXT), its successor being
 * durable now: if the successor later vanishes, the newest segment left says
 * that one follows it and replay notices. The 64-byte header is rewritten
 * in place (within one sector). Failing only loses that detection: warn.
 */
static void smap_log_mark_followed(struct smap_journal *j, u64 seg_no)
{
	struct smap_file_hdr h;
	struct file *f;
	char name[32];
	loff_t pos = 0;
	int err = -EIO;

	snprintf(name, sizeof(name), SMAP_LOG_PREFIX "%016llx", seg_no);
	f = smap_fs_open(j, name, O_RDWR);
	if (IS_ERR(f)) {
		err = PTR_ERR(f);
		goto out;
	}
	if (kernel_read(f, &h, sizeof(h), &pos) != sizeof(h) ||
	    !smap_file_hdr_ok(&h, SMAP_FILE_LOG) ||
	    le32_to_cpu(h.version) < 2)
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
int smap_log_open_segment(struct smap_journal *j, u64 seg_no,
			  loff_t prev_end, bool has_prev)
{
	/* the first extension: a page at least, so past the header */
	loff_t first = min_t(loff_t, smap_prealloc_chunk(j),
			     SMAP_PREALLOC_FIRST);
	struct smap_file_hdr h;
	struct file *f;
	char name[32];
	loff_t pos = 0;
	int err;

	snprintf(name, sizeof(name), SMAP_LOG_PREFIX "%016llx", seg_no);
	f = smap_fs_create(j, name, O_WRONLY);
	if (IS_ERR(f))
		return PTR_ERR(f);
	smap_file_hdr_init(&h, SMAP_FILE_LOG, seg_no, 0, j->next_seq + 1,
			   prev_end, has_prev);
	if (first) {
		h.flags |= cpu_to_le32(SMAP_HDR_PREALLOC);
		h.crc = cpu_to_le32(smap_file_hdr_crc(&h));
	}
	err = smap_fs_write_all(f, &h, sizeof(h), &pos);
	/* the first zeros ride on the header's fsync */
	if (!err && first && smap_log_write_zeros(j, f, pos, first)) {
		pr_warn_ratelimited("cannot preallocate %s (ENOSPC?): appending without\n",
				    name);
		first = 0;
	}
	if (!err)
		err = vfs_fsync(f, 0);
	if (!err)
		err = smap_fs_sync_dir(j);
	if (err) {
		fput(f);
		return err;
	}
	if (has_prev)
		smap_log_mark_followed(j, seg_no - 1);
	if (j->seg)
		fput(j->seg);
	j->seg = f;
	j->seg_no = seg_no;
	j->seg_pos = pos;
	j->synced_pos = pos;
	j->seg_prealloc = first;
	j->alloc_end = first ? first : pos;
	j->prealloc_step = first;
	j->last_sync = jiffies;
	atomic64_add(pos, &j->log_bytes);
	return 0;
}

static void smap_writer_control(struct smap_journal *j,
				enum smap_ctl_op op)
{
	int err = 0;

	switch (op) {
	case SMAP_CTL_SWITCH:
		err = READ_ONCE(j->io_err) ? -EROFS : smap_log_sync(j);
		if (!err)
			err = smap_log_open_segment(j, j->seg_no + 1,
						    j->synced_pos, true);
		if (err && err != -EROFS)
			smap_set_io_error(j, err);
		break;
	case SMAP_CTL_RECOVER:
		if (j->cut_pending)
			smap_log_cut(j);	/* else the new header records it */
		err = smap_log_open_segment(j, j->seg_no + 1,
					    j->cut_pending ? j->cut_pos :
							      j->synced_pos,
					    true);
		if (!err && j->cut_pending) {
			j->cut_pending = false;
			module_put(THIS_MODULE);
		}
		if (!err) {
			spin_lock(&j->qlock);
			j->io_err = 0;
			spin_unlock(&j->qlock);
		}
		break;
	default:
		break;
	}
	j->ctl_err = err;
	j->ctl_seg = j->seg_no;
	spin_lock(&j->qlock);
	j->ctl_op = SMAP_CTL_NONE;
	spin_unlock(&j->qlock);
	smp_store_release(&j->ctl_done, true);
	wake_up_all(&j->done);
}

static long smap_writer_timeout(struct smap_journal *j)
{
	unsigned long due;

	if (READ_ONCE(j->cfg.tun->sync_mode) != SMAP_SYNC_BATCH ||
	    j->seg_pos <= j->synced_pos)
		return MAX_SCHEDULE_TIMEOUT;
	due = j->last_sync + msecs_to_jiffies(READ_ONCE(j->cfg.tun->batch_ms));
	return time_after(due, jiffies) ? due - jiffies : 0;
}

/*
 * Only records nobody waits for (sync=batch, sync=none) are queued, fewer
 * than the linger bound, and nothing else asks for the writer.
 */
static bool smap_writer_lazy(struct smap_journal *j)
{
	s64 queued = atomic64_read(&j->queued_bytes);

	return queued > 0 && queued < smap_linger_max(j) &&
	       !READ_ONCE(j->pending_waiters) &&
	       READ_ONCE(j->ctl_op) == SMAP_CTL_NONE &&
	       !READ_ONCE(j->compact_asap) && !kthread_should_stop();
}

/*
 * Nobody waits for these records: let more of them queue up and write
 * them in one round, rather than wake for every set (a wakeup, often on
 * the other CPU, costs more than the set). Wait at most batch_ms, and at
 * sync=batch no later than the fsync is due, so its window stays
 * batch_ms. A durable committer, a control operation, a compaction
 * request, unload and a queue past the linger bound end it early.
 */
static void smap_writer_linger(struct smap_journal *j)
{
	long t = min_t(long, smap_writer_timeout(j),
		       msecs_to_jiffies(READ_ONCE(j->cfg.tun->batch_ms)));

	if (t > 0 && smap_writer_lazy(j))
		wait_event_interruptible_timeout(j->kick, !smap_writer_lazy(j),
						 t);
}

static bool smap_writer_has_work(struct smap_journal *j)
{
	bool work;

	spin_lock(&j->qlock);
	work = !list_empty(&j->pending) || j->ctl_op != SMAP_CTL_NONE;
	spin_unlock(&j->qlock);
	return work;
}

static int smap_writer(void *arg)
{
	struct smap_journal *j = arg;
	LIST_HEAD(batch);
	enum smap_ctl_op op;

	for (;;) {
		wait_event_interruptible_timeout(j->kick,
						 smap_writer_has_work(j) ||
						 kthread_should_stop(),
						 smap_writer_timeout(j));
		smap_writer_linger(j);
		smap_writer_gather(j);
		j->gather = 0;
		spin_lock(&j->qlock);
		list_splice_init(&j->pending, &batch);
		WRITE_ONCE(j->pending_waiters, 0);
		op = j->ctl_op;
		spin_unlock(&j->qlock);

		smap_writer_round(j, &batch);
		if (op != SMAP_CTL_NONE)
			smap_writer_control(j, op);
		smap_compact_maybe(j);
		if (kthread_should_stop() && !smap_writer_has_work(j))
			break;
	}
	if (!READ_ONCE(j->io_err)) {
		if (smap_log_sync(j))
			pr_err("final log fsync failed\n");
		else
			smap_log_trim(j);
	}
	return 0;
}

int smap_log_control(struct smap_journal *j, enum smap_ctl_op op, u64 *seg)
{
	int err;

	mutex_lock(&j->ctl_lock);
	if (j->stopping) {	/* the writer is going or gone */
		mutex_unlock(&j->ctl_lock);
		return -ENODEV;
	}
	j->ctl_done = false;
	spin_lock(&j->qlock);
	j->ctl_op = op;
	spin_unlock(&j->qlock);
	wake_up(&j->kick);
	wait_event(j->done, smp_load_acquire(&j->ctl_done));
	err = j->ctl_err;
	if (seg)
		*seg = j->ctl_seg;
	mutex_unlock(&j->ctl_lock);
	return err;
}

int smap_journal_recover(struct smap_journal *j)
{
	int err;

	if (!READ_ONCE(j->writer))
		return READ_ONCE(j->stopping) ? -ENODEV : 0;
	if (!READ_ONCE(j->io_err))
		return 0;
	err = smap_log_control(j, SMAP_CTL_RECOVER, NULL);
	if (err) {
		pr_err("recover failed (%d): still read-only\n", err);
		return err;
	}
	/* what memory holds but the failed segment may lack: snapshot it all */
	err = smap_journal_compact(j);
	pr_info("recovered from I/O error%s\n", err ? ", snapshot failed" : "");
	return err;
}

void smap_journal_kick(struct smap_journal *j)
{
	if (READ_ONCE(j->writer))
		wake_up(&j->kick);
}

/* ---- load and unload ---------------------------------------------------- */

/* Everything at load that touches files: in the module's own context. */
static int smap_journal_start_fs(void *arg)
{
	struct smap_journal *j = arg;
	u64 next_seg = 1, next_seq = 0;
	loff_t prev_end = 0;
	bool has_prev = false;
	struct task_struct *t;
	int err;

	j->lock = smap_fs_open(j, SMAP_LOCK_NAME, O_RDWR);
	if (j->lock == ERR_PTR(-ENOENT))
		j->lock = smap_fs_create(j, SMAP_LOCK_NAME, O_RDWR);
	if (IS_ERR(j->lock)) {
		err = PTR_ERR(j->lock);
		j->lock = NULL;
		pr_err("cannot open %s/" SMAP_LOCK_NAME " (%d)\n",
		       j->cfg.path, err);
		return err;
	}
	err = smap_fs_lock(j->lock);
	if (err) {
		pr_err("%s is in use by another instance (lock: %d)\n",
		       j->cfg.path, err);
		err = -EBUSY;
		goto put_lock;
	}
	err = smap_replay(j, &next_seg, &next_seq, &prev_end, &has_prev);
	if (err)
		goto put_lock;
	j->next_seq = next_seq;
	err = smap_log_open_segment(j, next_seg, prev_end, has_prev);
	if (err) {
		pr_err("cannot create log segment in %s (%d)\n", j->cfg.path,
		       err);
		goto put_lock;
	}
	t = kthread_run(smap_writer, j, "smap-log");
	if (IS_ERR(t)) {
		err = PTR_ERR(t);
		goto put_seg;
	}
	mutex_lock(&j->compact_lock);
	WRITE_ONCE(j->writer, t);
	if (READ_ONCE(j->compact_at_load))
		WRITE_ONCE(j->compact_asap, true);
	mutex_unlock(&j->compact_lock);
	/* a clean snapshot right away after repairs, or if asked for */
	smap_compact_maybe(j);
	return 0;

put_seg:
	fput(j->seg);
	j->seg = NULL;
put_lock:
	fput(j->lock);
	j->lock = NULL;
	return err;
}

struct smap_journal *smap_journal_create(const struct smap_journal_config *cfg,
					 const struct smap_journal_ops *ops,
					 void *owner)
{
	struct smap_journal *j;

	j = kzalloc(sizeof(*j), GFP_KERNEL);
	if (!j)
		return ERR_PTR(-ENOMEM);
	j->cfg = *cfg;
	j->ops = ops;
	j->owner = owner;
	j->compact_at_load = cfg->compact_at_load;
	if (smap_wbuf_init(&j->wbuf, SMAP_LOG_WBUF)) {
		kfree(j);
		return ERR_PTR(-ENOMEM);
	}
	j->wbuf.pos = &j->seg_pos;
	spin_lock_init(&j->qlock);
	INIT_LIST_HEAD(&j->pending);
	init_waitqueue_head(&j->kick);
	init_waitqueue_head(&j->done);
	mutex_init(&j->ctl_lock);
	mutex_init(&j->compact_lock);
	INIT_WORK(&j->compact_work, smap_compact_work);
	atomic64_set(&j->queued_bytes, 0);
	return j;
}

int smap_journal_start(struct smap_journal *j)
{
	int err;

	/* resolved from modprobe's root; all else relative to the directory */
	err = smap_fs_open_dir(j->cfg.path, &j->dir);
	if (err)
		return err;
	err = smap_check_placement(j);
	if (err) {
		path_put(&j->dir);
		return err;
	}
	/* modprobe's umask, RLIMIT_FSIZE or memory cgroup must not matter */
	err = smap_fs_call(smap_journal_start_fs, j);
	if (err) {
		path_put(&j->dir);
		return err;
	}
	j->started = true;
	return 0;
}

void smap_journal_stop(struct smap_journal *j)
{
	/*
	 * Wait for a running compaction or control request (either can come
	 * from a sysfs write racing rmmod), and refuse new ones: both need the
	 * writer, which is stopped next.
	 */
	mutex_lock(&j->compact_lock);
	mutex_lock(&j->ctl_lock);
	WRITE_ONCE(j->stopping, true);
	mutex_unlock(&j->ctl_lock);
	mutex_unlock(&j->compact_lock);
	if (!j->started)
		return;
	kthread_stop(j->writer);
	/* after the writer, the only one to queue it; it would now do nothing */
	cancel_work_sync(&j->compact_work);
	WRITE_ONCE(j->writer, NULL);
	fput(j->seg);
	j->seg = NULL;
	fput(j->lock);
	j->lock = NULL;
	path_put(&j->dir);
	j->started = false;
}

void smap_journal_destroy(struct smap_journal *j)
{
	if (!j)
		return;
	WARN_ON(j->started);
	mutex_destroy(&j->ctl_lock);
	mutex_destroy(&j->compact_lock);
	smap_wbuf_free(&j->wbuf);
	kfree(j);
}

void smap_journal_fill_stats(struct smap_journal *j, struct smap_stats *st)
{
	st->log_bytes = atomic64_read(&j->log_bytes);
	st->log_records = atomic64_read(&j->log_records);
	st->log_seq = READ_ONCE(j->next_seq);
	st->replayed = j->replayed;
	st->truncated_bytes = j->truncated;
	st->corrupt_files = j->corrupt;
	st->skipped_records = j->skipped_records;
	st->skipped_bytes = j->skipped_bytes;
	st->compactions = atomic64_read(&j->compactions);
	st->fsyncs = atomic64_read(&j->fsyncs);
	st->read_only = READ_ONCE(j->io_err) ? 1 : 0;
}
