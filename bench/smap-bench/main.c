// SPDX-License-Identifier: GPL-2.0
/*
 * smap-bench: an fio-like latency benchmark for shared_map and its
 * baselines (Redis over a unix socket, a no-op ioctl, a genl echo).
 *
 * Every job is a process; each times every operation with
 * clock_gettime(CLOCK_MONOTONIC) into a log-scale histogram (smap_bench.h:
 * 64 sub-buckets per power of two, <= 1.6 % bucket width) in shared memory,
 * and the parent merges them. The kapi transport has no user-space jobs:
 * smap_kbench's kthreads time the in-kernel API and return the same
 * histogram. Output is fio's JSON (one group_reporting job; json+ adds the
 * latency bins fio_jsonplus_clat2csv reads; fiojson.h) or text.
 */
#include <errno.h>
#include <inttypes.h>
#include <signal.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "bench.h"

void die(const char *fmt, ...)
{
	va_list ap;

	fprintf(stderr, "smap-bench: ");
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fputc('\n', stderr);
	exit(2);
}

/* ---- connections: one per job, on its engine and transport ---- */

static int conn_open(struct conn *c)
{
	size_t big = (size_t)o.value_size + o.key_size + 4096;
	int err = 0;

	memset(c, 0, sizeof(*c));
	c->fd = -1;
	c->key = calloc(1, o.key_size + 1);
	c->val = malloc(o.value_size + 1);
	c->buf_size = big < 65536 ? 65536 : big;
	c->buf = malloc(c->buf_size);
	c->out_size = big + 256;
	if (o.batch)
		c->out_size += (size_t)o.batch * batch_entry_size();
	c->out = calloc(1, c->out_size);
	if (!c->key || !c->val || !c->buf || !c->out)
		return -ENOMEM;
	memset(c->val, 'v', o.value_size);
	switch (o.engine) {
	case ENG_SMAP:
		if (o.transport == TR_NETLINK) {
			err = nl_open(c);
			if (!err)
				err = nl_resolve(c, SMAP_GENL_NAME);
		} else {
			err = ioctl_open(c, SMAP_DEVICE_PATH);
		}
		break;
	case ENG_NOP_IOCTL:
		err = ioctl_open(c, SMAP_NOP_DEVICE_PATH);
		break;
	case ENG_NOP_GENL:
		err = nl_open(c);
		if (!err)
			err = nl_resolve(c, SMAP_ECHO_GENL_NAME);
		break;
	case ENG_REDIS:
		err = redis_connect(c);
		break;
	}
	return err;
}

static void conn_close(struct conn *c)
{
	if (c->fd >= 0)
		close(c->fd);
	free(c->key);
	free(c->val);
	free(c->buf);
	free(c->out);
}

/* One operation on the current key; bytes moved in *@bytes. */
static int do_op(struct conn *c, enum rw op, uint64_t *bytes)
{
	switch (o.engine) {
	case ENG_SMAP:
		return o.transport == TR_NETLINK ? nl_smap_op(c, op, bytes) :
						   ioctl_smap_op(c, op, bytes);
	case ENG_NOP_IOCTL:
		return ioctl_nop_op(c, op, bytes);
	case ENG_NOP_GENL:
		return nl_nop_op(c, op, bytes);
	case ENG_REDIS:
		return redis_op(c, op, bytes);
	}
	return -EINVAL;
}

/* ---- the sync parameter ---- */

static int read_sync(char *buf, size_t len)
{
	FILE *f = fopen(SYNC_PARAM, "r");

	if (!f)
		return -errno;
	if (!fgets(buf, (int)len, f)) {
		fclose(f);
		return -EIO;
	}
	fclose(f);
	buf[strcspn(buf, "\n")] = 0;
	return 0;
}

static int write_sync(const char *mode)
{
	FILE *f = fopen(SYNC_PARAM, "w");
	int err = 0;

	if (!f)
		return -errno;
	if (fputs(mode, f) < 0)
		err = -EIO;
	if (fclose(f))
		err = -errno;
	return err;
}

/* ---- prefill: make every key of the key space exist ---- */

static void prefill(void)
{
	char saved[32] = "";
	struct conn c;
	uint64_t i, bytes;
	enum engine eng = o.engine;
	enum transport tr = o.transport;
	int err;

	if (o.engine == ENG_SMAP) {
		/* Fast and not part of the measurement: no fsync per key. */
		if (!read_sync(saved, sizeof(saved)))
			write_sync("none");
		o.transport = TR_IOCTL;
	}
	err = conn_open(&c);
	if (err)
		die("prefill: cannot connect: %s", strerror(-err));
	if (o.engine == ENG_REDIS) {
		/* Pipelined, 256 commands a round trip. */
		for (i = 0; i < o.keys; i += 256) {
			uint64_t j, end = i + 256 < o.keys ? i + 256 : o.keys;

			for (j = i; j < end; j++) {
				smap_bench_key(c.key, o.key_size, j);
				err = redis_send(&c, redis_cmd(&c, RW_SET));
				if (err)
					die("prefill: redis: %s", strerror(-err));
			}
			for (j = i; j < end; j++)
				if (redis_reply(&c) < 0)
					die("prefill: redis SET failed");
		}
	} else {
		for (i = 0; i < o.keys; i++) {
			smap_bench_key(c.key, o.key_size, i);
			err = do_op(&c, RW_SET, &bytes);
			if (err)
				die("prefill: set: %s", strerror(-err));
		}
	}
	conn_close(&c);
	if (saved[0])
		write_sync(saved);
	o.engine = eng;
	o.transport = tr;
}

/* ---- jobs ---- */

struct shared {
	volatile uint64_t start_ns;
	struct job_shm job[];
};

/* fio's thinktime: idle between operations, as a client with work of its own */
static void think(uint64_t us)
{
	struct timespec ts = {
		.tv_sec = (time_t)(us / 1000000),
		.tv_nsec = (long)(us % 1000000) * 1000,
	};

	while (nanosleep(&ts, &ts) && errno == EINTR)
		;
}

static void run_job(struct shared *sh, unsigned int id, int ready_fd,
		    int go_fd)
{
	struct job_shm *j = &sh->job[id];
	__u64 seed = o.seed * 0x9E3779B97F4A7C15ULL + id + 1;
	uint64_t i, deadline, t0, t1, bytes;
	struct conn c;
	char ch = 0;
	enum rw op;
	int err;

	lat_init(&j->st[DIR_READ]);
	lat_init(&j->st[DIR_WRITE]);
	err = conn_open(&c);
	if (err) {
		j->failed = -err;
		snprintf(j->msg, sizeof(j->msg), "connect: %s", strerror(-err));
	}
	if (write(ready_fd, &ch, 1) != 1 || read(go_fd, &ch, 1) < 0 || err)
		_exit(1);
	deadline = sh->start_ns + (uint64_t)(o.runtime * 1e9);
	for (i = 0;; i++) {
		if (o.ops ? i >= o.ops : now_ns() >= deadline)
			break;
		smap_bench_key(c.key, o.key_size, smap_bench_rand(&seed) % o.keys);
		op = o.rw == RW_MIXED ? ((i & 1) ? RW_SET : RW_GET) : o.rw;
		if (op == RW_INCR)
			c.key[0] = 'i';	/* counters apart from values */
		bytes = 0;
		t0 = now_ns();
		err = do_op(&c, op, &bytes);
		t1 = now_ns();
		if (err) {
			if (!j->st[0].errors && !j->st[1].errors) {
				j->first_error = -err;
				snprintf(j->msg, sizeof(j->msg), "%s: %s",
					 rw_names[op], c.err[0] ? c.err :
					 strerror(-err));
			}
			j->st[op == RW_GET ? DIR_READ : DIR_WRITE].errors++;
			if (err == -ENOTTY || err == -EBADF || err == -ENODEV ||
			    err == -ECONNRESET || err == -EPIPE)
				break;	/* no point going on */
			continue;
		}
		lat_add(&j->st[op == RW_GET ? DIR_READ : DIR_WRITE], t1 - t0,
			 bytes);
		if (o.thinktime_us)
			think(o.thinktime_us);
	}
	conn_close(&c);
	_exit(0);
}

/* Run all jobs; fills @tot[2], returns the wall time of the run (ns). */
static uint64_t run_jobs(struct lat_stat *tot, int *first_error, char *msg,
			 size_t msg_len)
{
	size_t size = sizeof(struct shared) + o.numjobs * sizeof(struct job_shm);
	struct shared *sh;
	int ready[2], go[2];
	unsigned int i, n = 0;
	uint64_t start;
	pid_t *pids;
	char ch;

	sh = mmap(NULL, size, PROT_READ | PROT_WRITE, MAP_SHARED | MAP_ANONYMOUS,
		  -1, 0);
	pids = calloc(o.numjobs, sizeof(*pids));
	if (sh == MAP_FAILED || !pids)
		die("out of memory");
	if (pipe(ready) || pipe(go))
		die("pipe: %s", strerror(errno));
	for (i = 0; i < o.numjobs; i++) {
		pids[i] = fork();
		if (pids[i] < 0)
			die("fork: %s", strerror(errno));
		if (!pids[i]) {
			close(ready[0]);
			close(go[1]);
			run_job(sh, i, ready[1], go[0]);
		}
	}
	close(ready[1]);
	close(go[0]);
	while (n < o.numjobs && read(ready[0], &ch, 1) == 1)
		n++;
	start = now_ns();
	sh->start_ns = start;
	__sync_synchronize();
	close(go[1]);		/* every job's read() returns: go */
	for (i = 0; i < o.numjobs; i++)
		waitpid(pids[i], NULL, 0);
	start = now_ns() - start;
	close(ready[0]);
	lat_init(&tot[DIR_READ]);
	lat_init(&tot[DIR_WRITE]);
	*first_error = 0;
	for (i = 0; i < o.numjobs; i++) {
		struct job_shm *j = &sh->job[i];

		lat_merge(&tot[DIR_READ], &j->st[DIR_READ]);
		lat_merge(&tot[DIR_WRITE], &j->st[DIR_WRITE]);
		if (!*first_error && (j->failed || j->first_error)) {
			*first_error = j->failed ? j->failed : j->first_error;
			snprintf(msg, msg_len, "job %u: %s", i, j->msg);
		}
	}
	munmap(sh, size);
	free(pids);
	return start;
}

int main(int argc, char **argv)
{
	struct lat_stat *st;
	char msg[256] = "", sync_now[32] = "-";
	uint64_t wall;
	int c, first_error = 0;

	parse_opts(argc, argv);
	if (o.sync) {
		int err = write_sync(o.sync);

		if (err)
			die("cannot set %s=%s: %s", SYNC_PARAM, o.sync,
			    strerror(-err));
	}
	if (o.engine == ENG_SMAP)
		read_sync(sync_now, sizeof(sync_now));
	else if (o.engine == ENG_REDIS)
		snprintf(sync_now, sizeof(sync_now), "redis");
	if (o.prefill < 0)
		o.prefill = (o.rw == RW_GET || o.rw == RW_MIXED) &&
			    (o.engine == ENG_SMAP || o.engine == ENG_REDIS);
	if (o.prefill)
		prefill();
	signal(SIGPIPE, SIG_IGN);
	st = calloc(2, sizeof(*st));
	if (!st)
		die("out of memory");
	if (o.engine == ENG_SMAP && o.transport == TR_KAPI)
		wall = run_kapi(st, &first_error, msg, sizeof(msg));
	else
		wall = run_jobs(st, &first_error, msg, sizeof(msg));
	if (o.json)
		out_json(st, wall, first_error, msg, sync_now);
	else
		out_normal(st, wall, first_error, msg, sync_now);
	c = first_error && !st[0].l.n && !st[1].l.n;
	free(st);
	return c;
}
