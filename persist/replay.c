// SPDX-License-Identifier: GPL-2.0
/*
 * shared_map persistence: replay at load.
 *
 * The snapshot (if any) is applied first, then every log segment from the
 * snapshot's base_segment on, in order. A file is read up to its first bad
 * record. If no valid record follows the bad spot, it is a torn tail (a
 * crash mid-append): the file is truncated there. If a valid record does
 * follow, the middle of the file is damaged: the file is copied aside as
 * <name>.corrupt, truncated to its valid prefix, and dmesg and the stats say
 * so. Replay never refuses to start over damage and never loops.
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/file.h>
#include <linux/fs.h>
#include <linux/jhash.h>
#include <linux/ktime.h>
#include <linux/sched.h>
#include <linux/slab.h>
#include <linux/sort.h>
#include <linux/string.h>
#include <linux/workqueue.h>
#include <uapi/linux/shared_map.h>
#include "internal.h"
#include "persist.h"

/*
 * The read buffer: as large as the largest file read, at most SMAP_RBUF.
 * A file's records fit in its size, and SMAP_RBUF holds the largest record.
 * Sizing it to the log matters for small logs: init_on_alloc zeroes every
 * byte of it at each load.
 */
#define SMAP_RBUF	(4 << 20)

struct smap_reader {
	struct file *f;
	u8 *buf;
	size_t cap;		/* size of buf */
	size_t have;		/* bytes in buf */
	size_t off;		/* parse position in buf */
	loff_t base;		/* file offset of buf[0] */
	loff_t rpos;		/* next file offset to read */
};

/* Make @n bytes available at r->off: 1 if they are, 0 at EOF, or -errno. */
static int smap_reader_need(struct smap_reader *r, size_t n)
{
	if (r->have - r->off >= n)
		return 1;
	memmove(r->buf, r->buf + r->off, r->have - r->off);
	r->base += r->off;
	r->have -= r->off;
	r->off = 0;
	while (r->have < n) {
		ssize_t got = kernel_read(r->f, r->buf + r->have,
					  r->cap - r->have, &r->rpos);

		if (got < 0)
			return got;
		if (got == 0)
			return 0;
		r->have += got;
	}
	return 1;
}

static bool smap_rec_plausible(const struct smap_rec_hdr *h, u32 kind)
{
	return le32_to_cpu(h->magic) == SMAP_REC_MAGIC &&
	       smap_rec_shape_ok(le16_to_cpu(h->op), le32_to_cpu(h->key_len),
				 le32_to_cpu(h->val_len), le32_to_cpu(h->len),
				 kind);
}

static bool smap_file_hdr_ok(const struct smap_file_hdr *h, u32 kind)
{
	return le32_to_cpu(h->magic) == SMAP_FILE_MAGIC &&
	       le32_to_cpu(h->version) == SMAP_LOG_VERSION &&
	       le32_to_cpu(h->kind) == kind &&
	       le32_to_cpu(h->hdr_len) == sizeof(*h) &&
	       le32_to_cpu(h->crc) == smap_file_hdr_crc(h);
}

struct smap_file_result {
	struct smap_file_hdr hdr;
	bool hdr_ok;
	bool bad;		/* stopped before the end of the file */
	bool end_seen;		/* snapshot: trailer found */
	loff_t size;
	loff_t valid_end;	/* offset after the last good record */
	u64 records;
	u64 max_seq;
};

static int smap_apply(struct smap_load_batch *b, const struct smap_rec_hdr *h)
{
	const u8 *key = (const u8 *)(h + 1);
	u32 klen = le32_to_cpu(h->key_len);

	if (le16_to_cpu(h->op) == SMAP_REC_DEL) {
		smap_store_load_del(b, key, klen);
		return 0;
	}
	return smap_store_load(b, key, klen, key + klen,
			       le32_to_cpu(h->val_len),
			       /* init_user_ns maps every id to itself */
			       KUIDT_INIT(le32_to_cpu(h->uid)),
			       KGIDT_INIT(le32_to_cpu(h->gid)),
			       le16_to_cpu(h->mode) & 0777);
}

/*
 * Inserting is most of replay's time, so records are applied in two lanes
 * at once, split by a hash of the key: all records of one key go to the
 * same lane, in log order, so the lanes never touch the same key and the
 * result is the log's. The records checked in one buffer fill are queued
 * as offsets (lane 0 from the front of @off, lane 1 from the back), then
 * applied, lane 1 by a worker and lane 0 by the loading thread, before the
 * buffer is refilled. Each lane numbers its new keys with its own batch.
 */
struct smap_lanes {
	struct work_struct work;
	u8 *buf;
	size_t cap;		/* size of buf */
	u32 recs;		/* the most records buf can hold */
	u32 *off;		/* recs entries */
	struct smap_load_batch *batch;	/* one per lane */
	u32 n[2];
	int err1;
};

static int smap_lane_apply(struct smap_lanes *l, int lane)
{
	u32 i;
	int err;

	for (i = 0; i < l->n[lane]; i++) {
		u32 at = l->off[lane ? l->recs - 1 - i : i];

		err = smap_apply(&l->batch[lane], (const void *)(l->buf + at));
		if (err)
			return err;
		if (!(i & 63))
			cond_resched();
	}
	return 0;
}

static void smap_lane_work(struct work_struct *w)
{
	struct smap_lanes *l = container_of(w, struct smap_lanes, work);

	l->err1 = smap_lane_apply(l, 1);
}

/* Apply every queued record: afterwards the buffer may move. */
static int smap_lanes_flush(struct smap_lanes *l)
{
	bool two = l->n[1];
	int err;

	if (two)
		queue_work(system_unbound_wq, &l->work);
	err = smap_lane_apply(l, 0);
	if (two) {
		flush_work(&l->work);
		err = err ?: l->err1;
	}
	l->n[0] = 0;
	l->n[1] = 0;
	return err;
}

static int smap_lanes_queue(struct smap_lanes *l, const struct smap_rec_hdr *h)
{
	int lane = jhash(h + 1, le32_to_cpu(h->key_len), 0) & 1;
	u32 at = (const u8 *)h - l->buf;

	if (l->n[0] + l->n[1] == l->recs) {
		int err = smap_lanes_flush(l);

		if (err)
			return err;
	}
	l->off[lane ? l->recs - 1 - l->n[1] : l->n[0]] = at;
	l->n[lane]++;
	return 0;
}

/* Make the buffer hold a file of @size bytes; nothing may be queued. */
static int smap_lanes_fit(struct smap_lanes *l, loff_t size)
{
	size_t cap = clamp_t(loff_t, round_up(size, PAGE_SIZE), PAGE_SIZE,
			     SMAP_RBUF);
	u32 recs = cap / smap_rec_len(1, 0);

	if (cap <= l->cap)
		return 0;
	kvfree(l->buf);
	kvfree(l->off);
	l->buf = kvmalloc(cap, GFP_KERNEL);
	l->off = kvmalloc_array(recs, sizeof(*l->off), GFP_KERNEL);
	if (!l->buf || !l->off) {
		l->cap = 0;
		return -ENOMEM;
	}
	l->cap = cap;
	l->recs = recs;
	return 0;
}

/* smap_reader_need(), applying what is queued before the buffer moves. */
static int smap_lanes_need(struct smap_reader *r, struct smap_lanes *l,
			   size_t n)
{
	if (r->have - r->off < n) {
		int err = smap_lanes_flush(l);

		if (err)
			return err;
	}
	return smap_reader_need(r, n);
}

/* Read and apply one file; damage is reported in @res, not as an error. */
static int smap_replay_file(struct file *f, u32 kind, struct smap_lanes *l,
			    struct smap_file_result *res)
{
	struct smap_reader r = { .f = f };
	u64 prev_seq = 0;
	int rc, err = 0;

	memset(res, 0, sizeof(*res));
	res->size = i_size_read(file_inode(f));
	err = smap_lanes_fit(l, res->size);
	if (err)
		return err;
	r.buf = l->buf;
	r.cap = l->cap;
	rc = smap_reader_need(&r, sizeof(res->hdr));
	if (rc < 0)
		return rc;
	if (rc == 0) {
		res->bad = true;
		return 0;
	}
	memcpy(&res->hdr, r.buf, sizeof(res->hdr));
	if (!smap_file_hdr_ok(&res->hdr, kind)) {
		res->bad = true;
		return 0;
	}
	res->hdr_ok = true;
	r.off = sizeof(res->hdr);
	res->valid_end = sizeof(res->hdr);

	for (;;) {
		const struct smap_rec_hdr *h;
		u32 len;
		u64 seq;

		rc = smap_lanes_need(&r, l, sizeof(*h));
		if (rc < 0)
			return rc;
		if (rc == 0) {
			/* clean end only where the last record ended */
			res->bad = r.base + r.have != res->valid_end;
			break;
		}
		h = (const void *)(r.buf + r.off);
		if (!smap_rec_plausible(h, kind)) {
			res->bad = true;
			break;
		}
		len = le32_to_cpu(h->len);
		rc = smap_lanes_need(&r, l, len);
		if (rc < 0)
			return rc;
		h = (const void *)(r.buf + r.off);
		if (rc == 0 || le32_to_cpu(h->crc) != smap_rec_crc(h)) {
			res->bad = true;
			break;
		}
		seq = le64_to_cpu(h->seq);
		if (seq <= prev_seq) {
			res->bad = true;
			break;
		}
		prev_seq = seq;
		if (le16_to_cpu(h->op) == SMAP_REC_END) {
			res->end_seen = true;
			res->valid_end += len;
			break;
		}
		err = smap_lanes_queue(l, h);
		if (err)
			return err;
		res->records++;
		r.off += len;
		res->valid_end += len;
	}
	res->max_seq = prev_seq;
	return smap_lanes_flush(l);
}

/*
 * Is there any valid record at or after @from (8-aligned) in @f? Without
 * memory to look, say yes: the file is then kept aside, not cut.
 */
static bool smap_valid_after(struct file *f, loff_t from, loff_t size, u32 kind)
{
	const size_t chunk = 1 << 20;
	loff_t pos = round_up(from, SMAP_LOG_ALIGN);
	bool found = false;
	u8 *buf, *rec;

	/* a chunk, then room for the largest record */
	buf = kvmalloc(chunk + smap_rec_len(SMAP_KEY_MAX, SMAP_VALUE_MAX),
		       GFP_KERNEL);
	if (!buf)
		return true;
	rec = buf + chunk;
	while (pos + (loff_t)sizeof(struct smap_rec_hdr) <= size) {
		loff_t rp = pos;
		ssize_t n = kernel_read(f, buf, chunk, &rp);
		ssize_t i;

		if (n < (ssize_t)sizeof(struct smap_rec_hdr))
			break;
		for (i = 0; i + (ssize_t)sizeof(struct smap_rec_hdr) <= n;
		     i += SMAP_LOG_ALIGN) {
			const struct smap_rec_hdr *h = (const void *)(buf + i);
			loff_t at = pos + i;
			u32 len;

			if (!smap_rec_plausible(h, kind))
				continue;
			len = le32_to_cpu(h->len);
			if (at + len > size)
				continue;
			rp = at;
			if (kernel_read(f, rec, len, &rp) != len)
				continue;
			if (le32_to_cpu(((struct smap_rec_hdr *)rec)->crc) ==
			    smap_rec_crc((const void *)rec)) {
				found = true;
				goto out;
			}
		}
		pos += n - (n % SMAP_LOG_ALIGN);
		cond_resched();
	}
out:
	kvfree(buf);
	return found;
}

/* Cut @name back to its valid prefix; copy it aside first if corrupt. */
static void smap_repair(const char *name, struct file *f, u32 kind,
			struct smap_file_result *res)
{
	struct smap_plog *pl = &smap_plog;
	loff_t keep = res->hdr_ok ? res->valid_end : 0;
	loff_t lost = res->size - keep;
	char aside[48];
	int err;

	if (kind == SMAP_FILE_LOG && !smap_valid_after(f, keep, res->size, kind)) {
		pl->truncated += lost;
		pr_warn("%s: torn tail: truncated %lld bytes at offset %lld (%llu records kept)\n",
			name, lost, keep, res->records);
	} else {
		pl->corrupt++;
		snprintf(aside, sizeof(aside), "%s" SMAP_CORRUPT_SUFFIX, name);
		err = smap_fs_copy(name, aside);
		pr_err("CORRUPTION in %s/%s at offset %lld: kept the %llu valid records before it, dropped %lld bytes; copy of the damaged file: %s (%s)\n",
		       smap_log_path, name, keep, res->records, lost, aside,
		       err ? "copy FAILED" : "ok");
	}
	if (kind == SMAP_FILE_SNAPSHOT)
		return;		/* rewritten by the compaction that follows */
	if (keep == 0) {
		smap_fs_unlink(name);
		return;
	}
	err = vfs_truncate(&f->f_path, keep);
	if (!err)
		err = vfs_fsync(f, 0);
	if (err)
		pr_err("%s: cannot truncate to %lld (%d)\n", name, keep, err);
}

static bool smap_scan_actor(void *arg, const char *name, int len)
{
	struct smap_dir_scan *s = arg;
	const int plen = strlen(SMAP_LOG_PREFIX);
	char hex[17];
	u64 seg;

	if (len == strlen(SMAP_SNAP_NAME) && !memcmp(name, SMAP_SNAP_NAME, len)) {
		s->snapshot = true;
		return true;
	}
	if (len == strlen(SMAP_SNAP_TMP) && !memcmp(name, SMAP_SNAP_TMP, len)) {
		s->snapshot_tmp = true;
		return true;
	}
	if (len != plen + 16 || memcmp(name, SMAP_LOG_PREFIX, plen))
		return true;
	memcpy(hex, name + plen, 16);
	hex[16] = 0;
	if (kstrtou64(hex, 16, &seg) || !seg)
		return true;
	if (s->n == s->cap) {
		int cap = s->cap ? s->cap * 2 : 16;
		u64 *n = krealloc_array(s->segs, cap, sizeof(*n), GFP_KERNEL);

		if (!n) {
			s->err = -ENOMEM;
			return false;
		}
		s->segs = n;
		s->cap = cap;
	}
	s->segs[s->n++] = seg;
	return true;
}

static int smap_cmp_u64(const void *a, const void *b)
{
	u64 x = *(const u64 *)a, y = *(const u64 *)b;

	return x < y ? -1 : x > y;
}

/* List the log directory: segment numbers (sorted), snapshot files seen. */
int smap_scan_dir(struct smap_dir_scan *s)
{
	int err;

	memset(s, 0, sizeof(*s));
	err = smap_fs_list(smap_scan_actor, s);
	if (!err)
		err = s->err;
	if (err) {
		kfree(s->segs);
		s->segs = NULL;
		return err;
	}
	sort(s->segs, s->n, sizeof(*s->segs), smap_cmp_u64, NULL);
	return 0;
}

static int smap_replay_one(const char *name, u32 kind, struct smap_lanes *l,
			   struct smap_file_result *res, bool *damaged)
{
	struct file *f;
	int err;

	f = smap_fs_open(name, O_RDWR);
	if (IS_ERR(f)) {
		pr_err("cannot open %s/%s (%ld)\n", smap_log_path, name,
		       PTR_ERR(f));
		return PTR_ERR(f);
	}
	err = smap_replay_file(f, kind, l, res);
	if (!err && (res->bad || (kind == SMAP_FILE_SNAPSHOT && !res->end_seen))) {
		smap_repair(name, f, kind, res);
		*damaged = true;
	}
	smap_plog.replayed += res->records;
	atomic64_add(res->hdr_ok ? res->valid_end : 0, &smap_plog.log_bytes);
	fput(f);
	return err;
}

int smap_replay(u64 *next_seg, u64 *next_seq)
{
	struct smap_dir_scan s = {};
	struct smap_file_result res;
	ktime_t t0 = ktime_get();
	bool damaged = false;
	u64 base = 0, max_seq = 0, max_seg = 0;
	struct smap_lanes l = {};
	char name[32];
	int i, err;

	INIT_WORK_ONSTACK(&l.work, smap_lane_work);
	l.batch = kcalloc(2, sizeof(*l.batch), GFP_KERNEL);
	if (!l.batch) {
		err = -ENOMEM;
		goto out;
	}
	err = smap_scan_dir(&s);
	if (err) {
		pr_err("cannot list %s (%d)\n", smap_log_path, err);
		goto out;
	}
	if (s.snapshot_tmp)	/* an interrupted compaction: the old state rules */
		smap_fs_unlink(SMAP_SNAP_TMP);
	if (s.snapshot) {
		err = smap_replay_one(SMAP_SNAP_NAME, SMAP_FILE_SNAPSHOT, &l,
				      &res, &damaged);
		if (err)
			goto out;
		if (res.hdr_ok) {
			base = le64_to_cpu(res.hdr.base_segment);
			max_seq = le64_to_cpu(res.hdr.first_seq);
		}
	}
	for (i = 0; i < s.n; i++) {
		snprintf(name, sizeof(name), SMAP_LOG_PREFIX "%016llx",
			 s.segs[i]);
		max_seg = s.segs[i];
		if (s.segs[i] < base) {
			/* covered by the snapshot; left by a crash mid-compaction */
			smap_fs_unlink(name);
			continue;
		}
		err = smap_replay_one(name, SMAP_FILE_LOG, &l, &res, &damaged);
		if (err)
			goto out;
		max_seq = max(max_seq, res.max_seq);
	}
	err = smap_store_load_flush(&l.batch[0]) ?:
	      smap_store_load_flush(&l.batch[1]);
	if (err)
		goto out;
	smap_fs_sync_dir();
	*next_seg = max3(max_seg + 1, base, 1ULL);
	*next_seq = max_seq;
	pr_info("replayed %llu records from %s%d log files in %lld ms\n",
		smap_plog.replayed, s.snapshot ? "a snapshot and " : "", s.n,
		ktime_ms_delta(ktime_get(), t0));
	if (s.n >= 16)		/* empty segments from many reloads add up */
		smap_plog.compact_asap = true;
	if (damaged) {
		pr_warn("log damage was repaired: %llu bytes truncated, %llu corrupt files copied aside\n",
			smap_plog.truncated, smap_plog.corrupt);
		/* rewrite a clean snapshot once the writer runs */
		smap_plog.compact_asap = true;
	}
out:
	destroy_work_on_stack(&l.work);
	kfree(s.segs);
	kfree(l.batch);
	kvfree(l.off);
	kvfree(l.buf);
	return err;
}
