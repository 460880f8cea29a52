// SPDX-License-Identifier: GPL-2.0
/*
 * shared_map persistence: compaction.
 *
 * The writer switches to a fresh segment S; every record in segments < S is
 * then applied in memory (smap_store_barrier). The live set is written to
 * snapshot.tmp (base_segment = S, an END trailer), fsynced, renamed over
 * snapshot, and the directory fsynced; only then are segments < S unlinked.
 * Records are idempotent (incr and cas are logged as the resulting SET), so
 * replaying segments >= S over a snapshot taken while writes went on yields
 * the latest state. A crash before the rename leaves the old snapshot and
 * every segment (snapshot.tmp is deleted at replay); after it, the new
 * snapshot, and replay deletes the segments it covers.
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/delay.h>
#include <linux/file.h>
#include <linux/fs.h>
#include <linux/kstrtox.h>
#include <linux/module.h>
#include <linux/slab.h>
#include <uapi/linux/shared_map.h>
#include "internal.h"
#include "param.h"
#include "persist.h"

/* bounded below so that no value makes the store compact after every round */
unsigned long smap_compact_min = 4 << 20;
smap_param_range(compact_min, smap_compact_min, 64 << 10, 1ULL << 40, 0644);
MODULE_PARM_DESC(compact_min, "compact once this many log bytes were appended since the last compaction (64 KiB..1 TiB, default 4 MiB)");

unsigned int smap_compact_ratio = 2;
smap_param_range(compact_ratio, smap_compact_ratio, 2, 100, 0644);
MODULE_PARM_DESC(compact_ratio, "... and the log is this many times the live set (2..100, default 2)");

#ifdef SMAP_TESTING
/* Test hook, only in the test build (build/<kernel>/mod-test, scripts/vm
 * --test-module): the module users load has no such parameter.
 */
static unsigned int smap_compact_pause_ms;
module_param_named(compact_pause_ms, smap_compact_pause_ms, uint, 0644);
MODULE_PARM_DESC(compact_pause_ms, "testing: pause this long before each compaction step (crash and unload tests)");

static void smap_compact_pause(void)
{
	unsigned int ms = READ_ONCE(smap_compact_pause_ms);

	if (ms)
		msleep(ms);
}
#else
static inline void smap_compact_pause(void) { }
#endif

/* compact_now=1 before the writer ran: compact as soon as it does */
bool smap_compact_at_load;

static int smap_compact_set(const char *val, const struct kernel_param *kp)
{
	bool on;

	if (kstrtobool(val, &on))
		return -EINVAL;
	return on ? smap_compact_now() : 0;
}

static const struct kernel_param_ops smap_compact_ops = {
	.set = smap_compact_set,
};
module_param_cb(compact_now, &smap_compact_ops, NULL, 0200);
MODULE_PARM_DESC(compact_now, "write 1: compact the log now");

struct smap_snap_ctx {
	struct file *f;
	loff_t pos;
	u64 count;
	u8 *buf;
};

static int smap_snap_emit(void *arg, const void *key, u32 klen,
			  const void *val, u32 vlen, kuid_t uid, kgid_t gid,
			  umode_t mode)
{
	struct smap_snap_ctx *c = arg;
	struct smap_rec_hdr *h = (void *)c->buf;
	u32 len = smap_rec_len(klen, vlen);
	u8 *p = c->buf + sizeof(*h);

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
	return smap_fs_write_all(c->f, h, len, &c->pos);
}

static int smap_compact_locked(void *unused)
{
	struct smap_plog *pl = &smap_plog;
	struct smap_snap_ctx c = {};
	struct smap_dir_scan old = {};
	struct smap_file_hdr h;
	struct smap_rec_hdr *end;
	char name[32];
	u64 base;
	int err, i;

	err = smap_persist_writable();
	if (err)
		return err;
	smap_compact_pause();
	err = smap_log_control(SMAP_CTL_SWITCH, &base);
	if (err)
		return err;
	smap_store_barrier();

	c.buf = kvmalloc(smap_rec_len(SMAP_KEY_MAX, SMAP_VALUE_MAX), GFP_KERNEL);
	if (!c.buf)
		return -ENOMEM;
	c.f = smap_fs_create(SMAP_SNAP_TMP, O_WRONLY);
	if (IS_ERR(c.f)) {
		err = PTR_ERR(c.f);
		goto free;
	}
	smap_file_hdr_init(&h, SMAP_FILE_SNAPSHOT, 0, base,
			   READ_ONCE(pl->next_seq), 0, false);
	err = smap_fs_write_all(c.f, &h, sizeof(h), &c.pos);
	if (!err)
		err = smap_store_walk(smap_snap_emit, &c);
	if (!err) {
		end = (void *)c.buf;
		memset(end, 0, sizeof(*end));
		end->magic = cpu_to_le32(SMAP_REC_MAGIC);
		end->len = cpu_to_le32(sizeof(*end));
		end->op = cpu_to_le16(SMAP_REC_END);
		end->seq = cpu_to_le64(c.count + 1);
		end->crc = cpu_to_le32(smap_rec_crc(end));
		err = smap_fs_write_all(c.f, end, sizeof(*end), &c.pos);
	}
	if (!err)
		err = vfs_fsync(c.f, 0);
	fput(c.f);
	smap_compact_pause();
	if (!err)
		err = smap_fs_rename(SMAP_SNAP_TMP, SMAP_SNAP_NAME);
	if (!err)
		err = smap_fs_sync_dir();
	if (err) {
		smap_fs_unlink(SMAP_SNAP_TMP);
		goto free;
	}
	smap_compact_pause();
	/* the new snapshot is durable: the segments it covers can go */
	smap_scan_dir(&old);
	for (i = 0; i < old.n && old.segs[i] < base; i++) {
		snprintf(name, sizeof(name), SMAP_LOG_PREFIX "%016llx",
			 old.segs[i]);
		smap_fs_unlink(name);
	}
	smap_fs_sync_dir();
	atomic64_set(&pl->log_bytes, c.pos + READ_ONCE(pl->seg_pos));
	atomic64_set(&pl->since_compact, 0);
	atomic64_inc(&pl->compactions);
	pr_info("compacted: %llu keys in a %lld-byte snapshot, %d old segments removed\n",
		c.count, c.pos, i);
free:
	kfree(old.segs);
	kvfree(c.buf);
	if (err)
		pr_err("compaction failed (%d); the previous log stays in use\n",
		       err);
	return err;
}

/*
 * Also reached from compact_now, whenever it is written:
 * - as a modprobe argument, before smap_persist_init() made the locks, and
 *   while the log is replayed: the compaction runs once the writer does;
 * - while rmmod runs the exit path (the module's sysfs files outlive it):
 *   smap_persist_exit() sets stopping under compact_lock, so a compaction
 *   already running finishes first, with the writer still there to switch
 *   segments, and any later one returns -ENODEV before touching the log
 *   or the store.
 */
int smap_compact_now(void)
{
	struct smap_plog *pl = &smap_plog;
	int err = 0;

	if (!smp_load_acquire(&pl->ready)) {
		WRITE_ONCE(smap_compact_at_load, true);
		return 0;
	}
	mutex_lock(&pl->compact_lock);
	if (pl->stopping)
		err = -ENODEV;
	else if (!pl->writer)
		WRITE_ONCE(smap_compact_at_load, true);
	else	/* not with the fsuid, umask, RLIMIT_FSIZE, memcg of a sysfs writer */
		err = smap_fs_call(smap_compact_locked, NULL);
	mutex_unlock(&pl->compact_lock);
	return err;
}

void smap_compact_work(struct work_struct *work)
{
	smap_compact_now();
}

/* Called by the writer after each round: cheap, queues the work at most once. */
void smap_compact_maybe(void)
{
	struct smap_plog *pl = &smap_plog;
	u64 keys, bytes, live;

	if (READ_ONCE(pl->stopping) || READ_ONCE(pl->io_err))
		return;
	if (READ_ONCE(pl->compact_asap)) {
		WRITE_ONCE(pl->compact_asap, false);
		queue_work(system_unbound_wq, &pl->compact_work);
		return;
	}
	if (atomic64_read(&pl->since_compact) < READ_ONCE(smap_compact_min))
		return;
	smap_store_usage(&keys, &bytes);
	live = bytes + keys * (sizeof(struct smap_rec_hdr) + SMAP_LOG_ALIGN);
	if (atomic64_read(&pl->log_bytes) > READ_ONCE(smap_compact_ratio) * live)
		queue_work(system_unbound_wq, &pl->compact_work);
}
