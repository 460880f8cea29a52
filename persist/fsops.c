// SPDX-License-Identifier: GPL-2.0
/*
 * shared_map persistence: the few VFS operations the log needs, all relative
 * to the log directory (j->dir). Kernel-version differences come from
 * smap_compat.h (compat/, below both layers).
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/completion.h>
#include <linux/crc32c.h>
#include <linux/cred.h>
#include <linux/dcache.h>
#include <linux/file.h>
#include <linux/fs.h>
#include <linux/namei.h>
#include <linux/sched.h>
#include <linux/sched/task.h>
#include <linux/slab.h>
#include <linux/timekeeping.h>
#include <linux/workqueue.h>
#include "smap_compat.h"
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

bool smap_file_hdr_ok(const struct smap_file_hdr *h, u32 kind)
{
	u32 v = le32_to_cpu(h->version);

	return le32_to_cpu(h->magic) == SMAP_FILE_MAGIC &&
	       v >= SMAP_LOG_VERSION_MIN && v <= SMAP_LOG_VERSION &&
	       le32_to_cpu(h->kind) == kind &&
	       le32_to_cpu(h->hdr_len) == sizeof(*h) &&
	       le32_to_cpu(h->crc) == smap_file_hdr_crc(h);
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

/* ---- the log directory ---------------------------------------------------
 *
 * The directory holds every value, root's 0600 ones too, and replay believes
 * whatever it finds there; so, as sshd's StrictModes and systemd-tmpfiles'
 * safe walk do, it is used only where no one but root can change it:
 * - every directory on the way (/, /var, /var/tmp) is owned by root and not
 *   writable by group or other, or sticky (/var/tmp, 1777: others cannot
 *   rename or remove root's entries there); a symlink on the way is followed
 *   only if root owns it, and the directory it leads to is checked the same;
 * - the directory itself is created by the module (0700, root:root) or, if it
 *   exists, is reached without following a symlink in its last component and
 *   is a directory owned by root, not writable by group or other.
 * Anything else fails the load with -EPERM and one line saying what to do.
 */

/* 0 if @inode (a directory on the way when @parent) can be trusted; else
 * -EPERM (or -ENOTDIR), with what is wrong written to @why.
 */
static int smap_fs_dir_untrusted(const struct inode *inode, bool parent,
				 char *why, size_t len)
{
	umode_t m = inode->i_mode;

	if (S_ISLNK(m)) {
		snprintf(why, len, "a symlink");
		return -EPERM;
	}
	if (!S_ISDIR(m)) {
		snprintf(why, len, "not a directory");
		return -ENOTDIR;
	}
	if (!uid_eq(inode->i_uid, GLOBAL_ROOT_UID)) {
		snprintf(why, len, "owned by uid %u, not root",
			 from_kuid(&init_user_ns, inode->i_uid));
		return -EPERM;
	}
	if ((m & 0022) && !(parent && (m & S_ISVTX))) {
		snprintf(why, len, "writable by group or other (mode %04o)",
			 m & 07777);
		return -EPERM;
	}
	return 0;
}

/* Check the directories on the way to @path's last component; @buf is a
 * writable copy of @path.
 */
static int smap_fs_check_parents(const char *path, char *buf)
{
	char why[64];
	struct path p;
	char *end;
	int err;

	for (end = buf; end; end = strchr(end + 1, '/')) {
		size_t n = end == buf ? 1 : end - buf;	/* "/", "/var", ... */
		char c = buf[n];

		buf[n] = 0;
		err = kern_path(buf, 0, &p);
		if (!err && d_is_symlink(p.dentry)) {
			bool root = uid_eq(d_inode(p.dentry)->i_uid,
					   GLOBAL_ROOT_UID);

			path_put(&p);
			if (!root) {
				snprintf(why, sizeof(why),
					 "a symlink not owned by root");
				err = -EPERM;
				goto refuse;
			}
			err = kern_path(buf, LOOKUP_FOLLOW, &p);
		}
		if (err) {
			pr_err("cannot create log directory %s: looking up %s failed (%d); refusing to run without persistence\n",
			       path, buf, err);
			return err;
		}
		err = smap_fs_dir_untrusted(d_inode(p.dentry), true, why,
					    sizeof(why));
		path_put(&p);
		if (err)
			goto refuse;
		buf[n] = c;
	}
	return 0;
refuse:
	pr_err("log directory %s: %s on the way to it is %s; every directory on the way must be owned by root and not writable by group or other (or sticky, as /var/tmp): fix it or choose another path=\n",
	       path, buf, why);
	return err;
}

/* Create @path (0700) if it is missing. */
static int smap_fs_mkdir(const char *path)
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

int smap_fs_open_dir(const char *path, struct path *dir)
{
	const struct cred *old;
	struct cred *kcred;
	char why[64];
	char *buf, *c;
	int err;

	if (!path || path[0] != '/' || strlen(path) >= PATH_MAX) {
		pr_err("path=%s: the log directory must be an absolute path\n",
		       path ?: "(null)");
		return -EINVAL;
	}
	for (c = strchr(path, '/'); c; c = strchr(c + 1, '/')) {
		if (c[1] == '/' || c[1] == 0 ||
		    (c[1] == '.' && (c[2] == '/' || c[2] == 0 ||
				     (c[2] == '.' && (c[3] == '/' || c[3] == 0))))) {
			pr_err("path=%s: no empty, '.' or '..' component and no trailing '/', please\n",
			       path);
			return -EINVAL;
		}
	}
	buf = kstrdup(path, GFP_KERNEL);
	if (!buf)
		return -ENOMEM;
	/* the module's own credentials: root, whoever runs modprobe */
	kcred = prepare_kernel_cred(&init_task);
	if (!kcred) {
		kfree(buf);
		return -ENOMEM;
	}
	old = override_creds(kcred);
	err = smap_fs_check_parents(path, buf);
	if (err)
		goto out;
	err = smap_fs_mkdir(path);
	if (err) {
		pr_err("cannot create log directory %s (%d); refusing to run without persistence\n",
		       path, err);
		goto out;
	}
	/* no LOOKUP_FOLLOW: a symlink at @path is refused, not followed */
	err = kern_path(path, 0, dir);
	if (err) {
		pr_err("cannot open log directory %s (%d)\n", path, err);
		goto out;
	}
	err = smap_fs_dir_untrusted(d_inode(dir->dentry), false, why,
				    sizeof(why));
	if (err && !d_is_dir(dir->dentry))
		pr_err("log directory %s is %s: refusing to load; remove it and the module creates the directory (0700, root)\n",
		       path, why);
	else if (err)
		pr_err("log directory %s is %s: a local user could read or forge the log; refusing to load. Fix: 'chown root:root %s && chmod 0700 %s' (after checking what is in it), or remove it and the module creates it\n",
		       path, why, path, path);
	if (err)
		path_put(dir);
out:
	revert_creds(old);
	put_cred(kcred);
	kfree(buf);
	return err;
}

/* ---- files in it ---------------------------------------------------------
 *
 * Only root can change the directory now, but a user may have planted files
 * in it before an admin fixed its owner. So every file is opened without
 * following a symlink, never in a way that can block (a FIFO, a device), and
 * must be a regular file owned by root with one link (a hard link would let
 * a write or truncate reach another file): anything else is refused at once.
 * Files the log creates are created exclusively, after unlinking whatever
 * had the name (a leftover snapshot.tmp, an old *.corrupt, a planted FIFO or
 * link: unlinking a name never touches what it points to).
 */

/* 0 if @inode can be a log file; -EPERM and one line saying why if not. */
static int smap_fs_file_untrusted(struct smap_journal *j, const char *name,
				  const struct inode *inode)
{
	umode_t m = inode->i_mode;
	char why[48];

	if (S_ISLNK(m))
		snprintf(why, sizeof(why), "a symlink");
	else if (!S_ISREG(m))
		snprintf(why, sizeof(why), "not a regular file (a %s)",
			 S_ISFIFO(m) ? "FIFO" : S_ISSOCK(m) ? "socket" :
			 S_ISDIR(m) ? "directory" : "device");
	else if (!uid_eq(inode->i_uid, GLOBAL_ROOT_UID))
		snprintf(why, sizeof(why), "owned by uid %u, not root",
			 from_kuid(&init_user_ns, inode->i_uid));
	else if (inode->i_nlink != 1)
		snprintf(why, sizeof(why), "a file with %u links",
			 inode->i_nlink);
	else
		return 0;
	pr_err_ratelimited("refusing %s/%s: it is %s; a log file must be a regular file owned by root with one link: remove it (and check who put it there)\n",
			   j->cfg.path, name, why);
	return -EPERM;
}

/* Open @name (O_CREAT only with O_EXCL) and check what was opened. */
static struct file *smap_fs_open_checked(struct smap_journal *j,
					 const char *name, int flags,
					 umode_t mode)
{
	struct file *f;
	int err;

	f = file_open_root(&j->dir, name, flags | O_LARGEFILE |
			   O_NOFOLLOW | O_NONBLOCK, mode);
	if (IS_ERR(f))
		return f;
	err = smap_fs_file_untrusted(j, name, file_inode(f));
	if (err) {
		fput(f);
		return ERR_PTR(err);
	}
	spin_lock(&f->f_lock);
	f->f_flags &= ~O_NONBLOCK;
	spin_unlock(&f->f_lock);
	return f;
}

struct file *smap_fs_open(struct smap_journal *j, const char *name,
			  int flags)
{
	struct dentry *d;
	int err;

	/* look before opening: a FIFO or a device is never opened at all */
	d = lookup_one_len_unlocked(name, j->dir.dentry, strlen(name));
	if (IS_ERR(d))
		return ERR_CAST(d);
	err = d_is_negative(d) ? -ENOENT :
				 smap_fs_file_untrusted(j, name, d_inode(d));
	dput(d);
	if (err)
		return ERR_PTR(err);
	return smap_fs_open_checked(j, name, flags & ~O_CREAT, 0);
}

struct file *smap_fs_create(struct smap_journal *j, const char *name,
			    int flags)
{
	int err = smap_fs_unlink(j, name);

	if (err && err != -ENOENT)
		return ERR_PTR(err);
	return smap_fs_open_checked(j, name, flags | O_CREAT | O_EXCL, 0600);
}

/* ---- work in the module's own context ------------------------------------ */

struct smap_fs_call {
	struct work_struct work;
	struct completion done;
	int (*fn)(void *arg);
	void *arg;
	int ret;
	unsigned int fail_nth;
};

/*
 * The work runs on its caller's behalf, so it inherits the caller's
 * /proc/thread-self/fail-nth (CONFIG_FAULT_INJECTION): the allocation-failure
 * sweep (tests/smap-failnth.c) then reaches replay and compaction too, and
 * reads back whether the armed fault fired. Without it they would run with
 * the kworker's counter, out of the sweep's reach.
 */
#ifdef CONFIG_FAULT_INJECTION
static void smap_fail_nth_take(unsigned int *to, struct task_struct *from)
{
	*to = READ_ONCE(from->fail_nth);
	WRITE_ONCE(from->fail_nth, 0);
}

static void smap_fail_nth_give(unsigned int nth, struct task_struct *to)
{
	WRITE_ONCE(to->fail_nth, nth);
}
#else
static void smap_fail_nth_take(unsigned int *to, struct task_struct *from)
{
	*to = 0;
}

static void smap_fail_nth_give(unsigned int nth, struct task_struct *to)
{
}
#endif

static void smap_fs_call_work(struct work_struct *w)
{
	struct smap_fs_call *c = container_of(w, struct smap_fs_call, work);

	smap_fail_nth_give(c->fail_nth, current);
	c->ret = c->fn(c->arg);
	smap_fail_nth_take(&c->fail_nth, current);
	complete(&c->done);
}

int smap_fs_call(int (*fn)(void *arg), void *arg)
{
	struct smap_fs_call c = { .fn = fn, .arg = arg };

	if (current->flags & PF_KTHREAD)	/* the writer or a kworker */
		return fn(arg);
	INIT_WORK_ONSTACK(&c.work, smap_fs_call_work);
	init_completion(&c.done);
	smap_fail_nth_take(&c.fail_nth, current);
	queue_work(system_unbound_wq, &c.work);
	/* a long replay is not a hung task: wake up now and then */
	while (!wait_for_completion_timeout(&c.done, 10 * HZ))
		;
	smap_fail_nth_give(c.fail_nth, current);
	/*
	 * No flush_work(): complete() is the work's last touch of @c, and the
	 * workqueue never touches a work after its function (a function may
	 * free its own work). A flush would make lockdep see one class for
	 * every caller's work, so compact_lock held around one call and taken
	 * inside another call's work looked like a circular dependency (tests
	 * 33-unload-race and io-error on the debug kernel).
	 */
	destroy_work_on_stack(&c.work);
	return c.ret;
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

int smap_wbuf_init(struct smap_wbuf *b, size_t size)
{
	b->buf = kvmalloc(size, GFP_KERNEL | __GFP_NOWARN);
	if (!b->buf)
		return -ENOMEM;
	b->size = size;
	b->fill = 0;
	return 0;
}

void smap_wbuf_free(struct smap_wbuf *b)
{
	kvfree(b->buf);
	b->buf = NULL;
}

int smap_wbuf_flush(struct smap_wbuf *b)
{
	size_t fill = b->fill;

	b->fill = 0;
	return fill ? smap_fs_write_all(b->f, b->buf, fill, b->pos) : 0;
}

void *smap_wbuf_room(struct smap_wbuf *b, size_t len, int *err)
{
	void *p;

	*err = 0;
	if (WARN_ON_ONCE(len > b->size)) {
		*err = -EINVAL;
		return NULL;
	}
	if (len > b->size - b->fill) {
		*err = smap_wbuf_flush(b);
		if (*err)
			return NULL;
	}
	p = b->buf + b->fill;
	b->fill += len;
	return p;
}

int smap_wbuf_add(struct smap_wbuf *b, const void *p, size_t len)
{
	void *room;
	int err;

	if (len > b->size) {
		err = smap_wbuf_flush(b);
		return err ?: smap_fs_write_all(b->f, p, len, b->pos);
	}
	room = smap_wbuf_room(b, len, &err);
	if (room)
		memcpy(room, p, len);
	return err;
}

/* Cut @f to @len bytes, durably (the new size on disk before it returns). */
int smap_fs_truncate(struct file *f, loff_t len)
{
	int err = vfs_truncate(&f->f_path, len);

	return err ?: vfs_fsync(f, 0);
}

int smap_fs_unlink(struct smap_journal *j, const char *name)
{
	struct inode *dir = d_inode(j->dir.dentry);
	struct dentry *d;
	int err;

	inode_lock_nested(dir, I_MUTEX_PARENT);
	d = lookup_one_len(name, j->dir.dentry, strlen(name));
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

int smap_fs_rename(struct smap_journal *j, const char *from,
		   const char *to)
{
	struct dentry *dd = j->dir.dentry;
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

int smap_fs_sync_dir(struct smap_journal *j)
{
	struct file *d;
	int err;

	d = dentry_open(&j->dir, O_RDONLY | O_DIRECTORY,
			current_cred());
	if (IS_ERR(d))
		return PTR_ERR(d);
	err = vfs_fsync(d, 0);
	fput(d);
	return err;
}

int smap_fs_copy(struct smap_journal *j, const char *from, const char *to)
{
	struct file *src, *dst;
	loff_t rpos = 0, wpos = 0;
	size_t bufsz = 1 << 20;
	void *buf;
	int err = 0;

	buf = kvmalloc(bufsz, GFP_KERNEL | __GFP_NOWARN);
	if (!buf)
		return -ENOMEM;
	src = smap_fs_open(j, from, O_RDONLY);
	if (IS_ERR(src)) {
		err = PTR_ERR(src);
		goto free;
	}
	dst = smap_fs_create(j, to, O_WRONLY);
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

int smap_fs_list(struct smap_journal *j, smap_dir_actor actor, void *arg)
{
	struct smap_dir_ctx c = {
		.ctx.actor = smap_fs_filldir,
		.actor = actor,
		.arg = arg,
	};
	struct file *d;
	int err;

	d = dentry_open(&j->dir, O_RDONLY | O_DIRECTORY,
			current_cred());
	if (IS_ERR(d))
		return PTR_ERR(d);
	err = iterate_dir(d, &c.ctx);
	fput(d);
	return err;
}
