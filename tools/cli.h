/* SPDX-License-Identifier: GPL-2.0 */
/* smap command line: parsing and output formatting (unit-tested). */
#ifndef SMAP_CLI_H
#define SMAP_CLI_H

#include <stdbool.h>
#include <stdio.h>
#include "shared_map.h"

enum cli_cmd {
	CLI_NONE, CLI_SET, CLI_GET, CLI_DEL, CLI_INCR, CLI_CAS, CLI_LIST,
	CLI_STATS, CLI_BATCH, CLI_DUMP, CLI_LOAD, CLI_WATCH, CLI_WAIT, CLI_HELP,
	CLI_VERSION, CLI_BACKUP,
};

struct smap_cli {
	int transport;		/* SMAP_TRANSPORT_* */
	enum cli_cmd cmd;
	const char *name;	/* command name for messages */
	unsigned int mode;	/* 0: default */
	bool excl;		/* set, batch: --new (create only) */
	bool json;		/* stats, dump */
	bool nul;		/* list -0: NUL-terminated keys */
	bool keep_owner;	/* load: owners as the dump says (root) */
	const char *key, *value, *old, *prefix;
	const char *file;	/* batch, load: NULL or "-" for stdin; backup: DIR */
	int64_t delta;
	char **keys;		/* watch: the KEYs, nkeys of them */
	int nkeys;
	unsigned int queue;	/* watch --queue: events (0: the module's) */
	int timeout_ms;		/* wait --timeout (-1: none) */
};

/* Format a one-line reason into err; returns -1. */
__attribute__((format(printf, 3, 4)))
int smap_cli_err(char *err, size_t len, const char *fmt, ...);

/* 0, or -1 with a one-line reason in err (exit status 2). */
int smap_cli_parse(int argc, char **argv, struct smap_cli *c,
		   char *err, size_t errlen);
/* The enum smap_op of a command, for smap_errmsg(). */
int smap_cli_op(enum cli_cmd cmd);
void smap_cli_usage(FILE *f);

/* One line of `smap batch` input (see smap(1)), pointing into the line. */
struct smap_cli_line {
	int op;			/* SMAP_OP_SET, _DEL or _INCR; -1: blank, comment */
	const char *key, *value;
	size_t klen, vlen;
	int64_t delta;
};
/* Parse line (len bytes, no newline): 0, or -1 with a reason in err. */
int smap_cli_batch_line(const char *line, size_t len, struct smap_cli_line *l,
			char *err, size_t errlen);
void smap_cli_print_stats(FILE *f, const struct smap_stats *st, bool json);

#endif
