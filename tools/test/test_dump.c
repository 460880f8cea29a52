// SPDX-License-Identifier: GPL-2.0
/*
 * Unit tests of the smap dump formats (tools/dump.c, tools/DUMP.md): every
 * byte round-trips through the text and the JSON form, and malformed lines
 * are refused with a reason. No kernel needed.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "dump.h"
#include "test/check.h"

/* write @r in @kind, read it back through the parser: same record? */
static void roundtrip(enum smap_dump_kind kind, const struct smap_dump_rec *r)
{
	char *buf = NULL, err[256], *line, *nl;
	size_t len = 0;
	FILE *f = open_memstream(&buf, &len);
	enum smap_dump_kind k;
	struct smap_dump_rec got;
	uint64_t count = 0;

	smap_dump_put_header(f, kind);
	smap_dump_put_rec(f, kind, r, true);
	smap_dump_put_rec(f, kind, r, false);
	smap_dump_put_end(f, kind, 2);
	fclose(f);
	line = buf;
	nl = strchr(line, '\n');
	CHECK(smap_dump_parse_header(line, (size_t)(nl - line), &k, err,
				     sizeof(err)) == 0 && k == kind);
	for (int i = 0; i < 2; i++) {
		line = nl + 1;
		nl = strchr(line, '\n');
		CHECK(smap_dump_parse_line(kind, line, (size_t)(nl - line), i == 0,
					   &got, &count, err, sizeof(err)) == SMAP_DL_REC);
		CHECK(got.klen == r->klen && !memcmp(got.key, r->key, r->klen));
		CHECK(got.vlen == r->vlen && !memcmp(got.val, r->val, r->vlen));
		CHECK(got.uid == r->uid && got.gid == r->gid && got.mode == r->mode);
	}
	line = nl + 1;
	nl = strchr(line, '\n');
	CHECK(smap_dump_parse_line(kind, line, (size_t)(nl - line), false, &got,
				   &count, err, sizeof(err)) == SMAP_DL_END && count == 2);
	CHECK(nl[1] == 0);
	free(buf);
}

static int parse(enum smap_dump_kind kind, const char *s, char *err)
{
	char line[512];
	struct smap_dump_rec r;
	uint64_t count;

	snprintf(line, sizeof(line), "%s", s);
	return smap_dump_parse_line(kind, line, strlen(line), true, &r, &count,
				    err, 256);
}

int main(void)
{
	static char all[256], big[65536], longkey[1024];
	struct smap_dump_rec r = { 0 };
	enum smap_dump_kind k;
	char err[256];

	for (int i = 0; i < 256; i++)
		all[i] = (char)i;
	for (size_t i = 0; i < sizeof(big); i++)
		big[i] = (char)(i * 7 + 3);
	memset(longkey, 'k', sizeof(longkey));
	for (int kind = 0; kind < 2; kind++) {
		/* every byte in key and value, binary and blanks and newlines */
		r = (struct smap_dump_rec){ all, all, 256, 256, 1000, 1001, 0640 };
		roundtrip(kind, &r);
		/* empty value, the value "-", "\\", max key, 64 KiB value */
		r = (struct smap_dump_rec){ "k", "", 1, 0, 0, 0, 0 };
		roundtrip(kind, &r);
		r = (struct smap_dump_rec){ "-", "-", 1, 1, 4294967295u, 7, 0777 };
		roundtrip(kind, &r);
		r = (struct smap_dump_rec){ "\\", "\\\\x", 1, 3, 1, 1, 0600 };
		roundtrip(kind, &r);
		r = (struct smap_dump_rec){ longkey, big, sizeof(longkey),
					    sizeof(big), 0, 0, 0644 };
		roundtrip(kind, &r);
		for (int i = 0; i < 256; i++) {
			r = (struct smap_dump_rec){ all + i, all + i, 1, 1, 0, 0, 0644 };
			roundtrip(kind, &r);
		}
	}
	/* headers */
	CHECK(smap_dump_parse_header("SMAP-DUMP 1", 11, &k, err, sizeof(err)) == 0 &&
	      k == SMAP_DUMP_TEXT);
	CHECK(smap_dump_parse_header("SMAP-DUMP 2", 11, &k, err, sizeof(err)) < 0 &&
	      strstr(err, "format version 2"));
	CHECK(smap_dump_parse_header("set a b", 7, &k, err, sizeof(err)) < 0 &&
	      strstr(err, "not a smap dump"));
	/* malformed text lines */
	CHECK(parse(SMAP_DUMP_TEXT, "# comment", err) == SMAP_DL_SKIP);
	CHECK(parse(SMAP_DUMP_TEXT, "", err) == SMAP_DL_SKIP);
	CHECK(parse(SMAP_DUMP_TEXT, "0 0 0644 k", err) < 0 && strstr(err, "4 fields"));
	CHECK(parse(SMAP_DUMP_TEXT, "0 0 0644 k v x", err) < 0 && strstr(err, "6 fields"));
	CHECK(parse(SMAP_DUMP_TEXT, "0 0 0644 k v ", err) < 0 && strstr(err, "blank"));
	CHECK(parse(SMAP_DUMP_TEXT, "0 0  0644 k v", err) < 0 && strstr(err, "one blank"));
	CHECK(parse(SMAP_DUMP_TEXT, "x 0 0644 k v", err) < 0 && strstr(err, "bad uid"));
	CHECK(parse(SMAP_DUMP_TEXT, "0 4294967296 0644 k v", err) < 0 && strstr(err, "bad gid"));
	CHECK(parse(SMAP_DUMP_TEXT, "0 0 0844 k v", err) < 0 && strstr(err, "bad mode"));
	CHECK(parse(SMAP_DUMP_TEXT, "0 0 1644 k v", err) < 0 && strstr(err, "bad mode"));
	CHECK(parse(SMAP_DUMP_TEXT, "0 0 0644 k\\zz v", err) < 0 && strstr(err, "bad escape in the key"));
	CHECK(parse(SMAP_DUMP_TEXT, "0 0 0644 k v\\4", err) < 0 && strstr(err, "bad escape in the value"));
	CHECK(parse(SMAP_DUMP_TEXT, "0 0 0644 k v\t", err) < 0 && strstr(err, "0x09"));
	CHECK(parse(SMAP_DUMP_TEXT, "0 0 0644 - v", err) < 0 && strstr(err, "empty key"));
	CHECK(parse(SMAP_DUMP_TEXT, "END x", err) < 0 && strstr(err, "count"));
	/* malformed JSON lines */
	CHECK(parse(SMAP_DUMP_JSON, "{\"key\":\"a\",\"value\":\"b\",\"uid\":0,\"gid\":0,\"mode\":\"0644\"}", err) == SMAP_DL_REC);
	CHECK(parse(SMAP_DUMP_JSON, "{\"key\":\"a\",\"value\":\"\\u0100\",\"uid\":0,\"gid\":0,\"mode\":\"0644\"}", err) < 0 &&
	      strstr(err, "one byte"));
	CHECK(parse(SMAP_DUMP_JSON, "{\"key\":\"a\",\"value\":\"b\",\"uid\":0,\"gid\":0}", err) < 0 &&
	      strstr(err, "expected"));
	CHECK(parse(SMAP_DUMP_JSON, "{\"key\":\"a\",\"value\":\"b,\"uid\":0", err) < 0);
	printf("%d checks, %d failed\n", checks, fails);
	return fails != 0;
}
