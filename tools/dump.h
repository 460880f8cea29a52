/* SPDX-License-Identifier: GPL-2.0 */
/*
 * smap dump/load: the dump formats (tools/DUMP.md), encoding and parsing,
 * with no store involved (unit-tested in tools/test/test_dump.c).
 */
#ifndef SMAP_DUMP_H
#define SMAP_DUMP_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#define SMAP_DUMP_VERSION	1
#define SMAP_DUMP_MAGIC		"SMAP-DUMP"
#define SMAP_DUMP_JSON_HEAD	"{\"format\":\"shared_map-dump\",\"version\":"

/* One record: key and value point into the line they were parsed from. */
struct smap_dump_rec {
	const char *key, *val;
	size_t klen, vlen;
	uint32_t uid, gid, mode;
};

enum smap_dump_kind { SMAP_DUMP_TEXT, SMAP_DUMP_JSON };

/* Bytes as a text dump writes a KEY or VALUE (smap watch's keys too). */
void smap_dump_put_text(FILE *f, const char *p, size_t n);

/* The first line of a dump of @kind. */
void smap_dump_put_header(FILE *f, enum smap_dump_kind kind);
/* One record; @first: the first of a JSON dump (no comma before it). */
void smap_dump_put_rec(FILE *f, enum smap_dump_kind kind,
		       const struct smap_dump_rec *r, bool first);
/* The last line: the number of records. */
void smap_dump_put_end(FILE *f, enum smap_dump_kind kind, uint64_t count);

/* What a line of a dump is. */
enum smap_dump_line {
	SMAP_DL_SKIP,		/* a comment or an empty line (text form) */
	SMAP_DL_REC,		/* a record, in *rec */
	SMAP_DL_END,		/* the end line, the count in *count */
};

/*
 * The header line @line (@len bytes, no newline): its kind, or -1 with a
 * reason in @err.
 */
int smap_dump_parse_header(const char *line, size_t len,
			   enum smap_dump_kind *kind, char *err, size_t errlen);
/*
 * A line after the header, decoded in place (@line is modified; the
 * record's bytes point into it). An enum smap_dump_line, or -1 with a
 * reason in @err. @first: no record before it (JSON: no comma expected).
 */
int smap_dump_parse_line(enum smap_dump_kind kind, char *line, size_t len,
			 bool first, struct smap_dump_rec *rec, uint64_t *count,
			 char *err, size_t errlen);

#endif
