// SPDX-License-Identifier: GPL-2.0
/*
 * smap dump/load formats (tools/DUMP.md).
 *
 * Text, version 1: a header line "SMAP-DUMP 1", then one record a line,
 * "UID GID MODE KEY VALUE" (decimal ids, a 4-digit octal mode, KEY and
 * VALUE escaped: bytes 0x21..0x7e but '\' as they are, '\' as "\\", any
 * other byte as '\' and two hex digits; an empty VALUE as "-", a value of
 * the one byte '-' as "\2d"), then "END COUNT". '#' starts a comment line.
 * JSON: the same records, one object a line, strings with every byte
 * outside 0x20..0x7e as \u00XX (a byte, not a code point).
 */
#include <errno.h>
#include <inttypes.h>
#include <stdlib.h>
#include <string.h>
#include "cli.h"
#include "dump.h"

static const char hex[] = "0123456789abcdef";

void smap_dump_put_text(FILE *f, const char *p, size_t n)
{
	if (!n) {
		fputc('-', f);
		return;
	}
	if (n == 1 && p[0] == '-') {
		fputs("\\2d", f);
		return;
	}
	for (size_t i = 0; i < n; i++) {
		unsigned char c = (unsigned char)p[i];

		if (c == '\\')
			fputs("\\\\", f);
		else if (c > 0x20 && c < 0x7f)
			fputc(c, f);
		else
			fprintf(f, "\\%c%c", hex[c >> 4], hex[c & 15]);
	}
}

static void put_json(FILE *f, const char *p, size_t n)
{
	fputc('"', f);
	for (size_t i = 0; i < n; i++) {
		unsigned char c = (unsigned char)p[i];

		if (c == '"' || c == '\\')
			fprintf(f, "\\%c", c);
		else if (c >= 0x20 && c < 0x7f)
			fputc(c, f);
		else
			fprintf(f, "\\u00%c%c", hex[c >> 4], hex[c & 15]);
	}
	fputc('"', f);
}

void smap_dump_put_header(FILE *f, enum smap_dump_kind kind)
{
	if (kind == SMAP_DUMP_JSON)
		fprintf(f, SMAP_DUMP_JSON_HEAD "%d,\"records\":[\n",
			SMAP_DUMP_VERSION);
	else
		fprintf(f, SMAP_DUMP_MAGIC " %d\n", SMAP_DUMP_VERSION);
}

void smap_dump_put_rec(FILE *f, enum smap_dump_kind kind,
		       const struct smap_dump_rec *r, bool first)
{
	if (kind == SMAP_DUMP_JSON) {
		fputs(first ? "{\"key\":" : ",{\"key\":", f);
		put_json(f, r->key, r->klen);
		fputs(",\"value\":", f);
		put_json(f, r->val, r->vlen);
		fprintf(f, ",\"uid\":%" PRIu32 ",\"gid\":%" PRIu32
			",\"mode\":\"%04" PRIo32 "\"}\n", r->uid, r->gid, r->mode);
		return;
	}
	fprintf(f, "%" PRIu32 " %" PRIu32 " %04" PRIo32 " ", r->uid, r->gid,
		r->mode);
	smap_dump_put_text(f, r->key, r->klen);
	fputc(' ', f);
	smap_dump_put_text(f, r->val, r->vlen);
	fputc('\n', f);
}

void smap_dump_put_end(FILE *f, enum smap_dump_kind kind, uint64_t count)
{
	if (kind == SMAP_DUMP_JSON)
		fprintf(f, "],\"count\":%" PRIu64 "}\n", count);
	else
		fprintf(f, "END %" PRIu64 "\n", count);
}

/* ---- parsing ------------------------------------------------------------ */

static int xdigit(char c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	if (c >= 'a' && c <= 'f')
		return c - 'a' + 10;
	if (c >= 'A' && c <= 'F')
		return c - 'A' + 10;
	return -1;
}

/* a decimal u32 or u64, the whole of s[0..n) */
static int parse_dec(const char *s, size_t n, uint64_t max, uint64_t *v)
{
	uint64_t x = 0;

	if (!n || n > 20)
		return -1;
	for (size_t i = 0; i < n; i++) {
		if (s[i] < '0' || s[i] > '9')
			return -1;
		if (x > (UINT64_MAX - 9) / 10)
			return -1;
		x = x * 10 + (uint64_t)(s[i] - '0');
	}
	if (x > max || (n > 1 && s[0] == '0'))
		return -1;
	*v = x;
	return 0;
}

static int parse_mode(const char *s, size_t n, uint32_t *mode)
{
	uint32_t m = 0;

	if (n != 4 || s[0] != '0')
		return -1;
	for (size_t i = 1; i < n; i++) {
		if (s[i] < '0' || s[i] > '7')
			return -1;
		m = m * 8 + (uint32_t)(s[i] - '0');
	}
	*mode = m;
	return 0;
}

/* Unescape a text field in place; its new length in *out. */
static int unescape_text(char *s, size_t n, size_t *out, const char *what,
			 char *err, size_t errlen)
{
	size_t o = 0;

	if (n == 1 && s[0] == '-') {
		*out = 0;
		return 0;
	}
	for (size_t i = 0; i < n; i++) {
		unsigned char c = (unsigned char)s[i];
		int hi, lo;

		if (c <= 0x20 || c >= 0x7f)
			return smap_cli_err(err, errlen, "byte 0x%02x in %s must be written \\%02x",
				   c, what, c);
		if (c != '\\') {
			s[o++] = (char)c;
			continue;
		}
		if (i + 1 < n && s[i + 1] == '\\') {
			s[o++] = '\\';
			i++;
			continue;
		}
		if (i + 2 >= n || (hi = xdigit(s[i + 1])) < 0 ||
		    (lo = xdigit(s[i + 2])) < 0)
			return smap_cli_err(err, errlen, "bad escape in %s (\\\\ or \\ and two hex digits)",
				   what);
		s[o++] = (char)(hi << 4 | lo);
		i += 2;
	}
	*out = o;
	return 0;
}

int smap_dump_parse_header(const char *line, size_t len,
			   enum smap_dump_kind *kind, char *err, size_t errlen)
{
	size_t ml = strlen(SMAP_DUMP_MAGIC), jl = strlen(SMAP_DUMP_JSON_HEAD);
	uint64_t v;
	size_t n;

	if (len > ml && !memcmp(line, SMAP_DUMP_MAGIC " ", ml + 1)) {
		*kind = SMAP_DUMP_TEXT;
		line += ml + 1;
		len -= ml + 1;
		n = len;
	} else if (len > jl && !memcmp(line, SMAP_DUMP_JSON_HEAD, jl)) {
		*kind = SMAP_DUMP_JSON;
		line += jl;
		len -= jl;
		for (n = 0; n < len && line[n] >= '0' && line[n] <= '9'; n++)
			;
		if (strlen(",\"records\":[") != len - n ||
		    memcmp(line + n, ",\"records\":[", len - n))
			return smap_cli_err(err, errlen, "not a smap dump (a JSON dump's first line is %s%d,\"records\":[)",
				   SMAP_DUMP_JSON_HEAD, SMAP_DUMP_VERSION);
	} else {
		return smap_cli_err(err, errlen, "not a smap dump (the first line must be '%s %d')",
			   SMAP_DUMP_MAGIC, SMAP_DUMP_VERSION);
	}
	if (parse_dec(line, n, UINT32_MAX, &v) < 0)
		return smap_cli_err(err, errlen, "bad format version '%.*s'",
			   (int)(n > 20 ? 20 : n), line);
	if (v != SMAP_DUMP_VERSION)
		return smap_cli_err(err, errlen, "format version %" PRIu64 " (this smap reads version %d)",
			   v, SMAP_DUMP_VERSION);
	return 0;
}

/* "END COUNT" */
static int parse_end(const char *s, size_t n, uint64_t *count, char *err,
		     size_t errlen)
{
	if (parse_dec(s, n, UINT64_MAX, count) < 0)
		return smap_cli_err(err, errlen, "bad record count in the end line");
	return SMAP_DL_END;
}

static int parse_text(char *line, size_t len, struct smap_dump_rec *r,
		      uint64_t *count, char *err, size_t errlen)
{
	char *f[6];
	size_t fl[6], nf = 0, i = 0;
	uint64_t v;

	if (!len || line[0] == '#')
		return SMAP_DL_SKIP;
	if (len > 4 && !memcmp(line, "END ", 4))
		return parse_end(line + 4, len - 4, count, err, errlen);
	while (i < len) {
		size_t s = i;

		while (i < len && line[i] != ' ')
			i++;
		if (i == s)
			return smap_cli_err(err, errlen, "fields are separated by one blank");
		if (nf < 6) {
			f[nf] = line + s;
			fl[nf] = i - s;
		}
		nf++;
		if (i < len)
			i++;
		if (i == len && line[len - 1] == ' ')
			return smap_cli_err(err, errlen, "a blank at the end of the line");
	}
	if (nf != 5)
		return smap_cli_err(err, errlen, "%zu fields, expected 5: UID GID MODE KEY VALUE", nf);
	if (parse_dec(f[0], fl[0], UINT32_MAX, &v) < 0)
		return smap_cli_err(err, errlen, "bad uid '%.*s'", (int)(fl[0] > 20 ? 20 : fl[0]), f[0]);
	r->uid = (uint32_t)v;
	if (parse_dec(f[1], fl[1], UINT32_MAX, &v) < 0)
		return smap_cli_err(err, errlen, "bad gid '%.*s'", (int)(fl[1] > 20 ? 20 : fl[1]), f[1]);
	r->gid = (uint32_t)v;
	if (parse_mode(f[2], fl[2], &r->mode) < 0)
		return smap_cli_err(err, errlen, "bad mode '%.*s' (4 octal digits, 0000..0777)",
			   (int)(fl[2] > 20 ? 20 : fl[2]), f[2]);
	if (unescape_text(f[3], fl[3], &r->klen, "the key", err, errlen) < 0 ||
	    unescape_text(f[4], fl[4], &r->vlen, "the value", err, errlen) < 0)
		return -1;
	if (!r->klen)
		return smap_cli_err(err, errlen, "empty key");
	r->key = f[3];
	r->val = f[4];
	return SMAP_DL_REC;
}

/* ---- JSON, one record a line, in the layout dump writes ------------------ */

struct jcur {
	char *s;
	size_t i, n;
	char *err;
	size_t errlen;
};

static int jlit(struct jcur *c, const char *lit)
{
	size_t l = strlen(lit);

	if (c->n - c->i < l || memcmp(c->s + c->i, lit, l))
		return smap_cli_err(c->err, c->errlen, "expected '%s' at column %zu", lit,
			   c->i + 1);
	c->i += l;
	return 0;
}

/* A JSON string of bytes, decoded in place into c->s + c->i's start. */
static int jstr(struct jcur *c, const char **p, size_t *len)
{
	size_t o;

	if (jlit(c, "\"") < 0)
		return -1;
	o = c->i;
	*p = c->s + o;
	for (;;) {
		unsigned char ch;

		if (c->i >= c->n)
			return smap_cli_err(c->err, c->errlen, "unterminated string");
		ch = (unsigned char)c->s[c->i++];
		if (ch == '"')
			break;
		if (ch < 0x20)
			return smap_cli_err(c->err, c->errlen, "control byte 0x%02x in a string at column %zu",
				   ch, c->i);
		if (ch == '\\') {
			char e = c->i < c->n ? c->s[c->i++] : 0;
			int d[4];

			switch (e) {
			case '"': case '\\': case '/': ch = (unsigned char)e; break;
			case 'b': ch = '\b'; break;
			case 'f': ch = '\f'; break;
			case 'n': ch = '\n'; break;
			case 'r': ch = '\r'; break;
			case 't': ch = '\t'; break;
			case 'u':
				for (int k = 0; k < 4; k++)
					d[k] = c->i + (size_t)k < c->n ?
					       xdigit(c->s[c->i + (size_t)k]) : -1;
				if (d[0] || d[1] || d[2] < 0 || d[3] < 0)
					return smap_cli_err(c->err, c->errlen, "\\u escape at column %zu is not \\u0000..\\u00ff (one byte)",
						   c->i - 1);
				ch = (unsigned char)(d[2] << 4 | d[3]);
				c->i += 4;
				break;
			default:
				return smap_cli_err(c->err, c->errlen, "bad escape in a string at column %zu",
					   c->i - 1);
			}
		}
		c->s[o++] = (char)ch;
	}
	*len = o - (size_t)(*p - c->s);
	return 0;
}

static int jnum(struct jcur *c, uint64_t max, uint64_t *v, const char *what)
{
	size_t s = c->i;

	while (c->i < c->n && c->s[c->i] >= '0' && c->s[c->i] <= '9')
		c->i++;
	if (parse_dec(c->s + s, c->i - s, max, v) < 0)
		return smap_cli_err(c->err, c->errlen, "bad %s at column %zu", what, s + 1);
	return 0;
}

static int parse_json(char *line, size_t len, bool first,
		      struct smap_dump_rec *r, uint64_t *count, char *err,
		      size_t errlen)
{
	struct jcur c = { line, 0, len, err, errlen };
	const char *mode;
	size_t ml;
	uint64_t v;

	if (len >= 2 && !memcmp(line, "],", 2)) {
		if (jlit(&c, "],\"count\":") < 0 ||
		    jnum(&c, UINT64_MAX, count, "record count") < 0 ||
		    jlit(&c, "}") < 0)
			return -1;
		if (c.i != len)
			return smap_cli_err(err, errlen, "text after the end");
		return SMAP_DL_END;
	}
	if (!first && jlit(&c, ",") < 0)
		return -1;
	if (jlit(&c, "{\"key\":") < 0 || jstr(&c, &r->key, &r->klen) < 0 ||
	    jlit(&c, ",\"value\":") < 0 || jstr(&c, &r->val, &r->vlen) < 0 ||
	    jlit(&c, ",\"uid\":") < 0 || jnum(&c, UINT32_MAX, &v, "uid") < 0)
		return -1;
	r->uid = (uint32_t)v;
	if (jlit(&c, ",\"gid\":") < 0 || jnum(&c, UINT32_MAX, &v, "gid") < 0)
		return -1;
	r->gid = (uint32_t)v;
	if (jlit(&c, ",\"mode\":") < 0 || jstr(&c, &mode, &ml) < 0)
		return -1;
	if (parse_mode(mode, ml, &r->mode) < 0)
		return smap_cli_err(err, errlen, "bad mode (4 octal digits, \"0000\"..\"0777\")");
	if (jlit(&c, "}") < 0)
		return -1;
	if (c.i != len)
		return smap_cli_err(err, errlen, "text after the record at column %zu", c.i + 1);
	if (!r->klen)
		return smap_cli_err(err, errlen, "empty key");
	return SMAP_DL_REC;
}

int smap_dump_parse_line(enum smap_dump_kind kind, char *line, size_t len,
			 bool first, struct smap_dump_rec *rec, uint64_t *count,
			 char *err, size_t errlen)
{
	if (kind == SMAP_DUMP_JSON)
		return parse_json(line, len, first, rec, count, err, errlen);
	return parse_text(line, len, rec, count, err, errlen);
}
