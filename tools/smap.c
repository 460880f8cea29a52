// SPDX-License-Identifier: GPL-2.0
/*
 * smap: command-line client of the shared_map store (see smap(1)).
 * Exit status: 0 success, 1 key not found (get, del, cas), 2 any other
 * error, 3 a cas whose value differs, with exactly one line "smap: <op>: <reason>"
 * on stderr.
 */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdarg.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>
#include <linux/shared_map_log.h>
#include "cli.h"
#include "dump.h"

#define EXIT_MISSING	1	/* get, del: no such key */
#define EXIT_ERROR	2
#define EXIT_MISMATCH	3	/* cas: the value differs */
#define EXIT_TIMEOUT	4	/* wait: KEY did not change in time */

#define STDIN_MAX ((size_t)SMAP_VALUE_MAX * 64)

static struct smap *h;

__attribute__((format(printf, 2, 3), noreturn))
static void die(int status, const char *fmt, ...)
{
	va_list ap;

	fflush(stdout);
	fputs("smap: ", stderr);
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fputc('\n', stderr);
	exit(status);
}

/* Who owns c's key, which counts against that owner's quota: ourselves
 * if it does not exist yet (or we may not read it). */
static unsigned int key_owner(const struct smap_cli *c)
{
	struct smap_keyinfo ki;
	size_t vlen;
	char b;

	if (c->key && (smap_get_buf(h, c->key, strlen(c->key), &b, 0, &vlen,
				    &ki) == 0 || errno == ERANGE))
		return ki.uid;
	return (unsigned int)geteuid();
}

/* report a failed library call (errno) for command c and exit */
__attribute__((noreturn))
static void fail_op(const struct smap_cli *c, int op)
{
	int err = errno;
	struct smap_limits lim, *lp = NULL;
	char msg[256];

	if (h && smap_limits(h, &lim) == 0)
		lp = &lim;
	if (err == EEXIST && c->excl)
		die(2, "%s: key exists (--new creates only; choose another key)",
		    c->name);
	if (err == EEXIST)
		die(2, "%s: key exists with another owner or mode; nothing changed (someone else may have created it first: see SECURITY in smap(1))",
		    c->name);
	if (err == EDQUOT)
		die(2, "%s: quota exceeded for uid %u (user_max_bytes %llu: what one owner's keys may cost; delete some)",
		    c->name, key_owner(c),
		    lp ? (unsigned long long)lp->user_max_bytes : 0ULL);
	smap_errmsg(op, err, lp, msg, sizeof(msg));
	if (err == ECANCELED && c->cmd == CLI_CAS)
		die(EXIT_MISMATCH, "%s: %s", c->name, msg);
	if (err == ENOENT &&
	    (c->cmd == CLI_GET || c->cmd == CLI_DEL || c->cmd == CLI_CAS))
		die(EXIT_MISSING, "%s: %s", c->name, msg);
	die(EXIT_ERROR, "%s: %s", c->name, msg);
}

/* all of stdin, binary-safe */
static char *read_stdin(const struct smap_cli *c, size_t *len)
{
	size_t cap = 65536, n = 0;
	char *b = malloc(cap);

	if (!b)
		die(2, "%s: out of memory", c->name);
	for (;;) {
		ssize_t r;

		if (n == cap) {
			if (cap >= STDIN_MAX)
				die(2, "%s: value too large (stdin)", c->name);
			cap *= 2;
			b = realloc(b, cap);
			if (!b)
				die(2, "%s: out of memory", c->name);
		}
		r = read(0, b + n, cap - n);
		if (r < 0 && errno == EINTR)
			continue;
		if (r < 0)
			die(2, "%s: reading stdin: %s", c->name, strerror(errno));
		if (r == 0)
			break;
		n += (size_t)r;
	}
	*len = n;
	return b;
}

static void write_out(const struct smap_cli *c, const void *p, size_t n)
{
	if (n && fwrite(p, 1, n, stdout) != n)
		die(2, "%s: writing stdout: %s", c->name, strerror(errno));
}

static int print_key(const void *key, size_t klen, void *arg)
{
	const struct smap_cli *c = arg;

	write_out(c, key, klen);
	write_out(c, c->nul ? "" : "\n", 1);
	return 0;
}

/* ---- batch -------------------------------------------------------------- */

#define BATCH_ENTRIES 1024		/* entries per smap_batch_exec() */
#define BATCH_BYTES ((size_t)4 << 20)	/* and at most about this much */

struct batch_run {
	struct smap_batch_builder **bs;	/* in order, each a chunk */
	size_t nb, cap;
	struct { size_t line; int op; } *ent;	/* every entry's input line */
	size_t n, entcap;
};

static void *grow(void *p, size_t *cap, size_t need, size_t size)
{
	if (need <= *cap)
		return p;
	*cap = *cap ? *cap * 2 : 64;
	if (*cap < need)
		*cap = need;
	p = realloc(p, *cap * size);
	if (!p)
		die(2, "batch: out of memory");
	return p;
}

/* Read and check every line first: a bad one applies nothing. */
static void batch_parse(const struct smap_cli *c, FILE *in, struct batch_run *r)
{
	struct smap_batch_builder *b = NULL;
	struct smap_limits lim, *lp = smap_limits(h, &lim) == 0 ? &lim : NULL;
	char *line = NULL, err[256];
	size_t cap = 0, lineno = 0;
	ssize_t n;

	while ((n = getline(&line, &cap, in)) >= 0) {
		struct smap_cli_line l;
		size_t len = (size_t)n, dlen = 0;
		int e;

		lineno++;
		if (len && line[len - 1] == '\n')
			len--;
		if (smap_cli_batch_line(line, len, &l, err, sizeof(err)) < 0)
			die(2, "batch: line %zu: %s; nothing was applied", lineno, err);
		if (l.op < 0)
			continue;
		if (b)
			smap_batch_data(b, &dlen);
		if (!b || smap_batch_count(b) >= BATCH_ENTRIES || dlen >= BATCH_BYTES) {
			r->bs = grow(r->bs, &r->cap, r->nb + 1, sizeof(*r->bs));
			b = r->bs[r->nb++] = smap_batch_new();
			if (!b)
				die(2, "batch: out of memory");
		}
		if (l.op == SMAP_OP_SET)
			e = smap_batch_set_flags(b, l.key, l.klen, l.value, l.vlen, c->mode,
						 c->excl ? SMAP_SET_EXCL : 0);
		else if (l.op == SMAP_OP_DEL)
			e = smap_batch_del(b, l.key, l.klen);
		else if (c->mode)
			e = smap_batch_incr_mode(b, l.key, l.klen, l.delta, c->mode);
		else
			e = smap_batch_incr(b, l.key, l.klen, l.delta);
		if (e < 0)
			die(2, "batch: line %zu: %s; nothing was applied", lineno,
			    smap_errmsg(l.op, errno, lp, err, sizeof(err)));
		r->ent = grow(r->ent, &r->entcap, r->n + 1, sizeof(*r->ent));
		r->ent[r->n].line = lineno;
		r->ent[r->n++].op = l.op;
	}
	if (ferror(in))
		die(2, "batch: reading %s: %s", c->file ? c->file : "stdin",
		    strerror(errno));
	free(line);
}

/* Run it chunk by chunk; print incr results; the exit status. */
static int batch_exec(struct batch_run *r)
{
	struct smap_limits lim, *lp = smap_limits(h, &lim) == 0 ? &lim : NULL;
	size_t k = 0, nfail = 0, nmissing = 0;
	char msg[256];

	for (size_t j = 0; j < r->nb; j++) {
		struct smap_batch_builder *b = r->bs[j];
		size_t failed, count = smap_batch_count(b);

		if (smap_batch_exec(h, b, &failed) < 0 && failed == 0) {
			smap_errmsg(SMAP_OP_BATCH, errno, lp, msg, sizeof(msg));
			die(2, "batch: %s; lines %zu and after may not be applied",
			    msg, r->ent[k].line);
		}
		for (size_t i = 0; i < count; i++, k++) {
			int e, st, op = r->ent[k].op;
			int64_t arg;

			smap_batch_result(b, i, &e, &st, &arg);
			if (!e) {
				if (op == SMAP_OP_INCR)
					printf("%" PRId64 "\n", arg);
				continue;
			}
			nfail++;
			if (e == ENOENT && op == SMAP_OP_DEL)
				nmissing++;
			fflush(stdout);
			fprintf(stderr, "smap: batch: line %zu: %s: %s\n", r->ent[k].line,
				smap_op_name(op), smap_errmsg(op, e, lp, msg, sizeof(msg)));
		}
	}
	return !nfail ? 0 : nfail == nmissing ? 1 : 2;
}

static int run_batch(const struct smap_cli *c)
{
	struct batch_run r = { 0 };
	FILE *in = stdin;
	int status;

	if (c->file && strcmp(c->file, "-")) {
		in = fopen(c->file, "r");
		if (!in)
			die(2, "batch: %s: %s", c->file, strerror(errno));
	}
	batch_parse(c, in, &r);
	if (in != stdin)
		fclose(in);
	status = batch_exec(&r);
	for (size_t j = 0; j < r.nb; j++)
		smap_batch_free(r.bs[j]);
	free(r.bs);
	free(r.ent);
	return status;
}

/* ---- dump and load (DUMP.md) --------------------------------------------- */

/* A progress line on a terminal, at most every half second (or @last). */
struct progress {
	bool on;
	struct timespec next;
	uint64_t total;		/* bytes of the input, 0 if unknown */
};

static void progress(struct progress *p, const char *op, uint64_t recs,
		     uint64_t bytes, bool last)
{
	struct timespec now;

	if (!p->on)
		return;
	clock_gettime(CLOCK_MONOTONIC, &now);
	if (!last && (now.tv_sec < p->next.tv_sec ||
		      (now.tv_sec == p->next.tv_sec &&
		       now.tv_nsec < p->next.tv_nsec)))
		return;
	p->next = now;
	p->next.tv_nsec += 500000000L;
	if (p->next.tv_nsec >= 1000000000L) {
		p->next.tv_sec++;
		p->next.tv_nsec -= 1000000000L;
	}
	fflush(stdout);
	if (p->total)
		fprintf(stderr, "\rsmap: %s: %" PRIu64 " records, %" PRIu64 " of %" PRIu64 " bytes (%d%%)",
			op, recs, bytes, p->total,
			(int)(bytes * 100 / (p->total ? p->total : 1)));
	else
		fprintf(stderr, "\rsmap: %s: %" PRIu64 " records", op, recs);
	if (last)
		fputc('\n', stderr);
}

static int run_dump(const struct smap_cli *c)
{
	enum smap_dump_kind kind = c->json ? SMAP_DUMP_JSON : SMAP_DUMP_TEXT;
	struct progress pr = { .on = isatty(2) };
	uint64_t n = 0, denied = 0;
	size_t cap = 65536, klen, vlen;
	struct smap_iter *it;
	const void *key;
	char *buf = malloc(cap);
	int r;

	if (!buf)
		die(EXIT_ERROR, "dump: out of memory");
	it = smap_iter_open(h, c->prefix, strlen(c->prefix));
	if (!it)
		fail_op(c, SMAP_OP_LIST);
	smap_dump_put_header(stdout, kind);
	while ((r = smap_iter_next(it, &key, &klen)) == 1) {
		struct smap_keyinfo ki;
		struct smap_dump_rec rec;

		for (;;) {
			r = smap_get_buf_ex(h, key, klen, buf, cap, &vlen, &ki,
					    sizeof(ki));
			if (r == 0 || errno != ERANGE)
				break;
			cap = vlen;
			free(buf);
			buf = malloc(cap);
			if (!buf)
				die(EXIT_ERROR, "dump: out of memory");
		}
		/* deleted since it was listed, or no longer readable */
		if (r < 0 && (errno == ENOENT || errno == EACCES)) {
			denied += errno == EACCES;
			continue;
		}
		if (r < 0)
			fail_op(c, SMAP_OP_GET);
		rec = (struct smap_dump_rec){ .key = key, .klen = klen,
			.val = buf, .vlen = vlen, .uid = ki.uid, .gid = ki.gid,
			.mode = ki.mode };
		smap_dump_put_rec(stdout, kind, &rec, n == 0);
		if (ferror(stdout))
			die(EXIT_ERROR, "dump: writing stdout: %s", strerror(errno));
		progress(&pr, "dump", ++n, 0, false);
	}
	if (r < 0)
		fail_op(c, SMAP_OP_LIST);
	/*
	 * list shows a user only the keys it may read: the module counts
	 * those it passed over, each once; to them add the listed ones a get
	 * then refused (their mode changed meanwhile).
	 */
	denied += smap_iter_skipped(it);
	smap_iter_close(it);
	free(buf);
	smap_dump_put_end(stdout, kind, n);
	progress(&pr, "dump", n, 0, true);
	if (denied) {
		fflush(stdout);
		fprintf(stderr, "smap: dump: %" PRIu64 " keys you may not read were skipped\n",
			denied);
	}
	return 0;
}

/* load: entries per SMAP_IOC_BATCH, and bytes: each call is a chunk of the
 * dump with one durability wait (the module's groups hold up to 256 entries
 * within a 1 MiB window of its buffer). */
#define LOAD_ENTRIES 64
#define LOAD_BYTES ((size_t)60 << 10)

struct load {
	const struct smap_cli *c;
	const struct smap_limits *lim;
	struct smap_batch_builder *b;
	size_t lines[LOAD_ENTRIES];	/* each entry's input line */
	uint64_t applied, failed;
};

/* Send the chunk; one line per failed entry; EPERM of --keep-owner ends. */
static void load_flush(struct load *l)
{
	size_t failed, n = smap_batch_count(l->b);
	char msg[256];

	if (!n)
		return;
	if (smap_batch_exec(h, l->b, &failed) < 0 && failed == 0)
		die(EXIT_ERROR, "load: %s; lines %zu and after were not applied",
		    smap_errmsg(SMAP_OP_BATCH, errno, l->lim, msg, sizeof(msg)),
		    l->lines[0]);
	for (size_t i = 0; i < n; i++) {
		int e, st;
		int64_t arg;

		smap_batch_result(l->b, i, &e, &st, &arg);
		if (!e) {
			l->applied++;
			continue;
		}
		if (e == EPERM && l->c->keep_owner)
			die(EXIT_ERROR, "load: --keep-owner: permission denied (giving keys their owners needs CAP_SYS_ADMIN; without --keep-owner the keys are yours); lines %zu and after were not applied",
			    l->lines[i]);
		l->failed++;
		fflush(stdout);
		fprintf(stderr, "smap: load: line %zu: %s\n", l->lines[i],
			e == EEXIST ? "key exists with another owner or mode; not changed" :
			smap_errmsg(SMAP_OP_SET, e, l->lim, msg, sizeof(msg)));
	}
	smap_batch_reset(l->b);
}

__attribute__((noreturn))
static void load_bad(const struct load *l, size_t lineno, const char *what)
{
	size_t first = smap_batch_count(l->b) ? l->lines[0] : lineno;

	die(EXIT_ERROR, "load: line %zu: %s; nothing from line %zu on was applied (%" PRIu64 " records before were)",
	    lineno, what, first, l->applied + l->failed);
}

static int run_load(const struct smap_cli *c)
{
	struct smap_limits lim = { .key_max = SMAP_KEY_MAX,
				   .value_max = SMAP_VALUE_MAX };
	struct load l = { .c = c, .lim = &lim };
	struct progress pr = { .on = isatty(2) };
	enum smap_dump_kind kind = SMAP_DUMP_TEXT;
	uint64_t count = 0, nrec = 0, bytes = 0;
	bool end = false;
	char *line = NULL, err[256];
	size_t cap = 0, lineno = 0;
	FILE *in = stdin;
	struct stat sb;
	ssize_t n;

	smap_limits(h, &lim);
	if (c->file && strcmp(c->file, "-")) {
		in = fopen(c->file, "r");
		if (!in)
			die(EXIT_ERROR, "load: %s: %s", c->file, strerror(errno));
	}
	if (fstat(fileno(in), &sb) == 0 && S_ISREG(sb.st_mode))
		pr.total = (uint64_t)sb.st_size;
	l.b = smap_batch_new();
	if (!l.b)
		die(EXIT_ERROR, "load: out of memory");
	while ((n = getline(&line, &cap, in)) >= 0) {
		struct smap_dump_rec r;
		struct smap_set_opts o = { .size = sizeof(o) };
		size_t len = (size_t)n, dlen;
		int t;

		lineno++;
		bytes += len;
		if (len && line[len - 1] == '\n')
			len--;
		else
			load_bad(&l, lineno, "the line does not end (a truncated file?)");
		if (memchr(line, 0, len))
			load_bad(&l, lineno, "a NUL byte (bytes are escaped in a dump)");
		if (lineno == 1) {
			if (smap_dump_parse_header(line, len, &kind, err,
						   sizeof(err)) < 0)
				load_bad(&l, lineno, err);
			continue;
		}
		if (end) {
			if (len)
				load_bad(&l, lineno, "text after the end line");
			continue;
		}
		t = smap_dump_parse_line(kind, line, len, nrec == 0, &r, &count,
					 err, sizeof(err));
		if (t < 0)
			load_bad(&l, lineno, err);
		if (t == SMAP_DL_END) {
			end = true;
			if (count != nrec) {
				snprintf(err, sizeof(err), "the end line says %" PRIu64 " records, the dump holds %" PRIu64,
					 count, nrec);
				load_bad(&l, lineno, err);
			}
			continue;
		}
		if (t != SMAP_DL_REC)
			continue;
		if (r.klen > lim.key_max || r.vlen > lim.value_max) {
			snprintf(err, sizeof(err), "%s too long (%zu bytes, max %u)",
				 r.klen > lim.key_max ? "key" : "value",
				 r.klen > lim.key_max ? r.klen : r.vlen,
				 r.klen > lim.key_max ? lim.key_max : lim.value_max);
			load_bad(&l, lineno, err);
		}
		/* this record is good: the chunk before it goes if it is full */
		smap_batch_data(l.b, &dlen);
		if (smap_batch_count(l.b) == LOAD_ENTRIES ||
		    (smap_batch_count(l.b) &&
		     dlen + sizeof(struct smap_batch_op) + r.klen + r.vlen + 8 > LOAD_BYTES))
			load_flush(&l);
		o.mode = r.mode;
		o.flags = SMAP_SET_MODE | (c->keep_owner ? SMAP_SET_OWNER : 0);
		o.uid = r.uid;
		o.gid = r.gid;
		if (smap_batch_set_ex(l.b, r.key, r.klen, r.val, r.vlen, &o) < 0)
			load_bad(&l, lineno, smap_errmsg(SMAP_OP_SET, errno, &lim,
							 err, sizeof(err)));
		l.lines[smap_batch_count(l.b) - 1] = lineno;
		nrec++;
		progress(&pr, "load", l.applied + l.failed, bytes, false);
	}
	if (ferror(in))
		die(EXIT_ERROR, "load: reading %s: %s", c->file ? c->file : "stdin",
		    strerror(errno));
	if (lineno == 0)
		load_bad(&l, 1, "empty input (not a smap dump)");
	if (!end)
		load_bad(&l, lineno + 1, "the dump ends without its end line (truncated?)");
	load_flush(&l);
	progress(&pr, "load", l.applied + l.failed, bytes, true);
	free(line);
	smap_batch_free(l.b);
	if (in != stdin)
		fclose(in);
	return l.failed ? EXIT_ERROR : 0;
}

/* Is the directory open at @dfd empty? */
static bool dir_empty(int dfd)
{
	int fd = dup(dfd);
	DIR *d = fd < 0 ? NULL : fdopendir(fd);
	struct dirent *e;
	bool empty = true;

	if (!d)
		die(2, "backup: reading the directory: %s", strerror(errno));
	while ((e = readdir(d)))
		if (strcmp(e->d_name, ".") && strcmp(e->d_name, ".."))
			empty = false;
	closedir(d);
	return empty;
}

/*
 * backup DIR: the module writes the whole store, as it stands at one
 * sequence number, to a file we open (it resolves no path for us), in a
 * directory of ours that no one else may change; the file becomes
 * DIR/snapshot only once it is complete and fsynced, so DIR never holds
 * part of a backup under that name (see BACKUP in smap(1)).
 */
static int run_backup(const struct smap_cli *c)
{
	const char *dir = c->file;
	struct smap_backup_info b = { 0 };
	struct smap *h;
	bool made = false;
	struct stat st;
	int dfd, fd = -1, err;

	if (c->transport == SMAP_TRANSPORT_NETLINK)
		die(2, "backup: through /dev/shared_map only (without --netlink)");
	if (mkdir(dir, 0700) == 0)
		made = true;
	else if (errno != EEXIST)
		die(2, "backup: %s: %s", dir, strerror(errno));
	dfd = open(dir, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
	if (dfd < 0)
		die(2, "backup: %s: %s", dir, errno == ELOOP ?
		    "a symbolic link (give the directory itself)" :
		    strerror(errno));
	if (fstat(dfd, &st) < 0)
		die(2, "backup: %s: %s", dir, strerror(errno));
	if (st.st_uid != geteuid())
		die(2, "backup: %s: owned by uid %u, not by you (uid %u): a backup holds every value, give a directory of your own",
		    dir, (unsigned int)st.st_uid, (unsigned int)geteuid());
	if (st.st_mode & 022)
		die(2, "backup: %s: writable by group or others (chmod 0700 %s)",
		    dir, dir);
	if (!dir_empty(dfd))
		die(2, "backup: %s: not empty (a backup goes into a new or empty directory)",
		    dir);
	h = smap_open(SMAP_TRANSPORT_IOCTL);
	if (h) {
		fd = openat(dfd, SMAP_SNAP_TMP, O_WRONLY | O_CREAT | O_EXCL |
			    O_NOFOLLOW | O_CLOEXEC, 0600);
		err = fd < 0 || smap_backup(h, fd, 0, &b, sizeof(b)) < 0 ?
		      errno : 0;
		smap_close(h);
	} else {
		err = errno;
	}
	if (!err && (fsync(fd) < 0 || close(fd) < 0))
		err = errno;
	else if (err && fd >= 0)
		close(fd);
	if (!err && (renameat(dfd, SMAP_SNAP_TMP, dfd, SMAP_SNAP_NAME) < 0 ||
		     fsync(dfd) < 0))
		err = errno;
	if (err) {
		unlinkat(dfd, SMAP_SNAP_TMP, 0);
		if (made)
			rmdir(dir);
		if (err == EPERM || err == EACCES)
			die(2, "backup: permission denied: a backup holds every user's values, so it needs CAP_SYS_ADMIN (root)");
		if (err == ENOENT && !h)
			die(2, "backup: %s: the module is not loaded", SMAP_DEVICE_PATH);
		if (err == ENOTTY)
			die(2, "backup: the loaded module has no backup (older than this smap)");
		die(2, "backup: %s: %s", dir, strerror(err));
	}
	close(dfd);
	printf("backup: %llu keys at sequence %llu, %llu bytes in %s/%s (writes held %.3f ms)\n",
	       (unsigned long long)b.keys, (unsigned long long)b.seq,
	       (unsigned long long)b.bytes, dir, SMAP_SNAP_NAME,
	       (double)b.hold_ns / 1e6);
	return 0;
}

/* ---- watch, wait --------------------------------------------------------- */

/* The longest prefix of @a (*@n bytes) that @b starts with. */
static void common_prefix(const char *a, size_t *n, const char *b)
{
	size_t i = 0;

	while (i < *n && b[i] == a[i])
		i++;
	*n = i;
}

/* Does the event's key interest c: one of the KEYs or under --prefix? */
static bool watch_wants(const struct smap_cli *c, const char *key, size_t klen)
{
	size_t plen = c->prefix ? strlen(c->prefix) : 0;

	if (!c->nkeys || (c->prefix && klen >= plen &&
			  !memcmp(key, c->prefix, plen)))
		return true;
	for (int i = 0; i < c->nkeys; i++)
		if (strlen(c->keys[i]) == klen && !memcmp(c->keys[i], key, klen))
			return true;
	return false;
}

/*
 * One watcher for everything c asks: the kernel filters by the longest
 * prefix common to --prefix and every KEY of watch (the one KEY exactly if
 * that is all; wait's KEY exactly), this filters the rest.
 */
static struct smap_watch *watch_open(const struct smap_cli *c)
{
	const char *p = c->key ? c->key : c->prefix ? c->prefix :
			c->nkeys ? c->keys[0] : "";
	size_t plen = strlen(p);
	unsigned int flags = 0;
	struct smap_watch *w;

	for (int i = 0; i < c->nkeys; i++)
		common_prefix(p, &plen, c->keys[i]);
	/* wait KEY, or watch of one KEY alone: that key exactly */
	if (c->key || (!c->prefix && c->nkeys == 1))
		flags = SMAP_WATCH_EXACT;
	w = smap_watch_open(h, p, plen, flags, c->queue);
	if (!w) {
		if (errno == EMFILE)
			die(EXIT_ERROR, "%s: too many watchers open for this user (watch_user_max)",
			    c->name);
		fail_op(c, -1);
	}
	/* the watch needs no handle: only its descriptor keeps the module busy */
	smap_close(h);
	h = NULL;
	return w;
}

static int run_watch(const struct smap_cli *c)
{
	struct smap_watch *w = watch_open(c);
	const struct smap_watch_event *ev;
	int r;

	setvbuf(stdout, NULL, _IOLBF, 0);
	while ((r = smap_watch_next(w, -1, &ev)) >= 0) {
		if (r == 0)
			continue;
		if (ev->op == SMAP_WATCH_OVERFLOW) {
			printf("overflow - %llu\n", (unsigned long long)ev->seq);
		} else if (watch_wants(c, (const char *)ev->key, ev->key_len)) {
			fputs(smap_op_name(ev->op), stdout);
			putchar(' ');
			smap_dump_put_text(stdout, (const char *)ev->key,
					   ev->key_len);
			printf(" %llu\n", (unsigned long long)ev->seq);
		}
		if (ferror(stdout))
			die(EXIT_ERROR, "%s: writing stdout: %s", c->name,
			    strerror(errno));
	}
	die(EXIT_ERROR, "%s: %s", c->name, strerror(errno));
}

static int run_wait(const struct smap_cli *c)
{
	struct smap_watch *w = watch_open(c);
	const struct smap_watch_event *ev;
	struct timespec t0, t;
	int r, left = c->timeout_ms;

	clock_gettime(CLOCK_MONOTONIC, &t0);
	/* an overflow of the one key's watch: it changed (many times) */
	while ((r = smap_watch_next(w, left, &ev)) <= 0) {
		if (r < 0 && errno != EINTR)
			die(EXIT_ERROR, "%s: %s", c->name, strerror(errno));
		if (c->timeout_ms < 0)
			continue;
		clock_gettime(CLOCK_MONOTONIC, &t);
		left = c->timeout_ms - (int)((t.tv_sec - t0.tv_sec) * 1000 +
					     (t.tv_nsec - t0.tv_nsec) / 1000000);
		if (r == 0 || left <= 0) {
			smap_watch_close(w);
			return EXIT_TIMEOUT;
		}
	}
	smap_watch_close(w);
	return 0;
}

int main(int argc, char **argv)
{
	struct smap_cli c;
	char err[256];
	char *in = NULL;
	size_t vlen;
	int st;

	if (smap_cli_parse(argc, argv, &c, err, sizeof(err)) < 0)
		die(2, "%s", err);
	if (c.cmd == CLI_HELP) {
		smap_cli_usage(stdout);
		return 0;
	}
	if (c.cmd == CLI_VERSION) {
		printf("smap (shared_map) %s, ABI %d\n", SMAP_LIB_VERSION,
		       SMAP_ABI_VERSION);
		return 0;
	}
	if (c.cmd == CLI_BACKUP) {
		st = run_backup(&c);
		if (fflush(stdout) != 0 || ferror(stdout))
			die(2, "backup: writing stdout: %s", strerror(errno));
		return st;
	}
	h = smap_open(c.transport);
	if (!h)
		fail_op(&(struct smap_cli){ .name = "open" }, -1);

	switch (c.cmd) {
	case CLI_SET: {
		const char *v = c.value;

		vlen = strlen(v);
		if (!strcmp(v, "-"))
			v = in = read_stdin(&c, &vlen);
		if (smap_set_flags(h, c.key, strlen(c.key), v, vlen, c.mode,
				   c.excl ? SMAP_SET_EXCL : 0, &st) < 0)
			fail_op(&c, SMAP_OP_SET);
		break;
	}
	case CLI_GET: {
		void *v;

		if (smap_get(h, c.key, strlen(c.key), &v, &vlen) < 0)
			fail_op(&c, SMAP_OP_GET);
		write_out(&c, v, vlen);
		free(v);
		break;
	}
	case CLI_DEL:
		if (smap_del(h, c.key, strlen(c.key)) < 0)
			fail_op(&c, SMAP_OP_DEL);
		break;
	case CLI_INCR: {
		int64_t r;

		if (smap_incr_mode(h, c.key, strlen(c.key), c.delta, c.mode, &r) < 0)
			fail_op(&c, SMAP_OP_INCR);
		printf("%" PRId64 "\n", r);
		break;
	}
	case CLI_CAS:
		if (smap_cas(h, c.key, strlen(c.key), c.old, strlen(c.old),
			     c.value, strlen(c.value), c.mode, &st) < 0)
			fail_op(&c, SMAP_OP_CAS);
		break;
	case CLI_LIST:
		if (smap_list(h, c.prefix, strlen(c.prefix), print_key, &c) < 0)
			fail_op(&c, SMAP_OP_LIST);
		break;
	case CLI_DUMP:
	case CLI_LOAD:
		st = c.cmd == CLI_DUMP ? run_dump(&c) : run_load(&c);
		smap_close(h);
		if (fflush(stdout) != 0 || ferror(stdout))
			die(2, "%s: writing stdout: %s", c.name, strerror(errno));
		return st;
	case CLI_WATCH:
		return run_watch(&c);
	case CLI_WAIT:
		return run_wait(&c);
	case CLI_BATCH:
		st = run_batch(&c);
		smap_close(h);
		if (fflush(stdout) != 0 || ferror(stdout))
			die(2, "batch: writing stdout: %s", strerror(errno));
		return st;
	case CLI_STATS: {
		struct smap_stats s;

		if (smap_stats(h, &s) < 0)
			fail_op(&c, -2);
		smap_cli_print_stats(stdout, &s, c.json);
		break;
	}
	default:
		break;
	}
	free(in);
	smap_close(h);
	if (fflush(stdout) != 0 || ferror(stdout))
		die(2, "%s: writing stdout: %s", c.name, strerror(errno));
	return 0;
}
