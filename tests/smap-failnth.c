// SPDX-License-Identifier: GPL-2.0
/*
 * smap-failnth: the allocation-failure sweep of one entry point. For
 * N = 1, 2, ... it writes N to /proc/thread-self/fail-nth (the kernel then
 * fails the Nth fault site this thread reaches: slab and page allocations,
 * as /sys/kernel/debug/failslab and fail_page_alloc allow) and makes ONE
 * call; it stops at the first call that succeeds.
 * Every attempt must either fail with an allowed errno (ENOMEM; ENOBUFS too
 * over netlink) or succeed; a failure without an injected fault, or with
 * another errno, fails the sweep.
 *
 * usage: smap-failnth [-n] [-a ERRNO] OP ARGS...
 *   -n            the netlink transport (default: the ioctls)
 *   -a ERRNO      also allow this errno (a number), e.g. for a module init
 *   OP: set K V | get K | del K | incr K DELTA | cas K OLD NEW | list PREFIX
 *       | batch K (set K1 V, incr K2 1, del K1: one batch) | recover
 *       | write FILE TEXT (e.g. a module parameter) | load KO [PARAMS]
 * Prints "OP: N attempts (ENOMEM xA, ...), then ok" and exits 0, or says
 * what went wrong and exits 1; 2 when fail-nth is missing (no
 * CONFIG_FAULT_INJECTION).
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/syscall.h>
#include <unistd.h>
#include <shared_map.h>

#define MAX_N 5000

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

/* 1 when the fault set up by nth_write() was injected */
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

/* one call of OP; 0 or -1 with errno */
static int one_call(struct smap *h, int argc, char **argv, int ko_fd)
{
	const char *op = argv[0];
	int64_t r;
	void *v;
	size_t vlen, n = 0;

	if (!strcmp(op, "set") && argc == 3)
		return smap_set(h, argv[1], strlen(argv[1]), argv[2], strlen(argv[2]), 0, NULL);
	if (!strcmp(op, "get") && argc == 2) {
		if (smap_get(h, argv[1], strlen(argv[1]), &v, &vlen))
			return -1;
		free(v);
		return 0;
	}
	if (!strcmp(op, "del") && argc == 2)
		return smap_del(h, argv[1], strlen(argv[1]));
	if (!strcmp(op, "incr") && argc == 3)
		return smap_incr(h, argv[1], strlen(argv[1]), atoll(argv[2]), &r);
	if (!strcmp(op, "cas") && argc == 4)
		return smap_cas(h, argv[1], strlen(argv[1]), argv[2], strlen(argv[2]),
				argv[3], strlen(argv[3]), 0, NULL);
	if (!strcmp(op, "list") && argc == 2)
		return smap_list(h, argv[1], strlen(argv[1]), count_cb, &n);
	if (!strcmp(op, "recover") && argc == 1)
		return smap_recover(h);
	if (!strcmp(op, "write") && argc == 3)
		return do_write(argv[1], argv[2]);
	if (!strcmp(op, "load") && argc >= 2)
		return syscall(SYS_finit_module, ko_fd, argc > 2 ? argv[2] : "", 0) ? -1 : 0;
	errno = EINVAL;
	return -2;
}

static int batch_call(struct smap *h, struct smap_batch_builder *b)
{
	size_t failed = 0;

	return smap_batch_exec(h, b, &failed);
}

int main(int argc, char **argv)
{
	int netlink = 0, extra = 0, ko_fd = -1, opt, rc = 0, tolerated = 0;
	unsigned int n, counts[256] = { 0 };
	struct smap_batch_builder *b = NULL;
	struct smap *h = NULL;
	char k2[300];

	while ((opt = getopt(argc, argv, "na:")) != -1) {
		if (opt == 'n')
			netlink = 1;
		else if (opt == 'a')
			extra = atoi(optarg);
		else
			return 1;
	}
	argc -= optind;
	argv += optind;
	if (argc < 1) {
		fprintf(stderr, "usage: smap-failnth [-n] [-a ERRNO] OP ARGS...\n");
		return 1;
	}
	nth_fd = open("/proc/thread-self/fail-nth", O_RDWR);
	if (nth_fd < 0) {
		perror("smap-failnth: /proc/thread-self/fail-nth");
		return 2;
	}
	if (!strcmp(argv[0], "load")) {
		ko_fd = argc >= 2 ? open(argv[1], O_RDONLY | O_CLOEXEC) : -1;
		if (ko_fd < 0) {
			perror("smap-failnth: load");
			return 1;
		}
	} else if (strcmp(argv[0], "write")) {
		h = smap_open(netlink ? SMAP_TRANSPORT_NETLINK : SMAP_TRANSPORT_IOCTL);
		if (!h) {
			perror("smap-failnth: smap_open");
			return 1;
		}
	}
	if (!strcmp(argv[0], "batch") && argc == 2) {
		/* set K1, incr K2, del K1: one batch; the caller checks K2 */
		snprintf(k2, sizeof(k2), "%s2", argv[1]);
		b = smap_batch_new();
		if (!b || smap_batch_set(b, argv[1], strlen(argv[1]), "v", 1, 0) ||
		    smap_batch_incr(b, k2, strlen(k2), 1) ||
		    smap_batch_del(b, argv[1], strlen(argv[1]))) {
			perror("smap-failnth: batch");
			return 1;
		}
	}

	for (n = 1; n <= MAX_N; n++) {
		int r, e, injected;

		nth_write(n);
		r = b ? batch_call(h, b) : one_call(h, argc, argv, ko_fd);
		e = errno;
		injected = nth_injected();
		if (!injected)
			nth_write(0);
		if (r == -2) {
			fprintf(stderr, "smap-failnth: bad operation '%s' (see the usage)\n", argv[0]);
			return 1;
		}
		if (r == 0) {
			/* done, even if it tolerated the injected failure:
			 * a second success would apply set/incr twice */
			tolerated = injected;
			break;
		}
		if (!injected) {
			printf("%s: attempt %u failed without an injected fault: %s\n",
			       argv[0], n, strerror(e));
			rc = 1;
			continue;
		}
		if (e != ENOMEM && !(netlink && e == ENOBUFS) && e != extra) {
			printf("%s: attempt %u: unexpected error %s\n", argv[0], n, strerror(e));
			rc = 1;
		}
		counts[e & 255]++;
	}
	if (n > MAX_N) {
		printf("%s: still failing after %u attempts\n", argv[0], MAX_N);
		return 1;
	}
	printf("%s%s: %u attempts (", netlink ? "netlink " : "", argv[0], n);
	for (opt = 0, extra = 0; opt < 256; opt++) {
		if (!counts[opt])
			continue;
		printf("%s%s x%u", extra++ ? ", " : "", strerrorname_np(opt), counts[opt]);
	}
	printf("%s), then ok%s\n", extra ? "" : "none failed",
	       tolerated ? " (with its fault injected and tolerated)" : "");
	return rc;
}
