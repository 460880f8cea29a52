// SPDX-License-Identifier: GPL-2.0
/*
 * shared_map persistence: compaction.
 *
 * The writer switches to a fresh segment S; every record in segments < S is
 * then applied in memory (ops->quiesce). The live set is written to
 * snapshot.tmp (base_segment = S, an END trailer), fsynced, renamed over
 * snapshot, and the directory fsynced; only then are segments < S unlinked.
 * Records are idempotent (incr and cas are logged as the resulting SET), so
 * replaying segments >= S over a snapshot taken while writes went on yields
 * the latest state. A crash before the rename leaves the old snapshot and
 * every segment (snapshot.tmp is deleted at replay); after it, the new
 * snapshot, and replay deletes the segments it covers. The live set comes
 * from the owner (ops->snapshot); the journal only writes it.
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/delay.h>
#include <linux/file.h>
#include <linux/fs.h>
#include <linux/math64.h>
#include <linux/slab.h>
#include <uapi/linux/shared_map.h>
#include "internal.h"

/* Testing: pause before each compaction step (crash and unload tests). */
static void smap_compact_pause(struct smap_journal *j)
{
	unsigned int ms = READ_ONCE(j->cfg.tun->compact_pause_ms);

	if (ms)
		msleep(ms);
}

struct smap_snap_ctx {
	struct smap_journal *j;
	loff_t pos;
	u64 count;
	u64 seq;		/* backup: the sequence number of its point */
	struct smap_wbuf wb;	/* records on their way to the file at pos */
};

static int smap_snap_emit(void *arg, const void *key, u32 klen,
			  const void *val, u32 vlen, kuid_t uid, kgid_t gid,
			  umode_t mode)
{
	struct smap_snap_ctx *c = arg;
	u32 len = smap_rec_len(klen, vlen);
	struct smap_rec_hdr *h;
	int err;
	u8 *p;

	h = smap_wbuf_room(&c->wb, len, &err);
	if (!h)
		return err;
	p = (u8 *)(h + 1);
	memset(h, 0, sizeof(*h));
	h->magic = cpu_to_le32(SMAP_REC_MAGIC);
	h->len = cpu_to_le32(len);
	h->op = cpu_to_le16(SMAP_REC_SET);
	h->mode = cpu_to_le16(mode & 0777);
	h->seq = cpu_to_le64(++c->count);
	h->key_len = cpu_to_le32(klen);
	h->val_len = cpu_to_le32(vlen);
	h->uid = cpu_to_le32(from_kuid(&init_user_ns, uid));
	h->gid = cpu_to_le32(from_kgid(&init_user_ns, gid));
	memcpy(p, key, klen);
	if (vlen)
		memcpy(p + klen, val, vlen);
	memset(p + klen + vlen, 0, len - sizeof(*h) - klen - vlen);
	h->crc = cpu_to_le32(smap_rec_crc(h));
	return 0;
}

/*
 * The snapshot's trailer: END, its seq one past the last record's; then
 * everything still buffered goes to the file.
 */
static int smap_snap_end(struct smap_snap_ctx *c)
{
	struct smap_rec_hdr *end;
	int err;

	end = smap_wbuf_room(&c->wb, sizeof(*end), &err);
	if (!end)
		return err;
	memset(end, 0, sizeof(*end));
	end->magic = cpu_to_le32(SMAP_REC_MAGIC);
	end->len = cpu_to_le32(sizeof(*end));
	end->op = cpu_to_le16(SMAP_REC_END);
	end->seq = cpu_to_le64(c->count + 1);
	end->crc = cpu_to_le32(smap_rec_crc(end));
	return smap_wbuf_flush(&c->wb);
}

/* A buffer with room for the largest record, writing to @f at c->pos. */
static int smap_snap_buf(struct smap_snap_ctx *c, struct file *f)
{
	int err = smap_wbuf_init(&c->wb,
				 smap_rec_len(SMAP_KEY_MAX, SMAP_VALUE_MAX));

	c->wb.f = f;
	c->wb.pos = &c->pos;
	return err;
}

static int smap_compact_locked(void *arg)
{
	struct smap_journal *j = arg;
	struct smap_snap_ctx c = { .j = j };
	struct smap_dir_scan old = {};
	struct smap_file_hdr h;
	struct file *f;
	char name[32];
	u64 base;
	int err, i;

	err = smap_journal_writable(j);
	if (err)
		return err;
	smap_compact_pause(j);
	err = smap_log_control(j, SMAP_CTL_SWITCH, &base);
	if (err)
		return err;
	j->ops->quiesce(j->owner);

	f = smap_fs_create(j, SMAP_SNAP_TMP, O_WRONLY);
	if (IS_ERR(f)) {
		err = PTR_ERR(f);
		goto free;
	}
	err = smap_snap_buf(&c, f);
	if (err)
		goto put;
	smap_file_hdr_init(&h, SMAP_FILE_SNAPSHOT, 0, base,
			   READ_ONCE(j->next_seq), 0, false);
	err = smap_fs_write_all(f, &h, sizeof(h), &c.pos);
	if (!err)
		err = j->ops->snapshot(j->owner, smap_snap_emit, &c);
	if (!err)
		err = smap_snap_end(&c);
	if (!err)
		err = vfs_fsync(f, 0);
put:
	fput(f);
	smap_compact_pause(j);
	if (!err)
		err = smap_fs_rename(j, SMAP_SNAP_TMP, SMAP_SNAP_NAME);
	if (!err)
		err = smap_fs_sync_dir(j);
	if (err) {
		smap_fs_unlink(j, SMAP_SNAP_TMP);
		goto free;
	}
	smap_compact_pause(j);
	/* the new snapshot is durable: the segments it covers can go */
	smap_scan_dir(j, &old);
	for (i = 0; i < old.n && old.segs[i] < base; i++) {
		snprintf(name, sizeof(name), SMAP_LOG_PREFIX "%016llx",
			 old.segs[i]);
		smap_fs_unlink(j, name);
	}
	smap_fs_sync_dir(j);
	atomic64_set(&j->log_bytes, c.pos + READ_ONCE(j->seg_pos));
	atomic64_set(&j->since_compact, 0);
	atomic64_inc(&j->compactions);
	pr_info("compacted: %llu keys in a %lld-byte snapshot, %d old segments removed\n",
		c.count, c.pos, i);
free:
	kfree(old.segs);
	smap_wbuf_free(&c.wb);
	if (err)
		pr_err("compaction failed (%d); the previous log stays in use\n",
		       err);
	return err;
}

/* Testing: a backup's writing is slow (writers go on meanwhile). */
static int smap_backup_emit(void *arg, const void *key, u32 klen,
			    const void *val, u32 vlen, kuid_t uid, kgid_t gid,
			    umode_t mode)
{
	struct smap_snap_ctx *c = arg;
	unsigned int ms = READ_ONCE(c->j->cfg.tun->backup_pause_ms);

	if (ms)
		msleep(ms);
	return smap_snap_emit(arg, key, klen, val, vlen, uid, gid, mode);
}

/* ops->snapshot_at's mark: every mutation is held, read where the log is. */
static void smap_backup_mark(void *arg)
{
	struct smap_snap_ctx *c = arg;

	spin_lock(&c->j->qlock);
	c->seq = c->j->next_seq;
	spin_unlock(&c->j->qlock);
}

/*
 * A backup is a snapshot of one point, not compaction's: compaction may
 * walk the store while writes go on, since the segments it keeps are
 * replayed over its snapshot; a backup has no segments after it, so the
 * owner holds every mutation while it takes the live set (snapshot_at).
 * It writes to the caller's file in the caller's context (its file, its
 * limits): nothing in the log directory changes. The records go first,
 * the header last, so a file cut short has no valid header.
 */
int smap_journal_backup(struct smap_journal *j, struct file *f,
			struct smap_journal_backup_info *info)
{
	struct smap_snap_ctx c = { .j = j, .pos = sizeof(struct smap_file_hdr) };
	struct smap_file_hdr h;
	loff_t at = 0;
	int err;

	if (!S_ISREG(file_inode(f)->i_mode))
		return -EINVAL;
	if (!(f->f_mode & FMODE_WRITE))
		return -EBADF;
	if (i_size_read(file_inode(f)))
		return -ENOTEMPTY;
	err = smap_snap_buf(&c, f);
	if (err)
		return err;
	err = j->ops->snapshot_at(j->owner, smap_backup_emit, smap_backup_mark,
				  &c, &info->hold_ns);
	if (!err)
		err = smap_snap_end(&c);
	if (!err) {
		smap_file_hdr_init(&h, SMAP_FILE_SNAPSHOT, 0, 1, c.seq, 0,
				   false);
		err = smap_fs_write_all(f, &h, sizeof(h), &at);
	}
	if (!err)
		err = vfs_fsync(f, 0);
	smap_wbuf_free(&c.wb);
	if (err)
		return err;
	info->seq = c.seq;
	info->keys = c.count;
	info->bytes = c.pos;
	pr_info("backup: %llu keys at sequence %llu, %lld bytes; mutations held %llu us\n",
		c.count, c.seq, c.pos, div_u64(info->hold_ns, NSEC_PER_USEC));
	return 0;
}

/*
 * Also reached from compact_now and recover, whenever they are written:
 * - while the log is replayed (the owner's parameter reaches the journal
 *   once it is created): the compaction runs once the writer does;
 * - while rmmod runs the exit path: smap_journal_stop() sets stopping under
 *   compact_lock, so a compaction already running finishes first, with the
 *   writer still there to switch segments, and any later one returns
 *   -ENODEV before touching the log or the owner.
 */
int smap_journal_compact(struct smap_journal *j)
{
	int err = 0;

	mutex_lock(&j->compact_lock);
	if (j->stopping)
		err = -ENODEV;
	else if (!j->writer)
		WRITE_ONCE(j->compact_at_load, true);
	else	/* not with the fsuid, umask, RLIMIT_FSIZE, memcg of a sysfs writer */
		err = smap_fs_call(smap_compact_locked, j);
	mutex_unlock(&j->compact_lock);
	return err;
}

void smap_compact_work(struct work_struct *work)
{
	smap_journal_compact(container_of(work, struct smap_journal,
					  compact_work));
}

/* Called by the writer after each round: cheap, queues the work at most once. */
void smap_compact_maybe(struct smap_journal *j)
{
	const struct smap_journal_tunables *tun = j->cfg.tun;
	u64 keys, bytes, live;

	if (READ_ONCE(j->stopping) || READ_ONCE(j->io_err))
		return;
	if (READ_ONCE(j->compact_asap)) {
		WRITE_ONCE(j->compact_asap, false);
		queue_work(system_unbound_wq, &j->compact_work);
		return;
	}
	if (atomic64_read(&j->since_compact) < READ_ONCE(tun->compact_min))
		return;
	j->ops->usage(j->owner, &keys, &bytes);
	live = bytes + keys * (sizeof(struct smap_rec_hdr) + SMAP_LOG_ALIGN);
	if (atomic64_read(&j->log_bytes) > READ_ONCE(tun->compact_ratio) * live)
		queue_work(system_unbound_wq, &j->compact_work);
}
