// SPDX-License-Identifier: GPL-2.0
/*
 * peer-bench: smap-bench's set/get workloads on a peer store, linked with
 * one engine (peer-lmdb.c, peer-rocksdb.c, peer-sqlite.c, peer-bpf.c) into
 * lmdb-bench, rocksdb-bench, sqlite-bench and bpf-bench.
 *
 * The same options as smap-bench where they mean the same (--rw, --numjobs,
 * --runtime/--ops, --key-size, --value-size, --keys, --prefill, --seed,
 * --output-format=json|json+), parsed by the same code (benchopts.c): the
 * same keys, chosen by the same per-job random sequence, each operation
 * timed with clock_gettime(CLOCK_MONOTONIC) into the same histogram. Jobs are
 * processes, or threads of one process where the store wants one (RocksDB).
 */
#include <errno.h>
#include <pthread.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/wait.h>
#include <unistd.h>

#include "benchopts.h"
#include "fiojson.h"
#include "peer.h"

enum { DIR_READ, DIR_WRITE };

static const char *const rw_names[2] = { "get", "set" };

static struct {
	BENCH_COMMON;		/* rw: 1 set, 0 get; prefill -1: for get */
	bool set;
	struct peer_opts p;	/* filled from the options once parsed */
} o = {
	.name = NULL,
	.prefill = -1,
	.seed = 1,
	.numjobs = 1,
	.key_size = 16,
	.value_size = 64,
	.keys = 10000,
};

struct job {
	struct lat_stat st[2];
	int first_error;
	char msg[160];
	unsigned int id;
	pthread_t tid;
};

struct shared {
	volatile uint64_t start_ns;
	volatile int go;
	volatile int ready;
	struct job job[];
};

void die(const char *fmt, ...)
{
	va_list ap;

	fprintf(stderr, "%s-bench: ", peer.name);
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fputc('\n', stderr);
	exit(2);
}

static void set_msg(struct job *j, void *h, const char *what, int err)
{
	const char *m = h && peer.errmsg ? peer.errmsg(h) : NULL;

	j->first_error = -err;
	snprintf(j->msg, sizeof(j->msg), "%s: %s", what, m ? m : strerror(-err));
}

/* One job: open, wait for the start, time every operation. */
static void run_job(struct shared *sh, struct job *j)
{
	__u64 seed = o.seed * 0x9E3779B97F4A7C15ULL + j->id + 1;
	char *key = calloc(1, o.key_size + 1);
	char *val = malloc(o.value_size + 1);
	size_t blen = o.value_size + 4096;
	char *buf = malloc(blen);
	uint64_t i, deadline, t0, t1;
	void *h = NULL;
	int err;

	lat_init(&j->st[DIR_READ]);
	lat_init(&j->st[DIR_WRITE]);
	err = key && val && buf ? peer.open(&o.p, &h) : -ENOMEM;
	if (err)
		set_msg(j, h, "open", err);
	if (val)
		memset(val, 'v', o.value_size);
	__atomic_add_fetch(&sh->ready, 1, __ATOMIC_SEQ_CST);
	while (!__atomic_load_n(&sh->go, __ATOMIC_ACQUIRE))
		usleep(100);
	deadline = sh->start_ns + (uint64_t)(o.runtime * 1e9);
	for (i = 0; !err; i++) {
		size_t vlen = 0;
		int e;

		if (o.ops ? i >= o.ops : now_ns() >= deadline)
			break;
		smap_bench_key(key, o.key_size,
			       smap_bench_rand(&seed) % o.keys);
		t0 = now_ns();
		if (o.set)
			e = peer.set(h, key, o.key_size, val, o.value_size);
		else
			e = peer.get(h, key, o.key_size, buf, blen, &vlen);
		t1 = now_ns();
		if (!e && !o.set && vlen != o.value_size)
			e = -EBADMSG;	/* not the value that was set */
		if (e) {
			if (!j->first_error)
				set_msg(j, h, o.set ? "set" : "get", e);
			j->st[o.set].errors++;
			continue;
		}
		lat_add(&j->st[o.set], t1 - t0, o.set ? o.value_size : vlen);
	}
	if (h)
		peer.close(h);
	free(key);
	free(val);
	free(buf);
}

static struct shared *threads_sh;	/* the run, for thread jobs */

static void *thread_main(void *arg)
{
	run_job(threads_sh, arg);
	return NULL;
}

/* Every key of the key space, once, from the parent (not timed). */
static void prefill(void)
{
	char *key = calloc(1, o.key_size + 1), *val = malloc(o.value_size + 1);
	void *h = NULL;
	uint64_t i;
	int err;

	if (!key || !val)
		die("out of memory");
	memset(val, 'v', o.value_size);
	o.p.filling = true;
	err = peer.open(&o.p, &h);
	if (err)
		die("prefill: open: %s", h && peer.errmsg && peer.errmsg(h) ?
		    peer.errmsg(h) : strerror(-err));
	for (i = 0; i < o.keys; i++) {
		smap_bench_key(key, o.key_size, i);
		err = peer.set(h, key, o.key_size, val, o.value_size);
		if (err)
			die("prefill: set: %s", peer.errmsg && peer.errmsg(h) ?
			    peer.errmsg(h) : strerror(-err));
	}
	peer.close(h);
	o.p.filling = false;
	free(key);
	free(val);
}

static uint64_t run_jobs(struct lat_stat *tot, int *first_error, char *msg,
			 size_t msg_len)
{
	size_t size = sizeof(struct shared) + o.numjobs * sizeof(struct job);
	struct shared *sh;
	pid_t *pids = calloc(o.numjobs, sizeof(*pids));
	unsigned int i;
	uint64_t wall;

	sh = mmap(NULL, size, PROT_READ | PROT_WRITE, MAP_SHARED | MAP_ANONYMOUS,
		  -1, 0);
	if (sh == MAP_FAILED || !pids)
		die("out of memory");
	threads_sh = sh;
	for (i = 0; i < o.numjobs; i++) {
		struct job *j = &sh->job[i];

		j->id = i;
		if (peer.threads) {
			if (pthread_create(&j->tid, NULL, thread_main, j))
				die("pthread_create failed");
			continue;
		}
		pids[i] = fork();
		if (pids[i] < 0)
			die("fork: %s", strerror(errno));
		if (!pids[i]) {
			run_job(sh, j);
			_exit(0);
		}
	}
	while (__atomic_load_n(&sh->ready, __ATOMIC_ACQUIRE) < (int)o.numjobs)
		usleep(1000);
	sh->start_ns = now_ns();
	__atomic_store_n(&sh->go, 1, __ATOMIC_RELEASE);
	for (i = 0; i < o.numjobs; i++) {
		if (peer.threads)
			pthread_join(sh->job[i].tid, NULL);
		else
			waitpid(pids[i], NULL, 0);
	}
	wall = now_ns() - sh->start_ns;
	lat_init(&tot[DIR_READ]);
	lat_init(&tot[DIR_WRITE]);
	*first_error = 0;
	for (i = 0; i < o.numjobs; i++) {
		struct job *j = &sh->job[i];

		lat_merge(&tot[DIR_READ], &j->st[DIR_READ]);
		lat_merge(&tot[DIR_WRITE], &j->st[DIR_WRITE]);
		if (!*first_error && j->first_error) {
			*first_error = j->first_error;
			snprintf(msg, msg_len, "job %u: %s", i, j->msg);
		}
	}
	munmap(sh, size);
	free(pids);
	return wall;
}

static void usage(int rc)
{
	printf("usage: %s-bench [options]   (%s; a set waits for: %s)\n"
	       "  --name=NAME                 job name in the report\n"
	       "  --rw=set|get                operation\n"
	       "  --numjobs=N                 writers/readers (%s)\n"
	       "  --runtime=S | --ops=N       duration, or operations per job\n"
	       "  --key-size=B --value-size=B sizes in bytes\n"
	       "  --keys=N                    key space (random uniform keys)\n"
	       "  --dir=DIR                   the store (default /var/tmp/%s-bench)\n"
	       "  --prefill=0|1               create every key first (default: get)\n"
	       "  --seed=N                    key sequence seed\n"
	       "  --output-format=json|json+|normal\n",
	       peer.name, peer.name, peer.sync,
	       peer.threads ? "threads of one process" : "processes", peer.name);
	exit(rc);
}

static void peer_opt(int val, const char *arg)
{
	if (val != 'd')
		usage(2);
	o.p.dir = arg;
}

int main(int argc, char **argv)
{
	static const struct option lo[] = {
		{ "dir", required_argument, NULL, 'd' },
		{ NULL, 0, NULL, 0 },
	};
	static const struct bench_opts_spec spec = {
		.rw_names = rw_names,
		.n_rw = 2,
		.extra = lo,
		.extra_opt = peer_opt,
		.usage = usage,
	};
	char dflt[64], msg[256] = "", version[32];
	struct lat_stat *st;
	struct fio_job fj;
	uint64_t wall;
	int c, err, first_error = 0;

	bench_parse_opts(argc, argv, &o.c, &spec);
	o.set = o.rw == 1;
	if (!o.keys || !o.key_size || o.key_size > 511 ||
	    o.value_size > (1 << 20))
		die("--keys, --key-size (1..511), --value-size (<= 1 MiB) out of range");
	snprintf(dflt, sizeof(dflt), "/var/tmp/%s-bench", peer.name);
	if (!o.p.dir)
		o.p.dir = dflt;
	if (!o.name)
		o.name = peer.name;
	if (o.prefill < 0)
		o.prefill = !o.set;
	o.p.numjobs = o.numjobs;
	o.p.key_size = o.key_size;
	o.p.value_size = o.value_size;
	o.p.keys = o.keys;
	err = peer.setup(&o.p);
	if (err)
		die("cannot create the store in %s: %s", o.p.dir, strerror(-err));
	if (o.prefill)
		prefill();
	st = calloc(2, sizeof(*st));
	if (!st)
		die("out of memory");
	wall = run_jobs(st, &first_error, msg, sizeof(msg));
	if (peer.teardown)
		peer.teardown();
	snprintf(version, sizeof(version), "%s-bench-1", peer.name);
	fj = (struct fio_job){
		.version = version,
		.name = o.name,
		.rw = o.set ? "set" : "get",
		.engine = peer.name,
		.bs = o.value_size,
		.key_size = o.key_size,
		.numjobs = o.numjobs,
		.ops = o.ops,
		.runtime = o.runtime,
		.keys = o.keys,
		.sync = o.set ? peer.sync : "-",
		.plus = o.json_plus,
	};
	if (o.json) {
		fio_json(stdout, &fj, st, wall, first_error, msg);
	} else {
		const struct lat_stat *s = &st[o.set];

		printf("%s: (jobs=%u): err=%d%s%s: %s rw=%s\n", o.name,
		       o.numjobs, first_error, msg[0] ? ": " : "", msg,
		       peer.name, fj.rw);
		printf("  ops=%" PRIu64 " IOPS=%.0f p50=%" PRIu64 "ns p99=%"
		       PRIu64 "ns max=%" PRIu64 "ns\n", s->l.n,
		       wall ? (double)s->l.n * 1e9 / (double)wall : 0,
		       lat_percentile(s, 50), lat_percentile(s, 99), s->l.max);
	}
	c = first_error && !st[0].l.n && !st[1].l.n;
	free(st);
	return c;
}
