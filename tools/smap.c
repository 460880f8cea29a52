// SPDX-License-Identifier: GPL-2.0
/*
 * smap: command-line client of the shared_map store (see smap(1)).
 * Exit status: 0 success, 1 key not found (get, del), 2 any other error,
 * with exactly one line "smap: <op>: <reason>" on stderr.
 */
#include <errno.h>
#include <stdarg.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include "cli.h"

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
	die(err == ENOENT && (c->cmd == CLI_GET || c->cmd == CLI_DEL) ? 1 : 2,
	    "%s: %s", c->name, msg);
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
	write_out(c, "\n", 1);
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
