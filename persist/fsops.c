// SPDX-License-Identifier: GPL-2.0
/*
 * shared_map persistence: the few VFS operations the log needs, all relative
 * to the log directory (smap_plog.dir). Kernel-version differences come from
 * compat.h.
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/crc32c.h>
#include <linux/dcache.h>
#include <linux/file.h>
#include <linux/fs.h>
#include <linux/namei.h>
#include <linux/slab.h>
#include <linux/timekeeping.h>
#include "compat.h"
#include "internal.h"

u32 smap_rec_crc(const struct smap_rec_hdr *h)
{
	size_t off = offsetof(struct smap_rec_hdr, len);

	return ~crc32c(~0U, (const u8 *)h + off, le32_to_cpu(h->len) - off);
}

u32 smap_file_hdr_crc(const struct smap_file_hdr *h)
{
	return ~crc32c(~0U, h, offsetof(struct smap_file_hdr, crc));
}

void smap_file_hdr_init(struct smap_file_hdr *h, u32 kind, u64 segment,
			u64 base, u64 first_seq, loff_t prev_end, bool has_prev)
{
	memset(h, 0, sizeof(*h));
	h->magic = cpu_to_le32(SMAP_FILE_MAGIC);
	h->version = cpu_to_le32(SMAP_LOG_VERSION);
	h->kind = cpu_to_le32(kind);
	h->hdr_len = cpu_to_le32(sizeof(*h));
	h->segment = cpu_to_le64(segment);
	h->base_segment = cpu_to_le64(base);
	h->created_ns = cpu_to_le64(ktime_get_real_ns());
	h->first_seq = cpu_to_le64(first_seq);
	if (has_prev) {
		h->prev_end = cpu_to_le64(prev_end);
		h->flags = cpu_to_le32(SMAP_HDR_PREV);
	}
	h->crc = cpu_to_le32(smap_file_hdr_crc(h));
}

int smap_fs_mkdir(const char *path)
{
	struct path parent;
	struct dentry *d;
	int err;

	d = kern_path_create(AT_FDCWD, path, &parent, LOOKUP_DIRECTORY);
	if (IS_ERR(d))
		return PTR_ERR(d) == -EEXIST ? 0 : PTR_ERR(d);
	err = vfs_mkdir(SMAP_NOP_IDMAP, d_inode(parent.dentry), d, 0700);
	done_path_create(&parent, d);
	return err;
}

struct file *smap_fs_open(const char *name, int flags, umode_t mode)
{
	return file_open_root(&smap_plog.dir, name, flags | O_LARGEFILE |
			      O_NOFOLLOW, mode);
}

int smap_fs_write_all(struct file *f, const void *buf, size_t len,
		      loff_t *pos)
{
	while (len) {
		ssize_t n = kernel_write(f, buf, len, pos);

		if (n < 0)
			return n;
		if (n == 0)
			return -EIO;
		buf += n;
		len -= n;
	}
	return 0;
}

int smap_fs_unlink(const char *name)
{
	struct inode *dir = d_inode(smap_plog.dir.dentry);
	struct dentry *d;
	int err;

	inode_lock_nested(dir, I_MUTEX_PARENT);
	d = lookup_one_len(name, smap_plog.dir.dentry, strlen(name));
	if (IS_ERR(d)) {
		err = PTR_ERR(d);
		goto out;
	}
	err = d_is_positive(d) ? vfs_unlink(SMAP_NOP_IDMAP, dir, d, NULL) :
				 -ENOENT;
	dput(d);
out:
	inode_unlock(dir);
	return err;
}

int smap_fs_rename(const char *from, const char *to)
{
	struct dentry *dd = smap_plog.dir.dentry;
	struct dentry *old, *new, *trap;
	int err;

	trap = lock_rename(dd, dd);
	if (IS_ERR(trap))
		return PTR_ERR(trap);
	old = lookup_one_len(from, dd, strlen(from));
	if (IS_ERR(old)) {
		err = PTR_ERR(old);
		goto unlock;
	}
	new = lookup_one_len(to, dd, strlen(to));
	if (IS_ERR(new)) {
		err = PTR_ERR(new);
		goto put_old;
	}
	err = d_is_positive(old) ? smap_vfs_rename(d_inode(dd), old, new) :
				   -ENOENT;
	dput(new);
put_old:
	dput(old);
unlock:
	unlock_rename(dd, dd);
	return err;
}

int smap_fs_sync_dir(void)
{
	struct file *d;
	int err;

	d = dentry_open(&smap_plog.dir, O_RDONLY | O_DIRECTORY,
			current_cred());
	if (IS_ERR(d))
		return PTR_ERR(d);
	err = vfs_fsync(d, 0);
	fput(d);
	return err;
}

int smap_fs_copy(const char *from, const char *to)
{
	struct file *src, *dst;
	loff_t rpos = 0, wpos = 0;
	size_t bufsz = 1 << 20;
	void *buf;
	int err = 0;

	buf = kvmalloc(bufsz, GFP_KERNEL);
	if (!buf)
		return -ENOMEM;
	src = smap_fs_open(from, O_RDONLY, 0);
	if (IS_ERR(src)) {
		err = PTR_ERR(src);
		goto free;
	}
	dst = smap_fs_open(to, O_WRONLY | O_CREAT | O_TRUNC, 0600);
	if (IS_ERR(dst)) {
		err = PTR_ERR(dst);
		goto close_src;
	}
	for (;;) {
		ssize_t n = kernel_read(src, buf, bufsz, &rpos);

		if (n <= 0) {
			err = n;
			break;
		}
		err = smap_fs_write_all(dst, buf, n, &wpos);
		if (err)
			break;
	}
	if (!err)
		err = vfs_fsync(dst, 0);
	fput(dst);
close_src:
	fput(src);
free:
	kvfree(buf);
	return err;
}

int smap_fs_lock(struct file *f)
{
	return smap_flock_nb(f);
}

struct smap_dir_ctx {
	struct dir_context ctx;
	smap_dir_actor actor;
	void *arg;
};

static bool smap_fs_filldir(struct dir_context *ctx, const char *name,
			    int len, loff_t off, u64 ino, unsigned int type)
{
	struct smap_dir_ctx *c = container_of(ctx, struct smap_dir_ctx, ctx);

	if (type != DT_REG && type != DT_UNKNOWN)
		return true;
	return c->actor(c->arg, name, len);
}

int smap_fs_list(smap_dir_actor actor, void *arg)
{
	struct smap_dir_ctx c = {
		.ctx.actor = smap_fs_filldir,
		.actor = actor,
		.arg = arg,
	};
	struct file *d;
	int err;

	d = dentry_open(&smap_plog.dir, O_RDONLY | O_DIRECTORY,
			current_cred());
	if (IS_ERR(d))
		return PTR_ERR(d);
	err = iterate_dir(d, &c.ctx);
	fput(d);
	return err;
}
