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

/* report a failed library call (errno) for command c and exit */
__attribute__((noreturn))
static void fail_op(const struct smap_cli *c, int op)
{
	int err = errno;
	struct smap_limits lim, *lp = NULL;
	char msg[256];

	if (h && smap_limits(h, &lim) == 0)
		lp = &lim;
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
		if (smap_set(h, c.key, strlen(c.key), v, vlen, c.mode, &st) < 0)
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
