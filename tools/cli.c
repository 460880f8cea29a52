// SPDX-License-Identifier: GPL-2.0
/* smap command line parsing and output formatting. */
#include <errno.h>
#include <inttypes.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "cli.h"

static const struct {
	const char *name;
	enum cli_cmd cmd;
	int min, max;		/* positional arguments */
	const char *usage;
} cmds[] = {
	{ "set", CLI_SET, 2, 2, "set [--new] [--mode MODE] KEY VALUE" },
	{ "get", CLI_GET, 1, 1, "get KEY" },
	{ "del", CLI_DEL, 1, 1, "del KEY" },
	{ "incr", CLI_INCR, 1, 2, "incr [--mode MODE] KEY [DELTA]" },
	{ "cas", CLI_CAS, 3, 3, "cas [--mode MODE] KEY OLD NEW" },
	{ "list", CLI_LIST, 0, 1, "list [-0] [PREFIX]" },
	{ "stats", CLI_STATS, 0, 0, "stats [--json]" },
	{ "batch", CLI_BATCH, 0, 1, "batch [--new] [--mode MODE] [FILE]" },
	{ "dump", CLI_DUMP, 0, 0, "dump [--prefix PREFIX] [--json]" },
	{ "load", CLI_LOAD, 0, 1, "load [--keep-owner] [FILE]" },
	{ "backup", CLI_BACKUP, 1, 1, "backup DIR" },
	{ "watch", CLI_WATCH, 0, 1, "watch [--prefix PREFIX] [--queue N] [KEY...]" },
	{ "wait", CLI_WAIT, 1, 1, "wait [--timeout SECONDS] KEY" },
	{ "help", CLI_HELP, 0, 1, "help" },
};

void smap_cli_usage(FILE *f)
{
	fputs("usage: smap [--netlink|--ioctl] COMMAND [ARGS]\n"
	      "  set [--new] [--mode MODE] KEY VALUE\n"
	      "                                store VALUE (- reads stdin); --new:\n"
	      "                                only if KEY does not exist yet\n"
	      "  get KEY                       print the value (raw, no newline)\n"
	      "  del KEY                       delete the key\n"
	      "  incr [--mode MODE] KEY [DELTA] add DELTA (default 1), print the result\n"
	      "  cas [--mode MODE] KEY OLD NEW set NEW if the value is OLD\n"
	      "  list [-0] [PREFIX]            keys starting with PREFIX, one a line\n"
	      "                                (-0: each ended by a NUL byte)\n"
	      "  stats [--json]                store statistics\n"
	      "  batch [--new] [--mode MODE] [FILE]\n"
	      "                                lines 'set KEY VALUE', 'del KEY',\n"
	      "                                'incr KEY [DELTA]' from FILE or stdin\n"
	      "  dump [--prefix PREFIX] [--json]\n"
	      "                                every key you may read, with value,\n"
	      "                                owner and mode, to stdout (DUMP.md)\n"
	      "  load [--keep-owner] [FILE]    set the keys of a dump (stdin without\n"
	      "                                FILE); --keep-owner: its owners (root)\n"
	      "  backup DIR                    the whole store at one point, as a log\n"
	      "                                directory (root; modprobe path=DIR loads it)\n"
	      "  watch [--prefix PREFIX] [--queue N] [KEY...]\n"
	      "                                print 'OP KEY SEQ' for each change to\n"
	      "                                the KEYs and keys starting with PREFIX\n"
	      "                                (none: every key) you may read\n"
	      "  wait [--timeout SECONDS] KEY  return when KEY changes (exit 4:\n"
	      "                                timed out)\n"
	      "  help, --help                  this text\n"
	      "  --version                     print the version\n"
	      "Options: --netlink uses the generic netlink family instead of\n"
	      "/dev/shared_map; MODE is octal (0600) or symbolic (rw-r-----).\n"
	      "Exit status: 0 success, 1 key not found (get, del, cas), 2 other errors,\n"
	      "3 cas: the value differs, 4 wait: timed out.\n",
	      f);
}

int smap_cli_op(enum cli_cmd cmd)
{
	switch (cmd) {
	case CLI_SET: return SMAP_OP_SET;
	case CLI_GET: return SMAP_OP_GET;
	case CLI_DEL: return SMAP_OP_DEL;
	case CLI_INCR: return SMAP_OP_INCR;
	case CLI_CAS: return SMAP_OP_CAS;
	case CLI_LIST: return SMAP_OP_LIST;
	default: return SMAP_OP__COUNT;
	}
}

int smap_cli_err(char *err, size_t len, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(err, len, fmt, ap);
	va_end(ap);
	return -1;
}

int smap_cli_parse(int argc, char **argv, struct smap_cli *c,
		   char *err, size_t errlen)
{
	const char *pos[4];
	int i = 1, npos = 0, k;
	bool opts = true;

	memset(c, 0, sizeof(*c));
	c->name = "smap";
	c->delta = 1;
	c->timeout_ms = -1;
	for (; i < argc && argv[i][0] == '-' && argv[i][1]; i++) {
		const char *a = argv[i];

		if (!strcmp(a, "--netlink") || !strcmp(a, "-n"))
			c->transport = SMAP_TRANSPORT_NETLINK;
		else if (!strcmp(a, "--ioctl"))
			c->transport = SMAP_TRANSPORT_IOCTL;
		else if (!strcmp(a, "--help") || !strcmp(a, "-h")) {
			c->cmd = CLI_HELP;
			c->name = "help";
			return 0;
		} else if (!strcmp(a, "--version") || !strcmp(a, "-V")) {
			c->cmd = CLI_VERSION;
			c->name = "version";
			return 0;
		} else
			return smap_cli_err(err, errlen, "unknown option '%s' (see smap --help)", a);
	}
	if (i >= argc)
		return smap_cli_err(err, errlen, "no command given (see smap --help)");
	for (k = 0; k < (int)(sizeof(cmds) / sizeof(cmds[0])); k++)
		if (!strcmp(argv[i], cmds[k].name))
			break;
	if (k == (int)(sizeof(cmds) / sizeof(cmds[0])))
		return smap_cli_err(err, errlen, "unknown command '%s' (see smap --help)", argv[i]);
	c->cmd = cmds[k].cmd;
	c->name = cmds[k].name;
	for (i++; i < argc; i++) {
		const char *a = argv[i];

		if (opts && !strcmp(a, "--")) {
			opts = false;
			continue;
		}
		if (opts && a[0] == '-' && a[1] && npos == 0) {
			const char *mv = NULL;

			if (!strcmp(a, "--mode") || !strcmp(a, "-m")) {
				if (i + 1 >= argc)
					return smap_cli_err(err, errlen, "%s: --mode needs a MODE", c->name);
				mv = argv[++i];
			} else if (!strncmp(a, "--mode=", 7)) {
				mv = a + 7;
			} else if (!strcmp(a, "--json") &&
				   (c->cmd == CLI_STATS || c->cmd == CLI_DUMP)) {
				c->json = true;
				continue;
			} else if ((!strcmp(a, "-0") || !strcmp(a, "--null")) &&
				   c->cmd == CLI_LIST) {
				c->nul = true;
				continue;
			} else if (!strcmp(a, "--keep-owner") && c->cmd == CLI_LOAD) {
				c->keep_owner = true;
				continue;
			} else if (!strcmp(a, "--prefix") &&
				   (c->cmd == CLI_DUMP || c->cmd == CLI_WATCH)) {
				if (i + 1 >= argc)
					return smap_cli_err(err, errlen, "%s: --prefix needs a PREFIX", c->name);
				c->prefix = argv[++i];
				continue;
			} else if (!strncmp(a, "--prefix=", 9) &&
				   (c->cmd == CLI_DUMP || c->cmd == CLI_WATCH)) {
				c->prefix = a + 9;
				continue;
			} else if (!strcmp(a, "--queue") && c->cmd == CLI_WATCH) {
				int64_t q;

				if (i + 1 >= argc || smap_parse_i64(argv[i + 1], &q) < 0 ||
				    q < 1 || q > UINT32_MAX)
					return smap_cli_err(err, errlen, "%s: --queue needs a number of events (1 or more)", c->name);
				c->queue = (unsigned int)q;
				i++;
				continue;
			} else if (!strcmp(a, "--timeout") && c->cmd == CLI_WAIT) {
				char *end;
				double sec;

				sec = i + 1 < argc ? strtod(argv[i + 1], &end) : -1;
				if (sec < 0 || sec > 86400 * 365 || end == argv[i + 1] || *end)
					return smap_cli_err(err, errlen, "%s: --timeout needs SECONDS (a number, 0 or more)", c->name);
				c->timeout_ms = (int)(sec * 1000 + 0.5);
				i++;
				continue;
			} else if (!strcmp(a, "--new") &&
				   (c->cmd == CLI_SET || c->cmd == CLI_BATCH)) {
				c->excl = true;
				continue;
			} else {
				return smap_cli_err(err, errlen, "%s: unknown option '%s' (usage: smap %s)",
					   c->name, a, cmds[k].usage);
			}
			if (c->cmd != CLI_SET && c->cmd != CLI_INCR &&
			    c->cmd != CLI_CAS && c->cmd != CLI_BATCH)
				return smap_cli_err(err, errlen, "%s: unknown option '--mode' (usage: smap %s)",
					   c->name, cmds[k].usage);
			if (smap_parse_mode(mv, &c->mode) < 0 || c->mode == 0)
				return smap_cli_err(err, errlen, "%s: bad mode '%s' (octal 1..0777 or like rw-r--r--)",
					   c->name, mv);
			continue;
		}
		if (c->cmd == CLI_WATCH) {	/* every word from here is a KEY */
			c->keys = argv + i;
			c->nkeys = argc - i;
			break;
		}
		if (npos >= cmds[k].max)
			return smap_cli_err(err, errlen, "%s: too many arguments (usage: smap %s)",
				   c->name, cmds[k].usage);
		pos[npos++] = a;
	}
	if (npos < cmds[k].min)
		return smap_cli_err(err, errlen, "%s: missing arguments (usage: smap %s)",
			   c->name, cmds[k].usage);
	switch (c->cmd) {
	case CLI_SET:
		c->key = pos[0];
		c->value = pos[1];
		break;
	case CLI_GET:
	case CLI_DEL:
	case CLI_WAIT:
		c->key = pos[0];
		break;
	case CLI_INCR:
		c->key = pos[0];
		if (npos > 1 && smap_parse_i64(pos[1], &c->delta) < 0)
			return smap_cli_err(err, errlen, "%s: bad DELTA '%s' (a 64-bit decimal integer)",
				   c->name, pos[1]);
		break;
	case CLI_CAS:
		c->key = pos[0];
		c->old = pos[1];
		c->value = pos[2];
		break;
	case CLI_LIST:
		c->prefix = npos ? pos[0] : "";
		break;
	case CLI_BATCH:
	case CLI_LOAD:
	case CLI_BACKUP:
		c->file = npos ? pos[0] : NULL;
		break;
	case CLI_DUMP:
		if (!c->prefix)
			c->prefix = "";
		break;
	case CLI_WATCH:
		for (int j = 0; j < c->nkeys; j++)
			if (!*c->keys[j])
				return smap_cli_err(err, errlen, "%s: empty KEY", c->name);
		break;
	default:
		break;
	}
	if (c->key && !*c->key)
		return smap_cli_err(err, errlen, "%s: empty KEY", c->name);
	return 0;
}

static bool blank(char ch)
{
	return ch == ' ' || ch == '\t';
}

/* the next word of line[*i..len), skipping blanks before it */
static size_t word(const char *line, size_t len, size_t *i, const char **w)
{
	size_t n = 0;

	while (*i < len && blank(line[*i]))
		++*i;
	*w = line + *i;
	while (*i < len && !blank(line[*i])) {
		++*i;
		n++;
	}
	return n;
}

int smap_cli_batch_line(const char *line, size_t len, struct smap_cli_line *l,
			char *err, size_t errlen)
{
	const char *w;
	size_t i = 0, n = word(line, len, &i, &w), rest;
	char num[32];

	memset(l, 0, sizeof(*l));
	l->op = -1;
	l->delta = 1;
	if (!n || w[0] == '#')
		return 0;
	if (n == 3 && !memcmp(w, "set", 3))
		l->op = SMAP_OP_SET;
	else if (n == 3 && !memcmp(w, "del", 3))
		l->op = SMAP_OP_DEL;
	else if (n == 4 && !memcmp(w, "incr", 4))
		l->op = SMAP_OP_INCR;
	else
		return smap_cli_err(err, errlen, "unknown command '%.*s' (set, del or incr)",
			   (int)(n > 32 ? 32 : n), w);
	l->klen = word(line, len, &i, &l->key);
	if (!l->klen)
		return smap_cli_err(err, errlen, "%s: missing KEY", smap_op_name(l->op));
	if (l->op == SMAP_OP_SET) {
		/* VALUE: the rest of the line after one blank, byte for byte */
		if (i == len)
			return smap_cli_err(err, errlen, "set: missing VALUE (set KEY VALUE)");
		l->value = line + i + 1;
		l->vlen = len - i - 1;
		return 0;
	}
	rest = word(line, len, &i, &w);
	if (rest && l->op == SMAP_OP_INCR) {
		if (rest >= sizeof(num))
			return smap_cli_err(err, errlen, "incr: bad DELTA (a 64-bit decimal integer)");
		memcpy(num, w, rest);
		num[rest] = 0;
		if (smap_parse_i64(num, &l->delta) < 0)
			return smap_cli_err(err, errlen, "incr: bad DELTA '%s' (a 64-bit decimal integer)",
				   num);
		rest = word(line, len, &i, &w);
	}
	if (rest)
		return smap_cli_err(err, errlen, "%s: too many words", smap_op_name(l->op));
	return 0;
}

void smap_cli_print_stats(FILE *f, const struct smap_stats *st, bool json)
{
	static const char *const ops[SMAP_OP__COUNT] = {
		"set", "get", "del", "incr", "cas", "list", "batch",
	};
	const struct { const char *n; uint64_t v; } f64[] = {
		{ "keys", st->keys },
		{ "bytes", st->bytes },
		{ "max_bytes", st->max_bytes },
		{ "data_bytes", st->data_bytes },
		{ "user_bytes", st->user_bytes },
		{ "user_max_bytes", st->user_max_bytes },
		{ "errors", st->errors },
		{ "log_bytes", st->log_bytes },
		{ "log_records", st->log_records },
		{ "log_seq", st->log_seq },
		{ "replayed", st->replayed },
		{ "truncated_bytes", st->truncated_bytes },
		{ "corrupt_files", st->corrupt_files },
		{ "skipped_records", st->skipped_records },
		{ "skipped_bytes", st->skipped_bytes },
		{ "compactions", st->compactions },
		{ "fsyncs", st->fsyncs },
		{ "key_waits", st->key_waits },
		{ "key_wait_ns", st->key_wait_ns },
		{ "stripe_waits", st->stripe_waits },
		{ "stripe_wait_ns", st->stripe_wait_ns },
		{ "read_only", st->read_only },
	};
	size_t n = sizeof(f64) / sizeof(f64[0]);

	if (json) {
		fputc('{', f);
		for (size_t i = 0; i < n; i++)
			fprintf(f, "%s\"%s\": %" PRIu64, i ? ", " : "", f64[i].n, f64[i].v);
		fputs(", \"ops\": {", f);
		for (int i = 0; i < SMAP_OP__COUNT; i++)
			fprintf(f, "%s\"%s\": %llu", i ? ", " : "", ops[i],
				(unsigned long long)st->ops[i]);
		fputs("}}\n", f);
		return;
	}
	for (size_t i = 0; i < n; i++)
		fprintf(f, "%-16s %" PRIu64 "\n", f64[i].n, f64[i].v);
	for (int i = 0; i < SMAP_OP__COUNT; i++)
		fprintf(f, "ops_%-12s %llu\n", ops[i], (unsigned long long)st->ops[i]);
}
