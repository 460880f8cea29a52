// SPDX-License-Identifier: GPL-2.0
/*
 * smap-log: check and print a shared_map log directory offline, with the
 * same format header the module uses (include/uapi/linux/shared_map_log.h).
 *
 *   smap-log verify [PATH]   exit 0 clean, 1 damage found, 2 error
 *   smap-log dump [--full] [--offsets] [PATH]   (--offsets: file offset first)
 *   smap-log --version | --help
 * PATH is the log directory (default /var/tmp/shared_map) or one file in it.
 * A usage error is one line "smap-log: <reason>" and exit status 2.
 */
#include <ctype.h>
#include <dirent.h>
#include <endian.h>
#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>
#include <linux/shared_map.h>
#include <linux/shared_map_log.h>
#include "shared_map.h"	/* SMAP_LIB_VERSION only: no library linked */

/*
 * CRC32C (Castagnoli, reflected), slicing by 8: eight bytes per step
 * through eight 256-entry tables, several times faster than a byte at a
 * time.
 */
static uint32_t crc_table[8][256];

static void crc32c_init(void)
{
	for (uint32_t i = 0; i < 256; i++) {
		uint32_t c = i;

		for (int k = 0; k < 8; k++)
			c = c & 1 ? (c >> 1) ^ 0x82f63b78 : c >> 1;
		crc_table[0][i] = c;
	}
	for (uint32_t i = 0; i < 256; i++)
		for (int t = 1; t < 8; t++)
			crc_table[t][i] = (crc_table[t - 1][i] >> 8) ^
					  crc_table[0][crc_table[t - 1][i] & 0xff];
}

static uint32_t crc32c(const void *p, size_t n)
{
	const uint8_t *b = p;
	uint32_t c = ~0u;

	for (; n >= 8; n -= 8, b += 8) {
		uint64_t w;
		uint32_t lo, hi;

		memcpy(&w, b, sizeof(w));
		w = le64toh(w);
		lo = (uint32_t)w ^ c;
		hi = (uint32_t)(w >> 32);
		c = crc_table[7][lo & 0xff] ^ crc_table[6][(lo >> 8) & 0xff] ^
		    crc_table[5][(lo >> 16) & 0xff] ^ crc_table[4][lo >> 24] ^
		    crc_table[3][hi & 0xff] ^ crc_table[2][(hi >> 8) & 0xff] ^
		    crc_table[1][(hi >> 16) & 0xff] ^ crc_table[0][hi >> 24];
	}
	while (n--)
		c = crc_table[0][(c ^ *b++) & 0xff] ^ (c >> 8);
	return ~c;
}

struct buf {
	uint8_t *p;
	size_t n;
};

static int read_file(const char *path, struct buf *b)
{
	struct stat st;
	int fd = open(path, O_RDONLY | O_CLOEXEC);
	size_t got = 0;

	if (fd < 0)
		return -errno;
	if (fstat(fd, &st) < 0) {
		close(fd);
		return -errno;
	}
	b->n = st.st_size;
	b->p = malloc(b->n ? b->n : 1);
	if (!b->p) {
		close(fd);
		return -ENOMEM;
	}
	while (got < b->n) {
		ssize_t r = read(fd, b->p + got, b->n - got);

		if (r <= 0) {
			int e = r < 0 ? -errno : -EIO;

			close(fd);
			free(b->p);
			return e;
		}
		got += r;
	}
	close(fd);
	return 0;
}

static bool rec_plausible(const struct smap_rec_hdr *h, uint32_t kind)
{
	return le32toh(h->magic) == SMAP_REC_MAGIC &&
	       smap_rec_shape_ok(le16toh(h->op), le32toh(h->key_len),
				 le32toh(h->val_len), le32toh(h->len), kind);
}

static bool rec_valid_at(const struct buf *b, size_t off, uint32_t kind)
{
	const struct smap_rec_hdr *h = (const void *)(b->p + off);
	size_t coff = offsetof(struct smap_rec_hdr, len);

	if (off + sizeof(*h) > b->n || !rec_plausible(h, kind))
		return false;
	if (off + le32toh(h->len) > b->n)
		return false;
	return le32toh(h->crc) ==
	       crc32c(b->p + off + coff, le32toh(h->len) - coff);
}

static void print_bytes(const uint8_t *p, size_t n, bool full)
{
	size_t lim = full ? n : (n > 48 ? 48 : n);

	putchar('"');
	for (size_t i = 0; i < lim; i++) {
		if (p[i] == '"' || p[i] == '\\')
			printf("\\%c", p[i]);
		else if (isprint(p[i]))
			putchar(p[i]);
		else
			printf("\\x%02x", p[i]);
	}
	putchar('"');
	if (lim < n)
		printf("...(%zu bytes)", n);
}

static const char *op_name(unsigned int op)
{
	return op == SMAP_REC_SET ? "set" : op == SMAP_REC_DEL ? "del" :
	       op == SMAP_REC_END ? "end" : "?";
}

static bool offsets;

static void dump_rec(const struct smap_rec_hdr *h, size_t off, bool full)
{
	const uint8_t *k = (const uint8_t *)(h + 1);
	uint32_t kl = le32toh(h->key_len);

	if (offsets)
		printf("%zu ", off);
	printf("%" PRIu64 " %s", (uint64_t)le64toh(h->seq),
	       op_name(le16toh(h->op)));
	if (le16toh(h->op) != SMAP_REC_END) {
		printf(" key=");
		print_bytes(k, kl, full);
	}
	if (le16toh(h->op) == SMAP_REC_SET) {
		printf(" mode=%04o uid=%u gid=%u value=", le16toh(h->mode),
		       le32toh(h->uid), le32toh(h->gid));
		print_bytes(k + kl, le32toh(h->val_len), full);
	}
	putchar('\n');
}

/* The first offset at or after @off holding a byte that is not zero, or b->n. */
static size_t first_nonzero(const struct buf *b, size_t off)
{
	while (off < b->n && !b->p[off])
		off++;
	return off;
}

/* The keys of damaged records whose header is still readable, at most 8. */
struct damaged_keys {
	char text[512];
	size_t len;
	unsigned int n;
};

static void note_key(struct damaged_keys *d, const struct buf *b, size_t off)
{
	const struct smap_rec_hdr *h = (const void *)(b->p + off);
	uint32_t kl = le32toh(h->key_len);

	if (d->n++ >= 8 || off + sizeof(*h) + kl > b->n)
		return;
	d->len += snprintf(d->text + d->len, sizeof(d->text) - d->len, "%s\"",
			   d->n > 1 ? ", " : "");
	for (uint32_t i = 0; i < kl && i < 48 && d->len + 6 < sizeof(d->text); i++) {
		uint8_t c = ((const uint8_t *)(h + 1))[i];

		d->len += snprintf(d->text + d->len, sizeof(d->text) - d->len,
				   isprint(c) && c != '"' && c != '\\' ? "%c" : "\\x%02x", c);
	}
	if (d->len + 2 < sizeof(d->text))
		d->len += snprintf(d->text + d->len, sizeof(d->text) - d->len, "\"");
}

/*
 * Check (and with @dump print) one file as the module's replay reads it:
 * a bad record does not end the file; the next valid record (aligned,
 * sane, CRC, sequence above the last) resumes it. Damage no valid record
 * follows is a torn tail. Returns 0 clean, 1 damaged, 2 unreadable.
 */
static int check_file(const char *path, const char *name, bool dump, bool full)
{
	struct buf b = { 0 };
	const struct smap_file_hdr *fh;
	struct damaged_keys dk = { .len = 0 };
	uint32_t kind;
	uint64_t prev = 0, records = 0, skipped = 0, skipped_bytes = 0;
	size_t off, bad_from = 0, valid_end, zero_tail = 0;
	unsigned int regions = 0, bad_recs = 0;
	bool end = false, in_bad = false, hdr_ok, prealloc;
	int err = read_file(path, &b);

	if (err) {
		fprintf(stderr, "smap-log: %s: %s\n", path, strerror(-err));
		return 2;
	}
	fh = (const void *)b.p;
	hdr_ok = b.n >= sizeof(*fh) && le32toh(fh->magic) == SMAP_FILE_MAGIC &&
		 le32toh(fh->hdr_len) == sizeof(*fh) &&
		 le32toh(fh->crc) == crc32c(fh, offsetof(struct smap_file_hdr, crc));
	if (b.n < sizeof(*fh)) {
		printf("%s: bad or missing file header (%zu bytes)\n", name, b.n);
		free(b.p);
		return 1;
	}
	/* without a header, guess the kind from the name and scan anyway */
	kind = hdr_ok ? le32toh(fh->kind) :
	       strstr(name, SMAP_SNAP_NAME) ? SMAP_FILE_SNAPSHOT : SMAP_FILE_LOG;
	/* its records end where zeros run to the end of the file */
	prealloc = hdr_ok && kind == SMAP_FILE_LOG && le32toh(fh->version) >= 2 &&
		   le32toh(fh->flags) & SMAP_HDR_PREALLOC;
	if (dump && hdr_ok)
		printf("# %s: %s, version %u, segment %" PRIu64
		       ", base_segment %" PRIu64 ", first_seq %" PRIu64 "%s%s%s\n",
		       name, kind == SMAP_FILE_SNAPSHOT ? "snapshot" : "log",
		       le32toh(fh->version), (uint64_t)le64toh(fh->segment),
		       (uint64_t)le64toh(fh->base_segment),
		       (uint64_t)le64toh(fh->first_seq),
		       le32toh(fh->flags) & SMAP_HDR_PREV ? ", prev_end set" : "",
		       le32toh(fh->flags) & SMAP_HDR_NEXT ? ", followed" : "",
		       prealloc ? ", preallocated" : "");
	valid_end = sizeof(*fh);
	for (off = sizeof(*fh); off + sizeof(struct smap_rec_hdr) <= b.n;) {
		const struct smap_rec_hdr *h = (const void *)(b.p + off);
		uint64_t seq;

		if (prealloc) {
			size_t nz = first_nonzero(&b, off);

			if (nz == b.n)
				break;		/* the zero tail */
			nz &= ~(size_t)(SMAP_LOG_ALIGN - 1);
			if (nz != off) {	/* zeros with data after: damage */
				if (!in_bad)
					bad_from = off;
				in_bad = true;
				off = nz;
				continue;
			}
		}
		if (!rec_valid_at(&b, off, kind) || le64toh(h->seq) <= prev) {
			if (rec_plausible(h, kind)) {
				bad_recs++;
				note_key(&dk, &b, off);
			}
			if (!in_bad)
				bad_from = off;
			in_bad = true;
			off += SMAP_LOG_ALIGN;
			continue;
		}
		seq = le64toh(h->seq);
		if (in_bad) {
			regions++;
			skipped_bytes += off - bad_from;
			skipped += prev && seq - prev > 1 ? seq - prev - 1 :
				   (bad_recs ? bad_recs : 1);
			in_bad = false;
			bad_recs = 0;
		}
		prev = seq;
		if (dump)
			dump_rec(h, off, full);
		off += le32toh(h->len);
		valid_end = off;
		if (le16toh(h->op) == SMAP_REC_END) {
			end = true;
			break;
		}
		records++;
	}
	if (prealloc && !end && off < b.n && first_nonzero(&b, off) == b.n)
		zero_tail = b.n - off;
	if (!in_bad && off < b.n - zero_tail && !end) {
		in_bad = true;
		bad_from = off;
	}
	if (!hdr_ok || regions) {
		printf("%s: CORRUPT:%s %" PRIu64 " valid records, %" PRIu64
		       " damaged record%s (%" PRIu64 " bytes) passed over in %u place%s%s%s\n",
		       name, hdr_ok ? "" : " bad file header,", records, skipped,
		       skipped == 1 ? "" : "s", skipped_bytes, regions,
		       regions == 1 ? "" : "s", dk.n ? "; keys " : "", dk.text);
		free(b.p);
		return 1;
	}
	if (kind == SMAP_FILE_SNAPSHOT && !end) {
		printf("%s: CORRUPT: %" PRIu64 " valid records, no end record\n",
		       name, records);
		free(b.p);
		return 1;
	}
	if (in_bad && !end) {
		printf("%s: torn tail: %" PRIu64 " valid records, %zu bytes after offset %zu\n",
		       name, records, b.n - zero_tail - valid_end, valid_end);
		free(b.p);
		return 1;
	}
	if (end && off < b.n)
		printf("%s: ok, %" PRIu64 " records, %zu trailing bytes after the end\n",
		       name, records, b.n - off);
	else if (zero_tail)
		printf("%s: ok, %" PRIu64 " records, %zu bytes, %zu preallocated bytes unused\n",
		       name, records, b.n - zero_tail, zero_tail);
	else
		printf("%s: ok, %" PRIu64 " records, %zu bytes\n", name,
		       records, b.n);
	free(b.p);
	return 0;
}

static int cmp_names(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

#define SMAP_LOG_DEFAULT_PATH "/var/tmp/shared_map"

static int usage(FILE *f, int rc)
{
	fprintf(f, "usage: smap-log verify [PATH]\n"
		   "       smap-log dump [--full] [--offsets] [PATH]\n"
		   "       smap-log --version\n"
		   "PATH: a shared_map log directory (default " SMAP_LOG_DEFAULT_PATH ") or a file in it.\n"
		   "verify exits 0 when every file is intact, 1 when damage was found, 2 on error.\n");
	return rc;
}

__attribute__((format(printf, 1, 2)))
static int bad_usage(const char *fmt, ...)
{
	va_list ap;

	fputs("smap-log: ", stderr);
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fputs(" (see smap-log --help)\n", stderr);
	return 2;
}

int main(int argc, char **argv)
{
	bool dump, full = false;
	const char *path = NULL;
	struct stat st;
	char **names = NULL;
	size_t n = 0;
	int rc = 0;
	bool tmp = false;
	DIR *d;
	struct dirent *e;

	if (argc >= 2 && (!strcmp(argv[1], "--help") || !strcmp(argv[1], "-h")))
		return usage(stdout, 0);
	if (argc >= 2 && (!strcmp(argv[1], "--version") || !strcmp(argv[1], "-V"))) {
		printf("smap-log (shared_map) %s, log format %d\n",
		       SMAP_LIB_VERSION, SMAP_LOG_VERSION);
		return 0;
	}
	if (argc < 2)
		return bad_usage("no command given (verify or dump)");
	if (!strcmp(argv[1], "verify"))
		dump = false;
	else if (!strcmp(argv[1], "dump"))
		dump = true;
	else if (argv[1][0] == '-')
		return bad_usage("unknown option '%s'", argv[1]);
	else
		return bad_usage("unknown command '%s' (verify or dump)", argv[1]);
	for (int i = 2; i < argc; i++) {
		if (dump && !strcmp(argv[i], "--full"))
			full = true;
		else if (dump && !strcmp(argv[i], "--offsets"))
			offsets = true;
		else if (argv[i][0] == '-' && argv[i][1])
			return bad_usage("%s: unknown option '%s'", argv[1], argv[i]);
		else if (path)
			return bad_usage("%s: too many arguments (one PATH)", argv[1]);
		else
			path = argv[i];
	}
	if (!path)
		path = SMAP_LOG_DEFAULT_PATH;
	crc32c_init();
	if (stat(path, &st) < 0) {
		fprintf(stderr, "smap-log: %s: %s\n", path, strerror(errno));
		return 2;
	}
	if (!S_ISDIR(st.st_mode))
		return check_file(path, path, dump, full);
	d = opendir(path);
	if (!d) {
		fprintf(stderr, "smap-log: %s: %s\n", path, strerror(errno));
		return 2;
	}
	while ((e = readdir(d))) {
		bool snap = !strcmp(e->d_name, SMAP_SNAP_NAME);
		bool log = !strncmp(e->d_name, SMAP_LOG_PREFIX,
				    strlen(SMAP_LOG_PREFIX)) &&
			   strlen(e->d_name) == strlen(SMAP_LOG_PREFIX) + 16;
		char **nn;

		if (!strcmp(e->d_name, SMAP_SNAP_TMP))
			tmp = true;
		if (!snap && !log)
			continue;
		nn = realloc(names, (n + 1) * sizeof(*names));
		if (!nn || !(nn[n] = strdup(e->d_name))) {
			fprintf(stderr, "smap-log: out of memory\n");
			return 2;
		}
		names = nn;
		n++;
	}
	closedir(d);
	/* "log." sorts before "snapshot": print the snapshot first */
	qsort(names, n, sizeof(*names), cmp_names);
	for (size_t i = n; i-- > 0;) {
		if (strcmp(names[i], SMAP_SNAP_NAME))
			continue;
		memmove(names + 1, names, i * sizeof(*names));
		names[0] = strdup(SMAP_SNAP_NAME);
		break;
	}
	for (size_t i = 0; i < n; i++) {
		char *full_path;
		int r;

		if (!names[i] || asprintf(&full_path, "%s/%s", path, names[i]) < 0) {
			fprintf(stderr, "smap-log: out of memory\n");
			return 2;
		}
		r = check_file(full_path, names[i], dump, full);
		if (r > rc)
			rc = r;
		free(full_path);
		free(names[i]);
	}
	free(names);
	/*
	 * A live store has segments whenever a compaction writes
	 * snapshot.tmp: alone, it is a backup that never completed (which
	 * the module would load as an empty store, deleting it).
	 */
	if (!n && tmp) {
		printf("%s: INCOMPLETE: only %s, an unfinished backup or snapshot: nothing to load\n",
		       path, SMAP_SNAP_TMP);
		return 1;
	}
	if (!n)
		printf("%s: no log files\n", path);
	return rc;
}
