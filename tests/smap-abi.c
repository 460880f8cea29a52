// SPDX-License-Identifier: GPL-2.0
/*
 * smap-abi: raw-ioctl and raw-netlink edge cases for /dev/shared_map.
 *
 * usage: smap-abi SECTION   (basic limits errors incr cas list batch stats
 *                             perm nl nlstage nlstage-flood nlstage-hold
 *                             watch enospc
 *                             MAXBYTES fdpass fill CGROUP
 *                             bigbatch CGROUP)
 * Prints one "ok"/"FAIL" line per check; exits 1 if any check failed.
 */
#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <signal.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <grp.h>
#include <unistd.h>
#include <linux/genetlink.h>
#include <linux/netlink.h>
#include <linux/shared_map.h>

static int fd = -1;
static int checks, fails;

static void report(int good, const char *fmt, ...)
{
	va_list ap;

	checks++;
	if (!good)
		fails++;
	printf("%s", good ? "ok   " : "FAIL ");
	va_start(ap, fmt);
	vprintf(fmt, ap);
	va_end(ap);
	putchar('\n');
	fflush(stdout);
}

static const char *ename(int e)
{
	static char b[64];

	if (!e)
		return "0";
	snprintf(b, sizeof(b), "%s", strerror(-e));
	return b;
}

/* expect: got and want are 0 or -errno */
static void expect(int got, int want, const char *desc)
{
	char g[64];

	snprintf(g, sizeof(g), "%s", ename(got));
	if (got == want)
		report(1, "%s", desc);
	else
		report(0, "%s: got %s, want %s", desc, g, ename(want));
}

#define TRUE(cond, desc) report(!!(cond), "%s%s", desc, (cond) ? "" : " (" #cond ")")

static int xioctl(unsigned long cmd, void *arg)
{
	return ioctl(fd, cmd, arg) < 0 ? -errno : 0;
}

static uint64_t p2u(const void *p)
{
	return (uint64_t)(uintptr_t)p;
}

static int kset_mode(const void *k, uint32_t kl, const void *v, uint32_t vl,
		     int mode, struct smap_kv *out)
{
	struct smap_kv kv = { .key = p2u(k), .value = p2u(v), .key_len = kl,
			      .value_len = vl };
	int r;

	if (mode >= 0) {
		kv.flags = SMAP_F_MODE;
		kv.mode = mode;
	}
	r = xioctl(SMAP_IOC_SET, &kv);
	if (out)
		*out = kv;
	return r;
}

static int kset(const char *k, const char *v)
{
	return kset_mode(k, strlen(k), v, strlen(v), -1, NULL);
}

static int kget(const void *k, uint32_t kl, void *buf, uint32_t cap,
		struct smap_kv *out)
{
	struct smap_kv kv = { .key = p2u(k), .value = p2u(buf), .key_len = kl,
			      .value_len = cap };
	int r = xioctl(SMAP_IOC_GET, &kv);

	if (out)
		*out = kv;
	return r;
}

/* 1 if key k holds exactly v */
static int kis(const char *k, const char *v)
{
	static char buf[4096];
	struct smap_kv kv;

	if (kget(k, strlen(k), buf, sizeof(buf), &kv))
		return 0;
	return kv.value_len == strlen(v) && !memcmp(buf, v, kv.value_len);
}

static int kdel(const void *k, uint32_t kl, uint32_t *status)
{
	struct smap_kv kv = { .key = p2u(k), .key_len = kl };
	int r = xioctl(SMAP_IOC_DEL, &kv);

	if (status)
		*status = kv.status;
	return r;
}

static int kincr(const char *k, int64_t delta, int64_t *res)
{
	struct smap_incr in = { .key = p2u(k), .key_len = strlen(k),
				.delta = delta };
	int r = xioctl(SMAP_IOC_INCR, &in);

	if (res)
		*res = in.result;
	return r;
}

static int kcas(const char *k, const char *o, const char *n, uint32_t *st)
{
	struct smap_cas c = { .key = p2u(k), .key_len = strlen(k),
			      .old_value = p2u(o), .old_len = strlen(o),
			      .new_value = p2u(n), .new_len = strlen(n) };
	int r = xioctl(SMAP_IOC_CAS, &c);

	if (st)
		*st = c.status;
	return r;
}

static void kstats(struct smap_stats *st)
{
	memset(st, 0, sizeof(*st));
	if (xioctl(SMAP_IOC_STATS, st))
		report(0, "stats ioctl");
}

/* ---- sections ------------------------------------------------------------ */

/*
 * Round trips across the sizes where the module changes strategy: keys
 * around 64 bytes and values around 256 (get's fast path: key on the
 * stack, value straight from the entry), entries of every 16-byte size
 * class up to 256 bytes and past it (the allocator), each set, overwritten
 * with another size, read back byte for byte, read into a buffer one byte
 * short, and deleted.
 */
static void t_sizes(void)
{
	static const uint32_t klens[] = { 1, 63, 64, 65, 300 };
	static char key[300], val[600], buf[600];
	int bad = 0, n = 0;

	for (size_t ki = 0; ki < sizeof(klens) / sizeof(klens[0]); ki++) {
		uint32_t kl = klens[ki];

		for (uint32_t vl = 0; vl <= 300; vl += (vl < 240 ? 7 : 1)) {
			uint32_t vl2 = 300 - vl;
			struct smap_kv kv;

			memset(key, 'a' + ki, kl);
			memcpy(key, &vl, sizeof(vl) < kl ? sizeof(vl) : kl);
			for (uint32_t i = 0; i < sizeof(val); i++)
				val[i] = (char)(i * 7 + vl + kl);
			n++;
			bad |= kset_mode(key, kl, val, vl, -1, NULL) != 0;
			bad |= kget(key, kl, buf, sizeof(buf), &kv) != 0 ||
			       kv.value_len != vl || memcmp(buf, val, vl);
			if (vl)
				bad |= kget(key, kl, buf, vl - 1, &kv) != -ERANGE ||
				       kv.value_len != vl;
			bad |= kset_mode(key, kl, val + 1, vl2, -1, NULL) != 0;
			bad |= kget(key, kl, buf, sizeof(buf), &kv) != 0 ||
			       kv.value_len != vl2 || memcmp(buf, val + 1, vl2);
			bad |= kdel(key, kl, NULL) != 0;
			if (bad) {
				report(0, "sizes: key %u B, value %u then %u B",
				       kl, vl, vl2);
				return;
			}
		}
	}
	report(1, "sizes: %d key/value size pairs round-trip", n);
}

/*
 * get's fast path copies the value with page faults disabled: a buffer on a
 * page never touched yet (or dropped since) must still get its value, by
 * the slow path, not an EFAULT.
 */
static void t_fresh_page(void)
{
	long pg = sysconf(_SC_PAGESIZE);
	char *p = mmap(NULL, pg, PROT_READ | PROT_WRITE,
		       MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	struct smap_kv kv;

	if (p == MAP_FAILED) {
		report(0, "mmap for the fresh-page get: %s", strerror(errno));
		return;
	}
	expect(kset_mode("fresh", 5, "into a new page", 15, -1, NULL), 0,
	       "set for the fresh-page get");
	expect(kget("fresh", 5, p, 64, &kv), 0, "get into a page never touched");
	TRUE(kv.value_len == 15 && !memcmp(p, "into a new page", 15),
	     "fresh page: value arrived");
	memset(p, 0, 64);
	madvise(p, pg, MADV_DONTNEED);
	expect(kget("fresh", 5, p + 8, 64, &kv), 0,
	       "get into a page just dropped");
	TRUE(kv.value_len == 15 && !memcmp(p + 8, "into a new page", 15),
	     "dropped page: value arrived");
	kdel("fresh", 5, NULL);
	munmap(p, pg);
}

static void t_basic(void)
{
	static const char bkey[] = { 'k', 0, 'e', 'y' };
	static const char bval[] = { 0, 1, 0 };
	struct smap_kv kv;
	char buf[16];
	uint32_t st;

	expect(kset_mode("a", 1, "1", 1, -1, &kv), 0, "set new key");
	TRUE(kv.status == SMAP_ST_CREATED, "set new key: status CREATED");
	expect(kset_mode("a", 1, "22", 2, -1, &kv), 0, "overwrite");
	TRUE(kv.status == SMAP_ST_UPDATED, "overwrite: status UPDATED");
	memset(buf, 0, sizeof(buf));
	expect(kget("a", 1, buf, sizeof(buf), &kv), 0, "get");
	TRUE(kv.value_len == 2 && !memcmp(buf, "22", 2), "get returns value");
	TRUE(kv.mode == SMAP_MODE_DEFAULT && kv.uid == 0 && kv.gid == 0,
	     "get: default mode 0644, owner root");

	expect(kset_mode(bkey, 4, bval, 3, -1, NULL), 0, "set binary key/value");
	expect(kget(bkey, 4, buf, sizeof(buf), &kv), 0, "get binary key");
	TRUE(kv.value_len == 3 && !memcmp(buf, bval, 3), "binary value intact");
	expect(kget("k", 1, buf, sizeof(buf), NULL), -ENOENT,
	       "key 'k' differs from 'k\\0ey'");
	expect(kget(bkey, 4, buf, 2, &kv), -ERANGE, "get into too small buffer");
	TRUE(kv.value_len == 3, "ERANGE reports the size needed");

	expect(kset_mode("empty", 5, NULL, 0, -1, NULL), 0, "set empty value");
	expect(kget("empty", 5, NULL, 0, &kv), 0, "get empty value, no buffer");
	TRUE(kv.value_len == 0, "empty value has length 0");

	expect(kdel("a", 1, &st), 0, "del");
	TRUE(st == SMAP_ST_DELETED, "del: status DELETED");
	expect(kdel("a", 1, &st), -ENOENT, "del missing");
	TRUE(st == SMAP_ST_NOT_FOUND, "del missing: status NOT_FOUND");
	expect(kget("a", 1, buf, sizeof(buf), &kv), -ENOENT, "get deleted");
	TRUE(kv.status == SMAP_ST_NOT_FOUND, "get missing: status NOT_FOUND");

	expect(kset_mode("m", 1, "x", 1, 0600, NULL), 0, "set with mode 0600");
	expect(kset_mode("m", 1, "y", 1, 0644, NULL), -EEXIST,
	       "overwrite asking another mode: EEXIST");
	TRUE(kis("m", "x"), "refused overwrite changed nothing");
	expect(kset_mode("m", 1, "y", 1, 0600, NULL), 0,
	       "overwrite asking the key's own mode");
	expect(kget("m", 1, buf, sizeof(buf), &kv), 0, "get moded key");
	TRUE(kv.mode == 0600 && kis("m", "y"), "overwrite keeps the creation mode");
	expect(kset_mode("m2", 2, "x", 1, 01000, NULL), -EINVAL,
	       "mode outside 0777");
	kv = (struct smap_kv){ .key = p2u("m3"), .key_len = 2, .flags = 8 };
	expect(xioctl(SMAP_IOC_SET, &kv), -EINVAL, "unknown flag");
	/* SMAP_F_OWNER: root gives a key it creates an owner (smap load) */
	kv = (struct smap_kv){ .key = p2u("own"), .key_len = 3,
			       .value = p2u("v"), .value_len = 1,
			       .flags = SMAP_F_OWNER, .uid = 1234, .gid = 5678 };
	expect(xioctl(SMAP_IOC_SET, &kv), 0, "SMAP_F_OWNER creates");
	expect(kget("own", 3, buf, sizeof(buf), &kv), 0, "get the owned key");
	TRUE(kv.uid == 1234 && kv.gid == 5678, "SMAP_F_OWNER: the owner given");
	kv = (struct smap_kv){ .key = p2u("own"), .key_len = 3,
			       .value = p2u("w"), .value_len = 1,
			       .flags = SMAP_F_OWNER, .uid = 1, .gid = 5678 };
	expect(xioctl(SMAP_IOC_SET, &kv), -EEXIST,
	       "SMAP_F_OWNER: an existing key of another owner");
	kv.uid = 1234;
	expect(xioctl(SMAP_IOC_SET, &kv), 0, "SMAP_F_OWNER: its own owner");
	TRUE(kis("own", "w"), "SMAP_F_OWNER: value replaced");
	kv = (struct smap_kv){ .key = p2u("own2"), .key_len = 4,
			       .flags = SMAP_F_OWNER, .uid = (__u32)-1 };
	expect(xioctl(SMAP_IOC_SET, &kv), -EINVAL, "SMAP_F_OWNER: uid -1");
	kdel("own", 3, NULL);
	kdel("x1", 2, NULL);
	kv = (struct smap_kv){ .key = p2u("x1"), .key_len = 2, .value = p2u("a"),
			       .value_len = 1, .flags = SMAP_F_EXCL };
	expect(xioctl(SMAP_IOC_SET, &kv), 0, "SMAP_F_EXCL creates");
	TRUE(kv.status == SMAP_ST_CREATED, "SMAP_F_EXCL: status CREATED");
	kv.value = p2u("b");
	expect(xioctl(SMAP_IOC_SET, &kv), -EEXIST, "SMAP_F_EXCL on an existing key");
	TRUE(kis("x1", "a"), "SMAP_F_EXCL refused: value kept");
	{
		struct smap_incr in = { .key = p2u("x1"), .key_len = 2,
					.flags = SMAP_F_EXCL };

		expect(xioctl(SMAP_IOC_INCR, &in), -EINVAL,
		       "SMAP_F_EXCL is for set only");
	}
	t_sizes();
	t_fresh_page();
}

static void t_limits(void)
{
	static char key[SMAP_KEY_MAX + 1];
	char *val = malloc(SMAP_VALUE_MAX + 1);
	struct smap_kv kv;

	memset(key, 'k', sizeof(key));
	memset(val, 'v', SMAP_VALUE_MAX + 1);
	val[0] = 0;
	val[SMAP_VALUE_MAX - 1] = 'z';
	expect(kset_mode(key, 0, "x", 1, -1, NULL), -EINVAL, "key_len 0");
	expect(kset_mode(key, SMAP_KEY_MAX, "x", 1, -1, NULL), 0,
	       "key of 1024 bytes");
	expect(kget(key, SMAP_KEY_MAX, NULL, 0, &kv), -ERANGE,
	       "get 1024-byte key");
	expect(kset_mode(key, SMAP_KEY_MAX + 1, "x", 1, -1, NULL),
	       -ENAMETOOLONG, "key of 1025 bytes");
	expect(kget(key, SMAP_KEY_MAX + 1, NULL, 0, NULL), -ENAMETOOLONG,
	       "get 1025-byte key");
	expect(kdel(key, 0, NULL), -EINVAL, "del key_len 0");

	expect(kset_mode("big", 3, val, SMAP_VALUE_MAX, -1, NULL), 0,
	       "value of 1048576 bytes");
	{
		char *out = malloc(SMAP_VALUE_MAX);

		expect(kget("big", 3, out, SMAP_VALUE_MAX, &kv), 0,
		       "get 1 MiB value");
		TRUE(kv.value_len == SMAP_VALUE_MAX &&
		     !memcmp(out, val, SMAP_VALUE_MAX), "1 MiB value intact");
		free(out);
	}
	expect(kset_mode("big2", 4, val, SMAP_VALUE_MAX + 1, -1, NULL),
	       -EMSGSIZE, "value of 1048577 bytes");
	expect(kget("big2", 4, NULL, 0, NULL), -ENOENT,
	       "refused value not stored");
	expect(kset_mode("big", 3, val, SMAP_VALUE_MAX + 1, -1, NULL),
	       -EMSGSIZE, "overwrite with 1048577 bytes");
	expect(kget("big", 3, NULL, 0, &kv), -ERANGE, "old value kept");
	TRUE(kv.value_len == SMAP_VALUE_MAX, "old value length kept");
	/* huge lengths are refused before anything is allocated */
	expect(kset_mode("h", 1, val, 0xffffffffu, -1, NULL), -EMSGSIZE,
	       "value_len 4 GiB");
	expect(kset_mode(key, 0xffffffffu, "x", 1, -1, NULL), -ENAMETOOLONG,
	       "key_len 4 GiB");
	free(val);
}

/*
 * Buffers that end where a page without access begins: the part that is
 * readable or writable is not enough, so the call fails with EFAULT and
 * changes nothing.
 */
static void t_efault_edge(void)
{
	long pg = sysconf(_SC_PAGESIZE);
	char *p = mmap(NULL, 2 * pg, PROT_READ | PROT_WRITE,
		       MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	char *edge = p + pg;
	struct smap_kv kv;
	char buf[16];

	if (p == MAP_FAILED || mprotect(edge, pg, PROT_NONE)) {
		report(0, "mmap/mprotect for the EFAULT edge: %s",
		       strerror(errno));
		return;
	}
	memcpy(edge - 8, "edgekey-", 8);
	expect(kset_mode("edgekey-tail1234", 16, "v", 1, -1, NULL), 0,
	       "set a 16-byte key");
	expect(kget(edge - 8, 16, buf, sizeof(buf), NULL), -EFAULT,
	       "get: key running into an unreadable page");
	expect(kget("edgekey-tail1234", 16, edge - 1, 8, NULL), 0,
	       "get: 1-byte value into the last byte before the edge");
	expect(kset_mode("edgekey-tail1234", 16, "0123456789", 10, -1, NULL),
	       0, "overwrite with 10 bytes");
	expect(kget("edgekey-tail1234", 16, edge - 4, 10, NULL), -EFAULT,
	       "get: value running into an unwritable page");
	/* set copies key + value up to 256 bytes through the stack, more
	 * into allocations: a fault fails either way and changes nothing
	 */
	expect(kset_mode(edge - 8, 16, "v", 1, -1, NULL), -EFAULT,
	       "set: key running into an unreadable page");
	expect(kset_mode("edgekey-tail1234", 16, edge - 4, 10, -1, NULL),
	       -EFAULT, "set: small value running into an unreadable page");
	expect(kset_mode("edgekey-tail1234", 16, edge - 100, 300, -1, NULL),
	       -EFAULT, "set: 300-byte value running into an unreadable page");
	/* the struct itself straddling the edge */
	memcpy(edge - 8, &(struct smap_kv){ .key = p2u("edgekey-tail1234") },
	       8);
	expect(xioctl(SMAP_IOC_GET, edge - 8), -EFAULT,
	       "get: argument struct running into an unreadable page");
	expect(kget("edgekey-tail1234", 16, buf, sizeof(buf), &kv), 0,
	       "get after the EFAULTs still works");
	TRUE(kv.value_len == 10 && !memcmp(buf, "0123456789", 10),
	     "value intact after the EFAULTs");
	kdel("edgekey-tail1234", 16, NULL);
	munmap(p, 2 * pg);
}

static void t_errors(void)
{
	struct smap_kv kv;
	struct {
		struct smap_kv kv;
		uint64_t tail;
	} longkv;
	struct {
		struct smap_stats st;
		uint64_t tail[4];
	} longst;
	char buf[8];
	void *bad = (void *)16;

	expect(xioctl(_IO(SMAP_IOC_MAGIC, 0x7f), NULL), -ENOTTY,
	       "unknown ioctl number");
	expect(xioctl(_IOWR('x', 0x01, struct smap_kv), &kv), -ENOTTY,
	       "wrong ioctl magic");
	expect(xioctl(_IOW(SMAP_IOC_MAGIC, 0x01, struct smap_kv), &kv),
	       -ENOTTY, "wrong ioctl direction");

	expect(xioctl(SMAP_IOC_SET, NULL), -EFAULT, "NULL argument");
	expect(xioctl(SMAP_IOC_SET, bad), -EFAULT, "bad argument pointer");
	expect(xioctl(SMAP_IOC_STATS, bad), -EFAULT, "stats to bad pointer");
	expect(kset_mode(bad, 3, "x", 1, -1, NULL), -EFAULT, "bad key pointer");
	expect(kset_mode("ef", 2, bad, 3, -1, NULL), -EFAULT,
	       "bad value pointer");
	expect(kget("ef", 2, NULL, 0, NULL), -ENOENT,
	       "nothing stored after EFAULT");
	expect(kset("ef", "abc"), 0, "set for get EFAULT");
	expect(kget("ef", 2, bad, 8, NULL), -EFAULT, "get to bad buffer");
	expect(kget("ef", 2, buf, 8, NULL), 0, "get after EFAULT still works");
	expect(xioctl(SMAP_IOC_GET, NULL), -EFAULT, "get: NULL argument");
	expect(xioctl(SMAP_IOC_GET, bad), -EFAULT, "get: bad argument pointer");
	expect(kget(bad, 2, buf, 8, NULL), -EFAULT, "get: bad key pointer");
	t_efault_edge();

	kv = (struct smap_kv){ .key = p2u("ef"), .key_len = 2,
			       .value = p2u(buf), .value_len = 8 };
	expect(xioctl(_IOC(_IOC_READ | _IOC_WRITE, SMAP_IOC_MAGIC, 0x02,
			   sizeof(kv) - 4), &kv), -EINVAL, "short struct");
	memset(&longkv, 0, sizeof(longkv));
	longkv.kv = kv;
	expect(xioctl(_IOC(_IOC_READ | _IOC_WRITE, SMAP_IOC_MAGIC, 0x02,
			   sizeof(longkv)), &longkv), 0,
	       "longer struct with zero tail");
	TRUE(longkv.kv.value_len == 3 && longkv.tail == 0,
	     "longer struct: answer in place, tail untouched");
	longkv.tail = 1;
	expect(xioctl(_IOC(_IOC_READ | _IOC_WRITE, SMAP_IOC_MAGIC, 0x02,
			   sizeof(longkv)), &longkv), -E2BIG,
	       "longer struct with nonzero tail");
	kv.__reserved = 1;
	expect(xioctl(SMAP_IOC_GET, &kv), -EINVAL, "get: reserved nonzero");
	expect(xioctl(SMAP_IOC_SET, &kv), -EINVAL, "set: reserved nonzero");
	expect(xioctl(SMAP_IOC_DEL, &kv), -EINVAL, "del: reserved nonzero");
	{
		struct smap_list l = { .__reserved = 1, .buf = p2u(buf),
				       .buf_len = sizeof(buf) };

		expect(xioctl(SMAP_IOC_LIST, &l), -EINVAL,
		       "list: reserved nonzero");
	}
	memset(&longst, 0xff, sizeof(longst));
	expect(xioctl(_IOC(_IOC_READ, SMAP_IOC_MAGIC, 0x08, sizeof(longst)),
		      &longst), 0, "stats into longer struct");
	TRUE(!longst.tail[0] && !longst.tail[3], "stats: longer tail zeroed");
	{
		struct smap_version v;

		memset(&v, 0xff, sizeof(v));
		expect(xioctl(SMAP_IOC_VERSION, &v), 0, "version");
		TRUE(v.abi == SMAP_ABI_VERSION && v.key_max == 1024 &&
		     v.value_max == SMAP_VALUE_MAX && v.__reserved == 0,
		     "version fields");
	}
	expect(xioctl(SMAP_IOC_RECOVER, NULL), 0, "recover (never read-only)");
}

static void t_incr(void)
{
	int64_t r = 0;

	kdel("n", 1, NULL);
	expect(kincr("n", 5, &r), 0, "incr missing key");
	TRUE(r == 5 && kis("n", "5"), "missing key counts as 0");
	expect(kincr("n", -7, &r), 0, "incr negative");
	TRUE(r == -2 && kis("n", "-2"), "incr to -2");
	static const char *bad[] = { "abc", "12x", "", "-", "+5", " 5", "5\t",
				     "1.5" };
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		char d[64];

		kset("n", bad[i]);
		snprintf(d, sizeof(d), "incr non-integer '%s'", bad[i]);
		expect(kincr("n", 1, NULL), -EINVAL, d);
	}
	kset("n", "9223372036854775807");
	expect(kincr("n", 1, NULL), -ERANGE, "incr overflow at INT64_MAX");
	TRUE(kis("n", "9223372036854775807"), "value unchanged on ERANGE");
	expect(kincr("n", 0, &r), 0, "incr 0 at INT64_MAX");
	expect(kincr("n", -1, &r), 0, "decrement INT64_MAX");
	TRUE(r == INT64_MAX - 1, "INT64_MAX - 1");
	kset("n", "-9223372036854775808");
	expect(kincr("n", -1, NULL), -ERANGE, "incr underflow at INT64_MIN");
	expect(kincr("n", 1, &r), 0, "incr from INT64_MIN");
	TRUE(r == INT64_MIN + 1 && kis("n", "-9223372036854775807"),
	     "INT64_MIN + 1");
	kset("n", "99999999999999999999");
	expect(kincr("n", 1, NULL), -ERANGE, "stored value out of s64 range");
	kset("n", "007");
	expect(kincr("n", 1, &r), 0, "leading zeros");
	TRUE(r == 8 && kis("n", "8"), "007 + 1 = 8");
	{
		struct smap_incr in = { .key = p2u("n"), .key_len = 1,
					.flags = 4 };

		expect(xioctl(SMAP_IOC_INCR, &in), -EINVAL, "incr unknown flag");
	}
}

static void t_cas(void)
{
	uint32_t st = 99;

	kdel("c", 1, NULL);
	expect(kcas("c", "a", "b", &st), -ENOENT, "cas missing key");
	TRUE(st == SMAP_ST_NOT_FOUND, "cas missing: status NOT_FOUND");
	kset("c", "a");
	expect(kcas("c", "x", "b", &st), -ECANCELED, "cas mismatch");
	TRUE(st == SMAP_ST_MISMATCH && kis("c", "a"),
	     "cas mismatch: status MISMATCH, value unchanged");
	expect(kcas("c", "", "b", &st), -ECANCELED, "cas empty old vs 'a'");
	expect(kcas("c", "aa", "b", &st), -ECANCELED, "cas longer old");
	expect(kcas("c", "a", "bb", &st), 0, "cas match");
	TRUE(st == SMAP_ST_UPDATED && kis("c", "bb"),
	     "cas match: status UPDATED, value replaced");
	expect(kcas("c", "bb", "", &st), 0, "cas to empty value");
	expect(kcas("c", "", "z", &st), 0, "cas from empty value");
	TRUE(kis("c", "z"), "cas chain");
}

#define NLIST 3000

static int list_all(const char *prefix, uint32_t buf_len, unsigned char *seen,
		    int churn, int *calls)
{
	char buf[4096];
	uint64_t cursor = 0;
	int total = 0;

	*calls = 0;
	for (;;) {
		struct smap_list l = { .prefix = p2u(prefix),
				       .prefix_len = strlen(prefix),
				       .buf = p2u(buf), .buf_len = buf_len,
				       .cursor = cursor };
		uint32_t off = 0;
		int r = xioctl(SMAP_IOC_LIST, &l);

		if (r)
			return r;
		(*calls)++;
		for (uint32_t i = 0; i < l.count; i++) {
			uint32_t len;
			int n;

			memcpy(&len, buf + off, 4);
			if (len == 7 && !memcmp(buf + off + 4, "L/", 2) &&
			    sscanf(buf + off + 6, "%5d", &n) == 1 && n >= 0 &&
			    n < NLIST)
				seen[n]++;
			off += 4 + ((len + 3) & ~3u);
			total++;
		}
		if (off != l.used)
			return -EPROTO;
		if (l.flags & SMAP_LIST_END)
			break;
		cursor = l.cursor;
		if (churn) {
			/* mutate while listing: overwrite, create, delete */
			char k[32];

			snprintf(k, sizeof(k), "L/%05d", rand() % NLIST);
			kset(k, "overwritten");
			snprintf(k, sizeof(k), "L/new%d", *calls);
			kset(k, "x");
			snprintf(k, sizeof(k), "L/new%d", *calls - 1);
			kdel(k, strlen(k), NULL);
		}
	}
	return total;
}

static void t_list(void)
{
	static unsigned char seen[NLIST];
	char k[32], buf[64];
	int calls, bad, r;

	for (int i = 0; i < NLIST; i++) {
		snprintf(k, sizeof(k), "L/%05d", i);
		if (kset(k, "v")) {
			report(0, "create %s", k);
			return;
		}
	}
	for (int i = 0; i < 100; i++) {
		snprintf(k, sizeof(k), "M/%d", i);
		kset(k, "v");
	}
	memset(seen, 0, sizeof(seen));
	r = list_all("L/", 100, seen, 0, &calls);
	bad = 0;
	for (int i = 0; i < NLIST; i++)
		bad += seen[i] != 1;
	TRUE(r == NLIST && bad == 0, "list 3000 keys in 12-byte records, "
	     "100-byte pieces: each exactly once");
	TRUE(calls >= NLIST / 8, "list took many calls");

	memset(seen, 0, sizeof(seen));
	r = list_all("L/", 256, seen, 1, &calls);
	bad = 0;
	for (int i = 0; i < NLIST; i++)
		bad += seen[i] != 1;
	TRUE(r >= NLIST && bad == 0,
	     "list under concurrent set/create/delete: each exactly once");

	memset(seen, 0, sizeof(seen));
	r = list_all("", 4096, seen, 0, &calls);
	TRUE(r >= NLIST + 100, "list without prefix sees everything");
	r = list_all("nomatch/", 4096, seen, 0, &calls);
	TRUE(r == 0 && calls == 1, "list with unmatched prefix: empty, END");
	{
		struct smap_list l = { .prefix = p2u("L/"), .prefix_len = 2,
				       .buf = p2u(buf), .buf_len = 8 };

		expect(xioctl(SMAP_IOC_LIST, &l), -ERANGE,
		       "list buffer smaller than one record");
		l.buf_len = 64;
		l.buf = 16;
		expect(xioctl(SMAP_IOC_LIST, &l), -EFAULT, "list to bad buffer");
		l.buf = p2u(buf);
		l.prefix_len = SMAP_KEY_MAX + 1;
		expect(xioctl(SMAP_IOC_LIST, &l), -ENAMETOOLONG,
		       "list prefix too long");
	}
	kset("L/del", "x");
	for (int i = 0; i < NLIST; i++) {
		snprintf(k, sizeof(k), "L/%05d", i);
		kdel(k, strlen(k), NULL);
	}
}

static size_t bput(char *b, size_t off, uint16_t op, uint16_t flags,
		   const char *k, uint32_t kl, const char *v, uint32_t vl,
		   int64_t arg)
{
	struct smap_batch_op h = { .op = op, .flags = flags, .mode = 0600,
				   .key_len = kl, .value_len = vl, .arg = arg,
				   .error = 12345, .status = 99 };
	size_t sz = (sizeof(h) + kl + vl + 7) & ~(size_t)7;

	memset(b + off, 0, sz);
	memcpy(b + off, &h, sizeof(h));
	memcpy(b + off + sizeof(h), k, kl);
	if (vl)
		memcpy(b + off + sizeof(h) + kl, v, vl);
	return off + sz;
}

static struct smap_batch_op *bop(char *b, int idx)
{
	size_t off = 0;

	for (int i = 0; i < idx; i++) {
		struct smap_batch_op *h = (void *)(b + off);

		off += (sizeof(*h) + h->key_len + h->value_len + 7) & ~(size_t)7;
	}
	return (void *)(b + off);
}

static void t_batch(void)
{
	static char b[4096];
	struct smap_batch bt;
	struct smap_kv kv;
	size_t len = 0;

	kdel("b2", 2, NULL);
	len = bput(b, len, SMAP_OP_SET, SMAP_F_MODE, "b1", 2, "v1", 2, 0);
	len = bput(b, len, SMAP_OP_INCR, 0, "b2", 2, NULL, 0, 3);
	len = bput(b, len, SMAP_OP_DEL, 0, "nob", 3, NULL, 0, 0);
	len = bput(b, len, SMAP_OP_SET, 0, "", 0, "x", 1, 0);
	len = bput(b, len, 99, 0, "b3", 2, NULL, 0, 0);
	len = bput(b, len, SMAP_OP_INCR, 0, "b2", 2, NULL, 0, 4);
	len = bput(b, len, SMAP_OP_GET, 0, "b1", 2, NULL, 0, 0);
	bt = (struct smap_batch){ .ops = p2u(b), .len = len, .count = 7 };
	expect(xioctl(SMAP_IOC_BATCH, &bt), 0, "batch");
	TRUE(bt.done == 7 && bt.failed == 4, "batch: 7 done, 4 failed");
	TRUE(bop(b, 0)->error == 0 && bop(b, 0)->status == SMAP_ST_CREATED,
	     "batch set: created");
	TRUE(bop(b, 1)->error == 0 && bop(b, 1)->arg == 3,
	     "batch incr: result 3");
	TRUE(bop(b, 2)->error == -ENOENT &&
	     bop(b, 2)->status == SMAP_ST_NOT_FOUND, "batch del missing: ENOENT");
	TRUE(bop(b, 3)->error == -EINVAL, "batch key_len 0: EINVAL");
	TRUE(bop(b, 4)->error == -EINVAL, "batch unknown op: EINVAL");
	TRUE(bop(b, 5)->error == 0 && bop(b, 5)->arg == 7,
	     "batch incr in order: result 7");
	TRUE(bop(b, 6)->error == -EINVAL, "batch get not allowed: EINVAL");
	TRUE(kis("b1", "v1") && kis("b2", "7"), "batch results stored");
	kget("b1", 2, NULL, 0, &kv);
	TRUE(kv.mode == 0600, "batch set honours SMAP_F_MODE");

	bt = (struct smap_batch){ .ops = p2u(b), .len = (16u << 20) + 1,
				  .count = 1 };
	expect(xioctl(SMAP_IOC_BATCH, &bt), -E2BIG, "batch over 16 MiB");
	bt = (struct smap_batch){ .ops = p2u(b), .len = len, .count = 1000 };
	expect(xioctl(SMAP_IOC_BATCH, &bt), -EINVAL, "batch count too large");
	len = bput(b, 0, SMAP_OP_SET, 0, "t1", 2, "x", 1, 0);
	len = bput(b, len, SMAP_OP_SET, 0, "t2", 2, "y", 1, 0);
	bop(b, 1)->value_len = 1000;	/* runs past the buffer */
	bt = (struct smap_batch){ .ops = p2u(b), .len = len, .count = 2 };
	kdel("t1", 2, NULL);
	kdel("t2", 2, NULL);
	expect(xioctl(SMAP_IOC_BATCH, &bt), -EINVAL, "batch truncated entry");
	TRUE(bt.done == 1 && kis("t1", "x"),
	     "batch stops at the bad entry, earlier ones applied");
	expect(kget("t2", 2, NULL, 0, NULL), -ENOENT, "bad entry not applied");
	bt = (struct smap_batch){ .ops = 16, .len = 64, .count = 1 };
	expect(xioctl(SMAP_IOC_BATCH, &bt), -EFAULT, "batch bad pointer");
	bt = (struct smap_batch){ .ops = 0, .len = 0, .count = 0 };
	expect(xioctl(SMAP_IOC_BATCH, &bt), 0, "empty batch");
}

static void t_stats(void)
{
	struct smap_stats a, b;

	kdel("st", 2, NULL);
	kstats(&a);
	kset("st", "12345");
	kget("st", 2, NULL, 0, NULL);	/* ERANGE: an error */
	kincr("stn", 1, NULL);
	kdel("stn", 3, NULL);
	kcas("st", "12345", "1", NULL);
	kstats(&b);
	TRUE(b.ops[SMAP_OP_SET] == a.ops[SMAP_OP_SET] + 1, "stats: one set");
	TRUE(b.ops[SMAP_OP_GET] == a.ops[SMAP_OP_GET] + 1, "stats: one get");
	TRUE(b.ops[SMAP_OP_INCR] == a.ops[SMAP_OP_INCR] + 1, "stats: one incr");
	TRUE(b.ops[SMAP_OP_DEL] == a.ops[SMAP_OP_DEL] + 1, "stats: one del");
	TRUE(b.ops[SMAP_OP_CAS] == a.ops[SMAP_OP_CAS] + 1, "stats: one cas");
	TRUE(b.errors == a.errors + 1, "stats: one error");
	TRUE(b.keys == a.keys + 1, "stats: one more key");
	TRUE(b.data_bytes == a.data_bytes + 3,
	     "stats: data_bytes = key + value bytes");
	/* 32 + 2 + 1 -> 48 (16-byte class), + 32 for bucket and id slot */
	TRUE(b.bytes == a.bytes + 80, "stats: bytes = what the entry costs");
	TRUE(b.user_bytes == b.bytes - a.bytes + a.user_bytes,
	     "stats: user_bytes: root's keys");
	TRUE(b.max_bytes == 64ull << 20, "stats: max_bytes default 64 MiB");
}

/* the device opened again: requests are judged by the opener */
static void reopen(void)
{
	close(fd);
	fd = open(SMAP_DEVICE_PATH, O_RDWR | O_CLOEXEC);
	if (fd < 0)
		report(0, "open %s again: %s", SMAP_DEVICE_PATH, strerror(errno));
}

/* run in a child with the given ids; returns the child's fail count */
static int as_user(uid_t uid, gid_t gid, void (*fn)(void))
{
	pid_t p;
	int st;

	fflush(stdout);
	p = fork();
	if (p == 0) {
		if (setgroups(0, NULL) || setresgid(gid, gid, gid) ||
		    setresuid(uid, uid, uid)) {
			report(0, "drop privileges to %d", (int)uid);
			exit(1);
		}
		reopen();
		fails = 0;
		fn();
		fflush(stdout);
		exit(fails ? 1 : 0);
	}
	waitpid(p, &st, 0);
	return WIFEXITED(st) ? WEXITSTATUS(st) : 1;
}

static void perm_user1000(void)
{
	char buf[16];
	struct smap_kv kv;

	expect(kget("p600", 4, buf, sizeof(buf), NULL), -EACCES,
	       "uid 1000 cannot read a root 0600 key");
	expect(kget("p644", 4, buf, sizeof(buf), NULL), 0,
	       "uid 1000 reads a root 0644 key");
	expect(kset("p644", "w"), -EACCES, "uid 1000 cannot overwrite 0644");
	expect(kdel("p644", 4, NULL), -EACCES, "uid 1000 cannot delete 0644");
	expect(kincr("p644", 1, NULL), -EACCES, "uid 1000 cannot incr 0644");
	expect(kcas("p644", "1", "2", NULL), -EACCES,
	       "uid 1000 cannot cas 0644");
	expect(kget("g640", 4, buf, sizeof(buf), NULL), 0,
	       "group member reads a 0640 key");
	expect(kset("g660", "w"), 0, "group member writes a 0660 key");
	expect(kset_mode("u600", 4, "mine", 4, 0600, NULL), 0,
	       "uid 1000 creates a 0600 key");
	expect(kget("u600", 4, buf, sizeof(buf), &kv), 0, "owner reads it");
	TRUE(kv.uid == 1000 && kv.gid == 1000 && kv.mode == 0600,
	     "owner uid/gid 1000 recorded");
}

static void perm_user1001(void)
{
	char buf[16];

	expect(kget("u600", 4, buf, sizeof(buf), NULL), -EACCES,
	       "uid 1001 cannot read uid 1000's 0600 key");
	expect(kget("g640", 4, buf, sizeof(buf), NULL), -EACCES,
	       "other cannot read a 0640 key");
	expect(kget("p644", 4, buf, sizeof(buf), NULL), 0,
	       "other reads a 0644 key");
}

static void t_perm(void)
{
	struct smap_kv kv;
	char buf[16];

	kset_mode("p600", 4, "1", 1, 0600, NULL);
	kset_mode("p644", 4, "1", 1, 0644, NULL);
	/* group 1000 keys: create as root then chown is not possible, so
	 * create them as gid 1000 with uid 0 via setresgid in a child */
	fflush(stdout);
	if (fork() == 0) {
		if (setresgid(1000, 1000, 1000))
			exit(1);
		reopen();
		kset_mode("g640", 4, "1", 1, 0640, NULL);
		kset_mode("g660", 4, "1", 1, 0660, NULL);
		exit(0);
	}
	wait(NULL);
	kget("g640", 4, buf, sizeof(buf), &kv);
	TRUE(kv.gid == 1000 && kv.uid == 0, "key created with fsgid 1000");
	TRUE(as_user(1000, 1000, perm_user1000) == 0, "uid 1000 checks");
	TRUE(as_user(1001, 1001, perm_user1001) == 0, "uid 1001 checks");
	expect(kget("u600", 4, buf, sizeof(buf), NULL), 0,
	       "CAP_SYS_ADMIN reads anyone's 0600 key");
	expect(kset("u600", "root"), 0, "CAP_SYS_ADMIN overwrites it");
	kget("u600", 4, buf, sizeof(buf), &kv);
	TRUE(kv.uid == 1000, "overwrite by root keeps the owner");
}

/* delete every key (the log may have replayed earlier ones) */
static void wipe(void)
{
	static char buf[65536];
	int more = 1;

	while (more) {
		struct smap_list l = { .buf = p2u(buf), .buf_len = sizeof(buf) };
		uint32_t off = 0;

		if (xioctl(SMAP_IOC_LIST, &l))
			return;
		more = l.count > 0;
		for (uint32_t i = 0; i < l.count; i++) {
			uint32_t len;

			memcpy(&len, buf + off, 4);
			kdel(buf + off + 4, len, NULL);
			off += 4 + ((len + 3) & ~3u);
		}
	}
}

/*
 * max_bytes is set to MAXBYTES by the caller. Sets, overwrites and
 * deletes of keys of many sizes against a model of what they cost: each
 * is refused with ENOSPC exactly when it would take the store's cost past
 * max_bytes, and a refused one stores nothing.
 */
static void t_enospc(long max)
{
	char *v = calloc(1, max + 1);
	uint64_t used = 0, have[16] = { 0 };
	struct smap_stats st;
	int nok = 0, nfull = 0, bad = 0;

	wipe();
	kstats(&st);
	TRUE(st.keys == 0 && st.bytes == 0, "store emptied");
	memset(v, 'x', max);
	for (int i = 0; i < 200; i++) {
		uint32_t vl = (uint32_t)((i * 7919u) % (max / 3 + 1));
		int k = i % 16, r;
		char key[4] = { 'k', (char)('a' + k), 0 };
		uint64_t c = i % 5 == 4 ? 0 : smap_kv_cost(2, vl);
		int full = c > have[k] && used - have[k] + c > (uint64_t)max;

		r = c ? kset_mode(key, 2, v, vl, -1, NULL) : kdel(key, 2, NULL);
		if (!c && !have[k]) {
			bad |= r != -ENOENT;
			continue;
		}
		if (full) {
			nfull++;
			bad |= r != -ENOSPC;
			if (r != -ENOSPC)
				report(0, "op %d: %d bytes over max_bytes: %s",
				       i, (int)(used - have[k] + c - max), ename(r));
		} else {
			nok++;
			bad |= r != 0;
			if (r)
				report(0, "op %d: within max_bytes: %s", i, ename(r));
			used += c - have[k];
			have[k] = c;
		}
		kstats(&st);
		if (st.bytes != used) {
			report(0, "op %d: stats bytes %llu, model %llu", i,
			       (unsigned long long)st.bytes,
			       (unsigned long long)used);
			bad = 1;
			break;
		}
	}
	TRUE(!bad && nfull > 5 && nok > 50,
	     "200 sets and deletes: ENOSPC exactly past max_bytes as the cost formula counts");
	wipe();
	expect(kset_mode("a", 1, v, max - 32 - 1 - 32, -1, NULL), -ENOSPC,
	       "key + value of max_bytes - 64: over, once its cost counts");
	expect(kget("a", 1, NULL, 0, NULL), -ENOENT, "nothing stored");
	free(v);
}

/* ---- netlink -------------------------------------------------------------- */

static int nl = -1;
static uint16_t fam;
static uint32_t nlseq = 1;
static char rbuf[256 * 1024];
static char rcopy[128 * 1024] __attribute__((aligned(8)));
static struct nlattr *ra[SMAP_A_MAX + 1];

struct abuf {
	char b[80 * 1024];
	size_t len;
};

static void aput(struct abuf *a, uint16_t type, const void *d, size_t len)
{
	struct nlattr *na = (void *)(a->b + a->len);

	na->nla_len = NLA_HDRLEN + len;
	na->nla_type = type;
	if (len)
		memcpy((char *)na + NLA_HDRLEN, d, len);
	a->len += NLA_ALIGN(na->nla_len);
}

static int nl_send(uint16_t type, uint8_t cmd, const void *attrs, size_t alen,
		   uint16_t flags)
{
	static char sb[96 * 1024];
	struct nlmsghdr *n = (void *)sb;
	struct genlmsghdr *g = NLMSG_DATA(n);
	struct sockaddr_nl sa = { .nl_family = AF_NETLINK };

	memset(n, 0, NLMSG_HDRLEN + GENL_HDRLEN);
	n->nlmsg_len = NLMSG_HDRLEN + GENL_HDRLEN + alen;
	n->nlmsg_type = type;
	n->nlmsg_flags = NLM_F_REQUEST | flags;
	n->nlmsg_seq = ++nlseq;
	g->cmd = cmd;
	g->version = 1;
	memcpy((char *)g + GENL_HDRLEN, attrs, alen);
	return sendto(nl, sb, n->nlmsg_len, 0, (void *)&sa, sizeof(sa)) < 0 ?
	       -errno : 0;
}

static void parse_attrs(struct nlmsghdr *n)
{
	struct nlattr *na = (void *)((char *)NLMSG_DATA(n) + GENL_HDRLEN);
	int rem = n->nlmsg_len - NLMSG_HDRLEN - GENL_HDRLEN;

	memset(ra, 0, sizeof(ra));
	while (rem >= NLA_HDRLEN && na->nla_len >= NLA_HDRLEN &&
	       na->nla_len <= rem) {
		if (na->nla_type <= SMAP_A_MAX)
			ra[na->nla_type] = na;
		rem -= NLA_ALIGN(na->nla_len);
		na = (void *)((char *)na + NLA_ALIGN(na->nla_len));
	}
}

/* Send and wait for the ack; the reply's attributes land in ra[].
 * Returns the ack's error (0 or -errno), or *count of dump messages. */
static int nl_req(uint16_t type, uint8_t cmd, struct abuf *a, int dump,
		  int *count)
{
	int r, got_reply = 0;

	r = nl_send(type, cmd, a ? a->b : NULL, a ? a->len : 0,
		    dump ? NLM_F_DUMP : NLM_F_ACK);
	if (r)
		return r;
	if (count)
		*count = 0;
	memset(ra, 0, sizeof(ra));
	for (;;) {
		ssize_t len = recv(nl, rbuf, sizeof(rbuf), 0);
		struct nlmsghdr *n = (void *)rbuf;

		if (len < 0)
			return -errno;
		for (; NLMSG_OK(n, len); n = NLMSG_NEXT(n, len)) {
			if (n->nlmsg_type == NLMSG_ERROR) {
				struct nlmsgerr *e = NLMSG_DATA(n);

				return e->error;
			}
			if (n->nlmsg_type == NLMSG_DONE)
				return 0;
			if (count)
				(*count)++;
			if (!got_reply) {
				/* keep it: the ack may overwrite rbuf */
				got_reply = 1;
				memcpy(rcopy, n, n->nlmsg_len);
				parse_attrs((struct nlmsghdr *)rcopy);
			}
		}
	}
}

static int nl_family(void)
{
	struct abuf a = { .len = 0 };
	struct sockaddr_nl sa = { .nl_family = AF_NETLINK };
	int one = 1;

	nl = socket(AF_NETLINK, SOCK_RAW | SOCK_CLOEXEC, NETLINK_GENERIC);
	if (nl < 0 || bind(nl, (void *)&sa, sizeof(sa)))
		return -errno;
	setsockopt(nl, SOL_NETLINK, NETLINK_EXT_ACK, &one, sizeof(one));
	aput(&a, CTRL_ATTR_FAMILY_NAME, SMAP_GENL_NAME,
	     strlen(SMAP_GENL_NAME) + 1);
	/* the controller reply carries CTRL_ATTR_FAMILY_ID (type 1) */
	{
		int r = nl_req(GENL_ID_CTRL, CTRL_CMD_GETFAMILY, &a, 0, NULL);
		struct nlattr *na;

		if (r)
			return r;
		na = ra[CTRL_ATTR_FAMILY_ID];
		if (!na)
			return -ENOENT;
		memcpy(&fam, (char *)na + NLA_HDRLEN, 2);
	}
	return 0;
}

static uint32_t ra_u32(int t)
{
	uint32_t v = 0;

	if (ra[t])
		memcpy(&v, (char *)ra[t] + NLA_HDRLEN, 4);
	return v;
}

static void t_nl(void)
{
	static struct abuf a;
	static char big[70000];
	uint32_t mode = 0600, badmode = 01000;
	int64_t delta = 5, res = 0;
	int count;

	expect(nl_family(), 0, "resolve generic netlink family shared_map");
	if (!fam)
		return;
#define A_RESET() (a.len = 0)
	A_RESET();
	aput(&a, SMAP_A_KEY, "nl", 2);
	aput(&a, SMAP_A_VALUE, "v1", 2);
	aput(&a, SMAP_A_MODE, &mode, 4);
	expect(nl_req(fam, SMAP_CMD_SET, &a, 0, NULL), 0, "nl set");
	TRUE(ra_u32(SMAP_A_STATUS) == SMAP_ST_CREATED, "nl set: status CREATED");
	A_RESET();
	aput(&a, SMAP_A_KEY, "nl", 2);
	expect(nl_req(fam, SMAP_CMD_GET, &a, 0, NULL), 0, "nl get");
	TRUE(ra[SMAP_A_VALUE] && ra[SMAP_A_VALUE]->nla_len == NLA_HDRLEN + 2 &&
	     !memcmp((char *)ra[SMAP_A_VALUE] + NLA_HDRLEN, "v1", 2) &&
	     ra_u32(SMAP_A_MODE) == 0600 && ra[SMAP_A_UID] &&
	     ra_u32(SMAP_A_UID) == 0, "nl get: value, mode, uid");
	TRUE(kis("nl", "v1"), "nl set visible through the ioctl");

	kdel("nlc", 3, NULL);
	A_RESET();
	aput(&a, SMAP_A_KEY, "nlc", 3);
	aput(&a, SMAP_A_DELTA, &delta, 8);
	expect(nl_req(fam, SMAP_CMD_INCR, &a, 0, NULL), 0, "nl incr");
	if (ra[SMAP_A_RESULT])
		memcpy(&res, (char *)ra[SMAP_A_RESULT] + NLA_HDRLEN, 8);
	TRUE(res == 5, "nl incr: result 5");

	A_RESET();
	aput(&a, SMAP_A_KEY, "nl", 2);
	aput(&a, SMAP_A_OLD_VALUE, "zz", 2);
	aput(&a, SMAP_A_VALUE, "v2", 2);
	expect(nl_req(fam, SMAP_CMD_CAS, &a, 0, NULL), -ECANCELED,
	       "nl cas mismatch");
	A_RESET();
	aput(&a, SMAP_A_KEY, "nl", 2);
	aput(&a, SMAP_A_OLD_VALUE, "v1", 2);
	aput(&a, SMAP_A_VALUE, "v2", 2);
	expect(nl_req(fam, SMAP_CMD_CAS, &a, 0, NULL), 0, "nl cas match");
	TRUE(kis("nl", "v2"), "nl cas applied");

	A_RESET();
	aput(&a, SMAP_A_VALUE, "v", 1);
	expect(nl_req(fam, SMAP_CMD_SET, &a, 0, NULL), -EINVAL,
	       "nl set without key");
	A_RESET();
	aput(&a, SMAP_A_KEY, "k", 1);
	expect(nl_req(fam, SMAP_CMD_SET, &a, 0, NULL), -EINVAL,
	       "nl set without value");
	A_RESET();
	aput(&a, SMAP_A_KEY, "nlt", 3);
	aput(&a, SMAP_A_VALUE, "v", 1);
	((struct nlattr *)(a.b + 8))->nla_len = 200;	/* runs past the end */
	expect(nl_req(fam, SMAP_CMD_SET, &a, 0, NULL) < 0, 1,
	       "nl truncated attribute refused");
	A_RESET();
	aput(&a, SMAP_A_KEY, "nlt", 3);
	aput(&a, SMAP_A_VALUE, "v", 1);
	a.len -= 4;	/* message ends inside the last attribute */
	expect(nl_req(fam, SMAP_CMD_SET, &a, 0, NULL) < 0, 1,
	       "nl message cut inside an attribute refused");
	expect(kget("nlt", 3, NULL, 0, NULL), -ENOENT,
	       "nothing stored from bad netlink messages");
	A_RESET();
	aput(&a, SMAP_A_KEY, "nlt", 3);
	aput(&a, SMAP_A_VALUE, big, SMAP_NL_VALUE_MAX + 1);
	expect(nl_req(fam, SMAP_CMD_SET, &a, 0, NULL) < 0, 1,
	       "nl value over SMAP_NL_VALUE_MAX refused");
	A_RESET();
	aput(&a, SMAP_A_KEY, "nlt", 3);
	aput(&a, SMAP_A_VALUE, big, SMAP_NL_VALUE_MAX);
	expect(nl_req(fam, SMAP_CMD_SET, &a, 0, NULL), 0,
	       "nl value of SMAP_NL_VALUE_MAX");
	A_RESET();
	aput(&a, SMAP_A_KEY, big, SMAP_KEY_MAX + 1);
	aput(&a, SMAP_A_VALUE, "v", 1);
	expect(nl_req(fam, SMAP_CMD_SET, &a, 0, NULL) < 0, 1,
	       "nl key of 1025 bytes refused");
	A_RESET();
	aput(&a, SMAP_A_KEY, "", 0);
	aput(&a, SMAP_A_VALUE, "v", 1);
	expect(nl_req(fam, SMAP_CMD_SET, &a, 0, NULL), -EINVAL,
	       "nl empty key refused");
	A_RESET();
	aput(&a, SMAP_A_KEY, "nlt", 3);
	aput(&a, SMAP_A_VALUE, "v", 1);
	aput(&a, 100, "x", 1);
	expect(nl_req(fam, SMAP_CMD_SET, &a, 0, NULL) < 0, 1,
	       "nl unknown attribute refused (strict)");
	A_RESET();
	aput(&a, SMAP_A_KEY, "nlm", 3);
	aput(&a, SMAP_A_VALUE, "v", 1);
	aput(&a, SMAP_A_MODE, &badmode, 4);
	expect(nl_req(fam, SMAP_CMD_SET, &a, 0, NULL) < 0, 1,
	       "nl mode outside 0777 refused");
	A_RESET();
	aput(&a, SMAP_A_KEY, "nl", 2);
	aput(&a, SMAP_A_MODE, &badmode, 2);	/* short u32 */
	expect(nl_req(fam, SMAP_CMD_INCR, &a, 0, NULL) < 0, 1,
	       "nl short u32 attribute refused");
	expect(nl_req(fam, 200, NULL, 0, NULL), -EOPNOTSUPP,
	       "nl unknown command");

	memset(big, 'b', sizeof(big));
	expect(kset_mode("nlbig", 5, big, sizeof(big), -1, NULL), 0,
	       "ioctl set of a 70000-byte value");
	A_RESET();
	aput(&a, SMAP_A_KEY, "nlbig", 5);
	expect(nl_req(fam, SMAP_CMD_GET, &a, 0, NULL), -EMSGSIZE,
	       "nl get of a value over SMAP_NL_VALUE_MAX: EMSGSIZE");
	/* values past one attribute: SMAP_A_VALUE_PART, concatenated */
	{
		static char got[sizeof(big)];
		struct smap_kv kv;
		struct nlattr *na;
		size_t off = 0;
		int rem;

		for (size_t i = 0; i < sizeof(big); i++)
			big[i] = (char)('a' + i % 23);
		A_RESET();
		aput(&a, SMAP_A_KEY, "nlp", 3);
		aput(&a, SMAP_A_VALUE_PART, big, 30000);
		aput(&a, SMAP_A_VALUE_PART, big + 30000, sizeof(big) - 30000);
		expect(nl_req(fam, SMAP_CMD_SET, &a, 0, NULL), 0,
		       "nl set of a 70000-byte value in two parts");
		TRUE(kget("nlp", 3, got, sizeof(got), &kv) == 0 &&
		     kv.value_len == sizeof(big) && !memcmp(got, big, sizeof(big)),
		     "the parts, concatenated in order, read back by ioctl");
		A_RESET();
		aput(&a, SMAP_A_KEY, "nlp", 3);
		aput(&a, SMAP_A_VALUE, "v", 1);
		aput(&a, SMAP_A_VALUE_PART, "w", 1);
		expect(nl_req(fam, SMAP_CMD_SET, &a, 0, NULL), -EINVAL,
		       "nl value both whole and in parts refused");
		A_RESET();
		aput(&a, SMAP_A_KEY, "nlp", 3);
		aput(&a, SMAP_A_OLD_VALUE_PART, big, 40000);
		aput(&a, SMAP_A_OLD_VALUE_PART, big + 40000, sizeof(big) - 40000);
		aput(&a, SMAP_A_VALUE_PART, "x", 1);
		expect(nl_req(fam, SMAP_CMD_CAS, &a, 0, NULL), 0,
		       "nl cas with old and new value in parts");
		TRUE(kis("nlp", "x"), "nl cas in parts applied");
		expect(kset_mode("nlq", 3, big, sizeof(big), -1, NULL), 0,
		       "ioctl set of a 70000-byte value");
		A_RESET();
		aput(&a, SMAP_A_KEY, "nlq", 3);
		aput(&a, SMAP_A_VALUE_PART, NULL, 0);
		expect(nl_req(fam, SMAP_CMD_GET, &a, 0, NULL), 0,
		       "nl get asking for parts");
		na = (void *)(rcopy + NLMSG_HDRLEN + GENL_HDRLEN);
		rem = ((struct nlmsghdr *)rcopy)->nlmsg_len - NLMSG_HDRLEN -
		      GENL_HDRLEN;
		for (; rem >= NLA_HDRLEN && na->nla_len >= NLA_HDRLEN &&
		       na->nla_len <= rem;
		     rem -= NLA_ALIGN(na->nla_len),
		     na = (void *)((char *)na + NLA_ALIGN(na->nla_len))) {
			size_t n = na->nla_len - NLA_HDRLEN;

			if (na->nla_type != SMAP_A_VALUE_PART ||
			    off + n > sizeof(got))
				continue;
			memcpy(got + off, (char *)na + NLA_HDRLEN, n);
			off += n;
		}
		TRUE(!ra[SMAP_A_VALUE] && off == sizeof(big) &&
		     !memcmp(got, big, sizeof(big)),
		     "nl get in parts: the value byte-exact");
	}
	A_RESET();
	aput(&a, SMAP_A_KEY, "missing", 7);
	expect(nl_req(fam, SMAP_CMD_GET, &a, 0, NULL), -ENOENT,
	       "nl get missing");

	for (int i = 0; i < 500; i++) {
		char k[32];

		snprintf(k, sizeof(k), "nlL/%d", i);
		kset(k, "v");
	}
	A_RESET();
	aput(&a, SMAP_A_PREFIX, "nlL/", 4);
	expect(nl_req(fam, SMAP_CMD_LIST, &a, 1, &count), 0, "nl list dump");
	TRUE(count == 500, "nl list: one message per key with the prefix");
	expect(nl_req(fam, SMAP_CMD_LIST, NULL, 1, &count), 0,
	       "nl list dump without prefix");
	TRUE(count >= 500, "nl list without prefix sees everything");

	expect(nl_req(fam, SMAP_CMD_STATS, NULL, 0, NULL), 0, "nl stats");
	{
		struct smap_stats st;

		memset(&st, 0, sizeof(st));
		if (ra[SMAP_A_STATS])
			memcpy(&st, (char *)ra[SMAP_A_STATS] + NLA_HDRLEN,
			       sizeof(st));
		TRUE(st.keys >= 500 && st.max_bytes == 64ull << 20,
		     "nl stats: struct smap_stats");
	}
	A_RESET();
	aput(&a, SMAP_A_KEY, "nl", 2);
	expect(nl_req(fam, SMAP_CMD_DEL, &a, 0, NULL), 0, "nl del");
	TRUE(ra_u32(SMAP_A_STATUS) == SMAP_ST_DELETED, "nl del: status DELETED");
	expect(nl_req(fam, SMAP_CMD_DEL, &a, 0, NULL), -ENOENT,
	       "nl del missing");
}

/* KEY holds VALUE, owned by UID with MODE (octal) */
/* ---- a descriptor opened by uid 1000, used by root ----------------------- */

static int send_fds(int sock, const int *fds, int n)
{
	char data = 'x', cbuf[CMSG_SPACE(2 * sizeof(int))] = { 0 };
	struct iovec iov = { .iov_base = &data, .iov_len = 1 };
	struct msghdr mh = { .msg_iov = &iov, .msg_iovlen = 1,
			     .msg_control = cbuf,
			     .msg_controllen = CMSG_SPACE(n * sizeof(int)) };
	struct cmsghdr *c = CMSG_FIRSTHDR(&mh);

	c->cmsg_level = SOL_SOCKET;
	c->cmsg_type = SCM_RIGHTS;
	c->cmsg_len = CMSG_LEN(n * sizeof(int));
	memcpy(CMSG_DATA(c), fds, n * sizeof(int));
	return sendmsg(sock, &mh, 0) == 1 ? 0 : -1;
}

static int recv_fds(int sock, int *fds, int n)
{
	char data, cbuf[CMSG_SPACE(2 * sizeof(int))];
	struct iovec iov = { .iov_base = &data, .iov_len = 1 };
	struct msghdr mh = { .msg_iov = &iov, .msg_iovlen = 1,
			     .msg_control = cbuf, .msg_controllen = sizeof(cbuf) };
	struct cmsghdr *c;

	if (recvmsg(sock, &mh, 0) != 1)
		return -1;
	c = CMSG_FIRSTHDR(&mh);
	if (!c || c->cmsg_type != SCM_RIGHTS ||
	    c->cmsg_len != CMSG_LEN(n * sizeof(int)))
		return -1;
	memcpy(fds, CMSG_DATA(c), n * sizeof(int));
	return 0;
}

/* Keys of a listing through the device (fd) that start with prefix. */
static int list_count(const char *prefix, const char *key)
{
	static char buf[65536];
	struct smap_list l = { .prefix = p2u(prefix), .prefix_len = strlen(prefix),
			       .buf = p2u(buf), .buf_len = sizeof(buf) };
	uint32_t off = 0;
	int seen = 0;

	if (xioctl(SMAP_IOC_LIST, &l))
		return -1;
	for (uint32_t i = 0; i < l.count; i++) {
		uint32_t len;

		memcpy(&len, buf + off, 4);
		seen += len == strlen(key) && !memcmp(buf + off + 4, key, len);
		off += 4 + ((len + 3) & ~3u);
	}
	return seen;
}

/* the dump's keys: is key among them? */
static int nl_list_has(const char *key)
{
	struct abuf a = { .len = 0 };
	int count = 0, seen = 0;

	if (nl_send(fam, SMAP_CMD_LIST, a.b, 0, NLM_F_DUMP))
		return -1;
	for (;;) {
		ssize_t len = recv(nl, rbuf, sizeof(rbuf), 0);
		struct nlmsghdr *n = (void *)rbuf;

		if (len < 0)
			return -1;
		for (; NLMSG_OK(n, len); n = NLMSG_NEXT(n, len)) {
			if (n->nlmsg_type == NLMSG_DONE)
				return seen;
			if (n->nlmsg_type == NLMSG_ERROR)
				return -1;
			parse_attrs(n);
			count++;
			seen += ra[SMAP_A_KEY] &&
				ra[SMAP_A_KEY]->nla_len == NLA_HDRLEN + strlen(key) &&
				!memcmp((char *)ra[SMAP_A_KEY] + NLA_HDRLEN, key,
					strlen(key));
		}
	}
}

static int nl_get(const char *k)
{
	struct abuf a = { .len = 0 };

	aput(&a, SMAP_A_KEY, k, strlen(k));
	return nl_req(fam, SMAP_CMD_GET, &a, 0, NULL);
}

static int nl_set(const char *k, const char *v)
{
	struct abuf a = { .len = 0 };

	aput(&a, SMAP_A_KEY, k, strlen(k));
	aput(&a, SMAP_A_VALUE, v, strlen(v));
	return nl_req(fam, SMAP_CMD_SET, &a, 0, NULL);
}

/*
 * The class of CVE-2014-0181: uid 1000 opens /dev/shared_map and a generic
 * netlink socket and hands them (SCM_RIGHTS) to a root process. Requests
 * through them are judged as uid 1000's: root's 0600 key stays unreadable
 * and unlisted, what they create is uid 1000's, recover is refused; root's
 * own descriptors still read it.
 */
static void t_fdpass(void)
{
	int sv[2], ufd[2] = { -1, -1 }, rootfd = fd, rootnl, r;
	struct smap_kv kv;
	char buf[64];
	pid_t p;

	expect(nl_family(), 0, "root: resolve the netlink family");
	rootnl = nl;
	kdel("fp-new", 6, NULL);
	kdel("fp-nlnew", 8, NULL);
	expect(kset_mode("fp-secret", 9, "s3cr3t", 6, 0600, NULL), 0,
	       "root: sets fp-secret 0600");
	if (socketpair(AF_UNIX, SOCK_STREAM, 0, sv)) {
		report(0, "socketpair: %s", strerror(errno));
		return;
	}
	fflush(stdout);
	p = fork();
	if (p == 0) {
		struct sockaddr_nl sa = { .nl_family = AF_NETLINK };
		int fds[2];

		if (setgroups(0, NULL) || setresgid(1000, 1000, 1000) ||
		    setresuid(1000, 1000, 1000)) {
			report(0, "drop privileges to 1000");
			exit(1);
		}
		fds[0] = open(SMAP_DEVICE_PATH, O_RDWR);
		fds[1] = socket(AF_NETLINK, SOCK_RAW, NETLINK_GENERIC);
		close(sv[0]);
		if (fds[0] < 0 || fds[1] < 0 ||
		    bind(fds[1], (void *)&sa, sizeof(sa)) ||
		    send_fds(sv[1], fds, 2)) {
			report(0, "uid 1000: open and send the fds: %s",
			       strerror(errno));
			exit(1);
		}
		exit(0);
	}
	close(sv[1]);	/* the child's end: recv sees EOF if it failed */
	r = recv_fds(sv[0], ufd, 2);	/* once: TRUE() evaluates twice */
	TRUE(r == 0, "root: got uid 1000's device fd and netlink socket");
	waitpid(p, NULL, 0);
	close(sv[0]);
	if (ufd[0] < 0 || ufd[1] < 0)
		return;

	/* the ioctl path */
	TRUE(geteuid() == 0, "running as root");
	fd = ufd[0];
	expect(kget("fp-secret", 9, buf, sizeof(buf), NULL), -EACCES,
	       "ioctl, uid 1000's fd used by root: 0600 root key unreadable");
	expect(kset("fp-secret", "forged"), -EACCES,
	       "ioctl, uid 1000's fd used by root: not writable");
	r = list_count("fp-", "fp-secret");
	TRUE(r == 0, "ioctl, uid 1000's fd used by root: list does not show it");
	expect(kset("fp-new", "x"), 0, "ioctl, uid 1000's fd: creates fp-new");
	expect(xioctl(SMAP_IOC_RECOVER, NULL), -EPERM,
	       "ioctl, uid 1000's fd used by root: recover refused");
	fd = rootfd;
	kget("fp-new", 6, NULL, 0, &kv);
	TRUE(kv.uid == 1000 && kv.gid == 1000,
	     "ioctl: the key it created is uid 1000's");
	expect(kget("fp-secret", 9, buf, sizeof(buf), NULL), 0,
	       "ioctl, root's own fd: reads it");
	r = list_count("fp-", "fp-secret");
	TRUE(r == 1, "ioctl, root's own fd: lists it");

	/* the netlink path */
	nl = ufd[1];
	expect(nl_get("fp-secret"), -EACCES,
	       "netlink, uid 1000's socket used by root: 0600 root key unreadable");
	expect(nl_set("fp-secret", "forged"), -EACCES,
	       "netlink, uid 1000's socket used by root: not writable");
	r = nl_list_has("fp-secret");
	TRUE(r == 0, "netlink, uid 1000's socket used by root: the dump does not show it");
	expect(nl_set("fp-nlnew", "x"), 0, "netlink, uid 1000's socket: creates fp-nlnew");
	kget("fp-nlnew", 8, NULL, 0, &kv);
	TRUE(kv.uid == 1000 && kv.gid == 1000,
	     "netlink: the key it created is uid 1000's");
	nl = rootnl;
	expect(nl_get("fp-secret"), 0, "netlink, root's own socket: reads it");
	r = nl_list_has("fp-secret");
	TRUE(r == 1, "netlink, root's own socket: the dump shows it");
	TRUE(kis("fp-secret", "s3cr3t"), "fp-secret unchanged");
	close(ufd[0]);
	close(ufd[1]);
}

/* ---- memory cgroups --------------------------------------------------- */

/* Move this process into cgroup directory cg (its pages so far stay out). */
static int join_cgroup(const char *cg)
{
	char path[256], pid[32];
	int f, n, r;

	snprintf(path, sizeof(path), "%s/cgroup.procs", cg);
	f = open(path, O_WRONLY);
	if (f < 0)
		return -errno;
	n = snprintf(pid, sizeof(pid), "%d\n", (int)getpid());
	r = write(f, pid, n) == n ? 0 : -errno;
	close(f);
	return r;
}

/*
 * In the memory cgroup cg (its memory.max small): set 64 KiB values until
 * the store refuses. Every entry is charged to the writer's cgroup, so
 * the writer gets ENOMEM, not the machine. Keys fill-N; deleted by the
 * caller.
 */
static void t_fill(const char *cg)
{
	static char v[65536];
	char key[32];
	int i, r = 0;

	memset(v, 'f', sizeof(v));
	expect(join_cgroup(cg), 0, "fill: join the memory cgroup");
	for (i = 0; i < 512 && !r; i++) {
		snprintf(key, sizeof(key), "fill-%d", i);
		r = kset_mode(key, strlen(key), v, sizeof(v), -1, NULL);
	}
	report(r == -ENOMEM && i > 4,
	       "fill: the writer in a small memory cgroup gets ENOMEM (%s) after %d sets of 64 KiB",
	       ename(r), i - 1);
}

/*
 * A 16 MiB batch of 16 deletes, each carrying 1 MiB of value bytes (which
 * a delete ignores), from a buffer never written but for the headers, so
 * the user's pages are the shared zero page: in a memory cgroup of a few
 * MiB it runs whole, since the module holds a window of it at a time.
 */
static void t_bigbatch(const char *cg)
{
	const size_t ent = 1 << 20, n = 16;
	char *buf = mmap(NULL, n * ent, PROT_READ | PROT_WRITE,
			 MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	struct smap_batch b = { .ops = p2u(buf), .len = n * ent, .count = n };
	int r, bad = 0;

	if (buf == MAP_FAILED) {
		report(0, "mmap 16 MiB");
		return;
	}
	for (size_t i = 0; i < n; i++) {
		struct smap_batch_op *op = (void *)(buf + i * ent);

		op->op = SMAP_OP_DEL;
		op->key_len = 2;
		op->value_len = ent - sizeof(*op) - 8;
		memcpy(op + 1, "zz", 2);
	}
	expect(join_cgroup(cg), 0, "bigbatch: join the memory cgroup");
	r = xioctl(SMAP_IOC_BATCH, &b);
	expect(r, 0, "bigbatch: a 16 MiB batch in a small memory cgroup");
	for (size_t i = 0; i < n; i++)
		bad |= ((struct smap_batch_op *)(void *)(buf + i * ent))->error != -ENOENT;
	TRUE(b.done == n && b.failed == n && !bad,
	     "bigbatch: every entry processed (ENOENT each)");
	munmap(buf, n * ent);
}

static void t_expect(const char *k, const char *v, unsigned long uid,
		     unsigned long mode)
{
	struct smap_kv kv;

	TRUE(kis(k, v), "value as expected");
	kget(k, strlen(k), NULL, 0, &kv);
	TRUE(kv.uid == uid && kv.mode == mode, "owner and mode as expected");
}

/* ---- watch ---------------------------------------------------------------- */

/* SMAP_IOC_WATCH with @req as @size bytes (a longer one's tail @tail) */
static int kwatch(const struct smap_watch_req *req, unsigned int size,
		  uint8_t tail)
{
	uint8_t b[sizeof(*req) + 8] __attribute__((aligned(8))) = { 0 };
	int r;

	memcpy(b, req, sizeof(*req));
	if (size > sizeof(*req))
		b[size - 1] = tail;
	r = ioctl(fd, _IOC(_IOC_WRITE, SMAP_IOC_MAGIC, 0x0B, size), b);
	return r < 0 ? -errno : r;
}

/* read(2) of a watch: bytes, or -errno */
static int wread(int w, void *buf, size_t len)
{
	ssize_t n = read(w, buf, len);

	return n < 0 ? -errno : (int)n;
}

/* Is the event at @buf + *@off @op on @key (NULL: none), seq > *@seq? */
static int wis(const uint8_t *buf, int len, int *off, int op, const char *key,
	       uint64_t *seq)
{
	struct smap_watch_event ev;
	size_t kl = key ? strlen(key) : 0;

	if (len - *off < (int)sizeof(ev))
		return 0;
	memcpy(&ev, buf + *off, sizeof(ev));
	if (ev.op != op || ev.key_len != kl || ev.seq <= *seq ||
	    ev.size != ((sizeof(ev) + kl + 7) & ~7UL) ||
	    memcmp(buf + *off + sizeof(ev), key ? key : "", kl))
		return 0;
	*seq = ev.seq;
	*off += ev.size;
	return 1;
}

/* TRUE() evaluates its condition twice: not for one with side effects */
#define ONCE(cond, desc) do {					\
	int once_ = !!(cond);					\
								\
	report(once_, "%s", desc);				\
} while (0)

static void on_alarm(int sig)
{
	(void)sig;
}

static void t_watch(void)
{
	struct smap_watch_req req = { .prefix = p2u("wa/"), .prefix_len = 3,
				      .flags = SMAP_WATCH_NONBLOCK,
				      .queue_len = 4 };
	struct smap_watch_req bad;
	struct epoll_event ee = { .events = EPOLLIN };
	struct sigaction sa = { .sa_handler = on_alarm };
	uint8_t buf[4096] __attribute__((aligned(8)));
	uint64_t seq = 0, last;
	int w, ep, n, off, i;
	pid_t pid;

	expect(kwatch(&req, sizeof(req) - 1, 0), -EINVAL, "watch: short struct");
	expect(kwatch(&req, sizeof(req) + 8, 1), -E2BIG,
	       "watch: longer struct, nonzero tail");
	expect(ioctl(fd, _IOWR(SMAP_IOC_MAGIC, 0x0B, struct smap_watch_req),
		     &req) < 0 ? -errno : 0, -ENOTTY, "watch: wrong direction");
	expect(ioctl(fd, SMAP_IOC_WATCH, NULL) < 0 ? -errno : 0, -EFAULT,
	       "watch: NULL struct");
	bad = req;
	bad.__reserved = 1;
	expect(kwatch(&bad, sizeof(bad), 0), -EINVAL, "watch: reserved set");
	bad = req;
	bad.flags |= 1U << 7;
	expect(kwatch(&bad, sizeof(bad), 0), -EINVAL, "watch: unknown flag");
	bad = req;
	bad.prefix_len = 0;
	bad.flags |= SMAP_WATCH_EXACT;
	expect(kwatch(&bad, sizeof(bad), 0), -EINVAL, "watch: exact, no key");
	bad = req;
	bad.prefix_len = SMAP_KEY_MAX + 1;
	expect(kwatch(&bad, sizeof(bad), 0), -ENAMETOOLONG,
	       "watch: prefix longer than key_max");
	bad = req;
	bad.prefix = 16;
	expect(kwatch(&bad, sizeof(bad), 0), -EFAULT, "watch: bad prefix pointer");

	w = kwatch(&req, sizeof(req) + 8, 0);
	ONCE(w >= 0, "watch: a longer struct with a zero tail opens");
	if (w < 0)
		return;
	ONCE(fcntl(w, F_GETFD) & FD_CLOEXEC, "watch: close-on-exec");
	ONCE(fcntl(w, F_GETFL) & O_NONBLOCK, "watch: SMAP_WATCH_NONBLOCK");
	expect(wread(w, buf, sizeof(buf)), -EAGAIN, "watch: empty: EAGAIN");
	ep = epoll_create1(EPOLL_CLOEXEC);
	expect(epoll_ctl(ep, EPOLL_CTL_ADD, w, &ee) < 0 ? -errno : 0, 0,
	       "watch: epoll_ctl ADD");
	expect(epoll_wait(ep, &ee, 1, 0), 0, "watch: epoll: not readable");
	expect(kset("wb/x", "1"), 0, "set a key outside the prefix");
	expect(epoll_wait(ep, &ee, 1, 0), 0, "watch: not readable after it");
	expect(kset("wa/1", "1"), 0, "set a key under the prefix");
	n = epoll_wait(ep, &ee, 1, 1000);
	ONCE(n == 1 && (ee.events & EPOLLIN), "watch: epoll: readable");
	expect(wread(w, buf, 8), -EINVAL, "watch: buffer below one event: EINVAL");
	n = wread(w, buf, sizeof(buf));
	off = 0;
	ONCE(n == 24 && wis(buf, n, &off, SMAP_OP_SET, "wa/1", &seq),
	     "watch: one event: set wa/1, 24 bytes");
	expect(epoll_wait(ep, &ee, 1, 0), 0, "watch: read: not readable");
	expect(kset_mode("wa/1", 4, "2", 1, 0600, NULL), -EEXIST,
	       "a set that fails (another mode)");
	expect(kdel("wa/none", 7, NULL), -ENOENT, "a del that fails");
	expect(wread(w, buf, sizeof(buf)), -EAGAIN,
	       "watch: no event for failed mutations");
	for (i = 0; i < 6; i++)
		kset("wa/1", "3");
	kdel("wa/1", 4, NULL);
	n = wread(w, buf, sizeof(buf));
	off = 0;
	for (i = 0; i < 3; i++)
		ONCE(wis(buf, n, &off, SMAP_OP_SET, "wa/1", &seq),
		     "watch: queue of 4: an event");
	last = seq;
	ONCE(wis(buf, n, &off, SMAP_WATCH_OVERFLOW, NULL, &seq) &&
	     seq == last + 1 && off == n,
	     "watch: then one overflow event, seq the first lost");
	expect(kdel("wa/2", 4, NULL), -ENOENT, "del of a missing key");
	expect(kset("wa/2", "x"), 0, "set wa/2");
	expect(kdel("wa/2", 4, NULL), 0, "del wa/2");
	n = wread(w, buf, sizeof(buf));
	off = 0;
	ONCE(wis(buf, n, &off, SMAP_OP_SET, "wa/2", &seq) &&
	     wis(buf, n, &off, SMAP_OP_DEL, "wa/2", &seq) && off == n,
	     "watch: events resume: set, del");
	close(ep);
	close(w);

	/* blocking: a read waits for the event, and a signal ends the wait */
	req.flags = SMAP_WATCH_EXACT;
	req.prefix = p2u("wc");
	req.prefix_len = 2;
	req.queue_len = 0;
	w = kwatch(&req, sizeof(req), 0);
	ONCE(w >= 0 && !(fcntl(w, F_GETFL) & O_NONBLOCK), "watch: blocking");
	if (w < 0)
		return;
	pid = fork();
	if (pid == 0) {
		usleep(300000);
		kset("wcx", "1");	/* not exactly wc */
		kset("wc", "1");
		_exit(0);
	}
	n = wread(w, buf, sizeof(buf));
	off = 0;
	seq = 0;
	ONCE(wis(buf, n, &off, SMAP_OP_SET, "wc", &seq) && off == n,
	     "watch: a blocking read returns the exact key's event");
	waitpid(pid, NULL, 0);
	sigaction(SIGALRM, &sa, NULL);	/* no SA_RESTART */
	alarm(1);
	expect(wread(w, buf, sizeof(buf)), -EINTR,
	       "watch: a signal interrupts a blocking read");
	close(w);
}

/* ---- netlink: staged values ---------------------------------------------- */

/* Another socket of the shared_map family (fam resolved by nl_family()). */
static int nl_sock(void)
{
	struct sockaddr_nl sa = { .nl_family = AF_NETLINK };
	int one = 1, s;

	s = socket(AF_NETLINK, SOCK_RAW | SOCK_CLOEXEC, NETLINK_GENERIC);
	if (s < 0 || bind(s, (void *)&sa, sizeof(sa)))
		return -1;
	setsockopt(s, SOL_NETLINK, NETLINK_EXT_ACK, &one, sizeof(one));
	return s;
}

/* SMAP_CMD_STAGE on nl: a piece of @n <= 72000 bytes at @off of @total. */
static int stage(uint16_t part, uint32_t off, uint32_t total, const char *p,
		 size_t n)
{
	static struct abuf a;

	a.len = 0;
	aput(&a, SMAP_A_STAGE_OFFSET, &off, 4);
	aput(&a, SMAP_A_STAGE_TOTAL, &total, 4);
	do {
		size_t k = n < 60000 ? n : 60000;

		aput(&a, part, p, k);
		p += k;
		n -= k;
	} while (n);
	return nl_req(fam, SMAP_CMD_STAGE, &a, 0, NULL);
}

/* A whole value staged in pieces of 65536 bytes; 0 or the first error. */
static int stage_all(uint16_t part, const char *p, uint32_t n)
{
	uint32_t off = 0;
	int r;

	do {
		uint32_t k = n - off < 65536 ? n - off : 65536;

		r = stage(part, off, n, p + off, k);
		if (r)
			return r;
		off += k;
	} while (off < n);
	return 0;
}

/* SMAP_CMD_SET (or CAS) of @key naming @mask staged, with @extra attrs. */
static int staged_req(uint8_t cmd, const char *key, uint32_t mask,
		      const char *old)
{
	static struct abuf a;

	a.len = 0;
	aput(&a, SMAP_A_KEY, key, strlen(key));
	aput(&a, SMAP_A_STAGED, &mask, 4);
	if (old)
		aput(&a, SMAP_A_OLD_VALUE, old, strlen(old));
	return nl_req(fam, cmd, &a, 0, NULL);
}

#define STG_LEN 200000
static char stg_val[STG_LEN], stg_old[STG_LEN], stg_got[SMAP_VALUE_MAX];

static void nlstage_other_user(void)
{
	expect(stage(SMAP_A_VALUE_PART, 65536, STG_LEN, stg_val + 65536, 65536),
	       -EPERM, "nlstage: another uid cannot append to the staging on a socket it was passed");
	expect(staged_req(SMAP_CMD_SET, "stg-x", SMAP_STAGED_VALUE, NULL),
	       -EPERM, "nlstage: ... nor finish it");
	expect(nl_req(fam, SMAP_CMD_STAGE_ABORT, NULL, 0, NULL), -EPERM,
	       "nlstage: ... nor abort it");
}

static int stg_is(const char *key, const char *v, uint32_t n)
{
	struct smap_kv kv;

	return kget(key, strlen(key), stg_got, sizeof(stg_got), &kv) == 0 &&
	       kv.value_len == n && !memcmp(stg_got, v, n);
}

static void t_nlstage(void)
{
	static struct abuf a;
	uint32_t mask, off, total;
	int root_nl, other, n;

	expect(nl_family(), 0, "resolve generic netlink family shared_map");
	if (!fam)
		return;
	for (size_t i = 0; i < STG_LEN; i++) {
		stg_val[i] = (char)(i * 7 + i / 251);
		stg_old[i] = (char)(i * 13 + 1);
	}
	/* a set in four pieces, read back by ioctl */
	expect(stage_all(SMAP_A_VALUE_PART, stg_val, STG_LEN), 0,
	       "nlstage: 200000 bytes staged in pieces of 64 KiB");
	expect(kget("stg-a", 5, stg_got, 16, NULL), -ENOENT,
	       "nlstage: nothing visible while staged");
	expect(staged_req(SMAP_CMD_SET, "stg-a", SMAP_STAGED_VALUE, NULL), 0,
	       "nlstage: set with SMAP_A_STAGED");
	TRUE(stg_is("stg-a", stg_val, STG_LEN),
	     "nlstage: the staged value read back byte-exact by ioctl");
	expect(staged_req(SMAP_CMD_SET, "stg-a", SMAP_STAGED_VALUE, NULL),
	       -ENODATA, "nlstage: the set consumed the staging (again: ENODATA)");

	/* cas with both values staged: a mismatch, then a match */
	expect(kset_mode("stg-c", 5, stg_old, STG_LEN, -1, NULL), 0,
	       "nlstage: ioctl set of stg-c");
	expect(stage_all(SMAP_A_OLD_VALUE_PART, stg_val, STG_LEN), 0,
	       "nlstage: a wrong old value staged");
	expect(stage_all(SMAP_A_VALUE_PART, stg_val, STG_LEN), 0,
	       "nlstage: a new value staged beside it");
	expect(staged_req(SMAP_CMD_CAS, "stg-c", SMAP_STAGED_VALUE |
			  SMAP_STAGED_OLD, NULL), -ECANCELED,
	       "nlstage: staged cas with a wrong old value: ECANCELED");
	TRUE(stg_is("stg-c", stg_old, STG_LEN),
	     "nlstage: ... the value unchanged");
	expect(staged_req(SMAP_CMD_CAS, "stg-c", SMAP_STAGED_VALUE |
			  SMAP_STAGED_OLD, NULL), -ENODATA,
	       "nlstage: ... and the staging consumed");
	expect(stage_all(SMAP_A_OLD_VALUE_PART, stg_old, STG_LEN), 0,
	       "nlstage: the right old value staged");
	expect(stage_all(SMAP_A_VALUE_PART, stg_val, STG_LEN), 0,
	       "nlstage: the new value staged");
	expect(staged_req(SMAP_CMD_CAS, "stg-c", SMAP_STAGED_VALUE |
			  SMAP_STAGED_OLD, NULL), 0,
	       "nlstage: staged cas with a large old and new value");
	TRUE(stg_is("stg-c", stg_val, STG_LEN), "nlstage: the cas applied");
	/* one value staged, the other inline */
	expect(stage_all(SMAP_A_VALUE_PART, stg_old, STG_LEN), 0,
	       "nlstage: a new value staged alone");
	expect(staged_req(SMAP_CMD_CAS, "stg-c", SMAP_STAGED_VALUE, "nope"),
	       -ECANCELED, "nlstage: cas with staged new, inline old: compared");

	/* pieces refused, changing nothing */
	expect(stage(SMAP_A_VALUE_PART, 0, 100000, stg_val, 50000), 0,
	       "nlstage: first piece of 100000");
	expect(stage(SMAP_A_VALUE_PART, 60000, 100000, stg_val + 60000, 100),
	       -EINVAL, "nlstage: a piece past a lost one (offset ahead): EINVAL");
	expect(stage(SMAP_A_VALUE_PART, 0, 100000, stg_val, 50000), -EINVAL,
	       "nlstage: a repeated piece (offset behind): EINVAL");
	expect(stage(SMAP_A_VALUE_PART, 50000, 100001, stg_val + 50000, 100),
	       -EINVAL, "nlstage: a piece with another total: EINVAL");
	expect(stage(SMAP_A_VALUE_PART, 50000, 100000, stg_val + 50000, 50001),
	       -EINVAL, "nlstage: a piece past the total: EINVAL");
	expect(staged_req(SMAP_CMD_SET, "stg-i", SMAP_STAGED_VALUE, NULL),
	       -EINVAL, "nlstage: a set of an incomplete staging: EINVAL");
	expect(kget("stg-i", 5, stg_got, 16, NULL), -ENOENT,
	       "nlstage: ... nothing stored");
	expect(staged_req(SMAP_CMD_SET, "stg-i", SMAP_STAGED_VALUE, NULL),
	       -ENODATA, "nlstage: ... the staging consumed");
	expect(stage(SMAP_A_VALUE_PART, 0, 100000, stg_val, 50000), 0,
	       "nlstage: staged again from offset 0");
	expect(stage(SMAP_A_VALUE_PART, 50000, 100000, stg_val + 50000, 50000),
	       0, "nlstage: the next piece in order");
	expect(staged_req(SMAP_CMD_SET, "stg-i", SMAP_STAGED_VALUE, NULL), 0,
	       "nlstage: after refused pieces the staging completes");
	TRUE(stg_is("stg-i", stg_val, 100000),
	     "nlstage: ... byte-exact: the refused pieces changed nothing");

	/* malformed */
	expect(stage(SMAP_A_VALUE_PART, 0, SMAP_VALUE_MAX + 1, stg_val, 10),
	       -EMSGSIZE, "nlstage: a total past value_max: EMSGSIZE");
	expect(stage(SMAP_A_VALUE_PART, 10, 100, stg_val, 10), -EINVAL,
	       "nlstage: a piece at offset 10 with nothing staged: EINVAL");
	off = 0;
	total = 10;
	a.len = 0;
	aput(&a, SMAP_A_STAGE_OFFSET, &off, 4);
	aput(&a, SMAP_A_STAGE_TOTAL, &total, 4);
	expect(nl_req(fam, SMAP_CMD_STAGE, &a, 0, NULL), -EINVAL,
	       "nlstage: a piece without bytes: EINVAL");
	aput(&a, SMAP_A_VALUE_PART, "x", 1);
	aput(&a, SMAP_A_OLD_VALUE_PART, "y", 1);
	expect(nl_req(fam, SMAP_CMD_STAGE, &a, 0, NULL), -EINVAL,
	       "nlstage: a piece of both values: EINVAL");
	a.len = 0;
	aput(&a, SMAP_A_STAGE_TOTAL, &total, 4);
	aput(&a, SMAP_A_VALUE_PART, "x", 1);
	expect(nl_req(fam, SMAP_CMD_STAGE, &a, 0, NULL), -EINVAL,
	       "nlstage: a piece without an offset: EINVAL");
	a.len = 0;
	aput(&a, SMAP_A_STAGE_OFFSET, &off, 2);	/* short u32 */
	aput(&a, SMAP_A_STAGE_TOTAL, &total, 4);
	aput(&a, SMAP_A_VALUE_PART, "x", 1);
	expect(nl_req(fam, SMAP_CMD_STAGE, &a, 0, NULL) < 0, 1,
	       "nlstage: a short offset attribute refused");
	expect(staged_req(SMAP_CMD_SET, "stg-n", SMAP_STAGED_VALUE, NULL),
	       -ENODATA, "nlstage: a staged set with nothing staged: ENODATA");
	expect(staged_req(SMAP_CMD_SET, "stg-n", 4, NULL), -EINVAL,
	       "nlstage: an unknown SMAP_A_STAGED bit: EINVAL");
	expect(staged_req(SMAP_CMD_SET, "stg-n", SMAP_STAGED_OLD, NULL),
	       -EINVAL, "nlstage: a set naming a staged old value: EINVAL");
	expect(stage_all(SMAP_A_VALUE_PART, stg_val, 1000), 0,
	       "nlstage: 1000 bytes staged");
	a.len = 0;
	aput(&a, SMAP_A_KEY, "stg-n", 5);
	mask = SMAP_STAGED_VALUE;
	aput(&a, SMAP_A_STAGED, &mask, 4);
	aput(&a, SMAP_A_VALUE, "v", 1);
	expect(nl_req(fam, SMAP_CMD_SET, &a, 0, NULL), -EINVAL,
	       "nlstage: a value both staged and inline: EINVAL");
	expect(kget("stg-n", 5, stg_got, 16, NULL), -ENOENT,
	       "nlstage: ... nothing stored");
	expect(stage_all(SMAP_A_VALUE_PART, stg_val, 1000), 0,
	       "nlstage: 1000 bytes staged");
	expect(staged_req(SMAP_CMD_CAS, "stg-c", SMAP_STAGED_VALUE |
			  SMAP_STAGED_OLD, NULL), -EINVAL,
	       "nlstage: a cas naming a value not staged: EINVAL");
	expect(stage_all(SMAP_A_VALUE_PART, stg_val, 1000), 0,
	       "nlstage: 1000 bytes staged");
	expect(nl_req(fam, SMAP_CMD_STAGE_ABORT, NULL, 0, NULL), 0,
	       "nlstage: abort");
	expect(staged_req(SMAP_CMD_SET, "stg-n", SMAP_STAGED_VALUE, NULL),
	       -ENODATA, "nlstage: ... nothing left to set");
	expect(kget("stg-n", 5, stg_got, 16, NULL), -ENOENT,
	       "nlstage: ... nothing stored by any of these");

	/* a staging belongs to its socket, and to the uid that started it */
	root_nl = nl;
	expect(stage(SMAP_A_VALUE_PART, 0, STG_LEN, stg_val, 65536), 0,
	       "nlstage: a first piece on socket A");
	other = nl_sock();
	TRUE(other >= 0, "nlstage: socket B");
	nl = other;
	expect(stage(SMAP_A_VALUE_PART, 65536, STG_LEN, stg_val + 65536, 65536),
	       -EINVAL, "nlstage: socket B cannot append to A's staging");
	expect(staged_req(SMAP_CMD_SET, "stg-b", SMAP_STAGED_VALUE, NULL),
	       -ENODATA, "nlstage: socket B cannot finish A's staging");
	nl = root_nl;
	n = as_user(1001, 1001, nlstage_other_user);	/* TRUE() evaluates twice */
	TRUE(n == 0,
	     "nlstage: uid 1001 refused on the socket root opened and staged on");
	expect(stage_all(SMAP_A_VALUE_PART, stg_val, STG_LEN) == -EINVAL &&
	       stage(SMAP_A_VALUE_PART, 65536, STG_LEN, stg_val + 65536,
		     65536) == 0 &&
	       stage(SMAP_A_VALUE_PART, 131072, STG_LEN, stg_val + 131072,
		     STG_LEN - 131072) == 0, 1,
	       "nlstage: A's staging untouched by B and by uid 1001");
	expect(staged_req(SMAP_CMD_SET, "stg-b", SMAP_STAGED_VALUE, NULL), 0,
	       "nlstage: socket A finishes its staging");
	TRUE(stg_is("stg-b", stg_val, STG_LEN), "nlstage: ... byte-exact");

	/* a staging abandoned by closing the socket */
	nl = other;
	expect(stage(SMAP_A_VALUE_PART, 0, STG_LEN, stg_val, 65536), 0,
	       "nlstage: a piece on socket B, never finished");
	close(other);
	nl = root_nl;
	expect(kget("stg-gone", 8, stg_got, 16, NULL), -ENOENT,
	       "nlstage: closing B left nothing visible");
}

/*
 * A staging left for rmmod (10-abi): the device closed (rmmod would be
 * refused), one piece staged, then wait for stdin to end while rmmod runs;
 * then the set fails (the family, and the staging, are gone).
 */
static void t_nlstage_hold(void)
{
	close(fd);
	fd = -1;
	expect(nl_family(), 0, "resolve generic netlink family shared_map");
	expect(stage(SMAP_A_VALUE_PART, 0, STG_LEN, stg_val, 65536), 0,
	       "nlstage-hold: a piece staged, the rest never sent");
	while (getchar() != EOF)
		;
	TRUE(staged_req(SMAP_CMD_SET, "stg-h", SMAP_STAGED_VALUE, NULL) < 0,
	     "nlstage-hold: after rmmod nothing is left to set");
}

/*
 * Up to FLOOD_N sockets, each starting a staging of 256 KiB, all closed at
 * the end: how many started (*err: the first refusal). As uid 1000, with
 * nl_stage_user_max at its default of 4 MiB, 15 fit; closing them gives
 * the bytes back.
 */
#define FLOOD_N 24
static int flood(int *err)
{
	int socks[FLOOD_N], saved = nl, i, n = 0;

	*err = 0;
	for (i = 0; i < FLOOD_N && !*err; i++) {
		socks[i] = nl_sock();
		nl = socks[i];
		*err = stage(SMAP_A_VALUE_PART, 0, 262144, stg_val, 1000);
		if (!*err)
			n++;
	}
	nl = saved;
	while (i--)
		close(socks[i]);
	return n;
}

static void nlstage_flood_user(void)
{
	int n, err;

	expect(nl_family(), 0, "resolve the family as uid 1000");
	n = flood(&err);
	TRUE(n == 4194304 / (262144 + 256) && err == -ENOBUFS,
	     "nlstage: uid 1000 holds 15 stagings of 256 KiB (+256) within 4 MiB, the 16th gets ENOBUFS");
	n = flood(&err);
	TRUE(n == 4194304 / (262144 + 256) && err == -ENOBUFS,
	     "nlstage: closing the sockets gave the 4 MiB back (15 again)");
}

static void t_nlstage_flood(void)
{
	int n, err;

	memset(stg_val, 'f', sizeof(stg_val));
	n = as_user(1000, 1000, nlstage_flood_user);
	TRUE(n == 0,
	     "nlstage: one user's sockets cannot pin more than nl_stage_user_max");
	expect(nl_family(), 0, "resolve the family as root");
	n = flood(&err);
	TRUE(n == FLOOD_N && !err,
	     "nlstage: root's stagings are not limited (24 of 256 KiB)");
}

int main(int argc, char **argv)
{
	const char *s = argc > 1 ? argv[1] : "";

	fd = open(SMAP_DEVICE_PATH, O_RDWR | O_CLOEXEC);
	if (fd < 0) {
		fprintf(stderr, "smap-abi: open %s: %s\n", SMAP_DEVICE_PATH,
			strerror(errno));
		return 2;
	}
	if (!strcmp(s, "basic"))
		t_basic();
	else if (!strcmp(s, "limits"))
		t_limits();
	else if (!strcmp(s, "errors"))
		t_errors();
	else if (!strcmp(s, "incr"))
		t_incr();
	else if (!strcmp(s, "cas"))
		t_cas();
	else if (!strcmp(s, "list"))
		t_list();
	else if (!strcmp(s, "batch"))
		t_batch();
	else if (!strcmp(s, "stats"))
		t_stats();
	else if (!strcmp(s, "perm"))
		t_perm();
	else if (!strcmp(s, "nl"))
		t_nl();
	else if (!strcmp(s, "watch"))
		t_watch();
	else if (!strcmp(s, "nlstage"))
		t_nlstage();
	else if (!strcmp(s, "nlstage-flood"))
		t_nlstage_flood();
	else if (!strcmp(s, "nlstage-hold"))
		t_nlstage_hold();
	else if (!strcmp(s, "fdpass"))
		t_fdpass();
	else if (!strcmp(s, "fill") && argc > 2)
		t_fill(argv[2]);
	else if (!strcmp(s, "bigbatch") && argc > 2)
		t_bigbatch(argv[2]);
	else if (!strcmp(s, "expect") && argc > 5)
		t_expect(argv[2], argv[3], strtoul(argv[4], NULL, 10),
			 strtoul(argv[5], NULL, 8));
	else if (!strcmp(s, "enospc") && argc > 2)
		t_enospc(atol(argv[2]));
	else {
		fprintf(stderr, "usage: smap-abi basic|limits|errors|incr|cas|"
			"list|batch|stats|perm|nl|nlstage|nlstage-flood|nlstage-hold|watch|fdpass|enospc MAXBYTES|fill CGROUP|bigbatch CGROUP|"
			"expect KEY VALUE UID MODE\n");
		return 2;
	}
	printf("smap-abi %s: %d checks, %d failed\n", s, checks, fails);
	return fails ? 1 : 0;
}
