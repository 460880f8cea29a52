// SPDX-License-Identifier: GPL-2.0
/*
 * smap-fuzz: a model-checking fuzzer for shared_map, run inside a guest as
 * root (tests/fuzz/run, tests/guest/50-fuzz.sh).
 *
 *   smap-fuzz [--seconds N] [--seed S] [--workers W] [--rounds R]
 *
 * Each round loads the module (and the test module smap_fuzz_kapi), checks
 * that every key the model holds came back with its value, owner and mode,
 * then forks W worker processes (even ones stay root, odd ones setuid to
 * uid 1000, 1001, ...) that run random operations from a seeded PRNG
 * through the ioctls (wrong struct sizes, bad and unmapped pointers, huge
 * lengths, unknown flags, commands and directions), generic netlink
 * (missing, duplicated, oversized, mistyped attributes, garbage and
 * truncated messages), the sysfs parameters and the in-kernel API, and
 * compare every answer (errno, status, value, owner, mode, list, quota)
 * with a reference model. Worker w owns the keys "f<w>/..." and "p<w>/..."
 * (the latter created by root with chosen modes at each round's start), so
 * its model is exact; root workers also run a thread hammering shared keys
 * "s/..." (crash and consistency only). Between rounds: rmmod, modprobe.
 *
 * A wrong answer stops the run: the failing worker's operations are
 * replayed alone on a fresh store and reduced ("drop a chunk while it
 * still fails"), and the shortest sequence that fails is printed with the
 * seed. A worker killed by a signal (an oops in the kernel) is reported
 * with the seed and its last operations.
 */
#include <errno.h>
#include <fcntl.h>
#include <grp.h>
#include <inttypes.h>
#include <limits.h>
#include <pthread.h>
#include <signal.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/statvfs.h>
#include <sys/time.h>
#include <sys/types.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>
#include <linux/genetlink.h>
#include <linux/netlink.h>
#include <linux/shared_map.h>

#include "smap_fuzz_kapi.h"

#define MAXW		8
#define NOWN		12		/* f<w>/... */
#define NPROBE		6		/* p<w>/..., root's, modes below */
#define NK		(NOWN + NPROBE)
#define MAXOPS		65536		/* logged per worker per round */
#define VMAX		4096		/* largest value the fuzzer stores */
#define QUOTA		32768		/* user_max_bytes during the run */
#define UID0		1000
#define PARAM_DIR	"/sys/module/shared_map/parameters/"

static const unsigned int probe_mode[NPROBE] = {
	0600, 0640, 0644, 0666, 0604, 0622
};

/* ---- PRNG --------------------------------------------------------------- */

static uint64_t rnd_next(uint64_t *s)
{
	uint64_t z = (*s += 0x9e3779b97f4a7c15ULL);

	z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
	z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
	return z ^ (z >> 31);
}

static uint32_t rnd(uint64_t *s, uint32_t n)	/* 0..n-1 */
{
	return n ? (uint32_t)(rnd_next(s) % n) : 0;
}

/* ---- values ------------------------------------------------------------- */

enum { VK_BYTES, VK_NUM, VK_STR };

struct vdesc {
	uint8_t kind;
	uint16_t len;		/* VK_BYTES */
	int64_t s;		/* seed, number, or string index */
};

static const char *const vstr[] = {
	"", "-", "abc", "99999999999999999999", "-9223372036854775808",
	"9223372036854775807", "007", "-0", "+1", " 1", "1 ", "-9223372036854775809",
	"9223372036854775808",
};
#define NVSTR (sizeof(vstr) / sizeof(vstr[0]))

static uint32_t vmat(const struct vdesc *v, uint8_t *buf)
{
	uint64_t s;
	uint32_t i;

	switch (v->kind) {
	case VK_NUM:
		return (uint32_t)sprintf((char *)buf, "%" PRId64, v->s);
	case VK_STR:
		memcpy(buf, vstr[v->s], strlen(vstr[v->s]));
		return strlen(vstr[v->s]);
	default:
		s = (uint64_t)v->s;
		for (i = 0; i < v->len; i++)
			buf[i] = (uint8_t)rnd_next(&s);
		return v->len;
	}
}

static bool veq(const struct vdesc *a, const struct vdesc *b)
{
	static __thread uint8_t x[VMAX + 32], y[VMAX + 32];
	uint32_t n = vmat(a, x);

	return n == vmat(b, y) && !memcmp(x, y, n);
}

static void vgen(uint64_t *r, struct vdesc *v)
{
	static const uint16_t lens[] = { 0, 1, 7, 16, 100, 200, 208, 209, 255,
					 256, 1000, 2048, 4000, VMAX };

	memset(v, 0, sizeof(*v));
	switch (rnd(r, 10)) {
	case 0: case 1: case 2:
		v->kind = VK_BYTES;
		v->len = rnd(r, 3) ? rnd(r, 40) : lens[rnd(r, sizeof(lens) / 2)];
		v->s = (int64_t)rnd_next(r);
		break;
	case 3:
		v->kind = VK_STR;
		v->s = rnd(r, NVSTR);
		break;
	case 4:
		v->kind = VK_NUM;
		v->s = rnd(r, 2) ? INT64_MAX - rnd(r, 4) : INT64_MIN + rnd(r, 4);
		break;
	default:
		v->kind = VK_NUM;
		v->s = (int64_t)rnd(r, 201) - 100;
		break;
	}
}

/* ---- the model ---------------------------------------------------------- */

struct mkey {
	bool exists;
	struct vdesc v;
	uint32_t uid, gid, mode;
};

struct model {
	struct mkey k[NK];
};

/* ---- operations --------------------------------------------------------- */

enum kind {
	K_IOC_SET, K_IOC_GET, K_IOC_DEL, K_IOC_INCR, K_IOC_CAS, K_IOC_LIST,
	K_IOC_BATCH, K_IOC_VERSION, K_IOC_STATS, K_IOC_BADCMD, K_IOC_RECOVER,
	K_NL_SET, K_NL_GET, K_NL_DEL, K_NL_INCR, K_NL_CAS, K_NL_GARBAGE,
	K_KAPI, K_SYSFS, K_NL_LIST, K_PASSED, K_IOC_WATCH, K__N
};

static const char *const kname[K__N] = {
	"ioc-set", "ioc-get", "ioc-del", "ioc-incr", "ioc-cas", "ioc-list",
	"ioc-batch", "ioc-version", "ioc-stats", "ioc-badcmd", "ioc-recover",
	"nl-set", "nl-get", "nl-del", "nl-incr", "nl-cas", "nl-garbage",
	"kapi", "sysfs", "nl-list", "passed-fd", "ioc-watch",
};

/* Malformations of an ioctl request (one per op at most). */
enum { V_OK, V_SHORT, V_LONGZ, V_LONGNZ, V_BADSTRUCT, V_RESERVED,
       V_BADKEY, V_BADVAL, V_KLEN0, V_KLENHUGE, V_VLENHUGE, V_BADFLAGS,
       V_BADMODE, V_WRONGDIR, V__N };
static const char *const vname[V__N] = {
	"", "short-struct", "long-struct", "long-struct-nonzero-tail",
	"bad-struct-ptr", "reserved-set", "bad-key-ptr", "bad-value-ptr",
	"key-len-0", "key-len-huge", "value-len-huge", "unknown-flags",
	"mode-over-0777", "wrong-direction",
};

struct op {
	uint8_t kind, var, ki, sub;	/* sub: kapi op, sysfs param, ... */
	uint32_t flags, mode, cap, seed;
	int64_t delta;
	struct vdesc v, o;
};

/* ---- shared state -------------------------------------------------------- */

struct wstate {
	struct model m;		/* exact; the parent checks it after reload */
	uint32_t nops;
	uint64_t done;
	struct op ops[MAXOPS];
};

/* What a round's store is (rounds 1, 5, ...: full; 3, 7, ...: read-only). */
enum { R_NORMAL, R_FULL, R_RO };

struct shared {
	struct wstate w[MAXW];
	int mode;			/* R_*: the model knows it */
	volatile int failed;		/* a worker saw a mismatch */
	int fail_w;
	uint32_t fail_i;
	char fail_msg[1024];
	uint64_t chaos_ops;
};

static struct shared *sh;
static uint64_t g_seed;
static unsigned int g_workers = 4;

/* ---- a worker's context --------------------------------------------------- */

struct wctx {
	unsigned int w;
	uint32_t uid, gid;	/* 0 for root workers */
	bool root;
	bool cap;		/* CAP_SYS_ADMIN of the opener and the caller */
	int pfd, pnl;		/* passed by another user (SCM_RIGHTS), or -1 */
	uint32_t puid;		/* their opener (uid = gid) */
	int fd, nl, kfd;
	uint16_t fam;
	uint32_t nlseq;
	struct model *m;
	uint8_t key[NK][1100];
	uint32_t klen[NK];
	uint8_t *guard;		/* page, then a PROT_NONE page */
	uint8_t *none;		/* a PROT_NONE page */
	char *msg;		/* mismatch text */
	size_t msgsz;
	uint64_t param[8];	/* sysfs model (root worker 0) */
	char sync[16];
	bool param_known;
};

static int fail(struct wctx *c, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));
static int fail(struct wctx *c, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(c->msg, c->msgsz, fmt, ap);
	va_end(ap);
	return -1;
}

static void keys_init(struct wctx *c)
{
	unsigned int i;

	for (i = 0; i < NK; i++) {
		int n;

		if (i < NOWN)
			n = sprintf((char *)c->key[i], "f%u/%u", c->w, i);
		else
			n = sprintf((char *)c->key[i], "p%u/%u", c->w, i - NOWN);
		if (i == NOWN - 2) {	/* binary bytes */
			c->key[i][n++] = 0;
			c->key[i][n++] = 0xff;
		} else if (i == NOWN - 1) {	/* the longest key */
			memset(c->key[i] + n, 'x', 1024 - n);
			n = 1024;
		}
		c->klen[i] = n;
	}
}

static const char *keyname(const struct wctx *c, unsigned int ki)
{
	static __thread char b[40];

	snprintf(b, sizeof(b), "%.*s%s", c->klen[ki] > 16 ? 8 : (int)strlen((const char *)c->key[ki]),
		 c->key[ki], c->klen[ki] > 16 ? "...(1024 bytes)" :
		 ki == NOWN - 2 ? "\\0\\xff" : "");
	return b;
}

/* ---- the model's answer to one mutation ----------------------------------- */

struct mres {
	int err;
	uint32_t status;
	int64_t result;
};

static int parse_s64(const uint8_t *s, uint32_t len, int64_t *out)
{
	bool neg = false, big = false;
	uint64_t acc = 0;
	uint32_t i = 0;

	if (len && s[0] == '-') {
		neg = true;
		i = 1;
	}
	if (i == len)
		return -EINVAL;
	for (; i < len; i++) {
		if (s[i] < '0' || s[i] > '9')
			return -EINVAL;
		if (acc > ((uint64_t)INT64_MAX + 1) / 10)
			big = true;
		else
			acc = acc * 10 + (s[i] - '0');
	}
	if (big || acc > (uint64_t)INT64_MAX + neg)
		return -ERANGE;
	*out = neg ? (int64_t)(0 - acc) : (int64_t)acc;
	return 0;
}

static uint64_t owner_bytes(const struct wctx *c, uint32_t uid)
{
	uint64_t b = 0;
	uint8_t buf[VMAX + 32];
	unsigned int i;

	for (i = 0; i < NK; i++)
		if (c->m->k[i].exists && c->m->k[i].uid == uid)
			b += smap_kv_cost(c->klen[i], vmat(&c->m->k[i].v, buf));
	return b;
}

/*
 * Past the interface's own checks: flags, then what the store decides
 * (store.c smap_mutation_check(), smap_decide(), smap_charge()).
 * @op: SMAP_OP_SET/DEL/INCR/CAS. Commits to the model when it succeeds.
 */
static struct mres model_mut(struct wctx *c, int op, unsigned int ki,
			     uint32_t flags, uint32_t mode, bool kernel,
			     const struct vdesc *nv, const struct vdesc *ov,
			     int64_t delta)
{
	struct mkey *k = &c->m->k[ki];
	uint32_t me = kernel ? 0 : c->uid, mygid = kernel ? 0 : c->gid;
	struct mres r = { 0, SMAP_ST_NONE, 0 };
	uint8_t buf[VMAX + 32];
	struct vdesc newv;
	uint32_t owner, newlen = 0;

	if (flags & ~(SMAP_F_MODE | SMAP_F_EXCL))
		return (struct mres){ -EINVAL, 0, 0 };
	if ((flags & SMAP_F_EXCL) && op != SMAP_OP_SET)
		return (struct mres){ -EINVAL, 0, 0 };
	if ((flags & SMAP_F_MODE) && (mode & ~0777))
		return (struct mres){ -EINVAL, 0, 0 };
	if (!k->exists) {
		if (op == SMAP_OP_DEL || op == SMAP_OP_CAS)
			return (struct mres){ -ENOENT, SMAP_ST_NOT_FOUND, 0 };
	} else {
		unsigned int want = 2, bits = k->mode;

		if (flags & SMAP_F_EXCL)
			return (struct mres){ -EEXIST, 0, 0 };
		if ((flags & SMAP_F_MODE) && op != SMAP_OP_DEL &&
		    (k->mode != mode || k->uid != me))
			return (struct mres){ -EEXIST, 0, 0 };
		if (op == SMAP_OP_INCR || op == SMAP_OP_CAS)
			want |= 4;
		if (me == k->uid)
			bits >>= 6;
		else if (mygid == k->gid)
			bits >>= 3;
		if (!kernel && (bits & want) != want && !c->cap)
			return (struct mres){ -EACCES, 0, 0 };
	}
	switch (op) {
	case SMAP_OP_CAS:
		if (!veq(&k->v, ov))
			return (struct mres){ -ECANCELED, SMAP_ST_MISMATCH, 0 };
		newv = *nv;
		break;
	case SMAP_OP_INCR: {
		int64_t cur = 0, res;

		if (k->exists) {
			int e = parse_s64(buf, vmat(&k->v, buf), &cur);

			if (e)
				return (struct mres){ e, 0, 0 };
		}
		if (__builtin_add_overflow(cur, delta, &res))
			return (struct mres){ -ERANGE, 0, 0 };
		newv = (struct vdesc){ .kind = VK_NUM, .s = res };
		r.result = res;
		break;
	}
	case SMAP_OP_SET:
		newv = *nv;
		break;
	default:
		break;
	}
	owner = k->exists ? k->uid : me;
	if (op != SMAP_OP_DEL) {
		int64_t d;

		newlen = vmat(&newv, buf);
		d = (int64_t)smap_kv_cost(c->klen[ki], newlen) -
		    (k->exists ? (int64_t)smap_kv_cost(c->klen[ki], vmat(&k->v, buf)) : 0);
		if (d > 0 && owner != 0 &&
		    owner_bytes(c, owner) + (uint64_t)d > QUOTA)
			return (struct mres){ -EDQUOT, 0, 0 };
		/* a full round: the store is past max_bytes (R_FULL) */
		if (d > 0 && sh->mode == R_FULL)
			return (struct mres){ -ENOSPC, 0, 0 };
	}
	/* a read-only round: the log's disk failed a write (R_RO) */
	if (sh->mode == R_RO)
		return (struct mres){ -EROFS, 0, 0 };
	if (op == SMAP_OP_DEL) {
		k->exists = false;
		r.status = SMAP_ST_DELETED;
	} else if (k->exists) {
		k->v = newv;
		r.status = SMAP_ST_UPDATED;
	} else {
		k->exists = true;
		k->v = newv;
		k->uid = me;
		k->gid = mygid;
		k->mode = (flags & SMAP_F_MODE) ? mode : SMAP_MODE_DEFAULT;
		r.status = SMAP_ST_CREATED;
	}
	return r;
}

/* May the worker read key @ki (mode bits, or root's capability)? */
static bool model_readable(const struct wctx *c, unsigned int ki)
{
	const struct mkey *k = &c->m->k[ki];
	unsigned int bits = k->mode;

	if (c->cap)
		return true;
	if (c->uid == k->uid)
		bits >>= 6;
	else if (c->gid == k->gid)
		bits >>= 3;
	return bits & 4;
}

/* ---- generating an operation ---------------------------------------------- */

static uint32_t gen_flags(uint64_t *r, uint32_t *mode)
{
	static const unsigned int modes[] = { 0600, 0644, 0640, 0666, 0604,
					      0400, 0200, 0 };
	uint32_t f = 0;

	*mode = modes[rnd(r, sizeof(modes) / sizeof(modes[0]))];
	if (!rnd(r, 3))
		f |= SMAP_F_MODE;
	if (!rnd(r, 8))
		f |= SMAP_F_EXCL;
	return f;
}

static void gen_op(struct wctx *c, uint64_t *r, struct op *o)
{
	static const uint8_t kinds[] = {
		K_IOC_SET, K_IOC_SET, K_IOC_SET, K_IOC_GET, K_IOC_GET,
		K_IOC_GET, K_IOC_DEL, K_IOC_INCR, K_IOC_INCR, K_IOC_CAS,
		K_IOC_CAS, K_IOC_LIST, K_IOC_BATCH, K_IOC_BATCH, K_IOC_VERSION,
		K_IOC_STATS, K_IOC_BADCMD, K_IOC_RECOVER, K_NL_SET, K_NL_SET,
		K_NL_GET, K_NL_GET, K_NL_DEL, K_NL_INCR, K_NL_CAS,
		K_NL_GARBAGE, K_KAPI, K_KAPI, K_KAPI, K_SYSFS, K_NL_LIST,
		K_PASSED, K_PASSED,
	};

	memset(o, 0, sizeof(*o));
	o->kind = kinds[rnd(r, sizeof(kinds))];
	o->ki = rnd(r, NK);
	o->var = rnd(r, 3) ? V_OK : rnd(r, V__N);
	o->flags = gen_flags(r, &o->mode);
	o->seed = (uint32_t)rnd_next(r);
	o->sub = rnd(r, 256);
	o->cap = rnd(r, 4) ? VMAX + 16 : rnd(r, 300);
	o->delta = rnd(r, 10) ? (int64_t)rnd(r, 21) - 10 :
		   (rnd(r, 2) ? INT64_MAX : INT64_MIN);
	vgen(r, &o->v);
	/*
	 * Half the unknown-command ops are WATCH requests: drawn from what is
	 * drawn already, so a seed's other operations stay what they were
	 * (neither changes the store: the models are the same).
	 */
	if (o->kind == K_IOC_BADCMD && (o->seed >> 8) & 1)
		o->kind = K_IOC_WATCH;
	/* cas: mostly the value the key holds now (self-contained) */
	if (c->m->k[o->ki].exists && rnd(r, 4))
		o->o = c->m->k[o->ki].v;
	else
		vgen(r, &o->o);
}

/* ---- bad pointers ------------------------------------------------------- */

enum { BP_NULL, BP_LOW, BP_KERNEL, BP_NONE, BP_STRADDLE, BP__N };

/* An address the kernel must refuse for @len bytes (@data for straddle). */
static uint64_t badptr(struct wctx *c, unsigned int how, const void *data,
		       uint32_t len)
{
	long pg = sysconf(_SC_PAGESIZE);

	switch (how % BP__N) {
	case BP_NULL:
		return 0;
	case BP_LOW:
		return 0x10000;
	case BP_KERNEL:
		return 0xffffffff81000000ULL;
	case BP_NONE:
		return (uint64_t)(uintptr_t)c->none;
	default:
		if (len > (uint32_t)pg || !len)
			return (uint64_t)(uintptr_t)c->none;
		/* all but the last byte readable: it lies in the guard */
		memcpy(c->guard + pg - len + 1, data, len - 1);
		return (uint64_t)(uintptr_t)(c->guard + pg - len + 1);
	}
}

/* Does touching @n bytes of badptr(@how, @len) fault? */
static bool bad_faults(unsigned int how, uint32_t len, uint32_t n)
{
	if (how % BP__N == BP_STRADDLE && len && len <= sysconf(_SC_PAGESIZE))
		return n >= len;
	return n > 0;
}

/* ---- ioctl plumbing ------------------------------------------------------ */

/*
 * Issue ioctl nr with the struct @s of @size bytes as variant @var asks:
 * a short, long (zero or nonzero tail) struct, a bad struct pointer or the
 * wrong direction. Copies the answer back into @s. Returns -errno or 0.
 */
static int ioc(struct wctx *c, unsigned int dir, unsigned int nr, void *s,
	       size_t size, unsigned int var, unsigned int sub)
{
	uint8_t buf[512] __attribute__((aligned(8)));
	size_t usize = size;
	unsigned long cmd;
	void *p = buf;
	int rc;

	memset(buf, 0, sizeof(buf));
	memcpy(buf, s, size);
	if (var == V_SHORT)
		usize = size - 1 - sub % size;
	else if (var == V_LONGZ || var == V_LONGNZ)
		usize = size + 1 + sub % 100;
	if (var == V_LONGNZ)
		buf[usize - 1] = 0x5a;
	if (var == V_WRONGDIR)
		dir = dir == _IOC_READ ? _IOC_WRITE : _IOC_READ;	/* WATCH's is _IOC_WRITE */
	cmd = _IOC(dir, SMAP_IOC_MAGIC, nr, usize);
	if (var == V_BADSTRUCT)
		p = (void *)(uintptr_t)badptr(c, sub, buf, usize);
	rc = ioctl(c->fd, cmd, p);	/* WATCH: a new descriptor */
	if (rc < 0)
		rc = -errno;
	memcpy(s, buf, size);
	if (rc < 0)
		return rc;
	if (usize > size && var == V_LONGZ) {
		size_t i;

		for (i = size; i < usize; i++)
			if (buf[i])
				return fail(c, "tail byte %zu of a %zu-byte struct not zero after the call", i, usize), -10000;
	}
	return rc;
}

/* The errno the ioctl's struct handling gives before anything else. */
static int ioc_struct_err(unsigned int var)
{
	switch (var) {
	case V_SHORT: return -EINVAL;
	case V_LONGNZ: return -E2BIG;
	case V_BADSTRUCT: return -EFAULT;
	case V_WRONGDIR: return -ENOTTY;
	default: return 0;
	}
}

#define EXPECT(got, want, what) do {					\
	if ((got) != (want))						\
		return fail(c, "%s: got %d (%s), want %d (%s)", what,	\
			    (int)(got), strerror(-(got)), (int)(want),	\
			    strerror(-(want)));				\
} while (0)

/* key pointer and length as variant @var asks */
static void key_args(struct wctx *c, const struct op *o, __u64 *kp,
		     __u32 *kl)
{
	*kp = (uint64_t)(uintptr_t)c->key[o->ki];
	*kl = c->klen[o->ki];
	if (o->var == V_KLEN0)
		*kl = 0;
	else if (o->var == V_KLENHUGE)
		*kl = (o->seed & 1) ? 1025 : 0xffffffffu - (o->seed & 0xff);
	else if (o->var == V_BADKEY)
		*kp = badptr(c, o->sub, c->key[o->ki], *kl);
}

/* what the key checks answer (store.h smap_check_key()) */
static int key_err(const struct op *o)
{
	if (o->var == V_KLEN0)
		return -EINVAL;
	if (o->var == V_KLENHUGE)
		return -ENAMETOOLONG;
	return 0;
}

static uint32_t op_flags(const struct op *o)
{
	uint32_t f = o->flags;

	if (o->var == V_BADFLAGS)
		f |= 1u << (3 + o->sub % 29);	/* bit 2: SMAP_F_OWNER */
	return f;
}

static uint32_t op_mode(const struct op *o, uint32_t *flags)
{
	if (o->var == V_BADMODE) {
		*flags |= SMAP_F_MODE;
		return o->mode | (01000 << (o->sub % 20));
	}
	return o->mode;
}

/*
 * What an ioctl answers before the store decides, in the order dev.c
 * checks: the struct, its reserved field (@reserved: it has one), the key's
 * length, a value's length (@vlen_err), the key's pointer, a value's
 * pointer (@val_faults). 0 if it gets past them all.
 */
static int ioc_front_err(const struct op *o, bool reserved, int vlen_err,
			 bool val_faults)
{
	int want = ioc_struct_err(o->var);

	if (!want && reserved && o->var == V_RESERVED)
		want = -EINVAL;
	if (!want)
		want = key_err(o);
	if (!want)
		want = vlen_err;
	if (!want && o->var == V_BADKEY)
		want = -EFAULT;
	if (!want && val_faults)
		want = -EFAULT;
	return want;
}

/* ---- ioctl ops ---------------------------------------------------------- */

static int do_ioc_kv(struct wctx *c, const struct op *o, int op)
{
	static __thread uint8_t vb[VMAX + 32];
	unsigned int nr = op == SMAP_OP_SET ? 1 : 3;
	struct smap_kv kv = { 0 };
	struct mres r;
	int want, got;
	uint32_t vl = vmat(&o->v, vb);
	bool set = op == SMAP_OP_SET;

	key_args(c, o, &kv.key, &kv.key_len);
	kv.value = (uint64_t)(uintptr_t)vb;
	kv.value_len = set ? vl : (uint32_t)o->delta;
	if (set && o->var == V_VLENHUGE)
		kv.value_len = (o->seed & 1) ? SMAP_VALUE_MAX + 1 : 0x80000000u;
	if (set && o->var == V_BADVAL)
		kv.value = badptr(c, o->sub, vb, vl);
	kv.flags = op_flags(o);
	kv.mode = op_mode(o, &kv.flags);
	if (o->var == V_RESERVED)
		kv.__reserved = 1 + o->sub;
	got = ioc(c, _IOC_READ | _IOC_WRITE, nr, &kv, sizeof(kv), o->var, o->sub);
	if (got == -10000)
		return -1;
	want = ioc_front_err(o, true, set && o->var == V_VLENHUGE ? -EMSGSIZE : 0,
			     set && o->var == V_BADVAL && vl);
	if (want) {
		EXPECT(got, want, "errno");
		return 0;
	}
	r = model_mut(c, op, o->ki, kv.flags, kv.mode, false, &o->v, NULL, 0);
	EXPECT(got, r.err, "errno");
	if ((!r.err || r.err == -ENOENT) && kv.status != r.status)
		return fail(c, "status %u, want %u", kv.status, r.status);
	return 0;
}

static int do_ioc_get(struct wctx *c, const struct op *o)
{
	static __thread uint8_t vb[VMAX + 64], want_v[VMAX + 32];
	struct smap_kv kv = { 0 };
	const struct mkey *k = &c->m->k[o->ki];
	int want = 0, got;
	uint32_t wl = 0;

	key_args(c, o, &kv.key, &kv.key_len);
	kv.value = (uint64_t)(uintptr_t)vb;
	kv.value_len = o->cap;
	if (o->var == V_RESERVED)
		kv.__reserved = 1;
	if (o->var == V_BADVAL)
		kv.value = badptr(c, o->sub, vb, o->cap);
	memset(vb, 0xee, sizeof(vb));
	got = ioc(c, _IOC_READ | _IOC_WRITE, 2, &kv, sizeof(kv), o->var, o->sub);
	if (got == -10000)
		return -1;
	want = ioc_front_err(o, true, 0, false);
	if (!want && !k->exists)
		want = -ENOENT;
	if (!want && !model_readable(c, o->ki))
		want = -EACCES;
	if (!want) {
		wl = vmat(&k->v, want_v);
		if (o->cap < wl)
			want = -ERANGE;
		else if (o->var == V_BADVAL && bad_faults(o->sub, o->cap, wl))
			want = -EFAULT;
	}
	EXPECT(got, want, "errno");
	if (want == -ENOENT && kv.status != SMAP_ST_NOT_FOUND)
		return fail(c, "status %u, want NOT_FOUND", kv.status);
	if (want == -ERANGE && kv.value_len != wl)
		return fail(c, "ERANGE: value_len %u, want %u", kv.value_len, wl);
	if (want)
		return 0;
	if (kv.value_len != wl ||
	    memcmp((const void *)(uintptr_t)kv.value, want_v, wl))
		return fail(c, "value differs: %u bytes, want %u", kv.value_len, wl);
	if (kv.mode != k->mode || kv.uid != k->uid || kv.gid != k->gid)
		return fail(c, "mode/uid/gid %#o/%u/%u, want %#o/%u/%u", kv.mode,
			    kv.uid, kv.gid, k->mode, k->uid, k->gid);
	return 0;
}

static int do_ioc_incr(struct wctx *c, const struct op *o)
{
	struct smap_incr in = { 0 };
	struct mres r;
	int want, got;

	key_args(c, o, &in.key, &in.key_len);
	in.delta = o->delta;
	in.flags = op_flags(o);
	in.mode = op_mode(o, &in.flags);
	got = ioc(c, _IOC_READ | _IOC_WRITE, 4, &in, sizeof(in), o->var, o->sub);
	if (got == -10000)
		return -1;
	want = ioc_front_err(o, false, 0, false);
	if (want) {
		EXPECT(got, want, "errno");
		return 0;
	}
	r = model_mut(c, SMAP_OP_INCR, o->ki, in.flags, in.mode, false, NULL,
		      NULL, o->delta);
	EXPECT(got, r.err, "errno");
	if (!r.err && (in.result != r.result || in.status != r.status))
		return fail(c, "result %" PRId64 " status %u, want %" PRId64 " %u",
			    (int64_t)in.result, in.status, r.result, r.status);
	return 0;
}

static int do_ioc_cas(struct wctx *c, const struct op *o)
{
	static __thread uint8_t nb[VMAX + 32], ob[VMAX + 32];
	struct smap_cas cs = { 0 };
	uint32_t nl = vmat(&o->v, nb), ol = vmat(&o->o, ob);
	struct mres r;
	int want, got;

	key_args(c, o, &cs.key, &cs.key_len);
	cs.old_value = (uint64_t)(uintptr_t)ob;
	cs.new_value = (uint64_t)(uintptr_t)nb;
	cs.old_len = ol;
	cs.new_len = nl;
	if (o->var == V_VLENHUGE) {
		if (o->seed & 2)
			cs.old_len = SMAP_VALUE_MAX + 1 + (o->seed & 0xff);
		else
			cs.new_len = 0xffffffffu;
	}
	if (o->var == V_BADVAL) {
		if (o->seed & 2)
			cs.old_value = badptr(c, o->sub, ob, ol);
		else
			cs.new_value = badptr(c, o->sub, nb, nl);
	}
	cs.flags = op_flags(o);
	cs.mode = op_mode(o, &cs.flags);
	got = ioc(c, _IOC_READ | _IOC_WRITE, 5, &cs, sizeof(cs), o->var, o->sub);
	if (got == -10000)
		return -1;
	want = ioc_front_err(o, false, o->var == V_VLENHUGE ? -EMSGSIZE : 0,
			     o->var == V_BADVAL && ((o->seed & 2) ? ol : nl));
	if (want) {
		EXPECT(got, want, "errno");
		return 0;
	}
	r = model_mut(c, SMAP_OP_CAS, o->ki, cs.flags, cs.mode, false, &o->v,
		      &o->o, 0);
	EXPECT(got, r.err, "errno");
	if ((!r.err || r.err == -ECANCELED || r.err == -ENOENT) &&
	    cs.status != r.status)
		return fail(c, "status %u, want %u", cs.status, r.status);
	return 0;
}

/* List prefix f<w>/ or p<w>/ in pieces; compare with the readable keys. */
/* A listed key (@what: which list): one of the model's, listed once. */
static int list_seen(struct wctx *c, const char *what, const char *prefix,
		     const uint8_t *key, uint32_t n, bool *seen)
{
	unsigned int i;

	for (i = 0; i < NK; i++)
		if (c->klen[i] == n && !memcmp(c->key[i], key, n))
			break;
	if (i == NK)
		return fail(c, "%s %s: a key not in the model (%u bytes)", what, prefix, n);
	if (seen[i])
		return fail(c, "%s %s: %s twice", what, prefix, keyname(c, i));
	seen[i] = true;
	return 0;
}

/*
 * At the list's end: every key the caller may read under the prefix, no
 * other; and the module's count of those it passed over as unreadable
 * (@skipped, UINT64_MAX where not asked for) is the model's.
 */
static int list_done(struct wctx *c, const char *what, const char *prefix,
		     bool probe, const bool *seen, uint64_t skipped)
{
	uint64_t unreadable = 0;

	for (unsigned int i = probe ? NOWN : 0; i < (probe ? NK : NOWN); i++) {
		bool want = c->m->k[i].exists && model_readable(c, i);

		if (seen[i] != want)
			return fail(c, "%s %s: %s %s", what, prefix, keyname(c, i),
				    want ? "missing" : "listed but should not be");
		unreadable += c->m->k[i].exists && !want;
	}
	if (skipped != UINT64_MAX && skipped != unreadable)
		return fail(c, "%s %s: %" PRIu64 " unreadable keys skipped, want %" PRIu64,
			    what, prefix, skipped, unreadable);
	return 0;
}

static int do_ioc_list(struct wctx *c, const struct op *o)
{
	static __thread uint8_t buf[16384];
	char prefix[16];
	bool seen[NK] = { false };
	struct smap_list l = { 0 };
	uint64_t skipped = 0;
	uint32_t cap = o->cap % 2 ? 8 + o->sub : 2048 + o->sub * 16;
	bool probe = o->seed & 1;
	unsigned int calls = 0;
	int got;

	snprintf(prefix, sizeof(prefix), "%c%u/", probe ? 'p' : 'f', c->w);
	l.prefix = (uint64_t)(uintptr_t)prefix;
	l.prefix_len = strlen(prefix);
	if (o->var == V_KLENHUGE) {
		l.prefix_len = 1025;
		got = ioc(c, _IOC_READ | _IOC_WRITE, 6, &l, sizeof(l), V_OK, 0);
		EXPECT(got, -ENAMETOOLONG, "list: prefix 1025 bytes");
		return 0;
	}
	if (o->var == V_BADKEY) {
		l.prefix = badptr(c, o->sub, prefix, l.prefix_len);
		got = ioc(c, _IOC_READ | _IOC_WRITE, 6, &l, sizeof(l), V_OK, 0);
		EXPECT(got, -EFAULT, "list: bad prefix pointer");
		return 0;
	}
	if (o->var == V_RESERVED) {
		l.__reserved = 7;
		got = ioc(c, _IOC_READ | _IOC_WRITE, 6, &l, sizeof(l), V_OK, 0);
		EXPECT(got, -EINVAL, "list: reserved set");
		return 0;
	}
	do {
		uint32_t off = 0;

		l.buf = (uint64_t)(uintptr_t)buf;
		l.buf_len = cap;
		l.skipped = 0;	/* in: zero; out: this call's */
		got = ioc(c, _IOC_READ | _IOC_WRITE, 6, &l, sizeof(l), V_OK, 0);
		if (got == -ERANGE && cap < 1028) {
			cap *= 2;
			continue;
		}
		EXPECT(got, 0, "list");
		skipped += l.skipped;
		while (off < l.used) {
			uint32_t n;

			memcpy(&n, buf + off, 4);
			if (list_seen(c, "list", prefix, buf + off + 4, n, seen))
				return -1;
			off += 4 + ((n + 3) & ~3u);
		}
		if (++calls > 1000)
			return fail(c, "list %s: no end after 1000 calls", prefix);
	} while (!(l.flags & SMAP_LIST_END));
	return list_done(c, "list", prefix, probe, seen, skipped);
}

/* ---- batch -------------------------------------------------------------- */

struct bent {
	uint16_t op, flags;
	uint32_t mode;
	uint8_t ki;
	struct vdesc v;
	int64_t delta;
	bool klen0;
};

static unsigned int batch_gen(uint32_t seed, struct bent *e)
{
	uint64_t r = seed;
	unsigned int n = 1 + rnd(&r, 8), i;

	for (i = 0; i < n; i++) {
		uint32_t mode, f = gen_flags(&r, &mode);

		memset(&e[i], 0, sizeof(e[i]));
		switch (rnd(&r, 14)) {
		case 0:
			e[i].op = rnd(&r, 2) ? SMAP_OP_GET : 99;
			break;
		case 1: case 2: case 3:
			e[i].op = SMAP_OP_DEL;
			break;
		case 4: case 5: case 6: case 7:
			e[i].op = SMAP_OP_INCR;
			break;
		default:
			e[i].op = SMAP_OP_SET;
			break;
		}
		e[i].flags = f;
		e[i].mode = rnd(&r, 20) ? mode : 01000;
		e[i].ki = rnd(&r, NK);
		vgen(&r, &e[i].v);
		e[i].delta = (int64_t)rnd(&r, 7) - 3;
		e[i].klen0 = !rnd(&r, 30);
	}
	return n;
}

static int do_ioc_batch(struct wctx *c, const struct op *o)
{
	static __thread uint8_t buf[8 * (VMAX + 1200)] __attribute__((aligned(8)));
	static __thread uint8_t vb[VMAX + 32];
	struct bent e[8];
	unsigned int n = batch_gen(o->seed, e), i, done, failed = 0;
	size_t off[9], len = 0;
	struct smap_batch b = { 0 };
	bool trunc = o->var == V_SHORT, applied_all;
	/* the struct's own malformations; V_SHORT truncates the buffer */
	unsigned int iv = o->var == V_SHORT || o->var == V_RESERVED ||
			  o->var == V_BADVAL || o->var == V_BADFLAGS ||
			  o->var == V_BADMODE || o->var == V_KLEN0 ? V_OK : o->var;
	int got, want = 0;

	for (i = 0; i < n; i++) {
		struct smap_batch_op h = { 0 };
		uint32_t vl = e[i].op == SMAP_OP_SET ? vmat(&e[i].v, vb) : 0;

		h.op = e[i].op;
		h.flags = e[i].flags;
		h.mode = e[i].mode;
		h.key_len = e[i].klen0 ? 0 : c->klen[e[i].ki];
		h.value_len = vl;
		h.arg = e[i].delta;
		off[i] = len;
		memcpy(buf + len, &h, sizeof(h));
		memcpy(buf + len + sizeof(h), c->key[e[i].ki], h.key_len);
		memcpy(buf + len + sizeof(h) + h.key_len, vb, vl);
		len += (sizeof(h) + h.key_len + vl + 7) & ~7UL;
	}
	off[n] = len;
	b.ops = (uint64_t)(uintptr_t)buf;
	b.len = len;
	b.count = n;
	/* truncated: the last entry does not fit (if count still may) */
	if (trunc) {
		b.len = len - 1 - o->sub % (len - off[n - 1]);
		if (b.count > b.len / sizeof(struct smap_batch_op))
			trunc = false, b.len = len;
	}
	if (o->var == V_VLENHUGE)
		b.len = (16U << 20) + 1 + o->sub;
	else if (o->var == V_KLENHUGE)
		b.count = b.len / sizeof(struct smap_batch_op) + 1 + o->sub;
	else if (o->var == V_BADKEY)
		b.ops = badptr(c, o->sub, buf, len);
	got = ioc(c, _IOC_READ | _IOC_WRITE, 7, &b, sizeof(b), iv, o->sub);
	if (got == -10000)
		return -1;
	want = ioc_struct_err(iv);
	if (!want && o->var == V_VLENHUGE)
		want = -E2BIG;
	if (!want && o->var == V_KLENHUGE)
		want = -EINVAL;
	if (!want && o->var == V_BADKEY)
		want = -EFAULT;
	if (want) {
		EXPECT(got, want, "batch errno");
		return 0;
	}
	done = trunc ? n - 1 : n;
	applied_all = true;
	for (i = 0; i < done; i++) {
		struct smap_batch_op h;
		struct mres r = { 0, 0, 0 };
		uint32_t kl = e[i].klen0 ? 0 : c->klen[e[i].ki];

		memcpy(&h, buf + off[i], sizeof(h));
		if (e[i].op != SMAP_OP_SET && e[i].op != SMAP_OP_DEL &&
		    e[i].op != SMAP_OP_INCR)
			r.err = -EINVAL;
		else if (!kl)
			r.err = -EINVAL;
		else
			r = model_mut(c, e[i].op, e[i].ki, e[i].flags, e[i].mode,
				      false, &e[i].v, NULL, e[i].delta);
		if (h.error != r.err)
			return fail(c, "batch entry %u (op %u key %s): error %d, want %d",
				    i, e[i].op, keyname(c, e[i].ki), h.error, r.err);
		if ((!r.err || r.err == -ENOENT) && h.status != r.status)
			return fail(c, "batch entry %u: status %u, want %u", i,
				    h.status, r.status);
		if (!r.err && e[i].op == SMAP_OP_INCR && h.arg != r.result)
			return fail(c, "batch entry %u: incr result %" PRId64 ", want %" PRId64,
				    i, (int64_t)h.arg, r.result);
		failed += r.err != 0;
	}
	(void)applied_all;
	EXPECT(got, trunc ? -EINVAL : 0, "batch errno");
	if (b.done != done || b.failed != failed)
		return fail(c, "batch done/failed %u/%u, want %u/%u", b.done,
			    b.failed, done, failed);
	return 0;
}

static int do_ioc_misc(struct wctx *c, const struct op *o)
{
	uint8_t buf[512] __attribute__((aligned(8)));
	unsigned int usize = 1 + o->sub * 2;
	int got;

	switch (o->kind) {
	case K_IOC_VERSION:
	case K_IOC_STATS: {
		unsigned int nr = o->kind == K_IOC_VERSION ? 0 : 8;
		size_t ours = nr ? sizeof(struct smap_stats) :
				   sizeof(struct smap_version);

		memset(buf, 0xff, sizeof(buf));
		got = ioctl(c->fd, _IOC(_IOC_READ, SMAP_IOC_MAGIC, nr, usize),
			    o->var == V_BADSTRUCT ?
			    (void *)(uintptr_t)badptr(c, o->sub, buf, usize) : buf);
		got = got < 0 ? -errno : 0;
		EXPECT(got, o->var == V_BADSTRUCT ? -EFAULT : 0, "version/stats");
		if (o->var == V_BADSTRUCT)
			return 0;
		for (size_t i = ours; i < usize; i++)
			if (buf[i])
				return fail(c, "byte %zu of a %u-byte reply not zeroed", i, usize);
		if (!nr && usize >= 4) {
			struct smap_version v;

			memcpy(&v, buf, sizeof(v));
			if (v.abi != SMAP_ABI_VERSION)
				return fail(c, "abi %u", v.abi);
		}
		if (nr && usize >= ours && !c->root) {
			struct smap_stats st;

			memcpy(&st, buf, sizeof(st));
			if (st.user_bytes != owner_bytes(c, c->uid) ||
			    st.user_max_bytes != QUOTA)
				return fail(c, "stats: user_bytes %llu / %llu, want %llu / %u",
					    (unsigned long long)st.user_bytes,
					    (unsigned long long)st.user_max_bytes,
					    (unsigned long long)owner_bytes(c, c->uid), QUOTA);
		}
		return 0;
	}
	case K_IOC_RECOVER:
		got = ioctl(c->fd, _IO(SMAP_IOC_MAGIC, 9), 0) < 0 ? -errno : 0;
		EXPECT(got, c->root ? 0 : -EPERM, "recover");
		return 0;
	default: {	/* unknown nr, magic, or a known nr's wrong direction */
		unsigned long cmd;

		/* past the last ioctl (SMAP_IOC_WATCH, 0x0B): none */
		unsigned int nr0 = _IOC_NR(SMAP_IOC_WATCH) + 1;

		if (o->sub % 3 == 0)
			cmd = _IOC(_IOC_READ | _IOC_WRITE, SMAP_IOC_MAGIC,
				   nr0 + o->seed % (256 - nr0), usize);
		else if (o->sub % 3 == 1)
			cmd = _IOC(_IOC_READ | _IOC_WRITE, 0xBC, o->seed % 10, 48);
		else
			cmd = _IOC(_IOC_NONE, SMAP_IOC_MAGIC, 1 + o->seed % 8, 0);
		memset(buf, 0, sizeof(buf));
		got = ioctl(c->fd, cmd, buf) < 0 ? -errno : 0;
		EXPECT(got, -ENOTTY, "unknown ioctl");
		return 0;
	}
	}
}

/*
 * WATCH on the op's key as a prefix (or exactly), malformed as the variant
 * asks: the errno dev.c and watch.c answer, in their order; a descriptor
 * is close-on-exec and, read at once without blocking, gives EAGAIN or
 * whole, well-formed events (other workers' keys may share the prefix).
 */
static int do_ioc_watch(struct wctx *c, const struct op *o)
{
	uint8_t buf[2048] __attribute__((aligned(8)));
	struct smap_watch_req req = { 0 };
	bool exact = o->seed & 1;
	int want, got, fdf;
	ssize_t n;

	key_args(c, o, &req.prefix, &req.prefix_len);
	req.flags = SMAP_WATCH_NONBLOCK | (exact ? SMAP_WATCH_EXACT : 0);
	if (o->var == V_BADFLAGS)
		req.flags |= 1u << (2 + o->sub % 30);
	if (o->var == V_RESERVED)
		req.__reserved = 1 + o->sub;
	req.queue_len = o->cap;
	/* an empty prefix is every key's, unless it must be exact */
	want = o->var == V_KLEN0 ? 0 : ioc_front_err(o, true, 0, false);
	if (!want && (o->var == V_BADFLAGS || (exact && !req.prefix_len)))
		want = -EINVAL;
	got = ioc(c, _IOC_WRITE, 0x0B, &req, sizeof(req), o->var, o->sub);
	if (got == -10000)
		return got;
	if (got < 0 || want < 0) {
		if (got >= 0)
			close(got);
		EXPECT(got < 0 ? got : 0, want, "watch");
		return 0;
	}
	fdf = fcntl(got, F_GETFD);
	n = read(got, buf, o->sub % 2 ? sizeof(buf) : 8);
	if (n < 0)
		n = -errno;
	close(got);
	if (fdf < 0 || !(fdf & FD_CLOEXEC))
		return fail(c, "watch: descriptor without FD_CLOEXEC");
	if (n == -EAGAIN || (n == -EINVAL && !(o->sub % 2)))
		return 0;
	if (n <= 0)
		return fail(c, "watch: read: %zd (%s)", n, strerror((int)-n));
	for (ssize_t off = 0; off < n;) {
		struct smap_watch_event ev;

		memcpy(&ev, buf + off, sizeof(ev));
		if (ev.size < sizeof(ev) || ev.size % SMAP_WATCH_ALIGN ||
		    ev.size > n - off || ev.key_len > ev.size - sizeof(ev) ||
		    (ev.op > SMAP_OP_CAS && ev.op != SMAP_WATCH_OVERFLOW))
			return fail(c, "watch: malformed event at %zd of %zd: size %u op %u key_len %u",
				    off, n, ev.size, ev.op, ev.key_len);
		off += ev.size;
	}
	return 0;
}

/* ---- generic netlink ------------------------------------------------------ */

struct nlbuf {
	uint8_t b[16384] __attribute__((aligned(4)));
	size_t len;
};

static void nla_add(struct nlbuf *m, uint16_t type, const void *d, uint32_t n)
{
	struct nlattr a = { .nla_len = NLA_HDRLEN + n, .nla_type = type };

	memcpy(m->b + m->len, &a, sizeof(a));
	memcpy(m->b + m->len + NLA_HDRLEN, d, n);
	memset(m->b + m->len + NLA_HDRLEN + n, 0, NLA_ALIGN(n) - n);
	m->len += NLA_HDRLEN + NLA_ALIGN(n);
}

/*
 * A value as SMAP_A_VALUE_PART (or _OLD_) attributes: 1..4 parts cut at
 * points @r draws, empty ones included; the kernel concatenates them.
 */
static void nla_add_parts(struct nlbuf *m, uint16_t type, const uint8_t *d,
			  uint32_t n, uint32_t r)
{
	uint32_t parts = 1 + r % 4, off = 0;

	for (uint32_t i = 1; i < parts; i++) {
		uint32_t k = n ? (r >> (2 + 4 * i)) % (n - off + 1) : 0;

		nla_add(m, type, d + off, k);
		off += k;
	}
	nla_add(m, type, d + off, n - off);
}

static void nl_start(struct wctx *c, struct nlbuf *m, uint16_t type,
		     uint8_t cmd, uint16_t flags)
{
	struct nlmsghdr h = { .nlmsg_type = type,
			      .nlmsg_flags = NLM_F_REQUEST | flags,
			      .nlmsg_seq = ++c->nlseq };
	struct genlmsghdr g = { .cmd = cmd, .version = 1 };

	memcpy(m->b, &h, sizeof(h));
	memcpy(m->b + NLMSG_HDRLEN, &g, sizeof(g));
	m->len = NLMSG_HDRLEN + GENL_HDRLEN;
}

/*
 * Send @m (its nlmsg_len set to the length, unless @keep_len) and read
 * until the ack of its sequence number: 0 or -errno; a reply's attributes
 * into @tb (pointers into @r).
 */
static int nl_talk(struct wctx *c, struct nlbuf *m, bool keep_len,
		   struct nlbuf *r, struct nlattr **tb)
{
	static __thread struct nlbuf rep_buf;
	struct nlbuf *rep = &rep_buf;
	struct nlmsghdr *h = (struct nlmsghdr *)m->b;
	uint32_t seq = h->nlmsg_seq;

	if (!keep_len)
		h->nlmsg_len = m->len;
	if (send(c->nl, m->b, m->len, 0) < 0)
		return -errno;
	for (;;) {
		ssize_t n = recv(c->nl, r->b, sizeof(r->b), 0);
		struct nlmsghdr *rh;

		if (n < 0)
			return errno == EAGAIN ? -ETIMEDOUT : -errno;
		for (rh = (struct nlmsghdr *)r->b; NLMSG_OK(rh, (size_t)n);
		     rh = NLMSG_NEXT(rh, n)) {
			if (rh->nlmsg_seq != seq)
				continue;
			if (rh->nlmsg_type == NLMSG_ERROR) {
				struct nlmsgerr *e = NLMSG_DATA(rh);

				return e->error;
			}
			if (rh->nlmsg_type == NLMSG_DONE)
				return 0;
			if (tb && rh->nlmsg_len <= sizeof(rep->b)) {
				/* kept apart: the ack's recv reuses @r */
				struct nlmsghdr *kh = (struct nlmsghdr *)rep->b;
				struct nlattr *a;
				int rem;

				memcpy(rep->b, rh, rh->nlmsg_len);
				a = (struct nlattr *)((uint8_t *)NLMSG_DATA(kh) +
						      GENL_HDRLEN);
				rem = kh->nlmsg_len - NLMSG_HDRLEN - GENL_HDRLEN;

				memset(tb, 0, sizeof(*tb) * (SMAP_A_MAX + 1));
				for (; rem >= (int)NLA_HDRLEN && a->nla_len >= NLA_HDRLEN &&
				       a->nla_len <= rem;
				     rem -= NLA_ALIGN(a->nla_len),
				     a = (struct nlattr *)((uint8_t *)a + NLA_ALIGN(a->nla_len)))
					if ((a->nla_type & NLA_TYPE_MASK) <= SMAP_A_MAX)
						tb[a->nla_type & NLA_TYPE_MASK] = a;
			}
		}
	}
}

static int nl_open(struct wctx *c)
{
	struct sockaddr_nl sa = { .nl_family = AF_NETLINK };
	struct timeval tv = { .tv_sec = 20 };
	struct nlbuf m, r;
	struct nlattr *tb[SMAP_A_MAX + 1 > CTRL_ATTR_MAX + 1 ?
			  SMAP_A_MAX + 1 : CTRL_ATTR_MAX + 1];
	int err;

	c->nl = socket(AF_NETLINK, SOCK_RAW | SOCK_CLOEXEC, NETLINK_GENERIC);
	if (c->nl < 0 || bind(c->nl, (struct sockaddr *)&sa, sizeof(sa)) < 0)
		return -errno;
	setsockopt(c->nl, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof(tv));
	nl_start(c, &m, GENL_ID_CTRL, CTRL_CMD_GETFAMILY, NLM_F_ACK);
	nla_add(&m, CTRL_ATTR_FAMILY_NAME, SMAP_GENL_NAME, sizeof(SMAP_GENL_NAME));
	err = nl_talk(c, &m, false, &r, tb);
	if (err)
		return err;
	if (!tb[CTRL_ATTR_FAMILY_ID])
		return -ENOENT;
	memcpy(&c->fam, (uint8_t *)tb[CTRL_ATTR_FAMILY_ID] + NLA_HDRLEN, 2);
	return 0;
}

static uint32_t nla_u32(const struct nlattr *a)
{
	uint32_t v = 0;

	if (a)
		memcpy(&v, (const uint8_t *)a + NLA_HDRLEN, 4);
	return v;
}

/* Netlink malformations (op->var set): which one, 0 for none. */
static const char *const nlbname[10] = {
	"", "key-missing", "key-twice(garbage first)", "key-1025-bytes",
	"mode-over-0777", "mode-2-bytes", "flags-unknown-bit", "unknown-attr",
	"key-0-bytes", "unknown-cmd",
};

/*
 * Stage @n bytes of @d as the value @type names (SMAP_A_VALUE_PART or
 * SMAP_A_OLD_VALUE_PART) in two SMAP_CMD_STAGE pieces cut at a point @cut
 * draws (either may be empty): 0 or the first -errno.
 */
static int nl_stage(struct wctx *c, struct nlbuf *m, struct nlbuf *r,
		    uint16_t type, const uint8_t *d, uint32_t n, uint32_t cut)
{
	uint32_t off = 0;

	cut %= n + 1;
	for (int i = 0; i < 2; i++) {
		uint32_t k = i ? n - off : cut;
		int got;

		nl_start(c, m, c->fam, SMAP_CMD_STAGE, NLM_F_ACK);
		nla_add(m, SMAP_A_STAGE_OFFSET, &off, 4);
		nla_add(m, SMAP_A_STAGE_TOTAL, &n, 4);
		nla_add(m, type, d + off, k);
		got = nl_talk(c, m, false, r, NULL);
		if (got)
			return got;
		off += k;
	}
	return 0;
}

static unsigned int nl_bad(const struct op *o)
{
	unsigned int bad = o->var ? 1 + o->sub % 9 : 0;

	if (bad == 6 && o->kind != K_NL_SET)
		return 0;
	if ((bad == 4 || bad == 5) && o->kind == K_NL_GET)
		return 0;
	return bad;
}

/* Netlink mutations and get; a malformed request must change nothing. */
static int do_nl(struct wctx *c, const struct op *o)
{
	static __thread struct nlbuf m, r;
	static __thread uint8_t vb[VMAX + 32], ob[VMAX + 32], want_v[VMAX + 32];
	static const uint8_t cmds[] = { [K_NL_SET] = SMAP_CMD_SET,
		[K_NL_GET] = SMAP_CMD_GET, [K_NL_DEL] = SMAP_CMD_DEL,
		[K_NL_INCR] = SMAP_CMD_INCR, [K_NL_CAS] = SMAP_CMD_CAS };
	static const int sop[] = { [K_NL_SET] = SMAP_OP_SET,
		[K_NL_DEL] = SMAP_OP_DEL, [K_NL_INCR] = SMAP_OP_INCR,
		[K_NL_CAS] = SMAP_OP_CAS };
	struct nlattr *tb[SMAP_A_MAX + 1];
	uint32_t vl = vmat(&o->v, vb), ol = vmat(&o->o, ob);
	uint32_t flags = 0, mode = o->mode, klen = c->klen[o->ki];
	unsigned int bad = nl_bad(o);
	bool need_val = o->kind == K_NL_SET || o->kind == K_NL_CAS;
	/* values in parts (1 in 2), and 1 in 8 of those also whole: EINVAL */
	bool parts = (o->seed >> 3) & 1;
	bool both = parts && need_val && !bad && !((o->seed >> 4) & 7);
	/*
	 * 1 in 4 well-formed sets and cas stage their values first
	 * (SMAP_CMD_STAGE) and name them in SMAP_A_STAGED: the same outcome
	 */
	uint32_t staged = need_val && !bad && !both && !((o->seed >> 24) & 3) ?
			  SMAP_STAGED_VALUE : 0;
	struct mres mr = { 0, 0, 0 };
	int got;

	if (staged && o->kind == K_NL_CAS && ((o->seed >> 26) & 1))
		staged |= SMAP_STAGED_OLD;
	if (staged && !((o->seed >> 27) & 1) && o->kind == K_NL_CAS)
		staged &= ~SMAP_STAGED_VALUE;	/* the old value alone */
	if ((staged & SMAP_STAGED_OLD) &&
	    (got = nl_stage(c, &m, &r, SMAP_A_OLD_VALUE_PART, ob, ol,
			    o->seed * 2654435761u)))
		return fail(c, "netlink stage of an old value: %d (%s)", got,
			    strerror(-got));
	if ((staged & SMAP_STAGED_VALUE) &&
	    (got = nl_stage(c, &m, &r, SMAP_A_VALUE_PART, vb, vl,
			    (o->seed ^ 0x9e3779b9u) * 2246822519u)))
		return fail(c, "netlink stage of a value: %d (%s)", got,
			    strerror(-got));
	nl_start(c, &m, c->fam, bad == 9 ? 60 + o->sub % 40 : cmds[o->kind], NLM_F_ACK);
	if (staged)
		nla_add(&m, SMAP_A_STAGED, &staged, 4);
	if (bad == 2) {		/* a duplicate: the last one counts */
		nla_add(&m, SMAP_A_KEY, "garbage", 7);
	}
	if (bad == 8)
		klen = 0;
	if (bad != 1)	/* 1: key missing */
		nla_add(&m, SMAP_A_KEY, c->key[o->ki], bad == 3 ? 1025 : klen);
	if (staged & SMAP_STAGED_VALUE)
		;
	else if (need_val && bad != 1 && parts)
		nla_add_parts(&m, SMAP_A_VALUE_PART, vb, vl, o->seed >> 8);
	if (need_val && bad != 1 && (!parts || both) &&
	    !(staged & SMAP_STAGED_VALUE))
		nla_add(&m, SMAP_A_VALUE, vb, vl);
	if (staged & SMAP_STAGED_OLD)
		;
	else if (o->kind == K_NL_CAS && parts)
		nla_add_parts(&m, SMAP_A_OLD_VALUE_PART, ob, ol, o->seed >> 20);
	else if (o->kind == K_NL_CAS)
		nla_add(&m, SMAP_A_OLD_VALUE, ob, ol);
	if (o->kind == K_NL_GET && parts)	/* asks for a long value in parts */
		nla_add(&m, SMAP_A_VALUE_PART, "", 0);
	if (o->kind == K_NL_INCR && o->delta != 1)
		nla_add(&m, SMAP_A_DELTA, &o->delta, 8);
	if (o->kind != K_NL_GET && (o->flags & SMAP_F_MODE || bad == 4 || bad == 5)) {
		if (bad == 4)
			mode = 01000 | o->mode;
		nla_add(&m, SMAP_A_MODE, &mode, bad == 5 ? 2 : 4);
		flags |= SMAP_F_MODE;
	}
	if (o->kind == K_NL_SET && (o->flags & SMAP_F_EXCL || bad == 6)) {
		uint32_t f = bad == 6 ? SMAP_F_MODE : SMAP_F_EXCL;

		nla_add(&m, SMAP_A_FLAGS, &f, 4);
		flags |= SMAP_F_EXCL;
	}
	if (bad == 7)	/* an unknown attribute */
		nla_add(&m, SMAP_A_MAX + 1 + o->sub % 20, "x", 1);
	got = nl_talk(c, &m, false, &r, tb);
	if (got == -ETIMEDOUT)
		return fail(c, "netlink: no answer in 20 s");
	if (bad && bad != 2 && bad != 8) {
		/* refused by genetlink or the policy, the store untouched */
		if (bad == 9 && got == -EOPNOTSUPP)
			return 0;
		if (bad == 1 && got == -EINVAL)
			return 0;
		if (bad != 9 && bad != 1 && (got == -EINVAL || got == -ERANGE))
			return 0;
		return fail(c, "netlink malformation %u: got %d (%s)", bad, got,
			    strerror(-got));
	}
	if (bad == 8) {
		EXPECT(got, -EINVAL, "netlink key of 0 bytes");
		return 0;
	}
	if (both) {
		EXPECT(got, -EINVAL, "netlink value both whole and in parts");
		return 0;
	}
	if (o->kind == K_NL_GET) {
		const struct mkey *k = &c->m->k[o->ki];
		int want = !k->exists ? -ENOENT :
			   !model_readable(c, o->ki) ? -EACCES : 0;
		uint32_t wl;

		EXPECT(got, want, "netlink get");
		if (want)
			return 0;
		wl = vmat(&k->v, want_v);
		if (!tb[SMAP_A_VALUE] || (uint32_t)(tb[SMAP_A_VALUE]->nla_len - NLA_HDRLEN) != wl ||
		    memcmp((uint8_t *)tb[SMAP_A_VALUE] + NLA_HDRLEN, want_v, wl))
			return fail(c, "netlink get: value differs");
		if (nla_u32(tb[SMAP_A_MODE]) != k->mode ||
		    nla_u32(tb[SMAP_A_UID]) != k->uid || nla_u32(tb[SMAP_A_GID]) != k->gid)
			return fail(c, "netlink get: mode/uid/gid %#o/%u/%u, want %#o/%u/%u",
				    nla_u32(tb[SMAP_A_MODE]), nla_u32(tb[SMAP_A_UID]),
				    nla_u32(tb[SMAP_A_GID]), k->mode, k->uid, k->gid);
		return 0;
	}
	mr = model_mut(c, sop[o->kind], o->ki, flags, mode, false, &o->v,
		       &o->o, o->kind == K_NL_INCR ? o->delta : 0);
	EXPECT(got, mr.err, "netlink errno");
	if (!mr.err && nla_u32(tb[SMAP_A_STATUS]) != mr.status)
		return fail(c, "netlink status %u, want %u",
			    nla_u32(tb[SMAP_A_STATUS]), mr.status);
	if (!mr.err && o->kind == K_NL_INCR) {
		int64_t res = 0;

		if (tb[SMAP_A_RESULT])
			memcpy(&res, (uint8_t *)tb[SMAP_A_RESULT] + NLA_HDRLEN, 8);
		if (res != mr.result)
			return fail(c, "netlink incr %" PRId64 ", want %" PRId64,
				    res, mr.result);
	}
	return 0;
}

/*
 * The LIST dump (NLM_F_DUMP): one message per key the caller may read,
 * across as many datagrams as it takes, then NLMSG_DONE; compared with the
 * model as the ioctl's list is. A 1025-byte prefix (var set, 1 in 4) is
 * refused by the policy or lists nothing.
 */
static int do_nl_list(struct wctx *c, const struct op *o)
{
	static __thread struct nlbuf m;
	static __thread uint8_t rb[65536] __attribute__((aligned(4)));
	static __thread uint8_t big[1025];
	char prefix[16];
	bool seen[NK] = { false }, probe = o->seed & 1, done = false;
	bool toolong = o->var && !(o->sub % 4);
	unsigned int nseen = 0;
	struct nlmsghdr *h = (struct nlmsghdr *)m.b;
	uint32_t seq;

	snprintf(prefix, sizeof(prefix), "%c%u/", probe ? 'p' : 'f', c->w);
	nl_start(c, &m, c->fam, SMAP_CMD_LIST, NLM_F_DUMP);
	if (toolong) {
		memset(big, 'f', sizeof(big));
		nla_add(&m, SMAP_A_PREFIX, big, sizeof(big));
	} else {
		nla_add(&m, SMAP_A_PREFIX, prefix, strlen(prefix));
	}
	h->nlmsg_len = m.len;
	seq = h->nlmsg_seq;
	if (send(c->nl, m.b, m.len, 0) < 0)
		return fail(c, "netlink list: send: %s", strerror(errno));
	while (!done) {
		ssize_t n = recv(c->nl, rb, sizeof(rb), 0);
		struct nlmsghdr *rh;

		if (n < 0)
			return fail(c, "netlink list: %s", errno == EAGAIN ?
				    "no answer in 20 s" : strerror(errno));
		for (rh = (struct nlmsghdr *)rb; NLMSG_OK(rh, (size_t)n);
		     rh = NLMSG_NEXT(rh, n)) {
			struct nlattr *a, *key = NULL;
			int rem, e;

			if (rh->nlmsg_seq != seq)
				continue;
			if (rh->nlmsg_type == NLMSG_ERROR || rh->nlmsg_type == NLMSG_DONE) {
				memcpy(&e, NLMSG_DATA(rh), sizeof(e));
				if (toolong && (e == -EINVAL || e == -ERANGE))
					return 0;
				if (e)
					return fail(c, "netlink list %s: %d (%s)", prefix, e,
						    strerror(-e));
				if (rh->nlmsg_type == NLMSG_ERROR)
					continue;	/* an ack: the DONE follows */
				done = true;
				break;
			}
			a = (struct nlattr *)((uint8_t *)NLMSG_DATA(rh) + GENL_HDRLEN);
			rem = rh->nlmsg_len - NLMSG_HDRLEN - GENL_HDRLEN;
			for (; rem >= (int)NLA_HDRLEN && a->nla_len >= NLA_HDRLEN &&
			       a->nla_len <= rem;
			     rem -= NLA_ALIGN(a->nla_len),
			     a = (struct nlattr *)((uint8_t *)a + NLA_ALIGN(a->nla_len)))
				if ((a->nla_type & NLA_TYPE_MASK) == SMAP_A_KEY)
					key = a;
			if (!key)
				return fail(c, "netlink list %s: a reply without a key", prefix);
			if (list_seen(c, "netlink list", toolong ? "(1025-byte prefix)" : prefix,
				      (uint8_t *)key + NLA_HDRLEN, key->nla_len - NLA_HDRLEN, seen))
				return -1;
			nseen++;
		}
	}
	if (toolong)
		return nseen ? fail(c, "netlink list: a 1025-byte prefix listed keys") : 0;
	return list_done(c, "netlink list", prefix, probe, seen, UINT64_MAX);
}

/* Garbage: random bytes, bad lengths, truncated messages; then a stats probe. */
static int do_nl_garbage(struct wctx *c, const struct op *o)
{
	static __thread struct nlbuf m, r;
	uint64_t s = o->seed;
	size_t i, n = 16 + rnd(&s, 200);
	struct nlmsghdr *h = (struct nlmsghdr *)m.b;
	int got;

	nl_start(c, &m, rnd(&s, 4) ? c->fam : (uint16_t)rnd(&s, 65536),
		 rnd(&s, SMAP_CMD_MAX + 3), rnd(&s, 2) ? NLM_F_ACK : 0);
	for (i = 0; i < n; i++)
		m.b[m.len + i] = (uint8_t)rnd_next(&s);
	/* sometimes well-formed attribute headers around garbage */
	if (rnd(&s, 2)) {
		struct nlattr a = { .nla_len = (uint16_t)rnd(&s, 300),
				    .nla_type = (uint16_t)rnd(&s, SMAP_A_MAX + 3) };
		memcpy(m.b + m.len, &a, sizeof(a));
	}
	m.len += n;
	h->nlmsg_len = m.len;
	switch (rnd(&s, 3)) {
	case 0:
		h->nlmsg_len = m.len + 1 + rnd(&s, 100);	/* truncated */
		break;
	case 1:
		h->nlmsg_len = rnd(&s, NLMSG_HDRLEN + GENL_HDRLEN);
		break;
	default:
		break;
	}
	h->nlmsg_flags &= ~NLM_F_ACK;	/* no answer to wait for */
	h->nlmsg_flags |= rnd(&s, 2) ? NLM_F_DUMP : 0;
	if (send(c->nl, m.b, m.len, 0) < 0 && errno != EINVAL)
		return fail(c, "garbage: send: %s", strerror(errno));
	/* the socket still works: a stats request, drained past the garbage */
	nl_start(c, &m, c->fam, SMAP_CMD_STATS, NLM_F_ACK);
	got = nl_talk(c, &m, false, &r, NULL);
	EXPECT(got, 0, "netlink stats after garbage");
	return 0;
}

/* ---- the in-kernel API (root workers, through smap_fuzz_kapi) ------------ */

static int do_kapi(struct wctx *c, const struct op *o)
{
	static __thread struct smap_fk_req q;
	static __thread uint8_t want_v[VMAX + 32];
	unsigned int op = o->sub % 6;
	const struct mkey *k = &c->m->k[o->ki];
	struct mres r = { 0, 0, 0 };
	uint32_t vl;

	if (c->kfd < 0)
		return 0;
	memset(&q, 0, sizeof(q));
	q.op = op;
	q.klen = c->klen[o->ki];
	memcpy(q.key, c->key[o->ki], q.klen);
	if (o->var == V_KLEN0)
		q.klen = 0;
	else if (o->var == V_KLENHUGE)
		q.klen = 0xffffffffu - o->sub;
	q.vlen = vl = vmat(&o->v, q.val);
	q.olen = vmat(&o->o, q.old);
	if (o->var == V_VLENHUGE)
		q.vlen = SMAP_VALUE_MAX + 1 + o->sub;
	q.mode = o->var == V_BADMODE ? 01000 | o->mode : o->mode;
	q.delta = o->delta;
	if (op == SMAP_FK_GET)
		q.vlen = o->cap;
	if (ioctl(c->kfd, SMAP_FK_IOC, &q) < 0)
		return fail(c, "smap_fuzz_kapi ioctl: %s", strerror(errno));
	if (q.klen == 0)
		r.err = -EINVAL;
	else if (q.klen > 1024)
		r.err = -ENAMETOOLONG;
	else if (op == SMAP_FK_GET) {
		if (!k->exists)
			r.err = -ENOENT;
		else if (o->cap < vmat(&k->v, want_v))
			r.err = -ERANGE;
	} else if (op == SMAP_FK_SET || op == SMAP_FK_CREATE) {
		if (q.mode & ~0777)
			r.err = -EINVAL;
		else if (o->var == V_VLENHUGE)
			r.err = -EMSGSIZE;
		else
			r = model_mut(c, SMAP_OP_SET, o->ki, SMAP_F_MODE |
				      (op == SMAP_FK_CREATE ? SMAP_F_EXCL : 0),
				      q.mode, true, &o->v, NULL, 0);
	} else if (op == SMAP_FK_CAS && o->var == V_VLENHUGE) {
		r.err = -EMSGSIZE;
	} else {
		static const int sop[] = { [SMAP_FK_DEL] = SMAP_OP_DEL,
			[SMAP_FK_INCR] = SMAP_OP_INCR, [SMAP_FK_CAS] = SMAP_OP_CAS };

		r = model_mut(c, sop[op], o->ki, 0, 0, true, &o->v, &o->o, o->delta);
	}
	EXPECT(q.err, r.err, "kapi errno");
	if (op == SMAP_FK_INCR && !r.err && q.result != r.result)
		return fail(c, "kapi incr %" PRId64 ", want %" PRId64,
			    (int64_t)q.result, r.result);
	if (op == SMAP_FK_GET && (!r.err || r.err == -ERANGE)) {
		uint32_t wl = vmat(&k->v, want_v);

		if (q.vlen != wl || (!r.err && memcmp(q.val, want_v, wl)))
			return fail(c, "kapi get: value differs (%u bytes, want %u)",
				    q.vlen, wl);
	}
	(void)vl;
	return 0;
}

/* ---- sysfs parameters ---------------------------------------------------- */

struct pdef {
	const char *name;
	uint64_t lo, hi;	/* what the fuzzer writes as valid */
	uint64_t min;		/* below: refused */
};

static const struct pdef params[] = {
	{ "batch_ms", 1, 10000, 1 },
	{ "queue_max", 2 << 20, 1 << 30, 2 << 20 },
	{ "compact_min", 64 << 10, 1ULL << 40, 64 << 10 },
	{ "compact_ratio", 2, 100, 2 },
	{ "max_bytes", 64ULL << 20, 1ULL << 40, 4096 },	/* >= the default */
};
#define NPARAM (sizeof(params) / sizeof(params[0]))

static int sysfs_write(const char *name, const char *val, size_t n)
{
	char path[128];
	int fd, err = 0;

	snprintf(path, sizeof(path), PARAM_DIR "%s", name);
	fd = open(path, O_WRONLY);
	if (fd < 0)
		return -errno;
	if (write(fd, val, n) < 0)
		err = -errno;
	close(fd);
	return err;
}

static int sysfs_read(const char *name, char *buf, size_t n)
{
	char path[128];
	ssize_t got;
	int fd;

	snprintf(path, sizeof(path), PARAM_DIR "%s", name);
	fd = open(path, O_RDONLY);
	if (fd < 0)
		return -errno;
	got = read(fd, buf, n - 1);
	close(fd);
	if (got < 0)
		return -errno;
	buf[got] = 0;
	return 0;
}

static int do_sysfs(struct wctx *c, const struct op *o)
{
	uint64_t s = o->seed;
	unsigned int p = o->sub % (NPARAM + 4);
	char val[64], back[64];
	int got, want = 0;

	if (c->root && c->w != 0)
		return 0;	/* worker 0 alone writes: its model is exact */
	if (!c->root) {		/* refused by the file's mode */
		got = sysfs_write(p < NPARAM ? params[p].name : "sync", "1", 1);
		EXPECT(got, -EACCES, "sysfs write as a user");
		return 0;
	}
	if (!c->param_known) {
		for (unsigned int i = 0; i < NPARAM; i++) {
			if (sysfs_read(params[i].name, back, sizeof(back)))
				return fail(c, "read %s", params[i].name);
			c->param[i] = strtoull(back, NULL, 10);
		}
		if (sysfs_read("sync", c->sync, sizeof(c->sync)))
			return fail(c, "read sync");
		c->param_known = true;
	}
	if (p < NPARAM) {
		const struct pdef *d = &params[p];
		uint64_t v = d->lo + rnd_next(&s) % (d->hi - d->lo + 1);

		val[0] = 0;
		switch (rnd(&s, 9)) {
		case 0: v = d->lo; break;
		case 1: v = d->hi; break;
		case 2: v = d->min - 1; want = -EINVAL; break;
		case 3: v = d->hi + 1; want = -EINVAL; break;
		case 4: strcpy(val, "abc"); want = -EINVAL; break;
		case 5: strcpy(val, "-1"); want = -EINVAL; break;
		case 6: strcpy(val, "18446744073709551616"); want = -EINVAL; break;
		case 7: strcpy(val, "\n"); want = -EINVAL; break;
		default: break;
		}
		if (!val[0])
			snprintf(val, sizeof(val), rnd(&s, 4) ? "%" PRIu64 "\n" :
				 "0x%" PRIx64, v);
		got = sysfs_write(d->name, val, strlen(val));
		EXPECT(got, want, "sysfs write");
		if (!want)
			c->param[p] = v;
		if (sysfs_read(d->name, back, sizeof(back)))
			return fail(c, "read %s", d->name);
		back[strcspn(back, "\n")] = 0;
		if (strtoull(back, NULL, 10) != c->param[p])
			return fail(c, "%s reads %s, want %" PRIu64, d->name, back,
				    c->param[p]);
		return 0;
	}
	switch (p - NPARAM) {
	case 0: {	/* sync */
		static const char *const sv[] = { "always", "batch", "none",
						  "always\n", "sometimes", "ALWAYS" };
		unsigned int i = rnd(&s, 6);

		got = sysfs_write("sync", sv[i], strlen(sv[i]));
		EXPECT(got, i < 4 ? 0 : -EINVAL, "sysfs write sync");
		if (i < 4)
			snprintf(c->sync, sizeof(c->sync), "%s\n",
				 i == 3 ? "always" : sv[i]);
		if (sysfs_read("sync", back, sizeof(back)) || strcmp(back, c->sync))
			return fail(c, "sync reads %s, want %s", back, c->sync);
		return 0;
	}
	case 1:	/* compact_now */
		got = sysfs_write("compact_now", rnd(&s, 4) ? "1" : "x", 1);
		if (got && got != -EINVAL)
			EXPECT(got, 0, "compact_now");
		return 0;
	case 2:	/* recover: nothing to recover from */
		got = sysfs_write("recover", "1", 1);
		EXPECT(got, 0, "recover");
		if (sysfs_read("read_only", back, sizeof(back)) || strcmp(back, "0\n"))
			return fail(c, "read_only reads %s", back);
		return 0;
	default:	/* read-only parameters */
		got = sysfs_write(rnd(&s, 2) ? "key_max" : "value_max", "5", 1);
		EXPECT(got, -EACCES, "write a 0444 parameter");
		return 0;
	}
}

/* ---- descriptors passed between users (SCM_RIGHTS) ------------------------- */

#define UIDP		2000	/* a root worker's passed descriptors' opener */

static int g_pfd = -1, g_pnl = -1;
static uint32_t g_puid;

/*
 * Before become(w): a helper process opens /dev/shared_map and a generic
 * netlink socket as the other side (uid UIDP + w for a root worker, root
 * for a user worker) and passes both over a unix socket. The module must
 * judge requests on them by their opener (f_cred: its uid, gid and mode
 * bits), and grant CAP_SYS_ADMIN's bypass only if both the opener and the
 * caller have it, so through them a root worker is a plain user and a
 * user worker is uid 0 without the bypass (smap(1), SECURITY).
 */
static void passed_get(unsigned int w)
{
	uint32_t id = (w & 1) ? 0 : UIDP + w;
	char cbuf[CMSG_SPACE(2 * sizeof(int))] __attribute__((aligned(8)));
	struct iovec iov = { .iov_base = "x", .iov_len = 1 };
	struct msghdr mh = { .msg_iov = &iov, .msg_iovlen = 1,
			     .msg_control = cbuf, .msg_controllen = sizeof(cbuf) };
	struct sockaddr_nl sa = { .nl_family = AF_NETLINK };
	struct timeval tv = { .tv_sec = 20 };
	struct cmsghdr *cm;
	int sv[2], fds[2], status;
	char x;
	pid_t pid;

	g_pfd = g_pnl = -1;
	g_puid = id;
	if (socketpair(AF_UNIX, SOCK_DGRAM | SOCK_CLOEXEC, 0, sv))
		return;
	pid = fork();
	if (pid == 0) {
		if (id && (setgroups(0, NULL) || setgid(id) || setuid(id)))
			_exit(1);
		fds[0] = open(SMAP_DEVICE_PATH, O_RDWR);
		fds[1] = socket(AF_NETLINK, SOCK_RAW, NETLINK_GENERIC);
		if (fds[0] < 0 || fds[1] < 0)
			_exit(1);
		memset(cbuf, 0, sizeof(cbuf));
		cm = CMSG_FIRSTHDR(&mh);
		cm->cmsg_level = SOL_SOCKET;
		cm->cmsg_type = SCM_RIGHTS;
		cm->cmsg_len = CMSG_LEN(sizeof(fds));
		memcpy(CMSG_DATA(cm), fds, sizeof(fds));
		_exit(sendmsg(sv[1], &mh, 0) < 0);
	}
	close(sv[1]);
	iov.iov_base = &x;
	if (pid > 0 && recvmsg(sv[0], &mh, MSG_CMSG_CLOEXEC) == 1 &&
	    (cm = CMSG_FIRSTHDR(&mh)) && cm->cmsg_type == SCM_RIGHTS &&
	    cm->cmsg_len == CMSG_LEN(sizeof(fds))) {
		memcpy(fds, CMSG_DATA(cm), sizeof(fds));
		g_pfd = fds[0];
		g_pnl = fds[1];
		if (bind(g_pnl, (struct sockaddr *)&sa, sizeof(sa)) < 0) {
			close(g_pnl);
			g_pnl = -1;
		} else {
			setsockopt(g_pnl, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof(tv));
		}
	}
	if (pid > 0)
		waitpid(pid, &status, 0);
	close(sv[0]);
	if (g_pfd < 0 || g_pnl < 0) {
		fprintf(stderr, "smap-fuzz: worker %u: no descriptors passed from uid %u\n",
			w, id);
		_exit(2);
	}
}

static int run_op(struct wctx *c, const struct op *o);

/* An ioctl or netlink op (by sub) through the passed descriptors. */
static int do_passed(struct wctx *c, const struct op *o)
{
	static const uint8_t sub[] = { K_IOC_SET, K_IOC_GET, K_IOC_DEL,
		K_IOC_INCR, K_IOC_CAS, K_IOC_LIST, K_NL_SET, K_NL_GET,
		K_NL_DEL, K_NL_INCR, K_NL_CAS, K_NL_LIST };
	struct op p = *o;
	int fd = c->fd, nl = c->nl, rc;
	uint32_t uid = c->uid, gid = c->gid;
	bool cap = c->cap;

	if (c->pfd < 0)
		return 0;	/* the parent's checks */
	p.kind = sub[o->sub % sizeof(sub)];
	c->fd = c->pfd;
	c->nl = c->pnl;
	c->uid = c->gid = c->puid;
	c->cap = false;
	rc = run_op(c, &p);
	c->fd = fd;
	c->nl = nl;
	c->uid = uid;
	c->gid = gid;
	c->cap = cap;
	return rc;
}

/* ---- printing an operation (reproducers) ---------------------------------- */

static const char *vdesc_str(const struct vdesc *v)
{
	static __thread char b[4][48];
	static __thread unsigned int i;
	char *p = b[i++ % 4];

	if (v->kind == VK_NUM)
		snprintf(p, 48, "\"%" PRId64 "\"", v->s);
	else if (v->kind == VK_STR)
		snprintf(p, 48, "\"%s\"", vstr[v->s]);
	else
		snprintf(p, 48, "<%u bytes, seed %" PRId64 ">", v->len, v->s);
	return p;
}

static const char *const opname[] = { "set", "get", "del", "incr", "cas" };
static const char *const fkname[] = { "smap_set", "smap_create", "smap_get",
				      "smap_del", "smap_incr", "smap_cas" };

static void op_str(const struct wctx *c, const struct op *o, char *b, size_t n)
{
	const char *var = vname[o->var];
	uint32_t flags = op_flags(o), mode = op_mode(o, &flags);
	size_t l;

	if (o->kind >= K_NL_SET && o->kind <= K_NL_CAS)
		var = nlbname[nl_bad(o)];
	else if (o->kind == K_PASSED)
		var = "(an ioctl or netlink op by sub, on the passed descriptors)";
	else if (o->kind == K_NL_GARBAGE || o->kind == K_SYSFS ||
		 o->kind == K_IOC_BADCMD || o->kind == K_IOC_RECOVER)
		var = "";
	l = snprintf(b, n, "%s%s%s%s key %s%s%s flags %#x mode %#o value %s old %s delta %" PRId64 " cap %u (sub %u seed %u)",
		     kname[o->kind], o->kind == K_KAPI ? " " : "",
		     o->kind == K_KAPI ? fkname[o->sub % 6] : "",
		     o->kind == K_SYSFS ? " (param by sub)" : "",
		     keyname(c, o->ki), *var ? " " : "", var, flags, mode,
		     vdesc_str(&o->v), vdesc_str(&o->o), o->delta, o->cap,
		     o->sub, o->seed);
	if (o->kind == K_IOC_BATCH && l < n) {
		struct bent e[8];
		unsigned int k = batch_gen(o->seed, e);

		l += snprintf(b + l, n - l, " entries:");
		for (unsigned int i = 0; i < k && l < n; i++)
			l += snprintf(b + l, n - l, " [%s %s%s flags %#x mode %#o %s delta %" PRId64 "]",
				      e[i].op < 5 ? opname[e[i].op] : "op-99",
				      keyname(c, e[i].ki), e[i].klen0 ? " key-len-0" : "",
				      e[i].flags, e[i].mode, vdesc_str(&e[i].v),
				      e[i].delta);
	}
}

/* ---- one operation ------------------------------------------------------ */

static int run_op(struct wctx *c, const struct op *o)
{
	/* a full or read-only round: nothing may change the limits or leave
	 * read-only mode behind the model's back */
	if (sh->mode != R_NORMAL &&
	    (o->kind == K_SYSFS || o->kind == K_IOC_RECOVER))
		return 0;
	switch (o->kind) {
	case K_IOC_SET: return do_ioc_kv(c, o, SMAP_OP_SET);
	case K_IOC_DEL: return do_ioc_kv(c, o, SMAP_OP_DEL);
	case K_IOC_GET: return do_ioc_get(c, o);
	case K_IOC_INCR: return do_ioc_incr(c, o);
	case K_IOC_CAS: return do_ioc_cas(c, o);
	case K_IOC_LIST: return do_ioc_list(c, o);
	case K_IOC_BATCH: return do_ioc_batch(c, o);
	case K_IOC_VERSION: case K_IOC_STATS: case K_IOC_BADCMD:
	case K_IOC_RECOVER:
		return do_ioc_misc(c, o);
	case K_NL_GARBAGE: return do_nl_garbage(c, o);
	case K_KAPI: return do_kapi(c, o);
	case K_SYSFS: return do_sysfs(c, o);
	case K_NL_LIST: return do_nl_list(c, o);
	case K_PASSED: return do_passed(c, o);
	case K_IOC_WATCH: return do_ioc_watch(c, o);
	default: return do_nl(c, o);
	}
}

/* ---- workers ------------------------------------------------------------ */

static int wctx_open(struct wctx *c, unsigned int w, struct model *m,
		     char *msg, size_t msgsz)
{
	long pg = sysconf(_SC_PAGESIZE);
	int err;

	memset(c, 0, sizeof(*c));
	c->w = w;
	c->root = c->cap = getuid() == 0;
	c->pfd = g_pfd;
	c->pnl = g_pnl;
	c->puid = g_puid;
	c->uid = getuid();
	c->gid = getgid();
	c->m = m;
	c->msg = msg;
	c->msgsz = msgsz;
	keys_init(c);
	c->guard = mmap(NULL, 2 * pg, PROT_READ | PROT_WRITE,
			MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	c->none = mmap(NULL, pg, PROT_NONE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	if (c->guard == MAP_FAILED || c->none == MAP_FAILED)
		return -ENOMEM;
	mprotect(c->guard + pg, pg, PROT_NONE);
	c->fd = open(SMAP_DEVICE_PATH, O_RDWR | O_CLOEXEC);
	if (c->fd < 0)
		return -errno;
	c->kfd = c->root ? open("/dev/smap_fuzz_kapi", O_RDWR | O_CLOEXEC) : -1;
	err = nl_open(c);
	return err;
}

static void wctx_close(struct wctx *c)
{
	long pg = sysconf(_SC_PAGESIZE);

	close(c->fd);
	close(c->nl);
	if (c->kfd >= 0)
		close(c->kfd);
	munmap(c->guard, 2 * pg);
	munmap(c->none, pg);
}

static void become(unsigned int w)
{
	uid_t id = UID0 + w / 2;

	if (!(w & 1))
		return;
	if (setgroups(0, NULL) || setgid(id) || setuid(id)) {
		perror("smap-fuzz: setuid");
		_exit(2);
	}
}

static volatile int chaos_stop;

/* Root workers' second thread: shared keys s/0..7, no model, no crash. */
static void *chaos(void *arg)
{
	uint64_t r = *(uint64_t *)arg;
	int fd = open(SMAP_DEVICE_PATH, O_RDWR | O_CLOEXEC);
	uint8_t vb[VMAX + 32];

	if (fd < 0)
		return NULL;
	while (!chaos_stop) {
		char key[8];
		struct vdesc v;
		struct smap_kv kv = { 0 };
		struct smap_incr in = { 0 };

		snprintf(key, sizeof(key), "s/%u", rnd(&r, 8));
		vgen(&r, &v);
		kv.key = in.key = (uint64_t)(uintptr_t)key;
		kv.key_len = in.key_len = strlen(key);
		kv.value = (uint64_t)(uintptr_t)vb;
		switch (rnd(&r, 4)) {
		case 0:
			kv.value_len = vmat(&v, vb);
			ioctl(fd, SMAP_IOC_SET, &kv);
			break;
		case 1:
			kv.value_len = sizeof(vb);
			if (ioctl(fd, SMAP_IOC_GET, &kv) == 0 && kv.value_len > VMAX) {
				printf("smap-fuzz: shared key %s: a value of %u bytes, never written (seed %" PRIu64 ")\n",
				       key, kv.value_len, g_seed);
				sh->failed = 2;	/* no model, no reduction */
			}
			break;
		case 2:
			in.delta = 1;
			ioctl(fd, SMAP_IOC_INCR, &in);
			break;
		default:
			ioctl(fd, SMAP_IOC_DEL, &kv);
			break;
		}
		__atomic_fetch_add(&sh->chaos_ops, 1, __ATOMIC_RELAXED);
	}
	close(fd);
	return NULL;
}

static double now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec + ts.tv_nsec / 1e9;
}

/* A worker process: ops until @until or a mismatch. Exit status 0 or 1. */
static void worker(unsigned int w, unsigned int round, double until)
{
	struct wstate *ws = &sh->w[w];
	uint64_t r = g_seed * 1000003 + round * 7919 + w + 1;
	char msg[1024] = "";
	pthread_t th;
	struct wctx c;
	bool chaotic;
	int err;

	passed_get(w);
	become(w);
	err = wctx_open(&c, w, &ws->m, msg, sizeof(msg));
	if (err) {
		fprintf(stderr, "smap-fuzz: worker %u: open: %s\n", w, strerror(-err));
		_exit(2);
	}
	chaotic = c.root && !pthread_create(&th, NULL, chaos, &r);
	ws->nops = 0;
	while (now() < until && !sh->failed && ws->nops < MAXOPS) {
		struct op *o = &ws->ops[ws->nops];

		gen_op(&c, &r, o);
		ws->nops++;
		if (run_op(&c, o)) {
			if (!__atomic_exchange_n(&sh->failed, 1, __ATOMIC_SEQ_CST)) {
				sh->fail_w = w;
				sh->fail_i = ws->nops - 1;
				snprintf(sh->fail_msg, sizeof(sh->fail_msg), "%s", msg);
			}
			break;
		}
		ws->done++;
	}
	if (chaotic) {
		chaos_stop = 1;
		pthread_join(th, NULL);
	}
	wctx_close(&c);
	_exit(0);
}

/* ---- the parent: rounds, reload checks, reduction ------------------------- */

static int sh_run(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
static int sh_run(const char *fmt, ...)
{
	char cmd[512];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(cmd, sizeof(cmd), fmt, ap);
	va_end(ap);
	return system(cmd);
}

/*
 * The log lives on a tmpfs of its own (when it can be mounted; volatile=1
 * lets the module use it) that a read-only round shrinks to what it holds: the log's next write fails
 * and the store goes read-only as after an I/O error.
 */
#define LOGFS		"/run/smap-fuzz"
#define LOGDIR		LOGFS "/log"
#define LOGFS_SIZE	"256m"
static bool g_tmpfs;

static int load(void)
{
	if (sh_run("modprobe shared_map %s && modprobe smap_fuzz_kapi",
		   g_tmpfs ? "path=" LOGDIR " volatile=1" : ""))
		return -1;
	return sysfs_write("user_max_bytes", "32768", 5) ? -1 : 0;
}

static int unload(void)
{
	if (sh_run("rmmod smap_fuzz_kapi 2>/dev/null; rmmod shared_map"))
		return -1;
	if (g_tmpfs && sh_run("mount -o remount,size=" LOGFS_SIZE " " LOGFS))
		return -1;
	return 0;
}

/*
 * As root, after the prologues: the store as sh->mode says. R_FULL: a
 * root key of 8000 bytes, then max_bytes at its least (4096), so that
 * whatever costs more bytes fails with ENOSPC. R_RO: the log's tmpfs
 * shrunk to what it holds, then root's sets until one fails: read_only
 * must then read 1, and every mutation fail with EROFS.
 */
static int round_setup(void)
{
	static uint8_t big[8000];
	struct smap_kv kv = { 0 };
	struct statvfs st;
	char back[16] = "";
	int fd, err = 0;

	if (sh->mode == R_NORMAL)
		return 0;
	fd = open(SMAP_DEVICE_PATH, O_RDWR | O_CLOEXEC);
	if (fd < 0)
		return -1;
	memset(big, 'z', sizeof(big));
	kv.key = (uint64_t)(uintptr_t)"z/fill";
	kv.key_len = 6;
	kv.value = (uint64_t)(uintptr_t)big;
	kv.value_len = sizeof(big);
	if (sh->mode == R_FULL) {
		if (ioctl(fd, SMAP_IOC_SET, &kv) || sysfs_write("max_bytes", "4096", 4))
			err = -1;
	} else if (statvfs(LOGFS, &st) ||
		   sh_run("mount -o remount,size=%llu " LOGFS,
			  (unsigned long long)(st.f_blocks - st.f_bfree) * st.f_frsize)) {
		err = -1;
	} else {
		for (unsigned int i = 0; i < 256; i++) {
			big[0] = 'a' + i % 26;
			if (ioctl(fd, SMAP_IOC_SET, &kv))
				break;
		}
		if (sysfs_read("read_only", back, sizeof(back)) || strcmp(back, "1\n"))
			err = -1;
	}
	close(fd);
	if (err)
		printf("smap-fuzz: could not make the store %s (read_only reads %s)\n",
		       sh->mode == R_FULL ? "full" : "read-only", back);
	return err;
}

/* As root: (re)create worker @w's probe keys p<w>/j with their modes. */
static int prologue(unsigned int w, struct model *m)
{
	char msg[256];
	struct wctx c;
	unsigned int j;
	int err = wctx_open(&c, w, m, msg, sizeof(msg));

	if (err)
		return err;
	c.uid = c.gid = 0;
	for (j = 0; j < NPROBE; j++) {
		unsigned int ki = NOWN + j;
		struct smap_kv kv = { 0 };
		char val[32];

		kv.key = (uint64_t)(uintptr_t)c.key[ki];
		kv.key_len = c.klen[ki];
		ioctl(c.fd, SMAP_IOC_DEL, &kv);
		snprintf(val, sizeof(val), "%u", j);
		kv.value = (uint64_t)(uintptr_t)val;
		kv.value_len = strlen(val);
		kv.flags = SMAP_F_MODE;
		kv.mode = probe_mode[j];
		if (ioctl(c.fd, SMAP_IOC_SET, &kv)) {
			err = -errno;
			break;
		}
		m->k[ki] = (struct mkey){ true, { VK_NUM, 0, j }, 0, 0,
					  probe_mode[j] };
	}
	wctx_close(&c);
	return err;
}

/* After a reload: every key of every model, as root, and nothing more. */
static int verify(unsigned int round)
{
	uint8_t want_v[VMAX + 32];
	int bad = 0;

	for (unsigned int w = 0; w < g_workers; w++) {
		char msg[512];
		struct wctx c;
		struct op o = { .kind = K_IOC_GET, .cap = VMAX + 16 };

		if (wctx_open(&c, w, &sh->w[w].m, msg, sizeof(msg)))
			return -1;
		for (unsigned int i = 0; i < NK; i++) {
			o.ki = i;
			if (do_ioc_get(&c, &o)) {
				const struct mkey *k = &c.m->k[i];

				printf("smap-fuzz: LOST after reload (round %u, seed %" PRIu64 "): key %s (model: %s, %u bytes, mode %#o uid %u): %s\n",
				       round, g_seed, keyname(&c, i),
				       k->exists ? "exists" : "absent",
				       k->exists ? vmat(&k->v, want_v) : 0, k->mode,
				       k->uid, msg);
				bad++;
			}
		}
		o.kind = K_IOC_LIST;
		for (o.seed = 0; o.seed < 2; o.seed++)
			if (do_ioc_list(&c, &o)) {
				printf("smap-fuzz: after reload (round %u, seed %" PRIu64 "): %s\n",
				       round, g_seed, msg);
				bad++;
			}
		wctx_close(&c);
	}
	return bad ? -1 : 0;
}

/*
 * Replay worker @w's ops[keep] alone on a fresh store (probe keys as the
 * round began): true if a mismatch shows.
 */
static bool replay_fails(unsigned int w, const struct op *ops,
			 const bool *keep, uint32_t n, char *msg, size_t msgsz)
{
	struct model *m = mmap(NULL, sizeof(*m) + 1024, PROT_READ | PROT_WRITE,
			       MAP_SHARED | MAP_ANONYMOUS, -1, 0);
	char *out = (char *)(m + 1);
	int status;
	pid_t pid;
	bool failed;

	if (m == MAP_FAILED)
		return false;
	memset(m, 0, sizeof(*m) + 1024);
	unload();
	sh_run("rm -rf %s", g_tmpfs ? LOGDIR : "/var/tmp/shared_map");
	if (load() || prologue(w, m) || round_setup()) {
		munmap(m, sizeof(*m) + 1024);
		return false;
	}
	pid = fork();
	if (pid == 0) {
		struct wctx c;

		passed_get(w);
		become(w);
		if (wctx_open(&c, w, m, out, 1024))
			_exit(2);
		for (uint32_t i = 0; i < n; i++)
			if (keep[i] && run_op(&c, &ops[i]))
				_exit(1);
		_exit(0);
	}
	waitpid(pid, &status, 0);
	failed = WIFEXITED(status) && WEXITSTATUS(status) == 1;
	if (failed)
		snprintf(msg, msgsz, "%s", out);
	munmap(m, sizeof(*m) + 1024);
	return failed;
}

static void reduce(unsigned int w, unsigned int round)
{
	struct wstate *ws = &sh->w[w];
	uint32_t n = sh->fail_i + 1, left = n, chunk, trials = 0;
	bool *keep = calloc(n, sizeof(bool));
	char msg[1100];
	struct wctx c;
	double deadline = now() + 300;

	if (!keep)
		return;
	for (uint32_t i = 0; i < n; i++)
		keep[i] = true;
	printf("smap-fuzz: reducing %u operations of worker %u (uid %u), round %u...\n",
	       n, w, w & 1 ? UID0 + w / 2 : 0, round);
	fflush(stdout);
	if (!replay_fails(w, ws->ops, keep, n, msg, sizeof(msg))) {
		printf("smap-fuzz: does not fail replayed alone on a fresh store (a race with the other workers, or state from an earlier round); rerun with --seed %" PRIu64 "\n",
		       g_seed);
		left = 0;
	}
	for (chunk = n / 2; left && chunk >= 1 && now() < deadline; chunk /= 2) {
		for (uint32_t start = 0; start < n && now() < deadline; ) {
			uint32_t end = start, got = 0;
			bool *save;

			/* the next @chunk kept ops from start; never the last one */
			while (end < n - 1 && got < chunk) {
				got += keep[end];
				end++;
			}
			if (!got)
				break;
			save = malloc(n);
			memcpy(save, keep, n);
			for (uint32_t i = start; i < end; i++)
				keep[i] = false;
			trials++;
			if (replay_fails(w, ws->ops, keep, n, msg, sizeof(msg)))
				left -= got;
			else
				memcpy(keep, save, n);
			free(save);
			start = end;
		}
	}
	memset(&c, 0, sizeof(c));
	c.w = w;
	keys_init(&c);
	if (left) {
		replay_fails(w, ws->ops, keep, n, msg, sizeof(msg));
		printf("smap-fuzz: shortest sequence found (%u operations, %u replays), on a fresh store as %s %u after root created p%u/0..%d with modes 0600 0640 0644 0666 0604 0622 and set user_max_bytes=%d:\n",
		       left, trials, w & 1 ? "uid" : "root, worker", w & 1 ? UID0 + w / 2 : w,
		       w, NPROBE - 1, QUOTA);
		for (uint32_t i = 0, j = 0; i < n; i++)
			if (keep[i]) {
				char s[1600];

				op_str(&c, &ws->ops[i], s, sizeof(s));
				printf("  %u. %s\n", ++j, s);
			}
		printf("smap-fuzz: it fails with: %s\n", msg);
	} else {
		printf("smap-fuzz: the last operations of worker %u:\n", w);
		for (uint32_t i = n > 10 ? n - 10 : 0; i < n; i++) {
			char s[1600];

			op_str(&c, &ws->ops[i], s, sizeof(s));
			printf("  %s\n", s);
		}
	}
	free(keep);
}

/*
 * Wait for the round's workers. A worker killed by a signal (an oops in
 * the kernel) is reported at once with the seed and its last operations;
 * workers still running a minute past the round's end (stuck in the kernel
 * behind a dead one's lock) are reported and left. 0, or 1 on either.
 */
static int reap(pid_t *pids, unsigned int round, double until)
{
	unsigned int left = g_workers;
	int rc = 0;

	while (left) {
		int status;
		unsigned int w;
		pid_t pid = waitpid(-1, &status, WNOHANG);

		if (pid <= 0) {
			if (now() > until + 60) {
				printf("smap-fuzz: STUCK: %u workers still in the kernel 60 s after round %u ended (seed %" PRIu64 ")\n",
				       left, round, g_seed);
				return 1;
			}
			usleep(100000);
			continue;
		}
		for (w = 0; w < g_workers && pids[w] != pid; w++)
			;
		if (w == g_workers)
			continue;
		left--;
		if (WIFSIGNALED(status) || WEXITSTATUS(status)) {
			struct wctx c;
			uint32_t n = sh->w[w].nops;

			printf("smap-fuzz: CRASH: worker %u %s %d at operation %u of round %u (seed %" PRIu64 "); its last operations:\n",
			       w, WIFSIGNALED(status) ? "killed by signal" : "exited",
			       WIFSIGNALED(status) ? WTERMSIG(status) : WEXITSTATUS(status),
			       n, round, g_seed);
			memset(&c, 0, sizeof(c));
			c.w = w;
			keys_init(&c);
			for (uint32_t j = n > 5 ? n - 5 : 0; j < n; j++) {
				char s[1600];

				op_str(&c, &sh->w[w].ops[j], s, sizeof(s));
				printf("  %s%s\n", s, j + 1 == n ? "   <- the last one" : "");
			}
			fflush(stdout);
			sh->failed = 1;	/* the others stop */
			rc = 1;
		}
	}
	return rc;
}

static void usage(void)
{
	fprintf(stderr, "usage: smap-fuzz [--seconds N] [--seed S] [--workers W] [--rounds R]\n");
	exit(2);
}

int main(int argc, char **argv)
{
	unsigned int seconds = 60, rounds = 0;
	double t0, tend;
	uint64_t total = 0;
	bool seeded = false;
	unsigned int round;
	int i, rc = 0;

	for (i = 1; i < argc; i++) {
		if (i + 1 >= argc)
			usage();
		if (!strcmp(argv[i], "--seconds"))
			seconds = strtoul(argv[++i], NULL, 0);
		else if (!strcmp(argv[i], "--seed"))
			g_seed = strtoull(argv[++i], NULL, 0), seeded = true;
		else if (!strcmp(argv[i], "--workers"))
			g_workers = strtoul(argv[++i], NULL, 0);
		else if (!strcmp(argv[i], "--rounds"))
			rounds = strtoul(argv[++i], NULL, 0);
		else
			usage();
	}
	if (!g_workers || g_workers > MAXW)
		usage();
	if (!seeded) {
		struct timespec ts;

		clock_gettime(CLOCK_REALTIME, &ts);
		g_seed = (uint64_t)ts.tv_sec * 1000000 + ts.tv_nsec / 1000;
	}
	if (!rounds)
		rounds = seconds >= 40 ? seconds / 15 : 2;
	setvbuf(stdout, NULL, _IOLBF, 0);
	printf("smap-fuzz: seed %" PRIu64 ", %u s, %u workers (root and uid %u..), %u rounds (reproduce: smap-fuzz --seed %" PRIu64 " --seconds %u --workers %u)\n",
	       g_seed, seconds, g_workers, UID0, rounds, g_seed, seconds, g_workers);
	sh = mmap(NULL, sizeof(*sh), PROT_READ | PROT_WRITE,
		  MAP_SHARED | MAP_ANONYMOUS, -1, 0);
	if (sh == MAP_FAILED)
		return 2;
	memset(sh, 0, sizeof(*sh));
	sh_run("rmmod smap_fuzz_kapi shared_map 2>/dev/null; rm -rf /var/tmp/shared_map");
	g_tmpfs = !sh_run("mkdir -p " LOGFS " && mount -t tmpfs -o size=" LOGFS_SIZE
			  ",mode=0700 smap-fuzz " LOGFS);
	t0 = now();
	tend = t0 + seconds;
	for (round = 0; round < rounds && !rc; round++) {
		double until = t0 + (tend - t0) * (round + 1) / rounds;
		pid_t pids[MAXW];
		uint64_t before = 0;

		if (round && unload()) {
			printf("smap-fuzz: rmmod failed after round %u (seed %" PRIu64 ")\n",
			       round - 1, g_seed);
			return 1;
		}
		if (load()) {
			printf("smap-fuzz: load failed (round %u, seed %" PRIu64 ")\n",
			       round, g_seed);
			return 1;
		}
		if (verify(round))
			return 1;
		for (unsigned int w = 0; w < g_workers; w++) {
			if (prologue(w, &sh->w[w].m)) {
				printf("smap-fuzz: prologue failed\n");
				return 1;
			}
			before += sh->w[w].done;
		}
		sh->mode = round % 4 == 1 ? R_FULL :
			   round % 4 == 3 && g_tmpfs ? R_RO : R_NORMAL;
		if (round_setup())
			return 1;
		if (sh->mode != R_NORMAL)
			printf("smap-fuzz: round %u on a %s store\n", round,
			       sh->mode == R_FULL ? "full (ENOSPC)" : "read-only (EROFS)");
		for (unsigned int w = 0; w < g_workers; w++) {
			pids[w] = fork();
			if (pids[w] == 0)
				worker(w, round, until);
		}
		if (reap(pids, round, until))
			rc = 1;
		for (unsigned int w = 0; w < g_workers; w++)
			total += sh->w[w].done;
		total -= before;
		if (rc)
			break;
		if (sh->failed == 2) {
			printf("smap-fuzz: FAILED, seed %" PRIu64 "\n", g_seed);
			return 1;
		}
		if (sh->failed) {
			struct wctx c;
			char s[1600];

			memset(&c, 0, sizeof(c));
			c.w = sh->fail_w;
			keys_init(&c);
			op_str(&c, &sh->w[sh->fail_w].ops[sh->fail_i], s, sizeof(s));
			printf("smap-fuzz: MISMATCH (seed %" PRIu64 ", round %u, worker %d): %s: %s\n",
			       g_seed, round, sh->fail_w, s, sh->fail_msg);
			reduce(sh->fail_w, round);
			printf("smap-fuzz: FAILED, seed %" PRIu64 "\n", g_seed);
			return 1;
		}
	}
	sh->mode = R_NORMAL;
	if (!rc && (unload() || load() || verify(rounds) || unload())) {
		printf("smap-fuzz: final reload check failed (seed %" PRIu64 ")\n", g_seed);
		rc = 1;
	}
	printf("smap-fuzz: seed %" PRIu64 ": %" PRIu64 " operations (+%" PRIu64 " on shared keys) in %.1f s, %.0f ops/s, %u rounds (rmmod/modprobe between): %s\n",
	       g_seed, total, sh->chaos_ops, now() - t0,
	       (total + sh->chaos_ops) / (now() - t0), round, rc ? "FAILED" : "ok");
	if (g_tmpfs)
		sh_run("umount " LOGFS);
	return rc;
}
