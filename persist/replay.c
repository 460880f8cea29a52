// SPDX-License-Identifier: GPL-2.0
/*
 * shared_map persistence: replay at load.
 *
 * Every file's header is read first and the chain checked: segments are
 * numbered consecutively from the snapshot's base_segment (or from 1), and
 * a v2 segment's header says where its predecessor ends. A missing file,
 * or a predecessor shorter than that, loads the store read-only with a loud
 * message until `recover` accepts the loss.
 *
 * Then segments below the snapshot's base (left by a crash mid-compaction),
 * the snapshot, and the segments from base on are applied in that order.
 * Within a file, a bad record does not end the file: replay resynchronises
 * at the next valid record (8-aligned magic, sane lengths, CRC, sequence
 * above the last applied and below the next file's first), and applies
 * every later one; records are whole values, so passing one over is safe.
 * Damage that no valid record follows is a torn tail (a crash mid-append)
 * and is cut off. A file with damage in its middle is copied aside as
 * <name>.corrupt for a human and kept; the compaction that runs after any
 * repair writes every key to a new snapshot before a damaged file goes.
 * Bytes past a successor's prev_end are refused writes: cut, never applied.
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/file.h>
#include <uapi/linux/fadvise.h>
#include <linux/fs.h>
#include <linux/ktime.h>
#include <linux/sched.h>
#include <linux/slab.h>
#include <linux/sort.h>
#include <linux/string.h>
#include <uapi/linux/shared_map.h>
#include "internal.h"

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
	struct smap_read_stats *st;	/* the reads but the file's first */
};

/*
 * Ask for the next buffer's worth of the file now, without waiting: its
 * reads run while this buffer's records are checked and applied. Without
 * it, each refill of a cold log waited for the disk with every CPU idle
 * (the owner drains before the buffer moves): a 1M-key load took 1743 ms
 * from a cold cache and 1459 ms from a warm one. WILLNEED reads at most
 * the device's readahead window per call (force_page_cache_ra()), so ask
 * a window-sized step at a time.
 */
#define SMAP_RA_STEP	(128 << 10)

static void smap_reader_ahead(struct smap_reader *r)
{
	loff_t end = min_t(loff_t, r->rpos + r->cap,
			   i_size_read(file_inode(r->f)));
	loff_t pos;

	for (pos = r->rpos; pos < end; pos += SMAP_RA_STEP)
		vfs_fadvise(r->f, pos, SMAP_RA_STEP, POSIX_FADV_WILLNEED);
}

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
		bool first = !r->rpos;
		u64 t0 = ktime_get_ns();
		ssize_t got = kernel_read(r->f, r->buf + r->have,
					  r->cap - r->have, &r->rpos);

		if (!first) {
			r->st->reads++;
			r->st->ns += ktime_get_ns() - t0;
		}
		if (got < 0)
			return got;
		if (got == 0)
			return 0;
		r->have += got;
	}
	smap_reader_ahead(r);
	return 1;
}

static bool smap_rec_plausible(const struct smap_rec_hdr *h, u32 kind)
{
	return le32_to_cpu(h->magic) == SMAP_REC_MAGIC &&
	       smap_rec_shape_ok(le16_to_cpu(h->op), le32_to_cpu(h->key_len),
				 le32_to_cpu(h->val_len), le32_to_cpu(h->len),
				 kind);
}

/* Where the file's successor says it ends: -1 if it does not say. */
static loff_t smap_hdr_prev_end(const struct smap_file_hdr *h)
{
	if (le32_to_cpu(h->version) < 2 ||
	    !(le32_to_cpu(h->flags) & SMAP_HDR_PREV))
		return -1;
	return le64_to_cpu(h->prev_end);
}

struct smap_file_result {
	struct smap_file_hdr hdr;
	bool hdr_ok;
	bool end_seen;		/* snapshot: trailer found */
	loff_t size;
	loff_t valid_end;	/* offset after the last good record */
	loff_t tail;		/* start of damage no valid record follows */
	loff_t refused;		/* bytes at and past the limit, not applied */
	bool prealloc;		/* the header says SMAP_HDR_PREALLOC */
	loff_t zero_tail;	/* preallocated zeros ending the file */
	u64 records;
	u64 max_seq;
	u64 skipped_records;	/* damaged records passed over */
	u64 skipped_bytes;
	u32 regions;		/* damaged stretches with valid records after */
};

/*
 * Whether @res describes damage, not a torn tail: a file whose header was
 * torn as it was created holds no record, and is no loss.
 */
static bool smap_res_damaged(const struct smap_file_result *res, u32 kind)
{
	if (kind == SMAP_FILE_SNAPSHOT)
		return !res->hdr_ok || res->regions || !res->end_seen;
	return res->regions || (!res->hdr_ok && res->records);
}

/* Hand one checked record to the owner; its bytes stay until drain(). */
static int smap_replay_apply(struct smap_journal *j,
			     const struct smap_rec_hdr *h)
{
	const u8 *key = (const u8 *)(h + 1);
	struct smap_jrec r = {
		.op = le16_to_cpu(h->op),
		.mode = le16_to_cpu(h->mode) & 0777,
		.klen = le32_to_cpu(h->key_len),
		.vlen = le32_to_cpu(h->val_len),
		.key = key,
		/* init_user_ns maps every id to itself */
		.uid = KUIDT_INIT(le32_to_cpu(h->uid)),
		.gid = KGIDT_INIT(le32_to_cpu(h->gid)),
	};

	r.val = key + r.klen;
	return j->ops->apply(j->owner, &r);
}

/* How often a long replay says how far it is, in jiffies. */
static unsigned long smap_replay_every(struct smap_journal *j)
{
	return msecs_to_jiffies(READ_ONCE(j->cfg.tun->replay_progress_ms));
}

/*
 * A long replay says how far it is, at most every replay_progress_ms
 * (5 s): records applied, bytes read of all the files' bytes.
 */
static void smap_replay_progress(struct smap_journal *j, u64 records,
				 loff_t at)
{
	u64 done = j->replay_done + at, total = max(j->replay_total, 1ULL);
	ktime_t now;

	/* per record: jiffies is a load, ktime_get() a clock read */
	if (time_before(jiffies, j->replay_next))
		return;
	now = ktime_get();
	j->replay_next = jiffies + smap_replay_every(j);
	pr_info("replaying %s: %llu records, %llu of %llu bytes (%llu%%), %lld s\n",
		j->cfg.path, j->replayed + records, done, j->replay_total,
		div64_u64(min(done, total) * 100, total),
		ktime_ms_delta(now, j->replay_start) / MSEC_PER_SEC);
}

/* The read buffer, kept from file to file. */
struct smap_rbuf {
	u8 *buf;
	size_t cap;		/* size of buf */
};

/* Make the buffer hold a file of @size bytes; nothing may be applying. */
static int smap_rbuf_fit(struct smap_rbuf *b, loff_t size)
{
	size_t cap = clamp_t(loff_t, round_up(size, PAGE_SIZE), PAGE_SIZE,
			     SMAP_RBUF);

	if (cap <= b->cap)
		return 0;
	kvfree(b->buf);
	b->buf = kvmalloc(cap, GFP_KERNEL | __GFP_NOWARN);
	if (!b->buf) {
		b->cap = 0;
		return -ENOMEM;
	}
	b->cap = cap;
	return 0;
}

/* smap_reader_need(), the owner done with the records before they move. */
static int smap_replay_need(struct smap_journal *j, struct smap_reader *r,
			    size_t n)
{
	if (r->have - r->off < n) {
		int err = j->ops->drain(j->owner, false);

		if (err)
			return err;
	}
	return smap_reader_need(r, n);
}

/* Name a key of a damaged record in dmesg (rate-limited), if readable. */
static void smap_name_damaged(const char *name, loff_t at,
			      const struct smap_rec_hdr *h, size_t avail)
{
	u32 klen = le32_to_cpu(h->key_len);

	if (sizeof(*h) + klen > avail)
		return;
	pr_warn_ratelimited("%s: damaged record at offset %lld, key \"%*pE\"%s\n",
			    name, at, min_t(u32, klen, 64), h + 1,
			    klen > 64 ? "..." : "");
}

/*
 * Once per replay, before its first record is applied: tell the owner how
 * many records to expect in all, from the records whole in the buffer now
 * (the first read of the first file that holds any): the log's bytes over
 * their average size. The scan stops at the first implausible header and
 * checks no CRC: a hint, not a verdict.
 */
static void smap_replay_hint(struct smap_journal *j,
			     const struct smap_reader *r, u32 kind)
{
	size_t off = r->off;
	u64 n = 0;

	if (j->replay_hinted || !j->ops->expect)
		return;
	while (r->have - off >= sizeof(struct smap_rec_hdr)) {
		const struct smap_rec_hdr *h = (const void *)(r->buf + off);
		u32 len;

		if (!smap_rec_plausible(h, kind) ||
		    le16_to_cpu(h->op) == SMAP_REC_END)
			break;
		len = le32_to_cpu(h->len);
		if (len > r->have - off)
			break;
		off += len;
		n++;
	}
	if (!n)
		return;
	j->replay_hinted = true;
	j->ops->expect(j->owner,
		       div64_u64(j->replay_total * n, off - r->off));
}

/*
 * A preallocated segment's records end where zero bytes begin that run to
 * the end of the file. Skip the zeros at r's position (8-aligned), up to
 * @cap if it is not negative: 1 if they run to the end of the file, 0 if
 * a byte that is not zero (r now at the 8-aligned word holding it) or @cap
 * stopped them, or -errno.
 */
static int smap_replay_zeros(struct smap_journal *j, struct smap_reader *r,
			     loff_t cap)
{
	u64 w;

	/* the common case, once per record: a record's magic starts here */
	if (r->have - r->off >= sizeof(w) &&
	    (cap < 0 || r->base + r->off + (loff_t)sizeof(w) <= cap)) {
		memcpy(&w, r->buf + r->off, sizeof(w));
		if (w)
			return 0;
	}
	for (;;) {
		loff_t at = r->base + r->off;
		size_t avail = r->have - r->off;
		const u8 *nz;
		int rc;

		if (cap >= 0 && at + (loff_t)avail > cap)
			avail = cap - at;
		if (!avail) {
			if (cap >= 0 && at >= cap)
				return 0;
			rc = smap_replay_need(j, r, 1);
			if (rc <= 0)
				return rc < 0 ? rc : 1;
			continue;
		}
		nz = memchr_inv(r->buf + r->off, 0, avail);
		if (!nz) {
			r->off += avail;
			continue;
		}
		at = round_down(r->base + (nz - r->buf), SMAP_LOG_ALIGN);
		r->off = at - r->base;
		return 0;
	}
}

/*
 * Read and apply one file, up to @limit if it is not negative, with
 * sequence numbers below @seq_end if it is not 0; damage is reported in
 * @res, not as an error.
 */
static int smap_replay_file(struct smap_journal *j, const char *name,
			    struct file *f, u32 kind, struct smap_rbuf *b,
			    loff_t limit, u64 seq_end,
			    struct smap_file_result *res)
{
	struct smap_reader r = { .f = f, .st = &j->replay_reads };
	loff_t bad_from = -1;
	u64 prev_seq = 0, bad_recs = 0;
	int rc, err = 0;

	memset(res, 0, sizeof(*res));
	res->tail = -1;
	res->size = i_size_read(file_inode(f));
	err = smap_rbuf_fit(b, res->size);
	if (err)
		return err;
	r.buf = b->buf;
	r.cap = b->cap;
	rc = smap_reader_need(&r, sizeof(res->hdr));
	if (rc < 0)
		return rc;
	if (rc == 0) {
		res->tail = 0;
		return 0;
	}
	memcpy(&res->hdr, r.buf, sizeof(res->hdr));
	/* a bad header is damage too: scan the records after it all the same */
	res->hdr_ok = smap_file_hdr_ok(&res->hdr, kind);
	res->prealloc = res->hdr_ok && kind == SMAP_FILE_LOG &&
			le32_to_cpu(res->hdr.version) >= 2 &&
			le32_to_cpu(res->hdr.flags) & SMAP_HDR_PREALLOC;
	r.off = sizeof(res->hdr);
	res->valid_end = sizeof(res->hdr);
	smap_replay_hint(j, &r, kind);

	for (;;) {
		const struct smap_rec_hdr *h;
		loff_t at = r.base + r.off;
		u32 len;
		u64 seq;

		if (limit >= 0 && at >= limit) {
			/* past the end the successor records: zeros, or refused */
			rc = res->prealloc ? smap_replay_zeros(j, &r, -1) : 0;
			if (rc < 0)
				return rc;
			if (rc)
				res->zero_tail = res->size - at;
			else
				res->refused = res->size - at;
			break;
		}
		if (res->prealloc) {
			rc = smap_replay_zeros(j, &r, limit);
			if (rc < 0)
				return rc;
			if (rc) {
				/* the end of the records; after damage, a torn tail */
				res->zero_tail = res->size - at;
				if (bad_from >= 0)
					res->tail = bad_from;
				break;
			}
			if (r.base + r.off != at) {
				/* zeros with data after them: damage */
				if (bad_from < 0)
					bad_from = at;
				continue;
			}
		}
		rc = smap_replay_need(j, &r, sizeof(*h));
		if (rc < 0)
			return rc;
		if (rc == 0) {
			/* clean end only where the last record ended */
			if (bad_from >= 0)
				res->tail = bad_from;
			else if (r.base + r.have != at)
				res->tail = at;
			break;
		}
		h = (const void *)(r.buf + r.off);
		if (!smap_rec_plausible(h, kind))
			goto bad;
		len = le32_to_cpu(h->len);
		if (limit >= 0 && at + len > limit)
			goto bad;
		rc = smap_replay_need(j, &r, len);
		if (rc < 0)
			return rc;
		h = (const void *)(r.buf + r.off);
		if (rc == 0 || le32_to_cpu(h->crc) != smap_rec_crc(h))
			goto bad_rec;
		seq = le64_to_cpu(h->seq);
		if (seq <= prev_seq || (seq_end && seq >= seq_end))
			goto bad_rec;
		if (bad_from >= 0) {
			/* resynchronised: sequence numbers say how many were lost */
			res->regions++;
			res->skipped_bytes += at - max_t(loff_t, bad_from,
							  sizeof(res->hdr));
			res->skipped_records += prev_seq && seq - prev_seq > 1 ?
						seq - prev_seq - 1 :
						max_t(u64, bad_recs, 1);
			pr_err_ratelimited("%s: damage at offsets %lld..%lld passed over, replay resumes at sequence %llu\n",
					   name, bad_from, at, seq);
			bad_from = -1;
			bad_recs = 0;
		}
		prev_seq = seq;
		if (le16_to_cpu(h->op) == SMAP_REC_END) {
			res->end_seen = true;
			res->valid_end = at + len;
			break;
		}
		err = smap_replay_apply(j, h);
		if (err)
			return err;
		res->records++;
		r.off += len;
		res->valid_end = at + len;
		smap_replay_progress(j, res->records, at + len);
		continue;
bad_rec:
		/* a whole record that looked right: its key may be readable */
		bad_recs++;
		if (rc)
			smap_name_damaged(name, at, h, r.have - r.off);
bad:
		if (bad_from < 0)
			bad_from = at;
		r.off += SMAP_LOG_ALIGN;
	}
	res->max_seq = prev_seq;
	return j->ops->drain(j->owner, false);
}

/*
 * After replaying @name: cut a torn tail or refused writes off, copy a file
 * with damage in its middle aside. Nothing here unlinks a file that holds
 * a valid record.
 */
static void smap_repair(struct smap_journal *j, const char *name,
			struct file *f, u32 kind, struct smap_file_result *res)
{
	loff_t keep = res->size, torn;
	char aside[48];
	int err;

	if (res->refused) {
		keep = res->size - res->refused;
		pr_warn("%s: %lld bytes of refused writes past offset %lld dropped\n",
			name, res->refused, keep);
	} else if (res->tail >= 0) {
		keep = res->tail;
		torn = res->size - res->zero_tail - keep;
		j->truncated += torn;
		pr_warn("%s: torn tail: truncated %lld bytes at offset %lld (%llu records kept)\n",
			name, torn, keep, res->records);
	} else if (res->zero_tail) {
		/* the clean end of a preallocated segment: no news */
		keep = res->size - res->zero_tail;
	}
	if (smap_res_damaged(res, kind)) {
		j->corrupt++;
		j->skipped_records += res->skipped_records;
		j->skipped_bytes += res->skipped_bytes;
		snprintf(aside, sizeof(aside), "%s" SMAP_CORRUPT_SUFFIX, name);
		err = smap_fs_copy(j, name, aside);
		pr_err("CORRUPTION in %s/%s: %s%llu records applied, %llu damaged records (%llu bytes) passed over in %u places; copy of the damaged file: %s (%s)\n",
		       j->cfg.path, name, res->hdr_ok ? "" : "bad header, ",
		       res->records, res->skipped_records, res->skipped_bytes,
		       res->regions, aside, err ? "copy FAILED" : "ok");
	}
	if (kind == SMAP_FILE_SNAPSHOT || keep == res->size)
		return;		/* a snapshot is rewritten by the compaction */
	err = smap_fs_truncate(f, keep);
	if (err) {
		pr_err("%s: cannot truncate to %lld (%d)\n", name, keep, err);
	} else {
		res->size = keep;
		res->zero_tail = 0;
	}
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
int smap_scan_dir(struct smap_journal *j, struct smap_dir_scan *s)
{
	int err;

	memset(s, 0, sizeof(*s));
	err = smap_fs_list(j, smap_scan_actor, s);
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

static int smap_replay_one(struct smap_journal *j, const char *name, u32 kind,
			   struct smap_rbuf *b, loff_t limit, u64 seq_end,
			   struct smap_file_result *res, bool *damaged)
{
	struct file *f;
	int err;

	f = smap_fs_open(j, name, O_RDWR);
	if (IS_ERR(f)) {
		pr_err("cannot open %s/%s (%ld)\n", j->cfg.path, name,
		       PTR_ERR(f));
		return PTR_ERR(f);
	}
	err = smap_replay_file(j, name, f, kind, b, limit, seq_end, res);
	if (!err && (res->tail >= 0 || res->refused ||
		     smap_res_damaged(res, kind))) {
		smap_repair(j, name, f, kind, res);
		*damaged = true;
	} else if (!err && res->zero_tail) {
		smap_repair(j, name, f, kind, res);	/* trimmed, silently */
	}
	j->replayed += res->records;
	j->replay_done += res->size;
	/* log_bytes counts records, not the zeros a trim could not remove */
	atomic64_add(res->size - res->zero_tail, &j->log_bytes);
	fput(f);
	return err;
}

/* Read @name's header: true if it is whole and of @kind. */
static bool smap_read_hdr(struct smap_journal *j, const char *name, u32 kind,
			  struct smap_file_hdr *h)
{
	struct file *f;
	loff_t pos = 0;
	bool ok;

	f = smap_fs_open(j, name, O_RDONLY);
	if (IS_ERR(f))
		return false;
	ok = kernel_read(f, h, sizeof(*h), &pos) == sizeof(*h) &&
	     smap_file_hdr_ok(h, kind);
	j->replay_total += i_size_read(file_inode(f));	/* for progress */
	fput(f);
	return ok;
}

static void smap_seg_name(char *name, size_t size, u64 seg)
{
	snprintf(name, size, SMAP_LOG_PREFIX "%016llx", seg);
}

/*
 * The chain: segments from @first (the snapshot's base, or 1) on, each
 * one more than the last. A hole means a file is gone, and with it
 * acknowledged records: say so loudly and load read-only.
 */
static bool smap_chain_ok(struct smap_journal *j, const struct smap_dir_scan *s,
			  u64 first, bool snap_missing)
{
	u64 want = first;
	int i;

	for (i = 0; i < s->n; i++) {
		if (s->segs[i] < first)
			continue;
		if (s->segs[i] != want) {
			pr_err("LOG CHAIN BROKEN in %s: %s%016llx..%016llx missing%s\n",
			       j->cfg.path, SMAP_LOG_PREFIX, want,
			       s->segs[i] - 1,
			       snap_missing ? " (or the snapshot that covered them)" : "");
			return false;
		}
		want++;
	}
	if (first > 1 && want == first) {
		pr_err("LOG CHAIN BROKEN in %s: %s%016llx, the snapshot's base, is missing\n",
		       j->cfg.path, SMAP_LOG_PREFIX, first);
		return false;
	}
	return true;
}

int smap_replay(struct smap_journal *j, u64 *next_seg, u64 *next_seq,
		loff_t *prev_end, bool *has_prev)
{
	struct smap_dir_scan s = {};
	struct smap_file_result res;
	struct smap_file_hdr *hdrs = NULL;
	struct smap_file_hdr snap;
	ktime_t t0 = ktime_get();
	bool damaged = false, snap_ok = false, snap_damaged = false;
	bool chain = true;
	u64 base = 0, max_seq = 0, max_seg = 0;
	loff_t last_end = -1;
	struct smap_rbuf b = {};
	char name[32];
	int i, err;

	j->replay_total = 0;
	j->replay_done = 0;
	j->replay_hinted = false;
	memset(&j->replay_reads, 0, sizeof(j->replay_reads));
	j->replay_start = t0;
	j->replay_next = jiffies + smap_replay_every(j);
	err = smap_scan_dir(j, &s);
	if (err) {
		pr_err("cannot list %s (%d)\n", j->cfg.path, err);
		goto out;
	}
	if (s.snapshot_tmp)	/* an interrupted compaction: the old state rules */
		smap_fs_unlink(j, SMAP_SNAP_TMP);

	/* headers first: the chain, and where each segment's successor says it ends */
	hdrs = kvcalloc(max(s.n, 1), sizeof(*hdrs), GFP_KERNEL | __GFP_NOWARN);
	if (!hdrs) {
		err = -ENOMEM;
		goto out;
	}
	for (i = 0; i < s.n; i++) {
		smap_seg_name(name, sizeof(name), s.segs[i]);
		if (!smap_read_hdr(j, name, SMAP_FILE_LOG, &hdrs[i]))
			memset(&hdrs[i], 0, sizeof(hdrs[i]));
	}
	if (s.snapshot) {
		snap_ok = smap_read_hdr(j, SMAP_SNAP_NAME, SMAP_FILE_SNAPSHOT, &snap);
		if (snap_ok)
			base = le64_to_cpu(snap.base_segment);
	}
	if (!s.snapshot || snap_ok)
		chain = smap_chain_ok(j, &s, max(base, 1ULL), !s.snapshot);
	else if (s.n)	/* the snapshot's header is gone: check what follows */
		chain = smap_chain_ok(j, &s, s.segs[0], false);
	if (chain && s.n && s.segs[s.n - 1] >= base &&
	    le32_to_cpu(hdrs[s.n - 1].flags) & SMAP_HDR_NEXT) {
		pr_err("LOG CHAIN BROKEN in %s: %s%016llx, the newest segment, is missing\n",
		       j->cfg.path, SMAP_LOG_PREFIX, s.segs[s.n - 1] + 1);
		chain = false;
	}

	/* segments below a snapshot's base first (a crash mid-compaction) */
	for (i = 0; i < s.n && s.segs[i] < base; i++) {
		smap_seg_name(name, sizeof(name), s.segs[i]);
		err = smap_replay_one(j, name, SMAP_FILE_LOG, &b, -1, 0, &res,
				      &damaged);
		if (err)
			goto out;
	}
	if (s.snapshot) {
		err = smap_replay_one(j, SMAP_SNAP_NAME, SMAP_FILE_SNAPSHOT, &b,
				      -1, 0, &res, &damaged);
		if (err)
			goto out;
		snap_damaged = smap_res_damaged(&res, SMAP_FILE_SNAPSHOT);
		if (res.hdr_ok)
			max_seq = le64_to_cpu(res.hdr.first_seq);
	}
	for (i = 0; i < s.n; i++) {
		bool next = i + 1 < s.n && s.segs[i + 1] == s.segs[i] + 1;
		loff_t limit = next ? smap_hdr_prev_end(&hdrs[i + 1]) : -1;
		u64 seq_end = next && le32_to_cpu(hdrs[i + 1].magic) ?
			      le64_to_cpu(hdrs[i + 1].first_seq) : 0;

		max_seg = s.segs[i];
		smap_seg_name(name, sizeof(name), s.segs[i]);
		if (s.segs[i] < base) {
			/* covered by a sound snapshot: it can go */
			if (!snap_damaged)
				smap_fs_unlink(j, name);
			continue;
		}
		err = smap_replay_one(j, name, SMAP_FILE_LOG, &b, limit, seq_end,
				      &res, &damaged);
		if (err)
			goto out;
		if (limit >= 0 && res.valid_end < limit) {
			pr_err("LOG CHAIN BROKEN in %s: %s ends at %lld, its successor says %lld\n",
			       j->cfg.path, name, res.valid_end, limit);
			chain = false;
		}
		max_seq = max(max_seq, res.max_seq);
		last_end = res.valid_end;
	}
	err = j->ops->drain(j->owner, true);
	if (err)
		goto out;
	smap_fs_sync_dir(j);
	*next_seg = max3(max_seg + 1, base, 1ULL);
	*next_seq = max_seq;
	*has_prev = last_end >= 0 && *next_seg == max_seg + 1;
	*prev_end = last_end;
	pr_info("replay: %u reads after each file's first took %llu ms\n",
		j->replay_reads.reads,
		div_u64(j->replay_reads.ns, NSEC_PER_MSEC));
	pr_info("replayed %llu records from %s%d log files in %lld ms\n",
		j->replayed, s.snapshot ? "a snapshot and " : "", s.n,
		ktime_ms_delta(ktime_get(), t0));
	if (s.n >= 16)		/* empty segments from many reloads add up */
		j->compact_asap = true;
	if (damaged) {
		pr_warn("log damage was repaired: %llu bytes truncated, %llu corrupt files copied aside, %llu damaged records passed over\n",
			j->truncated, j->corrupt, j->skipped_records);
		/* rewrite a clean snapshot once the writer runs */
		j->compact_asap = true;
	}
	if (!chain) {
		j->io_err = -ENOLINK;
		pr_err("loaded READ-ONLY: files of the log are missing and with them acknowledged writes; 'echo 1 > /sys/module/shared_map/parameters/recover' accepts the loss\n");
	}
out:
	kvfree(hdrs);
	kfree(s.segs);
	kvfree(b.buf);
	return err;
}
