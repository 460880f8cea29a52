// SPDX-License-Identifier: GPL-2.0
/*
 * smap-lw: the workload and the check of the dm-log-writes crash test
 * (recovery_tests/log-writes.sh).
 *
 *   smap-lw run HIST DMDEV WRITERS OPS [PHASES]
 *	WRITERS processes, each with its own four keys (w<N>/k0..k3), do OPS
 *	operations per phase (set, del, cas, incr, batches of set/del/incr),
 *	PHASES a comma list of sync modes (default always,batch,always),
 *	set through /sys/module/shared_map/parameters/sync between phases.
 *	Writer 1 asks for a compaction (compact_now) half way through each
 *	phase. Before an operation goes to the store, the writer appends
 *	what it is about to do to HIST/w<N> (off the traced disk):
 *	  M <n> <k> <value>|-   its n-th mutation (1, 2, ...): key k's new
 *				value, "-" for a delete (a batch is several)
 *	  O <j> <mode> <n>	op j, under sync mode, ends with mutation n
 *	and once the store acknowledged it (and the reply matched the model),
 *	"A <j>" and the dm-log-writes mark "w<N>.<j>" on DMDEV (DM_TARGET_MSG
 *	ioctl), before its next operation.
 *
 *   smap-lw check HIST MARKS
 *	With the store loaded on a replayed image: MARKS lists the marks the
 *	log had up to this point, so writer N acknowledged op j (the highest
 *	"w<N>.<j>") and had not yet issued op j + 2. Its keys must hold the
 *	state after some prefix of its mutations, at least through the last
 *	op acknowledged under sync=always (each one fsynced the log past every
 *	earlier record), at most through op j + 1. Expectations come from HIST
 *	only, never from what the store holds. No other key may exist and
 *	stats must count no corrupt file.
 *	Exit 0 if all holds, 1 if acknowledged mutations are missing (the
 *	state is an older prefix), 2 if the state is no prefix at all (a value
 *	never written, a resurrected delete, ...) or something else is wrong.
 *
 *   smap-lw dm-snap NAME ORIGIN COW SECTORS | dm-remove NAME
 *	dmsetup create NAME --table "0 SECTORS snapshot ORIGIN COW N 8" (and
 *	the node /dev/mapper/NAME) and dmsetup remove NAME, through the ioctls
 *	directly: the check does this at every point.
 */
#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/stat.h>
#include <sys/sysmacros.h>
#include <sys/wait.h>
#include <unistd.h>
#include <linux/dm-ioctl.h>
#include <linux/shared_map.h>

#define KPW	4		/* keys per writer: k0, k1 text, k2, k3 counters */
#define VMAX	512
#define PARAMS	"/sys/module/shared_map/parameters/"

static int fd = -1;

static uint64_t p2u(const void *p)
{
	return (uint64_t)(uintptr_t)p;
}

static void fail(const char *what, int err)
{
	fprintf(stderr, "smap-lw: %s: %s\n", what, strerror(err));
	exit(2);
}

static void open_store(void)
{
	fd = open(SMAP_DEVICE_PATH, O_RDWR);
	if (fd < 0)
		fail(SMAP_DEVICE_PATH, errno);
}

static void write_param(const char *name, const char *val)
{
	char path[128];
	int pfd;

	snprintf(path, sizeof(path), PARAMS "%s", name);
	pfd = open(path, O_WRONLY);
	if (pfd < 0 || write(pfd, val, strlen(val)) != (ssize_t)strlen(val))
		fail(path, errno);
	close(pfd);
}

static int open_ctl(void)
{
	int ctl = open("/dev/mapper/control", O_RDWR);

	if (ctl < 0)
		fail("/dev/mapper/control", errno);
	return ctl;
}

/* ---- the workload -------------------------------------------------------- */

struct writer {
	int id;
	char key[KPW][32];
	char *val[KPW];		/* the model; NULL: absent */
	unsigned long nmut, nop;
	FILE *hist;
	int ctl;		/* /dev/mapper/control */
	const char *dmdev;
};

/*
 * One device-mapper ioctl on NAME with payload after the header (dmsetup
 * without its fork, shared libraries and udev handshakes: the check runs
 * hundreds of times). Returns 0 or an errno; *dev gets the device number.
 */
static int dm_ioctl_do(int ctl, unsigned long cmd, const char *name,
		       uint32_t targets, const void *payload, size_t plen,
		       uint64_t *dev)
{
	union {
		struct dm_ioctl io;
		char buf[sizeof(struct dm_ioctl) + 512];
	} u;

	if (plen > sizeof(u) - sizeof(struct dm_ioctl))
		return EINVAL;
	memset(&u, 0, sizeof(u));
	u.io.version[0] = DM_VERSION_MAJOR;	/* any 4.x kernel takes 4.0.0 */
	u.io.data_size = sizeof(u);
	u.io.data_start = sizeof(struct dm_ioctl);
	u.io.target_count = targets;
	snprintf(u.io.name, sizeof(u.io.name), "%s", name);
	if (plen)
		memcpy(u.buf + u.io.data_start, payload, plen);
	if (ioctl(ctl, cmd, &u))
		return errno;
	if (dev)
		*dev = u.io.dev;
	return 0;
}

/* dmsetup message DMDEV 0 mark NAME */
static void dm_mark(struct writer *w, const char *name)
{
	struct {
		struct dm_target_msg m;
		char text[128];
	} msg;
	int err;

	memset(&msg, 0, sizeof(msg));
	snprintf(msg.m.message, sizeof(msg.text), "mark %s", name);
	err = dm_ioctl_do(w->ctl, DM_TARGET_MSG, w->dmdev, 0, &msg,
			  sizeof(msg), NULL);
	if (err)
		fail("DM_TARGET_MSG mark", err);
}

/* A value unique to this mutation; some are long so records cross pages. */
static char *new_value(struct writer *w, char *buf, size_t cap)
{
	int pad = rand() % 4 ? rand() % 64 : rand() % 400;

	snprintf(buf, cap, "w%d.%lu.%.*s", w->id, w->nmut + 1, pad,
		 "abcdefghijklmnopqrstuvwxyzabcdefghijklmnopqrstuvwxyzabcdefghijklmnopqrstuvwxyzabcdefghijklmnopqrstuvwxyz"
		 "abcdefghijklmnopqrstuvwxyzabcdefghijklmnopqrstuvwxyzabcdefghijklmnopqrstuvwxyzabcdefghijklmnopqrstuvwxyz"
		 "abcdefghijklmnopqrstuvwxyzabcdefghijklmnopqrstuvwxyzabcdefghijklmnopqrstuvwxyzabcdefghijklmnopqrstuvwxyz"
		 "abcdefghijklmnopqrstuvwxyzabcdefghijklmnopqrstuvwxyzabcdefghijklmnopqrstuvwxyzabcdefghijklmnopqrstuvwxyz");
	return buf;
}

/* record mutation: key k becomes v (NULL: deleted) in the model and HIST */
static void mutate(struct writer *w, int k, const char *v)
{
	free(w->val[k]);
	w->val[k] = v ? strdup(v) : NULL;
	if (v && !w->val[k])
		fail("strdup", ENOMEM);
	w->nmut++;
	fprintf(w->hist, "M %lu %d %s\n", w->nmut, k, v ? v : "-");
}

static int64_t counter(struct writer *w, int k)
{
	return w->val[k] ? strtoll(w->val[k], NULL, 10) : 0;
}

/* a value for a set of key k: a number for the counters k2, k3 */
static void set_value(struct writer *w, int k, char *v, size_t cap)
{
	if (k >= 2)
		snprintf(v, cap, "%d", rand() % 1000);
	else
		new_value(w, v, cap);
}

/* the op's mutations are in HIST: say it ends there, before it is issued */
static void issue(struct writer *w, const char *mode)
{
	fprintf(w->hist, "O %lu %s %lu\n", w->nop, mode, w->nmut);
	fflush(w->hist);
}

struct bentry {
	struct smap_batch_op h;
	char kv[32 + VMAX];
};

static size_t batch_add(char *buf, size_t off, uint16_t op, const char *key,
			const char *val, int64_t arg)
{
	struct smap_batch_op *h = (struct smap_batch_op *)(buf + off);
	size_t kl = strlen(key), vl = val ? strlen(val) : 0;

	memset(h, 0, sizeof(*h));
	h->op = op;
	h->key_len = kl;
	h->value_len = vl;
	h->arg = arg;
	memcpy(buf + off + sizeof(*h), key, kl);
	if (vl)
		memcpy(buf + off + sizeof(*h) + kl, val, vl);
	return off + ((sizeof(*h) + kl + vl + SMAP_BATCH_ALIGN - 1) &
		      ~(size_t)(SMAP_BATCH_ALIGN - 1));
}

/* One operation: log the intent, run it, check the reply, ack, mark. */
static void one_op(struct writer *w, const char *mode)
{
	static char bbuf[8 * sizeof(struct bentry)];
	char v[VMAX], nv[VMAX], mark[32];
	int kind = rand() % 6, k = rand() % KPW, i;
	int64_t expect = 0, got = 0;

	w->nop++;
	if (kind == 5) {	/* batch of 2..5 set/del/incr */
		int n = 2 + rand() % 4;
		size_t off = 0;
		struct smap_batch bt;

		for (i = 0; i < n; i++) {
			k = rand() % KPW;
			switch (rand() % 3) {
			case 0:
				set_value(w, k, v, sizeof(v));
				mutate(w, k, v);
				off = batch_add(bbuf, off, SMAP_OP_SET, w->key[k], v, 0);
				break;
			case 1:
				if (!w->val[k]) {	/* del of a missing key: no record */
					i--;
					continue;
				}
				mutate(w, k, NULL);
				off = batch_add(bbuf, off, SMAP_OP_DEL, w->key[k], NULL, 0);
				break;
			default:
				k = 2 + k % 2;
				snprintf(v, sizeof(v), "%" PRId64, counter(w, k) + 3);
				mutate(w, k, v);
				off = batch_add(bbuf, off, SMAP_OP_INCR, w->key[k], NULL, 3);
				break;
			}
		}
		issue(w, mode);
		memset(&bt, 0, sizeof(bt));
		bt.ops = p2u(bbuf);
		bt.len = off;
		bt.count = n;
		if (ioctl(fd, SMAP_IOC_BATCH, &bt))
			fail("batch", errno);
		if (bt.failed || bt.done != (uint32_t)n)
			fail("batch: an entry failed", EPROTO);
	} else if (kind == 4 && w->val[k]) {	/* cas from the known value */
		struct smap_cas c = { .key = p2u(w->key[k]),
				      .key_len = strlen(w->key[k]) };

		snprintf(v, sizeof(v), "%s", w->val[k]);
		if (k >= 2)
			snprintf(nv, sizeof(nv), "%" PRId64, counter(w, k) * 2 + 1);
		else
			new_value(w, nv, sizeof(nv));
		mutate(w, k, nv);
		issue(w, mode);
		c.old_value = p2u(v);
		c.old_len = strlen(v);
		c.new_value = p2u(nv);
		c.new_len = strlen(nv);
		if (ioctl(fd, SMAP_IOC_CAS, &c))
			fail("cas", errno);
	} else if (kind == 3 && w->val[k]) {	/* del */
		struct smap_kv kv = { .key = p2u(w->key[k]),
				      .key_len = strlen(w->key[k]) };

		mutate(w, k, NULL);
		issue(w, mode);
		if (ioctl(fd, SMAP_IOC_DEL, &kv))
			fail("del", errno);
	} else if (kind == 2) {	/* incr a counter */
		struct smap_incr in = { .delta = 1 + rand() % 5 };

		k = 2 + k % 2;
		in.key = p2u(w->key[k]);
		in.key_len = strlen(w->key[k]);
		expect = counter(w, k) + in.delta;
		snprintf(v, sizeof(v), "%" PRId64, expect);
		mutate(w, k, v);
		issue(w, mode);
		if (ioctl(fd, SMAP_IOC_INCR, &in))
			fail("incr", errno);
		got = in.result;
	} else {		/* set */
		struct smap_kv kv = { .key = p2u(w->key[k]),
				      .key_len = strlen(w->key[k]) };

		set_value(w, k, v, sizeof(v));
		mutate(w, k, v);
		issue(w, mode);
		kv.value = p2u(v);
		kv.value_len = strlen(v);
		if (ioctl(fd, SMAP_IOC_SET, &kv))
			fail("set", errno);
	}
	if (got != expect) {
		fprintf(stderr, "smap-lw: w%d op %lu: incr returned %" PRId64 ", the model says %" PRId64 "\n",
			w->id, w->nop, got, expect);
		exit(2);
	}
	fprintf(w->hist, "A %lu\n", w->nop);
	fflush(w->hist);
	snprintf(mark, sizeof(mark), "w%d.%lu", w->id, w->nop);
	dm_mark(w, mark);
}

/* Replay this writer's history file so a later phase continues its model. */
static void writer_load(struct writer *w, const char *dir)
{
	char path[256], line[VMAX + 64], val[VMAX + 1];
	unsigned long n, j;
	int k;

	snprintf(path, sizeof(path), "%s/w%d", dir, w->id);
	w->hist = fopen(path, "a+");
	if (!w->hist)
		fail(path, errno);
	rewind(w->hist);
	while (fgets(line, sizeof(line), w->hist)) {
		if (sscanf(line, "M %lu %d %512s", &n, &k, val) == 3 &&
		    k >= 0 && k < KPW) {
			free(w->val[k]);
			w->val[k] = strcmp(val, "-") ? strdup(val) : NULL;
			w->nmut = n;
		} else if (sscanf(line, "O %lu", &j) == 1) {
			w->nop = j;
		}
	}
}

static int run(int argc, char **argv)
{
	const char *dir, *dmdev;
	char phases[256], *mode, *save = NULL;
	int writers, ops, p = 0, i;

	if (argc < 6)
		return 2;
	dir = argv[2];
	dmdev = argv[3];
	writers = atoi(argv[4]);
	ops = atoi(argv[5]);
	snprintf(phases, sizeof(phases), "%s", argc > 6 ? argv[6] : "always,batch,always");
	if (writers < 1 || ops < 1)
		return 2;
	for (mode = strtok_r(phases, ",", &save); mode;
	     mode = strtok_r(NULL, ",", &save)) {
		p++;
		write_param("sync", mode);
		for (i = 1; i <= writers; i++) {
			pid_t pid = fork();

			if (pid < 0)
				fail("fork", errno);
			if (pid == 0) {
				struct writer w = { .id = i, .dmdev = dmdev };
				int o, k;

				srand(i * 7919 + p);
				for (k = 0; k < KPW; k++)
					snprintf(w.key[k], sizeof(w.key[k]), "w%d/k%d", i, k);
				writer_load(&w, dir);
				open_store();
				w.ctl = open_ctl();
				for (o = 0; o < ops; o++) {
					if (i == 1 && o == ops / 2)
						write_param("compact_now", "1");
					one_op(&w, mode);
				}
				_exit(0);
			}
		}
		for (i = 0; i < writers; i++) {
			int st;

			if (wait(&st) < 0)
				fail("wait", errno);
			if (!WIFEXITED(st) || WEXITSTATUS(st)) {
				fprintf(stderr, "smap-lw: a writer failed in phase %d (%s)\n",
					p, mode);
				return 2;
			}
		}
		printf("phase %d (sync=%s): %d writers x %d ops\n", p, mode,
		       writers, ops);
	}
	return 0;
}

/* ---- the check ----------------------------------------------------------- */

struct mut {
	int k;
	char *v;		/* NULL: deleted */
};

struct hist {
	struct mut *m;		/* m[1..nmut] */
	unsigned long nmut, cap;
	unsigned long *opend;	/* opend[1..nop]: last mutation of op j */
	char *always;		/* always[j]: op j ran under sync=always */
	unsigned long nop, opcap;
};

static void *grow(void *p, unsigned long *cap, unsigned long need, size_t sz)
{
	if (need < *cap)
		return p;
	*cap = need * 2 + 16;
	p = realloc(p, *cap * sz);
	if (!p)
		fail("realloc", ENOMEM);
	return p;
}

static int read_hist(const char *dir, int id, struct hist *h)
{
	char path[256], line[VMAX + 64], val[VMAX + 1], mode[16];
	unsigned long n, j;
	FILE *f;
	int k;

	snprintf(path, sizeof(path), "%s/w%d", dir, id);
	f = fopen(path, "r");
	if (!f)
		return -1;
	memset(h, 0, sizeof(*h));
	while (fgets(line, sizeof(line), f)) {
		if (sscanf(line, "M %lu %d %512s", &n, &k, val) == 3) {
			if (n != h->nmut + 1 || k < 0 || k >= KPW)
				fail("history out of order", EINVAL);
			h->m = grow(h->m, &h->cap, n, sizeof(*h->m));
			h->m[n].k = k;
			h->m[n].v = strcmp(val, "-") ? strdup(val) : NULL;
			h->nmut = n;
		} else if (sscanf(line, "O %lu %15s %lu", &j, mode, &n) == 3) {
			if (j != h->nop + 1 || n != h->nmut)
				fail("history out of order", EINVAL);
			h->opend = grow(h->opend, &h->opcap, j, sizeof(*h->opend));
			h->always = realloc(h->always, h->opcap);
			if (!h->always)
				fail("realloc", ENOMEM);
			h->opend[j] = n;
			h->always[j] = !strcmp(mode, "always");
			h->nop = j;
		}
	}
	fclose(f);
	return 0;
}

/* the store's value of key (malloc()ed) or NULL if missing */
static char *get(const char *key)
{
	char buf[VMAX + 1];
	struct smap_kv kv = { .key = p2u(key), .key_len = strlen(key),
			      .value = p2u(buf), .value_len = VMAX };

	if (ioctl(fd, SMAP_IOC_GET, &kv)) {
		if (errno == ENOENT)
			return NULL;
		if (errno == ERANGE)
			return strdup("<value too long>");
		fail("get", errno);
	}
	buf[kv.value_len] = 0;
	return strdup(buf);
}

static int same(const char *a, const char *b)
{
	return a == b || (a && b && !strcmp(a, b));
}

/* 0 ok, 1 lost, 2 not a prefix */
static int check_writer(int id, struct hist *h, unsigned long acked)
{
	const char *model[KPW] = { 0 };
	char *got[KPW], key[32];
	unsigned long lo = 0, hi, L, j, older = 0;
	int k, match, matched_older = 0, ret;

	if (acked > h->nop) {
		printf("  w%d: mark for op %lu, history has %lu ops\n", id, acked, h->nop);
		return 2;
	}
	for (j = acked; j > 0; j--)
		if (h->always[j]) {
			lo = h->opend[j];
			break;
		}
	hi = acked < h->nop ? h->opend[acked + 1] : h->nmut;
	for (k = 0; k < KPW; k++) {
		snprintf(key, sizeof(key), "w%d/k%d", id, k);
		got[k] = get(key);
	}
	for (L = 0;; L++) {
		if (L) {
			model[h->m[L].k] = h->m[L].v;
		}
		match = 1;
		for (k = 0; k < KPW; k++)
			match &= same(model[k], got[k]);
		if (match && L >= lo) {
			ret = 0;
			goto out;
		}
		if (match) {
			matched_older = 1;
			older = L;
		}
		if (L >= hi)
			break;
	}
	if (matched_older) {
		printf("  LOST w%d: acknowledged through op %lu (mutation %lu under sync=always), the store holds mutation %lu's state: %lu acknowledged mutations missing\n",
		       id, acked, lo, older, lo - older);
		ret = 1;
	} else {
		printf("  BAD w%d: the store matches no prefix of its mutations %lu..%lu (acknowledged op %lu):\n",
		       id, lo, hi, acked);
		for (k = 0; k < KPW; k++)
			printf("    w%d/k%d = %.40s, after mutation %lu: %.40s\n", id, k,
			       got[k] ? got[k] : "(missing)", hi,
			       model[k] ? model[k] : "(missing)");
		ret = 2;
	}
out:
	for (k = 0; k < KPW; k++)
		free(got[k]);
	return ret;
}

static int list_cb_check(int writers)
{
	char buf[4096];
	struct smap_list l = { .buf = p2u(buf), .buf_len = sizeof(buf) };
	int bad = 0;

	do {
		uint32_t off = 0, n;

		if (ioctl(fd, SMAP_IOC_LIST, &l))
			fail("list", errno);
		for (n = 0; n < l.count && off + 4 <= l.used; n++) {
			uint32_t kl;
			int w, k, c = 0;
			char key[64];

			memcpy(&kl, buf + off, 4);
			snprintf(key, sizeof(key), "%.*s", (int)(kl < 63 ? kl : 63),
				 buf + off + 4);
			if (sscanf(key, "w%d/k%d%n", &w, &k, &c) != 2 ||
			    c != (int)kl || w < 1 || w > writers || k < 0 ||
			    k >= KPW) {
				printf("  BAD key never written: %s\n", key);
				bad = 1;
			}
			off += 4 + ((kl + 3) & ~3u);
		}
	} while (!(l.flags & SMAP_LIST_END));
	return bad;
}

static int check(int argc, char **argv)
{
	unsigned long acked[256] = { 0 }, j;
	char line[256];
	struct smap_stats st;
	int writers = 0, w, ret = 0, r;
	FILE *f;

	if (argc < 4)
		return 2;
	f = fopen(argv[3], "r");
	if (!f)
		fail(argv[3], errno);
	while (fgets(line, sizeof(line), f))
		if (sscanf(line, "w%d.%lu", &w, &j) == 2 && w > 0 && w < 256 &&
		    j > acked[w])
			acked[w] = j;
	fclose(f);
	open_store();
	for (w = 1; w < 256; w++) {
		struct hist h;
		unsigned long i;

		if (read_hist(argv[2], w, &h))
			break;
		writers = w;
		r = check_writer(w, &h, acked[w]);
		if (r > ret)
			ret = r;
		for (i = 1; i <= h.nmut; i++)
			free(h.m[i].v);
		free(h.m);
		free(h.opend);
		free(h.always);
	}
	if (!writers) {
		printf("  BAD no history in %s\n", argv[2]);
		return 2;
	}
	if (list_cb_check(writers))
		ret = 2;
	if (ioctl(fd, SMAP_IOC_STATS, &st))
		fail("stats", errno);
	if (st.corrupt_files) {
		printf("  BAD replay found %llu corrupt files\n",
		       (unsigned long long)st.corrupt_files);
		ret = 2;
	}
	return ret;
}

/* ---- dm-snapshot of the replayed image, for the check --------------------- */

/* dm-snap NAME ORIGIN COW SECTORS: a transient snapshot at /dev/mapper/NAME */
static int dm_snap(int argc, char **argv)
{
	struct {
		struct dm_target_spec t;
		char params[256];
	} spec;
	char node[128];
	uint64_t dev;
	int ctl, err;

	if (argc < 6)
		return 2;
	ctl = open_ctl();
	memset(&spec, 0, sizeof(spec));
	spec.t.length = strtoull(argv[5], NULL, 10);
	snprintf(spec.t.target_type, sizeof(spec.t.target_type), "snapshot");
	snprintf(spec.params, sizeof(spec.params), "%s %s N 8", argv[3], argv[4]);
	err = dm_ioctl_do(ctl, DM_DEV_CREATE, argv[2], 0, NULL, 0, NULL);
	if (!err) {
		err = dm_ioctl_do(ctl, DM_TABLE_LOAD, argv[2], 1, &spec,
				  sizeof(spec), NULL);
		if (!err)
			err = dm_ioctl_do(ctl, DM_DEV_SUSPEND, argv[2], 0, NULL,
					  0, &dev);	/* no flag: resume */
		if (err)
			dm_ioctl_do(ctl, DM_DEV_REMOVE, argv[2], 0, NULL, 0, NULL);
	}
	if (err)
		fail("creating the snapshot", err);
	snprintf(node, sizeof(node), "/dev/mapper/%s", argv[2]);
	unlink(node);
	if (mknod(node, S_IFBLK | 0600, (dev_t)dev))
		fail(node, errno);
	close(ctl);
	return 0;
}

static int dm_remove(int argc, char **argv)
{
	char node[128];
	int ctl, err;

	if (argc < 3)
		return 2;
	ctl = open_ctl();
	err = dm_ioctl_do(ctl, DM_DEV_REMOVE, argv[2], 0, NULL, 0, NULL);
	if (err)
		fail("removing the snapshot", err);
	snprintf(node, sizeof(node), "/dev/mapper/%s", argv[2]);
	unlink(node);
	close(ctl);
	return 0;
}

int main(int argc, char **argv)
{
	if (argc > 1 && !strcmp(argv[1], "dm-snap"))
		return dm_snap(argc, argv);
	if (argc > 1 && !strcmp(argv[1], "dm-remove"))
		return dm_remove(argc, argv);
	if (argc > 1 && !strcmp(argv[1], "run"))
		return run(argc, argv);
	if (argc > 1 && !strcmp(argv[1], "check"))
		return check(argc, argv);
	fprintf(stderr, "usage: smap-lw run HIST DMDEV WRITERS OPS [PHASES] | check HIST MARKS |\n"
		"       dm-snap NAME ORIGIN COW SECTORS | dm-remove NAME\n");
	return 2;
}
