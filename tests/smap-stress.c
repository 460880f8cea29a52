// SPDX-License-Identifier: GPL-2.0
/*
 * smap-stress: concurrency checks for /dev/shared_map.
 *
 *   smap-stress mixed NPROC SECONDS   processes x random set/get/del/incr/
 *                                     cas/list/batch; counters must add up
 *   smap-stress torn SECONDS NREADERS a writer alternates two 4 KiB values;
 *                                     every read must be one or the other
 * Exit 0 if every check held, 1 otherwise.
 */
#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>
#include <linux/shared_map.h>

#define NKEYS	64
#define VMAX	8192

static int fd;

static uint64_t p2u(const void *p)
{
	return (uint64_t)(uintptr_t)p;
}

static double now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec + ts.tv_nsec / 1e9;
}

static int xioctl(unsigned long cmd, void *arg)
{
	return ioctl(fd, cmd, arg) < 0 ? -errno : 0;
}

static int bad(const char *what, int err)
{
	fprintf(stderr, "smap-stress: %s: unexpected %s\n", what,
		strerror(-err));
	return 1;
}

/* returns the number of unexpected results */
static int mixed_child(int idx, double end, uint64_t *incs)
{
	static char val[VMAX], out[VMAX], lbuf[2048];
	char key[32], mykey[32];
	int errs = 0;

	srand(getpid());
	snprintf(mykey, sizeof(mykey), "c/%d", idx);
	memset(val, 'a' + idx % 26, sizeof(val));
	while (now() < end && errs < 10) {
		int op = rand() % 8, r;
		struct smap_kv kv = { 0 };

		snprintf(key, sizeof(key), "s/%d", rand() % NKEYS);
		kv.key = p2u(key);
		kv.key_len = strlen(key);
		switch (op) {
		case 0:
			kv.value = p2u(val);
			kv.value_len = rand() % VMAX;
			r = xioctl(SMAP_IOC_SET, &kv);
			if (r)
				errs += bad("set", r);
			break;
		case 1:
			kv.value = p2u(out);
			kv.value_len = sizeof(out);
			r = xioctl(SMAP_IOC_GET, &kv);
			if (r && r != -ENOENT)
				errs += bad("get", r);
			break;
		case 2:
			r = xioctl(SMAP_IOC_DEL, &kv);
			if (r && r != -ENOENT)
				errs += bad("del", r);
			break;
		case 3: {
			struct smap_incr in = { .key = kv.key,
						.key_len = kv.key_len,
						.delta = 1 };

			r = xioctl(SMAP_IOC_INCR, &in);
			if (r && r != -EINVAL)	/* value may be non-integer */
				errs += bad("incr", r);
			break;
		}
		case 4: {
			struct smap_cas c = { .key = kv.key,
					      .key_len = kv.key_len,
					      .old_value = p2u(val),
					      .old_len = rand() % 4,
					      .new_value = p2u(val),
					      .new_len = rand() % 16 };

			r = xioctl(SMAP_IOC_CAS, &c);
			if (r && r != -ENOENT && r != -ECANCELED)
				errs += bad("cas", r);
			break;
		}
		case 5: {
			struct smap_list l = { .prefix = p2u("s/"),
					       .prefix_len = 2,
					       .buf = p2u(lbuf),
					       .buf_len = sizeof(lbuf) };

			do {
				r = xioctl(SMAP_IOC_LIST, &l);
				if (r) {
					errs += bad("list", r);
					break;
				}
			} while (!(l.flags & SMAP_LIST_END));
			break;
		}
		case 6: {
			/* my own counter: nobody else touches it */
			struct smap_incr in = { .key = p2u(mykey),
						.key_len = strlen(mykey),
						.delta = 1 };

			r = xioctl(SMAP_IOC_INCR, &in);
			if (r)
				errs += bad("incr own", r);
			else if ((uint64_t)in.result != ++incs[0])
				errs += bad("own counter skipped", -EPROTO);
			break;
		}
		case 7: {
			/* the shared counter, via batch */
			struct {
				struct smap_batch_op h;
				char k[8];
			} b = { .h = { .op = SMAP_OP_INCR, .key_len = 8,
				       .arg = 1 } };
			struct smap_batch bt = { .ops = p2u(&b),
						 .len = sizeof(b), .count = 1 };

			memcpy(b.k, "c/shared", 8);
			r = xioctl(SMAP_IOC_BATCH, &bt);
			if (r || b.h.error)
				errs += bad("batch incr", r ? r : b.h.error);
			else
				incs[1]++;
			break;
		}
		}
	}
	return errs;
}

static int64_t get_num(const char *k)
{
	char buf[32] = { 0 };
	struct smap_kv kv = { .key = p2u(k), .key_len = strlen(k),
			      .value = p2u(buf), .value_len = sizeof(buf) - 1 };

	if (xioctl(SMAP_IOC_GET, &kv))
		return -1;
	return strtoll(buf, NULL, 10);
}

static int mixed(int nproc, int secs)
{
	uint64_t *incs = mmap(NULL, sizeof(uint64_t) * 2 * nproc,
			      PROT_READ | PROT_WRITE,
			      MAP_SHARED | MAP_ANONYMOUS, -1, 0);
	double end = now() + secs;
	uint64_t shared = 0, total = 0;
	int fails = 0, st;

	if (incs == MAP_FAILED)
		return 1;
	memset(incs, 0, sizeof(uint64_t) * 2 * nproc);
	/* counters start missing: a leftover from an earlier run would skew */
	for (int i = -1; i < nproc; i++) {
		char k[32];
		struct smap_kv kv = { .key = p2u(k) };

		if (i < 0)
			snprintf(k, sizeof(k), "c/shared");
		else
			snprintf(k, sizeof(k), "c/%d", i);
		kv.key_len = strlen(k);
		xioctl(SMAP_IOC_DEL, &kv);
	}
	for (int i = 0; i < nproc; i++) {
		if (fork() == 0)
			exit(mixed_child(i, end, incs + 2 * i) ? 1 : 0);
	}
	for (int i = 0; i < nproc; i++) {
		wait(&st);
		if (!WIFEXITED(st) || WEXITSTATUS(st))
			fails++;
	}
	for (int i = 0; i < nproc; i++) {
		char k[32];

		snprintf(k, sizeof(k), "c/%d", i);
		if (incs[2 * i] && get_num(k) != (int64_t)incs[2 * i]) {
			fprintf(stderr, "smap-stress: %s = %" PRId64
				", want %" PRIu64 "\n", k, get_num(k),
				incs[2 * i]);
			fails++;
		}
		shared += incs[2 * i + 1];
		total += incs[2 * i] + incs[2 * i + 1];
	}
	if (shared && get_num("c/shared") != (int64_t)shared) {
		fprintf(stderr, "smap-stress: c/shared = %" PRId64
			", want %" PRIu64 "\n", get_num("c/shared"), shared);
		fails++;
	}
	printf("smap-stress mixed: %d processes, %d s, %" PRIu64
	       " counted increments, %d failures\n", nproc, secs, total,
	       fails);
	return fails ? 1 : 0;
}

static int torn(int secs, int nreaders)
{
	static char a[4096], b[4096], out[8192];
	double end = now() + secs;
	int fails = 0, st;
	pid_t w;

	memset(a, 'A', sizeof(a));
	memset(b, 'B', sizeof(b));
	{
		struct smap_kv kv = { .key = p2u("torn"), .key_len = 4,
				      .value = p2u(a), .value_len = 4096 };

		if (xioctl(SMAP_IOC_SET, &kv))
			return 1;
	}
	w = fork();
	if (w == 0) {
		long n = 0;

		while (now() < end) {
			struct smap_kv kv = { .key = p2u("torn"), .key_len = 4,
					      .value = p2u(n & 1 ? b : a),
					      .value_len = 4096 };

			if (xioctl(SMAP_IOC_SET, &kv))
				exit(1);
			n++;
		}
		printf("smap-stress torn: %ld writes\n", n);
		exit(0);
	}
	for (int i = 0; i < nreaders; i++) {
		if (fork() == 0) {
			long n = 0, torn_reads = 0;

			while (now() < end) {
				struct smap_kv kv = {
					.key = p2u("torn"), .key_len = 4,
					.value = p2u(out),
					.value_len = sizeof(out) };

				if (xioctl(SMAP_IOC_GET, &kv) ||
				    kv.value_len != 4096 ||
				    (memcmp(out, a, 4096) &&
				     memcmp(out, b, 4096)))
					torn_reads++;
				n++;
			}
			printf("smap-stress torn: reader %d: %ld reads, %ld torn\n",
			       i, n, torn_reads);
			exit(torn_reads ? 1 : 0);
		}
	}
	for (int i = 0; i < nreaders + 1; i++) {
		wait(&st);
		if (!WIFEXITED(st) || WEXITSTATUS(st))
			fails++;
	}
	return fails ? 1 : 0;
}

int main(int argc, char **argv)
{
	fd = open(SMAP_DEVICE_PATH, O_RDWR | O_CLOEXEC);
	if (fd < 0) {
		perror("smap-stress: open " SMAP_DEVICE_PATH);
		return 2;
	}
	setvbuf(stdout, NULL, _IOLBF, 0);
	if (argc == 4 && !strcmp(argv[1], "mixed"))
		return mixed(atoi(argv[2]), atoi(argv[3]));
	if (argc == 4 && !strcmp(argv[1], "torn"))
		return torn(atoi(argv[2]), atoi(argv[3]));
	fprintf(stderr, "usage: smap-stress mixed NPROC SECONDS | "
		"torn SECONDS NREADERS\n");
	return 2;
}
