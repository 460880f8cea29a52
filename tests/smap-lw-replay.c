// SPDX-License-Identifier: GPL-2.0
/*
 * smap-lw-replay: replay a dm-log-writes log onto a device, forward and once,
 * stopping at every flush, FUA and mark entry to run a check there.
 *
 *   smap-lw-replay [--marks FILE] [--quiet] LOGDEV REPLAYDEV [-- CHECK ARGS...]
 *
 * The log format is the kernel's (Documentation/admin-guide/device-mapper/
 * log-writes.rst, drivers/md/dm-log-writes.c): a super block (magic, version,
 * nr_entries, sectorsize) in the first sectorsize bytes, then nr_entries
 * entries, each one sectorsize header block (sector, nr_sectors, flags,
 * data_len, and for a mark its name right after those four words) followed,
 * unless it is a discard, by nr_sectors blocks of the data written. Sectors
 * are in units of sectorsize. A write is logged once it completed and a flush
 * after the writes that completed before it, so the device as replayed up to a
 * flush (or a FUA write) is what a power cut right then could leave at worst;
 * a mark sits after every flush and FUA that completed before it was issued.
 *
 * REPLAYDEV must start as the traced device was when logging began. At each
 * stop the replay device is fsynced and closed (so the check can claim it,
 * e.g. under a dm-snapshot) and CHECK runs with these in its environment:
 *   LW_POINT  1, 2, ... (stop number)   LW_ENTRY  the entry's index
 *   LW_KIND   flush, fua, flush+fua or mark   LW_MARK  the mark's name
 * With --marks FILE every mark's name is appended to FILE (one a line)
 * before its check runs, so the check knows which marks precede the point.
 * A check exiting 1 counts as a loss, any other failure as "bad". A flush
 * with nothing written since the last stop (and so no mark either) leaves
 * the image and the expectations as they were there: it counts as a point
 * with that stop's result, without running the check again.
 * The last line on stdout is:
 *   log-writes: N flush points, M marks, L lost, B bad (E entries, D bytes;
 *   S points left the image as the one before)
 * Exit 0 when every check passed and there was at least one flush point and
 * one mark (a replay that checked nothing proves nothing), 1 otherwise,
 * 2 on a usage or I/O error.
 */
#include <endian.h>
#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>
#include <linux/fs.h>

/* The on-disk format, as drivers/md/dm-log-writes.c defines it. */
#define LW_MAGIC	0x6a736677736872ULL
#define LW_VERSION	1ULL
#define LW_F_FLUSH	(1ULL << 0)
#define LW_F_FUA	(1ULL << 1)
#define LW_F_DISCARD	(1ULL << 2)
#define LW_F_MARK	(1ULL << 3)
#define LW_F_META	(1ULL << 4)

struct lw_super {		/* little-endian */
	uint64_t magic;
	uint64_t version;
	uint64_t nr_entries;
	uint32_t sectorsize;
} __attribute__((packed));

struct lw_entry {		/* little-endian */
	uint64_t sector;
	uint64_t nr_sectors;
	uint64_t flags;
	uint64_t data_len;
};

static const char *logpath, *replaypath, *markspath;
static char **check_argv;
static int quiet;

static void die(const char *fmt, const char *arg)
{
	fprintf(stderr, "smap-lw-replay: ");
	fprintf(stderr, fmt, arg);
	fprintf(stderr, "\n");
	exit(2);
}

static void read_at(int fd, void *buf, size_t len, uint64_t off)
{
	size_t got = 0;

	while (got < len) {
		ssize_t n = pread(fd, (char *)buf + got, len - got, off + got);

		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0)
			die("%s: short read (log truncated?)", logpath);
		got += n;
	}
}

static void write_at(int fd, const void *buf, size_t len, uint64_t off)
{
	size_t done = 0;

	while (done < len) {
		ssize_t n = pwrite(fd, (const char *)buf + done, len - done,
				   off + done);

		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0)
			die("%s: write failed", replaypath);
		done += n;
	}
}

static uint64_t dev_size(int fd, const char *path)
{
	struct stat st;
	uint64_t sz;

	if (fstat(fd, &st))
		die("cannot stat %s", path);
	if (S_ISREG(st.st_mode))
		return st.st_size;
	if (ioctl(fd, BLKGETSIZE64, &sz))
		die("%s: BLKGETSIZE64 failed", path);
	return sz;
}

static int open_replay(void)
{
	int fd = open(replaypath, O_RDWR);

	if (fd < 0)
		die("cannot open %s", replaypath);
	return fd;
}

/* Run the check with the point described in the environment. */
static int run_check(unsigned long point, uint64_t entry, const char *kind,
		     const char *mark)
{
	char num[32];
	pid_t pid;
	int st;

	if (!check_argv)
		return 0;
	fflush(stdout);
	pid = fork();
	if (pid < 0)
		die("%s", "fork failed");
	if (pid == 0) {
		snprintf(num, sizeof(num), "%lu", point);
		setenv("LW_POINT", num, 1);
		snprintf(num, sizeof(num), "%" PRIu64, entry);
		setenv("LW_ENTRY", num, 1);
		setenv("LW_KIND", kind, 1);
		setenv("LW_MARK", mark, 1);
		execvp(check_argv[0], check_argv);
		_exit(127);
	}
	while (waitpid(pid, &st, 0) < 0)
		if (errno != EINTR)
			die("%s", "waitpid failed");
	if (WIFEXITED(st))
		return WEXITSTATUS(st);
	return 128 + WTERMSIG(st);
}

static const char *verdict(int status)
{
	return status == 0 ? "ok" : status == 1 ? "LOST" : "BAD";
}

static void usage(void)
{
	fprintf(stderr, "usage: smap-lw-replay [--marks FILE] [--quiet] LOGDEV REPLAYDEV [-- CHECK ARGS...]\n");
	exit(2);
}

int main(int argc, char **argv)
{
	unsigned long flushes = 0, marks = 0, lost = 0, bad = 0, point = 0;
	unsigned long same = 0;
	int dirty = 1, last = 0;
	uint64_t nr, i, pos, bytes = 0, logsz, repsz;
	struct lw_super sup;
	unsigned int ss;
	char *blk, *data = NULL;
	size_t data_cap = 0;
	int a, lfd, rfd;
	FILE *mf = NULL;

	for (a = 1; a < argc; a++) {
		if (!strcmp(argv[a], "--marks") && a + 1 < argc)
			markspath = argv[++a];
		else if (!strcmp(argv[a], "--quiet"))
			quiet = 1;
		else if (!strcmp(argv[a], "--"))
			break;
		else if (argv[a][0] == '-')
			usage();
		else if (!logpath)
			logpath = argv[a];
		else if (!replaypath)
			replaypath = argv[a];
		else
			usage();
	}
	if (!logpath || !replaypath)
		usage();
	if (a < argc && a + 1 < argc)
		check_argv = argv + a + 1;

	lfd = open(logpath, O_RDONLY);
	if (lfd < 0)
		die("cannot open %s", logpath);
	logsz = dev_size(lfd, logpath);
	if (markspath) {
		mf = fopen(markspath, "w");
		if (!mf)
			die("cannot create %s", markspath);
	}
	read_at(lfd, &sup, sizeof(sup), 0);
	if (le64toh(sup.magic) != LW_MAGIC)
		die("%s: not a dm-log-writes log (bad magic)", logpath);
	if (le64toh(sup.version) != LW_VERSION)
		die("%s: unknown log version", logpath);
	nr = le64toh(sup.nr_entries);
	ss = le32toh(sup.sectorsize);
	if (ss < 512 || ss > 65536 || (ss & (ss - 1)))
		die("%s: impossible sector size", logpath);
	blk = malloc(ss);
	if (!blk)
		die("%s", "out of memory");
	rfd = open_replay();
	repsz = dev_size(rfd, replaypath);

	pos = ss;		/* the super takes the first block */
	for (i = 0; i < nr; i++) {
		struct lw_entry e;
		uint64_t sector, cnt, flags, dlen, len;
		char mark[512] = "", kind[16];

		if (pos + ss > logsz)
			die("%s: entry past the end of the log", logpath);
		read_at(lfd, blk, ss, pos);
		pos += ss;
		memcpy(&e, blk, sizeof(e));
		sector = le64toh(e.sector);
		cnt = le64toh(e.nr_sectors);
		flags = le64toh(e.flags);
		dlen = le64toh(e.data_len);
		if (flags & ~(LW_F_FLUSH | LW_F_FUA | LW_F_DISCARD |
			      LW_F_MARK | LW_F_META))
			die("%s: entry with unknown flags", logpath);
		if (cnt > repsz / ss || sector > repsz / ss - cnt)
			die("%s: entry beyond the replay device", logpath);
		len = cnt * ss;
		if (flags & LW_F_MARK) {
			if (dlen > ss - sizeof(e) || dlen >= sizeof(mark))
				die("%s: mark too long", logpath);
			memcpy(mark, blk + sizeof(e), dlen);
			mark[dlen] = 0;
		} else if (flags & LW_F_DISCARD) {
			/* discarded blocks read back as zeroes here */
			if (data_cap < len) {
				free(data);
				data = calloc(1, len);
				data_cap = data ? len : 0;
			} else {
				memset(data, 0, len);
			}
			if (len && !data)
				die("%s", "out of memory");
			if (len)
				write_at(rfd, data, len, sector * ss);
			dirty |= len != 0;
		} else if (len) {
			if (pos + len > logsz)
				die("%s: entry data past the end of the log", logpath);
			if (data_cap < len) {
				free(data);
				data = malloc(len);
				data_cap = data ? len : 0;
				if (!data)
					die("%s", "out of memory");
			}
			read_at(lfd, data, len, pos);
			pos += len;
			write_at(rfd, data, len, sector * ss);
			bytes += len;
			dirty = 1;
		}
		if (!(flags & (LW_F_FLUSH | LW_F_FUA | LW_F_MARK)))
			continue;

		if (flags & LW_F_MARK) {
			marks++;
			strcpy(kind, "mark");
			if (mf && (fprintf(mf, "%s\n", mark) < 0 || fflush(mf)))
				die("cannot write %s", markspath);
		} else {
			flushes++;
			snprintf(kind, sizeof(kind), "%s%s%s",
				 flags & LW_F_FLUSH ? "flush" : "",
				 (flags & LW_F_FLUSH) && (flags & LW_F_FUA) ? "+" : "",
				 flags & LW_F_FUA ? "fua" : "");
		}
		point++;
		if (!dirty && !(flags & LW_F_MARK)) {
			/*
			 * Nothing written since the last stop and no new mark:
			 * the same image and the same expectations as there.
			 */
			same++;
			if (last == 1)
				lost++;
			else if (last)
				bad++;
			if (last || !quiet)
				printf("point %lu entry %" PRIu64 " %s: %s (the image of the last point)\n",
				       point, i, kind, verdict(last));
			continue;
		}
		dirty = 0;
		if (fsync(rfd))
			die("%s: fsync failed", replaypath);
		close(rfd);
		a = run_check(point, i, kind, mark);
		last = a;
		if (a == 1)
			lost++;
		else if (a)
			bad++;
		if (a || !quiet)
			printf("point %lu entry %" PRIu64 " %s%s%s: %s\n", point,
			       i, kind, *mark ? " " : "", mark, verdict(a));
		rfd = open_replay();
	}
	close(rfd);
	close(lfd);
	if (mf)
		fclose(mf);
	printf("log-writes: %lu flush points, %lu marks, %lu lost, %lu bad (%" PRIu64 " entries, %" PRIu64 " bytes; %lu points left the image as the one before)\n",
	       flushes, marks, lost, bad, nr, bytes, same);
	if (!flushes || !marks) {
		printf("log-writes: nothing to check at (no %s): FAIL\n",
		       flushes ? "mark" : "flush point");
		return 1;
	}
	return lost || bad ? 1 : 0;
}
