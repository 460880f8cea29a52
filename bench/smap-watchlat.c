// SPDX-License-Identifier: GPL-2.0
/*
 * smap-watchlat: set-to-event latency. A writer sets one key --ops times; a
 * watcher process (shared_map: SMAP_IOC_WATCH on that key, a blocking
 * read; Redis: SUBSCRIBE to the key's keyspace notification) takes the
 * time each event reaches it. The latency of one set is from just before
 * the writer's call to the watcher's wakeup with its event: the set
 * itself (its fsync under sync=always), the queueing and the wakeup. The
 * writer sends the next set only once the watcher has had the last event
 * (a pipe, outside the timed window), so each is measured alone.
 *
 * usage: smap-watchlat --engine=smap|redis [--ops=N] [--value-size=B]
 *        [--redis-socket=PATH] [--sync=LABEL] [--name=NAME]
 *        [--output-format=normal|json|json+]
 * The JSON is fio's (fiojson.h): the latencies are the job's "write".
 */
#include <errno.h>
#include <getopt.h>
#include <stdarg.h>
#include <stdlib.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <sys/wait.h>
#include <fcntl.h>
#include <unistd.h>
#include <linux/shared_map.h>

#include "benchopts.h"
#include "fiojson.h"

#define KEY	"watchlat/k"
#define VMAX	4096

static const char *engine = "smap", *sock_path = "/tmp/redis.sock";
static const char *sync_label = "always";
/* --name, --ops, --value-size, --output-format: benchopts' */
static struct { BENCH_COMMON; } o = {
	.name = "watchlat", .ops = 1000, .value_size = 64, .numjobs = 1,
	.prefill = -1,
};

void die(const char *fmt, ...)
{
	va_list ap;

	fputs("smap-watchlat: ", stderr);
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fputc('\n', stderr);
	exit(2);
}

static void xwrite(int fd, const void *p, size_t n)
{
	while (n) {
		ssize_t r = write(fd, p, n);

		if (r < 0 && errno == EINTR)
			continue;
		if (r <= 0)
			die("write: %s", strerror(errno));
		p = (const char *)p + r;
		n -= (size_t)r;
	}
}

static void xread1(int fd)
{
	char c;

	while (read(fd, &c, 1) != 1)
		if (errno != EINTR)
			die("pipe: %s", strerror(errno));
}

/* ---- Redis: RESP over a unix socket --------------------------------------- */

struct rconn {
	int fd;
	size_t pos, len;
	char b[8192];
};

static void rconnect(struct rconn *c)
{
	struct sockaddr_un sa = { .sun_family = AF_UNIX };

	if (strlen(sock_path) >= sizeof(sa.sun_path))
		die("socket path too long");
	strcpy(sa.sun_path, sock_path);
	c->pos = c->len = 0;
	c->fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
	if (c->fd < 0 || connect(c->fd, (struct sockaddr *)&sa, sizeof(sa)))
		die("connect %s: %s", sock_path, strerror(errno));
}

/* One "\r\n"-terminated line (NUL-terminated in place). */
static char *rline(struct rconn *c)
{
	for (;;) {
		char *s = c->b + c->pos, *e = memchr(s, '\n', c->len - c->pos);
		ssize_t n;

		if (e && e > s && e[-1] == '\r') {
			e[-1] = 0;
			c->pos = (size_t)(e - c->b) + 1;
			return s;
		}
		if (c->pos) {
			memmove(c->b, s, c->len - c->pos);
			c->len -= c->pos;
			c->pos = 0;
		}
		if (c->len == sizeof(c->b))
			die("redis: line too long");
		n = read(c->fd, c->b + c->len, sizeof(c->b) - c->len);
		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0)
			die("redis: read: %s", n ? strerror(errno) : "closed");
		c->len += (size_t)n;
	}
}

/* One reply, whatever it is (arrays and bulk strings skipped through). */
static void rreply(struct rconn *c)
{
	char *l = rline(c);
	long n;

	switch (l[0]) {
	case '-':
		die("redis: %s", l + 1);
	case '*':
		for (n = atol(l + 1); n > 0; n--)
			rreply(c);
		return;
	case '$':
		if (atol(l + 1) >= 0)
			rline(c);	/* our payloads hold no "\r\n" */
		return;
	default:
		return;
	}
}

static void rcmd(struct rconn *c, int argc, const char *const *argv)
{
	char out[VMAX + 256];
	int i, n = sprintf(out, "*%d\r\n", argc);

	for (i = 0; i < argc; i++)
		n += sprintf(out + n, "$%zu\r\n%s\r\n", strlen(argv[i]), argv[i]);
	xwrite(c->fd, out, (size_t)n);
}

/* ---- the watcher and the writer, per engine --------------------------------- */

static int smap_dev(void)
{
	int fd = open(SMAP_DEVICE_PATH, O_RDWR | O_CLOEXEC);

	if (fd < 0)
		die("open %s: %s", SMAP_DEVICE_PATH, strerror(errno));
	return fd;
}

static void watcher(uint64_t *recv, int ready, int ack)
{
	uint8_t buf[4096] __attribute__((aligned(8)));
	struct rconn rc;
	uint64_t i;
	int w = -1;

	if (!strcmp(engine, "smap")) {
		struct smap_watch_req req = { .prefix = (uintptr_t)KEY,
					      .prefix_len = strlen(KEY),
					      .flags = SMAP_WATCH_EXACT };
		int dev = smap_dev();

		w = ioctl(dev, SMAP_IOC_WATCH, &req);
		if (w < 0)
			die("SMAP_IOC_WATCH: %s", strerror(errno));
		close(dev);
	} else {
		static const char *const sub[] = { "SUBSCRIBE",
						   "__keyspace@0__:" KEY };

		rconnect(&rc);
		rcmd(&rc, 2, sub);
		rreply(&rc);
	}
	xwrite(ready, "r", 1);
	for (i = 0; i < o.ops; i++) {
		if (w >= 0) {
			/* one event per set: the writer waits for our ack */
			if (read(w, buf, sizeof(buf)) <= 0)
				die("read watch: %s", strerror(errno));
		} else {
			rreply(&rc);
		}
		recv[i] = now_ns();
		xwrite(ack, "a", 1);
	}
	_exit(0);
}

static void usage(int rc)
{
	fprintf(rc ? stderr : stdout,
		"usage: smap-watchlat --engine=smap|redis [--ops=N] [--value-size=B] [--redis-socket=PATH] [--sync=LABEL] [--name=NAME] [--output-format=normal|json|json+]\n");
	exit(rc);
}

static void extra_opt(int val, const char *arg)
{
	switch (val) {
	case 'e': engine = arg; break;
	case 'S': sock_path = arg; break;
	case 's': sync_label = arg; break;
	}
}

int main(int argc, char **argv)
{
	static const struct option lo[] = {
		{ "engine", required_argument, NULL, 'e' },
		{ "redis-socket", required_argument, NULL, 'S' },
		{ "sync", required_argument, NULL, 's' },
		{ NULL, 0, NULL, 0 },
	};
	static const char *const rw_names[] = { "set" };
	static const struct bench_opts_spec spec = {
		.rw_names = rw_names, .n_rw = 1, .extra = lo,
		.extra_opt = extra_opt, .usage = usage,
	};
	char val[VMAX + 1];
	struct lat_stat st[2];
	struct rconn rc;
	int ready[2], ack[2], dev = -1, status;
	uint64_t *recv, i, t0, start, wall;
	pid_t pid;

	bench_parse_opts(argc, argv, &o.c, &spec);
	if (strcmp(engine, "smap") && strcmp(engine, "redis"))
		die("--engine: smap or redis");
	if (!o.ops || o.value_size < 1 || o.value_size > VMAX)
		die("--ops at least 1, --value-size 1..%d", VMAX);
	memset(val, 'v', o.value_size);
	val[o.value_size] = 0;
	recv = mmap(NULL, o.ops * sizeof(*recv), PROT_READ | PROT_WRITE,
		    MAP_SHARED | MAP_ANONYMOUS, -1, 0);
	if (recv == MAP_FAILED || pipe(ready) || pipe(ack))
		die("setup: %s", strerror(errno));
	if (!strcmp(engine, "smap")) {
		dev = smap_dev();
	} else {
		static const char *const cfg[] = { "CONFIG", "SET",
			"notify-keyspace-events", "K$" };

		rconnect(&rc);
		rcmd(&rc, 4, cfg);
		rreply(&rc);
	}
	pid = fork();
	if (pid < 0)
		die("fork: %s", strerror(errno));
	if (!pid)
		watcher(recv, ready[1], ack[1]);
	xread1(ready[0]);

	lat_init(&st[0]);
	lat_init(&st[1]);
	start = now_ns();
	for (i = 0; i < o.ops; i++) {
		t0 = now_ns();
		if (dev >= 0) {
			struct smap_kv kv = { .key = (uintptr_t)KEY,
					      .key_len = strlen(KEY),
					      .value = (uintptr_t)val,
					      .value_len = o.value_size };

			if (ioctl(dev, SMAP_IOC_SET, &kv))
				die("SMAP_IOC_SET: %s", strerror(errno));
		} else {
			const char *const set[] = { "SET", KEY, val };

			rcmd(&rc, 3, set);
			rreply(&rc);
		}
		xread1(ack[0]);
		lat_add(&st[1], recv[i] - t0, o.value_size);
	}
	wall = now_ns() - start;
	if (waitpid(pid, &status, 0) < 0 || !WIFEXITED(status) ||
	    WEXITSTATUS(status))
		die("the watcher failed");

	if (o.json) {
		struct fio_job j = {
			.version = "smap-watchlat", .name = o.name,
			.rw = "set-to-event", .engine = engine,
			.bs = o.value_size, .key_size = strlen(KEY), .numjobs = 1,
			.batch = 1, .ops = o.ops, .keys = 1, .sync = sync_label,
			.plus = o.json_plus,
		};

		fio_json(stdout, &j, st, wall, 0, "");
	} else {
		printf("%s: %s set-to-event (sync %s): %" PRIu64 " sets, p50 %" PRIu64 " ns, p99 %" PRIu64 " ns, max %" PRIu64 " ns\n",
		       o.name, engine, sync_label, st[1].l.n,
		       lat_percentile(&st[1], 50), lat_percentile(&st[1], 99),
		       st[1].l.max);
	}
	return 0;
}
