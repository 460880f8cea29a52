// SPDX-License-Identifier: GPL-2.0
/*
 * smap-failnth: the allocation-failure sweep of one entry point. For
 * N = 1, 2, ... it writes N to /proc/thread-self/fail-nth (the kernel then
 * fails the Nth fault site this thread reaches: slab and page allocations,
 * as /sys/kernel/debug/failslab and fail_page_alloc allow; the module's
 * file work inherits the counter) and makes ONE call, then reads the counter
 * back: 0 when the fault fired (lib/fault-inject.c counts it down to 0 and
 * fails that site), what is left of N when the call met fewer than N sites.
 * The sweep goes on while the fault fired, even when the call succeeded (a
 * tolerated fault: a fallback, a retry; later sites are still unswept), and
 * stops at the first N the call never reached: every site was failed once,
 * but for runs of tolerated faults: after 16 in a row the sweep strides
 * (2, 4, ... 64 sites at a time), and goes back to sweep one by one when a
 * stride ends in a failed call or one that met fewer sites (so every site
 * where the outcome changes is found; a lone failing site inside a run of
 * tolerated ones may be stepped over: the count is printed).
 * Every attempt must fail with an allowed errno (ENOMEM; ENOBUFS too over
 * netlink) or succeed; a failure without an injected fault, another errno,
 * or a store left in a state the outcome does not explain fails the sweep.
 * Before each attempt the op's state is reset (set: the key holds "prev";
 * set-new, incr, batch: the key is absent; del: it exists; cas: it holds
 * OLD), and after it the store is checked: a failed call changed nothing,
 * a successful one applied its effect exactly once.
 *
 * usage: smap-failnth [-n] [-a ERRNO] [-m MAX] [-d DUMP] [-L DIR] OP ARGS...
 *   -n            the netlink transport (default: the ioctls)
 *   -a ERRNO      also allow this errno (a number), e.g. for a module init
 *   -m MAX        give up (and fail) after MAX attempts (default 10000)
 *   -d DUMP       load: after each successful load the store's "key=value"
 *                 lines (sorted) must be DUMP's
 *   -L DIR        after each attempt, the log in DIR (read by smap-log dump)
 *                 must say what the store holds for each key the op touches:
 *                 its newest record sets that value, or deletes an absent key
 *   OP: set K V | set-new K V | get K | del K | incr K DELTA | cas K OLD NEW
 *       | list PREFIX | batch K (set K, incr K2 1, del K: one batch)
 *       | recover | write FILE TEXT (e.g. a module parameter)
 *       | load KO [PARAMS] (the module is unloaded after each success but
 *       the last) | load-init KO [PARAMS]: the same, but the test build's
 *       init arms fail-nth itself (init_fail_nth=N) and says in
 *       init_fail_nth_left whether it fired: the module loader's own sites
 *       are not swept | kapi-set K V | kapi-get K | kapi-del K
 *       | kapi-incr K DELTA | kapi-cas K OLD NEW: the in-kernel API through
 *       the fuzzer's test module (/dev/smap_fuzz_kapi), checked as the
 *       same ops are
 * Prints "OP: S fault sites swept (ENOMEM xA, tolerated xT[, K strided
 * over in runs of tolerated ones]) in C calls, then ok" and
 * exits 0, or says what went wrong and exits 1; 2 when fail-nth is missing
 * (no CONFIG_FAULT_INJECTION).
 */
#include <errno.h>
#include <fcntl.h>
#include <libgen.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/syscall.h>
#include <unistd.h>
#include <shared_map.h>
#include "smap_fuzz_kapi.h"

/* after STRIDE_RUN tolerated faults in a row the sweep strides (see main) */
#define STRIDE_RUN	16
#define STRIDE_MAX	64

static int nth_fd = -1;
/*
 * fail-nth cannot seek (ESPIPE): it is written through nth_fd, whose
 * offset the write ignores, and read through a descriptor opened anew
 * before each armed call (opening it later would meet the armed fault).
 */
static int nth_rd = -1;

static void nth_write(unsigned int n)
{
	char buf[16];
	int len = snprintf(buf, sizeof(buf), "%u", n);

	if (n) {
		if (nth_rd >= 0)
			close(nth_rd);
		nth_rd = open("/proc/thread-self/fail-nth", O_RDONLY);
		if (nth_rd < 0) {
			perror("smap-failnth: open fail-nth");
			exit(1);
		}
	}
	if (write(nth_fd, buf, len) != len) {
		perror("smap-failnth: write fail-nth");
		exit(1);
	}
}

/* 1 when the fault set up by nth_write() fired (the counter reads 0) */
static int nth_injected(void)
{
	char buf[16] = "";
	int saved = errno;

	if (read(nth_rd, buf, sizeof(buf) - 1) < 0) {
		perror("smap-failnth: read fail-nth");
		exit(1);
	}
	errno = saved;
	return atoi(buf) == 0;
}

static const char *op;
static struct smap *h;
static int netlink;
static char k2[300];
static struct smap_batch_builder *bb;
static size_t base_count;	/* list: the keys listed unarmed */
static int64_t base_k2;		/* batch: K2 before the attempt */
static char *base_val;		/* get: the value read unarmed */
static char *dump_want;		/* -d: the store after a load */

static void die(const char *what)
{
	printf("%s: %s: %s\n", op, what, strerror(errno));
	exit(1);
}

/* K's value (malloc()ed) or NULL when absent; any other error is fatal */
static char *value_of(const char *k)
{
	void *v;
	size_t vlen;

	if (smap_get(h, k, strlen(k), &v, &vlen) == 0)
		return v;
	if (errno != ENOENT)
		die("get (unarmed)");
	return NULL;
}

static int64_t int_of(const char *k)
{
	char *v = value_of(k);
	int64_t n = v ? atoll(v) : 0;

	free(v);
	return n;
}

static void must_set(const char *k, const char *v)
{
	if (smap_set(h, k, strlen(k), v, strlen(v), 0, NULL))
		die("set (unarmed)");
}

static void must_del(const char *k)
{
	if (smap_del(h, k, strlen(k)) && errno != ENOENT)
		die("del (unarmed)");
}

static int count_cb(const void *key, size_t klen, void *arg)
{
	(void)key;
	(void)klen;
	(*(size_t *)arg)++;
	return 0;
}

static int do_write(const char *file, const char *text)
{
	int fd = open(file, O_WRONLY);
	ssize_t w;

	if (fd < 0)
		return -1;
	w = write(fd, text, strlen(text));
	if (w < 0) {
		int e = errno;

		close(fd);
		errno = e;
		return -1;
	}
	close(fd);
	return 0;
}

static int cmp_str(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

struct keys {
	char **k;
	size_t n, cap;
};

static int keys_cb(const void *key, size_t klen, void *arg)
{
	struct keys *ks = arg;

	if (ks->n == ks->cap) {
		ks->cap = ks->cap ? 2 * ks->cap : 64;
		ks->k = realloc(ks->k, ks->cap * sizeof(*ks->k));
		if (!ks->k)
			die("realloc");
	}
	ks->k[ks->n] = strndup(key, klen);
	if (!ks->k[ks->n++])
		die("strndup");
	return 0;
}

/* every key and its value, "key=value\n" sorted (as 50-fail-nth's dump) */
static char *store_dump(void)
{
	struct keys ks = { 0 };
	char *out = NULL;
	size_t len = 0;
	FILE *f = open_memstream(&out, &len);

	if (!f || smap_list(h, "", 0, keys_cb, &ks))
		die("list (unarmed)");
	qsort(ks.k, ks.n, sizeof(*ks.k), cmp_str);
	for (size_t i = 0; i < ks.n; i++) {
		char *v = value_of(ks.k[i]);

		fprintf(f, "%s=%s\n", ks.k[i], v ? v : "(gone)");
		free(v);
		free(ks.k[i]);
	}
	free(ks.k);
	fclose(f);
	return out;
}

static char *read_file(const char *path)
{
	FILE *f = fopen(path, "r");
	char *s = NULL;
	size_t len = 0;

	if (!f || getdelim(&s, &len, '\0', f) < 0) {
		printf("%s: cannot read %s\n", op, path);
		exit(1);
	}
	fclose(f);
	return s;
}

/* the module's name: the file's base name without ".ko" */
static const char *modname(const char *ko)
{
	static char name[256];
	char path[256], *dot;

	snprintf(path, sizeof(path), "%s", ko);
	snprintf(name, sizeof(name), "%s", basename(path));
	dot = strstr(name, ".ko");
	if (dot)
		*dot = '\0';
	return name;
}

static int unload(const char *ko)
{
	return syscall(SYS_delete_module, modname(ko), O_NONBLOCK);
}

/* load-init: 1 when init's armed fault fired (init_fail_nth_left reads 0) */
static int init_fired(const char *ko)
{
	char path[512], *s;
	int left;

	snprintf(path, sizeof(path), "/sys/module/%s/parameters/init_fail_nth_left",
		 modname(ko));
	s = read_file(path);
	left = atoi(s);
	free(s);
	return left == 0;
}

/*
 * set K1, incr K2, del K1: one batch; the caller checks K2. Built anew
 * before each attempt, unarmed: a batch carries its results back in its
 * entries (an incr's result where its delta was).
 */
static void batch_build(const char *k1)
{
	if (!bb)
		bb = smap_batch_new();
	else
		smap_batch_reset(bb);
	if (!bb || smap_batch_set(bb, k1, strlen(k1), "v", 1, 0) ||
	    smap_batch_incr(bb, k2, strlen(k2), 1) ||
	    smap_batch_del(bb, k1, strlen(k1)))
		die("batch: cannot build it");
}

/* the state each attempt starts from (unarmed) */
static void prepare(char **argv)
{
	if (!strcmp(op, "set"))
		must_set(argv[1], "prev");
	else if (!strcmp(op, "set-new") || !strcmp(op, "incr"))
		must_del(argv[1]);
	else if (!strcmp(op, "del"))
		must_set(argv[1], "d");
	else if (!strcmp(op, "cas"))
		must_set(argv[1], argv[2]);
	else if (!strcmp(op, "batch")) {
		must_del(argv[1]);
		base_k2 = int_of(k2);
		batch_build(argv[1]);	/* the last call wrote its results in */
	} else if (!strcmp(op, "get") && !base_val) {
		base_val = value_of(argv[1]);
		if (!base_val)
			die("get: the key is missing");
	} else if (!strcmp(op, "list") && !base_count) {
		if (smap_list(h, argv[1], strlen(argv[1]), count_cb, &base_count))
			die("list (unarmed)");
	}
}

static int kapi_fd = -1;

/* OP (set, get, del, incr, cas) through the in-kernel API */
static int kapi_call(char **argv, size_t *n)
{
	static struct smap_fk_req q;

	memset(&q, 0, sizeof(q));
	q.klen = strlen(argv[1]);
	memcpy(q.key, argv[1], q.klen);
	q.mode = 0644;
	if (!strcmp(op, "set")) {
		q.op = SMAP_FK_SET;
		q.vlen = strlen(argv[2]);
		memcpy(q.val, argv[2], q.vlen);
	} else if (!strcmp(op, "get")) {
		q.op = SMAP_FK_GET;
		q.vlen = sizeof(q.val) - 1;
	} else if (!strcmp(op, "del")) {
		q.op = SMAP_FK_DEL;
	} else if (!strcmp(op, "incr")) {
		q.op = SMAP_FK_INCR;
		q.delta = atoll(argv[2]);
	} else {
		q.op = SMAP_FK_CAS;
		q.olen = strlen(argv[2]);
		memcpy(q.old, argv[2], q.olen);
		q.vlen = strlen(argv[3]);
		memcpy(q.val, argv[3], q.vlen);
	}
	if (ioctl(kapi_fd, SMAP_FK_IOC, &q) < 0)
		return -1;
	if (q.err) {
		errno = -q.err;
		return -1;
	}
	if (q.op == SMAP_FK_GET)
		*n = q.vlen != strlen(base_val) || memcmp(q.val, base_val, q.vlen);
	else if (q.op == SMAP_FK_INCR)
		*n = q.result;
	return 0;
}

static char init_params[512];

/* one call of OP; 0 or -1 with errno; -2 for a bad operation */
static int one_call(int argc, char **argv, int ko_fd, size_t *n)
{
	if (kapi_fd >= 0)
		return kapi_call(argv, n);
	if (!strcmp(op, "load-init") && argc >= 2)
		return syscall(SYS_finit_module, ko_fd, init_params, 0) ? -1 : 0;
	int64_t r;
	void *v;
	size_t vlen;
	size_t failed = 0;

	if (!strcmp(op, "set") && argc == 3)
		return smap_set(h, argv[1], strlen(argv[1]), argv[2], strlen(argv[2]), 0, NULL);
	if (!strcmp(op, "set-new") && argc == 3)
		return smap_set_flags(h, argv[1], strlen(argv[1]), argv[2], strlen(argv[2]), 0,
				      SMAP_SET_EXCL, NULL);
	if (!strcmp(op, "get") && argc == 2) {
		if (smap_get(h, argv[1], strlen(argv[1]), &v, &vlen))
			return -1;
		*n = strcmp(v, base_val);
		free(v);
		return 0;
	}
	if (!strcmp(op, "del") && argc == 2)
		return smap_del(h, argv[1], strlen(argv[1]));
	if (!strcmp(op, "incr") && argc == 3) {
		if (smap_incr(h, argv[1], strlen(argv[1]), atoll(argv[2]), &r))
			return -1;
		*n = r;
		return 0;
	}
	if (!strcmp(op, "cas") && argc == 4)
		return smap_cas(h, argv[1], strlen(argv[1]), argv[2], strlen(argv[2]),
				argv[3], strlen(argv[3]), 0, NULL);
	if (!strcmp(op, "list") && argc == 2)
		return smap_list(h, argv[1], strlen(argv[1]), count_cb, n);
	if (!strcmp(op, "batch") && argc == 2)
		return smap_batch_exec(h, bb, &failed);
	if (!strcmp(op, "recover") && argc == 1)
		return smap_recover(h);
	if (!strcmp(op, "write") && argc == 3)
		return do_write(argv[1], argv[2]);
	if (!strcmp(op, "load") && argc >= 2)
		return syscall(SYS_finit_module, ko_fd, argc > 2 ? argv[2] : "", 0) ? -1 : 0;
	errno = EINVAL;
	return -2;
}

/* expect K to hold WANT (NULL: absent); 0 or 1 after saying what differs */
static int expect_val(unsigned int n, const char *how, const char *k, const char *want)
{
	char *v = value_of(k);
	int bad = want ? !v || strcmp(v, want) : !!v;

	if (bad)
		printf("%s: attempt %u %s, then %s holds %s (expected %s)\n", op, n, how, k,
		       v ? v : "nothing", want ? want : "nothing");
	free(v);
	return bad;
}

static const char *log_dir;	/* -L */

/*
 * The newest record of key K in the log (smap-log dump --full: "SEQ set
 * key="K" mode=... value="V"" or "SEQ del key="K""): its value, "" for
 * none or a deletion; *set says which. NULL when smap-log failed.
 */
static char *log_value(const char *k, int *set)
{
	char cmd[600], line[8192], pat[320];
	unsigned long long seq, best = 0;
	char *val = strdup(""), *p, *q;
	size_t pl;
	FILE *f;

	snprintf(cmd, sizeof(cmd), "smap-log dump --full '%s'", log_dir);
	pl = (size_t)snprintf(pat, sizeof(pat), " key=\"%s\"", k);
	f = popen(cmd, "r");
	if (!f || !val)
		die("smap-log dump");
	*set = 0;
	while (fgets(line, sizeof(line), f)) {
		char o[8];

		if (sscanf(line, "%llu %7s", &seq, o) != 2 || seq < best)
			continue;
		p = strstr(line, pat);
		if (!p || (p[pl] != ' ' && p[pl] != '\n'))
			continue;
		best = seq;
		*set = !strcmp(o, "set");
		val[0] = 0;
		p = strstr(p + pl, " value=\"");
		q = p ? strrchr(p, '"') : NULL;
		if (*set && p && q > p + 8) {
			free(val);
			val = strndup(p + 8, (size_t)(q - p - 8));
			if (!val)
				die("strndup");
		}
	}
	if (pclose(f)) {
		free(val);
		return NULL;
	}
	return val;
}

/* -L: the log's newest record of K agrees with the store; 0 or 1 */
static int log_agrees(unsigned int n, const char *how, const char *k)
{
	char *v = value_of(k), *lv;
	int set, bad;

	lv = log_value(k, &set);
	if (!lv) {
		printf("%s: attempt %u %s, then smap-log dump %s failed\n", op, n, how, log_dir);
		free(v);
		return 1;
	}
	bad = v ? !set || strcmp(v, lv) : set;
	if (bad)
		printf("%s: attempt %u %s, then %s holds %s but the log says %s%s\n", op, n,
		       how, k, v ? v : "nothing", set ? "set " : "deleted", set ? lv : "");
	free(v);
	free(lv);
	return bad;
}

/* the store after attempt N (r: its result, res: what it returned); 0 ok */
static int verify(unsigned int n, char **argv, int r, size_t res)
{
	const char *how = r ? "failed" : "succeeded";
	int64_t now;

	if (!strcmp(op, "set"))
		return expect_val(n, how, argv[1], r ? "prev" : argv[2]);
	if (!strcmp(op, "set-new"))
		return expect_val(n, how, argv[1], r ? NULL : argv[2]);
	if (!strcmp(op, "del"))
		return expect_val(n, how, argv[1], r ? "d" : NULL);
	if (!strcmp(op, "cas"))
		return expect_val(n, how, argv[1], argv[r ? 2 : 3]);
	if (!strcmp(op, "incr")) {
		if (!r && (int64_t)res != atoll(argv[2])) {
			printf("%s: attempt %u returned %lld, not %s\n", op, n,
			       (long long)(int64_t)res, argv[2]);
			return 1;
		}
		return expect_val(n, how, argv[1], r ? NULL : argv[2]);
	}
	if (!strcmp(op, "get") && !r && res) {
		printf("%s: attempt %u read a value other than %s\n", op, n, base_val);
		return 1;
	}
	if (!strcmp(op, "list") && !r && res != base_count) {
		printf("%s: attempt %u listed %zu keys, not %zu\n", op, n, res, base_count);
		return 1;
	}
	if (!strcmp(op, "batch")) {
		int e1 = 0, st1 = 0;

		/* each entry is atomic, the batch is not: K2 went up at most
		 * once (exactly once when its entry says so), K1 is gone
		 * unless its set applied and its del failed */
		now = int_of(k2);
		smap_batch_result(bb, 1, &e1, &st1, NULL);
		if (now != base_k2 && now != base_k2 + 1) {
			printf("%s: attempt %u %s, then %s went from %lld to %lld\n", op, n, how,
			       k2, (long long)base_k2, (long long)now);
			return 1;
		}
		if ((!r || (!e1 && st1)) && now != base_k2 + 1) {
			printf("%s: attempt %u: its incr of %s applied, yet %s holds %lld (was %lld)\n",
			       op, n, k2, k2, (long long)now, (long long)base_k2);
			return 1;
		}
		if (!r)
			return expect_val(n, how, argv[1], NULL);
	}
	if (!strncmp(op, "load", 4) && !r && dump_want) {
		char *d;
		int bad;

		h = smap_open(SMAP_TRANSPORT_IOCTL);
		if (!h)
			die("smap_open after the load");
		d = store_dump();
		bad = strcmp(d, dump_want) != 0;
		if (bad)
			printf("%s: attempt %u loaded a store other than the dump:\n%s", op, n, d);
		free(d);
		smap_close(h);
		h = NULL;
		return bad;
	}
	return 0;
}

int main(int argc, char **argv)
{
	int extra = 0, ko_fd = -1, opt, rc = 0, tolerated = 0, fired = 0, load_init;
	unsigned int n, max_n = 10000, counts[256] = { 0 };
	unsigned int step = 1, run = 0, no_stride_until = 0, strided = 0, attempts = 0;

	while ((opt = getopt(argc, argv, "na:m:d:L:")) != -1) {
		if (opt == 'n')
			netlink = 1;
		else if (opt == 'a')
			extra = atoi(optarg);
		else if (opt == 'm')
			max_n = atoi(optarg);
		else if (opt == 'd')
			dump_want = read_file(optarg);
		else if (opt == 'L')
			log_dir = optarg;
		else
			return 1;
	}
	argc -= optind;
	argv += optind;
	if (argc < 1) {
		fprintf(stderr, "usage: smap-failnth [-n] [-a ERRNO] [-m MAX] [-d DUMP] [-L DIR] OP ARGS...\n");
		return 1;
	}
	op = argv[0];
	nth_fd = open("/proc/thread-self/fail-nth", O_RDWR);
	if (nth_fd < 0) {
		perror("smap-failnth: /proc/thread-self/fail-nth");
		return 2;
	}
	load_init = !strcmp(op, "load-init");
	if (!strncmp(op, "kapi-", 5)) {
		op += 5;
		kapi_fd = open("/dev/smap_fuzz_kapi", O_RDWR | O_CLOEXEC);
		if (kapi_fd < 0) {
			perror("smap-failnth: /dev/smap_fuzz_kapi");
			return 1;
		}
	}
	if (!strncmp(op, "load", 4)) {
		ko_fd = argc >= 2 ? open(argv[1], O_RDONLY | O_CLOEXEC) : -1;
		if (ko_fd < 0) {
			perror("smap-failnth: load");
			return 1;
		}
	} else if (strcmp(op, "write")) {
		h = smap_open(netlink ? SMAP_TRANSPORT_NETLINK : SMAP_TRANSPORT_IOCTL);
		if (!h) {
			perror("smap-failnth: smap_open");
			return 1;
		}
	}
	if (!strcmp(op, "batch") && argc == 2) {
		/* K2: the batch's incr (batch_build(), before each attempt) */
		snprintf(k2, sizeof(k2), "%s2", argv[1]);
	}

	for (n = 1; n <= max_n; n += step) {
		int r, e, injected;
		size_t res = 0;

		attempts++;

		if (h)
			prepare(argv);
		if (load_init)
			snprintf(init_params, sizeof(init_params), "%s init_fail_nth=%u",
				 argc > 2 ? argv[2] : "", n);
		else
			nth_write(n);
		r = one_call(argc, argv, ko_fd, &res);
		e = errno;
		if (load_init) {
			/* a failed init is taken for a fired fault: the last
			 * attempt must still succeed with its fault unreached */
			injected = r || init_fired(argv[1]);
		} else {
			injected = nth_injected();
			if (!injected)
				nth_write(0);
		}
		if (r == -2) {
			fprintf(stderr, "smap-failnth: bad operation '%s' (see the usage)\n", op);
			return 1;
		}
		if (r && !injected) {
			printf("%s: attempt %u failed without an injected fault: %s\n", op, n,
			       strerror(e));
			return 1;
		}
		if (r && e != ENOMEM && !(netlink && e == ENOBUFS) && e != extra) {
			printf("%s: attempt %u: unexpected error %s\n", op, n, strerror(e));
			rc = 1;
		}
		if (verify(n, argv, r, res))
			rc = 1;
		if (log_dir && argc > 1 && strncmp(op, "load", 4) && strcmp(op, "write") &&
		    strcmp(op, "list") && strcmp(op, "get") &&
		    (log_agrees(n, r ? "failed" : "succeeded", argv[1]) ||
		     (!strcmp(op, "batch") && log_agrees(n, r ? "failed" : "succeeded", k2))))
			rc = 1;
		if (r == 0 && (injected || step > 1) && ko_fd >= 0 && unload(argv[1])) {
			printf("%s: attempt %u: cannot unload %s: %s\n", op, n, argv[1],
			       strerror(errno));
			return 1;
		}
		if (step > 1 && (!injected || r)) {
			/*
			 * Past a stride, the call ended or failed: the sites
			 * skipped since the last tolerated one are swept one by
			 * one, and no stride again before n.
			 */
			strided -= step - 1;
			n -= step;
			no_stride_until = n + step;
			step = 1;
			run = 0;
			continue;
		}
		if (!injected)
			break;	/* the call met fewer than n sites: all swept */
		fired++;
		if (r) {
			counts[e & 255]++;
			run = 0;
			continue;
		}
		/* it tolerated the fault: later sites are not swept yet */
		tolerated++;
		/*
		 * A long run of tolerated faults (vmalloc's page by page
		 * fallbacks, readahead) is strided through, doubling up to
		 * STRIDE_MAX: every site where the outcome changes is still
		 * found (above), a lone failing site inside the run may not be.
		 */
		if (++run >= STRIDE_RUN && n >= no_stride_until && step < STRIDE_MAX) {
			step *= 2;
			run = 0;
		}
		strided += step - 1;
	}
	if (n > max_n) {
		printf("%s: %u fault sites failed and the call still met more: not swept (-m %u)\n",
		       op, max_n, max_n);
		return 1;
	}
	printf("%s%s%s: %d fault sites swept (", netlink ? "netlink " : "",
	       kapi_fd >= 0 ? "kapi " : "", op, fired);
	for (opt = 0, extra = 0; opt < 256; opt++) {
		if (!counts[opt])
			continue;
		printf("%s%s x%u", extra++ ? ", " : "", strerrorname_np(opt), counts[opt]);
	}
	printf("%stolerated x%d", extra ? ", " : "", tolerated);
	if (strided)
		printf(", %u strided over in runs of tolerated ones", strided);
	printf(") in %u calls, then ok%s\n", attempts,
	       rc ? " but the checks above failed" : "");
	return rc;
}
